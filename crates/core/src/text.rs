//! Text folding for matching names: the one normaliser of ifn (territory search, merging of
//! duplicated mediation places).

use unicode_normalization::char::is_combining_mark;
use unicode_normalization::UnicodeNormalization;

/// Folds a text for matching: compatibility decomposition (NFKD) with the combining marks
/// dropped (accents, cedillas, diaereses), lower case, `œ` → `oe` and `æ` → `ae`,
/// apostrophes, hyphens and punctuation between words as spaces, runs of spaces collapsed
/// and trimmed.
///
/// NFKD comes first so that text typed with a combining accent (`"e\u{301}"`, as some
/// keyboards and macOS file names produce) folds like the precomposed `"é"`, and ligatures
/// and full-width forms fold to their letters.
///
/// ```
/// use ifn_core::text::fold;
/// assert_eq!(fold("  Saint-Étienne-du-Rouvray "), "saint etienne du rouvray");
/// assert_eq!(fold("L'Haÿ-les-Roses"), "l hay les roses");
/// assert_eq!(fold("Me\u{301}diathe\u{300}que"), fold("Médiathèque"));
/// assert_eq!(fold("Œuvre d’Æthelred"), "oeuvre d aethelred");
/// ```
pub fn fold(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    // Start as if after a space, so leading separators are dropped.
    let mut space = true;
    let mut push = |out: &mut String, piece: &str| {
        if piece == " " {
            if !space {
                out.push(' ');
                space = true;
            }
        } else {
            out.push_str(piece);
            space = false;
        }
    };
    for c in s.nfkd().filter(|c| !is_combining_mark(*c)) {
        // Lower-casing can add a combining mark (`İ` → `i` + U+0307): drop it too.
        for c in c.to_lowercase().filter(|c| !is_combining_mark(*c)) {
            let mut buf = [0u8; 4];
            let piece: &str = match c {
                'œ' => "oe",
                'æ' => "ae",
                'ß' => "ss",
                'ø' => "o",
                'đ' => "d",
                'ł' => "l",
                '-' | '\'' | '’' | '‘' | '‐' | '‑' | '–' | '—' | '_' | '.' | ',' | ';' | ':'
                | '/' | '(' | ')' | '"' | '«' | '»' => " ",
                c if c.is_whitespace() => " ",
                c => c.encode_utf8(&mut buf),
            };
            push(&mut out, piece);
        }
    }
    if out.ends_with(' ') {
        out.pop();
    }
    out
}

#[cfg(test)]
mod tests {
    use super::fold;

    #[test]
    fn empty_and_blank_text_fold_to_nothing() {
        assert_eq!(fold(""), "");
        assert_eq!(fold(" \t- ' "), "");
    }

    #[test]
    fn decomposed_accents_fold_like_precomposed_ones() {
        assert_eq!(fold("e\u{301}"), "e");
        assert_eq!(fold("Ce\u{301}sar"), fold("César"));
        assert_eq!(fold("Me\u{301}diathe\u{300}que"), "mediatheque");
    }

    #[test]
    fn every_french_accent_is_removed() {
        assert_eq!(
            fold("àâäçéèêëîïôöùûüÿ ÀÂÄÇÉÈÊËÎÏÔÖÙÛÜŸ"),
            "aaaceeeeiioouuuy aaaceeeeiioouuuy"
        );
    }

    #[test]
    fn ligatures_are_spelt_out() {
        assert_eq!(fold("Œdème"), "oedeme");
        assert_eq!(fold("cæcum"), "caecum");
        assert_eq!(fold("ﬁn"), "fin");
    }

    #[test]
    fn separators_become_single_spaces() {
        assert_eq!(fold("L’Isle-d'Abeau"), "l isle d abeau");
        assert_eq!(fold("a  --  b"), "a b");
        assert_eq!(fold("Saint-Denis (La Réunion)"), "saint denis la reunion");
    }

    #[test]
    fn folding_is_idempotent() {
        for s in ["Saint-Étienne", "e\u{301}", "Œuvre", "L'Haÿ-les-Roses", "ﬁ"] {
            assert_eq!(fold(&fold(s)), fold(s), "{s}");
        }
    }

    #[test]
    fn codes_and_digits_are_kept() {
        assert_eq!(fold("2A004"), "2a004");
        assert_eq!(fold("75056 Paris"), "75056 paris");
    }
}

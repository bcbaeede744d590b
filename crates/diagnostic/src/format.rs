//! French number formatting and HTML escaping.

/// Escapes text for HTML content and attribute values.
///
/// ```
/// assert_eq!(ifn_diagnostic::format::esc("L'Isle <d'Abeau> & co"), "L&#39;Isle &lt;d&#39;Abeau&gt; &amp; co");
/// ```
pub fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// A number in French: decimal comma, thin no-break space between thousands, "—" when not
/// a finite number. Rounded as the viewer rounds ([`ifn_core::rules::round_display`]: ties
/// of the decimal text away from zero), so that a figure reads the same on the page and the map.
///
/// ```
/// use ifn_diagnostic::format::fr;
/// assert_eq!(fr(1234567.891, 1), "1\u{202f}234\u{202f}567,9");
/// assert_eq!(fr(-0.04, 1), "0,0");
/// assert_eq!(fr(f64::NAN, 2), "—");
/// assert_eq!(fr(999.96, 1), "1\u{202f}000,0");
/// assert_eq!(fr(39.15, 1), "39,2");
/// ```
pub fn fr(v: f64, decimals: usize) -> String {
    if !v.is_finite() {
        return "—".to_string();
    }
    let rounded = ifn_core::rules::round_display(v, u32::try_from(decimals).unwrap_or(u32::MAX));
    let s = format!("{:.*}", decimals, rounded);
    // "-0.0" after rounding reads as a sign error on paper.
    let s = if s
        .trim_start_matches('-')
        .chars()
        .all(|c| c == '0' || c == '.')
    {
        s.trim_start_matches('-').to_string()
    } else {
        s
    };
    let (sign, s) = match s.strip_prefix('-') {
        Some(r) => ("-", r),
        None => ("", s.as_str()),
    };
    let (int, frac) = match s.split_once('.') {
        Some((i, f)) => (i, Some(f)),
        None => (s, None),
    };
    let mut grouped = String::new();
    for (k, c) in int.chars().enumerate() {
        if k > 0 && (int.len() - k) % 3 == 0 {
            grouped.push('\u{202f}');
        }
        grouped.push(c);
    }
    match frac {
        Some(f) => format!("{sign}{grouped},{f}"),
        None => format!("{sign}{grouped}"),
    }
}

/// A share (0..1) as a French percentage with one decimal: `12,5 %`.
///
/// ```
/// assert_eq!(ifn_diagnostic::format::pct(0.125), "12,5\u{a0}%");
/// assert_eq!(ifn_diagnostic::format::pct(f64::NAN), "—");
/// ```
pub fn pct(share: f64) -> String {
    if !share.is_finite() {
        return "—".to_string();
    }
    format!("{}\u{a0}%", fr(share * 100.0, 1))
}

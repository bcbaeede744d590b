//! The domain rules every front end shows the same way, defined once.
//!
//! The map, the printed diagnostic, the CSV exports and the API must agree on how a score is
//! rounded, which colour class it falls in, how raw values are rounded, which cells are
//! missing values, the offer defaults and bounds and the kinds of places. They are defined
//! here; [`rules()`] gathers them in one serialisable document that the server publishes (in
//! `/api/meta`) so the viewer reads them instead of copying them.
//!
//! ```
//! use ifn_core::rules::{score_class, display_round, class_style};
//! assert_eq!(display_round(6.96), 7.0);
//! // The class is read from the displayed score: "7.0" is shown in the colour of class 7.
//! assert_eq!(score_class(6.96), Some(7));
//! assert_eq!(score_class(6.94), Some(6));
//! assert_eq!(score_class(f64::NAN), None);
//! assert_eq!(class_style(Some(10)).colour, "#440154");
//! let doc = serde_json::to_value(ifn_core::rules()).unwrap();
//! assert_eq!(doc["offer"]["default_threshold"], 7.0);
//! ```

use serde::Serialize;

use crate::offer::{
    OfferKind, DEFAULT_DISTANCE_KM, DEFAULT_THRESHOLD, DISTANCE_KM_RANGE, THRESHOLD_RANGE,
};
use crate::territory::PlaceKind;

/// Decimals of a displayed score (the public IFN tool shows one).
pub const SCORE_DECIMALS: u32 = 1;

/// Decimals of a displayed raw indicator value (rates in %, incomes, distances): one, in the
/// viewer and the diagnostic alike.
pub const RAW_DECIMALS: u32 = 1;

/// Cells that mean "no value" (statistical secrecy, not available), compared after trimming
/// and lower-casing. Never read as zero.
pub const MISSING_TOKENS: [&str; 6] = ["", "s", "nd", "na", "n/a", "nan"];

/// How a missing score or value is displayed.
pub const MISSING_DISPLAY: &str = "—";

/// The ten colours of the score classes 1..=10, index 0 = class 1. Reversed viridis: the
/// darkest is the most fragile, and the ramp stays ordered in lightness for the common
/// colour-vision deficiencies and in greyscale.
pub const CLASS_COLOURS: [&str; 10] = [
    "#fde725", "#b5de2b", "#6ece58", "#35b779", "#1f9e89", "#26828e", "#31688e", "#3e4989",
    "#482878", "#440154",
];

/// The text colour to write over each class colour, chosen so that the WCAG contrast ratio is
/// at least 4.5:1 (checked by a test). Pure black, not the DSFR's #161616: over class 6
/// (#26828e) #161616 reaches only 4.0:1.
pub const CLASS_TEXT_COLOURS: [&str; 10] = [
    "#000000", "#000000", "#000000", "#000000", "#000000", "#000000", "#ffffff", "#ffffff",
    "#ffffff", "#ffffff",
];

/// Fill of a territory without score.
pub const MISSING_COLOUR: &str = "#d9d9d9";
/// Text over [`MISSING_COLOUR`].
pub const MISSING_TEXT_COLOUR: &str = "#000000";

/// Rounds a number to `decimals` digits for display, the way the viewer's
/// `Number.prototype.toLocaleString` does: the shortest decimal text that reads back as the
/// same `f64` (what JSON carries to the browser) is rounded half away from zero.
///
/// Rounding the binary value instead (`format!("{:.1}")`) or `(v * 10).round() / 10` differs
/// on ties: 39.15 is stored as 39.1499…, so `{:.1}` prints 39.1 while the viewer shows 39,2.
/// Every displayed figure goes through this function so that the page and the map agree.
///
/// ```
/// use ifn_core::rules::round_display;
/// assert_eq!(round_display(39.15, 1), 39.2);
/// assert_eq!(format!("{:.1}", 39.15), "39.1", "what the binary value rounds to");
/// assert_eq!(round_display(1.005, 2), 1.01);
/// assert_eq!(round_display(-2.25, 1), -2.3);
/// assert_eq!(round_display(9.96, 1), 10.0);
/// assert_eq!(round_display(1234.5, 0), 1235.0);
/// assert!(round_display(f64::NAN, 1).is_nan());
/// ```
pub fn round_display(v: f64, decimals: u32) -> f64 {
    if !v.is_finite() {
        return v;
    }
    // `Display` of an f64 is the shortest round-trip text, never in exponent form.
    let text = format!("{}", v.abs());
    let (int, frac) = text.split_once('.').unwrap_or((text.as_str(), ""));
    let d = decimals as usize;
    if frac.len() <= d {
        return v;
    }
    // The kept digits as one integer (digit string), plus one when the next digit is ≥ 5.
    let mut digits: Vec<u8> = int.bytes().chain(frac.bytes().take(d)).collect();
    if frac.as_bytes()[d] >= b'5' {
        let mut k = digits.len();
        loop {
            if k == 0 {
                digits.insert(0, b'1');
                break;
            }
            k -= 1;
            if digits[k] == b'9' {
                digits[k] = b'0';
            } else {
                digits[k] += 1;
                break;
            }
        }
    }
    let split = digits.len() - d;
    let mut rounded = String::with_capacity(digits.len() + 2);
    rounded.push_str(std::str::from_utf8(&digits[..split]).unwrap_or("0"));
    if d > 0 {
        rounded.push('.');
        rounded.push_str(std::str::from_utf8(&digits[split..]).unwrap_or("0"));
    }
    let r: f64 = rounded.parse().unwrap_or(v.abs());
    if v < 0.0 {
        -r
    } else {
        r
    }
}

/// A score rounded for display: [`SCORE_DECIMALS`] decimal.
///
/// ```
/// assert_eq!(ifn_core::rules::display_round(6.25), 6.3);
/// assert!(ifn_core::rules::display_round(f64::NAN).is_nan());
/// ```
pub fn display_round(score: f64) -> f64 {
    round_display(score, SCORE_DECIMALS)
}

/// A raw indicator value rounded for display: [`RAW_DECIMALS`] decimal, ties as the viewer
/// rounds them ([`round_display`]). The API sends raw values at full precision; the viewer
/// and the diagnostic both print this rounding of them.
///
/// ```
/// assert_eq!(ifn_core::rules::raw_round(12.345), 12.3);
/// assert_eq!(ifn_core::rules::raw_round(39.15), 39.2);
/// ```
pub fn raw_round(value: f64) -> f64 {
    round_display(value, RAW_DECIMALS)
}

/// The colour class 1..=10 of a score, `None` when missing.
///
/// The class is the floor of the **displayed** score, clamped to 1..=10: class `k` covers the
/// displayed scores `k.0` to `k.9`. Reading it from the displayed value (not the full
/// precision) keeps the legend and the label in agreement: a score of 6.96 shows "7.0" and
/// is drawn in class 7. Flooring (not rounding) keeps a class's legend "7 to 7.9" readable
/// and makes class 10 the displayed score 10.0 only, the top of the scale. Map, diagnostic
/// and exports all use this function (or its copy in the viewer, fed by [`rules()`]).
///
/// ```
/// use ifn_core::rules::score_class;
/// assert_eq!(score_class(1.0), Some(1));
/// assert_eq!(score_class(6.6), Some(6));
/// assert_eq!(score_class(9.99), Some(10));
/// assert_eq!(score_class(0.2), Some(1));
/// assert_eq!(score_class(f64::INFINITY), None);
/// ```
pub fn score_class(score: f64) -> Option<u8> {
    if !score.is_finite() {
        return None;
    }
    Some(display_round(score).floor().clamp(1.0, 10.0) as u8)
}

/// Colours of one class (or of a missing value).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct ClassStyle {
    /// Class 1..=10, `None` for a missing value.
    pub class: Option<u8>,
    /// Fill colour, `#rrggbb`.
    pub colour: &'static str,
    /// Text colour over the fill (contrast ≥ 4.5:1), `#rrggbb`.
    pub text_colour: &'static str,
}

/// The colours of a class 1..=10 (out-of-range classes are clamped), or of a missing value.
///
/// ```
/// use ifn_core::rules::{class_style, score_class, MISSING_COLOUR};
/// assert_eq!(class_style(score_class(f64::NAN)).colour, MISSING_COLOUR);
/// assert_eq!(class_style(Some(1)).text_colour, "#000000");
/// ```
pub fn class_style(class: Option<u8>) -> ClassStyle {
    match class {
        None => ClassStyle {
            class: None,
            colour: MISSING_COLOUR,
            text_colour: MISSING_TEXT_COLOUR,
        },
        Some(c) => {
            let i = usize::from(c.clamp(1, 10)) - 1;
            ClassStyle {
                class: Some(c.clamp(1, 10)),
                colour: CLASS_COLOURS[i],
                text_colour: CLASS_TEXT_COLOURS[i],
            }
        }
    }
}

/// The score display rules, as published.
#[derive(Debug, Clone, Serialize)]
pub struct ScoreRules {
    /// Decimals of a displayed score.
    pub decimals: u32,
    /// Decimals of a displayed raw value.
    pub raw_decimals: u32,
    /// The class rule in words, for clients that reimplement it.
    pub class_rule: &'static str,
    /// Classes 1..=10 with their colours.
    pub classes: Vec<ClassStyle>,
    /// Colours of a missing score.
    pub missing: ClassStyle,
    /// How a missing value is displayed.
    pub missing_display: &'static str,
}

/// The offer defaults and bounds, as published.
#[derive(Debug, Clone, Serialize)]
pub struct OfferRules {
    /// Default fragility threshold.
    pub default_threshold: f64,
    /// Smallest accepted threshold.
    pub threshold_min: f64,
    /// Largest accepted threshold.
    pub threshold_max: f64,
    /// Default access distance, km.
    pub default_distance_km: f64,
    /// Smallest accepted distance, km.
    pub distance_km_min: f64,
    /// Largest accepted distance, km.
    pub distance_km_max: f64,
}

/// A key and its French label.
#[derive(Debug, Clone, Serialize)]
pub struct Labelled {
    /// Key used in files, URLs and tile properties.
    pub key: &'static str,
    /// French label.
    pub label_fr: &'static str,
}

/// Every rule a client needs to display ifn's figures like the server does.
#[derive(Debug, Clone, Serialize)]
pub struct DomainRules {
    /// Rounding and colours of scores.
    pub score: ScoreRules,
    /// Cells read as missing values (lower case, after trimming).
    pub missing_tokens: &'static [&'static str],
    /// Offer defaults and bounds.
    pub offer: OfferRules,
    /// Kinds of mediation places (`kinds` of a place).
    pub place_kinds: Vec<Labelled>,
    /// Groups of places of the offer figures (`places`, `places_per_10k` keys).
    pub offer_kinds: Vec<Labelled>,
}

/// The domain rules, to publish.
///
/// ```
/// let r = ifn_core::rules();
/// assert_eq!(r.score.classes.len(), 10);
/// assert!(r.place_kinds.iter().any(|k| k.key == "france_services"));
/// ```
pub fn rules() -> DomainRules {
    DomainRules {
        score: ScoreRules {
            decimals: SCORE_DECIMALS,
            raw_decimals: RAW_DECIMALS,
            class_rule: "class = floor(score rounded to `decimals`), clamped to 1..10",
            classes: (1..=10).map(|c| class_style(Some(c))).collect(),
            missing: class_style(None),
            missing_display: MISSING_DISPLAY,
        },
        missing_tokens: &MISSING_TOKENS,
        offer: OfferRules {
            default_threshold: DEFAULT_THRESHOLD,
            threshold_min: THRESHOLD_RANGE.0,
            threshold_max: THRESHOLD_RANGE.1,
            default_distance_km: DEFAULT_DISTANCE_KM,
            distance_km_min: DISTANCE_KM_RANGE.0,
            distance_km_max: DISTANCE_KM_RANGE.1,
        },
        place_kinds: PlaceKind::ALL
            .iter()
            .map(|k| Labelled {
                key: k.as_str(),
                label_fr: k.label_fr(),
            })
            .collect(),
        offer_kinds: OfferKind::ALL
            .iter()
            .map(|k| Labelled {
                key: k.as_str(),
                label_fr: k.label_fr(),
            })
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// WCAG 2 relative luminance of `#rrggbb`.
    fn luminance(hex: &str) -> f64 {
        let channel = |i: usize| {
            let c = f64::from(u8::from_str_radix(&hex[i..i + 2], 16).expect("hex colour")) / 255.0;
            if c <= 0.04045 {
                c / 12.92
            } else {
                ((c + 0.055) / 1.055).powf(2.4)
            }
        };
        0.2126 * channel(1) + 0.7152 * channel(3) + 0.0722 * channel(5)
    }

    /// WCAG 2 contrast ratio of two colours.
    fn contrast(a: &str, b: &str) -> f64 {
        let (la, lb) = (luminance(a), luminance(b));
        (la.max(lb) + 0.05) / (la.min(lb) + 0.05)
    }

    #[test]
    fn contrast_of_black_on_white_is_21() {
        approx::assert_relative_eq!(contrast("#000000", "#ffffff"), 21.0, epsilon = 1e-9);
        approx::assert_relative_eq!(contrast("#777777", "#777777"), 1.0);
    }

    #[test]
    fn text_over_every_class_reaches_aa_contrast() {
        let styles = rules().score.classes;
        for s in styles.iter().chain([&class_style(None)]) {
            let c = contrast(s.colour, s.text_colour);
            assert!(
                c >= 4.5,
                "class {:?}: {} on {} is {c:.2}:1",
                s.class,
                s.text_colour,
                s.colour
            );
        }
    }

    #[test]
    fn the_ramp_darkens_with_the_class() {
        let l: Vec<f64> = CLASS_COLOURS.iter().map(|c| luminance(c)).collect();
        assert!(l.windows(2).all(|w| w[0] > w[1]), "{l:?}");
    }

    #[test]
    fn classes_follow_the_displayed_score() {
        for (score, class) in [
            (1.0, 1),
            (1.94, 1),
            (1.95, 2),
            (6.6, 6),
            (6.949, 6),
            (9.9, 9),
            (9.96, 10),
            (10.0, 10),
            (0.0, 1),
            (12.0, 10),
        ] {
            assert_eq!(score_class(score), Some(class), "{score}");
        }
        assert_eq!(score_class(f64::NAN), None);
    }

    #[test]
    fn display_rounding_takes_ties_up_as_the_decimal_text_reads() {
        // k / 100 printed with two decimals is "a.bc": rounding it to one decimal is decimal
        // arithmetic on the integer k, whatever its binary value.
        for k in 0..20_000u32 {
            let v = f64::from(k) / 100.0;
            let want = f64::from((k + 5) / 10) / 10.0;
            assert_eq!(round_display(v, 1), want, "{v}");
            assert_eq!(round_display(-v, 1), -want, "{}", -v);
        }
        assert_eq!(round_display(0.96, 1), 1.0);
        assert_eq!(round_display(99.95, 1), 100.0);
        assert_eq!(round_display(1e-7, 1), 0.0);
        assert_eq!(round_display(123.0, 2), 123.0);
        assert_eq!(round_display(f64::INFINITY, 1), f64::INFINITY);
    }

    #[test]
    fn classes_are_monotone_in_the_score() {
        let mut last = 0;
        for i in 0..=1100 {
            let c = score_class(i as f64 / 100.0).expect("finite");
            assert!(c >= last && (1..=10).contains(&c));
            last = c;
        }
    }

    #[test]
    fn published_offer_rules_are_the_ones_enforced() {
        use crate::offer::OfferOptions;
        let o = rules().offer;
        let ok = |threshold, distance_km| {
            OfferOptions {
                threshold,
                distance_km,
            }
            .validate()
            .is_ok()
        };
        assert!(ok(o.default_threshold, o.default_distance_km));
        assert!(ok(o.threshold_min, o.distance_km_min) && ok(o.threshold_max, o.distance_km_max));
        assert!(!ok(o.threshold_min - 0.01, o.default_distance_km));
        assert!(!ok(o.threshold_max + 0.01, o.default_distance_km));
        assert!(!ok(o.default_threshold, o.distance_km_max + 0.01));
    }
}

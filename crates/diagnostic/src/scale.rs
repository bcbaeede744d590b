//! How a score becomes a colour and a printed number: the one place of this crate that holds
//! the colour ramp, the class rule and the formatting of values, so that the printed map and
//! the web map agree.
//!
//! The rule and the colours are `ifn_core::rules` (the one definition, also served to the web
//! map in `/api/meta`): the class of a score is the floor of its displayed (one-decimal) value,
//! clamped to 1..=10, coloured with a ten-step viridis ramp, darkest for the most fragile; grey
//! when the score is missing.

use ifn_core::report::display_round;
use ifn_core::rules::{raw_round, RAW_DECIMALS, SCORE_DECIMALS};

use crate::format::fr;

/// Colour of a missing score.
pub const MISSING_COLOUR: &str = ifn_core::rules::MISSING_COLOUR;

/// The ten colours of classes 1..=10: viridis, reversed so that the darkest is the most
/// fragile. Viridis stays ordered in lightness for the common colour-vision deficiencies and
/// in greyscale (the page is often printed in black and white).
pub const RAMP: [&str; 10] = ifn_core::rules::CLASS_COLOURS;

/// Class 1..=10 of a score ([`ifn_core::rules::score_class`]): the floor of the displayed
/// one-decimal score, below 1 in class 1 and from 10 on in class 10; `None` when missing.
///
/// ```
/// use ifn_diagnostic::scale::score_class;
/// assert_eq!(score_class(6.6), Some(6));
/// assert_eq!(score_class(7.0), Some(7));
/// assert_eq!(score_class(10.0), Some(10));
/// assert_eq!(score_class(0.2), Some(1));
/// assert_eq!(score_class(f64::NAN), None);
/// ```
pub fn score_class(score: f64) -> Option<u8> {
    ifn_core::rules::score_class(score)
}

/// Colour of a score (the colour of its [`score_class`]), [`MISSING_COLOUR`] when missing.
///
/// ```
/// use ifn_diagnostic::scale::{score_colour, MISSING_COLOUR, RAMP};
/// assert_eq!(score_colour(f64::NAN), MISSING_COLOUR);
/// assert_eq!(score_colour(6.6), RAMP[5], "6.6 is in class 6, as on the web map");
/// assert_eq!(score_colour(10.0), RAMP[9]);
/// ```
pub fn score_colour(score: f64) -> &'static str {
    score_class(score).map_or(MISSING_COLOUR, |k| RAMP[usize::from(k) - 1])
}

/// A score as printed: one decimal ([`display_round`], as the API's `total_display`), French
/// decimal comma, "—" when missing.
///
/// ```
/// assert_eq!(ifn_diagnostic::scale::score_text(6.25), "6,3");
/// assert_eq!(ifn_diagnostic::scale::score_text(f64::NAN), "—");
/// ```
pub fn score_text(score: f64) -> String {
    fr(display_round(score), SCORE_DECIMALS as usize)
}

/// A raw indicator value as printed: [`raw_round`] (the viewer's rounding of the API's
/// population-weighted value), French decimal comma, "—" when missing.
///
/// ```
/// assert_eq!(ifn_diagnostic::scale::value_text(12.345), "12,3");
/// assert_eq!(ifn_diagnostic::scale::value_text(39.15), "39,2");
/// assert_eq!(ifn_diagnostic::scale::value_text(f64::NAN), "—");
/// ```
pub fn value_text(value: f64) -> String {
    fr(raw_round(value), RAW_DECIMALS as usize)
}

/// A raw indicator value with its unit, as the viewer prints it: `39,2 %`, `4,1 km`, the bare
/// number when the indicator has no unit, "—" (without unit) when missing.
///
/// ```
/// use ifn_diagnostic::scale::raw_text;
/// assert_eq!(raw_text(39.15, "%"), "39,2\u{a0}%");
/// assert_eq!(raw_text(4.06, "km"), "4,1\u{a0}km");
/// assert_eq!(raw_text(2.0, ""), "2,0");
/// assert_eq!(raw_text(f64::NAN, "%"), "—");
/// ```
pub fn raw_text(value: f64, unit: &str) -> String {
    let text = value_text(value);
    if !value.is_finite() || unit.is_empty() {
        text
    } else {
        format!("{text}\u{a0}{unit}")
    }
}

/// A rolled-up class (a population-weighted mean of classes 1..=10) as printed: one decimal
/// like a score, "—" when missing.
///
/// ```
/// assert_eq!(ifn_diagnostic::scale::class_text(6.45), "6,5");
/// assert_eq!(ifn_diagnostic::scale::class_text(f64::NAN), "—");
/// ```
pub fn class_text(class: f64) -> String {
    fr(display_round(class), SCORE_DECIMALS as usize)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classes_are_monotone_and_cover_one_to_ten() {
        let mut last = 0;
        for k in 0..=1200 {
            let score = f64::from(k) / 100.0;
            let class = score_class(score).expect("finite");
            assert!((1..=10).contains(&class), "{score} → {class}");
            assert!(class >= last, "{score} → {class} after {last}");
            last = class;
        }
        assert_eq!(score_class(f64::INFINITY), None);
    }

    #[test]
    fn each_class_has_its_own_colour() {
        let colours: std::collections::BTreeSet<&str> =
            (1..=10).map(|k| score_colour(f64::from(k))).collect();
        assert_eq!(colours.len(), 10);
        assert!(!colours.contains(MISSING_COLOUR));
    }
}

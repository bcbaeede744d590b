//! How a score becomes a colour and a printed number: the one place of this crate that holds
//! the colour ramp, the class rule and the rounding for display.

use ifn_core::report::display_round;

use crate::format::fr;

/// Colour of a missing score.
pub const MISSING_COLOUR: &str = "#d9d9d9";

/// Ten steps from pale yellow (1) to dark red (10).
const RAMP: [&str; 10] = [
    "#fff7bc", "#fee391", "#fec44f", "#fe9929", "#f7812a", "#ec7014", "#d95f0e", "#cc4c02",
    "#a63603", "#7f2704",
];

/// Colour of a score, grey ([`MISSING_COLOUR`]) when missing.
///
/// ```
/// use ifn_diagnostic::scale::score_colour;
/// assert_eq!(score_colour(f64::NAN), "#d9d9d9");
/// assert_eq!(score_colour(1.0), score_colour(1.4));
/// assert_ne!(score_colour(1.0), score_colour(10.0));
/// ```
pub fn score_colour(score: f64) -> &'static str {
    if !score.is_finite() {
        return MISSING_COLOUR;
    }
    let k = (score.round() as i64).clamp(1, 10) as usize;
    RAMP[k - 1]
}

/// A score as printed: one decimal, French decimal comma, "—" when missing.
///
/// ```
/// assert_eq!(ifn_diagnostic::scale::score_text(6.25), "6,3");
/// assert_eq!(ifn_diagnostic::scale::score_text(f64::NAN), "—");
/// ```
pub fn score_text(score: f64) -> String {
    fr(display_round(score), 1)
}

//! Cells: numbers with either decimal mark and territory codes with their leading zeros.

use crate::manifest::CodeKind;

/// Parses a number written with `.` or (when `decimal_comma`) `,` as decimal mark, through the
/// one cell parser of ifn ([`ifn_core::table::parse_cell`]): missing-value tokens (statistical
/// secrecy: empty, `s`, `ND`, `NA`… in any case) give NaN, anything else that is not a number
/// gives `None` (the caller reports the line and column).
///
/// ```
/// use ifn_ingest::table::parse_number;
/// assert_eq!(parse_number("12,5", true), Some(12.5));
/// assert_eq!(parse_number("1 234,5", true), Some(1234.5));
/// assert_eq!(parse_number("12.5", false), Some(12.5));
/// assert!(parse_number("s", false).is_some_and(f64::is_nan));
/// assert!(parse_number("ND", false).is_some_and(f64::is_nan));
/// assert_eq!(parse_number("abc", false), None);
/// ```
pub fn parse_number(s: &str, decimal_comma: bool) -> Option<f64> {
    match ifn_core::table::parse_cell(s, decimal_comma) {
        Ok(Some(v)) => Some(v),
        Ok(None) => Some(f64::NAN),
        Err(_) => None,
    }
}

/// Normalises a territory code, restoring leading zeros that spreadsheets drop
/// (`1001` → `01001`, `30450000` → `030450000`) and removing a `.0` float suffix.
///
/// ```
/// use ifn_ingest::{manifest::CodeKind, table::normalize_code};
/// assert_eq!(normalize_code("1001", CodeKind::Commune).as_deref(), Some("01001"));
/// assert_eq!(normalize_code("30450000", CodeKind::Iris).as_deref(), Some("030450000"));
/// assert_eq!(normalize_code("2A004", CodeKind::Commune).as_deref(), Some("2A004"));
/// assert_eq!(normalize_code("1", CodeKind::Departement).as_deref(), Some("01"));
/// assert_eq!(normalize_code("971", CodeKind::Departement).as_deref(), Some("971"));
/// assert_eq!(normalize_code("01A01", CodeKind::Commune), None);
/// ```
pub fn normalize_code(raw: &str, kind: CodeKind) -> Option<String> {
    let mut s = raw.trim().trim_matches('"').to_uppercase();
    if let Some(stripped) = s.strip_suffix(".0") {
        s = stripped.to_string();
    }
    let width = match kind {
        CodeKind::Commune => 5,
        CodeKind::Iris => 9,
        CodeKind::Epci => 9,
        CodeKind::Departement => {
            if s.len() == 3 {
                3
            } else {
                2
            }
        }
    };
    if s.is_empty() || s.len() > width {
        return None;
    }
    let s = format!("{s:0>width$}");
    let corsica = matches!(
        kind,
        CodeKind::Commune | CodeKind::Iris | CodeKind::Departement
    ) && (s.starts_with("2A") || s.starts_with("2B"));
    let ok = if corsica {
        s[2..].chars().all(|c| c.is_ascii_digit())
    } else {
        s.chars().all(|c| c.is_ascii_digit())
    };
    ok.then_some(s)
}

//! The small map: an inline SVG, lon/lat projected with a cos(latitude) scaling.

use std::fmt::Write;

use crate::format::{esc, fr};
use crate::input::MapData;

/// Width of the map in SVG units (the page scales it to the column width).
const WIDTH: f64 = 600.0;
/// Largest height, so that a tall territory still fits beside the text on A4.
const MAX_HEIGHT: f64 = 520.0;
/// Vertices closer than this (SVG units) to the previous one are dropped: real contours have
/// thousands of vertices a printed map cannot show.
const MIN_STEP: f64 = 0.6;

/// Colour of a score: ten steps from pale yellow (1) to dark red (10), grey when missing.
///
/// ```
/// use ifn_diagnostic::svg::score_colour;
/// assert_eq!(score_colour(f64::NAN), "#d9d9d9");
/// assert_eq!(score_colour(1.0), score_colour(1.4));
/// assert_ne!(score_colour(1.0), score_colour(10.0));
/// ```
pub fn score_colour(score: f64) -> &'static str {
    const RAMP: [&str; 10] = [
        "#fff7bc", "#fee391", "#fec44f", "#fe9929", "#f7812a", "#ec7014", "#d95f0e", "#cc4c02",
        "#a63603", "#7f2704",
    ];
    if !score.is_finite() {
        return "#d9d9d9";
    }
    let k = (score.round() as i64).clamp(1, 10) as usize;
    RAMP[k - 1]
}

struct Projection {
    lon0: f64,
    lat1: f64,
    kx: f64,
    scale: f64,
}

impl Projection {
    fn xy(&self, (lon, lat): (f64, f64)) -> (f64, f64) {
        (
            (lon - self.lon0) * self.kx * self.scale,
            (self.lat1 - lat) * self.scale,
        )
    }
}

fn path(out: &mut String, rings: &[Vec<(f64, f64)>], p: &Projection) {
    for ring in rings {
        let mut last: Option<(f64, f64)> = None;
        let mut n = 0;
        for (k, &pt) in ring.iter().enumerate() {
            let (x, y) = p.xy(pt);
            let is_last = k + 1 == ring.len();
            if let Some((lx, ly)) = last {
                if !is_last && (x - lx).hypot(y - ly) < MIN_STEP {
                    continue;
                }
            }
            out.push(if n == 0 { 'M' } else { 'L' });
            let _ = write!(out, "{x:.1},{y:.1}");
            last = Some((x, y));
            n += 1;
        }
        out.push('Z');
    }
}

/// The map as an `<svg>` element, or an explanation when there is nothing to draw.
pub fn map_svg(map: &MapData) -> String {
    let pts = map
        .shapes
        .iter()
        .flat_map(|s| s.rings.iter().flatten())
        .copied()
        .filter(|(x, y)| x.is_finite() && y.is_finite());
    let (mut w, mut s, mut e, mut n) = (f64::MAX, f64::MAX, f64::MIN, f64::MIN);
    for (x, y) in pts {
        w = w.min(x);
        e = e.max(x);
        s = s.min(y);
        n = n.max(y);
    }
    if w > e || s > n {
        return "<p class=\"note\">Pas de contour disponible pour ce territoire dans ce jeu de données : \
                carte non dessinée.</p>"
            .to_string();
    }
    let kx = ((s + n) / 2.0).to_radians().cos();
    let span_x = ((e - w) * kx).max(1e-9);
    let span_y = (n - s).max(1e-9);
    let scale = (WIDTH / span_x).min(MAX_HEIGHT / span_y);
    let p = Projection {
        lon0: w,
        lat1: n,
        kx,
        scale,
    };
    let width = span_x * scale;
    let height = span_y * scale;
    let mut out = String::new();
    let _ = write!(
        out,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"map\" viewBox=\"-4 -4 {:.1} {:.1}\" \
         role=\"img\" aria-label=\"Carte des scores\" data-figure=\"map\">\
         <defs><pattern id=\"zb\" width=\"5\" height=\"5\" patternUnits=\"userSpaceOnUse\" \
         patternTransform=\"rotate(45)\"><line x1=\"0\" y1=\"0\" x2=\"0\" y2=\"5\" \
         stroke=\"#1d1d8f\" stroke-width=\"1.6\"/></pattern></defs>",
        width + 8.0,
        height + 8.0
    );
    for shape in &map.shapes {
        let mut d = String::new();
        path(&mut d, &shape.rings, &p);
        let _ = write!(
            out,
            "<path d=\"{d}\" fill=\"{}\" fill-rule=\"evenodd\" stroke=\"#555\" stroke-width=\"0.6\" \
             data-code=\"{}\"><title>{} : {}</title></path>",
            score_colour(shape.score),
            esc(&shape.code),
            esc(&shape.code),
            fr(shape.score, 1)
        );
    }
    for rings in &map.zones_blanches {
        let mut d = String::new();
        path(&mut d, rings, &p);
        let _ = write!(
            out,
            "<path d=\"{d}\" fill=\"url(#zb)\" fill-rule=\"evenodd\" stroke=\"#1d1d8f\" \
             stroke-width=\"1\" class=\"zone-blanche\"/>"
        );
    }
    for &pt in &map.places {
        let (x, y) = p.xy(pt);
        let _ = write!(
            out,
            "<circle cx=\"{x:.1}\" cy=\"{y:.1}\" r=\"2.6\" fill=\"#000091\" stroke=\"#fff\" \
             stroke-width=\"0.8\" class=\"place\"/>"
        );
    }
    out.push_str("</svg>");
    out
}

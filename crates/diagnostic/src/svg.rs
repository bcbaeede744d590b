//! The small map: an inline SVG, lon/lat projected with a cos(latitude) scaling.

use std::fmt::Write;

use maud::{html, Markup};

use crate::input::MapData;
use crate::scale::{score_colour, score_text};

/// Width of the map in SVG units (the page scales it to the column width).
const WIDTH: f64 = 600.0;
/// Largest height, so that a tall territory still fits beside the text on A4.
const MAX_HEIGHT: f64 = 520.0;
/// Vertices closer than this (SVG units) to the previous one are dropped: real contours have
/// thousands of vertices a printed map cannot show.
const MIN_STEP: f64 = 0.6;

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

/// SVG path data of rings (`M x,y L … Z` per ring), one decimal, vertices too close to the
/// previous one dropped.
fn path_data(rings: &[Vec<(f64, f64)>], p: &Projection) -> String {
    let mut out = String::new();
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
    out
}

/// The map as an `<svg>` element (sub-territories coloured by score, zones blanches hatched,
/// places as dots), or a note when there is nothing to draw.
///
/// SVG elements are closed explicitly (`<path …></path>`): maud writes no `/>`, and an
/// unclosed element of inline SVG would swallow the next ones as its children.
pub fn map_svg(map: &MapData) -> Markup {
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
        return html! {
            p class="note" {
                "Pas de contour disponible pour ce territoire dans ce jeu de données : carte non \
                 dessinée."
            }
        };
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
    // A 4-unit margin on every side, so that strokes on the edge are not cut.
    let view_box = format!(
        "-4 -4 {:.1} {:.1}",
        span_x * scale + 8.0,
        span_y * scale + 8.0
    );
    // The text alternative says what the map shows; its figures are in the document's tables.
    let alt = format!(
        "Carte des scores IFN de {} territoires, colorés selon les classes 1 (faible) à 10 (forte) de la légende, \
         avec {} lieux de médiation et {} zones blanches hachurées. Les chiffres sont dans les tableaux du document.",
        map.shapes.len(),
        map.places.len(),
        map.zones_blanches.len()
    );
    html! {
        svg xmlns="http://www.w3.org/2000/svg" class="map" viewBox=(view_box) role="img"
            aria-label=(alt) data-figure="map" {
            defs {
                pattern id="zb" width="5" height="5" patternUnits="userSpaceOnUse" patternTransform="rotate(45)" {
                    line x1="0" y1="0" x2="0" y2="5" stroke="#1d1d8f" stroke-width="1.6" {}
                }
            }
            @for shape in &map.shapes {
                path d=(path_data(&shape.rings, &p)) fill=(score_colour(shape.score))
                    fill-rule="evenodd" stroke="#555" stroke-width="0.6" data-code=(shape.code) {
                    title { (shape.code) " : " (score_text(shape.score)) }
                }
            }
            @for rings in &map.zones_blanches {
                path d=(path_data(rings, &p)) fill="url(#zb)" fill-rule="evenodd" stroke="#1d1d8f"
                    stroke-width="1" class="zone-blanche" {}
            }
            @for &pt in &map.places {
                @let (x, y) = p.xy(pt);
                circle cx=(format!("{x:.1}")) cy=(format!("{y:.1}")) r="2.6" fill="#000091"
                    stroke="#fff" stroke-width="0.8" class="place" {}
            }
        }
    }
}

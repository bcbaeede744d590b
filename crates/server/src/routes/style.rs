//! QGIS styles of the exports (`/api/style/{level}.qml` and `.sld`): the map's class ramp
//! (`ifn_core::rules()`, bounds from [`class_starts`]) on the `total` column of the
//! FlatGeobuf, GeoPackage and GeoJSON exports. Messages in French.

use axum::http::header;
use axum::response::{IntoResponse, Response};

use crate::error::{ApiError, ApiResult, ErrorBody};
use crate::model::class_starts;
use crate::query::ApiPath;
use crate::state::AppState;
use axum::extract::State;

/// The export column the styles classify.
pub const STYLE_COLUMN: &str = "total";

/// Classes 1..=10: (class, lowest score, highest score (excluded, `None` for class 10),
/// fill colour `#rrggbb`).
pub fn class_ramp() -> Vec<(u8, f64, Option<f64>, &'static str)> {
    let starts = class_starts();
    let rules = ifn_core::rules();
    rules
        .score
        .classes
        .iter()
        .enumerate()
        .map(|(i, c)| {
            let lo = if i == 0 { 0.0 } else { starts[i - 1] };
            (i as u8 + 1, lo, starts.get(i).copied(), c.colour)
        })
        .collect()
}

fn label(class: u8, lo: f64, hi: Option<f64>) -> String {
    let fr = |v: f64| format!("{v:.2}").replace('.', ",");
    let word = match class {
        1 => " — faible",
        10 => " — forte",
        _ => "",
    };
    match hi {
        Some(hi) => format!("Classe {class}{word} ({} à {})", fr(lo), fr(hi)),
        None => format!("Classe {class}{word} (≥ {})", fr(lo)),
    }
}

fn rgb(hex: &str) -> (u8, u8, u8) {
    let c = |i: usize| {
        hex.get(i..i + 2)
            .and_then(|h| u8::from_str_radix(h, 16).ok())
            .unwrap_or(0)
    };
    (c(1), c(3), c(5))
}

/// QGIS graduated style (QML) of the `total` column. QGIS puts a value in a range when
/// `lower < value ≤ upper`: bounds are moved down by 1e-9 so that a score equal to a class
/// start falls in that class, as on the map.
pub fn qml() -> String {
    const EPS: f64 = 1e-9;
    let ramp = class_ramp();
    let mut ranges = String::new();
    let mut symbols = String::new();
    for (i, &(class, lo, hi, colour)) in ramp.iter().enumerate() {
        let lower = if i == 0 { lo } else { lo - EPS };
        let upper = hi.map_or(10.0, |h| h - EPS);
        ranges.push_str(&format!(
            "      <range lower=\"{lower}\" upper=\"{upper}\" symbol=\"{i}\" label=\"{}\" render=\"true\"/>\n",
            label(class, lo, hi)
        ));
        let (r, g, b) = rgb(colour);
        symbols.push_str(&format!(
            r#"      <symbol type="fill" name="{i}" alpha="1" clip_to_extent="1" force_rhr="0">
        <layer class="SimpleFill" enabled="1" pass="0" locked="0">
          <Option type="Map">
            <Option type="QString" name="color" value="{r},{g},{b},255"/>
            <Option type="QString" name="outline_color" value="255,255,255,255"/>
            <Option type="QString" name="outline_style" value="solid"/>
            <Option type="QString" name="outline_width" value="0.1"/>
            <Option type="QString" name="outline_width_unit" value="MM"/>
            <Option type="QString" name="style" value="solid"/>
          </Option>
        </layer>
      </symbol>
"#
        ));
    }
    format!(
        r#"<!DOCTYPE qgis PUBLIC 'http://mrcc.com/qgis.dtd' 'SYSTEM'>
<qgis version="3.28.0" styleCategories="Symbology">
  <renderer-v2 type="graduatedSymbol" attr="{STYLE_COLUMN}" graduatedMethod="GraduatedColor" symbollevels="0" enableorderby="0" forceraster="0">
    <ranges>
{ranges}    </ranges>
    <symbols>
{symbols}    </symbols>
  </renderer-v2>
</qgis>
"#
    )
}

/// OGC SLD 1.1 (Symbology Encoding) of the `total` column, one rule per class and one for a
/// missing score.
pub fn sld(layer: &str) -> String {
    let rules = ifn_core::rules();
    let mut out = String::new();
    let fill = |colour: &str| {
        format!(
            r#"          <se:PolygonSymbolizer>
            <se:Fill><se:SvgParameter name="fill">{colour}</se:SvgParameter></se:Fill>
            <se:Stroke><se:SvgParameter name="stroke">#ffffff</se:SvgParameter><se:SvgParameter name="stroke-width">0.3</se:SvgParameter></se:Stroke>
          </se:PolygonSymbolizer>
"#
        )
    };
    for (class, lo, hi, colour) in class_ramp() {
        let upper = hi.map_or(String::new(), |h| {
            format!(
                "<ogc:PropertyIsLessThan><ogc:PropertyName>{STYLE_COLUMN}</ogc:PropertyName><ogc:Literal>{h}</ogc:Literal></ogc:PropertyIsLessThan>"
            )
        });
        let lower = format!(
            "<ogc:PropertyIsGreaterThanOrEqualTo><ogc:PropertyName>{STYLE_COLUMN}</ogc:PropertyName><ogc:Literal>{}</ogc:Literal></ogc:PropertyIsGreaterThanOrEqualTo>",
            if class == 1 { f64::MIN } else { lo }
        );
        let name = label(class, lo, hi);
        out.push_str(&format!(
            r#"        <se:Rule>
          <se:Name>{name}</se:Name>
          <se:Description><se:Title>{name}</se:Title></se:Description>
          <ogc:Filter><ogc:And>{lower}{upper}</ogc:And></ogc:Filter>
{}        </se:Rule>
"#,
            fill(colour)
        ));
    }
    out.push_str(&format!(
        r#"        <se:Rule>
          <se:Name>Score manquant</se:Name>
          <se:Description><se:Title>Score manquant</se:Title></se:Description>
          <ogc:Filter><ogc:PropertyIsNull><ogc:PropertyName>{STYLE_COLUMN}</ogc:PropertyName></ogc:PropertyIsNull></ogc:Filter>
{}        </se:Rule>
"#,
        fill(rules.score.missing.colour)
    ));
    format!(
        r#"<?xml version="1.0" encoding="UTF-8"?>
<StyledLayerDescriptor version="1.1.0" xmlns="http://www.opengis.net/sld" xmlns:se="http://www.opengis.net/se" xmlns:ogc="http://www.opengis.net/ogc" xmlns:xlink="http://www.w3.org/1999/xlink" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:schemaLocation="http://www.opengis.net/sld http://schemas.opengis.net/sld/1.1.0/StyledLayerDescriptor.xsd">
  <NamedLayer>
    <se:Name>{layer}</se:Name>
    <UserStyle>
      <se:Name>Indice de Fragilité Numérique</se:Name>
      <se:FeatureTypeStyle>
{out}      </se:FeatureTypeStyle>
    </UserStyle>
  </NamedLayer>
</StyledLayerDescriptor>
"#
    )
}

/// QGIS style of the exports of a level: `qml` (QGIS) or `sld` (OGC SLD 1.1), the map's ten
/// classes on the `total` column (the score) of the FlatGeobuf, GeoPackage and GeoJSON files.
///
/// In QGIS: Layer Properties → Symbology → Style → Load Style, or drop the `.qml` beside a
/// file of the same name.
#[utoipa::path(get, path = "/api/style/{level}.{format}", tag = "exports",
    params(
        ("level" = String, Path, description = "a level with contours"),
        ("format" = String, Path, description = "qml or sld (the extension of the path)"),
    ),
    responses(
        (status = 200, description = "the style (XML)", content_type = "application/xml"),
        (status = 404, description = "unknown level or format", body = ErrorBody),
    ))]
pub async fn style(
    State(state): State<AppState>,
    ApiPath(file): ApiPath<String>,
) -> ApiResult<Response> {
    let (level, ext) = file.rsplit_once('.').ok_or_else(|| {
        ApiError::not_found(format!(
            "« {file} » : les styles sont à /api/style/<niveau>.qml ou .sld, par exemple /api/style/commune.qml"
        ))
    })?;
    let level = level
        .parse::<ifn_core::Level>()
        .ok()
        .filter(|l| state.inner.tilers.contains_key(l))
        .ok_or_else(|| {
            ApiError::not_found(format!(
                "niveau « {level} » sans contours dans ce magasin : pas de style ; niveaux : {}",
                state
                    .tiled_levels()
                    .iter()
                    .map(|l| l.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            ))
        })?;
    let (body, media) = match ext {
        "qml" => (qml(), "application/xml; charset=utf-8"),
        "sld" => (
            sld(&format!("ifn-{level}")),
            "application/vnd.ogc.sld+xml; charset=utf-8",
        ),
        _ => {
            return Err(ApiError::not_found(format!(
                "format de style inconnu « {ext} » : qml ou sld"
            )))
        }
    };
    let filename = format!("ifn-{level}.{ext}");
    Ok((
        [
            (header::CONTENT_TYPE, media.to_string()),
            (header::CACHE_CONTROL, "public, max-age=3600".to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{filename}\""),
            ),
        ],
        body,
    )
        .into_response())
}

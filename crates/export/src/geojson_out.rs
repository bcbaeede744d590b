//! GeoJSON (RFC 7946): WGS84 lon/lat, exterior rings counter-clockwise and holes clockwise,
//! coordinates rounded to a fixed number of decimals.
//!
//! RFC 7946 has no place for dataset metadata; the provenance goes into a foreign member
//! `"ifn"` of the FeatureCollection (allowed by §6.1, ignored by readers that do not know it),
//! beside `"name"` (the layer name GDAL reads).

use std::io::Write;

use geo::orient::{Direction, Orient};
use geo::{LineString, MultiPolygon};
use serde_json::Value;

use crate::error::{ExportError, ExportResult};
use crate::input::{Cell, ExportInput};
use crate::ExportOptions;

fn num(v: f64) -> Value {
    serde_json::Number::from_f64(v)
        .map(Value::Number)
        .unwrap_or(Value::Null)
}

/// Writes one coordinate rounded to `scale` (10^decimals). Shortest round-trip printing of the
/// rounded value never shows more than the asked decimals.
fn coord(out: &mut Vec<u8>, x: f64, y: f64, scale: f64) {
    let r = |v: f64| {
        let v = (v * scale).round() / scale;
        // Avoid "-0" for coordinates that round to zero.
        if v == 0.0 {
            0.0
        } else {
            v
        }
    };
    let mut bx = ryu_like(r(x));
    bx.push(',');
    bx.push_str(&ryu_like(r(y)));
    out.push(b'[');
    out.extend_from_slice(bx.as_bytes());
    out.push(b']');
}

fn ryu_like(v: f64) -> String {
    // `{}` on f64 prints the shortest string that parses back to the same value.
    format!("{v}")
}

fn ring(out: &mut Vec<u8>, ls: &LineString<f64>, scale: f64) {
    out.push(b'[');
    for (i, c) in ls.0.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        coord(out, c.x, c.y, scale);
    }
    out.push(b']');
}

fn geometry(out: &mut Vec<u8>, mp: &MultiPolygon<f64>, scale: f64) {
    // RFC 7946 §3.1.6: exterior rings counter-clockwise, holes clockwise.
    let mp = mp.orient(Direction::Default);
    out.extend_from_slice(br#"{"type":"MultiPolygon","coordinates":["#);
    for (i, poly) in mp.0.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        out.push(b'[');
        ring(out, poly.exterior(), scale);
        for r in poly.interiors() {
            out.push(b',');
            ring(out, r, scale);
        }
        out.push(b']');
    }
    out.extend_from_slice(b"]}");
}

/// Writes the FeatureCollection to `out`.
pub(crate) fn write(
    input: &ExportInput<'_>,
    options: &ExportOptions,
    out: &mut dyn Write,
) -> ExportResult<()> {
    let rows = input.rows()?;
    let prov = input.provenance();
    let scale = 10f64.powi(i32::from(options.geojson_decimals));
    let cols = input.columns();
    let mut cells = Vec::with_capacity(cols.len());
    let mut ifn = prov.json.clone();
    if let Value::Object(m) = &mut ifn {
        m.insert("title".into(), Value::String(prov.title.clone()));
        m.insert(
            "description".into(),
            Value::String(prov.description.clone()),
        );
    }
    let head = serde_json::json!({
        "name": input.layer_name(),
        "ifn": ifn,
    });
    let head = serde_json::to_string(&head).map_err(ExportError::Json)?;
    // `"type"` first: GDAL recognises GeoJSON from the first bytes of the file, and the
    // provenance of a national store runs to several kilobytes. Then `"name"`, `"ifn"` and
    // the features.
    out.write_all(br#"{"type":"FeatureCollection","#)?;
    out.write_all(&head.as_bytes()[1..head.len() - 1])?;
    out.write_all(br#","features":["#)?;
    let mut buf: Vec<u8> = Vec::with_capacity(1 << 16);
    for (i, &(t, mp)) in rows.features.iter().enumerate() {
        buf.clear();
        if i > 0 {
            buf.push(b',');
        }
        buf.push(b'\n');
        buf.extend_from_slice(br#"{"type":"Feature","properties":"#);
        // Properties written one by one: a serde_json map would sort the keys, and GIS tools
        // take the column order from the first feature.
        input.cells(t, &mut cells);
        let props: Vec<Value> = cells
            .iter()
            .map(|c| match *c {
                Cell::Str(v) => Value::String(v.to_string()),
                Cell::Int(v) => v.map_or(Value::Null, Value::from),
                Cell::Float(v) => num(v),
            })
            .collect();
        buf.push(b'{');
        for (i, (c, v)) in cols.iter().zip(&props).enumerate() {
            if i > 0 {
                buf.push(b',');
            }
            serde_json::to_writer(&mut buf, &c.name).map_err(ExportError::Json)?;
            buf.push(b':');
            serde_json::to_writer(&mut buf, v).map_err(ExportError::Json)?;
        }
        buf.push(b'}');
        buf.extend_from_slice(br#","geometry":"#);
        geometry(&mut buf, mp, scale);
        buf.push(b'}');
        out.write_all(&buf)?;
    }
    out.write_all(b"\n]}\n")?;
    Ok(())
}

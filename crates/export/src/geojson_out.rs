//! GeoJSON (RFC 7946) through the `geojson` crate's streaming `FeatureWriter`: WGS84 lon/lat,
//! exterior rings counter-clockwise and holes clockwise, coordinates rounded to a fixed number
//! of decimals.
//!
//! RFC 7946 has no place for dataset metadata; the provenance goes into a foreign member
//! `"ifn"` of the FeatureCollection (allowed by §6.1, ignored by readers that do not know it),
//! beside `"name"` (the layer name GDAL reads). The writer puts `"type"` first, which GDAL
//! needs: it recognises GeoJSON from the first bytes of the file, and the provenance of a
//! national store runs to several kilobytes. Properties keep the column order (serde_json's
//! `preserve_order`): GIS tools take the column order from the first feature.

use std::io::Write;

use geo::orient::{Direction, Orient};
use geo::{MapCoords, MultiPolygon};
use geojson::{Feature, FeatureWriter, Geometry, GeometryValue};
use serde_json::{Map, Value};

use crate::error::{ExportError, ExportResult};
use crate::input::{Cell, ExportInput};
use crate::ExportOptions;

fn num(v: f64) -> Value {
    serde_json::Number::from_f64(v)
        .map(Value::Number)
        .unwrap_or(Value::Null)
}

/// The contour as RFC 7946 wants it: oriented, rounded to `scale` (10^decimals).
fn geometry(mp: &MultiPolygon<f64>, scale: f64) -> Geometry {
    let round = |v: f64| {
        let v = (v * scale).round() / scale;
        // Avoid "-0" for coordinates that round to zero.
        if v == 0.0 {
            0.0
        } else {
            v
        }
    };
    // RFC 7946 §3.1.6: exterior rings counter-clockwise, holes clockwise.
    let mp = mp.orient(Direction::Default).map_coords(|c| geo::Coord {
        x: round(c.x),
        y: round(c.y),
    });
    Geometry::new(GeometryValue::from(&mp))
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
    let mut writer = FeatureWriter::from_writer(out);
    writer
        .write_foreign_member("name", input.layer_name())
        .map_err(ExportError::GeoJson)?;
    writer
        .write_foreign_member("ifn", &ifn)
        .map_err(ExportError::GeoJson)?;
    for &(t, mp) in &rows.features {
        input.cells(t, &mut cells);
        let properties: Map<String, Value> = cols
            .iter()
            .zip(&cells)
            .map(|(c, cell)| {
                let v = match *cell {
                    Cell::Str(v) => Value::String(v.to_string()),
                    Cell::Int(v) => v.map_or(Value::Null, Value::from),
                    Cell::Float(v) => num(v),
                };
                (c.name.clone(), v)
            })
            .collect();
        let feature = Feature {
            bbox: None,
            geometry: Some(geometry(mp, scale)),
            id: None,
            properties: Some(properties),
            foreign_members: None,
        };
        writer
            .write_feature(&feature)
            .map_err(ExportError::GeoJson)?;
    }
    writer.finish().map_err(ExportError::GeoJson)?;
    Ok(())
}

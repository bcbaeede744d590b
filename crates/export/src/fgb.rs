//! FlatGeobuf: packed Hilbert R-tree, EPSG:4326, typed columns, provenance in the header.

use std::io::Write;

use flatgeobuf::{ColumnType, FgbCrs, FgbWriter, FgbWriterOptions, GeometryType};
use geo::{LineString, MultiPolygon, Polygon};
use geozero::error::Result as GzResult;
use geozero::{ColumnValue, GeomProcessor, GeozeroGeometry, PropertyProcessor};

use crate::error::{ExportError, ExportResult};
use crate::input::{Cell, ColumnKind, ExportInput};

/// Feeds a borrowed multipolygon to geozero, so the contours are not cloned per feature.
struct MultiPolygonRef<'a>(&'a MultiPolygon<f64>);

impl GeozeroGeometry for MultiPolygonRef<'_> {
    fn process_geom<P: GeomProcessor>(&self, p: &mut P) -> GzResult<()> {
        p.multipolygon_begin(self.0 .0.len(), 0)?;
        for (i, poly) in self.0 .0.iter().enumerate() {
            polygon(poly, i, p)?;
        }
        p.multipolygon_end(0)
    }
}

fn polygon<P: GeomProcessor>(poly: &Polygon<f64>, idx: usize, p: &mut P) -> GzResult<()> {
    p.polygon_begin(false, poly.interiors().len() + 1, idx)?;
    ring(poly.exterior(), 0, p)?;
    for (i, r) in poly.interiors().iter().enumerate() {
        ring(r, i + 1, p)?;
    }
    p.polygon_end(false, idx)
}

fn ring<P: GeomProcessor>(ls: &LineString<f64>, idx: usize, p: &mut P) -> GzResult<()> {
    p.linestring_begin(false, ls.0.len(), idx)?;
    for (i, c) in ls.0.iter().enumerate() {
        p.xy(c.x, c.y, i)?;
    }
    p.linestring_end(false, idx)
}

fn fgb_err(context: impl Into<String>) -> impl FnOnce(flatgeobuf::Error) -> ExportError {
    let context = context.into();
    move |e| ExportError::Fgb {
        context,
        message: e.to_string(),
    }
}

/// Writes the FlatGeobuf file to `out`.
pub(crate) fn write(input: &ExportInput<'_>, out: &mut dyn Write) -> ExportResult<()> {
    let rows = input.rows()?;
    let prov = input.provenance();
    let metadata = prov.json.to_string();
    let mut fgb = FgbWriter::create_with_options(
        input.layer_name(),
        GeometryType::MultiPolygon,
        FgbWriterOptions {
            // The packed Hilbert R-tree lets QGIS and web clients fetch a bounding box with
            // HTTP range requests instead of the whole file.
            write_index: true,
            crs: FgbCrs {
                org: Some("EPSG"),
                code: 4326,
                ..Default::default()
            },
            title: Some(&prov.title),
            description: Some(&prov.description),
            metadata: Some(&metadata),
            ..Default::default()
        },
    )
    .map_err(fgb_err("header"))?;
    let cols = input.columns();
    for c in &cols {
        let ty = match c.kind {
            ColumnKind::String => ColumnType::String,
            ColumnKind::Int64 => ColumnType::Long,
            ColumnKind::Int32 => ColumnType::Int,
            ColumnKind::Float64 => ColumnType::Double,
        };
        let nullable = !matches!(c.name.as_str(), "code" | "name" | "indicators_used");
        fgb.add_column(&c.name, ty, |_, col| col.nullable = nullable);
    }
    let s = input.scores;
    let mut cells = Vec::with_capacity(cols.len());
    for (t, geometry) in rows.features.iter().copied() {
        input.cells(t, &mut cells);
        let mut result: GzResult<()> = Ok(());
        let add = fgb.add_feature_geom(MultiPolygonRef(geometry), |w| {
            result = (|| {
                for (i, (cell, col)) in cells.iter().zip(&cols).enumerate() {
                    // A missing value is an absent property: FlatGeobuf's null.
                    let v = match (*cell, col.kind) {
                        (Cell::Str(v), _) => ColumnValue::String(v),
                        (Cell::Int(Some(v)), ColumnKind::Int32) => {
                            ColumnValue::Int(i32::try_from(v).unwrap_or(i32::MAX))
                        }
                        (Cell::Int(Some(v)), _) => ColumnValue::Long(v),
                        (Cell::Float(v), _) if !v.is_nan() => ColumnValue::Double(v),
                        (Cell::Int(None) | Cell::Float(_), _) => continue,
                    };
                    w.property(i, &col.name, &v)?;
                }
                Ok(())
            })();
        });
        let ctx = || format!("feature {} '{}'", t + 1, s.codes[t]);
        add.map_err(|e| ExportError::Fgb {
            context: ctx(),
            message: e.to_string(),
        })?;
        result.map_err(|e| ExportError::Fgb {
            context: ctx(),
            message: e.to_string(),
        })?;
    }
    fgb.write(out).map_err(fgb_err("writing the file"))?;
    Ok(())
}

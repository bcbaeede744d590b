//! The mediation places as a file: FlatGeobuf (points, spatial index), GeoJSON or CSV (with
//! `lon`, `lat`), one row per place with its kinds, services and publics `|`-separated.

use flatgeobuf::{ColumnType, FgbCrs, FgbWriter, FgbWriterOptions, GeometryType};
use geozero::{ColumnValue, PropertyProcessor};
use ifn_core::Place;
use serde_json::json;

use crate::error::{ExportError, ExportResult};
use crate::{ExportFormat, ExportOptions};

/// The columns of a places file, in order (besides the geometry, or `lon`, `lat` in CSV).
pub const PLACE_COLUMNS: [&str; 8] = [
    "id", "name", "kinds", "services", "publics", "address", "commune", "source",
];

fn cells(p: &Place) -> [String; 8] {
    [
        p.id.clone(),
        p.name.clone(),
        p.kinds
            .iter()
            .map(|k| k.as_str())
            .collect::<Vec<_>>()
            .join("|"),
        p.services.join("|"),
        p.publics.join("|"),
        p.address.clone(),
        p.commune.clone(),
        p.source.clone(),
    ]
}

/// Writes places as `format` (`fgb`, `geojson` or `csv`; `excel` applies to CSV); other
/// formats are [`ExportError::UnknownFormat`].
///
/// ```
/// use ifn_export::{places_to_bytes, ExportFormat, ExportOptions};
/// let t = ifn_core::demo::generate();
/// let places: Vec<_> = t.places.iter().collect();
/// let csv = places_to_bytes(ExportFormat::Csv, &places, &ExportOptions::default()).unwrap();
/// assert!(csv.starts_with(b"id,name,kinds"));
/// ```
pub fn places_to_bytes(
    format: ExportFormat,
    places: &[&Place],
    options: &ExportOptions,
) -> ExportResult<Vec<u8>> {
    let mut out = Vec::new();
    match format {
        ExportFormat::Csv => csv(places, options.excel, &mut out)?,
        ExportFormat::GeoJson => geojson(places, &mut out)?,
        ExportFormat::Fgb => fgb(places, &mut out)?,
        other => {
            return Err(ExportError::UnknownFormat(format!(
                "{other} (places are exported as fgb, geojson or csv)"
            )))
        }
    }
    Ok(out)
}

fn csv(places: &[&Place], excel: bool, out: &mut Vec<u8>) -> ExportResult<()> {
    if excel {
        out.extend_from_slice(b"\xEF\xBB\xBF");
    }
    let mut w = csv::WriterBuilder::new()
        .delimiter(if excel { b';' } else { b',' })
        .from_writer(out);
    let header = PLACE_COLUMNS.iter().copied().chain(["lon", "lat"]);
    w.write_record(header).map_err(ExportError::Csv)?;
    let coord = |v: f64| {
        // Six decimals: 0.1 m, more than the sources' precision.
        let s = format!("{v:.6}");
        if excel {
            s.replace('.', ",")
        } else {
            s
        }
    };
    for p in places {
        let c = cells(p);
        w.write_record(c.iter().cloned().chain([coord(p.lon), coord(p.lat)]))
            .map_err(ExportError::Csv)?;
    }
    w.flush()?;
    Ok(())
}

fn geojson(places: &[&Place], out: &mut Vec<u8>) -> ExportResult<()> {
    let features: Vec<serde_json::Value> = places
        .iter()
        .map(|p| {
            let props: serde_json::Map<String, serde_json::Value> = PLACE_COLUMNS
                .iter()
                .zip(cells(p))
                .map(|(k, v)| (k.to_string(), json!(v)))
                .collect();
            json!({
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [p.lon, p.lat]},
                "properties": props,
            })
        })
        .collect();
    let fc = json!({"type": "FeatureCollection", "name": "places", "features": features});
    serde_json::to_writer(&mut *out, &fc).map_err(|e| ExportError::Io {
        path: "places.geojson".into(),
        source: e.into(),
    })?;
    Ok(())
}

fn fgb(places: &[&Place], out: &mut Vec<u8>) -> ExportResult<()> {
    let err = |context: String| {
        move |e: flatgeobuf::Error| ExportError::Fgb {
            context,
            message: e.to_string(),
        }
    };
    let mut w = FgbWriter::create_with_options(
        "places",
        GeometryType::Point,
        FgbWriterOptions {
            write_index: true,
            crs: FgbCrs {
                org: Some("EPSG"),
                code: 4326,
                ..Default::default()
            },
            title: Some("Lieux de médiation numérique"),
            ..Default::default()
        },
    )
    .map_err(err("header".into()))?;
    for c in PLACE_COLUMNS {
        w.add_column(c, ColumnType::String, |_, col| col.nullable = true);
    }
    for (i, p) in places.iter().enumerate() {
        let c = cells(p);
        let point = geo::Point::new(p.lon, p.lat);
        let mut result = Ok(false);
        let add = w.add_feature_geom(geo::Geometry::Point(point), |f| {
            result = PLACE_COLUMNS
                .iter()
                .zip(&c)
                .enumerate()
                .try_fold(false, |_, (j, (k, v))| {
                    f.property(j, k, &ColumnValue::String(v))
                });
        });
        let ctx = || format!("place {} '{}'", i + 1, p.id);
        add.and(result).map_err(|e| ExportError::Fgb {
            context: ctx(),
            message: e.to_string(),
        })?;
    }
    w.write(out).map_err(err("writing the file".into()))?;
    Ok(())
}

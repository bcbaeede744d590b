//! GeoPackage through GDAL: one layer named after the level, EPSG:4326, typed columns, the
//! provenance as the layer's identifier and description (shown by QGIS).

use std::path::Path;

use gdal::spatial_ref::SpatialRef;
use gdal::vector::{
    Feature as GdalFeature, LayerAccess, LayerOptions, OGRFieldType, OGRwkbGeometryType, ToGdal,
};
use gdal::DriverManager;

use crate::error::{ExportError, ExportResult};
use crate::input::{Cell, ColumnKind, ExportInput};

/// Writes a new GeoPackage at `path` (which must not exist).
pub(crate) fn write(input: &ExportInput<'_>, path: &Path) -> ExportResult<()> {
    let rows = input.rows()?;
    let prov = input.provenance();
    let err = |context: String| {
        let path = path.to_path_buf();
        move |source| ExportError::Gdal {
            path,
            context,
            source,
        }
    };
    let driver = DriverManager::get_driver_by_name("GPKG").map_err(err("GPKG driver".into()))?;
    let mut ds = driver
        .create_vector_only(path)
        .map_err(err("creating the file".into()))?;
    let srs = SpatialRef::from_epsg(4326).map_err(err("EPSG:4326".into()))?;
    // GDAL layer creation options are NAME=VALUE strings; keep them on one line.
    let identifier = format!("IDENTIFIER={}", prov.title);
    let description = format!("DESCRIPTION={}", prov.description.replace('\n', " | "));
    let options = [identifier.as_str(), description.as_str()];
    let cols = input.columns();
    {
        // One transaction for all features: SQLite commits per statement otherwise, which is
        // orders of magnitude slower.
        let mut txn = ds
            .start_transaction()
            .map_err(err("starting a transaction".into()))?;
        let layer = txn
            .create_layer(LayerOptions {
                name: input.layer_name(),
                srs: Some(&srs),
                ty: OGRwkbGeometryType::wkbMultiPolygon,
                options: Some(&options),
            })
            .map_err(err("creating the layer".into()))?;
        let fields: Vec<(&str, OGRFieldType::Type)> = cols
            .iter()
            .map(|c| {
                let ty = match c.kind {
                    ColumnKind::String => OGRFieldType::OFTString,
                    ColumnKind::Int64 => OGRFieldType::OFTInteger64,
                    ColumnKind::Int32 => OGRFieldType::OFTInteger,
                    ColumnKind::Float64 => OGRFieldType::OFTReal,
                };
                (c.name.as_str(), ty)
            })
            .collect();
        layer
            .create_defn_fields(&fields)
            .map_err(err("creating the columns".into()))?;
        let s = input.scores;
        let defn = layer.defn();
        let mut cells = Vec::with_capacity(cols.len());
        for (t, mp) in rows.features.iter().copied() {
            let e = || err(format!("feature {} '{}'", t + 1, s.codes[t]));
            let mut f = GdalFeature::new(defn).map_err(e())?;
            f.set_geometry(mp.to_gdal().map_err(e())?).map_err(e())?;
            input.cells(t, &mut cells);
            for (i, (cell, col)) in cells.iter().zip(&cols).enumerate() {
                match (*cell, col.kind) {
                    (Cell::Str(v), _) => f.set_field_string(i, v),
                    (Cell::Int(Some(v)), ColumnKind::Int32) => {
                        f.set_field_integer(i, i32::try_from(v).unwrap_or(i32::MAX))
                    }
                    (Cell::Int(Some(v)), _) => f.set_field_integer64(i, v),
                    (Cell::Int(None), _) => f.set_field_null(i),
                    (Cell::Float(v), _) => set_double(&mut f, i, v),
                }
                .map_err(e())?;
            }
            f.create(&layer).map_err(e())?;
        }
        txn.commit().map_err(err("committing".into()))?;
    }
    ds.close().map_err(err("closing".into()))?;
    Ok(())
}

fn set_double(f: &mut GdalFeature<'_>, i: usize, v: f64) -> gdal::errors::Result<()> {
    if v.is_nan() {
        f.set_field_null(i)
    } else {
        f.set_field_double(i, v)
    }
}

/// A GeoPackage in memory: written to a temporary folder, read back, folder removed.
pub(crate) fn to_bytes(input: &ExportInput<'_>) -> ExportResult<Vec<u8>> {
    let dir = tempfile::Builder::new()
        .prefix("ifn-gpkg-")
        .tempdir()
        .map_err(|source| ExportError::Io {
            path: std::env::temp_dir(),
            source,
        })?;
    let path = dir.path().join(format!("{}.gpkg", input.layer_name()));
    write(input, &path)?;
    std::fs::read(&path).map_err(|source| ExportError::Io { path, source })
}

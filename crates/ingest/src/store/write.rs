//! Writing a store: every file into a temporary folder beside the target, then one rename.

use std::fs::{self, File};
use std::io::BufWriter;
use std::path::{Path, PathBuf};

use flatgeobuf::{ColumnType, FgbWriter, FgbWriterOptions, GeometryType};
use geo::{Geometry, Point};
use geozero::{ColumnValue, PropertyProcessor};
use ifn_core::{Dataset, Feature, Level, Place, Territory};
use polars::prelude::*;
use tracing::info;

use super::schema::{wgs84, StoreJson, ESTIMATES_FILE, PLACE_COLUMNS, STORE_FORMAT_VERSION};
use super::{io_err, pq_err, StoreError, StoreResult};

/// Writes a territory as a store at `dir`, atomically. An existing `dir` is refused unless
/// `force`, in which case it is replaced only once the new store is complete.
pub fn write_store(territory: &Territory, dir: &Path, force: bool) -> StoreResult<()> {
    write_store_with(territory, dir, force, &[])
}

/// Like [`write_store`], adding `extra` files (name, content) at the top of the store folder
/// before it is renamed into place (the build report and provenance of `ifn build`). Names
/// must be plain file names.
pub fn write_store_with(
    territory: &Territory,
    dir: &Path,
    force: bool,
    extra: &[(&str, Vec<u8>)],
) -> StoreResult<()> {
    if dir.exists() && !force {
        return Err(StoreError::Exists(dir.to_path_buf()));
    }
    let parent = match dir.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    fs::create_dir_all(&parent).map_err(io_err(&parent))?;
    let tmp = tempfile::Builder::new()
        .prefix(".ifn-store-")
        .tempdir_in(&parent)
        .map_err(io_err(&parent))?;
    write_into(territory, tmp.path())?;
    for (name, bytes) in extra {
        let path = tmp.path().join(name);
        if Path::new(name).components().count() != 1 {
            return Err(StoreError::Invalid {
                path,
                message: "extra store files must be plain file names".into(),
            });
        }
        fs::write(&path, bytes).map_err(io_err(&path))?;
    }
    replace(tmp, dir, &parent)?;
    info!(store.path = %dir.display(), units = territory.dataset.units().len(), "store written");
    Ok(())
}

/// Renames the complete store `tmp` to `dir`. An existing `dir` is first moved aside into a
/// temporary folder of the same parent (a rename, so it stays whole) and put back if the new
/// store cannot take its place; it is deleted only once the new store is there.
fn replace(tmp: tempfile::TempDir, dir: &Path, parent: &Path) -> StoreResult<()> {
    let aside = if dir.exists() {
        let holder = tempfile::Builder::new()
            .prefix(".ifn-store-old-")
            .tempdir_in(parent)
            .map_err(io_err(parent))?;
        let old = holder.path().join("store");
        fs::rename(dir, &old).map_err(io_err(dir))?;
        Some((holder, old))
    } else {
        None
    };
    if let Err(source) = fs::rename(tmp.path(), dir) {
        if let Some((_, old)) = &aside {
            // Best effort: the original error is the one to report.
            let _ = fs::rename(old, dir);
        }
        return Err(StoreError::Io {
            path: dir.to_path_buf(),
            source,
        });
    }
    // `tmp` now names nothing (its folder was renamed): dropping it removes nothing. The
    // previous store goes with its holder.
    drop(tmp);
    drop(aside);
    Ok(())
}

/// `estimated.parquet`: one row per value estimated under statistical secrecy (unit code,
/// indicator key, level of the enclosing territory it was taken from).
fn write_estimates(d: &Dataset, path: &Path) -> StoreResult<()> {
    let (mut unit, mut indicator, mut level) = (Vec::new(), Vec::new(), Vec::new());
    for (i, u) in d.units().iter().enumerate() {
        for (j, key) in d.indicators().iter().enumerate() {
            if let Some(l) = d.estimated_from(i, j) {
                unit.push(u.code.as_str());
                indicator.push(key.as_str());
                level.push(l.as_str());
            }
        }
    }
    let mut df = DataFrame::new(
        unit.len(),
        vec![
            Column::new("unit".into(), unit),
            Column::new("indicator".into(), indicator),
            Column::new("level".into(), level),
        ],
    )
    .map_err(pq_err(path))?;
    write_parquet(path, &mut df)
}

fn write_into(t: &Territory, dir: &Path) -> StoreResult<()> {
    let d = &t.dataset;
    let units = d.units();
    // units.parquet
    let mut cols: Vec<Column> = vec![
        Column::new(
            "code".into(),
            units.iter().map(|u| u.code.as_str()).collect::<Vec<_>>(),
        ),
        Column::new(
            "name".into(),
            units.iter().map(|u| u.name.as_str()).collect::<Vec<_>>(),
        ),
        Column::new(
            "commune".into(),
            units.iter().map(|u| u.commune.as_str()).collect::<Vec<_>>(),
        ),
        Column::new(
            "epci".into(),
            units.iter().map(|u| u.epci.as_str()).collect::<Vec<_>>(),
        ),
        Column::new(
            "departement".into(),
            units
                .iter()
                .map(|u| u.departement.as_str())
                .collect::<Vec<_>>(),
        ),
        Column::new(
            "region".into(),
            units.iter().map(|u| u.region.as_str()).collect::<Vec<_>>(),
        ),
        Column::new(
            "population".into(),
            units.iter().map(|u| u.population).collect::<Vec<_>>(),
        ),
    ];
    for (j, key) in d.indicators().iter().enumerate() {
        let v: Vec<Option<f64>> = d
            .values()
            .column(j)
            .iter()
            .map(|&x| (!x.is_nan()).then_some(x))
            .collect();
        cols.push(Column::new(key.as_str().into(), v));
    }
    let path = dir.join("units.parquet");
    let mut df = DataFrame::new(units.len(), cols).map_err(pq_err(&path))?;
    write_parquet(&path, &mut df)?;
    if d.has_estimates() {
        write_estimates(d, &dir.join(ESTIMATES_FILE))?;
    }

    // names.parquet
    let mut rows: Vec<(Level, &str, &str)> = Vec::new();
    for (level, m) in &d.names().0 {
        for (code, name) in m {
            rows.push((*level, code, name));
        }
    }
    rows.sort();
    let path = dir.join("names.parquet");
    let mut df = DataFrame::new(
        rows.len(),
        vec![
            Column::new(
                "level".into(),
                rows.iter().map(|r| r.0.as_str()).collect::<Vec<_>>(),
            ),
            Column::new("code".into(), rows.iter().map(|r| r.1).collect::<Vec<_>>()),
            Column::new("name".into(), rows.iter().map(|r| r.2).collect::<Vec<_>>()),
        ],
    )
    .map_err(pq_err(&path))?;
    write_parquet(&path, &mut df)?;

    // geometry/<level>.fgb
    let gdir = dir.join("geometry");
    fs::create_dir_all(&gdir).map_err(io_err(&gdir))?;
    for (level, features) in &t.geometries {
        let path = gdir.join(format!("{level}.fgb"));
        write_contours(&path, *level, features, d)?;
    }
    write_places(&dir.join("places.fgb"), &t.places)?;

    let json = StoreJson {
        format: "ifn-store".into(),
        version: STORE_FORMAT_VERSION,
        meta: t.meta.clone(),
        indicators: d.indicators().to_vec(),
        levels_with_geometry: t.geometries.keys().copied().collect(),
        units: units.len(),
        places: t.places.len(),
    };
    let path = dir.join("store.json");
    let f = File::create(&path).map_err(io_err(&path))?;
    serde_json::to_writer_pretty(BufWriter::new(f), &json).map_err(|source| StoreError::Json {
        path: path.clone(),
        source,
    })?;
    Ok(())
}

fn write_parquet(path: &Path, df: &mut DataFrame) -> StoreResult<()> {
    let f = File::create(path).map_err(io_err(path))?;
    ParquetWriter::new(BufWriter::new(f))
        .finish(df)
        .map_err(pq_err(path))?;
    Ok(())
}

fn write_contours(path: &Path, level: Level, features: &[Feature], d: &Dataset) -> StoreResult<()> {
    let e = |m: String| StoreError::Fgb {
        path: path.to_path_buf(),
        message: m,
    };
    let title = format!("ifn {}", level.label_fr());
    let mut fgb = FgbWriter::create_with_options(
        level.as_str(),
        GeometryType::MultiPolygon,
        FgbWriterOptions {
            crs: wgs84(),
            title: Some(&title),
            ..Default::default()
        },
    )
    .map_err(|x| e(x.to_string()))?;
    fgb.add_column("code", ColumnType::String, |_, _| {});
    fgb.add_column("name", ColumnType::String, |_, _| {});
    for f in features {
        let name = d.name_of(level, &f.code);
        let mut result = Ok(());
        fgb.add_feature_geom(Geometry::MultiPolygon(f.geometry.clone()), |w| {
            result = w
                .property(0, "code", &ColumnValue::String(&f.code))
                .and_then(|_| w.property(1, "name", &ColumnValue::String(&name)))
                .map(|_| ());
        })
        .map_err(|x| e(format!("feature '{}': {x}", f.code)))?;
        result.map_err(|x| e(format!("feature '{}': {x}", f.code)))?;
    }
    let out = File::create(path).map_err(io_err(path))?;
    fgb.write(BufWriter::new(out))
        .map_err(|x| e(x.to_string()))?;
    Ok(())
}

fn write_places(path: &Path, places: &[Place]) -> StoreResult<()> {
    let e = |m: String| StoreError::Fgb {
        path: path.to_path_buf(),
        message: m,
    };
    let mut fgb = FgbWriter::create_with_options(
        "places",
        GeometryType::Point,
        FgbWriterOptions {
            crs: wgs84(),
            title: Some("ifn lieux de médiation numérique"),
            ..Default::default()
        },
    )
    .map_err(|x| e(x.to_string()))?;
    for c in PLACE_COLUMNS {
        fgb.add_column(c, ColumnType::String, |_, _| {});
    }
    for p in places {
        let kinds = p
            .kinds
            .iter()
            .map(|k| k.as_str())
            .collect::<Vec<_>>()
            .join("|");
        let services = p.services.join("|");
        let publics = p.publics.join("|");
        let values = [
            &p.id, &p.name, &p.commune, &p.address, &kinds, &services, &publics, &p.source,
        ];
        let mut result = Ok(());
        fgb.add_feature_geom(Geometry::Point(Point::new(p.lon, p.lat)), |w| {
            for (i, (c, v)) in PLACE_COLUMNS.iter().zip(values).enumerate() {
                if let Err(x) = w.property(i, c, &ColumnValue::String(v)) {
                    result = Err(x);
                }
            }
        })
        .map_err(|x| e(format!("place '{}': {x}", p.id)))?;
        result.map_err(|x| e(format!("place '{}': {x}", p.id)))?;
    }
    let out = File::create(path).map_err(io_err(path))?;
    fgb.write(BufWriter::new(out))
        .map_err(|x| e(x.to_string()))?;
    Ok(())
}

//! The ifn territory store: a folder GIS people can open.
//!
//! ```text
//! STORE/
//!   store.json               format version, description, provenance, indicator keys, levels
//!   units.parquet            one row per base unit: code, name, commune, epci, departement,
//!                            region, population, then one Float64 column per indicator (null = missing)
//!   names.parquet            level, code, name of every territory above the base units
//!   geometry/<level>.fgb     contours per level (FlatGeobuf, EPSG:4326, columns code, name)
//!   places.fgb               mediation places (points, EPSG:4326)
//! ```
//!
//! A store is written into a temporary folder beside the target and renamed into place, so a
//! failed write leaves nothing half-written.

use std::collections::BTreeMap;
use std::fs::{self, File};
use std::io::{BufReader, BufWriter};
use std::path::{Path, PathBuf};

use flatgeobuf::{
    ColumnType, FallibleStreamingIterator, FeatureProperties, FgbCrs, FgbReader, FgbWriter,
    FgbWriterOptions, GeometryType,
};
use geo::{Geometry, MultiPolygon, Point};
use geozero::{ColumnValue, PropertyProcessor, ToGeo};
use ifn_core::{
    BaseUnit, Dataset, Feature, Level, Names, Place, PlaceKind, Territory, TerritoryMeta,
};
use ndarray::Array2;
use polars::prelude::*;
use serde::{Deserialize, Serialize};
use thiserror::Error;
use tracing::info;

/// Version of the store layout written by this crate.
pub const STORE_FORMAT_VERSION: u32 = 1;

/// Result of store operations.
pub type StoreResult<T> = Result<T, StoreError>;

/// Errors reading or writing a store.
#[derive(Debug, Error)]
pub enum StoreError {
    /// A file could not be read or written.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The cause.
        #[source]
        source: std::io::Error,
    },
    /// The target exists and `force` was not given.
    #[error("{0} already exists: choose another folder or pass --force to replace it")]
    Exists(PathBuf),
    /// Not a store folder.
    #[error("{0} is not an ifn store (no store.json): build one with `ifn build` or `ifn demo`")]
    NotAStore(PathBuf),
    /// A store of another format version.
    #[error("{path}: store format {found}, this ifn reads format {expected}: rebuild the store")]
    Version {
        /// store.json path.
        path: PathBuf,
        /// Version found.
        found: u32,
        /// Version expected.
        expected: u32,
    },
    /// store.json is malformed.
    #[error("{path}: {source}")]
    Json {
        /// store.json path.
        path: PathBuf,
        /// The cause.
        #[source]
        source: serde_json::Error,
    },
    /// A Parquet file could not be read or written, or lacks a column.
    #[error("{path}: {source}")]
    Parquet {
        /// The file.
        path: PathBuf,
        /// The cause.
        #[source]
        source: PolarsError,
    },
    /// A FlatGeobuf file could not be read or written.
    #[error("{path}: {message}")]
    Fgb {
        /// The file.
        path: PathBuf,
        /// What failed.
        message: String,
    },
    /// The content is inconsistent.
    #[error("{path}: {message}")]
    Invalid {
        /// The file.
        path: PathBuf,
        /// What is wrong.
        message: String,
    },
}

#[derive(Debug, Serialize, Deserialize)]
struct StoreJson {
    format: String,
    version: u32,
    meta: TerritoryMeta,
    indicators: Vec<String>,
    levels_with_geometry: Vec<Level>,
    units: usize,
    places: usize,
}

fn io_err(path: &Path) -> impl FnOnce(std::io::Error) -> StoreError + '_ {
    move |source| StoreError::Io {
        path: path.to_path_buf(),
        source,
    }
}

fn pq_err(path: &Path) -> impl FnOnce(PolarsError) -> StoreError + '_ {
    move |source| StoreError::Parquet {
        path: path.to_path_buf(),
        source,
    }
}

fn fgb_err(path: &Path) -> impl FnOnce(String) -> StoreError + '_ {
    move |message| StoreError::Fgb {
        path: path.to_path_buf(),
        message,
    }
}

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
    if dir.exists() {
        fs::remove_dir_all(dir).map_err(io_err(dir))?;
    }
    let kept = tmp.keep();
    fs::rename(&kept, dir).map_err(io_err(dir))?;
    info!(store.path = %dir.display(), units = territory.dataset.units().len(), "store written");
    Ok(())
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

fn wgs84() -> FgbCrs<'static> {
    FgbCrs {
        org: Some("EPSG"),
        code: 4326,
        ..Default::default()
    }
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

const PLACE_COLUMNS: [&str; 8] = [
    "id", "name", "commune", "address", "kinds", "services", "publics", "source",
];

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

fn read_parquet(path: &Path) -> StoreResult<DataFrame> {
    let f = File::open(path).map_err(io_err(path))?;
    ParquetReader::new(f).finish().map_err(pq_err(path))
}

fn str_col(df: &DataFrame, name: &str, path: &Path) -> StoreResult<Vec<String>> {
    let c = df.column(name).map_err(pq_err(path))?;
    let s = c.str().map_err(pq_err(path))?;
    Ok(s.iter().map(|v| v.unwrap_or("").to_string()).collect())
}

fn f64_col(df: &DataFrame, name: &str, path: &Path) -> StoreResult<Vec<f64>> {
    let c = df.column(name).map_err(pq_err(path))?;
    let c = c.cast(&DataType::Float64).map_err(pq_err(path))?;
    let s = c.f64().map_err(pq_err(path))?;
    Ok(s.iter().map(|v| v.unwrap_or(f64::NAN)).collect())
}

/// Reads a store written by [`write_store`].
pub fn read_store(dir: &Path) -> StoreResult<Territory> {
    let path = dir.join("store.json");
    if !path.is_file() {
        return Err(StoreError::NotAStore(dir.to_path_buf()));
    }
    let text = fs::read_to_string(&path).map_err(io_err(&path))?;
    let json: StoreJson = serde_json::from_str(&text).map_err(|source| StoreError::Json {
        path: path.clone(),
        source,
    })?;
    if json.version != STORE_FORMAT_VERSION {
        return Err(StoreError::Version {
            path,
            found: json.version,
            expected: STORE_FORMAT_VERSION,
        });
    }
    // The three parts are independent: read them in parallel.
    let ((dataset, geometries), places) = rayon::join(
        || rayon::join(|| read_dataset(dir, &json), || read_geometries(dir, &json)),
        || read_places(&dir.join("places.fgb")),
    );
    Ok(Territory {
        meta: json.meta,
        dataset: dataset?,
        geometries: geometries?,
        places: places?,
    })
}

fn read_dataset(dir: &Path, json: &StoreJson) -> StoreResult<Dataset> {
    let path = dir.join("units.parquet");
    let df = read_parquet(&path)?;
    let code = str_col(&df, "code", &path)?;
    let name = str_col(&df, "name", &path)?;
    let commune = str_col(&df, "commune", &path)?;
    let epci = str_col(&df, "epci", &path)?;
    let departement = str_col(&df, "departement", &path)?;
    let region = str_col(&df, "region", &path)?;
    let population = f64_col(&df, "population", &path)?;
    let n = code.len();
    let mut units = Vec::with_capacity(n);
    for i in 0..n {
        units.push(BaseUnit {
            code: code[i].clone(),
            name: name[i].clone(),
            commune: commune[i].clone(),
            epci: epci[i].clone(),
            departement: departement[i].clone(),
            region: region[i].clone(),
            population: population[i],
        });
    }
    let m = json.indicators.len();
    let mut values = Array2::from_elem((n, m), f64::NAN);
    for (j, key) in json.indicators.iter().enumerate() {
        for (i, v) in f64_col(&df, key, &path)?.into_iter().enumerate() {
            values[(i, j)] = v;
        }
    }
    let npath = dir.join("names.parquet");
    let ndf = read_parquet(&npath)?;
    let mut names = Names::default();
    let levels = str_col(&ndf, "level", &npath)?;
    let codes = str_col(&ndf, "code", &npath)?;
    let labels = str_col(&ndf, "name", &npath)?;
    for ((l, c), nm) in levels.into_iter().zip(codes).zip(labels) {
        let level: Level = l.parse().map_err(|_| StoreError::Invalid {
            path: npath.clone(),
            message: format!("unknown level '{l}'"),
        })?;
        names.insert(level, c, nm);
    }
    Dataset::new(units, json.indicators.clone(), values, names).map_err(|e| StoreError::Invalid {
        path,
        message: e.to_string(),
    })
}

fn read_geometries(dir: &Path, json: &StoreJson) -> StoreResult<BTreeMap<Level, Vec<Feature>>> {
    let levels: Vec<Level> = json.levels_with_geometry.clone();
    let read: Vec<StoreResult<(Level, Vec<Feature>)>> = {
        use rayon::prelude::*;
        levels
            .par_iter()
            .map(|&level| {
                let path = dir.join("geometry").join(format!("{level}.fgb"));
                read_contours(&path).map(|f| (level, f))
            })
            .collect()
    };
    read.into_iter().collect()
}

fn read_contours(path: &Path) -> StoreResult<Vec<Feature>> {
    let e = fgb_err(path);
    let f = File::open(path).map_err(io_err(path))?;
    let mut reader = BufReader::new(f);
    let mut it = FgbReader::open(&mut reader)
        .and_then(|r| r.select_all_seq())
        .map_err(|x| e(x.to_string()))?;
    let mut out = Vec::new();
    let mut n = 0usize;
    loop {
        let feature = match it.next() {
            Ok(Some(f)) => f,
            Ok(None) => break,
            Err(x) => return Err(fgb_err(path)(format!("feature {n}: {x}"))),
        };
        n += 1;
        let code: String = feature
            .property("code")
            .map_err(|x| fgb_err(path)(format!("feature {n}: column 'code': {x}")))?;
        let geometry = match feature.to_geo() {
            Ok(Geometry::MultiPolygon(mp)) => mp,
            Ok(Geometry::Polygon(p)) => MultiPolygon(vec![p]),
            Ok(other) => {
                return Err(fgb_err(path)(format!(
                    "feature {n} ('{code}'): expected a polygon, found {other:?}"
                )))
            }
            Err(x) => return Err(fgb_err(path)(format!("feature {n} ('{code}'): {x}"))),
        };
        out.push(Feature { code, geometry });
    }
    // The spatial index orders features along a Hilbert curve; give them back by code.
    out.sort_by(|a, b| a.code.cmp(&b.code));
    Ok(out)
}

fn read_places(path: &Path) -> StoreResult<Vec<Place>> {
    let e = fgb_err(path);
    let f = File::open(path).map_err(io_err(path))?;
    let mut reader = BufReader::new(f);
    let mut it = FgbReader::open(&mut reader)
        .and_then(|r| r.select_all_seq())
        .map_err(|x| e(x.to_string()))?;
    let mut out = Vec::new();
    let mut n = 0usize;
    let split = |s: String| -> Vec<String> {
        s.split('|')
            .filter(|x| !x.is_empty())
            .map(str::to_string)
            .collect()
    };
    loop {
        let feature = match it.next() {
            Ok(Some(f)) => f,
            Ok(None) => break,
            Err(x) => return Err(fgb_err(path)(format!("feature {n}: {x}"))),
        };
        n += 1;
        let get = |c: &str| -> StoreResult<String> {
            feature
                .property::<String>(c)
                .map_err(|x| fgb_err(path)(format!("feature {n}: column '{c}': {x}")))
        };
        let point = match feature.to_geo() {
            Ok(Geometry::Point(p)) => p,
            Ok(_) | Err(_) => return Err(fgb_err(path)(format!("feature {n}: expected a point"))),
        };
        out.push(Place {
            id: get("id")?,
            name: get("name")?,
            lon: point.x(),
            lat: point.y(),
            commune: get("commune")?,
            address: get("address")?,
            kinds: get("kinds")?
                .split('|')
                .filter_map(PlaceKind::parse)
                .collect(),
            services: split(get("services")?),
            publics: split(get("publics")?),
            source: get("source")?,
        });
    }
    out.sort_by(|a, b| a.id.cmp(&b.id));
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_demo_survives_a_write_and_read_back() {
        let t = ifn_core::demo::generate();
        let dir = tempfile::tempdir().expect("tempdir");
        let store = dir.path().join("demo");
        write_store(&t, &store, false).expect("write");
        let back = read_store(&store).expect("read");
        assert_eq!(back.meta, t.meta);
        assert_eq!(back.dataset.units(), t.dataset.units());
        assert_eq!(back.dataset.indicators(), t.dataset.indicators());
        let (a, b) = (t.dataset.values(), back.dataset.values());
        assert!(a
            .iter()
            .zip(b.iter())
            .all(|(x, y)| x.to_bits() == y.to_bits() || (x.is_nan() && y.is_nan())));
        assert_eq!(back.dataset.names(), t.dataset.names());
        let mut places = t.places.clone();
        places.sort_by(|a, b| a.id.cmp(&b.id));
        assert_eq!(back.places, places);
        for (level, features) in &t.geometries {
            let mut f = features.clone();
            f.sort_by(|a, b| a.code.cmp(&b.code));
            assert_eq!(back.geometries[level], f, "{level}");
        }
    }

    #[test]
    fn an_existing_store_is_refused_without_force_and_kept_intact() {
        let t = ifn_core::demo::generate();
        let dir = tempfile::tempdir().expect("tempdir");
        let store = dir.path().join("s");
        fs::create_dir(&store).expect("mkdir");
        fs::write(store.join("keep.txt"), "x").expect("write");
        assert!(matches!(
            write_store(&t, &store, false),
            Err(StoreError::Exists(_))
        ));
        assert!(store.join("keep.txt").exists());
        write_store(&t, &store, true).expect("forced");
        assert!(!store.join("keep.txt").exists());
        assert!(store.join("store.json").exists());
    }

    #[test]
    fn a_folder_without_store_json_is_not_a_store() {
        let dir = tempfile::tempdir().expect("tempdir");
        let e = read_store(dir.path()).unwrap_err().to_string();
        assert!(e.contains("ifn build"), "{e}");
    }
}

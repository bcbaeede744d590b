//! Reading a store written by [`super::write_store`].

use std::collections::BTreeMap;
use std::fs::{self, File};
use std::io::BufReader;
use std::path::Path;

use flatgeobuf::{FallibleStreamingIterator, FeatureProperties, FgbReader};
use geo::{Geometry, MultiPolygon};
use geozero::ToGeo;
use ifn_core::{BaseUnit, Dataset, Feature, Level, Names, Place, PlaceKind, Territory};
use ndarray::Array2;
use polars::prelude::*;

use super::schema::{StoreJson, ESTIMATES_FILE, STORE_FORMAT_VERSION};
use super::{fgb_err, io_err, pq_err, StoreError, StoreResult};

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

/// Reads a store written by [`super::write_store`].
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
    let dataset = Dataset::new(units, json.indicators.clone(), values, names).map_err(|e| {
        StoreError::Invalid {
            path,
            message: e.to_string(),
        }
    })?;
    read_estimates(dataset, &dir.join(ESTIMATES_FILE))
}

/// Marks the values listed in `estimated.parquet` (if the store has one) as estimated.
fn read_estimates(dataset: Dataset, path: &Path) -> StoreResult<Dataset> {
    if !path.is_file() {
        return Ok(dataset);
    }
    let df = read_parquet(path)?;
    let (unit, indicator, level) = (
        str_col(&df, "unit", path)?,
        str_col(&df, "indicator", path)?,
        str_col(&df, "level", path)?,
    );
    let rows: std::collections::HashMap<&str, usize> = dataset
        .units()
        .iter()
        .enumerate()
        .map(|(i, u)| (u.code.as_str(), i))
        .collect();
    let invalid = |row: usize, message: String| StoreError::Invalid {
        path: path.to_path_buf(),
        message: format!("row {}: {message}", row + 1),
    };
    let mut marks = Vec::with_capacity(unit.len());
    for (r, ((u, k), l)) in unit.iter().zip(&indicator).zip(&level).enumerate() {
        let i = *rows
            .get(u.as_str())
            .ok_or_else(|| invalid(r, format!("unknown unit '{u}'")))?;
        let j = dataset
            .indicator_index(k)
            .ok_or_else(|| invalid(r, format!("unknown indicator '{k}'")))?;
        let l: Level = l
            .parse()
            .map_err(|_| invalid(r, format!("unknown level '{l}'")))?;
        marks.push((i, j, l));
    }
    dataset
        .with_estimates(marks)
        .map_err(|e| StoreError::Invalid {
            path: path.to_path_buf(),
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

/// Reads every feature of a FlatGeobuf file in file order, handing each (with its 1-based
/// number, for error messages) to `read`.
fn read_features<T>(
    path: &Path,
    mut read: impl FnMut(usize, &flatgeobuf::FgbFeature) -> StoreResult<T>,
) -> StoreResult<Vec<T>> {
    let f = File::open(path).map_err(io_err(path))?;
    let mut reader = BufReader::new(f);
    let mut it = FgbReader::open(&mut reader)
        .and_then(|r| r.select_all_seq())
        .map_err(|x| fgb_err(path)(x.to_string()))?;
    let mut out = Vec::new();
    let mut n = 0usize;
    loop {
        let feature = match it.next() {
            Ok(Some(f)) => f,
            Ok(None) => break,
            Err(x) => return Err(fgb_err(path)(format!("feature {}: {x}", n + 1))),
        };
        n += 1;
        out.push(read(n, feature)?);
    }
    Ok(out)
}

fn read_contours(path: &Path) -> StoreResult<Vec<Feature>> {
    let mut out = read_features(path, |n, feature| {
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
        Ok(Feature { code, geometry })
    })?;
    // The spatial index orders features along a Hilbert curve; give them back by code.
    out.sort_by(|a, b| a.code.cmp(&b.code));
    Ok(out)
}

fn read_places(path: &Path) -> StoreResult<Vec<Place>> {
    let split = |s: String| -> Vec<String> {
        s.split('|')
            .filter(|x| !x.is_empty())
            .map(str::to_string)
            .collect()
    };
    let mut out = read_features(path, |n, feature| {
        let get = |c: &str| -> StoreResult<String> {
            feature
                .property::<String>(c)
                .map_err(|x| fgb_err(path)(format!("feature {n}: column '{c}': {x}")))
        };
        let point = match feature.to_geo() {
            Ok(Geometry::Point(p)) => p,
            Ok(_) | Err(_) => return Err(fgb_err(path)(format!("feature {n}: expected a point"))),
        };
        Ok(Place {
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
        })
    })?;
    out.sort_by(|a, b| a.id.cmp(&b.id));
    Ok(out)
}

//! Vector files read through GDAL (GeoJSON, gzipped GeoJSON, Shapefile, GeoPackage…), in any
//! CRS, reprojected to WGS84 lon/lat. Invalid geometries are repaired (`MakeValid`) and
//! counted; a geometry that cannot be repaired is reported by feature.

use std::path::{Path, PathBuf};

use gdal::spatial_ref::{AxisMappingStrategy, CoordTransform, SpatialRef};
use gdal::vector::LayerAccess;
use gdal::Dataset as GdalDataset;
use geo::{Geometry, MultiPolygon};
use thiserror::Error;

/// Errors reading a vector file.
#[derive(Debug, Error)]
pub enum VectorError {
    /// GDAL could not open the file.
    #[error("{path}: cannot open as a vector file")]
    Open {
        /// The file.
        path: PathBuf,
        /// The cause.
        #[source]
        source: gdal::errors::GdalError,
    },
    /// The file declares no CRS and the manifest gives none.
    #[error("{path}: unknown CRS (no .prj or crs member): set `crs = \"EPSG:…\"` for this dataset in the manifest")]
    UnknownCrs {
        /// The file.
        path: PathBuf,
    },
    /// The CRS given cannot be used.
    #[error("{path}: CRS '{crs}' is not usable")]
    BadCrs {
        /// The file.
        path: PathBuf,
        /// The CRS text.
        crs: String,
        /// The cause.
        #[source]
        source: gdal::errors::GdalError,
    },
    /// A field the manifest names is missing.
    #[error("{path}: no field '{field}' (fields: {available}); fix the manifest")]
    MissingField {
        /// The file.
        path: PathBuf,
        /// The field.
        field: String,
        /// The fields found.
        available: String,
    },
    /// A feature could not be read, reprojected or repaired.
    #[error("{path}, feature {feature}: {message}")]
    Feature {
        /// The file.
        path: PathBuf,
        /// 1-based feature number.
        feature: usize,
        /// What failed.
        message: String,
    },
}

/// One feature: the requested fields (None = null) and its geometry in WGS84.
#[derive(Debug, Clone)]
pub struct VectorFeature {
    /// 1-based feature number in the file.
    pub number: usize,
    /// Values of the requested fields, in request order.
    pub fields: Vec<Option<String>>,
    /// Geometry (None when the feature has none).
    pub geometry: Option<Geometry<f64>>,
}

/// A vector layer read into memory.
#[derive(Debug, Clone)]
pub struct VectorData {
    /// The features.
    pub features: Vec<VectorFeature>,
    /// Numbers of the features whose geometry was invalid and repaired.
    pub repaired: Vec<usize>,
}

/// GDAL path of a file: gzipped files are read through `/vsigzip/`.
pub fn gdal_path(path: &Path) -> PathBuf {
    let s = path.to_string_lossy();
    if s.ends_with(".gz") && !s.starts_with("/vsigzip/") {
        PathBuf::from(format!("/vsigzip/{s}"))
    } else {
        path.to_path_buf()
    }
}

/// Reads the first layer of a vector file, the `fields` asked for and the geometries, in
/// WGS84. `crs` is used when the file declares none (GeoJSON without `crs` is WGS84 by RFC 7946).
pub fn read_vector(
    path: &Path,
    fields: &[&str],
    crs: Option<&str>,
) -> Result<VectorData, VectorError> {
    let ds = GdalDataset::open(gdal_path(path)).map_err(|source| VectorError::Open {
        path: path.to_path_buf(),
        source,
    })?;
    let driver = ds.driver().short_name();
    let mut layer = ds.layer(0).map_err(|source| VectorError::Open {
        path: path.to_path_buf(),
        source,
    })?;
    let defn_fields: Vec<String> = layer.defn().fields().map(|f| f.name()).collect();
    let idx: Vec<usize> = fields
        .iter()
        .map(|f| {
            defn_fields
                .iter()
                .position(|d| d == f)
                .ok_or_else(|| VectorError::MissingField {
                    path: path.to_path_buf(),
                    field: f.to_string(),
                    available: defn_fields.join(", "),
                })
        })
        .collect::<Result<_, _>>()?;
    let src = match (crs, layer.spatial_ref()) {
        (Some(text), _) => {
            let s = if let Some(code) = text.strip_prefix("EPSG:") {
                code.parse::<u32>()
                    .ok()
                    .map(SpatialRef::from_epsg)
                    .unwrap_or_else(|| SpatialRef::from_definition(text))
            } else {
                SpatialRef::from_definition(text)
            };
            Some(s.map_err(|source| VectorError::BadCrs {
                path: path.to_path_buf(),
                crs: text.to_string(),
                source,
            })?)
        }
        (None, Some(s)) => Some(s),
        (None, None) if driver == "GeoJSON" => None,
        (None, None) => {
            return Err(VectorError::UnknownCrs {
                path: path.to_path_buf(),
            })
        }
    };
    let transform = match src {
        None => None,
        Some(mut src) => {
            src.set_axis_mapping_strategy(AxisMappingStrategy::TraditionalGisOrder);
            let is_wgs84 = src.auth_code().ok() == Some(4326)
                || src
                    .to_proj4()
                    .map(|p| p.contains("+proj=longlat +datum=WGS84"))
                    .unwrap_or(false);
            if is_wgs84 {
                None
            } else {
                let mut dst =
                    SpatialRef::from_epsg(4326).map_err(|source| VectorError::BadCrs {
                        path: path.to_path_buf(),
                        crs: "EPSG:4326".into(),
                        source,
                    })?;
                dst.set_axis_mapping_strategy(AxisMappingStrategy::TraditionalGisOrder);
                Some(
                    CoordTransform::new(&src, &dst).map_err(|source| VectorError::BadCrs {
                        path: path.to_path_buf(),
                        crs: src.to_wkt().unwrap_or_default(),
                        source,
                    })?,
                )
            }
        }
    };
    let mut out = Vec::new();
    let mut repaired = Vec::new();
    for (i, feature) in layer.features().enumerate() {
        let number = i + 1;
        let ferr = |message: String| VectorError::Feature {
            path: path.to_path_buf(),
            feature: number,
            message,
        };
        let values = idx
            .iter()
            .map(|&j| feature.field_as_string(j).map_err(|e| ferr(e.to_string())))
            .collect::<Result<Vec<_>, _>>()?;
        let geometry = match feature.geometry() {
            None => None,
            Some(g) => {
                let mut g = match &transform {
                    Some(t) => g
                        .transform(t)
                        .map_err(|e| ferr(format!("cannot reproject to WGS84: {e}")))?,
                    None => g.clone(),
                };
                if !g.is_valid() {
                    g = g
                        .make_valid(&gdal::cpl::CslStringList::new())
                        .map_err(|e| {
                            ferr(format!("invalid geometry that GDAL cannot repair: {e}"))
                        })?;
                    repaired.push(number);
                }
                Some(Geometry::try_from(&g).map_err(|e| ferr(format!("geometry: {e}")))?)
            }
        };
        out.push(VectorFeature {
            number,
            fields: values,
            geometry,
        });
    }
    Ok(VectorData {
        features: out,
        repaired,
    })
}

/// The polygonal part of a geometry (a repaired polygon may come back as a collection).
pub fn polygons(g: &Geometry<f64>) -> Option<MultiPolygon<f64>> {
    match g {
        Geometry::Polygon(p) => Some(MultiPolygon(vec![p.clone()])),
        Geometry::MultiPolygon(m) => Some(m.clone()),
        Geometry::GeometryCollection(c) => {
            let v: Vec<_> = c.0.iter().filter_map(polygons).flat_map(|m| m.0).collect();
            (!v.is_empty()).then_some(MultiPolygon(v))
        }
        _ => None,
    }
}

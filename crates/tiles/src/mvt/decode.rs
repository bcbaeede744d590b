//! MVT decoding for tests, through an independent decoder (the `mvt-reader` crate), so the
//! encoder is never checked by its own author's reading of the specification.
//!
//! Only built with the `decode` feature (the crate's tests and the server's enable it). The
//! decoded geometry is the decoder's: rings come in the decoder's polygons (an exterior, then
//! its holes; the decoder starts a new polygon at each ring of positive area, as MVT 2.1
//! says), coordinates in tile units, y down. Orientation tests compute their signs on these
//! coordinates.

use std::collections::BTreeMap;

use geo_types::{Geometry, LineString};

use super::Value;
use crate::error::{TilesError, TilesResult};

/// A decoded tile.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct DecodedTile {
    /// Layers in tile order.
    pub layers: Vec<DecodedLayer>,
}

impl DecodedTile {
    /// The layer of that name.
    pub fn layer(&self, name: &str) -> Option<&DecodedLayer> {
        self.layers.iter().find(|l| l.name == name)
    }
}

/// A decoded layer.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct DecodedLayer {
    /// Layer name.
    pub name: String,
    /// MVT version.
    pub version: u32,
    /// Extent.
    pub extent: u32,
    /// Features.
    pub features: Vec<DecodedFeature>,
}

/// An open ring (or line) in tile coordinates.
pub type Ring = Vec<(i32, i32)>;

/// A decoded feature.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct DecodedFeature {
    /// Feature id, when present.
    pub id: Option<u64>,
    /// Geometry type (0 unknown, 1 point, 2 line, 3 polygon).
    pub geom_type: u8,
    /// Properties by key.
    pub properties: BTreeMap<String, Value>,
    /// Rings (polygons: each exterior followed by its holes), lines, or one entry per point,
    /// in tile coordinates. Rings are open (the closing point is dropped).
    pub parts: Vec<Ring>,
    /// Polygons as the decoder grouped them: `(exterior, holes)`, open rings.
    pub polygons: Vec<(Ring, Vec<Ring>)>,
}

/// Decodes an uncompressed MVT with `mvt-reader`.
///
/// ```
/// use ifn_tiles::mvt::{decode::decode_tile, encode_points, GeomType, LayerBuilder, Value};
/// let mut layer = LayerBuilder::new("places");
/// let geom = encode_points(&[(10, 20)]);
/// layer.add_feature(Some(7), GeomType::Point, &geom, &[("name", Value::String("Médiathèque".into()))]);
/// let mut tile = Vec::new();
/// layer.finish_into(&mut tile);
/// let decoded = decode_tile(&tile).unwrap();
/// let f = &decoded.layer("places").unwrap().features[0];
/// assert_eq!((f.id, f.parts.clone()), (Some(7), vec![vec![(10, 20)]]));
/// ```
pub fn decode_tile(buf: &[u8]) -> TilesResult<DecodedTile> {
    let fail = |e: mvt_reader::error::ParserError| TilesError::Decode {
        message: e.to_string(),
    };
    let reader = mvt_reader::Reader::new(buf.to_vec()).map_err(fail)?;
    let mut tile = DecodedTile::default();
    for (index, meta) in reader
        .get_layer_metadata()
        .map_err(fail)?
        .into_iter()
        .enumerate()
    {
        let mut layer = DecodedLayer {
            name: meta.name.clone(),
            version: meta.version,
            extent: meta.extent,
            features: Vec::new(),
        };
        for f in reader.get_features(index).map_err(fail)? {
            let mut out = DecodedFeature {
                id: f.id,
                ..Default::default()
            };
            for (k, v) in f.properties.unwrap_or_default() {
                out.properties.insert(k, value(v));
            }
            geometry(&f.geometry, &mut out);
            layer.features.push(out);
        }
        tile.layers.push(layer);
    }
    Ok(tile)
}

fn value(v: mvt_reader::feature::Value) -> Value {
    use mvt_reader::feature::Value as V;
    match v {
        V::String(s) => Value::String(s),
        V::Float(f) => Value::Double(f64::from(f)),
        V::Double(d) => Value::Double(d),
        V::Int(i) | V::SInt(i) => match u64::try_from(i) {
            Ok(u) => Value::Uint(u),
            Err(_) => Value::Double(i as f64),
        },
        V::UInt(u) => Value::Uint(u),
        V::Bool(b) => Value::Bool(b),
        V::Null => Value::String(String::new()),
    }
}

fn ring(line: &LineString<f32>) -> Vec<(i32, i32)> {
    let mut pts: Vec<(i32, i32)> = line.0.iter().map(|c| (c.x as i32, c.y as i32)).collect();
    if pts.len() > 1 && pts.first() == pts.last() {
        pts.pop();
    }
    pts
}

fn geometry(g: &Geometry<f32>, out: &mut DecodedFeature) {
    let polygon = |p: &geo_types::Polygon<f32>, out: &mut DecodedFeature| {
        let exterior = ring(p.exterior());
        let holes: Vec<_> = p.interiors().iter().map(ring).collect();
        out.parts.push(exterior.clone());
        out.parts.extend(holes.iter().cloned());
        out.polygons.push((exterior, holes));
    };
    match g {
        Geometry::Point(p) => {
            out.geom_type = 1;
            out.parts.push(vec![(p.x() as i32, p.y() as i32)]);
        }
        Geometry::MultiPoint(m) => {
            out.geom_type = 1;
            out.parts
                .extend(m.0.iter().map(|p| vec![(p.x() as i32, p.y() as i32)]));
        }
        Geometry::LineString(l) => {
            out.geom_type = 2;
            out.parts
                .push(l.0.iter().map(|c| (c.x as i32, c.y as i32)).collect());
        }
        Geometry::MultiLineString(m) => {
            out.geom_type = 2;
            out.parts.extend(
                m.0.iter()
                    .map(|l| l.0.iter().map(|c| (c.x as i32, c.y as i32)).collect()),
            );
        }
        Geometry::Polygon(p) => {
            out.geom_type = 3;
            polygon(p, out);
        }
        Geometry::MultiPolygon(m) => {
            out.geom_type = 3;
            for p in &m.0 {
                polygon(p, out);
            }
        }
        _ => {}
    }
}

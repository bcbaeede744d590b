//! Mapbox Vector Tile 2.1 encoding with a minimal protobuf writer; decoding for tests through
//! an independent crate (module `decode`, feature `decode`).
//!
//! The schema is small and fixed (tile → layers → features with packed tags and geometry), so
//! writing the few protobuf fields by hand avoids a code generator and a build dependency.

#[cfg(feature = "decode")]
pub mod decode;
mod geometry;
mod interned;
mod pbf;

use std::collections::HashMap;

pub use geometry::{encode_points, encode_polygons, ring_area2, GeomType};
pub use interned::{geometry_field, InternedLayer, ValueRef};

/// The tile extent used for every layer (MVT default).
pub const EXTENT: u32 = 4096;

/// A property value (MVT `Value`).
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    /// `string_value`.
    String(String),
    /// `double_value`.
    Double(f64),
    /// `uint_value`.
    Uint(u64),
    /// `bool_value`.
    Bool(bool),
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum ValueKey {
    String(String),
    Double(u64),
    Uint(u64),
    Bool(bool),
}

impl Value {
    fn key(&self) -> ValueKey {
        match self {
            Value::String(s) => ValueKey::String(s.clone()),
            Value::Double(d) => ValueKey::Double(d.to_bits()),
            Value::Uint(u) => ValueKey::Uint(*u),
            Value::Bool(b) => ValueKey::Bool(*b),
        }
    }

    fn encode(&self, out: &mut Vec<u8>) {
        self.borrowed().encode(out);
    }

    /// The value borrowed.
    pub fn borrowed(&self) -> ValueRef<'_> {
        match self {
            Value::String(s) => ValueRef::Str(s),
            Value::Double(d) => ValueRef::Double(*d),
            Value::Uint(u) => ValueRef::Uint(*u),
            Value::Bool(b) => ValueRef::Bool(*b),
        }
    }
}

/// Builds one layer: interns keys and values, appends encoded features.
///
/// ```
/// # #[cfg(feature = "decode")] {
/// use ifn_tiles::mvt::{LayerBuilder, Value, GeomType, encode_points, decode};
/// let mut layer = LayerBuilder::new("places");
/// let geom = encode_points(&[(10, 20)]);
/// layer.add_feature(Some(7), GeomType::Point, &geom, &[("name", Value::String("Médiathèque".into()))]);
/// let mut tile = Vec::new();
/// layer.finish_into(&mut tile);
/// let decoded = decode::decode_tile(&tile).unwrap();
/// assert_eq!(decoded.layers[0].features[0].id, Some(7));
/// # }
/// ```
#[derive(Debug)]
pub struct LayerBuilder {
    name: String,
    keys: Vec<String>,
    key_index: HashMap<String, u32>,
    values: Vec<Value>,
    value_index: HashMap<ValueKey, u32>,
    features: Vec<u8>,
    count: usize,
    tags: Vec<u32>,
}

impl LayerBuilder {
    /// A new, empty layer.
    pub fn new(name: impl Into<String>) -> LayerBuilder {
        LayerBuilder {
            name: name.into(),
            keys: Vec::new(),
            key_index: HashMap::new(),
            values: Vec::new(),
            value_index: HashMap::new(),
            features: Vec::new(),
            count: 0,
            tags: Vec::new(),
        }
    }

    /// Number of features added.
    pub fn len(&self) -> usize {
        self.count
    }

    /// Whether no feature was added.
    pub fn is_empty(&self) -> bool {
        self.count == 0
    }

    fn key_of(&mut self, k: &str) -> u32 {
        if let Some(&i) = self.key_index.get(k) {
            return i;
        }
        let i = self.keys.len() as u32;
        self.keys.push(k.to_string());
        self.key_index.insert(k.to_string(), i);
        i
    }

    fn value_of(&mut self, v: &Value) -> u32 {
        let key = v.key();
        if let Some(&i) = self.value_index.get(&key) {
            return i;
        }
        let i = self.values.len() as u32;
        self.values.push(v.clone());
        self.value_index.insert(key, i);
        i
    }

    /// Adds a feature whose geometry is already encoded as MVT commands (see
    /// [`encode_polygons`], [`encode_points`]).
    pub fn add_feature(
        &mut self,
        id: Option<u64>,
        geom_type: GeomType,
        geometry: &[u32],
        properties: &[(&str, Value)],
    ) {
        self.add_encoded_feature(id, geom_type, &geometry_field(geometry), properties);
    }

    /// Adds a feature whose geometry field is already encoded ([`geometry_field`]).
    pub fn add_encoded_feature(
        &mut self,
        id: Option<u64>,
        geom_type: GeomType,
        geometry_field: &[u8],
        properties: &[(&str, Value)],
    ) {
        let mut tags = std::mem::take(&mut self.tags);
        tags.clear();
        for (k, v) in properties {
            let ki = self.key_of(k);
            let vi = self.value_of(v);
            tags.push(ki);
            tags.push(vi);
        }
        let mut body = Vec::with_capacity(16 + geometry_field.len() + tags.len() * 2);
        if let Some(id) = id {
            pbf::key(&mut body, 1, pbf::WIRE_VARINT);
            pbf::varint(&mut body, id);
        }
        pbf::packed_u32(&mut body, 2, &tags);
        pbf::key(&mut body, 3, pbf::WIRE_VARINT);
        pbf::varint(&mut body, geom_type as u64);
        body.extend_from_slice(geometry_field);
        pbf::bytes_field(&mut self.features, 2, &body);
        self.count += 1;
        self.tags = tags;
    }

    /// Appends the layer as field 3 of a `Tile` message to `tile`.
    pub fn finish_into(self, tile: &mut Vec<u8>) {
        let mut layer = Vec::with_capacity(self.features.len() + 64 * self.values.len());
        pbf::key(&mut layer, 15, pbf::WIRE_VARINT);
        pbf::varint(&mut layer, 2);
        pbf::bytes_field(&mut layer, 1, self.name.as_bytes());
        layer.extend_from_slice(&self.features);
        for k in &self.keys {
            pbf::bytes_field(&mut layer, 3, k.as_bytes());
        }
        let mut v = Vec::new();
        for value in &self.values {
            v.clear();
            value.encode(&mut v);
            pbf::bytes_field(&mut layer, 4, &v);
        }
        pbf::key(&mut layer, 5, pbf::WIRE_VARINT);
        pbf::varint(&mut layer, u64::from(EXTENT));
        pbf::bytes_field(tile, 3, &layer);
    }
}

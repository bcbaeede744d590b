//! A layer whose keys and values are interned once, so that any subset of its features is
//! then encoded with integer work only: the size budget of a level tile tries several subsets
//! of the same features, and hashing every property again for each try was most of the cost
//! of a low-zoom tile for a new selection.
//!
//! The bytes are those [`LayerBuilder`](super::LayerBuilder) writes for the same features
//! added in the same order: keys and values are numbered in order of first use among the
//! features encoded (tested in `level/tests.rs`).

use std::ops::Range;

use rustc_hash::FxHashMap;

use super::{pbf, GeomType, EXTENT};

/// A property value borrowed from its owner (the MVT `Value` message).
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum ValueRef<'a> {
    /// `string_value`.
    Str(&'a str),
    /// `double_value`.
    Double(f64),
    /// `uint_value`.
    Uint(u64),
    /// `bool_value`.
    Bool(bool),
}

impl ValueRef<'_> {
    /// Writes the `Value` message (without its length prefix).
    pub(crate) fn encode(self, out: &mut Vec<u8>) {
        match self {
            ValueRef::Str(s) => pbf::bytes_field(out, 1, s.as_bytes()),
            ValueRef::Double(d) => {
                pbf::key(out, 3, pbf::WIRE_I64);
                out.extend_from_slice(&d.to_le_bytes());
            }
            ValueRef::Uint(u) => {
                pbf::key(out, 5, pbf::WIRE_VARINT);
                pbf::varint(out, u);
            }
            ValueRef::Bool(b) => {
                pbf::key(out, 7, pbf::WIRE_VARINT);
                pbf::varint(out, u64::from(b));
            }
        }
    }
}

/// Values already interned, by type: values of different types are never equal, so one map
/// per type is exact, and numbers are looked up by their 8 bytes (doubles by their bits, so
/// `NaN`s intern and `0.0` and `-0.0` stay two values, as [`LayerBuilder`](super::LayerBuilder)
/// does).
#[derive(Debug, Default)]
struct ValueIndex<'a> {
    strings: FxHashMap<&'a str, u32>,
    doubles: FxHashMap<u64, u32>,
    uints: FxHashMap<u64, u32>,
    bools: [Option<u32>; 2],
}

impl<'a> ValueIndex<'a> {
    /// The id of `v`, or `next` after recording it as that.
    fn id(&mut self, v: ValueRef<'a>, next: u32) -> u32 {
        match v {
            ValueRef::Str(s) => *self.strings.entry(s).or_insert(next),
            ValueRef::Double(d) => *self.doubles.entry(d.to_bits()).or_insert(next),
            ValueRef::Uint(u) => *self.uints.entry(u).or_insert(next),
            ValueRef::Bool(b) => *self.bools[usize::from(b)].get_or_insert(next),
        }
    }
}

#[derive(Debug)]
struct Feature<'a> {
    id: Option<u64>,
    geom_type: GeomType,
    /// The geometry field, already encoded ([`geometry_field`]).
    geometry: &'a [u8],
    /// Its (key, value) pairs in `InternedLayer::tags`, as global ids.
    tags: Range<usize>,
}

/// The features of a layer with their properties interned (see the module's documentation).
#[derive(Debug, Default)]
pub struct InternedLayer<'a> {
    keys: Vec<&'a str>,
    key_index: FxHashMap<&'a str, u32>,
    values: Vec<ValueRef<'a>>,
    value_index: ValueIndex<'a>,
    tags: Vec<u32>,
    features: Vec<Feature<'a>>,
    /// The keys of the last feature pushed, by position, with their ids: features of a layer
    /// mostly have the same keys in the same order, found here without hashing.
    last_keys: Vec<(&'a str, u32)>,
}

impl<'a> InternedLayer<'a> {
    /// An empty layer.
    pub fn new() -> InternedLayer<'a> {
        InternedLayer::default()
    }

    /// An empty layer with room for `features` features of about `properties` properties
    /// each.
    pub fn with_capacity(features: usize, properties: usize) -> InternedLayer<'a> {
        let mut layer = InternedLayer::default();
        layer.features.reserve(features);
        layer.tags.reserve(2 * features * properties);
        // Most values are the doubles of scores and classes, a few the names and codes.
        layer.value_index.doubles.reserve(features * properties);
        layer.value_index.strings.reserve(2 * features);
        layer
    }

    /// Number of features pushed.
    pub fn len(&self) -> usize {
        self.features.len()
    }

    /// Whether no feature was pushed.
    pub fn is_empty(&self) -> bool {
        self.features.is_empty()
    }

    /// Adds a feature; `geometry` is its encoded geometry field ([`geometry_field`]).
    pub fn push(
        &mut self,
        id: Option<u64>,
        geom_type: GeomType,
        geometry: &'a [u8],
        properties: impl IntoIterator<Item = (&'a str, ValueRef<'a>)>,
    ) {
        let start = self.tags.len();
        for (j, (k, v)) in properties.into_iter().enumerate() {
            let ki = match self.last_keys.get(j) {
                // The same string as the last feature's key at this position: its id.
                Some(&(last, id)) if std::ptr::eq(last, k) => id,
                _ => {
                    let next = self.keys.len() as u32;
                    let ki = *self.key_index.entry(k).or_insert(next);
                    if ki == next {
                        self.keys.push(k);
                    }
                    if j < self.last_keys.len() {
                        self.last_keys[j] = (k, ki);
                    } else {
                        self.last_keys.push((k, ki));
                    }
                    ki
                }
            };
            let next = self.values.len() as u32;
            let vi = self.value_index.id(v, next);
            if vi == next {
                self.values.push(v);
            }
            self.tags.push(ki);
            self.tags.push(vi);
        }
        self.features.push(Feature {
            id,
            geom_type,
            geometry,
            tags: start..self.tags.len(),
        });
    }

    /// Encodes the features of `subset` (indices in push order; written in the order given)
    /// as one layer named `name`, appended to `tile` as field 3 of a `Tile` message.
    pub fn encode_into(
        &self,
        name: &str,
        subset: impl IntoIterator<Item = usize>,
        tile: &mut Vec<u8>,
    ) {
        const NONE: u32 = u32::MAX;
        let mut key_local = vec![NONE; self.keys.len()];
        let mut value_local = vec![NONE; self.values.len()];
        let (mut keys, mut values): (Vec<u32>, Vec<u32>) = (Vec::new(), Vec::new());
        let mut features = Vec::new();
        let mut tags: Vec<u32> = Vec::new();
        let mut body = Vec::new();
        for i in subset {
            let Some(f) = self.features.get(i) else {
                continue;
            };
            tags.clear();
            for pair in self.tags[f.tags.clone()].chunks_exact(2) {
                tags.push(local(&mut key_local, &mut keys, pair[0]));
                tags.push(local(&mut value_local, &mut values, pair[1]));
            }
            body.clear();
            if let Some(id) = f.id {
                pbf::key(&mut body, 1, pbf::WIRE_VARINT);
                pbf::varint(&mut body, id);
            }
            pbf::packed_u32(&mut body, 2, &tags);
            pbf::key(&mut body, 3, pbf::WIRE_VARINT);
            pbf::varint(&mut body, f.geom_type as u64);
            body.extend_from_slice(f.geometry);
            pbf::bytes_field(&mut features, 2, &body);
        }
        let mut layer = Vec::with_capacity(features.len() + 16 * values.len() + 64);
        pbf::key(&mut layer, 15, pbf::WIRE_VARINT);
        pbf::varint(&mut layer, 2);
        pbf::bytes_field(&mut layer, 1, name.as_bytes());
        layer.extend_from_slice(&features);
        for &k in &keys {
            pbf::bytes_field(&mut layer, 3, self.keys[k as usize].as_bytes());
        }
        let mut v = Vec::new();
        for &value in &values {
            v.clear();
            self.values[value as usize].encode(&mut v);
            pbf::bytes_field(&mut layer, 4, &v);
        }
        pbf::key(&mut layer, 5, pbf::WIRE_VARINT);
        pbf::varint(&mut layer, u64::from(EXTENT));
        pbf::bytes_field(tile, 3, &layer);
    }
}

/// The local id of a global key or value id, numbered in order of first use.
fn local(map: &mut [u32], order: &mut Vec<u32>, global: u32) -> u32 {
    let slot = &mut map[global as usize];
    if *slot == u32::MAX {
        *slot = order.len() as u32;
        order.push(global);
    }
    *slot
}

/// The geometry field (field 4 of a `Feature`, packed commands) of MVT geometry commands,
/// encoded once so that a feature written many times is not encoded again; empty when there
/// is no command.
///
/// ```
/// let field = ifn_tiles::mvt::geometry_field(&[9, 2, 4]);
/// assert_eq!(field, [0x22, 3, 9, 2, 4]);
/// ```
pub fn geometry_field(commands: &[u32]) -> Vec<u8> {
    let mut out = Vec::with_capacity(2 + commands.len() * 2);
    pbf::packed_u32(&mut out, 4, commands);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::mvt::{LayerBuilder, Value};

    fn to_value(v: ValueRef<'_>) -> Value {
        match v {
            ValueRef::Str(s) => Value::String(s.into()),
            ValueRef::Double(d) => Value::Double(d),
            ValueRef::Uint(u) => Value::Uint(u),
            ValueRef::Bool(b) => Value::Bool(b),
        }
    }

    #[test]
    fn an_empty_layer_is_what_the_builder_writes() {
        let layer = InternedLayer::new();
        let mut a = Vec::new();
        layer.encode_into("x", 0..0, &mut a);
        let mut b = Vec::new();
        LayerBuilder::new("x").finish_into(&mut b);
        assert_eq!(a, b);
    }

    #[test]
    fn any_subset_is_what_the_builder_writes_for_the_same_features() {
        let g1 = geometry_field(&[9, 2, 2]);
        let g2 = geometry_field(&[]);
        let props: Vec<Vec<(&str, ValueRef)>> = vec![
            vec![("a", ValueRef::Str("x")), ("b", ValueRef::Double(1.5))],
            vec![("b", ValueRef::Double(-0.0)), ("c", ValueRef::Uint(3))],
            vec![("c", ValueRef::Double(f64::NAN)), ("a", ValueRef::Str("x"))],
            vec![("d", ValueRef::Bool(true)), ("b", ValueRef::Double(0.0))],
        ];
        let mut layer = InternedLayer::new();
        for (i, p) in props.iter().enumerate() {
            let g = if i % 2 == 0 { &g1 } else { &g2 };
            layer.push(Some(i as u64 * 7), GeomType::Point, g, p.iter().copied());
        }
        for subset in [vec![0, 1, 2, 3], vec![3, 1], vec![2], vec![1, 2, 3]] {
            let mut a = Vec::new();
            layer.encode_into("l", subset.iter().copied(), &mut a);
            let mut builder = LayerBuilder::new("l");
            for &i in &subset {
                let owned: Vec<(&str, Value)> =
                    props[i].iter().map(|&(k, v)| (k, to_value(v))).collect();
                let commands: &[u32] = if i % 2 == 0 { &[9, 2, 2] } else { &[] };
                builder.add_feature(Some(i as u64 * 7), GeomType::Point, commands, &owned);
            }
            let mut b = Vec::new();
            builder.finish_into(&mut b);
            assert_eq!(a, b, "subset {subset:?}");
        }
    }
}

//! A small MVT decoder, for tests and tools: layers, features, ids, properties and geometry.

use std::collections::BTreeMap;

use super::pbf::{unzigzag, WIRE_I32, WIRE_I64, WIRE_LEN, WIRE_VARINT};
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

/// A decoded feature.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct DecodedFeature {
    /// Feature id, when present.
    pub id: Option<u64>,
    /// Geometry type (0 unknown, 1 point, 2 line, 3 polygon).
    pub geom_type: u8,
    /// Properties by key.
    pub properties: BTreeMap<String, Value>,
    /// Rings (polygons), lines, or one entry per point, in tile coordinates. Rings are open
    /// (ClosePath is implied).
    pub parts: Vec<Vec<(i32, i32)>>,
}

struct Reader<'a> {
    buf: &'a [u8],
    pos: usize,
    base: usize,
}

impl<'a> Reader<'a> {
    fn new(buf: &'a [u8], base: usize) -> Self {
        Reader { buf, pos: 0, base }
    }

    fn err<T>(&self, message: impl Into<String>) -> TilesResult<T> {
        Err(TilesError::Decode {
            offset: self.base + self.pos,
            message: message.into(),
        })
    }

    fn done(&self) -> bool {
        self.pos >= self.buf.len()
    }

    fn varint(&mut self) -> TilesResult<u64> {
        let mut v = 0u64;
        for shift in (0..64).step_by(7) {
            let Some(&b) = self.buf.get(self.pos) else {
                return self.err("truncated varint");
            };
            self.pos += 1;
            v |= u64::from(b & 0x7f) << shift;
            if b < 0x80 {
                return Ok(v);
            }
        }
        self.err("varint longer than 10 bytes")
    }

    fn key(&mut self) -> TilesResult<(u32, u8)> {
        let k = self.varint()?;
        Ok(((k >> 3) as u32, (k & 7) as u8))
    }

    fn bytes(&mut self) -> TilesResult<(usize, &'a [u8])> {
        let len = self.varint()? as usize;
        let start = self.pos;
        let Some(end) = start.checked_add(len).filter(|&e| e <= self.buf.len()) else {
            return self.err(format!("length {len} runs past the end of the message"));
        };
        self.pos = end;
        Ok((self.base + start, &self.buf[start..end]))
    }

    fn fixed<const N: usize>(&mut self) -> TilesResult<[u8; N]> {
        let Some(s) = self.buf.get(self.pos..self.pos + N) else {
            return self.err("truncated fixed-size field");
        };
        self.pos += N;
        let mut a = [0u8; N];
        a.copy_from_slice(s);
        Ok(a)
    }

    fn skip(&mut self, wire: u8) -> TilesResult<()> {
        match wire {
            WIRE_VARINT => self.varint().map(|_| ()),
            WIRE_I64 => self.fixed::<8>().map(|_| ()),
            WIRE_LEN => self.bytes().map(|_| ()),
            WIRE_I32 => self.fixed::<4>().map(|_| ()),
            w => self.err(format!("unsupported wire type {w}")),
        }
    }

    fn packed(&mut self) -> TilesResult<Vec<u32>> {
        let (base, b) = self.bytes()?;
        let mut r = Reader::new(b, base);
        let mut out = Vec::new();
        while !r.done() {
            out.push(r.varint()? as u32);
        }
        Ok(out)
    }
}

/// Decodes an uncompressed MVT.
pub fn decode_tile(buf: &[u8]) -> TilesResult<DecodedTile> {
    let mut r = Reader::new(buf, 0);
    let mut tile = DecodedTile::default();
    while !r.done() {
        let (field, wire) = r.key()?;
        if field == 3 && wire == WIRE_LEN {
            let (base, b) = r.bytes()?;
            tile.layers.push(decode_layer(b, base)?);
        } else {
            r.skip(wire)?;
        }
    }
    Ok(tile)
}

fn decode_layer(buf: &[u8], base: usize) -> TilesResult<DecodedLayer> {
    let mut r = Reader::new(buf, base);
    let mut layer = DecodedLayer {
        extent: 4096,
        version: 1,
        ..Default::default()
    };
    let mut keys = Vec::new();
    let mut values = Vec::new();
    let mut raw_features = Vec::new();
    while !r.done() {
        let (field, wire) = r.key()?;
        match (field, wire) {
            (1, WIRE_LEN) => layer.name = String::from_utf8_lossy(r.bytes()?.1).into_owned(),
            (2, WIRE_LEN) => raw_features.push(r.bytes()?),
            (3, WIRE_LEN) => keys.push(String::from_utf8_lossy(r.bytes()?.1).into_owned()),
            (4, WIRE_LEN) => {
                let (b0, b) = r.bytes()?;
                values.push(decode_value(b, b0)?);
            }
            (5, WIRE_VARINT) => layer.extent = r.varint()? as u32,
            (15, WIRE_VARINT) => layer.version = r.varint()? as u32,
            (_, w) => r.skip(w)?,
        }
    }
    for (b0, b) in raw_features {
        layer.features.push(decode_feature(b, b0, &keys, &values)?);
    }
    Ok(layer)
}

fn decode_value(buf: &[u8], base: usize) -> TilesResult<Value> {
    let mut r = Reader::new(buf, base);
    let mut out = None;
    while !r.done() {
        let (field, wire) = r.key()?;
        out = Some(match (field, wire) {
            (1, WIRE_LEN) => Value::String(String::from_utf8_lossy(r.bytes()?.1).into_owned()),
            (2, WIRE_I32) => Value::Double(f64::from(f32::from_le_bytes(r.fixed::<4>()?))),
            (3, WIRE_I64) => Value::Double(f64::from_le_bytes(r.fixed::<8>()?)),
            (4, WIRE_VARINT) | (5, WIRE_VARINT) => Value::Uint(r.varint()?),
            (6, WIRE_VARINT) => Value::Double(unzigzag(r.varint()? as u32).into()),
            (7, WIRE_VARINT) => Value::Bool(r.varint()? != 0),
            _ => return r.err(format!("unexpected value field {field} (wire {wire})")),
        });
    }
    match out {
        Some(v) => Ok(v),
        None => r.err("empty value"),
    }
}

fn decode_feature(
    buf: &[u8],
    base: usize,
    keys: &[String],
    values: &[Value],
) -> TilesResult<DecodedFeature> {
    let mut r = Reader::new(buf, base);
    let mut f = DecodedFeature::default();
    let mut geometry = Vec::new();
    while !r.done() {
        let (field, wire) = r.key()?;
        match (field, wire) {
            (1, WIRE_VARINT) => f.id = Some(r.varint()?),
            (2, WIRE_LEN) => {
                let tags = r.packed()?;
                if tags.len() % 2 != 0 {
                    return r.err("odd number of tags");
                }
                for pair in tags.chunks(2) {
                    let (Some(k), Some(v)) =
                        (keys.get(pair[0] as usize), values.get(pair[1] as usize))
                    else {
                        return r.err(format!(
                            "tag {}={} out of the key/value tables",
                            pair[0], pair[1]
                        ));
                    };
                    f.properties.insert(k.clone(), v.clone());
                }
            }
            (3, WIRE_VARINT) => f.geom_type = r.varint()? as u8,
            (4, WIRE_LEN) => geometry = r.packed()?,
            (_, w) => r.skip(w)?,
        }
    }
    f.parts = decode_geometry(&geometry, f.geom_type).map_err(|message| TilesError::Decode {
        offset: base,
        message,
    })?;
    Ok(f)
}

fn decode_geometry(cmds: &[u32], geom_type: u8) -> Result<Vec<Vec<(i32, i32)>>, String> {
    let mut parts: Vec<Vec<(i32, i32)>> = Vec::new();
    let (mut x, mut y) = (0i32, 0i32);
    let mut i = 0;
    while i < cmds.len() {
        let id = cmds[i] & 7;
        let count = (cmds[i] >> 3) as usize;
        i += 1;
        match id {
            1 | 2 => {
                for _ in 0..count {
                    let (Some(&dx), Some(&dy)) = (cmds.get(i), cmds.get(i + 1)) else {
                        return Err("geometry ends inside a command".into());
                    };
                    i += 2;
                    x += unzigzag(dx);
                    y += unzigzag(dy);
                    if id == 1 && geom_type != 1 {
                        parts.push(Vec::new());
                    }
                    if id == 1 && geom_type == 1 {
                        parts.push(vec![(x, y)]);
                    } else {
                        match parts.last_mut() {
                            Some(p) => p.push((x, y)),
                            None => return Err("LineTo before MoveTo".into()),
                        }
                    }
                }
            }
            7 => {}
            other => return Err(format!("unknown command {other}")),
        }
    }
    Ok(parts)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::mvt::{encode_polygons, GeomType, LayerBuilder};

    #[test]
    fn an_empty_buffer_is_an_empty_tile() {
        assert!(decode_tile(&[]).unwrap().layers.is_empty());
    }

    #[test]
    fn truncated_input_is_an_error_not_a_panic() {
        let mut layer = LayerBuilder::new("x");
        layer.add_feature(
            Some(1),
            GeomType::Polygon,
            &encode_polygons(&[vec![vec![(0, 0), (5, 0), (5, 5)]]]),
            &[],
        );
        let mut tile = Vec::new();
        layer.finish_into(&mut tile);
        for cut in 0..tile.len() {
            let _ = decode_tile(&tile[..cut]);
        }
        assert!(decode_tile(&tile[..tile.len() - 1]).is_err());
    }

    #[test]
    fn properties_and_geometry_round_trip() {
        let mut layer = LayerBuilder::new("commune");
        let ring = vec![(0, 0), (100, 0), (100, 100), (0, 100)];
        let hole = vec![(10, 10), (10, 20), (20, 20), (20, 10)];
        let g = encode_polygons(&[vec![ring.clone(), hole.clone()]]);
        layer.add_feature(
            Some(3),
            GeomType::Polygon,
            &g,
            &[
                ("code", Value::String("X1001".into())),
                ("score", Value::Double(6.5)),
                ("population", Value::Uint(1200)),
            ],
        );
        let mut tile = Vec::new();
        layer.finish_into(&mut tile);
        let t = decode_tile(&tile).unwrap();
        let l = t.layer("commune").unwrap();
        assert_eq!((l.version, l.extent), (2, 4096));
        let f = &l.features[0];
        assert_eq!(f.id, Some(3));
        assert_eq!(f.geom_type, 3);
        assert_eq!(f.properties["code"], Value::String("X1001".into()));
        assert_eq!(f.properties["score"], Value::Double(6.5));
        assert_eq!(f.properties["population"], Value::Uint(1200));
        assert_eq!(f.parts, vec![ring, hole]);
    }
}

//! PMTiles v3 archives: a whole tile pyramid in one file, for any static server or CDN.
//!
//! The layout follows the PMTiles v3 specification (protomaps): a 127-byte header, a root
//! directory (kept, with the header, within the first 16 KiB so clients fetch both in one
//! request), gzip'd JSON metadata, leaf directories, then the tile data ordered by tile id
//! (`clustered`). Identical tiles are stored once (deduplicated by content) and consecutive
//! tile ids with the same content share one directory entry (run-length).
//!
//! ```
//! use ifn_export::pmtiles::{write_archive, PmtilesReader, WriterOptions};
//!
//! let tiles = vec![(0u8, 0u32, 0u32, b"world".to_vec()), (1, 1, 0, b"east".to_vec())];
//! let mut bytes = Vec::new();
//! write_archive(tiles, &WriterOptions::default(), &mut bytes).unwrap();
//! let mut reader = PmtilesReader::new(std::io::Cursor::new(bytes)).unwrap();
//! assert_eq!(reader.tile_decompressed(1, 1, 0).unwrap().as_deref(), Some(&b"east"[..]));
//! assert_eq!(reader.tile(1, 0, 0).unwrap(), None);
//! ```

use std::collections::HashMap;
use std::hash::{Hash, Hasher};
use std::io::{Read, Seek, SeekFrom, Write};

use flate2::read::GzDecoder;
use flate2::write::GzEncoder;
use serde_json::Value;

use crate::error::{ExportError, ExportResult};

/// Size of the fixed header.
pub const HEADER_SIZE: usize = 127;
/// Header and root directory must fit in this many bytes (spec §2).
pub const MAX_INITIAL_BYTES: usize = 16_384;
/// Deepest zoom a tile id can address here (4^z stays within u64 for z ≤ 31).
pub const MAX_ZOOM: u8 = 31;

/// Compression of the directories, metadata or tiles (header codes).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Compression {
    /// Unknown.
    Unknown = 0,
    /// None.
    None = 1,
    /// gzip.
    Gzip = 2,
    /// Brotli (read as unsupported).
    Brotli = 3,
    /// Zstandard (read as unsupported).
    Zstd = 4,
}

impl Compression {
    fn from_u8(v: u8) -> Compression {
        match v {
            1 => Compression::None,
            2 => Compression::Gzip,
            3 => Compression::Brotli,
            4 => Compression::Zstd,
            _ => Compression::Unknown,
        }
    }
}

/// Type of the tiles (header codes).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TileType {
    /// Unknown or other.
    Unknown = 0,
    /// Mapbox Vector Tile.
    Mvt = 1,
    /// PNG.
    Png = 2,
    /// JPEG.
    Jpeg = 3,
    /// WebP.
    Webp = 4,
    /// AVIF.
    Avif = 5,
}

impl TileType {
    fn from_u8(v: u8) -> TileType {
        match v {
            1 => TileType::Mvt,
            2 => TileType::Png,
            3 => TileType::Jpeg,
            4 => TileType::Webp,
            5 => TileType::Avif,
            _ => TileType::Unknown,
        }
    }
}

/// The fixed header of an archive.
#[derive(Debug, Clone, PartialEq)]
pub struct Header {
    /// Offset of the root directory.
    pub root_offset: u64,
    /// Length of the root directory.
    pub root_length: u64,
    /// Offset of the JSON metadata.
    pub metadata_offset: u64,
    /// Length of the JSON metadata.
    pub metadata_length: u64,
    /// Offset of the leaf directories.
    pub leaf_offset: u64,
    /// Length of the leaf directories.
    pub leaf_length: u64,
    /// Offset of the tile data.
    pub data_offset: u64,
    /// Length of the tile data.
    pub data_length: u64,
    /// Tiles addressed (runs expanded).
    pub addressed_tiles: u64,
    /// Tile entries in the directories.
    pub tile_entries: u64,
    /// Distinct tile contents.
    pub tile_contents: u64,
    /// Tile data ordered by tile id.
    pub clustered: bool,
    /// Compression of directories and metadata.
    pub internal_compression: Compression,
    /// Compression of the tiles.
    pub tile_compression: Compression,
    /// Type of the tiles.
    pub tile_type: TileType,
    /// Lowest zoom.
    pub min_zoom: u8,
    /// Highest zoom.
    pub max_zoom: u8,
    /// `[west, south, east, north]` in degrees.
    pub bounds: [f64; 4],
    /// Zoom of the centre.
    pub center_zoom: u8,
    /// Centre `(lon, lat)` in degrees.
    pub center: (f64, f64),
}

fn e7(v: f64) -> i32 {
    // Saturating cast: longitudes and latitudes ×10^7 fit in i32.
    (v * 1e7).round() as i32
}

impl Header {
    fn to_bytes(&self) -> [u8; HEADER_SIZE] {
        let mut b = [0u8; HEADER_SIZE];
        b[0..7].copy_from_slice(b"PMTiles");
        b[7] = 3;
        let u64s = [
            self.root_offset,
            self.root_length,
            self.metadata_offset,
            self.metadata_length,
            self.leaf_offset,
            self.leaf_length,
            self.data_offset,
            self.data_length,
            self.addressed_tiles,
            self.tile_entries,
            self.tile_contents,
        ];
        for (i, v) in u64s.iter().enumerate() {
            b[8 + 8 * i..16 + 8 * i].copy_from_slice(&v.to_le_bytes());
        }
        b[96] = u8::from(self.clustered);
        b[97] = self.internal_compression as u8;
        b[98] = self.tile_compression as u8;
        b[99] = self.tile_type as u8;
        b[100] = self.min_zoom;
        b[101] = self.max_zoom;
        for (i, v) in self.bounds.iter().enumerate() {
            b[102 + 4 * i..106 + 4 * i].copy_from_slice(&e7(*v).to_le_bytes());
        }
        b[118] = self.center_zoom;
        b[119..123].copy_from_slice(&e7(self.center.0).to_le_bytes());
        b[123..127].copy_from_slice(&e7(self.center.1).to_le_bytes());
        b
    }

    /// Parses a header.
    ///
    /// # Errors
    /// When the bytes are too short, do not start with `PMTiles` or are not version 3.
    pub fn from_bytes(b: &[u8]) -> ExportResult<Header> {
        if b.len() < HEADER_SIZE {
            return Err(ExportError::Pmtiles(format!(
                "header: {} bytes, expected {HEADER_SIZE}",
                b.len()
            )));
        }
        if &b[0..7] != b"PMTiles" {
            return Err(ExportError::Pmtiles(
                "not a PMTiles archive (no 'PMTiles' magic)".into(),
            ));
        }
        if b[7] != 3 {
            return Err(ExportError::Pmtiles(format!(
                "PMTiles version {}, this reader reads version 3",
                b[7]
            )));
        }
        let u = |i: usize| {
            let mut a = [0u8; 8];
            a.copy_from_slice(&b[8 + 8 * i..16 + 8 * i]);
            u64::from_le_bytes(a)
        };
        let deg = |o: usize| {
            let mut a = [0u8; 4];
            a.copy_from_slice(&b[o..o + 4]);
            f64::from(i32::from_le_bytes(a)) / 1e7
        };
        Ok(Header {
            root_offset: u(0),
            root_length: u(1),
            metadata_offset: u(2),
            metadata_length: u(3),
            leaf_offset: u(4),
            leaf_length: u(5),
            data_offset: u(6),
            data_length: u(7),
            addressed_tiles: u(8),
            tile_entries: u(9),
            tile_contents: u(10),
            clustered: b[96] == 1,
            internal_compression: Compression::from_u8(b[97]),
            tile_compression: Compression::from_u8(b[98]),
            tile_type: TileType::from_u8(b[99]),
            min_zoom: b[100],
            max_zoom: b[101],
            bounds: [deg(102), deg(106), deg(110), deg(114)],
            center_zoom: b[118],
            center: (deg(119), deg(123)),
        })
    }
}

/// A directory entry: a run of tiles, or (`run_length == 0`) a leaf directory.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Entry {
    /// First tile id.
    pub tile_id: u64,
    /// Offset in the tile data (or leaf directory) section.
    pub offset: u64,
    /// Length in bytes.
    pub length: u32,
    /// Number of consecutive tile ids with this content; 0 for a leaf directory.
    pub run_length: u32,
}

/// The tile id of `z/x/y`: the position on the Hilbert curves of all zooms up to `z`.
///
/// ```
/// use ifn_export::pmtiles::zxy_to_tile_id;
/// assert_eq!(zxy_to_tile_id(0, 0, 0), 0);
/// assert_eq!(zxy_to_tile_id(1, 0, 0), 1);
/// assert_eq!(zxy_to_tile_id(1, 0, 1), 2);
/// assert_eq!(zxy_to_tile_id(1, 1, 1), 3);
/// assert_eq!(zxy_to_tile_id(1, 1, 0), 4);
/// assert_eq!(zxy_to_tile_id(2, 0, 0), 5);
/// ```
pub fn zxy_to_tile_id(z: u8, x: u32, y: u32) -> u64 {
    let acc: u64 = (0..z).map(|t| 1u64 << (2 * u32::from(t))).sum();
    let n: u64 = 1 << z;
    let (mut x, mut y) = (u64::from(x), u64::from(y));
    let mut d = 0u64;
    let mut s = n / 2;
    while s > 0 {
        let rx = u64::from(x & s > 0);
        let ry = u64::from(y & s > 0);
        d += s * s * ((3 * rx) ^ ry);
        rotate(n, &mut x, &mut y, rx, ry);
        s /= 2;
    }
    acc + d
}

fn rotate(n: u64, x: &mut u64, y: &mut u64, rx: u64, ry: u64) {
    if ry == 0 {
        if rx == 1 {
            *x = n - 1 - *x;
            *y = n - 1 - *y;
        }
        std::mem::swap(x, y);
    }
}

/// The `(z, x, y)` of a tile id (inverse of [`zxy_to_tile_id`]).
///
/// ```
/// use ifn_export::pmtiles::{tile_id_to_zxy, zxy_to_tile_id};
/// assert_eq!(tile_id_to_zxy(zxy_to_tile_id(12, 2075, 1409)), (12, 2075, 1409));
/// ```
pub fn tile_id_to_zxy(id: u64) -> (u8, u32, u32) {
    let mut acc = 0u64;
    for z in 0..=MAX_ZOOM {
        let count = 1u64 << (2 * u32::from(z));
        if id < acc + count {
            let n = 1u64 << z;
            let mut t = id - acc;
            let (mut x, mut y) = (0u64, 0u64);
            let mut s = 1u64;
            while s < n {
                let rx = 1 & (t / 2);
                let ry = 1 & (t ^ rx);
                rotate(s, &mut x, &mut y, rx, ry);
                x += s * rx;
                y += s * ry;
                t /= 4;
                s *= 2;
            }
            // x, y < 2^31 for z ≤ 31.
            return (z, x as u32, y as u32);
        }
        acc += count;
    }
    (MAX_ZOOM, 0, 0)
}

fn push_varint(out: &mut Vec<u8>, mut v: u64) {
    while v >= 0x80 {
        out.push((v as u8) | 0x80);
        v >>= 7;
    }
    out.push(v as u8);
}

fn read_varint(b: &[u8], pos: &mut usize) -> ExportResult<u64> {
    let mut v = 0u64;
    let mut shift = 0u32;
    loop {
        let Some(&byte) = b.get(*pos) else {
            return Err(ExportError::Pmtiles(
                "directory ends inside a varint".into(),
            ));
        };
        *pos += 1;
        if shift >= 64 {
            return Err(ExportError::Pmtiles("varint longer than 64 bits".into()));
        }
        v |= u64::from(byte & 0x7f) << shift;
        if byte < 0x80 {
            return Ok(v);
        }
        shift += 7;
    }
}

fn gzip(data: &[u8]) -> ExportResult<Vec<u8>> {
    let mut e = GzEncoder::new(Vec::new(), flate2::Compression::default());
    e.write_all(data)?;
    Ok(e.finish()?)
}

fn gunzip(data: &[u8]) -> ExportResult<Vec<u8>> {
    let mut out = Vec::new();
    GzDecoder::new(data)
        .read_to_end(&mut out)
        .map_err(|e| ExportError::Pmtiles(format!("gzip: {e}")))?;
    Ok(out)
}

/// Serialises a directory (spec §4): count, then columns of tile id deltas, run lengths,
/// lengths and offsets (0 when an entry follows the previous one), gzip'd.
fn serialize_directory(entries: &[Entry]) -> ExportResult<Vec<u8>> {
    let mut b = Vec::with_capacity(entries.len() * 6 + 8);
    push_varint(&mut b, entries.len() as u64);
    let mut last = 0u64;
    for e in entries {
        push_varint(&mut b, e.tile_id - last);
        last = e.tile_id;
    }
    for e in entries {
        push_varint(&mut b, u64::from(e.run_length));
    }
    for e in entries {
        push_varint(&mut b, u64::from(e.length));
    }
    for (i, e) in entries.iter().enumerate() {
        let follows = i > 0 && e.offset == entries[i - 1].offset + u64::from(entries[i - 1].length);
        push_varint(&mut b, if follows { 0 } else { e.offset + 1 });
    }
    gzip(&b)
}

/// Parses a gzip'd directory.
///
/// # Errors
/// When the directory is truncated or not gzip.
pub fn deserialize_directory(compressed: &[u8]) -> ExportResult<Vec<Entry>> {
    let b = gunzip(compressed)?;
    let mut pos = 0;
    let n = read_varint(&b, &mut pos)?;
    // Each entry takes at least 4 bytes: refuse counts the buffer cannot hold.
    if n > b.len() as u64 {
        return Err(ExportError::Pmtiles(format!(
            "directory claims {n} entries in {} bytes",
            b.len()
        )));
    }
    let n = n as usize;
    let mut entries = vec![
        Entry {
            tile_id: 0,
            offset: 0,
            length: 0,
            run_length: 0
        };
        n
    ];
    let mut last = 0u64;
    for e in entries.iter_mut() {
        last = last
            .checked_add(read_varint(&b, &mut pos)?)
            .ok_or_else(|| ExportError::Pmtiles("tile id overflow".into()))?;
        e.tile_id = last;
    }
    let u32_of = |v: u64, what: &str| {
        u32::try_from(v).map_err(|_| ExportError::Pmtiles(format!("{what} {v} exceeds 32 bits")))
    };
    for e in entries.iter_mut() {
        e.run_length = u32_of(read_varint(&b, &mut pos)?, "run length")?;
    }
    for e in entries.iter_mut() {
        e.length = u32_of(read_varint(&b, &mut pos)?, "length")?;
    }
    for i in 0..n {
        let v = read_varint(&b, &mut pos)?;
        entries[i].offset = if v == 0 && i > 0 {
            entries[i - 1].offset + u64::from(entries[i - 1].length)
        } else {
            v.saturating_sub(1)
        };
    }
    Ok(entries)
}

/// Settings of [`write_archive`].
#[derive(Debug, Clone)]
pub struct WriterOptions {
    /// Type of the tiles.
    pub tile_type: TileType,
    /// Gzip each tile before storing it (`tile_compression = gzip` in the header), as web
    /// clients expect for MVT. With `false`, tiles are stored as given (`none`).
    pub gzip_tiles: bool,
    /// `[west, south, east, north]` in degrees.
    pub bounds: [f64; 4],
    /// Centre zoom; the centre is the middle of `bounds`.
    pub center_zoom: Option<u8>,
    /// JSON metadata (TileJSON-like: name, description, attribution, vector_layers…).
    pub metadata: Value,
}

impl Default for WriterOptions {
    fn default() -> Self {
        WriterOptions {
            tile_type: TileType::Mvt,
            gzip_tiles: true,
            bounds: [-180.0, -85.051_128_78, 180.0, 85.051_128_78],
            center_zoom: None,
            metadata: Value::Object(Default::default()),
        }
    }
}

/// What [`write_archive`] wrote.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ArchiveStats {
    /// Tiles addressed.
    pub addressed_tiles: u64,
    /// Directory entries for tiles.
    pub tile_entries: u64,
    /// Distinct tile contents stored.
    pub tile_contents: u64,
    /// Leaf directories.
    pub leaf_directories: usize,
    /// Archive size in bytes.
    pub bytes: u64,
}

/// Splits entries into a root directory and, if it does not fit in 16 KiB with the header,
/// leaf directories of growing size until the root fits.
fn build_directories(entries: &[Entry]) -> ExportResult<(Vec<u8>, Vec<u8>, usize)> {
    let root = serialize_directory(entries)?;
    if root.len() + HEADER_SIZE <= MAX_INITIAL_BYTES {
        return Ok((root, Vec::new(), 0));
    }
    let mut leaf_size = 4096usize;
    loop {
        let mut leaves = Vec::new();
        let mut root_entries = Vec::new();
        for chunk in entries.chunks(leaf_size) {
            let leaf = serialize_directory(chunk)?;
            root_entries.push(Entry {
                tile_id: chunk[0].tile_id,
                offset: leaves.len() as u64,
                length: u32::try_from(leaf.len())
                    .map_err(|_| ExportError::Pmtiles("a leaf directory exceeds 4 GiB".into()))?,
                run_length: 0,
            });
            leaves.extend_from_slice(&leaf);
        }
        let root = serialize_directory(&root_entries)?;
        if root.len() + HEADER_SIZE <= MAX_INITIAL_BYTES {
            return Ok((root, leaves, root_entries.len()));
        }
        leaf_size = leaf_size.saturating_mul(2);
    }
}

fn content_hash(data: &[u8]) -> u64 {
    let mut h = std::collections::hash_map::DefaultHasher::new();
    data.hash(&mut h);
    h.finish()
}

/// Writes a PMTiles v3 archive of `tiles` (`z, x, y, bytes`, any order; empty tiles are left
/// out, as the spec forbids zero lengths) to `out`.
///
/// Tiles are held in memory until written: the directories must precede the data.
///
/// # Errors
/// On a zoom above [`MAX_ZOOM`], a coordinate outside its zoom, the same `z/x/y` twice, or a
/// write failure.
pub fn write_archive<I>(
    tiles: I,
    options: &WriterOptions,
    mut out: impl Write,
) -> ExportResult<ArchiveStats>
where
    I: IntoIterator<Item = (u8, u32, u32, Vec<u8>)>,
{
    let mut by_id: Vec<(u64, Vec<u8>)> = Vec::new();
    let (mut min_zoom, mut max_zoom) = (u8::MAX, 0u8);
    for (z, x, y, data) in tiles {
        if z > MAX_ZOOM || u64::from(x) >= 1u64 << z || u64::from(y) >= 1u64 << z {
            return Err(ExportError::Pmtiles(format!(
                "tile {z}/{x}/{y} is outside the tile grid"
            )));
        }
        if data.is_empty() {
            continue;
        }
        min_zoom = min_zoom.min(z);
        max_zoom = max_zoom.max(z);
        let data = if options.gzip_tiles {
            gzip(&data)?
        } else {
            data
        };
        by_id.push((zxy_to_tile_id(z, x, y), data));
    }
    by_id.sort_unstable_by_key(|t| t.0);
    if let Some(w) = by_id.windows(2).find(|w| w[0].0 == w[1].0) {
        let (z, x, y) = tile_id_to_zxy(w[0].0);
        return Err(ExportError::Pmtiles(format!(
            "tile {z}/{x}/{y} given twice"
        )));
    }
    if by_id.is_empty() {
        min_zoom = 0;
    }

    // Tile data in tile id order (clustered), each distinct content stored once.
    let mut data: Vec<u8> = Vec::new();
    let mut seen: HashMap<u64, Vec<(u64, u32)>> = HashMap::new();
    let mut entries: Vec<Entry> = Vec::new();
    let mut contents = 0u64;
    for (id, tile) in &by_id {
        let h = content_hash(tile);
        let found = seen.get(&h).and_then(|v| {
            v.iter()
                .find(|(o, l)| &data[*o as usize..*o as usize + *l as usize] == tile.as_slice())
                .copied()
        });
        let (offset, length) = match found {
            Some(ol) => ol,
            None => {
                let o = data.len() as u64;
                let l = u32::try_from(tile.len())
                    .map_err(|_| ExportError::Pmtiles(format!("tile {id} exceeds 4 GiB")))?;
                data.extend_from_slice(tile);
                seen.entry(h).or_default().push((o, l));
                contents += 1;
                (o, l)
            }
        };
        match entries.last_mut() {
            Some(last)
                if last.offset == offset
                    && last.length == length
                    && last.tile_id + u64::from(last.run_length) == *id
                    && last.run_length < u32::MAX =>
            {
                last.run_length += 1
            }
            _ => entries.push(Entry {
                tile_id: *id,
                offset,
                length,
                run_length: 1,
            }),
        }
    }

    let (root, leaves, leaf_count) = build_directories(&entries)?;
    let metadata = gzip(options.metadata.to_string().as_bytes())?;
    let root_offset = HEADER_SIZE as u64;
    let metadata_offset = root_offset + root.len() as u64;
    let leaf_offset = metadata_offset + metadata.len() as u64;
    let data_offset = leaf_offset + leaves.len() as u64;
    let b = options.bounds;
    let header = Header {
        root_offset,
        root_length: root.len() as u64,
        metadata_offset,
        metadata_length: metadata.len() as u64,
        leaf_offset,
        leaf_length: leaves.len() as u64,
        data_offset,
        data_length: data.len() as u64,
        addressed_tiles: by_id.len() as u64,
        tile_entries: entries.len() as u64,
        tile_contents: contents,
        clustered: true,
        internal_compression: Compression::Gzip,
        tile_compression: if options.gzip_tiles {
            Compression::Gzip
        } else {
            Compression::None
        },
        tile_type: options.tile_type,
        min_zoom,
        max_zoom,
        bounds: b,
        center_zoom: options.center_zoom.unwrap_or(min_zoom),
        center: ((b[0] + b[2]) / 2.0, (b[1] + b[3]) / 2.0),
    };
    out.write_all(&header.to_bytes())?;
    out.write_all(&root)?;
    out.write_all(&metadata)?;
    out.write_all(&leaves)?;
    out.write_all(&data)?;
    out.flush()?;
    Ok(ArchiveStats {
        addressed_tiles: header.addressed_tiles,
        tile_entries: header.tile_entries,
        tile_contents: header.tile_contents,
        leaf_directories: leaf_count,
        bytes: data_offset + data.len() as u64,
    })
}

/// Reads tiles from a PMTiles v3 archive (gzip or uncompressed directories).
#[derive(Debug)]
pub struct PmtilesReader<R> {
    reader: R,
    header: Header,
    root: Vec<Entry>,
}

/// Deepest directory nesting followed: the spec's writers use at most root + one leaf level;
/// a cycle in a malformed archive must not loop forever.
const MAX_DEPTH: usize = 4;

impl<R: Read + Seek> PmtilesReader<R> {
    /// Opens an archive: reads the header and the root directory.
    ///
    /// # Errors
    /// When the header or the root directory is malformed.
    pub fn new(mut reader: R) -> ExportResult<Self> {
        let mut b = [0u8; HEADER_SIZE];
        reader.seek(SeekFrom::Start(0))?;
        reader
            .read_exact(&mut b)
            .map_err(|e| ExportError::Pmtiles(format!("header: {e}")))?;
        let header = Header::from_bytes(&b)?;
        let mut me = PmtilesReader {
            reader,
            header,
            root: Vec::new(),
        };
        me.root = me.directory(me.header.root_offset, me.header.root_length)?;
        Ok(me)
    }

    /// The header.
    pub fn header(&self) -> &Header {
        &self.header
    }

    fn read_at(&mut self, offset: u64, length: u64) -> ExportResult<Vec<u8>> {
        // A malformed length must not make us allocate gigabytes before reading fails.
        let len = usize::try_from(length)
            .ok()
            .filter(|&l| l <= 1 << 30)
            .ok_or_else(|| ExportError::Pmtiles(format!("implausible length {length}")))?;
        let mut buf = vec![0u8; len];
        self.reader.seek(SeekFrom::Start(offset))?;
        self.reader
            .read_exact(&mut buf)
            .map_err(|e| ExportError::Pmtiles(format!("{len} bytes at {offset}: {e}")))?;
        Ok(buf)
    }

    fn decompress(&self, bytes: Vec<u8>) -> ExportResult<Vec<u8>> {
        match self.header.internal_compression {
            Compression::Gzip => gunzip(&bytes),
            Compression::None => Ok(bytes),
            other => Err(ExportError::Pmtiles(format!(
                "internal compression {other:?} is not supported"
            ))),
        }
    }

    fn directory(&mut self, offset: u64, length: u64) -> ExportResult<Vec<Entry>> {
        let raw = self.read_at(offset, length)?;
        match self.header.internal_compression {
            Compression::Gzip => deserialize_directory(&raw),
            Compression::None => deserialize_directory(&gzip(&raw)?),
            other => Err(ExportError::Pmtiles(format!(
                "internal compression {other:?} is not supported"
            ))),
        }
    }

    /// The JSON metadata.
    ///
    /// # Errors
    /// When it cannot be read or is not JSON.
    pub fn metadata(&mut self) -> ExportResult<Value> {
        let raw = self.read_at(self.header.metadata_offset, self.header.metadata_length)?;
        let text = self.decompress(raw)?;
        serde_json::from_slice(&text).map_err(ExportError::Json)
    }

    /// The stored bytes of tile `z/x/y` (still compressed as the header's `tile_compression`
    /// says), or `None` when the archive has no such tile.
    ///
    /// # Errors
    /// When a directory or the tile cannot be read.
    pub fn tile(&mut self, z: u8, x: u32, y: u32) -> ExportResult<Option<Vec<u8>>> {
        if z > MAX_ZOOM || u64::from(x) >= 1u64 << z || u64::from(y) >= 1u64 << z {
            return Ok(None);
        }
        let id = zxy_to_tile_id(z, x, y);
        let mut dir = self.root.clone();
        for _ in 0..MAX_DEPTH {
            let i = dir.partition_point(|e| e.tile_id <= id);
            if i == 0 {
                return Ok(None);
            }
            let e = dir[i - 1];
            if e.run_length == 0 {
                dir = self.directory(self.header.leaf_offset + e.offset, u64::from(e.length))?;
                continue;
            }
            if id >= e.tile_id + u64::from(e.run_length) {
                return Ok(None);
            }
            let at = self.header.data_offset + e.offset;
            return self.read_at(at, u64::from(e.length)).map(Some);
        }
        Err(ExportError::Pmtiles(format!(
            "directories nested deeper than {MAX_DEPTH} levels"
        )))
    }

    /// Tile `z/x/y` with its tile compression undone.
    ///
    /// # Errors
    /// As [`PmtilesReader::tile`], or when the tile is not valid gzip.
    pub fn tile_decompressed(&mut self, z: u8, x: u32, y: u32) -> ExportResult<Option<Vec<u8>>> {
        match self.tile(z, x, y)? {
            Some(t) if self.header.tile_compression == Compression::Gzip => gunzip(&t).map(Some),
            other => Ok(other),
        }
    }

    /// Every tile-data entry, leaf directories expanded, in tile id order.
    ///
    /// # Errors
    /// When a leaf directory cannot be read.
    pub fn entries(&mut self) -> ExportResult<Vec<Entry>> {
        let mut out = Vec::new();
        let root = self.root.clone();
        self.collect(&root, 0, &mut out)?;
        Ok(out)
    }

    fn collect(&mut self, dir: &[Entry], depth: usize, out: &mut Vec<Entry>) -> ExportResult<()> {
        if depth >= MAX_DEPTH {
            return Err(ExportError::Pmtiles("directories nested too deep".into()));
        }
        for e in dir {
            if e.run_length == 0 {
                let leaf =
                    self.directory(self.header.leaf_offset + e.offset, u64::from(e.length))?;
                self.collect(&leaf, depth + 1, out)?;
            } else {
                out.push(*e);
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests;

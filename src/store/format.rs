//! The byte layout of a `.kg` file and its codec.
//!
//! ```text
//! offset  size  field
//!      0     8  magic "KGRAPH\0\0"
//!      8     4  format version, u32 little-endian
//!     12     8  payload length in bytes, u64 little-endian
//!     20     4  CRC-32 (IEEE) of the payload, u32 little-endian
//!     24     …  payload: the PropertyGraph
//! ```
//!
//! The payload of version 3, which this build writes, is the graph's own layout: interned
//! names, then node and relationship slots in id order as columns of varints, decoded in one
//! pass straight into the in-memory graph and its indices (see `PropertyGraph::encode`'s module
//! in `src/graph/property_graph/codec.rs`). Version 3 added temporal values (value tag 8) to
//! version 2's layout, so version 2 files are read by the same decoder. Version 1 files
//! (petgraph's serde form through bincode 2) are still read. Older files are written back as
//! version 3 on the next save.
//!
//! Everything in the header is checked before the payload is decoded, each failure with its own
//! [`StoreError`] variant. Every count inside the payload is then checked against the bytes
//! that are left (version 1: a byte limit proportional to its length), so a crafted length can
//! never make the decoder allocate more than a small multiple of the file size.

use std::io::{self, BufRead, BufReader, Read, Seek, SeekFrom, Write};
use std::path::Path;

use bincode::error::DecodeError;

use super::error::StoreError;
use crate::graph::{CodecError, PropertyGraph};

/// The first eight bytes of every graph file.
pub const MAGIC: [u8; 8] = *b"KGRAPH\0\0";

/// The format version this build writes, and the newest it reads (it also reads 1 and 2).
pub const FORMAT_VERSION: u32 = 3;

/// Length of the fixed header before the payload.
pub const HEADER_LEN: usize = 24;

/// What the header of a graph file says.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Header {
    /// The format version.
    pub version: u32,
    /// The payload length in bytes.
    pub payload_len: u64,
    /// CRC-32 of the payload.
    pub checksum: u32,
}

impl Header {
    fn to_bytes(self) -> [u8; HEADER_LEN] {
        let mut out = [0u8; HEADER_LEN];
        out[..8].copy_from_slice(&MAGIC);
        out[8..12].copy_from_slice(&self.version.to_le_bytes());
        out[12..20].copy_from_slice(&self.payload_len.to_le_bytes());
        out[20..24].copy_from_slice(&self.checksum.to_le_bytes());
        out
    }
}

/// Checks the header of `bytes` (a whole file) and returns it with the payload slice: magic,
/// version, length (short or long file) and checksum, in that order.
///
/// # Errors
/// [`StoreError::NotKgraph`], [`StoreError::NewerVersion`], [`StoreError::UnknownVersion`],
/// [`StoreError::Truncated`], [`StoreError::TrailingBytes`], [`StoreError::ChecksumMismatch`].
pub fn check<'a>(path: &Path, bytes: &'a [u8]) -> Result<(Header, &'a [u8]), StoreError> {
    let header = check_header(path, &bytes[..bytes.len().min(HEADER_LEN)], bytes.len() as u64)?;
    let payload = &bytes[HEADER_LEN..];
    check_checksum(path, &header, crc32fast::hash(payload))?;
    Ok((header, payload))
}

/// Checks a file's header, given its first [`HEADER_LEN`] bytes (fewer if the file is shorter)
/// and the file's length: magic, version, then whether the length matches.
///
/// # Errors
/// As [`check`], except the checksum, which needs the payload.
pub fn check_header(path: &Path, head: &[u8], file_len: u64) -> Result<Header, StoreError> {
    let magic_len = head.len().min(MAGIC.len());
    if head.is_empty() || head[..magic_len] != MAGIC[..magic_len] {
        return Err(StoreError::NotKgraph { path: path.to_path_buf() });
    }
    if head.len() < HEADER_LEN || file_len < HEADER_LEN as u64 {
        return Err(StoreError::Truncated { path: path.to_path_buf(), expected: HEADER_LEN as u64, found: file_len });
    }
    let version = u32::from_le_bytes([head[8], head[9], head[10], head[11]]);
    let mut len = [0u8; 8];
    len.copy_from_slice(&head[12..20]);
    let payload_len = u64::from_le_bytes(len);
    let checksum = u32::from_le_bytes([head[20], head[21], head[22], head[23]]);
    if version > FORMAT_VERSION {
        return Err(StoreError::NewerVersion { path: path.to_path_buf(), found: version, supported: FORMAT_VERSION });
    }
    if version == 0 {
        return Err(StoreError::UnknownVersion { path: path.to_path_buf(), found: version });
    }
    let expected = payload_len.saturating_add(HEADER_LEN as u64);
    if file_len < expected {
        return Err(StoreError::Truncated { path: path.to_path_buf(), expected, found: file_len });
    }
    if file_len > expected {
        return Err(StoreError::TrailingBytes { path: path.to_path_buf(), extra: file_len - expected });
    }
    Ok(Header { version, payload_len, checksum })
}

/// Compares the payload's computed checksum with the header's.
///
/// # Errors
/// [`StoreError::ChecksumMismatch`].
pub fn check_checksum(path: &Path, header: &Header, computed: u32) -> Result<(), StoreError> {
    if computed == header.checksum {
        Ok(())
    } else {
        Err(StoreError::ChecksumMismatch { path: path.to_path_buf(), stored: header.checksum, computed })
    }
}

/// Decodes a checked payload of the current [`FORMAT_VERSION`] held in memory into a graph.
///
/// # Errors
/// [`StoreError::Undecodable`].
pub fn decode(path: &Path, payload: &[u8]) -> Result<PropertyGraph, StoreError> {
    decode_from(path, payload, payload.len() as u64)
}

/// Decodes a checked payload of the current [`FORMAT_VERSION`], `payload_len` bytes from a
/// reader (the file, positioned after the header), so loading never holds the file's bytes
/// and the graph at once.
///
/// # Errors
/// [`StoreError::Undecodable`], or [`StoreError::Io`] if reading fails.
pub fn decode_from(path: &Path, reader: impl Read, payload_len: u64) -> Result<PropertyGraph, StoreError> {
    decode_version(path, FORMAT_VERSION, reader, payload_len)
}

/// As [`decode_from`], for a payload of format `version` (1, 2 or 3, as the header said).
///
/// # Errors
/// [`StoreError::Undecodable`] (also for a version this build cannot read), or
/// [`StoreError::Io`] if reading fails.
pub fn decode_version(
    path: &Path,
    version: u32,
    reader: impl Read,
    payload_len: u64,
) -> Result<PropertyGraph, StoreError> {
    match version {
        1 => decode_v1(path, reader, payload_len),
        2 | 3 => PropertyGraph::decode(reader.take(payload_len), payload_len).map_err(|e| match e {
            CodecError::Io(inner) => StoreError::io(path, inner),
            CodecError::Invalid(message) => StoreError::Undecodable { path: path.to_path_buf(), message },
        }),
        other => Err(StoreError::Undecodable {
            path: path.to_path_buf(),
            message: format!("format version {other} cannot be decoded by this build"),
        }),
    }
}

/// Decodes a version 1 payload: petgraph's serde form through bincode 2.
///
/// bincode's limit counts the bytes a decode claims: each integer claims its in-memory width
/// (at most 8 bytes per encoded byte for varints) and each string its length. A valid payload
/// therefore never claims more than 8× its length; the limit is that, rounded up to a power
/// of four so only a few decoder instances are compiled. Every caller goes through the same
/// boxed reader type for the same reason.
///
/// # Errors
/// [`StoreError::Undecodable`], or [`StoreError::Io`] if reading fails.
fn decode_v1(path: &Path, reader: impl Read, payload_len: u64) -> Result<PropertyGraph, StoreError> {
    let boxed: Box<dyn Read + '_> = Box::new(reader.take(payload_len));
    let mut input = BufReader::with_capacity(1 << 20, boxed);
    let need = payload_len.saturating_mul(8).saturating_add(1 << 20);
    let log2 = 64 - (need - 1).leading_zeros();
    let log2 = log2 + (log2 % 2);
    macro_rules! decode_bounded {
        ($($k:literal)*) => {
            match log2 {
                $($k => bincode::serde::decode_from_std_read::<PropertyGraph, _, _>(
                    &mut input,
                    bincode::config::standard().with_limit::<{ 1usize << $k }>(),
                ),)*
                _ => Err(DecodeError::LimitExceeded),
            }
        };
    }
    let graph = decode_bounded!(22 24 26 28 30 32 34 36 38 40 42).map_err(|e| match e {
        DecodeError::Io { inner, .. } if inner.kind() != io::ErrorKind::UnexpectedEof => StoreError::io(path, inner),
        e => StoreError::Undecodable { path: path.to_path_buf(), message: decode_message(&e) },
    })?;
    let left = input.fill_buf().map_err(|e| StoreError::io(path, e))?.len();
    if left > 0 {
        return Err(StoreError::Undecodable {
            path: path.to_path_buf(),
            message: "bytes left over after the graph".into(),
        });
    }
    Ok(graph)
}

fn decode_message(e: &DecodeError) -> String {
    match e {
        DecodeError::LimitExceeded => "the payload claims more memory than its size allows".to_string(),
        DecodeError::UnexpectedEnd { additional } => format!("the payload ends {additional} bytes early"),
        DecodeError::Io { .. } => "the payload ends early".to_string(),
        other => other.to_string().to_lowercase(),
    }
}

/// Writes header and payload to `out`, streaming the payload through the checksum, then seeks
/// back to fill in the header. `out` should be buffered.
///
/// # Errors
/// An I/O error, or an encode error as `Err(Err(message))`.
pub fn write(out: &mut (impl Write + Seek), graph: &PropertyGraph) -> Result<(), WriteError> {
    let start = out.stream_position()?;
    out.write_all(&[0u8; HEADER_LEN])?;
    let mut w = HashingWriter { inner: out, hasher: crc32fast::Hasher::new(), len: 0 };
    graph.encode(&mut w).map_err(|e| match e {
        CodecError::Io(inner) => WriteError::Io(inner),
        CodecError::Invalid(message) => WriteError::Encode(message),
    })?;
    let header = Header { version: FORMAT_VERSION, payload_len: w.len, checksum: w.hasher.finalize() };
    out.seek(SeekFrom::Start(start))?;
    out.write_all(&header.to_bytes())?;
    out.seek(SeekFrom::Start(start + HEADER_LEN as u64 + header.payload_len))?;
    out.flush()?;
    Ok(())
}

/// Why [`write()`] failed.
#[derive(Debug)]
pub enum WriteError {
    /// Writing failed.
    Io(io::Error),
    /// The graph could not be encoded.
    Encode(String),
}

impl From<io::Error> for WriteError {
    fn from(e: io::Error) -> Self {
        WriteError::Io(e)
    }
}

struct HashingWriter<'a, W> {
    inner: &'a mut W,
    hasher: crc32fast::Hasher,
    len: u64,
}

impl<W: Write> Write for HashingWriter<'_, W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let n = self.inner.write(buf)?;
        self.hasher.update(&buf[..n]);
        self.len += n as u64;
        Ok(n)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}

#[cfg(test)]
mod tests {
    use std::io::Cursor;

    use super::*;
    use crate::graph::Value;

    fn encoded() -> Vec<u8> {
        let mut g = PropertyGraph::new();
        let a = g.add_node(["ArmedGroup"], [("name", Value::from("JNIM"))]).unwrap();
        let b = g.add_node(["Place"], [("name", Value::from("Mopti"))]).unwrap();
        g.add_relationship(a, b, "CONTROLS", [("mentions", Value::Int(2))]).unwrap();
        let mut out = Cursor::new(Vec::new());
        write(&mut out, &g).unwrap();
        out.into_inner()
    }

    #[test]
    fn header_describes_payload() {
        let bytes = encoded();
        let (h, payload) = check(Path::new("g.kg"), &bytes).unwrap();
        assert_eq!(&bytes[..8], b"KGRAPH\0\0");
        assert_eq!(h.version, FORMAT_VERSION);
        assert_eq!(h.payload_len as usize, bytes.len() - HEADER_LEN);
        assert_eq!(h.checksum, crc32fast::hash(payload));
        assert_eq!(decode(Path::new("g.kg"), payload).unwrap().node_count(), 2);
    }

    #[test]
    fn header_checks_in_order() {
        let p = Path::new("g.kg");
        let bytes = encoded();
        assert!(matches!(check(p, b"hello world, this is text"), Err(StoreError::NotKgraph { .. })));
        assert!(matches!(check(p, &bytes[..5]), Err(StoreError::Truncated { expected: 24, found: 5, .. })));
        let mut newer = bytes.clone();
        newer[8] = 9;
        assert!(matches!(check(p, &newer), Err(StoreError::NewerVersion { found: 9, supported: 3, .. })));
        let mut long = bytes.clone();
        long.push(0);
        assert!(matches!(check(p, &long), Err(StoreError::TrailingBytes { extra: 1, .. })));
        let mut flipped = bytes.clone();
        *flipped.last_mut().unwrap() ^= 1;
        assert!(matches!(check(p, &flipped), Err(StoreError::ChecksumMismatch { .. })));
    }

    #[test]
    fn bad_payload_with_good_checksum_is_undecodable() {
        // No labels or types, the key "name", then metadata with one entry whose key claims
        // 2^40 bytes. Without the check the decoder would try to allocate a terabyte.
        let payload = [0, 0, 1, 4, b'n', b'a', b'm', b'e', 0, 1, 0x80, 0x80, 0x80, 0x80, 0x80, 0x20, b'x', b'y'];
        let err = decode(Path::new("g.kg"), &payload).unwrap_err();
        assert!(err.to_string().contains("more than the payload can hold"), "{err}");
        // Version 1 (bincode): one node, no labels, one property: key 0, Value::String
        // (variant 4) of length 2^40.
        let payload = [1, 0, 1, 0, 4, 0xfd, 0, 0, 0, 0, 0, 1, 0, 0, b'x', b'y'];
        let err = decode_version(Path::new("g.kg"), 1, &payload[..], payload.len() as u64).unwrap_err();
        assert!(err.to_string().contains("claims more memory"), "{err}");
    }

    #[test]
    fn version_2_files_still_open_and_temporals_round_trip() {
        use crate::graph::Temporal;
        // A version 2 file is this encoder's output without temporals, with the old version.
        let mut bytes = encoded();
        bytes[8..12].copy_from_slice(&2u32.to_le_bytes());
        let (h, payload) = check(Path::new("g.kg"), &bytes).unwrap();
        assert_eq!(h.version, 2);
        let g = decode_version(Path::new("g.kg"), 2, payload, h.payload_len).unwrap();
        assert_eq!(g.node_count(), 2);

        let mut g = PropertyGraph::new();
        let values: Vec<Value> = [
            ("date", "2024-09-17"),
            ("localtime", "12:31:14.645876123"),
            ("time", "12:31:14+01:00"),
            ("localdatetime", "2024-09-17T05:00"),
            ("datetime", "2017-10-29T02:30+01:00[Europe/Stockholm]"),
            ("duration", "P1Y2M3DT4H-0.5S"),
        ]
        .iter()
        .map(|(k, s)| Value::from(Temporal::parse(k, s).unwrap()))
        .collect();
        let n = g.add_node(["Event"], [("when", Value::List(values.clone()))]).unwrap();
        let mut out = Cursor::new(Vec::new());
        write(&mut out, &g).unwrap();
        let bytes = out.into_inner();
        let (_, payload) = check(Path::new("g.kg"), &bytes).unwrap();
        let back = decode(Path::new("g.kg"), payload).unwrap();
        let Some(Value::List(read)) = back.node_property(n, "when") else { panic!("no list read back") };
        for (a, b) in read.iter().zip(&values) {
            assert_eq!(a.to_string(), b.to_string());
            assert_eq!(a.equals(b), Some(true), "{b}");
        }
    }

    #[test]
    fn version_1_payloads_are_still_read() {
        let mut g = PropertyGraph::new();
        let a = g.add_node(["ArmedGroup"], [("name", Value::from("JNIM"))]).unwrap();
        let b = g.add_node(["Place"], [("name", Value::from("Mopti"))]).unwrap();
        let c = g.add_node(["Place"], [("name", Value::from("Gao"))]).unwrap();
        let r = g.add_relationship(a, b, "CONTROLS", [("mentions", Value::Int(2))]).unwrap();
        g.add_relationship(a, c, "CONTROLS", [("mentions", Value::Int(3))]).unwrap();
        g.remove_relationship(r).unwrap();
        g.remove_node(b, false).unwrap();
        let v1 = bincode::serde::encode_to_vec(&g, bincode::config::standard()).unwrap();
        let back = decode_version(Path::new("g.kg"), 1, &v1[..], v1.len() as u64).unwrap();
        assert_eq!(back, g);
        assert_eq!(back.nodes_by_name("Gao"), [c]);
        assert_eq!(back.rel_type_count("CONTROLS"), 1);
    }
}

//! The local file headers, read by hand in file order before any entry is
//! inflated. The central directory alone cannot say where an entry's bytes
//! end, so overlapping entries (the overlapping-entry ZIP bomb: many
//! entries sharing one highly compressed run) are only seen here.

use std::io::{self, Read, Seek, SeekFrom};

/// A local file header, as far as the reader relies on it.
pub(super) struct Local {
    pub data_start: u64,
    flags: u16,
    method: u16,
    crc: u32,
    compressed: u64,
    size: u64,
    name: Vec<u8>,
}

/// What the central directory says about an entry, to hold against its
/// local header.
pub(super) struct Central<'a> {
    pub name: &'a [u8],
    /// The method's number, when it is one the reader inflates (others are
    /// refused whatever the local header says).
    pub method: Option<u16>,
    pub encrypted: bool,
    pub crc: u32,
    pub compressed: u64,
    pub size: u64,
}

const ENCRYPTED: u16 = 1;
/// General purpose bit 3: CRC and sizes follow the data, in a data
/// descriptor; the local header then holds zeros.
const DESCRIPTOR: u16 = 1 << 3;
/// A 32-bit size of all ones: the real one is in the zip64 extra field.
const ZIP64_MARK: u32 = u32::MAX;
const ZIP64_FIELD: u16 = 1;

const SIGNATURE: &[u8; 4] = b"PK\x03\x04";
/// The fixed part of a local header, signature included (APPNOTE 4.3.7).
const FIXED: usize = 30;

/// Reads the local header at `at`. The outer error is the reader's (the
/// age layer may be behind it); the inner one says what is wrong with the
/// header itself.
pub(super) fn read_local(r: &mut (impl Read + Seek), at: u64) -> io::Result<Result<Local, String>> {
    r.seek(SeekFrom::Start(at))?;
    let mut fixed = [0u8; FIXED];
    if let Err(e) = r.read_exact(&mut fixed) {
        return cut_short(e, "the local header");
    }
    if &fixed[..4] != SIGNATURE {
        return Ok(Err(format!("no local header at offset {at}")));
    }
    let mut name = vec![0u8; usize::from(u16_at(&fixed, 26))];
    let mut extra = vec![0u8; usize::from(u16_at(&fixed, 28))];
    if let Err(e) = r
        .read_exact(&mut name)
        .and_then(|()| r.read_exact(&mut extra))
    {
        return cut_short(e, "the local header's name or extra field");
    }
    let (size, compressed) = match sizes(&fixed, &extra) {
        Ok(sizes) => sizes,
        Err(why) => return Ok(Err(why)),
    };
    Ok(Ok(Local {
        data_start: at + (FIXED + name.len() + extra.len()) as u64,
        flags: u16_at(&fixed, 6),
        method: u16_at(&fixed, 8),
        crc: u32_at(&fixed, 14),
        compressed,
        size,
        name,
    }))
}

/// The local header's (uncompressed, compressed) sizes, from its zip64
/// field where the 32-bit ones are marked.
fn sizes(fixed: &[u8], extra: &[u8]) -> Result<(u64, u64), String> {
    let (compressed, size) = (u32_at(fixed, 18), u32_at(fixed, 22));
    if compressed != ZIP64_MARK && size != ZIP64_MARK {
        return Ok((u64::from(size), u64::from(compressed)));
    }
    let field = zip64_field(extra)
        .ok_or("the local header marks zip64 sizes but has no zip64 field of both sizes")?;
    Ok((u64_at(field, 0), u64_at(field, 8)))
}

/// The data of the local zip64 extra field, which holds both sizes.
fn zip64_field(mut extra: &[u8]) -> Option<&[u8]> {
    while extra.len() >= 4 {
        let (id, len) = (u16_at(extra, 0), usize::from(u16_at(extra, 2)));
        let data = extra.get(4..4 + len)?;
        if id == ZIP64_FIELD {
            return (len >= 16).then_some(data);
        }
        extra = &extra[4 + len..];
    }
    None
}

/// Where the local header says something else than the central
/// directory. ZIP readers differ in which of the two they trust, so an
/// entry whose headers disagree could read as one thing here and as
/// another in `unzip`: it is refused.
pub(super) fn differences(central: &Central, local: &Local) -> Vec<String> {
    let mut found = Vec::new();
    if local.name != central.name {
        found.push(format!(
            "the name (`{}` in the local header)",
            String::from_utf8_lossy(&local.name).escape_debug()
        ));
    }
    if central.method.is_some_and(|m| m != local.method) {
        found.push(format!(
            "the compression method ({} in the local header, {} in the directory)",
            local.method,
            central.method.unwrap_or_default()
        ));
    }
    if (local.flags & ENCRYPTED != 0) != central.encrypted {
        found.push("the encryption flag".to_owned());
    }
    // Under a data descriptor the local header may hold zeros; a value it
    // does hold must still agree.
    let pending = local.flags & DESCRIPTOR != 0;
    let differs = |l: u64, c: u64| l != c && !(pending && l == 0);
    for (what, l, c) in [
        ("CRC-32", u64::from(local.crc), u64::from(central.crc)),
        ("compressed size", local.compressed, central.compressed),
        ("size", local.size, central.size),
    ] {
        if differs(l, c) {
            found.push(format!(
                "the {what} ({l} in the local header, {c} in the directory)"
            ));
        }
    }
    found
}

/// A header that ends before its fields do is the ZIP's fault, not the
/// reader's.
fn cut_short<T>(e: io::Error, what: &str) -> io::Result<Result<T, String>> {
    if e.kind() == io::ErrorKind::UnexpectedEof {
        Ok(Err(format!("{what} is cut short by the end of the ZIP")))
    } else {
        Err(e)
    }
}

fn u16_at(b: &[u8], at: usize) -> u16 {
    u16::from_le_bytes([b[at], b[at + 1]])
}

fn u32_at(b: &[u8], at: usize) -> u32 {
    u32::from_le_bytes([b[at], b[at + 1], b[at + 2], b[at + 3]])
}

fn u64_at(b: &[u8], at: usize) -> u64 {
    let mut bytes = [0u8; 8];
    bytes.copy_from_slice(&b[at..at + 8]);
    u64::from_le_bytes(bytes)
}

/// One entry's bytes in the ZIP: from its local header to the end of its
/// compressed data.
pub(super) struct Span {
    pub name: String,
    pub start: u64,
    pub end: u64,
}

/// What overlaps: an entry's bytes running into the next entry's local
/// header or into the central directory, which starts at `directory`.
/// Every byte then belongs to one entry at most, so the work of reading
/// the archive is bounded by its size on disk. At most `max` findings
/// (entry name, message) are kept, since in a ZIP bomb every entry
/// overlaps; the count says how many there were.
pub(super) fn overlaps(
    mut spans: Vec<Span>,
    directory: u64,
    max: usize,
) -> (Vec<(String, String)>, usize) {
    spans.sort_by_key(|s| (s.start, s.end));
    let into_next = spans.windows(2).filter(|w| w[0].end > w[1].start).map(|w| {
        let (a, b) = (&w[0], &w[1]);
        let (an, bn) = (a.name.escape_debug(), b.name.escape_debug());
        let message = format!(
            "entries `{an}` and `{bn}` overlap: the bytes of `{an}` ({}..{}) run into the local header of `{bn}` at offset {}; overlapping entries (a ZIP bomb) are refused",
            a.start, a.end, b.start
        );
        (a.name.clone(), message)
    });
    let into_directory = spans.iter().filter(|s| s.end > directory).map(|s| {
        let message = format!(
            "entry `{}` ({}..{}) runs into the central directory at offset {directory}",
            s.name.escape_debug(),
            s.start,
            s.end
        );
        (s.name.clone(), message)
    });
    let mut found = Vec::new();
    let mut count = 0;
    for finding in into_next.chain(into_directory) {
        count += 1;
        if found.len() < max {
            found.push(finding);
        }
    }
    (found, count)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn span(name: &str, start: u64, end: u64) -> Span {
        Span {
            name: name.into(),
            start,
            end,
        }
    }

    #[test]
    fn touching_spans_do_not_overlap_and_shared_ones_do() {
        let ok = vec![span("b", 10, 20), span("a", 0, 10)];
        assert_eq!(overlaps(ok, 20, 10).1, 0);
        let bad = vec![span("a", 0, 15), span("b", 10, 20), span("c", 20, 31)];
        let (found, count) = overlaps(bad, 30, 10);
        assert_eq!((found.len(), count), (2, 2), "{found:?}");
        assert!(found[0].1.contains("`a` and `b` overlap"), "{found:?}");
        assert!(found[1].1.contains("central directory"), "{found:?}");
        let bomb: Vec<Span> = (0..1000).map(|i| span(&format!("e{i}"), 0, 50)).collect();
        let (found, count) = overlaps(bomb, 100, 10);
        assert_eq!((found.len(), count), (10, 999));
    }

    #[test]
    fn zip64_sizes_come_from_the_local_zip64_field() {
        let mut fixed = [0u8; FIXED];
        fixed[18..26].copy_from_slice(&[0xFF; 8]);
        let mut extra = vec![0x09, 0x99, 2, 0, 7, 7];
        extra.extend_from_slice(&[1, 0, 16, 0]);
        extra.extend_from_slice(&(5u64 << 32).to_le_bytes());
        extra.extend_from_slice(&3u64.to_le_bytes());
        assert_eq!(sizes(&fixed, &extra), Ok((5 << 32, 3)));
        assert!(sizes(&fixed, &extra[..10]).is_err());
    }

    #[test]
    fn a_header_cut_short_is_the_zips_fault() {
        let mut r = io::Cursor::new(b"PK\x03\x04short".to_vec());
        let got = read_local(&mut r, 0).expect("no reader error");
        assert!(got.is_err_and(|m| m.contains("cut short")));
        let mut r = io::Cursor::new(vec![0u8; 40]);
        let got = read_local(&mut r, 0).expect("no reader error");
        assert!(got.is_err_and(|m| m.contains("no local header")));
    }
}

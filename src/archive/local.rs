//! The local file headers, read by hand in file order before any entry is
//! inflated. The central directory alone cannot say where an entry's bytes
//! end, so overlapping entries (the overlapping-entry ZIP bomb: many
//! entries sharing one highly compressed run) are only seen here.

use std::io::{self, Read, Seek, SeekFrom};

/// A local file header, as far as the reader relies on it.
pub(super) struct Local {
    pub data_start: u64,
}

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
    let variable = u64::from(u16_at(&fixed, 26)) + u64::from(u16_at(&fixed, 28));
    Ok(Ok(Local {
        data_start: at + FIXED as u64 + variable,
    }))
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
/// the archive is bounded by its size on disk.
pub(super) fn overlaps(mut spans: Vec<Span>, directory: u64) -> Vec<(String, String)> {
    spans.sort_by_key(|s| (s.start, s.end));
    let mut found = Vec::new();
    for pair in spans.windows(2) {
        let (a, b) = (&pair[0], &pair[1]);
        if a.end > b.start {
            let message = format!(
                "entries `{}` and `{}` overlap: the bytes of `{}` ({}..{}) run into the local header of `{}` at offset {}; overlapping entries (a ZIP bomb) are refused",
                a.name, b.name, a.name, a.start, a.end, b.name, b.start
            );
            found.push((a.name.clone(), message));
        }
    }
    for s in spans.iter().filter(|s| s.end > directory) {
        let message = format!(
            "entry `{}` ({}..{}) runs into the central directory at offset {directory}",
            s.name, s.start, s.end
        );
        found.push((s.name.clone(), message));
    }
    found
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
        assert!(overlaps(ok, 20).is_empty());
        let bad = vec![span("a", 0, 15), span("b", 10, 20), span("c", 20, 31)];
        let found = overlaps(bad, 30);
        assert_eq!(found.len(), 2, "{found:?}");
        assert!(found[0].1.contains("`a` and `b` overlap"), "{found:?}");
        assert!(found[1].1.contains("central directory"), "{found:?}");
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

//! The ZIP's frame in the plaintext, checked before the central directory
//! is read into memory: a local header at the start, the end record at the
//! very end, and no more entries than the cap.

use super::decrypt::Tap;
use super::reader::{Caps, problem};
use crate::problem::{Code, Problem};
use std::io::{self, Read, Seek, SeekFrom};

/// Checks that the ZIP fills the plaintext exactly (a local header at the
/// start, the end record at the end) and that it does not hold more
/// entries than the cap, before the central directory is read into memory.
pub(super) fn check_framing(r: &mut Tap, caps: Caps) -> Result<(), Problem> {
    let io = |e: io::Error| problem(Code::ZipInvalid, format!("reading the ZIP: {e}"));
    let len = r.seek(SeekFrom::End(0)).map_err(io)?;
    let tail_len = len.min(65_557);
    let mut tail = vec![0u8; tail_len as usize];
    r.seek(SeekFrom::Start(len - tail_len)).map_err(io)?;
    r.read_exact(&mut tail).map_err(io)?;
    let eocd = (0..tail.len().saturating_sub(21)).rev().find(|&i| {
        tail[i..].starts_with(b"PK\x05\x06")
            && i + 22 + usize::from(u16::from_le_bytes([tail[i + 20], tail[i + 21]])) == tail.len()
    });
    let Some(at) = eocd else {
        return Err(problem(
            Code::ZipInvalid,
            "no ZIP end record at the end of the plaintext (bytes after the ZIP, or not a ZIP)",
        ));
    };
    let mut count = u64::from(u16::from_le_bytes([tail[at + 10], tail[at + 11]]));
    if count == 0xFFFF && at >= 20 && tail[at - 20..].starts_with(b"PK\x06\x07") {
        let offset = u64::from_le_bytes(tail[at - 12..at - 4].try_into().unwrap_or([0; 8]));
        let mut record = [0u8; 40];
        r.seek(SeekFrom::Start(offset)).map_err(io)?;
        r.read_exact(&mut record).map_err(io)?;
        if !record.starts_with(b"PK\x06\x06") {
            return Err(problem(Code::ZipInvalid, "the zip64 end record is missing"));
        }
        count = u64::from_le_bytes(record[32..40].try_into().unwrap_or([0; 8]));
    }
    if count > caps.entries {
        return Err(problem(
            Code::EntryTooLarge,
            format!(
                "the archive holds {count} entries, over the cap of {}",
                caps.entries
            ),
        ));
    }
    let mut head = [0u8; 4];
    r.seek(SeekFrom::Start(0)).map_err(io)?;
    r.read_exact(&mut head).map_err(io)?;
    if count > 0 && &head != b"PK\x03\x04" {
        return Err(problem(Code::ZipInvalid, "bytes before the ZIP"));
    }
    r.seek(SeekFrom::Start(0)).map_err(io)?;
    Ok(())
}

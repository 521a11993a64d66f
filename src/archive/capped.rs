//! Reading an entry within its caps: never more than its declared size,
//! whatever the compressed data would yield, and JSON within the line
//! length and nesting depth caps, checked as the bytes stream past.

use super::reader::JSON_DEPTH;
use std::io::{self, Read};

pub(super) const TOO_LARGE: &str = "inflates past its declared size";
/// How reading past the declared size shows: [`Capped`]'s own error, or
/// the zip crate's own size check, which fires first when the ZIP's
/// central directory is what under-declares.
pub(super) const TOO_LARGE_SIGNS: [&str; 2] =
    [TOO_LARGE, "larger than its declared uncompressed size"];

/// Marks the errors of [`JsonWatch`], so that [`ArchiveReader::classify`]
/// knows them through any wrapping.
pub(super) const OVER_CAP: &str = "over the reading cap";

/// Refuses output beyond the declared size, whatever the compressed data
/// would yield, and JSON beyond the line length and depth caps.
pub(super) struct Capped<R> {
    pub(super) inner: R,
    pub(super) left: u64,
    pub(super) watch: Option<JsonWatch>,
    pub(super) name: String,
}

/// Follows JSON text as it streams by: the current line's length and the
/// nesting depth outside strings. In JSON lines every line starts afresh.
pub(super) struct JsonWatch {
    max_line: usize,
    lines: bool,
    line: usize,
    depth: usize,
    in_string: bool,
    escaped: bool,
}

impl JsonWatch {
    /// A watch for `.json` and `.jsonl` entries; other entries (file
    /// contents) are not text.
    pub(super) fn for_entry(name: &str, max_line: usize) -> Option<Self> {
        let lines = name.ends_with(".jsonl");
        (lines || name.ends_with(".json")).then_some(JsonWatch {
            max_line,
            lines,
            line: 0,
            depth: 0,
            in_string: false,
            escaped: false,
        })
    }

    /// What in `bytes` goes over a cap, if anything.
    fn scan(&mut self, bytes: &[u8]) -> Option<String> {
        for &b in bytes {
            if b == b'\n' {
                self.line = 0;
                if self.lines {
                    (self.depth, self.in_string, self.escaped) = (0, false, false);
                }
                continue;
            }
            self.line += 1;
            if self.line > self.max_line {
                return Some(format!(
                    "has a line longer than {} bytes, {OVER_CAP}",
                    self.max_line
                ));
            }
            if self.in_string {
                match b {
                    _ if self.escaped => self.escaped = false,
                    b'\\' => self.escaped = true,
                    b'"' => self.in_string = false,
                    _ => {}
                }
                continue;
            }
            match b {
                b'"' => self.in_string = true,
                b'[' | b'{' => {
                    self.depth += 1;
                    // serde_json refuses this depth itself, as invalid JSON.
                    if self.depth >= JSON_DEPTH {
                        return Some(format!("nests JSON {JSON_DEPTH} levels deep, {OVER_CAP}"));
                    }
                }
                b']' | b'}' => self.depth = self.depth.saturating_sub(1),
                _ => {}
            }
        }
        None
    }
}

impl<R: Read> Read for Capped<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if self.left == 0 {
            // One byte more than declared is enough to know.
            let mut probe = [0u8; 1];
            return match self.inner.read(&mut probe)? {
                0 => Ok(0),
                _ => Err(io::Error::new(
                    io::ErrorKind::InvalidData,
                    format!("entry `{}` {TOO_LARGE}", self.name),
                )),
            };
        }
        let want = buf
            .len()
            .min(usize::try_from(self.left).unwrap_or(usize::MAX));
        let n = self.inner.read(&mut buf[..want])?;
        self.left -= n as u64;
        if let Some(why) = self.watch.as_mut().and_then(|w| w.scan(&buf[..n])) {
            return Err(io::Error::new(
                io::ErrorKind::InvalidData,
                format!("entry `{}` {why}", self.name),
            ));
        }
        Ok(n)
    }
}

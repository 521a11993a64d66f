//! Reading JSON lines with a cap on the line length, so that one endless
//! line cannot exhaust memory.

use std::io::{self, BufRead, Read};

/// The longest line read by default (a record with a long text or payload).
pub(crate) const MAX_LINE: usize = 16 * 1024 * 1024;

/// Reads lines of at most `max` bytes; the line number is 1-based.
pub(crate) struct Lines<R> {
    inner: R,
    max: usize,
    number: usize,
    buf: Vec<u8>,
}

#[derive(Debug)]
pub(crate) enum LineError {
    Io(io::Error),
    TooLong { line: usize, max: usize },
    NotUtf8 { line: usize },
}

impl<R: BufRead> Lines<R> {
    pub(crate) fn new(inner: R, max: usize) -> Self {
        Lines {
            inner,
            max,
            number: 0,
            buf: Vec::new(),
        }
    }

    /// The next line without its newline, with its number.
    pub(crate) fn next_line(&mut self) -> Option<Result<(usize, &str), LineError>> {
        self.buf.clear();
        let limit = (self.max + 1) as u64;
        let n = match Read::take(&mut self.inner, limit).read_until(b'\n', &mut self.buf) {
            Ok(n) => n,
            Err(e) => return Some(Err(LineError::Io(e))),
        };
        if n == 0 {
            return None;
        }
        self.number += 1;
        if self.buf.last() == Some(&b'\n') {
            self.buf.pop();
        } else if self.buf.len() > self.max {
            return Some(Err(LineError::TooLong {
                line: self.number,
                max: self.max,
            }));
        }
        if self.buf.last() == Some(&b'\r') {
            self.buf.pop();
        }
        match std::str::from_utf8(&self.buf) {
            Ok(s) => Some(Ok((self.number, s))),
            Err(_) => Some(Err(LineError::NotUtf8 { line: self.number })),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_lines_and_caps_length() {
        let mut l = Lines::new(&b"ab\ncd\r\n"[..], 10);
        assert_eq!(l.next_line().unwrap().unwrap(), (1, "ab"));
        assert_eq!(l.next_line().unwrap().unwrap(), (2, "cd"));
        assert!(l.next_line().is_none());
        let mut l = Lines::new(&b"abcdef\n"[..], 3);
        assert!(matches!(
            l.next_line(),
            Some(Err(LineError::TooLong { line: 1, max: 3 }))
        ));
    }
}

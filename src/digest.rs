//! sha256 helpers: hex digests and hashing stream adapters (sha2 0.11
//! hashers no longer implement `io::Write`).

use sha2::{Digest, Sha256};
use std::io::{self, Read, Write};

/// Lowercase hex sha256 of `bytes`.
pub fn sha256_hex(bytes: &[u8]) -> String {
    hex(&Sha256::digest(bytes))
}

pub(crate) fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        s.push(DIGITS[usize::from(b >> 4)] as char);
        s.push(DIGITS[usize::from(b & 15)] as char);
    }
    s
}

/// The sha256 of a file, streamed.
pub(crate) fn sha256_file(path: &std::path::Path) -> crate::error::Result<String> {
    let file = std::fs::File::open(path).map_err(|e| crate::error::Error::io(path, e))?;
    let mut r = HashingReader::new(io::BufReader::with_capacity(1 << 20, file));
    io::copy(&mut r, &mut io::sink()).map_err(|e| crate::error::Error::io(path, e))?;
    Ok(r.finish().0)
}

/// Hashes and counts everything read through it.
pub(crate) struct HashingReader<R> {
    inner: R,
    hasher: Sha256,
    bytes: u64,
}

impl<R: Read> HashingReader<R> {
    pub(crate) fn new(inner: R) -> Self {
        HashingReader {
            inner,
            hasher: Sha256::new(),
            bytes: 0,
        }
    }

    /// The hex sha256 and the byte count of what was read.
    pub(crate) fn finish(self) -> (String, u64) {
        (hex(&self.hasher.finalize()), self.bytes)
    }
}

impl<R: Read> Read for HashingReader<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.hasher.update(&buf[..n]);
        self.bytes += n as u64;
        Ok(n)
    }
}

/// Hashes and counts everything written through it.
pub(crate) struct HashingWriter<W> {
    inner: W,
    hasher: Sha256,
    bytes: u64,
}

impl<W: Write> HashingWriter<W> {
    pub(crate) fn new(inner: W) -> Self {
        HashingWriter {
            inner,
            hasher: Sha256::new(),
            bytes: 0,
        }
    }

    /// The inner writer, the hex sha256 and the byte count.
    pub(crate) fn finish(self) -> (W, String, u64) {
        (self.inner, hex(&self.hasher.finalize()), self.bytes)
    }
}

impl<W: Write> Write for HashingWriter<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let n = self.inner.write(buf)?;
        self.hasher.update(&buf[..n]);
        self.bytes += n as u64;
        Ok(n)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}

/// Hashes lines one by one without keeping them: the content digest of a
/// dossier's records of one kind.
#[derive(Default)]
pub struct LineDigest {
    hasher: Sha256,
    count: u64,
}

impl LineDigest {
    /// Adds one line (without its newline; the digest adds `\n`).
    pub fn push(&mut self, line: &str) {
        self.hasher.update(line.as_bytes());
        self.hasher.update(b"\n");
        self.count += 1;
    }

    /// Lines pushed so far: the record count beside the digest.
    pub fn count(&self) -> u64 {
        self.count
    }

    /// Lowercase hex sha256 over the lines, each followed by `\n`.
    pub fn finish(self) -> String {
        hex(&self.hasher.finalize())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_digest() {
        assert_eq!(
            sha256_hex(b"abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }

    #[test]
    fn reader_matches_one_shot() {
        let mut r = HashingReader::new(&b"hello world"[..]);
        io::copy(&mut r, &mut io::sink()).unwrap();
        assert_eq!(r.finish(), (sha256_hex(b"hello world"), 11));
    }
}

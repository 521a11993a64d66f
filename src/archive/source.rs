//! An archive's payload as a dossier tree, for the shared tree reader. Every
//! entry read to its end is hashed on the way, so `verify` need not read it
//! a second time to check its sha256.

use super::reader::ArchiveReader;
use super::{MANIFEST, PLAN, SIGNATURE};
use crate::digest::HashingReader;
use crate::error::{Error, Result};
use crate::tree::source::TreeSource;
use std::cell::RefCell;
use std::collections::HashMap;
use std::io::Read;
use std::rc::Rc;

/// sha256 and size of the entries read to their end.
pub type Hashed = Rc<RefCell<HashMap<String, (String, u64)>>>;

/// The archive's payload entries read as a dossier tree, hashing each
/// entry as it is read so the caller can check it against the manifest.
pub(crate) struct ArchiveSource<'a> {
    reader: &'a mut ArchiveReader,
    names: Vec<String>,
    /// The sha256 and size of each entry read to its end, by name.
    pub hashed: Hashed,
}

impl<'a> ArchiveSource<'a> {
    /// The payload entries among `listed` (the manifest's), so that an
    /// unlisted entry is never read as data.
    pub fn new(reader: &'a mut ArchiveReader, listed: &[String]) -> Self {
        let mut names: Vec<String> = listed
            .iter()
            .filter(|n| ![MANIFEST, SIGNATURE, PLAN].contains(&n.as_str()) && reader.has(n))
            .cloned()
            .collect();
        names.sort();
        ArchiveSource {
            reader,
            names,
            hashed: Hashed::default(),
        }
    }
}

impl TreeSource for ArchiveSource<'_> {
    fn describe(&self) -> String {
        "the archive".into()
    }

    fn entries(&mut self) -> Result<Vec<String>> {
        Ok(self.names.clone())
    }

    /// The reader's cap, which `--max-line-length` may raise.
    fn max_line(&self) -> usize {
        self.reader.caps.line_length
    }

    fn open(&mut self, path: &str) -> Result<Box<dyn Read + '_>> {
        let hashed = self.hashed.clone();
        let inner = self
            .reader
            .open_entry(path)
            .map_err(|p| Error::Invalid(vec![p]))?;
        Ok(Box::new(Recording {
            inner: Some(HashingReader::new(inner)),
            name: path.to_owned(),
            hashed,
        }))
    }
}

struct Recording<R> {
    inner: Option<HashingReader<R>>,
    name: String,
    hashed: Hashed,
}

impl<R: Read> Read for Recording<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let Some(inner) = self.inner.as_mut() else {
            return Ok(0);
        };
        let n = inner.read(buf)?;
        if n == 0
            && !buf.is_empty()
            && let Some(done) = self.inner.take()
        {
            self.hashed
                .borrow_mut()
                .insert(self.name.clone(), done.finish());
        }
        Ok(n)
    }
}

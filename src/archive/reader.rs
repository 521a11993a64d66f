//! The safe archive reader (archive.md, "Reading safely"): decrypts with age
//! over the file (no plaintext on disk), opens the ZIP through the seekable
//! decrypted view, and refuses what could hurt a reader: unsafe or
//! duplicate names, symlinks, encrypted or unknown entries, entries that
//! inflate past their declared size or the caps, bytes around the ZIP.
//! Memory is bounded by the caps, not by the archive's size.

use super::capped::{Capped, JsonWatch, OVER_CAP, TOO_LARGE_SIGNS};
use super::decrypt::{Failure, Tap, decrypt};
use super::framing::check_framing;
use super::local;
pub use super::names::unsafe_name;
use super::names::{method_name, visible};
use crate::error::{Error, Result};
use crate::problem::{Code, Problem};
use serde::Serialize;
use std::cell::RefCell;
use std::collections::{HashMap, HashSet};
use std::fs::File;
use std::io::{self, Read};
use std::path::{Path, PathBuf};
use std::rc::Rc;
use unicode_normalization::UnicodeNormalization;
use zip::{CompressionMethod, ZipArchive};

/// Reading limits. The defaults suit care records (documents and scans);
/// `verify` and `import` take options to raise them.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct Caps {
    /// The largest entry, uncompressed (default 8 GiB).
    pub entry_size: u64,
    /// All entries together, uncompressed (default 1 TiB).
    pub total_size: u64,
    /// How many entries (default 1,000,000; about 220 bytes of memory each).
    pub entries: u64,
    /// The longest JSON line (default 16 MiB).
    pub line_length: usize,
}

/// Overlaps named one by one; in a ZIP bomb every entry overlaps, and the
/// first few say enough.
const MAX_OVERLAPS: usize = 10;

/// JSON nested this many levels deep is refused (serde_json's own limit:
/// it parses at most one level less).
pub const JSON_DEPTH: usize = 128;

impl Default for Caps {
    fn default() -> Self {
        Caps {
            entry_size: 8 << 30,
            total_size: 1 << 40,
            entries: 1_000_000,
            line_length: crate::tree::lines::MAX_LINE,
        }
    }
}

/// One file entry of the archive.
#[derive(Debug, Clone)]
pub struct EntryInfo {
    /// The entry's name inside the ZIP, as checked when the archive was
    /// opened.
    pub name: String,
    /// The entry's size in bytes, uncompressed, as the ZIP declares it
    /// (reading is capped at it).
    pub size: u64,
    index: usize,
}

/// An opened archive: decrypted, its ZIP entries checked once (unsafe
/// names, duplicates, unsupported entries) and then read one by one within
/// the [`Caps`].
pub struct ArchiveReader {
    zip: ZipArchive<Tap>,
    /// The same stream as `zip`'s, for reading the local headers by hand.
    raw: Tap,
    failure: Failure,
    entries: Vec<EntryInfo>,
    by_name: HashMap<String, usize>,
    /// Names refused by [`ArchiveReader::index`], with a problem already.
    refused: HashSet<String>,
    /// The limits this reader was opened with; a caller that reads an entry
    /// whole applies them too.
    pub caps: Caps,
    path: PathBuf,
}

pub(super) fn problem(code: Code, message: impl Into<String>) -> Problem {
    Problem::error(code, message)
}

impl ArchiveReader {
    /// Decrypts and opens `path`. Entry-level problems (unsafe names,
    /// duplicates, unsupported entries) come back beside a usable reader;
    /// an archive that cannot be opened at all is [`Error::Invalid`] with
    /// the problems that say why, and an unreadable file [`Error::Io`].
    pub fn open(
        path: &Path,
        identities: &[Box<dyn age::Identity + Send + Sync>],
        caps: Caps,
    ) -> Result<(ArchiveReader, Vec<Problem>)> {
        let file = File::open(path).map_err(|e| Error::io(path, e))?;
        let plain = decrypt(path, file, identities)?;
        let failure = Failure::default();
        let mut tap = Tap {
            inner: Rc::new(RefCell::new(plain)),
            failure: failure.clone(),
        };
        let raw = tap.clone();
        let corrupt = |failure: &Failure, fallback: Problem| match failure.0.borrow().as_ref() {
            Some(e) => problem(
                Code::ArchiveCorrupt,
                format!("{}: the encrypted stream is damaged: {e}", path.display()),
            ),
            None => fallback,
        };
        if let Err(p) = check_framing(&mut tap, caps) {
            return Err(Error::Invalid(vec![corrupt(&failure, p)]));
        }
        let zip = ZipArchive::new(tap).map_err(|e| {
            Error::Invalid(vec![corrupt(
                &failure,
                problem(
                    Code::ZipInvalid,
                    format!("{}: not a valid ZIP: {e}", path.display()),
                ),
            )])
        })?;
        if zip.offset() > 0 {
            return Err(Error::Invalid(vec![problem(
                Code::ZipInvalid,
                format!("{}: {} bytes before the ZIP", path.display(), zip.offset()),
            )]));
        }
        let mut reader = ArchiveReader {
            zip,
            raw,
            failure,
            entries: Vec::new(),
            by_name: HashMap::new(),
            refused: HashSet::new(),
            caps,
            path: path.to_owned(),
        };
        let problems = reader.index()?;
        if reader.failure.0.borrow().is_some() {
            // Headers behind a damaged chunk could not be read: what the
            // index found is noise, and the archive cannot be trusted.
            return Err(Error::Invalid(vec![reader.zip_problem(String::new())]));
        }
        Ok((reader, problems))
    }

    /// Checks every entry's metadata and builds the name index.
    fn index(&mut self) -> Result<Vec<Problem>> {
        let mut problems = Vec::new();
        if self.zip.has_duplicate_names() {
            problems.push(problem(
                Code::EntryDuplicate,
                "two entries have the same name",
            ));
        }
        let metas = self.central_directory();
        let readable = self.check_local_headers(&metas, &mut problems)?;
        let mut folded: HashMap<String, String> = HashMap::new();
        let mut total = 0u64;
        for (i, file) in metas.iter().enumerate() {
            if !readable[i] {
                continue;
            }
            let index = file.index;
            let name = match self.admit(index, file) {
                Ok(Some(name)) => name,
                Ok(None) => continue,
                Err(p) => {
                    problems.push(p);
                    continue;
                }
            };
            total = total.saturating_add(file.size);
            let key: String = name.nfc().collect::<String>().to_lowercase();
            if let Some(other) = folded.insert(key, name.clone()) {
                let message = format!(
                    "entries `{}` and `{}` are equal after Unicode normalisation and case folding",
                    visible(&other),
                    visible(&name)
                );
                problems.push(problem(Code::EntryDuplicate, message).path(name));
                continue;
            }
            self.by_name.insert(name.clone(), self.entries.len());
            let size = file.size;
            self.entries.push(EntryInfo { name, size, index });
        }
        // Every refusal of a named entry above carries its name as path.
        self.refused = problems.iter().filter_map(|p| p.path.clone()).collect();
        if total > self.caps.total_size {
            problems.push(problem(
                Code::EntryTooLarge,
                format!(
                    "the entries hold {total} bytes together, over the cap of {}",
                    self.caps.total_size
                ),
            ));
        }
        Ok(problems)
    }

    /// Every entry's central directory record, in archive order; nothing
    /// is read from the ZIP for it.
    fn central_directory(&self) -> Vec<Meta> {
        (0..self.zip.len())
            .filter_map(|index| Some((index, self.zip.by_index_data(index).ok()?)))
            .map(|(index, f)| Meta {
                index,
                name: f.name_raw().to_vec(),
                symlink: f.is_symlink(),
                dir: f.is_dir(),
                encrypted: f.encrypted(),
                compression: f.compression(),
                size: f.size(),
                header_start: f.header_start(),
                compressed: f.compressed_size(),
                crc: f.crc32(),
            })
            .collect()
    }

    /// Reads every local header, in file order so that each age chunk is
    /// decrypted once, and refuses the whole archive when entries overlap,
    /// before anything is inflated. Which entries have a readable header.
    fn check_local_headers(
        &mut self,
        metas: &[Meta],
        problems: &mut Vec<Problem>,
    ) -> Result<Vec<bool>> {
        let mut order: Vec<usize> = (0..metas.len()).collect();
        order.sort_by_key(|&i| metas[i].header_start);
        let mut readable = vec![false; metas.len()];
        let mut spans = Vec::with_capacity(metas.len());
        for i in order {
            let meta = &metas[i];
            let shown = String::from_utf8_lossy(&meta.name).into_owned();
            match local::read_local(&mut self.raw, meta.header_start) {
                Ok(Ok(header)) => match header.data_start.checked_add(meta.compressed) {
                    Some(end) => {
                        let differs = local::differences(&meta.central(), &header);
                        if differs.is_empty() {
                            readable[i] = true;
                        } else {
                            problems.push(self.disagreement(&shown, &differs));
                        }
                        spans.push(local::Span {
                            name: shown,
                            start: meta.header_start,
                            end,
                        });
                    }
                    None => problems.push(self.entry_problem(&shown, "its size overflows")),
                },
                Ok(Err(why)) => problems.push(self.entry_problem(&shown, &why)),
                Err(e) => problems.push(self.entry_problem(&shown, &e.to_string())),
            }
        }
        let directory = self.zip.central_directory_start();
        let (overlaps, count) = local::overlaps(spans, directory, MAX_OVERLAPS);
        if count == 0 {
            return Ok(readable);
        }
        // The overlap is the cause: it comes before what else was found.
        let mut refusal: Vec<Problem> = overlaps
            .into_iter()
            .map(|(name, message)| self.zip_problem(message).path(name))
            .collect();
        if count > MAX_OVERLAPS {
            let more = count - MAX_OVERLAPS;
            refusal.push(self.zip_problem(format!("and {more} more overlapping entries")));
        }
        refusal.append(problems);
        Err(Error::Invalid(refusal))
    }

    fn disagreement(&self, name: &str, differs: &[String]) -> Problem {
        let why = format!(
            "the local header disagrees with the central directory on {}",
            differs.join(", ")
        );
        self.entry_problem(name, &why)
    }

    fn entry_problem(&self, name: &str, why: &str) -> Problem {
        self.zip_problem(format!("entry `{}`: {why}", name.escape_debug()))
            .path(name)
    }

    /// One entry's own metadata: its name when it is a file the reader
    /// takes, `None` for a folder, the refusal otherwise.
    fn admit(&self, index: usize, file: &Meta) -> Result<Option<String>, Problem> {
        let Ok(name) = String::from_utf8(file.name.clone()) else {
            let message = format!("entry {index}: the name is not UTF-8");
            return Err(problem(Code::EntryNameUnsafe, message));
        };
        let refuse = |code, message: String| Err(problem(code, message).path(name.clone()));
        if let Some(why) = unsafe_name(&name) {
            let message = format!("entry `{}`: {why}", name.escape_debug());
            return refuse(Code::EntryNameUnsafe, message);
        }
        if file.symlink {
            return refuse(
                Code::EntryUnsupported,
                format!("entry `{name}` is a symlink"),
            );
        }
        if file.dir {
            return Ok(None);
        }
        if file.encrypted {
            return refuse(
                Code::EntryUnsupported,
                format!("entry `{name}` is encrypted"),
            );
        }
        if !matches!(
            file.compression,
            CompressionMethod::Stored | CompressionMethod::Deflated
        ) {
            let message = format!(
                "entry `{name}` uses {}; only stored and deflate are read",
                method_name(file.compression)
            );
            return refuse(Code::EntryUnsupported, message);
        }
        if file.size > self.caps.entry_size {
            let message = format!(
                "entry `{name}` declares {} bytes, over the cap of {}",
                file.size, self.caps.entry_size
            );
            return refuse(Code::EntryTooLarge, message);
        }
        Ok(Some(name))
    }

    fn zip_problem(&self, message: String) -> Problem {
        match self.failure.0.borrow().as_ref() {
            Some(e) => problem(
                Code::ArchiveCorrupt,
                format!(
                    "{}: the encrypted stream is damaged: {e}",
                    self.path.display()
                ),
            ),
            None => problem(Code::ZipInvalid, message),
        }
    }

    /// The file entries that passed the checks, in archive order.
    pub fn entries(&self) -> &[EntryInfo] {
        &self.entries
    }

    /// Whether a file entry of that name passed the checks (a refused or
    /// absent name is `false`).
    pub fn has(&self, name: &str) -> bool {
        self.by_name.contains_key(name)
    }

    /// Whether an entry of that name is in the ZIP but was refused when
    /// the archive was opened (its problem is reported already).
    pub fn refused(&self, name: &str) -> bool {
        self.refused.contains(name)
    }

    /// Opens an entry, capped at its declared size: reading past it fails
    /// with an error that [`ArchiveReader::classify`] reports as
    /// `entry-too-large`.
    pub fn open_entry(&mut self, name: &str) -> Result<Box<dyn Read + '_>, Problem> {
        let Some(&i) = self.by_name.get(name) else {
            return Err(problem(
                Code::EntryMissing,
                format!("entry `{name}` is not in the archive"),
            )
            .path(name));
        };
        let info = self.entries[i].clone();
        let failure = self.failure.clone();
        match self.zip.by_index(info.index) {
            Ok(file) => Ok(Box::new(Capped {
                inner: file,
                left: info.size,
                watch: JsonWatch::for_entry(&info.name, self.caps.line_length),
                name: info.name,
            })),
            Err(e) => Err(match failure.0.borrow().as_ref() {
                Some(err) => problem(
                    Code::ArchiveCorrupt,
                    format!("the encrypted stream is damaged: {err}"),
                ),
                None => problem(Code::ZipInvalid, format!("entry `{name}`: {e}")).path(name),
            }),
        }
    }

    /// Reads a whole small entry (the manifest, its signature), up to `max`.
    pub fn read_small(&mut self, name: &str, max: u64) -> Result<Vec<u8>, Problem> {
        let mut out = Vec::new();
        let mut r = self.open_entry(name)?;
        let n = r.by_ref().take(max + 1).read_to_end(&mut out);
        drop(r);
        match n {
            Ok(n) if n as u64 > max => Err(problem(
                Code::EntryTooLarge,
                format!("entry `{name}` is over {max} bytes"),
            )
            .path(name)),
            Ok(_) => Ok(out),
            Err(e) => Err(self.classify(name, &e)),
        }
    }

    /// The problem behind a read error of entry `name`.
    pub fn classify(&self, name: &str, e: &io::Error) -> Problem {
        if let Some(err) = self.failure.0.borrow().as_ref() {
            return problem(
                Code::ArchiveCorrupt,
                format!(
                    "{}: the encrypted stream is damaged: {err}",
                    self.path.display()
                ),
            );
        }
        let message = e.to_string();
        if message.contains(OVER_CAP) {
            return problem(Code::EntryTooLarge, message).path(name);
        }
        if TOO_LARGE_SIGNS.iter().any(|sign| message.contains(sign)) {
            return problem(
                Code::EntryTooLarge,
                format!("entry `{name}` inflates past its declared size"),
            )
            .path(name);
        }
        problem(Code::ZipInvalid, format!("entry `{name}`: {e}")).path(name)
    }
}

/// An entry's central-directory facts, copied out of the ZIP reader.
struct Meta {
    /// Its index in the ZIP reader.
    index: usize,
    name: Vec<u8>,
    symlink: bool,
    dir: bool,
    encrypted: bool,
    compression: CompressionMethod,
    size: u64,
    header_start: u64,
    compressed: u64,
    crc: u32,
}

impl Meta {
    fn central(&self) -> local::Central<'_> {
        let method = match self.compression {
            CompressionMethod::Stored => Some(0),
            CompressionMethod::Deflated => Some(8),
            _ => None,
        };
        local::Central {
            name: &self.name,
            method,
            encrypted: self.encrypted,
            crc: self.crc,
            compressed: self.compressed,
            size: self.size,
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::archive::names::{method_name, unsafe_name, visible};
    use zip::CompressionMethod;

    #[test]
    fn methods_and_look_alike_names_are_told_apart() {
        assert_eq!(
            method_name(CompressionMethod::ZSTD),
            "zstd (compression method 93)"
        );
        assert_eq!(
            method_name(CompressionMethod::Stored),
            "stored (compression method 0)"
        );
        assert_eq!(visible("caf\u{e9}"), r"caf\u{e9}");
        assert_eq!(visible("cafe\u{301}"), r"cafe\u{301}");
    }

    #[test]
    fn names() {
        assert!(unsafe_name("groups/a/group.json").is_none());
        assert!(unsafe_name("files/").is_none());
        for bad in [
            "/etc/passwd",
            "a/../b",
            "..",
            "a\\b",
            "a\0b",
            "a//b",
            "C:x",
            "a\nb",
            "",
        ] {
            assert!(unsafe_name(bad).is_some(), "{bad:?}");
        }
    }
}

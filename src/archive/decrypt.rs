//! The age layer of the archive: the file decrypted as a stream the ZIP
//! reader can seek in (ASCII armor undone first), with the first failure of
//! that layer remembered, so that a ZIP error it caused is reported as
//! `archive-corrupt` rather than as a broken ZIP.

use super::reader::problem;
use crate::error::{Error, Result};
use crate::problem::Code;
use std::cell::RefCell;
use std::fs::File;
use std::io::{self, BufRead, BufReader, Read, Seek, SeekFrom, Write};
use std::path::Path;
use std::rc::Rc;

pub(super) type Plain = age::stream::StreamReader<BufReader<File>>;

/// Remembers the first failure of the age layer, so that a ZIP error caused
/// by it is reported as `archive-corrupt`, not as a broken ZIP.
#[derive(Clone, Default)]
pub(super) struct Failure(pub(super) Rc<RefCell<Option<String>>>);

/// The decrypted stream, shared by the ZIP reader and the reader's own
/// look at the local headers ([`super::local`]); both seek before they read.
#[derive(Clone)]
pub(super) struct Tap {
    pub(super) inner: Rc<RefCell<Plain>>,
    pub(super) failure: Failure,
}

impl Tap {
    fn note(&self, e: &io::Error) {
        let mut slot = self.failure.0.borrow_mut();
        if slot.is_none() {
            *slot = Some(e.to_string());
        }
    }
}

impl Read for Tap {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let read = self.inner.borrow_mut().read(buf);
        read.inspect_err(|e| self.note(e))
    }
}

impl Seek for Tap {
    fn seek(&mut self, pos: SeekFrom) -> io::Result<u64> {
        let sought = self.inner.borrow_mut().seek(pos);
        sought.inspect_err(|e| self.note(e))
    }
}

/// Opens the age file at `path` for the given identities.
pub(super) fn decrypt(
    path: &Path,
    file: File,
    identities: &[Box<dyn age::Identity + Send + Sync>],
) -> Result<Plain> {
    use age::DecryptError as D;
    let shown = path.display();
    let corrupt = |why: String| {
        Error::Invalid(vec![problem(
            Code::ArchiveCorrupt,
            format!("{shown}: {why}"),
        )])
    };
    let input = unarmor(path, BufReader::with_capacity(1 << 20, file))?;
    let decryptor = age::Decryptor::new_buffered(input).map_err(|e| match e {
        D::Io(e) if !cut_or_malformed(&e) => Error::io(path, e),
        other => corrupt(format!(
            "not a readable age file (the header is damaged or cut short?): {other}"
        )),
    })?;
    decryptor
        .decrypt(identities.iter().map(|i| i.as_ref() as &dyn age::Identity))
        .map_err(|e| match e {
            D::NoMatchingKeys => Error::Invalid(vec![problem(
                Code::DecryptFailed,
                format!("{shown}: none of the given identities is a recipient of this archive; use the identity whose public key is in the plan's recipients"),
            )]),
            D::Io(e) if !cut_or_malformed(&e) => Error::io(path, e),
            other => corrupt(format!("the age header does not verify or the stream nonce is cut short: {other}")),
        })
}

/// An I/O error that is the file's fault (it ends too early, or age found
/// bytes it cannot parse) rather than the disk's.
fn cut_or_malformed(e: &io::Error) -> bool {
    matches!(
        e.kind(),
        io::ErrorKind::UnexpectedEof | io::ErrorKind::InvalidData
    )
}

const ARMOR_BEGIN: &[u8] = b"-----BEGIN AGE ENCRYPTED FILE-----";

/// The binary age file: `input` itself, or for an ASCII-armored file
/// (`age -a`) its decoded bytes. The ZIP reader seeks, and the armor can
/// only be decoded from its start, so the decoded ciphertext goes to an
/// unnamed temporary file (never plaintext; gone when the reader is).
fn unarmor(path: &Path, mut input: BufReader<File>) -> Result<BufReader<File>> {
    let head = input.fill_buf().map_err(|e| Error::io(path, e))?;
    if !head.starts_with(ARMOR_BEGIN) {
        return Ok(input);
    }
    let temp = || std::env::temp_dir();
    let mut decoded = tempfile::tempfile().map_err(|e| Error::io(temp(), e))?;
    let mut armored = age::armor::ArmoredReader::new(input);
    let mut out = io::BufWriter::with_capacity(1 << 20, &mut decoded);
    match io::copy(&mut armored, &mut out) {
        Ok(_) => {}
        Err(e) if cut_or_malformed(&e) => {
            return Err(Error::Invalid(vec![problem(
                Code::ArchiveCorrupt,
                format!("{}: the ASCII armor is damaged: {e}", path.display()),
            )]));
        }
        Err(e) => return Err(Error::io(path, e)),
    }
    out.flush().map_err(|e| Error::io(temp(), e))?;
    drop(out);
    decoded
        .seek(SeekFrom::Start(0))
        .map_err(|e| Error::io(temp(), e))?;
    Ok(BufReader::with_capacity(1 << 20, decoded))
}

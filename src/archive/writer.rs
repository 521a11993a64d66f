//! Streams an archive: ZIP entries into age into a temporary file beside the
//! output, hashed on the way; renamed into place only when complete, so a
//! failure never leaves a file under the final name and no plaintext ever
//! touches the disk.

use super::compress::Compressor;
use super::manifest::Entry;
use crate::digest::{HashingWriter, hex};
use crate::error::{Error, Result};
use sha2::{Digest, Sha256};
use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use tempfile::TempPath;
use zip::CompressionMethod;
use zip::write::{SimpleFileOptions, StreamWriter, ZipWriter};

type AgeOut = age::stream::StreamWriter<HashingWriter<BufWriter<File>>>;

/// ZIP entries of 4 GiB or more need zip64 headers up front.
const LARGE: u64 = 0xFFFF_0000;

/// Streams an archive out: ZIP entries through age into a temporary file
/// beside the output, recording each entry for the manifest.
pub(crate) struct ArchiveWriter {
    zip: ZipWriter<StreamWriter<AgeOut>>,
    tmp: TempPath,
    out: PathBuf,
    entries: Vec<Entry>,
    current: Option<Current>,
    payload_bytes: u64,
    compressor: Compressor,
}

/// The open entry: JSON is buffered for the compression thread, file
/// contents stream straight through.
enum Current {
    Json {
        path: String,
        buf: Vec<u8>,
    },
    Stored {
        path: String,
        hasher: Sha256,
        size: u64,
    },
}

fn zip_err(path: &Path, e: zip::result::ZipError) -> Error {
    Error::io(path, std::io::Error::other(e))
}

impl ArchiveWriter {
    /// Starts an archive for `out`, encrypted to `recipients`. An existing
    /// `out` is refused unless `force`.
    pub fn create(out: &Path, recipients: &[age::x25519::Recipient], force: bool) -> Result<Self> {
        if out.exists() && !force {
            return Err(Error::io(
                out,
                std::io::Error::new(
                    std::io::ErrorKind::AlreadyExists,
                    "already exists; pass --force to overwrite it",
                ),
            ));
        }
        let dir = match out.parent() {
            Some(p) if !p.as_os_str().is_empty() => p,
            _ => Path::new("."),
        };
        let tmp = tempfile::Builder::new()
            .prefix(".dossier-transfer-")
            .suffix(".partial")
            .tempfile_in(dir)
            .map_err(|e| Error::io(dir, e))?;
        let (file, tmp) = tmp.into_parts();
        let hashed = HashingWriter::new(BufWriter::with_capacity(1 << 20, file));
        let encryptor =
            age::Encryptor::with_recipients(recipients.iter().map(|r| r as &dyn age::Recipient))
                .map_err(|e| Error::dependency("age", e))?;
        let age_out = encryptor
            .wrap_output(hashed)
            .map_err(|e| Error::io(out, e))?;
        let zip = ZipWriter::new_stream(age_out).set_auto_large_file();
        Ok(ArchiveWriter {
            zip,
            tmp,
            out: out.to_owned(),
            entries: Vec::new(),
            current: None,
            payload_bytes: 0,
            compressor: Compressor::start()?,
        })
    }

    /// Opens a deflated entry (JSON and JSON lines).
    pub fn begin_json(&mut self, path: &str) -> Result<()> {
        self.end()?;
        self.current = Some(Current::Json {
            path: path.to_owned(),
            buf: Vec::new(),
        });
        Ok(())
    }

    /// Appends bytes to the open entry.
    pub fn write(&mut self, bytes: &[u8]) -> Result<()> {
        self.payload_bytes += bytes.len() as u64;
        match self.current.as_mut() {
            Some(Current::Json { buf, .. }) => buf.extend_from_slice(bytes),
            Some(Current::Stored { hasher, size, .. }) => {
                self.zip
                    .write_all(bytes)
                    .map_err(|e| Error::io(&self.out, e))?;
                hasher.update(bytes);
                *size += bytes.len() as u64;
            }
            None => return Err(Error::Internal("archive write with no open entry".into())),
        }
        Ok(())
    }

    /// A whole small JSON entry.
    pub fn json(&mut self, path: &str, bytes: &[u8]) -> Result<()> {
        self.begin_json(path)?;
        self.write(bytes)?;
        self.end()
    }

    /// A stored (uncompressed) entry of `size` bytes, filled by `fill`.
    pub fn stored(
        &mut self,
        path: &str,
        size: u64,
        fill: impl FnOnce(&mut dyn Write) -> Result<()>,
    ) -> Result<()> {
        self.end()?;
        self.drain(true)?;
        let options = SimpleFileOptions::default()
            .compression_method(CompressionMethod::Stored)
            .large_file(size >= LARGE)
            .unix_permissions(0o644);
        self.zip
            .start_file(path, options)
            .map_err(|e| zip_err(&self.out, e))?;
        self.current = Some(Current::Stored {
            path: path.to_owned(),
            hasher: Sha256::new(),
            size: 0,
        });
        let mut sink = EntrySink { w: self };
        fill(&mut sink)?;
        self.end()
    }

    /// Closes the open entry: a JSON entry goes to the compression thread,
    /// a stored one is recorded.
    pub fn end(&mut self) -> Result<()> {
        match self.current.take() {
            Some(Current::Json { path, buf }) => {
                self.compressor.submit(path, buf)?;
                self.drain(false)
            }
            Some(Current::Stored { path, hasher, size }) => {
                self.entries.push(Entry {
                    path,
                    size,
                    sha256: hex(&hasher.finalize()),
                });
                Ok(())
            }
            None => Ok(()),
        }
    }

    /// Appends the entries the worker has finished, in order; with `all`,
    /// waits for every one.
    fn drain(&mut self, all: bool) -> Result<()> {
        while let Some((prepared, entry)) = self.compressor.next(all)? {
            self.zip
                .add_prepared_file(prepared)
                .map_err(|e| zip_err(&self.out, e))?;
            self.entries.push(entry);
            if all && self.compressor.pending() == 0 {
                break;
            }
        }
        Ok(())
    }

    /// Uncompressed bytes written so far (for progress).
    pub fn payload_bytes(&self) -> u64 {
        self.payload_bytes
    }

    /// Every entry written so far, once the compression thread is done
    /// with them.
    pub fn entries(&mut self) -> Result<&[Entry]> {
        self.end()?;
        self.drain(true)?;
        Ok(&self.entries)
    }

    /// Writes the manifest and its signature (which `entries` does not
    /// list), finishes both layers and syncs. The file gets its final name
    /// only through [`Sealed::persist`]; dropping `Sealed` removes it.
    pub fn finish(mut self, manifest: &[u8], signature: &[u8]) -> Result<Sealed> {
        self.json(super::MANIFEST, manifest)?;
        self.json(super::SIGNATURE, signature)?;
        self.drain(true)?;
        let ArchiveWriter { zip, tmp, out, .. } = self;
        let age_out = zip.finish().map_err(|e| zip_err(&out, e))?.into_inner();
        let hashed = age_out.finish().map_err(|e| Error::io(&out, e))?;
        let (buf, sha, size) = hashed.finish();
        let file = buf
            .into_inner()
            .map_err(|e| Error::io(&out, e.into_error()))?;
        file.sync_all().map_err(|e| Error::io(&out, e))?;
        Ok(Sealed {
            tmp,
            out,
            sha256: sha,
            size,
        })
    }
}

/// A complete, synced archive still under its temporary name.
pub(crate) struct Sealed {
    tmp: TempPath,
    out: PathBuf,
    /// The hex sha256 of the archive file (what the journal records).
    pub sha256: String,
    /// The archive file's size in bytes.
    pub size: u64,
}

impl Sealed {
    /// Renames the archive to its final name.
    pub fn persist(self) -> Result<PathBuf> {
        let out = self.out;
        self.tmp
            .persist(&out)
            .map_err(|e| Error::io(&out, e.error))?;
        if let Some(dir) = out.parent().filter(|d| !d.as_os_str().is_empty()) {
            // The rename is durable once the folder is synced too.
            if let Ok(d) = File::open(dir) {
                let _ = d.sync_all();
            }
        }
        Ok(out)
    }
}

/// Lets a callback write into the open entry through `io::Write`.
struct EntrySink<'a> {
    w: &'a mut ArchiveWriter,
}

impl Write for EntrySink<'_> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.w
            .write(buf)
            .map_err(|e| std::io::Error::other(e.to_string()))?;
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

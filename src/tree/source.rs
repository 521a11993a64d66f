//! Where a tree is read from: a folder now, an archive's ZIP later; the
//! reader sees only paths and byte streams.

use crate::error::{Error, Result};
use crate::problem::{Code, Problem};
use std::io::Read;
use std::path::{Path, PathBuf};

pub(crate) trait TreeSource {
    /// For messages: the folder or archive being read.
    fn describe(&self) -> String;
    /// Every file of the tree, as `/`-separated relative paths, sorted.
    fn entries(&mut self) -> Result<Vec<String>>;
    /// Opens one entry for reading.
    fn open(&mut self, path: &str) -> Result<Box<dyn Read + '_>>;
    /// The longest JSON line to accept.
    fn max_line(&self) -> usize {
        super::lines::MAX_LINE
    }
}

/// A tree in a folder.
pub(crate) struct DirSource {
    root: PathBuf,
}

impl DirSource {
    pub(crate) fn new(root: &Path) -> Self {
        DirSource {
            root: root.to_owned(),
        }
    }
}

impl TreeSource for DirSource {
    fn describe(&self) -> String {
        self.root.display().to_string()
    }

    fn entries(&mut self) -> Result<Vec<String>> {
        if !self.root.is_dir() {
            return Err(Error::io(
                &self.root,
                std::io::Error::new(std::io::ErrorKind::NotFound, "not a folder"),
            ));
        }
        let mut out = Vec::new();
        let mut refused = Vec::new();
        for entry in walkdir::WalkDir::new(&self.root).follow_links(false) {
            let entry = entry.map_err(|e| {
                let path = e.path().unwrap_or(&self.root).to_owned();
                Error::io(path, e.into())
            })?;
            // The root may be a link the user gave on purpose.
            if entry.depth() == 0 {
                continue;
            }
            let rel = entry
                .path()
                .strip_prefix(&self.root)
                .unwrap_or(entry.path());
            let parts: Vec<String> = rel
                .components()
                .map(|c| c.as_os_str().to_string_lossy().into_owned())
                .collect();
            let rel = parts.join("/");
            let meta =
                std::fs::symlink_metadata(entry.path()).map_err(|e| Error::io(entry.path(), e))?;
            match not_a_tree_entry(&meta.file_type()) {
                Some(what) => refused.push(refusal(&rel, what)),
                None if meta.is_dir() => {}
                None => out.push(rel),
            }
        }
        if !refused.is_empty() {
            return Err(Error::Invalid(refused));
        }
        out.sort();
        Ok(out)
    }

    fn open(&mut self, path: &str) -> Result<Box<dyn Read + '_>> {
        let full = self.root.join(path);
        // Checked again at opening: the tree may have changed since it was
        // listed, and a link must not be followed out of it.
        let listed = std::fs::symlink_metadata(&full).map_err(|e| Error::io(&full, e))?;
        if let Some(what) = not_a_tree_entry(&listed.file_type()) {
            return Err(Error::Invalid(vec![refusal(path, what)]));
        }
        let file = std::fs::File::open(&full).map_err(|e| Error::io(&full, e))?;
        let opened = file.metadata().map_err(|e| Error::io(&full, e))?;
        if !same_file(&listed, &opened) {
            let why = "was replaced while the tree was read";
            return Err(Error::Invalid(vec![refusal(path, why)]));
        }
        Ok(Box::new(std::io::BufReader::with_capacity(
            256 * 1024,
            file,
        )))
    }
}

/// What a tree entry is when it is neither a regular file nor a folder: a
/// link would take the read out of the tree, and a FIFO or device would
/// block it or never end.
fn not_a_tree_entry(ty: &std::fs::FileType) -> Option<&'static str> {
    if ty.is_file() || ty.is_dir() {
        return None;
    }
    if ty.is_symlink() {
        return Some("is a symbolic link");
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if ty.is_fifo() {
            return Some("is a FIFO (named pipe)");
        }
        if ty.is_socket() {
            return Some("is a socket");
        }
        if ty.is_block_device() || ty.is_char_device() {
            return Some("is a device");
        }
    }
    Some("is not a regular file or folder")
}

fn refusal(path: &str, what: &str) -> Problem {
    let message = format!(
        "{path}: {what}; a dossier tree holds only regular files and folders, and links are never followed"
    );
    Problem::error(Code::TreeInvalid, message).path(path)
}

/// Whether the file opened is the one listed (not a link or file swapped
/// in between).
fn same_file(listed: &std::fs::Metadata, opened: &std::fs::Metadata) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        listed.dev() == opened.dev() && listed.ino() == opened.ino() && opened.is_file()
    }
    #[cfg(not(unix))]
    {
        listed.is_file() && opened.is_file()
    }
}

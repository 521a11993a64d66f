//! Where a tree is read from: a folder now, an archive's ZIP later; the
//! reader sees only paths and byte streams.

use crate::error::{Error, Result};
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
        for entry in walkdir::WalkDir::new(&self.root).follow_links(false) {
            let entry = entry.map_err(|e| {
                let path = e.path().unwrap_or(&self.root).to_owned();
                Error::io(path, e.into())
            })?;
            if entry.file_type().is_dir() {
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
            out.push(parts.join("/"));
        }
        out.sort();
        Ok(out)
    }

    fn open(&mut self, path: &str) -> Result<Box<dyn Read + '_>> {
        let full = self.root.join(path);
        let file = std::fs::File::open(&full).map_err(|e| Error::io(&full, e))?;
        Ok(Box::new(std::io::BufReader::with_capacity(
            256 * 1024,
            file,
        )))
    }
}

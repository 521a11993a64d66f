//! The file contents, checked against the `files` records that name them.

use super::{DANGLING, Reader};
use crate::digest::HashingReader;
use crate::error::{Error, Result};
use crate::problem::Problem;
use crate::tree::layout;
use crate::tree::source::TreeSource;
use std::collections::HashSet;

impl Reader<'_> {
    pub(super) fn read_files(&mut self, source: &mut dyn TreeSource) -> Result<()> {
        let present: Vec<String> = std::mem::take(&mut self.layout.files);
        let present_set: HashSet<&String> = present.iter().collect();
        for (sha, named) in &self.files.clone() {
            if !present_set.contains(sha) {
                let (_, at) = &named[0];
                let path = layout::file(sha);
                self.problem(
                    Problem::error(DANGLING, format!("{path}: missing, but named by {at}"))
                        .path(path),
                );
            }
        }
        for sha in &present {
            let path = layout::file(sha);
            let Some(named) = self.files.get(sha).cloned() else {
                self.at(&path, "no files record names this content");
                continue;
            };
            let expected = named[0].0;
            let mut reader = HashingReader::new(source.open(&path)?);
            if self.ok() {
                self.sink.file(sha, expected, &mut reader)?;
            }
            std::io::copy(&mut reader, &mut std::io::sink()).map_err(|e| Error::io(&path, e))?;
            let (actual, size) = reader.finish();
            if &actual != sha {
                self.at(
                    &path,
                    format!("content has sha256 {actual}, not the {sha} of its name"),
                );
            }
            for (declared, at) in &named {
                if *declared != size {
                    self.at(
                        &path,
                        format!("content is {size} bytes, but {at} says size {declared}"),
                    );
                }
            }
        }
        Ok(())
    }
}

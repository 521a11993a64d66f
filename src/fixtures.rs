//! The bundled fixtures (`fixtures/` at build time), readable as trees.

use crate::error::{Error, Result};
use crate::tree::source::TreeSource;
use std::io::Read;

include!(concat!(env!("OUT_DIR"), "/fixtures.rs"));

/// One bundled dossier tree, e.g. `source`, `target`, `test-account`.
pub struct Embedded {
    prefix: String,
}

impl Embedded {
    pub fn new(name: &str) -> Self {
        Embedded {
            prefix: format!("{name}/"),
        }
    }
}

/// A bundled file by its path under `fixtures/`.
pub fn file(path: &str) -> Option<&'static [u8]> {
    FILES.iter().find(|(p, _)| *p == path).map(|(_, b)| *b)
}

impl TreeSource for Embedded {
    fn describe(&self) -> String {
        format!("bundled fixture {}", self.prefix.trim_end_matches('/'))
    }

    fn entries(&mut self) -> Result<Vec<String>> {
        let found: Vec<String> = FILES
            .iter()
            .filter_map(|(p, _)| p.strip_prefix(&self.prefix))
            .filter(|p| *p != "README.md")
            .map(str::to_owned)
            .collect();
        if found.is_empty() {
            return Err(Error::Internal(format!(
                "no {} in this build",
                self.describe()
            )));
        }
        Ok(found)
    }

    fn open(&mut self, path: &str) -> Result<Box<dyn Read + '_>> {
        let full = format!("{}{path}", self.prefix);
        file(&full)
            .map(|b| Box::new(b) as Box<dyn Read>)
            .ok_or_else(|| Error::Internal(format!("{full} is not bundled")))
    }
}

//! References that may reach beyond their dossier, resolved once the whole
//! account has been read.

use super::{DANGLING, Reader, id_hash};
use crate::model::kinds::{KindId, Target};
use crate::model::syntax::fold;
use crate::model::validate::Reference;

/// A reference to resolve once everything has been read; `file` indexes
/// `Reader::record_files`, so a million references do not carry a million
/// copies of their file's path.
pub(super) struct Deferred {
    reference: Reference,
    file: usize,
    line: usize,
}

impl Reader<'_> {
    /// Keeps a reference to resolve against the whole account.
    pub(super) fn defer(&mut self, dossier: &str, path: &str, line: usize, reference: &Reference) {
        if self.record_files.last().is_none_or(|(_, p)| p != path) {
            self.record_files
                .push((dossier.to_owned(), path.to_owned()));
        }
        self.deferred.push(Deferred {
            reference: reference.clone(),
            file: self.record_files.len() - 1,
            line,
        });
    }

    pub(super) fn resolve_deferred(&mut self) {
        let files = std::mem::take(&mut self.record_files);
        for d in std::mem::take(&mut self.deferred) {
            let (dossier, path) = &files[d.file];
            let message = self.dangling(&d.reference, dossier);
            if let Some(m) = message {
                self.coded(DANGLING, path, d.line, m);
            }
        }
    }

    /// What is wrong with a reference resolved against the whole account.
    fn dangling(&self, reference: &Reference, dossier: &str) -> Option<String> {
        let Reference { field, to, id } = reference;
        match to {
            Target::Dossier if fold(id) == fold(dossier) => {
                Some(format!("{field}: `{id}` is this dossier itself"))
            }
            Target::Dossier if !self.dossier_ids.contains(&fold(id)) => {
                Some(format!("{field}: dossier `{id}` is not in this account"))
            }
            Target::Kind(k, _) if !self.has_record(*k, id) => {
                let noun = k.kind().noun;
                Some(format!("{field}: `{id}` is not {noun} of this account"))
            }
            _ => None,
        }
    }

    fn has_record(&self, kind: KindId, id: &str) -> bool {
        self.ids
            .get(kind.name())
            .is_some_and(|ids| ids.contains(&id_hash(&fold(id))))
    }
}

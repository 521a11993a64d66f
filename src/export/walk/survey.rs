//! The survey: what each dossier and the whole walk move and leave behind.

use super::{LeftBehind, Visitor, Walker, walk};
use crate::error::Result;
use crate::model::kinds::Kind;
use crate::plan::Plan;
use crate::select::{Resolved, Selected};
use crate::store::Store;
use jiff::Timestamp;
use serde::Serialize;
use serde_json::{Map, Value};
use std::collections::{BTreeMap, BTreeSet};

/// What one dossier moves and leaves behind.
#[derive(Debug, Clone, Serialize)]
pub struct DossierTally {
    /// The dossier's id on the source.
    pub id: String,
    /// The client's name.
    pub name: String,
    /// The target group the plan sends it to.
    pub to_group: String,
    /// Every chosen kind, zeros included.
    pub counts: BTreeMap<&'static str, u64>,
    /// The content digest of every chosen kind.
    pub digests: BTreeMap<&'static str, String>,
    /// What of this dossier stays behind, and why.
    pub left_behind: LeftBehind,
    /// Records edited after the cut-off: they move in their current state.
    pub edited_after_cut_off: u64,
}

/// The whole walk's result.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Survey {
    /// Every moving dossier, in the selection's order.
    pub dossiers: Vec<DossierTally>,
    /// Moving records per kind, over all dossiers.
    pub totals: BTreeMap<&'static str, u64>,
    /// What stays behind, over all dossiers.
    pub left_behind: LeftBehind,
    /// Distinct file contents that move: sha256 -> size.
    pub files: BTreeMap<String, u64>,
    /// The sum of those sizes, in bytes.
    pub file_bytes: u64,
    /// Teammate e-mails the moving records refer to, as written.
    pub teammates: BTreeSet<String>,
}

/// A visitor that only counts (the estimate of `check`).
pub struct Count;

impl Visitor for Count {
    fn line(&mut self, _: &Selected, _: &'static Kind, _: &str) -> Result<()> {
        Ok(())
    }
    fn end_kind(&mut self, _: &Selected, _: &'static Kind) -> Result<()> {
        Ok(())
    }
}

/// The walk without output: what an export with this cut-off would move.
pub fn survey(
    plan: &Plan,
    store: &dyn Store,
    resolved: &Resolved,
    cut_off: Timestamp,
) -> Result<Survey> {
    walk(plan, store, resolved, cut_off, &mut Count)
}

impl Walker<'_> {
    /// The teammate e-mails a moving record refers to, as written.
    pub(super) fn note_teammates(&mut self, kind: &Kind, fields: &Map<String, Value>) {
        for field in kind.teammate_fields() {
            match fields.get(field.name) {
                Some(Value::String(e)) => {
                    self.survey.teammates.insert(e.clone());
                }
                Some(Value::Array(items)) => {
                    let emails = items.iter().filter_map(Value::as_str);
                    self.survey.teammates.extend(emails.map(str::to_owned));
                }
                _ => {}
            }
        }
    }

    /// Remembers the file contents a moving record carries.
    pub(super) fn note_content(&mut self, kind: &Kind, fields: &Map<String, Value>) {
        let Some(content) = kind.content else {
            return;
        };
        if let (Some(sha), Some(size)) = (
            fields.get(content.sha256).and_then(Value::as_str),
            fields.get(content.size).and_then(Value::as_u64),
        ) {
            self.survey.files.insert(sha.to_owned(), size);
        }
    }
}

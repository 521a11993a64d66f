//! What is cut and what stays behind: the tally of it, and the fate of
//! each reference.

use super::{Moved, Walker};
use crate::error::Result;
use crate::model::kinds::{Kind, Scope, Target};
use crate::model::refs::{Fate, Points, Site};
use crate::model::syntax::{self, fold};
use crate::select::Selected;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use std::collections::BTreeMap;

/// Counts of what stays behind, by reason and kind (manifest `left_behind`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct LeftBehind {
    /// Records created after the cut-off, by kind.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub after_cut_off: BTreeMap<String, u64>,
    /// Daily reports dated before the plan's `since`, by kind.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub before_since: BTreeMap<String, u64>,
    /// Records of data types the plan does not choose, by kind.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub kinds_not_chosen: BTreeMap<String, u64>,
    /// References cut because their target stays behind, by reason.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub references_removed: BTreeMap<String, u64>,
}

/// The reasons a reference is removed (manifest `references_removed`).
pub use crate::model::kinds::{
    HISTORY_OTHER_DOSSIERS, OTHER_CLIENTS, REPORT_ATTACHMENTS, TIME_ENTRY_AGENDA_ITEMS,
};

impl LeftBehind {
    pub(super) fn add(map: &mut BTreeMap<String, u64>, key: &str, n: u64) {
        if n > 0 {
            *map.entry(key.to_owned()).or_default() += n;
        }
    }

    /// Adds another tally into this one.
    pub fn absorb(&mut self, other: &LeftBehind) {
        for (mine, theirs) in [
            (&mut self.after_cut_off, &other.after_cut_off),
            (&mut self.before_since, &other.before_since),
            (&mut self.kinds_not_chosen, &other.kinds_not_chosen),
            (&mut self.references_removed, &other.references_removed),
        ] {
            for (k, n) in theirs {
                Self::add(mine, k, *n);
            }
        }
    }

    /// Nothing stays behind.
    pub fn is_empty(&self) -> bool {
        self == &LeftBehind::default()
    }

    /// One line per reason and kind, e.g. `left behind, after the cut-off:
    /// daily_reports 5`, for the terminal output of every command.
    pub fn describe(&self) -> Vec<String> {
        let reasons = [
            ("after the cut-off", &self.after_cut_off),
            ("before the since date", &self.before_since),
            ("data type not chosen", &self.kinds_not_chosen),
            (
                "reference to another client removed",
                &self.references_removed,
            ),
        ];
        reasons
            .into_iter()
            .flat_map(|(why, map)| {
                map.iter()
                    .map(move |(kind, n)| format!("left behind, {why}: {kind} {n}"))
            })
            .collect()
    }
}

impl Walker<'_> {
    /// Whether a record named from another dossier is in the archive: a
    /// shared one when placed, another when its dossier moves and it is
    /// within the cut-off.
    fn record_moves(&self, kind: &Kind, id: &str) -> Result<bool> {
        if !self.plan.data.chosen(kind.data_type) {
            return Ok(false);
        }
        if self.shared.placed.contains_key(&(kind.id, fold(id))) {
            return Ok(true);
        }
        Ok(
            match self.store.record_place(self.account, kind.name, id)? {
                Some((dossier, created_ns)) => {
                    self.moving_rows.contains(&dossier) && created_ns <= self.cut_off_ns
                }
                None => false,
            },
        )
    }

    /// What export does with one reference (domain.md, "References"): a
    /// record of this dossier stays when it moved along; a record named
    /// across dossiers when it is in the archive at all; a history subject
    /// when it is this dossier's own. Dossier lists are rebuilt afterwards
    /// by [`relink_dossiers`](super::shared::relink_dossiers).
    pub(super) fn fate(&self, site: &Site, selected: &Selected, moved: &Moved) -> Result<Fate> {
        let keep = match (site.r.to, site.to) {
            (Target::Kind(_, Scope::Dossier), Points::Record(k)) => moved.contains(k.id, site.id),
            (Target::Kind(_, Scope::Account), Points::Record(k)) => {
                self.record_moves(k, site.id)?
            }
            (Target::Subject, Points::Record(k)) => {
                self.subject_stays_inside(k, site.id, selected)?
            }
            _ => true,
        };
        Ok(if keep { Fate::Keep } else { Fate::Cut })
    }

    /// How many of the record's edit timestamps are after the cut-off.
    pub(super) fn edits_after_cut_off(&self, kind: &Kind, fields: &Map<String, Value>) -> u64 {
        kind.edit_fields
            .iter()
            .filter(|f| {
                fields
                    .get(**f)
                    .and_then(Value::as_str)
                    .is_some_and(|t| self.after_cut_off(t))
            })
            .count() as u64
    }

    /// Whether a history subject names this dossier's record (or a deleted
    /// one, which is kept: that is the point of history).
    fn subject_stays_inside(&self, kind: &Kind, id: &str, selected: &Selected) -> Result<bool> {
        // A moving shared record is this client's when it concerns them,
        // whichever dossier it ends up stored under.
        if let Some(concerns) = self.shared.concerns.get(&(kind.id, fold(id))) {
            return Ok(concerns.contains(&fold(&selected.row.dossier.id)));
        }
        Ok(
            match self.store.record_dossier(self.account, kind.name, id)? {
                None => true,
                Some(dossier) => dossier == selected.row.id,
            },
        )
    }

    fn after_cut_off(&self, timestamp: &str) -> bool {
        syntax::timestamp(timestamp)
            .and_then(|t| i64::try_from(t.as_nanosecond()).ok())
            .is_some_and(|ns| ns > self.cut_off_ns)
    }
}

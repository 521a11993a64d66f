//! What moves and what stays behind: the planned dossiers' records, kind by
//! kind in id order, with the cut-off, the `since` date and every reference
//! rule of domain.md applied. `export` writes what the walk yields; `check`
//! runs the same walk as its estimate, so both always agree.

mod cut;
mod shared;
mod survey;

pub use cut::{
    HISTORY_OTHER_DOSSIERS, LeftBehind, OTHER_CLIENTS, REPORT_ATTACHMENTS, TIME_ENTRY_AGENDA_ITEMS,
};
pub use survey::{Count, DossierTally, Survey, survey};

use crate::digest::LineDigest;
use crate::error::{Error, Result};
use crate::model::kinds::{KINDS, Kind, dossier_order};
use crate::model::refs::{self, Fate, Outcome};
use crate::model::syntax::fold;
use crate::plan::Plan;
use crate::select::{Resolved, Selected};
use crate::store::{RecordRow, Store};
use jiff::Timestamp;
use serde_json::{Map, Value};
use shared::{Shared, relink_dossiers};
use std::collections::{BTreeMap, HashMap, HashSet};

/// Receives the moving records, dossier by dossier, kind by kind, in id
/// order; `end_kind` closes each chosen kind of each dossier.
pub trait Visitor {
    /// A moving dossier starts; its kinds follow.
    fn begin_dossier(&mut self, _dossier: &Selected) -> Result<()> {
        Ok(())
    }
    /// One moving record of `kind`, as its canonical JSON line.
    fn line(&mut self, dossier: &Selected, kind: &'static Kind, line: &str) -> Result<()>;
    /// Every record of `kind` in the dossier has been handed over.
    fn end_kind(&mut self, dossier: &Selected, kind: &'static Kind) -> Result<()>;
    /// The dossier is done.
    fn end_dossier(&mut self, _dossier: &Selected) -> Result<()> {
        Ok(())
    }
}

/// Walks the planned records, feeding `visitor`, and tallies everything.
pub fn walk(
    plan: &Plan,
    store: &dyn Store,
    resolved: &Resolved,
    cut_off: Timestamp,
    visitor: &mut dyn Visitor,
) -> Result<Survey> {
    let cut_off_ns = i64::try_from(cut_off.as_nanosecond()).unwrap_or(i64::MAX);
    let moving: HashMap<String, String> = resolved
        .dossiers
        .iter()
        .map(|s| (fold(&s.row.dossier.id), s.row.dossier.id.clone()))
        .collect();
    let mut w = Walker {
        plan,
        store,
        account: resolved.account.id,
        cut_off_ns,
        moving,
        moving_rows: resolved.dossiers.iter().map(|s| s.row.id).collect(),
        shared: Shared::default(),
        survey: Survey::default(),
    };
    for kind in KINDS.iter().filter(|k| k.shared_across_dossiers) {
        if plan.data.chosen(kind.data_type) {
            w.place_shared(kind)?;
        }
    }
    for selected in &resolved.dossiers {
        let tally = w.dossier(selected, visitor)?;
        w.survey.left_behind.absorb(&tally.left_behind);
        for (kind, n) in &tally.counts {
            *w.survey.totals.entry(kind).or_default() += n;
        }
        w.survey.dossiers.push(tally);
    }
    LeftBehind::add(
        &mut w.survey.left_behind.after_cut_off,
        "dossiers",
        resolved.after_cut_off.len() as u64,
    );
    w.survey.file_bytes = w.survey.files.values().sum();
    Ok(w.survey)
}

/// The records of the dossier being walked that moved.
type Moved = refs::Local;

struct Walker<'a> {
    plan: &'a Plan,
    store: &'a dyn Store,
    account: i64,
    cut_off_ns: i64,
    /// folded id -> id of every moving dossier
    moving: HashMap<String, String>,
    /// row ids of the moving dossiers
    moving_rows: HashSet<i64>,
    shared: Shared,
    survey: Survey,
}

impl Walker<'_> {
    fn dossier(&mut self, selected: &Selected, visitor: &mut dyn Visitor) -> Result<DossierTally> {
        let d = &selected.row.dossier;
        let mut tally = DossierTally {
            id: d.id.clone(),
            name: d.name.clone(),
            to_group: selected.to_group.clone(),
            counts: BTreeMap::new(),
            digests: BTreeMap::new(),
            left_behind: LeftBehind::default(),
            edited_after_cut_off: 0,
        };
        visitor.begin_dossier(selected)?;
        let mut moved = Moved::default();
        // Referenced kinds first: a report keeps only attachments that move
        // with it.
        for kind in dossier_order() {
            if self.plan.data.chosen(kind.data_type) {
                self.kind(selected, kind, &mut moved, &mut tally, visitor)?;
            } else {
                let n = self.store.count_records(selected.row.id, kind.name)?;
                LeftBehind::add(&mut tally.left_behind.kinds_not_chosen, kind.name, n);
            }
        }
        visitor.end_dossier(selected)?;
        Ok(tally)
    }

    fn kind(
        &mut self,
        selected: &Selected,
        kind: &'static Kind,
        moved: &mut Moved,
        tally: &mut DossierTally,
        visitor: &mut dyn Visitor,
    ) -> Result<()> {
        let mut digest = LineDigest::default();
        let mut each = |w: &mut Self, row: RecordRow| -> Result<()> {
            let Some(line) = w.record(selected, kind, &row, moved, tally)? else {
                return Ok(());
            };
            digest.push(&line);
            visitor.line(selected, kind, &line)
        };
        let store = self.store;
        if kind.shared_across_dossiers {
            // One dossier's share at a time: bounded by the dossier.
            for row in self.shared_rows(selected, kind)? {
                each(self, row)?;
            }
        } else {
            store.for_each_record(selected.row.id, kind.name, &mut |row| each(self, row))?;
        }
        tally.counts.insert(kind.name, digest.count());
        tally.digests.insert(kind.name, digest.finish());
        visitor.end_kind(selected, kind)
    }

    /// The record's archive line, or `None` when it stays behind.
    fn record(
        &mut self,
        selected: &Selected,
        kind: &'static Kind,
        row: &RecordRow,
        moved: &mut Moved,
        tally: &mut DossierTally,
    ) -> Result<Option<String>> {
        if row.created_ns > self.cut_off_ns {
            LeftBehind::add(&mut tally.left_behind.after_cut_off, kind.name, 1);
            return Ok(None);
        }
        let mut fields = parse(row)?;
        if let Some(since) = self.plan.data.since(kind.data_type)
            && kind.dated_before(&fields, since).is_some()
        {
            LeftBehind::add(&mut tally.left_behind.before_since, kind.name, 1);
            return Ok(None);
        }
        fields.remove("origin");
        self.note_teammates(kind, &fields);
        let left = &mut tally.left_behind;
        let outcome = refs::rewrite(kind, &mut fields, |site| {
            let fate = self.fate(site, selected, moved)?;
            if fate == Fate::Cut {
                LeftBehind::add(&mut left.references_removed, site.r.cut_as, 1);
            }
            Ok::<_, Error>(fate)
        })?;
        if outcome == Outcome::Dropped {
            return Ok(None);
        }
        if kind.shared_across_dossiers {
            let owner = match self.shared.owners.get(&row.rowid) {
                Some(o) => o.clone(),
                None => selected.row.dossier.id.clone(),
            };
            relink_dossiers(
                kind,
                &mut fields,
                &owner,
                &selected.row.dossier.id,
                &self.moving,
                &mut tally.left_behind,
            );
        }
        tally.edited_after_cut_off += self.edits_after_cut_off(kind, &fields);
        moved.note(kind.id, &row.rid);
        self.note_content(kind, &fields);
        Ok(Some(crate::canonical::to_string(&Value::Object(fields))))
    }
}

fn parse(row: &RecordRow) -> Result<Map<String, Value>> {
    match serde_json::from_str(&row.body) {
        Ok(Value::Object(map)) => Ok(map),
        _ => Err(Error::Internal(format!(
            "stored record {} is not a JSON object",
            row.rid
        ))),
    }
}

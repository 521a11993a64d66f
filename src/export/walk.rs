//! What moves and what stays behind: the planned dossiers' records, kind by
//! kind in id order, with the cut-off, the `since` date and every reference
//! rule of domain.md applied. `export` writes what the walk yields; `check`
//! runs the same walk as its estimate, so both always agree.

use crate::digest::LineDigest;
use crate::error::{Error, Result};
use crate::model::kinds::{KINDS, Kind, KindId, Scope, Target, dossier_order};
use crate::model::refs::{self, Fate, Outcome, Points, Site};
use crate::model::syntax::{self, fold};
use crate::plan::Plan;
use crate::select::{Resolved, Selected};
use crate::store::{RecordRow, Store};
use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

/// Counts of what stays behind, by reason and kind (manifest `left_behind`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct LeftBehind {
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub after_cut_off: BTreeMap<String, u64>,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub before_since: BTreeMap<String, u64>,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub kinds_not_chosen: BTreeMap<String, u64>,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub references_removed: BTreeMap<String, u64>,
}

/// The reasons a reference is removed (manifest `references_removed`).
pub use crate::model::kinds::{
    HISTORY_OTHER_DOSSIERS, OTHER_CLIENTS, REPORT_ATTACHMENTS, TIME_ENTRY_AGENDA_ITEMS,
};

impl LeftBehind {
    fn add(map: &mut BTreeMap<String, u64>, key: &str, n: u64) {
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

/// What one dossier moves and leaves behind.
#[derive(Debug, Clone, Serialize)]
pub struct DossierTally {
    pub id: String,
    pub name: String,
    pub to_group: String,
    /// Every chosen kind, zeros included.
    pub counts: BTreeMap<&'static str, u64>,
    /// The content digest of every chosen kind.
    pub digests: BTreeMap<&'static str, String>,
    pub left_behind: LeftBehind,
    /// Records edited after the cut-off: they move in their current state.
    pub edited_after_cut_off: u64,
}

/// The whole walk's result.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Survey {
    pub dossiers: Vec<DossierTally>,
    pub totals: BTreeMap<&'static str, u64>,
    pub left_behind: LeftBehind,
    /// Distinct file contents that move: sha256 -> size.
    pub files: BTreeMap<String, u64>,
    pub file_bytes: u64,
    /// Teammate e-mails the moving records refer to, as written.
    pub teammates: BTreeSet<String>,
}

/// Receives the moving records, dossier by dossier, kind by kind, in id
/// order; `end_kind` closes each chosen kind of each dossier.
pub trait Visitor {
    fn begin_dossier(&mut self, _dossier: &Selected) -> Result<()> {
        Ok(())
    }
    fn line(&mut self, dossier: &Selected, kind: &'static Kind, line: &str) -> Result<()>;
    fn end_kind(&mut self, dossier: &Selected, kind: &'static Kind) -> Result<()>;
    fn end_dossier(&mut self, _dossier: &Selected) -> Result<()> {
        Ok(())
    }
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

/// Where each moving record of a kind shared across dossiers (an agenda
/// item) goes: under the first moving dossier it concerns (by id),
/// whichever dossier it is stored under. Only records shared between
/// clients need remembering; an unshared one stays with the dossier it is
/// stored under. So memory grows with the shared records, not with the
/// account.
#[derive(Default)]
struct Shared {
    /// (kind, folded id) of a shared record -> the dossier id it is placed under
    placed: HashMap<(KindId, String), String>,
    /// (kind, folded id) of a shared record -> folded ids of the moving
    /// dossiers it concerns
    concerns: HashMap<(KindId, String), HashSet<String>>,
    /// (kind, dossier id) -> row ids of shared records placed under it but
    /// stored under another dossier
    foreign: HashMap<(KindId, String), Vec<i64>>,
    /// row id of a shared record -> the dossier it is stored under
    owners: HashMap<i64, String>,
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
    fn place_shared(&mut self, kind: &'static Kind) -> Result<()> {
        let dossier_ids: HashMap<i64, String> = self
            .store
            .account_dossiers(self.account)?
            .into_iter()
            .map(|d| (d.id, d.dossier.id))
            .collect();
        let (moving, cut_off_ns) = (&self.moving, self.cut_off_ns);
        let shared = &mut self.shared;
        self.store
            .for_each_account_record(self.account, kind.name, &mut |row| {
                let fields = parse(&row)?;
                let owner = dossier_ids.get(&row.dossier).cloned().unwrap_or_default();
                let concerns = concerned(kind, &owner, &fields);
                // Unshared records, and records entered after the cut-off
                // (which stay with the dossier they are stored under), are
                // not placed.
                if concerns.len() < 2 || row.created_ns > cut_off_ns {
                    return Ok(());
                }
                let moving_ones: Vec<String> = concerns
                    .iter()
                    .filter_map(|d| moving.get(&fold(d)).cloned())
                    .collect();
                let Some(place) = moving_ones.iter().min().cloned() else {
                    return Ok(());
                };
                let key = (kind.id, fold(&row.rid));
                shared.placed.insert(key.clone(), place.clone());
                shared
                    .concerns
                    .insert(key, moving_ones.iter().map(|d| fold(d)).collect());
                shared.owners.insert(row.rowid, owner.clone());
                if fold(&place) != fold(&owner) {
                    shared
                        .foreign
                        .entry((kind.id, place))
                        .or_default()
                        .push(row.rowid);
                }
                Ok(())
            })?;
        Ok(())
    }

    /// The records of a shared kind a dossier carries in the archive, in id
    /// order: its own (less shared ones placed elsewhere) and shared ones
    /// placed here.
    fn shared_rows(&self, selected: &Selected, kind: &'static Kind) -> Result<Vec<RecordRow>> {
        let id = &selected.row.dossier.id;
        let mut rows = Vec::new();
        self.store
            .for_each_record(selected.row.id, kind.name, &mut |row| {
                let elsewhere = self
                    .shared
                    .placed
                    .get(&(kind.id, fold(&row.rid)))
                    .is_some_and(|p| p != id);
                if !elsewhere {
                    rows.push(row);
                }
                Ok(())
            })?;
        let foreign = self.shared.foreign.get(&(kind.id, id.clone()));
        for rowid in foreign.into_iter().flatten() {
            rows.push(self.store.record(*rowid)?);
        }
        rows.sort_by(|a, b| a.rid.cmp(&b.rid));
        Ok(rows)
    }

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

    /// The teammate e-mails a moving record refers to, as written.
    fn note_teammates(&mut self, kind: &Kind, fields: &Map<String, Value>) {
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

    /// What export does with one reference (domain.md, "References"): a
    /// record of this dossier stays when it moved along; a record named
    /// across dossiers when it is in the archive at all; a history subject
    /// when it is this dossier's own. Dossier lists are rebuilt afterwards
    /// by [`relink_dossiers`].
    fn fate(&self, site: &Site, selected: &Selected, moved: &Moved) -> Result<Fate> {
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
    fn edits_after_cut_off(&self, kind: &Kind, fields: &Map<String, Value>) -> u64 {
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

    /// Remembers the file contents a moving record carries.
    fn note_content(&mut self, kind: &Kind, fields: &Map<String, Value>) {
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

/// The dossiers a shared record concerns: the one it is stored under and
/// those its dossier reference (`other_clients`) names.
fn concerned(kind: &Kind, owner: &str, fields: &Map<String, Value>) -> Vec<String> {
    let mut all = vec![owner.to_owned()];
    all.extend(
        kind.dossiers_field()
            .and_then(|f| fields.get(f))
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
            .map(str::to_owned),
    );
    all
}

/// A shared record's dossier reference (`other_clients`) in the archive:
/// the other moving dossiers it concerns; every other client is removed
/// (data minimisation) and counted.
fn relink_dossiers(
    kind: &Kind,
    fields: &mut Map<String, Value>,
    owner: &str,
    placed_under: &str,
    moving: &HashMap<String, String>,
    left: &mut LeftBehind,
) {
    let Some((field, r)) = kind.refs().find(|(_, r)| r.to == Target::Dossier) else {
        return;
    };
    let others = concerned(kind, owner, fields);
    let mut kept = BTreeSet::new();
    let mut removed = 0;
    for id in others {
        match moving.get(&fold(&id)) {
            Some(m) if fold(m) != fold(placed_under) => {
                kept.insert(m.clone());
            }
            Some(_) => {}
            None => removed += 1,
        }
    }
    LeftBehind::add(&mut left.references_removed, r.cut_as, removed);
    fields.insert(
        field.name.into(),
        Value::Array(kept.into_iter().map(Value::String).collect()),
    );
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

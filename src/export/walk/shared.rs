//! Records shared across dossiers (agenda items): where each one goes, and
//! which other clients it may still name.

use super::{LeftBehind, Walker, parse};
use crate::error::Result;
use crate::model::kinds::{Kind, KindId, Target};
use crate::model::syntax::fold;
use crate::select::Selected;
use crate::store::RecordRow;
use serde_json::{Map, Value};
use std::collections::{BTreeSet, HashMap, HashSet};

/// Where each moving record of a kind shared across dossiers (an agenda
/// item) goes: under the first moving dossier it concerns (by id),
/// whichever dossier it is stored under. Only records shared between
/// clients need remembering; an unshared one stays with the dossier it is
/// stored under. So memory grows with the shared records, not with the
/// account.
#[derive(Default)]
pub(super) struct Shared {
    /// (kind, folded id) of a shared record -> the dossier id it is placed under
    pub(super) placed: HashMap<(KindId, String), String>,
    /// (kind, folded id) of a shared record -> folded ids of the moving
    /// dossiers it concerns
    pub(super) concerns: HashMap<(KindId, String), HashSet<String>>,
    /// (kind, dossier id) -> row ids of shared records placed under it but
    /// stored under another dossier
    pub(super) foreign: HashMap<(KindId, String), Vec<i64>>,
    /// row id of a shared record -> the dossier it is stored under
    pub(super) owners: HashMap<i64, String>,
}

impl Walker<'_> {
    pub(super) fn place_shared(&mut self, kind: &'static Kind) -> Result<()> {
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
    pub(super) fn shared_rows(
        &self,
        selected: &Selected,
        kind: &'static Kind,
    ) -> Result<Vec<RecordRow>> {
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
pub(super) fn relink_dossiers(
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

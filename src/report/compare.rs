//! What the target holds for a migration against what the manifest says:
//! per dossier and kind, the expected count, the found count, and whether
//! the content digest matches, rebuilt from the target's records (their
//! origins give back the source ids). `report` shows it; `sign-off` is
//! refused while it finds a mismatch.

use crate::archive::manifest::{DossierEntry, Manifest};
use crate::digest::LineDigest;
use crate::error::{Error, Result};
use crate::model::kinds::{Kind, kind};
use crate::model::refs::{self, Fate, Points, Site};
use crate::model::syntax::fold;
use crate::problem::{Code, Problem};
use crate::store::{DossierRow, Store};
use serde::Serialize;
use serde_json::{Map, Value};
use std::collections::HashMap;
use std::convert::Infallible;

/// One dossier and kind.
#[derive(Debug, Clone, Serialize)]
pub struct Row {
    pub kind: String,
    pub expected: u64,
    pub found: u64,
    pub digest_matches: bool,
}

/// One migrated dossier.
#[derive(Debug, Clone, Serialize)]
pub struct DossierComparison {
    pub source_id: String,
    pub target_id: Option<String>,
    pub name: String,
    pub to_group: String,
    pub rows: Vec<Row>,
    /// Records others added to the dossier since the import.
    pub added_since: u64,
}

impl DossierComparison {
    pub fn matches(&self) -> bool {
        self.target_id.is_some()
            && self
                .rows
                .iter()
                .all(|r| r.expected == r.found && r.digest_matches)
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct Comparison {
    pub dossiers: Vec<DossierComparison>,
    pub problems: Vec<Problem>,
}

impl Comparison {
    pub fn mismatches(&self) -> usize {
        self.dossiers.iter().filter(|d| !d.matches()).count()
    }
}

/// The key space of dossier ids in [`Origins`], beside the kind names.
const DOSSIERS: &str = "dossiers";

/// Reverse maps from target ids to source ids, for one migration.
struct Origins {
    /// (kind, folded target id) -> source id; kind `dossiers` for dossiers
    ids: HashMap<(String, String), String>,
}

impl Origins {
    fn source(&self, kind: &str, target: &str) -> Option<&String> {
        self.ids.get(&(kind.to_owned(), fold(target)))
    }

    /// The record as it was exported: source ids, no origin.
    fn source_line(&self, k: &Kind, mut fields: Map<String, Value>, source_id: &str) -> String {
        fields.remove("origin");
        fields.insert("id".into(), Value::String(source_id.to_owned()));
        let back = |site: &Site| {
            let space = match site.to {
                Points::Record(k) => k.name,
                Points::Dossier => DOSSIERS,
            };
            Ok::<_, Infallible>(match self.source(space, site.id) {
                Some(s) => Fate::Rename(s.clone()),
                None => Fate::Keep,
            })
        };
        let Ok(_) = refs::rewrite(k, &mut fields, back);
        crate::canonical::to_string(&Value::Object(fields))
    }
}

/// Compares account `account` with the manifest of `migration`.
pub fn compare(
    store: &dyn Store,
    account: i64,
    migration: &str,
    manifest: &Manifest,
) -> Result<Comparison> {
    let dossiers = store.migration_dossiers(account, migration)?;
    let origins = origins(store, account, migration, &dossiers)?;
    let by_source: HashMap<String, &DossierRow> = dossiers
        .iter()
        .filter_map(|d| d.dossier.origin.as_ref().map(|o| (fold(&o.id), d)))
        .collect();
    let mut out = Comparison {
        dossiers: Vec::new(),
        problems: Vec::new(),
    };
    for entry in &manifest.dossiers {
        let compared = match by_source.get(&fold(&entry.id)) {
            Some(row) => {
                let cx = (store, migration, &origins);
                compare_dossier(cx, entry, row, &mut out.problems)?
            }
            None => missing(entry, &mut out.problems),
        };
        out.dossiers.push(compared);
    }
    Ok(out)
}

/// Target ids back to source ids, for every dossier and record the
/// migration brought.
fn origins(
    store: &dyn Store,
    account: i64,
    migration: &str,
    dossiers: &[DossierRow],
) -> Result<Origins> {
    let mut origins = Origins {
        ids: HashMap::new(),
    };
    for d in dossiers {
        if let Some(o) = &d.dossier.origin {
            origins
                .ids
                .insert((DOSSIERS.into(), fold(&d.dossier.id)), o.id.clone());
        }
    }
    for (k, target, source) in store.migration_records(account, migration)? {
        origins.ids.insert((k, fold(&target)), source);
    }
    Ok(origins)
}

/// A dossier of the manifest that is not in the account: all its records
/// are missing.
fn missing(entry: &DossierEntry, problems: &mut Vec<Problem>) -> DossierComparison {
    problems.push(
        Problem::error(
            Code::DossierMissing,
            format!(
                "dossier {} ({}) of the manifest is not in the account",
                entry.id, entry.name
            ),
        )
        .dossier(entry.id.clone()),
    );
    DossierComparison {
        source_id: entry.id.clone(),
        target_id: None,
        name: entry.name.clone(),
        to_group: entry.to_group.clone(),
        rows: entry
            .counts
            .iter()
            .map(|(k, n)| Row {
                kind: k.clone(),
                expected: *n,
                found: 0,
                digest_matches: false,
            })
            .collect(),
        added_since: 0,
    }
}

/// A migrated dossier, kind by kind: counts and digests against the
/// manifest, and records added since the import.
fn compare_dossier(
    (store, migration, origins): (&dyn Store, &str, &Origins),
    entry: &DossierEntry,
    row: &DossierRow,
    problems: &mut Vec<Problem>,
) -> Result<DossierComparison> {
    let mut rows = Vec::new();
    for (kind_name, expected) in &entry.counts {
        let Some(k) = kind(kind_name) else {
            return Err(Error::Internal(format!(
                "the manifest names an unknown kind {kind_name}"
            )));
        };
        let (found, digest) = rebuild(store, row.id, k, migration, origins)?;
        let digest_matches = entry.digests.get(kind_name) == Some(&digest);
        let problem = if found != *expected {
            let message = format!(
                "dossier {} ({}): {kind_name}: {expected} expected, {found} found",
                entry.id, row.dossier.id
            );
            Some(Problem::error(Code::CountMismatch, message))
        } else if !digest_matches {
            let message = format!(
                "dossier {} ({}): {kind_name}: the records differ from what was exported",
                entry.id, row.dossier.id
            );
            Some(Problem::error(Code::DigestMismatch, message))
        } else {
            None
        };
        if let Some(p) = problem {
            problems.push(p.dossier(entry.id.clone()).kind(kind_name.clone()));
        }
        rows.push(Row {
            kind: kind_name.clone(),
            expected: *expected,
            found,
            digest_matches,
        });
    }
    let added_since = store.records_not_of(row.id, migration)?;
    if added_since > 0 {
        problems.push(
            Problem::warning(
                Code::RecordAddedAfterImport,
                format!(
                    "dossier {} ({}): {added_since} record(s) were added since the import",
                    entry.id, row.dossier.id
                ),
            )
            .dossier(entry.id.clone()),
        );
    }
    Ok(DossierComparison {
        source_id: entry.id.clone(),
        target_id: Some(row.dossier.id.clone()),
        name: entry.name.clone(),
        to_group: entry.to_group.clone(),
        rows,
        added_since,
    })
}

/// Count and content digest of a kind's migrated records in a dossier, in
/// their exported form, sorted by source id.
fn rebuild(
    store: &dyn Store,
    dossier: i64,
    k: &'static Kind,
    migration: &str,
    origins: &Origins,
) -> Result<(u64, String)> {
    // A list, not a map by source id: a second record claiming the same
    // origin (a copy slipped in under another target id) must raise the
    // count instead of collapsing into the first.
    let mut lines: Vec<(String, String)> = Vec::new();
    store.for_each_record(dossier, k.name, &mut |row| {
        let Ok(Value::Object(mut fields)) = serde_json::from_str::<Value>(&row.body) else {
            return Err(Error::Internal(format!(
                "stored record {} is not a JSON object",
                row.rid
            )));
        };
        let origin = fields.get("origin").cloned();
        let Some(source) = origin
            .as_ref()
            .filter(|o| o.get("migration").and_then(Value::as_str) == Some(migration))
            .and_then(|o| o.get("id").and_then(Value::as_str))
        else {
            return Ok(());
        };
        let source = source.to_owned();
        fields.remove("origin");
        let line = origins.source_line(k, fields, &source);
        lines.push((source, line));
        Ok(())
    })?;
    lines.sort();
    let mut digest = LineDigest::default();
    for (_, line) in &lines {
        digest.push(line);
    }
    Ok((digest.count(), digest.finish()))
}

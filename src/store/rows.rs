//! What the store hands out and takes in, the same for every engine.

use crate::model::{Account, Dossier, Group, Origin};
use serde::Serialize;
use std::io::Read;

/// An account and the store's own marks on it.
#[derive(Debug, Clone)]
pub struct AccountRow {
    /// The store's key for the account (other calls take it).
    pub id: i64,
    /// The account itself, as the model reads it.
    pub account: Account,
    /// The migration whose import holds the account read-only, if any.
    pub read_only: Option<String>,
}

/// A group and the store's own marks on it.
#[derive(Debug, Clone)]
pub struct GroupRow {
    /// The store's key for the group (other calls take it).
    pub id: i64,
    /// The group itself, as the model reads it.
    pub group: Group,
    /// The migration whose export holds the group read-only, if any.
    pub read_only: Option<String>,
    /// The migration whose import created the group, if any.
    pub origin: Option<String>,
}

/// A dossier with the store's keys for it and its group.
#[derive(Debug, Clone)]
pub struct DossierRow {
    /// The store's key for the dossier (other calls take it).
    pub id: i64,
    /// The store's key ([`GroupRow::id`]) of the group the dossier is in.
    pub group_id: i64,
    /// The dossier itself, as the model reads it.
    pub dossier: Dossier,
}

/// One stored record.
#[derive(Debug, Clone)]
pub struct RecordRow {
    /// The store's key for the record, unique across kinds and dossiers.
    pub rowid: i64,
    /// The store's key ([`DossierRow::id`]) of the dossier the record belongs to.
    pub dossier: i64,
    /// The record's id as written (ids are compared case-folded).
    pub rid: String,
    /// The record's `created_at` in nanoseconds since the Unix epoch, for
    /// cut-off comparisons.
    pub created_ns: i64,
    /// The record's canonical JSON.
    pub body: String,
}

/// An account as `account list` shows it.
#[derive(Debug, Clone, Serialize)]
pub struct AccountSummary {
    /// The account's slug, the name commands take.
    pub slug: String,
    /// The account's display name.
    pub name: String,
    /// The migration whose import holds the account read-only, if any.
    pub read_only: Option<String>,
    /// The account's groups, by key.
    pub groups: Vec<GroupSummary>,
}

/// A group as `account list` shows it.
#[derive(Debug, Clone, Serialize)]
pub struct GroupSummary {
    /// The group's key within its account.
    pub key: String,
    /// The group's display name.
    pub name: String,
    /// How many dossiers the group holds.
    pub dossiers: u64,
    /// The migration whose export holds the group read-only, if any.
    pub read_only: Option<String>,
}

/// A record ready to insert: its canonical JSON and the columns queries use.
pub struct NewRecord<'a> {
    /// The record kind's name, as in the kinds table (`model::kinds`).
    pub kind: &'a str,
    /// The record's id as written.
    pub id: &'a str,
    /// The record's `created_at` exactly as written in the record.
    pub created_at: &'a str,
    /// The same instant as `created_at`, in nanoseconds since the Unix epoch.
    pub created_ns: i64,
    /// The hex sha256 of the file's contents, for file records; `None` for
    /// all other kinds.
    pub sha256: Option<&'a str>,
    /// The record's canonical JSON.
    pub body: &'a str,
    /// The migration and source id the record was imported with; `None` for a
    /// record that no import brought in.
    pub origin: Option<&'a Origin>,
}

/// The origin (migration, source id) of whatever holds a folded id.
pub type Holder = Option<(Option<String>, Option<String>)>;

/// What a rollback removed.
#[derive(Debug, Default, Clone, Serialize)]
pub struct Removed {
    /// Records removed, of every kind.
    pub records: u64,
    /// Dossiers removed.
    pub dossiers: u64,
    /// Groups removed (the ones the import created).
    pub groups: u64,
    /// Teammates removed (the ones the import created).
    pub teammates: u64,
    /// File contents removed because nothing referred to them any more.
    pub files: u64,
}

/// Fills `buf` as far as the reader allows (short reads joined up).
pub(super) fn read_full(r: &mut dyn Read, buf: &mut [u8]) -> std::io::Result<usize> {
    let mut filled = 0;
    while filled < buf.len() {
        match r.read(&mut buf[filled..]) {
            Ok(0) => break,
            Ok(n) => filled += n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(filled)
}

/// The lowercase name serde gives a unit enum variant.
pub(super) fn enum_text<T: serde::Serialize>(value: &T) -> String {
    match serde_json::to_value(value) {
        Ok(serde_json::Value::String(s)) => s,
        other => format!("{other:?}"),
    }
}

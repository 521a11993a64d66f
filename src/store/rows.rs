//! What the store hands out and takes in, the same for every engine.

use crate::model::{Account, Dossier, Group, Origin};
use serde::Serialize;
use std::io::Read;

/// An account and the store's own marks on it.
#[derive(Debug, Clone)]
pub struct AccountRow {
    /// The store's key for the account (other calls take it).
    pub id: i64,
    pub account: Account,
    /// The migration whose import holds the account read-only, if any.
    pub read_only: Option<String>,
}

/// A group and the store's own marks on it.
#[derive(Debug, Clone)]
pub struct GroupRow {
    pub id: i64,
    pub group: Group,
    /// The migration whose export holds the group read-only, if any.
    pub read_only: Option<String>,
    /// The migration whose import created the group, if any.
    pub origin: Option<String>,
}

/// A dossier with the store's keys for it and its group.
#[derive(Debug, Clone)]
pub struct DossierRow {
    pub id: i64,
    pub group_id: i64,
    pub dossier: Dossier,
}

/// One stored record.
#[derive(Debug, Clone)]
pub struct RecordRow {
    pub rowid: i64,
    pub dossier: i64,
    pub rid: String,
    pub created_ns: i64,
    /// The record's canonical JSON.
    pub body: String,
}

/// An account as `account list` shows it.
#[derive(Debug, Clone, Serialize)]
pub struct AccountSummary {
    pub slug: String,
    pub name: String,
    pub read_only: Option<String>,
    pub groups: Vec<GroupSummary>,
}

/// A group as `account list` shows it.
#[derive(Debug, Clone, Serialize)]
pub struct GroupSummary {
    pub key: String,
    pub name: String,
    pub dossiers: u64,
    pub read_only: Option<String>,
}

/// A record ready to insert: its canonical JSON and the columns queries use.
pub struct NewRecord<'a> {
    pub kind: &'a str,
    pub id: &'a str,
    pub created_at: &'a str,
    pub created_ns: i64,
    pub sha256: Option<&'a str>,
    pub body: &'a str,
    pub origin: Option<&'a Origin>,
}

/// The origin (migration, source id) of whatever holds a folded id.
pub type Holder = Option<(Option<String>, Option<String>)>;

/// What a rollback removed.
#[derive(Debug, Default, Clone, Serialize)]
pub struct Removed {
    pub records: u64,
    pub dossiers: u64,
    pub groups: u64,
    pub teammates: u64,
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

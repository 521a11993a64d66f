//! `manifest.json`: what the archive holds, with counts, content digests,
//! every entry's sha256 and size, and what stayed behind.

use crate::export::walk::LeftBehind;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Manifest {
    pub format: String,
    pub format_version: u32,
    pub tool: String,
    pub migration_id: String,
    pub rehearsal: bool,
    pub created_at: String,
    pub operator: String,
    pub plan_sha256: String,
    pub cut_off: String,
    pub effective_cut_off: String,
    pub daily_reports_since: Option<String>,
    pub source: Source,
    pub dossiers: Vec<DossierEntry>,
    pub totals: Totals,
    pub left_behind: LeftBehind,
    pub entries: Vec<Entry>,
    pub payload_oxum: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Source {
    pub account: String,
    pub group: String,
    pub config_fingerprint: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DossierEntry {
    pub id: String,
    pub name: String,
    pub to_group: String,
    pub counts: BTreeMap<String, u64>,
    pub digests: BTreeMap<String, String>,
    #[serde(default)]
    pub left_behind: LeftBehind,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Totals {
    pub dossiers: u64,
    pub records: BTreeMap<String, u64>,
    pub file_bytes: u64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Entry {
    pub path: String,
    pub size: u64,
    pub sha256: String,
}

/// BagIt's quick check: `total bytes.entry count`.
pub fn oxum(entries: &[Entry]) -> String {
    format!(
        "{}.{}",
        entries.iter().map(|e| e.size).sum::<u64>(),
        entries.len()
    )
}

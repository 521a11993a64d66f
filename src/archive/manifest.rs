//! `manifest.json`: what the archive holds, with counts, content digests,
//! every entry's sha256 and size, and what stayed behind.

use crate::export::walk::LeftBehind;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The contents of `manifest.json`, the archive's signed table of contents:
/// what moves, how much of it, its digests, and what stayed behind
/// (archive.md).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Manifest {
    /// Always [`FORMAT`](super::FORMAT), `dossier-transfer-archive`.
    pub format: String,
    /// The format's version, [`FORMAT_VERSION`](super::FORMAT_VERSION) here;
    /// a reader refuses a version higher than it knows.
    pub format_version: u32,
    /// The program and version that wrote it, e.g. `dossier-transfer 0.1.0`.
    pub tool: String,
    /// The plan's `id`.
    pub migration_id: String,
    /// `true` for a `--rehearsal` export; such an archive is never imported
    /// into the live account.
    pub rehearsal: bool,
    /// When the export ran (RFC 3339, Amsterdam offset).
    pub created_at: String,
    /// Who ran the export, `Name <email>`.
    pub operator: String,
    /// The plan's digest: the hex sha256 of the `plan.json` entry.
    pub plan_sha256: String,
    /// The plan's cut-off, as written in the plan.
    pub cut_off: String,
    /// The bound the export applied to records: the cut-off, or for a
    /// rehearsal the earlier of the cut-off and the moment of the export.
    pub effective_cut_off: String,
    /// The plan's `since` date for daily reports; `None` when it has none.
    pub daily_reports_since: Option<String>,
    /// Where the dossiers come from.
    pub source: Source,
    /// Every moving dossier, with its counts and digests.
    pub dossiers: Vec<DossierEntry>,
    /// The sums over [`Manifest::dossiers`].
    pub totals: Totals,
    /// What the export did not take, per reason and kind.
    pub left_behind: LeftBehind,
    /// Every entry except `manifest.json` and its signature.
    pub entries: Vec<Entry>,
    /// BagIt's quick check over `entries`: see [`oxum`].
    pub payload_oxum: String,
}

/// The source group the archive was exported from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Source {
    /// The source account's slug.
    pub account: String,
    /// The source group's key.
    pub group: String,
    /// The hex sha256 of the group's configuration in canonical JSON, which
    /// `check` compares with the target group's.
    pub config_fingerprint: String,
}

/// One moving dossier in the manifest.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DossierEntry {
    /// The dossier's source id.
    pub id: String,
    /// The dossier's name.
    pub name: String,
    /// The key of the target group the dossier moves into.
    pub to_group: String,
    /// Records per kind, for every kind the plan chooses (0 included).
    pub counts: BTreeMap<String, u64>,
    /// Per chosen kind, the hex sha256 of the dossier's records in canonical
    /// JSON, one per line, in source id order (archive.md, "The content
    /// digest").
    pub digests: BTreeMap<String, String>,
    /// What of this dossier stayed behind; empty when the field is absent.
    #[serde(default)]
    pub left_behind: LeftBehind,
}

/// The sums over the manifest's dossiers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Totals {
    /// How many dossiers move.
    pub dossiers: u64,
    /// Records per kind, the sum of the dossiers' counts.
    pub records: BTreeMap<String, u64>,
    /// Bytes of the distinct file contents (each content counted once).
    pub file_bytes: u64,
}

/// One ZIP entry and what it must hold.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Entry {
    /// The entry's name inside the ZIP.
    pub path: String,
    /// The entry's size in bytes, uncompressed.
    pub size: u64,
    /// The hex sha256 of the entry's uncompressed bytes.
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

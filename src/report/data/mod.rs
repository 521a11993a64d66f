//! The acceptance report's data (process.md step 7), built from the target
//! store alone: the journal keeps the manifest of the import and the
//! records keep their origins, so nothing of the source side is needed to
//! prove that what arrived is what left. [`super::text`] and
//! [`super::html`] render this one structure; `--json` prints it as is.

mod build;
mod history;

pub use build::build;
pub(crate) use build::kind_rank;

use crate::export::walk::LeftBehind;
use crate::problem::Problem;
use crate::report::compare::Row;
use crate::store::AuditCheck;
use crate::store::journal::Stage;
use serde::Serialize;

/// Everything the report shows. `problems` travel beside it (the JSON's
/// top-level `problems`), not inside it.
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    pub migration: String,
    /// The sha256 of the plan given to `report`.
    pub(crate) plan_sha256: String,
    pub test_level: &'static str,
    pub account: AccountInfo,
    pub stage: Stage,
    pub(crate) generated_at: String,
    pub verdict: Verdict,
    /// The import in force; `None` when nothing is imported.
    pub import: Option<ImportInfo>,
    pub dossiers: Vec<DossierReport>,
    /// Per kind over all dossiers, in the order of the kinds table.
    pub kinds: Vec<KindTotal>,
    /// The manifest's totals of what stayed behind.
    pub left_behind: LeftBehind,
    pub teammates: Teammates,
    pub configuration: Configuration,
    pub consents: Vec<ConsentInfo>,
    pub timeline: Vec<Event>,
    pub clients_on_target: Vec<ClientOnTarget>,
    pub audit: AuditCheck,
    pub signed_off: Option<SignedOff>,
    #[serde(skip)]
    pub problems: Vec<Problem>,
}

#[derive(Debug, Clone, Serialize)]
pub struct AccountInfo {
    pub slug: String,
    pub name: String,
    /// `Name <email>` of the account's owner.
    pub owner: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum VerdictStatus {
    /// Every dossier and kind: count and content as exported.
    AllMatched,
    /// At least one count, content digest or dossier differs.
    Mismatches,
    /// No import of the migration is in force in the account.
    NotImported,
    /// The data matches, but the audit log's chain is broken.
    AuditBroken,
}

#[derive(Debug, Clone, Serialize)]
pub struct Verdict {
    pub status: VerdictStatus,
    /// Findings that differ: one per (dossier, kind) or missing dossier.
    pub mismatches: usize,
    pub dossiers: usize,
    pub dossiers_mismatched: usize,
    pub(crate) records_expected: u64,
    pub records_found: u64,
    pub warnings: usize,
}

impl Verdict {
    pub fn ok(&self) -> bool {
        self.status == VerdictStatus::AllMatched
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct ImportInfo {
    pub archive_sha256: String,
    pub rehearsal: bool,
    pub(crate) imported_at: Option<String>,
    pub(crate) imported_by: String,
    pub(crate) exported_at: String,
    pub exported_by: String,
    /// The plan the archive was made with.
    pub(crate) plan_sha256: String,
    pub cut_off: String,
    pub effective_cut_off: String,
    pub(crate) daily_reports_since: Option<String>,
    pub(crate) source_account: String,
    pub source_group: String,
    pub file_bytes: u64,
}

#[derive(Debug, Clone, Serialize)]
pub struct DossierReport {
    pub source_id: String,
    /// `None` when the dossier is not in the account.
    pub target_id: Option<String>,
    pub name: String,
    pub to_group: String,
    /// Every chosen kind, in the order of the kinds table.
    pub rows: Vec<Row>,
    pub expected: u64,
    pub found: u64,
    pub matches: bool,
    /// Records others added to the dossier since the import.
    pub added_since: u64,
    pub left_behind: LeftBehind,
}

#[derive(Debug, Clone, Serialize)]
pub struct KindTotal {
    pub kind: String,
    pub expected: u64,
    pub found: u64,
    pub(crate) digests_match: bool,
    /// Records of this kind that stayed at the source (cut-off, `since`,
    /// not chosen); removed references are not records and not counted.
    pub left_behind: u64,
}

#[derive(Debug, Clone, Serialize)]
pub struct Person {
    pub email: String,
    pub name: Option<String>,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct Teammates {
    /// Kept as attributions: no teammate on the target, none created.
    pub unmapped: Vec<Person>,
    /// Created by the import, inactive.
    pub created: Vec<Person>,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct Configuration {
    pub source: Option<SourceConfig>,
    pub targets: Vec<TargetConfig>,
}

#[derive(Debug, Clone, Serialize)]
pub struct SourceConfig {
    pub account: String,
    pub group: String,
    pub fingerprint: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct TargetConfig {
    pub group: String,
    /// The group's current fingerprint; `None` when the group is missing.
    pub fingerprint: Option<String>,
    pub same_as_source: bool,
    /// Created by the import (test level A).
    pub(crate) created_by_import: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct ConsentInfo {
    /// `source_owner` or `target_owner`.
    pub role: &'static str,
    pub account: String,
    pub name: String,
    pub email: String,
    pub(crate) given_on: String,
    pub reference: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Action {
    Export,
    Align,
    Import,
    ImportFailed,
    ImportUnfinished,
    SignOff,
    Rollback,
}

impl Action {
    pub fn as_str(self) -> &'static str {
        match self {
            Action::Export => "export",
            Action::Align => "align",
            Action::Import => "import",
            Action::ImportFailed => "import-failed",
            Action::ImportUnfinished => "import-unfinished",
            Action::SignOff => "sign-off",
            Action::Rollback => "rollback",
        }
    }
}

/// One moment the stores know of.
#[derive(Debug, Clone, Serialize)]
pub struct Event {
    pub at: String,
    pub action: Action,
    /// The account it happened in (the source account for the export).
    pub account: String,
    pub stage: Option<Stage>,
    pub by: String,
    pub detail: Option<String>,
}

/// A migrated dossier whose client already had one here (same BSN).
#[derive(Debug, Clone, Serialize)]
pub struct ClientOnTarget {
    pub source_id: String,
    pub target_id: String,
    pub name: String,
    pub other_id: String,
    pub other_name: String,
    pub(crate) other_group: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct SignedOff {
    pub by: String,
    pub at: String,
}

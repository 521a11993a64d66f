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
    /// The migration id (the plan's `id`).
    pub(crate) migration: String,
    /// The sha256 of the plan given to `report`.
    pub(crate) plan_sha256: String,
    /// The plan's test level as written there: `test-group`, `test-account`
    /// or `dress-rehearsal`.
    pub(crate) test_level: &'static str,
    /// The account the report is about (the one imported into).
    pub(crate) account: AccountInfo,
    /// Which import this is: the plan's `target.test_account` is the test
    /// stage, `target.account` the live stage.
    pub(crate) stage: Stage,
    pub(crate) generated_at: String,
    /// The one-line outcome, with the counts behind it.
    pub verdict: Verdict,
    /// The import in force; `None` when nothing is imported.
    pub(crate) import: Option<ImportInfo>,
    /// Per migrated dossier, in the manifest's order; empty when nothing is
    /// imported.
    pub(crate) dossiers: Vec<DossierReport>,
    /// Per kind over all dossiers, in the order of the kinds table.
    pub(crate) kinds: Vec<KindTotal>,
    /// The manifest's totals of what stayed behind.
    pub(crate) left_behind: LeftBehind,
    /// Teammate references with no teammate on the target: kept as
    /// attributions, or created by the import.
    pub(crate) teammates: Teammates,
    /// The source group's configuration against each planned target group.
    pub(crate) configuration: Configuration,
    /// The two owners' consents, as the given plan records them.
    pub(crate) consents: Vec<ConsentInfo>,
    /// Align, export, import, sign-off and rollback of this migration, oldest
    /// first.
    pub(crate) timeline: Vec<Event>,
    /// Migrated clients who already had a dossier in the account (same BSN):
    /// a safety risk a person must look at.
    pub(crate) clients_on_target: Vec<ClientOnTarget>,
    /// Whether the account's audit log chain is intact.
    pub(crate) audit: AuditCheck,
    /// The approval of this stage; `None` while it is not signed off.
    pub(crate) signed_off: Option<SignedOff>,
    /// Mismatches and warnings found while building (not serialised with
    /// the report; `--json` prints them beside it).
    #[serde(skip)]
    pub problems: Vec<Problem>,
}

/// The account a report is about.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct AccountInfo {
    /// The account's slug, its key in the store.
    pub(crate) slug: String,
    /// The account's display name.
    pub(crate) name: String,
    /// `Name <email>` of the account's owner.
    pub(crate) owner: String,
}

/// The outcome of a report; serialised kebab-case.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub(crate) enum VerdictStatus {
    /// Every dossier and kind: count and content as exported.
    AllMatched,
    /// At least one count, content digest or dossier differs.
    Mismatches,
    /// No import of the migration is in force in the account.
    NotImported,
    /// The data matches, but the audit log's chain is broken.
    AuditBroken,
}

/// The outcome of a report and the counts behind it.
#[derive(Debug, Clone, Serialize)]
pub struct Verdict {
    /// What the counts add up to.
    pub(crate) status: VerdictStatus,
    /// Findings that differ: one per (dossier, kind) or missing dossier.
    pub(crate) mismatches: usize,
    /// Migrated dossiers compared.
    pub(crate) dossiers: usize,
    /// Dossiers missing from the account or with a kind whose count or
    /// content digest differs.
    pub(crate) dossiers_mismatched: usize,
    pub(crate) records_expected: u64,
    /// Records of the migrated dossiers found in the account, over all
    /// kinds (records added since the import not counted).
    pub(crate) records_found: u64,
    /// Problems of warning severity (they do not change the status).
    pub(crate) warnings: usize,
}

impl Verdict {
    /// Whether everything arrived as exported and the audit log is intact.
    pub fn ok(&self) -> bool {
        self.status == VerdictStatus::AllMatched
    }
}

/// The import in force, as the journal and its manifest record it.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct ImportInfo {
    /// Lowercase hex sha256 of the archive file that was imported.
    pub(crate) archive_sha256: String,
    /// Whether the archive is a `--rehearsal` export (test level C).
    pub(crate) rehearsal: bool,
    pub(crate) imported_at: Option<String>,
    pub(crate) imported_by: String,
    pub(crate) exported_at: String,
    /// `Name <email>` of the operator who exported the archive.
    pub(crate) exported_by: String,
    /// The plan the archive was made with.
    pub(crate) plan_sha256: String,
    /// The plan's cut-off (RFC 3339): records entered later stayed behind.
    pub(crate) cut_off: String,
    /// The bound the export applied (RFC 3339): the cut-off, or for a
    /// rehearsal the earlier of the cut-off and the export's time.
    pub(crate) effective_cut_off: String,
    pub(crate) daily_reports_since: Option<String>,
    pub(crate) source_account: String,
    /// Key of the source group the dossiers came from.
    pub(crate) source_group: String,
    /// Bytes of file contents in the archive, each distinct content counted
    /// once.
    pub(crate) file_bytes: u64,
}

/// One migrated dossier: what was expected per kind and what is there.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct DossierReport {
    /// The dossier's id in the source account.
    pub(crate) source_id: String,
    /// `None` when the dossier is not in the account.
    pub(crate) target_id: Option<String>,
    /// The client's name, as exported.
    pub(crate) name: String,
    /// Key of the target group the plan sent the dossier to.
    pub(crate) to_group: String,
    /// Every chosen kind, in the order of the kinds table.
    pub(crate) rows: Vec<Row>,
    /// Records the manifest lists for the dossier, over all kinds.
    pub(crate) expected: u64,
    /// Records of the dossier found in the account, over all kinds.
    pub(crate) found: u64,
    /// Whether the dossier is there and every kind matches in count and
    /// content digest.
    pub(crate) matches: bool,
    /// Records others added to the dossier since the import.
    pub(crate) added_since: u64,
    /// What stayed at the source for this dossier, and why.
    pub(crate) left_behind: LeftBehind,
}

/// One kind's totals over all migrated dossiers.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct KindTotal {
    /// The kind's name (its file name in the tree, e.g. `daily_reports`).
    pub(crate) kind: String,
    /// Records of the kind the manifest lists.
    pub(crate) expected: u64,
    /// Records of the kind found in the account.
    pub(crate) found: u64,
    pub(crate) digests_match: bool,
    /// Records of this kind that stayed at the source (cut-off, `since`,
    /// not chosen); removed references are not records and not counted.
    pub(crate) left_behind: u64,
}

/// A teammate reference by e-mail, with a name where one is known.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct Person {
    /// The e-mail address the records refer to.
    pub(crate) email: String,
    /// The name the records or the teammate carry; `None` when none is
    /// known.
    pub(crate) name: Option<String>,
}

/// Teammate references of the migrated records that had no teammate on
/// the target.
#[derive(Debug, Clone, Default, Serialize)]
pub(crate) struct Teammates {
    /// Kept as attributions: no teammate on the target, none created.
    pub(crate) unmapped: Vec<Person>,
    /// Created by the import, inactive.
    pub(crate) created: Vec<Person>,
}

/// The source group's configuration fingerprint against the target
/// groups'.
#[derive(Debug, Clone, Default, Serialize)]
pub(crate) struct Configuration {
    /// The source group as exported; `None` when nothing is imported.
    pub(crate) source: Option<SourceConfig>,
    /// Each target group the plan names, once.
    pub(crate) targets: Vec<TargetConfig>,
}

/// The source group's configuration, as the manifest records it.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct SourceConfig {
    /// Slug of the source account.
    pub(crate) account: String,
    /// Key of the source group.
    pub(crate) group: String,
    /// Lowercase hex sha256 of the group configuration's canonical JSON at
    /// export.
    pub(crate) fingerprint: String,
}

/// A target group's configuration now.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct TargetConfig {
    /// Key of the target group.
    pub(crate) group: String,
    /// The group's current fingerprint; `None` when the group is missing.
    pub(crate) fingerprint: Option<String>,
    /// Whether its fingerprint equals the source group's (the configs are
    /// equal).
    pub(crate) same_as_source: bool,
    /// Created by the import (test level A).
    pub(crate) created_by_import: bool,
}

/// One owner's consent, from the plan.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct ConsentInfo {
    /// `source_owner` or `target_owner`.
    pub(crate) role: &'static str,
    /// Slug of the account the owner owns.
    pub(crate) account: String,
    /// The owner's name.
    pub(crate) name: String,
    /// The owner's e-mail address.
    pub(crate) email: String,
    pub(crate) given_on: String,
    /// Where the consent is kept (e.g. the e-mail it was given in).
    pub(crate) reference: String,
}

/// What happened at a moment of the timeline; serialised kebab-case.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub(crate) enum Action {
    /// An archive was exported from the source group (`detail` says
    /// `rehearsal` for a rehearsal).
    Export,
    /// Missing configuration was appended to a target group.
    Align,
    /// An import committed (it may have been rolled back later).
    Import,
    /// An import failed and left the account as it was (`detail` says why).
    ImportFailed,
    /// An import started and never finished (still `started` in the
    /// journal).
    ImportUnfinished,
    /// The stage was signed off.
    SignOff,
    /// The import was rolled back.
    Rollback,
}

impl Action {
    /// The action's kebab-case name, as serialised.
    pub(crate) fn as_str(self) -> &'static str {
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
pub(crate) struct Event {
    /// When it happened (RFC 3339, as recorded).
    pub(crate) at: String,
    /// What happened.
    pub(crate) action: Action,
    /// The account it happened in (the source account for the export).
    pub(crate) account: String,
    /// The import's stage; `None` for export and align, which belong to no
    /// stage.
    pub(crate) stage: Option<Stage>,
    /// `Name <email>` of the operator.
    pub(crate) by: String,
    /// More to say, e.g. the archive's sha256 or why an import failed;
    /// `None` when there is nothing.
    pub(crate) detail: Option<String>,
}

/// A migrated dossier whose client already had one here (same BSN).
#[derive(Debug, Clone, Serialize)]
pub(crate) struct ClientOnTarget {
    /// The migrated dossier's id in the source account.
    pub(crate) source_id: String,
    /// The migrated dossier's id in this account.
    pub(crate) target_id: String,
    /// The migrated dossier's client name.
    pub(crate) name: String,
    /// Id of the dossier the client already had in this account.
    pub(crate) other_id: String,
    /// Client name on that other dossier.
    pub(crate) other_name: String,
    pub(crate) other_group: String,
}

/// The approval of a stage.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct SignedOff {
    /// `Name <email>` of who signed off.
    pub by: String,
    /// When (RFC 3339).
    pub at: String,
}

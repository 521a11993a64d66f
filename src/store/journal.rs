//! The migration journal: per account, every import of a migration with its
//! stage, archive, outcome, sign-off and rollback; and the read-only mark an
//! import holds on the account while it runs. The rows' types, the same for
//! every engine.

use crate::error::Error;
use crate::problem::{Code, Problem};
use serde::Serialize;

/// Which account an import wrote into: the plan's test account or its
/// live account (the stage rules per test level are in import.md).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Stage {
    /// The import into the test account.
    Test,
    /// The import into the live account.
    Live,
}

impl Stage {
    /// The stage as stored in the journal and shown in reports.
    pub fn as_str(self) -> &'static str {
        match self {
            Stage::Test => "test",
            Stage::Live => "live",
        }
    }
}

/// Where an import stands, as the journal stores it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Status {
    /// The import is running (or crashed): the account is held read-only.
    Started,
    /// Everything was written in one transaction and the read-only mark cleared.
    Committed,
    /// The import stopped with an error (in [`Entry::failure`]); none of its
    /// data was written.
    Failed,
    /// `rollback` removed everything the import brought in.
    RolledBack,
}

impl Status {
    /// The status as stored in the journal (`rolled-back` in kebab case).
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Started => "started",
            Status::Committed => "committed",
            Status::Failed => "failed",
            Status::RolledBack => "rolled-back",
        }
    }

    /// The status stored as text; anything unknown reads as `started`.
    pub fn parse(s: &str) -> Status {
        match s {
            "committed" => Status::Committed,
            "failed" => Status::Failed,
            "rolled-back" => Status::RolledBack,
            _ => Status::Started,
        }
    }
}

/// One journal row.
#[derive(Debug, Clone, Serialize)]
pub struct Entry {
    /// The store's key for the row.
    pub id: i64,
    /// The migration id from the plan.
    pub migration: String,
    /// Whether this was the test or the live import.
    pub stage: Stage,
    /// Whether the archive was a `--rehearsal` export.
    pub rehearsal: bool,
    /// The hex sha256 of the archive file imported.
    pub archive_sha256: String,
    /// Where the import stands.
    pub status: Status,
    /// When the import started (RFC 3339 with the Amsterdam offset).
    pub started_at: String,
    /// The operator who ran the import.
    pub started_by: String,
    /// When the import committed; `None` until it does.
    pub committed_at: Option<String>,
    /// The error that stopped the import; `None` unless it failed.
    pub failure: Option<String>,
    /// When the import was rolled back; `None` unless it was.
    pub rolled_back_at: Option<String>,
    /// The operator who rolled it back; `None` unless it was.
    pub rolled_back_by: Option<String>,
    /// When the stage was signed off; `None` until it is.
    pub signed_off_at: Option<String>,
    /// Who signed the stage off (`Name <email>`); `None` until someone does.
    pub signed_off_by: Option<String>,
    /// The archive's manifest as JSON, stored at commit; `None` before. Not
    /// shown in `--json` output.
    #[serde(skip)]
    pub manifest: Option<String>,
    /// The counts and digests the import computed, as JSON, stored at commit;
    /// `None` before. Not shown in `--json` output.
    #[serde(skip)]
    pub written: Option<String>,
}

impl Entry {
    /// A committed import that has not been rolled back.
    pub fn in_force(&self) -> bool {
        self.status == Status::Committed
    }
}

/// The refusal of a write to an account another migration holds.
pub fn read_only_refusal(slug: &str, holder: &str) -> Error {
    Error::Refused(Problem::error(
        Code::AccountReadOnly,
        format!(
            "account `{slug}` is read-only while migration {holder} is imported into it; try again when it is done (or `unlock` a failed import)"
        ),
    ))
}

pub use super::rows::Removed;

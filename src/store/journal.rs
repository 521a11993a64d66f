//! The migration journal: per account, every import of a migration with its
//! stage, archive, outcome, sign-off and rollback; and the read-only mark an
//! import holds on the account while it runs. The rows' types, the same for
//! every engine.

use crate::error::Error;
use crate::problem::{Code, Problem};
use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Stage {
    Test,
    Live,
}

impl Stage {
    pub fn as_str(self) -> &'static str {
        match self {
            Stage::Test => "test",
            Stage::Live => "live",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Status {
    Started,
    Committed,
    Failed,
    RolledBack,
}

impl Status {
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
    pub id: i64,
    pub migration: String,
    pub stage: Stage,
    pub rehearsal: bool,
    pub archive_sha256: String,
    pub status: Status,
    pub started_at: String,
    pub started_by: String,
    pub committed_at: Option<String>,
    pub failure: Option<String>,
    pub rolled_back_at: Option<String>,
    pub rolled_back_by: Option<String>,
    pub signed_off_at: Option<String>,
    pub signed_off_by: Option<String>,
    #[serde(skip)]
    pub manifest: Option<String>,
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

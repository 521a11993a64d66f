//! The audit log (NEN 7513): who did what to which dossier, when, and with
//! what outcome, per account.
//!
//! Each line carries the hash of the line before it, so a line changed,
//! removed or slipped in afterwards breaks the chain at that line, and
//! triggers refuse UPDATE and DELETE outright. A line is written inside the
//! caller's transaction ([`Tx::audit`](super::Tx::audit)) so that it commits
//! with the action it records or not at all; refusals and failures, which
//! commit nothing else, use [`Store::audit`](super::Store::audit).
//!
//! The chain's rules live here, once; an engine only reads an account's
//! last line and appends the [`NewLine`] that follows it.

use crate::error::{Error, Result};
use serde::Serialize;

/// The `prev_hash` of an account's first line.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// Whether the action an audit line records went through.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Outcome {
    /// The action was done (and committed with its line).
    Success,
    /// The action was refused or failed; the reason is in the line's `detail`.
    Failure,
}

impl Outcome {
    /// The outcome as stored in the log and covered by the hash.
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Success => "success",
            Outcome::Failure => "failure",
        }
    }
}

/// What happened, as the caller knows it; the store adds the sequence
/// number, a random event id, the time and the hashes.
#[derive(Debug, Clone, Copy)]
pub struct AuditEvent<'a> {
    /// The account's slug.
    pub account: &'a str,
    /// `export`, `import`, `align`, `rollback`, ... (a verb, lowercase).
    pub action: &'a str,
    /// Whether the action went through.
    pub outcome: Outcome,
    /// `Name <email>` of the person who ran the command.
    pub operator: &'a str,
    /// The dossier concerned; `None` for an action on the whole account.
    pub dossier: Option<&'a str>,
    /// The migration id; `None` for an action outside a migration.
    pub migration: Option<&'a str>,
    /// Free text: counts, a refusal's problem code, the archive's sha256.
    pub detail: Option<&'a str>,
}

/// One stored line, every column.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AuditLine {
    /// The store's own key for the row; not covered by the hash.
    pub id: i64,
    /// The account's slug (not a reference: the log outlives a replaced account).
    pub account: String,
    /// The line's number within the account: 1, 2, 3, ... without gaps.
    pub seq: u64,
    /// 128 random bits in hex, unique across stores, so a line quoted
    /// elsewhere can be found again.
    pub event_id: String,
    /// When, RFC 3339 with the Amsterdam offset, to the second.
    pub at: String,
    /// What was done (`export`, `import`, ...).
    pub action: String,
    /// `success` or `failure` (see [`Outcome`]).
    pub outcome: String,
    /// Who ran the command, `Name <email>`.
    pub operator: String,
    /// The dossier concerned, where there is one.
    pub dossier: Option<String>,
    /// The migration id, where there is one.
    pub migration: Option<String>,
    /// Free text: a refusal's problem code, counts, an archive's sha256.
    pub detail: Option<String>,
    /// The `hash` of the account's previous line; [`GENESIS`] for the first.
    pub prev_hash: String,
    /// sha256 hex of `prev_hash`, a newline and the canonical JSON of the
    /// line's fields (all but `id`); see [`AuditLine::expected_hash`].
    pub hash: String,
}

/// The result of checking an account's chain.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AuditCheck {
    /// How many lines were checked.
    pub lines: u64,
    /// Whether every line fits the chain.
    pub ok: bool,
    /// The `seq` of the first line that does not fit the chain.
    pub broken_at: Option<u64>,
    /// Why the line at `broken_at` does not fit; `None` when `ok`.
    pub reason: Option<String>,
}

/// The part of a line the hash covers. A field of its own rather than the
/// whole row, so that `id` (a storage detail) stays out of the chain.
#[derive(Serialize)]
struct Hashed<'a> {
    account: &'a str,
    seq: u64,
    event_id: &'a str,
    at: &'a str,
    action: &'a str,
    outcome: &'a str,
    operator: &'a str,
    dossier: Option<&'a str>,
    migration: Option<&'a str>,
    detail: Option<&'a str>,
}

fn line_hash(prev_hash: &str, h: &Hashed) -> String {
    let text = format!("{prev_hash}\n{}", crate::canonical::of(h));
    crate::digest::sha256_hex(text.as_bytes())
}

impl AuditLine {
    /// The hash this line's contents and `prev_hash` call for.
    pub fn expected_hash(&self) -> String {
        line_hash(
            &self.prev_hash,
            &Hashed {
                account: &self.account,
                seq: self.seq,
                event_id: &self.event_id,
                at: &self.at,
                action: &self.action,
                outcome: &self.outcome,
                operator: &self.operator,
                dossier: self.dossier.as_deref(),
                migration: self.migration.as_deref(),
                detail: self.detail.as_deref(),
            },
        )
    }
}

/// What the chain adds to an event: a line's columns besides the event's.
pub struct NewLine {
    /// The line's number: one more than the last line's, 1 for the first.
    pub seq: u64,
    /// 128 random bits in hex.
    pub event_id: String,
    /// The time of writing, RFC 3339 with the Amsterdam offset, to the second.
    pub at: String,
    /// The last line's `hash`, or [`GENESIS`] for the first line.
    pub prev_hash: String,
    /// The hash of this line, chained to `prev_hash`.
    pub hash: String,
}

impl NewLine {
    /// The line that follows an account's last line (its `seq` and `hash`;
    /// none for the first line).
    pub fn after(last: Option<(u64, String)>, event: &AuditEvent) -> Result<NewLine> {
        let (last_seq, prev_hash) = last.unwrap_or((0, GENESIS.to_owned()));
        let seq = last_seq.saturating_add(1);
        let event_id = event_id()?;
        let at = crate::clock::now_rfc3339();
        let hash = line_hash(
            &prev_hash,
            &Hashed {
                account: event.account,
                seq,
                event_id: &event_id,
                at: &at,
                action: event.action,
                outcome: event.outcome.as_str(),
                operator: event.operator,
                dossier: event.dossier,
                migration: event.migration,
                detail: event.detail,
            },
        );
        Ok(NewLine {
            seq,
            event_id,
            at,
            prev_hash,
            hash,
        })
    }
}

/// The chain check on lines already read, in `seq` order.
pub fn check_chain(lines: &[AuditLine]) -> AuditCheck {
    let mut prev = GENESIS;
    for (i, line) in lines.iter().enumerate() {
        let expected_seq = i as u64 + 1;
        let reason = if line.seq != expected_seq {
            Some(format!(
                "line {} follows line {}: a line is missing or was inserted",
                line.seq, i
            ))
        } else if line.prev_hash != prev {
            Some(format!(
                "line {} does not link to the hash of line {}: a line before it was replaced",
                line.seq, i
            ))
        } else if line.hash != line.expected_hash() {
            Some(format!(
                "line {} does not match its hash: it was changed after it was written",
                line.seq
            ))
        } else {
            None
        };
        if let Some(reason) = reason {
            return AuditCheck {
                lines: lines.len() as u64,
                ok: false,
                broken_at: Some(line.seq),
                reason: Some(reason),
            };
        }
        prev = &line.hash;
    }
    AuditCheck {
        lines: lines.len() as u64,
        ok: true,
        broken_at: None,
        reason: None,
    }
}

/// 128 random bits as hex: an id that is unique across stores, so a line
/// copied into another log is recognisable.
fn event_id() -> Result<String> {
    let mut bytes = [0u8; 16];
    getrandom::fill(&mut bytes)
        .map_err(|e| Error::system("no random numbers from the system", e))?;
    Ok(crate::digest::hex(&bytes))
}

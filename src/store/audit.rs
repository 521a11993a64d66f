//! The audit log (NEN 7513): who did what to which dossier, when, and with
//! what outcome, per account.
//!
//! Each line carries the hash of the line before it, so a line changed,
//! removed or slipped in afterwards breaks the chain at that line, and
//! triggers refuse UPDATE and DELETE outright. A line is written inside the
//! caller's transaction ([`Tx::audit`]) so that it commits with the action
//! it records or not at all; refusals and failures, which commit nothing
//! else, use [`Store::audit`].

use super::{Store, Tx};
use crate::error::{Error, Result};
use rusqlite::{Connection, OptionalExtension, params};
use serde::Serialize;

/// The `prev_hash` of an account's first line.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Outcome {
    Success,
    Failure,
}

impl Outcome {
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
    pub outcome: Outcome,
    /// `Name <email>` of the person who ran the command.
    pub operator: &'a str,
    pub dossier: Option<&'a str>,
    pub migration: Option<&'a str>,
    /// Free text: counts, a refusal's problem code, the archive's sha256.
    pub detail: Option<&'a str>,
}

/// One stored line, every column.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AuditLine {
    pub id: i64,
    pub account: String,
    pub seq: u64,
    pub event_id: String,
    pub at: String,
    pub action: String,
    pub outcome: String,
    pub operator: String,
    pub dossier: Option<String>,
    pub migration: Option<String>,
    pub detail: Option<String>,
    pub prev_hash: String,
    pub hash: String,
}

/// The result of checking an account's chain.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AuditCheck {
    pub lines: u64,
    pub ok: bool,
    /// The `seq` of the first line that does not fit the chain.
    pub broken_at: Option<u64>,
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

impl Tx<'_> {
    /// Appends a line in this transaction: it commits with the rest or not
    /// at all.
    pub fn audit(&self, e: &AuditEvent) -> Result<()> {
        let id = event_id()?;
        append(&self.tx, e, &id).map_err(|err| super::store_error(&self.store_path, err))
    }
}

impl Store {
    /// Appends a line in a short transaction of its own, for refusals and
    /// failures that commit nothing else.
    pub fn audit(&mut self, e: &AuditEvent) -> Result<()> {
        let tx = self.begin()?;
        tx.audit(e)?;
        tx.commit()
    }

    /// An account's lines in order. An account that never had one (or
    /// never existed) has an empty log.
    pub fn audit_log(&self, account: &str) -> Result<Vec<AuditLine>> {
        let mut stmt = self
            .conn
            .prepare(
                "SELECT id, account, seq, event_id, at, action, outcome, operator, dossier, migration,
                        detail, prev_hash, hash
                 FROM audit WHERE account = ?1 ORDER BY seq",
            )
            .map_err(|e| self.err(e))?;
        let rows = stmt
            .query_map([account], |r| {
                Ok(AuditLine {
                    id: r.get(0)?,
                    account: r.get(1)?,
                    // A negative seq cannot be written by the tool; as
                    // u64::MAX it fails the continuity check instead of
                    // aborting the read.
                    seq: u64::try_from(r.get::<_, i64>(2)?).unwrap_or(u64::MAX),
                    event_id: r.get(3)?,
                    at: r.get(4)?,
                    action: r.get(5)?,
                    outcome: r.get(6)?,
                    operator: r.get(7)?,
                    dossier: r.get(8)?,
                    migration: r.get(9)?,
                    detail: r.get(10)?,
                    prev_hash: r.get(11)?,
                    hash: r.get(12)?,
                })
            })
            .map_err(|e| self.err(e))?;
        rows.collect::<rusqlite::Result<Vec<_>>>()
            .map_err(|e| self.err(e))
    }

    /// Recomputes every hash and checks the links and the numbering; stops
    /// at the first line that does not fit, since every later link hangs
    /// on it.
    pub fn verify_audit(&self, account: &str) -> Result<AuditCheck> {
        Ok(check_chain(&self.audit_log(account)?))
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

fn append(conn: &Connection, e: &AuditEvent, event_id: &str) -> rusqlite::Result<()> {
    let last: Option<(i64, String)> = conn
        .query_row(
            "SELECT seq, hash FROM audit WHERE account = ?1 ORDER BY seq DESC LIMIT 1",
            [e.account],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?;
    let (last_seq, prev_hash) = last.unwrap_or((0, GENESIS.to_owned()));
    let seq = u64::try_from(last_seq).unwrap_or(0) + 1;
    let at = crate::clock::now_rfc3339();
    let hash = line_hash(
        &prev_hash,
        &Hashed {
            account: e.account,
            seq,
            event_id,
            at: &at,
            action: e.action,
            outcome: e.outcome.as_str(),
            operator: e.operator,
            dossier: e.dossier,
            migration: e.migration,
            detail: e.detail,
        },
    );
    conn.prepare_cached(
        "INSERT INTO audit (account, seq, event_id, at, action, outcome, operator, dossier, migration,
                            detail, prev_hash, hash)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
    )?
    .execute(params![
        e.account,
        seq as i64,
        event_id,
        at,
        e.action,
        e.outcome.as_str(),
        e.operator,
        e.dossier,
        e.migration,
        e.detail,
        prev_hash,
        hash
    ])?;
    Ok(())
}

/// 128 random bits as hex: an id that is unique across stores, so a line
/// copied into another log is recognisable.
fn event_id() -> Result<String> {
    let mut bytes = [0u8; 16];
    getrandom::fill(&mut bytes)
        .map_err(|e| Error::system("no random numbers from the system", e))?;
    Ok(crate::digest::hex(&bytes))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn event<'a>(account: &'a str, action: &'a str, dossier: Option<&'a str>) -> AuditEvent<'a> {
        AuditEvent {
            account,
            action,
            outcome: Outcome::Success,
            operator: "Ada Lovelace <ada@example.org>",
            dossier,
            migration: Some("noord-naar-oost"),
            detail: None,
        }
    }

    fn store() -> (tempfile::TempDir, Store) {
        let tmp = tempfile::tempdir().expect("tempdir");
        let store = Store::open(&tmp.path().join("s.db"), true).expect("store opens");
        (tmp, store)
    }

    #[test]
    fn lines_chain_per_account() {
        let (_tmp, mut s) = store();
        s.audit(&event("a", "export", Some("d-1"))).expect("audit");
        s.audit(&event("b", "import", None)).expect("audit");
        s.audit(&event("a", "export", Some("d-2"))).expect("audit");
        let a = s.audit_log("a").expect("log");
        assert_eq!(a.iter().map(|l| l.seq).collect::<Vec<_>>(), [1, 2]);
        assert_eq!(a[0].prev_hash, GENESIS);
        assert_eq!(a[1].prev_hash, a[0].hash);
        assert_ne!(a[0].event_id, a[1].event_id);
        assert_eq!(a[0].event_id.len(), 32);
        assert_eq!(s.audit_log("b").expect("log")[0].seq, 1);
        assert!(s.verify_audit("a").expect("verify").ok);
        let none = s.verify_audit("nobody").expect("verify");
        assert_eq!((none.lines, none.ok), (0, true));
    }

    #[test]
    fn a_line_in_a_dropped_transaction_is_gone() {
        let (_tmp, mut s) = store();
        {
            let tx = s.begin().expect("begin");
            tx.audit(&event("a", "import", None)).expect("audit");
        }
        assert!(s.audit_log("a").expect("log").is_empty());
    }

    #[test]
    fn each_kind_of_break_is_found() {
        let (_tmp, mut s) = store();
        for d in ["d-1", "d-2", "d-3"] {
            s.audit(&event("a", "export", Some(d))).expect("audit");
        }
        let good = s.audit_log("a").expect("log");

        let mut changed = good.clone();
        changed[1].operator = "Mallory <m@example.org>".into();
        let c = check_chain(&changed);
        assert_eq!((c.ok, c.broken_at), (false, Some(2)));

        let mut removed = good.clone();
        removed.remove(1);
        assert_eq!(check_chain(&removed).broken_at, Some(3));

        let mut rehashed = good.clone();
        rehashed[0].detail = Some("x".into());
        rehashed[0].hash = rehashed[0].expected_hash();
        assert_eq!(check_chain(&rehashed).broken_at, Some(2));
    }
}

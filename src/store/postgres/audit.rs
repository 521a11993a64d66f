//! The audit log in PostgreSQL: an account's lines, and appending the line
//! that follows its last (the chain's rules are in `store/audit.rs`).

use super::{PgStore, PgTx, Sql, col};
use crate::error::Result;
use crate::store::audit::NewLine;
use crate::store::{AuditEvent, AuditLine, AuditLog};

impl AuditLog for PgStore {
    fn audit_log(&self, account: &str) -> Result<Vec<AuditLine>> {
        self.rows(
            "SELECT id, account, seq, event_id, at, action, outcome, operator, dossier, migration,
                    detail, prev_hash, hash
             FROM audit WHERE account = $1 ORDER BY seq",
            &[&account],
        )?
        .iter()
        .map(|r| {
            Ok(AuditLine {
                id: col(r, 0)?,
                account: col(r, 1)?,
                // A negative seq cannot be written by the tool; as
                // u64::MAX it fails the continuity check.
                seq: u64::try_from(col::<i64>(r, 2)?).unwrap_or(u64::MAX),
                event_id: col(r, 3)?,
                at: col(r, 4)?,
                action: col(r, 5)?,
                outcome: col(r, 6)?,
                operator: col(r, 7)?,
                dossier: col(r, 8)?,
                migration: col(r, 9)?,
                detail: col(r, 10)?,
                prev_hash: col(r, 11)?,
                hash: col(r, 12)?,
            })
        })
        .collect()
    }
}

/// Appends the line that follows the account's last, inside the caller's
/// transaction. Appends to one account's chain take turns (an advisory
/// lock per account until the transaction ends), so that two writers never
/// both extend the same last line.
pub(super) fn append(tx: &PgTx, e: &AuditEvent) -> Result<()> {
    tx.rows(
        "SELECT pg_advisory_xact_lock(hashtextextended($1, 0))",
        &[&e.account],
    )?;
    let last = tx
        .opt(
            "SELECT seq, hash FROM audit WHERE account = $1 ORDER BY seq DESC LIMIT 1",
            &[&e.account],
        )?
        .map(|r| Ok::<_, crate::error::Error>((col::<i64>(&r, 0)?, col::<String>(&r, 1)?)))
        .transpose()?
        .map(|(seq, hash)| (u64::try_from(seq).unwrap_or(0), hash));
    let line = NewLine::after(last, e)?;
    let seq = i64::try_from(line.seq).unwrap_or(i64::MAX);
    tx.exec(
        "INSERT INTO audit (account, seq, event_id, at, action, outcome, operator, dossier, migration,
                            detail, prev_hash, hash)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
        &[
            &e.account,
            &seq,
            &line.event_id,
            &line.at,
            &e.action,
            &e.outcome.as_str(),
            &e.operator,
            &e.dossier,
            &e.migration,
            &e.detail,
            &line.prev_hash,
            &line.hash,
        ],
    )?;
    Ok(())
}

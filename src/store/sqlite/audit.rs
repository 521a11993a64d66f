//! The audit log in SQLite: an account's lines, and appending the line
//! that follows its last (the chain's rules are in `store/audit.rs`).

use super::{SqliteStore, store_error};
use crate::error::Result;
use crate::store::audit::NewLine;
use crate::store::{AuditEvent, AuditLine, AuditLog};
use rusqlite::{Connection, OptionalExtension, params};
use std::path::Path;

impl AuditLog for SqliteStore {
    /// An account's lines in order. An account that never had one (or
    /// never existed) has an empty log.
    fn audit_log(&self, account: &str) -> Result<Vec<AuditLine>> {
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
}

/// Appends the line that follows the account's last, inside the caller's
/// transaction on `conn`.
pub(super) fn append(conn: &Connection, path: &Path, e: &AuditEvent) -> Result<()> {
    let err = |x| store_error(path, x);
    let last: Option<(i64, String)> = conn
        .query_row(
            "SELECT seq, hash FROM audit WHERE account = ?1 ORDER BY seq DESC LIMIT 1",
            [e.account],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()
        .map_err(err)?;
    // A negative seq cannot be written by the tool; counting on from 0
    // leaves the break for the chain check to name.
    let last = last.map(|(seq, hash)| (u64::try_from(seq).unwrap_or(0), hash));
    let line = NewLine::after(last, e)?;
    conn.prepare_cached(
        "INSERT INTO audit (account, seq, event_id, at, action, outcome, operator, dossier, migration,
                            detail, prev_hash, hash)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
    )
    .and_then(|mut stmt| {
        stmt.execute(params![
            e.account,
            line.seq as i64,
            line.event_id,
            line.at,
            e.action,
            e.outcome.as_str(),
            e.operator,
            e.dossier,
            e.migration,
            e.detail,
            line.prev_hash,
            line.hash
        ])
    })
    .map_err(err)?;
    Ok(())
}

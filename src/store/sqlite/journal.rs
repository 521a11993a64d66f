//! The migration journal, read-only marks, attributions and rollback in
//! SQLite.

use super::{SqliteStore, SqliteTx};
use crate::error::Result;
use crate::store::journal::{Entry, Stage, Status, read_only_refusal};
use crate::store::{Journal, JournalStart, Removed, TxJournal};
use rusqlite::{Row, params};

const COLUMNS: &str = "id, migration, stage, rehearsal, archive_sha256, status, started_at, started_by, committed_at, failure,
                       rolled_back_at, rolled_back_by, signed_off_at, signed_off_by, manifest, written";

fn entry(r: &Row) -> rusqlite::Result<Entry> {
    Ok(Entry {
        id: r.get(0)?,
        migration: r.get(1)?,
        stage: if r.get::<_, String>(2)? == "test" {
            Stage::Test
        } else {
            Stage::Live
        },
        rehearsal: r.get(3)?,
        archive_sha256: r.get(4)?,
        status: Status::parse(&r.get::<_, String>(5)?),
        started_at: r.get(6)?,
        started_by: r.get(7)?,
        committed_at: r.get(8)?,
        failure: r.get(9)?,
        rolled_back_at: r.get(10)?,
        rolled_back_by: r.get(11)?,
        signed_off_at: r.get(12)?,
        signed_off_by: r.get(13)?,
        manifest: r.get(14)?,
        written: r.get(15)?,
    })
}

impl Journal for SqliteStore {
    /// Every journal row of a migration in an account, oldest first.
    fn journal(&self, account: i64, migration: &str) -> Result<Vec<Entry>> {
        let sql = format!(
            "SELECT {COLUMNS} FROM journal WHERE account_id = ?1 AND migration = ?2 ORDER BY id"
        );
        let mut stmt = self.conn.prepare(&sql).map_err(|e| self.err(e))?;
        stmt.query_map(params![account, migration], entry)
            .and_then(|rows| rows.collect())
            .map_err(|e| self.err(e))
    }
}

impl TxJournal for SqliteTx<'_> {
    fn add_journal_entry(&self, import: &JournalStart) -> Result<i64> {
        self.tx
            .execute(
                "INSERT INTO journal (account_id, migration, stage, rehearsal, archive_sha256, status, started_at, started_by)
                 VALUES (?1, ?2, ?3, ?4, ?5, 'started', ?6, ?7)",
                params![
                    import.account,
                    import.migration,
                    import.stage.as_str(),
                    import.rehearsal,
                    import.archive_sha256,
                    crate::clock::now_rfc3339(),
                    import.operator
                ],
            )
            .map_err(|e| self.err(e))?;
        Ok(self.tx.last_insert_rowid())
    }

    fn fail_journal_entry(&self, journal: i64, why: &str) -> Result<()> {
        self.tx
            .execute(
                "UPDATE journal SET status = 'failed', failure = ?2 WHERE id = ?1",
                params![journal, why],
            )
            .map_err(|e| self.err(e))?;
        Ok(())
    }

    /// Refuses a write to an account that another migration holds
    /// read-only (`account-read-only`); `allowed` is the migration that may.
    fn require_writable(&self, account: i64, allowed: Option<&str>) -> Result<()> {
        let (slug, holder): (String, Option<String>) = self
            .tx
            .query_row(
                "SELECT slug, read_only_migration FROM accounts WHERE id = ?1",
                [account],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .map_err(|e| self.err(e))?;
        match holder {
            Some(h) if Some(h.as_str()) != allowed => Err(read_only_refusal(&slug, &h)),
            _ => Ok(()),
        }
    }

    fn set_account_read_only(&self, account: i64, migration: Option<&str>) -> Result<()> {
        self.tx
            .execute(
                "UPDATE accounts SET read_only_migration = ?2 WHERE id = ?1",
                params![account, migration],
            )
            .map_err(|e| self.err(e))?;
        Ok(())
    }

    /// Marks the journal row committed, with the manifest and what was written.
    fn commit_import(&self, journal: i64, manifest: &str, written: &str) -> Result<()> {
        self.tx
            .execute(
                "UPDATE journal SET status = 'committed', committed_at = ?2, manifest = ?3, written = ?4 WHERE id = ?1",
                params![journal, crate::clock::now_rfc3339(), manifest, written],
            )
            .map_err(|e| self.err(e))?;
        Ok(())
    }

    fn sign_off(&self, journal: i64, by: &str) -> Result<()> {
        self.tx
            .execute(
                "UPDATE journal SET signed_off_at = ?2, signed_off_by = ?3 WHERE id = ?1",
                params![journal, crate::clock::now_rfc3339(), by],
            )
            .map_err(|e| self.err(e))?;
        Ok(())
    }

    fn mark_rolled_back(&self, journal: i64, by: &str) -> Result<()> {
        self.tx
            .execute(
                "UPDATE journal SET status = 'rolled-back', rolled_back_at = ?2, rolled_back_by = ?3 WHERE id = ?1",
                params![journal, crate::clock::now_rfc3339(), by],
            )
            .map_err(|e| self.err(e))?;
        Ok(())
    }

    /// A teammate reference the import could not link to a teammate.
    fn add_attribution(
        &self,
        account: i64,
        migration: &str,
        email: &str,
        name: Option<&str>,
    ) -> Result<()> {
        self.tx
            .execute(
                "INSERT OR IGNORE INTO attributions (account_id, migration, email, name) VALUES (?1, ?2, ?3, ?4)",
                params![account, migration, email, name],
            )
            .map_err(|e| self.err(e))?;
        Ok(())
    }

    /// Removes everything a migration brought into an account: records,
    /// dossiers, the groups and teammates it created, its attributions, and
    /// file contents nothing else uses any more.
    fn remove_migration(&self, account: i64, migration: &str) -> Result<Removed> {
        let run = |sql: &str| -> Result<u64> {
            self.tx
                .execute(sql, params![account, migration])
                .map(|n| n as u64)
                .map_err(|e| self.err(e))
        };
        let records = run("DELETE FROM records WHERE account_id = ?1 AND origin_migration = ?2")?;
        let dossiers = run("DELETE FROM dossiers WHERE account_id = ?1 AND origin_migration = ?2")?;
        let groups = run(
            "DELETE FROM groups WHERE account_id = ?1 AND origin_migration = ?2
               AND NOT EXISTS (SELECT 1 FROM dossiers d WHERE d.group_id = groups.id)",
        )?;
        let teammates =
            run("DELETE FROM teammates WHERE account_id = ?1 AND origin_migration = ?2")?;
        run("DELETE FROM attributions WHERE account_id = ?1 AND migration = ?2")?;
        let files = self
            .tx
            .execute(
                "DELETE FROM blobs WHERE NOT EXISTS (SELECT 1 FROM records r WHERE r.sha256 = blobs.sha256)",
                [],
            )
            .map_err(|e| self.err(e))? as u64;
        Ok(Removed {
            records,
            dossiers,
            groups,
            teammates,
            files,
        })
    }

    /// Clears the read-only marks a migration holds on an account's groups
    /// (the export's source lock); returns the group keys.
    fn unlock_groups(&self, account: i64, migration: &str) -> Result<Vec<String>> {
        let mut stmt = self
            .tx
            .prepare("SELECT key FROM groups WHERE account_id = ?1 AND read_only_migration = ?2 ORDER BY key")
            .map_err(|e| self.err(e))?;
        let keys: Vec<String> = stmt
            .query_map(params![account, migration], |r| r.get(0))
            .and_then(|rows| rows.collect())
            .map_err(|e| self.err(e))?;
        self.tx
            .execute(
                "UPDATE groups SET read_only_migration = NULL WHERE account_id = ?1 AND read_only_migration = ?2",
                params![account, migration],
            )
            .map_err(|e| self.err(e))?;
        Ok(keys)
    }

    /// Whether anything of the migration is in the account.
    fn has_migration_data(&self, account: i64, migration: &str) -> Result<bool> {
        self.tx
            .query_row(
                "SELECT EXISTS (SELECT 1 FROM dossiers WHERE account_id = ?1 AND origin_migration = ?2)
                     OR EXISTS (SELECT 1 FROM records WHERE account_id = ?1 AND origin_migration = ?2)",
                params![account, migration],
                |r| r.get(0),
            )
            .map_err(|e| self.err(e))
    }
}

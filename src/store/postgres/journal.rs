//! The migration journal, read-only marks, attributions and rollback in
//! PostgreSQL. The read-only check locks the account's row, so that two
//! writers of one account never pass it at the same moment.

use super::{PgStore, PgTx, Sql, col};
use crate::error::Result;
use crate::store::journal::{Entry, Stage, Status, read_only_refusal};
use crate::store::{Journal, JournalStart, Removed, TxJournal};
use postgres::Row;

fn entry(r: &Row) -> Result<Entry> {
    let stage: &str = col(r, 2)?;
    let status: &str = col(r, 5)?;
    Ok(Entry {
        id: col(r, 0)?,
        migration: col(r, 1)?,
        stage: if stage == "test" {
            Stage::Test
        } else {
            Stage::Live
        },
        rehearsal: col(r, 3)?,
        archive_sha256: col(r, 4)?,
        status: Status::parse(status),
        started_at: col(r, 6)?,
        started_by: col(r, 7)?,
        committed_at: col(r, 8)?,
        failure: col(r, 9)?,
        rolled_back_at: col(r, 10)?,
        rolled_back_by: col(r, 11)?,
        signed_off_at: col(r, 12)?,
        signed_off_by: col(r, 13)?,
        manifest: col(r, 14)?,
        written: col(r, 15)?,
    })
}

impl Journal for PgStore {
    fn journal(&self, account: i64, migration: &str) -> Result<Vec<Entry>> {
        self.rows(
            "SELECT id, migration, stage, rehearsal, archive_sha256, status, started_at, started_by, committed_at,
                    failure, rolled_back_at, rolled_back_by, signed_off_at, signed_off_by, manifest, written
             FROM journal WHERE account_id = $1 AND migration = $2 ORDER BY id",
            &[&account, &migration],
        )?
        .iter()
        .map(entry)
        .collect()
    }
}

fn now() -> String {
    crate::clock::now_rfc3339()
}

impl TxJournal for PgTx<'_> {
    /// Takes the account's row lock for the rest of the transaction
    /// (`store-busy` at once when another transaction holds it), then
    /// refuses a write the read-only mark forbids.
    fn require_writable(&self, account: i64, allowed: Option<&str>) -> Result<()> {
        let row = self.opt(
            "SELECT slug, read_only_migration FROM accounts WHERE id = $1 FOR UPDATE NOWAIT",
            &[&account],
        )?;
        let Some(row) = row else {
            return Ok(());
        };
        let slug: String = col(&row, 0)?;
        let holder: Option<String> = col(&row, 1)?;
        match holder {
            Some(h) if Some(h.as_str()) != allowed => Err(read_only_refusal(&slug, &h)),
            _ => Ok(()),
        }
    }

    fn set_account_read_only(&self, account: i64, migration: Option<&str>) -> Result<()> {
        self.exec(
            "UPDATE accounts SET read_only_migration = $2 WHERE id = $1",
            &[&account, &migration],
        )?;
        Ok(())
    }

    fn add_journal_entry(&self, import: &JournalStart) -> Result<i64> {
        self.value(
            "INSERT INTO journal (account_id, migration, stage, rehearsal, archive_sha256, status, started_at, started_by)
             VALUES ($1, $2, $3, $4, $5, 'started', $6, $7) RETURNING id",
            &[
                &import.account,
                &import.migration,
                &import.stage.as_str(),
                &import.rehearsal,
                &import.archive_sha256,
                &now(),
                &import.operator,
            ],
        )
    }

    fn fail_journal_entry(&self, journal: i64, why: &str) -> Result<()> {
        self.exec(
            "UPDATE journal SET status = 'failed', failure = $2 WHERE id = $1",
            &[&journal, &why],
        )?;
        Ok(())
    }

    fn commit_import(&self, journal: i64, manifest: &str, written: &str) -> Result<()> {
        self.exec(
            "UPDATE journal SET status = 'committed', committed_at = $2, manifest = $3, written = $4 WHERE id = $1",
            &[&journal, &now(), &manifest, &written],
        )?;
        Ok(())
    }

    fn sign_off(&self, journal: i64, by: &str) -> Result<()> {
        self.exec(
            "UPDATE journal SET signed_off_at = $2, signed_off_by = $3 WHERE id = $1",
            &[&journal, &now(), &by],
        )?;
        Ok(())
    }

    fn mark_rolled_back(&self, journal: i64, by: &str) -> Result<()> {
        self.exec(
            "UPDATE journal SET status = 'rolled-back', rolled_back_at = $2, rolled_back_by = $3 WHERE id = $1",
            &[&journal, &now(), &by],
        )?;
        Ok(())
    }

    fn add_attribution(
        &self,
        account: i64,
        migration: &str,
        email: &str,
        name: Option<&str>,
    ) -> Result<()> {
        self.exec(
            "INSERT INTO attributions (account_id, migration, email, name) VALUES ($1, $2, $3, $4)
             ON CONFLICT DO NOTHING",
            &[&account, &migration, &email, &name],
        )?;
        Ok(())
    }

    fn remove_migration(&self, account: i64, migration: &str) -> Result<Removed> {
        self.forget_known_ids();
        let p: [&(dyn postgres::types::ToSql + Sync); 2] = [&account, &migration];
        let records = self.exec(
            "DELETE FROM records WHERE account_id = $1 AND origin_migration = $2",
            &p,
        )?;
        let dossiers = self.exec(
            "DELETE FROM dossiers WHERE account_id = $1 AND origin_migration = $2",
            &p,
        )?;
        let groups = self.exec(
            "DELETE FROM groups g WHERE g.account_id = $1 AND g.origin_migration = $2
               AND NOT EXISTS (SELECT 1 FROM dossiers d WHERE d.group_id = g.id)",
            &p,
        )?;
        let teammates = self.exec(
            "DELETE FROM teammates WHERE account_id = $1 AND origin_migration = $2",
            &p,
        )?;
        self.exec(
            "DELETE FROM attributions WHERE account_id = $1 AND migration = $2",
            &p,
        )?;
        let files = self.exec(
            "DELETE FROM blobs b WHERE NOT EXISTS (SELECT 1 FROM records r WHERE r.sha256 = b.sha256)",
            &[],
        )?;
        Ok(Removed {
            records,
            dossiers,
            groups,
            teammates,
            files,
        })
    }

    fn unlock_groups(&self, account: i64, migration: &str) -> Result<Vec<String>> {
        self.rows(
            "UPDATE groups SET read_only_migration = NULL
             WHERE account_id = $1 AND read_only_migration = $2 RETURNING key",
            &[&account, &migration],
        )?
        .iter()
        .map(|r| col(r, 0))
        .collect::<Result<Vec<String>>>()
        .map(|mut keys| {
            keys.sort();
            keys
        })
    }

    fn has_migration_data(&self, account: i64, migration: &str) -> Result<bool> {
        self.value(
            "SELECT EXISTS (SELECT 1 FROM dossiers WHERE account_id = $1 AND origin_migration = $2)
                 OR EXISTS (SELECT 1 FROM records WHERE account_id = $1 AND origin_migration = $2)",
            &[&account, &migration],
        )
    }
}

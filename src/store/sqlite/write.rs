//! Inserts, all inside one transaction: dropping a [`SqliteTx`] without
//! `commit` rolls everything back, so a failed command leaves the store as
//! it was.

use super::{SqliteStore, audit, store_error};
use crate::error::{Error, Result};
use crate::model::syntax::fold;
use crate::model::{Account, Config, Dossier, Group, Teammate};
use crate::store::journal::read_only_refusal;
use crate::store::rows::{enum_text, read_full};
use crate::store::{AuditEvent, CHUNK_SIZE, Holder, NewRecord, Store, Tx, TxData, TxJournal};
use rusqlite::{OptionalExtension, Transaction, params};
use std::collections::HashSet;
use std::io::Read;
use std::path::PathBuf;

/// One write transaction on a SQLite store.
pub struct SqliteTx<'s> {
    pub(super) tx: Transaction<'s>,
    store_path: PathBuf,
}

impl Store for SqliteStore {
    /// Takes the write lock at once (IMMEDIATE).
    fn begin(&mut self) -> Result<Box<dyn Tx + '_>> {
        let store_path = self.path.clone();
        let tx = self
            .conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)
            .map_err(|e| store_error(&store_path, e))?;
        Ok(Box::new(SqliteTx { tx, store_path }))
    }
}

impl SqliteTx<'_> {
    pub(super) fn err(&self, e: rusqlite::Error) -> Error {
        store_error(&self.store_path, e)
    }
}

impl Tx for SqliteTx<'_> {
    fn commit(self: Box<Self>) -> Result<()> {
        let path = self.store_path.clone();
        self.tx.commit().map_err(|e| store_error(&path, e))
    }

    fn audit(&self, e: &AuditEvent) -> Result<()> {
        audit::append(&self.tx, &self.store_path, e)
    }
}

impl TxData for SqliteTx<'_> {
    fn account_exists(&self, slug: &str) -> Result<bool> {
        self.tx
            .query_row(
                "SELECT count(*) FROM accounts WHERE slug = ?1",
                [slug],
                |r| r.get::<_, i64>(0),
            )
            .map(|n| n > 0)
            .map_err(|e| self.err(e))
    }

    fn add_account(&self, a: &Account) -> Result<i64> {
        self.tx
            .execute(
                "INSERT INTO accounts (slug, name, owner_name, owner_email) VALUES (?1, ?2, ?3, ?4)",
                params![a.slug, a.name, a.owner.name, a.owner.email],
            )
            .map_err(|e| self.err(e))?;
        Ok(self.tx.last_insert_rowid())
    }

    fn delete_account(&self, slug: &str) -> Result<()> {
        let holder: Option<String> = self
            .tx
            .query_row(
                "SELECT read_only_migration FROM accounts WHERE slug = ?1",
                [slug],
                |r| r.get(0),
            )
            .map_err(|e| self.err(e))?;
        if let Some(h) = holder {
            return Err(read_only_refusal(slug, &h));
        }
        self.tx
            .execute("DELETE FROM accounts WHERE slug = ?1", [slug])
            .map_err(|e| self.err(e))?;
        self.tx
            .execute(
                "DELETE FROM blobs WHERE sha256 NOT IN (SELECT sha256 FROM records WHERE sha256 IS NOT NULL)",
                [],
            )
            .map_err(|e| self.err(e))?;
        Ok(())
    }

    fn add_teammate(&self, account: i64, t: &Teammate, origin: Option<&str>) -> Result<()> {
        let groups =
            serde_json::to_string(&t.groups).map_err(|e| Error::Internal(e.to_string()))?;
        let mut stmt = self
            .tx
            .prepare_cached(
                "INSERT INTO teammates (account_id, email, email_fold, name, role, status, groups, origin_migration)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            )
            .map_err(|e| self.err(e))?;
        stmt.execute(params![
            account,
            t.email,
            fold(&t.email),
            t.name,
            enum_text(&t.role),
            enum_text(&t.status),
            groups,
            origin
        ])
        .map_err(|e| self.err(e))?;
        Ok(())
    }

    fn teammate_emails(&self, account: i64) -> Result<Vec<String>> {
        let mut stmt = self
            .tx
            .prepare_cached("SELECT email FROM teammates WHERE account_id = ?1")
            .map_err(|e| self.err(e))?;
        stmt.query_map([account], |r| r.get(0))
            .and_then(|rows| rows.collect())
            .map_err(|e| self.err(e))
    }

    fn add_group(&self, account: i64, g: &Group, origin: Option<&str>) -> Result<i64> {
        self.tx
            .execute(
                "INSERT INTO groups (account_id, key, name, config, origin_migration) VALUES (?1, ?2, ?3, ?4, ?5)",
                params![account, g.key, g.name, crate::canonical::of(&g.config), origin],
            )
            .map_err(|e| self.err(e))?;
        Ok(self.tx.last_insert_rowid())
    }

    fn group_id(&self, account: i64, key: &str) -> Result<Option<i64>> {
        self.tx
            .query_row(
                "SELECT id FROM groups WHERE account_id = ?1 AND key = ?2",
                params![account, key],
                |r| r.get(0),
            )
            .optional()
            .map_err(|e| self.err(e))
    }

    fn update_group_config(&self, account: i64, group: i64, config: &Config) -> Result<()> {
        self.require_writable(account, None)?;
        let changed = self
            .tx
            .execute(
                "UPDATE groups SET config = ?3 WHERE id = ?2 AND account_id = ?1",
                params![account, group, crate::canonical::of(config)],
            )
            .map_err(|e| self.err(e))?;
        if changed == 1 {
            Ok(())
        } else {
            Err(Error::Internal(format!(
                "group row {group} is not in account row {account}"
            )))
        }
    }

    fn set_group_read_only(&self, group: i64, migration: Option<&str>) -> Result<()> {
        self.tx
            .execute(
                "UPDATE groups SET read_only_migration = ?2 WHERE id = ?1",
                params![group, migration],
            )
            .map_err(|e| self.err(e))?;
        Ok(())
    }

    fn add_dossier(&self, account: i64, group: i64, d: &Dossier) -> Result<i64> {
        let mut stmt = self
            .tx
            .prepare_cached(
                "INSERT INTO dossiers (account_id, group_id, did, did_fold, name, birth_date, bsn, client_number,
                                       status, created_at, updated_at, origin_migration, origin_id)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)",
            )
            .map_err(|e| self.err(e))?;
        stmt.execute(params![
            account,
            group,
            d.id,
            fold(&d.id),
            d.name,
            d.birth_date,
            d.bsn,
            d.client_number,
            enum_text(&d.status),
            d.created_at,
            d.updated_at,
            d.origin.as_ref().map(|o| &o.migration),
            d.origin.as_ref().map(|o| &o.id),
        ])
        .map_err(|e| self.err(e))?;
        let id = self.tx.last_insert_rowid();
        let mut stmt = self
            .tx
            .prepare_cached(
                "INSERT INTO contacts (dossier_id, position, name, relation, phone, email) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            )
            .map_err(|e| self.err(e))?;
        for (i, c) in d.contacts.iter().enumerate() {
            stmt.execute(params![id, i as i64, c.name, c.relation, c.phone, c.email])
                .map_err(|e| self.err(e))?;
        }
        Ok(id)
    }

    fn add_record(&self, account: i64, dossier: i64, r: &NewRecord) -> Result<()> {
        let mut stmt = self
            .tx
            .prepare_cached(
                "INSERT INTO records (account_id, dossier_id, kind, rid, rid_fold, created_at, created_ns, sha256,
                                      body, origin_migration, origin_id)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
            )
            .map_err(|e| self.err(e))?;
        stmt.execute(params![
            account,
            dossier,
            r.kind,
            r.id,
            fold(r.id),
            r.created_at,
            r.created_ns,
            r.sha256,
            r.body,
            r.origin.map(|o| &o.migration),
            r.origin.map(|o| &o.id),
        ])
        .map_err(|e| self.err(e))?;
        Ok(())
    }

    fn holder(&self, account: i64, kind: &str, id: &str) -> Result<Holder> {
        let sql = if kind == "dossiers" {
            "SELECT origin_migration, origin_id FROM dossiers WHERE account_id = ?1 AND did_fold = ?3 AND ?2 = ?2"
        } else {
            "SELECT origin_migration, origin_id FROM records WHERE account_id = ?1 AND kind = ?2 AND rid_fold = ?3"
        };
        let mut stmt = self.tx.prepare_cached(sql).map_err(|e| self.err(e))?;
        stmt.query_row(params![account, kind, fold(id)], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })
        .optional()
        .map_err(|e| self.err(e))
    }

    fn occupied_kinds(&self, account: i64) -> Result<HashSet<String>> {
        let mut stmt = self
            .tx
            .prepare("SELECT DISTINCT kind FROM records WHERE account_id = ?1")
            .map_err(|e| self.err(e))?;
        stmt.query_map([account], |r| r.get(0))
            .and_then(|rows| rows.collect())
            .map_err(|e| self.err(e))
    }

    fn has_blob(&self, sha256: &str) -> Result<bool> {
        let mut stmt = self
            .tx
            .prepare_cached("SELECT count(*) FROM blobs WHERE sha256 = ?1")
            .map_err(|e| self.err(e))?;
        stmt.query_row([sha256], |r| r.get::<_, i64>(0))
            .map(|n| n > 0)
            .map_err(|e| self.err(e))
    }

    fn add_blob(
        &self,
        sha256: &str,
        size: u64,
        content: &mut dyn Read,
    ) -> Result<Result<(), std::io::Error>> {
        if self.has_blob(sha256)? {
            return Ok(Ok(()));
        }
        self.tx
            .execute(
                "INSERT INTO blobs (sha256, size) VALUES (?1, ?2)",
                params![sha256, size as i64],
            )
            .map_err(|e| self.err(e))?;
        let blob = self.tx.last_insert_rowid();
        let mut stmt = self
            .tx
            .prepare_cached("INSERT INTO blob_chunks (blob_id, seq, data) VALUES (?1, ?2, ?3)")
            .map_err(|e| self.err(e))?;
        let mut buf = vec![0u8; CHUNK_SIZE];
        let mut seq = 0i64;
        loop {
            let n = match read_full(content, &mut buf) {
                Ok(n) => n,
                Err(e) => return Ok(Err(e)),
            };
            if n == 0 {
                break;
            }
            stmt.execute(params![blob, seq, &buf[..n]])
                .map_err(|e| self.err(e))?;
            seq += 1;
        }
        Ok(Ok(()))
    }
}

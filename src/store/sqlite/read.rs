//! Queries. Records and file contents are handed out one at a time through
//! callbacks, so callers stream instead of collecting.

use super::SqliteStore;
use crate::error::{Error, Result};
use crate::model::{Account, Config, Contact, Dossier, Group, Origin, Person, Teammate};
use crate::store::{
    AccountRow, AccountSummary, CHUNK_SIZE, Contents, DossierRow, EachRecord, GroupRow,
    GroupSummary, Read, RecordRow,
};
use rusqlite::{OptionalExtension, Row, params};
use std::io::Write;

const RECORD_COLUMNS: &str = "id, dossier_id, rid, created_ns, body";

fn record_row(r: &Row) -> rusqlite::Result<RecordRow> {
    Ok(RecordRow {
        rowid: r.get(0)?,
        dossier: r.get(1)?,
        rid: r.get(2)?,
        created_ns: r.get(3)?,
        body: r.get(4)?,
    })
}

fn parse<T: serde::de::DeserializeOwned>(text: &str, what: &str) -> Result<T> {
    serde_json::from_str(text)
        .or_else(|_| serde_json::from_value(serde_json::Value::String(text.to_owned())))
        .map_err(|e| Error::corrupt(format!("stored {what} `{text}` does not parse"), e))
}

fn dossier_row(r: &Row) -> rusqlite::Result<(i64, i64, Dossier, String)> {
    let origin = match (
        r.get::<_, Option<String>>(10)?,
        r.get::<_, Option<String>>(11)?,
    ) {
        (Some(migration), Some(id)) => Some(Origin { migration, id }),
        _ => None,
    };
    Ok((
        r.get(0)?,
        r.get(1)?,
        Dossier {
            id: r.get(2)?,
            name: r.get(3)?,
            birth_date: r.get(4)?,
            bsn: r.get(5)?,
            client_number: r.get(6)?,
            status: crate::model::DossierStatus::Active,
            created_at: r.get(8)?,
            updated_at: r.get(9)?,
            contacts: Vec::new(),
            origin,
        },
        r.get(7)?,
    ))
}

impl Read for SqliteStore {
    fn location(&self) -> String {
        self.path.display().to_string()
    }

    fn account(&self, slug: &str) -> Result<Option<AccountRow>> {
        self.conn
            .query_row(
                "SELECT id, slug, name, owner_name, owner_email, read_only_migration FROM accounts WHERE slug = ?1",
                [slug],
                |r| {
                    Ok(AccountRow {
                        id: r.get(0)?,
                        account: Account {
                            slug: r.get(1)?,
                            name: r.get(2)?,
                            owner: Person {
                                name: r.get(3)?,
                                email: r.get(4)?,
                            },
                        },
                        read_only: r.get(5)?,
                    })
                },
            )
            .optional()
            .map_err(|e| self.err(e))
    }

    fn accounts(&self) -> Result<Vec<AccountSummary>> {
        let mut stmt = self
            .conn
            .prepare("SELECT slug FROM accounts ORDER BY slug")
            .map_err(|e| self.err(e))?;
        let slugs: Vec<String> = stmt
            .query_map([], |r| r.get(0))
            .and_then(|rows| rows.collect())
            .map_err(|e| self.err(e))?;
        slugs.iter().map(|s| self.summary(s)).collect()
    }

    fn teammates(&self, account: i64) -> Result<Vec<Teammate>> {
        let mut stmt = self
            .conn
            .prepare("SELECT email, name, role, status, groups FROM teammates WHERE account_id = ?1 ORDER BY email_fold, email")
            .map_err(|e| self.err(e))?;
        let rows: Vec<(String, String, String, String, String)> = stmt
            .query_map([account], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?))
            })
            .and_then(|rows| rows.collect())
            .map_err(|e| self.err(e))?;
        rows.into_iter()
            .map(|(email, name, role, status, groups)| {
                Ok(Teammate {
                    email,
                    name,
                    role: parse(&role, "role")?,
                    status: parse(&status, "status")?,
                    groups: parse(&groups, "groups")?,
                })
            })
            .collect()
    }

    fn groups(&self, account: i64) -> Result<Vec<GroupRow>> {
        let mut stmt = self
            .conn
            .prepare(
                "SELECT id, key, name, config, read_only_migration, origin_migration FROM groups
                 WHERE account_id = ?1 ORDER BY key",
            )
            .map_err(|e| self.err(e))?;
        // The config is parsed after the query, where its error can be typed.
        let rows: Vec<(GroupRow, String)> = stmt
            .query_map([account], |r| {
                let group = Group {
                    key: r.get(1)?,
                    name: r.get(2)?,
                    config: Config::default(),
                };
                Ok((
                    GroupRow {
                        id: r.get(0)?,
                        group,
                        read_only: r.get(4)?,
                        origin: r.get(5)?,
                    },
                    r.get(3)?,
                ))
            })
            .and_then(|rows| rows.collect())
            .map_err(|e| self.err(e))?;
        rows.into_iter()
            .map(|(mut row, config)| {
                row.group.config = parse(&config, "configuration")?;
                Ok(row)
            })
            .collect()
    }

    /// The dossiers of a group, by id.
    fn dossiers(&self, group: i64) -> Result<Vec<DossierRow>> {
        self.dossiers_where("d.group_id = ?1", group)
    }

    /// Every dossier of an account, by id.
    fn account_dossiers(&self, account: i64) -> Result<Vec<DossierRow>> {
        self.dossiers_where("d.account_id = ?1", account)
    }

    /// Calls `each` for every record of `kind` in a dossier, in id order.
    fn for_each_record(&self, dossier: i64, kind: &str, each: &mut EachRecord) -> Result<()> {
        let sql = format!(
            "SELECT {RECORD_COLUMNS} FROM records WHERE dossier_id = ?1 AND kind = ?2 ORDER BY rid"
        );
        self.each_record(&sql, params![dossier, kind], each)
    }

    /// Calls `each` for every record of `kind` in an account, in rowid order.
    fn for_each_account_record(
        &self,
        account: i64,
        kind: &str,
        each: &mut EachRecord,
    ) -> Result<()> {
        let sql = format!(
            "SELECT {RECORD_COLUMNS} FROM records WHERE account_id = ?1 AND kind = ?2 ORDER BY id"
        );
        self.each_record(&sql, params![account, kind], each)
    }

    /// One record by its row id.
    fn record(&self, rowid: i64) -> Result<RecordRow> {
        let sql = format!("SELECT {RECORD_COLUMNS} FROM records WHERE id = ?1");
        let mut stmt = self.conn.prepare_cached(&sql).map_err(|e| self.err(e))?;
        stmt.query_row([rowid], record_row).map_err(|e| self.err(e))
    }

    /// The dossier (row id) and `created_ns` of record `kind:rid`, if any.
    fn record_place(&self, account: i64, kind: &str, rid: &str) -> Result<Option<(i64, i64)>> {
        let mut stmt = self
            .conn
            .prepare_cached(
                "SELECT dossier_id, created_ns FROM records WHERE account_id = ?1 AND kind = ?2 AND rid_fold = ?3",
            )
            .map_err(|e| self.err(e))?;
        stmt.query_row(
            params![account, kind, crate::model::syntax::fold(rid)],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()
        .map_err(|e| self.err(e))
    }

    /// How many records of `kind` a dossier holds.
    fn count_records(&self, dossier: i64, kind: &str) -> Result<u64> {
        let mut stmt = self
            .conn
            .prepare_cached("SELECT count(*) FROM records WHERE dossier_id = ?1 AND kind = ?2")
            .map_err(|e| self.err(e))?;
        stmt.query_row(params![dossier, kind], |r| {
            r.get::<_, i64>(0).map(|n| n as u64)
        })
        .map_err(|e| self.err(e))
    }

    /// How many records the store holds (all accounts).
    fn record_count(&self) -> Result<u64> {
        self.conn
            .query_row("SELECT count(*) FROM records", [], |r| {
                r.get::<_, i64>(0).map(|n| n as u64)
            })
            .map_err(|e| self.err(e))
    }

    /// (kind, target id, source id) of every record a migration brought in.
    fn migration_records(
        &self,
        account: i64,
        migration: &str,
    ) -> Result<Vec<(String, String, String)>> {
        let mut stmt = self
            .conn
            .prepare("SELECT kind, rid, origin_id FROM records WHERE account_id = ?1 AND origin_migration = ?2")
            .map_err(|e| self.err(e))?;
        stmt.query_map(params![account, migration], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?))
        })
        .and_then(|rows| rows.collect())
        .map_err(|e| self.err(e))
    }

    /// Whether anything in the account came with `migration`: a dossier,
    /// record, group or teammate with that origin (`check` reports
    /// `already-imported` on it, journal or not).
    fn holds_migration_data(&self, account: i64, migration: &str) -> Result<bool> {
        self.conn
            .query_row(
                "SELECT EXISTS (SELECT 1 FROM dossiers WHERE account_id = ?1 AND origin_migration = ?2)
                     OR EXISTS (SELECT 1 FROM records WHERE account_id = ?1 AND origin_migration = ?2)
                     OR EXISTS (SELECT 1 FROM groups WHERE account_id = ?1 AND origin_migration = ?2)
                     OR EXISTS (SELECT 1 FROM teammates WHERE account_id = ?1 AND origin_migration = ?2)",
                params![account, migration],
                |r| r.get(0),
            )
            .map_err(|e| self.err(e))
    }

    /// Records in a dossier that did not come with the migration.
    fn records_not_of(&self, dossier: i64, migration: &str) -> Result<u64> {
        self.conn
            .query_row(
                "SELECT count(*) FROM records WHERE dossier_id = ?1 AND (origin_migration IS NULL OR origin_migration != ?2)",
                params![dossier, migration],
                |r| r.get::<_, i64>(0).map(|n| n as u64),
            )
            .map_err(|e| self.err(e))
    }

    /// The e-mails and names of the teammates an import of `migration`
    /// created in an account (the plan chose `teammates`), by e-mail.
    fn migration_teammates(&self, account: i64, migration: &str) -> Result<Vec<(String, String)>> {
        let mut stmt = self
            .conn
            .prepare("SELECT email, name FROM teammates WHERE account_id = ?1 AND origin_migration = ?2 ORDER BY email_fold, email")
            .map_err(|e| self.err(e))?;
        stmt.query_map(params![account, migration], |r| Ok((r.get(0)?, r.get(1)?)))
            .and_then(|rows| rows.collect())
            .map_err(|e| self.err(e))
    }

    /// The e-mails (and names) kept as attributions for a migration.
    fn attributions(&self, account: i64, migration: &str) -> Result<Vec<(String, Option<String>)>> {
        let mut stmt = self
            .conn
            .prepare("SELECT email, name FROM attributions WHERE account_id = ?1 AND migration = ?2 ORDER BY email")
            .map_err(|e| self.err(e))?;
        stmt.query_map(params![account, migration], |r| Ok((r.get(0)?, r.get(1)?)))
            .and_then(|rows| rows.collect())
            .map_err(|e| self.err(e))
    }

    fn integrity_check(&self) -> Result<String> {
        self.conn
            .query_row("PRAGMA integrity_check", [], |r| r.get(0))
            .map_err(|e| self.err(e))
    }
}

impl Contents for SqliteStore {
    /// The distinct file contents the records of an account name, sorted.
    fn account_blobs(&self, account: i64) -> Result<Vec<String>> {
        let mut stmt = self
            .conn
            .prepare("SELECT DISTINCT sha256 FROM records WHERE account_id = ?1 AND sha256 IS NOT NULL ORDER BY sha256")
            .map_err(|e| self.err(e))?;
        stmt.query_map([account], |r| r.get(0))
            .and_then(|rows| rows.collect())
            .map_err(|e| self.err(e))
    }

    /// The stored size of a content, if present.
    fn blob_size(&self, sha256: &str) -> Result<Option<u64>> {
        self.conn
            .query_row("SELECT size FROM blobs WHERE sha256 = ?1", [sha256], |r| {
                r.get::<_, i64>(0).map(|n| n as u64)
            })
            .optional()
            .map_err(|e| self.err(e))
    }

    /// Streams a file's contents into `out`, chunk by chunk.
    fn copy_blob(&self, sha256: &str, out: &mut dyn Write) -> Result<std::io::Result<u64>> {
        let mut stmt = self
            .conn
            .prepare_cached(
                "SELECT c.data FROM blob_chunks c JOIN blobs b ON b.id = c.blob_id WHERE b.sha256 = ?1 ORDER BY c.seq",
            )
            .map_err(|e| self.err(e))?;
        let mut rows = stmt.query([sha256]).map_err(|e| self.err(e))?;
        let mut total = 0u64;
        while let Some(row) = rows.next().map_err(|e| self.err(e))? {
            let chunk = row
                .get_ref(0)
                .and_then(|v| v.as_blob().map_err(Into::into))
                .map_err(|e| self.err(e))?;
            debug_assert!(chunk.len() <= CHUNK_SIZE);
            if let Err(e) = out.write_all(chunk) {
                return Ok(Err(e));
            }
            total += chunk.len() as u64;
        }
        Ok(Ok(total))
    }

    /// How many distinct file contents the store holds (all accounts).
    fn blob_count(&self) -> Result<u64> {
        self.conn
            .query_row("SELECT count(*) FROM blobs", [], |r| {
                r.get::<_, i64>(0).map(|n| n as u64)
            })
            .map_err(|e| self.err(e))
    }
}

impl SqliteStore {
    fn summary(&self, slug: &str) -> Result<AccountSummary> {
        let row = self.require_account(slug)?;
        let mut stmt = self
            .conn
            .prepare(
                "SELECT g.key, g.name, g.read_only_migration, (SELECT count(*) FROM dossiers d WHERE d.group_id = g.id)
                 FROM groups g WHERE g.account_id = ?1 ORDER BY g.key",
            )
            .map_err(|e| self.err(e))?;
        let groups = stmt
            .query_map([row.id], |r| {
                Ok(GroupSummary {
                    key: r.get(0)?,
                    name: r.get(1)?,
                    read_only: r.get(2)?,
                    dossiers: r.get::<_, i64>(3)? as u64,
                })
            })
            .and_then(|rows| rows.collect())
            .map_err(|e| self.err(e))?;
        Ok(AccountSummary {
            slug: row.account.slug,
            name: row.account.name,
            read_only: row.read_only,
            groups,
        })
    }

    fn dossiers_where(&self, filter: &str, key: i64) -> Result<Vec<DossierRow>> {
        let sql = format!(
            "SELECT d.id, d.group_id, d.did, d.name, d.birth_date, d.bsn, d.client_number, d.status, d.created_at,
                    d.updated_at, d.origin_migration, d.origin_id
             FROM dossiers d WHERE {filter} ORDER BY d.did"
        );
        let mut stmt = self.conn.prepare(&sql).map_err(|e| self.err(e))?;
        let rows: Vec<(i64, i64, Dossier, String)> = stmt
            .query_map([key], dossier_row)
            .and_then(|rows| rows.collect())
            .map_err(|e| self.err(e))?;
        rows.into_iter()
            .map(|(id, group_id, mut dossier, status)| {
                dossier.status = parse(&status, "dossier status")?;
                dossier.contacts = self.contacts(id)?;
                Ok(DossierRow {
                    id,
                    group_id,
                    dossier,
                })
            })
            .collect()
    }

    fn contacts(&self, dossier: i64) -> Result<Vec<Contact>> {
        let mut stmt = self
            .conn
            .prepare_cached("SELECT name, relation, phone, email FROM contacts WHERE dossier_id = ?1 ORDER BY position")
            .map_err(|e| self.err(e))?;
        stmt.query_map([dossier], |r| {
            Ok(Contact {
                name: r.get(0)?,
                relation: r.get(1)?,
                phone: r.get(2)?,
                email: r.get(3)?,
            })
        })
        .and_then(|rows| rows.collect())
        .map_err(|e| self.err(e))
    }

    fn each_record(
        &self,
        sql: &str,
        params: impl rusqlite::Params,
        each: &mut EachRecord,
    ) -> Result<()> {
        let mut stmt = self.conn.prepare_cached(sql).map_err(|e| self.err(e))?;
        let mut rows = stmt.query(params).map_err(|e| self.err(e))?;
        while let Some(row) = rows.next().map_err(|e| self.err(e))? {
            each(record_row(row).map_err(|e| self.err(e))?)?;
        }
        Ok(())
    }
}

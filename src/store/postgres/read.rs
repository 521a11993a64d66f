//! Queries. Records and file contents are fetched in bounded batches by
//! key, so that a walk never holds a whole result set, and the callback
//! runs with no query open (it may query the store itself).

use super::{PgStore, Sql, col};
use crate::error::{Error, Result};
use crate::model::Teammate;
use crate::model::{Account, Config, Contact, Dossier, DossierStatus, Group, Origin, Person};
use crate::store::{
    AccountRow, AccountSummary, Contents, DossierRow, EachRecord, GroupRow, GroupSummary, Read,
    RecordRow,
};
use postgres::Row;
use std::io::Write;

/// Records per batch of a walk.
const BATCH: i64 = 1000;

/// File chunks per batch of a copy (4 MiB at most).
const CHUNK_BATCH: i64 = 16;

fn record_row(r: &Row) -> Result<RecordRow> {
    Ok(RecordRow {
        rowid: col(r, 0)?,
        dossier: col(r, 1)?,
        rid: col(r, 2)?,
        created_ns: col(r, 3)?,
        body: col(r, 4)?,
    })
}

fn parse<T: serde::de::DeserializeOwned>(text: &str, what: &str) -> Result<T> {
    serde_json::from_str(text)
        .or_else(|_| serde_json::from_value(serde_json::Value::String(text.to_owned())))
        .map_err(|e| Error::corrupt(format!("stored {what} `{text}` does not parse"), e))
}

fn count(n: i64) -> u64 {
    u64::try_from(n).unwrap_or(0)
}

impl Read for PgStore {
    fn location(&self) -> String {
        self.shown.clone()
    }

    fn account(&self, slug: &str) -> Result<Option<AccountRow>> {
        let row = self.opt(
            "SELECT id, slug, name, owner_name, owner_email, read_only_migration FROM accounts WHERE slug = $1",
            &[&slug],
        )?;
        row.map(|r| {
            Ok(AccountRow {
                id: col(&r, 0)?,
                account: Account {
                    slug: col(&r, 1)?,
                    name: col(&r, 2)?,
                    owner: Person {
                        name: col(&r, 3)?,
                        email: col(&r, 4)?,
                    },
                },
                read_only: col(&r, 5)?,
            })
        })
        .transpose()
    }

    fn accounts(&self) -> Result<Vec<AccountSummary>> {
        let rows = self.rows(
            "SELECT id, slug, name, read_only_migration FROM accounts ORDER BY slug",
            &[],
        )?;
        let mut out = Vec::with_capacity(rows.len());
        for r in rows {
            let id: i64 = col(&r, 0)?;
            let groups = self
                .rows(
                    "SELECT g.key, g.name, g.read_only_migration,
                            (SELECT count(*) FROM dossiers d WHERE d.group_id = g.id)
                     FROM groups g WHERE g.account_id = $1 ORDER BY g.key",
                    &[&id],
                )?
                .iter()
                .map(|g| {
                    Ok(GroupSummary {
                        key: col(g, 0)?,
                        name: col(g, 1)?,
                        read_only: col(g, 2)?,
                        dossiers: count(col(g, 3)?),
                    })
                })
                .collect::<Result<_>>()?;
            out.push(AccountSummary {
                slug: col(&r, 1)?,
                name: col(&r, 2)?,
                read_only: col(&r, 3)?,
                groups,
            });
        }
        Ok(out)
    }

    fn teammates(&self, account: i64) -> Result<Vec<Teammate>> {
        self.rows(
            "SELECT email, name, role, status, groups FROM teammates WHERE account_id = $1 ORDER BY email_fold, email",
            &[&account],
        )?
        .iter()
        .map(|r| {
            Ok(Teammate {
                email: col(r, 0)?,
                name: col(r, 1)?,
                role: parse(col(r, 2)?, "role")?,
                status: parse(col(r, 3)?, "status")?,
                groups: parse(col(r, 4)?, "groups")?,
            })
        })
        .collect()
    }

    fn groups(&self, account: i64) -> Result<Vec<GroupRow>> {
        self.rows(
            "SELECT id, key, name, config, read_only_migration, origin_migration FROM groups
             WHERE account_id = $1 ORDER BY key",
            &[&account],
        )?
        .iter()
        .map(|r| {
            let config: Config = parse(col(r, 3)?, "configuration")?;
            Ok(GroupRow {
                id: col(r, 0)?,
                group: Group {
                    key: col(r, 1)?,
                    name: col(r, 2)?,
                    config,
                },
                read_only: col(r, 4)?,
                origin: col(r, 5)?,
            })
        })
        .collect()
    }

    fn dossiers(&self, group: i64) -> Result<Vec<DossierRow>> {
        let rows = self.rows(
            "SELECT id, group_id, did, name, birth_date, bsn, client_number, status, created_at,
                    updated_at, origin_migration, origin_id
             FROM dossiers WHERE group_id = $1 ORDER BY did",
            &[&group],
        )?;
        self.dossier_rows(&rows)
    }

    fn account_dossiers(&self, account: i64) -> Result<Vec<DossierRow>> {
        let rows = self.rows(
            "SELECT id, group_id, did, name, birth_date, bsn, client_number, status, created_at,
                    updated_at, origin_migration, origin_id
             FROM dossiers WHERE account_id = $1 ORDER BY did",
            &[&account],
        )?;
        self.dossier_rows(&rows)
    }

    fn for_each_record(&self, dossier: i64, kind: &str, each: &mut EachRecord) -> Result<()> {
        let mut after: Option<String> = None;
        loop {
            let rows = self.rows(
                "SELECT id, dossier_id, rid, created_ns, body FROM records
                 WHERE dossier_id = $1 AND kind = $2 AND ($3::text IS NULL OR rid > $3)
                 ORDER BY rid LIMIT $4",
                &[&dossier, &kind, &after, &BATCH],
            )?;
            let full = rows.len() as i64 == BATCH;
            for r in &rows {
                let record = record_row(r)?;
                after = Some(record.rid.clone());
                each(record)?;
            }
            if !full {
                return Ok(());
            }
        }
    }

    fn for_each_account_record(
        &self,
        account: i64,
        kind: &str,
        each: &mut EachRecord,
    ) -> Result<()> {
        let mut after = 0i64;
        loop {
            let rows = self.rows(
                "SELECT id, dossier_id, rid, created_ns, body FROM records
                 WHERE account_id = $1 AND kind = $2 AND id > $3 ORDER BY id LIMIT $4",
                &[&account, &kind, &after, &BATCH],
            )?;
            let full = rows.len() as i64 == BATCH;
            for r in &rows {
                let record = record_row(r)?;
                after = record.rowid;
                each(record)?;
            }
            if !full {
                return Ok(());
            }
        }
    }

    fn record(&self, rowid: i64) -> Result<RecordRow> {
        match self.opt(
            "SELECT id, dossier_id, rid, created_ns, body FROM records WHERE id = $1",
            &[&rowid],
        )? {
            Some(r) => record_row(&r),
            None => Err(Error::Internal(format!("record row {rowid} is not there"))),
        }
    }

    fn record_place(&self, account: i64, kind: &str, rid: &str) -> Result<Option<(i64, i64)>> {
        let fold = crate::model::syntax::fold(rid);
        self.opt(
            "SELECT dossier_id, created_ns FROM records WHERE account_id = $1 AND kind = $2 AND rid_fold = $3",
            &[&account, &kind, &fold],
        )?
        .map(|r| Ok((col(&r, 0)?, col(&r, 1)?)))
        .transpose()
    }

    fn count_records(&self, dossier: i64, kind: &str) -> Result<u64> {
        self.value(
            "SELECT count(*) FROM records WHERE dossier_id = $1 AND kind = $2",
            &[&dossier, &kind],
        )
        .map(count)
    }

    fn record_count(&self) -> Result<u64> {
        self.value("SELECT count(*) FROM records", &[]).map(count)
    }

    fn migration_records(
        &self,
        account: i64,
        migration: &str,
    ) -> Result<Vec<(String, String, String)>> {
        self.rows(
            "SELECT kind, rid, origin_id FROM records WHERE account_id = $1 AND origin_migration = $2 ORDER BY id",
            &[&account, &migration],
        )?
        .iter()
        .map(|r| Ok((col(r, 0)?, col(r, 1)?, col(r, 2)?)))
        .collect()
    }

    fn holds_migration_data(&self, account: i64, migration: &str) -> Result<bool> {
        self.value(
            "SELECT EXISTS (SELECT 1 FROM dossiers WHERE account_id = $1 AND origin_migration = $2)
                 OR EXISTS (SELECT 1 FROM records WHERE account_id = $1 AND origin_migration = $2)
                 OR EXISTS (SELECT 1 FROM groups WHERE account_id = $1 AND origin_migration = $2)
                 OR EXISTS (SELECT 1 FROM teammates WHERE account_id = $1 AND origin_migration = $2)",
            &[&account, &migration],
        )
    }

    fn records_not_of(&self, dossier: i64, migration: &str) -> Result<u64> {
        self.value(
            "SELECT count(*) FROM records WHERE dossier_id = $1 AND (origin_migration IS NULL OR origin_migration <> $2)",
            &[&dossier, &migration],
        )
        .map(count)
    }

    fn migration_teammates(&self, account: i64, migration: &str) -> Result<Vec<(String, String)>> {
        self.rows(
            "SELECT email, name FROM teammates WHERE account_id = $1 AND origin_migration = $2 ORDER BY email_fold, email",
            &[&account, &migration],
        )?
        .iter()
        .map(|r| Ok((col(r, 0)?, col(r, 1)?)))
        .collect()
    }

    fn attributions(&self, account: i64, migration: &str) -> Result<Vec<(String, Option<String>)>> {
        self.rows(
            "SELECT email, name FROM attributions WHERE account_id = $1 AND migration = $2 ORDER BY email",
            &[&account, &migration],
        )?
        .iter()
        .map(|r| Ok((col(r, 0)?, col(r, 1)?)))
        .collect()
    }

    /// PostgreSQL keeps its own pages sound; what can go wrong between the
    /// tool's tables is a row that lost its parent, so that is checked.
    fn integrity_check(&self) -> Result<String> {
        let orphans: i64 = self.value(
            "SELECT (SELECT count(*) FROM records r WHERE NOT EXISTS (SELECT 1 FROM dossiers d WHERE d.id = r.dossier_id))
                  + (SELECT count(*) FROM blob_chunks c WHERE NOT EXISTS (SELECT 1 FROM blobs b WHERE b.id = c.blob_id))",
            &[],
        )?;
        Ok(if orphans == 0 {
            "ok".to_owned()
        } else {
            format!("{orphans} row(s) without their parent")
        })
    }
}

impl PgStore {
    fn dossier_rows(&self, rows: &[Row]) -> Result<Vec<DossierRow>> {
        rows.iter()
            .map(|r| {
                let id: i64 = col(r, 0)?;
                let status: DossierStatus = parse(col(r, 7)?, "dossier status")?;
                let origin = match (col::<Option<String>>(r, 10)?, col::<Option<String>>(r, 11)?) {
                    (Some(migration), Some(id)) => Some(Origin { migration, id }),
                    _ => None,
                };
                Ok(DossierRow {
                    id,
                    group_id: col(r, 1)?,
                    dossier: Dossier {
                        id: col(r, 2)?,
                        name: col(r, 3)?,
                        birth_date: col(r, 4)?,
                        bsn: col(r, 5)?,
                        client_number: col(r, 6)?,
                        status,
                        created_at: col(r, 8)?,
                        updated_at: col(r, 9)?,
                        contacts: self.contacts(id)?,
                        origin,
                    },
                })
            })
            .collect()
    }

    fn contacts(&self, dossier: i64) -> Result<Vec<Contact>> {
        self.rows(
            "SELECT name, relation, phone, email FROM contacts WHERE dossier_id = $1 ORDER BY position",
            &[&dossier],
        )?
        .iter()
        .map(|r| {
            Ok(Contact {
                name: col(r, 0)?,
                relation: col(r, 1)?,
                phone: col(r, 2)?,
                email: col(r, 3)?,
            })
        })
        .collect()
    }
}

impl Contents for PgStore {
    fn account_blobs(&self, account: i64) -> Result<Vec<String>> {
        self.rows(
            "SELECT DISTINCT sha256 FROM records WHERE account_id = $1 AND sha256 IS NOT NULL ORDER BY sha256",
            &[&account],
        )?
        .iter()
        .map(|r| col(r, 0))
        .collect()
    }

    fn blob_size(&self, sha256: &str) -> Result<Option<u64>> {
        self.opt("SELECT size FROM blobs WHERE sha256 = $1", &[&sha256])?
            .map(|r| col::<i64>(&r, 0).map(count))
            .transpose()
    }

    fn copy_blob(&self, sha256: &str, out: &mut dyn Write) -> Result<std::io::Result<u64>> {
        let mut next = 0i64;
        let mut total = 0u64;
        loop {
            let rows = self.rows(
                "SELECT c.seq, c.data FROM blob_chunks c JOIN blobs b ON b.id = c.blob_id
                 WHERE b.sha256 = $1 AND c.seq >= $2 ORDER BY c.seq LIMIT $3",
                &[&sha256, &next, &CHUNK_BATCH],
            )?;
            for r in &rows {
                let seq: i64 = col(r, 0)?;
                let chunk: &[u8] = col(r, 1)?;
                if let Err(e) = out.write_all(chunk) {
                    return Ok(Err(e));
                }
                total += chunk.len() as u64;
                next = seq + 1;
            }
            if (rows.len() as i64) < CHUNK_BATCH {
                return Ok(Ok(total));
            }
        }
    }

    fn blob_count(&self) -> Result<u64> {
        self.value("SELECT count(*) FROM blobs", &[]).map(count)
    }
}

//! Inserts, all inside one transaction: dropping a [`PgTx`] without
//! `commit` rolls everything back, so a failed command leaves the store as
//! it was.

use super::{Params, PgStore, Sql, Statements, audit, col, run, store_error};
use crate::error::{Error, Result};
use crate::model::syntax::fold;
use crate::model::{Account, Config, Dossier, Group, Teammate};
use crate::store::journal::read_only_refusal;
use crate::store::rows::{enum_text, read_full};
use crate::store::{AuditEvent, CHUNK_SIZE, Holder, NewRecord, Store, Tx, TxData, TxJournal};
use postgres::binary_copy::BinaryCopyInWriter;
use postgres::types::Type;
use postgres::{Row, Transaction};
use std::cell::RefCell;
use std::collections::{HashMap, HashSet};
use std::io::Read;

/// Records held back for one `COPY`: a round trip per record would make
/// an import of a million records wait on the network a million times.
const COPY_BATCH: usize = 2000;

/// One write transaction on a PostgreSQL store.
pub struct PgTx<'s> {
    tx: RefCell<Transaction<'s>>,
    statements: &'s Statements,
    shown: &'s str,
    /// Records added but not yet sent; every query of the transaction
    /// sends them first, so it sees them.
    pending: RefCell<Vec<Pending>>,
    /// Per (account, kind): the ids already there, read at the first
    /// [`TxData::holder`] question, and those this transaction added, so
    /// that an import asks the server once per kind, not once per record.
    /// Kinds over [`KNOWN_CAP`] records are asked per id.
    known: RefCell<HashMap<(i64, String), Known>>,
}

/// What a transaction knows of one kind's ids in one account.
struct Known {
    /// The ids there when it first asked, folded, with their origins.
    before: HashMap<String, Origins>,
    /// 64-bit hashes of the folded ids it added since: 8 bytes a record,
    /// so a million-record import stays small. A hit may be a hash
    /// collision, so it is settled by asking the server.
    added: HashSet<u64>,
}

/// The hash `Known::added` keeps of a folded id.
fn id_hash(folded: &str) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut h = std::collections::hash_map::DefaultHasher::new();
    folded.hash(&mut h);
    h.finish()
}

/// A record's origin columns (migration, source id).
type Origins = (Option<String>, Option<String>);

/// The most records of one kind in one account that `known` holds
/// (about 20 MiB of ids).
const KNOWN_CAP: i64 = 200_000;

/// A record's columns, owned until its batch is copied.
struct Pending {
    account: i64,
    dossier: i64,
    kind: String,
    rid: String,
    rid_fold: String,
    created_at: String,
    created_ns: i64,
    sha256: Option<String>,
    body: String,
    origin_migration: Option<String>,
    origin_id: Option<String>,
}

impl Store for PgStore {
    fn begin(&mut self) -> Result<Box<dyn Tx + '_>> {
        let PgStore {
            client,
            statements,
            shown,
        } = self;
        let tx = client
            .get_mut()
            .transaction()
            .map_err(|e| store_error(shown, e))?;
        Ok(Box::new(PgTx {
            tx: RefCell::new(tx),
            statements,
            shown,
            pending: RefCell::default(),
            known: RefCell::default(),
        }))
    }
}

impl Sql for PgTx<'_> {
    fn rows(&self, sql: &'static str, params: Params) -> Result<Vec<Row>> {
        self.flush()?;
        let mut tx = self.tx.borrow_mut();
        run(&mut *tx, self.statements, self.shown, sql, params)
    }
}

impl PgTx<'_> {
    pub(super) fn exec(&self, sql: &'static str, params: Params) -> Result<u64> {
        self.flush()?;
        let mut tx = self.tx.borrow_mut();
        let statement = {
            let cached = self.statements.borrow().get(sql).cloned();
            match cached {
                Some(s) => s,
                None => {
                    let s = tx.prepare(sql).map_err(|e| self.err(e))?;
                    self.statements.borrow_mut().insert(sql, s.clone());
                    s
                }
            }
        };
        tx.execute(&statement, params).map_err(|e| self.err(e))
    }

    pub(super) fn err(&self, e: postgres::Error) -> Error {
        store_error(self.shown, e)
    }

    /// Drops what `known` holds, after a write that removes records.
    pub(super) fn forget_known_ids(&self) {
        self.known.borrow_mut().clear();
    }

    /// What `known` can say of an id without the server: `None` when it
    /// cannot (the id's hash is among those this transaction added).
    fn known_answer(&self, account: i64, kind: &str, folded: &str) -> Option<Holder> {
        let known = self.known.borrow();
        let k = known.get(&(account, kind.to_owned()))?;
        match k.before.get(folded) {
            Some(origins) => Some(Some(origins.clone())),
            None if k.added.contains(&id_hash(folded)) => None,
            None => Some(None),
        }
    }

    /// The ids of one kind of an account with their origins, read once per
    /// transaction; false when there are too many to keep.
    fn known_ids(&self, account: i64, kind: &str) -> Result<bool> {
        let key = (account, kind.to_owned());
        if self.known.borrow().contains_key(&key) {
            return Ok(true);
        }
        let n: i64 = self.value(
            "SELECT count(*) FROM records WHERE account_id = $1 AND kind = $2",
            &[&account, &kind],
        )?;
        if n > KNOWN_CAP {
            return Ok(false);
        }
        let ids = self
            .rows(
                "SELECT rid_fold, origin_migration, origin_id FROM records WHERE account_id = $1 AND kind = $2",
                &[&account, &kind],
            )?
            .iter()
            .map(|r| Ok((col(r, 0)?, (col(r, 1)?, col(r, 2)?))))
            .collect::<Result<HashMap<String, Origins>>>()?;
        let known = Known {
            before: ids,
            added: HashSet::new(),
        };
        self.known.borrow_mut().insert(key, known);
        Ok(true)
    }

    /// Sends the held-back records in one binary `COPY`.
    fn flush(&self) -> Result<()> {
        let pending = std::mem::take(&mut *self.pending.borrow_mut());
        if pending.is_empty() {
            return Ok(());
        }
        let mut tx = self.tx.borrow_mut();
        let sink = tx
            .copy_in(
                "COPY records (account_id, dossier_id, kind, rid, rid_fold, created_at, created_ns, sha256,
                               body, origin_migration, origin_id) FROM STDIN (FORMAT binary)",
            )
            .map_err(|e| self.err(e))?;
        let (int, text) = (Type::INT8, Type::TEXT);
        let types = [
            int.clone(),
            int.clone(),
            text.clone(),
            text.clone(),
            text.clone(),
            text.clone(),
            int,
            text.clone(),
            text.clone(),
            text.clone(),
            text,
        ];
        let mut writer = BinaryCopyInWriter::new(sink, &types);
        for r in &pending {
            writer
                .write(&[
                    &r.account,
                    &r.dossier,
                    &r.kind,
                    &r.rid,
                    &r.rid_fold,
                    &r.created_at,
                    &r.created_ns,
                    &r.sha256,
                    &r.body,
                    &r.origin_migration,
                    &r.origin_id,
                ])
                .map_err(|e| self.err(e))?;
        }
        writer.finish().map_err(|e| self.err(e))?;
        Ok(())
    }
}

impl Tx for PgTx<'_> {
    fn commit(self: Box<Self>) -> Result<()> {
        self.flush()?;
        let shown = self.shown;
        self.tx
            .into_inner()
            .commit()
            .map_err(|e| store_error(shown, e))
    }

    fn audit(&self, e: &AuditEvent) -> Result<()> {
        audit::append(self, e)
    }
}

impl TxData for PgTx<'_> {
    fn account_exists(&self, slug: &str) -> Result<bool> {
        self.value(
            "SELECT EXISTS (SELECT 1 FROM accounts WHERE slug = $1)",
            &[&slug],
        )
    }

    fn add_account(&self, a: &Account) -> Result<i64> {
        self.value(
            "INSERT INTO accounts (slug, name, owner_name, owner_email) VALUES ($1, $2, $3, $4) RETURNING id",
            &[&a.slug, &a.name, &a.owner.name, &a.owner.email],
        )
    }

    fn delete_account(&self, slug: &str) -> Result<()> {
        let held = self.opt(
            "SELECT read_only_migration FROM accounts WHERE slug = $1 FOR UPDATE NOWAIT",
            &[&slug],
        )?;
        if let Some(row) = held
            && let Some(holder) = col::<Option<String>>(&row, 0)?
        {
            return Err(read_only_refusal(slug, &holder));
        }
        self.forget_known_ids();
        self.exec("DELETE FROM accounts WHERE slug = $1", &[&slug])?;
        self.exec(
            "DELETE FROM blobs b WHERE NOT EXISTS (SELECT 1 FROM records r WHERE r.sha256 = b.sha256)",
            &[],
        )?;
        Ok(())
    }

    fn add_teammate(&self, account: i64, t: &Teammate, origin: Option<&str>) -> Result<()> {
        let groups = serde_json::to_string(&t.groups)
            .map_err(|e| Error::Internal(format!("teammate groups as JSON: {e}")))?;
        self.exec(
            "INSERT INTO teammates (account_id, email, email_fold, name, role, status, groups, origin_migration)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
            &[
                &account,
                &t.email,
                &fold(&t.email),
                &t.name,
                &enum_text(&t.role),
                &enum_text(&t.status),
                &groups,
                &origin,
            ],
        )?;
        Ok(())
    }

    fn teammate_emails(&self, account: i64) -> Result<Vec<String>> {
        self.rows(
            "SELECT email FROM teammates WHERE account_id = $1 ORDER BY id",
            &[&account],
        )?
        .iter()
        .map(|r| col(r, 0))
        .collect()
    }

    fn add_group(&self, account: i64, g: &Group, origin: Option<&str>) -> Result<i64> {
        self.value(
            "INSERT INTO groups (account_id, key, name, config, origin_migration) VALUES ($1, $2, $3, $4, $5) RETURNING id",
            &[&account, &g.key, &g.name, &crate::canonical::of(&g.config), &origin],
        )
    }

    fn group_id(&self, account: i64, key: &str) -> Result<Option<i64>> {
        self.opt(
            "SELECT id FROM groups WHERE account_id = $1 AND key = $2",
            &[&account, &key],
        )?
        .map(|r| col(&r, 0))
        .transpose()
    }

    fn update_group_config(&self, account: i64, group: i64, config: &Config) -> Result<()> {
        self.require_writable(account, None)?;
        let changed = self.exec(
            "UPDATE groups SET config = $3 WHERE id = $2 AND account_id = $1",
            &[&account, &group, &crate::canonical::of(config)],
        )?;
        if changed == 1 {
            Ok(())
        } else {
            Err(Error::Internal(format!(
                "group row {group} is not in account row {account}"
            )))
        }
    }

    fn set_group_read_only(&self, group: i64, migration: Option<&str>) -> Result<()> {
        self.exec(
            "UPDATE groups SET read_only_migration = $2 WHERE id = $1",
            &[&group, &migration],
        )?;
        Ok(())
    }

    fn add_dossier(&self, account: i64, group: i64, d: &Dossier) -> Result<i64> {
        let id: i64 = self.value(
            "INSERT INTO dossiers (account_id, group_id, did, did_fold, name, birth_date, bsn, client_number,
                                   status, created_at, updated_at, origin_migration, origin_id)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) RETURNING id",
            &[
                &account,
                &group,
                &d.id,
                &fold(&d.id),
                &d.name,
                &d.birth_date,
                &d.bsn,
                &d.client_number,
                &enum_text(&d.status),
                &d.created_at,
                &d.updated_at,
                &d.origin.as_ref().map(|o| &o.migration),
                &d.origin.as_ref().map(|o| &o.id),
            ],
        )?;
        for (i, c) in d.contacts.iter().enumerate() {
            self.exec(
                "INSERT INTO contacts (dossier_id, position, name, relation, phone, email) VALUES ($1, $2, $3, $4, $5, $6)",
                &[&id, &(i as i64), &c.name, &c.relation, &c.phone, &c.email],
            )?;
        }
        Ok(id)
    }

    fn add_record(&self, account: i64, dossier: i64, r: &NewRecord) -> Result<()> {
        let full = {
            let mut pending = self.pending.borrow_mut();
            if let Some(known) = self
                .known
                .borrow_mut()
                .get_mut(&(account, r.kind.to_owned()))
            {
                known.added.insert(id_hash(&fold(r.id)));
            }
            pending.push(Pending {
                account,
                dossier,
                kind: r.kind.to_owned(),
                rid: r.id.to_owned(),
                rid_fold: fold(r.id),
                created_at: r.created_at.to_owned(),
                created_ns: r.created_ns,
                sha256: r.sha256.map(str::to_owned),
                body: r.body.to_owned(),
                origin_migration: r.origin.map(|o| o.migration.clone()),
                origin_id: r.origin.map(|o| o.id.clone()),
            });
            pending.len() >= COPY_BATCH
        };
        if full { self.flush() } else { Ok(()) }
    }

    fn holder(&self, account: i64, kind: &str, id: &str) -> Result<Holder> {
        let folded = fold(id);
        let row = if kind == "dossiers" {
            self.opt(
                "SELECT origin_migration, origin_id FROM dossiers WHERE account_id = $1 AND did_fold = $2",
                &[&account, &folded],
            )?
        } else if self.known_ids(account, kind)?
            && let Some(answer) = self.known_answer(account, kind, &folded)
        {
            return Ok(answer);
        } else {
            self.opt(
                "SELECT origin_migration, origin_id FROM records WHERE account_id = $1 AND kind = $2 AND rid_fold = $3",
                &[&account, &kind, &folded],
            )?
        };
        row.map(|r| Ok((col(&r, 0)?, col(&r, 1)?))).transpose()
    }

    fn occupied_kinds(&self, account: i64) -> Result<HashSet<String>> {
        self.rows(
            "SELECT DISTINCT kind FROM records WHERE account_id = $1",
            &[&account],
        )?
        .iter()
        .map(|r| col(r, 0))
        .collect()
    }

    fn has_blob(&self, sha256: &str) -> Result<bool> {
        self.value(
            "SELECT EXISTS (SELECT 1 FROM blobs WHERE sha256 = $1)",
            &[&sha256],
        )
    }

    fn add_blob(
        &self,
        sha256: &str,
        size: u64,
        content: &mut dyn Read,
    ) -> Result<std::io::Result<()>> {
        if self.has_blob(sha256)? {
            return Ok(Ok(()));
        }
        let size = i64::try_from(size)
            .map_err(|_| Error::Internal(format!("file size {size} out of range")))?;
        let blob: i64 = self.value(
            "INSERT INTO blobs (sha256, size) VALUES ($1, $2) RETURNING id",
            &[&sha256, &size],
        )?;
        let mut buf = vec![0u8; CHUNK_SIZE];
        let mut seq = 0i64;
        loop {
            let n = match read_full(content, &mut buf) {
                Ok(n) => n,
                Err(e) => return Ok(Err(e)),
            };
            if n == 0 {
                return Ok(Ok(()));
            }
            let chunk: &[u8] = &buf[..n];
            self.exec(
                "INSERT INTO blob_chunks (blob_id, seq, data) VALUES ($1, $2, $3)",
                &[&blob, &seq, &chunk],
            )?;
            seq += 1;
        }
    }
}

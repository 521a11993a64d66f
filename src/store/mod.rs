//! The store: many accounts in one database, as in the care-record system.
//!
//! Everything the commands need of a store is one of the traits below:
//! reading accounts and records ([`Read`]), file contents ([`Contents`]),
//! the migration journal ([`Journal`]), the audit log ([`AuditLog`]), and
//! one write transaction ([`Tx`]); [`Store`] is all of them plus the way
//! into a transaction. The commands take `&dyn Store` and never see an
//! engine: SQLite ([`sqlite`]) is the first, and every engine runs the one
//! conformance suite (`store/conformance.rs`). No SQL and no engine type
//! leaves this module.

pub mod audit;
pub mod journal;
mod postgres;
mod rows;
mod sqlite;

#[cfg(test)]
mod conformance;

pub use audit::{AuditCheck, AuditEvent, AuditLine, Outcome};
pub use journal::{Entry, Stage};
pub use postgres::PgStore;
pub use rows::{
    AccountRow, AccountSummary, DossierRow, GroupRow, GroupSummary, Holder, NewRecord, RecordRow,
    Removed,
};
pub use sqlite::SqliteStore;

use crate::error::{Error, Result};
use crate::model::{Account, Config, Dossier, Group, Teammate};
use crate::problem::{Code, Problem};
use std::collections::HashSet;
use std::path::Path;

/// Chunk size of stored file contents.
pub const CHUNK_SIZE: usize = 256 * 1024;

/// What a command does with a store. It decides whether a missing store is
/// created and whether an older schema is brought up to date: only a
/// command that writes migrates; one that only reads refuses an older
/// store rather than change it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// Reads only.
    Read,
    /// Writes into a store that must exist.
    Write,
    /// Writes, creating the store when it is not there.
    Create,
}

/// Opens the store at `address` to write, creating it when `create` is
/// set; the schema is brought up to date, and a store newer than the tool
/// is refused. The address is a SQLite file's path or a `postgres://` /
/// `postgresql://` URL.
pub fn open(address: &Path, create: bool) -> Result<Box<dyn Store>> {
    let access = if create {
        Access::Create
    } else {
        Access::Write
    };
    open_with_password(address, None, access)
}

/// Opens the store at `address` for `access`, with a PostgreSQL password
/// for a URL that carries none (the CLI passes `PGPASSWORD`, as libpq
/// would read it).
pub fn open_with_password(
    address: &Path,
    password: Option<&str>,
    access: Access,
) -> Result<Box<dyn Store>> {
    match address.to_str() {
        Some(url) if postgres::is_url(url) => Ok(Box::new(PgStore::open(url, password, access)?)),
        _ => Ok(Box::new(SqliteStore::open(address, access)?)),
    }
}

/// A record's callback: called once per record, in the order the query
/// names; an error stops the walk and is returned.
pub type EachRecord<'a> = dyn FnMut(RecordRow) -> Result<()> + 'a;

/// Reading accounts, groups, teammates, dossiers and records.
pub trait Read {
    /// Where the data is, for messages: a path, or an address without its
    /// password.
    fn location(&self) -> String;

    /// An account by slug, with its row id and read-only mark; `None` when
    /// the store has no such account.
    fn account(&self, slug: &str) -> Result<Option<AccountRow>>;

    /// Every account with its groups, by slug.
    fn accounts(&self) -> Result<Vec<AccountSummary>>;

    /// An account's teammates, by e-mail (case-folded).
    fn teammates(&self, account: i64) -> Result<Vec<Teammate>>;

    /// An account's groups, by key.
    fn groups(&self, account: i64) -> Result<Vec<GroupRow>>;

    /// The dossiers of a group, by id.
    fn dossiers(&self, group: i64) -> Result<Vec<DossierRow>>;

    /// Every dossier of an account, by id.
    fn account_dossiers(&self, account: i64) -> Result<Vec<DossierRow>>;

    /// Calls `each` for every record of `kind` in a dossier, in id order.
    fn for_each_record(&self, dossier: i64, kind: &str, each: &mut EachRecord) -> Result<()>;

    /// Calls `each` for every record of `kind` in an account, in the order
    /// they were stored.
    fn for_each_account_record(
        &self,
        account: i64,
        kind: &str,
        each: &mut EachRecord,
    ) -> Result<()>;

    /// One record by its row id.
    fn record(&self, rowid: i64) -> Result<RecordRow>;

    /// The dossier (row id) and `created_ns` of record `kind:rid` of an
    /// account (ids compared case-folded), if any.
    fn record_place(&self, account: i64, kind: &str, rid: &str) -> Result<Option<(i64, i64)>>;

    /// How many records of `kind` a dossier holds.
    fn count_records(&self, dossier: i64, kind: &str) -> Result<u64>;

    /// How many records the store holds (all accounts).
    fn record_count(&self) -> Result<u64>;

    /// (kind, target id, source id) of every record a migration brought in.
    fn migration_records(
        &self,
        account: i64,
        migration: &str,
    ) -> Result<Vec<(String, String, String)>>;

    /// Whether anything in the account came with `migration`: a dossier,
    /// record, group or teammate with that origin (`check` reports
    /// `already-imported` on it, journal or not).
    fn holds_migration_data(&self, account: i64, migration: &str) -> Result<bool>;

    /// Records in a dossier that did not come with the migration.
    fn records_not_of(&self, dossier: i64, migration: &str) -> Result<u64>;

    /// The e-mails and names of the teammates an import of `migration`
    /// created in an account, by e-mail.
    fn migration_teammates(&self, account: i64, migration: &str) -> Result<Vec<(String, String)>>;

    /// The e-mails (and names) kept as attributions for a migration.
    fn attributions(&self, account: i64, migration: &str) -> Result<Vec<(String, Option<String>)>>;

    /// The engine's own consistency check: "ok" when the store is sound.
    fn integrity_check(&self) -> Result<String>;

    /// The account, or `account-not-found` naming the store.
    fn require_account(&self, slug: &str) -> Result<AccountRow> {
        self.account(slug)?.ok_or_else(|| {
            Error::invalid(Problem::error(
                Code::AccountNotFound,
                format!("account `{slug}` is not in store {}", self.location()),
            ))
        })
    }

    /// An account's group by key.
    fn group(&self, account: i64, key: &str) -> Result<Option<GroupRow>> {
        Ok(self
            .groups(account)?
            .into_iter()
            .find(|g| g.group.key == key))
    }

    /// The dossier (row id) holding record `kind:rid` of an account, if any.
    fn record_dossier(&self, account: i64, kind: &str, rid: &str) -> Result<Option<i64>> {
        Ok(self
            .record_place(account, kind, rid)?
            .map(|(dossier, _)| dossier))
    }

    /// The dossiers an import of `migration` brought into an account.
    fn migration_dossiers(&self, account: i64, migration: &str) -> Result<Vec<DossierRow>> {
        let all = self.account_dossiers(account)?;
        Ok(all
            .into_iter()
            .filter(|d| {
                d.dossier
                    .origin
                    .as_ref()
                    .is_some_and(|o| o.migration == migration)
            })
            .collect())
    }
}

/// File contents, stored once per sha256 in chunks of [`CHUNK_SIZE`].
pub trait Contents {
    /// The distinct file contents the records of an account name, sorted.
    fn account_blobs(&self, account: i64) -> Result<Vec<String>>;

    /// The stored size of a content, if present.
    fn blob_size(&self, sha256: &str) -> Result<Option<u64>>;

    /// Streams a content into `out`, chunk by chunk; the inner result is
    /// `out`'s own error, kept apart from the store's.
    fn copy_blob(&self, sha256: &str, out: &mut dyn std::io::Write)
    -> Result<std::io::Result<u64>>;

    /// How many distinct file contents the store holds (all accounts).
    fn blob_count(&self) -> Result<u64>;
}

/// The migration journal's rows.
pub trait Journal {
    /// Every journal row of a migration in an account, oldest first.
    fn journal(&self, account: i64, migration: &str) -> Result<Vec<Entry>>;

    /// The import of a migration in force in an account, if any.
    fn imported(&self, account: i64, migration: &str) -> Result<Option<Entry>> {
        Ok(self
            .journal(account, migration)?
            .into_iter()
            .rev()
            .find(Entry::in_force))
    }
}

/// The audit log's lines (NEN 7513).
pub trait AuditLog {
    /// An account's lines in order. An account that never had one (or
    /// never existed) has an empty log.
    fn audit_log(&self, account: &str) -> Result<Vec<AuditLine>>;

    /// Recomputes every hash and checks the links and the numbering; stops
    /// at the first line that does not fit, since every later link hangs
    /// on it.
    fn verify_audit(&self, account: &str) -> Result<AuditCheck> {
        Ok(audit::check_chain(&self.audit_log(account)?))
    }
}

/// A store: everything it reads, and the way into a write transaction.
pub trait Store: Read + Contents + Journal + AuditLog {
    /// Starts a write transaction. It takes the write lock at once, so a
    /// concurrent writer waits or fails with `store-busy` before it has
    /// written anything; dropping it without [`Tx::commit`] undoes it all.
    fn begin(&mut self) -> Result<Box<dyn Tx + '_>>;

    /// Appends an audit line in a short transaction of its own, for
    /// refusals and failures that commit nothing else.
    fn audit(&mut self, e: &AuditEvent) -> Result<()> {
        let tx = self.begin()?;
        tx.audit(e)?;
        tx.commit()
    }

    /// Marks the account read-only for `migration` and opens a journal row,
    /// in a short transaction of its own, before the import's big one.
    fn begin_import(&mut self, import: &JournalStart) -> Result<i64> {
        let tx = self.begin()?;
        tx.require_writable(import.account, Some(import.migration))?;
        tx.set_account_read_only(import.account, Some(import.migration))?;
        let id = tx.add_journal_entry(import)?;
        tx.commit()?;
        Ok(id)
    }

    /// Records a failed import; the read-only mark stays (`unlock`).
    fn fail_import(&mut self, journal: i64, why: &str) -> Result<()> {
        let tx = self.begin()?;
        tx.fail_journal_entry(journal, why)?;
        tx.commit()
    }
}

/// What a journal row records when an import starts.
#[derive(Debug, Clone, Copy)]
pub struct JournalStart<'a> {
    /// The row id of the account imported into.
    pub account: i64,
    /// The migration id from the plan.
    pub migration: &'a str,
    /// Whether this is the test or the live import.
    pub stage: Stage,
    /// Whether the archive is a `--rehearsal` export.
    pub rehearsal: bool,
    /// The hex sha256 of the archive file.
    pub archive_sha256: &'a str,
    /// Who runs the import, `Name <email>`.
    pub operator: &'a str,
}

/// One write transaction: everything in it commits together or not at all.
pub trait Tx: TxData + TxJournal {
    /// Makes everything written in the transaction permanent.
    fn commit(self: Box<Self>) -> Result<()>;

    /// Appends an audit line in this transaction: it commits with the rest
    /// or not at all.
    fn audit(&self, e: &AuditEvent) -> Result<()>;
}

/// A transaction's writes of accounts, teammates, groups, dossiers,
/// records and file contents.
pub trait TxData {
    /// Whether an account with this slug exists.
    fn account_exists(&self, slug: &str) -> Result<bool>;

    /// Adds an account; returns its row id.
    fn add_account(&self, a: &Account) -> Result<i64>;

    /// Removes an account and everything in it (for `account load
    /// --replace`). Refused (`account-read-only`) while a migration holds
    /// the account.
    fn delete_account(&self, slug: &str) -> Result<()>;

    /// Adds a teammate to an account; `origin` is the migration that created
    /// it (`None` for one loaded with the account), so rollback can remove it.
    fn add_teammate(&self, account: i64, t: &Teammate, origin: Option<&str>) -> Result<()>;

    /// The e-mails of an account's teammates.
    fn teammate_emails(&self, account: i64) -> Result<Vec<String>>;

    /// Adds a group; returns its row id.
    fn add_group(&self, account: i64, g: &Group, origin: Option<&str>) -> Result<i64>;

    /// A group's row id by key.
    fn group_id(&self, account: i64, key: &str) -> Result<Option<i64>>;

    /// Replaces a group's configuration (`align`). Refused with
    /// `account-read-only` (exit 4) while a migration holds the account.
    fn update_group_config(&self, account: i64, group: i64, config: &Config) -> Result<()>;

    /// Marks a group read-only for a migration (`None` clears the mark).
    fn set_group_read_only(&self, group: i64, migration: Option<&str>) -> Result<()>;

    /// Adds a dossier with its contacts; returns its row id.
    fn add_dossier(&self, account: i64, group: i64, d: &Dossier) -> Result<i64>;

    /// Adds a record to a dossier, with the columns queries use and its
    /// origin.
    fn add_record(&self, account: i64, dossier: i64, r: &NewRecord) -> Result<()>;

    /// What holds id `id` of `kind` (`dossiers` for dossiers) in an
    /// account, ids compared case-folded.
    fn holder(&self, account: i64, kind: &str, id: &str) -> Result<Holder>;

    /// The record kinds of which an account holds at least one record.
    fn occupied_kinds(&self, account: i64) -> Result<HashSet<String>>;

    /// Whether file contents with this hex sha256 are stored already.
    fn has_blob(&self, sha256: &str) -> Result<bool>;

    /// Stores file contents under `sha256`, chunk by chunk. The caller has
    /// verified the digest; contents already present are not stored twice.
    /// `content`'s own read error comes back as the inner `Err`.
    fn add_blob(
        &self,
        sha256: &str,
        size: u64,
        content: &mut dyn std::io::Read,
    ) -> Result<std::io::Result<()>>;
}

/// A transaction's read-only marks, journal rows, attributions and
/// rollback.
pub trait TxJournal {
    /// Refuses a write to an account that another migration holds
    /// read-only (`account-read-only`); `allowed` is the migration that may.
    fn require_writable(&self, account: i64, allowed: Option<&str>) -> Result<()>;

    /// Sets the account's read-only mark to `migration` (`None` clears it).
    fn set_account_read_only(&self, account: i64, migration: Option<&str>) -> Result<()>;

    /// Opens a journal row in state `started`; returns its id.
    fn add_journal_entry(&self, import: &JournalStart) -> Result<i64>;

    /// Marks a journal row failed, with why.
    fn fail_journal_entry(&self, journal: i64, why: &str) -> Result<()>;

    /// Marks the journal row committed, with the manifest and what was
    /// written.
    fn commit_import(&self, journal: i64, manifest: &str, written: &str) -> Result<()>;

    /// Records the stage's approval on a journal row: now, and `by`
    /// (`Name <email>`).
    fn sign_off(&self, journal: i64, by: &str) -> Result<()>;

    /// Marks a journal row `rolled-back`, with now and `by` (`Name <email>`).
    fn mark_rolled_back(&self, journal: i64, by: &str) -> Result<()>;

    /// A teammate reference the import could not link to a teammate.
    fn add_attribution(
        &self,
        account: i64,
        migration: &str,
        email: &str,
        name: Option<&str>,
    ) -> Result<()>;

    /// Removes everything a migration brought into an account: records,
    /// dossiers, the groups and teammates it created, its attributions, and
    /// file contents nothing else uses any more.
    fn remove_migration(&self, account: i64, migration: &str) -> Result<Removed>;

    /// Clears the read-only marks a migration holds on an account's groups
    /// (the export's source lock); returns the group keys.
    fn unlock_groups(&self, account: i64, migration: &str) -> Result<Vec<String>>;

    /// Whether a dossier or record of the migration is in the account.
    fn has_migration_data(&self, account: i64, migration: &str) -> Result<bool>;
}

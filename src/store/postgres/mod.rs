//! The PostgreSQL engine: many accounts in one database, as a care-record
//! system with many organisations keeps them.
//!
//! [`PgStore`] connects (TLS through rustls), migrates the schema and reads;
//! [`PgTx`] is one write transaction. Unlike SQLite's one writer per file,
//! a transaction here locks only the rows it touches: an import holds its
//! target account's row (`FOR UPDATE NOWAIT`), so a second writer of that
//! account is refused at once, and the other accounts stay readable and
//! writable. `address.rs` parses and redacts the URL.

mod address;
mod audit;
mod journal;
mod read;
mod schema;
mod write;

pub use address::{is_url, redact};
pub use write::PgTx;

use crate::error::{Error, Result};
use crate::store::Access;
use postgres::error::SqlState;
use postgres::types::{FromSql, ToSql};
use postgres::{Client, GenericClient, Row, Statement};
use std::cell::RefCell;
use std::collections::HashMap;

/// How long a writer waits for a row another transaction holds before
/// `store-busy` (SQLite's busy timeout is the same).
const LOCK_TIMEOUT: &str = "2s";

/// Serialises schema migrations of one database across processes.
const MIGRATION_LOCK: i64 = 0x6474_5f73_6368;

/// A parameter list of a query.
type Params<'a> = &'a [&'a (dyn ToSql + Sync)];

/// Prepared statements by their SQL, kept for the connection's life.
type Statements = RefCell<HashMap<&'static str, Statement>>;

/// A store in one PostgreSQL database.
pub struct PgStore {
    client: RefCell<Client>,
    statements: Statements,
    /// The address without its password, for messages.
    shown: String,
}

impl PgStore {
    /// Connects to the database at `url` (libpq's URL form). `password` is
    /// used when the URL has none (the CLI passes `PGPASSWORD`). Without
    /// `create`, a database that holds no store is refused.
    pub fn open(url: &str, password: Option<&str>, access: Access) -> Result<PgStore> {
        let shown = redact(url);
        let client = address::connect(url, password, &shown)?;
        let mut store = PgStore {
            client: RefCell::new(client),
            statements: RefCell::default(),
            shown,
        };
        store.configure()?;
        store.migrate(access)?;
        Ok(store)
    }

    fn configure(&mut self) -> Result<()> {
        let sql =
            format!("SET lock_timeout = '{LOCK_TIMEOUT}'; SET client_min_messages = warning;");
        let shown = &self.shown;
        self.client
            .get_mut()
            .batch_execute(&sql)
            .map_err(|e| store_error(shown, e))
    }

    /// Brings the schema to the tool's version in one transaction, one
    /// migrating process at a time; a newer store is refused.
    fn migrate(&mut self, access: Access) -> Result<()> {
        let create = access == Access::Create;
        let shown = self.shown.clone();
        let err = |e| store_error(&shown, e);
        let mut tx = self.client.get_mut().transaction().map_err(err)?;
        tx.execute("SELECT pg_advisory_xact_lock($1)", &[&MIGRATION_LOCK])
            .map_err(err)?;
        let exists: bool = tx
            .query_one("SELECT to_regclass('dt_schema') IS NOT NULL", &[])
            .and_then(|r| r.try_get(0))
            .map_err(err)?;
        if !exists && !create {
            return Err(Error::Store {
                store: shown.clone(),
                source: "no dossier-transfer store in this database (`account load` or `account generate` creates one)".into(),
            });
        }
        tx.batch_execute(schema::VERSION_TABLE).map_err(err)?;
        let version: i32 = tx
            .query_opt("SELECT version FROM dt_schema", &[])
            .map_err(err)?
            .map(|r| r.try_get(0))
            .transpose()
            .map_err(err)?
            .unwrap_or(0);
        let version = usize::try_from(version).unwrap_or(usize::MAX);
        if version > schema::MIGRATIONS.len() {
            return Err(Error::StoreTooNew {
                store: shown.clone(),
                version,
                known: schema::MIGRATIONS.len(),
            });
        }
        if version < schema::MIGRATIONS.len() && version > 0 && access == Access::Read {
            return Err(Error::StoreTooOld {
                store: shown.clone(),
                version,
                known: schema::MIGRATIONS.len(),
            });
        }
        if version == schema::MIGRATIONS.len() {
            // Up to date: nothing to write, so a reading command writes nothing.
            return tx.commit().map_err(err);
        }
        for sql in schema::MIGRATIONS.iter().skip(version) {
            tx.batch_execute(sql).map_err(err)?;
        }
        let now = schema::MIGRATIONS.len() as i32;
        tx.execute("DELETE FROM dt_schema", &[]).map_err(err)?;
        tx.execute("INSERT INTO dt_schema (version) VALUES ($1)", &[&now])
            .map_err(err)?;
        tx.commit().map_err(err)
    }
}

/// A PostgreSQL error with the store's (redacted) address; a lock another
/// transaction holds, a deadlock or a serialisation failure become
/// `store-busy`.
fn store_error(shown: &str, e: postgres::Error) -> Error {
    let busy = [
        SqlState::LOCK_NOT_AVAILABLE,
        SqlState::T_R_DEADLOCK_DETECTED,
        SqlState::T_R_SERIALIZATION_FAILURE,
    ];
    match e.code() {
        Some(code) if busy.contains(code) => Error::StoreBusy {
            store: shown.to_owned(),
        },
        _ => Error::Store {
            store: shown.to_owned(),
            source: Box::new(e),
        },
    }
}

/// One column of a row the tool wrote; a type that does not fit means the
/// database was altered outside the tool.
fn col<'a, T: FromSql<'a>>(row: &'a Row, i: usize) -> Result<T> {
    row.try_get(i)
        .map_err(|e| Error::corrupt(format!("column {i} of a stored row"), e))
}

/// Runs one statement on a client or transaction, prepared once per
/// connection.
fn run<C: GenericClient>(
    c: &mut C,
    statements: &Statements,
    shown: &str,
    sql: &'static str,
    params: Params,
) -> Result<Vec<Row>> {
    let cached = statements.borrow().get(sql).cloned();
    let statement = match cached {
        Some(s) => s,
        None => {
            let s = c.prepare(sql).map_err(|e| store_error(shown, e))?;
            statements.borrow_mut().insert(sql, s.clone());
            s
        }
    };
    c.query(&statement, params)
        .map_err(|e| store_error(shown, e))
}

/// Queries on a store or a transaction, with the errors typed.
trait Sql {
    fn rows(&self, sql: &'static str, params: Params) -> Result<Vec<Row>>;

    fn opt(&self, sql: &'static str, params: Params) -> Result<Option<Row>> {
        Ok(self.rows(sql, params)?.into_iter().next())
    }

    /// The first column of the one row a query returns (a count, an id).
    fn value<T: for<'a> FromSql<'a>>(&self, sql: &'static str, params: Params) -> Result<T> {
        match self.opt(sql, params)? {
            Some(row) => col(&row, 0),
            None => Err(Error::Internal(format!("`{sql}` returned no row"))),
        }
    }
}

impl Sql for PgStore {
    fn rows(&self, sql: &'static str, params: Params) -> Result<Vec<Row>> {
        let mut client = self.client.borrow_mut();
        run(&mut *client, &self.statements, &self.shown, sql, params)
    }
}

//! The SQLite engine: many accounts in one file.
//!
//! [`SqliteStore`] opens and migrates the file; `read.rs` holds the
//! queries, `write.rs` the inserts of one transaction ([`SqliteTx`]),
//! `journal.rs` and `audit.rs` theirs.

mod audit;
mod journal;
mod read;
mod schema;
mod write;

pub use write::SqliteTx;

use crate::error::{Error, Result};
use crate::store::Access;
use rusqlite::{Connection, ErrorCode, OpenFlags};
use std::path::{Path, PathBuf};
use std::time::Duration;

/// How long a writer waits for another's lock before `store-busy`.
const BUSY_TIMEOUT: Duration = Duration::from_secs(2);

/// A store in one SQLite file.
pub struct SqliteStore {
    conn: Connection,
    path: PathBuf,
}

impl SqliteStore {
    /// Opens a store for `access` (see [`Access`]).
    pub fn open(path: &Path, access: Access) -> Result<SqliteStore> {
        let create = access == Access::Create;
        if !create && !path.exists() {
            return Err(Error::io(
                path,
                std::io::Error::new(
                    std::io::ErrorKind::NotFound,
                    "no store here (`account load` or `account generate` creates one)",
                ),
            ));
        }
        let mut flags = OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        if create {
            flags |= OpenFlags::SQLITE_OPEN_CREATE;
        }
        let conn = Connection::open_with_flags(path, flags).map_err(|e| store_error(path, e))?;
        let mut store = SqliteStore {
            conn,
            path: path.to_owned(),
        };
        store.configure()?;
        store.migrate(access)?;
        Ok(store)
    }

    fn configure(&self) -> Result<()> {
        self.conn
            .busy_timeout(BUSY_TIMEOUT)
            .map_err(|e| self.err(e))?;
        self.conn
            .execute_batch("PRAGMA foreign_keys = ON;")
            .map_err(|e| self.err(e))
    }

    fn migrate(&mut self, access: Access) -> Result<()> {
        let version: i64 = self
            .conn
            .query_row("PRAGMA user_version", [], |r| r.get(0))
            .map_err(|e| self.err(e))?;
        let version = usize::try_from(version).unwrap_or(usize::MAX);
        if version > schema::MIGRATIONS.len() {
            return Err(Error::StoreTooNew {
                store: self.path.display().to_string(),
                version,
                known: schema::MIGRATIONS.len(),
            });
        }
        if version < schema::MIGRATIONS.len() && version > 0 && access == Access::Read {
            return Err(Error::StoreTooOld {
                store: self.path.display().to_string(),
                version,
                known: schema::MIGRATIONS.len(),
            });
        }
        for (i, sql) in schema::MIGRATIONS.iter().enumerate().skip(version) {
            let tx = self
                .conn
                .transaction()
                .map_err(|e| store_error(&self.path, e))?;
            tx.execute_batch(sql)
                .and_then(|()| tx.pragma_update(None, "user_version", (i + 1) as i64))
                .and_then(|()| tx.commit())
                .map_err(|e| store_error(&self.path, e))?;
        }
        Ok(())
    }

    /// Wraps a SQLite error with the store's path; a lock held by another
    /// process becomes `StoreBusy`.
    fn err(&self, e: rusqlite::Error) -> Error {
        store_error(&self.path, e)
    }
}

fn store_error(path: &Path, e: rusqlite::Error) -> Error {
    match e.sqlite_error_code() {
        Some(ErrorCode::DatabaseBusy | ErrorCode::DatabaseLocked) => Error::StoreBusy {
            store: path.display().to_string(),
        },
        _ => Error::Store {
            store: path.display().to_string(),
            source: Box::new(e),
        },
    }
}

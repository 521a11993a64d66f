//! Typed errors. Each says what happened, where, and (where it helps) what
//! to do; the CLI maps them to exit codes (cli.md).

use crate::problem::Problem;
use std::path::PathBuf;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A file or folder could not be read or written (exit 1).
    #[error("{}: {source}", path.display())]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    /// The store could not be read or written (exit 1).
    #[error("store {}: {source}", path.display())]
    Store {
        path: PathBuf,
        source: rusqlite::Error,
    },
    /// Another process holds the store's lock (exit 4, `store-busy`).
    #[error("store {} is busy: another process is writing to it; try again when it is done", path.display())]
    StoreBusy { path: PathBuf },
    /// The input does not pass: the problems say why (exit 3).
    #[error("{} problem(s) found", .0.len())]
    Invalid(Vec<Problem>),
    /// Refused by the state of the migration or the account (exit 4).
    #[error("{}", .0.message)]
    Refused(Problem),
    /// The command line lacks something the command needs, or gives it in
    /// the wrong form (exit 2, `usage`).
    #[error("{0}")]
    Usage(String),
    /// A bug: an invariant of the tool itself does not hold (exit 1).
    #[error("internal error: {0}")]
    Internal(String),
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    pub fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        Error::Io {
            path: path.into(),
            source,
        }
    }

    /// One invalid-input problem.
    pub fn invalid(problem: Problem) -> Self {
        Error::Invalid(vec![problem])
    }
}

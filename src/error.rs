//! Typed errors. Each says what happened, where, and (where it helps) what
//! to do; the CLI maps them to exit codes (cli.md).

use crate::problem::Problem;
use std::path::PathBuf;

/// Every way a library call fails; the variant decides the exit code.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A file or folder could not be read or written (exit 1).
    #[error("{}: {source}", path.display())]
    Io {
        /// The file or folder.
        path: PathBuf,
        /// What the system said.
        source: std::io::Error,
    },
    /// The store could not be read or written (exit 1).
    #[error("store {store}: {source}")]
    Store {
        /// Where the store is, as [`Read::location`](crate::store::Read::location)
        /// shows it: a path, or an address without its password.
        store: String,
        /// The engine's error.
        source: BoxError,
    },
    /// The store was made by a newer dossier-transfer whose schema this
    /// one does not know (exit 1).
    #[error(
        "store {store} has schema version {version}, newer than this tool knows ({known}); use a newer dossier-transfer"
    )]
    StoreTooNew {
        /// Where the store is (a path, or an address without its password).
        store: String,
        /// The store's schema version.
        version: usize,
        /// The newest schema version this build knows.
        known: usize,
    },
    /// The store was made by an older dossier-transfer, and the command
    /// only reads: a command that writes brings it up to date (exit 1).
    #[error(
        "store {store} has schema version {version}, older than this tool's ({known}); a command that writes (`account load`, `align`, `export`, `import`) brings it up to date, or use the dossier-transfer that made it"
    )]
    StoreTooOld {
        /// Where the store is (a path, or an address without its password).
        store: String,
        /// The store's schema version.
        version: usize,
        /// The schema version this build writes.
        known: usize,
    },
    /// Data the tool wrote itself does not read back, so the store was
    /// altered or damaged outside it (exit 1).
    #[error("{what}: {source}")]
    Corrupt {
        /// What did not read back.
        what: String,
        /// Why it does not read back (e.g. the parse error).
        source: BoxError,
    },
    /// The system withheld something the tool needs: random numbers, a
    /// thread (exit 1).
    #[error("{what}: {source}")]
    System {
        /// What was being done.
        what: String,
        /// What the system said.
        source: BoxError,
    },
    /// A library the tool builds on (age, minisign, zip) failed on input
    /// that should pass; its error is the source (exit 1, reported like a
    /// bug because it is unexpected).
    #[error("{what}: {source}")]
    Dependency {
        /// What was being done.
        what: String,
        /// The library's error.
        source: BoxError,
    },
    /// Another process holds the store's lock (exit 4, `store-busy`).
    #[error("store {store} is busy: another process is writing to it; try again when it is done")]
    StoreBusy {
        /// Where the store is (a path, or an address without its password).
        store: String,
    },
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

/// The library's result: [`Error`] unless said otherwise.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// A wrapped cause of any kind, kept for [`std::error::Error::source`].
pub(crate) type BoxError = Box<dyn std::error::Error + Send + Sync>;

impl Error {
    /// A file or folder at `path` that could not be read or written.
    pub fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        Error::Io {
            path: path.into(),
            source,
        }
    }

    /// A failure inside age, minisign or zip, with what was being done.
    pub fn dependency(
        what: impl Into<String>,
        source: impl std::error::Error + Send + Sync + 'static,
    ) -> Self {
        Error::Dependency {
            what: what.into(),
            source: Box::new(source),
        }
    }

    /// Data the tool stored that does not read back, with what it was.
    pub fn corrupt(
        what: impl Into<String>,
        source: impl std::error::Error + Send + Sync + 'static,
    ) -> Self {
        Error::Corrupt {
            what: what.into(),
            source: Box::new(source),
        }
    }

    /// Something the system withheld, with what was being done.
    pub fn system(
        what: impl Into<String>,
        source: impl std::error::Error + Send + Sync + 'static,
    ) -> Self {
        Error::System {
            what: what.into(),
            source: Box::new(source),
        }
    }

    /// One invalid-input problem.
    pub fn invalid(problem: Problem) -> Self {
        Error::Invalid(vec![problem])
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::error::Error as _;

    #[test]
    fn wrapped_causes_stay_reachable() {
        let cause = || std::io::Error::other("no entropy");
        for e in [
            Error::io("plan.toml", cause()),
            Error::system("no random numbers from the system", cause()),
            Error::dependency("minisign signing failed", cause()),
            Error::corrupt("the journal's manifest does not parse", cause()),
            Error::Store {
                store: "dossiers.db".into(),
                source: Box::new(cause()),
            },
        ] {
            let source = e.source().map(ToString::to_string);
            assert_eq!(source.as_deref(), Some("no entropy"), "{e}");
        }
        let e = Error::dependency("minisign signing failed", cause());
        assert_eq!(e.to_string(), "minisign signing failed: no entropy");
        let e = Error::Store {
            store: "dossiers.db".into(),
            source: Box::new(cause()),
        };
        assert_eq!(e.to_string(), "store dossiers.db: no entropy");
    }
}

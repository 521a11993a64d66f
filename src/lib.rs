//! dossier-transfer: moves client dossiers between accounts of a care-record
//! system, safely and provably.
//!
//! The library does the work and never prints or exits; the binary
//! (`src/main.rs`, `src/cli/`) is glue. Data flows through the modules in
//! this order: [`model`] (the account model and the one table of record
//! kinds), [`tree`] (the dossier tree format), [`store`] (the SQLite store).
//!
//! ```no_run
//! use dossier_transfer::{store::Store, tree};
//! let mut store = Store::open("care.db".as_ref(), true)?;
//! let summary = tree::load::load_dir(&mut store, "fixtures/source".as_ref(), false)?;
//! println!("loaded {} dossiers", summary.dossiers);
//! tree::write::dump(&store, "zorggroep-noord", "dump".as_ref(), false)?;
//! # Ok::<(), dossier_transfer::error::Error>(())
//! ```

pub mod align;
pub mod archive;
pub mod canonical;
pub mod check;
pub mod clock;
pub mod digest;
pub mod error;
pub mod export;
pub mod fixtures;
pub mod generate;
pub mod import;
pub mod keys;
pub mod lifecycle;
pub mod model;
pub mod plan;
pub mod problem;
pub mod progress;
pub mod report;
pub mod select;
pub mod store;
pub mod tree;
pub mod verify;

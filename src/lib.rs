//! dossier-transfer: moves client dossiers between accounts of a care-record
//! system, safely and provably.
//!
//! The library does the work and never prints, prompts, reads the
//! environment or exits (a protected key's password comes through
//! [`keys::KeyPassword`], progress through [`progress::Progress`]); the binary
//! (`src/main.rs`, `src/cli/`) is glue. Data flows through the modules in
//! this order: [`model`] (the account model and the one table of record
//! kinds), [`tree`] (the dossier tree format), [`store`] (the store's traits and its SQLite engine).
//!
//! The whole handover on the bundled fixtures, in a temporary folder:
//! load the accounts, make keys, write the plan, align the target's
//! configuration, export, verify, import into the test account and read
//! the acceptance report.
//!
//! ```
//! use dossier_transfer::archive::reader::Caps;
//! use dossier_transfer::fixtures::{self, TEST_ACCOUNT};
//! use dossier_transfer::{align, clock, export, import, keys, plan::Plan, progress, report};
//! use dossier_transfer::{store, verify};
//!
//! let dir = tempfile::tempdir().expect("a temporary folder");
//! let at = |name: &str| dir.path().join(name);
//! let operator = "Ada Lovelace <ada@example.org>";
//!
//! // A store is a `Box<dyn Store>`; `&mut *source` lends the store itself.
//! let mut source = store::open(&at("source.db"), true)?;
//! fixtures::load(&mut *source, fixtures::SOURCE_TREE)?;
//! let mut target = store::open(&at("target.db"), true)?;
//! fixtures::load(&mut *target, fixtures::TARGET_TREE)?;
//! fixtures::load(&mut *target, fixtures::TEST_TREE)?;
//!
//! let k = keys::generate(&at("keys"), None)?;
//! let text = fixtures::plan_text(&k.recipient, &k.signer);
//! let (plan, _warnings) = Plan::parse(&text, "plan.toml", clock::today())?;
//! let (alignment, _problems) = align::plan(&plan, &*source, &*target)?;
//! align::apply(&mut *target, &alignment, operator)?;
//!
//! let signing_key = keys::load_signing_key(&k.files.signing_key, &keys::NoPassword)?;
//! let archive = at("handover.zip.age");
//! let options = export::Options {
//!     plan: &plan,
//!     signing_key: &signing_key,
//!     out: &archive,
//!     rehearsal: false,
//!     operator,
//!     force: false,
//!     now: clock::now(),
//! };
//! export::export(&mut *source, &options, &mut progress::Silent)?;
//!
//! let identities = keys::load_identities(&k.files.identity)?;
//! let verified = verify::verify(&archive, &plan, &identities, Caps::default())?;
//! assert!(!verified.failed(), "{:?}", verified.problems);
//!
//! let options = import::Options {
//!     plan: &plan,
//!     archive: &archive,
//!     identities: &identities,
//!     caps: Caps::default(),
//!     account: Some(TEST_ACCOUNT),
//!     dry_run: false,
//!     operator,
//! };
//! import::import(&mut *target, &options)?;
//!
//! let accepted = report::build(&*target, &plan, TEST_ACCOUNT)?;
//! assert!(accepted.verdict.ok(), "{:?}", accepted.problems);
//! # Ok::<(), dossier_transfer::error::Error>(())
//! ```

#![forbid(unsafe_code)]
#![deny(missing_docs)]

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
pub mod json;
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

//! The archive (archive.md): a ZIP inside age, with a signed manifest.
//! [`writer`] streams one out, [`manifest`] is its table of contents.

mod capped;
pub mod compress;
mod decrypt;
mod framing;
mod local;
pub mod manifest;
mod names;
pub mod reader;
pub mod source;
pub mod writer;

/// Entry names of the archive's own files.
pub const MANIFEST: &str = "manifest.json";
/// The entry name of the manifest's minisign signature.
pub const SIGNATURE: &str = "manifest.json.minisig";
/// The entry name of the plan, as canonical JSON; its sha256 is the
/// manifest's `plan_sha256`.
pub const PLAN: &str = "plan.json";

/// The format this tool writes, and the highest it reads.
pub const FORMAT: &str = "dossier-transfer-archive";
/// The `format_version` this tool writes and the highest it reads; an
/// archive with a higher one is refused.
pub const FORMAT_VERSION: u32 = 1;

/// The signature's trusted comment: binds it to one migration and moment.
pub fn trusted_comment(migration_id: &str, created_at: &str) -> String {
    format!("migration_id={migration_id} created_at={created_at}")
}

//! `verify`.

use super::output::Out;
use super::{Global, load_plan};
use clap::Args;
use dossier_transfer::archive::reader::Caps;
use dossier_transfer::error::Result;
use std::path::PathBuf;
use std::process::ExitCode;

/// The reading caps (archive.md "Reading safely"), raised only on purpose.
#[derive(Args, Clone)]
pub struct CapArgs {
    /// Largest entry in bytes (default 8 GiB).
    #[arg(long)]
    pub max_entry_size: Option<u64>,
    /// All entries together in bytes (default 1 TiB).
    #[arg(long)]
    pub max_total_size: Option<u64>,
    /// Most entries (default 1,000,000).
    #[arg(long)]
    pub max_entries: Option<u64>,
    /// Longest JSON line in bytes (default 16 MiB).
    #[arg(long)]
    pub max_line_length: Option<usize>,
}

impl CapArgs {
    pub fn caps(&self) -> Caps {
        let d = Caps::default();
        Caps {
            entry_size: self.max_entry_size.unwrap_or(d.entry_size),
            total_size: self.max_total_size.unwrap_or(d.total_size),
            entries: self.max_entries.unwrap_or(d.entries),
            line_length: self.max_line_length.unwrap_or(d.line_length),
        }
    }
}

#[derive(Args)]
pub struct VerifyArgs {
    /// The archive (`.zip.age`).
    file: PathBuf,
    #[arg(long)]
    plan: PathBuf,
    /// The recipient's age identity file (from `keygen` or `age-keygen`).
    #[arg(long)]
    identity: PathBuf,
    #[command(flatten)]
    caps: CapArgs,
}

pub fn run(args: VerifyArgs, _global: &Global, out: Out) -> ExitCode {
    match execute(args, out) {
        Ok(code) => code,
        Err(e) => out.fail(&e),
    }
}

fn execute(args: VerifyArgs, out: Out) -> Result<ExitCode> {
    let (plan, mut problems) = load_plan(&args.plan)?;
    let identities = dossier_transfer::keys::load_identities(&args.identity)?;
    let v = dossier_transfer::verify::verify(&args.file, &plan, &identities, args.caps.caps())?;
    problems.extend(v.problems.iter().cloned());
    let failed = v.failed();
    let summary = serde_json::to_value(&v.summary).unwrap_or_default();
    Ok(out.finish(&problems, summary, &|o| {
        let Some(s) = &v.summary else { return };
        if failed {
            o.say(format!(
                "{} does NOT verify: see the problems above",
                args.file.display()
            ));
            return;
        }
        let kind = if s.rehearsal {
            "rehearsal archive"
        } else {
            "archive"
        };
        o.say(format!(
            "{} verifies: a complete, authentic {kind} of migration {}",
            args.file.display(),
            s.migration_id
        ));
        o.say(format!(
            "signed by {} ({}), exported {} by {}",
            s.signer, s.trusted_comment, s.created_at, s.exported_by
        ));
        o.say(format!(
            "archive sha256 {} (compare it with the one the export printed)",
            s.archive_sha256
        ));
        o.say(format!(
            "{} dossiers, {} file bytes",
            s.dossiers, s.file_bytes
        ));
        for (kind, n) in &s.records {
            o.say(format!("  {kind:<18} {n:>8}"));
        }
        for line in s.left_behind.describe() {
            o.say(format!("  {line}"));
        }
    }))
}

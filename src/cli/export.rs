//! `export`.

use super::output::Out;
use super::{Global, load_plan, operator};
use clap::Args;
use dossier_transfer::error::Result;
use dossier_transfer::export::{self, Options};
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Args)]
pub struct ExportArgs {
    #[arg(long)]
    plan: PathBuf,
    /// The source store.
    #[arg(long, env = "DOSSIER_TRANSFER_STORE")]
    store: PathBuf,
    /// The exporter's minisign secret key (the plan's signer).
    #[arg(long)]
    signing_key: PathBuf,
    /// The archive to write (`.zip.age`).
    #[arg(long)]
    out: PathBuf,
    /// A dress rehearsal (test level C): before the cut-off, locks nothing.
    #[arg(long)]
    rehearsal: bool,
    /// Overwrite an existing archive.
    #[arg(long)]
    force: bool,
}

pub fn run(args: ExportArgs, global: &Global, out: Out) -> ExitCode {
    match execute(args, global, out) {
        Ok(code) => code,
        Err(e) => out.fail(&e),
    }
}

fn execute(args: ExportArgs, global: &Global, out: Out) -> Result<ExitCode> {
    let operator = operator(global)?;
    let (plan, plan_warnings) = load_plan(&args.plan)?;
    let mut store = super::open_store(&args.store, dossier_transfer::store::Access::Write)?;
    let key =
        dossier_transfer::keys::load_signing_key(&args.signing_key, &super::password::EnvOrPrompt)?;
    let opts = Options {
        plan: &plan,
        signing_key: &key,
        out: &args.out,
        rehearsal: args.rehearsal,
        operator: &operator,
        force: args.force,
        now: dossier_transfer::clock::now(),
    };
    let mut bar = super::progress::Bar::new(!(global.no_progress || out.json || out.quiet));
    let s = export::export(&mut *store, &opts, &mut bar)?;
    let mut problems = plan_warnings;
    problems.extend(s.warnings.iter().cloned());
    let summary = serde_json::to_value(&s).unwrap_or_default();
    Ok(out.finish(&problems, summary, &|o| {
        let kind = if s.rehearsal {
            "rehearsal archive"
        } else {
            "archive"
        };
        o.say(format!(
            "wrote {kind} {} ({} bytes)",
            s.archive.display(),
            s.size
        ));
        o.say(format!(
            "sha256 {}  (hand this over with the file)",
            s.sha256
        ));
        if let Some(old) = &s.replaced_sha256 {
            o.say(format!(
                "replaced the archive with sha256 {old}: an import or test import of that one does not count for this one"
            ));
        }
        o.say(format!(
            "{} dossiers, cut-off applied: {}",
            s.survey.dossiers.len(),
            s.effective_cut_off
        ));
        o.say("moved per kind:");
        for (kind, n) in &s.survey.totals {
            o.say(format!("  {kind:<18} {n:>8}"));
        }
        for line in s.survey.left_behind.describe() {
            o.say(format!("  {line}"));
        }
        if let Some(g) = &s.locked_group {
            o.say(format!(
                "source group {g} is now read-only (`unlock` clears it)"
            ));
        }
    }))
}

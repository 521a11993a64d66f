//! `align` (process.md step 3): appends what the target groups lack.

use super::Global;
use super::check::StorePair;
use super::output::Out;
use clap::Args;
use dossier_transfer::align::{self, Alignment};
use dossier_transfer::error::{Error, Result};
use serde_json::json;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Args)]
pub struct AlignArgs {
    /// The migration plan (TOML).
    #[arg(long)]
    pub plan: PathBuf,
    #[command(flatten)]
    pub stores: StorePair,
    /// List the changes without writing anything.
    #[arg(long)]
    pub dry_run: bool,
}

pub fn run(args: AlignArgs, global: &Global, out: Out) -> ExitCode {
    match execute(&args, global, out) {
        Ok(code) => code,
        Err(e) => out.fail(&e),
    }
}

fn execute(args: &AlignArgs, global: &Global, out: Out) -> Result<ExitCode> {
    // A missing operator is a usage error (exit 2), which wins over
    // everything else, so it is settled before any store is opened.
    let operator = if args.dry_run {
        None
    } else {
        Some(super::operator(global)?)
    };
    let (plan, mut problems) = super::load_plan(&args.plan)?;
    let (source, mut target) = args.stores.open(dossier_transfer::store::Access::Write)?;
    let (alignment, found) = align::plan(&plan, &*source, &*target)?;
    problems.extend(found);
    let blocked = align::blocked(&problems);
    let written = match &operator {
        Some(op) if !blocked && alignment.changes_anything() => {
            align::apply(&mut *target, &alignment, op)?;
            true
        }
        _ => false,
    };
    let groups = serde_json::to_value(&alignment)
        .map_err(|e| Error::Internal(format!("align summary: {e}")))?;
    let summary = json!({"dry_run": args.dry_run, "written": written, "alignment": groups});
    let dry_run = args.dry_run;
    Ok(out.finish(&problems, summary, &|o| {
        human(o, &alignment, dry_run, written, blocked)
    }))
}

fn human(o: &Out, a: &Alignment, dry_run: bool, written: bool, blocked: bool) {
    if a.nothing_to_align {
        o.say("test level test-group: the import creates the target groups with the source configuration; nothing to align");
        return;
    }
    for g in &a.groups {
        o.say(format!(
            "group {} on {}: {} -> {}",
            g.group,
            g.account,
            g.state_before.name(),
            g.state_after.name()
        ));
        if g.changes.is_empty() {
            o.say("  nothing to add");
        }
        for d in &g.changes {
            o.say(format!("  add {}", d.element));
        }
        if !g.changes.is_empty() {
            o.say(format!(
                "  fingerprint {} -> {}",
                g.fingerprint_before, g.fingerprint_after
            ));
        }
    }
    o.say(verdict(a, dry_run, written, blocked));
}

fn verdict(a: &Alignment, dry_run: bool, written: bool, blocked: bool) -> &'static str {
    match () {
        _ if blocked => {
            "nothing written: resolve the errors above first (align writes all of it or nothing)"
        }
        _ if dry_run => "dry run: nothing written",
        _ if written => {
            "written: the target groups now hold everything the source group has (`check` compares them again)"
        }
        _ if !a.changes_anything() => "nothing to change",
        _ => "nothing written",
    }
}

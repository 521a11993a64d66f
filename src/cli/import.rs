//! `import`.

use super::output::Out;
use super::verify::CapArgs;
use super::{Global, load_plan, operator};
use clap::Args;
use dossier_transfer::error::Result;
use dossier_transfer::import::{self, Options};
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Args)]
pub struct ImportArgs {
    /// The archive (`.zip.age`).
    file: PathBuf,
    #[arg(long)]
    plan: PathBuf,
    /// The recipient's age identity file.
    #[arg(long)]
    identity: PathBuf,
    /// The target store.
    #[arg(long, env = "DOSSIER_TRANSFER_STORE")]
    store: PathBuf,
    /// The account to import into (default: the plan's target account).
    #[arg(long)]
    account: Option<String>,
    /// Verify and check everything, write nothing.
    #[arg(long)]
    dry_run: bool,
    #[command(flatten)]
    caps: CapArgs,
}

pub fn run(args: ImportArgs, global: &Global, out: Out) -> ExitCode {
    match execute(args, global, out) {
        Ok(code) => code,
        Err(e) => out.fail(&e),
    }
}

fn execute(args: ImportArgs, global: &Global, out: Out) -> Result<ExitCode> {
    let operator = if args.dry_run {
        operator(global).unwrap_or_default()
    } else {
        operator(global)?
    };
    let (plan, mut problems) = load_plan(&args.plan)?;
    let identities = dossier_transfer::keys::load_identities(&args.identity)?;
    let mut store = super::open_store(&args.store, dossier_transfer::store::Access::Write)?;
    let opts = Options {
        plan: &plan,
        archive: &args.file,
        identities: &identities,
        caps: args.caps.caps(),
        account: args.account.as_deref(),
        dry_run: args.dry_run,
        operator: &operator,
    };
    let s = import::import(&mut *store, &opts)?;
    problems.extend(s.warnings.iter().cloned());
    let summary = serde_json::to_value(&s).unwrap_or_default();
    Ok(out.finish(&problems, summary, &|o| {
        let verb = if s.dry_run {
            "would import"
        } else {
            "imported"
        };
        o.say(format!(
            "{verb} migration {} into `{}` ({} stage{}), archive sha256 {}",
            s.migration,
            s.account,
            s.stage.as_str(),
            if s.rehearsal { ", rehearsal" } else { "" },
            s.archive_sha256
        ));
        for (source, target, group) in &s.dossiers {
            if s.dry_run {
                o.say(format!("  dossier {source} -> group {group}"));
            } else {
                o.say(format!("  dossier {source} -> {target} in group {group}"));
            }
        }
        for (kind, n) in &s.records {
            o.say(format!("  {kind:<18} {n:>8}"));
        }
        if let Some(t) = &s.teammates {
            o.say(format!(
                "teammates: {} linked, {} created inactive, {} kept as attributions",
                t.linked.len(),
                t.created.len(),
                t.unmapped.len()
            ));
        }
        for g in &s.groups_created {
            o.say(format!("created test group {g} (`rollback` deletes it)"));
        }
        if !s.dry_run {
            o.say("next: `report`, then `sign-off` (or `rollback`)");
        }
    }))
}

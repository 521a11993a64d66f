//! `sign-off`, `rollback`, `unlock`.

use super::output::Out;
use super::{Global, load_plan, operator, parse_operator};
use clap::Args;
use dossier_transfer::error::{Error, Result};
use dossier_transfer::lifecycle;
use std::path::PathBuf;
use std::process::ExitCode;

/// The options every one of these commands takes.
#[derive(Args)]
pub struct Target {
    #[arg(long)]
    plan: PathBuf,
    #[arg(long, env = "DOSSIER_TRANSFER_STORE")]
    store: PathBuf,
    /// The account (default: the plan's target account).
    #[arg(long)]
    account: Option<String>,
}

#[derive(Args)]
pub struct SignOffArgs {
    #[command(flatten)]
    pub target: Target,
    /// Who approves this stage, "Name <email>".
    #[arg(long)]
    pub by: String,
}

pub enum Action {
    SignOff(String),
    Rollback,
    Unlock,
}

pub fn run(target: Target, action: Action, global: &Global, out: Out) -> ExitCode {
    match execute(target, action, global, out) {
        Ok(code) => code,
        Err(e) => out.fail(&e),
    }
}

fn execute(t: Target, action: Action, global: &Global, out: Out) -> Result<ExitCode> {
    let operator = operator(global)?;
    let (plan, problems) = load_plan(&t.plan)?;
    let mut store = super::open_store(&t.store, dossier_transfer::store::Access::Write)?;
    let slug = t
        .account
        .clone()
        .unwrap_or_else(|| plan.target.account.clone());
    match action {
        Action::SignOff(by) => {
            let by = parse_operator(&by).ok_or_else(|| {
                Error::Usage(format!("--by `{by}` is not of the form \"Name <email>\""))
            })?;
            let s = lifecycle::sign_off(&mut *store, &plan, &slug, &by, &operator)?;
            let summary = serde_json::to_value(&s).unwrap_or_default();
            Ok(out.finish(&problems, summary, &|o| {
                o.say(format!(
                    "signed off the {} stage of migration {} in `{}` by {}",
                    s.stage.as_str(),
                    plan.id,
                    s.account,
                    s.by
                ))
            }))
        }
        Action::Rollback => {
            let r = lifecycle::rollback(&mut *store, &plan, &slug, &operator)?;
            let summary = serde_json::to_value(&r).unwrap_or_default();
            Ok(out.finish(&problems, summary, &|o| {
                o.say(format!(
                    "rolled back migration {} in `{slug}`: removed {} dossiers, {} records, {} groups, {} teammates, {} file contents",
                    plan.id, r.dossiers, r.records, r.groups, r.teammates, r.files
                ))
            }))
        }
        Action::Unlock => {
            let u = lifecycle::unlock(&mut *store, &plan, &slug, &operator)?;
            let summary = serde_json::to_value(&u).unwrap_or_default();
            Ok(out.finish(&problems, summary, &|o| {
                if !u.account && u.groups.is_empty() {
                    o.say(format!(
                        "migration {} holds no read-only mark in `{slug}`",
                        plan.id
                    ));
                }
                if u.account {
                    o.say(format!("cleared the read-only mark of `{slug}`"));
                }
                for g in &u.groups {
                    o.say(format!("cleared the read-only mark of group {g}"));
                }
            }))
        }
    }
}

//! `account load | dump | list | generate | audit`.

use super::StoreArg;
use super::output::Out;
use clap::Subcommand;
use dossier_transfer::error::Result;
use dossier_transfer::generate::{self, Options};
use dossier_transfer::problem::Code;
use dossier_transfer::problem::Problem;
use dossier_transfer::tree;
use serde_json::json;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

#[derive(Subcommand)]
pub enum AccountCommand {
    /// Creates an account from a dossier tree (validated whole first).
    Load {
        /// The dossier tree's folder.
        dir: PathBuf,
        #[command(flatten)]
        store: StoreArg,
        /// Replace an account with the same slug.
        #[arg(long)]
        replace: bool,
    },
    /// Writes an account as a dossier tree.
    Dump {
        #[arg(long)]
        account: String,
        #[arg(long)]
        out: PathBuf,
        #[command(flatten)]
        store: StoreArg,
        /// Replace an existing output folder.
        #[arg(long)]
        force: bool,
    },
    /// Lists the accounts with their groups, dossier counts and read-only state.
    List {
        #[command(flatten)]
        store: StoreArg,
    },
    /// Shows the account's audit log (NEN 7513); `--verify` checks its hash chain.
    Audit {
        #[arg(long)]
        account: String,
        #[command(flatten)]
        store: StoreArg,
        /// Recompute every line's hash and check the chain (exit 3 when broken).
        #[arg(long)]
        verify: bool,
    },
    /// Creates a synthetic account with every data type.
    Generate {
        #[arg(long)]
        account: String,
        #[command(flatten)]
        store: StoreArg,
        #[arg(long, default_value_t = 2)]
        groups: u32,
        /// Dossiers in all, spread over the groups.
        #[arg(long, default_value_t = 20)]
        dossiers: u32,
        /// Daily reports per dossier; the other kinds scale with it.
        #[arg(long, default_value_t = 20)]
        reports: u32,
        /// Files per dossier.
        #[arg(long, default_value_t = 1)]
        files: u32,
        /// Size of each file in bytes (incompressible contents).
        #[arg(long, default_value_t = 16384)]
        file_size: u64,
        #[arg(long, default_value_t = 1)]
        seed: u64,
    },
}

pub fn run(cmd: AccountCommand, out: Out) -> ExitCode {
    match execute(cmd, out) {
        Ok(code) => code,
        Err(e) => out.fail(&e),
    }
}

fn execute(cmd: AccountCommand, out: Out) -> Result<ExitCode> {
    match cmd {
        AccountCommand::Load {
            dir,
            store,
            replace,
        } => load(&dir, &store, replace, out),
        AccountCommand::Dump {
            account,
            out: dir,
            store,
            force,
        } => dump(&account, &dir, &store, force, out),
        AccountCommand::List { store } => list(&store, out),
        AccountCommand::Audit {
            account,
            store,
            verify,
        } => audit(&account, &store, verify, out),
        AccountCommand::Generate {
            account,
            store,
            groups,
            dossiers,
            reports,
            files,
            file_size,
            seed,
        } => {
            let opts = Options {
                slug: account,
                groups,
                dossiers,
                reports,
                files,
                file_size,
                seed,
            };
            generate(&opts, &store, out)
        }
    }
}

fn load(dir: &Path, store: &StoreArg, replace: bool, out: Out) -> Result<ExitCode> {
    let mut store = super::open_store(&store.store, dossier_transfer::store::Access::Create)?;
    let s = tree::load::load_dir(&mut *store, dir, replace)?;
    let summary = serde_json::to_value(&s).unwrap_or_default();
    Ok(out.finish(&[], summary, &|o| {
        o.say(format!(
            "loaded account {}: {} groups, {} teammates, {} dossiers, {} records, {} files ({} bytes)",
            s.account,
            s.groups,
            s.teammates,
            s.dossiers,
            s.records.values().sum::<u64>(),
            s.files,
            s.file_bytes
        ))
    }))
}

fn dump(account: &str, dir: &Path, store: &StoreArg, force: bool, out: Out) -> Result<ExitCode> {
    let store = super::open_store(&store.store, dossier_transfer::store::Access::Read)?;
    tree::write::dump(&*store, account, dir, force)?;
    let summary = json!({"account": account, "out": dir});
    Ok(out.finish(&[], summary, &|o| {
        o.say(format!("dumped account {account} to {}", dir.display()))
    }))
}

fn list(store: &StoreArg, out: Out) -> Result<ExitCode> {
    let store = super::open_store(&store.store, dossier_transfer::store::Access::Read)?;
    let accounts = store.accounts()?;
    let mark = |m: &Option<String>| {
        m.as_ref()
            .map(|m| format!(" [read-only: {m}]"))
            .unwrap_or_default()
    };
    Ok(out.finish(&[], json!({"accounts": accounts}), &|o| {
        for a in &accounts {
            o.say(format!("{} ({}){}", a.slug, a.name, mark(&a.read_only)));
            for g in &a.groups {
                o.say(format!(
                    "  {:<24} {:>7} dossiers  {}{}",
                    g.key,
                    g.dossiers,
                    g.name,
                    mark(&g.read_only)
                ));
            }
        }
    }))
}

fn generate(opts: &Options, store: &StoreArg, out: Out) -> Result<ExitCode> {
    let mut store = super::open_store(&store.store, dossier_transfer::store::Access::Create)?;
    let s = generate::generate(&mut *store, opts)?;
    let summary = serde_json::to_value(&s).unwrap_or_default();
    Ok(out.finish(&[], summary, &|o| {
        o.say(format!(
            "generated account {}: {} groups, {} dossiers, {} records, {} file bytes",
            s.account,
            s.groups,
            s.dossiers,
            s.records.values().sum::<u64>(),
            s.file_bytes
        ))
    }))
}

fn audit(account: &str, store: &StoreArg, verify: bool, out: Out) -> Result<ExitCode> {
    let store = super::open_store(&store.store, dossier_transfer::store::Access::Read)?;
    let lines = store.audit_log(account)?;
    let check = verify.then(|| dossier_transfer::store::audit::check_chain(&lines));
    let problems: Vec<Problem> = check
        .iter()
        .filter_map(|c| {
            c.broken_at.map(|seq| {
                Problem::error(
                    Code::AuditChainBroken,
                    format!(
                        "the audit log of account {account} is broken at line {seq}: {}",
                        c.reason.as_deref().unwrap_or("it does not fit the chain")
                    ),
                )
            })
        })
        .collect();
    let summary = json!({"account": account, "lines": lines, "verify": check});
    Ok(out.finish(&problems, summary, &|o| {
        for l in &lines {
            o.say(format!(
                "{:>6}  {}  {:<10} {:<7}  {}  dossier={}  migration={}",
                l.seq,
                l.at,
                l.action,
                l.outcome,
                l.operator,
                l.dossier.as_deref().unwrap_or("-"),
                l.migration.as_deref().unwrap_or("-"),
            ));
        }
        match &check {
            Some(c) if c.ok => o.say(format!(
                "audit log of {account}: {} line(s), hash chain intact",
                c.lines
            )),
            Some(_) => {}
            None => o.say(format!("audit log of {account}: {} line(s)", lines.len())),
        }
    }))
}

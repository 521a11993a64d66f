//! Command-line glue: clap definitions and dispatch. The library does the
//! work; this module parses flags, calls it and renders the result.

mod account;
mod align;
mod check;
mod demo;
mod export;
mod files;
mod import;
mod keygen;
mod lifecycle;
pub mod output;
mod password;
mod plan;
mod progress;
mod report;
mod verify;

use clap::{Args, Parser, Subcommand};
use dossier_transfer::plan::Plan;
use dossier_transfer::problem::Problem;
use output::Out;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Parser)]
#[command(
    name = "dossier-transfer",
    version,
    about = "Moves client dossiers between accounts of a care-record system, safely and provably."
)]
pub struct Cli {
    #[command(flatten)]
    pub global: Global,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Args, Clone)]
pub struct Global {
    /// Machine output: one JSON document on stdout.
    #[arg(long, global = true)]
    pub json: bool,
    /// Print only problems.
    #[arg(long, global = true)]
    pub quiet: bool,
    /// Never draw progress bars.
    #[arg(long, global = true)]
    pub no_progress: bool,
    /// Who runs the command, "Name <email>" (goes into the audit log).
    #[arg(long, global = true, env = "DOSSIER_TRANSFER_OPERATOR")]
    pub operator: Option<String>,
}

#[derive(Subcommand)]
pub enum Command {
    /// Writes a new age identity and minisign key pair for the plan's [handover].
    Keygen {
        /// The folder for identity.txt, recipient.txt, signing.key and signing.pub.
        #[arg(long)]
        out: PathBuf,
    },
    /// Accounts in a store: load, dump, list, generate, audit.
    #[command(subcommand)]
    Account(account::AccountCommand),
    /// The migration plan.
    #[command(subcommand)]
    Plan(plan::PlanCommand),
    /// Pre-flight: checks the plan against both stores (process step 2).
    Check(check::CheckArgs),
    /// Appends what the target groups' configuration lacks (step 3).
    Align(align::AlignArgs),
    /// Writes the encrypted, signed archive (process step 4).
    Export(export::ExportArgs),
    /// Checks an archive against its manifest and the plan (process step 5).
    Verify(verify::VerifyArgs),
    /// Imports a verified archive into the target or test account (step 6).
    Import(import::ImportArgs),
    /// The acceptance report: what arrived against the manifest (step 7).
    Report(report::ReportArgs),
    /// Records the approval of the current stage (step 7).
    SignOff(lifecycle::SignOffArgs),
    /// Removes the migration from an account before sign-off (step 8).
    Rollback(lifecycle::Target),
    /// Clears this migration's read-only marks on an account and its groups.
    Unlock(lifecycle::Target),
    /// Runs the handover on the bundled fixtures in a fresh folder.
    Demo {
        /// Folder to work in (default: a new temporary folder).
        #[arg(long)]
        dir: Option<PathBuf>,
    },
}

/// A store path: `--store`, else `DOSSIER_TRANSFER_STORE`.
#[derive(Args, Clone)]
pub struct StoreArg {
    /// The store: a SQLite file, or a postgres:// URL.
    #[arg(long, env = "DOSSIER_TRANSFER_STORE")]
    pub store: PathBuf,
}

/// Opens a store for what the command does with it; a PostgreSQL URL
/// without a password takes `PGPASSWORD`, as libpq does.
pub fn open_store(
    address: &std::path::Path,
    access: dossier_transfer::store::Access,
) -> dossier_transfer::error::Result<Box<dyn dossier_transfer::store::Store>> {
    let password = std::env::var("PGPASSWORD").ok();
    dossier_transfer::store::open_with_password(address, password.as_deref(), access)
}

pub fn run(cli: Cli) -> ExitCode {
    let out = Out {
        json: cli.global.json,
        quiet: cli.global.quiet,
    };
    match cli.command {
        Command::Keygen { out: dir } => keygen::run(&dir, out),
        Command::Account(cmd) => account::run(cmd, out),
        Command::Plan(cmd) => plan::run(cmd, out),
        Command::Check(args) => check::run(args, out),
        Command::Align(args) => align::run(args, &cli.global, out),
        Command::Export(args) => export::run(args, &cli.global, out),
        Command::Verify(args) => verify::run(args, &cli.global, out),
        Command::Import(args) => import::run(args, &cli.global, out),
        Command::Report(args) => report::run(args, out),
        Command::SignOff(a) => {
            lifecycle::run(a.target, lifecycle::Action::SignOff(a.by), &cli.global, out)
        }
        Command::Rollback(t) => lifecycle::run(t, lifecycle::Action::Rollback, &cli.global, out),
        Command::Unlock(t) => lifecycle::run(t, lifecycle::Action::Unlock, &cli.global, out),
        Command::Demo { dir } => demo::run(dir, out),
    }
}

/// The operator for the audit log (`--operator` or
/// `DOSSIER_TRANSFER_OPERATOR`), required by the commands that change a
/// store or a migration's state.
pub fn operator(global: &Global) -> dossier_transfer::error::Result<String> {
    use dossier_transfer::error::Error;
    let Some(raw) = global.operator.as_deref() else {
        return Err(Error::Usage(
            "this command needs --operator \"Name <email>\" (or DOSSIER_TRANSFER_OPERATOR): it goes into the audit log"
                .to_owned(),
        ));
    };
    parse_operator(raw).ok_or_else(|| {
        Error::Usage(format!(
            "--operator `{}` is not of the form \"Name <email>\"",
            output::sanitise(raw)
        ))
    })
}

/// `Name <email>`, loosely: a name, then an e-mail address in angle
/// brackets; white space around either is dropped.
pub fn parse_operator(raw: &str) -> Option<String> {
    let inner = raw.trim().strip_suffix('>')?;
    let (name, email) = inner.rsplit_once('<')?;
    let name = name.trim();
    let email = email.trim();
    let name_ok =
        !name.is_empty() && !name.contains(['<', '>']) && !name.contains(char::is_control);
    (name_ok && dossier_transfer::model::syntax::is_email(email))
        .then(|| format!("{name} <{email}>"))
}

/// Loads and validates a plan; an invalid plan is exit 3 for every command.
pub fn load_plan(path: &std::path::Path) -> dossier_transfer::error::Result<(Plan, Vec<Problem>)> {
    Plan::load(path, dossier_transfer::clock::today())
}

#[cfg(test)]
mod tests {
    use super::parse_operator;

    #[test]
    fn operator_is_name_and_email() {
        assert_eq!(
            parse_operator("  Ada Lovelace <ada@example.org> ").as_deref(),
            Some("Ada Lovelace <ada@example.org>")
        );
        for bad in [
            "ada@example.org",
            "<ada@example.org>",
            "Ada <ada>",
            "Ada <ada@example.org",
            "Ada <a b@example.org>",
            "A<da <ada@example.org>",
        ] {
            assert_eq!(parse_operator(bad), None, "{bad}");
        }
    }
}

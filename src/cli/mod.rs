//! Command-line glue: clap definitions and dispatch. The library does the
//! work; this module parses flags, calls it and renders the result.

mod account;
mod demo;
mod files;
pub mod output;
mod plan;

use clap::{Args, Parser, Subcommand};
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
    /// Accounts in a store: load, dump, list, generate.
    #[command(subcommand)]
    Account(account::AccountCommand),
    /// The migration plan.
    #[command(subcommand)]
    Plan(plan::PlanCommand),
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
    /// The store (a SQLite file).
    #[arg(long, env = "DOSSIER_TRANSFER_STORE")]
    pub store: PathBuf,
}

pub fn run(cli: Cli) -> ExitCode {
    let out = Out {
        json: cli.global.json,
        quiet: cli.global.quiet,
    };
    match cli.command {
        Command::Account(cmd) => account::run(cmd, out),
        Command::Plan(cmd) => plan::run(cmd, out),
        Command::Demo { dir } => demo::run(dir, out),
    }
}

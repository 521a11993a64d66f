//! `plan new`.

use super::output::Out;
use clap::Subcommand;
use dossier_transfer::error::Result;
use serde_json::json;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

#[derive(Subcommand)]
pub enum PlanCommand {
    /// Writes a commented plan template to fill in.
    New {
        #[arg(long)]
        out: PathBuf,
        /// Overwrite an existing file.
        #[arg(long)]
        force: bool,
    },
}

pub fn run(cmd: PlanCommand, out: Out) -> ExitCode {
    let result = match cmd {
        PlanCommand::New { out: path, force } => write_template(&path, force),
    };
    match result {
        Ok(path) => out.finish(&[], json!({"out": path}), &|o| {
            o.say(format!(
                "wrote a plan template to {}: fill it in with both account owners",
                path.display()
            ))
        }),
        Err(e) => out.fail(&e),
    }
}

fn write_template(path: &Path, force: bool) -> Result<PathBuf> {
    super::files::write_new(path, force, dossier_transfer::plan::template().as_bytes())?;
    Ok(path.to_owned())
}

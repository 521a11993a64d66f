//! `report` (process.md step 7): the acceptance report as text, `--json`,
//! and with `--html FILE` the page a care manager reads and signs.

use super::files::write_new;
use super::output::Out;
use clap::Args;
use dossier_transfer::error::{Error, Result};
use dossier_transfer::report::{self, Lang};
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Args)]
pub struct ReportArgs {
    #[arg(long)]
    plan: PathBuf,
    /// The target store.
    #[arg(long, env = "DOSSIER_TRANSFER_STORE")]
    store: PathBuf,
    /// The account (default: the plan's target account).
    #[arg(long)]
    account: Option<String>,
    /// Also write the report as one self-contained HTML page.
    #[arg(long)]
    html: Option<PathBuf>,
    /// Language of the HTML page.
    #[arg(long, default_value = "nl", value_parser = ["nl", "en"])]
    lang: String,
    /// Overwrite an existing HTML file.
    #[arg(long)]
    force: bool,
}

pub fn run(args: ReportArgs, out: Out) -> ExitCode {
    match execute(&args, out) {
        Ok(code) => code,
        Err(e) => out.fail(&e),
    }
}

fn execute(args: &ReportArgs, out: Out) -> Result<ExitCode> {
    let (plan, mut problems) = super::load_plan(&args.plan)?;
    let store = super::open_store(&args.store, dossier_transfer::store::Access::Read)?;
    let slug = args.account.as_deref().unwrap_or(&plan.target.account);
    let report = report::build(&*store, &plan, slug)?;
    if let Some(path) = &args.html {
        // clap only lets `nl` and `en` through.
        let lang = Lang::from_code(&args.lang).unwrap_or_default();
        write_new(
            path,
            args.force,
            report::html::render(&report, lang).as_bytes(),
        )?;
    }
    problems.extend(report.problems.iter().cloned());
    let summary = serde_json::to_value(&report)
        .map_err(|e| Error::Internal(format!("report summary: {e}")))?;
    // Exit 3 when anything mismatches (or nothing is imported): the
    // problems carry those as errors, warnings leave it at 0.
    Ok(out.finish(&problems, summary, &|o| {
        for line in report::text::render(&report) {
            o.say(line);
        }
        if let Some(path) = &args.html {
            o.say(format!("wrote {}", path.display()));
        }
    }))
}

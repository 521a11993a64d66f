//! `check` (process.md step 2): the pre-flight, rendered for people or as
//! JSON. The library does the checking; this file only loads and prints.

use super::output::Out;
use clap::Args;
use dossier_transfer::check::{
    self, CheckSummary, GroupAccess, GroupComparison, Mapping, TargetReport,
};
use dossier_transfer::error::{Error, Result};
use dossier_transfer::export::walk::{LeftBehind, Survey};
use dossier_transfer::store::{Access, Store};
use std::collections::BTreeMap;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Args)]
pub struct CheckArgs {
    /// The migration plan (TOML).
    #[arg(long)]
    pub plan: PathBuf,
    #[command(flatten)]
    pub stores: StorePair,
}

/// The two stores of `check` and `align`; `DOSSIER_TRANSFER_STORE` fills
/// either when it is not given (source and target may be one file).
#[derive(Args, Clone)]
pub struct StorePair {
    /// The store holding the source account: a SQLite file, or a postgres:// URL.
    #[arg(long, env = "DOSSIER_TRANSFER_STORE")]
    pub source_store: PathBuf,
    /// The store holding the target account and its test account.
    #[arg(long, env = "DOSSIER_TRANSFER_STORE")]
    pub target_store: PathBuf,
}

impl StorePair {
    /// Opens both stores; neither is created. `check` reads both; `align`
    /// writes the target only.
    pub fn open(&self, target: Access) -> Result<(Box<dyn Store>, Box<dyn Store>)> {
        Ok((
            super::open_store(&self.source_store, Access::Read)?,
            super::open_store(&self.target_store, target)?,
        ))
    }
}

pub fn run(args: CheckArgs, out: Out) -> ExitCode {
    match execute(&args, out) {
        Ok(code) => code,
        Err(e) => out.fail(&e),
    }
}

fn execute(args: &CheckArgs, out: Out) -> Result<ExitCode> {
    let (plan, mut problems) = super::load_plan(&args.plan)?;
    let (source, target) = args.stores.open(Access::Read)?;
    let report = check::check(&plan, &*source, &*target, dossier_transfer::clock::now())?;
    problems.extend(report.problems);
    let summary = serde_json::to_value(&report.summary)
        .map_err(|e| Error::Internal(format!("check summary: {e}")))?;
    Ok(out.finish(&problems, summary, &|o| human(o, &report.summary)))
}

fn human(o: &Out, s: &CheckSummary) {
    o.say(format!(
        "check of migration {} (plan sha256 {}), test level {}, cut-off {}",
        s.migration, s.plan_digest, s.test_level, s.cut_off
    ));
    source(o, s);
    for t in &s.targets {
        target(o, t);
    }
    if let Some(e) = &s.estimate {
        estimate(o, e);
    }
}

fn source(o: &Out, s: &CheckSummary) {
    let src = &s.source;
    let fingerprint = src.fingerprint.as_deref().unwrap_or("-");
    o.say(format!(
        "source {} group {} (config {fingerprint}): {} dossier(s) selected",
        src.account,
        src.group,
        src.dossiers.len()
    ));
    for d in &src.dossiers {
        o.say(format!("  {} {} -> {}", d.id, d.name, d.to_group));
    }
    if !src.after_cut_off.is_empty() {
        o.say(format!(
            "  staying behind (created after the cut-off): {}",
            src.after_cut_off.join(", ")
        ));
    }
}

fn target(o: &Out, t: &TargetReport) {
    if !t.found {
        o.say(format!("target {} ({}): not found", t.account, t.stage));
        return;
    }
    let mut state = Vec::new();
    if let Some(holder) = &t.read_only {
        state.push(format!("read-only for {holder}"));
    }
    if t.already_imported {
        state.push("already holds this migration".to_owned());
    }
    let state = if state.is_empty() {
        "writable".to_owned()
    } else {
        state.join(", ")
    };
    o.say(format!("target {} ({}): {state}", t.account, t.stage));
    for g in &t.groups {
        group(o, g);
    }
    teammates(o, t);
    for a in &t.access {
        access(o, a);
    }
}

fn group(o: &Out, g: &GroupComparison) {
    o.say(format!(
        "  group {}: configuration {}",
        g.group,
        g.state.name()
    ));
    if let (Some(s), Some(t)) = (&g.source_fingerprint, &g.target_fingerprint) {
        o.say(format!("    fingerprints: source {s}, target {t}"));
    }
    for d in &g.differences {
        let diff = &d.difference;
        o.say(format!(
            "    {} {} {} ({} moving record(s))",
            diff.code, diff.element, diff.detail, d.records
        ));
    }
}

fn teammates(o: &Out, t: &TargetReport) {
    if t.teammates.is_empty() {
        return;
    }
    o.say("  teammates named in the moving records:");
    for m in &t.teammates {
        let name = m
            .name
            .as_deref()
            .map(|n| format!("{n}, "))
            .unwrap_or_default();
        let outcome = match (m.mapping, &m.target_email) {
            (Mapping::Linked, Some(e)) => format!("linked to {e}"),
            (Mapping::Linked, None) => "linked".to_owned(),
            (Mapping::CreatedInactive, _) => "created inactive".to_owned(),
            (Mapping::Attribution, _) => "kept as an attribution".to_owned(),
        };
        o.say(format!(
            "    {} ({name}{} record(s)): {outcome}",
            m.email, m.records
        ));
    }
}

fn access(o: &Out, a: &GroupAccess) {
    o.say(format!(
        "  who can read the migrated dossiers in {}:",
        a.group
    ));
    for r in &a.readers {
        let via = if r.via == "group" {
            "works in the group"
        } else {
            "by role"
        };
        o.say(format!(
            "    {} <{}> {}, {} ({via})",
            r.name,
            r.email,
            json_word(&r.role),
            json_word(&r.status)
        ));
    }
    for m in &a.members {
        o.say(format!(
            "    member {} <{}>: {}",
            m.name,
            m.email,
            m.dossiers.join(", ")
        ));
    }
}

/// The lowercase word serde writes for a unit enum.
fn json_word<T: serde::Serialize>(v: &T) -> String {
    match serde_json::to_value(v) {
        Ok(serde_json::Value::String(s)) => s,
        _ => "?".to_owned(),
    }
}

fn estimate(o: &Out, e: &Survey) {
    let records: u64 = e.totals.values().sum();
    o.say(format!(
        "estimate: {} dossier(s), {records} record(s), {} file content(s) of {} bytes in all",
        e.dossiers.len(),
        e.files.len(),
        e.file_bytes
    ));
    o.say(format!(
        "  moving: {}",
        counts(e.totals.iter().map(|(k, n)| (*k, *n)))
    ));
    left_behind(o, &e.left_behind);
}

fn left_behind(o: &Out, l: &LeftBehind) {
    if l.is_empty() {
        o.say("  nothing stays behind");
        return;
    }
    let reasons: [(&str, &BTreeMap<String, u64>); 4] = [
        ("after the cut-off", &l.after_cut_off),
        ("before `since`", &l.before_since),
        ("data type not chosen", &l.kinds_not_chosen),
        ("references removed", &l.references_removed),
    ];
    for (why, map) in reasons.into_iter().filter(|(_, m)| !m.is_empty()) {
        o.say(format!(
            "  stays behind, {why}: {}",
            counts(map.iter().map(|(k, n)| (k.as_str(), *n)))
        ));
    }
}

fn counts<'a>(items: impl Iterator<Item = (&'a str, u64)>) -> String {
    items
        .map(|(k, n)| format!("{k} {n}"))
        .collect::<Vec<_>>()
        .join(", ")
}

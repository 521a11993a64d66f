//! `demo`: the whole handover on the bundled fixtures, in DIR or a fresh
//! temporary folder, calling the library step by step as the commands do:
//! keys, plan, check, align, check, export, verify, import into the test
//! account, report, sign-off, import live, report, and one refusal shown
//! as expected. It ends with the path of the final HTML report.

use super::files::write_new;
use super::output::Out;
use dossier_transfer::archive::reader::Caps;
use dossier_transfer::error::{Error, Result};
use dossier_transfer::fixtures::{
    self, APPROVER, PASSING, SOURCE_GROUP, SOURCE_TREE, TARGET_GROUP, TARGET_TREE, TEST_ACCOUNT,
    TEST_TREE,
};
use dossier_transfer::plan::Plan;
use dossier_transfer::problem::Code;
use dossier_transfer::problem::Problem;
use dossier_transfer::report::{self, Lang};
use dossier_transfer::store::Store;
use dossier_transfer::{align, check, clock, export, import, keys, lifecycle, verify};
use serde_json::json;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

const OPERATOR: &str = "Demo Operator <demo@dossier-transfer.example>";
const LIVE_ACCOUNT: &str = fixtures::TARGET_ACCOUNT;

pub fn run(dir: Option<PathBuf>, out: Out) -> ExitCode {
    match execute(dir, out) {
        Ok(code) => code,
        Err(e) => out.fail(&e),
    }
}

struct Demo {
    out: Out,
    dir: PathBuf,
    step: u32,
}

impl Demo {
    fn step(&mut self, what: &str) {
        self.step += 1;
        self.out.say(format!("[{}] {what}", self.step));
    }

    fn say(&self, line: impl AsRef<str>) {
        self.out.say(format!("    {}", line.as_ref()));
    }

    fn path(&self, name: &str) -> PathBuf {
        self.dir.join(name)
    }
}

fn execute(dir: Option<PathBuf>, out: Out) -> Result<ExitCode> {
    let mut d = Demo {
        out,
        dir: demo_dir(dir)?,
        step: 0,
    };
    out.say(format!("demo folder: {}", d.dir.display()));
    let (source_db, target_db) = (d.path("source.db"), d.path("target.db"));
    refuse_existing(&[&source_db, &target_db, &d.path("plan.toml")])?;
    let (mut source, mut target) = load_stores(&mut d, &source_db, &target_db)?;
    let plan = write_plan(&mut d)?;
    preflight(&mut d, &plan, &*source, &mut *target)?;
    let archive = export_archive(&mut d, &plan, &mut *source)?;
    let identities = keys::load_identities(&d.path("keys/identity.txt"))?;
    verify_archive(&mut d, &plan, &archive, &identities)?;
    import_into(
        &mut d,
        &plan,
        &mut *target,
        &archive,
        &identities,
        TEST_ACCOUNT,
    )?;
    let test_report = html_report(&mut d, &plan, &*target, TEST_ACCOUNT, "report-test.html")?;
    sign_off(&mut d, &plan, &mut *target)?;
    import_into(
        &mut d,
        &plan,
        &mut *target,
        &archive,
        &identities,
        LIVE_ACCOUNT,
    )?;
    let live_report = html_report(&mut d, &plan, &*target, LIVE_ACCOUNT, "report-live.html")?;
    refusal(&mut d, &plan, &mut *target, &archive, &identities)?;
    let summary = json!({
        "dir": d.dir,
        "source_store": source_db,
        "target_store": target_db,
        "plan": d.path("plan.toml"),
        "keys": d.path("keys"),
        "archive": archive,
        "reports": [test_report, live_report],
        "final_report": live_report,
    });
    Ok(out.finish(&[], summary, &|o| {
        o.say("done: the live import waits for its sign-off by the care manager");
        o.say(format!("final report: {}", live_report.display()));
    }))
}

/// DIR (created if needed) or a fresh temporary folder that is kept, so
/// the reader can open what the demo wrote.
fn demo_dir(dir: Option<PathBuf>) -> Result<PathBuf> {
    match dir {
        Some(d) => {
            std::fs::create_dir_all(&d).map_err(|e| Error::io(&d, e))?;
            Ok(d)
        }
        None => Ok(tempfile::Builder::new()
            .prefix("dossier-transfer-demo-")
            .tempdir()
            .map_err(|e| Error::io(std::env::temp_dir(), e))?
            .keep()),
    }
}

/// The demo never works over an earlier run: stores and plan must be new.
fn refuse_existing(paths: &[&Path]) -> Result<()> {
    match paths.iter().find(|p| p.exists()) {
        Some(p) => Err(Error::io(
            p,
            std::io::Error::new(
                std::io::ErrorKind::AlreadyExists,
                "already exists: give an empty --dir",
            ),
        )),
        None => Ok(()),
    }
}

fn load_stores(
    d: &mut Demo,
    source_db: &Path,
    target_db: &Path,
) -> Result<(Box<dyn Store>, Box<dyn Store>)> {
    d.step("load the bundled accounts: Zorggroep Noord (source), Zorggroep Oost and its test account (target)");
    let mut source = dossier_transfer::store::open(source_db, true)?;
    let s = fixtures::load(&mut *source, SOURCE_TREE)?;
    d.say(format!(
        "{}: {} dossiers, {} records -> {}",
        s.account,
        s.dossiers,
        s.records.values().sum::<u64>(),
        source_db.display()
    ));
    let mut target = dossier_transfer::store::open(target_db, true)?;
    for name in [TARGET_TREE, TEST_TREE] {
        let s = fixtures::load(&mut *target, name)?;
        d.say(format!(
            "{}: {} dossiers -> {}",
            s.account,
            s.dossiers,
            target_db.display()
        ));
    }
    Ok((source, target))
}

/// Keys, then the plan: level B (test account), the passing dossiers of
/// wonen-noord to wonen-oost, every data type, both consents.
fn write_plan(d: &mut Demo) -> Result<Plan> {
    d.step("keygen: the recipient's age identity and the exporter's minisign key");
    let keys = keys::generate(&d.path("keys"), None)?;
    d.say(format!("recipient {}", keys.recipient));
    d.say(format!("signer    {}", keys.signer));
    d.say(format!("files in  {}", d.path("keys").display()));
    d.step(&format!(
        "plan: level {}, {} dossiers of {SOURCE_GROUP} to {TARGET_GROUP}, every data type",
        fixtures::TEST_LEVEL,
        PASSING.len()
    ));
    let path = d.path("plan.toml");
    write_new(
        &path,
        false,
        fixtures::plan_text(&keys.recipient, &keys.signer).as_bytes(),
    )?;
    d.say("left out: d-0011 (created after the cut-off), d-0005 (member limit on the target)");
    d.say(path.display().to_string());
    let (plan, _) = super::load_plan(&path)?;
    d.say(format!("plan sha256 {}", plan.digest));
    Ok(plan)
}

/// check, align, check again: the configuration differences the fixtures
/// hold are found, appended, and gone.
fn preflight(d: &mut Demo, plan: &Plan, source: &dyn Store, target: &mut dyn Store) -> Result<()> {
    d.step("check: the pre-flight on both stores");
    let first = check::check(plan, source, target, clock::now())?;
    d.say(problem_line(&first.problems));
    d.say("the configuration errors are expected: wonen-oost lacks what wonen-noord uses");
    d.step("align: append what the target groups lack (live and test account)");
    let (alignment, problems) = align::plan(plan, source, target)?;
    if align::blocked(&problems) {
        return Err(Error::Invalid(problems));
    }
    align::apply(target, &alignment, OPERATOR)?;
    for g in &alignment.groups {
        let added: Vec<String> = g.changes.iter().map(|c| c.element.to_string()).collect();
        d.say(format!(
            "{} {}: added {}",
            g.account,
            g.group,
            added.join(", ")
        ));
    }
    d.step("check again");
    let second = check::check(plan, source, target, clock::now())?;
    d.say(problem_line(&second.problems));
    if dossier_transfer::problem::any_error(&second.problems) {
        return Err(Error::Invalid(second.problems));
    }
    Ok(())
}

/// "2 errors, 3 warnings: code, code, …".
fn problem_line(problems: &[Problem]) -> String {
    let errors = problems.iter().filter(|p| p.is_error()).count();
    let mut codes: Vec<&str> = problems.iter().map(|p| p.code.as_str()).collect();
    codes.sort_unstable();
    codes.dedup();
    format!(
        "{errors} error(s), {} warning(s): {}",
        problems.len() - errors,
        codes.join(", ")
    )
}

fn export_archive(d: &mut Demo, plan: &Plan, source: &mut dyn Store) -> Result<PathBuf> {
    d.step("export: the signed, encrypted archive; the source group becomes read-only");
    let archive = d.path("noord-naar-oost.zip.age");
    let key = keys::load_signing_key(&d.path("keys/signing.key"), &super::password::EnvOrPrompt)?;
    let opts = export::Options {
        plan,
        signing_key: &key,
        out: &archive,
        rehearsal: false,
        operator: OPERATOR,
        force: false,
        now: clock::now(),
    };
    let s = export::export(source, &opts, &mut dossier_transfer::progress::Silent)?;
    d.say(format!("{} ({} bytes)", archive.display(), s.size));
    d.say(format!("sha256 {}", s.sha256));
    d.say(format!(
        "{} dossiers, {} records",
        s.survey.dossiers.len(),
        s.survey.totals.values().sum::<u64>()
    ));
    Ok(archive)
}

type Identities = Vec<Box<dyn age::Identity + Send + Sync>>;

fn verify_archive(d: &mut Demo, plan: &Plan, archive: &Path, ids: &Identities) -> Result<()> {
    d.step("verify: decrypt, signature, checksums, completeness, counts, references");
    let v = verify::verify(archive, plan, ids, Caps::default())?;
    if v.failed() {
        return Err(Error::Invalid(v.problems));
    }
    d.say(format!(
        "the archive is intact and complete ({} problems)",
        v.problems.len()
    ));
    Ok(())
}

fn import_into(
    d: &mut Demo,
    plan: &Plan,
    target: &mut dyn Store,
    archive: &Path,
    ids: &Identities,
    account: &str,
) -> Result<()> {
    d.step(&format!("import into `{account}`"));
    let s = import::import(target, &import_options(plan, archive, ids, account))?;
    d.say(format!(
        "{} stage: {} dossiers, {} records -> {}",
        s.stage.as_str(),
        s.dossiers.len(),
        s.records.values().sum::<u64>(),
        target.location()
    ));
    if let Some(t) = &s.teammates {
        d.say(format!(
            "teammates: {} linked, {} kept as attributions",
            t.linked.len(),
            t.unmapped.len()
        ));
    }
    Ok(())
}

fn import_options<'a>(
    plan: &'a Plan,
    archive: &'a Path,
    ids: &'a Identities,
    account: &'a str,
) -> import::Options<'a> {
    import::Options {
        plan,
        archive,
        identities: ids,
        caps: Caps::default(),
        account: Some(account),
        dry_run: false,
        operator: OPERATOR,
    }
}

fn html_report(
    d: &mut Demo,
    plan: &Plan,
    target: &dyn Store,
    account: &str,
    file: &str,
) -> Result<PathBuf> {
    d.step(&format!(
        "report of `{account}`: the acceptance report as HTML"
    ));
    let r = report::build(target, plan, account)?;
    let path = d.path(file);
    write_new(&path, false, report::html::render(&r, Lang::Nl).as_bytes())?;
    d.say(report::text::render(&r).get(1).cloned().unwrap_or_default());
    d.say(path.display().to_string());
    if !r.verdict.ok() {
        return Err(Error::Invalid(r.problems));
    }
    Ok(path)
}

fn sign_off(d: &mut Demo, plan: &Plan, target: &mut dyn Store) -> Result<()> {
    d.step(&format!("sign-off of the test stage by {APPROVER}"));
    let s = lifecycle::sign_off(target, plan, TEST_ACCOUNT, APPROVER, OPERATOR)?;
    d.say(format!("signed off at {}", s.at));
    Ok(())
}

/// A second live import must be refused: a migration goes in once.
fn refusal(
    d: &mut Demo,
    plan: &Plan,
    target: &mut dyn Store,
    archive: &Path,
    ids: &Identities,
) -> Result<()> {
    d.step("import into the live account again: must be refused");
    match import::import(target, &import_options(plan, archive, ids, LIVE_ACCOUNT)) {
        Err(Error::Refused(p)) if p.code == Code::AlreadyImported => {
            d.say(format!("refused as expected: {}: {}", p.code, p.message));
            Ok(())
        }
        Err(e) => Err(e),
        Ok(_) => Err(Error::Internal(
            "a second live import was not refused".to_owned(),
        )),
    }
}

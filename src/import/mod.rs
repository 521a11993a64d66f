//! Import (process.md step 6): a verified archive into the target account,
//! in one transaction, while the account is read-only; once per migration
//! and account; with the stage rules of the plan's test level.

mod checks;
mod ids;
pub(crate) mod sink;

use crate::archive::manifest::Manifest;
use crate::archive::reader::Caps;
use crate::archive::source::ArchiveSource;
use crate::error::{Error, Result};
use crate::model::kinds::DataType;
use crate::plan::{Plan, TestLevel};
use crate::problem::{Code, Problem};
use crate::store::audit::{AuditEvent, Outcome};
use crate::store::journal::Stage;
use crate::store::{AccountRow, JournalStart, Store};
use serde::Serialize;
use sink::ImportSink;
pub use sink::TeammateMapping;
use std::path::Path;

/// What to import, from where, into which account, as whom.
pub struct Options<'a> {
    /// The plan the archive was made with (its digest must match).
    pub plan: &'a Plan,
    /// The archive file (`*.zip.age`).
    pub archive: &'a Path,
    /// The age identities to decrypt with; one must be a plan recipient's.
    pub identities: &'a [Box<dyn age::Identity + Send + Sync>],
    /// The reading limits the archive must stay within.
    pub caps: Caps,
    /// The account to import into (default: the plan's target account).
    pub account: Option<&'a str>,
    /// Verify and check everything, but write nothing (`--dry-run`).
    pub dry_run: bool,
    /// `Name <email>` of who imports, for the journal and the audit log.
    pub operator: &'a str,
}

/// What an import wrote (or, dry, would write).
#[derive(Debug, Serialize)]
pub struct Summary {
    /// Slug of the account imported into.
    pub account: String,
    /// The stage that account is: the plan's test account or its target.
    pub stage: Stage,
    /// The migration id.
    pub migration: String,
    /// Lowercase hex sha256 of the archive file.
    pub archive_sha256: String,
    /// Whether the archive is a `--rehearsal` export.
    pub rehearsal: bool,
    /// Whether nothing was written.
    pub dry_run: bool,
    /// (source id, target id, target group) per dossier; a dry run leaves
    /// the target id empty.
    pub dossiers: Vec<(String, String, String)>,
    /// Records per kind, as the manifest counts them.
    pub records: std::collections::BTreeMap<String, u64>,
    /// Bytes of file contents, each distinct content counted once.
    pub file_bytes: u64,
    /// How teammate references were mapped; `None` for a dry run.
    pub teammates: Option<TeammateMapping>,
    /// Keys of the target groups the import created (test level A);
    /// empty otherwise.
    pub groups_created: Vec<String>,
    /// The warnings verify and the checks found (errors stop the import).
    pub warnings: Vec<Problem>,
}

/// Imports the archive; see the module docs. Refusals come back as
/// `Error::Refused` (exit 4), problems as `Error::Invalid` (exit 3).
pub fn import(store: &mut dyn Store, opts: &Options) -> Result<Summary> {
    let plan = opts.plan;
    let verified = crate::verify::verify(opts.archive, plan, opts.identities, opts.caps)?;
    let archive_sha256 = verified.archive_sha256.clone();
    let slug = opts.account.unwrap_or(&plan.target.account);
    if verified.failed() {
        // A refusal by the migration's state (exit 4) outranks problems (3).
        if let Ok(account) = store.require_account(slug) {
            refuse_if_imported(store, plan, &account)?;
        }
        return Err(Error::Invalid(verified.problems));
    }
    let (Some(manifest), Some(mut reader)) = (verified.manifest, verified.reader) else {
        return Err(Error::Internal("verify passed without a manifest".into()));
    };
    let stage = stage_of(plan, slug)?;
    let account = store.require_account(slug)?;
    refuse_if_imported(store, plan, &account)?;
    stage_rules(store, plan, stage, &manifest, &archive_sha256)?;
    if let Some(holder) = &account.read_only
        && holder != &plan.id
    {
        return Err(crate::store::journal::read_only_refusal(slug, holder));
    }
    let create_groups = plan.test_level == TestLevel::TestGroup;
    let source_config = source_config(&mut reader, plan)?;
    let problems = checks::target_checks(
        store,
        plan,
        &account,
        &manifest,
        &mut reader,
        &source_config,
        create_groups,
    )?;
    if crate::problem::any_error(&problems) {
        return Err(Error::Invalid(problems));
    }
    let mut summary = summary_of(opts, slug, stage, &manifest, &archive_sha256, problems);
    if opts.dry_run {
        return Ok(summary);
    }
    let journal = store.begin_import(&JournalStart {
        account: account.id,
        migration: &plan.id,
        stage,
        rehearsal: manifest.rehearsal,
        archive_sha256: &archive_sha256,
        operator: opts.operator,
    })?;
    let written = write(
        store,
        plan,
        &account,
        &manifest,
        &mut reader,
        journal,
        opts.operator,
        create_groups,
        &mut summary,
    );
    if let Err(e) = written {
        // The mark stays: `unlock` clears it once it sees nothing committed.
        let _ = store.fail_import(journal, &e.to_string());
        return Err(e);
    }
    Ok(summary)
}

/// What an import reports before it writes: the manifest's totals and, for
/// a dry run, the dossiers it would bring.
fn summary_of(
    opts: &Options,
    slug: &str,
    stage: Stage,
    manifest: &Manifest,
    archive_sha256: &str,
    warnings: Vec<Problem>,
) -> Summary {
    let dossiers = if opts.dry_run {
        manifest
            .dossiers
            .iter()
            .map(|d| (d.id.clone(), String::new(), d.to_group.clone()))
            .collect()
    } else {
        Vec::new()
    };
    Summary {
        account: slug.to_owned(),
        stage,
        migration: opts.plan.id.clone(),
        archive_sha256: archive_sha256.to_owned(),
        rehearsal: manifest.rehearsal,
        dry_run: opts.dry_run,
        dossiers,
        records: manifest.totals.records.clone(),
        file_bytes: manifest.totals.file_bytes,
        teammates: None,
        groups_created: Vec::new(),
        warnings,
    }
}

/// The one transaction: records, files, teammates, journal, audit, and the
/// read-only mark cleared; all of it or none.
#[allow(clippy::too_many_arguments)]
fn write(
    store: &mut dyn Store,
    plan: &Plan,
    account: &AccountRow,
    manifest: &Manifest,
    reader: &mut crate::archive::reader::ArchiveReader,
    journal: i64,
    operator: &str,
    create_groups: bool,
    summary: &mut Summary,
) -> Result<()> {
    let tx = store.begin()?;
    let mut sink = ImportSink::new(&*tx, account.id, &plan.id, manifest)?;
    sink.create_groups = create_groups;
    sink.create_teammates = plan.data.chosen(DataType::Teammates);
    let listed: Vec<String> = manifest.entries.iter().map(|e| e.path.clone()).collect();
    let mut source = ArchiveSource::new(reader, &listed);
    crate::tree::read::read_tree(&mut source, &mut sink)?;
    summary.teammates = Some(sink.map_teammates()?);
    summary.dossiers = manifest
        .dossiers
        .iter()
        .map(|d| {
            let target = sink
                .dossiers
                .get(&crate::model::syntax::fold(&d.id))
                .map(|t| t.0.clone())
                .unwrap_or_default();
            (d.id.clone(), target, d.to_group.clone())
        })
        .collect();
    if create_groups {
        summary.groups_created = plan.target_group_keys();
    }
    let written =
        serde_json::to_string(&sink.written()).map_err(|e| Error::Internal(e.to_string()))?;
    let manifest_json =
        serde_json::to_string(manifest).map_err(|e| Error::Internal(e.to_string()))?;
    tx.commit_import(journal, &manifest_json, &written)?;
    tx.set_account_read_only(account.id, None)?;
    for (source, target, _) in &summary.dossiers {
        let detail = format!(
            "{} stage, source dossier {source}, archive sha256 {}",
            summary.stage.as_str(),
            summary.archive_sha256
        );
        tx.audit(&AuditEvent {
            account: &account.account.slug,
            action: "import",
            outcome: Outcome::Success,
            operator,
            dossier: Some(target),
            migration: Some(&plan.id),
            detail: Some(&detail),
        })?;
    }
    tx.commit()
}

/// `already-imported`: a migration id is imported into an account once.
fn refuse_if_imported(store: &dyn Store, plan: &Plan, account: &AccountRow) -> Result<()> {
    let Some(done) = store.imported(account.id, &plan.id)? else {
        return Ok(());
    };
    Err(Error::Refused(Problem::error(
        Code::AlreadyImported,
        format!(
            "migration {} was already imported into `{}` at {} (archive {}); a migration is imported once (roll it back first to redo it)",
            plan.id,
            account.account.slug,
            done.committed_at.as_deref().unwrap_or("?"),
            done.archive_sha256
        ),
    )))
}

/// The stage follows from the account: the plan's test account is the test
/// stage, its target account the live stage.
pub(crate) fn stage_of(plan: &Plan, slug: &str) -> Result<Stage> {
    if slug == plan.target.account {
        Ok(Stage::Live)
    } else if plan.target.test_account.as_deref() == Some(slug) {
        Ok(Stage::Test)
    } else {
        Err(Error::invalid(Problem::error(
            Code::AccountNotInPlan,
            format!(
                "account `{slug}` is neither the plan's target account `{}` nor its test account",
                plan.target.account
            ),
        )))
    }
}

/// The test level's rules (process.md, step 6).
fn stage_rules(
    store: &dyn Store,
    plan: &Plan,
    stage: Stage,
    manifest: &Manifest,
    sha: &str,
) -> Result<()> {
    let refuse = |code: Code, msg: String| Err(Error::Refused(Problem::error(code, msg)));
    let level = plan.test_level;
    if manifest.rehearsal && !(level == TestLevel::DressRehearsal && stage == Stage::Test) {
        return refuse(
            Code::RehearsalArchive,
            "this is a rehearsal archive: it can only be imported into the test account at test level dress-rehearsal".into(),
        );
    }
    if level == TestLevel::DressRehearsal && stage == Stage::Test && !manifest.rehearsal {
        return refuse(
            Code::NotRehearsalArchive,
            "at test level dress-rehearsal the test account takes a rehearsal archive (`export --rehearsal`)".into(),
        );
    }
    if stage == Stage::Test && level == TestLevel::TestGroup {
        return Err(Error::invalid(Problem::error(
            Code::AccountNotInPlan,
            "test level test-group has no test account: the live import creates test groups"
                .to_owned(),
        )));
    }
    if stage == Stage::Live && level != TestLevel::TestGroup {
        let test = plan.target.test_account.as_deref().unwrap_or_default();
        let signed = match store.account(test)? {
            Some(a) => store
                .journal(a.id, &plan.id)?
                .into_iter()
                .filter(|e| e.signed_off_at.is_some())
                .collect(),
            None => Vec::new(),
        };
        let Some(last) = signed.last() else {
            return refuse(
                Code::StageNotSignedOff,
                format!(
                    "the test import of migration {} into `{test}` has not been signed off; import, report and sign off the test stage first",
                    plan.id
                ),
            );
        };
        if level == TestLevel::TestAccount && signed.iter().all(|e| e.archive_sha256 != sha) {
            let tested_at = crate::lifecycle::journal_manifest(last)?.created_at;
            return refuse(
                Code::ArchiveNotTested,
                format!(
                    "this archive (sha256 {sha}, exported {}) is not the one tested and signed off in `{test}` (sha256 {}, exported {tested_at}); import the tested archive instead: the live account takes only what was tested",
                    manifest.created_at, last.archive_sha256
                ),
            );
        }
    }
    Ok(())
}

/// The source group's configuration, from the archive's group.json.
fn source_config(
    reader: &mut crate::archive::reader::ArchiveReader,
    plan: &Plan,
) -> Result<crate::model::Config> {
    let path = crate::tree::layout::group_json(&plan.source.group);
    let bytes = reader
        .read_small(&path, 64 << 20)
        .map_err(|p| Error::Invalid(vec![p]))?;
    let group: crate::model::Group = serde_json::from_slice(&bytes).map_err(|e| {
        Error::invalid(
            Problem::error(Code::ManifestInvalid, format!("{path}: {e}")).path(path.clone()),
        )
    })?;
    Ok(group.config)
}

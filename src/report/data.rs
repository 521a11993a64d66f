//! The acceptance report's data (process.md step 7), built from the target
//! store alone: the journal keeps the manifest of the import and the
//! records keep their origins, so nothing of the source side is needed to
//! prove that what arrived is what left. [`super::text`] and
//! [`super::html`] render this one structure; `--json` prints it as is.

use crate::archive::manifest::Manifest;
use crate::error::Result;
use crate::export::walk::LeftBehind;
use crate::import::stage_of;
use crate::lifecycle::journal_manifest;
use crate::model::kinds::KINDS;
use crate::model::syntax::fold;
use crate::plan::{Consent, Plan};
use crate::problem::{Code, Problem};
use crate::report::compare::{self, Comparison, Row};
use crate::store::journal::{Entry, Stage, Status};
use crate::store::{AccountRow, AuditCheck, Store};
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet, HashMap};

/// Everything the report shows. `problems` travel beside it (the JSON's
/// top-level `problems`), not inside it.
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    pub migration: String,
    /// The sha256 of the plan given to `report`.
    pub plan_sha256: String,
    pub test_level: &'static str,
    pub account: AccountInfo,
    pub stage: Stage,
    pub generated_at: String,
    pub verdict: Verdict,
    /// The import in force; `None` when nothing is imported.
    pub import: Option<ImportInfo>,
    pub dossiers: Vec<DossierReport>,
    /// Per kind over all dossiers, in the order of the kinds table.
    pub kinds: Vec<KindTotal>,
    /// The manifest's totals of what stayed behind.
    pub left_behind: LeftBehind,
    pub teammates: Teammates,
    pub configuration: Configuration,
    pub consents: Vec<ConsentInfo>,
    pub timeline: Vec<Event>,
    pub clients_on_target: Vec<ClientOnTarget>,
    pub audit: AuditCheck,
    pub signed_off: Option<SignedOff>,
    #[serde(skip)]
    pub problems: Vec<Problem>,
}

#[derive(Debug, Clone, Serialize)]
pub struct AccountInfo {
    pub slug: String,
    pub name: String,
    /// `Name <email>` of the account's owner.
    pub owner: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum VerdictStatus {
    /// Every dossier and kind: count and content as exported.
    AllMatched,
    /// At least one count, content digest or dossier differs.
    Mismatches,
    /// No import of the migration is in force in the account.
    NotImported,
    /// The data matches, but the audit log's chain is broken.
    AuditBroken,
}

#[derive(Debug, Clone, Serialize)]
pub struct Verdict {
    pub status: VerdictStatus,
    /// Findings that differ: one per (dossier, kind) or missing dossier.
    pub mismatches: usize,
    pub dossiers: usize,
    pub dossiers_mismatched: usize,
    pub records_expected: u64,
    pub records_found: u64,
    pub warnings: usize,
}

impl Verdict {
    pub fn ok(&self) -> bool {
        self.status == VerdictStatus::AllMatched
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct ImportInfo {
    pub archive_sha256: String,
    pub rehearsal: bool,
    pub imported_at: Option<String>,
    pub imported_by: String,
    pub exported_at: String,
    pub exported_by: String,
    /// The plan the archive was made with.
    pub plan_sha256: String,
    pub cut_off: String,
    pub effective_cut_off: String,
    pub daily_reports_since: Option<String>,
    pub source_account: String,
    pub source_group: String,
    pub file_bytes: u64,
}

#[derive(Debug, Clone, Serialize)]
pub struct DossierReport {
    pub source_id: String,
    /// `None` when the dossier is not in the account.
    pub target_id: Option<String>,
    pub name: String,
    pub to_group: String,
    /// Every chosen kind, in the order of the kinds table.
    pub rows: Vec<Row>,
    pub expected: u64,
    pub found: u64,
    pub matches: bool,
    /// Records others added to the dossier since the import.
    pub added_since: u64,
    pub left_behind: LeftBehind,
}

#[derive(Debug, Clone, Serialize)]
pub struct KindTotal {
    pub kind: String,
    pub expected: u64,
    pub found: u64,
    pub digests_match: bool,
    /// Records of this kind that stayed at the source (cut-off, `since`,
    /// not chosen); removed references are not records and not counted.
    pub left_behind: u64,
}

#[derive(Debug, Clone, Serialize)]
pub struct Person {
    pub email: String,
    pub name: Option<String>,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct Teammates {
    /// Kept as attributions: no teammate on the target, none created.
    pub unmapped: Vec<Person>,
    /// Created by the import, inactive.
    pub created: Vec<Person>,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct Configuration {
    pub source: Option<SourceConfig>,
    pub targets: Vec<TargetConfig>,
}

#[derive(Debug, Clone, Serialize)]
pub struct SourceConfig {
    pub account: String,
    pub group: String,
    pub fingerprint: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct TargetConfig {
    pub group: String,
    /// The group's current fingerprint; `None` when the group is missing.
    pub fingerprint: Option<String>,
    pub same_as_source: bool,
    /// Created by the import (test level A).
    pub created_by_import: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct ConsentInfo {
    /// `source_owner` or `target_owner`.
    pub role: &'static str,
    pub account: String,
    pub name: String,
    pub email: String,
    pub given_on: String,
    pub reference: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Action {
    Export,
    Align,
    Import,
    ImportFailed,
    ImportUnfinished,
    SignOff,
    Rollback,
}

impl Action {
    pub fn as_str(self) -> &'static str {
        match self {
            Action::Export => "export",
            Action::Align => "align",
            Action::Import => "import",
            Action::ImportFailed => "import-failed",
            Action::ImportUnfinished => "import-unfinished",
            Action::SignOff => "sign-off",
            Action::Rollback => "rollback",
        }
    }
}

/// One moment the stores know of.
#[derive(Debug, Clone, Serialize)]
pub struct Event {
    pub at: String,
    pub action: Action,
    /// The account it happened in (the source account for the export).
    pub account: String,
    pub stage: Option<Stage>,
    pub by: String,
    pub detail: Option<String>,
}

/// A migrated dossier whose client already had one here (same BSN).
#[derive(Debug, Clone, Serialize)]
pub struct ClientOnTarget {
    pub source_id: String,
    pub target_id: String,
    pub name: String,
    pub other_id: String,
    pub other_name: String,
    pub other_group: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct SignedOff {
    pub by: String,
    pub at: String,
}

/// Builds the report of `plan`'s migration in account `slug`.
pub fn build(store: &Store, plan: &Plan, slug: &str) -> Result<Report> {
    let stage = stage_of(plan, slug)?;
    let account = store.require_account(slug)?;
    let entry = store.imported(account.id, &plan.id)?;
    let manifest = entry.as_ref().map(journal_manifest).transpose()?;
    let mut problems = Vec::new();
    let comparison = match &manifest {
        Some(m) => Some(compare::compare(store, account.id, &plan.id, m)?),
        None => {
            problems.push(not_imported(plan, slug));
            None
        }
    };
    let dossiers = match (&comparison, &manifest) {
        (Some(c), Some(m)) => dossier_reports(c, m),
        _ => Vec::new(),
    };
    if let Some(c) = comparison {
        problems.extend(c.problems);
    }
    let clients_on_target = clients_on_target(store, &account, &plan.id)?;
    problems.extend(clients_on_target.iter().map(client_problem));
    let audit = store.verify_audit(slug)?;
    if let Some(p) = audit_problem(&audit, slug) {
        problems.push(p);
    }
    if let Some(m) = manifest.as_ref().filter(|m| m.plan_sha256 != plan.digest) {
        problems.push(plan_mismatch(plan, m));
    }
    let left_behind = manifest
        .as_ref()
        .map(|m| m.left_behind.clone())
        .unwrap_or_default();
    Ok(Report {
        migration: plan.id.clone(),
        plan_sha256: plan.digest.clone(),
        test_level: plan.test_level.key(),
        account: account_info(&account),
        stage,
        generated_at: crate::clock::now_rfc3339(),
        verdict: verdict(manifest.is_some(), &dossiers, &audit, &problems),
        import: entry.as_ref().zip(manifest.as_ref()).map(import_info),
        kinds: kind_totals(&dossiers, &left_behind),
        dossiers,
        left_behind,
        teammates: teammates(store, account.id, &plan.id)?,
        configuration: configuration(store, &account, plan, manifest.as_ref())?,
        consents: consents(plan),
        timeline: timeline(store, plan)?,
        clients_on_target,
        audit,
        signed_off: entry.as_ref().and_then(signed_off),
        problems,
    })
}

fn not_imported(plan: &Plan, slug: &str) -> Problem {
    Problem::error(
        Code::NotImported,
        format!(
            "migration {} is not imported into `{slug}` (never, or rolled back): there is nothing to compare",
            plan.id
        ),
    )
}

fn plan_mismatch(plan: &Plan, m: &Manifest) -> Problem {
    Problem::warning(
        Code::PlanMismatch,
        format!(
            "the plan given (sha256 {}) is not the plan the archive was made with ({}): the consents and choices shown are the given plan's",
            plan.digest, m.plan_sha256
        ),
    )
}

fn account_info(a: &AccountRow) -> AccountInfo {
    AccountInfo {
        slug: a.account.slug.clone(),
        name: a.account.name.clone(),
        owner: format!("{} <{}>", a.account.owner.name, a.account.owner.email),
    }
}

/// The comparison per dossier, with its kinds in the kinds table's order
/// (the manifest keeps them alphabetically) and what it left behind.
fn dossier_reports(c: &Comparison, m: &Manifest) -> Vec<DossierReport> {
    let left: HashMap<String, &LeftBehind> = m
        .dossiers
        .iter()
        .map(|d| (fold(&d.id), &d.left_behind))
        .collect();
    c.dossiers
        .iter()
        .map(|d| {
            let mut rows = d.rows.clone();
            rows.sort_by_key(|r| kind_rank(&r.kind));
            DossierReport {
                source_id: d.source_id.clone(),
                target_id: d.target_id.clone(),
                name: d.name.clone(),
                to_group: d.to_group.clone(),
                expected: rows.iter().map(|r| r.expected).sum(),
                found: rows.iter().map(|r| r.found).sum(),
                matches: d.matches(),
                rows,
                added_since: d.added_since,
                left_behind: left
                    .get(&fold(&d.source_id))
                    .map(|l| (*l).clone())
                    .unwrap_or_default(),
            }
        })
        .collect()
}

/// A kind's place in the kinds table; unknown names last.
pub fn kind_rank(kind: &str) -> usize {
    KINDS
        .iter()
        .position(|k| k.name == kind)
        .unwrap_or(KINDS.len())
}

/// Records of one kind that stayed behind, over every reason that leaves
/// records (not references) at the source.
fn records_left(lb: &LeftBehind, kind: &str) -> u64 {
    [&lb.after_cut_off, &lb.before_since, &lb.kinds_not_chosen]
        .iter()
        .filter_map(|m| m.get(kind))
        .sum()
}

fn kind_totals(dossiers: &[DossierReport], lb: &LeftBehind) -> Vec<KindTotal> {
    let mut totals: BTreeMap<String, KindTotal> = BTreeMap::new();
    for row in dossiers.iter().flat_map(|d| &d.rows) {
        let t = totals.entry(row.kind.clone()).or_insert_with(|| KindTotal {
            kind: row.kind.clone(),
            expected: 0,
            found: 0,
            digests_match: true,
            left_behind: 0,
        });
        t.expected += row.expected;
        t.found += row.found;
        t.digests_match &= row.digest_matches;
    }
    // Kinds that only stayed behind (not chosen) are shown too.
    let left_kinds = [&lb.after_cut_off, &lb.before_since, &lb.kinds_not_chosen]
        .into_iter()
        .flat_map(|m| m.keys())
        .filter(|k| crate::model::kinds::kind(k).is_some())
        .cloned()
        .collect::<BTreeSet<_>>();
    for k in left_kinds {
        totals.entry(k.clone()).or_insert_with(|| KindTotal {
            kind: k,
            expected: 0,
            found: 0,
            digests_match: true,
            left_behind: 0,
        });
    }
    let mut out: Vec<KindTotal> = totals.into_values().collect();
    for t in &mut out {
        t.left_behind = records_left(lb, &t.kind);
    }
    out.sort_by_key(|t| kind_rank(&t.kind));
    out
}

fn verdict(
    imported: bool,
    dossiers: &[DossierReport],
    audit: &AuditCheck,
    problems: &[Problem],
) -> Verdict {
    let data_codes = [
        Code::CountMismatch,
        Code::DigestMismatch,
        Code::DossierMissing,
    ];
    let mismatches = problems
        .iter()
        .filter(|p| p.is_error() && data_codes.contains(&p.code))
        .count();
    let status = if !imported {
        VerdictStatus::NotImported
    } else if mismatches > 0 {
        VerdictStatus::Mismatches
    } else if !audit.ok {
        VerdictStatus::AuditBroken
    } else {
        VerdictStatus::AllMatched
    };
    Verdict {
        status,
        mismatches,
        dossiers: dossiers.len(),
        dossiers_mismatched: dossiers.iter().filter(|d| !d.matches).count(),
        records_expected: dossiers.iter().map(|d| d.expected).sum(),
        records_found: dossiers.iter().map(|d| d.found).sum(),
        warnings: problems.iter().filter(|p| !p.is_error()).count(),
    }
}

fn import_info((entry, m): (&Entry, &Manifest)) -> ImportInfo {
    ImportInfo {
        archive_sha256: entry.archive_sha256.clone(),
        rehearsal: entry.rehearsal,
        imported_at: entry.committed_at.clone(),
        imported_by: entry.started_by.clone(),
        exported_at: m.created_at.clone(),
        exported_by: m.operator.clone(),
        plan_sha256: m.plan_sha256.clone(),
        cut_off: m.cut_off.clone(),
        effective_cut_off: m.effective_cut_off.clone(),
        daily_reports_since: m.daily_reports_since.clone(),
        source_account: m.source.account.clone(),
        source_group: m.source.group.clone(),
        file_bytes: m.totals.file_bytes,
    }
}

fn signed_off(entry: &Entry) -> Option<SignedOff> {
    Some(SignedOff {
        at: entry.signed_off_at.clone()?,
        by: entry.signed_off_by.clone().unwrap_or_default(),
    })
}

fn teammates(store: &Store, account: i64, migration: &str) -> Result<Teammates> {
    let unmapped = store
        .attributions(account, migration)?
        .into_iter()
        .map(|(email, name)| Person { email, name })
        .collect();
    let created = store
        .migration_teammates(account, migration)?
        .into_iter()
        .map(|(email, name)| Person {
            email,
            name: Some(name),
        })
        .collect();
    Ok(Teammates { unmapped, created })
}

/// The source group's fingerprint as exported, and each planned target
/// group's as it is now: equal, or (after `align`) a superset that differs.
fn configuration(
    store: &Store,
    account: &AccountRow,
    plan: &Plan,
    manifest: Option<&Manifest>,
) -> Result<Configuration> {
    let source = manifest.map(|m| SourceConfig {
        account: m.source.account.clone(),
        group: m.source.group.clone(),
        fingerprint: m.source.config_fingerprint.clone(),
    });
    let groups = store.groups(account.id)?;
    let targets = plan
        .target_group_keys()
        .into_iter()
        .map(|key| {
            let row = groups.iter().find(|g| g.group.key == key);
            let fingerprint = row.map(|g| g.group.config.fingerprint());
            TargetConfig {
                same_as_source: source
                    .as_ref()
                    .is_some_and(|s| Some(&s.fingerprint) == fingerprint.as_ref()),
                created_by_import: row.is_some_and(|g| g.origin.as_deref() == Some(&plan.id)),
                group: key,
                fingerprint,
            }
        })
        .collect();
    Ok(Configuration { source, targets })
}

fn consents(plan: &Plan) -> Vec<ConsentInfo> {
    let info = |role, account: &str, c: &Consent| ConsentInfo {
        role,
        account: account.to_owned(),
        name: c.name.clone(),
        email: c.email.clone(),
        given_on: c.given_on.to_string(),
        reference: c.reference.clone(),
    };
    vec![
        info(
            "source_owner",
            &plan.source.account,
            &plan.consent.source_owner,
        ),
        info(
            "target_owner",
            &plan.target.account,
            &plan.consent.target_owner,
        ),
    ]
}

/// Export, align, imports, sign-offs and rollbacks of the migration in the
/// plan's target and test accounts (both, when this store holds them: the
/// live report then shows the test stage that preceded it), by time.
fn timeline(store: &Store, plan: &Plan) -> Result<Vec<Event>> {
    let mut events = Vec::new();
    let slugs = std::iter::once(&plan.target.account).chain(plan.target.test_account.as_ref());
    for slug in slugs {
        let Some(account) = store.account(slug)? else {
            continue;
        };
        for entry in store.journal(account.id, &plan.id)? {
            journal_events(&entry, slug, &mut events);
        }
        align_events(store, slug, &plan.id, &mut events)?;
    }
    // The test and the live import of one archive carry the same export.
    let mut seen = BTreeSet::new();
    events.retain(|e| e.action != Action::Export || seen.insert((e.at.clone(), e.by.clone())));
    // Steps within one second (a scripted run) keep the process order.
    events.sort_by_key(|e| (e.at.parse::<jiff::Timestamp>().ok(), order(e)));
    Ok(events)
}

/// The process order of events at the same moment: preparation, the test
/// stage, then the live stage.
fn order(e: &Event) -> (u8, u8) {
    let stage = match e.stage {
        None | Some(Stage::Test) => 0,
        Some(Stage::Live) => 1,
    };
    let action = match e.action {
        Action::Align => 0,
        Action::Export => 1,
        Action::Import | Action::ImportFailed | Action::ImportUnfinished => 2,
        Action::SignOff => 3,
        Action::Rollback => 4,
    };
    (stage, action)
}

fn journal_events(entry: &Entry, slug: &str, events: &mut Vec<Event>) {
    let event = |action, at: &str, by: &str, detail: Option<String>| Event {
        at: at.to_owned(),
        action,
        account: slug.to_owned(),
        stage: Some(entry.stage),
        by: by.to_owned(),
        detail,
    };
    // A journal manifest that no longer parses only costs the timeline its
    // export line; the comparison reports the damage where it matters.
    if let Ok(m) = journal_manifest(entry) {
        events.push(Event {
            account: m.source.account.clone(),
            stage: None,
            detail: m.rehearsal.then(|| "rehearsal".to_owned()),
            ..event(Action::Export, &m.created_at, &m.operator, None)
        });
    }
    let archive = format!("archive sha256 {}", entry.archive_sha256);
    match entry.status {
        Status::Committed | Status::RolledBack => events.push(event(
            Action::Import,
            entry.committed_at.as_deref().unwrap_or(&entry.started_at),
            &entry.started_by,
            Some(archive),
        )),
        Status::Failed => events.push(event(
            Action::ImportFailed,
            &entry.started_at,
            &entry.started_by,
            entry.failure.clone(),
        )),
        Status::Started => events.push(event(
            Action::ImportUnfinished,
            &entry.started_at,
            &entry.started_by,
            Some(archive),
        )),
    }
    if let Some(at) = &entry.signed_off_at {
        let by = entry.signed_off_by.as_deref().unwrap_or_default();
        events.push(event(Action::SignOff, at, by, None));
    }
    if let Some(at) = &entry.rolled_back_at {
        let by = entry.rolled_back_by.as_deref().unwrap_or_default();
        events.push(event(Action::Rollback, at, by, None));
    }
}

/// `align` leaves no journal row; the audit log has its lines.
fn align_events(store: &Store, slug: &str, migration: &str, events: &mut Vec<Event>) -> Result<()> {
    for line in store.audit_log(slug)? {
        if line.action == "align" && line.migration.as_deref() == Some(migration) {
            events.push(Event {
                at: line.at,
                action: Action::Align,
                account: slug.to_owned(),
                stage: None,
                by: line.operator,
                detail: None,
            });
        }
    }
    Ok(())
}

/// Migrated dossiers whose BSN is also on a dossier of the account that
/// did not come with this migration.
fn clients_on_target(
    store: &Store,
    account: &AccountRow,
    migration: &str,
) -> Result<Vec<ClientOnTarget>> {
    let all = store.account_dossiers(account.id)?;
    let groups: HashMap<i64, String> = store
        .groups(account.id)?
        .into_iter()
        .map(|g| (g.id, g.group.key))
        .collect();
    let of_migration = |d: &crate::store::DossierRow| {
        d.dossier
            .origin
            .as_ref()
            .is_some_and(|o| o.migration == migration)
    };
    let mut out = Vec::new();
    for moved in all.iter().filter(|d| of_migration(d)) {
        let Some(bsn) = &moved.dossier.bsn else {
            continue;
        };
        for other in all
            .iter()
            .filter(|d| !of_migration(d) && d.dossier.bsn.as_ref() == Some(bsn))
        {
            out.push(ClientOnTarget {
                source_id: moved
                    .dossier
                    .origin
                    .as_ref()
                    .map(|o| o.id.clone())
                    .unwrap_or_default(),
                target_id: moved.dossier.id.clone(),
                name: moved.dossier.name.clone(),
                other_id: other.dossier.id.clone(),
                other_name: other.dossier.name.clone(),
                other_group: groups.get(&other.group_id).cloned().unwrap_or_default(),
            });
        }
    }
    Ok(out)
}

fn client_problem(c: &ClientOnTarget) -> Problem {
    Problem::warning(
        Code::ClientExistsOnTarget,
        format!(
            "the client of dossier {} ({}, now {}) already had dossier {} ({}, group `{}`) here (same BSN): two dossiers for one client; a person must decide what to do with them",
            c.source_id, c.name, c.target_id, c.other_id, c.other_name, c.other_group
        ),
    )
    .dossier(c.source_id.clone())
}

fn audit_problem(audit: &AuditCheck, slug: &str) -> Option<Problem> {
    if audit.ok {
        return None;
    }
    Some(Problem::error(
        Code::AuditChainBroken,
        format!(
            "the audit log of `{slug}` is broken at line {}: {}",
            audit
                .broken_at
                .map(|n| n.to_string())
                .unwrap_or_else(|| "?".into()),
            audit.reason.as_deref().unwrap_or("")
        ),
    ))
}

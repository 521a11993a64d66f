//! Building the report: what arrived per dossier and kind, and the verdict.

use super::history::{
    audit_problem, client_problem, clients_on_target, configuration, consents, teammates, timeline,
};
use super::*;
use crate::archive::manifest::Manifest;
use crate::error::Result;
use crate::export::walk::LeftBehind;
use crate::import::stage_of;
use crate::lifecycle::journal_manifest;
use crate::model::kinds::KINDS;
use crate::model::syntax::fold;
use crate::plan::Plan;
use crate::problem::{Code, Problem};
use crate::report::compare::{self, Comparison};
use crate::store::journal::Entry;
use crate::store::{AccountRow, AuditCheck, Store};
use std::collections::{BTreeMap, BTreeSet, HashMap};

/// Builds the report of `plan`'s migration in account `slug`.
pub fn build(store: &dyn Store, plan: &Plan, slug: &str) -> Result<Report> {
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
pub(crate) fn kind_rank(kind: &str) -> usize {
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

pub(super) fn verdict(
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

pub(super) fn signed_off(entry: &Entry) -> Option<SignedOff> {
    Some(SignedOff {
        at: entry.signed_off_at.clone()?,
        by: entry.signed_off_by.clone().unwrap_or_default(),
    })
}

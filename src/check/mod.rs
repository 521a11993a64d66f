//! The pre-flight check (process.md step 2): everything that can be known
//! about a handover before anything is written, as problems with stable
//! codes plus a summary for the account owners.
//!
//! `check` only reads. Source and target may be the same store.
//!
//! ```no_run
//! use dossier_transfer::{check, plan::Plan, store};
//! let (plan, _) = Plan::load("plan.toml".as_ref(), dossier_transfer::clock::today()).expect("a valid plan");
//! let source = store::open("noord.db".as_ref(), false)?;
//! let target = store::open("oost.db".as_ref(), false)?;
//! let report = check::check(&plan, &*source, &*target, dossier_transfer::clock::now())?;
//! for p in &report.problems {
//!     println!("{}: {}", p.code, p.message);
//! }
//! # Ok::<(), dossier_transfer::error::Error>(())
//! ```

pub mod config_diff;
pub(crate) mod target;
pub mod usage;

use crate::error::Result;
use crate::export::walk::Survey;
use crate::model::Account;
use crate::model::syntax::fold;
use crate::plan::{Consent, Plan};
use crate::problem::{Code, Problem};
use crate::select::{self, Resolved};
use crate::store::Store;
use jiff::Timestamp;
use serde::Serialize;

pub use target::{
    CountedDifference, GroupAccess, GroupComparison, GroupState, MEMBER_LIMIT, Mapping,
    MemberGrant, Reader, TargetReport, TeammateMapping, difference_problem, group_problems,
};
pub use usage::{ConfigUsage, Moving};

/// What `check` found.
#[derive(Debug, Serialize)]
pub struct CheckReport {
    /// Every finding, errors and warnings; any error fails the check
    /// (exit 3).
    pub problems: Vec<Problem>,
    /// What was compared, for the account owners.
    pub summary: CheckSummary,
}

/// The readable part: what was compared, who maps to whom, who can read
/// what, and what moves.
#[derive(Debug, Serialize)]
pub struct CheckSummary {
    /// The migration id.
    pub migration: String,
    /// Lowercase hex sha256 of the plan's canonical JSON (the plan's
    /// digest), to quote when the owners approve.
    pub plan_digest: String,
    /// The plan's test level as written there (`test-group`, …).
    pub test_level: &'static str,
    /// The plan's cut-off as written (RFC 3339).
    pub cut_off: String,
    /// The source side: the group and the dossiers that move.
    pub source: SourceReport,
    /// The live target account, then (levels B and C) the test account.
    pub targets: Vec<TargetReport>,
    /// What the export would move and leave behind (the export's own walk);
    /// absent when the source account or group is missing.
    pub estimate: Option<Survey>,
}

/// The source side of a check.
#[derive(Debug, Serialize)]
pub struct SourceReport {
    /// Slug of the source account.
    pub account: String,
    /// Key of the source group.
    pub group: String,
    /// The source group's config fingerprint, when the group was found.
    pub fingerprint: Option<String>,
    /// The dossiers that move, by id.
    pub dossiers: Vec<SelectedDossier>,
    /// With `all = true`: dossiers created after the cut-off, which stay.
    pub after_cut_off: Vec<String>,
}

/// A dossier the plan moves, and where to.
#[derive(Debug, Serialize)]
pub struct SelectedDossier {
    /// Its id in the source account.
    pub id: String,
    /// The client's name.
    pub name: String,
    /// Key of the target group it goes to.
    pub to_group: String,
}

/// Runs every check of process.md step 2 against the source and target
/// stores. Problems are data; `Err` is only for a store that cannot be read.
pub fn check(
    plan: &Plan,
    source: &dyn Store,
    target: &dyn Store,
    now: Timestamp,
) -> Result<CheckReport> {
    let mut problems = Vec::new();
    cut_off_in_future(plan, now, &mut problems);
    let (resolved, found) = select::resolve(plan, source, plan.cut_off_at)?;
    problems.extend(found);
    if let Some(account) = source.account(&plan.source.account)? {
        consent_owner(
            &plan.consent.source_owner,
            &account.account,
            "source",
            &mut problems,
        );
    }
    let (estimate, moving) = match &resolved {
        Some(r) => {
            let (survey, moving) = usage::survey(plan, source, r)?;
            (Some(survey), Some(moving))
        }
        None => (None, None),
    };
    let source_teammates = match &resolved {
        Some(r) => source.teammates(r.account.id)?,
        None => Vec::new(),
    };
    let cx = target::Cx {
        plan,
        store: target,
        resolved: resolved.as_ref(),
        moving: moving.as_ref(),
        source_teammates: &source_teammates,
    };
    let mut targets = vec![target::check_account(
        &cx,
        &plan.target.account,
        target::Stage::Live,
        &mut problems,
    )?];
    if let Some(test) = plan
        .target
        .test_account
        .as_deref()
        .filter(|_| plan.test_level.needs_test_account())
    {
        targets.push(target::check_account(
            &cx,
            test,
            target::Stage::Test,
            &mut problems,
        )?);
    }
    let summary = CheckSummary {
        migration: plan.id.clone(),
        plan_digest: plan.digest.clone(),
        test_level: plan.test_level.key(),
        cut_off: plan.cut_off.clone(),
        source: source_report(plan, resolved.as_ref()),
        targets,
        estimate,
    };
    Ok(CheckReport { problems, summary })
}

/// `check` runs before the cut-off, so a cut-off still ahead is expected;
/// the warning reminds that `export` will refuse until it has passed.
fn cut_off_in_future(plan: &Plan, now: Timestamp, problems: &mut Vec<Problem>) {
    if plan.cut_off_at > now {
        problems.push(Problem::warning(
            Code::CutOffInFuture,
            format!(
                "the cut-off {} is still ahead: a real export can only run after it (records entered until then will move too)",
                plan.cut_off
            ),
        ));
    }
}

/// `consent-not-owner`: a consent counts only when the account's owner
/// gave it (same e-mail, case-insensitively).
pub(crate) fn consent_owner(
    consent: &Consent,
    account: &Account,
    side: &str,
    problems: &mut Vec<Problem>,
) {
    if fold(&consent.email) == fold(&account.owner.email) {
        return;
    }
    problems.push(Problem::error(
        Code::ConsentNotOwner,
        format!(
            "the {side} consent was given by {} <{}>, but the owner of account `{}` is {} <{}>: the owner must consent",
            consent.name, consent.email, account.slug, account.owner.name, account.owner.email
        ),
    ));
}

fn source_report(plan: &Plan, resolved: Option<&Resolved>) -> SourceReport {
    let dossiers = resolved
        .map(|r| {
            r.dossiers
                .iter()
                .map(|s| SelectedDossier {
                    id: s.row.dossier.id.clone(),
                    name: s.row.dossier.name.clone(),
                    to_group: s.to_group.clone(),
                })
                .collect()
        })
        .unwrap_or_default();
    SourceReport {
        account: plan.source.account.clone(),
        group: plan.source.group.clone(),
        fingerprint: resolved.map(|r| r.group.group.config.fingerprint()),
        dossiers,
        after_cut_off: resolved
            .map(|r| {
                r.after_cut_off
                    .iter()
                    .map(|d| d.dossier.id.clone())
                    .collect()
            })
            .unwrap_or_default(),
    }
}

//! Configuration alignment (process.md step 3, option B): every existing
//! target group (in the live target account and, at levels B and C, the
//! test account) gets what the source group has and it lacks: fields (with
//! their tabs and pages), choice options, report labels, agenda types and
//! products, appended in the source's order.
//!
//! Plan first, apply second: [`plan`] computes the new configs and the
//! problems without writing; [`apply`] writes them in one transaction with
//! one audit line per changed group. When any error is found (a type or
//! unit conflict, a missing account or group) nothing is written at all:
//! half an alignment would leave the person resolving the conflict with a
//! target that is neither the old state nor the agreed one.

use crate::check::config_diff::{self, Difference, State};
use crate::check::difference_problem;
use crate::error::Result;
use crate::model::Config;
use crate::plan::{Plan, TestLevel};
use crate::problem::{Code, Problem, Severity};
use crate::store::audit::{AuditEvent, Outcome};
use crate::store::{AccountRow, Store};
use serde::Serialize;

/// What `align` does (or, with `--dry-run`, would do).
#[derive(Debug, Serialize)]
pub struct Alignment {
    /// The migration id.
    pub(crate) migration: String,
    /// At test level A the import creates the target groups with the
    /// source configuration: there is nothing to align.
    pub nothing_to_align: bool,
    /// The source group's config fingerprint; `None` when the source
    /// account or group was not found.
    pub(crate) source_fingerprint: Option<String>,
    /// Every existing target group the plan names, in the live account
    /// and then the test account.
    pub groups: Vec<GroupAlignment>,
}

/// One target group.
#[derive(Debug, Serialize)]
pub struct GroupAlignment {
    /// Slug of the account the group is in.
    pub account: String,
    /// The group's key.
    pub group: String,
    /// How the group's config compared with the source's before.
    pub state_before: State,
    /// How it compares once the changes are appended.
    pub state_after: State,
    /// The group's config fingerprint before.
    pub fingerprint_before: String,
    /// Its config fingerprint after (equal to before when nothing is
    /// appended).
    pub fingerprint_after: String,
    /// What is appended, in order.
    pub changes: Vec<Difference>,
    #[serde(skip)]
    account_id: i64,
    #[serde(skip)]
    group_id: i64,
    #[serde(skip)]
    config: Config,
}

impl Alignment {
    /// Whether applying would change anything.
    pub fn changes_anything(&self) -> bool {
        self.groups.iter().any(|g| !g.changes.is_empty())
    }
}

/// Computes the alignment. Problems: `account-not-found`,
/// `group-not-found` (source), `target-group-not-found`, the conflicts
/// align cannot fix (errors) and labels that differ (warnings). A target
/// account held read-only is refused at once (`account-read-only`, exit 4).
pub fn plan(
    plan: &Plan,
    source: &dyn Store,
    target: &dyn Store,
) -> Result<(Alignment, Vec<Problem>)> {
    let mut problems = Vec::new();
    let mut out = Alignment {
        migration: plan.id.clone(),
        nothing_to_align: plan.test_level == TestLevel::TestGroup,
        source_fingerprint: None,
        groups: Vec::new(),
    };
    let Some(source_config) = source_config(plan, source, &mut problems)? else {
        return Ok((out, problems));
    };
    out.source_fingerprint = Some(source_config.fingerprint());
    if out.nothing_to_align {
        return Ok((out, problems));
    }
    for slug in target_accounts(plan) {
        let Some(account) = target.account(slug)? else {
            let message = format!(
                "target account `{slug}` is not in store {}",
                target.location()
            );
            problems.push(Problem::error(Code::AccountNotFound, message));
            continue;
        };
        if let Some(holder) = &account.read_only {
            return Err(crate::store::journal::read_only_refusal(slug, holder));
        }
        for key in plan.target_group_keys() {
            if let Some(g) = align_group(target, &account, &key, &source_config, &mut problems)? {
                out.groups.push(g);
            }
        }
    }
    Ok((out, problems))
}

fn source_config(
    plan: &Plan,
    source: &dyn Store,
    problems: &mut Vec<Problem>,
) -> Result<Option<Config>> {
    let (slug, key) = (&plan.source.account, &plan.source.group);
    let Some(account) = source.account(slug)? else {
        let message = format!(
            "source account `{slug}` is not in store {}",
            source.location()
        );
        problems.push(Problem::error(Code::AccountNotFound, message));
        return Ok(None);
    };
    let Some(group) = source.group(account.id, key)? else {
        problems.push(Problem::error(
            Code::GroupNotFound,
            format!("source group `{key}` is not in account `{slug}`"),
        ));
        return Ok(None);
    };
    Ok(Some(group.group.config))
}

/// The live target account, then the test account where the level has one.
fn target_accounts(plan: &Plan) -> Vec<&str> {
    let mut slugs = vec![plan.target.account.as_str()];
    if plan.test_level.needs_test_account() {
        slugs.extend(plan.target.test_account.as_deref());
    }
    slugs
}

fn align_group(
    target: &dyn Store,
    account: &AccountRow,
    key: &str,
    source: &Config,
    problems: &mut Vec<Problem>,
) -> Result<Option<GroupAlignment>> {
    let slug = &account.account.slug;
    let Some(group) = target.group(account.id, key)? else {
        problems.push(Problem::error(
            Code::TargetGroupNotFound,
            format!("group `{key}` is not in `{slug}`: create it on the target first, or fix `to_group` in the plan"),
        ));
        return Ok(None);
    };
    let before = &group.group.config;
    let differences = config_diff::diff(source, before);
    let (changes, rest): (Vec<Difference>, Vec<Difference>) =
        differences.iter().cloned().partition(|d| d.fixable);
    problems.extend(rest.iter().map(|d| difference_problem(d, None, key, slug)));
    let after = config_diff::superset(source, before);
    let after_diff = config_diff::diff(source, &after);
    Ok(Some(GroupAlignment {
        account: slug.clone(),
        group: key.to_owned(),
        state_before: State::of(source, before, &differences),
        state_after: State::of(source, &after, &after_diff),
        fingerprint_before: before.fingerprint(),
        fingerprint_after: after.fingerprint(),
        changes,
        account_id: account.id,
        group_id: group.id,
        config: after,
    }))
}

/// Writes the alignment in one transaction, with one `align` audit line per
/// changed group in the target store. The caller has made sure no problem
/// is an error.
pub fn apply(target: &mut dyn Store, alignment: &Alignment, operator: &str) -> Result<()> {
    let tx = target.begin()?;
    for g in alignment.groups.iter().filter(|g| !g.changes.is_empty()) {
        tx.update_group_config(g.account_id, g.group_id, &g.config)?;
        let detail = audit_detail(g);
        tx.audit(&AuditEvent {
            account: &g.account,
            action: "align",
            outcome: Outcome::Success,
            operator,
            dossier: None,
            migration: Some(&alignment.migration),
            detail: Some(&detail),
        })?;
    }
    tx.commit()
}

fn audit_detail(g: &GroupAlignment) -> String {
    let added: Vec<String> = g.changes.iter().map(|d| d.element.to_string()).collect();
    format!(
        "group {}: added {}; config {} -> {}",
        g.group,
        added.join(", "),
        g.fingerprint_before,
        g.fingerprint_after
    )
}

/// Whether the problems stop the alignment (any error does).
pub fn blocked(problems: &[Problem]) -> bool {
    problems.iter().any(|p| p.severity == Severity::Error)
}

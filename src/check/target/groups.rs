//! The target groups against the source group: state and configuration
//! differences, with the records each difference touches.

use super::*;
use crate::check::config_diff::{self, Difference, State};
use crate::check::usage::ConfigUsage;
use crate::error::Result;
use crate::model::config::Config;
use crate::plan::TestLevel;
use crate::problem::{Code, Problem, Severity};
use crate::store::AccountRow;

pub(super) fn compare_group(
    cx: &Cx,
    account: &AccountRow,
    key: &str,
    problems: &mut Vec<Problem>,
) -> Result<GroupComparison> {
    let slug = &account.account.slug;
    let source = cx.resolved.map(|r| &r.group.group.config);
    let target = cx.store.group(account.id, key)?;
    let mut cmp = GroupComparison {
        group: key.to_owned(),
        state: GroupState::NotCompared,
        source_fingerprint: source.map(Config::fingerprint),
        target_fingerprint: target.as_ref().map(|g| g.group.config.fingerprint()),
        differences: Vec::new(),
    };
    let level_a = cx.plan.test_level == TestLevel::TestGroup;
    match (target, level_a) {
        (Some(_), true) => {
            cmp.state = GroupState::Exists;
            problems.push(Problem::error(
                Code::TargetGroupExists,
                format!(
                    "group `{key}` already exists in `{slug}`: at test level test-group the import creates it (and a rollback deletes it), so pick a new group key or another test level"
                ),
            ));
        }
        (None, true) => cmp.state = GroupState::ToBeCreated,
        (None, false) => {
            cmp.state = GroupState::NotFound;
            problems.push(Problem::error(
                Code::TargetGroupNotFound,
                format!("group `{key}` is not in `{slug}`: create it on the target (then run `align`), or fix `to_group` in the plan"),
            ));
        }
        (Some(group), false) => {
            if let Some(source) = source {
                compare_configs(cx, source, &group.group.config, slug, &mut cmp, problems);
            }
        }
    }
    Ok(cmp)
}

/// Fills in the state and the counted differences of an existing group.
fn compare_configs(
    cx: &Cx,
    source: &Config,
    target: &Config,
    slug: &str,
    cmp: &mut GroupComparison,
    problems: &mut Vec<Problem>,
) {
    let empty = ConfigUsage::default();
    let usage = cx
        .moving
        .and_then(|m| m.config.get(&cmp.group))
        .unwrap_or(&empty);
    let (counted, found): (Vec<CountedDifference>, Vec<Problem>) =
        group_problems(source, target, usage, &cmp.group, slug)
            .into_iter()
            .unzip();
    let diffs: Vec<Difference> = counted.iter().map(|c| c.difference.clone()).collect();
    cmp.state = GroupState::of(State::of(source, target, &diffs));
    cmp.differences = counted;
    problems.extend(found);
}

/// The configuration differences of one target group as problems, each
/// with the number of moving records using the element. Shared with
/// `import`, which repeats the comparison right before it writes.
pub fn group_problems(
    source: &Config,
    target: &Config,
    usage: &ConfigUsage,
    group: &str,
    account: &str,
) -> Vec<(CountedDifference, Problem)> {
    config_diff::diff(source, target)
        .into_iter()
        .map(|difference| {
            let records = usage.count(&difference.element);
            let problem = difference_problem(&difference, Some(records), group, account);
            (
                CountedDifference {
                    difference,
                    records,
                },
                problem,
            )
        })
        .collect()
}

/// One configuration difference as a problem; `records` is the number of
/// moving records using the element, where known.
pub fn difference_problem(
    d: &Difference,
    records: Option<u64>,
    group: &str,
    account: &str,
) -> Problem {
    let what = match (d.severity, d.fixable) {
        (Severity::Warning, _) => "the target's label stays; check that it means the same",
        (_, true) => "`align` adds it",
        (_, false) => "`align` cannot fix this: a person must decide on the target",
    };
    let used = records
        .map(|n| format!("; {n} moving record(s) use it"))
        .unwrap_or_default();
    let message = format!(
        "group `{group}` on `{account}`: {} {}{used}; {what}",
        d.element, d.detail
    );
    match d.severity {
        Severity::Error => Problem::error(d.code, message),
        Severity::Warning => Problem::warning(d.code, message),
    }
}

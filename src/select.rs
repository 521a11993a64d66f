//! Which dossiers the plan moves: the plan's selection resolved against the
//! source store. Shared by `check`, `export` and `verify`'s plan checks.

use crate::error::Result;
use crate::model::syntax::fold;
use crate::plan::{DossierRef, Plan, Selection};
use crate::problem::{Code, Problem};
use crate::store::{AccountRow, DossierRow, GroupRow, Store};
use jiff::Timestamp;

/// One dossier that moves, and the target group it goes to.
#[derive(Debug, Clone)]
pub struct Selected {
    /// The dossier, as the source store holds it.
    pub(crate) row: DossierRow,
    /// Key of the target group it goes to.
    pub(crate) to_group: String,
}

/// The resolved selection.
#[derive(Debug)]
pub struct Resolved {
    /// The source account.
    pub(crate) account: AccountRow,
    /// The source group.
    pub(crate) group: GroupRow,
    /// The moving dossiers, by id.
    pub(crate) dossiers: Vec<Selected>,
    /// With `all = true`: dossiers of the group created after the cut-off,
    /// which stay behind.
    pub(crate) after_cut_off: Vec<DossierRow>,
}

/// Resolves the selection. Problems: `account-not-found`, `group-not-found`,
/// `dossier-not-found`, `dossier-ambiguous`, `dossier-selected-twice`,
/// `dossier-after-cut-off`. `None` when the source account or group is
/// missing (nothing else can be said then).
pub(crate) fn resolve(
    plan: &Plan,
    store: &dyn Store,
    cut_off: Timestamp,
) -> Result<(Option<Resolved>, Vec<Problem>)> {
    let (account, group) = match source_group(plan, store)? {
        Ok(found) => found,
        Err(p) => return Ok((None, vec![p])),
    };
    let mut problems = Vec::new();
    let all = store.dossiers(group.id)?;
    let after = |row: &DossierRow| {
        crate::model::syntax::timestamp(&row.dossier.created_at).is_some_and(|t| t > cut_off)
    };
    let mut resolved = Resolved {
        account,
        group,
        dossiers: Vec::new(),
        after_cut_off: Vec::new(),
    };
    match &plan.dossiers {
        Selection::All { to_group } => {
            for row in all {
                if after(&row) {
                    resolved.after_cut_off.push(row);
                } else {
                    let to_group = to_group.clone();
                    resolved.dossiers.push(Selected { row, to_group });
                }
            }
        }
        Selection::Select(entries) => {
            for entry in entries {
                let found = find(
                    &all,
                    &entry.by,
                    entry.line,
                    &plan.source.group,
                    &mut problems,
                );
                let Some(row) = found else {
                    continue;
                };
                match refusal(&resolved, row, entry.line, plan, after(row)) {
                    Some(p) => problems.push(p),
                    None => resolved.dossiers.push(Selected {
                        row: row.clone(),
                        to_group: entry.to_group.clone(),
                    }),
                }
            }
            resolved
                .dossiers
                .sort_by(|a, b| a.row.dossier.id.cmp(&b.row.dossier.id));
        }
    }
    Ok((Some(resolved), problems))
}

/// The plan's source account and group, or the problem naming which of
/// them the store lacks.
fn source_group(plan: &Plan, store: &dyn Store) -> Result<Result<(AccountRow, GroupRow), Problem>> {
    let Some(account) = store.account(&plan.source.account)? else {
        return Ok(Err(Problem::error(
            Code::AccountNotFound,
            format!(
                "source account `{}` is not in store {}",
                plan.source.account,
                store.location()
            ),
        )));
    };
    let Some(group) = store.group(account.id, &plan.source.group)? else {
        return Ok(Err(Problem::error(
            Code::GroupNotFound,
            format!(
                "source group `{}` is not in account `{}`",
                plan.source.group, plan.source.account
            ),
        )));
    };
    Ok(Ok((account, group)))
}

/// Why a dossier the plan names on `line` cannot move, if it cannot.
fn refusal(
    resolved: &Resolved,
    row: &DossierRow,
    line: usize,
    plan: &Plan,
    after_cut_off: bool,
) -> Option<Problem> {
    let id = &row.dossier.id;
    let (code, message) = if resolved.dossiers.iter().any(|s| s.row.id == row.id) {
        let message = format!(
            "plan line {line}: dossier {id} ({}) is already selected",
            row.dossier.name
        );
        (Code::DossierSelectedTwice, message)
    } else if after_cut_off {
        let message = format!(
            "plan line {line}: dossier {id} was created at {}, after the cut-off {}: it cannot move; take it out of the plan or move the cut-off",
            row.dossier.created_at, plan.cut_off
        );
        (Code::DossierAfterCutOff, message)
    } else {
        return None;
    };
    Some(Problem::error(code, message).dossier(id.clone()))
}

fn find<'a>(
    all: &'a [DossierRow],
    by: &DossierRef,
    line: usize,
    group: &str,
    problems: &mut Vec<Problem>,
) -> Option<&'a DossierRow> {
    let (matches, what): (Vec<&DossierRow>, String) = match by {
        DossierRef::Id(id) => (
            all.iter()
                .filter(|r| fold(&r.dossier.id) == fold(id))
                .collect(),
            format!("id `{id}`"),
        ),
        DossierRef::Name(name) => (
            all.iter().filter(|r| r.dossier.name == *name).collect(),
            format!("name `{name}`"),
        ),
    };
    match matches.as_slice() {
        [one] => Some(one),
        [] => {
            let hint = match by {
                DossierRef::Name(name) => near_names(all, name),
                DossierRef::Id(_) => String::new(),
            };
            problems.push(Problem::error(
                Code::DossierNotFound,
                format!("plan line {line}: no dossier with {what} in source group `{group}`{hint}"),
            ));
            None
        }
        several => {
            let candidates: Vec<String> = several
                .iter()
                .map(|r| {
                    let born = r
                        .dossier
                        .birth_date
                        .as_deref()
                        .map(|b| format!(", born {b}"))
                        .unwrap_or_default();
                    format!("{} ({}{born})", r.dossier.id, r.dossier.name)
                })
                .collect();
            problems.push(Problem::error(
                Code::DossierAmbiguous,
                format!(
                    "plan line {line}: {what} matches {} dossiers: {}; select by id instead",
                    several.len(),
                    candidates.join(", ")
                ),
            ));
            None
        }
    }
}

/// Names longer than this are not compared: a typo hint is not worth
/// quadratic time on a hostile name.
const MAX_COMPARED_NAME: usize = 200;

/// How many near names a `dossier-not-found` lists.
const NEAR_NAMES: usize = 3;

/// The hint for a name that matches no dossier: the names that differ only
/// in case (matching stays exact), else the closest few by edit distance
/// ignoring case; empty when none is close.
fn near_names(all: &[DossierRow], name: &str) -> String {
    let lower = name.to_lowercase();
    let wanted: Vec<char> = lower.chars().collect();
    if wanted.len() > MAX_COMPARED_NAME {
        return String::new();
    }
    let shown = |r: &DossierRow| format!("`{}` ({})", r.dossier.name, r.dossier.id);
    let in_case: Vec<String> = all
        .iter()
        .filter(|r| r.dossier.name.to_lowercase() == lower)
        .map(shown)
        .collect();
    if !in_case.is_empty() {
        return format!(
            "; {} differs only in upper and lower case: names match exactly, so write it as in the store",
            in_case.join(", ")
        );
    }
    let limit = (wanted.len() / 4).max(2);
    let mut near: Vec<(usize, &DossierRow)> = all
        .iter()
        .filter(|r| r.dossier.name.chars().count() <= MAX_COMPARED_NAME)
        .map(|r| {
            let other: Vec<char> = r.dossier.name.to_lowercase().chars().collect();
            (edit_distance(&wanted, &other), r)
        })
        .filter(|(d, _)| *d <= limit)
        .collect();
    near.sort_by(|a, b| a.0.cmp(&b.0).then(a.1.dossier.id.cmp(&b.1.dossier.id)));
    if near.is_empty() {
        return String::new();
    }
    let list: Vec<String> = near
        .iter()
        .take(NEAR_NAMES)
        .map(|(_, r)| shown(r))
        .collect();
    format!("; the closest names: {}", list.join(", "))
}

/// Levenshtein distance, one row at a time.
fn edit_distance(a: &[char], b: &[char]) -> usize {
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.iter().enumerate() {
        let mut diagonal = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let substitute = diagonal + usize::from(ca != cb);
            diagonal = row[j + 1];
            row[j + 1] = substitute.min(row[j] + 1).min(diagonal + 1);
        }
    }
    row[b.len()]
}

#[cfg(test)]
mod tests {
    use super::edit_distance;

    fn d(a: &str, b: &str) -> usize {
        let (a, b): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
        edit_distance(&a, &b)
    }

    #[test]
    fn edit_distances() {
        assert_eq!(d("", ""), 0);
        assert_eq!(d("abc", ""), 3);
        assert_eq!(d("jan de vris", "jan de vries"), 1);
        assert_eq!(d("kitten", "sitting"), 3);
        assert_eq!(d("é", "e"), 1);
    }
}

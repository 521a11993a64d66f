//! The checks per target account (the live one and, at levels B and C, the
//! test account): its state, its groups' configuration, teammate mapping,
//! who will read the dossiers, clients already there, the member limit.

use super::config_diff::{self, Difference, State};
use super::usage::{ConfigUsage, Moving, MovingMember};
use crate::error::Result;
use crate::model::config::Config;
use crate::model::kinds::DataType;
use crate::model::syntax::fold;
use crate::model::{Role, Status, Teammate};
use crate::plan::{Plan, TestLevel};
use crate::problem::{Code, Problem, Severity};
use crate::select::Resolved;
use crate::store::{AccountRow, DossierRow, Store};
use serde::Serialize;
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet, HashMap};

/// One e-mail address may have member access to at most this many dossiers
/// of an account (domain.md, "References").
pub const MEMBER_LIMIT: usize = 3;

/// What the per-account checks need from the source side.
pub(super) struct Cx<'a> {
    pub plan: &'a Plan,
    pub store: &'a Store,
    pub resolved: Option<&'a Resolved>,
    pub moving: Option<&'a Moving>,
    pub source_teammates: &'a [Teammate],
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Stage {
    Live,
    Test,
}

impl Stage {
    fn name(self) -> &'static str {
        match self {
            Stage::Live => "live",
            Stage::Test => "test",
        }
    }
}

/// The findings on one target account.
#[derive(Debug, Serialize)]
pub struct TargetReport {
    pub account: String,
    /// `live` or `test`.
    pub stage: &'static str,
    pub found: bool,
    /// The migration holding the account read-only, if any.
    pub read_only: Option<String>,
    pub already_imported: bool,
    pub groups: Vec<GroupComparison>,
    pub teammates: Vec<TeammateMapping>,
    pub access: Vec<GroupAccess>,
}

/// A target group's configuration against the source group's.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum GroupState {
    Equal,
    /// Everything of the source is there; the target may have more.
    Superset,
    Differs,
    /// Levels B/C: the group is missing (`target-group-not-found`).
    NotFound,
    /// Level A: the group already exists (`target-group-exists`).
    Exists,
    /// Level A: the import will create it with the source configuration.
    ToBeCreated,
    /// The source group is missing, so there is nothing to compare with.
    NotCompared,
}

impl GroupState {
    pub fn name(self) -> &'static str {
        match self {
            GroupState::Equal => "equal",
            GroupState::Superset => "superset",
            GroupState::Differs => "differs",
            GroupState::NotFound => "not found",
            GroupState::Exists => "exists already",
            GroupState::ToBeCreated => "to be created by the import",
            GroupState::NotCompared => "not compared",
        }
    }

    fn of(state: State) -> GroupState {
        match state {
            State::Equal => GroupState::Equal,
            State::Superset => GroupState::Superset,
            State::Differs => GroupState::Differs,
        }
    }
}

#[derive(Debug, Serialize)]
pub struct GroupComparison {
    pub group: String,
    pub state: GroupState,
    pub source_fingerprint: Option<String>,
    pub target_fingerprint: Option<String>,
    pub differences: Vec<CountedDifference>,
}

/// A difference with the number of moving records that use its element.
#[derive(Debug, Serialize)]
pub struct CountedDifference {
    #[serde(flatten)]
    pub difference: Difference,
    pub records: u64,
}

/// What happens to a teammate reference on this account.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Mapping {
    /// A teammate with the same e-mail exists.
    Linked,
    /// Created inactive by the import (the plan chooses `teammates`).
    CreatedInactive,
    /// Kept as name and e-mail, marked unmapped.
    Attribution,
}

#[derive(Debug, Serialize)]
pub struct TeammateMapping {
    /// As written in the records.
    pub email: String,
    /// The name the source knows, if it knows the e-mail.
    pub name: Option<String>,
    pub records: u64,
    pub mapping: Mapping,
    /// The target teammate's e-mail as the target writes it.
    pub target_email: Option<String>,
}

/// Who can read the migrated dossiers of one target group.
#[derive(Debug, Serialize)]
pub struct GroupAccess {
    pub group: String,
    pub readers: Vec<Reader>,
    /// Member access that moves along, by e-mail.
    pub members: Vec<MemberGrant>,
}

#[derive(Debug, Serialize)]
pub struct Reader {
    pub name: String,
    pub email: String,
    pub role: Role,
    pub status: Status,
    /// `group` (works in the group) or `role` (admin or superadmin).
    pub via: &'static str,
}

#[derive(Debug, Serialize)]
pub struct MemberGrant {
    pub email: String,
    pub name: String,
    /// Source ids of the dossiers it will give access to.
    pub dossiers: Vec<String>,
}

pub(super) fn check_account(
    cx: &Cx,
    slug: &str,
    stage: Stage,
    problems: &mut Vec<Problem>,
) -> Result<TargetReport> {
    let mut report = TargetReport {
        account: slug.to_owned(),
        stage: stage.name(),
        found: false,
        read_only: None,
        already_imported: false,
        groups: Vec::new(),
        teammates: Vec::new(),
        access: Vec::new(),
    };
    let Some(account) = cx.store.account(slug)? else {
        problems.push(Problem::error(
            Code::AccountNotFound,
            format!(
                "{} target account `{slug}` is not in store {}",
                stage.name(),
                cx.store.path().display()
            ),
        ));
        return Ok(report);
    };
    report.found = true;
    if stage == Stage::Live {
        super::consent_owner(
            &cx.plan.consent.target_owner,
            &account.account,
            "target",
            problems,
        );
    }
    account_state(cx, &account, &mut report, problems)?;
    report.groups = cx
        .plan
        .target_group_keys()
        .iter()
        .map(|key| compare_group(cx, &account, key, problems))
        .collect::<Result<_>>()?;
    let teammates = cx.store.teammates(account.id)?;
    report.teammates = map_teammates(cx, slug, &teammates, problems);
    report.access = access(cx, &teammates);
    clients_on_target(cx, &account, problems)?;
    member_limit(cx, &account, problems)?;
    Ok(report)
}

/// `account-read-only` and `already-imported`: errors here (exit 3), the
/// refusals (exit 4) of the commands that would act.
fn account_state(
    cx: &Cx,
    account: &AccountRow,
    report: &mut TargetReport,
    problems: &mut Vec<Problem>,
) -> Result<()> {
    let slug = &account.account.slug;
    if let Some(holder) = &account.read_only {
        problems.push(Problem::error(
            Code::AccountReadOnly,
            format!(
                "account `{slug}` is read-only: migration {holder} holds it (an import is running or failed; `unlock` clears a failed import's mark)"
            ),
        ));
    }
    report.read_only = account.read_only.clone();
    let id = &cx.plan.id;
    let imported = cx.store.imported(account.id, id)?.is_some()
        || cx.store.holds_migration_data(account.id, id)?;
    if imported {
        problems.push(Problem::error(
            Code::AlreadyImported,
            format!(
                "account `{slug}` already holds data of migration {id}: a migration is imported into an account once (roll it back first to redo it)"
            ),
        ));
    }
    report.already_imported = imported;
    Ok(())
}

fn compare_group(
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

/// `teammate-unmapped`: a referenced e-mail without a teammate here.
fn map_teammates(
    cx: &Cx,
    slug: &str,
    target: &[Teammate],
    problems: &mut Vec<Problem>,
) -> Vec<TeammateMapping> {
    let Some(moving) = cx.moving else {
        return Vec::new();
    };
    let on_target: HashMap<String, &Teammate> =
        target.iter().map(|t| (fold(&t.email), t)).collect();
    let on_source: HashMap<String, &Teammate> = cx
        .source_teammates
        .iter()
        .map(|t| (fold(&t.email), t))
        .collect();
    let create = cx.plan.data.chosen(DataType::Teammates);
    let mut out = Vec::new();
    for (key, r) in &moving.teammates {
        let source = on_source.get(key);
        let (mapping, target_email) = match on_target.get(key) {
            Some(t) => (Mapping::Linked, Some(t.email.clone())),
            None if create && source.is_some() => (Mapping::CreatedInactive, None),
            None => (Mapping::Attribution, None),
        };
        if mapping != Mapping::Linked {
            problems.push(unmapped(
                &r.email,
                source.copied(),
                r.records,
                mapping,
                slug,
                create,
            ));
        }
        out.push(TeammateMapping {
            email: r.email.clone(),
            name: source.map(|t| t.name.clone()),
            records: r.records,
            mapping,
            target_email,
        });
    }
    out
}

fn unmapped(
    email: &str,
    source: Option<&Teammate>,
    records: u64,
    mapping: Mapping,
    slug: &str,
    create: bool,
) -> Problem {
    let who = source
        .map(|t| format!("{} <{email}>", t.name))
        .unwrap_or_else(|| format!("<{email}>"));
    let then = match (mapping, source.is_some(), create) {
        (Mapping::CreatedInactive, _, _) => "the import creates it there as an inactive teammate without groups".to_owned(),
        (_, false, _) => {
            "it is not a teammate on the source either (a former colleague), so it is kept as an attribution (name and e-mail, marked unmapped)".to_owned()
        }
        _ => "it is kept as an attribution (name and e-mail, marked unmapped); choose `teammates = true` in the plan to create it as an inactive teammate".to_owned(),
    };
    Problem::warning(
        Code::TeammateUnmapped,
        format!("{who}, named in {records} moving record(s), has no teammate on `{slug}`: {then}"),
    )
}

/// The access preview: teammates of each target group, the account's admins
/// and superadmins, and the member access that moves along.
fn access(cx: &Cx, teammates: &[Teammate]) -> Vec<GroupAccess> {
    let members: &[MovingMember] = cx.moving.map(|m| m.members.as_slice()).unwrap_or_default();
    cx.plan
        .target_group_keys()
        .into_iter()
        .map(|group| GroupAccess {
            readers: readers(teammates, &group),
            members: grants(members, &group),
            group,
        })
        .collect()
}

fn readers(teammates: &[Teammate], group: &str) -> Vec<Reader> {
    teammates
        .iter()
        .filter_map(|t| {
            let via = if t.groups.iter().any(|g| g == group) {
                "group"
            } else if matches!(t.role, Role::Admin | Role::Superadmin) {
                "role"
            } else {
                return None;
            };
            Some(Reader {
                name: t.name.clone(),
                email: t.email.clone(),
                role: t.role,
                status: t.status,
                via,
            })
        })
        .collect()
}

fn grants(members: &[MovingMember], group: &str) -> Vec<MemberGrant> {
    let mut by_email: BTreeMap<String, MemberGrant> = BTreeMap::new();
    for m in members.iter().filter(|m| m.to_group == group) {
        let grant = by_email
            .entry(fold(&m.email))
            .or_insert_with(|| MemberGrant {
                email: m.email.clone(),
                name: m.name.clone(),
                dossiers: Vec::new(),
            });
        if !grant.dossiers.contains(&m.dossier) {
            grant.dossiers.push(m.dossier.clone());
        }
    }
    by_email.into_values().collect()
}

/// Whether an import of `migration` brought this dossier.
fn of_migration(d: &DossierRow, migration: &str) -> bool {
    d.dossier
        .origin
        .as_ref()
        .is_some_and(|o| o.migration == migration)
}

/// `client-exists-on-target`: the same BSN on a dossier already here.
fn clients_on_target(cx: &Cx, account: &AccountRow, problems: &mut Vec<Problem>) -> Result<()> {
    let Some(resolved) = cx.resolved else {
        return Ok(());
    };
    // Dossiers this migration already brought are the same clients, not others.
    let here: Vec<DossierRow> = cx
        .store
        .account_dossiers(account.id)?
        .into_iter()
        .filter(|d| !of_migration(d, &cx.plan.id))
        .collect();
    let groups: HashMap<i64, String> = cx
        .store
        .groups(account.id)?
        .into_iter()
        .map(|g| (g.id, g.group.key))
        .collect();
    for moving in &resolved.dossiers {
        let Some(bsn) = &moving.row.dossier.bsn else {
            continue;
        };
        for other in here.iter().filter(|d| d.dossier.bsn.as_ref() == Some(bsn)) {
            let group = groups
                .get(&other.group_id)
                .map(String::as_str)
                .unwrap_or("?");
            problems.push(client_exists(
                &moving.row,
                other,
                group,
                &account.account.slug,
            ));
        }
    }
    Ok(())
}

fn client_exists(moving: &DossierRow, other: &DossierRow, group: &str, slug: &str) -> Problem {
    let (m, o) = (&moving.dossier, &other.dossier);
    Problem::warning(
        Code::ClientExistsOnTarget,
        format!(
            "the client of dossier {} ({}) already has dossier {} ({}, group `{group}`) on `{slug}` (same BSN): after the import there are two dossiers for one client; a person must decide what to do with them",
            m.id, m.name, o.id, o.name
        ),
    )
    .dossier(m.id.clone())
}

/// `member-limit-exceeded`: an e-mail on more than [`MEMBER_LIMIT`]
/// dossiers of the account once the moving member access is re-created.
fn member_limit(cx: &Cx, account: &AccountRow, problems: &mut Vec<Problem>) -> Result<()> {
    let Some(moving) = cx.moving else {
        return Ok(());
    };
    problems.extend(member_limit_problems(
        cx.store,
        account,
        &moving.members,
        &cx.plan.id,
    )?);
    Ok(())
}

/// The member-limit check on its own, shared with `import`, which repeats
/// it right before it writes.
/// Dossiers that `migration` itself brought earlier are not counted twice.
pub fn member_limit_problems(
    store: &Store,
    account: &AccountRow,
    members: &[MovingMember],
    migration: &str,
) -> Result<Vec<Problem>> {
    let mut arriving: BTreeMap<String, (String, BTreeSet<String>)> = BTreeMap::new();
    for m in members {
        let entry = arriving
            .entry(fold(&m.email))
            .or_insert_with(|| (m.email.clone(), BTreeSet::new()));
        entry.1.insert(m.dossier.clone());
    }
    if arriving.is_empty() {
        return Ok(Vec::new());
    }
    let present = present_members(store, account.id, &arriving, migration)?;
    let mut problems = Vec::new();
    for (key, (email, dossiers)) in &arriving {
        let there = present.get(key).cloned().unwrap_or_default();
        if there.len() + dossiers.len() > MEMBER_LIMIT {
            problems.push(over_limit(email, &there, dossiers, &account.account.slug));
        }
    }
    Ok(problems)
}

/// The dossiers (ids) of the account that already give each arriving
/// e-mail member access.
fn present_members<T>(
    store: &Store,
    account: i64,
    arriving: &BTreeMap<String, T>,
    migration: &str,
) -> Result<HashMap<String, BTreeSet<String>>> {
    let ids: HashMap<i64, String> = store
        .account_dossiers(account)?
        .into_iter()
        .filter(|d| !of_migration(d, migration))
        .map(|d| (d.id, d.dossier.id))
        .collect();
    let mut present: HashMap<String, BTreeSet<String>> = HashMap::new();
    store.for_each_account_record(account, "member_access", |rec| {
        let body: Value = serde_json::from_str(&rec.body).unwrap_or_default();
        let email = fold(
            body.get("email")
                .and_then(Value::as_str)
                .unwrap_or_default(),
        );
        // A dossier missing from `ids` is one the migration brought.
        if let (true, Some(id)) = (arriving.contains_key(&email), ids.get(&rec.dossier)) {
            present.entry(email).or_default().insert(id.clone());
        }
        Ok(())
    })?;
    Ok(present)
}

fn over_limit(
    email: &str,
    there: &BTreeSet<String>,
    moving: &BTreeSet<String>,
    slug: &str,
) -> Problem {
    let list = |s: &BTreeSet<String>| s.iter().cloned().collect::<Vec<_>>().join(", ");
    let total = there.len() + moving.len();
    let already = if there.is_empty() {
        "none".to_owned()
    } else {
        list(there)
    };
    Problem::error(
        Code::MemberLimitExceeded,
        format!(
            "member {email} would have access to {total} dossiers on `{slug}`, more than the limit of {MEMBER_LIMIT}: already on {already} there, and on moving dossier(s) {}; leave member access out or move fewer of these dossiers",
            list(moving)
        ),
    )
}

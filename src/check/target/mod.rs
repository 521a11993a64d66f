//! The checks per target account (the live one and, at levels B and C, the
//! test account): its state, its groups' configuration, teammate mapping,
//! who will read the dossiers, clients already there, the member limit.

mod groups;
mod people;

use groups::compare_group;
pub use groups::{difference_problem, group_problems};
pub use people::member_limit_problems;
use people::{access, clients_on_target, map_teammates, member_limit};

use super::config_diff::{Difference, State};
use super::usage::Moving;
use crate::error::Result;
use crate::model::{Role, Status, Teammate};
use crate::plan::Plan;
use crate::problem::{Code, Problem};
use crate::select::Resolved;
use crate::store::{AccountRow, Store};
use serde::Serialize;

/// One e-mail address may have member access to at most this many dossiers
/// of an account (domain.md, "References").
pub const MEMBER_LIMIT: usize = 3;

/// What the per-account checks need from the source side.
pub(super) struct Cx<'a> {
    pub plan: &'a Plan,
    pub store: &'a dyn Store,
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
    /// The target account's slug, from the plan.
    pub account: String,
    /// `live` or `test`.
    pub stage: &'static str,
    /// Whether the store has the account; when not, the other fields stay
    /// empty.
    pub found: bool,
    /// The migration holding the account read-only, if any.
    pub read_only: Option<String>,
    /// Whether the account already holds this migration (a committed import
    /// not rolled back, or its data): importing again is refused.
    pub already_imported: bool,
    /// Per target group of the plan, its configuration against the source's.
    pub groups: Vec<GroupComparison>,
    /// Per teammate e-mail the moving records name, what the import does
    /// with it on this account.
    pub teammates: Vec<TeammateMapping>,
    /// Per target group, who will be able to read the migrated dossiers.
    pub access: Vec<GroupAccess>,
}

/// A target group's configuration against the source group's.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum GroupState {
    /// Same fingerprint as the source group.
    Equal,
    /// Everything of the source is there; the target may have more.
    Superset,
    /// At least one configuration error: something is missing, or a field
    /// type or product unit conflicts.
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
    /// The state in words, for the human summary (`--json` uses the
    /// kebab-case variant name instead).
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

/// One target group's configuration compared with the source group's.
#[derive(Debug, Serialize)]
pub struct GroupComparison {
    /// The target group's key.
    pub group: String,
    /// The outcome of the comparison.
    pub state: GroupState,
    /// The source group's configuration fingerprint; `None` when the source
    /// group is missing.
    pub source_fingerprint: Option<String>,
    /// The target group's configuration fingerprint; `None` when the group
    /// does not exist (yet).
    pub target_fingerprint: Option<String>,
    /// Every difference found, empty when `equal` or not compared.
    pub differences: Vec<CountedDifference>,
}

/// A difference with the number of moving records that use its element.
#[derive(Debug, Serialize)]
pub struct CountedDifference {
    /// The difference itself (flattened into this object in `--json`).
    #[serde(flatten)]
    pub difference: Difference,
    /// How many moving records use the element the difference is about.
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

/// A teammate e-mail the moving records name, and how the import maps it
/// on one target account.
#[derive(Debug, Serialize)]
pub struct TeammateMapping {
    /// As written in the records.
    pub email: String,
    /// The name the source knows, if it knows the e-mail.
    pub name: Option<String>,
    /// How many moving records name the e-mail.
    pub records: u64,
    /// What the import does with the reference.
    pub mapping: Mapping,
    /// The target teammate's e-mail as the target writes it.
    pub target_email: Option<String>,
}

/// Who can read the migrated dossiers of one target group.
#[derive(Debug, Serialize)]
pub struct GroupAccess {
    /// The target group's key.
    pub group: String,
    /// The teammates who work in the group and the account's admins and
    /// superadmins, inactive ones included.
    pub readers: Vec<Reader>,
    /// Member access that moves along, by e-mail.
    pub members: Vec<MemberGrant>,
}

/// A teammate of the target account who can read a group's dossiers.
#[derive(Debug, Serialize)]
pub struct Reader {
    /// The teammate's name.
    pub name: String,
    /// The teammate's e-mail as the target writes it.
    pub email: String,
    /// The teammate's role on the target account.
    pub role: Role,
    /// Active or inactive (an inactive teammate is listed too, marked so).
    pub status: Status,
    /// `group` (works in the group) or `role` (admin or superadmin).
    pub via: &'static str,
}

/// Member access that moves along with the dossiers: one person's access.
#[derive(Debug, Serialize)]
pub struct MemberGrant {
    /// The member's e-mail.
    pub email: String,
    /// The member's name.
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
                cx.store.location()
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

//! Who is on the target: teammates mapped by e-mail, who will read the
//! moving dossiers, clients already there, the member limit.

use super::*;
use crate::check::usage::MovingMember;
use crate::error::Result;
use crate::model::kinds::{DataType, KindId};
use crate::model::syntax::fold;
use crate::model::{Role, Teammate};
use crate::problem::{Code, Problem};
use crate::store::{AccountRow, DossierRow, Store};
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet, HashMap};

/// `teammate-unmapped`: a referenced e-mail without a teammate here.
pub(super) fn map_teammates(
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

pub(super) fn unmapped(
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
pub(super) fn access(cx: &Cx, teammates: &[Teammate]) -> Vec<GroupAccess> {
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

pub(super) fn readers(teammates: &[Teammate], group: &str) -> Vec<Reader> {
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
pub(super) fn clients_on_target(
    cx: &Cx,
    account: &AccountRow,
    problems: &mut Vec<Problem>,
) -> Result<()> {
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
pub(super) fn member_limit(
    cx: &Cx,
    account: &AccountRow,
    problems: &mut Vec<Problem>,
) -> Result<()> {
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
    store: &dyn Store,
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
    store: &dyn Store,
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
    store.for_each_account_record(account, KindId::MemberAccess.name(), &mut |rec| {
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

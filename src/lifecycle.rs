//! After the import: `sign-off`, `rollback` and `unlock` (process.md steps 6
//! to 8), each refused with its code when the migration's state forbids it.

use crate::archive::manifest::Manifest;
use crate::error::{Error, Result};
use crate::import::stage_of;
use crate::plan::Plan;
use crate::problem::{Code, Problem};
use crate::report::compare::compare;
use crate::store::audit::{AuditEvent, Outcome};
use crate::store::journal::{Entry, Removed, Stage};
use crate::store::{AccountRow, Store};
use serde::Serialize;

fn refuse<T>(code: Code, message: String) -> Result<T> {
    Err(Error::Refused(Problem::error(code, message)))
}

/// The account, its stage, and the import of the migration in force there.
fn imported(store: &dyn Store, plan: &Plan, slug: &str) -> Result<(AccountRow, Stage, Entry)> {
    let stage = stage_of(plan, slug)?;
    let account = store.require_account(slug)?;
    match store.imported(account.id, &plan.id)? {
        Some(entry) => Ok((account, stage, entry)),
        None => refuse(
            Code::NotImported,
            format!("migration {} is not imported into `{slug}`", plan.id),
        ),
    }
}

/// The manifest the journal keeps with an import.
pub(crate) fn journal_manifest(entry: &Entry) -> Result<Manifest> {
    let text = entry.manifest.as_deref().unwrap_or_default();
    serde_json::from_str(text)
        .map_err(|e| Error::corrupt("the journal's manifest does not parse", e))
}

/// A stage's recorded approval.
#[derive(Debug, Serialize)]
pub struct SignedOff {
    /// Slug of the account whose import was signed off.
    pub account: String,
    /// The stage signed off (which the account decides).
    pub stage: Stage,
    /// `Name <email>` of who approved (`--by`).
    pub by: String,
    /// When (RFC 3339, Amsterdam offset).
    pub at: String,
}

/// Records the approval of the current stage; refused while the target
/// does not match the manifest.
pub fn sign_off(
    store: &mut dyn Store,
    plan: &Plan,
    slug: &str,
    by: &str,
    operator: &str,
) -> Result<SignedOff> {
    let (account, stage, entry) = imported(store, plan, slug)?;
    if let Some(at) = &entry.signed_off_at {
        return refuse(
            Code::AlreadySignedOff,
            format!(
                "the {} stage in `{slug}` was signed off at {at} by {}",
                stage.as_str(),
                entry.signed_off_by.as_deref().unwrap_or("?")
            ),
        );
    }
    let comparison = compare(store, account.id, &plan.id, &journal_manifest(&entry)?)?;
    if comparison.mismatches() > 0 {
        return refuse(
            Code::ReportMismatch,
            format!(
                "the report shows {} dossier(s) that do not match the manifest; see `report`",
                comparison.mismatches()
            ),
        );
    }
    let tx = store.begin()?;
    tx.sign_off(entry.id, by)?;
    let detail = format!("{} stage signed off by {by}", stage.as_str());
    tx.audit(&AuditEvent {
        account: slug,
        action: "sign-off",
        outcome: Outcome::Success,
        operator,
        dossier: None,
        migration: Some(&plan.id),
        detail: Some(&detail),
    })?;
    tx.commit()?;
    Ok(SignedOff {
        account: slug.to_owned(),
        stage,
        by: by.to_owned(),
        at: crate::clock::now_rfc3339(),
    })
}

/// Removes the migration from the account, before sign-off (or, for the
/// test account, once the live stage is signed off).
pub fn rollback(store: &mut dyn Store, plan: &Plan, slug: &str, operator: &str) -> Result<Removed> {
    let (account, stage, entry) = imported(store, plan, slug)?;
    if entry.signed_off_at.is_some() && !(stage == Stage::Test && live_signed_off(store, plan)?) {
        return refuse(
            Code::AlreadySignedOff,
            format!(
                "the {} stage in `{slug}` is signed off: it can no longer be rolled back",
                stage.as_str()
            ),
        );
    }
    let manifest = journal_manifest(&entry)?;
    let changed: Vec<String> = compare(store, account.id, &plan.id, &manifest)?
        .dossiers
        .into_iter()
        .filter(|d| d.added_since > 0)
        .filter_map(|d| d.target_id)
        .collect();
    if !changed.is_empty() {
        return refuse(
            Code::ChangedAfterImport,
            format!(
                "records were added to migrated dossier(s) {} since the import; a rollback would lose them",
                changed.join(", ")
            ),
        );
    }
    let dossiers = store_dossier_ids(store, account.id, &plan.id)?;
    let tx = store.begin()?;
    tx.require_writable(account.id, Some(&plan.id))?;
    let removed = tx.remove_migration(account.id, &plan.id)?;
    tx.mark_rolled_back(entry.id, operator)?;
    for d in &dossiers {
        tx.audit(&AuditEvent {
            account: slug,
            action: "rollback",
            outcome: Outcome::Success,
            operator,
            dossier: Some(d),
            migration: Some(&plan.id),
            detail: Some(&format!("{} stage rolled back", stage.as_str())),
        })?;
    }
    tx.commit()?;
    Ok(removed)
}

fn store_dossier_ids(store: &dyn Store, account: i64, migration: &str) -> Result<Vec<String>> {
    Ok(store
        .migration_dossiers(account, migration)?
        .into_iter()
        .map(|d| d.dossier.id)
        .collect())
}

fn live_signed_off(store: &dyn Store, plan: &Plan) -> Result<bool> {
    Ok(match store.account(&plan.target.account)? {
        Some(a) => store
            .imported(a.id, &plan.id)?
            .is_some_and(|e| e.signed_off_at.is_some()),
        None => false,
    })
}

/// What `unlock` cleared.
#[derive(Debug, Default, Serialize)]
pub struct Unlocked {
    /// Whether the account's read-only mark (a failed import's) was
    /// cleared.
    pub account: bool,
    /// Keys of the groups whose read-only mark (a real export's) was
    /// cleared.
    pub groups: Vec<String>,
}

/// Clears this migration's read-only marks on the account and its groups.
/// The account's mark (a failed import's) only when nothing of the
/// migration was committed there.
pub fn unlock(store: &mut dyn Store, plan: &Plan, slug: &str, operator: &str) -> Result<Unlocked> {
    let account = store.require_account(slug)?;
    let committed = store.imported(account.id, &plan.id)?.is_some();
    let tx = store.begin()?;
    let mut done = Unlocked::default();
    if account.read_only.as_deref() == Some(plan.id.as_str()) {
        if committed || tx.has_migration_data(account.id, &plan.id)? {
            return refuse(
                Code::UnlockRefused,
                format!(
                    "migration {} has data committed in `{slug}`: the mark is not a failed import's",
                    plan.id
                ),
            );
        }
        tx.set_account_read_only(account.id, None)?;
        done.account = true;
    } else if let Some(other) = &account.read_only {
        return refuse(
            Code::UnlockRefused,
            format!("`{slug}` is held by migration {other}, not {}", plan.id),
        );
    }
    done.groups = tx.unlock_groups(account.id, &plan.id)?;
    if done.account || !done.groups.is_empty() {
        let detail = format!(
            "unlocked account: {}, groups: {}",
            done.account,
            done.groups.join(", ")
        );
        tx.audit(&AuditEvent {
            account: slug,
            action: "unlock",
            outcome: Outcome::Success,
            operator,
            dossier: None,
            migration: Some(&plan.id),
            detail: Some(&detail),
        })?;
    }
    tx.commit()?;
    Ok(done)
}

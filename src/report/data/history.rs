//! The report's history sections: teammates, configuration, consents,
//! the timeline of the journal and the audit log's state.

use super::*;
use crate::archive::manifest::Manifest;
use crate::error::Result;
use crate::lifecycle::journal_manifest;
use crate::plan::{Consent, Plan};
use crate::problem::{Code, Problem};
use crate::store::journal::{Entry, Stage, Status};
use crate::store::{AccountRow, AuditCheck, Store};
use std::collections::{BTreeSet, HashMap};

pub(super) fn teammates(store: &dyn Store, account: i64, migration: &str) -> Result<Teammates> {
    let unmapped = store
        .attributions(account, migration)?
        .into_iter()
        .map(|(email, name)| Person { email, name })
        .collect();
    let created = store
        .migration_teammates(account, migration)?
        .into_iter()
        .map(|(email, name)| Person {
            email,
            name: Some(name),
        })
        .collect();
    Ok(Teammates { unmapped, created })
}

/// The source group's fingerprint as exported, and each planned target
/// group's as it is now: equal, or (after `align`) a superset that differs.
pub(super) fn configuration(
    store: &dyn Store,
    account: &AccountRow,
    plan: &Plan,
    manifest: Option<&Manifest>,
) -> Result<Configuration> {
    let source = manifest.map(|m| SourceConfig {
        account: m.source.account.clone(),
        group: m.source.group.clone(),
        fingerprint: m.source.config_fingerprint.clone(),
    });
    let groups = store.groups(account.id)?;
    let targets = plan
        .target_group_keys()
        .into_iter()
        .map(|key| {
            let row = groups.iter().find(|g| g.group.key == key);
            let fingerprint = row.map(|g| g.group.config.fingerprint());
            TargetConfig {
                same_as_source: source
                    .as_ref()
                    .is_some_and(|s| Some(&s.fingerprint) == fingerprint.as_ref()),
                created_by_import: row.is_some_and(|g| g.origin.as_deref() == Some(&plan.id)),
                group: key,
                fingerprint,
            }
        })
        .collect();
    Ok(Configuration { source, targets })
}

pub(super) fn consents(plan: &Plan) -> Vec<ConsentInfo> {
    let info = |role, account: &str, c: &Consent| ConsentInfo {
        role,
        account: account.to_owned(),
        name: c.name.clone(),
        email: c.email.clone(),
        given_on: c.given_on.to_string(),
        reference: c.reference.clone(),
    };
    vec![
        info(
            "source_owner",
            &plan.source.account,
            &plan.consent.source_owner,
        ),
        info(
            "target_owner",
            &plan.target.account,
            &plan.consent.target_owner,
        ),
    ]
}

/// Export, align, imports, sign-offs and rollbacks of the migration in the
/// plan's target and test accounts (both, when this store holds them: the
/// live report then shows the test stage that preceded it), by time.
pub(super) fn timeline(store: &dyn Store, plan: &Plan) -> Result<Vec<Event>> {
    let mut events = Vec::new();
    let slugs = std::iter::once(&plan.target.account).chain(plan.target.test_account.as_ref());
    for slug in slugs {
        let Some(account) = store.account(slug)? else {
            continue;
        };
        for entry in store.journal(account.id, &plan.id)? {
            journal_events(&entry, slug, &mut events);
        }
        align_events(store, slug, &plan.id, &mut events)?;
    }
    // The test and the live import of one archive carry the same export.
    let mut seen = BTreeSet::new();
    events.retain(|e| e.action != Action::Export || seen.insert((e.at.clone(), e.by.clone())));
    // Steps within one second (a scripted run) keep the process order.
    events.sort_by_key(|e| (e.at.parse::<jiff::Timestamp>().ok(), order(e)));
    Ok(events)
}

/// The process order of events at the same moment: preparation, the test
/// stage, then the live stage.
pub(super) fn order(e: &Event) -> (u8, u8) {
    let stage = match e.stage {
        None | Some(Stage::Test) => 0,
        Some(Stage::Live) => 1,
    };
    let action = match e.action {
        Action::Align => 0,
        Action::Export => 1,
        Action::Import | Action::ImportFailed | Action::ImportUnfinished => 2,
        Action::SignOff => 3,
        Action::Rollback => 4,
    };
    (stage, action)
}

fn journal_events(entry: &Entry, slug: &str, events: &mut Vec<Event>) {
    let event = |action, at: &str, by: &str, detail: Option<String>| Event {
        at: at.to_owned(),
        action,
        account: slug.to_owned(),
        stage: Some(entry.stage),
        by: by.to_owned(),
        detail,
    };
    // A journal manifest that no longer parses only costs the timeline its
    // export line; the comparison reports the damage where it matters.
    if let Ok(m) = journal_manifest(entry) {
        events.push(Event {
            account: m.source.account.clone(),
            stage: None,
            detail: m.rehearsal.then(|| "rehearsal".to_owned()),
            ..event(Action::Export, &m.created_at, &m.operator, None)
        });
    }
    let archive = format!("archive sha256 {}", entry.archive_sha256);
    match entry.status {
        Status::Committed | Status::RolledBack => events.push(event(
            Action::Import,
            entry.committed_at.as_deref().unwrap_or(&entry.started_at),
            &entry.started_by,
            Some(archive),
        )),
        Status::Failed => events.push(event(
            Action::ImportFailed,
            &entry.started_at,
            &entry.started_by,
            entry.failure.clone(),
        )),
        Status::Started => events.push(event(
            Action::ImportUnfinished,
            &entry.started_at,
            &entry.started_by,
            Some(archive),
        )),
    }
    if let Some(at) = &entry.signed_off_at {
        let by = entry.signed_off_by.as_deref().unwrap_or_default();
        events.push(event(Action::SignOff, at, by, None));
    }
    if let Some(at) = &entry.rolled_back_at {
        let by = entry.rolled_back_by.as_deref().unwrap_or_default();
        events.push(event(Action::Rollback, at, by, None));
    }
}

/// `align` leaves no journal row; the audit log has its lines.
fn align_events(
    store: &dyn Store,
    slug: &str,
    migration: &str,
    events: &mut Vec<Event>,
) -> Result<()> {
    for line in store.audit_log(slug)? {
        if line.action == "align" && line.migration.as_deref() == Some(migration) {
            events.push(Event {
                at: line.at,
                action: Action::Align,
                account: slug.to_owned(),
                stage: None,
                by: line.operator,
                detail: None,
            });
        }
    }
    Ok(())
}

/// Migrated dossiers whose BSN is also on a dossier of the account that
/// did not come with this migration.
pub(super) fn clients_on_target(
    store: &dyn Store,
    account: &AccountRow,
    migration: &str,
) -> Result<Vec<ClientOnTarget>> {
    let all = store.account_dossiers(account.id)?;
    let groups: HashMap<i64, String> = store
        .groups(account.id)?
        .into_iter()
        .map(|g| (g.id, g.group.key))
        .collect();
    let of_migration = |d: &crate::store::DossierRow| {
        d.dossier
            .origin
            .as_ref()
            .is_some_and(|o| o.migration == migration)
    };
    let mut out = Vec::new();
    for moved in all.iter().filter(|d| of_migration(d)) {
        let Some(bsn) = &moved.dossier.bsn else {
            continue;
        };
        for other in all
            .iter()
            .filter(|d| !of_migration(d) && d.dossier.bsn.as_ref() == Some(bsn))
        {
            out.push(ClientOnTarget {
                source_id: moved
                    .dossier
                    .origin
                    .as_ref()
                    .map(|o| o.id.clone())
                    .unwrap_or_default(),
                target_id: moved.dossier.id.clone(),
                name: moved.dossier.name.clone(),
                other_id: other.dossier.id.clone(),
                other_name: other.dossier.name.clone(),
                other_group: groups.get(&other.group_id).cloned().unwrap_or_default(),
            });
        }
    }
    Ok(out)
}

pub(super) fn client_problem(c: &ClientOnTarget) -> Problem {
    Problem::warning(
        Code::ClientExistsOnTarget,
        format!(
            "the client of dossier {} ({}, now {}) already had dossier {} ({}, group `{}`) here (same BSN): two dossiers for one client; a person must decide what to do with them",
            c.source_id, c.name, c.target_id, c.other_id, c.other_name, c.other_group
        ),
    )
    .dossier(c.source_id.clone())
}

pub(super) fn audit_problem(audit: &AuditCheck, slug: &str) -> Option<Problem> {
    if audit.ok {
        return None;
    }
    Some(Problem::error(
        Code::AuditChainBroken,
        format!(
            "the audit log of `{slug}` is broken at line {}: {}",
            audit
                .broken_at
                .map(|n| n.to_string())
                .unwrap_or_else(|| "?".into()),
            audit.reason.as_deref().unwrap_or("")
        ),
    ))
}

//! Does the manifest hold what the plan agreed to: dossiers, kinds and the
//! plan entry.

use crate::archive::PLAN;
use crate::archive::manifest::Manifest;
use crate::archive::reader::ArchiveReader;
use crate::model::kinds::KINDS;
use crate::model::syntax::{self, fold};
use crate::plan::{DossierRef, Plan, Selection};
use crate::problem::{Code, Problem};
use std::collections::{BTreeMap, BTreeSet, HashMap};

/// The manifest against the plan both owners agreed to.
pub(super) fn check_against_plan(m: &Manifest, plan: &Plan, problems: &mut Vec<Problem>) {
    let mut mismatch = |what: String| problems.push(Problem::error(Code::PlanMismatch, what));
    if m.plan_sha256 != plan.digest {
        mismatch(format!(
            "the archive was made from a plan with digest {}, this plan's is {}",
            m.plan_sha256, plan.digest
        ));
    }
    if m.source.account != plan.source.account || m.source.group != plan.source.group {
        mismatch(format!(
            "the archive comes from {}/{}, the plan names {}/{}",
            m.source.account, m.source.group, plan.source.account, plan.source.group
        ));
    }
    if m.cut_off != plan.cut_off {
        mismatch(format!(
            "the archive's cut-off is {}, the plan's {}",
            m.cut_off, plan.cut_off
        ));
    }
    let since = plan.data.daily_reports_since().map(|d| d.to_string());
    if m.daily_reports_since != since {
        mismatch(format!(
            "the archive's `since` is {:?}, the plan's {:?}",
            m.daily_reports_since, since
        ));
    }
    match (syntax::timestamp(&m.effective_cut_off), m.rehearsal) {
        (Some(t), true) if t <= plan.cut_off_at => {}
        (Some(t), false) if t == plan.cut_off_at => {}
        _ => problems.push(Problem::error(
            Code::ManifestInvalid,
            format!(
                "effective_cut_off {} does not fit the cut-off {}",
                m.effective_cut_off, plan.cut_off
            ),
        )),
    }
    check_dossiers(m, plan, problems);
    check_kinds(m, plan, problems);
}

fn check_dossiers(m: &Manifest, plan: &Plan, problems: &mut Vec<Problem>) {
    let listed: HashMap<String, &crate::archive::manifest::DossierEntry> =
        m.dossiers.iter().map(|d| (fold(&d.id), d)).collect();
    match &plan.dossiers {
        Selection::All { to_group } => {
            for d in &m.dossiers {
                if &d.to_group != to_group {
                    problems.push(
                        Problem::error(
                            Code::PlanMismatch,
                            format!(
                                "dossier {} goes to `{}`, the plan says `{to_group}`",
                                d.id, d.to_group
                            ),
                        )
                        .dossier(d.id.clone()),
                    );
                }
            }
        }
        Selection::Select(entries) => {
            let mut planned = BTreeSet::new();
            for e in entries {
                let found: Vec<&&crate::archive::manifest::DossierEntry> = match &e.by {
                    DossierRef::Id(id) => listed.get(&fold(id)).into_iter().collect(),
                    DossierRef::Name(name) => listed.values().filter(|d| &d.name == name).collect(),
                };
                let what = match &e.by {
                    DossierRef::Id(id) => format!("id {id}"),
                    DossierRef::Name(n) => format!("name `{n}`"),
                };
                match found.as_slice() {
                    [] => problems.push(Problem::error(Code::DossierMissing, format!("the plan selects the dossier with {what} (line {}), the archive lacks it", e.line))),
                    [d] => {
                        planned.insert(fold(&d.id));
                        if d.to_group != e.to_group {
                            problems.push(
                                Problem::error(Code::PlanMismatch, format!("dossier {} goes to `{}`, the plan says `{}`", d.id, d.to_group, e.to_group)).dossier(d.id.clone()),
                            );
                        }
                    }
                    several => problems.push(Problem::error(
                        Code::DossierUnexpected,
                        format!("the plan's {what} matches {} dossiers of the archive", several.len()),
                    )),
                }
            }
            for d in &m.dossiers {
                if !planned.contains(&fold(&d.id)) {
                    problems.push(
                        Problem::error(
                            Code::DossierUnexpected,
                            format!(
                                "dossier {} ({}) is in the archive but not in the plan",
                                d.id, d.name
                            ),
                        )
                        .dossier(d.id.clone()),
                    );
                }
            }
        }
    }
}

/// Every chosen kind is counted for every dossier; no other kind is.
fn check_kinds(m: &Manifest, plan: &Plan, problems: &mut Vec<Problem>) {
    for d in &m.dossiers {
        for kind in &KINDS {
            let chosen = plan.data.chosen(kind.data_type);
            let counted = d.counts.contains_key(kind.name) && d.digests.contains_key(kind.name);
            if chosen && !counted {
                problems.push(
                    Problem::error(
                        Code::ManifestInvalid,
                        format!(
                            "dossier {}: the manifest lacks the count or digest of {}",
                            d.id, kind.name
                        ),
                    )
                    .dossier(d.id.clone())
                    .kind(kind.name),
                );
            }
            if !chosen && (d.counts.contains_key(kind.name) || d.digests.contains_key(kind.name)) {
                problems.push(
                    Problem::error(
                        Code::KindUnexpected,
                        format!(
                            "dossier {}: {} is in the manifest but the plan does not choose it",
                            d.id, kind.name
                        ),
                    )
                    .dossier(d.id.clone())
                    .kind(kind.name),
                );
            }
        }
    }
    let mut sums: BTreeMap<String, u64> = BTreeMap::new();
    for d in &m.dossiers {
        for (k, n) in &d.counts {
            *sums.entry(k.clone()).or_default() += n;
        }
    }
    if sums != m.totals.records || m.totals.dossiers != m.dossiers.len() as u64 {
        problems.push(Problem::error(
            Code::CountMismatch,
            "the manifest's totals do not add up to its dossiers' counts",
        ));
    }
}

/// plan.json is the plan in canonical form, with the digest the plan has.
pub(super) fn check_plan_entry(
    reader: &mut ArchiveReader,
    plan: &Plan,
    problems: &mut Vec<Problem>,
) {
    match reader.read_small(PLAN, 16 << 20) {
        Ok(bytes) if crate::digest::sha256_hex(&bytes) == plan.digest => {}
        Ok(_) => problems.push(
            Problem::error(
                Code::PlanMismatch,
                "plan.json in the archive is not this plan",
            )
            .path(PLAN),
        ),
        Err(_) if reader.refused(PLAN) => {}
        Err(p) => problems.push(p),
    }
}

//! The report as terminal lines, in English like every terminal message;
//! the problems themselves are printed by the CLI, one per line.

use super::data::{Event, Person, Report, VerdictStatus};

/// The report's lines, verdict first.
pub fn render(r: &Report) -> Vec<String> {
    let mut out = vec![
        format!(
            "acceptance report of migration {} in `{}` ({} stage)",
            r.migration,
            r.account.slug,
            r.stage.as_str()
        ),
        verdict(r),
    ];
    if let Some(i) = &r.import {
        out.push(format!(
            "archive sha256 {}{}, exported {} by {}, imported {} by {}",
            i.archive_sha256,
            if i.rehearsal { " (rehearsal)" } else { "" },
            i.exported_at,
            i.exported_by,
            i.imported_at.as_deref().unwrap_or("?"),
            i.imported_by
        ));
    }
    dossiers(r, &mut out);
    kinds(r, &mut out);
    out.extend(r.left_behind.describe());
    teammates(r, &mut out);
    configuration(r, &mut out);
    out.push("consents:".into());
    for c in &r.consents {
        out.push(format!(
            "  {} of {}: {} <{}> on {} ({})",
            c.role, c.account, c.name, c.email, c.given_on, c.reference
        ));
    }
    out.push("timeline:".into());
    out.extend(r.timeline.iter().map(event));
    out.push(audit(r));
    out.push(match &r.signed_off {
        Some(s) => format!("signed off by {} at {}", s.by, s.at),
        None => "not signed off yet".into(),
    });
    out
}

fn verdict(r: &Report) -> String {
    let v = &r.verdict;
    match v.status {
        VerdictStatus::AllMatched => format!(
            "verdict: all matched ({} dossiers, {} records)",
            v.dossiers, v.records_found
        ),
        VerdictStatus::Mismatches => format!(
            "verdict: {} mismatch(es) in {} of {} dossiers",
            v.mismatches, v.dossiers_mismatched, v.dossiers
        ),
        VerdictStatus::NotImported => "verdict: not imported, nothing to compare".into(),
        VerdictStatus::AuditBroken => {
            "verdict: the data matches, but the audit log is broken".into()
        }
    }
}

fn dossiers(r: &Report, out: &mut Vec<String>) {
    if r.dossiers.is_empty() {
        return;
    }
    out.push("dossiers (source -> target, group: found/expected, content):".into());
    for d in &r.dossiers {
        let target = d.target_id.as_deref().unwrap_or("MISSING");
        let state = if d.matches { "ok" } else { "MISMATCH" };
        out.push(format!(
            "  {} -> {target} {} ({}): {}/{} {state}",
            d.source_id, d.to_group, d.name, d.found, d.expected
        ));
        for row in d
            .rows
            .iter()
            .filter(|r| r.expected != r.found || !r.digest_matches)
        {
            let what = if row.expected != row.found {
                format!("{} expected, {} found", row.expected, row.found)
            } else {
                "content differs".to_owned()
            };
            out.push(format!("    {}: {what}", row.kind));
        }
        if d.added_since > 0 {
            out.push(format!(
                "    {} record(s) added since the import",
                d.added_since
            ));
        }
    }
}

fn kinds(r: &Report, out: &mut Vec<String>) {
    if r.kinds.is_empty() {
        return;
    }
    out.push(format!(
        "  {:<18} {:>8} {:>8} {:>8}  content",
        "kind", "expected", "found", "left"
    ));
    for k in &r.kinds {
        let content = if k.expected == k.found && k.digests_match {
            "equal"
        } else {
            "DIFFERS"
        };
        out.push(format!(
            "  {:<18} {:>8} {:>8} {:>8}  {content}",
            k.kind, k.expected, k.found, k.left_behind
        ));
    }
}

fn teammates(r: &Report, out: &mut Vec<String>) {
    for p in &r.teammates.unmapped {
        out.push(format!(
            "unmapped teammate (kept as attribution): {}",
            person(p)
        ));
    }
    for p in &r.teammates.created {
        out.push(format!("teammate created inactive: {}", person(p)));
    }
}

/// "Name <email>", or "<email>" for someone known only by address.
fn person(p: &Person) -> String {
    match &p.name {
        Some(name) => format!("{name} <{}>", p.email),
        None => format!("<{}>", p.email),
    }
}

fn configuration(r: &Report, out: &mut Vec<String>) {
    if let Some(s) = &r.configuration.source {
        out.push(format!(
            "config of source {} group {}: {}",
            s.account, s.group, s.fingerprint
        ));
    }
    for g in &r.configuration.targets {
        let state = match (&g.fingerprint, g.same_as_source) {
            (None, _) => "missing".to_owned(),
            (Some(f), true) => format!("{f} (equal to the source)"),
            (Some(f), false) => format!("{f} (differs from the source)"),
        };
        out.push(format!("config of target group {}: {state}", g.group));
    }
}

fn event(e: &Event) -> String {
    let stage = e
        .stage
        .map(|s| format!(" ({})", s.as_str()))
        .unwrap_or_default();
    let detail = e
        .detail
        .as_deref()
        .map(|d| format!(": {d}"))
        .unwrap_or_default();
    format!(
        "  {} {} in {}{stage} by {}{detail}",
        e.at,
        e.action.as_str(),
        e.account,
        e.by
    )
}

fn audit(r: &Report) -> String {
    let a = &r.audit;
    if a.ok {
        format!(
            "audit log of `{}`: intact, {} lines",
            r.account.slug, a.lines
        )
    } else {
        format!(
            "audit log of `{}`: BROKEN at line {}: {}",
            r.account.slug,
            a.broken_at.unwrap_or(0),
            a.reason.as_deref().unwrap_or("")
        )
    }
}

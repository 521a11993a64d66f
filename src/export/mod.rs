//! Export (process.md step 4): the planned dossiers into a signed,
//! encrypted archive. [`walk`] decides what moves; this module writes it.

pub mod walk;

use crate::archive::manifest::{DossierEntry, Manifest, Source, Totals, oxum};
use crate::archive::writer::{ArchiveWriter, Sealed};
use crate::archive::{FORMAT, FORMAT_VERSION, PLAN, trusted_comment};
use crate::error::{Error, Result};
use crate::model::kinds::Kind;
use crate::model::syntax::fold;
use crate::plan::Plan;
use crate::problem::{Code, Problem};
use crate::progress::Progress;
use crate::select::{Resolved, Selected};
use crate::store::Store;
use crate::store::audit::{AuditEvent, Outcome};
use crate::tree::{layout, pretty_json};
use jiff::Timestamp;
use serde::Serialize;
use std::path::{Path, PathBuf};
use walk::{Survey, Visitor};

/// What to export, where to, and as whom.
pub struct Options<'a> {
    /// The plan: which dossiers and data types, for whom.
    pub plan: &'a Plan,
    /// The exporter's minisign key; its public half must be the plan's
    /// signer (else `signer-mismatch`, before anything is written).
    pub signing_key: &'a minisign::SecretKey,
    /// Where the archive goes (conventionally `*.zip.age`).
    pub out: &'a Path,
    /// A dress rehearsal (`--rehearsal`): exports up to the earlier of the
    /// cut-off and `now`, marks the archive so and does not lock the source
    /// group. Only under test level `dress-rehearsal`.
    pub rehearsal: bool,
    /// `Name <email>` of who exports, for the manifest and the audit log.
    pub operator: &'a str,
    /// Whether an existing file at `out` may be replaced (`--force`).
    pub force: bool,
    /// The moment the cut-off is judged against: a real export before the
    /// cut-off is refused (`cut-off-in-future`); a rehearsal stops here.
    pub now: Timestamp,
}

/// What an export did.
#[derive(Debug, Serialize)]
pub struct Summary {
    /// Where the archive was written.
    pub archive: PathBuf,
    /// Lowercase hex sha256 of the archive file, to hand over beside it.
    pub sha256: String,
    /// The archive file's size in bytes.
    pub size: u64,
    /// Whether it is a rehearsal archive.
    pub rehearsal: bool,
    /// The bound applied (RFC 3339): the cut-off, or for a rehearsal the
    /// earlier of the cut-off and the export's time.
    pub effective_cut_off: String,
    /// What moved and what stayed behind, per dossier and kind.
    pub survey: Survey,
    /// Warnings: records edited after the cut-off move in their current state.
    pub warnings: Vec<Problem>,
    /// Whether the source group was locked (a real export).
    pub locked_group: Option<String>,
    /// With `--force` over an existing file: that file's sha256, so the
    /// operator knows which handed-over archive this one replaces.
    pub replaced_sha256: Option<String>,
}

/// Writes the archive; a real export then locks the source group. On any
/// error nothing is left under the output name and the store is unchanged.
pub fn export(
    store: &mut dyn Store,
    opts: &Options,
    progress: &mut dyn Progress,
) -> Result<Summary> {
    let plan = opts.plan;
    check_signer(opts)?;
    let recipients = crate::keys::parse_recipients(&plan.handover.recipients)?;
    let cut_off = effective_cut_off(plan, opts)?;
    let resolved = movable(plan, store, cut_off)?;
    let created_at = crate::clock::now_rfc3339();
    let replaced_sha256 = match opts.force && opts.out.is_file() {
        true => Some(crate::digest::sha256_file(opts.out)?),
        false => None,
    };
    let mut writer = ArchiveWriter::create(opts.out, &recipients, opts.force)?;
    write_head(plan, &resolved, &mut writer)?;
    progress.start(resolved.dossiers.len() as u64, 0);
    let mut visitor = Writing {
        writer: &mut writer,
        group: &plan.source.group,
        progress,
        open: None,
        reported: 0,
    };
    let survey = walk::walk(plan, store, &resolved, cut_off, &mut visitor)?;
    progress.finish();
    write_teammates(store, &resolved, &survey, &mut writer)?;
    write_files(store, &survey, &mut writer)?;
    let entries = writer.entries()?.to_vec();
    let manifest = manifest(
        plan,
        opts,
        &resolved,
        &survey,
        entries,
        cut_off,
        &created_at,
    );
    let manifest_bytes = json(&manifest)?;
    let signature = crate::keys::sign(
        opts.signing_key,
        manifest_bytes.as_bytes(),
        &trusted_comment(&plan.id, &created_at),
    )?;
    let sealed = writer.finish(manifest_bytes.as_bytes(), signature.as_bytes())?;
    let (sha256, size) = (sealed.sha256.clone(), sealed.size);
    let archive = commit(store, opts, &resolved, &survey, sealed)?;
    Ok(Summary {
        archive,
        sha256,
        size,
        rehearsal: opts.rehearsal,
        effective_cut_off: manifest.effective_cut_off,
        warnings: edited_warnings(&survey, plan),
        locked_group: (!opts.rehearsal).then(|| plan.source.group.clone()),
        replaced_sha256,
        survey,
    })
}

/// The signing key must be the one the plan names as signer.
fn check_signer(opts: &Options) -> Result<()> {
    let signer = crate::keys::signer_line(opts.signing_key)?;
    if signer == opts.plan.handover.signer {
        return Ok(());
    }
    Err(Error::invalid(Problem::error(
        Code::SignerMismatch,
        format!(
            "the signing key's public key {signer} is not the plan's signer {}; sign with the key the plan names",
            opts.plan.handover.signer
        ),
    )))
}

/// The plan's selection, when it resolves without errors and the source
/// group is not locked by another migration.
fn movable(plan: &Plan, store: &dyn Store, cut_off: Timestamp) -> Result<Resolved> {
    let (resolved, problems) = crate::select::resolve(plan, store, cut_off)?;
    let resolved = match resolved {
        Some(r) if !crate::problem::any_error(&problems) => r,
        _ => return Err(Error::Invalid(problems)),
    };
    if let Some(holder) = &resolved.group.read_only
        && holder != &plan.id
    {
        return Err(Error::Refused(Problem::error(
            Code::AccountReadOnly,
            format!(
                "source group `{}` is read-only for migration {holder}",
                plan.source.group
            ),
        )));
    }
    Ok(resolved)
}

/// Gives the archive its final name and, in the same step, locks the
/// source group (a real export) and audit-logs every dossier.
fn commit(
    store: &mut dyn Store,
    opts: &Options,
    resolved: &Resolved,
    survey: &Survey,
    sealed: Sealed,
) -> Result<PathBuf> {
    let plan = opts.plan;
    // The lock and the audit lines commit only once the archive has its
    // final name; if the rename fails the transaction is dropped.
    let tx = store.begin()?;
    if !opts.rehearsal {
        tx.set_group_read_only(resolved.group.id, Some(&plan.id))?;
    }
    let rehearsal = if opts.rehearsal { " (rehearsal)" } else { "" };
    let detail = format!("archive sha256 {}{rehearsal}", sealed.sha256);
    for d in &survey.dossiers {
        tx.audit(&AuditEvent {
            account: &plan.source.account,
            action: "export",
            outcome: Outcome::Success,
            operator: opts.operator,
            dossier: Some(&d.id),
            migration: Some(&plan.id),
            detail: Some(&detail),
        })?;
    }
    let archive = sealed.persist()?;
    if let Err(e) = tx.commit() {
        let _ = std::fs::remove_file(&archive);
        return Err(e);
    }
    Ok(archive)
}

/// The bound records are held to: the cut-off, or for a rehearsal the
/// earlier of the cut-off and now. A real export before the cut-off is
/// refused: data entered after it would be lost.
fn effective_cut_off(plan: &Plan, opts: &Options) -> Result<Timestamp> {
    if opts.rehearsal {
        return Ok(plan.cut_off_at.min(opts.now));
    }
    if plan.cut_off_at > opts.now {
        return Err(Error::invalid(Problem::error(
            Code::CutOffInFuture,
            format!(
                "the cut-off {} has not passed yet: a real export runs after it (use --rehearsal for a dress rehearsal)",
                plan.cut_off
            ),
        )));
    }
    Ok(plan.cut_off_at)
}

fn write_head(plan: &Plan, resolved: &Resolved, w: &mut ArchiveWriter) -> Result<()> {
    w.json(PLAN, plan.canonical_json().as_bytes())?;
    w.json(layout::ACCOUNT, json(&resolved.account.account)?.as_bytes())?;
    w.json(
        &layout::group_json(&plan.source.group),
        json(&resolved.group.group)?.as_bytes(),
    )
}

fn json<T: Serialize>(value: &T) -> Result<String> {
    pretty_json(value).map_err(|e| Error::Internal(e.to_string()))
}

/// Writes each kind's lines into its entry, opening it on the first line
/// (a kind with no records has no entry, as in a dump).
struct Writing<'a> {
    writer: &'a mut ArchiveWriter,
    group: &'a str,
    progress: &'a mut dyn Progress,
    open: Option<String>,
    reported: u64,
}

impl Visitor for Writing<'_> {
    fn begin_dossier(&mut self, dossier: &Selected) -> Result<()> {
        let mut d = dossier.row.dossier.clone();
        d.origin = None;
        self.writer.json(
            &layout::dossier_json(self.group, &d.id),
            json(&d)?.as_bytes(),
        )
    }

    fn line(&mut self, dossier: &Selected, kind: &'static Kind, line: &str) -> Result<()> {
        let path = layout::records(self.group, &dossier.row.dossier.id, kind.name);
        if self.open.as_deref() != Some(path.as_str()) {
            self.writer.begin_json(&path)?;
            self.open = Some(path);
        }
        self.writer.write(line.as_bytes())?;
        self.writer.write(b"\n")
    }

    fn end_kind(&mut self, _: &Selected, _: &'static Kind) -> Result<()> {
        self.open = None;
        self.writer.end()
    }

    fn end_dossier(&mut self, _: &Selected) -> Result<()> {
        let now = self.writer.payload_bytes();
        self.progress.advance(1, now - self.reported);
        self.reported = now;
        Ok(())
    }
}

/// `teammates.json`: only the teammates the archived records refer to,
/// with only the source group among their groups.
fn write_teammates(
    store: &dyn Store,
    resolved: &Resolved,
    survey: &Survey,
    w: &mut ArchiveWriter,
) -> Result<()> {
    let referred: std::collections::HashSet<String> =
        survey.teammates.iter().map(|e| fold(e)).collect();
    let group = &resolved.group.group.key;
    let teammates: Vec<_> = store
        .teammates(resolved.account.id)?
        .into_iter()
        .filter(|t| referred.contains(&fold(&t.email)))
        .map(|mut t| {
            t.groups.retain(|g| g == group);
            t
        })
        .collect();
    w.json(layout::TEAMMATES, json(&teammates)?.as_bytes())
}

/// `files/<sha256>`: each moving content once, streamed from the store.
fn write_files(store: &dyn Store, survey: &Survey, w: &mut ArchiveWriter) -> Result<()> {
    for (sha, size) in &survey.files {
        let path = layout::file(sha);
        w.stored(&path, *size, |out| {
            let mut out = out;
            store
                .copy_blob(sha, &mut out)?
                .map_err(|e| Error::io(&path, e))?;
            Ok(())
        })?;
    }
    Ok(())
}

#[allow(clippy::too_many_arguments)]
fn manifest(
    plan: &Plan,
    opts: &Options,
    resolved: &Resolved,
    survey: &Survey,
    entries: Vec<crate::archive::manifest::Entry>,
    cut_off: Timestamp,
    created_at: &str,
) -> Manifest {
    let stringify = |m: &std::collections::BTreeMap<&'static str, u64>| {
        m.iter().map(|(k, v)| (k.to_string(), *v)).collect()
    };
    Manifest {
        format: FORMAT.into(),
        format_version: FORMAT_VERSION,
        tool: format!("dossier-transfer {}", env!("CARGO_PKG_VERSION")),
        migration_id: plan.id.clone(),
        rehearsal: opts.rehearsal,
        created_at: created_at.to_owned(),
        operator: opts.operator.to_owned(),
        plan_sha256: plan.digest.clone(),
        cut_off: plan.cut_off.clone(),
        effective_cut_off: if cut_off == plan.cut_off_at {
            plan.cut_off.clone()
        } else {
            cut_off
                .display_with_offset(crate::clock::zone().to_offset(cut_off))
                .to_string()
        },
        daily_reports_since: plan.data.daily_reports_since().map(|d| d.to_string()),
        source: Source {
            account: plan.source.account.clone(),
            group: plan.source.group.clone(),
            config_fingerprint: resolved.group.group.config.fingerprint(),
        },
        dossiers: survey
            .dossiers
            .iter()
            .map(|d| DossierEntry {
                id: d.id.clone(),
                name: d.name.clone(),
                to_group: d.to_group.clone(),
                counts: stringify(&d.counts),
                digests: d
                    .digests
                    .iter()
                    .map(|(k, v)| (k.to_string(), v.clone()))
                    .collect(),
                left_behind: d.left_behind.clone(),
            })
            .collect(),
        totals: Totals {
            dossiers: survey.dossiers.len() as u64,
            records: stringify(&survey.totals),
            file_bytes: survey.file_bytes,
        },
        left_behind: survey.left_behind.clone(),
        payload_oxum: oxum(&entries),
        entries,
    }
}

/// One warning per dossier with records edited after the cut-off.
fn edited_warnings(survey: &Survey, plan: &Plan) -> Vec<Problem> {
    survey
        .dossiers
        .iter()
        .filter(|d| d.edited_after_cut_off > 0)
        .map(|d| {
            Problem::warning(
                Code::EditedAfterCutOff,
                format!(
                    "dossier {}: {} record(s) were edited after the cut-off {} and move in their current state",
                    d.id, d.edited_after_cut_off, plan.cut_off
                ),
            )
            .dossier(d.id.clone())
        })
        .collect()
}

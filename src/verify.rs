//! Verify (process.md step 5): proves an archive intact, authentic and
//! complete against its manifest and the plan. Every check runs and every
//! finding is collected; nothing is written.

use crate::archive::manifest::{Manifest, oxum};
use crate::archive::reader::{ArchiveReader, Caps};
use crate::archive::source::ArchiveSource;
use crate::archive::{FORMAT, FORMAT_VERSION, MANIFEST, PLAN, SIGNATURE, trusted_comment};
use crate::digest::{HashingReader, LineDigest};
use crate::error::{Error, Result};
use crate::export::walk::LeftBehind;
use crate::keys::VerifyFailure;
use crate::model::kinds::{DataType, KINDS, Kind};
use crate::model::syntax::{self, fold};
use crate::model::{Account, Dossier, Group, Teammate};
use crate::plan::{DossierRef, Plan, Selection};
use crate::problem::{Code, Problem};
use crate::tree::read::{Record, Sink, read_tree};
use jiff::Timestamp;
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::io::Read;
use std::path::Path;

/// The largest manifest read (a manifest lists every entry).
const MAX_MANIFEST: u64 = 512 << 20;

/// What a successful verification shows the user.
#[derive(Debug, Clone, Serialize)]
pub struct Summary {
    pub archive_sha256: String,
    pub migration_id: String,
    pub rehearsal: bool,
    pub created_at: String,
    pub exported_by: String,
    pub signer: String,
    pub trusted_comment: String,
    pub dossiers: u64,
    pub records: BTreeMap<String, u64>,
    pub file_bytes: u64,
    pub left_behind: LeftBehind,
}

/// The outcome: problems, and when the archive could be read, its
/// manifest and the open reader (which `import` goes on with).
pub struct Verified {
    /// The archive file's sha256, to compare with the one the export printed.
    pub archive_sha256: String,
    pub problems: Vec<Problem>,
    pub manifest: Option<Manifest>,
    pub summary: Option<Summary>,
    pub reader: Option<ArchiveReader>,
}

impl Verified {
    pub fn failed(&self) -> bool {
        crate::problem::any_error(&self.problems)
    }
}

/// Verifies the archive at `path` against `plan`.
pub fn verify(
    path: &Path,
    plan: &Plan,
    identities: &[Box<dyn age::Identity + Send + Sync>],
    caps: Caps,
) -> Result<Verified> {
    let archive_sha256 = crate::digest::sha256_file(path)?;
    let (mut reader, mut problems) = match ArchiveReader::open(path, identities, caps) {
        Ok(opened) => opened,
        Err(Error::Invalid(mut problems)) => {
            for p in problems
                .iter_mut()
                .filter(|p| p.code == Code::DecryptFailed)
            {
                p.message = format!("{} ({})", p.message, plan.handover.recipients.join(", "));
            }
            return Ok(Verified {
                archive_sha256: archive_sha256.clone(),
                problems,
                manifest: None,
                summary: None,
                reader: None,
            });
        }
        Err(e) => return Err(e),
    };
    let Some((manifest, comment)) = authenticate(&mut reader, plan, &mut problems) else {
        once_each(&mut problems);
        return Ok(Verified {
            archive_sha256: archive_sha256.clone(),
            problems,
            manifest: None,
            summary: None,
            reader: Some(reader),
        });
    };
    check_against_plan(&manifest, plan, &mut problems);
    check_plan_entry(&mut reader, plan, &mut problems);
    let hashed = check_payload(&mut reader, &manifest, plan, &mut problems)?;
    check_entries(&mut reader, &manifest, &hashed, &mut problems);
    once_each(&mut problems);
    let summary = Summary {
        archive_sha256: archive_sha256.clone(),
        migration_id: manifest.migration_id.clone(),
        rehearsal: manifest.rehearsal,
        created_at: manifest.created_at.clone(),
        exported_by: manifest.operator.clone(),
        signer: plan.handover.signer.clone(),
        trusted_comment: comment,
        dossiers: manifest.totals.dossiers,
        records: manifest.totals.records.clone(),
        file_bytes: manifest.totals.file_bytes,
        left_behind: manifest.left_behind.clone(),
    };
    Ok(Verified {
        archive_sha256,
        problems,
        manifest: Some(manifest),
        summary: Some(summary),
        reader: Some(reader),
    })
}

/// Keeps the first of equal findings, and the first `archive-corrupt`:
/// once the encrypted stream is damaged, every later read past the damage
/// reports the same failure, and an entry read twice (the plan, a capped
/// entry) fails twice alike.
fn once_each(problems: &mut Vec<Problem>) {
    let mut seen = HashSet::new();
    let mut corrupt = false;
    problems.retain(|p| {
        if p.code == Code::ArchiveCorrupt {
            return !std::mem::replace(&mut corrupt, true);
        }
        seen.insert((p.code, p.message.clone(), p.path.clone()))
    });
}

/// Signature, trusted comment, manifest form and version. `None` when the
/// manifest cannot be trusted enough to go on.
fn authenticate(
    reader: &mut ArchiveReader,
    plan: &Plan,
    problems: &mut Vec<Problem>,
) -> Option<(Manifest, String)> {
    let bytes = match reader.read_small(MANIFEST, MAX_MANIFEST) {
        Ok(b) => b,
        Err(p) => {
            if !reader.refused(MANIFEST) {
                problems.push(p);
            }
            return None;
        }
    };
    let comment = match reader.read_small(SIGNATURE, 64 << 10) {
        Err(_) if reader.refused(SIGNATURE) => None,
        Err(p) if p.code == Code::EntryMissing => {
            problems.push(
                Problem::error(
                    Code::SignatureMissing,
                    "the archive holds no manifest.json.minisig: it is not signed",
                )
                .path(SIGNATURE),
            );
            None
        }
        Err(p) => {
            problems.push(p);
            None
        }
        Ok(sig) => signature(&bytes, &sig, plan, problems),
    };
    let manifest: Manifest = match serde_json::from_slice(&bytes) {
        Ok(m) => m,
        Err(e) => {
            problems.push(
                Problem::error(
                    Code::ManifestInvalid,
                    format!("manifest.json does not parse: {e}"),
                )
                .path(MANIFEST),
            );
            return None;
        }
    };
    if manifest.format != FORMAT {
        problems.push(
            Problem::error(
                Code::ManifestInvalid,
                format!("format is `{}`, not `{FORMAT}`", manifest.format),
            )
            .path(MANIFEST),
        );
        return None;
    }
    if manifest.format_version > FORMAT_VERSION {
        problems.push(Problem::error(
            Code::FormatUnsupported,
            format!(
                "the archive has format_version {}; this tool reads up to version {FORMAT_VERSION}: use a newer dossier-transfer",
                manifest.format_version
            ),
        ));
        return None;
    }
    if let Some(c) = &comment {
        let expected = trusted_comment(&manifest.migration_id, &manifest.created_at);
        if c != &expected {
            problems.push(Problem::error(
                Code::MigrationMismatch,
                format!("the signed trusted comment `{c}` does not match the manifest (`{expected}`): a signature of another archive"),
            ));
        }
    }
    if manifest.migration_id != plan.id {
        problems.push(Problem::error(
            Code::MigrationMismatch,
            format!(
                "the manifest is of migration `{}`, the plan is `{}`",
                manifest.migration_id, plan.id
            ),
        ));
    }
    Some((manifest, comment.unwrap_or_default()))
}

fn signature(
    manifest: &[u8],
    sig: &[u8],
    plan: &Plan,
    problems: &mut Vec<Problem>,
) -> Option<String> {
    let text = String::from_utf8_lossy(sig);
    match crate::keys::verify(&plan.handover.signer, manifest, &text) {
        Ok(comment) => {
            if !comment.contains(&format!("migration_id={} ", plan.id)) {
                problems.push(Problem::error(
                    Code::MigrationMismatch,
                    format!("the signature is for another migration: trusted comment `{comment}`"),
                ));
            }
            Some(comment)
        }
        Err(VerifyFailure::KeyInvalid(k)) => {
            problems.push(Problem::error(
                Code::PlanInvalid,
                format!("the plan's signer `{k}` is not a minisign public key"),
            ));
            None
        }
        Err(e) => {
            problems.push(Problem::error(Code::SignatureInvalid, format!("manifest.json: {e}; only an archive signed by the plan's signer is accepted")).path(SIGNATURE));
            None
        }
    }
}

/// The manifest against the plan both owners agreed to.
fn check_against_plan(m: &Manifest, plan: &Plan, problems: &mut Vec<Problem>) {
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
fn check_plan_entry(reader: &mut ArchiveReader, plan: &Plan, problems: &mut Vec<Problem>) {
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

/// Reads the payload as a dossier tree: every record valid for its kind,
/// within the cut-off and `since`, references resolved, counts and
/// digests recomputed. Returns the hashes of the entries it read.
fn check_payload(
    reader: &mut ArchiveReader,
    m: &Manifest,
    plan: &Plan,
    problems: &mut Vec<Problem>,
) -> Result<HashMap<String, (String, u64)>> {
    let listed: Vec<String> = m.entries.iter().map(|e| e.path.clone()).collect();
    let mut sink = Tally::new(m, plan);
    let mut source = ArchiveSource::new(reader, &listed);
    let hashed = source.hashed.clone();
    let outcome = read_tree(&mut source, &mut sink);
    drop(source);
    match outcome {
        Ok(()) => {}
        Err(Error::Invalid(found)) => problems.extend(found),
        Err(Error::Io { path, source }) => {
            problems.push(reader.classify(&path.display().to_string(), &source));
            return Ok(hashed.take());
        }
        Err(e) => return Err(e),
    }
    problems.extend(sink.finish(m));
    Ok(hashed.take())
}

/// Completeness both ways, and every entry's size and sha256.
fn check_entries(
    reader: &mut ArchiveReader,
    m: &Manifest,
    hashed: &HashMap<String, (String, u64)>,
    problems: &mut Vec<Problem>,
) {
    let listed: BTreeSet<&str> = m.entries.iter().map(|e| e.path.as_str()).collect();
    for e in reader.entries() {
        if ![MANIFEST, SIGNATURE].contains(&e.name.as_str()) && !listed.contains(e.name.as_str()) {
            problems.push(
                Problem::error(
                    Code::EntryUnexpected,
                    format!(
                        "entry `{}` is in the archive but not in the manifest",
                        e.name
                    ),
                )
                .path(e.name.clone()),
            );
        }
    }
    if oxum(&m.entries) != m.payload_oxum {
        problems.push(Problem::error(
            Code::ManifestInvalid,
            format!(
                "payload_oxum {} does not match the entries ({})",
                m.payload_oxum,
                oxum(&m.entries)
            ),
        ));
    }
    for e in &m.entries {
        if reader.refused(&e.path) {
            continue;
        }
        if !reader.has(&e.path) {
            problems.push(
                Problem::error(
                    Code::EntryMissing,
                    format!(
                        "entry `{}` is in the manifest but not in the archive",
                        e.path
                    ),
                )
                .path(e.path.clone()),
            );
            continue;
        }
        let (sha, size) = match hashed.get(&e.path) {
            Some(h) => h.clone(),
            None => match hash_entry(reader, &e.path) {
                Ok(h) => h,
                Err(p) => {
                    problems.push(p);
                    continue;
                }
            },
        };
        if size != e.size {
            problems.push(
                Problem::error(
                    Code::EntrySizeMismatch,
                    format!(
                        "entry `{}` holds {size} bytes, the manifest says {}",
                        e.path, e.size
                    ),
                )
                .path(e.path.clone()),
            );
        } else if sha != e.sha256 {
            problems.push(
                Problem::error(
                    Code::EntryChecksumMismatch,
                    format!(
                        "entry `{}` has sha256 {sha}, the manifest says {}",
                        e.path, e.sha256
                    ),
                )
                .path(e.path.clone()),
            );
        }
    }
}

fn hash_entry(reader: &mut ArchiveReader, name: &str) -> Result<(String, u64), Problem> {
    let result = {
        let inner = reader.open_entry(name)?;
        let mut h = HashingReader::new(inner);
        std::io::copy(&mut h, &mut std::io::sink()).map(|_| h.finish())
    };
    result.map_err(|e| reader.classify(name, &e))
}

/// Recounts and re-digests the records as the tree reader hands them over.
struct Tally {
    cut_off: Option<Timestamp>,
    since: Option<jiff::civil::Date>,
    chosen: Vec<DataType>,
    current: Option<String>,
    counts: BTreeMap<(String, &'static str), LineDigest>,
    dossiers: BTreeSet<String>,
    problems: Vec<Problem>,
    group: String,
}

impl Tally {
    fn new(m: &Manifest, plan: &Plan) -> Self {
        Tally {
            cut_off: syntax::timestamp(&m.effective_cut_off),
            since: plan.data.daily_reports_since(),
            chosen: plan.data.chosen_types(),
            current: None,
            counts: BTreeMap::new(),
            dossiers: BTreeSet::new(),
            problems: Vec::new(),
            group: plan.source.group.clone(),
        }
    }

    fn finish(mut self, m: &Manifest) -> Vec<Problem> {
        let listed: BTreeSet<String> = m.dossiers.iter().map(|d| fold(&d.id)).collect();
        for d in &self.dossiers {
            if !listed.contains(&fold(d)) {
                self.problems.push(
                    Problem::error(
                        Code::DossierUnexpected,
                        format!("dossier {d} is in the archive but not in the manifest"),
                    )
                    .dossier(d.clone()),
                );
            }
        }
        let present: BTreeSet<String> = self.dossiers.iter().map(|d| fold(d)).collect();
        for d in &m.dossiers {
            if !present.contains(&fold(&d.id)) {
                self.problems.push(
                    Problem::error(
                        Code::DossierMissing,
                        format!("dossier {} is in the manifest but not in the archive", d.id),
                    )
                    .dossier(d.id.clone()),
                );
                continue;
            }
            for (kind, expected) in &d.counts {
                let key = (d.id.clone(), kind_name(kind));
                let digest = self.counts.remove(&key).unwrap_or_default();
                let found = digest.count();
                if found != *expected {
                    self.problems.push(
                        Problem::error(Code::CountMismatch, format!("dossier {}: {kind}: the manifest says {expected} records, the archive holds {found}", d.id))
                            .dossier(d.id.clone())
                            .kind(kind.clone()),
                    );
                    continue;
                }
                let digest = digest.finish();
                if d.digests.get(kind) != Some(&digest) {
                    self.problems.push(
                        Problem::error(Code::DigestMismatch, format!("dossier {}: {kind}: the records' content digest is {digest}, the manifest says {}", d.id, d.digests.get(kind).map(String::as_str).unwrap_or("nothing")))
                            .dossier(d.id.clone())
                            .kind(kind.clone()),
                    );
                }
            }
        }
        for ((dossier, kind), digest) in self.counts {
            // A dossier the manifest does not list is reported above.
            if digest.count() > 0
                && listed.contains(&fold(&dossier))
                && self
                    .chosen
                    .iter()
                    .any(|dt| dt.kinds().any(|k| k.name == kind))
            {
                self.problems.push(
                    Problem::error(
                        Code::CountMismatch,
                        format!(
                            "dossier {dossier}: {kind}: {} records the manifest does not count",
                            digest.count()
                        ),
                    )
                    .dossier(dossier)
                    .kind(kind),
                );
            }
        }
        self.problems
    }
}

fn kind_name(name: &str) -> &'static str {
    crate::model::kinds::kind(name)
        .map(|k| k.name)
        .unwrap_or("unknown")
}

impl Sink for Tally {
    fn account(&mut self, _: &Account) -> Result<()> {
        Ok(())
    }

    fn group(&mut self, group: &Group) -> Result<()> {
        if group.key != self.group {
            self.problems.push(Problem::error(
                Code::PlanMismatch,
                format!(
                    "the archive holds group `{}`, the plan's source group is `{}`",
                    group.key, self.group
                ),
            ));
        }
        Ok(())
    }

    fn teammates(&mut self, _: &[Teammate]) -> Result<()> {
        Ok(())
    }

    fn dossier(&mut self, _: &str, dossier: &Dossier) -> Result<()> {
        self.dossiers.insert(dossier.id.clone());
        self.current = Some(dossier.id.clone());
        Ok(())
    }

    fn record(&mut self, kind: &'static Kind, record: Record) -> Result<()> {
        let dossier = self.current.clone().unwrap_or_default();
        let id = &record.checked.id;
        if !self.chosen.contains(&kind.data_type) {
            self.problems.push(
                Problem::error(Code::KindUnexpected, format!("dossier {dossier}: {} record {id}: the plan does not choose this data type", kind.name))
                    .dossier(dossier.clone())
                    .kind(kind.name),
            );
        }
        if let Some(cut_off) = self.cut_off
            && record.checked.created_at > cut_off
        {
            self.problems.push(
                Problem::error(
                    Code::RecordAfterCutOff,
                    format!(
                        "dossier {dossier}: {} record {id} was entered after the cut-off",
                        kind.name
                    ),
                )
                .dossier(dossier.clone())
                .kind(kind.name),
            );
        }
        if kind.data_type == DataType::DailyReports
            && let (Some(since), Some(date)) = (
                self.since,
                record
                    .fields
                    .get("date")
                    .and_then(|v| v.as_str())
                    .and_then(syntax::date),
            )
            && date < since
        {
            self.problems.push(
                Problem::error(
                    Code::RecordBeforeSince,
                    format!("dossier {dossier}: report {id} is dated {date}, before {since}"),
                )
                .dossier(dossier.clone())
                .kind(kind.name),
            );
        }
        self.counts
            .entry((dossier, kind.name))
            .or_default()
            .push(&record.line);
        Ok(())
    }

    fn file(&mut self, _: &str, _: u64, _: &mut dyn Read) -> Result<()> {
        Ok(())
    }

    fn after_problems(&self) -> bool {
        true
    }
}

//! Is the payload what the manifest lists: every entry hashed, every record
//! checked and counted.

use crate::archive::manifest::{Entry, Manifest, oxum};
use crate::archive::reader::ArchiveReader;
use crate::archive::source::ArchiveSource;
use crate::archive::{MANIFEST, SIGNATURE};
use crate::digest::{HashingReader, LineDigest};
use crate::error::{Error, Result};
use crate::model::kinds::{DataType, Kind};
use crate::model::syntax::{self, fold};
use crate::model::{Account, Dossier, Group, Teammate};
use crate::plan::{DataChoice, Plan};
use crate::problem::{Code, Problem};
use crate::tree::read::{Record, Sink, read_tree};
use jiff::Timestamp;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::io::Read;

/// Reads the payload as a dossier tree: every record valid for its kind,
/// within the cut-off and `since`, references resolved, counts and
/// digests recomputed. Returns the hashes of the entries it read.
pub(super) fn check_payload(
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
pub(super) fn check_entries(
    reader: &mut ArchiveReader,
    m: &Manifest,
    hashed: &HashMap<String, (String, u64)>,
    problems: &mut Vec<Problem>,
) {
    let listed: BTreeSet<&str> = m.entries.iter().map(|e| e.path.as_str()).collect();
    for e in reader.entries() {
        if ![MANIFEST, SIGNATURE].contains(&e.name.as_str()) && !listed.contains(e.name.as_str()) {
            let message = format!(
                "entry `{}` is in the archive but not in the manifest",
                e.name
            );
            problems.push(Problem::error(Code::EntryUnexpected, message).path(e.name.clone()));
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
        if !reader.refused(&e.path) {
            problems.extend(check_entry(reader, e, hashed));
        }
    }
}

/// One listed entry against the archive: present, its size, its sha256.
fn check_entry(
    reader: &mut ArchiveReader,
    e: &Entry,
    hashed: &HashMap<String, (String, u64)>,
) -> Option<Problem> {
    let (code, message) = if !reader.has(&e.path) {
        let message = format!(
            "entry `{}` is in the manifest but not in the archive",
            e.path
        );
        (Code::EntryMissing, message)
    } else {
        let (sha, size) = match hashed.get(&e.path) {
            Some(h) => h.clone(),
            None => match hash_entry(reader, &e.path) {
                Ok(h) => h,
                Err(p) => return Some(p),
            },
        };
        if size != e.size {
            let message = format!(
                "entry `{}` holds {size} bytes, the manifest says {}",
                e.path, e.size
            );
            (Code::EntrySizeMismatch, message)
        } else if sha != e.sha256 {
            let message = format!(
                "entry `{}` has sha256 {sha}, the manifest says {}",
                e.path, e.sha256
            );
            (Code::EntryChecksumMismatch, message)
        } else {
            return None;
        }
    };
    Some(Problem::error(code, message).path(e.path.clone()))
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
    data: DataChoice,
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
            data: plan.data.clone(),
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
        if let Some(since) = self.data.since(kind.data_type)
            && let Some(date) = kind.dated_before(&record.fields, since)
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

//! Validates a whole dossier tree and hands what it holds to a [`Sink`].
//!
//! Every rule of tree-format.md and domain.md is checked; every problem
//! names the file and the line (`.jsonl`) or field path (`.json`). After the
//! first problem the sink is no longer called, but checking goes on, so one
//! run lists everything that is wrong.

mod contents;
mod deferred;
mod json;
mod records;

use super::layout::{self, Entry};
use crate::error::{Error, Result};
use crate::model::kinds::Kind;
use crate::model::validate::Checked;
use crate::model::{Account, Dossier, Group, Teammate};
use crate::problem::{Code, Problem};
use crate::tree::source::TreeSource;
use deferred::Deferred;
use serde_json::{Map, Value};
use std::collections::{BTreeMap, HashMap, HashSet};
use std::io::Read;

/// The most problems listed; past it, one line says how many more there were.
const MAX_PROBLEMS: usize = 500;

/// The code of a problem with the tree's layout or its JSON files.
pub const CODE: Code = Code::TreeInvalid;
/// A record that breaks a rule of its kind.
pub const RECORD: Code = Code::RecordInvalid;
/// A reference that does not resolve inside the tree.
pub const DANGLING: Code = Code::ReferenceDangling;

/// Receives a tree's contents while it is read, in this order: account,
/// groups, teammates, then per dossier its `dossier.json` and records, then
/// file contents.
pub trait Sink {
    fn account(&mut self, account: &Account) -> Result<()>;
    fn group(&mut self, group: &Group) -> Result<()>;
    fn teammates(&mut self, teammates: &[Teammate]) -> Result<()>;
    fn dossier(&mut self, group: &str, dossier: &Dossier) -> Result<()>;
    /// One valid record: its parsed form and its canonical JSON line (the
    /// sink owns it, so it can reshape it without a copy).
    fn record(&mut self, kind: &'static Kind, record: Record) -> Result<()>;
    /// File contents; the caller checks the digest after the sink read it.
    fn file(&mut self, sha256: &str, size: u64, content: &mut dyn Read) -> Result<()>;
    /// Whether the sink wants every valid item even after a problem (a
    /// checker that only counts); a sink that writes does not.
    fn after_problems(&self) -> bool {
        false
    }
}

/// A valid record as the sink sees it.
pub struct Record {
    pub fields: Map<String, Value>,
    pub checked: Checked,
    pub line: String,
}

/// Reads and checks the tree in `source`, feeding `sink` while no problem
/// has been found. `Err(Error::Invalid)` lists every problem.
pub fn read_tree(source: &mut dyn TreeSource, sink: &mut dyn Sink) -> Result<()> {
    let entries = source.entries()?;
    let mut r = Reader {
        sink,
        problems: Vec::new(),
        dropped: 0,
        layout: Layout::default(),
        ids: HashMap::new(),
        dossier_ids: HashSet::new(),
        deferred: Vec::new(),
        record_files: Vec::new(),
        files: BTreeMap::new(),
    };
    r.classify(&entries);
    r.read_all(source)?;
    if r.problems.is_empty() {
        return Ok(());
    }
    if r.dropped > 0 {
        r.problems.push(Problem::error(
            CODE,
            format!("… and {} more problems", r.dropped),
        ));
    }
    Err(Error::Invalid(r.problems))
}

#[derive(Default)]
struct Layout {
    account: bool,
    teammates: bool,
    groups: BTreeMap<String, GroupSlot>,
    files: Vec<String>,
}

/// A group folder: whether it has its group.json, and its dossier folders.
#[derive(Default)]
struct GroupSlot {
    present: bool,
    dossiers: BTreeMap<String, DossierSlot>,
}

/// A dossier folder: whether it has its dossier.json, and its record files.
#[derive(Default)]
struct DossierSlot {
    present: bool,
    kinds: Vec<&'static Kind>,
}

struct Reader<'a> {
    sink: &'a mut dyn Sink,
    problems: Vec<Problem>,
    dropped: usize,
    layout: Layout,
    /// kind -> hashes of the folded ids seen (8 bytes an id, however long:
    /// an account of millions of records stays within tens of MiB)
    ids: HashMap<&'static str, HashSet<u64>>,
    dossier_ids: HashSet<String>,
    deferred: Vec<Deferred>,
    /// (dossier id, path) of each `.jsonl` file read, for `Deferred`
    record_files: Vec<(String, String)>,
    /// sha256 -> (size, where first named) from `files` records
    files: BTreeMap<String, Vec<(u64, String)>>,
}

impl Reader<'_> {
    fn problem(&mut self, p: Problem) {
        if self.problems.len() < MAX_PROBLEMS {
            self.problems.push(p);
        } else {
            self.dropped += 1;
        }
    }

    fn at(&mut self, path: &str, message: impl std::fmt::Display) {
        self.problem(Problem::error(CODE, format!("{path}: {message}")).path(path));
    }

    fn at_line(&mut self, path: &str, line: usize, message: impl std::fmt::Display) {
        self.coded(RECORD, path, line, message);
    }

    fn coded(&mut self, code: Code, path: &str, line: usize, message: impl std::fmt::Display) {
        self.problem(Problem::error(code, format!("{path} line {line}: {message}")).path(path));
    }

    /// Whether the sink is still fed.
    fn ok(&self) -> bool {
        self.problems.is_empty() || self.sink.after_problems()
    }

    fn classify(&mut self, entries: &[String]) {
        for path in entries {
            match layout::classify(path) {
                Some(Entry::Account) => self.layout.account = true,
                Some(Entry::Teammates) => self.layout.teammates = true,
                Some(Entry::Group(g)) => self.group_slot(g).present = true,
                Some(Entry::Dossier(g, d)) => self.dossier_slot(g, d).present = true,
                Some(Entry::Records(g, d, k)) => self.dossier_slot(g, d).kinds.push(k),
                Some(Entry::File(sha)) => self.layout.files.push(sha.to_owned()),
                None => self.at(path, "not part of a dossier tree (see tree-format.md)"),
            }
        }
    }

    fn group_slot(&mut self, g: &str) -> &mut GroupSlot {
        self.layout.groups.entry(g.to_owned()).or_default()
    }

    fn dossier_slot(&mut self, g: &str, d: &str) -> &mut DossierSlot {
        self.group_slot(g).dossiers.entry(d.to_owned()).or_default()
    }

    fn read_all(&mut self, source: &mut dyn TreeSource) -> Result<()> {
        self.read_account(source)?;
        let groups: Vec<(String, bool)> = self
            .layout
            .groups
            .iter()
            .map(|(k, v)| (k.clone(), v.present))
            .collect();
        let mut configs = BTreeMap::new();
        for (key, present) in &groups {
            if let Some(group) = self.read_group(source, key, *present)? {
                configs.insert(key.clone(), group);
            }
        }
        self.read_teammates(source, &configs)?;
        self.collect_dossier_ids();
        for (key, _) in &groups {
            let dossiers = std::mem::take(&mut self.group_slot(key).dossiers);
            for (id, slot) in dossiers {
                self.read_dossier(
                    source,
                    key,
                    &id,
                    slot.present,
                    &slot.kinds,
                    configs.get(key),
                )?;
            }
        }
        self.resolve_deferred();
        self.read_files(source)
    }
}

/// A 64-bit hash of a folded id. Two different ids sharing one (a chance
/// of about 2^-64 per pair) would be reported as a duplicate, never missed.
fn id_hash(folded: &str) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut h = std::collections::hash_map::DefaultHasher::new();
    folded.hash(&mut h);
    h.finish()
}

/// The name of the field holding file contents' sha256 in `kind`, if any.
pub fn sha256_field(kind: &Kind) -> Option<&'static str> {
    kind.content.map(|c| c.sha256)
}

//! Validates a whole dossier tree and hands what it holds to a [`Sink`].
//!
//! Every rule of tree-format.md and domain.md is checked; every problem
//! names the file and the line (`.jsonl`) or field path (`.json`). After the
//! first problem the sink is no longer called, but checking goes on, so one
//! run lists everything that is wrong.

use super::layout::{self, Entry};
use super::lines::{LineError, Lines};
use super::source::TreeSource;
use crate::digest::HashingReader;
use crate::error::{Error, Result};
use crate::model::kinds::{Kind, KindId, Scope, Target, dossier_order};
use crate::model::refs::Local;
use crate::model::syntax::{self, fold};
use crate::model::validate::{Checked, Reference, check_record};
use crate::model::{Account, Dossier, Group, Teammate};
use crate::problem::{Code, Problem};
use serde_json::{Map, Value};
use std::collections::{BTreeMap, HashMap, HashSet};
use std::io::{BufReader, Read};

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

/// A parsed line, or its number and what is wrong with it.
type Line = Result<(usize, Map<String, Value>), (usize, String)>;

/// A reference to resolve once everything has been read; `file` indexes
/// `Reader::record_files`, so a million references do not carry a million
/// copies of their file's path.
struct Deferred {
    reference: Reference,
    file: usize,
    line: usize,
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

    /// Parses a `.json` entry into `T`, naming the field path of an error.
    fn json<T: serde::de::DeserializeOwned>(
        &mut self,
        source: &mut dyn TreeSource,
        path: &str,
    ) -> Result<Option<T>> {
        // A key twice would be dropped silently by the typed parse below.
        match crate::json::check_reader(source.open(path)?) {
            Err(e) if e.is_io() => return Err(Error::io(path, std::io::Error::other(e))),
            // Syntax errors are left to the typed parse, which names the field.
            Err(e) if e.is_data() => {
                self.at(path, e);
                return Ok(None);
            }
            _ => {}
        }
        let reader = source.open(path)?;
        let mut de = serde_json::Deserializer::from_reader(reader);
        match serde_path_to_error::deserialize::<_, T>(&mut de) {
            Ok(v) => match de.end() {
                Ok(()) => Ok(Some(v)),
                Err(e) if e.is_io() => Err(Error::io(path, std::io::Error::other(e))),
                Err(e) => {
                    self.at(path, format!("text after the JSON value: {e}"));
                    Ok(None)
                }
            },
            Err(e) => {
                let field = e.path().to_string();
                let inner = e.into_inner();
                if inner.is_io() {
                    return Err(Error::io(path, std::io::Error::other(inner)));
                }
                let at = if field == "." {
                    String::new()
                } else {
                    format!("{field}: ")
                };
                self.at(path, format!("{at}{inner}"));
                Ok(None)
            }
        }
    }

    fn read_account(&mut self, source: &mut dyn TreeSource) -> Result<()> {
        if !self.layout.account {
            self.at(
                layout::ACCOUNT,
                "missing: every tree starts with account.json",
            );
            return Ok(());
        }
        let Some(account) = self.json::<Account>(source, layout::ACCOUNT)? else {
            return Ok(());
        };
        if !syntax::is_key(&account.slug) {
            self.at(
                layout::ACCOUNT,
                format!(
                    "slug: `{}` is not a slug ([a-z0-9][a-z0-9-]{{0,63}})",
                    account.slug
                ),
            );
        }
        if !syntax::is_email(&account.owner.email) {
            self.at(
                layout::ACCOUNT,
                format!(
                    "owner.email: `{}` is not an e-mail address",
                    account.owner.email
                ),
            );
        }
        if self.ok() {
            self.sink.account(&account)?;
        }
        Ok(())
    }

    fn read_group(
        &mut self,
        source: &mut dyn TreeSource,
        key: &str,
        present: bool,
    ) -> Result<Option<Group>> {
        let path = layout::group_json(key);
        if !present {
            self.at(&path, "missing: every group folder needs its group.json");
            return Ok(None);
        }
        let Some(group) = self.json::<Group>(source, &path)? else {
            return Ok(None);
        };
        if group.key != key {
            self.at(
                &path,
                format!("key: `{}` differs from the folder name `{key}`", group.key),
            );
        } else if !syntax::is_key(key) {
            self.at(
                &path,
                format!("key: `{key}` is not a group key ([a-z0-9][a-z0-9-]{{0,63}})"),
            );
        }
        for (field, message) in group.config.violations() {
            self.at(&path, format!("{field}: {message}"));
        }
        if self.ok() {
            self.sink.group(&group)?;
        }
        Ok(Some(group))
    }

    fn read_teammates(
        &mut self,
        source: &mut dyn TreeSource,
        groups: &BTreeMap<String, Group>,
    ) -> Result<()> {
        if !self.layout.teammates {
            if self.ok() {
                self.sink.teammates(&[])?;
            }
            return Ok(());
        }
        let path = layout::TEAMMATES;
        let Some(teammates) = self.json::<Vec<Teammate>>(source, path)? else {
            return Ok(());
        };
        let mut seen = HashSet::new();
        for (i, t) in teammates.iter().enumerate() {
            if !syntax::is_email(&t.email) {
                self.at(
                    path,
                    format!("[{i}].email: `{}` is not an e-mail address", t.email),
                );
            } else if !seen.insert(fold(&t.email)) {
                self.at(
                    path,
                    format!(
                        "[{i}].email: `{}` appears twice (e-mails compare case-insensitively)",
                        t.email
                    ),
                );
            }
            for (j, g) in t.groups.iter().enumerate() {
                if !groups.contains_key(g) {
                    self.at(
                        path,
                        format!("[{i}].groups[{j}]: group `{g}` is not in this tree"),
                    );
                }
            }
        }
        if self.ok() {
            self.sink.teammates(&teammates)?;
        }
        Ok(())
    }

    fn collect_dossier_ids(&mut self) {
        let all: Vec<(String, String)> = self
            .layout
            .groups
            .iter()
            .flat_map(|(g, slot)| slot.dossiers.keys().map(move |d| (g.clone(), d.clone())))
            .collect();
        for (g, d) in all {
            if !syntax::is_id(&d) {
                self.at(
                    &layout::dossier_dir(&g, &d),
                    format!("`{d}` is not a dossier id"),
                );
            } else if !self.dossier_ids.insert(fold(&d)) {
                self.at(
                    &layout::dossier_dir(&g, &d),
                    format!("dossier id `{d}` is used twice in this account"),
                );
            }
        }
    }

    fn read_dossier(
        &mut self,
        source: &mut dyn TreeSource,
        group: &str,
        id: &str,
        present: bool,
        kinds: &[&'static Kind],
        config: Option<&Group>,
    ) -> Result<()> {
        let path = layout::dossier_json(group, id);
        if !present {
            self.at(
                &path,
                "missing: every dossier folder needs its dossier.json",
            );
        } else if let Some(dossier) = self.json::<Dossier>(source, &path)? {
            self.check_dossier(&path, id, &dossier);
            if self.ok() {
                self.sink.dossier(group, &dossier)?;
            }
        }
        let Some(group_def) = config else {
            return Ok(());
        };
        // Referenced kinds first, so that a report's `file_ids` can be
        // checked against the dossier's files.
        let mut local = Local::default();
        for kind in dossier_order()
            .into_iter()
            .filter(|k| kinds.iter().any(|x| x.id == k.id))
        {
            self.read_records(source, group, id, kind, group_def, &mut local)?;
        }
        Ok(())
    }

    fn check_dossier(&mut self, path: &str, id: &str, d: &Dossier) {
        if d.id != id {
            self.at(
                path,
                format!("id: `{}` differs from the folder name `{id}`", d.id),
            );
        }
        if let Some(bsn) = &d.bsn
            && !syntax::is_bsn(bsn)
        {
            self.at(
                path,
                format!("bsn: `{bsn}` is not a valid BSN (nine digits passing the eleven-test)"),
            );
        }
        if let Some(date) = &d.birth_date
            && syntax::date(date).is_none()
        {
            self.at(
                path,
                format!("birth_date: `{date}` is not a date YYYY-MM-DD"),
            );
        }
        for (field, value) in [("created_at", &d.created_at), ("updated_at", &d.updated_at)] {
            if syntax::timestamp(value).is_none() {
                self.at(
                    path,
                    format!("{field}: `{value}` is not an RFC 3339 timestamp with offset"),
                );
            }
        }
        for (i, c) in d.contacts.iter().enumerate() {
            if let Some(email) = &c.email
                && !syntax::is_email(email)
            {
                self.at(
                    path,
                    format!("contacts[{i}].email: `{email}` is not an e-mail address"),
                );
            }
        }
    }

    fn read_records(
        &mut self,
        source: &mut dyn TreeSource,
        group: &str,
        dossier: &str,
        kind: &'static Kind,
        group_def: &Group,
        local: &mut Local,
    ) -> Result<()> {
        let path = layout::records(group, dossier, kind.name);
        let max = source.max_line();
        let reader = source.open(&path)?;
        let mut lines = Lines::new(BufReader::new(reader), max);
        let mut found = Vec::new();
        while let Some(next) = lines.next_line() {
            match next {
                Ok((n, text)) => found.push(parse_line(text).map(|v| (n, v)).map_err(|m| (n, m))),
                Err(LineError::Io(e)) => return Err(Error::io(&path, e)),
                Err(LineError::TooLong { line, max }) => {
                    found.push(Err((line, format!("line longer than {max} bytes"))));
                    break;
                }
                Err(LineError::NotUtf8 { line }) => found.push(Err((line, "not UTF-8".to_owned()))),
            }
            if found.len() >= 1024 {
                self.take_records(&path, dossier, kind, group_def, local, &mut found)?;
            }
        }
        drop(lines);
        self.take_records(&path, dossier, kind, group_def, local, &mut found)
    }

    #[allow(clippy::too_many_arguments)]
    fn take_records(
        &mut self,
        path: &str,
        dossier: &str,
        kind: &'static Kind,
        group: &Group,
        local: &mut Local,
        found: &mut Vec<Line>,
    ) -> Result<()> {
        for item in found.drain(..) {
            match item {
                Err((line, message)) => self.at_line(path, line, message),
                Ok((line, fields)) => {
                    self.take_record(path, line, dossier, kind, group, local, fields)?
                }
            }
        }
        Ok(())
    }

    #[allow(clippy::too_many_arguments)]
    fn take_record(
        &mut self,
        path: &str,
        line: usize,
        dossier: &str,
        kind: &'static Kind,
        group: &Group,
        local: &mut Local,
        fields: Map<String, Value>,
    ) -> Result<()> {
        let checked = match check_record(kind, &fields, &group.config) {
            Ok(c) => c,
            Err(errors) => {
                for e in errors {
                    self.at_line(path, line, e);
                }
                return Ok(());
            }
        };
        if checked.created_at.as_nanosecond() > i128::from(i64::MAX)
            || checked.created_at.as_nanosecond() < i128::from(i64::MIN)
        {
            self.at_line(path, line, "`created_at` is outside the years 1678-2262");
            return Ok(());
        }
        let folded = fold(&checked.id);
        if !self
            .ids
            .entry(kind.name)
            .or_default()
            .insert(id_hash(&folded))
        {
            self.at_line(
                path,
                line,
                format!(
                    "id `{}` is used twice for kind {} in this account",
                    checked.id, kind.name
                ),
            );
            return Ok(());
        }
        local.note(kind.id, &checked.id);
        if kind.content.is_some() {
            self.note_file(kind, &fields, path, line);
        }
        for reference in &checked.refs {
            if let Target::Kind(to, Scope::Dossier) = reference.to {
                let Reference { field, id, .. } = reference;
                if !local.contains(to, id) {
                    let noun = to.kind().noun;
                    self.at_line(
                        path,
                        line,
                        format!("{field}: `{id}` is not {noun} of this dossier"),
                    );
                }
            } else {
                if self.record_files.last().is_none_or(|(_, p)| p != path) {
                    self.record_files
                        .push((dossier.to_owned(), path.to_owned()));
                }
                self.deferred.push(Deferred {
                    reference: reference.clone(),
                    file: self.record_files.len() - 1,
                    line,
                });
            }
        }
        if self.ok() {
            let line = crate::canonical::object(&fields);
            self.sink.record(
                kind,
                Record {
                    fields,
                    checked,
                    line,
                },
            )?;
        }
        Ok(())
    }

    fn note_file(&mut self, kind: &Kind, fields: &Map<String, Value>, path: &str, line: usize) {
        let Some(content) = kind.content else {
            return;
        };
        let sha = fields.get(content.sha256).and_then(Value::as_str);
        let size = fields.get(content.size).and_then(Value::as_u64);
        if let (Some(sha), Some(size)) = (sha, size) {
            self.files
                .entry(sha.to_owned())
                .or_default()
                .push((size, format!("{path} line {line}")));
        }
    }

    fn resolve_deferred(&mut self) {
        let files = std::mem::take(&mut self.record_files);
        for d in std::mem::take(&mut self.deferred) {
            let (dossier, path) = &files[d.file];
            let message = self.dangling(&d.reference, dossier);
            if let Some(m) = message {
                self.coded(DANGLING, path, d.line, m);
            }
        }
    }

    /// What is wrong with a reference resolved against the whole account.
    fn dangling(&self, reference: &Reference, dossier: &str) -> Option<String> {
        let Reference { field, to, id } = reference;
        match to {
            Target::Dossier if fold(id) == fold(dossier) => {
                Some(format!("{field}: `{id}` is this dossier itself"))
            }
            Target::Dossier if !self.dossier_ids.contains(&fold(id)) => {
                Some(format!("{field}: dossier `{id}` is not in this account"))
            }
            Target::Kind(k, _) if !self.has_record(*k, id) => {
                let noun = k.kind().noun;
                Some(format!("{field}: `{id}` is not {noun} of this account"))
            }
            _ => None,
        }
    }

    fn has_record(&self, kind: KindId, id: &str) -> bool {
        self.ids
            .get(kind.name())
            .is_some_and(|ids| ids.contains(&id_hash(&fold(id))))
    }

    fn read_files(&mut self, source: &mut dyn TreeSource) -> Result<()> {
        let present: Vec<String> = std::mem::take(&mut self.layout.files);
        let present_set: HashSet<&String> = present.iter().collect();
        for (sha, named) in &self.files.clone() {
            if !present_set.contains(sha) {
                let (_, at) = &named[0];
                let path = layout::file(sha);
                self.problem(
                    Problem::error(DANGLING, format!("{path}: missing, but named by {at}"))
                        .path(path),
                );
            }
        }
        for sha in &present {
            let path = layout::file(sha);
            let Some(named) = self.files.get(sha).cloned() else {
                self.at(&path, "no files record names this content");
                continue;
            };
            let expected = named[0].0;
            let mut reader = HashingReader::new(source.open(&path)?);
            if self.ok() {
                self.sink.file(sha, expected, &mut reader)?;
            }
            std::io::copy(&mut reader, &mut std::io::sink()).map_err(|e| Error::io(&path, e))?;
            let (actual, size) = reader.finish();
            if &actual != sha {
                self.at(
                    &path,
                    format!("content has sha256 {actual}, not the {sha} of its name"),
                );
            }
            for (declared, at) in &named {
                if *declared != size {
                    self.at(
                        &path,
                        format!("content is {size} bytes, but {at} says size {declared}"),
                    );
                }
            }
        }
        Ok(())
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

/// Parses one line into an object.
fn parse_line(text: &str) -> Result<Map<String, Value>, String> {
    match crate::json::from_str(text) {
        Ok(Value::Object(map)) => Ok(map),
        Ok(other) => Err(format!("expected a JSON object, found {other}")),
        Err(e) => Err(format!("not valid JSON: {e}")),
    }
}

/// The name of the field holding file contents' sha256 in `kind`, if any.
pub fn sha256_field(kind: &Kind) -> Option<&'static str> {
    kind.content.map(|c| c.sha256)
}

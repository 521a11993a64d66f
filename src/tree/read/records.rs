//! Each dossier's `.jsonl` record files, checked line by line.

use super::{Reader, Record, id_hash};
use crate::error::{Error, Result};
use crate::model::kinds::{Kind, Scope, Target, dossier_order};
use crate::model::refs::Local;
use crate::model::syntax::fold;
use crate::model::validate::{Checked, Reference, check_record};
use crate::model::{Dossier, Group};
use crate::tree::layout;
use crate::tree::lines::{LineError, Lines};
use crate::tree::source::TreeSource;
use serde_json::{Map, Value};
use std::io::BufReader;

/// A parsed line, or its number and what is wrong with it.
type Line = Result<(usize, Map<String, Value>), (usize, String)>;

impl Reader<'_> {
    pub(super) fn read_dossier(
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
        let Some(checked) = self.check(path, line, kind, group, &fields) else {
            return Ok(());
        };
        if !self.first_use(path, line, kind, &checked.id) {
            return Ok(());
        }
        local.note(kind.id, &checked.id);
        if kind.content.is_some() {
            self.note_file(kind, &fields, path, line);
        }
        for reference in &checked.refs {
            self.take_reference(path, line, dossier, local, reference);
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

    /// The record checked against its kind and the group's configuration,
    /// or `None` once what is wrong has been named.
    fn check(
        &mut self,
        path: &str,
        line: usize,
        kind: &Kind,
        group: &Group,
        fields: &Map<String, Value>,
    ) -> Option<Checked> {
        let checked = match check_record(kind, fields, &group.config) {
            Ok(c) => c,
            Err(errors) => {
                for e in errors {
                    self.at_line(path, line, e);
                }
                return None;
            }
        };
        // The store keeps `created_at` as i64 nanoseconds.
        if checked.created_at.as_nanosecond() > i128::from(i64::MAX)
            || checked.created_at.as_nanosecond() < i128::from(i64::MIN)
        {
            self.at_line(path, line, "`created_at` is outside the years 1678-2262");
            return None;
        }
        Some(checked)
    }

    /// Whether `id` is new for its kind in this account; a second use is
    /// named.
    fn first_use(&mut self, path: &str, line: usize, kind: &Kind, id: &str) -> bool {
        let folded = fold(id);
        if self
            .ids
            .entry(kind.name)
            .or_default()
            .insert(id_hash(&folded))
        {
            return true;
        }
        self.at_line(
            path,
            line,
            format!(
                "id `{}` is used twice for kind {} in this account",
                id, kind.name
            ),
        );
        false
    }

    /// A reference within the dossier is checked now, its kind having been
    /// read first; any other waits until the whole account has been read.
    fn take_reference(
        &mut self,
        path: &str,
        line: usize,
        dossier: &str,
        local: &Local,
        reference: &Reference,
    ) {
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
            self.defer(dossier, path, line, reference);
        }
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
}

/// Parses one line into an object.
fn parse_line(text: &str) -> Result<Map<String, Value>, String> {
    match crate::json::from_str(text) {
        Ok(Value::Object(map)) => Ok(map),
        Ok(other) => Err(format!("expected a JSON object, found {other}")),
        Err(e) => Err(format!("not valid JSON: {e}")),
    }
}

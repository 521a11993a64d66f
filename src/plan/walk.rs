//! Walking the TOML by hand: line numbers, typed getters that record a
//! problem instead of failing, and the problems found so far.

use std::fmt::Display;
use std::ops::Range;

use jiff::civil::Date;
use toml::Spanned;
use toml::de::{DeTable, DeValue};

use super::lexical::parse_date;
use super::{PLAN_INVALID, UNKNOWN_KEY};
use crate::problem::{Code, Problem};

// ---------------------------------------------------------------------------
// Reading context: line numbers and the problems found so far.

pub(super) struct Cx<'t> {
    pub(super) file: &'t str,
    pub(super) newlines: Vec<usize>,
    pub(super) found: Vec<(usize, Problem)>,
}

impl<'t> Cx<'t> {
    pub(super) fn new(text: &'t str, file: &'t str) -> Self {
        let newlines = text.match_indices('\n').map(|(i, _)| i).collect();
        Cx {
            file,
            newlines,
            found: Vec::new(),
        }
    }

    /// 1-based line of a byte offset.
    pub(super) fn line(&self, span: &Range<usize>) -> usize {
        self.newlines.partition_point(|&n| n < span.start) + 1
    }

    pub(super) fn report(&mut self, code: Code, line: usize, what: &str, msg: impl Display) {
        let message = format!("{} line {line}: {what}: {msg}", self.file);
        self.found.push((line, Problem::error(code, message)));
    }

    pub(super) fn invalid(&mut self, line: usize, what: &str, msg: impl Display) {
        self.report(PLAN_INVALID, line, what, msg);
    }

    pub(super) fn syntax_error(&mut self, e: &toml::de::Error) {
        let line = e.span().map_or(1, |s| self.line(&s));
        let msg = e.message().trim_end().replace('\n', "; ");
        self.invalid(line, "TOML syntax", msg);
    }

    pub(super) fn has_errors(&self) -> bool {
        self.found.iter().any(|(_, p)| p.is_error())
    }

    pub(super) fn finish(mut self) -> Vec<Problem> {
        self.found.sort_by_key(|(line, _)| *line);
        self.found.dedup();
        self.found.into_iter().map(|(_, p)| p).collect()
    }
}

/// The outcome of reading one key: absent, present but unusable (already
/// reported), or a value with its line.
pub(super) enum Got<T> {
    Absent,
    Bad,
    Ok(T, usize),
}

/// One TOML table with the name used for it in messages.
pub(super) struct Section<'a, 'i> {
    /// Dotted path of the table (`consent.source_owner`); empty at the top.
    pub(super) path: String,
    /// Put before a key in messages: `[source] `, `[[dossiers.select]] #2 `.
    pub(super) prefix: String,
    pub(super) table: &'a DeTable<'i>,
    /// Line of the table's header, where missing keys are reported.
    pub(super) line: usize,
}

impl<'a, 'i> Section<'a, 'i> {
    pub(super) fn root(table: &'a DeTable<'i>) -> Self {
        Section {
            path: String::new(),
            prefix: String::new(),
            table,
            line: 1,
        }
    }

    pub(super) fn what(&self, key: &str) -> String {
        format!("{}{key}", self.prefix)
    }

    pub(super) fn name(&self) -> &str {
        self.prefix.trim_end()
    }

    pub(super) fn raw(&self, key: &str) -> Option<&'a Spanned<DeValue<'i>>> {
        self.table.get(key)
    }

    pub(super) fn unknown_keys(&self, cx: &mut Cx, allowed: &[&str]) {
        for (key, _) in self.table.iter() {
            if !allowed.contains(&key.get_ref().as_ref()) {
                let msg = format!("unknown key; expected one of: {}", allowed.join(", "));
                cx.report(
                    UNKNOWN_KEY,
                    cx.line(&key.span()),
                    &self.what(key.get_ref()),
                    msg,
                );
            }
        }
    }

    pub(super) fn missing(&self, cx: &mut Cx, key: &str) {
        cx.invalid(self.line, &self.what(key), "missing (required)");
    }

    /// Reads a value with `f`, reporting a wrong type with `code`.
    pub(super) fn typed<T>(
        &self,
        cx: &mut Cx,
        key: &str,
        (expected, code): (&str, Code),
        f: impl Fn(&DeValue<'i>) -> Option<T>,
    ) -> Got<T> {
        let Some(v) = self.raw(key) else {
            return Got::Absent;
        };
        let line = cx.line(&v.span());
        match f(v.get_ref()) {
            Some(t) => Got::Ok(t, line),
            None => {
                let found = v.get_ref().type_str();
                let msg = format!("expected {expected}, found {found}");
                cx.report(code, line, &self.what(key), msg);
                Got::Bad
            }
        }
    }

    pub(super) fn string(&self, cx: &mut Cx, key: &str) -> Got<String> {
        self.string_or(cx, key, PLAN_INVALID)
    }

    /// A string; anything else is reported with `code`.
    pub(super) fn string_or(&self, cx: &mut Cx, key: &str, code: Code) -> Got<String> {
        let expected = ("a string", code);
        self.typed(cx, key, expected, |v| v.as_str().map(str::to_owned))
    }

    pub(super) fn boolean(&self, cx: &mut Cx, key: &str) -> Got<bool> {
        self.typed(cx, key, ("true or false", PLAN_INVALID), DeValue::as_bool)
    }

    pub(super) fn required_string(&self, cx: &mut Cx, key: &str) -> Option<(String, usize)> {
        match self.string(cx, key) {
            Got::Ok(s, line) => Some((s, line)),
            Got::Absent => {
                self.missing(cx, key);
                None
            }
            Got::Bad => None,
        }
    }

    /// A required string that must pass `valid`.
    pub(super) fn checked(
        &self,
        cx: &mut Cx,
        key: &str,
        valid: fn(&str) -> bool,
        rule: &str,
    ) -> Option<String> {
        let (s, line) = self.required_string(cx, key)?;
        self.check_value(cx, key, s, line, valid, rule)
    }

    pub(super) fn check_value(
        &self,
        cx: &mut Cx,
        key: &str,
        s: String,
        line: usize,
        valid: fn(&str) -> bool,
        rule: &str,
    ) -> Option<String> {
        if valid(&s) {
            return Some(s);
        }
        cx.invalid(
            line,
            &self.what(key),
            format!("{s:?} is not valid: expected {rule}"),
        );
        None
    }

    /// A date as a TOML local date or a `YYYY-MM-DD` string; anything else
    /// is reported with `code`.
    pub(super) fn date(&self, cx: &mut Cx, key: &str, code: Code) -> Got<Date> {
        let Some(v) = self.raw(key) else {
            return Got::Absent;
        };
        let line = cx.line(&v.span());
        match date_of(v.get_ref()) {
            Some(d) => Got::Ok(d, line),
            None => {
                let msg = format!(
                    "expected a date YYYY-MM-DD, found {}",
                    describe(v.get_ref())
                );
                cx.report(code, line, &self.what(key), msg);
                Got::Bad
            }
        }
    }

    pub(super) fn table(&self, cx: &mut Cx, key: &str) -> Got<Section<'a, 'i>> {
        let Some(v) = self.raw(key) else {
            return Got::Absent;
        };
        let line = cx.line(&v.span());
        match v.get_ref() {
            DeValue::Table(table) => Got::Ok(self.child(key, table, line), line),
            other => {
                let msg = format!("expected a table, found {}", other.type_str());
                cx.invalid(line, &self.what(key), msg);
                Got::Bad
            }
        }
    }

    /// The table under `key`, if it is one; other values are left to the
    /// caller.
    pub(super) fn table_quiet(&self, cx: &Cx, key: &str) -> Option<Section<'a, 'i>> {
        let v = self.raw(key)?;
        match v.get_ref() {
            DeValue::Table(table) => Some(self.child(key, table, cx.line(&v.span()))),
            _ => None,
        }
    }

    pub(super) fn required_table(&self, cx: &mut Cx, key: &str) -> Option<Section<'a, 'i>> {
        match self.table(cx, key) {
            Got::Ok(s, _) => Some(s),
            Got::Absent => {
                cx.invalid(self.line, &format!("[{}]", self.join(key)), "missing table");
                None
            }
            Got::Bad => None,
        }
    }

    fn child(&self, key: &str, table: &'a DeTable<'i>, line: usize) -> Section<'a, 'i> {
        let path = self.join(key);
        Section {
            prefix: format!("[{path}] "),
            path,
            table,
            line,
        }
    }

    pub(super) fn join(&self, key: &str) -> String {
        if self.path.is_empty() {
            key.to_owned()
        } else {
            format!("{}.{key}", self.path)
        }
    }
}

pub(super) fn describe(v: &DeValue) -> String {
    match v {
        DeValue::String(s) => format!("{s:?}"),
        other => other.type_str().to_owned(),
    }
}

fn date_of(v: &DeValue) -> Option<Date> {
    match v {
        DeValue::String(s) => parse_date(s),
        DeValue::Datetime(dt) if dt.time.is_none() && dt.offset.is_none() => {
            let d = dt.date?;
            let year = i16::try_from(d.year).ok()?;
            let month = i8::try_from(d.month).ok()?;
            let day = i8::try_from(d.day).ok()?;
            Date::new(year, month, day).ok()
        }
        _ => None,
    }
}

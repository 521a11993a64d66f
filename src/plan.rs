//! The migration plan (plan.md): reading and validating `plan.toml`, its
//! canonical JSON form and the digest both sides use to prove they worked
//! from the same plan.
//!
//! The TOML is walked by hand (not through serde derive) so that every
//! problem, unknown keys included, is reported at once with its line.

use std::collections::HashMap;
use std::fmt::Display;
use std::ops::Range;
use std::path::Path;

use jiff::Timestamp;
use jiff::civil::Date;
use serde_json::{Value, json};
use toml::Spanned;
use toml::de::{DeTable, DeValue};

use crate::error::{Error, Result};
use crate::model::kinds::DataType;
use crate::problem::{Code, Problem};

const PLAN_INVALID: Code = Code::PlanInvalid;
const UNKNOWN_KEY: Code = Code::PlanUnknownKey;
const CONSENT_MISSING: Code = Code::ConsentMissing;
const CONSENT_INCOMPLETE: Code = Code::ConsentIncomplete;
const NO_DATA_TYPES: Code = Code::NoDataTypes;
const SINCE_AFTER_CUT_OFF: Code = Code::SinceAfterCutOff;
const SELECTED_TWICE: Code = Code::DossierSelectedTwice;

const TOP_KEYS: &[&str] = &[
    "id",
    "cut_off",
    "test_level",
    "source",
    "target",
    "dossiers",
    "data",
    "consent",
    "handover",
];
const CONSENT_KEYS: &[&str] = &["name", "email", "given_on", "reference"];

const ID_RULE: &str = "3 to 64 characters of a-z, 0-9 and -";
const KEY_RULE: &str = "1 to 64 characters of a-z, 0-9 and -, not starting with -";
const DOSSIER_ID_RULE: &str =
    "1 to 64 characters of A-Z, a-z, 0-9, '.', '_' and '-', starting with a letter or digit";
const CUT_OFF_RULE: &str = "an RFC 3339 moment with an offset, e.g. 2026-12-01T17:00:00+01:00";
const RECIPIENT_RULE: &str =
    "an age recipient: `age1` followed by 58 lowercase bech32 characters (see recipient.txt)";
const SIGNER_RULE: &str =
    "a minisign public key: the 56-character line starting with `RW` of signing.pub";

/// A parsed, valid plan. Built only by [`Plan::parse`] and [`Plan::load`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Plan {
    pub id: String,
    /// As written in the file (it is what the digest covers).
    pub cut_off: String,
    pub cut_off_at: Timestamp,
    pub test_level: TestLevel,
    pub source: SourceSide,
    pub target: TargetSide,
    pub dossiers: Selection,
    pub data: DataChoice,
    pub consent: Consents,
    pub handover: Handover,
    /// Lowercase hex sha256 of [`Plan::canonical_json`].
    pub digest: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TestLevel {
    /// A: the live import creates new groups; rollback deletes them.
    TestGroup,
    /// B: a real archive is imported into a test account first.
    TestAccount,
    /// C: a rehearsal export before the cut-off goes into the test account.
    DressRehearsal,
}

impl TestLevel {
    pub const ALL: [TestLevel; 3] = [
        TestLevel::TestGroup,
        TestLevel::TestAccount,
        TestLevel::DressRehearsal,
    ];

    pub fn key(self) -> &'static str {
        match self {
            TestLevel::TestGroup => "test-group",
            TestLevel::TestAccount => "test-account",
            TestLevel::DressRehearsal => "dress-rehearsal",
        }
    }

    pub fn from_key(key: &str) -> Option<TestLevel> {
        TestLevel::ALL.into_iter().find(|l| l.key() == key)
    }

    /// Whether this level imports into `target.test_account` first.
    pub fn needs_test_account(self) -> bool {
        self != TestLevel::TestGroup
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceSide {
    pub account: String,
    pub group: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TargetSide {
    pub account: String,
    pub test_account: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Selection {
    All { to_group: String },
    Select(Vec<SelectEntry>),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SelectEntry {
    pub by: DossierRef,
    pub to_group: String,
    /// Line of the entry in the plan file, for messages of later checks.
    pub line: usize,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DossierRef {
    Id(String),
    Name(String),
}

/// The chosen data types. An absent type and `false` mean the same, so the
/// storage keeps only what is chosen.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DataChoice {
    chosen: Vec<DataType>,
    daily_reports_since: Option<Date>,
}

impl DataChoice {
    pub fn chosen(&self, dt: DataType) -> bool {
        self.chosen.contains(&dt)
    }

    /// The first report date that moves; `None` is no lower bound (or daily
    /// reports are not chosen).
    pub fn daily_reports_since(&self) -> Option<Date> {
        self.daily_reports_since
            .filter(|_| self.chosen(DataType::DailyReports))
    }

    /// In [`DataType::ALL`] order.
    pub fn chosen_types(&self) -> Vec<DataType> {
        DataType::ALL
            .into_iter()
            .filter(|dt| self.chosen(*dt))
            .collect()
    }

    fn choose(&mut self, dt: DataType) {
        if !self.chosen(dt) {
            self.chosen.push(dt);
        }
    }

    fn canonical_value(&self) -> Value {
        let mut map = serde_json::Map::new();
        for dt in DataType::ALL {
            let value = match dt {
                DataType::DailyReports if self.chosen(dt) => {
                    json!({ "since": self.daily_reports_since.map(|d| d.to_string()) })
                }
                _ => Value::Bool(self.chosen(dt)),
            };
            map.insert(dt.key().to_owned(), value);
        }
        Value::Object(map)
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Consent {
    pub name: String,
    pub email: String,
    pub given_on: Date,
    pub reference: String,
}

impl Consent {
    fn canonical_value(&self) -> Value {
        json!({
            "name": self.name,
            "email": self.email,
            "given_on": self.given_on.to_string(),
            "reference": self.reference,
        })
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Consents {
    pub source_owner: Consent,
    pub target_owner: Consent,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Handover {
    pub recipients: Vec<String>,
    pub signer: String,
}

impl Plan {
    /// Parses and validates. `Ok` carries the warnings (none at present);
    /// [`Error::Invalid`] carries every error found, with any warnings, in
    /// line order. `today` bounds the consents' `given_on`.
    pub fn parse(text: &str, file: &str, today: Date) -> Result<(Plan, Vec<Problem>)> {
        let mut cx = Cx::new(text, file);
        let (doc, syntax_errors) = DeTable::parse_recoverable(text);
        if !syntax_errors.is_empty() {
            // A recovered document has holes; checking it would only add
            // confusing follow-up errors.
            for e in &syntax_errors {
                cx.syntax_error(e);
            }
            // Recovery often trips twice over one mistake; the first
            // message per line is the telling one.
            cx.found.dedup_by_key(|(line, _)| *line);
            return Err(Error::Invalid(cx.finish()));
        }
        let plan = read_plan(&mut cx, &Section::root(doc.get_ref()), today);
        match plan {
            Some(plan) if !cx.has_errors() => Ok((plan, cx.finish())),
            _ => Err(Error::Invalid(cx.finish())),
        }
    }

    /// Reads and parses the plan file at `path`, as [`Plan::parse`] does.
    pub fn load(path: &Path, today: Date) -> Result<(Plan, Vec<Problem>)> {
        let bytes = std::fs::read(path).map_err(|e| Error::io(path, e))?;
        let file = path.display().to_string();
        let text = String::from_utf8(bytes).map_err(|_| {
            let message = format!("{file} line 1: the file is not UTF-8 text");
            Error::invalid(Problem::error(PLAN_INVALID, message))
        })?;
        Plan::parse(&text, &file, today)
    }

    /// The plan as parsed with every default filled in; the archive stores
    /// it as plan.json and its canonical text gives the digest.
    pub fn canonical_value(&self) -> Value {
        json!({
            "id": self.id,
            "cut_off": self.cut_off,
            "test_level": self.test_level.key(),
            "source": { "account": self.source.account, "group": self.source.group },
            "target": { "account": self.target.account, "test_account": self.target.test_account },
            "dossiers": self.dossiers.canonical_value(),
            "data": self.data.canonical_value(),
            "consent": {
                "source_owner": self.consent.source_owner.canonical_value(),
                "target_owner": self.consent.target_owner.canonical_value(),
            },
            "handover": { "recipients": self.handover.recipients, "signer": self.handover.signer },
        })
    }

    /// RFC 8785 text of [`Plan::canonical_value`].
    pub fn canonical_json(&self) -> String {
        canonical_json(&self.canonical_value())
    }

    /// The distinct target group keys, in order of first appearance.
    pub fn target_group_keys(&self) -> Vec<String> {
        match &self.dossiers {
            Selection::All { to_group } => vec![to_group.clone()],
            Selection::Select(entries) => {
                let mut keys: Vec<String> = Vec::new();
                for e in entries {
                    if !keys.contains(&e.to_group) {
                        keys.push(e.to_group.clone());
                    }
                }
                keys
            }
        }
    }
}

impl Selection {
    fn canonical_value(&self) -> Value {
        match self {
            Selection::All { to_group } => json!({ "all": true, "to_group": to_group }),
            Selection::Select(entries) => {
                let list: Vec<Value> = entries.iter().map(SelectEntry::canonical_value).collect();
                json!({ "select": list })
            }
        }
    }
}

impl SelectEntry {
    fn canonical_value(&self) -> Value {
        match &self.by {
            DossierRef::Id(id) => json!({ "id": id, "to_group": self.to_group }),
            DossierRef::Name(name) => json!({ "name": name, "to_group": self.to_group }),
        }
    }
}

/// The commented template that `plan new` writes.
pub fn template() -> &'static str {
    include_str!("plan_template.toml")
}

// ---------------------------------------------------------------------------
// Reading context: line numbers and the problems found so far.

struct Cx<'t> {
    file: &'t str,
    newlines: Vec<usize>,
    found: Vec<(usize, Problem)>,
}

impl<'t> Cx<'t> {
    fn new(text: &'t str, file: &'t str) -> Self {
        let newlines = text.match_indices('\n').map(|(i, _)| i).collect();
        Cx {
            file,
            newlines,
            found: Vec::new(),
        }
    }

    /// 1-based line of a byte offset.
    fn line(&self, span: &Range<usize>) -> usize {
        self.newlines.partition_point(|&n| n < span.start) + 1
    }

    fn report(&mut self, code: Code, line: usize, what: &str, msg: impl Display) {
        let message = format!("{} line {line}: {what}: {msg}", self.file);
        self.found.push((line, Problem::error(code, message)));
    }

    fn invalid(&mut self, line: usize, what: &str, msg: impl Display) {
        self.report(PLAN_INVALID, line, what, msg);
    }

    fn syntax_error(&mut self, e: &toml::de::Error) {
        let line = e.span().map_or(1, |s| self.line(&s));
        let msg = e.message().trim_end().replace('\n', "; ");
        self.invalid(line, "TOML syntax", msg);
    }

    fn has_errors(&self) -> bool {
        self.found.iter().any(|(_, p)| p.is_error())
    }

    fn finish(mut self) -> Vec<Problem> {
        self.found.sort_by_key(|(line, _)| *line);
        self.found.dedup();
        self.found.into_iter().map(|(_, p)| p).collect()
    }
}

/// The outcome of reading one key: absent, present but unusable (already
/// reported), or a value with its line.
enum Got<T> {
    Absent,
    Bad,
    Ok(T, usize),
}

/// One TOML table with the name used for it in messages.
struct Section<'a, 'i> {
    /// Dotted path of the table (`consent.source_owner`); empty at the top.
    path: String,
    /// Put before a key in messages: `[source] `, `[[dossiers.select]] #2 `.
    prefix: String,
    table: &'a DeTable<'i>,
    /// Line of the table's header, where missing keys are reported.
    line: usize,
}

impl<'a, 'i> Section<'a, 'i> {
    fn root(table: &'a DeTable<'i>) -> Self {
        Section {
            path: String::new(),
            prefix: String::new(),
            table,
            line: 1,
        }
    }

    fn what(&self, key: &str) -> String {
        format!("{}{key}", self.prefix)
    }

    fn name(&self) -> &str {
        self.prefix.trim_end()
    }

    fn raw(&self, key: &str) -> Option<&'a Spanned<DeValue<'i>>> {
        self.table.get(key)
    }

    fn unknown_keys(&self, cx: &mut Cx, allowed: &[&str]) {
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

    fn missing(&self, cx: &mut Cx, key: &str) {
        cx.invalid(self.line, &self.what(key), "missing (required)");
    }

    /// Reads a value with `f`, reporting a wrong type with `code`.
    fn typed<T>(
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

    fn string(&self, cx: &mut Cx, key: &str) -> Got<String> {
        self.string_or(cx, key, PLAN_INVALID)
    }

    /// A string; anything else is reported with `code`.
    fn string_or(&self, cx: &mut Cx, key: &str, code: Code) -> Got<String> {
        let expected = ("a string", code);
        self.typed(cx, key, expected, |v| v.as_str().map(str::to_owned))
    }

    fn boolean(&self, cx: &mut Cx, key: &str) -> Got<bool> {
        self.typed(cx, key, ("true or false", PLAN_INVALID), DeValue::as_bool)
    }

    fn required_string(&self, cx: &mut Cx, key: &str) -> Option<(String, usize)> {
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
    fn checked(
        &self,
        cx: &mut Cx,
        key: &str,
        valid: fn(&str) -> bool,
        rule: &str,
    ) -> Option<String> {
        let (s, line) = self.required_string(cx, key)?;
        self.check_value(cx, key, s, line, valid, rule)
    }

    fn check_value(
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
    fn date(&self, cx: &mut Cx, key: &str, code: Code) -> Got<Date> {
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

    fn table(&self, cx: &mut Cx, key: &str) -> Got<Section<'a, 'i>> {
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
    fn table_quiet(&self, cx: &Cx, key: &str) -> Option<Section<'a, 'i>> {
        let v = self.raw(key)?;
        match v.get_ref() {
            DeValue::Table(table) => Some(self.child(key, table, cx.line(&v.span()))),
            _ => None,
        }
    }

    fn required_table(&self, cx: &mut Cx, key: &str) -> Option<Section<'a, 'i>> {
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

    fn join(&self, key: &str) -> String {
        if self.path.is_empty() {
            key.to_owned()
        } else {
            format!("{}.{key}", self.path)
        }
    }
}

fn describe(v: &DeValue) -> String {
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

// ---------------------------------------------------------------------------
// The sections of the plan.

struct CutOff {
    text: String,
    at: Timestamp,
    /// The civil date in the cut-off's own offset, which bounds `since`.
    date: Date,
}

fn read_plan(cx: &mut Cx, root: &Section, today: Date) -> Option<Plan> {
    root.unknown_keys(cx, TOP_KEYS);
    let id = root.checked(cx, "id", is_migration_id, ID_RULE);
    let cut_off = read_cut_off(cx, root);
    let test_level = read_test_level(cx, root);
    let source = read_source(cx, root);
    let target = read_target(cx, root, test_level);
    let dossiers = read_dossiers(cx, root);
    let data = read_data(cx, root, cut_off.as_ref());
    let consent = read_consents(cx, root, today);
    let handover = read_handover(cx, root);
    let cut_off = cut_off?;
    let mut plan = Plan {
        id: id?,
        cut_off: cut_off.text,
        cut_off_at: cut_off.at,
        test_level: test_level?,
        source: source?,
        target: target?,
        dossiers: dossiers?,
        data: data?,
        consent: consent?,
        handover: handover?,
        digest: String::new(),
    };
    plan.digest = sha256_hex(plan.canonical_json().as_bytes());
    Some(plan)
}

fn read_cut_off(cx: &mut Cx, root: &Section) -> Option<CutOff> {
    let Some(v) = root.raw("cut_off") else {
        root.missing(cx, "cut_off");
        return None;
    };
    let line = cx.line(&v.span());
    // A TOML offset datetime is accepted too, taken in its RFC 3339 form, so
    // that it gives the same digest as the same moment written in quotes.
    let text = match v.get_ref() {
        DeValue::String(s) => s.to_string(),
        DeValue::Datetime(dt) => dt.to_string(),
        other => {
            let msg = format!("expected a string, found {}", other.type_str());
            cx.invalid(line, "cut_off", msg);
            return None;
        }
    };
    let parsed = rfc3339(&text).and_then(|at| Some((at, parse_date(text.get(..10)?)?)));
    let Some((at, date)) = parsed else {
        cx.invalid(
            line,
            "cut_off",
            format!("{text:?} is not valid: expected {CUT_OFF_RULE}"),
        );
        return None;
    };
    Some(CutOff { text, at, date })
}

fn read_test_level(cx: &mut Cx, root: &Section) -> Option<TestLevel> {
    let (s, line) = root.required_string(cx, "test_level")?;
    let level = TestLevel::from_key(&s);
    if level.is_none() {
        let msg =
            format!("{s:?} is not valid: expected test-group, test-account or dress-rehearsal");
        cx.invalid(line, "test_level", msg);
    }
    level
}

fn read_source(cx: &mut Cx, root: &Section) -> Option<SourceSide> {
    let s = root.required_table(cx, "source")?;
    s.unknown_keys(cx, &["account", "group"]);
    let account = s.checked(cx, "account", is_key, KEY_RULE);
    let group = s.checked(cx, "group", is_key, KEY_RULE);
    Some(SourceSide {
        account: account?,
        group: group?,
    })
}

fn read_target(cx: &mut Cx, root: &Section, level: Option<TestLevel>) -> Option<TargetSide> {
    let t = root.required_table(cx, "target")?;
    t.unknown_keys(cx, &["account", "test_account"]);
    let account = t.checked(cx, "account", is_key, KEY_RULE);
    let test_account = match t.string(cx, "test_account") {
        Got::Ok(s, line) => Some((
            t.check_value(cx, "test_account", s, line, is_key, KEY_RULE)?,
            line,
        )),
        Got::Absent => None,
        Got::Bad => return None,
    };
    if let (None, Some(level)) = (&test_account, level)
        && level.needs_test_account()
    {
        let msg = format!(
            "missing; test level {} imports into a test account first",
            level.key()
        );
        cx.invalid(t.line, &t.what("test_account"), msg);
        return None;
    }
    let account = account?;
    if let Some((test, line)) = &test_account
        && *test == account
    {
        let msg = format!("must differ from [target] account ({account:?})");
        cx.invalid(*line, &t.what("test_account"), msg);
        return None;
    }
    Some(TargetSide {
        account,
        test_account: test_account.map(|(s, _)| s),
    })
}

fn read_dossiers(cx: &mut Cx, root: &Section) -> Option<Selection> {
    let d = root.required_table(cx, "dossiers")?;
    d.unknown_keys(cx, &["all", "to_group", "select"]);
    let Some(select) = d.raw("select") else {
        return read_all(cx, &d);
    };
    let mut mixed = false;
    for key in ["all", "to_group"] {
        if let Some(v) = d.raw(key) {
            let msg = "leave this out when dossiers are listed in [[dossiers.select]]";
            cx.invalid(cx.line(&v.span()), &d.what(key), msg);
            mixed = true;
        }
    }
    let entries = read_select(cx, select);
    if mixed { None } else { entries }
}

fn read_all(cx: &mut Cx, d: &Section) -> Option<Selection> {
    let all = match d.boolean(cx, "all") {
        Got::Ok(true, _) => true,
        Got::Ok(false, line) => {
            let msg = "`all = false` selects nothing; list the dossiers in [[dossiers.select]]";
            cx.invalid(line, &d.what("all"), msg);
            false
        }
        Got::Absent => {
            let msg =
                "choose `all = true` with `to_group`, or list dossiers in [[dossiers.select]]";
            cx.invalid(d.line, d.name(), msg);
            if d.raw("to_group").is_some() {
                d.checked(cx, "to_group", is_key, KEY_RULE);
            }
            return None;
        }
        Got::Bad => false,
    };
    let to_group = d.checked(cx, "to_group", is_key, KEY_RULE)?;
    all.then_some(Selection::All { to_group })
}

fn read_select(cx: &mut Cx, select: &Spanned<DeValue>) -> Option<Selection> {
    let line = cx.line(&select.span());
    let what = "[[dossiers.select]]";
    let items = match select.get_ref() {
        DeValue::Array(items) => items,
        other => {
            let msg = format!("expected a list of tables, found {}", other.type_str());
            cx.invalid(line, what, msg);
            return None;
        }
    };
    if items.is_empty() {
        cx.invalid(line, what, "no dossiers listed");
        return None;
    }
    let mut seen = Seen::default();
    let mut entries = Vec::new();
    let mut ok = true;
    for (i, item) in items.iter().enumerate() {
        match read_entry(cx, item, i + 1, &mut seen) {
            Some(e) => entries.push(e),
            None => ok = false,
        }
    }
    ok.then_some(Selection::Select(entries))
}

/// Dossiers selected so far, to report a second selection of the same one.
#[derive(Default)]
struct Seen {
    /// Folded id → line: ids compare case-insensitively (domain.md).
    ids: HashMap<String, usize>,
    names: HashMap<String, usize>,
}

impl Seen {
    fn first_line(&mut self, by: &DossierRef, line: usize) -> Option<usize> {
        let (map, key) = match by {
            DossierRef::Id(id) => (&mut self.ids, id.to_lowercase()),
            DossierRef::Name(name) => (&mut self.names, name.clone()),
        };
        match map.get(&key) {
            Some(first) => Some(*first),
            None => {
                map.insert(key, line);
                None
            }
        }
    }
}

fn read_entry(
    cx: &mut Cx,
    item: &Spanned<DeValue>,
    n: usize,
    seen: &mut Seen,
) -> Option<SelectEntry> {
    let line = cx.line(&item.span());
    let prefix = format!("[[dossiers.select]] #{n} ");
    let DeValue::Table(table) = item.get_ref() else {
        let msg = format!("expected a table, found {}", item.get_ref().type_str());
        cx.invalid(line, prefix.trim_end(), msg);
        return None;
    };
    let e = Section {
        path: "dossiers.select".to_owned(),
        prefix,
        table,
        line,
    };
    e.unknown_keys(cx, &["id", "name", "to_group"]);
    let by = read_dossier_ref(cx, &e);
    let to_group = e.checked(cx, "to_group", is_key, KEY_RULE);
    let by = by?;
    if let Some(first) = seen.first_line(&by, line) {
        let (key, value) = match &by {
            DossierRef::Id(id) => ("id", id),
            DossierRef::Name(name) => ("name", name),
        };
        let msg = format!("dossier {value:?} is already selected on line {first}");
        cx.report(SELECTED_TWICE, line, &e.what(key), msg);
        return None;
    }
    Some(SelectEntry {
        by,
        to_group: to_group?,
        line,
    })
}

fn read_dossier_ref(cx: &mut Cx, e: &Section) -> Option<DossierRef> {
    match (e.string(cx, "id"), e.string(cx, "name")) {
        (Got::Ok(id, line), Got::Absent) => e
            .check_value(cx, "id", id, line, is_dossier_id, DOSSIER_ID_RULE)
            .map(DossierRef::Id),
        (Got::Absent, Got::Ok(name, line)) => {
            if name.trim().is_empty() {
                cx.invalid(
                    line,
                    &e.what("name"),
                    "empty; give the dossier's name as written",
                );
                return None;
            }
            Some(DossierRef::Name(name))
        }
        (Got::Absent, Got::Absent) => {
            cx.invalid(e.line, e.name(), "give the dossier's `id` or its `name`");
            None
        }
        (Got::Ok(..), Got::Ok(..)) => {
            cx.invalid(e.line, e.name(), "give either `id` or `name`, not both");
            None
        }
        _ => None,
    }
}

fn read_data(cx: &mut Cx, root: &Section, cut_off: Option<&CutOff>) -> Option<DataChoice> {
    let d = match root.table(cx, "data") {
        Got::Ok(d, _) => d,
        Got::Absent => {
            let msg = "missing; choose at least one data type";
            cx.report(NO_DATA_TYPES, root.line, "[data]", msg);
            return None;
        }
        Got::Bad => return None,
    };
    let keys: Vec<&str> = DataType::ALL.iter().map(|dt| dt.key()).collect();
    d.unknown_keys(cx, &keys);
    let mut choice = DataChoice::default();
    let mut ok = true;
    for dt in DataType::ALL {
        ok &= read_data_type(cx, &d, dt, cut_off, &mut choice);
    }
    if ok && choice.chosen.is_empty() {
        let msg = "no data type chosen; set at least one to true";
        cx.report(NO_DATA_TYPES, d.line, d.name(), msg);
    }
    ok.then_some(choice)
}

/// Reads one `[data]` key into `choice`; false when it was unusable.
fn read_data_type(
    cx: &mut Cx,
    d: &Section,
    dt: DataType,
    cut_off: Option<&CutOff>,
    choice: &mut DataChoice,
) -> bool {
    let key = dt.key();
    if dt == DataType::DailyReports
        && let Some(table) = d.table_quiet(cx, key)
    {
        let Some(since) = read_since(cx, &table, cut_off) else {
            return false;
        };
        choice.daily_reports_since = Some(since);
        choice.choose(dt);
        return true;
    }
    let expected = if dt == DataType::DailyReports {
        "true, false or a table { since = \"YYYY-MM-DD\" }"
    } else {
        "true or false"
    };
    match d.typed(cx, key, (expected, PLAN_INVALID), DeValue::as_bool) {
        Got::Ok(true, _) => choice.choose(dt),
        Got::Bad => return false,
        _ => {}
    }
    true
}

fn read_since(cx: &mut Cx, table: &Section, cut_off: Option<&CutOff>) -> Option<Date> {
    table.unknown_keys(cx, &["since"]);
    let (since, line) = match table.date(cx, "since", PLAN_INVALID) {
        Got::Ok(since, line) => (since, line),
        Got::Absent => {
            let msg = "missing; write `daily_reports = true` to move reports of every date";
            cx.invalid(table.line, &table.what("since"), msg);
            return None;
        }
        Got::Bad => return None,
    };
    if let Some(cut_off) = cut_off
        && since > cut_off.date
    {
        let msg = format!(
            "{since} is after the cut-off's date ({}); no report could move",
            cut_off.date
        );
        cx.report(SINCE_AFTER_CUT_OFF, line, &table.what("since"), msg);
        return None;
    }
    Some(since)
}

fn read_consents(cx: &mut Cx, root: &Section, today: Date) -> Option<Consents> {
    let consent = match root.table(cx, "consent") {
        Got::Ok(c, _) => Some(c),
        Got::Absent => None,
        Got::Bad => return None,
    };
    if let Some(c) = &consent {
        c.unknown_keys(cx, &["source_owner", "target_owner"]);
    }
    let source_owner = read_consent(cx, consent.as_ref(), "source_owner", today);
    let target_owner = read_consent(cx, consent.as_ref(), "target_owner", today);
    Some(Consents {
        source_owner: source_owner?,
        target_owner: target_owner?,
    })
}

fn read_consent(cx: &mut Cx, parent: Option<&Section>, key: &str, today: Date) -> Option<Consent> {
    let c = match parent.map(|p| p.table(cx, key)) {
        Some(Got::Ok(c, _)) => c,
        Some(Got::Bad) => return None,
        _ => {
            let who = key.replace('_', " ");
            let msg =
                format!("missing; record the {who}'s consent (name, email, given_on, reference)");
            let line = parent.map_or(1, |p| p.line);
            cx.report(CONSENT_MISSING, line, &format!("[consent.{key}]"), msg);
            return None;
        }
    };
    c.unknown_keys(cx, CONSENT_KEYS);
    read_consent_fields(cx, &c, today)
}

fn read_consent_fields(cx: &mut Cx, c: &Section, today: Date) -> Option<Consent> {
    let mut missing = Vec::new();
    let mut text = |cx: &mut Cx, key: &'static str| match c.string_or(cx, key, CONSENT_INCOMPLETE) {
        Got::Ok(s, line) if !s.trim().is_empty() => Some((s, line)),
        Got::Bad => None,
        _ => {
            missing.push(key);
            None
        }
    };
    let name = text(cx, "name");
    let email = text(cx, "email");
    let reference = text(cx, "reference");
    let given_on = match read_given_on(cx, c) {
        Got::Ok(d, line) => Some((d, line)),
        Got::Absent => {
            missing.push("given_on");
            None
        }
        Got::Bad => None,
    };
    if !missing.is_empty() {
        let msg = format!("missing or empty: {}", missing.join(", "));
        cx.report(CONSENT_INCOMPLETE, c.line, c.name(), msg);
    }
    let email = check_email(cx, c, email?)?;
    let given_on = check_given_on(cx, c, given_on?, today)?;
    Some(Consent {
        name: name?.0,
        email,
        given_on,
        reference: reference?.0,
    })
}

/// An empty `given_on` counts as missing, like the other consent keys: the
/// template holds empty strings until the consent is filled in.
fn read_given_on(cx: &mut Cx, c: &Section) -> Got<Date> {
    let blank = c
        .raw("given_on")
        .and_then(|v| v.get_ref().as_str())
        .is_some_and(|s| s.trim().is_empty());
    if blank {
        return Got::Absent;
    }
    c.date(cx, "given_on", CONSENT_INCOMPLETE)
}

fn check_email(cx: &mut Cx, c: &Section, (email, line): (String, usize)) -> Option<String> {
    if is_email(&email) {
        return Some(email);
    }
    let msg = format!("{email:?} does not look like an e-mail address");
    cx.report(CONSENT_INCOMPLETE, line, &c.what("email"), msg);
    None
}

fn check_given_on(
    cx: &mut Cx,
    c: &Section,
    (date, line): (Date, usize),
    today: Date,
) -> Option<Date> {
    if date <= today {
        return Some(date);
    }
    let msg = format!("{date} is in the future (today is {today})");
    cx.report(CONSENT_INCOMPLETE, line, &c.what("given_on"), msg);
    None
}

fn read_handover(cx: &mut Cx, root: &Section) -> Option<Handover> {
    let h = root.required_table(cx, "handover")?;
    h.unknown_keys(cx, &["recipients", "signer"]);
    let recipients = read_recipients(cx, &h);
    let signer = h.checked(cx, "signer", is_minisign_public_key, SIGNER_RULE);
    Some(Handover {
        recipients: recipients?,
        signer: signer?,
    })
}

fn read_recipients(cx: &mut Cx, h: &Section) -> Option<Vec<String>> {
    let Some(v) = h.raw("recipients") else {
        h.missing(cx, "recipients");
        return None;
    };
    let line = cx.line(&v.span());
    let DeValue::Array(items) = v.get_ref() else {
        let msg = format!(
            "expected a list of strings, found {}",
            v.get_ref().type_str()
        );
        cx.invalid(line, &h.what("recipients"), msg);
        return None;
    };
    if items.is_empty() {
        cx.invalid(
            line,
            &h.what("recipients"),
            "empty; give at least one age recipient",
        );
        return None;
    }
    let mut ok = true;
    let mut recipients = Vec::new();
    for (i, item) in items.iter().enumerate() {
        let what = h.what(&format!("recipients[{}]", i + 1));
        let line = cx.line(&item.span());
        match item.get_ref().as_str() {
            Some(r) if is_age_recipient(r) => recipients.push(r.to_owned()),
            _ => {
                let found = describe(item.get_ref());
                cx.invalid(
                    line,
                    &what,
                    format!("{found} is not valid: expected {RECIPIENT_RULE}"),
                );
                ok = false;
            }
        }
    }
    ok.then_some(recipients)
}

// ---------------------------------------------------------------------------
// Lexical rules: the shared ones live in model::syntax.

use crate::model::syntax::{
    date as parse_date, is_email, is_id as is_dossier_id, is_key, timestamp as rfc3339,
};

/// Migration ids: `[a-z0-9-]{3,64}`.
fn is_migration_id(s: &str) -> bool {
    (3..=64).contains(&s.len())
        && s.bytes()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == b'-')
}

const BECH32: &str = "qpzry9x8gf2tvdw0s3jn54khce6mua7l";

/// The shape of an age X25519 recipient; the checksum is checked where the
/// key is used.
fn is_age_recipient(s: &str) -> bool {
    s.strip_prefix("age1")
        .is_some_and(|rest| rest.len() == 58 && rest.chars().all(|c| BECH32.contains(c)))
}

/// A minisign public key line (base64 of `Ed`, key id, Ed25519 key).
fn is_minisign_public_key(s: &str) -> bool {
    minisign_verify::PublicKey::from_base64(s).is_ok()
}

use crate::digest::sha256_hex;

/// RFC 8785 canonical JSON (see [`crate::canonical`]).
pub use crate::canonical::to_string as canonical_json;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::problem::Severity;

    const RECIPIENT: &str = "age1ql3z7hjy54pw3hyww5ayyfg7zqgvc7w3j2elw8zmrj2kg5sfn9aqmcac8p";
    const SIGNER: &str = "RWQf6LRCGA9i53mlYecO4IzT51TGPpvWucNSCh1CBM0QTaLn73Y7GFO3";

    const VALID: &str = r#"id = "noord-naar-oost-2026-12"            # migration id
cut_off = "2026-12-01T17:00:00+01:00"
test_level = "test-account"

[source]
account = "zorggroep-noord"
group = "wonen-noord"

[target]
account = "zorggroep-oost"
test_account = "zorggroep-oost-test"

[dossiers]
all = true
to_group = "wonen-oost"

[data]
daily_reports = { since = "2021-01-01" }
plan_items = true
agenda = true
files = true
time_registration = false
vecozo = false
teammates = false
member_access = true
history = true
other = false

[consent.source_owner]
name = "A. Jansen"
email = "a.jansen@noord.example"
given_on = "2026-11-20"
reference = "e-mail of 2026-11-20, subject 'Akkoord overdracht dossiers'"

[consent.target_owner]
name = "B. Bakker"
email = "b.bakker@oost.example"
given_on = "2026-11-21"
reference = "e-mail of 2026-11-21"

[handover]
recipients = ["age1ql3z7hjy54pw3hyww5ayyfg7zqgvc7w3j2elw8zmrj2kg5sfn9aqmcac8p"]
signer = "RWQf6LRCGA9i53mlYecO4IzT51TGPpvWucNSCh1CBM0QTaLn73Y7GFO3"
"#;

    const SELECT: &str = r#"[dossiers]

[[dossiers.select]]
id = "d-0007"
to_group = "wonen-oost"

[[dossiers.select]]
name = "Jan de Vries"
to_group = "dagbesteding-oost"

[[dossiers.select]]
id = "d-0009"
to_group = "wonen-oost"
"#;

    const ALL: &str = "[dossiers]\nall = true\nto_group = \"wonen-oost\"\n";

    fn today() -> Date {
        jiff::civil::date(2026, 11, 25)
    }

    fn parse(text: &str) -> std::result::Result<(Plan, Vec<Problem>), Vec<Problem>> {
        Plan::parse(text, "plan.toml", today()).map_err(|e| match e {
            Error::Invalid(problems) => problems,
            other => panic!("parsing fails only with problems: {other}"),
        })
    }

    fn plan(text: &str) -> Plan {
        match parse(text) {
            Ok((plan, warnings)) => {
                assert!(warnings.is_empty(), "{warnings:#?}");
                plan
            }
            Err(problems) => panic!("expected a valid plan: {problems:#?}"),
        }
    }

    fn errors(text: &str) -> Vec<Problem> {
        match parse(text) {
            Ok(_) => panic!("expected problems in:\n{text}"),
            Err(problems) => problems,
        }
    }

    /// `VALID` with one piece replaced (the piece must be there).
    fn edit(from: &str, to: &str) -> String {
        assert!(VALID.contains(from), "{from:?} not in VALID");
        VALID.replacen(from, to, 1)
    }

    /// The 1-based line where `needle` first occurs.
    fn line_of(text: &str, needle: &str) -> usize {
        let at = text.find(needle).expect("needle in text");
        text[..at].matches('\n').count() + 1
    }

    /// Asserts a problem with `code` whose message is at `line` and names
    /// `what`, and returns its message.
    fn expect(problems: &[Problem], code: Code, line: usize, what: &str) -> String {
        let prefix = format!("plan.toml line {line}: {what}");
        let found = problems
            .iter()
            .find(|p| p.code == code && p.message.starts_with(&prefix));
        match found {
            Some(p) => {
                assert_eq!(p.severity, Severity::Error);
                p.message.clone()
            }
            None => panic!("no {code} at {prefix:?} in {problems:#?}"),
        }
    }

    fn only(problems: &[Problem], code: Code, line: usize, what: &str) -> String {
        assert_eq!(problems.len(), 1, "{problems:#?}");
        expect(problems, code, line, what)
    }

    #[test]
    fn a_valid_plan_parses() {
        let p = plan(VALID);
        assert_eq!(p.id, "noord-naar-oost-2026-12");
        assert_eq!(p.cut_off, "2026-12-01T17:00:00+01:00");
        assert_eq!(p.cut_off_at.to_string(), "2026-12-01T16:00:00Z");
        assert_eq!(p.test_level, TestLevel::TestAccount);
        assert_eq!(p.source.group, "wonen-noord");
        assert_eq!(
            p.target.test_account.as_deref(),
            Some("zorggroep-oost-test")
        );
        assert_eq!(
            p.dossiers,
            Selection::All {
                to_group: "wonen-oost".into()
            }
        );
        assert_eq!(
            p.data.chosen_types(),
            vec![
                DataType::DailyReports,
                DataType::PlanItems,
                DataType::Agenda,
                DataType::Files,
                DataType::MemberAccess,
                DataType::History,
            ]
        );
        assert!(!p.data.chosen(DataType::Vecozo));
        assert_eq!(
            p.data.daily_reports_since(),
            Some(jiff::civil::date(2021, 1, 1))
        );
        assert_eq!(
            p.consent.target_owner.given_on,
            jiff::civil::date(2026, 11, 21)
        );
        assert_eq!(p.handover.recipients, vec![RECIPIENT.to_owned()]);
        assert_eq!(p.handover.signer, SIGNER);
        assert_eq!(p.digest.len(), 64);
        assert_eq!(p.digest, sha256_hex(p.canonical_json().as_bytes()));
        assert_eq!(p.target_group_keys(), vec!["wonen-oost".to_owned()]);
    }

    #[test]
    fn a_select_list_parses_in_file_order() {
        let text = VALID.replacen(ALL, SELECT, 1);
        let p = plan(&text);
        let Selection::Select(entries) = &p.dossiers else {
            panic!("expected a select list");
        };
        assert_eq!(entries.len(), 3);
        assert_eq!(entries[0].by, DossierRef::Id("d-0007".into()));
        assert_eq!(entries[1].by, DossierRef::Name("Jan de Vries".into()));
        assert_eq!(entries[1].line, line_of(&text, "name = \"Jan") - 1);
        assert_eq!(
            p.target_group_keys(),
            vec!["wonen-oost", "dagbesteding-oost"]
        );
    }

    #[test]
    fn the_canonical_value_fills_in_defaults() {
        let text = edit("test_account = \"zorggroep-oost-test\"\n", "")
            .replace(
                "test_level = \"test-account\"",
                "test_level = \"test-group\"",
            )
            .replace(
                "daily_reports = { since = \"2021-01-01\" }",
                "daily_reports = true",
            )
            .replace("vecozo = false\n", "");
        let v = plan(&text).canonical_value();
        assert_eq!(v["target"]["test_account"], Value::Null);
        assert_eq!(v["data"]["daily_reports"], json!({ "since": null }));
        assert_eq!(v["data"]["vecozo"], json!(false));
        assert_eq!(v["data"].as_object().map(|m| m.len()), Some(10));
        assert_eq!(
            v["consent"]["source_owner"]["given_on"],
            json!("2026-11-20")
        );
        assert_eq!(
            v["dossiers"],
            json!({ "all": true, "to_group": "wonen-oost" })
        );
        assert_eq!(plan(&text).data.daily_reports_since(), None);
    }

    #[test]
    fn toml_syntax_error_names_the_line() {
        let text = edit("agenda = true", "agenda = = true");
        only(
            &errors(&text),
            PLAN_INVALID,
            line_of(&text, "agenda"),
            "TOML syntax",
        );
    }

    #[test]
    fn duplicate_key_is_a_syntax_error() {
        let text = edit("files = true", "files = true\nfiles = false");
        only(
            &errors(&text),
            PLAN_INVALID,
            line_of(&text, "files = false"),
            "TOML syntax",
        );
    }

    #[test]
    fn all_unknown_keys_are_reported_together() {
        let text = edit(
            "[source]\n",
            "colour = \"blue\"\n[source]\nacount = \"x\"\n",
        )
        .replace(
            "to_group = \"wonen-oost\"",
            "to_group = \"wonen-oost\"\nsome = true",
        )
        .replace(
            "{ since = \"2021-01-01\" }",
            "{ since = \"2021-01-01\", from = 1 }",
        )
        .replace("plan_items = true", "plan_items = true\nvideo = true")
        .replace(
            "reference = \"e-mail of 2026-11-21\"",
            "reference = \"x\"\nphone = \"1\"",
        )
        .replace(
            "[handover]",
            "[consent.witness]\nname = \"x\"\n\n[handover]\nsigner_name = \"x\"",
        )
        .replace("[target]", "[sorce]\naccount = \"x\"\n\n[target]");
        let problems = errors(&text);
        assert_eq!(problems.len(), 9, "{problems:#?}");
        assert!(problems.iter().all(|p| p.code == UNKNOWN_KEY));
        expect(&problems, UNKNOWN_KEY, line_of(&text, "colour"), "colour");
        expect(
            &problems,
            UNKNOWN_KEY,
            line_of(&text, "acount"),
            "[source] acount",
        );
        expect(&problems, UNKNOWN_KEY, line_of(&text, "[sorce]"), "sorce");
        expect(
            &problems,
            UNKNOWN_KEY,
            line_of(&text, "some"),
            "[dossiers] some",
        );
        expect(
            &problems,
            UNKNOWN_KEY,
            line_of(&text, "from"),
            "[data.daily_reports] from",
        );
        expect(
            &problems,
            UNKNOWN_KEY,
            line_of(&text, "video"),
            "[data] video",
        );
        expect(
            &problems,
            UNKNOWN_KEY,
            line_of(&text, "phone"),
            "[consent.target_owner] phone",
        );
        expect(
            &problems,
            UNKNOWN_KEY,
            line_of(&text, "witness"),
            "[consent] witness",
        );
        expect(
            &problems,
            UNKNOWN_KEY,
            line_of(&text, "signer_name"),
            "[handover] signer_name",
        );
        let lines: Vec<usize> = problems
            .iter()
            .filter_map(|p| {
                p.message
                    .split(' ')
                    .nth(2)?
                    .trim_end_matches(':')
                    .parse()
                    .ok()
            })
            .collect();
        assert!(
            lines.windows(2).all(|w| w[0] <= w[1]),
            "in line order: {lines:?}"
        );
    }

    #[test]
    fn unknown_key_in_a_select_entry() {
        let text = VALID.replacen(ALL, SELECT, 1).replacen(
            "id = \"d-0009\"",
            "id = \"d-0009\"\nnote = \"x\"",
            1,
        );
        let problems = errors(&text);
        only(
            &problems,
            UNKNOWN_KEY,
            line_of(&text, "note"),
            "[[dossiers.select]] #3 note",
        );
    }

    #[test]
    fn bad_migration_id() {
        let text = edit("\"noord-naar-oost-2026-12\"", "\"Noord naar Oost\"");
        only(&errors(&text), PLAN_INVALID, 1, "id");
    }

    #[test]
    fn cut_off_needs_an_offset() {
        for bad in [
            "2026-12-01T17:00:00",
            "2026-12-01 17:00:00+01:00",
            "1 december",
        ] {
            let text = edit("2026-12-01T17:00:00+01:00", bad);
            only(&errors(&text), PLAN_INVALID, 2, "cut_off");
        }
    }

    #[test]
    fn cut_off_as_a_toml_datetime_is_the_same_plan() {
        let text = edit("\"2026-12-01T17:00:00+01:00\"", "2026-12-01T17:00:00+01:00");
        assert_eq!(plan(&text).digest, plan(VALID).digest);
    }

    #[test]
    fn a_cut_off_in_the_future_is_not_reported_here() {
        let text = edit("2026-12-01T17:00:00+01:00", "2099-12-01T17:00:00Z");
        plan(&text);
    }

    #[test]
    fn unknown_test_level() {
        let text = edit("\"test-account\"", "\"B\"");
        only(&errors(&text), PLAN_INVALID, 3, "test_level");
    }

    #[test]
    fn missing_keys_are_reported_at_their_table() {
        let text = edit("group = \"wonen-noord\"\n", "");
        let msg = only(
            &errors(&text),
            PLAN_INVALID,
            line_of(&text, "[source]"),
            "[source] group",
        );
        assert!(msg.contains("missing"), "{msg}");

        let text = edit(
            "id = \"noord-naar-oost-2026-12\"            # migration id\n",
            "",
        );
        only(&errors(&text), PLAN_INVALID, 1, "id");
    }

    #[test]
    fn a_missing_table() {
        let at = VALID.find("[handover]").expect("handover");
        let problems = errors(&VALID[..at]);
        only(&problems, PLAN_INVALID, 1, "[handover]");
    }

    #[test]
    fn wrong_types() {
        let text = edit("account = \"zorggroep-noord\"", "account = 5");
        let msg = only(&errors(&text), PLAN_INVALID, 6, "[source] account");
        assert!(msg.contains("found integer"), "{msg}");

        let text = edit("agenda = true", "agenda = \"yes\"");
        only(
            &errors(&text),
            PLAN_INVALID,
            line_of(&text, "agenda"),
            "[data] agenda",
        );

        let text = edit(
            "[source]\naccount = \"zorggroep-noord\"\ngroup = \"wonen-noord\"",
            "source = \"noord\"",
        );
        only(
            &errors(&text),
            PLAN_INVALID,
            line_of(&text, "source"),
            "source",
        );
    }

    #[test]
    fn bad_slugs_and_group_keys() {
        let text = edit("\"zorggroep-oost\"", "\"Zorggroep Oost\"");
        only(
            &errors(&text),
            PLAN_INVALID,
            line_of(&text, "Zorggroep"),
            "[target] account",
        );
        let text = edit("group = \"wonen-noord\"", "group = \"-wonen\"");
        only(
            &errors(&text),
            PLAN_INVALID,
            line_of(&text, "-wonen"),
            "[source] group",
        );
        let text = edit("to_group = \"wonen-oost\"", "to_group = \"wonen_oost\"");
        only(
            &errors(&text),
            PLAN_INVALID,
            line_of(&text, "wonen_oost"),
            "[dossiers] to_group",
        );
    }

    #[test]
    fn test_account_required_for_levels_b_and_c() {
        for level in ["test-account", "dress-rehearsal"] {
            let text = edit("test_account = \"zorggroep-oost-test\"\n", "")
                .replace("\"test-account\"", &format!("\"{level}\""));
            let line = line_of(&text, "[target]");
            only(&errors(&text), PLAN_INVALID, line, "[target] test_account");
        }
        let text = edit("test_account = \"zorggroep-oost-test\"\n", "")
            .replace("\"test-account\"", "\"test-group\"");
        assert_eq!(plan(&text).target.test_account, None);
    }

    #[test]
    fn test_account_must_differ_from_the_account() {
        let text = edit("\"zorggroep-oost-test\"", "\"zorggroep-oost\"");
        let line = line_of(&text, "test_account");
        only(&errors(&text), PLAN_INVALID, line, "[target] test_account");
    }

    #[test]
    fn all_and_select_do_not_mix() {
        let text = VALID.replacen(ALL, &format!("{ALL}\n{}", &SELECT[11..]), 1);
        let problems = errors(&text);
        assert_eq!(problems.len(), 2, "{problems:#?}");
        expect(
            &problems,
            PLAN_INVALID,
            line_of(&text, "all = true"),
            "[dossiers] all",
        );
        expect(
            &problems,
            PLAN_INVALID,
            line_of(&text, "to_group"),
            "[dossiers] to_group",
        );
    }

    #[test]
    fn all_false_or_nothing_selects_nothing() {
        let text = edit("all = true", "all = false");
        only(
            &errors(&text),
            PLAN_INVALID,
            line_of(&text, "all = false"),
            "[dossiers] all",
        );
        let text = edit(ALL, "[dossiers]\n");
        only(
            &errors(&text),
            PLAN_INVALID,
            line_of(&text, "[dossiers]"),
            "[dossiers]",
        );
    }

    #[test]
    fn a_select_entry_needs_exactly_one_of_id_and_name() {
        let base = VALID.replacen(ALL, SELECT, 1);
        let text = base.replacen("id = \"d-0007\"", "id = \"d-0007\"\nname = \"Piet\"", 1);
        let line = line_of(&text, "[[dossiers.select]]");
        only(&errors(&text), PLAN_INVALID, line, "[[dossiers.select]] #1");

        let text = base.replacen("name = \"Jan de Vries\"\n", "", 1);
        let line = line_of(&text, "to_group = \"dagbesteding") - 1;
        only(&errors(&text), PLAN_INVALID, line, "[[dossiers.select]] #2");

        let text = base.replacen("to_group = \"dagbesteding-oost\"\n", "", 1);
        let line = line_of(&text, "name = \"Jan") - 1;
        only(
            &errors(&text),
            PLAN_INVALID,
            line,
            "[[dossiers.select]] #2 to_group",
        );
    }

    #[test]
    fn a_bad_dossier_id() {
        let text = VALID
            .replacen(ALL, SELECT, 1)
            .replacen("\"d-0007\"", "\"../d-0007\"", 1);
        let line = line_of(&text, "../d-0007");
        only(
            &errors(&text),
            PLAN_INVALID,
            line,
            "[[dossiers.select]] #1 id",
        );
    }

    #[test]
    fn the_same_dossier_twice() {
        let base = VALID.replacen(ALL, SELECT, 1);
        let text = base.replacen("\"d-0009\"", "\"D-0007\"", 1);
        let line = line_of(&text, "D-0007") - 1;
        let msg = only(
            &errors(&text),
            SELECTED_TWICE,
            line,
            "[[dossiers.select]] #3 id",
        );
        let first = line_of(&text, "d-0007") - 1;
        assert!(msg.contains(&format!("line {first}")), "{msg}");

        let text = base.replacen("id = \"d-0009\"", "name = \"Jan de Vries\"", 1);
        let line = line_of(
            &text,
            "[[dossiers.select]]\nname = \"Jan de Vries\"\nto_group = \"wonen-oost\"",
        );
        only(
            &errors(&text),
            SELECTED_TWICE,
            line,
            "[[dossiers.select]] #3 name",
        );
    }

    #[test]
    fn no_data_types() {
        let text = edit("daily_reports = { since = \"2021-01-01\" }\n", "")
            .replace("= true", "= false")
            .replace("all = false", "all = true");
        let line = line_of(&text, "[data]");
        only(&errors(&text), NO_DATA_TYPES, line, "[data]");

        let at = VALID.find("[data]").expect("data");
        let end = VALID.find("[consent.source_owner]").expect("consent");
        let text = format!("{}{}", &VALID[..at], &VALID[end..]);
        only(&errors(&text), NO_DATA_TYPES, 1, "[data]");
    }

    #[test]
    fn since_after_the_cut_off() {
        let text = edit("\"2021-01-01\"", "\"2026-12-02\"");
        let line = line_of(&text, "daily_reports");
        only(
            &errors(&text),
            SINCE_AFTER_CUT_OFF,
            line,
            "[data.daily_reports] since",
        );
        // The cut-off's own date counts, in its own offset: 00:30+01:00 is
        // still 30 November in UTC.
        let text =
            edit("\"2021-01-01\"", "\"2026-12-01\"").replace("T17:00:00+01:00", "T00:30:00+01:00");
        plan(&text);
    }

    #[test]
    fn since_as_a_toml_date_or_a_string() {
        let text = edit("\"2021-01-01\"", "2021-01-01");
        assert_eq!(plan(&text).digest, plan(VALID).digest);
        let text = edit("\"2021-01-01\"", "\"1 januari\"");
        only(
            &errors(&text),
            PLAN_INVALID,
            line_of(&text, "since"),
            "[data.daily_reports] since",
        );
        let text = edit("{ since = \"2021-01-01\" }", "{}");
        only(
            &errors(&text),
            PLAN_INVALID,
            line_of(&text, "daily"),
            "[data.daily_reports] since",
        );
    }

    #[test]
    fn consent_missing() {
        let at = VALID.find("[consent.target_owner]").expect("target owner");
        let end = VALID.find("[handover]").expect("handover");
        let text = format!("{}{}", &VALID[..at], &VALID[end..]);
        let line = line_of(&text, "[consent.source_owner]");
        only(
            &errors(&text),
            CONSENT_MISSING,
            line,
            "[consent.target_owner]",
        );

        let at = VALID.find("[consent.source_owner]").expect("source owner");
        let text = format!("{}{}", &VALID[..at], &VALID[end..]);
        let problems = errors(&text);
        assert_eq!(problems.len(), 2, "{problems:#?}");
        expect(&problems, CONSENT_MISSING, 1, "[consent.source_owner]");
        expect(&problems, CONSENT_MISSING, 1, "[consent.target_owner]");
    }

    #[test]
    fn consent_incomplete_names_the_missing_keys() {
        let text = edit("email = \"b.bakker@oost.example\"\n", "email = \" \"\n")
            .replace("reference = \"e-mail of 2026-11-21\"\n", "");
        let line = line_of(&text, "[consent.target_owner]");
        let msg = only(
            &errors(&text),
            CONSENT_INCOMPLETE,
            line,
            "[consent.target_owner]",
        );
        assert!(msg.ends_with("missing or empty: email, reference"), "{msg}");
    }

    #[test]
    fn consent_given_in_the_future() {
        let text = edit("given_on = \"2026-11-21\"", "given_on = 2026-11-26");
        let line = line_of(&text, "2026-11-26");
        let msg = only(
            &errors(&text),
            CONSENT_INCOMPLETE,
            line,
            "[consent.target_owner] given_on",
        );
        assert!(msg.contains("in the future"), "{msg}");
        // Today itself is fine.
        plan(&edit("given_on = \"2026-11-21\"", "given_on = 2026-11-25"));
    }

    #[test]
    fn consent_with_a_wrong_type() {
        let text = edit("name = \"B. Bakker\"", "name = [\"B. Bakker\"]");
        let line = line_of(&text, "[\"B. Bakker");
        let msg = only(
            &errors(&text),
            CONSENT_INCOMPLETE,
            line,
            "[consent.target_owner] name",
        );
        assert!(msg.ends_with("expected a string, found array"), "{msg}");
    }

    #[test]
    fn consent_with_a_bad_email_or_date() {
        let text = edit("a.jansen@noord.example", "A. Jansen");
        let line = line_of(&text, "email");
        only(
            &errors(&text),
            CONSENT_INCOMPLETE,
            line,
            "[consent.source_owner] email",
        );
        let text = edit("\"2026-11-20\"", "\"20-11-2026\"");
        let line = line_of(&text, "20-11-2026");
        only(
            &errors(&text),
            CONSENT_INCOMPLETE,
            line,
            "[consent.source_owner] given_on",
        );
    }

    #[test]
    fn recipients_are_required_and_must_look_like_age_keys() {
        let line = line_of(VALID, "recipients");
        let text = edit(&format!("[\"{RECIPIENT}\"]"), "[]");
        only(&errors(&text), PLAN_INVALID, line, "[handover] recipients");
        let text = edit(
            &format!("[\"{RECIPIENT}\"]"),
            &format!("[\"{RECIPIENT}\", \"age1XYZ\"]"),
        );
        only(
            &errors(&text),
            PLAN_INVALID,
            line,
            "[handover] recipients[2]",
        );
        let upper = RECIPIENT.to_uppercase();
        let text = edit(RECIPIENT, &upper);
        only(
            &errors(&text),
            PLAN_INVALID,
            line,
            "[handover] recipients[1]",
        );
        let text = edit(&format!("recipients = [\"{RECIPIENT}\"]\n"), "");
        only(
            &errors(&text),
            PLAN_INVALID,
            line_of(&text, "[handover]"),
            "[handover] recipients",
        );
    }

    #[test]
    fn the_signer_must_look_like_a_minisign_key() {
        let line = line_of(VALID, "signer");
        for bad in [
            "RW...",
            "untrusted comment: minisign public key 1F5BB6BE1F62B4E0",
            // Right length and alphabet, but not starting with `Ed`.
            "AAQf6LRCGA9i53mlYecO4IzT51TGPpvWucNSCh1CBM0QTaLn73Y7GFO3",
        ] {
            let text = edit(SIGNER, bad);
            only(&errors(&text), PLAN_INVALID, line, "[handover] signer");
        }
    }

    #[test]
    fn every_error_is_reported_not_only_the_first() {
        let text = edit("\"noord-naar-oost-2026-12\"", "\"X\"")
            .replace("\"test-account\"", "\"z\"")
            .replace("a.jansen@noord.example", "nobody")
            .replace(SIGNER, "RW");
        let codes: Vec<Code> = errors(&text).iter().map(|p| p.code).collect();
        assert_eq!(
            codes,
            vec![PLAN_INVALID, PLAN_INVALID, CONSENT_INCOMPLETE, PLAN_INVALID]
        );
    }

    #[test]
    fn digest_ignores_comments_layout_order_and_explicit_false() {
        let reference = plan(VALID).digest;
        let reordered = r#"
# The same plan, written differently.
test_level = "test-account"
id = "noord-naar-oost-2026-12"
cut_off = "2026-12-01T17:00:00+01:00"

[handover]
signer = "RWQf6LRCGA9i53mlYecO4IzT51TGPpvWucNSCh1CBM0QTaLn73Y7GFO3"
recipients = [
    "age1ql3z7hjy54pw3hyww5ayyfg7zqgvc7w3j2elw8zmrj2kg5sfn9aqmcac8p",
]

[data]
history = true
member_access = true
files = true
agenda = true
plan_items = true
daily_reports.since = 2021-01-01

[consent]
target_owner = { name = "B. Bakker", email = "b.bakker@oost.example", given_on = 2026-11-21, reference = "e-mail of 2026-11-21" }

[consent.source_owner]
reference = "e-mail of 2026-11-20, subject 'Akkoord overdracht dossiers'"
given_on = "2026-11-20"
email = "a.jansen@noord.example"
name = "A. Jansen"

[dossiers]
to_group = "wonen-oost"
all = true

[target]
test_account = "zorggroep-oost-test"
account = "zorggroep-oost"

[source]
group = "wonen-noord"
account = "zorggroep-noord"
"#;
        assert_eq!(plan(reordered).digest, reference);
    }

    #[test]
    fn digest_changes_with_the_meaning() {
        let reference = plan(VALID).digest;
        let changes = [
            ("to_group = \"wonen-oost\"", "to_group = \"wonen-west\""),
            ("vecozo = false", "vecozo = true"),
            ("\"2021-01-01\"", "\"2021-01-02\""),
            ("{ since = \"2021-01-01\" }", "true"),
            ("+01:00\"", "Z\""),
        ];
        for (from, to) in changes {
            assert_ne!(plan(&edit(from, to)).digest, reference, "{from} -> {to}");
        }
        let selected = plan(&VALID.replacen(ALL, SELECT, 1)).digest;
        let other = plan(&VALID.replacen(ALL, &SELECT.replacen("d-0009", "d-0010", 1), 1)).digest;
        assert_ne!(selected, reference);
        assert_ne!(selected, other);
    }

    #[test]
    fn the_template_parses_once_filled_in() {
        let problems = match parse(template()) {
            Ok(_) => panic!("the unfilled template must not pass"),
            Err(problems) => problems,
        };
        let codes: Vec<Code> = problems.iter().map(|p| p.code).collect();
        assert_eq!(
            codes,
            vec![
                CONSENT_INCOMPLETE,
                CONSENT_INCOMPLETE,
                PLAN_INVALID,
                PLAN_INVALID
            ]
        );
        let filled = template()
            .replace("name = \"\"", "name = \"A. Jansen\"")
            .replace("email = \"\"", "email = \"a.jansen@noord.example\"")
            .replace("given_on = \"\"", "given_on = \"2026-11-20\"")
            .replace("reference = \"\"", "reference = \"e-mail of 2026-11-20\"")
            .replace("\"age1...\"", &format!("\"{RECIPIENT}\""))
            .replace("\"RW...\"", &format!("\"{SIGNER}\""));
        let p = plan(&filled);
        assert_eq!(p.test_level, TestLevel::TestAccount);
    }

    #[test]
    fn load_reads_a_file_and_reports_io_errors() {
        let dir = std::env::temp_dir().join(format!("plan-test-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("temp dir");
        let path = dir.join("plan.toml");
        std::fs::write(&path, VALID).expect("write");
        let loaded = Plan::load(&path, today());
        assert!(matches!(loaded, Ok((ref p, _)) if p.digest == plan(VALID).digest));
        std::fs::write(&path, b"id = \"\xff\"").expect("write");
        assert!(matches!(Plan::load(&path, today()), Err(Error::Invalid(_))));
        std::fs::remove_dir_all(&dir).expect("clean up");
        assert!(matches!(Plan::load(&path, today()), Err(Error::Io { .. })));
    }
}

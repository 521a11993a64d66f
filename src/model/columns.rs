//! The column types of the kinds table (`kinds.rs`): what a field holds,
//! where a reference points, how a kind is generated; and the questions
//! the tool asks of a row. The table itself stays in `kinds.rs`, which
//! re-exports these.

use super::kinds::{KINDS, Kind, KindId};
use super::syntax;
use jiff::civil::Date;
use serde_json::{Map, Value};

/// What a field must hold. [`FieldType::Ref`] says what the value points
/// at, so checks, export, import and the report follow references through
/// one rewriter (`model/refs.rs`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FieldType {
    /// Any string.
    Text,
    /// One of the given strings.
    OneOf(&'static [&'static str]),
    /// RFC 3339 with an offset, kept as written.
    Timestamp,
    /// `YYYY-MM-DD`.
    Date,
    /// `YYYY-MM`.
    Month,
    /// A whole number >= 0.
    Count,
    /// Any JSON number.
    Number,
    /// An e-mail address that is not a teammate (a member, a client).
    Email,
    /// A teammate reference by e-mail.
    Teammate,
    /// A list of teammate references.
    Teammates,
    /// A list of strings.
    TextList,
    /// A lowercase hex sha256 naming a `files/<sha256>` entry.
    Sha256,
    /// The value of a plan/data page field: JSON of the field's type.
    FieldValue,
    /// Any JSON value.
    Json,
    /// A reference into the group's configuration.
    Config(ConfigRef),
    /// A reference to another record or dossier.
    Ref(Ref),
    /// The lines of a declaration.
    DeclarationLines,
}

/// The part of a group's configuration a field refers to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ConfigRef {
    /// `page.tab.field`
    Field,
    /// A daily report's `label`: one of the group's report labels.
    ReportLabel,
    /// An agenda item's `type`: one of the group's agenda types.
    AgendaType,
    /// A time entry's or assignment's `product` code: one of the group's
    /// products.
    Product,
}

/// A reference field: what it points at, whether it holds a list, and the
/// manifest's `references_removed` key counting the references export cuts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Ref {
    /// What the reference points at.
    pub to: Target,
    /// Whether the field holds a list of references rather than one.
    pub many: bool,
    /// The `references_removed` key under which export counts the references
    /// it cuts (e.g. [`OTHER_CLIENTS`](super::kinds::OTHER_CLIENTS)).
    pub cut_as: &'static str,
}

/// What a reference points at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    /// A record of this kind, by id, in the given scope.
    Kind(KindId, Scope),
    /// Another dossier of the same account, by id.
    Dossier,
    /// A record of any kind of the same account, written `kind:id`; it may
    /// have been deleted.
    Subject,
}

/// Where the record a reference names must be.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// In the same dossier: checked while the dossier is read, and cut on
    /// export when the record does not move with the dossier.
    Dossier,
    /// Anywhere in the account: resolved once everything has been read.
    Account,
}

/// One field of a kind: its name in the record, what it holds, and
/// whether it must be there.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Field {
    /// The field's name in the record's JSON.
    pub name: &'static str,
    /// What the value must hold.
    pub ty: FieldType,
    /// Whether a record without the field is invalid (an optional field may
    /// be absent).
    pub required: bool,
}

pub(super) const fn req(name: &'static str, ty: FieldType) -> Field {
    Field {
        name,
        ty,
        required: true,
    }
}

pub(super) const fn opt(name: &'static str, ty: FieldType) -> Field {
    Field {
        name,
        ty,
        required: false,
    }
}

/// The fields of a kind whose records carry file contents.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Content {
    /// The field holding the contents' sha256 (`files/<sha256>` in the tree).
    pub sha256: &'static str,
    /// The field holding the contents' size in bytes.
    pub size: &'static str,
}

/// How `account generate` fills a kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct GenSpec {
    /// How many records a generated dossier gets.
    pub volume: Volume,
    /// Sample texts by field; a `Text` field not named here gets a sentence.
    pub texts: &'static [(&'static str, Sample)],
}

/// How many records a generated dossier gets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Volume {
    /// As many as `--reports`.
    Reports,
    /// As many as `--files`.
    Files,
    /// `base` plus one per `per` daily reports.
    Scaled {
        /// Records at least, with no daily reports.
        base: u32,
        /// One more record per this many daily reports.
        per: u32,
    },
}

/// A generated text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sample {
    /// Two sentences.
    TwoSentences,
    /// One of these, picked at random.
    Pick(&'static [&'static str]),
    /// Always this text.
    Fixed(&'static str),
    /// A picked word, `-`, the record's number counted from 1, `suffix`.
    Numbered(&'static [&'static str], &'static str),
    /// `before`, `first` plus the record's number counted from 0, `after`.
    Counter {
        /// Text before the number.
        before: &'static str,
        /// The number of the first record.
        first: u32,
        /// Text after the number.
        after: &'static str,
    },
    /// Ten random digits.
    Digits,
}

pub(super) const fn refs(to: Target, many: bool, cut_as: &'static str) -> FieldType {
    FieldType::Ref(Ref { to, many, cut_as })
}

pub(super) const fn scaled(base: u32, per: u32) -> Volume {
    Volume::Scaled { base, per }
}

/// Kinds that references of `scope` point at, in table order.
pub(super) fn referenced(scope: Option<Scope>) -> impl Iterator<Item = KindId> {
    KINDS
        .iter()
        .flat_map(|k| k.refs())
        .filter_map(move |(_, r)| match r.to {
            Target::Kind(to, s) if scope.is_none_or(|want| want == s) => Some(to),
            _ => None,
        })
}

/// The kinds in the order a dossier is read or exported: kinds that a
/// reference of the same dossier points at first (so the reference can be
/// checked, or cut, against what came before), then table order.
pub fn dossier_order() -> Vec<&'static Kind> {
    let first: Vec<KindId> = referenced(Some(Scope::Dossier)).collect();
    ordered(&first)
}

/// The kinds in the order `account generate` fills a dossier: every kind
/// some reference points at first, so that there is something to refer to.
pub fn generate_order() -> Vec<&'static Kind> {
    let first: Vec<KindId> = referenced(None).collect();
    ordered(&first)
}

fn ordered(first: &[KindId]) -> Vec<&'static Kind> {
    let mut all: Vec<&'static Kind> = KINDS.iter().collect();
    all.sort_by_key(|k| !first.contains(&k.id));
    all
}

impl Kind {
    /// The kind's field named `name`; `None` when the kind has no such field.
    pub fn field(&self, name: &str) -> Option<&'static Field> {
        self.fields.iter().find(|f| f.name == name)
    }

    /// Fields holding teammate e-mails (one or a list).
    pub fn teammate_fields(&self) -> impl Iterator<Item = &'static Field> {
        self.fields
            .iter()
            .filter(|f| matches!(f.ty, FieldType::Teammate | FieldType::Teammates))
    }

    /// The field referring to this part of the configuration, if any.
    pub fn config_field(&self, what: ConfigRef) -> Option<&'static Field> {
        self.fields.iter().find(|f| f.ty == FieldType::Config(what))
    }

    /// The reference fields, with their references.
    pub fn refs(&self) -> impl Iterator<Item = (&'static Field, Ref)> {
        self.fields.iter().filter_map(|f| match f.ty {
            FieldType::Ref(r) => Some((f, r)),
            _ => None,
        })
    }

    /// The field naming the other dossiers a shared record concerns.
    pub fn dossiers_field(&self) -> Option<&'static str> {
        self.refs()
            .find(|(_, r)| r.to == Target::Dossier)
            .map(|(f, _)| f.name)
    }

    /// The record's date when it is before `since`: such a record stays
    /// behind. `None` for a kind without a `since` field.
    pub fn dated_before(&self, fields: &Map<String, Value>, since: Date) -> Option<Date> {
        let date = fields
            .get(self.since_field?)
            .and_then(Value::as_str)
            .and_then(syntax::date)?;
        (date < since).then_some(date)
    }
}

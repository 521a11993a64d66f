//! The one table of record kinds.
//!
//! Every part of the tool that handles records (tree validation, the store,
//! export, verify, import, digests, report, `account generate`) walks
//! [`KINDS`] instead of naming kinds in code, so a new kind is one new row.

use crate::model::syntax;
use jiff::civil::Date;
use serde::Serialize;
use serde_json::{Map, Value};

/// A data type as the plan names it (`[data]` keys in plan.md).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum DataType {
    DailyReports,
    PlanItems,
    Agenda,
    Files,
    TimeRegistration,
    Vecozo,
    Teammates,
    MemberAccess,
    History,
    Other,
}

impl DataType {
    /// Every data type, in the order of plan.md.
    pub const ALL: [DataType; 10] = [
        DataType::DailyReports,
        DataType::PlanItems,
        DataType::Agenda,
        DataType::Files,
        DataType::TimeRegistration,
        DataType::Vecozo,
        DataType::Teammates,
        DataType::MemberAccess,
        DataType::History,
        DataType::Other,
    ];

    pub fn key(self) -> &'static str {
        match self {
            DataType::DailyReports => "daily_reports",
            DataType::PlanItems => "plan_items",
            DataType::Agenda => "agenda",
            DataType::Files => "files",
            DataType::TimeRegistration => "time_registration",
            DataType::Vecozo => "vecozo",
            DataType::Teammates => "teammates",
            DataType::MemberAccess => "member_access",
            DataType::History => "history",
            DataType::Other => "other",
        }
    }

    pub fn from_key(key: &str) -> Option<DataType> {
        DataType::ALL.into_iter().find(|d| d.key() == key)
    }

    /// The record kinds this data type moves (none for `teammates`, which is
    /// account level).
    pub fn kinds(self) -> impl Iterator<Item = &'static Kind> {
        KINDS.iter().filter(move |k| k.data_type == self)
    }
}

/// Names a row of [`KINDS`] in code, so that no code spells a kind's wire
/// name. The variants are in table order: `KINDS[id as usize].id == id`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum KindId {
    DailyReports,
    FieldValues,
    AgendaItems,
    Files,
    TimeEntries,
    Assignments,
    VecozoMessages,
    Declarations,
    MemberAccess,
    History,
    Other,
}

impl KindId {
    /// The kind's row.
    pub fn kind(self) -> &'static Kind {
        &KINDS[self as usize]
    }

    /// The kind's name on the wire.
    pub fn name(self) -> &'static str {
        self.kind().name
    }
}

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
    ReportLabel,
    AgendaType,
    Product,
}

/// A reference field: what it points at, whether it holds a list, and the
/// manifest's `references_removed` key counting the references export cuts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Ref {
    pub to: Target,
    pub many: bool,
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

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Field {
    pub name: &'static str,
    pub ty: FieldType,
    pub required: bool,
}

const fn req(name: &'static str, ty: FieldType) -> Field {
    Field {
        name,
        ty,
        required: true,
    }
}

const fn opt(name: &'static str, ty: FieldType) -> Field {
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
    Scaled { base: u32, per: u32 },
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
        before: &'static str,
        first: u32,
        after: &'static str,
    },
    /// Ten random digits.
    Digits,
}

/// One record kind: its file name in the tree, the plan data type that
/// moves it, its fields besides `id`, `created_at` and `origin`, and every
/// trait some step of the tool treats specially.
#[derive(Debug, PartialEq, Eq)]
pub struct Kind {
    pub id: KindId,
    pub name: &'static str,
    /// One record in a problem's prose: "`a-9` is not an agenda item".
    pub noun: &'static str,
    pub data_type: DataType,
    pub fields: &'static [Field],
    /// The date field the plan's `since` compares (records dated before it
    /// stay behind).
    pub since_field: Option<&'static str>,
    /// Timestamps of later edits: a record edited after the cut-off moves
    /// in its current state, and is counted as such.
    pub edit_fields: &'static [&'static str],
    /// Set when the records carry file contents.
    pub content: Option<Content>,
    /// One record may concern several dossiers (through its `Dossier`
    /// reference): export places it under one moving dossier.
    pub shared_across_dossiers: bool,
    pub generate: GenSpec,
}

use ConfigRef as C;
use FieldType as T;

/// The manifest's `references_removed` keys (each reference field's
/// `cut_as`).
pub const OTHER_CLIENTS: &str = "other_clients";
pub const HISTORY_OTHER_DOSSIERS: &str = "history_other_dossiers";
pub const REPORT_ATTACHMENTS: &str = "report_attachments";
pub const TIME_ENTRY_AGENDA_ITEMS: &str = "time_entry_agenda_items";

/// The folder of file contents in the tree and the archive.
pub const CONTENT_FOLDER: &str = "files";

const fn refs(to: Target, many: bool, cut_as: &'static str) -> FieldType {
    FieldType::Ref(Ref { to, many, cut_as })
}

const fn scaled(base: u32, per: u32) -> Volume {
    Volume::Scaled { base, per }
}

const STATUSES: Sample = Sample::Pick(&["verzonden", "goedgekeurd", "afgekeurd"]);

pub static KINDS: [Kind; 11] = [
    Kind {
        id: KindId::DailyReports,
        name: "daily_reports",
        noun: "a daily report",
        data_type: DataType::DailyReports,
        fields: &[
            req("date", T::Date),
            req("author", T::Teammate),
            opt("label", T::Config(C::ReportLabel)),
            req("text", T::Text),
            req(
                "file_ids",
                refs(
                    Target::Kind(KindId::Files, Scope::Dossier),
                    true,
                    REPORT_ATTACHMENTS,
                ),
            ),
            opt("edited_at", T::Timestamp),
        ],
        since_field: Some("date"),
        edit_fields: &["edited_at"],
        content: None,
        shared_across_dossiers: false,
        generate: GenSpec {
            volume: Volume::Reports,
            texts: &[("text", Sample::TwoSentences)],
        },
    },
    Kind {
        id: KindId::FieldValues,
        name: "field_values",
        noun: "a field value",
        data_type: DataType::PlanItems,
        fields: &[
            req("field", T::Config(C::Field)),
            req("value", T::FieldValue),
            req("updated_at", T::Timestamp),
            req("updated_by", T::Teammate),
        ],
        since_field: None,
        edit_fields: &["updated_at"],
        content: None,
        shared_across_dossiers: false,
        generate: GenSpec {
            volume: scaled(4, 10),
            texts: &[],
        },
    },
    Kind {
        id: KindId::AgendaItems,
        name: "agenda_items",
        noun: "an agenda item",
        data_type: DataType::Agenda,
        fields: &[
            req("type", T::Config(C::AgendaType)),
            req("title", T::Text),
            req("starts_at", T::Timestamp),
            req("ends_at", T::Timestamp),
            req("participants", T::Teammates),
            req("other_clients", refs(Target::Dossier, true, OTHER_CLIENTS)),
            opt("note", T::Text),
        ],
        since_field: None,
        edit_fields: &[],
        content: None,
        shared_across_dossiers: true,
        generate: GenSpec {
            volume: scaled(1, 5),
            texts: &[(
                "title",
                Sample::Pick(&[
                    "Evaluatiegesprek",
                    "Huisartsbezoek",
                    "Familieoverleg",
                    "Fysiotherapie",
                ]),
            )],
        },
    },
    Kind {
        id: KindId::Files,
        name: "files",
        noun: "a files record",
        data_type: DataType::Files,
        fields: &[
            req("name", T::Text),
            opt("folder", T::Text),
            req("media_type", T::Text),
            req("size", T::Count),
            req("sha256", T::Sha256),
            req("uploaded_by", T::Teammate),
            req("uploaded_at", T::Timestamp),
        ],
        since_field: None,
        edit_fields: &[],
        content: Some(Content {
            sha256: "sha256",
            size: "size",
        }),
        shared_across_dossiers: false,
        generate: GenSpec {
            volume: Volume::Files,
            texts: &[
                (
                    "name",
                    Sample::Numbered(&["zorgplan", "indicatie", "verslag", "toestemming"], ".pdf"),
                ),
                ("media_type", Sample::Fixed("application/octet-stream")),
                (
                    "folder",
                    Sample::Pick(&["Zorgplan", "Indicaties", "Correspondentie"]),
                ),
            ],
        },
    },
    Kind {
        id: KindId::TimeEntries,
        name: "time_entries",
        noun: "a time entry",
        data_type: DataType::TimeRegistration,
        fields: &[
            req("teammate", T::Teammate),
            req("product", T::Config(C::Product)),
            req("starts_at", T::Timestamp),
            req("ends_at", T::Timestamp),
            req("minutes", T::Count),
            opt(
                "agenda_item",
                refs(
                    Target::Kind(KindId::AgendaItems, Scope::Account),
                    false,
                    TIME_ENTRY_AGENDA_ITEMS,
                ),
            ),
            opt("note", T::Text),
        ],
        since_field: None,
        edit_fields: &[],
        content: None,
        shared_across_dossiers: false,
        generate: GenSpec {
            volume: scaled(1, 5),
            texts: &[],
        },
    },
    Kind {
        id: KindId::Assignments,
        name: "assignments",
        noun: "an assignment",
        data_type: DataType::Vecozo,
        fields: &[
            req("number", T::Text),
            req("product", T::Config(C::Product)),
            opt("category", T::Text),
            req("volume", T::Number),
            req("unit", T::Text),
            opt("frequency", T::Text),
            req("start", T::Date),
            opt("end", T::Date),
        ],
        since_field: None,
        edit_fields: &[],
        content: None,
        shared_across_dossiers: false,
        generate: GenSpec {
            volume: scaled(1, 100),
            texts: &[
                ("number", Sample::Digits),
                ("category", Sample::Fixed("Begeleiding")),
                ("unit", Sample::Fixed("minuut")),
                ("frequency", Sample::Fixed("per week")),
            ],
        },
    },
    Kind {
        id: KindId::VecozoMessages,
        name: "vecozo_messages",
        noun: "a Vecozo message",
        data_type: DataType::Vecozo,
        fields: &[
            req("code", T::Text),
            req("direction", T::OneOf(&["in", "out"])),
            req("message_id", T::Text),
            req("sent_at", T::Timestamp),
            req("status", T::Text),
            req("payload", T::Text),
        ],
        since_field: None,
        edit_fields: &[],
        content: None,
        shared_across_dossiers: false,
        generate: GenSpec {
            volume: scaled(1, 25),
            texts: &[
                (
                    "code",
                    Sample::Pick(&["JW301", "JW315", "JW317", "JW323", "WMO301"]),
                ),
                ("message_id", Sample::Digits),
                ("status", STATUSES),
                (
                    "payload",
                    Sample::Counter {
                        before: "<Bericht><Header><BerichtCode>",
                        first: 400,
                        after: "</BerichtCode></Header></Bericht>",
                    },
                ),
            ],
        },
    },
    Kind {
        id: KindId::Declarations,
        name: "declarations",
        noun: "a declaration",
        data_type: DataType::Vecozo,
        fields: &[
            req("number", T::Text),
            req("period", T::Month),
            req("status", T::Text),
            opt("message_id", T::Text),
            req("lines", T::DeclarationLines),
        ],
        since_field: None,
        edit_fields: &[],
        content: None,
        shared_across_dossiers: false,
        generate: GenSpec {
            volume: scaled(1, 25),
            texts: &[
                ("number", Sample::Digits),
                ("status", STATUSES),
                ("message_id", Sample::Digits),
            ],
        },
    },
    Kind {
        id: KindId::MemberAccess,
        name: "member_access",
        noun: "a member access record",
        data_type: DataType::MemberAccess,
        fields: &[
            req("email", T::Email),
            req("name", T::Text),
            req(
                "relation",
                T::OneOf(&["client", "relative", "guardian", "other"]),
            ),
            req("permissions", T::TextList),
            req("granted_at", T::Timestamp),
        ],
        since_field: None,
        edit_fields: &[],
        content: None,
        shared_across_dossiers: false,
        generate: GenSpec {
            volume: scaled(1, 100),
            texts: &[],
        },
    },
    Kind {
        id: KindId::History,
        name: "history",
        noun: "a history line",
        data_type: DataType::History,
        fields: &[
            req("at", T::Timestamp),
            req("actor", T::Teammate),
            req("action", T::Text),
            req(
                "subject",
                refs(Target::Subject, false, HISTORY_OTHER_DOSSIERS),
            ),
            opt("detail", T::Text),
        ],
        since_field: None,
        edit_fields: &[],
        content: None,
        shared_across_dossiers: false,
        generate: GenSpec {
            volume: scaled(1, 4),
            texts: &[(
                "action",
                Sample::Pick(&["aangemaakt", "gewijzigd", "bekeken", "verwijderd"]),
            )],
        },
    },
    Kind {
        id: KindId::Other,
        name: "other",
        noun: "an other record",
        data_type: DataType::Other,
        fields: &[req("type", T::Text), req("payload", T::Json)],
        since_field: None,
        edit_fields: &[],
        content: None,
        shared_across_dossiers: false,
        generate: GenSpec {
            volume: scaled(1, 25),
            texts: &[(
                "type",
                Sample::Pick(&["medicatieoverzicht", "wilsverklaring", "allergie"]),
            )],
        },
    },
];

/// The kind with this file name.
pub fn kind(name: &str) -> Option<&'static Kind> {
    KINDS.iter().find(|k| k.name == name)
}

/// Kinds that references of `scope` point at, in table order.
fn referenced(scope: Option<Scope>) -> impl Iterator<Item = KindId> {
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

    /// Whether a reference of the same dossier points at this kind.
    pub fn is_dossier_target(&self) -> bool {
        referenced(Some(Scope::Dossier)).any(|k| k == self.id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_data_type_but_teammates_moves_a_kind() {
        for dt in DataType::ALL {
            let n = dt.kinds().count();
            if dt == DataType::Teammates {
                assert_eq!(n, 0);
            } else {
                assert!(n > 0, "{dt:?} moves no kind");
            }
        }
    }

    #[test]
    fn every_row_sits_at_its_ids_place() {
        for (i, k) in KINDS.iter().enumerate() {
            assert_eq!(k.id as usize, i, "{}", k.name);
            assert_eq!(k.id.kind().name, k.name);
        }
    }

    #[test]
    fn referenced_kinds_come_first() {
        let names = |v: Vec<&Kind>| v.iter().take(2).map(|k| k.name).collect::<Vec<_>>();
        assert_eq!(names(dossier_order()), ["files", "daily_reports"]);
        assert_eq!(names(generate_order()), ["agenda_items", "files"]);
    }

    #[test]
    fn every_content_field_and_since_field_is_a_field() {
        for k in &KINDS {
            let content = k.content.iter().flat_map(|c| [c.sha256, c.size]);
            for f in content
                .chain(k.since_field)
                .chain(k.edit_fields.iter().copied())
            {
                assert!(k.field(f).is_some(), "{}.{f}", k.name);
            }
            for (f, _) in k.generate.texts {
                assert!(k.field(f).is_some(), "{}.{f}", k.name);
            }
        }
    }

    #[test]
    fn kind_names_are_unique() {
        let mut names: Vec<_> = KINDS.iter().map(|k| k.name).collect();
        names.sort();
        names.dedup();
        assert_eq!(names.len(), KINDS.len());
    }
}

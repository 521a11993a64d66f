//! The one table of record kinds.
//!
//! Every part of the tool that handles records (tree validation, the store,
//! export, verify, import, digests, report, `account generate`) walks
//! [`KINDS`] instead of naming kinds in code, so a new kind is one new row.

use serde::Serialize;

pub use super::columns::{
    ConfigRef, Content, Field, FieldType, GenSpec, Ref, Sample, Scope, Target, Volume,
    dossier_order, generate_order,
};
use super::columns::{opt, refs, req, scaled};

/// A data type as the plan names it (`[data]` keys in plan.md).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum DataType {
    /// Daily reports (kind `daily_reports`), optionally only those dated on
    /// or after `since`.
    DailyReports,
    /// Values of the group's configured fields, `page.tab.field` (kind
    /// `field_values`).
    PlanItems,
    /// Agenda items (kind `agenda_items`).
    Agenda,
    /// File records and their contents (kind `files`).
    Files,
    /// Time entries (kind `time_entries`).
    TimeRegistration,
    /// VECOZO assignments, messages and declarations, moved as history: they
    /// are never sent again from the target.
    Vecozo,
    /// Teammates missing on the target, created there inactive; account
    /// level, so it moves no record kind.
    Teammates,
    /// The access of clients, relatives and guardians to a dossier (kind
    /// `member_access`).
    MemberAccess,
    /// History lines (kind `history`).
    History,
    /// Anything else, free-form (kind `other`).
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

    /// The data type's key in the plan's `[data]` table.
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

    /// The data type whose plan key is `key`; `None` for an unknown key.
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
    /// `daily_reports`: a day's report on the client.
    DailyReports,
    /// `field_values`: one value of a configured field (`page.tab.field`).
    FieldValues,
    /// `agenda_items`: an appointment, possibly shared by several dossiers.
    AgendaItems,
    /// `files`: a file's metadata; the contents are stored once per sha256.
    Files,
    /// `time_entries`: time a teammate spent on a product.
    TimeEntries,
    /// `assignments`: a VECOZO assignment (toewijzing).
    Assignments,
    /// `vecozo_messages`: a VECOZO message sent or received.
    VecozoMessages,
    /// `declarations`: a declaration, with this client's lines only.
    Declarations,
    /// `member_access`: one person's access to the dossier.
    MemberAccess,
    /// `history`: a line of the dossier's history.
    History,
    /// `other`: a free-form record with a type and any JSON payload.
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

/// One record kind: its file name in the tree, the plan data type that
/// moves it, its fields besides `id`, `created_at` and `origin`, and every
/// trait some step of the tool treats specially.
#[derive(Debug, PartialEq, Eq)]
pub struct Kind {
    /// The row's name in code; `KINDS[id as usize].id == id`.
    pub id: KindId,
    /// The kind's wire name: its `.jsonl` file name in the tree and archive,
    /// and the key in the manifest's counts and digests.
    pub name: &'static str,
    /// One record in a problem's prose: "`a-9` is not an agenda item".
    pub noun: &'static str,
    /// The plan data type that moves records of this kind.
    pub data_type: DataType,
    /// The record's fields besides `id`, `created_at` and `origin`, with
    /// their types and references.
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
    /// How `account generate` makes test records of this kind.
    pub generate: GenSpec,
}

use ConfigRef as C;
use FieldType as T;

/// The manifest's `references_removed` keys (each reference field's
/// `cut_as`).
pub const OTHER_CLIENTS: &str = "other_clients";
/// `references_removed` key: history lines about another dossier's records,
/// left out at export.
pub const HISTORY_OTHER_DOSSIERS: &str = "history_other_dossiers";
/// `references_removed` key: a daily report's attachments, dropped when
/// files do not move.
pub const REPORT_ATTACHMENTS: &str = "report_attachments";
/// `references_removed` key: a time entry's agenda item, dropped when that
/// item does not move.
pub const TIME_ENTRY_AGENDA_ITEMS: &str = "time_entry_agenda_items";

/// The folder of file contents in the tree and the archive.
pub const CONTENT_FOLDER: &str = "files";

const STATUSES: Sample = Sample::Pick(&["verzonden", "goedgekeurd", "afgekeurd"]);

/// Every record kind, in [`KindId`] order: the one table the rest of the
/// tool walks.
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

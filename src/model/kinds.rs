//! The one table of record kinds.
//!
//! Every part of the tool that handles records (tree validation, the store,
//! export, verify, import, digests, report, `account generate`) walks
//! [`KINDS`] instead of naming kinds in code, so a new kind is one new row.

use serde::Serialize;

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

/// What a field must hold. Reference variants say what the value points at,
/// so checks, export and import can follow references generically.
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
    /// A reference into the group configuration.
    Config(ConfigRef),
    /// Ids of `files` records of the same dossier.
    FileIds,
    /// Ids of other dossiers of the same account.
    OtherDossiers,
    /// The id of an agenda item of the same account.
    AgendaItem,
    /// `kind:id` of a record of the same account (it may have been deleted).
    Subject,
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

/// One record kind: its file name in the tree, the plan data type that moves
/// it, and its fields besides `id`, `created_at` and `origin`.
#[derive(Debug, PartialEq, Eq)]
pub struct Kind {
    pub name: &'static str,
    pub data_type: DataType,
    pub fields: &'static [Field],
}

use ConfigRef as C;
use FieldType as T;

pub static KINDS: [Kind; 11] = [
    Kind {
        name: "daily_reports",
        data_type: DataType::DailyReports,
        fields: &[
            req("date", T::Date),
            req("author", T::Teammate),
            opt("label", T::Config(C::ReportLabel)),
            req("text", T::Text),
            req("file_ids", T::FileIds),
            opt("edited_at", T::Timestamp),
        ],
    },
    Kind {
        name: "field_values",
        data_type: DataType::PlanItems,
        fields: &[
            req("field", T::Config(C::Field)),
            req("value", T::FieldValue),
            req("updated_at", T::Timestamp),
            req("updated_by", T::Teammate),
        ],
    },
    Kind {
        name: "agenda_items",
        data_type: DataType::Agenda,
        fields: &[
            req("type", T::Config(C::AgendaType)),
            req("title", T::Text),
            req("starts_at", T::Timestamp),
            req("ends_at", T::Timestamp),
            req("participants", T::Teammates),
            req("other_clients", T::OtherDossiers),
            opt("note", T::Text),
        ],
    },
    Kind {
        name: "files",
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
    },
    Kind {
        name: "time_entries",
        data_type: DataType::TimeRegistration,
        fields: &[
            req("teammate", T::Teammate),
            req("product", T::Config(C::Product)),
            req("starts_at", T::Timestamp),
            req("ends_at", T::Timestamp),
            req("minutes", T::Count),
            opt("agenda_item", T::AgendaItem),
            opt("note", T::Text),
        ],
    },
    Kind {
        name: "assignments",
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
    },
    Kind {
        name: "vecozo_messages",
        data_type: DataType::Vecozo,
        fields: &[
            req("code", T::Text),
            req("direction", T::OneOf(&["in", "out"])),
            req("message_id", T::Text),
            req("sent_at", T::Timestamp),
            req("status", T::Text),
            req("payload", T::Text),
        ],
    },
    Kind {
        name: "declarations",
        data_type: DataType::Vecozo,
        fields: &[
            req("number", T::Text),
            req("period", T::Month),
            req("status", T::Text),
            opt("message_id", T::Text),
            req("lines", T::DeclarationLines),
        ],
    },
    Kind {
        name: "member_access",
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
    },
    Kind {
        name: "history",
        data_type: DataType::History,
        fields: &[
            req("at", T::Timestamp),
            req("actor", T::Teammate),
            req("action", T::Text),
            req("subject", T::Subject),
            opt("detail", T::Text),
        ],
    },
    Kind {
        name: "other",
        data_type: DataType::Other,
        fields: &[req("type", T::Text), req("payload", T::Json)],
    },
];

/// The kind with this file name.
pub fn kind(name: &str) -> Option<&'static Kind> {
    KINDS.iter().find(|k| k.name == name)
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
    fn kind_names_are_unique() {
        let mut names: Vec<_> = KINDS.iter().map(|k| k.name).collect();
        names.sort();
        names.dedup();
        assert_eq!(names.len(), KINDS.len());
    }
}

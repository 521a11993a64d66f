//! The migration plan (plan.md): reading and validating `plan.toml`, its
//! canonical JSON form and the digest both sides use to prove they worked
//! from the same plan.
//!
//! The TOML is walked by hand (not through serde derive) so that every
//! problem, unknown keys included, is reported at once with its line.

use std::io::Read;
use std::path::Path;

use jiff::Timestamp;
use jiff::civil::Date;
use serde_json::{Value, json};
use toml::de::DeTable;

use crate::error::{Error, Result};
use crate::model::kinds::DataType;
use crate::problem::{Code, Problem};

mod agreement;
mod lexical;
mod read;
mod walk;

#[cfg(test)]
mod tests;

use read::read_plan;
use walk::{Cx, Section};

/// The largest plan read: about 20,000 `select` entries, so a hostile plan
/// cannot make the parser hold hundreds of MiB.
pub(crate) const MAX_PLAN: u64 = 1 << 20;

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
    /// The migration id (`[a-z0-9-]{3,64}`): it names the handover in the
    /// archive, the journals and the audit logs.
    pub id: String,
    /// As written in the file (it is what the digest covers).
    pub(crate) cut_off: String,
    pub(crate) cut_off_at: Timestamp,
    /// How the handover is tested before the live import.
    pub(crate) test_level: TestLevel,
    /// Where the dossiers come from.
    pub(crate) source: SourceSide,
    /// Where they go.
    pub target: TargetSide,
    /// Which dossiers move, and into which target groups.
    pub(crate) dossiers: Selection,
    /// Which data types move.
    pub(crate) data: DataChoice,
    /// The two owners' consents; both are required.
    pub(crate) consent: Consents,
    /// Who may read the archive and whose signature the import accepts.
    pub(crate) handover: Handover,
    /// Lowercase hex sha256 of the plan's canonical JSON (RFC 8785, defaults
    /// filled in): comments, layout and key order do not change it.
    pub digest: String,
}

/// The plan's `test_level`: how the handover is tested before the live
/// import (process.md).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum TestLevel {
    /// A: the live import creates new groups; rollback deletes them.
    TestGroup,
    /// B: a real archive is imported into a test account first.
    TestAccount,
    /// C: a rehearsal export before the cut-off goes into the test account.
    DressRehearsal,
}

impl TestLevel {
    /// Every level, in the order A, B, C.
    pub(crate) const ALL: [TestLevel; 3] = [
        TestLevel::TestGroup,
        TestLevel::TestAccount,
        TestLevel::DressRehearsal,
    ];

    /// The level as written in the plan: `test-group`, `test-account` or
    /// `dress-rehearsal`.
    pub(crate) fn key(self) -> &'static str {
        match self {
            TestLevel::TestGroup => "test-group",
            TestLevel::TestAccount => "test-account",
            TestLevel::DressRehearsal => "dress-rehearsal",
        }
    }

    /// The level a plan's `test_level` names; `None` for any other text.
    pub(crate) fn from_key(key: &str) -> Option<TestLevel> {
        TestLevel::ALL.into_iter().find(|l| l.key() == key)
    }

    /// Whether this level imports into `target.test_account` first.
    pub(crate) fn needs_test_account(self) -> bool {
        self != TestLevel::TestGroup
    }
}

/// The plan's `[source]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct SourceSide {
    /// Slug of the source account.
    pub(crate) account: String,
    /// Key of the source group the dossiers are in.
    pub(crate) group: String,
}

/// The plan's `[target]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TargetSide {
    /// Slug of the target account (the live stage).
    pub account: String,
    /// Slug of the test account (the test stage); required under
    /// `test-account` and `dress-rehearsal`, may be `None` under
    /// `test-group`.
    pub(crate) test_account: Option<String>,
}

/// The plan's `[dossiers]`: all of the source group, or a named list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Selection {
    /// `all = true`: every dossier of the source group, into one group.
    All {
        /// Key of the target group they all go to.
        to_group: String,
    },
    /// `[[dossiers.select]]`: the listed dossiers, each with its own target
    /// group, in the plan's order.
    Select(Vec<SelectEntry>),
}

/// One `[[dossiers.select]]` entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct SelectEntry {
    /// The dossier, by id or by client name.
    pub(crate) by: DossierRef,
    /// Key of the target group it goes to.
    pub(crate) to_group: String,
    /// Line of the entry in the plan file, for messages of later checks.
    pub(crate) line: usize,
}

/// How a `select` entry names its dossier (exactly one of the two).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum DossierRef {
    /// `id`: the dossier's id in the source account.
    Id(String),
    /// `name`: the client's name, which must match exactly one dossier of
    /// the source group.
    Name(String),
}

/// The chosen data types. An absent type and `false` mean the same, so the
/// storage keeps only what is chosen.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct DataChoice {
    chosen: Vec<DataType>,
    daily_reports_since: Option<Date>,
}

impl DataChoice {
    /// Whether `dt` moves.
    pub(crate) fn chosen(&self, dt: DataType) -> bool {
        self.chosen.contains(&dt)
    }

    /// The first report date that moves; `None` is no lower bound (or daily
    /// reports are not chosen).
    pub(crate) fn daily_reports_since(&self) -> Option<Date> {
        self.daily_reports_since
            .filter(|_| self.chosen(DataType::DailyReports))
    }

    /// The lower bound the plan sets on a data type's dated records; only
    /// daily reports take one.
    pub fn since(&self, dt: DataType) -> Option<Date> {
        match dt {
            DataType::DailyReports => self.daily_reports_since(),
            _ => None,
        }
    }

    /// In [`DataType::ALL`] order.
    pub(crate) fn chosen_types(&self) -> Vec<DataType> {
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

/// One owner's consent (`[consent.source_owner]` or
/// `[consent.target_owner]`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Consent {
    /// The owner's name.
    pub name: String,
    /// The owner's e-mail; it must be the owner's of the account wherever
    /// that account's store is at hand.
    pub email: String,
    pub(crate) given_on: Date,
    /// Where the consent is kept (e.g. the e-mail it was given in).
    pub(crate) reference: String,
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

/// The plan's `[consent]`: both owners must consent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Consents {
    /// The source account owner's consent.
    pub(crate) source_owner: Consent,
    /// The target account owner's consent.
    pub(crate) target_owner: Consent,
}

/// The plan's `[handover]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Handover {
    /// The age X25519 recipients (`age1…`) who can decrypt the archive; at
    /// least one.
    pub(crate) recipients: Vec<String>,
    /// The exporter's minisign public key (the `RW…` line of `signing.pub`);
    /// the import accepts only archives it signed.
    pub(crate) signer: String,
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
    /// A plan larger than 1 MiB is refused before it is read.
    pub fn load(path: &Path, today: Date) -> Result<(Plan, Vec<Problem>)> {
        let file = path.display().to_string();
        let opened = std::fs::File::open(path).map_err(|e| Error::io(path, e))?;
        let mut bytes = Vec::new();
        opened
            .take(MAX_PLAN + 1)
            .read_to_end(&mut bytes)
            .map_err(|e| Error::io(path, e))?;
        if bytes.len() as u64 > MAX_PLAN {
            let message = format!(
                "{file}: the plan is over {} KiB; a plan that selects dossiers one by one stays far below that: select with `all = true` or split the migration",
                MAX_PLAN >> 10
            );
            return Err(Error::invalid(Problem::error(PLAN_INVALID, message)));
        }
        let text = String::from_utf8(bytes).map_err(|_| {
            let message = format!("{file} line 1: the file is not UTF-8 text");
            Error::invalid(Problem::error(PLAN_INVALID, message))
        })?;
        Plan::parse(&text, &file, today)
    }

    /// The plan as parsed with every default filled in; the archive stores
    /// it as plan.json and its canonical text gives the digest.
    pub(crate) fn canonical_value(&self) -> Value {
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
    pub(crate) fn canonical_json(&self) -> String {
        canonical_json(&self.canonical_value())
    }

    /// The distinct target group keys, in order of first appearance.
    pub(crate) fn target_group_keys(&self) -> Vec<String> {
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
    include_str!("template.toml")
}

/// RFC 8785 canonical JSON (see [`crate::canonical`]).
pub(crate) use crate::canonical::to_string as canonical_json;

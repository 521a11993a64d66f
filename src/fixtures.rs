//! The bundled fixtures (`fixtures/` at build time), readable as trees, and
//! the facts about them that a plan for them needs. The demo, the crate's
//! example and the integration tests all take these facts from here, so a
//! change to the fixtures is made in one place.

use crate::error::{Error, Result};
use crate::model::kinds::DataType;
use crate::store::Store;
use crate::tree::load::LoadSummary;
use crate::tree::source::TreeSource;
use std::io::Read;

include!(concat!(env!("OUT_DIR"), "/fixtures.rs"));

/// The bundled tree of the source account.
pub const SOURCE_TREE: &str = "source";
/// The bundled tree of the live target account.
pub const TARGET_TREE: &str = "target";
/// The bundled tree of the target's test account.
pub const TEST_TREE: &str = "test-account";

/// The account in [`SOURCE_TREE`].
pub const SOURCE_ACCOUNT: &str = "zorggroep-noord";
/// The source group whose dossiers move.
pub const SOURCE_GROUP: &str = "wonen-noord";
/// The account in [`TARGET_TREE`].
pub const TARGET_ACCOUNT: &str = "zorggroep-oost";
/// The account in [`TEST_TREE`].
pub const TEST_ACCOUNT: &str = "zorggroep-oost-test";
/// The group the dossiers go to, in both target accounts.
pub const TARGET_GROUP: &str = "wonen-oost";

/// The migration of the fixture plan.
pub const MIGRATION_ID: &str = "noord-naar-oost-2026-11";
/// The fixture plan's cut-off: d-0011 was created after it.
pub const CUT_OFF: &str = "2026-11-20T17:00:00+01:00";
/// The first day of daily reports that move.
pub(crate) const REPORTS_SINCE: &str = "2025-01-01";
/// The fixture plan's level: B, through the test account.
pub const TEST_LEVEL: &str = "test-account";

/// The dossiers of [`SOURCE_GROUP`] that pass every check: all but d-0011
/// (created after the cut-off) and d-0005 (its relative would reach the
/// member limit on the target).
pub const PASSING: [&str; 9] = [
    "d-0001", "d-0002", "d-0003", "d-0004", "d-0006", "d-0007", "d-0008", "d-0009", "d-0010",
];

/// An owner's consent as the plan records it.
#[derive(Debug, Clone, Copy)]
pub struct Consent {
    /// The owner's name.
    pub name: &'static str,
    /// The owner's e-mail, as in the tree's `account.json`.
    pub email: &'static str,
    pub(crate) given_on: &'static str,
    /// Where the consent is kept.
    pub(crate) reference: &'static str,
}

/// The source account's owner (the same e-mail as in [`SOURCE_TREE`]).
pub const SOURCE_OWNER: Consent = Consent {
    name: "A. Jansen",
    email: "a.jansen@noord.example",
    given_on: "2026-11-20",
    reference: "e-mail of 2026-11-20",
};

/// The target account's owner, who also approves the test stage.
pub const TARGET_OWNER: Consent = Consent {
    name: "B. Bakker",
    email: "b.bakker@oost.example",
    given_on: "2026-11-21",
    reference: "e-mail of 2026-11-21",
};

/// Who signs off the test stage: [`TARGET_OWNER`], as `Name <email>`.
pub const APPROVER: &str = "B. Bakker <b.bakker@oost.example>";

/// The fixture plan's `[data]` value for a data type: everything moves,
/// daily reports from [`REPORTS_SINCE`], except teammates, who stay
/// attributions (the target has its own team).
pub(crate) fn data_choice(data_type: DataType) -> String {
    match data_type {
        DataType::DailyReports => format!("{{ since = \"{REPORTS_SINCE}\" }}"),
        DataType::Teammates => "false".to_owned(),
        _ => "true".to_owned(),
    }
}

/// The fixture plan's `[data]` lines as (key, value), in plan.md order.
pub fn data_lines() -> Vec<(&'static str, String)> {
    DataType::ALL
        .iter()
        .map(|&t| (t.key(), data_choice(t)))
        .collect()
}

/// The fixture plan's `[consent.<role>]` table.
pub fn consent_table(role: &str, c: &Consent) -> String {
    format!(
        "\n[consent.{role}]\nname = \"{}\"\nemail = \"{}\"\ngiven_on = \"{}\"\nreference = \"{}\"\n",
        c.name, c.email, c.given_on, c.reference
    )
}

/// The fixture plan as TOML: level B, the [`PASSING`] dossiers to
/// [`TARGET_GROUP`], every data type but `teammates` (daily reports from
/// 2025-01-01), both consents, and the handover keys given.
pub fn plan_text(recipient: &str, signer: &str) -> String {
    let mut t = format!(
        "# Written by `dossier-transfer demo` for the bundled fixtures.\n\
         id = \"{MIGRATION_ID}\"\n\
         cut_off = \"{CUT_OFF}\"\n\
         test_level = \"{TEST_LEVEL}\"\n\n\
         [source]\naccount = \"{SOURCE_ACCOUNT}\"\ngroup = \"{SOURCE_GROUP}\"\n\n\
         [target]\naccount = \"{TARGET_ACCOUNT}\"\ntest_account = \"{TEST_ACCOUNT}\"\n",
    );
    for id in PASSING {
        t += &format!("\n[[dossiers.select]]\nid = \"{id}\"\nto_group = \"{TARGET_GROUP}\"\n");
    }
    t += "\n[data]\n";
    for (key, value) in data_lines() {
        t += &format!("{key} = {value}\n");
    }
    t += &consent_table("source_owner", &SOURCE_OWNER);
    t += &consent_table("target_owner", &TARGET_OWNER);
    t += &format!("\n[handover]\nrecipients = [\"{recipient}\"]\nsigner = \"{signer}\"\n");
    t
}

/// Loads the bundled tree `name` (e.g. [`SOURCE_TREE`]) into `store`.
pub fn load(store: &mut dyn Store, name: &str) -> Result<LoadSummary> {
    crate::tree::load::load(store, &mut Embedded::new(name), false)
}

/// One bundled dossier tree, e.g. `source`, `target`, `test-account`.
pub(crate) struct Embedded {
    prefix: String,
}

impl Embedded {
    pub(crate) fn new(name: &str) -> Self {
        Embedded {
            prefix: format!("{name}/"),
        }
    }
}

/// A bundled file by its path under `fixtures/`.
pub(crate) fn file(path: &str) -> Option<&'static [u8]> {
    FILES.iter().find(|(p, _)| *p == path).map(|(_, b)| *b)
}

impl TreeSource for Embedded {
    fn describe(&self) -> String {
        format!("bundled fixture {}", self.prefix.trim_end_matches('/'))
    }

    fn entries(&mut self) -> Result<Vec<String>> {
        let found: Vec<String> = FILES
            .iter()
            .filter_map(|(p, _)| p.strip_prefix(&self.prefix))
            .filter(|p| *p != "README.md")
            .map(str::to_owned)
            .collect();
        if found.is_empty() {
            return Err(Error::Internal(format!(
                "no {} in this build",
                self.describe()
            )));
        }
        Ok(found)
    }

    fn open(&mut self, path: &str) -> Result<Box<dyn Read + '_>> {
        let full = format!("{}{path}", self.prefix);
        file(&full)
            .map(|b| Box::new(b) as Box<dyn Read>)
            .ok_or_else(|| Error::Internal(format!("{full} is not bundled")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plan::Plan;

    #[test]
    fn the_fixture_plan_parses_and_chooses_every_data_type_but_teammates() {
        let recipient = age::x25519::Identity::generate().to_public().to_string();
        let signer = "RWRkx7hPFZLjxy3i59NK5Rq//sI7KN+mAkSaExktk/H8BnpfmAUIsdF3";
        let today = jiff::civil::date(2026, 12, 3);
        let (plan, warnings) =
            Plan::parse(&plan_text(&recipient, signer), "plan.toml", today).expect("parses");
        assert!(warnings.is_empty(), "{warnings:?}");
        assert_eq!(plan.id, MIGRATION_ID);
        let expected: Vec<DataType> = DataType::ALL
            .into_iter()
            .filter(|t| *t != DataType::Teammates)
            .collect();
        assert_eq!(plan.data.chosen_types(), expected);
        assert_eq!(
            plan.data.daily_reports_since().map(|d| d.to_string()),
            Some(REPORTS_SINCE.to_owned())
        );
    }
}

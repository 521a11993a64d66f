//! The account model (domain.md): accounts, teammates, groups with their
//! configuration, dossiers, and the table of record kinds.

pub mod columns;
pub(crate) mod config;
pub mod kinds;
pub mod refs;
pub mod syntax;
pub(crate) mod validate;

use serde::{Deserialize, Serialize};

pub use config::Config;

/// A person named by name and e-mail: an account's owner.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Person {
    /// The person's full name.
    pub(crate) name: String,
    /// The person's e-mail address (compared case-insensitively).
    pub(crate) email: String,
}

/// `account.json`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Account {
    /// The account's key (`[a-z0-9][a-z0-9-]{0,63}`), unique in the store.
    pub(crate) slug: String,
    /// The account's display name.
    pub(crate) name: String,
    /// The account's owner, whose consent a migration needs.
    pub(crate) owner: Person,
}

/// A teammate's role in the account; serialised lowercase.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    /// `superadmin`: reaches every group of the account, so `check`'s
    /// access preview lists them for each target group.
    Superadmin,
    /// `admin`: like `superadmin`, reaches every group of the account.
    Admin,
    /// `teamgenoot`: works in the groups listed for them; teammates the
    /// import creates get this role.
    Teamgenoot,
}

/// Whether a teammate can sign in; serialised lowercase.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    /// Can sign in.
    Active,
    /// Cannot sign in (teammates the import creates start so).
    Inactive,
}

/// One entry of `teammates.json`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Teammate {
    /// The teammate's e-mail address: the identity records refer to.
    pub(crate) email: String,
    /// The teammate's name.
    pub(crate) name: String,
    /// What the teammate may do in the account.
    pub(crate) role: Role,
    /// Whether the teammate can sign in.
    pub(crate) status: Status,
    /// Keys of the groups the teammate works in.
    pub(crate) groups: Vec<String>,
}

/// `groups/<key>/group.json`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Group {
    /// The group's key (`[a-z0-9][a-z0-9-]{0,63}`), unique in the account.
    pub(crate) key: String,
    /// The group's display name.
    pub(crate) name: String,
    /// The group's configuration (inrichting).
    pub(crate) config: Config,
}

/// Whether a client is still in care; serialised lowercase.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub(crate) enum DossierStatus {
    /// The client is in care.
    Active,
    /// Care has ended; the dossier is kept.
    Closed,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Contact {
    pub(crate) name: String,
    pub(crate) relation: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) phone: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) email: Option<String>,
}

/// Where an imported dossier or record came from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Origin {
    /// The id of the migration that brought it.
    pub(crate) migration: String,
    /// Its id in the source account (it may have a new id here).
    pub(crate) id: String,
}

/// `dossier.json`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Dossier {
    /// The dossier's id, unique in its account (compared
    /// case-insensitively).
    pub(crate) id: String,
    /// The client's name.
    pub(crate) name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) birth_date: Option<String>,
    /// The client's BSN (9 digits, 11-proof); `None` when not recorded.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) bsn: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) client_number: Option<String>,
    /// Whether the client is still in care.
    pub(crate) status: DossierStatus,
    /// When the dossier was created (RFC 3339, kept as written).
    pub(crate) created_at: String,
    pub(crate) updated_at: String,
    pub(crate) contacts: Vec<Contact>,
    /// Where an imported dossier came from; `None` for a dossier that was
    /// not imported.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) origin: Option<Origin>,
}

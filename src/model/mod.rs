//! The account model (domain.md): accounts, teammates, groups with their
//! configuration, dossiers, and the table of record kinds.

pub mod config;
pub mod kinds;
pub mod syntax;
pub(crate) mod validate;

use serde::{Deserialize, Serialize};

pub use config::Config;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Person {
    pub name: String,
    pub email: String,
}

/// `account.json`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Account {
    pub slug: String,
    pub name: String,
    pub owner: Person,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    Superadmin,
    Admin,
    Teamgenoot,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    Active,
    Inactive,
}

/// One entry of `teammates.json`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Teammate {
    pub email: String,
    pub name: String,
    pub role: Role,
    pub status: Status,
    pub groups: Vec<String>,
}

/// `groups/<key>/group.json`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Group {
    pub key: String,
    pub name: String,
    pub config: Config,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum DossierStatus {
    Active,
    Closed,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Contact {
    pub name: String,
    pub(crate) relation: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) phone: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
}

/// Where an imported dossier or record came from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Origin {
    pub migration: String,
    pub id: String,
}

/// `dossier.json`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Dossier {
    pub id: String,
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) birth_date: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bsn: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) client_number: Option<String>,
    pub status: DossierStatus,
    pub created_at: String,
    pub(crate) updated_at: String,
    pub(crate) contacts: Vec<Contact>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub origin: Option<Origin>,
}

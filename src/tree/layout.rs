//! Paths of the tree, built and recognised in one place.

use crate::model::kinds::{CONTENT_FOLDER, Kind, kind};

pub const ACCOUNT: &str = "account.json";
pub const TEAMMATES: &str = "teammates.json";

pub fn group_json(group: &str) -> String {
    format!("groups/{group}/group.json")
}

pub fn dossier_dir(group: &str, dossier: &str) -> String {
    format!("groups/{group}/dossiers/{dossier}")
}

pub fn dossier_json(group: &str, dossier: &str) -> String {
    format!("{}/dossier.json", dossier_dir(group, dossier))
}

pub fn records(group: &str, dossier: &str, kind: &str) -> String {
    format!("{}/{kind}.jsonl", dossier_dir(group, dossier))
}

pub fn file(sha256: &str) -> String {
    format!("{CONTENT_FOLDER}/{sha256}")
}

/// What a path of the tree is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Entry<'a> {
    Account,
    Teammates,
    Group(&'a str),
    Dossier(&'a str, &'a str),
    Records(&'a str, &'a str, &'static Kind),
    File(&'a str),
}

/// Recognises a path, or `None` for anything the format does not know.
pub fn classify(path: &str) -> Option<Entry<'_>> {
    let parts: Vec<&str> = path.split('/').collect();
    match parts.as_slice() {
        ["account.json"] => Some(Entry::Account),
        ["teammates.json"] => Some(Entry::Teammates),
        [folder, sha] if *folder == CONTENT_FOLDER => Some(Entry::File(sha)),
        ["groups", g, "group.json"] => Some(Entry::Group(g)),
        ["groups", g, "dossiers", d, "dossier.json"] => Some(Entry::Dossier(g, d)),
        ["groups", g, "dossiers", d, file] => {
            let k = kind(file.strip_suffix(".jsonl")?)?;
            Some(Entry::Records(g, d, k))
        }
        _ => None,
    }
}

//! `account load`: a dossier tree into the store, in one transaction.

use super::read::{Record, Sink, read_tree, sha256_field};
use super::source::{DirSource, TreeSource};
use crate::error::{Error, Result};
use crate::model::kinds::Kind;
use crate::model::{Account, Dossier, Group, Teammate};
use crate::problem::{Code, Problem};
use crate::store::{NewRecord, Store, Tx};
use serde::Serialize;
use std::collections::{BTreeMap, HashMap};
use std::io::Read;
use std::path::Path;

/// What a load wrote.
#[derive(Debug, Default, Serialize)]
pub struct LoadSummary {
    /// Slug of the account loaded.
    pub account: String,
    /// Groups written.
    pub groups: u64,
    /// Teammates written.
    pub teammates: u64,
    /// Dossiers written.
    pub dossiers: u64,
    /// Records written per kind.
    pub records: BTreeMap<&'static str, u64>,
    /// Files written (each distinct content stored once).
    pub files: u64,
    /// Bytes of file contents written.
    pub file_bytes: u64,
}

/// Loads the tree in `dir` as a new account. An existing slug is refused
/// (`account-exists`) unless `replace`, which swaps the old account out in
/// the same transaction.
pub fn load_dir(store: &mut dyn Store, dir: &Path, replace: bool) -> Result<LoadSummary> {
    load(store, &mut DirSource::new(dir), replace)
}

/// Loads a tree from any source (a folder, the bundled fixtures).
pub(crate) fn load(
    store: &mut dyn Store,
    source: &mut dyn TreeSource,
    replace: bool,
) -> Result<LoadSummary> {
    let tx = store.begin()?;
    let mut sink = StoreSink {
        tx: &*tx,
        replace,
        account: 0,
        groups: HashMap::new(),
        dossier: 0,
        summary: LoadSummary::default(),
    };
    read_tree(source, &mut sink)?;
    let summary = std::mem::take(&mut sink.summary);
    tx.commit()?;
    Ok(summary)
}

struct StoreSink<'t> {
    tx: &'t dyn Tx,
    replace: bool,
    account: i64,
    groups: HashMap<String, i64>,
    dossier: i64,
    summary: LoadSummary,
}

impl Sink for StoreSink<'_> {
    fn account(&mut self, account: &Account) -> Result<()> {
        if self.tx.account_exists(&account.slug)? {
            if !self.replace {
                return Err(Error::invalid(
                    Problem::error(
                        Code::AccountExists,
                        format!(
                            "account `{}` is already in the store; pass --replace to replace it",
                            account.slug
                        ),
                    )
                    .path(super::layout::ACCOUNT),
                ));
            }
            self.tx.delete_account(&account.slug)?;
        }
        self.account = self.tx.add_account(account)?;
        self.summary.account = account.slug.clone();
        Ok(())
    }

    fn group(&mut self, group: &Group) -> Result<()> {
        let id = self.tx.add_group(self.account, group, None)?;
        self.groups.insert(group.key.clone(), id);
        self.summary.groups += 1;
        Ok(())
    }

    fn teammates(&mut self, teammates: &[Teammate]) -> Result<()> {
        for t in teammates {
            self.tx.add_teammate(self.account, t, None)?;
        }
        self.summary.teammates = teammates.len() as u64;
        Ok(())
    }

    fn dossier(&mut self, group: &str, dossier: &Dossier) -> Result<()> {
        let group = *self.groups.get(group).ok_or_else(|| {
            Error::Internal(format!("group {group} was not stored before its dossiers"))
        })?;
        self.dossier = self.tx.add_dossier(self.account, group, dossier)?;
        self.summary.dossiers += 1;
        Ok(())
    }

    fn record(&mut self, kind: &'static Kind, record: Record) -> Result<()> {
        let sha = sha256_field(kind)
            .and_then(|f| record.fields.get(f))
            .and_then(|v| v.as_str());
        let origin = match record.fields.get("origin") {
            Some(v) => serde_json::from_value(v.clone()).ok(),
            None => None,
        };
        let created_ns = i64::try_from(record.checked.created_at.as_nanosecond())
            .map_err(|_| Error::Internal("created_at out of range after validation".into()))?;
        self.tx.add_record(
            self.account,
            self.dossier,
            &NewRecord {
                kind: kind.name,
                id: &record.checked.id,
                created_at: record
                    .fields
                    .get("created_at")
                    .and_then(|v| v.as_str())
                    .unwrap_or_default(),
                created_ns,
                sha256: sha,
                body: &record.line,
                origin: origin.as_ref(),
            },
        )?;
        *self.summary.records.entry(kind.name).or_default() += 1;
        Ok(())
    }

    fn file(&mut self, sha256: &str, size: u64, content: &mut dyn Read) -> Result<()> {
        self.tx
            .add_blob(sha256, size, content)?
            .map_err(|e| Error::io(super::layout::file(sha256), e))?;
        self.summary.files += 1;
        self.summary.file_bytes += size;
        Ok(())
    }
}

//! Writes a verified archive's tree into the target account, inside the
//! import's one transaction: target ids, origins, re-linked references,
//! teammate mapping, files deduplicated against the store.

use super::ids::target_id;
use crate::archive::manifest::Manifest;
use crate::digest::LineDigest;
use crate::error::{Error, Result};
use crate::model::kinds::Kind;
use crate::model::refs::{self, Fate, Points};
use crate::model::syntax::fold;
use crate::model::{Account, Dossier, Group, Origin, Role, Status, Teammate};
use crate::store::NewRecord;
use crate::store::Tx;
use crate::tree::read::{Record, Sink, sha256_field};
use serde::Serialize;
use serde_json::{Map, Value};
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::io::Read;

/// How each referenced teammate e-mail was mapped.
#[derive(Debug, Default, Clone, Serialize)]
pub struct TeammateMapping {
    /// E-mails of teammates the target account already has, linked as they
    /// are.
    pub linked: BTreeSet<String>,
    /// E-mails of teammates the import created (role `teamgenoot`, status
    /// `inactive`, no groups) because the plan chooses `teammates`.
    pub created: BTreeSet<String>,
    /// E-mails kept only as attributions, which `report` lists: the target
    /// has no such teammate and the plan does not create them.
    pub unmapped: BTreeSet<String>,
}

/// Counts and content digests of what was written, per dossier (source id)
/// and kind, over the records' source form.
pub type Written = BTreeMap<String, BTreeMap<String, (u64, String)>>;

pub struct ImportSink<'t> {
    pub tx: &'t dyn Tx,
    pub account: i64,
    pub migration: &'t str,
    pub create_groups: bool,
    pub create_teammates: bool,
    /// source dossier id (folded) -> (target id, target group key)
    pub dossiers: HashMap<String, (String, String)>,
    groups: HashMap<String, i64>,
    current: Option<(String, i64)>,
    digests: BTreeMap<(String, &'static str), LineDigest>,
    referenced: BTreeMap<String, String>,
    names: HashMap<String, String>,
    pub files_written: u64,
    /// The kinds of which the account held records when the import began.
    occupied: std::collections::HashSet<String>,
}

impl<'t> ImportSink<'t> {
    pub fn new(
        tx: &'t dyn Tx,
        account: i64,
        migration: &'t str,
        manifest: &Manifest,
    ) -> Result<Self> {
        let mut dossiers = HashMap::new();
        for d in &manifest.dossiers {
            let target = target_id(tx, account, migration, "dossiers", &d.id)?;
            dossiers.insert(fold(&d.id), (target, d.to_group.clone()));
        }
        Ok(ImportSink {
            tx,
            account,
            migration,
            create_groups: false,
            create_teammates: false,
            dossiers,
            groups: HashMap::new(),
            current: None,
            digests: BTreeMap::new(),
            referenced: BTreeMap::new(),
            names: HashMap::new(),
            files_written: 0,
            occupied: tx.occupied_kinds(account)?,
        })
    }

    /// The target id of `kind:id`. Kinds the account held nothing of when
    /// the import began need no look-up: every id there is free.
    fn target(&self, kind: &str, id: &str) -> Result<String> {
        if self.occupied.contains(kind) {
            target_id(self.tx, self.account, self.migration, kind, id)
        } else {
            Ok(id.to_owned())
        }
    }

    fn origin(&self, id: &str) -> Origin {
        Origin {
            migration: self.migration.to_owned(),
            id: id.to_owned(),
        }
    }

    /// Links, creates or attributes every teammate e-mail the records use.
    pub fn map_teammates(&self) -> Result<TeammateMapping> {
        let existing: BTreeSet<String> = self.tx_teammates()?;
        let mut m = TeammateMapping::default();
        for (folded, email) in &self.referenced {
            if existing.contains(folded) {
                m.linked.insert(email.clone());
            } else if self.create_teammates && self.names.contains_key(folded) {
                let teammate = Teammate {
                    email: email.clone(),
                    name: self
                        .names
                        .get(folded)
                        .cloned()
                        .unwrap_or_else(|| email.clone()),
                    role: Role::Teamgenoot,
                    status: Status::Inactive,
                    groups: Vec::new(),
                };
                self.tx
                    .add_teammate(self.account, &teammate, Some(self.migration))?;
                m.created.insert(email.clone());
            } else {
                self.tx.add_attribution(
                    self.account,
                    self.migration,
                    email,
                    self.names.get(folded).map(String::as_str),
                )?;
                m.unmapped.insert(email.clone());
            }
        }
        Ok(m)
    }

    fn tx_teammates(&self) -> Result<BTreeSet<String>> {
        Ok(self
            .tx
            .teammate_emails(self.account)?
            .into_iter()
            .map(|e| fold(&e))
            .collect())
    }

    /// What was written, for the journal.
    pub fn written(self) -> Written {
        let mut out: Written = BTreeMap::new();
        for ((dossier, kind), digest) in self.digests {
            let count = digest.count();
            out.entry(dossier)
                .or_default()
                .insert(kind.to_owned(), (count, digest.finish()));
        }
        out
    }

    /// Rewrites the references of a record to target ids. A dossier the
    /// migration does not bring keeps its id (export already cut those).
    fn relink(&self, kind: &Kind, fields: &mut Map<String, Value>) -> Result<()> {
        refs::rewrite(kind, fields, |site| {
            Ok(match site.to {
                Points::Record(k) => Fate::Rename(self.target(k.name, site.id)?),
                Points::Dossier => match self.dossiers.get(&fold(site.id)) {
                    Some((target, _)) => Fate::Rename(target.clone()),
                    None => Fate::Keep,
                },
            })
        })
        .map(drop)
    }

    fn note_teammates(&mut self, kind: &Kind, fields: &Map<String, Value>) {
        for field in kind.teammate_fields() {
            let emails: Vec<&str> = match fields.get(field.name) {
                Some(Value::String(s)) => vec![s.as_str()],
                Some(Value::Array(items)) => items.iter().filter_map(Value::as_str).collect(),
                _ => Vec::new(),
            };
            for e in emails {
                self.referenced
                    .entry(fold(e))
                    .or_insert_with(|| e.to_owned());
            }
        }
    }
}

impl Sink for ImportSink<'_> {
    fn account(&mut self, _: &Account) -> Result<()> {
        Ok(())
    }

    fn group(&mut self, source: &Group) -> Result<()> {
        let mut targets: Vec<String> = self.dossiers.values().map(|(_, g)| g.clone()).collect();
        targets.sort();
        targets.dedup();
        for key in targets {
            let id = if self.create_groups {
                let group = Group {
                    key: key.clone(),
                    name: format!("{} ({})", source.name, self.migration),
                    config: source.config.clone(),
                };
                self.tx
                    .add_group(self.account, &group, Some(self.migration))?
            } else {
                self.tx.group_id(self.account, &key)?.ok_or_else(|| {
                    Error::Internal(format!("target group {key} vanished during the import"))
                })?
            };
            self.groups.insert(key, id);
        }
        Ok(())
    }

    fn teammates(&mut self, teammates: &[Teammate]) -> Result<()> {
        self.names = teammates
            .iter()
            .map(|t| (fold(&t.email), t.name.clone()))
            .collect();
        Ok(())
    }

    fn dossier(&mut self, _: &str, d: &Dossier) -> Result<()> {
        let (target, group_key) =
            self.dossiers.get(&fold(&d.id)).cloned().ok_or_else(|| {
                Error::Internal(format!("dossier {} is not in the manifest", d.id))
            })?;
        let group = *self
            .groups
            .get(&group_key)
            .ok_or_else(|| Error::Internal(format!("no target group {group_key}")))?;
        let mut dossier = d.clone();
        dossier.id = target;
        dossier.origin = Some(self.origin(&d.id));
        let row = self.tx.add_dossier(self.account, group, &dossier)?;
        self.current = Some((d.id.clone(), row));
        Ok(())
    }

    fn record(&mut self, kind: &'static Kind, record: Record) -> Result<()> {
        let (source_dossier, dossier) = self
            .current
            .clone()
            .ok_or_else(|| Error::Internal("a record before its dossier".into()))?;
        self.digests
            .entry((source_dossier, kind.name))
            .or_default()
            .push(&record.line);
        self.note_teammates(kind, &record.fields);
        let source_id = &record.checked.id;
        let id = self.target(kind.name, source_id)?;
        let mut fields = record.fields;
        self.relink(kind, &mut fields)?;
        let origin = self.origin(source_id);
        fields.insert("id".into(), Value::String(id.clone()));
        fields.insert(
            "origin".into(),
            serde_json::to_value(&origin).map_err(|e| Error::Internal(e.to_string()))?,
        );
        let body = crate::canonical::object(&fields);
        let created_ns = i64::try_from(record.checked.created_at.as_nanosecond())
            .map_err(|_| Error::Internal("created_at out of range".into()))?;
        let sha = sha256_field(kind)
            .and_then(|f| fields.get(f))
            .and_then(Value::as_str);
        let created_at = fields
            .get("created_at")
            .and_then(Value::as_str)
            .unwrap_or_default();
        self.tx.add_record(
            self.account,
            dossier,
            &NewRecord {
                kind: kind.name,
                id: &id,
                created_at,
                created_ns,
                sha256: sha,
                body: &body,
                origin: Some(&origin),
            },
        )
    }

    fn file(&mut self, sha256: &str, size: u64, content: &mut dyn Read) -> Result<()> {
        self.tx
            .add_blob(sha256, size, content)?
            .map_err(|e| Error::io(crate::tree::layout::file(sha256), e))?;
        self.files_written += 1;
        Ok(())
    }
}

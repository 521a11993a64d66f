//! The `.json` files: the account, its groups, its teammates and each
//! dossier's `dossier.json`.

use super::Reader;
use crate::error::{Error, Result};
use crate::model::syntax::{self, fold};
use crate::model::{Account, Dossier, Group, Teammate};
use crate::tree::layout;
use crate::tree::source::TreeSource;
use std::collections::{BTreeMap, HashSet};

impl Reader<'_> {
    /// Parses a `.json` entry into `T`, naming the field path of an error.
    pub(super) fn json<T: serde::de::DeserializeOwned>(
        &mut self,
        source: &mut dyn TreeSource,
        path: &str,
    ) -> Result<Option<T>> {
        // A key twice would be dropped silently by the typed parse below.
        match crate::json::check_reader(source.open(path)?) {
            Err(e) if e.is_io() => return Err(Error::io(path, std::io::Error::other(e))),
            // Syntax errors are left to the typed parse, which names the field.
            Err(e) if e.is_data() => {
                self.at(path, e);
                return Ok(None);
            }
            _ => {}
        }
        let reader = source.open(path)?;
        let mut de = serde_json::Deserializer::from_reader(reader);
        match serde_path_to_error::deserialize::<_, T>(&mut de) {
            Ok(v) => match de.end() {
                Ok(()) => Ok(Some(v)),
                Err(e) if e.is_io() => Err(Error::io(path, std::io::Error::other(e))),
                Err(e) => {
                    self.at(path, format!("text after the JSON value: {e}"));
                    Ok(None)
                }
            },
            Err(e) => {
                let field = e.path().to_string();
                let inner = e.into_inner();
                if inner.is_io() {
                    return Err(Error::io(path, std::io::Error::other(inner)));
                }
                let at = if field == "." {
                    String::new()
                } else {
                    format!("{field}: ")
                };
                self.at(path, format!("{at}{inner}"));
                Ok(None)
            }
        }
    }

    pub(super) fn read_account(&mut self, source: &mut dyn TreeSource) -> Result<()> {
        if !self.layout.account {
            self.at(
                layout::ACCOUNT,
                "missing: every tree starts with account.json",
            );
            return Ok(());
        }
        let Some(account) = self.json::<Account>(source, layout::ACCOUNT)? else {
            return Ok(());
        };
        if !syntax::is_key(&account.slug) {
            self.at(
                layout::ACCOUNT,
                format!(
                    "slug: `{}` is not a slug ([a-z0-9][a-z0-9-]{{0,63}})",
                    account.slug
                ),
            );
        }
        if !syntax::is_email(&account.owner.email) {
            self.at(
                layout::ACCOUNT,
                format!(
                    "owner.email: `{}` is not an e-mail address",
                    account.owner.email
                ),
            );
        }
        if self.ok() {
            self.sink.account(&account)?;
        }
        Ok(())
    }

    pub(super) fn read_group(
        &mut self,
        source: &mut dyn TreeSource,
        key: &str,
        present: bool,
    ) -> Result<Option<Group>> {
        let path = layout::group_json(key);
        if !present {
            self.at(&path, "missing: every group folder needs its group.json");
            return Ok(None);
        }
        let Some(group) = self.json::<Group>(source, &path)? else {
            return Ok(None);
        };
        if group.key != key {
            self.at(
                &path,
                format!("key: `{}` differs from the folder name `{key}`", group.key),
            );
        } else if !syntax::is_key(key) {
            self.at(
                &path,
                format!("key: `{key}` is not a group key ([a-z0-9][a-z0-9-]{{0,63}})"),
            );
        }
        for (field, message) in group.config.violations() {
            self.at(&path, format!("{field}: {message}"));
        }
        if self.ok() {
            self.sink.group(&group)?;
        }
        Ok(Some(group))
    }

    pub(super) fn read_teammates(
        &mut self,
        source: &mut dyn TreeSource,
        groups: &BTreeMap<String, Group>,
    ) -> Result<()> {
        if !self.layout.teammates {
            if self.ok() {
                self.sink.teammates(&[])?;
            }
            return Ok(());
        }
        let path = layout::TEAMMATES;
        let Some(teammates) = self.json::<Vec<Teammate>>(source, path)? else {
            return Ok(());
        };
        let mut seen = HashSet::new();
        for (i, t) in teammates.iter().enumerate() {
            if !syntax::is_email(&t.email) {
                self.at(
                    path,
                    format!("[{i}].email: `{}` is not an e-mail address", t.email),
                );
            } else if !seen.insert(fold(&t.email)) {
                self.at(
                    path,
                    format!(
                        "[{i}].email: `{}` appears twice (e-mails compare case-insensitively)",
                        t.email
                    ),
                );
            }
            for (j, g) in t.groups.iter().enumerate() {
                if !groups.contains_key(g) {
                    self.at(
                        path,
                        format!("[{i}].groups[{j}]: group `{g}` is not in this tree"),
                    );
                }
            }
        }
        if self.ok() {
            self.sink.teammates(&teammates)?;
        }
        Ok(())
    }

    pub(super) fn collect_dossier_ids(&mut self) {
        let all: Vec<(String, String)> = self
            .layout
            .groups
            .iter()
            .flat_map(|(g, slot)| slot.dossiers.keys().map(move |d| (g.clone(), d.clone())))
            .collect();
        for (g, d) in all {
            if !syntax::is_id(&d) {
                self.at(
                    &layout::dossier_dir(&g, &d),
                    format!("`{d}` is not a dossier id"),
                );
            } else if !self.dossier_ids.insert(fold(&d)) {
                self.at(
                    &layout::dossier_dir(&g, &d),
                    format!("dossier id `{d}` is used twice in this account"),
                );
            }
        }
    }

    pub(super) fn check_dossier(&mut self, path: &str, id: &str, d: &Dossier) {
        if d.id != id {
            self.at(
                path,
                format!("id: `{}` differs from the folder name `{id}`", d.id),
            );
        }
        if let Some(bsn) = &d.bsn
            && !syntax::is_bsn(bsn)
        {
            self.at(
                path,
                format!("bsn: `{bsn}` is not a valid BSN (nine digits passing the eleven-test)"),
            );
        }
        if let Some(date) = &d.birth_date
            && syntax::date(date).is_none()
        {
            self.at(
                path,
                format!("birth_date: `{date}` is not a date YYYY-MM-DD"),
            );
        }
        for (field, value) in [("created_at", &d.created_at), ("updated_at", &d.updated_at)] {
            if syntax::timestamp(value).is_none() {
                self.at(
                    path,
                    format!("{field}: `{value}` is not an RFC 3339 timestamp with offset"),
                );
            }
        }
        for (i, c) in d.contacts.iter().enumerate() {
            if let Some(email) = &c.email
                && !syntax::is_email(email)
            {
                self.at(
                    path,
                    format!("contacts[{i}].email: `{email}` is not an e-mail address"),
                );
            }
        }
    }
}

//! What the moving records use: configuration elements (for the counts on
//! configuration differences), teammate references and member access.
//!
//! "Moving" is what the export would write: the records come from the
//! export's own walk (`export::walk`), so the cut-off, `since`, chosen data
//! types and every reference rule (shared agenda items, history about other
//! dossiers) apply exactly as in the archive. Each record counts for the
//! target group of the dossier it moves with.

use super::config_diff::Element;
use crate::error::{Error, Result};
use crate::export::walk::{self, Survey, Visitor};
use crate::model::config::{Config, ConfigField};
use crate::model::kinds::{ConfigRef, DataType, FieldType, Kind};
use crate::model::syntax::fold;
use crate::plan::Plan;
use crate::select::{Resolved, Selected};
use crate::store::Store;
use serde::Serialize;
use serde_json::{Map, Value};
use std::collections::BTreeMap;

/// How many moving records use each configuration element of one target
/// group.
#[derive(Debug, Default, Clone, Serialize)]
pub struct ConfigUsage {
    /// Field address (`page.tab.field`) -> field values using it.
    pub(crate) fields: BTreeMap<String, u64>,
    /// Field address -> option -> field values using it.
    pub(crate) options: BTreeMap<String, BTreeMap<String, u64>>,
    /// Report label key -> daily reports carrying it.
    pub(crate) report_labels: BTreeMap<String, u64>,
    /// Agenda type key -> agenda items of that type.
    pub(crate) agenda_types: BTreeMap<String, u64>,
    /// Time entries, assignments and declaration lines, each counted once.
    pub(crate) products: BTreeMap<String, u64>,
}

impl ConfigUsage {
    /// The moving records using `element`; for a tab, the field values of
    /// all its fields.
    pub(crate) fn count(&self, element: &Element) -> u64 {
        let get = |map: &BTreeMap<String, u64>, key: &str| map.get(key).copied().unwrap_or(0);
        match element {
            Element::Tab { page, tab } => {
                let prefix = format!("{page}.{tab}.");
                self.fields
                    .iter()
                    .filter(|(address, _)| address.starts_with(&prefix))
                    .map(|(_, n)| n)
                    .sum()
            }
            Element::Field { address } => get(&self.fields, address),
            Element::Option { address, option } => {
                self.options.get(address).map_or(0, |o| get(o, option))
            }
            Element::ReportLabel { key } => get(&self.report_labels, key),
            Element::AgendaType { key } => get(&self.agenda_types, key),
            Element::Product { code } => get(&self.products, code),
        }
    }
}

/// A teammate e-mail the moving records name.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct TeammateRef {
    /// As first written in the records.
    pub(crate) email: String,
    /// Moving records naming it (a record naming it twice counts once).
    pub(crate) records: u64,
}

/// One member access record that moves.
#[derive(Debug, Clone, Serialize)]
pub struct MovingMember {
    /// The member's e-mail address.
    pub(crate) email: String,
    /// The member's name.
    pub(crate) name: String,
    /// Source id of the dossier it belongs to.
    pub(crate) dossier: String,
    /// Key of the target group the dossier goes to.
    pub(crate) to_group: String,
}

/// What the moving records use, gathered while the export's walk runs.
#[derive(Debug, Default)]
pub struct Moving {
    /// By target group key.
    pub(crate) config: BTreeMap<String, ConfigUsage>,
    /// By folded e-mail.
    pub(crate) teammates: BTreeMap<String, TeammateRef>,
    /// Every member access record that moves, in walk order.
    pub(crate) members: Vec<MovingMember>,
}

/// Runs the export's walk ([`crate::export::walk`]) once: its survey is the
/// estimate, and the records it yields are exactly the ones counted here.
pub(crate) fn survey(
    plan: &Plan,
    store: &dyn Store,
    resolved: &Resolved,
) -> Result<(Survey, Moving)> {
    let mut usage = Usage {
        config: &resolved.group.group.config,
        moving: Moving::default(),
    };
    for selected in &resolved.dossiers {
        usage
            .moving
            .config
            .entry(selected.to_group.clone())
            .or_default();
    }
    let survey = walk::walk(plan, store, resolved, plan.cut_off_at, &mut usage)?;
    Ok((survey, usage.moving))
}

/// A walk visitor that counts what each moving record uses.
struct Usage<'a> {
    /// The source group's config: which fields have options.
    config: &'a Config,
    moving: Moving,
}

impl Visitor for Usage<'_> {
    fn line(&mut self, dossier: &Selected, kind: &'static Kind, line: &str) -> Result<()> {
        let body = match serde_json::from_str(line) {
            Ok(Value::Object(map)) => map,
            _ => {
                return Err(Error::Internal(format!(
                    "the walk yielded a {} line that is not a JSON object",
                    kind.name
                )));
            }
        };
        self.tally(kind, &body, dossier);
        Ok(())
    }

    fn end_kind(&mut self, _: &Selected, _: &'static Kind) -> Result<()> {
        Ok(())
    }
}

impl Usage<'_> {
    fn tally(&mut self, kind: &Kind, body: &Map<String, Value>, selected: &Selected) {
        let usage = self
            .moving
            .config
            .entry(selected.to_group.clone())
            .or_default();
        let mut named: Vec<&str> = Vec::new();
        for field in kind.fields {
            let Some(value) = body.get(field.name) else {
                continue;
            };
            match field.ty {
                FieldType::Config(what) => count_config(usage, self.config, what, value, body),
                FieldType::DeclarationLines => {
                    for product in lines_products(value) {
                        bump(&mut usage.products, product);
                    }
                }
                FieldType::Teammate => named.extend(value.as_str()),
                FieldType::Teammates => named.extend(strings(value)),
                _ => {}
            }
        }
        self.count_teammates(named);
        if kind.data_type == DataType::MemberAccess {
            self.moving.members.push(member(body, selected));
        }
    }

    fn count_teammates(&mut self, mut named: Vec<&str>) {
        named.sort_by_key(|e| fold(e));
        named.dedup_by_key(|e| fold(e));
        for email in named {
            let entry = self
                .moving
                .teammates
                .entry(fold(email))
                .or_insert_with(|| TeammateRef {
                    email: email.to_owned(),
                    records: 0,
                });
            entry.records += 1;
        }
    }
}

fn count_config(
    usage: &mut ConfigUsage,
    config: &Config,
    what: ConfigRef,
    value: &Value,
    body: &Map<String, Value>,
) {
    let Some(key) = value.as_str() else {
        return;
    };
    match what {
        ConfigRef::Field => {
            bump(&mut usage.fields, key);
            // Options are counted only for fields that have them, so free
            // text values do not pile up as "options".
            if config.field(key).is_some_and(|f| f.kind.has_options()) {
                let options = usage.options.entry(key.to_owned()).or_default();
                let used = body
                    .get("value")
                    .map(ConfigField::options_used)
                    .unwrap_or_default();
                for option in used {
                    bump(options, option);
                }
            }
        }
        ConfigRef::ReportLabel => bump(&mut usage.report_labels, key),
        ConfigRef::AgendaType => bump(&mut usage.agenda_types, key),
        ConfigRef::Product => bump(&mut usage.products, key),
    }
}

fn bump(map: &mut BTreeMap<String, u64>, key: &str) {
    *map.entry(key.to_owned()).or_default() += 1;
}

fn strings(value: &Value) -> impl Iterator<Item = &str> {
    value
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
}

fn lines_products(value: &Value) -> impl Iterator<Item = &str> {
    let lines = value.as_array().into_iter().flatten();
    lines.filter_map(|line| line.get("product").and_then(Value::as_str))
}

fn member(body: &Map<String, Value>, selected: &Selected) -> MovingMember {
    let text = |key: &str| {
        body.get(key)
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned()
    };
    MovingMember {
        email: text("email"),
        name: text("name"),
        dossier: selected.row.dossier.id.clone(),
        to_group: selected.to_group.clone(),
    }
}

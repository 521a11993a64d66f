//! A group's configuration (inrichting): pages, tabs and fields, report
//! labels, agenda types and products.

use super::syntax;
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// A group's configuration (inrichting), as in `group.json`'s `config`.
/// Records may only use what it defines (fields, labels, agenda types,
/// products).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// The pages of the dossier, each with its tabs of fields.
    pub(crate) pages: Vec<Page>,
    /// The labels a daily report may carry.
    pub(crate) report_labels: Vec<Label>,
    /// The types an agenda item may have.
    pub(crate) agenda_types: Vec<Label>,
    /// The care products time is registered and declared on.
    pub(crate) products: Vec<Product>,
}

/// A page of the dossier (e.g. `plan`, `gegevens`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Page {
    /// The page's key: the first part of a field's `page.tab.field` address.
    pub(crate) page: String,
    /// The page's tabs, in display order.
    pub(crate) tabs: Vec<Tab>,
}

/// A tab of a page, holding fields.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Tab {
    /// The tab's key: the middle part of a field's address.
    pub(crate) key: String,
    /// The tab's display label.
    pub(crate) label: String,
    /// The tab's fields, in display order.
    pub(crate) fields: Vec<ConfigField>,
}

/// A field's `type`: what its values are. Serialised snake_case.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub(crate) enum FieldKind {
    /// One line of text (a JSON string).
    Text,
    /// Free text of several lines (a JSON string).
    Textarea,
    /// A JSON number.
    Number,
    /// A `YYYY-MM-DD` date (a JSON string).
    Date,
    /// A JSON boolean.
    Boolean,
    /// One of the field's `options` (a JSON string).
    Choice,
    /// Any of the field's `options` (a JSON array of strings).
    MultiChoice,
}

impl FieldKind {
    pub(crate) fn has_options(self) -> bool {
        matches!(self, FieldKind::Choice | FieldKind::MultiChoice)
    }

    /// The type as written in the config (`text`, …, `multi_choice`).
    pub(crate) fn name(self) -> &'static str {
        match self {
            FieldKind::Text => "text",
            FieldKind::Textarea => "textarea",
            FieldKind::Number => "number",
            FieldKind::Date => "date",
            FieldKind::Boolean => "boolean",
            FieldKind::Choice => "choice",
            FieldKind::MultiChoice => "multi_choice",
        }
    }
}

/// A field of a tab; field values of records address it as
/// `page.tab.field`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct ConfigField {
    /// The field's key: the last part of its address.
    pub(crate) key: String,
    /// The field's display label.
    pub(crate) label: String,
    /// What the field's values are (`type` in JSON).
    #[serde(rename = "type")]
    pub(crate) kind: FieldKind,
    /// The allowed values of a `choice` or `multi_choice` field; `None`
    /// for the other types.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) options: Option<Vec<String>>,
}

/// A report label or an agenda type.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Label {
    /// The key records refer to it by.
    pub(crate) key: String,
    /// Its display label.
    pub(crate) label: String,
}

/// A care product time is registered and declared on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Product {
    /// The product code (e.g. `45A48`) records refer to it by.
    pub(crate) code: String,
    /// The product's display name.
    pub(crate) label: String,
    /// The unit it is counted in (e.g. `minuut`); a target product with
    /// another unit cannot take the source's records.
    pub(crate) unit: String,
}

impl Config {
    /// sha256 of the canonical JSON: equal configs have equal fingerprints.
    pub(crate) fn fingerprint(&self) -> String {
        crate::digest::sha256_hex(crate::canonical::of(self).as_bytes())
    }

    /// Every field with its `page.tab.field` address, in config order.
    pub(crate) fn fields(&self) -> impl Iterator<Item = (String, &ConfigField)> {
        self.pages.iter().flat_map(|p| {
            p.tabs.iter().flat_map(move |t| {
                t.fields
                    .iter()
                    .map(move |f| (format!("{}.{}.{}", p.page, t.key, f.key), f))
            })
        })
    }

    /// The field at `page.tab.field`.
    pub(crate) fn field(&self, address: &str) -> Option<&ConfigField> {
        let mut parts = address.splitn(3, '.');
        let (page, tab, field) = (parts.next()?, parts.next()?, parts.next()?);
        self.pages
            .iter()
            .find(|p| p.page == page)?
            .tabs
            .iter()
            .find(|t| t.key == tab)?
            .fields
            .iter()
            .find(|f| f.key == field)
    }

    pub(crate) fn report_label(&self, key: &str) -> Option<&Label> {
        self.report_labels.iter().find(|l| l.key == key)
    }

    pub(crate) fn agenda_type(&self, key: &str) -> Option<&Label> {
        self.agenda_types.iter().find(|l| l.key == key)
    }

    /// The product with `code`; `None` when the config has none.
    pub(crate) fn product(&self, code: &str) -> Option<&Product> {
        self.products.iter().find(|p| p.code == code)
    }

    /// Rule violations as (field path, message), e.g. duplicate keys or a
    /// choice field without options.
    pub(crate) fn violations(&self) -> Vec<(String, String)> {
        let mut out = Vec::new();
        let mut seen = std::collections::HashSet::new();
        for (pi, page) in self.pages.iter().enumerate() {
            let at = format!("config.pages[{pi}]");
            key_rule(&page.page, &format!("{at}.page"), &mut out);
            for (ti, tab) in page.tabs.iter().enumerate() {
                let at = format!("{at}.tabs[{ti}]");
                key_rule(&tab.key, &format!("{at}.key"), &mut out);
                for (fi, f) in tab.fields.iter().enumerate() {
                    let at = format!("{at}.fields[{fi}]");
                    key_rule(&f.key, &format!("{at}.key"), &mut out);
                    let address = format!("{}.{}.{}", page.page, tab.key, f.key);
                    if !seen.insert(address.clone()) {
                        out.push((at.clone(), format!("field {address} appears twice")));
                    }
                    match (f.kind.has_options(), &f.options) {
                        (true, None) => out.push((
                            format!("{at}.options"),
                            format!("a {} field needs options", f.kind.name()),
                        )),
                        (false, Some(_)) => out.push((
                            format!("{at}.options"),
                            format!("a {} field takes no options", f.kind.name()),
                        )),
                        _ => {}
                    }
                }
            }
        }
        let lists: [(&str, Vec<&str>); 3] = [
            (
                "report_labels",
                self.report_labels.iter().map(|l| l.key.as_str()).collect(),
            ),
            (
                "agenda_types",
                self.agenda_types.iter().map(|l| l.key.as_str()).collect(),
            ),
            (
                "products",
                self.products.iter().map(|p| p.code.as_str()).collect(),
            ),
        ];
        for (name, keys) in lists {
            let mut seen = std::collections::HashSet::new();
            for (i, k) in keys.iter().enumerate() {
                if k.is_empty() {
                    out.push((format!("config.{name}[{i}]"), "empty key".into()));
                } else if !seen.insert(*k) {
                    out.push((
                        format!("config.{name}[{i}]"),
                        format!("`{k}` appears twice"),
                    ));
                }
            }
        }
        out
    }
}

fn key_rule(key: &str, at: &str, out: &mut Vec<(String, String)>) {
    if !syntax::is_config_key(key) {
        out.push((
            at.to_owned(),
            format!("`{key}` is not a key (lowercase letters, digits, `_`, `-`)"),
        ));
    }
}

impl ConfigField {
    /// Whether `value` is valid for this field; the error says why not.
    pub(crate) fn check_value(&self, value: &Value) -> Result<(), String> {
        let ok = match (self.kind, value) {
            (FieldKind::Text | FieldKind::Textarea, Value::String(_)) => true,
            (FieldKind::Number, Value::Number(_)) => true,
            (FieldKind::Boolean, Value::Bool(_)) => true,
            (FieldKind::Date, Value::String(s)) => syntax::date(s).is_some(),
            (FieldKind::Choice, Value::String(s)) => return self.option_rule(s),
            (FieldKind::MultiChoice, Value::Array(items)) => {
                for item in items {
                    match item {
                        Value::String(s) => self.option_rule(s)?,
                        _ => return Err("multi_choice values are strings".into()),
                    }
                }
                true
            }
            _ => false,
        };
        if ok {
            Ok(())
        } else {
            Err(format!("{value} is not a valid {} value", self.kind.name()))
        }
    }

    fn option_rule(&self, choice: &str) -> Result<(), String> {
        let options = self.options.as_deref().unwrap_or_default();
        if options.iter().any(|o| o == choice) {
            Ok(())
        } else {
            Err(format!(
                "`{choice}` is not an option of this field ({})",
                options.join(", ")
            ))
        }
    }

    /// The options a value uses (for counting uses of a missing option).
    pub(crate) fn options_used(value: &Value) -> Vec<&str> {
        match value {
            Value::String(s) => vec![s.as_str()],
            Value::Array(items) => items.iter().filter_map(Value::as_str).collect(),
            _ => Vec::new(),
        }
    }
}

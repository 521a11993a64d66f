//! A group's configuration (inrichting): pages, tabs and fields, report
//! labels, agenda types and products.

use super::syntax;
use serde::{Deserialize, Serialize};
use serde_json::Value;

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    pub pages: Vec<Page>,
    pub report_labels: Vec<Label>,
    pub agenda_types: Vec<Label>,
    pub products: Vec<Product>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Page {
    pub page: String,
    pub tabs: Vec<Tab>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Tab {
    pub key: String,
    pub label: String,
    pub fields: Vec<ConfigField>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FieldKind {
    Text,
    Textarea,
    Number,
    Date,
    Boolean,
    Choice,
    MultiChoice,
}

impl FieldKind {
    pub(crate) fn has_options(self) -> bool {
        matches!(self, FieldKind::Choice | FieldKind::MultiChoice)
    }

    pub fn name(self) -> &'static str {
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

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConfigField {
    pub key: String,
    pub label: String,
    #[serde(rename = "type")]
    pub kind: FieldKind,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub options: Option<Vec<String>>,
}

/// A report label or an agenda type.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Label {
    pub key: String,
    pub label: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Product {
    pub code: String,
    pub label: String,
    pub unit: String,
}

impl Config {
    /// sha256 of the canonical JSON: equal configs have equal fingerprints.
    pub fn fingerprint(&self) -> String {
        crate::digest::sha256_hex(crate::canonical::of(self).as_bytes())
    }

    /// Every field with its `page.tab.field` address, in config order.
    pub fn fields(&self) -> impl Iterator<Item = (String, &ConfigField)> {
        self.pages.iter().flat_map(|p| {
            p.tabs.iter().flat_map(move |t| {
                t.fields
                    .iter()
                    .map(move |f| (format!("{}.{}.{}", p.page, t.key, f.key), f))
            })
        })
    }

    /// The field at `page.tab.field`.
    pub fn field(&self, address: &str) -> Option<&ConfigField> {
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

    pub fn product(&self, code: &str) -> Option<&Product> {
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

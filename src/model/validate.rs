//! Record validation, driven by the kinds table: one function checks every
//! kind, field by field, against the group's configuration.

use super::config::{Config, ConfigField};
use super::kinds::{ConfigRef, Field, FieldType, Kind, Ref, Target, kind};
use super::syntax;
use jiff::Timestamp;
use serde_json::{Map, Value};

/// A reference out of a record that the record alone cannot resolve: the
/// reader checks it within the dossier or once the whole account (or
/// archive) has been read, as its target's scope says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Reference {
    pub field: &'static str,
    pub to: Target,
    pub id: String,
}

/// What a valid record tells the reader.
#[derive(Debug)]
pub(crate) struct Checked {
    pub(crate) id: String,
    pub(crate) created_at: Timestamp,
    pub(crate) refs: Vec<Reference>,
}

/// Checks one record of `kind` against the kinds table and `config`. All
/// rule violations are returned, each naming its field.
pub(crate) fn check_record(
    kind: &Kind,
    record: &Map<String, Value>,
    config: &Config,
) -> Result<Checked, Vec<String>> {
    let mut errors = Vec::new();
    let mut refs = Vec::new();
    for key in record.keys() {
        let known =
            matches!(key.as_str(), "id" | "created_at" | "origin") || kind.field(key).is_some();
        if !known {
            errors.push(format!("unknown field `{key}` for kind {}", kind.name));
        }
    }
    let id = match record.get("id") {
        Some(Value::String(s)) if syntax::is_id(s) => Some(s.clone()),
        Some(v) => {
            errors.push(format!(
                "`id`: {v} is not a valid id ([A-Za-z0-9][A-Za-z0-9._-]{{0,63}})"
            ));
            None
        }
        None => {
            errors.push("missing field `id`".into());
            None
        }
    };
    let created_at = match record.get("created_at") {
        Some(Value::String(s)) => {
            let t = syntax::timestamp(s);
            if t.is_none() {
                errors.push(format!(
                    "`created_at`: \"{s}\" is not an RFC 3339 timestamp with offset"
                ));
            }
            t
        }
        Some(v) => {
            errors.push(format!("`created_at`: expected a timestamp, found {v}"));
            None
        }
        None => {
            errors.push("missing field `created_at`".into());
            None
        }
    };
    if let Some(origin) = record.get("origin") {
        check_origin(origin, &mut errors);
    }
    for field in kind.fields {
        match record.get(field.name) {
            None if field.required => errors.push(format!("missing field `{}`", field.name)),
            None => {}
            Some(value) => {
                if let Err(e) = check_field(field, value, record, config, &mut refs) {
                    errors.push(format!("`{}`: {e}", field.name));
                }
            }
        }
    }
    match (id, created_at) {
        (Some(id), Some(created_at)) if errors.is_empty() => Ok(Checked {
            id,
            created_at,
            refs,
        }),
        _ => Err(errors),
    }
}

fn check_origin(origin: &Value, errors: &mut Vec<String>) {
    let ok = origin.as_object().is_some_and(|o| {
        o.len() == 2
            && o.get("migration").and_then(Value::as_str).is_some()
            && o.get("id")
                .and_then(Value::as_str)
                .is_some_and(syntax::is_id)
    });
    if !ok {
        errors.push("`origin`: expected {\"migration\": \"…\", \"id\": \"…\"}".into());
    }
}

fn check_field(
    field: &Field,
    value: &Value,
    record: &Map<String, Value>,
    config: &Config,
    refs: &mut Vec<Reference>,
) -> Result<(), String> {
    let text = || {
        value
            .as_str()
            .ok_or_else(|| format!("expected a string, found {value}"))
    };
    match field.ty {
        FieldType::Text => text().map(drop),
        FieldType::OneOf(allowed) => {
            let s = text()?;
            expect(allowed.contains(&s), || {
                format!("`{s}` is not one of {}", allowed.join(", "))
            })
        }
        FieldType::Timestamp => {
            let s = text()?;
            expect(syntax::timestamp(s).is_some(), || {
                format!("\"{s}\" is not an RFC 3339 timestamp with offset")
            })
        }
        FieldType::Date => {
            let s = text()?;
            expect(syntax::date(s).is_some(), || {
                format!("\"{s}\" is not a date YYYY-MM-DD")
            })
        }
        FieldType::Month => {
            let s = text()?;
            expect(syntax::is_month(s), || {
                format!("\"{s}\" is not a month YYYY-MM")
            })
        }
        FieldType::Count => expect(value.as_u64().is_some(), || {
            format!("expected a whole number >= 0, found {value}")
        }),
        FieldType::Number => expect(value.is_number(), || {
            format!("expected a number, found {value}")
        }),
        FieldType::Email | FieldType::Teammate => email(value),
        FieldType::Teammates => list(value, email),
        FieldType::TextList => list(value, |v| {
            v.as_str()
                .map(drop)
                .ok_or_else(|| format!("expected strings, found {v}"))
        }),
        FieldType::Sha256 => {
            let s = text()?;
            expect(syntax::is_sha256(s), || {
                format!("\"{s}\" is not a lowercase hex sha256")
            })
        }
        FieldType::Json => Ok(()),
        FieldType::FieldValue => check_field_value(value, record, config),
        FieldType::Config(what) => {
            let s = text()?;
            check_config_ref(what, s, config)
        }
        FieldType::Ref(r) => check_ref(field.name, r, value, refs),
        FieldType::DeclarationLines => list(value, |line| check_declaration_line(line, config)),
    }
}

fn expect(ok: bool, message: impl FnOnce() -> String) -> Result<(), String> {
    if ok { Ok(()) } else { Err(message()) }
}

fn email(value: &Value) -> Result<(), String> {
    match value.as_str() {
        Some(s) if syntax::is_email(s) => Ok(()),
        _ => Err(format!("{value} is not an e-mail address")),
    }
}

fn list(value: &Value, each: impl Fn(&Value) -> Result<(), String>) -> Result<(), String> {
    let items = value
        .as_array()
        .ok_or_else(|| format!("expected an array, found {value}"))?;
    for (i, item) in items.iter().enumerate() {
        each(item).map_err(|e| format!("[{i}]: {e}"))?;
    }
    Ok(())
}

/// A reference field: ids (a list of them when `many`), or a `kind:id`
/// subject naming a known kind.
fn check_ref(
    field: &'static str,
    r: Ref,
    value: &Value,
    refs: &mut Vec<Reference>,
) -> Result<(), String> {
    let id = |v: &Value| match v.as_str() {
        Some(s) if syntax::is_id(s) => Ok(s.to_owned()),
        Some(s) if !r.many => Err(format!("\"{s}\" is not an id")),
        _ if !r.many => Err(format!("expected a string, found {v}")),
        _ => Err(format!("{v} is not an id")),
    };
    let reference = |id: String| Reference {
        field,
        to: r.to,
        id,
    };
    if r.to == Target::Subject {
        return check_subject(value);
    }
    if !r.many {
        refs.push(reference(id(value)?));
        return Ok(());
    }
    list(value, |v| id(v).map(drop))?;
    refs.extend(
        value
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|v| id(v).ok())
            .map(reference),
    );
    Ok(())
}

/// `kind:id` of a record of the account; not followed, since the record
/// may have been deleted (that is the point of history).
fn check_subject(value: &Value) -> Result<(), String> {
    let s = value
        .as_str()
        .ok_or_else(|| format!("expected a string, found {value}"))?;
    let ok = s
        .split_once(':')
        .is_some_and(|(k, id)| kind(k).is_some() && syntax::is_id(id));
    expect(ok, || format!("\"{s}\" is not `kind:id` with a known kind"))
}

fn check_field_value(
    value: &Value,
    record: &Map<String, Value>,
    config: &Config,
) -> Result<(), String> {
    // The address is checked by the `field` entry itself; skip when unknown.
    let Some(field) = record
        .get("field")
        .and_then(Value::as_str)
        .and_then(|a| config.field(a))
    else {
        return Ok(());
    };
    ConfigField::check_value(field, value)
}

fn check_config_ref(what: ConfigRef, key: &str, config: &Config) -> Result<(), String> {
    let (found, name) = match what {
        ConfigRef::Field => (config.field(key).is_some(), "field (page.tab.field)"),
        ConfigRef::ReportLabel => (config.report_label(key).is_some(), "report label"),
        ConfigRef::AgendaType => (config.agenda_type(key).is_some(), "agenda type"),
        ConfigRef::Product => (config.product(key).is_some(), "product"),
    };
    expect(found, || {
        format!("`{key}` is not a {name} of the group's configuration")
    })
}

fn check_declaration_line(line: &Value, config: &Config) -> Result<(), String> {
    let obj = line
        .as_object()
        .ok_or_else(|| format!("expected an object, found {line}"))?;
    const KEYS: [&str; 7] = [
        "product",
        "assignment",
        "volume",
        "unit",
        "rate_cents",
        "amount_cents",
        "debit_credit",
    ];
    if let Some(k) = obj.keys().find(|k| !KEYS.contains(&k.as_str())) {
        return Err(format!("unknown key `{k}`"));
    }
    let get = |k: &str| obj.get(k).ok_or_else(|| format!("missing `{k}`"));
    let product = get("product")?
        .as_str()
        .ok_or("`product` is not a string")?;
    check_config_ref(ConfigRef::Product, product, config)?;
    if let Some(a) = obj.get("assignment") {
        a.as_str().ok_or("`assignment` is not a string")?;
    }
    expect(get("volume")?.is_number(), || {
        "`volume` is not a number".into()
    })?;
    get("unit")?.as_str().ok_or("`unit` is not a string")?;
    for k in ["rate_cents", "amount_cents"] {
        expect(get(k)?.as_i64().is_some(), || {
            format!("`{k}` is not a whole number of cents")
        })?;
    }
    let dc = get("debit_credit")?.as_str();
    expect(matches!(dc, Some("D" | "C")), || {
        "`debit_credit` is not \"D\" or \"C\"".into()
    })
}

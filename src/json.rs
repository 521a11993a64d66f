//! JSON from outside the tool, with every key once per object. serde_json
//! keeps the last of two equal keys, other parsers keep the first or
//! refuse: a record, manifest or tree file holding a key twice could mean
//! one thing to this tool and another to whoever reads it next, so it is
//! refused. serde_json's own nesting limit stays in force.

use serde::de::{self, Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Number, Value};
use std::collections::HashSet;
use std::fmt;
use std::io::Read;

/// Parses one JSON value, refusing an object with a key twice.
pub fn from_str(text: &str) -> Result<Value, serde_json::Error> {
    serde_json::from_str::<Unique>(text).map(|u| u.0)
}

/// Checks that no object in the JSON text holds a key twice, without
/// keeping the values (for text then parsed into a typed struct).
pub fn check_slice(bytes: &[u8]) -> Result<(), serde_json::Error> {
    serde_json::from_slice::<Checked>(bytes).map(|_| ())
}

/// [`check_slice`] for a stream; an I/O error shows as `is_io()`.
pub fn check_reader(reader: impl Read) -> Result<(), serde_json::Error> {
    serde_json::from_reader::<_, Checked>(reader).map(|_| ())
}

fn twice<E: de::Error>(key: &str) -> E {
    E::custom(format!(
        "the key `{}` appears twice in one object",
        key.escape_debug()
    ))
}

/// A value whose objects hold each key once.
struct Unique(Value);

impl<'de> Deserialize<'de> for Unique {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(UniqueVisitor)
    }
}

struct UniqueVisitor;

impl<'de> Visitor<'de> for UniqueVisitor {
    type Value = Unique;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a JSON value")
    }

    fn visit_bool<E>(self, v: bool) -> Result<Unique, E> {
        Ok(Unique(Value::Bool(v)))
    }

    fn visit_i64<E>(self, v: i64) -> Result<Unique, E> {
        Ok(Unique(Value::Number(v.into())))
    }

    fn visit_u64<E>(self, v: u64) -> Result<Unique, E> {
        Ok(Unique(Value::Number(v.into())))
    }

    fn visit_f64<E>(self, v: f64) -> Result<Unique, E> {
        // JSON text has no NaN or infinity, so this is always a number.
        Ok(Unique(
            Number::from_f64(v).map_or(Value::Null, Value::Number),
        ))
    }

    fn visit_str<E>(self, v: &str) -> Result<Unique, E> {
        Ok(Unique(Value::String(v.to_owned())))
    }

    fn visit_string<E>(self, v: String) -> Result<Unique, E> {
        Ok(Unique(Value::String(v)))
    }

    fn visit_unit<E>(self) -> Result<Unique, E> {
        Ok(Unique(Value::Null))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Unique, A::Error> {
        let mut items = Vec::new();
        while let Some(Unique(v)) = seq.next_element()? {
            items.push(v);
        }
        Ok(Unique(Value::Array(items)))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Unique, A::Error> {
        let mut out = Map::new();
        while let Some(key) = map.next_key::<String>()? {
            if out.contains_key(&key) {
                return Err(twice(&key));
            }
            let Unique(v) = map.next_value()?;
            out.insert(key, v);
        }
        Ok(Unique(Value::Object(out)))
    }
}

/// Checked for repeated keys; the values are dropped as they pass.
struct Checked;

impl<'de> Deserialize<'de> for Checked {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(CheckedVisitor)
    }
}

struct CheckedVisitor;

impl<'de> Visitor<'de> for CheckedVisitor {
    type Value = Checked;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a JSON value")
    }

    fn visit_bool<E>(self, _: bool) -> Result<Checked, E> {
        Ok(Checked)
    }

    fn visit_i64<E>(self, _: i64) -> Result<Checked, E> {
        Ok(Checked)
    }

    fn visit_u64<E>(self, _: u64) -> Result<Checked, E> {
        Ok(Checked)
    }

    fn visit_f64<E>(self, _: f64) -> Result<Checked, E> {
        Ok(Checked)
    }

    fn visit_str<E>(self, _: &str) -> Result<Checked, E> {
        Ok(Checked)
    }

    fn visit_unit<E>(self) -> Result<Checked, E> {
        Ok(Checked)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Checked, A::Error> {
        while seq.next_element::<Checked>()?.is_some() {}
        Ok(Checked)
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Checked, A::Error> {
        let mut seen = HashSet::new();
        while let Some(key) = map.next_key::<String>()? {
            if seen.contains(&key) {
                return Err(twice(&key));
            }
            map.next_value::<Checked>()?;
            seen.insert(key);
        }
        Ok(Checked)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_key_twice_is_refused_at_any_depth_also_when_escaped() {
        for bad in [
            r#"{"text":"a","text":"b"}"#,
            r#"{"a":[{"x":1,"y":2,"x":3}]}"#,
            r#"{"text":"a","\u0074ext":"b"}"#,
        ] {
            let e = from_str(bad).expect_err(bad);
            assert!(e.to_string().contains("appears twice"), "{bad}: {e}");
            let e = check_slice(bad.as_bytes()).expect_err(bad);
            assert!(e.to_string().contains("appears twice"), "{bad}: {e}");
        }
    }

    #[test]
    fn values_parse_as_serde_json_parses_them() {
        let text = r#"{"a":[1,-2,3.5,"s",null,true,{"a":{}}],"b":{"a":1}}"#;
        let want: Value = serde_json::from_str(text).expect("JSON");
        assert_eq!(from_str(text).expect("unique"), want);
        assert!(check_reader(text.as_bytes()).is_ok());
        let deep = "[".repeat(200) + &"]".repeat(200);
        assert!(from_str(&deep).is_err(), "the nesting limit holds");
        assert!(check_slice(deep.as_bytes()).is_err());
    }
}

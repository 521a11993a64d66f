//! Canonical JSON: keys sorted, no insignificant white space, arrays in their
//! given order. Used for config fingerprints, record lines and digests.
//!
//! For the values this tool handles (ASCII keys, integers, short decimals)
//! this is the JSON Canonicalization Scheme of RFC 8785.

use serde_json::Value;

/// The canonical text of a JSON value.
pub fn to_string(value: &Value) -> String {
    let mut out = String::new();
    write(value, &mut out);
    out
}

fn write(value: &Value, out: &mut String) {
    match value {
        Value::Object(map) => {
            let mut entries: Vec<_> = map.iter().collect();
            // RFC 8785 orders keys by UTF-16 code units.
            entries.sort_by(|a, b| a.0.encode_utf16().cmp(b.0.encode_utf16()));
            out.push('{');
            for (i, (k, v)) in entries.into_iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_str(k, out);
                out.push(':');
                write(v, out);
            }
            out.push('}');
        }
        Value::Array(items) => {
            out.push('[');
            for (i, v) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write(v, out);
            }
            out.push(']');
        }
        Value::String(s) => write_str(s, out),
        other => out.push_str(&other.to_string()),
    }
}

fn write_str(s: &str, out: &mut String) {
    // serde_json escapes exactly what RFC 8785 asks (", \, control chars).
    out.push_str(&Value::String(s.to_owned()).to_string());
}

/// The canonical text of any serialisable value.
pub fn of<T: serde::Serialize>(value: &T) -> String {
    match serde_json::to_value(value) {
        Ok(v) => to_string(&v),
        // Only maps with non-string keys fail, and the model has none.
        Err(e) => format!("{{\"unserialisable\":\"{e}\"}}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn sorts_keys_and_drops_white_space() {
        let v = json!({"b": [1, {"d": true, "c": null}], "a": "x\"\n\u{1f}é"});
        assert_eq!(
            to_string(&v),
            r#"{"a":"x\"\n\u001fé","b":[1,{"c":null,"d":true}]}"#
        );
    }
}

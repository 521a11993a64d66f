//! Canonical JSON, RFC 8785 (the JSON Canonicalization Scheme): object keys
//! sorted by UTF-16 code units, no white space, strings escaped as
//! ECMAScript's `JSON.stringify` does, floats in ECMAScript's shortest form.
//! Used for the plan digest, config fingerprints, record lines and content
//! digests: one form on every side.
//!
//! Where it may differ from JCS: integers held as `i64`/`u64` are written
//! exactly, while JCS (IEEE 754 doubles) would round those beyond ±2^53.

use serde_json::Value;

/// The canonical text of any serialisable value.
pub(crate) fn of<T: serde::Serialize>(value: &T) -> String {
    match serde_json::to_value(value) {
        Ok(v) => to_string(&v),
        // Only maps with non-string keys fail, and the model has none.
        Err(e) => format!("{{\"unserialisable\":\"{e}\"}}"),
    }
}

/// The canonical text of a JSON object, without copying it into a `Value`.
pub(crate) fn object(map: &serde_json::Map<String, Value>) -> String {
    let mut out = String::new();
    write_object(map, &mut out);
    out
}

/// The canonical text of a JSON value.
pub fn to_string(value: &Value) -> String {
    let mut out = String::new();
    write_value(value, &mut out);
    out
}

fn write_value(value: &Value, out: &mut String) {
    match value {
        Value::Null => out.push_str("null"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Number(n) => write_number(n, out),
        Value::String(s) => write_string(s, out),
        Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_value(item, out);
            }
            out.push(']');
        }
        Value::Object(map) => write_object(map, out),
    }
}

fn write_object(map: &serde_json::Map<String, Value>, out: &mut String) {
    let mut entries: Vec<_> = map.iter().collect();
    // serde_json's map is usually sorted by UTF-8 bytes already, which is
    // UTF-16 order unless a key holds a character beyond the BMP: then (or
    // if the map is in another order) sort.
    let byte_sorted = entries.windows(2).all(|w| w[0].0 <= w[1].0);
    if !byte_sorted
        || entries
            .iter()
            .any(|(k, _)| k.chars().any(|c| c as u32 > 0xFFFF))
    {
        entries.sort_by(|a, b| a.0.encode_utf16().cmp(b.0.encode_utf16()));
    }
    out.push('{');
    for (i, (key, item)) in entries.into_iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        write_string(key, out);
        out.push(':');
        write_value(item, out);
    }
    out.push('}');
}

fn write_string(s: &str, out: &mut String) {
    out.push('"');
    // Most strings need no escape: one quick scan, one copy.
    if !s.bytes().any(|b| b < 0x20 || b == b'"' || b == b'\\') {
        out.push_str(s);
        out.push('"');
        return;
    }
    // Runs without anything to escape are copied whole; every escape is
    // ASCII, so scanning bytes never splits a character.
    let mut run = 0;
    for (i, b) in s.bytes().enumerate() {
        let escaped = match b {
            b'"' => "\\\"",
            b'\\' => "\\\\",
            0x08 => "\\b",
            b'\t' => "\\t",
            b'\n' => "\\n",
            0x0c => "\\f",
            b'\r' => "\\r",
            0..=0x1f => "",
            _ => continue,
        };
        out.push_str(&s[run..i]);
        if escaped.is_empty() {
            out.push_str(&format!("\\u{b:04x}"));
        } else {
            out.push_str(escaped);
        }
        run = i + 1;
    }
    out.push_str(&s[run..]);
    out.push('"');
}

fn write_number(n: &serde_json::Number, out: &mut String) {
    if let Some(i) = n.as_i64() {
        out.push_str(&i.to_string());
    } else if let Some(u) = n.as_u64() {
        out.push_str(&u.to_string());
    } else if let Some(f) = n.as_f64() {
        out.push_str(&es_number(f));
    }
}

/// ECMAScript's Number::toString for a finite double (ECMA-262,
/// 6.1.6.1.20). Rust's `{:e}` gives the same shortest round-trip digits;
/// only the layout differs.
fn es_number(f: f64) -> String {
    if f == 0.0 {
        return "0".to_owned();
    }
    if f < 0.0 {
        return format!("-{}", es_number(-f));
    }
    let sci = format!("{f:e}");
    let (mantissa, exp) = sci.split_once('e').unwrap_or((&sci, "0"));
    let digits: String = mantissa.chars().filter(char::is_ascii_digit).collect();
    let k = digits.len() as i64;
    // The decimal point sits after `n` digits: value = 0.digits × 10^n.
    let n = exp.parse::<i64>().unwrap_or(0) + 1;
    es_layout(&digits, k, n)
}

fn es_layout(digits: &str, k: i64, n: i64) -> String {
    let zeros = |count: i64| "0".repeat(usize::try_from(count).unwrap_or(0));
    if k <= n && n <= 21 {
        format!("{digits}{}", zeros(n - k))
    } else if 0 < n && n <= 21 {
        let (int, frac) = digits.split_at(n as usize);
        format!("{int}.{frac}")
    } else if -6 < n && n <= 0 {
        format!("0.{}{digits}", zeros(-n))
    } else {
        let e = n - 1;
        let sign = if e < 0 { '-' } else { '+' };
        let (first, rest) = digits.split_at(1);
        let point = if rest.is_empty() { "" } else { "." };
        format!("{first}{point}{rest}e{sign}{}", e.abs())
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

    #[test]
    #[allow(clippy::excessive_precision)] // the RFC's own literal
    fn jcs_rfc8785_example() {
        // RFC 8785, section 3.2.2.
        // The numbers are Rust literals: serde_json's default float parser
        // may be one ulp off for 333333333.33333329 (it lacks the
        // `float_roundtrip` feature), which would test the parser, not JCS.
        let input = r#"{
            "string": "\u20ac$\u000F\u000aA'\u0042\u0022\u005c\\\"\/",
            "literals": [null, true, false]
        }"#;
        let mut value: Value = serde_json::from_str(input).expect("json");
        value["numbers"] = json!([
            333333333.33333329,
            1E30,
            4.50,
            2e-3,
            0.000000000000000000000000001
        ]);
        assert_eq!(
            to_string(&value),
            r#"{"literals":[null,true,false],"numbers":[333333333.3333333,1e+30,4.5,0.002,1e-27],"string":"€$\u000f\nA'B\"\\\\\"/"}"#
        );
    }

    #[test]
    fn jcs_sorts_keys_by_utf16_code_units() {
        // RFC 8785, section 3.2.3: the emoji (a surrogate pair) sorts
        // before U+FB33, unlike in code point order.
        let input = r#"{"\u20ac":"Euro Sign","\r":"Carriage Return","\ufb33":"Hebrew Letter Dalet With Dagesh","1":"One","\ud83d\ude00":"Emoji: Grinning Face","\u0080":"Control","\u00f6":"Latin Small Letter O With Diaeresis"}"#;
        let value: Value = serde_json::from_str(input).expect("json");
        let keys: Vec<String> = to_string(&value)
            .split("\":\"")
            .map(|part| part.rsplit('"').next().unwrap_or_default().to_owned())
            .collect();
        assert_eq!(
            &keys[..7],
            &["\\r", "1", "\u{80}", "ö", "€", "😀", "\u{fb33}"]
        );
    }

    #[test]
    fn jcs_nested_value_with_escapes() {
        let value = json!({
            "z": [1, -2, 0.5, {"b\u{1}": "tab\there", "a": null}],
            "é": "quote \" backslash \\ bell \u{7} del \u{7f} \u{2028}",
            "A": {"y": [], "x": {}},
        });
        assert_eq!(
            to_string(&value),
            "{\"A\":{\"x\":{},\"y\":[]},\"z\":[1,-2,0.5,{\"a\":null,\"b\\u0001\":\"tab\\there\"}],\
             \"é\":\"quote \\\" backslash \\\\ bell \\u0007 del \u{7f} \u{2028}\"}"
        );
    }

    #[test]
    fn jcs_numbers_follow_ecmascript() {
        let cases = [
            (0.0, "0"),
            (-0.0, "0"),
            (1.0, "1"),
            (-1.5, "-1.5"),
            (1e20, "100000000000000000000"),
            (1e21, "1e+21"),
            (123456789012345680000.0, "123456789012345680000"),
            (0.000001, "0.000001"),
            (0.0000001, "1e-7"),
            (1.5e-7, "1.5e-7"),
            (5e-324, "5e-324"),
            (1.7976931348623157e308, "1.7976931348623157e+308"),
            (0.1 + 0.2, "0.30000000000000004"),
            (295147905179352830000.0, "295147905179352830000"),
            (9007199254740994.0, "9007199254740994"),
        ];
        for (f, expected) in cases {
            assert_eq!(es_number(f), expected, "{f:e}");
        }
    }
}

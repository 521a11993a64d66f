//! The dossier tree (tree-format.md): one layout for fixtures, dumps and the
//! archive payload. `read` validates a tree and hands what it holds to a
//! `read::Sink` ([`load`] and the import are sinks); [`mod@write`] dumps an
//! account from the store.

pub(crate) mod layout;
pub(crate) mod lines;
pub mod load;
pub(crate) mod read;
pub(crate) mod source;
pub mod write;

/// Serialises a value as pretty JSON with sorted keys and a final newline:
/// the form of every `.json` file the tool writes.
pub(crate) fn pretty_json<T: serde::Serialize>(value: &T) -> Result<String, serde_json::Error> {
    // `to_value` builds sorted maps (serde_json without preserve_order).
    let value = serde_json::to_value(value)?;
    let mut s = serde_json::to_string_pretty(&value)?;
    s.push('\n');
    Ok(s)
}

#[cfg(test)]
mod tests {
    #[test]
    fn pretty_json_sorts_keys() {
        #[derive(serde::Serialize)]
        struct S {
            b: u8,
            a: u8,
        }
        assert_eq!(
            super::pretty_json(&S { b: 1, a: 2 }).unwrap(),
            "{\n  \"a\": 2,\n  \"b\": 1\n}\n"
        );
    }
}

//! Every problem code of the one `Code` enum is documented in `docs/` and
//! asserted by at least one test, so a code cannot be added, renamed or
//! left untested unnoticed.

use dossier_transfer::problem::Code;
use std::path::Path;

/// The text of every file under `dir` with one of `exts`, with its path.
fn texts(dir: &Path, exts: &[&str]) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for entry in walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(Result::ok)
    {
        let path = entry.path();
        let wanted = path
            .extension()
            .and_then(|e| e.to_str())
            .is_some_and(|e| exts.contains(&e));
        if wanted && entry.file_type().is_file() {
            let text = std::fs::read_to_string(path).unwrap();
            out.push((path.display().to_string(), text));
        }
    }
    out
}

/// The test code of a source file: whatever follows its `#[cfg(test)]`.
fn test_part(text: &str) -> &str {
    text.find("#[cfg(test)]").map_or("", |i| &text[i..])
}

#[test]
fn every_code_is_documented_and_asserted_by_a_test() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let docs = texts(&root.join("docs"), &["md"]);
    let tests = texts(&root.join("tests"), &["rs"]);
    let sources = texts(&root.join("src"), &["rs"]);
    let mut missing = Vec::new();
    for &code in Code::ALL {
        let wire = code.as_str();
        let variant = format!("Code::{code:?}");
        if !docs.iter().any(|(_, t)| t.contains(&format!("`{wire}`"))) {
            missing.push(format!("`{wire}` is in no page of docs/"));
        }
        let in_tests = tests
            .iter()
            .filter(|(p, _)| !p.ends_with("codes.rs"))
            .any(|(_, t)| t.contains(&format!("\"{wire}\"")) || t.contains(&variant));
        let in_unit_tests = sources.iter().any(|(_, t)| test_part(t).contains(&variant));
        if !in_tests && !in_unit_tests {
            missing.push(format!("`{wire}` is asserted by no test"));
        }
    }
    assert!(missing.is_empty(), "{}", missing.join("\n"));
}

#[test]
fn codes_are_unique_kebab_case_with_a_hint() {
    let mut seen = std::collections::HashSet::new();
    for &code in Code::ALL {
        let wire = code.as_str();
        assert!(seen.insert(wire), "{wire} twice");
        assert!(
            wire.split('-')
                .all(|w| !w.is_empty() && w.chars().all(|c| c.is_ascii_lowercase())),
            "{wire}"
        );
        assert_eq!(Code::from_wire(wire), Some(code));
        assert!(!code.hint().is_empty(), "{wire} has no hint");
        assert!([1, 2, 3, 4].contains(&code.exit_code()), "{wire}");
    }
}

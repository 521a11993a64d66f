//! The command line as a whole: usage errors and the JSON contract.

mod common;

use common::*;

#[test]
fn a_usage_error_is_code_usage_with_exit_2_in_json() {
    let tmp = tempfile::tempdir().unwrap();
    let (exit, doc) = run_json(
        tmp.path(),
        &[
            "export",
            "--plan",
            "p.toml",
            "--store",
            "s.db",
            "--signing-key",
            "k",
            "--out",
            "x",
        ],
    );
    assert_eq!(exit, 2, "{doc:#}");
    assert_eq!(codes(&doc), ["usage"]);
    assert_eq!(doc["ok"], false);
}

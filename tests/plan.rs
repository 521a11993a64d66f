//! `plan new` on the real binary.

mod common;

use common::*;

#[test]
fn plan_new_writes_a_template_and_never_overwrites() {
    let tmp = tempfile::tempdir().unwrap();
    let (code, _, err) = run(tmp.path(), &["plan", "new", "--out", "plan.toml"]);
    assert_eq!(code, 0, "{err}");
    let text = std::fs::read_to_string(tmp.path().join("plan.toml")).unwrap();
    assert_eq!(text, dossier_transfer::plan::template());
    assert!(text.contains("cut_off") && text.contains("test_level"));
    std::fs::write(tmp.path().join("plan.toml"), "mine").unwrap();
    let (code, _, err) = run(tmp.path(), &["plan", "new", "--out", "plan.toml"]);
    assert_eq!(code, 1);
    assert!(err.contains("--force"), "{err}");
    assert_eq!(
        std::fs::read_to_string(tmp.path().join("plan.toml")).unwrap(),
        "mine"
    );
    assert_eq!(
        run(
            tmp.path(),
            &["plan", "new", "--out", "plan.toml", "--force"]
        )
        .0,
        0
    );
}

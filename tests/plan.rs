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

/// `check` on a plan edited by `edit`: its exit code and problem codes.
fn check_edited(edit: impl Fn(String) -> String) -> (i32, Vec<String>) {
    let h = common::handover::Handover::new();
    let plan = h.plan("plan.toml", &common::handover::PlanSpec::passing());
    let text = std::fs::read_to_string(h.path(&plan)).unwrap();
    std::fs::write(h.path(&plan), edit(text)).unwrap();
    let (exit, doc) = h.json(&[
        "check",
        "--plan",
        &plan,
        "--source-store",
        "source.db",
        "--target-store",
        "target.db",
    ]);
    let mut got = codes(&doc);
    got.retain(|c| c != "teammate-unmapped" && c != "client-exists-on-target");
    (exit, got)
}

/// A problem code and the edit of the fixture plan that must raise it.
type Case = (&'static str, fn(String) -> String);

#[test]
fn plan_rules_reach_the_operator_with_their_codes() {
    let cases: [Case; 5] = [
        ("plan-unknown-key", |t| {
            t.replace("[data]\n", "[data]\ncolour = true\n")
        }),
        ("consent-missing", |t| {
            let start = t.find("[consent.target_owner]").unwrap();
            let end = t.find("[handover]").unwrap();
            format!("{}{}", &t[..start], &t[end..])
        }),
        ("consent-incomplete", |t| {
            t.replace("reference = \"e-mail of 2026-11-21\"\n", "")
        }),
        ("no-data-types", |t| {
            let start = t.find("[data]\n").unwrap() + "[data]\n".len();
            let end = t.find("[consent.source_owner]").unwrap();
            format!("{}\n{}", &t[..start], &t[end..])
        }),
        ("since-after-cut-off", |t| {
            t.replace("since = \"2025-01-01\"", "since = \"2026-12-24\"")
        }),
    ];
    for (code, edit) in cases {
        let (exit, got) = check_edited(edit);
        assert_eq!(exit, 3, "{code}: {got:?}");
        assert_eq!(got, [code], "{code}");
    }
}

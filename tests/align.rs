//! `align` on the real binary: gaps filled in the source's order, conflicts
//! left for a person, `--dry-run`, the operator and the audit line.

mod common;

use common::handover::{Handover, OPERATOR, PlanSpec, Sel};
use common::*;
use serde_json::Value;

const STORES: [&str; 4] = ["--source-store", "source.db", "--target-store", "target.db"];

fn args<'a>(command: &'a str, plan: &'a str, extra: &[&'a str]) -> Vec<&'a str> {
    let mut a = vec![command, "--plan", plan];
    a.extend(STORES);
    a.extend(extra);
    a
}

/// `--json` without an operator in the environment.
fn json(h: &Handover, args: &[&str]) -> (i32, Value) {
    run_json(h.dir(), args)
}

fn store_bytes(h: &Handover) -> Vec<u8> {
    std::fs::read(h.path("target.db")).expect("target store")
}

fn config_codes(doc: &Value) -> Vec<String> {
    codes(doc)
        .into_iter()
        .filter(|c| c.starts_with("config-"))
        .collect()
}

fn live_group(doc: &Value) -> &Value {
    &doc["summary"]["targets"][0]["groups"][0]
}

/// The wonen-oost config as `account dump` writes it.
fn dumped_config(h: &Handover, account: &str) -> Value {
    let out = format!("dump-{account}");
    let a = [
        "account",
        "dump",
        "--account",
        account,
        "--out",
        &out,
        "--store",
        "target.db",
    ];
    assert_eq!(run(h.dir(), &a).0, 0);
    let text =
        std::fs::read_to_string(h.path(&out).join("groups/wonen-oost/group.json")).expect("group");
    serde_json::from_str::<Value>(&text).expect("json")["config"].clone()
}

#[test]
fn align_fills_the_gaps_and_check_then_sees_a_superset() {
    let h = fixture_handover();
    let plan = h.plan("plan.toml", &PlanSpec::passing());
    let (code, before) = json(&h, &args("check", &plan, &[]));
    assert_eq!(code, 3);
    assert_eq!(live_group(&before)["state"], "differs");
    assert_eq!(
        config_codes(&before),
        [
            "config-field-missing",
            "config-option-missing",
            "config-label-missing",
            "config-label-differs",
        ]
        .repeat(2)
    );
    let (code, doc) = json(&h, &args("align", &plan, &["--operator", OPERATOR]));
    assert_eq!(code, 0, "{doc}");
    assert_eq!(doc["summary"]["written"], true);
    let groups = doc["summary"]["alignment"]["groups"]
        .as_array()
        .expect("groups");
    assert_eq!(groups.len(), 2, "live and test account");
    for g in groups {
        assert_eq!(g["state_before"], "differs");
        assert_eq!(g["state_after"], "superset");
        assert_eq!(g["changes"].as_array().map(Vec::len), Some(3));
    }
    let (code, after) = json(&h, &args("check", &plan, &[]));
    assert_eq!(code, 0, "{:?}", codes(&after));
    assert_eq!(live_group(&after)["state"], "superset");
    assert_eq!(config_codes(&after), ["config-label-differs"].repeat(2));
    // Appended at the end, in the source's order; the target's own label stays.
    let config = dumped_config(&h, "zorggroep-oost");
    let doelen = &config["pages"][0]["tabs"][0];
    let keys: Vec<&str> = doelen["fields"]
        .as_array()
        .expect("fields")
        .iter()
        .filter_map(|f| f["key"].as_str())
        .collect();
    assert_eq!(
        keys,
        [
            "hoofddoel",
            "mobiliteit",
            "evaluatiedatum",
            "wensen",
            "dagstructuur"
        ]
    );
    assert_eq!(doelen["fields"][1]["options"][3], "scootmobiel");
    let labels = config["report_labels"].as_array().expect("labels");
    assert_eq!(
        labels.last().map(|l| &l["key"]),
        Some(&Value::from("medicatie"))
    );
    assert_eq!(config["agenda_types"][0]["label"], "Afspraak extern");
    assert_eq!(config, dumped_config(&h, "zorggroep-oost-test"));
    // Aligning again has nothing to add.
    let (code, again) = json(&h, &args("align", &plan, &["--operator", OPERATOR]));
    assert_eq!(code, 0);
    assert_eq!(again["summary"]["written"], false);
}

#[test]
fn one_audit_line_per_changed_group() {
    let h = fixture_handover();
    let plan = h.plan("plan.toml", &PlanSpec::passing());
    let (code, _) = json(&h, &args("align", &plan, &["--operator", OPERATOR]));
    assert_eq!(code, 0);
    for account in ["zorggroep-oost", "zorggroep-oost-test"] {
        let a = [
            "account",
            "audit",
            "--account",
            account,
            "--store",
            "target.db",
            "--verify",
        ];
        let (code, doc) = run_json(h.dir(), &a);
        assert_eq!(code, 0, "{doc}");
        let lines = doc["summary"]["lines"].as_array().expect("lines");
        assert_eq!(lines.len(), 1, "{doc}");
        assert_eq!(lines[0]["action"], "align");
        assert_eq!(lines[0]["operator"], OPERATOR);
        assert_eq!(lines[0]["migration"], "noord-naar-oost-2026-11");
        let detail = lines[0]["detail"].as_str().unwrap_or_default();
        assert!(
            detail.contains("dagstructuur") && detail.contains("medicatie"),
            "{detail}"
        );
    }
}

#[test]
fn dry_run_lists_the_changes_and_writes_nothing() {
    let h = fixture_handover();
    let plan = h.plan("plan.toml", &PlanSpec::passing());
    let before = store_bytes(&h);
    let (code, doc) = json(&h, &args("align", &plan, &["--dry-run"]));
    assert_eq!(code, 0, "no operator needed for a dry run: {doc}");
    assert_eq!(doc["summary"]["written"], false);
    let changes: Vec<&str> = doc["summary"]["alignment"]["groups"][0]["changes"]
        .as_array()
        .expect("changes")
        .iter()
        .filter_map(|c| c["code"].as_str())
        .collect();
    assert_eq!(
        changes,
        [
            "config-field-missing",
            "config-option-missing",
            "config-label-missing"
        ]
    );
    let (code, out, _) = run(h.dir(), &args("align", &plan, &["--dry-run"]));
    assert_eq!(code, 0);
    assert!(
        out.contains("add field `plan.doelen.dagstructuur`"),
        "{out}"
    );
    assert!(out.contains("dry run: nothing written"), "{out}");
    assert!(
        store_bytes(&h) == before,
        "a dry run changed the target store"
    );
}

#[test]
fn a_type_conflict_stops_align_and_nothing_is_written() {
    let h = fixture_handover();
    let spec = PlanSpec {
        source_group: "dagbesteding-noord",
        selection: Sel::All("dagbesteding-oost"),
        ..PlanSpec::default()
    };
    let plan = h.plan("plan.toml", &spec);
    let before = store_bytes(&h);
    let (code, doc) = json(&h, &args("align", &plan, &["--operator", OPERATOR]));
    assert_eq!(code, 3, "{doc}");
    let found = codes(&doc);
    assert!(
        found.contains(&"config-field-type-mismatch".to_owned()),
        "{found:?}"
    );
    assert!(
        found.contains(&"config-product-unit-differs".to_owned()),
        "{found:?}"
    );
    assert_eq!(doc["summary"]["written"], false);
    assert!(store_bytes(&h) == before, "align wrote despite a conflict");
}

#[test]
fn align_needs_an_operator() {
    let h = fixture_handover();
    let plan = h.plan("plan.toml", &PlanSpec::passing());
    let before = store_bytes(&h);
    let (code, _, err) = run(h.dir(), &args("align", &plan, &[]));
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("--operator"), "{err}");
    assert!(store_bytes(&h) == before);
}

#[test]
fn align_refuses_a_read_only_account() {
    let h = fixture_handover();
    let plan = h.plan("plan.toml", &PlanSpec::passing());
    let conn = rusqlite::Connection::open(h.path("target.db")).expect("store");
    conn.execute(
        "UPDATE accounts SET read_only_migration = 'een-andere-migratie' WHERE slug = 'zorggroep-oost-test'",
        [],
    )
    .expect("sql");
    drop(conn);
    let before = store_bytes(&h);
    let (code, doc) = json(&h, &args("align", &plan, &["--operator", OPERATOR]));
    assert_eq!(code, 4, "{doc}");
    assert_eq!(codes(&doc), ["account-read-only"]);
    assert!(
        store_bytes(&h) == before,
        "nothing of the live account either"
    );
}

#[test]
fn at_level_a_there_is_nothing_to_align() {
    let h = fixture_handover();
    let spec = PlanSpec {
        level: "test-group",
        test_account: None,
        selection: Sel::All("wonen-nieuw"),
        ..PlanSpec::default()
    };
    let plan = h.plan("plan.toml", &spec);
    let before = store_bytes(&h);
    let (code, doc) = json(&h, &args("align", &plan, &["--operator", OPERATOR]));
    assert_eq!(code, 0, "{doc}");
    assert_eq!(doc["summary"]["alignment"]["nothing_to_align"], true);
    assert!(store_bytes(&h) == before);
}

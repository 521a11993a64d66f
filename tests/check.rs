//! `check` on the real binary, against the bundled fixtures: one test per
//! problem code it can report, the estimate, and that it writes nothing.

mod common;

use common::handover::{Handover, PlanSpec, Sel};
use common::*;
use serde_json::Value;

const STORES: [&str; 4] = ["--source-store", "source.db", "--target-store", "target.db"];

/// `check --json` with `plan`; no operator is needed.
fn check(h: &Handover, plan: &str) -> (i32, Value) {
    let mut args = vec!["check", "--plan", plan];
    args.extend(STORES);
    run_json(h.dir(), &args)
}

fn align(h: &Handover, plan: &str) {
    let mut args = vec!["align", "--plan", plan];
    args.extend(STORES);
    let (code, out, err) = h.run(&args);
    assert_eq!(code, 0, "align: {out}\n{err}");
}

/// Every problem with `code`.
fn with_code<'a>(doc: &'a Value, code: &str) -> Vec<&'a Value> {
    let all = doc["problems"].as_array().expect("problems");
    all.iter().filter(|p| p["code"] == code).collect()
}

/// The first problem with `code`, asserting its severity.
fn problem<'a>(doc: &'a Value, code: &str, severity: &str) -> &'a Value {
    let found = with_code(doc, code);
    let p = found
        .first()
        .unwrap_or_else(|| panic!("no {code} among {:?}", codes(doc)));
    assert_eq!(p["severity"], severity, "{p}");
    p
}

fn message(p: &Value) -> &str {
    p["message"].as_str().unwrap_or_default()
}

fn select(ids: &[&str], to: &'static str) -> Sel {
    Sel::Select(ids.iter().map(|i| (format!("id = \"{i}\""), to)).collect())
}

/// Writes the plan of `spec`, then replaces `from` by `to` in its text.
fn plan_with(h: &Handover, spec: &PlanSpec, from: &str, to: &str) -> String {
    let file = h.plan("plan.toml", spec);
    edit(&h.path(&file), |t| {
        assert!(t.contains(from), "{from} not in the plan");
        t.replace(from, to)
    });
    file
}

/// Runs SQL on a store, for states no command sets on its own.
fn sql(h: &Handover, db: &str, statement: &str) {
    let conn = rusqlite::Connection::open(h.path(db)).expect("store opens");
    conn.execute_batch(statement).expect("sql runs");
}

fn errors(doc: &Value) -> Vec<String> {
    let all = doc["problems"].as_array().expect("problems");
    all.iter()
        .filter(|p| p["severity"] == "error")
        .map(|p| p["code"].as_str().unwrap_or_default().to_owned())
        .collect()
}

fn group_state<'a>(doc: &'a Value, account: &str, group: &str) -> &'a Value {
    let targets = doc["summary"]["targets"].as_array().expect("targets");
    let t = targets
        .iter()
        .find(|t| t["account"] == account)
        .expect("account");
    let g = t["groups"].as_array().expect("groups");
    &g.iter().find(|g| g["group"] == group).expect("group")["state"]
}

#[test]
fn a_passing_plan_after_align_exits_0_with_its_warnings() {
    let h = fixture_handover();
    let plan = h.plan("plan.toml", &PlanSpec::passing());
    align(&h, &plan);
    let (code, doc) = check(&h, &plan);
    assert_eq!(code, 0, "{:?}", errors(&doc));
    assert_eq!(doc["ok"], true);
    let mut warned = codes(&doc);
    warned.sort();
    warned.dedup();
    assert_eq!(
        warned,
        [
            "client-exists-on-target",
            "config-label-differs",
            "teammate-unmapped"
        ]
    );
    for account in ["zorggroep-oost", "zorggroep-oost-test"] {
        assert_eq!(group_state(&doc, account, "wonen-oost"), "superset");
    }
    // The test account lacks Anne de Boer: one more unmapped teammate there.
    let unmapped = |account: &str| {
        with_code(&doc, "teammate-unmapped")
            .iter()
            .filter(|p| message(p).contains(&format!("`{account}`")))
            .count()
    };
    assert_eq!(unmapped("zorggroep-oost"), 7);
    assert_eq!(unmapped("zorggroep-oost-test"), 8);
    // The human form says the same.
    let mut args = vec!["check", "--plan", plan.as_str()];
    args.extend(STORES);
    let (code, out, err) = run(h.dir(), &args);
    assert_eq!(code, 0);
    assert!(
        out.contains("group wonen-oost: configuration superset"),
        "{out}"
    );
    assert!(
        out.contains("who can read the migrated dossiers in wonen-oost"),
        "{out}"
    );
    assert!(err.contains("warning[client-exists-on-target]"), "{err}");
}

#[test]
fn consent_by_someone_else_than_the_owner() {
    let h = fixture_handover();
    let plan = plan_with(
        &h,
        &PlanSpec::passing(),
        "email = \"b.bakker@oost.example\"",
        "email = \"f.kok@oost.example\"",
    );
    let (code, doc) = check(&h, &plan);
    assert_eq!(code, 3);
    let p = problem(&doc, "consent-not-owner", "error");
    assert!(
        message(p).contains("f.kok@oost.example") && message(p).contains("b.bakker@oost.example")
    );
    // The owner's e-mail in other capitals is the owner.
    let plan = plan_with(
        &h,
        &PlanSpec::passing(),
        "email = \"a.jansen@noord.example\"",
        "email = \"A.Jansen@Noord.example\"",
    );
    assert!(with_code(&check(&h, &plan).1, "consent-not-owner").is_empty());
}

#[test]
fn target_and_test_accounts_that_do_not_exist() {
    let h = fixture_handover();
    let spec = PlanSpec {
        test_account: Some("zorggroep-oost-proef"),
        ..PlanSpec::passing()
    };
    let (code, doc) = check(&h, &h.plan("plan.toml", &spec));
    assert_eq!(code, 3);
    assert!(message(problem(&doc, "account-not-found", "error")).contains("zorggroep-oost-proef"));
    let plan = plan_with(
        &h,
        &PlanSpec::passing(),
        "account = \"zorggroep-oost\"",
        "account = \"zorggroep-west\"",
    );
    let (code, doc) = check(&h, &plan);
    assert_eq!(code, 3);
    assert!(message(problem(&doc, "account-not-found", "error")).contains("zorggroep-west"));
}

#[test]
fn source_group_not_found() {
    let h = fixture_handover();
    let spec = PlanSpec {
        source_group: "wonen-zuid",
        ..PlanSpec::default()
    };
    let (code, doc) = check(&h, &h.plan("plan.toml", &spec));
    assert_eq!(code, 3);
    problem(&doc, "group-not-found", "error");
    assert!(doc["summary"]["estimate"].is_null());
}

#[test]
fn target_group_not_found_at_level_b() {
    let h = fixture_handover();
    let spec = PlanSpec {
        selection: select(&["d-0001"], "wonen-west"),
        ..PlanSpec::default()
    };
    let (code, doc) = check(&h, &h.plan("plan.toml", &spec));
    assert_eq!(code, 3);
    assert_eq!(
        with_code(&doc, "target-group-not-found").len(),
        2,
        "live and test"
    );
    assert_eq!(
        group_state(&doc, "zorggroep-oost", "wonen-west"),
        "not-found"
    );
}

#[test]
fn target_group_exists_at_level_a() {
    let h = fixture_handover();
    let level_a = |to: &'static str| PlanSpec {
        level: "test-group",
        test_account: None,
        selection: select(&["d-0001"], to),
        ..PlanSpec::passing()
    };
    let (code, doc) = check(&h, &h.plan("plan.toml", &level_a("wonen-oost")));
    assert_eq!(code, 3);
    problem(&doc, "target-group-exists", "error");
    // A new group is created by the import: nothing to compare.
    let (code, doc) = check(&h, &h.plan("plan.toml", &level_a("wonen-nieuw")));
    assert_eq!(code, 0, "{:?}", errors(&doc));
    assert_eq!(
        group_state(&doc, "zorggroep-oost", "wonen-nieuw"),
        "to-be-created"
    );
    assert!(!codes(&doc).iter().any(|c| c.starts_with("config-")));
    assert_eq!(doc["summary"]["targets"].as_array().map(Vec::len), Some(1));
}

#[test]
fn dossier_not_found() {
    let h = fixture_handover();
    let spec = PlanSpec {
        selection: select(&["d-0001", "d-0099"], "wonen-oost"),
        ..PlanSpec::passing()
    };
    let (code, doc) = check(&h, &h.plan("plan.toml", &spec));
    assert_eq!(code, 3);
    assert!(message(problem(&doc, "dossier-not-found", "error")).contains("d-0099"));
}

#[test]
fn dossier_not_found_by_name_names_the_near_ones() {
    let h = fixture_handover();
    let by_name = |name: &str| PlanSpec {
        selection: Sel::Select(vec![(format!("name = \"{name}\""), "wonen-oost")]),
        ..PlanSpec::passing()
    };
    // A typo: the closest names, both Jan de Vries first.
    let (code, doc) = check(&h, &h.plan("typo.toml", &by_name("Jan de Vris")));
    assert_eq!(code, 3);
    let m = message(problem(&doc, "dossier-not-found", "error"));
    assert!(
        m.ends_with("; the closest names: `Jan de Vries` (d-0003), `Jan de Vries` (d-0008)"),
        "{m}"
    );
    // Only the case differs: named as such, and still not a match.
    let (code, doc) = check(&h, &h.plan("case.toml", &by_name("sevda KAYA")));
    assert_eq!(code, 3);
    let m = message(problem(&doc, "dossier-not-found", "error"));
    assert!(
        m.contains("; `Sevda Kaya` (d-0004) differs only in upper and lower case"),
        "{m}"
    );
    // Nothing close: no hint.
    let (_, doc) = check(&h, &h.plan("far.toml", &by_name("Xerxes Quist")));
    let m = message(problem(&doc, "dossier-not-found", "error"));
    assert!(m.ends_with("in source group `wonen-noord`"), "{m}");
}

#[test]
fn dossier_ambiguous_names_both_candidates() {
    let h = fixture_handover();
    let spec = PlanSpec {
        selection: Sel::Select(vec![("name = \"Jan de Vries\"".into(), "wonen-oost")]),
        ..PlanSpec::passing()
    };
    let (code, doc) = check(&h, &h.plan("plan.toml", &spec));
    assert_eq!(code, 3);
    let m = message(problem(&doc, "dossier-ambiguous", "error")).to_owned();
    assert!(m.contains("d-0003") && m.contains("d-0008"), "{m}");
    assert!(m.contains("1956-07-21") && m.contains("1989-02-03"), "{m}");
}

#[test]
fn dossier_selected_twice_by_id_and_by_name() {
    let h = fixture_handover();
    let spec = PlanSpec {
        selection: Sel::Select(vec![
            ("id = \"d-0002\"".into(), "wonen-oost"),
            ("name = \"Anna Dijkstra\"".into(), "wonen-oost"),
        ]),
        ..PlanSpec::passing()
    };
    let (code, doc) = check(&h, &h.plan("plan.toml", &spec));
    assert_eq!(code, 3);
    assert!(message(problem(&doc, "dossier-selected-twice", "error")).contains("d-0002"));
}

#[test]
fn dossier_after_cut_off() {
    let h = fixture_handover();
    let spec = PlanSpec {
        selection: select(&["d-0001", "d-0011"], "wonen-oost"),
        ..PlanSpec::passing()
    };
    let (code, doc) = check(&h, &h.plan("plan.toml", &spec));
    assert_eq!(code, 3);
    assert_eq!(
        problem(&doc, "dossier-after-cut-off", "error")["dossier"],
        "d-0011"
    );
}

/// The differences of wonen-oost and their counts (fixtures/README.md).
#[test]
fn config_gaps_of_wonen_oost_with_their_counts() {
    let h = fixture_handover();
    let (code, doc) = check(&h, &h.plan("plan.toml", &PlanSpec::default()));
    assert_eq!(code, 3);
    let expect = [
        (
            "config-field-missing",
            "error",
            "`plan.doelen.dagstructuur`",
            3,
        ),
        ("config-option-missing", "error", "`scootmobiel`", 2),
        ("config-label-missing", "error", "`medicatie`", 4),
        ("config-label-differs", "warning", "`afspraak`", 2),
    ];
    for (code, severity, element, n) in expect {
        let p = problem(&doc, code, severity);
        let m = message(p);
        assert!(m.contains(element), "{m}");
        assert!(m.contains(&format!("; {n} moving record(s) use it")), "{m}");
        assert_eq!(
            with_code(&doc, code).len(),
            2,
            "{code}: live and test account"
        );
    }
    let live = &doc["summary"]["targets"][0]["groups"][0];
    assert_eq!(live["state"], "differs");
    assert_ne!(live["source_fingerprint"], live["target_fingerprint"]);
    let counts: Vec<(String, u64)> = live["differences"]
        .as_array()
        .expect("differences")
        .iter()
        .map(|d| {
            (
                d["code"].as_str().unwrap_or("").to_owned(),
                d["records"].as_u64().unwrap_or(0),
            )
        })
        .collect();
    assert_eq!(counts.len(), 4, "{counts:?}");
}

#[test]
fn type_and_unit_conflicts_of_dagbesteding_oost() {
    let h = fixture_handover();
    let spec = PlanSpec {
        source_group: "dagbesteding-noord",
        selection: Sel::All("dagbesteding-oost"),
        ..PlanSpec::default()
    };
    let (code, doc) = check(&h, &h.plan("plan.toml", &spec));
    assert_eq!(code, 3);
    let p = problem(&doc, "config-field-type-mismatch", "error");
    assert!(message(p).contains(
        "`plan.activiteiten.dagdelen` is number on the source and text on the target; 2 moving"
    ));
    let p = problem(&doc, "config-product-unit-differs", "error");
    assert!(
        message(p).contains("`43A28`") && message(p).contains("; 2 moving"),
        "{}",
        message(p)
    );
}

/// A test account without agenda type `overleg` and product `45A48` (it
/// holds no records that would need them): the two "missing" codes the
/// fixtures do not have on their own.
#[test]
fn agenda_type_and_product_missing() {
    let h = fixture_handover();
    let tree = h.path("test-tree");
    copy_tree(&fixtures().join("test-account"), &tree);
    let group = tree.join("groups/wonen-oost/group.json");
    let text = std::fs::read_to_string(&group).expect("group");
    let mut g: Value = serde_json::from_str(&text).expect("json");
    let config = &mut g["config"];
    for (list, key, value) in [
        ("agenda_types", "key", "overleg"),
        ("products", "code", "45A48"),
    ] {
        let items = config[list].as_array_mut().expect("list");
        items.retain(|i| i[key] != value);
    }
    let text = serde_json::to_string_pretty(&g).expect("json") + "\n";
    std::fs::write(&group, text).expect("write");
    let load = [
        "account",
        "load",
        "test-tree",
        "--store",
        "target.db",
        "--replace",
    ];
    let (code, _, err) = run(h.dir(), &load);
    assert_eq!(code, 0, "{err}");
    let (code, doc) = check(&h, &h.plan("plan.toml", &PlanSpec::default()));
    assert_eq!(code, 3);
    // overleg: ag-0004 (d-0006) and ag-0011 (stored under d-0013, moves with d-0005).
    let m = message(problem(&doc, "config-agenda-type-missing", "error")).to_owned();
    assert!(m.contains("`overleg`") && m.contains("; 2 moving"), "{m}");
    assert!(m.contains("`zorggroep-oost-test`"), "{m}");
    // 45A48: time entries, assignments and declaration lines.
    let m = message(problem(&doc, "config-product-missing", "error")).to_owned();
    assert!(
        m.contains("`45A48`") && m.contains("`zorggroep-oost-test`"),
        "{m}"
    );
    assert_eq!(
        with_code(&doc, "config-product-missing").len(),
        1,
        "not on the live target"
    );
}

#[test]
fn teammates_unmapped_are_warnings_saying_what_happens() {
    let h = fixture_handover();
    let spec = PlanSpec::passing().with_data("teammates", "true");
    let (_, doc) = check(&h, &h.plan("plan.toml", &spec));
    let live: Vec<&str> = with_code(&doc, "teammate-unmapped")
        .into_iter()
        .inspect(|p| assert_eq!(p["severity"], "warning"))
        .map(message)
        .filter(|m| m.contains("`zorggroep-oost`"))
        .collect();
    let about = |email: &str| {
        live.iter()
            .find(|m| m.contains(email))
            .copied()
            .unwrap_or_default()
    };
    assert!(
        about("p.smit@noord.example").contains("inactive teammate"),
        "{live:?}"
    );
    assert!(
        about("k.visser@noord.example").contains("attribution"),
        "{live:?}"
    );
    assert!(
        about("a.deboer@gedeeld.example").is_empty(),
        "linked case-insensitively"
    );
    let mapping = &doc["summary"]["targets"][0]["teammates"];
    let deboer = mapping
        .as_array()
        .and_then(|a| a.iter().find(|m| m["email"] == "A.deBoer@gedeeld.example"))
        .expect("A.deBoer");
    assert_eq!(deboer["mapping"], "linked");
    assert_eq!(deboer["target_email"], "a.deboer@gedeeld.example");
}

#[test]
fn client_exists_on_target_names_both_dossiers() {
    let h = fixture_handover();
    let spec = PlanSpec {
        selection: select(&["d-0007"], "wonen-oost"),
        ..PlanSpec::passing()
    };
    let (_, doc) = check(&h, &h.plan("plan.toml", &spec));
    let found = with_code(&doc, "client-exists-on-target");
    assert_eq!(found.len(), 1, "only the live target has Henk Willems");
    let p = problem(&doc, "client-exists-on-target", "warning");
    assert_eq!(p["dossier"], "d-0007");
    assert!(
        message(p).contains("d-0003 (Henk Willems"),
        "{}",
        message(p)
    );
}

#[test]
fn member_limit_exceeded_and_within_it() {
    let h = fixture_handover();
    let (code, doc) = check(&h, &h.plan("plan.toml", &PlanSpec::default()));
    assert_eq!(code, 3);
    let m = message(problem(&doc, "member-limit-exceeded", "error")).to_owned();
    assert!(
        m.contains("fam.dijkstra@example.nl") && m.contains("4 dossiers"),
        "{m}"
    );
    assert!(
        m.contains("d-0001, d-0002 there") && m.contains("d-0002, d-0005"),
        "{m}"
    );
    // Only d-0002 of the two: 3 dossiers, the limit itself.
    let (_, doc) = check(&h, &h.plan("plan.toml", &PlanSpec::passing()));
    assert!(with_code(&doc, "member-limit-exceeded").is_empty());
    // Without member access nothing is re-created.
    let spec = PlanSpec::default().with_data("member_access", "false");
    let (_, doc) = check(&h, &h.plan("plan.toml", &spec));
    assert!(with_code(&doc, "member-limit-exceeded").is_empty());
}

#[test]
fn a_read_only_target_account_is_an_error_here() {
    let h = fixture_handover();
    let plan = h.plan("plan.toml", &PlanSpec::passing());
    align(&h, &plan);
    sql(
        &h,
        "target.db",
        "UPDATE accounts SET read_only_migration = 'een-andere-migratie' WHERE slug = 'zorggroep-oost-test'",
    );
    let (code, doc) = check(&h, &plan);
    assert_eq!(code, 3, "check reports, it does not refuse");
    let m = message(problem(&doc, "account-read-only", "error")).to_owned();
    assert!(
        m.contains("zorggroep-oost-test") && m.contains("een-andere-migratie"),
        "{m}"
    );
}

#[test]
fn already_imported_when_the_account_holds_the_migration() {
    let h = fixture_handover();
    let plan = h.plan("plan.toml", &PlanSpec::passing());
    align(&h, &plan);
    sql(
        &h,
        "target.db",
        "UPDATE dossiers SET origin_migration = 'noord-naar-oost-2026-11', origin_id = 'd-0001'
         WHERE did = 'd-0001' AND account_id = (SELECT id FROM accounts WHERE slug = 'zorggroep-oost')",
    );
    let (code, doc) = check(&h, &plan);
    assert_eq!(code, 3);
    assert!(message(problem(&doc, "already-imported", "error")).contains("`zorggroep-oost`"));
    assert_eq!(doc["summary"]["targets"][0]["already_imported"], true);
    assert_eq!(doc["summary"]["targets"][1]["already_imported"], false);
}

#[test]
fn a_cut_off_in_the_future_is_a_warning() {
    let h = fixture_handover();
    let spec = PlanSpec {
        cut_off: "2099-12-01T17:00:00+01:00".into(),
        ..PlanSpec::passing()
    };
    let plan = h.plan("plan.toml", &spec);
    align(&h, &plan);
    let (code, doc) = check(&h, &plan);
    problem(&doc, "cut-off-in-future", "warning");
    assert!(!errors(&doc).contains(&"cut-off-in-future".to_owned()));
    assert_eq!(code, 0, "{:?}", errors(&doc));
}

#[test]
fn an_invalid_plan_is_exit_3_with_its_problems() {
    let h = fixture_handover();
    std::fs::write(h.path("plan.toml"), "id = \"x\"\ncut_off = \"gisteren\"\n").expect("write");
    let (code, doc) = check(&h, "plan.toml");
    assert_eq!(code, 3);
    assert!(
        codes(&doc).iter().any(|c| c == "plan-invalid"),
        "{:?}",
        codes(&doc)
    );
    let (code, _, err) = run(
        h.dir(),
        &[
            "check",
            "--plan",
            "plan.toml",
            "--source-store",
            "source.db",
            "--target-store",
            "target.db",
        ],
    );
    assert_eq!(code, 3);
    assert!(err.contains("error[plan-invalid]"), "{err}");
}

/// The estimate against the counts of fixtures/README.md (every dossier of
/// wonen-noord but d-0011, every data type but teammates).
#[test]
fn the_estimate_matches_the_fixture_counts() {
    let h = fixture_handover();
    let (_, doc) = check(&h, &h.plan("plan.toml", &PlanSpec::default()));
    let e = &doc["summary"]["estimate"];
    assert_eq!(e["dossiers"].as_array().map(Vec::len), Some(10));
    let expect = [
        ("daily_reports", 27),
        ("field_values", 27),
        ("agenda_items", 7),
        ("files", 7),
        ("time_entries", 8),
        ("assignments", 4),
        ("vecozo_messages", 8),
        ("declarations", 4),
        ("member_access", 4),
        ("history", 9),
        ("other", 4),
    ];
    for (kind, n) in expect {
        assert_eq!(e["totals"][kind], n, "{kind}");
    }
    assert_eq!(e["file_bytes"], 820);
    assert_eq!(e["files"].as_object().map(|f| f.len()), Some(6));
    let left = &e["left_behind"];
    assert_eq!(left["after_cut_off"]["dossiers"], 1);
    assert_eq!(left["after_cut_off"]["daily_reports"], 5);
    assert_eq!(left["before_since"]["daily_reports"], 5);
    assert_eq!(left["references_removed"]["history_other_dossiers"], 1);
    assert_eq!(doc["summary"]["source"]["after_cut_off"][0], "d-0011");
}

#[test]
fn check_writes_nothing_to_either_store() {
    let h = fixture_handover();
    let before = |db: &str| std::fs::read(h.path(db)).expect("store");
    let (source, target) = (before("source.db"), before("target.db"));
    for spec in [PlanSpec::default(), PlanSpec::passing()] {
        let (code, _) = check(&h, &h.plan("plan.toml", &spec));
        assert_eq!(code, 3);
    }
    assert!(source == before("source.db"), "the source store changed");
    assert!(target == before("target.db"), "the target store changed");
}

#[test]
fn one_store_for_both_sides_from_the_environment() {
    let h = fixture_handover();
    for (name, db) in [
        ("source", "one.db"),
        ("target", "one.db"),
        ("test-account", "one.db"),
    ] {
        let tree = fixtures().join(name).display().to_string();
        assert_eq!(
            run(h.dir(), &["account", "load", &tree, "--store", db]).0,
            0
        );
    }
    let plan = h.plan("plan.toml", &PlanSpec::passing());
    let out = bin()
        .current_dir(h.dir())
        .env("DOSSIER_TRANSFER_STORE", "one.db")
        .args(["check", "--plan", &plan, "--json"])
        .output()
        .expect("runs");
    let doc: Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(out.status.code(), Some(3), "not aligned yet");
    problem(&doc, "config-field-missing", "error");
    assert_eq!(
        doc["summary"]["estimate"]["dossiers"]
            .as_array()
            .map(Vec::len),
        Some(9)
    );
}

//! `export` on the fixtures: selection, data types, bounds, reference rules,
//! left_behind, rehearsal vs real, refusals, and the standard tools.

mod common;

use common::handover::{Handover, OPERATOR, PlanSpec, Sel};
use common::*;
use serde_json::Value;

const D: &str = "groups/wonen-noord/dossiers";

fn records(h: &Handover, archive: &str, dossier: &str, kind: &str) -> Vec<Value> {
    let name = format!("{D}/{dossier}/{kind}.jsonl");
    if !h.names(archive).contains(&name) {
        return Vec::new();
    }
    h.entry(archive, &name)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

/// Exports with `spec` and `key`; asserts exit 3 with exactly `code`, and
/// that no archive was left behind.
fn refused(h: &Handover, spec: &PlanSpec, key: &str, code: &str) {
    let plan = h.plan("plan.toml", spec);
    let (exit, doc) = h.try_export(&plan, "x.zip.age", key);
    assert_eq!(exit, 3, "{doc:#}");
    assert_eq!(codes(&doc), [code]);
    assert!(!h.path("x.zip.age").exists());
}

#[test]
fn all_dossiers_counts_and_left_behind() {
    let h = Handover::new();
    let plan = h.plan("plan.toml", &PlanSpec::default());
    let doc = h.export(&plan, "x.zip.age", &[]);
    let m = h.manifest("x.zip.age");
    assert_eq!(m["format"], "dossier-transfer-archive");
    assert_eq!(m["format_version"], 1);
    assert_eq!(m["operator"], OPERATOR);
    assert_eq!(m["totals"]["dossiers"], 10);
    let expected = [
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
    for (kind, n) in expected {
        assert_eq!(m["totals"]["records"][kind], n, "{kind}");
    }
    let lb = &m["left_behind"];
    assert_eq!(lb["after_cut_off"]["dossiers"], 1);
    assert_eq!(lb["after_cut_off"]["daily_reports"], 5);
    assert_eq!(lb["before_since"]["daily_reports"], 5);
    assert_eq!(lb["references_removed"]["history_other_dossiers"], 1);
    assert_eq!(lb["references_removed"]["other_clients"], 2);
    assert_eq!(lb["references_removed"]["time_entry_agenda_items"], 1);
    assert!(lb.get("kinds_not_chosen").is_none());
    // Every chosen kind is counted for every dossier, zeros included.
    for d in m["dossiers"].as_array().unwrap() {
        assert_eq!(d["counts"].as_object().unwrap().len(), 11, "{}", d["id"]);
        assert_eq!(d["digests"].as_object().unwrap().len(), 11);
    }
    let ids: Vec<&str> = m["dossiers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["id"].as_str().unwrap())
        .collect();
    assert!(
        !ids.contains(&"d-0011"),
        "d-0011 was created after the cut-off"
    );
    assert_eq!(
        doc["summary"]["sha256"].as_str().unwrap(),
        file_sha(&h.path("x.zip.age"))
    );
    // Entries and oxum agree.
    let entries = m["entries"].as_array().unwrap();
    let total: u64 = entries.iter().map(|e| e["size"].as_u64().unwrap()).sum();
    assert_eq!(m["payload_oxum"], format!("{total}.{}", entries.len()));
    let names = h.names("x.zip.age");
    assert_eq!(names.len(), entries.len() + 2);
}

#[test]
fn select_by_id_and_by_name() {
    let h = Handover::new();
    let spec = PlanSpec {
        selection: Sel::Select(vec![
            ("id = \"D-0002\"".into(), "wonen-oost"),
            ("name = \"Jan de Vries\"".into(), "wonen-oost"),
        ]),
        ..PlanSpec::default()
    };
    let plan = h.plan("plan.toml", &spec);
    let (code, doc) = h.try_export(&plan, "x.zip.age", "keys/signing.key");
    assert_eq!(code, 3, "two dossiers are called Jan de Vries");
    assert_eq!(codes(&doc), ["dossier-ambiguous"]);
    let message = doc["problems"][0]["message"].as_str().unwrap();
    assert!(
        message.contains("d-0003") && message.contains("d-0008"),
        "{message}"
    );
    assert!(!h.path("x.zip.age").exists());

    let name = {
        let text = std::fs::read_to_string(
            fixtures()
                .join("source")
                .join(D)
                .join("d-0004/dossier.json"),
        )
        .unwrap();
        serde_json::from_str::<Value>(&text).unwrap()["name"]
            .as_str()
            .unwrap()
            .to_owned()
    };
    let spec = PlanSpec {
        selection: Sel::Select(vec![
            ("id = \"D-0002\"".into(), "wonen-oost"),
            (format!("name = \"{name}\""), "dagbesteding-oost"),
        ]),
        ..PlanSpec::default()
    };
    let plan = h.plan("plan2.toml", &spec);
    h.export(&plan, "y.zip.age", &[]);
    let m = h.manifest("y.zip.age");
    let got: Vec<(String, String)> = m["dossiers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["id"].as_str().unwrap().to_owned(),
                d["to_group"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    assert_eq!(
        got,
        [
            ("d-0002".into(), "wonen-oost".into()),
            ("d-0004".into(), "dagbesteding-oost".into())
        ]
    );
}

#[test]
fn a_selected_dossier_created_after_the_cut_off_is_refused() {
    let h = Handover::new();
    let spec = PlanSpec {
        selection: Sel::Select(vec![("id = \"d-0011\"".into(), "wonen-oost")]),
        ..PlanSpec::default()
    };
    refused(&h, &spec, "keys/signing.key", "dossier-after-cut-off");
}

#[test]
fn each_data_type_off_leaves_its_kinds_behind() {
    let h = Handover::new();
    let kinds_of = |dt: &str| -> Vec<&'static str> {
        dossier_transfer::model::kinds::DataType::from_key(dt)
            .unwrap()
            .kinds()
            .map(|k| k.name)
            .collect()
    };
    for dt in [
        "daily_reports",
        "plan_items",
        "agenda",
        "files",
        "time_registration",
        "vecozo",
        "member_access",
        "history",
        "other",
    ] {
        let plan = h.plan(
            &format!("{dt}.toml"),
            &PlanSpec::default().with_data(dt, "false"),
        );
        let out = format!("{dt}.zip.age");
        h.export(&plan, &out, &["--rehearsal"]);
        let m = h.manifest(&out);
        let names = h.names(&out);
        for kind in kinds_of(dt) {
            assert!(
                !names.iter().any(|n| n.ends_with(&format!("/{kind}.jsonl"))),
                "{dt}: {kind} entry present"
            );
            assert!(
                m["totals"]["records"].get(kind).is_none(),
                "{dt}: {kind} counted"
            );
            assert!(
                m["left_behind"]["kinds_not_chosen"][kind].as_u64().unwrap() > 0,
                "{dt}: {kind} not counted as left behind"
            );
        }
        if dt == "files" {
            assert!(!names.iter().any(|n| n.starts_with("files/")));
            assert!(
                m["left_behind"]["references_removed"]["report_attachments"]
                    .as_u64()
                    .unwrap()
                    > 0
            );
        }
        if dt == "agenda" {
            // te-0001, -0002, -0003, -0005, -0006 and -0009 point at agenda items.
            assert_eq!(
                m["left_behind"]["references_removed"]["time_entry_agenda_items"],
                6
            );
            assert_eq!(count_without_agenda_item(&h, &out), 8);
        }
    }
}

/// Time entries in the archive that have no `agenda_item`.
fn count_without_agenda_item(h: &Handover, archive: &str) -> u64 {
    let mut n = 0;
    for name in h
        .names(archive)
        .iter()
        .filter(|n| n.ends_with("/time_entries.jsonl"))
    {
        for line in h.entry(archive, name).lines() {
            let v: Value = serde_json::from_str(line).unwrap();
            n += u64::from(v.get("agenda_item").is_none());
        }
    }
    n
}

#[test]
fn cut_off_and_since_bounds_are_inclusive_and_compare_instants() {
    let h = Handover::new();
    let plan = h.plan("plan.toml", &PlanSpec::default());
    h.export(&plan, "x.zip.age", &[]);
    let mut reports = Vec::new();
    let mut values = Vec::new();
    let mut entries = Vec::new();
    for n in 1..=10 {
        let d = format!("d-{n:04}");
        reports.extend(
            records(&h, "x.zip.age", &d, "daily_reports")
                .into_iter()
                .map(|r| r["id"].as_str().unwrap().to_owned()),
        );
        values.extend(
            records(&h, "x.zip.age", &d, "field_values")
                .into_iter()
                .map(|r| r["id"].as_str().unwrap().to_owned()),
        );
        entries.extend(
            records(&h, "x.zip.age", &d, "time_entries")
                .into_iter()
                .map(|r| r["id"].as_str().unwrap().to_owned()),
        );
    }
    // Exactly at the cut-off: included, in either offset.
    assert!(reports.contains(&"dr-0013".to_owned()));
    assert!(entries.contains(&"te-0008".to_owned()));
    // After it: left behind, also when only the instant says so.
    assert!(!reports.contains(&"dr-0005".to_owned()));
    assert!(
        !reports.contains(&"dr-0037".to_owned()),
        "16:30Z is 17:30+01:00"
    );
    assert!(
        values.contains(&"fv-0017".to_owned()),
        "17:30+02:00 is 16:30+01:00"
    );
    // `since`: on the date included, the day before left behind.
    assert!(reports.contains(&"dr-0025".to_owned()));
    assert!(!reports.contains(&"dr-0018".to_owned()));
}

#[test]
fn reference_rules() {
    let h = Handover::new();
    let plan = h.plan("plan.toml", &PlanSpec::default());
    h.export(&plan, "x.zip.age", &[]);
    let find = |kind: &str, id: &str| -> (String, Value) {
        for n in 1..=10 {
            let d = format!("d-{n:04}");
            if let Some(r) = records(&h, "x.zip.age", &d, kind)
                .into_iter()
                .find(|r| r["id"] == id)
            {
                return (d, r);
            }
        }
        panic!("{kind} {id} is not in the archive");
    };
    // An item shared with a client who stays: moves, without that client.
    let (d, ag3) = find("agenda_items", "ag-0003");
    assert_eq!(d, "d-0004");
    assert_eq!(ag3["other_clients"], serde_json::json!([]));
    // An item stored under a client who stays but concerning one who moves:
    // stored under the moving one.
    let (d, ag11) = find("agenda_items", "ag-0011");
    assert_eq!(d, "d-0005");
    assert_eq!(ag11["other_clients"], serde_json::json!([]));
    // An item shared by two moving clients: under the first by id, linked to the other.
    let (d, ag4) = find("agenda_items", "ag-0004");
    assert_eq!(d, "d-0002");
    assert_eq!(ag4["other_clients"], serde_json::json!(["d-0006"]));
    // A time entry keeps its agenda item only when the item moves.
    assert_eq!(find("time_entries", "te-0003").1["agenda_item"], "ag-0004");
    assert!(
        find("time_entries", "te-0006")
            .1
            .get("agenda_item")
            .is_none()
    );
    // History about another client is left out; about a deleted record, kept.
    assert!(std::panic::catch_unwind(|| find("history", "hi-0003")).is_err());
    assert_eq!(find("history", "hi-0006").1["subject"], "files:f-0004");
    // Teammates: only those referred to, with only the source group.
    let teammates: Vec<Value> =
        serde_json::from_str(&h.entry("x.zip.age", "teammates.json")).unwrap();
    for t in &teammates {
        assert!(
            t["groups"]
                .as_array()
                .unwrap()
                .iter()
                .all(|g| g == "wonen-noord"),
            "{t}"
        );
    }
    let emails: Vec<&str> = teammates
        .iter()
        .map(|t| t["email"].as_str().unwrap())
        .collect();
    assert!(
        !emails.contains(&"k.visser@noord.example"),
        "not a source teammate"
    );
}

#[test]
fn report_attachments_are_dropped_without_files() {
    let h = Handover::new();
    let plan = h.plan(
        "plan.toml",
        &PlanSpec::default().with_data("files", "false"),
    );
    h.export(&plan, "x.zip.age", &[]);
    for n in 1..=10 {
        for r in records(&h, "x.zip.age", &format!("d-{n:04}"), "daily_reports") {
            assert_eq!(r["file_ids"], serde_json::json!([]), "{}", r["id"]);
        }
    }
}

#[test]
fn a_real_export_locks_the_source_group_and_audits_each_dossier() {
    let h = Handover::new();
    let plan = h.plan("plan.toml", &PlanSpec::default());
    let (_, before) = h.json(&[
        "account",
        "dump",
        "--account",
        "zorggroep-noord",
        "--store",
        "source.db",
        "--out",
        "before",
    ]);
    assert_eq!(before["ok"], true);
    h.export(&plan, "x.zip.age", &[]);
    let (_, list) = h.json(&["account", "list", "--store", "source.db"]);
    let groups = &list["summary"]["accounts"][0]["groups"];
    let lock = |key: &str| {
        groups
            .as_array()
            .unwrap()
            .iter()
            .find(|g| g["key"] == key)
            .unwrap()["read_only"]
            .clone()
    };
    assert_eq!(lock("wonen-noord"), "noord-naar-oost-2026-11");
    assert_eq!(lock("dagbesteding-noord"), Value::Null);
    // The store is unchanged but for the lock and the audit lines.
    h.json(&[
        "account",
        "dump",
        "--account",
        "zorggroep-noord",
        "--store",
        "source.db",
        "--out",
        "after",
    ]);
    assert_same_tree(&h.path("before"), &h.path("after"));
    let (code, audit) = h.json(&[
        "account",
        "audit",
        "--account",
        "zorggroep-noord",
        "--store",
        "source.db",
        "--verify",
    ]);
    assert_eq!(code, 0);
    let lines = audit["summary"]["lines"].as_array().unwrap();
    assert_eq!(lines.len(), 10);
    assert!(lines.iter().all(|l| l["action"] == "export"
        && l["operator"] == OPERATOR
        && l["migration"] == "noord-naar-oost-2026-11"));
    // Exporting again under the same migration id is allowed.
    h.export(&plan, "again.zip.age", &[]);
}

#[test]
fn a_rehearsal_locks_nothing_and_says_so() {
    let h = Handover::new();
    let spec = PlanSpec {
        cut_off: "2099-01-01T00:00:00+01:00".into(),
        ..PlanSpec::default()
    };
    let plan = h.plan("plan.toml", &spec);
    h.export(&plan, "r.zip.age", &["--rehearsal"]);
    let m = h.manifest("r.zip.age");
    assert_eq!(m["rehearsal"], true);
    assert_eq!(m["cut_off"], "2099-01-01T00:00:00+01:00");
    assert!(
        m["effective_cut_off"].as_str().unwrap() < "2099",
        "the export's time, not the cut-off"
    );
    let (_, list) = h.json(&["account", "list", "--store", "source.db"]);
    assert!(
        list["summary"]["accounts"][0]["groups"]
            .as_array()
            .unwrap()
            .iter()
            .all(|g| g["read_only"].is_null())
    );
}

#[test]
fn a_real_export_before_the_cut_off_is_refused() {
    let h = Handover::new();
    let spec = PlanSpec {
        cut_off: "2099-01-01T00:00:00+01:00".into(),
        ..PlanSpec::default()
    };
    refused(&h, &spec, "keys/signing.key", "cut-off-in-future");
}

#[test]
fn another_signing_key_is_refused() {
    let h = Handover::new();
    assert_eq!(h.run(&["keygen", "--out", "other"]).0, 0);
    refused(
        &h,
        &PlanSpec::default(),
        "other/signing.key",
        "signer-mismatch",
    );
}

#[test]
fn operator_is_required() {
    let h = Handover::new();
    let plan = h.plan("plan.toml", &PlanSpec::default());
    let (code, _, err) = run(
        h.dir(),
        &[
            "export",
            "--plan",
            &plan,
            "--store",
            "source.db",
            "--signing-key",
            "keys/signing.key",
            "--out",
            "x.zip.age",
        ],
    );
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("--operator"));
}

#[test]
fn an_unwritable_folder_leaves_nothing_behind() {
    use std::os::unix::fs::PermissionsExt;
    let h = Handover::new();
    let plan = h.plan("plan.toml", &PlanSpec::default());
    std::fs::create_dir(h.path("ro")).unwrap();
    std::fs::set_permissions(h.path("ro"), std::fs::Permissions::from_mode(0o555)).unwrap();
    let probe = h.path("ro/probe");
    if std::fs::write(&probe, b"x").is_ok() {
        // Running as root: permissions do not bind; use a path under a file instead.
        std::fs::remove_file(&probe).unwrap();
    }
    std::fs::write(h.path("not-a-folder"), b"x").unwrap();
    let (code, doc) = h.try_export(&plan, "not-a-folder/x.zip.age", "keys/signing.key");
    assert_eq!(code, 1, "{doc:#}");
    assert_eq!(codes(&doc), ["io-error"]);
    // Nothing locked, nothing audited, no stray file.
    let (_, list) = h.json(&["account", "list", "--store", "source.db"]);
    assert!(
        list["summary"]["accounts"][0]["groups"]
            .as_array()
            .unwrap()
            .iter()
            .all(|g| g["read_only"].is_null())
    );
    let leftovers: Vec<_> = std::fs::read_dir(h.dir())
        .unwrap()
        .filter_map(Result::ok)
        .map(|e| e.file_name())
        .collect();
    assert!(
        leftovers
            .iter()
            .all(|n| !n.to_string_lossy().contains("partial")),
        "{leftovers:?}"
    );
}

#[test]
fn an_existing_archive_is_not_overwritten() {
    let h = Handover::new();
    let plan = h.plan("plan.toml", &PlanSpec::default());
    std::fs::write(h.path("x.zip.age"), b"keep me").unwrap();
    let (code, _) = h.try_export(&plan, "x.zip.age", "keys/signing.key");
    assert_eq!(code, 1);
    assert_eq!(std::fs::read(h.path("x.zip.age")).unwrap(), b"keep me");
    // `--force` names what it replaced: the sha256 of "keep me".
    let doc = h.export(&plan, "x.zip.age", &["--force"]);
    assert_eq!(
        doc["summary"]["replaced_sha256"],
        "8dfef3faa531cad70736cb40ad8932ffb50887f5a8fffd209193b545c4e354ae"
    );
    // A fresh name replaces nothing.
    let doc = h.export(&plan, "y.zip.age", &[]);
    assert_eq!(doc["summary"]["replaced_sha256"], serde_json::Value::Null);
}

#[test]
#[cfg_attr(
    any(
        missing_tool = "age",
        missing_tool = "minisign",
        missing_tool = "sha256sum",
        missing_tool = "unzip"
    ),
    ignore = "needs `age`, `minisign`, `sha256sum`, `unzip`"
)]
fn the_archive_opens_with_the_standard_tools() {
    if !(tool("age") && tool("unzip") && tool("minisign") && tool("sha256sum")) {
        return;
    }
    let h = Handover::new();
    let plan = h.plan("plan.toml", &PlanSpec::default());
    h.export(&plan, "x.zip.age", &[]);
    let dir = h.dir();
    let (code, _, err) = run_tool(
        dir,
        "age",
        &["-d", "-i", "keys/identity.txt", "-o", "x.zip", "x.zip.age"],
        b"",
    );
    assert_eq!(code, 0, "age: {err}");
    let (code, listing, err) = run_tool(dir, "unzip", &["-l", "x.zip"], b"");
    assert_eq!(code, 0, "unzip: {err}");
    let listing = String::from_utf8_lossy(&listing);
    assert!(
        listing.contains("manifest.json")
            && listing.contains("groups/wonen-noord/dossiers/d-0001/daily_reports.jsonl")
    );
    let (code, _, err) = run_tool(dir, "unzip", &["-q", "x.zip", "-d", "x"], b"");
    assert_eq!(code, 0, "unzip: {err}");
    let (code, out, err) = run_tool(
        &dir.join("x"),
        "minisign",
        &["-V", "-p", "../keys/signing.pub", "-m", "manifest.json"],
        b"",
    );
    assert_eq!(code, 0, "minisign: {err}");
    assert!(String::from_utf8_lossy(&out).contains("migration_id=noord-naar-oost-2026-11"));
    let m = h.manifest("x.zip.age");
    let sums: String = m["entries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            format!(
                "{}  {}\n",
                e["sha256"].as_str().unwrap(),
                e["path"].as_str().unwrap()
            )
        })
        .collect();
    let (code, out, err) = run_tool(&dir.join("x"), "sha256sum", &["-c", "-"], sums.as_bytes());
    assert_eq!(
        code,
        0,
        "sha256sum: {err} {}",
        String::from_utf8_lossy(&out)
    );
}

#[test]
fn records_edited_after_the_cut_off_move_with_a_warning_per_dossier() {
    let h = Handover::new();
    let plan = h.plan("plan.toml", &PlanSpec::default());
    let doc = h.export(&plan, "x.zip.age", &[]);
    assert_eq!(doc["ok"], true, "{doc:#}");
    let warnings: Vec<&Value> = doc["problems"]
        .as_array()
        .map(|a| a.iter().collect())
        .unwrap_or_default();
    let got: Vec<(&Value, &Value, &Value)> = warnings
        .iter()
        .map(|w| (&w["code"], &w["severity"], &w["dossier"]))
        .collect();
    let (code, warning) = (Value::from("edited-after-cut-off"), Value::from("warning"));
    let dossiers = [Value::from("d-0001"), Value::from("d-0006")];
    assert_eq!(
        got,
        [
            (&code, &warning, &dossiers[0]),
            (&code, &warning, &dossiers[1])
        ],
        "{doc:#}"
    );
    // The edited report moves in its current state.
    let reports = records(&h, "x.zip.age", "d-0001", "daily_reports");
    let edited = reports.iter().find(|r| r["id"] == "dr-0004");
    assert_eq!(
        edited.map(|r| r["edited_at"].clone()),
        Some(Value::from("2026-11-22T10:05:00+01:00"))
    );
}

//! `import`, `sign-off`, `rollback` and `unlock` on the real binary: every
//! test level end to end, every refusal, all-or-nothing.

mod common;

use common::handover::{Handover, PlanSpec, Sel};
use common::*;
use dossier_transfer::store::{JournalStart, Stage, Store};
use serde_json::Value;

const TEST: &str = "zorggroep-oost-test";
const LIVE: &str = "zorggroep-oost";

impl Handover {
    fn align(&self, plan: &str) {
        let (code, doc) = self.json(&[
            "align",
            "--plan",
            plan,
            "--source-store",
            "source.db",
            "--target-store",
            "target.db",
        ]);
        assert_eq!(code, 0, "align: {doc:#}");
    }

    fn import(&self, archive: &str, plan: &str, account: &str, extra: &[&str]) -> (i32, Value) {
        let mut args = vec![
            "import",
            archive,
            "--plan",
            plan,
            "--identity",
            "keys/identity.txt",
            "--store",
            "target.db",
            "--account",
            account,
        ];
        args.extend_from_slice(extra);
        self.json(&args)
    }

    fn step(&self, cmd: &str, plan: &str, account: &str, extra: &[&str]) -> (i32, Value) {
        let mut args = vec![
            cmd,
            "--plan",
            plan,
            "--store",
            "target.db",
            "--account",
            account,
        ];
        args.extend_from_slice(extra);
        self.json(&args)
    }

    fn sign_off(&self, plan: &str, account: &str) -> (i32, Value) {
        self.step(
            "sign-off",
            plan,
            account,
            &["--by", "C. Manager <c.manager@oost.example>"],
        )
    }

    fn dump(&self, account: &str, out: &str) {
        let (code, _, err) = self.run(&[
            "account",
            "dump",
            "--account",
            account,
            "--store",
            "target.db",
            "--out",
            out,
        ]);
        assert_eq!(code, 0, "{err}");
    }

    fn integrity(&self) -> String {
        let store = self.open("target.db");
        store.integrity_check().unwrap()
    }
}

/// Marks the test account read-only for `migration` and opens its journal
/// row, as an import does before it writes (or as one that died leaves it).
fn hold_test_account(h: &Handover, migration: &str) -> (Box<dyn Store>, i64) {
    let mut store = h.open("target.db");
    let account = store.require_account(TEST).unwrap();
    let journal = store
        .begin_import(&JournalStart {
            account: account.id,
            migration,
            stage: Stage::Test,
            rehearsal: false,
            archive_sha256: "0",
            operator: "X <x@y.example>",
        })
        .unwrap();
    (store, journal)
}

fn refused(result: (i32, Value), code: &str) {
    let (exit, doc) = result;
    assert_eq!(exit, 4, "{doc:#}");
    assert_eq!(codes(&doc), [code], "{doc:#}");
}

fn ok(result: (i32, Value)) -> Value {
    let (exit, doc) = result;
    assert_eq!(exit, 0, "{doc:#}");
    doc
}

/// Level B: test account, sign-off, then live with the same archive.
#[test]
fn test_account_then_live() {
    test_account_then_live_on(Handover::new());
}

fn test_account_then_live_on(h: Handover) {
    let plan = h.plan("plan.toml", &PlanSpec::passing());
    h.align(&plan);
    let tested = h.export(&plan, "x.zip.age", &[])["summary"]["sha256"].clone();
    refused(
        h.import("x.zip.age", &plan, LIVE, &[]),
        "stage-not-signed-off",
    );
    refused(h.sign_off(&plan, TEST), "not-imported");
    let doc = ok(h.import("x.zip.age", &plan, TEST, &[]));
    assert_eq!(doc["summary"]["stage"], "test");
    assert_eq!(doc["summary"]["dossiers"].as_array().unwrap().len(), 9);
    refused(h.import("x.zip.age", &plan, TEST, &[]), "already-imported");
    refused(
        h.import("x.zip.age", &plan, LIVE, &[]),
        "stage-not-signed-off",
    );
    ok(h.sign_off(&plan, TEST));
    refused(h.sign_off(&plan, TEST), "already-signed-off");
    // Another archive of the same migration was not the one tested.
    let offered = h.export(&plan, "y.zip.age", &[])["summary"]["sha256"].clone();
    let (exit, doc) = h.import("y.zip.age", &plan, LIVE, &[]);
    assert_eq!(exit, 4, "{doc:#}");
    assert_eq!(codes(&doc), ["archive-not-tested"], "{doc:#}");
    // The message names both archives and the way out.
    let message = doc["problems"][0]["message"].as_str().expect("message");
    let (tested, offered) = (tested.as_str().unwrap(), offered.as_str().unwrap());
    assert!(
        message.starts_with(&format!("this archive (sha256 {offered}, exported 20")),
        "{message}"
    );
    assert!(
        message.contains(&format!("(sha256 {tested}, exported 20")),
        "{message}"
    );
    assert!(
        message.ends_with(
            "import the tested archive instead: the live account takes only what was tested"
        ),
        "{message}"
    );
    let doc = ok(h.import("x.zip.age", &plan, LIVE, &[]));
    assert_eq!(doc["summary"]["stage"], "live");
    // Once per migration id and account, even with a fresh export.
    refused(h.import("x.zip.age", &plan, LIVE, &[]), "already-imported");
    refused(h.import("y.zip.age", &plan, LIVE, &[]), "already-imported");
    ok(h.sign_off(&plan, LIVE));
    refused(h.step("rollback", &plan, LIVE, &[]), "already-signed-off");
    // The test copy may go once the live stage is signed off.
    ok(h.step("rollback", &plan, TEST, &[]));
    assert_eq!(h.integrity(), "ok");
}

/// Level A: the live import creates the test groups; rollback deletes them.
#[test]
fn test_group_with_rollback_and_reimport() {
    test_group_with_rollback_and_reimport_on(Handover::new());
}

fn test_group_with_rollback_and_reimport_on(h: Handover) {
    let ids = [
        "d-0001", "d-0002", "d-0003", "d-0004", "d-0006", "d-0007", "d-0008", "d-0009", "d-0010",
    ];
    let spec = PlanSpec {
        level: "test-group",
        test_account: None,
        selection: Sel::Select(
            ids.iter()
                .map(|i| (format!("id = \"{i}\""), "wonen-oost-test"))
                .collect(),
        ),
        ..PlanSpec::default()
    };
    let plan = h.plan("plan.toml", &spec);
    h.export(&plan, "x.zip.age", &[]);
    h.dump(LIVE, "before");
    let (code, doc) = h.import("x.zip.age", &plan, TEST, &[]);
    assert_eq!(code, 3, "{doc:#}");
    assert_eq!(codes(&doc), ["account-not-in-plan"]);
    let doc = ok(h.import("x.zip.age", &plan, LIVE, &[]));
    assert_eq!(
        doc["summary"]["groups_created"],
        serde_json::json!(["wonen-oost-test"])
    );
    let (_, list) = h.json(&["account", "list", "--store", "target.db"]);
    let live = list["summary"]["accounts"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["slug"] == LIVE)
        .unwrap()
        .clone();
    assert!(
        live["groups"]
            .as_array()
            .unwrap()
            .iter()
            .any(|g| g["key"] == "wonen-oost-test" && g["dossiers"] == 9)
    );
    // A second import while the group exists is refused.
    refused(h.import("x.zip.age", &plan, LIVE, &[]), "already-imported");
    let doc = ok(h.step("rollback", &plan, LIVE, &[]));
    assert_eq!(doc["summary"]["groups"], 1);
    h.dump(LIVE, "after");
    assert_same_tree(&h.path("before"), &h.path("after"));
    ok(h.import("x.zip.age", &plan, LIVE, &[]));
}

/// Level C: a rehearsal archive into the test account, then a real export live.
#[test]
fn dress_rehearsal_then_live() {
    dress_rehearsal_then_live_on(Handover::new());
}

fn dress_rehearsal_then_live_on(h: Handover) {
    let spec = PlanSpec {
        level: "dress-rehearsal",
        ..PlanSpec::passing()
    };
    let plan = h.plan("plan.toml", &spec);
    h.align(&plan);
    h.export(&plan, "rehearsal.zip.age", &["--rehearsal"]);
    h.export(&plan, "real.zip.age", &[]);
    refused(
        h.import("real.zip.age", &plan, TEST, &[]),
        "not-rehearsal-archive",
    );
    refused(
        h.import("rehearsal.zip.age", &plan, LIVE, &[]),
        "rehearsal-archive",
    );
    refused(
        h.import("real.zip.age", &plan, LIVE, &[]),
        "stage-not-signed-off",
    );
    ok(h.import("rehearsal.zip.age", &plan, TEST, &[]));
    ok(h.sign_off(&plan, TEST));
    refused(
        h.import("rehearsal.zip.age", &plan, LIVE, &[]),
        "rehearsal-archive",
    );
    ok(h.import("real.zip.age", &plan, LIVE, &[]));
}

#[test]
fn an_account_outside_the_plan_is_refused() {
    an_account_outside_the_plan_is_refused_on(Handover::new());
}

fn an_account_outside_the_plan_is_refused_on(h: Handover) {
    let plan = h.plan("plan.toml", &PlanSpec::passing());
    h.export(&plan, "x.zip.age", &[]);
    let (code, doc) = h.import("x.zip.age", &plan, "zorggroep-noord", &[]);
    assert_eq!(code, 3);
    assert_eq!(codes(&doc), ["account-not-in-plan"]);
}

#[test]
fn an_archive_that_fails_verify_is_refused() {
    an_archive_that_fails_verify_is_refused_on(Handover::new());
}

fn an_archive_that_fails_verify_is_refused_on(h: Handover) {
    let plan = h.plan("plan.toml", &PlanSpec::passing());
    h.export(&plan, "x.zip.age", &[]);
    let mut bytes = std::fs::read(h.path("x.zip.age")).unwrap();
    let n = bytes.len();
    bytes[n - 100] ^= 1;
    std::fs::write(h.path("x.zip.age"), bytes).unwrap();
    let (code, doc) = h.import("x.zip.age", &plan, TEST, &[]);
    assert_eq!(code, 3);
    assert_eq!(codes(&doc), ["archive-corrupt"]);
}

#[test]
fn dry_run_writes_nothing() {
    let h = Handover::new();
    let plan = h.plan("plan.toml", &PlanSpec::passing());
    h.align(&plan);
    h.export(&plan, "x.zip.age", &[]);
    let before = std::fs::read(h.path("target.db")).unwrap();
    let doc = ok(h.import("x.zip.age", &plan, TEST, &["--dry-run"]));
    assert_eq!(doc["summary"]["dry_run"], true);
    assert_eq!(doc["summary"]["dossiers"].as_array().unwrap().len(), 9);
    assert_eq!(std::fs::read(h.path("target.db")).unwrap(), before);
}

#[test]
fn references_ids_teammates_and_files_on_the_target() {
    references_ids_teammates_and_files_on_the_target_on(Handover::new());
}

fn references_ids_teammates_and_files_on_the_target_on(h: Handover) {
    let plan = h.plan("plan.toml", &PlanSpec::passing());
    h.align(&plan);
    h.export(&plan, "x.zip.age", &[]);
    let doc = ok(h.import("x.zip.age", &plan, TEST, &[]));
    let s = &doc["summary"];
    // Unmapped teammates are kept as attributions, including a former
    // colleague who is in no teammates list.
    let unmapped: Vec<&str> = s["teammates"]["unmapped"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    assert!(unmapped.contains(&"k.visser@noord.example"), "{unmapped:?}");
    assert!(s["teammates"]["created"].as_array().unwrap().is_empty());
    h.dump(TEST, "test");
    let dossier = |id: &str| h.path(&format!("test/groups/wonen-oost/dossiers/{id}"));
    // The test account had no dossiers: every id is kept; origins name the source.
    let d2: Value = serde_json::from_str(
        &std::fs::read_to_string(dossier("d-0002").join("dossier.json")).unwrap(),
    )
    .unwrap();
    assert_eq!(
        d2["origin"],
        serde_json::json!({"migration": "noord-naar-oost-2026-11", "id": "d-0002"})
    );
    // The shared agenda item is stored once and re-linked to the other client.
    let agenda = std::fs::read_to_string(dossier("d-0002").join("agenda_items.jsonl")).unwrap();
    let ag4: Value = agenda
        .lines()
        .map(|l| serde_json::from_str::<Value>(l).unwrap())
        .find(|v| v["id"] == "ag-0004")
        .unwrap();
    assert_eq!(ag4["other_clients"], serde_json::json!(["d-0006"]));
    // Now live, where d-0001..d-0003 and some record ids are taken.
    ok(h.sign_off(&plan, TEST));
    ok(h.import("x.zip.age", &plan, LIVE, &[]));
    h.dump(LIVE, "live");
    let live_dossiers: Vec<String> = std::fs::read_dir(h.path("live/groups/wonen-oost/dossiers"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    let moved_d2 = live_dossiers
        .iter()
        .find(|d| d.starts_with("d-0002."))
        .expect("d-0002 got a new id on the live account");
    let moved_d6 = "d-0006";
    let agenda = std::fs::read_to_string(h.path(&format!(
        "live/groups/wonen-oost/dossiers/{moved_d2}/agenda_items.jsonl"
    )))
    .unwrap();
    let ag4: Value = agenda
        .lines()
        .map(|l| serde_json::from_str::<Value>(l).unwrap())
        .find(|v| v["origin"]["id"] == "ag-0004")
        .unwrap();
    assert_eq!(ag4["other_clients"], serde_json::json!([moved_d6]));
    // A report's attachment follows its file's new id.
    let report_with_files = std::fs::read_to_string(h.path(&format!(
        "live/groups/wonen-oost/dossiers/{moved_d2}/daily_reports.jsonl"
    )))
    .unwrap();
    for line in report_with_files.lines() {
        let r: Value = serde_json::from_str(line).unwrap();
        for f in r["file_ids"].as_array().unwrap() {
            let files = std::fs::read_to_string(h.path(&format!(
                "live/groups/wonen-oost/dossiers/{moved_d2}/files.jsonl"
            )))
            .unwrap();
            assert!(
                files.contains(&format!("\"id\":{f}")),
                "{f} is not a file of the dossier"
            );
        }
    }
    // The same contents in two accounts of one store are stored once.
    let store = h.open("target.db");
    let distinct: std::collections::BTreeSet<String> = std::fs::read_dir(h.path("live/files"))
        .unwrap()
        .chain(std::fs::read_dir(h.path("test/files")).unwrap())
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(store.blob_count().unwrap(), distinct.len() as u64);
}

#[test]
fn teammates_chosen_are_created_inactive() {
    teammates_chosen_are_created_inactive_on(Handover::new());
}

fn teammates_chosen_are_created_inactive_on(h: Handover) {
    let plan = h.plan(
        "plan.toml",
        &PlanSpec::passing().with_data("teammates", "true"),
    );
    h.align(&plan);
    h.export(&plan, "x.zip.age", &[]);
    let doc = ok(h.import("x.zip.age", &plan, TEST, &[]));
    let list = |k: &str| -> Vec<String> {
        doc["summary"]["teammates"][k]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_str().unwrap().to_owned())
            .collect()
    };
    // A source teammate the target lacks is created; a former colleague whom
    // the source no longer knows stays an attribution.
    assert!(
        list("created").contains(&"p.smit@noord.example".to_owned()),
        "{:?}",
        list("created")
    );
    assert!(list("unmapped").contains(&"k.visser@noord.example".to_owned()));
    h.dump(TEST, "test");
    let teammates: Vec<Value> =
        serde_json::from_str(&std::fs::read_to_string(h.path("test/teammates.json")).unwrap())
            .unwrap();
    let smit = teammates
        .iter()
        .find(|t| t["email"] == "p.smit@noord.example")
        .unwrap();
    assert_eq!(smit["status"], "inactive");
    assert_eq!(smit["role"], "teamgenoot");
    assert_eq!(smit["groups"], serde_json::json!([]));
    // Rolled back, the created teammates go too.
    ok(h.step("rollback", &plan, TEST, &[]));
    h.dump(TEST, "after");
    let teammates: Vec<Value> =
        serde_json::from_str(&std::fs::read_to_string(h.path("after/teammates.json")).unwrap())
            .unwrap();
    assert!(
        teammates
            .iter()
            .all(|t| t["email"] != "p.smit@noord.example")
    );
}

#[test]
fn rollback_restores_the_account_byte_for_byte() {
    rollback_restores_the_account_byte_for_byte_on(Handover::new());
}

fn rollback_restores_the_account_byte_for_byte_on(h: Handover) {
    let plan = h.plan("plan.toml", &PlanSpec::passing());
    h.align(&plan);
    h.export(&plan, "x.zip.age", &[]);
    h.dump(LIVE, "before");
    // Live at level A would need no sign-off; here test then live.
    ok(h.import("x.zip.age", &plan, TEST, &[]));
    ok(h.sign_off(&plan, TEST));
    ok(h.import("x.zip.age", &plan, LIVE, &[]));
    ok(h.step("rollback", &plan, LIVE, &[]));
    h.dump(LIVE, "after");
    assert_same_tree(&h.path("before"), &h.path("after"));
    refused(h.step("rollback", &plan, LIVE, &[]), "not-imported");
    // After a rollback the migration may be imported again.
    ok(h.import("x.zip.age", &plan, LIVE, &[]));
    let (code, audit) = h.json(&[
        "account",
        "audit",
        "--account",
        LIVE,
        "--store",
        "target.db",
        "--verify",
    ]);
    assert_eq!(code, 0);
    let actions: Vec<&str> = audit["summary"]["lines"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["action"].as_str().unwrap())
        .collect();
    assert_eq!(actions.iter().filter(|a| **a == "import").count(), 18);
    assert_eq!(actions.iter().filter(|a| **a == "rollback").count(), 9);
}

#[test]
fn rollback_after_others_added_records_is_refused() {
    let h = Handover::new();
    let plan = h.plan("plan.toml", &PlanSpec::passing());
    h.align(&plan);
    h.export(&plan, "x.zip.age", &[]);
    ok(h.import("x.zip.age", &plan, TEST, &[]));
    let conn = rusqlite::Connection::open(h.path("target.db")).unwrap();
    conn.execute(
        "INSERT INTO records (account_id, dossier_id, kind, rid, rid_fold, created_at, created_ns, body)
         SELECT account_id, dossier_id, kind, 'dr-new', 'dr-new', created_at, created_ns, body FROM records
         WHERE kind = 'daily_reports' AND origin_migration IS NOT NULL LIMIT 1",
        [],
    )
    .unwrap();
    drop(conn);
    refused(h.step("rollback", &plan, TEST, &[]), "changed-after-import");
}

#[test]
fn a_write_while_an_import_holds_the_account_is_refused() {
    let h = Handover::new();
    let plan = h.plan("plan.toml", &PlanSpec::passing());
    h.align(&plan);
    h.export(&plan, "x.zip.age", &[]);
    // Another migration holds the test account (a failed import's mark).
    {
        hold_test_account(&h, "een-andere-migratie");
    }
    let before = std::fs::read(h.path("target.db")).unwrap();
    refused(h.import("x.zip.age", &plan, TEST, &[]), "account-read-only");
    assert_eq!(std::fs::read(h.path("target.db")).unwrap(), before);
    let (_, list) = h.json(&["account", "list", "--store", "target.db"]);
    let test = list["summary"]["accounts"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["slug"] == TEST)
        .unwrap()
        .clone();
    assert_eq!(test["read_only"], "een-andere-migratie");
}

#[test]
fn a_store_locked_by_another_writer_is_store_busy() {
    let h = Handover::new();
    let plan = h.plan("plan.toml", &PlanSpec::passing());
    h.align(&plan);
    h.export(&plan, "x.zip.age", &[]);
    let conn = rusqlite::Connection::open(h.path("target.db")).unwrap();
    conn.execute_batch("BEGIN IMMEDIATE").unwrap();
    refused(h.import("x.zip.age", &plan, TEST, &[]), "store-busy");
    conn.execute_batch("ROLLBACK").unwrap();
    drop(conn);
    let (_, list) = h.json(&["account", "list", "--store", "target.db"]);
    let test = list["summary"]["accounts"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["slug"] == TEST)
        .unwrap()
        .clone();
    assert_eq!(test["read_only"], Value::Null, "nothing half-done");
    ok(h.import("x.zip.age", &plan, TEST, &[]));
}

#[test]
fn unlock_clears_a_failed_imports_mark_only() {
    unlock_clears_a_failed_imports_mark_only_on(Handover::new());
}

fn unlock_clears_a_failed_imports_mark_only_on(h: Handover) {
    let plan = h.plan("plan.toml", &PlanSpec::passing());
    h.align(&plan);
    h.export(&plan, "x.zip.age", &[]);
    {
        let (mut store, j) = hold_test_account(&h, "noord-naar-oost-2026-11");
        store.fail_import(j, "simulated crash").unwrap();
    }
    let doc = ok(h.step("unlock", &plan, TEST, &[]));
    assert_eq!(doc["summary"]["account"], true);
    ok(h.import("x.zip.age", &plan, TEST, &[]));
    // With the migration committed, a mark of it cannot be cleared.
    {
        let mut store = h.open("target.db");
        let account = store.require_account(TEST).unwrap();
        let tx = store.begin().unwrap();
        tx.set_account_read_only(account.id, Some("noord-naar-oost-2026-11"))
            .unwrap();
        tx.commit().unwrap();
    }
    refused(h.step("unlock", &plan, TEST, &[]), "unlock-refused");
    // The export's lock on the source group is this migration's too.
    let (code, doc) = h.json(&[
        "unlock",
        "--plan",
        &plan,
        "--store",
        "source.db",
        "--account",
        "zorggroep-noord",
    ]);
    assert_eq!(code, 0, "{doc:#}");
    assert_eq!(doc["summary"]["groups"], serde_json::json!(["wonen-noord"]));
}

/// A generated account of 200 dossiers exported (rehearsal, level C) to
/// `big.zip.age` with `big.toml`, and a test account with the same
/// configuration in `big-target.db`: an import that writes for a while.
fn big_import(h: &Handover) {
    let generate = [
        "account",
        "generate",
        "--account",
        "groot",
        "--store",
        "big.db",
        "--dossiers",
        "200",
        "--reports",
        "200",
        "--file-size",
        "1000",
    ];
    assert_eq!(h.run(&generate).0, 0);
    let spec = PlanSpec {
        level: "dress-rehearsal",
        selection: Sel::All("groep-1"),
        source_group: "groep-1",
        ..PlanSpec::default()
    };
    let text = std::fs::read_to_string(h.path(&h.plan("big.toml", &spec)))
        .unwrap()
        .replace("zorggroep-noord", "groot");
    std::fs::write(h.path("big.toml"), text).unwrap();
    let export = [
        "export",
        "--plan",
        "big.toml",
        "--store",
        "big.db",
        "--signing-key",
        "keys/signing.key",
        "--out",
        "big.zip.age",
        "--rehearsal",
    ];
    let (code, _, err) = h.run(&export);
    assert_eq!(code, 0, "{err}");
    let target = [
        "account",
        "generate",
        "--account",
        TEST,
        "--store",
        "big-target.db",
        "--dossiers",
        "1",
        "--reports",
        "1",
        "--groups",
        "1",
    ];
    assert_eq!(h.run(&target).0, 0);
}

/// Starts the big import and returns once it holds the account's mark.
// The caller waits for the child or kills it.
#[allow(clippy::zombie_processes)]
fn start_big_import(h: &Handover) -> std::process::Child {
    let child = std::process::Command::new(assert_cmd::cargo::cargo_bin("dossier-transfer"))
        .current_dir(h.dir())
        .env("DOSSIER_TRANSFER_OPERATOR", common::handover::OPERATOR)
        .args([
            "import",
            "big.zip.age",
            "--plan",
            "big.toml",
            "--identity",
            "keys/identity.txt",
            "--store",
            &h.store("big-target.db"),
            "--account",
            TEST,
            "--quiet",
        ])
        .spawn()
        .unwrap();
    let started = std::time::Instant::now();
    loop {
        // The store may be busy for a moment while the import writes.
        let marked = h
            .try_open("big-target.db")
            .and_then(|s| s.account(TEST))
            .ok()
            .flatten()
            .and_then(|a| a.read_only);
        if marked.is_some() || started.elapsed().as_secs() > 60 {
            return child;
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
}

fn dump_big(h: &Handover, out: &str) {
    let args = [
        "account",
        "dump",
        "--account",
        TEST,
        "--store",
        "big-target.db",
        "--out",
        out,
    ];
    assert_eq!(h.run(&args).0, 0);
}

#[test]
fn a_killed_import_leaves_the_target_as_it_was() {
    a_killed_import_leaves_the_target_as_it_was_on(Handover::new());
}

fn a_killed_import_leaves_the_target_as_it_was_on(h: Handover) {
    big_import(&h);
    dump_big(&h, "before");
    let mut child = start_big_import(&h);
    // Well inside the write, which takes seconds.
    std::thread::sleep(std::time::Duration::from_millis(100));
    unsafe_kill(&mut child);
    let store = h.open("big-target.db");
    assert_eq!(store.integrity_check().unwrap(), "ok");
    // Killed mid-import: the mark stays, nothing of the migration is there.
    let account = store.require_account(TEST).unwrap();
    assert_eq!(
        account.read_only.as_deref(),
        Some("noord-naar-oost-2026-11"),
        "the import finished before the kill"
    );
    assert!(
        store
            .imported(account.id, "noord-naar-oost-2026-11")
            .unwrap()
            .is_none()
    );
    drop(store);
    dump_big(&h, "after");
    assert_same_tree(&h.path("before"), &h.path("after"));
    let (code, _, err) = h.run(&[
        "unlock",
        "--plan",
        "big.toml",
        "--store",
        "big-target.db",
        "--account",
        TEST,
    ]);
    assert_eq!(code, 0, "{err}");
    // After `unlock` the same import runs again, to the end.
    let mut retry = start_big_import(&h);
    let status = retry.wait().unwrap();
    assert!(status.success(), "the retried import succeeds");
    let store = h.open("big-target.db");
    let account = store.require_account(TEST).unwrap();
    assert_eq!(account.read_only, None);
    assert!(
        store
            .imported(account.id, "noord-naar-oost-2026-11")
            .unwrap()
            .is_some()
    );
}

#[test]
fn a_write_during_a_running_import_is_refused_and_changes_nothing() {
    a_write_during_a_running_import_is_refused_and_changes_nothing_on(Handover::new());
}

fn a_write_during_a_running_import_is_refused_and_changes_nothing_on(h: Handover) {
    big_import(&h);
    let mut child = start_big_import(&h);
    // Another operator aligns the test account while the import runs.
    let (code, doc) = h.json(&[
        "align",
        "--plan",
        "big.toml",
        "--source-store",
        "big.db",
        "--target-store",
        "big-target.db",
    ]);
    assert_eq!(code, 4, "{doc:#}");
    let found = codes(&doc);
    assert!(
        found == ["account-read-only"] || found == ["store-busy"],
        "{found:?}"
    );
    let status = child.wait().unwrap();
    assert!(status.success(), "the import itself goes on");
    let store = h.open("big-target.db");
    let account = store.require_account(TEST).unwrap();
    assert_eq!(account.read_only, None);
    assert!(
        store
            .imported(account.id, "noord-naar-oost-2026-11")
            .unwrap()
            .is_some()
    );
    assert_eq!(store.integrity_check().unwrap(), "ok");
}

fn unsafe_kill(child: &mut std::process::Child) {
    // SIGKILL: no destructor, no rollback handler runs in the child.
    let _ = child.kill();
    let _ = child.wait();
}

#[test]
fn the_target_configuration_and_member_limit_are_checked_again() {
    the_target_configuration_and_member_limit_are_checked_again_on(Handover::new());
}

fn the_target_configuration_and_member_limit_are_checked_again_on(h: Handover) {
    let plan = h.plan("plan.toml", &PlanSpec::passing());
    h.export(&plan, "x.zip.age", &[]);
    // Not aligned: the test account's wonen-oost lacks a field, an option and a label.
    let (code, doc) = h.import("x.zip.age", &plan, TEST, &[]);
    assert_eq!(code, 3, "{doc:#}");
    let found = codes(&doc);
    for code in [
        "config-field-missing",
        "config-option-missing",
        "config-label-missing",
    ] {
        assert!(found.contains(&code.to_owned()), "{found:?}");
    }
    // All dossiers but d-0011 bring fam.dijkstra to 4 dossiers of the live target.
    let all = PlanSpec {
        id: "alle-dossiers",
        level: "test-group",
        test_account: None,
        selection: Sel::All("wonen-nieuw"),
        ..PlanSpec::default()
    };
    let (code, doc) = h.json(&[
        "unlock",
        "--plan",
        &plan,
        "--store",
        "source.db",
        "--account",
        "zorggroep-noord",
    ]);
    assert_eq!(code, 0, "{doc:#}");
    let plan = h.plan("all.toml", &all);
    h.export(&plan, "all.zip.age", &[]);
    let (code, doc) = h.import("all.zip.age", &plan, LIVE, &[]);
    assert_eq!(code, 3, "{doc:#}");
    assert!(
        codes(&doc).contains(&"member-limit-exceeded".to_owned()),
        "{doc:#}"
    );
}

#[test]
fn a_refusal_outranks_problems() {
    // cli.md: when several exit codes apply, 4 wins over 3.
    let h = Handover::new();
    let plan = h.plan("plan.toml", &PlanSpec::passing());
    h.align(&plan);
    h.export(&plan, "x.zip.age", &[]);
    ok(h.import("x.zip.age", &plan, TEST, &[]));
    let mut bytes = std::fs::read(h.path("x.zip.age")).unwrap();
    let n = bytes.len();
    bytes[n - 100] ^= 1;
    std::fs::write(h.path("broken.zip.age"), bytes).unwrap();
    refused(
        h.import("broken.zip.age", &plan, TEST, &[]),
        "already-imported",
    );
}

#[test]
fn replacing_an_account_an_import_holds_is_refused() {
    let h = Handover::new();
    let plan = h.plan("plan.toml", &PlanSpec::passing());
    h.align(&plan);
    h.export(&plan, "x.zip.age", &[]);
    {
        hold_test_account(&h, "noord-naar-oost-2026-11");
    }
    let before = std::fs::read(h.path("target.db")).unwrap();
    let tree = fixtures().join("test-account").display().to_string();
    refused(
        h.json(&[
            "account",
            "load",
            &tree,
            "--store",
            "target.db",
            "--replace",
        ]),
        "account-read-only",
    );
    assert_eq!(std::fs::read(h.path("target.db")).unwrap(), before);
}

#[test]
fn check_after_an_import_does_not_count_the_migrations_own_dossiers() {
    check_after_an_import_does_not_count_the_migrations_own_dossiers_on(Handover::new());
}

fn check_after_an_import_does_not_count_the_migrations_own_dossiers_on(h: Handover) {
    let plan = h.plan("plan.toml", &PlanSpec::passing());
    h.align(&plan);
    h.export(&plan, "x.zip.age", &[]);
    ok(h.import("x.zip.age", &plan, TEST, &[]));
    let (code, doc) = h.json(&[
        "check",
        "--plan",
        &plan,
        "--source-store",
        "source.db",
        "--target-store",
        "target.db",
    ]);
    assert_eq!(code, 3);
    let problems = doc["problems"].as_array().unwrap();
    let errors: Vec<&str> = problems
        .iter()
        .filter(|p| p["severity"] == "error")
        .map(|p| p["code"].as_str().unwrap())
        .collect();
    assert_eq!(errors, ["already-imported"], "{doc:#}");
    // The imported copies are the same clients, not other dossiers of them.
    let clashes: Vec<&str> = problems
        .iter()
        .filter(|p| p["code"] == "client-exists-on-target")
        .map(|p| p["message"].as_str().unwrap())
        .collect();
    assert!(
        clashes.iter().all(|m| m.contains(&format!("on `{LIVE}`"))),
        "{clashes:#?}"
    );
}

/// The same handovers with every store in a PostgreSQL database (skipped
/// without a test server; see tests/common/pg.rs).
mod on_postgres {
    use super::*;

    #[test]
    #[cfg_attr(
        missing_tool = "postgres",
        ignore = "needs a PostgreSQL server (DOSSIER_TRANSFER_TEST_POSTGRES)"
    )]
    fn test_account_then_live() {
        if let Some(h) = Handover::postgres() {
            super::test_account_then_live_on(h);
        }
    }

    #[test]
    #[cfg_attr(
        missing_tool = "postgres",
        ignore = "needs a PostgreSQL server (DOSSIER_TRANSFER_TEST_POSTGRES)"
    )]
    fn test_group_with_rollback_and_reimport() {
        if let Some(h) = Handover::postgres() {
            super::test_group_with_rollback_and_reimport_on(h);
        }
    }

    #[test]
    #[cfg_attr(
        missing_tool = "postgres",
        ignore = "needs a PostgreSQL server (DOSSIER_TRANSFER_TEST_POSTGRES)"
    )]
    fn dress_rehearsal_then_live() {
        if let Some(h) = Handover::postgres() {
            super::dress_rehearsal_then_live_on(h);
        }
    }

    #[test]
    #[cfg_attr(
        missing_tool = "postgres",
        ignore = "needs a PostgreSQL server (DOSSIER_TRANSFER_TEST_POSTGRES)"
    )]
    fn an_account_outside_the_plan_is_refused() {
        if let Some(h) = Handover::postgres() {
            super::an_account_outside_the_plan_is_refused_on(h);
        }
    }

    #[test]
    #[cfg_attr(
        missing_tool = "postgres",
        ignore = "needs a PostgreSQL server (DOSSIER_TRANSFER_TEST_POSTGRES)"
    )]
    fn an_archive_that_fails_verify_is_refused() {
        if let Some(h) = Handover::postgres() {
            super::an_archive_that_fails_verify_is_refused_on(h);
        }
    }

    #[test]
    #[cfg_attr(
        missing_tool = "postgres",
        ignore = "needs a PostgreSQL server (DOSSIER_TRANSFER_TEST_POSTGRES)"
    )]
    fn references_ids_teammates_and_files_on_the_target() {
        if let Some(h) = Handover::postgres() {
            super::references_ids_teammates_and_files_on_the_target_on(h);
        }
    }

    #[test]
    #[cfg_attr(
        missing_tool = "postgres",
        ignore = "needs a PostgreSQL server (DOSSIER_TRANSFER_TEST_POSTGRES)"
    )]
    fn teammates_chosen_are_created_inactive() {
        if let Some(h) = Handover::postgres() {
            super::teammates_chosen_are_created_inactive_on(h);
        }
    }

    #[test]
    #[cfg_attr(
        missing_tool = "postgres",
        ignore = "needs a PostgreSQL server (DOSSIER_TRANSFER_TEST_POSTGRES)"
    )]
    fn rollback_restores_the_account_byte_for_byte() {
        if let Some(h) = Handover::postgres() {
            super::rollback_restores_the_account_byte_for_byte_on(h);
        }
    }

    #[test]
    #[cfg_attr(
        missing_tool = "postgres",
        ignore = "needs a PostgreSQL server (DOSSIER_TRANSFER_TEST_POSTGRES)"
    )]
    fn unlock_clears_a_failed_imports_mark_only() {
        if let Some(h) = Handover::postgres() {
            super::unlock_clears_a_failed_imports_mark_only_on(h);
        }
    }

    #[test]
    #[cfg_attr(
        missing_tool = "postgres",
        ignore = "needs a PostgreSQL server (DOSSIER_TRANSFER_TEST_POSTGRES)"
    )]
    fn a_killed_import_leaves_the_target_as_it_was() {
        if let Some(h) = Handover::postgres() {
            super::a_killed_import_leaves_the_target_as_it_was_on(h);
        }
    }

    #[test]
    #[cfg_attr(
        missing_tool = "postgres",
        ignore = "needs a PostgreSQL server (DOSSIER_TRANSFER_TEST_POSTGRES)"
    )]
    fn a_write_during_a_running_import_is_refused_and_changes_nothing() {
        if let Some(h) = Handover::postgres() {
            super::a_write_during_a_running_import_is_refused_and_changes_nothing_on(h);
        }
    }

    #[test]
    #[cfg_attr(
        missing_tool = "postgres",
        ignore = "needs a PostgreSQL server (DOSSIER_TRANSFER_TEST_POSTGRES)"
    )]
    fn the_target_configuration_and_member_limit_are_checked_again() {
        if let Some(h) = Handover::postgres() {
            super::the_target_configuration_and_member_limit_are_checked_again_on(h);
        }
    }

    #[test]
    #[cfg_attr(
        missing_tool = "postgres",
        ignore = "needs a PostgreSQL server (DOSSIER_TRANSFER_TEST_POSTGRES)"
    )]
    fn check_after_an_import_does_not_count_the_migrations_own_dossiers() {
        if let Some(h) = Handover::postgres() {
            super::check_after_an_import_does_not_count_the_migrations_own_dossiers_on(h);
        }
    }
}

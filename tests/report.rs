//! `report` on the real binary: a clean import matches; a record changed,
//! removed or slipped in with the migration's origin is a mismatch (exit 3)
//! that blocks `sign-off`; a record others added is only a warning; the
//! HTML page is self-contained and renders in headless Chromium.

mod common;

use common::handover::{Handover, OPERATOR, PlanSpec};
use common::*;
use serde_json::Value;
use std::collections::BTreeSet;

const TEST: &str = "zorggroep-oost-test";
const LIVE: &str = "zorggroep-oost";
const PLAN: &str = "plan.toml";
const ARCHIVE: &str = "x.zip.age";

/// Level B up to the test import: plan, align, export, import.
fn imported() -> Handover {
    let h = Handover::new();
    h.plan(PLAN, &PlanSpec::passing());
    let (code, doc) = h.json(&[
        "align",
        "--plan",
        PLAN,
        "--source-store",
        "source.db",
        "--target-store",
        "target.db",
    ]);
    assert_eq!(code, 0, "align: {doc:#}");
    h.export(PLAN, ARCHIVE, &[]);
    import(&h, TEST);
    h
}

fn import(h: &Handover, account: &str) {
    let (code, doc) = h.json(&[
        "import",
        ARCHIVE,
        "--plan",
        PLAN,
        "--identity",
        "keys/identity.txt",
        "--store",
        "target.db",
        "--account",
        account,
    ]);
    assert_eq!(code, 0, "import into {account}: {doc:#}");
}

fn report(h: &Handover, account: &str, extra: &[&str]) -> (i32, Value) {
    let mut args = vec![
        "report",
        "--plan",
        PLAN,
        "--store",
        "target.db",
        "--account",
        account,
    ];
    args.extend_from_slice(extra);
    h.json(&args)
}

fn sign_off(h: &Handover, account: &str) -> (i32, Value) {
    h.json(&[
        "sign-off",
        "--plan",
        PLAN,
        "--store",
        "target.db",
        "--account",
        account,
        "--by",
        "C. Manager <c.manager@oost.example>",
    ])
}

fn dossier<'a>(doc: &'a Value, source_id: &str) -> &'a Value {
    doc["summary"]["dossiers"]
        .as_array()
        .expect("dossiers")
        .iter()
        .find(|d| d["source_id"] == source_id)
        .unwrap_or_else(|| panic!("dossier {source_id} in the report"))
}

fn row<'a>(d: &'a Value, kind: &str) -> &'a Value {
    d["rows"]
        .as_array()
        .expect("rows")
        .iter()
        .find(|r| r["kind"] == kind)
        .unwrap_or_else(|| panic!("kind {kind} in {}", d["source_id"]))
}

/// Runs SQL on the target store, the way someone could behind the tool's back.
fn sql(h: &Handover, statement: &str) -> usize {
    let conn = rusqlite::Connection::open(h.path("target.db")).expect("target store");
    conn.execute(statement, []).expect("statement runs")
}

/// The row id of the first migrated daily report of source dossier d-0002
/// in `account`.
fn a_migrated_report(account: &str) -> String {
    format!(
        "(SELECT r.id FROM records r JOIN dossiers d ON d.id = r.dossier_id JOIN accounts a ON a.id = r.account_id
          WHERE a.slug = '{account}' AND d.origin_id = 'd-0002' AND r.kind = 'daily_reports'
            AND r.origin_migration IS NOT NULL ORDER BY r.rid LIMIT 1)"
    )
}

/// A copy of that record under another id; `origin` chooses whether the
/// copy claims the migration's origin or looks like a record entered here.
fn copy_record(h: &Handover, account: &str, origin: bool) {
    let (migration, id, body) = if origin {
        ("origin_migration", "origin_id", "body")
    } else {
        ("NULL", "NULL", "json_remove(body, '$.origin')")
    };
    let n = sql(
        h,
        &format!(
            "INSERT INTO records (account_id, dossier_id, kind, rid, rid_fold, created_at, created_ns, sha256, body, origin_migration, origin_id)
             SELECT account_id, dossier_id, kind, rid || '-x', rid_fold || '-x', created_at, created_ns, sha256, {body}, {migration}, {id}
             FROM records WHERE id = {}",
            a_migrated_report(account)
        ),
    );
    assert_eq!(n, 1);
}

#[test]
fn a_clean_import_matches_in_every_dossier_and_kind() {
    let h = imported();
    let manifest = h.manifest(ARCHIVE);
    let (code, doc) = report(&h, TEST, &[]);
    assert_eq!(code, 0, "{doc:#}");
    assert_eq!(doc["ok"], true);
    let s = &doc["summary"];
    assert_eq!(s["verdict"]["status"], "all-matched");
    assert_eq!(s["verdict"]["mismatches"], 0);
    assert_eq!(s["verdict"]["dossiers"], 9);
    assert_eq!(s["stage"], "test");
    assert_eq!(s["account"]["slug"], TEST);
    // Every dossier and kind of the manifest, with expected = found and
    // the digest matching; a test import into an empty account keeps ids.
    for m in manifest["dossiers"].as_array().unwrap() {
        let id = m["id"].as_str().unwrap();
        let d = dossier(&doc, id);
        assert_eq!(d["target_id"], id);
        assert_eq!(d["name"], m["name"]);
        assert_eq!(d["to_group"], "wonen-oost");
        assert_eq!(d["matches"], true);
        for (kind, n) in m["counts"].as_object().unwrap() {
            let r = row(d, kind);
            assert_eq!(r["expected"], *n, "{id} {kind}");
            assert_eq!(r["found"], *n, "{id} {kind}");
            assert_eq!(r["digest_matches"], true, "{id} {kind}");
        }
    }
    assert_eq!(row(dossier(&doc, "d-0001"), "daily_reports")["found"], 3);
    assert_eq!(s["verdict"]["records_found"], 102);
    // Unmapped: every author the test account does not know (it has only
    // t.hendriks of the people in the records).
    let unmapped: BTreeSet<String> = s["teammates"]["unmapped"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["email"].as_str().unwrap().to_lowercase())
        .collect();
    let expected: BTreeSet<String> = [
        "a.deboer@gedeeld.example",
        "a.jansen@noord.example",
        "e.vandijk@noord.example",
        "k.visser@noord.example",
        "l.bos@noord.example",
        "p.smit@noord.example",
        "r.meijer@noord.example",
        "s.mulder@noord.example",
    ]
    .into_iter()
    .map(str::to_owned)
    .collect();
    assert_eq!(unmapped, expected);
    assert_eq!(s["teammates"]["created"], serde_json::json!([]));
    // What stayed behind is the manifest's, totals and per dossier.
    assert_eq!(s["left_behind"], manifest["left_behind"]);
    assert_eq!(s["left_behind"]["after_cut_off"]["daily_reports"], 5);
    assert_eq!(s["left_behind"]["before_since"]["daily_reports"], 4);
    assert_eq!(
        s["left_behind"]["references_removed"]["history_other_dossiers"],
        1
    );
    assert_eq!(
        dossier(&doc, "d-0009")["left_behind"]["before_since"]["daily_reports"],
        2
    );
    // The timeline: export (from the manifest), align, the test import.
    let timeline = s["timeline"].as_array().unwrap();
    let has = |action: &str, account: &str| {
        timeline
            .iter()
            .any(|e| e["action"] == action && e["account"] == account && e["by"] == OPERATOR)
    };
    assert!(has("export", "zorggroep-noord"), "{timeline:#?}");
    assert!(has("align", TEST), "{timeline:#?}");
    assert!(has("import", TEST), "{timeline:#?}");
    assert_eq!(
        timeline.iter().find(|e| e["action"] == "import").unwrap()["stage"],
        "test"
    );
    // Configuration, consents, audit, no sign-off yet.
    let config = &s["configuration"];
    assert_eq!(config["source"]["group"], "wonen-noord");
    assert_eq!(config["targets"][0]["group"], "wonen-oost");
    assert_eq!(
        config["targets"][0]["same_as_source"], false,
        "aligned: a superset"
    );
    assert_eq!(s["consents"][0]["name"], "A. Jansen");
    assert_eq!(s["consents"][1]["email"], "b.bakker@oost.example");
    assert_eq!(s["audit"]["ok"], true);
    assert_eq!(s["signed_off"], Value::Null);
    assert_eq!(s["clients_on_target"], serde_json::json!([]));
    // The human text says the same.
    let (code, out, _) = h.run(&[
        "report",
        "--plan",
        PLAN,
        "--store",
        "target.db",
        "--account",
        TEST,
    ]);
    assert_eq!(code, 0);
    assert!(
        out.contains("verdict: all matched (9 dossiers, 102 records)"),
        "{out}"
    );
}

/// After the test stage is signed off and the live import: new ids, the
/// client who already had a dossier is a warning, the test stage's
/// sign-off is on the live report's timeline.
#[test]
fn the_live_report_maps_ids_and_warns_about_existing_clients() {
    let h = imported();
    let (code, doc) = sign_off(&h, TEST);
    assert_eq!(code, 0, "{doc:#}");
    let (_, doc) = report(&h, TEST, &[]);
    assert_eq!(
        doc["summary"]["signed_off"]["by"],
        "C. Manager <c.manager@oost.example>"
    );
    import(&h, LIVE);
    let (code, doc) = report(&h, LIVE, &[]);
    assert_eq!(code, 0, "{doc:#}");
    let s = &doc["summary"];
    assert_eq!(s["verdict"]["status"], "all-matched");
    assert_eq!(s["stage"], "live");
    // The target already used d-0001..d-0003 and d-0010.
    let d1 = dossier(&doc, "d-0001");
    assert_ne!(d1["target_id"], "d-0001");
    assert!(d1["target_id"].as_str().unwrap().starts_with("d-0001"));
    assert_eq!(dossier(&doc, "d-0004")["target_id"], "d-0004");
    assert_eq!(codes(&doc), ["client-exists-on-target"]);
    assert_eq!(doc["problems"][0]["dossier"], "d-0007");
    let c = &s["clients_on_target"][0];
    assert_eq!(c["source_id"], "d-0007");
    assert_eq!(c["other_id"], "d-0003");
    assert_eq!(c["other_name"], "Henk Willems");
    // Anne de Boer works at Oost: linked at the live stage.
    let unmapped = s["teammates"]["unmapped"].as_array().unwrap();
    assert_eq!(unmapped.len(), 7);
    assert!(
        !unmapped
            .iter()
            .any(|p| p["email"].as_str().unwrap().to_lowercase() == "a.deboer@gedeeld.example")
    );
    let actions: Vec<(String, String)> = s["timeline"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["action"].as_str().unwrap().to_owned(),
                e["account"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    for wanted in [
        ("import", TEST),
        ("sign-off", TEST),
        ("import", LIVE),
        ("export", "zorggroep-noord"),
    ] {
        assert!(
            actions.contains(&(wanted.0.to_owned(), wanted.1.to_owned())),
            "{wanted:?} in {actions:?}"
        );
    }
    // One archive, one export line, though both imports carry its manifest.
    assert_eq!(actions.iter().filter(|(a, _)| a == "export").count(), 1);
}

/// A changed, removed or slipped-in record of the migration: the report
/// names dossier and kind, exits 3, and sign-off is refused.
#[test]
fn a_tampered_migration_is_a_mismatch_and_blocks_sign_off() {
    for (case, code, found_delta) in [
        ("changed", "digest-mismatch", 0i64),
        ("removed", "count-mismatch", -1),
        ("slipped-in", "count-mismatch", 1),
    ] {
        let h = imported();
        match case {
            "changed" => {
                let n = sql(
                    &h,
                    &format!(
                        "UPDATE records SET body = json_set(body, '$.text', 'changed afterwards') WHERE id = {}",
                        a_migrated_report(TEST)
                    ),
                );
                assert_eq!(n, 1);
            }
            "removed" => {
                let n = sql(
                    &h,
                    &format!("DELETE FROM records WHERE id = {}", a_migrated_report(TEST)),
                );
                assert_eq!(n, 1);
            }
            _ => copy_record(&h, TEST, true),
        }
        let (exit, doc) = report(&h, TEST, &["--html", "report.html"]);
        assert_eq!(exit, 3, "{case}: {doc:#}");
        assert_eq!(doc["ok"], false);
        assert_eq!(codes(&doc), [code], "{case}: {doc:#}");
        let p = &doc["problems"][0];
        assert_eq!(p["dossier"], "d-0002", "{case}");
        assert_eq!(p["kind"], "daily_reports", "{case}");
        let s = &doc["summary"];
        assert_eq!(s["verdict"]["status"], "mismatches");
        assert_eq!(s["verdict"]["mismatches"], 1);
        assert_eq!(s["verdict"]["dossiers_mismatched"], 1);
        let d = dossier(&doc, "d-0002");
        assert_eq!(d["matches"], false);
        let r = row(d, "daily_reports");
        let expected = r["expected"].as_i64().unwrap();
        assert_eq!(
            r["found"].as_i64().unwrap(),
            expected + found_delta,
            "{case}"
        );
        assert_eq!(r["digest_matches"], false, "{case}");
        assert_eq!(dossier(&doc, "d-0001")["matches"], true);
        // The page says it too, in red.
        let html = std::fs::read_to_string(h.path("report.html")).expect("report.html");
        assert!(html.contains("1 afwijking<"), "{case}");
        assert!(html.contains("verdict bad"), "{case}");
        // And the stage cannot be approved.
        let (exit, doc) = sign_off(&h, TEST);
        assert_eq!(exit, 4, "{case}: {doc:#}");
        assert_eq!(codes(&doc), ["report-mismatch"], "{case}");
    }
}

/// A record someone entered in a migrated dossier after the import is not
/// a mismatch: a warning, exit 0, and sign-off still possible.
#[test]
fn a_record_added_by_others_is_only_a_warning() {
    let h = imported();
    copy_record(&h, TEST, false);
    let (exit, doc) = report(&h, TEST, &[]);
    assert_eq!(exit, 0, "{doc:#}");
    assert_eq!(doc["ok"], true);
    assert_eq!(codes(&doc), ["record-added-after-import"]);
    assert_eq!(doc["problems"][0]["severity"], "warning");
    assert_eq!(doc["problems"][0]["dossier"], "d-0002");
    assert_eq!(doc["summary"]["verdict"]["status"], "all-matched");
    assert_eq!(doc["summary"]["verdict"]["warnings"], 1);
    let d = dossier(&doc, "d-0002");
    assert_eq!(d["added_since"], 1);
    assert_eq!(d["matches"], true);
    let (exit, doc) = sign_off(&h, TEST);
    assert_eq!(exit, 0, "{doc:#}");
}

/// Nothing imported (or rolled back): `not-imported`, exit 3 like every
/// problem `report` finds; the page still says so.
#[test]
fn nothing_imported_is_a_problem_found() {
    let h = imported();
    let (exit, doc) = report(&h, LIVE, &["--html", "live.html"]);
    assert_eq!(exit, 3, "{doc:#}");
    assert_eq!(codes(&doc), ["not-imported"]);
    assert_eq!(doc["summary"]["verdict"]["status"], "not-imported");
    assert_eq!(doc["summary"]["dossiers"], serde_json::json!([]));
    let html = std::fs::read_to_string(h.path("live.html")).expect("live.html");
    assert!(html.contains("Niet geïmporteerd"));
    // After a rollback the report says the same, and the timeline keeps
    // the import and its rollback.
    let (code, doc) = h.json(&[
        "rollback",
        "--plan",
        PLAN,
        "--store",
        "target.db",
        "--account",
        TEST,
    ]);
    assert_eq!(code, 0, "{doc:#}");
    let (exit, doc) = report(&h, TEST, &[]);
    assert_eq!(exit, 3, "{doc:#}");
    assert_eq!(codes(&doc), ["not-imported"]);
    let actions: Vec<&str> = doc["summary"]["timeline"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    assert!(
        actions.contains(&"import") && actions.contains(&"rollback"),
        "{actions:?}"
    );
}

#[test]
fn the_html_page_is_self_contained_escaped_and_never_overwritten() {
    let h = imported();
    // A name from the store that tries to be markup.
    let n = sql(
        &h,
        "UPDATE attributions SET name = '<script>alert(\"x\")</script> & co' WHERE email = 'p.smit@noord.example'",
    );
    assert_eq!(n, 1);
    let (exit, doc) = report(&h, TEST, &["--html", "rapport.html"]);
    assert_eq!(exit, 0, "{doc:#}");
    let html = std::fs::read_to_string(h.path("rapport.html")).expect("rapport.html");
    assert!(html.starts_with("<!DOCTYPE html>"));
    assert!(html.contains("<html lang=\"nl\">"));
    assert!(html.contains("Alles komt overeen"));
    assert!(html.contains("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; co"));
    assert_no_outside_references(&html);
    for d in [
        "d-0001", "d-0002", "d-0003", "d-0004", "d-0006", "d-0007", "d-0008", "d-0009", "d-0010",
    ] {
        assert!(html.contains(&format!("data-dossier=\"{d}\"")), "{d}");
    }
    assert!(html.contains("@page") && html.contains("A4"));
    // Not overwritten without --force.
    let (exit, doc) = report(&h, TEST, &["--html", "rapport.html"]);
    assert_eq!(exit, 1, "{doc:#}");
    assert_eq!(codes(&doc), ["io-error"]);
    let (exit, _) = report(
        &h,
        TEST,
        &["--html", "rapport.html", "--force", "--lang", "en"],
    );
    assert_eq!(exit, 0);
    let html = std::fs::read_to_string(h.path("rapport.html")).expect("rapport.html");
    assert!(html.contains("<html lang=\"en\">"));
    assert!(html.contains("Everything matches"));
    assert_no_outside_references(&html);
    // An unknown language is a usage error.
    let (exit, _, _) = h.run(&[
        "report",
        "--plan",
        PLAN,
        "--store",
        "target.db",
        "--lang",
        "de",
    ]);
    assert_eq!(exit, 2);
}

/// Nothing on the page makes a browser fetch anything.
fn assert_no_outside_references(html: &str) {
    let lower = html.to_lowercase();
    for needle in [
        "http://", "https://", "src=", "<link", "<script", "url(", "@import", "<iframe", "<object",
    ] {
        assert!(!lower.contains(needle), "the page contains `{needle}`");
    }
}

fn chromium(
    dir: &std::path::Path,
    extra: &[&str],
    page: &std::path::Path,
) -> (i32, Vec<u8>, String) {
    let profile = tempfile::tempdir().expect("profile dir");
    let user_data = format!("--user-data-dir={}", profile.path().display());
    let url = format!("file://{}", page.display());
    let mut args = vec![
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        &user_data,
    ];
    args.extend_from_slice(extra);
    args.push(&url);
    run_tool(dir, "chromium", &args, b"")
}

#[test]
#[cfg_attr(missing_tool = "chromium", ignore = "needs `chromium`")]
fn the_html_page_renders_in_headless_chromium() {
    if !tool("chromium") {
        return;
    }
    let h = imported();
    let (exit, doc) = report(&h, TEST, &["--html", "rapport.html"]);
    assert_eq!(exit, 0, "{doc:#}");
    let page = h.path("rapport.html");
    let (code, dom, err) = chromium(h.dir(), &["--dump-dom"], &page);
    assert_eq!(code, 0, "{err}");
    let dom = String::from_utf8_lossy(&dom);
    assert!(dom.contains("Alles komt overeen"), "{dom}");
    for d in doc["summary"]["dossiers"].as_array().unwrap() {
        let id = d["source_id"].as_str().unwrap();
        assert!(dom.contains(&format!("data-dossier=\"{id}\"")), "{id}");
        assert!(dom.contains(d["name"].as_str().unwrap()), "{id}");
    }
    let png = h.path("rapport.png");
    let shot = format!("--screenshot={}", png.display());
    let (code, _, err) = chromium(h.dir(), &[&shot, "--window-size=1240,1754"], &page);
    assert_eq!(code, 0, "{err}");
    let bytes = std::fs::read(&png).expect("the screenshot was written");
    assert!(bytes.starts_with(b"\x89PNG\r\n\x1a\n"));
    assert!(bytes.len() > 10_000, "a blank page is a few hundred bytes");
}

//! The audit log: appended through the library, shown and checked by
//! `account audit`, tampered with through SQLite directly.

mod common;

use common::*;
use dossier_transfer::store::{AuditEvent, Outcome};
use std::path::Path;

const OPERATOR: &str = "Ada Lovelace <ada@example.org>";

fn append(store: &Path, account: &str, n: usize) {
    let mut s = dossier_transfer::store::open(store, true).expect("store opens");
    for i in 1..=n {
        let dossier = format!("d-{i:04}");
        let tx = s.begin().expect("begin");
        tx.audit(&AuditEvent {
            account,
            action: "export",
            outcome: Outcome::Success,
            operator: OPERATOR,
            dossier: Some(&dossier),
            migration: Some("noord-naar-oost"),
            detail: None,
        })
        .expect("audit");
        tx.commit().expect("commit");
    }
    s.audit(&AuditEvent {
        account,
        action: "import",
        outcome: Outcome::Failure,
        operator: OPERATOR,
        dossier: None,
        migration: Some("noord-naar-oost"),
        detail: Some("already-imported"),
    })
    .expect("audit");
}

fn sql(store: &Path, statements: &str) -> rusqlite::Result<()> {
    rusqlite::Connection::open(store)?.execute_batch(statements)
}

#[test]
fn lines_are_listed_and_the_chain_verifies() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let store = tmp.path().join("s.db");
    append(&store, "zorggroep-noord", 3);
    append(&store, "other", 1);

    let (code, doc) = run_json(
        tmp.path(),
        &[
            "account",
            "audit",
            "--account",
            "zorggroep-noord",
            "--store",
            "s.db",
            "--verify",
        ],
    );
    assert_eq!(code, 0, "{doc}");
    let lines = doc["summary"]["lines"].as_array().expect("lines");
    assert_eq!(lines.len(), 4);
    assert_eq!(lines[0]["seq"], 1);
    assert_eq!(lines[0]["prev_hash"], "0".repeat(64));
    assert_eq!(lines[1]["prev_hash"], lines[0]["hash"]);
    assert_eq!(lines[2]["dossier"], "d-0003");
    assert_eq!(lines[3]["outcome"], "failure");
    assert_eq!(lines[3]["detail"], "already-imported");
    assert_eq!(doc["summary"]["verify"]["ok"], true);
    assert_eq!(doc["summary"]["verify"]["lines"], 4);

    let (code, stdout, _) = run(
        tmp.path(),
        &[
            "account",
            "audit",
            "--account",
            "zorggroep-noord",
            "--store",
            "s.db",
            "--verify",
        ],
    );
    assert_eq!(code, 0);
    assert!(
        stdout.contains("d-0002") && stdout.contains(OPERATOR),
        "{stdout}"
    );
    assert!(stdout.contains("hash chain intact"), "{stdout}");
}

#[test]
fn an_account_without_lines_has_an_empty_log() {
    let tmp = tempfile::tempdir().expect("tempdir");
    append(&tmp.path().join("s.db"), "a", 1);
    let (code, doc) = run_json(
        tmp.path(),
        &[
            "account",
            "audit",
            "--account",
            "nobody",
            "--store",
            "s.db",
            "--verify",
        ],
    );
    assert_eq!(code, 0, "{doc}");
    assert_eq!(doc["summary"]["lines"], serde_json::json!([]));
    assert_eq!(doc["summary"]["verify"]["ok"], true);
}

#[test]
fn updates_and_deletes_are_refused_by_the_store() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let store = tmp.path().join("s.db");
    append(&store, "a", 2);
    for statement in [
        "UPDATE audit SET operator = 'Mallory <m@example.org>' WHERE seq = 1",
        "DELETE FROM audit WHERE seq = 2",
    ] {
        let err = sql(&store, statement).expect_err("refused");
        assert!(err.to_string().contains("append-only"), "{err}");
    }
    assert_eq!(
        dossier_transfer::store::open(&store, false)
            .expect("open")
            .audit_log("a")
            .expect("log")
            .len(),
        3
    );
}

#[test]
fn a_tampered_line_breaks_the_chain_at_its_seq() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let store = tmp.path().join("s.db");
    append(&store, "a", 4);
    sql(
        &store,
        "DROP TRIGGER audit_no_update;
         UPDATE audit SET dossier = 'd-9999' WHERE account = 'a' AND seq = 3;",
    )
    .expect("tampered");

    let check = dossier_transfer::store::open(&store, false)
        .expect("open")
        .verify_audit("a")
        .expect("check");
    assert_eq!((check.ok, check.broken_at), (false, Some(3)));

    let (code, doc) = run_json(
        tmp.path(),
        &[
            "account",
            "audit",
            "--account",
            "a",
            "--store",
            "s.db",
            "--verify",
        ],
    );
    assert_eq!(code, 3, "{doc}");
    assert_eq!(codes(&doc), ["audit-chain-broken"]);
    let message = doc["problems"][0]["message"].as_str().expect("message");
    assert!(message.contains("line 3"), "{message}");
    assert_eq!(doc["summary"]["verify"]["broken_at"], 3);

    // Without --verify the log is only shown.
    let (code, _) = run_json(
        tmp.path(),
        &["account", "audit", "--account", "a", "--store", "s.db"],
    );
    assert_eq!(code, 0);
}

#[test]
fn a_removed_line_breaks_the_chain_where_it_was() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let store = tmp.path().join("s.db");
    append(&store, "a", 4);
    sql(
        &store,
        "DROP TRIGGER audit_no_delete; DELETE FROM audit WHERE account = 'a' AND seq = 2;",
    )
    .expect("tampered");
    let check = dossier_transfer::store::open(&store, false)
        .expect("open")
        .verify_audit("a")
        .expect("check");
    assert_eq!(check.broken_at, Some(3));
}

//! The PostgreSQL store on the real binary: TLS with a SCRAM password,
//! passwords never shown, the engines agreeing byte for byte, and other
//! accounts staying writable while an import holds its target. Skipped
//! without a test server (`DOSSIER_TRANSFER_TEST_POSTGRES`).

mod common;

use common::handover::{Handover, PlanSpec};
use common::pg::{TestDb, server, with_database};
use common::*;
use dossier_transfer::fixtures as facts;

const SECRET: &str = "dt-test-secret";

/// Loads the bundled fixtures into `store`.
fn load_fixtures(dir: &std::path::Path, store: &str) {
    for name in [facts::SOURCE_TREE, facts::TARGET_TREE, facts::TEST_TREE] {
        let tree = fixtures().join(name).display().to_string();
        let (code, _, err) = run(dir, &["account", "load", &tree, "--store", store]);
        assert_eq!(code, 0, "load {name}: {err}");
    }
}

fn dump(dir: &std::path::Path, store: &str, account: &str, out: &str) {
    let args = [
        "account",
        "dump",
        "--account",
        account,
        "--store",
        store,
        "--out",
        out,
    ];
    let (code, _, err) = run(dir, &args);
    assert_eq!(code, 0, "dump {account}: {err}");
}

#[test]
#[cfg_attr(
    missing_tool = "postgres",
    ignore = "needs a PostgreSQL server (DOSSIER_TRANSFER_TEST_POSTGRES)"
)]
fn tls_with_a_scram_password_and_pgpassword() {
    let Some(admin) = server() else { return };
    let Ok(tls) = std::env::var("DOSSIER_TRANSFER_TEST_POSTGRES_TLS") else {
        assert!(
            std::env::var("DOSSIER_TRANSFER_REQUIRE_TOOLS").as_deref() != Ok("1"),
            "DOSSIER_TRANSFER_TEST_POSTGRES_TLS names no TLS address"
        );
        return;
    };
    let db = TestDb::new(&admin);
    let url = with_database(&tls, &db.name());
    assert!(
        url.contains(SECRET) && url.contains("sslmode=require"),
        "{url}"
    );
    let tmp = tempfile::tempdir().unwrap();
    let generate = [
        "account",
        "generate",
        "--account",
        "tls",
        "--store",
        &url,
        "--dossiers",
        "2",
        "--reports",
        "3",
    ];
    let (code, out, err) = run(tmp.path(), &generate);
    assert_eq!(code, 0, "{err}");
    assert!(!out.contains(SECRET) && !err.contains(SECRET));

    // The same address without its password takes PGPASSWORD.
    let bare = url.replace(&format!(":{SECRET}@"), "@");
    let out = bin()
        .current_dir(tmp.path())
        .env("PGPASSWORD", SECRET)
        .args(["account", "list", "--json", "--store", &bare])
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(doc["summary"]["accounts"][0]["slug"], "tls");
}

#[test]
#[cfg_attr(
    missing_tool = "postgres",
    ignore = "needs a PostgreSQL server (DOSSIER_TRANSFER_TEST_POSTGRES)"
)]
fn a_wrong_password_is_refused_and_never_shown() {
    let Some(admin) = server() else { return };
    let Ok(tls) = std::env::var("DOSSIER_TRANSFER_TEST_POSTGRES_TLS") else {
        return;
    };
    let db = TestDb::new(&admin);
    let wrong = with_database(&tls, &db.name()).replace(SECRET, "not-the-s3cret");
    let tmp = tempfile::tempdir().unwrap();
    let (code, doc) = run_json(tmp.path(), &["account", "list", "--store", &wrong]);
    assert_eq!(code, 1, "{doc:#}");
    assert_eq!(codes(&doc), ["io-error"], "{doc:#}");
    let text = doc.to_string();
    assert!(!text.contains("not-the-s3cret"), "{text}");
    assert!(text.contains("dt:***@127.0.0.1"), "{text}");
}

#[test]
#[cfg_attr(
    missing_tool = "postgres",
    ignore = "needs a PostgreSQL server (DOSSIER_TRANSFER_TEST_POSTGRES)"
)]
fn a_database_without_a_store_is_refused_by_a_reading_command() {
    let Some(admin) = server() else { return };
    let db = TestDb::new(&admin);
    let tmp = tempfile::tempdir().unwrap();
    let (code, doc) = run_json(tmp.path(), &["account", "list", "--store", &db.url]);
    assert_eq!(code, 1, "{doc:#}");
    assert!(
        doc.to_string().contains("no dossier-transfer store"),
        "{doc:#}"
    );
}

/// The fixtures and a generated account, loaded into each engine and
/// dumped from each: the same bytes.
#[test]
#[cfg_attr(
    missing_tool = "postgres",
    ignore = "needs a PostgreSQL server (DOSSIER_TRANSFER_TEST_POSTGRES)"
)]
fn both_engines_dump_the_same_trees() {
    let Some(admin) = server() else { return };
    let db = TestDb::new(&admin);
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    for store in ["s.db", db.url.as_str()] {
        load_fixtures(dir, store);
        let generate = [
            "account",
            "generate",
            "--account",
            "gen",
            "--store",
            store,
            "--dossiers",
            "12",
            "--reports",
            "40",
            "--files",
            "2",
            "--seed",
            "11",
        ];
        assert_eq!(run(dir, &generate).0, 0);
    }
    for account in [
        facts::SOURCE_ACCOUNT,
        facts::TARGET_ACCOUNT,
        facts::TEST_ACCOUNT,
        "gen",
    ] {
        dump(dir, "s.db", account, &format!("sqlite-{account}"));
        dump(dir, &db.url, account, &format!("pg-{account}"));
        assert_same_tree(
            &dir.join(format!("sqlite-{account}")),
            &dir.join(format!("pg-{account}")),
        );
    }
}

/// One archive imported into a SQLite target and into a PostgreSQL one:
/// the same dumps and the same report digests.
#[test]
#[cfg_attr(
    missing_tool = "postgres",
    ignore = "needs a PostgreSQL server (DOSSIER_TRANSFER_TEST_POSTGRES)"
)]
fn one_archive_imports_the_same_into_both_engines() {
    let Some(admin) = server() else { return };
    let h = Handover::new();
    let pg = TestDb::new(&admin);
    for name in [facts::TARGET_TREE, facts::TEST_TREE] {
        let tree = fixtures().join(name).display().to_string();
        let (code, _, err) = h.run(&["account", "load", &tree, "--store", &pg.url]);
        assert_eq!(code, 0, "{err}");
    }
    let plan = h.plan("plan.toml", &PlanSpec::passing());
    for target in ["target.db", pg.url.as_str()] {
        let align = [
            "align",
            "--plan",
            &plan,
            "--source-store",
            "source.db",
            "--target-store",
            target,
        ];
        assert_eq!(h.run(&align).0, 0);
    }
    h.export(&plan, "x.zip.age", &[]);
    let mut digests = Vec::new();
    for (target, out) in [("target.db", "sqlite"), (pg.url.as_str(), "pg")] {
        let (code, doc) = h.json(&[
            "import",
            "x.zip.age",
            "--plan",
            &plan,
            "--identity",
            "keys/identity.txt",
            "--store",
            target,
            "--account",
            facts::TEST_ACCOUNT,
        ]);
        assert_eq!(code, 0, "{doc:#}");
        let (code, report) = h.json(&[
            "report",
            "--plan",
            &plan,
            "--store",
            target,
            "--account",
            facts::TEST_ACCOUNT,
        ]);
        assert_eq!(code, 0, "{report:#}");
        digests.push(report["summary"]["dossiers"].clone());
        dump(h.dir(), target, facts::TEST_ACCOUNT, out);
    }
    assert_eq!(digests[0], digests[1]);
    assert_same_tree(&h.path("sqlite"), &h.path("pg"));
}

/// While an import holds the target account, another account in the same
/// database is loaded, listed and dumped; the held account refuses writes.
#[test]
#[cfg_attr(
    missing_tool = "postgres",
    ignore = "needs a PostgreSQL server (DOSSIER_TRANSFER_TEST_POSTGRES)"
)]
fn other_accounts_stay_writable_while_an_import_holds_one() {
    let Some(h) = Handover::postgres() else {
        return;
    };
    let plan = h.plan("plan.toml", &PlanSpec::passing());
    let align = [
        "align",
        "--plan",
        &plan,
        "--source-store",
        "source.db",
        "--target-store",
        "target.db",
    ];
    assert_eq!(h.run(&align).0, 0);
    h.export(&plan, "x.zip.age", &[]);
    // An import in its one transaction: the mark set, the row locked.
    let mut store = h.open("target.db");
    let account = store.require_account(facts::TEST_ACCOUNT).unwrap();
    let journal = store
        .begin_import(&dossier_transfer::store::JournalStart {
            account: account.id,
            migration: facts::MIGRATION_ID,
            stage: dossier_transfer::store::Stage::Test,
            rehearsal: false,
            archive_sha256: "0",
            operator: "X <x@y.example>",
        })
        .unwrap();
    assert!(journal > 0);
    let tx = store.begin().unwrap();
    tx.require_writable(account.id, Some(facts::MIGRATION_ID))
        .unwrap();

    let other = fixtures().join(facts::SOURCE_TREE).display().to_string();
    let (code, _, err) = h.run(&["account", "load", &other, "--store", "target.db"]);
    assert_eq!(code, 0, "another account is written: {err}");
    let (code, list) = h.json(&["account", "list", "--store", "target.db"]);
    assert_eq!(code, 0, "{list:#}");
    assert_eq!(list["summary"]["accounts"].as_array().unwrap().len(), 3);
    dump(
        h.dir(),
        &h.store("target.db"),
        facts::SOURCE_ACCOUNT,
        "other",
    );

    // The held account: a second import is refused at once, nothing done.
    let (code, doc) = h.json(&[
        "import",
        "x.zip.age",
        "--plan",
        &plan,
        "--identity",
        "keys/identity.txt",
        "--store",
        "target.db",
        "--account",
        facts::TEST_ACCOUNT,
    ]);
    assert_eq!(code, 4, "{doc:#}");
    // The row lock answers at once (NOWAIT), before the mark is looked at.
    assert_eq!(codes(&doc), ["store-busy"], "{doc:#}");
    drop(tx);
    drop(store);
    let store = h.open("target.db");
    let held = store.require_account(facts::TEST_ACCOUNT).unwrap();
    assert_eq!(held.read_only.as_deref(), Some(facts::MIGRATION_ID));
    assert!(
        !store
            .holds_migration_data(held.id, facts::MIGRATION_ID)
            .unwrap()
    );
}

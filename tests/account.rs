//! `account load | dump | list | generate` on the real binary.

mod common;

use common::*;
use std::path::{Path, PathBuf};

/// A store holding a small generated account, dumped as the base tree that
/// the bad-tree tests break one rule at a time.
struct Base {
    tmp: tempfile::TempDir,
    tree: PathBuf,
}

const DOSSIER: &str = "groups/groep-1/dossiers/c-000001";

fn base() -> Base {
    let tmp = tempfile::tempdir().expect("tempdir");
    let dir = tmp.path();
    let gen_args = [
        "account",
        "generate",
        "--account",
        "gen",
        "--store",
        "gen.db",
        "--dossiers",
        "4",
        "--reports",
        "8",
    ];
    assert_eq!(run(dir, &gen_args).0, 0);
    assert_eq!(
        run(
            dir,
            &[
                "account",
                "dump",
                "--account",
                "gen",
                "--store",
                "gen.db",
                "--out",
                "tree"
            ]
        )
        .0,
        0
    );
    // The store the bad trees are loaded into already holds another account.
    let other = [
        "account",
        "generate",
        "--account",
        "other",
        "--store",
        "s.db",
        "--dossiers",
        "2",
        "--reports",
        "2",
    ];
    assert_eq!(run(dir, &other).0, 0);
    let tree = dir.join("tree");
    Base { tmp, tree }
}

impl Base {
    fn dir(&self) -> &Path {
        self.tmp.path()
    }

    fn state(&self) -> (Vec<u8>, serde_json::Value) {
        let bytes = std::fs::read(self.dir().join("s.db")).expect("store");
        (
            bytes,
            run_json(self.dir(), &["account", "list", "--store", "s.db"]).1,
        )
    }

    /// Loads the (broken) tree; asserts exit 3, that some `tree-invalid`
    /// problem names `path` and contains `needle`, and that the store is
    /// unchanged. Returns all messages.
    fn refuse(&self, path: &str, needle: &str) -> Vec<String> {
        let before = self.state();
        let (code, doc) = run_json(self.dir(), &["account", "load", "tree", "--store", "s.db"]);
        assert_eq!(code, 3, "{doc:#}");
        let messages: Vec<String> = doc["problems"]
            .as_array()
            .expect("problems")
            .iter()
            .map(|p| p["message"].as_str().unwrap_or("").to_owned())
            .collect();
        let allowed = ["tree-invalid", "record-invalid", "reference-dangling"];
        assert!(
            codes(&doc).iter().all(|c| allowed.contains(&c.as_str())),
            "{doc:#}"
        );
        assert!(
            messages
                .iter()
                .any(|m| m.starts_with(path) && m.contains(needle)),
            "no problem at {path} with {needle:?}: {messages:#?}"
        );
        assert_eq!(self.state(), before, "the store changed");
        messages
    }

    fn path(&self, rel: &str) -> PathBuf {
        self.tree.join(rel)
    }

    fn edit_line(&self, rel: &str, line: usize, f: impl FnOnce(&mut serde_json::Value)) {
        edit(&self.path(rel), |text| {
            let mut lines: Vec<String> = text.lines().map(str::to_owned).collect();
            let mut v: serde_json::Value =
                serde_json::from_str(&lines[line - 1]).expect("json line");
            f(&mut v);
            lines[line - 1] = v.to_string();
            lines.join("\n") + "\n"
        });
    }

    fn reports(&self) -> String {
        format!("{DOSSIER}/daily_reports.jsonl")
    }

    fn first_file_sha(&self) -> String {
        let text =
            std::fs::read_to_string(self.path(&format!("{DOSSIER}/files.jsonl"))).expect("files");
        let v: serde_json::Value =
            serde_json::from_str(text.lines().next().expect("a file")).expect("json");
        v["sha256"].as_str().expect("sha").to_owned()
    }
}

#[test]
fn generated_account_round_trips_byte_for_byte() {
    let b = base();
    assert_eq!(
        run(b.dir(), &["account", "load", "tree", "--store", "s.db"]).0,
        0
    );
    assert_eq!(
        run(
            b.dir(),
            &[
                "account",
                "dump",
                "--account",
                "gen",
                "--store",
                "s.db",
                "--out",
                "again"
            ]
        )
        .0,
        0
    );
    assert_same_tree(&b.tree, &b.dir().join("again"));
    // Every kind is present in the generated tree.
    for kind in dossier_transfer::model::kinds::KINDS.iter() {
        assert!(
            b.path(&format!("{DOSSIER}/{}.jsonl", kind.name)).exists(),
            "{}",
            kind.name
        );
    }
}

#[test]
fn missing_account_json() {
    let b = base();
    std::fs::remove_file(b.path("account.json")).unwrap();
    b.refuse("account.json", "missing");
}

#[test]
fn unknown_entry() {
    let b = base();
    std::fs::write(b.path("groups/groep-1/notes.txt"), "x").unwrap();
    b.refuse("groups/groep-1/notes.txt", "not part of a dossier tree");
}

#[test]
fn json_error_names_the_field_path() {
    let b = base();
    edit(&b.path("groups/groep-1/group.json"), |t| {
        t.replacen("\"type\": \"choice\"", "\"type\": \"keuze\"", 1)
    });
    b.refuse(
        "groups/groep-1/group.json",
        "config.pages[0].tabs[0].fields[1].type",
    );
}

#[test]
fn unknown_field_in_json() {
    let b = base();
    edit(&b.path("account.json"), |t| {
        t.replacen("\"name\"", "\"naam\"", 1)
    });
    b.refuse("account.json", "unknown field `naam`");
}

#[test]
fn config_rule_choice_without_options() {
    let b = base();
    edit(&b.path("groups/groep-1/group.json"), |t| {
        t.replacen("\"type\": \"textarea\"", "\"type\": \"choice\"", 1)
    });
    b.refuse("groups/groep-1/group.json", "needs options");
}

#[test]
fn group_key_differs_from_folder() {
    let b = base();
    edit(&b.path("groups/groep-1/group.json"), |t| {
        t.replacen("\"key\": \"groep-1\"", "\"key\": \"groep-9\"", 1)
    });
    b.refuse("groups/groep-1/group.json", "differs from the folder name");
}

#[test]
fn dossier_id_differs_from_folder() {
    let b = base();
    edit(&b.path(&format!("{DOSSIER}/dossier.json")), |t| {
        t.replacen("\"id\": \"c-000001\"", "\"id\": \"c-999\"", 1)
    });
    b.refuse(
        &format!("{DOSSIER}/dossier.json"),
        "differs from the folder name",
    );
}

#[test]
fn invalid_bsn() {
    let b = base();
    edit(&b.path(&format!("{DOSSIER}/dossier.json")), |t| {
        let mut v: serde_json::Value = serde_json::from_str(&t).unwrap();
        v["bsn"] = "123456789".into();
        v.to_string()
    });
    b.refuse(
        &format!("{DOSSIER}/dossier.json"),
        "bsn: `123456789` is not a valid BSN",
    );
}

#[test]
fn duplicate_teammate_email_case_insensitive() {
    let b = base();
    edit(&b.path("teammates.json"), |t| {
        let mut v: serde_json::Value = serde_json::from_str(&t).unwrap();
        let mut twin = v[1].clone();
        twin["email"] = twin["email"].as_str().unwrap().to_uppercase().into();
        v.as_array_mut().unwrap().push(twin);
        v.to_string()
    });
    b.refuse("teammates.json", "appears twice");
}

#[test]
fn jsonl_syntax_error_names_the_line() {
    let b = base();
    edit(&b.path(&b.reports()), |t| {
        let mut lines: Vec<&str> = t.lines().collect();
        lines[1] = "{\"id\": ";
        lines.join("\n") + "\n"
    });
    b.refuse(&b.reports(), "line 2: not valid JSON");
}

#[test]
fn missing_required_field() {
    let b = base();
    b.edit_line(&b.reports(), 3, |v| {
        v.as_object_mut().unwrap().remove("text");
    });
    b.refuse(&b.reports(), "line 3: missing field `text`");
}

#[test]
fn unknown_record_field() {
    let b = base();
    b.edit_line(&b.reports(), 1, |v| v["tekst"] = "x".into());
    b.refuse(&b.reports(), "line 1: unknown field `tekst`");
}

#[test]
fn timestamp_without_offset() {
    let b = base();
    b.edit_line(&b.reports(), 2, |v| {
        v["created_at"] = "2026-01-01T10:00:00".into()
    });
    b.refuse(&b.reports(), "line 2: `created_at`");
}

#[test]
fn invalid_id() {
    let b = base();
    b.edit_line(&b.reports(), 1, |v| v["id"] = "../x".into());
    b.refuse(&b.reports(), "line 1: `id`");
}

#[test]
fn duplicate_id_differing_in_case() {
    let b = base();
    edit(&b.path(&b.reports()), |t| {
        let first: serde_json::Value = serde_json::from_str(t.lines().next().unwrap()).unwrap();
        let mut twin = first.clone();
        twin["id"] = first["id"].as_str().unwrap().to_uppercase().into();
        format!("{t}{twin}\n")
    });
    b.refuse(&b.reports(), "is used twice for kind daily_reports");
}

#[test]
fn label_missing_from_config() {
    let b = base();
    b.edit_line(&b.reports(), 1, |v| v["label"] = "onbekend".into());
    b.refuse(
        &b.reports(),
        "line 1: `label`: `onbekend` is not a report label",
    );
}

#[test]
fn field_value_of_the_wrong_type() {
    let b = base();
    let path = format!("{DOSSIER}/field_values.jsonl");
    // The generator addresses the configured fields in order: line 3 is a
    // multi_choice field (plan.doelen.hulpvragen).
    b.edit_line(&path, 3, |v| v["value"] = 12.into());
    b.refuse(&path, "line 3: `value`");
}

#[test]
fn report_file_id_not_in_dossier() {
    let b = base();
    b.edit_line(&b.reports(), 1, |v| {
        v["file_ids"] = serde_json::json!(["fs-99999999"])
    });
    b.refuse(&b.reports(), "line 1: file_ids: `fs-99999999`");
}

#[test]
fn other_clients_unknown_dossier() {
    let b = base();
    let path = format!("{DOSSIER}/agenda_items.jsonl");
    b.edit_line(&path, 1, |v| {
        v["other_clients"] = serde_json::json!(["c-424242"])
    });
    b.refuse(&path, "line 1: other_clients: dossier `c-424242`");
}

#[test]
fn time_entry_agenda_item_unknown() {
    let b = base();
    let path = format!("{DOSSIER}/time_entries.jsonl");
    b.edit_line(&path, 1, |v| v["agenda_item"] = "ais-99999999".into());
    b.refuse(&path, "line 1: agenda_item: `ais-99999999`");
}

#[test]
fn file_content_changed() {
    let b = base();
    let sha = b.first_file_sha();
    let path = b.path(&format!("files/{sha}"));
    let mut bytes = std::fs::read(&path).unwrap();
    bytes[0] ^= 1;
    std::fs::write(&path, bytes).unwrap();
    b.refuse(&format!("files/{sha}"), "content has sha256");
}

#[test]
fn file_size_disagrees() {
    let b = base();
    let sha = b.first_file_sha();
    b.edit_line(&format!("{DOSSIER}/files.jsonl"), 1, |v| {
        v["size"] = 3.into()
    });
    b.refuse(&format!("files/{sha}"), "says size 3");
}

#[test]
fn file_content_missing() {
    let b = base();
    let sha = b.first_file_sha();
    std::fs::remove_file(b.path(&format!("files/{sha}"))).unwrap();
    b.refuse(
        &format!("files/{sha}"),
        "missing, but named by groups/groep-1/dossiers/c-000001/files.jsonl line 1",
    );
}

#[test]
fn file_content_not_named() {
    let b = base();
    let sha = dossier_transfer::digest::sha256_hex(b"stray");
    std::fs::write(b.path(&format!("files/{sha}")), b"stray").unwrap();
    b.refuse(
        &format!("files/{sha}"),
        "no files record names this content",
    );
}

#[test]
fn every_problem_is_listed_not_only_the_first() {
    let b = base();
    b.edit_line(&b.reports(), 1, |v| v["label"] = "onbekend".into());
    std::fs::write(b.path("groups/groep-2/x.txt"), "x").unwrap();
    let messages = b.refuse(&b.reports(), "line 1");
    assert!(
        messages
            .iter()
            .any(|m| m.starts_with("groups/groep-2/x.txt")),
        "{messages:#?}"
    );
}

#[test]
fn existing_slug_needs_replace() {
    let b = base();
    assert_eq!(
        run(b.dir(), &["account", "load", "tree", "--store", "s.db"]).0,
        0
    );
    let before = b.state();
    let (code, doc) = run_json(b.dir(), &["account", "load", "tree", "--store", "s.db"]);
    assert_eq!(code, 3);
    assert_eq!(codes(&doc), ["account-exists"]);
    assert_eq!(b.state(), before);
    let (code, _, _) = run(
        b.dir(),
        &["account", "load", "tree", "--store", "s.db", "--replace"],
    );
    assert_eq!(code, 0);
    let (_, list) = run_json(b.dir(), &["account", "list", "--store", "s.db"]);
    let slugs: Vec<&str> = list["summary"]["accounts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["slug"].as_str().unwrap())
        .collect();
    assert_eq!(slugs, ["gen", "other"]);
}

#[test]
fn list_shows_groups_and_counts() {
    let b = base();
    let (code, doc) = run_json(b.dir(), &["account", "list", "--store", "gen.db"]);
    assert_eq!(code, 0);
    let account = &doc["summary"]["accounts"][0];
    assert_eq!(account["slug"], "gen");
    assert_eq!(account["read_only"], serde_json::Value::Null);
    assert_eq!(account["groups"][0]["key"], "groep-1");
    assert_eq!(account["groups"][0]["dossiers"], 2);
    assert_eq!(account["groups"][1]["dossiers"], 2);
    let (code, text, _) = run(b.dir(), &["account", "list", "--store", "gen.db"]);
    assert_eq!(code, 0);
    assert!(
        text.contains("groep-1") && text.contains("2 dossiers"),
        "{text}"
    );
}

#[test]
fn missing_store_is_an_io_error() {
    let tmp = tempfile::tempdir().unwrap();
    let (code, doc) = run_json(tmp.path(), &["account", "list", "--store", "nope.db"]);
    assert_eq!(code, 1);
    assert_eq!(codes(&doc), ["io-error"]);
    assert!(!tmp.path().join("nope.db").exists());
}

/// A store made by an older tool (schema version 2: no journal yet) is
/// refused by a command that only reads, unchanged, and brought up to date
/// by one that writes.
#[test]
fn an_older_store_is_migrated_by_a_writing_command_only() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let tree = fixtures().join("target").display().to_string();
    assert_eq!(
        run(dir, &["account", "load", &tree, "--store", "s.db"]).0,
        0
    );
    let conn = rusqlite::Connection::open(dir.join("s.db")).unwrap();
    conn.execute_batch("DROP TABLE attributions; DROP TABLE journal; PRAGMA user_version = 2;")
        .unwrap();
    drop(conn);
    let before = std::fs::read(dir.join("s.db")).unwrap();
    let (code, doc) = run_json(dir, &["account", "list", "--store", "s.db"]);
    assert_eq!(code, 1, "{doc:#}");
    assert_eq!(codes(&doc), ["io-error"]);
    assert!(doc.to_string().contains("older than this tool"), "{doc:#}");
    assert_eq!(
        std::fs::read(dir.join("s.db")).unwrap(),
        before,
        "a reader changed the store"
    );
    let other = fixtures().join("test-account").display().to_string();
    assert_eq!(
        run(dir, &["account", "load", &other, "--store", "s.db"]).0,
        0
    );
    let (code, doc) = run_json(dir, &["account", "list", "--store", "s.db"]);
    assert_eq!(code, 0, "{doc:#}");
    assert_eq!(doc["summary"]["accounts"].as_array().unwrap().len(), 2);
}

#[test]
fn dump_refuses_a_non_empty_folder_without_force() {
    let b = base();
    let (code, _, err) = run(
        b.dir(),
        &[
            "account",
            "dump",
            "--account",
            "gen",
            "--store",
            "gen.db",
            "--out",
            "tree",
        ],
    );
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("--force"), "{err}");
    let (code, _, _) = run(
        b.dir(),
        &[
            "account",
            "dump",
            "--account",
            "gen",
            "--store",
            "gen.db",
            "--out",
            "tree",
            "--force",
        ],
    );
    assert_eq!(code, 0);
}

#[test]
fn dump_of_unknown_account() {
    let b = base();
    let (code, doc) = run_json(
        b.dir(),
        &[
            "account",
            "dump",
            "--account",
            "nobody",
            "--store",
            "gen.db",
            "--out",
            "x",
        ],
    );
    assert_eq!(code, 3);
    assert_eq!(codes(&doc), ["account-not-found"]);
    assert!(!b.dir().join("x").exists());
}

#[test]
fn generate_is_deterministic_per_seed() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    for (store, seed) in [("a.db", "7"), ("b.db", "7"), ("c.db", "8")] {
        let args = [
            "account",
            "generate",
            "--account",
            "g",
            "--store",
            store,
            "--dossiers",
            "3",
            "--reports",
            "5",
            "--seed",
            seed,
        ];
        assert_eq!(run(dir, &args).0, 0);
        let out = store.replace(".db", "");
        assert_eq!(
            run(
                dir,
                &[
                    "account",
                    "dump",
                    "--account",
                    "g",
                    "--store",
                    store,
                    "--out",
                    &out
                ]
            )
            .0,
            0
        );
    }
    assert_same_tree(&dir.join("a"), &dir.join("b"));
    assert_ne!(tree_bytes(&dir.join("a")), tree_bytes(&dir.join("c")));
}

#[test]
fn generate_counts() {
    let tmp = tempfile::tempdir().unwrap();
    let args = [
        "account",
        "generate",
        "--account",
        "g",
        "--store",
        "a.db",
        "--dossiers",
        "10",
        "--reports",
        "30",
        "--files",
        "2",
        "--file-size",
        "1000",
    ];
    let (code, doc) = run_json(tmp.path(), &args);
    assert_eq!(code, 0);
    let s = &doc["summary"];
    assert_eq!(s["dossiers"], 10);
    assert_eq!(s["records"]["daily_reports"], 300);
    assert_eq!(s["records"]["files"], 20);
    assert_eq!(s["file_bytes"], 20_000);
    for kind in dossier_transfer::model::kinds::KINDS.iter() {
        assert!(
            s["records"][kind.name].as_u64().unwrap_or(0) >= 10,
            "{}",
            kind.name
        );
    }
}

//! The bundled fixtures load, round-trip byte for byte, and store shared
//! file contents once.

mod common;

use common::*;

fn slug(name: &str) -> String {
    let text = std::fs::read_to_string(fixtures().join(name).join("account.json")).unwrap();
    serde_json::from_str::<serde_json::Value>(&text).unwrap()["slug"]
        .as_str()
        .unwrap()
        .to_owned()
}

#[test]
fn every_fixture_round_trips_byte_for_byte() {
    for name in ["source", "target", "test-account"] {
        let (tmp, tree) = with_fixture(name);
        let (code, _, err) = run(tmp.path(), &["account", "load", name, "--store", "s.db"]);
        assert_eq!(code, 0, "{name}: {err}");
        let (code, _, err) = run(
            tmp.path(),
            &[
                "account",
                "dump",
                "--account",
                &slug(name),
                "--store",
                "s.db",
                "--out",
                "dump",
            ],
        );
        assert_eq!(code, 0, "{err}");
        assert_same_tree(&tree, &tmp.path().join("dump"));
    }
}

#[test]
fn every_kind_is_in_the_source_fixture() {
    let root = fixtures().join("source");
    for kind in dossier_transfer::model::kinds::KINDS.iter() {
        let found = walkdir::WalkDir::new(&root)
            .into_iter()
            .filter_map(Result::ok)
            .any(|e| e.file_name().to_string_lossy() == format!("{}.jsonl", kind.name));
        assert!(found, "no {} in fixtures/source", kind.name);
    }
}

#[test]
fn shared_file_contents_are_stored_once() {
    let (tmp, _) = with_fixture("source");
    assert_eq!(
        run(
            tmp.path(),
            &["account", "load", "source", "--store", "s.db"]
        )
        .0,
        0
    );
    let store = dossier_transfer::store::open(&tmp.path().join("s.db"), false).unwrap();
    // 9 `files` records, two of which (f-0001, f-0003) share their content.
    let (_, doc) = run_json(
        tmp.path(),
        &["account", "load", "source", "--store", "t.db"],
    );
    assert_eq!(doc["summary"]["records"]["files"], 9);
    assert_eq!(store.blob_count().unwrap(), 8);
    let account = store.require_account("zorggroep-noord").unwrap();
    assert_eq!(store.account_blobs(account.id).unwrap().len(), 8);
}

#[test]
fn the_same_content_in_two_accounts_is_stored_once() {
    let (tmp, _) = with_fixture("source");
    copy_tree(&fixtures().join("target"), &tmp.path().join("target"));
    for name in ["source", "target"] {
        assert_eq!(
            run(tmp.path(), &["account", "load", name, "--store", "s.db"]).0,
            0
        );
    }
    let store = dossier_transfer::store::open(&tmp.path().join("s.db"), false).unwrap();
    // The target's one file has the same content as source f-0008.
    assert_eq!(store.blob_count().unwrap(), 8);
}

#[test]
fn the_librarys_fixture_facts_match_the_bundled_trees() {
    use dossier_transfer::fixtures as facts;
    let account = |name: &str| -> serde_json::Value {
        let text = std::fs::read_to_string(fixtures().join(name).join("account.json"))
            .expect("account.json");
        serde_json::from_str(&text).expect("account.json parses")
    };
    for (tree, slug, owner) in [
        (
            facts::SOURCE_TREE,
            facts::SOURCE_ACCOUNT,
            Some(facts::SOURCE_OWNER),
        ),
        (
            facts::TARGET_TREE,
            facts::TARGET_ACCOUNT,
            Some(facts::TARGET_OWNER),
        ),
        (facts::TEST_TREE, facts::TEST_ACCOUNT, None),
    ] {
        let a = account(tree);
        assert_eq!(a["slug"], slug, "{tree}");
        if let Some(o) = owner {
            assert_eq!(a["owner"]["email"], o.email, "{tree}");
            assert_eq!(a["owner"]["name"], o.name, "{tree}");
        }
    }
    let group = |tree: &str, g: &str| fixtures().join(tree).join("groups").join(g);
    assert!(group(facts::SOURCE_TREE, facts::SOURCE_GROUP).is_dir());
    assert!(group(facts::TARGET_TREE, facts::TARGET_GROUP).is_dir());
    assert!(group(facts::TEST_TREE, facts::TARGET_GROUP).is_dir());
    assert_eq!(
        facts::APPROVER,
        format!(
            "{} <{}>",
            facts::TARGET_OWNER.name,
            facts::TARGET_OWNER.email
        )
    );
}

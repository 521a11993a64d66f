//! `verify` (process.md step 5): every bad archive is made from a good one
//! and must fail with its own problem code and exit 3; a good one, the
//! golden version-1 archive included, passes; verify writes nothing.

mod common;

use common::handover::{Handover, PlanSpec, Sel};
use common::tamper::{self, Entry, Repack};
use common::*;
use dossier_transfer::archive::{MANIFEST, PLAN, SIGNATURE, trusted_comment};
use serde_json::Value;

const D: &str = "groups/wonen-noord/dossiers";
const ID: &str = "noord-naar-oost-2026-11";

fn verify_with(h: &Handover, archive: &str, plan: &str, identity: &str) -> (i32, Value) {
    h.json(&["verify", archive, "--plan", plan, "--identity", identity])
}

fn verify(h: &Handover, archive: &str, plan: &str) -> (i32, Value) {
    verify_with(h, archive, plan, "keys/identity.txt")
}

fn code_set(doc: &Value) -> Vec<String> {
    let mut got = codes(doc);
    got.sort();
    got.dedup();
    got
}

/// Asserts exit 3 and exactly the problem codes `expected` (as a set).
fn fails(h: &Handover, archive: &str, plan: &str, expected: &[&str]) -> Value {
    let (code, doc) = verify(h, archive, plan);
    let mut want: Vec<String> = expected.iter().map(|s| (*s).to_owned()).collect();
    want.sort();
    want.dedup();
    assert_eq!(code_set(&doc), want, "{doc:#}");
    assert_eq!(code, 3, "{doc:#}");
    assert_eq!(doc["ok"], false);
    doc
}

/// The message of the first problem with `code`.
/// The `payload_oxum` that fits an edited entry list, so that only the
/// edit itself is wrong.
fn oxum_of(entries: &[Value]) -> String {
    let size: u64 = entries
        .iter()
        .map(|e| e["size"].as_u64().expect("size"))
        .sum();
    format!("{size}.{}", entries.len())
}

fn message(doc: &Value, code: &str) -> String {
    doc["problems"]
        .as_array()
        .expect("problems")
        .iter()
        .find(|p| p["code"] == code)
        .unwrap_or_else(|| panic!("no {code}: {doc:#}"))["message"]
        .as_str()
        .expect("message")
        .to_owned()
}

/// A handover whose `plan.toml` (the fixture plan) exported `good.zip.age`.
fn good() -> Handover {
    good_with(&PlanSpec::default())
}

fn good_with(spec: &PlanSpec) -> Handover {
    let h = Handover::new();
    h.plan("plan.toml", spec);
    h.export("plan.toml", "good.zip.age", &[]);
    h
}

/// A plan selecting the passing dossiers except `without`.
fn passing_without(without: &str) -> PlanSpec {
    let mut spec = PlanSpec::passing();
    if let Sel::Select(list) = &mut spec.selection {
        list.retain(|(by, _)| !by.contains(without));
    }
    spec
}

// ---- a good archive ----------------------------------------------------

#[test]
fn a_good_archive_verifies_and_says_what_it_holds() {
    let h = good();
    let (code, doc) = verify(&h, "good.zip.age", "plan.toml");
    assert_eq!(code, 0, "{doc:#}");
    assert_eq!(doc["ok"], true);
    assert!(
        doc["problems"]
            .as_array()
            .unwrap()
            .iter()
            .all(|p| p["severity"] != "error")
    );
    let s = &doc["summary"];
    assert_eq!(s["migration_id"], ID);
    assert_eq!(s["dossiers"], 10);
    assert_eq!(s["records"]["daily_reports"], 27);
    assert_eq!(s["file_bytes"], 820);
    assert_eq!(s["signer"], h.signer.as_str());
    assert_eq!(s["rehearsal"], false);
    assert_eq!(s["archive_sha256"], file_sha(&h.path("good.zip.age")));

    let (code, out, err) = h.run(&[
        "verify",
        "good.zip.age",
        "--plan",
        "plan.toml",
        "--identity",
        "keys/identity.txt",
    ]);
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.contains(&format!("migration {ID}")), "{out}");
    assert!(out.contains(&h.signer), "the signer: {out}");
    assert!(out.contains("10 dossiers"), "{out}");
}

#[test]
fn a_repacked_archive_with_the_same_bytes_still_verifies() {
    // The helpers themselves: decrypt, re-pack, re-encrypt changes nothing
    // that verify looks at (another ZIP writer, the same entries).
    let h = good();
    Repack::open(&h, "good.zip.age").save(&h, "same.zip.age");
    let (code, doc) = verify(&h, "same.zip.age", "plan.toml");
    assert_eq!(code, 0, "{doc:#}");
}

#[test]
fn verify_writes_nothing() {
    let h = good();
    let mut bad = Repack::open(&h, "good.zip.age");
    bad.set("extra.txt", "x");
    bad.save(&h, "bad.zip.age");
    let before = tree_bytes(h.dir());
    assert_eq!(verify(&h, "good.zip.age", "plan.toml").0, 0);
    assert_eq!(verify(&h, "bad.zip.age", "plan.toml").0, 3);
    let (code, _, _) = h.run(&[
        "verify",
        "good.zip.age",
        "--plan",
        "plan.toml",
        "--identity",
        "keys/identity.txt",
    ]);
    assert_eq!(code, 0);
    let after = tree_bytes(h.dir());
    let names = |t: &[(String, Vec<u8>)]| t.iter().map(|(n, _)| n.clone()).collect::<Vec<_>>();
    assert_eq!(names(&before), names(&after), "no file added or removed");
    assert!(before == after, "no file changed");
}

#[test]
fn verify_reports_every_finding_not_only_the_first() {
    let h = good();
    let mut r = Repack::open(&h, "good.zip.age");
    r.set("extra.txt", "not listed");
    r.edit("account.json", |t| t.replacen("Noord", "Nood!", 1));
    r.save(&h, "two.zip.age");
    fails(
        &h,
        "two.zip.age",
        "plan.toml",
        &["entry-unexpected", "entry-checksum-mismatch"],
    );
}

// ---- decryption and the age layer --------------------------------------

#[test]
fn another_identity_is_decrypt_failed() {
    let h = good();
    assert_eq!(h.run(&["keygen", "--out", "other"]).0, 0);
    let (code, doc) = verify_with(&h, "good.zip.age", "plan.toml", "other/identity.txt");
    assert_eq!(code, 3, "{doc:#}");
    assert_eq!(code_set(&doc), ["decrypt-failed"]);
    let m = message(&doc, "decrypt-failed");
    assert!(m.contains("plan's recipients"), "{m}");
    assert!(m.contains(&h.recipient), "names the recipients: {m}");
}

#[test]
#[cfg_attr(missing_tool = "age-keygen", ignore = "needs `age-keygen`")]
fn an_age_keygen_identity_works_and_one_not_a_recipient_is_told() {
    if !tool("age-keygen") {
        return;
    }
    let h = Handover::new();
    let dir = h.dir();
    for f in ["ak.txt", "stranger.txt"] {
        let (code, _, err) = run_tool(dir, "age-keygen", &["-o", f], b"");
        assert_eq!(code, 0, "age-keygen: {err}");
    }
    let (code, out, err) = run_tool(dir, "age-keygen", &["-y", "ak.txt"], b"");
    assert_eq!(code, 0, "age-keygen -y: {err}");
    let theirs = String::from_utf8(out).unwrap().trim().to_owned();
    h.plan("plan.toml", &PlanSpec::default());
    edit(&h.path("plan.toml"), |t| {
        t.replace(
            &format!("recipients = [\"{}\"]", h.recipient),
            &format!("recipients = [\"{}\", \"{theirs}\"]", h.recipient),
        )
    });
    h.export("plan.toml", "x.zip.age", &[]);
    let (code, doc) = verify_with(&h, "x.zip.age", "plan.toml", "ak.txt");
    assert_eq!(code, 0, "{doc:#}");
    let (code, doc) = verify_with(&h, "x.zip.age", "plan.toml", "stranger.txt");
    assert_eq!(code, 3, "{doc:#}");
    assert_eq!(code_set(&doc), ["decrypt-failed"]);
    let m = message(&doc, "decrypt-failed");
    assert!(
        m.contains("plan's recipients") && m.contains(&theirs),
        "{m}"
    );
}

#[test]
fn a_flipped_byte_in_the_age_header_is_archive_corrupt() {
    let h = good();
    let mut bytes = std::fs::read(h.path("good.zip.age")).unwrap();
    // A character of the header MAC, which covers the whole header.
    let at = tamper::age_header_len(&bytes) - 10;
    bytes[at] = if bytes[at] == b'A' { b'B' } else { b'A' };
    std::fs::write(h.path("bad.zip.age"), &bytes).unwrap();
    fails(&h, "bad.zip.age", "plan.toml", &["archive-corrupt"]);
    // The version line.
    let mut bytes = std::fs::read(h.path("good.zip.age")).unwrap();
    bytes[0] = b'b';
    std::fs::write(h.path("bad2.zip.age"), &bytes).unwrap();
    fails(&h, "bad2.zip.age", "plan.toml", &["archive-corrupt"]);
}

/// A handover with a generated account big enough for several 64 KiB age
/// chunks, and its archive `big.zip.age` under plan `gen.toml`.
fn big() -> Handover {
    let h = Handover::new();
    let (code, _, err) = h.run(&[
        "account",
        "generate",
        "--account",
        "gen",
        "--store",
        "gen.db",
        "--dossiers",
        "6",
        "--reports",
        "40",
        "--files",
        "2",
        "--file-size",
        "70000",
    ]);
    assert_eq!(code, 0, "generate: {err}");
    let spec = PlanSpec {
        id: "gen-naar-oost",
        // The generated records are all from before 2026-11-21.
        cut_off: "2026-11-21T00:00:00+01:00".into(),
        selection: Sel::All("wonen-oost"),
        source_group: "groep-1",
        ..PlanSpec::default()
    };
    h.plan("gen.toml", &spec);
    edit(&h.path("gen.toml"), |t| {
        t.replace("account = \"zorggroep-noord\"", "account = \"gen\"")
            .replace("a.jansen@noord.example", "eigenaar@gen.example")
    });
    let (code, doc) = h.json(&[
        "export",
        "--plan",
        "gen.toml",
        "--store",
        "gen.db",
        "--signing-key",
        "keys/signing.key",
        "--out",
        "big.zip.age",
    ]);
    assert_eq!(code, 0, "export: {doc:#}");
    let (code, doc) = verify(&h, "big.zip.age", "gen.toml");
    assert_eq!(code, 0, "the big archive verifies: {doc:#}");
    h
}

/// age's payload: the header, a 16-byte nonce, then chunks of 64 KiB
/// plaintext plus a 16-byte tag each.
const CHUNK: usize = 64 * 1024 + 16;

#[test]
fn damaged_or_cut_age_streams_are_archive_corrupt() {
    let h = big();
    let good = std::fs::read(h.path("big.zip.age")).unwrap();
    let start = tamper::age_header_len(&good) + 16;
    assert!(
        good.len() > start + 4 * CHUNK,
        "the archive spans more than four chunks ({} bytes)",
        good.len()
    );
    let flip = |at: usize| {
        let mut b = good.clone();
        b[at] ^= 0x01;
        b
    };
    let cases: [(&str, Vec<u8>); 5] = [
        ("header", flip(tamper::age_header_len(&good) - 10)),
        ("middle-chunk", flip(start + 2 * CHUNK + 1000)),
        ("last-chunk", flip(good.len() - 1)),
        ("cut-at-boundary", good[..start + 2 * CHUNK].to_vec()),
        ("cut-mid-chunk", good[..start + 2 * CHUNK + 30_000].to_vec()),
    ];
    for (name, bytes) in cases {
        let file = format!("{name}.zip.age");
        std::fs::write(h.path(&file), bytes).unwrap();
        let (code, doc) = verify(&h, &file, "gen.toml");
        assert_eq!(
            codes(&doc),
            ["archive-corrupt"],
            "{name}: reported once: {doc:#}"
        );
        assert_eq!(code, 3, "{name}");
    }
}

// ---- signature and migration -------------------------------------------

#[test]
fn signed_with_another_key_is_signature_invalid() {
    let h = good();
    assert_eq!(h.run(&["keygen", "--out", "other"]).0, 0);
    let mut r = Repack::open(&h, "good.zip.age");
    r.sign_with(&h.path("other/signing.key"));
    r.save(&h, "bad.zip.age");
    let doc = fails(&h, "bad.zip.age", "plan.toml", &["signature-invalid"]);
    assert!(message(&doc, "signature-invalid").contains("another key"));
}

#[test]
fn a_changed_manifest_under_the_old_signature_is_signature_invalid() {
    let h = good();
    let mut r = Repack::open(&h, "good.zip.age");
    r.edit_manifest(|m| m["operator"] = "Someone Else <x@example.org>".into());
    r.save(&h, "bad.zip.age");
    fails(&h, "bad.zip.age", "plan.toml", &["signature-invalid"]);
}

#[test]
fn no_signature_is_signature_missing() {
    let h = good();
    let mut r = Repack::open(&h, "good.zip.age");
    r.remove(SIGNATURE);
    r.save(&h, "bad.zip.age");
    fails(&h, "bad.zip.age", "plan.toml", &["signature-missing"]);
}

#[test]
fn a_signature_for_another_migration_is_migration_mismatch() {
    let h = good();
    let mut r = Repack::open(&h, "good.zip.age");
    let created = r.manifest()["created_at"].as_str().unwrap().to_owned();
    r.sign_with_comment(
        &h.path("keys/signing.key"),
        &trusted_comment("noord-naar-oost-anders", &created),
    );
    r.save(&h, "bad.zip.age");
    fails(&h, "bad.zip.age", "plan.toml", &["migration-mismatch"]);
}

#[test]
fn the_manifest_and_signature_of_another_migration_are_migration_mismatch() {
    let h = Handover::new();
    h.plan("plan.toml", &PlanSpec::default());
    h.plan(
        "other.toml",
        &PlanSpec {
            id: "noord-naar-oost-anders",
            ..PlanSpec::default()
        },
    );
    // A rehearsal locks nothing, so the real export can follow.
    h.export("other.toml", "other.zip.age", &["--rehearsal"]);
    h.export("plan.toml", "good.zip.age", &[]);
    let theirs = Repack::open(&h, "other.zip.age");
    let mut r = Repack::open(&h, "good.zip.age");
    r.set(MANIFEST, theirs.get(MANIFEST));
    r.set(SIGNATURE, theirs.get(SIGNATURE));
    r.save(&h, "bad.zip.age");
    // Made from another plan too (another digest, another plan.json).
    let doc = fails(
        &h,
        "bad.zip.age",
        "plan.toml",
        &["migration-mismatch", "plan-mismatch", "entry-size-mismatch"],
    );
    assert!(
        message(&doc, "migration-mismatch").contains("noord-naar-oost-anders"),
        "{doc:#}"
    );
}

// ---- entries against the manifest --------------------------------------

#[test]
fn an_added_entry_is_entry_unexpected() {
    let h = good();
    let mut r = Repack::open(&h, "good.zip.age");
    r.set("extra/notes.txt", "not in the manifest");
    r.save(&h, "bad.zip.age");
    let doc = fails(&h, "bad.zip.age", "plan.toml", &["entry-unexpected"]);
    assert_eq!(doc["problems"][0]["path"], "extra/notes.txt");
}

#[test]
fn a_removed_entry_is_entry_missing() {
    let h = good();
    let mut r = Repack::open(&h, "good.zip.age");
    r.remove(PLAN);
    r.save(&h, "no-plan.zip.age");
    fails(&h, "no-plan.zip.age", "plan.toml", &["entry-missing"]);
    // A records entry: its records are missing from the count as well.
    let mut r = Repack::open(&h, "good.zip.age");
    r.remove(&format!("{D}/d-0001/other.jsonl"));
    r.save(&h, "no-other.zip.age");
    fails(
        &h,
        "no-other.zip.age",
        "plan.toml",
        &["entry-missing", "count-mismatch"],
    );
}

#[test]
fn a_changed_entry_of_the_same_size_is_entry_checksum_mismatch() {
    let h = good();
    let mut r = Repack::open(&h, "good.zip.age");
    let before = r.get("account.json").len();
    r.edit("account.json", |t| t.replacen("Noord", "Nood!", 1));
    assert_eq!(r.get("account.json").len(), before);
    r.save(&h, "bad.zip.age");
    let doc = fails(&h, "bad.zip.age", "plan.toml", &["entry-checksum-mismatch"]);
    assert_eq!(doc["problems"][0]["path"], "account.json");
    // A record's text: the content digest no longer matches either.
    let mut r = Repack::open(&h, "good.zip.age");
    let path = format!("{D}/d-0001/daily_reports.jsonl");
    r.edit(&path, |t| {
        let i = t.find("\"text\":\"").unwrap() + 8;
        let mut b = t.into_bytes();
        b[i] = if b[i] == b'Q' { b'R' } else { b'Q' };
        String::from_utf8(b).unwrap()
    });
    r.save(&h, "bad2.zip.age");
    fails(
        &h,
        "bad2.zip.age",
        "plan.toml",
        &["entry-checksum-mismatch", "digest-mismatch"],
    );
}

#[test]
fn a_cut_entry_is_entry_size_mismatch() {
    let h = good();
    let mut r = Repack::open(&h, "good.zip.age");
    r.edit("account.json", |t| {
        assert!(t.ends_with('\n'));
        t.trim_end().to_owned()
    });
    r.save(&h, "bad.zip.age");
    fails(&h, "bad.zip.age", "plan.toml", &["entry-size-mismatch"]);
}

// ---- the signed manifest against the records and the plan --------------

#[test]
fn a_count_that_disagrees_with_the_records_is_count_mismatch() {
    let h = good();
    let mut r = Repack::open(&h, "good.zip.age");
    r.edit_manifest(|m| {
        let d = &mut m["dossiers"][0];
        let n = d["counts"]["daily_reports"].as_u64().unwrap();
        d["counts"]["daily_reports"] = (n + 1).into();
        let t = m["totals"]["records"]["daily_reports"].as_u64().unwrap();
        m["totals"]["records"]["daily_reports"] = (t + 1).into();
    });
    r.resign(&h);
    r.save(&h, "bad.zip.age");
    let doc = fails(&h, "bad.zip.age", "plan.toml", &["count-mismatch"]);
    assert_eq!(doc["problems"][0]["kind"], "daily_reports");
    // Totals that do not add up to the dossiers' counts.
    let mut r = Repack::open(&h, "good.zip.age");
    r.edit_manifest(|m| m["totals"]["records"]["history"] = 99.into());
    r.resign(&h);
    r.save(&h, "bad2.zip.age");
    fails(&h, "bad2.zip.age", "plan.toml", &["count-mismatch"]);
}

#[test]
fn a_digest_that_disagrees_with_the_records_is_digest_mismatch() {
    let h = good();
    let mut r = Repack::open(&h, "good.zip.age");
    r.edit_manifest(|m| {
        m["dossiers"][0]["digests"]["field_values"] =
            dossier_transfer::digest::sha256_hex(b"other records").into();
    });
    r.resign(&h);
    r.save(&h, "bad.zip.age");
    fails(&h, "bad.zip.age", "plan.toml", &["digest-mismatch"]);
}

/// Removes a dossier's entries and its manifest entry (totals follow).
fn drop_dossier(r: &mut Repack, id: &str) {
    let prefix = format!("{D}/{id}/");
    for name in r.names() {
        if name.starts_with(&prefix) {
            r.remove(&name);
            r.unlist(&name);
        }
    }
    r.edit_manifest(|m| {
        let list = m["dossiers"].as_array_mut().unwrap();
        let i = list.iter().position(|d| d["id"] == id).expect("listed");
        let gone = list.remove(i);
        let n = m["totals"]["dossiers"].as_u64().unwrap();
        m["totals"]["dossiers"] = (n - 1).into();
        for (kind, count) in gone["counts"].as_object().unwrap() {
            let t = m["totals"]["records"][kind].as_u64().unwrap();
            m["totals"]["records"][kind] = (t - count.as_u64().unwrap()).into();
        }
    });
}

#[test]
fn a_planned_dossier_left_out_is_dossier_missing() {
    let h = good_with(&PlanSpec::passing());
    let mut r = Repack::open(&h, "good.zip.age");
    drop_dossier(&mut r, "d-0009");
    r.resign(&h);
    r.save(&h, "bad.zip.age");
    let doc = fails(&h, "bad.zip.age", "plan.toml", &["dossier-missing"]);
    assert!(message(&doc, "dossier-missing").contains("d-0009"));
}

#[test]
fn a_dossier_not_in_the_plan_is_dossier_unexpected() {
    let h = Handover::new();
    h.plan("nine.toml", &PlanSpec::passing());
    h.plan("plan.toml", &passing_without("d-0009"));
    h.export("nine.toml", "nine.zip.age", &["--rehearsal"]);
    h.export("plan.toml", "good.zip.age", &[]);
    let nine = Repack::open(&h, "nine.zip.age");
    let mut r = Repack::open(&h, "good.zip.age");
    let prefix = format!("{D}/d-0009/");
    for name in nine.names().iter().filter(|n| n.starts_with(&prefix)) {
        r.set(name, nine.get(name));
        r.refresh(name);
    }
    let entry = nine.manifest()["dossiers"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["id"] == "d-0009")
        .unwrap()
        .clone();
    r.edit_manifest(|m| {
        m["dossiers"].as_array_mut().unwrap().push(entry.clone());
        let n = m["totals"]["dossiers"].as_u64().unwrap();
        m["totals"]["dossiers"] = (n + 1).into();
        for (kind, count) in entry["counts"].as_object().unwrap() {
            let t = m["totals"]["records"][kind].as_u64().unwrap();
            m["totals"]["records"][kind] = (t + count.as_u64().unwrap()).into();
        }
    });
    r.resign(&h);
    r.save(&h, "bad.zip.age");
    let doc = fails(&h, "bad.zip.age", "plan.toml", &["dossier-unexpected"]);
    assert_eq!(doc["problems"][0]["dossier"], "d-0009");
}

#[test]
fn a_dossier_in_the_archive_but_not_in_the_manifest_is_dossier_unexpected() {
    // Its entries are listed, so they are read; its manifest entry is gone.
    let h = good();
    let mut r = Repack::open(&h, "good.zip.age");
    r.edit_manifest(|m| {
        let list = m["dossiers"].as_array_mut().unwrap();
        let i = list.iter().position(|d| d["id"] == "d-0009").unwrap();
        let gone = list.remove(i);
        m["totals"]["dossiers"] = 9.into();
        for (kind, count) in gone["counts"].as_object().unwrap() {
            let t = m["totals"]["records"][kind].as_u64().unwrap();
            m["totals"]["records"][kind] = (t - count.as_u64().unwrap()).into();
        }
    });
    r.resign(&h);
    r.save(&h, "bad.zip.age");
    let doc = fails(&h, "bad.zip.age", "plan.toml", &["dossier-unexpected"]);
    assert!(message(&doc, "dossier-unexpected").contains("not in the manifest"));
}

#[test]
fn a_data_type_not_chosen_is_kind_unexpected() {
    let h = Handover::new();
    h.plan("full.toml", &PlanSpec::default());
    h.plan(
        "plan.toml",
        &PlanSpec::default().with_data("other", "false"),
    );
    h.export("full.toml", "full.zip.age", &["--rehearsal"]);
    h.export("plan.toml", "good.zip.age", &[]);
    let full = Repack::open(&h, "full.zip.age");
    let mut r = Repack::open(&h, "good.zip.age");
    let path = format!("{D}/d-0001/other.jsonl");
    assert!(!r.has(&path));
    r.set(&path, full.get(&path));
    r.refresh(&path);
    r.redigest("wonen-noord", "d-0001", "other");
    r.resign(&h);
    r.save(&h, "bad.zip.age");
    let doc = fails(&h, "bad.zip.age", "plan.toml", &["kind-unexpected"]);
    assert_eq!(doc["problems"][0]["kind"], "other");
}

/// Rewrites the first record of a records entry, then fixes the manifest
/// (entry, count, digest) and re-signs, so only the record's own fault
/// remains.
fn rewrite_first_record(h: &Handover, dossier: &str, kind: &str, f: impl FnOnce(&mut Value)) {
    let mut r = Repack::open(h, "good.zip.age");
    let path = format!("{D}/{dossier}/{kind}.jsonl");
    r.edit(&path, |t| {
        let mut lines: Vec<String> = t.lines().map(str::to_owned).collect();
        let mut v: Value = serde_json::from_str(&lines[0]).unwrap();
        f(&mut v);
        lines[0] = dossier_transfer::canonical::to_string(&v);
        lines.join("\n") + "\n"
    });
    r.refresh(&path);
    r.redigest("wonen-noord", dossier, kind);
    r.resign(h);
    r.save(h, "bad.zip.age");
}

#[test]
fn a_record_after_the_cut_off_is_record_after_cut_off() {
    let h = good();
    rewrite_first_record(&h, "d-0001", "daily_reports", |v| {
        v["created_at"] = "2026-11-21T09:00:00+01:00".into();
    });
    let doc = fails(&h, "bad.zip.age", "plan.toml", &["record-after-cut-off"]);
    assert_eq!(doc["problems"][0]["dossier"], "d-0001");
}

#[test]
fn a_report_dated_before_since_is_record_before_since() {
    let h = good();
    rewrite_first_record(&h, "d-0001", "daily_reports", |v| {
        v["date"] = "2024-12-31".into();
    });
    fails(&h, "bad.zip.age", "plan.toml", &["record-before-since"]);
}

#[test]
fn a_record_breaking_its_kind_is_record_invalid() {
    let h = good();
    rewrite_first_record(&h, "d-0001", "daily_reports", |v| {
        v["date"] = "yesterday".into();
    });
    // The invalid record is not counted either.
    let doc = fails(
        &h,
        "bad.zip.age",
        "plan.toml",
        &["record-invalid", "count-mismatch"],
    );
    assert!(
        doc["problems"][0]["path"]
            .as_str()
            .unwrap()
            .ends_with("daily_reports.jsonl")
    );
}

#[test]
fn a_file_content_left_out_is_reference_dangling() {
    let h = good();
    let mut r = Repack::open(&h, "good.zip.age");
    let file = r
        .names()
        .into_iter()
        .find(|n| n.starts_with("files/"))
        .unwrap();
    r.remove(&file);
    r.unlist(&file);
    r.resign(&h);
    r.save(&h, "bad.zip.age");
    let doc = fails(&h, "bad.zip.age", "plan.toml", &["reference-dangling"]);
    assert_eq!(doc["problems"][0]["path"], file.as_str());
}

#[test]
fn a_manifest_that_does_not_fit_is_manifest_invalid() {
    let h = good();
    // A real export's effective cut-off is the cut-off itself (a later
    // one would let records through).
    let mut r = Repack::open(&h, "good.zip.age");
    r.edit_manifest(|m| m["effective_cut_off"] = "2026-11-20T17:00:00+00:00".into());
    r.resign(&h);
    r.save(&h, "cut-off.zip.age");
    fails(&h, "cut-off.zip.age", "plan.toml", &["manifest-invalid"]);
    // The oxum that does not match the entries.
    let mut r = Repack::open(&h, "good.zip.age");
    r.edit_manifest(|m| m["payload_oxum"] = "1.1".into());
    r.resign(&h);
    r.save(&h, "oxum.zip.age");
    fails(&h, "oxum.zip.age", "plan.toml", &["manifest-invalid"]);
    // An entry listed twice, the oxum made to fit.
    let mut r = Repack::open(&h, "good.zip.age");
    r.edit_manifest(|m| {
        let entries = m["entries"].as_array_mut().expect("entries");
        entries.push(entries[0].clone());
        m["payload_oxum"] = oxum_of(entries).into();
    });
    r.resign(&h);
    r.save(&h, "twice.zip.age");
    let doc = fails(&h, "twice.zip.age", "plan.toml", &["manifest-invalid"]);
    assert!(
        message(&doc, "manifest-invalid").contains("twice"),
        "{doc:#}"
    );
    // Signed, but not a manifest.
    let mut r = Repack::open(&h, "good.zip.age");
    r.set(MANIFEST, "{\"format\": \"something else\"}\n");
    r.resign_raw(&h, "migration_id=noord-naar-oost-2026-11 created_at=x");
    r.save(&h, "garbage.zip.age");
    let doc = fails(&h, "garbage.zip.age", "plan.toml", &["manifest-invalid"]);
    assert_eq!(doc["summary"], Value::Null);
}

#[test]
fn a_higher_format_version_is_format_unsupported() {
    let h = good();
    let mut r = Repack::open(&h, "good.zip.age");
    r.edit_manifest(|m| m["format_version"] = 2.into());
    r.resign(&h);
    r.save(&h, "bad.zip.age");
    let doc = fails(&h, "bad.zip.age", "plan.toml", &["format-unsupported"]);
    let m = message(&doc, "format-unsupported");
    assert!(
        m.contains("format_version 2") && m.contains("version 1"),
        "{m}"
    );
}

#[test]
fn a_plan_that_differs_by_one_dossier_is_plan_mismatch() {
    let h = good_with(&PlanSpec::passing());
    h.plan("eight.toml", &passing_without("d-0010"));
    let doc = fails(
        &h,
        "good.zip.age",
        "eight.toml",
        &["plan-mismatch", "dossier-unexpected"],
    );
    assert!(message(&doc, "plan-mismatch").contains("digest"));
}

// ---- reading safely ----------------------------------------------------

/// The good archive's entries plus `extra`, as ZIP bytes.
fn with_extra(h: &Handover, extra: &[Entry]) -> Vec<u8> {
    let mut entries = Repack::open(h, "good.zip.age").entries;
    entries.extend_from_slice(extra);
    tamper::write_zip(&entries)
}

#[test]
fn unsafe_names_are_entry_name_unsafe() {
    let h = good();
    let cases: [(&str, &[u8]); 5] = [
        ("xx/evil.txt", b"../evil.txt"),
        ("xetc/passwd", b"/etc/passwd"),
        ("a_b.txt", b"a\\b.txt"),
        ("a-b.txt", b"a\0b.txt"),
        ("c-b.txt", b"c\x1bb.txt"),
    ];
    for (i, (placeholder, name)) in cases.into_iter().enumerate() {
        let mut zip = with_extra(&h, &[Entry::new(placeholder, "boo")]);
        tamper::patch_name(&mut zip, placeholder, name);
        let file = format!("bad{i}.zip.age");
        tamper::save_zip(&h, &zip, &file);
        fails(&h, &file, "plan.toml", &["entry-name-unsafe"]);
    }
}

#[test]
fn duplicate_names_are_entry_duplicate() {
    let h = good();
    let account = Repack::open(&h, "good.zip.age")
        .get("account.json")
        .to_vec();
    // The same name twice (a ZIP writer refuses to write it).
    let mut zip = with_extra(&h, &[Entry::new("account.jsox", account.clone())]);
    tamper::patch_name(&mut zip, "account.jsox", b"account.json");
    tamper::save_zip(&h, &zip, "same.zip.age");
    fails(&h, "same.zip.age", "plan.toml", &["entry-duplicate"]);
    // Equal after case folding.
    let zip = with_extra(&h, &[Entry::new("Account.json", account)]);
    tamper::save_zip(&h, &zip, "case.zip.age");
    fails(&h, "case.zip.age", "plan.toml", &["entry-duplicate"]);
    // Equal after NFC: é precomposed and e + combining acute. Neither is
    // in the manifest, so the first one is also unexpected.
    let zip = with_extra(
        &h,
        &[
            Entry::new("notes/caf\u{e9}.txt", "1"),
            Entry::new("notes/cafe\u{301}.txt", "2"),
        ],
    );
    tamper::save_zip(&h, &zip, "nfc.zip.age");
    let doc = fails(
        &h,
        "nfc.zip.age",
        "plan.toml",
        &["entry-duplicate", "entry-unexpected"],
    );
    // The twins look alike; the message shows them escaped, so they differ.
    let twins = message(&doc, "entry-duplicate");
    assert!(twins.contains(r"`notes/caf\u{e9}.txt`"), "{twins}");
    assert!(twins.contains(r"`notes/cafe\u{301}.txt`"), "{twins}");
}

#[test]
fn symlinks_encrypted_entries_and_other_methods_are_entry_unsupported() {
    let h = good();
    let entries = Repack::open(&h, "good.zip.age").entries;
    let zip = tamper::write_zip_with(&entries, |w| {
        w.add_symlink(
            "link",
            "/etc/passwd",
            zip::write::SimpleFileOptions::default(),
        )
        .expect("symlink");
    });
    tamper::save_zip(&h, &zip, "symlink.zip.age");
    let doc = fails(&h, "symlink.zip.age", "plan.toml", &["entry-unsupported"]);
    assert!(message(&doc, "entry-unsupported").contains("symlink"));
    // The encrypted flag (general purpose bit 0).
    let mut zip = with_extra(&h, &[Entry::new("files/secret", "x")]);
    tamper::patch_header(&mut zip, "files/secret", 8, Some(6), &[1, 0]);
    tamper::save_zip(&h, &zip, "encrypted.zip.age");
    fails(&h, "encrypted.zip.age", "plan.toml", &["entry-unsupported"]);
    // Method 12 (bzip2).
    let mut zip = with_extra(&h, &[Entry::new("files/bzip", "x")]);
    tamper::patch_header(&mut zip, "files/bzip", 10, Some(8), &[12, 0]);
    tamper::save_zip(&h, &zip, "bzip2.zip.age");
    let doc = fails(&h, "bzip2.zip.age", "plan.toml", &["entry-unsupported"]);
    let why = message(&doc, "entry-unsupported");
    assert!(why.contains("uses bzip2 (compression method 12)"), "{why}");
}

#[test]
fn an_entry_inflating_past_its_declared_size_is_entry_too_large() {
    let h = good();
    let r = Repack::open(&h, "good.zip.age");
    for (i, name) in [
        "account.json".to_owned(),
        PLAN.to_owned(),
        format!("{D}/d-0001/daily_reports.jsonl"),
    ]
    .iter()
    .enumerate()
    {
        let mut zip = r.zip();
        let real = r.get(name).len() as u32;
        tamper::patch_size(&mut zip, name, real - 10);
        let file = format!("bad{i}.zip.age");
        tamper::save_zip(&h, &zip, &file);
        let doc = fails(&h, &file, "plan.toml", &["entry-too-large"]);
        assert!(
            message(&doc, "entry-too-large").contains(name.as_str()),
            "{doc:#}"
        );
    }
}

#[test]
fn an_entry_one_byte_over_its_declared_size_is_entry_too_large() {
    let h = good();
    let r = Repack::open(&h, "good.zip.age");
    let mut zip = r.zip();
    tamper::patch_size(&mut zip, MANIFEST, r.get(MANIFEST).len() as u32 - 1);
    tamper::save_zip(&h, &zip, "manifest.zip.age");
    fails(&h, "manifest.zip.age", "plan.toml", &["entry-too-large"]);
    // The byte past a JSON entry's value is only met when the tree reader
    // checks for text after the value; the tree reader (src/tree/read/)
    // then also reports `tree-invalid`.
    let mut zip = r.zip();
    tamper::patch_size(
        &mut zip,
        "account.json",
        r.get("account.json").len() as u32 - 1,
    );
    tamper::save_zip(&h, &zip, "account.zip.age");
    let (code, doc) = verify(&h, "account.zip.age", "plan.toml");
    assert_eq!(code, 3);
    assert!(
        code_set(&doc).contains(&"entry-too-large".to_owned()),
        "{doc:#}"
    );
}

#[test]
fn the_reading_caps_are_entry_too_large() {
    let h = good();
    for cap in [
        ["--max-entries", "5"],
        ["--max-entry-size", "1000"],
        ["--max-total-size", "10000"],
        ["--max-line-length", "600"],
    ] {
        let (code, doc) = h.json(&[
            "verify",
            "good.zip.age",
            "--plan",
            "plan.toml",
            "--identity",
            "keys/identity.txt",
            cap[0],
            cap[1],
        ]);
        assert_eq!(code_set(&doc), ["entry-too-large"], "{cap:?}: {doc:#}");
        assert_eq!(code, 3, "{cap:?}");
    }
    // Brackets inside strings (after an escaped quote too) are not nesting.
    let mut r = Repack::open(&h, "good.zip.age");
    let path = format!("{D}/d-0001/other.jsonl");
    r.edit(&path, |t| {
        let text = format!("\\\"{}\\\\", "[{".repeat(200));
        t.replacen(
            "\"payload\":{",
            &format!("\"payload\":{{\"a\":\"{text}\","),
            1,
        )
    });
    r.refresh(&path);
    r.redigest("wonen-noord", "d-0001", "other");
    r.resign(&h);
    r.save(&h, "strings.zip.age");
    let (code, doc) = verify(&h, "strings.zip.age", "plan.toml");
    assert!(
        !code_set(&doc).contains(&"entry-too-large".to_owned()),
        "{doc:#}"
    );
    assert_eq!(code, 0, "{doc:#}");
    // JSON nested deeper than serde_json reads: refused while reading.
    let mut r = Repack::open(&h, "good.zip.age");
    let path = format!("{D}/d-0001/other.jsonl");
    r.edit(&path, |t| {
        let deep = "[".repeat(200) + &"]".repeat(200);
        t.replacen("\"payload\":", &format!("\"payload\":{deep},\"x\":"), 1)
    });
    r.refresh(&path);
    r.resign(&h);
    r.save(&h, "deep.zip.age");
    let doc = fails(&h, "deep.zip.age", "plan.toml", &["entry-too-large"]);
    assert!(
        message(&doc, "entry-too-large").contains("levels deep"),
        "{doc:#}"
    );
}

#[test]
fn bytes_around_the_zip_are_zip_invalid() {
    let h = good();
    let zip = h.plaintext("good.zip.age");
    let mut after = zip.clone();
    after.extend_from_slice(b"trailing bytes");
    tamper::save_zip(&h, &after, "after.zip.age");
    fails(&h, "after.zip.age", "plan.toml", &["zip-invalid"]);
    let mut before = b"leading bytes".to_vec();
    before.extend_from_slice(&zip);
    tamper::save_zip(&h, &before, "before.zip.age");
    fails(&h, "before.zip.age", "plan.toml", &["zip-invalid"]);
    tamper::save_zip(&h, b"not a zip at all", "junk.zip.age");
    fails(&h, "junk.zip.age", "plan.toml", &["zip-invalid"]);
}

// ---- the golden version-1 archive --------------------------------------

/// The sha256 of `fixtures/golden/archive.zip.age`, as made.
const GOLDEN_SHA256: &str = "4a3deadd566d0cff520500ba145e7ccedee78b6f8f19a7616c518e3acf020905";

#[test]
fn the_golden_version_1_archive_verifies() {
    let tmp = tempfile::tempdir().unwrap();
    copy_tree(&fixtures().join("golden"), tmp.path());
    assert_eq!(
        file_sha(&tmp.path().join("archive.zip.age")),
        GOLDEN_SHA256,
        "the golden archive was changed: it must never be regenerated (fixtures/golden/README.md)"
    );
    let (code, doc) = run_json(
        tmp.path(),
        &[
            "verify",
            "archive.zip.age",
            "--plan",
            "plan.toml",
            "--identity",
            "identity.txt",
        ],
    );
    assert_eq!(code, 0, "the golden archive must always verify: {doc:#}");
    let s = &doc["summary"];
    assert_eq!(s["migration_id"], "golden-noord-naar-oost");
    assert_eq!(s["rehearsal"], false);
    assert_eq!(s["dossiers"], 9);
    assert_eq!(s["records"]["daily_reports"], 25);
    assert_eq!(s["records"]["files"], 7);
    assert_eq!(s["records"]["history"], 9);
    assert_eq!(s["file_bytes"], 820);
    assert_eq!(s["exported_by"], "Golden Fixture <golden@noord.example>");
    let signer = std::fs::read_to_string(tmp.path().join("signing.pub")).unwrap();
    assert_eq!(s["signer"], signer.lines().last().unwrap().trim());
}

#[test]
fn findings_of_one_code_are_capped_with_a_count() {
    let h = good();
    let mut r = Repack::open(&h, "good.zip.age");
    r.edit_manifest(|m| {
        let entries = m["entries"].as_array_mut().expect("entries");
        let template = entries[0].clone();
        for i in 0..150 {
            let mut e = template.clone();
            e["path"] = format!("files/missing-{i:03}").into();
            entries.push(e);
        }
        m["payload_oxum"] = oxum_of(entries).into();
    });
    r.resign(&h);
    r.save(&h, "many-missing.zip.age");
    let doc = fails(&h, "many-missing.zip.age", "plan.toml", &["entry-missing"]);
    let problems = doc["problems"].as_array().expect("problems");
    assert_eq!(problems.len(), 101, "{doc:#}");
    assert_eq!(problems[100]["message"], "and 50 more `entry-missing`");
}

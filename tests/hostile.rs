//! Hostile inputs (the "hostile inputs" issue): each is made from a good
//! archive or tree, must be refused with its own problem code and exit
//! code, well within a time guard, and must change nothing.

mod common;

use common::handover::{Handover, PlanSpec};
use common::tamper::{self, Entry, Repack};
use common::*;
use serde_json::Value;
use std::time::{Duration, Instant};

/// Far more than any refusal needs; the attacks below take minutes.
const GUARD: Duration = Duration::from_secs(30);

/// A handover whose `plan.toml` exported `good.zip.age`.
fn good() -> Handover {
    let h = Handover::new();
    h.plan("plan.toml", &PlanSpec::default());
    h.export("plan.toml", "good.zip.age", &[]);
    h
}

fn sorted_codes(doc: &Value) -> Vec<String> {
    let mut got = codes(doc);
    got.sort();
    got.dedup();
    got
}

/// Runs `args` (with `--json`) and asserts the exit code, exactly the
/// problem codes `want`, the time guard, and that no file in the handover
/// folder changed. Returns the document.
fn refused(h: &Handover, args: &[&str], exit: i32, want: &[&str]) -> Value {
    let before = tree_bytes(h.dir());
    let started = Instant::now();
    let (code, doc) = h.json(args);
    let took = started.elapsed();
    assert!(took < GUARD, "took {took:?}: {doc:#}");
    assert_eq!(sorted_codes(&doc), want, "{doc:#}");
    assert_eq!(code, exit, "{doc:#}");
    assert!(tree_bytes(h.dir()) == before, "a file changed");
    doc
}

fn verify_args(archive: &str) -> Vec<&str> {
    vec![
        "verify",
        archive,
        "--plan",
        "plan.toml",
        "--identity",
        "keys/identity.txt",
    ]
}

fn import_args(archive: &str) -> Vec<&str> {
    vec![
        "import",
        archive,
        "--plan",
        "plan.toml",
        "--identity",
        "keys/identity.txt",
        "--store",
        "target.db",
        "--account",
        "zorggroep-oost-test",
    ]
}

/// Verify and import both refuse `archive` with exactly `want`, exit 3.
fn both_refuse(h: &Handover, archive: &str, want: &[&str]) -> Value {
    refused(h, &import_args(archive), 3, want);
    refused(h, &verify_args(archive), 3, want)
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

// ---- 1. bounded time: overlapping entries ------------------------------

/// 32 MiB of zeros, which deflate to a few dozen KiB.
const KERNEL: usize = 32 << 20;
const ALIASES: usize = 2000;

#[test]
fn overlapping_entries_are_zip_invalid_before_anything_is_inflated() {
    let h = good();
    let mut r = Repack::open(&h, "good.zip.age");
    let kernel = format!("files/{}", "f".repeat(64));
    let aliases: Vec<String> = (0..ALIASES).map(|i| format!("files/{i:064x}")).collect();
    // The manifest lists every alias, so a reader that trusted the layout
    // would inflate the kernel 2000 times (64 GB).
    r.edit_manifest(|m| {
        let entries = m["entries"].as_array_mut().expect("entries");
        for name in &aliases {
            entries
                .push(serde_json::json!({"path": name, "size": KERNEL, "sha256": "0".repeat(64)}));
        }
        let total: u64 = entries.iter().map(|e| e["size"].as_u64().unwrap()).sum();
        m["payload_oxum"] = format!("{total}.{}", entries.len()).into();
    });
    r.resign(&h);
    let mut entries = r.entries.clone();
    entries.push(Entry {
        name: kernel.clone(),
        data: vec![0u8; KERNEL],
        method: zip::CompressionMethod::Deflated,
    });
    let mut zip = tamper::write_zip(&entries);
    tamper::add_aliases(&mut zip, &kernel, &aliases);
    tamper::save_zip(&h, &zip, "bomb.zip.age");
    let doc = both_refuse(&h, "bomb.zip.age", &["zip-invalid"]);
    // The overlap comes first, and the output stays bounded.
    let m = message(&doc, "zip-invalid");
    assert!(m.contains("overlap") && m.contains(&kernel), "{m}");
    let problems = doc["problems"].as_array().expect("problems");
    assert!(problems.len() <= 101, "{} problems", problems.len());
}

#[test]
fn an_entry_running_into_the_central_directory_is_zip_invalid() {
    let h = good();
    let r = Repack::open(&h, "good.zip.age");
    let mut zip = r.zip();
    // The last entry's compressed size grows past the directory's start.
    let last = r.entries.last().expect("entries").name.clone();
    let past = u32::try_from(zip.len()).expect("a small ZIP");
    tamper::patch_header(&mut zip, &last, 20, None, &past.to_le_bytes());
    tamper::save_zip(&h, &zip, "bad.zip.age");
    let doc = both_refuse(&h, "bad.zip.age", &["zip-invalid"]);
    let m = message(&doc, "zip-invalid");
    assert!(m.contains(&last) && m.contains("central directory"), "{m}");
}

#[test]
fn a_bad_signature_stops_verify_before_the_payload_is_read() {
    let h = good();
    assert_eq!(h.run(&["keygen", "--out", "other"]).0, 0);
    let mut r = Repack::open(&h, "good.zip.age");
    // A changed payload entry that a payload check would report.
    r.edit("account.json", |t| t.replacen("Noord", "Nood!", 1));
    r.sign_with(&h.path("other/signing.key"));
    r.save(&h, "bad.zip.age");
    both_refuse(&h, "bad.zip.age", &["signature-invalid"]);
}

// ---- 2. no parser differential: central directory vs local header ------

/// The good archive's ZIP with one more entry, `files/extra`, not listed in
/// the manifest: refusing it is the only finding.
fn with_extra(h: &Handover) -> Vec<u8> {
    let mut entries = Repack::open(h, "good.zip.age").entries;
    entries.push(Entry::new("files/extra", "some bytes"));
    tamper::write_zip(&entries)
}

#[test]
fn a_local_header_that_disagrees_with_the_directory_is_zip_invalid() {
    let h = good();
    // (what differs, offset in the local header, bytes written there)
    let cases: [(&str, usize, &[u8]); 5] = [
        ("the name (`files/extrX`", 30 + 10, b"X"),
        (
            "the compression method (8 in the local header, 0",
            8,
            &[8, 0],
        ),
        ("the CRC-32", 14, &[0, 0, 0, 0]),
        (
            "the compressed size (11 in the local header, 10",
            18,
            &[11, 0, 0, 0],
        ),
        ("the size (9 in the local header, 10", 22, &[9, 0, 0, 0]),
    ];
    for (i, (what, offset, bytes)) in cases.into_iter().enumerate() {
        let mut zip = with_extra(&h);
        tamper::patch_local(&mut zip, "files/extra", offset, bytes);
        let file = format!("differs-{i}.zip.age");
        tamper::save_zip(&h, &zip, &file);
        let doc = both_refuse(&h, &file, &["zip-invalid"]);
        let m = message(&doc, "zip-invalid");
        assert!(m.contains("entry `files/extra`"), "{what}: {m}");
        assert!(m.contains(what), "{what}: {m}");
        assert_eq!(doc["problems"][0]["path"], "files/extra", "{doc:#}");
    }
}

#[test]
fn zeros_under_a_data_descriptor_are_not_a_difference() {
    let h = good();
    let mut zip = with_extra(&h);
    // Bit 3 in both headers; the local CRC and sizes left as zeros.
    tamper::patch_header(&mut zip, "files/extra", 8, Some(6), &[8, 0]);
    tamper::patch_local(&mut zip, "files/extra", 14, &[0; 12]);
    tamper::save_zip(&h, &zip, "descriptor.zip.age");
    let (code, doc) = h.json(&verify_args("descriptor.zip.age"));
    assert_eq!(sorted_codes(&doc), ["entry-unexpected"], "{doc:#}");
    assert_eq!(code, 3);
}

// ---- 3. no parser differential: duplicate JSON keys --------------------

const REPORTS: &str = "groups/wonen-noord/dossiers/d-0001/daily_reports.jsonl";

/// `{"text":"a", …}`: the key `text` now comes twice, the record's own
/// last (serde_json keeps the last, other readers the first).
fn text_twice(line: &str) -> String {
    line.replacen('{', r#"{"text":"a","#, 1)
}

#[test]
fn a_record_with_a_key_twice_is_record_invalid() {
    let h = good();
    let mut r = Repack::open(&h, "good.zip.age");
    r.edit(REPORTS, |t| {
        let mut lines: Vec<String> = t.lines().map(str::to_owned).collect();
        lines[0] = text_twice(&lines[0]);
        lines.join("\n") + "\n"
    });
    r.refresh(REPORTS);
    r.resign(&h);
    r.save(&h, "bad.zip.age");
    // The refused record is not counted either.
    let doc = both_refuse(&h, "bad.zip.age", &["count-mismatch", "record-invalid"]);
    let m = message(&doc, "record-invalid");
    assert!(
        m.contains(REPORTS) && m.contains("line 1") && m.contains("`text` appears twice"),
        "{m}"
    );
}

#[test]
fn a_manifest_with_a_key_twice_is_manifest_invalid() {
    let h = good();
    let mut r = Repack::open(&h, "good.zip.age");
    // A count that the typed parse would silently overwrite.
    r.edit(dossier_transfer::archive::MANIFEST, |t| {
        t.replacen("\"counts\": {", "\"counts\": {\"daily_reports\": 0,", 1)
    });
    r.resign(&h);
    r.save(&h, "bad.zip.age");
    let doc = both_refuse(&h, "bad.zip.age", &["manifest-invalid"]);
    let m = message(&doc, "manifest-invalid");
    assert!(m.contains("`daily_reports` appears twice"), "{m}");
}

/// A temp folder with the source fixture tree in `source/` and a store
/// `s.db` that already holds the target fixture account.
fn tree_and_store() -> (tempfile::TempDir, std::path::PathBuf) {
    let (tmp, tree) = with_fixture("source");
    let target = fixtures().join("target").display().to_string();
    let (code, _, err) = run(tmp.path(), &["account", "load", &target, "--store", "s.db"]);
    assert_eq!(code, 0, "{err}");
    (tmp, tree)
}

/// `account load source` into `s.db`: exit 3, exactly `want`, within the
/// guard, `s.db` unchanged. Returns the document.
fn load_refused(dir: &std::path::Path, want: &[&str]) -> Value {
    let before = std::fs::read(dir.join("s.db")).expect("store");
    let started = Instant::now();
    let (code, doc) = run_json(dir, &["account", "load", "source", "--store", "s.db"]);
    assert!(started.elapsed() < GUARD, "took {:?}", started.elapsed());
    assert_eq!(sorted_codes(&doc), want, "{doc:#}");
    assert_eq!(code, 3, "{doc:#}");
    let after = std::fs::read(dir.join("s.db")).expect("store");
    assert!(before == after, "the store changed");
    doc
}

#[test]
fn a_tree_with_a_key_twice_is_refused() {
    let (tmp, tree) = tree_and_store();
    let reports = tree.join("groups/wonen-noord/dossiers/d-0001/daily_reports.jsonl");
    edit(&reports, |t| {
        let mut lines: Vec<String> = t.lines().map(str::to_owned).collect();
        lines[0] = text_twice(&lines[0]);
        lines.join("\n") + "\n"
    });
    let doc = load_refused(tmp.path(), &["record-invalid"]);
    assert!(message(&doc, "record-invalid").contains("`text` appears twice"));

    let (tmp, tree) = tree_and_store();
    edit(&tree.join("account.json"), |t| {
        t.replacen(
            "\"name\": \"Zorggroep Noord\",",
            "\"name\": \"Zorggroep Noord\",\n  \"name\": \"Iemand Anders\",",
            1,
        )
    });
    let doc = load_refused(tmp.path(), &["tree-invalid"]);
    let m = message(&doc, "tree-invalid");
    assert!(
        m.contains("account.json") && m.contains("`name` appears twice"),
        "{m}"
    );
}

// ---- 4. the dossier tree is a tree -------------------------------------

/// `account load source` run with a guard: a load that blocks (on a FIFO)
/// is killed and fails the test instead of hanging it.
fn load_guarded(dir: &std::path::Path) -> (i32, Value) {
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_dossier-transfer"))
        .current_dir(dir)
        .args(["account", "load", "source", "--store", "s.db", "--json"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("binary runs");
    let started = Instant::now();
    while child.try_wait().expect("waits").is_none() {
        if started.elapsed() > GUARD {
            let _ = child.kill();
            panic!("account load still ran after {GUARD:?}");
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    let out = child.wait_with_output().expect("output");
    let doc = serde_json::from_slice(&out.stdout).expect("a JSON document");
    (out.status.code().unwrap_or(-1), doc)
}

/// Loads with the guard; asserts exit 3, only `tree-invalid`, a problem
/// naming `path`, and `s.db` unchanged.
fn tree_refused(dir: &std::path::Path, path: &str) {
    let before = std::fs::read(dir.join("s.db")).expect("store");
    let (code, doc) = load_guarded(dir);
    assert_eq!(sorted_codes(&doc), ["tree-invalid"], "{doc:#}");
    assert_eq!(code, 3, "{doc:#}");
    assert!(
        doc["problems"].as_array().expect("problems").iter().any(
            |p| p["path"] == path && p["message"].as_str().is_some_and(|m| m.starts_with(path))
        ),
        "no problem names {path}: {doc:#}"
    );
    assert!(
        std::fs::read(dir.join("s.db")).expect("store") == before,
        "the store changed"
    );
}

#[cfg(unix)]
#[test]
fn symlinks_in_a_tree_are_tree_invalid_and_never_followed() {
    use std::os::unix::fs::symlink;
    // A valid account.json, but outside the tree.
    let (tmp, tree) = tree_and_store();
    std::fs::rename(tree.join("account.json"), tmp.path().join("elsewhere.json")).expect("moved");
    symlink("../elsewhere.json", tree.join("account.json")).expect("symlink");
    tree_refused(tmp.path(), "account.json");
    // A file's content that is a system file.
    let (tmp, tree) = tree_and_store();
    let content = std::fs::read_dir(tree.join("files"))
        .expect("files/")
        .next()
        .expect("a file")
        .expect("entry")
        .path();
    let name = format!("files/{}", content.file_name().unwrap().to_string_lossy());
    std::fs::remove_file(&content).expect("removed");
    symlink("/etc/passwd", &content).expect("symlink");
    tree_refused(tmp.path(), &name);
    // A dossier folder that is a link to another folder.
    let (tmp, tree) = tree_and_store();
    let dossier = tree.join("groups/wonen-noord/dossiers/d-0001");
    std::fs::rename(&dossier, tmp.path().join("d-0001")).expect("moved");
    symlink(tmp.path().join("d-0001"), &dossier).expect("symlink");
    tree_refused(tmp.path(), "groups/wonen-noord/dossiers/d-0001");
}

#[cfg(unix)]
#[test]
fn a_fifo_in_a_tree_is_tree_invalid_without_blocking() {
    let (tmp, tree) = tree_and_store();
    let rel = "groups/wonen-noord/dossiers/d-0001/daily_reports.jsonl";
    std::fs::remove_file(tree.join(rel)).expect("removed");
    let (code, _, err) = run_tool(tmp.path(), "mkfifo", &[&format!("source/{rel}")], b"");
    assert_eq!(code, 0, "mkfifo: {err}");
    tree_refused(tmp.path(), rel);
}

// ---- 5. the age layer --------------------------------------------------

#[test]
fn an_armored_archive_verifies() {
    let h = good();
    let armored = tamper::encrypt_armored(&h.plaintext("good.zip.age"), &[&h.recipient]);
    assert!(armored.starts_with(b"-----BEGIN AGE ENCRYPTED FILE-----"));
    std::fs::write(h.path("armored.zip.age"), &armored).expect("written");
    let before = tree_bytes(h.dir());
    let (code, doc) = h.json(&verify_args("armored.zip.age"));
    assert_eq!(code, 0, "{doc:#}");
    assert_eq!(doc["summary"]["dossiers"], 10, "{doc:#}");
    assert!(tree_bytes(h.dir()) == before, "verify wrote a file");
    // A damaged armor line, and a cut armor.
    let mut damaged = armored.clone();
    let at = armored.len() / 2;
    damaged[at] = if damaged[at] == b'A' { b'B' } else { b'A' };
    std::fs::write(h.path("damaged.zip.age"), &damaged).expect("written");
    both_refuse(&h, "damaged.zip.age", &["archive-corrupt"]);
    std::fs::write(h.path("cut.zip.age"), &armored[..armored.len() / 3]).expect("written");
    both_refuse(&h, "cut.zip.age", &["archive-corrupt"]);
}

#[test]
#[cfg_attr(missing_tool = "age", ignore = "needs `age`")]
fn an_archive_armored_by_the_age_tool_verifies() {
    if !tool("age") {
        return;
    }
    let h = good();
    std::fs::write(h.path("x.zip"), h.plaintext("good.zip.age")).expect("written");
    let args = ["-a", "-r", &h.recipient, "-o", "cli.zip.age", "x.zip"];
    let (code, _, err) = run_tool(h.dir(), "age", &args, b"");
    assert_eq!(code, 0, "age -a: {err}");
    let (code, doc) = h.json(&verify_args("cli.zip.age"));
    assert_eq!(code, 0, "{doc:#}");
    // And a binary one made by the tool, cut before its nonce ends.
    let args = ["-r", &h.recipient, "-o", "bin.zip.age", "x.zip"];
    assert_eq!(run_tool(h.dir(), "age", &args, b"").0, 0);
    let bytes = std::fs::read(h.path("bin.zip.age")).expect("read");
    let cut = &bytes[..tamper::age_header_len(&bytes) + 8];
    std::fs::write(h.path("cut.zip.age"), cut).expect("written");
    both_refuse(&h, "cut.zip.age", &["archive-corrupt"]);
}

#[test]
fn empty_or_cut_age_headers_are_archive_corrupt() {
    let h = good();
    let good = std::fs::read(h.path("good.zip.age")).expect("read");
    let header = tamper::age_header_len(&good);
    // Where the MAC line starts: the header without it.
    let mac = good
        .windows(4)
        .position(|w| w == b"\n---")
        .expect("a MAC line")
        + 1;
    let cases: [(&str, &[u8]); 6] = [
        ("empty", b""),
        ("half-header", &good[..header / 2]),
        ("no-mac", &good[..mac]),
        (
            "mac-without-value",
            &[&good[..mac], b"---\n".as_slice()].concat(),
        ),
        ("no-nonce", &good[..header]),
        ("half-nonce", &good[..header + 8]),
    ];
    for (name, bytes) in cases {
        let file = format!("{name}.zip.age");
        std::fs::write(h.path(&file), bytes).expect("written");
        let doc = both_refuse(&h, &file, &["archive-corrupt"]);
        assert!(
            message(&doc, "archive-corrupt").contains(&file),
            "{name}: {doc:#}"
        );
    }
}

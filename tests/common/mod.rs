//! Shared helpers of the integration tests: run the real binary in a temp
//! folder, copy fixtures, read JSON output.
#![allow(dead_code)]

pub mod handover;
pub mod pg;
pub mod tamper;

use assert_cmd::Command;
use std::path::{Path, PathBuf};

/// A real age recipient and minisign public key, generated once with
/// `age-keygen` and `minisign -G -W` (the secret halves were not kept), for
/// plans of tests that never encrypt, decrypt or verify an archive.
pub const RECIPIENT: &str = "age1fhzuc5t7d9t52l7nl4v3wjrfdgnw8nz08thuzvjs6wuh57gxxp6shellqg";
pub const SIGNER: &str = "RWRkx7hPFZLjxy3i59NK5Rq//sI7KN+mAkSaExktk/H8BnpfmAUIsdF3";

/// A handover folder without keys: the source fixture in `source.db`, the
/// target and test accounts in `target.db`, and [`RECIPIENT`] / [`SIGNER`]
/// for the plans (for `check` and `align`, which need no secret keys).
pub fn fixture_handover() -> handover::Handover {
    let tmp = tempfile::tempdir().expect("tempdir");
    for (name, db) in [
        (dossier_transfer::fixtures::SOURCE_TREE, "source.db"),
        (dossier_transfer::fixtures::TARGET_TREE, "target.db"),
        (dossier_transfer::fixtures::TEST_TREE, "target.db"),
    ] {
        let tree = fixtures().join(name).display().to_string();
        let (code, _, err) = run(tmp.path(), &["account", "load", &tree, "--store", db]);
        assert_eq!(code, 0, "load {name}: {err}");
    }
    handover::Handover {
        tmp,
        recipient: RECIPIENT.to_owned(),
        signer: SIGNER.to_owned(),
        databases: Vec::new(),
    }
}

pub fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures")
}

/// The variable the CLI takes a signing key's password from (cli.md).
pub const PASSWORD_ENV: &str = "DOSSIER_TRANSFER_KEY_PASSWORD";

/// The binary with a clean environment for its variables.
pub fn bin() -> Command {
    let mut c = Command::cargo_bin("dossier-transfer").expect("binary builds");
    c.env_remove("DOSSIER_TRANSFER_STORE")
        .env_remove("DOSSIER_TRANSFER_OPERATOR")
        .env_remove(PASSWORD_ENV);
    c
}

/// Runs the binary with `args` in `dir`; returns (exit code, stdout, stderr).
pub fn run(dir: &Path, args: &[&str]) -> (i32, String, String) {
    let out = bin()
        .current_dir(dir)
        .args(args)
        .output()
        .expect("binary runs");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// Runs with `--json` and parses the document on stdout.
pub fn run_json(dir: &Path, args: &[&str]) -> (i32, serde_json::Value) {
    let mut all = args.to_vec();
    all.push("--json");
    let (code, stdout, stderr) = run(dir, &all);
    let doc = serde_json::from_str(&stdout)
        .unwrap_or_else(|e| panic!("no JSON on stdout ({e}): {stdout}\nstderr: {stderr}"));
    (code, doc)
}

/// The codes of the problems in a `--json` document.
pub fn codes(doc: &serde_json::Value) -> Vec<String> {
    doc["problems"]
        .as_array()
        .map(|a| {
            a.iter()
                .map(|p| p["code"].as_str().unwrap_or("").to_owned())
                .collect()
        })
        .unwrap_or_default()
}

/// Copies a folder tree.
pub fn copy_tree(from: &Path, to: &Path) {
    for entry in walkdir::WalkDir::new(from) {
        let entry = entry.expect("fixture readable");
        let rel = entry.path().strip_prefix(from).expect("inside");
        let dest = to.join(rel);
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&dest).expect("mkdir");
        } else {
            std::fs::copy(entry.path(), &dest).expect("copy");
        }
    }
}

/// A temp folder with a copy of fixture `name` in `<tmp>/<name>`.
pub fn with_fixture(name: &str) -> (tempfile::TempDir, PathBuf) {
    let tmp = tempfile::tempdir().expect("tempdir");
    let dest = tmp.path().join(name);
    copy_tree(&fixtures().join(name), &dest);
    let _ = std::fs::remove_file(dest.join("README.md"));
    (tmp, dest)
}

/// Every file below `root` with its bytes, for comparing trees.
pub fn tree_bytes(root: &Path) -> Vec<(String, Vec<u8>)> {
    let mut out: Vec<_> = walkdir::WalkDir::new(root)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            let rel = e
                .path()
                .strip_prefix(root)
                .expect("inside")
                .to_string_lossy()
                .into_owned();
            (rel, std::fs::read(e.path()).expect("readable"))
        })
        .collect();
    out.sort();
    out
}

/// Asserts two trees hold the same files with the same bytes.
pub fn assert_same_tree(a: &Path, b: &Path) {
    let (ta, tb) = (tree_bytes(a), tree_bytes(b));
    let names = |t: &[(String, Vec<u8>)]| t.iter().map(|(n, _)| n.clone()).collect::<Vec<_>>();
    assert_eq!(names(&ta), names(&tb), "the trees hold different files");
    for ((name, x), (_, y)) in ta.iter().zip(tb.iter()) {
        assert!(
            x == y,
            "{name} differs:\n{}\n---\n{}",
            String::from_utf8_lossy(x),
            String::from_utf8_lossy(y)
        );
    }
}

/// Rewrites a file's text.
pub fn edit(path: &Path, f: impl FnOnce(String) -> String) {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    std::fs::write(path, f(text)).expect("write");
}

/// The sha256 of a file's bytes.
pub fn file_sha(path: &Path) -> String {
    dossier_transfer::digest::sha256_hex(&std::fs::read(path).expect("readable"))
}

/// Whether the outside CLI `name` is on the PATH. A test that needs it
/// skips (returns early) when it is missing, with a note, unless
/// `DOSSIER_TRANSFER_REQUIRE_TOOLS=1` (CI): then a missing tool fails.
pub fn tool(name: &str) -> bool {
    let found = std::env::var_os("PATH")
        .is_some_and(|paths| std::env::split_paths(&paths).any(|dir| dir.join(name).is_file()));
    if !found {
        assert!(
            std::env::var("DOSSIER_TRANSFER_REQUIRE_TOOLS").as_deref() != Ok("1"),
            "`{name}` is not installed and DOSSIER_TRANSFER_REQUIRE_TOOLS=1"
        );
        eprintln!("note: `{name}` is not installed; skipping this test");
    }
    found
}

/// Runs an outside command in `dir` with `stdin` as its input; returns
/// (exit code, stdout, stderr).
pub fn run_tool(dir: &Path, program: &str, args: &[&str], stdin: &[u8]) -> (i32, Vec<u8>, String) {
    use std::io::Write;
    let mut child = std::process::Command::new(program)
        .current_dir(dir)
        .args(args)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("{program} runs: {e}"));
    if let Some(mut input) = child.stdin.take() {
        input.write_all(stdin).expect("stdin written");
    }
    let out = child.wait_with_output().expect("tool finishes");
    (
        out.status.code().unwrap_or(-1),
        out.stdout,
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

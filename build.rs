//! Embeds the dossier trees under `fixtures/` into the binary, so that
//! `demo` runs from any folder; and tells the tests which outside tools
//! are missing, so that their tests show as ignored rather than passed.

use std::fmt::Write as _;
use std::path::Path;

/// The outside command-line tools some integration tests drive.
const TOOLS: [&str; 6] = [
    "age",
    "age-keygen",
    "unzip",
    "minisign",
    "sha256sum",
    "chromium",
];

fn main() {
    missing_tools();
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures");
    println!("cargo:rerun-if-changed=fixtures");
    let mut files = Vec::new();
    collect(&root, &root, &mut files);
    files.sort();
    let mut out = String::from(
        "/// Every bundled fixture file: its path under `fixtures/`, and its bytes.\nstatic FILES: &[(&str, &[u8])] = &[\n",
    );
    for (rel, abs) in &files {
        let _ = writeln!(out, "    ({rel:?}, include_bytes!({abs:?})),");
    }
    out.push_str("];\n");
    let dest =
        Path::new(&std::env::var("OUT_DIR").expect("cargo sets OUT_DIR")).join("fixtures.rs");
    std::fs::write(dest, out).expect("OUT_DIR is writable");
}

fn collect(root: &Path, dir: &Path, out: &mut Vec<(String, String)>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        println!("cargo:rerun-if-changed={}", path.display());
        if path.is_dir() {
            collect(root, &path, out);
        } else if let Ok(rel) = path.strip_prefix(root) {
            let rel = rel
                .components()
                .map(|c| c.as_os_str().to_string_lossy())
                .collect::<Vec<_>>()
                .join("/");
            out.push((rel, path.display().to_string()));
        }
    }
}

/// Sets `missing_tool = "<name>"` for each tool not on the PATH (and
/// `"postgres"` when `DOSSIER_TRANSFER_TEST_POSTGRES` names no server),
/// which marks the tests that need it `#[ignore]`. With
/// `DOSSIER_TRANSFER_REQUIRE_TOOLS=1` (CI) nothing is marked: a missing
/// tool then fails its tests instead of hiding them.
fn missing_tools() {
    let mut names: Vec<String> = TOOLS.iter().map(|t| format!("\"{t}\"")).collect();
    // Not a command but a server: the tests on PostgreSQL need one named.
    names.push("\"postgres\"".to_owned());
    println!(
        "cargo:rustc-check-cfg=cfg(missing_tool, values({}))",
        names.join(", ")
    );
    println!("cargo:rerun-if-env-changed=PATH");
    println!("cargo:rerun-if-env-changed=DOSSIER_TRANSFER_REQUIRE_TOOLS");
    println!("cargo:rerun-if-env-changed=DOSSIER_TRANSFER_TEST_POSTGRES");
    let path = std::env::var_os("PATH").unwrap_or_default();
    let dirs: Vec<_> = std::env::split_paths(&path)
        .filter(|d| d.is_dir())
        .collect();
    // A tool installed later changes its folder, which runs this again.
    for dir in &dirs {
        println!("cargo:rerun-if-changed={}", dir.display());
    }
    if std::env::var("DOSSIER_TRANSFER_REQUIRE_TOOLS").as_deref() == Ok("1") {
        return;
    }
    for tool in TOOLS {
        if !dirs.iter().any(|d| d.join(tool).is_file()) {
            println!("cargo:rustc-cfg=missing_tool=\"{tool}\"");
        }
    }
    if std::env::var_os("DOSSIER_TRANSFER_TEST_POSTGRES").is_none() {
        println!("cargo:rustc-cfg=missing_tool=\"postgres\"");
    }
}

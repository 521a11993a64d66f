//! The library boundary (issue 10): outside `src/cli/` and `src/main.rs`
//! the code never reads the environment, looks at or prompts on a
//! terminal, prints or exits; the binary does those.

use std::path::{Path, PathBuf};

const FORBIDDEN: [&str; 12] = [
    "env::var",
    "env::args",
    "is_terminal",
    "stdin()",
    "stdout()",
    "stderr()",
    "rpassword",
    "indicatif",
    "println!",
    "eprintln!",
    "print!(",
    "process::exit",
];

fn library_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("src is readable") {
        let path = entry.expect("entry").path();
        if path.is_dir() {
            if path.file_name().is_some_and(|n| n != "cli") {
                library_files(&path, out);
            }
        } else if path.extension().is_some_and(|e| e == "rs")
            && path.file_name().is_some_and(|n| n != "main.rs")
        {
            out.push(path);
        }
    }
}

#[test]
fn the_library_never_reads_the_environment_prompts_or_prints() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    library_files(&src, &mut files);
    assert!(files.len() > 20, "found the library's files");
    let mut found = Vec::new();
    for file in files {
        let text = std::fs::read_to_string(&file).expect("source is UTF-8");
        // Unit tests may use the environment (temporary folders, the test
        // server's address) freely: a test module inline, or a whole file
        // compiled for tests only.
        if text.contains("\n#![cfg(test)]") {
            continue;
        }
        let production = text.split("#[cfg(test)]").next().unwrap_or_default();
        for (n, line) in production.lines().enumerate() {
            let code = line.trim_start();
            if code.starts_with("//") {
                continue;
            }
            for word in FORBIDDEN.iter().filter(|w| code.contains(*w)) {
                found.push(format!("{}:{}: {word}", file.display(), n + 1));
            }
        }
    }
    assert!(found.is_empty(), "{found:#?}");
}

#[test]
fn no_unsafe_code_anywhere() {
    for file in ["src/lib.rs", "src/main.rs"] {
        let text = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join(file))
            .expect("readable");
        assert!(text.contains("#![forbid(unsafe_code)]"), "{file}");
    }
}

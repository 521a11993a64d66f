//! `demo`: the handover on the bundled fixtures, step by step, in a fresh
//! folder. It runs every step the tool has so far.

use super::output::Out;
use dossier_transfer::error::{Error, Result};
use dossier_transfer::fixtures::Embedded;
use dossier_transfer::store::Store;
use dossier_transfer::tree;
use serde_json::json;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

pub fn run(dir: Option<PathBuf>, out: Out) -> ExitCode {
    match execute(dir, out) {
        Ok(code) => code,
        Err(e) => out.fail(&e),
    }
}

fn execute(dir: Option<PathBuf>, out: Out) -> Result<ExitCode> {
    let dir = match dir {
        Some(d) => {
            std::fs::create_dir_all(&d).map_err(|e| Error::io(&d, e))?;
            d
        }
        None => tempfile::Builder::new()
            .prefix("dossier-transfer-demo-")
            .tempdir()
            .map_err(|e| Error::io(std::env::temp_dir(), e))?
            .keep(),
    };
    out.say(format!("demo folder: {}", dir.display()));
    let source_db = dir.join("source.db");
    let target_db = dir.join("target.db");
    for db in [&source_db, &target_db] {
        if db.exists() {
            return Err(Error::io(
                db,
                std::io::Error::new(
                    std::io::ErrorKind::AlreadyExists,
                    "already exists: give an empty --dir",
                ),
            ));
        }
    }
    step(out, 1, "load the source account (bundled fixture `source`)");
    let mut source = Store::open(&source_db, true)?;
    let s = tree::load::load(&mut source, &mut Embedded::new("source"), false)?;
    out.say(format!(
        "   {}: {} dossiers, {} records -> {}",
        s.account,
        s.dossiers,
        s.records.values().sum::<u64>(),
        source_db.display()
    ));
    step(
        out,
        2,
        "load the target and test accounts (fixtures `target`, `test-account`)",
    );
    let mut target = Store::open(&target_db, true)?;
    for name in ["target", "test-account"] {
        let s = tree::load::load(&mut target, &mut Embedded::new(name), false)?;
        out.say(format!(
            "   {}: {} dossiers -> {}",
            s.account,
            s.dossiers,
            target_db.display()
        ));
    }
    step(out, 3, "dump the source account back to a dossier tree");
    let dump = dir.join("source-dump");
    tree::write::dump(&source, &s.account, &dump, false)?;
    out.say(format!("   {}", dump.display()));
    let accounts = target.accounts()?;
    Ok(out.finish(&[], json!({"dir": dir, "source_store": source_db, "target_store": target_db, "target_accounts": accounts}), &|o| {
        o.say(format!("done: the stores and the dump are in {}", display(&dir)))
    }))
}

fn step(out: Out, n: u32, what: &str) {
    out.say(format!("[{n}] {what}"));
}

fn display(p: &Path) -> String {
    p.display().to_string()
}

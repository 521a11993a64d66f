//! `demo`: the whole handover on the bundled fixtures, from any folder.

mod common;

use common::*;

#[test]
fn demo_in_a_given_folder_leaves_the_html_reports() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let dir = tmp.path().join("demo");
    let dir_arg = dir.display().to_string();
    let (code, out, err) = run(tmp.path(), &["demo", "--dir", &dir_arg]);
    assert_eq!(code, 0, "{out}\n{err}");
    let last = out.lines().last().unwrap_or_default();
    let report = dir.join("report-live.html");
    assert_eq!(last, format!("final report: {}", report.display()));
    for step in [
        "check",
        "align",
        "export",
        "verify",
        "import into `zorggroep-oost-test`",
        "sign-off",
        "import into `zorggroep-oost`",
    ] {
        assert!(out.contains(step), "{step} in\n{out}");
    }
    assert!(
        out.contains("refused as expected: already-imported"),
        "{out}"
    );
    let html = std::fs::read_to_string(&report).expect("the live report");
    assert!(html.contains("Alles komt overeen"));
    assert!(dir.join("report-test.html").is_file());
    for f in [
        "plan.toml",
        "source.db",
        "target.db",
        "keys/identity.txt",
        "noord-naar-oost.zip.age",
    ] {
        assert!(dir.join(f).exists(), "{f}");
    }
    // A second run refuses the used folder rather than mixing two runs.
    let (code, _, err) = run(tmp.path(), &["demo", "--dir", &dir_arg]);
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("already exists"), "{err}");
}

#[test]
fn demo_without_a_folder_uses_a_fresh_temporary_one() {
    let cwd = tempfile::tempdir().expect("tempdir");
    let (code, doc) = run_json(cwd.path(), &["demo"]);
    assert_eq!(code, 0, "{doc:#}");
    let dir = std::path::PathBuf::from(doc["summary"]["dir"].as_str().expect("dir"));
    let report = std::path::PathBuf::from(doc["summary"]["final_report"].as_str().expect("report"));
    assert!(report.starts_with(&dir));
    assert!(report.is_file());
    assert!(
        std::fs::read_dir(cwd.path()).expect("cwd").next().is_none(),
        "nothing is written in the working folder"
    );
    std::fs::remove_dir_all(&dir).expect("clean up the demo folder");
}

//! `keygen` and the key functions, against the standard `age`,
//! `age-keygen` and `minisign` tools.

mod common;

use common::*;
use dossier_transfer::keys;
use std::io::Read;
use std::path::Path;

const FILES: [&str; 4] = [
    "identity.txt",
    "recipient.txt",
    "signing.key",
    "signing.pub",
];

fn keygen(dir: &Path, out: &str) -> serde_json::Value {
    let (code, doc) = run_json(dir, &["keygen", "--out", out]);
    assert_eq!(code, 0, "{doc}");
    doc["summary"].clone()
}

#[cfg(unix)]
fn mode(path: &Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path)
        .expect("exists")
        .permissions()
        .mode()
        & 0o777
}

#[test]
fn keygen_writes_four_files_secret_ones_private() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let summary = keygen(tmp.path(), "new/keys");
    let dir = tmp.path().join("new/keys");
    for f in FILES {
        assert!(dir.join(f).is_file(), "{f} written");
    }
    #[cfg(unix)]
    {
        assert_eq!(mode(&dir.join("identity.txt")), 0o600);
        assert_eq!(mode(&dir.join("signing.key")), 0o600);
    }
    let recipient = std::fs::read_to_string(dir.join("recipient.txt")).expect("read");
    assert_eq!(
        recipient,
        format!("{}\n", summary["recipient"].as_str().expect("recipient"))
    );
    let identity = std::fs::read_to_string(dir.join("identity.txt")).expect("read");
    let lines: Vec<&str> = identity.lines().collect();
    assert!(lines[0].starts_with("# created: "), "{identity}");
    assert_eq!(lines[1], format!("# public key: {}", recipient.trim()));
    assert!(lines[2].starts_with("AGE-SECRET-KEY-1"));
    let public = std::fs::read_to_string(dir.join("signing.pub")).expect("read");
    let public: Vec<&str> = public.lines().collect();
    assert!(public[0].starts_with("untrusted comment: minisign public key"));
    assert_eq!(public[1], summary["signer"].as_str().expect("signer"));
    assert_eq!(summary["encrypted"], false);

    let sk = keys::load_signing_key(&dir.join("signing.key"), &keys::NoPassword).expect("loads");
    assert_eq!(keys::signer_line(&sk).expect("line"), public[1]);
    assert_eq!(
        keys::load_identities(&dir.join("identity.txt"))
            .expect("ids")
            .len(),
        1
    );
}

#[test]
fn keygen_prints_what_goes_into_the_plan() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let (code, stdout, _) = run(tmp.path(), &["keygen", "--out", "k"]);
    assert_eq!(code, 0);
    let recipient = std::fs::read_to_string(tmp.path().join("k/recipient.txt")).expect("read");
    assert!(
        stdout.contains(&format!("recipients = [\"{}\"]", recipient.trim())),
        "{stdout}"
    );
    assert!(stdout.contains("signer = \"RW"), "{stdout}");
}

#[test]
fn keygen_never_overwrites() {
    let tmp = tempfile::tempdir().expect("tempdir");
    keygen(tmp.path(), "k");
    let before = tree_bytes(&tmp.path().join("k"));
    let (code, doc) = run_json(tmp.path(), &["keygen", "--out", "k"]);
    assert_eq!(code, 1, "{doc}");
    assert_eq!(codes(&doc), ["io-error"]);
    assert_eq!(tree_bytes(&tmp.path().join("k")), before, "nothing changed");

    // One existing file is enough to refuse, and nothing else is written.
    let dir = tmp.path().join("partial");
    std::fs::create_dir(&dir).expect("mkdir");
    std::fs::write(dir.join("signing.pub"), "mine\n").expect("write");
    let (code, _, stderr) = run(tmp.path(), &["keygen", "--out", "partial"]);
    assert_eq!(code, 1);
    assert!(
        stderr.contains("signing.pub") && stderr.contains("another folder"),
        "{stderr}"
    );
    let left: Vec<_> = std::fs::read_dir(&dir)
        .expect("list")
        .map(|e| e.expect("entry").file_name())
        .collect();
    assert_eq!(left, ["signing.pub"]);
}

#[test]
fn keygen_with_a_password_encrypts_the_signing_key() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let out = bin()
        .current_dir(tmp.path())
        .env("DOSSIER_TRANSFER_KEY_PASSWORD", "correct horse")
        .args(["keygen", "--out", "k", "--json"])
        .output()
        .expect("runs");
    assert!(out.status.success());
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(doc["summary"]["encrypted"], true);
    let path = tmp.path().join("k/signing.key");
    let sk =
        keys::load_signing_key(&path, &keys::Password("correct horse".to_owned())).expect("loads");
    assert_eq!(
        keys::signer_line(&sk).expect("line"),
        doc["summary"]["signer"]
    );
    let wrong = keys::load_signing_key(&path, &keys::Password("wrong".to_owned()));
    assert!(wrong.is_err());
}

#[test]
#[cfg_attr(missing_tool = "age", ignore = "needs `age`")]
fn keygen_keys_work_with_the_age_cli() {
    if !tool("age") {
        return;
    }
    let tmp = tempfile::tempdir().expect("tempdir");
    let dir = tmp.path();
    keygen(dir, "k");
    let recipient = std::fs::read_to_string(dir.join("k/recipient.txt")).expect("read");
    let (code, cipher, err) = run_tool(dir, "age", &["-r", recipient.trim()], b"client data\n");
    assert_eq!(code, 0, "{err}");
    std::fs::write(dir.join("x.age"), &cipher).expect("write");
    let (code, plain, err) = run_tool(dir, "age", &["-d", "-i", "k/identity.txt", "x.age"], b"");
    assert_eq!(
        (code, plain.as_slice()),
        (0, &b"client data\n"[..]),
        "{err}"
    );
    // And the library opens what the CLI encrypted.
    assert_eq!(
        decrypt(&dir.join("k/identity.txt"), &cipher),
        b"client data\n"
    );
}

#[test]
#[cfg_attr(
    any(missing_tool = "age", missing_tool = "age-keygen"),
    ignore = "needs `age`, `age-keygen`"
)]
fn identities_from_age_keygen_load() {
    if !tool("age-keygen") || !tool("age") {
        return;
    }
    let tmp = tempfile::tempdir().expect("tempdir");
    let dir = tmp.path();
    let (code, _, err) = run_tool(dir, "age-keygen", &["-o", "k.txt"], b"");
    assert_eq!(code, 0, "{err}");
    let (code, recipient, err) = run_tool(dir, "age-keygen", &["-y", "k.txt"], b"");
    assert_eq!(code, 0, "{err}");
    let recipient = String::from_utf8(recipient).expect("utf-8");
    let parsed = keys::parse_recipients(&[recipient.trim().to_owned()]).expect("recipient parses");
    assert_eq!(parsed[0].to_string(), recipient.trim());
    let (code, cipher, err) = run_tool(dir, "age", &["-r", recipient.trim()], b"dossier");
    assert_eq!(code, 0, "{err}");
    assert_eq!(decrypt(&dir.join("k.txt"), &cipher), b"dossier");
}

#[test]
#[cfg_attr(missing_tool = "minisign", ignore = "needs `minisign`")]
fn signatures_verify_with_the_minisign_cli() {
    if !tool("minisign") {
        return;
    }
    let tmp = tempfile::tempdir().expect("tempdir");
    let dir = tmp.path();
    keygen(dir, "k");
    let sk = keys::load_signing_key(&dir.join("k/signing.key"), &keys::NoPassword).expect("loads");
    let data = b"{\"format\":\"dossier-transfer-archive\"}\n";
    let comment = "migration_id=noord-naar-oost created_at=2026-12-01T17:00:00+01:00";
    std::fs::write(dir.join("manifest.json"), data).expect("write");
    let sig = keys::sign(&sk, data, comment).expect("signs");
    std::fs::write(dir.join("manifest.json.minisig"), &sig).expect("write");
    let (code, stdout, err) = run_tool(
        dir,
        "minisign",
        &["-V", "-p", "k/signing.pub", "-m", "manifest.json"],
        b"",
    );
    let shown = format!("{}{err}", String::from_utf8_lossy(&stdout));
    assert_eq!(code, 0, "{shown}");
    assert!(
        shown.contains(&format!("Trusted comment: {comment}")),
        "{shown}"
    );

    // A changed byte is refused by minisign too.
    std::fs::write(dir.join("manifest.json"), b"{}\n").expect("write");
    let (code, _, _) = run_tool(
        dir,
        "minisign",
        &["-V", "-p", "k/signing.pub", "-m", "manifest.json"],
        b"",
    );
    assert_ne!(code, 0);
}

#[test]
#[cfg_attr(missing_tool = "minisign", ignore = "needs `minisign`")]
fn minisign_cli_keys_load_with_and_without_password() {
    if !tool("minisign") {
        return;
    }
    let tmp = tempfile::tempdir().expect("tempdir");
    let dir = tmp.path();
    let (code, _, err) = run_tool(
        dir,
        "minisign",
        &["-G", "-W", "-p", "w.pub", "-s", "w.key"],
        b"",
    );
    assert_eq!(code, 0, "{err}");
    let (code, _, err) = run_tool(
        dir,
        "minisign",
        &["-G", "-p", "p.pub", "-s", "p.key"],
        b"s3cret\ns3cret\n",
    );
    assert_eq!(code, 0, "{err}");

    for (name, password) in [("w", None), ("p", Some("s3cret"))] {
        let key = dir.join(format!("{name}.key"));
        let sk = match password {
            None => keys::load_signing_key(&key, &keys::NoPassword),
            Some(pw) => keys::load_signing_key(&key, &keys::Password(pw.to_owned())),
        }
        .unwrap_or_else(|e| panic!("{name}.key loads: {e}"));
        let pub_text = std::fs::read_to_string(dir.join(format!("{name}.pub"))).expect("read");
        let signer = pub_text.lines().nth(1).expect("key line");
        assert_eq!(keys::signer_line(&sk).expect("line"), signer);
        let sig = keys::sign(&sk, b"data", "migration_id=m created_at=t").expect("signs");
        assert_eq!(
            keys::verify(signer, b"data", &sig).as_deref(),
            Ok("migration_id=m created_at=t")
        );
    }
    let wrong = keys::load_signing_key(&dir.join("p.key"), &keys::Password("nope".to_owned()));
    let Err(err) = wrong else {
        panic!("a wrong password is refused")
    };
    assert!(err.to_string().contains("password"), "{err}");
}

#[test]
#[cfg_attr(missing_tool = "minisign", ignore = "needs `minisign`")]
fn minisign_cli_signatures_verify_hashed_and_legacy() {
    if !tool("minisign") {
        return;
    }
    let tmp = tempfile::tempdir().expect("tempdir");
    let dir = tmp.path();
    keygen(dir, "k");
    let signer = std::fs::read_to_string(dir.join("k/signing.pub")).expect("read");
    let signer = signer.lines().nth(1).expect("key line").to_owned();
    std::fs::write(dir.join("m.json"), b"manifest").expect("write");
    for legacy in [false, true] {
        let mut args = vec![
            "-S",
            "-s",
            "k/signing.key",
            "-m",
            "m.json",
            "-t",
            "migration_id=m",
        ];
        if legacy {
            args.push("-l");
        }
        let (code, _, err) = run_tool(dir, "minisign", &args, b"");
        assert_eq!(code, 0, "{err}");
        let sig = std::fs::read_to_string(dir.join("m.json.minisig")).expect("read");
        assert_eq!(
            keys::verify(&signer, b"manifest", &sig).as_deref(),
            Ok("migration_id=m"),
            "legacy: {legacy}"
        );
        assert!(matches!(
            keys::verify(&signer, b"manifest?", &sig),
            Err(keys::VerifyFailure::DoesNotVerify(_))
        ));
    }
}

#[test]
fn identity_files_that_are_not_identities_are_named() {
    let tmp = tempfile::tempdir().expect("tempdir");
    keygen(tmp.path(), "k");
    let Err(err) = keys::load_identities(&tmp.path().join("k/signing.key")) else {
        panic!("a minisign key is not an identity")
    };
    let msg = err.to_string();
    assert!(
        msg.contains("signing.key") && msg.contains("minisign"),
        "{msg}"
    );
    assert!(!msg.contains("RWQ"), "no key material in messages: {msg}");
}

/// Decrypts with the library and an identity file.
fn decrypt(identity: &Path, cipher: &[u8]) -> Vec<u8> {
    let ids = keys::load_identities(identity).expect("identity loads");
    let decryptor = age::Decryptor::new(cipher).expect("age header");
    let mut reader = decryptor
        .decrypt(ids.iter().map(|i| i.as_ref() as &dyn age::Identity))
        .expect("decrypts");
    let mut plain = Vec::new();
    reader.read_to_end(&mut plain).expect("reads");
    plain
}

#[test]
fn a_protected_key_needs_a_password_from_somewhere() {
    let h = common::handover::Handover::new();
    let out = bin()
        .current_dir(h.dir())
        .env(PASSWORD_ENV, "pw")
        .args(["keygen", "--out", "k"])
        .output()
        .expect("runs");
    assert!(out.status.success());

    // The library asks its caller and refuses when there is no answer.
    let Err(err) = keys::load_signing_key(&h.path("k/signing.key"), &keys::NoPassword) else {
        panic!("no password: refused")
    };
    let msg = err.to_string();
    assert!(
        msg.contains("password") && msg.contains("signing.key"),
        "{msg}"
    );

    // The CLI's answer: the variable, else the terminal. The test runs
    // the binary without either (stdin is not a terminal there).
    let plan = h.plan("plan.toml", &common::handover::PlanSpec::default());
    let (code, doc) = h.try_export(&plan, "out.age", "k/signing.key");
    assert_eq!(code, 1, "{doc:#}");
    let msg = doc["problems"][0]["message"].as_str().unwrap_or_default();
    assert!(
        msg.contains(PASSWORD_ENV) && msg.contains("signing.key"),
        "{msg}"
    );
}

//! Keys: age X25519 identities and recipients decide who can read an
//! archive, minisign keys who can sign one.
//!
//! Every key is kept in the standard tools' own file formats, so keys made
//! by `age-keygen` and `minisign -G` work here and keys made by [`generate`]
//! work with `age` and `minisign`.

mod encryption;
mod signing;

pub use encryption::{load_identities, parse_recipients};
pub use signing::{
    KeyPassword, NoPassword, Password, VerifyFailure, load_signing_key, sign, signer_line, verify,
};

use crate::error::{Error, Result};
use age::secrecy::ExposeSecret;
use serde::Serialize;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

/// The file names [`generate`] writes.
pub const IDENTITY_FILE: &str = "identity.txt";
/// The age recipient (`age1…`), the public half to put in the plan.
pub const RECIPIENT_FILE: &str = "recipient.txt";
/// The minisign secret key, in `minisign -G`'s format.
pub const SIGNING_KEY_FILE: &str = "signing.key";
/// The minisign public key, whose `RW…` line is the plan's signer.
pub const SIGNING_PUB_FILE: &str = "signing.pub";

/// The untrusted comments the `minisign` CLI writes; readers ignore them,
/// people read them.
const SECRET_KEY_COMMENT: &str = "minisign secret key";
const ENCRYPTED_SECRET_KEY_COMMENT: &str = "minisign encrypted secret key";
const SIGNATURE_COMMENT: &str = "signature from minisign secret key";

/// A new key set, as [`generate`] wrote it.
#[derive(Debug, Clone, Serialize)]
pub struct Generated {
    /// The `age1…` recipient, for the plan's `handover.recipients`.
    pub recipient: String,
    /// The minisign public key line, for the plan's `handover.signer`.
    pub signer: String,
    /// Whether `signing.key` is protected by a password.
    pub encrypted: bool,
    /// Where the files were written.
    pub files: GeneratedFiles,
}

/// The paths [`generate`] wrote.
#[derive(Debug, Clone, Serialize)]
pub struct GeneratedFiles {
    /// The age identity: the secret half that decrypts archives.
    pub identity: PathBuf,
    /// The age recipient, for the plan.
    pub(crate) recipient: PathBuf,
    /// The minisign secret key that signs archives.
    pub signing_key: PathBuf,
    pub(crate) signing_pub: PathBuf,
}

/// Writes a new age identity and minisign key pair into `dir` (created if
/// needed). Refuses, before writing anything, when any of the four files
/// exists: a key overwritten is an archive no one can open any more.
/// `password` protects `signing.key`; without it the key is stored in the
/// clear (as `minisign -G -W` does). Either all four files are written or
/// none is left behind.
pub fn generate(dir: &Path, password: Option<&str>) -> Result<Generated> {
    let files = GeneratedFiles {
        identity: dir.join(IDENTITY_FILE),
        recipient: dir.join(RECIPIENT_FILE),
        signing_key: dir.join(SIGNING_KEY_FILE),
        signing_pub: dir.join(SIGNING_PUB_FILE),
    };
    let targets = [
        &files.identity,
        &files.recipient,
        &files.signing_key,
        &files.signing_pub,
    ];
    refuse_existing(&targets)?;
    let created_dir = !dir.exists();
    std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;

    let identity = age::x25519::Identity::generate();
    let recipient = identity.to_public().to_string();
    let identity_text = format!(
        "# created: {}\n# public key: {recipient}\n{}\n",
        crate::clock::now()
            .round(jiff::Unit::Second)
            .unwrap_or_else(|_| crate::clock::now()),
        identity.to_string().expose_secret()
    );
    let pair = match password {
        Some(pw) => minisign::KeyPair::generate_encrypted_keypair(Some(pw.to_owned())),
        None => minisign::KeyPair::generate_unencrypted_keypair(),
    }
    .map_err(|e| Error::dependency("minisign key generation failed", e))?;
    let comment = if password.is_some() {
        ENCRYPTED_SECRET_KEY_COMMENT
    } else {
        SECRET_KEY_COMMENT
    };
    let sk_text = pair
        .sk
        .to_box(Some(comment))
        .map_err(|e| Error::dependency("minisign key encoding failed", e))?
        .into_string();
    let pk_text = pair
        .pk
        .to_box()
        .map_err(|e| Error::dependency("minisign key encoding failed", e))?
        .into_string();

    let contents: [(&Path, String, bool); 4] = [
        (&files.identity, identity_text, true),
        (&files.recipient, format!("{recipient}\n"), false),
        (&files.signing_key, sk_text, true),
        (&files.signing_pub, pk_text, false),
    ];
    if let Err(e) = write_all_or_none(dir, &contents) {
        if created_dir {
            // Only succeeds when empty: a folder we made and filled with
            // nothing should not stay behind either.
            let _ = std::fs::remove_dir(dir);
        }
        return Err(e);
    }
    Ok(Generated {
        recipient,
        signer: pair.pk.to_base64(),
        encrypted: password.is_some(),
        files,
    })
}

fn refuse_existing(paths: &[&PathBuf]) -> Result<()> {
    match paths.iter().find(|p| p.exists() || p.is_symlink()) {
        Some(p) => Err(Error::io(
            *p,
            io::Error::new(
                io::ErrorKind::AlreadyExists,
                "already exists; keygen never overwrites keys: pick another folder with --out",
            ),
        )),
        None => Ok(()),
    }
}

/// Writes each file under a temporary name, synced, then links them into
/// place without replacing anything; on any failure removes what it placed.
fn write_all_or_none(dir: &Path, contents: &[(&Path, String, bool)]) -> Result<()> {
    let mut temps = Vec::with_capacity(contents.len());
    for (path, text, secret) in contents {
        temps.push((*path, temp_file(dir, path, text.as_bytes(), *secret)?));
    }
    let mut placed: Vec<&Path> = Vec::new();
    for (path, tmp) in temps {
        if let Err(e) = tmp.persist_noclobber(path) {
            for p in placed {
                let _ = std::fs::remove_file(p);
            }
            return Err(Error::io(path, e.error));
        }
        placed.push(path);
    }
    sync_dir(dir);
    Ok(())
}

fn temp_file(
    dir: &Path,
    path: &Path,
    bytes: &[u8],
    secret: bool,
) -> Result<tempfile::NamedTempFile> {
    let mut tmp = tempfile::Builder::new()
        .prefix(".keygen-")
        .tempfile_in(dir)
        .map_err(|e| Error::io(dir, e))?;
    set_mode(tmp.as_file(), if secret { 0o600 } else { 0o644 }).map_err(|e| Error::io(path, e))?;
    tmp.write_all(bytes)
        .and_then(|()| tmp.as_file().sync_all())
        .map_err(|e| Error::io(path, e))?;
    Ok(tmp)
}

#[cfg(unix)]
fn set_mode(file: &std::fs::File, mode: u32) -> io::Result<()> {
    use std::os::unix::fs::PermissionsExt;
    file.set_permissions(std::fs::Permissions::from_mode(mode))
}

#[cfg(not(unix))]
fn set_mode(_file: &std::fs::File, _mode: u32) -> io::Result<()> {
    Ok(())
}

/// Makes the new names durable; best effort, since not every platform can
/// open a folder for syncing, and the files themselves are synced already.
fn sync_dir(dir: &Path) {
    if let Ok(d) = std::fs::File::open(dir) {
        let _ = d.sync_all();
    }
}

#[cfg(test)]
mod tests {
    use super::signing::base64_decode;
    use super::*;
    use crate::problem::Code;

    #[test]
    fn base64_round_trips_minisign_lines() {
        let line = "RWQf6LRCGA9i53mlYecO4IzT51TGPpvWucNSCh1CBM0QTaLn73Y7GFO3";
        let bytes = base64_decode(line).expect("decodes");
        assert_eq!(bytes.len(), 42);
        assert_eq!(&bytes[..2], b"Ed");
        assert_eq!(base64_decode("TWE="), Some(b"Ma".to_vec()));
        assert_eq!(base64_decode("TWFu"), Some(b"Man".to_vec()));
        assert_eq!(base64_decode("TWF"), None);
        assert_eq!(base64_decode("TW=="), None, "non-zero leftover bits");
        assert_eq!(base64_decode("T!=="), None);
    }

    #[test]
    fn sign_then_verify_and_tampering() {
        let pair = minisign::KeyPair::generate_unencrypted_keypair().expect("keypair");
        let signer = signer_line(&pair.sk).expect("signer");
        assert_eq!(signer, pair.pk.to_base64());
        let sig = sign(&pair.sk, b"manifest", "migration_id=x created_at=y").expect("sign");
        assert_eq!(
            verify(&signer, b"manifest", &sig).as_deref(),
            Ok("migration_id=x created_at=y")
        );
        assert!(matches!(
            verify(&signer, b"manifest!", &sig),
            Err(VerifyFailure::DoesNotVerify(_))
        ));
        let forged = sig.replace("created_at=y", "created_at=z");
        assert!(matches!(
            verify(&signer, b"manifest", &forged),
            Err(VerifyFailure::DoesNotVerify(_))
        ));
        assert!(matches!(
            verify(&signer, b"manifest", "not a signature"),
            Err(VerifyFailure::Malformed(_))
        ));
        let other = minisign::KeyPair::generate_unencrypted_keypair().expect("keypair");
        let err = verify(&other.pk.to_base64(), b"manifest", &sig).expect_err("other key");
        assert!(err.to_string().contains("another key"), "{err}");
        assert!(matches!(
            verify("RWQ", b"manifest", &sig),
            Err(VerifyFailure::KeyInvalid(_))
        ));
        assert!(sign(&pair.sk, b"x", "two\nlines").is_err());
    }

    #[test]
    fn recipients_name_the_bad_entry() {
        let good = age::x25519::Identity::generate().to_public().to_string();
        assert_eq!(
            parse_recipients(std::slice::from_ref(&good))
                .expect("ok")
                .len(),
            1
        );
        let bad = good.replace(&good[10..11], if &good[10..11] == "q" { "p" } else { "q" });
        match parse_recipients(&[good, bad]) {
            Err(Error::Invalid(p)) => {
                assert_eq!(p.len(), 1);
                assert_eq!(p[0].code, Code::PlanInvalid);
                assert!(p[0].message.contains("recipients[2]"), "{}", p[0].message);
            }
            other => panic!("expected plan-invalid, got {other:?}"),
        }
        assert!(parse_recipients(&[]).is_err());
    }

    #[test]
    fn generated_keys_load_and_identity_mistakes_are_named() {
        let tmp = tempfile::tempdir().expect("tempdir");
        let dir = tmp.path().join("keys");
        let g = generate(&dir, Some("secret")).expect("generate");
        assert!(g.encrypted);
        let sk =
            load_signing_key(&g.files.signing_key, &Password("secret".to_owned())).expect("loads");
        assert_eq!(signer_line(&sk).expect("line"), g.signer);
        let wrong = load_signing_key(&g.files.signing_key, &Password("nope".to_owned()));
        assert!(
            wrong
                .expect_err("wrong password")
                .to_string()
                .contains("password")
        );
        assert_eq!(load_identities(&g.files.identity).expect("ids").len(), 1);
        let Err(err) = load_identities(&g.files.recipient) else {
            panic!("a recipient file is refused")
        };
        assert!(err.to_string().contains("recipient"), "{err}");
        let empty = tmp.path().join("empty.txt");
        std::fs::write(&empty, "# nothing\n").expect("write");
        let Err(err) = load_identities(&empty) else {
            panic!("an empty identity file is refused")
        };
        assert!(err.to_string().contains("no age X25519 identity"), "{err}");
    }
}

//! Keys: age X25519 identities and recipients decide who can read an
//! archive, minisign keys who can sign one.
//!
//! Every key is kept in the standard tools' own file formats, so keys made
//! by `age-keygen` and `minisign -G` work here and keys made by [`generate`]
//! work with `age` and `minisign`.

use crate::error::{Error, Result};
use crate::problem::{Code, Problem};
use age::secrecy::ExposeSecret;
use serde::Serialize;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

/// The file names [`generate`] writes.
pub const IDENTITY_FILE: &str = "identity.txt";
pub const RECIPIENT_FILE: &str = "recipient.txt";
pub const SIGNING_KEY_FILE: &str = "signing.key";
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
    pub files: GeneratedFiles,
}

#[derive(Debug, Clone, Serialize)]
pub struct GeneratedFiles {
    pub identity: PathBuf,
    pub recipient: PathBuf,
    pub signing_key: PathBuf,
    pub signing_pub: PathBuf,
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

/// The age identities in a file as `age-keygen` writes it (comment lines,
/// then `AGE-SECRET-KEY-1…` lines).
pub fn load_identities(path: &Path) -> Result<Vec<Box<dyn age::Identity + Send + Sync>>> {
    let bad = |msg: String| Error::io(path, io::Error::new(io::ErrorKind::InvalidData, msg));
    let text = std::fs::read_to_string(path).map_err(|e| Error::io(path, e))?;
    if let Some(hint) = identity_mistake(&text) {
        return Err(bad(hint.to_owned()));
    }
    let file = age::IdentityFile::from_buffer(text.as_bytes())
        .map_err(|e| bad(format!("{e}; expected an age identity file (identity.txt)")))?;
    let identities = file
        .into_identities()
        .map_err(|e| bad(format!("{e}; expected an age identity file (identity.txt)")))?;
    if identities.is_empty() {
        return Err(bad(
            "holds no age X25519 identity (a line `AGE-SECRET-KEY-1…`); `keygen` or `age-keygen -o FILE` makes one"
                .to_owned(),
        ));
    }
    Ok(identities)
}

/// Common wrong files given as an identity, with what to do instead. Only
/// the line's start is looked at, so no secret ends up in a message.
fn identity_mistake(text: &str) -> Option<&'static str> {
    let first = text
        .lines()
        .map(str::trim)
        .find(|l| !l.is_empty() && !l.starts_with('#'))?;
    if first.starts_with("age1") {
        Some(
            "holds a recipient (a public key), not an identity: give the identity file (identity.txt)",
        )
    } else if first.starts_with("age-encryption.org/") || first.starts_with("-----BEGIN AGE") {
        Some(
            "is an age-encrypted file; passphrase-protected identities are not supported: decrypt it with `age -d` first",
        )
    } else if first.starts_with("AGE-PLUGIN-") {
        Some(
            "holds a plugin identity; only age X25519 identities (`AGE-SECRET-KEY-1…`) are supported",
        )
    } else if first.starts_with("-----BEGIN") || first.starts_with("ssh-") {
        Some(
            "holds an SSH or PEM key; only age X25519 identities (`AGE-SECRET-KEY-1…`) are supported",
        )
    } else if first.starts_with("untrusted comment:") {
        Some("is a minisign key, not an age identity: give identity.txt")
    } else {
        None
    }
}

/// The plan's `handover.recipients` as age recipients. Every bad entry is
/// named, by position, as a `plan-invalid` problem.
pub fn parse_recipients(list: &[String]) -> Result<Vec<age::x25519::Recipient>> {
    if list.is_empty() {
        return Err(Error::invalid(Problem::error(
            Code::PlanInvalid,
            "[handover] recipients: empty; give at least one age recipient",
        )));
    }
    let mut recipients = Vec::with_capacity(list.len());
    let mut problems = Vec::new();
    for (i, entry) in list.iter().enumerate() {
        match entry.trim().parse::<age::x25519::Recipient>() {
            Ok(r) => recipients.push(r),
            Err(e) => problems.push(Problem::error(
                Code::PlanInvalid,
                format!(
                    "[handover] recipients[{}]: `{entry}` is not a valid age recipient ({e}); copy it from recipient.txt",
                    i + 1
                ),
            )),
        }
    }
    if problems.is_empty() {
        Ok(recipients)
    } else {
        Err(Error::Invalid(problems))
    }
}

/// Where a protected minisign key's password comes from, as age's
/// `Callbacks` are for passphrases: the library asks only when the key is
/// protected, and never reads the environment or a terminal itself, so the
/// caller decides (the CLI: an environment variable, else a prompt).
pub trait KeyPassword {
    /// The password for the key at `key_path`, or `None` when there is
    /// none to give (the key is then refused with a message that says so).
    fn password(&self, key_path: &Path) -> Result<Option<String>>;

    /// Where the password came from, named when it does not unlock the
    /// key, so the user knows what to correct.
    fn origin(&self) -> Option<String> {
        None
    }
}

/// No password: unprotected keys load, protected ones are refused.
#[derive(Debug, Clone, Copy, Default)]
pub struct NoPassword;

impl KeyPassword for NoPassword {
    fn password(&self, _key_path: &Path) -> Result<Option<String>> {
        Ok(None)
    }
}

/// A password the caller already holds.
#[derive(Clone)]
pub struct Password(pub String);

impl KeyPassword for Password {
    fn password(&self, _key_path: &Path) -> Result<Option<String>> {
        Ok(Some(self.0.clone()))
    }
}

/// A minisign secret key file, as `minisign -G` or [`generate`] writes it.
/// `password` is asked only when the key is protected.
pub fn load_signing_key(path: &Path, password: &dyn KeyPassword) -> Result<minisign::SecretKey> {
    let text = std::fs::read_to_string(path).map_err(|e| Error::io(path, e))?;
    let not_a_key = || {
        key_error(
            path,
            io::ErrorKind::InvalidData,
            "is not a minisign secret key (`minisign -G` or `keygen` makes one)",
        )
    };
    let encoded = text.lines().nth(1).ok_or_else(not_a_key)?;
    let bytes = base64_decode(encoded.trim()).ok_or_else(not_a_key)?;
    let kdf = bytes.get(2..4).ok_or_else(not_a_key)?;
    if kdf == [0, 0] {
        // `minisign -W` leaves the checksum of an unprotected key zero, so
        // the crate's checked loader refuses it; a signing probe checks
        // the key's halves against each other instead.
        let sk = minisign::SecretKey::from_bytes(&bytes).map_err(|_| not_a_key())?;
        probe(path, &sk)?;
        return Ok(sk);
    }
    if kdf != b"Sc" {
        return Err(key_error(
            path,
            io::ErrorKind::InvalidData,
            "is protected with an unknown method; only minisign's scrypt is supported",
        ));
    }
    let Some(pw) = password.password(path)? else {
        return Err(key_error(
            path,
            io::ErrorKind::PermissionDenied,
            "is protected by a password and none was given",
        ));
    };
    let check = match password.origin() {
        Some(origin) => format!("check the password ({origin})"),
        None => "check the password".to_owned(),
    };
    let sk = minisign::SecretKey::from_box(text.into(), Some(pw)).map_err(|e| {
        key_error(
            path,
            io::ErrorKind::PermissionDenied,
            &format!("could not be unlocked ({e}); {check}"),
        )
    })?;
    probe(path, &sk)?;
    Ok(sk)
}

/// Signs a few bytes and checks the result with the public half: a key
/// that cannot sign fails here, at load time, rather than in an export.
fn probe(path: &Path, sk: &minisign::SecretKey) -> Result<()> {
    signer_line(sk)
        .and_then(|line| {
            let sig = sign(sk, b"probe", "probe")?;
            verify(&line, b"probe", &sig).map_err(|e| Error::dependency("minisign probe", e))
        })
        .map(drop)
        .map_err(|_| {
            key_error(
                path,
                io::ErrorKind::InvalidData,
                "is a damaged minisign secret key: its two halves do not match",
            )
        })
}

fn key_error(path: &Path, kind: io::ErrorKind, msg: &str) -> Error {
    Error::io(path, io::Error::new(kind, msg.to_owned()))
}

/// The public key line (base64, 56 characters starting with `RW`) of a
/// secret key: what the plan's `handover.signer` must hold.
pub fn signer_line(sk: &minisign::SecretKey) -> Result<String> {
    minisign::PublicKey::from_secret_key(sk)
        .map(|pk| pk.to_base64())
        .map_err(|e| Error::dependency("minisign public key", e))
}

/// A `.minisig` text over `data`, as `minisign -S` writes it (prehashed).
/// The trusted comment is signed too, so it must be one line.
pub fn sign(sk: &minisign::SecretKey, data: &[u8], trusted_comment: &str) -> Result<String> {
    if trusted_comment.contains(['\n', '\r']) {
        return Err(Error::Internal(
            "a trusted comment must be one line".to_owned(),
        ));
    }
    let pk = minisign::PublicKey::from_secret_key(sk)
        .map_err(|e| Error::dependency("minisign public key", e))?;
    let sig = minisign::sign(
        Some(&pk),
        sk,
        data,
        Some(trusted_comment),
        Some(SIGNATURE_COMMENT),
    )
    .map_err(|e| Error::dependency("minisign signing failed", e))?;
    Ok(sig.into_string())
}

/// Why a signature was not accepted.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum VerifyFailure {
    /// The signer line is not a minisign public key.
    #[error("the signer `{0}` is not a minisign public key line")]
    KeyInvalid(String),
    /// The `.minisig` text cannot be read as a minisign signature.
    #[error("the signature is not a minisign signature: {0}")]
    Malformed(String),
    /// A well-formed signature that this key did not make over these bytes
    /// and this trusted comment.
    #[error("the signature does not verify: {0}")]
    DoesNotVerify(String),
}

/// Checks a `.minisig` text over `data` with the public key line `signer`
/// and returns the signed trusted comment. Legacy (not prehashed)
/// signatures are accepted, as `minisign -V` accepts them.
pub fn verify(
    signer: &str,
    data: &[u8],
    minisig_text: &str,
) -> std::result::Result<String, VerifyFailure> {
    let pk = minisign_verify::PublicKey::from_base64(signer.trim())
        .map_err(|_| VerifyFailure::KeyInvalid(signer.to_owned()))?;
    let sig = minisign_verify::Signature::decode(minisig_text)
        .map_err(|e| VerifyFailure::Malformed(describe(&e)))?;
    match pk.verify(data, &sig, true) {
        Ok(()) => Ok(sig.trusted_comment().to_owned()),
        Err(minisign_verify::Error::UnexpectedKeyId) => Err(VerifyFailure::DoesNotVerify(format!(
            "it was made with another key (key id {}, the signer's is {})",
            key_id(minisig_text.lines().nth(1).unwrap_or_default()),
            key_id(signer),
        ))),
        Err(minisign_verify::Error::InvalidSignature) => Err(VerifyFailure::DoesNotVerify(
            "the signed bytes or the trusted comment were changed".to_owned(),
        )),
        Err(e) => Err(VerifyFailure::Malformed(describe(&e))),
    }
}

fn describe(e: &minisign_verify::Error) -> String {
    match e {
        minisign_verify::Error::InvalidEncoding => {
            "its lines are missing or not valid base64 of the right length".to_owned()
        }
        minisign_verify::Error::UnsupportedAlgorithm => {
            "it uses an unknown signature algorithm".to_owned()
        }
        other => other.to_string(),
    }
}

/// The key id minisign prints (16 hex digits) of a base64 key or signature
/// line; `?` when the line does not hold one.
fn key_id(line: &str) -> String {
    base64_decode(line.trim())
        .and_then(|b| b.get(2..10).map(<[u8]>::to_vec))
        .map(|id| id.iter().rev().map(|b| format!("{b:02X}")).collect())
        .unwrap_or_else(|| "?".to_owned())
}

/// Standard base64 with padding, strictly: the key and signature lines of
/// minisign. `None` for anything else.
fn base64_decode(s: &str) -> Option<Vec<u8>> {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let bytes = s.as_bytes();
    if !bytes.len().is_multiple_of(4) {
        return None;
    }
    let body = s.trim_end_matches('=');
    if bytes.len() - body.len() > 2 {
        return None;
    }
    let mut out = Vec::with_capacity(bytes.len() / 4 * 3);
    let (mut acc, mut bits) = (0u32, 0u32);
    for c in body.bytes() {
        let v = ALPHABET.iter().position(|&a| a == c)? as u32;
        acc = (acc << 6) | v;
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
            acc &= (1 << bits) - 1;
        }
    }
    // Leftover bits must be zero, else two texts would decode alike.
    (acc == 0).then_some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

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

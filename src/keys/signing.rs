//! Who signed an archive: minisign keys, their passwords, signing and
//! verifying.

use super::*;
use crate::error::{Error, Result};
use std::io;
use std::path::Path;

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
pub(super) fn base64_decode(s: &str) -> Option<Vec<u8>> {
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

//! Who can read an archive: age identities and recipients, with the
//! mistakes people make when they copy them named.

use crate::error::{Error, Result};
use crate::problem::{Code, Problem};
use std::io;
use std::path::Path;

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

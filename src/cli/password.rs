//! The signing key's password for the library's `KeyPassword` callback:
//! from `DOSSIER_TRANSFER_KEY_PASSWORD`, else asked on the terminal.

use dossier_transfer::error::{Error, Result};
use dossier_transfer::keys::KeyPassword;
use std::io::{self, IsTerminal};
use std::path::Path;

/// Where a minisign key's password comes from when no one is asked.
pub const PASSWORD_ENV: &str = "DOSSIER_TRANSFER_KEY_PASSWORD";

/// The password in [`PASSWORD_ENV`], when it is set.
pub fn from_env() -> Option<String> {
    std::env::var(PASSWORD_ENV).ok()
}

/// [`PASSWORD_ENV`], else a prompt when stdin is a terminal; without
/// either the key is refused with a message that names both.
pub struct EnvOrPrompt;

impl KeyPassword for EnvOrPrompt {
    fn password(&self, key_path: &Path) -> Result<Option<String>> {
        if let Some(pw) = from_env() {
            return Ok(Some(pw));
        }
        if !io::stdin().is_terminal() {
            return Err(Error::io(
                key_path,
                io::Error::new(
                    io::ErrorKind::PermissionDenied,
                    format!(
                        "is protected by a password; set {PASSWORD_ENV} or run on a terminal to be asked"
                    ),
                ),
            ));
        }
        // rpassword talks to the terminal itself, never to stdout, so
        // `--json` output stays one clean document.
        rpassword::prompt_password(format!("Password for {}: ", key_path.display()))
            .map(Some)
            .map_err(|e| Error::io(key_path, e))
    }

    fn origin(&self) -> Option<String> {
        Some(PASSWORD_ENV.to_owned())
    }
}

//! `keygen --out DIR`: a new age identity and minisign key pair.

use super::output::Out;
use dossier_transfer::keys;
use std::path::Path;
use std::process::ExitCode;

pub fn run(dir: &Path, out: Out) -> ExitCode {
    // An empty variable is treated as unset: a key "protected" by the empty
    // password would only look protected.
    let password = super::password::from_env().filter(|p| !p.is_empty());
    let g = match keys::generate(dir, password.as_deref()) {
        Ok(g) => g,
        Err(e) => return out.fail(&e),
    };
    let summary = serde_json::to_value(&g).unwrap_or_default();
    out.finish(&[], summary, &|o| {
        o.say(format!(
            "wrote {}, {}, {} and {} to {}",
            keys::IDENTITY_FILE,
            keys::RECIPIENT_FILE,
            keys::SIGNING_KEY_FILE,
            keys::SIGNING_PUB_FILE,
            dir.display()
        ));
        o.say(format!("recipient: {}", g.recipient));
        o.say(format!("signer:    {}", g.signer));
        o.say("Paste them into the plan's [handover]:");
        o.say(format!("  recipients = [\"{}\"]", g.recipient));
        o.say(format!("  signer = \"{}\"", g.signer));
        o.say(format!(
            "Keep {} (it opens archives) and {} (it signs them) secret.",
            keys::IDENTITY_FILE,
            keys::SIGNING_KEY_FILE
        ));
        if !g.encrypted {
            o.say(format!(
                "{} has no password; set {} before keygen to protect it.",
                keys::SIGNING_KEY_FILE,
                super::password::PASSWORD_ENV
            ));
        }
    })
}

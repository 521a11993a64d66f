//! The plan's lexical rules; the shared ones live in `model::syntax`.

pub(super) use crate::model::syntax::{
    date as parse_date, is_email, is_id as is_dossier_id, is_key, timestamp as rfc3339,
};

/// Migration ids: `[a-z0-9-]{3,64}`.
pub(super) fn is_migration_id(s: &str) -> bool {
    (3..=64).contains(&s.len())
        && s.bytes()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == b'-')
}

const BECH32: &str = "qpzry9x8gf2tvdw0s3jn54khce6mua7l";

/// The shape of an age X25519 recipient; the checksum is checked where the
/// key is used.
pub(super) fn is_age_recipient(s: &str) -> bool {
    s.strip_prefix("age1")
        .is_some_and(|rest| rest.len() == 58 && rest.chars().all(|c| BECH32.contains(c)))
}

/// A minisign public key line (base64 of `Ed`, key id, Ed25519 key).
pub(super) fn is_minisign_public_key(s: &str) -> bool {
    minisign_verify::PublicKey::from_base64(s).is_ok()
}

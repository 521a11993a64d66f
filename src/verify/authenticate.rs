//! Is the archive what its sender signed: signature, trusted comment,
//! manifest form and version.

use super::*;
use crate::archive::manifest::Manifest;
use crate::archive::reader::ArchiveReader;
use crate::archive::{FORMAT, FORMAT_VERSION, MANIFEST, SIGNATURE, trusted_comment};
use crate::keys::VerifyFailure;
use crate::plan::Plan;
use crate::problem::{Code, Problem};
use std::collections::HashSet;

/// Signature, trusted comment, manifest form and version. `None` when the
/// manifest cannot be trusted enough to go on: it does not parse, or its
/// signature is missing or does not verify.
pub(super) fn authenticate(
    reader: &mut ArchiveReader,
    plan: &Plan,
    problems: &mut Vec<Problem>,
) -> Option<(Manifest, String)> {
    let bytes = match reader.read_small(MANIFEST, MAX_MANIFEST) {
        Ok(b) => b,
        Err(p) => {
            if !reader.refused(MANIFEST) {
                problems.push(p);
            }
            return None;
        }
    };
    let comment = signed_comment(reader, &bytes, plan, problems);
    let manifest = match parse_manifest(&bytes) {
        Ok(m) => m,
        Err(p) => {
            problems.push(p);
            return None;
        }
    };
    if let Some(c) = &comment {
        let expected = trusted_comment(&manifest.migration_id, &manifest.created_at);
        if c != &expected {
            problems.push(Problem::error(
                Code::MigrationMismatch,
                format!("the signed trusted comment `{c}` does not match the manifest (`{expected}`): a signature of another archive"),
            ));
        }
    }
    if manifest.migration_id != plan.id {
        problems.push(Problem::error(
            Code::MigrationMismatch,
            format!(
                "the manifest is of migration `{}`, the plan is `{}`",
                manifest.migration_id, plan.id
            ),
        ));
    }
    // A manifest its signer did not sign says nothing about which entries
    // to read: no payload entry is opened on its word.
    comment.map(|c| (manifest, c))
}

/// The trusted comment of a valid signature over the manifest's `bytes`.
fn signed_comment(
    reader: &mut ArchiveReader,
    bytes: &[u8],
    plan: &Plan,
    problems: &mut Vec<Problem>,
) -> Option<String> {
    match reader.read_small(SIGNATURE, 64 << 10) {
        Err(_) if reader.refused(SIGNATURE) => None,
        Err(p) if p.code == Code::EntryMissing => {
            problems.push(
                Problem::error(
                    Code::SignatureMissing,
                    "the archive holds no manifest.json.minisig: it is not signed",
                )
                .path(SIGNATURE),
            );
            None
        }
        Err(p) => {
            problems.push(p);
            None
        }
        Ok(sig) => signature(bytes, &sig, plan, problems),
    }
}

/// The manifest, when it parses and is of a format and version this tool
/// reads.
fn parse_manifest(bytes: &[u8]) -> Result<Manifest, Problem> {
    let invalid = |message: String| Problem::error(Code::ManifestInvalid, message).path(MANIFEST);
    crate::json::check_slice(bytes)
        .map_err(|e| invalid(format!("manifest.json does not parse: {e}")))?;
    let manifest: Manifest = serde_json::from_slice(bytes)
        .map_err(|e| invalid(format!("manifest.json does not parse: {e}")))?;
    if manifest.format != FORMAT {
        let message = format!("format is `{}`, not `{FORMAT}`", manifest.format);
        return Err(invalid(message));
    }
    if manifest.format_version > FORMAT_VERSION {
        return Err(Problem::error(
            Code::FormatUnsupported,
            format!(
                "the archive has format_version {}; this tool reads up to version {FORMAT_VERSION}: use a newer dossier-transfer",
                manifest.format_version
            ),
        ));
    }
    let mut listed = HashSet::new();
    if let Some(twice) = manifest.entries.iter().find(|e| !listed.insert(&e.path)) {
        let message = format!("the manifest lists entry `{}` twice", twice.path);
        return Err(invalid(message));
    }
    Ok(manifest)
}

fn signature(
    manifest: &[u8],
    sig: &[u8],
    plan: &Plan,
    problems: &mut Vec<Problem>,
) -> Option<String> {
    let text = String::from_utf8_lossy(sig);
    match crate::keys::verify(&plan.handover.signer, manifest, &text) {
        Ok(comment) => {
            if !comment.contains(&format!("migration_id={} ", plan.id)) {
                problems.push(Problem::error(
                    Code::MigrationMismatch,
                    format!("the signature is for another migration: trusted comment `{comment}`"),
                ));
            }
            Some(comment)
        }
        Err(VerifyFailure::KeyInvalid(k)) => {
            problems.push(Problem::error(
                Code::PlanInvalid,
                format!("the plan's signer `{k}` is not a minisign public key"),
            ));
            None
        }
        Err(e) => {
            problems.push(Problem::error(Code::SignatureInvalid, format!("manifest.json: {e}; only an archive signed by the plan's signer is accepted")).path(SIGNATURE));
            None
        }
    }
}

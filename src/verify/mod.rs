//! Verify (process.md step 5): proves an archive intact, authentic and
//! complete against its manifest and the plan. Every check runs and every
//! finding is collected; nothing is written.

mod authenticate;
mod payload;
mod plan_match;

use authenticate::authenticate;
use payload::{check_entries, check_payload};
use plan_match::{check_against_plan, check_plan_entry};

use crate::archive::manifest::Manifest;
use crate::archive::reader::{ArchiveReader, Caps};
use crate::error::{Error, Result};
use crate::export::walk::LeftBehind;
use crate::plan::Plan;
use crate::problem::{Code, Problem, Severity};
use serde::Serialize;
use std::collections::{BTreeMap, HashSet};
use std::path::Path;

/// The largest manifest read (a manifest lists every entry).
const MAX_MANIFEST: u64 = 512 << 20;

/// What a successful verification shows the user.
#[derive(Debug, Clone, Serialize)]
pub struct Summary {
    /// Lowercase hex sha256 of the archive file.
    pub archive_sha256: String,
    /// The migration id the manifest names (equal to the plan's).
    pub migration_id: String,
    /// Whether the archive is a `--rehearsal` export.
    pub rehearsal: bool,
    /// When the archive was exported (RFC 3339).
    pub created_at: String,
    /// `Name <email>` of the operator who exported it.
    pub exported_by: String,
    /// The plan's signer key, which the signature was checked against.
    pub signer: String,
    /// The signature's trusted comment (`migration_id=… created_at=…`),
    /// which binds it to one migration and moment.
    pub trusted_comment: String,
    /// Dossiers in the archive.
    pub dossiers: u64,
    /// Records in the archive per kind.
    pub records: BTreeMap<String, u64>,
    /// Bytes of file contents, each distinct content counted once.
    pub file_bytes: u64,
    /// What the export left at the source, and why.
    pub left_behind: LeftBehind,
}

/// The outcome: problems, and when the archive could be read, its
/// manifest and the open reader (which `import` goes on with).
pub struct Verified {
    /// The archive file's sha256, to compare with the one the export printed.
    pub(crate) archive_sha256: String,
    /// Every finding, errors and warnings; each code is listed at most
    /// 100 times, the rest counted in one closing finding.
    pub problems: Vec<Problem>,
    /// The authenticated manifest; `None` when none could be read and
    /// checked against the plan's signer (`problems` say why).
    pub(crate) manifest: Option<Manifest>,
    /// What the archive holds; `None` when there is no trusted manifest.
    pub summary: Option<Summary>,
    /// The open archive; `None` when it could not be opened (not
    /// decryptable by these identities, or not an archive).
    pub(crate) reader: Option<ArchiveReader>,
}

impl Verified {
    /// Whether any finding is an error: the archive must not be imported.
    pub fn failed(&self) -> bool {
        crate::problem::any_error(&self.problems)
    }
}

/// Verifies the archive at `path` against `plan`.
pub fn verify(
    path: &Path,
    plan: &Plan,
    identities: &[Box<dyn age::Identity + Send + Sync>],
    caps: Caps,
) -> Result<Verified> {
    let archive_sha256 = crate::digest::sha256_file(path)?;
    let (mut reader, mut problems) = match ArchiveReader::open(path, identities, caps) {
        Ok(opened) => opened,
        Err(Error::Invalid(mut problems)) => {
            for p in problems
                .iter_mut()
                .filter(|p| p.code == Code::DecryptFailed)
            {
                p.message = format!("{} ({})", p.message, plan.handover.recipients.join(", "));
            }
            tidy(&mut problems);
            return Ok(Verified {
                archive_sha256: archive_sha256.clone(),
                problems,
                manifest: None,
                summary: None,
                reader: None,
            });
        }
        Err(e) => return Err(e),
    };
    let Some((manifest, comment)) = authenticate(&mut reader, plan, &mut problems) else {
        tidy(&mut problems);
        return Ok(Verified {
            archive_sha256: archive_sha256.clone(),
            problems,
            manifest: None,
            summary: None,
            reader: Some(reader),
        });
    };
    check_against_plan(&manifest, plan, &mut problems);
    check_plan_entry(&mut reader, plan, &mut problems);
    let hashed = check_payload(&mut reader, &manifest, plan, &mut problems)?;
    check_entries(&mut reader, &manifest, &hashed, &mut problems);
    tidy(&mut problems);
    let summary = Summary {
        archive_sha256: archive_sha256.clone(),
        migration_id: manifest.migration_id.clone(),
        rehearsal: manifest.rehearsal,
        created_at: manifest.created_at.clone(),
        exported_by: manifest.operator.clone(),
        signer: plan.handover.signer.clone(),
        trusted_comment: comment,
        dossiers: manifest.totals.dossiers,
        records: manifest.totals.records.clone(),
        file_bytes: manifest.totals.file_bytes,
        left_behind: manifest.left_behind.clone(),
    };
    Ok(Verified {
        archive_sha256,
        problems,
        manifest: Some(manifest),
        summary: Some(summary),
        reader: Some(reader),
    })
}

/// How many findings of one code are reported one by one; the rest are
/// counted, so a hostile manifest of millions of entries cannot fill the
/// output (and the operator's screen) with the same finding.
pub(crate) const MAX_PER_CODE: usize = 100;

/// Keeps the first of equal findings, and the first `archive-corrupt`:
/// once the encrypted stream is damaged, every later read past the damage
/// reports the same failure, and an entry read twice (the plan, a capped
/// entry) fails twice alike. Then caps each code at [`MAX_PER_CODE`],
/// ending with "and N more" for the codes it cut.
fn tidy(problems: &mut Vec<Problem>) {
    let mut seen = HashSet::new();
    let mut corrupt = false;
    problems.retain(|p| {
        if p.code == Code::ArchiveCorrupt {
            return !std::mem::replace(&mut corrupt, true);
        }
        seen.insert((p.code, p.message.clone(), p.path.clone()))
    });
    let mut per_code: BTreeMap<Code, (usize, Severity)> = BTreeMap::new();
    problems.retain(|p| {
        let (n, _) = per_code.entry(p.code).or_insert((0, p.severity));
        *n += 1;
        *n <= MAX_PER_CODE
    });
    for (code, (n, severity)) in per_code {
        if n > MAX_PER_CODE {
            let more = crate::report::lang::Lang::En.num((n - MAX_PER_CODE) as u64);
            let message = format!("and {more} more `{}`", code.as_str());
            problems.push(match severity {
                Severity::Error => Problem::error(code, message),
                Severity::Warning => Problem::warning(code, message),
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn findings_are_reported_once_and_capped_per_code() {
        let mut problems: Vec<Problem> = (0..MAX_PER_CODE + 4000)
            .map(|i| Problem::error(Code::EntryMissing, format!("entry {i}")))
            .collect();
        problems.push(Problem::warning(Code::EditedAfterCutOff, "edited"));
        problems.push(Problem::warning(Code::EditedAfterCutOff, "edited"));
        tidy(&mut problems);
        assert_eq!(problems.len(), MAX_PER_CODE + 2);
        assert_eq!(problems[0].message, "entry 0");
        assert_eq!(problems[MAX_PER_CODE].code, Code::EditedAfterCutOff);
        let last = &problems[MAX_PER_CODE + 1];
        assert_eq!(last.code, Code::EntryMissing);
        assert_eq!(last.severity, Severity::Error);
        assert_eq!(last.message, "and 4,000 more `entry-missing`");
    }
}

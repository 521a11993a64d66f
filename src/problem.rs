//! Findings with a stable code, shared by every command that checks something.
//!
//! A `Problem` is data, not an error: checks collect all of them and the CLI
//! decides the exit code from their severities. Every code the tool emits is
//! a variant of [`Code`]; its wire name, usual severity, exit code and hint
//! sit in one table below, so a new code is one new row.

use serde::Serialize;
use std::fmt;

/// How bad a finding is: an error fails the command, a warning is printed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Printed; the command still succeeds.
    Warning,
    /// Fails the command.
    Error,
}

macro_rules! codes {
    ($($variant:ident => $wire:literal, $severity:ident, $exit:literal, $hint:literal;)*) => {
        /// Every problem code the tool emits (cli.md "Problem codes", and the
        /// ones this project added, documented in `docs/`).
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum Code {
            $(
                #[doc = $hint]
                $variant,
            )*
        }

        impl Code {
            /// Every code, in the order of the table.
            pub const ALL: &'static [Code] = &[$(Code::$variant),*];

            /// The stable kebab-case name on the wire.
            pub fn as_str(self) -> &'static str {
                match self {
                    $(Code::$variant => $wire,)*
                }
            }

            /// The severity the code usually has (a few, such as
            /// `cut-off-in-future`, are a warning in one command and an error
            /// in another).
            pub fn severity(self) -> Severity {
                match self {
                    $(Code::$variant => Severity::$severity,)*
                }
            }

            /// The exit code of a command that this code ends (cli.md "Exit
            /// codes"); `check` reports state codes with exit 3 instead of 4.
            pub fn exit_code(self) -> u8 {
                match self {
                    $(Code::$variant => $exit,)*
                }
            }

            /// One line on what to do about it.
            pub fn hint(self) -> &'static str {
                match self {
                    $(Code::$variant => $hint,)*
                }
            }
        }
    };
}

codes! {
    PlanInvalid => "plan-invalid", Error, 3, "fix the plan at the key and line named";
    PlanUnknownKey => "plan-unknown-key", Error, 3, "remove the key or correct its spelling (plan.md lists every key)";
    ConsentMissing => "consent-missing", Error, 3, "add the owner's consent table to the plan";
    ConsentIncomplete => "consent-incomplete", Error, 3, "fill in name, email, given_on and reference of the consent";
    ConsentNotOwner => "consent-not-owner", Error, 3, "the consent must be given by the account's owner (same e-mail)";
    NoDataTypes => "no-data-types", Error, 3, "choose at least one data type under [data]";
    SinceAfterCutOff => "since-after-cut-off", Error, 3, "set daily_reports.since on or before the cut-off's date";
    CutOffInFuture => "cut-off-in-future", Error, 3, "export after the cut-off, or use --rehearsal under dress-rehearsal";
    AccountNotFound => "account-not-found", Error, 3, "check the account slug with `account list`";
    AccountNotInPlan => "account-not-in-plan", Error, 3, "use the plan's target or test account";
    SignerMismatch => "signer-mismatch", Error, 3, "sign with the key whose public half is the plan's signer";
    DossierAfterCutOff => "dossier-after-cut-off", Error, 3, "drop the dossier from the plan or move the cut-off";
    GroupNotFound => "group-not-found", Error, 3, "check the source group's key with `account show`";
    TargetGroupNotFound => "target-group-not-found", Error, 3, "create the target group first (levels B and C need it)";
    TargetGroupExists => "target-group-exists", Error, 3, "at level A the import creates the group: pick a new to_group";
    DossierNotFound => "dossier-not-found", Error, 3, "check the dossier's id or exact name with `account show`";
    DossierAmbiguous => "dossier-ambiguous", Error, 3, "select the dossier by id instead of by name";
    DossierSelectedTwice => "dossier-selected-twice", Error, 3, "list each dossier once under [[dossiers.select]]";
    ConfigFieldMissing => "config-field-missing", Error, 3, "add the field with `align`";
    ConfigFieldTypeMismatch => "config-field-type-mismatch", Error, 3, "a person must settle the field's type; align cannot";
    ConfigOptionMissing => "config-option-missing", Error, 3, "add the option with `align`";
    ConfigLabelMissing => "config-label-missing", Error, 3, "add the report label with `align`";
    ConfigAgendaTypeMissing => "config-agenda-type-missing", Error, 3, "add the agenda type with `align`";
    ConfigProductMissing => "config-product-missing", Error, 3, "add the product with `align`";
    ConfigProductUnitDiffers => "config-product-unit-differs", Error, 3, "a person must settle the product's unit; align cannot";
    ConfigLabelDiffers => "config-label-differs", Warning, 3, "the target keeps its own label; no data is lost";
    TeammateUnmapped => "teammate-unmapped", Warning, 3, "choose `teammates` to create them inactive, or add them on the target";
    ClientExistsOnTarget => "client-exists-on-target", Warning, 3, "the client already has a dossier on the target: decide whether to merge by hand";
    MemberLimitExceeded => "member-limit-exceeded", Error, 3, "remove member access on the target or leave member_access out";
    AccountReadOnly => "account-read-only", Error, 4, "finish or undo the migration that holds the mark, or run `unlock`";
    StoreBusy => "store-busy", Error, 4, "another process is writing to the store: try again when it is done";
    AlreadyImported => "already-imported", Error, 4, "this migration is in the account: `rollback` it first to import again";
    StageNotSignedOff => "stage-not-signed-off", Error, 4, "sign off the test stage first (`report`, then `sign-off`)";
    ArchiveNotTested => "archive-not-tested", Error, 4, "import the archive that was tested, or roll the test back and test this one";
    RehearsalArchive => "rehearsal-archive", Error, 4, "a rehearsal archive only goes into the test account under dress-rehearsal";
    NotRehearsalArchive => "not-rehearsal-archive", Error, 4, "under dress-rehearsal the test account takes an `export --rehearsal` archive";
    NotImported => "not-imported", Error, 4, "import the migration into this account first";
    AlreadySignedOff => "already-signed-off", Error, 4, "this stage is signed off; nothing to do";
    ReportMismatch => "report-mismatch", Error, 4, "resolve the differences that `report` shows before signing off";
    ChangedAfterImport => "changed-after-import", Error, 4, "others added records to migrated dossiers: remove them or keep the migration";
    UnlockRefused => "unlock-refused", Error, 4, "the migration committed: use `rollback`, not `unlock`";
    AccountExists => "account-exists", Error, 3, "use `--replace` to replace the account, or another slug";
    TreeInvalid => "tree-invalid", Error, 3, "fix the dossier tree at the file and line named";
    RecordInvalid => "record-invalid", Error, 3, "the record does not match its kind's fields (tree-format.md)";
    ReferenceDangling => "reference-dangling", Error, 3, "the reference names nothing inside the archive or tree";
    EditedAfterCutOff => "edited-after-cut-off", Warning, 3, "these records move in their current state; check the edits with the team";
    AuditChainBroken => "audit-chain-broken", Error, 3, "the audit log was altered: keep the store for investigation";
    EntryNameUnsafe => "entry-name-unsafe", Error, 3, "the archive was not made by dossier-transfer or was altered: ask for a new one";
    EntryDuplicate => "entry-duplicate", Error, 3, "the archive holds two entries of one name: ask for a new export";
    EntryUnsupported => "entry-unsupported", Error, 3, "the archive uses a ZIP feature the reader refuses: ask for a new export";
    EntryTooLarge => "entry-too-large", Error, 3, "raise the cap with the `--max-*` option if the archive is trusted";
    ZipInvalid => "zip-invalid", Error, 3, "the archive's ZIP is damaged: ask for a new export";
    ArchiveCorrupt => "archive-corrupt", Error, 3, "the file is damaged or cut short: copy it again and compare its sha256";
    DecryptFailed => "decrypt-failed", Error, 3, "use the identity of one of the plan's recipients";
    SignatureMissing => "signature-missing", Error, 3, "the archive carries no manifest signature: ask for a new export";
    SignatureInvalid => "signature-invalid", Error, 3, "the manifest is not signed by the plan's signer: ask for a new export";
    MigrationMismatch => "migration-mismatch", Error, 3, "the archive belongs to another migration: check the plan and the file";
    FormatUnsupported => "format-unsupported", Error, 3, "use a version of dossier-transfer that reads this archive's version";
    ManifestInvalid => "manifest-invalid", Error, 3, "the manifest does not parse: ask for a new export";
    PlanMismatch => "plan-mismatch", Error, 3, "both sides must use the same plan: compare the plans' keys";
    EntryMissing => "entry-missing", Error, 3, "the archive lacks an entry its manifest lists: ask for a new export";
    EntryUnexpected => "entry-unexpected", Error, 3, "the archive holds an entry its manifest does not list: ask for a new export";
    EntryChecksumMismatch => "entry-checksum-mismatch", Error, 3, "an entry's bytes changed: ask for a new export";
    EntrySizeMismatch => "entry-size-mismatch", Error, 3, "an entry's size differs from the manifest: ask for a new export";
    DossierMissing => "dossier-missing", Error, 3, "a planned dossier is not there: export again or correct the plan";
    DossierUnexpected => "dossier-unexpected", Error, 3, "the archive holds a dossier the plan does not select";
    KindUnexpected => "kind-unexpected", Error, 3, "the archive holds a data type the plan does not choose";
    CountMismatch => "count-mismatch", Error, 3, "records differ from the manifest's counts: find the missing ones before signing off";
    DigestMismatch => "digest-mismatch", Error, 3, "the records' content differs from the manifest: compare before signing off";
    RecordAfterCutOff => "record-after-cut-off", Error, 3, "the archive holds a record from after its cut-off: ask for a new export";
    RecordBeforeSince => "record-before-since", Error, 3, "the archive holds a report from before `since`: ask for a new export";
    RecordAddedAfterImport => "record-added-after-import", Warning, 3, "others added records to migrated dossiers since the import";
    IoError => "io-error", Error, 1, "a file or store could not be read or written: check the path and its permissions";
    InternalError => "internal-error", Error, 1, "a bug in dossier-transfer: please report it with the command you ran";
    Usage => "usage", Error, 2, "see `dossier-transfer help` for the command's options";
}

impl Code {
    /// The code with this wire name.
    pub fn from_wire(name: &str) -> Option<Code> {
        Code::ALL.iter().copied().find(|c| c.as_str() == name)
    }
}

impl fmt::Display for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for Code {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

/// One finding: a stable `code` (cli.md), a message that names what was wrong
/// and where, and the dossier, kind and path it concerns where they apply.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Problem {
    /// What kind of finding it is; stable, for scripts and the docs.
    pub code: Code,
    /// Whether it fails the command.
    pub severity: Severity,
    /// What was wrong and where, for people (English).
    pub message: String,
    /// The id of the dossier it concerns; `None` when it concerns none.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) dossier: Option<String>,
    /// The record kind it concerns (e.g. `daily_reports`); `None` when it
    /// concerns none.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) kind: Option<String>,
    /// The file (in the tree or the archive) it concerns; `None` when it
    /// concerns none.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) path: Option<String>,
}

impl Problem {
    /// A finding that fails the command.
    pub fn error(code: Code, message: impl Into<String>) -> Self {
        Self::new(code, Severity::Error, message)
    }

    /// A finding that is printed and lets the command succeed.
    pub(crate) fn warning(code: Code, message: impl Into<String>) -> Self {
        Self::new(code, Severity::Warning, message)
    }

    fn new(code: Code, severity: Severity, message: impl Into<String>) -> Self {
        Problem {
            code,
            severity,
            message: message.into(),
            dossier: None,
            kind: None,
            path: None,
        }
    }

    /// The same finding, naming the dossier it concerns.
    pub(crate) fn dossier(mut self, id: impl Into<String>) -> Self {
        self.dossier = Some(id.into());
        self
    }

    /// The same finding, naming the record kind it concerns.
    pub(crate) fn kind(mut self, kind: impl Into<String>) -> Self {
        self.kind = Some(kind.into());
        self
    }

    /// The same finding, naming the file it concerns.
    pub(crate) fn path(mut self, path: impl Into<String>) -> Self {
        self.path = Some(path.into());
        self
    }

    /// Whether it fails the command.
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

/// True when any problem is an error (the command then exits 3).
pub fn any_error(problems: &[Problem]) -> bool {
    problems.iter().any(Problem::is_error)
}

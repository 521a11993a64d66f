//! Findings with a stable code, shared by every command that checks something.
//!
//! A `Problem` is data, not an error: checks collect all of them and the CLI
//! decides the exit code from their severities.

use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Warning,
    Error,
}

/// One finding: a stable `code` (cli.md), a message that names what was wrong
/// and where, and the dossier, kind and path it concerns where they apply.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Problem {
    pub code: &'static str,
    pub severity: Severity,
    pub message: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub dossier: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
}

impl Problem {
    pub fn error(code: &'static str, message: impl Into<String>) -> Self {
        Self::new(code, Severity::Error, message)
    }

    pub fn warning(code: &'static str, message: impl Into<String>) -> Self {
        Self::new(code, Severity::Warning, message)
    }

    fn new(code: &'static str, severity: Severity, message: impl Into<String>) -> Self {
        Problem {
            code,
            severity,
            message: message.into(),
            dossier: None,
            kind: None,
            path: None,
        }
    }

    pub fn dossier(mut self, id: impl Into<String>) -> Self {
        self.dossier = Some(id.into());
        self
    }

    pub fn kind(mut self, kind: impl Into<String>) -> Self {
        self.kind = Some(kind.into());
        self
    }

    pub fn path(mut self, path: impl Into<String>) -> Self {
        self.path = Some(path.into());
        self
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

/// True when any problem is an error (the command then exits 3).
pub fn any_error(problems: &[Problem]) -> bool {
    problems.iter().any(Problem::is_error)
}

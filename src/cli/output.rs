//! Rendering results: human lines or one JSON document, and exit codes.

use dossier_transfer::error::Error;
use dossier_transfer::problem::Code;
use dossier_transfer::problem::{Problem, Severity};
use serde_json::{Value, json};
use std::process::ExitCode;

/// Exit codes of cli.md.
pub const EXIT_OK: u8 = 0;
pub const EXIT_IO: u8 = 1;
pub const EXIT_USAGE: u8 = 2;
pub const EXIT_PROBLEMS: u8 = 3;
pub const EXIT_REFUSED: u8 = 4;

#[derive(Debug, Clone, Copy)]
pub struct Out {
    pub json: bool,
    pub quiet: bool,
}

impl Out {
    /// Prints a human line unless `--quiet` or `--json`.
    pub fn say(&self, line: impl AsRef<str>) {
        if !self.json && !self.quiet {
            println!("{}", sanitise(line.as_ref()));
        }
    }

    /// Prints problems (stderr for humans) and finishes with the summary.
    /// Exit 3 when any problem is an error.
    pub fn finish(&self, problems: &[Problem], summary: Value, human: &dyn Fn(&Out)) -> ExitCode {
        let failed = problems.iter().any(Problem::is_error);
        if self.json {
            print_json(&json!({"ok": !failed, "problems": problems, "summary": summary}));
        } else {
            print_problems(problems);
            if !self.quiet {
                human(self);
            }
        }
        ExitCode::from(if failed { EXIT_PROBLEMS } else { EXIT_OK })
    }

    /// Reports an error and returns its exit code.
    pub fn fail(&self, error: &Error) -> ExitCode {
        let (code, problems) = classify(error);
        if self.json {
            print_json(&json!({"ok": false, "problems": problems, "summary": {}}));
        } else {
            print_problems(&problems);
        }
        ExitCode::from(code)
    }
}

/// The exit code of an error and the problems that describe it (cli.md:
/// exit 1 is `io-error` or `internal-error`, 2 `usage`, 3 the problems
/// found, 4 a refusal).
fn classify(error: &Error) -> (u8, Vec<Problem>) {
    match error {
        Error::Invalid(p) => (EXIT_PROBLEMS, p.clone()),
        Error::Refused(p) => (EXIT_REFUSED, vec![p.clone()]),
        Error::StoreBusy { .. } => (
            EXIT_REFUSED,
            vec![Problem::error(Code::StoreBusy, error.to_string())],
        ),
        Error::Usage(_) => (
            EXIT_USAGE,
            vec![Problem::error(Code::Usage, error.to_string())],
        ),
        Error::Internal(_) | Error::Dependency { .. } => (
            EXIT_IO,
            vec![Problem::error(Code::InternalError, error.to_string())],
        ),
        Error::Io { .. }
        | Error::Store { .. }
        | Error::StoreTooNew { .. }
        | Error::StoreTooOld { .. }
        | Error::Corrupt { .. }
        | Error::System { .. } => (
            EXIT_IO,
            vec![Problem::error(Code::IoError, error.to_string())],
        ),
    }
}

fn print_json(v: &Value) {
    println!(
        "{}",
        serde_json::to_string_pretty(v).unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"))
    );
}

pub fn print_problems(problems: &[Problem]) {
    for p in problems {
        let level = match p.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        eprintln!("{level}[{}]: {}", p.code, sanitise(&p.message));
    }
}

/// Control characters from user data must not drive the terminal.
pub fn sanitise(s: &str) -> String {
    s.chars()
        .map(|c| {
            if c.is_control() && c != '\n' && c != '\t' {
                '\u{fffd}'
            } else {
                c
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn code_of(error: &Error) -> (u8, Code) {
        let (exit, problems) = classify(error);
        (exit, problems[0].code)
    }

    #[test]
    fn every_error_has_its_exit_code_and_problem_code() {
        let io = || std::io::Error::other("gone");
        let store = String::from("care.db");
        for (error, expected) in [
            (Error::io("plan.toml", io()), (EXIT_IO, Code::IoError)),
            (
                Error::StoreTooNew {
                    store: store.clone(),
                    version: 9,
                    known: 3,
                },
                (EXIT_IO, Code::IoError),
            ),
            (
                Error::corrupt("the journal's manifest does not parse", io()),
                (EXIT_IO, Code::IoError),
            ),
            (Error::system("no thread", io()), (EXIT_IO, Code::IoError)),
            (
                Error::dependency("age", io()),
                (EXIT_IO, Code::InternalError),
            ),
            (
                Error::Internal("a bug".to_owned()),
                (EXIT_IO, Code::InternalError),
            ),
            (Error::StoreBusy { store }, (EXIT_REFUSED, Code::StoreBusy)),
            (Error::Usage("no".to_owned()), (EXIT_USAGE, Code::Usage)),
            (
                Error::invalid(Problem::error(Code::PlanInvalid, "bad")),
                (EXIT_PROBLEMS, Code::PlanInvalid),
            ),
            (
                Error::Refused(Problem::error(Code::AlreadyImported, "again")),
                (EXIT_REFUSED, Code::AlreadyImported),
            ),
        ] {
            assert_eq!(code_of(&error), expected, "{error}");
        }
        let (_, problems) = classify(&Error::Internal("a bug".to_owned()));
        assert_eq!(problems[0].message, "internal error: a bug");
    }
}

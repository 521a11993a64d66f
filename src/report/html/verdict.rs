//! The page's head, its verdict, the notes and the overview table.

use super::*;

impl Page {
    pub(super) fn head(&mut self, r: &Report) {
        let title = self.t("title");
        self.put(format_args!(
            "<!DOCTYPE html>\n<html lang=\"{}\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>{title}: {}</title>\n<style>{CSS}</style>\n</head>\n<body>\n<main>\n<header>\n<h1>{title}</h1>\n<dl>\n",
            self.lang.code(),
            esc(&r.migration)
        ));
        let stage = self.t(match r.stage {
            Stage::Test => "stage.test",
            Stage::Live => "stage.live",
        });
        let rows = [
            ("migration", esc(&r.migration)),
            (
                "account",
                format!("{} ({})", esc(&r.account.name), esc(&r.account.slug)),
            ),
            ("stage", stage.to_owned()),
            ("generated", esc(&self.when(&r.generated_at))),
        ];
        for (key, value) in rows {
            let label = self.t(key);
            self.put(format_args!("<dt>{label}</dt><dd>{value}</dd>\n"));
        }
        self.push("</dl>\n</header>\n");
    }

    pub(super) fn verdict(&mut self, r: &Report) {
        let v = &r.verdict;
        let (class, mark, title, detail) = match v.status {
            VerdictStatus::AllMatched => (
                "ok",
                "✓",
                self.t("verdict.ok").to_owned(),
                "verdict.ok.detail",
            ),
            VerdictStatus::Mismatches => (
                "bad",
                "✗",
                self.lang.count(
                    v.mismatches as u64,
                    "verdict.mismatch.one",
                    "verdict.mismatch.many",
                ),
                "verdict.mismatch.detail",
            ),
            VerdictStatus::NotImported => (
                "bad",
                "✗",
                self.t("verdict.not_imported").to_owned(),
                "verdict.not_imported.detail",
            ),
            VerdictStatus::AuditBroken => (
                "bad",
                "✗",
                self.t("verdict.audit").to_owned(),
                "verdict.audit.detail",
            ),
        };
        let mut facts = vec![
            self.lang
                .count(v.dossiers as u64, "dossiers.one", "dossiers.many"),
            self.lang
                .count(v.records_found, "records.one", "records.many"),
        ];
        if v.status == VerdictStatus::Mismatches {
            facts.push(format!(
                "{} {}",
                self.lang.count(
                    v.dossiers_mismatched as u64,
                    "dossiers.one",
                    "dossiers.many"
                ),
                self.t("with_mismatch")
            ));
        }
        if v.warnings > 0 {
            facts.push(
                self.lang
                    .count(v.warnings as u64, "warnings.one", "warnings.many"),
            );
        }
        let advice = self.t(if v.ok() {
            "verdict.ok.advice"
        } else {
            "verdict.bad.advice"
        });
        self.put(format_args!(
            "<div class=\"verdict {class}\" id=\"verdict\">\n<h2><span class=\"mark\">{mark}</span>{}</h2>\n<p>{}</p>\n<p>{}</p>\n<p class=\"advice\">{advice}</p>\n</div>\n",
            esc(&title),
            facts.join(" · "),
            self.t(detail),
        ));
    }

    /// Errors first, then warnings, in the reader's language, built from
    /// the data rather than from the (English) problem messages.
    pub(super) fn notes(&mut self, r: &Report) {
        let mut errors = Vec::new();
        let mut warnings = Vec::new();
        for d in &r.dossiers {
            self.dossier_notes(d, &mut errors, &mut warnings);
        }
        for c in &r.clients_on_target {
            let text = fill(
                self.t("note.client"),
                &[
                    ("o", &c.other_id),
                    ("n", &c.other_name),
                    ("g", &c.other_group),
                ],
            );
            warnings.push(format!("{} {text}", who(&c.name, &c.source_id)));
        }
        for p in &r.problems {
            self.other_note(r, p, &mut errors, &mut warnings);
        }
        if errors.is_empty() && warnings.is_empty() {
            return;
        }
        self.section("notes", "notes");
        self.push("<ul class=\"notes\">\n");
        let (e, w) = (self.t("note.error"), self.t("note.warning"));
        for n in &errors {
            self.put(format_args!("<li><b>{e}:</b> {n}</li>\n"));
        }
        for n in &warnings {
            self.put(format_args!("<li class=\"warn\"><b>{w}:</b> {n}</li>\n"));
        }
        self.push("</ul>\n</section>\n");
    }

    fn dossier_notes(
        &self,
        d: &DossierReport,
        errors: &mut Vec<String>,
        warnings: &mut Vec<String>,
    ) {
        let name = who(&d.name, &d.source_id);
        if d.target_id.is_none() {
            errors.push(format!("{name} {}", self.t("note.missing")));
            return;
        }
        for row in &d.rows {
            let kind = esc(&self.kind(&row.kind));
            if row.expected != row.found {
                let (e, f) = (self.num(row.expected), self.num(row.found));
                let text = fill(self.t("note.count"), &[("e", &e), ("f", &f)]);
                errors.push(format!("{name}, {kind}: {text}"));
            } else if !row.digest_matches {
                errors.push(format!("{name}, {kind}: {}", self.t("note.digest")));
            }
        }
        if d.added_since > 0 {
            let n = self.num(d.added_since);
            warnings.push(format!(
                "{name}: {}",
                fill(self.t("note.added"), &[("n", &n)])
            ));
        }
    }

    /// Problems the dossier data does not already explain.
    fn other_note(
        &self,
        r: &Report,
        p: &Problem,
        errors: &mut Vec<String>,
        warnings: &mut Vec<String>,
    ) {
        let text = match p.code {
            Code::CountMismatch
            | Code::DigestMismatch
            | Code::DossierMissing
            | Code::RecordAddedAfterImport
            | Code::ClientExistsOnTarget
            | Code::NotImported => return,
            Code::AuditChainBroken => {
                let n = r.audit.broken_at.map(|n| n.to_string()).unwrap_or_default();
                fill(self.t("note.audit"), &[("n", &n)])
            }
            Code::PlanMismatch => self.t("note.plan").to_owned(),
            _ => format!(
                "{} <span class=\"mono\">[{}]</span>",
                esc(&p.message),
                esc(p.code.as_str())
            ),
        };
        if p.is_error() {
            errors.push(text);
        } else {
            warnings.push(text);
        }
    }

    pub(super) fn overview(&mut self, r: &Report) {
        let Some(i) = &r.import else {
            return;
        };
        self.section("overview", "overview");
        self.push("<table>\n");
        let group = self.t("group");
        let by = self.t("by");
        let mut archive = format!("<span class=\"mono\">{}</span>", esc(&i.archive_sha256));
        if i.rehearsal {
            archive += &format!(" ({})", self.t("rehearsal"));
        }
        let since = match &i.daily_reports_since {
            Some(d) => esc(&self.day(d)),
            None => self.t("since.all").to_owned(),
        };
        let level = self.t(&format!("level.{}", r.test_level));
        let imported = i
            .imported_at
            .as_deref()
            .map(|at| self.when(at))
            .unwrap_or_default();
        let rows = [
            (
                "from",
                format!(
                    "{} · {group} {}",
                    esc(&i.source_account),
                    esc(&i.source_group)
                ),
            ),
            (
                "to",
                format!("{} ({})", esc(&r.account.name), esc(&r.account.slug)),
            ),
            ("cut_off", esc(&self.when(&i.cut_off))),
            ("since", since),
            (
                "exported",
                format!(
                    "{} {by} {}",
                    esc(&self.when(&i.exported_at)),
                    esc(&i.exported_by)
                ),
            ),
            (
                "imported",
                format!("{} {by} {}", esc(&imported), esc(&i.imported_by)),
            ),
            ("test_level", level.to_owned()),
            ("files_size", format!("{} bytes", self.num(i.file_bytes))),
            ("archive", archive),
            (
                "plan",
                format!("<span class=\"mono\">{}</span>", esc(&i.plan_sha256)),
            ),
        ];
        for (key, value) in rows {
            let label = self.t(key);
            self.put(format_args!(
                "<tr><th scope=\"row\" style=\"width:28%\">{label}</th><td>{value}</td></tr>\n"
            ));
        }
        self.push("</table>\n</section>\n");
    }
}

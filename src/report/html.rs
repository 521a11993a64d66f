//! The report as ONE self-contained HTML page for the care manager who
//! reads and signs it: inline CSS, no scripts, no fonts, images or links to
//! load, so it opens the same from a USB stick in twenty years; printable
//! on A4. Every string that came from a store or a plan is escaped.

use super::data::{Action, DossierReport, Event, KindTotal, Report, VerdictStatus};
use super::lang::Lang;
use crate::export::walk::LeftBehind;
use crate::problem::{Code, Problem};
use crate::store::journal::Stage;
use std::collections::BTreeMap;
use std::fmt::Write;

/// The page for `report` in `lang`.
pub fn render(report: &Report, lang: Lang) -> String {
    let mut p = Page {
        lang,
        out: String::with_capacity(64 * 1024),
    };
    p.head(report);
    p.verdict(report);
    p.notes(report);
    p.overview(report);
    p.dossiers(report);
    p.kinds(report);
    p.left_behind(report);
    p.teammates(report);
    p.clients(report);
    p.configuration(report);
    p.consents(report);
    p.timeline(report);
    p.audit(report);
    p.sign_off(report);
    p.foot();
    p.out
}

/// Escapes text for HTML content and attribute values alike.
pub fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

/// Fills `{name}` placeholders of a (trusted) label in one pass, so text
/// from a store that happens to contain `{x}` is never expanded itself.
/// The values are escaped here.
fn fill(template: &str, values: &[(&str, &str)]) -> String {
    let mut out = String::with_capacity(template.len() + 32);
    let mut rest = template;
    while let Some(start) = rest.find('{') {
        out.push_str(&rest[..start]);
        let after = &rest[start + 1..];
        let value = after.find('}').and_then(|end| {
            let name = &after[..end];
            values
                .iter()
                .find(|(k, _)| *k == name)
                .map(|(_, v)| (esc(v), end))
        });
        match value {
            Some((v, end)) => {
                out.push_str(&v);
                rest = &after[end + 1..];
            }
            None => {
                out.push('{');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

const CSS: &str = r#"
@page { size: A4; margin: 14mm 13mm 16mm; }
* { box-sizing: border-box; }
html { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
body { margin: 0; background: #fff; color: #1f2933; font: 15px/1.5 "Segoe UI", "Helvetica Neue", Arial, "Liberation Sans", "DejaVu Sans", sans-serif; }
main { max-width: 1060px; margin: 0 auto; padding: 36px 44px 48px; }
header { border-bottom: 3px solid #1f4e79; padding-bottom: 12px; }
header h1 { margin: 0 0 6px; font-size: 27px; color: #1f4e79; }
header dl { display: grid; grid-template-columns: max-content 1fr; gap: 2px 16px; margin: 0; color: #3e4c59; }
header dt { font-weight: 600; }
header dd { margin: 0; }
.verdict { margin: 22px 0 8px; padding: 18px 24px; border-radius: 10px; color: #fff; }
.verdict.ok { background: #1a7f37; }
.verdict.bad { background: #c62828; }
.verdict h2 { margin: 0; font-size: 32px; border: 0; color: #fff; padding: 0; }
.verdict h2 .mark { display: inline-block; width: 1.15em; }
.verdict p { margin: 6px 0 0; font-size: 16px; }
.verdict p.advice { font-weight: 600; }
h2 { font-size: 20px; margin: 30px 0 10px; padding-bottom: 4px; color: #1f4e79; border-bottom: 2px solid #d9e2ec; }
h3 { font-size: 16px; margin: 16px 0 6px; }
p.intro { margin: 0 0 10px; color: #52606d; }
table { width: 100%; border-collapse: collapse; font-size: 14px; }
th, td { text-align: left; padding: 6px 8px; border-bottom: 1px solid #e4e7eb; vertical-align: top; }
th { background: #f0f4f8; font-weight: 600; color: #323f4b; }
#dossiers td:first-child { width: 24%; }
th.bar-col { width: 30%; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
tr.bad td { background: #fdecea; }
tr.total td { font-weight: 700; border-top: 2px solid #bcccdc; }
.good { color: #1a7f37; font-weight: 600; }
.bad-text { color: #c62828; font-weight: 700; }
.muted { color: #7b8794; }
.small { font-size: 12.5px; }
.mono { font-family: "DejaVu Sans Mono", "Liberation Mono", Consolas, monospace; font-size: 12px; word-break: break-all; }
.ids, .nowrap { white-space: nowrap; }
.reason { color: #52606d; font-style: italic; }
.chips { display: flex; flex-wrap: wrap; gap: 4px; }
.chip { display: inline-block; padding: 1px 8px; border-radius: 10px; background: #e6f0fa; color: #1f4e79; font-size: 12.5px; white-space: nowrap; }
.chip.bad { background: #c62828; color: #fff; font-weight: 600; }
.bar { display: flex; height: 14px; min-width: 160px; background: #f0f4f8; border-radius: 3px; overflow: hidden; }
.bar span { display: block; height: 100%; }
.bar .moved { background: #2f6fb3; }
.bar .left { background: #bcccdc; }
.bar .wrong { background: #c62828; }
.bar.big { height: 22px; margin: 6px 0 4px; }
.legend { font-size: 13px; color: #52606d; }
.legend i { display: inline-block; width: 11px; height: 11px; margin: 0 4px 0 12px; vertical-align: -1px; border-radius: 2px; }
.legend i:first-child { margin-left: 0; }
ul.notes { list-style: none; padding: 0; margin: 0; }
ul.notes li { margin: 0 0 6px; padding: 8px 12px; border-left: 5px solid #c62828; background: #fdecea; border-radius: 3px; }
ul.notes li.warn { border-left-color: #d97706; background: #fff4e0; }
.box { padding: 10px 14px; border-radius: 6px; background: #f0f4f8; }
.box.good-box { background: #e3f4e8; border-left: 5px solid #1a7f37; }
.box.bad-box { background: #fdecea; border-left: 5px solid #c62828; }
.cmd { display: block; margin: 6px 0 0; padding: 8px 10px; background: #f0f4f8; border-radius: 4px; font-family: "DejaVu Sans Mono", "Liberation Mono", Consolas, monospace; font-size: 12.5px; word-break: break-all; }
.signatures { display: grid; grid-template-columns: 1fr 1fr; gap: 36px; margin-top: 16px; }
.signatures h3 { margin-top: 0; }
.field { display: flex; align-items: flex-end; margin: 0 0 10px; }
.field span { width: 110px; color: #52606d; }
.field div { flex: 1; border-bottom: 1px solid #323f4b; height: 26px; }
.field.tall div { height: 64px; }
footer { margin-top: 36px; padding-top: 8px; border-top: 1px solid #d9e2ec; color: #7b8794; font-size: 12px; }
@media print {
  body { font-size: 10pt; }
  table { font-size: 9pt; }
  th, td { padding: 4px 6px; }
  .chip { font-size: 8pt; padding: 0 6px; }
  h2 { margin-top: 18px; }
  main { max-width: none; padding: 0; }
  h2 { break-after: avoid; }
  tr, .chip, ul.notes li, .box, .signatures, .verdict { break-inside: avoid; }
  section.signoff { break-inside: avoid; }
}
"#;

struct Page {
    lang: Lang,
    out: String,
}

impl Page {
    fn t(&self, key: &str) -> &'static str {
        self.lang.t(key)
    }

    fn push(&mut self, s: &str) {
        self.out.push_str(s);
    }

    /// Pushes formatted text. Writing into a String cannot fail.
    fn put(&mut self, args: std::fmt::Arguments) {
        let _ = self.out.write_fmt(args);
    }

    fn num(&self, n: u64) -> String {
        self.lang.num(n)
    }

    fn kind(&self, kind: &str) -> String {
        let key = format!("kind.{kind}");
        // A kind this version does not know still shows, as its name.
        if crate::model::kinds::kind(kind).is_some() || kind == "dossiers" {
            self.t(&key).to_owned()
        } else {
            kind.to_owned()
        }
    }

    /// A moment in Amsterdam time: "25 november 2026, 21:05".
    fn when(&self, at: &str) -> String {
        let Ok(ts) = at.parse::<jiff::Timestamp>() else {
            return at.to_owned();
        };
        let z = ts.to_zoned_datetime(crate::clock::zone());
        format!("{}, {:02}:{:02}", self.date(z.date()), z.hour(), z.minute())
    }

    fn date(&self, d: jiff::civil::Date) -> String {
        format!(
            "{} {} {}",
            d.day(),
            self.t(&format!("month.{}", d.month())),
            d.year()
        )
    }

    fn day(&self, s: &str) -> String {
        s.parse::<jiff::civil::Date>()
            .map(|d| self.date(d))
            .unwrap_or_else(|_| s.to_owned())
    }

    /// Opens a table with a header row; a column is (label key, class),
    /// class `num` right-aligns it, an empty key leaves the cell empty.
    fn table_head(&mut self, id: &str, columns: &[(&str, &str)]) {
        let id = if id.is_empty() {
            String::new()
        } else {
            format!(" id=\"{id}\"")
        };
        self.put(format_args!("<table{id}>\n<thead><tr>"));
        for (key, class) in columns {
            let label = if key.is_empty() { "" } else { self.t(key) };
            self.put(format_args!("<th class=\"{class}\">{label}</th>"));
        }
        self.push("</tr></thead>\n<tbody>\n");
    }

    fn section(&mut self, class: &str, title_key: &str) {
        let title = self.t(title_key);
        self.put(format_args!(
            "<section class=\"{class}\"><h2>{title}</h2>\n"
        ));
    }

    fn head(&mut self, r: &Report) {
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

    fn verdict(&mut self, r: &Report) {
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
    fn notes(&mut self, r: &Report) {
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

    fn overview(&mut self, r: &Report) {
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

    fn dossiers(&mut self, r: &Report) {
        if r.dossiers.is_empty() {
            return;
        }
        self.section("dossiers", "per_dossier");
        let intro = self.t("per_dossier.intro");
        self.put(format_args!("<p class=\"intro\">{intro}</p>\n"));
        self.table_head(
            "dossiers",
            &[
                ("client_ids", ""),
                ("target_group", ""),
                ("records", "num"),
                ("content", ""),
                ("per_kind", ""),
            ],
        );
        for d in &r.dossiers {
            self.dossier_row(d);
        }
        self.push("</tbody>\n</table>\n</section>\n");
    }

    fn dossier_row(&mut self, d: &DossierReport) {
        let class = if d.matches { "" } else { " class=\"bad\"" };
        let target = match &d.target_id {
            Some(t) => esc(t),
            None => format!("<span class=\"bad-text\">{}</span>", self.t("missing")),
        };
        let records = if d.expected == d.found {
            self.num(d.found)
        } else {
            format!(
                "<span class=\"bad-text\">{} {} {}</span>",
                self.num(d.found),
                self.t("of"),
                self.num(d.expected)
            )
        };
        let content = if d.matches {
            format!("<span class=\"good\">✓ {}</span>", self.t("equal"))
        } else {
            format!("<span class=\"bad-text\">✗ {}</span>", self.t("differs"))
        };
        let mut added = String::new();
        if d.added_since > 0 {
            added = format!(
                "<div class=\"small muted\">+{} {}</div>",
                self.num(d.added_since),
                self.t("added_since")
            );
        }
        let chips = self.chips(d);
        // The ids sit under the name, so the per-kind column keeps its room
        // on a printed page.
        self.put(format_args!(
            "<tr{class} data-dossier=\"{}\"><td><strong>{}</strong><div class=\"ids small\">{} → {target}</div></td><td class=\"nowrap\">{}</td><td class=\"num\">{records}</td><td class=\"nowrap\">{content}{added}</td><td>{chips}</td></tr>\n",
            esc(&d.source_id),
            esc(&d.name),
            esc(&d.source_id),
            esc(&d.to_group),
        ));
    }

    /// Per kind: the count found; a mismatch shows red with what was
    /// expected. Kinds without records on either side are left out.
    fn chips(&self, d: &DossierReport) -> String {
        let mut out = String::from("<div class=\"chips\">");
        let mut any = false;
        for row in d.rows.iter().filter(|r| r.expected > 0 || r.found > 0) {
            any = true;
            let kind = esc(&self.kind(&row.kind));
            if row.expected != row.found {
                let _ = write!(
                    out,
                    "<span class=\"chip bad\">✗ {kind} {} {} {}</span>",
                    self.num(row.found),
                    self.t("of"),
                    self.num(row.expected)
                );
            } else if !row.digest_matches {
                let _ = write!(
                    out,
                    "<span class=\"chip bad\">✗ {kind} {}: {}</span>",
                    self.num(row.found),
                    self.t("differs")
                );
            } else {
                let _ = write!(
                    out,
                    "<span class=\"chip\">{kind} {}</span>",
                    self.num(row.found)
                );
            }
        }
        if !any {
            let _ = write!(out, "<span class=\"muted\">{}</span>", self.t("no_records"));
        }
        out.push_str("</div>");
        out
    }

    fn kinds(&mut self, r: &Report) {
        if r.kinds.is_empty() {
            return;
        }
        self.section("kinds", "per_type");
        let moved: u64 = r.kinds.iter().map(|k| k.found.min(k.expected)).sum();
        let left: u64 = r.kinds.iter().map(|k| k.left_behind).sum();
        self.big_bar(moved, left);
        let intro = self.t("per_type.intro");
        self.put(format_args!("<p class=\"intro\">{intro}</p>\n"));
        self.table_head(
            "",
            &[
                ("kind", ""),
                ("expected", "num"),
                ("found", "num"),
                ("content", ""),
                ("left", "num"),
                ("moved_vs_left", "bar-col"),
            ],
        );
        let max = r
            .kinds
            .iter()
            .map(|k| k.expected.max(k.found) + k.left_behind)
            .max()
            .unwrap_or(0);
        for k in &r.kinds {
            self.kind_row(k, max);
        }
        let (e, f): (u64, u64) = (
            r.kinds.iter().map(|k| k.expected).sum(),
            r.kinds.iter().map(|k| k.found).sum(),
        );
        self.put(format_args!(
            "<tr class=\"total\"><td>{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td></td><td class=\"num\">{}</td><td></td></tr>\n</tbody>\n</table>\n</section>\n",
            self.t("total"), self.num(e), self.num(f), self.num(left)
        ));
    }

    fn big_bar(&mut self, moved: u64, left: u64) {
        let total = (moved + left).max(1) as f64;
        let (m, l) = (pct(moved as f64 / total), pct(left as f64 / total));
        self.put(format_args!(
            "<div class=\"bar big\"><span class=\"moved\" style=\"width:{m}%\"></span><span class=\"left\" style=\"width:{l}%\"></span></div>\n<div class=\"legend\"><i style=\"background:#2f6fb3\"></i>{}: {} <i style=\"background:#bcccdc\"></i>{}: {}</div>\n",
            self.t("moved"), self.num(moved), self.t("left"), self.num(left)
        ));
    }

    fn kind_row(&mut self, k: &KindTotal, max: u64) {
        let ok = k.expected == k.found && k.digests_match;
        let class = if ok { "" } else { " class=\"bad\"" };
        let content = match (k.expected + k.found, ok) {
            (0, _) => String::new(),
            (_, true) => format!("<span class=\"good\">✓ {}</span>", self.t("equal")),
            (_, false) => format!("<span class=\"bad-text\">✗ {}</span>", self.t("differs")),
        };
        let scale = |n: u64| pct(n as f64 / max.max(1) as f64);
        let moved_class = if ok { "moved" } else { "wrong" };
        let bar = format!(
            "<div class=\"bar\"><span class=\"{moved_class}\" style=\"width:{}%\"></span><span class=\"left\" style=\"width:{}%\"></span></div>",
            scale(k.found.max(k.expected)),
            scale(k.left_behind)
        );
        self.put(format_args!(
            "<tr{class}><td>{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"nowrap\">{content}</td><td class=\"num\">{}</td><td>{bar}</td></tr>\n",
            esc(&self.kind(&k.kind)),
            self.num(k.expected),
            self.num(k.found),
            self.num(k.left_behind)
        ));
    }

    fn left_behind(&mut self, r: &Report) {
        if r.import.is_none() {
            return;
        }
        self.section("left-behind", "left_behind");
        if r.left_behind.is_empty() {
            let none = self.t("left_behind.none");
            self.put(format_args!("<p>{none}</p>\n</section>\n"));
            return;
        }
        let intro = self.t("left_behind.intro");
        self.put(format_args!("<p class=\"intro\">{intro}</p>\n"));
        self.table_head("", &[("reason", ""), ("kind", ""), ("total", "num")]);
        let rows = self.left_rows(&r.left_behind);
        self.push(&rows);
        self.push("</tbody>\n</table>\n");
        self.left_per_dossier(r);
        self.push("</section>\n");
    }

    /// One row per reason: what, with counts, and the reason's total.
    fn left_rows(&self, lb: &LeftBehind) -> String {
        let mut out = String::new();
        for (reason, items) in self.left_items(lb) {
            let total: u64 = items.iter().map(|(_, n)| n).sum();
            let list: Vec<String> = items
                .iter()
                .map(|(what, n)| format!("{} {}", esc(what), self.num(*n)))
                .collect();
            let _ = writeln!(
                out,
                "<tr><td>{}</td><td>{}</td><td class=\"num\">{}</td></tr>",
                self.t(&format!("lb.{reason}")),
                list.join(" · "),
                self.num(total)
            );
        }
        out
    }

    /// Per reason that left anything: (label of what, count), kinds in
    /// the kinds table's order.
    fn left_items(&self, lb: &LeftBehind) -> Vec<(&'static str, Vec<(String, u64)>)> {
        let mut out = Vec::new();
        for (reason, map) in reasons(lb) {
            let mut items: Vec<(usize, String, u64)> = map
                .iter()
                .map(|(what, n)| {
                    if reason == "references_removed" {
                        (0, self.t(&ref_key(what)).to_owned(), *n)
                    } else {
                        (super::data::kind_rank(what), self.kind(what), *n)
                    }
                })
                .collect();
            items.sort();
            if !items.is_empty() {
                out.push((reason, items.into_iter().map(|(_, w, n)| (w, n)).collect()));
            }
        }
        out
    }

    fn left_per_dossier(&mut self, r: &Report) {
        let with: Vec<&DossierReport> = r
            .dossiers
            .iter()
            .filter(|d| !d.left_behind.is_empty())
            .collect();
        if with.is_empty() {
            return;
        }
        let title = self.t("per_dossier_left");
        self.put(format_args!("<h3>{title}</h3>\n<table>\n<tbody>\n"));
        for d in with {
            let parts: Vec<String> = self
                .left_items(&d.left_behind)
                .into_iter()
                .map(|(reason, items)| {
                    let items: Vec<String> = items
                        .iter()
                        .map(|(what, n)| format!("{} {}", esc(what), self.num(*n)))
                        .collect();
                    format!(
                        "<span class=\"reason\">{}:</span> {}",
                        self.t(&format!("lb.{reason}")),
                        items.join(", ")
                    )
                })
                .collect();
            self.put(format_args!(
                "<tr><td style=\"width:30%\">{}</td><td>{}</td></tr>\n",
                who(&d.name, &d.source_id),
                parts.join("<br>")
            ));
        }
        self.push("</tbody>\n</table>\n");
    }

    fn teammates(&mut self, r: &Report) {
        if r.import.is_none() {
            return;
        }
        self.section("teammates", "teammates");
        let t = &r.teammates;
        if t.unmapped.is_empty() && t.created.is_empty() {
            let all = self.t("teammates.all_linked");
            self.put(format_args!("<p>{all}</p>\n</section>\n"));
            return;
        }
        if !t.unmapped.is_empty() {
            let intro = self.t("teammates.unmapped");
            self.put(format_args!("<p class=\"intro\">{intro}</p>\n"));
            self.people(&t.unmapped);
        }
        if !t.created.is_empty() {
            let intro = self.t("teammates.created");
            self.put(format_args!("<p class=\"intro\">{intro}</p>\n"));
            self.people(&t.created);
        }
        self.push("</section>\n");
    }

    fn people(&mut self, people: &[super::data::Person]) {
        self.table_head("", &[("name", ""), ("email", "")]);
        for p in people {
            self.put(format_args!(
                "<tr><td>{}</td><td>{}</td></tr>\n",
                esc(p.name.as_deref().unwrap_or("–")),
                esc(&p.email)
            ));
        }
        self.push("</tbody>\n</table>\n");
    }

    fn clients(&mut self, r: &Report) {
        if r.import.is_none() {
            return;
        }
        self.section("clients", "clients");
        if r.clients_on_target.is_empty() {
            let none = self.t("clients.none");
            self.put(format_args!("<p>{none}</p>\n</section>\n"));
            return;
        }
        self.table_head("", &[("client", ""), ("dossier_ids", ""), ("existing", "")]);
        for c in &r.clients_on_target {
            self.put(format_args!(
                "<tr class=\"bad\"><td>{}</td><td class=\"ids\">{} → {}</td><td>{} ({}, {} {})</td></tr>\n",
                esc(&c.name),
                esc(&c.source_id),
                esc(&c.target_id),
                esc(&c.other_id),
                esc(&c.other_name),
                self.t("group"),
                esc(&c.other_group)
            ));
        }
        self.push("</tbody>\n</table>\n</section>\n");
    }

    fn configuration(&mut self, r: &Report) {
        self.section("configuration", "configuration");
        let intro = self.t("configuration.intro");
        self.put(format_args!(
            "<p class=\"intro\">{intro}</p>\n<table>\n<tbody>\n"
        ));
        if let Some(s) = &r.configuration.source {
            self.put(format_args!(
                "<tr><th scope=\"row\" style=\"width:28%\">{}</th><td>{} · {} {}<div class=\"mono\">{}</div></td></tr>\n",
                self.t("config.source"),
                esc(&s.account),
                self.t("group"),
                esc(&s.group),
                esc(&s.fingerprint)
            ));
        }
        for g in &r.configuration.targets {
            let state = match (&g.fingerprint, g.same_as_source) {
                (None, _) => format!(
                    "<span class=\"bad-text\">{}</span>",
                    self.t("config.missing")
                ),
                (Some(_), true) => format!("<span class=\"good\">{}</span>", self.t("config.same")),
                (Some(_), false) => self.t("config.differs").to_owned(),
            };
            let created = if g.created_by_import {
                format!(" ({})", self.t("config.created"))
            } else {
                String::new()
            };
            self.put(format_args!(
                "<tr><th scope=\"row\">{}</th><td>{} {}{created}: {state}<div class=\"mono\">{}</div></td></tr>\n",
                self.t("config.target"),
                self.t("group"),
                esc(&g.group),
                esc(g.fingerprint.as_deref().unwrap_or(""))
            ));
        }
        self.push("</tbody>\n</table>\n</section>\n");
    }

    fn consents(&mut self, r: &Report) {
        self.section("consents", "consents");
        self.table_head(
            "",
            &[("", ""), ("name", ""), ("given_on", ""), ("reference", "")],
        );
        for c in &r.consents {
            self.put(format_args!(
                "<tr><th scope=\"row\">{}<div class=\"small muted\">{}</div></th><td>{}<div class=\"small muted\">{}</div></td><td>{}</td><td>{}</td></tr>\n",
                self.t(&format!("role.{}", c.role)),
                esc(&c.account),
                esc(&c.name),
                esc(&c.email),
                esc(&self.day(&c.given_on)),
                esc(&c.reference)
            ));
        }
        self.push("</tbody>\n</table>\n</section>\n");
    }

    fn timeline(&mut self, r: &Report) {
        if r.timeline.is_empty() {
            return;
        }
        self.section("timeline", "timeline");
        self.table_head(
            "",
            &[("when", ""), ("what", ""), ("where", ""), ("who", "")],
        );
        for e in &r.timeline {
            self.event_row(e);
        }
        self.push("</tbody>\n</table>\n</section>\n");
    }

    fn event_row(&mut self, e: &Event) {
        let class = match e.action {
            Action::ImportFailed | Action::ImportUnfinished => " class=\"bad\"",
            _ => "",
        };
        let mut what = self.t(&format!("action.{}", e.action.as_str())).to_owned();
        if e.detail.as_deref() == Some("rehearsal") {
            what += &format!(" ({})", self.t("rehearsal"));
        }
        let stage = match e.stage {
            Some(Stage::Test) => format!(" · {}", self.t("stage.test")),
            Some(Stage::Live) => format!(" · {}", self.t("stage.live")),
            None => String::new(),
        };
        self.put(format_args!(
            "<tr{class}><td class=\"ids\">{}</td><td>{}</td><td>{}{stage}</td><td>{}</td></tr>\n",
            esc(&self.when(&e.at)),
            esc(&what),
            esc(&e.account),
            esc(&e.by)
        ));
    }

    fn audit(&mut self, r: &Report) {
        self.section("audit", "audit");
        let a = &r.audit;
        if a.ok {
            let lines = self.num(a.lines);
            let text = fill(self.t("audit.ok"), &[("n", &lines)]);
            self.put(format_args!("<p class=\"box good-box\">✓ {text}</p>\n"));
        } else {
            let n = a.broken_at.map(|n| n.to_string()).unwrap_or_default();
            let text = fill(self.t("audit.broken"), &[("n", &n)]);
            self.put(format_args!(
                "<p class=\"box bad-box\">✗ {text}<br><span class=\"small\">{}</span></p>\n",
                esc(a.reason.as_deref().unwrap_or(""))
            ));
        }
        self.push("</section>\n");
    }

    fn sign_off(&mut self, r: &Report) {
        self.section("signoff", "signoff");
        if let Some(s) = &r.signed_off {
            let at = self.when(&s.at);
            let text = fill(self.t("signoff.recorded"), &[("by", &s.by), ("at", &at)]);
            self.put(format_args!("<p class=\"box good-box\">✓ {text}</p>\n"));
        } else {
            let intro = self.t("signoff.intro");
            let cmd = format!(
                "dossier-transfer sign-off --plan PLAN --store STORE --account {} --by \"Naam &lt;e-mail&gt;\"",
                esc(&r.account.slug)
            );
            self.put(format_args!(
                "<p>{intro}<span class=\"cmd\">{cmd}</span></p>\n"
            ));
        }
        self.push("<div class=\"signatures\">\n");
        for role in ["signoff.care_manager", "signoff.operator"] {
            self.signature(role);
        }
        self.push("</div>\n</section>\n");
    }

    fn signature(&mut self, role: &str) {
        let title = self.t(role);
        self.put(format_args!("<div>\n<h3>{title}</h3>\n"));
        for (key, class) in [
            ("name", "field"),
            ("signoff.function", "field"),
            ("signoff.date", "field"),
            ("signoff.signature", "field tall"),
        ] {
            let label = self.t(key);
            self.put(format_args!(
                "<div class=\"{class}\"><span>{label}</span><div></div></div>\n"
            ));
        }
        self.push("</div>\n");
    }

    fn foot(&mut self) {
        let text = fill(self.t("footer"), &[("v", env!("CARGO_PKG_VERSION"))]);
        self.put(format_args!(
            "<footer>{text}</footer>\n</main>\n</body>\n</html>\n"
        ));
    }
}

/// "Maria van den Berg (d-0001)", escaped.
fn who(name: &str, id: &str) -> String {
    format!("<strong>{}</strong> ({})", esc(name), esc(id))
}

fn pct(fraction: f64) -> String {
    format!("{:.1}", (fraction * 100.0).clamp(0.0, 100.0))
}

fn reasons(lb: &LeftBehind) -> [(&'static str, &BTreeMap<String, u64>); 4] {
    [
        ("after_cut_off", &lb.after_cut_off),
        ("before_since", &lb.before_since),
        ("kinds_not_chosen", &lb.kinds_not_chosen),
        ("references_removed", &lb.references_removed),
    ]
}

/// The label of a removed-reference reason; unknown ones fall back to a
/// generic label rather than to a missing key.
fn ref_key(what: &str) -> String {
    match what {
        "other_clients"
        | "history_other_dossiers"
        | "report_attachments"
        | "time_entry_agenda_items" => {
            format!("ref.{what}")
        }
        _ => "lb.references_removed".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_and_fills_once() {
        assert_eq!(
            esc("<a href=\"x\">'&'</a>"),
            "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;"
        );
        assert_eq!(
            fill("{a} and {b}", &[("a", "{b}"), ("b", "<x>")]),
            "{b} and &lt;x&gt;"
        );
        assert_eq!(fill("{unknown} {", &[]), "{unknown} {");
    }

    /// Labels looked up by a composed key exist in both languages (a
    /// missing one stops debug builds).
    #[test]
    fn every_composed_label_exists() {
        use super::super::data::Action;
        let mut keys: Vec<String> = crate::model::kinds::KINDS
            .iter()
            .map(|k| format!("kind.{}", k.name))
            .collect();
        keys.push("kind.dossiers".into());
        for a in [
            Action::Export,
            Action::Align,
            Action::Import,
            Action::ImportFailed,
            Action::ImportUnfinished,
            Action::SignOff,
            Action::Rollback,
        ] {
            keys.push(format!("action.{}", a.as_str()));
        }
        for level in crate::plan::TestLevel::ALL {
            keys.push(format!("level.{}", level.key()));
        }
        let lb = LeftBehind::default();
        for (reason, _) in reasons(&lb) {
            keys.push(format!("lb.{reason}"));
        }
        for r in [
            crate::export::walk::OTHER_CLIENTS,
            crate::export::walk::HISTORY_OTHER_DOSSIERS,
            crate::export::walk::REPORT_ATTACHMENTS,
            crate::export::walk::TIME_ENTRY_AGENDA_ITEMS,
            "something-new",
        ] {
            keys.push(ref_key(r));
        }
        keys.extend((1..=12).map(|m| format!("month.{m}")));
        keys.extend(["role.source_owner", "role.target_owner"].map(String::from));
        for key in &keys {
            for lang in [Lang::Nl, Lang::En] {
                assert_ne!(lang.t(key), "?", "{key}");
            }
        }
    }
}

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

mod counts;
mod record;
mod verdict;

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
pub(crate) fn esc(s: &str) -> String {
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

/// Kept in its own file so it can be read and edited as CSS.
const CSS: &str = include_str!("report.css");

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
    let known = crate::model::kinds::KINDS
        .iter()
        .flat_map(|k| k.refs())
        .any(|(_, r)| r.cut_as == what);
    if known {
        format!("ref.{what}")
    } else {
        "lb.references_removed".to_owned()
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
        for k in &crate::model::kinds::KINDS {
            keys.extend(k.refs().map(|(_, r)| ref_key(r.cut_as)));
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

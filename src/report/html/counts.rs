//! What moved and what stayed behind: per dossier, per kind, per reason.

use super::*;

impl Page {
    pub(super) fn dossiers(&mut self, r: &Report) {
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

    pub(super) fn kinds(&mut self, r: &Report) {
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

    pub(super) fn left_behind(&mut self, r: &Report) {
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
                        (crate::report::data::kind_rank(what), self.kind(what), *n)
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
}

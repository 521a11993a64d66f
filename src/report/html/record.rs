//! The people, configuration, consents, timeline, audit and sign-off sections.

use super::*;

impl Page {
    pub(super) fn teammates(&mut self, r: &Report) {
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

    fn people(&mut self, people: &[crate::report::data::Person]) {
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

    pub(super) fn clients(&mut self, r: &Report) {
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

    pub(super) fn configuration(&mut self, r: &Report) {
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

    pub(super) fn consents(&mut self, r: &Report) {
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

    pub(super) fn timeline(&mut self, r: &Report) {
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

    pub(super) fn audit(&mut self, r: &Report) {
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

    pub(super) fn sign_off(&mut self, r: &Report) {
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

    pub(super) fn foot(&mut self) {
        let text = fill(self.t("footer"), &[("v", env!("CARGO_PKG_VERSION"))]);
        self.put(format_args!(
            "<footer>{text}</footer>\n</main>\n</body>\n</html>\n"
        ));
    }
}

//! Reading the plan's top level: id, cut-off, test level, both sides and
//! the dossier selection.

use std::collections::HashMap;

use jiff::Timestamp;
use jiff::civil::Date;
use toml::Spanned;
use toml::de::DeValue;

use super::agreement::{read_consents, read_data, read_handover};
use super::lexical::*;
use super::walk::{Cx, Got, Section};
use super::*;
use crate::digest::sha256_hex;

pub(super) struct CutOff {
    pub(super) text: String,
    pub(super) at: Timestamp,
    /// The civil date in the cut-off's own offset, which bounds `since`.
    pub(super) date: Date,
}

pub(super) fn read_plan(cx: &mut Cx, root: &Section, today: Date) -> Option<Plan> {
    root.unknown_keys(cx, TOP_KEYS);
    let id = root.checked(cx, "id", is_migration_id, ID_RULE);
    let cut_off = read_cut_off(cx, root);
    let test_level = read_test_level(cx, root);
    let source = read_source(cx, root);
    let target = read_target(cx, root, test_level);
    let dossiers = read_dossiers(cx, root);
    let data = read_data(cx, root, cut_off.as_ref());
    let consent = read_consents(cx, root, today);
    let handover = read_handover(cx, root);
    let cut_off = cut_off?;
    let mut plan = Plan {
        id: id?,
        cut_off: cut_off.text,
        cut_off_at: cut_off.at,
        test_level: test_level?,
        source: source?,
        target: target?,
        dossiers: dossiers?,
        data: data?,
        consent: consent?,
        handover: handover?,
        digest: String::new(),
    };
    plan.digest = sha256_hex(plan.canonical_json().as_bytes());
    Some(plan)
}

fn read_cut_off(cx: &mut Cx, root: &Section) -> Option<CutOff> {
    let Some(v) = root.raw("cut_off") else {
        root.missing(cx, "cut_off");
        return None;
    };
    let line = cx.line(&v.span());
    // A TOML offset datetime is accepted too, taken in its RFC 3339 form, so
    // that it gives the same digest as the same moment written in quotes.
    let text = match v.get_ref() {
        DeValue::String(s) => s.to_string(),
        DeValue::Datetime(dt) => dt.to_string(),
        other => {
            let msg = format!("expected a string, found {}", other.type_str());
            cx.invalid(line, "cut_off", msg);
            return None;
        }
    };
    let parsed = rfc3339(&text).and_then(|at| Some((at, parse_date(text.get(..10)?)?)));
    let Some((at, date)) = parsed else {
        cx.invalid(
            line,
            "cut_off",
            format!("{text:?} is not valid: expected {CUT_OFF_RULE}"),
        );
        return None;
    };
    Some(CutOff { text, at, date })
}

fn read_test_level(cx: &mut Cx, root: &Section) -> Option<TestLevel> {
    let (s, line) = root.required_string(cx, "test_level")?;
    let level = TestLevel::from_key(&s);
    if level.is_none() {
        let msg =
            format!("{s:?} is not valid: expected test-group, test-account or dress-rehearsal");
        cx.invalid(line, "test_level", msg);
    }
    level
}

fn read_source(cx: &mut Cx, root: &Section) -> Option<SourceSide> {
    let s = root.required_table(cx, "source")?;
    s.unknown_keys(cx, &["account", "group"]);
    let account = s.checked(cx, "account", is_key, KEY_RULE);
    let group = s.checked(cx, "group", is_key, KEY_RULE);
    Some(SourceSide {
        account: account?,
        group: group?,
    })
}

fn read_target(cx: &mut Cx, root: &Section, level: Option<TestLevel>) -> Option<TargetSide> {
    let t = root.required_table(cx, "target")?;
    t.unknown_keys(cx, &["account", "test_account"]);
    let account = t.checked(cx, "account", is_key, KEY_RULE);
    let test_account = match t.string(cx, "test_account") {
        Got::Ok(s, line) => Some((
            t.check_value(cx, "test_account", s, line, is_key, KEY_RULE)?,
            line,
        )),
        Got::Absent => None,
        Got::Bad => return None,
    };
    if let (None, Some(level)) = (&test_account, level)
        && level.needs_test_account()
    {
        let msg = format!(
            "missing; test level {} imports into a test account first",
            level.key()
        );
        cx.invalid(t.line, &t.what("test_account"), msg);
        return None;
    }
    let account = account?;
    if let Some((test, line)) = &test_account
        && *test == account
    {
        let msg = format!("must differ from [target] account ({account:?})");
        cx.invalid(*line, &t.what("test_account"), msg);
        return None;
    }
    Some(TargetSide {
        account,
        test_account: test_account.map(|(s, _)| s),
    })
}

fn read_dossiers(cx: &mut Cx, root: &Section) -> Option<Selection> {
    let d = root.required_table(cx, "dossiers")?;
    d.unknown_keys(cx, &["all", "to_group", "select"]);
    let Some(select) = d.raw("select") else {
        return read_all(cx, &d);
    };
    let mut mixed = false;
    for key in ["all", "to_group"] {
        if let Some(v) = d.raw(key) {
            let msg = "leave this out when dossiers are listed in [[dossiers.select]]";
            cx.invalid(cx.line(&v.span()), &d.what(key), msg);
            mixed = true;
        }
    }
    let entries = read_select(cx, select);
    if mixed { None } else { entries }
}

fn read_all(cx: &mut Cx, d: &Section) -> Option<Selection> {
    let all = match d.boolean(cx, "all") {
        Got::Ok(true, _) => true,
        Got::Ok(false, line) => {
            let msg = "`all = false` selects nothing; list the dossiers in [[dossiers.select]]";
            cx.invalid(line, &d.what("all"), msg);
            false
        }
        Got::Absent => {
            let msg =
                "choose `all = true` with `to_group`, or list dossiers in [[dossiers.select]]";
            cx.invalid(d.line, d.name(), msg);
            if d.raw("to_group").is_some() {
                d.checked(cx, "to_group", is_key, KEY_RULE);
            }
            return None;
        }
        Got::Bad => false,
    };
    let to_group = d.checked(cx, "to_group", is_key, KEY_RULE)?;
    all.then_some(Selection::All { to_group })
}

fn read_select(cx: &mut Cx, select: &Spanned<DeValue>) -> Option<Selection> {
    let line = cx.line(&select.span());
    let what = "[[dossiers.select]]";
    let items = match select.get_ref() {
        DeValue::Array(items) => items,
        other => {
            let msg = format!("expected a list of tables, found {}", other.type_str());
            cx.invalid(line, what, msg);
            return None;
        }
    };
    if items.is_empty() {
        cx.invalid(line, what, "no dossiers listed");
        return None;
    }
    let mut seen = Seen::default();
    let mut entries = Vec::new();
    let mut ok = true;
    for (i, item) in items.iter().enumerate() {
        match read_entry(cx, item, i + 1, &mut seen) {
            Some(e) => entries.push(e),
            None => ok = false,
        }
    }
    ok.then_some(Selection::Select(entries))
}

/// Dossiers selected so far, to report a second selection of the same one.
#[derive(Default)]
struct Seen {
    /// Folded id → line: ids compare case-insensitively (domain.md).
    ids: HashMap<String, usize>,
    names: HashMap<String, usize>,
}

impl Seen {
    fn first_line(&mut self, by: &DossierRef, line: usize) -> Option<usize> {
        let (map, key) = match by {
            DossierRef::Id(id) => (&mut self.ids, id.to_lowercase()),
            DossierRef::Name(name) => (&mut self.names, name.clone()),
        };
        match map.get(&key) {
            Some(first) => Some(*first),
            None => {
                map.insert(key, line);
                None
            }
        }
    }
}

fn read_entry(
    cx: &mut Cx,
    item: &Spanned<DeValue>,
    n: usize,
    seen: &mut Seen,
) -> Option<SelectEntry> {
    let line = cx.line(&item.span());
    let prefix = format!("[[dossiers.select]] #{n} ");
    let DeValue::Table(table) = item.get_ref() else {
        let msg = format!("expected a table, found {}", item.get_ref().type_str());
        cx.invalid(line, prefix.trim_end(), msg);
        return None;
    };
    let e = Section {
        path: "dossiers.select".to_owned(),
        prefix,
        table,
        line,
    };
    e.unknown_keys(cx, &["id", "name", "to_group"]);
    let by = read_dossier_ref(cx, &e);
    let to_group = e.checked(cx, "to_group", is_key, KEY_RULE);
    let by = by?;
    if let Some(first) = seen.first_line(&by, line) {
        let (key, value) = match &by {
            DossierRef::Id(id) => ("id", id),
            DossierRef::Name(name) => ("name", name),
        };
        let msg = format!("dossier {value:?} is already selected on line {first}");
        cx.report(SELECTED_TWICE, line, &e.what(key), msg);
        return None;
    }
    Some(SelectEntry {
        by,
        to_group: to_group?,
        line,
    })
}

fn read_dossier_ref(cx: &mut Cx, e: &Section) -> Option<DossierRef> {
    match (e.string(cx, "id"), e.string(cx, "name")) {
        (Got::Ok(id, line), Got::Absent) => e
            .check_value(cx, "id", id, line, is_dossier_id, DOSSIER_ID_RULE)
            .map(DossierRef::Id),
        (Got::Absent, Got::Ok(name, line)) => {
            if name.trim().is_empty() {
                cx.invalid(
                    line,
                    &e.what("name"),
                    "empty; give the dossier's name as written",
                );
                return None;
            }
            Some(DossierRef::Name(name))
        }
        (Got::Absent, Got::Absent) => {
            cx.invalid(e.line, e.name(), "give the dossier's `id` or its `name`");
            None
        }
        (Got::Ok(..), Got::Ok(..)) => {
            cx.invalid(e.line, e.name(), "give either `id` or `name`, not both");
            None
        }
        _ => None,
    }
}

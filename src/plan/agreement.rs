//! Reading what the owners agreed to: the data types, both consents and
//! the handover.

use jiff::civil::Date;
use toml::de::DeValue;

use super::lexical::*;
use super::read::CutOff;
use super::walk::{Cx, Got, Section, describe};
use super::*;

pub(super) fn read_data(
    cx: &mut Cx,
    root: &Section,
    cut_off: Option<&CutOff>,
) -> Option<DataChoice> {
    let d = match root.table(cx, "data") {
        Got::Ok(d, _) => d,
        Got::Absent => {
            let msg = "missing; choose at least one data type";
            cx.report(NO_DATA_TYPES, root.line, "[data]", msg);
            return None;
        }
        Got::Bad => return None,
    };
    let keys: Vec<&str> = DataType::ALL.iter().map(|dt| dt.key()).collect();
    d.unknown_keys(cx, &keys);
    let mut choice = DataChoice::default();
    let mut ok = true;
    for dt in DataType::ALL {
        ok &= read_data_type(cx, &d, dt, cut_off, &mut choice);
    }
    if ok && choice.chosen.is_empty() {
        let msg = "no data type chosen; set at least one to true";
        cx.report(NO_DATA_TYPES, d.line, d.name(), msg);
    }
    ok.then_some(choice)
}

/// Reads one `[data]` key into `choice`; false when it was unusable.
fn read_data_type(
    cx: &mut Cx,
    d: &Section,
    dt: DataType,
    cut_off: Option<&CutOff>,
    choice: &mut DataChoice,
) -> bool {
    let key = dt.key();
    if dt == DataType::DailyReports
        && let Some(table) = d.table_quiet(cx, key)
    {
        let Some(since) = read_since(cx, &table, cut_off) else {
            return false;
        };
        choice.daily_reports_since = Some(since);
        choice.choose(dt);
        return true;
    }
    let expected = if dt == DataType::DailyReports {
        "true, false or a table { since = \"YYYY-MM-DD\" }"
    } else {
        "true or false"
    };
    match d.typed(cx, key, (expected, PLAN_INVALID), DeValue::as_bool) {
        Got::Ok(true, _) => choice.choose(dt),
        Got::Bad => return false,
        _ => {}
    }
    true
}

fn read_since(cx: &mut Cx, table: &Section, cut_off: Option<&CutOff>) -> Option<Date> {
    table.unknown_keys(cx, &["since"]);
    let (since, line) = match table.date(cx, "since", PLAN_INVALID) {
        Got::Ok(since, line) => (since, line),
        Got::Absent => {
            let msg = "missing; write `daily_reports = true` to move reports of every date";
            cx.invalid(table.line, &table.what("since"), msg);
            return None;
        }
        Got::Bad => return None,
    };
    if let Some(cut_off) = cut_off
        && since > cut_off.date
    {
        let msg = format!(
            "{since} is after the cut-off's date ({}); no report could move",
            cut_off.date
        );
        cx.report(SINCE_AFTER_CUT_OFF, line, &table.what("since"), msg);
        return None;
    }
    Some(since)
}

pub(super) fn read_consents(cx: &mut Cx, root: &Section, today: Date) -> Option<Consents> {
    let consent = match root.table(cx, "consent") {
        Got::Ok(c, _) => Some(c),
        Got::Absent => None,
        Got::Bad => return None,
    };
    if let Some(c) = &consent {
        c.unknown_keys(cx, &["source_owner", "target_owner"]);
    }
    let source_owner = read_consent(cx, consent.as_ref(), "source_owner", today);
    let target_owner = read_consent(cx, consent.as_ref(), "target_owner", today);
    Some(Consents {
        source_owner: source_owner?,
        target_owner: target_owner?,
    })
}

fn read_consent(cx: &mut Cx, parent: Option<&Section>, key: &str, today: Date) -> Option<Consent> {
    let c = match parent.map(|p| p.table(cx, key)) {
        Some(Got::Ok(c, _)) => c,
        Some(Got::Bad) => return None,
        _ => {
            let who = key.replace('_', " ");
            let msg =
                format!("missing; record the {who}'s consent (name, email, given_on, reference)");
            let line = parent.map_or(1, |p| p.line);
            cx.report(CONSENT_MISSING, line, &format!("[consent.{key}]"), msg);
            return None;
        }
    };
    c.unknown_keys(cx, CONSENT_KEYS);
    read_consent_fields(cx, &c, today)
}

fn read_consent_fields(cx: &mut Cx, c: &Section, today: Date) -> Option<Consent> {
    let mut missing = Vec::new();
    let mut text = |cx: &mut Cx, key: &'static str| match c.string_or(cx, key, CONSENT_INCOMPLETE) {
        Got::Ok(s, line) if !s.trim().is_empty() => Some((s, line)),
        Got::Bad => None,
        _ => {
            missing.push(key);
            None
        }
    };
    let name = text(cx, "name");
    let email = text(cx, "email");
    let reference = text(cx, "reference");
    let given_on = match read_given_on(cx, c) {
        Got::Ok(d, line) => Some((d, line)),
        Got::Absent => {
            missing.push("given_on");
            None
        }
        Got::Bad => None,
    };
    if !missing.is_empty() {
        let msg = format!("missing or empty: {}", missing.join(", "));
        cx.report(CONSENT_INCOMPLETE, c.line, c.name(), msg);
    }
    let email = check_email(cx, c, email?)?;
    let given_on = check_given_on(cx, c, given_on?, today)?;
    Some(Consent {
        name: name?.0,
        email,
        given_on,
        reference: reference?.0,
    })
}

/// An empty `given_on` counts as missing, like the other consent keys: the
/// template holds empty strings until the consent is filled in.
fn read_given_on(cx: &mut Cx, c: &Section) -> Got<Date> {
    let blank = c
        .raw("given_on")
        .and_then(|v| v.get_ref().as_str())
        .is_some_and(|s| s.trim().is_empty());
    if blank {
        return Got::Absent;
    }
    c.date(cx, "given_on", CONSENT_INCOMPLETE)
}

fn check_email(cx: &mut Cx, c: &Section, (email, line): (String, usize)) -> Option<String> {
    if is_email(&email) {
        return Some(email);
    }
    let msg = format!("{email:?} does not look like an e-mail address");
    cx.report(CONSENT_INCOMPLETE, line, &c.what("email"), msg);
    None
}

fn check_given_on(
    cx: &mut Cx,
    c: &Section,
    (date, line): (Date, usize),
    today: Date,
) -> Option<Date> {
    if date <= today {
        return Some(date);
    }
    let msg = format!("{date} is in the future (today is {today})");
    cx.report(CONSENT_INCOMPLETE, line, &c.what("given_on"), msg);
    None
}

pub(super) fn read_handover(cx: &mut Cx, root: &Section) -> Option<Handover> {
    let h = root.required_table(cx, "handover")?;
    h.unknown_keys(cx, &["recipients", "signer"]);
    let recipients = read_recipients(cx, &h);
    let signer = h.checked(cx, "signer", is_minisign_public_key, SIGNER_RULE);
    Some(Handover {
        recipients: recipients?,
        signer: signer?,
    })
}

fn read_recipients(cx: &mut Cx, h: &Section) -> Option<Vec<String>> {
    let Some(v) = h.raw("recipients") else {
        h.missing(cx, "recipients");
        return None;
    };
    let line = cx.line(&v.span());
    let DeValue::Array(items) = v.get_ref() else {
        let msg = format!(
            "expected a list of strings, found {}",
            v.get_ref().type_str()
        );
        cx.invalid(line, &h.what("recipients"), msg);
        return None;
    };
    if items.is_empty() {
        cx.invalid(
            line,
            &h.what("recipients"),
            "empty; give at least one age recipient",
        );
        return None;
    }
    let mut ok = true;
    let mut recipients = Vec::new();
    for (i, item) in items.iter().enumerate() {
        let what = h.what(&format!("recipients[{}]", i + 1));
        let line = cx.line(&item.span());
        match item.get_ref().as_str() {
            Some(r) if is_age_recipient(r) => recipients.push(r.to_owned()),
            _ => {
                let found = describe(item.get_ref());
                cx.invalid(
                    line,
                    &what,
                    format!("{found} is not valid: expected {RECIPIENT_RULE}"),
                );
                ok = false;
            }
        }
    }
    ok.then_some(recipients)
}

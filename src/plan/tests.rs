use super::*;
use crate::digest::sha256_hex;
use crate::problem::Severity;

const RECIPIENT: &str = "age1ql3z7hjy54pw3hyww5ayyfg7zqgvc7w3j2elw8zmrj2kg5sfn9aqmcac8p";
const SIGNER: &str = "RWQf6LRCGA9i53mlYecO4IzT51TGPpvWucNSCh1CBM0QTaLn73Y7GFO3";

const VALID: &str = r#"id = "noord-naar-oost-2026-12"            # migration id
cut_off = "2026-12-01T17:00:00+01:00"
test_level = "test-account"

[source]
account = "zorggroep-noord"
group = "wonen-noord"

[target]
account = "zorggroep-oost"
test_account = "zorggroep-oost-test"

[dossiers]
all = true
to_group = "wonen-oost"

[data]
daily_reports = { since = "2021-01-01" }
plan_items = true
agenda = true
files = true
time_registration = false
vecozo = false
teammates = false
member_access = true
history = true
other = false

[consent.source_owner]
name = "A. Jansen"
email = "a.jansen@noord.example"
given_on = "2026-11-20"
reference = "e-mail of 2026-11-20, subject 'Akkoord overdracht dossiers'"

[consent.target_owner]
name = "B. Bakker"
email = "b.bakker@oost.example"
given_on = "2026-11-21"
reference = "e-mail of 2026-11-21"

[handover]
recipients = ["age1ql3z7hjy54pw3hyww5ayyfg7zqgvc7w3j2elw8zmrj2kg5sfn9aqmcac8p"]
signer = "RWQf6LRCGA9i53mlYecO4IzT51TGPpvWucNSCh1CBM0QTaLn73Y7GFO3"
"#;

const SELECT: &str = r#"[dossiers]

[[dossiers.select]]
id = "d-0007"
to_group = "wonen-oost"

[[dossiers.select]]
name = "Jan de Vries"
to_group = "dagbesteding-oost"

[[dossiers.select]]
id = "d-0009"
to_group = "wonen-oost"
"#;

const ALL: &str = "[dossiers]\nall = true\nto_group = \"wonen-oost\"\n";

fn today() -> Date {
    jiff::civil::date(2026, 11, 25)
}

fn parse(text: &str) -> std::result::Result<(Plan, Vec<Problem>), Vec<Problem>> {
    Plan::parse(text, "plan.toml", today()).map_err(|e| match e {
        Error::Invalid(problems) => problems,
        other => panic!("parsing fails only with problems: {other}"),
    })
}

fn plan(text: &str) -> Plan {
    match parse(text) {
        Ok((plan, warnings)) => {
            assert!(warnings.is_empty(), "{warnings:#?}");
            plan
        }
        Err(problems) => panic!("expected a valid plan: {problems:#?}"),
    }
}

fn errors(text: &str) -> Vec<Problem> {
    match parse(text) {
        Ok(_) => panic!("expected problems in:\n{text}"),
        Err(problems) => problems,
    }
}

/// `VALID` with one piece replaced (the piece must be there).
fn edit(from: &str, to: &str) -> String {
    assert!(VALID.contains(from), "{from:?} not in VALID");
    VALID.replacen(from, to, 1)
}

/// The 1-based line where `needle` first occurs.
fn line_of(text: &str, needle: &str) -> usize {
    let at = text.find(needle).expect("needle in text");
    text[..at].matches('\n').count() + 1
}

/// Asserts a problem with `code` whose message is at `line` and names
/// `what`, and returns its message.
fn expect(problems: &[Problem], code: Code, line: usize, what: &str) -> String {
    let prefix = format!("plan.toml line {line}: {what}");
    let found = problems
        .iter()
        .find(|p| p.code == code && p.message.starts_with(&prefix));
    match found {
        Some(p) => {
            assert_eq!(p.severity, Severity::Error);
            p.message.clone()
        }
        None => panic!("no {code} at {prefix:?} in {problems:#?}"),
    }
}

fn only(problems: &[Problem], code: Code, line: usize, what: &str) -> String {
    assert_eq!(problems.len(), 1, "{problems:#?}");
    expect(problems, code, line, what)
}

#[test]
fn a_valid_plan_parses() {
    let p = plan(VALID);
    assert_eq!(p.id, "noord-naar-oost-2026-12");
    assert_eq!(p.cut_off, "2026-12-01T17:00:00+01:00");
    assert_eq!(p.cut_off_at.to_string(), "2026-12-01T16:00:00Z");
    assert_eq!(p.test_level, TestLevel::TestAccount);
    assert_eq!(p.source.group, "wonen-noord");
    assert_eq!(
        p.target.test_account.as_deref(),
        Some("zorggroep-oost-test")
    );
    assert_eq!(
        p.dossiers,
        Selection::All {
            to_group: "wonen-oost".into()
        }
    );
    assert_eq!(
        p.data.chosen_types(),
        vec![
            DataType::DailyReports,
            DataType::PlanItems,
            DataType::Agenda,
            DataType::Files,
            DataType::MemberAccess,
            DataType::History,
        ]
    );
    assert!(!p.data.chosen(DataType::Vecozo));
    assert_eq!(
        p.data.daily_reports_since(),
        Some(jiff::civil::date(2021, 1, 1))
    );
    assert_eq!(
        p.consent.target_owner.given_on,
        jiff::civil::date(2026, 11, 21)
    );
    assert_eq!(p.handover.recipients, vec![RECIPIENT.to_owned()]);
    assert_eq!(p.handover.signer, SIGNER);
    assert_eq!(p.digest.len(), 64);
    assert_eq!(p.digest, sha256_hex(p.canonical_json().as_bytes()));
    assert_eq!(p.target_group_keys(), vec!["wonen-oost".to_owned()]);
}

#[test]
fn a_select_list_parses_in_file_order() {
    let text = VALID.replacen(ALL, SELECT, 1);
    let p = plan(&text);
    let Selection::Select(entries) = &p.dossiers else {
        panic!("expected a select list");
    };
    assert_eq!(entries.len(), 3);
    assert_eq!(entries[0].by, DossierRef::Id("d-0007".into()));
    assert_eq!(entries[1].by, DossierRef::Name("Jan de Vries".into()));
    assert_eq!(entries[1].line, line_of(&text, "name = \"Jan") - 1);
    assert_eq!(
        p.target_group_keys(),
        vec!["wonen-oost", "dagbesteding-oost"]
    );
}

#[test]
fn the_canonical_value_fills_in_defaults() {
    let text = edit("test_account = \"zorggroep-oost-test\"\n", "")
        .replace(
            "test_level = \"test-account\"",
            "test_level = \"test-group\"",
        )
        .replace(
            "daily_reports = { since = \"2021-01-01\" }",
            "daily_reports = true",
        )
        .replace("vecozo = false\n", "");
    let v = plan(&text).canonical_value();
    assert_eq!(v["target"]["test_account"], Value::Null);
    assert_eq!(v["data"]["daily_reports"], json!({ "since": null }));
    assert_eq!(v["data"]["vecozo"], json!(false));
    assert_eq!(v["data"].as_object().map(|m| m.len()), Some(10));
    assert_eq!(
        v["consent"]["source_owner"]["given_on"],
        json!("2026-11-20")
    );
    assert_eq!(
        v["dossiers"],
        json!({ "all": true, "to_group": "wonen-oost" })
    );
    assert_eq!(plan(&text).data.daily_reports_since(), None);
}

#[test]
fn toml_syntax_error_names_the_line() {
    let text = edit("agenda = true", "agenda = = true");
    only(
        &errors(&text),
        PLAN_INVALID,
        line_of(&text, "agenda"),
        "TOML syntax",
    );
}

#[test]
fn duplicate_key_is_a_syntax_error() {
    let text = edit("files = true", "files = true\nfiles = false");
    only(
        &errors(&text),
        PLAN_INVALID,
        line_of(&text, "files = false"),
        "TOML syntax",
    );
}

#[test]
fn all_unknown_keys_are_reported_together() {
    let text = edit(
        "[source]\n",
        "colour = \"blue\"\n[source]\nacount = \"x\"\n",
    )
    .replace(
        "to_group = \"wonen-oost\"",
        "to_group = \"wonen-oost\"\nsome = true",
    )
    .replace(
        "{ since = \"2021-01-01\" }",
        "{ since = \"2021-01-01\", from = 1 }",
    )
    .replace("plan_items = true", "plan_items = true\nvideo = true")
    .replace(
        "reference = \"e-mail of 2026-11-21\"",
        "reference = \"x\"\nphone = \"1\"",
    )
    .replace(
        "[handover]",
        "[consent.witness]\nname = \"x\"\n\n[handover]\nsigner_name = \"x\"",
    )
    .replace("[target]", "[sorce]\naccount = \"x\"\n\n[target]");
    let problems = errors(&text);
    assert_eq!(problems.len(), 9, "{problems:#?}");
    assert!(problems.iter().all(|p| p.code == UNKNOWN_KEY));
    expect(&problems, UNKNOWN_KEY, line_of(&text, "colour"), "colour");
    expect(
        &problems,
        UNKNOWN_KEY,
        line_of(&text, "acount"),
        "[source] acount",
    );
    expect(&problems, UNKNOWN_KEY, line_of(&text, "[sorce]"), "sorce");
    expect(
        &problems,
        UNKNOWN_KEY,
        line_of(&text, "some"),
        "[dossiers] some",
    );
    expect(
        &problems,
        UNKNOWN_KEY,
        line_of(&text, "from"),
        "[data.daily_reports] from",
    );
    expect(
        &problems,
        UNKNOWN_KEY,
        line_of(&text, "video"),
        "[data] video",
    );
    expect(
        &problems,
        UNKNOWN_KEY,
        line_of(&text, "phone"),
        "[consent.target_owner] phone",
    );
    expect(
        &problems,
        UNKNOWN_KEY,
        line_of(&text, "witness"),
        "[consent] witness",
    );
    expect(
        &problems,
        UNKNOWN_KEY,
        line_of(&text, "signer_name"),
        "[handover] signer_name",
    );
    let lines: Vec<usize> = problems
        .iter()
        .filter_map(|p| {
            p.message
                .split(' ')
                .nth(2)?
                .trim_end_matches(':')
                .parse()
                .ok()
        })
        .collect();
    assert!(
        lines.windows(2).all(|w| w[0] <= w[1]),
        "in line order: {lines:?}"
    );
}

#[test]
fn unknown_key_in_a_select_entry() {
    let text = VALID.replacen(ALL, SELECT, 1).replacen(
        "id = \"d-0009\"",
        "id = \"d-0009\"\nnote = \"x\"",
        1,
    );
    let problems = errors(&text);
    only(
        &problems,
        UNKNOWN_KEY,
        line_of(&text, "note"),
        "[[dossiers.select]] #3 note",
    );
}

#[test]
fn bad_migration_id() {
    let text = edit("\"noord-naar-oost-2026-12\"", "\"Noord naar Oost\"");
    only(&errors(&text), PLAN_INVALID, 1, "id");
}

#[test]
fn cut_off_needs_an_offset() {
    for bad in [
        "2026-12-01T17:00:00",
        "2026-12-01 17:00:00+01:00",
        "1 december",
    ] {
        let text = edit("2026-12-01T17:00:00+01:00", bad);
        only(&errors(&text), PLAN_INVALID, 2, "cut_off");
    }
}

#[test]
fn cut_off_as_a_toml_datetime_is_the_same_plan() {
    let text = edit("\"2026-12-01T17:00:00+01:00\"", "2026-12-01T17:00:00+01:00");
    assert_eq!(plan(&text).digest, plan(VALID).digest);
}

#[test]
fn a_cut_off_in_the_future_is_not_reported_here() {
    let text = edit("2026-12-01T17:00:00+01:00", "2099-12-01T17:00:00Z");
    plan(&text);
}

#[test]
fn unknown_test_level() {
    let text = edit("\"test-account\"", "\"B\"");
    only(&errors(&text), PLAN_INVALID, 3, "test_level");
}

#[test]
fn missing_keys_are_reported_at_their_table() {
    let text = edit("group = \"wonen-noord\"\n", "");
    let msg = only(
        &errors(&text),
        PLAN_INVALID,
        line_of(&text, "[source]"),
        "[source] group",
    );
    assert!(msg.contains("missing"), "{msg}");

    let text = edit(
        "id = \"noord-naar-oost-2026-12\"            # migration id\n",
        "",
    );
    only(&errors(&text), PLAN_INVALID, 1, "id");
}

#[test]
fn a_missing_table() {
    let at = VALID.find("[handover]").expect("handover");
    let problems = errors(&VALID[..at]);
    only(&problems, PLAN_INVALID, 1, "[handover]");
}

#[test]
fn wrong_types() {
    let text = edit("account = \"zorggroep-noord\"", "account = 5");
    let msg = only(&errors(&text), PLAN_INVALID, 6, "[source] account");
    assert!(msg.contains("found integer"), "{msg}");

    let text = edit("agenda = true", "agenda = \"yes\"");
    only(
        &errors(&text),
        PLAN_INVALID,
        line_of(&text, "agenda"),
        "[data] agenda",
    );

    let text = edit(
        "[source]\naccount = \"zorggroep-noord\"\ngroup = \"wonen-noord\"",
        "source = \"noord\"",
    );
    only(
        &errors(&text),
        PLAN_INVALID,
        line_of(&text, "source"),
        "source",
    );
}

#[test]
fn bad_slugs_and_group_keys() {
    let text = edit("\"zorggroep-oost\"", "\"Zorggroep Oost\"");
    only(
        &errors(&text),
        PLAN_INVALID,
        line_of(&text, "Zorggroep"),
        "[target] account",
    );
    let text = edit("group = \"wonen-noord\"", "group = \"-wonen\"");
    only(
        &errors(&text),
        PLAN_INVALID,
        line_of(&text, "-wonen"),
        "[source] group",
    );
    let text = edit("to_group = \"wonen-oost\"", "to_group = \"wonen_oost\"");
    only(
        &errors(&text),
        PLAN_INVALID,
        line_of(&text, "wonen_oost"),
        "[dossiers] to_group",
    );
}

#[test]
fn test_account_required_for_levels_b_and_c() {
    for level in ["test-account", "dress-rehearsal"] {
        let text = edit("test_account = \"zorggroep-oost-test\"\n", "")
            .replace("\"test-account\"", &format!("\"{level}\""));
        let line = line_of(&text, "[target]");
        only(&errors(&text), PLAN_INVALID, line, "[target] test_account");
    }
    let text = edit("test_account = \"zorggroep-oost-test\"\n", "")
        .replace("\"test-account\"", "\"test-group\"");
    assert_eq!(plan(&text).target.test_account, None);
}

#[test]
fn test_account_must_differ_from_the_account() {
    let text = edit("\"zorggroep-oost-test\"", "\"zorggroep-oost\"");
    let line = line_of(&text, "test_account");
    only(&errors(&text), PLAN_INVALID, line, "[target] test_account");
}

#[test]
fn all_and_select_do_not_mix() {
    let text = VALID.replacen(ALL, &format!("{ALL}\n{}", &SELECT[11..]), 1);
    let problems = errors(&text);
    assert_eq!(problems.len(), 2, "{problems:#?}");
    expect(
        &problems,
        PLAN_INVALID,
        line_of(&text, "all = true"),
        "[dossiers] all",
    );
    expect(
        &problems,
        PLAN_INVALID,
        line_of(&text, "to_group"),
        "[dossiers] to_group",
    );
}

#[test]
fn all_false_or_nothing_selects_nothing() {
    let text = edit("all = true", "all = false");
    only(
        &errors(&text),
        PLAN_INVALID,
        line_of(&text, "all = false"),
        "[dossiers] all",
    );
    let text = edit(ALL, "[dossiers]\n");
    only(
        &errors(&text),
        PLAN_INVALID,
        line_of(&text, "[dossiers]"),
        "[dossiers]",
    );
}

#[test]
fn a_select_entry_needs_exactly_one_of_id_and_name() {
    let base = VALID.replacen(ALL, SELECT, 1);
    let text = base.replacen("id = \"d-0007\"", "id = \"d-0007\"\nname = \"Piet\"", 1);
    let line = line_of(&text, "[[dossiers.select]]");
    only(&errors(&text), PLAN_INVALID, line, "[[dossiers.select]] #1");

    let text = base.replacen("name = \"Jan de Vries\"\n", "", 1);
    let line = line_of(&text, "to_group = \"dagbesteding") - 1;
    only(&errors(&text), PLAN_INVALID, line, "[[dossiers.select]] #2");

    let text = base.replacen("to_group = \"dagbesteding-oost\"\n", "", 1);
    let line = line_of(&text, "name = \"Jan") - 1;
    only(
        &errors(&text),
        PLAN_INVALID,
        line,
        "[[dossiers.select]] #2 to_group",
    );
}

#[test]
fn a_bad_dossier_id() {
    let text = VALID
        .replacen(ALL, SELECT, 1)
        .replacen("\"d-0007\"", "\"../d-0007\"", 1);
    let line = line_of(&text, "../d-0007");
    only(
        &errors(&text),
        PLAN_INVALID,
        line,
        "[[dossiers.select]] #1 id",
    );
}

#[test]
fn the_same_dossier_twice() {
    let base = VALID.replacen(ALL, SELECT, 1);
    let text = base.replacen("\"d-0009\"", "\"D-0007\"", 1);
    let line = line_of(&text, "D-0007") - 1;
    let msg = only(
        &errors(&text),
        SELECTED_TWICE,
        line,
        "[[dossiers.select]] #3 id",
    );
    let first = line_of(&text, "d-0007") - 1;
    assert!(msg.contains(&format!("line {first}")), "{msg}");

    let text = base.replacen("id = \"d-0009\"", "name = \"Jan de Vries\"", 1);
    let line = line_of(
        &text,
        "[[dossiers.select]]\nname = \"Jan de Vries\"\nto_group = \"wonen-oost\"",
    );
    only(
        &errors(&text),
        SELECTED_TWICE,
        line,
        "[[dossiers.select]] #3 name",
    );
}

#[test]
fn no_data_types() {
    let text = edit("daily_reports = { since = \"2021-01-01\" }\n", "")
        .replace("= true", "= false")
        .replace("all = false", "all = true");
    let line = line_of(&text, "[data]");
    only(&errors(&text), NO_DATA_TYPES, line, "[data]");

    let at = VALID.find("[data]").expect("data");
    let end = VALID.find("[consent.source_owner]").expect("consent");
    let text = format!("{}{}", &VALID[..at], &VALID[end..]);
    only(&errors(&text), NO_DATA_TYPES, 1, "[data]");
}

#[test]
fn since_after_the_cut_off() {
    let text = edit("\"2021-01-01\"", "\"2026-12-02\"");
    let line = line_of(&text, "daily_reports");
    only(
        &errors(&text),
        SINCE_AFTER_CUT_OFF,
        line,
        "[data.daily_reports] since",
    );
    // The cut-off's own date counts, in its own offset: 00:30+01:00 is
    // still 30 November in UTC.
    let text =
        edit("\"2021-01-01\"", "\"2026-12-01\"").replace("T17:00:00+01:00", "T00:30:00+01:00");
    plan(&text);
}

#[test]
fn since_as_a_toml_date_or_a_string() {
    let text = edit("\"2021-01-01\"", "2021-01-01");
    assert_eq!(plan(&text).digest, plan(VALID).digest);
    let text = edit("\"2021-01-01\"", "\"1 januari\"");
    only(
        &errors(&text),
        PLAN_INVALID,
        line_of(&text, "since"),
        "[data.daily_reports] since",
    );
    let text = edit("{ since = \"2021-01-01\" }", "{}");
    only(
        &errors(&text),
        PLAN_INVALID,
        line_of(&text, "daily"),
        "[data.daily_reports] since",
    );
}

#[test]
fn consent_missing() {
    let at = VALID.find("[consent.target_owner]").expect("target owner");
    let end = VALID.find("[handover]").expect("handover");
    let text = format!("{}{}", &VALID[..at], &VALID[end..]);
    let line = line_of(&text, "[consent.source_owner]");
    only(
        &errors(&text),
        CONSENT_MISSING,
        line,
        "[consent.target_owner]",
    );

    let at = VALID.find("[consent.source_owner]").expect("source owner");
    let text = format!("{}{}", &VALID[..at], &VALID[end..]);
    let problems = errors(&text);
    assert_eq!(problems.len(), 2, "{problems:#?}");
    expect(&problems, CONSENT_MISSING, 1, "[consent.source_owner]");
    expect(&problems, CONSENT_MISSING, 1, "[consent.target_owner]");
}

#[test]
fn consent_incomplete_names_the_missing_keys() {
    let text = edit("email = \"b.bakker@oost.example\"\n", "email = \" \"\n")
        .replace("reference = \"e-mail of 2026-11-21\"\n", "");
    let line = line_of(&text, "[consent.target_owner]");
    let msg = only(
        &errors(&text),
        CONSENT_INCOMPLETE,
        line,
        "[consent.target_owner]",
    );
    assert!(msg.ends_with("missing or empty: email, reference"), "{msg}");
}

#[test]
fn consent_given_in_the_future() {
    let text = edit("given_on = \"2026-11-21\"", "given_on = 2026-11-26");
    let line = line_of(&text, "2026-11-26");
    let msg = only(
        &errors(&text),
        CONSENT_INCOMPLETE,
        line,
        "[consent.target_owner] given_on",
    );
    assert!(msg.contains("in the future"), "{msg}");
    // Today itself is fine.
    plan(&edit("given_on = \"2026-11-21\"", "given_on = 2026-11-25"));
}

#[test]
fn consent_with_a_wrong_type() {
    let text = edit("name = \"B. Bakker\"", "name = [\"B. Bakker\"]");
    let line = line_of(&text, "[\"B. Bakker");
    let msg = only(
        &errors(&text),
        CONSENT_INCOMPLETE,
        line,
        "[consent.target_owner] name",
    );
    assert!(msg.ends_with("expected a string, found array"), "{msg}");
}

#[test]
fn consent_with_a_bad_email_or_date() {
    let text = edit("a.jansen@noord.example", "A. Jansen");
    let line = line_of(&text, "email");
    only(
        &errors(&text),
        CONSENT_INCOMPLETE,
        line,
        "[consent.source_owner] email",
    );
    let text = edit("\"2026-11-20\"", "\"20-11-2026\"");
    let line = line_of(&text, "20-11-2026");
    only(
        &errors(&text),
        CONSENT_INCOMPLETE,
        line,
        "[consent.source_owner] given_on",
    );
}

#[test]
fn recipients_are_required_and_must_look_like_age_keys() {
    let line = line_of(VALID, "recipients");
    let text = edit(&format!("[\"{RECIPIENT}\"]"), "[]");
    only(&errors(&text), PLAN_INVALID, line, "[handover] recipients");
    let text = edit(
        &format!("[\"{RECIPIENT}\"]"),
        &format!("[\"{RECIPIENT}\", \"age1XYZ\"]"),
    );
    only(
        &errors(&text),
        PLAN_INVALID,
        line,
        "[handover] recipients[2]",
    );
    let upper = RECIPIENT.to_uppercase();
    let text = edit(RECIPIENT, &upper);
    only(
        &errors(&text),
        PLAN_INVALID,
        line,
        "[handover] recipients[1]",
    );
    let text = edit(&format!("recipients = [\"{RECIPIENT}\"]\n"), "");
    only(
        &errors(&text),
        PLAN_INVALID,
        line_of(&text, "[handover]"),
        "[handover] recipients",
    );
}

#[test]
fn the_signer_must_look_like_a_minisign_key() {
    let line = line_of(VALID, "signer");
    for bad in [
        "RW...",
        "untrusted comment: minisign public key 1F5BB6BE1F62B4E0",
        // Right length and alphabet, but not starting with `Ed`.
        "AAQf6LRCGA9i53mlYecO4IzT51TGPpvWucNSCh1CBM0QTaLn73Y7GFO3",
    ] {
        let text = edit(SIGNER, bad);
        only(&errors(&text), PLAN_INVALID, line, "[handover] signer");
    }
}

#[test]
fn every_error_is_reported_not_only_the_first() {
    let text = edit("\"noord-naar-oost-2026-12\"", "\"X\"")
        .replace("\"test-account\"", "\"z\"")
        .replace("a.jansen@noord.example", "nobody")
        .replace(SIGNER, "RW");
    let codes: Vec<Code> = errors(&text).iter().map(|p| p.code).collect();
    assert_eq!(
        codes,
        vec![PLAN_INVALID, PLAN_INVALID, CONSENT_INCOMPLETE, PLAN_INVALID]
    );
}

#[test]
fn digest_ignores_comments_layout_order_and_explicit_false() {
    let reference = plan(VALID).digest;
    let reordered = r#"
# The same plan, written differently.
test_level = "test-account"
id = "noord-naar-oost-2026-12"
cut_off = "2026-12-01T17:00:00+01:00"

[handover]
signer = "RWQf6LRCGA9i53mlYecO4IzT51TGPpvWucNSCh1CBM0QTaLn73Y7GFO3"
recipients = [
"age1ql3z7hjy54pw3hyww5ayyfg7zqgvc7w3j2elw8zmrj2kg5sfn9aqmcac8p",
]

[data]
history = true
member_access = true
files = true
agenda = true
plan_items = true
daily_reports.since = 2021-01-01

[consent]
target_owner = { name = "B. Bakker", email = "b.bakker@oost.example", given_on = 2026-11-21, reference = "e-mail of 2026-11-21" }

[consent.source_owner]
reference = "e-mail of 2026-11-20, subject 'Akkoord overdracht dossiers'"
given_on = "2026-11-20"
email = "a.jansen@noord.example"
name = "A. Jansen"

[dossiers]
to_group = "wonen-oost"
all = true

[target]
test_account = "zorggroep-oost-test"
account = "zorggroep-oost"

[source]
group = "wonen-noord"
account = "zorggroep-noord"
"#;
    assert_eq!(plan(reordered).digest, reference);
}

#[test]
fn digest_changes_with_the_meaning() {
    let reference = plan(VALID).digest;
    let changes = [
        ("to_group = \"wonen-oost\"", "to_group = \"wonen-west\""),
        ("vecozo = false", "vecozo = true"),
        ("\"2021-01-01\"", "\"2021-01-02\""),
        ("{ since = \"2021-01-01\" }", "true"),
        ("+01:00\"", "Z\""),
    ];
    for (from, to) in changes {
        assert_ne!(plan(&edit(from, to)).digest, reference, "{from} -> {to}");
    }
    let selected = plan(&VALID.replacen(ALL, SELECT, 1)).digest;
    let other = plan(&VALID.replacen(ALL, &SELECT.replacen("d-0009", "d-0010", 1), 1)).digest;
    assert_ne!(selected, reference);
    assert_ne!(selected, other);
}

#[test]
fn the_template_parses_once_filled_in() {
    let problems = match parse(template()) {
        Ok(_) => panic!("the unfilled template must not pass"),
        Err(problems) => problems,
    };
    let codes: Vec<Code> = problems.iter().map(|p| p.code).collect();
    assert_eq!(
        codes,
        vec![
            CONSENT_INCOMPLETE,
            CONSENT_INCOMPLETE,
            PLAN_INVALID,
            PLAN_INVALID
        ]
    );
    let filled = template()
        .replace("name = \"\"", "name = \"A. Jansen\"")
        .replace("email = \"\"", "email = \"a.jansen@noord.example\"")
        .replace("given_on = \"\"", "given_on = \"2026-11-20\"")
        .replace("reference = \"\"", "reference = \"e-mail of 2026-11-20\"")
        .replace("\"age1...\"", &format!("\"{RECIPIENT}\""))
        .replace("\"RW...\"", &format!("\"{SIGNER}\""));
    let p = plan(&filled);
    assert_eq!(p.test_level, TestLevel::TestAccount);
}

#[test]
fn load_reads_a_file_and_reports_io_errors() {
    let dir = std::env::temp_dir().join(format!("plan-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let path = dir.join("plan.toml");
    std::fs::write(&path, VALID).expect("write");
    let loaded = Plan::load(&path, today());
    assert!(matches!(loaded, Ok((ref p, _)) if p.digest == plan(VALID).digest));
    std::fs::write(&path, b"id = \"\xff\"").expect("write");
    assert!(matches!(Plan::load(&path, today()), Err(Error::Invalid(_))));
    // One byte over the cap is refused before it is parsed.
    let big = format!("{VALID}\n#{}\n", "x".repeat(MAX_PLAN as usize));
    std::fs::write(&path, &big[..=MAX_PLAN as usize]).expect("write");
    match Plan::load(&path, today()) {
        Err(Error::Invalid(p)) => {
            assert_eq!(p.len(), 1);
            assert_eq!(p[0].code, PLAN_INVALID);
            assert!(p[0].message.contains("over 1024 KiB"), "{}", p[0].message);
        }
        other => panic!("expected plan-invalid, got {other:?}"),
    }
    std::fs::write(&path, &big[..MAX_PLAN as usize]).expect("write");
    assert!(
        Plan::load(&path, today()).is_ok(),
        "a plan of exactly the cap is read"
    );
    std::fs::remove_dir_all(&dir).expect("clean up");
    assert!(matches!(Plan::load(&path, today()), Err(Error::Io { .. })));
}

//! The HTML report's words, Dutch and English, in one table: every label
//! the page shows is looked up here, so a translation is one column.

/// The report's language (`--lang`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Lang {
    /// Dutch: the default, since the report's readers are Dutch care
    /// managers.
    #[default]
    Nl,
    /// English.
    En,
}

impl Lang {
    /// The language of a `--lang` code (`nl`, `en`); `None` for any other.
    pub fn from_code(code: &str) -> Option<Lang> {
        match code {
            "nl" => Some(Lang::Nl),
            "en" => Some(Lang::En),
            _ => None,
        }
    }

    /// The language's code, as `--lang` takes it and the page's `lang` says.
    pub(crate) fn code(self) -> &'static str {
        match self {
            Lang::Nl => "nl",
            Lang::En => "en",
        }
    }

    /// The label `key`. A key missing from the table is a bug: debug builds
    /// (and so the tests) stop on it, a release shows the key.
    pub(crate) fn t(self, key: &str) -> &'static str {
        match LABELS.iter().find(|(k, _, _)| *k == key) {
            Some((_, nl, en)) => match self {
                Lang::Nl => nl,
                Lang::En => en,
            },
            None => {
                debug_assert!(false, "no label `{key}`");
                "?"
            }
        }
    }

    /// A number with the language's thousands separator.
    pub(crate) fn num(self, n: u64) -> String {
        let sep = match self {
            Lang::Nl => '.',
            Lang::En => ',',
        };
        let digits = n.to_string();
        let mut out = String::new();
        for (i, c) in digits.chars().enumerate() {
            if i > 0 && (digits.len() - i).is_multiple_of(3) {
                out.push(sep);
            }
            out.push(c);
        }
        out
    }

    /// "1 dossier" / "3 dossiers": `one` and `many` are label keys.
    pub(crate) fn count(self, n: u64, one: &str, many: &str) -> String {
        format!(
            "{} {}",
            self.num(n),
            self.t(if n == 1 { one } else { many })
        )
    }
}

/// (key, Dutch, English).
const LABELS: &[(&str, &str, &str)] = &[
    // Page and verdict
    (
        "title",
        "Acceptatierapport dossieroverdracht",
        "Acceptance report: dossier transfer",
    ),
    ("migration", "Overdracht", "Migration"),
    ("account", "Account", "Account"),
    ("stage", "Fase", "Stage"),
    ("stage.test", "Testomgeving", "Test account"),
    ("stage.live", "Live-omgeving", "Live account"),
    ("generated", "Opgesteld op", "Generated on"),
    ("verdict.ok", "Alles komt overeen", "Everything matches"),
    ("verdict.mismatch.one", "afwijking", "mismatch"),
    ("verdict.mismatch.many", "afwijkingen", "mismatches"),
    ("verdict.not_imported", "Niet geïmporteerd", "Not imported"),
    ("verdict.audit", "Auditlog niet intact", "Audit log broken"),
    (
        "verdict.ok.detail",
        "Van elk dossier en elke soort gegevens zijn het aantal en de inhoud gelijk aan wat is geëxporteerd.",
        "For every dossier and data type, the count and the content equal what was exported.",
    ),
    (
        "verdict.ok.advice",
        "U kunt deze fase goedkeuren (onderaan).",
        "You can sign off this stage (at the bottom).",
    ),
    (
        "verdict.mismatch.detail",
        "Niet alles wat is geëxporteerd staat ongewijzigd in dit account. De rode regels hieronder laten zien waar.",
        "Not everything that was exported is in this account unchanged. The red lines below show where.",
    ),
    (
        "verdict.bad.advice",
        "Geef geen akkoord; overleg met wie de overdracht uitvoert.",
        "Do not sign off; talk to whoever runs the transfer.",
    ),
    (
        "verdict.not_imported.detail",
        "Deze overdracht is (nog) niet in dit account geïmporteerd, of is teruggedraaid. Er valt niets te vergelijken.",
        "This migration is not (or no longer) imported into this account. There is nothing to compare.",
    ),
    (
        "verdict.audit.detail",
        "De gegevens komen overeen, maar de keten van het auditlog is verbroken: achteraf is er iets in het log veranderd.",
        "The data matches, but the audit log's chain is broken: something in the log was changed afterwards.",
    ),
    ("dossiers.one", "dossier", "dossier"),
    ("dossiers.many", "dossiers", "dossiers"),
    ("records.one", "record", "record"),
    ("records.many", "records", "records"),
    ("warnings.one", "aandachtspunt", "point of attention"),
    ("warnings.many", "aandachtspunten", "points of attention"),
    ("with_mismatch", "met een afwijking", "with a mismatch"),
    // Notes
    ("notes", "Aandachtspunten", "Points of attention"),
    ("note.error", "Afwijking", "Mismatch"),
    ("note.warning", "Let op", "Note"),
    (
        "note.missing",
        "dit dossier ontbreekt in het account.",
        "this dossier is missing from the account.",
    ),
    (
        "note.count",
        "verwacht {e}, gevonden {f}.",
        "expected {e}, found {f}.",
    ),
    (
        "note.digest",
        "het aantal klopt, maar de inhoud wijkt af van wat is geëxporteerd.",
        "the count is right, but the content differs from what was exported.",
    ),
    (
        "note.added",
        "{n} record(s) door anderen toegevoegd na de import. Dat is geen fout, maar terugdraaien kan dan niet meer.",
        "{n} record(s) added by others since the import. That is not an error, but a rollback is no longer possible.",
    ),
    (
        "note.client",
        "had al een dossier in dit account: {o} ({n}, groep {g}), met hetzelfde BSN. Twee dossiers voor één cliënt: beslis wat ermee moet gebeuren.",
        "already had a dossier in this account: {o} ({n}, group {g}), with the same BSN. Two dossiers for one client: decide what to do with them.",
    ),
    (
        "note.audit",
        "Het auditlog is niet intact vanaf regel {n}.",
        "The audit log is broken from line {n} on.",
    ),
    (
        "note.plan",
        "Het opgegeven plan is niet het plan waarmee het archief is gemaakt.",
        "The plan given is not the plan the archive was made with.",
    ),
    // Overview
    ("overview", "Overzicht", "Overview"),
    ("from", "Van", "From"),
    ("to", "Naar", "To"),
    ("group", "groep", "group"),
    ("cut_off", "Peilmoment", "Cut-off"),
    ("since", "Dagrapportages vanaf", "Daily reports from"),
    ("since.all", "alle", "all"),
    ("exported", "Geëxporteerd", "Exported"),
    ("imported", "Geïmporteerd", "Imported"),
    ("by", "door", "by"),
    ("archive", "Archief (sha256)", "Archive (sha256)"),
    ("rehearsal", "generale repetitie", "dress rehearsal"),
    ("plan", "Plan (sha256)", "Plan (sha256)"),
    ("test_level", "Testniveau", "Test level"),
    ("level.test-group", "A: testgroep", "A: test group"),
    ("level.test-account", "B: testaccount", "B: test account"),
    (
        "level.dress-rehearsal",
        "C: generale repetitie",
        "C: dress rehearsal",
    ),
    ("files_size", "Bestanden", "Files"),
    // Dossier table
    ("per_dossier", "Per dossier", "Per dossier"),
    (
        "per_dossier.intro",
        "Elk overgezet dossier met zijn oude en nieuwe nummer. Per soort gegevens: gevonden aantal; bij een afwijking ook het verwachte.",
        "Every migrated dossier with its old and new number. Per data type: the count found; on a mismatch also the count expected.",
    ),
    ("client", "Cliënt", "Client"),
    (
        "dossier_ids",
        "Dossier (oud → nieuw)",
        "Dossier (old → new)",
    ),
    (
        "client_ids",
        "Cliënt en dossier (oud → nieuw)",
        "Client and dossier (old → new)",
    ),
    ("target_group", "Groep", "Group"),
    ("records", "Records", "Records"),
    ("content", "Inhoud", "Content"),
    ("per_kind", "Per soort", "Per data type"),
    ("equal", "gelijk", "equal"),
    ("differs", "afwijkend", "differs"),
    ("missing", "ontbreekt", "missing"),
    ("of", "van", "of"),
    ("added_since", "na import toegevoegd", "added since import"),
    ("no_records", "geen records", "no records"),
    // Kinds
    ("per_type", "Records per soort", "Records per data type"),
    (
        "per_type.intro",
        "Blauw is overgezet, grijs is bewust achtergebleven (zie hieronder waarom).",
        "Blue moved, grey deliberately stayed behind (see below why).",
    ),
    ("kind", "Soort", "Data type"),
    ("expected", "Verwacht", "Expected"),
    ("found", "Gevonden", "Found"),
    ("left", "Achtergebleven", "Left behind"),
    ("moved", "Overgezet", "Moved"),
    (
        "moved_vs_left",
        "Overgezet / achtergebleven",
        "Moved / left behind",
    ),
    ("total", "Totaal", "Total"),
    ("kind.daily_reports", "Dagrapportages", "Daily reports"),
    (
        "kind.field_values",
        "Zorgplan (velden)",
        "Care plan (fields)",
    ),
    ("kind.agenda_items", "Agenda", "Agenda"),
    ("kind.files", "Bestanden", "Files"),
    ("kind.time_entries", "Tijdregistratie", "Time registration"),
    ("kind.assignments", "Toewijzingen", "Assignments"),
    (
        "kind.vecozo_messages",
        "VECOZO-berichten",
        "VECOZO messages",
    ),
    ("kind.declarations", "Declaraties", "Declarations"),
    (
        "kind.member_access",
        "Toegang cliënt en naasten",
        "Client and relatives' access",
    ),
    ("kind.history", "Geschiedenis", "History"),
    ("kind.other", "Overig", "Other"),
    ("kind.dossiers", "Dossiers", "Dossiers"),
    // Left behind
    (
        "left_behind",
        "Wat is achtergebleven en waarom",
        "What stayed behind, and why",
    ),
    (
        "left_behind.none",
        "Niets: alles van de gekozen dossiers en soorten is meegegaan.",
        "Nothing: everything of the chosen dossiers and data types moved.",
    ),
    (
        "left_behind.intro",
        "Dit is volgens afspraak in het plan niet meegegaan. Het staat nog in het oude account.",
        "By the plan's agreement this did not move. It is still in the old account.",
    ),
    ("reason", "Reden", "Reason"),
    ("count", "Aantal", "Count"),
    (
        "lb.after_cut_off",
        "aangemaakt na het peilmoment",
        "created after the cut-off",
    ),
    (
        "lb.before_since",
        "dagrapportage van vóór de startdatum",
        "daily report dated before the start date",
    ),
    (
        "lb.kinds_not_chosen",
        "soort gegevens niet gekozen",
        "data type not chosen",
    ),
    (
        "lb.references_removed",
        "verwijzing naar een andere cliënt weggelaten",
        "reference to another client removed",
    ),
    (
        "ref.other_clients",
        "andere cliënten bij een agenda-afspraak",
        "other clients on an agenda item",
    ),
    (
        "ref.history_other_dossiers",
        "geschiedenisregels over een ander dossier",
        "history lines about another dossier",
    ),
    (
        "ref.report_attachments",
        "bijlagen bij dagrapportages",
        "attachments of daily reports",
    ),
    (
        "ref.time_entry_agenda_items",
        "koppelingen van tijdregistratie aan een afspraak",
        "links from time entries to an agenda item",
    ),
    ("per_dossier_left", "Per dossier", "Per dossier"),
    // Teammates
    ("teammates", "Teamgenoten", "Teammates"),
    (
        "teammates.unmapped",
        "Niet gekoppeld: geen teamgenoot met dit e-mailadres in dit account. Hun naam blijft bij hun records staan; er is geen gebruiker aangemaakt.",
        "Not linked: no teammate with this e-mail address in this account. Their name stays on their records; no user was created.",
    ),
    (
        "teammates.created",
        "Aangemaakt door de import (inactief, zonder groepen):",
        "Created by the import (inactive, without groups):",
    ),
    (
        "teammates.all_linked",
        "Alle teamgenoten in de overgezette records zijn gekoppeld.",
        "Every teammate in the migrated records is linked.",
    ),
    ("name", "Naam", "Name"),
    ("email", "E-mail", "E-mail"),
    // Clients
    (
        "clients",
        "Cliënten met al een dossier in dit account",
        "Clients who already had a dossier here",
    ),
    (
        "clients.none",
        "Geen: geen enkel overgezet dossier heeft een BSN dat hier al voorkwam.",
        "None: no migrated dossier has a BSN that was already here.",
    ),
    ("existing", "Bestaand dossier", "Existing dossier"),
    // Configuration
    ("configuration", "Inrichting", "Configuration"),
    (
        "configuration.intro",
        "Vingerafdruk (sha256) van de inrichting. Na het aanvullen (align) heeft de nieuwe groep meer dan de oude en verschilt de vingerafdruk: dat is verwacht.",
        "Fingerprint (sha256) of the configuration. After align the new group holds more than the old one and the fingerprint differs: that is expected.",
    ),
    ("config.source", "Bron (bij export)", "Source (at export)"),
    ("config.target", "Doel (nu)", "Target (now)"),
    ("config.same", "gelijk aan de bron", "equal to the source"),
    (
        "config.differs",
        "verschilt (aangevuld of eigen inrichting)",
        "differs (aligned or own configuration)",
    ),
    (
        "config.missing",
        "groep bestaat niet",
        "group does not exist",
    ),
    (
        "config.created",
        "aangemaakt door de import",
        "created by the import",
    ),
    // Consents
    ("consents", "Toestemming", "Consent"),
    (
        "role.source_owner",
        "Eigenaar bronaccount",
        "Source account owner",
    ),
    (
        "role.target_owner",
        "Eigenaar doelaccount",
        "Target account owner",
    ),
    ("given_on", "Gegeven op", "Given on"),
    ("reference", "Vastgelegd in", "Recorded in"),
    // Timeline
    ("timeline", "Tijdlijn", "Timeline"),
    ("when", "Wanneer", "When"),
    ("what", "Wat", "What"),
    ("who", "Wie", "Who"),
    ("where", "Waar", "Where"),
    ("action.export", "Export", "Export"),
    (
        "action.align",
        "Inrichting aangevuld",
        "Configuration aligned",
    ),
    ("action.import", "Import", "Import"),
    ("action.import-failed", "Import mislukt", "Import failed"),
    (
        "action.import-unfinished",
        "Import niet afgerond",
        "Import unfinished",
    ),
    ("action.sign-off", "Akkoord", "Signed off"),
    ("action.rollback", "Teruggedraaid", "Rolled back"),
    // Audit
    ("audit", "Auditlog (NEN 7513)", "Audit log (NEN 7513)"),
    (
        "audit.ok",
        "Intact: {n} regels, de keten van hashes klopt.",
        "Intact: {n} lines, the hash chain holds.",
    ),
    (
        "audit.broken",
        "Niet intact: de keten breekt bij regel {n}.",
        "Broken: the chain breaks at line {n}.",
    ),
    // Sign-off
    ("signoff", "Akkoord", "Sign-off"),
    (
        "signoff.recorded",
        "Akkoord vastgelegd door {by} op {at}.",
        "Signed off by {by} on {at}.",
    ),
    (
        "signoff.intro",
        "Geef akkoord als het oordeel bovenaan groen is en u de aandachtspunten hebt bekeken. Leg het akkoord daarna vast met:",
        "Sign off when the verdict at the top is green and you have looked at the points of attention. Then record it with:",
    ),
    (
        "signoff.care_manager",
        "Zorgmanager ontvangende organisatie",
        "Care manager, receiving organisation",
    ),
    (
        "signoff.operator",
        "Uitvoerder van de overdracht",
        "Person running the transfer",
    ),
    ("signoff.function", "Functie", "Position"),
    ("signoff.date", "Datum", "Date"),
    ("signoff.signature", "Handtekening", "Signature"),
    (
        "footer",
        "Gemaakt met dossier-transfer {v}. Deze pagina is op zichzelf staand: zij laadt niets van buiten.",
        "Made with dossier-transfer {v}. This page is self-contained: it loads nothing from outside.",
    ),
    // Months
    ("month.1", "januari", "January"),
    ("month.2", "februari", "February"),
    ("month.3", "maart", "March"),
    ("month.4", "april", "April"),
    ("month.5", "mei", "May"),
    ("month.6", "juni", "June"),
    ("month.7", "juli", "July"),
    ("month.8", "augustus", "August"),
    ("month.9", "september", "September"),
    ("month.10", "oktober", "October"),
    ("month.11", "november", "November"),
    ("month.12", "december", "December"),
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_and_counts() {
        assert_eq!(Lang::Nl.num(1234567), "1.234.567");
        assert_eq!(Lang::En.num(999), "999");
        assert_eq!(Lang::En.num(1000), "1,000");
        assert_eq!(
            Lang::Nl.count(1, "dossiers.one", "dossiers.many"),
            "1 dossier"
        );
        assert_eq!(
            Lang::Nl.count(9, "dossiers.one", "dossiers.many"),
            "9 dossiers"
        );
    }

    #[test]
    fn keys_are_unique() {
        let mut keys: Vec<&str> = LABELS.iter().map(|(k, _, _)| *k).collect();
        keys.sort();
        let n = keys.len();
        keys.dedup();
        assert_eq!(keys.len(), n);
    }
}

//! Dutch-looking names and sample texts.

use super::Gen;
use crate::model::kinds::{Kind, Sample};
use crate::model::syntax::fold;

impl Gen<'_> {
    pub(super) fn pick<'a>(&mut self, options: &[&'a str]) -> &'a str {
        options[self.rng.below(options.len() as u64) as usize]
    }

    pub(super) fn person_name(&mut self) -> String {
        let first = self.pick(FIRST_NAMES);
        let last = self.pick(LAST_NAMES);
        format!("{first} {last}")
    }

    pub(super) fn sentence(&mut self) -> String {
        format!(
            "{} {} {}",
            self.pick(OPENINGS),
            self.pick(MIDDLES),
            self.pick(ENDINGS)
        )
    }

    /// The kind's sample text for `field`, or a sentence.
    pub(super) fn text(&mut self, kind: &Kind, field: &str, i: u32) -> String {
        let sample = kind.generate.texts.iter().find(|(f, _)| *f == field);
        match sample.map(|(_, s)| *s) {
            Some(Sample::TwoSentences) => format!("{} {}", self.sentence(), self.sentence()),
            Some(Sample::Pick(options)) => self.pick(options).into(),
            Some(Sample::Fixed(text)) => text.into(),
            Some(Sample::Numbered(options, suffix)) => {
                format!("{}-{}{suffix}", self.pick(options), i + 1)
            }
            Some(Sample::Counter {
                before,
                first,
                after,
            }) => format!("{before}{}{after}", first + i),
            Some(Sample::Digits) => format!("{:010}", self.rng.below(10_000_000_000)),
            None => self.sentence(),
        }
    }
}

pub(super) fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().collect::<String>() + c.as_str(),
        None => String::new(),
    }
}

pub(super) fn email_part(name: &str) -> String {
    fold(&name.replace(' ', "."))
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '.')
        .collect()
}

const FIRST_NAMES: &[&str] = &[
    "Jan", "Piet", "Kees", "Anna", "Sanne", "Fatima", "Mohamed", "Daan", "Emma", "Lotte", "Willem",
    "Grietje", "Hendrik", "Johanna", "Noah", "Sophie", "Lars", "Femke", "Ahmed", "Yara", "Bram",
    "Ilse", "Ruud", "Marieke",
];
const LAST_NAMES: &[&str] = &[
    "de Vries",
    "Jansen",
    "van den Berg",
    "Bakker",
    "Visser",
    "Smit",
    "Meijer",
    "de Boer",
    "Mulder",
    "de Groot",
    "Bos",
    "Vos",
    "Peters",
    "Hendriks",
    "van Leeuwen",
    "Dekker",
    "Brouwer",
    "de Wit",
    "Dijkstra",
    "Yilmaz",
    "El Amrani",
    "van Dijk",
    "Kok",
    "Vermeulen",
];
const OPENINGS: &[&str] = &[
    "Mevrouw heeft",
    "Meneer heeft",
    "Cliënt heeft",
    "Vandaag is",
    "In de ochtend heeft cliënt",
    "Na de lunch is",
];
const MIDDLES: &[&str] = &[
    "goed geslapen en",
    "samen met de begeleiding",
    "zelfstandig boodschappen gedaan en",
    "weinig gegeten en",
    "een wandeling gemaakt en",
    "de medicatie op tijd ingenomen en",
];
const ENDINGS: &[&str] = &[
    "was daarna rustig.",
    "gaf aan zich prettig te voelen.",
    "heeft familie gebeld.",
    "wil morgen weer naar de dagbesteding.",
    "klaagde over pijn in de knie.",
    "heeft de kamer opgeruimd.",
];

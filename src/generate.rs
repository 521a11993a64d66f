//! `account generate`: a synthetic account for tests and benchmarks.
//!
//! Every kind of the kinds table, every field (optional ones too) filled
//! with Dutch-looking names and texts, deterministic for a seed. Records go
//! straight into one store transaction; file contents are produced twice
//! from the same seed (once to hash, once to store) so no file is ever held
//! in memory.

use crate::error::{Error, Result};
use crate::model::config::{ConfigField, FieldKind, Label, Page, Product, Tab};
use crate::model::kinds::{FieldType, Kind, KindId, Sample, Target, Volume, generate_order};
use crate::model::syntax::fold;
use crate::model::{
    Account, Config, Contact, Dossier, DossierStatus, Group, Person, Role, Status, Teammate,
};
use crate::problem::Code;
use crate::store::NewRecord;
use crate::store::{Store, Tx};
use jiff::civil::{Date, DateTime};
use jiff::tz::TimeZone;
use serde::Serialize;
use serde_json::{Map, Value, json};
use std::collections::BTreeMap;
use std::io::Read;

/// What to generate.
#[derive(Debug, Clone)]
pub struct Options {
    pub slug: String,
    pub groups: u32,
    pub dossiers: u32,
    pub reports: u32,
    pub files: u32,
    pub file_size: u64,
    pub seed: u64,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            slug: "generated".into(),
            groups: 2,
            dossiers: 20,
            reports: 20,
            files: 1,
            file_size: 16 * 1024,
            seed: 1,
        }
    }
}

#[derive(Debug, Default, Serialize)]
pub struct Summary {
    pub account: String,
    pub groups: u32,
    pub dossiers: u32,
    pub records: BTreeMap<&'static str, u64>,
    pub file_bytes: u64,
}

/// How many records of `kind` a dossier gets for `reports` daily reports.
fn per_dossier(kind: &Kind, reports: u32, files: u32) -> u32 {
    match kind.generate.volume {
        Volume::Reports => reports,
        Volume::Files => files,
        Volume::Scaled { base, per } => base + reports / per.max(1),
    }
}

/// Generates the account into `store`, refusing an existing slug.
pub fn generate(store: &mut dyn Store, opts: &Options) -> Result<Summary> {
    if !crate::model::syntax::is_key(&opts.slug) {
        return Err(Error::invalid(crate::problem::Problem::error(
            Code::PlanInvalid,
            format!(
                "`{}` is not an account slug ([a-z0-9][a-z0-9-]{{0,63}})",
                opts.slug
            ),
        )));
    }
    let tx = store.begin()?;
    if tx.account_exists(&opts.slug)? {
        return Err(Error::invalid(crate::problem::Problem::error(
            Code::AccountExists,
            format!(
                "account `{}` is already in the store; pick another --account",
                opts.slug
            ),
        )));
    }
    let mut g = Gen::new(opts);
    let summary = g.run(&*tx)?;
    tx.commit()?;
    Ok(summary)
}

struct Gen<'o> {
    opts: &'o Options,
    rng: Rng,
    tz: TimeZone,
    teammates: Vec<String>,
    summary: Summary,
    next_id: BTreeMap<&'static str, u64>,
    day: u64,
    minute: u64,
}

impl<'o> Gen<'o> {
    fn new(opts: &'o Options) -> Self {
        Gen {
            opts,
            rng: Rng(opts.seed ^ 0x9e37_79b9_7f4a_7c15),
            tz: TimeZone::get("Europe/Amsterdam").unwrap_or(TimeZone::UTC),
            teammates: Vec::new(),
            summary: Summary::default(),
            next_id: BTreeMap::new(),
            day: 0,
            minute: 0,
        }
    }

    fn run(&mut self, tx: &dyn Tx) -> Result<Summary> {
        let slug = self.opts.slug.clone();
        let owner = Person {
            name: self.person_name(),
            email: format!("eigenaar@{slug}.example"),
        };
        let account = tx.add_account(&Account {
            slug: slug.clone(),
            name: format!("Zorggroep {}", capitalise(&slug)),
            owner: owner.clone(),
        })?;
        self.summary.account = slug.clone();
        let groups = self.opts.groups.max(1);
        let keys: Vec<String> = (1..=groups).map(|i| format!("groep-{i}")).collect();
        let config = standard_config();
        let mut group_ids = Vec::new();
        for key in &keys {
            let group = Group {
                key: key.clone(),
                name: format!("Wonen {}", capitalise(key)),
                config: config.clone(),
            };
            group_ids.push(tx.add_group(account, &group, None)?);
        }
        self.summary.groups = groups;
        self.add_teammates(tx, account, &owner, &keys)?;
        for n in 0..self.opts.dossiers {
            let group = (n % groups) as usize;
            self.add_dossier(tx, account, group_ids[group], &config, n)?;
        }
        Ok(std::mem::take(&mut self.summary))
    }

    fn add_teammates(
        &mut self,
        tx: &dyn Tx,
        account: i64,
        owner: &Person,
        groups: &[String],
    ) -> Result<()> {
        let count = 4 + self.opts.dossiers / 10;
        tx.add_teammate(
            account,
            &Teammate {
                email: owner.email.clone(),
                name: owner.name.clone(),
                role: Role::Superadmin,
                status: Status::Active,
                groups: Vec::new(),
            },
            None,
        )?;
        for i in 0..count {
            let name = self.person_name();
            let email = format!("{}.{i}@{}.example", email_part(&name), self.opts.slug);
            let role = if i == 0 {
                Role::Admin
            } else {
                Role::Teamgenoot
            };
            let status = if i % 13 == 12 {
                Status::Inactive
            } else {
                Status::Active
            };
            let group = groups[i as usize % groups.len()].clone();
            tx.add_teammate(
                account,
                &Teammate {
                    email: email.clone(),
                    name,
                    role,
                    status,
                    groups: vec![group],
                },
                None,
            )?;
            self.teammates.push(email);
        }
        // A former colleague: referred to by records, no longer a teammate.
        self.teammates
            .push(format!("oud.collega@{}.example", self.opts.slug));
        Ok(())
    }

    fn add_dossier(
        &mut self,
        tx: &dyn Tx,
        account: i64,
        group: i64,
        config: &Config,
        n: u32,
    ) -> Result<()> {
        let name = self.person_name();
        let created = self.timestamp_between(0, 700);
        let contacts = vec![Contact {
            name: self.person_name(),
            relation: self
                .pick(&["moeder", "vader", "zoon", "dochter", "mentor", "partner"])
                .into(),
            phone: Some(format!("06-{:08}", self.rng.below(100_000_000))),
            email: Some(format!("contact.{n}@example.nl")),
        }];
        let dossier = Dossier {
            id: format!("c-{:06}", n + 1),
            name,
            birth_date: Some(format!(
                "{}-{:02}-{:02}",
                1935 + self.rng.below(80),
                1 + self.rng.below(12),
                1 + self.rng.below(28)
            )),
            bsn: Some(bsn(self
                .opts
                .seed
                .wrapping_mul(1_000_003)
                .wrapping_add(u64::from(n)))),
            client_number: Some(format!("K{:06}", n + 1)),
            status: if n % 17 == 16 {
                DossierStatus::Closed
            } else {
                DossierStatus::Active
            },
            created_at: created.clone(),
            updated_at: created,
            contacts,
            origin: None,
        };
        let dossier_id = tx.add_dossier(account, group, &dossier)?;
        self.summary.dossiers += 1;
        let mut ctx = DossierCtx {
            next_dossier: (n + 1 < self.opts.dossiers).then(|| format!("c-{:06}", n + 2)),
            dossier: n + 1,
            ..DossierCtx::default()
        };
        // Referenced kinds first, so that references have something to name.
        for kind in generate_order() {
            for i in 0..per_dossier(kind, self.opts.reports, self.opts.files) {
                self.add_record(tx, account, dossier_id, kind, config, &mut ctx, i)?;
            }
        }
        Ok(())
    }

    #[allow(clippy::too_many_arguments)]
    fn add_record(
        &mut self,
        tx: &dyn Tx,
        account: i64,
        dossier: i64,
        kind: &'static Kind,
        config: &Config,
        ctx: &mut DossierCtx,
        i: u32,
    ) -> Result<()> {
        let id = self.next_id(kind.name);
        // Each record lives on one day; its later timestamps follow in order.
        self.day = 30 + self.rng.below(1390);
        self.minute = 7 * 60 + self.rng.below(10 * 60);
        let created_at = self.clock_tick();
        let mut record = Map::new();
        record.insert("id".into(), Value::String(id.clone()));
        record.insert("created_at".into(), Value::String(created_at.clone()));
        for field in kind.fields {
            let value = self.value(kind, field.name, field.ty, config, ctx, &mut record, i);
            record.insert(field.name.into(), value);
        }
        let sha = kind
            .content
            .and_then(|c| record.get(c.sha256))
            .and_then(Value::as_str)
            .map(str::to_owned);
        if let Some(sha) = &sha {
            let size = self.opts.file_size;
            let seed = ctx.file_seed;
            tx.add_blob(sha, size, &mut NoiseReader::new(seed, size))?
                .map_err(|e| Error::Internal(format!("generating file contents: {e}")))?;
            // Every generated content is distinct (its own seed).
            self.summary.file_bytes += size;
        }
        ctx.made.entry(kind.id).or_default().push(id.clone());
        ctx.last_ids.push(format!("{}:{id}", kind.name));
        let created_ns = jiff_ns(&created_at)?;
        let body = crate::canonical::to_string(&Value::Object(record));
        tx.add_record(
            account,
            dossier,
            &NewRecord {
                kind: kind.name,
                id: &id,
                created_at: &created_at,
                created_ns,
                sha256: sha.as_deref(),
                body: &body,
                origin: None,
            },
        )?;
        *self.summary.records.entry(kind.name).or_default() += 1;
        Ok(())
    }

    #[allow(clippy::too_many_arguments)]
    fn value(
        &mut self,
        kind: &Kind,
        name: &str,
        ty: FieldType,
        config: &Config,
        ctx: &mut DossierCtx,
        record: &mut Map<String, Value>,
        i: u32,
    ) -> Value {
        use crate::model::kinds::ConfigRef as C;
        match ty {
            FieldType::Text => Value::String(self.text(kind, name, i)),
            FieldType::OneOf(options) => Value::String(self.pick(options).into()),
            FieldType::Timestamp => Value::String(self.clock_tick()),
            FieldType::Date => Value::String(epoch_day(self.day).to_string()),
            FieldType::Month => Value::String(format!(
                "{}-{:02}",
                2023 + self.rng.below(4),
                1 + self.rng.below(12)
            )),
            FieldType::Count if kind.content.is_some_and(|c| c.size == name) => {
                json!(self.opts.file_size)
            }
            FieldType::Count => json!(15 + 15 * self.rng.below(8)),
            FieldType::Number => json!(1 + self.rng.below(40)),
            // Members of one client's family: never over the member limit.
            FieldType::Email => Value::String(format!("familie.{}.{i}@example.nl", ctx.dossier)),
            FieldType::Teammate => Value::String(self.teammate()),
            FieldType::Teammates => {
                let first = self.rng.below(self.teammates.len() as u64) as usize;
                let second = (first + 1) % self.teammates.len();
                json!([self.teammates[first], self.teammates[second]])
            }
            FieldType::TextList => json!(["reports.read", "files.read"]),
            FieldType::Sha256 => {
                ctx.file_seed = self.rng.next();
                let mut r = NoiseReader::new(ctx.file_seed, self.opts.file_size);
                let mut h = crate::digest::HashingReader::new(&mut r);
                let _ = std::io::copy(&mut h, &mut std::io::sink());
                Value::String(h.finish().0)
            }
            FieldType::FieldValue => {
                let address = record
                    .get("field")
                    .and_then(Value::as_str)
                    .unwrap_or_default()
                    .to_owned();
                match config.field(&address) {
                    Some(f) => self.field_value(f),
                    None => Value::Null,
                }
            }
            FieldType::Json => {
                json!({"bron": "generator", "volgnummer": i, "gecontroleerd": self.rng.below(2) == 1})
            }
            FieldType::Config(C::Field) => {
                let fields: Vec<String> = config.fields().map(|(a, _)| a).collect();
                Value::String(fields[i as usize % fields.len()].clone())
            }
            FieldType::Config(C::ReportLabel) => {
                Value::String(self.pick_key(&config.report_labels))
            }
            FieldType::Config(C::AgendaType) => Value::String(self.pick_key(&config.agenda_types)),
            FieldType::Config(C::Product) => {
                let p = &config.products[self.rng.below(config.products.len() as u64) as usize];
                Value::String(p.code.clone())
            }
            FieldType::Ref(r) => reference(r.to, r.many, ctx, i),
            FieldType::DeclarationLines => {
                let p = &config.products[0];
                let volume = 60 + 30 * self.rng.below(10);
                json!([{"product": p.code, "assignment": format!("T{:07}", self.rng.below(10_000_000)), "volume": volume,
                        "unit": p.unit, "rate_cents": 112, "amount_cents": volume * 112, "debit_credit": "D"}])
            }
        }
    }

    fn field_value(&mut self, f: &ConfigField) -> Value {
        let options = f.options.clone().unwrap_or_default();
        match f.kind {
            FieldKind::Text | FieldKind::Textarea => Value::String(self.sentence()),
            FieldKind::Number => json!(self.rng.below(100)),
            FieldKind::Date => Value::String(epoch_day(self.day + self.rng.below(90)).to_string()),
            FieldKind::Boolean => json!(self.rng.below(2) == 1),
            FieldKind::Choice => {
                Value::String(options[self.rng.below(options.len() as u64) as usize].clone())
            }
            FieldKind::MultiChoice => {
                json!([options[self.rng.below(options.len() as u64) as usize]])
            }
        }
    }

    fn next_id(&mut self, kind: &'static str) -> String {
        let n = self.next_id.entry(kind).or_insert(0);
        *n += 1;
        format!("{}-{:08}", prefix(kind), n)
    }

    fn teammate(&mut self) -> String {
        let i = self.rng.below(self.teammates.len() as u64) as usize;
        self.teammates[i].clone()
    }

    fn pick<'a>(&mut self, options: &[&'a str]) -> &'a str {
        options[self.rng.below(options.len() as u64) as usize]
    }

    fn pick_key(&mut self, labels: &[Label]) -> String {
        labels[self.rng.below(labels.len() as u64) as usize]
            .key
            .clone()
    }

    fn person_name(&mut self) -> String {
        let first = self.pick(FIRST_NAMES);
        let last = self.pick(LAST_NAMES);
        format!("{first} {last}")
    }

    fn sentence(&mut self) -> String {
        format!(
            "{} {} {}",
            self.pick(OPENINGS),
            self.pick(MIDDLES),
            self.pick(ENDINGS)
        )
    }

    /// The kind's sample text for `field`, or a sentence.
    fn text(&mut self, kind: &Kind, field: &str, i: u32) -> String {
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

    /// An Amsterdam-time timestamp `from`..`to` days after 2023-01-01.
    fn timestamp_between(&mut self, from: u64, to: u64) -> String {
        let day = from + self.rng.below(to - from);
        let minute = 7 * 60 + self.rng.below(14 * 60);
        self.at(day, minute)
    }

    /// The record's clock, moved on by a few minutes to a few hours.
    fn clock_tick(&mut self) -> String {
        let (day, minute) = (self.day, self.minute);
        self.minute += 5 + self.rng.below(120);
        self.at(day + minute / (24 * 60), minute % (24 * 60))
    }

    fn at(&self, day: u64, minute: u64) -> String {
        let dt: DateTime = epoch_day(day).at((minute / 60) as i8, (minute % 60) as i8, 0, 0);
        match dt.to_zoned_datetime(self.tz.clone()) {
            Ok(z) => z.timestamp().display_with_offset(z.offset()).to_string(),
            Err(_) => format!("{dt}+01:00"),
        }
    }
}

#[derive(Default)]
struct DossierCtx {
    /// The ids made so far in this dossier, by kind.
    made: BTreeMap<KindId, Vec<String>>,
    last_ids: Vec<String>,
    file_seed: u64,
    next_dossier: Option<String>,
    dossier: u32,
}

/// A reference's value: the dossier's latest record of the kind in one
/// report of four (a list), its records in turn (one), the next client
/// in one item of five (dossiers), or an earlier record (a subject).
fn reference(to: Target, many: bool, ctx: &DossierCtx, i: u32) -> Value {
    match to {
        Target::Kind(k, _) => {
            let made = ctx.made.get(&k).map(Vec::as_slice).unwrap_or_default();
            if many {
                match made.last() {
                    Some(id) if i.is_multiple_of(4) => json!([id]),
                    _ => json!([]),
                }
            } else {
                let id = made.get(i as usize % made.len().max(1));
                Value::String(id.or(made.first()).cloned().unwrap_or_default())
            }
        }
        // Some agenda items are shared with the next client.
        Target::Dossier => match ctx.next_dossier.as_ref() {
            Some(next) if i % 5 == 1 => json!([next]),
            _ => json!([]),
        },
        Target::Subject => Value::String(
            ctx.last_ids
                .get(i as usize % ctx.last_ids.len().max(1))
                .cloned()
                .unwrap_or_else(|| format!("{}:verwijderd-1", KindId::DailyReports.name())),
        ),
    }
}

fn epoch_day(day: u64) -> Date {
    let base = Date::constant(2023, 1, 1);
    base.checked_add(jiff::Span::new().days(day as i64))
        .unwrap_or(base)
}

fn jiff_ns(ts: &str) -> Result<i64> {
    crate::model::syntax::timestamp(ts)
        .and_then(|t| i64::try_from(t.as_nanosecond()).ok())
        .ok_or_else(|| Error::Internal(format!("generated an invalid timestamp {ts}")))
}

fn prefix(kind: &str) -> String {
    kind.split('_').map(|w| &w[..1]).collect::<String>() + &kind[kind.len() - 1..]
}

fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().collect::<String>() + c.as_str(),
        None => String::new(),
    }
}

fn email_part(name: &str) -> String {
    fold(&name.replace(' ', "."))
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '.')
        .collect()
}

/// A valid BSN derived from `n`: eight digits, the ninth chosen to pass the
/// eleven-test (skipping values where no digit works).
fn bsn(mut n: u64) -> String {
    loop {
        let digits: Vec<u64> = format!("{:08}", 10_000_000 + n % 89_999_999)
            .bytes()
            .map(|b| u64::from(b - b'0'))
            .collect();
        let sum: u64 = digits
            .iter()
            .enumerate()
            .map(|(i, d)| (9 - i as u64) * d)
            .sum();
        let check = sum % 11;
        if check < 10 {
            return format!(
                "{}{check}",
                digits.iter().map(|d| d.to_string()).collect::<String>()
            );
        }
        n += 1;
    }
}

/// The configuration every generated group gets: every field type.
pub fn standard_config() -> Config {
    let field = |key: &str, label: &str, kind: FieldKind, options: Option<&[&str]>| ConfigField {
        key: key.into(),
        label: label.into(),
        kind,
        options: options.map(|o| o.iter().map(|s| s.to_string()).collect()),
    };
    let label = |key: &str, label: &str| Label {
        key: key.into(),
        label: label.into(),
    };
    Config {
        pages: vec![
            Page {
                page: "plan".into(),
                tabs: vec![Tab {
                    key: "doelen".into(),
                    label: "Doelen".into(),
                    fields: vec![
                        field("hoofddoel", "Hoofddoel", FieldKind::Textarea, None),
                        field(
                            "mobiliteit",
                            "Mobiliteit",
                            FieldKind::Choice,
                            Some(&["zelfstandig", "rollator", "rolstoel"]),
                        ),
                        field(
                            "hulpvragen",
                            "Hulpvragen",
                            FieldKind::MultiChoice,
                            Some(&["wonen", "werk", "financien", "gezondheid"]),
                        ),
                        field("evaluatiedatum", "Evaluatiedatum", FieldKind::Date, None),
                    ],
                }],
            },
            Page {
                page: "gegevens".into(),
                tabs: vec![Tab {
                    key: "algemeen".into(),
                    label: "Algemeen".into(),
                    fields: vec![
                        field("huisarts", "Huisarts", FieldKind::Text, None),
                        field("uren_per_week", "Uren per week", FieldKind::Number, None),
                        field("dieet", "Dieet", FieldKind::Boolean, None),
                    ],
                }],
            },
        ],
        report_labels: vec![
            label("algemeen", "Algemeen"),
            label("medicatie", "Medicatie"),
            label("incident", "Incident"),
        ],
        agenda_types: vec![label("afspraak", "Afspraak"), label("overleg", "Overleg")],
        products: vec![
            Product {
                code: "45A48".into(),
                label: "Begeleiding individueel".into(),
                unit: "minuut".into(),
            },
            Product {
                code: "43A28".into(),
                label: "Dagbesteding".into(),
                unit: "dagdeel".into(),
            },
        ],
    }
}

/// SplitMix64: small, fast and the same on every platform.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: u64) -> u64 {
        if n == 0 { 0 } else { self.next() % n }
    }
}

/// Incompressible bytes from a seed, produced as they are read.
struct NoiseReader {
    rng: Rng,
    left: u64,
}

impl NoiseReader {
    fn new(seed: u64, size: u64) -> Self {
        NoiseReader {
            rng: Rng(seed),
            left: size,
        }
    }
}

impl Read for NoiseReader {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = buf.len().min(self.left as usize) / 8 * 8;
        let n = if n == 0 {
            buf.len().min(self.left as usize)
        } else {
            n
        };
        for chunk in buf[..n].chunks_mut(8) {
            let word = self.rng.next().to_le_bytes();
            chunk.copy_from_slice(&word[..chunk.len()]);
        }
        self.left -= n as u64;
        Ok(n)
    }
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_bsns_pass_the_eleven_test() {
        for n in 0..1000 {
            assert!(crate::model::syntax::is_bsn(&bsn(n)), "{}", bsn(n));
        }
    }

    #[test]
    fn prefixes() {
        assert_eq!(prefix("daily_reports"), "drs");
        assert_eq!(prefix("history"), "hy");
    }
}

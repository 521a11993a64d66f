//! `account generate`: a synthetic account for tests and benchmarks.
//!
//! Every kind of the kinds table, every field (optional ones too) filled
//! with Dutch-looking names and texts, deterministic for a seed. Records go
//! straight into one store transaction; file contents are produced twice
//! from the same seed (once to hash, once to store) so no file is ever held
//! in memory.

mod config;
mod random;
mod values;
mod words;

pub use config::standard_config;

use crate::error::{Error, Result};
use crate::model::kinds::{Kind, KindId, Volume, generate_order};
use crate::model::{
    Account, Config, Contact, Dossier, DossierStatus, Group, Person, Role, Status, Teammate,
};
use crate::problem::Code;
use crate::store::NewRecord;
use crate::store::{Store, Tx};
use jiff::civil::{Date, DateTime};
use jiff::tz::TimeZone;
use random::{NoiseReader, Rng};
use serde::Serialize;
use serde_json::{Map, Value};
use std::collections::BTreeMap;
use words::{capitalise, email_part};

/// What to generate.
#[derive(Debug, Clone)]
pub struct Options {
    /// The new account's slug (`--account`).
    pub slug: String,
    /// Groups the dossiers are spread over.
    pub groups: u32,
    /// Dossiers in all.
    pub dossiers: u32,
    /// Daily reports per dossier; the other kinds scale with it.
    pub reports: u32,
    /// Files per dossier.
    pub files: u32,
    /// Each file's size in bytes (incompressible contents).
    pub file_size: u64,
    /// The same seed gives the same account, byte for byte.
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

/// What was generated.
#[derive(Debug, Default, Serialize)]
pub struct Summary {
    /// The account's slug.
    pub account: String,
    /// Groups made.
    pub groups: u32,
    /// Dossiers made.
    pub dossiers: u32,
    /// Records made, per kind.
    pub records: BTreeMap<&'static str, u64>,
    /// Bytes of file contents stored.
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

    fn next_id(&mut self, kind: &'static str) -> String {
        let n = self.next_id.entry(kind).or_insert(0);
        *n += 1;
        format!("{}-{:08}", prefix(kind), n)
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

//! Field values per field type, and references to the dossier's earlier
//! records.

use super::random::NoiseReader;
use super::{DossierCtx, Gen, epoch_day};
use crate::model::Config;
use crate::model::config::{ConfigField, FieldKind, Label};
use crate::model::kinds::{FieldType, Kind, KindId, Target};
use serde_json::{Map, Value, json};

impl Gen<'_> {
    #[allow(clippy::too_many_arguments)]
    pub(super) fn value(
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

    fn teammate(&mut self) -> String {
        let i = self.rng.below(self.teammates.len() as u64) as usize;
        self.teammates[i].clone()
    }

    fn pick_key(&mut self, labels: &[Label]) -> String {
        labels[self.rng.below(labels.len() as u64) as usize]
            .key
            .clone()
    }
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

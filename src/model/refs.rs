//! The one rewriter of references. Export (what moves, what is cut), import
//! (source ids to target ids) and the report (target ids back to source
//! ids) each say what becomes of one referenced id; this module finds the
//! references through the kinds table and applies the answer, so no step
//! knows which field of which kind points where.

use super::columns::referenced;
use super::kinds::{Field, Kind, KindId, Ref, Scope, Target, kind};
use super::syntax::fold;
use serde_json::{Map, Value};
use std::collections::HashSet;

/// What a reference points at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Points {
    /// A record of this kind.
    Record(&'static Kind),
    /// A dossier of the same account.
    Dossier,
}

/// One referenced id of a record, offered to the caller.
#[derive(Debug)]
pub struct Site<'a> {
    /// The field holding the reference.
    pub field: &'static Field,
    /// The field's reference column (target, list or not, `cut_as` key).
    pub r: Ref,
    /// What the id points at; for a `kind:id` subject, the record kind named.
    pub to: Points,
    /// The referenced id as written, without a subject's `kind:` prefix.
    pub id: &'a str,
}

/// What becomes of one referenced id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Fate {
    /// The reference stays as it is.
    Keep,
    /// The id is replaced (a `kind:id` subject keeps its `kind:`).
    Rename(String),
    /// The reference goes: out of a list, or the optional field with it.
    Cut,
}

/// What became of the record as a whole.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// The record stays, with whatever references were cut out of it.
    Kept,
    /// A required single reference was cut: the record cannot stand
    /// without it and stays behind.
    Dropped,
}

/// The records of one dossier that a reference of the same dossier may
/// name. Only the kinds such references point at (the files) are kept, so
/// memory follows those, not the whole dossier.
#[derive(Debug)]
pub struct Local {
    kinds: Vec<KindId>,
    ids: HashSet<(KindId, String)>,
}

impl Default for Local {
    fn default() -> Self {
        Local {
            kinds: referenced(Some(Scope::Dossier)).collect(),
            ids: HashSet::new(),
        }
    }
}

impl Local {
    /// Notes a record of the dossier (ignored unless a reference may name
    /// its kind).
    pub fn note(&mut self, kind: KindId, id: &str) {
        if self.kinds.contains(&kind) {
            self.ids.insert((kind, fold(id)));
        }
    }

    /// Whether the dossier has a record of `kind` with this id (ids compared
    /// case-folded); always `false` for a kind no same-dossier reference names.
    pub fn contains(&self, kind: KindId, id: &str) -> bool {
        self.ids.contains(&(kind, fold(id)))
    }
}

/// Rewrites every reference of a `kind` record through `fate`, field by
/// field in table order; stops at the first cut that drops the record.
pub fn rewrite<E>(
    kind: &Kind,
    fields: &mut Map<String, Value>,
    mut fate: impl FnMut(&Site) -> Result<Fate, E>,
) -> Result<Outcome, E> {
    for (field, r) in kind.refs() {
        let Some(value) = fields.get_mut(field.name) else {
            continue;
        };
        if r.many {
            rewrite_list(field, r, value, &mut fate)?;
            continue;
        }
        if rewrite_one(field, r, value, &mut fate)? == Fate::Cut {
            if field.required {
                return Ok(Outcome::Dropped);
            }
            fields.remove(field.name);
        }
    }
    Ok(Outcome::Kept)
}

/// Applies `fate` to a single reference in place; a cut is left to the
/// caller, which knows the field.
fn rewrite_one<E>(
    field: &'static Field,
    r: Ref,
    value: &mut Value,
    fate: &mut impl FnMut(&Site) -> Result<Fate, E>,
) -> Result<Fate, E> {
    let Some((to, id, prefix)) = value.as_str().and_then(|s| split(r, s)) else {
        return Ok(Fate::Keep);
    };
    let decided = fate(&Site { field, r, to, id })?;
    if let Fate::Rename(new) = &decided {
        *value = Value::String(format!("{prefix}{new}"));
    }
    Ok(decided)
}

/// Applies `fate` to every id of a list, dropping the cut ones in place.
fn rewrite_list<E>(
    field: &'static Field,
    r: Ref,
    value: &mut Value,
    fate: &mut impl FnMut(&Site) -> Result<Fate, E>,
) -> Result<(), E> {
    let Some(items) = value.as_array_mut() else {
        return Ok(());
    };
    let mut kept = Vec::with_capacity(items.len());
    for mut item in std::mem::take(items) {
        if rewrite_one(field, r, &mut item, fate)? != Fate::Cut {
            kept.push(item);
        }
    }
    *items = kept;
    Ok(())
}

/// What a written reference points at, the id, and the prefix a renamed id
/// keeps; `None` for a subject naming no known kind.
fn split(r: Ref, written: &str) -> Option<(Points, &str, &str)> {
    match r.to {
        Target::Kind(k, _) => Some((Points::Record(k.kind()), written, "")),
        Target::Dossier => Some((Points::Dossier, written, "")),
        Target::Subject => {
            let (name, id) = written.split_once(':')?;
            let k = kind(name)?;
            Some((Points::Record(k), id, &written[..=name.len()]))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::kinds::KindId;
    use serde_json::json;

    fn object(v: Value) -> Map<String, Value> {
        match v {
            Value::Object(m) => m,
            _ => unreachable!(),
        }
    }

    #[test]
    fn a_cut_list_item_goes_and_a_renamed_one_is_replaced() {
        let mut report = object(json!({"file_ids": ["f-1", "f-2", "f-3"]}));
        let out = rewrite(KindId::DailyReports.kind(), &mut report, |s| {
            Ok::<_, ()>(match s.id {
                "f-1" => Fate::Cut,
                "f-2" => Fate::Rename("g-2".into()),
                _ => Fate::Keep,
            })
        });
        assert_eq!(out, Ok(Outcome::Kept));
        assert_eq!(report["file_ids"], json!(["g-2", "f-3"]));
    }

    #[test]
    fn a_cut_optional_reference_removes_its_field() {
        let mut entry = object(json!({"agenda_item": "a-1", "minutes": 5}));
        let out = rewrite(KindId::TimeEntries.kind(), &mut entry, |s| {
            assert_eq!(s.to, Points::Record(KindId::AgendaItems.kind()));
            Ok::<_, ()>(Fate::Cut)
        });
        assert_eq!(out, Ok(Outcome::Kept));
        assert_eq!(Value::Object(entry), json!({"minutes": 5}));
    }

    #[test]
    fn a_cut_required_reference_drops_the_record() {
        let mut line = object(json!({"subject": "files:f-1"}));
        let out = rewrite(KindId::History.kind(), &mut line, |_| {
            Ok::<_, ()>(Fate::Cut)
        });
        assert_eq!(out, Ok(Outcome::Dropped));
    }

    #[test]
    fn a_renamed_subject_keeps_its_kind() {
        let mut line = object(json!({"subject": "files:f-1"}));
        let out = rewrite(KindId::History.kind(), &mut line, |s| {
            assert_eq!((s.to, s.id), (Points::Record(KindId::Files.kind()), "f-1"));
            Ok::<_, ()>(Fate::Rename("g-1".into()))
        });
        assert_eq!(out, Ok(Outcome::Kept));
        assert_eq!(line["subject"], json!("files:g-1"));
    }

    #[test]
    fn a_subject_of_an_unknown_kind_is_left_alone() {
        let mut line = object(json!({"subject": "nonsense:x"}));
        let out = rewrite(KindId::History.kind(), &mut line, |_| {
            Ok::<_, ()>(Fate::Cut)
        });
        assert_eq!(out, Ok(Outcome::Kept));
        assert_eq!(line["subject"], json!("nonsense:x"));
    }
}

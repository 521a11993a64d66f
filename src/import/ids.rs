//! Target ids: a dossier or record keeps its source id when that id is free
//! in the target account (per kind), else it gets a derived one. The same
//! function answers for the record itself and for every reference to it,
//! so references re-link without a second pass over the archive.

use crate::digest::sha256_hex;
use crate::error::{Error, Result};
use crate::model::syntax::fold;
use crate::store::Tx;

/// The target id for source id `id` of `kind` (`dossiers` for dossiers).
pub fn target_id(
    tx: &dyn Tx,
    account: i64,
    migration: &str,
    kind: &str,
    id: &str,
) -> Result<String> {
    let mut candidate = id.to_owned();
    for round in 0..4 {
        match tx.holder(account, kind, &candidate)? {
            None => return Ok(candidate),
            // Already written by this import under this very source id.
            Some((Some(m), Some(origin))) if m == migration && fold(&origin) == fold(id) => {
                return Ok(candidate);
            }
            Some(_) => candidate = derived(migration, kind, id, round),
        }
    }
    Err(Error::Internal(format!(
        "no free target id for {kind} {id}"
    )))
}

/// `<id>.<hash>`: the hash of the migration, kind and id, longer each round.
fn derived(migration: &str, kind: &str, id: &str, round: usize) -> String {
    let hash = sha256_hex(format!("{migration}\n{kind}\n{id}").as_bytes());
    let suffix = &hash[..8 + 8 * round];
    let keep = 64 - 1 - suffix.len();
    let stem: String = id.chars().take(keep).collect();
    format!("{stem}.{suffix}")
}

#[cfg(test)]
mod tests {
    #[test]
    fn derived_ids_are_valid_ids() {
        let long = "a".repeat(64);
        for id in ["dr-0001", long.as_str()] {
            let d = super::derived("m-1", "daily_reports", id, 0);
            assert!(crate::model::syntax::is_id(&d), "{d}");
            assert_ne!(d, id);
        }
    }
}

//! `account dump`: an account from the store as a dossier tree, written
//! deterministically (same account, same bytes) and atomically (into a
//! temporary folder beside the output, renamed into place when complete).

use super::{layout, pretty_json};
use crate::error::{Error, Result};
use crate::model::kinds::KINDS;
use crate::store::Store;
use std::fs::{self, File};
use std::io::{BufWriter, Write};
use std::path::Path;

/// Writes account `slug` to `out`. An existing, non-empty `out` is refused
/// unless `force`, which replaces it only once the new tree is complete.
pub fn dump(store: &dyn Store, slug: &str, out: &Path, force: bool) -> Result<()> {
    let account = store.require_account(slug)?;
    let occupied = out.exists()
        && fs::read_dir(out)
            .map(|mut d| d.next().is_some())
            .unwrap_or(true);
    if occupied && !force {
        return Err(Error::io(
            out,
            std::io::Error::new(
                std::io::ErrorKind::AlreadyExists,
                "already exists and is not empty; pass --force to replace it",
            ),
        ));
    }
    let parent = match out.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_owned(),
        _ => Path::new(".").to_owned(),
    };
    let tmp = tempfile::Builder::new()
        .prefix(".dump-")
        .tempdir_in(&parent)
        .map_err(|e| Error::io(&parent, e))?;
    write_tree(store, account.id, &account.account, tmp.path())?;
    if out.exists() {
        fs::remove_dir_all(out).map_err(|e| Error::io(out, e))?;
    }
    let kept = tmp.keep();
    fs::rename(&kept, out).map_err(|e| {
        let _ = fs::remove_dir_all(&kept);
        Error::io(out, e)
    })
}

fn write_tree(
    store: &dyn Store,
    account_id: i64,
    account: &crate::model::Account,
    root: &Path,
) -> Result<()> {
    write_json(root, layout::ACCOUNT, account)?;
    write_json(root, layout::TEAMMATES, &store.teammates(account_id)?)?;
    let groups = store.groups(account_id)?;
    for g in &groups {
        write_json(root, &layout::group_json(&g.group.key), &g.group)?;
        for d in store.dossiers(g.id)? {
            let (gk, dk) = (&g.group.key, &d.dossier.id);
            write_json(root, &layout::dossier_json(gk, dk), &d.dossier)?;
            for kind in &KINDS {
                write_records(
                    store,
                    root,
                    &layout::records(gk, dk, kind.name),
                    d.id,
                    kind.name,
                )?;
            }
        }
    }
    for sha in store.account_blobs(account_id)? {
        let path = root.join(layout::file(&sha));
        let mut out = create(&path)?;
        store
            .copy_blob(&sha, &mut out)?
            .map_err(|e| Error::io(&path, e))?;
        finish(out, &path)?;
    }
    Ok(())
}

fn write_json<T: serde::Serialize>(root: &Path, rel: &str, value: &T) -> Result<()> {
    let path = root.join(rel);
    let text = pretty_json(value).map_err(|e| Error::Internal(format!("{rel}: {e}")))?;
    let mut out = create(&path)?;
    out.write_all(text.as_bytes())
        .map_err(|e| Error::io(&path, e))?;
    finish(out, &path)
}

/// Writes a kind's records, one canonical line each, in id order; no file
/// when there are none.
fn write_records(
    store: &dyn Store,
    root: &Path,
    rel: &str,
    dossier: i64,
    kind: &str,
) -> Result<()> {
    let path = root.join(rel);
    let mut out: Option<BufWriter<File>> = None;
    store.for_each_record(dossier, kind, &mut |row| {
        if out.is_none() {
            out = Some(create(&path)?);
        }
        if let Some(w) = out.as_mut() {
            w.write_all(row.body.as_bytes())
                .and_then(|()| w.write_all(b"\n"))
                .map_err(|e| Error::io(&path, e))?;
        }
        Ok(())
    })?;
    match out {
        Some(w) => finish(w, &path),
        None => Ok(()),
    }
}

fn create(path: &Path) -> Result<BufWriter<File>> {
    if let Some(dir) = path.parent() {
        fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
    }
    let file = File::create(path).map_err(|e| Error::io(path, e))?;
    Ok(BufWriter::with_capacity(256 * 1024, file))
}

fn finish(w: BufWriter<File>, path: &Path) -> Result<()> {
    w.into_inner()
        .map_err(|e| Error::io(path, e.into_error()))
        .map(drop)
}

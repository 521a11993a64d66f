//! Output files: never overwritten unless `--force`, written whole or not
//! at all (temporary file beside the target, synced, renamed).

use dossier_transfer::error::{Error, Result};
use std::io::Write;
use std::path::Path;

pub fn write_new(path: &Path, force: bool, bytes: &[u8]) -> Result<()> {
    if path.exists() && !force {
        return Err(Error::io(
            path,
            std::io::Error::new(
                std::io::ErrorKind::AlreadyExists,
                "already exists; pass --force to overwrite it",
            ),
        ));
    }
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    let mut tmp = tempfile::NamedTempFile::new_in(dir).map_err(|e| Error::io(dir, e))?;
    tmp.write_all(bytes)
        .and_then(|()| tmp.as_file().sync_all())
        .map_err(|e| Error::io(path, e))?;
    tmp.persist(path).map_err(|e| Error::io(path, e.error))?;
    Ok(())
}

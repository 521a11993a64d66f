//! Progress reporting without printing: the library calls these hooks, the
//! CLI draws a bar on a terminal (and nothing elsewhere).

/// Hooks a long command (export) calls as it goes; each does nothing
/// unless implemented.
pub trait Progress {
    /// The work ahead: dossiers and bytes (record lines and files).
    fn start(&mut self, _dossiers: u64, _bytes: u64) {}
    /// One more dossier done, and the bytes written for it.
    fn advance(&mut self, _dossiers: u64, _bytes: u64) {}
    /// Every dossier is done (not called when the command fails).
    fn finish(&mut self) {}
}

/// Reports nothing.
pub struct Silent;

impl Progress for Silent {}

//! A progress bar on stderr, drawn only when stderr is a terminal.

use dossier_transfer::progress::Progress;
use indicatif::{ProgressBar, ProgressStyle};
use std::io::IsTerminal;

pub struct Bar {
    bar: Option<ProgressBar>,
    bytes: u64,
}

impl Bar {
    /// A bar unless `--no-progress`, `--json`, `--quiet` or no terminal.
    pub fn new(enabled: bool) -> Self {
        let bar = (enabled && std::io::stderr().is_terminal()).then(|| {
            let bar = ProgressBar::new(0);
            let style = ProgressStyle::with_template(
                "{spinner} {pos}/{len} dossiers {wide_bar} {msg} {per_sec} ETA {eta}",
            )
            .unwrap_or_else(|_| ProgressStyle::default_bar());
            bar.set_style(style);
            bar
        });
        Bar { bar, bytes: 0 }
    }
}

impl Progress for Bar {
    fn start(&mut self, dossiers: u64, _bytes: u64) {
        if let Some(b) = &self.bar {
            b.set_length(dossiers);
        }
    }

    fn advance(&mut self, dossiers: u64, bytes: u64) {
        self.bytes += bytes;
        if let Some(b) = &self.bar {
            b.inc(dossiers);
            b.set_message(format!("{}", indicatif::HumanBytes(self.bytes)));
        }
    }

    fn finish(&mut self) {
        if let Some(b) = &self.bar {
            b.finish_and_clear();
        }
    }
}

//! The build's steps on standard error: `[k/N]`, elapsed time, and a bar for the steps whose
//! length is known (files, indicators), a spinner for the others.

use std::cell::Cell;
use std::time::Duration;

use indicatif::{ProgressBar, ProgressStyle};

/// Number of steps of [`super::build`] shown as progress bars.
const BUILD_STEPS: usize = 4;

/// Numbered progress bars, hidden unless `show`.
pub(super) struct Steps {
    show: bool,
    current: Cell<usize>,
}

impl Steps {
    /// Steps shown on standard error when `show`.
    pub(super) fn new(show: bool) -> Steps {
        Steps {
            show,
            current: Cell::new(0),
        }
    }

    /// Starts the next step: a bar of `len` items, or a spinner when the length is unknown.
    pub(super) fn start(&self, msg: &str, len: Option<usize>) -> ProgressBar {
        let k = self.current.get() + 1;
        self.current.set(k);
        let pb = match (self.show, len) {
            (false, _) => ProgressBar::hidden(),
            (true, Some(n)) => ProgressBar::new(n as u64),
            (true, None) => ProgressBar::new_spinner(),
        };
        let template = if len.is_some() {
            "{prefix} [{elapsed_precise}] {bar:30} {pos}/{len} {msg}"
        } else {
            "{prefix} [{elapsed_precise}] {spinner} {msg}"
        };
        if let Ok(style) = ProgressStyle::with_template(template) {
            pb.set_style(style.progress_chars("=> "));
        }
        pb.set_prefix(format!("[{k}/{BUILD_STEPS}]"));
        pb.enable_steady_tick(Duration::from_millis(120));
        pb.set_message(msg.to_string());
        pb
    }
}

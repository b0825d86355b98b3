//! Progress on stderr, only when stderr is a terminal and not `--quiet`, so
//! cron logs and CI output stay clean. One line per site: pages done, URLs
//! queued, errors and the rate.

use std::io::IsTerminal;
use std::time::Duration;

use indicatif::{MultiProgress, ProgressBar, ProgressDrawTarget, ProgressStyle};

/// The progress lines of one run, one per site.
#[derive(Clone)]
pub struct ProgressGroup {
    multi: Option<MultiProgress>,
}

impl ProgressGroup {
    pub fn new(enabled: bool) -> ProgressGroup {
        let on = enabled && std::io::stderr().is_terminal();
        ProgressGroup {
            multi: on.then(|| MultiProgress::with_draw_target(ProgressDrawTarget::stderr())),
        }
    }

    /// A progress line for `site`.
    pub fn site(&self, site: &str) -> Progress {
        match &self.multi {
            Some(m) => Progress::bar(m, site),
            None => Progress::hidden(),
        }
    }
}

#[derive(Clone)]
pub struct Progress {
    bar: Option<ProgressBar>,
}

impl Progress {
    fn bar(multi: &MultiProgress, site: &str) -> Progress {
        let bar = multi.add(ProgressBar::new_spinner());
        let style = ProgressStyle::with_template(
            "{spinner} {prefix} {elapsed_precise} {pos} pages, {msg} ({per_sec})",
        )
        .unwrap_or_else(|_| ProgressStyle::default_spinner());
        bar.set_style(style);
        bar.set_prefix(site.to_string());
        bar.enable_steady_tick(Duration::from_millis(120));
        Progress { bar: Some(bar) }
    }

    pub fn hidden() -> Progress {
        Progress { bar: None }
    }

    /// One more page done; `queued` and `errors` are shown beside the count.
    pub fn page(&self, queued: usize, errors: usize) {
        if let Some(b) = &self.bar {
            b.inc(1);
            b.set_message(format!("{queued} queued, {errors} errors"));
        }
    }

    pub fn finish(&self) {
        if let Some(b) = &self.bar {
            b.finish_and_clear();
        }
    }
}

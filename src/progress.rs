//! Progress on stderr, only when stderr is a terminal and not `--quiet`, so
//! cron logs and CI output stay clean. One line per site: pages done, URLs
//! queued, errors and the rate, worded in the run's language by the
//! `progress` label (`已读 {pages} 页，队列 {queued}，错误 {errors}，每秒 {rate} 页`).

use std::io::IsTerminal;
use std::time::Duration;

use indicatif::{MultiProgress, ProgressBar, ProgressDrawTarget, ProgressStyle};

/// The progress lines of one run, one per site.
#[derive(Clone)]
pub struct ProgressGroup {
    multi: Option<MultiProgress>,
    words: String,
}

impl ProgressGroup {
    /// `words`: the line after the site, with `{pages}`, `{queued}`, `{errors}`, `{rate}`.
    pub fn new(enabled: bool, words: &str) -> ProgressGroup {
        let on = enabled && std::io::stderr().is_terminal();
        ProgressGroup {
            multi: on.then(|| MultiProgress::with_draw_target(ProgressDrawTarget::stderr())),
            words: words.to_string(),
        }
    }

    /// A progress line for `site`.
    pub fn site(&self, site: &str) -> Progress {
        match &self.multi {
            Some(m) => Progress::bar(m, site, &self.words),
            None => Progress::hidden(),
        }
    }
}

#[derive(Clone)]
pub struct Progress {
    bar: Option<ProgressBar>,
    words: String,
}

impl Progress {
    fn bar(multi: &MultiProgress, site: &str, words: &str) -> Progress {
        let bar = multi.add(ProgressBar::new_spinner());
        let style = ProgressStyle::with_template("{spinner} {prefix} {elapsed_precise} {msg}")
            .unwrap_or_else(|_| ProgressStyle::default_spinner());
        bar.set_style(style);
        bar.set_prefix(site.to_string());
        bar.enable_steady_tick(Duration::from_millis(120));
        Progress {
            bar: Some(bar),
            words: words.to_string(),
        }
    }

    pub fn hidden() -> Progress {
        Progress {
            bar: None,
            words: String::new(),
        }
    }

    /// One more page done; `queued` and `errors` are shown beside the count.
    pub fn page(&self, queued: usize, errors: usize) {
        if let Some(b) = &self.bar {
            b.inc(1);
            let line = crate::report::labels::Labels::fill(
                &self.words,
                &[
                    ("pages", b.position().to_string()),
                    ("queued", queued.to_string()),
                    ("errors", errors.to_string()),
                    ("rate", format!("{:.1}", b.per_sec())),
                ],
            );
            b.set_message(line);
        }
    }

    pub fn finish(&self) {
        if let Some(b) = &self.bar {
            b.finish_and_clear();
        }
    }
}

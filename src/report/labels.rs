//! Words of the person-readable reports, in Chinese (default) and English.
//! They are read from the rule files (`rules/report.toml`, `[labels.zh]` and
//! `[labels.en]`) like the rules' own messages, so a site can rename a
//! column of its correction list; this module knows only where each goes.

use super::Summary;
use super::finding::Status;
use crate::checks::Lang;
use crate::rules::toml_reader::{RuleError, TableReader};
use crate::rules::{Severity, Template};

/// Indexes into `Labels::columns`, the correction list's columns, for the
/// formats that show only some of them.
pub const COL_NO: usize = 0;
pub const COL_SEVERITY: usize = 1;
pub const COL_COLUMN: usize = 3;
pub const COL_TITLE: usize = 4;
pub const COL_URL: usize = 5;
pub const COL_PROBLEM: usize = 6;
pub const COL_FIX: usize = 8;
pub const COL_DUE: usize = 9;
/// How many columns `Labels::columns` has; extra ones (status, first seen) follow.
pub const COLUMNS: usize = 10;

#[derive(Debug, Clone, Default)]
pub struct Labels {
    /// The language these labels are in (kind names pick theirs by it).
    pub lang: Lang,
    pub title: String,
    pub as_of: String,
    pub no_column: String,
    pub evidence: String,
    pub fix: String,
    pub due: String,
    pub rule: String,
    pub link: String,
    pub incomplete: String,
    pub note: String,
    /// After a field's name: `：` in Chinese, `: ` in English.
    pub colon: String,
    /// An aside after a text, `{text}` filled in: `（…）` in Chinese, ` (…)` in English.
    pub aside: String,
    /// Between the items of a list: `、` in Chinese, `, ` in English.
    pub enumeration: String,
    /// The line on stderr after a run that wrote files: `{files}`, `{findings}`.
    pub written: String,
    /// The last line on stderr of a run cut short: `{note}` (what stopped
    /// it), `{code}` (the exit code).
    pub stopped_exit: String,
    /// The one line of a `--visit-only` run: `{site}`, `{status}`, `{seconds}`.
    pub visited: String,
    /// The progress line: `{pages}`, `{queued}`, `{errors}`, `{rate}`.
    pub progress: String,
    /// The heading of what to fix first: errors due within `fix_first_days`
    /// of the audit date, and leaked personal data; `{count}` is filled in.
    pub fix_first: String,
    pub fix_first_days: u32,
    /// The heading of the records of the past, after the to-dos; `{count}`.
    pub records: String,
    /// The line after the summary when there are records; `{records}`.
    pub records_summary: String,
    pub no_findings: String,
    /// `{pages}`, `{findings}`, `{error}`, `{warning}`, `{info}` are filled in.
    pub summary: String,
    pub error: String,
    pub warning: String,
    pub info: String,
    /// Column headers of the correction list (csv, xlsx): 序号 … 整改期限.
    pub columns: [String; COLUMNS],
    pub status: String,
    pub status_new: String,
    pub status_persisting: String,
    pub first_seen: String,
    /// `{days}` is filled in.
    pub open_days: String,
    pub fixed: String,
    /// `{new}`, `{persisting}`, `{fixed}` are filled in.
    pub baseline_summary: String,
    /// The name of the xlsx sheet of what to fix first.
    pub sheet_first: String,
    pub sheet_list: String,
    pub sheet_summary: String,
    pub column: String,
    pub kind: String,
    pub severity_label: String,
    pub total: String,
    pub page: String,
    pub site: String,
    pub pages: String,
    pub findings: String,
    pub calendar: String,
    /// `{max_days}` is filled in.
    pub calendar_limit: String,
    pub published: String,
    pub overdue: String,
    /// `{start}`, `{end}`, `{days}` are filled in.
    pub gap: String,
    /// A gap not yet ended by a publication; same placeholders.
    pub gap_open: String,
    pub no_gaps: String,
    pub filter_all: String,
    pub search: String,
    pub more_rows: String,
    pub weekdays: [String; 7],
    pub history_header: [String; 8],
    pub no_history: String,
    /// The heading of the findings in the HTML report.
    pub details: String,
    /// The editors' name for each finding kind.
    pub kind_names: Vec<(String, String)>,
    /// The words of `audit inspect` (`[labels.zh.inspect]`), by key.
    pub inspect: Vec<(String, String)>,
    /// The notes a run can leave (`[labels.zh.notes]`), by key; see [`NOTES`].
    notes: Vec<(&'static str, Template)>,
    /// The words of `audit rules explain` (`[labels.zh.explain]`), by key; see [`EXPLAIN`].
    explain: Vec<(&'static str, Template)>,
    /// The words of the scorecard (`[labels.zh.scorecard]`), by key; see [`SCORECARD`].
    scorecard: Vec<(&'static str, Template)>,
}

/// Where each word of `[labels.zh]`/`[labels.en]` goes, and the
/// placeholders it may hold.
type Word = fn(&mut Labels) -> &mut String;
const WORDS: &[(&str, &[&str], Word)] = &[
    ("title", &[], |l| &mut l.title),
    ("as_of", &[], |l| &mut l.as_of),
    ("no_column", &[], |l| &mut l.no_column),
    ("evidence", &[], |l| &mut l.evidence),
    ("fix", &[], |l| &mut l.fix),
    ("due", &[], |l| &mut l.due),
    ("rule", &[], |l| &mut l.rule),
    ("link", &[], |l| &mut l.link),
    ("incomplete", &[], |l| &mut l.incomplete),
    ("note", &[], |l| &mut l.note),
    ("colon", &[], |l| &mut l.colon),
    ("aside", &["text"], |l| &mut l.aside),
    ("enumeration", &[], |l| &mut l.enumeration),
    ("written", &["files", "findings"], |l| &mut l.written),
    ("stopped_exit", &["note", "code"], |l| &mut l.stopped_exit),
    ("visited", &["site", "status", "seconds"], |l| {
        &mut l.visited
    }),
    ("progress", &["pages", "queued", "errors", "rate"], |l| {
        &mut l.progress
    }),
    ("fix_first", &["count"], |l| &mut l.fix_first),
    ("records", &["count"], |l| &mut l.records),
    ("records_summary", &["records"], |l| &mut l.records_summary),
    ("no_findings", &[], |l| &mut l.no_findings),
    (
        "summary",
        &["pages", "findings", "error", "warning", "info"],
        |l| &mut l.summary,
    ),
    ("error", &[], |l| &mut l.error),
    ("warning", &[], |l| &mut l.warning),
    ("info", &[], |l| &mut l.info),
    ("status", &[], |l| &mut l.status),
    ("status_new", &[], |l| &mut l.status_new),
    ("status_persisting", &[], |l| &mut l.status_persisting),
    ("first_seen", &[], |l| &mut l.first_seen),
    ("open_days", &["days"], |l| &mut l.open_days),
    ("fixed", &[], |l| &mut l.fixed),
    ("baseline_summary", &["new", "persisting", "fixed"], |l| {
        &mut l.baseline_summary
    }),
    ("sheet_first", &[], |l| &mut l.sheet_first),
    ("sheet_list", &[], |l| &mut l.sheet_list),
    ("sheet_summary", &[], |l| &mut l.sheet_summary),
    ("column", &[], |l| &mut l.column),
    ("kind", &[], |l| &mut l.kind),
    ("severity_label", &[], |l| &mut l.severity_label),
    ("total", &[], |l| &mut l.total),
    ("page", &[], |l| &mut l.page),
    ("site", &[], |l| &mut l.site),
    ("pages", &[], |l| &mut l.pages),
    ("findings", &[], |l| &mut l.findings),
    ("calendar", &[], |l| &mut l.calendar),
    ("calendar_limit", &["max_days"], |l| &mut l.calendar_limit),
    ("published", &[], |l| &mut l.published),
    ("overdue", &[], |l| &mut l.overdue),
    ("gap", &["start", "end", "days"], |l| &mut l.gap),
    ("gap_open", &["start", "end", "days"], |l| &mut l.gap_open),
    ("no_gaps", &[], |l| &mut l.no_gaps),
    ("filter_all", &[], |l| &mut l.filter_all),
    ("search", &[], |l| &mut l.search),
    ("more_rows", &["n"], |l| &mut l.more_rows),
    ("no_history", &[], |l| &mut l.no_history),
    ("details", &[], |l| &mut l.details),
];

/// The notes of a run, each with the placeholders its text may use: what a
/// crawl skipped, cut or could not read, said the same way by every source.
pub const NOTES: &[(&str, &[&str])] = &[
    ("cache_unreadable", &["path", "error"]),
    ("cache_write_failed", &["error"]),
    ("cache_not_updated", &["path", "error"]),
    ("cache_other_settings", &["path"]),
    ("cache_old_format", &["path"]),
    ("cache_bad_entries", &["path", "count"]),
    ("cache_reused", &["count", "age"]),
    ("folder_unreadable", &["folder", "error"]),
    ("symlink_outside", &["file"]),
    ("max_files", &["max", "left"]),
    ("crawl_delay", &["host", "secs"]),
    ("sitemap_unreadable", &["file", "error"]),
    ("sitemap_capped", &["urls", "files"]),
    ("not_started_interrupted", &["signal"]),
    ("not_started_max_time", &[]),
    ("robots_ignored", &[]),
    ("task_failed", &[]),
    ("stopped_max_time", &["pages", "left"]),
    ("stopped_interrupted", &["pages", "left", "signal"]),
    ("max_pages", &["max", "left"]),
    ("robots_skipped", &["count", "examples"]),
    ("too_deep", &["count", "max", "examples"]),
    ("list_pages", &["count", "max", "examples"]),
    ("too_long", &["count", "max", "examples"]),
    ("redirects_left", &["count", "examples"]),
    ("truncated", &["count", "max", "examples"]),
    ("extract_limits", &["pages", "limits", "first"]),
    ("suppressed", &["count", "rules"]),
    ("list_unread", &["count", "examples"]),
    ("no_base_url", &["base"]),
    ("list_unread_example", &["column", "url"]),
    ("list_unread_loader", &["column", "url", "loader"]),
    ("list_unread_separator", &[]),
];

/// The words of a pack's scorecard, each with the placeholders its text may use.
pub const SCORECARD: &[(&str, &[&str])] = &[
    ("heading", &["pack"]),
    ("pass", &["score", "total"]),
    ("pass_unscored", &[]),
    ("fail_veto", &["items"]),
    ("fail_score", &["score", "total", "pass_score"]),
    ("status_pass", &[]),
    ("status_deduct", &["points"]),
    ("status_veto", &[]),
    ("status_unmeasured", &[]),
    ("item", &["status", "name", "measured", "threshold"]),
    (
        "item_visits",
        &["status", "name", "measured", "threshold", "visits"],
    ),
    ("item_no_visits", &["status", "name", "days"]),
    (
        "item_few_visits",
        &["status", "name", "measured", "visits", "needed"],
    ),
    ("findings", &["numbers"]),
    ("unaudited", &["error"]),
    ("incomplete", &[]),
];

/// The words of `audit rules explain`, each with the placeholders its text
/// may use. `due_one` and `due` are the singular and the plural.
pub const EXPLAIN: &[(&str, &[&str])] = &[
    ("kind", &["kind"]),
    ("severity", &["severity"]),
    ("due_one", &["days"]),
    ("record_window", &["days"]),
    ("due", &["days"]),
    ("categories", &["categories"]),
    ("defined_in", &["file", "line"]),
    ("builtin", &["file", "line", "name"]),
    ("why", &[]),
    ("what_kind", &["kind"]),
    ("parameters", &[]),
    ("no_parameters", &[]),
    ("messages", &[]),
    ("placeholders", &["placeholders"]),
    ("indicator_veto", &[]),
    ("indicator_deduct", &["points", "max"]),
    ("indicator_findings", &["rules"]),
    ("indicator_pages", &["rules"]),
    ("indicator_targets", &["rules"]),
    ("indicator_availability", &["days", "seconds"]),
    ("indicator_when", &["effect", "measured", "threshold"]),
];

/// The lists of words, each as long as its field.
type Words = fn(&mut Labels) -> &mut [String];
const LISTS: &[(&str, Words)] = &[
    ("columns", |l| &mut l.columns),
    ("weekdays", |l| &mut l.weekdays),
    ("history_header", |l| &mut l.history_header),
];

/// The words of both languages, as the rule files (`rules/report.toml`) give them.
#[derive(Debug, Clone)]
pub struct ReportLabels {
    pub zh: Labels,
    pub en: Labels,
}

impl Default for ReportLabels {
    fn default() -> ReportLabels {
        ReportLabels {
            zh: Labels::empty(Lang::Zh),
            en: Labels::empty(Lang::En),
        }
    }
}

impl ReportLabels {
    pub fn get(&self, lang: Lang) -> &Labels {
        match lang {
            Lang::Zh => &self.zh,
            Lang::En => &self.en,
        }
    }

    /// Reads a `[labels]` table: `[labels.zh]` and `[labels.en]`, each
    /// replacing the words it names.
    pub fn merge_from(&mut self, t: &mut TableReader<'_, '_>) -> Result<(), RuleError> {
        for (key, labels) in [("zh", &mut self.zh), ("en", &mut self.en)] {
            if let Some(mut l) = t.table(key)? {
                l.set_context(format!("[labels.{key}]"));
                labels.merge_from(&mut l)?;
                l.finish()?;
            }
        }
        Ok(())
    }
}

impl Labels {
    /// Whether `f` is among what to fix first: leaked personal data, or an
    /// error due within `fix_first_days` of the audit date.
    pub fn fix_first_now(&self, f: &super::finding::Finding, as_of: jiff::civil::Date) -> bool {
        super::leaks_personal_data(f)
            || (f.severity == crate::rules::Severity::Error
                && f.due.is_some_and(|d| {
                    crate::checks::days_between(as_of, d) <= i64::from(self.fix_first_days)
                }))
    }

    /// 先改这些（N 项）.
    pub fn fix_first_heading(&self, n: usize) -> String {
        Labels::fill(&self.fix_first, &[("count", n.to_string())])
    }

    pub fn records_heading(&self, n: usize) -> String {
        Labels::fill(&self.records, &[("count", n.to_string())])
    }

    /// How many findings are records, when some are.
    pub fn records_line(&self, s: &Summary) -> Option<String> {
        (s.records > 0)
            .then(|| Labels::fill(&self.records_summary, &[("records", s.records.to_string())]))
    }

    /// `（整改期限：2024-03-23）` after a finding that has a due date.
    pub fn due_aside(&self, f: &super::finding::Finding) -> String {
        f.due
            .map(|d| self.with_aside("", &format!("{}{}{d}", self.due, self.colon)))
            .unwrap_or_default()
    }

    /// `text` with `aside` after it: `2024-03-01（已 3 天）`.
    pub fn with_aside(&self, text: &str, aside: &str) -> String {
        format!(
            "{text}{}",
            Labels::fill(&self.aside, &[("text", aside.to_string())])
        )
    }

    fn empty(lang: Lang) -> Labels {
        Labels {
            lang,
            ..Labels::default()
        }
    }

    fn merge_from(&mut self, t: &mut TableReader<'_, '_>) -> Result<(), RuleError> {
        for (key, allowed, field) in WORDS {
            if let Some(v) = t.string(key)? {
                // Checked as a message template is, so that `{pagez}` is an error, not text.
                Template::parse(v.get_ref(), allowed)
                    .map_err(|e| t.error_at(&v.span(), format!("`{key}` of {}: {e}", t.context)))?;
                *field(self) = v.into_inner();
            }
        }
        if let Some(n) = t.count("fix_first_days")? {
            self.fix_first_days = n.into_inner();
        }
        for (key, field) in LISTS {
            if let Some(v) = t.strings(key)? {
                let words = field(self);
                if v.len() != words.len() {
                    let at = v.first().map_or(t.span.clone(), |s| s.span());
                    let len = words.len();
                    return Err(t.error_at(
                        &at,
                        format!(
                            "`{key}` of {} needs {len} words, not {}",
                            t.context,
                            v.len()
                        ),
                    ));
                }
                for (w, s) in words.iter_mut().zip(v) {
                    *w = s.into_inner();
                }
            }
        }
        for (name, keys, store) in [
            ("notes", NOTES, &mut self.notes),
            ("explain", EXPLAIN, &mut self.explain),
            ("scorecard", SCORECARD, &mut self.scorecard),
        ] {
            if let Some(mut n) = t.table(name)? {
                n.set_context(format!("{}.{name}]", t.context.trim_end_matches(']')));
                merge_templates(&mut n, keys, store)?;
                n.finish()?;
            }
        }
        if let Some(mut k) = t.table("inspect")? {
            for pair in k.remaining_strings()? {
                let (key, word) = pair.into_inner();
                self.inspect.retain(|(k, _)| *k != key);
                self.inspect.push((key, word));
            }
            k.finish()?;
        }
        if let Some(mut k) = t.table("kind_names")? {
            for pair in k.remaining_strings()? {
                let (kind, name) = pair.into_inner();
                self.kind_names.retain(|(k, _)| *k != kind);
                self.kind_names.push((kind, name));
            }
            k.finish()?;
        }
        Ok(())
    }

    /// The note `key` (one of [`NOTES`]) with its placeholders filled.
    pub fn note(&self, key: &str, values: &[(&str, String)]) -> String {
        let values: std::collections::BTreeMap<&str, String> = values.iter().cloned().collect();
        match self.notes.iter().find(|(k, _)| *k == key) {
            Some((_, text)) => text.render(&values),
            // Only a rule set without rules/report.toml lacks a note; the key still says what happened.
            None => key.to_string(),
        }
    }

    /// The word `key` of `audit rules explain` (one of [`EXPLAIN`]) with its placeholders filled.
    pub fn explain_word(&self, key: &str, values: &[(&str, String)]) -> String {
        let values: std::collections::BTreeMap<&str, String> = values.iter().cloned().collect();
        match self.explain.iter().find(|(k, _)| *k == key) {
            Some((_, text)) => text.render(&values),
            // Only a rule set without rules/report.toml lacks one; the key still says what it is.
            None => key.to_string(),
        }
    }

    /// The scorecard's word `key` (one of [`SCORECARD`]) with its placeholders filled.
    pub fn scorecard_word(&self, key: &str, values: &[(&str, String)]) -> String {
        let values: std::collections::BTreeMap<&str, String> = values.iter().cloned().collect();
        match self.scorecard.iter().find(|(k, _)| *k == key) {
            Some((_, text)) => text.render(&values),
            None => key.to_string(),
        }
    }

    /// The editor's name for a finding kind; unknown kinds show as they are.
    pub fn kind_name<'a>(&'a self, kind: &'a str) -> &'a str {
        self.kind_names
            .iter()
            .find(|(k, _)| k == kind)
            .map_or(kind, |(_, name)| name.as_str())
    }

    /// A word of `audit inspect`; a key without one shows as it is.
    pub fn inspect_word<'a>(&'a self, key: &'a str) -> &'a str {
        self.inspect
            .iter()
            .find(|(k, _)| k == key)
            .map_or(key, |(_, w)| w.as_str())
    }

    /// A finding's column, or the words for "no column".
    pub fn column_or<'a>(&'a self, column: Option<&'a str>) -> &'a str {
        column.unwrap_or(&self.no_column)
    }

    /// The baseline status of a finding; empty without a baseline.
    pub fn status(&self, s: Option<Status>) -> &str {
        match s {
            Some(Status::New) => &self.status_new,
            Some(Status::Persisting) => &self.status_persisting,
            None => "",
        }
    }

    /// A word with placeholders filled in, read as the template it was
    /// checked as when it was loaded (`{{` stands for a brace).
    pub fn fill(word: &str, values: &[(&str, String)]) -> String {
        let keys: Vec<&str> = values.iter().map(|(k, _)| *k).collect();
        match Template::parse(word, &keys) {
            Ok(t) => t.render(&values.iter().cloned().collect()),
            // Only words that were never checked (built in code) can fail here.
            Err(_) => word.to_string(),
        }
    }

    /// "Checked N pages, found M problems (…)".
    pub fn summary_line(&self, s: &Summary) -> String {
        Labels::fill(
            &self.summary,
            &[
                ("pages", s.pages.to_string()),
                ("findings", s.findings.to_string()),
                ("error", s.count(Severity::Error).to_string()),
                ("warning", s.count(Severity::Warning).to_string()),
                ("info", s.count(Severity::Info).to_string()),
            ],
        )
    }

    /// "open N days", of a finding first seen N days before the audit.
    pub fn open_days(&self, days: i64) -> String {
        Labels::fill(&self.open_days, &[("days", days.to_string())])
    }

    /// The counts against `--baseline`; `None` when the run had no baseline.
    pub fn baseline_line(&self, s: &Summary) -> Option<String> {
        let (Some(n), Some(p), Some(f)) = (s.new, s.persisting, s.fixed) else {
            return None;
        };
        Some(Labels::fill(
            &self.baseline_summary,
            &[
                ("new", n.to_string()),
                ("persisting", p.to_string()),
                ("fixed", f.to_string()),
            ],
        ))
    }

    pub fn severity(&self, s: Severity) -> &str {
        match s {
            Severity::Error => &self.error,
            Severity::Warning => &self.warning,
            Severity::Info => &self.info,
        }
    }
}

/// Reads the templates of a table of fixed keys (`[labels.zh.notes]`…), each
/// checked against the placeholders it may use, replacing earlier ones.
fn merge_templates(
    n: &mut TableReader<'_, '_>,
    keys: &[(&'static str, &[&str])],
    store: &mut Vec<(&'static str, Template)>,
) -> Result<(), RuleError> {
    for (key, allowed) in keys {
        if let Some(v) = n.string(key)? {
            let text = Template::parse(v.get_ref(), allowed)
                .map_err(|e| n.error_at(&v.span(), format!("`{key}` of {}: {e}", n.context)))?;
            store.retain(|(k, _)| k != key);
            store.push((key, text));
        }
    }
    Ok(())
}

/// The shipped words in one language, for tests of the formats.
#[cfg(test)]
pub(crate) fn shipped(lang: Lang) -> Labels {
    crate::load_rules(false, &[])
        .expect("rules/report.toml loads")
        .labels
        .get(lang)
        .clone()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shipped() -> ReportLabels {
        crate::load_rules(false, &[])
            .expect("rules/report.toml loads")
            .labels
    }

    #[test]
    fn words_are_filled_as_templates() {
        assert_eq!(Labels::fill("共{n}条", &[("n", "3".into())]), "共3条");
        // A brace the word means literally is written twice, as in messages.
        assert_eq!(Labels::fill("{{n}} = {n}", &[("n", "3".into())]), "{n} = 3");
        assert!(shipped().get(Lang::En).open_days(5).contains('5'));
    }

    #[test]
    fn kind_names_follow_the_language() {
        let l = shipped();
        assert_eq!(l.get(Lang::Zh).kind_name("typo"), "错别字");
        assert_eq!(l.get(Lang::En).kind_name("typo"), "typo");
        assert_eq!(l.get(Lang::En).kind_name("freshness"), "stale column");
        // A copy of the labels is still in its language.
        let copied = Labels { ..l.zh.clone() };
        assert_eq!(copied.kind_name("freshness"), "更新不及时");
        assert_eq!(l.zh.kind_name("unknown-kind"), "unknown-kind");
    }

    #[test]
    fn every_word_is_shipped_in_both_languages() {
        let mut l = shipped();
        for labels in [&mut l.zh, &mut l.en] {
            for (key, _, field) in WORDS {
                assert!(
                    !field(labels).is_empty(),
                    "{:?}: `{key}` is empty",
                    labels.lang
                );
            }
            for (key, field) in LISTS {
                let v = field(labels);
                assert!(
                    v.iter().all(|w| !w.is_empty()),
                    "{:?}: `{key}`",
                    labels.lang
                );
            }
            for (key, _) in NOTES {
                assert!(
                    labels.notes.iter().any(|(k, _)| k == key),
                    "{:?}: no note `{key}`",
                    labels.lang
                );
            }
            for (key, _) in EXPLAIN {
                assert!(
                    labels.explain.iter().any(|(k, _)| k == key),
                    "{:?}: no explain word `{key}`",
                    labels.lang
                );
            }
            for spec in crate::checks::KINDS {
                assert!(
                    labels.kind_names.iter().any(|(k, _)| k == spec.name),
                    "{:?}: no name for `{}`",
                    labels.lang,
                    spec.name
                );
            }
        }
    }
}

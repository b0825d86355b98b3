//! The rule kinds. Each module implements one kind: it declares the parameters
//! and message placeholders its rules may use and turns the site model into
//! findings. Rule files only configure them.

pub mod annual_report;
pub mod broken_link;
pub mod broken_nav;
pub mod duplicate_heading;
pub mod empty_column;
pub mod fetch_error;
pub mod freshness;
pub mod metadata_mismatch;
pub mod missing_metadata;
pub mod privacy;
pub mod publish_lag;
pub mod punctuation;
pub mod stale_notice;
pub mod typo;

use std::ops::Range;

use jiff::civil::Date;

use crate::extract::record::{PageKind, PageRecord};
use crate::report::finding::{Finding, finding_id};
use crate::rules::toml_reader::{RuleError, TableReader};
use crate::rules::{Rule, RuleSet, Values};
use crate::site::Site;

/// The placeholders every finding fills (`Ctx::finding_as`), so every
/// rule's messages may use them whatever its kind.
pub const COMMON_PLACEHOLDERS: &[&str] = &["title", "column", "url", "as_of", "due"];

/// The placeholders a rule's messages may use: the common ones and its kind's `own`.
pub fn placeholders_of(own: &[&'static str]) -> Vec<&'static str> {
    COMMON_PLACEHOLDERS.iter().chain(own).copied().collect()
}

/// What the loader needs to know about a kind before reading its parameters.
pub struct KindSpec {
    pub name: &'static str,
    /// Placeholders its `message` and `fix` templates may use.
    /// The placeholders this kind fills besides [`COMMON_PLACEHOLDERS`].
    pub placeholders: &'static [&'static str],
    /// Rules of this kind must name a `category`.
    pub needs_category: bool,
    /// What the kind checks and why, for `audit rules explain`.
    pub doc: &'static str,
}

pub const KINDS: &[KindSpec] = &[
    freshness::SPEC,
    publish_lag::SPEC,
    missing_metadata::SPEC,
    fetch_error::SPEC,
    privacy::SPEC,
    annual_report::SPEC,
    duplicate_heading::SPEC,
    stale_notice::SPEC,
    broken_nav::SPEC,
    broken_link::SPEC,
    empty_column::SPEC,
    typo::SPEC,
    punctuation::SPEC,
    metadata_mismatch::SPEC,
];

pub fn kind_spec(name: &str) -> Option<&'static KindSpec> {
    KINDS.iter().find(|k| k.name == name)
}

/// The parameters of a rule, typed by kind.
#[derive(Debug, Clone)]
pub enum Params {
    Freshness(freshness::Params),
    PublishLag(publish_lag::Params),
    MissingMetadata(missing_metadata::Params),
    FetchError(fetch_error::Params),
    Privacy(privacy::Params),
    AnnualReport(annual_report::Params),
    DuplicateHeading(duplicate_heading::Params),
    StaleNotice(stale_notice::Params),
    BrokenNav(broken_nav::Params),
    BrokenLink(broken_link::Params),
    EmptyColumn(empty_column::Params),
    Typo(typo::Params),
    Punctuation(punctuation::Params),
    MetadataMismatch(metadata_mismatch::Params),
}

pub fn parse_params(kind: &str, t: &mut TableReader<'_, '_>) -> Result<Params, RuleError> {
    Ok(match kind {
        freshness::KIND => Params::Freshness(freshness::params(t)?),
        publish_lag::KIND => Params::PublishLag(publish_lag::params(t)?),
        missing_metadata::KIND => Params::MissingMetadata(missing_metadata::params(t)?),
        fetch_error::KIND => Params::FetchError(fetch_error::params(t)?),
        privacy::KIND => Params::Privacy(privacy::params(t)?),
        annual_report::KIND => Params::AnnualReport(annual_report::params(t)?),
        duplicate_heading::KIND => Params::DuplicateHeading(duplicate_heading::params(t)?),
        stale_notice::KIND => Params::StaleNotice(stale_notice::params(t)?),
        broken_nav::KIND => Params::BrokenNav(broken_nav::params(t)?),
        broken_link::KIND => Params::BrokenLink(broken_link::params(t)?),
        empty_column::KIND => Params::EmptyColumn(empty_column::params(t)?),
        typo::KIND => Params::Typo(typo::params(t)?),
        punctuation::KIND => Params::Punctuation(punctuation::params(t)?),
        metadata_mismatch::KIND => Params::MetadataMismatch(metadata_mismatch::params(t)?),
        other => {
            return Err(t.error_at(
                &t.span.clone(),
                format!("rule kind `{other}` has no parameters reader"),
            ));
        }
    })
}

/// Which language person-facing text is rendered in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum Lang {
    #[default]
    Zh,
    En,
}

impl Lang {
    /// The text for this language; English falls back to Chinese where a rule has none.
    pub fn pick<'t, T: ?Sized>(self, zh: &'t T, en: Option<&'t T>) -> &'t T {
        match (self, en) {
            (Lang::En, Some(en)) => en,
            _ => zh,
        }
    }
}

pub struct Ctx<'a> {
    pub site: &'a Site,
    pub rules: &'a RuleSet,
    pub as_of: Date,
    pub lang: Lang,
}

/// Where a finding lands: the page (or column list page) the editor must change.
pub struct At {
    pub url: String,
    pub title: Option<String>,
    pub column: Option<String>,
    pub page_kind: Option<PageKind>,
}

impl At {
    pub fn page(r: &PageRecord) -> At {
        At {
            url: r.url.clone(),
            title: (!r.title.is_empty()).then(|| r.title.clone()),
            column: r.column.clone(),
            page_kind: Some(r.kind),
        }
    }
}

/// The details of one finding that the check knows; the rule supplies the rest.
pub struct Draft<'v> {
    pub at: At,
    /// Distinguishes several findings of one rule on one page, stable across runs.
    pub key: String,
    pub evidence: Option<String>,
    pub target: Option<String>,
    pub values: Values<'v>,
}

/// What one finding changes of its rule's settings, e.g. a gap in the past
/// that has no due date and no fix.
#[derive(Debug, Clone, Copy, Default)]
pub struct Override {
    pub severity: Option<crate::rules::Severity>,
    /// The day a problem of the past happened: the finding is a record, with
    /// no due date, since it cannot be fixed by a date, only explained.
    pub record: Option<jiff::civil::Date>,
    /// No `fix` text.
    pub no_fix: bool,
}

impl Ctx<'_> {
    pub fn finding(&self, rule: &Rule, d: Draft<'_>) -> Finding {
        self.finding_with(rule, d, &rule.message, rule.message_en.as_ref())
    }

    /// Renders a finding with a message other than the rule's main one (e.g. a gap message).
    pub fn finding_with(
        &self,
        rule: &Rule,
        d: Draft<'_>,
        message: &crate::rules::Template,
        message_en: Option<&crate::rules::Template>,
    ) -> Finding {
        self.finding_as(rule, d, message, message_en, Override::default())
    }

    /// `finding_with`, with some of the rule's settings overridden.
    pub fn finding_as(
        &self,
        rule: &Rule,
        d: Draft<'_>,
        message: &crate::rules::Template,
        message_en: Option<&crate::rules::Template>,
        over: Override,
    ) -> Finding {
        let mut values = d.values;
        let due_days = if over.record.is_some() {
            None
        } else {
            rule.due_days
        };
        let record = over.record.map(|occurred| crate::report::finding::Record {
            occurred,
            // Without a window a record fails like any finding, as before records.
            recent: rule.record_window_days.is_none_or(|w| {
                self.as_of
                    .checked_sub(jiff::Span::new().days(i64::from(w)))
                    .is_ok_and(|from| occurred >= from)
            }),
        });
        let due = due_days.and_then(|n| {
            self.as_of
                .checked_add(jiff::Span::new().days(i64::from(n)))
                .ok()
        });
        if let Some(due) = due {
            values.insert("due", due.to_string());
        }
        if let Some(t) = &d.at.title {
            values.entry("title").or_insert_with(|| t.clone());
        }
        if let Some(c) = &d.at.column {
            values.entry("column").or_insert_with(|| c.clone());
        }
        values.entry("url").or_insert_with(|| d.at.url.clone());
        values.insert("as_of", self.as_of.to_string());
        let msg = self.lang.pick(message, message_en);
        // In English a rule's `fix_en` stands even where it has no Chinese `fix`.
        let fix = match self.lang {
            Lang::En => rule.fix_en.as_ref().or(rule.fix.as_ref()),
            Lang::Zh => rule.fix.as_ref(),
        }
        .filter(|_| !over.no_fix);
        Finding {
            id: finding_id(&rule.id, &d.at.url, d.target.as_deref(), &d.key),
            rule: rule.id.clone(),
            kind: rule.kind.to_string(),
            severity: over.severity.unwrap_or(rule.severity),
            message: msg.render(&values),
            fix: fix.map(|f| f.render(&values)),
            url: d.at.url,
            title: d.at.title,
            column: d.at.column,
            evidence: d.evidence,
            due,
            record,
            target: d.target,
            page_kind: d.at.page_kind,
            status: None,
            first_seen: None,
            file: None,
            line: None,
        }
    }
}

/// Runs every rule over the site model.
pub fn run(ctx: &Ctx<'_>) -> Vec<Finding> {
    let rules = &ctx.rules.rules;
    // Rules are independent: run them on all cores, then keep the rule-file order
    // so the output does not depend on scheduling.
    let workers = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1)
        .min(rules.len().max(1));
    let next = std::sync::atomic::AtomicUsize::new(0);
    let timings = std::env::var_os("DISCLOSURE_AUDIT_TIMINGS").is_some();
    let mut per_rule: Vec<(usize, Vec<Finding>)> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..workers)
            .map(|_| {
                scope.spawn(|| {
                    let mut done = Vec::new();
                    loop {
                        let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                        let Some(rule) = rules.get(i) else { break };
                        let started = std::time::Instant::now();
                        let mut out = Vec::new();
                        run_rule(ctx, rule, &mut out);
                        if timings {
                            eprintln!(
                                "timing: rule {} {:.3}s",
                                rule.id,
                                started.elapsed().as_secs_f64()
                            );
                        }
                        done.push((i, out));
                    }
                    done
                })
            })
            .collect();
        handles
            .into_iter()
            // A panicking check is a bug: surface it rather than drop its findings.
            .flat_map(|h| h.join().unwrap_or_else(|p| std::panic::resume_unwind(p)))
            .collect()
    });
    per_rule.sort_by_key(|(i, _)| *i);
    per_rule.into_iter().flat_map(|(_, f)| f).collect()
}

fn run_rule(ctx: &Ctx<'_>, rule: &Rule, out: &mut Vec<Finding>) {
    match &rule.params {
        Params::Freshness(p) => freshness::check(ctx, rule, p, out),
        Params::PublishLag(p) => publish_lag::check(ctx, rule, p, out),
        Params::MissingMetadata(p) => missing_metadata::check(ctx, rule, p, out),
        Params::FetchError(p) => fetch_error::check(ctx, rule, p, out),
        Params::Privacy(p) => privacy::check(ctx, rule, p, out),
        Params::AnnualReport(p) => annual_report::check(ctx, rule, p, out),
        Params::DuplicateHeading(p) => duplicate_heading::check(ctx, rule, p, out),
        Params::StaleNotice(p) => stale_notice::check(ctx, rule, p, out),
        Params::BrokenNav(p) => broken_nav::check(ctx, rule, p, out),
        Params::BrokenLink(p) => broken_link::check(ctx, rule, p, out),
        Params::EmptyColumn(p) => empty_column::check(ctx, rule, p, out),
        Params::Typo(p) => typo::check(ctx, rule, p, out),
        Params::Punctuation(p) => punctuation::check(ctx, rule, p, out),
        Params::MetadataMismatch(p) => metadata_mismatch::check(ctx, rule, p, out),
    }
}

/// Whole days from `a` to `b` (negative when `b` is earlier).
pub fn days_between(a: Date, b: Date) -> i64 {
    a.until(b).map(|s| i64::from(s.get_days())).unwrap_or(0)
}

/// A count as a `usize`, if the key is there.
pub(crate) fn count(
    t: &mut TableReader<'_, '_>,
    key: &'static str,
) -> Result<Option<usize>, RuleError> {
    Ok(t.count(key)?.map(|n| n.into_inner() as usize))
}

/// A value the rule files must give (every shipped rule does, so the code
/// keeps no second copy of it). Checked after the rule's other keys, so that
/// a wrong value elsewhere is reported before a missing one.
pub(crate) fn required<T>(
    t: &TableReader<'_, '_>,
    key: &str,
    v: Option<T>,
) -> Result<T, RuleError> {
    v.ok_or_else(|| t.missing(key))
}

/// The `page_kinds` a rule applies to (articles when it names none).
pub(crate) fn read_page_kinds(t: &mut TableReader<'_, '_>) -> Result<Vec<PageKind>, RuleError> {
    let mut page_kinds = Vec::new();
    for k in t.strings("page_kinds")?.unwrap_or_default() {
        page_kinds.push(PageKind::parse(k.get_ref()).ok_or_else(|| {
            t.error_at(
                &k.span(),
                format!(
                    "`page_kinds` of {} allows {}, not \"{}\"",
                    t.context,
                    PageKind::ALL.map(PageKind::as_str).join(", "),
                    k.get_ref()
                ),
            )
        })?);
    }
    if page_kinds.is_empty() {
        page_kinds.push(PageKind::Article);
    }
    Ok(page_kinds)
}

/// The byte offset `n` characters before `at` (or the start of `s`).
pub(crate) fn back_chars(s: &str, at: usize, n: usize) -> usize {
    s[..at]
        .char_indices()
        .rev()
        .take(n)
        .last()
        .map_or(at, |(i, _)| i)
}

/// The byte offset `n` characters after `at` (or the end of `s`).
pub(crate) fn fwd_chars(s: &str, at: usize, n: usize) -> usize {
    s[at..]
        .char_indices()
        .nth(n)
        .map_or(s.len(), |(i, _)| at + i)
}

/// A character of a number or a Latin word, which a quote must not cut.
fn in_word(c: char) -> bool {
    c.is_ascii_alphanumeric() || ('０'..='９').contains(&c)
}

/// The hit with up to `n` characters of its line either side, `…` where the
/// line goes on. A cut never falls inside a number or a Latin word (never
/// 「…0户」 for 80户): the part of it that would show is left out.
pub(crate) fn evidence(line: &str, range: Range<usize>, n: usize) -> String {
    let mut from = back_chars(line, range.start, n);
    let mut to = fwd_chars(line, range.end, n);
    let splits = |at: usize| {
        line[..at].chars().next_back().is_some_and(in_word)
            && line[at..].chars().next().is_some_and(in_word)
    };
    while from > 0 && from < range.start && splits(from) {
        from += line[from..].chars().next().map_or(1, char::len_utf8);
    }
    while to < line.len() && to > range.end && splits(to) {
        to -= line[..to].chars().next_back().map_or(1, char::len_utf8);
    }
    let mut s = String::new();
    if from > 0 {
        s.push('…');
    }
    s.push_str(&line[from..to].replace('\t', " "));
    if to < line.len() {
        s.push('…');
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn evidence_is_never_cut_inside_a_number() {
        let line = "全镇共有低保户180户，其中新增20户，退出5户。";
        let at = line.find("新增").unwrap();
        let e = evidence(line, at..at + "新增".len(), 6);
        assert!(!e.starts_with("…0户") && !e.starts_with("…80户"), "{e}");
        assert!(e.starts_with("…户") || e.starts_with("…180户"), "{e}");
        // The hit itself is always quoted whole.
        let at = line.find("180").unwrap();
        assert!(evidence(line, at..at + 3, 1).contains("180"));
    }
}

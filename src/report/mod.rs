//! The correction list: findings ordered, deduplicated and counted, and the
//! renderers that only format it.

pub mod baseline;
pub mod csv;
pub mod finding;
pub mod history;
pub mod html;
pub mod inspect;
pub mod json;
pub mod labels;
pub mod locate;
pub mod md;
pub mod sarif;
pub mod text;
pub mod timeline;
pub mod xlsx;

use std::collections::BTreeMap;

use jiff::civil::Date;
use serde::Serialize;

use crate::rules::Severity;
use finding::Finding;

#[derive(Debug, Clone, Serialize)]
pub struct Tool {
    pub name: String,
    pub version: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct Summary {
    pub pages: usize,
    pub findings: usize,
    pub by_severity: BTreeMap<String, usize>,
    pub by_kind: BTreeMap<String, usize>,
    /// Of `findings`, those that are records of the past, not to-dos
    /// (`Finding::record`): counted for the annual report.
    pub records: usize,
    /// Findings left out by `[[ignore]]` in audit.toml or `<!-- audit:ignore -->` in a page.
    pub suppressed: usize,
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub suppressed_by_rule: BTreeMap<String, usize>,
    /// Against `--baseline`: findings not in the previous report.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub new: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub persisting: Option<usize>,
    /// Findings of the previous report that are gone.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fixed: Option<usize>,
}

impl Summary {
    /// The number of findings of severity `s`.
    pub fn count(&self, s: Severity) -> usize {
        self.by_severity.get(s.as_str()).copied().unwrap_or(0)
    }
}

/// A site as reports of different runs are matched by: `https://x/` and
/// `https://x` are one site.
pub(crate) fn site_key(site: &str) -> &str {
    let t = site.trim_end_matches('/');
    if t.is_empty() { site } else { t }
}

#[derive(Debug, Clone, Serialize)]
pub struct Report {
    pub tool: Tool,
    pub site: String,
    pub as_of: Date,
    pub summary: Summary,
    pub findings: Vec<Finding>,
    /// The audit stopped before it read the whole site (a limit, an interruption).
    pub incomplete: bool,
    /// What cut the run short: `interrupted` (Ctrl-C, SIGTERM) or `max_time`.
    /// Such a run exits 3 whatever it found.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stopped: Option<String>,
    /// The note that says what stopped the run, for its last line on stderr.
    #[serde(skip)]
    pub stop_note: Option<String>,
    /// The start page's visit over HTTP: its status and time, for availability.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub probe: Option<crate::source::Probe>,
    /// A pack's scorecard (`--pack`): the inspectors' verdict, item by item.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub scorecard: Option<crate::scorecard::Scorecard>,
    /// What the reader should know about how the audit ran.
    pub notes: Vec<String>,
    /// Findings of the `--baseline` report that this run no longer finds.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fixed: Option<Vec<baseline::FixedFinding>>,
    /// Columns under a publication-frequency limit, with their publication dates
    /// of the last twelve months: what the HTML calendar draws.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub columns: Vec<timeline::ColumnTimeline>,
    /// The site directory as given, in directory mode (`Finding.file` is relative to it).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub dir: Option<String>,
}

/// Where a finding stands in the list (see `Report::ordered`), its column's
/// rank given; borrowed, so sorting copies nothing.
#[allow(clippy::type_complexity)]
fn order_key(
    f: &Finding,
    column_rank: usize,
) -> (
    bool,
    bool,
    Severity,
    bool,
    Option<Date>,
    usize,
    &Option<String>,
    &str,
    &str,
    &Option<String>,
    &str,
) {
    (
        !leaks_personal_data(f),
        f.record.is_some(),
        f.severity,
        f.due.is_none(),
        f.due,
        column_rank,
        &f.column,
        &f.url,
        &f.rule,
        &f.target,
        &f.id,
    )
}

/// Leaked personal data is fixed before anything else.
pub(crate) fn leaks_personal_data(f: &Finding) -> bool {
    f.kind == crate::checks::privacy::KIND
}

impl Report {
    pub fn new(site: String, as_of: Date, pages: usize, findings: Vec<Finding>) -> Report {
        Report::ordered(site, as_of, pages, findings, &[])
    }

    /// The report with its findings in the order they should be fixed:
    /// leaked personal data first, records of the past last, then by severity, then by due date (the
    /// soonest first; records without one last), then by the site's own
    /// column order (`columns`, as its home page lists them; others after,
    /// by name), then page.
    pub fn ordered(
        site: String,
        as_of: Date,
        pages: usize,
        mut findings: Vec<Finding>,
        columns: &[String],
    ) -> Report {
        let ranks: std::collections::HashMap<&str, usize> = columns
            .iter()
            .enumerate()
            .map(|(i, c)| (c.as_str(), i))
            .collect();
        let rank = |c: &Option<String>| {
            c.as_deref().map_or(usize::MAX, |c| {
                ranks.get(c).copied().unwrap_or(columns.len())
            })
        };
        findings.sort_by(|a, b| order_key(a, rank(&a.column)).cmp(&order_key(b, rank(&b.column))));
        let mut seen = std::collections::HashSet::new();
        findings.retain(|f| seen.insert(f.id.clone()));
        let mut by_severity: BTreeMap<String, usize> = Severity::ALL
            .iter()
            .map(|s| (s.as_str().to_string(), 0))
            .collect();
        let mut by_kind: BTreeMap<String, usize> = BTreeMap::new();
        for f in &findings {
            *by_severity
                .entry(f.severity.as_str().to_string())
                .or_default() += 1;
            *by_kind.entry(f.kind.clone()).or_default() += 1;
        }
        Report {
            tool: Tool {
                name: env!("CARGO_PKG_NAME").to_string(),
                version: env!("CARGO_PKG_VERSION").to_string(),
            },
            site,
            as_of,
            summary: Summary {
                pages,
                findings: findings.len(),
                by_severity,
                by_kind,
                records: findings.iter().filter(|f| !f.is_todo()).count(),
                suppressed: 0,
                suppressed_by_rule: BTreeMap::new(),
                new: None,
                persisting: None,
                fixed: None,
            },
            findings,
            incomplete: false,
            stopped: None,
            stop_note: None,
            probe: None,
            scorecard: None,
            notes: Vec::new(),
            fixed: None,
            columns: Vec::new(),
            dir: None,
        }
    }

    /// Each finding's 1-based row in the list, by id (ids are unique in a report).
    pub fn row_numbers(&self) -> std::collections::HashMap<&str, usize> {
        self.findings
            .iter()
            .enumerate()
            .map(|(i, f)| (f.id.as_str(), i + 1))
            .collect()
    }

    /// What to fix first (`Labels::fix_first_now`), and the findings behind
    /// a pack's 单项否决 item that fails the site, in the order to fix them.
    pub fn fix_first(&self, l: &labels::Labels) -> Vec<&Finding> {
        let vetoing: std::collections::HashSet<&str> = self
            .scorecard
            .iter()
            .flat_map(|c| &c.items)
            .filter(|i| i.status == crate::scorecard::Status::Veto)
            .flat_map(|i| i.findings.iter().map(String::as_str))
            .collect();
        self.findings
            .iter()
            .filter(|f| l.fix_first_now(f, self.as_of) || vetoing.contains(f.id.as_str()))
            .collect()
    }

    /// Whether any finding that counts for `--fail-on` (`Finding::can_fail`)
    /// is at or above `threshold`.
    pub fn has_at_or_above(&self, threshold: Severity) -> bool {
        self.findings
            .iter()
            .any(|f| f.severity <= threshold && f.can_fail())
    }

    /// The to-dos, in the order to fix them.
    pub fn todos(&self) -> impl Iterator<Item = &Finding> {
        self.findings.iter().filter(|f| f.is_todo())
    }

    /// The records of the past (`Finding::record`), after the to-dos.
    pub fn records(&self) -> impl Iterator<Item = &Finding> {
        self.findings.iter().filter(|f| !f.is_todo())
    }

    /// Whether this report makes the audit exit 1 under `--fail-on`.
    pub fn fails(&self, on: FailOn) -> bool {
        match on {
            FailOn::Error => self.has_at_or_above(Severity::Error),
            FailOn::Warning => self.has_at_or_above(Severity::Warning),
            FailOn::Info => self.has_at_or_above(Severity::Info),
            FailOn::Never => false,
            FailOn::New => self.has_new(),
        }
    }
}

/// `--fail-on` (or `fail_on` in audit.toml): which findings make the audit exit 1.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum FailOn {
    Error,
    Warning,
    Info,
    Never,
    /// Only findings that are not in --baseline.
    New,
}

/// The output formats. Each renders the same correction list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Text,
    Json,
    Csv,
    Xlsx,
    Md,
    Html,
    Sarif,
    /// A pack's verdict only (`--pack national-2019`).
    Scorecard,
}

impl Format {
    /// The file extension used in `--output-dir` (`report.<ext>`).
    pub fn extension(self) -> &'static str {
        match self {
            Format::Text => "txt",
            Format::Json => "json",
            Format::Csv => "csv",
            Format::Xlsx => "xlsx",
            Format::Md => "md",
            Format::Html => "html",
            Format::Sarif => "sarif",
            Format::Scorecard => "scorecard.txt",
        }
    }

    /// Renders `report`; `color` asks the text format for terminal colours.
    pub fn render(
        self,
        report: &Report,
        l: &labels::Labels,
        color: bool,
    ) -> Result<Vec<u8>, String> {
        Ok(match self {
            Format::Text => text::render_styled(report, l, color).into_bytes(),
            Format::Json => json::render(report).into_bytes(),
            Format::Csv => csv::render(report, l)?,
            Format::Xlsx => xlsx::render(report, l)?,
            Format::Md => md::render(report, l).into_bytes(),
            Format::Html => html::render(report, l).into_bytes(),
            Format::Sarif => sarif::render(report, l).into_bytes(),
            Format::Scorecard => text::render_scorecard(report, l)?.into_bytes(),
        })
    }
}

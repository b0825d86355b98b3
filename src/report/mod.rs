//! The correction list: findings ordered, deduplicated and counted, and the
//! renderers that only format it.

pub mod finding;
pub mod json;
pub mod labels;
pub mod text;

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
    /// What the reader should know about how the audit ran.
    pub notes: Vec<String>,
}

impl Report {
    pub fn new(site: String, as_of: Date, pages: usize, mut findings: Vec<Finding>) -> Report {
        // Grouped by column, then page; the most serious first within a page.
        findings.sort_by(|a, b| {
            (
                a.column.is_none(),
                &a.column,
                &a.url,
                a.severity,
                &a.rule,
                &a.target,
                &a.id,
            )
                .cmp(&(
                    b.column.is_none(),
                    &b.column,
                    &b.url,
                    b.severity,
                    &b.rule,
                    &b.target,
                    &b.id,
                ))
        });
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
            },
            findings,
            incomplete: false,
            notes: Vec::new(),
        }
    }

    /// Whether any finding is at or above `threshold`.
    pub fn has_at_or_above(&self, threshold: Severity) -> bool {
        self.findings.iter().any(|f| f.severity <= threshold)
    }
}

//! One problem the editors must fix, as the JSON contract of DESIGN.md names it.

use jiff::civil::Date;
use serde::Serialize;

use crate::extract::record::PageKind;
use crate::rules::Severity;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    /// Stable across runs for the same problem: a hash of rule, page, target and the
    /// check's own key, never of the wording or of numbers that change with the date.
    pub id: String,
    pub rule: String,
    pub kind: String,
    pub severity: Severity,
    /// The page the editor must change.
    pub url: String,
    pub title: Option<String>,
    pub column: Option<String>,
    pub message: String,
    pub evidence: Option<String>,
    pub fix: Option<String>,
    pub due: Option<Date>,
    /// Set when the problem lies in the past and can no longer be corrected
    /// (a document published late, a gap in last year's updates): a record
    /// for the annual report, not a to-do, and without a due date.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub record: Option<Record>,
    /// The bad link, for findings about a link.
    pub target: Option<String>,
    pub page_kind: Option<PageKind>,
    /// `new` or `persisting` against `--baseline`; absent without one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<Status>,
    /// The audit date on which the problem was first seen, from `--history`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub first_seen: Option<Date>,
    /// The local file behind `url`, relative to the site directory (directory mode).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub file: Option<String>,
    /// The 1-based line of `file` that shows the problem, as near as it can be found.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<u32>,
}

/// When a recorded problem happened, and whether that is recent enough for it
/// to still fail `--fail-on` (the rule's `record_window_days`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Record {
    pub occurred: Date,
    pub recent: bool,
}

impl Finding {
    /// Whether the finding is a to-do: anything but a record.
    pub fn is_todo(&self) -> bool {
        self.record.is_none()
    }

    /// Whether the finding counts for `--fail-on`: a to-do, or a recent record.
    pub fn can_fail(&self) -> bool {
        self.record.is_none_or(|r| r.recent)
    }

    /// The page's title as a report shows it: its URL when it has none.
    pub fn shown_title(&self) -> &str {
        shown_title(self.title.as_deref(), &self.url)
    }
}

/// `title`, unless it is missing or empty: then `url`.
pub(crate) fn shown_title<'a>(title: Option<&'a str>, url: &'a str) -> &'a str {
    title.filter(|t| !t.is_empty()).unwrap_or(url)
}

#[cfg(test)]
impl Finding {
    /// A finding with every optional field empty, for tests to fill in what they need.
    pub(crate) fn sample(id: &str) -> Finding {
        Finding {
            id: id.into(),
            rule: "r".into(),
            kind: "k".into(),
            severity: Severity::Error,
            url: format!("http://x/{id}"),
            title: None,
            column: None,
            message: "m".into(),
            evidence: None,
            fix: None,
            due: None,
            record: None,
            target: None,
            page_kind: None,
            status: None,
            first_seen: None,
            file: None,
            line: None,
        }
    }
}

/// A finding compared with the previous run's report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Status {
    New,
    Persisting,
}

/// FNV-1a, 64 bits: stable across Rust versions and platforms, unlike `DefaultHasher`.
fn fnv1a64(parts: &[&str]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for (i, p) in parts.iter().enumerate() {
        if i > 0 {
            h ^= 0xff;
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
        for b in p.bytes() {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
    }
    h
}

/// The stable id of a finding.
pub fn finding_id(rule: &str, url: &str, target: Option<&str>, key: &str) -> String {
    format!("{:016x}", fnv1a64(&[rule, url, target.unwrap_or(""), key]))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_stable_and_distinct() {
        let a = finding_id("news-weekly", "https://x/gzdt/", None, "");
        assert_eq!(a, finding_id("news-weekly", "https://x/gzdt/", None, ""));
        assert_ne!(
            a,
            finding_id("news-weekly", "https://x/gzdt/", Some(""), "k")
        );
        assert_eq!(a.len(), 16);
        // Pinned so that a change of the hash, which would orphan every baseline, is noticed.
        assert_eq!(finding_id("r", "u", None, ""), "cb9f7c931110632f");
    }
}

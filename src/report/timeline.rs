//! The publication history of each column that a `freshness` rule limits, so
//! that a report can draw it: a calendar of the last twelve months in which
//! the stretches past the limit stand out.

use jiff::civil::Date;
use serde::Serialize;

use crate::checks::{Params, days_between};
use crate::rules::RuleSet;
use crate::site::Site;

/// How far back the calendar reaches.
const WINDOW_DAYS: i64 = 365;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ColumnTimeline {
    pub name: String,
    /// The column's list page, when known.
    pub url: Option<String>,
    pub category: String,
    pub rule: String,
    pub max_days: u32,
    /// Publication dates within the window, oldest first (one per item).
    pub dates: Vec<Date>,
    /// The newest publication before the window, so a gap across its start shows.
    pub before: Option<Date>,
}

/// A stretch in which the column went past its limit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Gap {
    /// The last publication before the gap.
    pub start: Date,
    /// The next publication, or the audit date when the column is still waiting.
    pub end: Date,
    pub days: i64,
    /// The first day on which the column was overdue.
    pub overdue_from: Date,
    /// No publication has ended it yet.
    pub open: bool,
}

impl ColumnTimeline {
    /// Gaps longer than `max_days`, oldest first, the open one (up to `as_of`) included.
    pub fn gaps(&self, as_of: Date) -> Vec<Gap> {
        let mut out = Vec::new();
        let mut prev = self.before;
        let points = self.dates.iter().copied().chain(std::iter::once(as_of));
        for (i, d) in points.enumerate() {
            let is_end = i == self.dates.len();
            if let Some(p) = prev {
                let days = days_between(p, d);
                if days > i64::from(self.max_days) {
                    let overdue_from = p
                        .checked_add(jiff::Span::new().days(i64::from(self.max_days) + 1))
                        .unwrap_or(d);
                    out.push(Gap {
                        start: p,
                        end: d,
                        days,
                        overdue_from,
                        open: is_end,
                    });
                }
            }
            if !is_end {
                prev = Some(d);
            }
        }
        out
    }

    /// Whether `day` falls in a stretch past the limit.
    pub fn is_overdue(gaps: &[Gap], day: Date) -> bool {
        gaps.iter()
            .any(|g| day >= g.overdue_from && (day < g.end || (g.open && day == g.end)))
    }
}

/// One entry per (freshness rule, column of its categories), in rule order.
pub fn columns(site: &Site, rules: &RuleSet, as_of: Date) -> Vec<ColumnTimeline> {
    let start = as_of
        .checked_sub(jiff::Span::new().days(WINDOW_DAYS))
        .unwrap_or(as_of);
    let mut out = Vec::new();
    for rule in &rules.rules {
        let Params::Freshness(p) = &rule.params else {
            continue;
        };
        for column in site.columns_in(&rule.categories) {
            let mut dates: Vec<Date> = column
                .dated_until(as_of)
                .iter()
                .filter_map(|i| i.date)
                .collect();
            dates.sort();
            let before = dates.iter().rev().find(|d| **d < start).copied();
            dates.retain(|d| *d >= start);
            let category = column
                .categories
                .iter()
                .find(|c| rule.categories.contains(c))
                .cloned()
                .unwrap_or_default();
            out.push(ColumnTimeline {
                name: column.name.clone(),
                url: column.url.clone(),
                category,
                rule: rule.id.clone(),
                max_days: p.max_days,
                dates,
                before,
            });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Date {
        s.parse().expect("test date")
    }

    fn tl(dates: &[&str], before: Option<&str>) -> ColumnTimeline {
        ColumnTimeline {
            name: "工作动态".into(),
            url: None,
            category: "news".into(),
            rule: "news-weekly".into(),
            max_days: 7,
            dates: dates.iter().map(|s| d(s)).collect(),
            before: before.map(d),
        }
    }

    #[test]
    fn gaps_over_the_limit_only() {
        let t = tl(
            &["2018-12-28", "2019-01-25", "2019-02-01", "2019-02-08"],
            None,
        );
        let gaps = t.gaps(d("2019-02-15"));
        assert_eq!(gaps.len(), 1);
        assert_eq!(
            (gaps[0].start, gaps[0].end, gaps[0].days),
            (d("2018-12-28"), d("2019-01-25"), 28)
        );
        assert_eq!(gaps[0].overdue_from, d("2019-01-05"));
        assert!(ColumnTimeline::is_overdue(&gaps, d("2019-01-05")));
        assert!(!ColumnTimeline::is_overdue(&gaps, d("2019-01-04")));
        assert!(!ColumnTimeline::is_overdue(&gaps, d("2019-01-25")));
    }

    #[test]
    fn open_gap_up_to_the_audit_date_and_across_the_window_start() {
        let t = tl(&["2019-02-25"], Some("2018-02-01"));
        let gaps = t.gaps(d("2019-03-20"));
        assert_eq!(gaps.len(), 2);
        assert_eq!(gaps[0].start, d("2018-02-01"));
        assert_eq!(gaps[1].end, d("2019-03-20"));
        assert_eq!(gaps[1].days, 23);
        assert!(ColumnTimeline::is_overdue(&gaps, d("2019-03-20")));
    }
}

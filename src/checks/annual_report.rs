//! `annual-report`: the government information disclosure annual report
//! (政府信息公开工作年度报告) for year Y must be published by a fixed date of
//! year Y+1, and no year may be missing.
//!
//! The regulation sets the deadline: 31 March up to the 2018 reports, 31
//! January from the 2019 reports on (2019 revision of the 条例). Inspectors
//! look for every year's report in the column; a missing or late report is a
//! finding against the whole site. Which years the site should have: from the
//! earliest report found (or the rule's `first_year`) up to the last year whose
//! deadline has passed on the audit date.
//!
//! Example findings: `2019年度报告于2020-02-10发布,晚于2020-01-31的期限` on the
//! report, and `缺少2017年度的政府信息公开工作年度报告` on the column's list page.

use std::collections::BTreeMap;

use jiff::civil::Date;
use regex::Regex;

use crate::checks::{At, Ctx, Draft, KindSpec, Override, days_between};
use crate::extract::date::normalize_width;
use crate::extract::record::PageKind;
use crate::report::finding::Finding;
use crate::rules::toml_reader::{RuleError, TableReader};
use crate::rules::{Rule, Template, Values, opt_template};

pub const KIND: &str = "annual-report";

const PLACEHOLDERS: &[&str] = &["year", "deadline", "publish_date", "late_days"];
const MISSING_PLACEHOLDERS: &[&str] =
    &["title", "column", "url", "as_of", "due", "year", "deadline"];

pub const SPEC: KindSpec = KindSpec {
    name: KIND,
    placeholders: PLACEHOLDERS,
    needs_category: true,
    doc: "Reads the year of each annual report in the rule's categories from its title \
          (`title_pattern`, a regex with a `year` group) and checks that the report for year Y \
          was published no later than the deadline of year Y+1 given by `deadlines` (a list of \
          {from_year, date = \"MM-DD\"}: the entry with the largest from_year not after Y \
          applies). A year from the earliest report found (or `first_year`) up to the last \
          year whose deadline has passed on the audit date that has no report is reported on \
          the column with `missing_message`. Parameters: title_pattern, deadlines, first_year, \
          missing_message, missing_message_en (without `missing_message`, missing years are not \
          reported). Example findings: 2017年度政府信息公开工作年度报告于\
          2018-04-10发布,晚于2018-03-31的期限10天 (on the report); 栏目「政府信息公开年报」缺少\
          2016年度政府信息公开工作年度报告 (on the column's list page).",
};

/// From the reports for `from_year` on, the report is due on `month`-`day` of the next year.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Deadline {
    pub from_year: i16,
    pub month: i8,
    pub day: i8,
}

#[derive(Debug, Clone)]
pub struct Params {
    pub title_pattern: Regex,
    /// Sorted by `from_year`.
    pub deadlines: Vec<Deadline>,
    pub first_year: Option<i16>,
    pub missing_message: Option<Template>,
    pub missing_message_en: Option<Template>,
}

impl Params {
    /// The deadline of the report for `year`, if the rules give one.
    pub fn deadline(&self, year: i16) -> Option<Date> {
        let d = self.deadlines.iter().rev().find(|d| d.from_year <= year)?;
        Date::new(year.checked_add(1)?, d.month, d.day).ok()
    }
}

fn year_of(t: &TableReader<'_, '_>, key: &str, n: toml::Spanned<u32>) -> Result<i16, RuleError> {
    match i16::try_from(n.clone().into_inner()) {
        Ok(y) if (1900..=2200).contains(&y) => Ok(y),
        _ => Err(t.error_at(
            &n.span(),
            format!("`{key}` must be a year such as 2019, not {}", n.get_ref()),
        )),
    }
}

pub fn params(t: &mut TableReader<'_, '_>) -> Result<Params, RuleError> {
    let title_pattern = t
        .regex("title_pattern", &["year"])?
        .ok_or_else(|| t.missing("title_pattern"))?;
    let mut deadlines = Vec::new();
    let ctx = t.context.clone();
    for mut d in t.tables("deadlines")? {
        d.set_context(format!("a `deadlines` entry of {ctx}"));
        let from = d
            .count("from_year")?
            .ok_or_else(|| d.missing("from_year"))?;
        let from_year = year_of(&d, "from_year", from)?;
        let date = d.req_string("date")?;
        let md = date
            .get_ref()
            .split_once('-')
            .and_then(|(m, dd)| Some((m.trim().parse::<i8>().ok()?, dd.trim().parse::<i8>().ok()?)))
            .filter(|&(m, dd)| Date::new(2001, m, dd).is_ok());
        let Some((month, day)) = md else {
            return Err(d.error_at(
                &date.span(),
                format!(
                    "`date` of {} must be a month and day such as \"03-31\", not \"{}\"",
                    d.context,
                    date.get_ref()
                ),
            ));
        };
        d.finish()?;
        deadlines.push(Deadline {
            from_year,
            month,
            day,
        });
    }
    if deadlines.is_empty() {
        return Err(t.missing("deadlines"));
    }
    deadlines.sort_by_key(|d| d.from_year);
    let first_year = match t.count("first_year")? {
        Some(n) => Some(year_of(t, "first_year", n)?),
        None => None,
    };
    let missing_message = opt_template(t, "missing_message", MISSING_PLACEHOLDERS)?;
    let missing_message_en = opt_template(t, "missing_message_en", MISSING_PLACEHOLDERS)?;
    Ok(Params {
        title_pattern,
        deadlines,
        first_year,
        missing_message,
        missing_message_en,
    })
}

/// One annual report the site shows.
#[derive(Debug, Clone)]
struct Report {
    year: i16,
    url: String,
    title: String,
    date: Option<Date>,
    column: Option<String>,
}

fn report_year(p: &Params, title: &str) -> Option<i16> {
    let c = p.title_pattern.captures(title.trim())?;
    let y = c.name("year")?.as_str();
    // Full-width digits are common in titles.
    normalize_width(y).parse().ok()
}

/// Every report in the rule's categories, by URL: column items and article pages.
fn reports(ctx: &Ctx<'_>, rule: &Rule, p: &Params) -> Vec<Report> {
    let mut by_url: BTreeMap<String, Report> = BTreeMap::new();
    for col in ctx.site.columns_in(&rule.categories) {
        for it in &col.items {
            if let Some(year) = report_year(p, &it.title) {
                by_url.entry(it.url.clone()).or_insert(Report {
                    year,
                    url: it.url.clone(),
                    title: it.title.clone(),
                    date: it.date,
                    column: Some(col.name.clone()),
                });
            }
        }
    }
    for page in ctx.site.pages_in(&rule.categories) {
        if page.kind != PageKind::Article || page.error.is_some() {
            continue;
        }
        let Some(year) = report_year(p, &page.title) else {
            continue;
        };
        let r = by_url.entry(page.url.clone()).or_insert(Report {
            year,
            url: page.url.clone(),
            title: page.title.clone(),
            date: None,
            column: page.column.clone(),
        });
        // The page's own publish date beats the date a list shows.
        if page.publish_date.is_some() {
            r.date = page.publish_date;
        }
    }
    by_url.into_values().collect()
}

/// Where a missing report is reported: the category's column with reports, else any of its columns.
fn column_at(ctx: &Ctx<'_>, rule: &Rule, found: &[Report]) -> Option<At> {
    let cols: Vec<_> = ctx.site.columns_in(&rule.categories).collect();
    let with_reports = cols.iter().find(|c| {
        c.url.is_some()
            && found
                .iter()
                .any(|r| r.column.as_deref() == Some(c.name.as_str()))
    });
    let col = with_reports.or_else(|| cols.iter().find(|c| c.url.is_some()))?;
    Some(At {
        url: col.url.clone()?,
        title: Some(col.name.clone()),
        column: Some(col.name.clone()),
        page_kind: Some(PageKind::List),
    })
}

pub fn check(ctx: &Ctx<'_>, rule: &Rule, p: &Params, out: &mut Vec<Finding>) {
    let found = reports(ctx, rule, p);
    // Only reports for years that have ended count; a title naming a future year is not a report.
    let this_year = ctx.as_of.year();
    // A report dated after the audit date had not been published then (audits of the past).
    let found: Vec<Report> = found
        .into_iter()
        .filter(|r| r.year < this_year && r.date.is_none_or(|d| d <= ctx.as_of))
        .collect();

    let mut earliest_per_year: BTreeMap<i16, &Report> = BTreeMap::new();
    for r in &found {
        let e = earliest_per_year.entry(r.year).or_insert(r);
        if r.date.is_some() && (e.date.is_none() || r.date < e.date) {
            *e = r;
        }
    }

    for (&year, r) in &earliest_per_year {
        let (Some(date), Some(deadline)) = (r.date, p.deadline(year)) else {
            continue;
        };
        if date <= deadline {
            continue;
        }
        let mut values = Values::new();
        values.insert("year", year.to_string());
        values.insert("deadline", deadline.to_string());
        values.insert("publish_date", date.to_string());
        values.insert("late_days", days_between(deadline, date).to_string());
        let page = ctx.site.get(&r.url);
        let at = match page {
            Some(pg) => At::page(pg),
            None => At {
                url: r.url.clone(),
                title: Some(r.title.clone()),
                column: r.column.clone(),
                page_kind: Some(PageKind::Article),
            },
        };
        // A late report cannot be made timely; there is nothing to do by a date.
        out.push(ctx.finding_as(
            rule,
            Draft {
                at,
                key: format!("late:{year}"),
                evidence: Some(format!("{date} 《{}》", r.title)),
                target: None,
                values,
            },
            &rule.message,
            rule.message_en.as_ref(),
            Override {
                record: Some(date),
                ..Override::default()
            },
        ));
    }

    let Some(missing_message) = &p.missing_message else {
        return;
    };
    let Some(first) = p
        .first_year
        .or_else(|| earliest_per_year.keys().next().copied())
    else {
        return;
    };
    // The last year whose deadline has passed on the audit date.
    // Years before the first configured regulation have no deadline and are not expected.
    let mut last = None;
    for y in first..this_year {
        match p.deadline(y) {
            Some(d) if d < ctx.as_of => last = Some(y),
            Some(_) => break,
            None => {}
        }
    }
    let Some(last) = last else {
        return;
    };
    let Some(at_col) = column_at(ctx, rule, &found) else {
        return;
    };
    let present: Vec<String> = earliest_per_year.keys().map(|y| y.to_string()).collect();
    for year in first..=last {
        if earliest_per_year.contains_key(&year) || p.deadline(year).is_none() {
            continue;
        }
        let mut values = Values::new();
        values.insert("year", year.to_string());
        if let Some(d) = p.deadline(year) {
            values.insert("deadline", d.to_string());
        }
        let at = At {
            url: at_col.url.clone(),
            title: at_col.title.clone(),
            column: at_col.column.clone(),
            page_kind: at_col.page_kind,
        };
        out.push(ctx.finding_with(
            rule,
            Draft {
                at,
                key: format!("missing:{year}"),
                evidence: (!present.is_empty()).then(|| present.join(", ")),
                target: None,
                values,
            },
            missing_message,
            p.missing_message_en.as_ref(),
        ));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn params() -> Params {
        Params {
            title_pattern: Regex::new(r"(?P<year>\d{4})年.*政府信息公开.*报告").unwrap(),
            deadlines: vec![
                Deadline {
                    from_year: 2008,
                    month: 3,
                    day: 31,
                },
                Deadline {
                    from_year: 2019,
                    month: 1,
                    day: 31,
                },
            ],
            first_year: None,
            missing_message: None,
            missing_message_en: None,
        }
    }

    #[test]
    fn deadline_follows_the_regulation_in_force() {
        let p = params();
        assert_eq!(p.deadline(2018), Some(Date::new(2019, 3, 31).unwrap()));
        assert_eq!(p.deadline(2019), Some(Date::new(2020, 1, 31).unwrap()));
        assert_eq!(p.deadline(2007), None);
    }

    #[test]
    fn year_from_title() {
        let p = params();
        assert_eq!(
            report_year(&p, "２０１８年云溪街道政府信息公开工作年度报告"),
            Some(2018)
        );
        assert_eq!(report_year(&p, "关于报送年度报告的通知"), None);
    }
}

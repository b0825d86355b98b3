//! `freshness`: a column must publish a new item at least every `max_days`.
//!
//! Disclosure rules promise that 动态信息 appear at least weekly and 图片新闻 at
//! least every two weeks; an inspector opening a column whose newest item is a
//! month old marks the whole site down. Besides the newest item, every gap
//! between consecutive items within `lookback_days` is reported (with
//! `gap_message`), so an editor sees when the column fell behind.
//!
//! Example finding: `栏目「图片新闻」已23天未更新,超过14天的要求` on the column's
//! list page, evidence `2019-02-25 《…》`.

use crate::checks::{At, Ctx, Draft, KindSpec, Override, days_between};
use crate::report::finding::Finding;
use crate::rules::toml_reader::{RuleError, TableReader};
use crate::rules::{Rule, Severity, Template, Values, opt_template};
use crate::site::Column;

pub const KIND: &str = "freshness";

const PLACEHOLDERS: &[&str] = &["max_days", "age_days", "last_date", "last_title"];
const GAP_PLACEHOLDERS: &[&str] = &["max_days", "gap_days", "gap_start", "gap_end"];

pub const SPEC: crate::checks::KindSpec = KindSpec {
    name: KIND,
    placeholders: PLACEHOLDERS,
    needs_category: false,
    doc: "Checks that each column of the rule's categories has an item no older than \
          `max_days` on the audit date, and (with `lookback_days`) that no two consecutive \
          items in that window are more than `max_days` apart. With `scope = \"home\"` it \
          checks the site's home page instead (the start page): the newest dated item it shows \
          or links to (网站不更新); `scope = \"home-undated\"` reports a home page with no \
          dated item to judge by. Such rules need no category. `top_level = true` judges \
          only 一级栏目, the columns whose list page the home page links to. Parameters: max_days, scope (columns | home), \
          lookback_days, gap_message, gap_message_en, gap_severity.",
};

/// What a freshness rule judges.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// The columns of the rule's categories.
    Columns,
    /// The home page's newest dated item (网站不更新).
    Home,
    /// A home page with no dated item to judge by.
    HomeUndated,
}

#[derive(Debug, Clone)]
pub struct Params {
    pub max_days: u32,
    /// What is judged: columns, or the home page.
    pub scope: Scope,
    /// Only 一级栏目: columns whose list page the home page links to.
    pub top_level: bool,
    pub lookback_days: Option<u32>,
    pub gap_message: Option<Template>,
    pub gap_message_en: Option<Template>,
    pub gap_severity: Option<Severity>,
}

pub fn params(t: &mut TableReader<'_, '_>) -> Result<Params, RuleError> {
    let max_days = t
        .count("max_days")?
        .ok_or_else(|| t.missing("max_days"))?
        .into_inner();
    let scope = match t.string("scope")? {
        None => Scope::Columns,
        Some(s) => match s.get_ref().as_str() {
            "columns" => Scope::Columns,
            "home" => Scope::Home,
            "home-undated" => Scope::HomeUndated,
            other => {
                return Err(t.error_at(
                    &s.span(),
                    format!(
                        "`scope` of {} must be \"columns\", \"home\" or \"home-undated\", not \"{other}\"",
                        t.context
                    ),
                ));
            }
        },
    };
    let top_level = t.boolean("top_level")?.unwrap_or(false);
    let lookback_days = t.count("lookback_days")?.map(|s| s.into_inner());
    let gap_message = opt_template(t, "gap_message", GAP_PLACEHOLDERS)?;
    let gap_message_en = opt_template(t, "gap_message_en", GAP_PLACEHOLDERS)?;
    let gap_severity = match t.string("gap_severity")? {
        None => None,
        Some(s) => Some(Severity::parse(s.get_ref()).ok_or_else(|| {
            t.error_at(
                &s.span(),
                format!(
                    "`gap_severity` must be error, warning or info, not \"{}\"",
                    s.get_ref()
                ),
            )
        })?),
    };
    if lookback_days.is_some() != gap_message.is_some() {
        return Err(t.error_at(
            &t.span.clone(),
            format!(
                "{} needs both `lookback_days` and `gap_message` to report gaps, or neither",
                t.context
            ),
        ));
    }
    Ok(Params {
        max_days,
        scope,
        top_level,
        lookback_days,
        gap_message,
        gap_message_en,
        gap_severity,
    })
}

fn at_column(c: &Column, newest_url: &str) -> At {
    At {
        url: c.url.clone().unwrap_or_else(|| newest_url.to_string()),
        title: Some(c.name.clone()),
        column: Some(c.name.clone()),
        page_kind: Some(if c.url.is_some() {
            crate::extract::record::PageKind::List
        } else {
            crate::extract::record::PageKind::Article
        }),
    }
}

/// 网站不更新: the newest dated item the home page shows or links to, up to
/// the audit date, is older than `max_days`. With `scope = "home-undated"`:
/// the home page shows or links to no dated item at all, so it cannot be judged.
fn home(ctx: &Ctx<'_>, rule: &Rule, p: &Params, out: &mut Vec<Finding>) {
    let site = ctx.site;
    let Some(page) = site.home() else {
        return;
    };
    // Dates the home page shows itself (its list items), and those of the
    // pages it links to (live URLs of a site repo, `/tzgg` as `/tzgg/`).
    let shown = page
        .items
        .iter()
        .filter_map(|i| i.date.map(|d| (d, i.title.as_str())));
    let linked = page
        .links
        .iter()
        .filter_map(|l| site.resolve_link(l))
        .filter_map(|r| r.publish_date.map(|d| (d, r.title.as_str())));
    let newest = shown
        .chain(linked)
        .filter(|(d, _)| *d <= ctx.as_of)
        .max_by(|a, b| a.0.cmp(&b.0));
    match (p.scope, newest) {
        (Scope::HomeUndated, None) => {
            let mut values = Values::new();
            values.insert("max_days", p.max_days.to_string());
            out.push(ctx.finding(
                rule,
                Draft {
                    at: At::page(page),
                    key: "home-undated".into(),
                    evidence: None,
                    target: None,
                    values,
                },
            ));
        }
        (Scope::Home, Some((date, title))) => {
            out.extend(stale(ctx, rule, p, At::page(page), "home", date, title));
        }
        _ => {}
    }
}

/// The finding when the newest item, dated `date`, is older than `max_days`.
fn stale(
    ctx: &Ctx<'_>,
    rule: &Rule,
    p: &Params,
    at: At,
    key: &str,
    date: jiff::civil::Date,
    title: &str,
) -> Option<Finding> {
    let age = days_between(date, ctx.as_of);
    if age <= i64::from(p.max_days) {
        return None;
    }
    let mut values = Values::new();
    values.insert("max_days", p.max_days.to_string());
    values.insert("age_days", age.to_string());
    values.insert("last_date", date.to_string());
    values.insert("last_title", title.to_string());
    Some(ctx.finding(
        rule,
        Draft {
            at,
            key: key.to_string(),
            evidence: Some(format!("{date} 《{title}》")),
            target: None,
            values,
        },
    ))
}

pub fn check(ctx: &Ctx<'_>, rule: &Rule, p: &Params, out: &mut Vec<Finding>) {
    if p.scope != Scope::Columns {
        return home(ctx, rule, p, out);
    }
    // 一级栏目: the list pages the home page links to (`/tzgg` as `/tzgg/`).
    let top: Option<std::collections::HashSet<&str>> = p.top_level.then(|| {
        let site = ctx.site;
        site.home()
            .map(|h| h.links.as_slice())
            .unwrap_or_default()
            .iter()
            .filter_map(|l| site.resolve_link(l).map(|r| r.url.as_str()))
            .collect()
    });
    // A column whose list could not be read has unknown items: the
    // articles found elsewhere need not include its newest one.
    for column in ctx
        .site
        .columns_in(&rule.categories)
        .filter(|c| c.unread_list.is_none())
        .filter(|c| {
            top.as_ref()
                .is_none_or(|t| c.url.as_deref().is_some_and(|u| t.contains(u)))
        })
    {
        let items = column.dated_until(ctx.as_of);
        // A column with no dated item is for `empty-column`; freshness cannot judge it.
        let Some(newest) = items.first() else {
            continue;
        };
        let Some(newest_date) = newest.date else {
            continue;
        };
        let at = at_column(column, &newest.url);
        out.extend(stale(ctx, rule, p, at, "", newest_date, &newest.title));
        let (Some(lookback), Some(gap_message)) = (p.lookback_days, &p.gap_message) else {
            continue;
        };
        let window_start = ctx
            .as_of
            .checked_sub(jiff::Span::new().days(i64::from(lookback)))
            .unwrap_or(ctx.as_of);
        // Oldest first; each pair (older, newer) whose newer end lies in the window.
        for pair in items.windows(2) {
            let (newer, older) = (pair[0], pair[1]);
            let (Some(nd), Some(od)) = (newer.date, older.date) else {
                continue;
            };
            if nd < window_start {
                break;
            }
            let gap = days_between(od, nd);
            if gap <= i64::from(p.max_days) {
                continue;
            }
            let mut values = Values::new();
            values.insert("max_days", p.max_days.to_string());
            values.insert("gap_days", gap.to_string());
            values.insert("gap_start", od.to_string());
            values.insert("gap_end", nd.to_string());
            out.push(ctx.finding_as(
                rule,
                Draft {
                    at: at_column(column, &newest.url),
                    key: format!("gap:{od}"),
                    evidence: Some(format!(
                        "{od} 《{}》 → {nd} 《{}》",
                        older.title, newer.title
                    )),
                    target: None,
                    values,
                },
                gap_message,
                p.gap_message_en.as_ref(),
                // Past gaps cannot be fixed by a date, only explained.
                Override {
                    severity: p.gap_severity,
                    record: Some(nd),
                    no_fix: true,
                },
            ));
        }
    }
}

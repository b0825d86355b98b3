//! `empty-column`: a column list page that lists nothing.
//!
//! An empty column (`暂无信息`) tells an inspector that a disclosure
//! obligation is not being met, and tells a visitor the site is abandoned. A
//! page counts as an empty column when it lists no item and shows a
//! placeholder line instead. A list page whose list cannot be read (cut,
//! empty markup, filled in by a script) is not known to be empty: the
//! column's items are unknown, and the run's notes say so.
//!
//! Example finding: `栏目「人事信息」没有任何信息`, evidence `暂无信息`.

use std::collections::HashSet;

use regex::Regex;

use crate::checks::{At, Ctx, Draft, KindSpec};
use crate::extract::record::{ListShows, PageKind, PageRecord};
use crate::report::finding::Finding;
use crate::rules::toml_reader::{RuleError, TableReader};
use crate::rules::{Rule, Values};
use crate::site::Site;

pub const KIND: &str = "empty-column";

pub const SPEC: KindSpec = KindSpec {
    name: KIND,
    placeholders: &[],
    needs_category: false,
    doc: "Reports column list pages that show only a placeholder (暂无信息; extraction's \
          `empty_list_patterns`) instead of items. A list that could not be read (cut, empty \
          markup, loaded by a script) is unknown, not empty, and is not reported. With \
          `placeholder_patterns`, other column pages (a list page, a page the home page links \
          to) whose text shows such a line are reported too. A rule with categories only \
          looks at columns of those categories. Parameters: placeholder_patterns (optional).",
};

#[derive(Debug, Clone)]
pub struct Params {
    /// Regexes matched against each trimmed line of a column page's text,
    /// besides the placeholder extraction recognised.
    pub placeholder_patterns: Vec<Regex>,
}

pub fn params(t: &mut TableReader<'_, '_>) -> Result<Params, RuleError> {
    let placeholder_patterns = t.regexes("placeholder_patterns", &[])?.unwrap_or_default();
    Ok(Params {
        placeholder_patterns,
    })
}

/// The placeholder line a page shows instead of a list, if any.
fn placeholder_line(page: &PageRecord, p: &Params) -> Option<String> {
    if p.placeholder_patterns.is_empty() {
        return None;
    }
    page.text
        .lines()
        .map(str::trim)
        .find(|l| p.placeholder_patterns.iter().any(|re| re.is_match(l)))
        .map(str::to_string)
}

/// The URLs of the site's known columns, gathered once per check rather than
/// scanned for every page.
struct KnownColumns<'a> {
    home_links: HashSet<&'a str>,
    pages: HashSet<&'a str>,
}

impl<'a> KnownColumns<'a> {
    fn of(site: &'a Site) -> Self {
        let home_links = site
            .records
            .iter()
            .filter(|r| r.kind == PageKind::Home)
            .flat_map(|r| r.links.iter().map(String::as_str))
            .collect();
        let pages = site
            .columns
            .iter()
            .filter_map(|c| c.url.as_deref())
            .collect();
        KnownColumns { home_links, pages }
    }
}

/// Whether a page stands for a column: a list page, a page naming its column,
/// a known column's page, or a page the home page links to. A search result
/// (`没有找到相关信息`) reached by a stray link is none of these.
fn is_column_page(page: &PageRecord, known: &KnownColumns<'_>) -> bool {
    page.kind == PageKind::List
        || page.column.as_deref().is_some_and(|c| !c.trim().is_empty())
        || known.home_links.contains(page.url.as_str())
        || known.pages.contains(page.url.as_str())
}

pub fn check(ctx: &Ctx<'_>, rule: &Rule, p: &Params, out: &mut Vec<Finding>) {
    let site = ctx.site;
    let known = KnownColumns::of(site);
    for page in site.pages_in(&rule.categories) {
        if !matches!(page.kind, PageKind::List | PageKind::Other)
            || page.error.is_some()
            || !page.items.is_empty()
        {
            continue;
        }
        let evidence = match &page.list_shows {
            ListShows::Placeholder(line) if page.kind == PageKind::List => line.clone(),
            // A list that could not be read is unknown, not empty.
            ListShows::Unread(_) => continue,
            _ if is_column_page(page, &known) => match placeholder_line(page, p) {
                Some(line) => line,
                None => continue,
            },
            _ => continue,
        };
        let name = page
            .column
            .clone()
            .filter(|c| !c.trim().is_empty())
            .unwrap_or_else(|| page.title.clone());
        let mut at = At::page(page);
        at.column = Some(name.clone()).filter(|n| !n.is_empty());
        let mut values = Values::new();
        values.insert("column", name);
        out.push(ctx.finding(
            rule,
            Draft {
                at,
                key: String::new(),
                evidence: Some(evidence),
                target: None,
                values,
            },
        ));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholder_lines_match_whole_lines() {
        let p = Params {
            placeholder_patterns: vec![
                Regex::new("^暂无(相关)?(信息|内容|数据)[。！!]?$").unwrap(),
            ],
        };
        let mut page = PageRecord {
            text: "首页\n人事信息\n 暂无信息 \n版权所有".into(),
            ..Default::default()
        };
        assert_eq!(placeholder_line(&page, &p).as_deref(), Some("暂无信息"));
        page.text = "目前暂无信息公开申请需要处理的情况说明".into();
        assert_eq!(placeholder_line(&page, &p), None);
    }
}

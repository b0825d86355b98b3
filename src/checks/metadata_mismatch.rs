//! `metadata-mismatch`: a page's meta tags say something else than the page
//! shows.
//!
//! The national site-monitoring systems read the government meta tags
//! (`PubDate`, `ArticleTitle`, `ContentSource`, `ColumnName`), readers read
//! the page. When a CMS keeps a stale `PubDate` or an old `ArticleTitle`,
//! the monitors see an article months older than it is, or under another
//! name, and count the site's updates wrongly. The checks use what the page
//! shows; this kind reports the disagreement with both values and where
//! each came from. Only a visible value is compared: a field read from the
//! meta tag itself has nothing to disagree with. Dates agree within
//! `max_days`; texts agree when one holds the other (a title with the site's
//! name after it, a breadcrumb's `首页 > … > 工作动态`).
//!
//! Example finding: `「关于…的通知」的PubDate标签是2018-11-02，页面显示的发布日期是2019-03-14，相差132天`,
//! evidence `<meta name="PubDate" content="2018-11-02 09:00"> / 发布日期：2019-03-14`.

use crate::checks::{At, Ctx, Draft, KindSpec, days_between, read_page_kinds};
use crate::extract::date::{find_dates, parse_date};
use crate::extract::record::{Origin, PageKind, PageRecord};
use crate::report::finding::Finding;
use crate::rules::toml_reader::{RuleError, TableReader};
use crate::rules::{Rule, Values};

pub const KIND: &str = "metadata-mismatch";

pub const SPEC: KindSpec = KindSpec {
    name: KIND,
    placeholders: &["field", "meta_name", "meta_value", "shown_value", "days"],
    needs_category: false,
    doc: "Reports pages of `page_kinds` whose meta tag for `field` (publish_date: PubDate…, \
          title: ArticleTitle, source: ContentSource, column: ColumnName; the names are the \
          `*_meta` lists of [extract]) disagrees with the value the page shows: dates more \
          than `max_days` apart, texts neither of which contains the other. Parameters: field, \
          max_days (publish_date only), page_kinds.",
};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    PublishDate,
    Title,
    Source,
    Column,
}

impl Field {
    fn parse(s: &str) -> Option<Field> {
        Some(match s {
            "publish_date" => Field::PublishDate,
            "title" => Field::Title,
            "source" => Field::Source,
            "column" => Field::Column,
            _ => return None,
        })
    }

    fn name(self) -> &'static str {
        match self {
            Field::PublishDate => "publish_date",
            Field::Title => "title",
            Field::Source => "source",
            Field::Column => "column",
        }
    }
}

#[derive(Debug, Clone)]
pub struct Params {
    pub field: Field,
    pub max_days: u32,
    pub page_kinds: Vec<PageKind>,
}

pub fn params(t: &mut TableReader<'_, '_>) -> Result<Params, RuleError> {
    let f = t.req_string("field")?;
    let field = Field::parse(f.get_ref()).ok_or_else(|| {
        t.error_at(
            &f.span(),
            format!(
                "`field` of {} must be publish_date, title, source or column, not \"{}\"",
                t.context,
                f.get_ref()
            ),
        )
    })?;
    let max_days = t.count("max_days")?.map(|n| n.into_inner());
    if max_days.is_some() && field != Field::PublishDate {
        return Err(t.error_at(
            &f.span(),
            format!(
                "`max_days` of {} applies to field = \"publish_date\" only",
                t.context
            ),
        ));
    }
    let page_kinds = read_page_kinds(t)?;
    Ok(Params {
        field,
        max_days: max_days.unwrap_or(0),
        page_kinds,
    })
}

/// Text compared without spaces and case: `工作 动态` is `工作动态`.
fn squeeze(s: &str) -> String {
    s.chars()
        .filter(|c| !c.is_whitespace())
        .flat_map(char::to_lowercase)
        .collect()
}

/// One holds the other: a title with the site's name after it, a source
/// with its parent office before it.
fn texts_agree(meta: &str, shown: &str) -> bool {
    let (m, s) = (squeeze(meta), squeeze(shown));
    m.is_empty() || s.is_empty() || m.contains(&s) || s.contains(&m)
}

/// A date a meta tag holds: `2019-03-14 09:30:00`, `2019年03月14日`.
fn meta_date(v: &str) -> Option<jiff::civil::Date> {
    parse_date(v).or_else(|| find_dates(v).first().map(|m| m.date))
}

/// The meta tag of `names` the page carries, with a value.
fn meta_of<'p>(page: &'p PageRecord, names: &[String]) -> Option<(&'p str, &'p str)> {
    names.iter().find_map(|n| {
        page.meta
            .iter()
            .find(|(k, v)| k.eq_ignore_ascii_case(n) && !v.trim().is_empty())
            .map(|(k, v)| (k.as_str(), v.as_str()))
    })
}

/// What a page shows for the field, where it came from, and the meta tag's
/// value, when they disagree: (meta name, meta value, shown value, quoted
/// shown text, days apart).
fn mismatch<'p>(
    page: &'p PageRecord,
    p: &Params,
    names: &[String],
) -> Option<(&'p str, &'p str, String, String, Option<i64>)> {
    let (origin, shown) = match p.field {
        Field::PublishDate => (
            page.origins.publish_date,
            page.publish_date.map(|d| d.to_string()),
        ),
        Field::Title => (page.origins.title, Some(page.title.clone())),
        Field::Source => (page.origins.source, page.source.clone()),
        Field::Column => (page.origins.column, page.column.clone()),
    };
    // A value read from the meta tag, or none at all, has nothing to disagree with.
    if !origin.is_visible() || origin == Origin::None {
        return None;
    }
    let shown = shown.filter(|s| !s.trim().is_empty())?;
    let (name, value) = meta_of(page, names)?;
    let quote = |key: &str| {
        page.snippets
            .get(key)
            .cloned()
            .unwrap_or_else(|| shown.clone())
    };
    match p.field {
        Field::PublishDate => {
            let (m, s) = (meta_date(value)?, page.publish_date?);
            let days = days_between(m, s);
            (days.abs() > i64::from(p.max_days)).then(|| {
                (
                    name,
                    value,
                    shown.clone(),
                    quote("publish_date"),
                    Some(days.abs()),
                )
            })
        }
        Field::Title => {
            (!texts_agree(value, &shown)).then(|| (name, value, shown.clone(), shown.clone(), None))
        }
        Field::Source => (!texts_agree(value, &shown))
            .then(|| (name, value, shown.clone(), quote("source"), None)),
        Field::Column => {
            // Any entry of the breadcrumb may be the column the tag names.
            let trail = page
                .snippets
                .get("breadcrumb")
                .map_or(shown.as_str(), String::as_str);
            let agrees = texts_agree(value, &shown)
                || trail
                    .split(" > ")
                    .any(|c| texts_agree(value, c) && !c.trim().is_empty());
            (!agrees).then(|| (name, value, shown.clone(), trail.to_string(), None))
        }
    }
}

pub fn check(ctx: &Ctx<'_>, rule: &Rule, p: &Params, out: &mut Vec<Finding>) {
    let x = &ctx.rules.extract;
    let names = match p.field {
        Field::PublishDate => &x.publish_date_meta,
        Field::Title => &x.title_meta,
        Field::Source => &x.source_meta,
        Field::Column => &x.column_meta,
    };
    for page in ctx.site.pages_in(&rule.categories) {
        if !p.page_kinds.contains(&page.kind) || page.error.is_some() {
            continue;
        }
        let Some((name, value, shown, quoted, days)) = mismatch(page, p, names) else {
            continue;
        };
        let mut values = Values::new();
        values.insert("field", p.field.name().to_string());
        values.insert("meta_name", name.to_string());
        values.insert("meta_value", value.to_string());
        values.insert("shown_value", shown);
        values.insert("days", days.map(|d| d.to_string()).unwrap_or_default());
        out.push(ctx.finding(
            rule,
            Draft {
                at: At::page(page),
                key: p.field.name().to_string(),
                evidence: Some(format!(
                    "<meta name=\"{name}\" content=\"{value}\"> / {quoted}"
                )),
                target: None,
                values,
            },
        ));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    fn page() -> PageRecord {
        let mut p = PageRecord {
            title: "关于做好防汛工作的通知".into(),
            publish_date: Some(date(2019, 3, 14)),
            source: Some("区水利局".into()),
            column: Some("通知公告".into()),
            ..Default::default()
        };
        p.origins.title = Origin::Heading;
        p.origins.publish_date = Origin::Label;
        p.origins.source = Origin::Label;
        p.origins.column = Origin::Breadcrumb;
        p.snippets
            .insert("breadcrumb".into(), "首页 > 政务公开 > 通知公告".into());
        p
    }

    fn params(field: Field, max_days: u32) -> Params {
        Params {
            field,
            max_days,
            page_kinds: vec![PageKind::Article],
        }
    }

    fn names(n: &str) -> Vec<String> {
        vec![n.to_string()]
    }

    #[test]
    fn dates_far_apart_disagree_and_near_ones_agree() {
        let mut p = page();
        p.meta.insert("PubDate".into(), "2018-11-02 09:00".into());
        let m = mismatch(&p, &params(Field::PublishDate, 1), &names("PubDate")).unwrap();
        assert_eq!(m.4, Some(132));
        // The same day in another format, and the next day, agree.
        for v in ["2019年03月14日 10:12", "2019/3/15"] {
            p.meta.insert("PubDate".into(), v.into());
            assert!(mismatch(&p, &params(Field::PublishDate, 1), &names("PubDate")).is_none());
        }
        // A date read from the tag itself is not compared with the tag.
        p.meta.insert("PubDate".into(), "2018-11-02".into());
        p.origins.publish_date = Origin::Meta;
        assert!(mismatch(&p, &params(Field::PublishDate, 1), &names("PubDate")).is_none());
    }

    #[test]
    fn texts_agree_with_a_suffix_or_a_breadcrumb() {
        let mut p = page();
        p.meta.insert(
            "ArticleTitle".into(),
            "关于做好防汛工作的通知_青山区人民政府".into(),
        );
        assert!(mismatch(&p, &params(Field::Title, 0), &names("ArticleTitle")).is_none());
        p.meta
            .insert("ArticleTitle".into(), "关于做好抗旱工作的通知".into());
        assert!(mismatch(&p, &params(Field::Title, 0), &names("ArticleTitle")).is_some());
        p.meta.insert("ColumnName".into(), "政务公开".into());
        assert!(mismatch(&p, &params(Field::Column, 0), &names("ColumnName")).is_none());
        p.meta.insert("ColumnName".into(), "人事信息".into());
        assert!(mismatch(&p, &params(Field::Column, 0), &names("ColumnName")).is_some());
        p.meta
            .insert("ContentSource".into(), "区水利局办公室".into());
        assert!(mismatch(&p, &params(Field::Source, 0), &names("ContentSource")).is_none());
    }
}

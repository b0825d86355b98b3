//! Items of a column list page: a link and a date in one row (`<li>`, `<tr>`,
//! `<dd>`, or a `<div>`/`<p>` row). The date comes from the row's text outside
//! the link, else from the link's URL (`t20190313_1203.html`,
//! `/art/2026/9/16/art_…html`).

use std::collections::HashSet;

use jiff::civil::Date;
use scraper::{ElementRef, Html, Selector};
use url::Url;

use super::config::ExtractConfig;
use super::date::find_dates;
use super::record::ListItem;
use super::text::inline;
use crate::source::urls::resolve_canonical;

const ROWS: &[&str] = &["li", "tr", "dd", "dt", "p", "div", "td", "span"];

/// A date read from a URL by the configured patterns.
pub fn date_from_url(url: &str, cfg: &ExtractConfig) -> Option<Date> {
    for re in &cfg.url_date_patterns {
        if let Some(c) = re.captures(url) {
            let y: i16 = c.name("y")?.as_str().parse().ok()?;
            let m: i8 = c.name("m")?.as_str().parse().ok()?;
            let d: i8 = c.name("d")?.as_str().parse().ok()?;
            if let Ok(date) = Date::new(y, m, d) {
                return Some(date);
            }
        }
    }
    None
}

/// The smallest row-like ancestor of a link, at most three levels up, that
/// holds only this one link.
fn row_of(a: ElementRef<'_>) -> Option<ElementRef<'_>> {
    let mut cur = a;
    for _ in 0..3 {
        let parent = cur.parent().and_then(ElementRef::wrap)?;
        let links = parent
            .descendent_elements()
            .filter(|e| e.value().name() == "a" && e.value().attr("href").is_some())
            .take(2)
            .count();
        if links > 1 {
            return None;
        }
        if ROWS.contains(&parent.value().name()) {
            return Some(parent);
        }
        cur = parent;
    }
    None
}

pub fn items(doc: &Html, base: &Url, page_url: &str, cfg: &ExtractConfig) -> Vec<ListItem> {
    let Ok(sel) = Selector::parse("a[href]") else {
        return Vec::new();
    };
    let mut out = Vec::new();
    let mut seen = HashSet::new();
    for a in doc.select(&sel) {
        let Some(url) = a
            .value()
            .attr("href")
            .and_then(|h| resolve_canonical(base, h))
        else {
            continue;
        };
        if url == page_url {
            continue;
        }
        let link_text = inline(a);
        let title = a
            .value()
            .attr("title")
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .map(str::to_string)
            .unwrap_or_else(|| link_text.clone());
        if title.is_empty() {
            continue;
        }
        let from_row = row_of(a).and_then(|row| {
            let text = inline(row);
            // Dates inside the title itself do not date the item.
            let outside = text.replacen(&link_text, " ", 1);
            find_dates(&outside).first().map(|m| m.date)
        });
        let date = from_row.or_else(|| {
            // A URL date only counts for links that sit in a row.
            row_of(a).and_then(|_| date_from_url(&url, cfg))
        });
        if date.is_none() {
            continue;
        }
        if seen.insert(url.clone()) {
            out.push(ListItem { url, title, date });
        }
    }
    out
}

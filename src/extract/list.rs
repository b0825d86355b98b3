//! Items of a column list page: a link and a date in one row (`<li>`, `<tr>`,
//! `<dd>`, or a `<div>`/`<p>` row). The date comes from the row's text outside
//! the link, else from the link's URL (`t20190313_1203.html`,
//! `/art/2026/9/16/art_…html`).

use std::borrow::Cow;
use std::collections::HashSet;

use ego_tree::NodeId;
use jiff::civil::Date;
use scraper::ElementRef;
use url::Url;

use super::config::ExtractConfig;
use super::date::{find_dates, make_date};
use super::elements::contains_ignore_ascii_case;
use super::links::Resolver;
use super::nav::{first_link, link_title};
use super::record::ListItem;
use super::text::{inline, inline_max};
use super::trace::ListGroup;
use crate::source::urls::{canonical, resolve_canonical};

const ROWS: &[&str] = &["li", "tr", "dd", "dt", "p", "div", "td", "span"];

/// A date read from a URL by the configured patterns.
pub fn date_from_url(url: &str, cfg: &ExtractConfig) -> Option<Date> {
    for re in &cfg.url_date_patterns {
        if let Some(c) = re.captures(url) {
            let y: i32 = c.name("y")?.as_str().parse().ok()?;
            let m: u32 = c.name("m")?.as_str().parse().ok()?;
            let d: u32 = c.name("d")?.as_str().parse().ok()?;
            // The same plausibility check as dates in the text (1949–2100).
            if let Some(date) = make_date(y, m, d) {
                return Some(date);
            }
        }
    }
    None
}

/// The largest row-like ancestor of a link, at most three levels up, that
/// holds only this one link: the `<tr>` rather than the `<td>`, the
/// `<div class="item">` rather than the `<span>` around the link.
fn row_of(a: ElementRef<'_>) -> Option<ElementRef<'_>> {
    let mut cur = a;
    let mut row = None;
    for _ in 0..3 {
        let Some(parent) = cur.parent().and_then(ElementRef::wrap) else {
            break;
        };
        let links = parent
            .descendent_elements()
            .filter(|e| e.value().name() == "a" && e.value().attr("href").is_some())
            .take(2)
            .count();
        if links > 1 {
            break;
        }
        if ROWS.contains(&parent.value().name()) {
            row = Some(parent);
            // A list's own row ends the climb: a list of one `<li>` is still a list.
            if matches!(parent.value().name(), "li" | "tr") {
                break;
            }
        }
        cur = parent;
    }
    row
}

/// The dated links of a list page, among `links` (the page's visible `<a>`
/// elements, in document order): the column's main list only. Rows are
/// grouped by the element that holds them; a group in a sidebar, menu or
/// footer box (by its class words or its heading, see `list_exclude_*` in
/// `rules/extract.toml`) is never the list, and of the others the largest
/// is, with its look-alike siblings (a list split into several `<ul>`).
/// `own` are the page's own names (its title, the breadcrumb's last entry):
/// a box headed with one of them is the column's list even when the heading
/// reads like a sidebar's (`最新动态` is also a column name).
///
/// At most `max` items are kept (0: no limit), and reading stops soon after
/// that many are found; the flag says whether the list was cut.
pub fn items<'a>(
    links: impl Iterator<Item = ElementRef<'a>>,
    res: &Resolver<'_>,
    page_url: &str,
    cfg: &ExtractConfig,
    max: u32,
    own: &[&str],
    trace: Option<&mut Vec<ListGroup>>,
) -> (Vec<ListItem>, bool) {
    let max = super::limits::bound(max);
    let mut found: Vec<(Option<NodeId>, ListItem)> = Vec::new();
    // The groups in document order, with the element holding their rows.
    let mut groups: Vec<(Option<NodeId>, Option<ElementRef<'a>>, usize)> = Vec::new();
    let mut seen = HashSet::new();
    let mut stopped = false;
    for a in links.filter(|a| a.value().attr("href").is_some()) {
        let Some(row) = row_of(a) else {
            continue;
        };
        if let Some(item) = item_of(a, row, res, page_url, cfg)
            && seen.insert(item.url.clone())
        {
            // Well past the cap proves the list goes over it; the sidebars
            // set aside below are small, so reading on would only cost time.
            if found.len() > max.saturating_mul(2) {
                stopped = true;
                break;
            }
            let parent = row.parent().and_then(ElementRef::wrap);
            let g = parent.map(|p| p.id());
            match groups.iter_mut().find(|(id, _, _)| *id == g) {
                Some(entry) => entry.2 += 1,
                None => groups.push((g, parent, 1)),
            }
            found.push((g, item));
        }
    }
    let mut verdicts: Vec<Option<(&'static str, String)>> = groups
        .iter()
        .map(|(_, el, _)| el.and_then(|el| not_the_list(el, cfg, own)))
        .collect();
    let main = groups
        .iter()
        .enumerate()
        .filter(|(i, _)| verdicts[*i].is_none())
        .max_by(|(i, a), (j, b)| a.2.cmp(&b.2).then(j.cmp(i)))
        .map(|(i, _)| i);
    let mut keep: HashSet<Option<NodeId>> = HashSet::new();
    if let Some(m) = main {
        let main_el = groups[m].1;
        for (i, (g, el, _)) in groups.iter().enumerate() {
            if verdicts[i].is_some() {
                continue;
            }
            if i == m || look_alike(main_el, *el, cfg.list_box_up) {
                keep.insert(*g);
            } else {
                verdicts[i] = Some(("smaller", String::new()));
            }
        }
    }
    if let Some(trace) = trace {
        for ((_, el, n), v) in groups.iter().zip(verdicts) {
            trace.push(ListGroup {
                element: el.map(super::trace::describe).unwrap_or_default(),
                heading: el.and_then(|e| box_title(e, cfg)),
                items: *n,
                set_aside: v.as_ref().map(|(k, _)| *k),
                detail: v.map(|(_, d)| d).filter(|d| !d.is_empty()),
            });
        }
    }
    let mut out: Vec<ListItem> = found
        .into_iter()
        .filter(|(g, _)| keep.contains(g))
        .map(|(_, i)| i)
        .collect();
    let cut = stopped || out.len() > max;
    out.truncate(max);
    (out, cut)
}

/// Two row groups are one list split in parts: elements of the same tag and
/// class under one parent, or under look-alike wrappers of one parent
/// (`<div ms-visible="…"><ul>` five rows at a time), at most `up` levels up.
fn look_alike(a: Option<ElementRef<'_>>, b: Option<ElementRef<'_>>, up: u32) -> bool {
    let (Some(mut a), Some(mut b)) = (a, b) else {
        return false;
    };
    for _ in 0..=up {
        if a.value().name() != b.value().name()
            || a.value().attr("class") != b.value().attr("class")
        {
            return false;
        }
        let (Some(pa), Some(pb)) = (
            a.parent().and_then(ElementRef::wrap),
            b.parent().and_then(ElementRef::wrap),
        ) else {
            return false;
        };
        if pa.id() == pb.id() {
            return true;
        }
        (a, b) = (pa, pb);
    }
    false
}

/// Why the rows under `el` are not the column's list: a box of the
/// template (by a class or id word of `el` or a parent) or a box headed
/// like a sidebar (`热点信息`), unless headed with one of `own`. The reason's
/// key (`template_box`, `sidebar_heading`) and the word or heading behind it.
pub fn not_the_list(
    el: ElementRef<'_>,
    cfg: &ExtractConfig,
    own: &[&str],
) -> Option<(&'static str, String)> {
    let mut cur = Some(el);
    for _ in 0..cfg.list_box_up + 3 {
        let Some(e) = cur else { break };
        if matches!(e.value().name(), "body" | "html") {
            break;
        }
        if let Some(word) = excluded_word(e, cfg) {
            return Some((
                "template_box",
                format!("{} {word}", super::trace::describe(e)),
            ));
        }
        cur = e.parent().and_then(ElementRef::wrap);
    }
    let title = box_title(el, cfg)?;
    let sidebar = cfg
        .list_exclude_titles
        .iter()
        .any(|w| title.contains(w.as_str()));
    let is_own = own
        .iter()
        .any(|o| !o.is_empty() && (title == *o || title.starts_with(o)));
    (sidebar && !is_own).then_some(("sidebar_heading", title))
}

/// The class or id word of `e` that marks a template box, if any: words
/// are split at `-`, `_` and spaces and must start with a listed word
/// (`sidebar`, `footer_links`), so `inside` is not `side`.
fn excluded_word(e: ElementRef<'_>, cfg: &ExtractConfig) -> Option<String> {
    if cfg.list_exclude_classes.is_empty() {
        return None;
    }
    for (k, v) in e.value().attrs() {
        if !matches!(k, "class" | "id") {
            continue;
        }
        for word in v.split(|c: char| !c.is_ascii_alphanumeric()) {
            if word.is_empty() {
                continue;
            }
            let lower = word.to_ascii_lowercase();
            if cfg
                .list_exclude_classes
                .iter()
                .any(|x| lower.starts_with(x.as_str()))
            {
                return Some(word.to_string());
            }
        }
    }
    None
}

/// The heading of the box holding `el`: a short text just before it (at
/// most `list_box_up` levels up), or a first child that holds no link.
pub fn box_title(el: ElementRef<'_>, cfg: &ExtractConfig) -> Option<String> {
    let max = cfg.list_box_title_max_chars as usize;
    let short = |e: ElementRef<'_>| -> Option<String> {
        let t = inline_max(e, max * 8)?;
        (!t.is_empty() && t.chars().count() <= max).then_some(t)
    };
    if let Some(first) = el.child_elements().next()
        && !first
            .descendent_elements()
            .any(|d| d.value().name() == "a" && d.value().attr("href").is_some())
        && let Some(t) = short(first)
    {
        return Some(t);
    }
    let mut cur = el;
    for _ in 0..=cfg.list_box_up {
        let before = cur
            .prev_siblings()
            .filter_map(ElementRef::wrap)
            .find(|s| s.text().any(|t| !t.trim().is_empty()));
        if let Some(b) = before {
            return short(b);
        }
        cur = cur.parent().and_then(ElementRef::wrap)?;
        if matches!(cur.value().name(), "body" | "html") {
            return None;
        }
    }
    None
}

/// Items from rows a profile selects: each row's first link, dated by the
/// row; at most `max` (0: no limit), with whether there were more.
pub fn items_in_rows<'a>(
    rows: impl Iterator<Item = ElementRef<'a>>,
    res: &Resolver<'_>,
    page_url: &str,
    cfg: &ExtractConfig,
    max: u32,
) -> (Vec<ListItem>, bool) {
    let max = super::limits::bound(max);
    let mut out = Vec::new();
    let mut seen = HashSet::new();
    for row in rows {
        let link = if row.value().name() == "a" {
            Some(row)
        } else {
            first_link(row)
        };
        if let Some(a) = link
            && let Some(item) = item_of(a, row, res, page_url, cfg)
            && seen.insert(item.url.clone())
        {
            if out.len() == max {
                return (out, true);
            }
            out.push(item);
        }
    }
    (out, false)
}

/// One dated link in its row; `None` when it is not a list item.
fn item_of(
    a: ElementRef<'_>,
    row: ElementRef<'_>,
    res: &Resolver<'_>,
    page_url: &str,
    cfg: &ExtractConfig,
) -> Option<ListItem> {
    let url = a.value().attr("href").and_then(|h| res.get(h))?;
    if url == page_url {
        return None;
    }
    let link_text = inline(a);
    // `<a><font>2019年</font><font>2020-02-25</font></a>`: a date in its own
    // element inside the link is the row's date column, not part of its title.
    let date_cell = a
        .descendent_elements()
        .skip(1)
        .filter(|e| e.children().all(|c| c.value().is_text()))
        .find_map(|e| {
            let t = inline(e);
            match find_dates(&t).as_slice() {
                [m] if m.start == 0 && m.end == t.len() && t.len() < link_text.len() => Some(t),
                _ => None,
            }
        });
    let shown = match &date_cell {
        Some(d) => link_text.replacen(d.as_str(), "", 1).trim().to_string(),
        None => link_text.clone(),
    };
    let title = link_title(a, &[], shown);
    if title.is_empty() || cfg.list_exclude_item_titles.contains(&title) {
        return None;
    }
    // Dates inside the title itself do not date the item. Text nodes are
    // joined with a space: `<td>2024-05-20</td><td>2024-05-23</td>` are two
    // cells, not one run of digits.
    let text = row.text().collect::<Vec<_>>().join(" ");
    let outside = text.replacen(&link_text, " ", 1);
    let date = find_dates(&outside)
        .first()
        .or(date_cell
            .as_deref()
            .and_then(|d| find_dates(d).first().cloned())
            .as_ref())
        .map(|m| m.date)
        .or_else(|| date_from_url(&url, cfg))?;
    Some(ListItem {
        url,
        title,
        date: Some(date),
    })
}

/// The list markup Hanweb (大汉) pages deliver inside
/// `<script type="text/xml"><datastore>…<record><![CDATA[<li>…</li>]]></record>`,
/// where a browser's script builds the list; `scripts` are the page's
/// `<script>` elements. `None` when there is none.
pub fn datastore_html<'a>(
    scripts: impl Iterator<Item = ElementRef<'a>>,
    cfg: &ExtractConfig,
) -> Option<String> {
    if cfg.datastore_record_patterns.is_empty() {
        return None;
    }
    let mut out = String::new();
    for script in scripts {
        let xml_type = script
            .value()
            .attr("type")
            .is_some_and(|t| contains_ignore_ascii_case(t, "xml"));
        // A script is nearly always one text node: borrow it rather than copy.
        let mut pieces = script.text();
        let text: Cow<'_, str> = match (pieces.next(), pieces.next()) {
            (None, _) => continue,
            (Some(t), None) => Cow::Borrowed(t),
            _ => Cow::Owned(script.text().collect()),
        };
        let marked = || {
            cfg.datastore_markers
                .iter()
                .any(|m| text.contains(m.as_str()))
        };
        if !xml_type && !marked() {
            continue;
        }
        for re in &cfg.datastore_record_patterns {
            for c in re.captures_iter(&text) {
                if let Some(m) = c.name("html") {
                    out.push_str(m.as_str());
                    out.push('\n');
                }
            }
        }
    }
    (!out.is_empty()).then_some(out)
}

/// The first page of a paginated list (`gzdt/index_2.html` → `gzdt/`), or
/// `None` when the URL is not a later page.
pub fn first_page(url: &str, cfg: &ExtractConfig) -> Option<String> {
    for re in &cfg.page_url_patterns {
        if let Some(n) = re.captures(url).and_then(|c| c.name("n")) {
            let mut first = String::with_capacity(url.len());
            first.push_str(&url[..n.start()]);
            first.push_str(&url[n.end()..]);
            let first = first.trim_end_matches(['?', '&']).replace("?&", "?");
            return Url::parse(&first).ok().map(|u| canonical(&u));
        }
    }
    None
}

/// The other pages of this list: links to pages of the same column (by URL
/// pattern or a `下一页` text) and the pages a TRS `createPageHTML` script
/// writes. `links` and `scripts` are the page's `<a>` and `<script>`
/// elements; `first` is the list's first page (`first_page`, else `page_url`).
pub fn pagination<'a>(
    links: impl Iterator<Item = ElementRef<'a>>,
    scripts: impl Iterator<Item = ElementRef<'a>>,
    res: &Resolver<'_>,
    page_url: &str,
    first: &str,
    cfg: &ExtractConfig,
) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut seen: HashSet<String> = HashSet::new();
    let mut push = |u: String, out: &mut Vec<String>| {
        if u != page_url && seen.insert(u.clone()) {
            out.push(u);
        }
    };
    // A link whose text is longer than every label is not one: its text is
    // not put together. Spaces inside a text may collapse, hence the margin.
    let max_label = cfg.pagination_labels.iter().map(String::len).max();
    for a in links {
        let Some(u) = a.value().attr("href").and_then(|h| res.get(h)) else {
            continue;
        };
        let same_column =
            first_page(&u, cfg).is_some_and(|f| f == first) || (u == first && first != page_url);
        let labelled = || {
            max_label
                .and_then(|n| inline_max(a, n * 4))
                .is_some_and(|t| cfg.pagination_labels.contains(&t))
        };
        if same_column || labelled() {
            push(u, &mut out);
        }
    }
    if cfg.page_script_patterns.is_empty() {
        return out;
    }
    let Ok(folder) = Url::parse(first) else {
        return out;
    };
    for script in scripts {
        let text: String = script.text().collect();
        for re in &cfg.page_script_patterns {
            let Some(c) = re.captures(&text) else {
                continue;
            };
            let Some(count) = c.name("count").and_then(|m| m.as_str().parse::<u32>().ok()) else {
                continue;
            };
            let name = c.name("name").map_or("index", |m| m.as_str());
            let ext = c.name("ext").map_or("html", |m| m.as_str());
            for k in 1..count.min(cfg.max_script_pages) {
                // Relative to the first page, not this page: the resolver's base.
                if let Some(u) = resolve_canonical(&folder, &format!("{name}_{k}.{ext}")) {
                    push(u, &mut out);
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::extract::elements::Elements;
    use regex::Regex;
    use scraper::{Html, Selector};

    fn cfg() -> ExtractConfig {
        ExtractConfig {
            page_url_patterns: vec![
                Regex::new(r"/index(?P<n>_\d+)\.s?html?$").unwrap(),
                Regex::new(r"(?P<n>[?&](?:pageNum|page)=\d+)").unwrap(),
            ],
            page_script_patterns: vec![
                Regex::new(r#"createPageHTML\(\s*(?P<count>\d+)\s*,\s*\d+\s*,\s*["'](?P<name>\w+)["']\s*,\s*["'](?P<ext>\w+)["']"#)
                    .unwrap(),
            ],
            max_script_pages: 3,
            pagination_labels: vec!["下一页".into()],
            url_date_patterns: vec![
                Regex::new(r"/art/(?P<y>\d{4})/(?P<m>\d{1,2})/(?P<d>\d{1,2})/").unwrap(),
            ],
            ..ExtractConfig::for_tests()
        }
    }

    #[test]
    fn url_dates_are_checked_like_text_dates() {
        let c = cfg();
        assert_eq!(
            date_from_url("http://x.gov.cn/art/2019/3/13/art_1.html", &c).map(|d| d.to_string()),
            Some("2019-03-13".to_string())
        );
        // Outside 1949–2100, as `date::make_date` rules.
        assert_eq!(
            date_from_url("http://x.gov.cn/art/1900/3/13/art_1.html", &c),
            None
        );
        assert_eq!(
            date_from_url("http://x.gov.cn/art/2019/2/30/art_1.html", &c),
            None
        );
    }

    #[test]
    fn first_pages() {
        let c = cfg();
        assert_eq!(
            first_page("http://x.gov.cn/gzdt/index_3.html", &c).as_deref(),
            Some("http://x.gov.cn/gzdt/")
        );
        assert_eq!(
            first_page("http://x.gov.cn/col/col1/index.html?uid=5&pageNum=2", &c).as_deref(),
            Some("http://x.gov.cn/col/col1/?uid=5")
        );
        assert_eq!(
            first_page("http://x.gov.cn/list.jsp?page=4", &c).as_deref(),
            Some("http://x.gov.cn/list.jsp")
        );
        assert_eq!(first_page("http://x.gov.cn/gzdt/", &c), None);
        assert_eq!(
            first_page("http://x.gov.cn/gzdt/t20190301_5.html", &c),
            None
        );
    }

    #[test]
    fn script_pagination_is_capped_and_skips_this_page() {
        let html = Html::parse_document(
            r#"<body><script>createPageHTML(40, 0, "index", "shtml");</script><a href="/other/index_2.html">其他</a></body>"#,
        );
        let base = Url::parse("http://x.gov.cn/gzdt/").unwrap();
        let els = Elements::new(&html);
        let p = pagination(
            els.named(&["a"]),
            els.named(&["script"]),
            &Resolver::new(&base),
            "http://x.gov.cn/gzdt/",
            "http://x.gov.cn/gzdt/",
            &cfg(),
        );
        assert_eq!(
            p,
            vec![
                "http://x.gov.cn/gzdt/index_1.shtml",
                "http://x.gov.cn/gzdt/index_2.shtml"
            ]
        );
    }

    #[test]
    fn hanweb_datastore_records() {
        let html = Html::parse_document(
            r#"<body><div id="a"><script type="text/xml"><datastore><nextgroup><![CDATA[<a href="/proxy?page=1"></a>]]></nextgroup><recordset>
<record><![CDATA[<li><a href="/art/2026/9/16/art_1_2.html">标题甲</a></li>]]></record>
<record><![CDATA[<li><a href="/art/2026/9/1/art_1_1.html">标题乙</a><span>2026-09-02</span></li>]]></record>
</recordset></datastore></script></div></body>"#,
        );
        let sel = Selector::parse("script").unwrap();
        let frag = Html::parse_fragment(&datastore_html(html.select(&sel), &cfg()).unwrap());
        let base = Url::parse("http://x.gov.cn/col/col1/index.html").unwrap();
        let items = items(
            Elements::new(&frag).named(&["a"]),
            &Resolver::new(&base),
            "http://x.gov.cn/col/col1/",
            &cfg(),
            0,
            &[],
            None,
        )
        .0;
        let got: Vec<(String, String)> = items
            .iter()
            .map(|i| {
                (
                    i.title.clone(),
                    i.date.map(|d| d.to_string()).unwrap_or_default(),
                )
            })
            .collect();
        assert_eq!(
            got,
            vec![
                ("标题甲".to_string(), "2026-09-16".to_string()),
                ("标题乙".to_string(), "2026-09-02".to_string())
            ]
        );
    }

    #[test]
    fn sidebar_boxes_are_not_items() {
        let main: String = (1..=6)
            .map(|i| {
                format!("<li><a href=\"/a/{i}.html\">条目{i}</a><span>2019-03-0{i}</span></li>")
            })
            .collect();
        let html = Html::parse_document(&format!(
            "<body><ul>{main}</ul><div class=side><ul><li><a href=\"/b/1.html\">相关</a> 2018-01-01</li><li><a href=\"/b/2.html\">相关二</a> 2018-01-02</li></ul></div></body>"
        ));
        let base = Url::parse("http://x.gov.cn/a/").unwrap();
        let items = items(
            Elements::new(&html).named(&["a"]),
            &Resolver::new(&base),
            "http://x.gov.cn/a/",
            &cfg(),
            0,
            &[],
            None,
        )
        .0;
        assert_eq!(items.len(), 6);
        assert!(items.iter().all(|i| i.url.contains("/a/")));
    }
}

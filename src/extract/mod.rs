//! Extraction: one fetched document in, one compact `PageRecord` out.

pub mod breadcrumb;
pub mod config;
pub mod date;
pub mod labels;
pub mod list;
pub mod nav;
pub mod record;
pub mod text;

use std::collections::{BTreeMap, HashSet};

use jiff::civil::Date;
use scraper::{ElementRef, Html, Selector};

use crate::source::Document;
use crate::source::encoding::decode;
use crate::source::urls::{canonical, resolve_canonical};
use config::ExtractConfig;
use date::{find_dates, parse_date};
use labels::{LabelFinder, LabelHit};
use record::{PageKind, PageRecord};

/// Extraction with its label patterns compiled once for the whole run.
pub struct Extractor {
    cfg: ExtractConfig,
    publish: Option<LabelFinder>,
    document: Option<LabelFinder>,
    source: Option<LabelFinder>,
    sel: Selectors,
}

struct Selectors {
    meta: Selector,
    title: Selector,
    h1: Selector,
    img: Selector,
    link: Selector,
    body: Selector,
    blocks: Selector,
}

impl Selectors {
    fn new() -> Option<Selectors> {
        Some(Selectors {
            meta: Selector::parse("meta[name], meta[property]").ok()?,
            title: Selector::parse("title").ok()?,
            h1: Selector::parse("h1, h2").ok()?,
            img: Selector::parse("img").ok()?,
            link: Selector::parse("a[href], area[href]").ok()?,
            body: Selector::parse("body").ok()?,
            blocks: Selector::parse("div, td, article, section, main").ok()?,
        })
    }
}

fn date_of(value: &str) -> Option<Date> {
    parse_date(value).or_else(|| find_dates(value).first().map(|m| m.date))
}

impl Extractor {
    pub fn new(cfg: &ExtractConfig) -> Extractor {
        Extractor {
            publish: LabelFinder::new(&cfg.publish_date_labels, cfg),
            document: LabelFinder::new(&cfg.document_date_labels, cfg),
            source: LabelFinder::new(&cfg.source_labels, cfg),
            cfg: cfg.clone(),
            // The selectors are literals; failing to parse them is a bug caught by every test.
            sel: Selectors::new().unwrap_or_else(|| unreachable!("literal CSS selectors parse")),
        }
    }

    pub fn config(&self) -> &ExtractConfig {
        &self.cfg
    }

    pub fn extract(&self, doc: &Document) -> PageRecord {
        let mut r = PageRecord {
            url: canonical(&doc.url),
            file: doc.file.as_ref().map(|f| f.display().to_string()),
            status: doc.status,
            error: doc.error.clone(),
            ..Default::default()
        };
        if r.error.is_some() || doc.status >= 400 || doc.status == 0 {
            if r.error.is_none() {
                r.error = Some(format!("HTTP {}", doc.status));
            }
            return r;
        }
        if self.cfg.is_attachment_path(doc.url.path()) || !doc.is_html() {
            r.kind = PageKind::Attachment;
            return r;
        }
        let (text, _) = decode(&doc.body, doc.content_type.as_deref());
        let html = Html::parse_document(&text);
        self.fill(&html, doc, &mut r);
        r
    }

    fn fill(&self, html: &Html, doc: &Document, r: &mut PageRecord) {
        let cfg = &self.cfg;
        let base = &doc.url;
        for m in html.select(&self.sel.meta) {
            let name = m
                .value()
                .attr("name")
                .or_else(|| m.value().attr("property"));
            if let (Some(name), Some(content)) = (name, m.value().attr("content")) {
                r.meta
                    .entry(name.trim().to_string())
                    .or_insert_with(|| content.trim().to_string());
            }
        }
        let meta = |names: &[String]| -> Option<String> {
            names.iter().find_map(|n| {
                r.meta
                    .iter()
                    .find(|(k, _)| k.eq_ignore_ascii_case(n))
                    .map(|(_, v)| v.clone())
            })
        };

        let root = html.root_element();
        let page_el = html.select(&self.sel.body).next().unwrap_or(root);
        let container = self.body_container(html).unwrap_or(page_el);
        let page_lines = text::lines(page_el);
        let body_lines = text::lines(container);

        // Labels in the body (beyond its first lines) are prose, not metadata.
        let body_set: HashSet<&str> = body_lines.iter().skip(3).map(String::as_str).collect();
        let hits = |f: &Option<LabelFinder>| -> Vec<LabelHit> {
            f.as_ref()
                .map(|f| f.find_all(&page_lines))
                .unwrap_or_default()
                .into_iter()
                .filter(|h| !body_set.contains(page_lines[h.line].as_str()))
                .collect()
        };

        let publish_hits = hits(&self.publish);
        // The same label on many rows is a list showing each item's date.
        let per_item_dates = publish_hits.len() >= 3;
        if let Some(v) = meta(&cfg.publish_date_meta).filter(|v| !v.is_empty()) {
            r.publish_date = date_of(&v);
            r.snippets.insert("publish_date".into(), v);
        }
        if r.publish_date.is_none()
            && !per_item_dates
            && let Some(h) = publish_hits.first()
        {
            r.publish_date = date_of(&h.value);
            r.snippets.insert("publish_date".into(), h.snippet.clone());
        }

        if let Some(v) = meta(&cfg.source_meta) {
            r.source = Some(v.clone());
            r.snippets
                .insert("source".into(), format!("<meta content=\"{v}\">"));
        }
        if r.source.as_deref().is_none_or(str::is_empty)
            && let Some(h) = hits(&self.source).first()
        {
            r.source = Some(h.value.clone());
            r.snippets.insert("source".into(), h.snippet.clone());
        }

        if let Some(h) = self
            .document
            .as_ref()
            .map(|f| f.find_all(&page_lines))
            .unwrap_or_default()
            .into_iter()
            .find(|h| date_of(&h.value).is_some())
        {
            r.document_date = date_of(&h.value);
            r.snippets.insert("document_date".into(), h.snippet.clone());
        } else if let Some((date, line)) = signed_date(&body_lines) {
            r.document_date = Some(date);
            r.snippets.insert("document_date".into(), line);
        }

        r.title = self.title(html, &meta);
        let crumbs = breadcrumb::find(html, base, cfg);
        r.prev = nav::find(html, base, &cfg.prev_labels, cfg);
        r.next = nav::find(html, base, &cfg.next_labels, cfg);
        r.image_count = container.select(&self.sel.img).count();
        let mut seen = HashSet::new();
        for a in html.select(&self.sel.link) {
            if let Some(u) = a
                .value()
                .attr("href")
                .and_then(|h| resolve_canonical(base, h))
                && seen.insert(u.clone())
            {
                r.links.push(u);
            }
        }
        r.items = list::items(html, base, &r.url, cfg);

        let path = doc.url.path();
        let is_home = path == "/" || cfg.home_paths.iter().any(|p| p == path);
        let has_article_meta = meta(&cfg.title_meta).is_some_and(|t| !t.is_empty());
        let has_nav = r.prev.is_some() || r.next.is_some();
        let column_meta = meta(&cfg.column_meta).filter(|c| !c.is_empty());
        r.kind = if is_home {
            PageKind::Home
        } else if has_article_meta || has_nav {
            PageKind::Article
        } else if r.items.len() >= 3 || per_item_dates {
            PageKind::List
        } else if r.publish_date.is_some() {
            PageKind::Article
        } else if !r.items.is_empty() || column_meta.is_some() {
            PageKind::List
        } else {
            PageKind::Other
        };
        if r.kind != PageKind::List {
            r.items.clear();
        }
        if r.kind != PageKind::Article {
            r.publish_date = r.publish_date.filter(|_| r.kind != PageKind::List);
        }

        // The column: the meta tag, else the breadcrumb.
        let crumbs = crumbs.unwrap_or_default();
        let last_link = crumbs
            .iter()
            .rev()
            .find(|c| c.url.is_some() && c.text != r.title);
        let last_any = crumbs.iter().rev().find(|c| c.text != r.title);
        match r.kind {
            PageKind::Article => {
                r.column = column_meta
                    .clone()
                    .or_else(|| last_link.map(|c| c.text.clone()));
                r.column_url = last_link.and_then(|c| c.url.clone());
                if let (Some(name), Some(link)) = (&r.column, last_link)
                    && *name != link.text
                {
                    // The meta tag names another column than the breadcrumb links.
                    r.column_url = None;
                }
            }
            PageKind::List => {
                r.column = column_meta
                    .clone()
                    .or_else(|| last_any.map(|c| c.text.clone()));
                r.column_url = Some(r.url.clone());
            }
            _ => {
                r.column = column_meta;
            }
        }
        if r.kind == PageKind::List && r.title.is_empty() {
            r.title = r.column.clone().unwrap_or_default();
        }
        r.text = body_lines.join("\n");
    }

    fn body_container<'a>(&self, html: &'a Html) -> Option<ElementRef<'a>> {
        for (_, sel) in &self.cfg.body_selectors {
            if let Some(el) = html.select(sel).find(|e| !text::inline(*e).is_empty()) {
                return Some(el);
            }
        }
        // The densest block: the element with the most text in its own paragraphs.
        let mut best: Option<(usize, ElementRef<'a>)> = None;
        for el in html.select(&self.sel.blocks) {
            let score: usize = el
                .child_elements()
                .filter(|c| c.value().name() == "p")
                .map(|p| p.text().map(|t| t.trim().chars().count()).sum::<usize>())
                .sum();
            if score > 0 && best.is_none_or(|(s, _)| score > s) {
                best = Some((score, el));
            }
        }
        best.map(|(_, e)| e)
    }

    fn title(&self, html: &Html, meta: &dyn Fn(&[String]) -> Option<String>) -> String {
        if let Some(t) = meta(&self.cfg.title_meta).filter(|t| !t.is_empty()) {
            return t;
        }
        let doc_title = html
            .select(&self.sel.title)
            .next()
            .map(text::inline)
            .unwrap_or_default();
        let site = meta(&["SiteName".to_string()]).unwrap_or_default();
        for h in html.select(&self.sel.h1) {
            let t = text::inline(h);
            let in_link = h.descendent_elements().any(|e| e.value().name() == "a");
            if !t.is_empty() && t != site && !in_link && t.chars().count() <= 200 {
                return t;
            }
        }
        let mut head = doc_title.as_str();
        for sep in &self.cfg.title_separators {
            if let Some((a, _)) = head.rsplit_once(sep.as_str())
                && !a.trim().is_empty()
            {
                head = a;
            }
        }
        head.trim().to_string()
    }
}

/// The date a document is signed with: the last lines of the body read
/// `云溪街道办事处` / `2019年3月6日`, or both on one line.
fn signed_date(lines: &[String]) -> Option<(Date, String)> {
    let tail: Vec<&String> = lines.iter().rev().take(6).collect();
    for (i, line) in tail.iter().enumerate() {
        let l = line.trim();
        if l.chars().count() > 40 {
            continue;
        }
        if let Some(d) = parse_date(l) {
            // The issuer's name on the line before: short, not a sentence.
            let issuer = tail.get(i + 1).map(|s| s.trim()).unwrap_or("");
            let looks_like_issuer = !issuer.is_empty()
                && issuer.chars().count() <= 40
                && !issuer.ends_with(['。', '；', ';', '，', ',', '：', ':']);
            if looks_like_issuer {
                return Some((d, format!("{issuer} {l}")));
            }
            continue;
        }
        if let Some(m) = find_dates(l).last()
            && l[m.end..].trim().is_empty()
        {
            let before = l[..m.start].trim();
            let plausible = !before.is_empty()
                && before.chars().count() <= 30
                && !before.contains(['。', '；', '，', ',', ':', '：']);
            if plausible {
                return Some((m.date, l.to_string()));
            }
        }
    }
    None
}

/// All meta tags of a record whose names match, for rules that require them.
pub fn meta_value<'a>(meta: &'a BTreeMap<String, String>, name: &str) -> Option<&'a str> {
    meta.iter()
        .find(|(k, _)| k.eq_ignore_ascii_case(name))
        .map(|(_, v)| v.as_str())
}

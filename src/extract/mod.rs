//! Extraction: one fetched document in, one compact `PageRecord` out.

pub mod breadcrumb;
pub mod config;
pub mod date;
pub mod elements;
pub mod labels;
pub mod limits;
pub mod links;
pub mod list;
pub mod nav;
pub mod profile;
pub mod record;
pub mod text;

use std::collections::{BTreeMap, HashSet};

use jiff::civil::Date;
use scraper::{ElementRef, Html, Selector};
use url::Url;

use crate::source::Document;
use crate::source::encoding::decode;
use crate::source::urls::canonical;
use config::ExtractConfig;
use date::{find_dates, parse_date};
use elements::Elements;
use labels::{AnyLabel, LabelFinder, LabelHit};
use links::Resolver;
use profile::Sel;
use record::{PageKind, PageRecord};

/// Extraction with its label patterns compiled once for the whole run.
pub struct Extractor {
    cfg: ExtractConfig,
    publish: Option<LabelFinder>,
    generic_date: Option<LabelFinder>,
    document: Option<LabelFinder>,
    source: Option<LabelFinder>,
    index_no: Option<LabelFinder>,
    doc_number: Option<LabelFinder>,
    any_label: AnyLabel,
    sel: Selectors,
}

struct Selectors {
    h1: Selector,
    img: Selector,
    link: Selector,
}

impl Selectors {
    fn new() -> Option<Selectors> {
        Some(Selectors {
            h1: Selector::parse("h1, h2").ok()?,
            img: Selector::parse("img").ok()?,
            link: Selector::parse("a[href], area[href]").ok()?,
        })
    }
}

/// Elements that may hold the main text when no container is known.
const BLOCKS: &[&str] = &["div", "td", "article", "section", "main"];

/// The page's main text and the element that holds it.
struct Body<'a> {
    el: ElementRef<'a>,
    lines: Vec<String>,
    /// Found by a profile, a comment marker or a body selector, not guessed.
    known: bool,
}

fn date_of(value: &str) -> Option<Date> {
    parse_date(value).or_else(|| find_dates(value).first().map(|m| m.date))
}

impl Extractor {
    pub fn new(cfg: &ExtractConfig) -> Extractor {
        Extractor {
            publish: LabelFinder::new(&cfg.publish_date_labels, cfg),
            generic_date: LabelFinder::new(&cfg.generic_date_labels, cfg),
            document: LabelFinder::new(&cfg.document_date_labels, cfg),
            source: LabelFinder::new(&cfg.source_labels, cfg),
            index_no: LabelFinder::new(&cfg.index_no_labels, cfg),
            doc_number: LabelFinder::new(&cfg.doc_number_labels, cfg),
            any_label: AnyLabel::new(cfg),
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
        let (text, dropped) = limits::cap_depth(&text, self.cfg.max_depth as usize);
        let html = Html::parse_document(&text);
        if dropped > 0 {
            r.cut.push("max_depth".into());
        }
        self.fill(&html, doc, &mut r);
        r
    }

    fn fill(&self, html: &Html, doc: &Document, r: &mut PageRecord) {
        let cfg = &self.cfg;
        let base = &doc.url;
        let profile = cfg.profile_for(&r.url);
        let els = Elements::new(html);
        for m in els.named(&["meta"]) {
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
        // The element a profile's selector names, when the page has a profile.
        let pick = |s: Option<&Sel>| -> Option<ElementRef<'_>> {
            s.and_then(|s| html.select(&s.sel).next())
        };

        let root = html.root_element();
        let page_el = els.named(&["body"]).next().unwrap_or(root);
        let doc_title = els
            .named(&["title"])
            .next()
            .map(text::inline)
            .unwrap_or_default();
        let body = self.body(html, &els, page_el, profile);
        let page_lines = text::lines(page_el);

        // Labels in the body are prose, not metadata; only short lines before
        // the first paragraph may be an information line the container holds.
        let lead = body
            .lines
            .iter()
            .take(3)
            .take_while(|l| l.chars().count() < 80 && !find_dates(l).is_empty())
            .count();
        let body_set: HashSet<&str> = body.lines.iter().skip(lead).map(String::as_str).collect();
        let label_lines = self.any_label.lines(&page_lines);
        let hits = |f: &Option<LabelFinder>| -> Vec<LabelHit> {
            f.as_ref()
                .map(|f| f.find_in(&page_lines, label_lines.iter().copied()))
                .unwrap_or_default()
                .into_iter()
                .filter(|h| !body_set.contains(page_lines[h.line].as_str()))
                .collect()
        };

        let publish_hits = hits(&self.publish);
        // The same label on many rows is a list showing each item's date.
        let per_item_dates = publish_hits.len() >= 3;
        if let Some(el) = pick(profile.and_then(|p| p.date.as_ref())) {
            let v = text::inline(el);
            r.publish_date = date_of(&v);
            r.snippets.insert("publish_date".into(), v);
        }
        if r.publish_date.is_none()
            && let Some(v) = meta(&cfg.publish_date_meta).filter(|v| !v.is_empty())
        {
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
        if r.publish_date.is_none() && publish_hits.is_empty() {
            // `日期：` and `时间：` say little, so only a lone one holding a date counts.
            let generic = hits(&self.generic_date);
            if generic.len() == 1
                && let Some(d) = date_of(&generic[0].value)
            {
                r.publish_date = Some(d);
                r.snippets
                    .insert("publish_date".into(), generic[0].snippet.clone());
            }
        }

        if let Some(el) = pick(profile.and_then(|p| p.source.as_ref())) {
            let v = strip_labels(&text::inline(el), &cfg.source_labels);
            r.snippets.insert("source".into(), text::inline(el));
            r.source = Some(v);
        }
        if r.source.is_none()
            && let Some(v) = meta(&cfg.source_meta)
        {
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
        for (finder, field, key) in [
            (&self.index_no, &mut r.index_no, "index_no"),
            (&self.doc_number, &mut r.doc_number, "doc_number"),
        ] {
            if let Some(h) = hits(finder).into_iter().next() {
                *field = Some(h.value.clone());
                r.snippets.insert(key.into(), h.snippet);
            }
        }

        if let Some(el) = pick(profile.and_then(|p| p.document_date.as_ref()))
            && let Some(d) = date_of(&text::inline(el))
        {
            r.document_date = Some(d);
            r.snippets.insert("document_date".into(), text::inline(el));
        } else if let Some(h) = self
            .document
            .as_ref()
            .map(|f| f.find_in(&page_lines, label_lines.iter().copied()))
            .unwrap_or_default()
            .into_iter()
            .find(|h| date_of(&h.value).is_some())
        {
            r.document_date = date_of(&h.value);
            r.snippets.insert("document_date".into(), h.snippet.clone());
        } else if let Some((date, line)) = signed_date(&body.lines) {
            r.document_date = Some(date);
            r.snippets.insert("document_date".into(), line);
        }

        r.title = match pick(profile.and_then(|p| p.title.as_ref())) {
            Some(el) => text::inline(el),
            None => self.title(&els, &doc_title, &meta),
        };
        let crumbs = breadcrumb::find(html, base, cfg);
        let body_id = body.known.then(|| body.el.id());
        r.prev = match pick(profile.and_then(|p| p.prev.as_ref())) {
            Some(el) => nav::from_element(el, base, &cfg.prev_labels, cfg),
            None => nav::find(html, base, &cfg.prev_labels, cfg, body_id),
        };
        r.next = match pick(profile.and_then(|p| p.next.as_ref())) {
            Some(el) => nav::from_element(el, base, &cfg.next_labels, cfg),
            None => nav::find(html, base, &cfg.next_labels, cfg, body_id),
        };
        r.image_count = body.el.select(&self.sel.img).count();
        let res = Resolver::new(base);
        let mut seen = HashSet::new();
        let max_links = match cfg.max_links {
            0 => usize::MAX,
            n => n as usize,
        };
        for a in els.named(&["a", "area"]) {
            if let Some(u) = a.value().attr("href").and_then(|h| res.get(h))
                && seen.insert(u.clone())
            {
                if r.links.len() >= max_links {
                    r.cut.push("max_links".into());
                    break;
                }
                r.links.push(u);
            }
        }
        // Links of the main content, so link checks can tell them from the template's.
        if body.el.id() != page_el.id() {
            let mut body_seen = HashSet::new();
            for a in body.el.select(&self.sel.link) {
                if let Some(u) = a.value().attr("href").and_then(|h| res.get(h))
                    && body_seen.insert(u.clone())
                {
                    if r.body_links.len() >= max_links {
                        break;
                    }
                    r.body_links.push(u);
                }
            }
        }
        let datastore =
            list::datastore_html(els.named(&["script"])).map(|s| Html::parse_fragment(&s));
        if let Some(frag) = &datastore {
            for a in frag.select(&self.sel.link) {
                if let Some(u) = a.value().attr("href").and_then(|h| res.get(h))
                    && seen.insert(u.clone())
                {
                    r.links.push(u);
                }
            }
        }
        let path = doc.url.path();
        let is_home = path == "/"
            || Url::parse(&r.url).is_ok_and(|u| u.path() == "/")
            || cfg.home_paths.iter().any(|p| p == path);
        let has_article_meta = meta(&cfg.title_meta).is_some_and(|t| !t.is_empty());
        let has_nav = r.prev.is_some() || r.next.is_some();
        let column_meta = meta(&cfg.column_meta).filter(|c| !c.is_empty());
        // Items only matter on what may be a list page; reading them is the dearest step.
        if !(is_home || has_article_meta || has_nav) {
            r.items = match profile.and_then(|p| p.list_items.as_ref()) {
                Some(s) => list::items_in_rows(html.select(&s.sel), &res, &r.url, cfg),
                // Hanweb's datastore is the list; the page around it only has boxes.
                None => match &datastore {
                    Some(frag) => list::items(frag, &res, &r.url, cfg),
                    None => list::items(html, &res, &r.url, cfg),
                },
            };
        }
        if cfg.max_list_items > 0 && r.items.len() > cfg.max_list_items as usize {
            r.items.truncate(cfg.max_list_items as usize);
            r.cut.push("max_list_items".into());
        }
        r.kind = if is_home {
            PageKind::Home
        } else if has_article_meta || has_nav {
            PageKind::Article
        } else if r.items.len() >= 3 || per_item_dates {
            PageKind::List
        } else if r.publish_date.is_some() {
            PageKind::Article
        } else if r.items.is_empty() && looks_like_article(&r.source, &body.lines) {
            // TRS and others put ColumnName on articles too: an undated page
            // with a source line or prose is an article missing its date, not an empty list.
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
            // A list's or home page's last line is an item's date, not a signature.
            r.document_date = r.document_date.filter(|_| r.kind == PageKind::Other);
        }

        // The column: the meta tag, else the breadcrumb.
        let crumbs = crumbs.unwrap_or_default();
        let last_link = crumbs
            .iter()
            .rev()
            .find(|c| c.url.is_some() && c.text != r.title);
        // A list page's title often repeats its column, the breadcrumb's last item.
        let last_any = crumbs.last();
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
                // Page 2 of a list (`index_1.html`) belongs to the column of page 1.
                r.column_url = Some(list::first_page(&r.url, cfg).unwrap_or_else(|| r.url.clone()));
                r.pagination = list::pagination(html, &res, &r.url, cfg);
                for u in &r.pagination {
                    if seen.insert(u.clone()) {
                        r.links.push(u.clone());
                    }
                }
            }
            _ => {
                r.column = column_meta;
            }
        }
        // A list page is its column: `通知公告 青山县人民政府` is titled `通知公告`.
        if r.kind == PageKind::List
            && let Some(col) = &r.column
            && (r.title.is_empty() || r.title.starts_with(col.as_str()))
        {
            r.title = col.clone();
        }
        r.text = body.lines.join("\n");
        if limits::cap_chars(&mut r.text, cfg.max_text_chars as usize) {
            r.cut.push("max_text_chars".into());
        }
        r.ignore = html
            .tree
            .values()
            .filter_map(|n| n.as_comment())
            .flat_map(|c| crate::suppress::directive_ids(c))
            .collect();
        if let Some(why) = self.soft_404(&doc_title, r, &body, &page_lines) {
            r.error = Some(format!("soft 404: {why}"));
            r.kind = PageKind::Other;
            r.items.clear();
            r.pagination.clear();
        }
    }

    /// The main content: a profile's selector, the CMS's comment markers, a
    /// known container, else the block with the most paragraph text.
    fn body<'a>(
        &self,
        html: &'a Html,
        els: &Elements<'a>,
        page_el: ElementRef<'a>,
        profile: Option<&profile::Profile>,
    ) -> Body<'a> {
        if let Some(s) = profile.and_then(|p| p.body.as_ref())
            && let Some(el) = html.select(&s.sel).next()
        {
            return Body {
                el,
                lines: text::lines(el),
                known: true,
            };
        }
        // The markers sit in one container; reading from it, not the page, keeps this cheap.
        if let Some(el) = text::comment_parent(page_el, &self.cfg.body_comment_start)
            && let Some(lines) = text::lines_between_comments(
                el,
                &self.cfg.body_comment_start,
                &self.cfg.body_comment_end,
            )
        {
            return Body {
                el,
                lines,
                known: true,
            };
        }
        for (text, sel) in &self.cfg.body_selectors {
            if let Some(el) = els
                .select(text, sel)
                .find(|e| e.text().any(|t| !t.trim().is_empty()))
            {
                return Body {
                    el,
                    lines: text::lines(el),
                    known: true,
                };
            }
        }
        // The densest block: the element with the most text in its own paragraphs.
        let mut best: Option<(usize, ElementRef<'a>)> = None;
        for el in els.named(BLOCKS) {
            if self.is_boilerplate(el) {
                continue;
            }
            let score: usize = el
                .child_elements()
                .filter(|c| c.value().name() == "p")
                .map(|p| p.text().map(|t| t.trim().chars().count()).sum::<usize>())
                .sum();
            if score > 0 && best.is_none_or(|(s, _)| score > s) {
                best = Some((score, el));
            }
        }
        let el = best.map(|(_, e)| e).unwrap_or(page_el);
        Body {
            el,
            lines: text::lines(el),
            known: false,
        }
    }

    /// A footer, menu or sidebar by its class or id, never the main text.
    fn is_boilerplate(&self, el: ElementRef<'_>) -> bool {
        let v = el.value();
        let words = v.attr("class").into_iter().chain(v.attr("id"));
        words.flat_map(str::split_ascii_whitespace).any(|w| {
            let w = w.to_ascii_lowercase();
            self.cfg
                .boilerplate_classes
                .iter()
                .any(|b| w.contains(b.as_str()))
        })
    }

    /// Why a page served with status 200 is really a "not found" page: its
    /// title says so, or its main text is short and says so. An article that
    /// discusses a 404 error has a date and a long text, and is left alone.
    fn soft_404(
        &self,
        doc_title: &str,
        r: &PageRecord,
        body: &Body<'_>,
        page_lines: &[String],
    ) -> Option<String> {
        let cfg = &self.cfg;
        for t in [doc_title, r.title.as_str()] {
            if let Some(m) = cfg.soft_404_title_patterns.iter().find_map(|re| re.find(t)) {
                return Some(format!("{} ({t})", m.as_str()));
            }
        }
        if r.kind != PageKind::Other || r.publish_date.is_some() {
            return None;
        }
        // The message stands on a short line of its own, or makes up the whole main text.
        let max = cfg.soft_404_max_chars as usize;
        let main = body.lines.join(" ");
        let short_main = (main.chars().count() <= max).then_some(main.as_str());
        page_lines
            .iter()
            .filter(|l| l.chars().count() <= 80)
            .map(String::as_str)
            .chain(short_main)
            .find_map(|l| {
                cfg.soft_404_text_patterns
                    .iter()
                    .find_map(|re| re.find(l))
                    .map(|m| m.as_str().to_string())
            })
    }

    fn title(
        &self,
        els: &Elements<'_>,
        doc_title: &str,
        meta: &dyn Fn(&[String]) -> Option<String>,
    ) -> String {
        if let Some(t) = meta(&self.cfg.title_meta).filter(|t| !t.is_empty()) {
            return t;
        }
        let site = meta(&["SiteName".to_string()]).unwrap_or_default();
        let usable = |h: ElementRef<'_>| -> Option<String> {
            let t = text::inline_max(h, 1000)?;
            let in_link = h.descendent_elements().any(|e| e.value().name() == "a");
            (!t.is_empty() && t != site && !in_link && t.chars().count() <= 200).then_some(t)
        };
        // The heading the <title> repeats is the article's, not a box's.
        for (text, sel) in &self.cfg.title_selectors {
            if let Some(t) = els
                .select(text, sel)
                .filter_map(usable)
                .find(|t| t.chars().count() >= 4 && doc_title.contains(t.as_str()))
            {
                return t;
            }
        }
        for h in els.select("h1, h2", &self.sel.h1) {
            let t = text::inline(h);
            let in_link = h.descendent_elements().any(|e| e.value().name() == "a");
            if !t.is_empty() && t != site && !in_link && t.chars().count() <= 200 {
                return t;
            }
        }
        let mut head = doc_title;
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

/// `来源：区政府办` → `区政府办`.
fn strip_labels(text: &str, labels: &[String]) -> String {
    let t = text.trim();
    let t = labels
        .iter()
        .find_map(|l| t.strip_prefix(l.as_str()))
        .unwrap_or(t);
    t.trim_start()
        .trim_start_matches([':', '：'])
        .trim()
        .to_string()
}

/// An article's signs besides a date: a source line, or sentences of prose in
/// the body. An empty list shows at most a `暂无信息` line.
fn looks_like_article(source: &Option<String>, body: &[String]) -> bool {
    let prose: usize = body
        .iter()
        .filter(|l| l.contains(['。', '，', '；']))
        .map(|l| l.chars().count())
        .sum();
    source.is_some() || prose >= 30
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

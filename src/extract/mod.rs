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

use jiff::civil::Date;
use scraper::{ElementRef, Html};

use crate::source::Document;
use crate::source::encoding::decode;
use crate::source::urls::canonical;
use config::ExtractConfig;
use date::{find_dates, parse_date};
use elements::{Elements, contains_ignore_ascii_case};
use labels::{AnyLabel, LabelFinder, LabelHit};
use limits::Limit;
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
    crumb_markers: breadcrumb::Markers,
}

/// The page's links, deduplicated, at most `max` of them.
struct PageLinks {
    seen: rustc_hash::FxHashSet<String>,
    max: usize,
    full: bool,
}

impl PageLinks {
    fn new(max_links: u32) -> PageLinks {
        PageLinks {
            seen: rustc_hash::FxHashSet::default(),
            max: limits::bound(max_links),
            full: false,
        }
    }

    /// Adds the targets of `anchors` in order, up to the cap.
    fn add_all<'a>(
        &mut self,
        anchors: impl Iterator<Item = ElementRef<'a>>,
        res: &Resolver<'_>,
        links: &mut Vec<String>,
        cut: &mut Vec<String>,
    ) {
        for a in anchors {
            if let Some(u) = a.value().attr("href").and_then(|h| res.get(h))
                && !self.push(links, cut, u)
            {
                break;
            }
        }
    }

    /// Adds `u` to `links` unless it is there already; `false` once the
    /// cap is reached (which `cut` notes once), so the caller stops. Takes
    /// the record's fields, not the record, which `fill`'s closures borrow.
    fn push(&mut self, links: &mut Vec<String>, cut: &mut Vec<String>, u: String) -> bool {
        if self.full {
            return false;
        }
        if !self.seen.insert(u.clone()) {
            return true;
        }
        if links.len() >= self.max {
            self.full = true;
            cut.push(Limit::Links.key().into());
            return false;
        }
        links.push(u);
        true
    }
}

/// Elements that may hold the main text when no container is known.
const BLOCKS: &[&str] = &["div", "td", "article", "section", "main"];

/// The page's main text and the element that holds it.
struct Body<'a> {
    el: ElementRef<'a>,
    /// Empty until the page's lines are read when `of_el` (see `fill`).
    lines: Vec<String>,
    /// The lines are the element's own, read in the page's walk.
    of_el: bool,
    /// Found by a profile, a comment marker or a body selector, not guessed.
    known: bool,
}

impl<'a> Body<'a> {
    fn of(el: ElementRef<'a>, known: bool) -> Body<'a> {
        Body {
            el,
            lines: Vec::new(),
            of_el: true,
            known,
        }
    }
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
            crumb_markers: breadcrumb::Markers::new(cfg),
            cfg: cfg.clone(),
        }
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
            r.cut.push(Limit::Depth.key().into());
        }
        self.fill(&html, doc, &mut r);
        r
    }

    fn fill(&self, html: &Html, doc: &Document, r: &mut PageRecord) {
        let cfg = &self.cfg;
        // Every link of the page (navigation, breadcrumb, list, pagination)
        // is resolved through this one cache.
        let res = Resolver::new(&doc.url);
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
            s.and_then(|s| els.select(&s.text, &s.sel).next())
        };

        let root = html.root_element();
        let page_el = els.named(&["body"]).next().unwrap_or(root);
        let doc_title = els
            .named(&["title"])
            .next()
            .map(text::inline)
            .unwrap_or_default();
        let mut body = self.body(&els, page_el, profile);
        // The page and its main text in one walk where the body's lines can
        // be told apart in it (nearly always).
        let page_lines = if body.of_el {
            let (page_lines, part) = text::lines_with_part(page_el, body.el.id());
            body.lines = match part {
                Some(range) => page_lines[range].to_vec(),
                None => text::lines(body.el),
            };
            page_lines
        } else {
            text::lines(page_el)
        };

        // Labels in the body are prose, not metadata; only short lines before
        // the first paragraph may be an information line the container holds.
        let lead = body
            .lines
            .iter()
            .take(cfg.info_line_max_lines as usize)
            .take_while(|l| {
                l.chars().count() < cfg.info_line_max_chars as usize && !find_dates(l).is_empty()
            })
            .count();
        let body_set: rustc_hash::FxHashSet<&str> =
            body.lines.iter().skip(lead).map(String::as_str).collect();
        let label_lines = self.any_label.lines(&page_lines);
        // Every hit of a finder, on the lines that hold any label at all.
        let all_hits = |f: &Option<LabelFinder>| -> Vec<LabelHit> {
            f.as_ref()
                .map(|f| f.find_in(&page_lines, label_lines.iter().copied()))
                .unwrap_or_default()
        };
        // The hits outside the body's prose.
        let hits = |f: &Option<LabelFinder>| -> Vec<LabelHit> {
            all_hits(f)
                .into_iter()
                .filter(|h| !body_set.contains(page_lines[h.line].as_str()))
                .collect()
        };

        let publish_hits = hits(&self.publish);
        // The same label on many rows is a list showing each item's date.
        let per_item_dates = publish_hits.len() >= cfg.list_min_date_labels as usize;
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
            let shown = text::inline(el);
            r.source = Some(text::strip_label(&shown, &cfg.source_labels).to_string());
            r.snippets.insert("source".into(), shown);
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

        let profile_document_date = pick(profile.and_then(|p| p.document_date.as_ref()))
            .map(text::inline)
            .and_then(|v| date_of(&v).map(|d| (d, v)));
        if let Some((d, v)) = profile_document_date {
            r.document_date = Some(d);
            r.snippets.insert("document_date".into(), v);
        } else if let Some(h) = all_hits(&self.document)
            // The body's hits count too, unlike for the other labels: a
            // 成文日期 is part of the document, and a hit must hold a date.
            .into_iter()
            .find(|h| date_of(&h.value).is_some())
        {
            r.document_date = date_of(&h.value);
            r.snippets.insert("document_date".into(), h.snippet.clone());
        } else if let Some((date, line)) = signed_date(&body.lines, cfg) {
            r.document_date = Some(date);
            r.snippets.insert("document_date".into(), line);
        }

        r.title = match pick(profile.and_then(|p| p.title.as_ref())) {
            Some(el) => text::inline(el),
            None => self.title(&els, &doc_title, &meta),
        };
        let crumbs = breadcrumb::find_with(html, &res, cfg, &self.crumb_markers);
        let body_id = body.known.then(|| body.el.id());
        let prev_el = pick(profile.and_then(|p| p.prev.as_ref()));
        let next_el = pick(profile.and_then(|p| p.next.as_ref()));
        // One walk finds both entries; none when a profile names both.
        let (found_prev, found_next) = if prev_el.is_none() || next_el.is_none() {
            nav::find_in(els.texts(), &res, cfg, body_id)
        } else {
            (None, None)
        };
        r.prev = match prev_el {
            Some(el) => nav::from_element(el, &res, &cfg.prev_labels, cfg),
            None => found_prev,
        };
        r.next = match next_el {
            Some(el) => nav::from_element(el, &res, &cfg.next_labels, cfg),
            None => found_next,
        };
        // Below the body element, not the element itself, as `select` would.
        r.image_count = body
            .el
            .descendent_elements()
            .skip(1)
            .filter(|e| e.value().name() == "img")
            .count();
        let mut links = PageLinks::new(cfg.max_links);
        links.add_all(els.named(&["a", "area"]), &res, &mut r.links, &mut r.cut);
        // Links of the main content, so link checks can tell them from the template's.
        if body.el.id() != page_el.id() {
            let in_body = body
                .el
                .descendent_elements()
                .skip(1)
                .filter(|e| matches!(e.value().name(), "a" | "area"));
            // Body links are page links: the page's cut, if any, is noted above.
            let mut body_cut = Vec::new();
            PageLinks::new(cfg.max_links).add_all(in_body, &res, &mut r.body_links, &mut body_cut);
        }
        let datastore =
            list::datastore_html(els.named(&["script"]), cfg).map(|s| Html::parse_fragment(&s));
        let datastore_els = datastore.as_ref().map(Elements::new);
        if let Some(ds) = &datastore_els {
            links.add_all(ds.named(&["a", "area"]), &res, &mut r.links, &mut r.cut);
        }
        let path = doc.url.path();
        let is_home =
            path == "/" || path_is_root(&r.url) || cfg.home_paths.iter().any(|p| p == path);
        let has_article_meta = meta(&cfg.title_meta).is_some_and(|t| !t.is_empty());
        let has_nav = r.prev.is_some() || r.next.is_some();
        let column_meta = meta(&cfg.column_meta).filter(|c| !c.is_empty());
        // Items only matter on what may be a list page; reading them is the dearest step.
        if !(is_home || has_article_meta || has_nav) {
            let max = cfg.max_list_items;
            let (items, cut) = match profile.and_then(|p| p.list_items.as_ref()) {
                Some(s) => list::items_in_rows(els.select(&s.text, &s.sel), &res, &r.url, cfg, max),
                // Hanweb's datastore is the list; the page around it only has boxes.
                None => match &datastore_els {
                    Some(ds) => list::items(ds.named(&["a"]), &res, &r.url, cfg, max),
                    None => list::items(els.named(&["a"]), &res, &r.url, cfg, max),
                },
            };
            r.items = items;
            if cut {
                r.cut.push(Limit::ListItems.key().into());
            }
        }
        r.kind = if is_home {
            PageKind::Home
        } else if has_article_meta || has_nav {
            PageKind::Article
        } else if r.items.len() >= cfg.list_min_items as usize || per_item_dates {
            PageKind::List
        } else if r.publish_date.is_some() {
            PageKind::Article
        } else if r.items.is_empty() && looks_like_article(&r.source, &body.lines, cfg) {
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
                let first = list::first_page(&r.url, cfg).unwrap_or_else(|| r.url.clone());
                let pages = list::pagination(
                    els.named(&["a"]),
                    els.named(&["script"]),
                    &res,
                    &r.url,
                    &first,
                    cfg,
                );
                for u in &pages {
                    if !links.push(&mut r.links, &mut r.cut, u.clone()) {
                        break;
                    }
                }
                r.pagination = pages;
                r.column_url = Some(first);
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
            r.cut.push(Limit::TextChars.key().into());
        }
        r.ignore = els
            .comments()
            .iter()
            .filter_map(|n| n.value().as_comment())
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
        els: &Elements<'a>,
        page_el: ElementRef<'a>,
        profile: Option<&profile::Profile>,
    ) -> Body<'a> {
        if let Some(s) = profile.and_then(|p| p.body.as_ref())
            && let Some(el) = els.select(&s.text, &s.sel).next()
        {
            return Body::of(el, true);
        }
        // The markers sit in one container; reading from it, not the page, keeps this cheap.
        if let Some(el) =
            text::comment_parent(page_el, els.comments(), &self.cfg.body_comment_start)
            && let Some(lines) = text::lines_between_comments(
                el,
                &self.cfg.body_comment_start,
                &self.cfg.body_comment_end,
            )
        {
            return Body {
                el,
                lines,
                of_el: false,
                known: true,
            };
        }
        for (text, sel) in &self.cfg.body_selectors {
            if let Some(el) = els
                .select(text, sel)
                .find(|e| e.text().any(|t| !t.trim().is_empty()))
            {
                return Body::of(el, true);
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
        Body::of(best.map(|(_, e)| e).unwrap_or(page_el), false)
    }

    /// A footer, menu or sidebar by its class or id, never the main text.
    fn is_boilerplate(&self, el: ElementRef<'_>) -> bool {
        let v = el.value();
        let words = v.attr("class").into_iter().chain(v.attr("id"));
        // The words are lower case (see `merge_from`): compared without copying.
        words.flat_map(str::split_ascii_whitespace).any(|w| {
            self.cfg
                .boilerplate_classes
                .iter()
                .any(|b| contains_ignore_ascii_case(w, b))
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
            .filter(|l| l.chars().count() <= cfg.soft_404_line_max_chars as usize)
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
        let cfg = &self.cfg;
        let site = meta(&cfg.site_name_meta).unwrap_or_default();
        let (max_chars, min_chars) = (cfg.title_max_chars as usize, cfg.title_min_chars as usize);
        // A heading that is not the site's name, not a link, and not too long.
        let usable = |h: ElementRef<'_>| -> Option<String> {
            let t = text::inline_max(h, cfg.title_max_bytes as usize)?;
            let in_link = h.descendent_elements().any(|e| e.value().name() == "a");
            (!t.is_empty() && t != site && !in_link && t.chars().count() <= max_chars).then_some(t)
        };
        // The heading the <title> repeats is the article's, not a box's.
        for (text, sel) in &cfg.title_selectors {
            if let Some(t) = els
                .select(text, sel)
                .filter_map(usable)
                .find(|t| t.chars().count() >= min_chars && doc_title.contains(t.as_str()))
            {
                return t;
            }
        }
        if let Some(t) = els.named(&["h1", "h2"]).find_map(usable) {
            return t;
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

/// Whether a canonical URL's path is `/` (`http://x.gov.cn/`, `…/?a=1`),
/// read without parsing it again.
fn path_is_root(url: &str) -> bool {
    url.split_once("://")
        .and_then(|(_, rest)| rest.find('/').map(|i| &rest[i..]))
        .is_some_and(|p| p == "/" || p.starts_with("/?"))
}

/// An article's signs besides a date: a source line, or sentences of prose in
/// the body. An empty list shows at most a `暂无信息` line.
fn looks_like_article(source: &Option<String>, body: &[String], cfg: &ExtractConfig) -> bool {
    let prose: usize = body
        .iter()
        .filter(|l| l.contains(cfg.prose_marks.as_slice()))
        .map(|l| l.chars().count())
        .sum();
    source.is_some() || prose >= cfg.article_min_prose_chars as usize
}

/// The date a document is signed with: the last lines of the body read
/// `云溪街道办事处` / `2019年3月6日`, or both on one line.
fn signed_date(lines: &[String], cfg: &ExtractConfig) -> Option<(Date, String)> {
    let max_line = cfg.signature_max_chars as usize;
    let tail: Vec<&String> = lines
        .iter()
        .rev()
        .take(cfg.signature_tail_lines as usize)
        .collect();
    for (i, line) in tail.iter().enumerate() {
        let l = line.trim();
        if l.chars().count() > max_line {
            continue;
        }
        if let Some(d) = parse_date(l) {
            // The issuer's name on the line before: short, not a sentence.
            let issuer = tail.get(i + 1).map(|s| s.trim()).unwrap_or("");
            let looks_like_issuer = !issuer.is_empty()
                && issuer.chars().count() <= max_line
                && !issuer.ends_with(cfg.clause_marks.as_slice());
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
                && before.chars().count() <= cfg.signature_prefix_max_chars as usize
                && !before.contains(cfg.clause_marks.as_slice());
            if plausible {
                return Some((m.date, l.to_string()));
            }
        }
    }
    None
}

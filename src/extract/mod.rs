//! Extraction: one fetched document in, one compact `PageRecord` out.

pub mod breadcrumb;
pub mod config;
pub mod date;
pub mod elements;
pub mod kinds;
pub mod labels;
pub mod limits;
pub mod links;
pub mod list;
pub mod nav;
pub mod profile;
pub mod record;
pub mod resources;
pub mod text;
pub mod trace;

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
use record::{ListShows, Origin, PageKind, PageRecord};
use trace::{Aside, Trace};

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
    /// `title_order` with the <title> first, for home pages.
    home_title_order: Vec<Origin>,
    kind_labels: kinds::KindLabels,
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

/// How a soft 404's error starts; what the page says follows.
pub const SOFT_404: &str = "soft 404: ";

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
            home_title_order: std::iter::once(Origin::TitleTag)
                .chain(
                    cfg.title_order
                        .iter()
                        .copied()
                        .filter(|o| *o != Origin::TitleTag),
                )
                .collect(),
            kind_labels: kinds::KindLabels::new(cfg),
            cfg: cfg.clone(),
        }
    }

    pub fn extract(&self, doc: &Document) -> PageRecord {
        self.run(doc, None)
    }

    /// The record, and how it was read: every field's source and the
    /// candidates set aside (`audit inspect`).
    pub fn inspect(&self, doc: &Document) -> (PageRecord, Trace) {
        let mut trace = Trace::default();
        let r = self.run(doc, Some(&mut trace));
        (r, trace)
    }

    fn run(&self, doc: &Document, trace: Option<&mut Trace>) -> PageRecord {
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
            if let Some(t) = trace {
                t.kind_reason = "unreadable".into();
            }
            return r;
        }
        if self.cfg.is_attachment_path(doc.url.path()) || !doc.is_html() {
            r.kind = PageKind::Attachment;
            if let Some(t) = trace {
                t.kind_reason = "not_html".into();
            }
            return r;
        }
        let (text, _) = decode(&doc.body, doc.content_type.as_deref());
        let (text, dropped) = limits::cap_depth(&text, self.cfg.max_depth as usize);
        let html = Html::parse_document(&text);
        if dropped > 0 {
            r.cut.push(Limit::Depth.key().into());
        }
        self.fill(&html, doc, &mut r, trace);
        r
    }

    fn fill(&self, html: &Html, doc: &Document, r: &mut PageRecord, mut trace: Option<&mut Trace>) {
        let cfg = &self.cfg;
        let tracing = trace.is_some();
        // Where-from descriptions are built only for `inspect`.
        let from = |f: &dyn Fn() -> String| if tracing { f() } else { String::new() };
        let els = Elements::with_hidden(html, &cfg.hidden_classes);
        // A `<base href>` moves every relative link, as it does in a browser.
        let base = els
            .named_all(&["base"])
            .find_map(|b| b.value().attr("href"))
            .and_then(|h| doc.url.join(h.trim()).ok())
            .filter(|u| matches!(u.scheme(), "http" | "https"));
        if let (Some(t), Some(b)) = (trace.as_deref_mut(), &base) {
            t.base = Some(b.to_string());
        }
        // Every link of the page (navigation, breadcrumb, list, pagination)
        // is resolved through this one cache.
        let res = Resolver::new(base.as_ref().unwrap_or(&doc.url));
        let profile = cfg.profile_for(&r.url);
        let path = doc.url.path();
        // A site in a folder (`/ycsrmzf/index.shtml`) is known by its 首页
        // link: on every other page it leads away, on the home page to itself.
        // A list's pager has a 首页 too, which is the list's first page.
        let in_pager = |a: ElementRef<'_>| {
            a.ancestors().take(2).filter_map(ElementRef::wrap).any(|p| {
                let t = text::inline(p);
                cfg.pagination_labels.iter().any(|l| t.contains(l.as_str()))
            })
        };
        let links_home_to_itself = || {
            // The address first: it is resolved once for every link anyway.
            els.named(&["a"]).any(|a| {
                a.value()
                    .attr("href")
                    .and_then(|h| res.get(h))
                    .is_some_and(|u| u.split('#').next() == Some(r.url.as_str()))
                    && cfg.breadcrumb_home.contains(&text::inline(a))
                    && !in_pager(a)
            })
        };
        let is_home = path == "/"
            || path_is_root(&r.url)
            || cfg.home_paths.iter().any(|p| p == path)
            || links_home_to_itself();
        let mut refresh = None;
        for m in els.named_all(&["meta"]) {
            let v = m.value();
            if let (Some(equiv), Some(content)) = (v.attr("http-equiv"), v.attr("content"))
                && equiv.eq_ignore_ascii_case("refresh")
            {
                refresh = resources::refresh_target(content).and_then(|u| res.get(u));
            }
            let name = v.attr("name").or_else(|| v.attr("property"));
            if let (Some(name), Some(content)) = (name, v.attr("content")) {
                r.meta
                    .entry(name.trim().to_string())
                    .or_insert_with(|| content.trim().to_string());
            }
        }
        // The first of `names` the page's meta tags carry: its name and value.
        let meta = |names: &[String]| -> Option<(String, String)> {
            names.iter().find_map(|n| {
                r.meta
                    .iter()
                    .find(|(k, _)| k.eq_ignore_ascii_case(n))
                    .map(|(k, v)| (k.clone(), v.clone()))
            })
        };
        let meta_title = meta(&cfg.title_meta).filter(|(_, v)| !v.is_empty());
        let meta_date = meta(&cfg.publish_date_meta).filter(|(_, v)| !v.is_empty());
        let meta_source = meta(&cfg.source_meta);
        let meta_column = meta(&cfg.column_meta).filter(|(_, v)| !v.is_empty());
        let site_name = meta(&cfg.site_name_meta)
            .map(|(_, v)| v)
            .unwrap_or_default();
        // The element a profile's selector names, when the page has a profile.
        let pick = |s: Option<&Sel>| -> Option<ElementRef<'_>> {
            s.and_then(|s| els.select(&s.text, &s.sel).next())
        };
        let profile_from = |key: &str, s: Option<&Sel>| {
            from(&|| {
                format!(
                    "[[profile]] {key} = \"{}\"",
                    s.map_or("", |s| s.text.as_str())
                )
            })
        };

        let root = html.root_element();
        let page_el = els.named_all(&["body"]).next().unwrap_or(root);
        let doc_title = els
            .named_all(&["title"])
            .next()
            .map(text::inline)
            .unwrap_or_default();
        let hidden = els.hidden();
        let mut body = self.body(&els, page_el, profile);
        // The page and its main text in one walk where the body's lines can
        // be told apart in it (nearly always).
        let page_lines = if body.of_el {
            let (page_lines, part) = text::lines_with_part(page_el, body.el.id(), hidden);
            body.lines = match part {
                Some(range) => page_lines[range].to_vec(),
                None => text::lines(body.el, hidden),
            };
            page_lines
        } else {
            text::lines(page_el, hidden)
        };

        // Labels in the body are prose, not metadata; only short lines before
        // the first paragraph may be an information line the container holds.
        let lead = body
            .lines
            .iter()
            .take(cfg.info_line_max_lines as usize)
            // The title and the information line under it: short lines that
            // are dated or not prose.
            .take_while(|l| {
                l.chars().count() < cfg.info_line_max_chars as usize
                    && (!find_dates(l).is_empty() || !l.contains(cfg.prose_marks.as_slice()))
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
        // The hits outside the body's prose, and those in it.
        let hits = |f: &Option<LabelFinder>| -> (Vec<LabelHit>, Vec<LabelHit>) {
            all_hits(f)
                .into_iter()
                // A table row (`发文机关	吉林省人民政府`) is an information table,
                // wherever it stands.
                .partition(|h| {
                    let line = page_lines[h.line].as_str();
                    line.contains('\t') || !body_set.contains(line)
                })
        };
        let label_origin = |h: &LabelHit| {
            if page_lines[h.line].contains('\t') {
                Origin::InfoTable
            } else {
                Origin::Label
            }
        };
        let hit_from = |h: &LabelHit| from(&|| describe_hit(&els, h, &page_lines));
        let mut picks = Picks { trace };

        // The title.
        let mut titles: Vec<Cand<String>> = Vec::new();
        let profile_title = profile.and_then(|p| p.title.as_ref());
        if let Some(el) = pick(profile_title) {
            let v = text::inline(el);
            titles.push(Cand::new(
                Origin::Profile,
                Some(v.clone()),
                v,
                profile_from("title", profile_title),
            ));
        }
        let meta_title_value = meta_title.as_ref().map(|(_, v)| v.as_str());
        // The breadcrumb's last entry repeats the <title> too, but is not the heading.
        let trail = breadcrumb::container(html, &res, cfg, &self.crumb_markers);
        let trail_id = trail.map(|(c, _)| c.id());
        let crumbs = trail.and_then(|(c, marked)| breadcrumb::read(c, marked, &res, cfg));
        let tag_head = self.title_tag_head(&doc_title);
        if let Some((t, el)) = self.heading(
            &els,
            &doc_title,
            &tag_head,
            meta_title_value,
            &site_name,
            trail_id,
        ) {
            titles.push(Cand::new(
                Origin::Heading,
                Some(t.clone()),
                t,
                from(&|| trace::describe(el)),
            ));
        }
        if let Some((name, v)) = &meta_title {
            titles.push(Cand::new(
                Origin::Meta,
                Some(v.clone()),
                v.clone(),
                from(&|| format!("<meta name=\"{name}\">")),
            ));
        }
        if let Some((t, el)) = self.any_heading(&els, &site_name)
            // The same heading found both ways is one candidate.
            && !titles.iter().any(|c| c.origin == Origin::Heading && c.value.as_ref() == Some(&t))
        {
            titles.push(Cand::new(
                Origin::AnyHeading,
                Some(t.clone()),
                t,
                from(&|| trace::describe(el)),
            ));
        }
        let mut head = tag_head;
        // `中国人民银行-沟通交流-新闻`: a <title> that puts the site first ends
        // with the page's own name, the breadcrumb's last entry.
        if let Some(last) = crumbs.as_ref().and_then(|c| c.last()) {
            let name = last.text.trim();
            let site_first = cfg.title_separators.iter().any(|sep| {
                let sep = sep.trim();
                !sep.is_empty()
                    && doc_title
                        .trim_end()
                        .strip_suffix(name)
                        .is_some_and(|rest| rest.trim_end().ends_with(sep))
            });
            if !name.is_empty() && site_first && head != name {
                head = name.to_string();
            }
        }
        if !head.is_empty() {
            titles.push(Cand::new(
                Origin::TitleTag,
                Some(head.clone()),
                head.clone(),
                from(&|| "<title>".into()),
            ));
        }
        // A home page's headings name its blocks (要闻, 宜起看); its name is the <title>.
        let title_order = if is_home {
            &self.home_title_order
        } else {
            &cfg.title_order
        };
        if let Some(c) = picks.take(
            "title",
            title_order,
            &titles,
            |c| c.value.as_deref().is_some_and(|v| !v.is_empty()),
            String::clone,
        ) {
            r.title = c.value.clone().unwrap_or_default();
            r.origins.title = c.origin;
        }

        // The publish date.
        let (publish_hits, publish_prose) = hits(&self.publish);
        // The same label on many rows is a list showing each item's date.
        let per_item_dates = publish_hits.len() >= cfg.list_min_date_labels as usize;
        let mut dates: Vec<Cand<Date>> = Vec::new();
        let profile_date = profile.and_then(|p| p.date.as_ref());
        if let Some(el) = pick(profile_date) {
            let v = text::inline(el);
            dates.push(Cand::new(
                Origin::Profile,
                date_of(&v),
                v,
                profile_from("date", profile_date),
            ));
        }
        match publish_hits.first() {
            Some(h) if !per_item_dates => dates.push(Cand::new(
                label_origin(h),
                date_of(&h.value),
                h.snippet.clone(),
                hit_from(h),
            )),
            Some(h) => picks.aside(
                "publish_date",
                h.value.clone(),
                Origin::Label,
                hit_from(h),
                Aside::PerItem,
            ),
            None => {}
        }
        if let Some((name, v)) = &meta_date {
            dates.push(Cand::new(
                Origin::Meta,
                date_of(v),
                v.clone(),
                from(&|| format!("<meta name=\"{name}\">")),
            ));
        }
        if publish_hits.is_empty() {
            // `日期：` and `时间：` say little, so only a lone one holding a date counts.
            let (generic, _) = hits(&self.generic_date);
            if generic.len() == 1 {
                let h = &generic[0];
                dates.push(Cand::new(
                    Origin::GenericLabel,
                    date_of(&h.value),
                    h.snippet.clone(),
                    hit_from(h),
                ));
            }
        }
        if let Some((d, line)) = self.info_line_date(&page_lines, &r.title) {
            dates.push(Cand::new(
                Origin::InfoLine,
                Some(d),
                line,
                from(&|| "the line under the title".into()),
            ));
        }
        if cfg.publish_date_order.contains(&Origin::Url)
            && let Some(d) = list::date_from_url(&r.url, cfg)
        {
            dates.push(Cand::new(
                Origin::Url,
                Some(d),
                doc.url.path().to_string(),
                from(&|| "the page's URL".into()),
            ));
        }
        match picks.take(
            "publish_date",
            &cfg.publish_date_order,
            &dates,
            |c| c.value.is_some(),
            |d| d.to_string(),
        ) {
            Some(c) => {
                r.publish_date = c.value;
                r.origins.publish_date = c.origin;
                r.snippets.insert("publish_date".into(), c.shown.clone());
            }
            // A label without a date is still quoted: it shows the date is missing.
            None => {
                if let Some(h) = publish_hits.first().filter(|_| !per_item_dates) {
                    r.snippets.insert("publish_date".into(), h.snippet.clone());
                }
            }
        }
        for h in &publish_prose {
            picks.aside(
                "publish_date",
                h.value.clone(),
                Origin::Label,
                hit_from(h),
                Aside::Prose,
            );
        }

        // The source.
        let mut sources: Vec<Cand<String>> = Vec::new();
        let profile_source = profile.and_then(|p| p.source.as_ref());
        if let Some(el) = pick(profile_source) {
            let shown = text::inline(el);
            let v = text::strip_label(&shown, &cfg.source_labels).to_string();
            sources.push(Cand::new(
                Origin::Profile,
                Some(v),
                shown,
                profile_from("source", profile_source),
            ));
        }
        let (source_hits, source_prose) = hits(&self.source);
        if let Some(h) = source_hits.first() {
            sources.push(Cand::new(
                label_origin(h),
                Some(h.value.clone()),
                h.snippet.clone(),
                hit_from(h),
            ));
        }
        if let Some((name, v)) = &meta_source {
            sources.push(Cand::new(
                Origin::Meta,
                Some(v.clone()),
                format!("<meta content=\"{v}\">"),
                from(&|| format!("<meta name=\"{name}\">")),
            ));
        }
        // A label shown empty is what the reader sees: no source, whatever the meta tag says.
        let shown = |c: &Cand<String>| {
            c.origin.is_visible() || c.value.as_deref().is_some_and(|v| !v.is_empty())
        };
        let chosen = picks
            .take("source", &cfg.source_order, &sources, shown, String::clone)
            .or_else(|| sources.first());
        if let Some(c) = chosen {
            r.source = c.value.clone();
            r.origins.source = c.origin;
            r.snippets.insert("source".into(), c.shown.clone());
        }
        for h in &source_prose {
            picks.aside(
                "source",
                h.value.clone(),
                Origin::Label,
                hit_from(h),
                Aside::Prose,
            );
        }
        for (finder, field, key) in [
            (&self.index_no, &mut r.index_no, "index_no"),
            (&self.doc_number, &mut r.doc_number, "doc_number"),
        ] {
            if let Some(h) = hits(finder).0.into_iter().next() {
                *field = Some(h.value.clone());
                r.snippets.insert(key.into(), h.snippet);
            }
        }

        // The document's own date.
        let mut written: Vec<Cand<Date>> = Vec::new();
        let profile_written = profile.and_then(|p| p.document_date.as_ref());
        if let Some(el) = pick(profile_written) {
            let v = text::inline(el);
            written.push(Cand::new(
                Origin::Profile,
                date_of(&v),
                v,
                profile_from("document_date", profile_written),
            ));
        }
        // The body's hits count too, unlike for the other labels: a 成文日期
        // is part of the document, and a hit must hold a date.
        let document_hits = all_hits(&self.document);
        if let Some(h) = document_hits
            .iter()
            .find(|h| date_of(&h.value).is_some())
            .or(document_hits.first())
        {
            written.push(Cand::new(
                label_origin(h),
                date_of(&h.value),
                h.snippet.clone(),
                hit_from(h),
            ));
        }
        if let Some((date, line)) = signed_date(&body.lines, cfg) {
            written.push(Cand::new(
                Origin::Signature,
                Some(date),
                line,
                from(&|| "the last lines of the body".into()),
            ));
        }
        if let Some(c) = picks.take(
            "document_date",
            &cfg.document_date_order,
            &written,
            |c| c.value.is_some(),
            |d| d.to_string(),
        ) {
            r.document_date = c.value;
            r.origins.document_date = c.origin;
            r.snippets.insert("document_date".into(), c.shown.clone());
        }

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
        links.add_all(
            els.named_all(&["a", "area"]),
            &res,
            &mut r.links,
            &mut r.cut,
        );
        let refreshes = refresh.is_some();
        if let Some(u) = refresh {
            links.push(&mut r.links, &mut r.cut, u);
        }
        // What the page embeds: checked like links, named by kind when missing.
        r.resources = resources::collect(els.named(resources::EMBEDDING), &res);
        for (_, u) in &r.resources {
            if !links.push(&mut r.links, &mut r.cut, u.clone()) {
                break;
            }
        }
        // Links of the main content, so link checks can tell them from the template's.
        if body.el.id() != page_el.id() {
            let in_body = body
                .el
                .descendent_elements()
                .skip(1)
                .filter(|e| matches!(e.value().name(), "a" | "area"));
            // Body links are page links: the page's cut, if any, is noted above.
            let mut body_cut = Vec::new();
            let mut body_links = PageLinks::new(cfg.max_links);
            // Targets named already: an icon link and a text link to one file
            // (`<a><img src=pdf.gif></a><a>活动方案</a>`) are named by the text.
            let mut named: std::collections::HashSet<String> = std::collections::HashSet::new();
            for a in in_body {
                let Some(u) = a.value().attr("href").and_then(|h| res.get(h)) else {
                    continue;
                };
                if named.contains(&u) {
                    continue;
                }
                // A finding about the link names it as the reader sees it
                // (「附件：活动方案」): the first text shown for the target.
                // The URL is copied only for a link that shows one.
                let named_by = links::shown_text(a, cfg.title_max_bytes as usize)
                    .map(|text| (u.clone(), text));
                // `true`: the target is among the body links, new or seen before.
                if !body_links.push(&mut r.body_links, &mut body_cut, u) {
                    break;
                }
                if let Some((kept, text)) = named_by {
                    named.insert(kept.clone());
                    r.link_texts.push((kept, text));
                }
            }
            let embedded = resources::collect(
                body.el
                    .descendent_elements()
                    .skip(1)
                    .filter(|e| resources::EMBEDDING.contains(&e.value().name())),
                &res,
            );
            for (_, u) in embedded {
                body_links.push(&mut r.body_links, &mut body_cut, u);
            }
        }
        let datastore =
            list::datastore_html(els.named_all(&["script"]), cfg).map(|s| Html::parse_fragment(&s));
        let datastore_els = datastore.as_ref().map(Elements::new);
        if let Some(ds) = &datastore_els {
            links.add_all(ds.named(&["a", "area"]), &res, &mut r.links, &mut r.cut);
        }
        let has_article_meta = meta_title.is_some();
        let has_nav = r.prev.is_some() || r.next.is_some();
        let crumbs = crumbs.unwrap_or_default();
        let last_any = crumbs.last();
        if !crumbs.is_empty() {
            // The whole trail, so that a meta column naming a parent column agrees.
            let trail: Vec<&str> = crumbs.iter().map(|c| c.text.as_str()).collect();
            r.snippets.insert("breadcrumb".into(), trail.join(" > "));
        }
        // Items only matter on what may be a list page; reading them is the dearest step.
        if !(is_home || has_article_meta || has_nav) {
            let max = cfg.max_list_items;
            let own: Vec<&str> = [
                Some(r.title.as_str()),
                last_any.map(|c| c.text.as_str()),
                meta_column.as_ref().map(|(_, v)| v.as_str()),
            ]
            .into_iter()
            .flatten()
            .collect();
            let groups = picks.trace.as_deref_mut().map(|t| &mut t.list_groups);
            let (items, cut) = match profile.and_then(|p| p.list_items.as_ref()) {
                Some(s) => list::items_in_rows(els.select(&s.text, &s.sel), &res, &r.url, cfg, max),
                // Hanweb's datastore is the list; the page around it only has boxes.
                None => match &datastore_els {
                    Some(ds) => list::items(ds.named(&["a"]), &res, &r.url, cfg, max, &own, groups),
                    None => list::items(els.named(&["a"]), &res, &r.url, cfg, max, &own, groups),
                },
            };
            r.items = items;
            if cut {
                r.cut.push(Limit::ListItems.key().into());
            }
        }
        let (kind, why) = self.kind_of(KindInput {
            is_home,
            refreshes,
            body_links: r.body_links.len(),
            title_tag: &head,
            url: &r.url,
            els: &els,
            page_lines: &page_lines,
            body_lines: &body.lines,
            title: &r.title,
            last_crumb: last_any,
            has_article_meta,
            has_nav,
            items: r.items.len(),
            per_item_dates,
            // A date under the title alone does not make an article (a short
            // list's first item stands there too) unless a source stands with it.
            dated: r.publish_date.is_some()
                && (r.origins.publish_date != Origin::InfoLine || r.source.is_some()),
            source: &r.source,
            column_meta: meta_column.as_ref().map(|(_, v)| v.as_str()),
        });
        r.kind = kind;
        if let Some(t) = picks.trace.as_deref_mut() {
            t.kind_reason = why.into();
        }
        // A landing page's or site map's headings name its blocks, as on the
        // home page (whose order puts <title> first): its name is the <title>.
        if r.kind == PageKind::Other
            && r.origins.title != Origin::TitleTag
            && let Some(c) = titles.iter().find(|c| c.origin == Origin::TitleTag)
        {
            r.title = c.shown.clone();
            r.origins.title = Origin::TitleTag;
            if let Some(t) = picks.trace.as_deref_mut() {
                t.retake("title", Origin::TitleTag.as_str(), Aside::BlockHeading);
            }
        }
        if r.kind != PageKind::List {
            r.items.clear();
        }
        if r.kind != PageKind::Article {
            r.publish_date = r.publish_date.filter(|_| r.kind != PageKind::List);
            // A list's or home page's last line is an item's date, not a signature.
            r.document_date = r.document_date.filter(|_| r.kind == PageKind::Other);
            for (field, dropped, origin) in [
                (
                    "publish_date",
                    r.publish_date.is_none(),
                    &mut r.origins.publish_date,
                ),
                (
                    "document_date",
                    r.document_date.is_none(),
                    &mut r.origins.document_date,
                ),
            ] {
                if dropped && *origin != Origin::None {
                    *origin = Origin::None;
                    if let Some(t) = picks.trace.as_deref_mut() {
                        t.drop_taken(field, Aside::NotForKind);
                    }
                }
            }
        }

        // The column: what the breadcrumb shows, else the meta tag (by `column_order`).
        // An article's column is the breadcrumb's last entry that is not the
        // article itself (its title, or a cut one, or any text too long to
        // be a column's name).
        let max_column = cfg.breadcrumb_column_max_chars as usize;
        let title_squeezed = squeeze(&r.title);
        let last_link = crumbs.iter().rev().find(|c| {
            let t = squeeze(&c.text);
            let cut = t.trim_end_matches(['…', '.']);
            let is_title = t == title_squeezed
                || (cut.chars().count() >= 6 && title_squeezed.starts_with(cut));
            let home = cfg.breadcrumb_home.iter().any(|h| squeeze(h) == t);
            !is_title && !home && t.chars().count() <= max_column
        });
        let crumb = match r.kind {
            PageKind::List | PageKind::SinglePage => last_any,
            PageKind::Article | PageKind::Letter | PageKind::ServiceGuide => last_link,
            _ => None,
        };
        let mut columns: Vec<Cand<String>> = Vec::new();
        if let Some(c) = crumb {
            columns.push(Cand::new(
                Origin::Breadcrumb,
                Some(c.text.clone()),
                c.text.clone(),
                from(&|| {
                    let all: Vec<&str> = crumbs.iter().map(|c| c.text.as_str()).collect();
                    format!("breadcrumb {}", all.join(" > "))
                }),
            ));
        }
        if let Some((name, v)) = &meta_column {
            columns.push(Cand::new(
                Origin::Meta,
                Some(v.clone()),
                v.clone(),
                from(&|| format!("<meta name=\"{name}\">")),
            ));
        }
        if let Some(c) = picks.take(
            "column",
            &cfg.column_order,
            &columns,
            |c| c.value.is_some(),
            String::clone,
        ) {
            r.column = c.value.clone();
            r.origins.column = c.origin;
        }
        match r.kind {
            PageKind::Article | PageKind::Letter | PageKind::ServiceGuide => {
                // The breadcrumb's link is the column's list page when it names the same column.
                r.column_url = last_link
                    .filter(|l| r.column.as_deref() == Some(l.text.as_str()))
                    .and_then(|l| l.url.clone());
            }
            PageKind::List => {
                // Page 2 of a list (`index_1.html`) belongs to the column of page 1.
                let first = list::first_page(&r.url, cfg).unwrap_or_else(|| r.url.clone());
                let pages = list::pagination(
                    els.named_all(&["a"]),
                    els.named_all(&["script"]),
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
                if r.items.is_empty() {
                    r.list_shows = match self.placeholder(&page_lines) {
                        Some(line) => ListShows::Placeholder(line),
                        None => ListShows::Unread(self.list_loader(&els)),
                    };
                }
            }
            _ => {}
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
            r.error = Some(format!("{SOFT_404}{why}"));
            r.kind = PageKind::Other;
            r.items.clear();
            r.pagination.clear();
            r.list_shows = ListShows::Items;
            if let Some(t) = picks.trace.as_deref_mut() {
                t.kind_reason = "soft_404".into();
            }
        }
        if let Some(t) = picks.trace {
            self.invisible_candidates(html, &els, t);
        }
    }

    /// The page's kind, and why, for `inspect`.
    fn kind_of(&self, k: KindInput<'_>) -> (PageKind, &'static str) {
        let cfg = &self.cfg;
        let text_chars: usize = k.body_lines.iter().map(|l| l.chars().count()).sum();
        // `/index.html` that only sends the reader to `/index.shtml` is not the home page.
        if k.refreshes && k.items == 0 && text_chars < cfg.article_min_prose_chars as usize {
            return (PageKind::Other, "refresh");
        }
        if k.is_home {
            return (PageKind::Home, "home");
        }
        if cfg.search_url_patterns.iter().any(|re| re.is_match(k.url)) {
            return (PageKind::Search, "search_url");
        }
        let password = k.els.named(&["input"]).any(|i| {
            i.value()
                .attr("type")
                .is_some_and(|t| t.eq_ignore_ascii_case("password"))
        });
        if password
            || cfg
                .login_title_patterns
                .iter()
                .any(|re| re.is_match(k.title))
        {
            return (PageKind::Login, "login");
        }
        if k.items >= cfg.list_min_items as usize || k.per_item_dates {
            return (PageKind::List, "dated_items");
        }
        let counts = self.kind_labels.count(k.page_lines);
        if counts.letter >= cfg.letter_min_labels.max(1) as usize {
            return (PageKind::Letter, "letter_labels");
        }
        let guide_title = cfg
            .guide_title_patterns
            .iter()
            .any(|re| re.is_match(k.title));
        if guide_title || counts.guide >= cfg.guide_min_labels.max(1) as usize {
            return (PageKind::ServiceGuide, "guide");
        }
        if k.has_article_meta || k.has_nav {
            return (PageKind::Article, "article_meta_or_nav");
        }
        if k.dated {
            return (PageKind::Article, "dated");
        }
        if k.items == 0 && self.placeholder(k.page_lines).is_some() {
            return (PageKind::List, "placeholder");
        }
        if k.items == 0 && self.list_loader(k.els).is_some() {
            return (PageKind::List, "list_loader");
        }
        // A column of one page (机构职能, 联系我们): undated text under a
        // breadcrumb that ends, unlinked, with the page's own column.
        if cfg
            .site_map_title_patterns
            .iter()
            .any(|re| re.is_match(k.title))
        {
            return (PageKind::Other, "site_map");
        }
        // Its heading is the column's name: a landing page's heading names a
        // block of it (政府信息公开指南 above the links to 政府信息公开's columns).
        let own_column = k
            .last_crumb
            .filter(|c| c.url.is_none())
            .is_some_and(|c| squeeze(k.title) == squeeze(&c.text));
        if k.items == 0
            && k.source.is_none()
            && own_column
            && k.body_links < cfg.list_min_items as usize
            && text_chars >= cfg.article_min_prose_chars as usize
        {
            return (PageKind::SinglePage, "own_column");
        }
        if k.items == 0 && looks_like_article(k.source, k.body_lines, cfg) {
            // A folder's index with prose and no items, named as the column
            // its breadcrumb ends with, is a section's landing page
            // (政府信息公开: a guide above the links to its columns). A document
            // in a folder of its own (`…/2019/index.html`) is named otherwise.
            let named_as_column = k.last_crumb.is_some_and(|c| {
                !k.title_tag.is_empty() && squeeze(&c.text) == squeeze(k.title_tag)
            });
            if named_as_column
                && cfg
                    .folder_index_patterns
                    .iter()
                    .any(|re| re.is_match(k.url))
            {
                return (PageKind::Other, "landing");
            }
            // TRS and others put ColumnName on articles too: an undated page
            // with a source line or prose is an article missing its date, not an empty list.
            return (PageKind::Article, "undated_prose");
        }
        if k.items > 0 || k.column_meta.is_some() {
            return (PageKind::List, "column_page");
        }
        (PageKind::Other, "other")
    }

    /// An unlabelled date on the short lines right under the title
    /// (`2022-02-11 09:52  打印本页`), the way many templates show the
    /// publish date: the only date there, on a line that is not prose.
    fn info_line_date(&self, lines: &[String], title: &str) -> Option<(Date, String)> {
        let cfg = &self.cfg;
        let t = squeeze(title);
        if t.chars().count() < cfg.title_min_chars as usize {
            return None;
        }
        // The title may run over several lines (`<p>主标题</p><div>副标题</div>`).
        let start = lines.iter().position(|l| {
            let l = squeeze(l);
            !l.is_empty() && t.starts_with(&l)
        })?;
        let mut seen = String::new();
        let mut at = start;
        for (i, l) in lines.iter().enumerate().skip(start) {
            seen.push_str(&squeeze(l));
            if !t.starts_with(&seen) {
                return None;
            }
            at = i;
            if seen == t {
                break;
            }
        }
        for l in lines
            .iter()
            .skip(at + 1)
            .take(cfg.info_line_max_lines as usize)
        {
            if l.chars().count() > cfg.info_line_max_chars as usize
                || l.contains(cfg.prose_marks.as_slice())
            {
                return None;
            }
            if l.trim_start()
                .starts_with(cfg.info_line_note_marks.as_slice())
            {
                return None;
            }
            let dates = find_dates(l);
            if let [one] = dates.as_slice() {
                return Some((one.date, l.clone()));
            }
            if dates.len() > 1 {
                return None;
            }
        }
        None
    }

    /// The placeholder line a page shows instead of a list (`暂无信息`).
    fn placeholder(&self, lines: &[String]) -> Option<String> {
        let pats = &self.cfg.empty_list_patterns;
        lines
            .iter()
            .map(|l| l.trim())
            .find(|l| pats.iter().any(|re| re.is_match(l)))
            .map(str::to_string)
    }

    /// The address a list page's script loads the list from, when visible.
    fn list_loader(&self, els: &Elements<'_>) -> Option<String> {
        for s in els.named_all(&["script"]) {
            let text: String = s.text().collect();
            for re in &self.cfg.list_loader_patterns {
                if let Some(u) = re.captures(&text).and_then(|c| c.name("url")) {
                    return Some(u.as_str().to_string());
                }
            }
        }
        None
    }

    /// For `inspect`: the labels in text a reader does not see (hidden
    /// elements, comments, attributes), as set-aside candidates.
    fn invisible_candidates(&self, html: &Html, els: &Elements<'_>, t: &mut Trace) {
        let finders = [
            ("publish_date", &self.publish),
            ("publish_date", &self.generic_date),
            ("document_date", &self.document),
            ("source", &self.source),
        ];
        let mut look =
            |lines: Vec<String>, origin: &str, from: &dyn Fn() -> String, aside: Aside| {
                for (field, f) in &finders {
                    let Some(f) = f else { continue };
                    for h in f.find_in(&lines, 0..lines.len()) {
                        t.push_as(field, h.value, origin, from(), Some(aside));
                    }
                }
            };
        let none = elements::Hidden::default();
        for el in html.root_element().descendent_elements() {
            if els.hidden().is_root(el.id()) {
                look(
                    text::lines(el, &none),
                    "hidden",
                    &|| trace::describe(el),
                    Aside::Hidden,
                );
            }
            for (k, v) in el.value().attrs() {
                if matches!(k, "alt" | "title" | "value" | "placeholder" | "aria-label") {
                    look(
                        vec![v.trim().to_string()],
                        "attribute",
                        &|| format!("{k}=\"…\" of {}", trace::describe(el)),
                        Aside::Attribute,
                    );
                }
            }
        }
        for c in els.comments() {
            if let Some(text) = c.value().as_comment() {
                // A commented-out block is markup (`<!-- <div>成文日期：…</div> -->`):
                // read as a browser would show it if it were not commented out.
                let fragment = Html::parse_fragment(text);
                let lines = text::lines(fragment.root_element(), &none);
                look(lines, "comment", &|| "<!-- … -->".into(), Aside::Comment);
            }
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
                els.hidden(),
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
            if cfg.soft_404_title_patterns.iter().any(|re| re.is_match(t)) {
                // What the reader sees: the title as shown.
                return Some(t.to_string());
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

    /// A heading usable as a title: not the site's name, not a link, not too long.
    fn usable(&self, h: ElementRef<'_>, site: &str) -> Option<String> {
        let cfg = &self.cfg;
        let t = text::inline_max(h, cfg.title_max_bytes as usize)?;
        let in_link = h.descendent_elements().any(|e| e.value().name() == "a");
        (!t.is_empty()
            && t != site
            && !in_link
            && t.chars().count() <= cfg.title_max_chars as usize)
            .then_some(t)
    }

    /// The article's visible heading, confirmed: one of `title_selectors`
    /// that the `<title>` repeats, or a heading that reads as the meta title.
    fn heading<'a>(
        &self,
        els: &Elements<'a>,
        doc_title: &str,
        head: &str,
        meta_title: Option<&str>,
        site: &str,
        trail: Option<ego_tree::NodeId>,
    ) -> Option<(String, ElementRef<'a>)> {
        let min_chars = self.cfg.title_min_chars as usize;
        for (text, sel) in &self.cfg.title_selectors {
            if let Some(found) = els
                .select(text, sel)
                .filter_map(|h| self.usable(h, site).map(|t| (t, h)))
                .find(|(t, _)| t.chars().count() >= min_chars && doc_title.contains(t.as_str()))
            {
                return Some(found);
            }
        }
        // A heading in plain markup (`<td class="xx_title"><font><b>…`, or
        // lines broken by `<br>`): the longest element outside links whose
        // text the `<title>` repeats, as long as most of what the `<title>`
        // says before the site's name. Spaces do not count: a `<title>`
        // keeps an ideographic space that the heading breaks into lines.
        let squeezed_title = squeeze(doc_title);
        let want = (squeeze(head).chars().count() / 2).max(min_chars);
        let max = self.cfg.title_max_chars as usize;
        let repeated = |t: &str| {
            let s = squeeze(t);
            let n = s.chars().count();
            (n >= min_chars && n <= max && squeezed_title.contains(&s)).then_some(n)
        };
        let by_text = els
            .texts()
            .iter()
            .filter_map(|n| {
                let t = n.value().as_text()?.trim();
                repeated(t)?;
                let in_link = n.ancestors().take(4).any(|a| {
                    a.value()
                        .as_element()
                        .is_some_and(|e| matches!(e.name(), "a" | "title"))
                        || Some(a.id()) == trail
                });
                if in_link || t == site {
                    return None;
                }
                // The whole heading: up while the parent's text is still repeated.
                let mut el = n.parent().and_then(ElementRef::wrap)?;
                let mut text = text::inline_max(el, max * 4)?;
                for _ in 0..3 {
                    let Some(p) = el.parent().and_then(ElementRef::wrap) else {
                        break;
                    };
                    match text::inline_max(p, max * 4) {
                        Some(pt) if repeated(&pt).is_some() => {
                            el = p;
                            text = pt;
                        }
                        _ => break,
                    }
                }
                // A heading the parser split (`<p>主标题<div>——副标题</div></p>`
                // closes the `<p>` before the `<div>`): its next siblings.
                for sib in el.next_siblings() {
                    let next = match ElementRef::wrap(sib) {
                        Some(e) => text::inline_max(e, max * 4),
                        None => sib
                            .value()
                            .as_text()
                            .filter(|t| t.trim().is_empty())
                            .map(|_| String::new()),
                    };
                    let Some(next) = next else { break };
                    if next.is_empty() {
                        continue;
                    }
                    let joined = format!("{text} {next}");
                    if repeated(&joined).is_none() {
                        break;
                    }
                    text = joined;
                }
                let n = repeated(&text)?;
                (n >= want && text != site).then_some((text, el, n))
            })
            .max_by_key(|(_, _, n)| *n)
            .map(|(t, el, _)| (t, el));
        if by_text.is_some() {
            return by_text;
        }
        let meta = meta_title?;
        self.cfg
            .title_selectors
            .iter()
            .flat_map(|(text, sel)| els.select(text, sel))
            .chain(els.named(&["h1", "h2", "h3"]))
            .filter_map(|h| self.usable(h, site).map(|t| (t, h)))
            .find(|(t, _)| t == meta)
    }

    /// The first usable `<h1>`/`<h2>`, unconfirmed.
    fn any_heading<'a>(&self, els: &Elements<'a>, site: &str) -> Option<(String, ElementRef<'a>)> {
        els.named(&["h1", "h2"])
            .find_map(|h| self.usable(h, site).map(|t| (t, h)))
    }

    /// The `<title>` without the site's name after its last separator, and
    /// without a column's name before that (`标题_工作动态_某市人民政府`). A
    /// separator inside the title (`（2023—2025年）`) stays: a part holding a
    /// digit is not a name.
    fn title_tag_head(&self, doc_title: &str) -> String {
        let last_cut = |s: &str| -> Option<(usize, usize)> {
            self.cfg
                .title_separators
                .iter()
                .filter(|sep| !sep.is_empty())
                .filter_map(|sep| s.rfind(sep.as_str()).map(|i| (i, i + sep.len())))
                .filter(|(i, _)| !s[..*i].trim().is_empty())
                .max_by_key(|(i, _)| *i)
        };
        let mut head = doc_title.trim();
        let mut first_sep: Option<String> = None;
        for n in 0..2 {
            let Some((i, j)) = last_cut(head) else { break };
            // A second cut (`标题_栏目_网站`) takes the same separator as the
            // first: `中国-东盟博览会开幕_南宁市` keeps its hyphen.
            let sep = head[i..j].trim().to_string();
            if first_sep.as_ref().is_some_and(|f| *f != sep) {
                break;
            }
            first_sep = Some(sep);
            let tail = head[j..].trim();
            // A dash may stand inside a title (`2023—2025年`); `_` and `|` never do.
            let dash = head[i..j]
                .trim()
                .chars()
                .all(|c| matches!(c, '-' | '—' | '–'));
            let digits = tail
                .chars()
                .any(|c| c.is_ascii_digit() || ('０'..='９').contains(&c));
            if (dash && digits) || (n > 0 && tail.chars().count() > 10) {
                break;
            }
            head = head[..i].trim();
            // `标题__网站`: a doubled separator leaves its first half behind.
            while let Some(sep) = self
                .cfg
                .title_separators
                .iter()
                .map(|sep| sep.trim())
                .find(|sep| !sep.is_empty() && head.ends_with(sep))
            {
                head = head[..head.len() - sep.len()].trim_end();
            }
        }
        head.to_string()
    }
}

/// One value a field could take, and where it was read.
struct Cand<T> {
    origin: Origin,
    value: Option<T>,
    /// The page's text, as quoted in findings.
    shown: String,
    /// Where exactly, for `inspect` (empty otherwise).
    from: String,
}

impl<T> Cand<T> {
    fn new(origin: Origin, value: Option<T>, shown: String, from: String) -> Cand<T> {
        Cand {
            origin,
            value,
            shown,
            from,
        }
    }
}

/// Chooses each field's value by its order, telling the trace (when there
/// is one) about every candidate.
struct Picks<'t> {
    trace: Option<&'t mut Trace>,
}

impl Picks<'_> {
    /// The first candidate of `order` that `ok` accepts. An information-table
    /// row counts as a label in the order.
    fn take<'c, T>(
        &mut self,
        field: &str,
        order: &[Origin],
        cands: &'c [Cand<T>],
        ok: impl Fn(&Cand<T>) -> bool,
        show: impl Fn(&T) -> String,
    ) -> Option<&'c Cand<T>> {
        let rank = |o: Origin| {
            if o == Origin::InfoTable {
                Origin::Label
            } else {
                o
            }
        };
        let chosen = order
            .iter()
            .find_map(|o| cands.iter().position(|c| rank(c.origin) == *o && ok(c)));
        if let Some(t) = self.trace.as_deref_mut() {
            for (i, c) in cands.iter().enumerate() {
                let aside = if Some(i) == chosen {
                    None
                } else if ok(c) && order.contains(&rank(c.origin)) {
                    Some(Aside::LowerPriority)
                } else {
                    Some(Aside::NoValue)
                };
                let value = match &c.value {
                    Some(v) => show(v),
                    None => c.shown.clone(),
                };
                t.push(field, value, c.origin, c.from.clone(), aside);
            }
        }
        chosen.map(|i| &cands[i])
    }

    fn aside(&mut self, field: &str, value: String, origin: Origin, from: String, why: Aside) {
        if let Some(t) = self.trace.as_deref_mut() {
            t.push(field, value, origin, from, Some(why));
        }
    }
}

/// What deciding a page's kind looks at.
struct KindInput<'a> {
    is_home: bool,
    url: &'a str,
    els: &'a Elements<'a>,
    page_lines: &'a [String],
    body_lines: &'a [String],
    title: &'a str,
    last_crumb: Option<&'a breadcrumb::Crumb>,
    has_article_meta: bool,
    has_nav: bool,
    items: usize,
    per_item_dates: bool,
    dated: bool,
    source: &'a Option<String>,
    column_meta: Option<&'a str>,
    /// A `<meta http-equiv="refresh">` sends the reader on.
    refreshes: bool,
    /// Links inside the main content.
    body_links: usize,
    /// What the <title> says before the site's name.
    title_tag: &'a str,
}

/// Text without any white space, as titles are compared.
fn squeeze(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace()).collect()
}

/// `label 发布时间 in <span class="info">` or `info-table row 发布日期`.
fn describe_hit(els: &Elements<'_>, h: &LabelHit, lines: &[String]) -> String {
    let label: String = h
        .snippet
        .chars()
        .take_while(|c| !matches!(c, ':' | '：' | ' ' | '\t'))
        .collect();
    if lines.get(h.line).is_some_and(|l| l.contains('\t')) {
        return format!("info-table row {label}");
    }
    let holder = els
        .texts()
        .iter()
        .find(|t| {
            t.value()
                .as_text()
                .is_some_and(|x| x.contains(label.as_str()))
        })
        .and_then(|n| n.parent())
        .and_then(ElementRef::wrap);
    match holder {
        Some(el) => format!("label {label} in {}", trace::describe(el)),
        None => format!("label {label}"),
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_title_tag_loses_the_site_name_not_its_own_hyphens() {
        let rules = crate::load_rules(true, &[]).expect("shipped rules");
        let ex = Extractor::new(&rules.extract);
        for (title, head) in [
            ("工作动态-青岚县农业农村局", "工作动态"),
            (
                "关于印发方案的通知_政策文件_某市人民政府",
                "关于印发方案的通知",
            ),
            ("中国-东盟博览会开幕_南宁市人民政府", "中国-东盟博览会开幕"),
            ("2023-2025年行动计划", "2023-2025年行动计划"),
            ("新冠疫苗接种安排 - 某县", "新冠疫苗接种安排"),
        ] {
            assert_eq!(ex.title_tag_head(title), head, "{title}");
        }
    }
}

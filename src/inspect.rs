//! `audit inspect`: one page exactly as the checks see it. When a finding
//! looks wrong on a new CMS, this says which value was taken for each field,
//! from where, and which candidates were set aside and why, so that a
//! `[[profile]]` can be written. Over HTTP the page is fetched the way a
//! crawl fetches it (robots.txt, politeness, charset, safety filter); a
//! local file is mapped to its URL under `--base-url`.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use serde::Serialize;
use url::Url;

use crate::error::AuditError;
use crate::extract::Extractor;
use crate::extract::record::{ListItem, ListShows, NavLink, PageRecord};
use crate::extract::trace::{Candidate, ListGroup, Trace};
use crate::source::http::HttpSource;
use crate::source::{Document, Source};
use crate::{AuditConfig, RuleSet, RunShared, is_url};

/// How many list items the inspection shows.
pub const MAX_ITEMS: usize = 20;

/// What a 上一篇/下一篇 target turned out to be.
#[derive(Debug, Clone, Serialize)]
pub struct Target {
    pub status: u16,
    pub kind: String,
    pub title: String,
    /// The entry's text is the target's title (or starts it, cut short).
    pub title_matches: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct NavEntry {
    /// `prev` or `next`.
    pub which: &'static str,
    pub text: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    pub placeholder: bool,
    /// Read when the target could be fetched (same host) or found on disk.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub target: Option<Target>,
}

#[derive(Debug, Clone, Serialize)]
pub struct ListView {
    /// `items`, `placeholder` or `unread`.
    pub shows: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub placeholder: Option<String>,
    /// The script or API address the list is loaded from, when visible.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub loader: Option<String>,
    pub count: usize,
    /// The first [`MAX_ITEMS`] items.
    pub items: Vec<ListItem>,
    /// Every group of dated links seen, and which one is the list.
    pub groups: Vec<ListGroup>,
}

/// One page as the checks see it. The JSON form (`--format json`) is a
/// public contract like the correction list's: fields are added, never renamed.
#[derive(Debug, Clone, Serialize)]
pub struct Inspection {
    pub url: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub file: Option<String>,
    pub status: u16,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    pub kind: String,
    /// Why the page got its kind (a key, worded in the text form).
    pub kind_reason: String,
    pub title: String,
    pub publish_date: Option<String>,
    pub document_date: Option<String>,
    pub source: Option<String>,
    pub column: Option<String>,
    pub column_url: Option<String>,
    pub categories: Vec<String>,
    /// 索引号, 文号 and the other labelled values quoted from the page.
    pub info: BTreeMap<String, String>,
    /// For every field, the value taken first (no `set_aside`) and the
    /// candidates set aside with why.
    pub fields: BTreeMap<String, Vec<Candidate>>,
    pub nav: Vec<NavEntry>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub list: Option<ListView>,
    pub body_chars: usize,
    pub links: usize,
    pub resources: usize,
    pub pagination: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub base: Option<String>,
    pub meta: BTreeMap<String, String>,
}

/// Where a local file's URL comes from.
#[derive(Debug, Clone, Default)]
pub struct FileMapping {
    /// The URL the site directory stands for.
    pub base_url: Option<String>,
    /// The site directory; the file's own folder when not given.
    pub site_dir: Option<PathBuf>,
}

/// Inspects a URL (fetched as a crawl would) or a local file.
pub fn inspect(
    target: &str,
    cfg: &AuditConfig,
    rules: &RuleSet,
    map: &FileMapping,
) -> Result<Inspection, AuditError> {
    let extractor = Extractor::new(&rules.extract);
    if is_url(target) {
        let url = Url::parse(target)
            .map_err(|e| AuditError::Usage(format!("`{target}` is not a valid URL: {e}")))?;
        let shared = RunShared::new(cfg, rules);
        let (record, trace) = fetch_one(&url, cfg, rules, &shared, &extractor)?;
        let mut view = build(record, trace, rules);
        for entry in &mut view.nav {
            let Some(u) = entry.url.as_deref().and_then(|u| Url::parse(u).ok()) else {
                continue;
            };
            // Only the site's own pages, as a crawl would fetch them.
            if u.host_str() != url.host_str() {
                continue;
            }
            if let Ok((r, _)) = fetch_one(&u, cfg, rules, &shared, &extractor) {
                entry.target = Some(target_of(&entry.text, &r));
            }
        }
        return Ok(view);
    }
    let file = PathBuf::from(target);
    if !file.is_file() {
        return Err(AuditError::Usage(format!(
            "`{target}` is neither an http(s) URL nor a file"
        )));
    }
    let (site_dir, base) = mapping(&file, map)?;
    let url = url_of(&site_dir, &file, &base)?;
    let doc = read_doc(&file, url, &site_dir)?;
    let (record, trace) = extractor.inspect(&doc);
    let mut view = build(record, trace, rules);
    for entry in &mut view.nav {
        let Some(u) = entry.url.as_deref().and_then(|u| Url::parse(u).ok()) else {
            continue;
        };
        let Some(path) = file_of(&site_dir, &base, &u, &rules.extract.html_extensions) else {
            continue;
        };
        entry.target = Some(match read_doc(&path, u, &site_dir) {
            Ok(doc) => target_of(&entry.text, &extractor.extract(&doc)),
            Err(e) => Target {
                status: 0,
                kind: String::new(),
                title: String::new(),
                title_matches: false,
                error: Some(e.to_string()),
            },
        });
    }
    Ok(view)
}

/// One page fetched as the crawl fetches its start page: robots.txt, the
/// politeness gates, the safety filter, redirects, charset.
fn fetch_one(
    url: &Url,
    cfg: &AuditConfig,
    rules: &RuleSet,
    shared: &RunShared,
    extractor: &Extractor,
) -> Result<(PageRecord, Trace), AuditError> {
    let mut opts = cfg.http_options(rules);
    opts.crawl.max_pages = 1;
    opts.crawl.max_depth = Some(0);
    opts.crawl.sitemaps = false;
    opts.crawl.cache_dir = None;
    let mut source = HttpSource {
        start: url.clone(),
        opts,
        gates: shared.gates.clone(),
        progress: shared.progress.site(url.as_str()),
    };
    let traced: Mutex<Option<(PageRecord, Trace)>> = Mutex::new(None);
    let start = crate::source::urls::canonical(url);
    source.run(
        &|doc: &Document| {
            let (r, t) = extractor.inspect(doc);
            let mut slot = traced.lock().unwrap_or_else(|p| p.into_inner());
            // The start page (or where it redirected) comes first.
            if slot.is_none() || r.url == start {
                *slot = Some((r.clone(), t));
            }
            r
        },
        &mut |_| {},
    )?;
    traced
        .into_inner()
        .unwrap_or_else(|p| p.into_inner())
        .ok_or_else(|| AuditError::Site(format!("{url} could not be fetched")))
}

/// The site directory and its base URL for a local file: the flags, else
/// the file's own folder under `http://localhost/`.
fn mapping(file: &Path, map: &FileMapping) -> Result<(PathBuf, Url), AuditError> {
    let site_dir = match &map.site_dir {
        Some(d) => d.clone(),
        None => file.parent().map(Path::to_path_buf).unwrap_or_default(),
    };
    let site_dir = if site_dir.as_os_str().is_empty() {
        PathBuf::from(".")
    } else {
        site_dir
    };
    Ok((
        site_dir,
        crate::source::dir::base_url(map.base_url.as_deref())?,
    ))
}

/// `site/gzdt/a.html` → `BASE/gzdt/a.html`.
fn url_of(site_dir: &Path, file: &Path, base: &Url) -> Result<Url, AuditError> {
    let (root, abs) = (canonical_path(site_dir)?, canonical_path(file)?);
    let rel = abs.strip_prefix(&root).map_err(|_| {
        AuditError::Usage(format!(
            "{} is not inside the site directory {}",
            file.display(),
            site_dir.display()
        ))
    })?;
    Ok(crate::source::dir::url_for(base, rel))
}

fn canonical_path(p: &Path) -> Result<PathBuf, AuditError> {
    p.canonicalize()
        .map_err(|e| AuditError::Usage(format!("cannot read {}: {e}", p.display())))
}

/// The file a URL under `base` names: `BASE/gzdt/` → `site/gzdt/index.html`.
fn file_of(site_dir: &Path, base: &Url, u: &Url, html_exts: &[String]) -> Option<PathBuf> {
    let rest = u.as_str().strip_prefix(base.as_str())?;
    let rest = rest.split(['?', '#']).next().unwrap_or("");
    let rel = crate::source::urls::percent_decode(rest);
    let path = site_dir.join(&rel);
    if rel.is_empty() || rel.ends_with('/') {
        return html_exts
            .iter()
            .map(|e| path.join(format!("index.{e}")))
            .find(|p| p.is_file());
    }
    path.is_file().then_some(path)
}

fn read_doc(file: &Path, url: Url, site_dir: &Path) -> Result<Document, AuditError> {
    let body = std::fs::read(file)
        .map_err(|e| AuditError::Usage(format!("cannot read {}: {e}", file.display())))?;
    let rel = file.strip_prefix(site_dir).unwrap_or(file).to_path_buf();
    Ok(Document {
        url,
        status: 200,
        content_type: None,
        body,
        file: Some(rel),
        error: None,
        depth: 0,
    })
}

/// What a 上一篇/下一篇 target is, and whether the entry names it.
fn target_of(text: &str, r: &PageRecord) -> Target {
    let squeeze = |s: &str| -> String { s.split_whitespace().collect() };
    let (shown, title) = (squeeze(text), squeeze(&r.title));
    let cut = shown.trim_end_matches(['…', '.', '。']);
    Target {
        status: r.status,
        kind: r.kind.as_str().to_string(),
        title: r.title.clone(),
        title_matches: !title.is_empty()
            && (shown == title || (!cut.is_empty() && title.starts_with(cut))),
        error: r.error.clone(),
    }
}

fn nav_entry(which: &'static str, n: &NavLink) -> NavEntry {
    NavEntry {
        which,
        text: n.text.clone(),
        url: n.url.clone(),
        placeholder: n.placeholder,
        target: None,
    }
}

fn build(r: PageRecord, t: Trace, rules: &RuleSet) -> Inspection {
    let site = crate::site::Site::build(vec![r], rules);
    let categories = site.page_categories.first().cloned().unwrap_or_default();
    let r = site.records.into_iter().next().unwrap_or_default();
    let mut info: BTreeMap<String, String> = BTreeMap::new();
    if let Some(v) = &r.index_no {
        info.insert("index_no".into(), v.clone());
    }
    if let Some(v) = &r.doc_number {
        info.insert("doc_number".into(), v.clone());
    }
    for (k, v) in &r.snippets {
        info.entry(format!("quote:{k}"))
            .or_insert_with(|| v.clone());
    }
    let nav = [("prev", &r.prev), ("next", &r.next)]
        .into_iter()
        .filter_map(|(w, n)| n.as_ref().map(|n| nav_entry(w, n)))
        .collect();
    // The groups also show on a page that did not turn out a list: why not is the question.
    let list = (r.kind == crate::extract::record::PageKind::List || !t.list_groups.is_empty())
        .then(|| {
            let (shows, placeholder, loader) = match &r.list_shows {
                ListShows::Items => ("items", None, None),
                ListShows::Placeholder(l) => ("placeholder", Some(l.clone()), None),
                ListShows::Unread(l) => ("unread", None, l.clone()),
            };
            ListView {
                shows,
                placeholder,
                loader,
                count: r.items.len(),
                items: r.items.iter().take(MAX_ITEMS).cloned().collect(),
                groups: t.list_groups.clone(),
            }
        });
    Inspection {
        url: r.url.clone(),
        file: r.file.clone(),
        status: r.status,
        error: r.error.clone(),
        kind: r.kind.as_str().to_string(),
        kind_reason: t.kind_reason,
        title: r.title.clone(),
        publish_date: r.publish_date.map(|d| d.to_string()),
        document_date: r.document_date.map(|d| d.to_string()),
        source: r.source.clone(),
        column: r.column.clone(),
        column_url: r.column_url.clone(),
        categories,
        info,
        fields: t.fields,
        nav,
        list,
        body_chars: r.text.chars().count(),
        links: r.links.len(),
        resources: r.resources.len(),
        pagination: r.pagination.clone(),
        base: t.base,
        meta: r.meta.clone(),
    }
}

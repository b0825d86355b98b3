//! The site model: page records joined into columns with their dated items,
//! and each page's categories. Site-level checks read only this.

use std::collections::{BTreeMap, HashMap};

use jiff::civil::Date;

use crate::extract::record::{ListShows, PageKind, PageRecord};
use crate::rules::{GlobTarget, RuleSet};
use crate::source::urls::{extension, percent_decode};

/// One dated entry of a column, from its list pages or from the article itself.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ColumnItem {
    pub url: String,
    pub title: String,
    pub date: Option<Date>,
}

#[derive(Debug, Clone)]
pub struct Column {
    pub name: String,
    /// The column's list page, when known.
    pub url: Option<String>,
    pub categories: Vec<String>,
    /// Items deduplicated by URL, newest first; undated items last.
    pub items: Vec<ColumnItem>,
    /// The column's list page showed no list that could be read (cut, empty
    /// markup, or filled in by a script): its items are unknown, so it is
    /// neither stale nor empty as far as the audit can tell.
    pub unread_list: Option<String>,
}

impl Column {
    /// Dated items on or before `as_of`, newest first: what the site had published by then.
    pub fn dated_until(&self, as_of: Date) -> Vec<&ColumnItem> {
        self.items
            .iter()
            .filter(|i| i.date.is_some_and(|d| d <= as_of))
            .collect()
    }
}

#[derive(Debug, Default)]
pub struct Site {
    pub records: Vec<PageRecord>,
    pub by_url: HashMap<String, usize>,
    pub columns: Vec<Column>,
    /// Categories of each record, parallel to `records`.
    pub page_categories: Vec<Vec<String>>,
    /// Every resource of the site is a record (directory mode, not cut short by a
    /// page limit), so an in-scope link without a record points at nothing.
    pub complete_listing: bool,
    /// The start URL (HTTP) or base URL (directory mode): links on its host are internal.
    pub root_url: Option<url::Url>,
    /// Extensions of files a static site holds (pages and attachments), lower case.
    /// In directory mode only such a missing target is broken; `.jsp`, `.do`… are served by programs.
    pub static_extensions: Vec<String>,
    /// Records by percent-decoded URL, built on first use: `%e9`, `%E9` and `é` name one file.
    decoded: std::sync::OnceLock<HashMap<String, usize>>,
    /// The root URL's origin as text (`http://host:port`), built on first use.
    origin: std::sync::OnceLock<Option<String>>,
}

/// What a link's target turned out to be.
#[derive(Debug, Clone, Copy)]
pub enum LinkState<'a> {
    /// A record that could be read.
    Ok(&'a PageRecord),
    /// A record with an HTTP error, a transport error or a soft 404.
    Broken(&'a PageRecord),
    /// An internal target that does not exist (only known in directory mode).
    Missing,
    /// A target on another host that the audit did not check.
    OffSite,
    /// An internal target the audit did not fetch (page limit, not crawled).
    Unknown,
}

impl Site {
    pub fn build(records: Vec<PageRecord>, rules: &RuleSet) -> Site {
        let by_url: HashMap<String, usize> = records
            .iter()
            .enumerate()
            .map(|(i, r)| (r.url.clone(), i))
            .collect();

        // Columns are keyed by their list page URL when one is known, else by name.
        let mut keys: BTreeMap<String, usize> = BTreeMap::new();
        let mut columns: Vec<Column> = Vec::new();
        let mut ensure = |name: &str, url: Option<&str>, columns: &mut Vec<Column>| -> usize {
            let key = match url {
                Some(u) => format!("url:{u}"),
                None => format!("name:{name}"),
            };
            if let Some(&i) = keys.get(&key) {
                if columns[i].name.is_empty() && !name.is_empty() {
                    columns[i].name = name.to_string();
                }
                return i;
            }
            columns.push(Column {
                name: name.to_string(),
                url: url.map(str::to_string),
                categories: Vec::new(),
                items: Vec::new(),
                unread_list: None,
            });
            keys.insert(key, columns.len() - 1);
            columns.len() - 1
        };

        let mut items: Vec<BTreeMap<String, ColumnItem>> = Vec::new();
        let add = |col: usize,
                   item: ColumnItem,
                   authoritative: bool,
                   items: &mut Vec<BTreeMap<String, ColumnItem>>| {
            while items.len() <= col {
                items.push(BTreeMap::new());
            }
            let slot = &mut items[col];
            match slot.get_mut(&item.url) {
                Some(existing) => {
                    // The article's own publish date beats the date its list shows.
                    if authoritative && item.date.is_some() || existing.date.is_none() {
                        existing.date = item.date.or(existing.date);
                    }
                    if existing.title.is_empty() {
                        existing.title = item.title;
                    }
                }
                None => {
                    slot.insert(item.url.clone(), item);
                }
            }
        };

        for r in records.iter().filter(|r| r.kind == PageKind::List) {
            let name = r.column.clone().unwrap_or_else(|| r.title.clone());
            let col = ensure(
                &name,
                Some(r.column_url.as_deref().unwrap_or(&r.url)),
                &mut columns,
            );
            for it in &r.items {
                let item = ColumnItem {
                    url: it.url.clone(),
                    title: it.title.clone(),
                    date: it.date,
                };
                add(col, item, false, &mut items);
            }
            // The column's first page tells what the list is; a later page that
            // cannot be read only leaves those items out.
            let first = r.column_url.as_deref().is_none_or(|u| u == r.url);
            if first && matches!(r.list_shows, ListShows::Unread(_)) {
                columns[col].unread_list = Some(r.url.clone());
            }
        }
        for r in records.iter().filter(|r| r.kind == PageKind::Article) {
            let Some(name) = r.column.as_deref() else {
                continue;
            };
            // An article whose breadcrumb does not link its column joins the one column of that name.
            let url = r.column_url.clone().or_else(|| {
                let same: Vec<_> = columns.iter().filter(|c| c.name == name).collect();
                match same.as_slice() {
                    [one] => one.url.clone(),
                    _ => None,
                }
            });
            let col = ensure(name, url.as_deref(), &mut columns);
            let item = ColumnItem {
                url: r.url.clone(),
                title: r.title.clone(),
                date: r.publish_date,
            };
            add(col, item, true, &mut items);
        }
        for (i, c) in columns.iter_mut().enumerate() {
            c.categories = rules
                .column_categories(Some(&c.name), c.url.as_deref())
                .into_iter()
                .map(str::to_string)
                .collect();
            let mut list: Vec<ColumnItem> = items
                .get_mut(i)
                .map(std::mem::take)
                .unwrap_or_default()
                .into_values()
                .collect();
            list.sort_by(|a, b| b.date.cmp(&a.date).then_with(|| a.url.cmp(&b.url)));
            // Undated items sort last.
            list.sort_by_key(|i| i.date.is_none());
            c.items = list;
        }

        // Thousands of pages share a handful of columns: each column is
        // matched once, and each page's URL parsed once and matched against
        // the URL globs of every category together.
        let mut column_hits: HashMap<(&str, Option<&str>), Vec<bool>> = HashMap::new();
        let page_categories = records
            .iter()
            .map(|r| {
                let by_column = r.column.as_deref().map(|name| {
                    column_hits
                        .entry((name, r.column_url.as_deref()))
                        .or_insert_with(|| {
                            rules
                                .categories
                                .iter()
                                .map(|c| c.matches_column(Some(name), r.column_url.as_deref()))
                                .collect()
                        })
                        .clone()
                });
                let target = GlobTarget::new(&r.url);
                let mut by_url = vec![false; rules.categories.len()];
                rules.category_urls.mark_owners(&target, &mut by_url);
                let mut cats: Vec<String> = Vec::new();
                for (i, c) in rules.categories.iter().enumerate() {
                    let by_column = by_column
                        .as_ref()
                        .is_some_and(|hits| hits.get(i).copied().unwrap_or(false));
                    let by_url = by_url[i];
                    let by_title = !r.title.is_empty() && c.matches_title(&r.title);
                    if by_column || by_url || by_title {
                        cats.push(c.id.clone());
                    }
                }
                cats
            })
            .collect();
        drop(column_hits);

        Site {
            records,
            by_url,
            columns,
            page_categories,
            complete_listing: false,
            root_url: None,
            static_extensions: rules
                .extract
                .html_extensions
                .iter()
                .chain(&rules.extract.attachment_extensions)
                .map(|e| e.to_ascii_lowercase())
                .collect(),
            decoded: std::sync::OnceLock::new(),
            origin: std::sync::OnceLock::new(),
        }
    }

    /// Whether a URL is on the audited site: same host and port as the root URL,
    /// and in directory mode also under its path.
    pub fn is_internal(&self, url: &str) -> bool {
        // Asked of every navigation link: a canonical URL that starts with the
        // root's origin as written is on it, without parsing.
        if !self.complete_listing {
            let origin = self.origin.get_or_init(|| {
                let o = self.root_url.as_ref()?.origin();
                o.is_tuple().then(|| o.ascii_serialization())
            });
            if let Some(o) = origin
                && url
                    .strip_prefix(o.as_str())
                    .is_some_and(|rest| rest.starts_with('/'))
            {
                return true;
            }
        }
        url::Url::parse(url).is_ok_and(|u| self.is_internal_url(&u))
    }

    fn is_internal_url(&self, u: &url::Url) -> bool {
        let Some(root) = &self.root_url else {
            return false;
        };
        let same_origin = u.scheme() == root.scheme()
            && u.host_str() == root.host_str()
            && u.port_or_known_default() == root.port_or_known_default();
        same_origin && (!self.complete_listing || u.path().starts_with(root.path()))
    }

    /// Whether `r` is a page reached with a query (`a.html?from=list`) whose
    /// plain URL is also a record with the same title and links: one page, twice.
    pub fn is_query_twin(&self, r: &PageRecord) -> bool {
        let Some((plain, _)) = r.url.split_once('?') else {
            return false;
        };
        self.get(plain)
            .is_some_and(|p| !is_broken(p) && p.title == r.title && p.links == r.links)
    }

    /// Looks a link target up: the record it names, or why there is none.
    pub fn link_state(&self, url: &str) -> LinkState<'_> {
        // Most links name a record as written: no need to parse them.
        if let Some(r) = self.get(url) {
            return found(r);
        }
        // Parsed once here for every test below; a URL that does not parse is off-site.
        let Ok(u) = url::Url::parse(url) else {
            return LinkState::OffSite;
        };
        if let Some(r) = self.record_for(&u) {
            return found(r);
        }
        if self.is_internal_url(&u) {
            return if self.complete_listing && self.is_static_target(&u) {
                LinkState::Missing
            } else {
                LinkState::Unknown
            };
        }
        // A site repo often links its own pages by their live URL
        // (`https://www.example.gov.cn/gzdt/…`): the same path in the directory is that page.
        if let Some(r) = self.local_twin(&u) {
            return found(r);
        }
        LinkState::OffSite
    }

    /// In directory mode, the record at the same path under the root as an off-site URL.
    fn local_twin(&self, u: &url::Url) -> Option<&PageRecord> {
        if !self.complete_listing {
            return None;
        }
        let root = self.root_url.as_ref()?;
        if !matches!(u.scheme(), "http" | "https") || u.path() == "/" {
            return None;
        }
        let mut local = root.join(u.path().trim_start_matches('/')).ok()?;
        local.set_query(u.query());
        self.get(local.as_str()).or_else(|| self.record_for(&local))
    }

    /// The record a parsed link reaches when its text names none. A static file
    /// server ignores the query and redirects `/gzdt` to `/gzdt/`, so in
    /// directory mode those forms count too.
    fn record_for(&self, u: &url::Url) -> Option<&PageRecord> {
        if !self.complete_listing {
            return None;
        }
        let mut u = u.clone();
        u.set_query(None);
        u.set_fragment(None);
        let plain = u.to_string();
        if let Some(r) = self.get(&plain) {
            return Some(r);
        }
        if let Some(r) = self.get_decoded(&plain) {
            return Some(r);
        }
        if !u.path().ends_with('/') {
            let p = format!("{}/", u.path());
            u.set_path(&p);
            return self.get_decoded(u.as_str());
        }
        None
    }

    fn get_decoded(&self, url: &str) -> Option<&PageRecord> {
        let map = self.decoded.get_or_init(|| {
            self.records
                .iter()
                .enumerate()
                .map(|(i, r)| (percent_decode(&r.url), i))
                .collect()
        });
        map.get(&percent_decode(url)).map(|&i| &self.records[i])
    }

    /// Whether a directory would hold this target: a folder, or a file with a
    /// page or attachment extension, or no extension at all.
    fn is_static_target(&self, u: &url::Url) -> bool {
        // A path without an extension is a folder or a routed page.
        extension(u.path()).is_none_or(|e| {
            self.static_extensions
                .iter()
                .any(|x| x.eq_ignore_ascii_case(e))
        })
    }

    /// The site's own home page: the record of the start URL (HTTP) or of the
    /// base URL (directory mode), else the first page read. A sub-portal
    /// whose 首页 link points to itself (政府信息公开 at `/zwgk/`) is not the
    /// site's home page, and a site in a folder whose 首页 link leads to the
    /// portal still has one: the page the audit started from.
    pub fn home(&self) -> Option<&PageRecord> {
        let root = self
            .root_url
            .as_ref()
            .and_then(|u| match self.link_state(u.as_str()) {
                LinkState::Ok(r) => Some(r),
                _ => None,
            });
        // A home page the root URL does not name (`index.shtml` in a site
        // repo): the first page read as a home page, else the first page.
        root.or_else(|| self.records.iter().find(|r| r.kind == PageKind::Home))
            .or_else(|| {
                self.records.iter().find(|r| {
                    !is_broken(r)
                        && matches!(r.kind, PageKind::List | PageKind::Article | PageKind::Other)
                })
            })
    }

    /// The record a link leads to, trying the folder form of a link without
    /// one (`/tzgg` that the server redirects to `/tzgg/`).
    pub fn resolve_link(&self, link: &str) -> Option<&PageRecord> {
        if let LinkState::Ok(r) = self.link_state(link) {
            return Some(r);
        }
        let last = link.rsplit('/').next().unwrap_or("");
        if link.ends_with('/') || last.contains('.') || link.contains('?') {
            return None;
        }
        match self.link_state(&format!("{link}/")) {
            LinkState::Ok(r) => Some(r),
            _ => None,
        }
    }

    pub fn get(&self, url: &str) -> Option<&PageRecord> {
        self.by_url.get(url).map(|&i| &self.records[i])
    }

    /// Records in any of `categories` (all records when `categories` is empty).
    pub fn pages_in<'a>(
        &'a self,
        categories: &'a [String],
    ) -> impl Iterator<Item = &'a PageRecord> + 'a {
        self.records
            .iter()
            .zip(&self.page_categories)
            .filter(move |(_, cats)| {
                categories.is_empty() || cats.iter().any(|c| categories.contains(c))
            })
            .map(|(r, _)| r)
    }

    /// Columns in any of `categories`.
    pub fn columns_in<'a>(
        &'a self,
        categories: &'a [String],
    ) -> impl Iterator<Item = &'a Column> + 'a {
        self.columns
            .iter()
            .filter(move |c| c.categories.iter().any(|k| categories.contains(k)))
    }
}

/// A record that stands for a page a visitor cannot read.
pub fn is_broken(r: &PageRecord) -> bool {
    r.error.is_some() || r.status >= 400
}

/// The state of a link that reaches a record.
fn found(r: &PageRecord) -> LinkState<'_> {
    if is_broken(r) {
        LinkState::Broken(r)
    } else {
        LinkState::Ok(r)
    }
}

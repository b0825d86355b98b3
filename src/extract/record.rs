//! The compact record kept for each fetched page. Page bodies are dropped once
//! this is built, so memory grows with the number of pages, not their size.

use std::collections::BTreeMap;

use jiff::civil::Date;
use serde::{Deserialize, Serialize};

#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize,
)]
#[serde(rename_all = "kebab-case")]
pub enum PageKind {
    Home,
    List,
    Article,
    Attachment,
    #[default]
    Other,
    /// A public message and its reply (领导信箱, 咨询投诉): not an article.
    Letter,
    /// A service guide (办事指南).
    ServiceGuide,
    /// A column that is one page of text (机构职能, 领导简介), not a list.
    SinglePage,
    /// A site search or its results.
    Search,
    /// A login or registration form.
    Login,
}

impl PageKind {
    pub const ALL: [PageKind; 10] = [
        PageKind::Home,
        PageKind::List,
        PageKind::Article,
        PageKind::Attachment,
        PageKind::Other,
        PageKind::Letter,
        PageKind::ServiceGuide,
        PageKind::SinglePage,
        PageKind::Search,
        PageKind::Login,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            PageKind::Home => "home",
            PageKind::List => "list",
            PageKind::Article => "article",
            PageKind::Attachment => "attachment",
            PageKind::Other => "other",
            PageKind::Letter => "letter",
            PageKind::ServiceGuide => "service-guide",
            PageKind::SinglePage => "single-page",
            PageKind::Search => "search",
            PageKind::Login => "login",
        }
    }

    pub fn parse(s: &str) -> Option<PageKind> {
        PageKind::ALL.into_iter().find(|k| k.as_str() == s)
    }
}

/// One 上一篇/下一篇 entry as the page shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NavLink {
    /// The text shown after the label: the linked title, or a placeholder such as `没有了`.
    pub text: String,
    /// The link target, canonicalised; `None` when the page shows plain text.
    pub url: Option<String>,
    /// The text is one of the configured placeholders (`没有了`, `最后一页`…).
    pub placeholder: bool,
}

/// Where a field's value was read from. What a reader sees (a label, a
/// heading, the breadcrumb) is preferred to what is hidden in meta tags; the
/// order lives in `rules/extract.toml`.
#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize,
)]
#[serde(rename_all = "kebab-case")]
pub enum Origin {
    #[default]
    None,
    /// A `[[profile]]` selector of the rule files.
    Profile,
    /// A visible text label (`发布时间：`).
    Label,
    /// A row or cell of the 政务公开 information table.
    InfoTable,
    /// A `<meta name=…>` tag.
    Meta,
    /// A lone generic label (`日期：`).
    GenericLabel,
    /// An unlabelled date on the line under the title.
    InfoLine,
    /// The page's URL (`/t20190314_…`).
    Url,
    /// A visible heading the `<title>` or the meta title confirms.
    Heading,
    /// The first usable `<h1>`/`<h2>`, unconfirmed.
    AnyHeading,
    /// The `<title>` element, without the site's name.
    TitleTag,
    /// The breadcrumb (`当前位置：首页 > 工作动态`).
    Breadcrumb,
    /// The date the body is signed with.
    Signature,
}

impl Origin {
    pub const ALL: [Origin; 12] = [
        Origin::Profile,
        Origin::Label,
        Origin::InfoTable,
        Origin::Meta,
        Origin::GenericLabel,
        Origin::InfoLine,
        Origin::Url,
        Origin::Heading,
        Origin::AnyHeading,
        Origin::TitleTag,
        Origin::Breadcrumb,
        Origin::Signature,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Origin::None => "none",
            Origin::Profile => "profile",
            Origin::Label => "label",
            Origin::InfoTable => "info-table",
            Origin::Meta => "meta",
            Origin::GenericLabel => "generic-label",
            Origin::InfoLine => "info-line",
            Origin::Url => "url",
            Origin::Heading => "heading",
            Origin::AnyHeading => "any-heading",
            Origin::TitleTag => "title-tag",
            Origin::Breadcrumb => "breadcrumb",
            Origin::Signature => "signature",
        }
    }

    pub fn parse(s: &str) -> Option<Origin> {
        Origin::ALL.into_iter().find(|o| o.as_str() == s)
    }

    /// Whether a reader sees the value on the page (not a meta tag or the URL).
    pub fn is_visible(self) -> bool {
        !matches!(self, Origin::None | Origin::Meta | Origin::Url)
    }

    fn is_none(&self) -> bool {
        *self == Origin::None
    }
}

/// Where each of a record's fields came from.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Origins {
    #[serde(default, skip_serializing_if = "Origin::is_none")]
    pub title: Origin,
    #[serde(default, skip_serializing_if = "Origin::is_none")]
    pub publish_date: Origin,
    #[serde(default, skip_serializing_if = "Origin::is_none")]
    pub document_date: Origin,
    #[serde(default, skip_serializing_if = "Origin::is_none")]
    pub source: Origin,
    #[serde(default, skip_serializing_if = "Origin::is_none")]
    pub column: Origin,
}

impl Origins {
    fn is_empty(&self) -> bool {
        *self == Origins::default()
    }
}

/// What a list page showed where its list should be.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ListShows {
    /// Items (or, on pages that are not lists, nothing to say).
    #[default]
    Items,
    /// Only a placeholder line (`暂无信息`): the column is known to be empty.
    Placeholder(String),
    /// No list could be read: cut, empty markup, or filled in by a script
    /// (the script or API address, when one is visible). The column's items
    /// are unknown, not none.
    Unread(Option<String>),
}

impl ListShows {
    fn is_items(&self) -> bool {
        *self == ListShows::Items
    }
}

/// What a page embeds for the reader to see: a missing one shows as a
/// broken image or an empty frame.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ResourceKind {
    Image,
    Frame,
    Stylesheet,
    Media,
}

impl ResourceKind {
    pub const ALL: [ResourceKind; 4] = [
        ResourceKind::Image,
        ResourceKind::Frame,
        ResourceKind::Stylesheet,
        ResourceKind::Media,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ResourceKind::Image => "image",
            ResourceKind::Frame => "frame",
            ResourceKind::Stylesheet => "stylesheet",
            ResourceKind::Media => "media",
        }
    }
}

/// One item of a column list page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ListItem {
    pub url: String,
    pub title: String,
    pub date: Option<Date>,
}

/// What extraction learned about one page.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PageRecord {
    /// Canonical URL (fragment dropped, `index.html` folded into the folder URL).
    pub url: String,
    /// Local file behind the page, in directory mode.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub file: Option<String>,
    pub status: u16,
    pub kind: PageKind,
    pub title: String,
    pub column: Option<String>,
    /// The column's list page, from the breadcrumb's last link (articles) or the page itself (lists).
    pub column_url: Option<String>,
    pub publish_date: Option<Date>,
    /// The document's own date (成文日期, or the signed date at the end of the body).
    pub document_date: Option<Date>,
    /// `Some("")` when a source label is present but empty.
    pub source: Option<String>,
    /// The page text around each metadata label that was found, keyed by field name,
    /// so that findings can quote the page.
    pub snippets: BTreeMap<String, String>,
    /// Every `<meta name=… content=…>` of the page, by name as written.
    pub meta: BTreeMap<String, String>,
    pub prev: Option<NavLink>,
    pub next: Option<NavLink>,
    pub image_count: usize,
    /// Outgoing links (pages and attachments), canonical, in document order, deduplicated.
    pub links: Vec<String>,
    /// Items of a column list page.
    pub items: Vec<ListItem>,
    /// The links of `links` that sit inside the page's main content (not menus,
    /// footers or 上一篇/下一篇), so link checks can tell body from template.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub body_links: Vec<String>,
    /// The text each body link shows (its `title` or image `alt` when it
    /// shows none), for the links that have one: findings name a link so.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub link_texts: Vec<(String, String)>,
    /// 索引号, the disclosure catalogue number, when the page shows one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub index_no: Option<String>,
    /// 文号 / 发文字号, the document number, when the page shows one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub doc_number: Option<String>,
    /// Where the title, dates, source and column were read from.
    #[serde(default, skip_serializing_if = "Origins::is_empty")]
    pub origins: Origins,
    /// For list pages: whether the list showed items, a placeholder, or could not be read.
    #[serde(default, skip_serializing_if = "ListShows::is_items")]
    pub list_shows: ListShows,
    /// The images, frames, stylesheets and media the page embeds (also in `links`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub resources: Vec<(ResourceKind, String)>,
    /// The other pages of a paginated list (`index_1.html`, `下一页`), also in `links`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub pagination: Vec<String>,
    /// Rule ids of the page's `<!-- audit:ignore RULE-ID -->` comments.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub ignore: Vec<String>,
    /// Body text for the text checks, block elements separated by newlines.
    pub text: String,
    /// The `[extract]` limits this page went over (`max_links`…): what was
    /// kept of it is cut there, and the report says so.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub cut: Vec<String>,
    /// Why the page could not be read, when it could not.
    pub error: Option<String>,
}

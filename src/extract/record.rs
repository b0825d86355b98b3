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
}

impl PageKind {
    pub const ALL: [PageKind; 5] = [
        PageKind::Home,
        PageKind::List,
        PageKind::Article,
        PageKind::Attachment,
        PageKind::Other,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            PageKind::Home => "home",
            PageKind::List => "list",
            PageKind::Article => "article",
            PageKind::Attachment => "attachment",
            PageKind::Other => "other",
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
    /// 索引号, the disclosure catalogue number, when the page shows one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub index_no: Option<String>,
    /// 文号 / 发文字号, the document number, when the page shows one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub doc_number: Option<String>,
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

//! The vocabulary extraction looks for: meta tag names, text labels,
//! breadcrumb markers, navigation labels and placeholders, body containers.
//! It lives in the `[extract]` table of the rule files, because every CMS
//! words these a little differently and sites must be able to add theirs.

use regex::Regex;
use scraper::Selector;

use crate::rules::toml_reader::{RuleError, TableReader};

#[derive(Debug, Clone, Default)]
pub struct ExtractConfig {
    pub title_meta: Vec<String>,
    pub column_meta: Vec<String>,
    pub publish_date_meta: Vec<String>,
    pub source_meta: Vec<String>,
    pub publish_date_labels: Vec<String>,
    pub document_date_labels: Vec<String>,
    pub source_labels: Vec<String>,
    /// 索引号: the disclosure catalogue number.
    pub index_no_labels: Vec<String>,
    /// 文号 / 发文字号: the document number (`云街发〔2019〕3号`).
    pub doc_number_labels: Vec<String>,
    /// Generic labels (`日期`, `时间`) read as the publish date only when no
    /// specific label exists and the value is a date.
    pub generic_date_labels: Vec<String>,
    /// Labels that only end a value (`点击:`, `作者:`…), never give one.
    pub other_labels: Vec<String>,
    pub breadcrumb_markers: Vec<String>,
    /// Breadcrumb items that are not a column (`正文`, `详情`).
    pub breadcrumb_ignore: Vec<String>,
    pub prev_labels: Vec<String>,
    pub next_labels: Vec<String>,
    pub nav_placeholders: Vec<String>,
    /// Separators between an article title and the site name in `<title>`.
    pub title_separators: Vec<String>,
    pub body_selectors: Vec<(String, Selector)>,
    /// Elements that may hold an article's title; the first whose text the
    /// `<title>` contains wins.
    pub title_selectors: Vec<(String, Selector)>,
    /// Class or id words (lower case, matched as substrings) of blocks that are
    /// never the main text when it is guessed: footers, menus, sidebars.
    pub boilerplate_classes: Vec<String>,
    /// Regexes with named groups `y`, `m`, `d` that read a date from an item's URL.
    pub url_date_patterns: Vec<Regex>,
    /// File extensions of attachments (lower case, without the dot).
    pub attachment_extensions: Vec<String>,
    /// Paths that are the site's home page besides `/`.
    pub home_paths: Vec<String>,
    /// Comment markers around the main text (`<!--ContentStart-->`…`<!--ContentEnd-->`).
    pub body_comment_start: Vec<String>,
    pub body_comment_end: Vec<String>,
    /// Link texts of a list's pagination (`下一页`, `尾页`).
    pub pagination_labels: Vec<String>,
    /// Regexes over a list page URL with a group `n` whose removal gives the
    /// column's first page (`/index(?P<n>_\d+)\.html$`).
    pub page_url_patterns: Vec<Regex>,
    /// Regexes over a list page's scripts with a group `count` (and optional
    /// `name`, `ext`): TRS writes `createPageHTML(5, 0, "index", "html")`.
    pub page_script_patterns: Vec<Regex>,
    /// Most pages generated from a pagination script.
    pub max_script_pages: u32,
    /// Limits on what a page's markup controls (0: none): tags nested deeper
    /// than `max_depth` are dropped before parsing, and a page keeps at most
    /// `max_links` links, `max_list_items` list items and `max_text_chars` of text.
    pub max_depth: u32,
    pub max_links: u32,
    pub max_list_items: u32,
    pub max_text_chars: u32,
    /// A page is a soft 404 when its title matches one of these…
    pub soft_404_title_patterns: Vec<Regex>,
    /// …or its main text is short and matches one of these.
    pub soft_404_text_patterns: Vec<Regex>,
    pub soft_404_max_chars: u32,
    /// `[[profile]]` sections: selectors for sites the heuristics misread.
    pub profiles: Vec<super::profile::Profile>,
    /// File extensions read as HTML pages in directory mode.
    pub html_extensions: Vec<String>,
}

type Fields = [(&'static str, fn(&mut ExtractConfig) -> &mut Vec<String>)];

const STRING_LISTS: &Fields = &[
    ("title_meta", |c| &mut c.title_meta),
    ("column_meta", |c| &mut c.column_meta),
    ("publish_date_meta", |c| &mut c.publish_date_meta),
    ("source_meta", |c| &mut c.source_meta),
    ("publish_date_labels", |c| &mut c.publish_date_labels),
    ("document_date_labels", |c| &mut c.document_date_labels),
    ("source_labels", |c| &mut c.source_labels),
    ("index_no_labels", |c| &mut c.index_no_labels),
    ("doc_number_labels", |c| &mut c.doc_number_labels),
    ("generic_date_labels", |c| &mut c.generic_date_labels),
    ("body_comment_start", |c| &mut c.body_comment_start),
    ("body_comment_end", |c| &mut c.body_comment_end),
    ("pagination_labels", |c| &mut c.pagination_labels),
    ("boilerplate_classes", |c| &mut c.boilerplate_classes),
    ("other_labels", |c| &mut c.other_labels),
    ("breadcrumb_markers", |c| &mut c.breadcrumb_markers),
    ("breadcrumb_ignore", |c| &mut c.breadcrumb_ignore),
    ("prev_labels", |c| &mut c.prev_labels),
    ("next_labels", |c| &mut c.next_labels),
    ("nav_placeholders", |c| &mut c.nav_placeholders),
    ("title_separators", |c| &mut c.title_separators),
    ("attachment_extensions", |c| &mut c.attachment_extensions),
    ("home_paths", |c| &mut c.home_paths),
    ("html_extensions", |c| &mut c.html_extensions),
];

impl ExtractConfig {
    /// Reads an `[extract]` table over `self`: each key present replaces the
    /// earlier value, so a site's rule directory can override one list.
    pub fn merge_from(&mut self, t: &mut TableReader<'_, '_>) -> Result<(), RuleError> {
        for (key, field) in STRING_LISTS {
            if let Some(v) = t.strings(key)? {
                *field(self) = v.into_iter().map(|s| s.into_inner()).collect();
            }
        }
        if let Some(v) = t.selectors("body_selectors")? {
            self.body_selectors = v;
        }
        if let Some(v) = t.selectors("title_selectors")? {
            self.title_selectors = v;
        }
        if let Some(v) = t.regexes("url_date_patterns", &["y", "m", "d"])? {
            self.url_date_patterns = v;
        }
        if let Some(v) = t.regexes("page_url_patterns", &["n"])? {
            self.page_url_patterns = v;
        }
        if let Some(v) = t.regexes("page_script_patterns", &["count"])? {
            self.page_script_patterns = v;
        }
        if let Some(v) = t.regexes("soft_404_title_patterns", &[])? {
            self.soft_404_title_patterns = v;
        }
        if let Some(v) = t.regexes("soft_404_text_patterns", &[])? {
            self.soft_404_text_patterns = v;
        }
        if let Some(n) = t.count("soft_404_max_chars")? {
            self.soft_404_max_chars = n.into_inner();
        }
        if let Some(n) = t.count("max_script_pages")? {
            self.max_script_pages = n.into_inner();
        }
        for (key, field) in [
            ("max_depth", &mut self.max_depth),
            ("max_links", &mut self.max_links),
            ("max_list_items", &mut self.max_list_items),
            ("max_text_chars", &mut self.max_text_chars),
        ] {
            if let Some(n) = t.count(key)? {
                *field = n.into_inner();
            }
        }
        for w in &mut self.boilerplate_classes {
            *w = w.to_ascii_lowercase();
        }
        for ext in &mut self.attachment_extensions {
            *ext = ext.trim_start_matches('.').to_lowercase();
        }
        Ok(())
    }

    /// The profile for a page, the first whose URL globs match.
    pub fn profile_for(&self, url: &str) -> Option<&super::profile::Profile> {
        self.profiles.iter().find(|p| p.matches(url))
    }

    /// Whether a URL path names an attachment, judged by its extension.
    pub fn is_attachment_path(&self, path: &str) -> bool {
        crate::source::urls::extension(path)
            .is_some_and(|e| self.attachment_extensions.contains(&e))
    }
}

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
    /// Regexes with named groups `y`, `m`, `d` that read a date from an item's URL.
    pub url_date_patterns: Vec<Regex>,
    /// File extensions of attachments (lower case, without the dot).
    pub attachment_extensions: Vec<String>,
    /// Paths that are the site's home page besides `/`.
    pub home_paths: Vec<String>,
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
        if let Some(v) = t.strings("body_selectors")? {
            let mut out = Vec::new();
            for s in v {
                let sel = Selector::parse(s.get_ref()).map_err(|e| {
                    t.error_at(
                        &s.span(),
                        format!("invalid CSS selector `{}`: {e}", s.get_ref()),
                    )
                })?;
                out.push((s.into_inner(), sel));
            }
            self.body_selectors = out;
        }
        if let Some(v) = t.strings("url_date_patterns")? {
            let mut out = Vec::new();
            for s in v {
                let re = Regex::new(s.get_ref()).map_err(|e| {
                    let first = e.to_string().lines().last().unwrap_or_default().to_string();
                    t.error_at(
                        &s.span(),
                        format!("invalid regex `{}`: {first}", s.get_ref()),
                    )
                })?;
                for g in ["y", "m", "d"] {
                    if !re.capture_names().flatten().any(|n| n == g) {
                        return Err(t.error_at(
                            &s.span(),
                            format!(
                                "url_date_patterns entry `{}` needs the named groups (?P<y>…), (?P<m>…) and (?P<d>…)",
                                s.get_ref()
                            ),
                        ));
                    }
                }
                out.push(re);
            }
            self.url_date_patterns = out;
        }
        for ext in &mut self.attachment_extensions {
            *ext = ext.trim_start_matches('.').to_lowercase();
        }
        Ok(())
    }

    /// Whether a URL path names an attachment, judged by its extension.
    pub fn is_attachment_path(&self, path: &str) -> bool {
        let last = path.rsplit('/').next().unwrap_or_default();
        match last.rsplit_once('.') {
            Some((_, ext)) => {
                let ext = ext.to_ascii_lowercase();
                self.attachment_extensions.iter().any(|e| *e == ext)
            }
            None => false,
        }
    }
}

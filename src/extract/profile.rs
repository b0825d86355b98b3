//! Site profiles: `[[profile]]` sections of a rule file that name, for the
//! pages whose URL matches a glob, the CSS selectors of the fields the
//! heuristics misread on that site's template.
//!
//! ```toml
//! [[profile]]
//! urls = ["**/xxgk/**"]
//! title = "div.detail h3"
//! date = "span.pubtime"
//! body = "div.detail-body"
//! ```
//!
//! A selector given here wins over the heuristics; fields it leaves out are
//! still found the usual way.

use scraper::Selector;

use crate::rules::UrlGlob;
use crate::rules::toml_reader::{RuleError, TableReader};

/// A selector as written in the rule file (which tells how it can be
/// matched cheaply, see [`super::elements::Elements::select`]), and compiled.
#[derive(Debug, Clone)]
pub struct Sel {
    pub text: String,
    pub sel: Selector,
}

#[derive(Debug, Clone)]
pub struct Profile {
    pub urls: Vec<UrlGlob>,
    pub title: Option<Sel>,
    /// The element showing the publish date.
    pub date: Option<Sel>,
    /// The element showing the document's own date (成文日期).
    pub document_date: Option<Sel>,
    pub source: Option<Sel>,
    /// The main content container.
    pub body: Option<Sel>,
    /// Each item row of a list page (a link and its date).
    pub list_items: Option<Sel>,
    pub prev: Option<Sel>,
    pub next: Option<Sel>,
}

impl Profile {
    pub fn matches(&self, url: &str) -> bool {
        self.urls.iter().any(|g| g.matches(url))
    }

    pub fn read(t: &mut TableReader<'_, '_>) -> Result<Profile, RuleError> {
        let line = t.source().line_of(t.span.start);
        t.set_context(format!("the [[profile]] at line {line}"));
        let mut urls = Vec::new();
        let globs = t.strings("urls")?.ok_or_else(|| t.missing("urls"))?;
        for g in globs {
            urls.push(UrlGlob::new(g.get_ref()).map_err(|e| t.error_at(&g.span(), e))?);
        }
        let mut sel = |key: &'static str| -> Result<Option<Sel>, RuleError> {
            Ok(t.selector(key)?.map(|(text, sel)| Sel { text, sel }))
        };
        Ok(Profile {
            title: sel("title")?,
            date: sel("date")?,
            document_date: sel("document_date")?,
            source: sel("source")?,
            body: sel("body")?,
            list_items: sel("list_items")?,
            prev: sel("prev")?,
            next: sel("next")?,
            urls,
        })
    }
}

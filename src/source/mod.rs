//! Sources of fetched documents: an HTTP crawl or a directory of static HTML.
//! Both hand the pipeline the same `Document`s, so every check behaves the same.

pub mod cache;
pub mod dir;
pub mod encoding;
pub mod fetch;
pub mod http;
pub mod politeness;
pub mod robots;
pub mod safety;
pub mod scope;
pub mod sitemap;
pub mod urls;

use std::path::PathBuf;

use url::Url;

use crate::error::AuditError;
use crate::extract::record::PageRecord;

/// One fetched resource, before extraction.
#[derive(Debug, Clone)]
pub struct Document {
    /// Where the resource was finally read from (after redirects).
    pub url: Url,
    /// HTTP status; 200 for files read from disk; 0 when nothing could be fetched.
    pub status: u16,
    pub content_type: Option<String>,
    /// The body; empty for attachments, which are only checked for existence.
    pub body: Vec<u8>,
    /// The local file, in directory mode.
    pub file: Option<PathBuf>,
    /// Why the resource could not be fetched, when it could not.
    pub error: Option<String>,
    /// Links followed from the start page to reach this one.
    pub depth: u32,
}

impl Document {
    /// A page as served with status 200 and no content type (the charset is
    /// read from the page): what benches and tests feed the extractor.
    pub fn from_body(url: Url, body: Vec<u8>) -> Document {
        Document {
            url,
            status: 200,
            content_type: None,
            body,
            file: None,
            error: None,
            depth: 0,
        }
    }

    pub fn is_html(&self) -> bool {
        match &self.content_type {
            Some(ct) => {
                let ct = ct.to_ascii_lowercase();
                ct.contains("html") || ct.contains("xml") && !ct.contains("svg")
            }
            None => true,
        }
    }
}

/// One visit to the start page: its final status and how long it took.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct Probe {
    pub status: u16,
    pub millis: u64,
    /// When the visit was made (Unix seconds): a long crawl ends hours later.
    pub at: i64,
}

/// What a source reports when it ends.
#[derive(Debug, Clone, Default)]
pub struct CrawlStats {
    pub fetched: usize,
    pub errors: usize,
    /// Things the reader of the report should know (limits reached, files skipped).
    pub notes: Vec<String>,
    /// The source stopped before it had read everything.
    pub incomplete: bool,
    /// What cut the run short, when something did: `interrupted` (Ctrl-C,
    /// SIGTERM) or `max_time`. A limit such as `--max-pages` is not a stop.
    pub stopped: Option<&'static str>,
    /// The note that says what stopped it, for the run's last line on a terminal.
    pub stop_note: Option<String>,
    /// The start page's visit (HTTP only).
    pub probe: Option<Probe>,
}

/// Turns a fetched document into its record. Sources may call it from several
/// threads at once, so extraction runs in parallel with fetching.
pub type Extract<'a> = dyn Fn(&Document) -> PageRecord + Sync + 'a;

/// Receives every record, in the order pages are done: extracted from a
/// document, or reused from the cache when the server answered 304.
pub type Keep<'a> = dyn FnMut(PageRecord) + 'a;

pub trait Source {
    fn run(&mut self, extract: &Extract<'_>, keep: &mut Keep<'_>)
    -> Result<CrawlStats, AuditError>;
}

//! Sources of fetched documents: an HTTP crawl or a directory of static HTML.
//! Both hand the pipeline the same `Document`s, so every check behaves the same.

pub mod dir;
pub mod encoding;
pub mod http;
pub mod urls;

use std::path::PathBuf;

use url::Url;

use crate::error::AuditError;

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

/// What a source reports when it ends.
#[derive(Debug, Clone, Default)]
pub struct CrawlStats {
    pub fetched: usize,
    pub errors: usize,
    /// Things the reader of the report should know (limits reached, files skipped).
    pub notes: Vec<String>,
    /// The source stopped before it had read everything.
    pub incomplete: bool,
}

/// Receives each document and returns the absolute links found in it, which
/// a crawling source may follow.
pub type Visit<'a> = dyn FnMut(Document) -> Vec<Url> + 'a;

pub trait Source {
    fn run(&mut self, visit: &mut Visit<'_>) -> Result<CrawlStats, AuditError>;
}

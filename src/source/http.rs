//! The HTTP crawler: breadth-first from the start URL within its host, with a
//! global concurrency limit, a per-request timeout, a body size cap and a page
//! limit. A page that cannot be fetched becomes a document with an error (a
//! `fetch-error` finding later) and the crawl goes on; only an unreachable
//! start page stops the audit.

use std::collections::{HashSet, VecDeque};
use std::time::Duration;

use tokio::task::JoinSet;
use url::Url;

use super::urls::canonical;
use super::{CrawlStats, Document, Source, Visit};
use crate::error::AuditError;
use crate::progress::Progress;

#[derive(Debug, Clone)]
pub struct HttpOptions {
    pub concurrency: usize,
    pub timeout: Duration,
    pub delay: Duration,
    pub max_pages: usize,
    pub max_body_bytes: usize,
    pub user_agent: String,
    /// Extensions of attachments, which are not downloaded.
    pub attachment_extensions: Vec<String>,
}

pub struct HttpSource {
    pub start: Url,
    pub opts: HttpOptions,
    pub progress: Progress,
}

impl HttpSource {
    fn in_scope(&self, url: &Url) -> bool {
        matches!(url.scheme(), "http" | "https")
            && url.host_str() == self.start.host_str()
            && url.port_or_known_default() == self.start.port_or_known_default()
    }

    fn is_attachment(&self, url: &Url) -> bool {
        let last = url.path().rsplit('/').next().unwrap_or("");
        last.rsplit_once('.').is_some_and(|(_, ext)| {
            let ext = ext.to_ascii_lowercase();
            self.opts.attachment_extensions.iter().any(|e| *e == ext)
        })
    }

    async fn crawl(&self, visit: &mut Visit<'_>) -> Result<CrawlStats, AuditError> {
        let client = reqwest::Client::builder()
            .user_agent(self.opts.user_agent.clone())
            .timeout(self.opts.timeout)
            .connect_timeout(self.opts.timeout.min(Duration::from_secs(10)))
            .redirect(reqwest::redirect::Policy::limited(10))
            .build()
            .map_err(|e| AuditError::Site(format!("cannot start the HTTP client: {e}")))?;
        let mut stats = CrawlStats::default();
        let mut queue: VecDeque<(Url, u32)> = VecDeque::new();
        let mut seen: HashSet<String> = HashSet::new();
        seen.insert(canonical(&self.start));
        queue.push_back((self.start.clone(), 0));
        let mut tasks: JoinSet<Document> = JoinSet::new();
        let mut started = 0usize;
        let mut limited = false;
        loop {
            while tasks.len() < self.opts.concurrency.max(1) {
                if started >= self.opts.max_pages {
                    limited |= !queue.is_empty();
                    break;
                }
                let Some((url, depth)) = queue.pop_front() else {
                    break;
                };
                started += 1;
                let client = client.clone();
                let max = self.opts.max_body_bytes;
                let delay = self.opts.delay;
                tasks.spawn(async move {
                    if !delay.is_zero() {
                        tokio::time::sleep(delay).await;
                    }
                    fetch(&client, url, depth, max).await
                });
            }
            let Some(joined) = tasks.join_next().await else {
                break;
            };
            let doc = match joined {
                Ok(d) => d,
                Err(e) => {
                    stats.errors += 1;
                    stats.notes.push(format!("a fetch task failed: {e}"));
                    continue;
                }
            };
            if stats.fetched == 0 && doc.depth == 0 && doc.status == 0 {
                return Err(AuditError::Site(format!(
                    "the site {} is unreachable: {}",
                    self.start,
                    doc.error.as_deref().unwrap_or("no response")
                )));
            }
            stats.fetched += 1;
            if doc.error.is_some() || doc.status >= 400 {
                stats.errors += 1;
            }
            let depth = doc.depth;
            for link in visit(doc) {
                if !self.in_scope(&link) || self.is_attachment(&link) {
                    continue;
                }
                if seen.insert(canonical(&link)) {
                    queue.push_back((link, depth + 1));
                }
            }
            self.progress.page(queue.len() + tasks.len(), stats.errors);
        }
        if limited {
            stats.incomplete = true;
            stats.notes.push(format!(
                "stopped after {} pages (--max-pages); {} more URLs were queued",
                self.opts.max_pages,
                queue.len()
            ));
        }
        self.progress.finish();
        Ok(stats)
    }
}

/// Fetches one URL; never fails, but records what went wrong in the document.
async fn fetch(client: &reqwest::Client, url: Url, depth: u32, max_body: usize) -> Document {
    let mut doc = Document {
        url: url.clone(),
        status: 0,
        content_type: None,
        body: Vec::new(),
        file: None,
        error: None,
        depth,
    };
    let mut resp = match client.get(url.clone()).send().await {
        Ok(r) => r,
        Err(e) => {
            doc.error = Some(describe(&e));
            return doc;
        }
    };
    doc.status = resp.status().as_u16();
    doc.url = resp.url().clone();
    doc.content_type = resp
        .headers()
        .get(reqwest::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .map(str::to_string);
    loop {
        match resp.chunk().await {
            Ok(Some(chunk)) => {
                let room = max_body.saturating_sub(doc.body.len());
                doc.body.extend_from_slice(&chunk[..chunk.len().min(room)]);
                if chunk.len() > room {
                    // The start of an oversized page is still worth reading.
                    break;
                }
            }
            Ok(None) => break,
            Err(e) => {
                doc.error = Some(describe(&e));
                break;
            }
        }
    }
    doc
}

/// One sentence for a transport error, with the innermost cause.
fn describe(e: &reqwest::Error) -> String {
    let kind = if e.is_timeout() {
        "timed out"
    } else if e.is_connect() {
        "could not connect"
    } else if e.is_redirect() {
        "too many redirects"
    } else if e.is_body() || e.is_decode() {
        "the response body broke off"
    } else {
        "request failed"
    };
    let mut src: &dyn std::error::Error = e;
    while let Some(next) = src.source() {
        src = next;
    }
    format!("{kind}: {src}")
}

impl Source for HttpSource {
    fn run(&mut self, visit: &mut Visit<'_>) -> Result<CrawlStats, AuditError> {
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .map_err(|e| AuditError::Site(format!("cannot start the network runtime: {e}")))?;
        rt.block_on(self.crawl(visit))
    }
}

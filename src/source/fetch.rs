//! One HTTP exchange, made robust: waits for the host's turn, retries
//! connection errors, 5xx and 429 with exponential backoff and jitter (or the
//! server's `Retry-After`), cuts bodies at a size cap, and never fails: what
//! went wrong is in the answer. Redirects are not followed here; the crawler
//! decides hop by hop whether a redirect stays in scope.

use std::sync::Arc;
use std::time::Duration;

use reqwest::StatusCode;
use reqwest::header::{self, HeaderMap};
use url::Url;

use super::politeness::Gates;
use super::safety::{SafeResolver, Safety};
use super::urls::host_name;

#[derive(Debug, Clone)]
pub struct FetchOptions {
    pub timeout: Duration,
    pub connect_timeout: Duration,
    /// Extra attempts after the first one, for retryable failures.
    pub retries: u32,
    /// The first backoff; each retry doubles it.
    pub backoff: Duration,
    /// The longest `Retry-After` the crawler will wait for; longer ones fail the page.
    pub max_retry_after: Duration,
    pub max_body_bytes: usize,
    pub user_agent: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    /// Read the whole page (up to the size cap), if it is text.
    Get,
    /// Read the body whatever its type (robots.txt, gzipped sitemaps).
    GetAny,
    /// Only learn whether the resource exists: HEAD, or a one-byte ranged GET
    /// when the server refuses HEAD.
    Check,
}

/// Validators of a cached copy, sent as `If-None-Match` / `If-Modified-Since`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Validators {
    pub etag: Option<String>,
    pub last_modified: Option<String>,
}

impl Validators {
    pub fn is_empty(&self) -> bool {
        self.etag.is_none() && self.last_modified.is_none()
    }

    fn from_headers(h: &HeaderMap) -> Validators {
        let get = |name| {
            h.get(name)
                .and_then(|v: &header::HeaderValue| v.to_str().ok())
                .map(str::to_string)
        };
        Validators {
            etag: get(header::ETAG),
            last_modified: get(header::LAST_MODIFIED),
        }
    }
}

/// What one URL answered, after retries.
#[derive(Debug, Default)]
pub struct Answer {
    /// 0 when no response came.
    pub status: u16,
    pub content_type: Option<String>,
    pub body: Vec<u8>,
    /// The `Location` of a redirect, resolved against the request URL.
    pub location: Option<Url>,
    pub validators: Validators,
    /// The body was longer than the cap and was cut.
    pub truncated: bool,
    pub error: Option<String>,
    /// Time spent in the request's attempts themselves: not the politeness
    /// gate, a connection slot or the waits between retries. A visit that
    /// availability monitoring times.
    pub took: Duration,
}

impl Answer {
    fn failed(error: String) -> Answer {
        Answer {
            error: Some(error),
            ..Default::default()
        }
    }
}

/// A status that says the server could not serve the page just now (5xx,
/// 429): worth a retry, and no reason to forget what was known of the page.
pub fn unavailable(status: u16) -> bool {
    status >= 500 || status == 429
}

#[derive(Clone)]
pub struct Fetcher {
    client: reqwest::Client,
    opts: Arc<FetchOptions>,
    gates: Arc<Gates>,
    /// Which addresses may be requested at all: decided before any connection.
    safety: Arc<Safety>,
}

impl Fetcher {
    /// A fetcher that only ever connects to public addresses, or to the hosts
    /// `safety` trusts (the start host): a public site cannot make a nightly
    /// job probe the internal network through a link or a redirect.
    pub fn new(opts: FetchOptions, gates: Arc<Gates>, safety: Safety) -> Result<Fetcher, String> {
        let client = reqwest::Client::builder()
            .dns_resolver(Arc::new(SafeResolver::with_policy(safety.clone())))
            .user_agent(opts.user_agent.clone())
            .timeout(opts.timeout)
            .connect_timeout(opts.connect_timeout)
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .map_err(|e| format!("cannot start the HTTP client: {e}"))?;
        Ok(Fetcher {
            client,
            opts: Arc::new(opts),
            gates,
            safety: Arc::new(safety),
        })
    }

    pub fn gates(&self) -> &Gates {
        &self.gates
    }

    /// Fetches `url`, retrying what is worth retrying.
    pub async fn fetch(&self, url: &Url, method: Method, cond: Option<&Validators>) -> Answer {
        // IP literals and `file:` are judged here; host names by the resolver.
        if let Err(refusal) = self.safety.check_url(url) {
            return Answer::failed(format!("not fetched: {refusal}"));
        }
        // By name: http and https of one host share its gate (and its Crawl-delay).
        let key = host_name(url);
        let mut attempt = 0;
        let mut took = Duration::ZERO;
        loop {
            let pass = self.gates.enter(&key).await;
            let sent = std::time::Instant::now();
            let (mut answer, retry_after) = self.once(url, method, cond).await;
            took += sent.elapsed();
            answer.took = took;
            drop(pass);
            let retryable = retry_after.is_some()
                || unavailable(answer.status)
                || (answer.status == 0 && answer.error.as_deref().is_some_and(is_connect_error));
            if !retryable || attempt >= self.opts.retries {
                return answer;
            }
            let wait = match retry_after {
                Some(w) if w > self.opts.max_retry_after => {
                    answer.error = Some(format!(
                        "HTTP {}: the server asked to retry after {} s, longer than the crawler waits",
                        answer.status,
                        w.as_secs()
                    ));
                    return answer;
                }
                Some(w) => w,
                None => backoff(self.opts.backoff, attempt),
            };
            attempt += 1;
            tokio::time::sleep(wait).await;
        }
    }

    /// One attempt; the second value is the server's `Retry-After`, if any.
    async fn once(
        &self,
        url: &Url,
        method: Method,
        cond: Option<&Validators>,
    ) -> (Answer, Option<Duration>) {
        let req = match method {
            Method::Get | Method::GetAny => self.client.get(url.clone()),
            Method::Check => self.client.head(url.clone()),
        };
        let req = match cond {
            Some(v) => {
                let mut r = req;
                if let Some(e) = &v.etag {
                    r = r.header(header::IF_NONE_MATCH, e);
                }
                if let Some(m) = &v.last_modified {
                    r = r.header(header::IF_MODIFIED_SINCE, m);
                }
                r
            }
            None => req,
        };
        let mut resp = match req.send().await {
            Ok(r) => r,
            Err(e) if method == Method::Check => return self.ranged(url, describe(&e)).await,
            Err(e) => return (Answer::failed(describe(&e)), None),
        };
        let status = resp.status();
        if method == Method::Check
            && (status.is_client_error() || status.is_server_error())
            && !matches!(status.as_u16(), 404 | 410 | 429)
        {
            // Many servers answer HEAD with 403, 405 or 501 while GET works.
            return self.ranged(url, format!("HTTP {}", status.as_u16())).await;
        }
        let mut answer = head_of(url, &resp);
        let retry_after = retry_after(status, resp.headers());
        let body = match method {
            Method::Get => wants_body(status, answer.content_type.as_deref()),
            Method::GetAny => status.is_success(),
            Method::Check => false,
        };
        if body {
            read_body(&mut resp, &mut answer, self.opts.max_body_bytes).await;
        }
        (answer, retry_after)
    }

    /// Asks for the first byte only, for servers that refuse HEAD.
    async fn ranged(&self, url: &Url, head_error: String) -> (Answer, Option<Duration>) {
        let req = self
            .client
            .get(url.clone())
            .header(header::RANGE, "bytes=0-0");
        match req.send().await {
            Ok(resp) => {
                let ra = retry_after(resp.status(), resp.headers());
                (head_of(url, &resp), ra)
            }
            Err(e) => (
                Answer::failed(format!("{} (HEAD: {head_error})", describe(&e))),
                None,
            ),
        }
    }
}

fn head_of(url: &Url, resp: &reqwest::Response) -> Answer {
    let h = resp.headers();
    let status = resp.status();
    let location = if status.is_redirection() {
        h.get(header::LOCATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|l| url.join(l.trim()).ok())
    } else {
        None
    };
    Answer {
        status: status.as_u16(),
        content_type: h
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .map(str::to_string),
        location,
        validators: Validators::from_headers(h),
        ..Default::default()
    }
}

/// Only successful answers that can hold a page are read; the rest is not worth the bandwidth.
fn wants_body(status: StatusCode, content_type: Option<&str>) -> bool {
    if !status.is_success() {
        return false;
    }
    match content_type {
        None => true,
        Some(ct) => {
            let ct = ct.to_ascii_lowercase();
            ct.contains("html") || ct.contains("xml") || ct.starts_with("text/")
        }
    }
}

async fn read_body(resp: &mut reqwest::Response, answer: &mut Answer, max: usize) {
    loop {
        match resp.chunk().await {
            Ok(Some(chunk)) => {
                let room = max.saturating_sub(answer.body.len());
                answer
                    .body
                    .extend_from_slice(&chunk[..chunk.len().min(room)]);
                if chunk.len() > room {
                    // The start of an oversized page is still worth reading.
                    answer.truncated = true;
                    break;
                }
            }
            Ok(None) => break,
            Err(e) => {
                answer.error = Some(describe(&e));
                break;
            }
        }
    }
}

fn retry_after(status: StatusCode, h: &HeaderMap) -> Option<Duration> {
    if status != StatusCode::TOO_MANY_REQUESTS && !status.is_server_error() {
        return None;
    }
    let v = h.get(header::RETRY_AFTER)?.to_str().ok()?.trim();
    parse_retry_after(v, jiff::Timestamp::now())
}

/// `Retry-After` is either seconds or an HTTP date.
pub fn parse_retry_after(v: &str, now: jiff::Timestamp) -> Option<Duration> {
    if let Ok(secs) = v.parse::<u64>() {
        return Some(Duration::from_secs(secs));
    }
    let when = jiff::fmt::rfc2822::parse(v).ok()?.timestamp();
    let d = when.duration_since(now);
    Some(Duration::try_from(d).unwrap_or(Duration::ZERO))
}

/// Exponential backoff with jitter: base·2ⁿ, scaled by a random factor in [0.5, 1.5).
pub fn backoff(base: Duration, attempt: u32) -> Duration {
    let exp = base.saturating_mul(1u32 << attempt.min(10));
    let jitter = 0.5 + fastrand::f64();
    exp.mul_f64(jitter).min(Duration::from_secs(60))
}

fn is_connect_error(e: &str) -> bool {
    e.starts_with(CONNECT)
}

const CONNECT: &str = "could not connect";

/// One sentence for a transport error, with the innermost cause.
pub fn describe(e: &reqwest::Error) -> String {
    let kind = if e.is_connect() {
        CONNECT
    } else if e.is_timeout() {
        "timed out"
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retry_after_reads_seconds_and_dates() {
        let now: jiff::Timestamp = "2019-03-14T08:00:00Z".parse().unwrap();
        assert_eq!(parse_retry_after("1", now), Some(Duration::from_secs(1)));
        assert_eq!(
            parse_retry_after("Thu, 14 Mar 2019 08:00:30 GMT", now),
            Some(Duration::from_secs(30))
        );
        assert_eq!(
            parse_retry_after("Thu, 14 Mar 2019 07:00:00 GMT", now),
            Some(Duration::ZERO)
        );
        assert_eq!(parse_retry_after("soon", now), None);
    }

    #[test]
    fn backoff_grows_and_is_capped() {
        let base = Duration::from_millis(100);
        for attempt in 0..4 {
            let d = backoff(base, attempt);
            let nominal = base * (1 << attempt);
            assert!(d >= nominal / 2 && d < nominal * 3 / 2, "{attempt}: {d:?}");
        }
        assert!(backoff(Duration::from_secs(10), 20) <= Duration::from_secs(60));
    }
}

//! The HTTP crawler. Breadth-first from the start URL (plus the site's
//! sitemaps) within the site's host, obeying robots.txt and the per-host
//! limits of `politeness`. Pages are fetched by async tasks (`fetch`) and
//! read by a small pool of worker threads, so extraction runs beside the
//! network instead of after it. A page that cannot be fetched becomes a
//! record with an error (a `fetch-error` finding) and the crawl goes on; only
//! an unreachable start page stops the audit. Ctrl-C stops fetching and the
//! report covers what was gathered.

use std::collections::{HashMap, HashSet, VecDeque};
use std::panic::AssertUnwindSafe;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, mpsc};

use tokio::sync::mpsc as amp;
use tokio::task::JoinSet;
use url::Url;

use super::cache::{self, Cache, Entry};
use super::fetch::{Answer, FetchOptions, Fetcher, Method, Validators, unavailable};
use super::politeness::Gates;
use super::robots::Robots;
use super::safety::Safety;
use super::scope::{Scope, Verdict};
use super::sitemap;
use super::urls::{canonical, host_name};
use super::{CrawlStats, Document, Extract, Keep, Source};
use crate::error::AuditError;
use crate::extract::record::{PageKind, PageRecord};
use crate::progress::Progress;
use crate::report::labels::Labels;

/// What to crawl and how far: the run's settings that the crawler reads as
/// they are (`AuditConfig::crawl` is handed over whole).
#[derive(Debug, Clone)]
pub struct CrawlOptions {
    pub max_pages: usize,
    pub max_depth: Option<u32>,
    pub max_redirects: usize,
    /// URL globs a page must match / must not match to be crawled.
    pub include: Vec<String>,
    pub exclude: Vec<String>,
    pub obey_robots: bool,
    /// Also check that links to other hosts answer (one request each, not crawled).
    pub check_external: bool,
    /// Hosts besides the start host that may resolve to internal addresses.
    pub allow_internal_hosts: Vec<String>,
    /// Links longer than this many bytes are not followed: real pages have
    /// short URLs, crawler traps grow theirs without end.
    pub max_url_len: usize,
    /// Pages of one column's list followed through its pagination: a column
    /// whose pager never ends must not take the whole page budget.
    pub max_list_pages: usize,
    /// Seed the crawl from robots.txt `Sitemap:` lines and `/sitemap.xml`.
    pub sitemaps: bool,
    /// Read the start page only, following none of its links: a visit that
    /// availability monitoring times (`--visit-only`).
    pub visit_only: bool,
    /// When the whole run must stop fetching (`--max-time`), as Ctrl-C does.
    pub deadline: Option<std::time::Instant>,
    pub max_sitemap_urls: usize,
    /// Where validators and records of the last crawl are kept (`--cache`).
    pub cache_dir: Option<PathBuf>,
    /// Cached pages the server vouched for less than this long ago are reused
    /// without a request (`--max-cache-age`); zero asks about every page.
    pub max_cache_age: std::time::Duration,
}

impl Default for CrawlOptions {
    fn default() -> CrawlOptions {
        CrawlOptions {
            max_pages: 10_000,
            max_depth: None,
            max_redirects: 10,
            include: Vec::new(),
            exclude: Vec::new(),
            obey_robots: true,
            check_external: false,
            allow_internal_hosts: Vec::new(),
            max_url_len: 2048,
            max_list_pages: 500,
            sitemaps: true,
            visit_only: false,
            deadline: None,
            max_sitemap_urls: 50_000,
            cache_dir: None,
            max_cache_age: std::time::Duration::ZERO,
        }
    }
}

#[derive(Debug, Clone)]
pub struct HttpOptions {
    pub fetch: FetchOptions,
    pub crawl: CrawlOptions,
    /// Extensions of attachments, which are checked but not downloaded.
    pub attachment_extensions: Vec<String>,
    /// Changes when cached records would be extracted differently.
    pub cache_fingerprint: String,
    /// Fetches started ahead of the results, all hosts together.
    pub in_flight: usize,
    /// Threads that extract records.
    pub workers: usize,
    /// The words of the notes, in the run's language.
    pub words: Arc<Labels>,
}

pub struct HttpSource {
    pub start: Url,
    pub opts: HttpOptions,
    pub gates: Arc<Gates>,
    pub progress: Progress,
}

// The caps below guard against hostile or broken input (a robots.txt, a
// sitemap index, a link farm): they are safety limits of the crawler, not
// rules of the audit, so they are constants rather than flags.

/// The longest `Crawl-delay` honoured as written; longer ones are cut to it, with a note.
const MAX_CRAWL_DELAY: std::time::Duration = std::time::Duration::from_secs(30);
/// Sitemap files read at most (an index can list thousands).
const MAX_SITEMAP_FILES: usize = 50;
/// Examples quoted in a note about many URLs, so that the note stays one line.
const EXAMPLES: usize = 3;
/// Links remembered as beyond `--max-depth`, for the note's count: a trap
/// site can offer millions, and memory must not grow with them.
const MAX_TOO_DEEP: usize = 100_000;
/// Characters of an overlong URL quoted in the note about it.
const EXAMPLE_CHARS: usize = 120;

/// Set by the first Ctrl-C, so that sites of the same run that have not
/// started yet are not started (each running crawl sees the signal itself).
static INTERRUPTED: AtomicBool = AtomicBool::new(false);

/// Which signal stopped the run: 0 none yet, 1 SIGINT (Ctrl-C), 2 SIGTERM.
static SIGNAL: std::sync::atomic::AtomicU8 = std::sync::atomic::AtomicU8::new(0);

/// The name of the signal that stopped the run, as the notes name it.
fn signal_name() -> &'static str {
    match SIGNAL.load(Ordering::Relaxed) {
        2 => "SIGTERM",
        _ => "Ctrl-C",
    }
}

enum Job {
    Doc(Document, Validators),
    /// A cached page reused without asking (`--max-cache-age`).
    Cached(Entry, u32),
    Record(Box<PageRecord>, u32),
    /// A page read already (the start page, confirmed by a 304).
    Done(Box<Done>),
}

struct Done {
    record: PageRecord,
    depth: u32,
    cache_line: Option<cache::Line>,
    /// The cached record of this page could not be read: fetch the page
    /// (`record` holds only its URL).
    refetch: bool,
    /// Taken from the cache without asking the site (`--max-cache-age`).
    reused: bool,
}

/// What became of one page fetch, after redirects.
enum Outcome {
    Doc(Document, Validators, bool),
    /// The server confirmed the cached copy, read here already.
    Reused(Box<Done>),
    /// A 304 to a request that was not conditional.
    NotModified,
    /// Redirected to a URL already crawled.
    Duplicate,
    /// Redirected off the site, out of `--include`/`--exclude`, or to a URL
    /// robots.txt disallows (the note in rules/report.toml names the three).
    Left(Url),
}

struct TaskOut {
    url: Url,
    depth: u32,
    outcome: Outcome,
    /// The server confirmed a cached copy that could not be read, so the page
    /// was fetched again.
    unreadable_copy: bool,
}

/// URLs claimed for fetching, shared with the tasks that follow redirects.
type Seen = Arc<Mutex<HashSet<String>>>;

fn claim(seen: &Seen, key: String) -> bool {
    seen.lock().unwrap_or_else(|p| p.into_inner()).insert(key)
}

/// The URLs a redirect chain has passed through (canonical), so that it can
/// stop at a loop or at `--max-redirects`.
struct Chain(Vec<String>);

/// Why a redirect chain was not followed further.
enum Broken {
    Loop(String),
    TooLong(String),
}

impl Broken {
    fn text(self) -> String {
        match self {
            Broken::Loop(t) | Broken::TooLong(t) => t,
        }
    }
}

impl Chain {
    fn new(start: &Url) -> Chain {
        Chain(vec![canonical(start)])
    }

    fn first(&self) -> &str {
        &self.0[0]
    }

    /// Takes one more hop, to `next`, and gives its canonical key; refused
    /// when `next` was already passed or when `max` redirects were followed.
    fn follow(&mut self, next: &Url, max: usize) -> Result<String, Broken> {
        let key = canonical(next);
        if self.0.contains(&key) {
            self.0.push(key);
            return Err(Broken::Loop(format!(
                "redirect loop: {}",
                self.0.join(" → ")
            )));
        }
        if self.0.len() > max {
            return Err(Broken::TooLong(format!(
                "more than {max} redirects, last to {next}"
            )));
        }
        self.0.push(key.clone());
        Ok(key)
    }
}

/// Things of one kind a note reports: how many, and the first few as examples.
#[derive(Default)]
struct Examples {
    list: Vec<String>,
    count: usize,
}

impl Examples {
    fn add(&mut self, s: String) {
        self.count += 1;
        if self.list.len() < EXAMPLES {
            self.list.push(s);
        }
    }

    fn join(&self, sep: &str) -> String {
        self.list.join(sep)
    }
}

/// Notes gathered during the crawl, counted so that the report stays short.
#[derive(Default)]
struct Tally {
    robots_skipped: Examples,
    left: Examples,
    truncated: Examples,
    too_long: Examples,
    list_pages: Examples,
    /// Pages left out by `--max-depth`, each counted once.
    too_deep: HashSet<String>,
}

struct Shared {
    fetcher: Fetcher,
    scope: Scope,
    robots: HashMap<String, Robots>,
    max_redirects: usize,
    seen: Seen,
}

impl Shared {
    /// Whether robots.txt lets `url` be fetched. robots.txt is looked up by
    /// host name: the site's http and https pages share it.
    fn allowed(&self, url: &Url) -> bool {
        self.robots
            .get(host_name(url).as_ref())
            .is_none_or(|r| r.allowed(url.as_str()))
    }
}

/// The first Ctrl-C asks for the report of what was gathered; a second one
/// means "stop now", as the user expects of a command-line tool.
fn second_ctrl_c_exits() {
    std::thread::spawn(|| {
        let Ok(rt) = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
        else {
            return;
        };
        rt.block_on(async {
            if tokio::signal::ctrl_c().await.is_ok() {
                std::process::exit(130);
            }
        });
    });
}

/// Resolves on Ctrl-C (SIGINT) or SIGTERM, which cron, systemd and `timeout`
/// send to stop a job: either way the report of what was read is written.
async fn stop_requested() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        if let Ok(mut term) = signal(SignalKind::terminate()) {
            let code = tokio::select! {
                _ = tokio::signal::ctrl_c() => 1,
                _ = term.recv() => 2,
            };
            let _ = SIGNAL.compare_exchange(0, code, Ordering::Relaxed, Ordering::Relaxed);
            return;
        }
    }
    let _ = tokio::signal::ctrl_c().await;
    let _ = SIGNAL.compare_exchange(0, 1, Ordering::Relaxed, Ordering::Relaxed);
}

fn doc(url: Url, depth: u32) -> Document {
    Document {
        url,
        status: 0,
        content_type: None,
        body: Vec::new(),
        file: None,
        error: None,
        depth,
    }
}

fn into_doc(url: Url, depth: u32, a: Answer) -> Document {
    let mut d = doc(url, depth);
    d.status = a.status;
    d.content_type = a.content_type;
    d.body = a.body;
    d.error = a.error;
    if d.error.is_none() && (300..400).contains(&d.status) && d.status != 304 {
        d.error = Some(format!("HTTP {} without a usable Location", d.status));
    }
    d
}

/// Fetches one page, following redirects that stay on the site and in scope.
/// With a cached copy, the first request asks whether it changed; on 304 the
/// copy is read right here, on the network thread that got the answer: a
/// record is parsed in microseconds, and handing it to an extraction thread
/// and back would cost more than that.
async fn fetch_page(sh: Arc<Shared>, url: Url, depth: u32, cached: Option<Entry>) -> TaskOut {
    let mut cur = url.clone();
    let mut chain = Chain::new(&url);
    let mut cached = cached;
    let mut cond = cached.as_ref().map(|e| e.validators.clone());
    let mut unreadable_copy = false;
    let outcome = loop {
        let mut answer = sh.fetcher.fetch(&cur, Method::Get, cond.as_ref()).await;
        if answer.status == 304 {
            match cached.take().filter(|_| cond.is_some()) {
                Some(e) => match reuse(e, depth, Some(cache::now())) {
                    Ok(done) => break Outcome::Reused(Box::new(done)),
                    // The copy the server vouched for cannot be read: ask for the page itself.
                    Err(_) => {
                        unreadable_copy = true;
                        cond = None;
                        continue;
                    }
                },
                None => break Outcome::NotModified,
            }
        }
        cond = None;
        let Some(next) = answer.location.take() else {
            let (v, cut) = (std::mem::take(&mut answer.validators), answer.truncated);
            break Outcome::Doc(into_doc(cur, depth, answer), v, cut);
        };
        let key = match chain.follow(&next, sh.max_redirects) {
            Ok(key) => key,
            Err(why) => {
                let mut d = doc(url.clone(), depth);
                d.status = answer.status;
                d.error = Some(why.text());
                break Outcome::Doc(d, Validators::default(), false);
            }
        };
        // A redirect must not carry the crawl off the site, into what the user
        // left out, or where robots.txt forbids.
        if !sh.scope.on_site(&next) || !sh.scope.wanted(&next) || !sh.allowed(&next) {
            break Outcome::Left(next);
        }
        if !claim(&sh.seen, key) {
            break Outcome::Duplicate;
        }
        cur = next;
    };
    TaskOut {
        url,
        depth,
        outcome,
        unreadable_copy,
    }
}

/// Checks that an attachment or external link exists, without reading it.
async fn check(sh: Arc<Shared>, url: Url, depth: u32) -> TaskOut {
    // Attachments often sit behind a redirect (a file server, a download
    // script); what counts is where the chain ends.
    let mut chain = Chain::new(&url);
    let mut answer = sh.fetcher.fetch(&url, Method::Check, None).await;
    while let Some(next) = answer.location.take() {
        if let Err(why) = chain.follow(&next, sh.max_redirects) {
            answer.error = Some(why.text());
            break;
        }
        answer = sh.fetcher.fetch(&next, Method::Check, None).await;
    }
    let mut d = doc(url.clone(), depth);
    d.status = answer.status;
    d.content_type = answer.content_type;
    d.error = answer.error;
    TaskOut {
        url,
        depth,
        outcome: Outcome::Doc(d, Validators::default(), false),
        unreadable_copy: false,
    }
}

/// The record of a link checked on another host: it exists or it does not.
fn external_record(d: &Document) -> PageRecord {
    let error = d
        .error
        .clone()
        .or_else(|| (d.status >= 400 || d.status == 0).then(|| format!("HTTP {}", d.status)));
    PageRecord {
        url: canonical(&d.url),
        status: d.status,
        kind: PageKind::Attachment,
        error,
        ..Default::default()
    }
}

/// The record of a cached page, and its line for the new cache (restamped
/// with `stamp` when the server has just confirmed the page); `Err` gives the
/// entry back when its record cannot be read.
fn reuse(e: Entry, depth: u32, stamp: Option<u64>) -> Result<Done, Entry> {
    let Some(record) = e.record() else {
        return Err(e);
    };
    Ok(Done {
        record,
        depth,
        cache_line: Some(match stamp {
            Some(now) => e.restamped(now),
            None => e.line,
        }),
        refetch: false,
        reused: stamp.is_none(),
    })
}

/// The record of a page whose cached copy could not be read and that could
/// not be fetched instead.
fn unreadable_record(url: String) -> PageRecord {
    PageRecord {
        url,
        status: 304,
        error: Some("the cached copy of this page is unreadable; run again without --cache".into()),
        ..Default::default()
    }
}

/// Extracts records from the jobs until the channel closes. `caching`: the
/// run keeps a cache (`--cache`), so each fresh record is also written as its
/// cache line; without one, the line is not built (it would be thrown away).
fn worker(
    jobs: &Mutex<mpsc::Receiver<Job>>,
    extract: &Extract<'_>,
    done: amp::UnboundedSender<Done>,
    caching: bool,
) {
    loop {
        let job = {
            let rx = jobs.lock().unwrap_or_else(|p| p.into_inner());
            rx.recv()
        };
        let Ok(job) = job else { return };
        let out = match job {
            Job::Doc(d, v) => {
                let depth = d.depth;
                // A bug in extraction must cost one page, not the whole audit.
                let record = std::panic::catch_unwind(AssertUnwindSafe(|| extract(&d)))
                    .unwrap_or_else(|_| PageRecord {
                        url: canonical(&d.url),
                        status: d.status,
                        error: Some("the page could not be read (extraction failed)".into()),
                        ..Default::default()
                    });
                let cache_line = if caching {
                    cache::line(&record.url, &v, &record, cache::now())
                } else {
                    None
                };
                Done {
                    record,
                    depth,
                    cache_line,
                    refetch: false,
                    reused: false,
                }
            }
            // Unreadable after all: the crawl fetches the page instead.
            Job::Cached(e, depth) => reuse(e, depth, None).unwrap_or_else(|e| Done {
                record: PageRecord {
                    url: e.url,
                    ..Default::default()
                },
                depth,
                cache_line: None,
                refetch: true,
                reused: true,
            }),
            Job::Done(d) => *d,
            Job::Record(record, depth) => Done {
                record: *record,
                depth,
                cache_line: None,
                refetch: false,
                reused: false,
            },
        };
        if done.send(out).is_err() {
            return;
        }
    }
}

impl Source for HttpSource {
    fn run(
        &mut self,
        extract: &Extract<'_>,
        keep: &mut Keep<'_>,
    ) -> Result<CrawlStats, AuditError> {
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .map_err(|e| AuditError::Site(format!("cannot start the network runtime: {e}")))?;
        let workers = self.opts.workers.max(1);
        let caching = self.opts.crawl.cache_dir.is_some();
        let (job_tx, job_rx) = mpsc::channel::<Job>();
        let job_rx = Mutex::new(job_rx);
        let job_rx = &job_rx;
        std::thread::scope(|s| {
            let (done_tx, done_rx) = amp::unbounded_channel::<Done>();
            for _ in 0..workers {
                let done_tx = done_tx.clone();
                s.spawn(move || worker(job_rx, extract, done_tx, caching));
            }
            // The crawl files records read by its own tasks (304s) there too.
            rt.block_on(self.crawl(job_tx, (done_tx, done_rx), keep))
        })
    }
}

impl HttpSource {
    /// Notes are read by people: their words come from `rules/report.toml`.
    fn note(&self, stats: &mut CrawlStats, key: &str, values: &[(&str, String)]) {
        stats.notes.push(self.opts.words.note(key, values));
    }

    /// The note `key` about a kind of skipped or cut URLs, if there were any,
    /// with their `count`, the `examples` joined by `sep`, and `max`.
    fn note_examples(
        &self,
        stats: &mut CrawlStats,
        ex: &Examples,
        sep: &str,
        key: &str,
        max: Option<String>,
    ) {
        if ex.count == 0 {
            return;
        }
        let mut values = vec![("count", ex.count.to_string()), ("examples", ex.join(sep))];
        values.extend(max.map(|m| ("max", m)));
        self.note(stats, key, &values);
    }

    /// The error that stops the audit when the site does not answer at all.
    fn unreachable(&self, error: Option<&str>) -> AuditError {
        AuditError::Unreachable(format!(
            "the site {} is unreachable: {}",
            self.start,
            error.unwrap_or("no response")
        ))
    }

    /// The robots.txt of `url`'s host. One that answers 5xx stops the audit, as
    /// RFC 9309 asks (complete disallow); no answer at all means the site is unreachable.
    async fn robots_for(&self, fetcher: &Fetcher, url: &Url) -> Result<Robots, AuditError> {
        if !self.opts.crawl.obey_robots {
            return Ok(Robots::allow_all());
        }
        let Ok(robots_url) = url.join("/robots.txt") else {
            return Ok(Robots::allow_all());
        };
        let a = fetcher.fetch(&robots_url, Method::GetAny, None).await;
        match a.status {
            0 => Err(self.unreachable(a.error.as_deref())),
            200..=299 => Ok(Robots::parse(
                &String::from_utf8_lossy(&a.body),
                &self.opts.fetch.user_agent,
            )),
            // No robots.txt (or one that is not found after redirects): everything is allowed.
            300..=499 => Ok(Robots::allow_all()),
            // A server error (a gateway's 502/503/504) is how these sites go
            // down: a failed visit for availability, as no answer is.
            status => Err(AuditError::Unreachable(format!(
                "{robots_url} answered HTTP {status}; robots.txt rules then forbid crawling {}. Pass --ignore-robots if you may audit the site anyway",
                url.host_str().unwrap_or("")
            ))),
        }
    }

    /// Fetches the start page, following redirects anywhere: the host it ends
    /// on becomes part of the site.
    async fn start_page(
        &self,
        fetcher: &Fetcher,
        scope: &mut Scope,
        robots: &mut HashMap<String, Robots>,
        stats: &mut CrawlStats,
        truncated: &mut Examples,
        mut cache: Option<&mut Cache>,
    ) -> Result<Job, AuditError> {
        let mut cur = self.start.clone();
        let mut chain = Chain::new(&cur);
        // The time the start page's requests took (each redirect and retry,
        // not the politeness waits nor robots.txt): the visit that
        // availability monitoring times.
        let mut spent = std::time::Duration::ZERO;
        let mut cond = cache.as_ref().and_then(|c| c.validators(chain.first()));
        loop {
            // robots.txt and the politeness gate are both the host name's,
            // so Crawl-delay holds for every scheme and port of the host.
            let rkey = host_name(&cur).into_owned();
            if !robots.contains_key(&rkey) {
                let r = self.robots_for(fetcher, &cur).await?;
                if let Some(d) = r.crawl_delay {
                    let d = d.min(MAX_CRAWL_DELAY);
                    fetcher.gates().slow_down(&rkey, d);
                    let (host, secs) = (cur.host_str().unwrap_or(""), d.as_secs_f64());
                    self.note(
                        stats,
                        "crawl_delay",
                        &[("host", host.to_string()), ("secs", secs.to_string())],
                    );
                }
                robots.insert(rkey.clone(), r);
            }
            if robots.get(&rkey).is_some_and(|r| !r.allowed(cur.as_str())) {
                return Err(AuditError::Site(format!(
                    "robots.txt of {} disallows {cur}; pass --ignore-robots if you may audit the site anyway",
                    cur.host_str().unwrap_or("")
                )));
            }
            scope.add_host(&cur);
            let asked = cond.take();
            let mut a = fetcher.fetch(&cur, Method::Get, asked.as_ref()).await;
            spent += a.took;
            stats.probe = Some(super::Probe {
                at: jiff::Timestamp::now().as_second(),
                status: a.status,
                millis: u64::try_from(spent.as_millis()).unwrap_or(u64::MAX),
            });
            if a.status == 304
                && asked.is_some()
                && let Some(c) = cache.as_mut()
                && let Some(e) = c.take(chain.first())
            {
                match reuse(e, 0, Some(cache::now())) {
                    Ok(done) => return Ok(Job::Done(Box::new(done))),
                    // The copy the server vouched for cannot be read: ask for the page itself.
                    Err(_) => {
                        c.unreadable();
                        continue;
                    }
                }
            }
            // Any other answer replaces the cached copy: an interrupted run must
            // not write the old line after the new one.
            if let Some(c) = cache.as_mut() {
                c.take(chain.first());
            }
            if let Some(next) = a.location.take() {
                match chain.follow(&next, self.opts.crawl.max_redirects) {
                    Ok(_) => {
                        cur = next;
                        continue;
                    }
                    Err(Broken::Loop(why)) => {
                        return Err(AuditError::Site(format!(
                            "the start page is caught in a {why}"
                        )));
                    }
                    // Read as the page it is, an error the report shows.
                    Err(Broken::TooLong(why)) => a.error = Some(why),
                }
            }
            if a.status == 0 {
                return Err(self.unreachable(a.error.as_deref()));
            }
            if a.truncated {
                truncated.add(cur.to_string());
            }
            let v = std::mem::take(&mut a.validators);
            return Ok(Job::Doc(into_doc(cur, 0, a), v));
        }
    }

    /// Page URLs listed by the site's sitemaps (robots.txt `Sitemap:` lines and `/sitemap.xml`).
    async fn sitemap_urls(
        &self,
        fetcher: &Fetcher,
        shared: &Shared,
        stats: &mut CrawlStats,
    ) -> Vec<Url> {
        let mut files: VecDeque<Url> = VecDeque::new();
        let mut listed: HashSet<String> = HashSet::new();
        for r in shared.robots.values() {
            for s in &r.sitemaps {
                // Relative lines are not standard but are seen; read them against the site.
                if let Ok(u) = self.start.join(s) {
                    files.push_back(u);
                }
            }
        }
        if let Ok(u) = self.start.join("/sitemap.xml") {
            files.push_back(u);
        }
        let mut out = Vec::new();
        let mut read = 0usize;
        let cap = self
            .opts
            .crawl
            .max_sitemap_urls
            .min(self.opts.crawl.max_pages);
        let mut cut = false;
        while let Some(file) = files.pop_front() {
            if !listed.insert(file.to_string())
                || !shared.scope.on_site(&file)
                || !shared.allowed(&file)
            {
                continue;
            }
            if read >= MAX_SITEMAP_FILES {
                cut = true;
                break;
            }
            read += 1;
            let a = fetcher.fetch(&file, Method::GetAny, None).await;
            if a.status != 200 || a.body.is_empty() {
                continue;
            }
            let sm = match sitemap::parse(&a.body, self.opts.fetch.max_body_bytes) {
                Ok(sm) => sm,
                Err(e) => {
                    self.note(
                        stats,
                        "sitemap_unreadable",
                        &[("file", file.to_string()), ("error", e.to_string())],
                    );
                    continue;
                }
            };
            for loc in sm.locs {
                let Ok(u) = file.join(&loc) else { continue };
                if sm.is_index {
                    files.push_back(u);
                } else if out.len() < cap {
                    out.push(u);
                } else {
                    cut = true;
                }
            }
        }
        if cut {
            self.note(
                stats,
                "sitemap_capped",
                &[
                    ("urls", cap.to_string()),
                    ("files", MAX_SITEMAP_FILES.to_string()),
                ],
            );
        }
        out
    }

    /// The addresses this site's crawl may reach: public ones, the start host's,
    /// and the hosts the user allowed.
    fn safety(&self) -> Safety {
        let mut safety = Safety::for_start(&self.start);
        for h in &self.opts.crawl.allow_internal_hosts {
            safety.allow_host(h);
        }
        safety
    }

    async fn crawl(
        &self,
        jobs: mpsc::Sender<Job>,
        (done_here, mut done): (amp::UnboundedSender<Done>, amp::UnboundedReceiver<Done>),
        keep: &mut Keep<'_>,
    ) -> Result<CrawlStats, AuditError> {
        let opts = &self.opts;
        let mut stats = CrawlStats::default();
        if INTERRUPTED.load(Ordering::Relaxed) {
            stats.incomplete = true;
            stats.stopped = Some("interrupted");
            self.note(
                &mut stats,
                "not_started_interrupted",
                &[("signal", signal_name().to_string())],
            );
            stats.stop_note = stats.notes.last().cloned();
            return Ok(stats);
        }
        if opts
            .crawl
            .deadline
            .is_some_and(|d| std::time::Instant::now() >= d)
        {
            stats.incomplete = true;
            stats.stopped = Some("max_time");
            self.note(&mut stats, "not_started_max_time", &[]);
            stats.stop_note = stats.notes.last().cloned();
            return Ok(stats);
        }
        let fetcher = Fetcher::new(opts.fetch.clone(), self.gates.clone(), self.safety())
            .map_err(AuditError::Site)?;
        let mut scope = Scope::new(
            &self.start,
            &opts.crawl.include,
            &opts.crawl.exclude,
            opts.crawl.max_depth,
            &opts.attachment_extensions,
            opts.crawl.check_external,
        )
        .map_err(AuditError::Usage)?;
        let mut cache = match &opts.crawl.cache_dir {
            Some(dir) => Some(
                Cache::open(
                    dir,
                    self.start.as_str(),
                    &opts.cache_fingerprint,
                    opts.words.clone(),
                )
                .map_err(AuditError::Output)?,
            ),
            None => None,
        };
        if !opts.crawl.obey_robots {
            self.note(&mut stats, "robots_ignored", &[]);
        }
        let mut robots = HashMap::new();
        let mut tally = Tally::default();
        let start = self
            .start_page(
                &fetcher,
                &mut scope,
                &mut robots,
                &mut stats,
                &mut tally.truncated,
                cache.as_mut(),
            )
            .await?;
        let seen: Seen = Arc::new(Mutex::new(HashSet::new()));
        claim(&seen, canonical(&self.start));
        match &start {
            Job::Doc(d, _) => {
                claim(&seen, canonical(&d.url));
                if d.error.is_some() || d.status >= 400 {
                    stats.errors += 1;
                }
            }
            Job::Done(d) => {
                claim(&seen, d.record.url.clone());
            }
            Job::Cached(..) | Job::Record(..) => {}
        }
        let shared = Arc::new(Shared {
            fetcher: fetcher.clone(),
            scope,
            robots,
            max_redirects: opts.crawl.max_redirects,
            seen: seen.clone(),
        });
        let mut ignored: HashSet<String> = HashSet::new();
        // List pages claimed per column (keyed by the column's first page).
        let mut list_pages: HashMap<String, usize> = HashMap::new();
        let mut queue: VecDeque<(Url, u32)> = VecDeque::new();
        let mut checks: VecDeque<(Url, u32)> = VecDeque::new();
        if opts.crawl.sitemaps {
            for u in self.sitemap_urls(&fetcher, &shared, &mut stats).await {
                if shared.scope.classify(&u, 1) == Verdict::Page
                    && shared.allowed(&u)
                    && claim(&seen, canonical(&u))
                {
                    queue.push_back((u, 1));
                }
            }
        }

        let mut tasks: JoinSet<TaskOut> = JoinSet::new();
        let mut extracting = 0usize;
        // Pages taken from the cache without a request, and the time their age is measured at.
        let (mut reused, began) = (0usize, cache::now());
        let mut started = 1usize;
        let mut limited = false;
        let mut interrupted = false;
        let cap = opts.in_flight.max(1);
        stats.fetched += 1;
        if jobs.send(start).is_ok() {
            extracting += 1;
        }
        let ctrl_c = stop_requested();
        tokio::pin!(ctrl_c);
        let deadline = opts.crawl.deadline.map(tokio::time::Instant::from_std);
        let time_up = async move {
            match deadline {
                Some(d) => tokio::time::sleep_until(d).await,
                None => std::future::pending().await,
            }
        };
        tokio::pin!(time_up);
        let mut timed_out = false;
        loop {
            while tasks.len() + extracting < cap {
                if let Some((url, depth)) = checks.pop_front() {
                    tasks.spawn(check(shared.clone(), url, depth));
                    continue;
                }
                if started >= opts.crawl.max_pages {
                    limited |= !queue.is_empty();
                    break;
                }
                let Some((url, depth)) = queue.pop_front() else {
                    break;
                };
                started += 1;
                let key = canonical(&url);
                if let Some(e) = cache
                    .as_mut()
                    .and_then(|c| c.take_fresh(&key, opts.crawl.max_cache_age, began))
                {
                    if jobs.send(Job::Cached(e, depth)).is_ok() {
                        extracting += 1;
                    }
                    continue;
                }
                let cached = cache.as_ref().and_then(|c| c.lend(&key));
                tasks.spawn(fetch_page(shared.clone(), url, depth, cached));
            }
            if tasks.is_empty() && extracting == 0 {
                break;
            }
            tokio::select! {
                biased;
                _ = &mut ctrl_c, if !interrupted => {
                    interrupted = true;
                    if !INTERRUPTED.swap(true, Ordering::Relaxed) {
                        second_ctrl_c_exits();
                    }
                    break;
                }
                _ = &mut time_up, if !interrupted => {
                    interrupted = true;
                    timed_out = true;
                    break;
                }
                Some(d) = done.recv(), if extracting > 0 => {
                    extracting -= 1;
                    if d.refetch {
                        if let Some(c) = cache.as_mut() {
                            c.unreadable();
                        }
                        // Claimed already: fetched next, as if never cached.
                        match Url::parse(&d.record.url) {
                            Ok(u) => {
                                started = started.saturating_sub(1);
                                queue.push_front((u, d.depth));
                            }
                            Err(_) => keep(unreadable_record(d.record.url)),
                        }
                        continue;
                    }
                    reused += usize::from(d.reused);
                    if let (Some(c), Some(l)) = (cache.as_mut(), d.cache_line.as_deref()) {
                        c.put(&d.record.url, l);
                    }
                    // A visit reads the start page and nothing else.
                    let links: &[String] = if opts.crawl.visit_only {
                        &[]
                    } else {
                        &d.record.links
                    };
                    for link in links {
                        // Links are canonical already (`urls::resolve_canonical`), so they are
                        // the keys of `seen` as they are; most were seen before, and parsing is
                        // not free.
                        if ignored.contains(link.as_str()) {
                            continue;
                        }
                        // Held for this link only: the fetch tasks claim redirect targets too.
                        let mut seen_now = seen.lock().unwrap_or_else(|p| p.into_inner());
                        if seen_now.contains(link.as_str()) {
                            continue;
                        }
                        if link.len() > opts.crawl.max_url_len {
                            seen_now.insert(link.clone());
                            let eg: String = link.chars().take(EXAMPLE_CHARS).collect();
                            tally.too_long.add(format!("{eg}…"));
                            continue;
                        }
                        let Ok(u) = Url::parse(link) else { continue };
                        let verdict = shared.scope.classify(&u, d.depth + 1);
                        match verdict {
                            // Out of scope at any depth: never look at it again.
                            Verdict::Skip => {
                                ignored.insert(link.clone());
                                continue;
                            }
                            Verdict::TooDeep => {
                                if tally.too_deep.len() < MAX_TOO_DEEP {
                                    tally.too_deep.insert(link.clone());
                                }
                                continue;
                            }
                            _ => {}
                        }
                        if verdict != Verdict::External && !shared.allowed(&u) {
                            seen_now.insert(link.clone());
                            tally.robots_skipped.add(u.to_string());
                            continue;
                        }
                        let column = d.record.pagination.contains(link).then(|| {
                            d.record.column_url.clone().unwrap_or_else(|| d.record.url.clone())
                        });
                        if let Some(col) = &column
                            // The first page itself counts as one.
                            && *list_pages.get(col).unwrap_or(&1) >= opts.crawl.max_list_pages
                        {
                            seen_now.insert(link.clone());
                            tally.list_pages.add(u.to_string());
                            continue;
                        }
                        seen_now.insert(link.clone());
                        drop(seen_now);
                        if let Some(col) = column {
                            *list_pages.entry(col).or_insert(1) += 1;
                        }
                        match verdict {
                            Verdict::Page => queue.push_back((u, d.depth + 1)),
                            _ => checks.push_back((u, d.depth + 1)),
                        }
                    }
                    keep(d.record);
                    self.progress.page(queue.len() + checks.len() + tasks.len(), stats.errors);
                }
                Some(joined) = tasks.join_next(), if !tasks.is_empty() => {
                    let Ok(out) = joined else {
                        stats.errors += 1;
                        self.note(&mut stats, "task_failed", &[]);
                        continue;
                    };
                    if let Some(c) = cache.as_mut() {
                        if out.unreadable_copy {
                            c.unreadable();
                        }
                        // A page the site could not serve just now (no answer, 5xx, 429)
                        // keeps its old entry for a run that stops early; any other
                        // answer, a 404 included, replaces, confirms or ends it.
                        let failed = matches!(&out.outcome, Outcome::Doc(d, ..)
                            if d.status == 0 || unavailable(d.status)
                                || d.error.is_some() && d.status < 400);
                        if !failed {
                            c.settle(&canonical(&out.url));
                        }
                    }
                    let job = match out.outcome {
                        Outcome::Doc(d, v, cut) => {
                            stats.fetched += 1;
                            if d.error.is_some() || d.status >= 400 || d.status == 0 {
                                stats.errors += 1;
                            }
                            if cut {
                                tally.truncated.add(d.url.to_string());
                            }
                            if shared.scope.on_site(&d.url) {
                                Job::Doc(d, v)
                            } else {
                                Job::Record(Box::new(external_record(&d)), out.depth)
                            }
                        }
                        Outcome::Reused(d) => {
                            stats.fetched += 1;
                            if done_here.send(*d).is_ok() {
                                extracting += 1;
                            }
                            continue;
                        }
                        Outcome::NotModified => {
                            stats.fetched += 1;
                            let mut d = doc(out.url, out.depth);
                            d.status = 304;
                            d.error = Some("HTTP 304 to a request that was not conditional".into());
                            stats.errors += 1;
                            Job::Doc(d, Validators::default())
                        }
                        Outcome::Duplicate => continue,
                        Outcome::Left(to) => {
                            tally.left.add(format!("{} → {to}", out.url));
                            continue;
                        }
                    };
                    if jobs.send(job).is_ok() {
                        extracting += 1;
                    }
                }
            }
        }
        if interrupted {
            tasks.abort_all();
            // What is already being read is still worth keeping.
            while extracting > 0 {
                let Some(d) = done.recv().await else { break };
                extracting -= 1;
                if d.refetch {
                    // Not read, and no time left to fetch it: left out, like the queue.
                    if let Some(c) = cache.as_mut() {
                        c.unreadable();
                    }
                    continue;
                }
                reused += usize::from(d.reused);
                if let (Some(c), Some(l)) = (cache.as_mut(), d.cache_line.as_deref()) {
                    c.put(&d.record.url, l);
                }
                keep(d.record);
            }
            stats.incomplete = true;
            let done_n = stats.fetched + reused;
            let left = queue.len() + checks.len() + tasks.len();
            stats.stopped = Some(if timed_out { "max_time" } else { "interrupted" });
            if timed_out {
                self.note(
                    &mut stats,
                    "stopped_max_time",
                    &[("pages", done_n.to_string()), ("left", left.to_string())],
                );
            } else {
                self.note(
                    &mut stats,
                    "stopped_interrupted",
                    &[
                        ("pages", done_n.to_string()),
                        ("left", left.to_string()),
                        ("signal", signal_name().to_string()),
                    ],
                );
            }
            stats.stop_note = stats.notes.last().cloned();
        }
        drop(jobs);
        if limited {
            stats.incomplete = true;
            let (max, left) = (opts.crawl.max_pages, queue.len());
            self.note(
                &mut stats,
                "max_pages",
                &[("max", max.to_string()), ("left", left.to_string())],
            );
        }
        self.note_examples(
            &mut stats,
            &tally.robots_skipped,
            ", ",
            "robots_skipped",
            None,
        );
        if let Some(max) = opts.crawl.max_depth {
            // A page first seen too deep may have been reached later by a shorter path.
            {
                let seen = seen.lock().unwrap_or_else(|p| p.into_inner());
                tally.too_deep.retain(|l| !seen.contains(l.as_str()));
            }
            // The first few in order, so that the note is the same from run to run;
            // only those few are sorted.
            let mut eg: Vec<&str> = tally.too_deep.iter().map(String::as_str).collect();
            if eg.len() > EXAMPLES {
                eg.select_nth_unstable(EXAMPLES);
                eg.truncate(EXAMPLES);
            }
            eg.sort_unstable();
            let too_deep = Examples {
                list: eg.into_iter().map(str::to_owned).collect(),
                count: tally.too_deep.len(),
            };
            self.note_examples(
                &mut stats,
                &too_deep,
                ", ",
                "too_deep",
                Some(max.to_string()),
            );
        }
        let max = opts.crawl.max_list_pages;
        self.note_examples(
            &mut stats,
            &tally.list_pages,
            ", ",
            "list_pages",
            Some(max.to_string()),
        );
        let max = opts.crawl.max_url_len;
        self.note_examples(
            &mut stats,
            &tally.too_long,
            ", ",
            "too_long",
            Some(max.to_string()),
        );
        self.note_examples(&mut stats, &tally.left, "; ", "redirects_left", None);
        let max = opts.fetch.max_body_bytes;
        self.note_examples(
            &mut stats,
            &tally.truncated,
            ", ",
            "truncated",
            Some(max.to_string()),
        );
        if reused > 0 {
            let age = cache::age_text(opts.crawl.max_cache_age.as_secs());
            self.note(
                &mut stats,
                "cache_reused",
                &[("count", reused.to_string()), ("age", age)],
            );
        }
        if let Some(c) = cache {
            stats.notes.extend(c.finish(stats.incomplete));
        }
        self.progress.finish();
        Ok(stats)
    }
}

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
use super::fetch::{Answer, FetchOptions, Fetcher, Method, Validators};
use super::politeness::{Gates, host_key};
use super::robots::Robots;
use super::safety::Safety;
use super::scope::{Scope, Verdict};
use super::sitemap;
use super::urls::canonical;
use super::{CrawlStats, Document, Extract, Keep, Source};
use crate::checks::Lang;
use crate::error::AuditError;
use crate::extract::record::{PageKind, PageRecord};
use crate::progress::Progress;

#[derive(Debug, Clone)]
pub struct HttpOptions {
    pub fetch: FetchOptions,
    pub max_pages: usize,
    pub max_depth: Option<u32>,
    pub max_redirects: usize,
    pub include: Vec<String>,
    pub exclude: Vec<String>,
    /// Extensions of attachments, which are checked but not downloaded.
    pub attachment_extensions: Vec<String>,
    pub obey_robots: bool,
    pub check_external: bool,
    /// Hosts besides the start host that may resolve to internal addresses.
    pub allow_internal_hosts: Vec<String>,
    /// Links longer than this are not followed: real pages have short URLs,
    /// crawler traps grow theirs without end.
    pub max_url_len: usize,
    /// Pages of one column's list followed through its pagination: a column
    /// whose pager never ends must not take the whole page budget.
    pub max_list_pages: usize,
    /// Seed the crawl from robots.txt `Sitemap:` lines and `/sitemap.xml`.
    pub sitemaps: bool,
    /// When the whole run must stop fetching (`--max-time`), as Ctrl-C does.
    pub deadline: Option<std::time::Instant>,
    pub max_sitemap_urls: usize,
    pub cache_dir: Option<PathBuf>,
    /// Changes when cached records would be extracted differently.
    pub cache_fingerprint: String,
    /// Fetches started ahead of the results, all hosts together.
    pub in_flight: usize,
    /// Threads that extract records.
    pub workers: usize,
    /// The language of the notes.
    pub lang: Lang,
}

pub struct HttpSource {
    pub start: Url,
    pub opts: HttpOptions,
    pub gates: Arc<Gates>,
    pub progress: Progress,
}

/// The longest `Crawl-delay` honoured as written; longer ones are cut to it, with a note.
const MAX_CRAWL_DELAY: std::time::Duration = std::time::Duration::from_secs(30);
/// Sitemap files read at most (an index can list thousands).
const MAX_SITEMAP_FILES: usize = 50;
/// Examples quoted in a note about many URLs.
const EXAMPLES: usize = 3;

/// Set by the first Ctrl-C, so that sites of the same run that have not
/// started yet are not started (each running crawl sees the signal itself).
static INTERRUPTED: AtomicBool = AtomicBool::new(false);

enum Job {
    Doc(Document, Validators),
    Cached(Entry, u32),
    Record(Box<PageRecord>, u32),
}

struct Done {
    record: PageRecord,
    depth: u32,
    cache_line: Option<String>,
}

/// What became of one page fetch, after redirects.
enum Outcome {
    Doc(Document, Validators, bool),
    NotModified,
    /// Redirected to a URL already crawled.
    Duplicate,
    /// Redirected off the site, or to a URL robots.txt disallows.
    Left(Url, &'static str),
}

struct TaskOut {
    url: Url,
    depth: u32,
    outcome: Outcome,
}

/// URLs claimed for fetching, shared with the tasks that follow redirects.
type Seen = Arc<Mutex<HashSet<String>>>;

fn claim(seen: &Seen, key: String) -> bool {
    seen.lock().unwrap_or_else(|p| p.into_inner()).insert(key)
}

/// Notes gathered during the crawl, counted so that the report stays short.
#[derive(Default)]
struct Tally {
    robots_skipped: Vec<String>,
    robots_count: usize,
    left: Vec<String>,
    left_count: usize,
    truncated: Vec<String>,
    truncated_count: usize,
    too_long: Vec<String>,
    too_long_count: usize,
    list_pages: Vec<String>,
    list_pages_count: usize,
    /// Pages left out by `--max-depth`, each counted once.
    too_deep: HashSet<String>,
}

fn example(list: &mut Vec<String>, count: &mut usize, s: String) {
    *count += 1;
    if list.len() < EXAMPLES {
        list.push(s);
    }
}

struct Shared {
    fetcher: Fetcher,
    scope: Scope,
    robots: HashMap<String, Robots>,
    max_redirects: usize,
    seen: Seen,
}

impl Shared {
    fn allowed(&self, url: &Url) -> bool {
        self.robots
            .get(&robots_key(url))
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
            tokio::select! {
                _ = tokio::signal::ctrl_c() => {}
                _ = term.recv() => {}
            }
            return;
        }
    }
    let _ = tokio::signal::ctrl_c().await;
}

/// robots.txt is looked up by host name: the site's http and https pages share it.
fn robots_key(url: &Url) -> String {
    url.host_str().unwrap_or("").to_ascii_lowercase()
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

/// Fetches one page, following redirects that stay on the site.
async fn fetch_page(sh: Arc<Shared>, url: Url, depth: u32, cond: Option<Validators>) -> TaskOut {
    let mut cur = url.clone();
    let mut chain = vec![canonical(&url)];
    let mut cond = cond;
    let outcome = loop {
        let answer = sh.fetcher.fetch(&cur, Method::Get, cond.as_ref()).await;
        cond = None;
        if answer.status == 304 {
            break Outcome::NotModified;
        }
        let Some(next) = answer.location.clone() else {
            let (v, cut) = (answer.validators.clone(), answer.truncated);
            break Outcome::Doc(into_doc(cur, depth, answer), v, cut);
        };
        let key = canonical(&next);
        if chain.contains(&key) {
            chain.push(key);
            let mut d = doc(url.clone(), depth);
            d.status = answer.status;
            d.error = Some(format!("redirect loop: {}", chain.join(" → ")));
            break Outcome::Doc(d, Validators::default(), false);
        }
        if chain.len() > sh.max_redirects {
            let mut d = doc(url.clone(), depth);
            d.status = answer.status;
            d.error = Some(format!(
                "more than {} redirects, last to {next}",
                sh.max_redirects
            ));
            break Outcome::Doc(d, Validators::default(), false);
        }
        if !sh.scope.on_site(&next) {
            break Outcome::Left(next, "leaves the site");
        }
        if !sh.allowed(&next) {
            break Outcome::Left(next, "is disallowed by robots.txt");
        }
        if !claim(&sh.seen, key.clone()) {
            break Outcome::Duplicate;
        }
        chain.push(key);
        cur = next;
    };
    TaskOut {
        url,
        depth,
        outcome,
    }
}

/// Checks that an attachment or external link exists, without reading it.
async fn check(sh: Arc<Shared>, url: Url, depth: u32) -> TaskOut {
    // Attachments often sit behind a redirect (a file server, a download
    // script); what counts is where the chain ends.
    let mut cur = url.clone();
    let mut chain = vec![canonical(&url)];
    let mut answer = sh.fetcher.fetch(&cur, Method::Check, None).await;
    while let Some(next) = answer.location.take() {
        let key = canonical(&next);
        if chain.contains(&key) || chain.len() > sh.max_redirects {
            chain.push(key);
            answer.error = Some(format!("redirect loop: {}", chain.join(" → ")));
            break;
        }
        chain.push(key);
        cur = next;
        answer = sh.fetcher.fetch(&cur, Method::Check, None).await;
    }
    let mut d = doc(url.clone(), depth);
    d.status = answer.status;
    d.content_type = answer.content_type;
    d.error = answer.error;
    TaskOut {
        url,
        depth,
        outcome: Outcome::Doc(d, Validators::default(), false),
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

fn worker(
    jobs: &Mutex<mpsc::Receiver<Job>>,
    extract: &Extract<'_>,
    done: amp::UnboundedSender<Done>,
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
                let cache_line = cache::line(&record.url, &v, &record);
                Done {
                    record,
                    depth,
                    cache_line,
                }
            }
            Job::Cached(e, depth) => match e.record() {
                Some(record) => Done {
                    record,
                    depth,
                    cache_line: Some(e.line),
                },
                // Unreadable after all: report the page as unread rather than guess.
                None => Done {
                    record: PageRecord {
                        url: e.url,
                        status: 304,
                        error: Some(
                            "the cached copy of this page is unreadable; run again without --cache"
                                .into(),
                        ),
                        ..Default::default()
                    },
                    depth,
                    cache_line: None,
                },
            },
            Job::Record(record, depth) => Done {
                record: *record,
                depth,
                cache_line: None,
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
        let (job_tx, job_rx) = mpsc::channel::<Job>();
        let job_rx = Mutex::new(job_rx);
        let job_rx = &job_rx;
        std::thread::scope(|s| {
            let (done_tx, done_rx) = amp::unbounded_channel::<Done>();
            for _ in 0..workers {
                let done_tx = done_tx.clone();
                s.spawn(move || worker(job_rx, extract, done_tx));
            }
            drop(done_tx);
            rt.block_on(self.crawl(job_tx, done_rx, keep))
        })
    }
}

impl HttpSource {
    /// Notes are read by people: Chinese unless `--lang en`.
    fn note(&self, stats: &mut CrawlStats, zh: String, en: String) {
        stats.notes.push(match self.opts.lang {
            Lang::Zh => zh,
            Lang::En => en,
        });
    }

    /// The robots.txt of `url`'s host. One that answers 5xx stops the audit, as
    /// RFC 9309 asks (complete disallow); no answer at all means the site is unreachable.
    async fn robots_for(&self, fetcher: &Fetcher, url: &Url) -> Result<Robots, AuditError> {
        if !self.opts.obey_robots {
            return Ok(Robots::allow_all());
        }
        let Ok(robots_url) = url.join("/robots.txt") else {
            return Ok(Robots::allow_all());
        };
        let a = fetcher.fetch(&robots_url, Method::GetAny, None).await;
        match a.status {
            0 => Err(AuditError::Site(format!(
                "the site {} is unreachable: {}",
                self.start,
                a.error.as_deref().unwrap_or("no response")
            ))),
            200..=299 => Ok(Robots::parse(
                &String::from_utf8_lossy(&a.body),
                &self.opts.fetch.user_agent,
            )),
            // No robots.txt (or one that is not found after redirects): everything is allowed.
            300..=499 => Ok(Robots::allow_all()),
            status => Err(AuditError::Site(format!(
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
        mut cache: Option<&mut Cache>,
    ) -> Result<Job, AuditError> {
        let mut cur = self.start.clone();
        let mut chain = vec![canonical(&cur)];
        let mut cond = cache.as_ref().and_then(|c| c.validators(&chain[0]));
        loop {
            let key = host_key(&cur);
            let rkey = robots_key(&cur);
            if !robots.contains_key(&rkey) {
                let r = self.robots_for(fetcher, &cur).await?;
                if let Some(d) = r.crawl_delay {
                    let d = d.min(MAX_CRAWL_DELAY);
                    fetcher.gates().slow_down(&key, d);
                    let (host, secs) = (cur.host_str().unwrap_or(""), d.as_secs_f64());
                    self.note(
                        stats,
                        format!("{host} 的 robots.txt 要求两次请求间隔 {secs} 秒(Crawl-delay),已照办"),
                        format!("robots.txt of {host} asks for {secs} s between requests (Crawl-delay); the crawl waited that long"),
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
            let a = fetcher.fetch(&cur, Method::Get, cond.take().as_ref()).await;
            if a.status == 304
                && let Some(e) = cache.as_mut().and_then(|c| c.take(&canonical(&cur)))
            {
                return Ok(Job::Cached(e, 0));
            }
            match a.location.clone() {
                Some(next) if chain.len() <= self.opts.max_redirects => {
                    let k = canonical(&next);
                    if chain.contains(&k) {
                        return Err(AuditError::Site(format!(
                            "the start page redirects in a loop: {} → {k}",
                            chain.join(" → ")
                        )));
                    }
                    chain.push(k);
                    cur = next;
                }
                _ => {
                    if a.status == 0 {
                        return Err(AuditError::Site(format!(
                            "the site {} is unreachable: {}",
                            self.start,
                            a.error.as_deref().unwrap_or("no response")
                        )));
                    }
                    if a.truncated {
                        let max = self.opts.fetch.max_body_bytes;
                        self.note(
                            stats,
                            format!("{cur} 超过 {max} 字节,只读取了开头部分"),
                            format!(
                                "{cur} is larger than {max} bytes; only the start of it was read"
                            ),
                        );
                    }
                    let v = a.validators.clone();
                    return Ok(Job::Doc(into_doc(cur, 0, a), v));
                }
            }
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
        let cap = self.opts.max_sitemap_urls.min(self.opts.max_pages);
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
                        format!("未能读取站点地图 {file}:{e}"),
                        format!("sitemap {file} not read: {e}"),
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
                format!("站点地图列出的网址多于读取上限(最多 {cap} 个网址、{MAX_SITEMAP_FILES} 个文件)"),
                format!("the sitemaps list more than was read ({cap} URLs, {MAX_SITEMAP_FILES} files at most)"),
            );
        }
        out
    }

    /// The addresses this site's crawl may reach: public ones, the start host's,
    /// and the hosts the user allowed.
    fn safety(&self) -> Safety {
        let mut safety = Safety::for_start(&self.start);
        for h in &self.opts.allow_internal_hosts {
            safety.allow_host(h);
        }
        safety
    }

    async fn crawl(
        &self,
        jobs: mpsc::Sender<Job>,
        mut done: amp::UnboundedReceiver<Done>,
        keep: &mut Keep<'_>,
    ) -> Result<CrawlStats, AuditError> {
        let opts = &self.opts;
        let mut stats = CrawlStats::default();
        if INTERRUPTED.load(Ordering::Relaxed) {
            stats.incomplete = true;
            self.note(
                &mut stats,
                "未抓取:本站开始前运行已被中断(Ctrl-C)".into(),
                "not crawled: the run was interrupted (Ctrl-C) before this site began".into(),
            );
            return Ok(stats);
        }
        if opts
            .deadline
            .is_some_and(|d| std::time::Instant::now() >= d)
        {
            stats.incomplete = true;
            self.note(
                &mut stats,
                "未抓取:本站开始前已达运行时间上限(--max-time)".into(),
                "not crawled: the run time limit (--max-time) was reached before this site began"
                    .into(),
            );
            return Ok(stats);
        }
        let fetcher = Fetcher::new(opts.fetch.clone(), self.gates.clone(), self.safety())
            .map_err(AuditError::Site)?;
        let mut scope = Scope::new(
            &self.start,
            &opts.include,
            &opts.exclude,
            opts.max_depth,
            &opts.attachment_extensions,
            opts.check_external,
        )
        .map_err(AuditError::Usage)?;
        let mut cache = match &opts.cache_dir {
            Some(dir) => Some(
                Cache::open(dir, self.start.as_str(), &opts.cache_fingerprint, opts.lang)
                    .map_err(AuditError::Output)?,
            ),
            None => None,
        };
        if !opts.obey_robots {
            self.note(
                &mut stats,
                "未遵守 robots.txt(--ignore-robots)".into(),
                "robots.txt was not consulted (--ignore-robots)".into(),
            );
        }
        let mut robots = HashMap::new();
        let start = self
            .start_page(
                &fetcher,
                &mut scope,
                &mut robots,
                &mut stats,
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
            Job::Cached(e, _) => {
                claim(&seen, e.url.clone());
            }
            Job::Record(..) => {}
        }
        let shared = Arc::new(Shared {
            fetcher: fetcher.clone(),
            scope,
            robots,
            max_redirects: opts.max_redirects,
            seen: seen.clone(),
        });
        let mut tally = Tally::default();
        let mut ignored: HashSet<String> = HashSet::new();
        // List pages claimed per column (keyed by the column's first page).
        let mut list_pages: HashMap<String, usize> = HashMap::new();
        let mut queue: VecDeque<(Url, u32)> = VecDeque::new();
        let mut checks: VecDeque<(Url, u32)> = VecDeque::new();
        if opts.sitemaps {
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
        let deadline = opts.deadline.map(tokio::time::Instant::from_std);
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
                if started >= opts.max_pages {
                    limited |= !queue.is_empty();
                    break;
                }
                let Some((url, depth)) = queue.pop_front() else {
                    break;
                };
                started += 1;
                let cond = cache.as_ref().and_then(|c| c.validators(&canonical(&url)));
                tasks.spawn(fetch_page(shared.clone(), url, depth, cond));
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
                    if let (Some(c), Some(l)) = (cache.as_mut(), d.cache_line.as_deref()) {
                        c.write(l);
                    }
                    for link in &d.record.links {
                        // Links are canonical already; most were seen before, and parsing is not free.
                        if ignored.contains(link.as_str())
                            || seen.lock().unwrap_or_else(|p| p.into_inner()).contains(link.as_str())
                        {
                            continue;
                        }
                        if link.len() > opts.max_url_len {
                            if claim(&seen, link.clone()) {
                                let eg: String = link.chars().take(120).collect();
                                example(&mut tally.too_long, &mut tally.too_long_count, format!("{eg}…"));
                            }
                            continue;
                        }
                        let Ok(u) = Url::parse(link) else { continue };
                        let verdict = shared.scope.classify(&u, d.depth + 1);
                        if verdict == Verdict::Skip {
                            // Out of scope at any depth: never look at it again.
                            if shared.scope.classify(&u, 0) == Verdict::Skip {
                                ignored.insert(link.clone());
                            } else if tally.too_deep.len() < 100_000 {
                                tally.too_deep.insert(link.clone());
                            }
                            continue;
                        }
                        if verdict != Verdict::External && !shared.allowed(&u) {
                            if claim(&seen, canonical(&u)) {
                                example(&mut tally.robots_skipped, &mut tally.robots_count, u.to_string());
                            }
                            continue;
                        }
                        let column = d.record.pagination.contains(link).then(|| {
                            d.record.column_url.clone().unwrap_or_else(|| d.record.url.clone())
                        });
                        if let Some(col) = &column
                            // The first page itself counts as one.
                            && *list_pages.get(col).unwrap_or(&1) >= opts.max_list_pages
                        {
                            if claim(&seen, canonical(&u)) {
                                example(&mut tally.list_pages, &mut tally.list_pages_count, u.to_string());
                            }
                            continue;
                        }
                        if !claim(&seen, canonical(&u)) {
                            continue;
                        }
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
                        self.note(&mut stats, "一个抓取任务意外失败".into(), "a fetch task failed unexpectedly".into());
                        continue;
                    };
                    let job = match out.outcome {
                        Outcome::Doc(d, v, cut) => {
                            stats.fetched += 1;
                            if d.error.is_some() || d.status >= 400 || d.status == 0 {
                                stats.errors += 1;
                            }
                            if cut {
                                example(&mut tally.truncated, &mut tally.truncated_count, d.url.to_string());
                            }
                            if shared.scope.on_site(&d.url) {
                                Job::Doc(d, v)
                            } else {
                                Job::Record(Box::new(external_record(&d)), out.depth)
                            }
                        }
                        Outcome::NotModified => {
                            stats.fetched += 1;
                            match cache.as_mut().and_then(|c| c.take(&canonical(&out.url))) {
                                Some(e) => Job::Cached(e, out.depth),
                                None => {
                                    let mut d = doc(out.url, out.depth);
                                    d.status = 304;
                                    d.error = Some("HTTP 304 to a request that was not conditional".into());
                                    stats.errors += 1;
                                    Job::Doc(d, Validators::default())
                                }
                            }
                        }
                        Outcome::Duplicate => continue,
                        Outcome::Left(to, why) => {
                            example(&mut tally.left, &mut tally.left_count, format!("{} → {to} ({why})", out.url));
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
                if let (Some(c), Some(l)) = (cache.as_mut(), d.cache_line.as_deref()) {
                    c.write(l);
                }
                keep(d.record);
            }
            stats.incomplete = true;
            let (done_n, left) = (stats.fetched, queue.len() + checks.len() + tasks.len());
            if timed_out {
                self.note(
                    &mut stats,
                    format!("已达运行时间上限(--max-time):抓取了 {done_n} 个页面,队列中还有 {left} 个网址未抓取"),
                    format!(
                        "stopped at the run time limit (--max-time) after {done_n} pages; {left} queued URLs were not fetched"
                    ),
                );
            } else {
                self.note(
                    &mut stats,
                    format!("已中断(Ctrl-C):抓取了 {done_n} 个页面,队列中还有 {left} 个网址未抓取"),
                    format!(
                        "interrupted (Ctrl-C) after {done_n} pages; {left} queued URLs were not fetched"
                    ),
                );
            }
        }
        drop(jobs);
        if limited {
            stats.incomplete = true;
            let (max, left) = (opts.max_pages, queue.len());
            self.note(
                &mut stats,
                format!("已达页数上限 {max}(--max-pages),另有 {left} 个网址未抓取"),
                format!("stopped after {max} pages (--max-pages); {left} more URLs were queued"),
            );
        }
        if tally.robots_count > 0 {
            let (n, eg) = (tally.robots_count, tally.robots_skipped.join(", "));
            self.note(
                &mut stats,
                format!("robots.txt 禁止抓取的 {n} 个网址未抓取,例如 {eg}"),
                format!("{n} URLs disallowed by robots.txt were not fetched, e.g. {eg}"),
            );
        }
        // A page first seen too deep may have been reached later by a shorter path.
        let seen_now = seen.lock().unwrap_or_else(|p| p.into_inner()).clone();
        let too_deep: Vec<&String> = tally
            .too_deep
            .iter()
            .filter(|l| !seen_now.contains(l.as_str()))
            .collect();
        if let (Some(max), false) = (opts.max_depth, too_deep.is_empty()) {
            let n = too_deep.len();
            let mut eg: Vec<&str> = too_deep.iter().map(|s| s.as_str()).collect();
            eg.sort_unstable();
            let eg = eg.into_iter().take(3).collect::<Vec<_>>().join(", ");
            self.note(
                &mut stats,
                format!("{n} 个网址超出链接深度上限 {max}(--max-depth),未抓取,例如 {eg}"),
                format!(
                    "{n} URLs deeper than {max} links (--max-depth) were not fetched, e.g. {eg}"
                ),
            );
        }
        if tally.list_pages_count > 0 {
            let (n, max, eg) = (
                tally.list_pages_count,
                opts.max_list_pages,
                tally.list_pages.join(", "),
            );
            self.note(
                &mut stats,
                format!("栏目列表翻页超过 {max} 页(--max-list-pages),另有 {n} 个列表页未抓取,例如 {eg}"),
                format!("{n} more list pages of columns paginated beyond {max} pages (--max-list-pages) were not fetched, e.g. {eg}"),
            );
        }
        if tally.too_long_count > 0 {
            let (n, max, eg) = (
                tally.too_long_count,
                opts.max_url_len,
                tally.too_long.join(", "),
            );
            self.note(
                &mut stats,
                format!("{n} 个网址长于 {max} 个字符(--max-url-length),未抓取,例如 {eg}"),
                format!("{n} URLs longer than {max} characters (--max-url-length) were not fetched, e.g. {eg}"),
            );
        }
        if tally.left_count > 0 {
            let (n, eg) = (tally.left_count, tally.left.join("; "));
            self.note(
                &mut stats,
                format!("{n} 个重定向未跟随(指向站外或 robots.txt 禁止的网址),例如 {eg}"),
                format!("{n} redirects were not followed, e.g. {eg}"),
            );
        }
        if tally.truncated_count > 0 {
            let (n, max, eg) = (
                tally.truncated_count,
                opts.fetch.max_body_bytes,
                tally.truncated.join(", "),
            );
            self.note(
                &mut stats,
                format!("{n} 个页面超过 {max} 字节,只读取了开头部分,例如 {eg}"),
                format!("{n} pages were larger than {max} bytes and were cut, e.g. {eg}"),
            );
        }
        if let Some(c) = cache {
            stats.notes.extend(c.finish(stats.incomplete));
        }
        self.progress.finish();
        Ok(stats)
    }
}

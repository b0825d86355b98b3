//! Crawl benchmark: a synthetic disclosure site in the fixtures' style (a home
//! page, five columns with paginated lists, TRS-style articles with
//! breadcrumbs, metadata and 上一篇/下一篇), served from memory on 127.0.0.1,
//! audited end to end with politeness off. Reports pages/s and peak RSS
//! (VmHWM), cold and warm (`--cache`, every page answered 304; and with
//! `--max-cache-age 1d`, every page reused without a request). Last, the floor
//! under a revalidating warm run: the same conditional requests made by a bare
//! client that does nothing else.
//!
//! ```text
//! cargo bench --bench crawl                     # 5,000 and 20,000 pages
//! cargo bench --bench crawl -- run 20000        # one size
//! cargo bench --bench crawl -- floor 20000      # bare conditional requests only
//! cargo bench --bench crawl -- gen DIR 2000     # write a site to DIR
//! ```
//!
//! Each measurement runs in a child process, so that peak RSS is its own.

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::Path;
use std::process::Command;
use std::sync::Arc;
use std::time::{Duration, Instant};

use disclosure_audit::extract::Extractor;
use disclosure_audit::progress::Progress;
use disclosure_audit::source::Source;
use disclosure_audit::source::cache::digest;
use disclosure_audit::source::http::HttpSource;
use disclosure_audit::{AuditConfig, audit, load_rules};

const COLUMNS: [(&str, &str); 5] = [
    ("gzdt", "工作动态"),
    ("tpxw", "图片新闻"),
    ("zcwj", "政策文件"),
    ("tzgg", "通知公告"),
    ("ndbg", "政府信息公开年报"),
];
const PER_LIST: usize = 20;
const SITE: &str = "青石街道办事处";
const TOPICS: [&str; 8] = [
    "召开安全生产工作推进会",
    "开展垃圾分类宣传进社区活动",
    "部署政务公开重点工作",
    "组织防汛应急演练",
    "走访慰问辖区困难群众",
    "召开党建工作例会",
    "开展文明城市创建志愿服务",
    "举办居民议事协商会",
];

#[derive(Clone, Copy)]
enum Page {
    Home,
    List(usize, usize),
    Article(usize),
}

/// The synthetic site: `articles` articles spread over the five columns.
struct Site {
    articles: usize,
    paths: HashMap<String, Page>,
}

impl Site {
    /// A site of about `pages` pages in all.
    fn new(pages: usize) -> Site {
        let articles = (pages.saturating_sub(1) * PER_LIST / (PER_LIST + 1)).max(5);
        let mut s = Site {
            articles,
            paths: HashMap::new(),
        };
        s.paths.insert("/".into(), Page::Home);
        for c in 0..COLUMNS.len() {
            for p in 0..s.lists(c) {
                s.paths.insert(s.list_path(c, p), Page::List(c, p));
            }
        }
        for i in 0..articles {
            s.paths.insert(s.article_path(i), Page::Article(i));
        }
        s
    }

    fn in_column(&self, c: usize) -> usize {
        (self.articles + COLUMNS.len() - 1 - c) / COLUMNS.len()
    }

    fn lists(&self, c: usize) -> usize {
        self.in_column(c).div_ceil(PER_LIST).max(1)
    }

    /// Article `i` is the `i / 5`-th newest of column `i % 5`.
    fn date(&self, i: usize) -> jiff::civil::Date {
        let base = jiff::civil::date(2019, 3, 18);
        let back = (i / COLUMNS.len()) as i64 % 3000;
        base.checked_sub(jiff::Span::new().days(back))
            .unwrap_or(base)
    }

    fn article_path(&self, i: usize) -> String {
        let d = self.date(i);
        format!(
            "/{}/{}/t{}_{}.html",
            COLUMNS[i % COLUMNS.len()].0,
            d.strftime("%Y%m"),
            d.strftime("%Y%m%d"),
            100_000 + i
        )
    }

    fn list_path(&self, c: usize, p: usize) -> String {
        if p == 0 {
            format!("/{}/", COLUMNS[c].0)
        } else {
            format!("/{}/index_{p}.html", COLUMNS[c].0)
        }
    }

    fn title(&self, i: usize) -> String {
        format!(
            "{SITE}{}(第{}期)",
            TOPICS[i % TOPICS.len()],
            i / COLUMNS.len() + 1
        )
    }

    fn render(&self, page: Page) -> String {
        let mut h = String::with_capacity(4096);
        let (title, column) = match page {
            Page::Home => (SITE.to_string(), None),
            Page::List(c, _) => (COLUMNS[c].1.to_string(), Some(c)),
            Page::Article(i) => (self.title(i), Some(i % COLUMNS.len())),
        };
        h.push_str(&format!(
            "<!DOCTYPE html>\n<html>\n<head>\n<meta charset=\"utf-8\">\n<title>{title}_{SITE}</title>\n"
        ));
        if let Some(c) = column {
            h.push_str(&format!(
                "<meta name=\"ColumnName\" content=\"{}\">\n",
                COLUMNS[c].1
            ));
        }
        h.push_str("</head>\n<body>\n<div class=\"header\"><ul class=\"menu\"><li><a href=\"/\">首页</a></li>");
        for (f, n) in COLUMNS {
            h.push_str(&format!("<li><a href=\"/{f}/index.html\">{n}</a></li>"));
        }
        h.push_str("</ul></div>\n");
        match page {
            Page::Home => {
                h.push_str("<div class=\"news\"><h3>最新信息</h3><ul>");
                for i in 0..self.articles.min(10) {
                    h.push_str(&format!(
                        "<li><a href=\"{}\">{}</a><span>{}</span></li>",
                        self.article_path(i),
                        self.title(i),
                        self.date(i)
                    ));
                }
                h.push_str("</ul></div>\n");
            }
            Page::List(c, p) => {
                h.push_str(&format!(
                    "<div class=\"crumb\">当前位置：<a href=\"/\">首页</a> &gt; <a href=\"./\">{}</a></div>\n<ul class=\"list\">\n",
                    COLUMNS[c].1
                ));
                let n = self.in_column(c);
                for k in p * PER_LIST..((p + 1) * PER_LIST).min(n) {
                    let i = k * COLUMNS.len() + c;
                    h.push_str(&format!(
                        "  <li><a href=\"{}\" title=\"{t}\">{t}</a><span class=\"date\">{}</span></li>\n",
                        self.article_path(i),
                        self.date(i),
                        t = self.title(i)
                    ));
                }
                h.push_str("</ul>\n<div class=\"pager\">");
                if p > 0 {
                    h.push_str(&format!(
                        "<a href=\"{}\">上一页</a>",
                        self.list_path(c, p - 1)
                    ));
                }
                if p + 1 < self.lists(c) {
                    h.push_str(&format!(
                        "<a href=\"{}\">下一页</a>",
                        self.list_path(c, p + 1)
                    ));
                }
                h.push_str("</div>\n");
            }
            Page::Article(i) => {
                let c = i % COLUMNS.len();
                let d = self.date(i);
                // Every seventh article has an empty source, as real sites do.
                let source = if i % 7 == 3 { "" } else { SITE };
                h.push_str(&format!(
                    "<div class=\"crumb\">您现在的位置：<a href=\"/\">首页</a> &gt; <a href=\"/{}/index.html\">{}</a></div>\n\
                     <div class=\"article\">\n<h1 class=\"title\">{}</h1>\n\
                     <div class=\"info\">发布时间:{}年{:02}月{:02}日&nbsp;&nbsp;来源:{source}&nbsp;&nbsp;点击:</div>\n<div class=\"content\">\n",
                    COLUMNS[c].0, COLUMNS[c].1, self.title(i), d.year(), d.month(), d.day()
                ));
                for para in 0..4 {
                    h.push_str(&format!(
                        "<p>{}月{}日，{SITE}{}。会议要求各社区、各科室进一步提高认识，压实责任，细化措施，确保各项工作落到实处，第{para}项任务按时完成。</p>\n",
                        d.month(), d.day(), TOPICS[(i + para) % TOPICS.len()]
                    ));
                }
                h.push_str("</div>\n<div class=\"pagenav\">");
                let prev = i + COLUMNS.len();
                if prev < self.articles {
                    h.push_str(&format!(
                        "<p>上一篇:<a href=\"{}\">{}</a></p>",
                        self.article_path(prev),
                        self.title(prev)
                    ));
                } else {
                    h.push_str("<p>上一篇:没有了</p>");
                }
                if i >= COLUMNS.len() {
                    let next = i - COLUMNS.len();
                    h.push_str(&format!(
                        "<p>下一篇:<a href=\"{}\">{}</a></p>",
                        self.article_path(next),
                        self.title(next)
                    ));
                } else {
                    h.push_str("<p>下一篇:最后一页</p>");
                }
                h.push_str("</div>\n</div>\n");
            }
        }
        h.push_str(&format!(
            "<div class=\"footer\"><p>版权所有 © 2019 {SITE}</p></div>\n</body>\n</html>\n"
        ));
        h
    }

    fn exists(&self, path: &str) -> bool {
        let key = path.strip_suffix("index.html").unwrap_or(path);
        self.paths.contains_key(key) || self.paths.contains_key(path)
    }

    fn page(&self, path: &str) -> Option<String> {
        let key = path.strip_suffix("index.html").unwrap_or(path);
        self.paths
            .get(key)
            .or_else(|| self.paths.get(path))
            .map(|p| self.render(*p))
    }
}

/// A strong ETag for a page: any stable hash of its path will do, since pages never change.
fn etag(path: &str) -> String {
    format!("\"{}\"", digest(path))
}

/// A keep-alive HTTP/1.1 server, a thread per connection, answering 304 to a matching ETag.
fn serve(site: Arc<Site>, port: u16) -> std::io::Result<String> {
    let listener = TcpListener::bind(("127.0.0.1", port))?;
    let addr = listener.local_addr()?;
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let site = site.clone();
            std::thread::spawn(move || {
                let _ = handle(stream, &site);
            });
        }
    });
    Ok(format!("http://{addr}/"))
}

fn handle(stream: TcpStream, site: &Site) -> std::io::Result<()> {
    let _ = stream.set_nodelay(true);
    let mut reader = BufReader::new(stream.try_clone()?);
    let mut out = stream;
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line)? == 0 {
            return Ok(());
        }
        let mut parts = line.split_whitespace();
        let method = parts.next().unwrap_or("").to_string();
        let path = parts.next().unwrap_or("/").to_string();
        let mut inm = None;
        let mut len = 0usize;
        loop {
            let mut h = String::new();
            if reader.read_line(&mut h)? == 0 {
                return Ok(());
            }
            let h = h.trim_end();
            if h.is_empty() {
                break;
            }
            if let Some((k, v)) = h.split_once(':') {
                if k.eq_ignore_ascii_case("if-none-match") {
                    inm = Some(v.trim().to_string());
                } else if k.eq_ignore_ascii_case("content-length") {
                    len = v.trim().parse().unwrap_or(0);
                }
            }
        }
        if len > 0 {
            let mut b = vec![0; len];
            reader.read_exact(&mut b)?;
        }
        // Pages never change, so the ETag is a hash of the path, as a static
        // server's (mtime, size) would be: a 304 costs no rendering.
        let (status, body, tag) = if site.exists(&path) {
            let tag = etag(&path);
            if inm.as_deref() == Some(tag.as_str()) {
                ("304 Not Modified", Vec::new(), Some(tag))
            } else {
                let html = site.page(&path).unwrap_or_default();
                ("200 OK", html.into_bytes(), Some(tag))
            }
        } else {
            ("404 Not Found", b"<html>404</html>".to_vec(), None)
        };
        let mut head = format!(
            "HTTP/1.1 {status}\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: {}\r\n",
            if status.starts_with("304") {
                0
            } else {
                body.len()
            }
        );
        if let Some(t) = tag {
            head.push_str(&format!("ETag: {t}\r\n"));
        }
        head.push_str("\r\n");
        out.write_all(head.as_bytes())?;
        if method != "HEAD" && !status.starts_with("304") {
            out.write_all(&body)?;
        }
    }
}

fn peak_rss_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|n| n.parse().ok())
        })
        .unwrap_or(0)
}

/// One crawl in this process; prints one line of results.
fn run(
    pages: usize,
    cache: Option<&str>,
    port: u16,
    crawl_only: bool,
    max_age: bool,
) -> Result<(), String> {
    let site = Arc::new(Site::new(pages));
    let total = site.paths.len();
    let url = serve(site.clone(), port).map_err(|e| e.to_string())?;
    let rules = load_rules(true, &[]).map_err(|e| e.to_string())?;
    let mut cfg = AuditConfig::new(url, jiff::civil::date(2019, 3, 20));
    cfg.crawl.max_pages = total + 10;
    cfg.delay = Duration::ZERO;
    cfg.per_host = conns();
    cfg.concurrency = conns();
    cfg.crawl.obey_robots = false;
    cfg.crawl.sitemaps = false;
    cfg.crawl.cache_dir = cache.map(Into::into);
    if max_age {
        cfg.crawl.max_cache_age = Duration::from_secs(86_400);
    }
    if crawl_only {
        // The crawl alone (fetch, extract, cache), without the site checks.
        let extractor = Extractor::new(&rules.extract);
        let mut source = HttpSource {
            start: url::Url::parse(&cfg.site).map_err(|e| e.to_string())?,
            opts: cfg.http_options(&rules),
            gates: Arc::new(cfg.gates()),
            progress: Progress::hidden(),
        };
        let mut n = 0usize;
        let t = Instant::now();
        let stats = source
            .run(&|d| extractor.extract(d), &mut |_| n += 1)
            .map_err(|e| e.to_string())?;
        let secs = t.elapsed().as_secs_f64();
        println!(
            "crawl only: records={n} secs={secs:.2} pages_per_s={:.0} peak_rss_mib={:.1} incomplete={}",
            n as f64 / secs,
            peak_rss_kib() as f64 / 1024.0,
            stats.incomplete
        );
        return Ok(());
    }
    let t = Instant::now();
    let report = audit(&cfg, &rules).map_err(|e| e.to_string())?;
    let secs = t.elapsed().as_secs_f64();
    println!(
        "pages={} site_pages={total} findings={} secs={secs:.2} pages_per_s={:.0} peak_rss_mib={:.1} incomplete={}",
        report.summary.pages,
        report.summary.findings,
        report.summary.pages as f64 / secs,
        peak_rss_kib() as f64 / 1024.0,
        report.incomplete
    );
    Ok(())
}

/// Connections to the bench server at once (`BENCH_CONNS`, default 16).
fn conns() -> usize {
    std::env::var("BENCH_CONNS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(16)
}

/// The floor under a warm crawl: the same conditional requests, answered 304,
/// made by a bare client with nothing else to do.
fn floor(pages: usize) -> Result<(), String> {
    let site = Arc::new(Site::new(pages));
    let url = serve(site.clone(), 0).map_err(|e| e.to_string())?;
    let base = url.trim_end_matches('/').to_string();
    let paths: Vec<String> = site.paths.keys().cloned().collect();
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|e| e.to_string())?;
    let client = reqwest::Client::builder()
        .build()
        .map_err(|e| e.to_string())?;
    let t = Instant::now();
    let n = rt.block_on(async {
        let sem = Arc::new(tokio::sync::Semaphore::new(conns()));
        let mut set = tokio::task::JoinSet::new();
        for p in paths {
            let permit = sem
                .clone()
                .acquire_owned()
                .await
                .map_err(|e| e.to_string())?;
            let (client, u, tag) = (client.clone(), format!("{base}{p}"), etag(&p));
            set.spawn(async move {
                let r = client.get(u).header("If-None-Match", tag).send().await;
                drop(permit);
                r.map(|r| r.status().as_u16() == 304).unwrap_or(false)
            });
        }
        let mut n = 0usize;
        while let Some(r) = set.join_next().await {
            n += usize::from(r.unwrap_or(false));
        }
        Ok::<usize, String>(n)
    })?;
    let secs = t.elapsed().as_secs_f64();
    println!(
        "bare conditional requests: 304s={n} secs={secs:.2} per_s={:.0}",
        n as f64 / secs
    );
    Ok(())
}

fn generate(dir: &Path, pages: usize) -> Result<(), String> {
    let site = Site::new(pages);
    for (path, page) in &site.paths {
        let rel = if path.ends_with('/') {
            format!("{path}index.html")
        } else {
            path.clone()
        };
        let file = dir.join(rel.trim_start_matches('/'));
        if let Some(p) = file.parent() {
            std::fs::create_dir_all(p).map_err(|e| e.to_string())?;
        }
        std::fs::write(&file, site.render(*page)).map_err(|e| e.to_string())?;
    }
    println!("wrote {} pages to {}", site.paths.len(), dir.display());
    Ok(())
}

/// Runs `run` in a child process (its own peak RSS) and passes its line on.
fn child(
    pages: usize,
    cache: Option<&str>,
    port: u16,
    crawl_only: bool,
    max_age: bool,
) -> Result<String, String> {
    let exe = std::env::current_exe().map_err(|e| e.to_string())?;
    let mut cmd = Command::new(exe);
    cmd.args(["run", &pages.to_string(), "--port", &port.to_string()]);
    if let Some(c) = cache {
        cmd.args(["--cache", c]);
    }
    if crawl_only {
        cmd.arg("--crawl-only");
    }
    if max_age {
        cmd.arg("--max-cache-age-1d");
    }
    let out = cmd.output().map_err(|e| e.to_string())?;
    if !out.status.success() {
        return Err(String::from_utf8_lossy(&out.stderr).into_owned());
    }
    Ok(String::from_utf8_lossy(&out.stdout).trim().to_string())
}

fn main() {
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| a != "--bench")
        .collect();
    let result = match args.first().map(String::as_str) {
        Some("run") => {
            let pages = args.get(1).and_then(|n| n.parse().ok()).unwrap_or(20_000);
            let cache = args
                .iter()
                .position(|a| a == "--cache")
                .and_then(|i| args.get(i + 1))
                .map(String::as_str);
            let port = args
                .iter()
                .position(|a| a == "--port")
                .and_then(|i| args.get(i + 1))
                .and_then(|p| p.parse().ok())
                .unwrap_or(0);
            let flag = |f: &str| args.iter().any(|a| a == f);
            run(
                pages,
                cache,
                port,
                flag("--crawl-only"),
                flag("--max-cache-age-1d"),
            )
        }
        Some("floor") => floor(args.get(1).and_then(|n| n.parse().ok()).unwrap_or(20_000)),
        Some("gen") => match (args.get(1), args.get(2).and_then(|n| n.parse().ok())) {
            (Some(dir), Some(n)) => generate(Path::new(dir), n),
            _ => Err("usage: gen DIR PAGES".into()),
        },
        _ => (|| {
            for pages in [5_000, 20_000] {
                let dir = std::env::temp_dir()
                    .join(format!("crawl-bench-{}-{pages}", std::process::id()));
                let d = dir.to_string_lossy().into_owned();
                // The cache is per site URL, so the warm run needs the cold run's port.
                let port = TcpListener::bind("127.0.0.1:0")
                    .and_then(|l| l.local_addr())
                    .map_err(|e| e.to_string())?
                    .port();
                let c = Some(d.as_str());
                // (what, cache, empty the cache first, crawl only, --max-cache-age 1d)
                let runs = [
                    ("end to end, cold, no cache:  ", None, false, false, false),
                    ("end to end, cold, fill cache:", c, true, false, false),
                    ("end to end, warm (all 304):  ", c, false, false, false),
                    ("end to end, warm, age 1d:    ", c, false, false, true),
                    ("crawl only, cold, fill cache:", c, true, true, false),
                    ("crawl only, warm (all 304):  ", c, false, true, false),
                    ("crawl only, warm, age 1d:    ", c, false, true, true),
                ];
                for (what, cache, empty, crawl_only, max_age) in runs {
                    if empty {
                        let _ = std::fs::remove_dir_all(&dir);
                    }
                    let line = child(pages, cache, port, crawl_only, max_age)?;
                    println!("{pages} pages, {what} {line}");
                }
                let _ = std::fs::remove_dir_all(&dir);
                floor(pages)?;
            }
            Ok(())
        })(),
    };
    if let Err(e) = result {
        eprintln!("crawl bench: {e}");
        std::process::exit(2);
    }
}

//! The HTTP crawler against servers these tests start on 127.0.0.1 (and
//! 127.0.0.2 as "another host"): faults, politeness, scope, seeding,
//! encodings, the cache, several sites. Each test checks what the report
//! says, that the audit finishes, and that the findings of the healthy pages
//! are all still there.

mod common;

use std::collections::BTreeSet;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use common::{Reply, Request, Server, demo_site, kind_urls, serve, serve_on};
use serde_json::Value;

const AS_OF: &str = "2019-03-20";
/// A recent article of the demo site's 工作动态 column.
const ARTICLE: &str = "/gzdt/201903/t20190313_1168.html";

/// Serves a file of the demo site as a static server would.
fn file_reply(root: &Path, path: &str) -> Reply {
    let mut file = root.join(path.trim_start_matches('/'));
    if path.ends_with('/') {
        file = file.join("index.html");
    }
    match std::fs::read(&file) {
        Ok(body) => {
            let ct = match file.extension().and_then(|e| e.to_str()) {
                Some("html") => "text/html; charset=utf-8",
                Some("jpg") => "image/jpeg",
                Some("css") => "text/css",
                _ => "application/octet-stream",
            };
            Reply::ok(ct, body)
        }
        Err(_) => Reply::status(404),
    }
}

/// The demo site's home page with extra links, to lead the crawler to trouble.
fn home_with_links(root: &Path, links: &[&str]) -> Reply {
    let home = std::fs::read_to_string(root.join("index.html")).unwrap_or_default();
    let extra: String = links
        .iter()
        .map(|l| format!("<a href=\"{l}\">附件</a>"))
        .collect();
    Reply::ok(
        "text/html; charset=utf-8",
        home.replace("</body>", &format!("{extra}</body>")),
    )
}

/// Every request a server saw, as (method, path).
#[derive(Clone, Default)]
struct Log(Arc<Mutex<Vec<(String, String)>>>);

impl Log {
    fn push(&self, r: &Request) {
        self.0
            .lock()
            .unwrap()
            .push((r.method.clone(), r.path().to_string()));
    }
    fn count(&self, path: &str) -> usize {
        self.0
            .lock()
            .unwrap()
            .iter()
            .filter(|(_, p)| p == path)
            .count()
    }
    fn methods(&self, path: &str) -> Vec<String> {
        self.0
            .lock()
            .unwrap()
            .iter()
            .filter(|(_, p)| p == path)
            .map(|(m, _)| m.clone())
            .collect()
    }
    fn any(&self, f: impl Fn(&str) -> bool) -> bool {
        self.0.lock().unwrap().iter().any(|(_, p)| f(p))
    }
}

/// A demo-site server whose answers `special` may replace (`None`: the file).
fn demo_server(
    special: impl Fn(&Request, &Path) -> Option<Reply> + Send + Sync + 'static,
) -> (Server, Log) {
    let root = demo_site();
    let log = Log::default();
    let l = log.clone();
    let server = serve(move |req| {
        l.push(req);
        special(req, &root).unwrap_or_else(|| file_reply(&root, req.path()))
    });
    (server, log)
}

/// Fast, impolite settings: tests talk to their own loopback server.
fn crawl(url: &str, extra: &[&str]) -> (Value, std::process::Output) {
    let mut args = common::fast_crawl(url, AS_OF);
    args.extend(["--fail-on", "never", "--timeout-ms", "1500"]);
    args.extend_from_slice(extra);
    let (v, out) = common::audit_json(&args);
    assert_eq!(
        out.status.code(),
        Some(0),
        "the audit must finish; stderr: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    (v, out)
}

/// The findings of the untouched demo site, served healthy, with `port`'s URLs.
fn baseline(server: &Server) -> BTreeSet<(String, String)> {
    let (_healthy, _) = demo_server(|_, _| None);
    let (v, _) = crawl(&_healthy.url("/"), &[]);
    let from = _healthy.url("/");
    let to = server.url("/");
    kind_urls(&v)
        .into_iter()
        .map(|(k, u)| (k, u.replace(&from, &to)))
        .collect()
}

/// Findings of the healthy site (other than on `except` pages) are all in `report`.
fn assert_healthy_findings(report: &Value, base: &BTreeSet<(String, String)>, except: &[&str]) {
    let got: BTreeSet<(String, String)> = kind_urls(report).into_iter().collect();
    let missing: Vec<_> = base
        .iter()
        .filter(|(_, u)| !except.iter().any(|e| u.contains(e)))
        .filter(|f| !got.contains(*f))
        .collect();
    assert!(missing.is_empty(), "findings lost: {missing:?}");
    assert!(!base.is_empty(), "the demo site has findings to compare");
}

fn notes(report: &Value) -> String {
    report["notes"]
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|n| n.as_str())
                .collect::<Vec<_>>()
                .join("\n")
        })
        .unwrap_or_default()
}

/// What each fetch-error finding says went wrong.
fn fetch_error_evidence(report: &Value) -> Vec<String> {
    report["findings"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|f| f["kind"] == "fetch-error")
        .map(|f| f["evidence"].as_str().unwrap_or("").to_string())
        .collect()
}

/// The targets of the broken-link findings, sorted: a 4xx page that a read
/// page links to is reported there, not again as a fetch-error.
fn broken_targets(report: &Value) -> Vec<String> {
    let mut v: Vec<String> = report["findings"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|f| f["kind"] == "broken-link")
        .filter_map(|f| f["target"].as_str().map(str::to_string))
        .collect();
    v.sort();
    v
}

fn fetch_errors(report: &Value) -> Vec<String> {
    kind_urls(report)
        .into_iter()
        .filter(|(k, _)| k == "fetch-error")
        .map(|(_, u)| u)
        .collect()
}

#[test]
fn a_500_then_200_is_retried() {
    let hits = Arc::new(AtomicUsize::new(0));
    let h = hits.clone();
    let (server, log) = demo_server(move |req, _| {
        (req.path() == ARTICLE && h.fetch_add(1, Ordering::SeqCst) == 0).then(|| Reply::status(500))
    });
    let (v, _) = crawl(&server.url("/"), &[]);
    assert_eq!(log.count(ARTICLE), 2);
    assert!(fetch_errors(&v).is_empty(), "{:?}", fetch_errors(&v));
    assert_healthy_findings(&v, &baseline(&server), &[]);
    assert_eq!(v["incomplete"], false);
}

#[test]
fn a_429_with_retry_after_is_retried() {
    let hits = Arc::new(AtomicUsize::new(0));
    let h = hits.clone();
    let (server, log) = demo_server(move |req, _| {
        (req.path() == ARTICLE && h.fetch_add(1, Ordering::SeqCst) == 0).then(|| Reply::Response {
            status: 429,
            headers: vec![("Retry-After".into(), "1".into())],
            body: b"slow down".to_vec(),
        })
    });
    let (v, _) = crawl(&server.url("/"), &[]);
    assert_eq!(log.count(ARTICLE), 2);
    assert!(fetch_errors(&v).is_empty());
    assert_healthy_findings(&v, &baseline(&server), &[]);
}

#[test]
fn a_page_that_keeps_failing_becomes_a_fetch_error() {
    let (server, log) = demo_server(|req, _| (req.path() == ARTICLE).then(|| Reply::status(503)));
    let (v, _) = crawl(&server.url("/"), &["--retries", "1"]);
    assert_eq!(log.count(ARTICLE), 2);
    assert_eq!(fetch_errors(&v), vec![server.url(ARTICLE)]);
    assert_healthy_findings(&v, &baseline(&server), &[ARTICLE]);
}

#[test]
fn a_body_that_stalls_times_out() {
    let (server, _) = demo_server(|req, _| {
        (req.path() == ARTICLE).then(|| {
            Reply::Stall(
                b"HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: 5000\r\n\r\n<html><head><title>"
                    .to_vec(),
            )
        })
    });
    let (v, _) = crawl(&server.url("/"), &[]);
    assert_eq!(fetch_errors(&v), vec![server.url(ARTICLE)]);
    let f = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["kind"] == "fetch-error")
        .unwrap();
    assert!(
        f["evidence"].as_str().unwrap_or("").contains("timed out"),
        "{f}"
    );
    assert_healthy_findings(&v, &baseline(&server), &[ARTICLE]);
}

#[test]
fn a_redirect_loop_is_reported_and_the_crawl_goes_on() {
    let (server, log) = demo_server(|req, root| match req.path() {
        "/" => Some(home_with_links(root, &["/loop/a.html"])),
        "/loop/a.html" => Some(Reply::redirect("/loop/b.html")),
        "/loop/b.html" => Some(Reply::redirect("/loop/a.html")),
        _ => None,
    });
    let (v, _) = crawl(&server.url("/"), &[]);
    assert!(log.count("/loop/a.html") <= 2 && log.count("/loop/b.html") == 1);
    let errs = fetch_errors(&v);
    assert_eq!(errs, vec![server.url("/loop/a.html")]);
    let f = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["kind"] == "fetch-error")
        .unwrap();
    assert!(
        f["evidence"].as_str().unwrap().contains("redirect loop"),
        "{f}"
    );
    assert_healthy_findings(&v, &baseline(&server), &[]);
}

#[test]
fn a_redirect_to_another_host_is_not_followed() {
    let other_log = Log::default();
    let ol = other_log.clone();
    let other = serve_on(
        "127.0.0.2",
        Arc::new(move |req: &Request| {
            ol.push(req);
            Reply::ok("text/html", "<html><title>别处</title></html>")
        }),
    );
    let target = other.url("/elsewhere.html");
    let (server, _) = demo_server(move |req, root| match req.path() {
        "/" => Some(home_with_links(root, &["/away.html"])),
        "/away.html" => Some(Reply::redirect(&target)),
        _ => None,
    });
    let (v, _) = crawl(&server.url("/"), &[]);
    assert!(!other_log.any(|_| true), "the other host was contacted");
    let n = notes(&v);
    assert!(
        n.contains("redirects were not followed") && n.contains("127.0.0.2"),
        "{n}"
    );
    assert!(fetch_errors(&v).is_empty());
    assert_healthy_findings(&v, &baseline(&server), &[]);
}

#[test]
fn a_redirect_into_an_excluded_folder_is_not_followed() {
    let (server, log) = demo_server(|req, root| match req.path() {
        "/" => Some(home_with_links(root, &["/go.html"])),
        "/go.html" => Some(Reply::redirect("/private/secret.html")),
        "/private/secret.html" => Some(Reply::ok(
            "text/html; charset=utf-8",
            "<html><title>内部</title></html>",
        )),
        _ => None,
    });
    let (v, _) = crawl(&server.url("/"), &["--exclude", "**/private/**"]);
    assert_eq!(log.count("/go.html"), 1);
    assert_eq!(
        log.count("/private/secret.html"),
        0,
        "an excluded page was fetched through a redirect"
    );
    let n = notes(&v);
    assert!(
        n.contains("redirects were not followed") && n.contains("--include/--exclude"),
        "{n}"
    );
    assert!(fetch_errors(&v).is_empty());
    assert_healthy_findings(&v, &baseline(&server), &[]);
}

/// An article in the demo site's style with an empty 来源, so that it yields a
/// `missing-metadata` finding that quotes its (decoded) title.
fn gbk_article(title: &str, charset_meta: &str) -> Vec<u8> {
    let html = format!(
        "<!DOCTYPE html><html><head>{charset_meta}<title>{title}_云溪街道办事处</title></head><body>\
         <div class=\"crumb\">当前位置:<a href=\"/\">首页</a> &gt; <a href=\"/gzdt/\">工作动态</a></div>\
         <h1>{title}</h1><div class=\"info\">发布时间:2019-03-12 来源: </div>\
         <div class=\"TRS_Editor\"><p>三月十二日上午,街道组织辖区各社区开展植树活动,共栽种树苗二百余株。</p></div>\
         </body></html>"
    );
    let (bytes, _, _) = encoding_rs::GBK.encode(&html);
    bytes.into_owned()
}

#[test]
fn gbk_pages_are_decoded_with_or_against_their_headers() {
    let t1 = "云溪街道开展植树活动";
    let t2 = "云溪街道召开社区议事会";
    let (a, b) = (gbk_article(t1, ""), gbk_article(t2, ""));
    let (server, _) = demo_server(move |req, root| match req.path() {
        "/" => Some(home_with_links(root, &["/gbk/none.html", "/gbk/lie.html"])),
        // No charset anywhere: detected.
        "/gbk/none.html" => Some(Reply::ok("text/html", a.clone())),
        // Declared UTF-8 but GBK: the bytes win.
        "/gbk/lie.html" => Some(Reply::ok("text/html; charset=utf-8", b.clone())),
        _ => None,
    });
    let (v, _) = crawl(&server.url("/"), &[]);
    let titles: Vec<String> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["url"].as_str().unwrap_or("").contains("/gbk/"))
        .filter_map(|f| f["title"].as_str().map(str::to_string))
        .collect();
    assert!(titles.iter().any(|t| t == t1), "{titles:?}");
    assert!(titles.iter().any(|t| t == t2), "{titles:?}");
    assert!(fetch_errors(&v).is_empty());
    assert_healthy_findings(&v, &baseline(&server), &[]);
}

#[test]
fn robots_txt_disallowing_a_folder_is_obeyed_unless_ignored() {
    let (server, log) = demo_server(|req, _| {
        (req.path() == "/robots.txt").then(|| {
            Reply::ok(
                "text/plain",
                "User-agent: *\nDisallow: /zcwj/\nAllow: /zcwj/index.html\n",
            )
        })
    });
    let (v, _) = crawl(&server.url("/"), &[]);
    assert!(
        // Google's rules: `Allow: /zcwj/index.html` also allows `/zcwj/`.
        !log.any(|p| p.starts_with("/zcwj/") && p != "/zcwj/"),
        "{:?} {}",
        log.0.lock().unwrap(),
        notes(&v)
    );
    let n = notes(&v);
    assert!(n.contains("disallowed by robots.txt"), "{n}");
    assert!(fetch_errors(&v).is_empty());
    let base = baseline(&server);
    assert_healthy_findings(&v, &base, &["/zcwj/"]);

    let (v, _) = crawl(&server.url("/"), &["--ignore-robots"]);
    assert!(log.any(|p| p.starts_with("/zcwj/2")));
    assert!(notes(&v).contains("--ignore-robots"));
    assert_healthy_findings(&v, &base, &[]);
}

#[test]
fn a_huge_body_is_cut_and_noted() {
    let (server, _) = demo_server(|req, root| match req.path() {
        "/" => Some(home_with_links(root, &["/big.html"])),
        "/big.html" => {
            let mut body = Vec::with_capacity(50 << 20);
            body.extend_from_slice("<html><head><title>大文件</title></head><body><p>".as_bytes());
            body.resize(50 << 20, b'x');
            Some(Reply::ok("text/html; charset=utf-8", body))
        }
        _ => None,
    });
    let (v, _) = crawl(&server.url("/"), &[]);
    let n = notes(&v);
    assert!(n.contains("were cut") && n.contains("/big.html"), "{n}");
    assert!(fetch_errors(&v).is_empty());
    assert_healthy_findings(&v, &baseline(&server), &[]);
}

#[test]
fn a_gzip_sitemap_index_seeds_unlinked_pages() {
    let orphan = gbk_article("云溪街道开展防汛演练", "");
    let (server, log) = demo_server(move |req, _| {
        let gz = |xml: &str| {
            let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
            e.write_all(xml.as_bytes()).unwrap();
            e.finish().unwrap()
        };
        match req.path() {
            "/robots.txt" => Some(Reply::ok(
                "text/plain",
                "User-agent: *\nDisallow:\nSitemap: /sitemaps/index.xml.gz\n",
            )),
            "/sitemaps/index.xml.gz" => Some(Reply::ok(
                "application/gzip",
                gz(
                    "<sitemapindex><sitemap><loc>/sitemaps/pages.xml.gz</loc></sitemap></sitemapindex>",
                ),
            )),
            "/sitemaps/pages.xml.gz" => Some(Reply::ok(
                "application/x-gzip",
                gz("<urlset><url><loc>/gzdt/orphan.html</loc></url></urlset>"),
            )),
            "/gzdt/orphan.html" => Some(Reply::ok("text/html", orphan.clone())),
            _ => None,
        }
    });
    let (v, _) = crawl(&server.url("/"), &[]);
    assert_eq!(
        log.count("/gzdt/orphan.html"),
        1,
        "{:?}",
        log.0.lock().unwrap()
    );
    assert!(
        kind_urls(&v)
            .iter()
            .any(|(_, u)| u.ends_with("/gzdt/orphan.html")),
        "the sitemap's page was audited"
    );
    assert_healthy_findings(&v, &baseline(&server), &[]);
}

#[test]
fn attachments_are_checked_not_downloaded() {
    let (server, log) = demo_server(|req, root| match req.path() {
        "/" => Some(home_with_links(
            root,
            &[
                "/files/plan.pdf",
                "/files/gone.pdf",
                "/files/old.pdf",
                "/files/moved.xls",
            ],
        )),
        // Redirects are followed to the file: one that exists, one that does not.
        "/files/old.pdf" => Some(Reply::redirect("/files/plan.pdf")),
        "/files/moved.xls" => Some(Reply::redirect("/files/nowhere.xls")),
        "/files/plan.pdf" if req.method == "HEAD" => {
            Some(Reply::ok("application/pdf", vec![0u8; 100]))
        }
        // A server that refuses HEAD: the ranged GET decides.
        "/files/gone.pdf" if req.method == "HEAD" => Some(Reply::status(405)),
        "/files/gone.pdf" => Some(Reply::status(404)),
        _ => None,
    });
    let (v, _) = crawl(&server.url("/"), &[]);
    assert_eq!(log.methods("/files/plan.pdf"), vec!["HEAD", "HEAD"]);
    assert_eq!(log.methods("/files/gone.pdf"), vec!["HEAD", "GET"]);
    assert!(fetch_errors(&v).is_empty(), "{:?}", fetch_errors(&v));
    assert_eq!(
        broken_targets(&v),
        vec![
            server.url("/files/gone.pdf"),
            server.url("/files/moved.xls")
        ]
    );
    assert!(
        log.methods("/images/banner.jpg")
            .iter()
            .all(|m| m == "HEAD")
    );
    assert_healthy_findings(&v, &baseline(&server), &[]);
}

/// A demo-site server that sends an ETag and answers 304 when it matches.
fn etag_server() -> (Server, Arc<AtomicUsize>, Arc<AtomicUsize>) {
    let full = Arc::new(AtomicUsize::new(0));
    let not_modified = Arc::new(AtomicUsize::new(0));
    let (f, n) = (full.clone(), not_modified.clone());
    let root = demo_site();
    let server = serve(move |req| {
        let reply = file_reply(&root, req.path());
        let Reply::Response {
            status: 200,
            mut headers,
            body,
        } = reply
        else {
            return reply;
        };
        let etag = format!(
            "\"{:x}\"",
            body.iter()
                .fold(7u64, |h, b| h.wrapping_mul(31).wrapping_add(u64::from(*b)))
        );
        if req.header("If-None-Match") == Some(etag.as_str()) {
            n.fetch_add(1, Ordering::SeqCst);
            return Reply::Response {
                status: 304,
                headers: vec![("ETag".into(), etag)],
                body: Vec::new(),
            };
        }
        if req.method == "GET" {
            f.fetch_add(1, Ordering::SeqCst);
        }
        headers.push(("ETag".into(), etag));
        Reply::Response {
            status: 200,
            headers,
            body,
        }
    });
    (server, full, not_modified)
}

/// A first crawl of the ETag server that fills a new cache: its report and
/// the number of pages it downloaded.
struct Cached {
    server: Server,
    full: Arc<AtomicUsize>,
    not_modified: Arc<AtomicUsize>,
    cache: tempfile::TempDir,
    first: Value,
    pages: usize,
}

fn first_cached_crawl() -> Cached {
    let (server, full, not_modified) = etag_server();
    let cache = tempfile::tempdir().unwrap();
    let (first, _) = crawl(
        &server.url("/"),
        &["--cache", common::path_str(cache.path())],
    );
    let pages = full.load(Ordering::SeqCst);
    assert!(pages > 30, "{pages}");
    assert_eq!(not_modified.load(Ordering::SeqCst), 0);
    Cached {
        server,
        full,
        not_modified,
        cache,
        first,
        pages,
    }
}

#[test]
fn a_cached_recrawl_answered_with_304_gives_the_same_findings() {
    let c = first_cached_crawl();
    let dir = c.cache.path().to_str().unwrap();
    let (second, _) = crawl(&c.server.url("/"), &["--cache", dir]);
    assert_eq!(
        c.full.load(Ordering::SeqCst),
        c.pages,
        "nothing was downloaded again"
    );
    assert_eq!(c.not_modified.load(Ordering::SeqCst), c.pages);
    assert_eq!(c.first["findings"], second["findings"]);
    assert_eq!(c.first["summary"], second["summary"]);

    // A damaged cache is set aside with a note, and the audit still runs.
    for e in std::fs::read_dir(c.cache.path()).unwrap() {
        std::fs::write(e.unwrap().path(), "garbage\n").unwrap();
    }
    let (third, _) = crawl(&c.server.url("/"), &["--cache", dir]);
    assert!(
        notes(&third).contains("starting afresh"),
        "{}",
        notes(&third)
    );
    assert_eq!(c.first["findings"], third["findings"]);
}

/// Sets the `checked` time of every line of the cache in `dir` to `secs`.
fn set_checked(dir: &Path, secs: u64) {
    for e in std::fs::read_dir(dir).unwrap() {
        let path = e.unwrap().path();
        let text = std::fs::read_to_string(&path).unwrap();
        let lines: Vec<String> = text
            .lines()
            .map(|l| match l.strip_prefix("[{\"checked\":") {
                Some(rest) => {
                    let rest = rest.trim_start_matches(|c: char| c.is_ascii_digit());
                    format!("[{{\"checked\":{secs}{rest}")
                }
                None => l.to_string(),
            })
            .collect();
        std::fs::write(&path, lines.join("\n") + "\n").unwrap();
    }
}

#[test]
fn max_cache_age_reuses_recently_confirmed_pages_without_asking() {
    let c = first_cached_crawl();
    let dir = c.cache.path().to_str().unwrap();

    // Within the age: only the start page is asked about (and robots.txt).
    let aged = ["--cache", dir, "--max-cache-age", "1h"];
    let (second, _) = crawl(&c.server.url("/"), &aged);
    assert_eq!(c.full.load(Ordering::SeqCst), c.pages);
    assert_eq!(
        c.not_modified.load(Ordering::SeqCst),
        1,
        "the start page only"
    );
    assert_eq!(c.first["findings"], second["findings"]);
    assert_eq!(c.first["summary"], second["summary"]);
    let n = notes(&second);
    assert!(
        n.contains(&format!(
            "{} pages checked with the site less than 1h ago",
            c.pages - 1
        )),
        "{n}"
    );

    // Without it (the nightly default) every page is asked about again.
    let (third, _) = crawl(&c.server.url("/"), &["--cache", dir]);
    assert_eq!(c.not_modified.load(Ordering::SeqCst), 1 + c.pages);
    assert_eq!(c.first["findings"], third["findings"]);
    assert!(!notes(&third).contains("without a request"));

    // Confirmed longer ago than the age: asked about again, and the 304s
    // restamp the cache, so the next run within the age asks nothing.
    set_checked(c.cache.path(), 1_000_000_000);
    let (fourth, _) = crawl(&c.server.url("/"), &aged);
    assert_eq!(c.not_modified.load(Ordering::SeqCst), 1 + 2 * c.pages);
    assert_eq!(c.first["findings"], fourth["findings"]);
    let (fifth, _) = crawl(&c.server.url("/"), &aged);
    assert_eq!(c.not_modified.load(Ordering::SeqCst), 2 + 2 * c.pages);
    assert_eq!(c.first["findings"], fifth["findings"]);
    assert_eq!(
        c.full.load(Ordering::SeqCst),
        c.pages,
        "nothing downloaded twice"
    );

    // The age needs a cache to measure it by.
    let out = common::audit(&["--site", &c.server.url("/"), "--max-cache-age", "1h"]);
    assert_eq!(out.status.code(), Some(2));
    // And must be an age.
    let out = common::audit(&[
        "--site",
        &c.server.url("/"),
        "--cache",
        dir,
        "--max-cache-age",
        "soon",
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("is not an age"));
}

/// Cuts the record of `page`'s line in the cache in `dir` short, leaving its head readable.
fn cut_record(dir: &Path, page: &str) {
    for e in std::fs::read_dir(dir).unwrap() {
        let path = e.unwrap().path();
        let text = std::fs::read_to_string(&path).unwrap();
        let mut cut = 0;
        let lines: Vec<String> = text
            .lines()
            .map(|l| {
                // The head is the line up to the record's opening `{"url":`.
                let head = l.split("},{").next().unwrap_or("");
                if head.ends_with(&format!("{page}\"")) || head.contains(&format!("{page}\",")) {
                    cut += 1;
                    let keep = l.chars().count() - 40;
                    l.chars().take(keep).collect()
                } else {
                    l.to_string()
                }
            })
            .collect();
        assert_eq!(cut, 1, "one line names {page}");
        std::fs::write(&path, lines.join("\n") + "\n").unwrap();
    }
}

#[test]
fn a_cached_record_that_cannot_be_read_is_fetched_again() {
    let c = first_cached_crawl();
    let dir = c.cache.path().to_str().unwrap();
    for extra in [&[][..], &["--max-cache-age", "1h"][..]] {
        cut_record(c.cache.path(), ARTICLE);
        let before = c.full.load(Ordering::SeqCst);
        let mut args = vec!["--cache", dir];
        args.extend_from_slice(extra);
        let (again, _) = crawl(&c.server.url("/"), &args);
        assert_eq!(
            c.full.load(Ordering::SeqCst),
            before + 1,
            "that page, and only it, is downloaded again ({extra:?})"
        );
        assert_eq!(c.first["findings"], again["findings"], "{extra:?}");
        assert_eq!(c.first["summary"], again["summary"], "{extra:?}");
        let n = notes(&again);
        assert!(n.contains("1 unreadable entries"), "{n}");
    }
}

/// An article of the extra columns below, in the style of the demo site.
fn small_article(title: &str, date: &str, column: &str, column_url: &str) -> String {
    format!(
        "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>{title}</title>\
         <meta name=\"ColumnName\" content=\"{column}\"></head><body>\
         <div class=\"crumb\">当前位置：<a href=\"/\">首页</a> &gt; <a href=\"{column_url}\">{column}</a></div>\
         <h1>{title}</h1><div class=\"info\">发布时间：{date} 来源：青石街道办事处</div>\
         <div class=\"content\"><p>{title}，现将有关情况公布如下。</p></div></body></html>"
    )
}

#[test]
fn a_paged_column_a_hanweb_datastore_and_a_soft_404_are_crawled() {
    // 新闻动态: five list pages of three items each; only page one is linked from home.
    let paged = |n: usize| -> String {
        let items: String = (0..3)
            .map(|i| {
                let k = n * 3 + i;
                let day = 18 - k;
                format!(
                    "<li><a href=\"/xwdt/201903/t201903{day:02}_{k}.html\">新闻动态第{k}条</a><span>2019-03-{day:02}</span></li>"
                )
            })
            .collect();
        let next = if n < 4 {
            format!("<a href=\"index_{}.html\">下一页</a>", n + 1)
        } else {
            String::new()
        };
        format!(
            "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>新闻动态</title>\
             <meta name=\"ColumnName\" content=\"新闻动态\"></head><body>\
             <div class=\"crumb\">当前位置：<a href=\"/\">首页</a> &gt; 新闻动态</div>\
             <ul class=\"list\">{items}</ul><div class=\"page\">{next}</div></body></html>"
        )
    };
    // 公示公告 as a Hanweb list: its items only inside the datastore's CDATA.
    let datastore: String = (1..=4)
        .map(|i| {
            format!(
                "<record><![CDATA[<li><a href=\"/art/2019/3/1{i}/art_77278_{i}.html\" target=\"_blank\">公示公告第{i}条</a><span class=\"bt_time\">2019-03-1{i}</span></li>]]></record>"
            )
        })
        .collect();
    let hanweb = format!(
        "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>公示公告</title>\
         <meta name=\"ColumnName\" content=\"公示公告\"></head><body>\
         <div class=\"crumb\">您现在的位置：<a href=\"/\">首页</a> &gt;&gt; <a href=\"/col/col77278/index.html\">公示公告</a></div>\
         <div id=\"77280\"><script type=\"text/xml\"><datastore><recordset>{datastore}</recordset></datastore></script></div></body></html>"
    );
    let soft_404 = "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>页面不存在</title></head>\
                    <body><p>您访问的页面不存在或已被删除。</p></body></html>";
    let (server, log) = demo_server(move |req, root| {
        let html = |body: String| Some(Reply::ok("text/html; charset=utf-8", body));
        let path = req.path();
        if path == "/" {
            return Some(home_with_links(
                root,
                &["/xwdt/", "/col/col77278/index.html", "/old/notice.html"],
            ));
        }
        if path == "/xwdt/" {
            return html(paged(0));
        }
        if let Some(n) = path
            .strip_prefix("/xwdt/index_")
            .and_then(|r| r.strip_suffix(".html"))
            .and_then(|n| n.parse::<usize>().ok())
        {
            return (n <= 4).then(|| paged(n)).and_then(html);
        }
        if let Some(rest) = path.strip_prefix("/xwdt/201903/t201903") {
            let (day, k) = rest.trim_end_matches(".html").split_once('_')?;
            let title = format!("新闻动态第{k}条");
            return html(small_article(
                &title,
                &format!("2019-03-{day}"),
                "新闻动态",
                "/xwdt/",
            ));
        }
        // Links name the list page `index.html`; the crawler asks for its folder.
        if path == "/col/col77278/index.html" || path == "/col/col77278/" {
            return html(hanweb.clone());
        }
        if let Some(rest) = path.strip_prefix("/art/2019/3/1") {
            let i = rest.chars().next()?;
            return html(small_article(
                &format!("公示公告第{i}条"),
                &format!("2019-03-1{i}"),
                "公示公告",
                "/col/col77278/index.html",
            ));
        }
        if path == "/old/notice.html" {
            return html(soft_404.to_string());
        }
        None
    });
    let (v, _) = crawl(&server.url("/"), &[]);
    for n in 1..=4 {
        assert_eq!(
            log.count(&format!("/xwdt/index_{n}.html")),
            1,
            "list page {n}"
        );
    }
    for k in 0..15 {
        let day = 18 - k;
        let path = format!("/xwdt/201903/t201903{day:02}_{k}.html");
        assert_eq!(log.count(&path), 1, "{path}, listed on page {}", k / 3 + 1);
    }
    for i in 1..=4 {
        let path = format!("/art/2019/3/1{i}/art_77278_{i}.html");
        assert_eq!(log.count(&path), 1, "{path} from the datastore");
    }
    // The column is known whole: fifteen dated items, newest first.
    let column = v["columns"]
        .as_array()
        .and_then(|cs| {
            cs.iter()
                .find(|c| c["url"].as_str().is_some_and(|u| u.ends_with("/xwdt/")))
        })
        .unwrap_or_else(|| panic!("no 新闻动态 timeline: {}", v["columns"]));
    assert_eq!(
        column["dates"].as_array().map(Vec::len),
        Some(15),
        "{column}"
    );
    // The soft 404 is a broken link of the home page, not a page of the site.
    let broken: Vec<&Value> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["kind"] == "broken-link")
        .filter(|f| {
            f["target"]
                .as_str()
                .is_some_and(|t| t.ends_with("/old/notice.html"))
        })
        .collect();
    assert_eq!(broken.len(), 1, "{}", v["findings"]);
    assert!(
        broken[0].to_string().contains("页面不存在") || broken[0].to_string().contains("soft 404"),
        "{}",
        broken[0]
    );
    assert_healthy_findings(&v, &baseline(&server), &[]);
}

#[test]
fn several_sites_get_one_report_each() {
    let (a, _) = demo_server(|_, _| None);
    let (b, _) = demo_server(|req, _| (req.path() == ARTICLE).then(|| Reply::status(404)));
    let sites = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(sites.path(), format!("# nightly\n{}\n\n", b.url("/"))).unwrap();
    let (v, _) = crawl(&a.url("/"), &["--sites", sites.path().to_str().unwrap()]);
    let reports = v["reports"].as_array().expect("a list of reports");
    assert_eq!(reports.len(), 2);
    assert_eq!(reports[0]["site"], a.url("/"));
    assert_eq!(reports[1]["site"], b.url("/"));
    assert!(fetch_errors(&reports[0]).is_empty());
    assert!(fetch_errors(&reports[1]).is_empty());
    assert_eq!(broken_targets(&reports[1]), vec![b.url(ARTICLE)]);
    let base = baseline(&a);
    assert_healthy_findings(&reports[0], &base, &[]);
}

#[test]
fn ctrl_c_still_writes_the_report_of_what_was_gathered() {
    stopped_by_signal_still_writes_the_report("-INT", "Ctrl-C");
}

#[test]
fn sigterm_still_writes_the_report_of_what_was_gathered() {
    stopped_by_signal_still_writes_the_report("-TERM", "SIGTERM");
}

fn stopped_by_signal_still_writes_the_report(sig: &str, named: &str) {
    let started = Arc::new(AtomicUsize::new(0));
    let s = started.clone();
    let (server, _) = demo_server(move |req, _| {
        s.fetch_add(1, Ordering::SeqCst);
        if req.path().contains("/20") {
            std::thread::sleep(std::time::Duration::from_millis(300));
        }
        None
    });
    let out_dir = tempfile::tempdir().unwrap();
    let out: PathBuf = out_dir.path().join("report.json");
    let child = std::process::Command::new(env!("CARGO_BIN_EXE_audit"))
        .args([
            "--site",
            &server.url("/"),
            "--as-of",
            AS_OF,
            "--format",
            "json",
            "--delay-ms",
            "0",
            "--per-host",
            "1",
            "--fail-on",
            "never",
            "--output",
            out.to_str().unwrap(),
        ])
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    while started.load(Ordering::SeqCst) < 10 {
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    let killed = std::process::Command::new("kill")
        .args([sig, &child.id().to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    let output = child.wait_with_output().unwrap();
    // Interrupted: exit 3 whatever was found, the report still written.
    assert_eq!(output.status.code(), Some(3));
    let v: Value = serde_json::from_slice(&std::fs::read(&out).unwrap()).unwrap();
    assert_eq!(v["incomplete"], true);
    // Notes speak Chinese by default, and name the signal.
    assert!(
        notes(&v).contains(&format!("已中断（{named}）")),
        "{}",
        notes(&v)
    );
    // The terminal's last line says so, and what the exit code means.
    let stderr = String::from_utf8_lossy(&output.stderr);
    let last = stderr.lines().last().unwrap_or_default();
    assert!(
        last.starts_with(&format!("已中断（{named}）")) && last.ends_with("退出码 3。"),
        "{stderr}"
    );
    let pages = v["summary"]["pages"].as_u64().unwrap();
    assert!((1..41).contains(&pages), "{pages}");
}

#[test]
fn scope_flags_limit_the_crawl() {
    let (server, log) = demo_server(|_, _| None);
    let (v, _) = crawl(
        &server.url("/"),
        &["--exclude", "**/tzgg/**", "--max-depth", "1"],
    );
    assert!(!log.any(|p| p.starts_with("/tzgg/")));
    // Depth 1: the home page's links, not the articles behind the lists.
    assert!(log.any(|p| p == "/zcwj/201903/t20190304_1158.html"));
    assert!(!log.any(|p| p.starts_with("/zcwj/2018")));
    assert!(fetch_errors(&v).is_empty());
    assert!(notes(&v).contains("--max-depth"), "{}", notes(&v));
    let (v, _) = crawl(&server.url("/"), &["--max-pages", "5"]);
    assert_eq!(v["incomplete"], true);
    assert!(notes(&v).contains("--max-pages"));
}

#[test]
fn external_links_are_checked_once_with_an_honest_user_agent() {
    let other_log = Log::default();
    let ol = other_log.clone();
    let agents = Arc::new(Mutex::new(Vec::<String>::new()));
    let ag = agents.clone();
    let other = serve_on(
        "127.0.0.2",
        Arc::new(move |req: &Request| {
            ol.push(req);
            ag.lock()
                .unwrap()
                .push(req.header("User-Agent").unwrap_or("").to_string());
            match req.path() {
                "/ok.html" => Reply::ok("text/html", "<html><title>外站</title></html>"),
                _ => Reply::status(404),
            }
        }),
    );
    let (ok, gone) = (other.url("/ok.html"), other.url("/gone.html"));
    let links = [ok.clone(), gone.clone()];
    let (server, _) = demo_server(move |req, root| {
        (req.path() == "/").then(|| home_with_links(root, &[&links[0], &links[1]]))
    });
    // Without the flag, other hosts are left alone.
    let (v, _) = crawl(&server.url("/"), &[]);
    assert!(!other_log.any(|_| true));
    assert!(fetch_errors(&v).is_empty());

    // 127.0.0.2 stands in for a host on the internal network: a public site's
    // link to it is not followed, not even for a HEAD, and says why.
    let (v, _) = crawl(&server.url("/"), &["--check-external"]);
    assert!(!other_log.any(|_| true));
    let refused: Vec<String> = fetch_error_evidence(&v);
    assert_eq!(refused.len(), 2, "{refused:?}");
    assert!(
        refused
            .iter()
            .all(|e| e.contains("not fetched") && e.contains("127.0.0.2")),
        "{refused:?}"
    );

    // Named by the user, the same host is checked like any external one.
    let (v, _) = crawl(
        &server.url("/"),
        &["--check-external", "--allow-internal-host", "127.0.0.2"],
    );
    assert_eq!(other_log.methods("/ok.html"), vec!["HEAD"]);
    assert_eq!(other_log.methods("/gone.html"), vec!["HEAD"]);
    assert!(fetch_errors(&v).is_empty(), "{:?}", fetch_errors(&v));
    assert_eq!(broken_targets(&v), vec![gone]);
    let ua = agents.lock().unwrap().clone();
    assert!(
        ua.iter()
            .all(|a| a.starts_with(&format!("disclosure-audit/{}", env!("CARGO_PKG_VERSION")))),
        "{ua:?}"
    );
    assert_healthy_findings(&v, &baseline(&server), &[]);

    let (_, _) = crawl(
        &server.url("/"),
        &[
            "--check-external",
            "--allow-internal-host",
            "127.0.0.2",
            "--user-agent",
            "NightlyCheck/2.0",
        ],
    );
    assert_eq!(
        agents.lock().unwrap().last().map(String::as_str),
        Some("NightlyCheck/2.0")
    );
}

#[test]
fn crawl_delay_is_honoured_and_noted() {
    let (server, log) = demo_server(|req, _| {
        (req.path() == "/robots.txt").then(|| {
            Reply::ok(
                "text/plain",
                "User-agent: *\nCrawl-delay: 0.02\n\nUser-agent: OtherBot\nDisallow: /\n",
            )
        })
    });
    let (v, _) = crawl(&server.url("/"), &["--max-pages", "8"]);
    assert!(notes(&v).contains("Crawl-delay"), "{}", notes(&v));
    assert!(log.count("/") == 1 && log.count("/robots.txt") == 1);
    assert_eq!(v["incomplete"], true);
}

#[test]
fn a_robots_txt_that_answers_5xx_stops_the_audit_unless_ignored() {
    let (server, log) =
        demo_server(|req, _| (req.path() == "/robots.txt").then(|| Reply::status(503)));
    let url = server.url("/");
    let mut args = common::fast_crawl(&url, AS_OF);
    args.extend(["--retries", "0"]);
    let out = common::audit(&args);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("robots.txt") && err.contains("--ignore-robots"),
        "{err}"
    );
    assert_eq!(log.count("/"), 0, "nothing but robots.txt was fetched");
    let (v, _) = crawl(&server.url("/"), &["--ignore-robots"]);
    assert_healthy_findings(&v, &baseline(&server), &[]);
}

#[test]
fn overlong_urls_are_not_followed_and_noted() {
    let long = format!("/trap/{}.html", "a".repeat(3000));
    let short = "/zcwj/".to_string();
    let links = [long.clone(), short];
    let (server, log) = demo_server(move |req, root| {
        (req.path() == "/").then(|| home_with_links(root, &[&links[0], &links[1]]))
    });
    let (v, _) = crawl(&server.url("/"), &[]);
    assert!(!log.any(|p| p.starts_with("/trap/")));
    assert!(notes(&v).contains("--max-url-length"), "{}", notes(&v));
    assert!(fetch_errors(&v).is_empty());
    // A limit raised above the link's length lets it through (it is then a 404).
    let (v, _) = crawl(&server.url("/"), &["--max-url-length", "4000"]);
    assert!(log.any(|p| p.starts_with("/trap/")));
    assert!(fetch_errors(&v).is_empty());
    assert_eq!(broken_targets(&v), vec![server.url(&long)]);
}

#[test]
fn a_column_paged_without_end_is_cut_at_max_list_pages() {
    let log = Log::default();
    let l = log.clone();
    let server = serve(move |req| {
        l.push(req);
        let path = req.path().to_string();
        let page = if path == "/" {
            Some("<html><body><a href=\"/gzdt/\">工作动态</a></body></html>".to_string())
        } else if let Some(n) = path.strip_prefix("/gzdt/").and_then(|r| {
            if r.is_empty() {
                Some(0)
            } else {
                r.strip_prefix("index_")?
                    .strip_suffix(".html")?
                    .parse::<usize>()
                    .ok()
            }
        }) {
            let items: String = (0..3)
                .map(|i| format!("<li><a href=\"/gzdt/a{n}_{i}.html\">动态{n}之{i}</a><span>2019-03-{:02}</span></li>", 1 + i))
                .collect();
            Some(format!(
                "<html><head><meta charset=\"utf-8\"><meta name=\"ColumnName\" content=\"工作动态\"></head><body>\
                 <div>当前位置：<a href=\"/\">首页</a> &gt; 工作动态</div><ul>{items}</ul>\
                 <div class=\"pager\"><a href=\"index_{}.html\">下一页</a></div></body></html>",
                n + 1
            ))
        } else {
            None
        };
        match page {
            Some(p) => Reply::ok("text/html; charset=utf-8", p),
            None => Reply::status(404),
        }
    });
    let list_pages = |log: &Log| {
        (0..200)
            .filter(|n| {
                let p = if *n == 0 {
                    "/gzdt/".to_string()
                } else {
                    format!("/gzdt/index_{n}.html")
                };
                log.any(|q| q == p)
            })
            .count()
    };
    let (v, _) = crawl(
        &server.url("/"),
        &["--max-list-pages", "5", "--max-pages", "300"],
    );
    assert_eq!(list_pages(&log), 5);
    assert!(notes(&v).contains("--max-list-pages"), "{}", notes(&v));
}

#[test]
fn max_redirects_caps_a_redirect_chain() {
    let (server, _) = demo_server(|req, root| match req.path() {
        "/" => Some(home_with_links(root, &["/r1"])),
        p if p.starts_with("/r") => {
            let n: u32 = p[2..].parse().unwrap_or(9);
            Some(if n < 5 {
                Reply::redirect(&format!("/r{}", n + 1))
            } else {
                Reply::ok("text/html; charset=utf-8", "<html><body>终点</body></html>")
            })
        }
        _ => None,
    });
    let (v, _) = crawl(&server.url("/"), &[]);
    assert!(fetch_errors(&v).is_empty(), "{:?}", fetch_errors(&v));
    let (v, _) = crawl(&server.url("/"), &["--max-redirects", "2"]);
    let errs: Vec<String> = fetch_error_evidence(&v);
    assert_eq!(errs.len(), 1, "{errs:?}");
    assert!(errs[0].contains("more than 2 redirects"), "{errs:?}");
}

//! Faults survived (issue 7): a small healthy site on 127.0.0.1 whose home
//! page also links to a faulty URL. Each test checks that the audit finishes
//! (exit 0 or 1), that the faulty URL is a `fetch-error` finding with a
//! reason (or a note, where that is the design), and that every finding of
//! the healthy pages is still there.

mod common;

use std::collections::BTreeSet;
use std::io::Write;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, OnceLock};
use std::time::Duration;

use common::{Reply, Request, Server, kind_urls, serve};
use serde_json::Value;

const AS_OF: &str = "2019-03-20";

/// The healthy site: a home page, one column list and three articles. The
/// articles carry deliberate findings (an empty 来源, no date at all).
fn healthy(path: &str) -> Option<Reply> {
    let html = match path {
        "/" => page(
            "清河镇人民政府",
            "",
            r#"<ul><li><a href="/gzdt/">工作动态</a></li>
<li><a href="/gzdt/201903/t20190311_201.html">清河镇召开春季植树动员会</a></li>
<li><a href="/gzdt/201903/t20190305_202.html">清河镇开展防汛物资清点</a></li>
<li><a href="/gzdt/201903/t20190302_203.html">清河镇慰问困难老党员</a></li></ul>"#,
        ),
        "/gzdt/" => page(
            "工作动态_清河镇人民政府",
            r#"<meta name="ColumnName" content="工作动态">"#,
            r#"<div class="crumb">首页 &gt; 工作动态</div><ul class="list">
<li><a href="/gzdt/201903/t20190311_201.html">清河镇召开春季植树动员会</a><span>2019-03-11</span></li>
<li><a href="/gzdt/201903/t20190305_202.html">清河镇开展防汛物资清点</a><span>2019-03-05</span></li>
<li><a href="/gzdt/201903/t20190302_203.html">清河镇慰问困难老党员</a><span>2019-03-02</span></li></ul>"#,
        ),
        "/gzdt/201903/t20190311_201.html" => article(
            "清河镇召开春季植树动员会",
            r#"<meta name="PubDate" content="2019-03-11 09:30"><meta name="ContentSource" content="">"#,
            "发布时间:2019年03月11日 来源: ",
            "3月10日，清河镇召开春季植树动员会，安排各村沿河绿化任务。",
        ),
        "/gzdt/201903/t20190305_202.html" => article(
            "清河镇开展防汛物资清点",
            r#"<meta name="PubDate" content="2019-03-05 16:00"><meta name="ContentSource" content="清河镇应急办">"#,
            "发布时间:2019年03月05日 来源:清河镇应急办",
            "镇应急办对全镇防汛仓库的沙袋、救生衣和抽水泵进行了清点登记。",
        ),
        "/gzdt/201903/t20190302_203.html" => article(
            "清河镇慰问困难老党员",
            "",
            "来源:",
            "镇党委走访慰问了辖区内的困难老党员，送去慰问金和生活用品。",
        ),
        _ => return None,
    };
    Some(Reply::ok("text/html; charset=utf-8", html))
}

fn page(title: &str, meta: &str, body: &str) -> String {
    format!(
        "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>{title}</title>{meta}</head><body>{body}</body></html>"
    )
}

fn article(title: &str, meta: &str, info: &str, text: &str) -> String {
    page(
        &format!("{title}_清河镇人民政府"),
        &format!(r#"<meta name="ColumnName" content="工作动态">{meta}"#),
        &format!(
            r#"<div class="crumb">首页 &gt; <a href="/gzdt/">工作动态</a></div><div class="article"><h1 class="title">{title}</h1><div class="info">{info}</div><div class="content"><p>{text}</p></div></div>"#
        ),
    )
}

/// The healthy site plus the fault: `links` are added to the home page and
/// `fault` answers every other path (`None`: 404).
fn site(
    links: &[&str],
    fault: impl Fn(&Request) -> Option<Reply> + Send + Sync + 'static,
) -> Server {
    let extra: String = links
        .iter()
        .map(|l| format!("<a href=\"{l}\">附件</a>"))
        .collect();
    serve(move |req| {
        if let Some(r) = fault(req) {
            return r;
        }
        match healthy(req.path()) {
            Some(Reply::Response {
                status,
                headers,
                body,
            }) if req.path() == "/" => {
                let html =
                    String::from_utf8_lossy(&body).replace("</body>", &format!("{extra}</body>"));
                Reply::Response {
                    status,
                    headers,
                    body: html.into_bytes(),
                }
            }
            Some(r) => r,
            None => Reply::status(404),
        }
    })
}

/// Fast, impolite settings without retries: the tests talk to their own
/// loopback server and count its requests.
fn args<'a>(url: &'a str, extra: &[&'a str]) -> Vec<&'a str> {
    let mut args = common::fast_crawl(url, AS_OF);
    args.extend(["--timeout-ms", "1000", "--retries", "0"]);
    args.extend_from_slice(extra);
    args
}

/// `args`, without sitemaps (most faults are reached by links).
fn run(url: &str, extra: &[&str]) -> (Value, std::process::Output) {
    let mut all = args(url, extra);
    all.push("--no-sitemaps");
    common::audit_json(&all)
}

/// Runs the audit and checks it finished (exit 0 or 1, not 2).
fn crawl(server: &Server, extra: &[&str]) -> Value {
    let (v, out) = run(&server.url("/"), extra);
    assert!(
        matches!(out.status.code(), Some(0) | Some(1)),
        "the audit must finish: {:?}; stderr: {}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    v
}

/// (kind, path) of a report's findings.
fn kind_paths(report: &Value, server: &Server) -> BTreeSet<(String, String)> {
    let host = server.url("");
    kind_urls(report)
        .into_iter()
        .map(|(k, u)| (k, u.replace(&host, "")))
        .collect()
}

/// The findings of the healthy site alone, crawled once.
fn baseline() -> &'static BTreeSet<(String, String)> {
    static BASE: OnceLock<BTreeSet<(String, String)>> = OnceLock::new();
    BASE.get_or_init(|| {
        let server = site(&[], |_| None);
        let v = crawl(&server, &[]);
        kind_paths(&v, &server)
    })
}

fn assert_healthy_findings(report: &Value, server: &Server) {
    let base = baseline();
    assert!(
        base.iter().any(|(k, _)| k != "fetch-error"),
        "the healthy site has findings to compare: {base:?}"
    );
    assert!(
        base.iter()
            .any(|(_, p)| p == "/gzdt/201903/t20190311_201.html"),
        "the empty 来源 is found: {base:?}"
    );
    let got = kind_paths(report, server);
    let missing: Vec<_> = base.difference(&got).collect();
    assert!(missing.is_empty(), "findings lost: {missing:?}");
}

/// The `fetch-error` finding of `path`, whose evidence must give a reason.
fn fetch_error(report: &Value, server: &Server, path: &str) -> String {
    fetch_error_at(report, &server.url(path))
}

fn fetch_error_at(report: &Value, url: &str) -> String {
    let f = report["findings"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|f| f["kind"] == "fetch-error" && f["url"] == url)
        .unwrap_or_else(|| {
            panic!(
                "no fetch-error for {url}; findings: {:?}",
                kind_urls(report)
            )
        });
    let why = f["evidence"].as_str().unwrap_or("").to_string();
    assert!(
        !why.trim().is_empty(),
        "a fetch-error gives its reason: {f}"
    );
    why
}

fn notes(report: &Value) -> String {
    report["notes"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|n| n.as_str())
        .collect::<Vec<_>>()
        .join("\n")
}

/// One fault at `/f/x`, linked from the home page: the audit finishes, the
/// fault is a fetch-error, the healthy findings stay. Returns the reason.
fn one_fault(reply: impl Fn() -> Reply + Send + Sync + 'static) -> String {
    let server = site(&["/f/x"], move |req| (req.path() == "/f/x").then(&reply));
    let v = crawl(&server, &[]);
    let why = fetch_error(&v, &server, "/f/x");
    assert_healthy_findings(&v, &server);
    why
}

/// A loopback port that nothing listens on.
fn closed_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

#[test]
fn a_connection_closed_without_a_word_is_a_fetch_error() {
    let why = one_fault(|| Reply::Close);
    assert!(why.contains("closed"), "{why}");
}

/// Another port is another site: not crawled, but checked with --check-external.
#[test]
fn a_link_to_a_refused_port_is_checked_only_as_an_external_link() {
    let refused = format!("http://127.0.0.1:{}/gzdt/", closed_port());
    let server = site(&[refused.as_str()], |_| None);
    let v = crawl(&server, &[]);
    assert!(
        !kind_urls(&v).iter().any(|(_, u)| u == &refused),
        "{:?}",
        kind_urls(&v)
    );
    assert_healthy_findings(&v, &server);

    let v = crawl(&server, &["--check-external"]);
    let why = fetch_error_at(&v, &refused);
    assert!(why.contains("refused"), "{why}");
    assert_healthy_findings(&v, &server);
}

#[test]
fn an_unreachable_start_page_stops_the_audit_with_exit_2() {
    let port = closed_port();
    let url = format!("http://127.0.0.1:{port}/");
    let out = common::audit(&[
        "--site",
        &url,
        "--as-of",
        AS_OF,
        "--retries",
        "0",
        "--timeout-ms",
        "1000",
        "--quiet",
        "--lang",
        "en",
    ]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains(&port.to_string()), "names the site: {err}");
}

#[test]
fn a_body_reset_before_its_content_length_is_a_fetch_error() {
    let why = one_fault(|| {
        Reply::Raw(
            b"HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: 5000\r\n\r\n<html><head><title>half"
                .to_vec(),
        )
    });
    assert!(why.contains("broke off"), "{why}");
}

#[test]
fn a_server_that_never_answers_times_out() {
    let why = one_fault(|| Reply::Hang);
    assert!(why.contains("timed out"), "{why}");
}

#[test]
fn a_slow_drip_body_times_out() {
    let why = one_fault(|| {
        Reply::Drip {
        head: b"HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: 40\r\n\r\n"
            .to_vec(),
        body: b"<html><body>drip drip drip</body></html>".to_vec(),
        every: Duration::from_millis(300),
    }
    });
    assert!(why.contains("timed out"), "{why}");
}

#[test]
fn invalid_chunked_encoding_is_a_fetch_error() {
    let why = one_fault(|| {
        Reply::Raw(
            b"HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\nTransfer-Encoding: chunked\r\n\r\nzz9!\r\n<html>\r\n0\r\n\r\n"
                .to_vec(),
        )
    });
    assert!(why.contains("broke off") && why.contains("chunk"), "{why}");
}

#[test]
fn a_tls_answer_to_plain_http_is_a_fetch_error() {
    let why = one_fault(|| {
        // A TLS ServerHello record where an HTTP status line should be.
        let mut b = vec![
            0x16, 0x03, 0x01, 0x00, 0x4a, 0x02, 0x00, 0x00, 0x46, 0x03, 0x03,
        ];
        b.extend((0..64u8).map(|i| i.wrapping_mul(37)));
        Reply::Raw(b)
    });
    assert!(why.contains("request failed"), "{why}");
}

fn half_gzip() -> Vec<u8> {
    let html = article(
        "清河镇召开秋收工作会",
        "",
        "来源:清河镇农办",
        &"秋收期间各村要做好粮食晾晒和运输安排。".repeat(200),
    );
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    gz.write_all(html.as_bytes()).expect("gzip into memory");
    let all = gz.finish().expect("gzip into memory");
    all[..all.len() / 2].to_vec()
}

#[test]
fn a_truncated_gzip_body_is_a_fetch_error() {
    let why = one_fault(|| Reply::Response {
        status: 200,
        headers: vec![
            ("Content-Type".into(), "text/html; charset=utf-8".into()),
            ("Content-Encoding".into(), "gzip".into()),
        ],
        body: half_gzip(),
    });
    assert!(why.contains("broke off"), "{why}");
}

#[test]
fn a_sitemap_of_100000_urls_stays_within_max_pages() {
    let mut xml = String::from(
        r#"<?xml version="1.0" encoding="UTF-8"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">"#,
    );
    // The healthy pages first, so that they are read within the limit.
    for p in [
        "/gzdt/",
        "/gzdt/201903/t20190311_201.html",
        "/gzdt/201903/t20190305_202.html",
        "/gzdt/201903/t20190302_203.html",
    ] {
        xml.push_str(&format!("<url><loc>{{HOST}}{p}</loc></url>"));
    }
    for i in 0..100_000 {
        xml.push_str(&format!("<url><loc>{{HOST}}/sm/{i}.html</loc></url>"));
    }
    xml.push_str("</urlset>");
    let server = site(&[], move |req| match req.path() {
        "/sitemap.xml" => {
            let host = format!("http://{}", req.header("host").unwrap_or("127.0.0.1"));
            Some(Reply::ok("application/xml", xml.replace("{HOST}", &host)))
        }
        p if p.starts_with("/sm/") => Some(Reply::ok(
            "text/html; charset=utf-8",
            page("清河镇", "", "<p>站点地图页</p>"),
        )),
        _ => None,
    });
    // `run` passes --no-sitemaps; this audit reads them.
    let url = server.url("/");
    let (v, out) = common::audit_json(&args(&url, &["--max-pages", "20"]));
    assert!(
        matches!(out.status.code(), Some(0) | Some(1)),
        "{:?}: {}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    let pages = v["summary"]["pages"].as_u64().unwrap_or(u64::MAX);
    assert!(pages <= 20, "{pages} pages");
    assert_eq!(v["incomplete"], true);
    let n = notes(&v);
    assert!(n.contains("--max-pages"), "{n}");
    assert!(
        n.contains("sitemaps list more"),
        "the sitemap was read, in part: {n}"
    );
    assert_healthy_findings(&v, &server);
}

#[test]
fn a_page_with_100000_links_is_cut_and_noted() {
    let mut body = String::new();
    for i in 0..100_000 {
        body.push_str(&format!("<a href=\"/l/{i}.html\">{i}</a>"));
    }
    let html = page("链接页", "", &body);
    let server = site(&["/f/links"], move |req| match req.path() {
        "/f/links" => Some(Reply::ok("text/html; charset=utf-8", html.clone())),
        p if p.starts_with("/l/") => Some(Reply::ok(
            "text/html; charset=utf-8",
            page("清河镇", "", "<p>链接</p>"),
        )),
        _ => None,
    });
    let v = crawl(&server, &["--max-pages", "30"]);
    let n = notes(&v);
    assert!(n.contains("/f/links"), "the cut page is named: {n}");
    assert!(n.contains("5000"), "the limit is named: {n}");
    assert!(v["summary"]["pages"].as_u64().unwrap_or(u64::MAX) <= 30);
    assert_healthy_findings(&v, &server);
}

#[test]
fn a_crawler_trap_is_bounded_by_max_pages_and_max_depth() {
    let trap = |req: &Request| {
        (req.path() == "/f/trap").then(|| {
            let n: u64 = req
                .target
                .split("n=")
                .nth(1)
                .and_then(|s| s.parse().ok())
                .unwrap_or(0);
            Reply::ok(
                "text/html; charset=utf-8",
                page(
                    "日历",
                    "",
                    &format!("<a href=\"/f/trap?n={}\">下一月</a>", n + 1),
                ),
            )
        })
    };
    let server = site(&["/f/trap?n=0"], trap);
    let v = crawl(&server, &["--max-pages", "25"]);
    assert_eq!(v["incomplete"], true);
    assert!(notes(&v).contains("--max-pages"), "{}", notes(&v));
    assert!(v["summary"]["pages"].as_u64().unwrap_or(u64::MAX) <= 25);
    assert_healthy_findings(&v, &server);

    let server = site(&["/f/trap?n=0"], trap);
    let v = crawl(&server, &["--max-depth", "6"]);
    let pages = v["summary"]["pages"].as_u64().unwrap_or(u64::MAX);
    assert!(pages <= 12, "depth bounds the trap: {pages} pages");
    assert_healthy_findings(&v, &server);
}

#[test]
fn a_binary_garbage_robots_txt_does_not_stop_the_crawl() {
    let asked = Arc::new(AtomicBool::new(false));
    let a = asked.clone();
    let server = site(&[], move |req| {
        (req.path() == "/robots.txt").then(|| {
            a.store(true, Ordering::SeqCst);
            let junk: Vec<u8> = (0..4096u32)
                .map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8)
                .collect();
            Reply::ok("text/plain", junk)
        })
    });
    let v = crawl(&server, &[]);
    assert!(asked.load(Ordering::SeqCst), "robots.txt was read");
    assert_healthy_findings(&v, &server);
}

#[test]
fn max_time_stops_the_crawl_and_writes_an_incomplete_report() {
    // The site's pages (not the home page) hang far longer than --max-time.
    let server = site(&[], |req| {
        req.path().starts_with("/gzdt/").then_some(Reply::Hang)
    });
    let (v, out) = common::audit_json(&[
        "--site",
        &server.url("/"),
        "--as-of",
        AS_OF,
        "--delay-ms",
        "0",
        "--no-sitemaps",
        "--timeout-s",
        "30",
        "--max-time",
        "1",
        "--quiet",
    ]);
    // A run cut short exits 3, whatever it found, so that cron never records it as clean.
    assert_eq!(
        out.status.code(),
        Some(3),
        "{:?}: {}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(v["incomplete"], true);
    assert_eq!(v["stopped"], "max_time");
    // Notes speak Chinese by default.
    assert!(notes(&v).contains("--max-time"), "{}", notes(&v));
    assert!(notes(&v).contains("运行时间上限"), "{}", notes(&v));
    assert_eq!(v["summary"]["pages"], 1);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr
            .lines()
            .last()
            .is_some_and(|l| l.contains("运行时间上限") && l.ends_with("退出码 3。")),
        "{stderr}"
    );
}

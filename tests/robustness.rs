//! Nothing crashes, nothing is lost: hostile page sizes finish, hostile text
//! is escaped in every report, and an audit killed at any moment leaves the
//! previous report, history and cache usable.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use common::{audit, audit_json, path_str, serve_dir, site_dir};

const AS_OF: &str = "2019-03-20";

/// A site of `columns` × `per_column` articles in the demo site's template;
/// every third article has an empty source, so the report has many findings.
fn big_site(dir: &Path, columns: usize, per_column: usize) {
    let mut home = String::from("<html><head><title>首页_云岭镇人民政府</title></head><body><ul>");
    for c in 0..columns {
        std::fs::create_dir_all(dir.join(format!("lm{c}"))).expect("column folder");
        home.push_str(&format!(
            "<li><a href=\"/lm{c}/index.html\">工作动态{c}</a></li>"
        ));
        let mut list = format!(
            "<html><head><title>工作动态{c}_云岭镇人民政府</title></head><body>\
             <div class=\"crumb\">当前位置:<a href=\"/\">首页</a> &gt; <a href=\"/lm{c}/index.html\">工作动态{c}</a></div><ul class=\"list\">"
        );
        for i in 0..per_column {
            let day = 1 + (i % 28);
            let month = 1 + (i / 28) % 12;
            let source = if i % 3 == 0 { "" } else { "云岭镇党政办" };
            let name = format!("t2018{month:02}{day:02}_{i}.html");
            list.push_str(&format!(
                "<li><a href=\"{name}\">云岭镇召开第{i}次工作例会</a><span>2018-{month:02}-{day:02}</span></li>"
            ));
            let body =
                "云岭镇各村组持续推进人居环境整治，清理沟渠、拆除危旧房屋，群众满意度明显提升。"
                    .repeat(8);
            let page = format!(
                "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>云岭镇召开第{i}次工作例会_云岭镇人民政府</title></head><body>\
                 <div class=\"crumb\">当前位置:<a href=\"/\">首页</a> &gt; <a href=\"index.html\">工作动态{c}</a></div>\
                 <h1>云岭镇召开第{i}次工作例会</h1><div class=\"info\">发布时间:2018年{month:02}月{day:02}日 来源:{source}</div>\
                 <div class=\"content\"><p>{body}</p></div></body></html>"
            );
            std::fs::write(dir.join(format!("lm{c}")).join(&name), page).expect("article");
        }
        list.push_str("</ul></body></html>");
        std::fs::write(dir.join(format!("lm{c}/index.html")), list).expect("list page");
    }
    home.push_str("</ul></body></html>");
    std::fs::write(dir.join("index.html"), home).expect("home page");
}

fn generated_site(columns: usize, per_column: usize) -> tempfile::TempDir {
    let tmp = tempfile::tempdir().expect("a temporary directory");
    big_site(tmp.path(), columns, per_column);
    tmp
}

fn spawn_audit(args: &[&str]) -> Child {
    Command::new(env!("CARGO_BIN_EXE_audit"))
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("start the audit binary")
}

/// Whether a temporary report file (`.NAME.PID.tmp`) exists beside `out`.
fn temp_file_beside(out: &Path) -> bool {
    let (Some(dir), Some(name)) = (out.parent(), out.file_name().and_then(|n| n.to_str())) else {
        return false;
    };
    std::fs::read_dir(dir).is_ok_and(|rd| {
        rd.flatten().any(|e| {
            let n = e.file_name().to_string_lossy().to_string();
            n.starts_with(&format!(".{name}.")) && n.ends_with(".tmp")
        })
    })
}

/// Kills the audit with SIGKILL after `delay`, or as soon as its temporary
/// report file appears (the moment a non-atomic writer would leave half a
/// file). Returns whether the process was still running when killed.
fn kill_during(mut child: Child, delay: Duration, out: &Path) -> bool {
    let start = Instant::now();
    loop {
        if let Ok(Some(_)) = child.try_wait() {
            return false;
        }
        if start.elapsed() >= delay || temp_file_beside(out) {
            // kill() sends SIGKILL on Unix: no destructor, no cleanup runs.
            let _ = child.kill();
            let _ = child.wait();
            return true;
        }
        std::thread::sleep(Duration::from_millis(2));
    }
}

/// The delays at which the audit is killed: from at once to late in the run.
fn delays(full_run: Duration) -> Vec<Duration> {
    let ms = full_run.as_millis().max(10) as u64;
    [0, 10, 30, 60, 90, 97, 100, 110]
        .iter()
        .map(|p| Duration::from_millis(ms * p / 100))
        .collect()
}

#[test]
fn a_killed_audit_leaves_the_previous_report_whole() {
    let site = generated_site(8, 100);
    let work = tempfile::tempdir().expect("a temporary directory");
    let out = work.path().join("report.json");
    let site_s = path_str(site.path()).to_string();
    let out_s = path_str(&out).to_string();
    let args = [
        "--site",
        site_s.as_str(),
        "--as-of",
        AS_OF,
        "--format",
        "json",
        "--output",
        out_s.as_str(),
        "-q",
    ];

    // The complete new report, for comparison.
    let start = Instant::now();
    let status = spawn_audit(&args).wait().expect("a full audit");
    let full_run = start.elapsed();
    assert!(matches!(status.code(), Some(0 | 1)), "{status:?}");
    let complete = std::fs::read(&out).expect("the complete report");
    let parsed: serde_json::Value = serde_json::from_slice(&complete).expect("JSON report");
    assert!(parsed["summary"]["pages"].as_u64().unwrap_or(0) > 800);

    let old = b"{\"previous\": \"report\"}\n".to_vec();
    let mut killed = 0;
    for delay in delays(full_run) {
        std::fs::write(&out, &old).expect("the previous report");
        let was_running = kill_during(spawn_audit(&args), delay, &out);
        killed += usize::from(was_running);
        let now = std::fs::read(&out).expect("a report is still there");
        assert!(
            now == old || now == complete,
            "after a kill at {delay:?} the report is neither the old one nor the complete new one ({} bytes)",
            now.len()
        );
    }
    assert!(killed > 0, "no run was killed before it finished");
}

#[test]
fn a_killed_audit_leaves_the_history_usable() {
    let site = generated_site(6, 80);
    let work = tempfile::tempdir().expect("a temporary directory");
    let db = work.path().join("history.sqlite");
    let site_s = path_str(site.path()).to_string();
    let db_s = path_str(&db).to_string();
    let args = [
        "--site",
        site_s.as_str(),
        "--as-of",
        AS_OF,
        "--history",
        db_s.as_str(),
        "--format",
        "json",
        "-q",
    ];
    let start = Instant::now();
    spawn_audit(&args).wait().expect("a first audit");
    let full_run = start.elapsed();
    let runs = |db: &str| -> usize {
        let out = audit(&[
            "history",
            "--site",
            &site_s,
            "--history",
            db,
            "--lang",
            "en",
        ]);
        assert_eq!(
            out.status.code(),
            Some(0),
            "the history cannot be read: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout)
            .lines()
            .filter(|l| l.contains(AS_OF))
            .count()
    };
    let mut before = runs(&db_s);
    assert!(before >= 1, "the first run is not in the history");
    for delay in delays(full_run) {
        kill_during(spawn_audit(&args), delay, &db);
        let after = runs(&db_s);
        assert!(
            after == before || after == before + 1,
            "after a kill at {delay:?} the history went from {before} to {after} runs"
        );
        before = after;
    }
    // And the next run is recorded as usual.
    let status = spawn_audit(&args).wait().expect("a last audit");
    assert!(matches!(status.code(), Some(0 | 1)));
    assert_eq!(runs(&db_s), before + 1);
}

#[test]
fn a_killed_crawl_leaves_the_cache_usable() {
    let site = generated_site(4, 60);
    let server = serve_dir(site.path().to_path_buf());
    let url = server.url("/");
    let work = tempfile::tempdir().expect("a temporary directory");
    let cache = work.path().join("cache");
    let cache_s = path_str(&cache).to_string();
    let base = [
        "--site",
        url.as_str(),
        "--as-of",
        AS_OF,
        "--delay-ms",
        "0",
        "--no-sitemaps",
        "-q",
    ];
    let (reference, _) = audit_json(&base);
    let with_cache: Vec<&str> = base
        .iter()
        .copied()
        .chain(["--cache", cache_s.as_str()])
        .collect();
    let start = Instant::now();
    spawn_audit(&with_cache).wait().expect("a first crawl");
    let full_run = start.elapsed();
    for delay in delays(full_run) {
        kill_during(spawn_audit(&with_cache), delay, &cache.join("none"));
        let (again, out) = audit_json(&with_cache);
        assert!(matches!(out.status.code(), Some(0 | 1)), "{out:?}");
        assert_eq!(
            again["findings"], reference["findings"],
            "after a kill at {delay:?} the cached crawl reports differently"
        );
    }
}

#[test]
fn a_page_with_100000_links_finishes() {
    let mut html = String::from("<html><head><title>链接_测试</title></head><body><ul>");
    for i in 0..100_000 {
        html.push_str(&format!("<li><a href=\"/p/{i}.html\">第{i}条</a></li>"));
    }
    html.push_str("</ul></body></html>");
    let site = site_dir(&[("index.html", &html)]);
    let (report, out) = audit_json(&["--site", path_str(site.path()), "--as-of", AS_OF]);
    assert!(matches!(out.status.code(), Some(0 | 1)), "{out:?}");
    assert_eq!(report["summary"]["pages"], 1);
    let notes = report["notes"].to_string();
    assert!(notes.contains("max_links = 5000 (1)"), "{notes}");
}

#[test]
fn a_deeply_nested_page_finishes() {
    let depth = 50_000;
    let mut html = String::from("<html><head><title>嵌套_测试</title></head><body>");
    for _ in 0..depth {
        html.push_str("<div><span>");
    }
    html.push_str("发布时间:2019-03-01 正文");
    for _ in 0..depth {
        html.push_str("</span></div>");
    }
    html.push_str("</body></html>");
    let unclosed = format!(
        "<html><body>{}<p>末尾</p></body></html>",
        "<table><tr><td><b><i>".repeat(20_000)
    );
    let site = site_dir(&[("index.html", &html), ("a/unclosed.html", &unclosed)]);
    let (report, out) = audit_json(&["--site", path_str(site.path()), "--as-of", AS_OF]);
    assert!(matches!(out.status.code(), Some(0 | 1)), "{out:?}");
    assert_eq!(report["summary"]["pages"], 2);
    let notes = report["notes"].to_string();
    assert!(notes.contains("max_depth = 512 (2)"), "{notes}");
}

#[test]
fn limits_can_be_raised_and_pages_under_them_are_not_noted() {
    let links: String = (0..30)
        .map(|i| format!("<li><a href=\"/p/{i}.html\">第{i}条</a></li>"))
        .collect();
    let html =
        format!("<html><head><title>链接</title></head><body><ul>{links}</ul></body></html>");
    let site = site_dir(&[("index.html", &html)]);
    let (report, _) = audit_json(&["--site", path_str(site.path()), "--as-of", AS_OF]);
    assert!(!report["notes"].to_string().contains("max_links"));
    let rules = site_dir(&[("limits.toml", "[extract]\nmax_links = 10\n")]);
    let (report, _) = audit_json(&[
        "--site",
        path_str(site.path()),
        "--rules",
        path_str(rules.path()),
        "--as-of",
        AS_OF,
    ]);
    assert!(report["notes"].to_string().contains("max_links = 10 (1)"));
}

/// A page whose title, source and text carry markup, table and code syntax.
fn hostile_site() -> tempfile::TempDir {
    let title = "<script>alert(1)</script></td>|`x`|<img src=x onerror=alert(2)>[点我](javascript:alert(5))";
    let escaped_title = title
        .replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;");
    let article = format!(
        "<html><head><title>{escaped_title}</title></head><body>\
         <div class=\"crumb\">当前位置:<a href=\"/\">首页</a> &gt; <a href=\"/gzdt/index.html\">工作动态</a></div>\
         <h1>{escaped_title}</h1><div class=\"info\">发布时间:2019年03月01日 来源:</div>\
         <div class=\"content\"><p>联系人手机13812345678，请于规定时间前报名。```</td></tr></table><script>x</script>`|</p>\
         <p><a href=\"javascript:alert(3)\">点击</a><a href=\"/missing&quot;onmouseover=&quot;alert(4).html\">附件</a></p></div></body></html>"
    );
    site_dir(&[
        (
            "index.html",
            "<html><head><title>首页</title></head><body><a href=\"gzdt/index.html\">工作动态</a></body></html>",
        ),
        (
            "gzdt/index.html",
            "<html><head><title>工作动态</title></head><body><ul><li><a href=\"t20190301_1.html\">x</a><span>2019-03-01</span></li></ul></body></html>",
        ),
        ("gzdt/t20190301_1.html", &article),
    ])
}

fn render(site: &Path, format: &str) -> (String, PathBuf) {
    let out = audit(&[
        "--site",
        path_str(site),
        "--as-of",
        AS_OF,
        "--format",
        format,
        "--fail-on",
        "never",
    ]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    (
        String::from_utf8_lossy(&out.stdout).to_string(),
        site.to_path_buf(),
    )
}

#[test]
fn html_report_escapes_hostile_page_text() {
    let site = hostile_site();
    let (html, _) = render(site.path(), "html");
    assert!(
        html.contains("&lt;script&gt;alert(1)"),
        "the title is not shown escaped"
    );
    for raw in [
        "<script>alert(1)",
        "<script>x",
        "<img src=x",
        "</td>|`x`",
        "href=\"javascript:",
        "href='javascript:",
        "onmouseover=\"alert",
    ] {
        assert!(!html.contains(raw), "the HTML report contains raw `{raw}`");
    }
    // The report's own markup stays balanced despite the </td> in the title.
    let opens = html.matches("<td").count();
    let closes = html.matches("</td>").count();
    assert_eq!(opens, closes, "unbalanced table cells");
}

#[test]
fn markdown_report_escapes_hostile_page_text() {
    let site = hostile_site();
    let (md, _) = render(site.path(), "md");
    assert!(
        md.contains("alert(1)"),
        "the title is missing from the report"
    );
    for raw in [
        "<script>",
        "</td>",
        "<img src=x",
        "[点我](javascript:",
        "|`x`|",
    ] {
        assert!(
            !md.contains(raw),
            "the Markdown report contains raw `{raw}`"
        );
    }
    for (i, _) in md.match_indices("](javascript:") {
        assert!(
            md[..i].ends_with('\\'),
            "a Markdown link to javascript: from page text"
        );
    }
    assert!(
        md.contains("\\`x\\`"),
        "backticks from the page are not escaped"
    );
    // Every row of a table keeps its column count: no `|` from the page splits a cell.
    let cells = |l: &str| {
        let mut n = 0;
        let mut prev = ' ';
        for ch in l.chars() {
            if ch == '|' && prev != '\\' {
                n += 1;
            }
            prev = ch;
        }
        n
    };
    let mut tables: Vec<Vec<&str>> = Vec::new();
    let mut in_table = false;
    for l in md.lines() {
        let row = l.starts_with('|');
        if row && in_table {
            if let Some(t) = tables.last_mut() {
                t.push(l);
            }
        } else if row {
            tables.push(vec![l]);
        }
        in_table = row;
    }
    let findings = tables
        .iter()
        .find(|t| t.iter().any(|r| r.contains("alert(1)")))
        .expect("a table of findings with the hostile title");
    assert!(findings.len() >= 4, "{findings:?}");
    for t in &tables {
        let header_cells = cells(t[0]);
        for r in t {
            assert_eq!(
                cells(r),
                header_cells,
                "a row has a different cell count: {r}"
            );
        }
    }
}

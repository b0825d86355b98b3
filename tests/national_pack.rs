//! The national-2019 pack: each 单项否决 item tripped by a site made for it,
//! and a near-miss site that trips none, checked item by item in the
//! scorecard (JSON and `--format scorecard`).

mod common;

use common::*;
use serde_json::Value;

const AS_OF: &str = "2019-06-30";

/// A site whose columns are (directory, name, dates of its items, newest
/// first; empty for a column that shows only 「暂无信息」). The home page links
/// every column and the newest article of each.
fn site(columns: &[(&str, &str, &[&str])]) -> Vec<(String, String)> {
    let menu: String = columns
        .iter()
        .map(|(dir, name, _)| format!("<li><a href=\"/{dir}/\">{name}</a></li>"))
        .collect();
    let header = format!("<ul class=\"menu\"><li><a href=\"/\">首页</a></li>{menu}</ul>");
    let page = |title: &str, column: Option<&str>, main: &str| {
        let meta = column
            .map(|c| format!("<meta name=\"ColumnName\" content=\"{c}\">"))
            .unwrap_or_default();
        format!(
            r#"<!DOCTYPE html><html><head><meta charset="utf-8"><title>{title}_青山镇人民政府</title>{meta}</head><body>
<div class="header">{header}</div>{main}
<div class="footer"><p>版权所有 青山镇人民政府</p></div></body></html>"#
        )
    };
    let mut files = Vec::new();
    let mut newest_links = String::new();
    for (c, (dir, name, dates)) in columns.iter().enumerate() {
        let mut rows = String::new();
        for (i, date) in dates.iter().enumerate() {
            let compact = date.replace('-', "");
            let href = format!("{}/t{compact}_{c}{i}.html", &compact[..6]);
            let title = format!("青山镇{name}第{}期", dates.len() - i);
            rows.push_str(&format!(
                "<li><a href=\"{href}\">{title}</a><span class=\"date\">{date}</span></li>"
            ));
            if i == 0 {
                newest_links.push_str(&format!(
                    "<li><a href=\"/{dir}/{href}\">{title}</a><span>{date}</span></li>"
                ));
            }
            let article = format!(
                r#"<div class="crumb">当前位置：<a href="/">首页</a> &gt; <a href="../">{name}</a></div>
<div class="article"><h1>{title}</h1><div class="info">发布时间：{date}&nbsp;&nbsp;来源：青山镇人民政府</div>
<div class="content"><p>为做好各项工作，青山镇认真部署，各村积极配合，取得了良好成效。</p></div></div>"#
            );
            files.push((format!("{dir}/{href}"), page(&title, Some(name), &article)));
        }
        let list = if dates.is_empty() {
            "<p>暂无信息</p>".to_string()
        } else {
            format!("<ul class=\"list\">{rows}</ul>")
        };
        let main = format!(
            r#"<div class="crumb">当前位置：<a href="/">首页</a> &gt; <a href="./">{name}</a></div>
<div class="column"><h2>{name}</h2>{list}</div>"#
        );
        files.push((format!("{dir}/index.html"), page(name, Some(name), &main)));
    }
    let home = format!("<div class=\"main\"><h2>最新信息</h2><ul>{newest_links}</ul></div>");
    files.push((
        "index.html".to_string(),
        page("青山镇人民政府", None, &home),
    ));
    files
}

fn scorecard(files: &[(String, String)], extra: &[&str]) -> (Value, String) {
    let owned: Vec<(&str, &str)> = files
        .iter()
        .map(|(p, c)| (p.as_str(), c.as_str()))
        .collect();
    let dir = site_dir(&owned);
    let mut args = vec![
        "--site",
        path_str(dir.path()),
        "--as-of",
        AS_OF,
        "--pack",
        "national-2019",
        "--fail-on",
        "never",
    ];
    args.extend(extra);
    let (report, out) = audit_json(&args);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let mut text_args = args.clone();
    text_args.extend(["--format", "scorecard"]);
    let text = audit(&text_args);
    assert_eq!(
        text.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&text.stderr)
    );
    (
        report["scorecard"].clone(),
        String::from_utf8(text.stdout).unwrap(),
    )
}

/// (id, status, measured) of each item measured from the pages, by id: the
/// availability item needs visits over HTTP with --history (tested below).
fn items(card: &Value) -> Vec<(String, String, u64)> {
    card["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|i| i["id"] != "site-unreachable")
        .map(|i| {
            (
                i["id"].as_str().unwrap().to_string(),
                i["status"].as_str().unwrap().to_string(),
                i["measured"].as_u64().unwrap(),
            )
        })
        .collect()
}

fn item(id: &str, status: &str, measured: u64) -> (String, String, u64) {
    (id.to_string(), status.to_string(), measured)
}

const FRESH: &[&str] = &["2019-06-28", "2019-06-20"];
const STALE: &[&str] = &["2019-06-15", "2019-06-01"]; // 15 days before the audit
const NEAR: &[&str] = &["2019-06-17", "2019-06-01"]; // 13 days
const EMPTY: &[&str] = &[];

#[test]
fn a_site_that_trips_every_veto_item() {
    let cols: Vec<(&str, &str, &[&str])> = vec![
        ("gzdt", "工作动态", STALE),
        ("zwdt", "政务动态", STALE),
        ("xzdt", "乡镇动态", STALE),
        ("bmdt", "部门动态", STALE),
        ("ywdt", "要闻动态", STALE),
        // 6 months and one day: 2018-12-29 → 2019-06-30 is 183 days; one more.
        ("tzgg", "通知公告", &["2018-12-28"]),
        ("rsxx", "人事信息", EMPTY),
        ("ghjh", "规划计划", EMPTY),
        ("jgzn", "机构职能", EMPTY),
        ("czzj", "财政资金", EMPTY),
        ("zdxm", "重点项目", EMPTY),
    ];
    let (card, text) = scorecard(&site(&cols), &[]);
    assert_eq!(
        items(&card),
        vec![
            item("site-not-updated", "veto", 1),
            item("columns-not-updated", "veto", 6),
            item("blank-columns", "veto", 5),
        ]
    );
    assert_eq!(card["verdict"], "fail");
    assert_eq!(
        card["vetoed"],
        serde_json::json!(["site-not-updated", "columns-not-updated", "blank-columns"])
    );
    assert!(
        text.contains("不合格：单项否决（网站不更新、栏目不更新、空白栏目）"),
        "{text}"
    );
    assert!(
        text.contains("[单项否决] 栏目不更新：6（阈值 5）"),
        "{text}"
    );
    // Each item names the findings behind it.
    assert!(
        text.contains("栏目「通知公告」已184天未更新，超过6个月"),
        "{text}"
    );
    // The findings behind a veto lead 先改这些, whatever their due date.
    let files = site(&cols);
    let owned: Vec<(&str, &str)> = files
        .iter()
        .map(|(p, c)| (p.as_str(), c.as_str()))
        .collect();
    let dir = site_dir(&owned);
    let out = audit(&[
        "--site",
        path_str(dir.path()),
        "--as-of",
        AS_OF,
        "--pack",
        "national-2019",
    ]);
    let report = String::from_utf8(out.stdout).unwrap();
    let first = report.find("【先改这些").expect("a fix-first block");
    let end = report[first..]
        .find("\n\n")
        .map_or(report.len(), |e| first + e);
    let block = &report[first..end];
    assert!(block.contains("栏目「人事信息」为空白栏目"), "{block}");
}

#[test]
fn a_near_miss_site_passes_every_item() {
    let cols: Vec<(&str, &str, &[&str])> = vec![
        // The home page's newest item is 13 days old.
        ("gzdt", "工作动态", NEAR),
        // Four stale 动态 columns are one short of the veto.
        ("zwdt", "政务动态", STALE),
        ("xzdt", "乡镇动态", STALE),
        ("bmdt", "部门动态", STALE),
        ("ywdt", "要闻动态", STALE),
        // 183 days: six months, not more.
        ("tzgg", "通知公告", &["2018-12-29"]),
        ("zcwj", "政策文件", FRESH),
        // Four blank columns are one short of the veto.
        ("rsxx", "人事信息", EMPTY),
        ("ghjh", "规划计划", EMPTY),
        ("jgzn", "机构职能", EMPTY),
        ("czzj", "财政资金", EMPTY),
    ];
    let (card, text) = scorecard(&site(&cols), &[]);
    assert_eq!(
        items(&card),
        vec![
            item("site-not-updated", "pass", 0),
            item("columns-not-updated", "pass", 4),
            item("blank-columns", "pass", 4),
        ]
    );
    assert_eq!(card["verdict"], "pass");
    assert!(
        text.contains("未发现单项否决问题（扣分指标未评分）"),
        "{text}"
    );
}

#[test]
fn the_pack_is_chosen_in_audit_toml_and_the_text_report_opens_with_it() {
    let cols: Vec<(&str, &str, &[&str])> = vec![("gzdt", "工作动态", STALE)];
    let files = site(&cols);
    let owned: Vec<(&str, &str)> = files
        .iter()
        .map(|(p, c)| (p.as_str(), c.as_str()))
        .collect();
    let dir = site_dir(&owned);
    let config = dir.path().join("audit.toml");
    std::fs::write(&config, "packs = [\"national-2019\"]\n").unwrap();
    let out = audit(&[
        "--site",
        path_str(dir.path()),
        "--as-of",
        AS_OF,
        "--config",
        path_str(&config),
    ]);
    let text = String::from_utf8(out.stdout).unwrap();
    let card = text
        .find("【检查指标（national-2019）】")
        .expect("scorecard section");
    assert!(card < text.find("【工作动态】").unwrap(), "{text}");
    assert!(
        text.contains("[单项否决] 网站不更新：1（阈值 1）（见问题 "),
        "{text}"
    );
    // Without a pack there is no scorecard, and asking for one is a usage error.
    let out = audit(&[
        "--site",
        path_str(dir.path()),
        "--as-of",
        AS_OF,
        "--format",
        "scorecard",
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--pack national-2019"));
    let out = audit(&[
        "--site",
        path_str(dir.path()),
        "--as-of",
        AS_OF,
        "--pack",
        "nope",
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("national-2019"));
}

#[test]
fn several_sites_give_one_overview_worst_first() {
    let bad = site(&[
        ("gzdt", "工作动态", STALE),
        ("zwdt", "政务动态", STALE),
        ("xzdt", "乡镇动态", STALE),
        ("bmdt", "部门动态", STALE),
        ("ywdt", "要闻动态", STALE),
    ]);
    let good = site(&[("gzdt", "工作动态", FRESH)]);
    let dirs: Vec<tempfile::TempDir> = [&good, &bad]
        .iter()
        .map(|files| {
            let owned: Vec<(&str, &str)> = files
                .iter()
                .map(|(p, c)| (p.as_str(), c.as_str()))
                .collect();
            site_dir(&owned)
        })
        .collect();
    let out = audit(&[
        "--site",
        path_str(dirs[0].path()),
        "--site",
        path_str(dirs[1].path()),
        "--as-of",
        AS_OF,
        "--pack",
        "national-2019",
        "--format",
        "scorecard",
        "--fail-on",
        "never",
    ]);
    let text = String::from_utf8(out.stdout).unwrap();
    let bad_at = text.find(path_str(dirs[1].path())).unwrap();
    let good_at = text.find(path_str(dirs[0].path())).unwrap();
    assert!(bad_at < good_at, "the failing site first: {text}");
    assert!(text.contains("不合格：单项否决"), "{text}");
}

#[test]
fn indicators_are_explained_with_their_source() {
    let out = audit(&[
        "rules",
        "explain",
        "columns-not-updated",
        "--pack",
        "national-2019",
    ]);
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.starts_with("columns-not-updated（栏目不更新）"),
        "{text}"
    );
    assert!(text.contains("达到 5 时：单项否决"), "{text}");
    assert!(text.contains("国办秘函〔2019〕19号"), "{text}");
    // The rules behind it cite the same source.
    let out = audit(&[
        "rules",
        "explain",
        "nat-dynamic-2w",
        "--pack",
        "national-2019",
    ]);
    assert!(String::from_utf8_lossy(&out.stdout).contains("国办秘函〔2019〕19号"));
}

#[test]
fn the_home_page_is_the_start_page_not_a_sub_portal() {
    let mut files = site(&[("gzdt", "工作动态", FRESH)]);
    // A 政府信息公开 platform whose own 首页 link points to itself, with an
    // old item: not the site's home page.
    files.push((
        "zwgk/index.html".to_string(),
        r#"<!DOCTYPE html><html><head><meta charset="utf-8"><title>政府信息公开_青山镇人民政府</title></head><body>
<ul class="menu"><li><a href="/zwgk/">首页</a></li><li><a href="/zwgk/zfwj/">政府文件</a></li></ul>
<div class="main"><ul><li><a href="/gzdt/201801/t20180105_old.html">青山镇旧闻</a><span>2018-01-05</span></li></ul></div>
</body></html>"#
            .to_string(),
    ));
    files.push((
        "gzdt/201801/t20180105_old.html".to_string(),
        r#"<!DOCTYPE html><html><head><meta charset="utf-8"><title>青山镇旧闻</title></head><body>
<div class="article"><h1>青山镇旧闻</h1><div class="info">发布时间：2018-01-05</div>
<div class="content"><p>青山镇召开年度工作会议。</p></div></div></body></html>"#
            .to_string(),
    ));
    let (card, _) = scorecard(&files, &[]);
    assert_eq!(items(&card)[0], item("site-not-updated", "pass", 0));
}

#[test]
fn a_home_page_with_nothing_dated_is_not_measured_not_passed() {
    let cols: Vec<(&str, &str, &[&str])> = vec![("rsxx", "人事信息", EMPTY)];
    let (card, text) = scorecard(&site(&cols), &[]);
    assert_eq!(items(&card)[0], item("site-not-updated", "unmeasured", 0));
    assert!(text.contains("[无法判断] 网站不更新"), "{text}");
}

#[test]
fn the_overview_names_sites_that_could_not_be_audited() {
    let good = site(&[("gzdt", "工作动态", FRESH)]);
    let owned: Vec<(&str, &str)> = good.iter().map(|(p, c)| (p.as_str(), c.as_str())).collect();
    let dir = site_dir(&owned);
    let out = audit(&[
        "--site",
        path_str(dir.path()),
        "--site",
        "http://127.0.0.1:9/",
        "--as-of",
        AS_OF,
        "--pack",
        "national-2019",
        "--format",
        "scorecard",
        "--retries",
        "0",
    ]);
    assert_eq!(out.status.code(), Some(2));
    let text = String::from_utf8(out.stdout).unwrap();
    let down = text
        .find("http://127.0.0.1:9/")
        .expect("the unreachable site is listed");
    assert!(down < text.find(path_str(dir.path())).unwrap(), "{text}");
    assert!(text.contains("无法审计："), "{text}");
}

#[test]
fn availability_is_the_share_of_failed_visits_kept_in_history() {
    let files = site(&[("gzdt", "工作动态", FRESH)]);
    let owned: Vec<(&str, &str)> = files
        .iter()
        .map(|(p, c)| (p.as_str(), c.as_str()))
        .collect();
    let dir = site_dir(&owned);
    let server = serve_dir(dir.path());
    let tmp = tempfile::tempdir().unwrap();
    let db = tmp.path().join("history.sqlite");
    let run = |site: &str| {
        let mut args = fast_crawl(site, AS_OF);
        args.extend([
            "--pack",
            "national-2019",
            "--history",
            path_str(&db),
            "--fail-on",
            "never",
            "--retries",
            "0",
            "--format",
            "json",
        ]);
        audit(&args)
    };
    let url = server.url("/");
    // Without history the share cannot be measured from one visit.
    let mut one = fast_crawl(&url, AS_OF);
    one.extend(["--pack", "national-2019", "--format", "scorecard"]);
    let text = String::from_utf8(audit(&one).stdout).unwrap();
    assert!(
        text.contains("[not measured] Site unreachable: needs the visits of 7 days"),
        "{text}"
    );
    // Two runs, two visits answered at once: 0 %.
    run(&url);
    let report: Value = serde_json::from_slice(&run(&url).stdout).unwrap();
    assert_eq!(report["probe"]["status"], 200);
    let item = &report["scorecard"]["items"][0];
    assert_eq!(item["id"], "site-unreachable");
    // Two visits are far from 20 a day for a week: shown, not judged.
    assert_eq!(
        (
            item["status"].as_str(),
            item["visits"].as_u64(),
            item["measured"].as_u64()
        ),
        (Some("unmeasured"), Some(2), Some(0))
    );
    // With a site's own measure (one visit a day is enough, and any answer
    // is too slow), the recorded visits fail the site.
    let rules = tempfile::tempdir().unwrap();
    std::fs::write(
        rules.path().join("strict.toml"),
        r#"[[indicator]]
id = "site-unreachable"
name = "站点无法访问"
effect = "veto"
measure = "availability"
window_days = 1
max_seconds = 0
min_visits_per_day = 1
threshold = 5
"#,
    )
    .unwrap();
    let mut strict = fast_crawl(&url, AS_OF);
    strict.extend([
        "--pack",
        "national-2019",
        "--rules",
        path_str(rules.path()),
        "--history",
        path_str(&db),
        "--fail-on",
        "never",
    ]);
    let (report, _) = audit_json(&strict);
    let item = &report["scorecard"]["items"][0];
    assert_eq!(
        (
            item["status"].as_str(),
            item["visits"].as_u64(),
            item["measured"].as_u64()
        ),
        (Some("veto"), Some(3), Some(100))
    );
    assert_eq!(report["scorecard"]["verdict"], "fail");
    // A run that cannot reach its site records a failed visit for it.
    assert_eq!(run("http://127.0.0.1:9/").status.code(), Some(2));
    let conn = rusqlite::Connection::open(&db).unwrap();
    let failed: i64 = conn
        .query_row(
            "SELECT COUNT(*) FROM visits WHERE site = 'http://127.0.0.1:9' AND status = 0",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(failed, 1);
}

#[test]
fn only_top_level_notice_columns_count() {
    // A department's 通知公告 below another column, not linked from the home
    // page: not a 一级栏目, so its 6 months do not count.
    let mut files = site(&[("gzdt", "工作动态", FRESH)]);
    let sub = site(&[("bmtz", "通知公告", &["2018-10-08"])]);
    for (path, html) in sub {
        if path != "index.html" {
            files.push((format!("bm/{path}"), html));
        }
    }
    let (card, _) = scorecard(&files, &[]);
    assert_eq!(items(&card)[1], item("columns-not-updated", "pass", 0));
    // The same column linked from the home page counts.
    let linked = site(&[
        ("gzdt", "工作动态", FRESH),
        ("bmtz", "通知公告", &["2018-10-08"]),
    ]);
    let (card, _) = scorecard(&linked, &[]);
    assert_eq!(items(&card)[1], item("columns-not-updated", "pass", 1));
}

#[test]
fn a_server_error_is_a_failed_visit_and_politeness_is_not_timed() {
    let tmp = tempfile::tempdir().unwrap();
    let db = tmp.path().join("history.sqlite");
    // A gateway answering 503 for everything (robots.txt too): the audit
    // cannot run, and the visit is recorded as failed.
    let down = serve(|_| Reply::status(503));
    let url = down.url("/");
    let mut args = fast_crawl(&url, AS_OF);
    args.extend(["--history", path_str(&db), "--retries", "0"]);
    assert_eq!(audit(&args).status.code(), Some(2));
    let conn = rusqlite::Connection::open(&db).unwrap();
    let key = url.trim_end_matches('/');
    let failed: i64 = conn
        .query_row(
            "SELECT COUNT(*) FROM visits WHERE site = ?1 AND status = 0",
            [key],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(failed, 1);
    // The visit's time is its request's, not the 2 s politeness wait
    // between robots.txt and the start page.
    let files = site(&[("gzdt", "工作动态", FRESH)]);
    let owned: Vec<(&str, &str)> = files
        .iter()
        .map(|(p, c)| (p.as_str(), c.as_str()))
        .collect();
    let dir = site_dir(&owned);
    let up = serve_dir(dir.path());
    let url = up.url("/");
    let (report, _) = audit_json(&[
        "--site",
        &url,
        "--as-of",
        AS_OF,
        "--delay-ms",
        "2000",
        "--max-pages",
        "1",
        "--no-sitemaps",
        "--quiet",
    ]);
    assert_eq!(report["probe"]["status"], 200);
    assert!(
        report["probe"]["millis"].as_u64().unwrap() < 2000,
        "{}",
        report["probe"]
    );
}

#[test]
fn visit_only_runs_add_visits_and_nothing_else() {
    let files = site(&[("gzdt", "工作动态", FRESH)]);
    let owned: Vec<(&str, &str)> = files
        .iter()
        .map(|(p, c)| (p.as_str(), c.as_str()))
        .collect();
    let dir = site_dir(&owned);
    let log = std::sync::Arc::new(std::sync::Mutex::new(Vec::<String>::new()));
    let seen = log.clone();
    let root = dir.path().to_path_buf();
    let server = serve(move |req| {
        if let Ok(mut l) = seen.lock() {
            l.push(req.path().to_string());
        }
        let path = req.path().trim_start_matches('/');
        let file = if path.is_empty() || path.ends_with('/') {
            root.join(path).join("index.html")
        } else {
            root.join(path)
        };
        match std::fs::read(&file) {
            Ok(body) => Reply::ok("text/html; charset=utf-8", body),
            Err(_) => Reply::status(404),
        }
    });
    let url = server.url("/");
    let tmp = tempfile::tempdir().unwrap();
    let db = tmp.path().join("history.sqlite");
    for _ in 0..2 {
        let mut args = fast_crawl(&url, AS_OF);
        args.extend(["--visit-only", "--history", path_str(&db)]);
        let out = audit(&args);
        assert_eq!(out.status.code(), Some(0));
        assert!(String::from_utf8_lossy(&out.stderr).contains("HTTP 200"));
    }
    // robots.txt and the start page, nothing else.
    let asked = log.lock().unwrap().clone();
    assert_eq!(asked, vec!["/robots.txt", "/", "/robots.txt", "/"]);
    let mut args = fast_crawl(&url, AS_OF);
    args.extend([
        "--pack",
        "national-2019",
        "--history",
        path_str(&db),
        "--fail-on",
        "never",
    ]);
    let (report, _) = audit_json(&args);
    assert_eq!(report["scorecard"]["items"][0]["visits"], 3);
    let conn = rusqlite::Connection::open(&db).unwrap();
    let runs: i64 = conn
        .query_row("SELECT COUNT(*) FROM runs", [], |r| r.get(0))
        .unwrap();
    assert_eq!(runs, 1, "visits are not runs");
}

#[test]
fn the_scorecard_json_follows_its_contract() {
    let cols: Vec<(&str, &str, &[&str])> = vec![("gzdt", "工作动态", STALE)];
    let (card, _) = scorecard(&site(&cols), &[]);
    let keys: Vec<&str> = card
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(
        keys,
        [
            "items",
            "pack",
            "pass_score",
            "score",
            "scored",
            "total",
            "verdict",
            "vetoed"
        ]
    );
    assert_eq!(card["pack"], "national-2019");
    assert!(["pass", "fail"].contains(&card["verdict"].as_str().unwrap()));
    assert_eq!(
        (card["total"].as_u64(), card["pass_score"].as_u64()),
        (Some(100), Some(60))
    );
    assert_eq!(card["scored"], false);
    assert!(card["vetoed"].is_array());
    for item in card["items"].as_array().unwrap() {
        for key in [
            "id",
            "name",
            "effect",
            "status",
            "measured",
            "threshold",
            "deduction",
            "findings",
        ] {
            assert!(item.get(key).is_some(), "{key} in {item}");
        }
        assert!(["veto", "deduct"].contains(&item["effect"].as_str().unwrap()));
        assert!(
            ["pass", "deduct", "veto", "unmeasured"].contains(&item["status"].as_str().unwrap())
        );
        assert!(
            item["findings"]
                .as_array()
                .unwrap()
                .iter()
                .all(Value::is_string)
        );
    }
}

//! Reading pages as a reader sees them (`fixtures/reading`, traps listed in
//! its README): visible values win over meta tags, attributes, comments and
//! hidden blocks; a sidebar's newer items are not the column's; links resolve
//! against `<base href>`; missing images and frames are named as such; and
//! `audit inspect` shows each of these, over HTTP and in directory mode.

mod common;

use common::{audit, audit_json, fast_crawl, path_str, root, serve_dir, url_path};
use serde_json::Value;

const AS_OF: &str = "2024-03-20";
const BASE: &str = "http://www.baisha.gov.cn/";

fn site() -> std::path::PathBuf {
    root().join("fixtures/reading")
}

/// (kind, page path, target path) of every finding, sorted.
fn findings(report: &Value) -> Vec<(String, String, String)> {
    let path = |v: &Value| url_path(v.as_str().unwrap_or(""));
    let mut v: Vec<_> = report["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .map(|f| {
            (
                f["kind"].as_str().unwrap_or("").to_string(),
                path(&f["url"]),
                path(&f["target"]),
            )
        })
        .collect();
    v.sort();
    v
}

fn expected() -> Vec<(String, String, String)> {
    let mut v: Vec<(String, String, String)> = [
        // The column's own newest item is 2024-03-11; the sidebar's 2024-03-18 is another column's.
        ("freshness", "/xwdt/", ""),
        // `<img src="img/banner.png">` under `<base href="/static/">`.
        (
            "broken-link",
            "/xwdt/202403/t20240311_101.html",
            "/static/img/banner.png",
        ),
        (
            "broken-link",
            "/xwdt/202403/t20240305_102.html",
            "/embed/map.html",
        ),
        // PubDate 2023-11-02 against the visible 发布时间 2024-03-11; the
        // stale alt="来源：…" beside the visible 来源 is no mismatch, nor are
        // t20240305_102's tags that agree in another form.
        ("metadata-mismatch", "/xwdt/202403/t20240311_101.html", ""),
    ]
    .iter()
    .map(|(a, b, c)| (a.to_string(), b.to_string(), c.to_string()))
    .collect();
    v.sort();
    v
}

#[test]
fn the_traps_give_exactly_the_planted_findings_in_a_directory() {
    let (report, out) = audit_json(&[
        "--site",
        path_str(&site()),
        "--base-url",
        BASE,
        "--as-of",
        AS_OF,
    ]);
    assert!(
        out.status.code().is_some_and(|c| c <= 1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(findings(&report), expected(), "{report:#}");
    // Findings name what is missing: an image, a frame.
    let messages: Vec<&str> = report["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter(|f| f["kind"] == "broken-link")
        .filter_map(|f| f["message"].as_str())
        .collect();
    assert!(messages.iter().any(|m| m.contains("图片")), "{messages:?}");
    assert!(messages.iter().any(|m| m.contains("框架")), "{messages:?}");
}

#[test]
fn the_traps_give_the_same_findings_over_http() {
    let server = serve_dir(site());
    let url = server.url("/");
    let mut args = fast_crawl(&url, AS_OF);
    args.extend(["--format", "json"]);
    let out = audit(&args);
    let report: Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&out.stderr)));
    assert_eq!(findings(&report), expected(), "{report:#}");
}

fn inspect(args: &[&str]) -> Value {
    let mut all = vec!["inspect"];
    all.extend(args);
    all.extend(["--format", "json"]);
    let out = audit(&all);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("inspect JSON")
}

/// The candidates of `field` as (origin, value, set_aside).
fn candidates(v: &Value, field: &str) -> Vec<(String, String, String)> {
    v["fields"][field]
        .as_array()
        .map(|a| {
            a.iter()
                .map(|c| {
                    let s = |k: &str| c[k].as_str().unwrap_or("").to_string();
                    (s("origin"), s("value"), s("set_aside"))
                })
                .collect()
        })
        .unwrap_or_default()
}

#[test]
fn inspect_over_http_sets_aside_what_no_reader_sees() {
    let server = serve_dir(site());
    let url = server.url("/xwdt/202403/t20240305_102.html");
    // Reading a page does not depend on the date: inspect takes no --as-of.
    let v = inspect(&[&url, "--delay-ms", "0"]);
    assert_eq!(v["status"], 200);
    assert_eq!(v["kind"], "article");
    assert_eq!(v["publish_date"], "2024-03-05");
    assert_eq!(v["source"], "白沙镇团委");
    assert_eq!(v["column"], "新闻动态");
    // 成文日期 is only in an HTML comment: no written date, and the comment is shown set aside.
    assert!(v["document_date"].is_null(), "{v:#}");
    let written = candidates(&v, "document_date");
    assert!(
        written.contains(&("comment".into(), "2024-01-08".into(), "comment".into())),
        "{written:?}"
    );
    // The hidden 来源 block is set aside as hidden.
    let sources = candidates(&v, "source");
    assert_eq!(sources[0].0, "label", "{sources:?}");
    assert!(
        sources.contains(&("hidden".into(), "白沙镇宣传办".into(), "hidden".into())),
        "{sources:?}"
    );
}

#[test]
fn inspect_in_a_directory_reads_tables_bases_and_sidebars() {
    let file = |p: &str| site().join(p).to_string_lossy().into_owned();
    // The information table's only date is 生成日期: neither the written nor
    // the publish date; 发布时间 is its own row.
    let v = inspect(&[
        &file("xwdt/202403/t20240301_103.html"),
        "--base-url",
        BASE,
        "--site",
        &file(""),
    ]);
    assert_eq!(
        v["url"],
        "http://www.baisha.gov.cn/xwdt/202403/t20240301_103.html"
    );
    assert_eq!(v["publish_date"], "2024-03-01");
    assert!(v["document_date"].is_null(), "{v:#}");
    assert_eq!(v["source"], "白沙镇党政办");

    // The visible date wins over PubDate; the alt text's 来源 is set aside as an attribute.
    let v = inspect(&[
        &file("xwdt/202403/t20240311_101.html"),
        "--base-url",
        BASE,
        "--site",
        &file(""),
    ]);
    assert_eq!(v["publish_date"], "2024-03-11");
    let dates = candidates(&v, "publish_date");
    assert!(
        dates.contains(&("meta".into(), "2023-11-02".into(), "lower_priority".into())),
        "{dates:?}"
    );
    let sources = candidates(&v, "source");
    assert!(
        sources.contains(&(
            "attribute".into(),
            "白沙镇党政办".into(),
            "attribute".into()
        )),
        "{sources:?}"
    );
    assert_eq!(v["base"], "http://www.baisha.gov.cn/static/");

    // The column's list is its three own items; the 热点信息 box is set aside.
    let v = inspect(&[
        &file("xwdt/index.html"),
        "--base-url",
        BASE,
        "--site",
        &file(""),
    ]);
    assert_eq!(v["kind"], "list");
    assert_eq!(v["list"]["count"], 3, "{v:#}");
    let groups = v["list"]["groups"].as_array().expect("groups");
    assert!(
        groups
            .iter()
            .any(|g| g["heading"] == "热点信息" && !g["set_aside"].is_null()),
        "{groups:?}"
    );
}

#[test]
fn inspect_text_is_worded_for_the_reader() {
    let file = site().join("xwdt/202403/t20240305_102.html");
    let dir = site();
    let out = audit(&[
        "inspect",
        path_str(&file),
        "--base-url",
        BASE,
        "--site",
        path_str(&dir),
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("发布日期：2024-03-05"), "{text}");
    assert!(text.contains("在 HTML 注释中"), "{text}");
    // Our Chinese keeps to full-width punctuation: no `: ` after a Chinese word.
    for line in text.lines() {
        let chars: Vec<char> = line.chars().collect();
        for w in chars.windows(2) {
            let cjk = ('\u{4e00}'..='\u{9fff}').contains(&w[0]);
            assert!(
                !(cjk && matches!(w[1], ':' | ',' | ';' | '(')),
                "half-width after Chinese: {line}"
            );
        }
    }
    let en = audit(&[
        "inspect",
        path_str(&file),
        "--base-url",
        BASE,
        "--site",
        path_str(&dir),
        "--lang",
        "en",
    ]);
    let text = String::from_utf8_lossy(&en.stdout);
    assert!(text.contains("Publish date: 2024-03-05"), "{text}");
    assert!(text.contains("inside an HTML comment"), "{text}");
}

#[test]
fn what_to_fix_first_opens_the_list() {
    let dir = site();
    let args = [
        "--site",
        path_str(&dir),
        "--base-url",
        BASE,
        "--as-of",
        AS_OF,
    ];
    // JSON: ordered as they should be fixed, the error due in 3 days first.
    let (report, _) = audit_json(&args);
    let kinds: Vec<&str> = report["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .map(|f| f["kind"].as_str().unwrap_or(""))
        .collect();
    assert_eq!(kinds[0], "freshness", "{kinds:?}");
    let severities: Vec<&str> = report["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .map(|f| f["severity"].as_str().unwrap_or(""))
        .collect();
    let mut sorted = severities.clone();
    sorted.sort_by_key(|s| ["error", "warning", "info"].iter().position(|x| x == s));
    assert_eq!(severities, sorted, "most serious first");
    // Text and md open with the block of what to fix first.
    let out = audit(&args);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("【先改这些（1 项）】\n  1. [错误] 栏目「新闻动态」已9天未更新"),
        "{text}"
    );
    let mut md_args = args.to_vec();
    md_args.extend(["--format", "md"]);
    let md = String::from_utf8_lossy(&audit(&md_args).stdout).into_owned();
    assert!(md.contains("### 先改这些（1 项）"), "{md}");
    assert!(
        md.contains("| 整改建议 |"),
        "the md table keeps the fix column: {md}"
    );
    let mut html_args = args.to_vec();
    html_args.extend(["--format", "html"]);
    let html = String::from_utf8_lossy(&audit(&html_args).stdout).into_owned();
    assert!(
        html.contains("<section class=\"first\"><h2>先改这些（1 项）</h2>"),
        "{html}"
    );
    // The workbook opens with a 先改这些 sheet; the 整改清单 sheet keeps its columns.
    let tmp = tempfile::tempdir().expect("a temporary directory");
    let xlsx = tmp.path().join("report.xlsx");
    let mut xlsx_args = args.to_vec();
    xlsx_args.extend(["--format", "xlsx", "-q", "--output", path_str(&xlsx)]);
    audit(&xlsx_args);
    use calamine::{Data, Reader, Xlsx, open_workbook_from_rs};
    let bytes = std::fs::read(&xlsx).expect("the workbook");
    let mut wb: Xlsx<_> = open_workbook_from_rs(std::io::Cursor::new(bytes)).expect("xlsx");
    assert_eq!(wb.sheet_names(), ["先改这些", "整改清单", "汇总"]);
    let first = wb.worksheet_range("先改这些").expect("first sheet");
    let cell = |r: usize, c: usize| first.get((r, c)).map(|d| d.to_string()).unwrap_or_default();
    assert_eq!(cell(0, 0), "先改这些（1 项）");
    let header: Vec<String> = (0..first.width()).map(|c| cell(1, c)).collect();
    assert_eq!(
        header,
        [
            "序号",
            "严重程度",
            "问题描述",
            "整改建议",
            "整改期限",
            "页面标题",
            "页面地址"
        ]
    );
    assert_eq!(first.height(), 3, "the heading, the header, one finding");
    assert_eq!(
        first.get((2, 0)),
        Some(&Data::Float(1.0)),
        "its number in 整改清单"
    );
    assert_eq!(cell(2, 1), "错误");
    assert!(
        cell(2, 2).starts_with("栏目「新闻动态」已9天未更新"),
        "{}",
        cell(2, 2)
    );
    let list = wb.worksheet_range("整改清单").expect("list sheet");
    assert_eq!(list.get((0, 0)), Some(&Data::String("序号".into())));
    assert_eq!(list.get((1, 6)).map(|d| d.to_string()), Some(cell(2, 2)));
}

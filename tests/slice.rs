//! The vertical slice end to end: the demo site in directory mode and over
//! HTTP, the three timeliness limits, metadata, rule-file errors, exit codes.

mod common;

use common::*;
use serde_json::Value;

const AS_OF: &str = "2019-03-20";
const SLICE_KINDS: &[&str] = &["freshness", "publish-lag", "missing-metadata"];

fn demo_json(extra: &[&str]) -> Value {
    demo_json_at(AS_OF, extra)
}

fn demo_json_at(as_of: &str, extra: &[&str]) -> Value {
    let demo = demo_site();
    let mut args = vec!["--site", path_str(&demo), "--as-of", as_of, "--quiet"];
    args.extend(extra);
    audit_json(&args).0
}

fn findings(report: &Value) -> Vec<Value> {
    report["findings"].as_array().cloned().unwrap_or_default()
}

/// (kind, path of url) of the slice's kinds, sorted.
fn slice_findings(report: &Value) -> Vec<(String, String, String)> {
    let mut v: Vec<_> = findings(report)
        .into_iter()
        .filter(|f| SLICE_KINDS.contains(&f["kind"].as_str().unwrap_or("")))
        .map(|f| {
            let url = f["url"].as_str().unwrap_or("").to_string();
            let path = url::Url::parse(&url)
                .map(|u| u.path().to_string())
                .unwrap_or(url);
            (
                f["kind"].as_str().unwrap_or("").to_string(),
                f["rule"].as_str().unwrap_or("").to_string(),
                path,
            )
        })
        .collect();
    v.sort();
    v
}

#[test]
fn demo_site_findings_match_the_fixture_notes() {
    let report = demo_json(&[]);
    let got = slice_findings(&report);
    let want: Vec<(String, String, String)> = [
        ("freshness", "image-news-biweekly", "/tpxw/"),
        // The 28-day gap of 2018-12-28 → 2019-01-25; the newest item, exactly 7 days old, is silent.
        ("freshness", "news-weekly", "/gzdt/"),
        (
            "missing-metadata",
            "article-publish-date",
            "/tzgg/201901/t20190111_1117.html",
        ),
        (
            "missing-metadata",
            "article-source",
            "/gzdt/201902/t20190219_1148.html",
        ),
        (
            "missing-metadata",
            "article-source",
            "/ndbg/201903/t20190314_1172.html",
        ),
        (
            "publish-lag",
            "policy-publish-15d",
            "/zcwj/201901/t20190102_1112.html",
        ),
        (
            "publish-lag",
            "policy-publish-15d",
            "/zcwj/201902/t20190210_1137.html",
        ),
    ]
    .iter()
    .map(|(a, b, c)| (a.to_string(), b.to_string(), c.to_string()))
    .collect();
    assert_eq!(got, want);

    let all = findings(&report);
    let news: Vec<_> = all.iter().filter(|f| f["rule"] == "news-weekly").collect();
    assert_eq!(news.len(), 1);
    assert!(
        news[0]["message"].as_str().unwrap().contains("2018-12-28"),
        "{}",
        news[0]
    );
    let tpxw = all
        .iter()
        .find(|f| f["rule"] == "image-news-biweekly")
        .unwrap();
    assert!(tpxw["message"].as_str().unwrap().contains("23"), "{tpxw}");
    assert_eq!(
        tpxw["evidence"].as_str().unwrap().get(..10),
        Some("2019-02-25")
    );
    // The near-miss published on day 15 stays silent.
    assert!(!all.iter().any(
        |f| f["url"].as_str().unwrap().ends_with("t20190216_1145.html")
            && f["kind"] == "publish-lag"
    ));
    let empty_source = all
        .iter()
        .find(|f| {
            f["url"].as_str().unwrap().ends_with("t20190314_1172.html")
                && f["rule"] == "article-source"
        })
        .unwrap();
    assert_eq!(empty_source["evidence"].as_str(), Some("来源:  点击:"));
}

#[test]
fn json_follows_the_contract() {
    let report = demo_json(&[]);
    assert_eq!(report["tool"]["name"], "disclosure-audit");
    assert!(report["tool"]["version"].is_string());
    assert_eq!(report["as_of"], AS_OF);
    assert!(report["site"].is_string());
    let s = &report["summary"];
    assert!(s["pages"].as_u64().unwrap() >= 30);
    let n = findings(&report).len() as u64;
    assert_eq!(s["findings"].as_u64(), Some(n));
    let by_sev: u64 = ["error", "warning", "info"]
        .iter()
        .map(|k| s["by_severity"][k].as_u64().unwrap())
        .sum();
    assert_eq!(by_sev, n);
    let by_kind: u64 = s["by_kind"]
        .as_object()
        .unwrap()
        .values()
        .map(|v| v.as_u64().unwrap())
        .sum();
    assert_eq!(by_kind, n);
    for f in findings(&report) {
        for key in [
            "id", "rule", "kind", "severity", "url", "title", "column", "message", "evidence",
            "fix", "due", "target",
        ] {
            assert!(f.get(key).is_some(), "finding lacks `{key}`: {f}");
        }
        assert!(["error", "warning", "info"].contains(&f["severity"].as_str().unwrap()));
        assert_eq!(f["id"].as_str().unwrap().len(), 16);
    }
}

#[test]
fn ids_are_stable_across_audit_dates() {
    let a = demo_json(&[]);
    let b = demo_json_at("2019-03-25", &[]);
    let id = |r: &Value, rule: &str| {
        findings(r)
            .into_iter()
            .find(|f| f["rule"] == rule)
            .map(|f| f["id"].as_str().unwrap().to_string())
    };
    // The message changes (23 → 28 days), the id does not.
    assert_eq!(id(&a, "image-news-biweekly"), id(&b, "image-news-biweekly"));
    assert!(id(&a, "image-news-biweekly").is_some());
}

#[test]
fn http_and_directory_audits_agree() {
    let server = serve_dir(demo_site());
    let base = server.url("/");
    let demo = demo_site();
    let (dir, _) = audit_json(&[
        "--site",
        path_str(&demo),
        "--base-url",
        &base,
        "--as-of",
        AS_OF,
        "--quiet",
    ]);
    // Politeness off: the test server is ours, and the default 500 ms per request only slows the test.
    let (http, out) = audit_json(&[
        "--site",
        &base,
        "--as-of",
        AS_OF,
        "--quiet",
        "--delay-ms",
        "0",
    ]);
    assert!(
        out.status.code() == Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let d = kind_urls(&dir);
    assert!(!d.is_empty());
    assert_eq!(d, kind_urls(&http));
    assert_eq!(dir["summary"]["pages"], http["summary"]["pages"]);
}

/// A page in the layout of a real annual report: signed 2019年3月6日, published
/// 2019年03月14日 (8 days later), with an empty 来源.
fn seed_layout_site() -> tempfile::TempDir {
    let page = r#"<!DOCTYPE html><html><head><meta charset="utf-8"><title>2018年青石街道政府信息公开工作年度报告</title></head>
<body><div class="top"><a href="../index.html">首页</a></div>
<div class="crumb">当前位置：<a href="../index.html">首页</a> &gt; <a href="index.html">政府信息公开年报</a></div>
<div class="main"><h2>2018年青石街道政府信息公开工作年度报告</h2>
<div class="info">发布时间:2019年03月14日&nbsp;&nbsp;&nbsp;来源:&nbsp;&nbsp;&nbsp;点击:</div>
<div class="content">
<p>2018年，青石街道按照区政府的统一部署，扎实推进政务公开工作，现将年度报告公布如下。</p>
<p>一、总体情况</p><p>全年主动公开政务动态信息48条，服务指南12条。</p>
<p>二、主动公开政府信息情况</p><p>动态信息更新频率保持在一周以内，图片新闻在两周以内。</p>
<p>青石街道办事处</p><p>2019年3月6日</p>
</div>
<p>上一篇:<a href="t20180320_1.html">2017年青石街道政府信息公开工作年度报告</a></p><p>下一篇:最后一页</p>
</div></body></html>"#;
    let list = r#"<html><head><meta charset="utf-8"><title>政府信息公开年报</title></head><body>
<div>当前位置：<a href="../index.html">首页</a> &gt; 政府信息公开年报</div>
<ul><li><a href="t20190314_2.html">2018年青石街道政府信息公开工作年度报告</a><span>2019-03-14</span></li>
<li><a href="t20180320_1.html">2017年青石街道政府信息公开工作年度报告</a><span>2018-03-20</span></li></ul></body></html>"#;
    let old = page
        .replace("2018年青石", "2017年青石")
        .replace("2019年03月14日", "2018年03月20日")
        .replace("2019年3月6日", "2018年3月16日")
        .replace("来源:&nbsp;", "来源:青石街道办事处&nbsp;");
    site_dir(&[
        (
            "index.html",
            "<html><body><a href=\"ndbg/index.html\">年报</a></body></html>",
        ),
        ("ndbg/index.html", list),
        ("ndbg/t20190314_2.html", page),
        ("ndbg/t20180320_1.html", &old),
    ])
}

fn lag_rules(max_days: u32) -> tempfile::TempDir {
    site_dir(&[(
        "lag.toml",
        &format!(
            r#"[[rule]]
id = "report-lag"
kind = "publish-lag"
category = "annual-report"
severity = "error"
max_days = {max_days}
message = "「{{title}}」相隔{{lag_days}}天"
"#
        ),
    )])
}

#[test]
fn seed_layout_publish_lag_and_empty_source() {
    let site = seed_layout_site();
    for (max_days, want) in [(15, 0), (8, 0), (7, 1), (5, 1)] {
        let rules = lag_rules(max_days);
        let (report, _) = audit_json(&[
            "--site",
            path_str(site.path()),
            "--rules",
            path_str(rules.path()),
            "--as-of",
            "2019-03-20",
        ]);
        let lags: Vec<_> = findings(&report)
            .into_iter()
            .filter(|f| f["rule"] == "report-lag")
            .collect();
        assert_eq!(lags.len(), want, "max_days = {max_days}: {lags:?}");
        if want == 1 {
            assert!(
                lags[0]["url"]
                    .as_str()
                    .unwrap()
                    .ends_with("/ndbg/t20190314_2.html")
            );
            assert_eq!(
                lags[0]["message"],
                "「2018年青石街道政府信息公开工作年度报告」相隔8天"
            );
        }
        let sources: Vec<_> = findings(&report)
            .into_iter()
            .filter(|f| f["rule"] == "article-source")
            .collect();
        assert_eq!(sources.len(), 1, "{sources:?}");
        assert!(
            sources[0]["url"]
                .as_str()
                .unwrap()
                .ends_with("/ndbg/t20190314_2.html")
        );
        assert_eq!(sources[0]["evidence"], "来源:  点击:");
    }
}

#[test]
fn a_misspelt_rule_key_exits_2_naming_file_line_and_key() {
    let rules = site_dir(&[(
        "bad.toml",
        "# a comment\n[[rule]]\nid = \"x\"\nkind = \"freshness\"\ncategory = \"news\"\nseverity = \"error\"\nmax_dayz = 7\nmessage = \"m\"\n",
    )]);
    let demo = demo_site();
    let out = audit(&[
        "--site",
        path_str(&demo),
        "--rules",
        path_str(rules.path()),
        "--as-of",
        AS_OF,
    ]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(err.trim().lines().count(), 1, "{err}");
    assert!(err.contains("bad.toml:7:"), "{err}");
    assert!(err.contains("max_dayz"), "{err}");
    assert!(out.stdout.is_empty());
}

#[test]
fn bad_rule_files_name_what_to_change() {
    let cases: &[(&str, &str)] = &[
        (
            "[[rule]]\nid = \"x\"\nkind = \"freshnes\"\nseverity = \"error\"\nmessage = \"m\"\n",
            "unknown rule kind `freshnes`",
        ),
        (
            "[[rule]]\nid = \"x\"\nkind = \"freshness\"\ncategory = \"nosuch\"\nseverity = \"error\"\nmax_days = 7\nmessage = \"m\"\n",
            "category `nosuch`",
        ),
        (
            "[[rule]]\nid = \"x\"\nkind = \"freshness\"\ncategory = \"news\"\nseverity = \"error\"\nmax_days = -7\nmessage = \"m\"\n",
            "0 or more",
        ),
        (
            "[[rule]]\nid = \"x\"\nkind = \"freshness\"\ncategory = \"news\"\nseverity = \"error\"\nmax_days = 7\nmessage = \"{colum}\"\n",
            "unknown placeholder `{colum}`",
        ),
        (
            "[[rule]]\nid = \"x\"\nkind = \"freshness\"\ncategory = \"news\"\nseverity = \"fatal\"\nmax_days = 7\nmessage = \"m\"\n",
            "severity",
        ),
        ("[[rule]\nid = 1\n", "invalid TOML"),
    ];
    let demo = demo_site();
    for (text, want) in cases {
        let rules = site_dir(&[("r.toml", text)]);
        let out = audit(&[
            "--site",
            path_str(&demo),
            "--rules",
            path_str(rules.path()),
            "--as-of",
            AS_OF,
        ]);
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{text}: {err}");
        assert!(
            err.contains("r.toml:") && err.contains(want),
            "{text}: {err}"
        );
    }
}

#[test]
fn exit_codes_follow_fail_on() {
    let demo = demo_site();
    let d = path_str(&demo);
    let code = |extra: &[&str]| {
        let mut args = vec!["--site", d, "--as-of", AS_OF, "--quiet"];
        args.extend(extra);
        audit(&args).status.code()
    };
    assert_eq!(code(&[]), Some(1));
    assert_eq!(code(&["--fail-on", "never"]), Some(0));
    assert_eq!(code(&["--as-of", "2019-02-30"]), Some(2));
    assert_eq!(code(&["--fail-on", "sometimes"]), Some(2));
    assert_eq!(
        audit(&["--site", "/nonexistent/site", "--as-of", AS_OF])
            .status
            .code(),
        Some(2)
    );
    // A port nobody listens on: bind one, learn it, close it.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let url = format!("http://127.0.0.1:{port}/");
    let out = audit(&["--site", &url, "--as-of", AS_OF, "--timeout-s", "2"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("unreachable"));

    let clean = site_dir(&[("index.html", "<html><body><p>首页</p></body></html>")]);
    assert_eq!(
        audit(&["--site", path_str(clean.path()), "--as-of", AS_OF])
            .status
            .code(),
        Some(0)
    );
}

#[test]
fn output_file_and_text_report() {
    let demo = demo_site();
    let dir = tempfile::tempdir().unwrap();
    let out_file = dir.path().join("report.txt");
    let out = audit(&[
        "--site",
        path_str(&demo),
        "--as-of",
        AS_OF,
        "--output",
        path_str(&out_file),
    ]);
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stdout.is_empty());
    let text = std::fs::read_to_string(&out_file).unwrap();
    assert!(text.starts_with("整改清单"), "{text}");
    assert!(text.contains("【图片新闻】"));
    assert!(text.contains("栏目「图片新闻」已23天未更新"));
    // The summary ends the report, followed only by its count of records.
    let mut tail = text.lines().rev();
    assert!(tail.next().unwrap().starts_with("其中 3 项"), "{text}");
    assert!(tail.next().unwrap().starts_with("共检查"), "{text}");
    let en = audit(&["--site", path_str(&demo), "--as-of", AS_OF, "--lang", "en"]);
    let en = String::from_utf8_lossy(&en.stdout);
    assert!(en.contains("has not been updated for 23 days"), "{en}");
}

#[test]
fn per_page_limits_can_be_set_by_flag_and_are_noted() {
    let links: String = (0..50)
        .map(|i| format!("<a href=\"p{i}.html\">第{i}篇</a>"))
        .collect();
    let site = site_dir(&[("index.html", &format!("<html><body>{links}</body></html>"))]);
    let (report, out) = audit_json(&[
        "--site",
        path_str(site.path()),
        "--as-of",
        AS_OF,
        "--lang",
        "en",
        "--max-links-per-page",
        "10",
        "--fail-on",
        "never",
    ]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let notes = report["notes"].to_string();
    assert!(
        notes.contains("max_links") && notes.contains("10"),
        "{notes}"
    );
    let (report, _) = audit_json(&[
        "--site",
        path_str(site.path()),
        "--as-of",
        AS_OF,
        "--lang",
        "en",
    ]);
    assert!(!report["notes"].to_string().contains("max_links"));
}

#[cfg(unix)]
#[test]
fn directory_mode_never_reads_outside_its_root() {
    let outside = site_dir(&[(
        "secret.html",
        "<html><body><h1>外部文件</h1><p>发布时间:2019年03月01日 来源:</p></body></html>",
    )]);
    let site = site_dir(&[(
        "index.html",
        "<html><body><a href=\"leak.html\">链接</a></body></html>",
    )]);
    std::os::unix::fs::symlink(
        outside.path().join("secret.html"),
        site.path().join("leak.html"),
    )
    .unwrap();
    std::os::unix::fs::symlink(outside.path(), site.path().join("leakdir")).unwrap();
    let (report, _) = audit_json(&[
        "--site",
        path_str(site.path()),
        "--as-of",
        AS_OF,
        "--lang",
        "en",
        "--fail-on",
        "never",
    ]);
    let text = report.to_string();
    assert!(!text.contains("外部文件"), "{text}");
    let notes = report["notes"].to_string();
    assert!(
        notes.contains("leak.html") && notes.contains("leakdir"),
        "{notes}"
    );
}

/// Only the policy rule, so that the exit code depends on its records alone.
fn policy_rules_only() -> tempfile::TempDir {
    policy_rules_with("record_window_days = 30\n")
}

/// The policy rule alone, with `window` (a `record_window_days` line, or nothing).
fn policy_rules_with(window: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for f in ["categories.toml", "extract.toml", "report.toml"] {
        std::fs::copy(root().join("rules").join(f), dir.path().join(f)).unwrap();
    }
    std::fs::write(
        dir.path().join("policy.toml"),
        format!(
            r#"[[rule]]
id = "policy-publish-15d"
kind = "publish-lag"
category = "policy"
severity = "error"
max_days = 15
{window}message = "「{{title}}」成文于{{document_date}}，{{publish_date}}才发布"
"#
        ),
    )
    .unwrap();
    dir
}

#[test]
fn late_publications_are_records_that_fail_only_while_recent() {
    let rules = policy_rules_only();
    let run = |as_of: &str| {
        let demo = demo_site();
        audit_json(&[
            "--site",
            path_str(&demo),
            "--as-of",
            as_of,
            "--quiet",
            "--no-default-rules",
            "--rules",
            path_str(rules.path()),
            "--fail-on",
            "error",
        ])
    };
    // Published 2019-01-02 and 2019-02-10: both more than 30 days before the
    // audit date, so the audit passes although both are errors.
    let (report, out) = run("2019-03-20");
    assert_eq!(report["summary"]["records"], 2, "{report}");
    for f in findings(&report) {
        assert!(f["due"].is_null(), "{f}");
        assert_eq!(f["record"]["recent"], false, "{f}");
    }
    assert_eq!(out.status.code(), Some(0));
    // Five days after the second publication it is recent and fails.
    let (report, out) = run("2019-02-15");
    let recent: Vec<_> = findings(&report)
        .into_iter()
        .filter(|f| f["record"]["recent"] == true)
        .collect();
    assert_eq!(recent.len(), 1, "{report}");
    assert_eq!(recent[0]["record"]["occurred"], "2019-02-10");
    assert_eq!(out.status.code(), Some(1));
    // A rule without a window: its records fail like any finding.
    let rules = policy_rules_with("");
    let demo = demo_site();
    let (report, out) = audit_json(&[
        "--site",
        path_str(&demo),
        "--as-of",
        "2019-03-20",
        "--quiet",
        "--no-default-rules",
        "--rules",
        path_str(rules.path()),
    ]);
    assert!(
        findings(&report)
            .iter()
            .all(|f| f["record"]["recent"] == true),
        "{report}"
    );
    assert_eq!(out.status.code(), Some(1));
}

#[test]
fn records_come_after_the_to_dos_in_their_own_section() {
    let report = demo_json(&[]);
    let all = findings(&report);
    let first_record = all.iter().position(|f| !f["record"].is_null()).unwrap();
    assert!(all[first_record..].iter().all(|f| !f["record"].is_null()));
    assert_eq!(report["summary"]["records"], all.len() - first_record);
    // A gap in the past is a record; the column's current staleness is a to-do.
    let gap = all
        .iter()
        .find(|f| f["rule"] == "news-weekly" && f["message"].as_str().unwrap().contains("之间"))
        .unwrap();
    assert_eq!(gap["record"]["occurred"], "2019-01-25", "{gap}");
    let demo = demo_site();
    let text =
        String::from_utf8(audit(&["--site", path_str(&demo), "--as-of", AS_OF, "--quiet"]).stdout)
            .unwrap();
    let section = text.find("已无法整改的记录（3 项").unwrap();
    assert!(text[section..].contains("policy-publish-15d"), "{text}");
    assert!(!text[..section].contains("policy-publish-15d"), "{text}");
    assert!(text.contains("其中 3 项是已无法整改的记录。"), "{text}");
}

//! `--baseline` and `--history` on a copy of the demo site that an editor
//! fixes (and breaks) between runs.

mod common;

use std::path::Path;
use std::process::{Command, Output};

use common::{demo_site, root};

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("mkdir");
    for entry in std::fs::read_dir(from).expect("read dir") {
        let entry = entry.expect("entry");
        let target = to.join(entry.file_name());
        if entry.file_type().expect("type").is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).expect("copy");
        }
    }
}

fn edit(site: &Path, file: &str, from: &str, to: &str) {
    let path = site.join(file);
    let text = std::fs::read_to_string(&path).expect("read page");
    assert!(text.contains(from), "{file} must contain {from:?}");
    std::fs::write(&path, text.replacen(from, to, 1)).expect("write page");
}

fn run(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_audit"))
        .current_dir(root())
        .args(args)
        .output()
        .expect("run the audit binary")
}

fn json(o: &Output) -> serde_json::Value {
    serde_json::from_slice(&o.stdout)
        .unwrap_or_else(|e| panic!("not JSON ({e}): {}", String::from_utf8_lossy(&o.stderr)))
}

fn s(p: &Path) -> &str {
    p.to_str().expect("utf-8 path")
}

const NO_DATE_PAGE: &str = "tzgg/201901/t20190111_1117.html";
const NO_DATE_LINE: &str = "<div class=\"info\">来源:云溪街道办事处";
const DATED_LINE: &str =
    "<div class=\"info\">发布时间:2019年01月11日&nbsp;&nbsp;&nbsp;来源:云溪街道办事处";

#[test]
fn fixing_one_page_gives_one_fixed_and_the_rest_persisting() {
    let tmp = tempfile::tempdir().expect("tmp");
    let site = tmp.path().join("site");
    copy_dir(&demo_site(), &site);
    let base = tmp.path().join("before.json");

    let first = run(&[
        "--site",
        s(&site),
        "--as-of",
        "2019-03-20",
        "-q",
        "--format",
        "json",
    ]);
    assert_eq!(first.status.code(), Some(1));
    std::fs::write(&base, &first.stdout).expect("write baseline");
    let before = json(&first);
    let n = before["findings"].as_array().expect("findings").len();
    assert!(
        before["findings"][0].get("status").is_none(),
        "no status without a baseline"
    );
    assert!(before.get("fixed").is_none());
    let fixed_id = before["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .find(|f| {
            f["url"].as_str().is_some_and(|u| u.ends_with(NO_DATE_PAGE))
                && f["kind"] == "missing-metadata"
        })
        .map(|f| f["id"].clone())
        .expect("the page without a date is reported");

    edit(&site, NO_DATE_PAGE, NO_DATE_LINE, DATED_LINE);
    let args = [
        "--site",
        s(&site),
        "--as-of",
        "2019-03-20",
        "-q",
        "--format",
        "json",
        "--baseline",
        s(&base),
        "--fail-on",
        "new",
    ];
    let second = run(&args);
    let after = json(&second);
    assert_eq!(
        second.status.code(),
        Some(0),
        "nothing new: --fail-on new passes"
    );
    let findings = after["findings"].as_array().expect("findings");
    assert_eq!(findings.len(), n - 1);
    assert!(
        findings.iter().all(|f| f["status"] == "persisting"),
        "{findings:#?}"
    );
    let fixed = after["fixed"].as_array().expect("fixed array");
    assert_eq!(fixed.len(), 1);
    assert_eq!(fixed[0]["id"], fixed_id);
    assert_eq!(after["summary"]["fixed"], 1);
    assert_eq!(after["summary"]["new"], 0);
    assert_eq!(after["summary"]["persisting"], n - 1);

    // The same run still fails on errors by default: old debt is still debt.
    let mut default_args = args.to_vec();
    default_args.truncate(args.len() - 2);
    assert_eq!(run(&default_args).status.code(), Some(1));

    // A new problem (a source label removed) fails --fail-on new.
    edit(
        &site,
        "gzdt/201903/t20190301_1157.html",
        "&nbsp;&nbsp;&nbsp;来源:云溪街道办事处",
        "",
    );
    let third = run(&args);
    assert_eq!(third.status.code(), Some(1));
    let v = json(&third);
    let new: Vec<_> = v["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter(|f| f["status"] == "new")
        .collect();
    assert_eq!(new.len(), 1, "{new:#?}");
    assert!(
        new[0]["url"]
            .as_str()
            .is_some_and(|u| u.ends_with("t20190301_1157.html"))
    );

    // Text, CSV and HTML carry the comparison too.
    let text = run(&[
        "--site",
        s(&site),
        "--as-of",
        "2019-03-20",
        "-q",
        "--baseline",
        s(&base),
    ]);
    let text = String::from_utf8_lossy(&text.stdout);
    assert!(
        text.contains("（新增）") && text.contains("【已整改】"),
        "{text}"
    );
    let csv = run(&[
        "--site",
        s(&site),
        "--as-of",
        "2019-03-20",
        "-q",
        "--format",
        "csv",
        "--baseline",
        s(&base),
    ]);
    assert!(
        String::from_utf8_lossy(&csv.stdout)
            .lines()
            .next()
            .is_some_and(|h| h.ends_with(",状态"))
    );
}

#[test]
fn baseline_errors_are_usage_errors() {
    let site = demo_site();
    let o = run(&[
        "--site",
        s(&site),
        "--as-of",
        "2019-03-20",
        "-q",
        "--fail-on",
        "new",
    ]);
    assert_eq!(o.status.code(), Some(2), "--fail-on new without a baseline");
    let tmp = tempfile::tempdir().expect("tmp");
    let bad = tmp.path().join("bad.json");
    std::fs::write(&bad, "[1, 2]").expect("write");
    let o = run(&[
        "--site",
        s(&site),
        "--as-of",
        "2019-03-20",
        "-q",
        "--baseline",
        s(&bad),
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("baseline"));
    let o = run(&[
        "--site",
        s(&site),
        "--as-of",
        "2019-03-20",
        "-q",
        "--baseline",
        s(&tmp.path().join("none.json")),
    ]);
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn three_runs_give_three_rows_and_first_seen_dates() {
    let tmp = tempfile::tempdir().expect("tmp");
    let site = tmp.path().join("site");
    copy_dir(&demo_site(), &site);
    let db = tmp.path().join("history.sqlite");
    let audit = |as_of: &str| {
        json(&run(&[
            "--site",
            s(&site),
            "--as-of",
            as_of,
            "-q",
            "--format",
            "json",
            "--history",
            s(&db),
        ]))
    };
    let first_seen = |v: &serde_json::Value, rule: &str, url_end: &str| -> Option<String> {
        // The first finding of `rule` on the page whose message does not say how
        // long the column has waited (that one is new each time the column goes stale).
        v["findings"]
            .as_array()
            .expect("findings")
            .iter()
            .find(|f| {
                f["rule"] == rule
                    && f["url"].as_str().is_some_and(|u| u.ends_with(url_end))
                    && (rule != "news-weekly"
                        || f["message"]
                            .as_str()
                            .is_some_and(|m| m.contains("2018-12-28")))
            })
            .map(|f| f["first_seen"].as_str().expect("first_seen").to_string())
    };

    let r1 = audit("2019-03-20");
    assert_eq!(
        first_seen(&r1, "image-news-biweekly", "tpxw/").as_deref(),
        Some("2019-03-20")
    );
    // A week later the news column is overdue too (newest 03-13, 14 days).
    let r2 = audit("2019-03-27");
    assert_eq!(
        first_seen(&r2, "image-news-biweekly", "tpxw/").as_deref(),
        Some("2019-03-20")
    );
    assert_eq!(
        first_seen(&r2, "news-weekly", "gzdt/").as_deref(),
        Some("2019-03-20"),
        "the historical gap was there at the first run"
    );
    // The editor fixes the undated notice before the third run.
    edit(&site, NO_DATE_PAGE, NO_DATE_LINE, DATED_LINE);
    let r3 = audit("2019-04-03");
    assert_eq!(
        first_seen(&r3, "image-news-biweekly", "tpxw/").as_deref(),
        Some("2019-03-20")
    );
    assert_eq!(first_seen(&r3, "article-publish-date", NO_DATE_PAGE), None);

    let conn = rusqlite::Connection::open(&db).expect("open history");
    let runs: i64 = conn
        .query_row("SELECT count(*) FROM runs", [], |r| r.get(0))
        .expect("count");
    assert_eq!(runs, 3);
    let fixed_in_third: i64 = conn
        .query_row(
            "SELECT fixed FROM runs ORDER BY as_of DESC LIMIT 1",
            [],
            |r| r.get(0),
        )
        .expect("fixed");
    assert!(fixed_in_third >= 1);

    let o = run(&["history", "--site", s(&site), "--history", s(&db)]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let table = String::from_utf8_lossy(&o.stdout);
    // Into a pipe the table is at most 100 columns wide; the first of its
    // tables holds the three runs.
    let first = table.split("\n\n").next().unwrap_or_default();
    let lines: Vec<&str> = first.lines().collect();
    assert_eq!(lines.len(), 4, "{table}");
    assert!(lines[0].starts_with("审计日期"));
    assert!(
        lines[1].starts_with("2019-03-20")
            && lines[2].starts_with("2019-03-27")
            && lines[3].starts_with("2019-04-03")
    );

    // The HTML report shows how long each finding has been open.
    let out = tmp.path().join("out");
    let o = run(&[
        "--site",
        s(&site),
        "--as-of",
        "2019-04-10",
        "-q",
        "--format",
        "html",
        "--history",
        s(&db),
        "--output-dir",
        s(&out),
    ]);
    assert!(o.status.code().is_some_and(|c| c < 2));
    let html = std::fs::read_to_string(out.join("report.html")).expect("html");
    assert!(
        html.contains("已存在21天"),
        "image news open since 2019-03-20"
    );

    // A site the database has no run of is an error that lists the ones it
    // has; a missing database is an error too.
    let o = run(&[
        "history",
        "--site",
        "https://nowhere.example/",
        "--history",
        s(&db),
    ]);
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("nowhere.example") && err.contains("it has: "),
        "{err}"
    );
    assert_eq!(err.lines().count(), 1, "{err}");
    let o = run(&[
        "history",
        "--site",
        s(&site),
        "--history",
        s(&tmp.path().join("none.sqlite")),
    ]);
    assert_eq!(o.status.code(), Some(2));
}

//! Every output format on the demo site: golden files (regenerate with
//! `UPDATE_GOLDEN=1 cargo test --test formats`), and each format read back the
//! way its consumer reads it: the CSV as Excel does, the workbook with
//! calamine, the SARIF against the 2.1.0 schema, the HTML with scraper.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use common::{root, site_dir};

const AS_OF: &str = "2019-03-20";
const ALL: &str = "text,json,csv,xlsx,md,html,sarif";

/// Runs the binary from the repository root, so that directory-mode paths in
/// the reports are the same relative paths on every machine.
fn run(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_audit"))
        .current_dir(root())
        .args(args)
        .env_remove("NO_COLOR")
        .output()
        .expect("run the audit binary")
}

fn all_formats(lang: &str) -> (tempfile::TempDir, Output) {
    let out = tempfile::tempdir().expect("temp dir");
    let o = run(&[
        "--site",
        "fixtures/demo-site",
        "--as-of",
        AS_OF,
        "-q",
        "--lang",
        lang,
        "--format",
        ALL,
        "--output-dir",
        out.path().to_str().expect("utf-8 path"),
    ]);
    assert!(
        o.status.code() == Some(1),
        "the demo site has errors, so exit 1; got {:?}: {}",
        o.status.code(),
        String::from_utf8_lossy(&o.stderr)
    );
    (out, o)
}

/// What may differ between machines or releases, replaced by a fixed word.
fn normalise(text: &str) -> String {
    text.replace(&format!("\"{}\"", env!("CARGO_PKG_VERSION")), "\"VERSION\"")
        .replace(
            &format!("disclosure-audit {}", env!("CARGO_PKG_VERSION")),
            "disclosure-audit VERSION",
        )
}

fn golden(name: &str, actual: &str) {
    let path: PathBuf = root().join("tests/golden").join(name);
    let actual = normalise(actual);
    if std::env::var_os("UPDATE_GOLDEN").is_some() {
        std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir golden");
        std::fs::write(&path, &actual).expect("write golden");
        return;
    }
    let expected = std::fs::read_to_string(&path).unwrap_or_else(|e| {
        panic!(
            "{}: {e}; create it with UPDATE_GOLDEN=1 cargo test --test formats",
            path.display()
        )
    });
    if expected != actual {
        let first = expected
            .lines()
            .zip(actual.lines())
            .position(|(a, b)| a != b)
            .unwrap_or(expected.lines().count().min(actual.lines().count()));
        panic!(
            "{} differs from the output, first at line {}:\n  golden: {:?}\n  actual: {:?}\n\
             If the change is intended (a new rule, new wording), regenerate with \
             UPDATE_GOLDEN=1 cargo test --test formats and review the diff.",
            path.display(),
            first + 1,
            expected.lines().nth(first),
            actual.lines().nth(first)
        );
    }
}

fn read(dir: &Path, name: &str) -> Vec<u8> {
    std::fs::read(dir.join(name)).unwrap_or_else(|e| panic!("{name}: {e}"))
}

fn text(dir: &Path, name: &str) -> String {
    String::from_utf8(read(dir, name)).expect("UTF-8 report")
}

fn json_report(dir: &Path) -> serde_json::Value {
    serde_json::from_slice(&read(dir, "report.json")).expect("JSON report")
}

/// The workbook as text: one line per row, cells separated by tabs.
fn xlsx_dump(bytes: &[u8]) -> (Vec<String>, String) {
    use calamine::{Reader, Xlsx, open_workbook_from_rs};
    let mut wb: Xlsx<_> =
        open_workbook_from_rs(std::io::Cursor::new(bytes.to_vec())).expect("xlsx opens");
    let names = wb.sheet_names().to_vec();
    let mut dump = String::new();
    for name in &names {
        let range = wb.worksheet_range(name).expect("sheet");
        dump.push_str(&format!("## {name}\n"));
        for row in range.rows() {
            let cells: Vec<String> = row.iter().map(|c| c.to_string()).collect();
            dump.push_str(&cells.join("\t"));
            dump.push('\n');
        }
    }
    (names, dump)
}

fn zip_entry(bytes: &[u8], name: &str) -> String {
    let mut z = zip::ZipArchive::new(std::io::Cursor::new(bytes.to_vec())).expect("zip");
    let mut f = z.by_name(name).expect("entry");
    let mut s = String::new();
    std::io::Read::read_to_string(&mut f, &mut s).expect("xml");
    s
}

#[test]
fn golden_files_for_every_format() {
    let (dir, _) = all_formats("zh");
    let d = dir.path();
    golden("demo.txt", &text(d, "report.txt"));
    golden("demo.json", &text(d, "report.json"));
    golden("demo.csv", &text(d, "report.csv"));
    golden("demo.md", &text(d, "report.md"));
    golden("demo.html", &text(d, "report.html"));
    golden("demo.sarif", &text(d, "report.sarif"));
    golden("demo.xlsx.txt", &xlsx_dump(&read(d, "report.xlsx")).1);
}

#[test]
fn golden_files_in_english() {
    let (dir, _) = all_formats("en");
    let d = dir.path();
    golden("demo.en.txt", &text(d, "report.txt"));
    golden("demo.en.csv", &text(d, "report.csv"));
    let csv = text(d, "report.csv");
    assert!(
        csv.trim_start_matches('\u{feff}').starts_with(
            "No.,Severity,Kind,Column,Page title,Page URL,Problem,Evidence,Fix,Due\r\n"
        )
    );
}

#[test]
fn one_format_on_stdout_equals_the_file() {
    let (dir, _) = all_formats("zh");
    for f in ["csv", "md", "sarif", "json"] {
        let o = run(&[
            "--site",
            "fixtures/demo-site",
            "--as-of",
            AS_OF,
            "-q",
            "--format",
            f,
        ]);
        assert_eq!(o.status.code(), Some(1));
        assert_eq!(o.stdout, read(dir.path(), &format!("report.{f}")), "{f}");
    }
    // Piped text is never coloured.
    let o = run(&["--site", "fixtures/demo-site", "--as-of", AS_OF, "-q"]);
    assert!(!o.stdout.contains(&0x1b));
    assert_eq!(o.stdout, read(dir.path(), "report.txt"));
}

#[test]
fn several_formats_need_an_output_dir() {
    let o = run(&[
        "--site",
        "fixtures/demo-site",
        "--as-of",
        AS_OF,
        "-q",
        "--format",
        "csv,html",
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("--output-dir"));
}

#[test]
fn csv_opens_as_utf8_with_a_bom() {
    let (dir, _) = all_formats("zh");
    let bytes = read(dir.path(), "report.csv");
    assert_eq!(&bytes[..3], b"\xEF\xBB\xBF", "byte-order mark first");
    let body = std::str::from_utf8(&bytes[3..]).expect("UTF-8 after the BOM");
    let mut r = csv::Reader::from_reader(body.as_bytes());
    let header: Vec<String> = r
        .headers()
        .expect("header")
        .iter()
        .map(str::to_string)
        .collect();
    assert_eq!(
        header,
        [
            "序号",
            "严重程度",
            "问题类型",
            "栏目",
            "页面标题",
            "页面地址",
            "问题描述",
            "证据",
            "整改建议",
            "整改期限"
        ]
    );
    let rows: Vec<csv::StringRecord> = r.records().map(|x| x.expect("row")).collect();
    let report = json_report(dir.path());
    let findings = report["findings"].as_array().expect("findings");
    assert_eq!(rows.len(), findings.len());
    assert!(!rows.is_empty());
    for (i, (row, f)) in rows.iter().zip(findings).enumerate() {
        assert_eq!(&row[0], (i + 1).to_string());
        assert_eq!(&row[5], f["url"].as_str().expect("url"));
        assert_eq!(&row[6], f["message"].as_str().expect("message"));
    }
    // The overdue image-news column is there with its Chinese labels.
    assert!(
        rows.iter()
            .any(|r| &r[1] == "错误" && &r[2] == "更新不及时" && &r[3] == "图片新闻")
    );
}

#[test]
fn xlsx_reads_back_with_frozen_header_filters_and_links() {
    let (dir, _) = all_formats("zh");
    let bytes = read(dir.path(), "report.xlsx");
    let (names, dump) = xlsx_dump(&bytes);
    assert_eq!(names, ["整改清单", "汇总"]);
    let report = json_report(dir.path());
    let findings = report["findings"].as_array().expect("findings");

    use calamine::{Data, Reader, Xlsx, open_workbook_from_rs};
    let mut wb: Xlsx<_> = open_workbook_from_rs(std::io::Cursor::new(bytes.clone())).expect("xlsx");
    let list = wb.worksheet_range("整改清单").expect("list sheet");
    assert_eq!(list.height(), findings.len() + 1);
    assert_eq!(list.get((0, 0)), Some(&Data::String("序号".into())));
    assert_eq!(list.get((0, 9)), Some(&Data::String("整改期限".into())));
    for (i, f) in findings.iter().enumerate() {
        assert_eq!(list.get((i + 1, 0)), Some(&Data::Float((i + 1) as f64)));
        assert_eq!(
            list.get((i + 1, 5)),
            Some(&Data::String(f["url"].as_str().expect("url").into()))
        );
    }
    // Summary: one row per column with findings, then the total.
    let summary = wb.worksheet_range("汇总").expect("summary sheet");
    let total_row = (0..summary.height())
        .find(|&r| summary.get((r, 0)) == Some(&Data::String("合计".into())))
        .expect("total row");
    let last = summary.width() - 1;
    assert_eq!(
        summary.get((total_row, last)),
        Some(&Data::Float(findings.len() as f64))
    );
    assert!(dump.contains("图片新闻"));

    let sheet = zip_entry(&bytes, "xl/worksheets/sheet1.xml");
    assert!(sheet.contains("state=\"frozen\""), "frozen header");
    assert!(
        sheet.contains("<autoFilter ref=\"A1:J"),
        "filters on the header"
    );
    assert!(sheet.contains("<col "), "column widths");
    assert_eq!(
        sheet.matches("<hyperlink ").count(),
        findings.len(),
        "one link per page"
    );
    let rels = zip_entry(&bytes, "xl/worksheets/_rels/sheet1.xml.rels");
    assert!(rels.contains("http://localhost/tpxw/"));
}

#[test]
fn sarif_validates_against_the_2_1_0_schema_and_points_at_lines() {
    let (dir, _) = all_formats("zh");
    let schema: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(root().join("tests/sarif-2.1.0-subset.schema.json"))
            .expect("schema file"),
    )
    .expect("schema JSON");
    let validator = jsonschema::validator_for(&schema).expect("schema compiles");
    let sarif: serde_json::Value =
        serde_json::from_slice(&read(dir.path(), "report.sarif")).expect("SARIF JSON");
    let errors: Vec<String> = validator
        .iter_errors(&sarif)
        .map(|e| e.to_string())
        .collect();
    assert!(errors.is_empty(), "{errors:#?}");

    // The schema can fail: a level SARIF does not know and an unknown member.
    let mut bad = sarif.clone();
    bad["runs"][0]["results"][0]["level"] = "fatal".into();
    assert!(!validator.is_valid(&bad));
    let mut bad = sarif.clone();
    bad["runs"][0]["results"][0]["severity"] = "error".into();
    assert!(!validator.is_valid(&bad));

    let results = sarif["runs"][0]["results"].as_array().expect("results");
    assert_eq!(
        results.len(),
        json_report(dir.path())["findings"]
            .as_array()
            .expect("findings")
            .len()
    );
    for r in results {
        let loc = &r["locations"][0]["physicalLocation"];
        let uri = loc["artifactLocation"]["uri"].as_str().expect("uri");
        assert!(uri.starts_with("fixtures/demo-site/"), "{uri}");
        let file = std::fs::read_to_string(root().join(uri)).expect("the file exists");
        let line = loc["region"]["startLine"].as_u64().expect("a line") as usize;
        assert!(line >= 1 && line <= file.lines().count(), "{uri}:{line}");
    }
    let line_of = |rule: &str, url_end: &str| -> String {
        let r = results
            .iter()
            .find(|r| {
                r["ruleId"] == rule
                    && r["properties"]["url"]
                        .as_str()
                        .is_some_and(|u| u.ends_with(url_end))
            })
            .unwrap_or_else(|| panic!("a {rule} result on {url_end}"));
        let loc = &r["locations"][0]["physicalLocation"];
        let file = std::fs::read_to_string(
            root().join(loc["artifactLocation"]["uri"].as_str().expect("uri")),
        )
        .expect("file");
        let n = loc["region"]["startLine"].as_u64().expect("line") as usize;
        file.lines().nth(n - 1).expect("line exists").to_string()
    };
    // The empty source label (V5) and the overdue image-news item (V1) are on their lines.
    assert!(line_of("article-source", "t20190314_1172.html").contains("来源:&nbsp;"));
    assert!(line_of("image-news-biweekly", "tpxw/").contains("2019-02-25"));
    assert!(line_of("policy-publish-15d", "t20190102_1112.html").contains("成文日期"));
}

const HOSTILE: &str =
    "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &quot;引号&quot; &#39;单引号&#39;";
const HOSTILE_TEXT: &str = "<script>alert(\"x\")</script> & \"引号\" '单引号'";

#[test]
fn html_is_self_contained_and_escapes_page_text() {
    let page = format!(
        "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>{HOSTILE}_云溪街道办事处</title></head>\n\
         <body><div class=\"crumb\">您现在的位置：<a href=\"../index.html\">首页</a> &gt; <a href=\"index.html\">工作动态</a></div>\n\
         <div class=\"article\"><h1 class=\"title\">{HOSTILE}</h1>\n\
         <div class=\"info\">发布时间:2019年03月13日&nbsp;&nbsp;&nbsp;点击:</div>\n\
         <div class=\"content\"><p>正文内容。</p></div></div></body></html>"
    );
    let site = site_dir(&[
        (
            "index.html",
            "<html><head><meta charset=\"utf-8\"><title>首页</title></head><body><a href=\"gzdt/index.html\">工作动态</a></body></html>",
        ),
        (
            "gzdt/index.html",
            "<html><head><meta charset=\"utf-8\"><title>工作动态</title><meta name=\"ColumnName\" content=\"工作动态\"></head><body><ul><li><a href=\"t1.html\">新闻</a><span class=\"date\">2019-03-13</span></li></ul></body></html>",
        ),
        ("gzdt/t1.html", &page),
    ]);
    let out = tempfile::tempdir().expect("tmp");
    let o = run(&[
        "--site",
        site.path().to_str().expect("utf-8"),
        "--as-of",
        AS_OF,
        "-q",
        "--format",
        "html,json",
        "--output-dir",
        out.path().to_str().expect("utf-8"),
    ]);
    assert!(
        o.status.code().is_some_and(|c| c < 2),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let json = json_report(out.path());
    assert!(
        json["findings"]
            .as_array()
            .expect("findings")
            .iter()
            .any(|f| f["title"] == HOSTILE_TEXT),
        "the fixture must produce a finding titled with markup: {json}"
    );
    let html = text(out.path(), "report.html");
    assert!(!html.contains("<script>alert"));
    assert!(html.contains("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;"));
    let doc = scraper::Html::parse_document(&html);
    let sel = |s: &str| scraper::Selector::parse(s).expect("selector");
    // Only the report's own inline script.
    let scripts: Vec<_> = doc.select(&sel("script")).collect();
    assert_eq!(scripts.len(), 1);
    assert!(!scripts[0].text().collect::<String>().contains("alert"));
    // The hostile title is text, inside the findings table.
    let cells: Vec<String> = doc
        .select(&sel("tr.f td a, tr.f td"))
        .map(|e| e.text().collect::<String>())
        .collect();
    assert!(cells.iter().any(|c| c.contains(HOSTILE_TEXT)), "{cells:?}");
    assert_no_external_resources(&doc, &html);
}

fn assert_no_external_resources(doc: &scraper::Html, html: &str) {
    let sel = |s: &str| scraper::Selector::parse(s).expect("selector");
    for s in [
        "[src]", "link", "img", "iframe", "object", "embed", "video", "audio", "source",
    ] {
        assert_eq!(
            doc.select(&sel(s)).count(),
            0,
            "no {s} in a self-contained report"
        );
    }
    assert!(!html.contains("url("), "no CSS url()");
    assert!(!html.contains("@import"));
}

#[test]
fn html_has_summary_filters_groups_and_calendars() {
    let (dir, _) = all_formats("zh");
    let html = text(dir.path(), "report.html");
    let doc = scraper::Html::parse_document(&html);
    let sel = |s: &str| scraper::Selector::parse(s).expect("selector");
    assert_no_external_resources(&doc, &html);
    for id in ["#f-sev", "#f-kind", "#f-col", "#f-q"] {
        assert_eq!(doc.select(&sel(id)).count(), 1, "{id}");
    }
    let report = json_report(dir.path());
    let n = report["findings"].as_array().expect("findings").len();
    assert_eq!(doc.select(&sel("tr.f")).count(), n);
    let groups: Vec<String> = doc
        .select(&sel("details.group"))
        .filter_map(|g| g.value().attr("data-column").map(str::to_string))
        .collect();
    assert!(groups.contains(&"图片新闻".to_string()));
    // One calendar per frequency-limited column: 工作动态 (7 days) and 图片新闻 (14 days).
    let cal = |name: &str| {
        doc.select(&sel(&format!(".cal[data-column=\"{name}\"]")))
            .next()
            .unwrap_or_else(|| panic!("calendar of {name}"))
    };
    let count = |e: scraper::ElementRef<'_>, s: &str| e.select(&sel(s)).count();
    let gzdt = cal("工作动态");
    let tpxw = cal("图片新闻");
    assert_eq!(count(gzdt, ".month"), 12);
    // 14 news items on 14 distinct days; 6 image-news items.
    assert_eq!(count(gzdt, ".d.pub"), 14);
    assert_eq!(count(tpxw, ".d.pub"), 6);
    // 2018-12-28 → 2019-01-25 is 28 days: overdue from 01-05 to 01-24, 20 days.
    assert_eq!(count(gzdt, ".d.over"), 20);
    assert!(
        gzdt.select(&sel(".d.over[title^=\"2019-01-05\"]"))
            .next()
            .is_some()
    );
    assert!(
        gzdt.select(&sel(".d.over[title^=\"2019-01-04\"]"))
            .next()
            .is_none()
    );
    // Image news: last item 2019-02-25, limit 14, still open: overdue 03-12 … 03-20.
    assert_eq!(count(tpxw, ".d.over"), 9);
    assert_eq!(count(tpxw, ".gaps li"), 1);
    assert_eq!(count(gzdt, ".gaps li"), 1);
}

#[test]
fn audit_toml_names_formats_and_history() {
    let tmp = tempfile::tempdir().expect("tmp");
    let config = tmp.path().join("audit.toml");
    std::fs::write(
        &config,
        format!(
            "site = {:?}\nformat = \"csv, json\"\nhistory = \"history.sqlite\"\nfail_on = \"never\"\n",
            root().join("fixtures/demo-site").to_str().expect("utf-8")
        ),
    )
    .expect("write audit.toml");
    let out = tmp.path().join("out");
    let o = run(&[
        "--config",
        config.to_str().expect("utf-8"),
        "--as-of",
        AS_OF,
        "-q",
        "--output-dir",
        out.to_str().expect("utf-8"),
    ]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    assert!(out.join("report.csv").is_file() && out.join("report.json").is_file());
    assert!(!out.join("report.txt").exists());
    assert!(
        tmp.path().join("history.sqlite").is_file(),
        "history beside audit.toml"
    );
    let v = json_report(&out);
    assert_eq!(v["findings"][0]["first_seen"], AS_OF);
    // `audit history` takes the site and the database from the same audit.toml.
    let o = run(&["history", "--config", config.to_str().expect("utf-8")]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    assert!(String::from_utf8_lossy(&o.stdout).contains(AS_OF));

    std::fs::write(&config, "format = \"csv,pdf\"\n").expect("write audit.toml");
    let o = run(&[
        "--config",
        config.to_str().expect("utf-8"),
        "--site",
        "fixtures/demo-site",
        "--as-of",
        AS_OF,
        "-q",
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("pdf"));
}

/// `--output` onto a named pipe writes into the pipe and leaves it a pipe:
/// a rename over it (as over a regular file) would replace it with a plain
/// file, which is how a run with `--output /dev/null` once broke a machine.
#[cfg(unix)]
#[test]
fn output_to_a_pipe_writes_into_it() {
    use std::os::unix::fs::FileTypeExt;
    let dir = tempfile::tempdir().expect("temp dir");
    let fifo = dir.path().join("report.pipe");
    let made = Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .expect("run mkfifo");
    assert!(made.success(), "mkfifo failed");
    // The reader blocks until a writer opens the pipe; a channel with a
    // timeout turns "never opened" into a failure instead of a hang.
    let (tx, rx) = std::sync::mpsc::channel();
    {
        let fifo = fifo.clone();
        std::thread::spawn(move || {
            let _ = tx.send(std::fs::read(&fifo));
        });
    }
    let demo = root().join("fixtures/demo-site");
    let o = run(&[
        "--site",
        demo.to_str().expect("utf-8 path"),
        "--as-of",
        AS_OF,
        "--format",
        "json",
        "--output",
        fifo.to_str().expect("utf-8 path"),
    ]);
    assert!(
        o.status.code() == Some(1),
        "exit {:?}; stderr: {}",
        o.status.code(),
        String::from_utf8_lossy(&o.stderr)
    );
    let kind = std::fs::symlink_metadata(&fifo).expect("stat").file_type();
    assert!(kind.is_fifo(), "the pipe was replaced by a {kind:?}");
    let got = rx
        .recv_timeout(std::time::Duration::from_secs(20))
        .expect("the audit never wrote into the pipe")
        .expect("read the pipe");
    let report: serde_json::Value = serde_json::from_slice(&got).expect("the pipe carried JSON");
    assert!(report["findings"].as_array().is_some_and(|f| !f.is_empty()));
}

/// The report's words come from the rule files: a site's `--rules` file can
/// rename a column of its correction list, and the other words stay.
#[test]
fn a_rules_file_renames_a_column_header() {
    let rules = tempfile::tempdir().expect("temp dir");
    std::fs::write(
        rules.path().join("words.toml"),
        "[labels.zh]\ncolumns = [\"序号\", \"严重程度\", \"问题类型\", \"栏目\", \"页面标题\", \
         \"页面地址\", \"问题描述\", \"证据\", \"整改建议\", \"整改时限\"]\n",
    )
    .expect("write the rule file");
    let demo = root().join("fixtures/demo-site");
    let o = run(&[
        "--site",
        demo.to_str().expect("utf-8 path"),
        "--as-of",
        AS_OF,
        "--rules",
        rules.path().to_str().expect("utf-8 path"),
        "--format",
        "csv",
    ]);
    assert_eq!(
        o.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let csv = String::from_utf8_lossy(&o.stdout);
    let header = csv.lines().next().unwrap_or_default();
    assert!(header.ends_with("整改建议,整改时限"), "{header}");
    assert!(header.contains("序号"), "{header}");
}

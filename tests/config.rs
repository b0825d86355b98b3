//! `audit.toml` (found from the current directory or named with --config),
//! suppression (`[[ignore]]` and `<!-- audit:ignore RULE-ID -->`), and the
//! `audit rules list|check|explain|show` subcommands.

mod common;

use std::path::Path;
use std::process::{Command, Output};

use common::{path_str, site_dir};
use serde_json::Value;

/// Runs the binary in `dir`, so that audit.toml discovery starts there.
fn audit_in(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_audit"))
        .args(args)
        .current_dir(dir)
        .output()
        .expect("run the audit binary")
}

fn json(out: &Output) -> Value {
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "stdout is not JSON ({e}): {}\nstderr: {}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    })
}

fn rules_of(r: &Value) -> Vec<String> {
    let mut v: Vec<String> = r["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .map(|f| f["rule"].as_str().unwrap_or("").to_string())
        .collect();
    v.sort();
    v
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

const PAGE_HEAD: &str = "<!DOCTYPE html><html><head><meta charset=\"utf-8\">";

/// A site repo: `public/` holds the pages, audit.toml sits beside it.
/// `lxwm/` has a private mobile number; `zcdt/a.html` has one too, with a
/// page directive; the column 镇村动态 is stale at the audit date.
fn repo(config: &str) -> tempfile::TempDir {
    let contact = format!(
        "{PAGE_HEAD}<title>联系我们</title></head><body><h1>联系我们</h1>\
         <div class=\"info\">发布时间:2019年03月01日 来源:青石镇党政办</div>\
         <div class=\"content\"><p>值班人员王某，手机13912345678。</p></div></body></html>"
    );
    let directive = format!(
        "{PAGE_HEAD}<title>青石镇开展春耕服务</title></head><body>\
         <!-- audit:ignore privacy-mobile -->\
         <div class=\"crumb\">当前位置：<a href=\"../index.html\">首页</a> &gt; <a href=\"./\">镇村动态</a></div>\
         <h1>青石镇开展春耕服务</h1><div class=\"info\">发布时间:2019年02月01日 来源:青石镇农业站</div>\
         <div class=\"content\"><p>农技员李某（13812345678）到田间指导。</p></div></body></html>"
    );
    let list = format!(
        "{PAGE_HEAD}<title>镇村动态</title><meta name=\"ColumnName\" content=\"镇村动态\"></head><body>\
         <div class=\"crumb\">当前位置：<a href=\"../index.html\">首页</a> &gt; <a href=\"./\">镇村动态</a></div>\
         <ul><li><a href=\"a.html\">青石镇开展春耕服务</a><span>2019-02-01</span></li></ul></body></html>"
    );
    let index = format!(
        "{PAGE_HEAD}<title>青石镇</title></head><body><a href=\"lxwm/index.html\">联系我们</a>\
         <a href=\"zcdt/index.html\">镇村动态</a></body></html>"
    );
    site_dir(&[
        ("public/index.html", &index),
        ("public/lxwm/index.html", &contact),
        ("public/zcdt/index.html", &list),
        ("public/zcdt/a.html", &directive),
        ("audit.toml", config),
    ])
}

#[test]
fn found_in_a_parent_directory_and_applied() {
    let cfg = "site = \"public\"\nformat = \"json\"\nfail_on = \"never\"\n\
               [[category]]\nid = \"news\"\ncolumns = [\"镇村动态\"]\n";
    let dir = repo(cfg);
    let sub = dir.path().join("public/zcdt");
    let out = audit_in(&sub, &["--as-of", "2019-03-20"]);
    // fail_on = never: findings, yet exit 0.
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let r = json(&out);
    let rules = rules_of(&r);
    // The category override makes 镇村动态 a news column (7-day limit).
    assert!(rules.contains(&"news-weekly".to_string()), "{rules:?}");
    // The page directive suppresses the mobile number on zcdt/a.html, not on lxwm/.
    let mobiles: Vec<&Value> = r["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule"] == "privacy-mobile")
        .collect();
    assert_eq!(mobiles.len(), 1, "{r:#}");
    assert!(
        mobiles[0]["url"].as_str().unwrap().ends_with("/lxwm/"),
        "{r:#}"
    );
    assert_eq!(r["summary"]["suppressed"], 1, "{r:#}");
    assert_eq!(r["summary"]["suppressed_by_rule"]["privacy-mobile"], 1);
}

#[test]
fn ignore_entries_suppress_and_count() {
    let cfg = "site = \"public\"\n\
               [[ignore]]\nrule = \"privacy-mobile\"\nurl = \"**/lxwm/**\"\nreason = \"值班手机为公开的工作号码\"\n";
    let dir = repo(cfg);
    let out = audit_in(dir.path(), &["--as-of", "2019-03-20", "--format", "json"]);
    let r = json(&out);
    assert!(
        !rules_of(&r).contains(&"privacy-mobile".to_string()),
        "{r:#}"
    );
    // One by [[ignore]], one by the page directive.
    assert_eq!(r["summary"]["suppressed"], 2, "{r:#}");
    let findings = r["summary"]["findings"].as_u64().unwrap();
    assert_eq!(findings as usize, r["findings"].as_array().unwrap().len());
}

#[test]
fn command_line_beats_the_file() {
    let cfg = "site = \"public\"\nformat = \"json\"\nfail_on = \"never\"\nlang = \"en\"\n";
    let dir = repo(cfg);
    let out = audit_in(
        dir.path(),
        &[
            "--as-of",
            "2019-03-20",
            "--format",
            "text",
            "--fail-on",
            "warning",
        ],
    );
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(!text.trim_start().starts_with('{'), "{text}");
    // lang = "en" from the file still applies.
    assert!(text.contains("Correction list"), "{text}");
    // --site beats `site`.
    let other = site_dir(&[("index.html", "<html><body>x</body></html>")]);
    let out = audit_in(
        dir.path(),
        &["--as-of", "2019-03-20", "--site", path_str(other.path())],
    );
    let r = json(&out);
    assert_eq!(r["summary"]["pages"], 1, "{r:#}");
}

#[test]
fn explicit_config_and_relative_rule_directory() {
    let dir = repo("");
    let conf_dir = dir.path().join("conf");
    std::fs::create_dir_all(conf_dir.join("my-rules")).unwrap();
    std::fs::write(
        conf_dir.join("my-rules/news.toml"),
        "[[rule]]\nid = \"news-weekly\"\nkind = \"freshness\"\ncategory = \"news\"\nseverity = \"info\"\n\
         max_days = 100\nmessage = \"{column} {age_days}\"\n",
    )
    .unwrap();
    let cfg = conf_dir.join("site.toml");
    std::fs::write(
        &cfg,
        "site = \"../public\"\nrules = [\"my-rules\"]\n[[category]]\nid = \"news\"\ncolumns = [\"镇村动态\"]\n",
    )
    .unwrap();
    let out = audit_in(
        dir.path(),
        &[
            "--as-of",
            "2019-03-20",
            "--config",
            path_str(&cfg),
            "--format",
            "json",
        ],
    );
    let r = json(&out);
    // max_days = 100 from the config's rule directory: 47 days is within it.
    assert!(!rules_of(&r).contains(&"news-weekly".to_string()), "{r:#}");
    let out = audit_in(
        dir.path(),
        &[
            "--as-of",
            "2019-09-20",
            "--config",
            path_str(&cfg),
            "--format",
            "json",
        ],
    );
    let r = json(&out);
    assert!(rules_of(&r).contains(&"news-weekly".to_string()), "{r:#}");
}

#[test]
fn bad_config_files_exit_2_with_file_and_line() {
    let cases = [
        (
            "site = \"public\"\nfail-on = \"error\"\n",
            "audit.toml:2",
            "fail-on",
        ),
        (
            "[[ignore]]\nrule = \"privacy-mobile\"\n",
            "audit.toml:1",
            "reason",
        ),
        (
            "\n[[ignore]]\nrule = \"privacy-mobil\"\nreason = \"x\"\n",
            "audit.toml:2",
            "privacy-mobil",
        ),
        ("format = \"pdf\"\n", "audit.toml:1", "pdf"),
        ("[crawl]\nmax_pagez = 3\n", "audit.toml:2", "max_pagez"),
        (
            "[[category]]\nid = \"news\"\ncolumnz = []\n",
            "audit.toml:3",
            "columnz",
        ),
    ];
    for (cfg, at, word) in cases {
        let dir = repo(cfg);
        let out = audit_in(dir.path(), &["--as-of", "2019-03-20", "--site", "public"]);
        let err = stderr(&out);
        assert_eq!(out.status.code(), Some(2), "{cfg}: {err}");
        assert!(err.contains(at) && err.contains(word), "{cfg}: {err}");
    }
}

#[test]
fn rules_list_check_and_explain() {
    let dir = tempfile::tempdir().unwrap();
    let out = audit_in(dir.path(), &["rules", "list"]);
    assert_eq!(out.status.code(), Some(0));
    let list = String::from_utf8_lossy(&out.stdout);
    let line = list
        .lines()
        .find(|l| l.starts_with("annual-report-deadline "))
        .expect("listed");
    assert!(
        line.contains("annual-report") && line.contains("error"),
        "{line}"
    );

    let out = audit_in(dir.path(), &["rules", "explain", "annual-report-deadline"]);
    assert_eq!(out.status.code(), Some(0));
    let e = String::from_utf8_lossy(&out.stdout);
    assert!(e.contains("from_year = 2019"), "{e}");
    assert!(e.contains("title_pattern = "), "{e}");
    assert!(e.contains("Example findings"), "{e}");
    assert!(!e.contains("AnnualReport("), "Debug output: {e}");

    let bad = dir.path().join("bad");
    std::fs::create_dir_all(&bad).unwrap();
    std::fs::write(
        bad.join("x.toml"),
        "[[rule]]\nid = \"pii\"\nkind = \"privacy\"\ndetect = \"passport\"\nseverity = \"error\"\nmessage = \"m\"\n",
    )
    .unwrap();
    let out = audit_in(dir.path(), &["rules", "check", "bad"]);
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(
        err.contains("x.toml:4") && err.contains("passport"),
        "{err}"
    );

    let out = audit_in(dir.path(), &["rules", "check"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
}

/// `rules explain` quotes the rule file that was loaded, not a file of the
/// same name that happens to lie in the current directory.
#[test]
fn explain_ignores_a_same_named_file_in_the_current_directory() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("rules")).unwrap();
    std::fs::write(
        dir.path().join("rules/privacy.toml"),
        "[[rule]]\nid = \"privacy-id-card\"\nkind = \"privacy\"\ndetect = \"id-card\"\n\
         severity = \"error\"\nlabel_window = 999\nmessage = \"m\"\n",
    )
    .unwrap();
    let out = audit_in(dir.path(), &["rules", "explain", "privacy-id-card"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let e = String::from_utf8_lossy(&out.stdout);
    assert!(e.contains("label_window = 4"), "{e}");
    assert!(!e.contains("999"), "{e}");
}

/// `rules check` lists every error of the files, one line each with its
/// file and line, goes on to the next file, and ends with a count; the audit
/// run stops at the first of them, the same line.
#[test]
fn rules_check_lists_every_error() {
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("bad");
    std::fs::create_dir_all(&bad).unwrap();
    std::fs::write(
        bad.join("a.toml"),
        "[[rule]]\nid = \"x\"\nkind = \"freshness\"\ncategory = \"news\"\nmessage = \"m\"\n\n\
         [[rule]]\nid = \"y\"\nkind = \"nosuch\"\nseverity = \"error\"\nmessage = \"m\"\n\n\
         [[rule]]\nid = \"z\"\nkind = \"freshness\"\ncategory = \"nocat\"\nseverity = \"error\"\nmax_days = 7\nmessage = \"m\"\n",
    )
    .unwrap();
    // A category with an error is not also reported as missing by the rule that names it.
    std::fs::write(
        bad.join("b.toml"),
        "[[category]]\nid = \"town\"\ncolumnz = [\"镇村动态\"]\n\n\
         [[rule]]\nid = \"t\"\nkind = \"freshness\"\ncategory = \"town\"\nseverity = \"error\"\nmax_days = 7\nmessage = \"m\"\n",
    )
    .unwrap();
    let out = audit_in(dir.path(), &["rules", "check", "bad"]);
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    let lines: Vec<&str> = err.lines().collect();
    assert_eq!(lines.len(), 5, "{err}");
    assert!(
        lines[0].starts_with("audit: error: bad/a.toml:1: ") && lines[0].contains("`severity`"),
        "{err}"
    );
    assert!(
        lines[1].starts_with("audit: error: bad/a.toml:9: ") && lines[1].contains("`nosuch`"),
        "{err}"
    );
    assert!(
        lines[2].starts_with("audit: error: bad/b.toml:3: ") && lines[2].contains("columnz"),
        "{err}"
    );
    // Only the whole set tells that `nocat` is missing: after the files.
    assert!(
        lines[3].starts_with("audit: error: bad/a.toml:13: ") && lines[3].contains("`nocat`"),
        "{err}"
    );
    assert_eq!(lines[4], "audit: found 4 errors in 2 files", "{err}");
    assert!(out.stdout.is_empty());

    let run = audit_in(dir.path(), &["--site", ".", "--rules", "bad", "-q"]);
    assert_eq!(run.status.code(), Some(2));
    assert_eq!(stderr(&run), format!("{}\n", lines[0]));

    // At most 20 errors are listed; the count says how many there are.
    let many: String = (0..25)
        .map(|i| format!("[[rule]]\nid = \"r{i}\"\nkind = \"typo\"\nmessage = \"m\"\n"))
        .collect();
    std::fs::write(bad.join("a.toml"), many).unwrap();
    std::fs::remove_file(bad.join("b.toml")).unwrap();
    let out = audit_in(dir.path(), &["rules", "check", "bad"]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(err.lines().count(), 21, "{err}");
    assert!(
        err.ends_with("audit: found 25 errors in 1 file; the first 20 are shown\n"),
        "{err}"
    );
}

/// `rules check` counts each file read once, and says where they came from:
/// built in, or from which directory, whether named by audit.toml, by
/// `--rules` or both.
#[test]
fn rules_check_counts_each_file_once() {
    let dir = tempfile::tempdir().unwrap();
    let mine = dir.path().join("mine");
    std::fs::create_dir_all(&mine).unwrap();
    // Same name as a built-in file: it adds to the built-in links.toml.
    std::fs::write(
        mine.join("links.toml"),
        "[[category]]\nid = \"town\"\ncolumns = [\"镇村动态\"]\n",
    )
    .unwrap();
    std::fs::write(
        mine.join("more.toml"),
        "[[category]]\nid = \"village\"\ncolumns = [\"村务公开\"]\n",
    )
    .unwrap();
    let ok = |args: &[&str]| {
        let out = audit_in(dir.path(), args);
        assert_eq!(out.status.code(), Some(0), "{args:?}: {}", stderr(&out));
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    let builtin = ok(&["rules", "check"]);
    let n_rules = builtin
        .strip_prefix("ok: ")
        .and_then(|s| s.split(' ').next())
        .unwrap_or("?")
        .to_string();
    assert!(
        builtin.contains(" in 12 files (12 built in)\n"),
        "{builtin}"
    );
    let with = ok(&["rules", "check", "mine"]);
    assert!(
        with.contains(" in 14 files (12 built in, 2 from mine)\n"),
        "{with}"
    );
    assert!(
        with.starts_with(&format!("ok: {n_rules} rules, ")),
        "{with}"
    );
    assert_eq!(ok(&["rules", "check", "--rules", "mine", "mine"]), with);
    assert_eq!(ok(&["rules", "check", "--rules", "mine", "./mine"]), with);
    let none = ok(&["rules", "check", "--no-default-rules", "mine"]);
    assert_eq!(
        none,
        "ok: 0 rules, 2 categories in 3 files (report.toml built in, 2 from mine)\n"
    );
    std::fs::write(dir.path().join("audit.toml"), "rules = [\"mine\"]\n").unwrap();
    let from_file = ok(&["rules", "check", "mine"]);
    assert!(
        from_file.contains(" in 14 files (12 built in, 2 from "),
        "{from_file}"
    );
    assert!(from_file.trim_end().ends_with("audit.toml"), "{from_file}");
}

/// `rules explain` speaks the tool's language (Chinese unless `--lang en` or
/// audit.toml's `lang`), says "1 day" and "3 days", and names a built-in
/// rule's file as built in, with the command that shows it.
#[test]
fn rules_explain_in_either_language() {
    let dir = tempfile::tempdir().unwrap();
    let zh = audit_in(dir.path(), &["rules", "explain", "news-weekly"]);
    assert_eq!(zh.status.code(), Some(0), "{}", stderr(&zh));
    let zh = String::from_utf8_lossy(&zh.stdout);
    assert!(zh.contains("严重程度：错误"), "{zh}");
    assert!(
        zh.contains("内置规则，定义于 rules/timeliness.toml 第 "),
        "{zh}"
    );
    assert!(zh.contains("audit rules show timeliness"), "{zh}");
    assert!(zh.contains("\n参数\n"), "{zh}");

    let en = audit_in(
        dir.path(),
        &["rules", "explain", "news-weekly", "--lang", "en"],
    );
    let en = String::from_utf8_lossy(&en.stdout);
    assert!(
        en.contains("severity: error   due: 3 days after the audit"),
        "{en}"
    );
    assert!(
        en.contains("built in, defined in rules/timeliness.toml:"),
        "{en}"
    );
    assert!(en.contains("\nParameters\n"), "{en}");
    assert!(!en.contains("严重程度"), "{en}");

    let mine = dir.path().join("mine");
    std::fs::create_dir_all(&mine).unwrap();
    std::fs::write(
        mine.join("site.toml"),
        "[[rule]]\nid = \"quick\"\nkind = \"freshness\"\ncategory = \"news\"\n\
         severity = \"warning\"\nmax_days = 1\ndue_days = 1\nmessage = \"m\"\n",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("audit.toml"),
        "rules = [\"mine\"]\nlang = \"en\"\n",
    )
    .unwrap();
    let out = audit_in(dir.path(), &["rules", "explain", "quick"]);
    let e = String::from_utf8_lossy(&out.stdout);
    assert!(e.contains("due: 1 day after the audit"), "{e}");
    assert!(
        e.contains("defined in ") && e.contains("site.toml:1"),
        "{e}"
    );
    assert!(!e.contains("built in"), "{e}");
    let out = audit_in(dir.path(), &["rules", "explain", "quick", "--lang", "zh"]);
    let e = String::from_utf8_lossy(&out.stdout);
    assert!(e.contains("整改期限：审计日期后1天"), "{e}");
}

/// `rules show` prints a built-in file as it is built in, by name with or
/// without `.toml`; an unknown name lists the names, exit 2.
#[test]
fn rules_show_prints_a_built_in_file() {
    let dir = tempfile::tempdir().unwrap();
    let shipped = std::fs::read_to_string(common::root().join("rules/links.toml")).unwrap();
    for name in ["links.toml", "links", "rules/links.toml"] {
        let out = audit_in(dir.path(), &["rules", "show", name]);
        assert_eq!(out.status.code(), Some(0), "{name}: {}", stderr(&out));
        assert_eq!(String::from_utf8_lossy(&out.stdout), shipped, "{name}");
    }
    let out = audit_in(dir.path(), &["rules", "show", "report"]);
    assert!(String::from_utf8_lossy(&out.stdout).contains("[labels.zh]"));

    let out = audit_in(dir.path(), &["rules", "show", "link"]);
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(
        err.starts_with("audit: error: no built-in rule file `link`; the built-in files are: ")
            && err.contains("links.toml, ")
            && err.contains("report.toml"),
        "{err}"
    );
    assert!(out.stdout.is_empty());

    // What it prints is a rule file that loads as it is.
    let copy = dir.path().join("copy");
    std::fs::create_dir_all(&copy).unwrap();
    std::fs::write(copy.join("links.toml"), &shipped).unwrap();
    let out = audit_in(dir.path(), &["rules", "check", "copy"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
}

#[test]
fn page_directive_by_kind_covers_its_rules() {
    let page = |directive: &str| {
        format!(
            "{PAGE_HEAD}<title>公示</title></head><body>{directive}<h1>公示</h1>\
             <div class=\"info\">发布时间:2019年03月01日 来源:青石镇</div>\
             <div class=\"content\"><p>王某，手机13912345678。</p></div></body></html>"
        )
    };
    let dir = site_dir(&[
        ("a.html", &page("<!-- audit:ignore privacy -->")),
        ("b.html", &page("<!-- audit:ignore typo -->")),
    ]);
    let out = audit_in(
        dir.path(),
        &["--site", ".", "--as-of", "2019-03-20", "--format", "json"],
    );
    let r = json(&out);
    let urls: Vec<&str> = r["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["kind"] == "privacy")
        .map(|f| f["url"].as_str().unwrap())
        .collect();
    assert_eq!(urls, vec!["http://localhost/b.html"], "{r:#}");
    assert_eq!(r["summary"]["suppressed_by_rule"]["privacy-mobile"], 1);
}

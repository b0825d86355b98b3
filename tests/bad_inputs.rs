//! Broken rule files, configuration files and command lines: each must stop
//! the audit with exit 2 and exactly one line on stderr that names the file
//! and line (for files) or the flag (for arguments) and says what to change.

mod common;

use std::path::Path;

use common::{audit, demo_site, path_str};

const AS_OF: &str = "2019-03-20";

/// A rule with every required key, to be broken one key at a time.
fn rule(extra: &str) -> String {
    format!(
        "[[rule]]\nid = \"x\"\nkind = \"freshness\"\ncategory = \"news\"\nseverity = \"error\"\n{extra}"
    )
}

/// One broken input: the files of a temporary directory, the arguments
/// (`{dir}` stands for that directory, `{site}` for the demo site), and what
/// the single stderr line must contain.
struct Case {
    name: &'static str,
    files: Vec<(&'static str, Vec<u8>)>,
    args: Vec<&'static str>,
    want: Vec<&'static str>,
}

fn with_rules(name: &'static str, text: &str, want: Vec<&'static str>) -> Case {
    Case {
        name,
        files: vec![("rules/r.toml", text.as_bytes().to_vec())],
        args: vec!["--site", "{site}", "--rules", "{dir}/rules"],
        want,
    }
}

fn with_config(name: &'static str, text: &str, want: Vec<&'static str>) -> Case {
    Case {
        name,
        files: vec![("audit.toml", text.as_bytes().to_vec())],
        args: vec!["--site", "{site}", "--config", "{dir}/audit.toml"],
        want,
    }
}

fn with_args(name: &'static str, args: Vec<&'static str>, want: Vec<&'static str>) -> Case {
    Case {
        name,
        files: vec![],
        args,
        want,
    }
}

fn cases() -> Vec<Case> {
    vec![
        with_rules(
            "wrong type",
            &rule("max_days = \"seven\"\nmessage = \"m\"\n"),
            vec!["r.toml:6:", "max_days", "whole number"],
        ),
        with_rules(
            "unknown kind",
            "[[rule]]\nid = \"x\"\nkind = \"freshnes\"\ncategory = \"news\"\nseverity = \"error\"\nmessage = \"m\"\n",
            vec!["r.toml:3:", "unknown rule kind `freshnes`", "freshness"],
        ),
        with_rules(
            "bad regex in a rule",
            "[[rule]]\nid = \"x\"\nkind = \"privacy\"\ndetect = \"mobile\"\nseverity = \"warning\"\nallow = [\"(unclosed\"]\nmessage = \"m\"\n",
            vec!["r.toml:6:", "invalid regex `(unclosed`", "allow"],
        ),
        with_rules(
            "bad regex in [extract]",
            "[extract]\nsoft_404_title_patterns = [\"[404\"]\n",
            vec!["r.toml:2:", "invalid regex", "soft_404_title_patterns"],
        ),
        with_rules(
            "regex without the groups it needs",
            "[extract]\nurl_date_patterns = ['/t(?P<y>\\d{4})']\n",
            vec!["r.toml:2:", "needs the named groups", "(?P<m>…)"],
        ),
        with_rules(
            "bad glob in a category",
            "[[category]]\nid = \"c1\"\ncolumns = [\"a\"]\nurls = [\"**/[gzdt/**\"]\n",
            vec!["r.toml:4:", "invalid URL glob `**/[gzdt/**`"],
        ),
        with_rules(
            "duplicate rule id",
            &format!(
                "{}{}",
                rule("max_days = 7\nmessage = \"m\"\n"),
                rule("max_days = 8\nmessage = \"m\"\n")
            ),
            vec!["r.toml:8:", "rule id `x` is defined twice", "rename"],
        ),
        with_rules(
            "category that does not exist",
            "[[rule]]\nid = \"x\"\nkind = \"freshness\"\ncategory = \"nosuch\"\nseverity = \"error\"\nmax_days = 7\nmessage = \"m\"\n",
            vec!["r.toml:1:", "category `nosuch`", "known: news"],
        ),
        with_rules(
            "negative days",
            &rule("max_days = -7\nmessage = \"m\"\n"),
            vec!["r.toml:6:", "max_days", "0 or more", "-7"],
        ),
        with_rules(
            "negative due_days",
            &rule("max_days = 7\ndue_days = -1\nmessage = \"m\"\n"),
            vec!["r.toml:7:", "due_days", "0 or more"],
        ),
        with_rules(
            "days beyond any count",
            &rule("max_days = 99999999999\nmessage = \"m\"\n"),
            vec!["r.toml:6:", "max_days", "99999999999"],
        ),
        with_rules(
            "placeholder that does not exist",
            &rule("max_days = 7\nmessage = \"栏目{nosuch}\"\n"),
            vec!["r.toml:7:", "unknown placeholder `{nosuch}`", "{column}"],
        ),
        with_rules(
            "placeholder that does not exist in message_en",
            &rule("max_days = 7\nmessage = \"m\"\nmessage_en = \"{colum}\"\n"),
            vec!["r.toml:8:", "message_en", "{colum}"],
        ),
        with_rules(
            "report column headers of the wrong length",
            "[labels.zh]\ncolumns = [\"序号\", \"问题\"]\n",
            vec!["r.toml:2:", "columns", "[labels.zh]", "10 words, not 2"],
        ),
        with_rules(
            "unknown report word",
            "[labels.en]\ntitel = \"List\"\n",
            vec!["r.toml:2:", "titel", "title"],
        ),
        with_rules(
            "unknown placeholder in a report word",
            "[labels.zh]\nsummary = \"共 {pagez} 个页面\"\n",
            vec!["r.toml:2:", "summary", "unknown placeholder `{pagez}`"],
        ),
        with_rules(
            "placeholder not closed",
            &rule("max_days = 7\nmessage = \"m {column\"\n"),
            vec!["r.toml:7:", "`{column` is not closed"],
        ),
        with_rules(
            "unknown severity",
            "[[rule]]\nid = \"x\"\nkind = \"freshness\"\ncategory = \"news\"\nseverity = \"fatal\"\nmax_days = 7\nmessage = \"m\"\n",
            vec![
                "r.toml:5:",
                "severity",
                "\"error\", \"warning\" or \"info\"",
            ],
        ),
        with_rules(
            "misspelt key",
            &rule("max_days = 7\nmessage = \"m\"\nmax_dayz = 3\n"),
            vec![
                "r.toml:8:",
                "unknown key `max_dayz`",
                "did you mean `max_days`",
            ],
        ),
        with_rules(
            "missing message",
            &rule("max_days = 7\n"),
            vec!["r.toml:1:", "missing the required key `message`"],
        ),
        with_rules(
            "bad id",
            "[[category]]\nid = \"新闻 动态\"\ncolumns = [\"a\"]\n",
            vec!["r.toml:2:", "may only use ASCII letters"],
        ),
        with_rules(
            "bad TOML syntax",
            "# rules\n[[rule]\nid = \"x\"\n",
            vec!["r.toml:2:", "invalid TOML"],
        ),
        with_rules(
            "key given twice",
            &rule("max_days = 7\nmax_days = 8\nmessage = \"m\"\n"),
            vec!["r.toml:7:", "invalid TOML", "duplicate key"],
        ),
        with_rules(
            "unknown top-level table",
            "[rules]\nid = \"x\"\n",
            vec!["r.toml:1:", "unknown key `rules`", "did you mean `rule`"],
        ),
        with_rules(
            "rule as a string",
            "rule = \"x\"\n",
            vec!["r.toml:1:", "must be an array of tables"],
        ),
        with_rules(
            "bad CSS selector in [extract]",
            "[extract]\nbody_selectors = [\"div..x\"]\n",
            vec!["r.toml:2:", "invalid CSS selector `div..x`", "div.content"],
        ),
        with_rules(
            "bad CSS selector in a profile",
            "[[profile]]\nurls = [\"/xwzx/**\"]\ntitle = \"h3[\"\n",
            vec!["r.toml:3:", "invalid CSS selector `h3[`"],
        ),
        with_rules(
            "bad URL glob in a profile",
            "[[profile]]\nurls = [\"/xwzx/[**\"]\ntitle = \"h3\"\n",
            vec!["r.toml:2:", "invalid URL glob"],
        ),
        Case {
            name: "non-UTF-8 file",
            files: vec![(
                "rules/r.toml",
                b"# GBK\n[[category]]\nid = \"c\"\ncolumns = [\"\xd5\xfe\xce\xf1\"]\n".to_vec(),
            )],
            args: vec!["--site", "{site}", "--rules", "{dir}/rules"],
            want: vec!["r.toml:4:", "not UTF-8", "save it as UTF-8"],
        },
        Case {
            name: "empty rules directory",
            files: vec![("rules/README.txt", b"rules go here".to_vec())],
            args: vec!["--site", "{site}", "--rules", "{dir}/rules"],
            want: vec!["rules: ", "no *.toml rule files"],
        },
        with_args(
            "rules directory that does not exist",
            vec!["--site", "{site}", "--rules", "{dir}/nosuch"],
            vec!["nosuch: ", "cannot read the rules directory"],
        ),
        with_config(
            "audit.toml with an unknown key",
            "site = \"public\"\nmax_pages = 3\n",
            vec!["audit.toml:2:", "unknown key `max_pages`", "crawl"],
        ),
        with_config(
            "audit.toml with a misspelt crawl key",
            "[crawl]\nmax_page = 3\n",
            vec!["audit.toml:2:", "did you mean `max_pages`"],
        ),
        with_config(
            "audit.toml with a bad fail_on",
            "fail_on = \"sometimes\"\n",
            vec!["audit.toml:1:", "fail_on", "sometimes"],
        ),
        with_config(
            "audit.toml with a bad format",
            "\nformat = \"pdf\"\n",
            vec!["audit.toml:2:", "pdf"],
        ),
        with_config(
            "audit.toml category with a bad URL glob",
            "[[category]]\nid = \"news\"\ncolumns = [\"镇村动态\"]\nurls = [\"**/{zwgk/**\"]\n",
            vec!["audit.toml:4:", "invalid URL glob"],
        ),
        with_config(
            "audit.toml that is TOML only in name",
            "site = ./public\n",
            vec!["audit.toml:1:", "invalid TOML"],
        ),
        with_args(
            "--as-of that is no day",
            vec!["--site", "{site}", "--as-of", "2019-02-30"],
            vec!["--as-of `2019-02-30`", "YYYY-MM-DD"],
        ),
        with_args(
            "--as-of in words",
            vec!["--site", "{site}", "--as-of", "yesterday"],
            vec!["--as-of `yesterday`", "YYYY-MM-DD"],
        ),
        with_args(
            "unknown --format",
            vec!["--site", "{site}", "--format", "pdf"],
            vec!["'pdf'", "--format", "possible values", "json"],
        ),
        with_args(
            "--max-pages that is not a number",
            vec!["--site", "{site}", "--max-pages", "many"],
            vec!["'many'", "--max-pages"],
        ),
        with_args(
            "unknown --fail-on",
            vec!["--site", "{site}", "--fail-on", "critical"],
            vec!["'critical'", "--fail-on", "possible values"],
        ),
        with_args(
            "unknown flag",
            vec!["--site", "{site}", "--max-page", "3"],
            vec!["--max-page", "--max-pages"],
        ),
        with_args(
            "--site that does not exist",
            vec!["--site", "{dir}/no-such-site"],
            vec!["no-such-site", "neither an http(s) URL nor a directory"],
        ),
        with_args(
            "--site with another scheme",
            vec!["--site", "ftp://www.example.gov.cn/"],
            vec!["ftp://www.example.gov.cn/", "neither an http(s) URL"],
        ),
        with_args(
            "--config that does not exist",
            vec!["--site", "{site}", "--config", "{dir}/nosuch.toml"],
            vec!["nosuch.toml: ", "cannot read"],
        ),
        with_args(
            "--baseline that does not exist",
            vec!["--site", "{site}", "--baseline", "{dir}/old.json"],
            vec!["old.json", "baseline"],
        ),
        with_args(
            "--base-url that is no URL",
            vec!["--site", "{site}", "--base-url", "not a url"],
            vec!["`not a url`", "base URL"],
        ),
        with_args(
            "several formats without --output-dir",
            vec!["--site", "{site}", "--format", "json,html"],
            vec!["--format", "--output-dir"],
        ),
        with_args(
            "--fail-on new without a baseline",
            vec!["--site", "{site}", "--fail-on", "new"],
            vec!["--fail-on new", "--baseline"],
        ),
        with_args("no site", vec!["--format", "json"], vec!["--site"]),
        with_args(
            "explain a rule that does not exist",
            vec!["rules", "explain", "no-such-rule"],
            vec!["no-such-rule", "audit rules list"],
        ),
        // Checked even though --as-of (which every case adds) leaves it unused.
        with_args(
            "a --timezone that does not exist",
            vec!["--site", "{site}", "--timezone", "Mars/Base"],
            vec!["Mars/Base", "time zone"],
        ),
        with_args(
            "--output into a folder that does not exist",
            vec!["--site", "{site}", "--output", "{dir}/nosuch/report.txt"],
            vec!["report.txt", "cannot write"],
        ),
    ]
}

fn write_files(dir: &Path, files: &[(&str, Vec<u8>)]) {
    for (rel, bytes) in files {
        let path = dir.join(rel);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).expect("create a folder for the case");
        }
        std::fs::write(&path, bytes).expect("write a case file");
    }
}

/// Runs one case and returns what went wrong with it, if anything.
fn run(case: &Case) -> Option<String> {
    let tmp = tempfile::tempdir().expect("a temporary directory");
    write_files(tmp.path(), &case.files);
    let dir = path_str(tmp.path()).to_string();
    let site = path_str(&demo_site()).to_string();
    let mut args: Vec<String> = case
        .args
        .iter()
        .map(|a| a.replace("{dir}", &dir).replace("{site}", &site))
        .collect();
    if args.first().is_some_and(|a| a.starts_with("--")) {
        if !case.args.contains(&"--as-of") {
            args.extend(["--as-of".into(), AS_OF.into()]);
        }
        args.push("-q".into());
    }
    // Run where no audit.toml of this repository can be found.
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_audit"))
        .args(&args)
        .current_dir(tmp.path())
        .output()
        .expect("run the audit binary");
    let stderr = String::from_utf8_lossy(&out.stderr);
    let lines: Vec<&str> = stderr.lines().collect();
    let mut problems = Vec::new();
    if out.status.code() != Some(2) {
        problems.push(format!("exit {:?}, want 2", out.status.code()));
    }
    if lines.len() != 1 {
        problems.push(format!("{} stderr lines, want 1", lines.len()));
    }
    if !stderr.starts_with("audit: error: ") {
        problems.push("stderr does not start with `audit: error: `".into());
    }
    for w in &case.want {
        if !stderr.contains(w) {
            problems.push(format!("stderr lacks `{w}`"));
        }
    }
    (!problems.is_empty()).then(|| {
        format!(
            "{}: {}\n  args: {args:?}\n  stderr: {stderr}",
            case.name,
            problems.join("; ")
        )
    })
}

#[test]
fn every_bad_input_exits_2_with_one_clear_line() {
    let all = cases();
    assert!(all.len() >= 25, "only {} cases", all.len());
    let failures: Vec<String> = all.iter().filter_map(run).collect();
    assert!(
        failures.is_empty(),
        "{} of {} bad inputs were not reported as wanted:\n{}",
        failures.len(),
        all.len(),
        failures.join("\n")
    );
}

/// Whether this process can read a file whose permissions forbid it (root can).
fn reads_past_permissions(dir: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    let probe = dir.join("probe");
    if std::fs::write(&probe, "x").is_err() {
        return true;
    }
    let _ = std::fs::set_permissions(&probe, std::fs::Permissions::from_mode(0o000));
    let readable = std::fs::read(&probe).is_ok();
    let _ = std::fs::remove_file(&probe);
    readable
}

#[test]
fn an_unreadable_rule_file_is_named() {
    use std::os::unix::fs::PermissionsExt;
    let tmp = tempfile::tempdir().expect("a temporary directory");
    let rules = tmp.path().join("rules");
    std::fs::create_dir_all(&rules).expect("rules folder");
    let file = rules.join("r.toml");
    if reads_past_permissions(tmp.path()) {
        // Running as root, mode 000 does not stop a read: a folder where a
        // file should be is unreadable as a file for anyone.
        std::fs::create_dir_all(&file).expect("a folder named r.toml");
    } else {
        std::fs::write(&file, rule("max_days = 7\nmessage = \"m\"\n")).expect("rule file");
        std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o000)).expect("chmod 000");
    }
    let out = audit(&[
        "--site",
        path_str(&demo_site()),
        "--rules",
        path_str(&rules),
        "--as-of",
        AS_OF,
        "-q",
    ]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    let _ = std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o755));
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(stderr.contains("r.toml: "), "{stderr}");
    assert!(
        stderr.contains("not a readable rule file") || stderr.contains("cannot read"),
        "{stderr}"
    );
}

#[test]
fn rules_check_reports_the_same_line() {
    let tmp = tempfile::tempdir().expect("a temporary directory");
    write_files(
        tmp.path(),
        &[(
            "rules/r.toml",
            rule("max_days = 7\nmessage = \"m {nosuch}\"\n").into_bytes(),
        )],
    );
    let out = audit(&["rules", "check", path_str(&tmp.path().join("rules"))]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    // The error, then the count that `rules check` ends with.
    let lines: Vec<&str> = stderr.lines().collect();
    assert_eq!(lines.len(), 2, "{stderr}");
    assert!(lines[0].contains("r.toml:7:"), "{stderr}");
    assert_eq!(lines[1], "audit: found 1 error in 1 file", "{stderr}");
}

#[test]
fn help_and_version_still_print_and_exit_0() {
    let out = audit(&["--version"]);
    assert_eq!(out.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&out.stdout).contains("audit"));
    let out = audit(&["--help"]);
    assert_eq!(out.status.code(), Some(0));
    let help = String::from_utf8_lossy(&out.stdout);
    assert!(help.contains("--site"));
    // It ends with the three ways to run it and what the exit codes say.
    for part in [
        "By hand:",
        "In CI:",
        "From cron:",
        "Exit codes:",
        "  3  the run was cut short",
    ] {
        assert!(help.contains(part), "{part} in {help}");
    }
}

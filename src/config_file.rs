//! `audit.toml`: a site repo's own settings, found in the current directory or
//! its parents (as typos.toml and .vale.ini are), or named with `--config`.
//! It is validated like a rule file: an unknown key or a bad value is an error
//! that names the file and line. Command-line flags beat the file.
//!
//! ```toml
//! site = "./public"
//! base_url = "https://www.example.gov.cn/"
//! rules = ["audit-rules"]          # relative to this file
//! fail_on = "warning"
//! format = "json"                 # or several: "html,json,sarif" (with --output-dir)
//! history = "audit-history.sqlite" # relative to this file
//! lang = "zh"
//!
//! [crawl]
//! max_pages = 2000
//! delay_ms = 1000
//!
//! [[category]]                     # same format as rule files; replaces by id
//! id = "news"
//! columns = ["镇村动态"]
//!
//! [[ignore]]
//! rule = "privacy-mobile"
//! url = "**/lxwm/**"
//! reason = "联系我们页面的值班手机为公开的工作号码"
//! ```

use std::path::{Path, PathBuf};

use clap::ValueEnum;

use crate::AuditConfig;
use crate::checks::Lang;
use crate::report::{FailOn, Format};
use crate::rules::toml_reader::{RuleError, Source, TableReader};
use crate::rules::{Category, RuleSet, read_category};
use crate::suppress::Ignore;

const FILE_NAME: &str = "audit.toml";

/// Crawl settings; each is applied only when its flag was not given.
#[derive(Debug, Clone, Default)]
pub struct Crawl {
    pub max_pages: Option<usize>,
    pub max_depth: Option<u32>,
    pub concurrency: Option<usize>,
    pub per_host: Option<usize>,
    pub delay_ms: Option<u64>,
    pub timeout_s: Option<u64>,
    pub include: Option<Vec<String>>,
    pub exclude: Option<Vec<String>>,
    pub user_agent: Option<String>,
    pub ignore_robots: Option<bool>,
}

#[derive(Debug, Clone, Default)]
pub struct ConfigFile {
    pub path: PathBuf,
    pub site: Option<String>,
    pub base_url: Option<String>,
    /// Rule directories, resolved against the file's directory.
    pub rules: Vec<PathBuf>,
    pub no_default_rules: Option<bool>,
    /// Shipped rule packs to load (`packs = ["national-2019"]`).
    pub packs: Vec<String>,
    pub categories: Vec<Category>,
    pub ignore: Vec<Ignore>,
    pub fail_on: Option<FailOn>,
    /// One or several (`format = "html,json"`), like the flag.
    pub format: Option<Vec<Format>>,
    pub lang: Option<Lang>,
    pub crawl: Crawl,
    /// `--history`, resolved against the file's directory.
    pub history: Option<PathBuf>,
}

/// `audit.toml` in `start` or the nearest parent that has one.
pub fn find(start: &Path) -> Option<PathBuf> {
    start
        .ancestors()
        .map(|d| d.join(FILE_NAME))
        .find(|p| p.is_file())
}

/// The file named by `--config`, else the one found from the current directory.
pub fn locate(explicit: Option<&Path>) -> Result<Option<ConfigFile>, RuleError> {
    let path = match explicit {
        Some(p) => p.to_path_buf(),
        None => match std::env::current_dir().ok().and_then(|d| find(&d)) {
            Some(p) => p,
            None => return Ok(None),
        },
    };
    load(&path).map(Some)
}

/// `text`, one of the values the flag `--{key}` accepts (so the file and the
/// command line cannot drift apart); `v` is where it was written.
fn one_of<T: ValueEnum>(
    t: &TableReader<'_, '_>,
    key: &'static str,
    v: &toml::Spanned<String>,
    text: &str,
    ignore_case: bool,
) -> Result<T, RuleError> {
    T::from_str(text, ignore_case).map_err(|_| {
        let names: Vec<String> = T::value_variants()
            .iter()
            .filter_map(|x| x.to_possible_value())
            .map(|p| p.get_name().to_string())
            .collect();
        t.error_at(
            &v.span(),
            format!(
                "`{key}` must be one of {}, not \"{text}\"",
                names.join(", ")
            ),
        )
    })
}

fn usize_of(v: Option<toml::Spanned<u32>>) -> Option<usize> {
    v.map(|s| s.into_inner() as usize)
}

pub fn load(path: &Path) -> Result<ConfigFile, RuleError> {
    let err = |line: usize, message: String| RuleError {
        file: path.to_path_buf(),
        line,
        message,
    };
    let bytes = std::fs::read(path)
        .map_err(|e| err(0, format!("cannot read the configuration file: {e}")))?;
    let text = String::from_utf8(bytes).map_err(|_| {
        err(
            0,
            "the configuration file is not UTF-8; save it as UTF-8".into(),
        )
    })?;
    parse(path, &text)
}

pub fn parse(path: &Path, text: &str) -> Result<ConfigFile, RuleError> {
    let src = Source { file: path, text };
    let doc = src.parse()?;
    let mut top = TableReader::new(&src, doc.get_ref(), doc.span(), FILE_NAME);
    let dir = path.parent().unwrap_or(Path::new("."));
    let mut c = ConfigFile {
        path: path.to_path_buf(),
        ..Default::default()
    };
    c.site = top.string("site")?.map(|s| s.into_inner());
    c.base_url = top.string("base_url")?.map(|s| s.into_inner());
    for r in top.strings("rules")?.unwrap_or_default() {
        let p = dir.join(r.get_ref());
        if !p.exists() {
            return Err(top.error_at(
                &r.span(),
                format!(
                    "rule directory `{}` does not exist (resolved to {})",
                    r.get_ref(),
                    p.display()
                ),
            ));
        }
        c.rules.push(p);
    }
    c.no_default_rules = top.boolean("no_default_rules")?;
    c.packs = top.string_list("packs")?;
    if let Some(v) = top.string("fail_on")? {
        c.fail_on = Some(one_of(&top, "fail_on", &v, v.get_ref(), false)?);
    }
    if let Some(v) = top.string("format")? {
        // Several are comma-separated; as on the command line, case does not matter.
        let formats = v
            .get_ref()
            .split(',')
            .map(|one| one_of(&top, "format", &v, one.trim(), true))
            .collect::<Result<Vec<_>, _>>()?;
        c.format = Some(formats);
    }
    c.history = top.string("history")?.map(|v| dir.join(v.get_ref()));
    if let Some(v) = top.string("lang")? {
        c.lang = Some(one_of(&top, "lang", &v, v.get_ref(), false)?);
    }
    if let Some(mut t) = top.table("crawl")? {
        t.set_context("[crawl]");
        let cr = &mut c.crawl;
        cr.max_pages = usize_of(t.count("max_pages")?);
        cr.max_depth = t.count("max_depth")?.map(|s| s.into_inner());
        cr.concurrency = usize_of(t.count("concurrency")?);
        cr.per_host = usize_of(t.count("per_host")?);
        cr.delay_ms = t.count("delay_ms")?.map(|s| u64::from(s.into_inner()));
        cr.timeout_s = t.count("timeout_s")?.map(|s| u64::from(s.into_inner()));
        let list = |v: Option<Vec<toml::Spanned<String>>>| {
            v.map(|l| l.into_iter().map(|s| s.into_inner()).collect::<Vec<_>>())
        };
        cr.include = list(t.strings("include")?);
        cr.exclude = list(t.strings("exclude")?);
        cr.user_agent = t.string("user_agent")?.map(|s| s.into_inner());
        cr.ignore_robots = t.boolean("ignore_robots")?;
        t.finish()?;
    }
    for mut t in top.tables("category")? {
        let cat = read_category(&mut t)?;
        t.finish()?;
        c.categories.retain(|k| k.id != cat.id);
        c.categories.push(cat);
    }
    for mut t in top.tables("ignore")? {
        let ig = Ignore::read(&mut t)?;
        t.finish()?;
        c.ignore.push(ig);
    }
    top.finish()?;
    Ok(c)
}

impl ConfigFile {
    /// Merges the file's categories into `set` (replacing same ids) and checks
    /// that every `[[ignore]]` names a rule that exists.
    pub fn merge_into(&self, set: &mut RuleSet) -> Result<(), RuleError> {
        for cat in &self.categories {
            set.categories.retain(|k| k.id != cat.id);
            set.categories.push(cat.clone());
        }
        for ig in &self.ignore {
            if let Some(bad) = ig.rules.iter().find(|r| set.rule(r).is_none()) {
                return Err(RuleError {
                    file: ig.file.clone(),
                    line: ig.line,
                    message: format!(
                        "[[ignore]] names rule `{bad}`, which no rule file defines; `audit rules list` shows the ids"
                    ),
                });
            }
        }
        set.validate()
    }

    /// Applies the `[crawl]` settings whose flag was not given on the command
    /// line. The caller brings values of either source into range afterwards.
    pub fn apply_crawl(&self, cfg: &mut AuditConfig, given: &dyn Fn(&str) -> bool) {
        let c = &self.crawl;
        let pick = |id: &str| !given(id);
        if let Some(v) = c.max_pages.filter(|_| pick("max_pages")) {
            cfg.crawl.max_pages = v;
        }
        if let Some(v) = c.max_depth.filter(|_| pick("max_depth")) {
            cfg.crawl.max_depth = Some(v);
        }
        if let Some(v) = c.concurrency.filter(|_| pick("concurrency")) {
            cfg.concurrency = v;
        }
        if let Some(v) = c.per_host.filter(|_| pick("per_host")) {
            cfg.per_host = v;
        }
        if let Some(v) = c.delay_ms.filter(|_| pick("delay_ms")) {
            cfg.delay = std::time::Duration::from_millis(v);
        }
        // Two flags set the timeout: `--timeout-s` and the finer `--timeout-ms`.
        if let Some(v) = c
            .timeout_s
            .filter(|_| pick("timeout_s") && pick("timeout_ms"))
        {
            cfg.timeout = std::time::Duration::from_secs(v);
        }
        if let Some(v) = c.include.clone().filter(|_| pick("include")) {
            cfg.crawl.include = v;
        }
        if let Some(v) = c.exclude.clone().filter(|_| pick("exclude")) {
            cfg.crawl.exclude = v;
        }
        if let Some(v) = c.user_agent.clone().filter(|_| pick("user_agent")) {
            cfg.user_agent = v;
        }
        if let Some(v) = c.ignore_robots.filter(|_| pick("ignore_robots")) {
            cfg.crawl.obey_robots = !v;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_and_rejects_unknown_keys() {
        let ok = "site = \"./public\"\nfail_on = \"warning\"\n[crawl]\nmax_pages = 5\n\n[[ignore]]\nrule = \"news-weekly\"\nreason = \"季节性栏目\"\n";
        let c = parse(Path::new("/x/audit.toml"), ok).unwrap();
        assert_eq!(c.site.as_deref(), Some("./public"));
        assert_eq!(c.crawl.max_pages, Some(5));
        assert_eq!(c.fail_on, Some(FailOn::Warning));
        assert_eq!(c.ignore.len(), 1);

        let bad = "site = \"x\"\nfail-on = \"error\"\n";
        let e = parse(Path::new("audit.toml"), bad).unwrap_err();
        assert_eq!(e.line, 2, "{e}");
        assert!(e.message.contains("fail-on"), "{e}");

        let no_reason = "[[ignore]]\nrule = \"news-weekly\"\n";
        let e = parse(Path::new("audit.toml"), no_reason).unwrap_err();
        assert!(e.message.contains("reason"), "{e}");

        let bad_value = "lang = \"fr\"\n";
        let e = parse(Path::new("audit.toml"), bad_value).unwrap_err();
        assert!(e.message.contains("zh, en"), "{e}");
    }

    #[test]
    fn formats_are_checked_in_the_file() {
        let c = parse(Path::new("audit.toml"), "format = \"html, JSON\"\n").unwrap();
        assert_eq!(c.format, Some(vec![Format::Html, Format::Json]));
        let e = parse(Path::new("audit.toml"), "\nformat = \"csv,pdf\"\n").unwrap_err();
        assert_eq!(e.line, 2, "{e}");
        assert!(e.message.contains("pdf"), "{e}");
    }

    /// A `[crawl]` setting applies only when its flag was not given.
    #[test]
    fn crawl_settings_yield_to_flags() {
        use std::time::Duration;
        let text = "[crawl]\nmax_pages = 5\nconcurrency = 3\ntimeout_s = 7\n";
        let c = parse(Path::new("audit.toml"), text).unwrap();
        let as_of = "2019-03-20".parse().unwrap();
        let apply = |given: &[&str]| {
            let mut cfg = AuditConfig::new("x", as_of);
            cfg.crawl.max_pages = 100;
            cfg.concurrency = 9;
            cfg.timeout = Duration::from_millis(250);
            c.apply_crawl(&mut cfg, &|id| given.contains(&id));
            (cfg.crawl.max_pages, cfg.concurrency, cfg.timeout)
        };
        assert_eq!(apply(&[]), (5, 3, Duration::from_secs(7)));
        assert_eq!(
            apply(&["max_pages", "timeout_s"]),
            (100, 3, Duration::from_millis(250))
        );
        // `--timeout-ms` is a timeout flag too: the file's `timeout_s` must not beat it.
        assert_eq!(apply(&["timeout_ms"]), (5, 3, Duration::from_millis(250)));
    }

    #[test]
    fn found_in_a_parent_directory() {
        let dir = tempfile::tempdir().unwrap();
        let sub = dir.path().join("a/b");
        std::fs::create_dir_all(&sub).unwrap();
        std::fs::write(dir.path().join(FILE_NAME), "").unwrap();
        assert_eq!(find(&sub), Some(dir.path().join(FILE_NAME)));
    }
}

//! The `audit` command line. Everything it does is in the library; this file
//! only reads arguments, prints and chooses the exit code.

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use clap::parser::ValueSource;
use clap::{ArgMatches, Args, CommandFactory, FromArgMatches, Parser, Subcommand};
use disclosure_audit::checks::Lang;
use disclosure_audit::config_file::{self, ConfigFile};
use disclosure_audit::explain;
use disclosure_audit::output::write_atomic_bytes;
use disclosure_audit::report::baseline::Baseline;
use disclosure_audit::report::labels::Labels;
use disclosure_audit::report::{FailOn, Format, history, text};
use disclosure_audit::{
    AuditConfig, AuditError, RuleSet, audit, audit_sites, is_url, load_rules, today_in,
};

/// The three ways the tool is run, and what its exit code says.
const AFTER_HELP: &str = "\
Examples:
  By hand:    audit --site https://www.example.gov.cn/
  In CI:      audit --site ./public --base-url https://www.example.gov.cn/ --format sarif -o audit.sarif
  From cron:  audit --sites sites.txt --quiet --format json,html --output-dir reports/ --history audit.db
  A page:     audit inspect https://www.example.gov.cn/gzdt/202403/t20240311_101.html
  Inspection: audit --site https://www.example.gov.cn/ --pack national-2019 --format scorecard

Exit codes:
  0  nothing at or above --fail-on (default error)
  1  at least one finding at or above --fail-on (--fail-on new: a new one)
  2  the audit could not run or write its output (one line on stderr says why)
  3  the run was cut short (Ctrl-C, SIGTERM, --max-time); the report of what was read is written";

#[derive(Parser)]
#[command(
    name = "audit",
    version,
    about = "Content audit and freshness linter for government information-disclosure websites",
    args_conflicts_with_subcommands = true,
    subcommand_negates_reqs = true,
    after_help = AFTER_HELP
)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
    #[command(flatten)]
    run: RunArgs,
}

#[derive(Subcommand)]
enum Command {
    /// List, validate or explain rules.
    Rules {
        #[command(subcommand)]
        action: RulesAction,
        #[command(flatten)]
        rules: RuleArgs,
    },
    /// Show one page as the checks see it: each field's value, where it came
    /// from, and the candidates set aside. The first step when findings look
    /// wrong on a new CMS.
    Inspect(InspectArgs),
    /// Show the trend of one site's audits kept with --history.
    History {
        /// The site as it was audited (URL, or --base-url in directory mode;
        /// default: audit.toml's `base_url` or `site`).
        #[arg(long, value_name = "URL|DIR")]
        site: Option<String>,
        /// The history database that audits wrote with --history (default:
        /// audit.toml's `history`).
        #[arg(long, value_name = "FILE")]
        history: Option<PathBuf>,
        /// The audit.toml to read (default: the nearest one up from here).
        #[arg(long, value_name = "FILE")]
        config: Option<PathBuf>,
        #[arg(long, value_enum, default_value_t = Lang::Zh)]
        lang: Lang,
    },
}

/// What `audit inspect` reads and how.
#[derive(Args)]
struct InspectArgs {
    /// A page URL (fetched as a crawl would: robots.txt, politeness, charset)
    /// or a local HTML file.
    #[arg(value_name = "URL|FILE")]
    target: String,
    /// For a file: the URL the site directory stands for (default: audit.toml's
    /// `base_url`, else http://localhost/).
    #[arg(long, value_name = "URL")]
    base_url: Option<String>,
    /// For a file: the site directory it is in (default: audit.toml's `site`
    /// when the file is inside it, else the file's own folder).
    #[arg(long, value_name = "DIR")]
    site: Option<PathBuf>,
    #[arg(long, value_enum, default_value = "text")]
    format: InspectFormat,
    #[arg(long, value_enum, default_value_t = Lang::Zh)]
    lang: Lang,
    #[command(flatten)]
    rules: RuleArgs,
    /// Minimum time between two requests to one host, in milliseconds.
    #[arg(long, default_value_t = defaults().delay.as_millis() as u64)]
    delay_ms: u64,
    /// Give up on a request after this many seconds.
    #[arg(long, default_value_t = defaults().timeout.as_secs())]
    timeout_s: u64,
    /// Read what robots.txt disallows (say so only for your own site).
    #[arg(long)]
    ignore_robots: bool,
    /// A host on an internal network that may be requested besides the page's own.
    #[arg(long, value_name = "HOST")]
    allow_internal_host: Vec<String>,
    /// The User-Agent header.
    #[arg(long, value_name = "UA")]
    user_agent: Option<String>,
}

#[derive(Clone, Copy, clap::ValueEnum)]
enum InspectFormat {
    Text,
    Json,
}

#[derive(Subcommand)]
enum RulesAction {
    /// List every rule: id, kind, severity, categories.
    List,
    /// Validate rule files: lists every error (up to 20), one line each, and
    /// exits 2 when there is one.
    Check {
        /// A directory of rule files to check on top of the built-in ones.
        dir: Option<PathBuf>,
    },
    /// Explain one rule: what it checks, why, and its parameters.
    Explain {
        id: String,
        /// The language of the explanation (default: audit.toml's `lang`, else zh).
        #[arg(long, value_enum)]
        lang: Option<Lang>,
    },
    /// Print a built-in rule file (e.g. `links.toml` or `links`), to copy
    /// into a rule directory and edit.
    Show {
        #[arg(value_name = "FILE")]
        file: String,
    },
}

/// `audit rules check` lists at most this many errors: the first ones are
/// what to fix, and a file that is not a rule file at all has endless ones.
const MAX_CHECK_ERRORS: usize = 20;

#[derive(Args, Clone)]
struct RuleArgs {
    /// A directory of rule files that add to or replace the built-in rules (repeatable).
    #[arg(long = "rules", value_name = "DIR", global = true)]
    rules: Vec<PathBuf>,
    /// Do not load the built-in rules.
    #[arg(long, global = true)]
    no_default_rules: bool,
    /// A shipped rule pack to add, with its scorecard: national-2019 (repeatable).
    #[arg(long = "pack", value_name = "NAME", global = true)]
    packs: Vec<String>,
    /// The audit.toml to use (default: ./audit.toml or the nearest parent's).
    #[arg(long, value_name = "FILE", global = true)]
    config: Option<PathBuf>,
}

#[derive(Args)]
struct RunArgs {
    /// The site: a start URL (http/https) or a local directory of static HTML.
    /// Repeat it to audit several sites, each with its own report.
    /// (Or `site` in audit.toml.)
    #[arg(long, value_name = "URL|DIR")]
    site: Vec<String>,
    /// A file with one site per line (blank lines and `#` comments are skipped).
    #[arg(long, value_name = "FILE")]
    sites: Option<PathBuf>,
    #[command(flatten)]
    rules: RuleArgs,
    /// The URL the directory's root stands for, in directory mode.
    #[arg(long, value_name = "URL")]
    base_url: Option<String>,
    /// The audit date (YYYY-MM-DD); default: today in --timezone.
    #[arg(long, value_name = "DATE")]
    as_of: Option<String>,
    /// The site's time zone, for "today".
    #[arg(long, default_value = "Asia/Shanghai")]
    timezone: String,
    /// Output format; several (comma-separated or repeated) need --output-dir.
    #[arg(long, value_enum, value_delimiter = ',', default_value = "text")]
    format: Vec<Format>,
    #[command(flatten)]
    outputs: OutputArgs,
    /// Write the report to FILE instead of standard output.
    #[arg(long, short, value_name = "FILE")]
    output: Option<PathBuf>,
    /// Exit 1 when a finding is at or above this severity.
    #[arg(long, value_enum, default_value_t = FailOn::Error)]
    fail_on: FailOn,
    /// Language of the report.
    #[arg(long, value_enum, default_value_t = Lang::Zh)]
    lang: Lang,
    #[command(flatten)]
    crawl: CrawlArgs,
    /// Print nothing but the report.
    #[arg(long, short)]
    quiet: bool,
}

/// The library's defaults, which the flags' defaults show.
/// The width of `audit history`'s table when it is not printed to a terminal.
const HISTORY_WIDTH: usize = 100;

fn defaults() -> AuditConfig {
    AuditConfig::new(String::new(), jiff::civil::Date::default())
}

/// How the crawler treats the sites it reads.
#[derive(Args)]
struct CrawlArgs {
    /// Stop after this many pages.
    #[arg(long, default_value_t = defaults().crawl.max_pages)]
    max_pages: usize,
    /// Follow links at most this many steps from the start page.
    #[arg(long, value_name = "N")]
    max_depth: Option<u32>,
    /// Requests in flight at once, all hosts together.
    #[arg(long, default_value_t = defaults().concurrency)]
    concurrency: usize,
    /// Requests in flight at once to one host.
    #[arg(long, default_value_t = defaults().per_host)]
    per_host: usize,
    /// Minimum time between two requests to one host, in milliseconds
    /// (robots.txt `Crawl-delay` can raise it).
    #[arg(long, default_value_t = defaults().delay.as_millis() as u64)]
    delay_ms: u64,
    /// Give up on a request after this many seconds.
    #[arg(long, default_value_t = defaults().timeout.as_secs())]
    timeout_s: u64,
    /// `--timeout-s` in milliseconds, for tests.
    #[arg(long, hide = true)]
    timeout_ms: Option<u64>,
    /// Retries for connection errors, 5xx and 429 (with backoff and jitter).
    #[arg(long, default_value_t = defaults().retries)]
    retries: u32,
    /// The first retry's backoff, in milliseconds; doubled for each retry.
    #[arg(long, default_value_t = defaults().backoff.as_millis() as u64, hide = true)]
    retry_base_ms: u64,
    /// Bodies larger than this are cut (and noted in the report).
    #[arg(long, default_value_t = defaults().max_body_bytes, value_name = "BYTES")]
    max_body_bytes: usize,
    /// Only crawl pages whose URL (or path) matches this glob (repeatable).
    #[arg(long, value_name = "GLOB")]
    include: Vec<String>,
    /// Do not crawl pages whose URL (or path) matches this glob (repeatable).
    #[arg(long, value_name = "GLOB")]
    exclude: Vec<String>,
    /// Crawl what robots.txt disallows (say so only for your own site).
    #[arg(long)]
    ignore_robots: bool,
    /// Also check that links to other hosts answer (one HEAD each; not crawled).
    #[arg(long)]
    check_external: bool,
    /// A host that may be on an internal network (private, loopback, link-local
    /// address) and still be requested, besides the start host (repeatable).
    #[arg(long, value_name = "HOST")]
    allow_internal_host: Vec<String>,
    /// Do not follow links longer than this many characters (crawler traps grow theirs).
    #[arg(long, value_name = "N", default_value_t = defaults().crawl.max_url_len)]
    max_url_length: usize,
    /// Follow at most this many pages of one column's paginated list.
    #[arg(long, value_name = "N", default_value_t = defaults().crawl.max_list_pages)]
    max_list_pages: usize,
    /// Follow at most this many redirects for one URL.
    #[arg(long, value_name = "N", default_value_t = defaults().crawl.max_redirects)]
    max_redirects: usize,
    /// Read at most this many links of one page (default: `max_links` in the rules' [extract]).
    #[arg(long, value_name = "N")]
    max_links_per_page: Option<u32>,
    /// Read at most this many list items of one page (default: `max_list_items` in [extract]).
    #[arg(long, value_name = "N")]
    max_list_items: Option<u32>,
    /// Keep at most this many characters of one page's text (default: `max_text_chars` in [extract]).
    #[arg(long, value_name = "N")]
    max_text_chars: Option<u32>,
    /// Drop tags nested deeper than this (default: `max_depth` in [extract]).
    #[arg(long, value_name = "N")]
    max_html_depth: Option<u32>,
    /// Do not seed the crawl from robots.txt sitemaps and /sitemap.xml.
    #[arg(long)]
    no_sitemaps: bool,
    /// Only visit the start page (robots.txt and the page, no links, no
    /// report) and keep the visit in --history, for the national pack's
    /// 站点无法访问: run it hourly from cron. Exit 1 when the page answered an error.
    #[arg(long)]
    visit_only: bool,
    /// Keep validators and records here; the next run only re-reads changed pages.
    #[arg(long, value_name = "DIR")]
    cache: Option<PathBuf>,
    /// Reuse cached pages the site confirmed less than AGE ago without asking
    /// again (seconds, or 30m, 12h, 1d). Default 0: every page is revalidated.
    #[arg(long, value_name = "AGE", value_parser = disclosure_audit::source::cache::parse_age, requires = "cache")]
    max_cache_age: Option<Duration>,
    /// The User-Agent header (default: disclosure-audit/VERSION with a contact note).
    #[arg(long, value_name = "UA")]
    user_agent: Option<String>,
    /// Stop fetching after this many seconds in all (every site together) and
    /// write the report of what was read, marked incomplete.
    #[arg(long, value_name = "SECONDS")]
    max_time: Option<u64>,
    /// Sites audited at once with --site repeated or --sites.
    #[arg(long, default_value_t = 4, value_name = "N")]
    parallel_sites: usize,
}

impl CrawlArgs {
    /// The per-page limits live in the rule files' `[extract]`; a flag beats them.
    fn apply_limits(&self, ex: &mut disclosure_audit::extract::config::ExtractConfig) {
        let set = |flag: Option<u32>, field: &mut u32| {
            if let Some(v) = flag {
                *field = v;
            }
        };
        set(self.max_links_per_page, &mut ex.max_links);
        set(self.max_list_items, &mut ex.max_list_items);
        set(self.max_text_chars, &mut ex.max_text_chars);
        set(self.max_html_depth, &mut ex.max_depth);
    }

    /// Sets every crawl setting from its flag (or the flag's default); audit.toml's
    /// `[crawl]` is applied afterwards, and `in_range` last.
    fn apply(&self, cfg: &mut AuditConfig) {
        cfg.crawl.max_pages = self.max_pages;
        cfg.crawl.max_depth = self.max_depth;
        cfg.concurrency = self.concurrency;
        cfg.per_host = self.per_host;
        cfg.delay = Duration::from_millis(self.delay_ms);
        cfg.timeout = match self.timeout_ms {
            Some(ms) => Duration::from_millis(ms),
            None => Duration::from_secs(self.timeout_s),
        };
        cfg.retries = self.retries;
        cfg.backoff = Duration::from_millis(self.retry_base_ms);
        cfg.max_body_bytes = self.max_body_bytes;
        cfg.crawl.include = self.include.clone();
        cfg.crawl.exclude = self.exclude.clone();
        cfg.crawl.obey_robots = !self.ignore_robots;
        cfg.crawl.check_external = self.check_external;
        cfg.crawl.allow_internal_hosts = self.allow_internal_host.clone();
        cfg.crawl.max_url_len = self.max_url_length;
        cfg.crawl.max_list_pages = self.max_list_pages;
        cfg.crawl.max_redirects = self.max_redirects;
        cfg.crawl.sitemaps = !self.no_sitemaps && !self.visit_only;
        cfg.crawl.visit_only = self.visit_only;
        if self.visit_only {
            cfg.crawl.max_pages = 1;
        }
        cfg.crawl.deadline = self
            .max_time
            .map(|s| std::time::Instant::now() + Duration::from_secs(s));
        cfg.crawl.cache_dir = self.cache.clone();
        cfg.crawl.max_cache_age = self.max_cache_age.unwrap_or_default();
        if let Some(ua) = &self.user_agent {
            cfg.user_agent = ua.clone();
        }
    }
}

/// Brings the crawl settings, from flags or audit.toml, into a usable range:
/// a zero would stall the crawl or refuse every page.
fn in_range(cfg: &mut AuditConfig) {
    cfg.concurrency = cfg.concurrency.max(1);
    cfg.per_host = cfg.per_host.max(1);
    cfg.max_body_bytes = cfg.max_body_bytes.max(1);
    cfg.crawl.max_url_len = cfg.crawl.max_url_len.max(16);
    cfg.crawl.max_list_pages = cfg.crawl.max_list_pages.max(1);
    if cfg.timeout.is_zero() {
        cfg.timeout = Duration::from_secs(1);
    }
}

/// The sites of `--site` (repeatable) and `--sites FILE`, in order, without repeats.
fn site_list(a: &RunArgs) -> Result<Vec<String>, AuditError> {
    let mut sites = a.site.clone();
    if let Some(file) = &a.sites {
        let text = std::fs::read_to_string(file).map_err(|e| {
            AuditError::Usage(format!("cannot read --sites {}: {e}", file.display()))
        })?;
        sites.extend(
            text.lines()
                .map(str::trim)
                .filter(|l| !l.is_empty() && !l.starts_with('#'))
                .map(str::to_string),
        );
    }
    let mut seen = std::collections::HashSet::new();
    sites.retain(|s| seen.insert(s.clone()));
    if sites.is_empty() {
        return Err(AuditError::Usage(
            "no site to audit: give --site or --sites".into(),
        ));
    }
    Ok(sites)
}

/// Where reports go and what they are compared with.
#[derive(Args)]
struct OutputArgs {
    /// Write one file per --format into DIR (report.txt, report.json, report.csv…).
    #[arg(long, value_name = "DIR")]
    output_dir: Option<PathBuf>,
    /// A previous JSON report: mark findings new or persisting and list the fixed ones.
    #[arg(long, value_name = "FILE")]
    baseline: Option<PathBuf>,
    /// Keep every run in this SQLite database (created if missing); see `audit history`.
    #[arg(long, value_name = "FILE")]
    history: Option<PathBuf>,
}

/// A file-system-safe name for a site, for one file per site in --output-dir.
/// `http://x/` keeps its scheme in the name, so that it does not overwrite the
/// report of `https://x/`.
fn site_slug(site: &str) -> String {
    let rest = site.strip_prefix("https://").unwrap_or(site);
    let s: String = rest
        .replacen("://", "_", 1)
        .chars()
        .map(|c| {
            if c.is_alphanumeric() || c == '.' || c == '-' {
                c
            } else {
                '_'
            }
        })
        .collect();
    s.trim_matches('_').to_string()
}

impl OutputArgs {
    /// Compares with the baseline and records the run in the history.
    fn enrich(
        &self,
        report: &mut disclosure_audit::Report,
        baseline: Option<&Baseline>,
        history: Option<&std::path::Path>,
    ) -> Result<(), AuditError> {
        if let Some(b) = baseline {
            b.apply(report);
        }
        if let Some(path) = history {
            let now = jiff::Timestamp::now();
            history::record(path, report, now)?;
            // Availability is a share of the visits of several runs: measured
            // now that this run's visit is recorded with the others.
            let site = report.site.clone();
            if let Some(card) = report.scorecard.as_mut() {
                card.measure_availability(|days, secs| {
                    history::visits(path, &site, now, days, secs).ok()
                });
            }
        }
        Ok(())
    }

    /// Writes one file per format into --output-dir; `site` names the files when
    /// several sites share the directory.
    fn write_dir(
        &self,
        dir: &std::path::Path,
        formats: &[Format],
        report: &disclosure_audit::Report,
        words: &Labels,
        site: Option<&str>,
    ) -> Result<Vec<PathBuf>, AuditError> {
        let stem = site.map_or_else(|| "report".to_string(), site_slug);
        let mut written = Vec::new();
        for f in formats {
            let bytes = f.render(report, words, false).map_err(AuditError::Output)?;
            let path = dir.join(format!("{stem}.{}", f.extension()));
            write_atomic_bytes(&path, &bytes)?;
            written.push(path);
        }
        Ok(written)
    }
}

/// A command-line error as one line on stderr (exit 2), like every other
/// error; help and version print as clap writes them.
fn arg_error(e: clap::Error) -> ExitCode {
    use clap::error::ErrorKind;
    if matches!(
        e.kind(),
        ErrorKind::DisplayHelp
            | ErrorKind::DisplayVersion
            | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand
    ) {
        e.exit();
    }
    let text = e.render().to_string();
    // The usage block after the message is what --help shows in full.
    let parts: Vec<&str> = text
        .lines()
        .map(str::trim)
        .take_while(|l| !l.starts_with("Usage:") && !l.starts_with("For more"))
        .filter(|l| !l.is_empty())
        .collect();
    let line = parts.join("; ");
    eprintln!(
        "audit: error: {}; `audit --help` lists the options",
        line.trim_start_matches("error: ")
    );
    ExitCode::from(2)
}

fn main() -> ExitCode {
    let matches = match Cli::command().try_get_matches() {
        Ok(m) => m,
        Err(e) => return arg_error(e),
    };
    let cli = match Cli::from_arg_matches(&matches) {
        Ok(c) => c,
        Err(e) => return arg_error(e),
    };
    let result = match cli.command {
        Some(Command::Rules { action, rules }) => run_rules(action, &rules),
        Some(Command::Inspect(args)) => run_inspect(&args),
        Some(Command::History {
            site,
            history,
            config,
            lang,
        }) => show_history(site, history, config.as_deref(), lang),
        None => run_audit(&cli.run, &matches),
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            eprintln!("audit: error: {e}");
            ExitCode::from(2)
        }
    }
}

/// The rules: built in, then audit.toml's directories, then `--rules`; then audit.toml's categories.
fn load(r: &RuleArgs) -> Result<(RuleSet, Option<ConfigFile>), AuditError> {
    let config = config_file::locate(r.config.as_deref())?;
    let dirs = rule_dirs(r, config.as_ref());
    let packs = rule_packs(r, config.as_ref());
    let mut rules =
        disclosure_audit::load_rules_with(!no_default_rules(r, config.as_ref()), &packs, &dirs)?;
    if let Some(c) = &config {
        c.merge_into(&mut rules)?;
    }
    Ok((rules, config))
}

/// The rule directories: audit.toml's, then `--rules`.
fn rule_dirs(r: &RuleArgs, config: Option<&ConfigFile>) -> Vec<PathBuf> {
    let mut dirs: Vec<PathBuf> = config.iter().flat_map(|c| c.rules.clone()).collect();
    dirs.extend(r.rules.iter().cloned());
    dirs
}

/// The packs: audit.toml's, then `--pack`'s, each once.
fn rule_packs(r: &RuleArgs, config: Option<&ConfigFile>) -> Vec<String> {
    let mut packs: Vec<String> = config.iter().flat_map(|c| c.packs.clone()).collect();
    for p in &r.packs {
        if !packs.contains(p) {
            packs.push(p.clone());
        }
    }
    packs
}

fn no_default_rules(r: &RuleArgs, config: Option<&ConfigFile>) -> bool {
    r.no_default_rules || config.and_then(|c| c.no_default_rules) == Some(true)
}

/// The flag's value, unless it was not given and audit.toml sets it.
fn flag_or_file<T>(matches: &ArgMatches, id: &str, flag: T, file: Option<T>) -> T {
    match file {
        Some(v) if !given(matches, id) => v,
        _ => flag,
    }
}

/// Whether the user gave this flag on the command line (not its default).
fn given(matches: &ArgMatches, id: &str) -> bool {
    matches.ids().any(|i| i.as_str() == id)
        && matches.value_source(id) == Some(ValueSource::CommandLine)
}

fn run_audit(a: &RunArgs, matches: &ArgMatches) -> Result<ExitCode, AuditError> {
    let (mut rules, config) = load(&a.rules)?;
    a.crawl.apply_limits(&mut rules.extract);
    let file = config.as_ref();
    // audit.toml's values were checked when it was read.
    let fail_on = flag_or_file(matches, "fail_on", a.fail_on, file.and_then(|c| c.fail_on));
    let lang = flag_or_file(matches, "lang", a.lang, file.and_then(|c| c.lang));
    let words = rules.labels.get(lang).clone();
    let format_list = flag_or_file(
        matches,
        "format",
        a.format.clone(),
        file.and_then(|c| c.format.clone()),
    );
    // The zone is checked even when --as-of makes it unused: a typo in a cron
    // line shows on the first run, not on the day --as-of is dropped.
    let today = today_in(&a.timezone)?;
    let as_of = match &a.as_of {
        Some(s) => s.parse::<jiff::civil::Date>().map_err(|_| {
            AuditError::Usage(format!(
                "--as-of `{s}` is not a date; write it as YYYY-MM-DD"
            ))
        })?,
        None => today,
    };
    let file_site = file.and_then(|c| {
        let s = c.site.as_ref()?;
        if is_url(s) {
            return Some(s.clone());
        }
        // A directory is relative to the file, like its rule directories.
        let dir = c.path.parent().unwrap_or(std::path::Path::new("."));
        Some(dir.join(s).display().to_string())
    });
    let sites = match file_site {
        Some(s) if a.site.is_empty() && a.sites.is_none() => vec![s],
        _ => site_list(a)?,
    };
    let cfgs: Vec<AuditConfig> = sites
        .iter()
        .map(|site| {
            let mut cfg = AuditConfig::new(site.clone(), as_of);
            cfg.base_url = a.base_url.clone().or_else(|| file?.base_url.clone());
            cfg.lang = lang;
            a.crawl.apply(&mut cfg);
            if let Some(c) = file {
                c.apply_crawl(&mut cfg, &|id| given(matches, id));
                cfg.ignore = c.ignore.clone();
            }
            in_range(&mut cfg);
            cfg.progress = !a.quiet;
            cfg
        })
        .collect();
    let formats: Vec<Format> = {
        let mut seen = Vec::new();
        for f in &format_list {
            if !seen.contains(f) {
                seen.push(*f);
            }
        }
        seen
    };
    let primary = formats.first().copied().unwrap_or(Format::Text);
    let out_dir = a.outputs.output_dir.as_deref();
    let several = sites.len() > 1;
    // Every usage error is found before the crawl, which can take hours.
    if out_dir.is_none() && formats.len() > 1 {
        return Err(AuditError::Usage(
            "several --format values need --output-dir DIR (one file per format)".into(),
        ));
    }
    if out_dir.is_none()
        && several
        && !matches!(primary, Format::Text | Format::Json | Format::Scorecard)
    {
        return Err(AuditError::Usage(
            "with several sites, only text, json and scorecard can share one output; use --output-dir"
                .into(),
        ));
    }
    if formats.contains(&Format::Scorecard) && rules.scorecard.is_none() {
        return Err(AuditError::Usage(
            "--format scorecard needs a rule pack with a scorecard: --pack national-2019 (or packs in audit.toml)"
                .into(),
        ));
    }
    let tty = std::io::IsTerminal::is_terminal(&std::io::stdout());
    if primary == Format::Xlsx && out_dir.is_none() && a.output.is_none() && tty {
        return Err(AuditError::Usage(
            "an xlsx workbook is binary: write it with --output FILE or --output-dir DIR".into(),
        ));
    }
    if matches!(fail_on, FailOn::New) && a.outputs.baseline.is_none() {
        return Err(AuditError::Usage(
            "--fail-on new needs --baseline PREVIOUS.json to tell new findings from old".into(),
        ));
    }
    // Where the run will write is checked before the first request: the
    // --output-dir folder is created now; a file's folder must exist (a typo
    // in a path does not make folders); either that cannot be written to is
    // an error now, not after a crawl of hours.
    let history_path = a
        .outputs
        .history
        .as_deref()
        .or_else(|| file.and_then(|c| c.history.as_deref()));
    if let Some(dir) = out_dir {
        writable_dir(dir, dir, "--output-dir", true)?;
    }
    for (path, flag) in [
        (a.output.as_deref(), "--output"),
        (history_path, "--history"),
    ] {
        if let Some(p) = path {
            let parent = p
                .parent()
                .filter(|d| !d.as_os_str().is_empty())
                .unwrap_or(std::path::Path::new("."));
            writable_dir(p, parent, flag, false)?;
        }
    }
    let baseline = a
        .outputs
        .baseline
        .as_deref()
        .map(Baseline::load)
        .transpose()?;
    let results =
        match cfgs.as_slice() {
            // One site's error is the run's (exit 2, one line), after an
            // unreachable start page is kept as a failed visit.
            [one] => vec![Ok(audit(one, &rules)
                .inspect_err(|e| record_unreachable(e, &one.site, history_path))?)],
            many => audit_sites(many, &rules, a.crawl.parallel_sites),
        };
    let mut code = 0u8;
    // With several sites and one output: the text reports one after another,
    // or the JSON reports in one `{"reports": […]}`.
    let mut json_reports = Vec::new();
    let mut rendered: Vec<u8> = Vec::new();
    // Files written, for the one line that names them at the end.
    let mut written: Vec<PathBuf> = Vec::new();
    let mut findings_written = 0usize;
    let mut stop_note: Option<String> = None;
    // With several sites and --format scorecard: each site's verdict, for one overview.
    // (site, scorecard, whether its audit was cut short), and the sites that
    // could not be audited at all, with why.
    let mut cards: Vec<(String, disclosure_audit::scorecard::Scorecard, bool)> = Vec::new();
    let mut unaudited: Vec<(String, String)> = Vec::new();
    for (site, result) in sites.iter().zip(results) {
        let mut report = match result {
            Ok(r) => r,
            // With several sites, one that cannot be audited does not hide the others.
            Err(e) => {
                eprintln!("audit: error: {site}: {e}");
                code = 2;
                record_unreachable(&e, site, history_path);
                match primary {
                    Format::Json => {
                        json_reports.push(serde_json::json!({"site": site, "error": e.to_string()}))
                    }
                    Format::Scorecard => unaudited.push((site.clone(), e.to_string())),
                    _ => rendered.extend_from_slice(format!("\n\n{site}: {e}\n").as_bytes()),
                }
                continue;
            }
        };
        if a.crawl.visit_only {
            code = code.max(visited(&report, history_path, &words)?);
            continue;
        }
        a.outputs
            .enrich(&mut report, baseline.as_ref(), history_path)?;
        if report.fails(fail_on) {
            code = code.max(1);
        }
        // A run cut short is never a clean run, whatever it found.
        if report.stopped.is_some() && code != 2 {
            code = 3;
        }
        if stop_note.is_none() {
            stop_note.clone_from(&report.stop_note);
        }
        if let Some(dir) = out_dir {
            let name = several.then_some(site.as_str());
            written.extend(a.outputs.write_dir(dir, &formats, &report, &words, name)?);
            findings_written += report.findings.len();
            continue;
        }
        if !several {
            let color = a.output.is_none() && text::color_wanted(tty);
            let bytes = primary
                .render(&report, &words, color)
                .map_err(AuditError::Output)?;
            emit(a.output.as_deref(), &bytes)?;
            if let Some(p) = &a.output {
                written.push(p.clone());
                findings_written += report.findings.len();
            }
            continue;
        }
        findings_written += report.findings.len();
        match primary {
            Format::Text => {
                if !rendered.is_empty() {
                    rendered.extend_from_slice(b"\n\n");
                }
                let bytes = Format::Text
                    .render(&report, &words, false)
                    .map_err(AuditError::Output)?;
                rendered.extend_from_slice(&bytes);
            }
            Format::Json => json_reports.push(
                serde_json::to_value(&report)
                    .unwrap_or_else(|e| serde_json::json!({"site": site, "error": e.to_string()})),
            ),
            Format::Scorecard => {
                if let Some(card) = report.scorecard.take() {
                    cards.push((site.clone(), card, report.incomplete));
                }
            }
            // Refused above: other formats with several sites need --output-dir.
            _ => {}
        }
    }
    if out_dir.is_none() && several {
        if primary == Format::Scorecard {
            rendered = text::render_overview(&mut cards, &unaudited, &words).into_bytes();
        }
        if primary == Format::Json {
            let all = serde_json::json!({ "reports": json_reports });
            rendered = (serde_json::to_string_pretty(&all).unwrap_or_default() + "\n").into_bytes();
        }
        emit(a.output.as_deref(), &rendered)?;
        if let Some(p) = &a.output {
            written.push(p.clone());
        }
    }
    // A run that wrote files says which, on stderr, in the run's language.
    if !written.is_empty() {
        let files: Vec<String> = written.iter().map(|p| p.display().to_string()).collect();
        let l = &words;
        eprintln!(
            "{}",
            Labels::fill(
                &l.written,
                &[
                    ("files", files.join(&l.enumeration)),
                    ("findings", findings_written.to_string()),
                ]
            )
        );
    }
    // After Ctrl-C the terminal shows what happened and what the exit code
    // means, last, below the report or the progress bar's remains.
    if code == 3
        && let Some(note) = stop_note
    {
        eprintln!(
            "{}",
            Labels::fill(
                &words.stopped_exit,
                &[("note", note), ("code", code.to_string())]
            )
        );
    }
    Ok(ExitCode::from(code))
}

/// `--visit-only`: keeps the start page's visit in the history database and
/// says on one line how it went; 1 when the page answered an error.
fn visited(
    report: &disclosure_audit::Report,
    history: Option<&std::path::Path>,
    words: &Labels,
) -> Result<u8, AuditError> {
    let Some(probe) = report.probe else {
        return Ok(0);
    };
    if let Some(path) = history {
        history::record_visit(path, &report.site, probe, jiff::Timestamp::now())?;
    }
    let seconds = format!("{:.2}", probe.millis as f64 / 1000.0);
    eprintln!(
        "{}",
        Labels::fill(
            &words.visited,
            &[
                ("site", report.site.clone()),
                ("status", probe.status.to_string()),
                ("seconds", seconds),
            ]
        )
    );
    Ok(u8::from(probe.status == 0 || probe.status >= 400))
}

/// A start page that gave no answer is a failed visit, which the
/// availability of later scorecards counts: kept in the history database.
fn record_unreachable(e: &AuditError, site: &str, history: Option<&std::path::Path>) {
    if let (AuditError::Unreachable(_), Some(path)) = (e, history)
        && let Err(he) = history::record_unreachable(path, site, jiff::Timestamp::now())
    {
        eprintln!("audit: error: {he}");
    }
}

/// Writes the report to `--output FILE` (atomically) or to standard output.
fn emit(output: Option<&std::path::Path>, bytes: &[u8]) -> Result<(), AuditError> {
    match output {
        Some(path) => write_atomic_bytes(path, bytes),
        None => {
            use std::io::Write;
            let mut out = std::io::stdout().lock();
            out.write_all(bytes)
                .and_then(|()| out.flush())
                .map_err(|e| AuditError::Output(format!("cannot write the report: {e}")))
        }
    }
}

fn run_inspect(a: &InspectArgs) -> Result<ExitCode, AuditError> {
    let (rules, config) = load(&a.rules)?;
    let mut cfg = AuditConfig::new(a.target.clone(), jiff::civil::Date::default());
    cfg.delay = Duration::from_millis(a.delay_ms);
    cfg.timeout = Duration::from_secs(a.timeout_s.max(1));
    cfg.crawl.obey_robots = !a.ignore_robots;
    cfg.crawl.allow_internal_hosts = a.allow_internal_host.clone();
    if let Some(ua) = &a.user_agent {
        cfg.user_agent = ua.clone();
    }
    // A file of the site audit.toml describes maps to a URL as the audit maps it.
    let file_site = config.as_ref().and_then(|c| {
        let site = c.site.as_deref().filter(|s| !is_url(s))?;
        let dir = c
            .path
            .parent()
            .unwrap_or(std::path::Path::new("."))
            .join(site);
        let inside = std::path::Path::new(&a.target)
            .canonicalize()
            .ok()
            .zip(dir.canonicalize().ok())
            .is_some_and(|(f, d)| f.starts_with(d));
        inside.then_some(dir)
    });
    let map = disclosure_audit::inspect::FileMapping {
        base_url: a
            .base_url
            .clone()
            .or_else(|| config.as_ref().and_then(|c| c.base_url.clone())),
        site_dir: a.site.clone().or(file_site),
    };
    let view = disclosure_audit::inspect::inspect(&a.target, &cfg, &rules, &map)?;
    match a.format {
        InspectFormat::Json => {
            let json = serde_json::to_string_pretty(&view)
                .map_err(|e| AuditError::Output(format!("cannot write the inspection: {e}")))?;
            println!("{json}");
        }
        InspectFormat::Text => print!(
            "{}",
            disclosure_audit::report::inspect::render(&view, rules.labels.get(a.lang))
        ),
    }
    Ok(ExitCode::SUCCESS)
}

fn run_rules(action: RulesAction, r: &RuleArgs) -> Result<ExitCode, AuditError> {
    match action {
        RulesAction::List => {
            let (rules, _) = load(r)?;
            print!("{}", explain::list(&rules));
        }
        RulesAction::Check { dir } => {
            let mut r = r.clone();
            r.rules.extend(dir);
            return check_rules(&r);
        }
        RulesAction::Explain { id, lang } => {
            let (rules, config) = load(r)?;
            let lang = lang.or_else(|| config.as_ref()?.lang).unwrap_or(Lang::Zh);
            // A pack's indicator is explained by the rules that measure it.
            if let Some(ind) = rules.indicators.iter().find(|i| i.id == id) {
                print!("{}", explain::indicator(ind, rules.labels.get(lang)));
                return Ok(ExitCode::SUCCESS);
            }
            let rule = rules.rule(&id).ok_or_else(|| {
                AuditError::Usage(format!(
                    "no rule `{id}`; `audit rules list` shows the rule ids"
                ))
            })?;
            print!("{}", explain::explain(rule, rules.labels.get(lang)));
        }
        RulesAction::Show { file } => {
            let (_, text) = disclosure_audit::builtin_file(&file).ok_or_else(|| {
                AuditError::Usage(format!(
                    "no built-in rule file `{file}`; the built-in files are: {}",
                    disclosure_audit::builtin_names().join(", ")
                ))
            })?;
            print!("{text}");
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// `n thing` or `n things`.
fn count(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// `audit rules check`: every error of the rule files (up to
/// MAX_CHECK_ERRORS) on stderr, one line each, and a count; or what was read.
fn check_rules(r: &RuleArgs) -> Result<ExitCode, AuditError> {
    let config = config_file::locate(r.config.as_deref())?;
    let dirs = rule_dirs(r, config.as_ref());
    let no_default = no_default_rules(r, config.as_ref());
    let packs = disclosure_audit::packs_named(&rule_packs(r, config.as_ref()))?;
    let (mut rules, mut errors) = disclosure_audit::load_rules_all(!no_default, &packs, &dirs);
    // audit.toml's categories and ignore entries are checked against a
    // whole rule set: after an error, there is none.
    if let (Some(c), true) = (&config, errors.is_empty()) {
        if let Err(e) = c.merge_into(&mut rules) {
            errors.push(e);
        }
    }
    if !errors.is_empty() {
        for e in errors.iter().take(MAX_CHECK_ERRORS) {
            eprintln!("audit: error: {e}");
        }
        let files: std::collections::BTreeSet<&std::path::Path> =
            errors.iter().map(|e| e.file.as_path()).collect();
        let shown = if errors.len() > MAX_CHECK_ERRORS {
            format!("; the first {MAX_CHECK_ERRORS} are shown")
        } else {
            String::new()
        };
        eprintln!(
            "audit: found {} in {}{shown}",
            count(errors.len(), "error", "errors"),
            count(files.len(), "file", "files")
        );
        return Ok(ExitCode::from(2));
    }
    // Each file once: built in, then each directory that gave files.
    // Without the default rules, only the report's words are built in: say which.
    let builtin = match rules.builtin_files {
        1 => format!(
            "{} built in",
            disclosure_audit::REPORT_WORDS
                .0
                .trim_start_matches("rules/")
        ),
        n => format!("{n} built in"),
    };
    let mut sources = vec![builtin];
    let from_disk = rules.files.get(rules.builtin_files..).unwrap_or_default();
    let mut seen = Vec::new();
    for dir in &dirs {
        // A directory named twice (audit.toml and --rules) was read once.
        let key = dir.canonicalize().unwrap_or_else(|_| dir.clone());
        if seen.contains(&key) {
            continue;
        }
        seen.push(key);
        let n = from_disk.iter().filter(|f| f.starts_with(dir)).count();
        if n > 0 {
            sources.push(format!("{n} from {}", dir.display()));
        }
    }
    let from = config
        .map(|c| format!(", and {}", c.path.display()))
        .unwrap_or_default();
    println!(
        "ok: {}, {} in {} ({}){from}",
        count(rules.rules.len(), "rule", "rules"),
        count(rules.categories.len(), "category", "categories"),
        count(rules.files.len(), "file", "files"),
        sources.join(", ")
    );
    Ok(ExitCode::SUCCESS)
}

/// `target` (a file, or the --output-dir folder) can be written: its folder
/// `dir` exists (created if missing, with `create`) and takes a new file.
fn writable_dir(
    target: &std::path::Path,
    dir: &std::path::Path,
    flag: &str,
    create: bool,
) -> Result<(), AuditError> {
    let fail = |e: std::io::Error| {
        AuditError::Output(format!("{flag}: cannot write {}: {e}", target.display()))
    };
    if create {
        std::fs::create_dir_all(dir).map_err(fail)?;
    } else if !dir.is_dir() {
        return Err(AuditError::Output(format!(
            "{flag}: cannot write {}: the folder {} does not exist",
            target.display(),
            dir.display()
        )));
    }
    let probe = dir.join(format!(".audit-write-check-{}", std::process::id()));
    std::fs::write(&probe, b"").map_err(fail)?;
    let _ = std::fs::remove_file(&probe);
    Ok(())
}

/// `audit history`: the trend of one site's runs. The site and the database
/// default to audit.toml's; a site the database has no run of is an error
/// that lists the sites it has.
fn show_history(
    site: Option<String>,
    history: Option<PathBuf>,
    config: Option<&std::path::Path>,
    lang: Lang,
) -> Result<ExitCode, AuditError> {
    let file = config_file::locate(config)?;
    let history = history
        .or_else(|| file.as_ref()?.history.clone())
        .ok_or_else(|| {
            AuditError::Usage(
                "which history? give --history FILE (or history in audit.toml)".into(),
            )
        })?;
    // A directory audit is recorded under its --base-url.
    let site = site
        .or_else(|| {
            let c = file.as_ref()?;
            c.base_url.clone().or_else(|| c.site.clone())
        })
        .ok_or_else(|| {
            AuditError::Usage("which site? give --site URL (or site in audit.toml)".into())
        })?;
    let words = load_rules(false, &[])?;
    let runs = history::runs(&history, &site)?;
    if runs.is_empty() {
        let known = history::sites(&history)?;
        return Err(AuditError::Usage(if known.is_empty() {
            format!("{} holds no audit yet", history.display())
        } else {
            format!(
                "{} holds no audit of `{site}`; it has: {}",
                history.display(),
                known.join(", ")
            )
        }));
    }
    // A terminal's own width; 100 columns for a pipe or file, so that the
    // table still reads in a mail or a log.
    let width = console::Term::stdout()
        .size_checked()
        .map_or(HISTORY_WIDTH, |(_, cols)| usize::from(cols));
    print!("{}", history::trend(&runs, words.labels.get(lang), width));
    Ok(ExitCode::SUCCESS)
}

#[cfg(test)]
mod tests {
    use super::site_slug;

    #[test]
    fn site_file_names_differ_by_scheme() {
        assert_eq!(
            site_slug("https://www.example.gov.cn/"),
            "www.example.gov.cn"
        );
        assert_eq!(
            site_slug("http://www.example.gov.cn/"),
            "http_www.example.gov.cn"
        );
        assert_ne!(site_slug("http://x/"), site_slug("https://x/"));
        assert_eq!(site_slug("./public"), "._public");
    }
}

//! disclosure-audit: a content audit and freshness linter for government
//! information-disclosure websites.
//!
//! The pipeline (see DESIGN.md): a `source` yields documents, `extract` turns
//! each into a `PageRecord`, `site` joins them into columns, `checks` apply the
//! rule kinds configured by `rules`, and `report` orders and renders findings.

pub mod checks;
pub mod config_file;
pub mod error;
pub mod explain;
pub mod extract;
pub mod inspect;
pub mod output;
pub mod progress;
pub mod report;
pub mod rules;
pub mod scorecard;
pub mod site;
pub mod source;
pub mod suppress;

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use jiff::civil::Date;
use url::Url;

pub use checks::Lang;
pub use error::AuditError;
pub use report::Report;
pub use rules::RuleSet;

use extract::Extractor;
use extract::record::PageKind;
use progress::ProgressGroup;
use source::Source;
use source::dir::DirSource;
use source::fetch::FetchOptions;
use source::http::{CrawlOptions, HttpOptions, HttpSource};
use source::politeness::{Gates, Limits};

/// The rule files shipped with the tool, built into the binary so that it
/// works from any directory. `--rules DIR` adds to or replaces them by id.
pub const BUILTIN_RULES: &[(&str, &str)] = &[
    (
        "rules/categories.toml",
        include_str!("../rules/categories.toml"),
    ),
    ("rules/extract.toml", include_str!("../rules/extract.toml")),
    (
        "rules/timeliness.toml",
        include_str!("../rules/timeliness.toml"),
    ),
    (
        "rules/metadata.toml",
        include_str!("../rules/metadata.toml"),
    ),
    ("rules/privacy.toml", include_str!("../rules/privacy.toml")),
    (
        "rules/annual_report.toml",
        include_str!("../rules/annual_report.toml"),
    ),
    (
        "rules/structure.toml",
        include_str!("../rules/structure.toml"),
    ),
    ("rules/notices.toml", include_str!("../rules/notices.toml")),
    ("rules/links.toml", include_str!("../rules/links.toml")),
    ("rules/typos.toml", include_str!("../rules/typos.toml")),
    (
        "rules/punctuation.toml",
        include_str!("../rules/punctuation.toml"),
    ),
];

/// A built-in rule file: its path as shown, and its text.
pub type RuleFile = (&'static str, &'static str);

/// A shipped pack: its name and its files.
pub type Pack = (&'static str, &'static [RuleFile]);

/// Rule packs shipped with the tool, chosen with `--pack NAME` or `packs` in
/// audit.toml: rules and categories added to the defaults, and the
/// indicators of a scorecard.
pub const PACKS: &[Pack] = &[(
    "national-2019",
    &[
        (
            "rules/national-2019/categories.toml",
            include_str!("../rules/national-2019/categories.toml"),
        ),
        (
            "rules/national-2019/indicators.toml",
            include_str!("../rules/national-2019/indicators.toml"),
        ),
    ],
)];

/// The names of the shipped packs.
pub fn pack_names() -> Vec<&'static str> {
    PACKS.iter().map(|(n, _)| *n).collect()
}

/// The words of the reports. Read even without the built-in rules: a report
/// needs its column headers whatever rules made its findings.
pub const REPORT_WORDS: (&str, &str) = ("rules/report.toml", include_str!("../rules/report.toml"));

/// Loads the report's words, the built-in rules (unless `builtin` is false)
/// and then each directory in turn; stops at the first error.
pub fn load_rules(builtin: bool, dirs: &[PathBuf]) -> Result<RuleSet, AuditError> {
    load_rules_with(builtin, &[], dirs)
}

/// `load_rules` with the shipped packs named in `packs` loaded after the
/// built-in rules (an unknown name is an error that lists the known ones).
pub fn load_rules_with(
    builtin: bool,
    packs: &[String],
    dirs: &[PathBuf],
) -> Result<RuleSet, AuditError> {
    let (set, errors) = load_rules_all(builtin, &packs_named(packs)?, dirs);
    match errors.into_iter().next() {
        Some(e) => Err(e.into()),
        None => Ok(set),
    }
}

/// `load_rules`, going on after an error to gather every one, in the order
/// `load_rules` would meet them (its error is the first of these).
pub fn load_rules_all(
    builtin: bool,
    packs: &[Pack],
    dirs: &[PathBuf],
) -> (RuleSet, Vec<rules::toml_reader::RuleError>) {
    let mut set = RuleSet::default();
    let mut errors = Vec::new();
    let (name, text) = REPORT_WORDS;
    set.load_str_all(Path::new(name), text, &mut errors);
    if builtin {
        for (name, text) in BUILTIN_RULES {
            set.load_str_all(Path::new(name), text, &mut errors);
        }
    }
    for (pack, files) in packs {
        let before = set.rules.len();
        for (name, text) in *files {
            set.load_str_all(Path::new(name), text, &mut errors);
        }
        for r in set.rules.iter_mut().skip(before) {
            r.pack = Some(pack.to_string());
        }
    }
    // What `--rules` replaces later is no longer built in.
    for r in &mut set.rules {
        r.builtin = true;
    }
    set.builtin_files = set.files.len();
    for dir in dirs {
        set.load_dir_all(dir, &mut errors);
    }
    set.validate_all(&mut errors);
    (set, errors)
}

/// The built-in file a name stands for (`links.toml`, `links` or
/// `rules/links.toml`): its path and text, for `audit rules show`.
pub fn builtin_file(name: &str) -> Option<(&'static str, &'static str)> {
    let stem = name.trim_start_matches("rules/").trim_end_matches(".toml");
    std::iter::once(&REPORT_WORDS)
        .chain(BUILTIN_RULES)
        .chain(PACKS.iter().flat_map(|(_, files)| files.iter()))
        .find(|(path, _)| path.trim_start_matches("rules/").trim_end_matches(".toml") == stem)
        .copied()
}

/// The names of the built-in files, as `audit rules show` takes them.
pub fn builtin_names() -> Vec<&'static str> {
    let mut names: Vec<&str> = BUILTIN_RULES
        .iter()
        .chain(std::iter::once(&REPORT_WORDS))
        .chain(PACKS.iter().flat_map(|(_, files)| files.iter()))
        .map(|(path, _)| path.trim_start_matches("rules/"))
        .collect();
    names.sort_unstable();
    names
}

/// The shipped packs `names` stands for, or the error naming the unknown one.
pub fn packs_named(names: &[String]) -> Result<Vec<Pack>, AuditError> {
    names
        .iter()
        .map(|n| {
            PACKS.iter().find(|(p, _)| p == n).copied().ok_or_else(|| {
                AuditError::Usage(format!(
                    "no rule pack `{n}`; the shipped packs are: {}",
                    pack_names().join(", ")
                ))
            })
        })
        .collect()
}

#[derive(Debug, Clone)]
pub struct AuditConfig {
    /// A start URL (`http://`, `https://`) or a local directory.
    pub site: String,
    /// The URL that a directory's root stands for.
    pub base_url: Option<String>,
    pub as_of: Date,
    pub lang: Lang,
    /// What to crawl and how far; `max_pages` binds directory mode too.
    pub crawl: CrawlOptions,
    /// Requests in flight at once, all hosts together.
    pub concurrency: usize,
    /// Requests in flight at once to one host.
    pub per_host: usize,
    /// Minimum time between the starts of two requests to one host.
    pub delay: Duration,
    /// Total time one request may take, body included.
    pub timeout: Duration,
    pub connect_timeout: Duration,
    /// Extra attempts for connection errors, 5xx and 429.
    pub retries: u32,
    /// First retry backoff; doubled for each further retry, with jitter.
    pub backoff: Duration,
    pub max_body_bytes: usize,
    pub user_agent: String,
    pub progress: bool,
    /// `[[ignore]]` entries of `audit.toml`: findings to suppress (and count).
    pub ignore: Vec<suppress::Ignore>,
}

impl AuditConfig {
    pub fn new(site: impl Into<String>, as_of: Date) -> AuditConfig {
        AuditConfig {
            site: site.into(),
            base_url: None,
            as_of,
            lang: Lang::Zh,
            crawl: CrawlOptions::default(),
            concurrency: 8,
            per_host: 2,
            delay: Duration::from_millis(500),
            timeout: Duration::from_secs(30),
            connect_timeout: Duration::from_secs(10),
            retries: 2,
            backoff: Duration::from_secs(1),
            max_body_bytes: 10 * 1024 * 1024,
            user_agent: default_user_agent(),
            progress: false,
            ignore: Vec::new(),
        }
    }

    /// The per-host and global limits of this configuration.
    pub fn gates(&self) -> Gates {
        Gates::new(Limits {
            per_host: self.per_host,
            interval: self.delay,
            global: self.concurrency,
        })
    }

    /// The crawler's options for this configuration.
    pub fn http_options(&self, rules: &RuleSet) -> HttpOptions {
        HttpOptions {
            fetch: FetchOptions {
                // No one request outlives the run's time limit.
                timeout: self.crawl.deadline.map_or(self.timeout, |d| {
                    let left = d.saturating_duration_since(std::time::Instant::now());
                    self.timeout.min(left.max(Duration::from_millis(1)))
                }),
                connect_timeout: self.connect_timeout.min(self.timeout),
                retries: self.retries,
                backoff: self.backoff,
                max_retry_after: Duration::from_secs(120),
                max_body_bytes: self.max_body_bytes,
                user_agent: self.user_agent.clone(),
            },
            crawl: self.crawl.clone(),
            attachment_extensions: rules.extract.attachment_extensions.clone(),
            cache_fingerprint: source::cache::digest(&format!(
                "{} {:?}",
                env!("CARGO_PKG_VERSION"),
                rules.extract
            )),
            in_flight: (self.concurrency * 4).max(16),
            workers: std::thread::available_parallelism().map_or(2, |n| n.get()),
            words: Arc::new(rules.labels.get(self.lang).clone()),
        }
    }
}

/// What the audits of one run share: the per-host limits (two sites on one
/// host share its limits) and the progress display.
#[derive(Clone)]
pub struct RunShared {
    pub gates: Arc<Gates>,
    pub progress: ProgressGroup,
}

impl RunShared {
    pub fn new(cfg: &AuditConfig, rules: &RuleSet) -> RunShared {
        RunShared {
            gates: Arc::new(cfg.gates()),
            progress: ProgressGroup::new(cfg.progress, &rules.labels.get(cfg.lang).progress),
        }
    }
}

/// Audits several sites, `parallel` at a time, each with its own report, in
/// the order given. The limits of the first configuration apply to all.
pub fn audit_sites(
    cfgs: &[AuditConfig],
    rules: &RuleSet,
    parallel: usize,
) -> Vec<Result<Report, AuditError>> {
    let Some(first) = cfgs.first() else {
        return Vec::new();
    };
    let shared = RunShared::new(first, rules);
    let next = std::sync::atomic::AtomicUsize::new(0);
    let results: Vec<std::sync::Mutex<Option<Result<Report, AuditError>>>> =
        cfgs.iter().map(|_| std::sync::Mutex::new(None)).collect();
    std::thread::scope(|s| {
        for _ in 0..parallel.clamp(1, cfgs.len()) {
            s.spawn(|| {
                loop {
                    let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                    let Some(cfg) = cfgs.get(i) else { break };
                    let r = audit_shared(cfg, rules, &shared);
                    if let Some(slot) = results.get(i) {
                        *slot.lock().unwrap_or_else(|p| p.into_inner()) = Some(r);
                    }
                }
            });
        }
    });
    results
        .into_iter()
        .map(|m| {
            m.into_inner()
                .unwrap_or_else(|p| p.into_inner())
                .unwrap_or_else(|| Err(AuditError::Site("the audit did not run".into())))
        })
        .collect()
}

pub fn default_user_agent() -> String {
    format!(
        "disclosure-audit/{} (+content audit of government disclosure sites)",
        env!("CARGO_PKG_VERSION")
    )
}

/// Today in the given IANA time zone (`Asia/Shanghai` for the sites we audit).
pub fn today_in(tz: &str) -> Result<Date, AuditError> {
    jiff::Timestamp::now()
        .in_tz(tz)
        .map(|z| z.date())
        .map_err(|e| AuditError::Usage(format!("unknown time zone `{tz}`: {e}")))
}

/// The base URL directory mode uses when none is given.
pub const DEFAULT_BASE_URL: &str = "http://localhost/";

/// Whether `--site` names a URL to crawl rather than a local directory.
pub fn is_url(site: &str) -> bool {
    let lower = site.to_ascii_lowercase();
    lower.starts_with("http://") || lower.starts_with("https://")
}

/// Runs the whole pipeline and returns the correction list.
pub fn audit(cfg: &AuditConfig, rules: &RuleSet) -> Result<Report, AuditError> {
    audit_shared(cfg, rules, &RunShared::new(cfg, rules))
}

/// `audit`, with limits and progress display shared with other sites of the run.
pub fn audit_shared(
    cfg: &AuditConfig,
    rules: &RuleSet,
    shared: &RunShared,
) -> Result<Report, AuditError> {
    let progress = shared.progress.site(&cfg.site);
    let extractor = Extractor::new(&rules.extract);
    // The URL that decides which links are internal, for the link checks.
    let root_url: Url;
    let dir_mode = !is_url(&cfg.site);
    let mut source: Box<dyn Source> = if !dir_mode {
        let start = Url::parse(&cfg.site)
            .map_err(|e| AuditError::Usage(format!("`{}` is not a valid URL: {e}", cfg.site)))?;
        root_url = start.clone();
        Box::new(HttpSource {
            start,
            opts: cfg.http_options(rules),
            gates: shared.gates.clone(),
            progress,
        })
    } else {
        let root = PathBuf::from(&cfg.site);
        if !root.is_dir() {
            return Err(AuditError::Usage(format!(
                "`{}` is neither an http(s) URL nor a directory",
                cfg.site
            )));
        }
        let base = source::dir::base_url(cfg.base_url.as_deref())?;
        root_url = base.clone();
        Box::new(DirSource {
            root,
            base,
            max_pages: cfg.crawl.max_pages,
            html_extensions: rules.extract.html_extensions.clone(),
            progress,
            words: Arc::new(rules.labels.get(cfg.lang).clone()),
        })
    };

    // `DISCLOSURE_AUDIT_TIMINGS=1` prints how long each phase took, for profiling.
    let timings = std::env::var_os("DISCLOSURE_AUDIT_TIMINGS").is_some();
    let phase = |name: &str, since: std::time::Instant| {
        if timings {
            eprintln!("timing: {name} {:.3}s", since.elapsed().as_secs_f64());
        }
    };
    let started = std::time::Instant::now();
    let mut records = Vec::new();
    let mut stats = source.run(&|doc| extractor.extract(doc), &mut |record| {
        records.push(record)
    })?;
    phase("crawl", started);
    stats.notes.extend(extract::limits::note_in(
        &records,
        &rules.extract,
        rules.labels.get(cfg.lang),
    ));

    // Pages read: a link's 404 target, or any page that could not be read,
    // is a finding, not a page of the site.
    let pages = records
        .iter()
        .filter(|r| r.kind != PageKind::Attachment && r.error.is_none())
        .count();
    let started = std::time::Instant::now();
    let mut site_model = site::Site::build(records, rules);
    phase("site model", started);
    site_model.complete_listing = dir_mode && !stats.incomplete;
    site_model.root_url = Some(root_url);
    stats
        .notes
        .extend(unread_lists_note(&site_model, rules.labels.get(cfg.lang)));
    // Said once: every address in the report stands under a made-up host.
    if dir_mode && cfg.base_url.is_none() {
        stats.notes.push(
            rules
                .labels
                .get(cfg.lang)
                .note("no_base_url", &[("base", DEFAULT_BASE_URL.to_string())]),
        );
    }
    let ctx = checks::Ctx {
        site: &site_model,
        rules,
        as_of: cfg.as_of,
        lang: cfg.lang,
    };
    let started = std::time::Instant::now();
    let findings = checks::run(&ctx);
    phase("checks", started);
    let started = std::time::Instant::now();
    let site_name = if dir_mode {
        cfg.base_url.clone().unwrap_or_else(|| cfg.site.clone())
    } else {
        cfg.site.clone()
    };
    // Suppression and file lines need the page URLs and evidence as they are;
    // masking comes last, so that no output repeats a personal number whole.
    let (mut findings, suppressed) = suppress::apply(findings, &site_model, &cfg.ignore);
    if dir_mode {
        report::locate::annotate(&mut findings, &site_model, Path::new(&cfg.site));
    }
    let masker = checks::privacy::Masker::from_rules(rules, cfg.as_of);
    for f in &mut findings {
        masker.redact_finding(f);
    }
    let order = column_order(&site_model);
    let mut report = Report::ordered(site_name, cfg.as_of, pages, findings, &order);
    report.summary.suppressed = suppressed.total;
    report.summary.suppressed_by_rule = suppressed.by_rule;
    report.incomplete = stats.incomplete;
    report.stopped = stats.stopped.map(str::to_string);
    report.stop_note = stats.stop_note.clone();
    report.probe = stats.probe;
    // Scored on what is reported: a finding accepted by [[ignore]] does not count.
    report.scorecard = rules
        .scorecard
        .as_ref()
        .map(|s| scorecard::score(s, &rules.indicators, &report.findings, cfg.lang == Lang::En));
    // Notes quote URLs, which can carry a personal number (an attachment's name).
    report.notes = stats.notes.iter().map(|n| masker.redact(n)).collect();
    if report.summary.suppressed > 0 {
        // Accepted findings stay visible as a count, never silently dropped.
        let per_rule: Vec<String> = report
            .summary
            .suppressed_by_rule
            .iter()
            .map(|(r, n)| format!("{r} {n}"))
            .collect();
        let note = rules.labels.get(cfg.lang).note(
            "suppressed",
            &[
                ("count", report.summary.suppressed.to_string()),
                ("rules", per_rule.join(", ")),
            ],
        );
        report.notes.push(note);
    }
    report.columns = report::timeline::columns(&site_model, rules, cfg.as_of);
    report.dir = dir_mode.then(|| cfg.site.clone());
    phase("report", started);
    Ok(report)
}

/// The note naming the columns whose list could not be read, and what
/// loads each list when the page shows it, so that a profile can be written.
/// The site's columns in the order its home page links to them (its menu),
/// which is the order its editors know them in.
fn column_order(site: &site::Site) -> Vec<String> {
    let home = site.home();
    let mut out: Vec<String> = Vec::new();
    for link in home.map(|h| h.links.as_slice()).unwrap_or_default() {
        if let Some(c) = site
            .columns
            .iter()
            .find(|c| c.url.as_deref() == Some(link.as_str()))
            && !out.contains(&c.name)
        {
            out.push(c.name.clone());
        }
    }
    out
}

fn unread_lists_note(site: &site::Site, words: &report::labels::Labels) -> Option<String> {
    let unread: Vec<(&str, &str)> = site
        .columns
        .iter()
        .filter_map(|c| Some((c.name.as_str(), c.unread_list.as_deref()?)))
        .collect();
    if unread.is_empty() {
        return None;
    }
    let examples: Vec<String> = unread
        .iter()
        .take(5)
        .map(|(column, url)| {
            let loader = site.get(url).and_then(|r| match &r.list_shows {
                extract::record::ListShows::Unread(l) => l.clone(),
                _ => None,
            });
            let mut values = vec![("column", column.to_string()), ("url", url.to_string())];
            match loader {
                Some(l) => {
                    values.push(("loader", l));
                    words.note("list_unread_loader", &values)
                }
                None => words.note("list_unread_example", &values),
            }
        })
        .collect();
    Some(words.note(
        "list_unread",
        &[
            ("count", unread.len().to_string()),
            (
                "examples",
                examples.join(&words.note("list_unread_separator", &[])),
            ),
        ],
    ))
}

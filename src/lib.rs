//! disclosure-audit: a content audit and freshness linter for government
//! information-disclosure websites.
//!
//! The pipeline (see DESIGN.md): a `source` yields documents, `extract` turns
//! each into a `PageRecord`, `site` joins them into columns, `checks` apply the
//! rule kinds configured by `rules`, and `report` orders and renders findings.

pub mod checks;
pub mod error;
pub mod extract;
pub mod output;
pub mod progress;
pub mod report;
pub mod rules;
pub mod site;
pub mod source;

use std::path::{Path, PathBuf};
use std::time::Duration;

use jiff::civil::Date;
use url::Url;

pub use checks::Lang;
pub use error::AuditError;
pub use report::Report;
pub use rules::RuleSet;

use extract::Extractor;
use extract::record::PageKind;
use progress::Progress;
use source::Source;
use source::dir::DirSource;
use source::http::{HttpOptions, HttpSource};

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
];

/// Loads the built-in rules (unless `builtin` is false) and then each directory in turn.
pub fn load_rules(builtin: bool, dirs: &[PathBuf]) -> Result<RuleSet, AuditError> {
    let mut set = RuleSet::default();
    if builtin {
        for (name, text) in BUILTIN_RULES {
            set.load_str(Path::new(name), text)?;
        }
    }
    for dir in dirs {
        for file in rules::toml_files(dir)? {
            set.load_file(&file)?;
        }
    }
    set.validate()?;
    Ok(set)
}

#[derive(Debug, Clone)]
pub struct AuditConfig {
    /// A start URL (`http://`, `https://`) or a local directory.
    pub site: String,
    /// The URL that a directory's root stands for.
    pub base_url: Option<String>,
    pub as_of: Date,
    pub lang: Lang,
    pub max_pages: usize,
    pub concurrency: usize,
    pub delay: Duration,
    pub timeout: Duration,
    pub max_body_bytes: usize,
    pub user_agent: String,
    pub progress: bool,
}

impl AuditConfig {
    pub fn new(site: impl Into<String>, as_of: Date) -> AuditConfig {
        AuditConfig {
            site: site.into(),
            base_url: None,
            as_of,
            lang: Lang::Zh,
            max_pages: 10_000,
            concurrency: 4,
            delay: Duration::ZERO,
            timeout: Duration::from_secs(30),
            max_body_bytes: 10 * 1024 * 1024,
            user_agent: default_user_agent(),
            progress: false,
        }
    }
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

fn is_url(site: &str) -> bool {
    let lower = site.to_ascii_lowercase();
    lower.starts_with("http://") || lower.starts_with("https://")
}

/// Runs the whole pipeline and returns the correction list.
pub fn audit(cfg: &AuditConfig, rules: &RuleSet) -> Result<Report, AuditError> {
    let progress = Progress::new(cfg.progress);
    let extractor = Extractor::new(&rules.extract);
    let mut source: Box<dyn Source> = if is_url(&cfg.site) {
        let start = Url::parse(&cfg.site)
            .map_err(|e| AuditError::Usage(format!("`{}` is not a valid URL: {e}", cfg.site)))?;
        Box::new(HttpSource {
            start,
            opts: HttpOptions {
                concurrency: cfg.concurrency,
                timeout: cfg.timeout,
                delay: cfg.delay,
                max_pages: cfg.max_pages,
                max_body_bytes: cfg.max_body_bytes,
                user_agent: cfg.user_agent.clone(),
                attachment_extensions: rules.extract.attachment_extensions.clone(),
            },
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
        let base_s = cfg.base_url.as_deref().unwrap_or(DEFAULT_BASE_URL);
        let mut base = Url::parse(base_s)
            .map_err(|e| AuditError::Usage(format!("`{base_s}` is not a valid base URL: {e}")))?;
        if !base.path().ends_with('/') {
            let p = format!("{}/", base.path());
            base.set_path(&p);
        }
        Box::new(DirSource {
            root,
            base,
            max_pages: cfg.max_pages,
            html_extensions: rules.extract.html_extensions.clone(),
            progress,
        })
    };

    let mut records = Vec::new();
    let stats = source.run(&mut |doc| {
        let record = extractor.extract(&doc);
        let links = record
            .links
            .iter()
            .filter_map(|l| Url::parse(l).ok())
            .collect();
        records.push(record);
        links
    })?;

    let pages = records
        .iter()
        .filter(|r| r.kind != PageKind::Attachment)
        .count();
    let site_model = site::Site::build(records, rules);
    let ctx = checks::Ctx {
        site: &site_model,
        rules,
        as_of: cfg.as_of,
        lang: cfg.lang,
    };
    let findings = checks::run(&ctx);
    let site_name = if is_url(&cfg.site) {
        cfg.site.clone()
    } else {
        cfg.base_url.clone().unwrap_or_else(|| cfg.site.clone())
    };
    let mut report = Report::new(site_name, cfg.as_of, pages, findings);
    report.incomplete = stats.incomplete;
    report.notes = stats.notes;
    Ok(report)
}

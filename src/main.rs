//! The `audit` command line. Everything it does is in the library; this file
//! only reads arguments, prints and chooses the exit code.

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use clap::{Args, Parser, Subcommand, ValueEnum};
use disclosure_audit::checks::{KINDS, Lang, kind_spec};
use disclosure_audit::output::write_atomic;
use disclosure_audit::report::{json, text};
use disclosure_audit::rules::Severity;
use disclosure_audit::{AuditConfig, AuditError, RuleSet, audit, load_rules, today_in};

#[derive(Parser)]
#[command(
    name = "audit",
    version,
    about = "Content audit and freshness linter for government information-disclosure websites",
    args_conflicts_with_subcommands = true,
    subcommand_negates_reqs = true
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
}

#[derive(Subcommand)]
enum RulesAction {
    /// List every rule: id, kind, severity, categories.
    List,
    /// Validate rule files; exits 2 on the first error.
    Check {
        /// A directory of rule files to check on top of the built-in ones.
        dir: Option<PathBuf>,
    },
    /// Explain one rule: what it checks, why, and its parameters.
    Explain { id: String },
}

#[derive(Args, Clone)]
struct RuleArgs {
    /// A directory of rule files that add to or replace the built-in rules (repeatable).
    #[arg(long = "rules", value_name = "DIR", global = true)]
    rules: Vec<PathBuf>,
    /// Do not load the built-in rules.
    #[arg(long, global = true)]
    no_default_rules: bool,
}

#[derive(Args)]
struct RunArgs {
    /// The site: a start URL (http/https) or a local directory of static HTML.
    #[arg(long, value_name = "URL|DIR", required = true)]
    site: Option<String>,
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
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
    /// Write the report to FILE instead of standard output.
    #[arg(long, short, value_name = "FILE")]
    output: Option<PathBuf>,
    /// Exit 1 when a finding is at or above this severity.
    #[arg(long, value_enum, default_value_t = FailOn::Error)]
    fail_on: FailOn,
    /// Language of the report.
    #[arg(long, value_enum, default_value_t = LangArg::Zh)]
    lang: LangArg,
    /// Stop after this many pages.
    #[arg(long, default_value_t = 10_000)]
    max_pages: usize,
    /// Requests in flight at once.
    #[arg(long, default_value_t = 4)]
    concurrency: usize,
    /// Pause before each request, in milliseconds.
    #[arg(long, default_value_t = 0)]
    delay_ms: u64,
    /// Give up on a request after this many seconds.
    #[arg(long, default_value_t = 30)]
    timeout_s: u64,
    /// Print nothing but the report.
    #[arg(long, short)]
    quiet: bool,
}

#[derive(Clone, Copy, ValueEnum)]
enum Format {
    Text,
    Json,
}

#[derive(Clone, Copy, ValueEnum)]
enum FailOn {
    Error,
    Warning,
    Info,
    Never,
}

#[derive(Clone, Copy, ValueEnum)]
enum LangArg {
    Zh,
    En,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Some(Command::Rules { action, rules }) => run_rules(action, &rules),
        None => run_audit(&cli.run),
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            eprintln!("audit: error: {e}");
            ExitCode::from(2)
        }
    }
}

fn load(r: &RuleArgs) -> Result<RuleSet, AuditError> {
    load_rules(!r.no_default_rules, &r.rules)
}

fn run_audit(a: &RunArgs) -> Result<ExitCode, AuditError> {
    let rules = load(&a.rules)?;
    let as_of = match &a.as_of {
        Some(s) => s.parse::<jiff::civil::Date>().map_err(|_| {
            AuditError::Usage(format!(
                "--as-of `{s}` is not a date; write it as YYYY-MM-DD"
            ))
        })?,
        None => today_in(&a.timezone)?,
    };
    let site = a.site.clone().unwrap_or_default();
    let mut cfg = AuditConfig::new(site, as_of);
    cfg.base_url = a.base_url.clone();
    cfg.lang = match a.lang {
        LangArg::Zh => Lang::Zh,
        LangArg::En => Lang::En,
    };
    cfg.max_pages = a.max_pages;
    cfg.concurrency = a.concurrency.max(1);
    cfg.delay = Duration::from_millis(a.delay_ms);
    cfg.timeout = Duration::from_secs(a.timeout_s.max(1));
    cfg.progress = !a.quiet;
    let report = audit(&cfg, &rules)?;
    let rendered = match a.format {
        Format::Text => text::render(&report, cfg.lang),
        Format::Json => json::render(&report),
    };
    match &a.output {
        Some(path) => write_atomic(path, &rendered)?,
        None => print!("{rendered}"),
    }
    let threshold = match a.fail_on {
        FailOn::Error => Some(Severity::Error),
        FailOn::Warning => Some(Severity::Warning),
        FailOn::Info => Some(Severity::Info),
        FailOn::Never => None,
    };
    let fail = threshold.is_some_and(|t| report.has_at_or_above(t));
    Ok(ExitCode::from(if fail { 1 } else { 0 }))
}

fn run_rules(action: RulesAction, r: &RuleArgs) -> Result<ExitCode, AuditError> {
    match action {
        RulesAction::List => {
            let rules = load(r)?;
            for rule in &rules.rules {
                println!(
                    "{:<24} {:<18} {:<8} {}",
                    rule.id,
                    rule.kind,
                    rule.severity.as_str(),
                    rule.categories.join(",")
                );
            }
        }
        RulesAction::Check { dir } => {
            let mut dirs = r.rules.clone();
            dirs.extend(dir);
            let rules = load_rules(!r.no_default_rules, &dirs)?;
            println!(
                "ok: {} rules, {} categories in {} files",
                rules.rules.len(),
                rules.categories.len(),
                rules.files.len()
            );
        }
        RulesAction::Explain { id } => {
            let rules = load(r)?;
            let rule = rules.rule(&id).ok_or_else(|| {
                AuditError::Usage(format!(
                    "no rule `{id}`; `audit rules list` shows the rule ids"
                ))
            })?;
            println!("{} ({}, {})", rule.id, rule.kind, rule.severity.as_str());
            if let Some(doc) = &rule.doc {
                println!("\n{doc}");
            }
            if let Some(spec) = kind_spec(rule.kind) {
                println!("\n{}", spec.doc);
            }
            if !rule.categories.is_empty() {
                println!("\ncategories: {}", rule.categories.join(", "));
            }
            println!("parameters: {:?}", rule.params);
            println!("defined in {}:{}", rule.file.display(), rule.line);
            let _ = KINDS;
        }
    }
    Ok(ExitCode::SUCCESS)
}

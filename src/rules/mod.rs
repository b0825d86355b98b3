//! Loading and validating rule files: `[[category]]` tables that map a site's
//! columns to categories, `[[rule]]` tables that configure a rule kind, and the
//! `[extract]` vocabulary and `[[profile]]` selectors. Every problem names its file, line and key.

pub mod template;
pub mod toml_reader;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use globset::GlobMatcher;
use regex::Regex;
use serde::Serialize;

use crate::checks::{self, Params};
use crate::extract::config::ExtractConfig;
pub use template::Template;
use toml_reader::{RuleError, Source, TableReader};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
    Info,
}

impl Severity {
    pub const ALL: [Severity; 3] = [Severity::Error, Severity::Warning, Severity::Info];

    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "info",
        }
    }

    pub fn parse(s: &str) -> Option<Severity> {
        Severity::ALL.into_iter().find(|k| k.as_str() == s)
    }
}

/// A URL glob such as `**/gzdt/**`, matched against the URL's path.
#[derive(Debug, Clone)]
pub struct UrlGlob {
    pub pattern: String,
    matcher: GlobMatcher,
}

/// How every URL glob is read: `*` stops at `/`, `**` does not.
fn glob(pattern: &str) -> Result<globset::Glob, String> {
    globset::GlobBuilder::new(pattern)
        .literal_separator(true)
        .build()
        .map_err(|e| format!("invalid URL glob `{pattern}`: {}", e.kind()))
}

impl UrlGlob {
    pub fn new(pattern: &str) -> Result<UrlGlob, String> {
        let glob = glob(pattern)?;
        Ok(UrlGlob {
            pattern: pattern.to_string(),
            matcher: glob.compile_matcher(),
        })
    }

    /// Matches the whole URL when the pattern names a scheme, else the path.
    pub fn matches(&self, url: &str) -> bool {
        if self.pattern.contains("://") {
            return self.matcher.is_match(url);
        }
        self.matches_target(&GlobTarget::new(url))
    }

    fn matches_target(&self, t: &GlobTarget<'_>) -> bool {
        if self.pattern.contains("://") {
            return self.matcher.is_match(t.url);
        }
        self.matcher.is_match(&t.path) || self.matcher.is_match(t.path.trim_start_matches('/'))
    }
}

/// Several URL globs matched together: a page is tested against all of them
/// in one pass (globset merges `**/gzdt/`-style globs into one suffix search),
/// which matters when every page of a large site is tested.
/// Globs can belong to several owners (the categories of a rule set), so
/// that one pass tells which owners a URL matches.
#[derive(Debug, Clone)]
pub struct UrlGlobs {
    pub globs: Vec<UrlGlob>,
    /// Globs without a scheme, matched against the path, and their owners.
    paths: globset::GlobSet,
    path_owners: Vec<usize>,
    /// Globs with a scheme, matched against the whole URL, and their owners.
    whole: globset::GlobSet,
    whole_owners: Vec<usize>,
}

impl Default for UrlGlobs {
    fn default() -> UrlGlobs {
        UrlGlobs {
            globs: Vec::new(),
            paths: globset::GlobSet::empty(),
            path_owners: Vec::new(),
            whole: globset::GlobSet::empty(),
            whole_owners: Vec::new(),
        }
    }
}

impl UrlGlobs {
    pub fn new(globs: Vec<UrlGlob>) -> Result<UrlGlobs, String> {
        let owned = globs.into_iter().map(|g| (g, 0)).collect();
        UrlGlobs::owned(owned)
    }

    /// The globs of several sets in one, each owned by its set's index.
    pub fn union<'a>(sets: impl IntoIterator<Item = &'a UrlGlobs>) -> Result<UrlGlobs, String> {
        let owned = sets
            .into_iter()
            .enumerate()
            .flat_map(|(i, s)| s.globs.iter().map(move |g| (g.clone(), i)))
            .collect();
        UrlGlobs::owned(owned)
    }

    fn owned(globs: Vec<(UrlGlob, usize)>) -> Result<UrlGlobs, String> {
        let (mut paths, mut whole) = (
            globset::GlobSetBuilder::new(),
            globset::GlobSetBuilder::new(),
        );
        let (mut path_owners, mut whole_owners) = (Vec::new(), Vec::new());
        for (g, owner) in &globs {
            let (set, owners) = if g.pattern.contains("://") {
                (&mut whole, &mut whole_owners)
            } else {
                (&mut paths, &mut path_owners)
            };
            set.add(glob(&g.pattern)?);
            owners.push(*owner);
        }
        let build =
            |b: globset::GlobSetBuilder| b.build().map_err(|e| format!("invalid URL globs: {e}"));
        Ok(UrlGlobs {
            paths: build(paths)?,
            path_owners,
            whole: build(whole)?,
            whole_owners,
            globs: globs.into_iter().map(|(g, _)| g).collect(),
        })
    }

    /// Sets `hits[owner]` for every owner with a glob that matches the URL.
    pub fn mark_owners(&self, t: &GlobTarget<'_>, hits: &mut [bool]) {
        let mut found = Vec::new();
        let mut mark = |set: &globset::GlobSet, owners: &[usize], text: &str| {
            set.matches_candidate_into(&globset::Candidate::new(text), &mut found);
            for &i in &found {
                if let Some(h) = owners.get(i).and_then(|&o| hits.get_mut(o)) {
                    *h = true;
                }
            }
        };
        if !self.whole_owners.is_empty() {
            mark(&self.whole, &self.whole_owners, t.url);
        }
        if !self.path_owners.is_empty() {
            mark(&self.paths, &self.path_owners, &t.path);
            mark(
                &self.paths,
                &self.path_owners,
                t.path.trim_start_matches('/'),
            );
        }
    }

    pub fn is_empty(&self) -> bool {
        self.globs.is_empty()
    }

    /// Whether any glob matches, as `UrlGlob::matches` would.
    pub fn matches(&self, url: &str) -> bool {
        !self.is_empty() && self.matches_target(&GlobTarget::new(url))
    }

    pub fn matches_target(&self, t: &GlobTarget<'_>) -> bool {
        self.whole.is_match(t.url)
            || self.paths.is_match(&t.path)
            || self.paths.is_match(t.path.trim_start_matches('/'))
    }
}

/// A URL and its path, parsed once to be matched against many globs.
pub struct GlobTarget<'a> {
    url: &'a str,
    path: String,
}

impl<'a> GlobTarget<'a> {
    pub fn new(url: &'a str) -> GlobTarget<'a> {
        let path = match url::Url::parse(url) {
            Ok(u) => u.path().to_string(),
            Err(_) => url.to_string(),
        };
        GlobTarget { url, path }
    }
}

#[derive(Debug, Clone)]
pub struct Category {
    pub id: String,
    pub columns: Vec<String>,
    /// Column names matched by pattern (`动态$`), for classes of columns that
    /// every site names its own way.
    pub column_patterns: Vec<Regex>,
    pub urls: UrlGlobs,
    pub titles: Vec<Regex>,
    pub file: PathBuf,
    pub line: usize,
}

impl Category {
    pub fn matches_column(&self, name: Option<&str>, url: Option<&str>) -> bool {
        name.is_some_and(|n| {
            let n = n.trim();
            self.columns.iter().any(|c| c == n)
                || self.column_patterns.iter().any(|r| r.is_match(n))
        }) || url.is_some_and(|u| self.urls.matches(u))
    }

    pub fn matches_title(&self, title: &str) -> bool {
        self.titles.iter().any(|r| r.is_match(title))
    }
}

#[derive(Debug, Clone)]
pub struct Rule {
    pub id: String,
    pub kind: &'static str,
    pub severity: Severity,
    pub categories: Vec<String>,
    pub message: Template,
    pub message_en: Option<Template>,
    pub fix: Option<Template>,
    pub fix_en: Option<Template>,
    pub doc: Option<String>,
    /// Days from the audit date by which the finding should be fixed.
    pub due_days: Option<u32>,
    /// For findings that are records of the past (a document published late):
    /// how many days back such a record still fails `--fail-on`. Without it
    /// the rule's records always do.
    pub record_window_days: Option<u32>,
    /// The shipped pack the rule comes from (`national-2019`), if any.
    pub pack: Option<String>,
    pub params: Params,
    pub file: PathBuf,
    pub line: usize,
    /// The text of the file the rule was read from, kept when it was loaded so
    /// that `audit rules explain` quotes what was actually read (a built-in
    /// rule's file is not on disk, and a file of the same name may be).
    pub source: SourceText,
    /// Whether the rule is one of the built-in files' (not on disk, shown by `audit rules show`).
    pub builtin: bool,
}

/// The text of one loaded rule file, shared by its rules.
#[derive(Clone, Default)]
pub struct SourceText(pub std::sync::Arc<str>);

impl std::fmt::Debug for SourceText {
    // The whole file in every rule's Debug output would bury everything else.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "SourceText({} bytes)", self.0.len())
    }
}

/// Keys that `read_rule` reads for every rule, whatever its kind; the rest of a
/// rule's keys are its kind's parameters.
pub const COMMON_KEYS: [&str; 11] = [
    "id",
    "kind",
    "severity",
    "category",
    "message",
    "message_en",
    "fix",
    "fix_en",
    "doc",
    "due_days",
    "record_window_days",
];

#[derive(Debug, Clone, Default)]
pub struct RuleSet {
    pub categories: Vec<Category>,
    pub rules: Vec<Rule>,
    pub extract: ExtractConfig,
    /// The words of the reports (`[labels.zh]`, `[labels.en]`).
    pub labels: crate::report::labels::ReportLabels,
    /// Every category's URL globs in one set, each owned by its category's
    /// index, so that a page is matched against all of them in one pass.
    /// Made by `validate`, which every way of loading rules ends with.
    pub category_urls: UrlGlobs,
    /// The files that were read without an error, in order, each once.
    pub files: Vec<PathBuf>,
    /// How many of `files` are built into the binary (they come first).
    pub builtin_files: usize,
    /// A pack's scorecard: its `[scorecard]` table and `[[indicator]]`s.
    pub scorecard: Option<crate::scorecard::Settings>,
    pub indicators: Vec<crate::scorecard::Indicator>,
    /// Files read from disk so far (canonical paths), so that none is read twice.
    read_from_disk: Vec<PathBuf>,
    /// Categories whose table had an error, by id.
    broken_categories: Vec<String>,
    /// Whether a file could not be read or parsed at all.
    unread_file: bool,
}

impl RuleSet {
    /// Loads every `*.toml` file of each directory in turn (files in name order).
    /// A later directory's rule or category with the same id replaces the earlier one.
    pub fn load(dirs: &[PathBuf]) -> Result<RuleSet, RuleError> {
        let mut set = RuleSet::default();
        let mut errors = Vec::new();
        for dir in dirs {
            set.load_dir_all(dir, &mut errors);
        }
        set.validate_all(&mut errors);
        first(errors)?;
        Ok(set)
    }

    /// Reads every `*.toml` file of `dir` (or `dir` itself when it is a file),
    /// going on after an error; a file already read is not read twice.
    pub fn load_dir_all(&mut self, dir: &Path, errors: &mut Vec<RuleError>) {
        match toml_files(dir) {
            Ok(files) => {
                for file in files {
                    self.load_file_all(&file, errors);
                }
            }
            Err(e) => {
                self.unread_file = true;
                errors.push(e);
            }
        }
    }

    /// Reads one file into the set (replacing same-id entries). Call `validate` after the last file.
    pub fn load_file(&mut self, file: &Path) -> Result<(), RuleError> {
        let mut errors = Vec::new();
        self.load_file_all(file, &mut errors);
        first(errors)
    }

    /// `load_file`, going on after an error to find the others.
    pub fn load_file_all(&mut self, file: &Path, errors: &mut Vec<RuleError>) {
        // The same directory named twice (in audit.toml and by `--rules`) is one set of files.
        let key = file.canonicalize().unwrap_or_else(|_| file.to_path_buf());
        if self.read_from_disk.contains(&key) {
            return;
        }
        self.read_from_disk.push(key);
        match read_text(file) {
            Ok(text) => self.load_str_all(file, &text, errors),
            Err(e) => {
                self.unread_file = true;
                errors.push(e);
            }
        }
    }

    pub fn load_str(&mut self, file: &Path, text: &str) -> Result<(), RuleError> {
        let mut errors = Vec::new();
        self.load_str_all(file, text, &mut errors);
        first(errors)
    }

    /// Reads one file's text into the set, adding every error to `errors` and
    /// going on with the next table: `audit rules check` lists them all, as a
    /// compiler does. A table with an error is left out of the set.
    pub fn load_str_all(&mut self, file: &Path, text: &str, errors: &mut Vec<RuleError>) {
        let before = errors.len();
        let src = Source { file, text };
        let doc = match src.parse() {
            Ok(doc) => doc,
            Err(e) => {
                self.unread_file = true;
                errors.push(e);
                return;
            }
        };
        let mut top = TableReader::new(&src, doc.get_ref(), doc.span(), "the file's top level");
        for mut t in keep(top.tables("category"), errors).unwrap_or_default() {
            let id = t.peek_string("id");
            let read = read_category(&mut t);
            match read.and_then(|cat| t.finish().map(|()| cat)) {
                Ok(cat) => {
                    self.categories.retain(|c| c.id != cat.id);
                    self.categories.push(cat);
                }
                Err(e) => {
                    // Rules that name it are not told it is missing: it is broken.
                    self.broken_categories.extend(id);
                    errors.push(e);
                }
            }
        }
        let mut seen_here: Vec<String> = Vec::new();
        let source = SourceText(std::sync::Arc::from(text));
        for mut t in keep(top.tables("rule"), errors).unwrap_or_default() {
            let read = read_rule(&mut t, &source);
            let rule = match read.and_then(|rule| t.finish().map(|()| rule)) {
                Ok(rule) => rule,
                Err(e) => {
                    errors.push(e);
                    continue;
                }
            };
            if seen_here.contains(&rule.id) {
                errors.push(RuleError {
                    file: file.to_path_buf(),
                    line: rule.line,
                    message: format!(
                        "rule id `{}` is defined twice in this file; rename one",
                        rule.id
                    ),
                });
                continue;
            }
            seen_here.push(rule.id.clone());
            self.rules.retain(|r| r.id != rule.id);
            self.rules.push(rule);
        }
        for mut t in keep(top.tables("indicator"), errors).unwrap_or_default() {
            let read = crate::scorecard::Indicator::read(&mut t);
            match read.and_then(|i| t.finish().map(|()| i)) {
                // A site's own measure replaces the pack's in its place.
                Ok(ind) => match self.indicators.iter_mut().find(|i| i.id == ind.id) {
                    Some(old) => *old = ind,
                    None => self.indicators.push(ind),
                },
                Err(e) => errors.push(e),
            }
        }
        if let Some(mut t) = keep(top.table("scorecard"), errors).flatten() {
            t.set_context("[scorecard]");
            let read = crate::scorecard::Settings::read(&mut t);
            match read.and_then(|s| t.finish().map(|()| s)) {
                Ok(s) => self.scorecard = Some(s),
                Err(e) => errors.push(e),
            }
        }
        for mut t in keep(top.tables("profile"), errors).unwrap_or_default() {
            let read = crate::extract::profile::Profile::read(&mut t);
            match read.and_then(|p| t.finish().map(|()| p)) {
                Ok(profile) => self.extract.profiles.push(profile),
                Err(e) => errors.push(e),
            }
        }
        if let Some(mut t) = keep(top.table("extract"), errors).flatten() {
            t.set_context("[extract]");
            let merged = self.extract.merge_from(&mut t);
            keep(merged.and_then(|()| t.finish()), errors);
        }
        if let Some(mut t) = keep(top.table("labels"), errors).flatten() {
            t.set_context("[labels]");
            let merged = self.labels.merge_from(&mut t);
            keep(merged.and_then(|()| t.finish()), errors);
        }
        keep(top.finish(), errors);
        if errors.len() == before {
            self.files.push(file.to_path_buf());
        }
    }

    /// Checks what only the whole set can tell: that every category a rule names exists.
    pub fn validate(&mut self) -> Result<(), RuleError> {
        let mut errors = Vec::new();
        self.validate_all(&mut errors);
        first(errors)
    }

    /// `validate`, adding every problem to `errors`.
    pub fn validate_all(&mut self, errors: &mut Vec<RuleError>) {
        match UrlGlobs::union(self.categories.iter().map(|c| &c.urls)) {
            Ok(globs) => self.category_urls = globs,
            Err(message) => errors.push(RuleError {
                file: self
                    .categories
                    .last()
                    .map(|c| c.file.clone())
                    .unwrap_or_default(),
                line: 0,
                message,
            }),
        }
        // A file that could not be read may define any category: a rule
        // naming one is not an error of its own then, only a consequence.
        if self.unread_file {
            return;
        }
        // A column rule without a category would judge every column by one limit.
        for r in &self.rules {
            if let crate::checks::Params::Freshness(p) = &r.params
                && p.scope == crate::checks::freshness::Scope::Columns
                && r.categories.is_empty()
            {
                errors.push(RuleError {
                    file: r.file.clone(),
                    line: r.line,
                    message: format!(
                        "rule `{}` is missing the required key `category` (or `scope = \"home\"`)",
                        r.id
                    ),
                });
            }
        }
        for ind in &self.indicators {
            for id in ind.rules.iter().chain(&ind.unmeasured_rules) {
                if !self.rules.iter().any(|r| &r.id == id) {
                    errors.push(RuleError {
                        file: ind.file.clone(),
                        line: ind.line,
                        message: format!(
                            "indicator `{}` counts rule `{id}`, which no [[rule]] defines",
                            ind.id
                        ),
                    });
                }
            }
        }
        for r in &self.rules {
            for c in &r.categories {
                if self.categories.iter().any(|k| &k.id == c) || self.broken_categories.contains(c)
                {
                    continue;
                }
                let known: Vec<_> = self.categories.iter().map(|k| k.id.as_str()).collect();
                errors.push(RuleError {
                    file: r.file.clone(),
                    line: r.line,
                    message: format!(
                        "rule `{}` names category `{c}`, which no [[category]] defines (known: {})",
                        r.id,
                        if known.is_empty() {
                            "none".to_string()
                        } else {
                            known.join(", ")
                        }
                    ),
                });
            }
        }
    }

    pub fn category(&self, id: &str) -> Option<&Category> {
        self.categories.iter().find(|c| c.id == id)
    }

    pub fn rule(&self, id: &str) -> Option<&Rule> {
        self.rules.iter().find(|r| r.id == id)
    }

    /// The categories a column belongs to.
    pub fn column_categories(&self, name: Option<&str>, url: Option<&str>) -> Vec<&str> {
        self.categories
            .iter()
            .filter(|c| c.matches_column(name, url))
            .map(|c| c.id.as_str())
            .collect()
    }
}

/// The first of the errors a load gathered, for the callers that stop at it.
fn first(errors: Vec<RuleError>) -> Result<(), RuleError> {
    match errors.into_iter().next() {
        Some(e) => Err(e),
        None => Ok(()),
    }
}

/// The value of `r`, or `None` with its error added to `errors`.
fn keep<T>(r: Result<T, RuleError>, errors: &mut Vec<RuleError>) -> Option<T> {
    r.map_err(|e| errors.push(e)).ok()
}

/// A rule file's text; an unreadable or non-UTF-8 file is an error at its line.
fn read_text(file: &Path) -> Result<String, RuleError> {
    let bytes = std::fs::read(file).map_err(|e| RuleError {
        file: file.to_path_buf(),
        line: 0,
        message: format!("cannot read the rule file: {e}"),
    })?;
    String::from_utf8(bytes).map_err(|e| {
        let upto = &e.as_bytes()[..e.utf8_error().valid_up_to()];
        RuleError {
            file: file.to_path_buf(),
            line: upto.iter().filter(|&&b| b == b'\n').count() + 1,
            message: "the rule file is not UTF-8; save it as UTF-8".to_string(),
        }
    })
}

/// The `*.toml` files of a directory in name order (or the file itself).
pub fn toml_files(dir: &Path) -> Result<Vec<PathBuf>, RuleError> {
    let err = |e: std::io::Error| RuleError {
        file: dir.to_path_buf(),
        line: 0,
        message: format!("cannot read the rules directory: {e}"),
    };
    if dir.is_file() {
        return Ok(vec![dir.to_path_buf()]);
    }
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir).map_err(err)? {
        let path = entry.map_err(err)?.path();
        if path.extension().is_some_and(|e| e == "toml") {
            if !path.is_file() {
                return Err(RuleError {
                    file: path,
                    line: 0,
                    message: "is not a readable rule file (a directory?); rename or remove it"
                        .to_string(),
                });
            }
            files.push(path);
        }
    }
    if files.is_empty() {
        // A --rules that points at the wrong folder would otherwise silently do nothing.
        return Err(RuleError {
            file: dir.to_path_buf(),
            line: 0,
            message:
                "no *.toml rule files in this directory; give --rules the folder that holds them"
                    .to_string(),
        });
    }
    files.sort();
    Ok(files)
}

fn check_id(
    t: &TableReader<'_, '_>,
    id: &toml::Spanned<String>,
    what: &str,
) -> Result<(), RuleError> {
    let ok = !id.get_ref().is_empty()
        && id
            .get_ref()
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
    if ok {
        Ok(())
    } else {
        Err(t.error_at(
            &id.span(),
            format!(
                "{what} id `{}` may only use ASCII letters, digits, `-` and `_`",
                id.get_ref()
            ),
        ))
    }
}

pub fn read_category(t: &mut TableReader<'_, '_>) -> Result<Category, RuleError> {
    let id = t.req_string("id")?;
    check_id(t, &id, "category")?;
    t.set_context(format!("category `{}`", id.get_ref()));
    let columns = t
        .strings("columns")?
        .unwrap_or_default()
        .into_iter()
        .map(|s| s.into_inner().trim().to_string())
        .collect();
    let mut urls = Vec::new();
    for g in t.strings("urls")?.unwrap_or_default() {
        urls.push(UrlGlob::new(g.get_ref()).map_err(|e| t.error_at(&g.span(), e))?);
    }
    let urls = UrlGlobs::new(urls).map_err(|e| t.error_at(&t.span.clone(), e))?;
    let titles = t.regexes("titles", &[])?.unwrap_or_default();
    let column_patterns = t.regexes("column_patterns", &[])?.unwrap_or_default();
    Ok(Category {
        id: id.into_inner(),
        columns,
        column_patterns,
        urls,
        titles,
        file: t.source().file.to_path_buf(),
        line: t.source().line_of(t.span.start),
    })
}

fn template(
    t: &mut TableReader<'_, '_>,
    key: &'static str,
    allowed: &[&'static str],
) -> Result<Option<Template>, RuleError> {
    match t.string(key)? {
        None => Ok(None),
        Some(s) => Template::parse(s.get_ref(), &crate::checks::placeholders_of(allowed))
            .map(Some)
            .map_err(|e| t.error_at(&s.span(), format!("`{key}` of {}: {e}", t.context))),
    }
}

/// Reads a required message template that may use `allowed` and the common placeholders.
pub fn req_template(
    t: &mut TableReader<'_, '_>,
    key: &'static str,
    allowed: &[&'static str],
) -> Result<Template, RuleError> {
    template(t, key, allowed)?.ok_or_else(|| t.missing(key))
}

/// Reads an optional message template that may use `allowed` and the common placeholders.
pub fn opt_template(
    t: &mut TableReader<'_, '_>,
    key: &'static str,
    allowed: &[&'static str],
) -> Result<Option<Template>, RuleError> {
    template(t, key, allowed)
}

fn read_rule(t: &mut TableReader<'_, '_>, source: &SourceText) -> Result<Rule, RuleError> {
    // Read through COMMON_KEYS so that explain's list of common keys cannot drift.
    let [
        k_id,
        k_kind,
        k_severity,
        k_category,
        k_message,
        k_message_en,
        k_fix,
        k_fix_en,
        k_doc,
        k_due,
        k_record_window,
    ] = COMMON_KEYS;
    let id = t.req_string(k_id)?;
    check_id(t, &id, "rule")?;
    t.set_context(format!("rule `{}`", id.get_ref()));
    let kind_s = t.req_string(k_kind)?;
    let spec = checks::kind_spec(kind_s.get_ref()).ok_or_else(|| {
        t.error_at(
            &kind_s.span(),
            format!(
                "unknown rule kind `{}` in {} (known kinds: {})",
                kind_s.get_ref(),
                t.context,
                checks::KINDS
                    .iter()
                    .map(|k| k.name)
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        )
    })?;
    let sev = t.req_string(k_severity)?;
    let severity = Severity::parse(sev.get_ref()).ok_or_else(|| {
        t.error_at(
            &sev.span(),
            format!(
                "`severity` of {} must be \"error\", \"warning\" or \"info\", not \"{}\"",
                t.context,
                sev.get_ref()
            ),
        )
    })?;
    let categories: Vec<String> = t
        .strings(k_category)?
        .unwrap_or_default()
        .into_iter()
        .map(|s| s.into_inner())
        .collect();
    if spec.needs_category && categories.is_empty() {
        return Err(t.missing(k_category));
    }
    let allowed = spec.placeholders;
    let message = req_template(t, k_message, allowed)?;
    let message_en = opt_template(t, k_message_en, allowed)?;
    let fix = opt_template(t, k_fix, allowed)?;
    let fix_en = opt_template(t, k_fix_en, allowed)?;
    let doc = t.string(k_doc)?.map(|s| s.into_inner());
    let due_days = t.count(k_due)?.map(|s| s.into_inner());
    let record_window_days = t.count(k_record_window)?.map(|s| s.into_inner());
    let params = checks::parse_params(spec.name, t)?;
    Ok(Rule {
        id: id.into_inner(),
        kind: spec.name,
        severity,
        categories,
        message,
        message_en,
        fix,
        fix_en,
        doc,
        due_days,
        record_window_days,
        pack: None,
        params,
        file: t.source().file.to_path_buf(),
        line: t.source().line_of(t.span.start),
        source: source.clone(),
        builtin: false,
    })
}

/// Placeholder values shared by all kinds; a check adds its own.
pub type Values<'a> = BTreeMap<&'a str, String>;

#[cfg(test)]
mod tests {
    use super::*;

    /// A union marks exactly the sets whose own globs match, for path globs,
    /// relative globs and globs with a scheme alike.
    #[test]
    fn a_union_of_globs_marks_what_each_set_matches() {
        let set = |ps: &[&str]| {
            UrlGlobs::new(ps.iter().map(|p| UrlGlob::new(p).unwrap()).collect()).unwrap()
        };
        let sets = [
            set(&["**/gzdt/", "**/zwdt/**"]),
            set(&["zcwj/**"]),
            set(&["https://www.example.gov.cn/tzgg/*.html"]),
            set(&[]),
            set(&["**/*.pdf", "**/gzdt/**"]),
        ];
        let all = UrlGlobs::union(&sets).unwrap();
        for url in [
            "https://www.example.gov.cn/gzdt/",
            "https://www.example.gov.cn/gzdt/201903/t20190318_1.html",
            "https://www.example.gov.cn/zwdt/a/b.html",
            "http://127.0.0.1:8080/zcwj/index_1.html",
            "https://www.example.gov.cn/tzgg/t1.html",
            "https://www.example.gov.cn/tzgg/sub/t1.html",
            "https://www.example.gov.cn/files/附件.pdf",
            "not a url/gzdt/",
        ] {
            let t = GlobTarget::new(url);
            let mut hits = vec![false; sets.len()];
            all.mark_owners(&t, &mut hits);
            let each: Vec<bool> = sets.iter().map(|s| s.matches(url)).collect();
            let one_by_one: Vec<bool> = sets
                .iter()
                .map(|s| s.globs.iter().any(|g| g.matches(url)))
                .collect();
            assert_eq!(hits, each, "{url}");
            assert_eq!(hits, one_by_one, "{url}");
        }
    }
}

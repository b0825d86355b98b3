//! A thin reader over `toml`'s spanned document tree, so that every problem in a
//! rule file can be reported with its file, line and key. Serde's
//! `deny_unknown_fields` cannot do this for kind-specific parameters, and editors
//! need to be told exactly which line to change.

use std::ops::Range;
use std::path::{Path, PathBuf};

use regex::Regex;
use scraper::Selector;
use toml::Spanned;
use toml::de::{DeTable, DeValue};

/// A problem in a rule or configuration file, located to a line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RuleError {
    pub file: PathBuf,
    pub line: usize,
    pub message: String,
}

impl std::fmt::Display for RuleError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // One line on stderr, whatever a library put into the message.
        let message = one_line(&self.message);
        if self.line == 0 {
            // The file as a whole (cannot be read, is a directory): no line to name.
            write!(f, "{}: {message}", self.file.display())
        } else {
            write!(f, "{}:{}: {message}", self.file.display(), self.line)
        }
    }
}

impl std::error::Error for RuleError {}

/// A message on one line: line breaks and the blank space around them become `; `.
fn one_line(message: &str) -> String {
    message
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect::<Vec<_>>()
        .join("; ")
}

/// The text of one file and its name, used to turn byte offsets into lines.
pub struct Source<'a> {
    pub file: &'a Path,
    pub text: &'a str,
}

impl Source<'_> {
    pub fn line_of(&self, offset: usize) -> usize {
        let end = offset.min(self.text.len());
        self.text.as_bytes()[..end]
            .iter()
            .filter(|&&b| b == b'\n')
            .count()
            + 1
    }

    pub fn error(&self, span: &Range<usize>, message: impl Into<String>) -> RuleError {
        RuleError {
            file: self.file.to_path_buf(),
            line: self.line_of(span.start),
            message: message.into(),
        }
    }

    /// Parses the whole document; a syntax error is reported at its line.
    pub fn parse(&self) -> Result<Spanned<DeTable<'_>>, RuleError> {
        DeTable::parse(self.text).map_err(|e| {
            let span = e.span().unwrap_or(0..0);
            let msg = e.message().trim().replace('\n', " ");
            self.error(&span, format!("invalid TOML: {msg}"))
        })
    }
}

fn type_name(v: &DeValue<'_>) -> &'static str {
    match v {
        DeValue::String(_) => "a string",
        DeValue::Integer(_) => "an integer",
        DeValue::Float(_) => "a float",
        DeValue::Boolean(_) => "a boolean",
        DeValue::Datetime(_) => "a date-time",
        DeValue::Array(_) => "an array",
        DeValue::Table(_) => "a table",
    }
}

/// Reads the keys of one TOML table, remembering which were consumed so that
/// anything left over can be reported as an unknown key.
pub struct TableReader<'s, 'i> {
    src: &'s Source<'s>,
    /// Where the table starts, for errors about missing keys.
    pub span: Range<usize>,
    /// How the table is named in messages, e.g. "rule `news-weekly`".
    pub context: String,
    entries: Vec<(String, Range<usize>, &'s Spanned<DeValue<'i>>)>,
    used: Vec<bool>,
    asked: Vec<&'static str>,
}

impl<'s, 'i> TableReader<'s, 'i> {
    pub fn new(
        src: &'s Source<'s>,
        table: &'s DeTable<'i>,
        span: Range<usize>,
        context: impl Into<String>,
    ) -> Self {
        let entries: Vec<_> = table
            .iter()
            .map(|(k, v)| (k.get_ref().to_string(), k.span(), v))
            .collect();
        let used = vec![false; entries.len()];
        TableReader {
            src,
            span,
            context: context.into(),
            entries,
            used,
            asked: Vec::new(),
        }
    }

    pub fn source(&self) -> &'s Source<'s> {
        self.src
    }

    pub fn set_context(&mut self, context: impl Into<String>) {
        self.context = context.into();
    }

    fn take(&mut self, key: &'static str) -> Option<(Range<usize>, &'s Spanned<DeValue<'i>>)> {
        if !self.asked.contains(&key) {
            self.asked.push(key);
        }
        let i = self.entries.iter().position(|(k, _, _)| k == key)?;
        self.used[i] = true;
        Some((self.entries[i].1.clone(), self.entries[i].2))
    }

    /// A string value without reading it: what a table with an error was
    /// called, so that what refers to it is not reported as well.
    pub fn peek_string(&self, key: &str) -> Option<String> {
        self.entries
            .iter()
            .find(|(k, _, _)| k == key)
            .and_then(|(_, _, v)| match v.get_ref() {
                DeValue::String(s) => Some(s.to_string()),
                _ => None,
            })
    }

    pub fn error_at(&self, span: &Range<usize>, message: impl Into<String>) -> RuleError {
        self.src.error(span, message)
    }

    fn wrong_type(&self, key: &str, want: &str, v: &Spanned<DeValue<'_>>) -> RuleError {
        self.src.error(
            &v.span(),
            format!(
                "`{key}` in {} must be {want}, not {}",
                self.context,
                type_name(v.get_ref())
            ),
        )
    }

    pub fn missing(&self, key: &str) -> RuleError {
        // A misspelt key is the likelier mistake: point at it rather than at the table.
        for (i, (k, span, _)) in self.entries.iter().enumerate() {
            if !self.used[i] && edit_distance(k, key) <= 2 {
                return self.src.error(
                    span,
                    format!(
                        "unknown key `{k}` in {} (did you mean `{key}`?)",
                        self.context
                    ),
                );
            }
        }
        self.src.error(
            &self.span,
            format!("{} is missing the required key `{key}`", self.context),
        )
    }

    pub fn string(&mut self, key: &'static str) -> Result<Option<Spanned<String>>, RuleError> {
        match self.take(key) {
            None => Ok(None),
            Some((_, v)) => match v.get_ref() {
                DeValue::String(s) => Ok(Some(Spanned::new(v.span(), s.to_string()))),
                _ => Err(self.wrong_type(key, "a string", v)),
            },
        }
    }

    pub fn req_string(&mut self, key: &'static str) -> Result<Spanned<String>, RuleError> {
        self.string(key)?.ok_or_else(|| self.missing(key))
    }

    pub fn boolean(&mut self, key: &'static str) -> Result<Option<bool>, RuleError> {
        match self.take(key) {
            None => Ok(None),
            Some((_, v)) => match v.get_ref() {
                DeValue::Boolean(b) => Ok(Some(*b)),
                _ => Err(self.wrong_type(key, "true or false", v)),
            },
        }
    }

    /// A non-negative whole number, such as a number of days.
    pub fn count(&mut self, key: &'static str) -> Result<Option<Spanned<u32>>, RuleError> {
        match self.take(key) {
            None => Ok(None),
            Some((_, v)) => match v.get_ref() {
                DeValue::Integer(i) => {
                    let text = i.as_str().replace('_', "");
                    let parsed = i64::from_str_radix(
                        text.trim_start_matches(['+'])
                            .trim_start_matches("0x")
                            .trim_start_matches("0o")
                            .trim_start_matches("0b"),
                        i.radix(),
                    );
                    match parsed {
                        Ok(n) if (0..=i64::from(u32::MAX)).contains(&n) => {
                            Ok(Some(Spanned::new(v.span(), n as u32)))
                        }
                        _ => Err(self.src.error(
                            &v.span(),
                            format!(
                                "`{key}` in {} must be a whole number of 0 or more, not {}",
                                self.context,
                                i.as_str()
                            ),
                        )),
                    }
                }
                _ => Err(self.wrong_type(key, "a whole number", v)),
            },
        }
    }

    /// `s` as one character, or an error at `span` naming `key`.
    pub fn one_char(&self, key: &str, span: &Range<usize>, s: &str) -> Result<char, RuleError> {
        let mut cs = s.chars();
        match (cs.next(), cs.next()) {
            (Some(c), None) => Ok(c),
            _ => Err(self.error_at(
                span,
                format!(
                    "`{key}` of {} takes single characters, not \"{s}\"",
                    self.context
                ),
            )),
        }
    }

    /// A list of single characters, written as strings (`[">", "»"]`).
    pub fn chars(&mut self, key: &'static str) -> Result<Option<Vec<char>>, RuleError> {
        let Some(v) = self.strings(key)? else {
            return Ok(None);
        };
        v.iter()
            .map(|s| self.one_char(key, &s.span(), s.get_ref()))
            .collect::<Result<Vec<char>, RuleError>>()
            .map(Some)
    }

    /// A list of strings; a single string is accepted as a list of one.
    pub fn strings(
        &mut self,
        key: &'static str,
    ) -> Result<Option<Vec<Spanned<String>>>, RuleError> {
        match self.take(key) {
            None => Ok(None),
            Some((_, v)) => match v.get_ref() {
                DeValue::String(s) => Ok(Some(vec![Spanned::new(v.span(), s.to_string())])),
                DeValue::Array(items) => {
                    let mut out = Vec::with_capacity(items.len());
                    for item in items.iter() {
                        match item.get_ref() {
                            DeValue::String(s) => {
                                out.push(Spanned::new(item.span(), s.to_string()))
                            }
                            _ => return Err(self.wrong_type(key, "a list of strings", item)),
                        }
                    }
                    Ok(Some(out))
                }
                _ => Err(self.wrong_type(key, "a string or a list of strings", v)),
            },
        }
    }

    /// A list of strings without their spans, empty entries dropped; an absent key is an empty list.
    pub fn string_list(&mut self, key: &'static str) -> Result<Vec<String>, RuleError> {
        Ok(self
            .strings(key)?
            .unwrap_or_default()
            .into_iter()
            .map(Spanned::into_inner)
            .filter(|s| !s.is_empty())
            .collect())
    }

    /// Compiles `pattern` (read from `key` at `span`), or says in one line what is wrong with it.
    pub fn compile_regex(
        &self,
        key: &str,
        span: &Range<usize>,
        pattern: &str,
    ) -> Result<Regex, RuleError> {
        Regex::new(pattern).map_err(|e| {
            // The regex crate's message spans several lines; its last line says what is wrong.
            let reason = e.to_string().lines().last().unwrap_or_default().to_string();
            self.error_at(
                span,
                format!(
                    "invalid regex `{pattern}` in `{key}` of {}: {reason}",
                    self.context
                ),
            )
        })
    }

    /// A list of regexes, each required to have the named capture `groups`.
    pub fn regexes(
        &mut self,
        key: &'static str,
        groups: &[&str],
    ) -> Result<Option<Vec<Regex>>, RuleError> {
        let Some(v) = self.strings(key)? else {
            return Ok(None);
        };
        v.iter()
            .map(|s| self.regex_with(key, &s.span(), s.get_ref(), groups))
            .collect::<Result<Vec<Regex>, RuleError>>()
            .map(Some)
    }

    /// One regex with the named `groups`.
    pub fn regex(
        &mut self,
        key: &'static str,
        groups: &[&str],
    ) -> Result<Option<Regex>, RuleError> {
        let Some(s) = self.string(key)? else {
            return Ok(None);
        };
        self.regex_with(key, &s.span(), s.get_ref(), groups)
            .map(Some)
    }

    fn regex_with(
        &self,
        key: &str,
        span: &Range<usize>,
        pattern: &str,
        groups: &[&str],
    ) -> Result<Regex, RuleError> {
        let re = self.compile_regex(key, span, pattern)?;
        let missing = groups
            .iter()
            .any(|g| !re.capture_names().flatten().any(|n| n == *g));
        if missing {
            let want: Vec<String> = groups.iter().map(|g| format!("(?P<{g}>…)")).collect();
            return Err(self.error_at(
                span,
                format!(
                    "`{key}` entry `{pattern}` needs the named groups {}",
                    want.join(", ")
                ),
            ));
        }
        Ok(re)
    }

    /// One CSS selector, with its text.
    pub fn selector(&mut self, key: &'static str) -> Result<Option<(String, Selector)>, RuleError> {
        match self.string(key)? {
            None => Ok(None),
            Some(s) => Ok(Some((s.get_ref().clone(), self.parse_selector(key, &s)?))),
        }
    }

    /// A list of CSS selectors, each with its text.
    pub fn selectors(
        &mut self,
        key: &'static str,
    ) -> Result<Option<Vec<(String, Selector)>>, RuleError> {
        let Some(v) = self.strings(key)? else {
            return Ok(None);
        };
        let mut out = Vec::with_capacity(v.len());
        for s in v {
            let sel = self.parse_selector(key, &s)?;
            out.push((s.into_inner(), sel));
        }
        Ok(Some(out))
    }

    fn parse_selector(&self, key: &str, s: &Spanned<String>) -> Result<Selector, RuleError> {
        Selector::parse(s.get_ref()).map_err(|e| {
            self.error_at(
                &s.span(),
                format!(
                    "invalid CSS selector `{}` in `{key}` of {}: {}",
                    s.get_ref(),
                    self.context,
                    css_error(&e)
                ),
            )
        })
    }

    /// A sub-table, read with its own reader.
    pub fn table(&mut self, key: &'static str) -> Result<Option<TableReader<'s, 'i>>, RuleError> {
        match self.take(key) {
            None => Ok(None),
            Some((_, v)) => match v.get_ref() {
                DeValue::Table(t) => {
                    let ctx = format!("`{key}` of {}", self.context);
                    Ok(Some(TableReader::new(self.src, t, v.span(), ctx)))
                }
                _ => Err(self.wrong_type(key, "a table", v)),
            },
        }
    }

    /// An array of tables (`[[name]]`), each with its own reader.
    pub fn tables(&mut self, key: &'static str) -> Result<Vec<TableReader<'s, 'i>>, RuleError> {
        match self.take(key) {
            None => Ok(Vec::new()),
            Some((_, v)) => match v.get_ref() {
                DeValue::Array(items) => {
                    let mut out = Vec::with_capacity(items.len());
                    for item in items.iter() {
                        match item.get_ref() {
                            DeValue::Table(t) => out.push(TableReader::new(
                                self.src,
                                t,
                                item.span(),
                                format!("a [[{key}]] entry"),
                            )),
                            _ => return Err(self.wrong_type(key, "an array of tables", item)),
                        }
                    }
                    Ok(out)
                }
                DeValue::Table(_) => Err(self.src.error(
                    &v.span(),
                    format!("`{key}` must be written as [[{key}]] (an array of tables)"),
                )),
                _ => Err(self.wrong_type(key, "an array of tables", v)),
            },
        }
    }

    /// All remaining keys with string values, for free-form maps such as `pairs`.
    pub fn remaining_strings(&mut self) -> Result<Vec<Spanned<(String, String)>>, RuleError> {
        let mut out = Vec::new();
        for i in 0..self.entries.len() {
            if self.used[i] {
                continue;
            }
            self.used[i] = true;
            let (k, span, v) = (&self.entries[i].0, &self.entries[i].1, self.entries[i].2);
            match v.get_ref() {
                DeValue::String(s) => {
                    out.push(Spanned::new(span.clone(), (k.clone(), s.to_string())))
                }
                _ => return Err(self.wrong_type(k, "a string", v)),
            }
        }
        Ok(out)
    }

    /// Fails on the first key that nothing asked for, naming the keys that are allowed.
    pub fn finish(self) -> Result<(), RuleError> {
        for (i, (k, span, _)) in self.entries.iter().enumerate() {
            if !self.used[i] {
                if let Some(near) = self.asked.iter().find(|a| edit_distance(k, a) <= 2) {
                    return Err(self.src.error(
                        span,
                        format!(
                            "unknown key `{k}` in {} (did you mean `{near}`?)",
                            self.context
                        ),
                    ));
                }
                let mut allowed = self.asked.clone();
                allowed.sort_unstable();
                return Err(self.src.error(
                    span,
                    format!(
                        "unknown key `{k}` in {} (allowed keys: {})",
                        self.context,
                        allowed.join(", ")
                    ),
                ));
            }
        }
        Ok(())
    }
}

/// scraper's selector errors end in "please report this to the developer" and
/// a debug dump; what a rule-file editor needs is the reason and an example.
pub fn css_error(e: &scraper::error::SelectorErrorKind) -> String {
    let text = e.to_string();
    let detail: Vec<&str> = text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with("Unexpected error occurred"))
        .collect();
    format!(
        "it is not a valid CSS selector ({}); write it as in a stylesheet, e.g. `div.content` or `#zoom p`",
        detail.join(" ")
    )
}

/// Levenshtein distance over characters, for "did you mean" hints.
fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            let sub = prev[j] + usize::from(ca != *cb);
            cur[j + 1] = sub.min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        prev = cur;
    }
    prev[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_key_is_reported_with_line() {
        let text = "[[rule]]\nid = \"a\"\nmax_dayz = 7\n";
        let src = Source {
            file: Path::new("r.toml"),
            text,
        };
        let doc = src.parse().unwrap();
        let mut top = TableReader::new(&src, doc.get_ref(), doc.span(), "file");
        let mut rules = top.tables("rule").unwrap();
        let mut r = rules.remove(0);
        assert_eq!(r.req_string("id").unwrap().into_inner(), "a");
        let _ = r.count("max_days").unwrap();
        let err = r.finish().unwrap_err();
        assert_eq!(err.line, 3);
        assert!(
            err.to_string()
                .starts_with("r.toml:3: unknown key `max_dayz`"),
            "{err}"
        );
        assert!(err.message.contains("max_days"));
    }

    #[test]
    fn negative_count_is_rejected() {
        let text = "a = -3\n";
        let src = Source {
            file: Path::new("r.toml"),
            text,
        };
        let doc = src.parse().unwrap();
        let mut top = TableReader::new(&src, doc.get_ref(), doc.span(), "file");
        let err = top.count("a").unwrap_err();
        assert!(err.message.contains("0 or more"), "{err}");
    }

    #[test]
    fn syntax_error_has_line() {
        let text = "a = 1\nb = \n";
        let src = Source {
            file: Path::new("r.toml"),
            text,
        };
        let err = src.parse().unwrap_err();
        assert_eq!(err.line, 2, "{err}");
    }
}

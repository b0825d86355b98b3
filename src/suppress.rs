//! Suppression: findings a site has decided to accept, by an `[[ignore]]`
//! entry of `audit.toml` (rule id and/or URL glob, with a reason) or by an
//! `<!-- audit:ignore RULE-ID -->` comment in the page itself (a kind name,
//! such as `privacy`, covers all its rules on that page). Suppressed
//! findings leave the correction list but are counted in the summary, so an
//! accepted problem never disappears silently.

use std::collections::BTreeMap;
use std::path::PathBuf;

use crate::report::finding::Finding;
use crate::rules::UrlGlob;
use crate::rules::toml_reader::{RuleError, TableReader};
use crate::site::Site;

/// One `[[ignore]]` entry.
#[derive(Debug, Clone)]
pub struct Ignore {
    /// Rule ids; empty means every rule (then `urls` must be given).
    pub rules: Vec<String>,
    /// Globs on the finding's page URL (or its target); empty means every page.
    pub urls: Vec<UrlGlob>,
    pub reason: String,
    pub file: PathBuf,
    pub line: usize,
}

impl Ignore {
    pub fn read(t: &mut TableReader<'_, '_>) -> Result<Ignore, RuleError> {
        let line = t.source().line_of(t.span.start);
        t.set_context(format!("the [[ignore]] entry at line {line}"));
        let rules: Vec<String> = t
            .strings("rule")?
            .unwrap_or_default()
            .into_iter()
            .map(|s| s.into_inner())
            .collect();
        let mut urls = Vec::new();
        for g in t.strings("url")?.unwrap_or_default() {
            urls.push(UrlGlob::new(g.get_ref()).map_err(|e| t.error_at(&g.span(), e))?);
        }
        let reason = t.req_string("reason")?;
        if reason.get_ref().trim().is_empty() {
            return Err(t.error_at(
                &reason.span(),
                format!(
                    "`reason` of {} is empty; say why the finding is accepted",
                    t.context
                ),
            ));
        }
        if rules.is_empty() && urls.is_empty() {
            return Err(t.error_at(
                &t.span.clone(),
                format!(
                    "{} needs `rule`, `url` or both; it would hide every finding",
                    t.context
                ),
            ));
        }
        Ok(Ignore {
            rules,
            urls,
            reason: reason.into_inner(),
            file: t.source().file.to_path_buf(),
            line,
        })
    }

    pub fn matches(&self, f: &Finding) -> bool {
        let rule_ok = self.rules.is_empty() || self.rules.contains(&f.rule);
        let url_ok = self.urls.is_empty()
            || self
                .urls
                .iter()
                .any(|g| g.matches(&f.url) || f.target.as_deref().is_some_and(|t| g.matches(t)));
        rule_ok && url_ok
    }
}

/// How many findings were suppressed, in all and per rule.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Suppressed {
    pub total: usize,
    pub by_rule: BTreeMap<String, usize>,
}

/// The `<!-- audit:ignore RULE-ID … -->` directives in a comment's text.
pub fn directive_ids(comment: &str) -> Vec<String> {
    let Some(rest) = comment.trim().strip_prefix("audit:ignore") else {
        return Vec::new();
    };
    if !rest.starts_with(char::is_whitespace) {
        return Vec::new();
    }
    rest.split(|c: char| c.is_whitespace() || c == ',')
        .filter(|s| {
            !s.is_empty()
                && s.chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
        })
        .map(str::to_string)
        .collect()
}

/// Removes the suppressed findings and counts them.
pub fn apply(
    findings: Vec<Finding>,
    site: &Site,
    ignores: &[Ignore],
) -> (Vec<Finding>, Suppressed) {
    let mut kept = Vec::with_capacity(findings.len());
    let mut s = Suppressed::default();
    let mut seen = std::collections::HashSet::new();
    for f in findings {
        let by_page = site
            .get(&f.url)
            .is_some_and(|r| r.ignore.contains(&f.rule) || r.ignore.contains(&f.kind));
        if by_page || ignores.iter().any(|i| i.matches(&f)) {
            // Counted once, as the report counts findings once.
            if seen.insert(f.id.clone()) {
                s.total += 1;
                *s.by_rule.entry(f.rule.clone()).or_default() += 1;
            }
        } else {
            kept.push(f);
        }
    }
    (kept, s)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn directive_lists_rule_ids() {
        assert_eq!(
            directive_ids(" audit:ignore privacy-mobile, duplicate-heading "),
            vec!["privacy-mobile", "duplicate-heading"]
        );
        assert!(directive_ids("audit:ignored x").is_empty());
        assert!(directive_ids(" 页面说明 ").is_empty());
    }
}

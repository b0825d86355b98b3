//! `audit rules list` and `audit rules explain ID`, in the manner of `ruff rule`:
//! what a rule checks, why it matters, its parameters as the rule file writes
//! them, and an example finding.

use std::fmt::Write;

use toml::de::{DeTable, DeValue};

use crate::checks::kind_spec;
use crate::rules::{COMMON_KEYS, Rule, RuleSet};

/// One line per rule: id, kind, severity, categories; with a header.
pub fn list(rules: &RuleSet) -> String {
    let w =
        |f: fn(&Rule) -> usize, min: usize| rules.rules.iter().map(f).max().unwrap_or(0).max(min);
    let (wi, wk) = (w(|r| r.id.len(), 2), w(|r| r.kind.len(), 4));
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{:<wi$}  {:<wk$}  {:<8}  CATEGORIES",
        "ID", "KIND", "SEVERITY"
    );
    for r in &rules.rules {
        let cats = if r.categories.is_empty() {
            "-".to_string()
        } else {
            r.categories.join(",")
        };
        let _ = writeln!(
            out,
            "{:<wi$}  {:<wk$}  {:<8}  {cats}",
            r.id,
            r.kind,
            r.severity.as_str()
        );
    }
    out
}

/// The rule's keys as written in its file, in file order: (key, value source text).
/// Read from the text kept when the rule was loaded, never from disk: a file
/// of the same name in the current directory may say something else.
fn written_keys(rule: &Rule) -> Vec<(String, String)> {
    let text: &str = &rule.source.0;
    let Ok(doc) = DeTable::parse(text) else {
        return Vec::new();
    };
    let Some(DeValue::Array(items)) = doc.get_ref().get("rule").map(|v| v.get_ref()) else {
        return Vec::new();
    };
    for item in items.iter() {
        let DeValue::Table(t) = item.get_ref() else {
            continue;
        };
        let is_it =
            matches!(t.get("id").map(|v| v.get_ref()), Some(DeValue::String(s)) if *s == rule.id);
        if !is_it {
            continue;
        }
        let mut keys: Vec<_> = t
            .iter()
            .map(|(k, v)| {
                let span = v.span();
                let src = text.get(span.clone()).unwrap_or("").to_string();
                (span.start, k.get_ref().to_string(), src)
            })
            .collect();
        keys.sort();
        return keys.into_iter().map(|(_, k, v)| (k, v)).collect();
    }
    Vec::new()
}

fn indent(s: &str, by: &str) -> String {
    s.lines()
        .map(|l| format!("{by}{}", l.trim_end()))
        .collect::<Vec<_>>()
        .join("\n")
}

/// A readable explanation of one rule.
pub fn explain(rule: &Rule) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "{}", rule.id);
    let _ = writeln!(
        out,
        "  kind: {}   severity: {}{}",
        rule.kind,
        rule.severity.as_str(),
        rule.due_days
            .map(|d| format!(
                "   due: {d} {} after the audit",
                if d == 1 { "day" } else { "days" }
            ))
            .unwrap_or_default()
    );
    if !rule.categories.is_empty() {
        let _ = writeln!(out, "  categories: {}", rule.categories.join(", "));
    }
    let _ = writeln!(out, "  defined in {}:{}", rule.file.display(), rule.line);
    if let Some(doc) = &rule.doc {
        let _ = writeln!(out, "\nWhy it matters\n{}", indent(doc, "  "));
    }
    let spec = kind_spec(rule.kind);
    if let Some(spec) = spec {
        let _ = writeln!(
            out,
            "\nWhat the `{}` kind checks\n{}",
            spec.name,
            indent(&wrap(spec.doc, 78), "  ")
        );
    }
    let keys = written_keys(rule);
    let params: Vec<_> = keys
        .iter()
        .filter(|(k, _)| !COMMON_KEYS.contains(&k.as_str()))
        .collect();
    let _ = writeln!(out, "\nParameters");
    if params.is_empty() {
        let _ = writeln!(out, "  (none set; the kind's defaults apply)");
    }
    for (k, v) in &params {
        let mut lines = v.lines();
        let first = lines.next().unwrap_or("");
        let _ = writeln!(out, "  {k} = {first}");
        for l in lines {
            let _ = writeln!(out, "  {}", l.trim_end());
        }
    }
    let _ = writeln!(out, "\nMessages");
    for key in ["message", "message_en", "fix", "fix_en"] {
        if let Some((_, v)) = keys.iter().find(|(k, _)| k == key) {
            let _ = writeln!(out, "  {key} = {v}");
        }
    }
    if let Some(spec) = spec {
        let _ = writeln!(
            out,
            "  placeholders: {}",
            crate::checks::placeholders_of(spec.placeholders)
                .iter()
                .map(|p| format!("{{{p}}}"))
                .collect::<Vec<_>>()
                .join(" ")
        );
    }
    out
}

/// Breaks a long paragraph at spaces so that lines stay under `width` columns.
fn wrap(text: &str, width: usize) -> String {
    let mut out = String::new();
    let mut line = String::new();
    for word in text.split_whitespace() {
        if !line.is_empty() && line.chars().count() + 1 + word.chars().count() > width {
            out.push_str(&line);
            out.push('\n');
            line.clear();
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(word);
    }
    out.push_str(&line);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn explains_a_builtin_rule_with_its_parameters() {
        let rules = crate::load_rules(true, &[]).unwrap();
        let r = rules.rule("duplicate-heading").unwrap();
        let e = explain(r);
        assert!(e.contains("levels = ["), "{e}");
        assert!(e.contains("min_chars = 4"), "{e}");
        assert!(e.contains("标题「开展政策解读情况」重复出现"), "{e}");
        assert!(!e.contains("Params"), "no Debug output: {e}");
        let l = list(&rules);
        assert!(l.lines().any(|x| x.starts_with("privacy-id-card ")), "{l}");
    }
}

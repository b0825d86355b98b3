//! `audit rules list` and `audit rules explain ID`, in the manner of `ruff rule`:
//! what a rule checks, why it matters, its parameters as the rule file writes
//! them, and an example finding.

use std::fmt::Write;

use toml::de::{DeTable, DeValue};

use crate::checks::kind_spec;
use crate::report::labels::Labels;
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

/// A pack's indicator, in the words of `l`: what it measures, its threshold
/// and its source.
pub fn indicator(ind: &crate::scorecard::Indicator, l: &Labels) -> String {
    use crate::scorecard::{Effect, Measure};
    let w = |key: &str, values: &[(&str, String)]| l.explain_word(key, values);
    let mut out = String::new();
    let name = match (l.lang, &ind.name_en) {
        (crate::checks::Lang::En, Some(n)) => n.as_str(),
        _ => ind.name.as_str(),
    };
    let _ = writeln!(out, "{}{}", ind.id, l.with_aside("", name));
    let effect = match ind.effect {
        Effect::Veto => w("indicator_veto", &[]),
        Effect::Deduct => w(
            "indicator_deduct",
            &[
                ("points", ind.points_each.to_string()),
                ("max", ind.max_points.to_string()),
            ],
        ),
    };
    let rules = ind.rules.join(&l.enumeration);
    let measured = match ind.measure {
        Measure::Findings => w("indicator_findings", &[("rules", rules)]),
        Measure::Pages => w("indicator_pages", &[("rules", rules)]),
        Measure::Targets => w("indicator_targets", &[("rules", rules)]),
        Measure::Availability {
            window_days,
            max_seconds,
            ..
        } => w(
            "indicator_availability",
            &[
                ("days", window_days.to_string()),
                ("seconds", max_seconds.to_string()),
            ],
        ),
    };
    let when = w(
        "indicator_when",
        &[
            ("effect", effect),
            ("measured", measured),
            ("threshold", ind.threshold.to_string()),
        ],
    );
    let _ = writeln!(out, "  {when}");
    let _ = writeln!(
        out,
        "  {}",
        w(
            "defined_in",
            &[
                ("file", ind.file.display().to_string()),
                ("line", ind.line.to_string())
            ]
        )
    );
    if let Some(d) = &ind.doc {
        let _ = writeln!(out, "\n{}\n  {d}", w("why", &[]));
    }
    out
}

/// A readable explanation of one rule, in the words of `l` (`[labels.*.explain]`).
pub fn explain(rule: &Rule, l: &Labels) -> String {
    let w = |key: &str, values: &[(&str, String)]| l.explain_word(key, values);
    let mut out = String::new();
    let _ = writeln!(out, "{}", rule.id);
    let mut head = vec![
        w("kind", &[("kind", rule.kind.to_string())]),
        w(
            "severity",
            &[("severity", l.severity(rule.severity).to_string())],
        ),
    ];
    if let Some(d) = rule.due_days {
        let key = if d == 1 { "due_one" } else { "due" };
        head.push(w(key, &[("days", d.to_string())]));
    }
    let _ = writeln!(out, "  {}", head.join("   "));
    if let Some(d) = rule.record_window_days {
        let _ = writeln!(out, "  {}", w("record_window", &[("days", d.to_string())]));
    }
    if !rule.categories.is_empty() {
        let cats = rule.categories.join(&l.enumeration);
        let _ = writeln!(out, "  {}", w("categories", &[("categories", cats)]));
    }
    let file = rule.file.display().to_string();
    let line = rule.line.to_string();
    let defined = if rule.builtin {
        // A built-in file is not on disk: say how to see it.
        // As `audit rules show` takes it: `links`, `national-2019/indicators`.
        let name = file
            .trim_start_matches("rules/")
            .trim_end_matches(".toml")
            .to_string();
        w("builtin", &[("file", file), ("line", line), ("name", name)])
    } else {
        w("defined_in", &[("file", file), ("line", line)])
    };
    let _ = writeln!(out, "  {defined}");
    if let Some(doc) = &rule.doc {
        let _ = writeln!(out, "\n{}\n{}", w("why", &[]), indent(doc, "  "));
    }
    let spec = kind_spec(rule.kind);
    if let Some(spec) = spec {
        let _ = writeln!(
            out,
            "\n{}\n{}",
            w("what_kind", &[("kind", spec.name.to_string())]),
            indent(&wrap(spec.doc, 78), "  ")
        );
    }
    let keys = written_keys(rule);
    let params: Vec<_> = keys
        .iter()
        .filter(|(k, _)| !COMMON_KEYS.contains(&k.as_str()))
        .collect();
    let _ = writeln!(out, "\n{}", w("parameters", &[]));
    if params.is_empty() {
        let _ = writeln!(out, "  {}", w("no_parameters", &[]));
    }
    for (k, v) in &params {
        let mut lines = v.lines();
        let first = lines.next().unwrap_or("");
        let _ = writeln!(out, "  {k} = {first}");
        for l in lines {
            let _ = writeln!(out, "  {}", l.trim_end());
        }
    }
    let _ = writeln!(out, "\n{}", w("messages", &[]));
    for key in ["message", "message_en", "fix", "fix_en"] {
        if let Some((_, v)) = keys.iter().find(|(k, _)| k == key) {
            let _ = writeln!(out, "  {key} = {v}");
        }
    }
    if let Some(spec) = spec {
        let names = crate::checks::placeholders_of(spec.placeholders)
            .iter()
            .map(|p| format!("{{{p}}}"))
            .collect::<Vec<_>>()
            .join(" ");
        let _ = writeln!(out, "  {}", w("placeholders", &[("placeholders", names)]));
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
        let e = explain(r, rules.labels.get(crate::Lang::En));
        assert!(e.contains("levels = ["), "{e}");
        assert!(e.contains("min_chars = 4"), "{e}");
        assert!(e.contains("标题「开展政策解读情况」重复出现"), "{e}");
        assert!(!e.contains("Params"), "no Debug output: {e}");
        let l = list(&rules);
        assert!(l.lines().any(|x| x.starts_with("privacy-id-card ")), "{l}");
    }
}

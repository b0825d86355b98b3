//! `--format sarif`: SARIF 2.1.0 for code-scanning services. In directory mode
//! each result points at the HTML file and line in the site repo, so the
//! annotation lands on the file an editor changes; for a crawled site it
//! points at the page URL.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde_json::{Map, Value, json};

use super::Report;
use super::finding::{Finding, Status};
use super::labels::Labels;
use crate::rules::Severity;

const SCHEMA_URI: &str = "https://json.schemastore.org/sarif-2.1.0.json";

fn level(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "note",
    }
}

/// Percent-encodes what may not stand in a URI reference (spaces, CJK…), keeping `/`.
fn uri_path(p: &str) -> String {
    let mut out = String::new();
    for b in p.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~/".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// The file's path as code scanning wants it: relative to the directory the
/// audit ran in (the repository root in CI, `cwd`), with `/` separators.
fn artifact_uri(dir: &str, file: &str, cwd: Option<&Path>) -> String {
    let joined: PathBuf = Path::new(dir).join(file);
    let rel = if joined.is_absolute() {
        cwd.and_then(|cwd| joined.strip_prefix(cwd).ok().map(Path::to_path_buf))
    } else {
        Some(joined.clone())
    };
    match rel {
        Some(r) => {
            let s = r.to_string_lossy().replace('\\', "/");
            let parts: Vec<&str> = s
                .split('/')
                .filter(|p| !p.is_empty() && *p != ".")
                .collect();
            uri_path(&parts.join("/"))
        }
        None => format!(
            "file://{}",
            uri_path(&joined.to_string_lossy().replace('\\', "/"))
        ),
    }
}

fn location(report: &Report, f: &Finding, cwd: Option<&Path>) -> Value {
    let physical = match (&report.dir, &f.file) {
        (Some(dir), Some(file)) => {
            let mut p = json!({
                "artifactLocation": {"uri": artifact_uri(dir, file, cwd)},
            });
            if let Some(line) = f.line {
                p["region"] = json!({"startLine": line.max(1)});
            }
            p
        }
        _ => json!({"artifactLocation": {"uri": f.url}}),
    };
    json!({"physicalLocation": physical})
}

pub fn render(report: &Report, l: &Labels) -> String {
    // One reporting descriptor per rule that produced a finding, in id order.
    let mut rules: BTreeMap<&str, &Finding> = BTreeMap::new();
    for f in &report.findings {
        rules.entry(f.rule.as_str()).or_insert(f);
    }
    let index: BTreeMap<&str, usize> = rules.keys().enumerate().map(|(i, k)| (*k, i)).collect();
    let descriptors: Vec<Value> = rules
        .values()
        .map(|f| {
            json!({
                "id": f.rule,
                "name": f.rule,
                "shortDescription": {"text": format!("{} ({})", l.kind_name(&f.kind), f.kind)},
                "defaultConfiguration": {"level": level(f.severity)},
                "properties": {"kind": f.kind},
            })
        })
        .collect();
    // Asked once: every finding's file is relative to the same directory.
    let cwd = std::env::current_dir().ok();
    let results: Vec<Value> = report
        .findings
        .iter()
        .map(|f| {
            let mut text = f.message.clone();
            if let Some(e) = &f.evidence {
                text.push_str(&format!("\n{}{}{e}", &l.evidence, &l.colon));
            }
            if let Some(t) = &f.target {
                text.push_str(&format!("\n{}{}{t}", &l.link, &l.colon));
            }
            if let Some(fix) = &f.fix {
                text.push_str(&format!("\n{}{}{fix}", &l.fix, &l.colon));
            }
            let mut props = Map::new();
            props.insert("kind".into(), json!(f.kind));
            props.insert("url".into(), json!(f.url));
            for (k, v) in [
                ("title", &f.title),
                ("column", &f.column),
                ("evidence", &f.evidence),
                ("fix", &f.fix),
                ("target", &f.target),
            ] {
                if let Some(v) = v {
                    props.insert(k.into(), json!(v));
                }
            }
            if let Some(d) = f.due {
                props.insert("due".into(), json!(d.to_string()));
            }
            if let Some(d) = f.first_seen {
                props.insert("first_seen".into(), json!(d.to_string()));
            }
            if let Some(r) = f.record {
                props.insert("record".into(), json!(r));
            }
            // A record too old to fail `--fail-on` must not fail a code-scanning
            // gate either: it is shown as a note.
            let level = if f.can_fail() {
                level(f.severity)
            } else {
                "note"
            };
            let mut r = json!({
                "ruleId": f.rule,
                "ruleIndex": index.get(f.rule.as_str()).copied().unwrap_or(0),
                "level": level,
                "message": {"text": text},
                "locations": [location(report, f, cwd.as_deref())],
                "partialFingerprints": {"disclosureAuditId/v1": f.id},
                "properties": props,
            });
            if let Some(s) = f.status {
                r["baselineState"] = json!(match s {
                    Status::New => "new",
                    Status::Persisting => "unchanged",
                });
            }
            r
        })
        .collect();
    let log = json!({
        "$schema": SCHEMA_URI,
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": report.tool.name,
                "version": report.tool.version,
                "semanticVersion": report.tool.version,
                "rules": descriptors,
            }},
            "columnKind": "unicodeCodePoints",
            "results": results,
            "properties": {
                "site": report.site,
                "as_of": report.as_of.to_string(),
                "pages": report.summary.pages,
                "incomplete": report.incomplete,
            },
        }],
    });
    match serde_json::to_string_pretty(&log) {
        Ok(mut s) => {
            s.push('\n');
            s
        }
        Err(e) => format!("{{\"error\": \"cannot serialise SARIF: {e}\"}}\n"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uris_are_relative_and_encoded() {
        assert_eq!(
            artifact_uri("./public", "gzdt/index.html", None),
            "public/gzdt/index.html"
        );
        assert_eq!(
            artifact_uri("site", "新闻/a b.html", None),
            "site/%E6%96%B0%E9%97%BB/a%20b.html"
        );
    }
}

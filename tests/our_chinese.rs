//! Our own Chinese passes our own checks. Every Chinese string the tool can
//! print comes from `rules/`: rule messages, fixes and docs, the report's
//! words (`[labels.zh]`, its notes, inspect's words). Each is run through the
//! shipped punctuation rules (half-width marks between Chinese characters,
//! doubled and unbalanced marks): a tool that reports half-width commas must
//! not print them. English strings (`*_en`, `[labels.en]`) are left alone.

use std::path::Path;

use disclosure_audit::checks::Params;
use disclosure_audit::checks::punctuation::Params as Punctuation;
use disclosure_audit::load_rules;
use toml::Value;

/// Keys whose values are words for a reader, not patterns or tables of marks.
fn is_words(key: &str) -> bool {
    !key.ends_with("_en") && (key == "doc" || key == "fix" || key.contains("message"))
}

/// Every (place, text) of Chinese words in one rule file.
fn words(file: &str, v: &Value, path: &str, in_zh_labels: bool, out: &mut Vec<(String, String)>) {
    match v {
        Value::String(s) => {
            let key = path.rsplit('.').next().unwrap_or("");
            if in_zh_labels || is_words(key) {
                out.push((format!("{file}: {path}"), s.clone()));
            }
        }
        Value::Array(a) => {
            for (i, x) in a.iter().enumerate() {
                words(file, x, &format!("{path}[{i}]"), in_zh_labels, out);
            }
        }
        Value::Table(t) => {
            for (k, x) in t {
                let p = if path.is_empty() {
                    k.clone()
                } else {
                    format!("{path}.{k}")
                };
                let zh = in_zh_labels || p == "labels.zh";
                words(file, x, &p, zh, out);
            }
        }
        _ => {}
    }
}

#[test]
fn every_chinese_string_we_print_passes_our_punctuation_rules() {
    let rules = load_rules(true, &[]).expect("shipped rules");
    let checks: Vec<(&str, &Punctuation)> = rules
        .rules
        .iter()
        .filter_map(|r| match &r.params {
            Params::Punctuation(p) => Some((r.id.as_str(), p)),
            _ => None,
        })
        .collect();
    assert!(checks.len() >= 3, "the shipped punctuation rules");

    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("rules");
    let mut texts = Vec::new();
    // The shipped packs' files too (rules/national-2019/).
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .expect("rules/")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .flat_map(|p| {
            if p.is_dir() {
                std::fs::read_dir(&p)
                    .map(|d| d.filter_map(|e| e.ok().map(|e| e.path())).collect())
                    .unwrap_or_default()
            } else {
                vec![p]
            }
        })
        .filter(|p| p.extension().is_some_and(|e| e == "toml"))
        .collect();
    files.sort();
    assert!(
        files
            .iter()
            .any(|f| f.ends_with("national-2019/indicators.toml")),
        "the packs' files are read: {files:?}"
    );
    for f in &files {
        let name = f.file_name().unwrap().to_string_lossy().into_owned();
        let t: toml::Table = std::fs::read_to_string(f).unwrap().parse().unwrap();
        words(&name, &Value::Table(t), "", false, &mut texts);
    }
    assert!(texts.len() > 200, "the words were found ({})", texts.len());

    let mut bad = Vec::new();
    for (place, text) in &texts {
        for line in text.lines() {
            for (id, p) in &checks {
                for hit in p.find(line) {
                    bad.push(format!(
                        "{place} ({id}): 「{}」 → 「{}」 in {line}",
                        hit.found, hit.expected
                    ));
                }
            }
        }
    }
    assert!(
        bad.is_empty(),
        "{} problems:\n{}",
        bad.len(),
        bad.join("\n")
    );
}

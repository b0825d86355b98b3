//! `--format text`: the correction list an editor reads, grouped by column and
//! then by page, numbered, with a summary line at the end.

use std::fmt::Write;

use super::Report;
use super::labels::Labels;
use crate::checks::Lang;

pub fn render(report: &Report, lang: Lang) -> String {
    let l = Labels::get(lang);
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{} · {} · {} {}",
        l.title, report.site, l.as_of, report.as_of
    );
    if report.incomplete {
        let _ = writeln!(out, "{}", l.incomplete);
    }
    for n in &report.notes {
        let _ = writeln!(out, "{}: {n}", l.note);
    }
    let mut column: Option<Option<&str>> = None;
    let mut page: Option<&str> = None;
    for (i, f) in report.findings.iter().enumerate() {
        if column != Some(f.column.as_deref()) {
            column = Some(f.column.as_deref());
            page = None;
            let _ = writeln!(out, "\n【{}】", f.column.as_deref().unwrap_or(l.no_column));
        }
        if page != Some(f.url.as_str()) {
            page = Some(f.url.as_str());
            match &f.title {
                Some(t) if !t.is_empty() => {
                    let _ = writeln!(out, "  {t}\n  {}", f.url);
                }
                _ => {
                    let _ = writeln!(out, "  {}", f.url);
                }
            }
        }
        let _ = writeln!(
            out,
            "    {}. [{}] {}",
            i + 1,
            l.severity(f.severity),
            f.message
        );
        if let Some(e) = &f.evidence {
            let _ = writeln!(out, "       {}: {e}", l.evidence);
        }
        if let Some(t) = &f.target {
            let _ = writeln!(out, "       {}: {t}", l.link);
        }
        if let Some(fix) = &f.fix {
            let _ = writeln!(out, "       {}: {fix}", l.fix);
        }
        if let Some(d) = &f.due {
            let _ = writeln!(out, "       {}: {d}", l.due);
        }
        let _ = writeln!(out, "       {}: {} ({})", l.rule, f.rule, f.kind);
    }
    if report.findings.is_empty() {
        let _ = writeln!(out, "\n{}", l.no_findings);
    }
    let s = &report.summary;
    let count = |k: &str| s.by_severity.get(k).copied().unwrap_or(0).to_string();
    let line = l
        .summary
        .replace("{pages}", &s.pages.to_string())
        .replace("{findings}", &s.findings.to_string())
        .replace("{error}", &count("error"))
        .replace("{warning}", &count("warning"))
        .replace("{info}", &count("info"));
    let _ = writeln!(out, "\n{line}");
    out
}

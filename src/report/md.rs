//! `--format md`: the correction list as GitHub-flavoured Markdown, short
//! enough for a pull-request comment (GitHub caps a comment at 65,536
//! characters, so long lists are cut with a note).

use std::fmt::Write;

use super::Report;
use super::labels::{
    COL_COLUMN, COL_DUE, COL_FIX, COL_NO, COL_PROBLEM, COL_SEVERITY, COL_TITLE, Labels,
};

/// Room left for the table once the header and summary are written.
const MAX_CHARS: usize = 60_000;

/// Text safe inside a table cell: no pipes, no line breaks, no raw HTML, no
/// entities, and no code spans or links made from a page's backticks and brackets.
fn cell(s: &str) -> String {
    s.replace('\\', "\\\\")
        .replace('&', "&amp;")
        .replace('|', "\\|")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('`', "\\`")
        .replace('[', "\\[")
        .replace(']', "\\]")
        .replace(['\r', '\n'], " ")
}

pub fn render(report: &Report, l: &Labels) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "## {} · {}\n\n{} {}\n",
        &l.title,
        cell(&report.site),
        &l.as_of,
        report.as_of
    );
    if report.incomplete {
        let _ = writeln!(out, "> {}\n", &l.incomplete);
    }
    for n in &report.notes {
        let _ = writeln!(out, "> {}{}{}\n", &l.note, &l.colon, cell(n));
    }
    let s = &report.summary;
    let _ = writeln!(out, "{}\n", l.summary_line(s));
    if let Some(line) = l.records_line(s) {
        let _ = writeln!(out, "{line}\n");
    }
    if let Some(line) = l.baseline_line(s) {
        let _ = writeln!(out, "{line}\n");
    }
    let page_link = |f: &crate::report::finding::Finding| {
        format!(
            "[{}]({})",
            cell(f.shown_title()),
            f.url.replace(' ', "%20").replace(')', "%29")
        )
    };
    // A pack's verdict, item by item, by the row numbers of the table below.
    if let Some(card) = &report.scorecard {
        let numbers = report.row_numbers();
        let row = |id: &str| numbers.get(id).copied();
        let head = crate::scorecard::heading(card, l);
        let verdict = crate::scorecard::verdict(card, l);
        let _ = writeln!(out, "### {head}\n\n**{}**\n", cell(&verdict));
        for line in crate::scorecard::item_lines(card, l, &row) {
            let _ = writeln!(out, "- {}", cell(&line));
        }
        out.push('\n');
    }
    // What to fix first: the findings come ordered so, and these lead the list.
    let first = report.fix_first(l);
    if !first.is_empty() {
        let head = l.fix_first_heading(first.len());
        let _ = writeln!(out, "### {head}\n");
        for f in &first {
            let due = l.due_aside(f);
            let _ = writeln!(
                out,
                "- **{}** {}{due} · {}",
                l.severity(f.severity),
                cell(&f.message),
                page_link(f)
            );
        }
        out.push('\n');
    }
    if !s.by_kind.is_empty() {
        let _ = writeln!(out, "| {} | {} |\n| --- | ---: |", &l.kind, &l.findings);
        for (k, n) in &s.by_kind {
            let _ = writeln!(out, "| {} | {n} |", cell(l.kind_name(k)));
        }
        out.push('\n');
    }
    if report.findings.is_empty() {
        let _ = writeln!(out, "{}", &l.no_findings);
    } else {
        let with_status = crate::report::csv::Extra::of(report).status;
        let c = &l.columns;
        let status_head = if with_status {
            format!(" {} |", &l.status)
        } else {
            String::new()
        };
        let header = |out: &mut String| {
            let _ = writeln!(
                out,
                "| {} | {} | {} | {} | {} | {} | {} |{status_head}",
                c[COL_NO],
                c[COL_SEVERITY],
                c[COL_COLUMN],
                c[COL_TITLE],
                c[COL_PROBLEM],
                c[COL_FIX],
                c[COL_DUE]
            );
            let _ = writeln!(
                out,
                "| ---: | --- | --- | --- | --- | --- | --- |{}",
                if with_status { " --- |" } else { "" }
            );
        };
        if report.findings.first().is_some_and(|f| f.is_todo()) {
            header(&mut out);
        }
        for (i, f) in report.findings.iter().enumerate() {
            // The records come last (`Report::ordered`), under their own heading.
            if !f.is_todo()
                && report
                    .findings
                    .get(i.wrapping_sub(1))
                    .is_none_or(|p| p.is_todo())
            {
                let head = l.records_heading(s.records);
                let _ = writeln!(out, "\n### {head}\n");
                header(&mut out);
            }
            if out.len() > MAX_CHARS {
                let _ = writeln!(
                    out,
                    "\n{}",
                    Labels::fill(
                        &l.more_rows,
                        &[("n", (report.findings.len() - i).to_string())]
                    )
                );
                break;
            }
            let page = page_link(f);
            let mut msg = cell(&f.message);
            if let Some(e) = &f.evidence {
                let _ = write!(msg, "<br>{}{}{}", &l.evidence, &l.colon, cell(e));
            }
            if let Some(t) = &f.target {
                let _ = write!(msg, "<br>{}{}{}", &l.link, &l.colon, cell(t));
            }
            let status = if with_status {
                format!(" {} |", l.status(f.status))
            } else {
                String::new()
            };
            let _ = writeln!(
                out,
                "| {} | {} | {} | {} | {} | {} | {} |{status}",
                i + 1,
                l.severity(f.severity),
                cell(l.column_or(f.column.as_deref())),
                page,
                msg,
                f.fix.as_deref().map(cell).unwrap_or_default(),
                f.due.map(|d| d.to_string()).unwrap_or_default(),
            );
        }
    }
    if let Some(fixed) = report.fixed.as_ref().filter(|f| !f.is_empty()) {
        let _ = writeln!(
            out,
            "\n### {}\n",
            l.with_aside(&l.fixed, &fixed.len().to_string())
        );
        for f in fixed {
            let _ = writeln!(out, "- ~~{}~~ {}", cell(&f.message), cell(f.shown_title()));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::Lang;
    use crate::report::finding::Finding;
    use crate::report::labels::shipped;
    use crate::rules::Severity;

    fn finding(i: usize, title: &str) -> Finding {
        Finding {
            kind: "typo".into(),
            severity: Severity::Warning,
            url: format!("http://x/{i}.html"),
            title: Some(title.into()),
            column: Some("工作动态".into()),
            message: "a | b\nc".into(),
            ..Finding::sample(&format!("{i:04}"))
        }
    }

    #[test]
    fn cells_cannot_break_the_table() {
        let as_of = "2019-03-20".parse().expect("date");
        let r = Report::new("s".into(), as_of, 1, vec![finding(1, "<b>[标题]</b>|x")]);
        let md = render(&r, &shipped(Lang::Zh));
        let row = md.lines().find(|l| l.starts_with("| 1 |")).expect("row");
        assert!(row.contains("a \\| b c"), "{row}");
        assert!(
            row.contains("[&lt;b&gt;\\[标题\\]&lt;/b&gt;\\|x](http://x/1.html)"),
            "{row}"
        );
        assert!(!md.contains("<b>"));
    }

    #[test]
    fn long_lists_stop_before_the_comment_limit() {
        let as_of = "2019-03-20".parse().expect("date");
        let long = "长".repeat(300);
        let findings: Vec<Finding> = (0..400).map(|i| finding(i, &long)).collect();
        let md = render(
            &Report::new("s".into(), as_of, 1, findings),
            &shipped(Lang::Zh),
        );
        assert!(md.chars().count() < 65_536, "{}", md.chars().count());
        assert!(md.contains("个问题未列出"));
    }
}

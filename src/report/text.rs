//! `--format text`: the correction list an editor reads. What to fix first
//! opens it (leaked personal data, errors due within days); then every
//! finding, numbered, grouped by column and page, the columns in the order
//! of their most urgent finding; then the records of the past that can no
//! longer be corrected, grouped the same way; a summary line ends it.

use std::fmt::Write;

use super::Report;
use super::finding::Finding;
use super::labels::Labels;
use crate::rules::Severity;

pub fn render(report: &Report, l: &Labels) -> String {
    render_styled(report, l, false)
}

/// A column's findings, page by page: (column, [(page URL, findings)]).
type ColumnGroup<'a> = (Option<&'a str>, Vec<(&'a str, Vec<&'a Finding>)>);

/// ANSI styles, or nothing when colour is off.
struct Paint(bool);

impl Paint {
    fn wrap(&self, code: &str, s: &str) -> String {
        if self.0 {
            format!("\x1b[{code}m{s}\x1b[0m")
        } else {
            s.to_string()
        }
    }

    fn severity(&self, sev: Severity, s: &str) -> String {
        let code = match sev {
            Severity::Error => "1;31",
            Severity::Warning => "33",
            Severity::Info => "36",
        };
        self.wrap(code, s)
    }
}

/// Whether the text report may use colour: only on a terminal, and never when
/// `NO_COLOR` is set to anything non-empty (https://no-color.org).
pub fn color_wanted(is_terminal: bool) -> bool {
    is_terminal && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
}

/// The text report; `color` adds ANSI colours for a terminal.
pub fn render_styled(report: &Report, l: &Labels, color: bool) -> String {
    let paint = Paint(color);
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{} · {} · {} {}",
        &l.title, report.site, &l.as_of, report.as_of
    );
    if report.incomplete {
        let _ = writeln!(out, "{}", &l.incomplete);
    }
    for n in &report.notes {
        let _ = writeln!(out, "{}{}{n}", &l.note, &l.colon);
    }
    let groups = by_column(report.todos());
    let records = by_column(report.records());
    // Numbered in the order printed; ids are unique in a report.
    let numbers: std::collections::HashMap<&str, usize> = groups
        .iter()
        .chain(&records)
        .flat_map(|(_, pages)| pages.iter().flat_map(|(_, fs)| fs.iter()))
        .enumerate()
        .map(|(i, f)| (f.id.as_str(), i + 1))
        .collect();
    let number = |f: &Finding| numbers.get(f.id.as_str()).copied().unwrap_or(0);

    // A pack's verdict, item by item, by the numbers of the list below.
    if let Some(card) = &report.scorecard {
        let head = crate::scorecard::heading(card, l);
        let _ = writeln!(out, "\n{}", paint.wrap("1", &format!("【{head}】")));
        let _ = writeln!(out, "  {}", crate::scorecard::verdict(card, l));
        let by_id = |id: &str| numbers.get(id).copied();
        for line in crate::scorecard::item_lines(card, l, &by_id) {
            let _ = writeln!(out, "  {line}");
        }
    }

    // What to fix first, by the numbers of the list below.
    let first = report.fix_first(l);
    if !first.is_empty() {
        let head = l.fix_first_heading(first.len());
        let _ = writeln!(out, "\n{}", paint.wrap("1", &format!("【{head}】")));
        for f in &first {
            let tag = paint.severity(f.severity, &format!("[{}]", l.severity(f.severity)));
            let due = l.due_aside(f);
            let _ = writeln!(out, "  {}. {tag} {}{due}", number(f), f.message);
        }
    }

    let section = |out: &mut String, groups: &[ColumnGroup<'_>]| {
        for (column, pages) in groups {
            let name = format!("【{}】", l.column_or(*column));
            let _ = writeln!(out, "\n{}", paint.wrap("1", &name));
            for (url, fs) in pages {
                match fs[0].title.as_deref() {
                    Some(t) if !t.is_empty() => {
                        let _ = writeln!(out, "  {t}\n  {url}");
                    }
                    _ => {
                        let _ = writeln!(out, "  {url}");
                    }
                }
                for f in fs {
                    finding(out, f, number(f), report, l, &paint);
                }
            }
        }
    };
    section(&mut out, &groups);
    if report.summary.records > 0 {
        let head = l.records_heading(report.summary.records);
        let _ = writeln!(out, "\n{}", paint.wrap("1", &format!("══ {head} ══")));
        section(&mut out, &records);
    }
    if let Some(fixed) = report.fixed.as_ref().filter(|f| !f.is_empty()) {
        let _ = writeln!(
            out,
            "\n{}",
            paint.wrap("1;32", &format!("【{}】", &l.fixed))
        );
        for f in fixed {
            let _ = writeln!(out, "  {}\n    {}", f.url, f.message);
        }
    }
    if report.findings.is_empty() {
        let _ = writeln!(out, "\n{}", &l.no_findings);
    }
    let _ = writeln!(out, "\n{}", l.summary_line(&report.summary));
    if let Some(line) = l.records_line(&report.summary) {
        let _ = writeln!(out, "{line}");
    }
    if let Some(line) = l.baseline_line(&report.summary) {
        let _ = writeln!(out, "{line}");
    }
    out
}

/// `--format scorecard`: the pack's verdict and items, each with the
/// findings behind it; what a provincial office asks for each quarter.
pub fn render_scorecard(report: &Report, l: &Labels) -> Result<String, String> {
    let Some(card) = &report.scorecard else {
        return Err(
            "--format scorecard needs a rule pack with a scorecard (--pack national-2019)".into(),
        );
    };
    let mut out = String::new();
    let head = crate::scorecard::heading(card, l);
    let _ = writeln!(
        out,
        "{head} · {} · {} {}",
        report.site, &l.as_of, report.as_of
    );
    if report.incomplete {
        let _ = writeln!(out, "{}", &l.incomplete);
    }
    let _ = writeln!(out, "\n{}\n", crate::scorecard::verdict(card, l));
    let by_id: std::collections::HashMap<&str, &Finding> =
        report.findings.iter().map(|f| (f.id.as_str(), f)).collect();
    let none = |_: &str| None;
    let lines = crate::scorecard::item_lines(card, l, &none);
    for (item, line) in card.items.iter().zip(lines) {
        let _ = writeln!(out, "{line}");
        for id in &item.findings {
            if let Some(f) = by_id.get(id.as_str()) {
                let _ = writeln!(out, "    - {}", f.message);
                let _ = writeln!(out, "      {}", crate::source::urls::display_url(&f.url));
            }
        }
    }
    Ok(out)
}

/// `--format scorecard` over several sites: one line per site with its
/// verdict, worst first (sites that could not be audited, then vetoed ones,
/// the most veto items first, then the lowest score), as a provincial office
/// sends the quarter's results round. A site whose audit was cut short says so.
pub fn render_overview(
    cards: &mut [(String, crate::scorecard::Scorecard, bool)],
    unaudited: &[(String, String)],
    l: &Labels,
) -> String {
    cards.sort_by(|(sa, a, _), (sb, b, _)| {
        (
            a.vetoed.is_empty(),
            std::cmp::Reverse(a.vetoed.len()),
            a.score,
            sa,
        )
            .cmp(&(
                b.vetoed.is_empty(),
                std::cmp::Reverse(b.vetoed.len()),
                b.score,
                sb,
            ))
    });
    let mut out = String::new();
    if let Some((_, first, _)) = cards.first() {
        let _ = writeln!(out, "{}\n", crate::scorecard::heading(first, l));
    }
    for (site, error) in unaudited {
        let line = l.scorecard_word("unaudited", &[("error", error.clone())]);
        let _ = writeln!(out, "{site}\n  {line}");
    }
    for (site, card, incomplete) in cards.iter() {
        let mut verdict = crate::scorecard::verdict(card, l);
        if *incomplete {
            verdict = l.with_aside(&verdict, &l.scorecard_word("incomplete", &[]));
        }
        let _ = writeln!(out, "{site}\n  {verdict}");
    }
    out
}

/// Columns in the order of their most urgent finding (the findings come
/// ordered as they should be fixed), and pages likewise within a column.
fn by_column<'a>(findings: impl Iterator<Item = &'a Finding>) -> Vec<ColumnGroup<'a>> {
    let mut groups: Vec<ColumnGroup<'_>> = Vec::new();
    for f in findings {
        let c = f.column.as_deref();
        let gi = match groups.iter().position(|(k, _)| *k == c) {
            Some(i) => i,
            None => {
                groups.push((c, Vec::new()));
                groups.len() - 1
            }
        };
        let pages = &mut groups[gi].1;
        match pages.iter_mut().find(|(u, _)| *u == f.url.as_str()) {
            Some((_, list)) => list.push(f),
            None => pages.push((f.url.as_str(), vec![f])),
        }
    }
    groups
}

/// One numbered finding with its evidence, link, fix, due date and rule.
fn finding(out: &mut String, f: &Finding, n: usize, report: &Report, l: &Labels, paint: &Paint) {
    let tag = paint.severity(f.severity, &format!("[{}]", l.severity(f.severity)));
    let status = match f.status {
        Some(_) => l.with_aside("", l.status(f.status)),
        None => String::new(),
    };
    let _ = writeln!(out, "    {n}. {tag}{status} {}", f.message);
    if let Some(e) = &f.evidence {
        let _ = writeln!(out, "       {}{}{e}", &l.evidence, &l.colon);
    }
    if let Some(t) = &f.target {
        // Shown as a reader types it: /attach/2019/活动方案.pdf, not %E6%B4%BB….
        let t = crate::source::urls::display_url(t);
        let _ = writeln!(out, "       {}{}{t}", &l.link, &l.colon);
    }
    if let Some(fix) = &f.fix {
        let _ = writeln!(out, "       {}{}{fix}", &l.fix, &l.colon);
    }
    if let Some(d) = &f.due {
        let _ = writeln!(out, "       {}{}{d}", &l.due, &l.colon);
    }
    if let Some(d) = f.first_seen {
        let days = crate::checks::days_between(d, report.as_of);
        let seen = l.with_aside(&d.to_string(), &l.open_days(days));
        let _ = writeln!(out, "       {}{}{seen}", &l.first_seen, &l.colon);
    }
    let rule = l.with_aside(&f.rule, &f.kind);
    let _ = writeln!(out, "       {}{}{rule}", &l.rule, &l.colon);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::Lang;
    use crate::report::finding::Finding;
    use crate::report::labels::shipped;

    fn report() -> Report {
        let f = Finding {
            url: "http://x/".into(),
            kind: "freshness".into(),
            column: Some("工作动态".into()),
            ..Finding::sample("a")
        };
        Report::new("s".into(), "2019-03-20".parse().expect("date"), 1, vec![f])
    }

    #[test]
    fn colour_only_when_asked() {
        let r = report();
        assert!(!render(&r, &shipped(Lang::Zh)).contains('\x1b'));
        let styled = render_styled(&r, &shipped(Lang::Zh), true);
        assert!(styled.contains("\x1b[1;31m[错误]\x1b[0m"));
        // Stripped of its colours, the styled text is the plain one.
        let plain = styled
            .replace("\x1b[1;31m", "")
            .replace("\x1b[1m", "")
            .replace("\x1b[0m", "");
        assert_eq!(plain, render(&r, &shipped(Lang::Zh)));
        assert!(!color_wanted(false), "never colour a pipe or a file");
    }
}

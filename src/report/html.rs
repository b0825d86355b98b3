//! `--format html`: one self-contained page (no external style, script, font
//! or image) that an editor opens from a mail or a share: the summary, a
//! publication calendar for each column under a frequency limit with the
//! stretches past the limit marked, and the findings grouped by column with
//! filters. Everything taken from the site is escaped.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write;

use jiff::ToSpan;
use jiff::civil::Date;

use super::Report;
use super::finding::{Finding, Status};
use super::labels::{COL_DUE, COL_NO, COL_PROBLEM, COL_SEVERITY, Labels};
use super::timeline::ColumnTimeline;
use crate::checks::{Lang, days_between};
use crate::rules::Severity;

/// Escapes text for HTML content and quoted attribute values.
pub fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

/// Only web links become links: a page could carry a `javascript:` URL.
fn href(url: &str) -> Option<String> {
    crate::is_url(url).then(|| esc(url))
}

const STYLE: &str = r#"
:root{--err:#c0392b;--warn:#b9770e;--info:#2471a3;--ok:#1e8449;--line:#e5e7eb;--muted:#6b7280}
*{box-sizing:border-box}
body{margin:0;font:14px/1.6 -apple-system,"PingFang SC","Microsoft YaHei","Noto Sans CJK SC",sans-serif;color:#1f2937;background:#f6f7f9}
main{max-width:1180px;margin:0 auto;padding:24px}
h1{font-size:24px;margin:0 0 4px}h2{font-size:18px;margin:32px 0 12px}h3{font-size:15px;margin:0}
.meta{color:var(--muted);margin:0}
.note{background:#fff7e6;border:1px solid #f5c46b;padding:8px 12px;border-radius:6px;margin:12px 0}
.cards{display:flex;flex-wrap:wrap;gap:12px;margin:16px 0}
.card{background:#fff;border:1px solid var(--line);border-radius:8px;padding:10px 16px;min-width:110px}
.card b{display:block;font-size:22px}.card span{color:var(--muted);font-size:12px}
.card.error b{color:var(--err)}.card.warning b{color:var(--warn)}.card.info b{color:var(--info)}.card.fixed b{color:var(--ok)}
table{border-collapse:collapse;width:100%;background:#fff}
th,td{border-bottom:1px solid var(--line);padding:6px 8px;text-align:left;vertical-align:top}
th{background:#f0f4f8;font-weight:600;white-space:nowrap}
.kinds{width:auto}.kinds td:last-child{text-align:right}
.cal{background:#fff;border:1px solid var(--line);border-radius:8px;padding:12px 16px;margin:0 0 16px}
.cal .limit{color:var(--muted);font-weight:normal;margin-left:8px;font-size:13px}
.months{display:grid;grid-template-columns:repeat(6,max-content);gap:12px 22px;margin:10px 0}
@media (max-width:760px){.months{grid-template-columns:repeat(3,max-content)}}
.month{font-size:11px;color:var(--muted)}
.month .grid{display:grid;grid-template-columns:repeat(7,13px);gap:2px;margin-top:2px}
.month .wd{font-size:9px;line-height:13px;text-align:center;color:#9ca3af}
.month .mname{font-weight:600;color:#374151}
.d{width:13px;height:13px;border-radius:2px;background:#eef0f3}
.d.pad{background:transparent}.d.future{background:#fafafa;border:1px dashed #e5e7eb}
.d.pub{background:var(--ok)}.d.over{background:#f1948a}.d.pub.over{background:var(--ok)}
.d.today{outline:2px solid #1f2937}
.calbody{display:flex;flex-wrap:wrap;gap:8px 32px;align-items:flex-start}.side{flex:1;min-width:220px;padding-top:10px}
.legend{font-size:12px;color:var(--muted);display:flex;gap:14px;align-items:center}
.legend i{display:inline-block;width:11px;height:11px;border-radius:2px;margin-right:4px;vertical-align:-1px}
.gaps{margin:6px 0 0;padding-left:18px;color:var(--err)}.nogap{color:var(--ok);margin:6px 0 0}
.filters{display:flex;flex-wrap:wrap;gap:8px;margin:0 0 12px;position:sticky;top:0;background:#f6f7f9;padding:8px 0;z-index:1}
.filters select,.filters input{font:inherit;padding:4px 6px;border:1px solid #cbd5e1;border-radius:4px;background:#fff}
.filters input{flex:1;min-width:160px}
details.group{margin:0 0 14px;background:#fff;border:1px solid var(--line);border-radius:8px;overflow:hidden}
details.group>summary{cursor:pointer;padding:8px 12px;font-weight:600;background:#f8fafc}
.count{color:var(--muted);font-weight:normal}
.sev{display:inline-block;padding:0 6px;border-radius:3px;color:#fff;font-size:12px;white-space:nowrap}
.sev.error{background:var(--err)}.sev.warning{background:var(--warn)}.sev.info{background:var(--info)}
.badge{display:inline-block;padding:0 5px;border-radius:3px;font-size:12px;border:1px solid #cbd5e1;color:var(--muted);white-space:nowrap;margin-top:2px}
.badge.new{border-color:var(--err);color:var(--err)}
.url{color:var(--muted);font-size:12px;word-break:break-all}
.ev,.fix,.tgt{font-size:13px;color:#374151;margin-top:2px}.ev b,.fix b,.tgt b{color:var(--muted);font-weight:normal}
td.num{color:var(--muted)}td.due{white-space:nowrap}
details.group table{table-layout:fixed}
details.group th:nth-child(1){width:52px}details.group th:nth-child(2){width:96px}
details.group th:nth-child(3){width:30%}details.group th:nth-child(5){width:112px}
td{overflow-wrap:anywhere}
a{color:#1d4ed8;text-decoration:none}a:hover{text-decoration:underline}
.fixed li{margin:2px 0}.fixed s{color:var(--muted)}
footer{color:var(--muted);font-size:12px;margin:32px 0 0}
"#;

const SCRIPT: &str = r#"
(function(){
  var sev=document.getElementById('f-sev'),kind=document.getElementById('f-kind'),
      col=document.getElementById('f-col'),q=document.getElementById('f-q');
  if(!sev)return;
  function apply(){
    var s=sev.value,k=kind.value,c=col.value,t=q.value.trim().toLowerCase();
    document.querySelectorAll('details.group').forEach(function(g){
      var shown=0;
      g.querySelectorAll('tr.f').forEach(function(r){
        var ok=(!s||r.dataset.severity===s)&&(!k||r.dataset.kind===k)&&(!c||g.dataset.column===c)
          &&(!t||r.textContent.toLowerCase().indexOf(t)>=0);
        r.style.display=ok?'':'none';if(ok)shown++;
      });
      g.style.display=shown?'':'none';
    });
  }
  [sev,kind,col].forEach(function(e){e.addEventListener('change',apply)});
  q.addEventListener('input',apply);
})();
"#;

fn cards(out: &mut String, l: &Labels, report: &Report) {
    let s = &report.summary;
    let mut card = |class: &str, n: usize, label: &str| {
        let _ = write!(
            out,
            "<div class=\"card {class}\"><b>{n}</b><span>{}</span></div>",
            esc(label)
        );
    };
    card("", s.pages, &l.pages);
    card("", s.findings, &l.findings);
    for sev in Severity::ALL {
        card(sev.as_str(), s.count(sev), l.severity(sev));
    }
    if let (Some(n), Some(p), Some(f)) = (s.new, s.persisting, s.fixed) {
        card("error", n, &l.status_new);
        card("", p, &l.status_persisting);
        card("fixed", f, &l.fixed);
    }
}

/// One column's calendar: the twelve months up to the audit date, one square a
/// day, published days green, days past the limit red.
fn calendar(out: &mut String, l: &Labels, t: &ColumnTimeline, as_of: Date) {
    let gaps = t.gaps(as_of);
    let mut per_day: BTreeMap<Date, usize> = BTreeMap::new();
    for d in &t.dates {
        *per_day.entry(*d).or_default() += 1;
    }
    let name = match t.url.as_deref().and_then(href) {
        Some(h) => format!("<a href=\"{h}\">{}</a>", esc(&t.name)),
        None => esc(&t.name),
    };
    let _ = write!(
        out,
        "<div class=\"cal\" data-column=\"{}\"><h3>{name}<span class=\"limit\">{}</span></h3><div class=\"calbody\"><div class=\"months\">",
        esc(&t.name),
        esc(&Labels::fill(
            &l.calendar_limit,
            &[("max_days", t.max_days.to_string())]
        ))
    );
    let last = as_of.first_of_month();
    let mut month = last.checked_sub(11.months()).unwrap_or(last);
    while month <= last {
        let _ = write!(
            out,
            "<div class=\"month\"><div class=\"mname\">{:04}-{:02}</div><div class=\"grid\">",
            month.year(),
            month.month()
        );
        for wd in &l.weekdays {
            let _ = write!(out, "<span class=\"wd\">{}</span>", esc(wd));
        }
        for _ in 0..month.weekday().to_monday_zero_offset() {
            out.push_str("<i class=\"d pad\"></i>");
        }
        let mut day = month;
        while day.month() == month.month() && day.year() == month.year() {
            let mut class = String::from("d");
            let mut tip = day.to_string();
            if day > as_of {
                class.push_str(" future");
            } else {
                if let Some(n) = per_day.get(&day) {
                    class.push_str(" pub");
                    let _ = write!(tip, " · {} {n}", &l.published);
                }
                if ColumnTimeline::is_overdue(&gaps, day) {
                    class.push_str(" over");
                    let _ = write!(tip, " · {}", &l.overdue);
                }
                if day == as_of {
                    class.push_str(" today");
                }
            }
            let _ = write!(out, "<i class=\"{class}\" title=\"{}\"></i>", esc(&tip));
            match day.tomorrow() {
                Ok(d) => day = d,
                Err(_) => break,
            }
        }
        out.push_str("</div></div>");
        match month.checked_add(1.month()) {
            Ok(m) => month = m,
            Err(_) => break,
        }
    }
    out.push_str("</div><div class=\"side\">");
    let _ = write!(
        out,
        "<div class=\"legend\"><span><i style=\"background:#1e8449\"></i>{}</span><span><i style=\"background:#f1948a\"></i>{}</span></div>",
        esc(&l.published),
        esc(&l.overdue)
    );
    if gaps.is_empty() {
        let _ = write!(out, "<p class=\"nogap\">{}</p>", esc(&l.no_gaps));
    } else {
        out.push_str("<ul class=\"gaps\">");
        for g in &gaps {
            let _ = write!(
                out,
                "<li>{}</li>",
                esc(&Labels::fill(
                    if g.open { &l.gap_open } else { &l.gap },
                    &[
                        ("start", g.start.to_string()),
                        ("end", g.end.to_string()),
                        ("days", g.days.to_string()),
                    ]
                ))
            );
        }
        out.push_str("</ul>");
    }
    out.push_str("</div></div></div>");
}

fn finding_row(out: &mut String, l: &Labels, n: usize, f: &Finding, as_of: Date) {
    let _ = write!(
        out,
        "<tr class=\"f\" data-severity=\"{}\" data-kind=\"{}\" data-status=\"{}\" id=\"f-{}\">",
        f.severity.as_str(),
        esc(&f.kind),
        match f.status {
            Some(Status::New) => "new",
            Some(Status::Persisting) => "persisting",
            None => "",
        },
        esc(&f.id)
    );
    let _ = write!(
        out,
        "<td class=\"num\">{n}</td><td><span class=\"sev {}\">{}</span><br><span class=\"badge\">{}</span></td>",
        f.severity.as_str(),
        esc(l.severity(f.severity)),
        esc(l.kind_name(&f.kind))
    );
    let title = esc(f.shown_title());
    let page = match href(&f.url) {
        Some(h) => format!("<a href=\"{h}\">{title}</a>"),
        None => title,
    };
    let mut location = esc(&f.url);
    if let Some(file) = &f.file {
        let _ = write!(location, "<br>{}", esc(file));
        if let Some(line) = f.line {
            let _ = write!(location, ":{line}");
        }
    }
    let _ = write!(out, "<td>{page}<div class=\"url\">{location}</div></td>");
    let _ = write!(out, "<td>{}", esc(&f.message));
    if let Some(e) = &f.evidence {
        let _ = write!(
            out,
            "<div class=\"ev\"><b>{}:</b> {}</div>",
            esc(&l.evidence),
            esc(e)
        );
    }
    if let Some(t) = &f.target {
        let _ = write!(
            out,
            "<div class=\"tgt\"><b>{}:</b> {}</div>",
            esc(&l.link),
            esc(t)
        );
    }
    if let Some(fix) = &f.fix {
        let _ = write!(
            out,
            "<div class=\"fix\"><b>{}:</b> {}</div>",
            esc(&l.fix),
            esc(fix)
        );
    }
    out.push_str("</td>");
    let _ = write!(
        out,
        "<td class=\"due\">{}",
        f.due.map(|d| d.to_string()).unwrap_or_default()
    );
    if f.status.is_some() {
        let class = if f.status == Some(Status::New) {
            "badge new"
        } else {
            "badge"
        };
        let _ = write!(
            out,
            "<br><span class=\"{class}\">{}</span>",
            esc(l.status(f.status))
        );
    }
    if let Some(d) = f.first_seen {
        let days = days_between(d, as_of);
        let _ = write!(
            out,
            "<br><span class=\"badge\" title=\"{}{}{d}\">{}</span>",
            esc(&l.first_seen),
            esc(&l.colon),
            esc(&l.open_days(days))
        );
    }
    out.push_str("</td></tr>");
}

/// A filter: `label` over `options`, with `all` (worded in `l`) first.
fn select(out: &mut String, l: &Labels, id: &str, label: &str, options: &[(String, String)]) {
    let _ = write!(
        out,
        "<select id=\"{id}\" aria-label=\"{}\"><option value=\"\">{}{}{}</option>",
        esc(label),
        esc(label),
        esc(&l.colon),
        esc(&l.filter_all)
    );
    for (value, text) in options {
        let _ = write!(
            out,
            "<option value=\"{}\">{}</option>",
            esc(value),
            esc(text)
        );
    }
    out.push_str("</select>");
}

pub fn render(report: &Report, l: &Labels) -> String {
    let mut out = String::new();
    let html_lang = match l.lang {
        Lang::Zh => "zh-CN",
        Lang::En => "en",
    };
    let _ = write!(
        out,
        "<!DOCTYPE html>\n<html lang=\"{html_lang}\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">\
         <meta name=\"generator\" content=\"{} {}\">\
         <title>{} · {}</title><style>{STYLE}</style></head>\n<body><main>\n",
        esc(&report.tool.name),
        esc(&report.tool.version),
        esc(&l.title),
        esc(&report.site)
    );
    let _ = writeln!(
        out,
        "<header><h1>{}</h1><p class=\"meta\">{} · {} {}</p></header>",
        esc(&l.title),
        esc(&report.site),
        esc(&l.as_of),
        report.as_of
    );
    if report.incomplete {
        let _ = write!(out, "<p class=\"note\">{}</p>", esc(&l.incomplete));
    }
    for n in &report.notes {
        let _ = write!(
            out,
            "<p class=\"note\">{}{}{}</p>",
            esc(&l.note),
            esc(&l.colon),
            esc(n)
        );
    }
    out.push_str("<section class=\"summary\"><div class=\"cards\">");
    cards(&mut out, l, report);
    out.push_str("</div>");
    let _ = write!(out, "<p>{}</p>", esc(&l.summary_line(&report.summary)));
    if let Some(line) = l.records_line(&report.summary) {
        let _ = write!(out, "<p>{}</p>", esc(&line));
    }
    if !report.summary.by_kind.is_empty() {
        let _ = write!(
            out,
            "<table class=\"kinds\"><thead><tr><th>{}</th><th>{}</th></tr></thead><tbody>",
            esc(&l.kind),
            esc(&l.findings)
        );
        for (k, n) in &report.summary.by_kind {
            let _ = write!(out, "<tr><td>{}</td><td>{n}</td></tr>", esc(l.kind_name(k)));
        }
        out.push_str("</tbody></table>");
    }
    out.push_str("</section>\n");

    // A pack's verdict, item by item, by the numbers of the findings below.
    if let Some(card) = &report.scorecard {
        let numbers = report.row_numbers();
        let row = |id: &str| numbers.get(id).copied();
        let head = crate::scorecard::heading(card, l);
        let verdict = crate::scorecard::verdict(card, l);
        let _ = write!(
            out,
            "<section class=\"scorecard {}\"><h2>{}</h2><p><strong>{}</strong></p><ul>",
            card.verdict,
            esc(&head),
            esc(&verdict)
        );
        for line in crate::scorecard::item_lines(card, l, &row) {
            let _ = write!(out, "<li>{}</li>", esc(&line));
        }
        out.push_str("</ul></section>\n");
    }

    // What to fix first: leaked personal data, errors due within days.
    let first = report.fix_first(l);
    if !first.is_empty() {
        let head = l.fix_first_heading(first.len());
        let _ = write!(out, "<section class=\"first\"><h2>{}</h2><ul>", esc(&head));
        for f in &first {
            let title = esc(f.shown_title());
            let page = match href(&f.url) {
                Some(h) => format!("<a href=\"{h}\">{title}</a>"),
                None => title,
            };
            let due = l.due_aside(f);
            let _ = write!(
                out,
                "<li><span class=\"sev {}\">{}</span> {}{} · {page}</li>",
                f.severity.as_str(),
                esc(l.severity(f.severity)),
                esc(&f.message),
                esc(&due)
            );
        }
        out.push_str("</ul></section>\n");
    }

    if !report.columns.is_empty() {
        let _ = write!(
            out,
            "<section class=\"calendars\"><h2>{}</h2>",
            esc(&l.calendar)
        );
        for t in &report.columns {
            calendar(&mut out, l, t, report.as_of);
        }
        out.push_str("</section>\n");
    }

    let _ = write!(
        out,
        "<section class=\"findings\"><h2>{}</h2>",
        esc(&l.details)
    );
    if report.findings.is_empty() {
        let _ = write!(out, "<p>{}</p>", esc(&l.no_findings));
    } else {
        let kinds: BTreeSet<&str> = report.findings.iter().map(|f| f.kind.as_str()).collect();
        let mut columns: Vec<&str> = Vec::new();
        for f in &report.findings {
            let c = l.column_or(f.column.as_deref());
            if !columns.contains(&c) {
                columns.push(c);
            }
        }
        out.push_str("<div class=\"filters\">");
        let sevs: Vec<(String, String)> = Severity::ALL
            .iter()
            .map(|s| (s.as_str().to_string(), l.severity(*s).to_string()))
            .collect();
        select(&mut out, l, "f-sev", &l.severity_label, &sevs);
        let kinds: Vec<(String, String)> = kinds
            .iter()
            .map(|k| (k.to_string(), l.kind_name(k).to_string()))
            .collect();
        select(&mut out, l, "f-kind", &l.kind, &kinds);
        let cols: Vec<(String, String)> = columns
            .iter()
            .map(|c| (c.to_string(), c.to_string()))
            .collect();
        select(&mut out, l, "f-col", &l.column, &cols);
        let _ = write!(
            out,
            "<input id=\"f-q\" type=\"search\" placeholder=\"{}\" aria-label=\"{}\"></div>",
            esc(&l.search),
            esc(&l.search)
        );
        let c = &l.columns;
        let mut i = 0;
        while i < report.findings.len() {
            let col = report.findings[i].column.as_deref();
            let todo = report.findings[i].is_todo();
            // The records come last (`Report::ordered`), under their own heading.
            if !todo && (i == 0 || report.findings[i - 1].is_todo()) {
                let head = l.records_heading(report.summary.records);
                let _ = write!(out, "<h2 class=\"records\">{}</h2>", esc(&head));
            }
            let end = report.findings[i..]
                .iter()
                .position(|f| f.column.as_deref() != col || f.is_todo() != todo)
                .map_or(report.findings.len(), |p| i + p);
            let name = l.column_or(col);
            let _ = write!(
                out,
                "<details class=\"group\" open data-column=\"{}\"><summary>【{}】 <span class=\"count\">{}</span></summary>\
                 <table><thead><tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th></tr></thead><tbody>",
                esc(name),
                esc(name),
                end - i,
                esc(&c[COL_NO]),
                esc(&c[COL_SEVERITY]),
                esc(&l.page),
                esc(&c[COL_PROBLEM]),
                esc(&c[COL_DUE])
            );
            for (j, f) in report.findings[i..end].iter().enumerate() {
                finding_row(&mut out, l, i + j + 1, f, report.as_of);
            }
            out.push_str("</tbody></table></details>\n");
            i = end;
        }
    }
    out.push_str("</section>\n");

    if let Some(fixed) = report.fixed.as_ref().filter(|f| !f.is_empty()) {
        let _ = write!(
            out,
            "<section class=\"fixed\"><h2>{}</h2><ul>",
            esc(&l.with_aside(&l.fixed, &fixed.len().to_string())),
        );
        for f in fixed {
            let _ = write!(
                out,
                "<li><s>{}</s> — {}</li>",
                esc(&f.message),
                esc(f.shown_title())
            );
        }
        out.push_str("</ul></section>\n");
    }
    let _ = writeln!(
        out,
        "<footer>{} {}</footer></main><script>{SCRIPT}</script></body></html>",
        esc(&report.tool.name),
        esc(&report.tool.version)
    );
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup_and_quotes() {
        assert_eq!(
            esc("<script>\"a\" & 'b'"),
            "&lt;script&gt;&quot;a&quot; &amp; &#39;b&#39;"
        );
        assert_eq!(href("javascript:alert(1)"), None);
        assert!(href("https://x/?a=1&b=2").is_some_and(|h| h.contains("&amp;")));
    }
}

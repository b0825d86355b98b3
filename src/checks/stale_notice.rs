//! `stale-notice`: a notice whose deadline or event date has passed, or that is
//! old and not marked as expired, still reads as current.
//!
//! Inspectors count a 通知公告 column full of closed recruitments and past
//! registration windows as stale: visitors act on notices. A notice is stale
//! when every deadline or event date in its text has passed on the audit date
//! (`报名截止时间：2019年3月1日`, `报名时间为3月1日至3月15日` with the year taken
//! from the publish date, `请于4月30日前`). A date counts only next to a cue from
//! the rule file (`截止`, `时间为`, `前`…), so the publish date, the signature and
//! the dates of events a notice merely reports stay out. A notice without any
//! such date is stale once it is older than `max_days` and not marked as
//! expired (`已过期`, `已结束`).
//!
//! Example finding: `「2019年公益性岗位招聘公告」的截止日期2019-03-01已过19天,
//! 仍作为有效通知展示`, evidence `报名截止时间：2019年3月1日`.

use std::collections::HashMap;

use jiff::civil::Date;
use regex::Regex;

use crate::checks::{At, Ctx, Draft, KindSpec, count, days_between, required};
use crate::extract::date::{find_dates, find_dates_with_default_year};
use crate::extract::record::{PageKind, PageRecord};
use crate::report::finding::Finding;
use crate::rules::toml_reader::{RuleError, TableReader};
use crate::rules::{Rule, Template, Values, opt_template};

pub const KIND: &str = "stale-notice";

const PLACEHOLDERS: &[&str] = &["deadline", "days_past", "phrase", "publish_date"];
const AGE_PLACEHOLDERS: &[&str] = &["publish_date", "age_days", "max_days"];

pub const SPEC: KindSpec = KindSpec {
    name: KIND,
    placeholders: PLACEHOLDERS,
    needs_category: true,
    doc: "Checks notices of the rule's categories: reports a notice when all the deadline or \
          event dates in its text (dates next to one of `cues_before`/`cues_after`) have \
          passed, and (with `max_days` and `age_message`) a notice with no such date that is \
          older than `max_days` and matches none of `expired_patterns`. Parameters: \
          cues_before, cues_after, ignore_before, ignore_after, cue_window, expired_patterns, \
          max_days, age_message, age_message_en, range_joiners, cue_lead, time_after, \
          clause_marks, rollover_days.",
};

#[derive(Debug, Clone)]
pub struct Params {
    /// Words that make the date after them a deadline (`截止时间`, `报名时间`, `至`).
    pub cues_before: Vec<String>,
    /// Words that make the date before them a deadline (`前`, `之前`, `止`).
    pub cues_after: Vec<String>,
    /// Words before a date (in its clause) that make it something else (`发布`, `印发`).
    pub ignore_before: Vec<String>,
    /// Words right after a date that make it a start or a period (`起`, `前后`).
    pub ignore_after: Vec<String>,
    /// How many characters may stand between a cue and its date.
    pub cue_window: usize,
    /// How many characters just before a cue may make its date the notice's own
    /// (`发布时间：`); without a cue, `cue_window` more are looked at.
    pub cue_lead: usize,
    /// What may stand between a date and the cue after it: a weekday, a time
    /// (`17:00`, `下午5点`). Anchored at the date's end.
    pub time_after: Regex,
    /// Characters that end a clause: a cue in another clause says nothing about a date.
    pub clause_marks: Vec<char>,
    /// A date without a year more than this many days before the publish date
    /// is in the next year (`1月10日前` in a notice of late December).
    pub rollover_days: u32,
    /// What joins the two dates of a range (`至`, `-`): the end of a deadline range is one too.
    pub range_joiners: Vec<String>,
    /// Title, text or column name matching one of these marks a notice as expired or archived.
    pub expired_patterns: Vec<Regex>,
    pub max_days: Option<u32>,
    pub age_message: Option<Template>,
    pub age_message_en: Option<Template>,
}

pub fn params(t: &mut TableReader<'_, '_>) -> Result<Params, RuleError> {
    let cues_before = t.string_list("cues_before")?;
    let cues_after = t.string_list("cues_after")?;
    if cues_before.is_empty() && cues_after.is_empty() {
        return Err(t.missing("cues_before"));
    }
    let ignore_before = t.string_list("ignore_before")?;
    let ignore_after = t.string_list("ignore_after")?;
    let cue_window = count(t, "cue_window")?;
    let cue_lead = count(t, "cue_lead")?;
    let time_after = match t.string("time_after")? {
        Some(s) => {
            Some(t.compile_regex("time_after", &s.span(), &format!(r"\A(?:{})", s.get_ref()))?)
        }
        None => None,
    };
    let clause_marks = t.chars("clause_marks")?.unwrap_or_default();
    let rollover_days = t.count("rollover_days")?.map(|n| n.into_inner());
    let range_joiners = t.string_list("range_joiners")?;
    let expired_patterns = t.regexes("expired_patterns", &[])?.unwrap_or_default();
    let max_days = t.count("max_days")?.map(|s| s.into_inner());
    let age_message = opt_template(t, "age_message", AGE_PLACEHOLDERS)?;
    let age_message_en = opt_template(t, "age_message_en", AGE_PLACEHOLDERS)?;
    if max_days.is_some() != age_message.is_some() {
        return Err(t.error_at(
            &t.span.clone(),
            format!(
                "{} needs both `max_days` and `age_message` to report old notices, or neither",
                t.context
            ),
        ));
    }
    Ok(Params {
        cues_before,
        cues_after,
        ignore_before,
        ignore_after,
        cue_window: required(t, "cue_window", cue_window)?,
        cue_lead: required(t, "cue_lead", cue_lead)?,
        time_after: required(t, "time_after", time_after)?,
        clause_marks: if clause_marks.is_empty() {
            return Err(t.missing("clause_marks"));
        } else {
            clause_marks
        },
        rollover_days: required(t, "rollover_days", rollover_days)?,
        range_joiners,
        expired_patterns,
        max_days,
        age_message,
        age_message_en,
    })
}

/// One deadline or event date found in a notice, with the words that quote it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Deadline {
    pub date: Date,
    pub phrase: String,
}

/// The length of the weekday or time at the start of `s` (see `time_after`).
fn skip_time(s: &str, p: &Params) -> usize {
    p.time_after.find(s).map_or(0, |m| m.end())
}

/// The deadline and event dates of one line of a notice. `year` resolves dates
/// written without one; `published` is the notice's own date, which is never a deadline.
fn deadlines_in_line(
    line: &str,
    year: Option<i16>,
    published: Option<Date>,
    p: &Params,
) -> Vec<Deadline> {
    let matches = match year {
        Some(y) => find_dates_with_default_year(line, y),
        None => find_dates(line),
    };
    let mut out: Vec<Deadline> = Vec::new();
    // Where the quoted phrase of the previous deadline started, for ranges.
    let mut prev: Option<(usize, usize)> = None;
    for m in &matches {
        let mut date = m.date;
        // `1月10日前` in a notice of late December means next January.
        if !m.has_year
            && let Some(pubd) = published
            && days_between(date, pubd) > i64::from(p.rollover_days)
            && let Ok(next) = date.checked_add(jiff::Span::new().years(1))
        {
            date = next;
        }
        let before = &line[..m.start];
        let clause_start = before
            .char_indices()
            .rev()
            .find(|(_, c)| p.clause_marks.contains(c))
            .map_or(0, |(i, c)| i + c.len_utf8());
        let clause = &before[clause_start..];
        let cue_start = p
            .cues_before
            .iter()
            .filter_map(|cue| {
                let at = clause.rfind(cue.as_str())?;
                let gap = clause[at + cue.len()..].chars().count();
                (gap <= p.cue_window).then_some(clause_start + at)
            })
            .min();
        let after = &line[m.end..];
        let tail = &after[skip_time(after, p)..];
        let ignored_after = p.ignore_after.iter().any(|w| tail.starts_with(w.as_str()));
        let cue_after = if ignored_after {
            None
        } else {
            p.cues_after
                .iter()
                .filter(|cue| tail.starts_with(cue.as_str()))
                .map(|cue| line.len() - tail.len() + cue.len())
                .max()
        };
        // `发布时间：…` but not `现将有关事项发布如下：报名截止时间：…`: only the
        // words just before the cue (or the date) can make it the notice's own date.
        let near_start = {
            let anchor = cue_start.unwrap_or(m.start);
            let lead = if cue_start.is_some() {
                p.cue_lead
            } else {
                p.cue_window + p.cue_lead
            };
            line[clause_start..anchor]
                .char_indices()
                .rev()
                .nth(lead.saturating_sub(1))
                .map_or(clause_start, |(i, _)| clause_start + i)
        };
        let near = &line[near_start..m.start];
        let ignored_before = p.ignore_before.iter().any(|w| near.contains(w.as_str()));
        let range_end = prev.is_some_and(|(_, pend)| {
            let between = line.get(pend..m.start).unwrap_or("");
            let joiner = between[skip_time(between, p)..].trim();
            p.range_joiners.iter().any(|j| j == joiner)
        });
        let is_deadline = !ignored_before
            && !ignored_after
            && (cue_start.is_some() || cue_after.is_some() || range_end);
        if !is_deadline || Some(date) == published {
            prev = None;
            continue;
        }
        let mut start = cue_start.unwrap_or(m.start);
        // `3月1日至3月15日`: quote the whole range.
        if let Some((pstart, pend)) = prev
            && (range_end || pend <= start && line[pend..start].chars().count() <= 2)
        {
            start = pstart;
        }
        let end = cue_after.unwrap_or(m.end);
        let phrase = line[start..end].trim().to_string();
        prev = Some((start, m.end));
        out.push(Deadline { date, phrase });
    }
    out
}

/// All deadline dates of a notice's text.
pub fn deadlines(
    text: &str,
    year: Option<i16>,
    published: Option<Date>,
    p: &Params,
) -> Vec<Deadline> {
    text.lines()
        .flat_map(|l| deadlines_in_line(l, year, published, p))
        .collect()
}

fn is_marked_expired(page: &PageRecord, p: &Params) -> bool {
    p.expired_patterns.iter().any(|re| {
        re.is_match(&page.title)
            || re.is_match(&page.text)
            || page.column.as_deref().is_some_and(|c| re.is_match(c))
    })
}

pub fn check(ctx: &Ctx<'_>, rule: &Rule, p: &Params, out: &mut Vec<Finding>) {
    // A notice without its own date label is dated by its column's list.
    let list_dates: HashMap<&str, Date> = ctx
        .site
        .columns
        .iter()
        .flat_map(|c| &c.items)
        .filter_map(|i| Some((i.url.as_str(), i.date?)))
        .collect();
    for page in ctx.site.pages_in(&rule.categories) {
        if page.kind != PageKind::Article || page.error.is_some() {
            continue;
        }
        let published = page
            .publish_date
            .or_else(|| list_dates.get(page.url.as_str()).copied());
        // A notice published after the audit date did not exist then.
        if published.is_some_and(|d| d > ctx.as_of) {
            continue;
        }
        if is_marked_expired(page, p) {
            continue;
        }
        let found = deadlines(&page.text, published.map(|d| d.year()), published, p);
        let latest = found.iter().max_by_key(|d| d.date);
        let mut values = Values::new();
        if let Some(d) = published {
            values.insert("publish_date", d.to_string());
        }
        if let Some(latest) = latest {
            if latest.date >= ctx.as_of {
                continue;
            }
            values.insert("deadline", latest.date.to_string());
            values.insert(
                "days_past",
                days_between(latest.date, ctx.as_of).to_string(),
            );
            values.insert("phrase", latest.phrase.clone());
            out.push(ctx.finding(
                rule,
                Draft {
                    at: At::page(page),
                    key: "deadline".into(),
                    evidence: Some(latest.phrase.clone()),
                    target: None,
                    values,
                },
            ));
            continue;
        }
        let (Some(max_days), Some(age_message), Some(published)) =
            (p.max_days, &p.age_message, published)
        else {
            continue;
        };
        let age = days_between(published, ctx.as_of);
        if age <= i64::from(max_days) {
            continue;
        }
        values.insert("age_days", age.to_string());
        values.insert("max_days", max_days.to_string());
        out.push(ctx.finding_with(
            rule,
            Draft {
                at: At::page(page),
                key: "age".into(),
                evidence: Some(published.to_string()),
                target: None,
                values,
            },
            age_message,
            p.age_message_en.as_ref(),
        ));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p() -> Params {
        let s = |v: &[&str]| v.iter().map(|x| x.to_string()).collect::<Vec<_>>();
        Params {
            cues_before: s(&[
                "报名截止",
                "截止时间",
                "截止日期",
                "截止",
                "报名时间",
                "时间为",
                "时间：",
                "时间:",
                "期限",
                "至",
                "到",
            ]),
            cues_after: s(&["之前", "以前", "前", "为止", "止", "截止"]),
            ignore_before: s(&["发布", "印发", "成文", "施行"]),
            ignore_after: s(&["前后", "起", "以来"]),
            cue_window: 8,
            cue_lead: 3,
            time_after: Regex::new(TIME_AFTER).unwrap(),
            clause_marks: vec!['。', '；', ';', '！', '!', '？', '?', '，', ',', '\n'],
            rollover_days: 30,
            range_joiners: s(&["至", "到", "-", "—", "~", "～"]),
            expired_patterns: vec![Regex::new("已过期|已结束").unwrap()],
            max_days: Some(180),
            age_message: None,
            age_message_en: None,
        }
    }

    /// `time_after` of rules/notices.toml, anchored as `params` anchors it.
    const TIME_AFTER: &str = r"\A(?:\s*(?:[（(]\s*(?:星期|周)[一二三四五六日天]\s*[)）])?\s*(?:(?:上午|下午|中午|晚上|早上)?\s*[0-9０-９]{1,2}\s*(?:[:：]\s*[0-9０-９]{2}|[时点點](?:\s*[0-9０-９]{1,2}\s*分|半)?))?\s*)";

    #[test]
    fn shipped_rule_reads_its_limits() {
        let rules = crate::load_rules(true, &[]).unwrap();
        let Some(crate::checks::Params::StaleNotice(shipped)) =
            rules.rule("notice-expired").map(|r| &r.params)
        else {
            panic!("notice-expired is a stale-notice rule");
        };
        let s = shipped;
        assert_eq!((s.cue_window, s.cue_lead, s.rollover_days), (8, 3, 30));
        assert_eq!(s.time_after.as_str(), TIME_AFTER);
        assert_eq!(s.clause_marks, p().clause_marks);
    }

    fn d(y: i16, m: i8, day: i8) -> Date {
        Date::new(y, m, day).unwrap()
    }

    fn dates(line: &str, published: Option<Date>) -> Vec<(Date, String)> {
        deadlines_in_line(line, published.map(|d| d.year()), published, &p())
            .into_iter()
            .map(|x| (x.date, x.phrase))
            .collect()
    }

    #[test]
    fn deadline_cues() {
        assert_eq!(
            dates("四、报名截止时间：2019年3月1日。", None),
            vec![(d(2019, 3, 1), "报名截止时间：2019年3月1日".to_string())]
        );
        assert_eq!(
            dates(
                "一、辖区内养犬的居民，请于2019年4月30日前携带犬只免疫证明",
                None
            ),
            vec![(d(2019, 4, 30), "2019年4月30日前".to_string())]
        );
        let range = dates(
            "报名时间为3月1日至3月15日，逾期不予受理。",
            Some(d(2019, 2, 20)),
        );
        assert_eq!(range.len(), 2);
        assert_eq!(
            range[1],
            (d(2019, 3, 15), "报名时间为3月1日至3月15日".to_string())
        );
        assert_eq!(
            dates("现将有关事项发布如下：报名截止时间：2019年3月1日", None),
            vec![(d(2019, 3, 1), "报名截止时间：2019年3月1日".to_string())]
        );
        let range = dates("报名时间：2019年3月1日—2019年3月15日", None);
        assert_eq!(
            range[1],
            (
                d(2019, 3, 15),
                "报名时间：2019年3月1日—2019年3月15日".to_string()
            )
        );
        assert_eq!(
            dates("请于3月8日（星期五）下午5点前提交材料", Some(d(2019, 3, 1))),
            vec![(d(2019, 3, 8), "3月8日（星期五）下午5点前".to_string())]
        );
    }

    #[test]
    fn not_deadlines() {
        // Reported events, starts, the notice's own date.
        assert!(dates("2019年1月5日，街道召开了专题会议。", None).is_empty());
        assert!(dates("本办法自2019年3月1日起施行。", None).is_empty());
        assert!(dates("发布时间：2019年2月18日", None).is_empty());
        assert!(dates("印发时间：2019年2月18日", None).is_empty());
        assert!(dates("施行时间：2019年1月1日", None).is_empty());
        assert!(dates("截止时间：2019年2月18日", Some(d(2019, 2, 18))).is_empty());
        assert!(dates("春节前后，2019年2月5日前后气温较低", None).is_empty());
        // A cue in another clause does not reach the date.
        assert!(dates("报名时间另行通知，2019年1月5日召开动员会", None).is_empty());
    }

    #[test]
    fn month_day_rolls_into_next_year() {
        let got = dates("请于1月10日前报送", Some(d(2018, 12, 20)));
        assert_eq!(got[0].0, d(2019, 1, 10));
        // Without a year to go by, a month-day date is not read.
        assert!(dates("请于1月10日前报送", None).is_empty());
    }
}

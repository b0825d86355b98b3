//! Chinese date parsing.
//!
//! Disclosure sites print dates in many styles (`2019-03-14`, `2019/3/14`,
//! `2019年3月14日`, full-width digits, the TRS `2019-03-14-09:30:15`), and the
//! 成文日期 of a signed document is written in Chinese numerals
//! (`二〇一九年三月六日`). This module reads all of them as
//! [`jiff::civil::Date`] and finds them in free text without taking version
//! numbers, phone numbers or year ranges for dates. Only years in
//! 1949..=2100 are accepted.

use std::sync::LazyLock;

use jiff::civil::Date;
use regex::{Captures, Regex};

/// Where a date was found in a text: byte range into the ORIGINAL input string, and the date.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DateMatch {
    pub start: usize,
    pub end: usize,
    pub date: Date,
    pub has_year: bool,
}

const MIN_YEAR: i32 = 1949;
const MAX_YEAR: i32 = 2100;

/// An Arabic digit, ASCII or full-width.
const D: &str = "[0-9０-９]";
/// One digit of a year written in Chinese numerals; `O`, `o` and `0` stand in for 〇.
const CN_YEAR_DIGIT: &str = "[〇零○OoＯ0０一二三四五六七八九]";
/// A month in Chinese numerals (元月 = January).
const CN_MONTH: &str = "十[一二]?|[一二三四五六七八九]|元";
/// A day of the month in Chinese numerals.
const CN_DAY: &str =
    "[二三]?十[一二三四五六七八九]?|廿[一二三四五六七八九]?|卅一?|[一二三四五六七八九]";
/// Separator of numeric dates (ASCII or full-width `-`, `/`, `.`).
const SEP: &str = "[-/.－／．]";

/// `2019年3月6日`, `2019 年 3 月 6 号`, `二〇一九年三月六日`.
static YMD_CN: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(
        r"\A(?P<y>{D}{{4}}|{CN_YEAR_DIGIT}{{4}})\s*年\s*(?P<m>{D}{{1,2}}|{CN_MONTH})\s*月\s*(?P<d>{D}{{1,2}}|{CN_DAY})\s*[日号號]"
    ))
    .expect("YMD_CN is a valid literal pattern")
});

/// `2019-03-14`, `2019/3/14`, `2019.3.14` (separators checked to be equal in code).
static YMD_SEP: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(
        r"\A(?P<y>{D}{{4}})(?P<s1>{SEP})(?P<m>{D}{{1,2}})(?P<s2>{SEP})(?P<d>{D}{{1,2}})"
    ))
    .expect("YMD_SEP is a valid literal pattern")
});

/// `20190314`, accepted only by [`parse_date`].
static YMD_COMPACT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(r"\A(?P<y>{D}{{4}})(?P<m>{D}{{2}})(?P<d>{D}{{2}})"))
        .expect("YMD_COMPACT is a valid literal pattern")
});

/// `3月1日`, `三月六日` (month and day without a year).
static MD_CN: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(
        r"\A(?P<m>{D}{{1,2}}|{CN_MONTH})\s*月\s*(?P<d>{D}{{1,2}}|{CN_DAY})\s*[日号號]"
    ))
    .expect("MD_CN is a valid literal pattern")
});

/// The `-09:30` that follows a TRS date (`2019-03-14-09:30:15`).
static TRS_TIME: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(r"\A[-－]{D}{{1,2}}[:：]{D}{{2}}"))
        .expect("TRS_TIME is a valid literal pattern")
});

/// What may follow a date in a single-date field: separator, weekday, time, zone.
static TIME_TAIL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(
        r"(?x)\A
        (?P<sep>\s*[T－-]\s*|\s+)?
        (?P<wd>[(（]?\s*(?:星期|周|週|礼拜|禮拜)[一二三四五六七日天]\s*[)）]?\s*)?
        (?P<ampm>(?:上午|下午|中午|晚上|凌晨|早上)\s*)?
        (?:
            (?P<h>{D}{{1,2}})[:：](?P<mi>{D}{{2}})
            (?:[:：](?P<s>{D}{{2}})(?:[.,．]{D}{{1,9}})?)?
            (?:\s*(?:Z|[+\-]{D}{{2}}(?:[:：]?{D}{{2}})?))?
          |
            (?P<h2>{D}{{1,2}})\s*[时時点點]
            (?:\s*(?P<mi2>{D}{{1,2}})\s*分(?:\s*(?P<s2>{D}{{1,2}})\s*秒)?)?
        )?
        \s*\z"
    ))
    .expect("TIME_TAIL is a valid literal pattern")
});

/// Parses a string that is one date, optionally followed by a time, with surrounding whitespace allowed.
/// Returns None if the string is not exactly one valid date.
pub fn parse_date(s: &str) -> Option<Date> {
    let s = s.trim();
    let (date, end, needs_sep) = date_prefix(s)?;
    let rest = s.get(end..)?;
    time_tail_ok(rest, needs_sep).then_some(date)
}

/// Finds every full date (with a year) in free text, in order, non-overlapping.
pub fn find_dates(text: &str) -> Vec<DateMatch> {
    scan(text, None)
}

/// Finds month-day dates without a year (`3月1日`, `3月15日`, `4月30日`), resolving the year
/// with `default_year`; also includes full dates (has_year = true). Used for notice deadlines
/// like `报名时间为3月1日至3月15日`. A month-day that is part of a full date is reported once, as the full date.
pub fn find_dates_with_default_year(text: &str, default_year: i16) -> Vec<DateMatch> {
    scan(text, Some(default_year))
}

/// Replaces full-width digits (０-９), full-width colon/slash/period/hyphen/space with ASCII equivalents.
/// Must keep byte offsets meaningful: return the normalised string; callers that need offsets use find_dates on the original.
pub fn normalize_width(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            '０'..='９' => char::from_u32(c as u32 - '０' as u32 + '0' as u32).unwrap_or(c),
            '：' => ':',
            '／' => '/',
            '．' => '.',
            '－' => '-',
            '\u{3000}' => ' ',
            _ => c,
        })
        .collect()
}

// ---------------------------------------------------------------------------
// Scanning free text

fn scan(text: &str, default_year: Option<i16>) -> Vec<DateMatch> {
    let mut out = Vec::new();
    let mut i = 0;
    while let Some(c) = text.get(i..).and_then(|rest| rest.chars().next()) {
        if is_digit(c) || is_cn_numeral(c) {
            // Every full date opens with a four-character year: checking for one
            // first keeps the regexes off the many numbers that are not dates.
            let found = (year_ahead(text, i).then(|| full_date_at(text, i)))
                .flatten()
                .or_else(|| default_year.and_then(|y| month_day_at(text, i, y)));
            if let Some(m) = found {
                i = m.end.max(i + c.len_utf8());
                out.push(m);
                continue;
            }
        }
        i += c.len_utf8();
    }
    out
}

/// Whether four year characters (`2019`, `二〇一九`, `二0一九`) start at byte `i`.
fn year_ahead(text: &str, i: usize) -> bool {
    let year_char = |c: char| is_digit(c) || "〇零○OoＯ一二三四五六七八九".contains(c);
    text.get(i..)
        .is_some_and(|t| t.chars().take(4).filter(|&c| year_char(c)).count() == 4)
}

/// A full date starting exactly at byte `i` of `text`, if the text around it
/// does not make it part of some longer number.
fn full_date_at(text: &str, i: usize) -> Option<DateMatch> {
    let hay = text.get(i..)?;
    let mut back = text.get(..i)?.chars().rev();
    let prev = back.next();
    let prev2 = back.next();

    if let Some(c) = YMD_CN.captures(hay) {
        let year = c.name("y")?.as_str();
        let cn_year = !year.chars().all(is_digit);
        if prev.is_some_and(|p| is_digit(p) || (cn_year && is_cn_numeral(p))) {
            return None;
        }
        let date = date_from_caps(&c)?;
        let end = i + c.get(0)?.end();
        return Some(DateMatch {
            start: i,
            end,
            date,
            has_year: true,
        });
    }

    if let Some(c) = YMD_SEP.captures(hay) {
        let sep = same_separator(&c)?;
        // `12019-03-14`, `10.2019.3.4`
        if prev.is_some_and(is_digit)
            || (prev.and_then(norm_sep) == Some(sep) && prev2.is_some_and(is_digit))
        {
            return None;
        }
        let end = i + c.get(0)?.end();
        let after = text.get(end..)?;
        let mut ahead = after.chars();
        let next = ahead.next();
        let next2 = ahead.next();
        // `2019-03-145`, `2019.3.14.2`; but the TRS `2019-03-14-09:30` is fine.
        if next.is_some_and(is_digit) {
            return None;
        }
        if next.and_then(norm_sep) == Some(sep)
            && next2.is_some_and(is_digit)
            && !(sep == '-' && TRS_TIME.is_match(after))
        {
            return None;
        }
        let date = date_from_caps(&c)?;
        return Some(DateMatch {
            start: i,
            end,
            date,
            has_year: true,
        });
    }
    None
}

/// A month-day date (`3月1日`) starting exactly at byte `i`, with `year` filled in.
fn month_day_at(text: &str, i: usize, year: i16) -> Option<DateMatch> {
    let hay = text.get(i..)?;
    let before = text.get(..i)?;
    let c = MD_CN.captures(hay)?;
    if before
        .chars()
        .next_back()
        .is_some_and(|p| is_digit(p) || is_cn_numeral(p))
    {
        return None;
    }
    // The tail of a full date whose year was rejected (`1900年3月1日`).
    if before.trim_end().ends_with('年') {
        return None;
    }
    let month = parse_number(c.name("m")?.as_str())?;
    let day = parse_number(c.name("d")?.as_str())?;
    let date = make_date(i32::from(year), month, day)?;
    let end = i + c.get(0)?.end();
    Some(DateMatch {
        start: i,
        end,
        date,
        has_year: false,
    })
}

// ---------------------------------------------------------------------------
// Whole-field parsing

/// The date at the very start of `s`, its byte length, and whether a time
/// after it needs a separator (true when the date ends in a digit).
fn date_prefix(s: &str) -> Option<(Date, usize, bool)> {
    if let Some(c) = YMD_CN.captures(s) {
        return Some((date_from_caps(&c)?, c.get(0)?.end(), false));
    }
    if let Some(c) = YMD_SEP.captures(s) {
        same_separator(&c)?;
        return Some((date_from_caps(&c)?, c.get(0)?.end(), true));
    }
    if let Some(c) = YMD_COMPACT.captures(s) {
        return Some((date_from_caps(&c)?, c.get(0)?.end(), true));
    }
    None
}

/// Whether `rest` (what follows a date in a single-date field) is empty or a valid time.
fn time_tail_ok(rest: &str, needs_sep: bool) -> bool {
    if rest.trim().is_empty() {
        return true;
    }
    // `2019-03-1409:30` is not a date followed by a time.
    if needs_sep && rest.starts_with(is_digit) {
        return false;
    }
    let Some(c) = TIME_TAIL.captures(rest) else {
        return false;
    };
    let hour = c.name("h").or_else(|| c.name("h2"));
    let minute = c.name("mi").or_else(|| c.name("mi2"));
    let second = c.name("s").or_else(|| c.name("s2"));
    let has_time = hour.is_some();
    if !has_time && c.name("wd").is_none() && c.name("ampm").is_none() {
        return false;
    }
    // `T` or `-` must introduce a time.
    if c.name("sep").is_some_and(|m| !m.as_str().trim().is_empty()) && !has_time {
        return false;
    }
    let within = |m: Option<regex::Match<'_>>, max: u32| {
        m.is_none_or(|m| parse_number(m.as_str()).is_some_and(|v| v <= max))
    };
    within(hour, 23) && within(minute, 59) && within(second, 59)
}

// ---------------------------------------------------------------------------
// Helpers

fn date_from_caps(c: &Captures<'_>) -> Option<Date> {
    let year = parse_number(c.name("y")?.as_str())?;
    let month = parse_number(c.name("m")?.as_str())?;
    let day = parse_number(c.name("d")?.as_str())?;
    make_date(i32::try_from(year).ok()?, month, day)
}

pub(crate) fn make_date(year: i32, month: u32, day: u32) -> Option<Date> {
    if !(MIN_YEAR..=MAX_YEAR).contains(&year) {
        return None;
    }
    Date::new(
        i16::try_from(year).ok()?,
        i8::try_from(month).ok()?,
        i8::try_from(day).ok()?,
    )
    .ok()
}

/// Both separators of a numeric date, normalised, if they are the same.
fn same_separator(c: &Captures<'_>) -> Option<char> {
    let first = c.name("s1")?.as_str().chars().next().and_then(norm_sep)?;
    let second = c.name("s2")?.as_str().chars().next().and_then(norm_sep)?;
    (first == second).then_some(first)
}

fn norm_sep(c: char) -> Option<char> {
    match c {
        '-' | '－' => Some('-'),
        '/' | '／' => Some('/'),
        '.' | '．' => Some('.'),
        _ => None,
    }
}

fn is_digit(c: char) -> bool {
    c.is_ascii_digit() || ('０'..='９').contains(&c)
}

fn is_cn_numeral(c: char) -> bool {
    matches!(
        c,
        '〇' | '零'
            | '○'
            | '一'
            | '二'
            | '三'
            | '四'
            | '五'
            | '六'
            | '七'
            | '八'
            | '九'
            | '十'
            | '廿'
            | '卅'
            | '元'
    )
}

/// The value of one digit: Arabic (ASCII or full-width) or Chinese, with the
/// `O`/`o`/`0` that documents use in place of 〇.
fn digit_value(c: char) -> Option<u32> {
    match c {
        '0'..='9' => c.to_digit(10),
        '０'..='９' => Some(c as u32 - '０' as u32),
        '〇' | '零' | '○' | 'O' | 'o' | 'Ｏ' => Some(0),
        '一' => Some(1),
        '二' => Some(2),
        '三' => Some(3),
        '四' => Some(4),
        '五' => Some(5),
        '六' => Some(6),
        '七' => Some(7),
        '八' => Some(8),
        '九' => Some(9),
        _ => None,
    }
}

/// A small number written as digits (`2019`, `03`, `二〇一九`) or with
/// 十/廿/卅 (`十二`, `二十`, `三十一`, `廿五`), or `元` (= 1, as in 元月).
pub(crate) fn parse_number(s: &str) -> Option<u32> {
    if s == "元" {
        return Some(1);
    }
    if let Some(pos) = s.find(['十', '廿', '卅']) {
        let head = s.get(..pos)?;
        let mark = s.get(pos..)?.chars().next()?;
        let tail = s.get(pos + mark.len_utf8()..)?;
        let tens = match (mark, head) {
            ('十', "") => 1,
            ('十', h) => single_digit(h).filter(|v| *v > 0)?,
            ('廿', "") => 2,
            ('卅', "") => 3,
            _ => return None,
        };
        let units = if tail.is_empty() {
            0
        } else {
            single_digit(tail).filter(|v| *v > 0)?
        };
        return Some(tens * 10 + units);
    }
    if s.is_empty() || s.chars().count() > 4 {
        return None;
    }
    s.chars().try_fold(0u32, |acc, c| {
        acc.checked_mul(10)?.checked_add(digit_value(c)?)
    })
}

fn single_digit(s: &str) -> Option<u32> {
    let mut chars = s.chars();
    let c = chars.next()?;
    if chars.next().is_some() {
        return None;
    }
    digit_value(c)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i16, m: i8, day: i8) -> Date {
        Date::new(y, m, day).expect("test date is valid")
    }

    /// Time suffixes every date format must accept in parse_date.
    const TIMES: &[&str] = &[
        "",
        " 09:30",
        " 09:30:15",
        " 9:37:15",
        " 10时30分",
        " 10时30分15秒",
        " 10点",
        "　０９：３０",
        "  09:30:15.123",
    ];

    fn assert_parses_with_times(s: &str, want: Date) {
        for t in TIMES {
            let input = format!("{s}{t}");
            assert_eq!(parse_date(&input), Some(want), "parse_date({input:?})");
        }
    }

    /// Asserts that find_dates finds exactly `s` as one date inside a sentence.
    fn assert_found_in_text(s: &str, want: Date) {
        let text = format!("本文件于{s}发布。");
        let found = find_dates(&text);
        assert_eq!(found.len(), 1, "find_dates({text:?}) = {found:?}");
        assert_eq!(&text[found[0].start..found[0].end], s);
        assert_eq!(found[0].date, want);
        assert!(found[0].has_year);
    }

    // --- formats -----------------------------------------------------------

    #[test]
    fn numeric_separated_formats() {
        let want = d(2019, 3, 14);
        for s in [
            "2019-03-14",
            "2019-3-14",
            "2019/3/14",
            "2019/03/14",
            "2019.03.14",
            "2019.3.14",
        ] {
            assert_parses_with_times(s, want);
            assert_found_in_text(s, want);
        }
        assert_eq!(parse_date("2019-3-6"), Some(d(2019, 3, 6)));
    }

    #[test]
    fn year_month_day_characters() {
        for (s, want) in [
            ("2019年03月14日", d(2019, 3, 14)),
            ("2019年3月6日", d(2019, 3, 6)),
            ("2019 年 3 月 6 日", d(2019, 3, 6)),
            ("2019年3月6号", d(2019, 3, 6)),
            ("2019年12月31日", d(2019, 12, 31)),
        ] {
            assert_parses_with_times(s, want);
            assert_found_in_text(s, want);
        }
    }

    #[test]
    fn time_directly_after_ri() {
        assert_eq!(parse_date("2019年3月14日09:30"), Some(d(2019, 3, 14)));
        assert_eq!(parse_date("2019年3月14日10时30分"), Some(d(2019, 3, 14)));
    }

    #[test]
    fn chinese_numerals() {
        for (s, want) in [
            ("二〇一九年三月六日", d(2019, 3, 6)),
            ("二零一九年十二月三十一日", d(2019, 12, 31)),
            ("二〇二〇年十月十日", d(2020, 10, 10)),
            ("二〇一九年三月二十日", d(2019, 3, 20)),
            ("二O一九年三月六日", d(2019, 3, 6)),
            ("二0一九年三月六日", d(2019, 3, 6)),
            ("二o一九年三月六日", d(2019, 3, 6)),
            ("二○一九年三月六日", d(2019, 3, 6)),
            ("二〇一九年元月八日", d(2019, 1, 8)),
            ("二〇一九年十一月二十九日", d(2019, 11, 29)),
            ("二〇一九年一月九日", d(2019, 1, 9)),
            ("二〇一九 年 三 月 六 日", d(2019, 3, 6)),
            ("一九九八年五月廿一日", d(1998, 5, 21)),
            ("二〇一九年三月卅一日", d(2019, 3, 31)),
        ] {
            assert_parses_with_times(s, want);
            assert_found_in_text(s, want);
        }
    }

    #[test]
    fn chinese_numeral_signature_block() {
        let text = "XX市人民政府办公室\n二〇一九年三月六日\n（此件公开发布）";
        let found = find_dates(text);
        assert_eq!(found.len(), 1);
        assert_eq!(&text[found[0].start..found[0].end], "二〇一九年三月六日");
        assert_eq!(found[0].date, d(2019, 3, 6));
    }

    #[test]
    fn trs_and_iso_forms() {
        let want = d(2019, 3, 14);
        for s in [
            "2019-03-14-09:30:15",
            "2019-03-14-09:30",
            "2019-03-14T09:30:15+08:00",
            "2019-03-14T09:30:15Z",
            "2019-03-14T09:30:15.250+0800",
            "2019-03-14T09:30",
        ] {
            assert_eq!(parse_date(s), Some(want), "parse_date({s:?})");
        }
        let text = "<meta name=\"PubDate\" content=\"2019-03-14-09:30:15\">";
        let found = find_dates(text);
        assert_eq!(found.len(), 1);
        assert_eq!(&text[found[0].start..found[0].end], "2019-03-14");
        let text = "发布时间：2019-03-14T09:30:15+08:00";
        let found = find_dates(text);
        assert_eq!(found.len(), 1);
        assert_eq!(&text[found[0].start..found[0].end], "2019-03-14");
    }

    #[test]
    fn full_width_variants() {
        let want = d(2019, 3, 14);
        for s in [
            "２０１９年０３月１４日",
            "２０１９－０３－１４",
            "２０１９／３／１４",
            "２０１９．０３．１４",
            "２０１９　年　３　月　１４　日",
        ] {
            assert_parses_with_times(s, want);
            assert_found_in_text(s, want);
        }
        assert_eq!(parse_date("２０１９年０３月１４日 ０９：３０"), Some(want));
        assert_eq!(
            parse_date("２０１９－０３－１４ ０９：３０：１５"),
            Some(want)
        );
        assert_eq!(parse_date("２０１９０３１４"), Some(want));
    }

    #[test]
    fn weekday_and_period_of_day() {
        let want = d(2019, 3, 14);
        for s in [
            "2019年3月14日 星期四",
            "2019年3月14日（星期四）",
            "2019-03-14 周四 09:30",
            "2019年3月14日 上午9:30",
            "2019年3月14日下午3点",
        ] {
            assert_eq!(parse_date(s), Some(want), "parse_date({s:?})");
        }
    }

    #[test]
    fn compact_only_in_parse_date() {
        assert_eq!(parse_date("20190314"), Some(d(2019, 3, 14)));
        assert_eq!(parse_date(" 20190314 "), Some(d(2019, 3, 14)));
        assert_eq!(parse_date("20190314 09:30"), Some(d(2019, 3, 14)));
        assert_eq!(parse_date("20190230"), None);
        assert_eq!(parse_date("201903140"), None);
        assert_eq!(parse_date("2019031409:30"), None);
        assert!(find_dates("文号20190314，编号20190314").is_empty());
    }

    #[test]
    fn surrounding_whitespace() {
        assert_eq!(parse_date("  2019-03-14\n"), Some(d(2019, 3, 14)));
        assert_eq!(
            parse_date("\u{3000}2019年3月14日\u{3000}"),
            Some(d(2019, 3, 14))
        );
        assert_eq!(parse_date("\t2019/3/14 09:30 \r\n"), Some(d(2019, 3, 14)));
    }

    #[test]
    fn leap_years() {
        assert_eq!(parse_date("2020-02-29"), Some(d(2020, 2, 29)));
        assert_eq!(parse_date("2000年2月29日"), Some(d(2000, 2, 29)));
        assert_eq!(parse_date("2019-02-29"), None);
        assert_eq!(parse_date("2100-02-29"), None);
        assert!(find_dates("2019-02-29").is_empty());
    }

    // --- rejections --------------------------------------------------------

    #[test]
    fn impossible_dates_rejected() {
        for s in [
            "2019年2月30日",
            "2019-02-29",
            "2019-13-01",
            "2019年0月5日",
            "2019-00-10",
            "2019-04-31",
            "2019年4月0日",
            "2019/12/32",
            "二〇一九年二月三十日",
            "二〇一九年十三月一日",
            "二〇一九年三月三十二日",
            "20191301",
        ] {
            assert_eq!(parse_date(s), None, "parse_date({s:?})");
            assert!(find_dates(s).is_empty(), "find_dates({s:?})");
        }
    }

    #[test]
    fn year_range_limits() {
        for s in [
            "1948-12-31",
            "2101-01-01",
            "1900年1月1日",
            "0412-08-17",
            "9999/1/1",
            "一九零零年一月一日",
            "21010101",
        ] {
            assert_eq!(parse_date(s), None, "parse_date({s:?})");
            assert!(find_dates(s).is_empty(), "find_dates({s:?})");
        }
        assert_eq!(parse_date("1949-10-01"), Some(d(1949, 10, 1)));
        assert_eq!(parse_date("2100-12-31"), Some(d(2100, 12, 31)));
        assert_eq!(parse_date("一九四九年十月一日"), Some(d(1949, 10, 1)));
    }

    #[test]
    fn parse_date_rejects_non_dates() {
        for s in [
            "",
            "   ",
            "2019",
            "2019年",
            "2019年3月",
            "3月14日",
            "2019-03",
            "2019-03-14 2019-03-15",
            "2019-03-14至2019-03-20",
            "发布时间：2019-03-14",
            "2019-03-14 发布",
            "2019-03-145",
            "12019-03-14",
            "2019-03/14",
            "2019/03-14",
            "2019-03-14T",
            "2019-03-14 -",
            "2019-03-1409:30",
            "2019-03-14 25:00",
            "2019-03-14 09:60",
            "2019-03-14 09:30:61",
            "2019-03-14 24时",
            "1.2.3",
            "0412-8517794",
            "10.2019.3.4",
            "©2019",
            "2019-2020",
            "abc",
            "二〇一九",
        ] {
            assert_eq!(parse_date(s), None, "parse_date({s:?})");
        }
    }

    #[test]
    fn find_dates_rejects_non_dates() {
        for s in [
            "版本 1.2.3 已发布",
            "联系电话：0412-8517794",
            "2019-2020学年第一学期",
            "2019-2020-2021",
            "编号12019-03-14",
            "编号2019-03-145",
            "地址 10.2019.3.4",
            "版本 2019.3.14.2",
            "©2019 版权所有",
            "2019年",
            "2019年3月",
            "共2019.5万元",
            "3月14日",
            "20190314",
            "0412-85177-94",
            "1.2.3.4.5",
            "二〇一九九年三月六日",
        ] {
            assert!(
                find_dates(s).is_empty(),
                "find_dates({s:?}) = {:?}",
                find_dates(s)
            );
        }
    }

    #[test]
    fn glued_digits_on_either_side() {
        for s in [
            "12019-03-14",
            "2019-03-145",
            "12019/3/14",
            "2019/3/145",
            "12019.3.14",
            "2019.3.145",
            "１２０１９－０３－１４",
            "12019年3月14日",
        ] {
            assert!(
                find_dates(s).is_empty(),
                "find_dates({s:?}) = {:?}",
                find_dates(s)
            );
        }
    }

    // --- find_dates on running text ------------------------------------------

    #[test]
    fn paragraph_with_several_dates() {
        let text = "根据《关于2018年度工作的通知》（2019年1月5日印发），\
                    本机关于2019-03-14 09:30召开会议，会议纪要于２０１９／３／２０公开，\
                    联系电话0412-8517794，版本1.2.3。\n\
                    二〇一九年三月二十日\n发布时间：2019.04.01";
        let found = find_dates(text);
        let got: Vec<(&str, Date)> = found
            .iter()
            .map(|m| (&text[m.start..m.end], m.date))
            .collect();
        assert_eq!(
            got,
            vec![
                ("2019年1月5日", d(2019, 1, 5)),
                ("2019-03-14", d(2019, 3, 14)),
                ("２０１９／３／２０", d(2019, 3, 20)),
                ("二〇一九年三月二十日", d(2019, 3, 20)),
                ("2019.04.01", d(2019, 4, 1)),
            ]
        );
        assert!(found.iter().all(|m| m.has_year));
        assert!(found.windows(2).all(|w| w[0].end <= w[1].start));
    }

    #[test]
    fn date_ranges_yield_both_ends() {
        for (text, a, b) in [
            ("2019.3.1-2019.3.20", "2019.3.1", "2019.3.20"),
            ("2019-03-01至2019-03-20", "2019-03-01", "2019-03-20"),
            ("2019/3/1~2019/3/20", "2019/3/1", "2019/3/20"),
            (
                "2019年3月1日—2019年3月20日",
                "2019年3月1日",
                "2019年3月20日",
            ),
            (
                "2019年3月1日-2019年3月20日",
                "2019年3月1日",
                "2019年3月20日",
            ),
        ] {
            let found = find_dates(text);
            assert_eq!(found.len(), 2, "find_dates({text:?}) = {found:?}");
            assert_eq!(&text[found[0].start..found[0].end], a);
            assert_eq!(&text[found[1].start..found[1].end], b);
        }
    }

    #[test]
    fn dates_in_urls_and_markup() {
        let text = "<a href=\"/art/2019/3/14/art_1229_123.html\">通知</a><span>2019-03-14</span>";
        let found = find_dates(text);
        assert_eq!(found.len(), 2);
        assert_eq!(&text[found[0].start..found[0].end], "2019/3/14");
        assert_eq!(&text[found[1].start..found[1].end], "2019-03-14");
    }

    #[test]
    fn date_at_text_edges() {
        let found = find_dates("2019-03-14");
        assert_eq!(found.len(), 1);
        assert_eq!((found[0].start, found[0].end), (0, 10));
        let text = "截至2019年3月14日";
        let found = find_dates(text);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].end, text.len());
        assert!(find_dates("").is_empty());
    }

    #[test]
    fn sentence_final_period_is_not_glue() {
        let text = "发布于2019.3.14. 下一条";
        let found = find_dates(text);
        assert_eq!(found.len(), 1);
        assert_eq!(&text[found[0].start..found[0].end], "2019.3.14");
    }

    // --- find_dates_with_default_year ----------------------------------------

    #[test]
    fn month_day_with_default_year() {
        let text = "报名时间为3月1日至3月15日，请于4月30日前提交";
        let found = find_dates_with_default_year(text, 2019);
        let got: Vec<(&str, Date, bool)> = found
            .iter()
            .map(|m| (&text[m.start..m.end], m.date, m.has_year))
            .collect();
        assert_eq!(
            got,
            vec![
                ("3月1日", d(2019, 3, 1), false),
                ("3月15日", d(2019, 3, 15), false),
                ("4月30日", d(2019, 4, 30), false),
            ]
        );
        // find_dates ignores month-day dates.
        assert!(find_dates(text).is_empty());
    }

    #[test]
    fn month_day_mixed_with_full_dates() {
        let text =
            "本通知2019年2月20日发布，报名截止3月15号，二〇一九年三月六日另行通知，十二月一日结束";
        let found = find_dates_with_default_year(text, 2019);
        let got: Vec<(&str, Date, bool)> = found
            .iter()
            .map(|m| (&text[m.start..m.end], m.date, m.has_year))
            .collect();
        assert_eq!(
            got,
            vec![
                ("2019年2月20日", d(2019, 2, 20), true),
                ("3月15号", d(2019, 3, 15), false),
                ("二〇一九年三月六日", d(2019, 3, 6), true),
                ("十二月一日", d(2019, 12, 1), false),
            ]
        );
    }

    #[test]
    fn month_day_inside_full_date_reported_once() {
        for text in [
            "2019年3月6日",
            "２０１９年３月６日",
            "2019 年 3 月 6 日",
            "二〇一九年三月六日",
        ] {
            let found = find_dates_with_default_year(text, 2000);
            assert_eq!(found.len(), 1, "{text:?}: {found:?}");
            assert_eq!(found[0].date, d(2019, 3, 6));
            assert!(found[0].has_year);
            assert_eq!((found[0].start, found[0].end), (0, text.len()));
        }
    }

    #[test]
    fn month_day_of_rejected_full_date_not_reported() {
        for text in [
            "1900年3月1日",
            "2019年2月30日",
            "12019年3月1日",
            "2019 年3月1日x",
        ] {
            let found = find_dates_with_default_year(text, 2019);
            let fragments: Vec<&str> = found.iter().map(|m| &text[m.start..m.end]).collect();
            if text == "2019 年3月1日x" {
                assert_eq!(fragments, vec!["2019 年3月1日"]);
            } else {
                assert!(found.is_empty(), "{text:?}: {fragments:?}");
            }
        }
    }

    #[test]
    fn month_day_edge_cases() {
        // 2月29日 in a non-leap default year is not a date.
        assert!(find_dates_with_default_year("2月29日截止", 2019).is_empty());
        assert_eq!(
            find_dates_with_default_year("2月29日截止", 2020)[0].date,
            d(2020, 2, 29)
        );
        // Glued digits and impossible months.
        assert!(find_dates_with_default_year("113月1日", 2019).is_empty());
        assert!(find_dates_with_default_year("13月1日", 2019).is_empty());
        assert!(find_dates_with_default_year("3月32日", 2019).is_empty());
        // Default year outside the accepted range.
        assert!(find_dates_with_default_year("3月1日", 1800).is_empty());
        assert!(find_dates_with_default_year("3月1日", -5).is_empty());
        // Full-width digits and spaces.
        let text = "截止时间：３ 月 １５ 日";
        let found = find_dates_with_default_year(text, 2019);
        assert_eq!(found.len(), 1);
        assert_eq!(&text[found[0].start..found[0].end], "３ 月 １５ 日");
    }

    // --- normalize_width -----------------------------------------------------

    #[test]
    fn normalize_width_replaces_full_width() {
        assert_eq!(
            normalize_width("２０１９年０３月１４日 ０９：３０"),
            "2019年03月14日 09:30"
        );
        assert_eq!(normalize_width("２０１９／３／１４"), "2019/3/14");
        assert_eq!(normalize_width("２０１９．３．１４"), "2019.3.14");
        assert_eq!(normalize_width("２０１９－０３－１４"), "2019-03-14");
        assert_eq!(normalize_width("发布\u{3000}日期"), "发布 日期");
        assert_eq!(normalize_width("abc 中文，。"), "abc 中文，。");
        assert_eq!(normalize_width(""), "");
        assert_eq!(
            parse_date(&normalize_width("２０１９－０３－１４")),
            Some(d(2019, 3, 14))
        );
    }

    // --- helpers ---------------------------------------------------------------

    #[test]
    fn chinese_number_values() {
        for (s, want) in [
            ("一", 1),
            ("九", 9),
            ("十", 10),
            ("十一", 11),
            ("十二", 12),
            ("二十", 20),
            ("二十一", 21),
            ("三十", 30),
            ("三十一", 31),
            ("廿", 20),
            ("廿九", 29),
            ("卅", 30),
            ("卅一", 31),
            ("元", 1),
            ("二〇一九", 2019),
            ("二O一九", 2019),
            ("２０１９", 2019),
            ("07", 7),
        ] {
            assert_eq!(parse_number(s), Some(want), "parse_number({s:?})");
        }
        for s in ["", "十十", "〇十", "十〇", "廿十", "二廿", "abc", "12345"] {
            assert_eq!(parse_number(s), None, "parse_number({s:?})");
        }
    }

    // --- robustness ------------------------------------------------------------

    /// Every char-boundary substring of a mixed text, plus pseudo-random strings
    /// over an alphabet of date-ish characters: nothing may panic, and every
    /// match must be an ordered, non-overlapping, char-aligned range.
    #[test]
    fn no_panics_on_odd_input() {
        let seed_text = "于２０１９年０３月１４日 ０９：３０发布,2019-03-14-09:30:15；\
                         二〇一九年三月二十日、二O一九年元月八日，3月1日至3月15日,\
                         v1.2.3 0412-8517794 ©2019 2019/3/14T9:37 十二月卅一日 20190314 é";
        let boundaries: Vec<usize> = seed_text
            .char_indices()
            .map(|(i, _)| i)
            .chain(std::iter::once(seed_text.len()))
            .collect();
        let mut inputs: Vec<String> = Vec::new();
        for (a_idx, &a) in boundaries.iter().enumerate() {
            for &b in &boundaries[a_idx..] {
                inputs.push(seed_text[a..b].to_string());
            }
        }

        let alphabet: Vec<char> =
            "0123456789０１２３４５６７８９-/.－／．:：年月日号时分秒T+ 　〇零O一二三四五六七八九十廿卅元星期x中"
                .chars()
                .collect();
        let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
        let mut next = || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        for _ in 0..5000 {
            let len = (next() % 24) as usize;
            let s: String = (0..len)
                .map(|_| alphabet[(next() % alphabet.len() as u64) as usize])
                .collect();
            inputs.push(s);
        }
        assert!(inputs.len() > 10_000);

        for s in &inputs {
            let _ = parse_date(s);
            let _ = normalize_width(s);
            for found in [
                find_dates(s),
                find_dates_with_default_year(s, 2019),
                find_dates_with_default_year(s, i16::MIN),
                find_dates_with_default_year(s, i16::MAX),
            ] {
                let mut last_end = 0;
                for m in &found {
                    assert!(m.start < m.end && m.start >= last_end, "{s:?}: {found:?}");
                    assert!(s.get(m.start..m.end).is_some(), "{s:?}: {m:?}");
                    let y = i32::from(m.date.year());
                    assert!((MIN_YEAR..=MAX_YEAR).contains(&y));
                    last_end = m.end;
                }
            }
        }
    }

    /// Whatever find_dates reports in isolation parses back to the same date.
    #[test]
    fn found_dates_round_trip_through_parse_date() {
        let text = "2019年1月5日、2019-03-14、２０１９／３／２０、二〇一九年三月二十日、2019.04.01、2019 年 3 月 6 号";
        let found = find_dates(text);
        assert_eq!(found.len(), 6);
        for m in found {
            assert_eq!(parse_date(&text[m.start..m.end]), Some(m.date));
        }
    }
}

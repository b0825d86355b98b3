//! `duplicate-heading`: numbered headings of one article that repeat, or that
//! skip or repeat a number.
//!
//! Reports and work summaries are assembled from earlier years' texts; a
//! section pasted twice (`六、开展政策解读情况` … `八、开展政策解读情况及政务舆情处置回应情况`)
//! or numbering that runs `一、二、四` tells the reader the page was never
//! proofread. Headings are the lines of the page text that start with a
//! numbering pattern (`levels`: `一、`, `（一）`, `1、`, …). Each level is
//! numbered on its own, nesting follows the order in which levels first
//! appear, and sub-numbering restarts under each new parent. A list that
//! starts again at 1 is a new list, not an error.
//!
//! Example findings: `「2018年…年度报告」中标题「开展政策解读情况」重复出现`, evidence
//! `六、开展政策解读情况 → 八、开展政策解读情况及政务舆情处置回应情况`; and
//! `「…」的标题编号不连续:二之后是四`, evidence `二、… → 四、…`.

use regex::Regex;

use crate::checks::{At, Ctx, Draft, KindSpec, count, read_page_kinds, required};
use crate::extract::date::parse_number;
use crate::extract::record::{PageKind, PageRecord};
use crate::report::finding::Finding;
use crate::rules::toml_reader::{RuleError, TableReader};
use crate::rules::{Rule, Template, Values, opt_template};

pub const KIND: &str = "duplicate-heading";

const PLACEHOLDERS: &[&str] = &["heading", "first", "second"];
const NUMBERING_PLACEHOLDERS: &[&str] = &["prev", "this", "expected"];

pub const SPEC: KindSpec = KindSpec {
    name: KIND,
    placeholders: PLACEHOLDERS,
    needs_category: false,
    doc: "Reads the numbered headings of each article from its text lines: a line matching \
          one of `levels` (regexes with groups `num` and `text`; `num` in Chinese numerals or \
          digits). Reports a heading whose text repeats an earlier heading of the same level \
          and parent, or starts with it (the earlier one having at least `min_chars` \
          characters), with `message`; and, with `numbering_message`, a number that repeats \
          or skips within its level (a restart at 1 is a new list). Only lines of at most \
          `max_chars` characters count as headings for the repeat check. Parameters: levels, \
          min_chars, max_chars, numbering_message, numbering_message_en, page_kinds (default: \
          page_kinds = [\"article\"]; without `numbering_message`, \
          numbering is not checked). Example \
          finding: 标题「开展政策解读情况」重复出现, evidence `六、开展政策解读情况 → \
          八、开展政策解读情况及政务舆情处置回应情况`.",
};

#[derive(Debug, Clone)]
pub struct Params {
    pub levels: Vec<Regex>,
    pub min_chars: usize,
    pub max_chars: usize,
    pub numbering_message: Option<Template>,
    pub numbering_message_en: Option<Template>,
    pub page_kinds: Vec<PageKind>,
}

pub fn params(t: &mut TableReader<'_, '_>) -> Result<Params, RuleError> {
    let levels = t
        .regexes("levels", &["num", "text"])?
        .ok_or_else(|| t.missing("levels"))?;
    let min_chars = count(t, "min_chars")?;
    let max_chars = count(t, "max_chars")?;
    let numbering_message = opt_template(t, "numbering_message", NUMBERING_PLACEHOLDERS)?;
    let numbering_message_en = opt_template(t, "numbering_message_en", NUMBERING_PLACEHOLDERS)?;
    let page_kinds = read_page_kinds(t)?;
    Ok(Params {
        levels,
        min_chars: required(t, "min_chars", min_chars)?,
        max_chars: required(t, "max_chars", max_chars)?,
        numbering_message,
        numbering_message_en,
        page_kinds,
    })
}

/// `一` … `九十九`, `０`…, `12`: the value of a heading number, read as dates
/// read their numbers. Nothing is numbered 0 (`〇、` is not a heading).
fn number_value(s: &str) -> Option<u32> {
    parse_number(s.trim()).filter(|&n| n > 0)
}

/// One numbered line.
#[derive(Debug, Clone)]
struct Heading {
    pub level: usize,
    pub num: u32,
    /// The number as written, e.g. `四`.
    pub num_text: String,
    pub text: String,
    pub line: String,
}

fn headings(text: &str, levels: &[Regex]) -> Vec<Heading> {
    let mut out = Vec::new();
    for line in text.lines() {
        let l = line.trim();
        for (level, re) in levels.iter().enumerate() {
            let Some(c) = re.captures(l) else {
                continue;
            };
            let (Some(n), Some(t)) = (c.name("num"), c.name("text")) else {
                continue;
            };
            let Some(num) = number_value(n.as_str()) else {
                continue;
            };
            out.push(Heading {
                level,
                num,
                num_text: n.as_str().to_string(),
                text: t.as_str().trim().to_string(),
                // Table cells are tab-separated; a space reads better in evidence.
                line: l.replace('\t', " "),
            });
            break;
        }
    }
    out
}

/// A heading's text for comparison: trailing punctuation and spaces dropped.
fn norm(text: &str) -> String {
    text.trim()
        .trim_end_matches([':', '：', '。', '；', ';', '，', ',', ' ', '.'])
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect()
}

/// What is wrong with a page's headings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Problem {
    /// `second` repeats `first`, or starts with it.
    Repeat { first: usize, second: usize },
    /// The number after `prev` is not the next one.
    Numbering { prev: usize, this: usize },
}

/// One numbered list being read: its last heading, its headings (for the
/// repeat check), and the lists of the same level it interrupted.
struct List {
    level: usize,
    last: usize,
    heads: Vec<usize>,
    /// Lists interrupted by a new list starting at 1 (a table's rows inside
    /// section 三, a quoted list), as (last heading, heads).
    suspended: Vec<(usize, Vec<usize>)>,
}

/// The problems of one page's headings (indices into `hs`).
fn problems(hs: &[Heading], min_chars: usize, max_chars: usize) -> Vec<Problem> {
    let mut out = Vec::new();
    // The open lists, outermost first; a sub-list is dropped when its parent moves on.
    let mut stack: Vec<List> = Vec::new();
    for (i, h) in hs.iter().enumerate() {
        match stack.iter().position(|l| l.level == h.level) {
            Some(k) => {
                stack.truncate(k + 1);
                let l = &mut stack[k];
                let last = hs[l.last].num;
                if h.num == last + 1 {
                    // The next number, as it should be.
                } else if h.num == 1 && last != 1 {
                    l.suspended.push((l.last, std::mem::take(&mut l.heads)));
                } else if let Some(pos) = l
                    .suspended
                    .iter()
                    .rposition(|(j, _)| hs[*j].num + 1 == h.num)
                {
                    // The interrupting list ended; the outer one goes on.
                    let (_, heads) = l.suspended.swap_remove(pos);
                    l.suspended.truncate(pos);
                    l.heads = heads;
                } else {
                    out.push(Problem::Numbering {
                        prev: l.last,
                        this: i,
                    });
                }
                l.last = i;
            }
            None => stack.push(List {
                level: h.level,
                last: i,
                heads: Vec::new(),
                suspended: Vec::new(),
            }),
        }
        let text = norm(&h.text);
        let is_heading = h.line.chars().count() <= max_chars && !text.is_empty();
        let Some(list) = stack.last_mut() else {
            continue;
        };
        if is_heading {
            let earlier = list.heads.iter().copied().find(|&j| {
                let e = norm(&hs[j].text);
                e == text || (e.chars().count() >= min_chars && text.starts_with(e.as_str()))
            });
            if let Some(j) = earlier {
                // A heading pasted twice in a row is one problem, not also a numbering one.
                out.retain(|p| *p != Problem::Numbering { prev: j, this: i });
                out.push(Problem::Repeat {
                    first: j,
                    second: i,
                });
            }
            list.heads.push(i);
        }
    }
    out
}

fn check_page(ctx: &Ctx<'_>, rule: &Rule, p: &Params, page: &PageRecord, out: &mut Vec<Finding>) {
    let hs = headings(&page.text, &p.levels);
    if hs.len() < 2 {
        return;
    }
    for prob in problems(&hs, p.min_chars, p.max_chars) {
        let mut values = Values::new();
        match prob {
            Problem::Repeat { first, second } => {
                let (a, b) = (&hs[first], &hs[second]);
                values.insert("heading", norm(&a.text));
                values.insert("first", a.line.clone());
                values.insert("second", b.line.clone());
                out.push(ctx.finding(
                    rule,
                    Draft {
                        at: At::page(page),
                        key: format!("repeat:{}:{}", a.line, b.line),
                        evidence: Some(format!("{} → {}", a.line, b.line)),
                        target: None,
                        values,
                    },
                ));
            }
            Problem::Numbering { prev, this } => {
                let Some(msg) = &p.numbering_message else {
                    continue;
                };
                let (a, b) = (&hs[prev], &hs[this]);
                values.insert("prev", a.num_text.clone());
                values.insert("this", b.num_text.clone());
                values.insert("expected", (a.num + 1).to_string());
                out.push(ctx.finding_with(
                    rule,
                    Draft {
                        at: At::page(page),
                        key: format!("number:{}:{}", a.line, b.line),
                        evidence: Some(format!("{} → {}", a.line, b.line)),
                        target: None,
                        values,
                    },
                    msg,
                    p.numbering_message_en.as_ref(),
                ));
            }
        }
    }
}

pub fn check(ctx: &Ctx<'_>, rule: &Rule, p: &Params, out: &mut Vec<Finding>) {
    for page in ctx.site.pages_in(&rule.categories) {
        if p.page_kinds.contains(&page.kind) && page.error.is_none() {
            check_page(ctx, rule, p, page, out);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn levels() -> Vec<Regex> {
        [
            r"^(?P<num>[一二三四五六七八九十]{1,3})\s*[、.．]\s*(?P<text>.+)$",
            r"^[（(]\s*(?P<num>[一二三四五六七八九十]{1,3})\s*[）)]\s*(?P<text>.+)$",
            r"^(?P<num>\d{1,2})\s*(?:、|[.．])\s*(?P<text>\D.*)$",
        ]
        .iter()
        .map(|p| Regex::new(p).unwrap())
        .collect()
    }

    fn probs(text: &str) -> Vec<Problem> {
        problems(&headings(text, &levels()), 4, 40)
    }

    #[test]
    fn numbers() {
        assert_eq!(number_value("四"), Some(4));
        assert_eq!(number_value("十"), Some(10));
        assert_eq!(number_value("十二"), Some(12));
        assert_eq!(number_value("二十三"), Some(23));
        assert_eq!(number_value("３"), Some(3));
        assert_eq!(number_value("〇"), None);
    }

    #[test]
    fn prefix_repeat_and_skip() {
        let t = "一、总体情况\n二、主动公开情况\n六、开展政策解读情况\n七、其他\n八、开展政策解读情况及政务舆情处置回应情况";
        let p = probs(t);
        assert!(
            p.contains(&Problem::Repeat {
                first: 2,
                second: 4
            }),
            "{p:?}"
        );
        assert!(
            p.contains(&Problem::Numbering { prev: 1, this: 2 }),
            "{p:?}"
        );
        assert_eq!(p.len(), 2, "{p:?}");
    }

    #[test]
    fn sub_numbering_restarts_under_each_parent() {
        let t = "一、工作情况\n（一）主要做法\n（二）存在问题\n二、下步打算\n（一）主要做法\n（二）加强培训\n1、培训\n2、考核\n存在的不足:\n1、制度\n2、人员";
        assert!(probs(t).is_empty(), "{:?}", probs(t));
    }

    #[test]
    fn heading_pasted_twice_is_one_problem() {
        let t = "一、甲乙丙丁\n二、主动公开情况\n二、主动公开情况\n三、丁";
        assert_eq!(
            probs(t),
            vec![Problem::Repeat {
                first: 1,
                second: 2
            }]
        );
    }

    #[test]
    fn a_table_numbered_inside_a_section_does_not_break_the_outer_numbering() {
        // The 2019 national template: section 三 holds a table whose rows are numbered 一 to 四.
        let t = "一、总体情况\n二、主动公开政府信息情况\n三、收到和处理政府信息公开申请情况\n\
                 一、本年新收政府信息公开申请数量\t3\n二、上年结转政府信息公开申请数量\t0\n\
                 三、本年度办理结果\n（一）予以公开\t2\n（二）部分公开\t0\n（三）不予公开\n\
                 1．属于国家秘密\t0\n2．其他法律行政法规禁止公开\t0\n（四）无法提供\n\
                 1．本机关不掌握相关政府信息\t1\n四、结转下年度继续办理\t0\n\
                 四、政府信息公开行政复议、行政诉讼情况\n五、存在的主要问题及改进情况\n六、其他需要报告的事项";
        assert!(probs(t).is_empty(), "{:?}", probs(t));
        // A real skip after the table is still found.
        let skip = t.replace("五、存在的主要问题", "六、存在的主要问题");
        assert_eq!(probs(&skip).len(), 2, "{:?}", probs(&skip));
    }

    #[test]
    fn repeated_number_is_reported() {
        let t = "一、甲\n二、乙\n二、丙\n三、丁";
        assert_eq!(probs(t), vec![Problem::Numbering { prev: 1, this: 2 }]);
    }

    #[test]
    fn prose_numbers_are_not_headings() {
        let t = "2019年，街道将注重实效\n1.5万元用于\n一是加强领导\n3.2 万人";
        assert!(headings(t, &levels()).is_empty());
    }
}

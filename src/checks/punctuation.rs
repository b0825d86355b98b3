//! `punctuation`: punctuation mistakes in Chinese body text — half-width marks
//! between Chinese characters (`社区,为居民`), doubled marks (`，，` `。。`) and
//! unbalanced paired marks (`《` without `》`, `“` without `”`, `（` without `）`).
//!
//! GB/T 15834 asks for full-width marks in Chinese text; inspectors of
//! government sites list half-width commas and broken book-title marks next to
//! 错别字, and they are the kind of slip a copy from a word processor or an
//! English input method leaves behind. One rule reports one `problem`; numbers,
//! URLs, e-mail addresses and times (`9:30`, `1.5`, `www.gov.cn`) never sit
//! between two Chinese characters, and whatever the rule's `ignore` patterns
//! match (line-start numbering such as `1.` `(一)` `1）`) is skipped. Paired
//! marks are balanced within one paragraph (one line of the body text), except
//! that a quotation of several paragraphs may leave each paragraph open when
//! the next one starts with the same opening mark, as GB/T 15834 prescribes.
//!
//! A page typed with an English input method has a half-width comma in every
//! sentence; a hundred findings for one slip would bury the rest of the list,
//! so after `max_per_page` findings the rest of the page is rolled up into one
//! finding worded by `more_message` (with the `{count}` it stands for).
//!
//! Example finding: `「…启动仪式」中汉字之间使用了半角标点「,」,应为全角「，」`,
//! evidence `…志愿者们走进社区,为居民提供义诊…`.

use std::collections::HashMap;
use std::ops::Range;

use aho_corasick::AhoCorasick;
use regex::Regex;

use crate::checks::{At, Ctx, Draft, KindSpec, count, evidence, read_page_kinds, required};
use crate::extract::record::PageKind;
use crate::report::finding::Finding;
use crate::rules::toml_reader::{RuleError, TableReader};
use crate::rules::{Rule, Template, Values, opt_template};

pub const KIND: &str = "punctuation";

const PLACEHOLDERS: &[&str] = &["found", "expected"];
const MORE_PLACEHOLDERS: &[&str] = &["found", "expected", "count"];

pub const SPEC: KindSpec = KindSpec {
    name: KIND,
    placeholders: PLACEHOLDERS,
    needs_category: false,
    doc: "Finds one `problem` in the body text of pages of the given `page_kinds` (default: \
          articles): `half-width` — a mark of the `[rule.replacements]` table between two \
          Chinese characters or full-width marks (a half-width bracket pair around Chinese \
          text counts once); `doubled` — two or more `marks` in a row; `unbalanced` — an \
          opening mark of the `[rule.pairs]` table without its closing mark in the same \
          paragraph (a paragraph followed by one that starts with the same opening mark \
          continues a quotation), or the other way round. Text matched by one of the \
          `ignore` regexes is skipped. Evidence shows `evidence_chars` characters either side. After \
          `max_per_page` findings on one page the rest are reported as one finding worded by \
          `more_message` / `more_message_en` ({count} = how many it stands for). Parameters: \
          problem, replacements, marks, pairs, ignore, page_kinds, evidence_chars, \
          max_per_page, more_message, more_message_en.",
};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Problem {
    HalfWidth,
    Doubled,
    Unbalanced,
}

impl Problem {
    const ALL: [Problem; 3] = [Problem::HalfWidth, Problem::Doubled, Problem::Unbalanced];

    pub fn as_str(self) -> &'static str {
        match self {
            Problem::HalfWidth => "half-width",
            Problem::Doubled => "doubled",
            Problem::Unbalanced => "unbalanced",
        }
    }

    fn parse(s: &str) -> Option<Problem> {
        Problem::ALL.into_iter().find(|p| p.as_str() == s)
    }
}

#[derive(Debug, Clone)]
pub struct Params {
    pub problem: Problem,
    /// Half-width mark → full-width replacement.
    pub replacements: Vec<(char, String)>,
    pub marks: Vec<char>,
    /// Opening mark → closing mark.
    pub pairs: Vec<(char, char)>,
    pub ignore: Vec<Regex>,
    pub page_kinds: Vec<PageKind>,
    pub evidence_chars: usize,
    /// Findings per page before the rest are rolled up, and the roll-up's wording.
    pub max_per_page: Option<usize>,
    pub more_message: Option<Template>,
    pub more_message_en: Option<Template>,
    /// Finds any mark this rule looks at: most lines hold none, and need no
    /// closer look (`None` if it could not be built: every line is looked at).
    triggers: Option<AhoCorasick>,
}

/// One problem in a line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hit {
    pub range: Range<usize>,
    pub found: String,
    pub expected: String,
}

/// One `"key" = "value"` of a character table, with the key's place in the file.
type MapEntry = (char, String, Range<usize>);

fn map_table(
    t: &mut TableReader<'_, '_>,
    key: &'static str,
) -> Result<Option<Vec<MapEntry>>, RuleError> {
    let Some(mut sub) = t.table(key)? else {
        return Ok(None);
    };
    let mut out = Vec::new();
    for kv in sub.remaining_strings()? {
        let span = kv.span();
        let (k, v) = kv.into_inner();
        let c = sub.one_char(key, &span, &k)?;
        if v.trim().is_empty() {
            return Err(sub.error_at(
                &span,
                format!("\"{k}\" in {} has an empty value", sub.context),
            ));
        }
        out.push((c, v, span));
    }
    sub.finish()?;
    Ok(Some(out))
}

pub fn params(t: &mut TableReader<'_, '_>) -> Result<Params, RuleError> {
    let ps = t.req_string("problem")?;
    let problem = Problem::parse(ps.get_ref()).ok_or_else(|| {
        t.error_at(
            &ps.span(),
            format!(
                "`problem` of {} must be half-width, doubled or unbalanced, not \"{}\"",
                t.context,
                ps.get_ref()
            ),
        )
    })?;
    let page_kinds = read_page_kinds(t)?;
    let evidence_chars = count(t, "evidence_chars")?;
    let max_per_page = t.count("max_per_page")?;
    let more_message = opt_template(t, "more_message", MORE_PLACEHOLDERS)?;
    let more_message_en = opt_template(t, "more_message_en", MORE_PLACEHOLDERS)?;
    if let Some(n) = &max_per_page
        && (more_message.is_none() || *n.get_ref() == 0)
    {
        return Err(t.error_at(
            &n.span(),
            format!(
                "`max_per_page` of {} must be 1 or more and needs a `more_message` for the findings it rolls up",
                t.context
            ),
        ));
    }
    let max_per_page = max_per_page.map(|n| n.into_inner() as usize);
    let ignore = t.regexes("ignore", &[])?.unwrap_or_default();

    let replacements = map_table(t, "replacements")?;
    let marks = t.strings("marks")?;
    let pairs = map_table(t, "pairs")?;
    let wrong_problem = |key: &str, span: &Range<usize>, wants: Problem| {
        t.error_at(
            span,
            format!(
                "`{key}` of {} is only read when problem = \"{}\"",
                t.context,
                wants.as_str()
            ),
        )
    };
    let mut p = Params {
        problem,
        replacements: Vec::new(),
        marks: Vec::new(),
        pairs: Vec::new(),
        ignore,
        page_kinds,
        // Set below, once every other problem of the rule has been reported.
        evidence_chars: 0,
        max_per_page,
        more_message,
        more_message_en,
        triggers: None,
    };
    if let Some(r) = replacements {
        match (problem, r.first()) {
            (Problem::HalfWidth, _) => {
                p.replacements = r.into_iter().map(|(c, v, _)| (c, v)).collect()
            }
            (_, Some((_, _, span))) => {
                return Err(wrong_problem("replacements", span, Problem::HalfWidth));
            }
            (_, None) => {}
        }
    }
    if let Some(m) = marks {
        match (problem, m.first()) {
            (Problem::Doubled, _) => {
                for s in &m {
                    p.marks.push(t.one_char("marks", &s.span(), s.get_ref())?);
                }
            }
            (_, Some(s)) => return Err(wrong_problem("marks", &s.span(), Problem::Doubled)),
            (_, None) => {}
        }
    }
    if let Some(pr) = pairs {
        match (problem, pr.first()) {
            (Problem::Unbalanced, _) => {
                for (open, close, span) in pr {
                    let close = t.one_char("pairs", &span, &close)?;
                    if open == close {
                        return Err(t.error_at(
                            &span,
                            format!(
                                "pair \"{open}\" of {} must close with a different mark",
                                t.context
                            ),
                        ));
                    }
                    p.pairs.push((open, close));
                }
            }
            (_, Some((_, _, span))) => {
                return Err(wrong_problem("pairs", span, Problem::Unbalanced));
            }
            (_, None) => {}
        }
    }
    let (needed, empty) = match problem {
        Problem::HalfWidth => ("replacements", p.replacements.is_empty()),
        Problem::Doubled => ("marks", p.marks.is_empty()),
        Problem::Unbalanced => ("pairs", p.pairs.is_empty()),
    };
    if empty {
        return Err(t.error_at(
            &t.span.clone(),
            format!(
                "{} (problem = \"{}\") needs a non-empty `{needed}`",
                t.context,
                problem.as_str()
            ),
        ));
    }
    p.evidence_chars = required(t, "evidence_chars", evidence_chars)?;
    let marks: Vec<String> = match problem {
        Problem::HalfWidth => p.replacements.iter().map(|(c, _)| c.to_string()).collect(),
        Problem::Doubled => p.marks.iter().map(char::to_string).collect(),
        Problem::Unbalanced => p
            .pairs
            .iter()
            .flat_map(|(o, c)| [o.to_string(), c.to_string()])
            .collect(),
    };
    // Single characters: a DFA answers in one pass without backtracking.
    p.triggers = AhoCorasick::builder()
        .kind(Some(aho_corasick::AhoCorasickKind::DFA))
        .build(marks)
        .ok();
    Ok(p)
}

/// CJK ideographs, the characters a "Chinese character" neighbour means.
fn is_han(c: char) -> bool {
    matches!(c,
        '\u{3400}'..='\u{4DBF}'
        | '\u{4E00}'..='\u{9FFF}'
        | '\u{F900}'..='\u{FAFF}'
        | '\u{20000}'..='\u{2FA1F}'
        | '〇')
}

/// Full-width punctuation: `“社区”,为` has a half-width comma in Chinese text too.
fn is_cjk_punct(c: char) -> bool {
    matches!(c,
        '\u{3001}'..='\u{3003}'
        | '\u{3008}'..='\u{3011}'
        | '\u{3014}'..='\u{301F}'
        | '\u{FF01}'..='\u{FF0F}'
        | '\u{FF1A}'..='\u{FF20}'
        | '\u{FF3B}'..='\u{FF40}'
        | '\u{FF5B}'..='\u{FF65}'
        | '\u{2018}'..='\u{201D}'
        | '\u{2014}'
        | '\u{2026}')
}

fn is_chinese(c: char) -> bool {
    is_han(c) || is_cjk_punct(c)
}

/// The nearest character before index `i` that is not a space.
fn prev_char(chars: &[(usize, char)], i: usize) -> Option<char> {
    chars[..i].iter().rev().map(|&(_, c)| c).find(|&c| c != ' ')
}

/// The nearest character from index `i` on that is not a space.
fn next_char(chars: &[(usize, char)], i: usize) -> Option<char> {
    chars.get(i..)?.iter().map(|&(_, c)| c).find(|&c| c != ' ')
}

fn char_end(chars: &[(usize, char)], i: usize) -> usize {
    chars[i].0 + chars[i].1.len_utf8()
}

impl Params {
    /// Whether `text` holds a mark this rule looks at.
    fn may_hit(&self, text: &str) -> bool {
        self.triggers.as_ref().is_none_or(|t| t.is_match(text))
    }

    fn ignored_spans(&self, line: &str) -> Vec<Range<usize>> {
        self.ignore
            .iter()
            .flat_map(|r| r.find_iter(line).map(|m| m.range()))
            .filter(|r| !r.is_empty())
            .collect()
    }

    /// The problems of this rule in one line, in order.
    pub fn find(&self, line: &str) -> Vec<Hit> {
        self.find_page(&[line])
            .into_iter()
            .map(|(_, h)| h)
            .collect()
    }

    /// The problems of this rule in a page's lines, as (line index, hit), in order.
    fn find_page(&self, lines: &[&str]) -> Vec<(usize, Hit)> {
        let mut hits = match self.problem {
            Problem::Unbalanced => self.unbalanced(lines),
            Problem::HalfWidth | Problem::Doubled => {
                let mut out = Vec::new();
                for (li, line) in lines.iter().enumerate() {
                    if !self.may_hit(line) {
                        continue;
                    }
                    let spans = self.ignored_spans(line);
                    let ignored = |b: usize| spans.iter().any(|s| s.contains(&b));
                    let chars: Vec<(usize, char)> = line.char_indices().collect();
                    let found = if self.problem == Problem::HalfWidth {
                        self.half_width(&chars, &ignored)
                    } else {
                        self.doubled(&chars, &ignored)
                    };
                    out.extend(found.into_iter().map(|h| (li, h)));
                }
                out
            }
        };
        hits.sort_by_key(|(li, h)| (*li, h.range.start));
        hits
    }

    fn replacement(&self, c: char) -> Option<&str> {
        self.replacements
            .iter()
            .find(|(k, _)| *k == c)
            .map(|(_, v)| v.as_str())
    }

    fn half_width(&self, chars: &[(usize, char)], ignored: &dyn Fn(usize) -> bool) -> Vec<Hit> {
        let mut hits = Vec::new();
        let mut consumed = vec![false; chars.len()];
        let bracket = self.replacement('(').zip(self.replacement(')'));
        for i in 0..chars.len() {
            let (b, c) = chars[i];
            if consumed[i] {
                continue;
            }
            let Some(rep) = self.replacement(c) else {
                continue;
            };
            if ignored(b) {
                continue;
            }
            let prev = prev_char(chars, i);
            if c == '('
                && let Some((open, close)) = bracket
                && let Some(j) = matching_close(chars, i)
            {
                // A bracket pair is judged (and reported) once, by what it encloses:
                // `(以下简称本办)` is Chinese text, `(WHO)` is not.
                consumed[j] = true;
                let inner_han = chars[i + 1..j].iter().any(|&(_, c)| is_han(c));
                let outside =
                    prev.is_some_and(is_chinese) || next_char(chars, j + 1).is_some_and(is_chinese);
                if inner_han && outside && !ignored(chars[j].0) {
                    hits.push(Hit {
                        range: b..char_end(chars, j),
                        found: "()".to_string(),
                        expected: format!("{open}{close}"),
                    });
                }
                continue;
            }
            if prev.is_some_and(is_chinese) && next_char(chars, i + 1).is_some_and(is_chinese) {
                hits.push(Hit {
                    range: b..char_end(chars, i),
                    found: c.to_string(),
                    expected: rep.to_string(),
                });
            }
        }
        hits
    }

    fn doubled(&self, chars: &[(usize, char)], ignored: &dyn Fn(usize) -> bool) -> Vec<Hit> {
        let mut hits = Vec::new();
        let mut i = 0;
        while i < chars.len() {
            let is_mark = |k: usize| self.marks.contains(&chars[k].1) && !ignored(chars[k].0);
            if !is_mark(i) {
                i += 1;
                continue;
            }
            let mut j = i + 1;
            while j < chars.len() && is_mark(j) {
                j += 1;
            }
            if j - i >= 2 {
                let found: String = chars[i..j].iter().map(|&(_, c)| c).collect();
                hits.push(Hit {
                    range: chars[i].0..char_end(chars, j - 1),
                    expected: chars[i].1.to_string(),
                    found,
                });
            }
            i = j;
        }
        hits
    }

    fn unbalanced(&self, lines: &[&str]) -> Vec<(usize, Hit)> {
        // A line without any mark of a pair is skipped: nothing opens or closes
        // there, and nothing is carried into it (a carried quotation goes only
        // into a line that starts with the opening mark).
        let prepared: Vec<Option<Prepared>> = lines
            .iter()
            .map(|l| {
                self.may_hit(l)
                    .then(|| (l.char_indices().collect(), self.ignored_spans(l)))
            })
            .collect();
        let hit = |li: usize, i: usize, found: char, expected: char| {
            let chars = prepared[li].as_ref().map_or(&[][..], |p| &p.0[..]);
            (
                li,
                Hit {
                    range: chars[i].0..char_end(chars, i),
                    found: found.to_string(),
                    expected: expected.to_string(),
                },
            )
        };
        let mut hits = Vec::new();
        for &(open, close) in &self.pairs {
            // A quotation of several paragraphs repeats only the opening mark at
            // the start of each paragraph and closes once, at the end of the last
            // (GB/T 15834): an open mark is carried into a next paragraph that
            // starts with the same mark, whose leading mark is then no new opening.
            let mut carried: Option<(usize, usize)> = None;
            for (li, prep) in prepared.iter().enumerate() {
                let Some((chars, spans)) = prep else { continue };
                let ignored = |b: usize| spans.iter().any(|s| s.contains(&b));
                let mut stack: Vec<(usize, usize)> = Vec::new();
                let mut continuation = None;
                if let Some(c) = carried.take() {
                    stack.push(c);
                    continuation = chars.iter().position(|&(_, c)| !c.is_whitespace());
                }
                for (i, &(b, c)) in chars.iter().enumerate() {
                    if ignored(b) || continuation == Some(i) {
                        continue;
                    }
                    if c == open {
                        stack.push((li, i));
                    } else if c == close && stack.pop().is_none() {
                        hits.push(hit(li, i, close, open));
                    }
                }
                let continues = !stack.is_empty()
                    && lines
                        .get(li + 1)
                        .is_some_and(|n| n.trim_start().starts_with(open));
                let unmatched = if continues {
                    carried = Some(stack[0]);
                    &stack[1..]
                } else {
                    &stack[..]
                };
                for &(l, i) in unmatched {
                    hits.push(hit(l, i, open, close));
                }
            }
        }
        hits
    }
}

/// A line as characters with their byte offsets, and its ignored byte ranges.
type Prepared = (Vec<(usize, char)>, Vec<Range<usize>>);

/// The index of the `)` that closes the `(` at `i`, on the same line.
fn matching_close(chars: &[(usize, char)], i: usize) -> Option<usize> {
    let mut depth = 0usize;
    for (k, &(_, c)) in chars.iter().enumerate().skip(i) {
        match c {
            '(' => depth += 1,
            ')' => {
                depth = depth.saturating_sub(1);
                if depth == 0 {
                    return Some(k);
                }
            }
            _ => {}
        }
    }
    None
}

pub fn check(ctx: &Ctx<'_>, rule: &Rule, p: &Params, out: &mut Vec<Finding>) {
    for page in ctx.site.pages_in(&rule.categories) {
        if !p.page_kinds.contains(&page.kind) || page.error.is_some() || !p.may_hit(&page.text) {
            continue;
        }
        let lines: Vec<&str> = page.text.lines().collect();
        let hits: Vec<(Hit, String)> = p
            .find_page(&lines)
            .into_iter()
            .map(|(li, h)| {
                let ev = evidence(lines[li], h.range.clone(), p.evidence_chars);
                (h, ev)
            })
            .collect();
        let (shown, rest) = match p.max_per_page {
            Some(max) if hits.len() > max => hits.split_at(max),
            _ => (&hits[..], &[][..]),
        };
        let mut seen: HashMap<&str, usize> = HashMap::new();
        for (hit, ev) in shown {
            let n = seen.entry(hit.found.as_str()).or_insert(0);
            *n += 1;
            let mut values = Values::new();
            values.insert("found", hit.found.clone());
            values.insert("expected", hit.expected.clone());
            out.push(ctx.finding(
                rule,
                Draft {
                    at: At::page(page),
                    key: format!("{}:{}#{n}", p.problem.as_str(), hit.found),
                    evidence: Some(ev.clone()),
                    target: None,
                    values,
                },
            ));
        }
        if let (Some((_, ev)), Some(more)) = (rest.first(), &p.more_message) {
            let mut found: Vec<(&str, &str)> = Vec::new();
            for (h, _) in rest {
                if !found.iter().any(|(f, _)| *f == h.found) {
                    found.push((&h.found, &h.expected));
                }
            }
            let join = |v: Vec<&str>| v.join(" ");
            let mut values = Values::new();
            values.insert("found", join(found.iter().map(|(f, _)| *f).collect()));
            values.insert("expected", join(found.iter().map(|(_, e)| *e).collect()));
            values.insert("count", rest.len().to_string());
            out.push(ctx.finding_with(
                rule,
                Draft {
                    at: At::page(page),
                    // One roll-up per page and rule, whatever it stands for.
                    key: format!("{}:more", p.problem.as_str()),
                    evidence: Some(ev.clone()),
                    target: None,
                    values,
                },
                more,
                p.more_message_en.as_ref(),
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::toml_reader::Source;
    use std::path::Path;

    fn load(text: &str) -> Result<Params, RuleError> {
        let src = Source {
            file: Path::new("p.toml"),
            text,
        };
        let doc = src.parse()?;
        let mut top = TableReader::new(&src, doc.get_ref(), doc.span(), "rule `p`");
        let p = params(&mut top)?;
        top.finish()?;
        Ok(p)
    }

    const IGNORE: &str = r#"ignore = ['^\s*[（(]?[0-9０-９一二三四五六七八九十]{1,3}[)）.．、]']"#;

    fn half() -> Params {
        load(&format!(
            "problem = \"half-width\"\nevidence_chars = 10\n{IGNORE}\n[replacements]\n\",\" = \"，\"\n\".\" = \"。\"\n\":\" = \"：\"\n\"(\" = \"（\"\n\")\" = \"）\"\n"
        ))
        .unwrap()
    }

    fn found(p: &Params, line: &str) -> Vec<String> {
        p.find(line).into_iter().map(|h| h.found).collect()
    }

    #[test]
    fn half_width_between_chinese() {
        let p = half();
        assert_eq!(found(&p, "志愿者们走进社区,为居民提供义诊"), vec![","]);
        assert_eq!(found(&p, "走进社区, 为居民"), vec![","]);
        assert_eq!(found(&p, "“学雷锋”,为居民"), vec![","]);
        assert_eq!(found(&p, "全面公开有效信息.进一步提高"), vec!["."]);
        assert_eq!(found(&p, "街道办事处(以下简称本办)负责"), vec!["()"]);
        assert_eq!(found(&p, "工作要点(2019年)"), vec!["()"]);
    }

    #[test]
    fn numbers_urls_times_and_numbering_are_silent() {
        let p = half();
        for line in [
            "上午9:30开始，共1.5万元",
            "共计1,200元",
            "详见www.example.gov.cn网站",
            "网址:http://www.example.gov.cn/zwgk/",
            "邮箱abc@example.gov.cn联系",
            "1.加强组织领导",
            "一.加强组织领导",
            "(一)加强组织领导",
            "世界卫生组织(WHO)发布",
            "等等...",
            "附件:1.关于印发方案的通知.doc",
            "Hello, world.",
        ] {
            assert!(found(&p, line).is_empty(), "{line}: {:?}", p.find(line));
        }
    }

    #[test]
    fn doubled_and_unbalanced() {
        let d =
            load("problem = \"doubled\"\nevidence_chars = 10\nmarks = [\"，\", \"。\", \"、\"]\n")
                .unwrap();
        assert_eq!(found(&d, "居民，，为。。好、"), vec!["，，", "。。"]);
        assert!(found(&d, "等……——好。").is_empty());

        let u = load(&format!(
            "problem = \"unbalanced\"\nevidence_chars = 10\n{IGNORE}\n[pairs]\n\"《\" = \"》\"\n\"“\" = \"”\"\n\"（\" = \"）\"\n"
        ))
        .unwrap();
        assert_eq!(found(&u, "印发《工作要点的通知"), vec!["《"]);
        assert_eq!(found(&u, "开展学雷锋”活动"), vec!["”"]);
        assert!(found(&u, "《关于〈条例〉的说明》“好”（一）").is_empty());
        assert!(found(&u, "1）加强领导").is_empty());
        assert!(found(&u, "一）加强领导").is_empty());

        // A quotation of several paragraphs opens each one and closes only the last.
        let quote = ["他说：“第一段。", "“第二段。", "“第三段。”", "下一段。"];
        assert!(u.find_page(&quote).is_empty(), "{:?}", u.find_page(&quote));
        // Without the repeated opening mark the paragraphs are not one quotation.
        let broken = ["他说：“第一段。", "第二段。”"];
        let hits: Vec<(usize, String)> = u
            .find_page(&broken)
            .into_iter()
            .map(|(l, h)| (l, h.found))
            .collect();
        assert_eq!(hits, vec![(0, "“".to_string()), (1, "”".to_string())]);
        let unclosed = ["他说：“第一段。", "“第二段。"];
        let hits: Vec<usize> = u.find_page(&unclosed).into_iter().map(|(l, _)| l).collect();
        assert_eq!(hits, vec![0]);
    }

    #[test]
    fn bad_params_are_reported_with_line() {
        let e = load("problem = \"half\"\n").unwrap_err();
        assert_eq!(e.line, 1);
        let e = load("problem = \"doubled\"\nmarks = [\"，，\"]\n").unwrap_err();
        assert_eq!(e.line, 2, "{e}");
        let e = load("problem = \"doubled\"\n[pairs]\n\"《\" = \"》\"\n").unwrap_err();
        assert!(e.message.contains("only read when"), "{e}");
        let e = load("problem = \"unbalanced\"\n").unwrap_err();
        assert!(e.message.contains("`pairs`"), "{e}");
        let e = load("problem = \"unbalanced\"\n[pairs]\n\"“\" = \"“\"\n").unwrap_err();
        assert_eq!(e.line, 3, "{e}");
        let e = load("problem = \"doubled\"\nmarks = [\"，\"]\nignore = ['(']\n").unwrap_err();
        assert_eq!(e.line, 3, "{e}");
        let e = load("problem = \"doubled\"\nmarks = [\"，\"]\nmax_per_page = 3\n").unwrap_err();
        assert!(e.message.contains("more_message"), "{e}");
        let e = load(
            "problem = \"doubled\"\nmarks = [\"，\"]\nmax_per_page = 3\nmore_message = \"{counts}\"\n",
        )
        .unwrap_err();
        assert_eq!(e.line, 4, "{e}");
    }
}

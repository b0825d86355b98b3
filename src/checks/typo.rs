//! `typo`: known wrong-character and misused-word pairs (错别字) in article text.
//!
//! Inspections count 错字、别字 on a government site as errors of the site, and
//! readers take them as carelessness of the office. Spotting every misspelling
//! needs a language model; a curated dictionary of forms that are never correct
//! (`按装` for `安装`, `再接再励` for `再接再厉`, `截止目前` for `截至目前`) finds
//! the common ones without crying wolf. Pairs that are only wrong in some
//! contexts (`实效性` is correct in `提高工作的实效性`, wrong in `发布实效性在
//! 15天以内`) are `[[rule.contextual]]` entries: they fire only when a `context`,
//! `before` or `after` pattern matches around the hit, and never inside one of
//! their `exceptions` (longer correct phrases such as `按装备` = 按 + 装备).
//!
//! The dictionary is matched with one Aho-Corasick automaton per rule, built
//! when the rule file is loaded, over the page's body text line by line.
//!
//! Example finding: `「2018年…年度报告」中「实效性」疑为「时效性」之误`, evidence
//! `…政策法规类文件发布实效性在15天以内的要求是…`.

use std::collections::HashMap;
use std::ops::Range;

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};
use regex::Regex;

use crate::checks::{
    At, Ctx, Draft, KindSpec, back_chars, count, evidence, fwd_chars, read_page_kinds, required,
};
use crate::extract::record::PageKind;
use crate::report::finding::Finding;
use crate::rules::toml_reader::{RuleError, TableReader};
use crate::rules::{Rule, Values};

pub const KIND: &str = "typo";

pub const SPEC: KindSpec = KindSpec {
    name: KIND,
    placeholders: &["wrong", "right"],
    needs_category: false,
    doc: "Finds known wrong forms in the body text of pages of the given `page_kinds` \
          (default: articles). `[rule.dictionary]` maps each wrong form to its correction and \
          fires wherever the wrong form appears, except inside one of the rule's `exceptions` \
          (longer correct phrases that contain a wrong form). Each `[[rule.contextual]]` entry \
          (wrong, right, context, before, after, exceptions) fires only when its `context` \
          regex matches within `context_chars` characters either side of the hit (the hit \
          included), its `before` regex matches the text just before the hit and its `after` \
          regex the text just after it. Evidence shows `evidence_chars` characters either side. \
          Parameters: dictionary, contextual, exceptions, page_kinds, context_chars, \
          evidence_chars.",
};

/// One wrong form and what must hold around it for it to be reported.
#[derive(Debug, Clone)]
pub struct Entry {
    pub wrong: String,
    pub right: String,
    /// Must match somewhere within `context_chars` either side of the hit, hit included.
    pub context: Option<Regex>,
    /// Anchored at the end: must match the text just before the hit.
    pub before: Option<Regex>,
    /// Anchored at the start: must match the text just after the hit.
    pub after: Option<Regex>,
    /// Correct phrases that contain `wrong`; a hit inside one of them is not reported.
    pub exceptions: Vec<String>,
}

impl Entry {
    fn conditional(&self) -> bool {
        self.context.is_some() || self.before.is_some() || self.after.is_some()
    }
}

#[derive(Debug, Clone)]
pub struct Params {
    pub entries: Vec<Entry>,
    /// One pattern per distinct wrong form; `groups[pattern]` lists its entries in file order.
    matcher: AhoCorasick,
    groups: Vec<Vec<usize>>,
    pub page_kinds: Vec<PageKind>,
    pub context_chars: usize,
    pub evidence_chars: usize,
}

/// One reported wrong form in a line: byte range and the entry that matched.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hit {
    pub range: Range<usize>,
    pub entry: usize,
}

fn check_pair(
    t: &TableReader<'_, '_>,
    span: &Range<usize>,
    wrong: &str,
    right: &str,
) -> Result<(), RuleError> {
    let problem = if wrong.chars().count() < 2 {
        Some("must have at least two characters (one character alone is never a safe match)")
    } else if wrong.chars().any(char::is_whitespace) {
        Some("must not contain spaces")
    } else if right.trim().is_empty() {
        Some("has an empty correction")
    } else if wrong == right {
        Some("is the same as its correction")
    } else {
        None
    };
    match problem {
        Some(p) => Err(t.error_at(span, format!("wrong form \"{wrong}\" in {} {p}", t.context))),
        None => Ok(()),
    }
}

pub fn params(t: &mut TableReader<'_, '_>) -> Result<Params, RuleError> {
    let page_kinds = read_page_kinds(t)?;
    let context_chars = count(t, "context_chars")?;
    let evidence_chars = count(t, "evidence_chars")?;
    let global_exceptions = t.strings("exceptions")?.unwrap_or_default();

    // Spans are kept beside the entries so that later checks can point at the line.
    let mut entries: Vec<Entry> = Vec::new();
    let mut spans: Vec<Range<usize>> = Vec::new();
    if let Some(mut d) = t.table("dictionary")? {
        for kv in d.remaining_strings()? {
            let span = kv.span();
            let (wrong, right) = kv.into_inner();
            check_pair(&d, &span, &wrong, &right)?;
            entries.push(Entry {
                wrong,
                right,
                context: None,
                before: None,
                after: None,
                exceptions: Vec::new(),
            });
            spans.push(span);
        }
        d.finish()?;
    }
    let dictionary_len = entries.len();
    for mut c in t.tables("contextual")? {
        let rule_ctx = t.context.clone();
        c.set_context(format!("a [[rule.contextual]] entry of {rule_ctx}"));
        let wrong = c.req_string("wrong")?;
        let right = c.req_string("right")?;
        check_pair(&c, &wrong.span(), wrong.get_ref(), right.get_ref())?;
        c.set_context(format!(
            "the [[rule.contextual]] entry \"{}\" of {rule_ctx}",
            wrong.get_ref()
        ));
        if let Some(i) = entries[..dictionary_len]
            .iter()
            .position(|e| &e.wrong == wrong.get_ref())
        {
            return Err(c.error_at(
                &wrong.span(),
                format!(
                    "\"{}\" is already in the dictionary (line {}), where it always fires; \
                     remove it from one of the two",
                    wrong.get_ref(),
                    c.source().line_of(spans[i].start)
                ),
            ));
        }
        let context = match c.string("context")? {
            Some(s) => Some(c.compile_regex("context", &s.span(), s.get_ref())?),
            None => None,
        };
        let before = match c.string("before")? {
            Some(s) => {
                Some(c.compile_regex("before", &s.span(), &format!("(?:{})$", s.get_ref()))?)
            }
            None => None,
        };
        let after = match c.string("after")? {
            Some(s) => {
                Some(c.compile_regex("after", &s.span(), &format!("^(?:{})", s.get_ref()))?)
            }
            None => None,
        };
        let mut exceptions = Vec::new();
        for e in c.strings("exceptions")?.unwrap_or_default() {
            if !e.get_ref().contains(wrong.get_ref()) || e.get_ref() == wrong.get_ref() {
                return Err(c.error_at(
                    &e.span(),
                    format!(
                        "exception \"{}\" of {} must be a longer phrase that contains \"{}\"",
                        e.get_ref(),
                        c.context,
                        wrong.get_ref()
                    ),
                ));
            }
            exceptions.push(e.into_inner());
        }
        c.finish()?;
        spans.push(wrong.span());
        entries.push(Entry {
            wrong: wrong.into_inner(),
            right: right.into_inner(),
            context,
            before,
            after,
            exceptions,
        });
    }
    if entries.is_empty() {
        return Err(t.error_at(
            &t.span.clone(),
            format!(
                "{} has no wrong forms: give a [rule.dictionary] table or [[rule.contextual]] entries",
                t.context
            ),
        ));
    }
    for e in global_exceptions {
        let users: Vec<usize> = (0..dictionary_len)
            .filter(|&i| {
                e.get_ref().contains(entries[i].wrong.as_str()) && e.get_ref() != &entries[i].wrong
            })
            .collect();
        if users.is_empty() {
            return Err(t.error_at(
                &e.span(),
                format!(
                    "exception \"{}\" of {} contains no wrong form of the dictionary, so it can never apply",
                    e.get_ref(),
                    t.context
                ),
            ));
        }
        for i in users {
            entries[i].exceptions.push(e.get_ref().clone());
        }
    }

    let mut patterns: Vec<&str> = Vec::new();
    let mut groups: Vec<Vec<usize>> = Vec::new();
    for (i, e) in entries.iter().enumerate() {
        match patterns.iter().position(|p| *p == e.wrong) {
            Some(k) => groups[k].push(i),
            None => {
                patterns.push(&e.wrong);
                groups.push(vec![i]);
            }
        }
    }
    let matcher = AhoCorasickBuilder::new()
        .match_kind(MatchKind::Standard)
        .build(&patterns)
        .map_err(|e| {
            t.error_at(
                &t.span.clone(),
                format!("cannot build the dictionary of {}: {e}", t.context),
            )
        })?;
    let mut p = Params {
        entries,
        matcher,
        groups,
        page_kinds,
        // Set below, once every other problem of the rule has been reported.
        context_chars: 0,
        evidence_chars: 0,
    };
    // A correction that itself contains an unconditional wrong form would be
    // reported again once the editor applied it.
    for (i, e) in p.entries.iter().enumerate() {
        if let Some(h) = p
            .find(&e.right)
            .into_iter()
            .find(|h| !p.entries[h.entry].conditional())
        {
            return Err(t.error_at(
                &spans[i],
                format!(
                    "the correction \"{}\" of \"{}\" in {} contains the wrong form \"{}\"",
                    e.right, e.wrong, t.context, p.entries[h.entry].wrong
                ),
            ));
        }
    }
    p.context_chars = required(t, "context_chars", context_chars)?;
    p.evidence_chars = required(t, "evidence_chars", evidence_chars)?;
    Ok(p)
}

impl Params {
    fn applies(&self, e: &Entry, line: &str, r: &Range<usize>) -> bool {
        let excepted = e.exceptions.iter().any(|x| {
            x.match_indices(e.wrong.as_str()).any(|(k, _)| {
                r.start
                    .checked_sub(k)
                    .and_then(|s| line.get(s..s + x.len()))
                    .is_some_and(|w| w == x)
            })
        });
        if excepted {
            return false;
        }
        if let Some(b) = &e.before
            && !b.is_match(&line[..r.start])
        {
            return false;
        }
        if let Some(a) = &e.after
            && !a.is_match(&line[r.end..])
        {
            return false;
        }
        if let Some(c) = &e.context {
            let from = back_chars(line, r.start, self.context_chars);
            let to = fwd_chars(line, r.end, self.context_chars);
            if !c.is_match(&line[from..to]) {
                return false;
            }
        }
        true
    }

    /// The wrong forms reported in one line, in order, never overlapping (the
    /// longer one wins where two start together).
    pub fn find(&self, line: &str) -> Vec<Hit> {
        let mut cands: Vec<Hit> = Vec::new();
        for m in self.matcher.find_overlapping_iter(line) {
            let range = m.start()..m.end();
            let group = self.groups.get(m.pattern().as_usize());
            if let Some(&entry) = group
                .into_iter()
                .flatten()
                .find(|&&i| self.applies(&self.entries[i], line, &range))
            {
                cands.push(Hit { range, entry });
            }
        }
        cands.sort_by_key(|h| (h.range.start, std::cmp::Reverse(h.range.end)));
        let mut out: Vec<Hit> = Vec::new();
        for h in cands {
            if out.last().is_none_or(|l| h.range.start >= l.range.end) {
                out.push(h);
            }
        }
        out
    }
}

pub fn check(ctx: &Ctx<'_>, rule: &Rule, p: &Params, out: &mut Vec<Finding>) {
    for page in ctx.site.pages_in(&rule.categories) {
        // Most pages hold no wrong form at all: one pass over the page says so.
        if !p.page_kinds.contains(&page.kind)
            || page.error.is_some()
            || !p.matcher.is_match(&page.text)
        {
            continue;
        }
        let mut seen: HashMap<&str, usize> = HashMap::new();
        for line in page.text.lines() {
            for hit in p.find(line) {
                let e = &p.entries[hit.entry];
                let n = seen.entry(e.wrong.as_str()).or_insert(0);
                *n += 1;
                let mut values = Values::new();
                values.insert("wrong", e.wrong.clone());
                values.insert("right", e.right.clone());
                out.push(ctx.finding(
                    rule,
                    Draft {
                        at: At::page(page),
                        // The wrong form and its ordinal, not its offset: editing
                        // another paragraph must not change the id.
                        key: format!("{}#{n}", e.wrong),
                        evidence: Some(evidence(line, hit.range, p.evidence_chars)),
                        target: None,
                        values,
                    },
                ));
            }
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
            file: Path::new("t.toml"),
            text,
        };
        let doc = src.parse()?;
        let mut top = TableReader::new(&src, doc.get_ref(), doc.span(), "rule `t`");
        let p = params(&mut top)?;
        top.finish()?;
        Ok(p)
    }

    fn words(p: &Params, line: &str) -> Vec<String> {
        p.find(line)
            .into_iter()
            .map(|h| format!("{}>{}", &line[h.range], p.entries[h.entry].right))
            .collect()
    }

    const RULE: &str = r#"
context_chars = 10
evidence_chars = 10
exceptions = ["按装备", "按装修"]
[dictionary]
"按装" = "安装"
"再接再励" = "再接再厉"
"接再励" = "接再厉"

[[contextual]]
wrong = "实效性"
right = "时效性"
context = '\d+天|时限'

[[contextual]]
wrong = "必需"
right = "必须"
after = '遵守|严格'
exceptions = ["必需严格品"]

[[contextual]]
wrong = "需知"
right = "须知"
before = '办事|报名'
"#;

    #[test]
    fn dictionary_context_and_exceptions() {
        let p = load(RULE).unwrap();
        assert_eq!(words(&p, "按装空调,按装备清单核对"), vec!["按装>安装"]);
        assert_eq!(words(&p, "再接再励,争创佳绩"), vec!["再接再励>再接再厉"]);
        assert_eq!(words(&p, "发布实效性在15天以内"), vec!["实效性>时效性"]);
        assert!(words(&p, "提高工作的实效性和针对性,注重实效").is_empty());
        assert_eq!(words(&p, "必需遵守规定"), vec!["必需>必须"]);
        assert!(words(&p, "生活必需品,必需的物资").is_empty());
        assert!(words(&p, "必需严格品").is_empty());
        assert_eq!(words(&p, "报名需知"), vec!["需知>须知"]);
        assert!(words(&p, "大家需知道").is_empty());
    }

    #[test]
    fn context_window_is_limited() {
        let p = load(RULE).unwrap();
        // `天` is the 11th character after the hit, outside the 10-character window.
        assert!(words(&p, "实效性一二三四五六七八15天").is_empty());
        assert_eq!(words(&p, "实效性一二三四五六七15天").len(), 1);
    }

    #[test]
    fn evidence_keeps_ten_characters_each_side() {
        let line = "一二三四五六七八九十甲乙按装丙丁一二三四五六七八九十";
        let s = line.find("按装").unwrap();
        assert_eq!(
            evidence(line, s..s + "按装".len(), 10),
            "…三四五六七八九十甲乙按装丙丁一二三四五六七八…"
        );
        assert_eq!(evidence("按装好", 0..6, 10), "按装好");
    }

    #[test]
    fn bad_entries_are_reported_with_line() {
        let e = load("[dictionary]\n\"按装\" = \"安装\"\n\"错\" = \"对\"\n").unwrap_err();
        assert_eq!(e.line, 3, "{e}");
        assert!(e.message.contains("two characters"), "{e}");

        let e = load("[[contextual]]\nwrong = \"实效性\"\nright = \"时效性\"\ncontext = '(天'\n")
            .unwrap_err();
        assert_eq!(e.line, 4, "{e}");
        assert!(e.message.contains("invalid regex"), "{e}");

        let e = load("[[contextual]]\nwrong = \"实效性\"\nright = \"时效性\"\ncontex = 'x'\n")
            .unwrap_err();
        assert_eq!(e.line, 4, "{e}");
        assert!(e.message.contains("unknown key `contex`"), "{e}");

        let e = load("exceptions = [\"一二三\"]\n[dictionary]\n\"按装\" = \"安装\"\n").unwrap_err();
        assert_eq!(e.line, 1, "{e}");

        let e = load("[dictionary]\n\"按装\" = \"安装\"\n\"安装\" = \"按装\"\n").unwrap_err();
        assert!(e.message.contains("contains the wrong form"), "{e}");

        let e = load("[dictionary]\n\"按装\" = 3\n").unwrap_err();
        assert_eq!(e.line, 2, "{e}");

        let e =
            load("page_kinds = [\"articel\"]\n[dictionary]\n\"按装\" = \"安装\"\n").unwrap_err();
        assert_eq!(e.line, 1, "{e}");

        let e = load("context_chars = 3\n").unwrap_err();
        assert!(e.message.contains("no wrong forms"), "{e}");
    }

    #[test]
    fn overlapping_forms_report_once() {
        let p = load(RULE).unwrap();
        assert_eq!(words(&p, "再接再励再接再励"), vec!["再接再励>再接再厉"; 2]);
    }
}

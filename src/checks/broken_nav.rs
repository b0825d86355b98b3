//! `broken-nav`: 上一篇/下一篇 links that lead nowhere, to the wrong page, or
//! break the chain.
//!
//! Readers page through a column with 上一篇/下一篇, and inspectors click them:
//! a dead link, a link whose text names another article, or a chain that goes
//! A → B but back B → C shows a CMS whose templates or data are broken. Each
//! rule of this kind runs one `check`:
//!
//! - `target`: the link's target answered 4xx/5xx or a soft 404, does not exist
//!   (directory mode), or lies on another host;
//! - `self`: the link points to the page itself;
//! - `title`: the link text is not the target's title (spaces ignored; a text
//!   cut short with `…` or `...` only has to start the title);
//! - `symmetry`: A's 下一篇 is B but B's 上一篇 is some other page C (or the
//!   same for 上一篇);
//! - `placeholder`: a page shows `没有了`/`最后一页` although another page's
//!   link names it as its neighbour, i.e. a placeholder in the middle of a chain;
//! - `absent`: an article without any 上一篇/下一篇 in a column whose other
//!   articles have them.
//!
//! Example finding: `「…」的下一篇链接文字与目标页面标题不符`, target the link,
//! evidence `链接文字「…」,目标标题「…」`.

use std::collections::{HashMap, HashSet};

use crate::checks::broken_link::{Reasons, broken_reason};
use crate::checks::{At, Ctx, Draft, KindSpec, count, required};
use crate::extract::date::normalize_width;
use crate::extract::record::{NavLink, PageKind, PageRecord};
use crate::report::finding::Finding;
use crate::rules::template::Template;
use crate::rules::toml_reader::{RuleError, TableReader};
use crate::rules::{Rule, Values, opt_template};
use crate::site::{LinkState, is_broken};
use crate::source::urls::display_url;

pub const KIND: &str = "broken-nav";

pub const SPEC: KindSpec = KindSpec {
    name: KIND,
    placeholders: &[
        "label",
        "target",
        "link_text",
        "target_title",
        "reason",
        "back_label",
        "other_title",
        "expected_title",
    ],
    needs_category: false,
    doc: "Checks 上一篇/下一篇 links; `check` selects what: target (4xx/5xx, soft 404, missing \
          file, another host), self (links to its own page), title (link text differs from the \
          target's title; `truncation_marks` and `min_prefix_chars` allow cut texts), symmetry \
          (A's 下一篇 is B but B's 上一篇 is not A; when B's 上一篇 and 下一篇 agree with their \
          neighbours the wrong link is A's, reported once with `expected_message` naming the \
          page whose link names A), placeholder (没有了/最后一页 where another \
          page links here as its neighbour), absent (an article without navigation in a column \
          where at least `min_nav_percent` of at least `min_column_articles` other articles \
          have it). Parameters: check, truncation_marks, min_prefix_chars, min_column_articles, \
          min_nav_percent, missing_reason, missing_reason_en, soft_404_reason, \
          soft_404_reason_en, off_site_reason, \
          off_site_reason_en.",
};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Check {
    Target,
    SelfLink,
    Title,
    Symmetry,
    Placeholder,
    Absent,
}

impl Check {
    fn parse(s: &str) -> Option<Check> {
        Some(match s {
            "target" => Check::Target,
            "self" => Check::SelfLink,
            "title" => Check::Title,
            "symmetry" => Check::Symmetry,
            "placeholder" => Check::Placeholder,
            "absent" => Check::Absent,
            _ => return None,
        })
    }
}

#[derive(Debug, Clone)]
pub struct Params {
    pub check: Check,
    pub truncation_marks: Vec<String>,
    pub min_prefix_chars: usize,
    pub min_column_articles: usize,
    pub min_nav_percent: usize,
    pub reasons: Reasons,
    pub off_site_reason: String,
    pub off_site_reason_en: Option<String>,
    pub expected_message: Option<Template>,
    pub expected_message_en: Option<Template>,
}

pub fn params(t: &mut TableReader<'_, '_>) -> Result<Params, RuleError> {
    let c = t.req_string("check")?;
    let check = Check::parse(c.get_ref()).ok_or_else(|| {
        t.error_at(
            &c.span(),
            format!(
                "`check` of {} must be target, self, title, symmetry, placeholder or absent, not \"{}\"",
                t.context,
                c.get_ref()
            ),
        )
    })?;
    // Normalised here, once, as the texts they end are normalised before comparing.
    let truncation_marks = t
        .string_list("truncation_marks")?
        .iter()
        .map(|m| norm(m))
        .filter(|m| !m.is_empty())
        .collect();
    let min_prefix_chars = count(t, "min_prefix_chars")?;
    let min_column_articles = count(t, "min_column_articles")?;
    let min_nav_percent = count(t, "min_nav_percent")?;
    let text = |t: &mut TableReader<'_, '_>, key: &'static str| {
        t.string(key).map(|v| v.map(|s| s.into_inner()))
    };
    let reasons = Reasons::read(t, check == Check::Target)?;
    let off_site_reason = text(t, "off_site_reason")?;
    let off_site_reason_en = text(t, "off_site_reason_en")?;
    let expected_message = opt_template(t, "expected_message", SPEC.placeholders)?;
    let expected_message_en = opt_template(t, "expected_message_en", SPEC.placeholders)?;
    if check == Check::Target && off_site_reason.is_none() {
        return Err(t.missing("off_site_reason"));
    }
    // Each limit is required by the check that reads it; the others leave it unused.
    let min_prefix_chars = match check {
        Check::Title => required(t, "min_prefix_chars", min_prefix_chars)?,
        _ => min_prefix_chars.unwrap_or_default(),
    };
    let (min_column_articles, min_nav_percent) = match check {
        Check::Absent => (
            required(t, "min_column_articles", min_column_articles)?,
            required(t, "min_nav_percent", min_nav_percent)?,
        ),
        _ => (
            min_column_articles.unwrap_or_default(),
            min_nav_percent.unwrap_or_default(),
        ),
    };
    Ok(Params {
        check,
        truncation_marks,
        min_prefix_chars,
        min_column_articles: min_column_articles.max(1),
        min_nav_percent: min_nav_percent.min(100),
        reasons,
        off_site_reason: off_site_reason.unwrap_or_default(),
        off_site_reason_en,
        expected_message,
        expected_message_en,
    })
}

/// Link text and title compared without spaces and with full-width digits folded.
fn norm(s: &str) -> String {
    normalize_width(s)
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '\u{a0}')
        .collect()
}

/// Whether a link text names this title: the same after normalising, or its
/// start when the text was cut (`…`, `...`, or at least `min_prefix` characters).
/// `marks` are normalised already (as `params` leaves them).
fn text_matches_title(text: &str, title: &str, marks: &[String], min_prefix: usize) -> bool {
    let full = norm(title);
    let mut shown = norm(text);
    if shown == full || full.is_empty() {
        return true;
    }
    let mut truncated = false;
    loop {
        let before = shown.len();
        for m in marks {
            if !m.is_empty()
                && let Some(s) = shown.strip_suffix(m.as_str())
            {
                shown = s.to_string();
                truncated = true;
            }
        }
        if shown.len() == before {
            break;
        }
    }
    if shown.is_empty() {
        // An arrow image, a bare label or an ellipsis: nothing to compare.
        return true;
    }
    full.starts_with(&shown) && (truncated || shown.chars().count() >= min_prefix)
}

/// A page that shows navigation the checks read.
fn is_nav_page(r: &PageRecord) -> bool {
    r.kind != PageKind::Attachment && !is_broken(r)
}

/// Both entries of a page with the label each is shown under (`上一篇`, `下一篇`).
fn entries<'a>(ctx: &'a Ctx<'_>, r: &'a PageRecord) -> [(Option<&'a NavLink>, &'a str, bool); 2] {
    let label = |labels: &'a [String]| labels.first().map_or("", String::as_str);
    [
        (r.prev.as_ref(), label(&ctx.rules.extract.prev_labels), true),
        (
            r.next.as_ref(),
            label(&ctx.rules.extract.next_labels),
            false,
        ),
    ]
}

pub fn check(ctx: &Ctx<'_>, rule: &Rule, p: &Params, out: &mut Vec<Finding>) {
    match p.check {
        Check::Absent => return absent(ctx, rule, p, out),
        Check::Symmetry => return symmetry(ctx, rule, p, out),
        _ => {}
    }
    let site = ctx.site;
    // Two pages may name the same placeholder page; it is one finding.
    let mut seen: HashSet<String> = HashSet::new();
    for page in site.pages_in(&rule.categories) {
        if !is_nav_page(page) || site.is_query_twin(page) {
            continue;
        }
        for (entry, label, is_prev) in entries(ctx, page) {
            let Some(link) = entry else { continue };
            let Some(target) = link.url.as_deref() else {
                continue;
            };
            let dir = if is_prev { "prev" } else { "next" };
            // Filled when there is a finding (most entries are fine), with the
            // label, target and text of the entry it names: this one, or for a
            // placeholder the other page's.
            let mut values = Values::new();
            let mut named = (label, target, link.text.as_str());
            let finding = match p.check {
                Check::SelfLink => (target == page.url).then(|| {
                    (
                        format!("self:{dir}"),
                        Some(format!("{label}: {}", link.text)),
                        page,
                        Some(target.to_string()),
                    )
                }),
                _ if target == page.url => None,
                Check::Target => {
                    // Over HTTP an off-site target stays off-site even when
                    // `--check-external` fetched it; in directory mode a target
                    // that maps onto a local file is the site's own live URL.
                    let state = site.link_state(target);
                    let off_site = matches!(state, LinkState::OffSite)
                        || !site.complete_listing && !site.is_internal(target);
                    let broken = broken_reason(state, ctx.lang, &p.reasons);
                    let reason = broken.or_else(|| {
                        off_site.then(|| {
                            ctx.lang
                                .pick(p.off_site_reason.as_str(), p.off_site_reason_en.as_deref())
                                .to_string()
                        })
                    });
                    reason.map(|r| {
                        values.insert("reason", r.clone());
                        (
                            format!("target:{dir}"),
                            Some(r),
                            page,
                            Some(target.to_string()),
                        )
                    })
                }
                Check::Title => match site.link_state(target) {
                    LinkState::Ok(t)
                        if t.kind != PageKind::Attachment
                            && !text_matches_title(
                                &link.text,
                                &t.title,
                                &p.truncation_marks,
                                p.min_prefix_chars,
                            ) =>
                    {
                        values.insert("target_title", t.title.clone());
                        Some((
                            format!("title:{dir}"),
                            Some(format!("{label}: 「{}」 ≠ 「{}」", link.text, t.title)),
                            page,
                            Some(target.to_string()),
                        ))
                    }
                    _ => None,
                },
                Check::Placeholder => {
                    let LinkState::Ok(other) = site.link_state(target) else {
                        continue;
                    };
                    if !is_nav_page(other) {
                        continue;
                    }
                    // The entry of `other` that should point back here.
                    let (back, back_label, _) = entries(ctx, other)[usize::from(is_prev)];
                    match back {
                        Some(back) if back.url.is_none() && back.placeholder => {
                            // Reported on the page that shows the placeholder.
                            named = (back_label, page.url.as_str(), back.text.as_str());
                            values.insert("target_title", page.title.clone());
                            Some((
                                format!("placeholder:{}", if is_prev { "next" } else { "prev" }),
                                Some(format!(
                                    "{back_label}: {} ← {label}: {}",
                                    back.text, page.url
                                )),
                                other,
                                Some(page.url.clone()),
                            ))
                        }
                        _ => None,
                    }
                }
                Check::Symmetry => None,
                Check::Absent => None,
            };
            if let Some((key, evidence, at, finding_target)) = finding {
                if !seen.insert(format!("{}\n{key}", at.url)) {
                    continue;
                }
                let (label, target, link_text) = named;
                values.insert("label", label.to_string());
                values.insert("target", display_url(target));
                values.insert("link_text", link_text.to_string());
                out.push(ctx.finding(
                    rule,
                    Draft {
                        at: At::page(at),
                        key,
                        evidence,
                        target: finding_target,
                        values,
                    },
                ));
            }
        }
    }
}

/// The page an entry leads to, when it is a page showing navigation of its own.
fn neighbour<'a>(ctx: &Ctx<'a>, page: &PageRecord, is_prev: bool) -> Option<&'a PageRecord> {
    let link = if is_prev { &page.prev } else { &page.next };
    let url = link.as_ref()?.url.as_deref()?;
    match ctx.site.link_state(url) {
        LinkState::Ok(r) if r.url != page.url && is_nav_page(r) => Some(r),
        _ => None,
    }
}

/// Whether `page`'s entry in this direction is answered by the target's
/// opposite entry (A's 下一篇 is B and B's 上一篇 is A).
fn answered(ctx: &Ctx<'_>, page: &PageRecord, is_prev: bool) -> bool {
    neighbour(ctx, page, is_prev)
        .and_then(|y| neighbour(ctx, y, !is_prev))
        .is_none_or(|back| back.url == page.url)
}

/// The entries that break a chain's symmetry, one finding per wrong link.
///
/// A link A → Y that Y does not answer (Y's opposite entry is Z) is the wrong
/// one when Y and Z answer each other: Y already has its neighbour. A page B
/// whose opposite entry names A is then left unanswered too, but only because
/// of A's link, so B gets no finding of its own; A's names B as the page its
/// link should lead to. When neither side is settled both are reported.
fn symmetry(ctx: &Ctx<'_>, rule: &Rule, p: &Params, out: &mut Vec<Finding>) {
    let site = ctx.site;
    let wrong = |page: &PageRecord, is_prev: bool| -> Option<&PageRecord> {
        let y = neighbour(ctx, page, is_prev)?;
        let z = neighbour(ctx, y, !is_prev)?;
        (z.url != page.url && z.url != y.url && neighbour(ctx, z, is_prev)?.url == y.url)
            .then_some(z)
    };
    // Who names a page as its neighbour, by direction: the candidates for
    // where a wrong link should have led.
    let mut named_by: HashMap<(&str, bool), Vec<&PageRecord>> = HashMap::new();
    for page in site.records.iter().filter(|r| is_nav_page(r)) {
        for is_prev in [true, false] {
            if let Some(y) = neighbour(ctx, page, is_prev) {
                named_by
                    .entry((y.url.as_str(), is_prev))
                    .or_default()
                    .push(page);
            }
        }
    }
    // The pages this rule reports on.
    let judged: HashSet<&str> = site
        .pages_in(&rule.categories)
        .filter(|r| is_nav_page(r) && !site.is_query_twin(r))
        .map(|r| r.url.as_str())
        .collect();
    for page in site.pages_in(&rule.categories) {
        if !judged.contains(page.url.as_str()) {
            continue;
        }
        for (entry, label, is_prev) in entries(ctx, page) {
            let (Some(link), Some(y)) = (entry, neighbour(ctx, page, is_prev)) else {
                continue;
            };
            let Some(z) = neighbour(ctx, y, !is_prev) else {
                continue;
            };
            if z.url == page.url || z.url == y.url {
                continue;
            }
            // Y's link back to Z is the wrong one, and reported on Y (when Y
            // is a page this rule reports on; otherwise here).
            if wrong(y, !is_prev).is_some() && judged.contains(y.url.as_str()) {
                continue;
            }
            let (_, back_label, _) = entries(ctx, y)[usize::from(is_prev)];
            let dir = if is_prev { "prev" } else { "next" };
            let mut values = Values::new();
            values.insert("label", label.to_string());
            values.insert("back_label", back_label.to_string());
            values.insert("target", display_url(&y.url));
            values.insert("link_text", link.text.clone());
            values.insert("target_title", y.title.clone());
            values.insert("other_title", z.title.clone());
            // Pages whose opposite entry names this page and goes unanswered.
            let expected: Vec<&PageRecord> = if wrong(page, is_prev).is_some() {
                named_by
                    .get(&(page.url.as_str(), !is_prev))
                    .into_iter()
                    .flatten()
                    .copied()
                    .filter(|b| b.url != y.url && !answered(ctx, b, !is_prev))
                    .collect()
            } else {
                Vec::new()
            };
            let mut evidence = format!("{label} → {}; {back_label} ← {}", y.url, z.url);
            let draft = |values, evidence| Draft {
                at: At::page(page),
                key: format!("symmetry:{dir}"),
                evidence: Some(evidence),
                target: Some(y.url.clone()),
                values,
            };
            match (expected.as_slice(), &p.expected_message) {
                ([b], Some(m)) => {
                    values.insert("expected_title", b.title.clone());
                    evidence.push_str(&format!("; {back_label} ← {}", b.url));
                    out.push(ctx.finding_with(
                        rule,
                        draft(values, evidence),
                        m,
                        p.expected_message_en.as_ref(),
                    ));
                }
                _ => out.push(ctx.finding(rule, draft(values, evidence))),
            }
        }
    }
}

/// Articles without navigation in columns whose other articles have it.
fn absent(ctx: &Ctx<'_>, rule: &Rule, p: &Params, out: &mut Vec<Finding>) {
    let site = ctx.site;
    let in_rule: HashSet<&str> = site
        .pages_in(&rule.categories)
        .map(|r| r.url.as_str())
        .collect();
    let mut reported: HashSet<&str> = HashSet::new();
    for column in &site.columns {
        let members: Vec<&PageRecord> = column
            .items
            .iter()
            .filter_map(|i| site.get(&i.url))
            .filter(|r| matches!(r.kind, PageKind::Article | PageKind::Other) && is_nav_page(r))
            .collect();
        let with_nav = members
            .iter()
            .filter(|r| r.prev.is_some() || r.next.is_some())
            .count();
        for page in &members {
            if page.prev.is_some() || page.next.is_some() || !in_rule.contains(page.url.as_str()) {
                continue;
            }
            let others = members.len() - 1;
            if others < p.min_column_articles || with_nav * 100 < p.min_nav_percent * others {
                continue;
            }
            if !reported.insert(page.url.as_str()) {
                continue;
            }
            let mut values = Values::new();
            let label = ctx
                .rules
                .extract
                .prev_labels
                .first()
                .cloned()
                .unwrap_or_default();
            values.insert("label", label);
            let mut at = At::page(page);
            if at.column.is_none() && !column.name.is_empty() {
                at.column = Some(column.name.clone());
            }
            out.push(ctx.finding(
                rule,
                Draft {
                    at,
                    key: "absent".into(),
                    evidence: Some(format!("{with_nav}/{others}")),
                    target: None,
                    values,
                },
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn marks() -> Vec<String> {
        vec!["…".into(), "...".into(), "。。。".into()]
    }

    #[test]
    fn titles_match_after_normalising() {
        let t = "云溪街道召开2018年度安全生产工作推进会";
        assert!(text_matches_title(t, t, &marks(), 8));
        assert!(text_matches_title(
            "云溪街道召开 2018年度安全生产工作推进会",
            t,
            &marks(),
            8
        ));
        assert!(text_matches_title(
            "云溪街道召开２０１８年度…",
            t,
            &marks(),
            8
        ));
        assert!(text_matches_title("云溪街道召开...", t, &marks(), 8));
        // An image link or a bare label shows no title to compare.
        assert!(text_matches_title("", t, &marks(), 8));
        // Cut without a mark: long enough to be a title's start.
        assert!(text_matches_title(
            "云溪街道召开2018年度安全",
            t,
            &marks(),
            8
        ));
    }

    #[test]
    fn titles_that_differ() {
        let t = "云溪街道召开2018年度安全生产工作推进会";
        assert!(!text_matches_title(
            "云溪街道开展冬季消防安全大检查",
            t,
            &marks(),
            8
        ));
        assert!(!text_matches_title(
            "云溪街道…",
            "临江社区开展节后复工安全检查",
            &marks(),
            8
        ));
        // A short unmarked start is not accepted as a cut title.
        assert!(!text_matches_title("云溪街道", t, &marks(), 8));
        // Longer than the title: not a cut.
        assert!(!text_matches_title(&format!("{t}（续）"), t, &marks(), 8));
    }
}

//! `broken-link`: links and attachments that lead nowhere.
//!
//! A 404 behind `附件：2019年预算公开表.xls` means the disclosure did not
//! happen, whatever the article says. A target is broken when it answered
//! 4xx/5xx, was a soft 404, or (in directory mode, where every file of the site
//! is known) does not exist. Targets the audit never fetched (page limit,
//! external links without `--check-external`) are not judged. A broken link
//! in the body is reported on each page that holds it; one in the page
//! template (a menu, a footer), or in the body of many pages, is reported once,
//! on the home page or the first page holding it, with the number of pages.
//!
//! What a page embeds (images, frames, stylesheets, media) is checked the
//! same way and, with `resource_message`, named by its kind: a reader sees
//! a broken picture or an empty frame, not a dead link.
//!
//! Example finding: `「关于…的公示」中的链接无法打开(HTTP 404)`, target
//! `http://…/P020190301.pdf`, evidence `HTTP 404`.

use std::collections::{BTreeMap, HashSet};

use crate::checks::{At, Ctx, Draft, KindSpec, Lang, count, required};
use crate::extract::SOFT_404;
use crate::extract::record::{PageKind, PageRecord, ResourceKind};
use crate::report::finding::Finding;
use crate::rules::toml_reader::{RuleError, TableReader};
use crate::rules::{Rule, Template, Values, opt_template};
use crate::site::{LinkState, is_broken};
use crate::source::urls::display_url;

pub const KIND: &str = "broken-link";

const PLACEHOLDERS: &[&str] = &["target", "reason", "pages", "resource", "link_text"];

pub const SPEC: KindSpec = KindSpec {
    name: KIND,
    placeholders: PLACEHOLDERS,
    needs_category: false,
    doc: "Reports links whose target answered 4xx/5xx or a soft 404, or (directory mode) does \
          not exist in the site. 上一篇/下一篇 links are left to `broken-nav`. A target linked \
          from outside the page body, or from the body of `template_min_pages` pages or more, \
          is reported once (with `template_message`). A missing image, frame, stylesheet or \
          media file is reported with `resource_message` (and `resource_template_message` \
          for one on many pages), `{resource}` naming its kind by `resource_names`. A link \
          of one page whose text is known is reported with `text_message`, `{link_text}` \
          quoting what the reader clicks. \
          Parameters: template_min_pages, template_message, text_message, missing_reason, \
          soft_404_reason (`{shown}`: what a page served as 200 says, 页面不存在), \
          resource_message, resource_template_message, resource_names (each with an _en \
          form).",
};

#[derive(Debug, Clone)]
pub struct Params {
    pub template_min_pages: usize,
    pub template_message: Option<Template>,
    pub template_message_en: Option<Template>,
    /// For a link whose text is known: the message that quotes it.
    pub text_message: Option<Template>,
    pub text_message_en: Option<Template>,
    /// How a target that does not exist in the site directory is described.
    pub reasons: Reasons,
    pub resource_message: Option<Template>,
    pub resource_message_en: Option<Template>,
    pub resource_template_message: Option<Template>,
    pub resource_template_message_en: Option<Template>,
    /// What each kind of resource is called (`image = "图片"`).
    pub resource_names: Vec<(ResourceKind, String)>,
    pub resource_names_en: Vec<(ResourceKind, String)>,
}

/// `image = "图片"`…: a name for every kind of resource, no other key.
fn resource_names(
    t: &mut TableReader<'_, '_>,
    key: &'static str,
) -> Result<Vec<(ResourceKind, String)>, RuleError> {
    let Some(mut names) = t.table(key)? else {
        return Ok(Vec::new());
    };
    let mut out = Vec::new();
    for kind in ResourceKind::ALL {
        if let Some(s) = names.string(kind.as_str())? {
            out.push((kind, s.into_inner()));
        }
    }
    names.finish()?;
    Ok(out)
}

pub fn params(t: &mut TableReader<'_, '_>) -> Result<Params, RuleError> {
    let template_min_pages = count(t, "template_min_pages")?;
    let template_message = opt_template(t, "template_message", PLACEHOLDERS)?;
    let template_message_en = opt_template(t, "template_message_en", PLACEHOLDERS)?;
    let reasons = Reasons::read(t, true)?;
    Ok(Params {
        template_min_pages: required(t, "template_min_pages", template_min_pages)?.max(1),
        template_message,
        template_message_en,
        text_message: opt_template(t, "text_message", PLACEHOLDERS)?,
        text_message_en: opt_template(t, "text_message_en", PLACEHOLDERS)?,
        reasons,
        resource_message: opt_template(t, "resource_message", PLACEHOLDERS)?,
        resource_message_en: opt_template(t, "resource_message_en", PLACEHOLDERS)?,
        resource_template_message: opt_template(t, "resource_template_message", PLACEHOLDERS)?,
        resource_template_message_en: opt_template(
            t,
            "resource_template_message_en",
            PLACEHOLDERS,
        )?,
        resource_names: resource_names(t, "resource_names")?,
        resource_names_en: resource_names(t, "resource_names_en")?,
    })
}

/// Why a target counts as broken, or `None` when it does not (or cannot be told).
/// How a broken target is described, in the rule's words: a file missing
/// from the site directory, and a page that says it does not exist.
#[derive(Debug, Clone, Default)]
pub struct Reasons {
    pub missing: String,
    pub missing_en: Option<String>,
    /// `{shown}` is what the page says (`页面不存在`).
    pub soft_404: Option<String>,
    pub soft_404_en: Option<String>,
}

impl Reasons {
    /// `missing_reason` (required when `need_missing`), `soft_404_reason`, each with `_en`.
    pub fn read(t: &mut TableReader<'_, '_>, need_missing: bool) -> Result<Reasons, RuleError> {
        let mut text = |key: &'static str| t.string(key).map(|v| v.map(|s| s.into_inner()));
        let missing = text("missing_reason")?;
        let missing_en = text("missing_reason_en")?;
        let soft_404 = text("soft_404_reason")?;
        let soft_404_en = text("soft_404_reason_en")?;
        if need_missing && missing.is_none() {
            return Err(t.missing("missing_reason"));
        }
        Ok(Reasons {
            missing: missing.unwrap_or_default(),
            missing_en,
            soft_404,
            soft_404_en,
        })
    }
}

pub fn broken_reason(state: LinkState<'_>, lang: Lang, reasons: &Reasons) -> Option<String> {
    let soft = |shown: &str| {
        let words = match lang {
            Lang::En => reasons.soft_404_en.as_ref().or(reasons.soft_404.as_ref()),
            Lang::Zh => reasons.soft_404.as_ref(),
        };
        words.map(|w| w.replace("{shown}", shown))
    };
    match state {
        LinkState::Broken(r) => Some(match &r.error {
            Some(e) if let Some(reason) = e.strip_prefix(SOFT_404).and_then(soft) => reason,
            Some(e) if r.status >= 400 && !e.contains(&r.status.to_string()) => {
                format!("HTTP {}: {e}", r.status)
            }
            Some(e) => e.clone(),
            None => format!("HTTP {}", r.status),
        }),
        LinkState::Missing => Some(
            lang.pick(reasons.missing.as_str(), reasons.missing_en.as_deref())
                .to_string(),
        ),
        LinkState::Ok(_) | LinkState::OffSite | LinkState::Unknown => None,
    }
}

/// Pages whose links are checked: readable pages, not attachments.
fn is_checked_page(r: &PageRecord) -> bool {
    r.kind != PageKind::Attachment && !is_broken(r)
}

#[derive(Default)]
struct Holders<'a> {
    body: Vec<&'a PageRecord>,
    template: Vec<&'a PageRecord>,
    /// What the pages embed the target as, when they embed it.
    resource: Option<ResourceKind>,
}

/// The text `page` shows for its link to `target`, when it shows one.
fn link_text<'a>(page: &'a PageRecord, target: &str) -> Option<&'a str> {
    page.link_texts
        .iter()
        .find(|(u, _)| u == target)
        .map(|(_, t)| t.as_str())
}

pub fn check(ctx: &Ctx<'_>, rule: &Rule, p: &Params, out: &mut Vec<Finding>) {
    let site = ctx.site;
    let mut by_target: BTreeMap<&str, (String, Holders<'_>)> = BTreeMap::new();
    // Targets already judged fine: a site links the same menu targets from every page.
    let mut fine: HashSet<&str> = HashSet::new();
    for page in site.pages_in(&rule.categories) {
        if !is_checked_page(page) || site.is_query_twin(page) {
            continue;
        }
        let nav: HashSet<&str> = [&page.prev, &page.next]
            .into_iter()
            .flatten()
            .filter_map(|n| n.url.as_deref())
            .collect();
        let body: HashSet<&str> = page.body_links.iter().map(String::as_str).collect();
        for link in &page.links {
            if link == &page.url || nav.contains(link.as_str()) || fine.contains(link.as_str()) {
                continue;
            }
            if !by_target.contains_key(link.as_str()) {
                let state = site.link_state(link);
                let Some(reason) = broken_reason(state, ctx.lang, &p.reasons) else {
                    fine.insert(link.as_str());
                    continue;
                };
                by_target.insert(link.as_str(), (reason, Holders::default()));
            }
            let Some(entry) = by_target.get_mut(link.as_str()) else {
                continue;
            };
            if entry.1.resource.is_none() {
                entry.1.resource = page
                    .resources
                    .iter()
                    .find(|(_, u)| u == link)
                    .map(|(k, _)| *k);
            }
            if body.contains(link.as_str()) {
                entry.1.body.push(page);
            } else {
                entry.1.template.push(page);
            }
        }
    }
    for (target, (reason, mut holders)) in by_target {
        if holders.body.len() >= p.template_min_pages {
            holders.template.append(&mut holders.body);
        }
        // A missing resource is named by its kind, when the rule says how.
        let names = match ctx.lang {
            Lang::En if !p.resource_names_en.is_empty() => &p.resource_names_en,
            _ => &p.resource_names,
        };
        let resource = holders
            .resource
            .and_then(|k| names.iter().find(|(n, _)| *n == k))
            .map(|(_, name)| name.clone());
        let resource_message = resource.as_ref().and(p.resource_message.as_ref());
        for page in &holders.body {
            let mut values = Values::new();
            values.insert("target", display_url(target));
            values.insert("reason", reason.clone());
            values.insert("pages", "1".into());
            values.insert("resource", resource.clone().unwrap_or_default());
            let text = link_text(page, target);
            if let Some(t) = text {
                values.insert("link_text", t.to_string());
            }
            let draft = Draft {
                at: At::page(page),
                key: String::new(),
                evidence: Some(reason.clone()),
                target: Some(target.to_string()),
                values,
            };
            out.push(
                match (resource_message, text.and(p.text_message.as_ref())) {
                    (Some(m), _) => {
                        ctx.finding_with(rule, draft, m, p.resource_message_en.as_ref())
                    }
                    (None, Some(m)) => ctx.finding_with(rule, draft, m, p.text_message_en.as_ref()),
                    (None, None) => ctx.finding(rule, draft),
                },
            );
        }
        if holders.template.is_empty() {
            continue;
        }
        let mut pages = holders.template;
        pages.sort_by(|a, b| {
            (a.kind != PageKind::Home)
                .cmp(&(b.kind != PageKind::Home))
                .then_with(|| a.url.cmp(&b.url))
        });
        pages.dedup_by(|a, b| a.url == b.url);
        let first = pages[0];
        let mut values = Values::new();
        values.insert("target", display_url(target));
        values.insert("reason", reason.clone());
        values.insert("pages", pages.len().to_string());
        values.insert("resource", resource.clone().unwrap_or_default());
        let examples: Vec<&str> = pages
            .iter()
            .skip(1)
            .take(3)
            .map(|r| r.url.as_str())
            .collect();
        let evidence = if examples.is_empty() {
            reason.clone()
        } else {
            let more = if pages.len() > 4 { " …" } else { "" };
            format!("{reason}; {}{more}", examples.join(" "))
        };
        let draft = Draft {
            at: At::page(first),
            key: "template".into(),
            evidence: Some(evidence),
            target: Some(target.to_string()),
            values,
        };
        let many = pages.len() > 1;
        let resource_template = resource.as_ref().and(p.resource_template_message.as_ref());
        match (resource_template, resource_message, &p.template_message) {
            (Some(m), _, _) if many => {
                out.push(ctx.finding_with(rule, draft, m, p.resource_template_message_en.as_ref()))
            }
            (_, _, Some(m)) if many && resource.is_none() => {
                out.push(ctx.finding_with(rule, draft, m, p.template_message_en.as_ref()))
            }
            (_, Some(m), _) => {
                out.push(ctx.finding_with(rule, draft, m, p.resource_message_en.as_ref()))
            }
            _ => out.push(ctx.finding(rule, draft)),
        }
    }
}

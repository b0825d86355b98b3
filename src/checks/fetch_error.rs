//! `fetch-error`: a page the audit could not read.
//!
//! A nightly audit must say what it could not check; a page that answers 500,
//! or never answers, is also what a visitor meets. Pages are reported with
//! the HTTP status or the transport error as evidence. A page that answers
//! 4xx and that a read page links to is left to `broken-link`/`broken-nav`,
//! which name the page holding the link: one defect, one finding, as a
//! directory audit of the same site gives.
//!
//! Example finding: `页面无法访问(HTTP 500)`, evidence `HTTP 500`.

use std::collections::HashSet;

use crate::checks::{At, Ctx, Draft, KindSpec};
use crate::report::finding::Finding;
use crate::rules::toml_reader::{RuleError, TableReader};
use crate::rules::{Rule, Values};

pub const KIND: &str = "fetch-error";

pub const SPEC: KindSpec = KindSpec {
    name: KIND,
    placeholders: &["status", "reason"],
    needs_category: false,
    doc: "Reports every page that could not be fetched or read (HTTP 4xx/5xx, timeouts, \
          connection errors), with the status or reason. No parameters.",
};

#[derive(Debug, Clone)]
pub struct Params;

pub fn params(_t: &mut TableReader<'_, '_>) -> Result<Params, RuleError> {
    Ok(Params)
}

pub fn check(ctx: &Ctx<'_>, rule: &Rule, _p: &Params, out: &mut Vec<Finding>) {
    let linked: HashSet<&str> = ctx
        .site
        .records
        .iter()
        .filter(|r| r.error.is_none())
        .flat_map(|r| r.links.iter().map(String::as_str))
        .collect();
    for page in &ctx.site.records {
        let Some(reason) = &page.error else { continue };
        if (400..500).contains(&page.status) && linked.contains(page.url.as_str()) {
            continue;
        }
        let mut values = Values::new();
        values.insert("status", page.status.to_string());
        values.insert("reason", reason.clone());
        out.push(ctx.finding(
            rule,
            Draft {
                at: At {
                    url: page.url.clone(),
                    title: None,
                    column: None,
                    page_kind: None,
                },
                key: String::new(),
                evidence: Some(reason.clone()),
                target: None,
                values,
            },
        ));
    }
}

//! `fetch-error`: a page the audit found a link to but could not read.
//!
//! A nightly audit must say what it could not check; a page that answers 404
//! or 500, or never answers, is also what a visitor meets. Pages are reported
//! with the HTTP status or the transport error as evidence.
//!
//! Example finding: `页面无法访问(HTTP 500)`, evidence `HTTP 500`.

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
    for page in &ctx.site.records {
        let Some(reason) = &page.error else { continue };
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

//! `publish-lag`: a document must be published within `max_days` of its own date.
//!
//! Policy documents (政策法规类文件) are to be made public within 15 days of
//! their 成文日期; a notice signed on 1 February and published on 3 March has
//! already failed the promise whatever it says. The document date is the
//! 成文日期 label or the signed date at the end of the body.
//!
//! Example finding: `「关于…的通知」成文于2019-02-01,2019-03-03才发布,相隔30天,超过15天的要求`.

use crate::checks::{At, Ctx, Draft, KindSpec, Override, days_between};
use crate::report::finding::Finding;
use crate::rules::toml_reader::{RuleError, TableReader};
use crate::rules::{Rule, Values};

pub const KIND: &str = "publish-lag";

pub const SPEC: KindSpec = KindSpec {
    name: KIND,
    placeholders: &["max_days", "lag_days", "document_date", "publish_date"],
    needs_category: true,
    doc: "Checks that pages of the rule's categories are published no more than `max_days` \
          after the document's own date (成文日期 or the signed date). Parameters: max_days.",
};

#[derive(Debug, Clone)]
pub struct Params {
    pub max_days: u32,
}

pub fn params(t: &mut TableReader<'_, '_>) -> Result<Params, RuleError> {
    let max_days = t
        .count("max_days")?
        .ok_or_else(|| t.missing("max_days"))?
        .into_inner();
    Ok(Params { max_days })
}

pub fn check(ctx: &Ctx<'_>, rule: &Rule, p: &Params, out: &mut Vec<Finding>) {
    for page in ctx.site.pages_in(&rule.categories) {
        let (Some(doc), Some(publ)) = (page.document_date, page.publish_date) else {
            continue;
        };
        let lag = days_between(doc, publ);
        // A document dated after its publication is a misreading, not a late publication.
        if lag <= i64::from(p.max_days) {
            continue;
        }
        let mut values = Values::new();
        values.insert("max_days", p.max_days.to_string());
        values.insert("lag_days", lag.to_string());
        values.insert("document_date", doc.to_string());
        values.insert("publish_date", publ.to_string());
        let evidence = match (
            page.snippets.get("document_date"),
            page.snippets.get("publish_date"),
        ) {
            (Some(d), Some(p)) => format!("{d} / {p}"),
            (Some(d), None) => format!("{d} / {publ}"),
            (None, Some(p)) => format!("{doc} / {p}"),
            (None, None) => format!("{doc} → {publ}"),
        };
        // The document is out late whatever is done now: a record of when.
        out.push(ctx.finding_as(
            rule,
            Draft {
                at: At::page(page),
                key: String::new(),
                evidence: Some(evidence),
                target: None,
                values,
            },
            &rule.message,
            rule.message_en.as_ref(),
            Override {
                record: Some(publ),
                ..Override::default()
            },
        ));
    }
}

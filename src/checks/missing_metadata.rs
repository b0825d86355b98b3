//! `missing-metadata`: a page must show its publish date, source and other
//! required metadata, and not leave them empty.
//!
//! Inspections count an article without 发布时间 or with an empty `来源:` as a
//! non-compliant page; readers cannot tell how current or how authoritative it
//! is. A label that is present but empty is reported with the label as
//! evidence; a field that is absent has no evidence.
//!
//! Example finding: `「2018年…年度报告」的来源为空`, evidence `来源:   点击:`.

use crate::checks::{At, Ctx, Draft, KindSpec, read_page_kinds};
use crate::extract::record::{PageKind, PageRecord};
use crate::report::finding::Finding;
use crate::rules::toml_reader::{RuleError, TableReader};
use crate::rules::{Rule, Values};

pub const KIND: &str = "missing-metadata";

pub const SPEC: KindSpec = KindSpec {
    name: KIND,
    placeholders: &["field"],
    needs_category: false,
    doc: "Checks that pages of the given `page_kinds` (and categories, if any) carry `field`: \
          publish_date, document_date, source, title, column, index_no (索引号), doc_number \
          (文号 / 发文字号), or `meta:NAME` for a <meta name=NAME> tag. Parameters: field, \
          page_kinds.",
};

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Field {
    PublishDate,
    DocumentDate,
    Source,
    Title,
    Column,
    /// 索引号, the disclosure catalogue number.
    IndexNo,
    /// 文号 / 发文字号, the document number.
    DocNumber,
    Meta(String),
}

impl Field {
    fn parse(s: &str) -> Option<Field> {
        Some(match s {
            "publish_date" => Field::PublishDate,
            "document_date" => Field::DocumentDate,
            "source" => Field::Source,
            "title" => Field::Title,
            "column" => Field::Column,
            "index_no" => Field::IndexNo,
            "doc_number" => Field::DocNumber,
            _ => match s.strip_prefix("meta:") {
                Some(name) if !name.trim().is_empty() => Field::Meta(name.trim().to_string()),
                _ => return None,
            },
        })
    }

    fn name(&self) -> String {
        match self {
            Field::PublishDate => "publish_date".into(),
            Field::DocumentDate => "document_date".into(),
            Field::Source => "source".into(),
            Field::Title => "title".into(),
            Field::Column => "column".into(),
            Field::IndexNo => "index_no".into(),
            Field::DocNumber => "doc_number".into(),
            Field::Meta(n) => format!("meta:{n}"),
        }
    }
}

#[derive(Debug, Clone)]
pub struct Params {
    pub field: Field,
    pub page_kinds: Vec<PageKind>,
}

pub fn params(t: &mut TableReader<'_, '_>) -> Result<Params, RuleError> {
    let f = t.req_string("field")?;
    let field = Field::parse(f.get_ref()).ok_or_else(|| {
        t.error_at(
            &f.span(),
            format!(
                "`field` of {} must be publish_date, document_date, source, title, column, index_no, doc_number or meta:NAME, not \"{}\"",
                t.context,
                f.get_ref()
            ),
        )
    })?;
    let page_kinds = read_page_kinds(t)?;
    Ok(Params { field, page_kinds })
}

/// Whether a text field is absent or blank.
fn blank(v: Option<&str>) -> bool {
    v.is_none_or(|s| s.trim().is_empty())
}

/// `None` when the field is fine, else the evidence (empty label) or no evidence (absent).
fn problem(page: &PageRecord, field: &Field) -> Option<Option<String>> {
    let snippet = |k: &str| page.snippets.get(k).cloned();
    match field {
        Field::PublishDate => page.publish_date.is_none().then(|| snippet("publish_date")),
        Field::DocumentDate => page
            .document_date
            .is_none()
            .then(|| snippet("document_date")),
        Field::Source => blank(page.source.as_deref()).then(|| snippet("source")),
        Field::IndexNo => blank(page.index_no.as_deref()).then(|| snippet("index_no")),
        Field::DocNumber => blank(page.doc_number.as_deref()).then(|| snippet("doc_number")),
        Field::Title => page.title.trim().is_empty().then_some(None),
        Field::Column => page
            .column
            .as_deref()
            .is_none_or(|c| c.trim().is_empty())
            .then_some(None),
        Field::Meta(name) => {
            let v = page
                .meta
                .iter()
                .find(|(k, _)| k.eq_ignore_ascii_case(name))
                .map(|(_, v)| v);
            match v {
                Some(v) if !v.trim().is_empty() => None,
                Some(_) => Some(Some(format!("<meta name=\"{name}\" content=\"\">"))),
                None => Some(None),
            }
        }
    }
}

pub fn check(ctx: &Ctx<'_>, rule: &Rule, p: &Params, out: &mut Vec<Finding>) {
    for page in ctx.site.pages_in(&rule.categories) {
        if !p.page_kinds.contains(&page.kind) || page.error.is_some() {
            continue;
        }
        let Some(evidence) = problem(page, &p.field) else {
            continue;
        };
        let mut values = Values::new();
        values.insert("field", p.field.name());
        out.push(ctx.finding(
            rule,
            Draft {
                at: At::page(page),
                key: p.field.name(),
                evidence,
                target: None,
                values,
            },
        ));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn index_and_document_numbers_can_be_required() {
        let index = Field::parse("index_no").unwrap();
        let number = Field::parse("doc_number").unwrap();
        assert_eq!(
            (index.name(), number.name()),
            ("index_no".into(), "doc_number".into())
        );
        let mut page = PageRecord {
            index_no: Some("11440300007542213X/2019-00123".into()),
            ..Default::default()
        };
        assert_eq!(problem(&page, &index), None);
        // Absent: reported without evidence.
        assert_eq!(problem(&page, &number), Some(None));
        // Shown but empty: the label is the evidence.
        page.doc_number = Some(" ".into());
        page.snippets.insert("doc_number".into(), "文号:".into());
        assert_eq!(problem(&page, &number), Some(Some("文号:".into())));
    }
}

//! What extraction saw on one page, for `audit inspect`: for every field the
//! value taken and where it came from, and the other candidates with why
//! they were set aside (hidden, in an attribute or a comment, in the body's
//! prose, lower in the configured order). Built only when asked for, so a
//! crawl pays nothing for it.

use serde::Serialize;

use super::record::Origin;

/// One value a field could have had.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Candidate {
    /// The value as the page gives it (a date as written, not parsed).
    pub value: String,
    /// The kind of source (`label`, `meta`, `heading`…), or `hidden`,
    /// `comment`, `attribute` for text a reader does not see.
    pub origin: String,
    /// Where exactly: `meta name=PubDate`, `label 发布时间： in <span class="info">`.
    pub from: String,
    /// Why it was not taken; `None` for the value taken.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub set_aside: Option<String>,
}

/// Why a candidate was not taken.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Aside {
    /// An earlier source in the field's order gave a value.
    LowerPriority,
    /// It holds no usable value (a label without a date).
    NoValue,
    /// Text a reader does not see.
    Hidden,
    Comment,
    Attribute,
    /// A label inside the article's own text, not its information line.
    Prose,
    /// The same label on many rows: each list item's date.
    PerItem,
    /// Read, then dropped: a list's last line is an item's date, not a signature.
    NotForKind,
    /// On a home, landing or site-map page, a heading names a block, not the page.
    BlockHeading,
}

impl Aside {
    /// The reason's key: stable in JSON, worded by `[labels.*.inspect]`.
    pub fn as_str(self) -> &'static str {
        match self {
            Aside::LowerPriority => "lower_priority",
            Aside::NoValue => "no_value",
            Aside::Hidden => "hidden",
            Aside::Comment => "comment",
            Aside::Attribute => "attribute",
            Aside::Prose => "prose",
            Aside::PerItem => "per_item",
            Aside::NotForKind => "not_for_kind",
            Aside::BlockHeading => "block_heading",
        }
    }
}

/// One list group the list reader looked at.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ListGroup {
    /// The element holding the rows (`ul.list`, `tbody`).
    pub element: String,
    /// The box's heading, when one was found.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub heading: Option<String>,
    pub items: usize,
    /// Why the group is not the column's list (`template_box`,
    /// `sidebar_heading`, `smaller`); `None` for the list.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub set_aside: Option<&'static str>,
    /// The class word or heading behind the reason.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
}

/// Everything `inspect` shows beyond the record.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Trace {
    /// Candidates by field name, the value taken first.
    pub fields: std::collections::BTreeMap<String, Vec<Candidate>>,
    /// Why the page got its kind, as a key (`dated`, `letter_labels`…)
    /// worded by `[labels.*.inspect]` (`why_dated`…).
    pub kind_reason: String,
    /// The dated link groups of a list page and which one is the list.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub list_groups: Vec<ListGroup>,
    /// The `<base href>` links are resolved against, when the page has one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub base: Option<String>,
}

impl Trace {
    pub fn push(
        &mut self,
        field: &str,
        value: String,
        origin: Origin,
        from: String,
        aside: Option<Aside>,
    ) {
        self.push_as(field, value, origin.as_str(), from, aside);
    }

    /// The value `field` took is dropped after all, for `why`.
    pub fn drop_taken(&mut self, field: &str, why: Aside) {
        if let Some(c) = self
            .fields
            .get_mut(field)
            .and_then(|l| l.first_mut())
            .filter(|c| c.set_aside.is_none())
        {
            c.set_aside = Some(why.as_str().to_string());
        }
    }

    /// `field` takes its candidate from `origin` instead, the one taken
    /// before is set aside for `why`.
    pub fn retake(&mut self, field: &str, origin: &str, why: Aside) {
        self.drop_taken(field, why);
        if let Some(list) = self.fields.get_mut(field)
            && let Some(i) = list.iter().position(|c| c.origin == origin)
        {
            let mut c = list.remove(i);
            c.set_aside = None;
            list.insert(0, c);
        }
    }

    /// A candidate whose origin is not one of the ordered sources (hidden
    /// text, a comment, an attribute).
    pub fn push_as(
        &mut self,
        field: &str,
        value: String,
        origin: &str,
        from: String,
        aside: Option<Aside>,
    ) {
        let list = self.fields.entry(field.to_string()).or_default();
        let c = Candidate {
            value,
            origin: origin.to_string(),
            from,
            set_aside: aside.map(|a| a.as_str().to_string()),
        };
        // The value taken leads its field's list.
        if c.set_aside.is_none() {
            list.insert(0, c);
        } else if !list.contains(&c) {
            list.push(c);
        }
    }
}

/// `<span class="info">`: how an element is named in a `from`.
pub fn describe(el: scraper::ElementRef<'_>) -> String {
    let v = el.value();
    let mut s = format!("<{}", v.name());
    for key in ["id", "class"] {
        if let Some(a) = v.attr(key).map(str::trim).filter(|a| !a.is_empty()) {
            s.push_str(&format!(" {key}=\"{a}\""));
        }
    }
    s.push('>');
    s
}

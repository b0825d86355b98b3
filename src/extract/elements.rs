//! The page's elements, listed once, so that the ordered selector lists of
//! the rule files (`body_selectors`, `title_selectors`) do not each walk the
//! whole tree: a plain tag selector (`h1`) compares names, and a selector
//! whose last part needs a class or id (`div.TRS_Editor`, `#zoom`) is only
//! tried on the elements that carry one.

use ego_tree::NodeRef;
use scraper::{ElementRef, Html, Node, Selector};

pub struct Elements<'a> {
    all: Vec<ElementRef<'a>>,
    /// The comment nodes, anywhere in the document (also before `<html>`):
    /// body markers and `audit:ignore` directives are read from these.
    comments: Vec<NodeRef<'a, Node>>,
    /// The text nodes, in document order.
    texts: Vec<NodeRef<'a, Node>>,
    /// The elements with a class or an id.
    with_class_or_id: Vec<ElementRef<'a>>,
}

/// How a selector can be matched cheaply.
enum Shape<'s> {
    Tag(&'s str),
    /// The classes and ids its last part names: an element whose `class`
    /// and `id` attributes do not hold each of them as text cannot match,
    /// which is cheaper to see than running the selector (that splits the
    /// element's classes into atoms on first use).
    NeedsClassOrId(Vec<&'s str>),
    Any,
}

fn shape(text: &str) -> Shape<'_> {
    let t = text.trim();
    if !t.is_empty() && t.chars().all(|c| c.is_ascii_alphanumeric()) {
        return Shape::Tag(t);
    }
    if t.contains(',') {
        return Shape::Any;
    }
    let last = t
        .rsplit(|c: char| c.is_whitespace() || matches!(c, '>' | '+' | '~'))
        .next()
        .unwrap_or(t);
    if last.contains(['.', '#']) && !last.contains(['[', ':', '\\']) {
        let names = last
            .split(['.', '#'])
            .skip(1)
            .filter(|n| !n.is_empty())
            .collect();
        Shape::NeedsClassOrId(names)
    } else {
        Shape::Any
    }
}

impl<'a> Elements<'a> {
    pub fn new(html: &'a Html) -> Elements<'a> {
        let mut all: Vec<ElementRef<'a>> = Vec::new();
        let mut comments = Vec::new();
        let mut texts = Vec::new();
        // From the document node, not the root element: a comment before
        // `<html>` is a child of the document.
        for node in html.tree.root().descendants() {
            if let Some(el) = ElementRef::wrap(node) {
                all.push(el);
            } else if node.value().is_text() {
                texts.push(node);
            } else if node.value().is_comment() {
                comments.push(node);
            }
        }
        let with_class_or_id = all
            .iter()
            .copied()
            .filter(|e| {
                // `attrs()`, not `attr("class")`: the latter interns its
                // argument on every call.
                e.value()
                    .attrs()
                    .any(|(k, v)| matches!(k, "class" | "id") && !v.trim().is_empty())
            })
            .collect();
        Elements {
            all,
            comments,
            texts,
            with_class_or_id,
        }
    }

    /// The page's comment nodes, in document order.
    pub fn comments(&self) -> &[NodeRef<'a, Node>] {
        &self.comments
    }

    /// The page's text nodes, in document order.
    pub fn texts(&self) -> &[NodeRef<'a, Node>] {
        &self.texts
    }

    /// The elements with one of these tag names, in document order.
    pub fn named<'b>(&'b self, names: &'b [&str]) -> impl Iterator<Item = ElementRef<'a>> + 'b {
        self.all
            .iter()
            .copied()
            .filter(move |e| names.contains(&e.value().name()))
    }

    /// The elements `sel` (written as `text`) matches, in document order.
    pub fn select<'b>(
        &'b self,
        text: &'b str,
        sel: &'b Selector,
    ) -> Box<dyn Iterator<Item = ElementRef<'a>> + 'b> {
        match shape(text) {
            Shape::Tag(name) => Box::new(
                self.all
                    .iter()
                    .copied()
                    .filter(move |e| e.value().name().eq_ignore_ascii_case(name)),
            ),
            Shape::NeedsClassOrId(names) => Box::new(
                self.with_class_or_id
                    .iter()
                    .copied()
                    .filter(move |e| may_have(e, &names) && sel.matches(e)),
            ),
            Shape::Any => Box::new(self.all.iter().copied().filter(move |e| sel.matches(e))),
        }
    }
}

/// Whether each of `names` appears, in any case, in the element's `class`
/// or `id` attribute: never false for an element the selector matches
/// (class names match without regard to case in quirks mode).
fn may_have(e: &ElementRef<'_>, names: &[&str]) -> bool {
    let (mut class, mut id) = ("", "");
    for (k, v) in e.value().attrs() {
        match k {
            "class" => class = v,
            "id" => id = v,
            _ => {}
        }
    }
    names
        .iter()
        .all(|n| contains_ignore_ascii_case(class, n) || contains_ignore_ascii_case(id, n))
}

/// Whether `hay` holds `needle`, ASCII letters in any case (class names,
/// `type` attributes); an empty needle is everywhere.
pub(crate) fn contains_ignore_ascii_case(hay: &str, needle: &str) -> bool {
    let (h, n) = (hay.as_bytes(), needle.as_bytes());
    n.is_empty() || h.windows(n.len()).any(|w| w.eq_ignore_ascii_case(n))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_matches_as_select() {
        let html = Html::parse_document(
            "<body><div class=a><h1 id=t>标题</h1><p class='b c'>x</p></div><div><p>y</p><span data-x=1>z</span></div></body>",
        );
        let els = Elements::new(&html);
        for text in [
            "h1",
            "div.a p.c",
            "#t",
            "div > p",
            "p",
            "span[data-x]",
            "h1, p",
            "DIV",
            "p.C",
            "div.a.b",
            ".b.c",
            "div#t",
            "#T",
            "div .c",
            "p.b.c",
        ] {
            let sel = Selector::parse(text).unwrap();
            let want: Vec<_> = html.select(&sel).map(|e| e.id()).collect();
            let got: Vec<_> = els.select(text, &sel).map(|e| e.id()).collect();
            assert_eq!(got, want, "{text}");
        }
    }
}

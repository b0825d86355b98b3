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
    /// The elements with a class or an id.
    with_class_or_id: Vec<ElementRef<'a>>,
}

/// How a selector can be matched cheaply.
enum Shape<'s> {
    Tag(&'s str),
    NeedsClassOrId,
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
    if last.contains(['.', '#']) && !last.contains(['[', ':']) {
        Shape::NeedsClassOrId
    } else {
        Shape::Any
    }
}

impl<'a> Elements<'a> {
    pub fn new(html: &'a Html) -> Elements<'a> {
        let mut all: Vec<ElementRef<'a>> = Vec::new();
        let mut comments = Vec::new();
        // From the document node, not the root element: a comment before
        // `<html>` is a child of the document.
        for node in html.tree.root().descendants() {
            if let Some(el) = ElementRef::wrap(node) {
                all.push(el);
            } else if node.value().is_comment() {
                comments.push(node);
            }
        }
        let with_class_or_id = all
            .iter()
            .copied()
            .filter(|e| e.value().id().is_some() || e.value().classes().next().is_some())
            .collect();
        Elements {
            all,
            comments,
            with_class_or_id,
        }
    }

    /// The page's comment nodes, in document order.
    pub fn comments(&self) -> &[NodeRef<'a, Node>] {
        &self.comments
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
            Shape::NeedsClassOrId => Box::new(
                self.with_class_or_id
                    .iter()
                    .copied()
                    .filter(move |e| sel.matches(e)),
            ),
            Shape::Any => Box::new(self.all.iter().copied().filter(move |e| sel.matches(e))),
        }
    }
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
        ] {
            let sel = Selector::parse(text).unwrap();
            let want: Vec<_> = html.select(&sel).map(|e| e.id()).collect();
            let got: Vec<_> = els.select(text, &sel).map(|e| e.id()).collect();
            assert_eq!(got, want, "{text}");
        }
    }
}

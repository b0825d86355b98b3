//! The page's elements, listed once, so that the ordered selector lists of
//! the rule files (`body_selectors`, `title_selectors`) do not each walk the
//! whole tree: a plain tag selector (`h1`) compares names, and a selector
//! whose last part needs a class or id (`div.TRS_Editor`, `#zoom`) is only
//! tried on the elements that carry one.

use ego_tree::iter::Edge;
use ego_tree::{NodeId, NodeRef};
use rustc_hash::FxHashSet;
use scraper::{ElementRef, Html, Node, Selector};

/// The elements a reader does not see because their own markup hides them:
/// the `hidden` attribute, an inline `display:none` or `visibility:hidden`,
/// or a class word of `hidden_classes`. Their text is never read as a
/// label, a date, a title or a list item (their links are still followed:
/// drop-down menus are hidden until hovered).
#[derive(Debug, Default)]
pub struct Hidden(FxHashSet<NodeId>);

impl Hidden {
    /// Whether `id` is the root of a hidden subtree.
    pub fn is_root(&self, id: NodeId) -> bool {
        !self.0.is_empty() && self.0.contains(&id)
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

/// Why an element hides itself, if it does.
pub fn hides(el: &scraper::node::Element, hidden_classes: &[String]) -> Option<&'static str> {
    for (k, v) in el.attrs() {
        match k {
            "hidden" => return Some("hidden"),
            "style" if style_hides(v) => return Some("style"),
            "class"
                if !hidden_classes.is_empty()
                    && v.split_ascii_whitespace()
                        .any(|w| hidden_classes.iter().any(|h| h.eq_ignore_ascii_case(w))) =>
            {
                return Some("class");
            }
            _ => {}
        }
    }
    None
}

/// `display: none` or `visibility:hidden` in an inline style, in any case and spacing.
fn style_hides(style: &str) -> bool {
    let compact: String = style
        .chars()
        .filter(|c| !c.is_whitespace())
        .map(|c| c.to_ascii_lowercase())
        .collect();
    compact.split(';').any(|decl| {
        let decl = decl.trim_end_matches("!important");
        decl == "display:none" || decl == "visibility:hidden"
    })
}

pub struct Elements<'a> {
    /// Every element, hidden or not, in document order.
    everything: Vec<ElementRef<'a>>,
    /// The elements a reader can see (not inside a hidden one).
    all: Vec<ElementRef<'a>>,
    hidden: Hidden,
    /// The comment nodes, anywhere in the document (also before `<html>`):
    /// body markers and `audit:ignore` directives are read from these.
    comments: Vec<NodeRef<'a, Node>>,
    /// The visible text nodes, in document order.
    texts: Vec<NodeRef<'a, Node>>,
    /// The visible elements with a class or an id.
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
        Elements::with_hidden(html, &[])
    }

    /// The page's elements, telling apart those hidden by their markup or
    /// by one of `hidden_classes`.
    pub fn with_hidden(html: &'a Html, hidden_classes: &[String]) -> Elements<'a> {
        let mut everything: Vec<ElementRef<'a>> = Vec::new();
        let mut all: Vec<ElementRef<'a>> = Vec::new();
        let mut comments = Vec::new();
        let mut texts = Vec::new();
        let mut hidden = FxHashSet::default();
        // The depth of the hidden element being walked through, if any.
        let (mut depth, mut hidden_at) = (0usize, None::<usize>);
        // From the document node, not the root element: a comment before
        // `<html>` is a child of the document.
        for edge in html.tree.root().traverse() {
            let node = match edge {
                Edge::Open(node) => node,
                Edge::Close(_) => {
                    if hidden_at == Some(depth) {
                        hidden_at = None;
                    }
                    depth -= 1;
                    continue;
                }
            };
            depth += 1;
            if let Some(el) = ElementRef::wrap(node) {
                everything.push(el);
                // A body hidden until a script shows it is still the page.
                if hidden_at.is_none()
                    && !matches!(el.value().name(), "body" | "html")
                    && hides(el.value(), hidden_classes).is_some()
                {
                    hidden.insert(node.id());
                    hidden_at = Some(depth);
                }
                if hidden_at.is_none() {
                    all.push(el);
                }
            } else if node.value().is_text() {
                if hidden_at.is_none() {
                    texts.push(node);
                }
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
            everything,
            all,
            hidden: Hidden(hidden),
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

    /// The roots of the page's hidden subtrees.
    pub fn hidden(&self) -> &Hidden {
        &self.hidden
    }

    /// Every element with one of these tag names, hidden or not, in
    /// document order: links, scripts and meta tags count wherever they are.
    pub fn named_all<'b>(&'b self, names: &'b [&str]) -> impl Iterator<Item = ElementRef<'a>> + 'b {
        self.everything
            .iter()
            .copied()
            .filter(move |e| names.contains(&e.value().name()))
    }

    /// The visible elements with one of these tag names, in document order.
    pub fn named<'b>(&'b self, names: &'b [&str]) -> impl Iterator<Item = ElementRef<'a>> + 'b {
        self.all
            .iter()
            .copied()
            .filter(move |e| names.contains(&e.value().name()))
    }

    /// The visible elements `sel` (written as `text`) matches, in document order.
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

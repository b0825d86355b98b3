//! Page text as lines, the way a reader sees it: block elements end a line,
//! table cells are separated by tabs, scripts and styles are skipped, runs of
//! spaces are collapsed (but two or more spaces are kept as two, since CMSs
//! separate `发布时间` from `来源` with them).

use ego_tree::NodeRef;
use ego_tree::iter::Edge;
use scraper::{ElementRef, Node};

const BLOCKS: &[&str] = &[
    "p",
    "div",
    "li",
    "ul",
    "ol",
    "tr",
    "table",
    "tbody",
    "thead",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "br",
    "hr",
    "section",
    "article",
    "header",
    "footer",
    "nav",
    "dl",
    "dt",
    "dd",
    "form",
    "blockquote",
    "pre",
    "center",
    "address",
    "aside",
    "main",
    "title",
];
const SKIP: &[&str] = &[
    "script", "style", "noscript", "template", "head", "select", "option",
];
const CELLS: &[&str] = &["td", "th"];

/// The colons that end a label, half- and full-width.
pub const COLONS: [char; 2] = [':', '：'];

/// `来源：区政府办` → `区政府办`: `text` trimmed, without the first of
/// `labels` it starts with and the colon after that.
pub fn strip_label<'t, L: AsRef<str>>(text: &'t str, labels: &[L]) -> &'t str {
    let t = text.trim();
    let t = labels
        .iter()
        .find_map(|l| t.strip_prefix(l.as_ref()))
        .unwrap_or(t);
    t.trim_start().trim_start_matches(COLONS).trim()
}

/// A table cell holding a label (`来源：`): the label alone (`来源`).
pub fn label_cell(cell: &str) -> &str {
    cell.trim().trim_end_matches(COLONS).trim()
}

/// Lines of text under `root`, trimmed, empty lines dropped.
pub fn lines(root: ElementRef<'_>) -> Vec<String> {
    lines_in(root, None)
}

/// Lines of text between a comment holding one of `start` and the next
/// comment holding one of `end` (Hanweb's `<!--ContentStart-->`), or `None`
/// when there is no start comment.
pub fn lines_between_comments(
    root: ElementRef<'_>,
    start: &[String],
    end: &[String],
) -> Option<Vec<String>> {
    if start.is_empty() {
        return None;
    }
    let lines = lines_in(root, Some((start, end)));
    (!lines.is_empty()).then_some(lines)
}

fn lines_in(root: ElementRef<'_>, comments: Option<(&[String], &[String])>) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut skip_depth: Option<usize> = None;
    let mut depth = 0usize;
    // Without comment markers everything is read; with them, nothing until the start marker.
    let mut active = comments.is_none();
    let flush = |cur: &mut String, out: &mut Vec<String>, active: bool| {
        let t = cur.trim();
        if active && !t.is_empty() {
            out.push(t.to_string());
        }
        cur.clear();
    };
    for edge in root.traverse() {
        match edge {
            Edge::Open(node) => {
                depth += 1;
                if skip_depth.is_some() {
                    continue;
                }
                match node.value() {
                    Node::Element(el) => {
                        let name = el.name();
                        if SKIP.contains(&name) {
                            skip_depth = Some(depth);
                        } else if BLOCKS.contains(&name) {
                            flush(&mut cur, &mut out, active);
                        } else if CELLS.contains(&name) && !cur.trim().is_empty() {
                            cur.push('\t');
                        }
                    }
                    Node::Text(t) if active => push_text(&mut cur, t),
                    Node::Comment(c) => {
                        if let Some((start, end)) = comments {
                            if !active && start.iter().any(|m| c.contains(m.as_str())) {
                                cur.clear();
                                active = true;
                            } else if active && end.iter().any(|m| c.contains(m.as_str())) {
                                flush(&mut cur, &mut out, active);
                                active = false;
                            }
                        }
                    }
                    _ => {}
                }
            }
            Edge::Close(node) => {
                if skip_depth == Some(depth) {
                    skip_depth = None;
                } else if skip_depth.is_none()
                    && let Node::Element(el) = node.value()
                {
                    if BLOCKS.contains(&el.name()) {
                        flush(&mut cur, &mut out, active);
                    } else if CELLS.contains(&el.name()) {
                        cur.push('\t');
                    }
                }
                depth = depth.saturating_sub(1);
            }
        }
    }
    flush(&mut cur, &mut out, active);
    out.into_iter().map(|l| tidy_tabs(&l)).collect()
}

/// The first of `comments` (the page's comment nodes, in document order, as
/// [`super::elements::Elements`] lists them) that sits under `root` and holds
/// one of `markers`: its parent element.
pub fn comment_parent<'a>(
    root: ElementRef<'a>,
    comments: &[NodeRef<'a, Node>],
    markers: &[String],
) -> Option<ElementRef<'a>> {
    if markers.is_empty() {
        return None;
    }
    comments
        .iter()
        .find(|n| {
            n.value()
                .as_comment()
                .is_some_and(|c| markers.iter().any(|m| c.contains(m.as_str())))
                && n.ancestors().any(|a| a.id() == root.id())
        })
        .and_then(|n| n.parent())
        .and_then(ElementRef::wrap)
}

/// Appends text, turning NBSP and ideographic spaces into spaces and collapsing
/// whitespace runs to one space, or two when the source had two or more.
fn push_text(cur: &mut String, t: &str) {
    let mut run = 0usize;
    for c in t.chars() {
        let ws = c.is_whitespace() || c == '\u{a0}' || c == '\u{3000}';
        if ws {
            run += 1;
            continue;
        }
        if run > 0 && !cur.is_empty() {
            let tail_spaces = cur.chars().rev().take_while(|&c| c == ' ').count();
            let want = if run >= 2 { 2 } else { 1 };
            for _ in tail_spaces..want {
                cur.push(' ');
            }
        }
        run = 0;
        cur.push(c);
    }
    if run > 0 && !cur.is_empty() {
        let tail_spaces = cur.chars().rev().take_while(|&c| c == ' ').count();
        let want = if run >= 2 { 2 } else { 1 };
        for _ in tail_spaces..want {
            cur.push(' ');
        }
    }
}

/// Collapses runs of tabs and the spaces around them into one tab.
fn tidy_tabs(line: &str) -> String {
    let mut out = String::with_capacity(line.len());
    for part in line.split('\t').map(str::trim).filter(|p| !p.is_empty()) {
        if !out.is_empty() {
            out.push('\t');
        }
        out.push_str(part);
    }
    out
}

/// Like [`inline`], but `None` as soon as the text grows past `max_bytes`
/// bytes of raw text, so that probing large elements stays cheap.
pub fn inline_max(el: ElementRef<'_>, max_bytes: usize) -> Option<String> {
    let mut cur = String::new();
    let mut raw = 0usize;
    for t in el.text() {
        raw += t.trim().len();
        if raw > max_bytes {
            return None;
        }
        push_text(&mut cur, t);
    }
    Some(cur.split_whitespace().collect::<Vec<_>>().join(" "))
}

/// The text of an element on one line, whitespace collapsed.
pub fn inline(el: ElementRef<'_>) -> String {
    let mut cur = String::new();
    for t in el.text() {
        push_text(&mut cur, t);
    }
    cur.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use scraper::Html;

    #[test]
    fn comment_range() {
        let h = Html::parse_document(
            "<body><div>菜单</div><div id=zoom><!--ContentStart--><p>正文一</p><p>正文二</p><!--ContentEnd--><p>相关链接</p></div></body>",
        );
        let l = lines_between_comments(
            h.root_element(),
            &["ContentStart".to_string()],
            &["ContentEnd".to_string()],
        );
        assert_eq!(l, Some(vec!["正文一".to_string(), "正文二".to_string()]));
        let els = super::super::elements::Elements::new(&h);
        let p = comment_parent(
            h.root_element(),
            els.comments(),
            &["ContentStart".to_string()],
        )
        .unwrap();
        assert_eq!(p.value().attr("id"), Some("zoom"));
        assert!(lines_between_comments(h.root_element(), &["Nope".to_string()], &[]).is_none());
    }

    #[test]
    fn blocks_cells_and_spaces() {
        let h = Html::parse_document(
            "<html><head><title>t</title><style>p{}</style></head><body><div>发布时间:2019年03月14日&nbsp;&nbsp;&nbsp;来源:&nbsp; 点击:</div>\
             <table><tr><td>成文日期：</td><td> 2019年02月01日 </td></tr></table><p>a<br>b</p><script>var x=1;</script></body></html>",
        );
        let l = lines(h.root_element());
        assert_eq!(
            l,
            vec![
                "发布时间:2019年03月14日  来源:  点击:",
                "成文日期：\t2019年02月01日",
                "a",
                "b"
            ]
        );
    }
}

//! Page text as lines, the way a reader sees it: block elements end a line,
//! table cells are separated by tabs, scripts and styles are skipped, runs of
//! spaces are collapsed (but two or more spaces are kept as two, since CMSs
//! separate `发布时间` from `来源` with them).

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

/// Deepest nesting we descend into; html5ever builds arbitrarily deep trees
/// from hostile markup, and no real page text lives below this.
pub const MAX_DEPTH: usize = 512;

/// Lines of text under `root`, trimmed, empty lines dropped.
pub fn lines(root: ElementRef<'_>) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut skip_depth: Option<usize> = None;
    let mut depth = 0usize;
    let flush = |cur: &mut String, out: &mut Vec<String>| {
        let t = cur.trim();
        if !t.is_empty() {
            out.push(t.to_string());
        }
        cur.clear();
    };
    for edge in root.traverse() {
        match edge {
            Edge::Open(node) => {
                depth += 1;
                if skip_depth.is_some() || depth > MAX_DEPTH {
                    continue;
                }
                match node.value() {
                    Node::Element(el) => {
                        let name = el.name();
                        if SKIP.contains(&name) {
                            skip_depth = Some(depth);
                        } else if BLOCKS.contains(&name) {
                            flush(&mut cur, &mut out);
                        } else if CELLS.contains(&name) && !cur.trim().is_empty() {
                            cur.push('\t');
                        }
                    }
                    Node::Text(t) => push_text(&mut cur, t),
                    _ => {}
                }
            }
            Edge::Close(node) => {
                if skip_depth == Some(depth) {
                    skip_depth = None;
                } else if skip_depth.is_none()
                    && depth <= MAX_DEPTH
                    && let Node::Element(el) = node.value()
                {
                    if BLOCKS.contains(&el.name()) {
                        flush(&mut cur, &mut out);
                    } else if CELLS.contains(&el.name()) {
                        cur.push('\t');
                    }
                }
                depth = depth.saturating_sub(1);
            }
        }
    }
    flush(&mut cur, &mut out);
    out.into_iter().map(|l| tidy_tabs(&l)).collect()
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
    fn blocks_cells_and_spaces() {
        let h = Html::parse_document(
            "<html><head><title>t</title><style>p{}</style></head><body><div>发布时间:2019年03月14日&nbsp;&nbsp;&nbsp;来源:&nbsp; 点击:</div>\
             <table><tr><td>成文日期：</td><td> 2019年02月01日 </td></tr></table><p>a<br>b</p><script>var x=1;</script></body></html>",
        );
        let l = lines(h.root_element());
        assert_eq!(
            l,
            vec![
                "t",
                "发布时间:2019年03月14日  来源:  点击:",
                "成文日期：\t2019年02月01日",
                "a",
                "b"
            ]
        );
    }
}

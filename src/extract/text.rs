//! Page text as lines, the way a reader sees it: block elements end a line,
//! table cells are separated by tabs, scripts and styles are skipped, runs of
//! spaces are collapsed (but two or more spaces are kept as two, since CMSs
//! separate `发布时间` from `来源` with them).

use ego_tree::iter::Edge;
use ego_tree::{NodeId, NodeRef};
use scraper::{ElementRef, Node};

use super::elements::Hidden;

/// How the line-reader treats an element.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Role {
    /// Ends the line before and after it.
    Block,
    /// Not read at all (scripts, styles, the head, form options).
    Skip,
    /// A table cell: a tab after it.
    Cell,
    Inline,
}

/// A `match` rather than lists of names: the page has thousands of
/// elements, and comparisons against constants compile to a few integer
/// tests where a list lookup calls `memcmp` for every entry.
fn role(name: &str) -> Role {
    match name {
        "p" | "div" | "li" | "ul" | "ol" | "tr" | "table" | "tbody" | "thead" | "h1" | "h2"
        | "h3" | "h4" | "h5" | "h6" | "br" | "hr" | "section" | "article" | "header" | "footer"
        | "nav" | "dl" | "dt" | "dd" | "form" | "blockquote" | "pre" | "center" | "address"
        | "aside" | "main" | "title" => Role::Block,
        "script" | "style" | "noscript" | "template" | "head" | "select" | "option" => Role::Skip,
        "td" | "th" => Role::Cell,
        _ => Role::Inline,
    }
}

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

/// Lines of text under `root`, trimmed, empty lines dropped, hidden
/// subtrees (`hidden`) skipped.
pub fn lines(root: ElementRef<'_>, hidden: &Hidden) -> Vec<String> {
    lines_in(root, None, None, hidden).0
}

/// Lines of text under `root`, and which of them are the lines of `part`
/// (an element under `root`), so that the page and its main text are read
/// in one walk. The range is `None` when `part`'s lines cannot be told
/// apart from the page's: when it is not a block element, which starts and
/// ends a line, or sits in skipped markup. `lines(part)` reads them then.
pub fn lines_with_part(
    root: ElementRef<'_>,
    part: NodeId,
    hidden: &Hidden,
) -> (Vec<String>, Option<std::ops::Range<usize>>) {
    if part == root.id() {
        let lines = lines(root, hidden);
        let all = 0..lines.len();
        return (lines, Some(all));
    }
    lines_in(root, None, Some(part), hidden)
}

/// Lines of text between a comment holding one of `start` and the next
/// comment holding one of `end` (Hanweb's `<!--ContentStart-->`), or `None`
/// when there is no start comment.
pub fn lines_between_comments(
    root: ElementRef<'_>,
    start: &[String],
    end: &[String],
    hidden: &Hidden,
) -> Option<Vec<String>> {
    if start.is_empty() {
        return None;
    }
    let (lines, _) = lines_in(root, Some((start, end)), None, hidden);
    (!lines.is_empty()).then_some(lines)
}

fn lines_in(
    root: ElementRef<'_>,
    comments: Option<(&[String], &[String])>,
    part: Option<NodeId>,
    hidden: &Hidden,
) -> (Vec<String>, Option<std::ops::Range<usize>>) {
    let mut out = Vec::new();
    let (mut part_start, mut part_end) = (None, None);
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
                    Node::Element(_) if hidden.is_root(node.id()) => skip_depth = Some(depth),
                    Node::Element(el) => match role(el.name()) {
                        Role::Skip => skip_depth = Some(depth),
                        Role::Block => {
                            flush(&mut cur, &mut out, active);
                            if part == Some(node.id()) {
                                part_start = Some(out.len());
                            }
                        }
                        Role::Cell if !cur.trim().is_empty() => cur.push('\t'),
                        _ => {}
                    },
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
                    match role(el.name()) {
                        Role::Block => {
                            flush(&mut cur, &mut out, active);
                            if part == Some(node.id()) {
                                part_end = Some(out.len());
                            }
                        }
                        Role::Cell => cur.push('\t'),
                        _ => {}
                    }
                }
                depth = depth.saturating_sub(1);
            }
        }
    }
    flush(&mut cur, &mut out, active);
    let range = match (part_start, part_end) {
        (Some(a), Some(b)) if a <= b => Some(a..b),
        _ => None,
    };
    (out.into_iter().map(tidy_tabs).collect(), range)
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
    let mut rest = t;
    while !rest.is_empty() {
        let word_len = space_at(rest).unwrap_or(rest.len());
        // Whole runs are copied at once; most text nodes are one run.
        cur.push_str(&rest[..word_len]);
        rest = &rest[word_len..];
        let space_len = rest.find(|c| !is_space(c)).unwrap_or(rest.len());
        if space_len > 0 {
            let run = rest[..space_len].chars().count();
            pad_spaces(cur, if run >= 2 { 2 } else { 1 });
        }
        rest = &rest[space_len..];
    }
}

/// The spaces `push_text` collapses: Unicode white space, which takes in
/// NBSP and the ideographic space.
fn is_space(c: char) -> bool {
    c.is_whitespace()
}

/// Where the first space of `s` is. Reads bytes, not characters: every
/// white-space character is ASCII or starts with one of four lead bytes, so
/// a run of Chinese text is skipped without decoding it.
fn space_at(s: &str) -> Option<usize> {
    let b = s.as_bytes();
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            c if c < 0x80 => {
                if (c as char).is_whitespace() {
                    return Some(i);
                }
                i += 1;
            }
            0xC2 | 0xE1 | 0xE2 | 0xE3 => {
                let c = s[i..].chars().next()?;
                if is_space(c) {
                    return Some(i);
                }
                i += c.len_utf8();
            }
            // Lead bytes of other characters: step over the whole character
            // (`s` is valid UTF-8). Chinese text is all three-byte characters.
            0xC3..=0xDF => i += 2,
            0xE0..=0xEF => i += 3,
            0xF0..=0xF7 => i += 4,
            _ => i += 1,
        }
    }
    None
}

/// Ends `cur` with at least `want` spaces (none at the start of a line).
fn pad_spaces(cur: &mut String, want: usize) {
    if cur.is_empty() {
        return;
    }
    let tail = cur.bytes().rev().take_while(|&b| b == b' ').count();
    for _ in tail..want {
        cur.push(' ');
    }
}

/// Collapses runs of tabs and the spaces around them into one tab.
fn tidy_tabs(line: String) -> String {
    if !line.contains('\t') {
        return line;
    }
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
            &Hidden::default(),
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
        assert!(
            lines_between_comments(
                h.root_element(),
                &["Nope".to_string()],
                &[],
                &Hidden::default()
            )
            .is_none()
        );
    }

    #[test]
    fn blocks_cells_and_spaces() {
        let h = Html::parse_document(
            "<html><head><title>t</title><style>p{}</style></head><body><div>发布时间:2019年03月14日&nbsp;&nbsp;&nbsp;来源:&nbsp; 点击:</div>\
             <table><tr><td>成文日期：</td><td> 2019年02月01日 </td></tr></table><p>a<br>b</p><script>var x=1;</script></body></html>",
        );
        let l = lines(h.root_element(), &Hidden::default());
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

    #[test]
    fn space_at_finds_every_kind_of_space() {
        let spaces = [
            '\t', '\n', '\r', ' ', '\u{85}', '\u{a0}', '\u{1680}', '\u{2003}', '\u{202f}',
            '\u{205f}', '\u{3000}',
        ];
        let others = [
            'a', '发', '\u{1c}', '\u{180e}', '\u{200b}', '\u{2030}', '\u{3001}', '©', '𠀀',
        ];
        for (k, s) in spaces.iter().chain(&others).enumerate() {
            for prefix in ["", "ab", "政务公开", "é"] {
                let text = format!("{prefix}{s}x");
                let want = text.find(char::is_whitespace);
                assert_eq!(space_at(&text), want, "{k}: {text:?}");
            }
        }
    }

    #[test]
    fn part_lines_are_the_parts_own() {
        let page = "<body><div class=nav>首页 <a>政务公开</a></div>\
            <div id=main><h1>标题</h1><p>第一段 <b>加粗</b>。</p><table><tr><td>来源：</td><td>区政府办</td></tr></table>\
            <div id=inner>内层<span>文字</span></div>尾</div>\
            <table><tr><td id=cell>单元格<p>段</p></td></tr></table>\
            <noscript><div id=hidden>不读</div></noscript><p>页脚</p></body>";
        let h = Html::parse_document(page);
        let root = h.root_element();
        for id in ["main", "inner", "cell"] {
            let sel = scraper::Selector::parse(&format!("#{id}")).unwrap();
            let part = h.select(&sel).next().unwrap();
            let none = Hidden::default();
            let (all, range) = lines_with_part(root, part.id(), &none);
            assert_eq!(all, lines(root, &none), "{id}");
            match range {
                Some(r) => assert_eq!(all[r].to_vec(), lines(part, &none), "{id}"),
                // Not a block: the caller reads it alone.
                None => assert_eq!(id, "cell"),
            }
        }
        let (all, range) = lines_with_part(root, root.id(), &Hidden::default());
        assert_eq!(range, Some(0..all.len()));
    }

    #[test]
    fn hidden_elements_are_not_read() {
        let h = scraper::Html::parse_document(
            "<body><p>发布时间：2019-03-14</p><div style=\"DISPLAY: none;\">发布时间：2019-01-01</div>\
             <p hidden>来源：旧单位</p><span style='visibility:hidden'>隐藏</span><p class='x hide'>类隐藏</p>\
             <p style='display:block'>可见</p><!-- 成文日期：2019-01-02 --><img alt='来源：图片'></body>",
        );
        let els = super::super::elements::Elements::with_hidden(&h, &["hide".to_string()]);
        let l = lines(h.root_element(), els.hidden());
        assert_eq!(l, vec!["发布时间：2019-03-14", "可见"]);
        assert!(
            els.texts()
                .iter()
                .all(|t| !t.value().as_text().is_some_and(|t| t.contains("隐藏")))
        );
    }

    proptest::proptest! {
        #[test]
        fn space_at_agrees_with_the_standard_library(
            t in "[a 发\u{a0}\u{3000}\u{2003}é𠀀\t\n，\u{85}\u{1680}]{0,24}"
        ) {
            proptest::prop_assert_eq!(space_at(&t), t.find(char::is_whitespace));
        }
    }
}

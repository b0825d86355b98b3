//! 上一篇/下一篇 navigation. Templates write it as `<p>上一篇:<a>…</a></p>`,
//! `<a>上一篇：…</a>`, `<li><span>上一条</span><a>…</a></li>` or plain text with a
//! placeholder (`下一篇:最后一页`). The label must start a short element and be
//! followed by a colon or a link, so prose such as `上一篇文章中提到` is ignored.

use ego_tree::{NodeId, NodeRef};
use scraper::{ElementRef, Html, Node};

use super::config::ExtractConfig;
use super::links::Resolver;
use super::record::NavLink;
use super::text::{COLONS, inline, inline_max, strip_label};

const CANDIDATES: &[&str] = &[
    "a", "p", "li", "div", "span", "td", "dd", "dt", "em", "strong", "b", "font", "label",
];

/// The best entry element found so far for one set of labels: its text
/// length, the element and the label it starts with.
type Best<'a> = Option<(usize, ElementRef<'a>, String)>;

/// Finds the previous and the next entry (`cfg.prev_labels`,
/// `cfg.next_labels`) in one walk over the page's text.
///
/// Only the ancestors of text nodes that start with a label are looked at, so the
/// cost grows with the page, not with the page times its nesting. Inside the
/// article body (`body`), an entry must be a link or a placeholder: a
/// sentence that starts with `上一篇：` there is the author's prose.
pub fn find(
    doc: &Html,
    res: &Resolver<'_>,
    cfg: &ExtractConfig,
    body: Option<NodeId>,
) -> (Option<NavLink>, Option<NavLink>) {
    let texts: Vec<_> = doc
        .root_element()
        .descendants()
        .filter(|n| n.value().is_text())
        .collect();
    find_in(&texts, res, cfg, body)
}

/// `find` over the page's text nodes, listed beforehand (see
/// [`super::elements::Elements::texts`]).
pub fn find_in<'a>(
    texts: &[NodeRef<'a, Node>],
    res: &Resolver<'_>,
    cfg: &ExtractConfig,
    body: Option<NodeId>,
) -> (Option<NavLink>, Option<NavLink>) {
    let mut prev: Best<'a> = None;
    let mut next: Best<'a> = None;
    // Entries read from a label's text node, where one element holds both.
    let mut prev_node: Option<(NodeRef<'a, Node>, String)> = None;
    let mut next_node: Option<(NodeRef<'a, Node>, String)> = None;
    // The labels' first characters: most text nodes start with none of them
    // (`None` stands for an empty label, which any text starts with).
    let firsts: Vec<Option<char>> = cfg
        .prev_labels
        .iter()
        .chain(&cfg.next_labels)
        .map(|l| l.chars().next())
        .collect();
    let any_text = firsts.contains(&None);
    for &node in texts {
        let Node::Text(t) = node.value() else {
            continue;
        };
        // An entry's text starts with its label, so the text node holding
        // the label starts with it too: a prefix test, not a search of
        // every paragraph of the page.
        let head = t.trim_start();
        if !any_text && !firsts.contains(&head.chars().next()) {
            continue;
        }
        let shared = holds_both(node, cfg);
        for (labels, best, lone) in [
            (&cfg.prev_labels, &mut prev, &mut prev_node),
            (&cfg.next_labels, &mut next, &mut next_node),
        ] {
            let Some(label) = labels.iter().find(|l| head.starts_with(l.as_str())) else {
                continue;
            };
            if shared {
                if lone.is_none() && body.is_none_or(|b| !node.ancestors().any(|a| a.id() == b)) {
                    *lone = Some((node, label.clone()));
                }
                continue;
            }
            if let Some((len, el, label)) = candidate(node, labels, cfg, body)
                // The smallest element wins: the one that holds just this entry.
                && best.as_ref().is_none_or(|(l, _, _)| len < *l)
            {
                *best = Some((len, el, label));
            }
        }
    }
    let read = |best: Best<'_>, lone: Option<(NodeRef<'_, Node>, String)>, labels: &[String]| {
        best.and_then(|(_, el, label)| entry(el, res, &label, labels, cfg))
            .or_else(|| lone.and_then(|(n, label)| from_text(n, &label, res, labels, cfg)))
    };
    (
        read(prev, prev_node, &cfg.prev_labels),
        read(next, next_node, &cfg.next_labels),
    )
}

/// Whether the element holding a label's text holds both entries
/// (`<td>上一篇：<a>…</a><br>下一篇：<a>…</a></td>`): each entry is then its
/// label's text and what follows it, not the element.
fn holds_both(node: NodeRef<'_, Node>, cfg: &ExtractConfig) -> bool {
    let Some(parent) = node.parent().and_then(ElementRef::wrap) else {
        return false;
    };
    let Some(text) = inline_max(parent, cfg.nav_max_chars as usize * 8) else {
        return false;
    };
    let has = |labels: &[String]| labels.iter().any(|l| text.contains(l.as_str()));
    has(&cfg.prev_labels) && has(&cfg.next_labels)
}

/// The entry that starts with the text node `node` (`上一篇：…`): the rest of
/// its text and the siblings after it, up to a line break or the other label.
fn from_text(
    node: NodeRef<'_, Node>,
    label: &str,
    res: &Resolver<'_>,
    labels: &[String],
    cfg: &ExtractConfig,
) -> Option<NavLink> {
    let Node::Text(t) = node.value() else {
        return None;
    };
    let rest = strip_label(t, &[label]).to_string();
    read_siblings(node, rest, res, labels, cfg)
}

/// The entry element around a text node holding one of `labels`, if any.
fn candidate<'a>(
    node: NodeRef<'a, Node>,
    labels: &[String],
    cfg: &ExtractConfig,
    body: Option<NodeId>,
) -> Best<'a> {
    let max_len = cfg.nav_max_chars as usize;
    let mut up = node.parent();
    for _ in 0..cfg.nav_max_up {
        let el = up.and_then(ElementRef::wrap)?;
        up = el.parent();
        if !CANDIDATES.contains(&el.value().name()) {
            continue;
        }
        let text = inline_max(el, max_len * 4)?;
        let len = text.chars().count();
        if len > max_len {
            return None;
        }
        let Some(label) = labels.iter().find(|l| text.starts_with(l.as_str())) else {
            continue;
        };
        let rest = text[label.len()..].trim_start();
        let has_colon = rest.starts_with(COLONS);
        let has_link = el.value().name() == "a" || first_link(el).is_some();
        if !(has_colon || has_link || rest.is_empty()) {
            return None;
        }
        if body.is_some_and(|b| el.ancestors().any(|a| a.id() == b))
            && !entry_in_body_ok(el, &text, label, cfg)
        {
            return None;
        }
        return Some((len, el, label.clone()));
    }
    None
}

/// Reads the entry a profile's selector points at.
pub fn from_element(
    el: ElementRef<'_>,
    res: &Resolver<'_>,
    labels: &[String],
    cfg: &ExtractConfig,
) -> Option<NavLink> {
    let text = inline(el);
    let label = labels
        .iter()
        .find(|l| text.starts_with(l.as_str()))
        .cloned()
        .unwrap_or_default();
    entry(el, res, &label, labels, cfg)
}

/// Inside the body, only `上一篇：<a>title</a>` or `上一篇：没有了` count.
fn entry_in_body_ok(el: ElementRef<'_>, text: &str, label: &str, cfg: &ExtractConfig) -> bool {
    let shown = strip_label(text, &[label]);
    // A label alone in its element (`<span>上一篇：</span><a>…</a>`) is not
    // prose: the entry goes on in its siblings.
    if shown.is_empty() || is_placeholder(shown, cfg) {
        return true;
    }
    self_or_first_link(el).is_some_and(|a| strip_label(&inline(a), &[label]) == shown)
}

fn is_placeholder(shown: &str, cfg: &ExtractConfig) -> bool {
    let punct = cfg.nav_placeholder_punctuation.as_slice();
    let s = shown.trim_end_matches(punct);
    cfg.nav_placeholders
        .iter()
        .any(|p| s == p.trim_end_matches(punct))
}

/// What a link shows: its title attribute, which often holds the full title
/// of a truncated link text, unless that starts with one of `labels`; else `text`.
pub(super) fn link_title(a: ElementRef<'_>, labels: &[String], text: String) -> String {
    match a.value().attr("title").map(str::trim) {
        Some(full) if !full.is_empty() && !labels.iter().any(|l| full.starts_with(l.as_str())) => {
            full.to_string()
        }
        _ => text,
    }
}

/// The entry as recorded: a placeholder (`没有了`) has no URL, whatever it links to.
fn nav_link(text: String, url: Option<String>, cfg: &ExtractConfig) -> NavLink {
    let placeholder = is_placeholder(&text, cfg);
    NavLink {
        text,
        url: if placeholder { None } else { url },
        placeholder,
    }
}

fn entry(
    mut el: ElementRef<'_>,
    res: &Resolver<'_>,
    label: &str,
    labels: &[String],
    cfg: &ExtractConfig,
) -> Option<NavLink> {
    let max_len = cfg.nav_max_chars as usize;
    let is_link = el.value().name() == "a";
    let mut text = inline(el);
    if !is_link
        && strip_label(&text, &[label]).is_empty()
        && let Some(n) = from_siblings(el, res, labels, cfg)
    {
        return Some(n);
    }
    // `<p><span>上一篇:</span></p><p><a>…</a></p>`: the entry is the parent.
    for _ in 0..2 {
        if !strip_label(&text, &[label]).is_empty() || el.value().name() == "a" {
            break;
        }
        match el.parent().and_then(ElementRef::wrap) {
            Some(p) if inline_max(p, max_len * 4).is_some_and(|t| t.chars().count() <= max_len) => {
                el = p;
                text = inline(el);
            }
            _ => break,
        }
    }
    let shown = strip_label(&text, &[label]).to_string();
    let link = self_or_first_link(el);
    let url = link
        .and_then(|a| a.value().attr("href"))
        .and_then(|h| res.get(h));
    let link_text = link
        .map(|a| link_title(a, labels, strip_label(&inline(a), &[label]).to_string()))
        .filter(|t| !t.is_empty());
    let shown = link_text.unwrap_or(shown);
    if shown.is_empty() && url.is_none() {
        return None;
    }
    Some(nav_link(shown, url, cfg))
}

/// `<span>下一篇：</span><span>没有了</span><br>`: the entry is the label and
/// what follows it, up to a line break or the other label.
fn from_siblings(
    el: ElementRef<'_>,
    res: &Resolver<'_>,
    labels: &[String],
    cfg: &ExtractConfig,
) -> Option<NavLink> {
    read_siblings(*el, String::new(), res, labels, cfg)
}

/// `shown` and the text of the siblings after `start`, up to a line break,
/// a block or the other label; the first link among them is the entry's.
fn read_siblings(
    start: NodeRef<'_, Node>,
    mut shown: String,
    res: &Resolver<'_>,
    labels: &[String],
    cfg: &ExtractConfig,
) -> Option<NavLink> {
    let mut link: Option<ElementRef<'_>> = None;
    for sib in start.next_siblings() {
        match sib.value() {
            Node::Text(t) => {
                let other_label = cfg
                    .prev_labels
                    .iter()
                    .chain(&cfg.next_labels)
                    .any(|l| t.trim_start().starts_with(l.as_str()));
                if other_label {
                    break;
                }
                shown.push_str(t)
            }
            Node::Element(e) => {
                let Some(se) = ElementRef::wrap(sib) else {
                    continue;
                };
                if e.name() == "br" || CANDIDATES_BLOCK.contains(&e.name()) {
                    break;
                }
                let t = inline(se);
                let other_label = cfg
                    .prev_labels
                    .iter()
                    .chain(&cfg.next_labels)
                    .any(|l| t.starts_with(l.as_str()));
                if other_label {
                    break;
                }
                if link.is_none() {
                    link = self_or_first_link(se);
                }
                shown.push_str(&t);
            }
            _ => {}
        }
        if shown.chars().count() > cfg.nav_max_chars as usize {
            return None;
        }
    }
    let shown = shown.split_whitespace().collect::<Vec<_>>().join(" ");
    if shown.is_empty() && link.is_none() {
        return None;
    }
    let url = link
        .and_then(|a| a.value().attr("href"))
        .and_then(|h| res.get(h));
    let text = link
        .map(|a| link_title(a, labels, inline(a)))
        .filter(|t| !t.is_empty())
        .unwrap_or(shown);
    Some(nav_link(text, url, cfg))
}

/// Elements that end an entry made of siblings.
const CANDIDATES_BLOCK: &[&str] = &["p", "div", "li", "ul", "table", "tr"];

/// The first link with a target inside `el`.
pub(super) fn first_link(el: ElementRef<'_>) -> Option<ElementRef<'_>> {
    el.descendent_elements()
        .find(|e| e.value().name() == "a" && e.value().attr("href").is_some())
}

/// `el` itself when it is a link, else the first link inside it.
fn self_or_first_link(el: ElementRef<'_>) -> Option<ElementRef<'_>> {
    if el.value().name() == "a" {
        Some(el)
    } else {
        first_link(el)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use url::Url;

    fn cfg() -> ExtractConfig {
        ExtractConfig {
            nav_placeholders: vec!["没有了".into(), "最后一页".into(), "无".into()],
            ..ExtractConfig::for_tests()
        }
    }

    /// The entry for one label, searched for alone (as a previous or next label).
    fn find(
        doc: &Html,
        base: &Url,
        labels: &[String],
        cfg: &ExtractConfig,
        body: Option<NodeId>,
    ) -> Option<NavLink> {
        let prev = labels.iter().any(|l| l.starts_with('上'));
        let cfg = ExtractConfig {
            prev_labels: if prev { labels.to_vec() } else { Vec::new() },
            next_labels: if prev { Vec::new() } else { labels.to_vec() },
            ..cfg.clone()
        };
        let (p, n) = super::find(doc, &Resolver::new(base), &cfg, body);
        if prev { p } else { n }
    }

    fn nav(html: &str, label: &str) -> Option<NavLink> {
        let doc = Html::parse_document(html);
        let base = Url::parse("http://x.gov.cn/gzdt/201903/a.html").unwrap();
        find(&doc, &base, &[label.to_string()], &cfg(), None)
    }

    #[test]
    fn both_entries_in_one_element() {
        let cfg = ExtractConfig {
            prev_labels: vec!["上一篇".into()],
            next_labels: vec!["下一篇".into()],
            ..cfg()
        };
        let base = Url::parse("http://x.gov.cn/gzdt/a.html").unwrap();
        for html in [
            "<td class=fy>上一篇：<a href=\"p.html\">标题甲</a><br/>\n下一篇：<a href=\"n.html\">标题乙</a></td>",
            "<div>上一篇：<a href=\"p.html\">标题甲</a> 下一篇：<a href=\"n.html\">标题乙</a></div>",
        ] {
            let doc = Html::parse_document(&format!("<table><tr>{html}</tr></table>"));
            let (p, n) = super::find(&doc, &Resolver::new(&base), &cfg, None);
            let (p, n) = (p.expect(html), n.expect(html));
            assert_eq!(
                (p.text.as_str(), p.url.as_deref()),
                ("标题甲", Some("http://x.gov.cn/gzdt/p.html"))
            );
            assert_eq!(
                (n.text.as_str(), n.url.as_deref()),
                ("标题乙", Some("http://x.gov.cn/gzdt/n.html"))
            );
        }
        let doc =
            Html::parse_document("<p>上一篇：<a href=\"p.html\">标题甲</a><br>下一篇：没有了</p>");
        let (_, n) = super::find(&doc, &Resolver::new(&base), &cfg, None);
        assert!(n.unwrap().placeholder);
    }

    #[test]
    fn prose_in_the_body_is_not_navigation() {
        let html = "<div id=body><p>上一篇：我们介绍了申报流程，本篇介绍审核。</p>\
                    <p>上一篇：<a href=\"x.html\">申报流程</a>中提到的材料须齐全。</p></div>\
                    <div class=nav><p>上一篇：没有了</p></div>";
        let doc = Html::parse_document(html);
        let base = Url::parse("http://x.gov.cn/a.html").unwrap();
        let sel = scraper::Selector::parse("#body").unwrap();
        let body = doc.select(&sel).next().map(|e| e.id());
        let n = find(&doc, &base, &["上一篇".to_string()], &cfg(), body).unwrap();
        assert!(n.placeholder, "{n:?}");
        assert_eq!(n.text, "没有了");
        let html = html.split("<div class=nav>").next().unwrap();
        let doc = Html::parse_document(html);
        let body = doc.select(&sel).next().map(|e| e.id());
        assert_eq!(
            find(&doc, &base, &["上一篇".to_string()], &cfg(), body),
            None
        );
        // Without a known body, the short entry is navigation.
        assert!(find(&doc, &base, &["上一篇".to_string()], &cfg(), None).is_some());
    }

    #[test]
    fn label_after_spaces_or_in_its_own_element() {
        for html in [
            "<p>&nbsp;\u{3000} 上一篇：<a href=\"b.html\">标题乙</a></p>",
            "<li><span> 上一篇 </span><a href=\"b.html\">标题乙</a></li>",
        ] {
            let n = nav(html, "上一篇").unwrap_or_else(|| panic!("{html}"));
            assert_eq!(
                n.url.as_deref(),
                Some("http://x.gov.cn/gzdt/201903/b.html"),
                "{html}"
            );
        }
        // The label inside a sentence starts no entry.
        assert_eq!(
            nav("<p>详见上一篇：<a href=\"b.html\">标题乙</a></p>", "上一篇"),
            None
        );
    }

    #[test]
    fn layouts() {
        let n = nav(
            "<div><p>上一篇:<a href=\"b.html\">标题乙</a></p><p>下一篇:最后一页</p></div>",
            "上一篇",
        )
        .unwrap();
        assert_eq!(n.text, "标题乙");
        assert_eq!(n.url.as_deref(), Some("http://x.gov.cn/gzdt/201903/b.html"));
        let n = nav(
            "<div><p>上一篇:<a href=\"b.html\">标题乙</a></p><p>下一篇:最后一页</p></div>",
            "下一篇",
        )
        .unwrap();
        assert!(n.placeholder && n.url.is_none());
        let n = nav("<ul><li><span>上一条：</span><a href=\"../c.html\" title=\"完整标题\">完整…</a></li></ul>", "上一条").unwrap();
        assert_eq!(n.text, "完整标题");
        assert_eq!(n.url.as_deref(), Some("http://x.gov.cn/gzdt/c.html"));
        let n = nav("<div><a href=\"d.html\">下一篇：标题丁</a></div>", "下一篇").unwrap();
        assert_eq!(n.text, "标题丁");
        let n = nav("<p>下一篇：没有了！</p>", "下一篇").unwrap();
        assert!(n.placeholder);
        let two = "<div><span>上一篇：</span><a href=\"p.html\">标题丙</a><br><span>下一篇：</span><span>没有了</span></div>";
        let n = nav(two, "下一篇").unwrap();
        assert!(n.placeholder && n.url.is_none(), "{n:?}");
        let n = nav(two, "上一篇").unwrap();
        assert_eq!(n.text, "标题丙");
        assert_eq!(n.url.as_deref(), Some("http://x.gov.cn/gzdt/201903/p.html"));
    }

    #[test]
    fn prose_is_not_navigation() {
        assert!(nav("<p>上一篇文章中提到的政策已经实施。</p>", "上一篇").is_none());
    }
}

//! The breadcrumb (`当前位置：首页 > 政务公开 > 工作动态`): its items in order,
//! each with the link it carries. An article's column is the breadcrumb's last
//! linked item; a list page's is its last item, linked or not.

use aho_corasick::AhoCorasick;
use ego_tree::iter::Edge;
use scraper::{ElementRef, Html, Node};

use super::config::ExtractConfig;
use super::links::Resolver;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Crumb {
    pub text: String,
    pub url: Option<String>,
}

fn has_link(el: ElementRef<'_>) -> bool {
    el.descendent_elements().any(|e| e.value().name() == "a")
}

/// The markers (`当前位置`) as one automaton, built once per rule set: the
/// page's text is searched for them until the breadcrumb is found.
pub struct Markers {
    ac: Option<AhoCorasick>,
    /// The shortest marker's length: most text nodes (the line breaks
    /// between tags) are shorter and need no search.
    min_len: usize,
}

impl Markers {
    pub fn new(cfg: &ExtractConfig) -> Markers {
        Markers {
            // Cannot fail for a rule file's few short markers; without it
            // the markers are searched one by one.
            ac: AhoCorasick::new(&cfg.breadcrumb_markers).ok(),
            min_len: cfg
                .breadcrumb_markers
                .iter()
                .map(String::len)
                .min()
                .unwrap_or(0),
        }
    }

    fn in_text(&self, t: &str, cfg: &ExtractConfig) -> bool {
        if t.len() < self.min_len {
            return false;
        }
        match &self.ac {
            Some(ac) => ac.is_match(t),
            None => cfg
                .breadcrumb_markers
                .iter()
                .any(|m| t.contains(m.as_str())),
        }
    }
}

/// The breadcrumb items after the first marker, or `None` when the page has none.
pub fn find(doc: &Html, res: &Resolver<'_>, cfg: &ExtractConfig) -> Option<Vec<Crumb>> {
    find_with(doc, res, cfg, &Markers::new(cfg))
}

/// `find` with the markers built beforehand. Without a marker, a trail
/// that starts with a link home and runs on with arrow separators
/// (`首页 > 动态信息 > 政务动态`, `中国科普网 > 时政新闻 >`) is the breadcrumb.
pub fn find_with(
    doc: &Html,
    res: &Resolver<'_>,
    cfg: &ExtractConfig,
    markers: &Markers,
) -> Option<Vec<Crumb>> {
    let (container, marked) = container(doc, res, cfg, markers)?;
    read(container, marked, res, cfg)
}

/// The element holding the breadcrumb, and whether a marker (`当前位置`) found it.
pub fn container<'a>(
    doc: &'a Html,
    res: &Resolver<'_>,
    cfg: &ExtractConfig,
    markers: &Markers,
) -> Option<(ElementRef<'a>, bool)> {
    let marked = (!cfg.breadcrumb_markers.is_empty())
        .then(|| marked_container(doc, cfg, markers))
        .flatten();
    match marked {
        Some(c) => Some((c, true)),
        None => trail_container(doc, res, cfg).map(|c| (c, false)),
    }
}

/// The items of the trail in `container` (see `container`).
pub fn read(
    container: ElementRef<'_>,
    marked: bool,
    res: &Resolver<'_>,
    cfg: &ExtractConfig,
) -> Option<Vec<Crumb>> {
    read_trail(container, res, cfg, marked)
}

/// The element holding the marker's text (or, when that holds no link,
/// a parent up to three levels up that does).
fn marked_container<'a>(
    doc: &'a Html,
    cfg: &ExtractConfig,
    markers: &Markers,
) -> Option<ElementRef<'a>> {
    let holder = doc.root_element().descendent_elements().find(|el| {
        el.children().any(|c| match c.value() {
            Node::Text(t) => markers.in_text(t, cfg),
            _ => false,
        })
    })?;
    let mut container = holder;
    for _ in 0..3 {
        if has_link(container) {
            break;
        }
        match container.parent().and_then(ElementRef::wrap) {
            Some(p) => container = p,
            None => break,
        }
    }
    Some(container)
}

/// The smallest short element whose text is a trail: it starts with a link
/// to the site's home (its root, or a text of `breadcrumb_home`), holds a
/// second link, and its items are separated by arrows
/// (`breadcrumb_arrows`); a menu separated by `|` is not a trail.
fn trail_container<'a>(
    doc: &'a Html,
    res: &Resolver<'_>,
    cfg: &ExtractConfig,
) -> Option<ElementRef<'a>> {
    if cfg.breadcrumb_arrows.is_empty() {
        return None;
    }
    let max = cfg.breadcrumb_max_chars as usize;
    let mut best: Option<(usize, ElementRef<'a>)> = None;
    for el in doc.root_element().descendent_elements() {
        if !matches!(
            el.value().name(),
            "div" | "p" | "span" | "td" | "ul" | "ol" | "nav" | "section" | "dd" | "h2" | "h3"
        ) {
            continue;
        }
        let mut links = el
            .descendent_elements()
            .filter(|e| e.value().name() == "a" && e.value().attr("href").is_some());
        let (Some(first), Some(_)) = (links.next(), links.next()) else {
            continue;
        };
        let Some(text) = super::text::inline_max(el, max * 4) else {
            continue;
        };
        let len = text.chars().count();
        if len > max || !cfg.breadcrumb_arrows.iter().any(|a| text.contains(*a)) {
            continue;
        }
        let home_text = super::text::inline(first);
        let to_root = first
            .value()
            .attr("href")
            .and_then(|h| res.get(h))
            .and_then(|u| url::Url::parse(&u).ok())
            .is_some_and(|u| u.path() == "/" || cfg.home_paths.iter().any(|p| p == u.path()));
        let home = to_root || cfg.breadcrumb_home.contains(&home_text);
        // The trail starts at its home link, after at most a few characters (an icon's alt, a space).
        let lead = text
            .find(home_text.as_str())
            .map(|i| text[..i].chars().count());
        if home && lead.is_some_and(|n| n <= 10) && best.is_none_or(|(l, _)| len < l) {
            best = Some((len, el));
        }
    }
    best.map(|(_, el)| el)
}

/// The trail's items: after the marker (`marked`), else from the start.
fn read_trail(
    container: ElementRef<'_>,
    res: &Resolver<'_>,
    cfg: &ExtractConfig,
    marked: bool,
) -> Option<Vec<Crumb>> {
    let separators = cfg.breadcrumb_separators.as_slice();
    let mut tokens: Vec<Crumb> = Vec::new();
    let mut in_link = 0usize;
    let mut started = !marked;
    // A separator was seen since the last item.
    let mut separated = false;
    for edge in container.traverse() {
        match edge {
            Edge::Open(node) => match node.value() {
                Node::Element(e) if e.name() == "a" => {
                    in_link += 1;
                    if in_link == 1
                        && started
                        && let Some(a) = ElementRef::wrap(node)
                    {
                        let text: String = super::text::inline(a);
                        let text = text
                            .trim_matches(|c: char| separators.contains(&c) || c.is_whitespace());
                        if !text.is_empty() {
                            tokens.push(Crumb {
                                text: text.to_string(),
                                url: e.attr("href").and_then(|h| res.get(h)),
                            });
                            separated = false;
                        }
                    }
                }
                Node::Element(e) if matches!(e.name(), "script" | "style") => in_link += 1000,
                Node::Text(t) if in_link == 0 => {
                    let mut t: &str = t;
                    if !started {
                        let Some((pos, m)) = cfg
                            .breadcrumb_markers
                            .iter()
                            .filter_map(|m| t.find(m.as_str()).map(|p| (p, m)))
                            .min_by_key(|(p, _)| *p)
                        else {
                            continue;
                        };
                        started = true;
                        t = t[pos + m.len()..].trim_start_matches([':', '：', ' ', '\u{a0}']);
                    }
                    // Items are separated: a text that follows an item with
                    // no separator between is past the trail's end (a print
                    // button, the page's 字号 switch).
                    let mut parts = t.split(separators).peekable();
                    let mut first = true;
                    let mut ended = false;
                    while let Some(part) = parts.next() {
                        let part = part.trim_matches(|c: char| c.is_whitespace() || c == '\u{a0}');
                        if first && !part.is_empty() && !tokens.is_empty() && !separated {
                            ended = true;
                            break;
                        }
                        if !part.is_empty() {
                            tokens.push(Crumb {
                                text: part.to_string(),
                                url: None,
                            });
                            separated = false;
                        }
                        if parts.peek().is_some() {
                            separated = true;
                        }
                        first = false;
                    }
                    if ended {
                        break;
                    }
                }
                _ => {}
            },
            Edge::Close(node) => {
                if let Node::Element(e) = node.value() {
                    if e.name() == "a" {
                        in_link = in_link.saturating_sub(1);
                    } else if matches!(e.name(), "script" | "style") {
                        in_link = in_link.saturating_sub(1000);
                    }
                }
            }
        }
    }
    let tokens: Vec<Crumb> = tokens
        .into_iter()
        .filter(|c| !cfg.breadcrumb_ignore.iter().any(|i| i == &c.text))
        .collect();
    (started && !tokens.is_empty()).then_some(tokens)
}

#[cfg(test)]
mod tests {
    use super::*;
    use url::Url;

    fn crumbs(html: &str) -> Vec<Crumb> {
        let cfg = ExtractConfig {
            breadcrumb_markers: vec!["当前位置".into(), "您现在的位置".into()],
            breadcrumb_ignore: vec!["正文".into()],
            ..ExtractConfig::for_tests()
        };
        let base = Url::parse("http://x.gov.cn/gzdt/a.html").unwrap();
        find(&Html::parse_document(html), &Resolver::new(&base), &cfg).unwrap()
    }

    #[test]
    fn linked_and_plain_items() {
        let c = crumbs(
            "<div class=crumb>您现在的位置：<a href=\"/\">首页</a> &gt; <a href=\"./\">工作动态</a> &gt; 正文</div>",
        );
        assert_eq!(c.len(), 2);
        assert_eq!(c[1].text, "工作动态");
        assert_eq!(c[1].url.as_deref(), Some("http://x.gov.cn/gzdt/"));
        let c = crumbs("<p><span>当前位置：</span><a href=\"/\">首页</a> » 政策文件</p>");
        assert_eq!(c.last().unwrap().text, "政策文件");
        assert!(c.last().unwrap().url.is_none());
    }
}

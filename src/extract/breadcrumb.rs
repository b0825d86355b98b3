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

/// `find` with the markers built beforehand.
pub fn find_with(
    doc: &Html,
    res: &Resolver<'_>,
    cfg: &ExtractConfig,
    markers: &Markers,
) -> Option<Vec<Crumb>> {
    if cfg.breadcrumb_markers.is_empty() {
        return None;
    }
    let separators = cfg.breadcrumb_separators.as_slice();
    // The element whose own text holds the marker.
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
    let mut tokens: Vec<Crumb> = Vec::new();
    let mut in_link = 0usize;
    let mut started = false;
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
                    for part in t.split(separators) {
                        let part = part.trim_matches(|c: char| c.is_whitespace() || c == '\u{a0}');
                        if !part.is_empty() {
                            tokens.push(Crumb {
                                text: part.to_string(),
                                url: None,
                            });
                        }
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

//! 上一篇/下一篇 navigation. Templates write it as `<p>上一篇:<a>…</a></p>`,
//! `<a>上一篇：…</a>`, `<li><span>上一条</span><a>…</a></li>` or plain text with a
//! placeholder (`下一篇:最后一页`). The label must start a short element and be
//! followed by a colon or a link, so prose such as `上一篇文章中提到` is ignored.

use scraper::{ElementRef, Html};
use url::Url;

use super::config::ExtractConfig;
use super::record::NavLink;
use super::text::inline;
use crate::source::urls::resolve_canonical;

const CANDIDATES: &[&str] = &[
    "a", "p", "li", "div", "span", "td", "dd", "dt", "em", "strong", "b",
];
const MAX_LEN: usize = 200;

/// Finds the navigation entry for one set of labels (`上一篇`, `上一条`…).
pub fn find(doc: &Html, base: &Url, labels: &[String], cfg: &ExtractConfig) -> Option<NavLink> {
    let mut best: Option<(usize, ElementRef<'_>, String)> = None;
    for el in doc.root_element().descendent_elements() {
        if !CANDIDATES.contains(&el.value().name()) {
            continue;
        }
        let text = inline(el);
        if text.chars().count() > MAX_LEN {
            continue;
        }
        let Some(label) = labels.iter().find(|l| text.starts_with(l.as_str())) else {
            continue;
        };
        let rest = text[label.len()..].trim_start();
        let has_colon = rest.starts_with([':', '：']);
        let has_link = el.value().name() == "a" || first_link(el).is_some();
        if !(has_colon || has_link || rest.is_empty()) {
            continue;
        }
        let len = text.chars().count();
        // The smallest element wins: the one that holds just this entry.
        if best.as_ref().is_none_or(|(l, _, _)| len < *l) {
            best = Some((len, el, label.clone()));
        }
    }
    let (_, mut el, label) = best?;
    // `<span>上一篇:</span><a>…</a>`: the entry is the parent.
    for _ in 0..2 {
        let text = inline(el);
        let rest = strip_label(&text, &label);
        if !rest.is_empty() || el.value().name() == "a" {
            break;
        }
        match el.parent().and_then(ElementRef::wrap) {
            Some(p) if inline(p).chars().count() <= MAX_LEN => el = p,
            _ => break,
        }
    }
    let text = inline(el);
    let shown = strip_label(&text, &label);
    let link = if el.value().name() == "a" {
        Some(el)
    } else {
        first_link(el)
    };
    let url = link
        .and_then(|a| a.value().attr("href"))
        .and_then(|h| resolve_canonical(base, h));
    let link_text = link
        .map(|a| {
            let t = inline(a);
            let t = strip_label(&t, &label);
            // A truncated link text often has the full title in its title attribute.
            match a.value().attr("title").map(str::trim) {
                Some(full)
                    if !full.is_empty() && !labels.iter().any(|l| full.starts_with(l.as_str())) =>
                {
                    full.to_string()
                }
                _ => t,
            }
        })
        .filter(|t| !t.is_empty());
    let shown = link_text.unwrap_or(shown);
    let placeholder = cfg.nav_placeholders.iter().any(|p| {
        let s = shown.trim_end_matches(['!', '！', '。', '.']);
        s == p.trim_end_matches(['!', '！'])
    });
    if shown.is_empty() && url.is_none() {
        return None;
    }
    Some(NavLink {
        text: shown,
        url: if placeholder { None } else { url },
        placeholder,
    })
}

fn strip_label(text: &str, label: &str) -> String {
    text.strip_prefix(label)
        .unwrap_or(text)
        .trim_start()
        .trim_start_matches([':', '：'])
        .trim()
        .to_string()
}

fn first_link(el: ElementRef<'_>) -> Option<ElementRef<'_>> {
    el.descendent_elements()
        .find(|e| e.value().name() == "a" && e.value().attr("href").is_some())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cfg() -> ExtractConfig {
        ExtractConfig {
            nav_placeholders: vec!["没有了".into(), "最后一页".into(), "无".into()],
            ..Default::default()
        }
    }

    fn nav(html: &str, label: &str) -> Option<NavLink> {
        let doc = Html::parse_document(html);
        let base = Url::parse("http://x.gov.cn/gzdt/201903/a.html").unwrap();
        find(&doc, &base, &[label.to_string()], &cfg())
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
    }

    #[test]
    fn prose_is_not_navigation() {
        assert!(nav("<p>上一篇文章中提到的政策已经实施。</p>", "上一篇").is_none());
    }
}

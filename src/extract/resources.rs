//! What a page embeds for the reader to see, resolved as a browser does:
//! images (`src` and every `srcset` candidate), frames, stylesheets and
//! media. A missing one shows as a broken picture or an empty frame, so the
//! link checks test them like links and say which kind is missing.
//! `data:` URIs and scripts are not resources here.

use scraper::ElementRef;

use super::links::Resolver;
use super::record::ResourceKind;

/// The URLs of `srcset` (`a.jpg 1x, b.jpg 2x`): the first word of each candidate.
fn srcset_urls(v: &str) -> impl Iterator<Item = &str> {
    v.split(',')
        .filter_map(|c| c.split_whitespace().next())
        .filter(|u| !u.is_empty())
}

/// The resources of `els` (the page's visible elements that embed one), in
/// document order, each once.
pub fn collect<'a>(
    els: impl Iterator<Item = ElementRef<'a>>,
    res: &Resolver<'_>,
) -> Vec<(ResourceKind, String)> {
    let mut out: Vec<(ResourceKind, String)> = Vec::new();
    let mut add = |kind: ResourceKind, href: &str| {
        if href
            .trim_start()
            .get(..5)
            .is_some_and(|p| p.eq_ignore_ascii_case("data:"))
        {
            return;
        }
        if let Some(u) = res.get(href.trim())
            && !out.iter().any(|(_, o)| *o == u)
        {
            out.push((kind, u));
        }
    };
    for el in els {
        let v = el.value();
        let attr = |k: &str| v.attrs().find(|(n, _)| *n == k).map(|(_, x)| x);
        match v.name() {
            "img" => {
                if let Some(s) = attr("src") {
                    add(ResourceKind::Image, s);
                }
                for u in attr("srcset").into_iter().flat_map(srcset_urls) {
                    add(ResourceKind::Image, u);
                }
            }
            "input" if attr("type").is_some_and(|t| t.eq_ignore_ascii_case("image")) => {
                if let Some(s) = attr("src") {
                    add(ResourceKind::Image, s);
                }
            }
            "iframe" | "frame" => {
                if let Some(s) = attr("src") {
                    add(ResourceKind::Frame, s);
                }
            }
            "link" => {
                let sheet = attr("rel").is_some_and(|r| {
                    r.split_ascii_whitespace()
                        .any(|w| w.eq_ignore_ascii_case("stylesheet"))
                });
                if sheet && let Some(h) = attr("href") {
                    add(ResourceKind::Stylesheet, h);
                }
            }
            "video" | "audio" | "embed" | "source" | "track" => {
                // `<source>` in a `<picture>` is an image.
                let in_picture = el
                    .parent()
                    .and_then(ElementRef::wrap)
                    .is_some_and(|p| p.value().name() == "picture");
                let kind = if in_picture {
                    ResourceKind::Image
                } else {
                    ResourceKind::Media
                };
                if let Some(s) = attr("src") {
                    add(kind, s);
                }
                for u in attr("srcset").into_iter().flat_map(srcset_urls) {
                    add(kind, u);
                }
                if let Some(p) = attr("poster") {
                    add(ResourceKind::Image, p);
                }
            }
            "object" => {
                if let Some(d) = attr("data") {
                    add(ResourceKind::Media, d);
                }
            }
            _ => {}
        }
    }
    out
}

/// The element names `collect` reads.
pub const EMBEDDING: &[&str] = &[
    "img", "input", "iframe", "frame", "link", "video", "audio", "embed", "source", "track",
    "object",
];

/// The target of `<meta http-equiv="refresh" content="0; url=/new/">`.
pub fn refresh_target(content: &str) -> Option<&str> {
    let (_, rest) = content
        .split_once(';')
        .or_else(|| content.split_once(','))?;
    let rest = rest.trim_start();
    let eq = rest.find('=')?;
    if !rest[..eq].trim().eq_ignore_ascii_case("url") {
        return None;
    }
    let url = rest[eq + 1..].trim().trim_matches(['\'', '"']).trim();
    (!url.is_empty()).then_some(url)
}

#[cfg(test)]
mod tests {
    use super::*;
    use scraper::Html;
    use url::Url;

    #[test]
    fn resources_as_a_browser_loads_them() {
        let h = Html::parse_document(
            r#"<head><link rel="stylesheet" href="/css/a.css"><link rel="icon" href="/f.ico"></head>
            <body><img src="a.jpg" srcset="a.jpg 1x, b@2x.jpg 2x"><img src="data:image/png;base64,AAAA">
            <picture><source srcset="c.webp"></picture><iframe src="/map.html"></iframe>
            <video src="v.mp4" poster="p.jpg"></video><img src="http://other.cn/x.png"></body>"#,
        );
        let base = Url::parse("http://x.gov.cn/col/page.html").unwrap();
        let sel = scraper::Selector::parse("*").unwrap();
        let got = collect(h.select(&sel), &Resolver::new(&base));
        let want = [
            (ResourceKind::Stylesheet, "http://x.gov.cn/css/a.css"),
            (ResourceKind::Image, "http://x.gov.cn/col/a.jpg"),
            (ResourceKind::Image, "http://x.gov.cn/col/b@2x.jpg"),
            (ResourceKind::Image, "http://x.gov.cn/col/c.webp"),
            (ResourceKind::Frame, "http://x.gov.cn/map.html"),
            (ResourceKind::Media, "http://x.gov.cn/col/v.mp4"),
            (ResourceKind::Image, "http://x.gov.cn/col/p.jpg"),
            (ResourceKind::Image, "http://other.cn/x.png"),
        ];
        let want: Vec<(ResourceKind, String)> =
            want.iter().map(|(k, u)| (*k, u.to_string())).collect();
        assert_eq!(got, want);
    }

    #[test]
    fn refresh_targets() {
        assert_eq!(refresh_target("0; url=/new/"), Some("/new/"));
        assert_eq!(refresh_target("5;URL='http://a.cn/'"), Some("http://a.cn/"));
        assert_eq!(refresh_target("30"), None);
    }
}

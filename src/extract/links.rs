//! A page's links resolved once: the link list, the list items and the
//! pagination all read the same `href`s, and resolving and canonicalising a
//! URL costs more than looking it up.
//!
//! Most links of a CMS page are plain (`/zwgk/gzdt/`, `t20190313_1.html`):
//! no dot segments, escapes, quotes or spaces. For those the URL parser's
//! answer is known without running it (the base's origin and folder joined
//! with the link), and a test checks the shortcut against the parser.

use std::cell::RefCell;

use rustc_hash::FxHashMap;
use url::{Position, Url};

use crate::source::urls::resolve_canonical;

pub struct Resolver<'u> {
    base: &'u Url,
    /// `http://host:port` and the base's folder (`/zwgk/gzdt/`), when the
    /// base is an http(s) URL the shortcut applies to.
    origin_and_folder: Option<(&'u str, &'u str)>,
    cache: RefCell<FxHashMap<String, Option<String>>>,
}

impl<'u> Resolver<'u> {
    pub fn new(base: &'u Url) -> Resolver<'u> {
        let web = matches!(base.scheme(), "http" | "https") && !base.cannot_be_a_base();
        let origin_and_folder = web.then(|| {
            let origin = &base[..Position::BeforePath];
            let path = base.path();
            let folder = &path[..path.rfind('/').map_or(0, |i| i + 1)];
            (origin, folder)
        });
        Resolver {
            base,
            origin_and_folder: origin_and_folder.filter(|(_, f)| f.starts_with('/')),
            cache: RefCell::new(FxHashMap::default()),
        }
    }

    /// The canonical absolute URL of `href`, or `None` for links that are not pages.
    pub fn get(&self, href: &str) -> Option<String> {
        if let Some(url) = self.plain(href) {
            return Some(url);
        }
        if let Some(hit) = self.cache.borrow().get(href) {
            return hit.clone();
        }
        let url = resolve_canonical(self.base, href);
        self.cache
            .borrow_mut()
            .insert(href.to_string(), url.clone());
        url
    }

    /// `href` resolved without the URL parser, when it is a plain link:
    /// bytes the parser keeps as they are, no scheme, no `//host`, no
    /// fragment, not a bare `?query`, and dot segments only in front
    /// (`./t1.html`, `../../zwgk/`, as TRS writes them).
    fn plain(&self, href: &str) -> Option<String> {
        let (origin, folder) = self.origin_and_folder?;
        let b = href.as_bytes();
        if b.is_empty()
            || b[0] == b'?'
            || href.starts_with("//")
            || !b.iter().all(|&c| KEPT[c as usize])
        {
            return None;
        }
        let absolute = b[0] == b'/';
        let (mut folder, mut rel) = if absolute { ("", href) } else { (folder, href) };
        if !absolute {
            loop {
                if let Some(r) = rel.strip_prefix("./") {
                    rel = r;
                } else if let Some(r) = rel.strip_prefix("../") {
                    rel = r;
                    // `/a/b/` → `/a/`; at the root `..` stays at the root.
                    let inner = &folder[..folder.len() - 1];
                    folder = &folder[..inner.rfind('/').map_or(1, |i| i + 1)];
                } else {
                    break;
                }
            }
        }
        let rb = rel.as_bytes();
        let path_end = memchr::memchr(b'?', rb).unwrap_or(rb.len());
        let path = &rel[..path_end];
        // One pass over the path's segments.
        let mut seg_start = 0;
        for i in 0..=path_end {
            if i < path_end && rb[i] != b'/' {
                continue;
            }
            let seg = &rb[seg_start..i];
            // `a:b` would read as a scheme; a colon after the first slash is harmless.
            if seg == b"." || seg == b".." || (seg_start == 0 && !absolute && seg.contains(&b':')) {
                return None;
            }
            seg_start = i + 1;
        }
        let mut out = String::with_capacity(origin.len() + folder.len() + rel.len());
        out.push_str(origin);
        out.push_str(folder);
        // `index.html` folds into its folder, as `canonical` does.
        let folded = ["index.html", "index.htm"].iter().find_map(|i| {
            path.strip_suffix(i)
                .filter(|f| f.ends_with('/') || (f.is_empty() && !absolute))
        });
        match folded {
            Some(folder_part) => {
                out.push_str(folder_part);
                out.push_str(&rel[path_end..]);
            }
            None => out.push_str(rel),
        }
        Some(out)
    }
}

/// Bytes the URL parser leaves as they are in a path and a query of an
/// http URL, as a table: every byte of every link is looked up.
const KEPT: [bool; 256] = {
    let mut t = [false; 256];
    let mut c = 0;
    while c < 256 {
        let b = c as u8;
        t[c] = b.is_ascii_alphanumeric();
        c += 1;
    }
    let extra = b"-._~!$&()*+,;=:@/?";
    let mut i = 0;
    while i < extra.len() {
        t[extra[i] as usize] = true;
        i += 1;
    }
    t
};

/// What a link shows a reader: its text, or for an image link the image's
/// `alt`, or the link's `title`. `None` when it shows nothing, or more than
/// `max_bytes` (a block wrapped in a link is not a link text).
pub fn shown_text(a: scraper::ElementRef<'_>, max_bytes: usize) -> Option<String> {
    let text = super::text::inline_max(a, max_bytes)?;
    if !text.is_empty() {
        return Some(text);
    }
    let img_alt = a
        .descendent_elements()
        .find(|e| e.value().name() == "img")
        .and_then(|i| i.value().attr("alt"));
    [img_alt, a.value().attr("title")]
        .into_iter()
        .flatten()
        .map(|t| t.split_whitespace().collect::<Vec<_>>().join(" "))
        .find(|t| !t.is_empty() && t.len() <= max_bytes)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn slow(base: &Url, href: &str) -> Option<String> {
        resolve_canonical(base, href)
    }

    #[test]
    fn plain_links_match_the_parser() {
        for base in [
            "http://www.x.gov.cn/zwgk/gzdt/201903/t20190313_1.html",
            "https://X.gov.cn:8443/a/b/?q=1#f",
            "http://x.gov.cn",
            "http://x.gov.cn/index.html",
        ] {
            let base = Url::parse(base).unwrap();
            let res = Resolver::new(&base);
            for href in [
                "/zwgk/gzdt/",
                "/zwgk/gzdt/index.html",
                "/index.html",
                "index.html",
                "index.htm?x=1",
                "t20190313_2.html",
                "sub/page.shtml?a=1&b=2",
                "/a//b/",
                "/a/b.html?c=d/e",
                "a:b",
                "/a:b/",
                "./a.html",
                "../a.html",
                "./../a.html",
                "../../../../../a.html",
                "../../zwgk/index.html",
                "./",
                "../",
                ".",
                "..",
                "./.",
                "a/./b",
                "../a/../b",
                "/a/../b",
                "?page=2",
                "//cdn.x.gov.cn/a.js",
                "a b.html",
                "a%20b.html",
                "a.html#top",
                "/x'y",
                "/myindex.html",
                "/dir/xindex.html",
            ] {
                assert_eq!(res.get(href), slow(&base, href), "{base} + {href}");
            }
        }
    }

    proptest! {
        #[test]
        fn any_link_matches_the_parser(href in "(\\./|\\.\\./)*[a-zA-Z0-9/._?=&:%# '\\\\-]{0,24}") {
            let base = Url::parse("http://www.x.gov.cn/zwgk/gzdt/t1.html").unwrap();
            let res = Resolver::new(&base);
            prop_assert_eq!(res.get(&href), slow(&base, &href));
        }
    }
}

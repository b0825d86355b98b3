//! URL resolution and canonical form. Both sources and the extractor use the
//! same canonical form, so a page reached as `gzdt/index.html`, `./gzdt/` or
//! `gzdt/#top` is one page, in directory mode and over HTTP alike.

use std::borrow::Cow;

use url::Url;

/// Resolves `href` against `base`; `None` for links that are not web pages
/// (`javascript:`, `mailto:`, `tel:`, `data:`, bare fragments) or are malformed.
pub fn resolve(base: &Url, href: &str) -> Option<Url> {
    let href = href.trim();
    if href.is_empty() || href.starts_with('#') {
        return None;
    }
    let lower: String = href
        .chars()
        .take(12)
        .collect::<String>()
        .to_ascii_lowercase();
    for skip in [
        "javascript:",
        "mailto:",
        "tel:",
        "data:",
        "sms:",
        "file:",
        "ftp:",
    ] {
        if lower.starts_with(skip) {
            return None;
        }
    }
    let url = base.join(href).ok()?;
    matches!(url.scheme(), "http" | "https").then_some(url)
}

/// The canonical form: no fragment, a trailing `index.html`/`index.htm`
/// folded into its folder, and the hex digits of %-escapes in upper case
/// (`%e9` and `%E9` are one character, RFC 3986 §6.2.2.1). Default ports,
/// case of scheme and host, and `./`, `../` are already normalised by the URL
/// parser.
pub fn canonical(url: &Url) -> String {
    let mut u = url.clone();
    u.set_fragment(None);
    let path = u.path().to_string();
    for index in ["index.html", "index.htm"] {
        if let Some(folder) = path.strip_suffix(index)
            && folder.ends_with('/')
        {
            u.set_path(folder);
            break;
        }
    }
    upper_escapes(u.into())
}

/// `%e9` → `%E9`, in place; most URLs have no lower-case escape and are returned as they are.
fn upper_escapes(s: String) -> String {
    let b = s.as_bytes();
    let lower_escape = |i: usize| {
        b[i] == b'%'
            && b.get(i + 1..i + 3).is_some_and(|h| {
                h.iter().all(u8::is_ascii_hexdigit) && h.iter().any(u8::is_ascii_lowercase)
            })
    };
    if !(0..b.len()).any(lower_escape) {
        return s;
    }
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if lower_escape(i) {
            out.push(b'%');
            out.push(b[i + 1].to_ascii_uppercase());
            out.push(b[i + 2].to_ascii_uppercase());
            i += 3;
        } else {
            out.push(b[i]);
            i += 1;
        }
    }
    // Only ASCII hex digits changed case, so the text is still UTF-8.
    String::from_utf8(out).unwrap_or(s)
}

/// The host name a URL is counted under, whatever its scheme and port:
/// lower case, without the trailing dot of a fully qualified name. The
/// politeness gates, robots.txt and the site's scope all count hosts by it,
/// so `http://x/`, `https://x/` and `http://X.:8080/` are one host to them.
/// Borrowed when the URL's host is already in that form (the URL parser
/// lower-cases domains), so lookups per link do not allocate.
pub fn host_name(url: &Url) -> Cow<'_, str> {
    let host = url.host_str().unwrap_or("");
    let host = host.strip_suffix('.').unwrap_or(host);
    if host.bytes().any(|c| c.is_ascii_uppercase()) {
        Cow::Owned(host.to_ascii_lowercase())
    } else {
        Cow::Borrowed(host)
    }
}

/// The extension of a URL path's last segment as written (`PDF` of
/// `/a/b.PDF`), if it has one. Attachments and pages are told apart by it.
pub fn extension(path: &str) -> Option<&str> {
    let last = &path[path.rfind('/').map_or(0, |i| i + 1)..];
    last.rsplit_once('.').map(|(_, ext)| ext)
}

/// Whether a path's extension is one of `exts`, in any case. Asked of every
/// link of every page, so nothing is allocated.
pub fn has_extension(path: &str, exts: &[String]) -> bool {
    extension(path).is_some_and(|e| exts.iter().any(|x| x.eq_ignore_ascii_case(e)))
}

/// A URL as a reader types it, for messages: `/attach/2019/活动方案.pdf`
/// rather than `%E6%B4%BB…`. Escapes that are not UTF-8 text (a GBK file
/// name) or that hide a control character or a space stay escaped.
pub fn display_url(url: &str) -> String {
    match percent_encoding::percent_decode_str(url).decode_utf8() {
        Ok(s) if !s.chars().any(|c| c.is_control() || c.is_whitespace()) => s.into_owned(),
        _ => url.to_string(),
    }
}

/// `%E9%99%84` → the text it encodes; malformed escapes stay as they are.
pub fn percent_decode(s: &str) -> String {
    percent_encoding::percent_decode_str(s)
        .decode_utf8_lossy()
        .into_owned()
}

/// Resolves and canonicalises in one step.
pub fn resolve_canonical(base: &Url, href: &str) -> Option<String> {
    resolve(base, href).map(|u| canonical(&u))
}

#[cfg(test)]
mod tests {
    #[test]
    fn urls_are_shown_as_typed_unless_that_would_hide_something() {
        assert_eq!(
            display_url("http://x.gov.cn/attach/2019/%E6%B4%BB%E5%8A%A8%E6%96%B9%E6%A1%88.pdf"),
            "http://x.gov.cn/attach/2019/活动方案.pdf"
        );
        // GBK bytes, a space, a newline: left as they are.
        for kept in [
            "http://x.gov.cn/%BB%EE.pdf",
            "http://x.gov.cn/a%20b.pdf",
            "http://x.gov.cn/a%0A.pdf",
        ] {
            assert_eq!(display_url(kept), kept);
        }
    }

    use super::*;

    #[test]
    fn canonical_forms_agree() {
        let base = Url::parse("http://Example.gov.cn:80/a/b/page.html").unwrap();
        let want = "http://example.gov.cn/a/gzdt/";
        for href in [
            "../gzdt/index.html",
            "../gzdt/",
            "/a/gzdt/index.htm#x",
            "./../gzdt/./",
        ] {
            assert_eq!(
                resolve_canonical(&base, href).as_deref(),
                Some(want),
                "{href}"
            );
        }
        assert_eq!(resolve(&base, "javascript:void(0)"), None);
        assert_eq!(resolve(&base, " MAILTO:a@b.cn"), None);
        assert_eq!(resolve(&base, "#top"), None);
        assert_eq!(
            resolve_canonical(&base, "t1.html?x=1#y").as_deref(),
            Some("http://example.gov.cn/a/b/t1.html?x=1")
        );
        // An `index.html` that is part of a longer name is kept.
        assert_eq!(
            resolve_canonical(&base, "/myindex.html").as_deref(),
            Some("http://example.gov.cn/myindex.html")
        );
    }

    #[test]
    fn escapes_are_one_case() {
        let base = Url::parse("http://x.gov.cn/").unwrap();
        let want = "http://x.gov.cn/%E9%99%84/a.html?q=%E4%B8%AD";
        for href in [
            "/%e9%99%84/a.html?q=%e4%b8%ad",
            "/%E9%99%84/a.html?q=%E4%B8%AD",
            "/%e9%99%84/a.html?q=%E4%b8%AD#top",
        ] {
            assert_eq!(
                resolve_canonical(&base, href).as_deref(),
                Some(want),
                "{href}"
            );
        }
        // A `%` that is not an escape is left alone (the parser has already encoded it).
        assert_eq!(
            resolve_canonical(&base, "/a%zz%4").as_deref(),
            Some("http://x.gov.cn/a%zz%4")
        );
        // Non-ASCII text around escapes survives.
        assert_eq!(
            canonical(&Url::parse("http://x.gov.cn/a?%c3%a9=é").unwrap()),
            "http://x.gov.cn/a?%C3%A9=%C3%A9"
        );
    }

    #[test]
    fn one_host_name_for_every_scheme_and_port() {
        let names: Vec<String> = [
            "http://x.gov.cn/a",
            "https://X.GOV.CN/b",
            "http://x.gov.cn:8080/",
            "https://x.gov.cn.:443/c",
        ]
        .iter()
        .map(|s| host_name(&Url::parse(s).unwrap()).into_owned())
        .collect();
        assert!(names.iter().all(|n| n == "x.gov.cn"), "{names:?}");
        assert_eq!(
            host_name(&Url::parse("http://127.0.0.1:9/").unwrap()),
            "127.0.0.1"
        );
        assert!(matches!(
            host_name(&Url::parse("http://x.gov.cn/").unwrap()),
            Cow::Borrowed(_)
        ));
    }
}

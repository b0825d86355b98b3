//! URL resolution and canonical form. Both sources and the extractor use the
//! same canonical form, so a page reached as `gzdt/index.html`, `./gzdt/` or
//! `gzdt/#top` is one page, in directory mode and over HTTP alike.

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

/// The canonical form: no fragment, and a trailing `index.html`/`index.htm`
/// folded into its folder. Default ports, case of scheme and host, and `./`,
/// `../` are already normalised by the URL parser.
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
    u.to_string()
}

/// The lower-cased extension of a URL path's last segment (`pdf` of
/// `/a/b.PDF`), if it has one. Attachments and pages are told apart by it.
pub fn extension(path: &str) -> Option<String> {
    let last = path.rsplit('/').next().unwrap_or_default();
    last.rsplit_once('.')
        .map(|(_, ext)| ext.to_ascii_lowercase())
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
}

//! Sitemaps (sitemaps.org): a `<urlset>` of page URLs or a `<sitemapindex>`
//! of further sitemaps, either possibly gzipped. Only `<loc>` matters here;
//! a lenient scan reads the CMS-made sitemaps that are not quite valid XML.

use std::io::Read;
use std::sync::LazyLock;

use regex::Regex;

/// What one sitemap file lists.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Sitemap {
    /// A sitemap index: `locs` are further sitemaps.
    pub is_index: bool,
    pub locs: Vec<String>,
}

static LOC: LazyLock<Option<Regex>> = LazyLock::new(|| {
    Regex::new(r"(?is)<loc>\s*(?:<!\[CDATA\[)?\s*(.*?)\s*(?:\]\]>)?\s*</loc>").ok()
});

/// Reads a sitemap body; gzip is recognised by its magic bytes, whatever the
/// URL or content type says. `max_bytes` caps the unzipped size.
pub fn parse(body: &[u8], max_bytes: usize) -> Result<Sitemap, String> {
    let text = if body.starts_with(&[0x1f, 0x8b]) {
        let mut out = Vec::new();
        flate2::read::MultiGzDecoder::new(body)
            .take(max_bytes as u64)
            .read_to_end(&mut out)
            .map_err(|e| format!("cannot unzip: {e}"))?;
        out
    } else {
        body.to_vec()
    };
    let text = String::from_utf8_lossy(&text);
    let head: String = text.chars().take(2000).collect::<String>().to_lowercase();
    let Some(loc) = LOC.as_ref() else {
        return Err("the sitemap pattern does not compile".into());
    };
    let locs = loc
        .captures_iter(&text)
        .filter_map(|c| c.get(1))
        .map(|m| unescape(m.as_str()))
        .filter(|s| !s.is_empty())
        .collect();
    Ok(Sitemap {
        is_index: head.contains("<sitemapindex"),
        locs,
    })
}

fn unescape(s: &str) -> String {
    s.replace("&amp;", "&")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&apos;", "'")
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    #[test]
    fn urlset_and_index() {
        let s = parse(
            b"<?xml version=\"1.0\"?><urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\
              <url><loc>http://x.gov.cn/gzdt/</loc></url>\
              <url><loc> <![CDATA[http://x.gov.cn/a.html?x=1&amp;y=2]]> </loc><lastmod>2019-03-14</lastmod></url>\
              <url><loc></loc></url></urlset>",
            1 << 20,
        )
        .unwrap();
        assert!(!s.is_index);
        assert_eq!(
            s.locs,
            vec!["http://x.gov.cn/gzdt/", "http://x.gov.cn/a.html?x=1&y=2"]
        );
        let i = parse(
            b"<sitemapindex><sitemap><LOC>http://x.gov.cn/s1.xml.gz</LOC></sitemap></sitemapindex>",
            1 << 20,
        )
        .unwrap();
        assert!(i.is_index);
        assert_eq!(i.locs, vec!["http://x.gov.cn/s1.xml.gz"]);
    }

    #[test]
    fn gzip_and_its_cap() {
        let xml = format!(
            "<urlset>{}</urlset>",
            (0..100)
                .map(|i| format!("<url><loc>http://x.gov.cn/{i}.html</loc></url>"))
                .collect::<String>()
        );
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        gz.write_all(xml.as_bytes()).unwrap();
        let gz = gz.finish().unwrap();
        assert_eq!(parse(&gz, 1 << 20).unwrap().locs.len(), 100);
        // A cut stream keeps what was read before the cap.
        assert!(parse(&gz, 200).unwrap().locs.len() < 10);
        assert!(parse(&[0x1f, 0x8b, 1, 2, 3], 100).is_err());
    }
}

//! Which URLs a crawl follows: pages on the site's own host (or the host the
//! start URL redirects to), narrowed by `--include` / `--exclude` globs and
//! `--max-depth`; attachments there are only checked for existence; links to
//! other hosts are only checked with `--check-external`.

use globset::{Glob, GlobSet, GlobSetBuilder};
use url::Url;

use super::urls::{has_extension, host_name};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// Fetch and read.
    Page,
    /// Check that it exists, on the site's host.
    Attachment,
    /// Check that it exists, on another host.
    External,
    /// Leave alone.
    Skip,
    /// A page in scope, but beyond `--max-depth` from where it was found.
    TooDeep,
}

/// A host of the site: its name, and its port unless it is the scheme's default.
type SiteHost = (String, Option<u16>);

fn site_host(url: &Url) -> Option<SiteHost> {
    url.host_str()?;
    // `http://x/` and `https://x/` are one site: sites often mix them in their links.
    Some((host_name(url).into_owned(), url.port()))
}

#[derive(Debug, Clone)]
pub struct Scope {
    hosts: Vec<SiteHost>,
    include: Option<GlobSet>,
    exclude: Option<GlobSet>,
    max_depth: Option<u32>,
    attachment_extensions: Vec<String>,
    check_external: bool,
}

fn globs(patterns: &[String], flag: &str) -> Result<Option<GlobSet>, String> {
    if patterns.is_empty() {
        return Ok(None);
    }
    let mut b = GlobSetBuilder::new();
    for p in patterns {
        b.add(Glob::new(p).map_err(|e| format!("{flag} `{p}` is not a valid glob: {e}"))?);
    }
    b.build().map(Some).map_err(|e| format!("{flag}: {e}"))
}

impl Scope {
    pub fn new(
        start: &Url,
        include: &[String],
        exclude: &[String],
        max_depth: Option<u32>,
        attachment_extensions: &[String],
        check_external: bool,
    ) -> Result<Scope, String> {
        Ok(Scope {
            hosts: site_host(start).into_iter().collect(),
            include: globs(include, "--include")?,
            exclude: globs(exclude, "--exclude")?,
            max_depth,
            attachment_extensions: attachment_extensions
                .iter()
                .map(|e| e.to_ascii_lowercase())
                .collect(),
            check_external,
        })
    }

    /// Adds the host the start URL redirected to (`gov.cn` → `www.gov.cn`).
    pub fn add_host(&mut self, url: &Url) {
        if let Some(h) = site_host(url)
            && !self.hosts.contains(&h)
        {
            self.hosts.push(h);
        }
    }

    pub fn on_site(&self, url: &Url) -> bool {
        if !matches!(url.scheme(), "http" | "https") || url.host_str().is_none() {
            return false;
        }
        // Compared in place: this runs for every link of every page.
        let (name, port) = (host_name(url), url.port());
        self.hosts.iter().any(|(h, p)| *h == name && *p == port)
    }

    fn is_attachment(&self, url: &Url) -> bool {
        has_extension(url.path(), &self.attachment_extensions)
    }

    /// Whether `--include` / `--exclude` let the URL in.
    pub fn wanted(&self, url: &Url) -> bool {
        let full = url.as_str();
        let path = url.path();
        let hit = |g: &GlobSet| g.is_match(full) || g.is_match(path);
        self.include.as_ref().is_none_or(hit) && !self.exclude.as_ref().is_some_and(hit)
    }

    /// What to do with a link found on a page at `depth`.
    pub fn classify(&self, url: &Url, depth: u32) -> Verdict {
        if !matches!(url.scheme(), "http" | "https") {
            return Verdict::Skip;
        }
        if !self.on_site(url) {
            return if self.check_external {
                Verdict::External
            } else {
                Verdict::Skip
            };
        }
        if !self.wanted(url) {
            return Verdict::Skip;
        }
        if self.is_attachment(url) {
            return Verdict::Attachment;
        }
        if self.max_depth.is_some_and(|m| depth > m) {
            return Verdict::TooDeep;
        }
        Verdict::Page
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn u(s: &str) -> Url {
        Url::parse(s).unwrap()
    }

    #[test]
    fn classifies_links() {
        let exts = vec!["pdf".to_string(), "jpg".to_string()];
        let start = u("http://x.gov.cn/");
        let s = Scope::new(&start, &[], &["**/old/**".into()], Some(2), &exts, false).unwrap();
        assert_eq!(
            s.classify(&u("http://x.gov.cn/gzdt/a.html"), 1),
            Verdict::Page
        );
        assert_eq!(
            s.classify(&u("http://x.gov.cn:80/a.html"), 1),
            Verdict::Page
        );
        assert_eq!(
            s.classify(&u("http://x.gov.cn:8080/a.html"), 1),
            Verdict::Skip
        );
        // http and https on their default ports are one site.
        assert_eq!(s.classify(&u("https://X.gov.cn/a.html"), 1), Verdict::Page);
        assert_eq!(
            s.classify(&u("https://x.gov.cn:443/a.html"), 1),
            Verdict::Page
        );
        assert_eq!(
            s.classify(&u("http://x.gov.cn/f/A.PDF"), 3),
            Verdict::Attachment
        );
        assert_eq!(
            s.classify(&u("http://x.gov.cn/a.html"), 3),
            Verdict::TooDeep
        );
        assert_eq!(
            s.classify(&u("http://x.gov.cn/old/a.html"), 1),
            Verdict::Skip
        );
        assert_eq!(s.classify(&u("http://y.gov.cn/a.html"), 1), Verdict::Skip);
        let ext = Scope::new(&start, &["/zwgk/**".into()], &[], None, &exts, true).unwrap();
        assert_eq!(
            ext.classify(&u("http://y.gov.cn/a.html"), 1),
            Verdict::External
        );
        assert_eq!(
            ext.classify(&u("http://x.gov.cn/zwgk/a.html"), 9),
            Verdict::Page
        );
        assert_eq!(
            ext.classify(&u("http://x.gov.cn/gzdt/a.html"), 1),
            Verdict::Skip
        );
        assert!(Scope::new(&start, &["[".into()], &[], None, &exts, false).is_err());
    }
}

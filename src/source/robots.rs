//! robots.txt, with Google's matching semantics (the `robotstxt` crate is a
//! port of Google's parser): longest match wins, `Allow` wins ties, `*` and
//! `$` wildcards, the most specific user-agent group applies. On top of it
//! this module reads what the matcher does not expose: `Crawl-delay` for our
//! group and the `Sitemap:` lines.

use std::time::Duration;

use robotstxt::{DefaultMatcher, RobotsParseHandler};

#[derive(Debug, Clone)]
pub struct Robots {
    body: String,
    /// The product token matched against `User-agent:` lines (`disclosure-audit`).
    agent: String,
    /// Nothing may be fetched (robots.txt answered 5xx or could not be read: RFC 9309).
    deny_all: bool,
    pub crawl_delay: Option<Duration>,
    pub sitemaps: Vec<String>,
}

/// The product token of a User-Agent string: `disclosure-audit/0.1.0 (+…)` → `disclosure-audit`.
pub fn product_token(user_agent: &str) -> String {
    user_agent
        .chars()
        .take_while(|c| c.is_ascii_alphabetic() || *c == '-' || *c == '_')
        .collect()
}

impl Robots {
    /// Everything allowed: no robots.txt (4xx), or robots ignored.
    pub fn allow_all() -> Robots {
        Robots {
            body: String::new(),
            agent: String::new(),
            deny_all: false,
            crawl_delay: None,
            sitemaps: Vec::new(),
        }
    }

    /// Nothing allowed, as RFC 9309 asks when robots.txt cannot be read.
    pub fn deny_all() -> Robots {
        Robots {
            deny_all: true,
            ..Robots::allow_all()
        }
    }

    pub fn parse(body: &str, user_agent: &str) -> Robots {
        let agent = product_token(user_agent);
        let mut scan = Scan {
            agent: agent.to_ascii_lowercase(),
            ..Default::default()
        };
        robotstxt::parse_robotstxt(body, &mut scan);
        let crawl_delay = scan
            .specific_delay
            .or(scan.global_delay)
            .filter(|d| d.is_finite() && *d > 0.0)
            .map(|d| Duration::from_secs_f64(d.min(86_400.0)));
        Robots {
            body: body.to_string(),
            agent,
            deny_all: false,
            crawl_delay,
            sitemaps: scan.sitemaps,
        }
    }

    /// robots.txt could not be read, so nothing may be fetched.
    pub fn denies_all(&self) -> bool {
        self.deny_all
    }

    pub fn allowed(&self, url: &str) -> bool {
        if self.deny_all {
            return false;
        }
        if self.body.trim().is_empty() {
            return true;
        }
        let agent = if self.agent.is_empty() {
            "*"
        } else {
            &self.agent
        };
        DefaultMatcher::default().one_agent_allowed_by_robots(&self.body, agent, url)
    }
}

/// Collects `Crawl-delay` per group and `Sitemap:` lines while the parser runs.
#[derive(Default)]
struct Scan {
    agent: String,
    /// The current group's agents are still being listed.
    in_agents: bool,
    group_specific: bool,
    group_global: bool,
    specific_delay: Option<f64>,
    global_delay: Option<f64>,
    sitemaps: Vec<String>,
}

impl RobotsParseHandler for Scan {
    fn handle_robots_start(&mut self) {}
    fn handle_robots_end(&mut self) {}

    fn handle_user_agent(&mut self, _line: u32, user_agent: &str) {
        if !self.in_agents {
            self.group_specific = false;
            self.group_global = false;
            self.in_agents = true;
        }
        let token = product_token(user_agent).to_ascii_lowercase();
        if user_agent.trim_start().starts_with('*') {
            self.group_global = true;
        } else if !token.is_empty() && token == self.agent {
            self.group_specific = true;
        }
    }

    fn handle_allow(&mut self, _line: u32, _value: &str) {
        self.in_agents = false;
    }

    fn handle_disallow(&mut self, _line: u32, _value: &str) {
        self.in_agents = false;
    }

    fn handle_sitemap(&mut self, _line: u32, value: &str) {
        let v = value.trim();
        if !v.is_empty() {
            self.sitemaps.push(v.to_string());
        }
    }

    fn handle_unknown_action(&mut self, _line: u32, action: &str, value: &str) {
        self.in_agents = false;
        if !action.trim().eq_ignore_ascii_case("crawl-delay") {
            return;
        }
        let Ok(d) = value.trim().parse::<f64>() else {
            return;
        };
        if self.group_specific {
            self.specific_delay.get_or_insert(d);
        } else if self.group_global {
            self.global_delay.get_or_insert(d);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const UA: &str = "disclosure-audit/0.1.0 (+content audit)";

    #[test]
    fn google_semantics() {
        let r = Robots::parse(
            "# 本站的爬虫规则\nUser-agent: *\nDisallow: /private/\nAllow: /private/open/\nDisallow: /*.php$\nCrawl-delay: 2\nSitemap: http://x.gov.cn/sitemap.xml\n",
            UA,
        );
        assert!(r.allowed("http://x.gov.cn/gzdt/"));
        assert!(!r.allowed("http://x.gov.cn/private/a.html"));
        assert!(r.allowed("http://x.gov.cn/private/open/a.html"));
        assert!(!r.allowed("http://x.gov.cn/list.php"));
        assert!(r.allowed("http://x.gov.cn/list.php?page=2"));
        assert_eq!(r.crawl_delay, Some(Duration::from_secs(2)));
        assert_eq!(r.sitemaps, vec!["http://x.gov.cn/sitemap.xml"]);
    }

    #[test]
    fn the_specific_group_wins() {
        let r = Robots::parse(
            "User-agent: *\nDisallow: /\nCrawl-delay: 9\n\nUser-agent: Googlebot\nUser-agent: Disclosure-Audit\nDisallow: /tmp/\nCrawl-delay: 0.5\n",
            UA,
        );
        assert!(r.allowed("http://x.gov.cn/gzdt/"));
        assert!(!r.allowed("http://x.gov.cn/tmp/x"));
        assert_eq!(r.crawl_delay, Some(Duration::from_millis(500)));
        let other = Robots::parse("User-agent: *\nDisallow: /\n", "OtherBot/1.0");
        assert!(!other.allowed("http://x.gov.cn/"));
    }

    #[test]
    fn empty_and_unreadable() {
        assert!(Robots::parse("", UA).allowed("http://x.gov.cn/a"));
        assert!(Robots::allow_all().allowed("http://x.gov.cn/a"));
        assert!(!Robots::deny_all().allowed("http://x.gov.cn/a"));
        // Garbage and non-ASCII lines do not confuse the parser.
        let r = Robots::parse("<html>页面不存在</html>\n\u{feff}Disallow: /x\n", UA);
        assert!(r.allowed("http://x.gov.cn/a"));
    }
}

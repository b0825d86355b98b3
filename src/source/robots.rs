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
    /// The group that applies to us has Allow/Disallow rules. Without any,
    /// everything is allowed, and the matcher (which parses the whole body
    /// again for every URL) is not asked.
    has_rules: bool,
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
            has_rules: false,
            crawl_delay: None,
            sitemaps: Vec::new(),
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
        let has_rules = if scan.ever_specific {
            scan.specific_rules > 0
        } else {
            scan.global_rules > 0
        };
        Robots {
            body: body.to_string(),
            agent,
            has_rules,
            crawl_delay,
            sitemaps: scan.sitemaps,
        }
    }

    pub fn allowed(&self, url: &str) -> bool {
        if !self.has_rules {
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
    // Which rules the matcher will weigh, grouped exactly as it groups them
    // (robotstxt's `RobotsMatcher` handlers), so that `has_rules` never
    // skips a rule it would apply.
    /// A line other than `User-agent:` was seen: the next agent starts a group.
    m_separator: bool,
    m_specific: bool,
    m_global: bool,
    /// Some group names our agent: only specific groups' rules then count.
    ever_specific: bool,
    specific_rules: usize,
    global_rules: usize,
}

impl Scan {
    /// A rule line, counted for the group the matcher files it under. Empty
    /// rules match with priority 0, which the matcher ignores.
    fn rule(&mut self, value: &str) {
        if !(self.m_specific || self.m_global) {
            return;
        }
        self.m_separator = true;
        if value.is_empty() {
            return;
        }
        if self.m_specific {
            self.specific_rules += 1;
        } else {
            self.global_rules += 1;
        }
    }
}

impl RobotsParseHandler for Scan {
    fn handle_robots_start(&mut self) {}
    fn handle_robots_end(&mut self) {}

    fn handle_user_agent(&mut self, _line: u32, user_agent: &str) {
        if self.m_separator {
            self.m_specific = false;
            self.m_global = false;
            self.m_separator = false;
        }
        let mut rest = user_agent.chars();
        if rest.next() == Some('*') && rest.next().is_none_or(char::is_whitespace) {
            self.m_global = true;
        } else if !self.agent.is_empty()
            && product_token(user_agent).eq_ignore_ascii_case(&self.agent)
        {
            self.m_specific = true;
            self.ever_specific = true;
        }
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

    fn handle_allow(&mut self, _line: u32, value: &str) {
        self.in_agents = false;
        self.rule(value);
    }

    fn handle_disallow(&mut self, _line: u32, value: &str) {
        self.in_agents = false;
        self.rule(value);
    }

    fn handle_sitemap(&mut self, _line: u32, value: &str) {
        self.m_separator = true;
        let v = value.trim();
        if !v.is_empty() {
            self.sitemaps.push(v.to_string());
        }
    }

    fn handle_unknown_action(&mut self, _line: u32, action: &str, value: &str) {
        self.in_agents = false;
        self.m_separator = true;
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
        // Garbage and non-ASCII lines do not confuse the parser.
        let r = Robots::parse("<html>页面不存在</html>\n\u{feff}Disallow: /x\n", UA);
        assert!(r.allowed("http://x.gov.cn/a"));
    }

    #[test]
    fn without_rules_for_us_the_matcher_is_not_asked() {
        let url = "http://x.gov.cn/a";
        for body in [
            "Sitemap: http://x.gov.cn/sitemap.xml\n",
            "User-agent: OtherBot\nDisallow: /\n",
            "User-agent: *\nDisallow:\nCrawl-delay: 1\n",
            // Our own group, even empty, overrides the global one.
            "User-agent: disclosure-audit\nAllow:\n\nUser-agent: *\nDisallow: /\n",
        ] {
            let r = Robots::parse(body, UA);
            assert!(!r.has_rules, "{body}");
            assert!(r.allowed(url), "{body}");
            // The matcher agrees.
            assert!(
                DefaultMatcher::default().one_agent_allowed_by_robots(body, &r.agent, url),
                "{body}"
            );
        }
        for body in [
            "User-agent: *\nDisallow: /a\n",
            // A Sitemap line ends the group: the second agent starts a new one.
            "User-agent: *\nSitemap: /s.xml\nUser-agent: disclosure-audit\nDisallow: /\n",
            "User-agent: OtherBot\nUser-agent: *\nDisallow: /\n",
        ] {
            let r = Robots::parse(body, UA);
            assert!(r.has_rules, "{body}");
            assert!(!r.allowed(url), "{body}");
        }
    }
}

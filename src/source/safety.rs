//! Which addresses the crawler may connect to, decided before any connection.
//!
//! A public site's pages are input we do not control: a link, a redirect or a
//! DNS answer can point at `127.0.0.1`, the cloud metadata service at
//! `169.254.169.254`, or a printer on the auditor's office network. The
//! crawler must never be the tool that reaches those. So every request is
//! refused when its address is internal (private, loopback, link-local,
//! unique-local, CGNAT, multicast, unspecified, reserved, or an IPv6 form of
//! one of those), unless its host is one the user named as a start host: an
//! editor who audits `http://10.0.0.5/` on the intranet asked for exactly that
//! host. Schemes other than http and https (`file:`, `ftp:`, `data:`…) are
//! never fetched.
//!
//! Two checks share one policy:
//! - [`Safety::check_url`] before a URL is queued or requested (and for every
//!   redirect target): scheme, and the host when it is an IP literal, which
//!   never reaches a resolver;
//! - [`SafeResolver`] inside reqwest: hostnames are resolved, internal
//!   addresses dropped, and a name left with none is refused, so
//!   `intranet.example.gov.cn → 10.1.2.3` is caught too. Plug it in with
//!   `.dns_resolver(Arc::new(SafeResolver::with_policy(Safety::for_start(&start))))`.

use std::fmt;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr, ToSocketAddrs};

use reqwest::dns::{Addrs, Name, Resolve, Resolving};
use url::{Host, Url};

/// Why a request was refused before it was made.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    /// Not http or https.
    Scheme(String),
    /// The URL names no host.
    NoHost,
    /// The host is, or resolves only to, an internal address.
    Internal {
        host: String,
        addr: IpAddr,
        class: &'static str,
    },
}

impl fmt::Display for Refusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Refusal::Scheme(s) => write!(
                f,
                "not fetched: `{s}:` URLs are never read, only http and https"
            ),
            Refusal::NoHost => f.write_str("not fetched: the URL has no host"),
            Refusal::Internal { host, addr, class } => write!(
                f,
                "not fetched: `{host}` is {addr}, a {class} address; only the start host may be internal"
            ),
        }
    }
}

impl std::error::Error for Refusal {}

/// The class of an address the crawler must not reach, or `None` for a public one.
pub fn internal_class(ip: IpAddr) -> Option<&'static str> {
    match ip {
        IpAddr::V4(v4) => v4_class(v4),
        IpAddr::V6(v6) => v6_class(v6),
    }
}

fn v4_class(ip: Ipv4Addr) -> Option<&'static str> {
    let [a, b, c, _] = ip.octets();
    let class = if ip.is_unspecified() || a == 0 {
        // 0.0.0.0/8 "this network": Linux connects 0.0.0.0 to the local host.
        "unspecified"
    } else if ip.is_loopback() {
        "loopback"
    } else if ip.is_private() {
        "private"
    } else if ip.is_link_local() {
        "link-local"
    } else if a == 100 && (64..128).contains(&b) {
        "shared (CGNAT)"
    } else if ip.is_multicast() {
        "multicast"
    } else if ip.is_broadcast() || a >= 240 {
        "reserved"
    } else if a == 192 && b == 0 && c == 0 {
        // 192.0.0.0/24: IETF protocol assignments (NAT64 discovery, DS-Lite).
        "reserved"
    } else if a == 198 && (b == 18 || b == 19) {
        "benchmarking"
    } else {
        return None;
    };
    Some(class)
}

fn v6_class(ip: Ipv6Addr) -> Option<&'static str> {
    // An IPv4 address inside IPv6 reaches the IPv4 host: judge that one.
    if let Some(v4) = embedded_v4(ip) {
        return v4_class(v4);
    }
    let seg = ip.segments();
    let class = if ip.is_unspecified() {
        "unspecified"
    } else if ip.is_loopback() {
        "loopback"
    } else if seg[0] & 0xffc0 == 0xfe80 {
        "link-local"
    } else if seg[0] & 0xffc0 == 0xfec0 {
        // fec0::/10, deprecated site-local, still routed inside some networks.
        "site-local"
    } else if seg[0] & 0xfe00 == 0xfc00 {
        "unique-local"
    } else if seg[0] & 0xff00 == 0xff00 {
        "multicast"
    } else {
        return None;
    };
    Some(class)
}

/// The IPv4 address an IPv6 address carries: mapped `::ffff:a.b.c.d`,
/// compatible `::a.b.c.d`, NAT64 `64:ff9b::a.b.c.d` and 6to4 `2002:AABB:CCDD::`.
fn embedded_v4(ip: Ipv6Addr) -> Option<Ipv4Addr> {
    let seg = ip.segments();
    let o = ip.octets();
    let tail = Ipv4Addr::new(o[12], o[13], o[14], o[15]);
    if seg[..5] == [0; 5] && seg[5] == 0xffff {
        return Some(tail);
    }
    // `::` and `::1` are IPv6's own unspecified and loopback, not IPv4 ones.
    if seg[..6] == [0; 6] && !(seg[6] == 0 && seg[7] <= 1) {
        return Some(tail);
    }
    if seg[..6] == [0x64, 0xff9b, 0, 0, 0, 0] {
        return Some(tail);
    }
    if seg[0] == 0x2002 {
        return Some(Ipv4Addr::new(o[2], o[3], o[4], o[5]));
    }
    None
}

/// A host as compared with the start hosts: lower case, no trailing dot, no brackets.
fn host_key(host: &str) -> String {
    host.trim_start_matches('[')
        .trim_end_matches(']')
        .trim_end_matches('.')
        .to_ascii_lowercase()
}

/// The hosts the user named, which alone may be internal.
#[derive(Debug, Clone, Default)]
pub struct Safety {
    start_hosts: Vec<String>,
}

impl Safety {
    /// A policy whose only trusted host is `start_host` (a name or an IP literal).
    pub fn new(start_host: &str) -> Safety {
        Safety {
            start_hosts: vec![host_key(start_host)],
        }
    }

    /// A policy for a start URL: its host is trusted.
    pub fn for_start(start: &Url) -> Safety {
        Safety::new(start.host_str().unwrap_or_default())
    }

    /// Trusts one more host (another start URL of the same run).
    pub fn allow_host(&mut self, host: &str) {
        let key = host_key(host);
        if !key.is_empty() && !self.start_hosts.contains(&key) {
            self.start_hosts.push(key);
        }
    }

    pub fn is_start_host(&self, host: &str) -> bool {
        let key = host_key(host);
        !key.is_empty() && self.start_hosts.contains(&key)
    }

    /// Whether a URL may be requested, as far as can be told without DNS.
    pub fn check_url(&self, url: &Url) -> Result<(), Refusal> {
        let scheme = url.scheme();
        if scheme != "http" && scheme != "https" {
            return Err(Refusal::Scheme(scheme.to_string()));
        }
        let host = url.host().ok_or(Refusal::NoHost)?;
        let host_s = url.host_str().unwrap_or_default();
        if self.is_start_host(host_s) {
            return Ok(());
        }
        match host {
            Host::Ipv4(v4) => self.check_addr(host_s, IpAddr::V4(v4)),
            Host::Ipv6(v6) => self.check_addr(host_s, IpAddr::V6(v6)),
            Host::Domain(d) => {
                let d = host_key(d);
                // Resolvers answer these from /etc/hosts without asking DNS.
                if d == "localhost" || d.ends_with(".localhost") {
                    return Err(Refusal::Internal {
                        host: host_s.to_string(),
                        addr: IpAddr::V4(Ipv4Addr::LOCALHOST),
                        class: "loopback",
                    });
                }
                Ok(())
            }
        }
    }

    /// Whether `host`, resolved to `addr`, may be connected to.
    pub fn check_addr(&self, host: &str, addr: IpAddr) -> Result<(), Refusal> {
        if self.is_start_host(host) {
            return Ok(());
        }
        match internal_class(addr) {
            Some(class) => Err(Refusal::Internal {
                host: host.to_string(),
                addr,
                class,
            }),
            None => Ok(()),
        }
    }

    /// The addresses of `host` that may be connected to; an error names the
    /// first refused one when none is left.
    pub fn filter(&self, host: &str, addrs: Vec<SocketAddr>) -> Result<Vec<SocketAddr>, Refusal> {
        let mut first_refusal = None;
        let mut kept = Vec::new();
        for a in addrs {
            match self.check_addr(host, a.ip()) {
                Ok(()) => kept.push(a),
                Err(r) => {
                    first_refusal.get_or_insert(r);
                }
            }
        }
        match (kept.is_empty(), first_refusal) {
            (true, Some(r)) => Err(r),
            _ => Ok(kept),
        }
    }
}

/// reqwest's DNS resolver with the [`Safety`] filter applied to every answer.
#[derive(Debug, Clone)]
pub struct SafeResolver {
    policy: Safety,
}

impl SafeResolver {
    /// `start_host` is the host of `--site` (`www.example.gov.cn`, `127.0.0.1`).
    /// The crawler builds its policy first (`with_policy`); tests name one host.
    #[cfg(test)]
    fn new(start_host: &str) -> SafeResolver {
        SafeResolver {
            policy: Safety::new(start_host),
        }
    }

    pub fn with_policy(policy: Safety) -> SafeResolver {
        SafeResolver { policy }
    }

    #[cfg(test)]
    fn policy(&self) -> &Safety {
        &self.policy
    }
}

impl Resolve for SafeResolver {
    fn resolve(&self, name: Name) -> Resolving {
        let policy = self.policy.clone();
        let host = name.as_str().to_string();
        Box::pin(async move {
            // The system resolver blocks; getaddrinfo is what reqwest uses by default too.
            let lookup = host.clone();
            let addrs: Vec<SocketAddr> =
                tokio::task::spawn_blocking(move || (lookup.as_str(), 0u16).to_socket_addrs())
                    .await
                    .map_err(|e| Box::new(e) as Box<dyn std::error::Error + Send + Sync>)?
                    .map_err(|e| Box::new(e) as Box<dyn std::error::Error + Send + Sync>)?
                    .collect();
            let kept = policy
                .filter(&host, addrs)
                .map_err(|e| Box::new(e) as Box<dyn std::error::Error + Send + Sync>)?;
            Ok(Box::new(kept.into_iter()) as Addrs)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap_or_else(|e| panic!("{s}: {e}"))
    }

    fn url(s: &str) -> Url {
        Url::parse(s).unwrap_or_else(|e| panic!("{s}: {e}"))
    }

    #[test]
    fn internal_ipv4_ranges_are_refused() {
        let cases = [
            ("10.0.0.1", "private"),
            ("10.255.255.255", "private"),
            ("172.16.0.1", "private"),
            ("172.31.255.254", "private"),
            ("192.168.1.1", "private"),
            ("127.0.0.1", "loopback"),
            ("127.200.0.9", "loopback"),
            ("169.254.169.254", "link-local"),
            ("0.0.0.0", "unspecified"),
            ("0.1.2.3", "unspecified"),
            ("224.0.0.1", "multicast"),
            ("239.255.255.250", "multicast"),
            ("100.64.0.1", "shared (CGNAT)"),
            ("100.127.255.254", "shared (CGNAT)"),
            ("255.255.255.255", "reserved"),
            ("240.0.0.1", "reserved"),
            ("192.0.0.170", "reserved"),
            ("198.18.0.1", "benchmarking"),
        ];
        for (a, class) in cases {
            assert_eq!(internal_class(ip(a)), Some(class), "{a}");
        }
    }

    #[test]
    fn public_ipv4_neighbours_of_internal_ranges_pass() {
        for a in [
            "9.255.255.255",
            "11.0.0.1",
            "172.15.255.255",
            "172.32.0.1",
            "192.167.255.255",
            "192.169.0.1",
            "169.253.255.255",
            "169.255.0.1",
            "100.63.255.255",
            "100.128.0.1",
            "223.255.255.255",
            "198.17.255.255",
            "198.20.0.1",
            "1.1.1.1",
            "202.96.134.133",
            "101.6.6.6",
        ] {
            assert_eq!(internal_class(ip(a)), None, "{a}");
        }
    }

    #[test]
    fn internal_ipv6_ranges_are_refused() {
        let cases = [
            ("::1", "loopback"),
            ("::", "unspecified"),
            ("fe80::1", "link-local"),
            ("febf:ffff::1", "link-local"),
            ("fec0::1", "site-local"),
            ("fc00::1", "unique-local"),
            ("fd12:3456:789a::1", "unique-local"),
            ("ff02::1", "multicast"),
            ("::ffff:127.0.0.1", "loopback"),
            ("::ffff:10.1.2.3", "private"),
            ("::ffff:169.254.169.254", "link-local"),
            ("::ffff:192.168.0.1", "private"),
            ("::ffff:100.64.1.1", "shared (CGNAT)"),
            ("::ffff:0.0.0.0", "unspecified"),
            ("::10.0.0.1", "private"),
            ("64:ff9b::a9fe:a9fe", "link-local"),
            ("64:ff9b::7f00:1", "loopback"),
            ("2002:c0a8:0101::1", "private"),
            ("2002:7f00:1::", "loopback"),
        ];
        for (a, class) in cases {
            assert_eq!(internal_class(ip(a)), Some(class), "{a}");
        }
    }

    #[test]
    fn public_ipv6_passes() {
        for a in [
            "2001:da8::1",
            "240e::1",
            "2400:3200::1",
            "fe7f:ffff::1",
            "fbff::1",
            "::ffff:8.8.8.8",
            "64:ff9b::808:808",
            "2002:0808:0808::1",
        ] {
            assert_eq!(internal_class(ip(a)), None, "{a}");
        }
    }

    #[test]
    fn only_http_and_https_are_fetched() {
        let s = Safety::new("www.example.gov.cn");
        for u in [
            "file:///etc/passwd",
            "ftp://www.example.gov.cn/a.pdf",
            "data:text/html,<b>x</b>",
            "javascript:alert(1)",
            "mailto:ban@example.gov.cn",
            "gopher://www.example.gov.cn/",
        ] {
            assert!(
                matches!(s.check_url(&url(u)), Err(Refusal::Scheme(_))),
                "{u}"
            );
        }
        assert_eq!(s.check_url(&url("https://www.example.gov.cn/a")), Ok(()));
        assert_eq!(s.check_url(&url("HTTP://WWW.EXAMPLE.GOV.CN/a")), Ok(()));
    }

    #[test]
    fn file_urls_are_refused_even_for_the_start_host() {
        let s = Safety::new("localhost");
        assert!(matches!(
            s.check_url(&url("file://localhost/etc/passwd")),
            Err(Refusal::Scheme(_))
        ));
    }

    #[test]
    fn ip_literals_are_judged_without_dns() {
        let s = Safety::new("www.example.gov.cn");
        for u in [
            "http://127.0.0.1/",
            "http://127.0.0.1:8080/admin",
            "http://169.254.169.254/latest/meta-data/",
            "http://10.0.0.8/",
            "http://[::1]/",
            "http://[fe80::1]/",
            "http://[::ffff:127.0.0.1]/",
            "http://[::ffff:a9fe:a9fe]/",
            "http://0.0.0.0/",
            "http://100.100.100.200/",
            // Spellings the URL parser turns into 127.0.0.1.
            "http://2130706433/",
            "http://0x7f.1/",
            "http://017700000001/",
            "http://127.1/",
        ] {
            assert!(
                matches!(s.check_url(&url(u)), Err(Refusal::Internal { .. })),
                "{u}"
            );
        }
        assert_eq!(s.check_url(&url("http://202.96.134.133/")), Ok(()));
        assert_eq!(s.check_url(&url("http://[2001:da8::1]/")), Ok(()));
    }

    #[test]
    fn localhost_names_are_refused_before_dns() {
        let s = Safety::new("www.example.gov.cn");
        for u in [
            "http://localhost/",
            "http://LOCALHOST:8080/",
            "http://localhost./",
            "http://admin.localhost/",
        ] {
            assert!(
                matches!(s.check_url(&url(u)), Err(Refusal::Internal { .. })),
                "{u}"
            );
        }
        // Names that merely contain the word are ordinary names.
        assert_eq!(
            s.check_url(&url("http://localhost.example.gov.cn/")),
            Ok(())
        );
        assert_eq!(s.check_url(&url("http://mylocalhost/")), Ok(()));
    }

    #[test]
    fn the_start_host_may_be_internal() {
        let s = Safety::for_start(&url("http://127.0.0.1:8080/"));
        assert_eq!(s.check_url(&url("http://127.0.0.1:8080/a.html")), Ok(()));
        // Another port on the same host is the same host.
        assert_eq!(s.check_url(&url("http://127.0.0.1:9090/")), Ok(()));
        // Another internal host is not.
        assert!(s.check_url(&url("http://127.0.0.2:8080/")).is_err());
        assert!(s.check_url(&url("http://10.0.0.1/")).is_err());

        let s = Safety::for_start(&url("http://[::1]:8080/"));
        assert_eq!(s.check_url(&url("http://[::1]/x")), Ok(()));
        assert!(s.check_url(&url("http://[::ffff:127.0.0.1]/x")).is_err());

        let s = Safety::new("Intranet.Example.GOV.cn.");
        assert_eq!(
            s.check_addr("intranet.example.gov.cn", ip("10.1.2.3")),
            Ok(())
        );
        assert!(
            s.check_addr("other.example.gov.cn", ip("10.1.2.3"))
                .is_err()
        );
    }

    #[test]
    fn further_start_hosts_are_trusted() {
        let mut s = Safety::new("127.0.0.1");
        s.allow_host("127.0.0.2");
        s.allow_host("");
        assert_eq!(s.check_url(&url("http://127.0.0.2:81/")), Ok(()));
        assert!(s.check_url(&url("http://127.0.0.3/")).is_err());
        assert!(!s.is_start_host(""));
    }

    #[test]
    fn hostnames_pass_until_resolved() {
        let s = Safety::new("www.example.gov.cn");
        assert_eq!(s.check_url(&url("http://intranet.example.gov.cn/")), Ok(()));
        assert!(
            s.check_addr("intranet.example.gov.cn", ip("10.1.2.3"))
                .is_err()
        );
        assert_eq!(s.check_addr("www.gov.cn", ip("202.96.134.133")), Ok(()));
    }

    #[test]
    fn filter_keeps_public_addresses_and_refuses_all_internal() {
        let s = Safety::new("www.example.gov.cn");
        let sock = |a: &str| SocketAddr::new(ip(a), 0);
        let kept = s
            .filter(
                "mixed.example.gov.cn",
                vec![sock("10.0.0.1"), sock("202.96.134.133")],
            )
            .ok();
        assert_eq!(kept, Some(vec![sock("202.96.134.133")]));
        let refused = s.filter(
            "inside.example.gov.cn",
            vec![sock("192.168.1.1"), sock("::1")],
        );
        match refused {
            Err(Refusal::Internal { host, addr, class }) => {
                assert_eq!(host, "inside.example.gov.cn");
                assert_eq!(addr, ip("192.168.1.1"));
                assert_eq!(class, "private");
            }
            other => panic!("expected a refusal, got {other:?}"),
        }
        assert_eq!(s.filter("none.example.gov.cn", vec![]), Ok(vec![]));
        let start = s.filter("www.example.gov.cn", vec![sock("10.0.0.1")]);
        assert_eq!(start, Ok(vec![sock("10.0.0.1")]));
    }

    #[test]
    fn refusals_say_what_and_why() {
        let s = Safety::new("www.example.gov.cn");
        let msg = s
            .check_url(&url("http://169.254.169.254/latest/"))
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        assert!(msg.contains("169.254.169.254"), "{msg}");
        assert!(msg.contains("link-local"), "{msg}");
        let msg = s
            .check_url(&url("file:///etc/passwd"))
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        assert!(msg.contains("file:"), "{msg}");
    }

    fn resolve(r: &SafeResolver, name: &str) -> Result<Vec<SocketAddr>, String> {
        let rt = tokio::runtime::Builder::new_current_thread()
            .build()
            .map_err(|e| e.to_string())?;
        let name: Name = name.parse().map_err(|_| "bad name".to_string())?;
        rt.block_on(r.resolve(name))
            .map(|addrs| addrs.collect())
            .map_err(|e| e.to_string())
    }

    // Only `localhost` and IP literals: answered from /etc/hosts, no packet leaves.
    #[test]
    fn resolver_refuses_names_that_resolve_inside() {
        let r = SafeResolver::new("www.example.gov.cn");
        let err = resolve(&r, "localhost").err().unwrap_or_default();
        assert!(err.contains("loopback"), "{err}");
        let err = resolve(&r, "127.0.0.1").err().unwrap_or_default();
        assert!(err.contains("loopback"), "{err}");
    }

    #[test]
    fn resolver_lets_the_start_host_through() {
        let r = SafeResolver::new("localhost");
        let addrs = resolve(&r, "localhost").unwrap_or_default();
        assert!(!addrs.is_empty());
        assert!(addrs.iter().all(|a| a.ip().is_loopback()), "{addrs:?}");
        let r = SafeResolver::new("127.0.0.1");
        let addrs = resolve(&r, "127.0.0.1").unwrap_or_default();
        assert_eq!(addrs, vec![SocketAddr::new(ip("127.0.0.1"), 0)]);
        assert!(r.policy().is_start_host("127.0.0.1"));
    }
}

//! `--baseline PREVIOUS.json`: compares this run with an earlier JSON report by
//! finding id, so that a site with old debt can fail CI only on new problems
//! and an office can see what was fixed since the last run.

use std::collections::HashSet;
use std::path::Path;

use serde::Serialize;

use super::finding::Status;
use super::{Report, site_key};
use crate::error::AuditError;

/// A finding of the previous report that this run no longer finds, as that
/// report described it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FixedFinding {
    pub id: String,
    pub rule: String,
    pub kind: String,
    pub severity: String,
    pub url: String,
    pub title: Option<String>,
    pub column: Option<String>,
    pub message: String,
}

/// One previous report: its site and findings.
#[derive(Debug, Clone, Default)]
pub struct Previous {
    pub site: Option<String>,
    pub findings: Vec<FixedFinding>,
}

/// The previous run: one report, or several (`{"reports": […]}` from a run
/// over several sites), each compared with the report of the same site.
#[derive(Debug, Clone, Default)]
pub struct Baseline {
    pub reports: Vec<Previous>,
}

impl FixedFinding {
    /// The page's title as a report shows it: its URL when it has none.
    pub fn shown_title(&self) -> &str {
        super::finding::shown_title(self.title.as_deref(), &self.url)
    }
}

fn text(v: &serde_json::Value, key: &str) -> Option<String> {
    v.get(key).and_then(|s| s.as_str()).map(str::to_string)
}

impl Baseline {
    pub fn load(path: &Path) -> Result<Baseline, AuditError> {
        let bytes = std::fs::read(path).map_err(|e| {
            AuditError::Usage(format!("cannot read the baseline {}: {e}", path.display()))
        })?;
        Baseline::parse(&bytes).map_err(|m| {
            AuditError::Usage(format!(
                "the baseline {} is not a JSON report of this tool: {m}; write one with --format json",
                path.display()
            ))
        })
    }

    pub fn parse(bytes: &[u8]) -> Result<Baseline, String> {
        let v: serde_json::Value = serde_json::from_slice(bytes).map_err(|e| e.to_string())?;
        let reports = match v.get("reports").and_then(|r| r.as_array()) {
            // A site that could not be audited last time has no findings to compare.
            Some(many) => many
                .iter()
                .filter(|r| r.get("findings").is_some())
                .map(Baseline::parse_one)
                .collect::<Result<Vec<_>, _>>()?,
            None => vec![Baseline::parse_one(&v)?],
        };
        Ok(Baseline { reports })
    }

    fn parse_one(v: &serde_json::Value) -> Result<Previous, String> {
        let list = v
            .get("findings")
            .and_then(|f| f.as_array())
            .ok_or("it has no `findings` array")?;
        let mut findings = Vec::new();
        for (i, f) in list.iter().enumerate() {
            let id = text(f, "id").ok_or_else(|| format!("finding {} has no `id`", i + 1))?;
            findings.push(FixedFinding {
                id,
                rule: text(f, "rule").unwrap_or_default(),
                kind: text(f, "kind").unwrap_or_default(),
                severity: text(f, "severity").unwrap_or_default(),
                url: text(f, "url").unwrap_or_default(),
                title: text(f, "title"),
                column: text(f, "column"),
                message: text(f, "message").unwrap_or_default(),
            });
        }
        Ok(Previous {
            site: text(v, "site"),
            findings,
        })
    }

    /// The previous report of `site`; a single previous report stands for any
    /// site, since a directory may be audited under another path next time.
    fn for_site(&self, site: &str) -> Option<&Previous> {
        match self.reports.as_slice() {
            [one] => Some(one),
            many => many
                .iter()
                .find(|p| p.site.as_deref().map(site_key) == Some(site_key(site))),
        }
    }

    /// Marks each finding `new` or `persisting` and lists the fixed ones.
    pub fn apply(&self, report: &mut Report) {
        let previous: &[FixedFinding] = self
            .for_site(&report.site)
            .map_or(&[], |p| p.findings.as_slice());
        let before: HashSet<&str> = previous.iter().map(|f| f.id.as_str()).collect();
        let now: HashSet<String> = report.findings.iter().map(|f| f.id.clone()).collect();
        let (mut new, mut persisting) = (0, 0);
        for f in &mut report.findings {
            if before.contains(f.id.as_str()) {
                f.status = Some(Status::Persisting);
                persisting += 1;
            } else {
                f.status = Some(Status::New);
                new += 1;
            }
        }
        let mut seen = HashSet::new();
        let fixed: Vec<FixedFinding> = previous
            .iter()
            .filter(|f| !now.contains(&f.id) && seen.insert(f.id.clone()))
            .cloned()
            .collect();
        report.summary.new = Some(new);
        report.summary.persisting = Some(persisting);
        report.summary.fixed = Some(fixed.len());
        report.fixed = Some(fixed);
    }
}

impl Report {
    /// Whether any finding is new against the baseline.
    pub fn has_new(&self) -> bool {
        self.findings
            .iter()
            .any(|f| f.status == Some(Status::New) && f.can_fail())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::finding::Finding;

    fn f(id: &str) -> Finding {
        Finding::sample(id)
    }

    #[test]
    fn new_persisting_fixed() {
        let prev = br#"{"findings":[{"id":"a","message":"old a"},{"id":"b","message":"old b"}]}"#;
        let b = Baseline::parse(prev).expect("parses");
        let as_of = "2019-03-20".parse().expect("date");
        let mut r = Report::new("s".into(), as_of, 1, vec![f("a"), f("c")]);
        b.apply(&mut r);
        let status: Vec<_> = r
            .findings
            .iter()
            .map(|f| (f.id.as_str(), f.status))
            .collect();
        assert!(status.contains(&("a", Some(Status::Persisting))));
        assert!(status.contains(&("c", Some(Status::New))));
        let fixed = r.fixed.as_ref().expect("fixed list");
        assert_eq!(fixed.len(), 1);
        assert_eq!(fixed[0].id, "b");
        assert_eq!(fixed[0].message, "old b");
        assert_eq!(
            (r.summary.new, r.summary.persisting, r.summary.fixed),
            (Some(1), Some(1), Some(1))
        );
        assert!(r.has_new());
    }

    #[test]
    fn several_sites_are_compared_site_by_site() {
        let prev = br#"{"reports":[
            {"site":"http://a/","findings":[{"id":"a1","message":"m"}]},
            {"site":"http://b/","error":"unreachable"},
            {"site":"http://c/","findings":[{"id":"c1","message":"m"}]}]}"#;
        let b = Baseline::parse(prev).expect("parses");
        let as_of = "2019-03-20".parse().expect("date");
        let mut r = Report::new("http://c".into(), as_of, 1, vec![f("c1")]);
        b.apply(&mut r);
        assert_eq!(r.findings[0].status, Some(Status::Persisting));
        assert_eq!(
            r.fixed.as_ref().map(Vec::len),
            Some(0),
            "a1 is another site's"
        );
        let mut r = Report::new("http://b/".into(), as_of, 1, vec![f("b1")]);
        b.apply(&mut r);
        assert_eq!(r.findings[0].status, Some(Status::New));
    }

    #[test]
    fn not_a_report() {
        assert!(Baseline::parse(b"[]").is_err());
        assert!(Baseline::parse(b"{\"findings\":[{}]}").is_err());
        assert!(Baseline::parse(b"not json").is_err());
    }
}

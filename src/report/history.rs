//! `--history FILE`: every run kept in an SQLite database (run date, site,
//! counts by severity and kind, each finding's first-seen date), so that
//! `audit history --site URL` shows the trend and the reports show how long
//! each problem has been open. Each run is written in one transaction: a run
//! interrupted half-way leaves the database as it was.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::fmt::Write;
use std::path::Path;

use jiff::civil::Date;
use rusqlite::{Connection, OpenFlags, OptionalExtension, TransactionBehavior, params};

use super::labels::Labels;
use super::{Report, site_key};
use crate::error::AuditError;
use crate::rules::Severity;

const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS runs (
    id          INTEGER PRIMARY KEY,
    site        TEXT NOT NULL,
    as_of       TEXT NOT NULL,
    run_at      TEXT NOT NULL,
    pages       INTEGER NOT NULL,
    findings    INTEGER NOT NULL,
    errors      INTEGER NOT NULL,
    warnings    INTEGER NOT NULL,
    infos       INTEGER NOT NULL,
    new         INTEGER NOT NULL,
    fixed       INTEGER NOT NULL,
    incomplete  INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS runs_site ON runs (site, as_of);
CREATE TABLE IF NOT EXISTS run_kinds (
    run_id  INTEGER NOT NULL REFERENCES runs (id),
    kind    TEXT NOT NULL,
    count   INTEGER NOT NULL,
    PRIMARY KEY (run_id, kind)
);
CREATE TABLE IF NOT EXISTS run_findings (
    run_id      INTEGER NOT NULL REFERENCES runs (id),
    finding_id  TEXT NOT NULL,
    PRIMARY KEY (run_id, finding_id)
);
CREATE TABLE IF NOT EXISTS visits (
    site    TEXT NOT NULL,
    at      INTEGER NOT NULL,
    status  INTEGER NOT NULL,
    millis  INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS visits_site ON visits (site, at);
CREATE TABLE IF NOT EXISTS findings (
    site        TEXT NOT NULL,
    id          TEXT NOT NULL,
    first_seen  TEXT NOT NULL,
    last_seen   TEXT NOT NULL,
    rule        TEXT NOT NULL,
    kind        TEXT NOT NULL,
    url         TEXT NOT NULL,
    PRIMARY KEY (site, id)
);
";

fn db_err(path: &Path) -> impl Fn(rusqlite::Error) -> AuditError + '_ {
    move |e| AuditError::Output(format!("history database {}: {e}", path.display()))
}

fn count(n: usize) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}

/// Records `report` as one run and fills in each finding's `first_seen`.
/// A finding that was absent from the site's previous run counts as new again.
/// Adds one visit to the start page (status 0: no answer), for availability.
fn add_visit(
    tx: &rusqlite::Transaction<'_>,
    site: &str,
    at: jiff::Timestamp,
    probe: crate::source::Probe,
) -> rusqlite::Result<usize> {
    tx.execute(
        "INSERT INTO visits (site, at, status, millis) VALUES (?1, ?2, ?3, ?4)",
        params![
            site,
            // The visit's own time; the run's end for a visit made without one.
            if probe.at > 0 {
                probe.at
            } else {
                at.as_second()
            },
            i64::from(probe.status),
            i64::try_from(probe.millis).unwrap_or(i64::MAX)
        ],
    )
}

/// Records one visit to the start page and nothing else (`--visit-only`):
/// no run, no findings, so the trend and first-seen dates are the full audits'.
pub fn record_visit(
    path: &Path,
    site: &str,
    probe: crate::source::Probe,
    at: jiff::Timestamp,
) -> Result<(), AuditError> {
    let err = db_err(path);
    let mut conn = open_for_writing(path)?;
    let tx = conn
        .transaction_with_behavior(TransactionBehavior::Immediate)
        .map_err(&err)?;
    add_visit(&tx, site_key(site), at, probe).map_err(&err)?;
    tx.commit().map_err(&err)
}

/// The database, created with its tables if need be.
fn open_for_writing(path: &Path) -> Result<Connection, AuditError> {
    let err = db_err(path);
    let conn = Connection::open(path).map_err(&err)?;
    // A second audit writing the same file waits for the first instead of failing.
    conn.busy_timeout(std::time::Duration::from_secs(30))
        .map_err(&err)?;
    conn.execute_batch(SCHEMA).map_err(&err)?;
    Ok(conn)
}

/// Records a run that could not reach the start page at all: a failed visit,
/// which availability counts (an hourly cron gives the inspectors' measure).
pub fn record_unreachable(path: &Path, site: &str, at: jiff::Timestamp) -> Result<(), AuditError> {
    let failed = crate::source::Probe {
        status: 0,
        millis: 0,
        at: at.as_second(),
    };
    record_visit(path, site, failed, at)
}

/// The start page's visits of the last `days` days before `now`, and how
/// many of them failed (no answer, an error status) or took `max_seconds` or more.
pub fn visits(
    path: &Path,
    site: &str,
    now: jiff::Timestamp,
    days: u32,
    max_seconds: u32,
) -> Result<(usize, usize), AuditError> {
    let err = db_err(path);
    let conn = Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_ONLY).map_err(&err)?;
    let since = now.as_second() - i64::from(days) * 86_400;
    conn.query_row(
        "SELECT COUNT(*), COALESCE(SUM(status = 0 OR status >= 400 OR millis >= ?3), 0)
         FROM visits WHERE site = ?1 AND at >= ?2",
        params![site_key(site), since, i64::from(max_seconds) * 1000],
        |r| {
            let n: i64 = r.get(0)?;
            let failed: i64 = r.get(1)?;
            Ok((
                usize::try_from(n).unwrap_or(0),
                usize::try_from(failed).unwrap_or(0),
            ))
        },
    )
    .map_err(&err)
}

pub fn record(path: &Path, report: &mut Report, run_at: jiff::Timestamp) -> Result<(), AuditError> {
    let err = db_err(path);
    let mut conn = open_for_writing(path)?;
    let tx = conn
        .transaction_with_behavior(TransactionBehavior::Immediate)
        .map_err(&err)?;
    let site = site_key(&report.site).to_string();
    let as_of = report.as_of.to_string();

    let prev_run: Option<i64> = tx
        .query_row(
            "SELECT id FROM runs WHERE site = ?1 ORDER BY as_of DESC, id DESC LIMIT 1",
            params![site],
            |r| r.get(0),
        )
        .optional()
        .map_err(&err)?;
    let mut prev_ids: HashSet<String> = HashSet::new();
    if let Some(run) = prev_run {
        let mut st = tx
            .prepare("SELECT finding_id FROM run_findings WHERE run_id = ?1")
            .map_err(&err)?;
        let rows = st
            .query_map(params![run], |r| r.get::<_, String>(0))
            .map_err(&err)?;
        for id in rows {
            prev_ids.insert(id.map_err(&err)?);
        }
    }

    // The first-seen dates the site's findings already have, read once rather
    // than one query per finding.
    let mut stored: HashMap<String, String> = HashMap::new();
    {
        let mut st = tx
            .prepare("SELECT id, first_seen FROM findings WHERE site = ?1")
            .map_err(&err)?;
        let rows = st
            .query_map(params![site], |r| {
                Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?))
            })
            .map_err(&err)?;
        for row in rows {
            let (id, first_seen) = row.map_err(&err)?;
            stored.insert(id, first_seen);
        }
    }

    let mut new = 0usize;
    {
        let mut upsert = tx
            .prepare(
                "INSERT INTO findings (site, id, first_seen, last_seen, rule, kind, url)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
                 ON CONFLICT (site, id) DO UPDATE SET
                    first_seen = excluded.first_seen, last_seen = excluded.last_seen,
                    rule = excluded.rule, kind = excluded.kind, url = excluded.url",
            )
            .map_err(&err)?;
        for f in &mut report.findings {
            let before = stored.get(&f.id).and_then(|s| s.parse::<Date>().ok());
            let open_since = match before {
                Some(d) if prev_ids.contains(&f.id) => d.min(report.as_of),
                _ => {
                    new += 1;
                    report.as_of
                }
            };
            f.first_seen = Some(open_since);
            upsert
                .execute(params![
                    site,
                    f.id,
                    open_since.to_string(),
                    as_of,
                    f.rule,
                    f.kind,
                    f.url
                ])
                .map_err(&err)?;
        }
    }
    let now: HashSet<&str> = report.findings.iter().map(|f| f.id.as_str()).collect();
    let fixed = prev_ids
        .iter()
        .filter(|id| !now.contains(id.as_str()))
        .count();
    let sev = |s: Severity| count(report.summary.count(s));
    tx.execute(
        "INSERT INTO runs (site, as_of, run_at, pages, findings, errors, warnings, infos, new, fixed, incomplete)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
        params![
            site,
            as_of,
            run_at.to_string(),
            count(report.summary.pages),
            count(report.findings.len()),
            sev(Severity::Error),
            sev(Severity::Warning),
            sev(Severity::Info),
            count(new),
            count(fixed),
            report.incomplete,
        ],
    )
    .map_err(&err)?;
    let run_id = tx.last_insert_rowid();
    {
        let mut kinds = tx
            .prepare("INSERT INTO run_kinds (run_id, kind, count) VALUES (?1, ?2, ?3)")
            .map_err(&err)?;
        for (kind, n) in &report.summary.by_kind {
            kinds
                .execute(params![run_id, kind, count(*n)])
                .map_err(&err)?;
        }
        let mut ids = tx
            .prepare("INSERT OR IGNORE INTO run_findings (run_id, finding_id) VALUES (?1, ?2)")
            .map_err(&err)?;
        for id in &now {
            ids.execute(params![run_id, id]).map_err(&err)?;
        }
    }
    if let Some(probe) = report.probe {
        add_visit(&tx, &site, run_at, probe).map_err(&err)?;
    }
    tx.commit().map_err(&err)
}

/// One row of the trend table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Run {
    pub as_of: String,
    pub run_at: String,
    pub pages: i64,
    pub findings: i64,
    pub errors: i64,
    pub warnings: i64,
    pub new: i64,
    pub fixed: i64,
    pub by_kind: BTreeMap<String, i64>,
}

/// The sites the database holds runs of, as they were recorded.
pub fn sites(path: &Path) -> Result<Vec<String>, AuditError> {
    let err = db_err(path);
    let conn =
        Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_WRITE).map_err(&err)?;
    conn.busy_timeout(std::time::Duration::from_secs(30))
        .map_err(&err)?;
    let mut st = conn
        .prepare("SELECT DISTINCT site FROM runs ORDER BY site")
        .map_err(&err)?;
    let rows = st.query_map([], |r| r.get::<_, String>(0)).map_err(&err)?;
    rows.map(|r| r.map_err(&err)).collect()
}

/// The site's runs, oldest first.
pub fn runs(path: &Path, site: &str) -> Result<Vec<Run>, AuditError> {
    let err = db_err(path);
    if !path.is_file() {
        return Err(AuditError::Usage(format!(
            "no history database at {}; audits write one with --history FILE",
            path.display()
        )));
    }
    // Read-write, not read-only: after a run killed mid-write, SQLite must be
    // able to roll its hot journal back before anyone can read.
    let conn =
        Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_WRITE).map_err(&err)?;
    conn.busy_timeout(std::time::Duration::from_secs(30))
        .map_err(&err)?;
    let mut st = conn
        .prepare(
            "SELECT id, as_of, run_at, pages, findings, errors, warnings, new, fixed
             FROM runs WHERE site = ?1 ORDER BY as_of, id",
        )
        .map_err(&err)?;
    let rows = st
        .query_map(params![site_key(site)], |r| {
            Ok((
                r.get::<_, i64>(0)?,
                Run {
                    as_of: r.get(1)?,
                    run_at: r.get(2)?,
                    pages: r.get(3)?,
                    findings: r.get(4)?,
                    errors: r.get(5)?,
                    warnings: r.get(6)?,
                    new: r.get(7)?,
                    fixed: r.get(8)?,
                    by_kind: BTreeMap::new(),
                },
            ))
        })
        .map_err(&err)?;
    let mut out = Vec::new();
    let mut kinds = conn
        .prepare("SELECT kind, count FROM run_kinds WHERE run_id = ?1")
        .map_err(&err)?;
    for row in rows {
        let (id, mut run) = row.map_err(&err)?;
        let k = kinds
            .query_map(params![id], |r| {
                Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?))
            })
            .map_err(&err)?;
        for kv in k {
            let (kind, n) = kv.map_err(&err)?;
            run.by_kind.insert(kind, n);
        }
        out.push(run);
    }
    Ok(out)
}

/// Terminal columns a string takes: CJK characters are two wide.
fn width(s: &str) -> usize {
    s.chars()
        .map(|c| if (c as u32) >= 0x1100 { 2 } else { 1 })
        .sum()
}

/// The trend table `audit history` prints, at most `max_width` terminal
/// columns wide: the counts by kind that do not fit follow in further
/// tables, each led by the audit date, as wide data is printed in R or pandas.
pub fn trend(runs: &[Run], l: &Labels, max_width: usize) -> String {
    if runs.is_empty() {
        return format!("{}\n", &l.no_history);
    }
    let kinds: BTreeSet<&str> = runs
        .iter()
        .flat_map(|r| r.by_kind.keys().map(String::as_str))
        .collect();
    let mut header: Vec<String> = l.history_header.iter().map(|s| s.to_string()).collect();
    header.extend(kinds.iter().map(|k| l.kind_name(k).to_string()));
    let mut table = vec![header];
    for r in runs {
        // The run time to the minute is enough to tell runs apart.
        let run_at: String = r
            .run_at
            .chars()
            .take(16)
            .collect::<String>()
            .replace('T', " ");
        let mut row = vec![
            r.as_of.clone(),
            run_at,
            r.pages.to_string(),
            r.findings.to_string(),
            r.errors.to_string(),
            r.warnings.to_string(),
            r.new.to_string(),
            r.fixed.to_string(),
        ];
        row.extend(
            kinds
                .iter()
                .map(|k| r.by_kind.get(*k).copied().unwrap_or(0).to_string()),
        );
        table.push(row);
    }
    let cols = table[0].len();
    let widths: Vec<usize> = (0..cols)
        .map(|c| table.iter().map(|r| width(&r[c])).max().unwrap_or(0))
        .collect();
    // Each column takes its width and two spaces before the next.
    let fixed = l.history_header.len().min(cols);
    let mut groups: Vec<Vec<usize>> = vec![(0..fixed).collect()];
    for c in fixed..cols {
        let used = |g: &[usize]| g.iter().map(|&i| widths[i] + 2).sum::<usize>();
        let last = groups.len() - 1;
        if used(&groups[last]) + widths[c] > max_width && groups[last].len() > 1 {
            groups.push(vec![0]);
        }
        let last = groups.len() - 1;
        groups[last].push(c);
    }
    let mut out = String::new();
    for (gi, group) in groups.iter().enumerate() {
        if gi > 0 {
            out.push('\n');
        }
        for row in &table {
            let mut line = String::new();
            for &c in group {
                let cell = &row[c];
                let pad = widths[c].saturating_sub(width(cell));
                if c < 2 {
                    let _ = write!(line, "{cell}{}  ", " ".repeat(pad));
                } else {
                    let _ = write!(line, "{}{cell}  ", " ".repeat(pad));
                }
            }
            let _ = writeln!(out, "{}", line.trim_end());
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::Lang;
    use crate::report::finding::Finding;
    use crate::report::labels::shipped;

    fn f(id: &str) -> Finding {
        Finding {
            rule: "news-weekly".into(),
            kind: "freshness".into(),
            ..Finding::sample(id)
        }
    }

    fn run(db: &Path, as_of: &str, ids: &[&str]) -> Report {
        let d: Date = as_of.parse().expect("date");
        let mut r = Report::new("http://x/".into(), d, 3, ids.iter().map(|i| f(i)).collect());
        record(db, &mut r, jiff::Timestamp::UNIX_EPOCH).expect("record");
        r
    }

    fn seen(r: &Report, id: &str) -> Option<String> {
        r.findings
            .iter()
            .find(|f| f.id == id)
            .and_then(|f| f.first_seen)
            .map(|d| d.to_string())
    }

    #[test]
    fn first_seen_survives_runs_and_resets_after_a_fix() {
        let dir = tempfile::tempdir().expect("tmp");
        let db = dir.path().join("h.sqlite");
        run(&db, "2019-03-01", &["a", "b"]);
        let r = run(&db, "2019-03-08", &["a", "c"]);
        assert_eq!(seen(&r, "a").as_deref(), Some("2019-03-01"));
        assert_eq!(seen(&r, "c").as_deref(), Some("2019-03-08"));
        // `b` was fixed on 03-08 and comes back: it is open since its return.
        let r = run(&db, "2019-03-15", &["a", "b"]);
        assert_eq!(seen(&r, "b").as_deref(), Some("2019-03-15"));
        let runs = runs(&db, "http://x").expect("runs");
        assert_eq!(runs.len(), 3);
        assert_eq!(
            runs.iter().map(|r| (r.new, r.fixed)).collect::<Vec<_>>(),
            vec![(2, 0), (1, 1), (1, 1)]
        );
        assert_eq!(runs[2].by_kind.get("freshness"), Some(&2));
        let table = trend(&runs, &shipped(Lang::En), 100);
        assert_eq!(table.lines().count(), 4);
        assert!(table.contains("2019-03-15"));
    }

    #[test]
    fn a_wide_trend_wraps_its_kinds_into_further_tables() {
        let kinds = [
            "freshness",
            "missing-metadata",
            "publish-lag",
            "punctuation",
            "stale-notice",
            "typo",
            "broken-link",
            "broken-nav",
        ];
        let runs: Vec<Run> = ["2019-03-06", "2019-03-13"]
            .iter()
            .map(|d| Run {
                as_of: d.to_string(),
                run_at: "2019-03-06T02:30:00Z".into(),
                pages: 41,
                findings: 10,
                errors: 4,
                warnings: 6,
                new: 1,
                fixed: 0,
                by_kind: kinds.iter().map(|k| (k.to_string(), 1)).collect(),
            })
            .collect();
        let l = shipped(Lang::Zh);
        let table = trend(&runs, &l, 100);
        assert!(table.lines().all(|line| width(line) <= 100), "{table}");
        // Every kind is shown once, and every table is led by the audit date.
        for k in kinds {
            assert_eq!(table.matches(l.kind_name(k)).count(), 1, "{table}");
        }
        let tables: Vec<&str> = table.split("\n\n").collect();
        assert!(tables.len() > 1, "{table}");
        assert!(tables.iter().all(|t| t.starts_with(&l.history_header[0])));
        // A wide terminal shows one table.
        assert!(!trend(&runs, &l, 300).contains("\n\n"));
    }

    #[test]
    fn visits_are_counted_in_their_window() {
        let dir = tempfile::tempdir().expect("tmp");
        let db = dir.path().join("h.sqlite");
        let d: Date = "2019-03-02".parse().expect("date");
        let mut r = Report::new("http://x/".into(), d, 1, vec![f("a")]);
        r.probe = Some(crate::source::Probe {
            status: 200,
            millis: 120,
            at: 10 * 86_400 - 60,
        });
        let day = jiff::Timestamp::from_second(10 * 86_400).expect("time");
        record(&db, &mut r, day).expect("record");
        record_unreachable(&db, "http://x", day).expect("record");
        // Both visits, the unreachable one failed; a 0 s limit fails both.
        assert_eq!(
            visits(&db, "http://x/", day, 7, 15).expect("visits"),
            (2, 1)
        );
        assert_eq!(visits(&db, "http://x/", day, 7, 0).expect("visits"), (2, 2));
        // Eight days later they are out of a 7-day window.
        let later = jiff::Timestamp::from_second(18 * 86_400 + 1).expect("time");
        assert_eq!(
            visits(&db, "http://x/", later, 7, 15).expect("visits"),
            (0, 0)
        );
    }

    #[test]
    fn missing_database_is_a_usage_error() {
        let dir = tempfile::tempdir().expect("tmp");
        assert!(runs(&dir.path().join("none.sqlite"), "x").is_err());
    }
}

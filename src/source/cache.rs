//! `--cache DIR`: what the last crawl of a site learned, so that the next one
//! can ask "changed since?" and reuse the page record on `304 Not Modified`.
//!
//! One file per site, JSON Lines: a header line (format version and a
//! fingerprint of the tool version and extraction settings, since a record
//! extracted differently is not reusable) and one line per page, a pair
//! `[head, record]`: a small head with the URL, the validators and when the
//! server last vouched for the page (`checked`, Unix seconds, for
//! `--max-cache-age`), then the page record. Opening the cache reads only the
//! heads; a record is parsed when it is reused, and a 304 rewrites only the
//! head. A record that turns out unreadable then is fetched again.
//!
//! The new file is written as the crawl goes, to a temporary name, and renamed
//! over the old one at the end, so a crash leaves the previous cache intact.
//! An unreadable or older cache is set aside with a note, never an error.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use rustc_hash::FxHashMap;
use serde::{Deserialize, Serialize};

use super::fetch::Validators;
use crate::extract::record::PageRecord;
use crate::output::AtomicFile;
use crate::report::labels::Labels;

/// Bumped whenever the layout of the file changes.
pub const FORMAT: u32 = 3;

#[derive(Debug, Serialize, Deserialize)]
struct Header {
    format: u32,
    fingerprint: String,
    site: String,
}

/// What is read of each line when the cache is opened: the first of the pair.
#[derive(Debug, Deserialize)]
struct Head {
    /// A line without it counts as never checked.
    #[serde(default)]
    checked: u64,
    url: String,
    #[serde(default)]
    etag: Option<String>,
    #[serde(default)]
    last_modified: Option<String>,
}

/// A cached page: its validators and its line, kept as read.
#[derive(Debug, Clone)]
pub struct Entry {
    pub url: String,
    pub validators: Validators,
    /// When the server last sent or confirmed this copy (Unix seconds).
    pub checked: u64,
    /// The whole line, newline included: written back as it is when the page
    /// is reused without asking, with a new head after a 304.
    pub line: Line,
    /// Bytes of the head, after the line's opening `[`.
    head_len: usize,
}

/// One line of a cache file as bytes (the record is checked as text only when
/// it is parsed): a part of the file as read, not copied, or a new line.
#[derive(Debug, Clone)]
pub struct Line {
    buf: Arc<Vec<u8>>,
    range: std::ops::Range<usize>,
}

impl From<Vec<u8>> for Line {
    fn from(v: Vec<u8>) -> Line {
        Line {
            range: 0..v.len(),
            buf: Arc::new(v),
        }
    }
}

impl std::ops::Deref for Line {
    type Target = [u8];
    fn deref(&self) -> &[u8] {
        self.buf.get(self.range.clone()).unwrap_or_default()
    }
}

impl Entry {
    /// Whether the server vouched for this copy less than `max_age` before `now`.
    /// A time in the future (a clock set back) is not trusted; 0 is never.
    pub fn fresh(&self, max_age: std::time::Duration, now: u64) -> bool {
        self.checked > 0 && now >= self.checked && now - self.checked < max_age.as_secs()
    }

    /// The line with `checked` set to `now`, after the server answered 304:
    /// a new head, and the record as it was.
    pub fn restamped(self, now: u64) -> Line {
        let head = serde_json::to_string(&HeadRef {
            checked: now,
            url: &self.url,
            etag: self.validators.etag.as_deref(),
            last_modified: self.validators.last_modified.as_deref(),
        });
        match (head, self.line.get(1 + self.head_len..)) {
            (Ok(head), Some(rest)) => {
                let mut out = Vec::with_capacity(1 + head.len() + rest.len());
                out.push(b'[');
                out.extend_from_slice(head.as_bytes());
                out.extend_from_slice(rest);
                out.into()
            }
            _ => self.line,
        }
    }

    /// The cached record; `None` if the line does not hold one that this version reads.
    pub fn record(&self) -> Option<PageRecord> {
        serde_json::from_slice::<(serde::de::IgnoredAny, PageRecord)>(&self.line)
            .ok()
            .map(|(_, r)| r)
    }
}

#[derive(Serialize)]
struct HeadRef<'a> {
    checked: u64,
    url: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    etag: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    last_modified: Option<&'a str>,
}

/// Units of `--max-cache-age`, largest first.
const AGE_UNITS: [(char, u64); 4] = [('d', 86_400), ('h', 3_600), ('m', 60), ('s', 1)];

/// Reads `--max-cache-age`: seconds, or a number with `s`, `m`, `h` or `d`.
pub fn parse_age(text: &str) -> Result<std::time::Duration, String> {
    let t = text.trim();
    let (num, unit) = match t.char_indices().last() {
        Some((i, c)) if c.is_ascii_alphabetic() => (&t[..i], c.to_ascii_lowercase()),
        _ => (t, 's'),
    };
    let scale = AGE_UNITS.iter().find(|(u, _)| *u == unit).map(|(_, s)| *s);
    match (scale, num.trim().parse::<u64>()) {
        (Some(scale), Ok(n)) => Ok(std::time::Duration::from_secs(n.saturating_mul(scale))),
        _ => Err(format!(
            "`{text}` is not an age: use seconds or a number with s, m, h or d (12h)"
        )),
    }
}

/// An age as `parse_age` reads it, in its largest whole unit (`12h`, `90m`).
pub fn age_text(secs: u64) -> String {
    let (u, s) = AGE_UNITS
        .iter()
        .find(|(_, s)| secs % s == 0 && secs >= *s)
        .copied()
        .unwrap_or(('s', 1));
    format!("{}{u}", secs / s)
}

/// Now, in the cache's Unix seconds.
pub fn now() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

/// One line of the cache file for a page fetched at `checked`, or `None` when
/// the page has no validators (nothing to ask the server with next time) or
/// was not read well.
pub fn line(url: &str, v: &Validators, record: &PageRecord, checked: u64) -> Option<Line> {
    if v.is_empty() || record.error.is_some() || record.status != 200 {
        return None;
    }
    let head = serde_json::to_string(&HeadRef {
        checked,
        url,
        etag: v.etag.as_deref(),
        last_modified: v.last_modified.as_deref(),
    })
    .ok()?;
    let record = serde_json::to_string(record).ok()?;
    Some(format!("[{head},{record}]\n").into_bytes().into())
}

pub struct Cache {
    path: PathBuf,
    /// What the last run left; an entry lent to a request stays here until
    /// the request is settled, so a run that stops first keeps it.
    old: FxHashMap<String, Entry>,
    /// Lines or records that could not be read.
    bad: usize,
    /// The new cache being written; dropped (and its temporary file removed) on a write error.
    out: Option<AtomicFile>,
    pub notes: Vec<String>,
    /// The words of the run's notes.
    words: Arc<Labels>,
}

/// The cache file of one site: readable, stable across runs, unique per start URL.
pub fn file_for(dir: &Path, site: &str) -> PathBuf {
    let host: String = url::Url::parse(site)
        .ok()
        .and_then(|u| u.host_str().map(str::to_string))
        .unwrap_or_default()
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '.' || c == '-' {
                c
            } else {
                '_'
            }
        })
        .collect();
    dir.join(format!("{host}-{:016x}.jsonl", fnv1a(site.as_bytes())))
}

fn fnv1a(bytes: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in bytes {
        h ^= u64::from(*b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    h
}

/// A short stable hash of any text (the extraction settings, for the fingerprint).
pub fn digest(text: &str) -> String {
    format!("{:016x}", fnv1a(text.as_bytes()))
}

impl Cache {
    /// Opens the cache of `site` in `dir`, reading what the last run left.
    pub fn open(
        dir: &Path,
        site: &str,
        fingerprint: &str,
        words: Arc<Labels>,
    ) -> Result<Cache, String> {
        std::fs::create_dir_all(dir)
            .map_err(|e| format!("cannot create the cache folder {}: {e}", dir.display()))?;
        let path = file_for(dir, site);
        let mut notes = Vec::new();
        let mut bad = 0;
        let old = match std::fs::read(&path) {
            Ok(bytes) => read(
                Arc::new(bytes),
                fingerprint,
                &mut notes,
                &mut bad,
                &path,
                &words,
            ),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => FxHashMap::default(),
            Err(e) => {
                notes.push(words.note(
                    "cache_unreadable",
                    &[
                        ("path", path.display().to_string()),
                        ("error", e.to_string()),
                    ],
                ));
                FxHashMap::default()
            }
        };
        // Each one left by a killed run is as large as the cache.
        crate::output::remove_abandoned(&path, ABANDONED_AFTER);
        let mut out = AtomicFile::create(&path)
            .map_err(|e| format!("cannot write the cache {}: {e}", path.display()))?;
        let header = Header {
            format: FORMAT,
            fingerprint: fingerprint.to_string(),
            site: site.to_string(),
        };
        let head = serde_json::to_string(&header).map_err(|e| e.to_string())?;
        writeln!(out, "{head}").map_err(|e| format!("cannot write the cache: {e}"))?;
        Ok(Cache {
            path,
            old,
            bad,
            out: Some(out),
            notes,
            words,
        })
    }

    /// How many pages the last run left.
    #[cfg(test)]
    fn len(&self) -> usize {
        self.old.len()
    }

    #[cfg(test)]
    fn is_empty(&self) -> bool {
        self.old.is_empty()
    }

    /// The validators of the cached copy of `url`.
    pub fn validators(&self, url: &str) -> Option<Validators> {
        self.old.get(url).map(|e| e.validators.clone())
    }

    /// Takes the entry of `url` if the server vouched for it less than
    /// `max_age` before `now`: it is reused without asking again.
    pub fn take_fresh(
        &mut self,
        url: &str,
        max_age: std::time::Duration,
        now: u64,
    ) -> Option<Entry> {
        if max_age.is_zero() || !self.old.get(url)?.fresh(max_age, now) {
            return None;
        }
        self.old.remove(url)
    }

    /// Takes the cached entry of `url` (after a 304), so memory does not hold it twice.
    pub fn take(&mut self, url: &str) -> Option<Entry> {
        self.old.remove(url)
    }

    /// A copy of the entry of `url` for a request (it shares the line); the
    /// entry stays until `settle`, so a run that stops first keeps it.
    pub fn lend(&self, url: &str) -> Option<Entry> {
        self.old.get(url).cloned()
    }

    /// The request for `url` is done with its entry: reused, replaced by the
    /// page as it is now, or gone with the page.
    pub fn settle(&mut self, url: &str) {
        self.old.remove(url);
    }

    /// Counts a cached record that could not be read when it was reused.
    pub fn unreadable(&mut self) {
        self.bad += 1;
    }

    /// Writes the line of `url` in place of any old one: a page reached by a
    /// redirect had an entry of its own, which must not follow the new line.
    pub fn put(&mut self, url: &str, line: &[u8]) {
        self.old.remove(url);
        self.write(line);
    }

    /// Appends one line made by `line()`.
    pub fn write(&mut self, line: &[u8]) {
        let Some(out) = &mut self.out else { return };
        if let Err(e) = out.write_all(line) {
            let note = self
                .words
                .note("cache_write_failed", &[("error", e.to_string())]);
            self.notes.push(note);
            self.out = None;
        }
    }

    /// Writes the new cache in place of the old. `keep_rest` also keeps the old
    /// entries this run did not reach (an interrupted or limited crawl).
    pub fn finish(mut self, keep_rest: bool) -> Vec<String> {
        if self.bad > 0 {
            let (path, count) = (self.path.display().to_string(), self.bad.to_string());
            let note = self
                .words
                .note("cache_bad_entries", &[("path", path), ("count", count)]);
            self.notes.push(note);
        }
        let Some(mut out) = self.out.take() else {
            return self.notes;
        };
        if keep_rest {
            for (_, e) in self.old.drain() {
                let _ = out.write_all(&e.line);
            }
        }
        if let Err(e) = out.commit() {
            let note = self.words.note(
                "cache_not_updated",
                &[
                    ("path", self.path.display().to_string()),
                    ("error", e.to_string()),
                ],
            );
            self.notes.push(note);
        }
        self.notes
    }
}

/// A temporary cache untouched this long belongs to a run that was killed
/// (a running crawl writes to it every few pages).
const ABANDONED_AFTER: std::time::Duration = std::time::Duration::from_secs(3600);

fn read(
    bytes: Arc<Vec<u8>>,
    fingerprint: &str,
    notes: &mut Vec<String>,
    bad: &mut usize,
    path: &Path,
    words: &Labels,
) -> FxHashMap<String, Entry> {
    let p = || ("path", path.display().to_string());
    let mut lines = bytes
        .split_inclusive(|&b| b == b'\n')
        .scan(0usize, |at, l| {
            let start = *at;
            *at += l.len();
            Some((start, l))
        });
    let header = lines
        .next()
        .and_then(|(_, l)| serde_json::from_slice::<Header>(l).ok());
    match header {
        Some(h) if h.format == FORMAT && h.fingerprint == fingerprint => {}
        Some(h) if h.format == FORMAT => {
            notes.push(words.note("cache_other_settings", &[p()]));
            return FxHashMap::default();
        }
        _ => {
            notes.push(words.note("cache_old_format", &[p()]));
            return FxHashMap::default();
        }
    }
    let mut map = FxHashMap::default();
    for (start, l) in lines {
        // Only the head is read now; the record is checked when it is parsed.
        let head = l.strip_prefix(b"[").and_then(|pair| {
            let mut values = serde_json::Deserializer::from_slice(pair).into_iter::<Head>();
            let h = values.next()?.ok()?;
            Some((h, values.byte_offset()))
        });
        let Some((h, head_len)) = head else {
            if !l.iter().all(u8::is_ascii_whitespace) {
                *bad += 1;
            }
            continue;
        };
        // A last line without its newline must not run into the next one written.
        let line = if l.ends_with(b"\n") {
            Line {
                buf: bytes.clone(),
                range: start..start + l.len(),
            }
        } else {
            Line::from([l, b"\n"].concat())
        };
        let e = Entry {
            validators: Validators {
                etag: h.etag,
                last_modified: h.last_modified,
            },
            checked: h.checked,
            url: h.url,
            line,
            head_len,
        };
        map.insert(e.url.clone(), e);
    }
    map
}

#[cfg(test)]
mod tests {
    use super::*;

    fn en() -> Arc<Labels> {
        Arc::new(crate::report::labels::shipped(crate::checks::Lang::En))
    }

    const SITE: &str = "http://127.0.0.1:8080/";

    fn etag() -> Validators {
        Validators {
            etag: Some("\"abc\"".into()),
            last_modified: None,
        }
    }

    fn record(url: &str) -> PageRecord {
        PageRecord {
            url: url.into(),
            status: 200,
            title: "工作动态".into(),
            ..Default::default()
        }
    }

    #[test]
    fn round_trip_and_discard() {
        let dir = tempfile::tempdir().unwrap();
        let (site, v) = (SITE, etag());
        let mut c = Cache::open(dir.path(), site, "fp1", en()).unwrap();
        assert!(c.is_empty());
        let l = line("http://127.0.0.1:8080/a.html", &v, &record("a"), 1_000).unwrap();
        c.write(&l);
        // A page without validators, or with an error, is not cached.
        assert!(line("u", &Validators::default(), &record("b"), 1_000).is_none());
        assert!(c.finish(false).is_empty());

        let mut c = Cache::open(dir.path(), site, "fp1", en()).unwrap();
        assert_eq!(c.len(), 1);
        assert_eq!(
            c.validators("http://127.0.0.1:8080/a.html"),
            Some(v.clone())
        );
        let e = c.take("http://127.0.0.1:8080/a.html").unwrap();
        assert_eq!(e.record().unwrap().title, "工作动态");
        assert_eq!(&e.line[..], &l[..]);
        // Not written again: the next cache is empty.
        c.finish(false);
        let c = Cache::open(dir.path(), site, "fp1", en()).unwrap();
        assert!(c.is_empty());
        c.finish(false);

        // Another fingerprint, an old format, or garbage: set aside with a note.
        let mut c = Cache::open(dir.path(), site, "fp1", en()).unwrap();
        c.write(&l);
        c.finish(false);
        let c = Cache::open(dir.path(), site, "fp2", en()).unwrap();
        assert!(c.is_empty() && c.notes[0].contains("another version"));
        c.finish(false);
        std::fs::write(file_for(dir.path(), site), "{\"format\":0}\n{}\n").unwrap();
        let c = Cache::open(dir.path(), site, "fp2", en()).unwrap();
        assert!(c.is_empty() && c.notes[0].contains("old format"));
        c.finish(false);
        std::fs::write(file_for(dir.path(), site), b"\xff\xfe garbage").unwrap();
        let c = Cache::open(dir.path(), site, "fp2", en()).unwrap();
        assert!(c.is_empty() && !c.notes.is_empty());
        c.finish(false);
        // One bad line among good ones loses only that line.
        let mut c = Cache::open(dir.path(), site, "fp3", en()).unwrap();
        c.write(&l);
        c.write(b"{not json\n");
        c.finish(false);
        let c = Cache::open(dir.path(), site, "fp3", en()).unwrap();
        assert_eq!(c.len(), 1);
        let notes = c.finish(true);
        assert!(notes[0].contains("1 unreadable"), "{notes:?}");
        // keep_rest carried the entry over.
        let c = Cache::open(dir.path(), site, "fp3", en()).unwrap();
        assert_eq!(c.len(), 1);
        c.finish(false);
    }

    #[test]
    fn lent_entries_outlive_an_interrupted_run_and_cut_records_are_found() {
        let dir = tempfile::tempdir().unwrap();
        let (site, v) = (SITE, etag());
        let urls = [
            "http://127.0.0.1:8080/a.html",
            "http://127.0.0.1:8080/b.html",
        ];
        let mut c = Cache::open(dir.path(), site, "fp", en()).unwrap();
        for u in urls {
            c.write(&line(u, &v, &record(u), 1_000).unwrap());
        }
        c.finish(false);
        // A page reached by a redirect gets a new line: the old one is not kept after it.
        let mut c = Cache::open(dir.path(), site, "fp", en()).unwrap();
        let mut moved = record(urls[1]);
        moved.title = "新标题".into();
        c.put(urls[1], &line(urls[1], &v, &moved, 2_000).unwrap());
        c.finish(true);
        let mut c = Cache::open(dir.path(), site, "fp", en()).unwrap();
        assert_eq!(c.len(), 2);
        let b = c.take(urls[1]).unwrap();
        assert_eq!(
            (b.checked, b.record().unwrap().title.as_str()),
            (2_000, "新标题")
        );
        c.write(&b.line);
        c.finish(true);
        // A request in flight when the run stops keeps its entry; a settled one does not.
        let mut c = Cache::open(dir.path(), site, "fp", en()).unwrap();
        assert!(c.lend(urls[0]).is_some() && c.lend(urls[1]).is_some());
        c.settle(urls[1]);
        c.finish(true);
        let mut c = Cache::open(dir.path(), site, "fp", en()).unwrap();
        assert_eq!(c.len(), 1);
        let a = c.take(urls[0]).unwrap();
        assert_eq!(a.record().unwrap().url, urls[0]);
        // A record cut short: the head still reads, the record does not.
        let cut = &a.line[..a.line.len() - 20];
        c.write(cut);
        c.write(b"\n");
        c.finish(false);
        let mut c = Cache::open(dir.path(), site, "fp", en()).unwrap();
        let a = c.take(urls[0]).unwrap();
        assert!(a.record().is_none());
        c.unreadable();
        assert!(c.finish(false)[0].contains("1 unreadable"));
    }

    #[test]
    fn temporary_files_of_killed_runs_are_removed() {
        let dir = tempfile::tempdir().unwrap();
        let site = "http://127.0.0.1:8080/";
        let name = file_for(dir.path(), site);
        let name = name.file_name().unwrap().to_string_lossy().into_owned();
        let stale = dir.path().join(format!(".{name}.4242.tmp"));
        let recent = dir.path().join(format!(".{name}.4343.tmp"));
        let other = dir.path().join(".report.json.4242.tmp");
        for p in [&stale, &recent, &other] {
            std::fs::write(p, "half a cache").unwrap();
        }
        // The process that started this test is running: its file stays however old.
        #[cfg(unix)]
        let running_pid = std::os::unix::process::parent_id();
        #[cfg(not(unix))]
        let running_pid = std::process::id();
        let alive = dir.path().join(format!(".{name}.{running_pid}.tmp"));
        std::fs::write(&alive, "a crawl that writes no lines").unwrap();
        let long_ago = std::time::SystemTime::now() - std::time::Duration::from_secs(7200);
        for p in [&stale, &other, &alive] {
            let f = std::fs::File::options().write(true).open(p).unwrap();
            f.set_modified(long_ago).unwrap();
        }
        Cache::open(dir.path(), site, "fp", en())
            .unwrap()
            .finish(false);
        assert!(!stale.exists(), "an abandoned temporary cache is removed");
        assert!(recent.exists(), "a running crawl's file is left alone");
        assert!(other.exists(), "only this cache's files are touched");
        if cfg!(unix) && Path::new("/proc/self").exists() {
            assert!(alive.exists(), "a running process's file is left alone");
        }
    }

    #[test]
    fn ages() {
        use std::time::Duration;
        assert_eq!(parse_age("90"), Ok(Duration::from_secs(90)));
        assert_eq!(parse_age("12h"), Ok(Duration::from_secs(43_200)));
        assert_eq!(parse_age(" 1D "), Ok(Duration::from_secs(86_400)));
        assert_eq!(parse_age("0"), Ok(Duration::ZERO));
        for bad in ["", "h", "1w", "-5m", "1.5h", "12 hours"] {
            assert!(parse_age(bad).is_err(), "{bad}");
        }
        assert_eq!(age_text(43_200), "12h");
        assert_eq!(age_text(5_400), "90m");
        assert_eq!(age_text(86_400 * 2), "2d");
        assert_eq!(age_text(61), "61s");
    }

    #[test]
    fn age_and_restamp() {
        use std::time::Duration;
        let dir = tempfile::tempdir().unwrap();
        let (site, v) = (SITE, etag());
        let url = "http://127.0.0.1:8080/a.html";
        let mut c = Cache::open(dir.path(), site, "fp", en()).unwrap();
        c.write(&line(url, &v, &record("a"), 1_000).unwrap());
        // A head written by hand (no `checked`, other order, spaces): never
        // fresh, and restamped into the usual head.
        let legacy = format!(
            "[{{ \"etag\": \"\\\"b\\\"\", \"url\": \"http://127.0.0.1:8080/b.html\" }}, {}]",
            serde_json::to_string(&record("b")).unwrap()
        );
        c.write(format!("{legacy}\n").as_bytes());
        c.finish(false);

        let mut c = Cache::open(dir.path(), site, "fp", en()).unwrap();
        let hour = Duration::from_secs(3600);
        assert!(
            c.take_fresh(url, Duration::ZERO, 1_001).is_none(),
            "0 = always ask"
        );
        assert!(
            c.take_fresh(url, hour, 1_000 + 3600).is_none(),
            "an hour old"
        );
        assert!(
            c.take_fresh(url, hour, 999).is_none(),
            "checked in the future"
        );
        assert!(
            c.take_fresh("http://127.0.0.1:8080/b.html", hour, 1_001)
                .is_none()
        );
        let e = c.take_fresh(url, hour, 1_000 + 3599).unwrap();
        assert_eq!(e.checked, 1_000);
        let again = e.restamped(2_000_000);
        let text = String::from_utf8_lossy(&again);
        assert!(text.starts_with("[{\"checked\":2000000,\"url\":"), "{text}");
        let b = c.take("http://127.0.0.1:8080/b.html").unwrap();
        assert_eq!(b.checked, 0);
        let b = b.restamped(5);
        let text = String::from_utf8_lossy(&b);
        assert!(text.starts_with("[{\"checked\":5,\"url\":"), "{text}");
        c.write(&again);
        c.write(&b);
        c.finish(false);
        // Both read back whole, with the new times.
        let mut c = Cache::open(dir.path(), site, "fp", en()).unwrap();
        let a = c.take(url).unwrap();
        assert_eq!(
            (a.checked, a.record().unwrap().url.as_str()),
            (2_000_000, "a")
        );
        let b = c.take("http://127.0.0.1:8080/b.html").unwrap();
        assert_eq!((b.checked, b.record().unwrap().url.as_str()), (5, "b"));
        c.finish(false);
    }
}

//! `--cache DIR`: what the last crawl of a site learned, so that the next one
//! can ask "changed since?" and reuse the page record on `304 Not Modified`.
//!
//! One file per site, JSON Lines: a header line (format version and a
//! fingerprint of the tool version and extraction settings, since a record
//! extracted differently is not reusable) and one line per page with its
//! validators and record. The new file is written as the crawl goes, to a
//! temporary name, and renamed over the old one at the end, so a crash leaves
//! the previous cache intact. An unreadable or older cache is set aside with a
//! note, never an error.

use std::collections::HashMap;
use std::fs::File;
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde::{Deserialize, Serialize};

use super::fetch::Validators;
use crate::extract::record::PageRecord;
use crate::output::AtomicFile;
use crate::report::labels::Labels;

/// Bumped whenever the layout of the file changes.
pub const FORMAT: u32 = 1;

#[derive(Debug, Serialize, Deserialize)]
struct Header {
    format: u32,
    fingerprint: String,
    site: String,
}

/// What is read of each line when the cache is opened; the record itself is
/// only parsed when the server says it is still good, on a worker thread.
#[derive(Debug, Deserialize)]
struct Head {
    url: String,
    #[serde(default)]
    etag: Option<String>,
    #[serde(default)]
    last_modified: Option<String>,
    #[allow(dead_code)]
    record: serde::de::IgnoredAny,
}

/// A cached page: its validators and its line, kept as read.
#[derive(Debug)]
pub struct Entry {
    pub url: String,
    pub validators: Validators,
    /// The whole line, newline included, written back unchanged after a 304.
    pub line: String,
}

#[derive(Deserialize)]
struct Full {
    record: PageRecord,
}

impl Entry {
    /// The cached record; `None` if the line does not hold one that this version reads.
    pub fn record(&self) -> Option<PageRecord> {
        serde_json::from_str::<Full>(self.line.trim_end())
            .ok()
            .map(|f| f.record)
    }
}

#[derive(Serialize)]
struct EntryRef<'a> {
    url: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    etag: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    last_modified: Option<&'a str>,
    record: &'a PageRecord,
}

/// One line of the cache file for a page, or `None` when the page has no
/// validators (nothing to ask the server with next time) or was not read well.
pub fn line(url: &str, v: &Validators, record: &PageRecord) -> Option<String> {
    if v.is_empty() || record.error.is_some() || record.status != 200 {
        return None;
    }
    let mut s = serde_json::to_string(&EntryRef {
        url,
        etag: v.etag.as_deref(),
        last_modified: v.last_modified.as_deref(),
        record,
    })
    .ok()?;
    s.push('\n');
    Some(s)
}

pub struct Cache {
    path: PathBuf,
    old: HashMap<String, Entry>,
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
        let old = match File::open(&path) {
            Ok(f) => read(BufReader::new(f), fingerprint, &mut notes, &path, &words),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => HashMap::new(),
            Err(e) => {
                notes.push(words.note(
                    "cache_unreadable",
                    &[
                        ("path", path.display().to_string()),
                        ("error", e.to_string()),
                    ],
                ));
                HashMap::new()
            }
        };
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

    /// Takes the cached entry of `url` (after a 304), so memory does not hold it twice.
    pub fn take(&mut self, url: &str) -> Option<Entry> {
        self.old.remove(url)
    }

    /// Appends one line made by `line()`.
    pub fn write(&mut self, line: &str) {
        let Some(out) = &mut self.out else { return };
        if let Err(e) = out.write_all(line.as_bytes()) {
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
        let Some(mut out) = self.out.take() else {
            return self.notes;
        };
        if keep_rest {
            for (_, e) in self.old.drain() {
                let _ = out.write_all(e.line.as_bytes());
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

fn read(
    r: impl BufRead,
    fingerprint: &str,
    notes: &mut Vec<String>,
    path: &Path,
    words: &Labels,
) -> HashMap<String, Entry> {
    let p = || ("path", path.display().to_string());
    let mut lines = r.lines();
    let header = lines
        .next()
        .and_then(|l| l.ok())
        .and_then(|l| serde_json::from_str::<Header>(&l).ok());
    match header {
        Some(h) if h.format == FORMAT && h.fingerprint == fingerprint => {}
        Some(h) if h.format == FORMAT => {
            notes.push(words.note("cache_other_settings", &[p()]));
            return HashMap::new();
        }
        _ => {
            notes.push(words.note("cache_old_format", &[p()]));
            return HashMap::new();
        }
    }
    let mut map = HashMap::new();
    let mut bad = 0usize;
    for l in lines {
        let Ok(mut l) = l else {
            bad += 1;
            continue;
        };
        match serde_json::from_str::<Head>(&l) {
            Ok(h) => {
                l.push('\n');
                let e = Entry {
                    validators: Validators {
                        etag: h.etag,
                        last_modified: h.last_modified,
                    },
                    url: h.url,
                    line: l,
                };
                map.insert(e.url.clone(), e);
            }
            Err(_) => bad += 1,
        }
    }
    if bad > 0 {
        notes.push(words.note("cache_bad_entries", &[p(), ("count", bad.to_string())]));
    }
    map
}

#[cfg(test)]
mod tests {
    use super::*;

    fn en() -> Arc<Labels> {
        Arc::new(crate::report::labels::shipped(crate::checks::Lang::En))
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
        let site = "http://127.0.0.1:8080/";
        let v = Validators {
            etag: Some("\"abc\"".into()),
            last_modified: None,
        };
        let mut c = Cache::open(dir.path(), site, "fp1", en()).unwrap();
        assert!(c.is_empty());
        let l = line("http://127.0.0.1:8080/a.html", &v, &record("a")).unwrap();
        c.write(&l);
        // A page without validators, or with an error, is not cached.
        assert!(line("u", &Validators::default(), &record("b")).is_none());
        assert!(c.finish(false).is_empty());

        let mut c = Cache::open(dir.path(), site, "fp1", en()).unwrap();
        assert_eq!(c.len(), 1);
        assert_eq!(
            c.validators("http://127.0.0.1:8080/a.html"),
            Some(v.clone())
        );
        let e = c.take("http://127.0.0.1:8080/a.html").unwrap();
        assert_eq!(e.record().unwrap().title, "工作动态");
        assert_eq!(e.line, l);
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
        c.write("{not json\n");
        c.finish(false);
        let c = Cache::open(dir.path(), site, "fp3", en()).unwrap();
        assert_eq!(c.len(), 1);
        assert!(c.notes[0].contains("1 unreadable"));
        c.finish(true);
        // keep_rest carried the entry over.
        let c = Cache::open(dir.path(), site, "fp3", en()).unwrap();
        assert_eq!(c.len(), 1);
        c.finish(false);
    }
}

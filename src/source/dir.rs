//! A static site in a local directory (a site repo's `public/`), mapped to URLs
//! under a base URL: `gzdt/index.html` is `BASE/gzdt/`. Attachments and images
//! are listed without being read, so link checks know they exist.

use std::path::{Path, PathBuf};

use url::Url;

use super::{CrawlStats, Document, Extract, Keep, Source};
use crate::error::AuditError;
use crate::progress::Progress;
use crate::report::labels::Labels;

pub struct DirSource {
    pub root: PathBuf,
    pub base: Url,
    pub max_pages: usize,
    pub html_extensions: Vec<String>,
    pub progress: Progress,
    /// The words of the run's notes, in its language.
    pub words: std::sync::Arc<Labels>,
}

impl DirSource {
    fn files(&self, stats: &mut CrawlStats) -> Result<Vec<PathBuf>, AuditError> {
        let root = self.root.canonicalize().map_err(|e| {
            AuditError::Site(format!(
                "cannot read the site directory {}: {e}",
                self.root.display()
            ))
        })?;
        let mut out = Vec::new();
        let mut stack = vec![root.clone()];
        while let Some(dir) = stack.pop() {
            let entries = match std::fs::read_dir(&dir) {
                Ok(e) => e,
                Err(e) => {
                    stats.notes.push(self.words.note(
                        "folder_unreadable",
                        &[
                            ("folder", dir.display().to_string()),
                            ("error", e.to_string()),
                        ],
                    ));
                    continue;
                }
            };
            let mut paths: Vec<PathBuf> =
                entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
            paths.sort();
            for p in paths.into_iter().rev() {
                let name = p.file_name().and_then(|n| n.to_str()).unwrap_or("");
                if name.starts_with('.') {
                    continue;
                }
                let Ok(meta) = std::fs::symlink_metadata(&p) else {
                    continue;
                };
                let real = if meta.file_type().is_symlink() {
                    match p.canonicalize() {
                        // A link out of the site could expose the rest of the disk.
                        Ok(real) if real.starts_with(&root) => real,
                        _ => {
                            stats.notes.push(
                                self.words
                                    .note("symlink_outside", &[("file", p.display().to_string())]),
                            );
                            continue;
                        }
                    }
                } else {
                    p.clone()
                };
                if real.is_dir() {
                    if !meta.file_type().is_symlink() {
                        stack.push(p);
                    }
                } else if real.is_file() {
                    out.push(p);
                }
            }
        }
        out.sort();
        Ok(out)
    }

    fn url_of(&self, root: &Path, file: &Path) -> Option<Url> {
        Some(url_for(&self.base, file.strip_prefix(root).ok()?))
    }
}

/// The URL a file at `rel` (relative to the site directory) stands for under
/// `base`: `gzdt/a.html` → `BASE/gzdt/a.html`.
pub fn url_for(base: &Url, rel: &Path) -> Url {
    let mut url = base.clone();
    if let Ok(mut segs) = url.path_segments_mut() {
        segs.pop_if_empty();
        for c in rel.components() {
            segs.push(&c.as_os_str().to_string_lossy());
        }
    }
    url
}

/// The URL a site directory stands for: `--base-url` (a folder: a slash is
/// added), else `DEFAULT_BASE_URL`.
pub fn base_url(given: Option<&str>) -> Result<Url, AuditError> {
    let s = given.unwrap_or(crate::DEFAULT_BASE_URL);
    let mut base = Url::parse(s)
        .map_err(|e| AuditError::Usage(format!("`{s}` is not a valid base URL: {e}")))?;
    if !base.path().ends_with('/') {
        let p = format!("{}/", base.path());
        base.set_path(&p);
    }
    Ok(base)
}

fn content_type(path: &Path, html_exts: &[String]) -> String {
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .unwrap_or("")
        .to_ascii_lowercase();
    if html_exts.contains(&ext) {
        return "text/html".into();
    }
    match ext.as_str() {
        "pdf" => "application/pdf",
        "jpg" | "jpeg" => "image/jpeg",
        "png" => "image/png",
        "gif" => "image/gif",
        "css" => "text/css",
        "js" => "application/javascript",
        "xml" => "application/xml",
        "txt" => "text/plain",
        _ => "application/octet-stream",
    }
    .into()
}

impl Source for DirSource {
    fn run(
        &mut self,
        extract: &Extract<'_>,
        keep: &mut Keep<'_>,
    ) -> Result<CrawlStats, AuditError> {
        let mut stats = CrawlStats::default();
        let root = self.root.canonicalize().map_err(|e| {
            AuditError::Site(format!(
                "cannot read the site directory {}: {e}",
                self.root.display()
            ))
        })?;
        let files = self.files(&mut stats)?;
        let total = files.len();
        for (i, file) in files.into_iter().enumerate() {
            if stats.fetched >= self.max_pages {
                stats.notes.push(self.words.note(
                    "max_files",
                    &[
                        ("max", self.max_pages.to_string()),
                        ("left", (total - i).to_string()),
                    ],
                ));
                stats.incomplete = true;
                break;
            }
            let Some(url) = self.url_of(&root, &file) else {
                continue;
            };
            let ct = content_type(&file, &self.html_extensions);
            let is_html = ct == "text/html";
            let (body, error) = if is_html {
                match std::fs::read(&file) {
                    Ok(b) => (b, None),
                    Err(e) => (
                        Vec::new(),
                        Some(format!("cannot read {}: {e}", file.display())),
                    ),
                }
            } else {
                (Vec::new(), None)
            };
            if error.is_some() {
                stats.errors += 1;
            }
            stats.fetched += 1;
            let rel = file.strip_prefix(&root).unwrap_or(&file).to_path_buf();
            keep(extract(&Document {
                url,
                status: if error.is_some() { 0 } else { 200 },
                content_type: Some(ct),
                body,
                file: Some(rel),
                error,
                depth: 0,
            }));
            self.progress.page(total - i - 1, stats.errors);
        }
        self.progress.finish();
        Ok(stats)
    }
}

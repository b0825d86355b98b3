//! Where in a local HTML file a finding shows, so that SARIF annotations land
//! on the line an editor must change in a site repo. Page bodies are dropped
//! after extraction, so the few files with findings are read again here.

use std::collections::HashMap;
use std::path::Path;

use super::finding::Finding;
use crate::site::Site;
use crate::source::encoding::decode;

/// Findings of one file that get their own line; a page of thousands of dead
/// links would otherwise cost thousands of scans of a large file.
const MAX_LOCATED_PER_FILE: usize = 200;

/// Fills in `file` and `line` of each finding whose page came from a local file.
pub fn annotate(findings: &mut [Finding], site: &Site, root: &Path) {
    // Each file is read and prepared once: a page with thousands of findings
    // (a link list) would otherwise be scanned afresh for each. Per file: how
    // many of its findings were seen, and its prepared text (`None` when it
    // cannot be read).
    let mut files: HashMap<&str, (usize, Option<Prepared>)> = HashMap::new();
    for f in findings.iter_mut() {
        let Some(file) = site.get(&f.url).and_then(|r| r.file.as_deref()) else {
            continue;
        };
        let (n, text) = files.entry(file).or_insert_with(|| {
            // A file that vanished since the crawl still gets its path, without a line.
            let text = std::fs::read(root.join(file))
                .ok()
                .map(|b| Prepared::new(&decode(&b, None).0));
            (0, text)
        });
        *n += 1;
        f.line = match text {
            // Each search scans the file: past this many, the finding points
            // at the file's first line rather than at its own.
            _ if *n > MAX_LOCATED_PER_FILE => Some(1),
            Some(t) => Some(t.line_of(f).unwrap_or(1)),
            None => None,
        };
        f.file = Some(file.replace('\\', "/"));
    }
}

/// The first line that shows the finding's evidence, its bad link or its title.
#[cfg(test)]
fn line_of(html: &str, f: &Finding) -> Option<u32> {
    Prepared::new(html).line_of(f)
}

/// A file's lines, as written and as shown (without markup and whitespace).
struct Prepared {
    lines: Vec<String>,
    raw: Vec<String>,
    body_start: usize,
}

impl Prepared {
    fn new(html: &str) -> Prepared {
        // Compared without any whitespace: pages break and indent text at will.
        let lines: Vec<String> = html.lines().map(|l| squash(&visible(l))).collect();
        let raw: Vec<String> = html.lines().map(str::to_string).collect();
        let body_start = raw
            .iter()
            .position(|l| l.to_ascii_lowercase().contains("<body"))
            .unwrap_or(0);
        Prepared {
            lines,
            raw,
            body_start,
        }
    }

    /// The first line that shows the finding's evidence, its bad link or its title.
    fn line_of(&self, f: &Finding) -> Option<u32> {
        let (lines, raw, body_start) = (&self.lines, &self.raw, self.body_start);
        let find_text = |needle: &str, from: usize| -> Option<usize> {
            let needle = squash(needle);
            if needle.is_empty() {
                return None;
            }
            (from..lines.len()).find(|&i| lines[i].contains(&needle) || raw[i].contains(&needle))
        };
        let found = |i: usize| Some(i as u32 + 1);
        if let Some(e) = &f.evidence {
            // Evidence often joins two quotes (`成文日期… / 发布日期…`): the first is the one to show.
            let segments: Vec<&str> = e.split(" / ").flat_map(|s| s.split(" → ")).collect();
            if let Some(i) = find_text(e, body_start).or_else(|| find_text(e, 0)) {
                return found(i);
            }
            for seg in segments {
                if let Some(i) = find_text(seg, body_start).or_else(|| find_text(seg, 0)) {
                    return found(i);
                }
                // Then its longest words: a signature split over two lines is found
                // by its date rather than by the office name that is everywhere.
                let mut words = pieces(seg);
                words.sort_by_key(|p| std::cmp::Reverse(p.chars().count()));
                for w in words {
                    if let Some(i) = find_text(&w, body_start) {
                        return found(i);
                    }
                }
            }
        }
        if let Some(t) = &f.target {
            let tail = t.trim_end_matches('/').rsplit('/').next().unwrap_or(t);
            if !tail.is_empty() && !tail.contains(':') {
                let attr = |i: usize| raw[i].contains("href") || raw[i].contains("src");
                if let Some(i) = (0..raw.len()).find(|&i| raw[i].contains(tail) && attr(i)) {
                    return found(i);
                }
            }
        }
        if let Some(t) = f.title.as_deref().filter(|t| !t.is_empty()) {
            if let Some(i) = find_text(t, body_start).or_else(|| find_text(t, 0)) {
                return found(i);
            }
        }
        None
    }
}

fn squash(s: &str) -> String {
    s.chars()
        .filter(|c| !c.is_whitespace() && *c != '\u{3000}')
        .collect()
}

/// A line as the reader sees it: tags dropped, common entities decoded, spaces folded.
fn visible(line: &str) -> String {
    let mut out = String::with_capacity(line.len());
    let mut in_tag = false;
    for c in line.chars() {
        match c {
            '<' => in_tag = true,
            '>' if in_tag => in_tag = false,
            _ if !in_tag => out.push(c),
            _ => {}
        }
    }
    normalise(
        &out.replace("&nbsp;", " ")
            .replace("&lt;", "<")
            .replace("&gt;", ">")
            .replace("&quot;", "\"")
            .replace("&amp;", "&"),
    )
}

fn normalise(s: &str) -> String {
    s.split(|c: char| c.is_whitespace() || c == '\u{3000}')
        .filter(|p| !p.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

/// The parts of an evidence text that can be found verbatim: split at spaces,
/// quotation marks and masking, at least two characters long.
fn pieces(evidence: &str) -> Vec<String> {
    evidence
        .split(|c: char| c.is_whitespace() || "《》「」“”\"'*…,，".contains(c) || c == '\u{3000}')
        .filter(|p| p.chars().count() >= 2)
        .map(str::to_string)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn finding(evidence: Option<&str>, target: Option<&str>, title: Option<&str>) -> Finding {
        Finding {
            url: "http://localhost/a.html".into(),
            title: title.map(str::to_string),
            evidence: evidence.map(str::to_string),
            target: target.map(str::to_string),
            ..Finding::sample("x")
        }
    }

    const PAGE: &str = "<html><head><title>通知_某街道</title></head>\n<body>\n<h1>通知</h1>\n<div class=\"info\">发布时间:2019年02月19日&nbsp;&nbsp;&nbsp;来源:&nbsp;&nbsp;点击:</div>\n<li><a href=\"201902/t1.html\">石门社区活动</a><span>2019-02-25</span></li>\n<a href=\"../gone.html\">旧文</a>\n</body></html>";

    #[test]
    fn evidence_with_entities_is_found() {
        let f = finding(Some("来源: 点击:"), None, Some("通知"));
        assert_eq!(line_of(PAGE, &f), Some(4));
    }

    #[test]
    fn evidence_pieces_when_the_whole_is_not_on_one_line() {
        let f = finding(Some("2019-02-25 《石门社区活动》"), None, None);
        assert_eq!(line_of(PAGE, &f), Some(5));
    }

    #[test]
    fn bad_link_then_title_in_the_body() {
        let f = finding(None, Some("http://localhost/gone.html"), Some("通知"));
        assert_eq!(line_of(PAGE, &f), Some(6));
        let f = finding(None, None, Some("通知"));
        assert_eq!(line_of(PAGE, &f), Some(3));
        let f = finding(None, None, Some("不在页面上"));
        assert_eq!(line_of(PAGE, &f), None);
    }
}

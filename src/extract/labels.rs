//! Metadata printed as labelled text (`发布时间:2019年03月14日   来源:   点击:`),
//! the way most CMS templates show it when they carry no meta tags.
//!
//! A label counts only at the start of a line, a table cell or after a run of
//! spaces, and must be followed by a colon or a cell boundary, so prose that
//! mentions `发布时间` is not taken for metadata. A value ends at the next known
//! label, a run of two spaces or a cell boundary; an empty value is kept as
//! empty, because an empty `来源:` is itself a finding.

use regex::Regex;

use super::config::ExtractConfig;
use super::text::label_cell;

/// One label found in the page text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LabelHit {
    /// The value after the label, possibly empty.
    pub value: String,
    /// The page text from the label on, short enough to quote as evidence.
    pub snippet: String,
    /// Index of the line the label was found on.
    pub line: usize,
}

/// Which lines hold any known label at all: one literal search per line.
pub struct AnyLabel {
    re: Option<Regex>,
}

/// Every label the configuration knows: the ones that give a value and the
/// `other_labels` that only end one. Where a value stops and which lines hold
/// a label are both judged by this one list, so the two cannot disagree.
fn all_labels(cfg: &ExtractConfig) -> Vec<String> {
    cfg.publish_date_labels
        .iter()
        .chain(&cfg.generic_date_labels)
        .chain(&cfg.document_date_labels)
        .chain(&cfg.source_labels)
        .chain(&cfg.index_no_labels)
        .chain(&cfg.doc_number_labels)
        .chain(&cfg.other_labels)
        .cloned()
        .collect()
}

impl AnyLabel {
    pub fn new(cfg: &ExtractConfig) -> AnyLabel {
        let alt = alternation(&all_labels(cfg));
        AnyLabel {
            re: (!alt.is_empty()).then(|| Regex::new(&alt).ok()).flatten(),
        }
    }

    /// Indices of the lines that hold a label (a header row's values are read
    /// from the line after it by the finder itself).
    pub fn lines(&self, lines: &[String]) -> Vec<usize> {
        let Some(re) = &self.re else {
            return Vec::new();
        };
        // One search over the joined text, not one per line: a page has
        // hundreds of lines and few labels. Labels hold no line break, so a
        // match never spans two lines.
        let text = lines.join("\n");
        let mut starts = Vec::with_capacity(lines.len());
        let mut at = 0;
        for l in lines {
            starts.push(at);
            at += l.len() + 1;
        }
        let mut out: Vec<usize> = Vec::new();
        for m in re.find_iter(&text) {
            let line = starts.partition_point(|&s| s <= m.start()) - 1;
            if out.last() != Some(&line) {
                out.push(line);
            }
        }
        out
    }
}

pub struct LabelFinder {
    re: Regex,
    /// This finder's own labels, and every known label: a table row made only
    /// of labels is a header row whose values are in the row below.
    own: Vec<String>,
    known: Vec<String>,
    /// Any known label followed by a colon: where a value ends.
    stop: Regex,
    /// Characters of page text quoted as a hit's snippet.
    snippet_chars: usize,
    next_line_max_chars: usize,
    /// A next line with a clause mark is the body's prose, not a value.
    prose_marks: Vec<char>,
    /// The labels are of dates (发布时间, 成文日期, 日期).
    dates: bool,
}

fn alternation(labels: &[String]) -> String {
    let mut sorted: Vec<&String> = labels.iter().filter(|l| !l.trim().is_empty()).collect();
    // Longest first, so `信息来源` wins over `来源`.
    sorted.sort_by_key(|l| std::cmp::Reverse(l.chars().count()));
    sorted
        .iter()
        .map(|l| regex::escape(l.trim()))
        .collect::<Vec<_>>()
        .join("|")
}

impl LabelFinder {
    /// `None` when `labels` is empty.
    pub fn new(labels: &[String], cfg: &ExtractConfig) -> Option<LabelFinder> {
        let alt = alternation(labels);
        if alt.is_empty() {
            return None;
        }
        let all = all_labels(cfg);
        let stop_alt = alternation(&all);
        // Besides the start of a line or cell, a label may follow a digit or a
        // closing bracket: `<span>发布时间：2024-03-28 15:20</span><span>来源：…</span>`
        // runs the two together with no space, as the browser shows them.
        let re = Regex::new(&format!(
            r"(?:^|[\t|｜]|\s\s|\s|】|\]|[0-9)）」])(?:{alt})(?:\s*[:：]|\s*\t|\s*$)"
        ))
        .ok()?;
        let stop = Regex::new(&format!(r"(?:{stop_alt})\s*[:：]|\t|\s{{2,}}|[|｜]")).ok()?;
        let trimmed = |v: &[String]| -> Vec<String> {
            v.iter()
                .map(|l| l.trim().to_string())
                .filter(|l| !l.is_empty())
                .collect()
        };
        let mut known = trimmed(&all);
        known.extend(trimmed(labels));
        Some(LabelFinder {
            re,
            stop,
            own: trimmed(labels),
            known,
            snippet_chars: cfg.snippet_chars as usize,
            next_line_max_chars: cfg.label_next_line_max_chars as usize,
            prose_marks: cfg.prose_marks.clone(),
            dates: labels.iter().all(|l| {
                cfg.publish_date_labels.contains(l)
                    || cfg.document_date_labels.contains(l)
                    || cfg.generic_date_labels.contains(l)
            }),
        })
    }

    /// `索引号 | 分类 | 发布机构` over `… | … | …`: the hits of a header row.
    fn header_row(&self, lines: &[String], i: usize) -> Option<Vec<LabelHit>> {
        let cells: Vec<&str> = lines[i].split('\t').collect();
        let is_in = |set: &[String], c: &str| set.iter().any(|k| k == label_cell(c));
        if cells.len() < 2 || !cells.iter().all(|c| is_in(&self.known, c)) {
            return None;
        }
        let values: Vec<&str> = lines.get(i + 1)?.split('\t').collect();
        if values.len() != cells.len() {
            return None;
        }
        let hits = cells
            .iter()
            .zip(&values)
            .filter(|(c, _)| is_in(&self.own, c))
            .map(|(c, v)| LabelHit {
                value: v.trim().to_string(),
                snippet: format!("{} {}", label_cell(c), v.trim())
                    .chars()
                    .take(self.snippet_chars)
                    .collect(),
                line: i + 1,
            })
            .collect();
        Some(hits)
    }

    /// Every occurrence in `lines`, in order.
    #[cfg(test)]
    pub fn find_all(&self, lines: &[String]) -> Vec<LabelHit> {
        self.find_in(lines, 0..lines.len())
    }

    /// Occurrences on the lines `only` (indices into `lines`, in order): the
    /// caller passes the few lines that hold any label at all, which spares
    /// running every finder over every line of the page.
    pub fn find_in(
        &self,
        lines: &[String],
        only: impl IntoIterator<Item = usize>,
    ) -> Vec<LabelHit> {
        let mut out = Vec::new();
        for i in only {
            let Some(line) = lines.get(i) else {
                continue;
            };
            if line.contains('\t')
                && let Some(hits) = self.header_row(lines, i)
            {
                out.extend(hits);
                continue;
            }
            for m in self.re.find_iter(line) {
                let label_start = m.as_str().len()
                    - m.as_str()
                        .trim_start_matches(|c: char| {
                            c.is_whitespace()
                                || c.is_ascii_digit()
                                || matches!(c, '|' | '｜' | '】' | ']' | ')' | '）' | '」')
                        })
                        .len();
                let snippet_start = m.start() + label_start;
                // A label alone in its cell takes the next cell as its value.
                let rest = line[m.end()..].trim_start_matches([' ', '\t']);
                let stop = self.stop.find(rest);
                let end = stop.map(|s| s.start()).unwrap_or(rest.len());
                let mut value = rest[..end].trim().to_string();
                // `<dt>发布机构：</dt><dd>宜春市统计局</dd>`: a label that ends
                // its line takes a short next line that is not a label itself.
                if rest.trim().is_empty()
                    && let Some(next) = lines.get(i + 1).map(|l| l.trim())
                    && !next.is_empty()
                    && next.chars().count() <= self.next_line_max_chars
                    && !self.stop.is_match(next)
                    && !next.contains(self.prose_marks.as_slice())
                    // A date label takes a date, any other label anything but one.
                    && self.dates != crate::extract::date::find_dates(next).is_empty()
                    && !self.known.iter().any(|k| k == next)
                {
                    value = next.to_string();
                }
                // `文号 | 发布日期` in a table's header row: a label, not a value.
                if self.known.contains(&value) {
                    continue;
                }
                // Quote the label and its value; an empty value is quoted with what follows it.
                let rest_offset = line.len() - rest.len();
                let quote_end = if value.is_empty() {
                    stop.map(|s| rest_offset + s.end()).unwrap_or(line.len())
                } else {
                    rest_offset + end
                };
                let snippet: String = line[snippet_start..quote_end]
                    .replace('\t', " ")
                    .chars()
                    .take(self.snippet_chars)
                    .collect();
                out.push(LabelHit {
                    value,
                    snippet: snippet.trim_end().to_string(),
                    line: i,
                });
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cfg() -> ExtractConfig {
        ExtractConfig {
            publish_date_labels: vec!["发布时间".into(), "发布日期".into()],
            source_labels: vec!["来源".into(), "信息来源".into()],
            other_labels: vec!["点击".into(), "作者".into()],
            ..ExtractConfig::for_tests()
        }
    }

    #[test]
    fn a_label_ending_its_line_takes_a_short_next_line_of_its_type() {
        let mut cfg = cfg();
        cfg.publish_date_labels = vec!["发布时间".into()];
        let values = |label: &str, lines: &[&str]| -> Vec<String> {
            let lines: Vec<String> = lines.iter().map(|s| s.to_string()).collect();
            LabelFinder::new(&[label.to_string()], &cfg)
                .unwrap()
                .find_all(&lines)
                .into_iter()
                .map(|h| h.value)
                .collect()
        };
        // `<dt>发布机构：</dt><dd>宜春市统计局</dd>`
        assert_eq!(
            values("发布机构", &["发布机构：", "宜春市统计局"]),
            ["宜春市统计局"]
        );
        assert_eq!(
            values("发布时间", &["发布时间：", "2024-03-01"]),
            ["2024-03-01"]
        );
        // Not a source's value: a date, the body's prose, another label.
        assert_eq!(values("来源", &["来源：", "2024-03-01"]), [""]);
        assert_eq!(
            values("来源", &["来源：", "镇党委走访慰问了困难老党员。"]),
            [""]
        );
        assert_eq!(values("发布时间", &["发布时间：", "白沙镇"]), [""]);
    }

    fn find(labels: &[&str], line: &str) -> Vec<LabelHit> {
        let labels: Vec<String> = labels.iter().map(|s| s.to_string()).collect();
        LabelFinder::new(&labels, &cfg())
            .unwrap()
            .find_all(&[line.to_string()])
    }

    #[test]
    fn values_and_empty_values() {
        let line = "发布时间:2019年03月14日  来源:  点击:";
        let h = find(&["来源", "信息来源"], line);
        assert_eq!(h.len(), 1);
        assert_eq!(h[0].value, "");
        assert_eq!(h[0].snippet, "来源:  点击:");
        let h = find(&["发布时间"], line);
        assert_eq!(h[0].value, "2019年03月14日");
        let h = find(
            &["来源"],
            "发布日期：2019-03-14 09:30 来源：区政务服务中心 作者：张三",
        );
        assert_eq!(h[0].value, "区政务服务中心");
        let h = find(&["信息来源", "来源"], "信息来源：江北区人民政府");
        assert_eq!(h[0].value, "江北区人民政府");
        let h = find(
            &["发布时间", "发布日期"],
            "发布日期：\t2019年02月10日\t有效性：",
        );
        assert_eq!(h[0].value, "2019年02月10日");
        let h = find(&["发布日期"], "发布日期\t2019-02-10");
        assert_eq!(h[0].value, "2019-02-10");
    }

    #[test]
    fn spacing_and_colons() {
        let h = find(
            &["发布时间"],
            "发布时间 ：  2016/11/11 9:37:15  来源:区政府办",
        );
        assert_eq!(h[0].value, "2016/11/11 9:37:15");
        let h = find(&["来源"], "发布时间:2019-03-06 来源：  区政府办  点击：12");
        assert_eq!(h[0].value, "区政府办");
    }

    #[test]
    fn header_row_tables() {
        let labels: Vec<String> = vec!["发布日期".into()];
        let f = LabelFinder::new(&labels, &cfg()).unwrap();
        let lines = vec![
            "来源\t发布日期\t点击".to_string(),
            "区政府办\t2019-02-10\t12".to_string(),
        ];
        let h = f.find_all(&lines);
        assert_eq!(h.len(), 1);
        assert_eq!(h[0].value, "2019-02-10");
        assert_eq!(h[0].line, 1);
    }

    #[test]
    fn labels_run_together_by_inline_elements() {
        // `<span>发布时间：2024-03-28 15:20</span><span>来源：…</span>`
        let line = "发布时间：2024-03-28 15:20来源：县农技中心点击：12";
        let h = find(&["来源"], line);
        assert_eq!(h.len(), 1);
        assert_eq!(h[0].value, "县农技中心");
        assert_eq!(h[0].snippet, "来源：县农技中心");
        let h = find(&["发布时间"], line);
        assert_eq!(h[0].value, "2024-03-28 15:20");
        assert!(find(&["来源"], "（二）来源：区财政").len() == 1);
    }

    #[test]
    fn prose_is_not_a_label() {
        assert!(find(&["发布时间"], "本通知自发布时间起施行，请各单位遵照执行。").is_empty());
        assert!(find(&["来源"], "资金来源：区财政").is_empty());
    }

    #[test]
    fn every_label_ends_a_value() {
        // `发文文号` is a document-number label, not one of `other_labels`:
        // it still ends the source's value.
        let cfg = ExtractConfig {
            doc_number_labels: vec!["文号".into(), "发文字号".into(), "发文文号".into()],
            ..cfg()
        };
        let f = LabelFinder::new(&["来源".to_string()], &cfg).unwrap();
        let h = f.find_all(&["来源：区政府 发文文号：青政发〔2019〕3号".to_string()]);
        assert_eq!(h[0].value, "区政府");
        let f = LabelFinder::new(&cfg.doc_number_labels, &cfg).unwrap();
        let h = f.find_all(&["来源：区政府 发文文号：青政发〔2019〕3号".to_string()]);
        assert_eq!(h.len(), 1);
        assert_eq!(h[0].value, "青政发〔2019〕3号");
    }
}

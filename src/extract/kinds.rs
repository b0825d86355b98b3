//! Pages that are neither articles nor lists: letters and their replies
//! (领导信箱, 咨询投诉), service guides (办事指南), single-page columns
//! (机构职能), search and login pages. Holding them to article rules (发布时间,
//! 来源) gives editors findings they cannot act on, so they are told apart
//! by what they show; the vocabulary is in `rules/extract.toml`.

use aho_corasick::AhoCorasick;

use super::config::ExtractConfig;

/// The letter and guide labels as one automaton, built once per rule set.
pub struct KindLabels {
    ac: Option<AhoCorasick>,
    /// Patterns below this index are letter labels, the rest guide labels.
    letters: usize,
    total: usize,
}

/// How many distinct letter and guide labels a page shows.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct LabelCounts {
    pub letter: usize,
    pub guide: usize,
}

impl KindLabels {
    pub fn new(cfg: &ExtractConfig) -> KindLabels {
        let all: Vec<&str> = cfg
            .letter_labels
            .iter()
            .chain(&cfg.guide_labels)
            .map(|s| s.trim())
            .collect();
        KindLabels {
            ac: (!all.is_empty())
                .then(|| {
                    AhoCorasick::builder()
                        .match_kind(aho_corasick::MatchKind::LeftmostLongest)
                        .build(&all)
                        .ok()
                })
                .flatten(),
            letters: cfg.letter_labels.len(),
            total: all.len(),
        }
    }

    /// Counts the labels of `lines` that stand as labels: at the start of a
    /// line or cell, followed by a colon, a cell boundary or the line's end.
    /// `来信人：张先生` counts; `请在来信内容中写明` does not.
    pub fn count(&self, lines: &[String]) -> LabelCounts {
        let Some(ac) = &self.ac else {
            return LabelCounts::default();
        };
        let mut seen = vec![false; self.total];
        for line in lines {
            for m in ac.find_iter(line.as_str()) {
                let before = line[..m.start()].chars().next_back();
                let after = line[m.end()..].trim_start_matches([' ', '\u{3000}']);
                let starts =
                    before.is_none_or(|c| matches!(c, '\t' | ' ' | '|' | '｜' | '【' | '['));
                let ends = after.is_empty() || after.starts_with([':', '：', '\t', '】', ']']);
                if starts && ends {
                    seen[m.pattern().as_usize()] = true;
                }
            }
        }
        let letter = seen[..self.letters].iter().filter(|s| **s).count();
        let guide = seen[self.letters..].iter().filter(|s| **s).count();
        LabelCounts { letter, guide }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cfg() -> ExtractConfig {
        ExtractConfig {
            letter_labels: vec!["来信时间".into(), "回复时间".into(), "来信内容".into()],
            guide_labels: vec!["办理材料".into(), "办理时限".into()],
            ..ExtractConfig::for_tests()
        }
    }

    #[test]
    fn labels_count_only_as_labels() {
        let k = KindLabels::new(&cfg());
        let lines: Vec<String> = [
            "来信时间：2024-05-02\t回复时间：2024-05-08",
            "请在来信内容中写明诉求",
            "办理材料\t身份证",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        assert_eq!(
            k.count(&lines),
            LabelCounts {
                letter: 2,
                guide: 1
            }
        );
    }
}

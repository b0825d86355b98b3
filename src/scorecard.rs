//! The scorecard of a rule pack: would the site pass the inspection?
//!
//! National inspections (《政府网站与政务新媒体检查指标》) fail a site outright
//! on any 单项否决 item and otherwise score it out of a total by deductions.
//! A pack's `[[indicator]]` tables say which rules' findings measure each
//! item, how they are counted, and the threshold; this module only counts.
//! Records of the past (a gap last year) are not counted: an indicator
//! measures the site as it is on the audit date.
//!
//! Example: `[单项否决] 栏目不更新：6（阈值 5）` when six 动态 columns are
//! more than two weeks old.

use std::collections::BTreeSet;
use std::path::PathBuf;

use serde::Serialize;

use crate::report::finding::Finding;
use crate::rules::toml_reader::{RuleError, TableReader};

/// What an indicator does when its measure reaches the threshold.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Effect {
    /// 单项否决: the site fails whatever its score.
    Veto,
    /// 扣分: points off the total.
    Deduct,
}

/// How an indicator counts the findings of its rules.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Measure {
    Findings,
    /// Distinct pages the findings are on (a column's list page for a column).
    Pages,
    /// Distinct bad links (`target`).
    Targets,
    /// The share (percent) of the start page's visits in the last
    /// `window_days` that failed or took `max_seconds` or more: from the
    /// `--history` database, which every run adds its visit to.
    /// Fewer than `min_visits_per_day` visits a day over the window leave it
    /// unmeasured: one slow answer is not a week's monitoring.
    Availability {
        window_days: u32,
        max_seconds: u32,
        min_visits_per_day: u32,
    },
}

#[derive(Debug, Clone)]
pub struct Indicator {
    pub id: String,
    pub name: String,
    pub name_en: Option<String>,
    pub effect: Effect,
    pub rules: Vec<String>,
    /// Rules whose findings say the indicator could not be measured (a home
    /// page with no dated item): the item is then shown as unmeasured, not passed.
    pub unmeasured_rules: Vec<String>,
    pub measure: Measure,
    /// The measure at which the indicator vetoes or starts deducting.
    pub threshold: u32,
    /// Points off per unit of the measure at or over the threshold.
    pub points_each: u32,
    /// At most this many points off for the indicator.
    pub max_points: u32,
    pub doc: Option<String>,
    pub file: PathBuf,
    pub line: usize,
}

/// The `[scorecard]` table of a pack: its name, total and pass mark.
#[derive(Debug, Clone)]
pub struct Settings {
    pub pack: String,
    pub total: u32,
    pub pass_score: u32,
}

impl Settings {
    pub fn read(t: &mut TableReader<'_, '_>) -> Result<Settings, RuleError> {
        let pack = t.req_string("pack")?.into_inner();
        let total = t.count("total")?.ok_or_else(|| t.missing("total"))?;
        let pass = t
            .count("pass_score")?
            .ok_or_else(|| t.missing("pass_score"))?;
        if pass.get_ref() > total.get_ref() {
            return Err(t.error_at(
                &pass.span(),
                "`pass_score` of [scorecard] is more than its `total`",
            ));
        }
        Ok(Settings {
            pack,
            total: total.into_inner(),
            pass_score: pass.into_inner(),
        })
    }
}

impl Indicator {
    pub fn read(t: &mut TableReader<'_, '_>) -> Result<Indicator, RuleError> {
        let id = t.req_string("id")?.into_inner();
        t.set_context(format!("indicator `{id}`"));
        let name = t.req_string("name")?.into_inner();
        let name_en = t.string("name_en")?.map(|s| s.into_inner());
        let effect_s = t.req_string("effect")?;
        let effect = match effect_s.get_ref().as_str() {
            "veto" => Effect::Veto,
            "deduct" => Effect::Deduct,
            other => {
                return Err(t.error_at(
                    &effect_s.span(),
                    format!(
                        "`effect` of {} must be \"veto\" or \"deduct\", not \"{other}\"",
                        t.context
                    ),
                ));
            }
        };
        let rules = t.string_list("rules")?;
        let unmeasured_rules = t.string_list("unmeasured_rules")?;
        let window_days = t.count("window_days")?.map(|s| s.into_inner());
        let max_seconds = t.count("max_seconds")?.map(|s| s.into_inner());
        let min_visits = t.count("min_visits_per_day")?.map(|s| s.into_inner());
        let measure = match t.string("measure")? {
            None => Measure::Findings,
            Some(m) => match m.get_ref().as_str() {
                "findings" => Measure::Findings,
                "pages" => Measure::Pages,
                "targets" => Measure::Targets,
                "availability" => Measure::Availability {
                    window_days: window_days.ok_or_else(|| t.missing("window_days"))?,
                    max_seconds: max_seconds.ok_or_else(|| t.missing("max_seconds"))?,
                    min_visits_per_day: min_visits
                        .ok_or_else(|| t.missing("min_visits_per_day"))?,
                },
                other => {
                    return Err(t.error_at(
                        &m.span(),
                        format!(
                            "`measure` of {} must be \"findings\", \"pages\", \"targets\" or \"availability\", not \"{other}\"",
                            t.context
                        ),
                    ));
                }
            },
        };
        // Availability is measured from the visits, every other measure from rules.
        if rules.is_empty() && !matches!(measure, Measure::Availability { .. }) {
            return Err(t.missing("rules"));
        }
        let threshold = t
            .count("threshold")?
            .ok_or_else(|| t.missing("threshold"))?;
        // A threshold of 0 would fail every site: surely a slip.
        if *threshold.get_ref() == 0 {
            return Err(t.error_at(
                &threshold.span(),
                format!("`threshold` of {} must be at least 1", t.context),
            ));
        }
        let threshold = threshold.into_inner();
        let points_each = t.count("points_each")?.map(|s| s.into_inner());
        let max_points = t.count("max_points")?.map(|s| s.into_inner());
        let (points_each, max_points) = match (effect, points_each) {
            (Effect::Deduct, None) => return Err(t.missing("points_each")),
            (_, p) => (p.unwrap_or(0), max_points.unwrap_or(u32::MAX)),
        };
        let doc = t.string("doc")?.map(|s| s.into_inner());
        Ok(Indicator {
            id,
            name,
            name_en,
            effect,
            rules,
            unmeasured_rules,
            measure,
            threshold,
            points_each,
            max_points,
            doc,
            file: t.source().file.to_path_buf(),
            line: t.source().line_of(t.span.start),
        })
    }
}

/// Whether an indicator was met, cost points, or failed the site.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    Pass,
    Deduct,
    Veto,
    /// Nothing to measure by (a home page with no dated item): not a pass.
    Unmeasured,
}

#[derive(Debug, Clone, Serialize)]
pub struct Item {
    pub id: String,
    pub name: String,
    pub effect: Effect,
    pub status: Status,
    pub measured: usize,
    pub threshold: u32,
    /// Points off (0 unless `status` is `deduct`).
    pub deduction: u32,
    /// For availability: how many visits the share is of.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub visits: Option<usize>,
    /// For availability: the window, the time limit and the visits a day
    /// needed, to measure it by.
    #[serde(skip)]
    pub availability: Option<(u32, u32, u32)>,
    /// The ids of the findings behind the measure.
    pub findings: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Scorecard {
    pub pack: String,
    /// `pass` or `fail`.
    pub verdict: &'static str,
    pub score: u32,
    pub total: u32,
    pub pass_score: u32,
    /// Whether any indicator deducts points: without one the score says nothing.
    pub scored: bool,
    /// The ids of the veto items that failed the site.
    pub vetoed: Vec<String>,
    pub items: Vec<Item>,
}

/// Scores `findings` (to-dos only) against the indicators.
pub fn score(
    settings: &Settings,
    indicators: &[Indicator],
    findings: &[Finding],
    en: bool,
) -> Scorecard {
    let mut items = Vec::new();
    for ind in indicators {
        let behind: Vec<&Finding> = findings
            .iter()
            .filter(|f| f.is_todo() && ind.rules.contains(&f.rule))
            .collect();
        let measured = match ind.measure {
            Measure::Findings => behind.len(),
            Measure::Pages => behind.iter().map(|f| &f.url).collect::<BTreeSet<_>>().len(),
            Measure::Targets => behind
                .iter()
                .map(|f| f.target.as_ref().unwrap_or(&f.url))
                .collect::<BTreeSet<_>>()
                .len(),
            Measure::Availability { .. } => 0,
        };
        let reached = measured >= ind.threshold as usize;
        // Availability needs the visits of several runs: measured later, from history.
        let availability = match ind.measure {
            Measure::Availability {
                window_days,
                max_seconds,
                min_visits_per_day,
            } => Some((window_days, max_seconds, min_visits_per_day)),
            _ => None,
        };
        let unmeasured = availability.is_some()
            || findings
                .iter()
                .any(|f| f.is_todo() && ind.unmeasured_rules.contains(&f.rule));
        let (status, deduction) = match (ind.effect, reached) {
            (_, false) if unmeasured => (Status::Unmeasured, 0),
            (_, false) => (Status::Pass, 0),
            (Effect::Veto, true) => (Status::Veto, 0),
            (Effect::Deduct, true) => {
                // Each unit from the threshold on costs points_each.
                let units = (measured + 1).saturating_sub(ind.threshold as usize);
                let points = u32::try_from(units)
                    .unwrap_or(u32::MAX)
                    .saturating_mul(ind.points_each)
                    .min(ind.max_points);
                (Status::Deduct, points)
            }
        };
        let name = match (&ind.name_en, en) {
            (Some(n), true) => n.clone(),
            _ => ind.name.clone(),
        };
        items.push(Item {
            id: ind.id.clone(),
            name,
            effect: ind.effect,
            status,
            measured,
            threshold: ind.threshold,
            deduction,
            visits: None,
            availability,
            findings: behind.iter().map(|f| f.id.clone()).collect(),
        });
    }
    let mut card = Scorecard {
        pack: settings.pack.clone(),
        verdict: "pass",
        score: settings.total,
        total: settings.total,
        pass_score: settings.pass_score,
        scored: indicators.iter().any(|i| i.effect == Effect::Deduct),
        vetoed: Vec::new(),
        items,
    };
    card.judge();
    card
}

impl Scorecard {
    /// The verdict, score and veto list from the items' statuses.
    fn judge(&mut self) {
        self.vetoed = self
            .items
            .iter()
            .filter(|i| i.status == Status::Veto)
            .map(|i| i.id.clone())
            .collect();
        let off: u32 = self.items.iter().map(|i| i.deduction).sum();
        self.score = self.total.saturating_sub(off);
        self.verdict = if self.vetoed.is_empty() && self.score >= self.pass_score {
            "pass"
        } else {
            "fail"
        };
    }

    /// Measures the availability items from the start page's visits in their
    /// window: `visits(window_days, max_seconds)` gives (visits, failed).
    /// The measure is the failed share in percent (rounded down); the item
    /// fails at `threshold` percent or more, compared exactly.
    pub fn measure_availability(&mut self, visits: impl Fn(u32, u32) -> Option<(usize, usize)>) {
        for item in &mut self.items {
            let Some((days, secs, per_day)) = item.availability else {
                continue;
            };
            let Some((n, failed)) = visits(days, secs).filter(|(n, _)| *n > 0) else {
                continue;
            };
            item.visits = Some(n);
            item.measured = failed * 100 / n;
            // Too few visits for the indicator's measure: shown, not judged.
            if n < (days as usize).saturating_mul(per_day as usize) {
                continue;
            }
            let reached = failed * 100 >= item.threshold as usize * n;
            item.status = match (reached, item.effect) {
                (false, _) => Status::Pass,
                (true, Effect::Veto) => Status::Veto,
                // Not a scored item in any shipped pack; it only fails its share.
                (true, Effect::Deduct) => Status::Deduct,
            };
        }
        self.judge();
    }
}

/// The heading of a pack's scorecard (「检查指标（national-2019）」).
pub fn heading(card: &Scorecard, l: &crate::report::labels::Labels) -> String {
    l.scorecard_word("heading", &[("pack", card.pack.clone())])
}

/// The verdict line, the way inspectors write it.
pub fn verdict(card: &Scorecard, l: &crate::report::labels::Labels) -> String {
    let w = |key: &str, values: &[(&str, String)]| l.scorecard_word(key, values);
    let name_of = |id: &str| {
        card.items
            .iter()
            .find(|i| i.id == id)
            .map_or(id.to_string(), |i| i.name.clone())
    };
    if !card.vetoed.is_empty() {
        let names: Vec<String> = card.vetoed.iter().map(|id| name_of(id)).collect();
        w("fail_veto", &[("items", names.join(&l.enumeration))])
    } else if card.verdict == "fail" {
        w(
            "fail_score",
            &[
                ("score", card.score.to_string()),
                ("total", card.total.to_string()),
                ("pass_score", card.pass_score.to_string()),
            ],
        )
    } else if card.scored {
        w(
            "pass",
            &[
                ("score", card.score.to_string()),
                ("total", card.total.to_string()),
            ],
        )
    } else {
        w("pass_unscored", &[])
    }
}

/// One line per item: its status, measure and threshold, and the numbers of
/// the findings behind it (`number` gives a finding's number, by id).
pub fn item_lines(
    card: &Scorecard,
    l: &crate::report::labels::Labels,
    number: &dyn Fn(&str) -> Option<usize>,
) -> Vec<String> {
    let w = |key: &str, values: &[(&str, String)]| l.scorecard_word(key, values);
    let mut out = Vec::new();
    for item in &card.items {
        let status = match item.status {
            Status::Pass => w("status_pass", &[]),
            Status::Veto => w("status_veto", &[]),
            Status::Unmeasured => w("status_unmeasured", &[]),
            Status::Deduct => w("status_deduct", &[("points", item.deduction.to_string())]),
        };
        let mut line = match (item.availability, item.visits) {
            (Some((d, _, p)), Some(visits)) if item.status == Status::Unmeasured => w(
                "item_few_visits",
                &[
                    ("status", status),
                    ("name", item.name.clone()),
                    ("measured", item.measured.to_string()),
                    ("visits", visits.to_string()),
                    ("needed", d.saturating_mul(p).to_string()),
                ],
            ),
            (Some(_), Some(visits)) => w(
                "item_visits",
                &[
                    ("status", status),
                    ("name", item.name.clone()),
                    ("measured", item.measured.to_string()),
                    ("threshold", item.threshold.to_string()),
                    ("visits", visits.to_string()),
                ],
            ),
            (Some((days, _, _)), None) => w(
                "item_no_visits",
                &[
                    ("status", status),
                    ("name", item.name.clone()),
                    ("days", days.to_string()),
                ],
            ),
            (None, _) => w(
                "item",
                &[
                    ("status", status),
                    ("name", item.name.clone()),
                    ("measured", item.measured.to_string()),
                    ("threshold", item.threshold.to_string()),
                ],
            ),
        };
        let mut numbers: Vec<usize> = item.findings.iter().filter_map(|id| number(id)).collect();
        numbers.sort_unstable();
        if !numbers.is_empty() {
            let shown: Vec<String> = numbers.iter().map(usize::to_string).collect();
            line.push_str(&l.with_aside(
                "",
                &w("findings", &[("numbers", shown.join(&l.enumeration))]),
            ));
        }
        out.push(line);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ind(id: &str, effect: Effect, measure: Measure, threshold: u32) -> Indicator {
        Indicator {
            id: id.into(),
            name: id.into(),
            name_en: None,
            effect,
            rules: vec![id.into()],
            unmeasured_rules: Vec::new(),
            measure,
            threshold,
            points_each: 2,
            max_points: 5,
            doc: None,
            file: PathBuf::new(),
            line: 1,
        }
    }

    fn f(rule: &str, n: usize, url: &str) -> Finding {
        Finding {
            rule: rule.into(),
            url: url.into(),
            ..Finding::sample(&format!("{rule}{n}"))
        }
    }

    #[test]
    fn vetoes_at_the_threshold_and_deducts_up_to_the_cap() {
        let settings = Settings {
            pack: "p".into(),
            total: 100,
            pass_score: 80,
        };
        let inds = [
            ind("stale", Effect::Veto, Measure::Pages, 5),
            ind("links", Effect::Deduct, Measure::Findings, 1),
        ];
        // Four stale columns (one reported twice), five broken links.
        let mut fs: Vec<Finding> = (0..5)
            .map(|i| f("stale", i, &format!("c{}", i.min(3))))
            .collect();
        fs.extend((0..5).map(|i| f("links", i, "p")));
        let card = score(&settings, &inds, &fs, false);
        assert_eq!(card.items[0].measured, 4);
        assert_eq!(card.items[0].status, Status::Pass);
        assert_eq!(card.items[1].deduction, 5, "capped at max_points");
        assert_eq!((card.score, card.verdict), (95, "pass"));
        fs.push(f("stale", 9, "c9"));
        let card = score(&settings, &inds, &fs, false);
        assert_eq!(card.items[0].status, Status::Veto);
        assert_eq!(
            (card.verdict, card.vetoed.clone()),
            ("fail", vec!["stale".to_string()])
        );
    }

    #[test]
    fn availability_fails_at_the_threshold_share_exactly() {
        let settings = Settings {
            pack: "p".into(),
            total: 100,
            pass_score: 60,
        };
        let mut ind = ind("up", Effect::Veto, Measure::Findings, 5);
        ind.rules.clear();
        ind.measure = Measure::Availability {
            window_days: 7,
            max_seconds: 15,
            min_visits_per_day: 20,
        };
        let card = score(&settings, std::slice::from_ref(&ind), &[], false);
        // Not measured until visits are known.
        assert_eq!(card.items[0].status, Status::Unmeasured);
        let measured = |visits: usize, failed: usize| {
            let mut c = card.clone();
            c.measure_availability(|days, secs| {
                assert_eq!((days, secs), (7, 15));
                Some((visits, failed))
            });
            (c.items[0].status, c.items[0].measured, c.verdict)
        };
        // 7 of 140 visits (20 a day for a week) is 5 %: a veto.
        assert_eq!(measured(140, 7), (Status::Veto, 5, "fail"));
        // 6 of 140 is 4.3 %, and 7 of 141 is 4.96 %: passes.
        assert_eq!(measured(140, 6), (Status::Pass, 4, "pass"));
        assert_eq!(measured(141, 7), (Status::Pass, 4, "pass"));
        // Fewer than 20 visits a day for 7 days: shown, not judged.
        assert_eq!(measured(139, 139), (Status::Unmeasured, 100, "pass"));
        // No visits recorded: still not measured.
        assert_eq!(measured(0, 0).0, Status::Unmeasured);
    }

    #[test]
    fn records_of_the_past_are_not_counted() {
        let settings = Settings {
            pack: "p".into(),
            total: 100,
            pass_score: 80,
        };
        let inds = [ind("stale", Effect::Veto, Measure::Findings, 1)];
        let mut old = f("stale", 1, "c");
        old.record = Some(crate::report::finding::Record {
            occurred: jiff::civil::date(2019, 1, 1),
            recent: false,
        });
        let card = score(&settings, &inds, &[old], false);
        assert_eq!(card.items[0].measured, 0);
        assert_eq!(card.verdict, "pass");
    }
}

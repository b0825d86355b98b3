//! Words of the person-readable reports, in Chinese (default) and English.
//! Rule messages are not here: they come from the rule files.

use super::Summary;
use super::finding::Status;
use crate::checks::Lang;
use crate::rules::Severity;

/// Indexes into `Labels::columns`, the correction list's columns, for the
/// formats that show only some of them.
pub const COL_NO: usize = 0;
pub const COL_SEVERITY: usize = 1;
pub const COL_COLUMN: usize = 3;
pub const COL_TITLE: usize = 4;
pub const COL_URL: usize = 5;
pub const COL_PROBLEM: usize = 6;
pub const COL_DUE: usize = 9;
/// How many columns `Labels::columns` has; extra ones (status, first seen) follow.
pub const COLUMNS: usize = 10;

pub struct Labels {
    /// The language these labels are in (kind names pick theirs by it).
    pub lang: Lang,
    pub title: &'static str,
    pub as_of: &'static str,
    pub no_column: &'static str,
    pub evidence: &'static str,
    pub fix: &'static str,
    pub due: &'static str,
    pub rule: &'static str,
    pub link: &'static str,
    pub incomplete: &'static str,
    pub note: &'static str,
    pub no_findings: &'static str,
    /// `{pages}`, `{findings}`, `{error}`, `{warning}`, `{info}` are filled in.
    pub summary: &'static str,
    pub error: &'static str,
    pub warning: &'static str,
    pub info: &'static str,
    /// Column headers of the correction list (csv, xlsx): 序号 … 整改期限.
    pub columns: [&'static str; COLUMNS],
    pub status: &'static str,
    pub status_new: &'static str,
    pub status_persisting: &'static str,
    pub first_seen: &'static str,
    /// `{days}` is filled in.
    pub open_days: &'static str,
    pub fixed: &'static str,
    /// `{new}`, `{persisting}`, `{fixed}` are filled in.
    pub baseline_summary: &'static str,
    pub sheet_list: &'static str,
    pub sheet_summary: &'static str,
    pub column: &'static str,
    pub kind: &'static str,
    pub severity_label: &'static str,
    pub total: &'static str,
    pub page: &'static str,
    pub site: &'static str,
    pub pages: &'static str,
    pub findings: &'static str,
    pub calendar: &'static str,
    /// `{max_days}` is filled in.
    pub calendar_limit: &'static str,
    pub published: &'static str,
    pub overdue: &'static str,
    /// `{start}`, `{end}`, `{days}` are filled in.
    pub gap: &'static str,
    /// A gap not yet ended by a publication; same placeholders.
    pub gap_open: &'static str,
    pub no_gaps: &'static str,
    pub filter_all: &'static str,
    pub search: &'static str,
    pub more_rows: &'static str,
    pub weekdays: [&'static str; 7],
    pub history_header: [&'static str; 8],
    pub no_history: &'static str,
    /// The heading of the findings in the HTML report.
    pub details: &'static str,
}

pub const ZH: Labels = Labels {
    lang: Lang::Zh,
    title: "整改清单",
    as_of: "审计日期",
    no_column: "(未归属栏目)",
    evidence: "证据",
    fix: "整改建议",
    due: "整改期限",
    rule: "规则",
    link: "问题链接",
    incomplete: "注意:本次审计未完成,以下清单只包含已读取的页面。",
    note: "说明",
    no_findings: "未发现问题。",
    summary: "共检查 {pages} 个页面,发现 {findings} 个问题(错误 {error},警告 {warning},提示 {info})。",
    error: "错误",
    warning: "警告",
    info: "提示",
    columns: [
        "序号",
        "严重程度",
        "问题类型",
        "栏目",
        "页面标题",
        "页面地址",
        "问题描述",
        "证据",
        "整改建议",
        "整改期限",
    ],
    status: "状态",
    status_new: "新增",
    status_persisting: "未整改",
    first_seen: "首次发现",
    open_days: "已存在{days}天",
    fixed: "已整改",
    baseline_summary: "与基线相比:新增 {new} 个,未整改 {persisting} 个,已整改 {fixed} 个。",
    sheet_list: "整改清单",
    sheet_summary: "汇总",
    column: "栏目",
    kind: "问题类型",
    severity_label: "严重程度",
    total: "合计",
    page: "页面",
    site: "网站",
    pages: "页面数",
    findings: "问题数",
    calendar: "栏目更新日历",
    calendar_limit: "更新要求:每{max_days}天至少一条",
    published: "有发布",
    overdue: "超期未更新",
    gap: "{start} 至 {end}:{days}天无更新",
    gap_open: "{start} 起至今({end}):{days}天无更新",
    no_gaps: "近12个月没有超过时限的空档。",
    filter_all: "全部",
    search: "搜索",
    more_rows: "另有 {n} 个问题未列出,见完整报告。",
    weekdays: ["一", "二", "三", "四", "五", "六", "日"],
    history_header: [
        "审计日期",
        "运行时间",
        "页面",
        "问题",
        "错误",
        "警告",
        "新增",
        "已整改",
    ],
    no_history: "历史记录中没有该网站的审计。",
    details: "问题明细",
};

pub const EN: Labels = Labels {
    lang: Lang::En,
    title: "Correction list",
    as_of: "audit date",
    no_column: "(no column)",
    evidence: "evidence",
    fix: "fix",
    due: "due",
    rule: "rule",
    link: "bad link",
    incomplete: "Note: this audit did not finish; the list covers only the pages that were read.",
    note: "note",
    no_findings: "No findings.",
    summary: "Checked {pages} pages, found {findings} problems ({error} errors, {warning} warnings, {info} info).",
    error: "error",
    warning: "warning",
    info: "info",
    columns: [
        "No.",
        "Severity",
        "Kind",
        "Column",
        "Page title",
        "Page URL",
        "Problem",
        "Evidence",
        "Fix",
        "Due",
    ],
    status: "Status",
    status_new: "new",
    status_persisting: "persisting",
    first_seen: "First seen",
    open_days: "open for {days} days",
    fixed: "Fixed",
    baseline_summary: "Against the baseline: {new} new, {persisting} persisting, {fixed} fixed.",
    sheet_list: "Corrections",
    sheet_summary: "Summary",
    column: "Column",
    kind: "Kind",
    severity_label: "Severity",
    total: "Total",
    page: "Page",
    site: "Site",
    pages: "Pages",
    findings: "Findings",
    calendar: "Column publication calendar",
    calendar_limit: "Limit: at least one item every {max_days} days",
    published: "published",
    overdue: "overdue",
    gap: "{start} to {end}: {days} days without a new item",
    gap_open: "since {start} (to {end}): {days} days without a new item",
    no_gaps: "No gap over the limit in the last 12 months.",
    filter_all: "All",
    search: "Search",
    more_rows: "{n} more findings are not listed; see the full report.",
    weekdays: ["Mo", "Tu", "We", "Th", "Fr", "Sa", "Su"],
    history_header: [
        "Audit date",
        "Run at",
        "Pages",
        "Findings",
        "Errors",
        "Warnings",
        "New",
        "Fixed",
    ],
    no_history: "The history holds no audit of this site.",
    details: "Findings",
};

/// (kind, Chinese name, English name) for the kinds of DESIGN.md.
const KIND_NAMES: &[(&str, &str, &str)] = &[
    ("freshness", "更新不及时", "stale column"),
    ("publish-lag", "发布不及时", "late publication"),
    ("stale-notice", "过期通知", "stale notice"),
    ("broken-nav", "上下篇错误", "broken prev/next"),
    ("broken-link", "失效链接", "broken link"),
    ("missing-metadata", "要素缺失", "missing metadata"),
    ("typo", "错别字", "typo"),
    ("punctuation", "标点错误", "punctuation"),
    ("privacy", "隐私信息", "privacy"),
    ("empty-column", "空白栏目", "empty column"),
    ("annual-report", "年报问题", "annual report"),
    ("duplicate-heading", "重复标题", "duplicate heading"),
    ("fetch-error", "无法访问", "fetch error"),
];

impl Labels {
    pub fn get(lang: Lang) -> &'static Labels {
        match lang {
            Lang::Zh => &ZH,
            Lang::En => &EN,
        }
    }

    /// The editor's name for a finding kind; unknown kinds show as they are.
    pub fn kind_name<'k>(&self, kind: &'k str) -> &'k str {
        match KIND_NAMES.iter().find(|(k, _, _)| *k == kind) {
            Some((_, zh, en)) => self.lang.pick(*zh, Some(*en)),
            None => kind,
        }
    }

    /// A finding's column, or the words for "no column".
    pub fn column_or<'a>(&self, column: Option<&'a str>) -> &'a str {
        column.unwrap_or(self.no_column)
    }

    /// The baseline status of a finding; empty without a baseline.
    pub fn status(&self, s: Option<Status>) -> &'static str {
        match s {
            Some(Status::New) => self.status_new,
            Some(Status::Persisting) => self.status_persisting,
            None => "",
        }
    }

    /// "Checked N pages, found M problems (…)".
    pub fn summary_line(&self, s: &Summary) -> String {
        self.summary
            .replace("{pages}", &s.pages.to_string())
            .replace("{findings}", &s.findings.to_string())
            .replace("{error}", &s.count(Severity::Error).to_string())
            .replace("{warning}", &s.count(Severity::Warning).to_string())
            .replace("{info}", &s.count(Severity::Info).to_string())
    }

    /// The counts against `--baseline`; `None` when the run had no baseline.
    pub fn baseline_line(&self, s: &Summary) -> Option<String> {
        let (Some(n), Some(p), Some(f)) = (s.new, s.persisting, s.fixed) else {
            return None;
        };
        Some(
            self.baseline_summary
                .replace("{new}", &n.to_string())
                .replace("{persisting}", &p.to_string())
                .replace("{fixed}", &f.to_string()),
        )
    }

    pub fn severity(&self, s: Severity) -> &'static str {
        match s {
            Severity::Error => self.error,
            Severity::Warning => self.warning,
            Severity::Info => self.info,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kind_names_follow_the_language() {
        assert_eq!(Labels::get(Lang::Zh).kind_name("typo"), "错别字");
        assert_eq!(Labels::get(Lang::En).kind_name("typo"), "typo");
        assert_eq!(Labels::get(Lang::En).kind_name("freshness"), "stale column");
        // A copy of the labels is still in its language.
        let copied = Labels { ..ZH };
        assert_eq!(copied.kind_name("freshness"), "更新不及时");
        assert_eq!(ZH.kind_name("unknown-kind"), "unknown-kind");
    }
}

//! Words of the person-readable reports, in Chinese (default) and English.
//! Rule messages are not here: they come from the rule files.

use crate::checks::Lang;
use crate::rules::Severity;

pub struct Labels {
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
}

pub const ZH: Labels = Labels {
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
};

pub const EN: Labels = Labels {
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
};

impl Labels {
    pub fn get(lang: Lang) -> &'static Labels {
        match lang {
            Lang::Zh => &ZH,
            Lang::En => &EN,
        }
    }

    pub fn severity(&self, s: Severity) -> &'static str {
        match s {
            Severity::Error => self.error,
            Severity::Warning => self.warning,
            Severity::Info => self.info,
        }
    }
}

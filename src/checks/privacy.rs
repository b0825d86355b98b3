//! `privacy`: personal numbers published on the site — 18-digit resident ID
//! numbers (valid check digit, plausible birth date), mobile numbers and bank
//! card numbers (passing Luhn) — in page text, titles and attachment names.
//!
//! Publishing a citizen's ID or bank card number (subsidy lists, 公示 of
//! recipients, scanned forms uploaded as attachments) breaks the personal
//! information protection rules that inspections check first; the fix is to
//! mask the number (去标识化). Numbers after a contact label (`联系电话`,
//! `咨询电话`…, configured per rule) are official contacts and stay silent.
//! The report itself never repeats a number whole: evidence is masked the way
//! the national guidance masks them (`138****1234`, `35*************123`), and
//! `redact` masks every other finding's text as well.
//!
//! Example finding: `「2019年低保对象公示」公开了居民身份证号码 35*************123`,
//! evidence `户主:王某 身份证号:35*************123`.

use jiff::civil::Date;
use regex::Regex;

use crate::checks::{At, Ctx, Draft, KindSpec, count, required};
use crate::extract::record::PageKind;
use crate::report::finding::Finding;
use crate::rules::toml_reader::{RuleError, TableReader};
use crate::rules::{Rule, Values};
use crate::source::urls::percent_decode;

pub const KIND: &str = "privacy";

pub const SPEC: KindSpec = KindSpec {
    name: KIND,
    placeholders: &["masked"],
    needs_category: false,
    doc: "Finds one kind of personal number (`detect`: id-card, mobile or bank-card) in page \
          text, page titles and the file names of linked attachments. ID numbers must have 18 \
          characters, a valid region, a birth date not after the audit date and a correct \
          check digit; mobile numbers 11 digits from 13x to 19x; bank card numbers 16 to 19 \
          digits with one of `prefixes` and a valid Luhn digit. A number within \
          `label_window` characters after one of `allow_after_labels` on the same line (or \
          under such a label in a table) is an official contact and allowed, as is a number \
          matching one of the `allow` regexes. Evidence shows the number masked, keeping \
          `keep_first` and `keep_last` digits, with `evidence_before` and `evidence_after` \
          characters of its line. The report masks card numbers with the bank-card rules' \
          `prefixes`, or without such a rule with the `redact_prefixes` of the privacy rules. \
          Parameters: detect, allow_after_labels, label_window, allow, prefixes, keep_first, \
          keep_last, evidence_before, evidence_after, redact_prefixes, attachments (default: \
          attachments = true). Example finding: \
          「2019年临时救助对象公示」公开了居民身份证号码35*************123, evidence \
          `申请人：王某某，身份证号：35*************123`.",
};

/// The kinds of personal number this check knows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NumberKind {
    IdCard,
    Mobile,
    BankCard,
}

impl NumberKind {
    pub const ALL: [NumberKind; 3] = [NumberKind::IdCard, NumberKind::Mobile, NumberKind::BankCard];

    pub fn as_str(self) -> &'static str {
        match self {
            NumberKind::IdCard => "id-card",
            NumberKind::Mobile => "mobile",
            NumberKind::BankCard => "bank-card",
        }
    }

    pub fn parse(s: &str) -> Option<NumberKind> {
        NumberKind::ALL.into_iter().find(|k| k.as_str() == s)
    }

    /// How much of a number the report shows when no rule of its kind is loaded
    /// (every rule must give its own `keep_first` and `keep_last`).
    fn default_keep(self) -> (usize, usize) {
        match self {
            NumberKind::IdCard => (2, 3),
            NumberKind::Mobile => (3, 4),
            NumberKind::BankCard => (4, 4),
        }
    }
}

#[derive(Debug, Clone)]
pub struct Params {
    pub detect: NumberKind,
    pub allow_after_labels: Vec<String>,
    pub label_window: usize,
    pub allow: Vec<Regex>,
    /// Bank card number prefixes (issuer identification), e.g. `62`.
    pub prefixes: Vec<String>,
    pub keep_first: usize,
    pub keep_last: usize,
    /// Characters of the line shown before and after the masked number.
    pub evidence_before: usize,
    pub evidence_after: usize,
    /// Card prefixes the report masks when no bank-card rule is loaded.
    pub redact_prefixes: Vec<String>,
    /// Also scan the file names of linked attachments.
    pub attachments: bool,
}

pub fn params(t: &mut TableReader<'_, '_>) -> Result<Params, RuleError> {
    let d = t.req_string("detect")?;
    let detect = NumberKind::parse(d.get_ref()).ok_or_else(|| {
        t.error_at(
            &d.span(),
            format!(
                "`detect` of {} must be id-card, mobile or bank-card, not \"{}\"",
                t.context,
                d.get_ref()
            ),
        )
    })?;
    let mut allow_after_labels = t.string_list("allow_after_labels")?;
    // A blank label would "precede" every number.
    allow_after_labels.retain(|l| !l.trim().is_empty());
    let label_window = count(t, "label_window")?;
    let allow = t.regexes("allow", &[])?.unwrap_or_default();
    let prefixes = digit_prefixes(t, "prefixes")?;
    let redact_prefixes = digit_prefixes(t, "redact_prefixes")?;
    let keep_first = count(t, "keep_first")?;
    let keep_last = count(t, "keep_last")?;
    let evidence_before = count(t, "evidence_before")?;
    let evidence_after = count(t, "evidence_after")?;
    let attachments = t.boolean("attachments")?.unwrap_or(true);
    Ok(Params {
        detect,
        allow_after_labels,
        label_window: required(t, "label_window", label_window)?,
        allow,
        prefixes,
        keep_first: required(t, "keep_first", keep_first)?,
        keep_last: required(t, "keep_last", keep_last)?,
        evidence_before: required(t, "evidence_before", evidence_before)?,
        evidence_after: required(t, "evidence_after", evidence_after)?,
        redact_prefixes,
        attachments,
    })
}

/// A list of card number prefixes, each all digits.
fn digit_prefixes(
    t: &mut TableReader<'_, '_>,
    key: &'static str,
) -> Result<Vec<String>, RuleError> {
    let prefixes: Vec<String> = t
        .strings(key)?
        .unwrap_or_default()
        .into_iter()
        .map(|s| s.into_inner())
        .collect();
    if let Some(bad) = prefixes
        .iter()
        .find(|p| p.is_empty() || !p.chars().all(|c| c.is_ascii_digit()))
    {
        return Err(t.error_at(
            &t.span.clone(),
            format!("`{key}` of {} must be digits, not \"{bad}\"", t.context),
        ));
    }
    Ok(prefixes)
}

/// A personal number found in a string.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hit {
    pub kind: NumberKind,
    /// Byte range in the scanned string, separators included.
    pub start: usize,
    pub end: usize,
    /// The number without separators, ASCII digits (and `X` for an ID's check digit).
    pub digits: String,
}

fn ascii_digit(c: char) -> Option<char> {
    match c {
        '0'..='9' => Some(c),
        '０'..='９' => char::from_u32(c as u32 - '０' as u32 + '0' as u32),
        _ => None,
    }
}

/// Whether `s` holds at least `n` digits, ASCII or full-width (`０`…`９`,
/// UTF-8 `EF BC 90`…`EF BC 99`), counted on bytes: every line of every page
/// is asked this.
fn has_digits(s: &str, n: usize) -> bool {
    let b = s.as_bytes();
    let mut count = 0;
    let mut i = 0;
    while i < b.len() {
        if b[i].is_ascii_digit() {
            count += 1;
        } else if b[i] == 0xEF
            && b.get(i + 1) == Some(&0xBC)
            && b.get(i + 2).is_some_and(|c| (0x90..=0x99).contains(c))
        {
            count += 1;
            i += 2;
        }
        if count >= n {
            return true;
        }
        i += 1;
    }
    false
}

fn is_x(c: char) -> bool {
    matches!(c, 'X' | 'x' | 'Ｘ' | 'ｘ')
}

/// Province-level region codes that ID numbers start with.
const REGIONS: &[u32] = &[
    11, 12, 13, 14, 15, 21, 22, 23, 31, 32, 33, 34, 35, 36, 37, 41, 42, 43, 44, 45, 46, 50, 51, 52,
    53, 54, 61, 62, 63, 64, 65, 71, 81, 82, 83, 91,
];

/// An 18-character resident ID number (GB 11643): region, birth date, check digit.
fn is_id_number(digits: &str, as_of: Date) -> bool {
    let b = digits.as_bytes();
    if b.len() != 18 || !b[..17].iter().all(u8::is_ascii_digit) {
        return false;
    }
    let num = |r: std::ops::Range<usize>| digits[r].parse::<i32>().ok();
    let region = num(0..2).unwrap_or(0) as u32;
    if !REGIONS.contains(&region) {
        return false;
    }
    let (Some(y), Some(m), Some(d)) = (num(6..10), num(10..12), num(12..14)) else {
        return false;
    };
    let Ok(birth) = Date::new(y as i16, m as i8, d as i8) else {
        return false;
    };
    if y < 1900 || birth > as_of {
        return false;
    }
    const W: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
    let sum: u32 = b[..17]
        .iter()
        .zip(W)
        .map(|(c, w)| u32::from(c - b'0') * w)
        .sum();
    let check = b"10X98765432"[(sum % 11) as usize];
    b[17].to_ascii_uppercase() == check
}

fn is_mobile(digits: &str) -> bool {
    let b = digits.as_bytes();
    b.len() == 11
        && b.iter().all(u8::is_ascii_digit)
        && b[0] == b'1'
        && (b'3'..=b'9').contains(&b[1])
}

fn luhn(digits: &str) -> bool {
    let mut sum = 0u32;
    for (i, c) in digits.bytes().rev().enumerate() {
        if !c.is_ascii_digit() {
            return false;
        }
        let mut d = u32::from(c - b'0');
        if i % 2 == 1 {
            d *= 2;
            if d > 9 {
                d -= 9;
            }
        }
        sum += d;
    }
    sum % 10 == 0
}

fn is_bank_card(digits: &str, prefixes: &[String]) -> bool {
    (16..=19).contains(&digits.len())
        && digits.bytes().all(|c| c.is_ascii_digit())
        && prefixes.iter().any(|p| digits.starts_with(p.as_str()))
        && luhn(digits)
}

/// One run of digits (possibly split by single spaces or hyphens) in a string.
struct Run {
    start: usize,
    end: usize,
    /// (byte start, byte end, digits) of each separated group.
    groups: Vec<(usize, usize, String)>,
}

fn runs(s: &str) -> Vec<Run> {
    let chars: Vec<(usize, char)> = s.char_indices().collect();
    let alnum_at = |i: usize| {
        chars
            .get(i)
            .is_some_and(|&(_, c)| c.is_ascii_alphanumeric() || ascii_digit(c).is_some())
    };
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        if ascii_digit(chars[i].1).is_none() || (i > 0 && alnum_at(i - 1)) {
            i += 1;
            continue;
        }
        let mut groups: Vec<(usize, usize, String)> = Vec::new();
        let mut j = i;
        loop {
            let gs = j;
            let mut g = String::new();
            while let Some(d) = chars.get(j).and_then(|&(_, c)| ascii_digit(c)) {
                g.push(d);
                j += 1;
            }
            // An ID number's check digit may be X.
            if chars.get(j).is_some_and(|&(_, c)| is_x(c)) && g.len() + groups_len(&groups) == 17 {
                g.push('X');
                j += 1;
            }
            let end_byte = chars.get(j).map_or(s.len(), |&(b, _)| b);
            groups.push((chars[gs].0, end_byte, g));
            let sep = chars.get(j).is_some_and(|&(_, c)| c == ' ' || c == '-');
            let digit_after = chars
                .get(j + 1)
                .and_then(|&(_, c)| ascii_digit(c))
                .is_some();
            if sep && digit_after {
                j += 1;
            } else {
                break;
            }
        }
        let end = chars.get(j).map_or(s.len(), |&(b, _)| b);
        // A letter glued to the number makes it a code (product, serial), not a personal number.
        let glued = chars
            .get(j)
            .is_some_and(|&(_, c)| c.is_ascii_alphabetic() || is_x(c));
        if !glued {
            out.push(Run {
                start: chars[i].0,
                end,
                groups,
            });
        }
        i = j.max(i + 1);
    }
    out
}

fn groups_len(groups: &[(usize, usize, String)]) -> usize {
    groups.iter().map(|g| g.2.len()).sum()
}

fn classify(digits: &str, as_of: Date, bank_prefixes: &[String]) -> Option<NumberKind> {
    if is_id_number(digits, as_of) {
        Some(NumberKind::IdCard)
    } else if is_mobile(digits) {
        Some(NumberKind::Mobile)
    } else if is_bank_card(digits, bank_prefixes) {
        Some(NumberKind::BankCard)
    } else {
        None
    }
}

/// Every personal number in `s`. A run split by separators is read whole when
/// its grouping fits (`138 1234 5678`, `6222 0212 …`), else group by group.
pub fn scan(s: &str, as_of: Date, bank_prefixes: &[String]) -> Vec<Hit> {
    let mut out = Vec::new();
    // The shortest personal number (a mobile) has 11 digits; most lines, dates
    // and all, have fewer, and are skipped without building the digit runs.
    if !has_digits(s, 11) {
        return out;
    }
    for run in runs(s) {
        let lens: Vec<usize> = run.groups.iter().map(|g| g.2.len()).collect();
        let whole: String = run.groups.iter().map(|g| g.2.as_str()).collect();
        let mut digits = whole.clone();
        // `+86 138 1234 5678`, `86-13812345678`: the country code is not part of the number.
        if lens.len() > 1 && run.groups[0].2 == "86" && whole.len() == 13 {
            digits = whole[2..].to_string();
        }
        let grouping_fits = lens.len() == 1
            || matches!(
                lens.as_slice(),
                [3, 4, 4] | [2, 3, 4, 4] | [2, 11] | [6, 8, 4]
            )
            || (lens[..lens.len() - 1].iter().all(|&l| l == 4) && lens.len() >= 4);
        if grouping_fits && let Some(kind) = classify(&digits, as_of, bank_prefixes) {
            out.push(Hit {
                kind,
                start: run.start,
                end: run.end,
                digits,
            });
            continue;
        }
        if lens.len() > 1 {
            for (gs, ge, g) in &run.groups {
                if let Some(kind) = classify(g, as_of, bank_prefixes) {
                    out.push(Hit {
                        kind,
                        start: *gs,
                        end: *ge,
                        digits: g.clone(),
                    });
                }
            }
        }
    }
    out
}

/// `138****1234`: the first `first` and last `last` characters, stars between.
pub fn mask(digits: &str, first: usize, last: usize) -> String {
    let n = digits.chars().count();
    if first + last >= n {
        // Nothing would be hidden; hide all but the last character.
        return "*".repeat(n.saturating_sub(1))
            + &digits.chars().last().map(String::from).unwrap_or_default();
    }
    digits
        .chars()
        .enumerate()
        .map(|(i, c)| if i < first || i >= n - last { c } else { '*' })
        .collect()
}

/// How each kind is masked, and which bank card prefixes count, for `redact`.
#[derive(Debug, Clone)]
pub struct Masker {
    pub keep: [(usize, usize); 3],
    pub prefixes: Vec<String>,
    pub as_of: Date,
}

impl Masker {
    /// The masks of the configured privacy rules, or the guidance's defaults.
    pub fn from_rules(rules: &crate::rules::RuleSet, as_of: Date) -> Masker {
        let mut keep = NumberKind::ALL.map(NumberKind::default_keep);
        let mut prefixes: Vec<String> = Vec::new();
        let mut fallback: Vec<String> = Vec::new();
        for r in &rules.rules {
            if let crate::checks::Params::Privacy(p) = &r.params {
                keep[p.detect as usize] = (p.keep_first, p.keep_last);
                if p.detect == NumberKind::BankCard {
                    prefixes.extend(p.prefixes.iter().cloned());
                }
                fallback.extend(p.redact_prefixes.iter().cloned());
            }
        }
        if prefixes.is_empty() {
            // Without a bank-card rule, still hide the card numbers the rule files name.
            prefixes = fallback;
        }
        Masker {
            keep,
            prefixes,
            as_of,
        }
    }

    /// `s` with every personal number masked.
    pub fn redact(&self, s: &str) -> String {
        let hits = scan(s, self.as_of, &self.prefixes);
        if hits.is_empty() {
            return s.to_string();
        }
        let mut out = String::with_capacity(s.len());
        let mut at = 0;
        for h in hits {
            out.push_str(&s[at..h.start]);
            let (f, l) = self.keep[h.kind as usize];
            out.push_str(&mask(&h.digits, f, l));
            at = h.end;
        }
        out.push_str(&s[at..]);
        out
    }

    pub fn redact_finding(&self, f: &mut Finding) {
        let fix = |s: &mut String| {
            // No personal number has fewer digits than a mobile's 11.
            if has_digits(s, 11) {
                *s = self.redact(s);
            }
        };
        fix(&mut f.message);
        fix(&mut f.url);
        for s in [
            &mut f.title,
            &mut f.column,
            &mut f.evidence,
            &mut f.fix,
            &mut f.target,
        ]
        .into_iter()
        .flatten()
        {
            fix(s);
        }
    }
}

/// Whether the hit at byte `start` of `lines[i]` follows an allowing label:
/// on the same line within `window` characters, alone on the line before, or
/// in the header row of the table the line belongs to.
fn after_label(
    lines: &[&str],
    i: usize,
    start: usize,
    labels: &[String],
    window: usize,
    personal: &dyn Fn(&str) -> bool,
) -> bool {
    if labels.is_empty() {
        return false;
    }
    let line = lines[i];
    let before = &line[..start];
    for l in labels {
        if let Some(pos) = before.rfind(l.as_str()) {
            let gap = before[pos + l.len()..].chars().count();
            if gap <= window {
                return true;
            }
        }
    }
    let label_only = |s: &str| {
        let t = s.trim().trim_end_matches([':', '：', ' ']);
        labels.iter().any(|l| t.ends_with(l.as_str()))
    };
    if i > 0 && before.trim().is_empty() && label_only(lines[i - 1]) {
        return true;
    }
    // A table of contacts: tab-separated rows under a header that names the label,
    // unless the table also lists ID or card numbers (a list of people, not of offices).
    if line.contains('\t') {
        let (mut top, mut bottom) = (i, i);
        while top > 0 && lines[top - 1].contains('\t') && i - top < 200 {
            top -= 1;
        }
        while bottom + 1 < lines.len() && lines[bottom + 1].contains('\t') && bottom - i < 200 {
            bottom += 1;
        }
        let headed = lines[top..i]
            .iter()
            .any(|row| labels.iter().any(|l| row.contains(l.as_str())));
        return headed && !lines[top..=bottom].iter().any(|row| personal(row));
    }
    false
}

struct PageScan<'a> {
    p: &'a Params,
    as_of: Date,
    masker: &'a Masker,
    /// Masked numbers already reported on this page, to report each once.
    seen: Vec<String>,
}

impl PageScan<'_> {
    fn allowed(&self, h: &Hit) -> bool {
        self.p.allow.iter().any(|r| r.is_match(&h.digits))
    }

    /// (digits, masked, evidence) of each hit of the rule's kind in `lines`.
    fn lines(&self, lines: &[&str], use_labels: bool) -> Vec<(String, String, String)> {
        let mut out = Vec::new();
        for (i, line) in lines.iter().enumerate() {
            for h in scan(line, self.as_of, &self.p.prefixes) {
                if h.kind != self.p.detect || self.allowed(&h) {
                    continue;
                }
                if use_labels
                    && after_label(
                        lines,
                        i,
                        h.start,
                        &self.p.allow_after_labels,
                        self.p.label_window,
                        &|row| {
                            scan(row, self.as_of, &self.masker.prefixes)
                                .iter()
                                .any(|x| x.kind != NumberKind::Mobile)
                        },
                    )
                {
                    continue;
                }
                let masked = mask(&h.digits, self.p.keep_first, self.p.keep_last);
                let evidence = self.context(line, &h, &masked);
                out.push((h.digits, masked, evidence));
            }
        }
        out
    }

    /// A short stretch of the line around the hit, every number in it masked.
    /// The line is masked whole before it is cut, so that the cut never
    /// leaves part of another number readable.
    fn context(&self, line: &str, h: &Hit, masked: &str) -> String {
        let mut hits = scan(line, self.as_of, &self.masker.prefixes);
        hits.retain(|x| x.end <= h.start || x.start >= h.end);
        hits.push(h.clone());
        hits.sort_by_key(|x| x.start);
        let mut out: Vec<char> = Vec::with_capacity(line.len());
        let (mut from, mut to) = (0, 0);
        let mut at = 0;
        for x in &hits {
            out.extend(line[at..x.start].chars());
            if x.start == h.start {
                from = out.len();
                out.extend(masked.chars());
                to = out.len();
            } else {
                let (f, l) = self.masker.keep[x.kind as usize];
                out.extend(mask(&x.digits, f, l).chars());
            }
            at = x.end;
        }
        out.extend(line[at..].chars());
        let start = from.saturating_sub(self.p.evidence_before);
        let end = (to + self.p.evidence_after).min(out.len());
        // Table cells are tab-separated; a space reads better in evidence.
        out[start..end]
            .iter()
            .map(|&c| if c == '\t' { ' ' } else { c })
            .collect::<String>()
            .trim()
            .to_string()
    }

    fn key(&mut self, masked: &str) -> String {
        // Two different numbers can share a mask; the ordinal keeps their ids apart.
        let n = self.seen.iter().filter(|s| *s == masked).count();
        self.seen.push(masked.to_string());
        format!("{masked}#{n}")
    }
}

/// The decoded file name of an attachment, from its URL up to the query.
fn file_name(path: &str) -> String {
    percent_decode(path.rsplit('/').next().unwrap_or(""))
}

pub fn check(ctx: &Ctx<'_>, rule: &Rule, p: &Params, out: &mut Vec<Finding>) {
    let masker = Masker::from_rules(ctx.rules, ctx.as_of);
    for page in ctx.site.pages_in(&rule.categories) {
        if page.kind == PageKind::Attachment || page.error.is_some() {
            continue;
        }
        let mut scan = PageScan {
            p,
            as_of: ctx.as_of,
            masker: &masker,
            seen: Vec::new(),
        };
        let mut found: Vec<(String, String, String, Option<String>)> = Vec::new();
        let text_lines: Vec<&str> = page.text.lines().collect();
        // A title is not a contact block: labels do not excuse a number there.
        let in_title = scan.lines(&[page.title.as_str()], false);
        let in_text = scan.lines(&text_lines, true);
        for (d, m, e) in in_title.into_iter().chain(in_text) {
            found.push((d, m, e, None));
        }
        if p.attachments {
            for link in &page.links {
                // Links are canonical URLs: the path ends at `?` or `#`, no parse needed.
                let end = memchr::memchr2(b'?', b'#', link.as_bytes()).unwrap_or(link.len());
                let path = &link[..end];
                if !ctx.rules.extract.is_attachment_path(path) {
                    continue;
                }
                let name = file_name(path);
                for (d, m, e) in scan.lines(&[name.as_str()], false) {
                    found.push((d, m, e, Some(masker.redact(link))));
                }
            }
        }
        let mut reported: Vec<String> = Vec::new();
        for (digits, masked, evidence, target) in found {
            // The same number on one page is one problem, wherever it appears.
            if reported.contains(&digits) {
                continue;
            }
            reported.push(digits);
            let key = scan.key(&masked);
            let mut values = Values::new();
            values.insert("masked", masked);
            // The title and message are masked with every finding in lib.rs; the
            // target is masked here because the finding id is made from it.
            out.push(ctx.finding(
                rule,
                Draft {
                    at: At::page(page),
                    key,
                    evidence: Some(evidence),
                    target,
                    values,
                },
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn as_of() -> Date {
        Date::new(2019, 3, 20).unwrap()
    }

    /// Completes 17 digits with their check digit.
    fn id(first17: &str) -> String {
        const W: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
        let sum: u32 = first17
            .bytes()
            .zip(W)
            .map(|(c, w)| u32::from(c - b'0') * w)
            .sum();
        let c = b"10X98765432"[(sum % 11) as usize] as char;
        format!("{first17}{c}")
    }

    fn bank(first: &str) -> String {
        (0..10)
            .map(|d| format!("{first}{d}"))
            .find(|s| luhn(s))
            .unwrap()
    }

    #[test]
    fn digits_are_counted_on_bytes_as_on_chars() {
        let cases = [
            "",
            "2019-03-17",
            "电话１３８１２３４５６７８",
            "１２３4567890１",
            "０",
            "a1b2",
            "\u{FF10}\u{FF19}\u{FF1A}\u{FF0F}",
        ];
        for s in cases {
            let chars = s.chars().filter(|&c| ascii_digit(c).is_some()).count();
            for n in 1..=12 {
                assert_eq!(has_digits(s, n), chars >= n, "{s} {n}");
            }
        }
    }

    #[test]
    fn id_numbers_need_check_digit_and_birth_date() {
        let good = id("35010219800101123");
        assert!(is_id_number(&good, as_of()));
        let last = good.as_bytes()[17];
        let wrong_check = format!("{}{}", &good[..17], if last == b'0' { '1' } else { '0' });
        assert!(!is_id_number(&wrong_check, as_of()));
        // Born after the audit date.
        assert!(!is_id_number(&id("35010220200101123"), as_of()));
        // 30 February.
        assert!(!is_id_number(&id("35010219800230123"), as_of()));
        // Region 99 does not exist.
        assert!(!is_id_number(&id("99010219800101123"), as_of()));
    }

    #[test]
    fn scan_finds_and_masks() {
        let n = id("35010219800101123");
        let line = format!(
            "王某 身份证号:{n} 手机:138 1234 5678,卡号{}",
            bank("622202123456789012")
        );
        let hits = scan(&line, as_of(), &["62".to_string()]);
        let kinds: Vec<_> = hits.iter().map(|h| h.kind).collect();
        assert_eq!(
            kinds,
            vec![NumberKind::IdCard, NumberKind::Mobile, NumberKind::BankCard]
        );
        assert_eq!(hits[1].digits, "13812345678");
        assert_eq!(mask("13812341234", 3, 4), "138****1234");
        assert_eq!(mask(&n, 2, 3), format!("35*************{}", &n[15..]));
        let m = Masker::from_rules(&crate::rules::RuleSet::default(), as_of());
        let red = m.redact(&line);
        assert!(!red.contains(&n) && !red.contains("138 1234 5678"), "{red}");
        assert!(red.contains("138****5678"), "{red}");
    }

    #[test]
    fn x_check_digit_full_width_and_grouped_forms() {
        // Find 17 digits whose check digit is X.
        let with_x = (0..1000)
            .map(|n| id(&format!("11010519491231{n:03}")))
            .find(|s| s.ends_with('X'))
            .unwrap();
        let lower = with_x.replace('X', "x");
        let hits = scan(&format!("证号{lower}。"), as_of(), &[]);
        assert_eq!(hits.len(), 1);
        assert_eq!(hits[0].kind, NumberKind::IdCard);
        assert_eq!(hits[0].digits, with_x);
        let full: String = "１３９１２３４５６７８".chars().collect();
        let hits = scan(&format!("手机{full}"), as_of(), &[]);
        assert_eq!(hits.len(), 1);
        assert_eq!(hits[0].digits, "13912345678");
        let hits = scan("电话+86 139 1234 5678,或86-13912345678", as_of(), &[]);
        assert_eq!(hits.len(), 2, "{hits:?}");
        assert!(hits.iter().all(|h| h.digits == "13912345678"));
        let card = bank("622202123456789012");
        let spaced: String = card
            .chars()
            .enumerate()
            .flat_map(|(i, c)| (i > 0 && i % 4 == 0).then_some(' ').into_iter().chain([c]))
            .collect();
        let hits = scan(&spaced, as_of(), &["62".to_string()]);
        assert_eq!(hits.len(), 1, "{spaced}");
        assert_eq!(hits[0].kind, NumberKind::BankCard);
        // Without a matching prefix, a Luhn-valid number is not a card.
        assert!(scan(&card, as_of(), &["4367".to_string()]).is_empty());
    }

    #[test]
    fn near_misses_are_not_numbers() {
        let prefixes = ["62".to_string()];
        for s in [
            "订单号2019031412345678901",
            "电话:0412-8517794",
            "索引号:11440300007542213X/2019-00123",
            "编号A13812345678",
            "138123456789",
            "2019-03-14 13:40",
            "1.3812345678",
        ] {
            assert!(scan(s, as_of(), &prefixes).is_empty(), "{s}");
        }
    }

    #[test]
    fn evidence_never_shows_part_of_another_number() {
        let p = params_for(NumberKind::Mobile);
        let scan_ = PageScan {
            p: &p,
            as_of: as_of(),
            masker: &Masker::from_rules(&crate::rules::RuleSet::default(), as_of()),
            seen: Vec::new(),
        };
        let n = id("35010219800101123");
        let line = format!("身份证{n}手机13912345678");
        let found = scan_.lines(&[line.as_str()], false);
        assert_eq!(found.len(), 1);
        let ev = &found[0].2;
        assert!(ev.contains("139****5678"), "{ev}");
        assert!(!ev.contains(&n[8..14]), "{ev}");
    }

    fn params_for(detect: NumberKind) -> Params {
        Params {
            detect,
            allow_after_labels: Vec::new(),
            label_window: 20,
            allow: Vec::new(),
            prefixes: vec!["62".to_string()],
            keep_first: 3,
            keep_last: 4,
            evidence_before: 16,
            evidence_after: 8,
            redact_prefixes: Vec::new(),
            attachments: true,
        }
    }

    #[test]
    fn labels_allow_official_contacts() {
        let labels = vec!["联系电话".to_string()];
        let no = |_: &str| false;
        let at = |l: &str| l.find("138").unwrap();
        let lines = ["联系人:李科长,联系电话:13812345678", "个人手机13812345678"];
        assert!(after_label(&lines, 0, at(lines[0]), &labels, 20, &no));
        assert!(!after_label(&lines, 1, at(lines[1]), &labels, 20, &no));
        let table = ["姓名\t职务\t联系电话", "李某\t主任\t13812345678"];
        assert!(after_label(&table, 1, at(table[1]), &labels, 20, &no));
        // A table that also lists ID numbers is a list of people.
        let ids = |row: &str| row.contains("身份证");
        let people = ["姓名\t身份证\t联系电话", "李某\t身份证\t13812345678"];
        assert!(!after_label(&people, 1, at(people[1]), &labels, 20, &ids));
        let two = ["联系电话：", "13812345678"];
        assert!(after_label(&two, 1, 0, &labels, 20, &no));
    }
}

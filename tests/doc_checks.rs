//! The document checks: `privacy`, `annual-report`, `duplicate-heading`.
//! Each has fixtures that must produce findings and near-misses that must not.

mod common;

use common::{audit, audit_json, demo_site, path_str, root, site_dir};
use serde_json::Value;

const DOC_KINDS: &[&str] = &["privacy", "annual-report", "duplicate-heading"];

/// (kind, url, evidence) of the findings of the given kinds, sorted.
fn found(report: &Value, kinds: &[&str]) -> Vec<(String, String, String)> {
    let mut v: Vec<_> = report["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter(|f| kinds.contains(&f["kind"].as_str().unwrap_or("")))
        .map(|f| {
            (
                f["kind"].as_str().unwrap_or("").to_string(),
                f["url"].as_str().unwrap_or("").to_string(),
                f["evidence"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect();
    v.sort();
    v
}

fn t(kind: &str, url: &str, evidence: &str) -> (String, String, String) {
    (kind.to_string(), url.to_string(), evidence.to_string())
}

/// Completes 17 digits with their GB 11643 check digit.
fn id_number(first17: &str) -> String {
    const W: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
    let sum: u32 = first17
        .bytes()
        .zip(W)
        .map(|(c, w)| u32::from(c - b'0') * w)
        .sum();
    let c = b"10X98765432"[(sum % 11) as usize] as char;
    format!("{first17}{c}")
}

/// The same 17 digits with a check digit that is wrong.
fn wrong_id_number(first17: &str) -> String {
    let good = id_number(first17);
    let bad = if good.ends_with('0') { '1' } else { '0' };
    format!("{first17}{bad}")
}

fn luhn_ok(digits: &str) -> bool {
    let sum: u32 = digits
        .bytes()
        .rev()
        .enumerate()
        .map(|(i, c)| {
            let d = u32::from(c - b'0');
            if i % 2 == 1 {
                if d * 2 > 9 { d * 2 - 9 } else { d * 2 }
            } else {
                d
            }
        })
        .sum();
    sum % 10 == 0
}

/// A card number with a valid Luhn digit, and one with an invalid one.
fn card_numbers(first: &str) -> (String, String) {
    let all: Vec<String> = (0..10).map(|d| format!("{first}{d}")).collect();
    let good = all
        .iter()
        .find(|s| luhn_ok(s))
        .expect("a Luhn digit")
        .clone();
    let bad = all
        .iter()
        .find(|s| !luhn_ok(s))
        .expect("a bad digit")
        .clone();
    (good, bad)
}

fn article(title: &str, body: &str, extra: &str) -> String {
    format!(
        "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>{title}_青石镇人民政府</title></head><body>\
         <div class=\"crumb\">当前位置：<a href=\"../index.html\">首页</a> &gt; <a href=\"./\">公示公开</a></div>\
         <h1>{title}</h1><div class=\"info\">发布时间:2019年03月01日&nbsp;&nbsp;&nbsp;来源:青石镇民政办&nbsp;&nbsp;&nbsp;点击:</div>\
         <div class=\"content\">{body}{extra}</div></body></html>"
    )
}

struct PrivacySite {
    dir: tempfile::TempDir,
    id: String,
    id_in_file: String,
    mobile: String,
    card: String,
    /// Numbers that must not be reported.
    quiet: Vec<String>,
}

fn privacy_site() -> PrivacySite {
    let id = id_number("35010219800101123");
    let id_in_file = id_number("44030519751230456");
    let wrong = wrong_id_number("33010619881111222");
    let mobile = "13912345678".to_string();
    let contact_mobile = "13705551234".to_string();
    let (card, bad_card) = card_numbers("622202123456789012");
    // 19 digits, starting 20: an order number, never a bank card.
    let order = "2019031412345678905".to_string();
    // Card-shaped, valid Luhn: the office's own account and a code, each after its label.
    let (account, _) = card_numbers("622848012345678901");
    let (code, _) = card_numbers("620201903140000123");
    let body = format!(
        "<p>经审核，以下对象符合2019年临时救助条件，现予公示。</p>\
         <p>申请人：王某某，身份证号：{id}，家庭住址：青石镇石桥村，个人手机{mobile}。</p>\
         <p>救助金发放至本人银行卡{card}。</p>\
         <p>公示期间如有异议，请与镇民政办联系。</p>\
         <p>联系人：李科长，联系电话：{contact_mobile}</p>\
         <p>咨询电话：0591-87654321</p>"
    );
    let near = format!(
        "<p>申请编号{wrong}已退回补正。</p>\
         <p>订单号：{order}</p>\
         <p>银行流水{bad_card}已核对。</p>\
         <p>索引号：11440300007542213X/2019-00123</p>\
         <p>投诉电话：{contact_mobile}</p>\
         <p>收款账号：{account}；订单号：{code}</p>\
         <p>全年发放救助金1,380,000元，惠及1380户。</p>"
    );
    let dir = site_dir(&[
        (
            "index.html",
            "<html><head><meta charset=\"utf-8\"><title>青石镇</title></head><body>\
             <a href=\"gsgk/a1.html\">a</a><a href=\"gsgk/a2.html\">b</a></body></html>",
        ),
        (
            "gsgk/a1.html",
            &article(
                "2019年临时救助对象公示",
                &body,
                &format!("<p>附件：<a href=\"files/{id_in_file}.pdf\">申请表</a></p>"),
            ),
        ),
        (
            "gsgk/a2.html",
            &article("关于救助申请退回补正的说明", &near, ""),
        ),
        (&format!("gsgk/files/{id_in_file}.pdf"), "%PDF-1.4"),
    ]);
    PrivacySite {
        dir,
        id,
        id_in_file,
        mobile,
        card,
        quiet: vec![wrong, contact_mobile, bad_card, order, account, code],
    }
}

#[test]
fn privacy_finds_personal_numbers_and_masks_them() {
    let s = privacy_site();
    let (r, out) = audit_json(&["--site", path_str(s.dir.path()), "--as-of", "2019-03-20"]);
    assert_eq!(out.status.code(), Some(1), "{r}");
    let a1 = "http://localhost/gsgk/a1.html";
    let masked_id = format!("{}*************{}", &s.id[..2], &s.id[15..]);
    let masked_file = format!("{}*************{}", &s.id_in_file[..2], &s.id_in_file[15..]);
    let masked_card = format!("{}***********{}", &s.card[..4], &s.card[15..]);
    assert_eq!(
        found(&r, &["privacy"]),
        vec![
            t("privacy", a1, &format!("{masked_file}.pdf")),
            t(
                "privacy",
                a1,
                "家庭住址：青石镇石桥村，个人手机139****5678。"
            ),
            t(
                "privacy",
                a1,
                &format!("救助金发放至本人银行卡{masked_card}。")
            ),
            t(
                "privacy",
                a1,
                &format!("申请人：王某某，身份证号：{masked_id}，家庭住址：青石")
            ),
        ],
        "{r:#}"
    );
    let rules: Vec<&str> = r["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["kind"] == "privacy")
        .map(|f| f["rule"].as_str().unwrap())
        .collect();
    assert!(rules.contains(&"privacy-id-card"), "{rules:?}");
    assert!(rules.contains(&"privacy-mobile"), "{rules:?}");
    assert!(rules.contains(&"privacy-bank-card"), "{rules:?}");
    // The attachment finding names the (masked) attachment.
    let att = r["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["target"].is_string() && f["kind"] == "privacy")
        .expect("an attachment finding");
    assert!(
        att["target"].as_str().unwrap().ends_with(&format!(
            "/gsgk/files/{}*************{}.pdf",
            &s.id_in_file[..2],
            &s.id_in_file[15..]
        )),
        "{att}"
    );
}

#[test]
fn no_full_personal_number_in_any_output() {
    let s = privacy_site();
    let site = path_str(s.dir.path());
    let secrets = [&s.id, &s.id_in_file, &s.mobile, &s.card];
    for fmt in ["text", "json"] {
        for lang in ["zh", "en"] {
            let out = audit(&[
                "--site",
                site,
                "--as-of",
                "2019-03-20",
                "--format",
                fmt,
                "--lang",
                lang,
            ]);
            let stdout = String::from_utf8_lossy(&out.stdout);
            let stderr = String::from_utf8_lossy(&out.stderr);
            assert!(stdout.contains("privacy"), "{stdout}");
            for n in secrets {
                assert!(
                    !stdout.contains(n.as_str()),
                    "{fmt}/{lang} repeats {n}:\n{stdout}"
                );
                assert!(
                    !stderr.contains(n.as_str()),
                    "{fmt}/{lang} logs {n}:\n{stderr}"
                );
            }
        }
    }
}

#[test]
fn privacy_near_misses_stay_silent() {
    let s = privacy_site();
    let (r, _) = audit_json(&["--site", path_str(s.dir.path()), "--as-of", "2019-03-20"]);
    let a2: Vec<_> = found(&r, &["privacy"])
        .into_iter()
        .filter(|f| f.1.ends_with("/a2.html"))
        .collect();
    assert!(a2.is_empty(), "{a2:?}");
    let all = r.to_string();
    // No quiet number is reported anywhere, under any of the masks.
    for n in &s.quiet {
        for (first, last) in [(2, 3), (3, 4), (4, 4)] {
            let stars = "*".repeat(n.len() - first - last);
            let masked = format!("{}{stars}{}", &n[..first], &n[n.len() - last..]);
            assert!(!all.contains(&masked), "{n} reported as {masked}: {all}");
        }
    }
}

#[test]
fn id_number_born_after_audit_date_is_not_an_id() {
    // Valid check digit, but a birth date after the audit date: a serial number.
    let serial = id_number("35010220200101123");
    let page = article("编号说明", &format!("<p>受理编号{serial}。</p>"), "");
    let dir = site_dir(&[("gsgk/a.html", &page)]);
    let (r, _) = audit_json(&["--site", path_str(dir.path()), "--as-of", "2019-03-20"]);
    assert!(found(&r, &["privacy"]).is_empty(), "{r:#}");
    // The same number is an ID (and reported) once the birth date has passed.
    let (r, _) = audit_json(&["--site", path_str(dir.path()), "--as-of", "2021-01-01"]);
    assert_eq!(found(&r, &["privacy"]).len(), 1, "{r:#}");
}

fn doc_fixtures() -> String {
    root()
        .join("fixtures/checks/doc")
        .to_str()
        .expect("utf-8 path")
        .to_string()
}

#[test]
fn annual_report_late_and_missing_years() {
    let site = doc_fixtures();
    let (r, _) = audit_json(&["--site", &site, "--as-of", "2021-07-01"]);
    assert_eq!(
        found(&r, &["annual-report"]),
        vec![
            t(
                "annual-report",
                "http://localhost/ndbg/",
                "2015, 2017, 2018, 2019, 2020"
            ),
            t(
                "annual-report",
                "http://localhost/ndbg/201804/t20180410_301.html",
                "2018-04-10 《2017年青石镇政府信息公开工作年度报告》"
            ),
            t(
                "annual-report",
                "http://localhost/ndbg/202102/t20210205_304.html",
                "2021-02-05 《2020年青石镇政府信息公开工作年度报告》"
            ),
        ],
        "{r:#}"
    );
    let msgs: Vec<&str> = r["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["kind"] == "annual-report")
        .map(|f| f["message"].as_str().unwrap())
        .collect();
    assert!(
        msgs.iter()
            .any(|m| m.contains("2016") && m.contains("2017-03-31")),
        "{msgs:?}"
    );
    assert!(
        msgs.iter()
            .any(|m| m.contains("2018-03-31") && m.contains("10")),
        "{msgs:?}"
    );
}

#[test]
fn annual_report_year_whose_deadline_has_not_passed_is_not_missing() {
    let site = doc_fixtures();
    // On 2021-01-20 the 2020 report is not due yet, and the 2020 page is not published yet.
    let (r, _) = audit_json(&["--site", &site, "--as-of", "2021-01-20"]);
    let got = found(&r, &["annual-report"]);
    assert!(
        got.iter().all(|f| !f.2.contains("2021-02-05")),
        "a report published after the audit date counts: {got:?}"
    );
    let missing: Vec<_> = got
        .iter()
        .filter(|f| f.1 == "http://localhost/ndbg/")
        .collect();
    assert_eq!(missing.len(), 1, "only 2016 is missing: {got:?}");
}

#[test]
fn duplicate_headings_and_numbering() {
    let site = doc_fixtures();
    let (r, _) = audit_json(&["--site", &site, "--as-of", "2021-07-01"]);
    assert_eq!(
        found(&r, &["duplicate-heading"]),
        vec![
            t(
                "duplicate-heading",
                "http://localhost/zwgk/202012/t20201210_401.html",
                "六、开展政策解读情况 → 八、开展政策解读情况及政务舆情处置回应情况"
            ),
            t(
                "duplicate-heading",
                "http://localhost/zwgk/202103/t20210302_402.html",
                "二、落实防控责任 → 四、加强宣传教育"
            ),
            t(
                "duplicate-heading",
                "http://localhost/zwgk/202106/t20210601_403.html",
                "（二）完善预案 → （二）储备物资"
            ),
        ],
        "{r:#}"
    );
}

#[test]
fn demo_site_has_no_document_findings() {
    // The demo's annual reports (2017 published 2018-03-09, 2018 published
    // 2019-03-14) are on time, the 2018 report is not due until 2019-03-31,
    // its headings run 一 to 七, and no page shows a personal number.
    let (r, _) = audit_json(&["--site", path_str(&demo_site()), "--as-of", "2019-03-20"]);
    assert!(
        found(&r, DOC_KINDS).is_empty(),
        "{:?}",
        found(&r, DOC_KINDS)
    );
    // A year later the 2019 report is overdue and missing.
    let (r, _) = audit_json(&["--site", path_str(&demo_site()), "--as-of", "2020-03-20"]);
    assert_eq!(
        found(&r, DOC_KINDS),
        vec![t("annual-report", "http://localhost/ndbg/", "2017, 2018")]
    );
}

#[test]
fn annual_report_first_year_from_the_rules() {
    let text = include_str!("../rules/annual_report.toml")
        .replace("# first_year = 2015", "first_year = 2013");
    assert!(
        text.contains("\nfirst_year = 2013"),
        "the shipped rule documents first_year"
    );
    let rules = site_dir(&[("annual_report.toml", &text)]);
    let (r, _) = audit_json(&[
        "--site",
        &doc_fixtures(),
        "--as-of",
        "2021-07-01",
        "--rules",
        path_str(rules.path()),
    ]);
    let missing: Vec<String> = r["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["kind"] == "annual-report" && f["url"] == "http://localhost/ndbg/")
        .map(|f| f["message"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(missing.len(), 3, "2013, 2014 and 2016: {missing:?}");
    assert!(
        missing.iter().any(|m| m.contains("2013年度")),
        "{missing:?}"
    );
}

#[test]
fn contact_tables_are_allowed_lists_of_people_are_not() {
    let id = id_number("51010219900315123");
    let offices = "<table><tr><td>科室</td><td>联系人</td><td>联系电话</td></tr>\
                   <tr><td>民政办</td><td>李科长</td><td>13705551234</td></tr>\
                   <tr><td>党政办</td><td>赵主任</td><td>0591-87654321</td></tr></table>";
    let people = format!(
        "<table><tr><td>姓名</td><td>身份证号</td><td>联系电话</td></tr>\
         <tr><td>王某某</td><td>{id}</td><td>13912345678</td></tr></table>"
    );
    let dir = site_dir(&[
        ("gsgk/offices.html", &article("各科室联系方式", offices, "")),
        (
            "gsgk/people.html",
            &article("2019年困难群众名单公示", &people, ""),
        ),
    ]);
    let (r, _) = audit_json(&["--site", path_str(dir.path()), "--as-of", "2019-03-20"]);
    let got: Vec<(String, String)> = found(&r, &["privacy"])
        .into_iter()
        .map(|(_, u, e)| (u, e))
        .collect();
    let masked_id = format!("{}*************{}", &id[..2], &id[15..]);
    assert_eq!(
        got,
        vec![
            (
                "http://localhost/gsgk/people.html".to_string(),
                "************234 139****5678".to_string()
            ),
            (
                "http://localhost/gsgk/people.html".to_string(),
                format!("王某某 {masked_id} 139****")
            ),
        ],
        "{r:#}"
    );
}

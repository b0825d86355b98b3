//! The site-level checks: `stale-notice`, `broken-nav`, `broken-link`,
//! `empty-column`. Each runs on small made-up sites (a town, 南湖镇) with
//! deliberate problems that must be found and near-misses that must stay
//! silent, in directory mode and, for links and navigation, over HTTP.

mod common;

use common::{Reply, audit_json, demo_site, path_str, serve_dir, serve_on, site_dir, url_path};
use serde_json::Value;

const KINDS: &[&str] = &["stale-notice", "broken-nav", "broken-link", "empty-column"];

/// (rule, url path, target path) of the findings of the given kinds, sorted.
fn found(report: &Value, kinds: &[&str]) -> Vec<(String, String, String)> {
    let path = |v: &Value| url_path(v.as_str().unwrap_or(""));
    let mut v: Vec<_> = report["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter(|f| kinds.contains(&f["kind"].as_str().unwrap_or("")))
        .map(|f| {
            (
                f["rule"].as_str().unwrap_or("").to_string(),
                path(&f["url"]),
                path(&f["target"]),
            )
        })
        .collect();
    v.sort();
    v
}

fn t(rule: &str, url: &str, target: &str) -> (String, String, String) {
    (rule.to_string(), url.to_string(), target.to_string())
}

fn finding<'a>(report: &'a Value, rule: &str, url_end: &str) -> &'a Value {
    report["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .find(|f| f["rule"] == rule && f["url"].as_str().unwrap_or("").ends_with(url_end))
        .unwrap_or_else(|| panic!("no {rule} finding on {url_end}: {report:#}"))
}

const MENU: &str = r#"<ul class="menu"><li><a href="/">首页</a></li><li><a href="/gzdt/">工作动态</a></li><li><a href="/tzgg/">通知公告</a></li></ul>"#;

/// One 上一篇/下一篇 entry.
enum Nav<'a> {
    Link(&'a str, &'a str),
    Text(&'a str),
    Missing,
}

fn nav_html(label: &str, n: &Nav<'_>) -> String {
    match n {
        Nav::Link(href, text) => format!("<p>{label}:<a href=\"{href}\">{text}</a></p>"),
        Nav::Text(text) => format!("<p>{label}:{text}</p>"),
        Nav::Missing => String::new(),
    }
}

/// An article page in the style of a TRS template.
fn article(
    column: &str,
    title: &str,
    date: &str,
    body: &str,
    prev: Nav<'_>,
    next: Nav<'_>,
) -> String {
    let nav = format!("{}{}", nav_html("上一篇", &prev), nav_html("下一篇", &next));
    let nav = if nav.is_empty() {
        String::new()
    } else {
        format!("<div class=\"pagenav\">{nav}</div>")
    };
    format!(
        r#"<!DOCTYPE html><html><head><meta charset="utf-8"><title>{title}_南湖镇人民政府</title></head><body>
<div class="header">{MENU}</div>
<div class="crumb">当前位置：<a href="/">首页</a> &gt; <a href="../">{column}</a></div>
<div class="article"><h1>{title}</h1>
<div class="info">发布时间:{date}&nbsp;&nbsp;&nbsp;来源:南湖镇人民政府&nbsp;&nbsp;&nbsp;点击:</div>
<div class="content">{body}</div>
{nav}</div>
<div class="footer"><p>版权所有 南湖镇人民政府</p></div></body></html>"#
    )
}

/// A column list page; items are (href, title, date).
fn list(column: &str, items: &[(&str, &str, &str)], extra: &str) -> String {
    let rows: String = items
        .iter()
        .map(|(href, title, date)| {
            format!("<li><a href=\"{href}\" title=\"{title}\">{title}</a><span class=\"date\">{date}</span></li>")
        })
        .collect();
    format!(
        r#"<!DOCTYPE html><html><head><meta charset="utf-8"><title>{column}_南湖镇人民政府</title><meta name="ColumnName" content="{column}"></head><body>
<div class="header">{MENU}</div>
<div class="crumb">当前位置：<a href="/">首页</a> &gt; <a href="./">{column}</a></div>
<div class="column"><h2>{column}</h2><ul class="list">{rows}</ul>{extra}</div>
<div class="footer"><p>版权所有 南湖镇人民政府</p></div></body></html>"#
    )
}

fn home(extra: &str) -> String {
    format!(
        r#"<!DOCTYPE html><html><head><meta charset="utf-8"><title>南湖镇人民政府</title></head><body>
<div class="header">{MENU}</div><div class="main"><h2>欢迎访问南湖镇人民政府网站</h2>{extra}</div>
<div class="footer"><p>版权所有 南湖镇人民政府</p></div></body></html>"#
    )
}

fn dir_report(files: &[(&str, String)], as_of: &str) -> Value {
    let owned: Vec<(&str, &str)> = files.iter().map(|(p, c)| (*p, c.as_str())).collect();
    let dir = site_dir(&owned);
    let (report, out) = audit_json(&["--site", path_str(dir.path()), "--as-of", as_of]);
    assert!(
        out.status.code().is_some_and(|c| c <= 1),
        "audit failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    report
}

// ---------------------------------------------------------------------------
// The demo site

#[test]
fn demo_site_has_one_stale_notice_and_nothing_else() {
    let (report, _) = audit_json(&["--site", path_str(&demo_site()), "--as-of", "2019-03-20"]);
    assert_eq!(
        found(&report, KINDS),
        vec![t("notice-expired", "/tzgg/201902/t20190218_1147.html", "")]
    );
    let f = finding(&report, "notice-expired", "t20190218_1147.html");
    assert_eq!(f["evidence"], "报名截止时间：2019年3月1日");
    assert_eq!(f["kind"], "stale-notice");
    assert!(f["message"].as_str().unwrap().contains("19天"), "{f}");
}

#[test]
fn demo_site_over_http_agrees() {
    let server = serve_dir(demo_site());
    let (report, _) = audit_json(&[
        "--site",
        &server.url("/"),
        "--delay-ms",
        "0",
        "--as-of",
        "2019-03-20",
    ]);
    assert_eq!(
        found(&report, KINDS),
        vec![t("notice-expired", "/tzgg/201902/t20190218_1147.html", "")]
    );
}

#[test]
fn demo_site_a_week_earlier_has_no_stale_notice() {
    // On 2019-02-25 the recruitment deadline (2019-03-01) is still ahead.
    let (report, _) = audit_json(&["--site", path_str(&demo_site()), "--as-of", "2019-02-25"]);
    assert_eq!(found(&report, &["stale-notice"]), vec![]);
}

// ---------------------------------------------------------------------------
// stale-notice

fn notice_site() -> Vec<(&'static str, String)> {
    let n = |title: &str, date: &str, body: &str| {
        article("通知公告", title, date, body, Nav::Missing, Nav::Missing)
    };
    vec![
        ("index.html", home("")),
        (
            "tzgg/index.html",
            list(
                "通知公告",
                &[
                    (
                        "201905/t20190520_301.html",
                        "南湖镇2019年见习岗位报名的通知",
                        "2019-05-20",
                    ),
                    (
                        "201905/t20190510_302.html",
                        "南湖镇关于开展夏季防汛演练的通知",
                        "2019-05-10",
                    ),
                    (
                        "201905/t20190506_303.html",
                        "南湖镇老年人优待证集中办理的通告",
                        "2019-05-06",
                    ),
                    (
                        "201905/t20190502_304.html",
                        "南湖镇关于征集民生实事项目的公告",
                        "2019-05-02",
                    ),
                    (
                        "201904/t20190415_305.html",
                        "南湖镇文化活动中心开放的公告",
                        "2019-04-15",
                    ),
                    (
                        "201810/t20181008_306.html",
                        "南湖镇关于规范农村建房管理的通告",
                        "2018-10-08",
                    ),
                    (
                        "201810/t20181009_307.html",
                        "【已结束】南湖镇2018年秋季征兵报名的通知",
                        "2018-10-09",
                    ),
                    (
                        "201812/t20181220_308.html",
                        "南湖镇关于元旦前报送统计报表的通知",
                        "2018-12-20",
                    ),
                ],
                "",
            ),
        ),
        // Stale: a month-day range, the year from the publish date; the end has passed.
        (
            "tzgg/201905/t20190520_301.html",
            n(
                "南湖镇2019年见习岗位报名的通知",
                "2019年05月20日",
                "<p>一、报名时间为5月21日至6月5日，工作日上午9:00至11:30。</p><p>二、报名地点：镇便民服务中心二楼。</p>",
            ),
        ),
        // Near-miss: one deadline passed, a later one still ahead.
        (
            "tzgg/201905/t20190510_302.html",
            n(
                "南湖镇关于开展夏季防汛演练的通知",
                "2019年05月10日",
                "<p>各村（社区）：</p><p>请于2019年5月31日前上报参演人员名单。</p><p>演练时间：2019年7月20日上午9:00。</p>",
            ),
        ),
        // Stale: `前` after the date, with a weekday and a time in between.
        (
            "tzgg/201905/t20190506_303.html",
            n(
                "南湖镇老年人优待证集中办理的通告",
                "2019年05月06日",
                "<p>请符合条件的老年人于5月31日（星期五）下午5点前到所在村（社区）办理。</p>",
            ),
        ),
        // Near-miss: the only dates are the publish date, a start date and a reported event.
        (
            "tzgg/201905/t20190502_304.html",
            n(
                "南湖镇关于征集民生实事项目的公告",
                "2019年05月02日",
                "<p>本公告发布于2019年5月2日。</p><p>2019年4月18日，镇人大主席团召开会议研究征集工作。</p><p>征集工作自2019年5月6日起开展，欢迎群众踊跃建言。</p>",
            ),
        ),
        // Near-miss: no date in the text, 86 days old: younger than max_days.
        (
            "tzgg/201904/t20190415_305.html",
            n(
                "南湖镇文化活动中心开放的公告",
                "2019年04月15日",
                "<p>镇文化活动中心每周二至周日向群众免费开放。</p>",
            ),
        ),
        // Stale by age: no deadline, 275 days old, not marked.
        (
            "tzgg/201810/t20181008_306.html",
            n(
                "南湖镇关于规范农村建房管理的通告",
                "2018年10月08日",
                "<p>农村村民建房应当依法申请，经批准后方可开工。</p>",
            ),
        ),
        // Near-miss: old and past its deadline, but its title marks it as ended.
        (
            "tzgg/201810/t20181009_307.html",
            n(
                "【已结束】南湖镇2018年秋季征兵报名的通知",
                "2018年10月09日",
                "<p>报名截止时间：2018年10月31日。</p>",
            ),
        ),
        // Stale: `1月10日前` in a December notice means next January.
        (
            "tzgg/201812/t20181220_308.html",
            n(
                "南湖镇关于元旦前报送统计报表的通知",
                "2018年12月20日",
                "<p>请各企业于1月10日前报送2018年度统计报表。</p>",
            ),
        ),
    ]
}

#[test]
fn stale_notices_in_directory_mode() {
    let report = dir_report(&notice_site(), "2019-07-10");
    assert_eq!(
        found(&report, &["stale-notice"]),
        vec![
            t("notice-expired", "/tzgg/201810/t20181008_306.html", ""),
            t("notice-expired", "/tzgg/201812/t20181220_308.html", ""),
            t("notice-expired", "/tzgg/201905/t20190506_303.html", ""),
            t("notice-expired", "/tzgg/201905/t20190520_301.html", ""),
        ]
    );
    let range = finding(&report, "notice-expired", "t20190520_301.html");
    assert_eq!(range["evidence"], "报名时间为5月21日至6月5日");
    assert!(
        range["message"].as_str().unwrap().contains("2019-06-05"),
        "{range}"
    );
    let before = finding(&report, "notice-expired", "t20190506_303.html");
    assert_eq!(before["evidence"], "5月31日（星期五）下午5点前");
    let january = finding(&report, "notice-expired", "t20181220_308.html");
    assert!(
        january["message"].as_str().unwrap().contains("2019-01-10"),
        "{january}"
    );
    let old = finding(&report, "notice-expired", "t20181008_306.html");
    assert_eq!(old["evidence"], "2018-10-08");
    assert!(old["message"].as_str().unwrap().contains("275天"), "{old}");
}

#[test]
fn stale_notice_ids_do_not_move_with_the_audit_date() {
    let a = dir_report(&notice_site(), "2019-07-10");
    let b = dir_report(&notice_site(), "2019-07-20");
    let ids = |r: &Value| {
        let mut v: Vec<String> = r["findings"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|f| f["kind"] == "stale-notice")
            .map(|f| f["id"].as_str().unwrap().to_string())
            .collect();
        v.sort();
        v
    };
    assert_eq!(ids(&a), ids(&b));
    // Before their deadlines the 2019 notices are current.
    let early = dir_report(&notice_site(), "2019-05-20");
    assert_eq!(
        found(&early, &["stale-notice"]),
        vec![
            t("notice-expired", "/tzgg/201810/t20181008_306.html", ""),
            t("notice-expired", "/tzgg/201812/t20181220_308.html", ""),
        ]
    );
}

#[test]
fn stale_notice_messages_in_english() {
    let owned: Vec<(&str, String)> = notice_site();
    let files: Vec<(&str, &str)> = owned.iter().map(|(p, c)| (*p, c.as_str())).collect();
    let dir = site_dir(&files);
    let (report, _) = audit_json(&[
        "--site",
        path_str(dir.path()),
        "--as-of",
        "2019-07-10",
        "--lang",
        "en",
    ]);
    let f = finding(&report, "notice-expired", "t20190520_301.html");
    assert!(
        f["message"]
            .as_str()
            .unwrap()
            .contains("event date 2019-06-05"),
        "{f}"
    );
}

// ---------------------------------------------------------------------------
// broken-nav

const T: [&str; 10] = [
    "",
    "南湖镇召开2019年春季植树造林动员会",
    "南湖镇开展农村人居环境整治督查",
    "南湖镇举办农民实用技术培训班",
    "南湖镇召开安全生产月活动部署会",
    "南湖镇组织开展防汛应急演练",
    "南湖镇开展夏季食品安全专项检查",
    "南湖镇召开脱贫攻坚工作推进会",
    "南湖镇举办第三届乡村文化节",
    "南湖镇开展河道保洁专项行动",
];

fn a(i: usize) -> String {
    format!("t2019050{i}_20{i}.html")
}

/// Column 工作动态 with nine articles; see the comments for what each gets wrong.
fn nav_site() -> Vec<(&'static str, String)> {
    let art = |i: usize, prev: Nav<'_>, next: Nav<'_>| {
        article(
            "工作动态",
            T[i],
            &format!("2019年05月0{i}日"),
            "<p>为推进各项工作，镇党委、镇政府认真部署，各村（社区）积极配合，取得了良好成效。</p>",
            prev,
            next,
        )
    };
    let (a1, a2, a3, a4, a5, a6, a7, a8) = (a(1), a(2), a(3), a(4), a(5), a(6), a(7), a(8));
    let spaced = "南湖镇召开 2019年春季植树造林 动员会";
    let cut = "南湖镇举办农民实用…";
    let items: Vec<(String, &str, String)> = (1..=9)
        .rev()
        .map(|i| (format!("201905/{}", a(i)), T[i], format!("2019-05-0{i}")))
        .collect();
    let items: Vec<(&str, &str, &str)> = items
        .iter()
        .map(|(h, t, d)| (h.as_str(), *t, d.as_str()))
        .collect();
    vec![
        ("index.html", home("")),
        ("gzdt/index.html", list("工作动态", &items, "")),
        // The chain's first article: a placeholder, as it should be.
        (
            "gzdt/201905/t20190501_201.html",
            art(1, Nav::Text("没有了"), Nav::Link(&a2, T[2])),
        ),
        // Near-misses: spaces in one link text, a cut one with `…`.
        (
            "gzdt/201905/t20190502_202.html",
            art(2, Nav::Link(&a1, spaced), Nav::Link(&a3, cut)),
        ),
        (
            "gzdt/201905/t20190503_203.html",
            art(3, Nav::Link(&a2, T[2]), Nav::Link(&a4, T[4])),
        ),
        // Its 上一篇 skips a3: asymmetric with a3's 下一篇 and with a2's 下一篇.
        (
            "gzdt/201905/t20190504_204.html",
            art(4, Nav::Link(&a2, T[2]), Nav::Link(&a5, T[5])),
        ),
        // Its 下一篇 shows another article's title.
        (
            "gzdt/201905/t20190505_205.html",
            art(5, Nav::Link(&a4, T[4]), Nav::Link(&a6, T[8])),
        ),
        // Its 下一篇 points to a file that does not exist.
        (
            "gzdt/201905/t20190506_206.html",
            art(
                6,
                Nav::Link(&a5, T[5]),
                Nav::Link("t20190599_299.html", T[7]),
            ),
        ),
        // `最后一页` in the middle: a8's 上一篇 is this page.
        (
            "gzdt/201905/t20190507_207.html",
            art(7, Nav::Link(&a6, T[6]), Nav::Text("最后一页")),
        ),
        // Its 下一篇 is itself.
        (
            "gzdt/201905/t20190508_208.html",
            art(8, Nav::Link(&a7, T[7]), Nav::Link(&a8, T[8])),
        ),
        // No navigation at all, unlike the other eight.
        (
            "gzdt/201905/t20190509_209.html",
            art(9, Nav::Missing, Nav::Missing),
        ),
        // Near-miss: a column of two articles, neither with navigation.
        (
            "tzgg/index.html",
            list(
                "通知公告",
                &[
                    (
                        "201905/t20190503_251.html",
                        "南湖镇关于端午节放假安排的通知",
                        "2019-05-03",
                    ),
                    (
                        "201905/t20190502_252.html",
                        "南湖镇关于调整办事大厅工作时间的通知",
                        "2019-05-02",
                    ),
                ],
                "",
            ),
        ),
        (
            "tzgg/201905/t20190503_251.html",
            article(
                "通知公告",
                "南湖镇关于端午节放假安排的通知",
                "2019年05月03日",
                "<p>端午节放假一天。</p>",
                Nav::Missing,
                Nav::Missing,
            ),
        ),
        (
            "tzgg/201905/t20190502_252.html",
            article(
                "通知公告",
                "南湖镇关于调整办事大厅工作时间的通知",
                "2019年05月02日",
                "<p>办事大厅工作时间调整。</p>",
                Nav::Missing,
                Nav::Missing,
            ),
        ),
    ]
}

fn nav_expected() -> Vec<(String, String, String)> {
    let p = |i: usize| format!("/gzdt/201905/{}", a(i));
    vec![
        t("nav-absent", &p(9), ""),
        t("nav-placeholder", &p(7), &p(8)),
        t("nav-self", &p(8), &p(8)),
        // One wrong link, one finding: a4's 上一篇 skips a3, whose 下一篇 is a4.
        t("nav-symmetry", &p(4), &p(2)),
        t("nav-target", &p(6), "/gzdt/201905/t20190599_299.html"),
        t("nav-title", &p(5), &p(6)),
    ]
}

#[test]
fn broken_nav_in_directory_mode() {
    let report = dir_report(&nav_site(), "2019-05-10");
    assert_eq!(found(&report, &["broken-nav"]), nav_expected());
    // The navigation problems are not also broken links.
    assert_eq!(found(&report, &["broken-link", "empty-column"]), vec![]);
    let title = finding(&report, "nav-title", "t20190505_205.html");
    assert_eq!(title["kind"], "broken-nav");
    assert!(title["message"].as_str().unwrap().contains(T[8]), "{title}");
    assert!(title["message"].as_str().unwrap().contains(T[6]), "{title}");
    // The symmetry finding names the page the link should lead to.
    let sym = finding(&report, "nav-symmetry", "t20190504_204.html");
    let message = sym["message"].as_str().unwrap();
    assert!(
        message.contains(&format!(
            "「{}」的下一篇才是本页，上一篇应改为「{}」",
            T[3], T[3]
        )),
        "{sym}"
    );
    assert!(message.contains(T[2]), "{sym}");
}

/// Four articles where a1's 下一篇 skips a2, or where two links disagree and
/// neither side is settled.
fn skip_site(next_of_1: usize, prev_of_3: usize) -> Vec<(&'static str, String)> {
    let art = |i: usize, prev: Nav<'_>, next: Nav<'_>| {
        article(
            "工作动态",
            T[i],
            &format!("2019年05月0{i}日"),
            "<p>为推进各项工作，镇党委、镇政府认真部署，取得了良好成效。</p>",
            prev,
            next,
        )
    };
    let names: Vec<String> = (0..=4).map(a).collect();
    let link = |i: usize| Nav::Link(&names[i], T[i]);
    let items: Vec<(String, &str, String)> = (1..=4)
        .rev()
        .map(|i| (format!("201905/{}", a(i)), T[i], format!("2019-05-0{i}")))
        .collect();
    let items: Vec<(&str, &str, &str)> = items
        .iter()
        .map(|(h, t, d)| (h.as_str(), *t, d.as_str()))
        .collect();
    vec![
        ("index.html", home("")),
        ("gzdt/index.html", list("工作动态", &items, "")),
        (
            "gzdt/201905/t20190501_201.html",
            art(1, Nav::Text("没有了"), link(next_of_1)),
        ),
        ("gzdt/201905/t20190502_202.html", art(2, link(1), link(3))),
        (
            "gzdt/201905/t20190503_203.html",
            art(3, link(prev_of_3), link(4)),
        ),
        (
            "gzdt/201905/t20190504_204.html",
            art(4, link(3), Nav::Text("没有了")),
        ),
    ]
}

#[test]
fn one_wrong_nav_link_is_one_finding() {
    let p = |i: usize| format!("/gzdt/201905/{}", a(i));
    // a1's 下一篇 skips a2: a3 and a2 agree, so a1's link is the wrong one.
    let report = dir_report(&skip_site(3, 2), "2019-05-10");
    assert_eq!(
        found(&report, &["broken-nav"]),
        vec![t("nav-symmetry", &p(1), &p(3))]
    );
    let sym = finding(&report, "nav-symmetry", "t20190501_201.html");
    let message = sym["message"].as_str().unwrap();
    assert!(
        message.contains(&format!("下一篇应改为「{}」", T[2])),
        "{sym}"
    );
    // Near-miss: a whole chain whose links agree.
    let report = dir_report(&skip_site(2, 2), "2019-05-10");
    assert_eq!(found(&report, &["broken-nav"]), vec![]);
    // a1 → a3 and a3 → a1 agree and leave a2 out of the chain (a page added
    // after its neighbours were published): a2's links are reported, with no
    // page to suggest instead.
    let report = dir_report(&skip_site(3, 1), "2019-05-10");
    let found_nav = found(&report, &["broken-nav"]);
    assert!(
        found_nav.contains(&t("nav-symmetry", &p(2), &p(3))),
        "{found_nav:?}"
    );
    for f in report["findings"].as_array().unwrap() {
        assert!(!f["message"].as_str().unwrap().contains("应改为"), "{f}");
    }
}

#[test]
fn broken_nav_over_http() {
    let owned = nav_site();
    let files: Vec<(&str, &str)> = owned.iter().map(|(p, c)| (*p, c.as_str())).collect();
    let dir = site_dir(&files);
    let server = serve_dir(dir.path());
    let (report, _) = audit_json(&[
        "--site",
        &server.url("/"),
        "--delay-ms",
        "0",
        "--as-of",
        "2019-05-10",
    ]);
    assert_eq!(found(&report, &["broken-nav"]), nav_expected());
    let missing = finding(&report, "nav-target", "t20190506_206.html");
    assert!(
        missing["evidence"].as_str().unwrap().contains("404"),
        "{missing}"
    );
}

#[test]
fn nav_to_another_host_is_out_of_scope() {
    let other = serve_on(
        "127.0.0.2",
        std::sync::Arc::new(|_req: &common::Request| {
            Reply::ok("text/html; charset=utf-8", "<html><body>外站</body></html>")
        }),
    );
    let elsewhere = other.url("/gzdt/t1.html");
    let a1 = article(
        "工作动态",
        T[1],
        "2019年05月01日",
        "<p>正文。</p>",
        Nav::Text("没有了"),
        Nav::Link(&elsewhere, T[2]),
    );
    let start = home("<a href=\"gzdt/201905/t20190501_201.html\">最新</a>");
    let files = [
        ("index.html", start.as_str()),
        ("gzdt/201905/t20190501_201.html", a1.as_str()),
    ];
    let dir = site_dir(&files);
    let server = serve_dir(dir.path());
    let (report, _) = audit_json(&[
        "--site",
        &server.url("/"),
        "--delay-ms",
        "0",
        "--as-of",
        "2019-05-10",
    ]);
    let f = found(&report, &["broken-nav"]);
    assert_eq!(f.len(), 1, "{f:?}");
    assert_eq!(f[0].0, "nav-target");
    assert_eq!(f[0].1, "/gzdt/201905/t20190501_201.html");
    let got = finding(&report, "nav-target", "t20190501_201.html");
    assert_eq!(got["target"].as_str().unwrap(), elsewhere);
}

// ---------------------------------------------------------------------------
// broken-link and empty-column

fn link_site() -> Vec<(&'static str, String)> {
    // Every page's template links to 政务公开 (/zwgk/), which does not exist.
    // A search page served by a program is not a file of the repo: not judged there.
    let menu_extra = r#"<div class="quick"><a href="/zwgk/">政务公开</a> <a href="/module/search/index.jsp">站内搜索</a></div>"#;
    let with_template = |html: String| {
        html.replace(
            "<div class=\"footer\">",
            &format!("{menu_extra}<div class=\"footer\">"),
        )
    };
    let art = |title: &str, date: &str, body: &str| {
        with_template(article(
            "工作动态",
            title,
            date,
            body,
            Nav::Missing,
            Nav::Missing,
        ))
    };
    vec![
        (
            "index.html",
            with_template(home(
                r#"<a href="/rsxx/">人事信息</a> <a href="/jgsz/">机构设置</a> <a href="/ldxx/">领导信息</a> <a href="/xxgk/">信息公开</a> <a href="/gkzn/">公开指南</a>"#,
            )),
        ),
        (
            "gzdt/index.html",
            with_template(list(
                "工作动态",
                &[
                    (
                        "201906/t20190603_401.html",
                        "南湖镇公布2019年财政预算",
                        "2019-06-03",
                    ),
                    (
                        "201906/t20190602_402.html",
                        "南湖镇召开河长制工作会议",
                        "2019-06-02",
                    ),
                    (
                        "201906/t20190601_403.html",
                        "南湖镇开展安全生产大检查",
                        "2019-06-01",
                    ),
                ],
                "",
            )),
        ),
        // A missing attachment; near-misses: an attachment that exists, an external
        // link, a folder link without its slash, a link with a query.
        (
            "gzdt/201906/t20190603_401.html",
            art(
                "南湖镇公布2019年财政预算",
                "2019年06月03日",
                r#"<p>附件：<a href="/uploads/P020190603_budget.pdf">2019年财政预算表.pdf</a></p>
<p>附件：<a href="/uploads/P020190603_detail.xls">2019年财政预算明细.xls</a></p>
<p>附件：<a href="/uploads/%e9%99%84%e4%bb%b61.pdf">附件1.pdf</a></p>
<p>详见<a href="http://www.example.gov.cn/zcfg/">上级政策</a>和<a href="/gzdt">工作动态</a>、<a href="t20190602_402.html?from=list">河长制</a>。</p>"#,
            ),
        ),
        // A body link to an article that does not exist.
        (
            "gzdt/201906/t20190602_402.html",
            art(
                "南湖镇召开河长制工作会议",
                "2019年06月02日",
                r#"<p>会议传达了<a href="t20190530_399.html">上次会议</a>的精神，部署了<a href="t20190401_380.html">河道清理</a>工作。</p><p><a href="/uploads/P020190602_map.pdf"><img src="/images/pdf.png" alt="河道分布图"></a></p>"#,
            ),
        ),
        // Near-miss: `暂无信息` inside a sentence is not an empty column.
        (
            "gzdt/201906/t20190601_403.html",
            art(
                "南湖镇开展安全生产大检查",
                "2019年06月01日",
                "<p>检查中发现的问题已全部整改，目前暂无信息显示新的隐患。</p><p>历次检查见<a href=\"/search/result.html\">检索结果</a>。</p><p><a href=\"/uploads/P020190601_plan.doc\"><img alt=\"\"></a> <a href=\"/uploads/P020190601_plan.doc\">安全检查方案</a></p>",
            ),
        ),
        ("uploads/P020190603_budget.pdf", "%PDF-1.4".to_string()),
        // A soft 404: the CMS answers 200 with an error page.
        (
            "gzdt/201906/t20190401_380.html",
            "<html><head><meta charset=\"utf-8\"><title>页面不存在</title></head><body><p>您访问的页面不存在或已被删除。</p></body></html>".to_string(),
        ),
        // Linked with lower-case escapes of its name.
        ("uploads/附件1.pdf", "%PDF-1.4".to_string()),
        // An empty column with a placeholder line.
        (
            "rsxx/index.html",
            with_template(list("人事信息", &[], "<p>暂无信息</p>")),
        ),
        // An empty column page without a ColumnName, linked from the home page.
        (
            "gkzn/index.html",
            with_template(format!(
                "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>公开指南_南湖镇人民政府</title></head><body><div class=\"header\">{MENU}</div><div class=\"list\"><h2>公开指南</h2><div>暂无内容</div></div><div class=\"footer\"><p>版权所有 南湖镇人民政府</p></div></body></html>"
            )),
        ),
        // Near-miss: a search result page that found nothing is not a column.
        (
            "search/result.html",
            with_template(format!(
                "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>检索结果</title></head><body><div class=\"header\">{MENU}</div><div class=\"result\">没有找到相关信息</div><div class=\"footer\"><p>版权所有 南湖镇人民政府</p></div></body></html>"
            )),
        ),
        // Near-miss: a list page whose list markup is empty shows no
        // placeholder either: its items are unknown, not none (a note says so).
        ("jgsz/index.html", with_template(list("机构设置", &[], ""))),
        // Near-miss: a column of undated items still lists something.
        (
            "ldxx/index.html",
            with_template(list(
                "领导信息",
                &[],
                r#"<ul><li><a href="zhang.html">镇长</a></li><li><a href="li.html">副镇长</a></li></ul>"#,
            )),
        ),
        (
            "ldxx/zhang.html",
            with_template(home("<p>镇长 主持镇政府全面工作。</p>")),
        ),
        (
            "ldxx/li.html",
            with_template(home("<p>副镇长 分管农业农村工作。</p>")),
        ),
        // The menu's 通知公告 column.
        (
            "tzgg/index.html",
            with_template(list(
                "通知公告",
                &[(
                    "201906/t20190604_404.html",
                    "南湖镇关于端午节放假的通知",
                    "2019-06-04",
                )],
                "",
            )),
        ),
        (
            "tzgg/201906/t20190604_404.html",
            with_template(article(
                "通知公告",
                "南湖镇关于端午节放假的通知",
                "2019年06月04日",
                "<p>6月7日放假一天。</p>",
                Nav::Missing,
                Nav::Missing,
            )),
        ),
        // Near-miss: a list with items and a `共3条` pager.
        (
            "xxgk/index.html",
            with_template(list(
                "信息公开",
                &[
                    (
                        "/gzdt/201906/t20190603_401.html",
                        "南湖镇公布2019年财政预算",
                        "2019-06-03",
                    ),
                    (
                        "/gzdt/201906/t20190602_402.html",
                        "南湖镇召开河长制工作会议",
                        "2019-06-02",
                    ),
                    (
                        "/gzdt/201906/t20190601_403.html",
                        "南湖镇开展安全生产大检查",
                        "2019-06-01",
                    ),
                ],
                "<div>共3条记录</div>",
            )),
        ),
    ]
}

#[test]
fn broken_links_and_empty_columns_in_directory_mode() {
    let report = dir_report(&link_site(), "2019-06-10");
    assert_eq!(
        found(&report, &["broken-link", "empty-column"]),
        vec![
            t("broken-link", "/", "/zwgk/"),
            t(
                "broken-link",
                "/gzdt/201906/t20190601_403.html",
                "/uploads/P020190601_plan.doc"
            ),
            t(
                "broken-link",
                "/gzdt/201906/t20190602_402.html",
                "/gzdt/201906/t20190401_380.html"
            ),
            t(
                "broken-link",
                "/gzdt/201906/t20190602_402.html",
                "/gzdt/201906/t20190530_399.html"
            ),
            t(
                "broken-link",
                "/gzdt/201906/t20190602_402.html",
                "/images/pdf.png"
            ),
            t(
                "broken-link",
                "/gzdt/201906/t20190602_402.html",
                "/uploads/P020190602_map.pdf"
            ),
            t(
                "broken-link",
                "/gzdt/201906/t20190603_401.html",
                "/uploads/P020190603_detail.xls"
            ),
            t("empty-column", "/gkzn/", ""),
            t("empty-column", "/rsxx/", ""),
        ]
    );
    let notes = report["notes"].to_string();
    assert!(
        notes.contains("列表无法读取") && notes.contains("/jgsz/"),
        "{notes}"
    );
    // The template link is one finding, on the home page, naming how many pages hold it.
    let tpl = finding(&report, "broken-link", "/");
    let pages = link_site()
        .iter()
        .filter(|(_, html)| html.contains("/zwgk/"))
        .count();
    assert!(
        tpl["message"]
            .as_str()
            .unwrap()
            .contains(&format!("{pages}个页面")),
        "{tpl}"
    );
    let empty = finding(&report, "empty-column", "/rsxx/");
    assert_eq!(empty["evidence"], "暂无信息");
    assert_eq!(empty["column"], "人事信息");
    // A body link is named by the text the reader clicks.
    assert_link_named(&report, "P020190603_detail.xls", "2019年财政预算明细.xls");
    assert_link_named(&report, "t20190530_399.html", "上次会议");
    // An icon link before the text link to the same file: named by the text.
    assert_link_named(&report, "P020190601_plan.doc", "安全检查方案");
    // An image link is named by the image's alt.
    assert_link_named(&report, "P020190602_map.pdf", "河道分布图");
    // A page served as 200 that says it does not exist, in the rule's words.
    assert_link_named(&report, "t20190401_380.html", "河道清理");
    let soft = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| {
            f["target"]
                .as_str()
                .is_some_and(|t| t.ends_with("t20190401_380.html"))
        })
        .unwrap();
    assert!(
        soft["message"]
            .as_str()
            .unwrap()
            .ends_with("无法打开（页面显示「页面不存在」）"),
        "{soft}"
    );
}

/// The finding about the link to `target` quotes `text`.
fn assert_link_named(report: &Value, target: &str, text: &str) {
    let f = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["target"].as_str().is_some_and(|t| t.ends_with(target)))
        .unwrap_or_else(|| panic!("no finding for {target}: {report}"));
    assert!(
        f["message"]
            .as_str()
            .unwrap()
            .contains(&format!("「{text}」")),
        "{f}"
    );
}

#[test]
fn broken_links_over_http() {
    let owned = link_site();
    let files: Vec<(&str, &str)> = owned.iter().map(|(p, c)| (*p, c.as_str())).collect();
    let dir = site_dir(&files);
    let server = serve_dir(dir.path());
    let (report, _) = audit_json(&[
        "--site",
        &server.url("/"),
        "--delay-ms",
        "0",
        "--as-of",
        "2019-06-10",
    ]);
    let links = found(&report, &["broken-link"]);
    assert!(
        links.contains(&t("broken-link", "/", "/zwgk/")),
        "{links:?}"
    );
    assert!(
        links.contains(&t(
            "broken-link",
            "/gzdt/201906/t20190602_402.html",
            "/gzdt/201906/t20190530_399.html"
        )),
        "{links:?}"
    );
    assert!(
        links.contains(&t(
            "broken-link",
            "/gzdt/201906/t20190602_402.html",
            "/gzdt/201906/t20190401_380.html"
        )),
        "{links:?}"
    );
    assert_link_named(&report, "t20190530_399.html", "上次会议");
    // The external link was not checked (no --check-external); the page reached
    // again with `?from=list` is the same page, not a second holder of its links.
    // (`/gzdt` without its slash is reported: this test server answers it with 404.)
    for (_, url, target) in &links {
        assert!(
            !target.contains("zcfg") && !target.contains("from=") && !url.contains("from="),
            "{links:?}"
        );
    }
    let tpl = finding(&report, "broken-link", "/");
    assert!(tpl["evidence"].as_str().unwrap().contains("404"), "{tpl}");
}

#[test]
fn a_partial_crawl_does_not_call_unread_files_missing() {
    // With a page limit, directory mode no longer knows every file.
    let owned = link_site();
    let files: Vec<(&str, &str)> = owned.iter().map(|(p, c)| (*p, c.as_str())).collect();
    let dir = site_dir(&files);
    let (report, _) = audit_json(&[
        "--site",
        path_str(dir.path()),
        "--as-of",
        "2019-06-10",
        "--max-pages",
        "3",
    ]);
    // Only what was read can be judged (the soft 404, if its file was read): nothing is missing.
    let findings = report["findings"].as_array().expect("findings");
    assert!(!findings.is_empty(), "{report:#}");
    for f in findings {
        if f["kind"] == "broken-link" || f["kind"] == "broken-nav" {
            assert!(
                f["evidence"].as_str().unwrap_or("").contains("soft 404"),
                "{f}"
            );
        }
    }
}

#[test]
fn live_urls_in_a_site_repo_are_its_own_pages() {
    // The CMS export links 上一篇/下一篇 by the live URL; directory mode maps them
    // onto the local files, so the chain is checked and nothing is off-site.
    let live = |i: usize| format!("https://www.nanhu.gov.cn/gzdt/201905/{}", a(i));
    let (l1, l2, l3) = (live(1), live(2), live(3));
    let art = |i: usize, prev: Nav<'_>, next: Nav<'_>| {
        article(
            "工作动态",
            T[i],
            &format!("2019年05月0{i}日"),
            "<p>正文内容。</p>",
            prev,
            next,
        )
    };
    let files = vec![
        ("index.html", home("")),
        (
            "gzdt/201905/t20190501_201.html",
            art(1, Nav::Text("没有了"), Nav::Link(&l2, T[2])),
        ),
        // Its 下一篇 shows a title that is not a3's.
        (
            "gzdt/201905/t20190502_202.html",
            art(2, Nav::Link(&l1, T[1]), Nav::Link(&l3, T[5])),
        ),
        (
            "gzdt/201905/t20190503_203.html",
            art(3, Nav::Link(&l2, T[2]), Nav::Text("最后一页")),
        ),
    ];
    let report = dir_report(&files, "2019-05-10");
    assert_eq!(
        found(&report, &["broken-nav"]),
        vec![t(
            "nav-title",
            "/gzdt/201905/t20190502_202.html",
            "/gzdt/201905/t20190503_203.html"
        )]
    );
}

#[test]
fn external_links_are_judged_only_with_check_external() {
    let other = serve_on(
        "127.0.0.2",
        std::sync::Arc::new(|req: &common::Request| {
            if req.path() == "/gone.html" {
                Reply::status(404)
            } else {
                Reply::ok(
                    "text/html; charset=utf-8",
                    "<html><body>上级网站</body></html>",
                )
            }
        }),
    );
    let (gone, fine) = (other.url("/gone.html"), other.url("/zcfg/"));
    let body = format!(
        "<p>参见<a href=\"{gone}\">已撤下的文件</a>和<a href=\"{fine}\">上级政策</a>。</p>"
    );
    let a1 = article(
        "工作动态",
        T[1],
        "2019年05月01日",
        &body,
        Nav::Missing,
        Nav::Missing,
    );
    let start = home("<a href=\"gzdt/201905/t20190501_201.html\">最新</a>");
    let files = [
        ("index.html", start.as_str()),
        ("gzdt/201905/t20190501_201.html", a1.as_str()),
    ];
    let dir = site_dir(&files);
    let server = serve_dir(dir.path());
    let site = server.url("/");
    let external = |report: &Value| {
        found(report, &["broken-link"])
            .into_iter()
            .filter(|(_, _, target)| target.contains(".html") && !target.starts_with("/gzdt"))
            .collect::<Vec<_>>()
    };
    let (without, _) = audit_json(&["--site", &site, "--delay-ms", "0", "--as-of", "2019-05-10"]);
    assert_eq!(external(&without), vec![]);
    let (with, _) = audit_json(&[
        "--site",
        &site,
        "--delay-ms",
        "0",
        "--as-of",
        "2019-05-10",
        "--check-external",
    ]);
    assert_eq!(
        external(&with),
        vec![t(
            "broken-link",
            "/gzdt/201905/t20190501_201.html",
            "/gone.html"
        )]
    );
    let f = finding(&with, "broken-link", "t20190501_201.html");
    assert_eq!(f["target"].as_str().unwrap(), gone);
}

#[test]
fn bad_parameters_are_reported_with_their_line() {
    let cases = [
        (
            "[[rule]]\nid = \"n\"\nkind = \"broken-nav\"\nseverity = \"error\"\nmessage = \"x\"\ncheck = \"sideways\"\n",
            ":6:",
            "sideways",
        ),
        (
            "[[rule]]\nid = \"s\"\nkind = \"stale-notice\"\ncategory = \"notice\"\nseverity = \"warning\"\nmessage = \"x\"\ncues_before = [\"截止\"]\nexpired_patterns = [\"已(过期\"]\n",
            ":8:",
            "expired_patterns",
        ),
        (
            "[[rule]]\nid = \"e\"\nkind = \"empty-column\"\nseverity = \"warning\"\nmessage = \"x\"\nplaceholder_patterns = [\"暂无\"]\nplaceholder = \"暂无\"\n",
            ":7:",
            "placeholder",
        ),
        (
            "[[rule]]\nid = \"l\"\nkind = \"broken-link\"\nseverity = \"error\"\nmessage = \"{nope}\"\nmissing_reason = \"无\"\n",
            ":5:",
            "nope",
        ),
    ];
    for (text, line, word) in cases {
        let dir = site_dir(&[("site.toml", text)]);
        let out = common::audit(&["rules", "check", path_str(dir.path())]);
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{text}\n{err}");
        assert!(
            err.contains("site.toml") && err.contains(line) && err.contains(word),
            "{err}"
        );
    }
}

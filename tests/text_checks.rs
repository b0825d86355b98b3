//! The text checks: `typo` and `punctuation`. Fixture pages under
//! fixtures/checks/text must produce exactly the listed findings, near-miss
//! pages must stay silent, and the shipped dictionary must stay silent on
//! several thousand characters of correct official prose.

mod common;

use common::{audit, audit_json, demo_site, path_str, root, site_dir};
use serde_json::Value;

const TEXT_KINDS: &[&str] = &["typo", "punctuation"];
const AS_OF: &str = "2019-03-20";

fn text_site() -> std::path::PathBuf {
    root().join("fixtures/checks/text")
}

/// (kind, url, evidence) of the findings of the given kinds, sorted.
fn found(report: &Value, kinds: &[&str]) -> Vec<(String, String, String)> {
    let mut v: Vec<_> = findings(report, kinds)
        .iter()
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

fn findings<'a>(report: &'a Value, kinds: &[&str]) -> Vec<&'a Value> {
    report["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter(|f| kinds.contains(&f["kind"].as_str().unwrap_or("")))
        .collect()
}

fn t(kind: &str, url: &str, evidence: &str) -> (String, String, String) {
    (kind.to_string(), url.to_string(), evidence.to_string())
}

fn sorted(mut v: Vec<(String, String, String)>) -> Vec<(String, String, String)> {
    v.sort();
    v
}

fn page(name: &str) -> String {
    format!("http://localhost/xwdt/201903/{name}.html")
}

#[test]
fn typo_fixtures_fire_and_near_misses_stay_silent() {
    let (report, _) = audit_json(&["--site", path_str(&text_site()), "--as-of", AS_OF]);
    let hits = page("t20190304_2001");
    let expected = sorted(vec![
        t("typo", &hits, "…开2019年社区工作布署会，对全年重点工作作…"),
        t(
            "typo",
            &hits,
            "会议要求，各社区要再接再励，按步就班推进老旧小…",
        ),
        t(
            "typo",
            &hits,
            "…，各社区要再接再励，按步就班推进老旧小区改造，居…",
        ),
        t(
            "typo",
            &hits,
            "…老旧小区改造，居民们迫不急待地盼望工程早日完工。",
        ),
        t("typo", &hits, "截止目前，街道已为辖区老旧小…"),
        t(
            "typo",
            &hits,
            "…街道已为辖区老旧小区按装电梯12部，明年计划…",
        ),
        t("typo", &hits, "…梯12部，明年计划再按装路灯80盏。"),
        t("typo", &hits, "各社区必需严格落实安全生产责任…"),
        t(
            "typo",
            &hits,
            "…，政策法规类文件发布实效性应控制在15个工作日…",
        ),
    ]);
    // The near-miss page t20190305_2002 (按装备, 发布署名, 截止日期, 必需品,
    // 注重实效, 这座落成, 预防犯罪, 究竟选择, 成倍受益, 需知道, 坚持不泄气,
    // 煤炭排放, 深沉缅怀, 规范筹资…) adds nothing.
    assert_eq!(found(&report, &["typo"]), expected);

    let typos = findings(&report, &["typo"]);
    let msg = |wrong: &str| {
        typos
            .iter()
            .find(|f| f["message"].as_str().unwrap_or("").contains(wrong))
            .map(|f| {
                (
                    f["message"].as_str().unwrap_or("").to_string(),
                    f["fix"].as_str().unwrap_or("").to_string(),
                    f["rule"].as_str().unwrap_or("").to_string(),
                )
            })
    };
    assert_eq!(
        msg("实效性"),
        Some((
            "「青禾街道召开2019年社区工作会议」中「实效性」疑为「时效性」之误".to_string(),
            "将「实效性」改为「时效性」".to_string(),
            "typo-common".to_string()
        ))
    );
    // Two occurrences of one wrong form on a page are two findings with distinct ids.
    let ids: Vec<&str> = typos
        .iter()
        .filter(|f| f["evidence"].as_str().unwrap_or("").contains("按装"))
        .map(|f| f["id"].as_str().unwrap_or(""))
        .collect();
    assert_eq!(ids.len(), 2);
    assert_ne!(ids[0], ids[1]);
}

#[test]
fn punctuation_fixtures_fire_and_near_misses_stay_silent() {
    let (report, _) = audit_json(&["--site", path_str(&text_site()), "--as-of", AS_OF]);
    let hits = page("t20190306_2003");
    let many = page("t20190311_2006");
    let expected = sorted(vec![
        t(
            "punctuation",
            &hits,
            "…消防志愿者们走进社区,为居民讲解家庭用火用…",
        ),
        t("punctuation", &hits, "讲座地点:街道文化站二楼多功能…"),
        t(
            "punctuation",
            &hits,
            "青禾街道办事处(以下简称街道)负责讲座的具体组织。",
        ),
        t("punctuation", &hits, "讲座强调，，各社区要高度重视冬春…"),
        t("punctuation", &hits, "请各单位认真抓好落实。。"),
        t(
            "punctuation",
            &hits,
            "与会人员学习了《中华人民共和国消防法…",
        ),
        t("punctuation", &hits, "街道同时启动“平安家庭创建活动，为…"),
        // Eight half-width commas: five findings and one roll-up for the other three.
        t("punctuation", &many, "3月10日上午,街道机关干部来到青禾…"),
        t(
            "punctuation",
            &many,
            "…机关干部来到青禾公园,与社区居民一起参加义…",
        ),
        t("punctuation", &many, "大家分工协作,挖坑、扶苗、培土、浇…"),
        t("punctuation", &many, "…坑、扶苗、培土、浇水,干劲十足。"),
        t("punctuation", &many, "活动中,街道还向居民宣传了爱…"),
        t(
            "punctuation",
            &many,
            "…民宣传了爱绿护绿知识,倡导大家争做生态文明…",
        ),
    ]);
    // The near-miss page t20190307_2004 (9:30, 1.5万, URLs, e-mail, 1. (一) 1）
    // numbering, (WHO), 1,250,000, ……, ——, nested quotes, English) adds nothing,
    // and neither do the half-width labels outside the body (发布时间: 上一篇:).
    assert_eq!(found(&report, &["punctuation"]), expected);

    let by_rule = |rule: &str| {
        findings(&report, &["punctuation"])
            .into_iter()
            .filter(|f| f["rule"] == rule)
            .count()
    };
    assert_eq!(by_rule("punctuation-half-width"), 9);
    assert_eq!(by_rule("punctuation-doubled"), 2);
    assert_eq!(by_rule("punctuation-unbalanced"), 2);

    let messages: Vec<String> = findings(&report, &["punctuation"])
        .iter()
        .map(|f| f["message"].as_str().unwrap_or("").to_string())
        .collect();
    for m in [
        "「青禾街道举办消防安全知识讲座」中汉字之间使用了半角标点「()」，应为全角「（）」",
        "「青禾街道举办消防安全知识讲座」中标点「。。」重复",
        "「青禾街道举办消防安全知识讲座」中「《」缺少与之配对的「》」",
        "「青禾街道组织开展春季义务植树活动」中另有3处汉字之间使用了半角标点（,），应统一改为全角（，）",
    ] {
        assert!(messages.iter().any(|x| x == m), "{m} not in {messages:#?}");
    }
}

/// The text of the `<p>` elements of a fixture page, tags stripped.
fn paragraphs(html: &str) -> String {
    let mut out = String::new();
    for part in html.split("<p>").skip(1) {
        if let Some((p, _)) = part.split_once("</p>") {
            out.push_str(p);
        }
    }
    out
}

#[test]
fn shipped_rules_are_silent_on_correct_official_prose() {
    let names = ["t20190308_2005", "t20190312_2007"];
    let mut files = Vec::new();
    let mut chars = 0;
    for n in names {
        let rel = format!("xwdt/201903/{n}.html");
        let html = std::fs::read_to_string(text_site().join(&rel)).expect("fixture");
        let body = paragraphs(&html);
        // Only the prose itself counts, not the template's labels.
        chars += body
            .chars()
            .filter(|c| !c.is_whitespace() && !"上一篇下一篇没有了最后一页".contains(*c))
            .count();
        files.push((rel, html));
    }
    assert!(
        chars >= 3000,
        "the prose must be at least 3,000 characters, is {chars}"
    );
    let refs: Vec<(&str, &str)> = files
        .iter()
        .map(|(p, h)| (p.as_str(), h.as_str()))
        .collect();
    let dir = site_dir(&refs);
    let (report, _) = audit_json(&["--site", path_str(dir.path()), "--as-of", AS_OF]);
    assert_eq!(report["summary"]["pages"].as_u64(), Some(2), "{report}");
    assert_eq!(found(&report, TEXT_KINDS), vec![]);

    // A control, so that silence cannot come from pages the checks skipped: a
    // rule that treats 街道 as a typo fires on both pages.
    let control = site_dir(&[(
        "control.toml",
        "[[rule]]\nid = \"control\"\nkind = \"typo\"\nseverity = \"info\"\nmessage = \"{wrong}\"\n\
         context_chars = 10\nevidence_chars = 10\n\
         [rule.dictionary]\n\"街道\" = \"街巷\"\n",
    )]);
    let (report, _) = audit_json(&[
        "--site",
        path_str(dir.path()),
        "--rules",
        path_str(control.path()),
        "--as-of",
        AS_OF,
    ]);
    let mut urls: Vec<&str> = findings(&report, &["typo"])
        .iter()
        .filter(|f| f["rule"] == "control")
        .filter_map(|f| f["url"].as_str())
        .collect();
    urls.dedup();
    assert_eq!(urls.len(), 2, "{urls:?}");
    assert_eq!(
        findings(&report, TEXT_KINDS)
            .iter()
            .filter(|f| f["rule"] != "control")
            .count(),
        0
    );
}

#[test]
fn demo_site_has_exactly_the_documented_text_findings() {
    let (report, _) = audit_json(&["--site", path_str(&demo_site()), "--as-of", AS_OF]);
    assert_eq!(
        found(&report, TEXT_KINDS),
        vec![
            t(
                "punctuation",
                "http://localhost/gzdt/201903/t20190306_1162.html",
                "…后，志愿者们走进社区,为居民提供义诊、理发…"
            ),
            t(
                "typo",
                "http://localhost/ndbg/201903/t20190314_1172.html",
                "…、政策法规类文件发布实效性在15天以内的要求是…"
            ),
        ]
    );
}

const ARTICLE_HEAD: &str = "<html><head><meta charset=\"utf-8\"><title>测试文章</title></head><body>\
    <h1>测试文章</h1><div class=\"info\">发布时间:2019年03月01日 来源:测试街道</div><div class=\"content\">";
const ARTICLE_TAIL: &str = "</div></body></html>";

fn article(paras: &[&str]) -> String {
    let body: String = paras.iter().map(|p| format!("<p>{p}</p>")).collect();
    format!("{ARTICLE_HEAD}{body}{ARTICLE_TAIL}")
}

fn ids(report: &Value) -> Vec<(String, String)> {
    let mut v: Vec<(String, String)> = findings(report, TEXT_KINDS)
        .iter()
        .map(|f| {
            (
                f["id"].as_str().unwrap_or("").to_string(),
                f["evidence"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect();
    v.sort();
    v
}

#[test]
fn finding_ids_do_not_move_when_other_text_changes() {
    let before = article(&["街道为小区按装路灯30盏,方便居民夜间出行。"]);
    let after = article(&[
        "3月1日，街道召开专题会议，研究老旧小区改造工作。",
        "街道为小区按装路灯30盏,方便居民夜间出行。",
    ]);
    let a = site_dir(&[("a/t20190301_1.html", &before)]);
    let b = site_dir(&[("a/t20190301_1.html", &after)]);
    let (ra, _) = audit_json(&["--site", path_str(a.path()), "--as-of", AS_OF]);
    let (rb, _) = audit_json(&["--site", path_str(b.path()), "--as-of", AS_OF]);
    let ia = ids(&ra);
    assert_eq!(ia.len(), 2, "{ia:?}");
    assert_eq!(ia, ids(&rb));
}

#[test]
fn a_sites_own_typo_rules_add_contextual_pairs() {
    let rules = site_dir(&[(
        "own.toml",
        r#"
[[rule]]
id = "site-typos"
kind = "typo"
severity = "info"
context_chars = 10
evidence_chars = 10
message = "「{wrong}」应为「{right}」"
message_en = "“{wrong}” should be “{right}”"
[rule.dictionary]
"清禾街道" = "青禾街道"
[[rule.contextual]]
wrong = "启示"
right = "启事"
before = '招聘|寻人'
"#,
    )]);
    let site = site_dir(&[(
        "a/t20190301_1.html",
        &article(&["现发布招聘启示如下。", "这次活动给我们的启示是深刻的。"]),
    )]);
    let (report, _) = audit_json(&[
        "--site",
        path_str(site.path()),
        "--rules",
        path_str(rules.path()),
        "--as-of",
        AS_OF,
        "--lang",
        "en",
    ]);
    let own: Vec<(String, String)> = findings(&report, &["typo"])
        .iter()
        .filter(|f| f["rule"] == "site-typos")
        .map(|f| {
            (
                f["message"].as_str().unwrap_or("").to_string(),
                f["evidence"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect();
    assert_eq!(
        own,
        vec![(
            "“启示” should be “启事”".to_string(),
            "现发布招聘启示如下。".to_string()
        )]
    );
    // The shipped dictionary also knows 招聘启示; both rules report it.
    assert_eq!(findings(&report, &["typo"]).len(), 2);
}

#[test]
fn bad_text_rules_are_rejected_with_file_and_line() {
    let cases = [
        (
            "[[rule]]\nid = \"x\"\nkind = \"typo\"\nseverity = \"info\"\nmessage = \"m\"\n[rule.dictionary]\n\"错\" = \"对\"\n",
            ":7:",
            "two characters",
        ),
        (
            "[[rule]]\nid = \"x\"\nkind = \"typo\"\nseverity = \"info\"\nmessage = \"m\"\n[[rule.contextual]]\nwrong = \"实效性\"\nright = \"时效性\"\ncontxt = '天'\n",
            ":9:",
            "unknown key `contxt`",
        ),
        (
            "[[rule]]\nid = \"x\"\nkind = \"typo\"\nseverity = \"info\"\nmessage = \"{wrong} {rigth}\"\n[rule.dictionary]\n\"按装\" = \"安装\"\n",
            ":5:",
            "unknown placeholder",
        ),
        (
            "[[rule]]\nid = \"x\"\nkind = \"punctuation\"\nproblem = \"half-width\"\nseverity = \"info\"\nmessage = \"m\"\nmarks = [\"，\"]\n",
            ":7:",
            "only read when",
        ),
        (
            "[[rule]]\nid = \"x\"\nkind = \"punctuation\"\nproblem = \"unbalanced\"\nseverity = \"info\"\nmessage = \"m\"\n[rule.pairs]\n\"《\" = \"》》\"\n",
            ":8:",
            "single characters",
        ),
    ];
    for (text, line, what) in cases {
        let rules = site_dir(&[("bad.toml", text)]);
        let out = audit(&["rules", "check", "--rules", path_str(rules.path())]);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{text}\n{stderr}");
        assert!(
            stderr.contains(&format!("bad.toml{line}")) && stderr.contains(what),
            "{text}\nwanted bad.toml{line} … {what}, got: {stderr}"
        );
    }
}

fn shipped_typo_params() -> disclosure_audit::checks::typo::Params {
    let rules = disclosure_audit::load_rules(true, &[]).expect("built-in rules load");
    let rule = rules.rule("typo-common").expect("typo-common is shipped");
    match &rule.params {
        disclosure_audit::checks::Params::Typo(p) => p.clone(),
        _ => panic!("typo-common is not a typo rule"),
    }
}

#[test]
fn shipped_dictionary_is_large_and_every_pair_fires_on_its_own() {
    let p = shipped_typo_params();
    let unconditional: Vec<_> = p
        .entries
        .iter()
        .enumerate()
        .filter(|(_, e)| e.context.is_none() && e.before.is_none() && e.after.is_none())
        .collect();
    assert!(
        unconditional.len() >= 300,
        "only {} dictionary pairs",
        unconditional.len()
    );
    for (i, e) in unconditional {
        let line = format!("甲{}乙", e.wrong);
        let hits = p.find(&line);
        assert_eq!(
            hits.iter().map(|h| h.entry).collect::<Vec<_>>(),
            vec![i],
            "{} does not fire alone",
            e.wrong
        );
        // The correction itself is never reported.
        assert!(
            p.find(&format!("甲{}乙", e.right)).is_empty(),
            "{}",
            e.right
        );
    }
}

#[test]
fn shipped_contextual_pairs_need_their_context() {
    let p = shipped_typo_params();
    let fired = |line: &str| -> Vec<String> {
        p.find(line)
            .into_iter()
            .map(|h| p.entries[h.entry].right.clone())
            .collect()
    };
    for (line, want) in [
        ("政策法规类文件发布实效性在15天以内", vec!["时效性"]),
        ("确保公开实效性不超过20个工作日", vec!["时效性"]),
        ("信息发布实效性在5日内", vec!["时效性"]),
        ("3月15日，会议强调要增强工作的实效性", vec![]),
        ("注重实效，提高政策解读的实效性和针对性", vec![]),
        ("各社区必需严格落实责任", vec!["必须"]),
        ("为群众发放生活必需品，必需的物资已到位", vec![]),
        ("请阅读办事需知", vec!["须知"]),
        ("居民需知晓相关规定", vec![]),
        ("截止目前已完成", vec!["截至目前"]),
        ("报名截止日期为3月31日", vec![]),
    ] {
        assert_eq!(fired(line), want, "{line}");
    }
}

//! Extraction on the CMS templates of `fixtures/templates/` (TRS, Hanweb,
//! UCAP and a home-made one; UTF-8 and GBK): every field of every page is
//! stated in one table and checked. Also: site profiles, the joining of a
//! paginated list into one column, `missing-metadata` on meta tags by page
//! kind, and property tests of the date parser.

mod common;

use std::path::{Path, PathBuf};

use disclosure_audit::extract::Extractor;
use disclosure_audit::extract::date::{find_dates, parse_date};
use disclosure_audit::extract::record::{NavLink, PageRecord};
use disclosure_audit::source::Document;
use disclosure_audit::{RuleSet, load_rules};
use url::Url;

fn templates() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/templates")
}

fn extract_with(rules: &RuleSet, file: &str, url: &str) -> PageRecord {
    let path = templates().join(file);
    let body = std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let doc = Document::from_body(Url::parse(url).unwrap(), body);
    Extractor::new(&rules.extract).extract(&doc)
}

fn extract(file: &str, url: &str) -> PageRecord {
    extract_with(&load_rules(true, &[]).unwrap(), file, url)
}

/// An expected 上一篇/下一篇 entry: shown text, link target, placeholder.
type Nav = Option<(&'static str, Option<&'static str>, bool)>;

struct Expect {
    file: &'static str,
    url: &'static str,
    kind: &'static str,
    title: &'static str,
    column: Option<&'static str>,
    column_url: Option<&'static str>,
    publish_date: Option<&'static str>,
    document_date: Option<&'static str>,
    source: Option<&'static str>,
    index_no: Option<&'static str>,
    doc_number: Option<&'static str>,
    prev: Nav,
    next: Nav,
    /// Every list item: URL, title, date.
    items: &'static [(&'static str, &'static str, &'static str)],
    pagination: &'static [&'static str],
    /// The start of the error, for soft 404s.
    error: Option<&'static str>,
    image_count: usize,
    text_has: &'static [&'static str],
    text_lacks: &'static [&'static str],
    meta: &'static [(&'static str, &'static str)],
    links_have: &'static [&'static str],
}

const NONE: Expect = Expect {
    file: "",
    url: "",
    kind: "",
    title: "",
    column: None,
    column_url: None,
    publish_date: None,
    document_date: None,
    source: None,
    index_no: None,
    doc_number: None,
    prev: None,
    next: None,
    items: &[],
    pagination: &[],
    error: None,
    image_count: 0,
    text_has: &[],
    text_lacks: &[],
    meta: &[],
    links_have: &[],
};

const PAGES: &[Expect] = &[
    Expect {
        file: "trs-article.html",
        url: "http://www.jiangbin.gov.cn/zwgk/gzdt/201903/t20190313_2748784.html",
        kind: "article",
        title: "江滨区召开2019年一季度经济运行分析会",
        column: Some("工作动态"),
        column_url: Some("http://www.jiangbin.gov.cn/zwgk/gzdt/"),
        publish_date: Some("2019-03-13"),
        source: Some("江滨区发展和改革局"),
        prev: Some((
            "江滨区举办庆祝“三八”国际妇女节座谈会",
            Some("http://www.jiangbin.gov.cn/zwgk/gzdt/201903/t20190308_2745123.html"),
            false,
        )),
        next: Some(("没有了！", None, true)),
        image_count: 1,
        text_has: &["规模以上工业增加值同比增长6.8%", "发布时间：各部门信息报送"],
        text_lacks: &[
            "版权所有",
            "网站地图",
            "相关链接",
            "区领导调研",
            "浏览次数",
            "打印本页",
        ],
        meta: &[
            ("SiteName", "江滨区人民政府"),
            ("SiteDomain", "www.jiangbin.gov.cn"),
            ("SiteIDCode", "3301040012"),
            ("ColumnType", "工作动态"),
            ("PubDate", "2019-03-13 15:40"),
            ("Keywords", "经济运行,一季度"),
            ("Author", "区发改局"),
            (
                "Url",
                "http://www.jiangbin.gov.cn/zwgk/gzdt/201903/t20190313_2748784.html",
            ),
        ],
        links_have: &["http://www.jiangbin.gov.cn/zwgk/gzdt/201811/t20181102_2710001.html"],
        ..NONE
    },
    Expect {
        file: "hanweb-article-gbk.html",
        url: "http://www.qingshan.gov.cn/art/2026/9/16/art_77278_11830771.html",
        kind: "article",
        title: "青山县2026年秋季森林防火工作方案",
        column: Some("通知公告"),
        column_url: Some("http://www.qingshan.gov.cn/col/col77278/"),
        publish_date: Some("2026-09-16"),
        document_date: Some("2026-09-15"),
        source: Some("县应急管理局"),
        prev: Some((
            "关于开展2026年中秋国庆节前安全生产大检查的通知",
            Some("http://www.qingshan.gov.cn/art/2026/9/10/art_77278_11829001.html"),
            false,
        )),
        next: Some(("无", None, true)),
        text_has: &[
            "各乡镇人民政府，县政府各部门：",
            "防火期：2026年10月1日",
            "2026年9月15日",
        ],
        text_lacks: &["打印", "相关信息", "浏览次数", "版权所有"],
        ..NONE
    },
    Expect {
        file: "ucap-policy.html",
        url: "http://www.yunhu.gov.cn/zwgk/zcwj/201902/t20190210_3302211.html",
        kind: "article",
        title: "云湖市人民政府办公室关于印发云湖市政务公开工作要点的通知",
        column: Some("政策文件"),
        column_url: Some("http://www.yunhu.gov.cn/zwgk/zcwj/"),
        publish_date: Some("2019-02-10"),
        document_date: Some("2019-01-21"),
        source: Some("云湖市人民政府办公室"),
        index_no: Some("11330200MB1234567X/2019-00012"),
        doc_number: Some("云政办发〔2019〕5号"),
        prev: Some((
            "云湖市人民政府关于调整部分行政权力事项的决定",
            Some("http://www.yunhu.gov.cn/zwgk/zcwj/201901/t20190114_3301122.html"),
            false,
        )),
        next: Some(("最后一页", None, true)),
        text_has: &["二〇一九年一月二十一日", "发布时间、信息来源等要素"],
        text_lacks: &["索引号", "附件", "版权所有"],
        meta: &[
            ("firstpublishedtime", "2019-02-10-09:30:15"),
            ("lastmodifiedtime", "2019-02-11-16:02:44"),
        ],
        links_have: &["http://www.yunhu.gov.cn/zwgk/zcwj/201902/P020190210555012345678.pdf"],
        ..NONE
    },
    Expect {
        file: "homemade-article-gbk.html",
        url: "http://www.taoyuan.gov.cn/zwdt/201811/t20181105_108.html",
        kind: "article",
        title: "桃源镇开展冬季消防安全宣传活动",
        column: Some("镇务动态"),
        column_url: Some("http://www.taoyuan.gov.cn/zwdt/"),
        publish_date: Some("2018-11-05"),
        prev: Some((
            "桃源镇召开村级组织换届工作推进会",
            Some("http://www.taoyuan.gov.cn/zwdt/201811/t20181029_105.html"),
            false,
        )),
        next: Some((
            "桃源镇完成秋冬季植树造林任务",
            Some("http://www.taoyuan.gov.cn/zwdt/201811/t20181112_110.html"),
            false,
        )),
        text_has: &["现场解答群众咨询80余人次", "上一篇报道中提到"],
        text_lacks: &["版权所有", "点击"],
        ..NONE
    },
    Expect {
        file: "trs-policy-divtable.html",
        url: "http://www.jiangbin.gov.cn/zwgk/zcwj/201903/t20190304_2743210.html",
        kind: "article",
        title: "江滨区人民政府关于公布2019年区级重点工程项目的通知",
        column: Some("政策文件"),
        column_url: Some("http://www.jiangbin.gov.cn/zwgk/zcwj/"),
        publish_date: Some("2019-03-04"),
        document_date: Some("2019-02-27"),
        source: Some("江滨区人民政府"),
        index_no: Some("002498765/2019-00031"),
        doc_number: Some("江政发〔2019〕3号"),
        prev: Some((
            "江滨区人民政府关于2018年度安全生产目标管理考核结果的通报",
            Some("http://www.jiangbin.gov.cn/zwgk/zcwj/201903/t20190216_2741001.html"),
            false,
        )),
        next: Some(("没有了", None, true)),
        text_has: &["总投资386亿元"],
        text_lacks: &["索引号", "版权所有"],
        meta: &[("ContentSource", "")],
        ..NONE
    },
    Expect {
        file: "article-about-404.html",
        url: "http://www.yunhu.gov.cn/zwgk/tzgg/201903/t20190315_3313001.html",
        kind: "article",
        title: "关于集中整治政府网站404错误页面的通知",
        column: Some("通知公告"),
        publish_date: Some("2019-03-15"),
        source: Some("市政府办公室"),
        prev: Some((
            "云湖市2019年春季植树活动安排",
            Some("http://www.yunhu.gov.cn/zwgk/tzgg/201903/t20190311_3312001.html"),
            false,
        )),
        next: Some(("最后一页", None, true)),
        text_has: &["您访问的页面不存在"],
        ..NONE
    },
    Expect {
        file: "soft-404.html",
        url: "http://www.yunhu.gov.cn/zwgk/gzdt/201901/t20190105_3300001.html",
        kind: "other",
        title: "云湖市人民政府",
        error: Some("soft 404: 您访问的页面不存在"),
        image_count: 1,
        ..NONE
    },
    Expect {
        file: "home.html",
        url: "http://www.jiangbin.gov.cn/",
        kind: "home",
        title: "江滨区人民政府",
        meta: &[("SiteIDCode", "3301040012"), ("SiteName", "江滨区人民政府")],
        // Without a content block, the whole page is the text.
        image_count: 1,
        ..NONE
    },
    Expect {
        file: "trs-list-page2.html",
        url: "http://www.jiangbin.gov.cn/zwgk/gzdt/index_1.html",
        kind: "list",
        title: "工作动态",
        column: Some("工作动态"),
        column_url: Some("http://www.jiangbin.gov.cn/zwgk/gzdt/"),
        items: &[
            (
                "http://www.jiangbin.gov.cn/zwgk/gzdt/201903/t20190313_2748784.html",
                "江滨区召开2019年一季度经济运行分析会",
                "2019-03-13",
            ),
            (
                "http://www.jiangbin.gov.cn/zwgk/gzdt/201903/t20190308_2745123.html",
                "江滨区举办庆祝“三八”国际妇女节座谈会",
                "2019-03-08",
            ),
            (
                "http://www.jiangbin.gov.cn/zwgk/gzdt/201903/t20190301_2741900.html",
                "区政府召开第26次常务会议",
                "2019-03-01",
            ),
            (
                "http://www.jiangbin.gov.cn/zwgk/gzdt/201902/t20190222_2739001.html",
                "江滨区部署2019年“三服务”活动",
                "2019-02-22",
            ),
            (
                "http://www.jiangbin.gov.cn/zwgk/gzdt/201902/t20190215_2737007.html",
                "江滨区召开优化营商环境推进会",
                "2019-02-15",
            ),
        ],
        pagination: &[
            "http://www.jiangbin.gov.cn/zwgk/gzdt/",
            "http://www.jiangbin.gov.cn/zwgk/gzdt/index_2.html",
            "http://www.jiangbin.gov.cn/zwgk/gzdt/index_3.html",
        ],
        links_have: &["http://www.jiangbin.gov.cn/zwgk/gzdt/index_3.html"],
        meta: &[
            ("ColumnDescription", "江滨区政府工作动态"),
            ("ColumnKeywords", "工作动态"),
        ],
        image_count: 1,
        ..NONE
    },
    Expect {
        file: "hanweb-list-gbk.html",
        url: "http://www.qingshan.gov.cn/col/col77278/index.html",
        kind: "list",
        title: "通知公告",
        column: Some("通知公告"),
        column_url: Some("http://www.qingshan.gov.cn/col/col77278/"),
        items: &[
            (
                "http://www.qingshan.gov.cn/art/2026/9/16/art_77278_11830771.html",
                "青山县2026年秋季森林防火工作方案",
                "2026-09-16",
            ),
            (
                "http://www.qingshan.gov.cn/art/2026/9/10/art_77278_11829001.html",
                "关于开展2026年中秋国庆节前安全生产大检查的通知",
                "2026-09-10",
            ),
            (
                "http://www.qingshan.gov.cn/art/2026/8/28/art_77278_11820456.html",
                "青山县2026年第三批城乡居民医保缴费提醒",
                "2026-08-28",
            ),
            (
                "http://www.qingshan.gov.cn/art/2026/8/2/art_77278_11800012.html",
                "青山县防汛防台应急预案（2026年修订）",
                "2026-08-02",
            ),
        ],
        links_have: &["http://www.qingshan.gov.cn/art/2026/8/28/art_77278_11820456.html"],
        image_count: 1,
        ..NONE
    },
    Expect {
        file: "ucap-list-table.html",
        url: "http://www.yunhu.gov.cn/zwgk/zcwj/index_2.html",
        kind: "list",
        title: "政策文件",
        column: Some("政策文件"),
        column_url: Some("http://www.yunhu.gov.cn/zwgk/zcwj/"),
        items: &[
            (
                "http://www.yunhu.gov.cn/zwgk/zcwj/201903/t20190304_3310456.html",
                "云湖市人民政府关于命名第三批市级文明村镇的决定",
                "2019-03-04",
            ),
            (
                "http://www.yunhu.gov.cn/zwgk/zcwj/201902/t20190210_3302211.html",
                "云湖市人民政府办公室关于印发云湖市政务公开工作要点的通知",
                "2019-02-10",
            ),
            (
                "http://www.yunhu.gov.cn/zwgk/zcwj/201901/t20190114_3301122.html",
                "云湖市人民政府关于调整部分行政权力事项的决定",
                "2019-01-14",
            ),
        ],
        pagination: &[
            "http://www.yunhu.gov.cn/zwgk/zcwj/",
            "http://www.yunhu.gov.cn/zwgk/zcwj/index_1.html",
            "http://www.yunhu.gov.cn/zwgk/zcwj/index_3.html",
            "http://www.yunhu.gov.cn/zwgk/zcwj/index_9.html",
        ],
        image_count: 1,
        ..NONE
    },
    Expect {
        file: "homemade-list.html",
        url: "http://www.taoyuan.gov.cn/zwdt/index.html",
        kind: "list",
        title: "镇务动态",
        column: Some("镇务动态"),
        column_url: Some("http://www.taoyuan.gov.cn/zwdt/"),
        items: &[
            (
                "http://www.taoyuan.gov.cn/zwdt/t20181112_110.html",
                "桃源镇完成秋冬季植树造林任务",
                "2018-11-12",
            ),
            (
                "http://www.taoyuan.gov.cn/zwdt/t20181105_108.html",
                "桃源镇开展冬季消防安全宣传活动",
                "2018-11-05",
            ),
            (
                "http://www.taoyuan.gov.cn/zwdt/t20181029_105.html",
                "桃源镇召开村级组织换届工作推进会",
                "2018-10-29",
            ),
        ],
        image_count: 1,
        ..NONE
    },
];

fn nav_of(n: &Option<NavLink>) -> Option<(String, Option<String>, bool)> {
    n.as_ref()
        .map(|n| (n.text.clone(), n.url.clone(), n.placeholder))
}

fn want_nav(n: Nav) -> Option<(String, Option<String>, bool)> {
    n.map(|(t, u, p)| (t.to_string(), u.map(str::to_string), p))
}

fn s(v: Option<&str>) -> Option<String> {
    v.map(str::to_string)
}

#[test]
fn every_field_of_every_template() {
    let rules = load_rules(true, &[]).unwrap();
    let failures = std::cell::RefCell::new(Vec::new());
    for e in PAGES {
        let r = extract_with(&rules, e.file, e.url);
        let check = |field: &str, got: String, want: String| {
            if got != want {
                failures
                    .borrow_mut()
                    .push(format!("{}: {field}: got {got}, want {want}", e.file));
            }
        };
        check("kind", r.kind.as_str().into(), e.kind.into());
        check("title", r.title.clone(), e.title.into());
        check(
            "column",
            format!("{:?}", r.column),
            format!("{:?}", s(e.column)),
        );
        check(
            "column_url",
            format!("{:?}", r.column_url),
            format!("{:?}", s(e.column_url)),
        );
        check(
            "publish_date",
            format!("{:?}", r.publish_date.map(|d| d.to_string())),
            format!("{:?}", s(e.publish_date)),
        );
        check(
            "document_date",
            format!("{:?}", r.document_date.map(|d| d.to_string())),
            format!("{:?}", s(e.document_date)),
        );
        check(
            "source",
            format!("{:?}", r.source),
            format!("{:?}", s(e.source)),
        );
        check(
            "index_no",
            format!("{:?}", r.index_no),
            format!("{:?}", s(e.index_no)),
        );
        check(
            "doc_number",
            format!("{:?}", r.doc_number),
            format!("{:?}", s(e.doc_number)),
        );
        check(
            "prev",
            format!("{:?}", nav_of(&r.prev)),
            format!("{:?}", want_nav(e.prev)),
        );
        check(
            "next",
            format!("{:?}", nav_of(&r.next)),
            format!("{:?}", want_nav(e.next)),
        );
        let items: Vec<(String, String, String)> = r
            .items
            .iter()
            .map(|i| {
                (
                    i.url.clone(),
                    i.title.clone(),
                    i.date.map(|d| d.to_string()).unwrap_or_default(),
                )
            })
            .collect();
        let want_items: Vec<(String, String, String)> = e
            .items
            .iter()
            .map(|(u, t, d)| (u.to_string(), t.to_string(), d.to_string()))
            .collect();
        check("items", format!("{items:#?}"), format!("{want_items:#?}"));
        check(
            "pagination",
            format!("{:?}", r.pagination),
            format!("{:?}", e.pagination),
        );
        for p in &r.pagination {
            if !r.links.contains(p) {
                failures
                    .borrow_mut()
                    .push(format!("{}: pagination link {p} not in links", e.file));
            }
        }
        let err_ok = match (e.error, &r.error) {
            (None, None) => true,
            (Some(w), Some(g)) => g.starts_with(w),
            _ => false,
        };
        if !err_ok {
            failures.borrow_mut().push(format!(
                "{}: error: got {:?}, want {:?}",
                e.file, r.error, e.error
            ));
        }
        check(
            "image_count",
            r.image_count.to_string(),
            e.image_count.to_string(),
        );
        for t in e.text_has {
            if !r.text.contains(t) {
                failures
                    .borrow_mut()
                    .push(format!("{}: text lacks {t:?}: {:?}", e.file, r.text));
            }
        }
        for t in e.text_lacks {
            if r.text.contains(t) {
                failures
                    .borrow_mut()
                    .push(format!("{}: text has {t:?}: {:?}", e.file, r.text));
            }
        }
        for (k, v) in e.meta {
            check(
                &format!("meta {k}"),
                format!("{:?}", r.meta.get(*k)),
                format!("{:?}", Some(v.to_string())),
            );
        }
        for l in e.links_have {
            if !r.links.iter().any(|x| x == l) {
                failures
                    .borrow_mut()
                    .push(format!("{}: links lack {l}", e.file));
            }
        }
    }
    let failures = failures.into_inner();
    assert!(failures.is_empty(), "\n{}", failures.join("\n"));
}

#[test]
fn templates_cover_the_cms_styles_and_encodings() {
    let articles = PAGES.iter().filter(|e| e.kind == "article").count();
    let lists = PAGES.iter().filter(|e| e.kind == "list").count();
    assert!(articles >= 4 && lists >= 3);
    let gbk = PAGES.iter().filter(|e| e.file.contains("gbk")).count();
    assert!(gbk >= 2);
    for e in PAGES.iter().filter(|e| e.file.contains("gbk")) {
        let bytes = std::fs::read(templates().join(e.file)).unwrap();
        assert!(
            std::str::from_utf8(&bytes).is_err(),
            "{} is not GBK",
            e.file
        );
    }
}

fn rules_dir(toml: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("site.toml"), toml).unwrap();
    dir
}

const PROFILE: &str = r#"
# The 白鹭乡 site writes its articles without labels or headings.
[[profile]]
urls = ["/xwzx/*.html"]
title = "h3.dtitle"
date = "div.dmeta em:nth-child(1)"
source = "div.dmeta em:nth-child(2)"
body = "section.dbody"
prev = "div.dpn a.p"
next = "div.dpn a.n"
"#;

#[test]
fn profile_selectors_win_over_heuristics() {
    let url = "http://www.bailu.gov.cn/xwzx/205.html";
    let plain = extract("profile-article.html", url);
    assert_ne!(plain.title, "白鹭乡开展“三下乡”文艺汇演");
    assert!(plain.prev.is_none());

    let dir = rules_dir(PROFILE);
    let rules = load_rules(true, &[dir.path().to_path_buf()]).unwrap();
    let r = extract_with(&rules, "profile-article.html", url);
    assert_eq!(r.kind.as_str(), "article");
    assert_eq!(r.title, "白鹭乡开展“三下乡”文艺汇演");
    assert_eq!(
        r.publish_date.map(|d| d.to_string()).as_deref(),
        Some("2019-03-02")
    );
    assert_eq!(r.source.as_deref(), Some("乡宣传办"));
    assert!(r.text.starts_with("3月1日，白鹭乡"), "{}", r.text);
    assert!(!r.text.contains("版权所有"));
    let prev = r.prev.unwrap();
    assert_eq!(prev.text, "白鹭乡召开春耕备耕工作会议");
    assert_eq!(
        prev.url.as_deref(),
        Some("http://www.bailu.gov.cn/xwzx/202.html")
    );
    assert_eq!(
        r.next.and_then(|n| n.url).as_deref(),
        Some("http://www.bailu.gov.cn/xwzx/210.html")
    );
    // A list profile: each selected row is an item.
    let dir =
        rules_dir("[[profile]]\nurls = [\"/zwdt/\"]\nlist_items = \"div.listbox div.item\"\n");
    let rules2 = load_rules(true, &[dir.path().to_path_buf()]).unwrap();
    let l = extract_with(
        &rules2,
        "homemade-list.html",
        "http://www.taoyuan.gov.cn/zwdt/",
    );
    assert_eq!(l.kind.as_str(), "list");
    let titles: Vec<&str> = l.items.iter().map(|i| i.title.as_str()).collect();
    assert_eq!(
        titles,
        [
            "桃源镇完成秋冬季植树造林任务",
            "桃源镇开展冬季消防安全宣传活动",
            "桃源镇召开村级组织换届工作推进会"
        ]
    );
    // Another site's pages are not touched by the profile.
    let other = extract_with(
        &rules,
        "profile-article.html",
        "http://www.bailu.gov.cn/tzgg/205.html",
    );
    assert!(other.prev.is_none());
}

#[test]
fn bad_profiles_are_rejected_with_file_and_line() {
    let dir = rules_dir("[[profile]]\nurls = [\"/a/**\"]\ntitle = \"h1[[\"\n");
    let e = load_rules(true, &[dir.path().to_path_buf()])
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("site.toml") && e.contains(":3") && e.contains("h1[["),
        "{e}"
    );
    let dir = rules_dir("[[profile]]\nurls = [\"/a/**\"]\ntitel = \"h1\"\n");
    let e = load_rules(true, &[dir.path().to_path_buf()])
        .unwrap_err()
        .to_string();
    assert!(e.contains("titel") && e.contains(":3"), "{e}");
    let dir = rules_dir("[[profile]]\ntitle = \"h1\"\n");
    let e = load_rules(true, &[dir.path().to_path_buf()])
        .unwrap_err()
        .to_string();
    assert!(e.contains("urls"), "{e}");
}

/// A near-miss page for the labels: `发布时间` and `上一篇` only in the body
/// text, a footer with `© 2019` and a date. None of it is metadata.
#[test]
fn body_prose_and_footer_dates_are_not_metadata() {
    let html = r#"<html><head><meta charset="utf-8"><title>关于做好信息报送工作的说明_某某街道</title></head><body>
<div class="nav"><a href="/">首页</a></div>
<h1>关于做好信息报送工作的说明</h1>
<div class="content">
<p>各社区：为规范信息报送，现将有关事项说明如下，请认真组织落实，确保报送质量和时效。</p>
<p>发布时间：信息审核通过后两个工作日内发布。</p>
<p>来源：须注明信息提供单位全称。</p>
<p>上一篇：社区已报送的材料如需修改，请联系街道办公室。</p>
<p>日期：以街道通知为准。</p>
</div>
<div class="footer"><p>版权所有 © 2019 某某街道办事处　更新时间：2019-03-18</p></div>
</body></html>"#;
    let dir = common::site_dir(&[("sm/a.html", html)]);
    let rules = load_rules(true, &[]).unwrap();
    let doc = Document {
        url: Url::parse("http://x.gov.cn/sm/a.html").unwrap(),
        status: 200,
        content_type: Some("text/html; charset=utf-8".into()),
        body: std::fs::read(dir.path().join("sm/a.html")).unwrap(),
        file: None,
        error: None,
        depth: 0,
    };
    let r = Extractor::new(&rules.extract).extract(&doc);
    assert_eq!(r.publish_date, None, "{r:?}");
    assert_eq!(r.source, None);
    assert_eq!(r.prev, None);
    assert_eq!(r.document_date, None);
    assert_eq!(r.error, None);
}

/// A help page that explains 404 errors in its text is not itself a 404.
#[test]
fn help_page_about_404_is_not_a_soft_404() {
    let html = "<html><head><meta charset=\"utf-8\"><title>使用帮助_某某区人民政府</title></head><body>\
<div class=\"menu\"><a href=\"/\">首页</a></div><h1>使用帮助</h1><div class=\"help\">\
<p>一、如果您在浏览本网站时遇到“页面不存在”（404）的提示，可能是该信息已经过期下线或者链接地址输入有误，请返回首页通过站内搜索查找相关信息，或通过“联系我们”栏目向网站管理员反映。</p>\
<p>二、本网站推荐使用主流浏览器访问，分辨率为1366×768及以上，如遇显示异常，请清除浏览器缓存后重试，或者更换浏览器后再次访问。</p></div></body></html>";
    let rules = load_rules(true, &[]).unwrap();
    let doc = Document {
        url: Url::parse("http://x.gov.cn/sybz/").unwrap(),
        status: 200,
        content_type: Some("text/html; charset=utf-8".into()),
        body: html.as_bytes().to_vec(),
        file: None,
        error: None,
        depth: 0,
    };
    let r = Extractor::new(&rules.extract).extract(&doc);
    assert_eq!(r.error, None, "{r:?}");
    assert_eq!(r.title, "使用帮助");
}

/// Page 1 and `index_1.html`, `index_2.html` of a list make one column, named
/// and located by page 1; the crawler is handed the pagination links.
#[test]
fn paginated_list_is_one_column() {
    let list = |page: usize, next: Option<usize>, dates: &[(&str, u32)]| -> String {
        let lis: String = dates
            .iter()
            .map(|(d, id)| {
                let compact = d.replace('-', "");
                format!(
                    "<li><a href=\"./{}/t{compact}_{id}.html\">动态{id}</a><span>{d}</span></li>",
                    &compact[..6]
                )
            })
            .collect();
        let pager = next
            .map(|n| format!("<a href=\"index_{n}.html\">下一页</a>"))
            .unwrap_or_default();
        format!(
            "<html><head><meta charset=\"utf-8\"><title>工作动态</title><meta name=\"ColumnName\" content=\"工作动态\"></head>\
             <body><div class=\"crumb\">当前位置：<a href=\"/\">首页</a> &gt; <a href=\"./\">工作动态</a></div><ul>{lis}</ul>\
             <div class=\"page\">第{page}页 {pager}</div></body></html>"
        )
    };
    let p0 = list(
        1,
        Some(1),
        &[("2019-03-13", 30), ("2019-03-08", 29), ("2019-03-01", 28)],
    );
    let p1 = list(
        2,
        Some(2),
        &[("2019-02-20", 27), ("2019-02-12", 26), ("2019-02-01", 25)],
    );
    let p2 = list(
        3,
        None,
        &[("2019-01-20", 24), ("2019-01-10", 23), ("2019-01-02", 22)],
    );
    // Only page 1 is linked from the home page: the rest must be found by following pagination.
    let home = "<html><head><meta charset=\"utf-8\"><title>街道</title></head><body><a href=\"gzdt/\">工作动态</a></body></html>";
    let dir = common::site_dir(&[
        ("index.html", home),
        ("gzdt/index.html", &p0),
        ("gzdt/index_1.html", &p1),
        ("gzdt/index_2.html", &p2),
    ]);
    let rules = load_rules(true, &[]).unwrap();
    let extractor = Extractor::new(&rules.extract);
    let mut records = Vec::new();
    for (path, url) in [
        ("gzdt/index.html", "http://localhost/gzdt/index.html"),
        ("gzdt/index_1.html", "http://localhost/gzdt/index_1.html"),
        ("gzdt/index_2.html", "http://localhost/gzdt/index_2.html"),
    ] {
        let doc = Document::from_body(
            Url::parse(url).unwrap(),
            std::fs::read(dir.path().join(path)).unwrap(),
        );
        records.push(extractor.extract(&doc));
    }
    assert!(
        records[0]
            .links
            .contains(&"http://localhost/gzdt/index_1.html".to_string())
    );
    assert!(
        records[1]
            .pagination
            .contains(&"http://localhost/gzdt/index_2.html".to_string())
    );
    let site = disclosure_audit::site::Site::build(records, &rules);
    let cols: Vec<_> = site
        .columns
        .iter()
        .filter(|c| c.name == "工作动态")
        .collect();
    assert_eq!(cols.len(), 1, "{:#?}", site.columns);
    assert_eq!(cols[0].url.as_deref(), Some("http://localhost/gzdt/"));
    assert_eq!(cols[0].items.len(), 9);
    assert_eq!(
        cols[0]
            .items
            .last()
            .and_then(|i| i.date)
            .map(|d| d.to_string())
            .as_deref(),
        Some("2019-01-02")
    );
    assert_eq!(site.columns.len(), 1, "{:#?}", site.columns);

    // Over HTTP, the crawler reaches pages 2 and 3 only through the pagination links.
    let server = common::serve_dir(dir.path());
    let start = format!("http://{}/", server.addr);
    let (report, _) = common::audit_json(&[
        "--site",
        &start,
        "--as-of",
        "2019-03-20",
        "--format",
        "json",
    ]);
    // One column: the gaps between page 3's items are reported on page 1's URL,
    // so page 3 was crawled and its items joined the column of page 1.
    let fresh: Vec<(String, String)> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["kind"] == "freshness" || f["kind"] == "empty-column")
        .map(|f| {
            (
                f["url"].as_str().unwrap_or_default().to_string(),
                f["evidence"].as_str().unwrap_or_default().to_string(),
            )
        })
        .collect();
    assert!(
        fresh.iter().all(|(u, _)| u == &format!("{start}gzdt/")),
        "{fresh:?}"
    );
    assert!(
        fresh.iter().any(|(_, e)| e.starts_with("2019-01-02")),
        "{fresh:?}"
    );
}

/// `missing-metadata` with `field = "meta:NAME"` per page kind, from a rule file.
#[test]
fn meta_tags_required_per_page_kind() {
    let rules = r#"
[[rule]]
id = "home-site-id"
kind = "missing-metadata"
field = "meta:SiteIDCode"
page_kinds = ["home"]
severity = "warning"
message = "首页缺少网站标识码 {field}"
[[rule]]
id = "list-column-name"
kind = "missing-metadata"
field = "meta:ColumnName"
page_kinds = ["list"]
severity = "warning"
message = "栏目页「{title}」缺少 {field}"
[[rule]]
id = "article-pubdate-tag"
kind = "missing-metadata"
field = "meta:PubDate"
page_kinds = ["article"]
severity = "info"
message = "「{title}」缺少 {field}"
"#;
    let rdir = rules_dir(rules);
    let read = |f: &str| std::fs::read(templates().join(f)).unwrap();
    let site = tempfile::tempdir().unwrap();
    let put = |rel: &str, bytes: Vec<u8>| {
        let p = site.path().join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, bytes).unwrap();
    };
    // A home page with the tag, a list page with it, a list page without, an article without.
    put("index.html", read("home.html"));
    put("zwgk/gzdt/index_1.html", read("trs-list-page2.html"));
    put("zwdt/index.html", read("homemade-list.html"));
    put(
        "zwdt/201811/t20181105_108.html",
        read("homemade-article-gbk.html"),
    );
    put(
        "zwgk/gzdt/201903/t20190313_2748784.html",
        read("trs-article.html"),
    );
    let (report, _) = common::audit_json(&[
        "--site",
        common::path_str(site.path()),
        "--rules",
        common::path_str(rdir.path()),
        "--as-of",
        "2019-03-20",
        "--format",
        "json",
    ]);
    let got: Vec<(String, String)> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| {
            let r = f["rule"].as_str().unwrap_or_default();
            ["home-site-id", "list-column-name", "article-pubdate-tag"].contains(&r)
        })
        .map(|f| {
            (
                f["rule"].as_str().unwrap().to_string(),
                f["url"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    let want = vec![
        (
            "article-pubdate-tag".to_string(),
            "http://localhost/zwdt/201811/t20181105_108.html".to_string(),
        ),
        (
            "list-column-name".to_string(),
            "http://localhost/zwdt/".to_string(),
        ),
    ];
    let mut got_sorted = got.clone();
    got_sorted.sort();
    assert_eq!(got_sorted, want, "{report:#}");
}

#[test]
fn demo_site_findings_are_unchanged() {
    let (report, _) = common::audit_json(&[
        "--site",
        common::path_str(&common::demo_site()),
        "--as-of",
        "2019-03-20",
        "--format",
        "json",
    ]);
    let by_kind = &report["summary"]["by_kind"];
    assert_eq!(by_kind["freshness"], 2, "{by_kind}");
    assert_eq!(by_kind["publish-lag"], 2, "{by_kind}");
    assert_eq!(by_kind["missing-metadata"], 3, "{by_kind}");
}

mod dates {
    use super::*;
    use proptest::prelude::*;

    fn fw(s: &str) -> String {
        s.chars()
            .map(|c| match c {
                '0'..='9' => char::from_u32(c as u32 - '0' as u32 + '０' as u32).unwrap(),
                ':' => '：',
                c => c,
            })
            .collect()
    }

    fn cn_digit(d: u32) -> char {
        ['〇', '一', '二', '三', '四', '五', '六', '七', '八', '九'][d as usize]
    }

    fn cn_num(n: u32) -> String {
        match n {
            1..=9 => cn_digit(n).to_string(),
            10 => "十".into(),
            11..=19 => format!("十{}", cn_digit(n - 10)),
            _ if n % 10 == 0 => format!("{}十", cn_digit(n / 10)),
            _ => format!("{}十{}", cn_digit(n / 10), cn_digit(n % 10)),
        }
    }

    /// Every supported rendering of one date (and time).
    fn renderings(y: i16, m: i8, d: i8, h: u8, mi: u8, s: u8) -> Vec<String> {
        let cn_year: String = y
            .to_string()
            .chars()
            .map(|c| cn_digit(c.to_digit(10).unwrap()))
            .collect();
        vec![
            format!("{y:04}-{m:02}-{d:02}"),
            format!("{y}/{m}/{d}"),
            format!("{y}.{m:02}.{d:02}"),
            format!("{y}年{m:02}月{d:02}日"),
            format!("{y}年{m}月{d}日"),
            format!("{y:04}-{m:02}-{d:02} {h:02}:{mi:02}"),
            format!("{y:04}-{m:02}-{d:02} {h:02}:{mi:02}:{s:02}"),
            format!("{y}/{m}/{d} {h}:{mi:02}:{s:02}"),
            format!("{y:04}-{m:02}-{d:02}-{h:02}:{mi:02}:{s:02}"),
            fw(&format!("{y}年{m}月{d}日 {h:02}:{mi:02}")),
            fw(&format!("{y:04}-{m:02}-{d:02}")),
            format!("{cn_year}年{}月{}日", cn_num(m as u32), cn_num(d as u32)),
        ]
    }

    proptest! {
        #[test]
        fn any_rendering_parses_back(
            y in 1990i16..2090, m in 1i8..=12, d in 1i8..=31,
            h in 0u8..24, mi in 0u8..60, s in 0u8..60,
        ) {
            let Ok(date) = jiff::civil::Date::new(y, m, d) else {
                // Impossible dates are covered by their own test.
                return Ok(());
            };
            for text in renderings(y, m, d, h, mi, s) {
                prop_assert_eq!(parse_date(&text), Some(date), "parse_date({})", text);
                let found = find_dates(&format!("发布时间：{text}　来源：区政府"));
                prop_assert_eq!(found.first().map(|f| f.date), Some(date), "find_dates({})", text);
            }
        }

        #[test]
        fn impossible_dates_are_rejected(y in 1990i16..2090, m in 1i8..=12, d in 29i8..=35) {
            prop_assume!(jiff::civil::Date::new(y, m, d).is_err());
            for text in [format!("{y}年{m}月{d}日"), format!("{y}-{m:02}-{d:02}"), format!("{y}/{m}/{d}")] {
                prop_assert_eq!(parse_date(&text), None, "{}", text);
                prop_assert!(find_dates(&text).is_empty(), "{}", text);
            }
        }

        #[test]
        fn random_text_never_panics(s in "\\PC{0,80}") {
            let _ = parse_date(&s);
            let _ = find_dates(&s);
            let _ = disclosure_audit::extract::date::find_dates_with_default_year(&s, 2019);
        }

        #[test]
        fn date_like_noise_never_panics(s in "[0-9０-９年月日号〇零一二三四五六七八九十廿卅元:：/.\\- ]{0,40}") {
            let _ = parse_date(&s);
            let _ = find_dates(&s);
            let _ = disclosure_audit::extract::date::find_dates_with_default_year(&s, 2019);
        }
    }

    #[test]
    fn february_thirtieth_is_not_a_date() {
        assert_eq!(parse_date("2019年2月30日"), None);
        assert!(find_dates("成文日期：2019年2月30日").is_empty());
        assert_eq!(parse_date("2019-02-29"), None);
        assert!(parse_date("2020-02-29").is_some());
    }
}

//! Extraction speed on the CMS templates of `fixtures/templates/` and on a
//! synthetic 50 KB article (the typical size of a real article page, most of
//! it menus, sidebars and scripts), compared with html5ever's bare parse,
//! which bounds what extraction can reach.
//!
//! `cargo bench --bench extract` (one core; ROUNDS=N sets the length,
//! ONLY=fixture or ONLY=typical runs one set).

use std::hint::black_box;
use std::path::Path;
use std::time::{Duration, Instant};

use disclosure_audit::extract::Extractor;
use disclosure_audit::source::Document;
use disclosure_audit::source::encoding::decode;
use scraper::Html;
use url::Url;

fn doc(url: &str, body: Vec<u8>) -> Document {
    Document::from_body(
        Url::parse(url).unwrap_or_else(|e| panic!("{url}: {e}")),
        body,
    )
}

/// A 50 KB article: the TRS template with a long menu, a sidebar and body text.
fn typical_article(dir: &Path) -> Vec<u8> {
    let path = dir.join("trs-article.html");
    // A missing template would leave the bench timing an empty page.
    let page = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let menu: String = (0..190)
        .map(|i| format!("<li><a href=\"/zwgk/col{i}/\" target=\"_blank\">栏目名称{i}</a></li>\n"))
        .collect();
    let side: String = (0..130)
        .map(|i| format!("<li><a href=\"/zwgk/gzdt/201812/t201812{:02}_27{i:05}.html\" title=\"相关信息标题{i}\">相关信息标题{i}</a><span>2018-12-{:02}</span></li>\n", i % 28 + 1, i % 28 + 1))
        .collect();
    let para: String = (0..50)
        .map(|i| format!("<p style=\"text-indent:2em;line-height:1.8\"><span style=\"font-family:仿宋_GB2312;font-size:16pt\">第{i}段。会议强调，要坚持稳中求进工作总基调，统筹推进各项重点工作，确保全年目标任务圆满完成，切实增强人民群众的获得感、幸福感、安全感。</span></p>\n"))
        .collect();
    let page = page
        .replace("<ul class=\"nav\">", &format!("<ul class=\"nav\">{menu}"))
        .replace(
            "<h3>相关链接</h3>\n<ul>",
            &format!("<h3>相关链接</h3>\n<ul>{side}"),
        )
        .replace(
            "<div class=\"Custom_UnionStyle\">",
            &format!("<div class=\"Custom_UnionStyle\">{para}"),
        );
    // Each insertion point must be in the template, or the page is not the one measured.
    assert!(
        (45_000..60_000).contains(&page.len()),
        "{}: the typical article is {} bytes, not about 50 KB; did the template change?",
        path.display(),
        page.len()
    );
    page.into_bytes()
}

struct Run {
    pages: usize,
    bytes: usize,
    time: Duration,
}

impl Run {
    fn print(&self, what: &str) {
        let s = self.time.as_secs_f64();
        println!(
            "{what:<46} {:>9.0} pages/s {:>7.1} MB/s  ({} pages, {:.1} KB avg)",
            self.pages as f64 / s,
            self.bytes as f64 / s / 1e6,
            self.pages,
            self.bytes as f64 / self.pages as f64 / 1024.0
        );
    }
}

fn time(rounds: usize, inputs: &[Document], mut f: impl FnMut(&Document)) -> Run {
    for d in inputs {
        f(d);
    }
    let start = Instant::now();
    for _ in 0..rounds {
        for d in inputs {
            f(d);
        }
    }
    Run {
        pages: rounds * inputs.len(),
        bytes: rounds * inputs.iter().map(|d| d.body.len()).sum::<usize>(),
        time: start.elapsed(),
    }
}

fn main() {
    let rounds: usize = std::env::var("ROUNDS")
        .ok()
        .and_then(|r| r.parse().ok())
        .unwrap_or(200);
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let dir = root.join("fixtures/templates");
    let rules = match disclosure_audit::load_rules(true, &[]) {
        Ok(r) => r,
        Err(e) => panic!("rules: {e}"),
    };
    let ex = Extractor::new(&rules.extract);

    let mut templates = Vec::new();
    let mut names: Vec<_> = std::fs::read_dir(&dir)
        .map(|d| d.filter_map(Result::ok).map(|e| e.path()).collect())
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
    names.sort();
    for p in names
        .iter()
        .filter(|p| p.extension().is_some_and(|e| e == "html"))
    {
        let name = p.file_name().and_then(|n| n.to_str()).unwrap_or("x.html");
        let body = std::fs::read(p).unwrap_or_else(|e| panic!("{}: {e}", p.display()));
        templates.push(doc(
            &format!("http://www.example.gov.cn/zwgk/gzdt/201903/{name}"),
            body,
        ));
    }
    let typical = vec![doc(
        "http://www.example.gov.cn/zwgk/gzdt/201903/t20190313_2748784.html",
        typical_article(&dir),
    )];

    println!("extraction, one core, {rounds} rounds");
    // ONLY=fixture or ONLY=typical runs one input set (for profiling).
    let only = std::env::var("ONLY").unwrap_or_default();
    for (label, inputs) in [
        ("fixture templates", &templates),
        ("typical 50 KB article", &typical),
    ] {
        if !label.starts_with(only.as_str()) {
            continue;
        }
        let decoded: Vec<String> = inputs.iter().map(|d| decode(&d.body, None).0).collect();
        let parse = {
            let mut i = 0;
            time(rounds, inputs, |_| {
                black_box(Html::parse_document(&decoded[i % decoded.len()]));
                i += 1;
            })
        };
        let decode_parse = time(rounds, inputs, |d| {
            black_box(Html::parse_document(&decode(&d.body, None).0));
        });
        let full = time(rounds, inputs, |d| {
            black_box(ex.extract(d));
        });
        parse.print(&format!("{label}: Html::parse_document only"));
        decode_parse.print(&format!("{label}: decode + parse"));
        full.print(&format!("{label}: extract (decode+parse+fields)"));
        println!(
            "{label}: extraction runs at {:.0}% of bare parse speed",
            100.0 * parse.time.as_secs_f64() / full.time.as_secs_f64()
        );
    }
    if only.is_empty() {
        steps(&rules.extract, &typical[0], rounds);
    }
}

/// Time of each extraction step on one parsed page, to see where time goes.
fn steps(cfg: &disclosure_audit::extract::config::ExtractConfig, d: &Document, rounds: usize) {
    use disclosure_audit::extract::links::Resolver;
    use disclosure_audit::extract::{breadcrumb, list, nav, text};
    let html = Html::parse_document(&decode(&d.body, None).0);
    let page = html.root_element();
    let url = d.url.as_str();
    let step = |name: &str, f: &mut dyn FnMut()| {
        let start = Instant::now();
        for _ in 0..rounds {
            f();
        }
        let us = start.elapsed().as_secs_f64() * 1e6 / rounds as f64;
        println!("  step {name:<28} {us:>8.1} µs/page");
    };
    step("parse_document", &mut || {
        black_box(Html::parse_document(&decode(&d.body, None).0));
    });
    step("text::lines(page)", &mut || {
        black_box(text::lines(
            page,
            &disclosure_audit::extract::elements::Hidden::default(),
        ));
    });
    step("nav::find (both)", &mut || {
        black_box(nav::find(&html, &Resolver::new(&d.url), cfg, None));
    });
    step("list::items", &mut || {
        let els = disclosure_audit::extract::elements::Elements::new(&html);
        black_box(list::items(
            els.named(&["a"]),
            &Resolver::new(&d.url),
            url,
            cfg,
            cfg.max_list_items,
            &[],
            None,
        ));
    });
    step("breadcrumb::find", &mut || {
        black_box(breadcrumb::find(&html, &Resolver::new(&d.url), cfg));
    });
    step("body+title selectors (Elements)", &mut || {
        let els = disclosure_audit::extract::elements::Elements::new(&html);
        for (t, sel) in cfg.body_selectors.iter().chain(&cfg.title_selectors) {
            black_box(els.select(t, sel).next());
        }
    });
    // As `fill` does: every `<a>`/`<area>` of the listed elements, through one resolver.
    step("links (Elements + Resolver)", &mut || {
        let els = disclosure_audit::extract::elements::Elements::new(&html);
        let res = Resolver::new(&d.url);
        for a in els.named(&["a", "area"]) {
            if let Some(h) = a.value().attr("href") {
                black_box(res.get(h));
            }
        }
    });
}

//! Any robots.txt: parsing and matching never panic.
#![no_main]

use disclosure_audit::source::robots::Robots;
use libfuzzer_sys::fuzz_target;

const PATHS: &[&str] = &[
    "http://www.example.gov.cn/",
    "http://www.example.gov.cn/zwgk/gzdt/t20190314_1.html",
    "http://www.example.gov.cn/search?q=%E5%85%AC%E5%BC%80",
    "http://www.example.gov.cn/a/b/c/../d.php?x=1#f",
];

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let robots = Robots::parse(&text, "disclosure-audit/0.1.0 (+content audit)");
    for p in PATHS {
        let _ = robots.allowed(p);
    }
    let _ = robots.crawl_delay;
});

//! Any bytes as an HTML page: extraction must return a record, never panic.
#![no_main]

use std::sync::LazyLock;

use disclosure_audit::extract::Extractor;
use disclosure_audit::source::Document;
use libfuzzer_sys::fuzz_target;

static EXTRACTOR: LazyLock<Option<Extractor>> = LazyLock::new(|| {
    let rules = disclosure_audit::load_rules(true, &[]).ok()?;
    Some(Extractor::new(&rules.extract))
});

fuzz_target!(|data: &[u8]| {
    let (Some(ex), Ok(url)) = (
        EXTRACTOR.as_ref(),
        url::Url::parse("http://www.example.gov.cn/zwgk/gzdt/t20190314_1.html"),
    ) else {
        return;
    };
    let doc = Document {
        url,
        status: 200,
        content_type: Some("text/html".into()),
        body: data.to_vec(),
        file: None,
        error: None,
        depth: 1,
    };
    let _ = ex.extract(&doc);
});

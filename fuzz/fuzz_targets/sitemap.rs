//! Any bytes as a sitemap (plain or gzip): a list or an error, never a panic.
#![no_main]

use disclosure_audit::source::sitemap::parse;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = parse(data, 1 << 20);
});

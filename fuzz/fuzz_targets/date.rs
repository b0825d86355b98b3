//! Any text through the date parser and the date finder.
#![no_main]

use disclosure_audit::extract::date::{find_dates, find_dates_with_default_year, parse_date};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let _ = parse_date(&text);
    let _ = find_dates(&text);
    let year = data.first().map_or(2019, |b| 1990 + i16::from(*b));
    let _ = find_dates_with_default_year(&text, year);
});

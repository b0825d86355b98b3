//! Any UTF-8 text as a rule file on top of the built-in rules, and as an
//! audit.toml: an error with a line, never a panic.
#![no_main]

use std::path::Path;
use std::sync::LazyLock;

use disclosure_audit::RuleSet;
use libfuzzer_sys::fuzz_target;

static BUILTIN: LazyLock<Option<RuleSet>> =
    LazyLock::new(|| disclosure_audit::load_rules(true, &[]).ok());

fuzz_target!(|data: &[u8]| {
    // Rule files that are not UTF-8 are refused before parsing (tested elsewhere).
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let mut empty = RuleSet::default();
    if empty.load_str(Path::new("fuzz.toml"), text).is_ok() {
        let _ = empty.validate();
    }
    if let Some(builtin) = BUILTIN.as_ref() {
        let mut set = builtin.clone();
        if set.load_str(Path::new("site/fuzz.toml"), text).is_ok() {
            let _ = set.validate();
        }
        if let Ok(cfg) = disclosure_audit::config_file::parse(Path::new("audit.toml"), text) {
            let mut set = builtin.clone();
            let _ = cfg.merge_into(&mut set);
        }
    }
});

//! Where a run writes: checked before the first request (the --output-dir
//! folder created when missing, a file's folder required), and named on
//! stderr at the end with the count of findings.

mod common;

use common::{Reply, audit, demo_site, path_str, serve};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

#[test]
fn missing_output_folders_are_created_and_the_files_named() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("nightly/2019-03-20");
    let site = demo_site();
    let out = audit(&[
        "--site",
        path_str(&site),
        "--as-of",
        "2019-03-20",
        "--quiet",
        "--output-dir",
        path_str(&dir),
        "--format",
        "json",
        "--format",
        "md",
    ]);
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(dir.join("report.json").is_file() && dir.join("report.md").is_file());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("已写入") && err.contains("report.json、") && err.contains("共 10 个问题"),
        "{err}"
    );

    let file = tmp.path().join("report.txt");
    let out = audit(&[
        "--site",
        path_str(&site),
        "--as-of",
        "2019-03-20",
        "--lang",
        "en",
        "-o",
        path_str(&file),
    ]);
    assert!(file.is_file());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("Wrote ") && err.contains("10 findings"),
        "{err}"
    );
}

#[test]
fn an_output_that_cannot_be_written_fails_before_the_first_request() {
    let tmp = tempfile::tempdir().unwrap();
    // A file where a folder should be: nothing can be written below it.
    let blocker = tmp.path().join("report");
    std::fs::write(&blocker, "").unwrap();
    let hits = Arc::new(AtomicUsize::new(0));
    let h = hits.clone();
    let server = serve(move |_| {
        h.fetch_add(1, Ordering::SeqCst);
        Reply::status(404)
    });
    let url = server.url("/");
    for flag in ["-o", "--output-dir", "--history"] {
        let target = blocker.join("x/out.json");
        let out = audit(&[
            "--site",
            &url,
            "--as-of",
            "2019-03-20",
            "--quiet",
            "--delay-ms",
            "0",
            flag,
            path_str(&target),
        ]);
        assert_eq!(out.status.code(), Some(2), "{flag}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(err.lines().count(), 1, "one line: {err}");
        assert!(err.contains("cannot write"), "{err}");
    }
    assert_eq!(
        hits.load(Ordering::SeqCst),
        0,
        "no request before the outputs are checked"
    );
}

//! Writing reports: to stdout, or to a file atomically (a temporary file in the
//! same folder, then a rename), so a reader never sees half a report.

use std::io::Write;
use std::path::Path;

use crate::error::AuditError;

pub fn write_atomic(path: &Path, content: &str) -> Result<(), AuditError> {
    write_atomic_bytes(path, content.as_bytes())
}

/// `write_atomic` for binary reports (xlsx).
pub fn write_atomic_bytes(path: &Path, content: &[u8]) -> Result<(), AuditError> {
    let fail =
        |e: std::io::Error| AuditError::Output(format!("cannot write {}: {e}", path.display()));
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    let name = path
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or("report");
    let tmp = dir.join(format!(".{name}.{}.tmp", std::process::id()));
    let result = (|| {
        let mut f = std::fs::File::create(&tmp)?;
        f.write_all(content)?;
        f.sync_all()?;
        std::fs::rename(&tmp, path)
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result.map_err(fail)
}

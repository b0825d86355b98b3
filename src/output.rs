//! Writing reports: to stdout, or to a file atomically (a temporary file in the
//! same folder, then a rename), so a reader never sees half a report.
//! A path that is not a regular file (`/dev/null`, a named pipe, `/dev/stdout`)
//! is written in place: renaming over it would replace the device or pipe with
//! a plain file, for every other program on the machine too.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use crate::error::AuditError;

/// A file written under a temporary name beside `path` and renamed onto it by
/// `commit`. Dropped without `commit` (an error half-way), the temporary file is
/// removed and `path` keeps what it had.
pub struct AtomicFile {
    path: PathBuf,
    /// `None` when `path` is written in place (not a regular file).
    tmp: Option<PathBuf>,
    /// `None` once committed.
    file: Option<BufWriter<File>>,
}

/// The name `AtomicFile` writes `name` under for process `pid`, beside it;
/// `remove_abandoned` reads the pid back out of it.
fn temp_name(name: &str, pid: &str) -> String {
    format!(".{name}.{pid}.tmp")
}

/// Removes the temporary files beside `path` that runs killed before
/// `commit` left: untouched for `after`, and their process gone.
pub fn remove_abandoned(path: &Path, after: std::time::Duration) {
    let (Some(dir), Some(name)) = (path.parent(), path.file_name()) else {
        return;
    };
    let name = name.to_string_lossy();
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let file = e.file_name();
        let file = file.to_string_lossy();
        // The name first: most files of the folder are not ours to look at.
        let Some(pid) = file
            .strip_prefix(&format!(".{name}."))
            .and_then(|r| r.strip_suffix(".tmp"))
        else {
            continue;
        };
        let old = e
            .metadata()
            .and_then(|m| m.modified())
            .ok()
            .and_then(|t| t.elapsed().ok())
            .is_some_and(|age| age > after);
        if old && !running(pid) {
            let _ = std::fs::remove_file(e.path());
        }
    }
}

/// Whether process `pid` is still running, where the system says (Linux's
/// `/proc`); elsewhere the file's age alone decides.
fn running(pid: &str) -> bool {
    Path::new("/proc/self").exists() && Path::new("/proc").join(pid).exists()
}

impl AtomicFile {
    /// Starts writing `path`: creates `.{name}.{pid}.tmp` in the same folder, so
    /// that the rename stays on one file system.
    pub fn create(path: &Path) -> std::io::Result<AtomicFile> {
        // A symlinked report file stays a symlink: the rename goes onto its target.
        let linked = std::fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_symlink());
        let resolved = match linked {
            true => std::fs::canonicalize(path).ok(),
            false => None,
        };
        let path = resolved.as_deref().unwrap_or(path);
        let special = std::fs::metadata(path).is_ok_and(|m| !m.is_file() && !m.is_dir());
        if special {
            let file = std::fs::OpenOptions::new().write(true).open(path)?;
            return Ok(AtomicFile {
                path: path.to_path_buf(),
                tmp: None,
                file: Some(BufWriter::new(file)),
            });
        }
        let dir = match path.parent() {
            Some(p) if !p.as_os_str().is_empty() => p,
            _ => Path::new("."),
        };
        let name = path
            .file_name()
            .map_or_else(|| "file".into(), |n| n.to_string_lossy());
        let tmp = dir.join(temp_name(&name, &std::process::id().to_string()));
        let file = File::create(&tmp)?;
        Ok(AtomicFile {
            path: path.to_path_buf(),
            tmp: Some(tmp),
            file: Some(BufWriter::new(file)),
        })
    }

    /// Flushes, syncs to disk (so a crash cannot leave an empty file under the
    /// final name) and renames the temporary file onto the final one.
    pub fn commit(mut self) -> std::io::Result<()> {
        let Some(w) = self.file.take() else {
            return Ok(());
        };
        let Some(tmp) = self.tmp.take() else {
            return w.into_inner().map(drop).map_err(|e| e.into_error());
        };
        let result = (|| {
            let f = w.into_inner().map_err(|e| e.into_error())?;
            f.sync_all()?;
            drop(f);
            std::fs::rename(&tmp, &self.path)
        })();
        if result.is_err() {
            let _ = std::fs::remove_file(&tmp);
        }
        result
    }

    fn writer(&mut self) -> std::io::Result<&mut BufWriter<File>> {
        self.file
            .as_mut()
            .ok_or_else(|| std::io::Error::other("the file is already committed"))
    }
}

impl Write for AtomicFile {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.writer()?.write(buf)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.writer()?.flush()
    }
}

impl Drop for AtomicFile {
    fn drop(&mut self) {
        if let (Some(_), Some(tmp)) = (self.file.take(), &self.tmp) {
            // Not committed: the half-written file must not stay behind.
            let _ = std::fs::remove_file(tmp);
        }
    }
}

/// Writes a whole report to `path` atomically.
pub fn write_atomic_bytes(path: &Path, content: &[u8]) -> Result<(), AuditError> {
    let fail =
        |e: std::io::Error| AuditError::Output(format!("cannot write {}: {e}", path.display()));
    let mut f = AtomicFile::create(path).map_err(fail)?;
    f.write_all(content).map_err(fail)?;
    f.commit().map_err(fail)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn committed_or_nothing() {
        let dir = tempfile::tempdir().expect("tmp");
        let path = dir.path().join("report.txt");
        std::fs::write(&path, "old").expect("write");

        let mut f = AtomicFile::create(&path).expect("create");
        f.write_all(b"half").expect("write");
        drop(f);
        assert_eq!(std::fs::read_to_string(&path).expect("read"), "old");

        let mut f = AtomicFile::create(&path).expect("create");
        f.write_all(b"new").expect("write");
        f.commit().expect("commit");
        assert_eq!(std::fs::read_to_string(&path).expect("read"), "new");
        let left: Vec<_> = std::fs::read_dir(dir.path())
            .expect("list")
            .map(|e| e.expect("entry").file_name())
            .collect();
        assert_eq!(left, vec![std::ffi::OsString::from("report.txt")]);
    }

    #[cfg(unix)]
    #[test]
    fn a_symlink_keeps_pointing_at_the_report() {
        let dir = tempfile::tempdir().expect("tmp");
        let real = dir.path().join("real.json");
        let link = dir.path().join("latest.json");
        std::fs::write(&real, "old").expect("write");
        std::os::unix::fs::symlink(&real, &link).expect("symlink");
        write_atomic_bytes(&link, b"new").expect("write through the link");
        let meta = std::fs::symlink_metadata(&link).expect("stat");
        assert!(meta.file_type().is_symlink());
        assert_eq!(std::fs::read_to_string(&real).expect("read"), "new");
    }

    /// `--output /dev/null` once turned the machine's /dev/null into a plain
    /// file; a device must be written in place and stay a device.
    #[cfg(unix)]
    #[test]
    fn a_device_is_written_in_place() {
        use std::os::unix::fs::FileTypeExt;
        let null = Path::new("/dev/null");
        let mut f = AtomicFile::create(null).expect("open /dev/null");
        f.write_all(b"report").expect("write");
        f.commit().expect("commit");
        let kind = std::fs::metadata(null).expect("stat").file_type();
        assert!(kind.is_char_device(), "/dev/null is no longer a device");
    }
}

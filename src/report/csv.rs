//! `--format csv`: the correction list as a spreadsheet-ready table. UTF-8 with
//! a byte-order mark, because Excel on Chinese Windows reads a CSV without one
//! as GBK and garbles every character.

use super::Report;
use super::labels::{COLUMNS, Labels};

const BOM: &[u8] = b"\xEF\xBB\xBF";

/// The cells of one row, in the order of `Labels::columns`.
pub fn row(l: &Labels, n: usize, f: &super::finding::Finding) -> [String; COLUMNS] {
    [
        n.to_string(),
        l.severity(f.severity).to_string(),
        l.kind_name(&f.kind).to_string(),
        f.column.clone().unwrap_or_default(),
        f.title.clone().unwrap_or_default(),
        f.url.clone(),
        f.message.clone(),
        match (&f.evidence, &f.target) {
            (Some(e), Some(t)) => format!("{e} ({t})"),
            (Some(e), None) => e.clone(),
            (None, Some(t)) => t.clone(),
            (None, None) => String::new(),
        },
        f.fix.clone().unwrap_or_default(),
        f.due.map(|d| d.to_string()).unwrap_or_default(),
    ]
}

/// Page text that starts like a formula (`=`, `+`, `-`, `@`) would be run by
/// Excel when the CSV is opened; a leading apostrophe keeps it text.
fn neutralise(cell: String) -> String {
    if cell.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{cell}")
    } else {
        cell
    }
}

/// The columns after `Labels::columns` that a table (csv, xlsx) adds when any
/// finding has something to put in them.
pub(crate) struct Extra {
    pub status: bool,
    pub first_seen: bool,
}

impl Extra {
    pub fn of(report: &Report) -> Extra {
        Extra {
            status: report.findings.iter().any(|f| f.status.is_some()),
            first_seen: report.findings.iter().any(|f| f.first_seen.is_some()),
        }
    }

    /// The whole header row: the fixed columns, then the extra ones.
    pub fn header<'l>(&self, l: &'l Labels) -> Vec<&'l str> {
        let mut header: Vec<&str> = l.columns.iter().map(String::as_str).collect();
        if self.status {
            header.push(&l.status);
        }
        if self.first_seen {
            header.push(&l.first_seen);
        }
        header
    }
}

pub fn render(report: &Report, l: &Labels) -> Result<Vec<u8>, String> {
    let extra = Extra::of(report);
    let mut w = csv::WriterBuilder::new()
        // CRLF is what Excel writes and expects.
        .terminator(csv::Terminator::CRLF)
        .from_writer(BOM.to_vec());
    let err = |e: csv::Error| format!("cannot write CSV: {e}");
    w.write_record(extra.header(l)).map_err(err)?;
    for (i, f) in report.findings.iter().enumerate() {
        let mut cells: Vec<String> = row(l, i + 1, f).into_iter().map(neutralise).collect();
        if extra.status {
            cells.push(l.status(f.status).to_string());
        }
        if extra.first_seen {
            cells.push(f.first_seen.map(|d| d.to_string()).unwrap_or_default());
        }
        w.write_record(&cells).map_err(err)?;
    }
    w.into_inner()
        .map_err(|e| format!("cannot write CSV: {}", e.error()))
}

#[cfg(test)]
mod formula_tests {
    use super::neutralise;

    #[test]
    fn formulas_from_pages_stay_text() {
        assert_eq!(neutralise("=HYPERLINK(\"x\")".into()), "'=HYPERLINK(\"x\")");
        assert_eq!(neutralise("@SUM(1)".into()), "'@SUM(1)");
        assert_eq!(neutralise("栏目「工作动态」".into()), "栏目「工作动态」");
        assert_eq!(neutralise("2019-03-27".into()), "2019-03-27");
    }
}

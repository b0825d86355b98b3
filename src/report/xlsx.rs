//! `--format xlsx`: the correction list as an Excel workbook, the form most
//! disclosure offices pass around: a 先改这些 sheet first when something is
//! urgent (as every format opens with it), a 整改清单 sheet with a frozen
//! header, filters, sized columns and links to the pages, and a 汇总 sheet
//! counting findings by column and kind.

use std::collections::{BTreeMap, BTreeSet};

use rust_xlsxwriter::{Color, Format, FormatAlign, Url, Workbook, Worksheet, XlsxError};

use super::Report;
use super::csv::{Extra, row};
use super::labels::{
    COL_DUE, COL_FIX, COL_NO, COL_PROBLEM, COL_SEVERITY, COL_TITLE, COL_URL, COLUMNS, Labels,
};

/// Excel refuses longer cell text.
const MAX_CELL: usize = 32_000;
/// Excel refuses longer hyperlinks.
const MAX_URL: usize = 2_000;
/// Column widths (in characters) of the 整改清单 sheet, by column.
const WIDTHS: [f64; COLUMNS] = [6.0, 9.0, 12.0, 14.0, 36.0, 40.0, 48.0, 36.0, 36.0, 12.0];

fn clip(s: &str) -> String {
    if s.chars().count() > MAX_CELL {
        s.chars().take(MAX_CELL).collect()
    } else {
        s.to_string()
    }
}

/// The columns of the 先改这些 sheet, of those of the 整改清单 sheet: enough
/// to act on, and the number to find the finding in the full list.
const FIRST_COLUMNS: [usize; 7] = [
    COL_NO,
    COL_SEVERITY,
    COL_PROBLEM,
    COL_FIX,
    COL_DUE,
    COL_TITLE,
    COL_URL,
];

/// What to fix first: the heading with its count, then one row per finding
/// numbered as in the 整改清单 sheet.
fn first_sheet(ws: &mut Worksheet, report: &Report, l: &Labels) -> Result<(), XlsxError> {
    ws.set_name(&l.sheet_first)?;
    let first = report.fix_first(l);
    let title = Format::new().set_bold().set_font_size(14);
    ws.write_string_with_format(0, 0, l.fix_first_heading(first.len()), &title)?;
    let head = Format::new()
        .set_bold()
        .set_background_color(Color::RGB(0xDDEBF7))
        .set_align(FormatAlign::Center);
    let wrap = Format::new().set_text_wrap().set_align(FormatAlign::Top);
    for (j, &c) in FIRST_COLUMNS.iter().enumerate() {
        let j = j as u16;
        let name = l.columns.get(c).map_or("", String::as_str);
        ws.write_string_with_format(1, j, name, &head)?;
        ws.set_column_width(j, WIDTHS.get(c).copied().unwrap_or(12.0))?;
    }
    // A finding's row in the full list.
    let numbers = report.row_numbers();
    for (i, f) in first.iter().enumerate() {
        let r = (i + 2) as u32;
        let n = numbers.get(f.id.as_str()).copied().unwrap_or(0);
        let cells = row(l, n, f);
        for (j, &c) in FIRST_COLUMNS.iter().enumerate() {
            let j = j as u16;
            let text = cells.get(c).map_or("", String::as_str);
            if c == COL_NO {
                ws.write_number(r, j, n as f64)?;
            } else if c == COL_URL && text.len() <= MAX_URL && crate::is_url(text) {
                ws.write_url_with_text(r, j, Url::new(text), text)?;
            } else {
                ws.write_string_with_format(r, j, clip(text), &wrap)?;
            }
        }
    }
    ws.set_freeze_panes(2, 0)?;
    Ok(())
}

fn list_sheet(ws: &mut Worksheet, report: &Report, l: &Labels) -> Result<(), XlsxError> {
    ws.set_name(&l.sheet_list)?;
    let head = Format::new()
        .set_bold()
        .set_background_color(Color::RGB(0xDDEBF7))
        .set_align(FormatAlign::Center);
    let wrap = Format::new().set_text_wrap().set_align(FormatAlign::Top);
    let extra = Extra::of(report);
    let header = extra.header(l);
    for (c, h) in header.iter().enumerate() {
        ws.write_string_with_format(0, c as u16, *h, &head)?;
        ws.set_column_width(c as u16, WIDTHS.get(c).copied().unwrap_or(12.0))?;
    }
    for (i, f) in report.findings.iter().enumerate() {
        let r = (i + 1) as u32;
        let cells = row(l, i + 1, f);
        ws.write_number(r, 0, (i + 1) as f64)?;
        for (c, text) in cells.iter().enumerate().skip(1) {
            let c16 = c as u16;
            // The page address column links to the page.
            if c == COL_URL && text.len() <= MAX_URL && crate::is_url(text) {
                ws.write_url_with_text(r, c16, Url::new(text.as_str()), text.as_str())?;
            } else {
                ws.write_string_with_format(r, c16, clip(text), &wrap)?;
            }
        }
        let mut c = COLUMNS as u16;
        if extra.status {
            ws.write_string(r, c, l.status(f.status))?;
            c += 1;
        }
        if extra.first_seen {
            if let Some(d) = f.first_seen {
                ws.write_string(r, c, d.to_string())?;
            }
        }
    }
    ws.set_freeze_panes(1, 0)?;
    let last_row = report.findings.len() as u32;
    ws.autofilter(0, 0, last_row, (header.len() - 1) as u16)?;
    Ok(())
}

fn summary_sheet(ws: &mut Worksheet, report: &Report, l: &Labels) -> Result<(), XlsxError> {
    ws.set_name(&l.sheet_summary)?;
    let bold = Format::new().set_bold();
    let s = &report.summary;
    let facts: [(&str, String); 4] = [
        (&l.site, report.site.clone()),
        (&l.as_of, report.as_of.to_string()),
        (&l.pages, s.pages.to_string()),
        (&l.findings, s.findings.to_string()),
    ];
    for (i, (k, v)) in facts.iter().enumerate() {
        ws.write_string_with_format(i as u32, 0, *k, &bold)?;
        ws.write_string(i as u32, 1, v.as_str())?;
    }
    // Findings by column (rows) and kind (columns), with totals.
    let kinds: BTreeSet<&str> = report.findings.iter().map(|f| f.kind.as_str()).collect();
    let mut by: BTreeMap<&str, BTreeMap<&str, u32>> = BTreeMap::new();
    for f in &report.findings {
        let col = l.column_or(f.column.as_deref());
        *by.entry(col)
            .or_default()
            .entry(f.kind.as_str())
            .or_default() += 1;
    }
    let top = 6u32;
    let head = Format::new()
        .set_bold()
        .set_background_color(Color::RGB(0xDDEBF7));
    ws.write_string_with_format(top, 0, &l.column, &head)?;
    for (j, k) in kinds.iter().enumerate() {
        ws.write_string_with_format(top, (j + 1) as u16, l.kind_name(k), &head)?;
    }
    let total_col = (kinds.len() + 1) as u16;
    ws.write_string_with_format(top, total_col, &l.total, &head)?;
    let mut col_totals = vec![0u32; kinds.len()];
    for (i, (col, counts)) in by.iter().enumerate() {
        let r = top + 1 + i as u32;
        ws.write_string(r, 0, *col)?;
        let mut total = 0;
        for (j, k) in kinds.iter().enumerate() {
            let n = counts.get(k).copied().unwrap_or(0);
            ws.write_number(r, (j + 1) as u16, f64::from(n))?;
            col_totals[j] += n;
            total += n;
        }
        ws.write_number(r, total_col, f64::from(total))?;
    }
    let r = top + 1 + by.len() as u32;
    ws.write_string_with_format(r, 0, &l.total, &bold)?;
    for (j, n) in col_totals.iter().enumerate() {
        ws.write_number_with_format(r, (j + 1) as u16, f64::from(*n), &bold)?;
    }
    ws.write_number_with_format(
        r,
        total_col,
        f64::from(col_totals.iter().sum::<u32>()),
        &bold,
    )?;
    ws.set_column_width(0, 24)?;
    ws.set_column_width(1, 16)?;
    for j in 2..=total_col {
        ws.set_column_width(j, 12)?;
    }
    Ok(())
}

pub fn render(report: &Report, l: &Labels) -> Result<Vec<u8>, String> {
    let mut wb = Workbook::new();
    let err = |e: XlsxError| format!("cannot write the workbook: {e}");
    // Like the other formats, the workbook opens with what to fix first, when there is any.
    if !report.fix_first(l).is_empty() {
        first_sheet(wb.add_worksheet(), report, l).map_err(err)?;
    }
    list_sheet(wb.add_worksheet(), report, l).map_err(err)?;
    summary_sheet(wb.add_worksheet(), report, l).map_err(err)?;
    wb.save_to_buffer().map_err(err)
}

//! What the downloads (spreadsheets and CSV files) share: safe parts of
//! file names, text that a spreadsheet must never read as a formula, and
//! a sheet's header row.
//!
//! Everything in this file is a plain function on plain types.

use rust_xlsxwriter::{Format, Worksheet, XlsxError};

/// A part of a file name with nothing but lowercase letters, digits and
/// single dashes: "acp 2016" reads "acp-2016", `../"x"` reads "x".
pub fn name_part(s: &str) -> String {
    s.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '-'
            }
        })
        .collect::<String>()
        .split('-')
        .filter(|p| !p.is_empty())
        .collect::<Vec<_>>()
        .join("-")
}

/// Whether a spreadsheet would read this text as a formula.
pub fn looks_like_formula(text: &str) -> bool {
    matches!(
        text.chars().next(),
        Some('=' | '+' | '-' | '@' | '\t' | '\r')
    )
}

/// A cell that a spreadsheet would read as a formula is written as text
/// (with a leading quote).
pub fn csv_safe(text: &str) -> String {
    if looks_like_formula(text) {
        format!("'{text}")
    } else {
        text.to_owned()
    }
}

/// The first row of a sheet: the column names in bold, each column 18
/// wide, and the row kept in view when scrolling.
pub fn header(sheet: &mut Worksheet, bold: &Format, names: &[&str]) -> Result<(), XlsxError> {
    for (c, n) in names.iter().enumerate() {
        sheet.write_string_with_format(0, c as u16, *n, bold)?;
        sheet.set_column_width(c as u16, 18)?;
    }
    sheet.set_freeze_panes(1, 0)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn name_parts_keep_only_lowercase_letters_digits_and_single_dashes() {
        assert_eq!(name_part("acp-2016"), "acp-2016");
        assert_eq!(name_part("CO report"), "co-report");
        assert_eq!(name_part("../\"x\"\r\n"), "x");
        assert_eq!(name_part("a -- b"), "a-b");
        assert_eq!(name_part("--"), "");
    }

    #[test]
    fn formula_looking_text_is_recognised_and_quoted() {
        for s in ["=SUM(A1)", "+1", "-2", "@cmd", "\tx", "\rx"] {
            assert!(looks_like_formula(s), "{s:?}");
            assert_eq!(csv_safe(s), format!("'{s}"));
        }
        for s in ["Engage employers", "", "1 of 2", " =x"] {
            assert!(!looks_like_formula(s), "{s:?}");
            assert_eq!(csv_safe(s), s);
        }
    }
}

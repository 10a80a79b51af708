//! The reports as spreadsheets, one sheet per part: (the program's
//! overview and the cohort's priorities,) team and coach, assessment,
//! priorities, action plan, participation, activities. Text that a
//! spreadsheet would read as a formula is written as plain text (with
//! Excel's quote prefix, so it stays text when edited).
//!
//! Everything in this file is a plain function on plain types.

use rust_xlsxwriter::{Format, Workbook, Worksheet, XlsxError};

use super::service::{ProgramReport, StateReport};
use crate::export::{header, looks_like_formula, name_part};

pub const CONTENT_TYPE: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

/// The sheets of a state's report, in order.
pub const STATE_SHEETS: [&str; 7] = [
    "Summary",
    "Team and coach",
    "Assessment",
    "Priorities",
    "Action plan",
    "Participation",
    "Activities",
];

/// The sheets of the program report, in order.
pub const PROGRAM_SHEETS: [&str; 8] = [
    "Overview",
    "Cohort priorities",
    "Team and coach",
    "Assessment",
    "Priorities",
    "Action plan",
    "Participation",
    "Activities",
];

struct Formats {
    bold: Format,
    quoted: Format,
    wrap: Format,
}

impl Formats {
    fn new() -> Formats {
        Formats {
            bold: Format::new().set_bold(),
            quoted: Format::new().set_quote_prefix(),
            wrap: Format::new().set_text_wrap(),
        }
    }
}

/// Writes text, never as a formula.
fn text(sheet: &mut Worksheet, f: &Formats, row: u32, col: u16, s: &str) -> Result<(), XlsxError> {
    if looks_like_formula(s) {
        sheet.write_string_with_format(row, col, s, &f.quoted)?;
    } else {
        sheet.write_string(row, col, s)?;
    }
    Ok(())
}

fn score(sheet: &mut Worksheet, row: u32, col: u16, v: Option<f64>) -> Result<(), XlsxError> {
    match v {
        Some(v) => sheet.write_number(row, col, v.round())?,
        None => sheet.write_string(row, col, "Not rated")?,
    };
    Ok(())
}

fn team_sheet(book: &mut Workbook, f: &Formats, states: &[&StateReport]) -> Result<(), XlsxError> {
    let sheet = book.add_worksheet().set_name("Team and coach")?;
    header(
        sheet,
        &f.bold,
        &[
            "State", "Name", "Role", "Sector", "Agency", "Level", "Email",
        ],
    )?;
    let mut row = 1;
    for s in states {
        for c in &s.coaches {
            text(sheet, f, row, 0, &s.state_name)?;
            text(sheet, f, row, 1, &c.name)?;
            sheet.write_string(row, 2, "Coach")?;
            text(sheet, f, row, 6, &c.email)?;
            row += 1;
        }
        for m in &s.team {
            text(sheet, f, row, 0, &s.state_name)?;
            text(sheet, f, row, 1, &m.name)?;
            text(sheet, f, row, 2, &m.role)?;
            text(sheet, f, row, 3, &m.sector)?;
            text(sheet, f, row, 4, &m.agency)?;
            text(sheet, f, row, 5, &m.level)?;
            row += 1;
        }
    }
    Ok(())
}

fn assessment_sheet(
    book: &mut Workbook,
    f: &Formats,
    states: &[&StateReport],
) -> Result<(), XlsxError> {
    let sheet = book.add_worksheet().set_name("Assessment")?;
    header(
        sheet,
        &f.bold,
        &[
            "State",
            "Stage",
            "Element",
            "Baseline",
            "Latest",
            "Change since baseline",
        ],
    )?;
    sheet.set_column_width(2, 40)?;
    let mut row = 1;
    for s in states {
        if s.elements.is_empty() {
            text(sheet, f, row, 0, &s.state_name)?;
            text(sheet, f, row, 1, &s.stage_label)?;
            sheet.write_string(row, 2, "No snapshot yet")?;
            row += 1;
        }
        for e in &s.elements {
            text(sheet, f, row, 0, &s.state_name)?;
            text(sheet, f, row, 1, &s.stage_label)?;
            text(sheet, f, row, 2, &format!("{}. {}", e.number, e.name))?;
            score(sheet, row, 3, e.baseline)?;
            score(sheet, row, 4, e.latest)?;
            if let Some(c) = e.change {
                sheet.write_number(row, 5, c.round())?;
            }
            row += 1;
        }
    }
    Ok(())
}

fn priorities_sheet(
    book: &mut Workbook,
    f: &Formats,
    states: &[&StateReport],
) -> Result<(), XlsxError> {
    let sheet = book.add_worksheet().set_name("Priorities")?;
    header(
        sheet,
        &f.bold,
        &[
            "State",
            "Rank",
            "Element",
            "Weighted gap (0 to 3)",
            "Strategies with the largest gaps",
        ],
    )?;
    sheet.set_column_width(4, 80)?;
    let mut row = 1;
    for s in states {
        for p in &s.priorities {
            text(sheet, f, row, 0, &s.state_name)?;
            sheet.write_number(row, 1, p.rank as f64)?;
            text(sheet, f, row, 2, &p.element_name)?;
            sheet.write_number(row, 3, p.weight)?;
            sheet.write_string_with_format(row, 4, p.strategies.join("; "), &f.wrap)?;
            row += 1;
        }
    }
    Ok(())
}

fn plan_sheet(book: &mut Workbook, f: &Formats, states: &[&StateReport]) -> Result<(), XlsxError> {
    let sheet = book.add_worksheet().set_name("Action plan")?;
    header(
        sheet,
        &f.bold,
        &[
            "State",
            "Goal",
            "Element",
            "Goal progress",
            "Milestones",
            "Step",
            "Owner",
            "Due",
            "Status",
            "Overdue",
        ],
    )?;
    sheet.set_column_width(1, 40)?;
    sheet.set_column_width(5, 50)?;
    let mut row = 1;
    for s in states {
        for g in &s.goals {
            let lines = g.steps.len().max(1);
            for i in 0..lines {
                text(sheet, f, row, 0, &s.state_name)?;
                text(sheet, f, row, 1, &g.title)?;
                text(sheet, f, row, 2, &g.element_name)?;
                text(sheet, f, row, 3, &g.progress_text)?;
                text(sheet, f, row, 4, &g.milestones_text)?;
                if let Some(step) = g.steps.get(i) {
                    text(sheet, f, row, 5, &step.text)?;
                    text(sheet, f, row, 6, &step.owner)?;
                    text(sheet, f, row, 7, &step.due_on)?;
                    text(sheet, f, row, 8, &step.status)?;
                    sheet.write_string(row, 9, if step.overdue { "Yes" } else { "No" })?;
                } else {
                    sheet.write_string(row, 5, "No steps yet")?;
                }
                row += 1;
            }
        }
    }
    Ok(())
}

fn participation_sheet(
    book: &mut Workbook,
    f: &Formats,
    states: &[&StateReport],
) -> Result<(), XlsxError> {
    let sheet = book.add_worksheet().set_name("Participation")?;
    let commitments = states
        .first()
        .map(|s| s.commitments.clone())
        .unwrap_or_default();
    let mut heads: Vec<String> = vec!["State".into(), "Month".into(), "Status".into()];
    let labels: Vec<String> = commitments
        .iter()
        .map(|c| {
            states
                .first()
                .map(|s| s.commitment_label(&c.key))
                .unwrap_or_default()
                + " held"
        })
        .collect();
    heads.extend(labels.iter().cloned());
    heads.push("Due or missed".into());
    let heads: Vec<&str> = heads.iter().map(String::as_str).collect();
    header(sheet, &f.bold, &heads)?;
    let lacking_col = 3 + commitments.len() as u16;
    let mut row = 1;
    for s in states {
        let Some(p) = &s.participation else { continue };
        for (i, m) in p.months.iter().enumerate() {
            text(sheet, f, row, 0, &s.state_name)?;
            text(
                sheet,
                f,
                row,
                1,
                s.month_labels
                    .get(i)
                    .map(String::as_str)
                    .unwrap_or(&m.month),
            )?;
            sheet.write_string(row, 2, m.status.map(|s| s.label()).unwrap_or("Not tracked"))?;
            for (c, cm) in m.commitments.iter().enumerate() {
                sheet.write_number(row, 3 + c as u16, cm.held as f64)?;
            }
            text(sheet, f, row, lacking_col, &m.lacking_text)?;
            row += 1;
        }
    }
    row += 1;
    sheet.write_string_with_format(row, 0, "Totals", &f.bold)?;
    row += 1;
    for (c, h) in [
        "State",
        "Commitment",
        "Held",
        "Asked for",
        "Missed so far",
        "In words",
    ]
    .into_iter()
    .enumerate()
    {
        sheet.write_string_with_format(row, c as u16, h, &f.bold)?;
    }
    row += 1;
    for s in states {
        let Some(p) = &s.participation else { continue };
        for t in &p.totals {
            text(sheet, f, row, 0, &s.state_name)?;
            text(sheet, f, row, 1, &s.commitment_label(&t.key))?;
            sheet.write_number(row, 2, t.held as f64)?;
            if let Some(e) = t.expected {
                sheet.write_number(row, 3, e as f64)?;
            } else {
                sheet.write_string(row, 3, "Ongoing")?;
            }
            sheet.write_number(row, 4, t.missed as f64)?;
            text(sheet, f, row, 5, &t.text)?;
            row += 1;
        }
    }
    Ok(())
}

fn activities_sheet(
    book: &mut Workbook,
    f: &Formats,
    states: &[&StateReport],
) -> Result<(), XlsxError> {
    let sheet = book.add_worksheet().set_name("Activities")?;
    header(
        sheet,
        &f.bold,
        &["State", "Date", "Kind", "Title", "Place", "Attendance"],
    )?;
    sheet.set_column_width(3, 40)?;
    let mut row = 1;
    for s in states {
        for a in &s.activities {
            text(sheet, f, row, 0, &s.state_name)?;
            text(sheet, f, row, 1, &a.date)?;
            text(sheet, f, row, 2, &a.kind_label)?;
            text(sheet, f, row, 3, &a.title)?;
            text(sheet, f, row, 4, &a.place)?;
            text(sheet, f, row, 5, &a.attendance)?;
            row += 1;
        }
    }
    Ok(())
}

fn parts(book: &mut Workbook, f: &Formats, states: &[&StateReport]) -> Result<(), XlsxError> {
    team_sheet(book, f, states)?;
    assessment_sheet(book, f, states)?;
    priorities_sheet(book, f, states)?;
    plan_sheet(book, f, states)?;
    participation_sheet(book, f, states)?;
    activities_sheet(book, f, states)
}

/// A state's progress report as a spreadsheet.
pub fn state_xlsx(r: &StateReport) -> Result<Vec<u8>, XlsxError> {
    let f = Formats::new();
    let mut book = Workbook::new();
    let sheet = book.add_worksheet().set_name("Summary")?;
    sheet.set_column_width(0, 28)?;
    sheet.set_column_width(1, 80)?;
    let coaches = r
        .coaches
        .iter()
        .map(|c| format!("{} ({})", c.name, c.email))
        .collect::<Vec<_>>()
        .join(", ");
    let lines: [(&str, String); 8] = [
        ("Program", r.program_name.clone()),
        ("State", r.state_name.clone()),
        ("Made on", r.generated_on.clone()),
        (
            "Coach",
            if coaches.is_empty() {
                "None assigned".into()
            } else {
                coaches
            },
        ),
        ("Assessment", r.stage_label.clone()),
        ("Action plan", r.plan_text.clone()),
        (
            "Participation",
            r.participation
                .as_ref()
                .map(|p| p.totals_line())
                .unwrap_or_default(),
        ),
        (
            "Needs attention",
            if r.reasons.is_empty() {
                "Nothing".into()
            } else {
                r.reasons.join("; ")
            },
        ),
    ];
    for (i, (k, v)) in lines.iter().enumerate() {
        sheet.write_string_with_format(i as u32, 0, *k, &f.bold)?;
        text(sheet, &f, i as u32, 1, v)?;
    }
    parts(&mut book, &f, &[r])?;
    book.save_to_buffer()
}

/// The program report as a spreadsheet.
pub fn program_xlsx(r: &ProgramReport) -> Result<Vec<u8>, XlsxError> {
    let f = Formats::new();
    let mut book = Workbook::new();
    let d = &r.dashboard;
    let sheet = book.add_worksheet().set_name("Overview")?;
    let mut heads: Vec<String> = [
        "State",
        "Needs attention",
        "Assessment",
        "Plan progress",
        "Participation missed",
        "This month",
        "Next activity",
    ]
    .into_iter()
    .map(String::from)
    .collect();
    heads.extend(
        d.elements
            .iter()
            .map(|e| format!("{}. {}", e.number, e.name)),
    );
    let heads: Vec<&str> = heads.iter().map(String::as_str).collect();
    header(sheet, &f.bold, &heads)?;
    sheet.set_column_width(1, 50)?;
    for (i, row) in d.rows.iter().enumerate() {
        let n = i as u32 + 1;
        text(sheet, &f, n, 0, &row.state_name)?;
        text(sheet, &f, n, 1, &row.reasons_text())?;
        text(sheet, &f, n, 2, &row.stage_label)?;
        text(sheet, &f, n, 3, &row.plan_text)?;
        text(sheet, &f, n, 4, &row.missed.join("; "))?;
        text(sheet, &f, n, 5, &row.this_month_label)?;
        let next = row
            .next_activity
            .as_ref()
            .map(|a| format!("{}, {}", a.label(), a.when))
            .unwrap_or_else(|| "None scheduled".into());
        text(sheet, &f, n, 6, &next)?;
        for (c, e) in d.elements.iter().enumerate() {
            let v = row
                .elements
                .iter()
                .find(|x| x.key == e.key)
                .and_then(|x| x.score);
            if row.snapshot.is_some() {
                score(sheet, n, 7 + c as u16, v)?;
            }
        }
    }
    let sheet = book.add_worksheet().set_name("Cohort priorities")?;
    header(
        sheet,
        &f.bold,
        &[
            "Suggested webinar topic",
            "Kind",
            "States",
            "Of",
            "Which states",
        ],
    )?;
    sheet.set_column_width(0, 70)?;
    let topics = d
        .topics
        .iter()
        .map(|t| (t, "Element"))
        .chain(d.strategy_topics.iter().map(|t| (t, "Strategy")));
    for (i, (t, kind)) in topics.enumerate() {
        let n = i as u32 + 1;
        text(sheet, &f, n, 0, &t.text)?;
        sheet.write_string(n, 1, kind)?;
        sheet.write_number(n, 2, t.count as f64)?;
        sheet.write_number(n, 3, t.of as f64)?;
        text(sheet, &f, n, 4, &t.states.join(", "))?;
    }
    let states: Vec<&StateReport> = r.states.iter().collect();
    parts(&mut book, &f, &states)?;
    book.save_to_buffer()
}

/// `waymark-<program>-<what>.xlsx`, with only letters, digits and dashes.
pub fn file_name(program: &str, what: &str) -> String {
    format!("waymark-{}-{}.xlsx", name_part(program), name_part(what))
}

/// A spreadsheet to download under this name.
pub fn download(bytes: Vec<u8>, name: String) -> axum::response::Response {
    use axum::response::IntoResponse;
    (
        [
            (axum::http::header::CONTENT_TYPE, CONTENT_TYPE.to_owned()),
            (
                axum::http::header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{name}\""),
            ),
        ],
        bytes,
    )
        .into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_file_name_is_safe() {
        assert_eq!(
            file_name("acp-2016", "CO report"),
            "waymark-acp-2016-co-report.xlsx"
        );
    }
}

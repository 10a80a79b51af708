//! The plan as a spreadsheet: Goals, Steps, Milestones and Updates sheets.
//! Text that a spreadsheet would read as a formula is written as text.

use rust_xlsxwriter::{Format, Workbook, Worksheet, XlsxError};

use super::service::PlanView;
use super::{Progress, long_date};
use crate::export::csv_safe;

/// The header row; the first column is wider.
fn header(sheet: &mut Worksheet, bold: &Format, names: &[&str]) -> Result<(), XlsxError> {
    crate::export::header(sheet, bold, names)?;
    sheet.set_column_width(0, 36)?;
    Ok(())
}

fn text(sheet: &mut Worksheet, row: u32, col: u16, value: &str) -> Result<(), XlsxError> {
    sheet.write_string(row, col, csv_safe(value))?;
    Ok(())
}

fn numbers(sheet: &mut Worksheet, row: u32, col: u16, p: &Progress) -> Result<(), XlsxError> {
    sheet.write_number(row, col, p.steps as f64)?;
    sheet.write_number(row, col + 1, p.done as f64)?;
    sheet.write_number(row, col + 2, p.overdue as f64)?;
    sheet.write_number(row, col + 3, p.percent_done as f64)?;
    Ok(())
}

/// The file name offered: `waymark-<program>-<state>-action-plan.xlsx`.
pub fn file_name(program_slug: &str, state: &str) -> String {
    let clean = |s: &str| -> String {
        s.chars()
            .filter(|c| c.is_ascii_alphanumeric() || *c == '-')
            .collect()
    };
    format!(
        "waymark-{}-{}-action-plan.xlsx",
        clean(program_slug),
        clean(state)
    )
}

pub fn to_xlsx(plan: &PlanView, program_name: &str) -> Result<Vec<u8>, XlsxError> {
    let bold = Format::new().set_bold();
    let mut book = Workbook::new();

    let sheet = book.add_worksheet();
    sheet.set_name("Goals")?;
    header(
        sheet,
        &bold,
        &[
            "Goal",
            "Element",
            "Strategy",
            "Description",
            "Steps",
            "Done",
            "Overdue",
            "Percent done",
        ],
    )?;
    let mut row = 1u32;
    for g in &plan.goals {
        text(sheet, row, 0, &g.goal.title)?;
        text(sheet, row, 1, &g.element_name)?;
        text(sheet, row, 2, g.strategy_text.as_deref().unwrap_or(""))?;
        text(sheet, row, 3, &g.goal.description)?;
        numbers(sheet, row, 4, &g.progress)?;
        row += 1;
    }
    text(
        sheet,
        row,
        0,
        &format!(
            "The whole plan of {}, {program_name}, on {}",
            plan.state_name,
            long_date(&plan.today)
        ),
    )?;
    numbers(sheet, row, 4, &plan.progress)?;

    let sheet = book.add_worksheet();
    sheet.set_name("Steps")?;
    header(
        sheet,
        &bold,
        &[
            "Step",
            "Goal",
            "Owner",
            "Due",
            "Status",
            "Done on",
            "Overdue",
            "Agreed at",
        ],
    )?;
    let mut row = 1u32;
    for g in &plan.goals {
        for s in &g.steps {
            text(sheet, row, 0, &s.step.text)?;
            text(sheet, row, 1, &g.goal.title)?;
            text(sheet, row, 2, s.step.owner_name.as_deref().unwrap_or(""))?;
            text(sheet, row, 3, &s.step.due_on)?;
            text(sheet, row, 4, s.step.status.label())?;
            text(sheet, row, 5, s.step.done_on.as_deref().unwrap_or(""))?;
            text(sheet, row, 6, if s.overdue { "Overdue" } else { "" })?;
            text(
                sheet,
                row,
                7,
                s.step.activity_title.as_deref().unwrap_or(""),
            )?;
            row += 1;
        }
    }

    let sheet = book.add_worksheet();
    sheet.set_name("Milestones")?;
    header(
        sheet,
        &bold,
        &["Milestone", "Goal", "Strategy key", "Target", "Reached on"],
    )?;
    let mut row = 1u32;
    for g in &plan.goals {
        for m in &g.milestones {
            text(sheet, row, 0, &m.text)?;
            text(sheet, row, 1, &g.goal.title)?;
            text(sheet, row, 2, &m.strategy_key)?;
            text(sheet, row, 3, &m.target_on)?;
            text(sheet, row, 4, m.reached_on.as_deref().unwrap_or("Not yet"))?;
            row += 1;
        }
    }

    let sheet = book.add_worksheet();
    sheet.set_name("Updates")?;
    header(
        sheet,
        &bold,
        &[
            "Update",
            "Goal",
            "Date",
            "Written by",
            "About the step",
            "Evidence files",
        ],
    )?;
    let mut row = 1u32;
    for g in &plan.goals {
        for u in &g.updates {
            text(sheet, row, 0, &u.update.body)?;
            text(sheet, row, 1, &g.goal.title)?;
            text(sheet, row, 2, &u.update.written_on)?;
            text(sheet, row, 3, u.update.author_name.as_deref().unwrap_or(""))?;
            let step = u
                .update
                .step_id
                .and_then(|id| g.steps.iter().find(|s| s.step.id == id))
                .map(|s| s.step.text.as_str())
                .unwrap_or("");
            text(sheet, row, 4, step)?;
            let files: Vec<&str> = u.evidence.iter().map(|f| f.filename.as_str()).collect();
            text(sheet, row, 5, &files.join(", "))?;
            row += 1;
        }
    }
    book.save_to_buffer()
}

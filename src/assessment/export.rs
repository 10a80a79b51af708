//! A state's assessment as data to take away: one function builds the
//! export (every snapshot's element scores, the latest snapshot's ranked
//! priorities, and each indicator with every member's rating and the
//! consensus), and the spreadsheet (XLSX), CSV and JSON answers are all
//! made from it.
//!
//! Everything in this file is a plain function on plain types.

use std::collections::BTreeMap;

use serde::Serialize;

use super::instrument::Instrument;
use super::instrument::frozen;
use super::store::Snapshot;
use super::{
    ElementScore, Priority, RankedPriority, Rating, Scale, element_scores, ranked_priorities,
};
use crate::export::{csv_safe, name_part};

/// A member of the team who rates.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct Rater {
    pub user_id: i64,
    pub name: String,
    /// The sector, in words.
    pub sector: String,
}

/// One answer, as people read it.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
#[schema(as = ExportedAnswer)]
pub struct Answer {
    /// The phase, 1 to the top of the scale; none for "not sure" or not rated.
    pub level: Option<i64>,
    /// "2: Development", "Not sure" or "Not rated".
    pub phase: String,
    pub priority: Option<Priority>,
    /// Evidence and notes (for the consensus: the lead's note).
    pub notes: String,
}

/// One indicator with every member's answer (in the order of `raters`) and the consensus.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct ExportIndicator {
    pub indicator_id: i64,
    pub strategy_key: String,
    pub text: String,
    pub members: Vec<Answer>,
    pub consensus: Answer,
}

#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct ExportElement {
    pub key: String,
    pub number: i64,
    pub name: String,
    pub indicators: Vec<ExportIndicator>,
}

/// A snapshot with its element scores.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct SnapshotScores {
    pub snapshot: Snapshot,
    pub elements: Vec<ElementScore>,
}

/// A state's assessment, ready to write out.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct Export {
    pub program_slug: String,
    pub program_name: String,
    pub state_code: String,
    pub state_name: String,
    pub scale: Scale,
    /// Every snapshot, oldest first, with its element scores.
    pub snapshots: Vec<SnapshotScores>,
    /// The ranked priorities of the latest snapshot (empty before the first).
    pub priorities: Vec<RankedPriority>,
    /// The round of rating the members' answers and the consensus come from.
    pub round: i64,
    /// What that round is: "in progress" or the snapshot it was frozen as.
    pub round_status: String,
    pub raters: Vec<Rater>,
    pub elements: Vec<ExportElement>,
}

/// What `build` starts from.
pub struct Input<'a> {
    pub program: (&'a str, &'a str),
    pub state: (&'a str, &'a str),
    pub instrument: &'a Instrument,
    /// Snapshots oldest first, each with its ratings.
    pub snapshots: Vec<(Snapshot, BTreeMap<i64, Rating>)>,
    pub round: i64,
    pub round_status: String,
    pub raters: Vec<Rater>,
    /// User id -> indicator id -> rating.
    pub member_ratings: &'a BTreeMap<i64, BTreeMap<i64, Rating>>,
    pub consensus: &'a BTreeMap<i64, Rating>,
}

/// How an answer reads: "2: Development", "Not sure" or "Not rated".
pub fn phase(scale: &Scale, r: &Rating) -> String {
    match (r.level, r.not_sure) {
        (Some(l), _) => format!("{l}: {}", scale.label(l).unwrap_or_default()),
        (None, true) => "Not sure".into(),
        (None, false) => "Not rated".into(),
    }
}

fn answer(scale: &Scale, r: Option<&Rating>) -> Answer {
    let r = r.cloned().unwrap_or_default();
    Answer {
        level: r.level,
        phase: phase(scale, &r),
        priority: r.priority,
        notes: r.evidence,
    }
}

pub fn build(input: Input<'_>) -> Export {
    let scale = &input.instrument.scale;
    let snapshots: Vec<SnapshotScores> = input
        .snapshots
        .iter()
        .map(|(s, ratings)| SnapshotScores {
            snapshot: s.clone(),
            elements: element_scores(scale, &frozen(input.instrument, ratings)),
        })
        .collect();
    let priorities = input
        .snapshots
        .last()
        .map(|(_, ratings)| ranked_priorities(scale, &frozen(input.instrument, ratings)))
        .unwrap_or_default();
    let no_ratings = BTreeMap::new();
    let elements = input
        .instrument
        .elements()
        .into_iter()
        .map(|g| ExportElement {
            indicators: g
                .indicators
                .iter()
                .map(|i| ExportIndicator {
                    indicator_id: i.id,
                    strategy_key: i.strategy_key.clone(),
                    text: i.text.clone(),
                    members: input
                        .raters
                        .iter()
                        .map(|r| {
                            let mine = input.member_ratings.get(&r.user_id).unwrap_or(&no_ratings);
                            answer(scale, mine.get(&i.id))
                        })
                        .collect(),
                    consensus: answer(scale, input.consensus.get(&i.id)),
                })
                .collect(),
            key: g.key,
            number: g.number,
            name: g.name,
        })
        .collect();
    Export {
        program_slug: input.program.0.to_owned(),
        program_name: input.program.1.to_owned(),
        state_code: input.state.0.to_owned(),
        state_name: input.state.1.to_owned(),
        scale: scale.clone(),
        snapshots,
        priorities,
        round: input.round,
        round_status: input.round_status,
        raters: input.raters,
        elements,
    }
}

/// A file name with nothing but letters, digits and dashes:
/// `waymark-<program>-<state>-assessment.<extension>`.
pub fn file_name(export: &Export, extension: &str) -> String {
    format!(
        "waymark-{}-{}-assessment.{}",
        name_part(&export.program_slug),
        name_part(&export.state_code),
        name_part(extension)
    )
}

/// The columns of the CSV file.
pub const CSV_HEADER: [&str; 11] = [
    "element_number",
    "element",
    "strategy_key",
    "strategy",
    "rater",
    "sector",
    "row_type",
    "phase",
    "phase_label",
    "priority",
    "notes",
];

/// One row per indicator per rater, then the indicator's consensus row
/// (`row_type` is `member` or `consensus`).
pub fn to_csv(export: &Export) -> Result<Vec<u8>, csv::Error> {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(CSV_HEADER)?;
    for e in &export.elements {
        for i in &e.indicators {
            let rows = export
                .raters
                .iter()
                .zip(&i.members)
                .map(|(r, a)| (r.name.as_str(), r.sector.as_str(), "member", a))
                .chain(std::iter::once((
                    "Team consensus",
                    "",
                    "consensus",
                    &i.consensus,
                )));
            for (rater, sector, kind, a) in rows {
                w.write_record([
                    e.number.to_string(),
                    csv_safe(&e.name),
                    csv_safe(&i.strategy_key),
                    csv_safe(&i.text),
                    csv_safe(rater),
                    csv_safe(sector),
                    kind.to_owned(),
                    a.level.map(|l| l.to_string()).unwrap_or_default(),
                    csv_safe(&a.phase),
                    a.priority
                        .map(|p| p.as_str())
                        .unwrap_or_default()
                        .to_owned(),
                    csv_safe(&a.notes),
                ])?;
            }
        }
    }
    w.into_inner().map_err(|e| e.into_error().into())
}

/// A worksheet name Excel accepts: at most 31 characters, none of `[]:*?/\`.
pub fn sheet_name(number: i64, name: &str) -> String {
    let full: String = format!("{number}. {name}")
        .chars()
        .map(|c| if "[]:*?/\\".contains(c) { ' ' } else { c })
        .collect();
    let cut: String = full.chars().take(31).collect();
    cut.trim_end().to_owned()
}

/// A score as the spreadsheet shows it: rounded to a whole number.
fn rounded(v: f64) -> f64 {
    v.round()
}

/// The spreadsheet: a Summary sheet (element scores of each snapshot, then
/// the ranked priorities), then one sheet per element (each indicator a
/// row; each member's phase, priority and notes, then the consensus).
pub fn to_xlsx(export: &Export) -> Result<Vec<u8>, rust_xlsxwriter::XlsxError> {
    use rust_xlsxwriter::{Format, Workbook};
    let bold = Format::new().set_bold();
    let wrap = Format::new().set_text_wrap();
    let mut book = Workbook::new();

    let sheet = book.add_worksheet();
    sheet.set_name("Summary")?;
    sheet.write_string_with_format(
        0,
        0,
        format!(
            "{}'s readiness assessment, {}",
            export.state_name, export.program_name
        ),
        &bold,
    )?;
    sheet.write_string(
        1,
        0,
        format!(
            "Element scores run from 0 to 100. Members' ratings are from round {} ({}).",
            export.round, export.round_status
        ),
    )?;
    sheet.write_string_with_format(3, 0, "Element", &bold)?;
    for (c, s) in export.snapshots.iter().enumerate() {
        sheet.write_string_with_format(3, c as u16 + 1, s.snapshot.kind.label(), &bold)?;
    }
    let mut row = 4u32;
    for e in &export.elements {
        sheet.write_string(row, 0, format!("{}. {}", e.number, e.name))?;
        for (c, s) in export.snapshots.iter().enumerate() {
            let score = s
                .elements
                .iter()
                .find(|x| x.key == e.key)
                .and_then(|x| x.score);
            match score {
                Some(v) => sheet.write_number(row, c as u16 + 1, rounded(v))?,
                None => sheet.write_string(row, c as u16 + 1, "Not rated")?,
            };
        }
        row += 1;
    }
    if export.snapshots.is_empty() {
        sheet.write_string(row, 0, "No snapshot yet.")?;
        row += 1;
    }
    row += 1;
    let latest = export
        .snapshots
        .last()
        .map(|s| s.snapshot.kind.label().to_lowercase())
        .unwrap_or_default();
    sheet.write_string_with_format(
        row,
        0,
        if latest.is_empty() {
            "Priorities: none yet (they come from a snapshot)".to_owned()
        } else {
            format!("Priorities from the {latest} snapshot")
        },
        &bold,
    )?;
    row += 1;
    if !export.priorities.is_empty() {
        for (c, h) in ["Rank", "Element", "Weighted gap (0 to 3)"]
            .into_iter()
            .enumerate()
        {
            sheet.write_string_with_format(row, c as u16, h, &bold)?;
        }
        row += 1;
        for p in &export.priorities {
            sheet.write_number(row, 0, p.rank as f64)?;
            sheet.write_string(row, 1, &p.element_name)?;
            sheet.write_number(row, 2, (p.weight * 100.0).round() / 100.0)?;
            row += 1;
        }
    }
    sheet.set_column_width(0, 50)?;
    sheet.set_column_width(1, 40)?;

    for e in &export.elements {
        let sheet = book.add_worksheet();
        sheet.set_name(sheet_name(e.number, &e.name))?;
        sheet.write_string_with_format(0, 0, "Strategy", &bold)?;
        sheet.set_column_width(0, 60)?;
        let mut col = 1u16;
        let heads = export
            .raters
            .iter()
            .map(|r| format!("{} ({})", r.name, r.sector))
            .chain(std::iter::once("Team consensus".to_owned()));
        for h in heads {
            for (offset, what) in ["phase", "priority", "notes"].into_iter().enumerate() {
                sheet.write_string_with_format(
                    0,
                    col + offset as u16,
                    format!("{h}: {what}"),
                    &bold,
                )?;
            }
            sheet.set_column_width(col, 18)?;
            sheet.set_column_width(col + 1, 10)?;
            sheet.set_column_width(col + 2, 40)?;
            col += 3;
        }
        for (r, i) in e.indicators.iter().enumerate() {
            let row = r as u32 + 1;
            sheet.write_string_with_format(row, 0, &i.text, &wrap)?;
            let mut col = 1u16;
            for a in i.members.iter().chain(std::iter::once(&i.consensus)) {
                sheet.write_string(row, col, &a.phase)?;
                sheet.write_string(row, col + 1, a.priority.map(|p| p.label()).unwrap_or(""))?;
                sheet.write_string_with_format(row, col + 2, &a.notes, &wrap)?;
                col += 3;
            }
        }
        sheet.set_freeze_panes(1, 1)?;
    }
    book.save_to_buffer()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::assessment::{Indicator, SnapshotKind};

    fn instrument() -> Instrument {
        let built = crate::assessment::instrument::build(
            &crate::assessment::instrument::tests::framework(2, 2),
        );
        Instrument {
            id: 1,
            program_id: 1,
            framework: "test".into(),
            framework_version: "1".into(),
            scale: Scale::default_four_phases(),
            indicators: built
                .into_iter()
                .enumerate()
                .map(|(i, n)| Indicator {
                    id: i as i64 + 1,
                    element_key: n.element_key,
                    element_number: n.element_number,
                    element_name: n.element_name,
                    strategy_key: n.strategy_key,
                    text: n.text,
                    components: n.components,
                })
                .collect(),
        }
    }

    fn rating(level: Option<i64>, not_sure: bool, notes: &str) -> Rating {
        Rating {
            level,
            not_sure,
            priority: Some(Priority::High),
            evidence: notes.into(),
        }
    }

    fn sample(instrument: &Instrument) -> Export {
        let mut members = BTreeMap::new();
        members.insert(
            7,
            BTreeMap::from([
                (1, rating(Some(2), false, "=SUM(A1)")),
                (3, rating(None, true, "")),
            ]),
        );
        let consensus = BTreeMap::from([(1, rating(Some(3), false, "Agreed"))]);
        let all = |level| -> BTreeMap<i64, Rating> {
            (1..=4)
                .map(|id| (id, rating(Some(level), false, "")))
                .collect()
        };
        build(Input {
            program: ("acp 2016", "Advancing Career Pathways"),
            state: ("CO", "Colorado"),
            instrument,
            snapshots: vec![
                (
                    Snapshot {
                        id: 1,
                        state_code: "CO".into(),
                        kind: SnapshotKind::Baseline,
                        taken_at: 1,
                    },
                    all(1),
                ),
                (
                    Snapshot {
                        id: 2,
                        state_code: "CO".into(),
                        kind: SnapshotKind::MidYear,
                        taken_at: 2,
                    },
                    all(2),
                ),
            ],
            round: 3,
            round_status: "in progress".into(),
            raters: vec![
                Rater {
                    user_id: 7,
                    name: "Jo".into(),
                    sector: "Adult education".into(),
                },
                Rater {
                    user_id: 8,
                    name: "Al".into(),
                    sector: "Justice".into(),
                },
            ],
            member_ratings: &members,
            consensus: &consensus,
        })
    }

    #[test]
    fn the_export_holds_scores_priorities_and_every_answer() {
        let i = instrument();
        let x = sample(&i);
        assert_eq!(x.snapshots.len(), 2);
        assert_eq!(x.snapshots[0].elements[0].score, Some(0.0));
        assert!((x.snapshots[1].elements[1].score.unwrap() - 100.0 / 3.0).abs() < 1e-9);
        assert_eq!(x.priorities.len(), 2, "from the mid-year snapshot");
        assert_eq!(x.elements.len(), 2);
        let first = &x.elements[0].indicators[0];
        assert_eq!(first.members.len(), 2);
        assert_eq!(first.members[0].phase, "2: Development");
        assert_eq!(first.members[1].phase, "Not rated", "Al has not rated");
        assert_eq!(first.consensus.phase, "3: Implementation");
        assert_eq!(first.consensus.notes, "Agreed");
        assert_eq!(x.elements[1].indicators[0].members[0].phase, "Not sure");
    }

    #[test]
    fn csv_has_a_row_per_indicator_per_rater_and_a_consensus_row() {
        let i = instrument();
        let x = sample(&i);
        let bytes = to_csv(&x).unwrap();
        let mut r = csv::Reader::from_reader(bytes.as_slice());
        assert_eq!(r.headers().unwrap().iter().collect::<Vec<_>>(), CSV_HEADER);
        let rows: Vec<csv::StringRecord> = r.records().map(|r| r.unwrap()).collect();
        assert_eq!(
            rows.len(),
            4 * 3,
            "4 indicators, 2 raters and the consensus"
        );
        assert_eq!(&rows[0][4], "Jo");
        assert_eq!(&rows[0][6], "member");
        assert_eq!(&rows[0][10], "'=SUM(A1)", "no formulas from notes");
        assert_eq!(&rows[2][4], "Team consensus");
        assert_eq!(&rows[2][6], "consensus");
        assert_eq!(&rows[2][7], "3");
    }

    #[test]
    fn file_and_sheet_names_are_safe() {
        let i = instrument();
        let x = sample(&i);
        assert_eq!(file_name(&x, "xlsx"), "waymark-acp-2016-co-assessment.xlsx");
        let mut odd = x.clone();
        odd.program_slug = "../\"x\"\r\n".into();
        assert_eq!(file_name(&odd, "csv"), "waymark-x-co-assessment.csv");
        assert_eq!(
            sheet_name(1, "Build Cross-Agency Partnerships"),
            "1. Build Cross-Agency Partnersh"
        );
        assert_eq!(sheet_name(2, "A/B: C?"), "2. A B  C");
        assert!(sheet_name(3, &"x".repeat(40)).chars().count() <= 31);
        assert_eq!(csv_safe("+1"), "'+1");
        assert_eq!(csv_safe("plain"), "plain");
    }

    #[test]
    fn the_spreadsheet_is_written() {
        let i = instrument();
        let bytes = to_xlsx(&sample(&i)).unwrap();
        assert_eq!(&bytes[..2], b"PK", "an XLSX file is a zip");
    }
}

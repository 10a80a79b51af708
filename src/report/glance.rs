//! How the program dashboard draws each state so that it is read at a
//! glance: the widths of the element and action-plan bars, the strip of
//! the TA year's months, the snapshots taken as steps, and the short words
//! that go with each picture. The template only draws what these give.
//!
//! Everything in this file is a plain function on plain types.

use serde::Serialize;

use super::dashboard::{PlanProgress, Stage};
use super::participation::{Status, YearMonth};
use crate::assessment::ElementScore;
use crate::assessment::store::Snapshot;

/// The width of a bar for `value` out of `max`, in hundredths of its track
/// (0 to 100, rounded; nothing for no value or no maximum). A value above
/// zero always shows (at least 1).
pub fn bar_width(value: f64, max: f64) -> u32 {
    if !value.is_finite() || !max.is_finite() || max <= 0.0 || value <= 0.0 {
        return 0;
    }
    let w = (value / max * 100.0).round().clamp(0.0, 100.0) as u32;
    w.max(1)
}

/// One element's score as a labelled bar: "1 Partnerships ▬▬▬ 62".
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ElementBar {
    pub number: i64,
    /// The element's short name, for the label beside the bar.
    pub short_name: String,
    /// Its full name, for those who read the short one with a screen reader
    /// and for the key under the table.
    pub name: String,
    /// Out of 100, rounded; none when nothing is rated.
    pub score: Option<u32>,
    /// The bar's width, 0 to 100.
    pub width: u32,
}

/// The bars of a snapshot's element scores, in element order, labelled
/// with the elements' short names (the name itself when it has none).
pub fn element_bars(scores: &[ElementScore], heads: &[ElementHead]) -> Vec<ElementBar> {
    scores
        .iter()
        .map(|e| ElementBar {
            number: e.number,
            short_name: heads
                .iter()
                .find(|h| h.key == e.key)
                .map(|h| h.short_name.clone())
                .unwrap_or_else(|| e.name.clone()),
            name: e.name.clone(),
            score: e.score.map(|s| s.round().clamp(0.0, 100.0) as u32),
            width: e.score.map(|s| bar_width(s, 100.0)).unwrap_or(0),
        })
        .collect()
}

/// The white gap between the bar's done and overdue parts, in hundredths
/// of the track, so each part meets the white around it, not the other.
pub const GAP: u32 = 2;

/// The action plan as a bar: the steps done from the left, then (after a
/// gap) the overdue ones; the rest of the track is the steps still open.
/// Widths and positions in hundredths of the track.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct PlanBar {
    pub done: u32,
    pub overdue_x: u32,
    pub overdue: u32,
}

/// The plan's bar; none without steps.
pub fn plan_bar(p: &PlanProgress) -> Option<PlanBar> {
    if p.steps == 0 {
        return None;
    }
    let steps = p.steps as f64;
    let done_n = p.done.min(p.steps);
    let overdue_n = p.overdue.min(p.steps - done_n);
    let done = bar_width(done_n as f64, steps);
    let end = bar_width((done_n + overdue_n) as f64, steps);
    if overdue_n == 0 {
        return Some(PlanBar {
            done,
            overdue_x: done,
            overdue: 0,
        });
    }
    let gap = if done > 0 { GAP } else { 0 };
    // The overdue part always shows, at least as wide as the gap; the done
    // part gives way when the two would not fit.
    let overdue = end.saturating_sub(done + gap).max(GAP);
    let done = done.min(100 - overdue - gap);
    Some(PlanBar {
        done,
        overdue_x: done + gap,
        overdue,
    })
}

/// The plan in words beside its bar: "4 of 10 done, 2 overdue".
pub fn plan_words(p: &PlanProgress) -> String {
    if p.steps == 0 {
        return "No plan steps yet".into();
    }
    let overdue = match p.overdue {
        0 => "none overdue".to_owned(),
        n => format!("{n} overdue"),
    };
    format!("{} of {} done, {overdue}", p.done, p.steps)
}

/// A month of the TA year in a state's participation strip.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct MonthMark {
    /// `2016-10`.
    pub month: String,
    /// `October 2016`.
    pub label: String,
    /// As the participation page judges it; none when no commitment's
    /// period covers the month.
    pub status: Option<Status>,
    /// The month the program is in (never once its year has ended).
    pub current: bool,
}

impl MonthMark {
    /// The month's first letter, under its mark ("O" for October).
    pub fn initial(&self) -> String {
        self.label.chars().take(1).collect()
    }

    /// What a screen reader says for the mark: "October 2016: Missed".
    pub fn words(&self) -> String {
        format!(
            "{}: {}{}",
            self.label,
            self.status.map(Status::label).unwrap_or("Not tracked"),
            if self.current { " (this month)" } else { "" }
        )
    }
}

/// The strip of months: each month of the TA period with the state's
/// status that month (`statuses` in the same order, from the
/// participation module), and which is the current one.
pub fn month_strip(
    months: &[YearMonth],
    statuses: &[Option<Status>],
    now: Option<YearMonth>,
) -> Vec<MonthMark> {
    months
        .iter()
        .enumerate()
        .map(|(i, m)| MonthMark {
            month: m.key(),
            label: m.label(),
            status: statuses.get(i).copied().flatten(),
            current: Some(*m) == now,
        })
        .collect()
}

/// The line that opens a state's reasons: "Needs attention: 3 reasons",
/// or "Nothing pressing".
pub fn attention_summary(reasons: usize) -> String {
    match reasons {
        0 => "Nothing pressing".into(),
        1 => "Needs attention: 1 reason".into(),
        n => format!("Needs attention: {n} reasons"),
    }
}

/// The three snapshots (baseline, mid-year, final) as steps, each taken
/// or not, from the stage.
pub fn snapshot_steps(stage: Stage) -> [bool; 3] {
    match stage {
        Stage::NotStarted | Stage::Rating => [false, false, false],
        Stage::Baseline => [true, false, false],
        Stage::MidYear => [true, true, false],
        Stage::Final => [true, true, true],
    }
}

/// Everything the dashboard draws for one state.
#[derive(Debug, Clone, PartialEq)]
pub struct Glance {
    pub row: DashboardRow,
    pub elements: Vec<ElementBar>,
    pub plan_bar: Option<PlanBar>,
    pub plan_words: String,
    pub attention: String,
    pub steps: [bool; 3],
}

pub fn glance(row: &DashboardRow, heads: &[ElementHead]) -> Glance {
    Glance {
        elements: element_bars(&row.elements, heads),
        plan_bar: plan_bar(&row.plan),
        plan_words: plan_words(&row.plan),
        attention: attention_summary(row.reasons.len()),
        steps: snapshot_steps(row.stage),
        row: row.clone(),
    }
}

/// An element column.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct ElementHead {
    pub key: String,
    pub number: i64,
    pub name: String,
    /// A word or two for where space is short ("Partnerships"); the name
    /// when the framework gives none.
    pub short_name: String,
}

/// The next activity scheduled for a state.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct NextActivity {
    pub id: i64,
    pub kind: String,
    pub kind_label: String,
    pub title: String,
    /// Unix milliseconds.
    pub starts_at: i64,
    /// When, in words on the program's clock.
    pub when: String,
}

impl NextActivity {
    /// The title, with the kind in front when the title does not say it
    /// ("Coaching call: Data agreement", but not "Webinar: Webinar: ...").
    pub fn label(&self) -> String {
        if self
            .title
            .to_lowercase()
            .starts_with(&self.kind_label.to_lowercase())
        {
            self.title.clone()
        } else {
            format!("{}: {}", self.kind_label, self.title)
        }
    }
}

/// One state on the dashboard.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct DashboardRow {
    pub state_code: String,
    pub state_name: String,
    pub stage: Stage,
    pub stage_label: String,
    /// The latest snapshot, whose element scores are shown.
    pub snapshot: Option<Snapshot>,
    /// In element order; empty without a snapshot.
    pub elements: Vec<ElementScore>,
    pub plan: PlanProgress,
    /// "4 of 10 steps done (40%), 2 overdue".
    pub plan_text: String,
    /// Participation missed so far, in words.
    pub missed: Vec<String>,
    /// The current month's participation; none outside the TA period.
    pub this_month: Option<Status>,
    /// Each month of the TA period with the state's participation that
    /// month, as the participation page judges it.
    pub months: Vec<MonthMark>,
    pub this_month_label: String,
    pub next_activity: Option<NextActivity>,
    /// Why the state needs attention, most serious first; empty when it does not.
    pub reasons: Vec<String>,
    /// How much needs attention (more is worse); the order of the rows.
    pub weight: u32,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plan(steps: u32, done: u32, overdue: u32) -> PlanProgress {
        PlanProgress {
            steps,
            done,
            overdue,
        }
    }

    #[test]
    fn bars_are_hundredths_of_their_track() {
        assert_eq!(bar_width(62.4, 100.0), 62);
        assert_eq!(bar_width(62.5, 100.0), 63);
        assert_eq!(bar_width(4.0, 10.0), 40);
        assert_eq!(bar_width(0.0, 100.0), 0);
        // Something above zero always shows; nothing spills past the end.
        assert_eq!(bar_width(0.2, 100.0), 1);
        assert_eq!(bar_width(130.0, 100.0), 100);
        assert_eq!(bar_width(-5.0, 100.0), 0);
        assert_eq!(bar_width(3.0, 0.0), 0);
        assert_eq!(bar_width(f64::NAN, 100.0), 0);
    }

    fn score(key: &str, number: i64, name: &str, score: Option<f64>) -> ElementScore {
        ElementScore {
            key: key.into(),
            number,
            name: name.into(),
            score,
            rated: 1,
            indicators: 1,
        }
    }

    #[test]
    fn element_bars_carry_the_short_name_and_the_rounded_score() {
        let heads = vec![ElementHead {
            key: "partnerships".into(),
            number: 1,
            name: "Build Cross-Agency Partnerships".into(),
            short_name: "Partnerships".into(),
        }];
        let bars = element_bars(
            &[
                score(
                    "partnerships",
                    1,
                    "Build Cross-Agency Partnerships",
                    Some(61.7),
                ),
                score("other", 2, "Another Element", None),
            ],
            &heads,
        );
        assert_eq!(
            bars[0],
            ElementBar {
                number: 1,
                short_name: "Partnerships".into(),
                name: "Build Cross-Agency Partnerships".into(),
                score: Some(62),
                width: 62,
            }
        );
        // No short name known: the name; nothing rated: no bar.
        assert_eq!(bars[1].short_name, "Another Element");
        assert_eq!((bars[1].score, bars[1].width), (None, 0));
    }

    #[test]
    fn the_plan_bar_shows_done_then_overdue_after_a_gap() {
        assert_eq!(plan_bar(&plan(0, 0, 0)), None);
        assert_eq!(
            plan_bar(&plan(10, 4, 2)),
            Some(PlanBar {
                done: 40,
                overdue_x: 42,
                overdue: 18
            })
        );
        // Nothing overdue: the done part alone.
        assert_eq!(
            plan_bar(&plan(4, 4, 0)),
            Some(PlanBar {
                done: 100,
                overdue_x: 100,
                overdue: 0
            })
        );
        // Nothing done: the overdue part from the left, no gap.
        assert_eq!(
            plan_bar(&plan(4, 0, 3)),
            Some(PlanBar {
                done: 0,
                overdue_x: 0,
                overdue: 75
            })
        );
        // One of many overdue still shows; the two parts never pass the end.
        let b = plan_bar(&plan(200, 199, 1)).unwrap();
        assert!(b.overdue >= GAP, "{b:?}");
        assert!(b.overdue_x + b.overdue <= 100, "{b:?}");
        assert_eq!(b.overdue_x, b.done + GAP);
        // Counts that do not add up (more done and overdue than steps) stay inside.
        let b = plan_bar(&plan(3, 3, 3)).unwrap();
        assert_eq!((b.done, b.overdue), (100, 0));
    }

    #[test]
    fn the_plan_in_words() {
        assert_eq!(plan_words(&plan(10, 4, 2)), "4 of 10 done, 2 overdue");
        assert_eq!(plan_words(&plan(2, 2, 0)), "2 of 2 done, none overdue");
        assert_eq!(plan_words(&plan(0, 0, 0)), "No plan steps yet");
    }

    #[test]
    fn the_month_strip_names_each_month_and_its_status() {
        let months = YearMonth::range(YearMonth::new(2016, 10), YearMonth::new(2017, 1));
        let strip = month_strip(
            &months,
            &[
                Some(Status::OnTrack),
                Some(Status::Missed),
                None,
                Some(Status::Due),
            ],
            Some(YearMonth::new(2017, 1)),
        );
        assert_eq!(strip.len(), 4);
        assert_eq!(strip[0].month, "2016-10");
        assert_eq!(strip[0].initial(), "O");
        assert_eq!(strip[0].words(), "October 2016: On track");
        assert_eq!(strip[1].words(), "November 2016: Missed");
        assert_eq!(strip[2].words(), "December 2016: Not tracked");
        assert_eq!(strip[3].words(), "January 2017: Due (this month)");
        assert_eq!(
            strip.iter().filter(|m| m.current).count(),
            1,
            "one current month"
        );
        // Once the year has ended no month is current; missing statuses are none.
        let ended = month_strip(&months, &[Some(Status::OnTrack)], None);
        assert!(ended.iter().all(|m| !m.current));
        assert_eq!(ended[3].status, None);
    }

    #[test]
    fn reasons_open_with_how_many_there_are() {
        assert_eq!(attention_summary(0), "Nothing pressing");
        assert_eq!(attention_summary(1), "Needs attention: 1 reason");
        assert_eq!(attention_summary(3), "Needs attention: 3 reasons");
    }

    #[test]
    fn snapshots_taken_follow_the_stage() {
        assert_eq!(snapshot_steps(Stage::NotStarted), [false; 3]);
        assert_eq!(snapshot_steps(Stage::Rating), [false; 3]);
        assert_eq!(snapshot_steps(Stage::Baseline), [true, false, false]);
        assert_eq!(snapshot_steps(Stage::MidYear), [true, true, false]);
        assert_eq!(snapshot_steps(Stage::Final), [true; 3]);
    }
}

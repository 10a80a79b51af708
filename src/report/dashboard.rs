//! The program dashboard's rules: each state's assessment stage, plan
//! progress, the reasons it needs attention (in words) and the order of
//! the states (those needing attention first); and the cohort's most
//! common priorities, as suggested webinar topics.
//!
//! Everything in this file is a plain function on plain types.

use std::collections::BTreeMap;

use serde::Serialize;

use super::participation::YearMonth;
use crate::assessment::{Indicator, RankedPriority, SnapshotKind};
use crate::program::template::Milestone;

/// Where a state is in the readiness assessment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Stage {
    NotStarted,
    /// Rating, no snapshot yet.
    Rating,
    Baseline,
    MidYear,
    Final,
}

impl Stage {
    pub fn label(self) -> &'static str {
        match self {
            Stage::NotStarted => "Not started",
            Stage::Rating => "Rating (no snapshot yet)",
            Stage::Baseline => "Baseline frozen",
            Stage::MidYear => "Mid-year frozen",
            Stage::Final => "Final frozen",
        }
    }
}

/// The stage from the snapshots taken and whether anyone has rated.
pub fn stage(taken: &[SnapshotKind], rated: bool) -> Stage {
    if taken.contains(&SnapshotKind::Final) {
        Stage::Final
    } else if taken.contains(&SnapshotKind::MidYear) {
        Stage::MidYear
    } else if taken.contains(&SnapshotKind::Baseline) {
        Stage::Baseline
    } else if rated {
        Stage::Rating
    } else {
        Stage::NotStarted
    }
}

/// The months by whose end each snapshot is expected: the baseline by the
/// end of the "readiness_assessment" milestone (else the TA period's first
/// month), the mid-year by the middle month of the TA period, the final by
/// its last month.
pub fn snapshots_due(
    timeline: &[Milestone],
    period: (YearMonth, YearMonth),
) -> [(SnapshotKind, YearMonth); 3] {
    let baseline = timeline
        .iter()
        .find(|m| m.key == "readiness_assessment")
        .map(|m| YearMonth::of(m.ends.unwrap_or(m.starts)))
        .unwrap_or(period.0);
    let middle = period.0.plus(period.0.until(period.1) / 2);
    [
        (SnapshotKind::Baseline, baseline),
        (SnapshotKind::MidYear, middle),
        (SnapshotKind::Final, period.1),
    ]
}

/// A state's action plan in numbers.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct PlanProgress {
    pub steps: u32,
    pub done: u32,
    /// Not done, due before today.
    pub overdue: u32,
}

impl PlanProgress {
    /// The share of steps done, in percent; none without steps.
    pub fn percent_done(&self) -> Option<u32> {
        (self.steps > 0).then(|| (self.done * 100 + self.steps / 2) / self.steps)
    }

    /// "4 of 10 steps done (40%), 2 overdue" or "No plan steps yet".
    pub fn text(&self) -> String {
        match self.percent_done() {
            None => "No plan steps yet".into(),
            Some(p) => format!(
                "{} of {} step{} done ({p}%), {} overdue",
                self.done,
                self.steps,
                if self.steps == 1 { "" } else { "s" },
                self.overdue
            ),
        }
    }
}

/// What the attention rules look at for one state.
#[derive(Debug, Clone, Default)]
pub struct Facts {
    pub taken: Vec<SnapshotKind>,
    pub plan: PlanProgress,
    /// Participation missed so far, in words ("2 coaching calls missed"),
    /// with the number missed.
    pub missed: Vec<(String, u32)>,
    /// Commitments behind pace, in words.
    pub behind: Vec<String>,
}

/// Why a state needs attention, in words, most serious first, and a
/// weight to order the states by (more is worse).
pub fn attention(
    f: &Facts,
    due: &[(SnapshotKind, YearMonth); 3],
    now: YearMonth,
) -> (Vec<String>, u32) {
    let mut reasons: Vec<(u32, String)> = Vec::new();
    for (text, n) in &f.missed {
        reasons.push((*n, text.clone()));
    }
    for text in &f.behind {
        reasons.push((1, text.clone()));
    }
    if f.plan.overdue > 0 {
        reasons.push((
            f.plan.overdue,
            format!(
                "{} plan step{} overdue",
                f.plan.overdue,
                if f.plan.overdue == 1 { "" } else { "s" }
            ),
        ));
    }
    for (kind, by) in due {
        if *by < now && !f.taken.contains(kind) {
            reasons.push((2, format!("no {} snapshot", kind.label().to_lowercase())));
        }
    }
    if f.taken.contains(&SnapshotKind::Baseline) && f.plan.steps == 0 {
        reasons.push((1, "no action plan steps yet".into()));
    }
    // Most serious first; the order they were added breaks ties.
    reasons.sort_by_key(|r| std::cmp::Reverse(r.0));
    let weight = reasons.iter().map(|r| r.0).sum();
    (reasons.into_iter().map(|r| r.1).collect(), weight)
}

/// The states needing attention first (the heaviest reasons first), then
/// the others; by name within each. `rows` are (name, weight, reasons).
pub fn order<T>(rows: &mut [T], key: impl Fn(&T) -> (&str, u32, usize)) {
    rows.sort_by(|a, b| {
        let (an, aw, ar) = key(a);
        let (bn, bw, br) = key(b);
        (ar == 0).cmp(&(br == 0)).then(bw.cmp(&aw)).then(an.cmp(bn))
    });
}

/// How many of the ranked priorities count as a state's top ones.
pub const TOP: usize = 3;

/// A priority many states share: a suggested webinar topic.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
#[schema(as = DashboardTopic)]
pub struct Topic {
    pub element_key: String,
    pub element_name: String,
    /// Set for a strategy (indicator) topic.
    pub indicator_id: Option<i64>,
    pub strategy: Option<String>,
    /// The states that have it among their top three, by code.
    pub states: Vec<String>,
    pub count: usize,
    /// States with a snapshot to rank priorities from.
    pub of: usize,
    /// "Engage Employers: a top priority for 4 of 5 states".
    pub text: String,
}

/// The cohort's most common priorities: how many states have each element
/// among their top three priorities, and each strategy among their three
/// largest weighted gaps; most common first (ties in element order).
/// `ranked` is, per state with a snapshot, its ranked priorities.
pub fn topics(
    ranked: &[(String, Vec<RankedPriority>)],
    indicators: &[Indicator],
) -> (Vec<Topic>, Vec<Topic>) {
    let of = ranked.len();
    let states_word = |n: usize| if n == 1 { "state" } else { "states" };
    let position = |id: i64| {
        indicators
            .iter()
            .position(|i| i.id == id)
            .unwrap_or(usize::MAX)
    };
    // element key -> (element number, name, states)
    let mut elements: BTreeMap<String, (i64, String, Vec<String>)> = BTreeMap::new();
    // indicator id -> states
    let mut strategies: BTreeMap<i64, Vec<String>> = BTreeMap::new();
    for (code, priorities) in ranked {
        for p in priorities.iter().take(TOP) {
            let number = indicators
                .iter()
                .find(|i| i.element_key == p.element_key)
                .map(|i| i.element_number)
                .unwrap_or(i64::MAX);
            elements
                .entry(p.element_key.clone())
                .or_insert_with(|| (number, p.element_name.clone(), vec![]))
                .2
                .push(code.clone());
        }
        let mut gaps: Vec<(i64, f64)> = priorities
            .iter()
            .flat_map(|p| p.indicators.iter().copied())
            .collect();
        gaps.sort_by(|a, b| b.1.total_cmp(&a.1).then(position(a.0).cmp(&position(b.0))));
        for (id, _) in gaps.into_iter().take(TOP) {
            strategies.entry(id).or_default().push(code.clone());
        }
    }
    let mut element_topics: Vec<(i64, Topic)> = elements
        .into_iter()
        .map(|(key, (number, name, states))| {
            let count = states.len();
            (
                number,
                Topic {
                    text: format!(
                        "{name}: a top priority for {count} of {of} {}",
                        states_word(of)
                    ),
                    element_key: key,
                    element_name: name,
                    indicator_id: None,
                    strategy: None,
                    states,
                    count,
                    of,
                },
            )
        })
        .collect();
    element_topics.sort_by(|a, b| b.1.count.cmp(&a.1.count).then(a.0.cmp(&b.0)));
    let mut strategy_topics: Vec<(usize, Topic)> = strategies
        .into_iter()
        .filter_map(|(id, states)| {
            let i = indicators.iter().find(|i| i.id == id)?;
            let count = states.len();
            Some((
                position(id),
                Topic {
                    text: format!(
                        "{} ({}): among the three largest gaps for {count} of {of} {}",
                        i.text,
                        i.element_name,
                        states_word(of)
                    ),
                    element_key: i.element_key.clone(),
                    element_name: i.element_name.clone(),
                    indicator_id: Some(id),
                    strategy: Some(i.text.clone()),
                    states,
                    count,
                    of,
                },
            ))
        })
        .collect();
    strategy_topics.sort_by(|a, b| b.1.count.cmp(&a.1.count).then(a.0.cmp(&b.0)));
    (
        element_topics.into_iter().map(|t| t.1).collect(),
        strategy_topics.into_iter().map(|t| t.1).collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::program::template;

    fn ym(y: i16, m: i8) -> YearMonth {
        YearMonth::new(y, m)
    }

    fn due() -> [(SnapshotKind, YearMonth); 3] {
        let timeline = template::find("intensive").unwrap().timeline(2016);
        snapshots_due(&timeline, (ym(2016, 10), ym(2017, 8)))
    }

    #[test]
    fn the_stage_follows_the_snapshots() {
        use SnapshotKind::*;
        assert_eq!(stage(&[], false), Stage::NotStarted);
        assert_eq!(stage(&[], true), Stage::Rating);
        assert_eq!(stage(&[Baseline], true), Stage::Baseline);
        assert_eq!(stage(&[Baseline, MidYear], false), Stage::MidYear);
        assert_eq!(
            stage(&[Baseline, MidYear, Final], false).label(),
            "Final frozen"
        );
    }

    #[test]
    fn snapshots_are_due_in_september_march_and_august() {
        assert_eq!(
            due(),
            [
                (SnapshotKind::Baseline, ym(2016, 9)),
                (SnapshotKind::MidYear, ym(2017, 3)),
                (SnapshotKind::Final, ym(2017, 8)),
            ]
        );
    }

    #[test]
    fn reasons_are_in_words_heaviest_first() {
        let f = Facts {
            taken: vec![SnapshotKind::Baseline],
            plan: PlanProgress {
                steps: 10,
                done: 4,
                overdue: 3,
            },
            missed: vec![("2 coaching calls missed".into(), 2)],
            behind: vec!["site visits behind pace (0 of 2 so far)".into()],
        };
        let (reasons, weight) = attention(&f, &due(), ym(2017, 4));
        assert_eq!(
            reasons,
            [
                "3 plan steps overdue",
                "2 coaching calls missed",
                "no mid-year snapshot",
                "site visits behind pace (0 of 2 so far)"
            ]
        );
        assert_eq!(weight, 3 + 2 + 2 + 1);
        // In March the mid-year is not late yet.
        let (reasons, _) = attention(&f, &due(), ym(2017, 3));
        assert!(!reasons.iter().any(|r| r.contains("mid-year")));
        // A baseline without a plan; no baseline after September.
        let bare = Facts {
            taken: vec![SnapshotKind::Baseline],
            ..Default::default()
        };
        assert_eq!(
            attention(&bare, &due(), ym(2016, 11)).0,
            ["no action plan steps yet"]
        );
        let none = Facts::default();
        assert_eq!(
            attention(&none, &due(), ym(2016, 10)).0,
            ["no baseline snapshot"]
        );
        assert!(attention(&none, &due(), ym(2016, 9)).0.is_empty());
        assert_eq!(
            PlanProgress {
                steps: 10,
                done: 4,
                overdue: 3
            }
            .text(),
            "4 of 10 steps done (40%), 3 overdue"
        );
        assert_eq!(PlanProgress::default().text(), "No plan steps yet");
    }

    #[test]
    fn states_needing_attention_come_first_heaviest_first_then_by_name() {
        let mut rows = vec![
            ("Colorado", 0u32, 0usize),
            ("Kansas", 3, 2),
            ("Alabama", 0, 0),
            ("Oregon", 5, 1),
            ("Maine", 3, 1),
        ];
        order(&mut rows, |r| (r.0, r.1, r.2));
        let names: Vec<_> = rows.iter().map(|r| r.0).collect();
        assert_eq!(names, ["Oregon", "Kansas", "Maine", "Alabama", "Colorado"]);
    }

    fn indicator(id: i64, element: (i64, &str)) -> Indicator {
        Indicator {
            id,
            element_key: element.1.into(),
            element_number: element.0,
            element_name: format!("Element {}", element.0),
            strategy_key: format!("s{id}"),
            text: format!("Strategy {id}"),
            components: vec![],
        }
    }

    fn ranked(list: &[(&str, &[(i64, f64)])]) -> Vec<RankedPriority> {
        list.iter()
            .enumerate()
            .map(|(i, (key, gaps))| RankedPriority {
                rank: i + 1,
                element_key: (*key).into(),
                element_name: format!("Element {}", &key[1..]),
                weight: 1.0,
                indicators: gaps.to_vec(),
            })
            .collect()
    }

    #[test]
    fn the_most_common_top_priorities_become_topics() {
        let indicators: Vec<Indicator> = (1..=8)
            .map(|id| {
                indicator(
                    id,
                    (
                        (id + 1) / 2,
                        ["e1", "e2", "e3", "e4"][((id - 1) / 2) as usize],
                    ),
                )
            })
            .collect();
        let states = vec![
            (
                "CO".to_owned(),
                ranked(&[
                    ("e2", &[(3, 3.0)]),
                    ("e1", &[(1, 2.0)]),
                    ("e3", &[(5, 1.0)]),
                    ("e4", &[(7, 0.5)]),
                ]),
            ),
            (
                "KS".to_owned(),
                ranked(&[("e2", &[(3, 3.0), (4, 2.0)]), ("e4", &[(7, 1.0)])]),
            ),
            (
                "MA".to_owned(),
                ranked(&[
                    ("e1", &[(1, 1.0)]),
                    ("e2", &[(3, 1.0)]),
                    ("e4", &[(8, 1.0)]),
                ]),
            ),
            // A state with a snapshot and no gaps at all.
            ("MN".to_owned(), vec![]),
        ];
        let (elements, strategies) = topics(&states, &indicators);
        let got: Vec<(&str, usize)> = elements
            .iter()
            .map(|t| (t.element_key.as_str(), t.count))
            .collect();
        // e4 is CO's fourth: not among its top three.
        assert_eq!(got, [("e2", 3), ("e1", 2), ("e4", 2), ("e3", 1)]);
        assert_eq!(
            elements[0].text,
            "Element 2: a top priority for 3 of 4 states"
        );
        assert_eq!(elements[0].states, ["CO", "KS", "MA"]);
        assert_eq!(strategies[0].indicator_id, Some(3));
        assert_eq!(strategies[0].count, 3);
        assert_eq!(
            strategies[0].text,
            "Strategy 3 (Element 2): among the three largest gaps for 3 of 4 states"
        );
        // Ties (gap 1.0 for MA's three) keep the instrument's order.
        assert_eq!(strategies[1].indicator_id, Some(1));
        assert_eq!(strategies[1].count, 2);
        assert!(topics(&[], &indicators).0.is_empty());
    }
}

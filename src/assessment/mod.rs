//! The readiness assessment: an instrument built from a framework (one
//! indicator per strategy, grouped by element, tagged with the components
//! the element maps to), each member's ratings, the spread between members,
//! the lead's consensus, frozen snapshots, and what is computed from a
//! snapshot: element and component scores, weighted gaps, ranked
//! priorities and the change between snapshots.
//!
//! Everything in this file is a plain function on plain types.

pub mod api;
pub mod chart;
pub mod cohort;
pub mod export;
pub mod frozen;
pub mod handlers;
pub mod instrument;
pub mod recommend;
pub mod scale;
pub mod service;
pub mod store;

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

pub use scale::{Level, Scale};

/// How much a gap matters to the team.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    Serialize,
    Deserialize,
    utoipa::ToSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Priority {
    Low,
    Medium,
    High,
}

impl Priority {
    pub const ALL: [Priority; 3] = [Priority::Low, Priority::Medium, Priority::High];

    pub fn as_str(self) -> &'static str {
        match self {
            Priority::Low => "low",
            Priority::Medium => "medium",
            Priority::High => "high",
        }
    }

    pub fn parse(s: &str) -> Option<Priority> {
        Priority::ALL.into_iter().find(|p| p.as_str() == s.trim())
    }

    pub fn label(self) -> &'static str {
        match self {
            Priority::Low => "Low",
            Priority::Medium => "Medium",
            Priority::High => "High",
        }
    }

    /// The weight of a gap with this priority.
    pub fn weight(self) -> f64 {
        match self {
            Priority::Low => 1.0,
            Priority::Medium => 2.0,
            Priority::High => 3.0,
        }
    }
}

/// One indicator of an instrument.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Indicator {
    pub id: i64,
    pub element_key: String,
    pub element_number: i64,
    pub element_name: String,
    pub strategy_key: String,
    pub text: String,
    /// The components (by key) the indicator touches, through the crosswalk.
    pub components: Vec<String>,
}

/// A rating of one indicator: a level on the scale, or "not sure", or
/// nothing yet; with a priority and evidence notes.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct Rating {
    /// The phase on the scale (1 is the first); none when not sure or not rated.
    pub level: Option<i64>,
    /// The rater does not know.
    pub not_sure: bool,
    pub priority: Option<Priority>,
    pub evidence: String,
}

impl Rating {
    /// Whether the rater has answered (a level or "not sure").
    pub fn answered(&self) -> bool {
        self.level.is_some() || self.not_sure
    }
}

/// The most evidence text kept per rating.
pub const MAX_NOTE: usize = 5000;

/// Checks a rating against the scale; the error names what is wrong.
pub fn check_rating(scale: &Scale, r: &Rating) -> Result<Rating, String> {
    if let Some(level) = r.level {
        if !scale.contains(level) {
            return Err(format!(
                "Choose a phase from 1 to {}, or \"not sure\".",
                scale.max()
            ));
        }
        if r.not_sure {
            return Err("Choose a phase or \"not sure\", not both.".into());
        }
    }
    let evidence = r.evidence.trim();
    if evidence.chars().count() > MAX_NOTE {
        return Err("Keep the notes under 5,000 characters.".into());
    }
    Ok(Rating {
        level: r.level,
        not_sure: r.not_sure,
        priority: r.priority,
        evidence: evidence.to_owned(),
    })
}

/// How far a member has got: answered indicators out of all.
pub fn progress(indicators: usize, ratings: &BTreeMap<i64, Rating>) -> (usize, usize) {
    (
        ratings.values().filter(|r| r.answered()).count(),
        indicators,
    )
}

/// Members this many phases apart on one indicator are flagged for talk.
pub const DISAGREEMENT: i64 = 2;

/// What the members said about one indicator.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct Spread {
    /// Members who chose a phase.
    pub rated: usize,
    pub not_sure: usize,
    pub lowest: Option<i64>,
    pub highest: Option<i64>,
    /// The mean phase of those who chose one.
    pub mean: Option<f64>,
    /// Highest minus lowest phase.
    pub range: Option<i64>,
    /// Members are two or more phases apart.
    pub disagree: bool,
}

pub fn spread(levels: &[Option<i64>], not_sure: usize) -> Spread {
    let given: Vec<i64> = levels.iter().flatten().copied().collect();
    let lowest = given.iter().min().copied();
    let highest = given.iter().max().copied();
    let range = lowest.zip(highest).map(|(l, h)| h - l);
    Spread {
        rated: given.len(),
        not_sure,
        mean: (!given.is_empty()).then(|| given.iter().sum::<i64>() as f64 / given.len() as f64),
        lowest,
        highest,
        range,
        disagree: range.is_some_and(|r| r >= DISAGREEMENT),
    }
}

/// An indicator's score, 0 to 100: where its phase sits on the scale.
pub fn indicator_score(scale: &Scale, level: i64) -> f64 {
    let (min, max) = (scale.min(), scale.max());
    if max <= min {
        return 100.0;
    }
    ((level - min) as f64 / (max - min) as f64 * 100.0).clamp(0.0, 100.0)
}

/// A consensus rating as frozen in a snapshot, with its indicator.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Frozen {
    pub indicator: Indicator,
    pub rating: Rating,
}

/// An element's score in a snapshot.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct ElementScore {
    pub key: String,
    pub number: i64,
    pub name: String,
    /// 0 to 100, the mean of its rated indicators; none if none is rated.
    pub score: Option<f64>,
    /// Indicators with a phase (not "not sure", not blank).
    pub rated: usize,
    pub indicators: usize,
}

/// Element scores, in element order.
pub fn element_scores(scale: &Scale, frozen: &[Frozen]) -> Vec<ElementScore> {
    element_scores_of(scale, frozen.iter().map(|f| (&f.indicator, &f.rating)))
}

/// Element scores straight from the instrument's indicators and a
/// snapshot's ratings (no copies: the cohort scores every state this way).
pub fn element_scores_from(
    scale: &Scale,
    indicators: &[Indicator],
    ratings: &BTreeMap<i64, Rating>,
) -> Vec<ElementScore> {
    let blank = Rating::default();
    element_scores_of(
        scale,
        indicators
            .iter()
            .map(|i| (i, ratings.get(&i.id).unwrap_or(&blank))),
    )
}

/// Each element's rated indicators and the sum of their phases, as the
/// database adds them up: element key -> (rated, sum of phases).
pub type PhaseSums = BTreeMap<String, (i64, i64)>;

/// Element scores from phase sums: the mean of the indicators' scores is
/// the score of their mean phase, so the database can do the adding.
/// `elements` gives (key, number, name, indicators) in order.
pub fn element_scores_from_sums(
    scale: &Scale,
    elements: &[(String, i64, String, usize)],
    sums: &PhaseSums,
) -> Vec<ElementScore> {
    let (min, max) = (scale.min() as f64, scale.max() as f64);
    elements
        .iter()
        .map(|(key, number, name, indicators)| {
            let (rated, sum) = sums.get(key).copied().unwrap_or((0, 0));
            ElementScore {
                key: key.clone(),
                number: *number,
                name: name.clone(),
                score: (rated > 0).then(|| {
                    let mean = sum as f64 / rated as f64;
                    if max > min {
                        ((mean - min) / (max - min) * 100.0).clamp(0.0, 100.0)
                    } else {
                        100.0
                    }
                }),
                rated: rated as usize,
                indicators: *indicators,
            }
        })
        .collect()
}

fn element_scores_of<'a>(
    scale: &Scale,
    rated: impl Iterator<Item = (&'a Indicator, &'a Rating)>,
) -> Vec<ElementScore> {
    let mut out: Vec<ElementScore> = Vec::new();
    let mut sums: Vec<f64> = Vec::new();
    for (indicator, rating) in rated {
        let i = match out.iter().position(|e| e.key == indicator.element_key) {
            Some(i) => i,
            None => {
                out.push(ElementScore {
                    key: indicator.element_key.clone(),
                    number: indicator.element_number,
                    name: indicator.element_name.clone(),
                    score: None,
                    rated: 0,
                    indicators: 0,
                });
                sums.push(0.0);
                out.len() - 1
            }
        };
        out[i].indicators += 1;
        if let Some(level) = rating.level {
            out[i].rated += 1;
            sums[i] += indicator_score(scale, level);
        }
    }
    for (e, sum) in out.iter_mut().zip(sums) {
        e.score = (e.rated > 0).then(|| sum / e.rated as f64);
    }
    out.sort_by_key(|e| e.number);
    out
}

/// A component's score through the crosswalk.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct ComponentScore {
    pub key: String,
    /// 0 to 100: the mean of the rated indicators tagged with it.
    pub score: Option<f64>,
    pub rated: usize,
}

/// Component scores, in the order the components are given.
pub fn component_scores(
    scale: &Scale,
    frozen: &[Frozen],
    components: &[String],
) -> Vec<ComponentScore> {
    components
        .iter()
        .map(|key| {
            let scores: Vec<f64> = frozen
                .iter()
                .filter(|f| f.indicator.components.contains(key))
                .filter_map(|f| f.rating.level)
                .map(|l| indicator_score(scale, l))
                .collect();
            ComponentScore {
                key: key.clone(),
                rated: scores.len(),
                score: (!scores.is_empty())
                    .then(|| scores.iter().sum::<f64>() / scores.len() as f64),
            }
        })
        .collect()
}

/// How far an indicator is from the top of the scale, 0 to 1. "Not sure"
/// counts as a full gap: the team cannot say it is in place. A blank
/// indicator has no gap to weigh.
pub fn gap(scale: &Scale, r: &Rating) -> Option<f64> {
    if r.not_sure {
        return Some(1.0);
    }
    let level = r.level?;
    Some(1.0 - indicator_score(scale, level) / 100.0)
}

/// An indicator's gap weighted by its priority (unset counts as medium).
pub fn weighted_gap(scale: &Scale, r: &Rating) -> Option<f64> {
    Some(gap(scale, r)? * r.priority.unwrap_or(Priority::Medium).weight())
}

/// One element as a priority: its weighted gaps added up.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct RankedPriority {
    pub rank: usize,
    pub element_key: String,
    pub element_name: String,
    /// The sum of the element's weighted gaps, divided by its indicators
    /// (so elements with more strategies do not win by size): 0 to 3.
    pub weight: f64,
    /// The element's indicators with a gap, largest first: (indicator id, weighted gap).
    pub indicators: Vec<(i64, f64)>,
}

/// Elements ranked by their weighted gap, largest first (ties by element
/// number). Elements with no gap at all are left out.
pub fn ranked_priorities(scale: &Scale, frozen: &[Frozen]) -> Vec<RankedPriority> {
    // (element number, key) -> (name, gaps, indicators)
    type Gaps = (String, Vec<(i64, f64)>, usize);
    let mut by_element: BTreeMap<(i64, String), Gaps> = BTreeMap::new();
    for f in frozen {
        let entry = by_element
            .entry((f.indicator.element_number, f.indicator.element_key.clone()))
            .or_insert_with(|| (f.indicator.element_name.clone(), Vec::new(), 0));
        entry.2 += 1;
        if let Some(g) = weighted_gap(scale, &f.rating)
            && g > 0.0
        {
            entry.1.push((f.indicator.id, g));
        }
    }
    let mut out: Vec<(i64, RankedPriority)> = by_element
        .into_iter()
        .filter(|(_, (_, gaps, _))| !gaps.is_empty())
        .map(|((number, key), (name, mut gaps, count))| {
            gaps.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
            let weight = gaps.iter().map(|(_, g)| g).sum::<f64>() / count.max(1) as f64;
            (
                number,
                RankedPriority {
                    rank: 0,
                    element_key: key,
                    element_name: name,
                    weight,
                    indicators: gaps,
                },
            )
        })
        .collect();
    out.sort_by(|a, b| b.1.weight.total_cmp(&a.1.weight).then(a.0.cmp(&b.0)));
    out.into_iter()
        .enumerate()
        .map(|(i, (_, mut p))| {
            p.rank = i + 1;
            p
        })
        .collect()
}

/// The change in one element between two snapshots.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct ElementChange {
    pub key: String,
    pub name: String,
    pub before: Option<f64>,
    pub after: Option<f64>,
    /// After minus before, when both are known.
    pub change: Option<f64>,
}

pub fn element_changes(before: &[ElementScore], after: &[ElementScore]) -> Vec<ElementChange> {
    after
        .iter()
        .map(|a| {
            let b = before.iter().find(|b| b.key == a.key).and_then(|b| b.score);
            ElementChange {
                key: a.key.clone(),
                name: a.name.clone(),
                before: b,
                after: a.score,
                change: b.zip(a.score).map(|(b, a)| a - b),
            }
        })
        .collect()
}

/// The change in one indicator's phase between two snapshots.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct IndicatorChange {
    pub indicator_id: i64,
    pub before: Option<i64>,
    pub after: Option<i64>,
    pub change: Option<i64>,
}

/// Indicators whose phase moved (or became known) between snapshots.
pub fn indicator_changes(before: &[Frozen], after: &[Frozen]) -> Vec<IndicatorChange> {
    after
        .iter()
        .filter_map(|a| {
            let b = before
                .iter()
                .find(|b| b.indicator.id == a.indicator.id)
                .and_then(|b| b.rating.level);
            let now = a.rating.level;
            (b != now).then(|| IndicatorChange {
                indicator_id: a.indicator.id,
                before: b,
                after: now,
                change: b.zip(now).map(|(b, a)| a - b),
            })
        })
        .collect()
}

/// When a snapshot is taken in the program year.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum SnapshotKind {
    Baseline,
    MidYear,
    Final,
}

impl SnapshotKind {
    pub const ALL: [SnapshotKind; 3] = [
        SnapshotKind::Baseline,
        SnapshotKind::MidYear,
        SnapshotKind::Final,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            SnapshotKind::Baseline => "baseline",
            SnapshotKind::MidYear => "mid_year",
            SnapshotKind::Final => "final",
        }
    }

    pub fn parse(s: &str) -> Option<SnapshotKind> {
        SnapshotKind::ALL
            .into_iter()
            .find(|k| k.as_str() == s.trim())
    }

    pub fn label(self) -> &'static str {
        match self {
            SnapshotKind::Baseline => "Baseline",
            SnapshotKind::MidYear => "Mid-year",
            SnapshotKind::Final => "Final",
        }
    }

    /// The snapshot that comes next, after those already taken.
    pub fn next(taken: &[SnapshotKind]) -> Option<SnapshotKind> {
        SnapshotKind::ALL.into_iter().find(|k| !taken.contains(k))
    }
}

/// May the lead freeze the consensus as `kind` now? Snapshots come in
/// order, once each, and every indicator needs a consensus answer.
pub fn check_snapshot(
    kind: SnapshotKind,
    taken: &[SnapshotKind],
    indicators: usize,
    consensus_answered: usize,
) -> Result<(), String> {
    if taken.contains(&kind) {
        return Err(format!(
            "The {} snapshot is already taken; snapshots never change.",
            kind.label().to_lowercase()
        ));
    }
    if SnapshotKind::next(taken) != Some(kind) {
        let next = SnapshotKind::next(taken)
            .map(|k| k.label())
            .unwrap_or("none");
        return Err(format!("Snapshots come in order; the next one is: {next}."));
    }
    if consensus_answered < indicators {
        return Err(format!(
            "{} of {indicators} indicators still need a consensus rating (a phase or \"not sure\").",
            indicators - consensus_answered
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scale() -> Scale {
        Scale::default_four_phases()
    }

    fn indicator(id: i64, element: (i64, &str), components: &[&str]) -> Indicator {
        Indicator {
            id,
            element_key: element.1.into(),
            element_number: element.0,
            element_name: format!("Element {}", element.0),
            strategy_key: format!("{}-{id}", element.1),
            text: format!("Strategy {id}"),
            components: components.iter().map(|c| c.to_string()).collect(),
        }
    }

    fn frozen(
        id: i64,
        element: (i64, &str),
        level: Option<i64>,
        priority: Option<Priority>,
    ) -> Frozen {
        Frozen {
            indicator: indicator(id, element, &["c1"]),
            rating: Rating {
                level,
                not_sure: false,
                priority,
                evidence: String::new(),
            },
        }
    }

    #[test]
    fn ratings_are_checked_against_the_scale() {
        let s = scale();
        let ok = check_rating(
            &s,
            &Rating {
                level: Some(4),
                evidence: " x ".into(),
                ..Default::default()
            },
        )
        .unwrap();
        assert_eq!(ok.evidence, "x");
        assert!(
            check_rating(
                &s,
                &Rating {
                    level: Some(5),
                    ..Default::default()
                }
            )
            .is_err()
        );
        assert!(
            check_rating(
                &s,
                &Rating {
                    level: Some(0),
                    ..Default::default()
                }
            )
            .is_err()
        );
        assert!(
            check_rating(
                &s,
                &Rating {
                    level: Some(2),
                    not_sure: true,
                    ..Default::default()
                }
            )
            .unwrap_err()
            .contains("not both")
        );
        assert!(
            check_rating(
                &s,
                &Rating {
                    not_sure: true,
                    ..Default::default()
                }
            )
            .is_ok()
        );
        assert!(
            check_rating(
                &s,
                &Rating {
                    evidence: "x".repeat(5001),
                    ..Default::default()
                }
            )
            .is_err()
        );
    }

    #[test]
    fn progress_counts_answers_including_not_sure() {
        let mut r = BTreeMap::new();
        r.insert(
            1,
            Rating {
                level: Some(2),
                ..Default::default()
            },
        );
        r.insert(
            2,
            Rating {
                not_sure: true,
                ..Default::default()
            },
        );
        r.insert(
            3,
            Rating {
                evidence: "thinking".into(),
                ..Default::default()
            },
        );
        assert_eq!(progress(10, &r), (2, 10));
    }

    #[test]
    fn spread_flags_members_two_phases_apart() {
        let s = spread(&[Some(1), Some(3), None], 1);
        assert_eq!(s.rated, 2);
        assert_eq!(s.not_sure, 1);
        assert_eq!(s.range, Some(2));
        assert!(s.disagree);
        assert_eq!(s.mean, Some(2.0));
        let close = spread(&[Some(2), Some(3), Some(3)], 0);
        assert!(!close.disagree);
        let nobody = spread(&[None, None], 2);
        assert_eq!(
            (nobody.range, nobody.disagree, nobody.mean),
            (None, false, None)
        );
    }

    #[test]
    fn indicator_scores_run_from_0_to_100_across_the_phases() {
        let s = scale();
        assert_eq!(indicator_score(&s, 1), 0.0);
        assert!((indicator_score(&s, 2) - 100.0 / 3.0).abs() < 1e-9);
        assert_eq!(indicator_score(&s, 4), 100.0);
    }

    #[test]
    fn element_scores_average_rated_indicators_and_skip_not_sure() {
        let s = scale();
        let mut f = vec![
            frozen(1, (1, "a"), Some(4), None),
            frozen(2, (1, "a"), Some(2), None),
            frozen(3, (2, "b"), None, None),
            frozen(4, (1, "a"), None, None),
        ];
        f[3].rating.not_sure = true;
        let scores = element_scores(&s, &f);
        assert_eq!(scores.len(), 2);
        assert_eq!(scores[0].key, "a");
        assert_eq!((scores[0].rated, scores[0].indicators), (2, 3));
        assert!((scores[0].score.unwrap() - (100.0 + 100.0 / 3.0) / 2.0).abs() < 1e-9);
        assert_eq!(scores[1].score, None);
    }

    #[test]
    fn scores_from_phase_sums_equal_scores_from_the_ratings() {
        let s = scale();
        let mut f = vec![
            frozen(1, (1, "a"), Some(4), None),
            frozen(2, (1, "a"), Some(2), None),
            frozen(3, (2, "b"), None, None),
            frozen(4, (1, "a"), Some(1), None),
        ];
        f[2].rating.not_sure = true;
        let direct = element_scores(&s, &f);
        let elements = vec![
            ("a".to_owned(), 1, "Element 1".to_owned(), 3),
            ("b".to_owned(), 2, "Element 2".to_owned(), 1),
        ];
        let sums: PhaseSums = [("a".to_owned(), (3, 7))].into_iter().collect();
        let summed = element_scores_from_sums(&s, &elements, &sums);
        assert_eq!(summed.len(), direct.len());
        for (a, b) in summed.iter().zip(&direct) {
            assert_eq!(
                (&a.key, a.rated, a.indicators),
                (&b.key, b.rated, b.indicators)
            );
            match (a.score, b.score) {
                (Some(x), Some(y)) => assert!((x - y).abs() < 1e-9, "{x} {y}"),
                (x, y) => assert_eq!(x, y),
            }
        }
    }

    #[test]
    fn component_scores_come_through_the_crosswalk_tags() {
        let s = scale();
        let mut f = vec![
            frozen(1, (1, "a"), Some(4), None),
            frozen(2, (2, "b"), Some(1), None),
        ];
        f[0].indicator.components = vec!["c1".into(), "c2".into()];
        f[1].indicator.components = vec!["c2".into()];
        let c = component_scores(&s, &f, &["c1".into(), "c2".into(), "c3".into()]);
        assert_eq!(c[0].score, Some(100.0));
        assert_eq!(c[1].score, Some(50.0));
        assert_eq!((c[2].score, c[2].rated), (None, 0));
    }

    #[test]
    fn gaps_weigh_by_priority_and_not_sure_is_a_full_gap() {
        let s = scale();
        let top = Rating {
            level: Some(4),
            priority: Some(Priority::High),
            ..Default::default()
        };
        assert_eq!(weighted_gap(&s, &top), Some(0.0));
        let low = Rating {
            level: Some(1),
            priority: Some(Priority::High),
            ..Default::default()
        };
        assert_eq!(weighted_gap(&s, &low), Some(3.0));
        let unsure = Rating {
            not_sure: true,
            priority: Some(Priority::Low),
            ..Default::default()
        };
        assert_eq!(weighted_gap(&s, &unsure), Some(1.0));
        let unset = Rating {
            level: Some(1),
            ..Default::default()
        };
        assert_eq!(
            weighted_gap(&s, &unset),
            Some(2.0),
            "no priority counts as medium"
        );
        assert_eq!(weighted_gap(&s, &Rating::default()), None);
    }

    #[test]
    fn priorities_rank_elements_by_weighted_gap() {
        let s = scale();
        let f = vec![
            // Element 1: one indicator at phase 1, high: gap 3 over 2 indicators = 1.5.
            frozen(1, (1, "a"), Some(1), Some(Priority::High)),
            frozen(2, (1, "a"), Some(4), Some(Priority::High)),
            // Element 2: phase 2, medium: gap 2/3*2 = 1.333 over 1.
            frozen(3, (2, "b"), Some(2), Some(Priority::Medium)),
            // Element 3: all at the top: no gap, left out.
            frozen(4, (3, "c"), Some(4), Some(Priority::Low)),
            // Element 4: same weight as element 2, later number.
            frozen(5, (4, "d"), Some(2), Some(Priority::Medium)),
        ];
        let p = ranked_priorities(&s, &f);
        let keys: Vec<_> = p.iter().map(|p| p.element_key.as_str()).collect();
        assert_eq!(keys, ["a", "b", "d"]);
        assert_eq!(p[0].rank, 1);
        assert!((p[0].weight - 1.5).abs() < 1e-9);
        assert_eq!(p[0].indicators, vec![(1, 3.0)]);
    }

    #[test]
    fn change_between_snapshots_by_element_and_indicator() {
        let s = scale();
        let before = vec![
            frozen(1, (1, "a"), Some(1), None),
            frozen(2, (2, "b"), None, None),
        ];
        let after = vec![
            frozen(1, (1, "a"), Some(3), None),
            frozen(2, (2, "b"), Some(2), None),
        ];
        let e = element_changes(&element_scores(&s, &before), &element_scores(&s, &after));
        assert!((e[0].change.unwrap() - 200.0 / 3.0).abs() < 1e-9);
        assert_eq!(e[1].before, None);
        assert_eq!(e[1].change, None);
        let i = indicator_changes(&before, &after);
        assert_eq!(i.len(), 2);
        assert_eq!(i[0].change, Some(2));
        assert_eq!(
            (i[1].before, i[1].after, i[1].change),
            (None, Some(2), None)
        );
        assert!(indicator_changes(&after, &after).is_empty());
    }

    #[test]
    fn snapshots_come_in_order_once_each_and_need_a_full_consensus() {
        use SnapshotKind::*;
        assert!(check_snapshot(Baseline, &[], 10, 10).is_ok());
        assert!(
            check_snapshot(Baseline, &[], 10, 9)
                .unwrap_err()
                .contains("1 of 10")
        );
        assert!(
            check_snapshot(MidYear, &[], 10, 10)
                .unwrap_err()
                .contains("next one is: Baseline")
        );
        assert!(
            check_snapshot(Baseline, &[Baseline], 10, 10)
                .unwrap_err()
                .contains("never change")
        );
        assert!(check_snapshot(MidYear, &[Baseline], 10, 10).is_ok());
        assert_eq!(SnapshotKind::next(&[Baseline, MidYear, Final]), None);
    }
}

//! Review and selection: reviewers are assigned applications (never their
//! own state's), score the program's rubric with comments, and the admin
//! compares, ranks and decides. The rules here are plain functions; SQL is
//! in `store`, the steps that change things in `service`.

pub mod api;
pub mod handlers;
pub mod service;
pub mod store;

use std::collections::{BTreeMap, HashMap};

use serde::{Deserialize, Serialize};

pub use crate::web::FieldErrors;

/// Each criterion is scored on a five-point scale.
pub const SCORE_LABELS: [(i64, &str); 5] = [
    (1, "1: weak"),
    (2, "2: fair"),
    (3, "3: good"),
    (4, "4: strong"),
    (5, "5: excellent"),
];

/// How many reviewers each application gets when the admin assigns them
/// automatically, unless told otherwise.
pub const DEFAULT_REVIEWERS_PER_APPLICATION: usize = 3;

/// A person who may review, with the states they belong to.
#[derive(Debug, Clone)]
pub struct Reviewer {
    pub id: i64,
    pub name: String,
    /// Their home state and every state any of their roles names.
    pub states: Vec<String>,
}

/// Why a reviewer may not review a state's application, if they may not.
pub fn recusal(reviewer: &Reviewer, state_code: &str) -> Option<String> {
    reviewer
        .states
        .iter()
        .any(|s| s.eq_ignore_ascii_case(state_code))
        .then(|| {
            format!(
                "{} is from {state_code} and cannot review {state_code}'s application.",
                reviewer.name
            )
        })
}

/// An application waiting for reviewers.
#[derive(Debug, Clone)]
pub struct Opening {
    pub application_id: i64,
    pub state_code: String,
    /// Reviewers already assigned.
    pub assigned: Vec<i64>,
}

/// Fills each application up to `per_application` reviewers, giving each
/// new assignment to the eligible reviewer with the fewest assignments so
/// far (ties to the lower id, so the result is the same every time).
/// Returns the new (application, reviewer) pairs.
pub fn auto_assign(
    openings: &[Opening],
    reviewers: &[Reviewer],
    per_application: usize,
) -> Vec<(i64, i64)> {
    let mut load: HashMap<i64, usize> = reviewers.iter().map(|r| (r.id, 0)).collect();
    for o in openings {
        for r in &o.assigned {
            if let Some(n) = load.get_mut(r) {
                *n += 1;
            }
        }
    }
    let mut made = Vec::new();
    for o in openings {
        let mut have = o.assigned.clone();
        while have.len() < per_application {
            let next = reviewers
                .iter()
                .filter(|r| !have.contains(&r.id) && recusal(r, &o.state_code).is_none())
                .min_by_key(|r| (load[&r.id], r.id));
            let Some(r) = next else { break };
            have.push(r.id);
            *load.get_mut(&r.id).expect("every reviewer has a load") += 1;
            made.push((o.application_id, r.id));
        }
    }
    made
}

/// One rubric criterion as a reviewer scores it.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Criterion {
    pub id: i64,
    pub criterion: String,
    /// Weight in percent.
    pub weight: i64,
}

/// A criterion's score and comment as the reviewer typed them.
#[derive(Debug, Clone, Default, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(default)]
pub struct ScoreInput {
    pub criterion_id: i64,
    /// 1 (weak) to 5 (excellent); empty while still a draft.
    pub score: Option<i64>,
    pub comment: String,
}

#[derive(Debug, Default, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(default)]
pub struct ReviewRequest {
    /// A score (1 to 5, or null while a draft) and comment per criterion.
    pub scores: Vec<ScoreInput>,
    /// Submit the review: every criterion must then be scored.
    pub submit: bool,
}

/// Checks a review's scores against the rubric. With `complete`, every
/// criterion needs a score (submitting); without, blanks are kept (a
/// draft). Errors name the field `score-<criterion id>`.
pub fn check_scores(
    rubric: &[Criterion],
    inputs: &[ScoreInput],
    complete: bool,
) -> Result<Vec<ScoreInput>, Vec<(String, String)>> {
    let mut errors = Vec::new();
    let by_id: HashMap<i64, &ScoreInput> = inputs.iter().map(|s| (s.criterion_id, s)).collect();
    for s in inputs {
        if !rubric.iter().any(|c| c.id == s.criterion_id) {
            errors.push((
                "scores".to_owned(),
                format!("There is no rubric criterion number {}.", s.criterion_id),
            ));
        }
    }
    let mut out = Vec::new();
    for c in rubric {
        let given = by_id.get(&c.id);
        let score = given.and_then(|s| s.score);
        let comment = given
            .map(|s| s.comment.trim().to_owned())
            .unwrap_or_default();
        match score {
            Some(n) if !(1..=5).contains(&n) => errors.push((
                format!("score-{}", c.id),
                format!("Score \"{}\" from 1 to 5.", c.criterion),
            )),
            None if complete => errors.push((
                format!("score-{}", c.id),
                format!("Score \"{}\" before submitting the review.", c.criterion),
            )),
            _ => {}
        }
        if comment.chars().count() > 5000 {
            errors.push((
                format!("comment-{}", c.id),
                "Keep each comment under 5,000 characters.".to_owned(),
            ));
        }
        out.push(ScoreInput {
            criterion_id: c.id,
            score,
            comment,
        });
    }
    if errors.is_empty() {
        Ok(out)
    } else {
        Err(errors)
    }
}

/// A review's total, 0 to 100: each criterion's score out of 5 times its
/// weight. None until every criterion with weight is scored.
pub fn weighted_total(scored: &[(i64, Option<i64>)]) -> Option<f64> {
    let weights: i64 = scored.iter().map(|(w, _)| *w).sum();
    if weights <= 0 {
        return None;
    }
    let mut sum = 0.0;
    for (weight, score) in scored {
        if *weight == 0 {
            continue;
        }
        sum += *weight as f64 * (*score)? as f64 / 5.0;
    }
    Some(sum * 100.0 / weights as f64)
}

/// What the reviewers' totals say together.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, utoipa::ToSchema)]
pub struct Summary {
    /// Completed reviews counted.
    pub reviews: usize,
    /// Their average total, 0 to 100.
    pub average: Option<f64>,
    /// The highest total minus the lowest: a wide spread is worth a
    /// conversation before deciding.
    pub spread: Option<f64>,
}

/// A spread this wide (points out of 100) is flagged for discussion.
pub const WIDE_SPREAD: f64 = 20.0;

pub fn summarize(totals: &[f64]) -> Summary {
    if totals.is_empty() {
        return Summary {
            reviews: 0,
            average: None,
            spread: None,
        };
    }
    let sum: f64 = totals.iter().sum();
    let max = totals.iter().cloned().fold(f64::MIN, f64::max);
    let min = totals.iter().cloned().fold(f64::MAX, f64::min);
    Summary {
        reviews: totals.len(),
        average: Some(sum / totals.len() as f64),
        spread: Some(max - min),
    }
}

/// The order the admin sees applications in: by the rank the admin gave,
/// then unranked ones by average score (highest first), then by state.
pub fn order(rows: &mut [(Option<i64>, Option<f64>, String)]) {
    rows.sort_by(|a, b| {
        let rank = |r: &Option<i64>| r.unwrap_or(i64::MAX);
        rank(&a.0)
            .cmp(&rank(&b.0))
            .then(
                b.1.unwrap_or(-1.0)
                    .partial_cmp(&a.1.unwrap_or(-1.0))
                    .unwrap_or(std::cmp::Ordering::Equal),
            )
            .then(a.2.cmp(&b.2))
    });
}

/// Checks a ranking: state code to rank as typed (blank for unranked).
/// Ranks are whole numbers from 1, each used once.
pub fn check_ranking(
    typed: &BTreeMap<String, String>,
) -> Result<BTreeMap<String, Option<i64>>, FieldErrors> {
    let mut out = BTreeMap::new();
    let mut seen: HashMap<i64, String> = HashMap::new();
    let mut errors = FieldErrors::new();
    for (state, text) in typed {
        let text = text.trim();
        if text.is_empty() {
            out.insert(state.clone(), None);
            continue;
        }
        match text.parse::<i64>() {
            Ok(n) if (1..=100).contains(&n) => {
                if let Some(other) = seen.insert(n, state.clone()) {
                    errors.push((
                        "ranking",
                        format!(
                            "{other} and {state} both have rank {n}; give each state its own rank."
                        ),
                    ));
                }
                out.insert(state.clone(), Some(n));
            }
            _ => errors.push((
                "ranking",
                format!("{state}'s rank \"{text}\" is not a whole number from 1 to 100."),
            )),
        }
    }
    if errors.is_empty() {
        Ok(out)
    } else {
        Err(errors)
    }
}

/// The admin's decision on a submitted application.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[schema(as = SelectionDecision)]
#[serde(rename_all = "snake_case")]
pub enum Decision {
    Selected,
    Waitlisted,
    Declined,
}

impl Decision {
    pub const ALL: [Decision; 3] = [Decision::Selected, Decision::Waitlisted, Decision::Declined];

    pub fn as_str(self) -> &'static str {
        match self {
            Decision::Selected => "selected",
            Decision::Waitlisted => "waitlisted",
            Decision::Declined => "declined",
        }
    }

    pub fn parse(s: &str) -> Option<Decision> {
        Decision::ALL.into_iter().find(|d| d.as_str() == s.trim())
    }

    pub fn is_selected(&self) -> bool {
        *self == Decision::Selected
    }

    pub fn label(self) -> &'static str {
        match self {
            Decision::Selected => "Selected",
            Decision::Waitlisted => "Waitlisted",
            Decision::Declined => "Not selected",
        }
    }
}

/// May the admin record `new` on an application that is `submitted` (or
/// not) and already has `current`? A selection is final: the state's team
/// exists from then on.
pub fn check_decision(
    submitted: bool,
    current: Option<Decision>,
    new: Decision,
    message: &str,
) -> Result<(), FieldErrors> {
    if !submitted {
        return Err(vec![(
            "decision",
            "Only a submitted application can be decided.".into(),
        )]);
    }
    if current == Some(Decision::Selected) {
        return Err(vec![(
            "decision",
            "This state is already selected and its team has been formed; a selection cannot be changed."
                .into(),
        )]);
    }
    if current == Some(new) {
        return Err(vec![(
            "decision",
            format!("This application is already marked \"{}\".", new.label()),
        )]);
    }
    if message.trim().chars().count() > 5000 {
        return Err(vec![(
            "message",
            "Keep the message under 5,000 characters.".into(),
        )]);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reviewer(id: i64, states: &[&str]) -> Reviewer {
        Reviewer {
            id,
            name: format!("R{id}"),
            states: states.iter().map(|s| s.to_string()).collect(),
        }
    }

    fn opening(id: i64, state: &str, assigned: &[i64]) -> Opening {
        Opening {
            application_id: id,
            state_code: state.into(),
            assigned: assigned.to_vec(),
        }
    }

    #[test]
    fn a_reviewer_from_the_applying_state_is_recused() {
        let r = reviewer(1, &["KS"]);
        assert!(recusal(&r, "KS").unwrap().contains("cannot review"));
        assert!(recusal(&r, "ks").is_some());
        assert!(recusal(&r, "CO").is_none());
    }

    #[test]
    fn auto_assignment_never_assigns_a_reviewer_their_own_state() {
        let reviewers = [reviewer(1, &["CO"]), reviewer(2, &["KS"]), reviewer(3, &[])];
        let openings = [
            opening(10, "CO", &[]),
            opening(11, "KS", &[]),
            opening(12, "MA", &[]),
        ];
        let made = auto_assign(&openings, &reviewers, 3);
        assert!(!made.contains(&(10, 1)));
        assert!(!made.contains(&(11, 2)));
        // CO and KS each get the two reviewers who may read them; MA all three.
        assert_eq!(made.iter().filter(|(a, _)| *a == 10).count(), 2);
        assert_eq!(made.iter().filter(|(a, _)| *a == 11).count(), 2);
        assert_eq!(made.iter().filter(|(a, _)| *a == 12).count(), 3);
    }

    #[test]
    fn auto_assignment_spreads_the_load_and_keeps_existing_assignments() {
        let reviewers = [reviewer(1, &[]), reviewer(2, &[]), reviewer(3, &[])];
        let openings = [
            opening(10, "CO", &[1]),
            opening(11, "KS", &[]),
            opening(12, "MA", &[]),
        ];
        let made = auto_assign(&openings, &reviewers, 1);
        assert_eq!(made, vec![(11, 2), (12, 3)]);
        let again = auto_assign(&openings, &reviewers, 1);
        assert_eq!(made, again, "the same input gives the same assignments");
    }

    fn rubric() -> Vec<Criterion> {
        vec![
            Criterion {
                id: 1,
                criterion: "Responses".into(),
                weight: 50,
            },
            Criterion {
                id: 2,
                criterion: "Team".into(),
                weight: 25,
            },
            Criterion {
                id: 3,
                criterion: "Commitment".into(),
                weight: 25,
            },
        ]
    }

    fn score(id: i64, s: Option<i64>) -> ScoreInput {
        ScoreInput {
            criterion_id: id,
            score: s,
            comment: " ok ".into(),
        }
    }

    #[test]
    fn drafts_may_leave_scores_blank_but_submissions_may_not() {
        let partial = [score(1, Some(4))];
        let draft = check_scores(&rubric(), &partial, false).unwrap();
        assert_eq!(draft.len(), 3);
        assert_eq!(draft[0].comment, "ok");
        let errs = check_scores(&rubric(), &partial, true).unwrap_err();
        let fields: Vec<_> = errs.iter().map(|(f, _)| f.as_str()).collect();
        assert_eq!(fields, ["score-2", "score-3"]);
    }

    #[test]
    fn scores_outside_one_to_five_and_unknown_criteria_are_refused() {
        let errs =
            check_scores(&rubric(), &[score(1, Some(6)), score(9, Some(3))], false).unwrap_err();
        let fields: Vec<_> = errs.iter().map(|(f, _)| f.as_str()).collect();
        assert_eq!(fields, ["scores", "score-1"]);
    }

    #[test]
    fn the_total_weighs_each_criterion() {
        // 50% at 5/5, 25% at 3/5, 25% at 1/5 = 50 + 15 + 5.
        let t = weighted_total(&[(50, Some(5)), (25, Some(3)), (25, Some(1))]).unwrap();
        assert!((t - 70.0).abs() < 1e-9, "{t}");
        assert_eq!(weighted_total(&[(50, Some(5)), (50, None)]), None);
        assert_eq!(weighted_total(&[(0, None), (100, Some(5))]), Some(100.0));
        assert_eq!(weighted_total(&[]), None);
    }

    #[test]
    fn summary_gives_average_and_spread() {
        let s = summarize(&[70.0, 90.0, 80.0]);
        assert_eq!(s.reviews, 3);
        assert_eq!(s.average, Some(80.0));
        assert_eq!(s.spread, Some(20.0));
        assert_eq!(summarize(&[]).average, None);
    }

    #[test]
    fn ranked_states_come_first_then_by_average() {
        let mut rows = vec![
            (None, Some(90.0), "MA".to_string()),
            (Some(2), Some(60.0), "KS".to_string()),
            (None, None, "AL".to_string()),
            (Some(1), Some(50.0), "CO".to_string()),
            (None, Some(95.0), "OR".to_string()),
        ];
        order(&mut rows);
        let states: Vec<_> = rows.iter().map(|r| r.2.as_str()).collect();
        assert_eq!(states, ["CO", "KS", "OR", "MA", "AL"]);
    }

    #[test]
    fn a_ranking_uses_each_rank_once() {
        let typed: BTreeMap<String, String> = [("CO", "1"), ("KS", " 2 "), ("MA", "")]
            .into_iter()
            .map(|(a, b)| (a.into(), b.into()))
            .collect();
        let ok = check_ranking(&typed).unwrap();
        assert_eq!(ok["KS"], Some(2));
        assert_eq!(ok["MA"], None);
        let typed: BTreeMap<String, String> = [("CO", "1"), ("KS", "1"), ("MA", "first")]
            .into_iter()
            .map(|(a, b)| (a.into(), b.into()))
            .collect();
        let errs = check_ranking(&typed).unwrap_err();
        assert_eq!(errs.len(), 2);
        assert!(errs[0].1.contains("both have rank 1"));
        assert!(errs[1].1.contains("\"first\""));
    }

    #[test]
    fn a_selection_is_final_and_only_submitted_applications_are_decided() {
        use Decision::*;
        assert!(check_decision(true, None, Selected, "").is_ok());
        assert!(check_decision(true, Some(Waitlisted), Selected, "").is_ok());
        assert!(check_decision(true, Some(Declined), Waitlisted, "").is_ok());
        assert!(check_decision(false, None, Declined, "").is_err());
        assert!(check_decision(true, Some(Selected), Declined, "").is_err());
        assert!(check_decision(true, Some(Waitlisted), Waitlisted, "").is_err());
        assert_eq!(
            check_decision(true, None, Declined, &"x".repeat(5001)).unwrap_err()[0].0,
            "message"
        );
    }
}

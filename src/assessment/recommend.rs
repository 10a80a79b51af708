//! Recommendations for a snapshot's top priorities: the element's
//! strategies the state has not put in place yet, the subject-matter
//! experts who know the element, and peer states strong on it that share
//! their results.
//!
//! Everything in this file is a plain function on plain types.

use serde::Serialize;

use super::cohort::STRONG;
use super::{Frozen, RankedPriority, Scale};

/// How many of the ranked priorities get recommendations.
pub const TOP: usize = 3;

/// How many Exchange resources each recommendation lists.
pub const RESOURCES: usize = 3;

/// A published Exchange resource tagged with the element's topic.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct ResourceLink {
    pub id: i64,
    pub title: String,
    pub source_org: String,
}

/// The Exchange topic of an element of the Six Key Elements.
pub fn topic_of(element_key: &str) -> String {
    format!("{}/{element_key}", crate::framework::SIX_KEY_ELEMENTS)
}

/// A subject-matter expert and the elements they know.
#[derive(Debug, Clone, PartialEq)]
pub struct Expert {
    pub user_id: i64,
    pub name: String,
    pub email: String,
    pub elements: Vec<String>,
}

/// Groups rows of (user id, name, email, element key) by expert, in the
/// order of the rows.
pub fn experts_from_rows(rows: Vec<(i64, String, String, String)>) -> Vec<Expert> {
    let mut out: Vec<Expert> = Vec::new();
    for (id, name, email, key) in rows {
        match out.iter_mut().find(|e| e.user_id == id) {
            Some(e) => e.elements.push(key),
            None => out.push(Expert {
                user_id: id,
                name,
                email,
                elements: vec![key],
            }),
        }
    }
    out
}

/// Another state of the program, with its latest element scores.
#[derive(Debug, Clone, PartialEq)]
pub struct PeerCandidate {
    pub state_code: String,
    pub state_name: String,
    /// Whether the state shares its results with the other states.
    pub shared: bool,
    /// Element key -> score, 0 to 100 (none when not rated).
    pub scores: Vec<(String, Option<f64>)>,
}

/// A strategy the state has not put in place yet.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct StrategyToDo {
    pub indicator_id: i64,
    pub strategy_key: String,
    pub text: String,
    /// Where the team put it: a phase's name, "Not sure" or "Not rated".
    pub status: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct ExpertContact {
    pub name: String,
    pub email: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct PeerState {
    pub state_code: String,
    pub state_name: String,
    /// The peer's element score in its latest snapshot, 0 to 100.
    pub score: f64,
}

/// What to do about one top priority.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct Recommendation {
    pub rank: usize,
    pub element_key: String,
    pub element_name: String,
    /// The element's strategies below the scale's third phase (Implementation), "not sure" or not rated.
    pub strategies: Vec<StrategyToDo>,
    /// Subject-matter experts who know the element, by name.
    pub experts: Vec<ExpertContact>,
    /// States in the program that share their results and score 75 or more on the element, highest first (ties by name).
    pub peers: Vec<PeerState>,
    /// The element's Exchange topic, e.g. `six-key-elements/partnerships`
    /// (its page: `/exchange/topics/<topic>`).
    pub topic: String,
    /// Up to three published Exchange resources tagged with the topic, newest first.
    pub resources: Vec<ResourceLink>,
}

/// The phase from which a strategy counts as in place: the scale's third
/// phase (Implementation on the default scale), or its top on a shorter one.
pub fn in_place_from(scale: &Scale) -> i64 {
    scale
        .levels
        .get(2)
        .map(|l| l.value)
        .unwrap_or_else(|| scale.max())
}

/// Recommendations for the top priorities of a snapshot of state `own`.
pub fn recommend(
    scale: &Scale,
    priorities: &[RankedPriority],
    frozen: &[Frozen],
    experts: &[Expert],
    peers: &[PeerCandidate],
    own: &str,
) -> Vec<Recommendation> {
    let threshold = in_place_from(scale);
    priorities
        .iter()
        .take(TOP)
        .map(|p| {
            let strategies = frozen
                .iter()
                .filter(|f| f.indicator.element_key == p.element_key)
                .filter(|f| f.rating.level.is_none_or(|l| l < threshold))
                .map(|f| StrategyToDo {
                    indicator_id: f.indicator.id,
                    strategy_key: f.indicator.strategy_key.clone(),
                    text: f.indicator.text.clone(),
                    status: match (f.rating.level, f.rating.not_sure) {
                        (Some(l), _) => scale.label(l).unwrap_or_default().to_owned(),
                        (None, true) => "Not sure".into(),
                        (None, false) => "Not rated".into(),
                    },
                })
                .collect();
            let mut experts: Vec<ExpertContact> = experts
                .iter()
                .filter(|e| e.elements.contains(&p.element_key))
                .map(|e| ExpertContact {
                    name: e.name.clone(),
                    email: e.email.clone(),
                })
                .collect();
            experts.sort_by(|a, b| a.name.cmp(&b.name).then(a.email.cmp(&b.email)));
            let mut strong: Vec<PeerState> = peers
                .iter()
                .filter(|c| c.shared && c.state_code != own)
                .filter_map(|c| {
                    let score = c
                        .scores
                        .iter()
                        .find(|(k, _)| *k == p.element_key)
                        .and_then(|(_, s)| *s)?;
                    (score.round() >= STRONG).then(|| PeerState {
                        state_code: c.state_code.clone(),
                        state_name: c.state_name.clone(),
                        score,
                    })
                })
                .collect();
            strong.sort_by(|a, b| {
                b.score
                    .round()
                    .total_cmp(&a.score.round())
                    .then(a.state_name.cmp(&b.state_name))
            });
            Recommendation {
                rank: p.rank,
                element_key: p.element_key.clone(),
                element_name: p.element_name.clone(),
                strategies,
                experts,
                peers: strong,
                topic: topic_of(&p.element_key),
                // Filled from the Exchange by the caller (a database read).
                resources: vec![],
            }
        })
        .collect()
}

/// Checks the elements an expert says they know against those they may
/// choose from (key, name); answers the keys, each once, in the order of
/// the choices.
pub fn check_expertise(
    choices: &[(String, String)],
    chosen: &[String],
) -> Result<Vec<String>, String> {
    if let Some(unknown) = chosen
        .iter()
        .find(|k| !choices.iter().any(|(key, _)| key == k.trim()))
    {
        return Err(format!(
            "There is no element \"{}\" to choose; choose from the list.",
            unknown.trim()
        ));
    }
    Ok(choices
        .iter()
        .filter(|(key, _)| chosen.iter().any(|k| k.trim() == key))
        .map(|(key, _)| key.clone())
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::assessment::{Indicator, Priority, Rating, ranked_priorities};

    fn frozen(id: i64, element: (i64, &str), level: Option<i64>, not_sure: bool) -> Frozen {
        Frozen {
            indicator: Indicator {
                id,
                element_key: element.1.into(),
                element_number: element.0,
                element_name: format!("Element {}", element.0),
                strategy_key: format!("{}-{id}", element.1),
                text: format!("Strategy {id}"),
                components: vec![],
            },
            rating: Rating {
                level,
                not_sure,
                priority: Some(Priority::High),
                evidence: String::new(),
            },
        }
    }

    fn peer(code: &str, name: &str, shared: bool, scores: &[(&str, f64)]) -> PeerCandidate {
        PeerCandidate {
            state_code: code.into(),
            state_name: name.into(),
            shared,
            scores: scores
                .iter()
                .map(|(k, s)| (k.to_string(), Some(*s)))
                .collect(),
        }
    }

    /// Four elements, each with a gap, so only the top three get recommendations.
    fn snapshot() -> Vec<Frozen> {
        vec![
            frozen(1, (1, "a"), Some(1), false),
            frozen(2, (1, "a"), Some(3), false),
            frozen(3, (1, "a"), None, true),
            frozen(4, (1, "a"), None, false),
            frozen(5, (2, "b"), Some(2), false),
            frozen(6, (3, "c"), Some(2), false),
            frozen(7, (4, "d"), Some(3), false),
        ]
    }

    #[test]
    fn strategies_not_yet_in_place_are_listed_with_where_the_team_put_them() {
        let scale = Scale::default_four_phases();
        let f = snapshot();
        let p = ranked_priorities(&scale, &f);
        let r = recommend(&scale, &p, &f, &[], &[], "CO");
        assert_eq!(r.len(), TOP, "only the top three priorities");
        let a = r.iter().find(|r| r.element_key == "a").unwrap();
        let ids: Vec<i64> = a.strategies.iter().map(|s| s.indicator_id).collect();
        assert_eq!(ids, [1, 3, 4], "phase 3 (Implementation) is in place");
        let status: Vec<&str> = a.strategies.iter().map(|s| s.status.as_str()).collect();
        assert_eq!(status, ["Initiation", "Not sure", "Not rated"]);
        assert_eq!(a.strategies[0].text, "Strategy 1");
        assert_eq!(a.topic, "six-key-elements/a");
        assert!(
            a.resources.is_empty(),
            "the caller adds the Exchange's resources"
        );
        assert!(r.iter().all(|r| r.element_key != "d"), "d is fourth");
    }

    #[test]
    fn peers_are_strong_sharing_other_states_highest_first_then_by_name() {
        let scale = Scale::default_four_phases();
        let f = snapshot();
        let p = ranked_priorities(&scale, &f);
        let peers = vec![
            peer("OR", "Oregon", true, &[("a", 80.0)]),
            peer("KS", "Kansas", true, &[("a", 80.0)]),
            // Strongest of all, but keeps its results to itself.
            peer("MN", "Minnesota", false, &[("a", 100.0)]),
            // The state itself, strong on the element in an earlier look.
            peer("CO", "Colorado", true, &[("a", 100.0)]),
            peer("MA", "Massachusetts", true, &[("a", 100.0), ("b", 74.0)]),
            peer("WY", "Wyoming", true, &[("a", 60.0)]),
        ];
        let r = recommend(&scale, &p, &f, &[], &peers, "CO");
        let a = r.iter().find(|r| r.element_key == "a").unwrap();
        let codes: Vec<&str> = a.peers.iter().map(|p| p.state_code.as_str()).collect();
        assert_eq!(codes, ["MA", "KS", "OR"]);
        let b = r.iter().find(|r| r.element_key == "b").unwrap();
        assert!(b.peers.is_empty(), "74 is not strong");
    }

    #[test]
    fn experts_who_know_the_element_are_suggested_by_name() {
        let scale = Scale::default_four_phases();
        let f = snapshot();
        let p = ranked_priorities(&scale, &f);
        let experts = experts_from_rows(vec![
            (2, "Zoe".into(), "z@ta.org".into(), "a".into()),
            (1, "Ann".into(), "a@ta.org".into(), "b".into()),
            (1, "Ann".into(), "a@ta.org".into(), "a".into()),
            (3, "Bo".into(), "b@ta.org".into(), "d".into()),
        ]);
        assert_eq!(experts.len(), 3);
        assert_eq!(experts[1].elements, ["b", "a"]);
        let r = recommend(&scale, &p, &f, &experts, &[], "CO");
        let a = r.iter().find(|r| r.element_key == "a").unwrap();
        let names: Vec<&str> = a.experts.iter().map(|e| e.name.as_str()).collect();
        assert_eq!(names, ["Ann", "Zoe"]);
        let c = r.iter().find(|r| r.element_key == "c").unwrap();
        assert!(c.experts.is_empty());
    }

    #[test]
    fn experts_choose_from_the_elements_given() {
        let choices = vec![
            ("a".to_owned(), "A".to_owned()),
            ("b".to_owned(), "B".to_owned()),
        ];
        assert_eq!(
            check_expertise(&choices, &["b".into(), "a".into(), "b".into()]).unwrap(),
            ["a", "b"]
        );
        assert!(check_expertise(&choices, &[]).unwrap().is_empty());
        assert!(
            check_expertise(&choices, &["zzz".into()])
                .unwrap_err()
                .contains("\"zzz\"")
        );
    }

    #[test]
    fn a_short_scale_counts_only_its_top_as_in_place() {
        let mut scale = Scale::default_four_phases();
        scale.levels.truncate(2);
        assert_eq!(in_place_from(&scale), 2);
        assert_eq!(in_place_from(&Scale::default_four_phases()), 3);
    }
}

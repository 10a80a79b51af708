//! Peer mentoring: groups of states proposed from their latest snapshots,
//! confirmed (as proposed or changed) by the administrator.
//!
//! The rules, in words:
//! - A state **wants help** on its top three priorities (the elements its
//!   latest snapshot ranks first, second and third by weighted gap),
//!   weighted 3, 2 and 1.
//! - A state is **strong** on an element for a partner when its score there
//!   is at least [`MARGIN`] points above the partner's (a partner with no
//!   score on it counts as 0) and the element is in its own top half: fewer
//!   than half of its scored elements score higher.
//! - The **help** one state gives another is, over the other's wanted
//!   elements it is strong on, the weight of the want times the points
//!   between them. A pair's weight is the help both ways.
//! - Groups are chosen to make the total weight large: pairs greedily by
//!   weight, then two pairs swap partners (or the state left over swaps in)
//!   while that adds weight. With an odd number of states, the one left
//!   over joins the pair it adds most weight to. Ties always go to state
//!   codes in alphabetical order, so the same cohort always gives the same
//!   groups.
//! - States with no snapshot are not placed; the administrator places them
//!   by hand.
//!
//! Everything in this file is a plain function on plain types.

pub mod api;
pub mod handlers;
pub mod service;
pub mod store;

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;

/// Points a state must be above its partner on an element to be strong on it.
pub const MARGIN: f64 = 15.0;

/// How many of a state's priorities it wants help on, and their weights.
pub const WANT_WEIGHTS: [i64; 3] = [3, 2, 1];

/// The smallest and largest group.
pub const MIN_GROUP: usize = 2;
pub const MAX_GROUP: usize = 3;

/// What a snapshot says about one state, for matching.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Assessed {
    /// Element key -> score, 0 to 100 (elements with no score left out).
    pub scores: BTreeMap<String, f64>,
    /// Element keys, the top priority first.
    pub priorities: Vec<String>,
}

/// One state of the program: its latest snapshot, if any.
#[derive(Debug, Clone, PartialEq)]
pub struct StateInput {
    pub code: String,
    pub name: String,
    pub assessed: Option<Assessed>,
}

/// A state in a group, with its name.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[schema(as = PeerGroupMember)]
pub struct Member {
    pub state_code: String,
    pub state_name: String,
}

/// A proposed group, with why.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct Group {
    /// By state code.
    pub states: Vec<Member>,
    /// The help the states give each other (higher is better).
    pub weight: i64,
    pub reason: String,
}

impl Group {
    pub fn codes(&self) -> Vec<String> {
        self.states.iter().map(|m| m.state_code.clone()).collect()
    }

    /// The states' names joined in words: "Kansas and Minnesota".
    pub fn names(&self) -> String {
        join(
            &self
                .states
                .iter()
                .map(|m| m.state_name.as_str())
                .collect::<Vec<_>>(),
        )
    }
}

/// A state the proposal leaves out, and why.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct Unplaced {
    pub state_code: String,
    pub state_name: String,
    pub reason: String,
}

/// The proposed groups and the states left to place by hand.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct Proposal {
    pub groups: Vec<Group>,
    pub unplaced: Vec<Unplaced>,
}

impl Proposal {
    /// The proposed group with exactly these states, if any.
    pub fn group_of(&self, codes: &[String]) -> Option<&Group> {
        let want: BTreeSet<&String> = codes.iter().collect();
        self.groups.iter().find(|g| {
            g.states
                .iter()
                .map(|m| &m.state_code)
                .collect::<BTreeSet<_>>()
                == want
        })
    }
}

pub const NO_SNAPSHOT: &str = "No snapshot yet — place by hand.";
pub const ALONE: &str = "The only state with a snapshot: there is no one to pair it with yet.";

/// A's elements that B wants, with B's rank of each (1 = top) and the help
/// in weight times points: (element key, rank, help).
fn helps(a: &Assessed, b: &Assessed) -> Vec<(String, usize, i64)> {
    let scored = a.scores.len();
    let mut out = Vec::new();
    for (i, key) in b.priorities.iter().take(WANT_WEIGHTS.len()).enumerate() {
        let Some(&mine) = a.scores.get(key) else {
            continue;
        };
        let theirs = b.scores.get(key).copied().unwrap_or(0.0);
        let higher = a.scores.values().filter(|s| **s > mine).count();
        if mine - theirs >= MARGIN && higher * 2 < scored {
            let points = (mine - theirs).round() as i64;
            out.push((key.clone(), i + 1, WANT_WEIGHTS[i] * points));
        }
    }
    out
}

/// The help two states give each other.
fn pair_weight(a: &StateInput, b: &StateInput) -> i64 {
    match (&a.assessed, &b.assessed) {
        (Some(x), Some(y)) => {
            helps(x, y).iter().map(|h| h.2).sum::<i64>()
                + helps(y, x).iter().map(|h| h.2).sum::<i64>()
        }
        _ => 0,
    }
}

/// Words for a list: "A", "A and B", "A, B and C".
pub fn join(items: &[&str]) -> String {
    match items {
        [] => String::new(),
        [one] => (*one).to_owned(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    }
}

fn ordinal(rank: usize) -> &'static str {
    match rank {
        1 => "top",
        2 => "second",
        3 => "third",
        _ => "next",
    }
}

/// Why these states are together, in words. `elements` maps element keys
/// to the instrument's names.
pub fn reason(states: &[&StateInput], elements: &BTreeMap<String, String>) -> String {
    let mut sentences = Vec::new();
    for a in states {
        for b in states {
            if a.code == b.code {
                continue;
            }
            let (Some(x), Some(y)) = (&a.assessed, &b.assessed) else {
                continue;
            };
            let h = helps(x, y);
            if h.is_empty() {
                continue;
            }
            let names: Vec<&str> = h
                .iter()
                .map(|(k, _, _)| elements.get(k).map(String::as_str).unwrap_or(k.as_str()))
                .collect();
            let ranks: Vec<&str> = h.iter().map(|(_, r, _)| ordinal(*r)).collect();
            sentences.push(format!(
                "{} is strong on {}, where {} set its {} {}.",
                a.name,
                join(&names),
                b.name,
                join(&ranks),
                if h.len() == 1 {
                    "priority"
                } else {
                    "priorities"
                }
            ));
        }
    }
    if sentences.is_empty() {
        sentences.push(if states.len() == 2 {
            "Neither state is much stronger than the other on the other's priorities; paired to share the work.".to_owned()
        } else {
            "None of these states is much stronger than the others on their priorities; grouped to share the work.".to_owned()
        });
    }
    let unassessed: Vec<&str> = states
        .iter()
        .filter(|s| s.assessed.is_none())
        .map(|s| s.name.as_str())
        .collect();
    if !unassessed.is_empty() {
        sentences.push(format!(
            "{} {} no snapshot yet, so this group was placed by hand.",
            join(&unassessed),
            if unassessed.len() == 1 { "has" } else { "have" }
        ));
    }
    sentences.join(" ")
}

/// Proposes groups for the program's states (any order).
pub fn propose(states: &[StateInput], elements: &BTreeMap<String, String>) -> Proposal {
    let mut all: Vec<&StateInput> = states.iter().collect();
    all.sort_by(|a, b| a.code.cmp(&b.code));
    let (assessed, not): (Vec<&StateInput>, Vec<&StateInput>) =
        all.into_iter().partition(|s| s.assessed.is_some());
    let mut unplaced: Vec<Unplaced> = not
        .iter()
        .map(|s| Unplaced {
            state_code: s.code.clone(),
            state_name: s.name.clone(),
            reason: NO_SNAPSHOT.to_owned(),
        })
        .collect();
    let n = assessed.len();
    if n == 1 {
        unplaced.insert(
            0,
            Unplaced {
                state_code: assessed[0].code.clone(),
                state_name: assessed[0].name.clone(),
                reason: ALONE.to_owned(),
            },
        );
    }
    if n < 2 {
        return Proposal {
            groups: vec![],
            unplaced,
        };
    }
    // Weights by index (states in code order).
    let w: Vec<Vec<i64>> = assessed
        .iter()
        .map(|a| {
            assessed
                .iter()
                .map(|b| {
                    if a.code == b.code {
                        0
                    } else {
                        pair_weight(a, b)
                    }
                })
                .collect()
        })
        .collect();
    // Greedy: heaviest pairs first, ties by codes (indices are in code order).
    let mut candidates: Vec<(i64, usize, usize)> = w
        .iter()
        .enumerate()
        .flat_map(|(i, row)| {
            row.iter()
                .enumerate()
                .skip(i + 1)
                .map(move |(j, v)| (*v, i, j))
        })
        .collect();
    candidates.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)).then(a.2.cmp(&b.2)));
    let mut taken = vec![false; n];
    let mut pairs: Vec<(usize, usize)> = Vec::new();
    for (_, i, j) in candidates {
        if !taken[i] && !taken[j] {
            taken[i] = true;
            taken[j] = true;
            pairs.push((i, j));
        }
    }
    let mut left = (0..n).find(|i| !taken[*i]);
    improve(&w, &mut pairs, &mut left);
    // The one left over joins the pair it adds most to (ties: the first pair).
    let mut groups: Vec<Vec<usize>> = pairs.iter().map(|&(a, b)| vec![a, b]).collect();
    groups.sort();
    if let Some(x) = left {
        let mut best = 0;
        for (g, members) in groups.iter().enumerate() {
            let add = |m: &Vec<usize>| m.iter().map(|&i| w[x][i]).sum::<i64>();
            if add(members) > add(&groups[best]) {
                best = g;
            }
        }
        groups[best].push(x);
        groups[best].sort();
    }
    let groups = groups
        .into_iter()
        .map(|members| {
            let weight = members
                .iter()
                .enumerate()
                .flat_map(|(k, &i)| members[k + 1..].iter().map(move |&j| (i, j)))
                .map(|(i, j)| w[i][j])
                .sum();
            let chosen: Vec<&StateInput> = members.iter().map(|&i| assessed[i]).collect();
            Group {
                states: chosen
                    .iter()
                    .map(|s| Member {
                        state_code: s.code.clone(),
                        state_name: s.name.clone(),
                    })
                    .collect(),
                weight,
                reason: reason(&chosen, elements),
            }
        })
        .collect();
    Proposal { groups, unplaced }
}

/// Swaps partners between two pairs, or swaps the state left over into a
/// pair, while that adds weight. Each swap adds at least 1, so it ends.
fn improve(w: &[Vec<i64>], pairs: &mut [(usize, usize)], left: &mut Option<usize>) {
    loop {
        let mut changed = false;
        for p in 0..pairs.len() {
            for q in p + 1..pairs.len() {
                let (a, b) = pairs[p];
                let (c, d) = pairs[q];
                let now = w[a][b] + w[c][d];
                let one = w[a][c] + w[b][d];
                let two = w[a][d] + w[b][c];
                if one > now && one >= two {
                    pairs[p] = (a.min(c), a.max(c));
                    pairs[q] = (b.min(d), b.max(d));
                    changed = true;
                } else if two > now {
                    pairs[p] = (a.min(d), a.max(d));
                    pairs[q] = (b.min(c), b.max(c));
                    changed = true;
                }
            }
            if let Some(x) = *left {
                let (a, b) = pairs[p];
                let now = w[a][b];
                // x takes b's place (b is left), or a's place (a is left).
                if w[a][x] > now && w[a][x] >= w[b][x] {
                    pairs[p] = (a.min(x), a.max(x));
                    *left = Some(b);
                    changed = true;
                } else if w[b][x] > now {
                    pairs[p] = (b.min(x), b.max(x));
                    *left = Some(a);
                    changed = true;
                }
            }
        }
        if !changed {
            return;
        }
    }
}

/// Something wrong with the groups asked for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Problem {
    /// A state code that has no team in the program.
    Unknown {
        group: usize,
        index: usize,
        code: String,
    },
    /// A state in more than one place.
    Twice {
        group: usize,
        index: usize,
        code: String,
    },
    /// A group of fewer than 2 or more than 3 states.
    Size { group: usize, codes: Vec<String> },
}

impl Problem {
    /// The field to name in the API: `groups[0]` or `groups[0][1]`.
    pub fn field(&self) -> String {
        match self {
            Problem::Unknown { group, index, .. } | Problem::Twice { group, index, .. } => {
                format!("groups[{group}][{index}]")
            }
            Problem::Size { group, .. } => format!("groups[{group}]"),
        }
    }

    /// The message, with states by name (`names`: code -> name).
    pub fn message(&self, names: &BTreeMap<String, String>) -> String {
        let name = |c: &String| names.get(c).cloned().unwrap_or_else(|| c.clone());
        match self {
            Problem::Unknown { code, .. } => {
                format!("{code} has no state team in this program.")
            }
            Problem::Twice { code, .. } => {
                format!("{} is in more than one group; choose one.", name(code))
            }
            Problem::Size { group, codes } => {
                let listed: Vec<String> = codes.iter().map(name).collect();
                let listed: Vec<&str> = listed.iter().map(String::as_str).collect();
                format!(
                    "Group {} has {} ({}); a group needs 2 or 3 states.",
                    group + 1,
                    if codes.len() == 1 {
                        "only one state".to_owned()
                    } else {
                        format!("{} states", codes.len())
                    },
                    join(&listed)
                )
            }
        }
    }
}

/// Checks groups of state codes (upper-cased and sorted in the answer)
/// against the program's teams: each state at most once, 2 or 3 to a
/// group. States may be left out. Empty groups are dropped.
pub fn check_groups(
    groups: &[Vec<String>],
    teams: &BTreeSet<String>,
) -> Result<Vec<Vec<String>>, Vec<Problem>> {
    let mut problems = Vec::new();
    let mut seen = BTreeSet::new();
    let mut out = Vec::new();
    for (g, codes) in groups.iter().enumerate() {
        let mut group: Vec<String> = Vec::new();
        for (i, code) in codes.iter().enumerate() {
            let code = code.trim().to_uppercase();
            if !teams.contains(&code) {
                problems.push(Problem::Unknown {
                    group: g,
                    index: i,
                    code,
                });
            } else if !seen.insert(code.clone()) {
                problems.push(Problem::Twice {
                    group: g,
                    index: i,
                    code,
                });
            } else {
                group.push(code);
            }
        }
        if codes.is_empty() {
            continue;
        }
        if !(MIN_GROUP..=MAX_GROUP).contains(&codes.len()) {
            problems.push(Problem::Size {
                group: g,
                codes: codes.iter().map(|c| c.trim().to_uppercase()).collect(),
            });
        }
        group.sort();
        out.push(group);
    }
    if problems.is_empty() {
        out.sort();
        Ok(out)
    } else {
        Err(problems)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn elements() -> BTreeMap<String, String> {
        [
            ("sectors", "Identify Industry Sectors and Engage Employers"),
            ("partnerships", "Build Cross-Agency Partnerships"),
            ("funding", "Identify Funding Needs and Sources"),
            ("policy", "Align Policies and Programs"),
            ("design", "Design Programs"),
            ("measure", "Measure System Change"),
        ]
        .into_iter()
        .map(|(k, n)| (k.to_owned(), n.to_owned()))
        .collect()
    }

    const KEYS: [&str; 6] = [
        "sectors",
        "partnerships",
        "funding",
        "policy",
        "design",
        "measure",
    ];

    /// A state with scores in element order and its priorities.
    fn state(code: &str, name: &str, scores: [f64; 6], priorities: &[&str]) -> StateInput {
        StateInput {
            code: code.into(),
            name: name.into(),
            assessed: Some(Assessed {
                scores: KEYS
                    .iter()
                    .zip(scores)
                    .map(|(k, s)| (k.to_string(), s))
                    .collect(),
                priorities: priorities.iter().map(|p| p.to_string()).collect(),
            }),
        }
    }

    fn unassessed(code: &str, name: &str) -> StateInput {
        StateInput {
            code: code.into(),
            name: name.into(),
            assessed: None,
        }
    }

    fn codes(p: &Proposal) -> Vec<Vec<String>> {
        p.groups.iter().map(|g| g.codes()).collect()
    }

    fn v(groups: &[&[&str]]) -> Vec<Vec<String>> {
        groups
            .iter()
            .map(|g| g.iter().map(|c| c.to_string()).collect())
            .collect()
    }

    /// Two pairs of states that complement each other, listed so that the
    /// alphabetical pairs would be the wrong ones.
    fn four() -> Vec<StateInput> {
        vec![
            // Kansas is strong on sectors and partnerships; weak on funding.
            state(
                "KS",
                "Kansas",
                [90.0, 85.0, 10.0, 50.0, 50.0, 50.0],
                &["funding", "policy"],
            ),
            // Minnesota wants sectors, then partnerships; strong on funding.
            state(
                "MN",
                "Minnesota",
                [20.0, 30.0, 90.0, 50.0, 50.0, 50.0],
                &["sectors", "partnerships"],
            ),
            // Colorado is strong on policy and wants design.
            state(
                "CO",
                "Colorado",
                [50.0, 50.0, 50.0, 95.0, 10.0, 60.0],
                &["design"],
            ),
            // Oregon is strong on design and wants policy.
            state(
                "OR",
                "Oregon",
                [50.0, 50.0, 50.0, 20.0, 90.0, 60.0],
                &["policy", "measure"],
            ),
        ]
    }

    #[test]
    fn an_even_cohort_pairs_states_that_help_each_other() {
        let p = propose(&four(), &elements());
        assert_eq!(codes(&p), v(&[&["CO", "OR"], &["KS", "MN"]]));
        assert!(p.unplaced.is_empty());
        let ks_mn = &p.groups[1];
        assert_eq!(ks_mn.names(), "Kansas and Minnesota");
        assert!(
            ks_mn.reason.contains(
                "Kansas is strong on Identify Industry Sectors and Engage Employers and Build Cross-Agency Partnerships, where Minnesota set its top and second priorities."
            ),
            "{}",
            ks_mn.reason
        );
        assert!(
            ks_mn.reason.contains(
                "Minnesota is strong on Identify Funding Needs and Sources, where Kansas set its top priority."
            ),
            "help goes both ways: {}",
            ks_mn.reason
        );
        // 3 x 70 + 2 x 55 (KS to MN) + 3 x 80 (MN to KS).
        assert_eq!(ks_mn.weight, 210 + 110 + 240);
    }

    #[test]
    fn strong_means_15_points_above_and_in_the_states_own_top_half() {
        let a = Assessed {
            scores: KEYS
                .iter()
                .zip([80.0, 70.0, 60.0, 90.0, 95.0, 99.0])
                .map(|(k, s)| (k.to_string(), s))
                .collect(),
            priorities: vec![],
        };
        let wants = |keys: &[&str], scores: [f64; 6]| Assessed {
            scores: KEYS
                .iter()
                .zip(scores)
                .map(|(k, s)| (k.to_string(), s))
                .collect(),
            priorities: keys.iter().map(|k| k.to_string()).collect(),
        };
        // sectors: 80 is A's fourth best of six: not in its top half.
        assert!(helps(&a, &wants(&["sectors"], [0.0; 6])).is_empty());
        // policy: 90, third best: top half; 15 points above counts, 14 not.
        assert_eq!(
            helps(&a, &wants(&["policy"], [0.0, 0.0, 0.0, 75.0, 0.0, 0.0])),
            vec![("policy".to_string(), 1, 45)]
        );
        assert!(helps(&a, &wants(&["policy"], [0.0, 0.0, 0.0, 76.0, 0.0, 0.0])).is_empty());
        // Only the top three priorities count, weighted 3, 2, 1.
        let h = helps(
            &a,
            &wants(&["funding", "design", "measure", "policy"], [0.0; 6]),
        );
        assert_eq!(
            h,
            vec![
                ("design".to_string(), 2, 190),
                ("measure".to_string(), 3, 99)
            ]
        );
    }

    #[test]
    fn an_odd_cohort_has_exactly_one_group_of_three() {
        let mut cohort = four();
        // Massachusetts is strong on funding, which Kansas wants most:
        // it adds most to Kansas and Minnesota.
        cohort.push(state(
            "MA",
            "Massachusetts",
            [40.0, 40.0, 95.0, 40.0, 40.0, 40.0],
            &["measure"],
        ));
        let p = propose(&cohort, &elements());
        let sizes: Vec<usize> = p.groups.iter().map(|g| g.states.len()).collect();
        assert_eq!(sizes.iter().filter(|s| **s == 3).count(), 1, "{sizes:?}");
        assert_eq!(sizes.iter().sum::<usize>(), 5);
        assert_eq!(codes(&p), v(&[&["CO", "OR"], &["KS", "MA", "MN"]]));
        let trio = &p.groups[1];
        assert!(
            trio.reason
                .contains("Massachusetts is strong on Identify Funding Needs and Sources, where Kansas set its top priority."),
            "{}",
            trio.reason
        );
    }

    #[test]
    fn the_improvement_finds_better_pairs_than_greedy() {
        // Greedy takes A-B (10) first, leaving C-D (0): total 10. Swapping
        // gives A-C (9) and B-D (9): total 18.
        let w = vec![
            vec![0, 10, 9, 0],
            vec![10, 0, 0, 9],
            vec![9, 0, 0, 0],
            vec![0, 9, 0, 0],
        ];
        let mut pairs = vec![(0, 1), (2, 3)];
        let mut left = None;
        improve(&w, &mut pairs, &mut left);
        assert_eq!(pairs, vec![(0, 2), (1, 3)]);
        // The state left over takes the place of one that adds less.
        let w = vec![vec![0, 1, 5], vec![1, 0, 0], vec![5, 0, 0]];
        let mut pairs = vec![(0, 1)];
        let mut left = Some(2);
        improve(&w, &mut pairs, &mut left);
        assert_eq!((pairs, left), (vec![(0, 2)], Some(1)));
    }

    #[test]
    fn ties_are_broken_by_state_code_and_the_answer_never_changes() {
        // Nobody is strong: every pair weighs 0. Pairs in code order.
        let flat = [50.0; 6];
        let cohort: Vec<StateInput> = ["WY", "AL", "CO", "KS", "MN", "OR", "MA"]
            .iter()
            .map(|c| state(c, c, flat, &["sectors"]))
            .collect();
        let p = propose(&cohort, &elements());
        assert_eq!(
            codes(&p),
            v(&[&["AL", "CO", "WY"], &["KS", "MA"], &["MN", "OR"]])
        );
        let mut reversed = cohort.clone();
        reversed.reverse();
        assert_eq!(
            propose(&reversed, &elements()),
            p,
            "input order does not matter"
        );
        assert!(p.groups.iter().all(|g| g.weight == 0));
    }

    #[test]
    fn nobody_strong_gives_the_fallback_reason() {
        let flat = [50.0; 6];
        let p = propose(
            &[
                state("CO", "Colorado", flat, &["sectors"]),
                state("KS", "Kansas", flat, &["funding"]),
            ],
            &elements(),
        );
        assert_eq!(codes(&p), v(&[&["CO", "KS"]]));
        assert_eq!(
            p.groups[0].reason,
            "Neither state is much stronger than the other on the other's priorities; paired to share the work."
        );
    }

    #[test]
    fn states_with_no_snapshot_are_left_to_place_by_hand() {
        let mut cohort = four();
        cohort.push(unassessed("WY", "Wyoming"));
        let p = propose(&cohort, &elements());
        assert_eq!(p.groups.len(), 2, "the other four are still paired");
        assert_eq!(
            p.unplaced,
            vec![Unplaced {
                state_code: "WY".into(),
                state_name: "Wyoming".into(),
                reason: NO_SNAPSHOT.into()
            }]
        );
        // A group placed by hand says so.
        let wy = unassessed("WY", "Wyoming");
        let r = reason(&[&cohort[0], &wy], &elements());
        assert!(
            r.ends_with("Wyoming has no snapshot yet, so this group was placed by hand."),
            "{r}"
        );
    }

    #[test]
    fn two_states_make_one_pair_and_one_state_is_alone() {
        let cohort = four();
        let p = propose(&cohort[..2], &elements());
        assert_eq!(codes(&p), v(&[&["KS", "MN"]]));
        let p = propose(&cohort[..1], &elements());
        assert!(p.groups.is_empty());
        assert_eq!(p.unplaced[0].state_code, "KS");
        assert_eq!(p.unplaced[0].reason, ALONE);
        let p = propose(&[], &elements());
        assert!(p.groups.is_empty() && p.unplaced.is_empty());
        // One state with a snapshot and one without: nobody is paired.
        let p = propose(
            &[cohort[0].clone(), unassessed("WY", "Wyoming")],
            &elements(),
        );
        assert!(p.groups.is_empty());
        assert_eq!(p.unplaced.len(), 2);
    }

    #[test]
    fn large_cohorts_are_paired_quickly_and_fully() {
        let cohort: Vec<StateInput> = (0..55)
            .map(|i| {
                let mut scores = [0.0; 6];
                for (k, s) in scores.iter_mut().enumerate() {
                    *s = ((i * 7 + k * 13) % 100) as f64;
                }
                let p = [KEYS[i % 6], KEYS[(i + 2) % 6], KEYS[(i + 4) % 6]];
                state(&format!("S{i:02}"), &format!("State {i}"), scores, &p)
            })
            .collect();
        let p = propose(&cohort, &elements());
        assert_eq!(p.groups.len(), 27);
        let mut all: Vec<String> = p.groups.iter().flat_map(|g| g.codes()).collect();
        all.sort();
        all.dedup();
        assert_eq!(all.len(), 55, "every state once");
    }

    #[test]
    fn groups_asked_for_are_checked() {
        let teams: BTreeSet<String> = ["CO", "KS", "MA", "MN", "OR"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        assert_eq!(
            check_groups(&v(&[&["mn", "KS"], &["OR", "CO", "MA"]]), &teams).unwrap(),
            v(&[&["CO", "MA", "OR"], &["KS", "MN"]])
        );
        assert_eq!(
            check_groups(&[], &teams).unwrap(),
            Vec::<Vec<String>>::new()
        );
        let names: BTreeMap<String, String> = [("KS".to_string(), "Kansas".to_string())]
            .into_iter()
            .collect();
        let e = check_groups(&v(&[&["KS"], &["CO", "WY"]]), &teams).unwrap_err();
        assert_eq!(e.len(), 2, "{e:?}");
        assert_eq!(e[0].field(), "groups[0]");
        assert_eq!(
            e[0].message(&names),
            "Group 1 has only one state (Kansas); a group needs 2 or 3 states."
        );
        assert_eq!(e[1].field(), "groups[1][1]");
        assert_eq!(
            e[1].message(&names),
            "WY has no state team in this program."
        );
        let e = check_groups(&v(&[&["KS", "CO"], &["MA", "KS"]]), &teams).unwrap_err();
        assert_eq!(e[0].field(), "groups[1][1]");
        assert!(
            e[0].message(&names)
                .contains("Kansas is in more than one group")
        );
        let e = check_groups(&v(&[&["KS", "CO", "MA", "MN"]]), &teams).unwrap_err();
        assert!(e[0].message(&names).starts_with("Group 1 has 4 states"));
    }
}

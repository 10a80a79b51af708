//! The cohort view: every state's element scores side by side, from one
//! kind of snapshot (each state's latest, or its baseline, mid-year or
//! final), with each score in a band so the page can colour it.
//!
//! Everything in this file is a plain function on plain types.

use std::collections::BTreeMap;

use serde::Serialize;

use super::instrument::Instrument;
use super::store::Snapshot;
use super::{ElementScore, SnapshotKind};

/// Which snapshot of each state the cohort view shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Which {
    /// Each state's most recent snapshot, whatever its kind.
    Latest,
    Kind(SnapshotKind),
}

impl Which {
    pub const ALL: [Which; 4] = [
        Which::Latest,
        Which::Kind(SnapshotKind::Baseline),
        Which::Kind(SnapshotKind::MidYear),
        Which::Kind(SnapshotKind::Final),
    ];

    /// `latest` (also when empty), `baseline`, `mid_year` or `final`.
    pub fn parse(s: &str) -> Option<Which> {
        match s.trim() {
            "" | "latest" => Some(Which::Latest),
            other => SnapshotKind::parse(other).map(Which::Kind),
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Which::Latest => "latest",
            Which::Kind(k) => k.as_str(),
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Which::Latest => "Latest",
            Which::Kind(k) => k.label(),
        }
    }

    /// The snapshot this choice picks from one state's snapshots (oldest first).
    pub fn pick(self, snapshots: &[Snapshot]) -> Option<&Snapshot> {
        match self {
            Which::Latest => snapshots.last(),
            Which::Kind(k) => snapshots.iter().rev().find(|s| s.kind == k),
        }
    }
}

/// The message for a snapshot choice that is not one of the four.
pub const WHICH_ERROR: &str = "Choose latest, baseline, mid_year or final.";

/// A score's band, for the colour of a cell. The words always go with the
/// colour; the number is always shown too.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Band {
    /// 0 to 24.
    Beginning,
    /// 25 to 49.
    Developing,
    /// 50 to 74.
    Implementing,
    /// 75 to 100.
    Strong,
}

/// A state scoring at least this on an element is strong on it (and may
/// be suggested as a peer to states that are not).
pub const STRONG: f64 = 75.0;

impl Band {
    pub const ALL: [Band; 4] = [
        Band::Beginning,
        Band::Developing,
        Band::Implementing,
        Band::Strong,
    ];

    /// The band of a score, 0 to 100 (rounded as it is shown).
    pub fn of(score: f64) -> Band {
        let s = score.round();
        if s >= STRONG {
            Band::Strong
        } else if s >= 50.0 {
            Band::Implementing
        } else if s >= 25.0 {
            Band::Developing
        } else {
            Band::Beginning
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Band::Beginning => "Beginning",
            Band::Developing => "Developing",
            Band::Implementing => "Implementing",
            Band::Strong => "Strong",
        }
    }

    pub fn range(self) -> &'static str {
        match self {
            Band::Beginning => "0 to 24",
            Band::Developing => "25 to 49",
            Band::Implementing => "50 to 74",
            Band::Strong => "75 to 100",
        }
    }

    /// The CSS class of the cell's colour.
    pub fn class(self) -> &'static str {
        match self {
            Band::Beginning => "waymark-band-1",
            Band::Developing => "waymark-band-2",
            Band::Implementing => "waymark-band-3",
            Band::Strong => "waymark-band-4",
        }
    }
}

/// A column of the cohort table.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct CohortElement {
    pub key: String,
    pub number: i64,
    pub name: String,
}

/// One state's score on one element.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct CohortCell {
    pub element_key: String,
    /// 0 to 100; none when the state has no such snapshot or rated none of
    /// the element's strategies.
    pub score: Option<f64>,
    pub band: Option<Band>,
}

/// One state's row.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct CohortRow {
    pub state_code: String,
    pub state_name: String,
    /// The snapshot the scores come from; none when the state has none of that kind.
    pub snapshot: Option<Snapshot>,
    /// In the order of `elements`.
    pub cells: Vec<CohortCell>,
}

/// Every state's element scores side by side.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Cohort {
    /// latest, baseline, mid_year or final.
    pub showing: String,
    pub elements: Vec<CohortElement>,
    /// The states with a team, in the order given (by name).
    pub rows: Vec<CohortRow>,
}

impl Cohort {
    /// A state's score on an element, if known.
    pub fn score(&self, state: &str, element: &str) -> Option<f64> {
        let row = self.rows.iter().find(|r| r.state_code == state)?;
        let i = self.elements.iter().position(|e| e.key == element)?;
        row.cells.get(i)?.score
    }
}

/// The matrix (state, element) -> score: for each state (code, name) the
/// snapshot `which` picks among `snapshots` (the program's, oldest first),
/// with its element scores (snapshot id -> scores).
pub fn matrix(
    instrument: &Instrument,
    states: &[(String, String)],
    snapshots: &[Snapshot],
    scored: &BTreeMap<i64, Vec<ElementScore>>,
    which: Which,
) -> Cohort {
    let elements: Vec<CohortElement> = instrument
        .elements()
        .into_iter()
        .map(|g| CohortElement {
            key: g.key,
            number: g.number,
            name: g.name,
        })
        .collect();
    let rows = states
        .iter()
        .map(|(code, name)| {
            let own: Vec<Snapshot> = snapshots
                .iter()
                .filter(|s| &s.state_code == code)
                .cloned()
                .collect();
            let snapshot = which.pick(&own).cloned();
            let scores = match &snapshot {
                Some(s) => scored.get(&s.id).cloned().unwrap_or_default(),
                None => vec![],
            };
            let cells = elements
                .iter()
                .map(|e| {
                    let score = scores.iter().find(|s| s.key == e.key).and_then(|s| s.score);
                    CohortCell {
                        element_key: e.key.clone(),
                        score,
                        band: score.map(Band::of),
                    }
                })
                .collect();
            CohortRow {
                state_code: code.clone(),
                state_name: name.clone(),
                snapshot,
                cells,
            }
        })
        .collect();
    Cohort {
        showing: which.as_str().to_owned(),
        elements,
        rows,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::assessment::instrument;
    use crate::assessment::{Indicator, Rating, Scale, element_scores_from};

    /// Two elements with two indicators each: ids 1, 2 (e1) and 3, 4 (e2).
    fn instrument() -> Instrument {
        let built = instrument::build(&instrument::tests::framework(2, 2));
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

    fn snap(id: i64, state: &str, kind: SnapshotKind) -> Snapshot {
        Snapshot {
            id,
            state_code: state.into(),
            kind,
            taken_at: id,
        }
    }

    fn levels(l: &[(i64, Option<i64>)]) -> BTreeMap<i64, Rating> {
        l.iter()
            .map(|(id, level)| {
                (
                    *id,
                    Rating {
                        level: *level,
                        not_sure: level.is_none(),
                        ..Default::default()
                    },
                )
            })
            .collect()
    }

    #[test]
    fn each_state_gets_the_scores_of_the_snapshot_chosen() {
        let i = instrument();
        let states = vec![
            ("CO".to_owned(), "Colorado".to_owned()),
            ("KS".to_owned(), "Kansas".to_owned()),
            ("MA".to_owned(), "Massachusetts".to_owned()),
        ];
        let snapshots = vec![
            snap(10, "CO", SnapshotKind::Baseline),
            snap(11, "KS", SnapshotKind::Baseline),
            snap(12, "CO", SnapshotKind::MidYear),
        ];
        let mut ratings = BTreeMap::new();
        // CO baseline: everything at phase 1; mid-year: e1 at 4 and 2, e2 not sure.
        ratings.insert(
            10,
            levels(&[(1, Some(1)), (2, Some(1)), (3, Some(1)), (4, Some(1))]),
        );
        ratings.insert(
            12,
            levels(&[(1, Some(4)), (2, Some(2)), (3, None), (4, None)]),
        );
        ratings.insert(
            11,
            levels(&[(1, Some(4)), (2, Some(4)), (3, Some(3)), (4, Some(3))]),
        );

        let ratings: BTreeMap<i64, Vec<ElementScore>> = ratings
            .iter()
            .map(|(id, r)| (*id, element_scores_from(&i.scale, &i.indicators, r)))
            .collect();
        let latest = matrix(&i, &states, &snapshots, &ratings, Which::Latest);
        assert_eq!(latest.showing, "latest");
        let keys: Vec<_> = latest.elements.iter().map(|e| e.key.as_str()).collect();
        assert_eq!(keys, ["e1", "e2"]);
        let co_e1 = latest.score("CO", "e1").unwrap();
        assert!((co_e1 - (100.0 + 100.0 / 3.0) / 2.0).abs() < 1e-9);
        assert_eq!(latest.score("CO", "e2"), None, "all not sure: no score");
        assert_eq!(latest.rows[0].snapshot.as_ref().unwrap().id, 12);
        assert_eq!(latest.score("KS", "e1"), Some(100.0));
        assert_eq!(latest.rows[1].cells[0].band, Some(Band::Strong));
        assert!((latest.score("KS", "e2").unwrap() - 200.0 / 3.0).abs() < 1e-9);
        assert_eq!(latest.rows[1].cells[1].band, Some(Band::Implementing));
        assert!(latest.rows[2].snapshot.is_none(), "MA has no snapshot");
        assert_eq!(latest.rows[2].cells.len(), 2);
        assert_eq!(latest.score("MA", "e1"), None);

        let baseline = matrix(
            &i,
            &states,
            &snapshots,
            &ratings,
            Which::Kind(SnapshotKind::Baseline),
        );
        assert_eq!(baseline.score("CO", "e1"), Some(0.0));
        assert_eq!(baseline.rows[0].cells[0].band, Some(Band::Beginning));
        let mid = matrix(
            &i,
            &states,
            &snapshots,
            &ratings,
            Which::Kind(SnapshotKind::MidYear),
        );
        assert!(mid.rows[1].snapshot.is_none(), "KS has no mid-year yet");
    }

    #[test]
    fn bands_cover_0_to_100_as_the_numbers_are_shown() {
        assert_eq!(Band::of(0.0), Band::Beginning);
        assert_eq!(Band::of(24.4), Band::Beginning);
        assert_eq!(Band::of(24.6), Band::Developing, "shown as 25");
        assert_eq!(Band::of(49.0), Band::Developing);
        assert_eq!(Band::of(50.0), Band::Implementing);
        assert_eq!(Band::of(74.4), Band::Implementing);
        assert_eq!(Band::of(75.0), Band::Strong);
        assert_eq!(Band::of(100.0), Band::Strong);
    }

    #[test]
    fn the_snapshot_choice_is_one_of_four() {
        assert_eq!(Which::parse(""), Some(Which::Latest));
        assert_eq!(Which::parse("latest"), Some(Which::Latest));
        assert_eq!(
            Which::parse("mid_year"),
            Some(Which::Kind(SnapshotKind::MidYear))
        );
        assert_eq!(Which::parse("midyear"), None);
        for w in Which::ALL {
            assert_eq!(Which::parse(w.as_str()), Some(w));
        }
    }
}

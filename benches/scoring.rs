//! Scoring a synthetic cohort: 56 states x 3 snapshots x 12 raters x the
//! full Six Key Elements instrument (every strategy of the built-in
//! framework). For each state and snapshot: the spread of the 12 raters on
//! every indicator, element and component scores, ranked priorities, and
//! the change since the snapshot before.
//!
//! Run: cargo bench --bench scoring

use std::collections::BTreeMap;
use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use waymark::assessment::instrument::build;
use waymark::assessment::{
    Frozen, Indicator, Priority, Rating, Scale, component_scores, element_changes, element_scores,
    indicator_changes, ranked_priorities, spread,
};

const STATES: usize = 56;
const SNAPSHOTS: usize = 3;
const RATERS: usize = 12;

fn mix(a: u64, b: u64, c: u64, d: u64) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for p in [a, b, c, d] {
        h ^= p;
        h = h.wrapping_mul(0x0100_0000_01b3);
        h ^= h >> 29;
    }
    h
}

struct Cohort {
    indicators: Vec<Indicator>,
    components: Vec<String>,
    /// [state][snapshot][rater] -> indicator id -> rating; the consensus is rater 0.
    ratings: Vec<Vec<Vec<BTreeMap<i64, Rating>>>>,
}

fn cohort() -> Cohort {
    let registry = waymark::framework::load::builtin();
    let framework = registry.get("six-key-elements").expect("built in");
    let indicators: Vec<Indicator> = build(framework)
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
        .collect();
    let mut components: Vec<String> = Vec::new();
    for i in &indicators {
        for c in &i.components {
            if !components.contains(c) {
                components.push(c.clone());
            }
        }
    }
    let ratings = (0..STATES)
        .map(|s| {
            (0..SNAPSHOTS)
                .map(|k| {
                    (0..RATERS)
                        .map(|r| {
                            indicators
                                .iter()
                                .map(|i| {
                                    let h = mix(s as u64, k as u64, r as u64, i.id as u64);
                                    let rating = Rating {
                                        level: (!h.is_multiple_of(13))
                                            .then_some(1 + (h % 4) as i64),
                                        not_sure: h.is_multiple_of(13),
                                        priority: Some(Priority::ALL[(h % 3) as usize]),
                                        evidence: String::new(),
                                    };
                                    (i.id, rating)
                                })
                                .collect()
                        })
                        .collect()
                })
                .collect()
        })
        .collect();
    Cohort {
        indicators,
        components,
        ratings,
    }
}

/// Everything computed for the whole cohort; returns a checksum so the
/// work cannot be skipped.
fn score_cohort(c: &Cohort, scale: &Scale) -> f64 {
    let mut checksum = 0.0;
    for state in &c.ratings {
        let mut previous: Option<Vec<Frozen>> = None;
        for snapshot in state {
            for i in &c.indicators {
                let levels: Vec<Option<i64>> = snapshot.iter().map(|r| r[&i.id].level).collect();
                let not_sure = snapshot.iter().filter(|r| r[&i.id].not_sure).count();
                checksum += spread(&levels, not_sure).range.unwrap_or(0) as f64;
            }
            let frozen: Vec<Frozen> = c
                .indicators
                .iter()
                .map(|i| Frozen {
                    indicator: i.clone(),
                    rating: snapshot[0][&i.id].clone(),
                })
                .collect();
            let elements = element_scores(scale, &frozen);
            checksum += elements.iter().filter_map(|e| e.score).sum::<f64>();
            checksum += component_scores(scale, &frozen, &c.components)
                .iter()
                .filter_map(|s| s.score)
                .sum::<f64>();
            checksum += ranked_priorities(scale, &frozen)
                .first()
                .map(|p| p.weight)
                .unwrap_or(0.0);
            if let Some(before) = &previous {
                checksum += element_changes(&element_scores(scale, before), &elements)
                    .iter()
                    .filter_map(|e| e.change)
                    .sum::<f64>();
                checksum += indicator_changes(before, &frozen).len() as f64;
            }
            previous = Some(frozen);
        }
    }
    checksum
}

fn bench(c: &mut Criterion) {
    let cohort = cohort();
    let scale = Scale::default_four_phases();
    assert_eq!(cohort.indicators.len(), 42, "the full instrument");
    c.bench_function(
        "score cohort: 56 states x 3 snapshots x 12 raters x 42 indicators",
        |b| b.iter(|| black_box(score_cohort(black_box(&cohort), &scale))),
    );
}

criterion_group!(benches, bench);
criterion_main!(benches);

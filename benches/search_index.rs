//! The Exchange's search index (src/exchange/index.rs) over 100,000 items
//! made of career pathways words: reading a whole library into it, and
//! one search's ranking and counting (a common word, two words, a word
//! with a topic, browsing a topic), which every search new to a server
//! pays. `scripts/bench-search` measures the whole page under load.
//!
//! Run: cargo bench --bench search_index

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use waymark::exchange::index::{Filter, Index, Item, Shown, query_terms};

const SUBJECTS: &[&str] = &[
    "apprenticeship programs",
    "career pathways",
    "employer engagement",
    "adult education bridges",
    "dual enrollment",
    "braided funding",
    "credit for prior learning",
    "work-based learning",
    "industry credentials",
    "sector partnerships",
    "advising and navigation",
    "data and accountability",
];
const PLACES: &[&str] = &[
    "Ohio", "Texas", "Oregon", "Kentucky", "Virginia", "Iowa", "Maine", "Utah",
];
const SENTENCES: &[&str] = &[
    "Build cross-agency partnerships that align education, training and workforce services.",
    "Identify the industry sectors and employers in the region and engage them in designing programs.",
    "Design education and training programs that combine stackable credentials with support services.",
    "Identify funding needs and sources, and braid resources across agencies to sustain the work.",
    "Align policies and remove barriers so adults can enter and move along pathways.",
    "Measure system change and performance with shared data across partners.",
];
const TOPICS: &[&str] = &[
    "six-key-elements/partnerships",
    "six-key-elements/employers",
    "six-key-elements/design",
    "six-key-elements/funding",
    "six-key-elements/policy",
    "six-key-elements/measures",
];

fn library(count: usize) -> Vec<Item> {
    (0..count)
        .map(|i| {
            let pick =
                |list: &[&'static str], salt: usize| list[(i * 7919 + salt * 104_729) % list.len()];
            let subject = pick(SUBJECTS, 1);
            let place = pick(PLACES, 2);
            Item {
                id: i as i64 + 1,
                is_event: i % 10 == 0,
                published_at: i as i64,
                title: format!("Toolkit: {subject} in {place} ({i})"),
                summary: format!(
                    "{} {} This item is about {subject} in {place}.",
                    pick(SENTENCES, 3),
                    pick(SENTENCES, 4)
                ),
                source_org: "U.S. Department of Labor".into(),
                topics: vec![pick(TOPICS, 5).into(), pick(TOPICS, 6).into()],
                shown: Shown {
                    issued_on: "2016-05-01".into(),
                    ..Shown::default()
                },
            }
        })
        .collect()
}

fn index(c: &mut Criterion) {
    let items = library(100_000);
    let mut group = c.benchmark_group("search index, 100,000 items");
    group.sample_size(10);
    group.bench_function("read the whole library in", |b| {
        b.iter(|| {
            let mut index = Index::new(1);
            for item in &items {
                index.put(black_box(item));
            }
            index
        })
    });
    group.finish();

    let mut index = Index::new(1);
    for item in &items {
        index.put(item);
    }
    let mut group = c.benchmark_group("one search, 100,000 items");
    let any = Filter::default();
    let partnerships = Filter {
        events: None,
        topic: Some("six-key-elements/partnerships"),
    };
    for (name, words, filter) in [
        ("a common word", "pathways", any),
        ("two words", "apprenticeship programs", any),
        ("two words and a place", "employer engagement Ohio", any),
        ("a word within a topic", "funding", partnerships),
    ] {
        let terms = query_terms(words);
        group.bench_function(name, |b| {
            b.iter(|| index.search(black_box(&terms), &filter, 0, 20))
        });
    }
    group.bench_function("browsing a topic", |b| {
        b.iter(|| index.browse(black_box(&partnerships), 0, 20))
    });
    group.finish();
}

criterion_group!(benches, index);
criterion_main!(benches);

//! Rendering forum posts: the Markdown of a thread of 100 posts (lists, a
//! link, emphasis, a quote, code and a mention each) to sanitised HTML,
//! with mentions resolved among 60 people. This is what a thread page
//! would cost on every view if posts were rendered when read; Waymark
//! renders each post once, when it is written, and stores the HTML.
//!
//! Run: cargo bench --bench forum

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};

fn post(n: usize) -> String {
    format!(
        "Post {n}: what we learned about **braiding funds** this month.\n\n1. Time records by *activity*, not by person.\n2. One MOU per [partner](https://example.gov/mou-{n}).\n3. Ask @Rita before the call.\n\n> The auditors accepted it.\n\nMore in `notes-{n}.docx`."
    )
}

fn render(c: &mut Criterion) {
    let posts: Vec<String> = (1..=100).map(post).collect();
    let mut people: Vec<(i64, String)> = (0..59)
        .map(|i| (i, format!("Person{i} Surname{i}")))
        .collect();
    people.push((99, "Rita Reader".into()));
    c.bench_function(
        "render a thread of 100 posts (mentions + Markdown + sanitise)",
        |b| {
            b.iter(|| {
                for p in &posts {
                    let (_, md) = waymark::forum::apply_mentions(black_box(p), &people);
                    black_box(waymark::web::markdown::to_safe_html(&md));
                }
            })
        },
    );
}

criterion_group!(benches, render);
criterion_main!(benches);

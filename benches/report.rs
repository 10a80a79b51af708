//! Building the program report of a synthetic program year: 56 states, each
//! with 3 snapshots of 12 raters and a full year of activities, action plans
//! and peer groups (made by the same code as `waymark seed synthetic`), on
//! SQLite. Two figures: gathering the report from the database (everything
//! the printable page and the spreadsheet show), and writing the
//! spreadsheet (one sheet per part) from it.
//!
//! Run: cargo bench --bench report

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use waymark::config::Config;
use waymark::state::AppState;

fn synthetic_program(rt: &tokio::runtime::Runtime, dir: &std::path::Path) -> AppState {
    rt.block_on(async {
        let data_dir = dir.display().to_string();
        let config = Config::from_pairs(&[("data_dir", &data_dir)]).expect("bench settings");
        let state = AppState::build(config).await.expect("app state");
        waymark::seed::synthetic::assessment_cohort(
            &state,
            &waymark::seed::synthetic::Sizes {
                program: "synthetic".into(),
                states: 56,
                snapshots: 3,
                raters: 12,
                year: true,
            },
        )
        .await
        .expect("synthetic program");
        state
    })
}

fn bench(c: &mut Criterion) {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let dir = tempfile::tempdir().expect("temp dir");
    let state = synthetic_program(&rt, dir.path());
    let report = rt
        .block_on(waymark::report::service::program_report(
            &state,
            "synthetic",
        ))
        .expect("program report");
    assert_eq!(report.states.len(), 56, "every state is in the report");

    let mut group = c.benchmark_group("program report, 56 states");
    group.sample_size(20);
    group.bench_function("gather from the database", |b| {
        b.to_async(&rt).iter(|| async {
            black_box(
                waymark::report::service::program_report(&state, "synthetic")
                    .await
                    .expect("report"),
            )
        })
    });
    group.bench_function("write the spreadsheet", |b| {
        b.iter(|| black_box(waymark::report::export::program_xlsx(&report).expect("xlsx")))
    });
    group.bench_function("gather and write (the download)", |b| {
        b.to_async(&rt).iter(|| async {
            let r = waymark::report::service::program_report(&state, "synthetic")
                .await
                .expect("report");
            black_box(waymark::report::export::program_xlsx(&r).expect("xlsx"))
        })
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);

//! Large synthetic data for benchmarks: `waymark seed synthetic`. A program
//! whose states each have a team of raters, every rater's ratings of the
//! full instrument, the consensus and frozen snapshots.

use indicatif::{ProgressBar, ProgressStyle};

use crate::demo::mix;

use crate::app::AppState;
use crate::assessment::{Priority, Rating, SnapshotKind, service, store as assess};
use crate::auth::{Grant, Role};

pub struct Sizes {
    pub program: String,
    pub states: usize,
    pub snapshots: usize,
    pub raters: usize,
}

/// Makes the program and its cohort; refuses if the program exists.
pub async fn assessment_cohort(state: &AppState, sizes: &Sizes) -> anyhow::Result<()> {
    if !(1..=56).contains(&sizes.states)
        || !(1..=3).contains(&sizes.snapshots)
        || !(1..=50).contains(&sizes.raters)
    {
        anyhow::bail!("--states is 1 to 56, --snapshots 1 to 3, --raters 1 to 50");
    }
    let request = crate::program::create::NewProgramRequest {
        name: format!("Synthetic cohort ({} states)", sizes.states),
        slug: sizes.program.clone(),
        template: "intensive".into(),
        time_zone: "America/New_York".into(),
        deadline_date: "2016-06-01".into(),
        deadline_time: "15:00".into(),
        sponsor: "Synthetic".into(),
        provider: "Synthetic".into(),
    };
    crate::program::create::create(state, (None, "seed".into()), "", &request)
        .await?
        .map_err(|errors| anyhow::anyhow!("program: {errors:?}"))?;
    let pool = &state.db.pool;
    let program = crate::program::store::find_by_slug(pool, &sizes.program)
        .await?
        .expect("just created");
    let instrument = service::instrument(state, &state.frameworks, &program)
        .await
        .map_err(|e| anyhow::anyhow!("instrument: {e:?}"))?;
    let codes: Vec<String> = crate::program::store::jurisdictions(pool)
        .await?
        .into_iter()
        .map(|j| j.code)
        .take(sizes.states)
        .collect();
    let bar = ProgressBar::new((codes.len() * sizes.snapshots) as u64);
    bar.set_style(
        ProgressStyle::with_template("{msg} [{bar:40}] {pos}/{len} snapshots ({eta} left)")
            .expect("a valid template")
            .progress_chars("=> "),
    );
    bar.set_message("seeding");
    let kinds = SnapshotKind::ALL;
    let now = crate::time::now_ms();
    for (s, code) in codes.iter().enumerate() {
        let mut tx = state.db.begin().await?;
        sqlx::query(
            "INSERT INTO state_teams (program_id, state_code, created_at) VALUES ($1, $2, $3)",
        )
        .bind(program.id)
        .bind(code)
        .bind(now)
        .execute(&mut *tx)
        .await?;
        let mut raters = Vec::new();
        for r in 0..sizes.raters {
            let email = format!(
                "rater{r}.{}@{}.synthetic.test",
                code.to_lowercase(),
                sizes.program
            );
            let id = crate::auth::store::insert_user(
                &mut *tx,
                &email,
                &format!("Rater {r} ({code})"),
                None,
                now,
            )
            .await?;
            let role = if r == 0 {
                Role::StateLead
            } else {
                Role::StateMember
            };
            crate::auth::store::add_grant(
                &mut *tx,
                id,
                &Grant {
                    role,
                    program_id: Some(program.id),
                    state_code: Some(code.clone()),
                },
                now,
            )
            .await?;
            let sector = crate::team::Sector::ALL[r % crate::team::Sector::ALL.len()];
            sqlx::query(
                "INSERT INTO team_members (program_id, state_code, user_id, name, email, agency, sector, level, role, created_at)
                 VALUES ($1, $2, $3, $4, $5, 'Agency', $6, 'state', $7, $8)",
            )
            .bind(program.id)
            .bind(code)
            .bind(id)
            .bind(format!("Rater {r} ({code})"))
            .bind(&email)
            .bind(sector.as_str())
            .bind(if r == 0 { "lead" } else { "member" })
            .bind(now)
            .execute(&mut *tx)
            .await?;
            raters.push(id);
        }
        let round_id = assess::start_round(&mut tx, program.id, code, 1, now).await?;
        tx.commit().await?;
        let mut round = (round_id, 1);
        for (k, kind) in kinds.iter().take(sizes.snapshots).enumerate() {
            let mut tx = state.db.begin().await?;
            let mut consensus = Vec::new();
            let mut per_rater: Vec<Vec<(i64, Rating)>> = vec![Vec::new(); raters.len()];
            for i in &instrument.indicators {
                let mut levels = Vec::new();
                for (r, answers) in per_rater.iter_mut().enumerate() {
                    let h = mix(&[s as u64, k as u64, r as u64, i.id as u64]);
                    let base = 1 + (mix(&[s as u64, i.element_number as u64]) % 3) as i64;
                    let level = (base + k as i64 + (h % 3) as i64 - 1).clamp(1, 4);
                    let rating = Rating {
                        level: (!h.is_multiple_of(19)).then_some(level),
                        not_sure: h.is_multiple_of(19),
                        priority: Some(Priority::ALL[(h % 3) as usize]),
                        evidence: String::new(),
                    };
                    if let Some(l) = rating.level {
                        levels.push(l);
                    }
                    answers.push((i.id, rating));
                }
                levels.sort();
                consensus.push((
                    i.id,
                    Rating {
                        level: levels.get(levels.len() / 2).copied(),
                        not_sure: levels.is_empty(),
                        priority: Some(Priority::Medium),
                        evidence: String::new(),
                    },
                ));
            }
            for (r, id) in raters.iter().enumerate() {
                assess::save_member_ratings(&mut tx, round.0, *id, &per_rater[r], now).await?;
            }
            assess::save_consensus(&mut tx, round.0, &consensus, raters[0], now).await?;
            let at = now - ((sizes.snapshots - k) as i64) * 86_400_000 * 90;
            assess::take_snapshot(&mut tx, program.id, code, round, *kind, raters[0], at).await?;
            let next = assess::open_round(&mut *tx, program.id, code)
                .await?
                .expect("take_snapshot opens the next round");
            assess::set_shared(&mut tx, program.id, code, true, now).await?;
            tx.commit().await?;
            round = next;
            bar.inc(1);
        }
    }
    bar.finish_with_message("done");
    Ok(())
}

//! Assessment steps shared by the pages and the API: every request
//! starts by opening the state's assessment for the actor (`open`); each
//! change is then checked, done in one transaction, and audited.

use std::collections::BTreeMap;

use serde::Serialize;

use super::cohort::{self, Cohort, Which};
use super::export::{self, Export};
use super::instrument::frozen;
use super::instrument::{self, Instrument};
use super::recommend::{self, PeerCandidate, Recommendation};
use super::store::{self, Reflection, Snapshot};
use super::{
    ComponentScore, ElementChange, ElementScore, Frozen, Indicator, IndicatorChange,
    RankedPriority, Rating, Scale, SnapshotKind, Spread, check_rating, check_snapshot,
    component_scores, element_changes, element_scores, indicator_changes, ranked_priorities,
    spread,
};
use crate::audit::{self, Entry};
use crate::auth::Actor;
use crate::auth::policy::{self, Action};
use crate::framework::Registry;
use crate::program::store::Program;
use crate::state::AppState;
use crate::time::now_ms;
use crate::web::Refusal;

/// A state's assessment in a program, opened for someone allowed there.
pub struct Scope {
    pub program: Program,
    pub instrument: Instrument,
    /// The state's two-letter code, upper case.
    pub code: String,
    pub state_name: String,
    /// The team's open round (id, number), if one is open.
    pub round: Option<(i64, i64)>,
    /// Whether the state shares its results with the program's other states.
    pub shared: bool,
}

impl Scope {
    pub fn program(&self) -> &Program {
        &self.program
    }

    /// The address of the state's assessment pages.
    pub fn base(&self) -> String {
        format!("/programs/{}/assessment/{}", self.program.slug, self.code)
    }
}

pub fn may_view(program_id: i64, state_code: String) -> Action {
    Action::ViewAssessment {
        program_id,
        state_code,
    }
}

pub fn may_rate(program_id: i64, state_code: String) -> Action {
    Action::RateAssessment {
        program_id,
        state_code,
    }
}

pub fn may_lead(program_id: i64, state_code: String) -> Action {
    Action::LeadAssessment {
        program_id,
        state_code,
    }
}

/// Opens a state's assessment: the program (not found), whether the actor
/// may do `action` there (refused and audited), the state's team (a state
/// without one has no assessment), and the instrument (built on first
/// use). The program, team and open round come in one query.
pub async fn open(
    state: &AppState,
    actor: &Actor,
    at: (&str, &str),
    action: impl FnOnce(i64, String) -> Action,
) -> Result<Scope, Refusal> {
    open_as(state, actor, at, |row, code| {
        action(row.program.id, code.to_owned())
    })
    .await
}

async fn open_as(
    state: &AppState,
    actor: &Actor,
    (slug, code): (&str, &str),
    action: impl FnOnce(&store::ScopeRow, &str) -> Action,
) -> Result<Scope, Refusal> {
    let code = code.to_uppercase();
    let row = store::scope(&state.db.pool, slug, &code)
        .await?
        .ok_or(Refusal::NotFound)?;
    actor.may(state, action(&row, &code)).await?;
    if row.team.is_none() {
        return Err(Refusal::NotFound);
    }
    let instrument = instrument(state, &state.frameworks, &row.program).await?;
    let state_name = state
        .places
        .iter()
        .find(|j| j.code == code)
        .map_or_else(|| code.clone(), |j| j.name.clone());
    let round = row.round_id.zip(row.round);
    Ok(Scope {
        program: row.program,
        instrument,
        code,
        state_name,
        round,
        shared: row.shared == 1,
    })
}

/// A state's results: one snapshot's (the latest when none is named),
/// for the team, its coach, the admin, the federal officer, and the
/// program's other states when the state shares them (they see scores
/// and priorities, not the team's notes). Also says whether the actor
/// sees it all.
pub async fn results_for(
    state: &AppState,
    actor: &Actor,
    at: (&str, &str),
    snapshot_id: Option<i64>,
) -> Result<(Scope, Option<Results>, bool), Refusal> {
    let may_see = |row: &store::ScopeRow, code: &str| Action::ViewResults {
        program_id: row.program.id,
        state_code: code.to_owned(),
        shared: row.shared == 1,
    };
    let scope = open_as(state, actor, at, may_see).await?;
    let full = policy::allows(&actor.user, &may_view(scope.program.id, scope.code.clone()));
    let mut results = results(state, &scope, snapshot_id).await?;
    if let Some(results) = results.as_mut().filter(|_| !full) {
        results.reflections.clear();
        for f in &mut results.ratings {
            f.rating.evidence.clear();
        }
    }
    Ok((scope, results, full))
}

/// The team's open round, opened now if none is.
pub async fn round_of(state: &AppState, scope: &Scope) -> Result<(i64, i64), Refusal> {
    match scope.round {
        Some(r) => Ok(r),
        None => round(state, &scope.program, &scope.code).await,
    }
}

/// The program's instrument, built from its framework the first time.
pub async fn instrument(
    state: &AppState,
    registry: &Registry,
    program: &Program,
) -> Result<Instrument, Refusal> {
    if let Some(kept) = state.instruments.get(program.id) {
        return Ok(kept);
    }
    let mut conn = state.db.pool.acquire().await?;
    if let Some(i) = store::instrument(&mut conn, program.id).await? {
        state.instruments.keep(&i);
        return Ok(i);
    }
    drop(conn);
    let framework_slug = &program.framework;
    let Some(framework) = registry.get(framework_slug) else {
        return Err(Refusal::Conflict(format!(
            "This program's framework ({framework_slug}) is not loaded, so its assessment cannot be built."
        )));
    };
    let built = instrument::build(framework);
    if built.is_empty() {
        return Err(Refusal::Conflict(format!(
            "The framework {} has no strategies to rate.",
            framework.name
        )));
    }
    let mut tx = state.db.begin().await?;
    store::create_instrument(
        &mut tx,
        program.id,
        &framework.slug,
        &framework.version,
        &Scale::default_four_phases(),
        &built,
        now_ms(),
    )
    .await?;
    tx.commit().await?;
    let mut conn = state.db.pool.acquire().await?;
    let made = store::instrument(&mut conn, program.id)
        .await?
        .ok_or_else(|| {
            Refusal::Internal(anyhow::anyhow!("the instrument just made is not there"))
        })?;
    state.instruments.keep(&made);
    Ok(made)
}

/// The state's open round, started when the first person opens the
/// assessment. Only a state with a team has an assessment.
pub async fn round(state: &AppState, program: &Program, code: &str) -> Result<(i64, i64), Refusal> {
    if let Some(r) = store::open_round(&state.db.pool, program.id, code).await? {
        return Ok(r);
    }
    if !crate::team::store::exists(&state.db.pool, program.id, code).await? {
        return Err(Refusal::NotFound);
    }
    let taken = store::snapshots(&state.db.pool, program.id, code)
        .await?
        .len() as i64;
    let mut tx = state.db.begin().await?;
    let id = store::start_round(&mut tx, program.id, code, taken + 1, now_ms()).await?;
    tx.commit().await?;
    Ok((id, taken + 1))
}

/// Ratings as typed: indicator id -> rating.
pub type Typed = BTreeMap<i64, Rating>;

fn check_all(instrument: &Instrument, typed: &Typed) -> Result<Vec<(i64, Rating)>, Refusal> {
    let mut errors = Vec::new();
    let mut out = Vec::new();
    for (id, r) in typed {
        if !instrument.indicators.iter().any(|i| i.id == *id) {
            errors.push((
                "ratings".to_owned(),
                format!("There is no indicator number {id} in this assessment."),
            ));
            continue;
        }
        match check_rating(&instrument.scale, r) {
            Ok(r) => out.push((*id, r)),
            Err(m) => errors.push((format!("rating-{id}"), m)),
        }
    }
    if errors.is_empty() {
        Ok(out)
    } else {
        Err(Refusal::Invalid(errors))
    }
}

/// Saves the member's own ratings (a draft: blanks allowed); answers
/// with the round they were saved in, as (id, number).
pub async fn save_my_ratings(
    state: &AppState,
    actor: &Actor,
    scope: &Scope,
    typed: &Typed,
) -> Result<(i64, i64), Refusal> {
    let (program, code, user, ip) = (&scope.program, &scope.code, &actor.user, &actor.ip);
    let checked = check_all(&scope.instrument, typed)?;
    let (round_id, number) = round_of(state, scope).await?;
    let mut tx = state.db.begin().await?;
    store::save_member_ratings(&mut tx, round_id, user.id, &checked, now_ms()).await?;
    audit::write(
        &mut *tx,
        &Entry::new(user.actor(), ip, "save_ratings")
            .record("assessment_round", round_id)
            .detail(format!(
                "{} ratings for {code} in {}",
                checked.len(),
                program.slug
            )),
    )
    .await?;
    tx.commit().await?;
    Ok((round_id, number))
}

/// One member's answer on one indicator, for the consensus view.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct MemberAnswer {
    pub user_id: i64,
    pub name: String,
    pub sector: String,
    pub rating: Rating,
}

/// Everything about one indicator the lead needs to set the consensus.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct IndicatorView {
    pub indicator: Indicator,
    pub members: Vec<MemberAnswer>,
    pub spread: Spread,
    pub consensus: Option<Rating>,
    /// The rating in the state's latest snapshot, for reference.
    pub previous: Option<Rating>,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct RaterProgress {
    pub name: String,
    pub answered: usize,
    pub total: usize,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ConsensusView {
    pub round: i64,
    pub indicators: Vec<IndicatorView>,
    /// Element key -> what the team wrote.
    pub reflections: BTreeMap<String, Reflection>,
    /// Each rater's progress.
    pub progress: Vec<RaterProgress>,
    pub snapshots: Vec<Snapshot>,
    /// Indicators with a consensus answer, of all.
    pub agreed: usize,
}

pub async fn consensus_view(state: &AppState, scope: &Scope) -> Result<ConsensusView, Refusal> {
    let (program, instrument, code) = (&scope.program, &scope.instrument, scope.code.as_str());
    let (round_id, round_no) = round_of(state, scope).await?;
    let pool = &state.db.pool;
    let raters = store::raters(pool, program.id, code).await?;
    let ratings = store::member_ratings(pool, round_id).await?;
    let consensus = store::consensus(pool, round_id).await?;
    let snapshots = store::snapshots(pool, program.id, code).await?;
    let previous = match snapshots.last() {
        Some(s) => store::snapshot_ratings(pool, s.id).await?,
        None => BTreeMap::new(),
    };
    let total = instrument.indicators.len();
    let progress = raters
        .iter()
        .map(|(id, name, _)| {
            let answered = ratings
                .get(id)
                .map(|m| m.values().filter(|r| r.answered()).count())
                .unwrap_or(0);
            RaterProgress {
                name: name.clone(),
                answered,
                total,
            }
        })
        .collect();
    let indicators = instrument
        .indicators
        .iter()
        .map(|i| {
            let members: Vec<MemberAnswer> = raters
                .iter()
                .map(|(id, name, sector)| MemberAnswer {
                    user_id: *id,
                    name: name.clone(),
                    sector: sector.clone(),
                    rating: ratings
                        .get(id)
                        .and_then(|m| m.get(&i.id))
                        .cloned()
                        .unwrap_or_default(),
                })
                .collect();
            let levels: Vec<Option<i64>> = members.iter().map(|m| m.rating.level).collect();
            let not_sure = members.iter().filter(|m| m.rating.not_sure).count();
            IndicatorView {
                spread: spread(&levels, not_sure),
                consensus: consensus.get(&i.id).cloned(),
                previous: previous.get(&i.id).cloned(),
                indicator: i.clone(),
                members,
            }
        })
        .collect();
    Ok(ConsensusView {
        round: round_no,
        agreed: consensus.values().filter(|r| r.answered()).count(),
        indicators,
        reflections: store::reflections(pool, round_id).await?,
        progress,
        snapshots,
    })
}

/// What the lead is allowed to say about reflections: each at most this long.
const MAX_REFLECTION: usize = 5000;

/// Saves consensus ratings and elements' reflections, all or nothing.
pub async fn save_consensus(
    state: &AppState,
    actor: &Actor,
    scope: &Scope,
    typed: &Typed,
    reflections: &[(String, Reflection)],
) -> Result<(), Refusal> {
    let (program, instrument, code) = (&scope.program, &scope.instrument, scope.code.as_str());
    let (user, ip) = (&actor.user, &actor.ip);
    let checked = check_all(instrument, typed)?;
    let mut trimmed_all = Vec::new();
    for (key, r) in reflections {
        let key = key.as_str();
        {
            if !instrument.indicators.iter().any(|i| i.element_key == key) {
                return Err(Refusal::field(
                    "reflections",
                    format!("There is no element \"{key}\" in this assessment."),
                ));
            }
            let trimmed = Reflection {
                now: r.now.trim().to_owned(),
                goal: r.goal.trim().to_owned(),
                ta_needs: r.ta_needs.trim().to_owned(),
                next_steps: r.next_steps.trim().to_owned(),
            };
            for (field, text) in [
                ("now", &trimmed.now),
                ("goal", &trimmed.goal),
                ("ta_needs", &trimmed.ta_needs),
                ("next_steps", &trimmed.next_steps),
            ] {
                if text.chars().count() > MAX_REFLECTION {
                    return Err(Refusal::field(field, "Keep this under 5,000 characters."));
                }
            }
            trimmed_all.push((key, trimmed));
        }
    }
    let (round_id, _) = round(state, program, code).await?;
    let now = now_ms();
    let mut tx = state.db.begin().await?;
    store::save_consensus(&mut tx, round_id, &checked, user.id, now).await?;
    for (key, r) in &trimmed_all {
        store::save_reflection(&mut tx, round_id, key, r, now).await?;
    }
    audit::write(
        &mut *tx,
        &Entry::new(user.actor(), ip, "save_consensus")
            .record("assessment_round", round_id)
            .detail(format!(
                "{} ratings for {code} in {}",
                checked.len(),
                program.slug
            )),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Freezes the consensus as the next snapshot; returns its id.
pub async fn take_snapshot(
    state: &AppState,
    actor: &Actor,
    scope: &Scope,
    kind: &str,
) -> Result<i64, Refusal> {
    let (program, instrument, code) = (&scope.program, &scope.instrument, scope.code.as_str());
    let (user, ip) = (&actor.user, &actor.ip);
    let Some(kind) = SnapshotKind::parse(kind) else {
        return Err(Refusal::field(
            "kind",
            "Choose baseline, mid-year or final.",
        ));
    };
    let round = round(state, program, code).await?;
    let pool = &state.db.pool;
    let taken: Vec<SnapshotKind> = store::snapshots(pool, program.id, code)
        .await?
        .into_iter()
        .map(|s| s.kind)
        .collect();
    let agreed = store::consensus(pool, round.0)
        .await?
        .values()
        .filter(|r| r.answered())
        .count();
    check_snapshot(kind, &taken, instrument.indicators.len(), agreed).map_err(Refusal::Conflict)?;
    let mut tx = state.db.begin().await?;
    let id =
        store::take_snapshot(&mut tx, program.id, code, round, kind, user.id, now_ms()).await?;
    audit::write(
        &mut *tx,
        &Entry::new(user.actor(), ip, "take_snapshot")
            .record("snapshot", id)
            .detail(format!("{} for {code} in {}", kind.as_str(), program.slug)),
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

/// A component's score with its name.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct NamedComponentScore {
    pub name: String,
    #[serde(flatten)]
    pub score: ComponentScore,
}

/// What a snapshot says.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
#[schema(as = AssessmentResults)]
pub struct Results {
    pub state_code: String,
    pub snapshot: Snapshot,
    pub scale: Scale,
    pub elements: Vec<ElementScore>,
    pub components: Vec<NamedComponentScore>,
    pub priorities: Vec<RankedPriority>,
    /// The snapshot before this one, if any, and the change since.
    pub previous: Option<Snapshot>,
    pub element_changes: Vec<ElementChange>,
    pub indicator_changes: Vec<IndicatorChange>,
    pub reflections: BTreeMap<String, Reflection>,
    /// Every indicator with its frozen rating.
    pub ratings: Vec<Frozen>,
    /// For each of the top three priorities: strategies not yet in place,
    /// experts, peer states strong on the element that share their results.
    pub recommendations: Vec<Recommendation>,
}

/// The components in the order to show them: those of the framework the
/// crosswalk points at, in that framework's order.
pub fn component_names(registry: &Registry, instrument: &Instrument) -> Vec<(String, String)> {
    let mut keys: Vec<String> = Vec::new();
    for i in &instrument.indicators {
        for c in &i.components {
            if !keys.contains(c) {
                keys.push(c.clone());
            }
        }
    }
    let mut named: Vec<(u8, String, String)> = keys
        .into_iter()
        .map(|k| match registry.component(&k) {
            Some(c) => (c.number, k, c.name.clone()),
            None => (u8::MAX, k.clone(), k),
        })
        .collect();
    named.sort_by(|a, b| a.0.cmp(&b.0).then(a.1.cmp(&b.1)));
    named.into_iter().map(|(_, k, n)| (k, n)).collect()
}

/// The results of one snapshot (the latest when none is named).
pub async fn results(
    state: &AppState,
    scope: &Scope,
    snapshot_id: Option<i64>,
) -> Result<Option<Results>, Refusal> {
    let (program, instrument, code) = (&scope.program, &scope.instrument, scope.code.as_str());
    let registry = &state.frameworks;
    let pool = &state.db.pool;
    let snapshots = store::snapshots(pool, program.id, code).await?;
    let position = match snapshot_id {
        Some(id) => match snapshots.iter().position(|s| s.id == id) {
            Some(p) => p,
            None => return Err(Refusal::NotFound),
        },
        None => match snapshots.len() {
            0 => return Ok(None),
            n => n - 1,
        },
    };
    let snapshot = snapshots[position].clone();
    let previous = position.checked_sub(1).map(|p| snapshots[p].clone());
    let now = frozen(
        instrument,
        &store::snapshot_ratings(pool, snapshot.id).await?,
    );
    let scale = &instrument.scale;
    let elements = element_scores(scale, &now);
    let (element_changes, indicator_changes) = match &previous {
        Some(p) => {
            let before = frozen(instrument, &store::snapshot_ratings(pool, p.id).await?);
            (
                element_changes(&element_scores(scale, &before), &elements),
                indicator_changes(&before, &now),
            )
        }
        None => (vec![], vec![]),
    };
    let priorities = ranked_priorities(scale, &now);
    let recommendations =
        recommendations(state, program, instrument, code, &priorities, &now).await?;
    let names = component_names(registry, instrument);
    let keys: Vec<String> = names.iter().map(|(k, _)| k.clone()).collect();
    let components = component_scores(scale, &now, &keys)
        .into_iter()
        .zip(names)
        .map(|(score, (_, name))| NamedComponentScore { name, score })
        .collect();
    Ok(Some(Results {
        state_code: code.to_owned(),
        priorities,
        recommendations,
        reflections: store::snapshot_reflections(pool, snapshot.id).await?,
        snapshot,
        scale: scale.clone(),
        elements,
        components,
        previous,
        element_changes,
        indicator_changes,
        ratings: now,
    }))
}

/// Each of the state's snapshots, oldest first, with its element scores
/// (the ratings kept in memory once read: a snapshot never changes).
pub async fn score_history(
    state: &AppState,
    (program, instrument): (&Program, &Instrument),
    code: &str,
) -> Result<Vec<(Snapshot, Vec<ElementScore>)>, Refusal> {
    let pool = &state.db.pool;
    let snapshots = store::snapshots(pool, program.id, code).await?;
    let ids: Vec<i64> = snapshots.iter().map(|s| s.id).collect();
    let ratings = state.frozen.of(pool, &ids).await?;
    let empty = BTreeMap::new();
    Ok(snapshots
        .into_iter()
        .map(|s| {
            let scores = super::element_scores_from(
                &instrument.scale,
                &instrument.indicators,
                ratings.get(&s.id).map(|r| r.as_ref()).unwrap_or(&empty),
            );
            (s, scores)
        })
        .collect())
}

pub async fn set_sharing(
    state: &AppState,
    actor: &Actor,
    scope: &Scope,
    shared: bool,
) -> Result<(), Refusal> {
    let (program, code, user, ip) = (&scope.program, scope.code.as_str(), &actor.user, &actor.ip);
    let mut tx = state.db.begin().await?;
    store::set_shared(&mut tx, program.id, code, shared, now_ms()).await?;
    audit::write(
        &mut *tx,
        &Entry::new(user.actor(), ip, "share_results")
            .record("state_team", format!("{}:{code}", program.id))
            .detail(format!(
                "{code} in {} {}",
                program.slug,
                if shared {
                    "shares its results"
                } else {
                    "stops sharing its results"
                }
            )),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Every state's element scores side by side, from the snapshot `which` picks.
/// The program, if the actor may see the cohort's readiness side by side
/// (the admin, the federal officer, the program's coaches).
pub async fn open_cohort(state: &AppState, actor: &Actor, slug: &str) -> Result<Program, Refusal> {
    let program = crate::program::load(state, slug).await?;
    let program_id = program.id;
    actor.may(state, Action::ViewCohort { program_id }).await?;
    Ok(program)
}

pub async fn cohort(
    state: &AppState,
    (program, instrument): (&Program, &Instrument),
    which: Which,
) -> Result<Cohort, Refusal> {
    let pool = &state.db.pool;
    let states = crate::team::store::teams(pool, program.id).await?;
    let snapshots = store::program_snapshots(pool, program.id).await?;
    // Only the ratings of the snapshots shown: one per state.
    let shown: Vec<i64> = states
        .iter()
        .filter_map(|(code, _)| {
            let own: Vec<Snapshot> = snapshots
                .iter()
                .filter(|s| &s.state_code == code)
                .cloned()
                .collect();
            which.pick(&own).map(|s| s.id)
        })
        .collect();
    // The database adds up the phases; scores come from the sums.
    let elements: Vec<(String, i64, String, usize)> = instrument
        .elements()
        .into_iter()
        .map(|g| (g.key, g.number, g.name, g.indicators.len()))
        .collect();
    let scored = store::phase_sums(pool, &shown)
        .await?
        .into_iter()
        .map(|(id, sums)| {
            (
                id,
                super::element_scores_from_sums(&instrument.scale, &elements, &sums),
            )
        })
        .collect();
    Ok(cohort::matrix(
        instrument, &states, &snapshots, &scored, which,
    ))
}

/// Recommendations for the top priorities of one of the state's snapshots.
async fn recommendations(
    state: &AppState,
    program: &Program,
    instrument: &Instrument,
    code: &str,
    priorities: &[RankedPriority],
    now: &[Frozen],
) -> Result<Vec<Recommendation>, Refusal> {
    if priorities.is_empty() {
        return Ok(vec![]);
    }
    let pool = &state.db.pool;
    let latest = cohort(state, (program, instrument), Which::Latest).await?;
    let sharing = store::sharing_states(pool, program.id).await?;
    let peers: Vec<PeerCandidate> = latest
        .rows
        .iter()
        .map(|r| PeerCandidate {
            state_code: r.state_code.clone(),
            state_name: r.state_name.clone(),
            shared: sharing.contains(&r.state_code),
            scores: latest
                .elements
                .iter()
                .zip(&r.cells)
                .map(|(e, c)| (e.key.clone(), c.score))
                .collect(),
        })
        .collect();
    let experts = recommend::experts_from_rows(store::experts(pool).await?);
    let mut recs = recommend::recommend(&instrument.scale, priorities, now, &experts, &peers, code);
    crate::exchange::search::fill_recommendations(&state.db, &mut recs).await?;
    Ok(recs)
}

/// A state's assessment to take away: every snapshot's scores, the latest
/// priorities, and the latest round with ratings (each member's and the
/// consensus).
pub async fn export(state: &AppState, scope: &Scope) -> Result<Export, Refusal> {
    let (program, instrument, code) = (&scope.program, &scope.instrument, scope.code.as_str());
    let state_name = scope.state_name.as_str();
    let pool = &state.db.pool;
    let mut snapshots = Vec::new();
    for s in store::snapshots(pool, program.id, code).await? {
        let ratings = store::snapshot_ratings(pool, s.id).await?;
        snapshots.push((s, ratings));
    }
    let (round_id, round_no, round_status) =
        match store::latest_rated_round(pool, program.id, code).await? {
            Some((id, n, kind)) => (
                id,
                n,
                match kind.as_deref().and_then(SnapshotKind::parse) {
                    Some(k) => format!("frozen as the {} snapshot", k.label().to_lowercase()),
                    None => "in progress".to_owned(),
                },
            ),
            None => {
                let (id, n) = round(state, program, code).await?;
                (id, n, "in progress".to_owned())
            }
        };
    let raters = store::raters(pool, program.id, code)
        .await?
        .into_iter()
        .map(|(user_id, name, sector)| export::Rater {
            user_id,
            name,
            sector,
        })
        .collect();
    let member_ratings = store::member_ratings(pool, round_id).await?;
    let consensus = store::consensus(pool, round_id).await?;
    Ok(export::build(export::Input {
        program: (&program.slug, &program.name),
        state: (code, state_name),
        instrument,
        snapshots,
        round: round_no,
        round_status,
        raters,
        member_ratings: &member_ratings,
        consensus: &consensus,
    }))
}

/// The elements an expert may say they know: those of the frameworks the
/// programs follow (the Six Key Elements when there is no program yet),
/// each key once, as (key, name).
pub fn expertise_choices(registry: &Registry, programs: &[Program]) -> Vec<(String, String)> {
    let mut slugs: Vec<&str> = programs.iter().map(|p| p.framework.as_str()).collect();
    if slugs.is_empty() {
        slugs.push(crate::framework::SIX_KEY_ELEMENTS);
    }
    let mut out: Vec<(String, String)> = Vec::new();
    for slug in slugs {
        let Some(f) = registry.get(slug) else {
            continue;
        };
        let mut elements: Vec<_> = f.elements.iter().collect();
        elements.sort_by_key(|e| e.number);
        for e in elements {
            if !out.iter().any(|(k, _)| *k == e.key) {
                out.push((e.key.clone(), e.name.clone()));
            }
        }
    }
    out
}

/// The choices and the person's expertise: (key, name, known).
pub async fn expertise(
    state: &AppState,
    actor: &Actor,
) -> Result<Vec<(String, String, bool)>, Refusal> {
    actor.may(state, Action::SetOwnExpertise).await?;
    let user_id = actor.user.id;
    let programs = crate::program::store::list(&state.db.pool).await?;
    let mine = store::expertise_of(&state.db.pool, user_id).await?;
    Ok(expertise_choices(&state.frameworks, &programs)
        .into_iter()
        .map(|(k, n)| {
            let known = mine.contains(&k);
            (k, n, known)
        })
        .collect())
}

/// Saves the elements an expert knows (all or nothing); answers the keys saved.
#[derive(Debug, Default, serde::Deserialize, Serialize, utoipa::ToSchema)]
#[serde(default)]
pub struct ExpertiseRequest {
    /// The keys of the elements the caller knows; the others are cleared.
    pub elements: Vec<String>,
}

pub async fn save_expertise(
    state: &AppState,
    actor: &Actor,
    input: impl crate::web::Input<ExpertiseRequest>,
) -> Result<Vec<String>, Refusal> {
    actor.may(state, Action::SetOwnExpertise).await?;
    let chosen = &input.read()?.elements;
    let (user, ip) = (&actor.user, &actor.ip);
    let programs = crate::program::store::list(&state.db.pool).await?;
    let choices = expertise_choices(&state.frameworks, &programs);
    let keys =
        recommend::check_expertise(&choices, chosen).map_err(|m| Refusal::field("elements", m))?;
    let mut tx = state.db.begin().await?;
    store::set_expertise(&mut tx, user.id, &keys).await?;
    audit::write(
        &mut *tx,
        &Entry::new(user.actor(), ip, "set_expertise")
            .record("user", user.id)
            .detail(format!("{} elements: {}", keys.len(), keys.join(", "))),
    )
    .await?;
    tx.commit().await?;
    Ok(keys)
}

//! `/api/v1` for the readiness assessment: the instrument, a member's own
//! ratings, the consensus, snapshots, results (with recommendations),
//! sharing, the export of a state's assessment, the cohort and an expert's
//! own elements.

use crate::web::api::Created;
use std::collections::BTreeMap;

use crate::web::Path;
use crate::web::Query;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::cohort::{Cohort, WHICH_ERROR, Which};
use super::export::Export;
use super::instrument::Instrument;
use super::service::{self, ConsensusView, Results};
use super::store::{self, Reflection, Snapshot};
use super::{Priority, Rating};
use crate::auth::Actor;
use crate::auth::api::ApiUser;
use crate::auth::guard;
use crate::auth::policy::Action;
use crate::state::AppState;
use crate::web::api_error::ErrorResponse;
use crate::web::{ApiError, ApiJson};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(get_instrument))
        .routes(routes!(get_my_ratings, put_my_ratings))
        .routes(routes!(get_consensus, put_consensus))
        .routes(routes!(list_snapshots, take_snapshot))
        .routes(routes!(get_results))
        .routes(routes!(put_sharing))
        .routes(routes!(get_export))
        .routes(routes!(get_cohort))
        .routes(routes!(get_my_expertise, put_my_expertise))
}

/// The program's assessment instrument: the scale and every indicator, grouped by element (anyone with a role in the program).
#[utoipa::path(get, path = "/api/v1/programs/{slug}/instrument", tag = "assessment",
    params(("slug" = String, Path, description = "The program's short name")),
    responses((status = 200, body = Instrument), (status = 401, body = ErrorResponse), (status = 403, body = ErrorResponse), (status = 404, body = ErrorResponse),
        (status = 409, description = "The program's framework is not loaded", body = ErrorResponse)))]
async fn get_instrument(
    State(state): State<AppState>,
    api: ApiUser,
    Path(slug): Path<String>,
) -> Result<Json<Instrument>, ApiError> {
    let program = crate::program::load(&state, &slug).await?;
    guard::api(
        &state,
        &api,
        Action::ViewProgram {
            program_id: program.id,
        },
    )
    .await?;
    Ok(Json(
        service::instrument(&state, &state.frameworks, &program).await?,
    ))
}

/// One indicator's rating, in requests and answers.
#[derive(Debug, Clone, Default, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(default)]
pub struct IndicatorRating {
    pub indicator_id: i64,
    /// The phase, 1 to the top of the scale; null for "not sure" or not yet rated.
    pub level: Option<i64>,
    pub not_sure: bool,
    pub priority: Option<Priority>,
    /// Evidence and notes (for the consensus: the lead's note).
    pub evidence: String,
}

fn listed(ratings: &BTreeMap<i64, Rating>) -> Vec<IndicatorRating> {
    ratings
        .iter()
        .map(|(id, r)| IndicatorRating {
            indicator_id: *id,
            level: r.level,
            not_sure: r.not_sure,
            priority: r.priority,
            evidence: r.evidence.clone(),
        })
        .collect()
}

fn typed(list: Vec<IndicatorRating>) -> Result<service::Typed, ApiError> {
    let mut out = BTreeMap::new();
    for r in list {
        let id = r.indicator_id;
        if out
            .insert(
                id,
                Rating {
                    level: r.level,
                    not_sure: r.not_sure,
                    priority: r.priority,
                    evidence: r.evidence,
                },
            )
            .is_some()
        {
            return Err(ApiError::field(
                "ratings",
                format!("Indicator {id} is rated twice."),
            ));
        }
    }
    Ok(out)
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct MyRatings {
    pub round: i64,
    pub ratings: Vec<IndicatorRating>,
    /// Indicators answered (a phase or "not sure"), of `total`.
    pub answered: usize,
    pub total: usize,
}

async fn my_ratings(
    state: &AppState,
    api: &ApiUser,
    scope: &service::Scope,
) -> Result<MyRatings, ApiError> {
    let (round_id, round) = service::round_of(state, scope).await?;
    let mine = store::ratings_of(&state.db.pool, round_id, api.user.id).await?;
    let (answered, total) = super::progress(scope.instrument.indicators.len(), &mine);
    Ok(MyRatings {
        round,
        ratings: listed(&mine),
        answered,
        total,
    })
}

/// The caller's own ratings in the state's open round (the state's team members).
#[utoipa::path(get, path = "/api/v1/programs/{slug}/assessment/{state}/ratings", tag = "assessment",
    params(("slug" = String, Path, description = "The program's short name"), ("state" = String, Path, description = "Two-letter postal code")),
    responses((status = 200, body = MyRatings), (status = 401, body = ErrorResponse), (status = 403, body = ErrorResponse), (status = 404, body = ErrorResponse)))]
async fn get_my_ratings(
    State(state): State<AppState>,
    api: ApiUser,
    Path((slug, code)): Path<(String, String)>,
) -> Result<Json<MyRatings>, ApiError> {
    let scope = service::open(&state, &api, (&slug, &code), service::may_rate).await?;
    Ok(Json(my_ratings(&state, &api, &scope).await?))
}

#[derive(Debug, Default, Deserialize, Serialize, utoipa::ToSchema)]
pub struct RatingsRequest {
    /// Ratings to save; indicators left out keep what they had.
    pub ratings: Vec<IndicatorRating>,
}

/// Saves some of the caller's ratings (a draft: blanks allowed). Errors name `rating-<indicator id>`.
#[utoipa::path(put, path = "/api/v1/programs/{slug}/assessment/{state}/ratings", tag = "assessment", request_body = RatingsRequest,
    params(("slug" = String, Path, description = "The program's short name"), ("state" = String, Path, description = "Two-letter postal code")),
    responses((status = 200, body = MyRatings), (status = 401, body = ErrorResponse), (status = 403, body = ErrorResponse), (status = 404, body = ErrorResponse), (status = 422, body = ErrorResponse)))]
async fn put_my_ratings(
    State(state): State<AppState>,
    api: ApiUser,
    Path((slug, code)): Path<(String, String)>,
    body: ApiJson<RatingsRequest>,
) -> Result<Json<MyRatings>, ApiError> {
    let mut scope = service::open(&state, &api, (&slug, &code), service::may_rate).await?;
    let typed = typed(body.parse()?.ratings)?;
    scope.round = Some(service::save_my_ratings(&state, &api, &scope, &typed).await?);
    Ok(Json(my_ratings(&state, &api, &scope).await?))
}

/// Every member's ratings with their sectors, the spread, and the consensus so far (the team, its coach, the admin, the federal officer).
#[utoipa::path(get, path = "/api/v1/programs/{slug}/assessment/{state}/consensus", tag = "assessment",
    params(("slug" = String, Path, description = "The program's short name"), ("state" = String, Path, description = "Two-letter postal code")),
    responses((status = 200, body = ConsensusView), (status = 401, body = ErrorResponse), (status = 403, body = ErrorResponse), (status = 404, body = ErrorResponse)))]
async fn get_consensus(
    State(state): State<AppState>,
    api: ApiUser,
    Path((slug, code)): Path<(String, String)>,
) -> Result<Json<ConsensusView>, ApiError> {
    let scope = service::open(&state, &api, (&slug, &code), service::may_view).await?;
    Ok(Json(service::consensus_view(&state, &scope).await?))
}

#[derive(Debug, Default, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(default)]
pub struct ConsensusRequest {
    /// The team's answers; the evidence field holds the lead's note.
    pub ratings: Vec<IndicatorRating>,
    /// Element key -> where the team is, wants to be, its TA needs and next steps.
    pub reflections: BTreeMap<String, Reflection>,
}

/// Sets the team's consensus answers and reflections (the state's lead).
#[utoipa::path(put, path = "/api/v1/programs/{slug}/assessment/{state}/consensus", tag = "assessment", request_body = ConsensusRequest,
    params(("slug" = String, Path, description = "The program's short name"), ("state" = String, Path, description = "Two-letter postal code")),
    responses((status = 200, body = ConsensusView), (status = 401, body = ErrorResponse), (status = 403, body = ErrorResponse), (status = 404, body = ErrorResponse), (status = 422, body = ErrorResponse)))]
async fn put_consensus(
    State(state): State<AppState>,
    api: ApiUser,
    Path((slug, code)): Path<(String, String)>,
    body: ApiJson<ConsensusRequest>,
) -> Result<Json<ConsensusView>, ApiError> {
    let scope = service::open(&state, &api, (&slug, &code), service::may_lead).await?;
    let req = body.parse()?;
    let typed = typed(req.ratings)?;
    let reflections: Vec<(String, Reflection)> = req.reflections.into_iter().collect();
    service::save_consensus(&state, &api, &scope, &typed, &reflections).await?;
    Ok(Json(service::consensus_view(&state, &scope).await?))
}

/// The state's snapshots, oldest first (the team, its coach, the admin, the federal officer).
#[utoipa::path(get, path = "/api/v1/programs/{slug}/assessment/{state}/snapshots", tag = "assessment",
    params(("slug" = String, Path, description = "The program's short name"), ("state" = String, Path, description = "Two-letter postal code")),
    responses((status = 200, body = Vec<Snapshot>), (status = 401, body = ErrorResponse), (status = 403, body = ErrorResponse), (status = 404, body = ErrorResponse)))]
async fn list_snapshots(
    State(state): State<AppState>,
    api: ApiUser,
    Path((slug, code)): Path<(String, String)>,
) -> Result<Json<Vec<Snapshot>>, ApiError> {
    let scope = service::open(&state, &api, (&slug, &code), service::may_view).await?;
    Ok(Json(
        store::snapshots(&state.db.pool, scope.program.id, &scope.code).await?,
    ))
}

#[derive(Debug, Default, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(default)]
pub struct SnapshotRequest {
    /// baseline, mid_year or final: the next one in that order.
    #[schema(value_type = crate::assessment::SnapshotKind)]
    pub kind: String,
}

/// Freezes the consensus as the next snapshot; it never changes afterwards (the state's lead).
#[utoipa::path(post, path = "/api/v1/programs/{slug}/assessment/{state}/snapshots", tag = "assessment", request_body = SnapshotRequest,
    params(("slug" = String, Path, description = "The program's short name"), ("state" = String, Path, description = "Two-letter postal code")),
    responses((status = 201, body = Created), (status = 401, body = ErrorResponse), (status = 403, body = ErrorResponse), (status = 404, body = ErrorResponse),
        (status = 409, description = "Out of order, already taken, or the consensus is incomplete", body = ErrorResponse), (status = 422, body = ErrorResponse)))]
async fn take_snapshot(
    State(state): State<AppState>,
    api: ApiUser,
    Path((slug, code)): Path<(String, String)>,
    body: ApiJson<SnapshotRequest>,
) -> Result<(StatusCode, Json<Created>), ApiError> {
    let scope = service::open(&state, &api, (&slug, &code), service::may_lead).await?;
    let kind = body.parse()?.kind;
    let id = service::take_snapshot(&state, &api, &scope, &kind).await?;
    Ok((StatusCode::CREATED, Json(Created { id })))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ResultsQuery {
    /// A snapshot's id; the latest when left out.
    pub snapshot: Option<i64>,
}

/// A snapshot's results: element and component scores, ranked priorities, change since the snapshot before (the team, its coach, the admin, the federal officer; other states in the program when the state shares).
#[utoipa::path(get, path = "/api/v1/programs/{slug}/assessment/{state}/results", tag = "assessment",
    params(("slug" = String, Path, description = "The program's short name"), ("state" = String, Path, description = "Two-letter postal code"), ResultsQuery),
    responses((status = 200, body = Results), (status = 401, body = ErrorResponse), (status = 403, body = ErrorResponse), (status = 404, description = "No such state, team or snapshot yet", body = ErrorResponse)))]
async fn get_results(
    State(state): State<AppState>,
    api: ApiUser,
    Path((slug, code)): Path<(String, String)>,
    Query(q): Query<ResultsQuery>,
) -> Result<Json<Results>, ApiError> {
    let (_, results, _) = service::results_for(&state, &api, (&slug, &code), q.snapshot).await?;
    Ok(Json(results.ok_or(ApiError::NOT_FOUND)?))
}

#[derive(Debug, Default, Deserialize, Serialize, utoipa::ToSchema)]
pub struct SharingRequest {
    /// Whether the other states in the program may see the results.
    pub shared: bool,
}

/// Chooses whether the other states in the program see this state's results (the state's lead).
#[utoipa::path(put, path = "/api/v1/programs/{slug}/assessment/{state}/sharing", tag = "assessment", request_body = SharingRequest,
    params(("slug" = String, Path, description = "The program's short name"), ("state" = String, Path, description = "Two-letter postal code")),
    responses((status = 204), (status = 401, body = ErrorResponse), (status = 403, body = ErrorResponse), (status = 404, body = ErrorResponse)))]
async fn put_sharing(
    State(state): State<AppState>,
    api: ApiUser,
    Path((slug, code)): Path<(String, String)>,
    body: ApiJson<SharingRequest>,
) -> Result<StatusCode, ApiError> {
    let scope = service::open(&state, &api, (&slug, &code), service::may_lead).await?;
    let shared = body.parse()?.shared;
    service::set_sharing(&state, &api, &scope, shared).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// A state's assessment to take away: every snapshot's element scores, the latest snapshot's priorities, and each indicator with every member's rating (phase, priority, notes) and the consensus, from the latest round with ratings (the team, its coach, the admin, the federal officer). The pages offer the same as XLSX and CSV.
#[utoipa::path(get, path = "/api/v1/programs/{slug}/assessment/{state}/export", tag = "assessment",
    params(("slug" = String, Path, description = "The program's short name"), ("state" = String, Path, description = "Two-letter postal code")),
    responses((status = 200, body = Export), (status = 401, body = ErrorResponse), (status = 403, body = ErrorResponse), (status = 404, body = ErrorResponse)))]
async fn get_export(
    State(state): State<AppState>,
    api: ApiUser,
    Path((slug, code)): Path<(String, String)>,
) -> Result<Json<Export>, ApiError> {
    let scope = service::open(&state, &api, (&slug, &code), service::may_view).await?;
    Ok(Json(service::export(&state, &scope).await?))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CohortQuery {
    /// Which snapshot of each state: latest (the default), baseline, mid_year or final.
    pub kind: Option<String>,
}

/// Every state's element scores side by side (0 to 100, with a band), from each state's latest snapshot or the kind chosen (the admin, the federal officer, the program's coaches). A bad `kind` is refused naming the field.
#[utoipa::path(get, path = "/api/v1/programs/{slug}/cohort", tag = "assessment",
    params(("slug" = String, Path, description = "The program's short name"), CohortQuery),
    responses((status = 200, body = Cohort), (status = 401, body = ErrorResponse), (status = 403, body = ErrorResponse), (status = 404, body = ErrorResponse), (status = 422, body = ErrorResponse)))]
async fn get_cohort(
    State(state): State<AppState>,
    api: ApiUser,
    Path(slug): Path<String>,
    Query(q): Query<CohortQuery>,
) -> Result<Json<Cohort>, ApiError> {
    let program = service::open_cohort(&state, &api, &slug).await?;
    let which = Which::parse(q.kind.as_deref().unwrap_or_default())
        .ok_or_else(|| ApiError::field("kind", WHICH_ERROR))?;
    let instrument = service::instrument(&state, &state.frameworks, &program).await?;
    Ok(Json(
        service::cohort(&state, (&program, &instrument), which).await?,
    ))
}

/// An element an expert may say they know.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ExpertiseChoice {
    pub key: String,
    pub name: String,
    /// Whether the caller says they know it.
    pub known: bool,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Expertise {
    /// Every element of the programs' frameworks, in order.
    pub elements: Vec<ExpertiseChoice>,
}

async fn expertise_of(state: &AppState, actor: &Actor) -> Result<Expertise, ApiError> {
    Ok(Expertise {
        elements: service::expertise(state, actor)
            .await?
            .into_iter()
            .map(|(key, name, known)| ExpertiseChoice { key, name, known })
            .collect(),
    })
}

/// The elements the caller (a subject-matter expert) says they know.
#[utoipa::path(get, path = "/api/v1/me/expertise", tag = "assessment",
    responses((status = 200, body = Expertise), (status = 401, body = ErrorResponse), (status = 403, body = ErrorResponse)))]
async fn get_my_expertise(
    State(state): State<AppState>,
    api: ApiUser,
) -> Result<Json<Expertise>, ApiError> {
    Ok(Json(expertise_of(&state, &api).await?))
}

/// Says which elements the caller (a subject-matter expert) knows; states whose top priorities include one see them among their recommendations. An unknown key is refused naming the field `elements`, and nothing changes.
#[utoipa::path(put, path = "/api/v1/me/expertise", tag = "assessment", request_body = service::ExpertiseRequest,
    responses((status = 200, body = Expertise), (status = 401, body = ErrorResponse), (status = 403, body = ErrorResponse), (status = 422, body = ErrorResponse)))]
async fn put_my_expertise(
    State(state): State<AppState>,
    api: ApiUser,
    body: ApiJson<service::ExpertiseRequest>,
) -> Result<Json<Expertise>, ApiError> {
    service::save_expertise(&state, &api, body).await?;
    Ok(Json(expertise_of(&state, &api).await?))
}

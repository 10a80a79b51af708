//! `/api/v1` for TA activities: list and schedule, read, change, cancel,
//! record attendance and notes, action items (and turning one into a step
//! of the state's action plan), and one's own calendar feed.

use crate::web::Path;
use crate::web::api::Created;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::service::{self, Attendance};
use super::store::{self, ActionItem, Activity};
use super::{Draft, ItemDraft, When, describe_span, zone_words};
use crate::auth::api::ApiUser;
use crate::program::store::Program;
use crate::state::AppState;
use crate::web::api_error::ErrorResponse;
use crate::web::{ApiError, ApiJson, Refusal};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_activities, create_activity))
        .routes(routes!(get_activity, update_activity))
        .routes(routes!(cancel_activity))
        .routes(routes!(record_activity))
        .routes(routes!(add_action_item))
        .routes(routes!(update_action_item))
        .routes(routes!(action_item_to_plan_step))
        .routes(routes!(create_calendar_feed, revoke_calendar_feed))
}

/// The form's field names as the API calls them.
fn api_field(f: &str) -> &str {
    match f {
        "start" => "start_time",
        "end" => "end_time",
        "expert" => "expert_id",
        "item_text" => "text",
        "item_owner" => "owner_id",
        "item_due" => "due_on",
        "item_state" => "state",
        "goal" => "goal_id",
        "people" => "attended_people",
        other => other,
    }
}

fn refused(r: Refusal) -> ApiError {
    match r {
        Refusal::Invalid(errors) => Refusal::Invalid(
            errors
                .into_iter()
                .map(|(f, message)| (api_field(&f).to_owned(), message))
                .collect(),
        )
        .into(),
        other => other.into(),
    }
}

/// One activity with its time in words and its action items.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ActivityView {
    #[serde(flatten)]
    pub activity: Activity,
    /// "Tuesday, October 11, 2016, 2 pm to 3 pm Eastern time".
    pub when: String,
    /// The program's clock in words.
    pub time_zone: String,
    pub action_items: Vec<ActionItem>,
    /// Where to download it as an iCalendar file.
    pub calendar_url: String,
}

async fn view(state: &AppState, program: &Program, a: Activity) -> Result<ActivityView, ApiError> {
    let items = store::items(&state.db.pool, a.id).await?;
    Ok(ActivityView {
        when: describe_span(a.starts_at, a.ends_at, &program.time_zone),
        time_zone: zone_words(&program.time_zone),
        calendar_url: state.config.link(&format!(
            "/programs/{}/activities/{}/calendar.ics",
            program.slug, a.id
        )),
        action_items: items,
        activity: a,
    })
}

/// The program's activities the caller may see, earliest first (people of the program; an expert sees the consultations asked of them).
#[utoipa::path(get, path = "/api/v1/programs/{slug}/activities", tag = "activities",
    params(("slug" = String, Path, description = "The program's short name")),
    responses((status = 200, body = Vec<Activity>), (status = 401, body = ErrorResponse), (status = 403, body = ErrorResponse), (status = 404, body = ErrorResponse)))]
async fn list_activities(
    State(state): State<AppState>,
    api: ApiUser,
    Path(slug): Path<String>,
) -> Result<Json<Vec<Activity>>, ApiError> {
    let program = crate::program::load(&state, &slug).await?;
    Ok(Json(service::list(&state, &api, &program).await?))
}

/// A new activity. Times are on the program's clock.
#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct NewActivity {
    /// kickoff, coaching_call, site_visit, webinar, planning_session, peer_session or sme_consultation.
    #[schema(value_type = crate::activity::Kind)]
    pub kind: String,
    /// Two-letter codes: one state; two or three for a peer session; none for every state (kick-off, webinar).
    pub states: Vec<String>,
    /// YYYY-MM-DD (the first day).
    #[schema(format = Date)]
    pub date: String,
    /// HH:MM, 24-hour, on the program's clock.
    #[schema(pattern = "^([01][0-9]|2[0-3]):[0-5][0-9]$")]
    pub start_time: String,
    /// HH:MM on the last day; or give `duration_minutes`.
    #[schema(pattern = "^(([01][0-9]|2[0-3]):[0-5][0-9])?$")]
    pub end_time: String,
    #[schema(minimum = 1, maximum = 1440)]
    pub duration_minutes: Option<i64>,
    /// Site visits: 1 to 3.
    #[schema(minimum = 1, maximum = 3)]
    pub days: Option<i64>,
    /// Empty: made from the kind and the states.
    pub title: String,
    pub agenda: String,
    /// Required for a site visit: the place the state chose.
    pub place: String,
    /// The subject-matter expert asked (consultations).
    pub expert_id: Option<i64>,
}

/// The request read as the scheduling form's draft, only once the caller
/// may schedule something.
impl crate::web::Input<Draft> for ApiJson<NewActivity> {
    fn read(self) -> Result<Draft, Refusal> {
        let req = self.parse()?;
        Ok(Draft {
            kind: req.kind,
            states: req.states,
            when: When {
                date: req.date,
                start: req.start_time,
                end: req.end_time,
                duration_minutes: req.duration_minutes,
                days: req.days.unwrap_or(1),
            },
            title: req.title,
            agenda: req.agenda,
            place: req.place,
            expert_id: req.expert_id,
        })
    }
}

/// Schedules an activity: the admin (any kind; kick-off and webinars are theirs alone) or a coach for the states they coach. Errors name kind, states, date, start_time, end_time, days, place, expert_id, title or agenda.
#[utoipa::path(post, path = "/api/v1/programs/{slug}/activities", tag = "activities", request_body = NewActivity,
    params(("slug" = String, Path, description = "The program's short name")),
    responses((status = 201, body = Created), (status = 401, body = ErrorResponse), (status = 403, body = ErrorResponse), (status = 404, body = ErrorResponse), (status = 422, body = ErrorResponse)))]
async fn create_activity(
    State(state): State<AppState>,
    api: ApiUser,
    Path(slug): Path<String>,
    body: ApiJson<NewActivity>,
) -> Result<(StatusCode, Json<Created>), ApiError> {
    let program = crate::program::load(&state, &slug).await?;
    let id = service::schedule(&state, &api, &program, body)
        .await
        .map_err(refused)?;
    Ok((StatusCode::CREATED, Json(Created { id })))
}

/// One activity: when (in program time and UTC), where, states, people, agenda, notes, attendance and action items.
#[utoipa::path(get, path = "/api/v1/programs/{slug}/activities/{activity}", tag = "activities",
    params(("slug" = String, Path, description = "The program's short name"), ("activity" = i64, Path)),
    responses((status = 200, body = ActivityView), (status = 401, body = ErrorResponse), (status = 403, body = ErrorResponse), (status = 404, body = ErrorResponse)))]
async fn get_activity(
    State(state): State<AppState>,
    api: ApiUser,
    Path((slug, id)): Path<(String, i64)>,
) -> Result<Json<ActivityView>, ApiError> {
    let (program, a) = service::open(&state, &api, (&slug, id), false).await?;
    Ok(Json(view(&state, &program, a).await?))
}

/// A change: what is not given stays as it is.
#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct ActivityChange {
    #[schema(format = Date)]
    pub date: Option<String>,
    #[schema(pattern = "^([01][0-9]|2[0-3]):[0-5][0-9]$")]
    pub start_time: Option<String>,
    #[schema(pattern = "^(([01][0-9]|2[0-3]):[0-5][0-9])?$")]
    pub end_time: Option<String>,
    #[schema(minimum = 1, maximum = 1440)]
    pub duration_minutes: Option<i64>,
    #[schema(minimum = 1, maximum = 3)]
    pub days: Option<i64>,
    pub title: Option<String>,
    pub agenda: Option<String>,
    pub place: Option<String>,
}

/// Changes the time, place, title or agenda (the organizer: the admin, or the coach of its states). A new time or place raises the calendar SEQUENCE.
#[utoipa::path(put, path = "/api/v1/programs/{slug}/activities/{activity}", tag = "activities", request_body = ActivityChange,
    params(("slug" = String, Path, description = "The program's short name"), ("activity" = i64, Path)),
    responses((status = 200, body = ActivityView), (status = 401, body = ErrorResponse), (status = 403, body = ErrorResponse), (status = 404, body = ErrorResponse),
        (status = 409, description = "The activity is cancelled", body = ErrorResponse), (status = 422, body = ErrorResponse)))]
async fn update_activity(
    State(state): State<AppState>,
    api: ApiUser,
    Path((slug, id)): Path<(String, i64)>,
    body: ApiJson<ActivityChange>,
) -> Result<Json<ActivityView>, ApiError> {
    let (program, a) = service::open(&state, &api, (&slug, id), true).await?;
    let req = body.parse()?;
    let current = super::when_of(a.starts_at, a.ends_at, &program.time_zone);
    let when = When {
        date: req.date.unwrap_or(current.date),
        start: req.start_time.unwrap_or(current.start),
        end: match (req.end_time, req.duration_minutes) {
            (Some(e), _) => e,
            (None, Some(_)) => String::new(),
            (None, None) => current.end,
        },
        duration_minutes: req.duration_minutes,
        days: req.days.unwrap_or(current.days),
    };
    service::update(
        &state,
        &api,
        &program,
        &a,
        when,
        (
            req.title.as_deref().unwrap_or(&a.title),
            req.agenda.as_deref().unwrap_or(&a.agenda),
            req.place.as_deref().unwrap_or(&a.place),
        ),
    )
    .await
    .map_err(refused)?;
    let a = service::load(&state, program.id, id).await?;
    Ok(Json(view(&state, &program, a).await?))
}

/// Cancels the activity (the organizer); calendars show it as cancelled.
#[utoipa::path(post, path = "/api/v1/programs/{slug}/activities/{activity}/cancel", tag = "activities",
    params(("slug" = String, Path, description = "The program's short name"), ("activity" = i64, Path)),
    responses((status = 204), (status = 401, body = ErrorResponse), (status = 403, body = ErrorResponse), (status = 404, body = ErrorResponse),
        (status = 409, description = "Already cancelled", body = ErrorResponse)))]
async fn cancel_activity(
    State(state): State<AppState>,
    api: ApiUser,
    Path((slug, id)): Path<(String, i64)>,
) -> Result<StatusCode, ApiError> {
    let (_, a) = service::open(&state, &api, (&slug, id), true).await?;
    service::cancel(&state, &api, &a).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct RecordRequest {
    /// held or cancelled.
    #[schema(schema_with = record_statuses)]
    pub status: String,
    pub notes: String,
    /// The states that attended (the others did not).
    pub attended_states: Vec<String>,
    /// The people (user ids) who attended (the others did not).
    pub attended_people: Vec<i64>,
}

/// Records what happened: held or not, which states and people attended, and notes (the organizer, once it has begun). Errors name status, notes, states or attended_people.
#[utoipa::path(put, path = "/api/v1/programs/{slug}/activities/{activity}/record", tag = "activities", request_body = RecordRequest,
    params(("slug" = String, Path, description = "The program's short name"), ("activity" = i64, Path)),
    responses((status = 200, body = ActivityView), (status = 401, body = ErrorResponse), (status = 403, body = ErrorResponse), (status = 404, body = ErrorResponse), (status = 422, body = ErrorResponse)))]
async fn record_activity(
    State(state): State<AppState>,
    api: ApiUser,
    Path((slug, id)): Path<(String, i64)>,
    body: ApiJson<RecordRequest>,
) -> Result<Json<ActivityView>, ApiError> {
    let (program, a) = service::open(&state, &api, (&slug, id), true).await?;
    let req = body.parse()?;
    let said = Attendance {
        status: req.status,
        notes: req.notes,
        states: req.attended_states,
        people: req.attended_people,
    };
    service::record_attendance(&state, &api, &a, said)
        .await
        .map_err(refused)?;
    let a = service::load(&state, program.id, id).await?;
    Ok(Json(view(&state, &program, a).await?))
}

#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct ItemRequest {
    pub text: String,
    /// A member (with an account) of the item's state's team, or its coach.
    pub owner_id: Option<i64>,
    /// YYYY-MM-DD on the program's clock.
    #[schema(format = Date)]
    pub due_on: String,
    /// The state it is for; may be left out when the activity has one state.
    #[schema(pattern = "^([A-Za-z]{2})?$")]
    pub state: String,
    /// Updates only: done or open.
    pub done: bool,
}

fn item_draft(r: &ItemRequest) -> ItemDraft {
    ItemDraft {
        text: r.text.clone(),
        owner_id: r.owner_id,
        due_on: r.due_on.clone(),
        state: r.state.clone(),
    }
}

/// Adds an action item (the organizer). Errors name text, owner_id, due_on or state.
#[utoipa::path(post, path = "/api/v1/programs/{slug}/activities/{activity}/action-items", tag = "activities", request_body = ItemRequest,
    params(("slug" = String, Path, description = "The program's short name"), ("activity" = i64, Path)),
    responses((status = 201, body = Created), (status = 401, body = ErrorResponse), (status = 403, body = ErrorResponse), (status = 404, body = ErrorResponse), (status = 422, body = ErrorResponse)))]
async fn add_action_item(
    State(state): State<AppState>,
    api: ApiUser,
    Path((slug, id)): Path<(String, i64)>,
    body: ApiJson<ItemRequest>,
) -> Result<(StatusCode, Json<Created>), ApiError> {
    let (_, a) = service::open(&state, &api, (&slug, id), true).await?;
    let req = body.parse()?;
    let id = service::add_item(&state, &api, &a, &item_draft(&req))
        .await
        .map_err(refused)?;
    Ok((StatusCode::CREATED, Json(Created { id })))
}

/// Changes an action item, or marks it done (`done: true`) or open again (the organizer).
#[utoipa::path(put, path = "/api/v1/programs/{slug}/activities/{activity}/action-items/{item}", tag = "activities", request_body = ItemRequest,
    params(("slug" = String, Path, description = "The program's short name"), ("activity" = i64, Path), ("item" = i64, Path)),
    responses((status = 204), (status = 401, body = ErrorResponse), (status = 403, body = ErrorResponse), (status = 404, body = ErrorResponse), (status = 422, body = ErrorResponse)))]
async fn update_action_item(
    State(state): State<AppState>,
    api: ApiUser,
    Path((slug, id, item)): Path<(String, i64, i64)>,
    body: ApiJson<ItemRequest>,
) -> Result<StatusCode, ApiError> {
    let (_, a) = service::open(&state, &api, (&slug, id), true).await?;
    let req = body.parse()?;
    service::update_item(&state, &api, &a, item, &item_draft(&req), req.done)
        .await
        .map_err(refused)?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct PlanStepRequest {
    /// A goal of the item's state's action plan.
    pub goal_id: Option<i64>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct StepCreated {
    pub plan_step_id: i64,
}

/// Turns an action item into a step of its state's action plan under the chosen goal (the organizer). Errors name goal_id (for example when the state has no goals yet).
#[utoipa::path(post, path = "/api/v1/programs/{slug}/activities/{activity}/action-items/{item}/plan-step", tag = "activities", request_body = PlanStepRequest,
    params(("slug" = String, Path, description = "The program's short name"), ("activity" = i64, Path), ("item" = i64, Path)),
    responses((status = 201, body = StepCreated), (status = 401, body = ErrorResponse), (status = 403, body = ErrorResponse), (status = 404, body = ErrorResponse),
        (status = 409, description = "Already a plan step", body = ErrorResponse), (status = 422, body = ErrorResponse)))]
async fn action_item_to_plan_step(
    State(state): State<AppState>,
    api: ApiUser,
    Path((slug, id, item)): Path<(String, i64, i64)>,
    body: ApiJson<PlanStepRequest>,
) -> Result<(StatusCode, Json<StepCreated>), ApiError> {
    let (program, a) = service::open(&state, &api, (&slug, id), true).await?;
    let req = body.parse()?;
    let step = service::to_step(&state, &api, &program, &a, item, req.goal_id)
        .await
        .map_err(refused)?;
    Ok((
        StatusCode::CREATED,
        Json(StepCreated { plan_step_id: step }),
    ))
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Feed {
    /// The private feed address; shown only now (only its hash is kept).
    pub url: String,
}

/// Makes the caller's private calendar feed address; an older one stops working.
#[utoipa::path(post, path = "/api/v1/me/calendar", tag = "activities",
    responses((status = 201, body = Feed), (status = 401, body = ErrorResponse)))]
async fn create_calendar_feed(
    State(state): State<AppState>,
    api: ApiUser,
) -> Result<(StatusCode, Json<Feed>), ApiError> {
    let token = service::new_feed(&state, &api).await?;
    Ok((
        StatusCode::CREATED,
        Json(Feed {
            url: service::feed_url(&state, &token),
        }),
    ))
}

/// Turns the caller's calendar feed off: its address answers 404 from now on.
#[utoipa::path(delete, path = "/api/v1/me/calendar", tag = "activities",
    responses((status = 204), (status = 401, body = ErrorResponse)))]
async fn revoke_calendar_feed(
    State(state): State<AppState>,
    api: ApiUser,
) -> Result<StatusCode, ApiError> {
    service::revoke_feed(&state, &api).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// What an activity can be recorded as.
fn record_statuses() -> utoipa::openapi::schema::Object {
    crate::web::api::one_of(&[
        crate::activity::Status::Held.as_str(),
        crate::activity::Status::Cancelled.as_str(),
    ])
}

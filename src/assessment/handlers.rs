//! The assessment pages: the state's overview, a member's rating form (one
//! element at a time), the consensus view (every member's rating with the
//! spread; the lead sets the consensus), snapshots, the results with the
//! radar chart and the recommendations, the sharing choice, the downloads
//! (XLSX, CSV), the cohort heat map, and an expert's own elements.

use std::collections::{BTreeMap, HashMap};

use crate::web::Done;
use crate::web::DoneQuery;
use crate::web::Given;
use crate::web::Path;
use crate::web::Query;
use crate::web::notice::notice;
use askama::Template;
use axum::Extension;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use super::chart::{self, Radar, Trend};
use super::cohort::{Band, Cohort, WHICH_ERROR, Which};
use super::export;
use super::instrument::{ElementGroup, Instrument};
use super::service::{self, ConsensusView, Results};
use super::store::{self, Reflection};
use super::{ElementScore, Priority, Rating, Scale, SnapshotKind};
use crate::auth::CurrentUser;
use crate::auth::policy::{self, Action};
use crate::auth::session::Visitor;
use crate::program::store::Program;
use crate::state::{AppState, Routes};
use crate::web::{AppError, Chrome, CsrfForm, Refusal, render};

pub fn routes() -> Routes {
    Routes::new()
        .get("/programs/{slug}/assessment/{state}", overview)
        .get(
            "/programs/{slug}/assessment/{state}/rate/{element}",
            rate_page,
        )
        .post(
            "/programs/{slug}/assessment/{state}/rate/{element}",
            save_ratings,
        )
        .get(
            "/programs/{slug}/assessment/{state}/consensus/{element}",
            consensus_page,
        )
        .post(
            "/programs/{slug}/assessment/{state}/consensus/{element}",
            save_consensus,
        )
        .post("/programs/{slug}/assessment/{state}/snapshots", snapshot)
        .post("/programs/{slug}/assessment/{state}/sharing", sharing)
        .get("/programs/{slug}/assessment/{state}/results", results_page)
        .get(
            "/programs/{slug}/assessment/{state}/export.xlsx",
            export_xlsx,
        )
        .get("/programs/{slug}/assessment/{state}/export.csv", export_csv)
        .get("/programs/{slug}/cohort", cohort_page)
        .get("/account/expertise", expertise_page)
        .post("/account/expertise", save_expertise)
}

#[derive(Deserialize)]
struct StatePath {
    slug: String,
    state: String,
}

#[derive(Deserialize)]
struct ElementPath {
    slug: String,
    state: String,
    element: String,
}

/// What every assessment page starts from: the state's assessment,
/// opened for the signed-in person.
type Ctx = service::Scope;

async fn ctx(
    state: &AppState,
    visitor: &Visitor,
    slug: &str,
    code: &str,
    action: impl FnOnce(i64, String) -> Action,
) -> Result<(CurrentUser, Ctx), AppError> {
    let actor = visitor.signed_in()?;
    let scope = service::open(state, &actor, (slug, code), action).await?;
    Ok((actor.user, scope))
}

// ----- overview -----

struct ElementLine {
    key: String,
    number: i64,
    name: String,
    indicators: usize,
    mine: usize,
    agreed: usize,
}

#[derive(Template)]
#[template(path = "assessment/overview.html")]
struct OverviewPage {
    chrome: Chrome,
    ctx: Ctx,
    scale: Scale,
    elements: Vec<ElementLine>,
    can_rate: bool,
    can_lead: bool,
    can_view: bool,
    consensus: Option<ConsensusView>,
    next_snapshot: Option<SnapshotKind>,
    snapshots: Vec<store::Snapshot>,
    shared: bool,
    message: Option<String>,
}

impl OverviewPage {
    fn when(&self, ms: &i64) -> String {
        crate::time::format_in_zone(*ms, &self.ctx.program().time_zone)
    }
}

async fn overview_page(
    state: &AppState,
    visitor: &Visitor,
    user: &CurrentUser,
    ctx: Ctx,
    message: Option<String>,
    notice_key: &str,
) -> Result<OverviewPage, AppError> {
    let program_id = ctx.program().id;
    let code = ctx.code.clone();
    let can_rate = policy::allows(
        user,
        &Action::RateAssessment {
            program_id,
            state_code: code.clone(),
        },
    );
    let can_lead = policy::allows(
        user,
        &Action::LeadAssessment {
            program_id,
            state_code: code.clone(),
        },
    );
    let can_view = policy::allows(user, &service::may_view(program_id, code.clone()));
    let consensus = match can_view {
        true => Some(service::consensus_view(state, &ctx).await?),
        false => None,
    };
    // The consensus view holds every rater's answers, the person's too.
    let mine: BTreeMap<i64, Rating> = match &consensus {
        Some(c) => c
            .indicators
            .iter()
            .flat_map(|i| {
                let theirs = i.members.iter().find(|m| m.user_id == user.id);
                theirs.map(|m| (i.indicator.id, m.rating.clone()))
            })
            .collect(),
        None => {
            let (round_id, _) = service::round_of(state, &ctx).await?;
            store::ratings_of(&state.db.pool, round_id, user.id).await?
        }
    };
    let agreed_ids: Vec<i64> = consensus
        .as_ref()
        .map(|c| {
            c.indicators
                .iter()
                .filter(|i| i.consensus.as_ref().is_some_and(|r| r.answered()))
                .map(|i| i.indicator.id)
                .collect()
        })
        .unwrap_or_default();
    let elements = ctx
        .instrument
        .elements()
        .into_iter()
        .map(|g| ElementLine {
            mine: g
                .indicators
                .iter()
                .filter(|i| mine.get(&i.id).is_some_and(|r| r.answered()))
                .count(),
            agreed: g
                .indicators
                .iter()
                .filter(|i| agreed_ids.contains(&i.id))
                .count(),
            indicators: g.indicators.len(),
            key: g.key,
            number: g.number,
            name: g.name,
        })
        .collect();
    let snapshots = match &consensus {
        Some(c) => c.snapshots.clone(),
        None => store::snapshots(&state.db.pool, program_id, &code).await?,
    };
    let taken: Vec<SnapshotKind> = snapshots.iter().map(|s| s.kind).collect();
    let shared = ctx.shared;
    let chrome = Chrome::new(
        visitor,
        format!("{}'s readiness assessment", ctx.state_name),
        &ctx.base(),
    )
    .with_notice(notice(notice_key));
    Ok(OverviewPage {
        chrome,
        scale: ctx.instrument.scale.clone(),
        ctx,
        elements,
        can_rate,
        can_lead,
        can_view,
        consensus,
        next_snapshot: SnapshotKind::next(&taken),
        snapshots,
        shared,
        message,
    })
}

async fn overview(
    State(state): State<AppState>,
    Extension(visitor): Extension<Visitor>,
    Path(p): Path<StatePath>,
    Query(done): Query<DoneQuery>,
) -> Result<Response, AppError> {
    // Anyone who rates or sees the assessment has an overview.
    let (user, ctx) = ctx(&state, &visitor, &p.slug, &p.state, |p, s| {
        Action::ViewResults {
            program_id: p,
            state_code: s,
            shared: false,
        }
    })
    .await?;
    let page = overview_page(&state, &visitor, &user, ctx, None, &done.done).await?;
    Ok(render(page)?.into_response())
}

// ----- a member's ratings -----

#[derive(Template)]
#[template(path = "assessment/rate.html")]
struct RatePage {
    chrome: Chrome,
    ctx: Ctx,
    group: ElementGroup,
    definition: String,
    scale: Scale,
    priorities: [Priority; 3],
    ratings: BTreeMap<i64, Rating>,
    answered: usize,
    total: usize,
    next: Option<String>,
    errors: Vec<(String, String)>,
}

/// Template helpers shared by the rating and consensus forms.
fn at(r: &Rating, value: &i64) -> bool {
    r.level == Some(*value)
}

fn chosen(r: &Rating, p: &Priority) -> bool {
    r.priority == Some(*p)
}

impl RatePage {
    fn at(r: &Rating, value: &i64) -> bool {
        at(r, value)
    }

    fn chosen(r: &Rating, p: &Priority) -> bool {
        chosen(r, p)
    }

    fn rating(&self, id: &i64) -> Rating {
        self.ratings.get(id).cloned().unwrap_or_default()
    }

    fn error(&self, id: &i64) -> Option<&str> {
        let field = format!("rating-{id}");
        self.errors
            .iter()
            .find(|(f, _)| *f == field)
            .map(|(_, m)| m.as_str())
    }
}

fn definition(state: &AppState, instrument: &Instrument, key: &str) -> String {
    state
        .frameworks
        .get(&instrument.framework)
        .and_then(|f| f.elements.iter().find(|e| e.key == key))
        .map(|e| e.definition.clone())
        .unwrap_or_default()
}

/// Reads a rating form: `level-<id>` (a phase or `not_sure`),
/// `priority-<id>`, `evidence-<id>` (or `note-<id>`), for the given indicators.
fn read_ratings(
    form: &HashMap<String, String>,
    ids: &[i64],
    note: &str,
) -> (BTreeMap<i64, Rating>, Vec<(String, String)>) {
    let mut out = BTreeMap::new();
    let mut errors = Vec::new();
    for id in ids {
        let level = form
            .get(&format!("level-{id}"))
            .map(|s| s.trim())
            .unwrap_or("");
        let (level, not_sure) = match level {
            "" => (None, false),
            "not_sure" => (None, true),
            n => match n.parse::<i64>() {
                Ok(n) => (Some(n), false),
                Err(_) => {
                    errors.push((
                        format!("rating-{id}"),
                        "Choose a phase or \"not sure\".".into(),
                    ));
                    (None, false)
                }
            },
        };
        let priority_text = form
            .get(&format!("priority-{id}"))
            .map(|s| s.trim())
            .unwrap_or("");
        let priority = if priority_text.is_empty() {
            None
        } else {
            match Priority::parse(priority_text) {
                Some(p) => Some(p),
                None => {
                    errors.push((
                        format!("rating-{id}"),
                        "Choose low, medium or high priority.".into(),
                    ));
                    None
                }
            }
        };
        let evidence = form
            .get(&format!("{note}-{id}"))
            .cloned()
            .unwrap_or_default();
        out.insert(
            *id,
            Rating {
                level,
                not_sure,
                priority,
                evidence,
            },
        );
    }
    (out, errors)
}

#[allow(clippy::too_many_arguments)]
async fn rate_view(
    state: &AppState,
    visitor: &Visitor,
    user: &CurrentUser,
    ctx: Ctx,
    element: &str,
    typed: Option<BTreeMap<i64, Rating>>,
    errors: Vec<(String, String)>,
    notice_key: &str,
) -> Result<RatePage, AppError> {
    let group = ctx.instrument.element(element).ok_or(AppError::NOT_FOUND)?;
    let (round_id, _) = service::round_of(state, &ctx).await?;
    let mine = store::ratings_of(&state.db.pool, round_id, user.id).await?;
    let (answered, total) = super::progress(ctx.instrument.indicators.len(), &mine);
    let next = ctx.instrument.next_element(element);
    let mut ratings = mine;
    if let Some(t) = typed {
        ratings.extend(t);
    }
    let chrome = Chrome::new(
        visitor,
        format!("Rate: {}", group.name),
        &format!("{}/rate/{element}", ctx.base()),
    )
    .with_notice(notice(notice_key));
    Ok(RatePage {
        chrome,
        definition: definition(state, &ctx.instrument, element),
        scale: ctx.instrument.scale.clone(),
        ctx,
        group,
        priorities: Priority::ALL,
        ratings,
        answered,
        total,
        next,
        errors,
    })
}

async fn rate_page(
    State(state): State<AppState>,
    Extension(visitor): Extension<Visitor>,
    Path(p): Path<ElementPath>,
    Query(done): Query<DoneQuery>,
) -> Result<Response, AppError> {
    let (user, ctx) = ctx(&state, &visitor, &p.slug, &p.state, service::may_rate).await?;
    let page = rate_view(
        &state,
        &visitor,
        &user,
        ctx,
        &p.element,
        None,
        vec![],
        &done.done,
    )
    .await?;
    Ok(render(page)?.into_response())
}

async fn save_ratings(
    State(state): State<AppState>,
    Extension(visitor): Extension<Visitor>,
    Path(p): Path<ElementPath>,
    CsrfForm(form): CsrfForm<HashMap<String, String>>,
) -> Result<Response, AppError> {
    let path = format!(
        "/programs/{}/assessment/{}/rate/{}",
        p.slug, p.state, p.element
    );
    let (user, ctx) = ctx(&state, &visitor, &p.slug, &p.state, service::may_rate).await?;
    let group = ctx
        .instrument
        .element(&p.element)
        .ok_or(AppError::NOT_FOUND)?;
    let ids: Vec<i64> = group.indicators.iter().map(|i| i.id).collect();
    let (typed, mut errors) = read_ratings(&form, &ids, "evidence");
    if errors.is_empty() {
        match service::save_my_ratings(&state, &visitor.signed_in()?, &ctx, &typed).await {
            Ok(_) => {
                let next = ctx.instrument.next_element(&p.element);
                let to = match (form.get("then").map(String::as_str), next) {
                    (Some("next"), Some(n)) => {
                        format!(
                            "{}/rate/{n}?done={done}",
                            ctx.base(),
                            done = Done::RatingsSaved
                        )
                    }
                    (Some("next"), None) => {
                        format!("{}?done={done}", ctx.base(), done = Done::RatingsSaved)
                    }
                    _ => format!("{path}?done={done}", done = Done::RatingsSaved),
                };
                return Ok(Redirect::to(&to).into_response());
            }
            Err(Refusal::Invalid(e)) => errors = e,
            Err(e) => return Err(e.into()),
        }
    }
    let page = rate_view(
        &state,
        &visitor,
        &user,
        ctx,
        &p.element,
        Some(typed),
        errors,
        "",
    )
    .await?;
    Ok((StatusCode::UNPROCESSABLE_ENTITY, render(page)?).into_response())
}

// ----- consensus -----

#[derive(Template)]
#[template(path = "assessment/consensus.html")]
struct ConsensusPage {
    chrome: Chrome,
    ctx: Ctx,
    group: ElementGroup,
    view: ConsensusView,
    scale: Scale,
    priorities: [Priority; 3],
    can_lead: bool,
    reflection: Reflection,
    typed: BTreeMap<i64, Rating>,
    errors: Vec<(String, String)>,
}

impl ConsensusPage {
    fn at(r: &Rating, value: &i64) -> bool {
        at(r, value)
    }

    fn chosen(r: &Rating, p: &Priority) -> bool {
        chosen(r, p)
    }

    fn indicators(&self) -> Vec<&service::IndicatorView> {
        self.view
            .indicators
            .iter()
            .filter(|i| i.indicator.element_key == self.group.key)
            .collect()
    }

    fn consensus(&self, id: &i64) -> Rating {
        if let Some(t) = self.typed.get(id) {
            return t.clone();
        }
        self.view
            .indicators
            .iter()
            .find(|i| i.indicator.id == *id)
            .and_then(|i| i.consensus.clone())
            .unwrap_or_default()
    }

    fn phase(&self, r: &Rating) -> String {
        match (r.level, r.not_sure) {
            (Some(l), _) => format!("{l}: {}", self.scale.label(l).unwrap_or_default()),
            (None, true) => "Not sure".into(),
            (None, false) => "Not rated yet".into(),
        }
    }

    fn error(&self, id: &i64) -> Option<&str> {
        let field = format!("rating-{id}");
        self.errors
            .iter()
            .find(|(f, _)| *f == field)
            .map(|(_, m)| m.as_str())
    }

    fn reflection_fields(&self) -> [(&'static str, &'static str, String); 4] {
        let r = &self.reflection;
        [
            ("now", "Where we are now", r.now.clone()),
            ("goal", "Where we want to be", r.goal.clone()),
            (
                "ta_needs",
                "Technical assistance we need",
                r.ta_needs.clone(),
            ),
            ("next_steps", "Next steps", r.next_steps.clone()),
        ]
    }

    fn reflection_error(&self, field: &str) -> Option<&str> {
        self.errors
            .iter()
            .find(|(f, _)| f == field)
            .map(|(_, m)| m.as_str())
    }
}

#[allow(clippy::too_many_arguments)]
async fn consensus_view(
    state: &AppState,
    visitor: &Visitor,
    user: &CurrentUser,
    ctx: Ctx,
    element: &str,
    typed: BTreeMap<i64, Rating>,
    reflection: Option<Reflection>,
    errors: Vec<(String, String)>,
    notice_key: &str,
) -> Result<ConsensusPage, AppError> {
    let group = ctx.instrument.element(element).ok_or(AppError::NOT_FOUND)?;
    let view = service::consensus_view(state, &ctx).await?;
    let can_lead = policy::allows(
        user,
        &Action::LeadAssessment {
            program_id: ctx.program().id,
            state_code: ctx.code.clone(),
        },
    );
    let reflection = reflection
        .or_else(|| view.reflections.get(element).cloned())
        .unwrap_or_default();
    let chrome = Chrome::new(
        visitor,
        format!("Consensus: {}", group.name),
        &format!("{}/consensus/{element}", ctx.base()),
    )
    .with_notice(notice(notice_key));
    Ok(ConsensusPage {
        chrome,
        scale: ctx.instrument.scale.clone(),
        ctx,
        group,
        view,
        priorities: Priority::ALL,
        can_lead,
        reflection,
        typed,
        errors,
    })
}

async fn consensus_page(
    State(state): State<AppState>,
    Extension(visitor): Extension<Visitor>,
    Path(p): Path<ElementPath>,
    Query(done): Query<DoneQuery>,
) -> Result<Response, AppError> {
    let (user, ctx) = ctx(&state, &visitor, &p.slug, &p.state, service::may_view).await?;
    let page = consensus_view(
        &state,
        &visitor,
        &user,
        ctx,
        &p.element,
        BTreeMap::new(),
        None,
        vec![],
        &done.done,
    )
    .await?;
    Ok(render(page)?.into_response())
}

async fn save_consensus(
    State(state): State<AppState>,
    Extension(visitor): Extension<Visitor>,
    Path(p): Path<ElementPath>,
    CsrfForm(form): CsrfForm<HashMap<String, String>>,
) -> Result<Response, AppError> {
    let path = format!(
        "/programs/{}/assessment/{}/consensus/{}",
        p.slug, p.state, p.element
    );
    let (user, ctx) = ctx(&state, &visitor, &p.slug, &p.state, service::may_lead).await?;
    let group = ctx
        .instrument
        .element(&p.element)
        .ok_or(AppError::NOT_FOUND)?;
    let ids: Vec<i64> = group.indicators.iter().map(|i| i.id).collect();
    let (typed, mut errors) = read_ratings(&form, &ids, "note");
    let field = |name: &str| form.get(name).cloned().unwrap_or_default();
    let reflection = Reflection {
        now: field("now"),
        goal: field("goal"),
        ta_needs: field("ta_needs"),
        next_steps: field("next_steps"),
    };
    if errors.is_empty() {
        let reflections = [(p.element.clone(), reflection.clone())];
        let actor = visitor.signed_in()?;
        match service::save_consensus(&state, &actor, &ctx, &typed, &reflections).await {
            Ok(()) => {
                return Ok(Redirect::to(&format!(
                    "{path}?done={done}",
                    done = Done::ConsensusSaved
                ))
                .into_response());
            }
            Err(Refusal::Invalid(e)) => errors = e,
            Err(e) => return Err(e.into()),
        }
    }
    let page = consensus_view(
        &state,
        &visitor,
        &user,
        ctx,
        &p.element,
        typed,
        Some(reflection),
        errors,
        "",
    )
    .await?;
    Ok((StatusCode::UNPROCESSABLE_ENTITY, render(page)?).into_response())
}

// ----- snapshots and sharing -----

#[derive(Deserialize)]
struct SnapshotForm {
    #[serde(default)]
    kind: String,
}

async fn snapshot(
    State(state): State<AppState>,
    Extension(visitor): Extension<Visitor>,
    Path(p): Path<StatePath>,
    CsrfForm(form): CsrfForm<SnapshotForm>,
) -> Result<Response, AppError> {
    let (user, ctx) = ctx(&state, &visitor, &p.slug, &p.state, service::may_lead).await?;
    match service::take_snapshot(&state, &visitor.signed_in()?, &ctx, &form.kind).await {
        Ok(_) => Ok(Redirect::to(&format!(
            "{}/results?done={done}",
            ctx.base(),
            done = Done::SnapshotTaken
        ))
        .into_response()),
        Err(Refusal::Conflict(m)) => {
            let page = overview_page(&state, &visitor, &user, ctx, Some(m), "").await?;
            Ok((StatusCode::CONFLICT, render(page)?).into_response())
        }
        Err(Refusal::Invalid(e)) => {
            let m = e.into_iter().map(|(_, m)| m).collect::<Vec<_>>().join(" ");
            let page = overview_page(&state, &visitor, &user, ctx, Some(m), "").await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, render(page)?).into_response())
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Deserialize)]
struct SharingForm {
    #[serde(default)]
    share: String,
}

async fn sharing(
    State(state): State<AppState>,
    Extension(visitor): Extension<Visitor>,
    Path(p): Path<StatePath>,
    CsrfForm(form): CsrfForm<SharingForm>,
) -> Result<Response, AppError> {
    let (_, ctx) = ctx(&state, &visitor, &p.slug, &p.state, service::may_lead).await?;
    let (actor, shared) = (visitor.signed_in()?, form.share == "yes");
    service::set_sharing(&state, &actor, &ctx, shared).await?;
    Ok(Redirect::to(&format!(
        "{}?done={done}#sharing",
        ctx.base(),
        done = Done::SharingSaved
    ))
    .into_response())
}

// ----- results -----

#[derive(Template)]
#[template(path = "assessment/results.html")]
struct ResultsPage {
    chrome: Chrome,
    ctx: Ctx,
    results: Option<Results>,
    snapshots: Vec<store::Snapshot>,
    radar: Option<Radar>,
    /// The radar in words.
    radar_text: String,
    /// Each element's score across the snapshots, once there are two.
    trend: Option<Trend>,
    /// The lead and the team see the notes; other states only the scores.
    full: bool,
}

impl ResultsPage {
    fn score(v: &Option<f64>) -> String {
        v.map(|v| format!("{v:.0}"))
            .unwrap_or_else(|| "Not rated".into())
    }

    /// The change between the scores as shown (whole numbers), so that
    /// "43, 52, up 9" adds up.
    fn change(c: &super::ElementChange) -> String {
        chart::change_words(c.before, c.after)
    }

    fn when(&self, ms: &i64) -> String {
        crate::time::format_in_zone(*ms, &self.ctx.program().time_zone)
    }

    fn previous_label(&self) -> String {
        self.results
            .as_ref()
            .and_then(|r| r.previous.as_ref())
            .map(|p| p.kind.label().to_lowercase())
            .unwrap_or_else(|| "last".into())
    }

    fn indicator_text(&self, id: &i64) -> String {
        self.ctx
            .instrument
            .indicators
            .iter()
            .find(|i| i.id == *id)
            .map(|i| i.text.clone())
            .unwrap_or_default()
    }

    fn phase(&self, v: &Option<i64>) -> String {
        match v {
            Some(l) => format!(
                "{l}: {}",
                self.ctx.instrument.scale.label(*l).unwrap_or_default()
            ),
            None => "not rated".into(),
        }
    }
}

#[derive(Deserialize)]
struct ResultsQuery {
    #[serde(default)]
    snapshot: Option<i64>,
    #[serde(default)]
    done: String,
}

async fn results_page(
    State(state): State<AppState>,
    Extension(visitor): Extension<Visitor>,
    Path(p): Path<StatePath>,
    Query(q): Query<ResultsQuery>,
) -> Result<Response, AppError> {
    let path = format!("/programs/{}/assessment/{}/results", p.slug, p.state);
    let actor = visitor.signed_in()?;
    let at = (p.slug.as_str(), p.state.as_str());
    let (ctx, results, full) = service::results_for(&state, &actor, at, q.snapshot).await?;
    let snapshots = store::snapshots(&state.db.pool, ctx.program().id, &ctx.code).await?;
    let short = ctx.instrument.short_names(&state.frameworks);
    let short_of = |key: &str, name: &str| short.get(key).cloned().unwrap_or_else(|| name.into());
    let labels: Vec<String> = results
        .as_ref()
        .map(|r| {
            r.elements
                .iter()
                .map(|e| short_of(&e.key, &e.name))
                .collect()
        })
        .unwrap_or_default();
    let radar = results.as_ref().map(|r| {
        let mut series = vec![(
            r.snapshot.kind.label().to_owned(),
            r.elements.iter().map(|e| e.score).collect(),
        )];
        if let Some(prev) = &r.previous {
            series.push((
                prev.kind.label().to_owned(),
                r.element_changes.iter().map(|c| c.before).collect(),
            ));
        }
        chart::radar(&labels, &series)
    });
    let radar_text = results
        .as_ref()
        .map(|r| {
            let now: Vec<Option<f64>> = r.elements.iter().map(|e| e.score).collect();
            let before: Vec<Option<f64>> = r.element_changes.iter().map(|c| c.before).collect();
            chart::describe_radar(
                &labels,
                (r.snapshot.kind, &now),
                r.previous.as_ref().map(|p| (p.kind, before.as_slice())),
            )
        })
        .unwrap_or_default();
    let trend = if snapshots.len() > 1 {
        let history =
            service::score_history(&state, (ctx.program(), &ctx.instrument), &ctx.code).await?;
        let scores: Vec<(SnapshotKind, &[ElementScore])> = history
            .iter()
            .map(|(s, scores)| (s.kind, scores.as_slice()))
            .collect();
        let (kinds, elements) = chart::across(&scores, &short);
        Some(chart::trend(&kinds, &elements))
    } else {
        None
    };
    let chrome = Chrome::new(
        &visitor,
        format!("{}'s assessment results", ctx.state_name),
        &path,
    )
    .with_notice(notice(&q.done));
    Ok(render(ResultsPage {
        chrome,
        ctx,
        results,
        snapshots,
        radar,
        radar_text,
        trend,
        full,
    })?
    .into_response())
}

// ----- exports -----

async fn export_file(
    state: &AppState,
    visitor: &Visitor,
    p: &StatePath,
    extension: &str,
) -> Result<Response, AppError> {
    let (_, ctx) = ctx(state, visitor, &p.slug, &p.state, service::may_view).await?;
    let data = service::export(state, &ctx).await?;
    let (bytes, content_type) = if extension == "xlsx" {
        (
            export::to_xlsx(&data).map_err(AppError::internal)?,
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    } else {
        (
            export::to_csv(&data).map_err(AppError::internal)?,
            "text/csv; charset=utf-8",
        )
    };
    let disposition = format!(
        "attachment; filename=\"{}\"",
        export::file_name(&data, extension)
    );
    Ok((
        [
            (header::CONTENT_TYPE, content_type.to_owned()),
            (header::CONTENT_DISPOSITION, disposition),
        ],
        bytes,
    )
        .into_response())
}

async fn export_xlsx(
    State(state): State<AppState>,
    Extension(visitor): Extension<Visitor>,
    Path(p): Path<StatePath>,
) -> Result<Response, AppError> {
    export_file(&state, &visitor, &p, "xlsx").await
}

async fn export_csv(
    State(state): State<AppState>,
    Extension(visitor): Extension<Visitor>,
    Path(p): Path<StatePath>,
) -> Result<Response, AppError> {
    export_file(&state, &visitor, &p, "csv").await
}

// ----- the cohort -----

#[derive(Template)]
#[template(path = "assessment/cohort.html")]
struct CohortPage {
    chrome: Chrome,
    program: Program,
    cohort: Cohort,
    showing: Which,
    choices: [Which; 4],
    bands: [Band; 4],
    /// Per row: whether the person may open the state's results.
    links: Vec<bool>,
    error: Option<&'static str>,
}

impl CohortPage {
    fn score(v: &f64) -> String {
        format!("{v:.0}")
    }

    fn band(v: &f64) -> Band {
        Band::of(*v)
    }

    fn snapshot_label(&self, row: &super::cohort::CohortRow) -> String {
        match &row.snapshot {
            Some(s) => format!(
                "{}, {}",
                s.kind.label(),
                crate::time::format_in_zone(s.taken_at, &self.program.time_zone)
            ),
            None => match self.showing {
                Which::Latest => "No snapshot yet".to_owned(),
                Which::Kind(k) => format!("No {} snapshot yet", k.label().to_lowercase()),
            },
        }
    }
}

#[derive(Deserialize)]
struct CohortQuery {
    #[serde(default)]
    kind: String,
}

async fn cohort_page(
    State(state): State<AppState>,
    Extension(visitor): Extension<Visitor>,
    Path(slug): Path<String>,
    Query(q): Query<CohortQuery>,
) -> Result<Response, AppError> {
    let path = format!("/programs/{slug}/cohort");
    let actor = visitor.signed_in()?;
    let program = service::open_cohort(&state, &actor, &slug).await?;
    let (showing, error) = match Which::parse(&q.kind) {
        Some(w) => (w, None),
        None => (Which::Latest, Some(WHICH_ERROR)),
    };
    let instrument = service::instrument(&state, &state.frameworks, &program)
        .await
        .map_err(AppError::from)?;
    let cohort = service::cohort(&state, (&program, &instrument), showing)
        .await
        .map_err(AppError::from)?;
    let sharing = store::sharing_states(&state.db.pool, program.id).await?;
    let links = cohort
        .rows
        .iter()
        .map(|r| {
            actor.allows(&Action::ViewResults {
                program_id: program.id,
                state_code: r.state_code.clone(),
                shared: sharing.contains(&r.state_code),
            })
        })
        .collect();
    let chrome = Chrome::new(
        &visitor,
        format!("Readiness across the cohort: {}", program.name),
        &path,
    );
    let page = render(CohortPage {
        chrome,
        program,
        cohort,
        showing,
        choices: Which::ALL,
        bands: Band::ALL,
        links,
        error,
    })?;
    Ok(if error.is_some() {
        (StatusCode::BAD_REQUEST, page).into_response()
    } else {
        page.into_response()
    })
}

// ----- an expert's elements -----

#[derive(Template)]
#[template(path = "assessment/expertise.html")]
struct ExpertisePage {
    chrome: Chrome,
    /// (key, name, known)
    choices: Vec<(String, String, bool)>,
    error: Option<String>,
}

async fn expertise_page(
    State(state): State<AppState>,
    Extension(visitor): Extension<Visitor>,
    Query(done): Query<DoneQuery>,
) -> Result<Response, AppError> {
    let path = "/account/expertise";
    let choices = service::expertise(&state, &visitor.signed_in()?).await?;
    let chrome =
        Chrome::new(&visitor, "The elements you know", path).with_notice(notice(&done.done));
    Ok(render(ExpertisePage {
        chrome,
        choices,
        error: None,
    })?
    .into_response())
}

async fn save_expertise(
    State(state): State<AppState>,
    Extension(visitor): Extension<Visitor>,
    CsrfForm(pairs): CsrfForm<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    let path = "/account/expertise";
    let actor = visitor.signed_in()?;
    let chosen: Vec<String> = pairs
        .into_iter()
        .filter(|(k, _)| k == "elements")
        .map(|(_, v)| v)
        .collect();
    let asked = Given(service::ExpertiseRequest {
        elements: chosen.clone(),
    });
    match service::save_expertise(&state, &actor, asked).await {
        Ok(_) => Ok(Redirect::to(&Done::ExpertiseSaved.at("/account/expertise")).into_response()),
        Err(Refusal::Invalid(errors)) => {
            let choices = service::expertise(&state, &actor)
                .await?
                .into_iter()
                .map(|(k, n, _)| {
                    let known = chosen.contains(&k);
                    (k, n, known)
                })
                .collect();
            let chrome = Chrome::new(&visitor, "The elements you know", path);
            let page = render(ExpertisePage {
                chrome,
                choices,
                error: errors.into_iter().next().map(|(_, m)| m),
            })?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
        }
        Err(e) => Err(e.into()),
    }
}

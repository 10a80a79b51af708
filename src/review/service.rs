//! Review and selection steps, shared by the pages and the API: each is
//! checked, done in one transaction with its emails, and audited.

use std::collections::{BTreeMap, HashMap};

use serde::Serialize;

use super::store::{self, Assignment, Candidate};
use super::{
    Criterion, Decision, Opening, ReviewRequest, ScoreInput, Summary, WIDE_SPREAD, auto_assign,
    check_decision, check_ranking, check_scores, order, recusal, summarize, weighted_total,
};
use crate::audit::{self, Entry};
use crate::auth::policy::Action;
use crate::auth::{Actor, CurrentUser};
use crate::program::store::Program;
use crate::state::AppState;
use crate::team::{Sector, missing_sectors};
use crate::time::now_ms;
use crate::web::Refusal;

async fn candidate(state: &AppState, program: &Program, code: &str) -> Result<Candidate, Refusal> {
    store::candidate(&state.db.pool, program.id, code)
        .await?
        .ok_or(Refusal::NotFound)
}

pub async fn assign(
    state: &AppState,
    actor: &Actor,
    program: &Program,
    code: &str,
    reviewer_id: i64,
) -> Result<(), Refusal> {
    let (user, ip) = (&actor.user, actor.ip.as_str());
    let app = candidate(state, program, code).await?;
    let reviewers = store::reviewers(&state.db.pool, program.id).await?;
    let Some(reviewer) = reviewers.iter().find(|r| r.id == reviewer_id) else {
        return Err(Refusal::field(
            "reviewer_id",
            "Choose one of this program's reviewers.",
        ));
    };
    if let Some(reason) = recusal(reviewer, code) {
        return Err(Refusal::field("reviewer_id", reason));
    }
    let mut tx = state.db.begin().await?;
    if !store::assign(&mut tx, app.id, reviewer_id, user.id, now_ms()).await? {
        return Err(Refusal::Conflict(format!(
            "{} is already assigned to {}.",
            reviewer.name, app.state_name
        )));
    }
    audit::write(
        &mut *tx,
        &Entry::new(user.actor(), ip, "assign_reviewer")
            .record("application", app.id)
            .detail(format!(
                "{} (user {reviewer_id}) to {code} in {}",
                reviewer.name, program.slug
            )),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

pub async fn unassign(
    state: &AppState,
    actor: &Actor,
    program: &Program,
    code: &str,
    reviewer_id: i64,
) -> Result<(), Refusal> {
    let (user, ip) = (&actor.user, actor.ip.as_str());
    let app = candidate(state, program, code).await?;
    let mut tx = state.db.begin().await?;
    if !store::unassign(&mut tx, app.id, reviewer_id).await? {
        return Err(Refusal::Conflict(
            "That reviewer is not assigned here, or has already submitted their review (which is kept)."
                .into(),
        ));
    }
    audit::write(
        &mut *tx,
        &Entry::new(user.actor(), ip, "unassign_reviewer")
            .record("application", app.id)
            .detail(format!(
                "user {reviewer_id} from {code} in {}",
                program.slug
            )),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Fills every submitted application up to `per_application` reviewers;
/// returns how many assignments were made.
pub async fn assign_automatically(
    state: &AppState,
    actor: &Actor,
    program: &Program,
    per_application: i64,
) -> Result<usize, Refusal> {
    let (user, ip) = (&actor.user, actor.ip.as_str());
    if !(1..=10).contains(&per_application) {
        return Err(Refusal::field(
            "per_application",
            "Choose from 1 to 10 reviewers per application.",
        ));
    }
    let pool = &state.db.pool;
    let reviewers = store::reviewers(pool, program.id).await?;
    if reviewers.is_empty() {
        return Err(Refusal::Conflict(
            "This program has no reviewers yet. Invite reviewers on the People page first.".into(),
        ));
    }
    let existing = store::assignments(pool, program.id).await?;
    let openings: Vec<Opening> = store::candidates(pool, program.id)
        .await?
        .into_iter()
        .filter(|c| c.decision.is_none())
        .map(|c| Opening {
            assigned: existing
                .iter()
                .filter(|a| a.application_id == c.id)
                .map(|a| a.reviewer_id)
                .collect(),
            application_id: c.id,
            state_code: c.state_code,
        })
        .collect();
    let made = auto_assign(&openings, &reviewers, per_application as usize);
    let now = now_ms();
    let mut tx = state.db.begin().await?;
    for (application_id, reviewer_id) in &made {
        store::assign(&mut tx, *application_id, *reviewer_id, user.id, now).await?;
    }
    audit::write(
        &mut *tx,
        &Entry::new(user.actor(), ip, "assign_reviewers_automatically")
            .record("program", program.id)
            .detail(format!(
                "{} assignments, up to {per_application} per application, in {}",
                made.len(),
                program.slug
            )),
    )
    .await?;
    tx.commit().await?;
    Ok(made.len())
}

/// One reviewer's review of one application.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Review {
    pub state_code: String,
    pub state_name: String,
    pub rubric: Vec<Criterion>,
    pub scores: Vec<ScoreInput>,
    /// 0 to 100, once every criterion is scored.
    pub total: Option<f64>,
    pub submitted_at: Option<i64>,
    /// Whether the admin has decided; reviews are closed then.
    pub decided: bool,
}

/// The reviewer's assignment to the state's application, if any.
pub async fn my_assignment(
    state: &AppState,
    program: &Program,
    code: &str,
    user: &CurrentUser,
) -> Result<Option<(Candidate, Assignment)>, Refusal> {
    let Some(app) = store::candidate(&state.db.pool, program.id, code).await? else {
        return Ok(None);
    };
    Ok(store::assignment(&state.db.pool, app.id, user.id)
        .await?
        .map(|a| (app, a)))
}

/// The actor's assignment to review the state's application: refused
/// (and audited) when they are not assigned to it, not found when there
/// is no such application.
pub async fn assigned(
    state: &AppState,
    actor: &Actor,
    (slug, code): (&str, &str),
) -> Result<(Program, Candidate, Assignment), Refusal> {
    let program = crate::program::load(state, slug).await?;
    let found = my_assignment(state, &program, &code.to_uppercase(), &actor.user).await?;
    let program_id = program.id;
    let assigned = found.is_some();
    actor
        .may(
            state,
            Action::ReviewApplication {
                program_id,
                assigned,
            },
        )
        .await?;
    let (app, assignment) = found.ok_or(Refusal::NotFound)?;
    Ok((program, app, assignment))
}

/// The program and the applications assigned to the actor in it (reviewers).
pub async fn my_assignments(
    state: &AppState,
    actor: &Actor,
    slug: &str,
) -> Result<(Program, Vec<Assignment>), Refusal> {
    let program = crate::program::load(state, slug).await?;
    let program_id = program.id;
    actor.may(state, Action::ViewReviews { program_id }).await?;
    let mine = store::assignments_of(&state.db.pool, program_id, actor.user.id).await?;
    Ok((program, mine))
}

/// The program whose selection the actor runs (the administrator).
pub async fn run_selection(
    state: &AppState,
    actor: &Actor,
    slug: &str,
) -> Result<Program, Refusal> {
    let program = crate::program::load(state, slug).await?;
    let program_id = program.id;
    actor
        .may(state, Action::RunSelection { program_id })
        .await?;
    Ok(program)
}

pub async fn review(
    state: &AppState,
    program: &Program,
    app: &Candidate,
    assignment: &Assignment,
) -> Result<Review, Refusal> {
    let rubric = store::rubric(&state.db.pool, program.id).await?;
    let saved = store::scores(&state.db.pool, assignment.id).await?;
    let scores: Vec<ScoreInput> = rubric
        .iter()
        .map(|c| {
            saved
                .iter()
                .find(|s| s.criterion_id == c.id)
                .cloned()
                .unwrap_or(ScoreInput {
                    criterion_id: c.id,
                    score: None,
                    comment: String::new(),
                })
        })
        .collect();
    let total = weighted_total(
        &rubric
            .iter()
            .zip(&scores)
            .map(|(c, s)| (c.weight, s.score))
            .collect::<Vec<_>>(),
    );
    Ok(Review {
        state_code: app.state_code.clone(),
        state_name: app.state_name.clone(),
        rubric,
        scores,
        total,
        submitted_at: assignment.submitted_at,
        decided: app.decision.is_some(),
    })
}

/// Saves the reviewer's scores; with `submit`, every criterion must be
/// scored and the review counts in the comparison from then on.
pub async fn save_review(
    state: &AppState,
    actor: &Actor,
    program: &Program,
    app: &Candidate,
    assignment: &Assignment,
    req: &ReviewRequest,
) -> Result<(), Refusal> {
    let (user, ip) = (&actor.user, actor.ip.as_str());
    let (inputs, submit) = (&req.scores, req.submit);
    if app.decision.is_some() {
        return Err(Refusal::Conflict(format!(
            "{}'s application has been decided; reviews are closed.",
            app.state_name
        )));
    }
    let rubric = store::rubric(&state.db.pool, program.id).await?;
    let complete = submit || assignment.submitted_at.is_some();
    let scores = check_scores(&rubric, inputs, complete).map_err(Refusal::Invalid)?;
    let mut tx = state.db.begin().await?;
    store::save_scores(&mut tx, assignment.id, &scores).await?;
    if submit && assignment.submitted_at.is_none() {
        store::set_submitted(&mut tx, assignment.id, Some(now_ms())).await?;
    }
    audit::write(
        &mut *tx,
        &Entry::new(
            user.actor(),
            ip,
            if submit {
                "submit_review"
            } else {
                "save_review"
            },
        )
        .record("review_assignment", assignment.id)
        .detail(format!("{} in {}", app.state_code, program.slug)),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// A review's scores and comments by criterion id.
type GivenScores = HashMap<i64, (Option<i64>, String)>;

/// One reviewer's part in the comparison.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ReviewerScore {
    pub reviewer_id: i64,
    pub reviewer: String,
    /// 0 to 100; none until submitted.
    pub total: Option<f64>,
    pub submitted: bool,
    /// (criterion, score, comment) in rubric order.
    pub scores: Vec<CriterionScore>,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct CriterionScore {
    pub criterion: String,
    pub score: Option<i64>,
    pub comment: String,
}

/// One application in the side-by-side view.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Compared {
    pub state_code: String,
    pub state_name: String,
    pub reviewers: Vec<ReviewerScore>,
    pub summary: Summary,
    /// The spread is wide enough to talk about before deciding.
    pub wide_spread: bool,
    /// Average score per criterion, in rubric order (1 to 5).
    pub criterion_averages: Vec<Option<f64>>,
    pub members: usize,
    pub missing_sectors: Vec<Sector>,
    pub letter_name: Option<String>,
    pub signer: String,
    pub rank: Option<i64>,
    pub decision: Option<Decision>,
    pub decision_message: String,
    pub has_team: bool,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Comparison {
    pub rubric: Vec<Criterion>,
    pub applications: Vec<Compared>,
    /// Reviewers who may be assigned, with the states they are recused from.
    pub reviewers: Vec<ReviewerChoice>,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ReviewerChoice {
    pub id: i64,
    pub name: String,
    pub recused_from: Vec<String>,
}

pub async fn comparison(state: &AppState, program: &Program) -> Result<Comparison, Refusal> {
    let pool = &state.db.pool;
    let required = crate::program::store::required_sectors(pool, program.id).await?;
    let rubric = store::rubric(pool, program.id).await?;
    let candidates = store::candidates(pool, program.id).await?;
    let assignments = store::assignments(pool, program.id).await?;
    let scores = store::submitted_scores(pool, program.id).await?;
    let sectors = store::member_sectors(pool, program.id).await?;
    let teams: Vec<String> = crate::team::store::teams(pool, program.id)
        .await?
        .into_iter()
        .map(|(c, _)| c)
        .collect();
    // (application, reviewer) -> criterion -> (score, comment)
    let mut by_review: HashMap<(i64, i64), GivenScores> = HashMap::new();
    for (app, reviewer, _, criterion, score, comment) in scores {
        by_review
            .entry((app, reviewer))
            .or_default()
            .insert(criterion, (score, comment));
    }
    let mut applications = Vec::new();
    for c in candidates {
        let mut reviewers = Vec::new();
        for a in assignments.iter().filter(|a| a.application_id == c.id) {
            let given = by_review.get(&(c.id, a.reviewer_id));
            let criterion_scores: Vec<CriterionScore> = rubric
                .iter()
                .map(|r| {
                    let (score, comment) = given
                        .and_then(|g| g.get(&r.id).cloned())
                        .unwrap_or((None, String::new()));
                    CriterionScore {
                        criterion: r.criterion.clone(),
                        score,
                        comment,
                    }
                })
                .collect();
            let total = given.and_then(|_| {
                weighted_total(
                    &rubric
                        .iter()
                        .zip(&criterion_scores)
                        .map(|(r, s)| (r.weight, s.score))
                        .collect::<Vec<_>>(),
                )
            });
            reviewers.push(ReviewerScore {
                reviewer_id: a.reviewer_id,
                reviewer: a.reviewer_name.clone(),
                total,
                submitted: a.submitted_at.is_some(),
                scores: criterion_scores,
            });
        }
        let totals: Vec<f64> = reviewers.iter().filter_map(|r| r.total).collect();
        let summary = summarize(&totals);
        let criterion_averages = (0..rubric.len())
            .map(|i| {
                let given: Vec<i64> = reviewers
                    .iter()
                    .filter(|r| r.submitted)
                    .filter_map(|r| r.scores[i].score)
                    .collect();
                (!given.is_empty()).then(|| given.iter().sum::<i64>() as f64 / given.len() as f64)
            })
            .collect();
        let member_sectors: Vec<Sector> = sectors
            .iter()
            .filter(|(a, _)| *a == c.id)
            .filter_map(|(_, s)| Sector::parse(s))
            .collect();
        applications.push(Compared {
            wide_spread: summary.spread.is_some_and(|s| s >= WIDE_SPREAD),
            missing_sectors: missing_sectors(&required, &member_sectors),
            members: member_sectors.len(),
            has_team: teams.contains(&c.state_code),
            decision: c.decision(),
            state_code: c.state_code,
            state_name: c.state_name,
            reviewers,
            summary,
            criterion_averages,
            letter_name: c.letter_name,
            signer: if c.signer_title.is_empty() {
                c.signer_name
            } else {
                format!("{}, {}", c.signer_name, c.signer_title)
            },
            rank: c.rank,
            decision_message: c.decision_message,
        });
    }
    let mut keys: Vec<(Option<i64>, Option<f64>, String)> = applications
        .iter()
        .map(|a| (a.rank, a.summary.average, a.state_code.clone()))
        .collect();
    order(&mut keys);
    applications.sort_by_key(|a| keys.iter().position(|k| k.2 == a.state_code));
    let reviewers = store::reviewers(pool, program.id)
        .await?
        .into_iter()
        .map(|r| ReviewerChoice {
            id: r.id,
            recused_from: applications
                .iter()
                .filter(|a| recusal(&r, &a.state_code).is_some())
                .map(|a| a.state_code.clone())
                .collect(),
            name: r.name,
        })
        .collect();
    Ok(Comparison {
        rubric,
        applications,
        reviewers,
    })
}

/// Saves the admin's ranking: state code to rank as typed.
pub async fn rank(
    state: &AppState,
    actor: &Actor,
    program: &Program,
    typed: &BTreeMap<String, String>,
) -> Result<(), Refusal> {
    let (user, ip) = (&actor.user, actor.ip.as_str());
    let ranks = check_ranking(typed).map_err(Refusal::fields)?;
    let candidates = store::candidates(&state.db.pool, program.id).await?;
    for code in ranks.keys() {
        if !candidates.iter().any(|c| &c.state_code == code) {
            return Err(Refusal::field(
                "ranking",
                format!("{code} has no submitted application in this program."),
            ));
        }
    }
    let mut tx = state.db.begin().await?;
    for c in &candidates {
        if let Some(rank) = ranks.get(&c.state_code) {
            store::set_rank(&mut tx, c.id, *rank).await?;
        }
    }
    audit::write(
        &mut *tx,
        &Entry::new(user.actor(), ip, "rank_applications")
            .record("program", program.id)
            .detail(
                ranks
                    .iter()
                    .map(|(s, r)| format!("{s}={}", r.map(|r| r.to_string()).unwrap_or("-".into())))
                    .collect::<Vec<_>>()
                    .join(" "),
            ),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Records the decision, emails the state, and (on selection) forms the
/// state's team and invites its members: all or nothing.
pub async fn decide(
    state: &AppState,
    actor: &Actor,
    program: &Program,
    code: &str,
    decision: &str,
    message: &str,
) -> Result<(), Refusal> {
    let (user, ip) = (&actor.user, actor.ip.as_str());
    let Some(decision) = Decision::parse(decision) else {
        return Err(Refusal::field(
            "decision",
            "Choose selected, waitlisted or not selected.",
        ));
    };
    let Some(app_id) = crate::application::store::find(&state.db.pool, program.id, code).await?
    else {
        return Err(Refusal::NotFound);
    };
    let Some(app) = crate::application::store::load(&state.db.pool, app_id).await? else {
        return Err(Refusal::NotFound);
    };
    let current = store::candidate(&state.db.pool, program.id, code).await?;
    let submitted = current.is_some();
    let current_decision = current.as_ref().and_then(|c| c.decision());
    let message = message.trim();
    check_decision(submitted, current_decision, decision, message).map_err(|errors| {
        if errors[0].0 == "decision" && submitted {
            Refusal::Conflict(errors[0].1.clone())
        } else {
            Refusal::fields(errors)
        }
    })?;
    let candidate = current.expect("checked: submitted");
    let lead = match candidate.created_by {
        Some(id) => crate::auth::store::find_user(&state.db.pool, id).await?,
        None => None,
    };
    let now = now_ms();
    let mut tx = state.db.begin().await?;
    store::set_decision(&mut tx, app.id, decision, message, user.id, now).await?;
    if decision == Decision::Selected {
        crate::team::service::form_from_application(
            state,
            &mut tx,
            user,
            ip,
            program,
            &app,
            candidate.created_by,
        )
        .await?;
    }
    if let Some(lead) = &lead {
        let email = decision_email(state, program, &candidate, decision, message, lead)?;
        crate::mail::enqueue(&mut tx, &email).await?;
    }
    audit::write(
        &mut *tx,
        &Entry::new(user.actor(), ip, "decide_application")
            .record("application", app.id)
            .detail(format!("{code} {} in {}", decision.as_str(), program.slug)),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

fn decision_email(
    state: &AppState,
    program: &Program,
    c: &Candidate,
    decision: Decision,
    message: &str,
    lead: &crate::auth::store::UserRow,
) -> Result<crate::mail::Email, Refusal> {
    let (subject, opening) = match decision {
        Decision::Selected => (
            format!("{} is selected for {}", c.state_name, program.name),
            format!(
                "Congratulations: {} has been selected for {}. Your state team has been formed from the team in your application, and its members are being invited to Waymark.",
                c.state_name, program.name
            ),
        ),
        Decision::Waitlisted => (
            format!(
                "{}'s application to {}: waitlisted",
                c.state_name, program.name
            ),
            format!(
                "{}'s application to {} has been placed on the waiting list. If a place opens, we will write to you again.",
                c.state_name, program.name
            ),
        ),
        Decision::Declined => (
            format!("{}'s application to {}", c.state_name, program.name),
            format!(
                "Thank you for {}'s application to {}. We are not able to offer your state a place in this cohort.",
                c.state_name, program.name
            ),
        ),
    };
    let mut paragraphs = vec![opening];
    if !message.is_empty() {
        paragraphs.push(format!("A message from the program team: {message}"));
    }
    let (link_text, path) = match decision {
        Decision::Selected => (
            "See your state team",
            format!("/programs/{}/teams/{}", program.slug, c.state_code),
        ),
        _ => (
            "See your application",
            format!("/programs/{}/application", program.slug),
        ),
    };
    let link = state.config.link(&path);
    crate::mail::templates::notice(
        &lead.email,
        &lead.name,
        &subject,
        &paragraphs,
        Some((link_text, &link)),
    )
    .map_err(|e| Refusal::Internal(anyhow::anyhow!("email template: {e}")))
}

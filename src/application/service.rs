//! Changes to an application, shared by the pages and the API: each is
//! checked, done in one transaction, and written to the audit log.

use super::store::{self, Application};
use super::{
    Draft, MAX_ANSWER, MemberRequest, Status, check_member, check_priorities, submission_problems,
};
use crate::audit::{self, Entry};
use crate::auth::policy::Action;
use crate::auth::{Actor, CurrentUser, Role};
use crate::program::deadline;
use crate::program::store::Program;
use crate::state::AppState;
use crate::time::now_ms;
use crate::web::Refusal;

/// An application past its draft takes no more changes.
fn not_draft(status: Status) -> Refusal {
    Refusal::Conflict(match status {
        Status::Submitted => {
            "This application has been submitted and can no longer be changed. You can withdraw it."
                .into()
        }
        _ => "This application has been withdrawn and can no longer be changed.".into(),
    })
}

/// Past the deadline (or the state's extension).
fn late(deadline: String) -> Refusal {
    Refusal::TooLate(format!(
        "The deadline was {deadline}. Applications that arrive after it cannot be accepted; if you believe your state should have an extension, contact the program administrator."
    ))
}

/// The state a person leads in a program, if any.
pub fn lead_state(user: &CurrentUser, program_id: i64) -> Option<String> {
    user.grants
        .iter()
        .find(|g| g.role == Role::StateLead && g.program_id == Some(program_id))
        .and_then(|g| g.state_code.clone())
}

pub fn may_edit(program_id: i64, state_code: String) -> Action {
    Action::EditApplication {
        program_id,
        state_code,
    }
}

pub fn may_view(program_id: i64, state_code: String) -> Action {
    Action::ViewApplication {
        program_id,
        state_code,
    }
}

pub fn may_extend(program_id: i64, _: String) -> Action {
    Action::GrantExtension { program_id }
}

/// The program, if the actor may do `action` to the state's application;
/// with the state's code as it is kept (upper case).
pub async fn allowed(
    state: &AppState,
    actor: &Actor,
    (slug, code): (&str, &str),
    action: impl FnOnce(i64, String) -> Action,
) -> Result<(Program, String), Refusal> {
    let program = crate::program::load(state, slug).await?;
    let code = code.to_uppercase();
    actor.may(state, action(program.id, code.clone())).await?;
    Ok((program, code))
}

/// The state's application as it is now; not found when none is started.
pub async fn current(
    state: &AppState,
    program: &Program,
    code: &str,
) -> Result<Application, Refusal> {
    let id = store::find(&state.db.pool, program.id, code)
        .await?
        .ok_or(Refusal::NotFound)?;
    store::load(&state.db.pool, id)
        .await?
        .ok_or(Refusal::NotFound)
}

/// The signed letter of commitment as a PDF download; not found when the
/// state has none (to those who may read the application).
pub async fn letter(
    state: &AppState,
    program: &Program,
    code: &str,
) -> Result<axum::response::Response, Refusal> {
    let letter = current(state, program, code)
        .await?
        .letter
        .ok_or(Refusal::NotFound)?;
    let bytes = state.storage.get(&letter.key).await?;
    Ok(crate::web::download::attachment(
        &letter.name,
        "application/pdf",
        bytes,
    ))
}

/// The state's application, started as a draft if there is none yet.
pub async fn open(
    state: &AppState,
    actor: &Actor,
    program: &Program,
    code: &str,
) -> Result<Application, Refusal> {
    let (user, ip) = (&actor.user, actor.ip.as_str());
    let now = now_ms();
    let mut tx = state.db.begin().await?;
    let existed = store::find(&mut *tx, program.id, code).await?.is_some();
    let id = store::find_or_create(&mut tx, program.id, code, user.id, now).await?;
    if !existed {
        audit::write(
            &mut *tx,
            &Entry::new(user.actor(), ip, "start_application")
                .record("application", id)
                .detail(format!("{code} for {}", program.slug)),
        )
        .await?;
    }
    tx.commit().await?;
    Ok(store::load(&state.db.pool, id)
        .await?
        .expect("just created"))
}

fn not_started() -> Refusal {
    Refusal::fields(vec![("status", "Start the application first.".into())])
}

async fn draft(state: &AppState, program: &Program, code: &str) -> Result<Application, Refusal> {
    let id = store::find(&state.db.pool, program.id, code)
        .await?
        .ok_or_else(not_started)?;
    let app = store::load(&state.db.pool, id)
        .await?
        .ok_or_else(|| Refusal::Internal(anyhow::anyhow!("no application")))?;
    if app.status != Status::Draft {
        return Err(not_draft(app.status));
    }
    Ok(app)
}

fn check_answers(app: &Application, answers: &[(i64, String)]) -> Result<(), Refusal> {
    for (qid, text) in answers {
        if !app.answers.iter().any(|a| a.question_id == *qid) {
            return Err(Refusal::fields(vec![(
                "answers",
                format!("Question {qid} is not one of this program's key questions."),
            )]));
        }
        if text.chars().count() > MAX_ANSWER {
            return Err(Refusal::fields(vec![(
                "answers",
                format!("Keep each answer under {MAX_ANSWER} characters."),
            )]));
        }
    }
    Ok(())
}

/// Is the program a general TA program (priorities, no letter)?
pub fn general_track(program: &Program) -> bool {
    program.track == "general"
}

/// Saves the answers and, when given (general track), the chosen priority
/// components, together.
pub async fn save_answers(
    state: &AppState,
    actor: &Actor,
    program: &Program,
    code: &str,
    answers: &[(i64, String)],
    priorities: Option<&[String]>,
) -> Result<(), Refusal> {
    let (user, ip) = (&actor.user, actor.ip.as_str());
    let app = draft(state, program, code).await?;
    check_answers(&app, answers)?;
    let priorities = priorities
        .map(|p| check_priorities(p, general_track(program)))
        .transpose()
        .map_err(Refusal::fields)?;
    let mut tx = state.db.begin().await?;
    for (qid, text) in answers {
        store::save_answer(&mut tx, app.id, *qid, text.trim()).await?;
    }
    if let Some(p) = &priorities {
        store::set_priorities(&mut tx, app.id, p).await?;
    }
    store::touch(&mut tx, app.id, now_ms()).await?;
    audit::write(
        &mut *tx,
        &Entry::new(user.actor(), ip, "save_application_answers").record("application", app.id),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

pub async fn add_member(
    state: &AppState,
    actor: &Actor,
    program: &Program,
    code: &str,
    req: &MemberRequest,
) -> Result<(), Refusal> {
    let (user, ip) = (&actor.user, actor.ip.as_str());
    let app = draft(state, program, code).await?;
    let member = check_member(req).map_err(Refusal::fields)?;
    if app.members.len() >= 60 {
        return Err(Refusal::fields(vec![(
            "member_name",
            "A proposed team can have at most 60 members.".into(),
        )]));
    }
    let mut tx = state.db.begin().await?;
    let id = store::add_member(&mut tx, app.id, &member, now_ms()).await?;
    store::touch(&mut tx, app.id, now_ms()).await?;
    audit::write(
        &mut *tx,
        &Entry::new(user.actor(), ip, "add_proposed_member")
            .record("application", app.id)
            .detail(format!(
                "{} ({}), member {id}",
                member.name,
                member.sector.as_str()
            )),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

pub async fn remove_member(
    state: &AppState,
    actor: &Actor,
    program: &Program,
    code: &str,
    member_id: i64,
) -> Result<bool, Refusal> {
    let (user, ip) = (&actor.user, actor.ip.as_str());
    let app = draft(state, program, code).await?;
    let mut tx = state.db.begin().await?;
    let removed = store::remove_member(&mut tx, app.id, member_id).await?;
    if removed {
        store::touch(&mut tx, app.id, now_ms()).await?;
        audit::write(
            &mut *tx,
            &Entry::new(user.actor(), ip, "remove_proposed_member")
                .record("application", app.id)
                .detail(format!("member {member_id}")),
        )
        .await?;
    }
    tx.commit().await?;
    Ok(removed)
}

/// Who signed the letter of commitment, and which commitments it makes.
#[derive(Clone, Copy)]
pub struct Letter<'a> {
    pub signer_name: &'a str,
    pub signer_title: &'a str,
    pub commitments: [bool; 3],
}

pub async fn save_letter(
    state: &AppState,
    actor: &Actor,
    program: &Program,
    code: &str,
    letter: &Letter<'_>,
) -> Result<(), Refusal> {
    let (user, ip) = (&actor.user, actor.ip.as_str());
    let app = draft(state, program, code).await?;
    let Letter {
        signer_name,
        signer_title,
        commitments,
    } = *letter;
    if signer_name.chars().count() > 120 || signer_title.chars().count() > 160 {
        return Err(Refusal::fields(vec![(
            "signer",
            "Keep the name and title short (up to 120 and 160 characters).".into(),
        )]));
    }
    let mut tx = state.db.begin().await?;
    store::save_letter_details(
        &mut tx,
        app.id,
        signer_name.trim(),
        signer_title.trim(),
        commitments,
    )
    .await?;
    store::touch(&mut tx, app.id, now_ms()).await?;
    audit::write(
        &mut *tx,
        &Entry::new(user.actor(), ip, "save_application_letter").record("application", app.id),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Replaces the whole draft at once (the API's PUT): all or nothing.
pub struct WholeDraft {
    pub answers: Vec<(i64, String)>,
    pub members: Vec<MemberRequest>,
    pub signer_name: String,
    pub signer_title: String,
    pub commitments: [bool; 3],
    pub priorities: Vec<String>,
}

pub async fn replace(
    state: &AppState,
    actor: &Actor,
    program: &Program,
    code: &str,
    whole: &WholeDraft,
) -> Result<(), Refusal> {
    let (user, ip) = (&actor.user, actor.ip.as_str());
    let app = draft(state, program, code).await?;
    check_answers(&app, &whole.answers)?;
    let mut members = Vec::new();
    for (i, m) in whole.members.iter().enumerate() {
        let checked = check_member(m).map_err(|errors| {
            Refusal::fields(
                errors
                    .into_iter()
                    .map(|(f, msg)| (f, format!("Member {}: {msg}", i + 1)))
                    .collect(),
            )
        })?;
        members.push(checked);
    }
    let priorities =
        check_priorities(&whole.priorities, general_track(program)).map_err(Refusal::fields)?;
    let now = now_ms();
    let mut tx = state.db.begin().await?;
    for (qid, text) in &whole.answers {
        store::save_answer(&mut tx, app.id, *qid, text.trim()).await?;
    }
    store::set_priorities(&mut tx, app.id, &priorities).await?;
    store::remove_all_members(&mut tx, app.id).await?;
    for m in &members {
        store::add_member(&mut tx, app.id, m, now).await?;
    }
    store::save_letter_details(
        &mut tx,
        app.id,
        whole.signer_name.trim(),
        whole.signer_title.trim(),
        whole.commitments,
    )
    .await?;
    store::touch(&mut tx, app.id, now).await?;
    audit::write(
        &mut *tx,
        &Entry::new(user.actor(), ip, "replace_application_draft").record("application", app.id),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Submits a complete draft before the deadline (or the state's
/// extension) and queues the confirmation email with a copy.
pub async fn submit(
    state: &AppState,
    actor: &Actor,
    program: &Program,
    code: &str,
) -> Result<Application, Refusal> {
    let (user, ip) = (&actor.user, actor.ip.as_str());
    let app = draft(state, program, code).await?;
    let answers: Vec<(i64, String)> = app
        .answers
        .iter()
        .map(|a| (a.question_id, a.answer.clone()))
        .collect();
    let members: Vec<_> = app.members.iter().map(|m| m.member.clone()).collect();
    let problems = submission_problems(&Draft {
        answers: &answers,
        members: &members,
        signer_name: &app.signer_name,
        signer_title: &app.signer_title,
        commitments: app.commitments,
        has_letter: app.letter.is_some(),
        general_track: general_track(program),
        priorities: &app.priorities,
    });
    if !problems.is_empty() {
        return Err(Refusal::fields(problems));
    }
    let now = now_ms();
    if let Some(due_ms) = program.applications_due_at {
        let due = jiff::Timestamp::from_millisecond(due_ms).map_err(anyhow::Error::from)?;
        let extension = app
            .extension_until
            .and_then(|ms| jiff::Timestamp::from_millisecond(ms).ok());
        let submitted = jiff::Timestamp::from_millisecond(now).map_err(anyhow::Error::from)?;
        if !deadline::on_time(submitted, due, extension) {
            let limit = deadline::effective(due, extension);
            return Err(late(deadline::describe(limit, &program.time_zone)));
        }
    }
    let mut tx = state.db.begin().await?;
    if !store::mark_submitted(&mut tx, app.id, now).await? {
        return Err(not_draft(Status::Submitted));
    }
    let when = deadline::describe(
        jiff::Timestamp::from_millisecond(now).map_err(anyhow::Error::from)?,
        &program.time_zone,
    );
    let email = super::mail::confirmation(&user.email, &user.name, program, &app, &when)
        .map_err(|e| anyhow::anyhow!("email template: {e}"))?;
    crate::mail::enqueue(&mut tx, &email).await?;
    audit::write(
        &mut *tx,
        &Entry::new(user.actor(), ip, "submit_application")
            .record("application", app.id)
            .detail(format!("{code} for {}", program.slug)),
    )
    .await?;
    tx.commit().await?;
    Ok(store::load(&state.db.pool, app.id).await?.expect("exists"))
}

pub async fn withdraw(
    state: &AppState,
    actor: &Actor,
    program: &Program,
    code: &str,
) -> Result<(), Refusal> {
    let (user, ip) = (&actor.user, actor.ip.as_str());
    let id = store::find(&state.db.pool, program.id, code)
        .await?
        .ok_or_else(not_started)?;
    let mut tx = state.db.begin().await?;
    if !store::mark_withdrawn(&mut tx, id, now_ms()).await? {
        let status = store::load(&state.db.pool, id)
            .await?
            .map(|a| a.status)
            .unwrap_or(Status::Draft);
        if status == Status::Draft {
            return Err(Refusal::fields(vec![(
                "status",
                "Only a submitted application can be withdrawn.".into(),
            )]));
        }
        return Err(not_draft(status));
    }
    audit::write(
        &mut *tx,
        &Entry::new(user.actor(), ip, "withdraw_application")
            .record("application", id)
            .detail(format!("{code} for {}", program.slug)),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Stores a checked PDF letter, then records it; a failure while recording
/// removes the stored file again, and a refused file is never stored.
pub async fn upload_letter(
    state: &AppState,
    actor: &Actor,
    program: &Program,
    code: &str,
    bytes: Vec<u8>,
    declared_name: &str,
) -> Result<(), Refusal> {
    let (user, ip) = (&actor.user, actor.ip.as_str());
    let app = draft(state, program, code).await?;
    let checked = super::letter::check(&bytes, declared_name)
        .map_err(|m| Refusal::fields(vec![("letter_file", m.to_owned())]))?;
    let key = crate::storage::new_key(&format!("letters/{}", app.id), "pdf");
    let size = bytes.len() as i64;
    state.storage.put(&key, bytes).await?;
    let recorded = async {
        let mut tx = state.db.begin().await?;
        let old = store::set_letter(&mut tx, app.id, &key, &checked.name, size, now_ms()).await?;
        audit::write(
            &mut *tx,
            &Entry::new(user.actor(), ip, "upload_letter")
                .record("application", app.id)
                .detail(format!("{} ({size} bytes)", checked.name)),
        )
        .await?;
        tx.commit().await?;
        Ok::<_, sqlx::Error>(old)
    }
    .await;
    match recorded {
        Ok(old) => {
            if let Some(old) = old
                && let Err(e) = state.storage.delete(&old).await
            {
                tracing::warn!(error = %e, "could not remove a replaced letter");
            }
            Ok(())
        }
        Err(e) => {
            let _ = state.storage.delete(&key).await;
            Err(e.into())
        }
    }
}

/// Grants one state a later deadline, or takes it back (the admin).
pub async fn set_extension(
    state: &AppState,
    actor: &Actor,
    program: &Program,
    code: &str,
    req: &super::ExtensionRequest,
) -> Result<Application, Refusal> {
    let (user, ip) = (&actor.user, actor.ip.as_str());
    let id = store::find(&state.db.pool, program.id, code)
        .await?
        .ok_or_else(not_started)?;
    let until = super::check_extension(req, &program.time_zone, program.applications_due_at)
        .map_err(Refusal::fields)?;
    let mut tx = state.db.begin().await?;
    store::set_extension(&mut tx, id, until).await?;
    let entry = match until {
        Some(ms) => Entry::new(user.actor(), ip, "grant_extension").detail(format!(
            "{code} for {} until {}",
            program.slug,
            deadline::describe(
                jiff::Timestamp::from_millisecond(ms).map_err(anyhow::Error::from)?,
                &program.time_zone
            )
        )),
        None => Entry::new(user.actor(), ip, "clear_extension")
            .detail(format!("{code} for {}", program.slug)),
    };
    audit::write(&mut *tx, &entry.record("application", id)).await?;
    tx.commit().await?;
    Ok(store::load(&state.db.pool, id).await?.expect("exists"))
}

//! The program's operations: creating one from a template, and saving its
//! settings. Each checks, writes and audits in one transaction; the rules
//! they apply are in `create` and `settings`.

use super::create::NewProgramRequest;
use super::settings::{Current, ProgramSettings};
use super::store::{self, Program};
use crate::auth::Actor;
use crate::auth::policy::Action;
use crate::state::AppState;
use crate::web::{Input, Refusal};

/// Creates a program from a template (administrators); answers its slug.
pub async fn create(
    state: &AppState,
    actor: &Actor,
    input: impl Input<NewProgramRequest>,
) -> Result<String, Refusal> {
    actor.may(state, Action::ManagePrograms).await?;
    let req = input.read()?;
    create_program(state, actor.user.actor(), &actor.ip, &req).await
}

/// Creates the program and its template parts in one transaction, for
/// `who` (the demo and synthetic seeds act as nobody). Answers the slug,
/// or the field errors (a taken slug among them).
pub async fn create_program(
    state: &AppState,
    who: (Option<i64>, String),
    ip: &str,
    req: &NewProgramRequest,
) -> Result<String, Refusal> {
    let v = super::create::check(req).map_err(Refusal::fields)?;
    let mut tx = state.db.begin().await?;
    let id = match store::create_from_template(&mut tx, &v, crate::time::now_ms()).await {
        Ok(id) => id,
        Err(e) if crate::db::is_unique_violation(&e) => {
            return Err(Refusal::field(
                "slug",
                "Another program already uses this short name.",
            ));
        }
        Err(e) => return Err(e.into()),
    };
    crate::audit::write(
        &mut *tx,
        &crate::audit::Entry::new(who, ip, "create_program")
            .record("program", id)
            .detail(format!("{} from the {} template", v.slug, v.template.key)),
    )
    .await?;
    tx.commit().await?;
    Ok(v.slug)
}

/// A program's settings as the form and the API show them, with the facts
/// their rules depend on (administrators).
pub async fn settings(
    state: &AppState,
    actor: &Actor,
    slug: &str,
) -> Result<(Program, ProgramSettings, Current), Refusal> {
    actor.may(state, Action::ManagePrograms).await?;
    let program = super::load(state, slug).await?;
    let (settings, current) = store::settings(&state.db.pool, &program).await?;
    Ok((program, settings, current))
}

/// Checks and saves the settings in one transaction, the facts the rules
/// depend on read inside it (administrators).
pub async fn save_settings(
    state: &AppState,
    actor: &Actor,
    slug: &str,
    input: impl Input<ProgramSettings>,
) -> Result<(), Refusal> {
    actor.may(state, Action::ManagePrograms).await?;
    let req = input.read()?;
    let mut tx = state.db.begin().await?;
    let program = store::find_by_slug(&mut *tx, slug)
        .await?
        .ok_or(Refusal::NotFound)?;
    let mut current = store::settings_facts(&mut tx, program.id).await?;
    current.frameworks = state
        .frameworks
        .choosable()
        .iter()
        .map(|f| f.slug.clone())
        .collect();
    let valid = super::settings::check(&req, &current).map_err(Refusal::fields)?;
    store::save_settings(&mut tx, program.id, &valid).await?;
    crate::audit::write(
        &mut *tx,
        &crate::audit::Entry::new(actor.user.actor(), &actor.ip, "update_program_settings")
            .record("program", program.id)
            .detail(format!(
                "{slug}: {} questions ({} removed), {} criteria ({} removed), framework {}",
                valid.questions.len(),
                valid.removed_questions.len(),
                valid.criteria.len(),
                valid.removed_criteria.len(),
                valid.framework
            )),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

//! The program's operations: creating one from a template, and saving its
//! settings. Each checks, writes and audits in one transaction; the rules
//! they apply are in `create` and `settings`.

use super::create::{FieldErrors, NewProgramRequest};
use super::settings::ProgramSettings;

/// Creates the program and its template parts in one transaction.
/// Returns the slug, or the field errors (a taken slug among them).
pub async fn create_program(
    state: &crate::state::AppState,
    actor: (Option<i64>, String),
    ip: &str,
    req: &NewProgramRequest,
) -> Result<Result<String, FieldErrors>, sqlx::Error> {
    let v = match super::create::check(req) {
        Ok(v) => v,
        Err(errors) => return Ok(Err(errors)),
    };
    let mut tx = state.db.begin().await?;
    let id = match super::store::create_from_template(&mut tx, &v, crate::time::now_ms()).await {
        Ok(id) => id,
        Err(e) if crate::db::is_unique_violation(&e) => {
            return Ok(Err(vec![(
                "slug",
                "Another program already uses this short name.".into(),
            )]));
        }
        Err(e) => return Err(e),
    };
    crate::audit::write(
        &mut *tx,
        &crate::audit::Entry::new(actor, ip, "create_program")
            .record("program", id)
            .detail(format!("{} from the {} template", v.slug, v.template.key)),
    )
    .await?;
    tx.commit().await?;
    Ok(Ok(v.slug))
}

/// Checks and saves the settings in one transaction; the facts the rules
/// depend on are read inside it.
pub async fn save_settings(
    state: &crate::state::AppState,
    actor: (Option<i64>, String),
    ip: &str,
    slug: &str,
    req: &ProgramSettings,
) -> Result<(), crate::web::Refusal> {
    let mut tx = state.db.begin().await?;
    let program = super::store::find_by_slug(&mut *tx, slug)
        .await?
        .ok_or(crate::web::Refusal::NotFound)?;
    let mut current = super::store::settings_facts(&mut tx, program.id).await?;
    current.frameworks = state
        .frameworks
        .choosable()
        .iter()
        .map(|f| f.slug.clone())
        .collect();
    let valid = super::settings::check(req, &current).map_err(crate::web::Refusal::fields)?;
    super::store::save_settings(&mut tx, program.id, &valid).await?;
    crate::audit::write(
        &mut *tx,
        &crate::audit::Entry::new(actor, ip, "update_program_settings")
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

//! Changes to state teams, shared by the pages and the API: each is
//! checked, done in one transaction with its emails, and audited.

use super::store::{self, NewRow, TeamMember};
use super::{NewMemberRequest, Sector, TeamRole, check_new_member, keeps_a_lead, missing_sectors};
use crate::audit::{self, Entry};
use crate::auth::invite::{LinkEmail, send_link};
use crate::auth::policy::Action;
use crate::auth::{Actor, CurrentUser, Grant};
use crate::db::Tx;
use crate::program::store::Program;
use crate::state::AppState;
use crate::time::now_ms;
use crate::web::Refusal;

/// A state team as its members, its coach and the admin see it.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct TeamView {
    pub state_code: String,
    pub state_name: String,
    pub members: Vec<TeamMember>,
    /// The coach's name and email, once assigned.
    pub coach: Option<Coach>,
    pub required_sectors: Vec<Sector>,
    /// Required sectors no member comes from yet.
    pub missing_sectors: Vec<Sector>,
}

#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct Coach {
    pub id: i64,
    pub name: String,
    pub email: String,
}

pub fn may_view(program_id: i64, state_code: String) -> Action {
    Action::ViewStateTeam {
        program_id,
        state_code,
    }
}

pub fn may_manage(program_id: i64, state_code: String) -> Action {
    Action::ManageTeam {
        program_id,
        state_code,
    }
}

/// Choosing a state's coach is part of running the selection.
pub fn may_choose_coach(program_id: i64, _: String) -> Action {
    Action::RunSelection { program_id }
}

/// The program and the state's code, if the actor may do `action` to the
/// state's team.
pub async fn open(
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

pub async fn view(state: &AppState, program: &Program, code: &str) -> Result<TeamView, Refusal> {
    let pool = &state.db.pool;
    if !store::exists(pool, program.id, code).await? {
        return Err(Refusal::NotFound);
    }
    let members = store::members(pool, program.id, code).await?;
    let sectors: Vec<Sector> = members.iter().map(|m| m.sector).collect();
    let coach = store::coach(pool, program.id, code)
        .await?
        .map(|(id, name, email)| Coach { id, name, email });
    let state_name = crate::program::store::jurisdiction_name(pool, code)
        .await?
        .unwrap_or_else(|| code.to_owned());
    let required = crate::program::store::required_sectors(pool, program.id).await?;
    Ok(TeamView {
        state_code: code.to_owned(),
        state_name,
        missing_sectors: missing_sectors(&required, &sectors),
        required_sectors: required,
        members,
        coach,
    })
}

fn team_link(state: &AppState, program: &Program, code: &str) -> String {
    state
        .config
        .link(&format!("/programs/{}/teams/{code}", program.slug))
}

/// Finds or creates the person's account, gives them the team role, and
/// emails them: an invitation with a link to choose a password if they
/// have none yet, otherwise a note that they were added. Returns their id.
#[allow(clippy::too_many_arguments)]
async fn enlist(
    state: &AppState,
    tx: &mut Tx<'_>,
    program: &Program,
    code: &str,
    state_name: &str,
    name: &str,
    email: &str,
    role: TeamRole,
    inviter: &str,
) -> Result<i64, Refusal> {
    let now = now_ms();
    let existing = crate::auth::store::find_user_by_email(&mut **tx, email).await?;
    let grant = Grant {
        role: role.grant_role(),
        program_id: Some(program.id),
        state_code: Some(code.to_owned()),
    };
    let user_id = match &existing {
        Some(u) => u.id,
        None => crate::auth::store::insert_user(&mut **tx, email, name, None, now).await?,
    };
    store::grant_once(tx, user_id, &grant, now).await?;
    let described = format!("{} for {state_name} in {}", role.label(), program.name);
    match existing {
        Some(u) if u.password_hash.is_some() => {
            let mail = crate::mail::templates::notice(
                email,
                &u.name,
                &format!("You are on {state_name}'s team in {}", program.name),
                &[format!(
                    "{inviter} added you to {state_name}'s state team in {} as: {}.",
                    program.name,
                    role.label()
                )],
                Some(("See your team", &team_link(state, program, code))),
            )
            .map_err(|e| anyhow::anyhow!("email template: {e}"))?;
            crate::mail::enqueue(tx, &mail).await?;
        }
        _ => {
            send_link(
                state,
                tx,
                user_id,
                email,
                name,
                LinkEmail::Invite {
                    inviter,
                    role: &described,
                },
            )
            .await?;
        }
    }
    Ok(user_id)
}

/// Forms the selected state's team from its application, in the caller's
/// transaction: the lead who applied, and every proposed member (those
/// with an email are invited).
pub async fn form_from_application(
    state: &AppState,
    tx: &mut Tx<'_>,
    user: &CurrentUser,
    ip: &str,
    program: &Program,
    application: &crate::application::store::Application,
    lead_user_id: Option<i64>,
) -> Result<(), Refusal> {
    let now = now_ms();
    let code = application.state_code.as_str();
    let state_name = crate::program::store::jurisdiction_name(&mut **tx, code)
        .await?
        .unwrap_or_else(|| code.to_owned());
    store::create(tx, program.id, code, application.id, now).await?;
    let lead = match lead_user_id {
        Some(id) => crate::auth::store::find_user(&mut **tx, id).await?,
        None => None,
    };
    if let Some(lead) = &lead {
        let own = application
            .members
            .iter()
            .find(|m| m.member.email == lead.email);
        store::add_member(
            tx,
            program.id,
            code,
            &NewRow {
                user_id: Some(lead.id),
                name: &lead.name,
                email: Some(&lead.email),
                agency: own.map(|m| m.member.agency.as_str()).unwrap_or(""),
                sector: own.map(|m| m.member.sector).unwrap_or(Sector::Other),
                level: own.map(|m| m.member.level.as_str()).unwrap_or("state"),
                role: TeamRole::Lead,
                invited_at: None,
            },
            now,
        )
        .await?;
        store::grant_once(
            tx,
            lead.id,
            &Grant {
                role: TeamRole::Lead.grant_role(),
                program_id: Some(program.id),
                state_code: Some(code.to_owned()),
            },
            now,
        )
        .await?;
    }
    for m in &application.members {
        let m = &m.member;
        if lead.as_ref().is_some_and(|l| l.email == m.email) {
            continue;
        }
        let (user_id, email, invited_at) = if m.email.is_empty() {
            (None, None, None)
        } else {
            let id = enlist(
                state,
                tx,
                program,
                code,
                &state_name,
                &m.name,
                &m.email,
                TeamRole::Member,
                &user.name,
            )
            .await?;
            (Some(id), Some(m.email.as_str()), Some(now))
        };
        store::add_member(
            tx,
            program.id,
            code,
            &NewRow {
                user_id,
                name: &m.name,
                email,
                agency: &m.agency,
                sector: m.sector,
                level: m.level.as_str(),
                role: TeamRole::Member,
                invited_at,
            },
            now,
        )
        .await?;
    }
    audit::write(
        &mut **tx,
        &Entry::new(user.actor(), ip, "form_team")
            .record("state_team", format!("{}:{code}", program.id))
            .detail(format!(
                "{code} for {} with {} proposed members",
                program.slug,
                application.members.len()
            )),
    )
    .await?;
    Ok(())
}

async fn team_exists(state: &AppState, program: &Program, code: &str) -> Result<(), Refusal> {
    if store::exists(&state.db.pool, program.id, code).await? {
        Ok(())
    } else {
        Err(Refusal::NotFound)
    }
}

async fn member(
    state: &AppState,
    program: &Program,
    code: &str,
    member_id: i64,
) -> Result<(TeamMember, Vec<TeamMember>), Refusal> {
    team_exists(state, program, code).await?;
    let all = store::members(&state.db.pool, program.id, code).await?;
    let one = all
        .iter()
        .find(|m| m.id == member_id)
        .cloned()
        .ok_or(Refusal::NotFound)?;
    Ok((one, all))
}

pub async fn add_member(
    state: &AppState,
    actor: &Actor,
    program: &Program,
    code: &str,
    req: &NewMemberRequest,
) -> Result<i64, Refusal> {
    let (user, ip) = (&actor.user, actor.ip.as_str());
    team_exists(state, program, code).await?;
    let v = check_new_member(req).map_err(Refusal::fields)?;
    let now = now_ms();
    let state_name = crate::program::store::jurisdiction_name(&state.db.pool, code)
        .await?
        .unwrap_or_else(|| code.to_owned());
    let mut tx = state.db.begin().await?;
    let user_id = enlist(
        state,
        &mut tx,
        program,
        code,
        &state_name,
        &v.member.name,
        &v.member.email,
        v.role,
        &user.name,
    )
    .await?;
    let Some(id) = store::add_member(
        &mut tx,
        program.id,
        code,
        &NewRow {
            user_id: Some(user_id),
            name: &v.member.name,
            email: Some(&v.member.email),
            agency: &v.member.agency,
            sector: v.member.sector,
            level: v.member.level.as_str(),
            role: v.role,
            invited_at: Some(now),
        },
        now,
    )
    .await?
    else {
        return Err(Refusal::field(
            "member_email",
            format!("{} is already on this team.", v.member.email),
        ));
    };
    audit::write(
        &mut *tx,
        &Entry::new(user.actor(), ip, "add_team_member")
            .record("team_member", id)
            .detail(format!(
                "{} as {} to {code} in {}",
                v.member.email,
                v.role.as_str(),
                program.slug
            )),
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

pub async fn remove_member(
    state: &AppState,
    actor: &Actor,
    program: &Program,
    code: &str,
    member_id: i64,
) -> Result<(), Refusal> {
    let (user, ip) = (&actor.user, actor.ip.as_str());
    let (m, all) = member(state, program, code, member_id).await?;
    let roles: Vec<(i64, TeamRole)> = all.iter().map(|m| (m.id, m.role)).collect();
    if !keeps_a_lead(&roles, member_id, None) {
        return Err(Refusal::Conflict(format!(
            "{} is the team's only lead. Make someone else a lead first.",
            m.name
        )));
    }
    let mut tx = state.db.begin().await?;
    store::remove_member(&mut tx, member_id).await?;
    if let Some(uid) = m.user_id {
        store::revoke_team_roles(&mut tx, uid, program.id, code).await?;
    }
    audit::write(
        &mut *tx,
        &Entry::new(user.actor(), ip, "remove_team_member")
            .record("team_member", member_id)
            .detail(format!(
                "{} ({}) from {code} in {}",
                m.name, m.email, program.slug
            )),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

pub async fn change_role(
    state: &AppState,
    actor: &Actor,
    program: &Program,
    code: &str,
    member_id: i64,
    role: &str,
) -> Result<(), Refusal> {
    let (user, ip) = (&actor.user, actor.ip.as_str());
    let Some(role) = TeamRole::parse(role) else {
        return Err(Refusal::field("role", "Choose team lead or team member."));
    };
    let (m, all) = member(state, program, code, member_id).await?;
    if m.role == role {
        return Ok(());
    }
    let roles: Vec<(i64, TeamRole)> = all.iter().map(|m| (m.id, m.role)).collect();
    if !keeps_a_lead(&roles, member_id, Some(role)) {
        return Err(Refusal::Conflict(format!(
            "{} is the team's only lead. Make someone else a lead first.",
            m.name
        )));
    }
    let Some(uid) = m.user_id else {
        return Err(Refusal::Conflict(format!(
            "{} has no email address, so cannot sign in to lead. Remove them and add them again with an email.",
            m.name
        )));
    };
    let now = now_ms();
    let mut tx = state.db.begin().await?;
    store::set_role(&mut tx, member_id, role).await?;
    store::revoke_team_roles(&mut tx, uid, program.id, code).await?;
    store::grant_once(
        &mut tx,
        uid,
        &Grant {
            role: role.grant_role(),
            program_id: Some(program.id),
            state_code: Some(code.to_owned()),
        },
        now,
    )
    .await?;
    audit::write(
        &mut *tx,
        &Entry::new(user.actor(), ip, "change_team_role")
            .record("team_member", member_id)
            .detail(format!(
                "{} to {} on {code} in {}",
                m.email,
                role.as_str(),
                program.slug
            )),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

pub async fn reinvite(
    state: &AppState,
    actor: &Actor,
    program: &Program,
    code: &str,
    member_id: i64,
) -> Result<(), Refusal> {
    let (user, ip) = (&actor.user, actor.ip.as_str());
    let (m, _) = member(state, program, code, member_id).await?;
    let Some(uid) = m.user_id else {
        return Err(Refusal::Conflict(format!(
            "{} has no email address. Remove them and add them again with an email.",
            m.name
        )));
    };
    if m.active {
        return Err(Refusal::Conflict(format!(
            "{} has already accepted and can sign in; there is nothing to resend.",
            m.name
        )));
    }
    let state_name = crate::program::store::jurisdiction_name(&state.db.pool, code)
        .await?
        .unwrap_or_else(|| code.to_owned());
    let mut tx = state.db.begin().await?;
    send_link(
        state,
        &mut tx,
        uid,
        &m.email,
        &m.name,
        LinkEmail::Invite {
            inviter: &user.name,
            role: &format!("{} for {state_name} in {}", m.role.label(), program.name),
        },
    )
    .await?;
    store::set_invited(&mut tx, member_id, now_ms()).await?;
    audit::write(
        &mut *tx,
        &Entry::new(user.actor(), ip, "reinvite_team_member")
            .record("team_member", member_id)
            .detail(format!("{} on {code} in {}", m.email, program.slug)),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

pub async fn assign_coach(
    state: &AppState,
    actor: &Actor,
    program: &Program,
    code: &str,
    coach_id: i64,
) -> Result<(), Refusal> {
    let (user, ip) = (&actor.user, actor.ip.as_str());
    team_exists(state, program, code).await?;
    let coaches = store::coaches(&state.db.pool).await?;
    let Some((_, name, email)) = coaches.into_iter().find(|(id, _, _)| *id == coach_id) else {
        return Err(Refusal::field(
            "coach",
            "Choose one of the coaches listed. To add a coach, invite them on the People page first.",
        ));
    };
    let state_name = crate::program::store::jurisdiction_name(&state.db.pool, code)
        .await?
        .unwrap_or_else(|| code.to_owned());
    let mut tx = state.db.begin().await?;
    store::set_coach(&mut tx, program.id, code, coach_id, now_ms()).await?;
    let mail = crate::mail::templates::notice(
        &email,
        &name,
        &format!("You are coaching {state_name} in {}", program.name),
        &[format!(
            "{} assigned you as coach to {state_name}'s state team in {}.",
            user.name, program.name
        )],
        Some(("See the team", &team_link(state, program, code))),
    )
    .map_err(|e| anyhow::anyhow!("email template: {e}"))?;
    crate::mail::enqueue(&mut tx, &mail).await?;
    audit::write(
        &mut *tx,
        &Entry::new(user.actor(), ip, "assign_coach")
            .record("state_team", format!("{}:{code}", program.id))
            .detail(format!("{email} coaches {code} in {}", program.slug)),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

//! Inviting a person: checks the request, creates the account without a
//! password, gives the role, and emails a one-time link to choose a
//! password, all in one transaction. The same rule serves the page, the
//! API and the CLI.

use serde::Deserialize;

use super::policy::Action;
use super::store::{self, LinkPurpose};
use super::{Actor, Grant, Role, secret};
use crate::audit::{self, Entry};
use crate::state::AppState;
use crate::time::now_ms;
use crate::web::{Input, Refusal};

/// What the inviter asked for, as typed.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct InviteRequest {
    #[schema(format = Email)]
    pub email: String,
    pub name: String,
    /// admin, reviewer, coach, sme, federal, state_lead, state_member or partner.
    #[schema(value_type = crate::auth::Role)]
    pub role: String,
    /// The program's short name (slug), for roles inside a program.
    #[serde(default)]
    pub program: Option<String>,
    /// Two-letter postal code, for state team roles and coaches.
    #[serde(default)]
    #[schema(pattern = "^[A-Za-z]{2}$")]
    pub state: Option<String>,
}

/// A checked invitation (program still as a slug).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValidInvite {
    pub email: String,
    pub name: String,
    pub role: Role,
    pub program: Option<String>,
    pub state: Option<String>,
}

pub use crate::web::FieldErrors;

/// The rules that need no database.
pub fn check(req: &InviteRequest) -> Result<ValidInvite, FieldErrors> {
    let mut errors = FieldErrors::new();
    let email = store::normalize_email(&req.email);
    if email.is_empty() {
        errors.push(("email", "Enter the person's email address.".into()));
    } else if !crate::web::text::valid_email(&email) {
        errors.push((
            "email",
            "Enter an email address like name@agency.gov.".into(),
        ));
    }
    let name = req.name.trim().to_owned();
    if name.is_empty() {
        errors.push(("name", "Enter the person's name.".into()));
    } else if name.chars().count() > 120 {
        errors.push(("name", "Use at most 120 characters.".into()));
    }
    crate::web::text::check_one_line(&mut errors, &[("name", &name)]);
    let role = Role::parse(&req.role);
    if role.is_none() {
        errors.push(("role", "Choose a role.".into()));
    }
    let program = req
        .program
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned);
    let state = req
        .state
        .as_deref()
        .map(|s| s.trim().to_uppercase())
        .filter(|s| !s.is_empty());
    if let Some(role) = role {
        if role.needs_state() {
            if program.is_none() {
                errors.push(("program", "Choose the program this role belongs to.".into()));
            }
            if state.is_none() {
                errors.push(("state", "Choose the state this role belongs to.".into()));
            }
        }
        if matches!(role, Role::Reviewer) && program.is_none() {
            errors.push((
                "program",
                "Choose the program whose applications this reviewer scores.".into(),
            ));
        }
    }
    if let Some(s) = &state
        && (s.len() != 2 || !s.chars().all(|c| c.is_ascii_uppercase()))
    {
        errors.push(("state", "Use the two-letter postal code, like CO.".into()));
    }
    match (errors.is_empty(), role) {
        (true, Some(role)) => Ok(ValidInvite {
            email,
            name,
            role,
            program,
            state,
        }),
        _ => Err(errors),
    }
}

/// Creates the account and queues the invitation (administrators);
/// returns the new user id.
pub async fn invite(
    state: &AppState,
    actor: &Actor,
    req: impl Input<InviteRequest>,
) -> Result<i64, Refusal> {
    actor.may(state, Action::ManagePeople).await?;
    let req = req.read()?;
    let (inviter, inviter_name, ip) = (actor.user.actor(), &actor.user.name, &actor.ip);
    let v = check(&req).map_err(Refusal::fields)?;
    let program_id = match &v.program {
        Some(slug) => match crate::program::store::find_by_slug(&state.db.pool, slug).await? {
            Some(p) => Some(p.id),
            None => {
                return Err(Refusal::fields(vec![(
                    "program",
                    "There is no program with that name.".into(),
                )]));
            }
        },
        None => None,
    };
    if let Some(code) = &v.state
        && !crate::program::store::jurisdiction_exists(&state.db.pool, code).await?
    {
        return Err(Refusal::fields(vec![(
            "state",
            "That is not a U.S. state, district or territory code.".into(),
        )]));
    }
    let now = now_ms();
    let mut tx = state.db.begin().await?;
    let user_id = match store::insert_user(&mut *tx, &v.email, &v.name, None, now).await {
        Ok(id) => id,
        Err(e) if crate::db::is_unique_violation(&e) => {
            return Err(Refusal::fields(vec![(
                "email",
                "Someone with this email address already has an account.".into(),
            )]));
        }
        Err(e) => return Err(e.into()),
    };
    let grant = Grant {
        role: v.role,
        program_id,
        state_code: v.state.clone(),
    };
    store::add_grant(&mut *tx, user_id, &grant, now).await?;
    send_link(
        state,
        &mut tx,
        user_id,
        &v.email,
        &v.name,
        LinkEmail::Invite {
            inviter: inviter_name,
            role: &grant.describe(),
        },
    )
    .await?;
    audit::write(
        &mut *tx,
        &Entry::new(inviter, ip, "invite_person")
            .record("user", user_id)
            .detail(format!("{} as {}", v.email, grant.describe())),
    )
    .await?;
    tx.commit().await?;
    Ok(user_id)
}

/// Which email carries a one-time link.
pub enum LinkEmail<'a> {
    /// An administrator invited the person.
    Invite { inviter: &'a str, role: &'a str },
    /// The person asked to reset a forgotten password.
    Reset,
    /// The person registered themselves to apply for a program.
    Register { program: &'a str },
}

/// Creates a one-time link and queues its email in the given transaction.
/// Sends a person a fresh invitation link (administrators), for one who
/// lost theirs or let it expire.
pub async fn reinvite(state: &AppState, actor: &Actor, user_id: i64) -> Result<(), Refusal> {
    actor.may(state, Action::ManagePeople).await?;
    let person = store::find_user(&state.db.pool, user_id)
        .await?
        .ok_or(Refusal::NotFound)?;
    let grants = store::grants_for(&state.db.pool, user_id).await?;
    let role = grants
        .first()
        .map(|g| g.describe())
        .unwrap_or_else(|| "member".into());
    let mut tx = state.db.begin().await?;
    let inviter = &actor.user.name;
    let kind = LinkEmail::Invite {
        inviter,
        role: &role,
    };
    send_link(state, &mut tx, person.id, &person.email, &person.name, kind).await?;
    audit::write(
        &mut *tx,
        &Entry::new(actor.user.actor(), &actor.ip, "reinvite_person")
            .record("user", person.id)
            .detail(person.email.clone()),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

pub async fn send_link(
    state: &AppState,
    tx: &mut crate::db::Tx<'_>,
    user_id: i64,
    email: &str,
    name: &str,
    kind: LinkEmail<'_>,
) -> Result<(), Refusal> {
    let now = now_ms();
    let hours = state.config.invite_valid_hours;
    let token = secret::random_token();
    let purpose = if matches!(kind, LinkEmail::Reset) {
        LinkPurpose::Reset
    } else {
        LinkPurpose::Invite
    };
    store::create_one_time_link(
        &mut **tx,
        &secret::sha256_hex(&token),
        user_id,
        purpose,
        now,
        now + hours as i64 * 3_600_000,
    )
    .await?;
    let link = state.config.link(&format!("/password/set?token={token}"));
    let email = match kind {
        LinkEmail::Invite { inviter, role } => {
            crate::mail::templates::invitation(email, name, inviter, role, &link, hours)
        }
        LinkEmail::Reset => crate::mail::templates::password_reset(email, name, &link, hours),
        LinkEmail::Register { program } => {
            crate::mail::templates::registration(email, name, program, &link, hours)
        }
    }
    .map_err(|e| Refusal::Internal(anyhow::anyhow!("email template: {e}")))?;
    crate::mail::enqueue(tx, &email).await?;
    Ok(())
}

/// Adds an account with a known password, without an invitation (the
/// command line and the demo).
pub async fn add_with_password(
    app: &AppState,
    req: &InviteRequest,
    pw: &str,
) -> Result<i64, Refusal> {
    let v = check(req).map_err(Refusal::fields)?;
    let program_id = match &v.program {
        Some(slug) => Some(
            crate::program::store::find_by_slug(&app.db.pool, slug)
                .await?
                .ok_or_else(|| {
                    Refusal::field("program", format!("there is no program called {slug}"))
                })?
                .id,
        ),
        None => None,
    };
    let hash = super::password::hash(pw.to_owned())
        .await
        .map_err(|e| Refusal::Internal(e.into()))?;
    let now = now_ms();
    let mut tx = app.db.begin().await?;
    let id = match super::store::insert_user(&mut *tx, &v.email, &v.name, Some(&hash), now).await {
        Ok(id) => id,
        Err(e) if crate::db::is_unique_violation(&e) => {
            return Err(Refusal::field(
                "email",
                format!("{} already has an account", v.email),
            ));
        }
        Err(e) => return Err(e.into()),
    };
    let grant = Grant {
        role: v.role,
        program_id,
        state_code: v.state.clone(),
    };
    super::store::add_grant(&mut *tx, id, &grant, now).await?;
    crate::audit::write(
        &mut *tx,
        &crate::audit::Entry::new((None, "command line".into()), "", "add_person")
            .record("user", id)
            .detail(format!("{} as {}", v.email, grant.describe())),
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn req(
        email: &str,
        name: &str,
        role: &str,
        program: Option<&str>,
        state: Option<&str>,
    ) -> InviteRequest {
        InviteRequest {
            email: email.into(),
            name: name.into(),
            role: role.into(),
            program: program.map(Into::into),
            state: state.map(Into::into),
        }
    }

    #[test]
    fn a_good_invitation_is_normalised() {
        let v = check(&req(
            " Lead@CO.gov ",
            " Ana Ruiz ",
            "state_lead",
            Some("acp-2016"),
            Some("co"),
        ))
        .unwrap();
        assert_eq!(v.email, "lead@co.gov");
        assert_eq!(v.name, "Ana Ruiz");
        assert_eq!(v.role, Role::StateLead);
        assert_eq!(v.state.as_deref(), Some("CO"));
    }

    #[test]
    fn each_mistake_is_named_by_field() {
        let fields = |r: InviteRequest| {
            check(&r)
                .unwrap_err()
                .into_iter()
                .map(|(f, _)| f)
                .collect::<Vec<_>>()
        };
        assert_eq!(fields(req("", "A", "admin", None, None)), ["email"]);
        assert_eq!(
            fields(req("not-an-email", "A", "admin", None, None)),
            ["email"]
        );
        assert_eq!(fields(req("a@b.gov", "  ", "admin", None, None)), ["name"]);
        assert_eq!(fields(req("a@b.gov", "A", "king", None, None)), ["role"]);
        assert_eq!(
            fields(req("a@b.gov", "A", "state_member", None, None)),
            ["program", "state"]
        );
        assert_eq!(
            fields(req("a@b.gov", "A", "coach", Some("p"), Some("Colorado"))),
            ["state"]
        );
        assert_eq!(
            fields(req("a@b.gov", "A", "reviewer", None, None)),
            ["program"]
        );
    }
}

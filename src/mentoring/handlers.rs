//! The peer-mentoring page: the confirmed groups with why (everyone in the
//! program), and for the administrator the proposal from the latest
//! snapshots, a button to confirm it as is, and a form to change it.

use std::collections::BTreeMap;

use crate::web::Done;
use crate::web::DoneQuery;
use crate::web::Path;
use crate::web::Query;
use crate::web::notice::notice;
use askama::Template;
use axum::Extension;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

use super::Proposal;
use super::service::{self, ConfirmedGroup, Peers};
use crate::auth::Actor;
use crate::auth::session::Visitor;
use crate::program::store::Program;
use crate::state::{AppState, Routes};
use crate::web::{AppError, Chrome, CsrfForm, Refusal, render};

pub fn routes() -> Routes {
    Routes::new()
        .get("/programs/{slug}/peers", page)
        .post("/programs/{slug}/peers", confirm)
}

/// One state in the form: its code, name and chosen group (0: none).
struct Row {
    code: String,
    name: String,
    group: usize,
}

#[derive(Template)]
#[template(path = "mentoring/peers.html")]
struct PeersPage {
    chrome: Chrome,
    program: Program,
    confirmed: Vec<ConfirmedGroup>,
    /// Only for those who confirm groups.
    proposal: Option<Proposal>,
    /// The form's rows and how many groups to offer.
    rows: Vec<Row>,
    slots: usize,
    /// State code (or "groups") -> message.
    errors: BTreeMap<String, String>,
    /// The viewer's own states in this program.
    mine: Vec<String>,
}

impl PeersPage {
    fn error(&self, code: &str) -> Option<&String> {
        self.errors.get(code)
    }

    fn choices(&self) -> Vec<usize> {
        (1..=self.slots).collect()
    }

    fn is_mine(&self, g: &ConfirmedGroup) -> bool {
        self.mine.iter().any(|c| g.has(c))
    }

    fn when(&self, ms: &i64) -> String {
        crate::time::format_in_zone(*ms, &self.program.time_zone)
    }

    /// The proposal as the form's hidden fields: (state code, group number).
    fn proposed_fields(&self) -> Vec<(String, usize)> {
        let Some(p) = &self.proposal else {
            return vec![];
        };
        self.rows
            .iter()
            .map(|r| {
                let n = p
                    .groups
                    .iter()
                    .position(|g| g.states.iter().any(|m| m.state_code == r.code))
                    .map_or(0, |i| i + 1);
                (r.code.clone(), n)
            })
            .collect()
    }
}

/// Builds the page; `chosen` is what the form shows (state code -> group number).
#[allow(clippy::too_many_arguments)]
async fn build(
    state: &AppState,
    visitor: &Visitor,
    actor: &Actor,
    program: Program,
    chosen: Option<BTreeMap<String, usize>>,
    mut errors: BTreeMap<String, String>,
    done: &str,
) -> Result<PeersPage, AppError> {
    let (
        cohort,
        Peers {
            confirmed,
            proposal,
        },
    ) = service::peers(state, actor, &program).await?;
    // A state the program has no team for is named at the top.
    if let Some((code, message)) = errors
        .iter()
        .find(|(c, _)| *c != "groups" && !cohort.states.iter().any(|s| &s.code == *c))
        .map(|(c, m)| (c.clone(), m.clone()))
    {
        errors.remove(&code);
        errors.insert("groups".into(), message);
    }
    let chosen = chosen.unwrap_or_else(|| {
        let mut m = BTreeMap::new();
        if !confirmed.is_empty() {
            for (i, g) in confirmed.iter().enumerate() {
                for s in &g.states {
                    m.insert(s.state_code.clone(), i + 1);
                }
            }
        } else if let Some(p) = &proposal {
            for (i, g) in p.groups.iter().enumerate() {
                for s in &g.states {
                    m.insert(s.state_code.clone(), i + 1);
                }
            }
        }
        m
    });
    let rows: Vec<Row> = cohort
        .states
        .iter()
        .map(|s| Row {
            code: s.code.clone(),
            name: s.name.clone(),
            group: chosen.get(&s.code).copied().unwrap_or(0),
        })
        .collect();
    let slots = (rows.len() / 2)
        .max(rows.iter().map(|r| r.group).max().unwrap_or(0))
        .max(1);
    let mine = actor
        .user
        .grants
        .iter()
        .filter(|g| g.program_id == Some(program.id))
        .filter_map(|g| g.state_code.clone())
        .collect();
    let path = format!("/programs/{}/peers", program.slug);
    let chrome = Chrome::new(visitor, format!("Peer mentoring: {}", program.name), &path)
        .with_notice(notice(done));
    Ok(PeersPage {
        chrome,
        program,
        confirmed,
        proposal,
        rows,
        slots,
        errors,
        mine,
    })
}

async fn page(
    State(state): State<AppState>,
    Extension(visitor): Extension<Visitor>,
    Path(slug): Path<String>,
    Query(done): Query<DoneQuery>,
) -> Result<Response, AppError> {
    let actor = visitor.signed_in()?;
    let program = service::open(&state, &actor, &slug, service::may_view).await?;
    let page = build(
        &state,
        &visitor,
        &actor,
        program,
        None,
        BTreeMap::new(),
        &done.done,
    )
    .await?;
    Ok(render(page)?.into_response())
}

async fn confirm(
    State(state): State<AppState>,
    Extension(visitor): Extension<Visitor>,
    Path(slug): Path<String>,
    CsrfForm(pairs): CsrfForm<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    let actor = visitor.signed_in()?;
    let program = service::open(&state, &actor, &slug, service::may_manage).await?;
    // group-CO=2: Colorado in group 2; 0 or empty: in no group.
    let mut chosen: BTreeMap<String, usize> = BTreeMap::new();
    let mut errors: BTreeMap<String, String> = BTreeMap::new();
    for (name, value) in &pairs {
        let Some(code) = name.strip_prefix("group-") else {
            continue;
        };
        let code = code.trim().to_uppercase();
        match value.trim() {
            "" => {}
            v => match v.parse::<usize>() {
                Ok(n) => {
                    if n > 0 {
                        chosen.insert(code, n);
                    }
                }
                Err(_) => {
                    errors.insert(code, "Choose a group number from the list.".into());
                }
            },
        }
    }
    let mut by_number: BTreeMap<usize, Vec<String>> = BTreeMap::new();
    for (code, n) in &chosen {
        by_number.entry(*n).or_default().push(code.clone());
    }
    let groups: Vec<Vec<String>> = by_number.into_values().collect();
    if errors.is_empty() {
        match service::confirm(&state, &actor, &program, &groups).await {
            Ok(_) => return Ok(Done::PeersConfirmed.redirect(&format!("/programs/{slug}/peers"))),
            Err(Refusal::Invalid(problems)) => {
                for (field, message) in problems {
                    for code in states_named(&field, &groups) {
                        errors.entry(code).or_insert_with(|| message.clone());
                    }
                }
            }
            Err(e) => return Err(e.into()),
        }
    }
    let page = build(&state, &visitor, &actor, program, Some(chosen), errors, "").await?;
    Ok((StatusCode::UNPROCESSABLE_ENTITY, render(page)?).into_response())
}

/// The states an error's field names: `groups[i]` is every state of group
/// i, `groups[i][j]` one of them.
fn states_named(field: &str, groups: &[Vec<String>]) -> Vec<String> {
    let indices: Vec<usize> = field
        .split(['[', ']'])
        .filter_map(|p| p.parse().ok())
        .collect();
    match indices.as_slice() {
        [g] => groups.get(*g).cloned().unwrap_or_default(),
        [g, i] => groups
            .get(*g)
            .and_then(|grp| grp.get(*i))
            .cloned()
            .into_iter()
            .collect(),
        _ => vec!["groups".to_owned()],
    }
}

#[cfg(test)]
mod tests {
    use super::states_named;

    #[test]
    fn error_fields_point_at_the_states() {
        let groups = vec![
            vec!["CO".to_string(), "KS".to_string()],
            vec!["MN".to_string()],
        ];
        assert_eq!(states_named("groups[1]", &groups), ["MN"]);
        assert_eq!(states_named("groups[0][1]", &groups), ["KS"]);
        assert_eq!(states_named("groups[0]", &groups), ["CO", "KS"]);
        assert_eq!(states_named("other", &groups), ["groups"]);
    }
}

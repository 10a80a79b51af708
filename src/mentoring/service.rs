//! Peer mentoring steps shared by the pages and the API: the proposal from
//! each state's latest snapshot, the confirmed groups, and confirming
//! (checked, in one transaction, audited).

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;

use super::{Assessed, Member, Proposal, StateInput, check_groups, propose, reason, store};
use crate::assessment::{element_scores, ranked_priorities, service as assessment, store as snaps};
use crate::audit::{self, Entry};
use crate::auth::Actor;
use crate::auth::policy::Action;
use crate::program::store::Program;
use crate::state::AppState;
use crate::time::now_ms;
use crate::web::Refusal;

pub fn may_view(program_id: i64) -> Action {
    Action::ViewPeerGroups { program_id }
}

pub fn may_manage(program_id: i64) -> Action {
    Action::ManagePeerGroups { program_id }
}

/// The program, if the actor may do `action` to its peer groups.
pub async fn open(
    state: &AppState,
    actor: &Actor,
    slug: &str,
    action: fn(i64) -> Action,
) -> Result<Program, Refusal> {
    let program = crate::program::load(state, slug).await?;
    actor.may(state, action(program.id)).await?;
    Ok(program)
}

/// The program's peer-mentoring groups.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Peers {
    /// The groups the administrator confirmed, with why.
    pub confirmed: Vec<ConfirmedGroup>,
    /// The groups proposed from each state's latest snapshot, and the
    /// states left to place by hand; only for those who confirm groups
    /// (the administrator), null for everyone else.
    pub proposal: Option<Proposal>,
}

/// What the actor sees of the program's groups (opened with `may_view`
/// or `may_manage`), with the cohort they are drawn from.
pub async fn peers(
    state: &AppState,
    actor: &Actor,
    program: &Program,
) -> Result<(Cohort, Peers), Refusal> {
    let cohort = cohort(state, program).await?;
    let confirmed = confirmed(state, program, &cohort).await?;
    let proposal = actor
        .allows(&may_manage(program.id))
        .then(|| propose(&cohort.states, &cohort.elements));
    Ok((
        cohort,
        Peers {
            confirmed,
            proposal,
        },
    ))
}

/// Every state of the program with its latest snapshot, and the
/// instrument's element names (key -> name).
pub struct Cohort {
    pub states: Vec<StateInput>,
    pub elements: BTreeMap<String, String>,
}

impl Cohort {
    pub fn names(&self) -> BTreeMap<String, String> {
        self.states
            .iter()
            .map(|s| (s.code.clone(), s.name.clone()))
            .collect()
    }

    fn member(&self, code: &str) -> Member {
        Member {
            state_code: code.to_owned(),
            state_name: self
                .states
                .iter()
                .find(|s| s.code == code)
                .map(|s| s.name.clone())
                .unwrap_or_else(|| code.to_owned()),
        }
    }

    /// Why these states are together: the proposal's words when it proposed
    /// exactly them, otherwise the same rules' words for this group.
    pub fn reason_for(&self, proposal: &Proposal, codes: &[String]) -> String {
        if let Some(g) = proposal.group_of(codes) {
            return g.reason.clone();
        }
        let chosen: Vec<&StateInput> = codes
            .iter()
            .filter_map(|c| self.states.iter().find(|s| &s.code == c))
            .collect();
        reason(&chosen, &self.elements)
    }
}

/// Reads every state's latest snapshot: scores and ranked priorities.
pub async fn cohort(state: &AppState, program: &Program) -> Result<Cohort, Refusal> {
    cohort_as_of(state, program, None).await
}

/// Like [`cohort`], from the snapshots taken by `as_of` (Unix ms) when given.
pub async fn cohort_as_of(
    state: &AppState,
    program: &Program,
    as_of: Option<i64>,
) -> Result<Cohort, Refusal> {
    let pool = &state.db.pool;
    let instrument = assessment::instrument(state, &state.frameworks, program).await?;
    let teams = crate::team::store::teams(pool, program.id).await?;
    let snapshots = snaps::program_snapshots(pool, program.id).await?;
    // The latest of each state (they come oldest first).
    let mut latest: BTreeMap<String, i64> = BTreeMap::new();
    for s in snapshots
        .iter()
        .filter(|s| as_of.is_none_or(|t| s.taken_at <= t))
    {
        latest.insert(s.state_code.clone(), s.id);
    }
    let ids: Vec<i64> = latest.values().copied().collect();
    let ratings = state.frozen.of(pool, &ids).await?;
    let scale = &instrument.scale;
    let states = teams
        .into_iter()
        .map(|(code, name)| {
            let assessed = latest.get(&code).map(|id| {
                let empty = BTreeMap::new();
                let frozen = crate::assessment::instrument::frozen(
                    &instrument,
                    ratings.get(id).map(|r| r.as_ref()).unwrap_or(&empty),
                );
                Assessed {
                    scores: element_scores(scale, &frozen)
                        .into_iter()
                        .filter_map(|e| e.score.map(|s| (e.key, s)))
                        .collect(),
                    priorities: ranked_priorities(scale, &frozen)
                        .into_iter()
                        .map(|p| p.element_key)
                        .collect(),
                }
            });
            StateInput {
                code,
                name,
                assessed,
            }
        })
        .collect();
    let elements = instrument
        .elements()
        .into_iter()
        .map(|e| (e.key, e.name))
        .collect();
    Ok(Cohort { states, elements })
}

/// A confirmed group with its states' names.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ConfirmedGroup {
    pub states: Vec<Member>,
    pub reason: String,
    /// Who confirmed it.
    pub confirmed_by: Option<String>,
    /// Unix milliseconds.
    pub confirmed_at: i64,
}

impl ConfirmedGroup {
    pub fn names(&self) -> String {
        super::join(
            &self
                .states
                .iter()
                .map(|m| m.state_name.as_str())
                .collect::<Vec<_>>(),
        )
    }

    pub fn has(&self, code: &str) -> bool {
        self.states.iter().any(|m| m.state_code == code)
    }
}

pub async fn confirmed(
    state: &AppState,
    program: &Program,
    cohort: &Cohort,
) -> Result<Vec<ConfirmedGroup>, Refusal> {
    Ok(store::confirmed(&state.db.pool, program.id)
        .await?
        .into_iter()
        .map(|g| ConfirmedGroup {
            states: g.states.iter().map(|c| cohort.member(c)).collect(),
            reason: g.reason,
            confirmed_by: g.confirmed_by,
            confirmed_at: g.confirmed_at,
        })
        .collect())
}

/// Confirms these groups (state codes), replacing those confirmed before,
/// all or nothing. Errors name `groups[i]` or `groups[i][j]`. Answers the
/// number of groups.
pub async fn confirm(
    state: &AppState,
    actor: &Actor,
    program: &Program,
    groups: &[Vec<String>],
) -> Result<usize, Refusal> {
    let cohort = cohort(state, program).await?;
    let teams: BTreeSet<String> = cohort.states.iter().map(|s| s.code.clone()).collect();
    let names = cohort.names();
    let groups = check_groups(groups, &teams).map_err(|problems| {
        Refusal::Invalid(
            problems
                .iter()
                .map(|p| (p.field(), p.message(&names)))
                .collect(),
        )
    })?;
    let proposal = propose(&cohort.states, &cohort.elements);
    let with_reasons: Vec<(Vec<String>, String)> = groups
        .into_iter()
        .map(|codes| {
            let why = cohort.reason_for(&proposal, &codes);
            (codes, why)
        })
        .collect();
    let mut tx = state.db.begin().await?;
    let by = Some(actor.user.id);
    store::replace(&mut tx, program.id, &with_reasons, by, now_ms()).await?;
    audit::write(
        &mut *tx,
        &Entry::new(actor.user.actor(), &actor.ip, "confirm_peer_groups")
            .record("program", program.id)
            .detail(format!(
                "{} groups in {}: {}",
                with_reasons.len(),
                program.slug,
                with_reasons
                    .iter()
                    .map(|(c, _)| c.join("+"))
                    .collect::<Vec<_>>()
                    .join(", ")
            )),
    )
    .await?;
    tx.commit().await?;
    Ok(with_reasons.len())
}

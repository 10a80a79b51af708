//! A program's page as the hub of the program for the person looking at
//! it: a link to each part they may open, with where it stands in words.

use jiff::civil::Date;

use super::store;
use crate::assessment::SnapshotKind;
use crate::auth::policy::{self, Action};
use crate::auth::{CurrentUser, Role};
use crate::program::store::ProgramDetail;
use crate::report::participation::{self, YearMonth};
use crate::state::AppState;
use crate::web::refusal::Refusal;

/// One part of the program: where it is, and where it stands.
#[derive(Debug, Clone, PartialEq)]
pub struct HubLink {
    pub href: String,
    pub label: String,
    pub status: String,
}

/// Where a state's assessment stands: the snapshots frozen, and the next
/// one due ("Baseline frozen October 20, 2026; mid-year due in March 2027").
pub fn assessment_status(
    taken: &[(SnapshotKind, Date)],
    due: &[(SnapshotKind, YearMonth); 3],
) -> String {
    let frozen: Vec<String> = taken
        .iter()
        .map(|(kind, on)| format!("{} frozen {}", kind.label(), super::long_date(*on)))
        .collect();
    let next = due
        .iter()
        .find(|(kind, _)| !taken.iter().any(|(k, _)| k == kind))
        .map(|(kind, month)| format!("{} due in {}", kind.label().to_lowercase(), month.label()));
    match (frozen.is_empty(), next) {
        (true, Some(next)) => format!("Rating under way; {next}"),
        (true, None) => "Rating under way".to_owned(),
        (false, Some(next)) => format!("{}; {next}", frozen.join("; ")),
        (false, None) => format!("{}. All snapshots are frozen.", frozen.join("; ")),
    }
}

/// The links of the program's page for this person, in the order of the
/// year: application, team, assessment, results, plan, activities,
/// participation, peers, forum, dashboard, reports.
pub async fn for_program(
    state: &AppState,
    user: &CurrentUser,
    detail: &ProgramDetail,
    now: i64,
) -> Result<Vec<HubLink>, Refusal> {
    let pool = &state.db.pool;
    let program = &detail.program;
    let slug = &program.slug;
    let zone = jiff::tz::TimeZone::get(&program.time_zone).unwrap_or(jiff::tz::TimeZone::UTC);
    let today = participation::local_date(now, &zone);
    let allows = |a: Action| policy::allows(user, &a);
    let mut out = Vec::new();

    // The lead's application (whether or not the state was selected).
    for g in &user.grants {
        if let (Role::StateLead, Some(p), Some(code)) = (g.role, g.program_id, &g.state_code)
            && p == program.id
        {
            let status = match store::application_state(pool, program.id, code).await? {
                None => "Not started".to_owned(),
                Some((_, Some(decision))) => match decision.as_str() {
                    "selected" => "Selected".to_owned(),
                    "waitlisted" => "On the waiting list".to_owned(),
                    _ => "Not selected this year".to_owned(),
                },
                Some((status, None)) => match status.as_str() {
                    "draft" => "Draft, not submitted".to_owned(),
                    "submitted" => "Submitted; waiting for the decision".to_owned(),
                    _ => "Withdrawn".to_owned(),
                },
            };
            out.push(HubLink {
                href: format!("/programs/{slug}/application"),
                label: "Your state's application".to_owned(),
                status,
            });
        }
    }

    // The states the person is on the team of or coaches, in the cohort.
    let teams = crate::team::store::teams(pool, program.id).await?;
    let cohort_view = user.within_cohort();
    let mut mine: Vec<(String, String)> = Vec::new();
    for g in &cohort_view.grants {
        if let (Role::StateLead | Role::StateMember | Role::Coach, Some(p), Some(code)) =
            (g.role, g.program_id, &g.state_code)
            && p == program.id
            && let Some((_, name)) = teams.iter().find(|(c, _)| c == code)
            && !mine.iter().any(|(c, _)| c == code)
        {
            mine.push((code.clone(), name.clone()));
        }
    }
    let period = participation::ta_period(&detail.timeline, program.start_year as i16);
    let due = crate::report::dashboard::snapshots_due(&detail.timeline, period);
    let plans = crate::report::store::plan_progress(pool, program.id, &today.to_string()).await?;
    for (code, name) in &mine {
        let whose = if mine.len() > 1 {
            format!("{name}'s ")
        } else {
            "Your state's ".to_owned()
        };
        let code = code.clone();
        if allows(Action::ViewStateTeam {
            program_id: program.id,
            state_code: code.clone(),
        }) {
            let members = crate::team::store::members(pool, program.id, &code).await?;
            let waiting = members
                .iter()
                .filter(|m| m.invited_at.is_some() && !m.active)
                .count();
            let mut status = super::count(members.len(), "member", "members");
            if waiting > 0 {
                status.push_str(&format!(
                    "; {} not accepted the invitation yet",
                    super::count(waiting, "has", "have")
                ));
            }
            out.push(HubLink {
                href: format!("/programs/{slug}/teams/{code}"),
                label: format!("{whose}team"),
                status,
            });
        }
        if allows(Action::ViewAssessment {
            program_id: program.id,
            state_code: code.clone(),
        }) {
            let taken: Vec<(SnapshotKind, Date)> =
                crate::assessment::store::snapshots(pool, program.id, &code)
                    .await?
                    .into_iter()
                    .map(|s| (s.kind, participation::local_date(s.taken_at, &zone)))
                    .collect();
            let has_results = !taken.is_empty();
            out.push(HubLink {
                href: format!("/programs/{slug}/assessment/{code}"),
                label: format!("{whose}readiness assessment"),
                status: assessment_status(&taken, &due),
            });
            if has_results {
                out.push(HubLink {
                    href: format!("/programs/{slug}/assessment/{code}/results"),
                    label: format!("{whose}results"),
                    status: "Element scores, gaps and priorities from the latest snapshot"
                        .to_owned(),
                });
            }
        }
        if allows(Action::ViewPlan {
            program_id: program.id,
            state_code: code.clone(),
        }) {
            let status = match plans.get(&code) {
                Some((steps, done, overdue)) => crate::report::dashboard::PlanProgress {
                    steps: *steps as u32,
                    done: *done as u32,
                    overdue: *overdue as u32,
                }
                .text(),
                None => "No plan steps yet".to_owned(),
            };
            out.push(HubLink {
                href: format!("/programs/{slug}/plans/{code}"),
                label: format!("{whose}action plan"),
                status,
            });
        }
    }

    if allows(Action::ViewProgram {
        program_id: program.id,
    }) {
        let coming = crate::report::store::coming_activities(pool, program.id, now).await?;
        let next = coming
            .iter()
            .find(|a| mine.is_empty() || mine.iter().any(|(c, _)| *c == a.state_code));
        out.push(HubLink {
            href: format!("/programs/{slug}/activities"),
            label: "Activities".to_owned(),
            status: match next {
                Some(a) => format!(
                    "Next: {}, {}",
                    a.title,
                    super::long_date(participation::local_date(a.starts_at, &zone))
                ),
                None => "Nothing scheduled".to_owned(),
            },
        });
    }
    if allows(Action::ViewPeerGroups {
        program_id: program.id,
    }) && !teams.is_empty()
    {
        let status = match mine.first() {
            Some((code, _)) if mine.len() == 1 => {
                match crate::mentoring::store::peers_of(pool, program.id, code).await? {
                    Some((names, _)) => {
                        let names: Vec<&str> = names.iter().map(String::as_str).collect();
                        format!("Paired with {}", super::list(&names))
                    }
                    None => "No peer group confirmed yet".to_owned(),
                }
            }
            _ => {
                let groups = crate::mentoring::store::confirmed(pool, program.id).await?;
                if groups.is_empty() {
                    "No peer groups confirmed yet".to_owned()
                } else {
                    format!(
                        "{} confirmed",
                        super::count(groups.len(), "group", "groups")
                    )
                }
            }
        };
        out.push(HubLink {
            href: format!("/programs/{slug}/peers"),
            label: "Peer mentoring".to_owned(),
            status,
        });
    }
    if allows(Action::ViewForum {
        program_id: program.id,
    }) {
        out.push(HubLink {
            href: format!("/programs/{slug}/forum"),
            label: "Forum".to_owned(),
            status: "Questions and answers among the cohort's teams and coaches".to_owned(),
        });
    }
    if allows(Action::ViewParticipation {
        program_id: program.id,
    }) {
        out.push(HubLink {
            href: format!("/programs/{slug}/participation"),
            label: "Participation".to_owned(),
            status: "Each state's commitments, month by month".to_owned(),
        });
    }
    if allows(Action::ViewCohort {
        program_id: program.id,
    }) {
        out.push(HubLink {
            href: format!("/programs/{slug}/cohort"),
            label: "Readiness across the cohort".to_owned(),
            status: "Every state's element scores side by side".to_owned(),
        });
    }
    if allows(Action::ViewDashboard {
        program_id: program.id,
    }) {
        out.push(HubLink {
            href: format!("/programs/{slug}/dashboard"),
            label: "Program dashboard".to_owned(),
            status: "Every state at a glance, those needing attention first".to_owned(),
        });
        out.push(HubLink {
            href: format!("/programs/{slug}/report"),
            label: "Program report".to_owned(),
            status: "For the federal officer: on the web, printable, or as a spreadsheet"
                .to_owned(),
        });
    }
    if allows(Action::ViewReviews {
        program_id: program.id,
    }) && !allows(Action::RunSelection {
        program_id: program.id,
    }) {
        let left = store::reviews_to_score(pool, user.id)
            .await?
            .iter()
            .filter(|(p, _, _)| *p == program.id)
            .count();
        out.push(HubLink {
            href: format!("/programs/{slug}/reviews"),
            label: "Applications to review".to_owned(),
            status: if left == 0 {
                "Nothing left to score".to_owned()
            } else {
                format!(
                    "{} still to score",
                    super::count(left, "application", "applications")
                )
            },
        });
    }
    if allows(Action::RunSelection {
        program_id: program.id,
    }) {
        let waiting = store::undecided_applications(pool)
            .await?
            .into_iter()
            .find(|(p, _)| *p == program.id)
            .map_or(0, |(_, n)| n as usize);
        out.push(HubLink {
            href: format!("/programs/{slug}/selection"),
            label: "Review and selection".to_owned(),
            status: if waiting == 0 {
                "No application waiting for a decision".to_owned()
            } else {
                format!(
                    "{} waiting for a decision",
                    super::count(waiting, "application is", "applications are")
                )
            },
        });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    fn due() -> [(SnapshotKind, YearMonth); 3] {
        [
            (SnapshotKind::Baseline, YearMonth::new(2026, 10)),
            (SnapshotKind::MidYear, YearMonth::new(2027, 3)),
            (SnapshotKind::Final, YearMonth::new(2027, 8)),
        ]
    }

    #[test]
    fn the_assessment_says_what_is_frozen_and_what_is_due_next() {
        assert_eq!(
            assessment_status(&[], &due()),
            "Rating under way; baseline due in October 2026"
        );
        assert_eq!(
            assessment_status(&[(SnapshotKind::Baseline, date(2026, 10, 12))], &due()),
            "Baseline frozen October 12, 2026; mid-year due in March 2027"
        );
        assert_eq!(
            assessment_status(
                &[
                    (SnapshotKind::Baseline, date(2026, 10, 12)),
                    (SnapshotKind::MidYear, date(2027, 3, 2)),
                    (SnapshotKind::Final, date(2027, 8, 20)),
                ],
                &due()
            ),
            "Baseline frozen October 12, 2026; Mid-year frozen March 2, 2027; Final frozen August 20, 2027. All snapshots are frozen."
        );
    }
}

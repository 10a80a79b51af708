//! Builds the participation table, the dashboard and the reports from the
//! program's year: a fixed number of queries for the whole program, then
//! plain functions. "Now" is a parameter, so tests can pick the day.

use std::collections::BTreeMap;

use jiff::civil::Date;
use serde::Serialize;

use super::dashboard::{self, Facts, PlanProgress, Topic};
use super::glance::{self, DashboardRow, ElementHead, NextActivity};
use super::participation::{self, Participation, StateParticipation, Status, Tracked, YearMonth};
use super::store::{self, ActivityStateRow};
use crate::assessment::chart::{self, ElementTrend, Trend};
use crate::assessment::frozen::SnapshotRatings;
use crate::assessment::instrument::Instrument;
use crate::assessment::instrument::frozen;
use crate::assessment::store::Snapshot;
use crate::assessment::{
    ElementScore, RankedPriority, Rating, SnapshotKind, element_scores_from, ranked_priorities,
};
use crate::auth::Actor;
use crate::auth::policy::Action;
use crate::program::store::{Program, ProgramDetail};
use crate::state::AppState;
use crate::web::Refusal;

/// An activity kind in words.
pub fn kind_label(kind: &str) -> &'static str {
    match kind {
        "kickoff" => "Kick-off meeting",
        "coaching_call" => "Coaching call",
        "site_visit" => "Site visit",
        "webinar" => "Webinar",
        "planning_session" => "Planning session",
        "peer_session" => "Peer mentoring session",
        "sme_consultation" => "Consultation with an expert",
        _ => "Activity",
    }
}

fn step_status_label(status: &str) -> &'static str {
    match status {
        "not_started" => "Not started",
        "in_progress" => "In progress",
        "done" => "Done",
        "blocked" => "Blocked",
        _ => "Unknown",
    }
}

fn zone(name: &str) -> jiff::tz::TimeZone {
    jiff::tz::TimeZone::get(name).unwrap_or(jiff::tz::TimeZone::UTC)
}

/// The instant and day a program is judged at: `now` while its year runs
/// (or before it starts: what is to come shows as upcoming), and the end of
/// its last day once it has ended, with that day.
fn judged(detail: &ProgramDetail, now: i64, tz: &jiff::tz::TimeZone) -> (i64, Date, Option<Date>) {
    let period = participation::ta_period(&detail.timeline, detail.program.start_year as i16);
    let (first, last) = participation::period_days(period);
    let (stage, day) = participation::judged_on(participation::local_date(now, tz), first, last);
    if stage != participation::YearStage::Ended {
        return (now, day, None);
    }
    let end = day
        .at(23, 59, 59, 999_000_000)
        .to_zoned(tz.clone())
        .map(|z| z.timestamp().as_millisecond())
        .unwrap_or(now);
    (end, day, Some(day))
}

/// The day participation is judged on: once the year has ended, the day
/// after its last, so its last month counts as closed.
fn closing_day(today: Date, ended: Option<Date>) -> Date {
    match ended {
        Some(last) => last.tomorrow().unwrap_or(last),
        None => today,
    }
}

/// "August 31, 2017".
pub fn long_day(d: Date) -> String {
    d.strftime("%B %-d, %Y").to_string()
}

fn day_label(d: Date) -> String {
    d.strftime("%b %-d, %Y").to_string()
}

/// Everything read for the program's year, once.
struct Year {
    detail: ProgramDetail,
    instrument: Instrument,
    /// (code, name), by name.
    teams: Vec<(String, String)>,
    now: i64,
    today: Date,
    /// The day months are judged closed on: `today`, or the day after the
    /// year's last once it has ended.
    closing: Date,
    period: (YearMonth, YearMonth),
    tracked: Vec<Tracked>,
    activities: Vec<ActivityStateRow>,
    participation: Participation,
    snapshots: Vec<Snapshot>,
    /// Ratings of each state's latest snapshot (and of all its snapshots
    /// when asked for, for the reports).
    ratings: BTreeMap<i64, SnapshotRatings>,
    /// Each element's short name for the charts, by key.
    short_names: BTreeMap<String, String>,
    rating_states: Vec<String>,
    plans: BTreeMap<String, (i64, i64, i64)>,
}

impl Year {
    fn own_snapshots(&self, code: &str) -> Vec<&Snapshot> {
        self.snapshots
            .iter()
            .filter(|s| s.state_code == code)
            .collect()
    }

    fn latest(&self, code: &str) -> Option<&Snapshot> {
        self.own_snapshots(code).into_iter().last()
    }

    fn ratings_of(&self, snapshot: &Snapshot) -> Option<&BTreeMap<i64, Rating>> {
        self.ratings.get(&snapshot.id).map(|r| r.as_ref())
    }

    fn scores(&self, snapshot: &Snapshot) -> Vec<ElementScore> {
        let empty = BTreeMap::new();
        element_scores_from(
            &self.instrument.scale,
            &self.instrument.indicators,
            self.ratings_of(snapshot).unwrap_or(&empty),
        )
    }

    fn priorities(&self, snapshot: &Snapshot) -> Vec<RankedPriority> {
        let empty = BTreeMap::new();
        ranked_priorities(
            &self.instrument.scale,
            &frozen(
                &self.instrument,
                self.ratings_of(snapshot).unwrap_or(&empty),
            ),
        )
    }

    fn participation_of(&self, code: &str) -> Option<&StateParticipation> {
        self.participation
            .states
            .iter()
            .find(|s| s.state_code == code)
    }
}

async fn year(state: &AppState, slug: &str, now: i64, baselines: bool) -> Result<Year, Refusal> {
    let pool = &state.db.pool;
    let detail = crate::program::store::detail(pool, &state.frameworks, slug)
        .await?
        .ok_or(Refusal::NotFound)?;
    let program = &detail.program;
    let instrument =
        crate::assessment::service::instrument(state, &state.frameworks, program).await?;
    let teams = crate::team::store::teams(pool, program.id).await?;
    let tz = zone(&program.time_zone);
    let (now, today, ended) = judged(&detail, now, &tz);
    let period = participation::ta_period(&detail.timeline, program.start_year as i16);
    let tracked = participation::tracked(&detail.commitments, &detail.timeline, period);
    // Participation needs only the held activities' kind, time and
    // attendance; the dashboard only the coming ones beside; the reports
    // list every activity with its title and place.
    let held = store::held_activities(pool, program.id).await?;
    let activities = if baselines {
        store::activities(pool, program.id, None).await?
    } else {
        store::coming_activities(pool, program.id, now).await?
    };
    let day = closing_day(today, ended);
    let counted = participation::counted(&held, &tz, day);
    let mut participation = participation::participation(&teams, &tracked, period, &counted, day);
    participation.today = today.to_string();
    participation.year_ended = ended.map(long_day);
    let snapshots = crate::assessment::store::program_snapshots(pool, program.id).await?;
    let mut wanted: Vec<i64> = Vec::new();
    for (code, _) in &teams {
        let own: Vec<&Snapshot> = snapshots.iter().filter(|s| &s.state_code == code).collect();
        if baselines {
            // The reports show every snapshot's scores (three at most).
            wanted.extend(own.iter().map(|s| s.id));
        } else if let Some(s) = own.last() {
            wanted.push(s.id);
        }
    }
    let ratings = state.frozen.of(pool, &wanted).await?;
    let rating_states = store::rating_states(pool, program.id).await?;
    let short_names = instrument.short_names(&state.frameworks);
    let plans = store::plan_progress(pool, program.id, &today.to_string()).await?;
    Ok(Year {
        detail,
        instrument,
        teams,
        now,
        today,
        closing: day,
        period,
        tracked,
        activities,
        participation,
        snapshots,
        ratings,
        short_names,
        rating_states,
        plans,
    })
}

// ----- participation -----

/// Every state's participation (those `visible` says), judged at `now`.
pub async fn participation(
    state: &AppState,
    slug: &str,
    now: i64,
    visible: impl Fn(&str) -> bool,
) -> Result<(ProgramDetail, Participation), Refusal> {
    let pool = &state.db.pool;
    let detail = crate::program::store::detail(pool, &state.frameworks, slug)
        .await?
        .ok_or(Refusal::NotFound)?;
    let program = &detail.program;
    let tz = zone(&program.time_zone);
    let (_, today, ended) = judged(&detail, now, &tz);
    let period = participation::ta_period(&detail.timeline, program.start_year as i16);
    let tracked = participation::tracked(&detail.commitments, &detail.timeline, period);
    let teams: Vec<(String, String)> = crate::team::store::teams(pool, program.id)
        .await?
        .into_iter()
        .filter(|(code, _)| visible(code))
        .collect();
    let held = store::held_activities(pool, program.id).await?;
    let day = closing_day(today, ended);
    let counted = participation::counted(&held, &tz, day);
    let mut p = participation::participation(&teams, &tracked, period, &counted, day);
    p.today = today.to_string();
    p.year_ended = ended.map(long_day);
    Ok((detail, p))
}

// ----- the dashboard -----

impl DashboardRow {
    /// "2 coaching calls missed; 3 plan steps overdue; no mid-year snapshot".
    pub fn reasons_text(&self) -> String {
        self.reasons.join("; ")
    }
}

/// The program dashboard.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct Dashboard {
    pub program_slug: String,
    pub program_name: String,
    /// The day it is judged on, on the program's clock.
    pub today: String,
    /// The year's last day in words, once the year has ended.
    pub year_ended: Option<String>,
    pub elements: Vec<ElementHead>,
    /// States needing attention first.
    pub rows: Vec<DashboardRow>,
    /// The cohort's most common top-three priorities (elements), as suggested webinar topics.
    pub topics: Vec<Topic>,
    /// The strategies most often among the states' three largest gaps.
    pub strategy_topics: Vec<Topic>,
}

fn dashboard_of(year: &Year, visible: &dyn Fn(&str) -> bool) -> Dashboard {
    let program = &year.detail.program;
    let due = dashboard::snapshots_due(&year.detail.timeline, year.period);
    let now_month = YearMonth::of(year.closing);
    let ta_months = YearMonth::range(year.period.0, year.period.1);
    // No month is current once the year has ended.
    let current = year
        .participation
        .year_ended
        .is_none()
        .then(|| YearMonth::of(year.today));
    let mut rows: Vec<DashboardRow> = year
        .teams
        .iter()
        .filter(|(code, _)| visible(code))
        .map(|(code, name)| {
            let own = year.own_snapshots(code);
            let taken: Vec<SnapshotKind> = own.iter().map(|s| s.kind).collect();
            let latest = year.latest(code);
            let (steps, done, overdue) = year.plans.get(code).copied().unwrap_or((0, 0, 0));
            let plan = PlanProgress {
                steps: steps as u32,
                done: done as u32,
                overdue: overdue as u32,
            };
            let part = year.participation_of(code);
            let missed: Vec<(String, u32)> = part
                .map(|p| {
                    p.totals
                        .iter()
                        .filter(|t| t.missed > 0)
                        .zip(&p.missed)
                        .map(|(t, text)| (text.clone(), t.missed))
                        .collect()
                })
                .unwrap_or_default();
            let facts = Facts {
                taken: taken.clone(),
                plan,
                missed: missed.clone(),
                behind: part.map(|p| p.behind.clone()).unwrap_or_default(),
            };
            let (reasons, weight) = dashboard::attention(&facts, &due, now_month);
            let next_activity = year
                .activities
                .iter()
                .find(|a| {
                    &a.state_code == code && a.status == "scheduled" && a.starts_at >= year.now
                })
                .map(|a| NextActivity {
                    id: a.id,
                    kind: a.kind.clone(),
                    kind_label: kind_label(&a.kind).to_owned(),
                    title: a.title.clone(),
                    starts_at: a.starts_at,
                    when: crate::time::format_in_zone(a.starts_at, &program.time_zone),
                });
            let this_month = part.and_then(|p| p.this_month);
            let statuses: Vec<Option<Status>> = part
                .map(|p| p.months.iter().map(|m| m.status).collect())
                .unwrap_or_default();
            let months = glance::month_strip(&ta_months, &statuses, current);
            DashboardRow {
                state_code: code.clone(),
                state_name: name.clone(),
                stage: dashboard::stage(&taken, year.rating_states.contains(code)),
                stage_label: dashboard::stage(&taken, year.rating_states.contains(code))
                    .label()
                    .to_owned(),
                elements: latest.map(|s| year.scores(s)).unwrap_or_default(),
                snapshot: latest.cloned(),
                plan_text: plan.text(),
                plan,
                missed: missed.into_iter().map(|m| m.0).collect(),
                this_month_label: match this_month {
                    Some(s) => s.label().to_owned(),
                    None => "Outside the TA period".to_owned(),
                },
                this_month,
                months,
                next_activity,
                reasons,
                weight,
            }
        })
        .collect();
    dashboard::order(&mut rows, |r| {
        (r.state_name.as_str(), r.weight, r.reasons.len())
    });
    let (topics, strategy_topics) = topics_of(year);
    Dashboard {
        program_slug: program.slug.clone(),
        program_name: program.name.clone(),
        today: year.today.to_string(),
        year_ended: year.participation.year_ended.clone(),
        elements: year
            .instrument
            .elements()
            .into_iter()
            .map(|g| ElementHead {
                short_name: year
                    .short_names
                    .get(&g.key)
                    .cloned()
                    .unwrap_or_else(|| g.name.clone()),
                key: g.key,
                number: g.number,
                name: g.name,
            })
            .collect(),
        rows,
        topics,
        strategy_topics,
    }
}

fn topics_of(year: &Year) -> (Vec<Topic>, Vec<Topic>) {
    let ranked: Vec<(String, Vec<RankedPriority>)> = year
        .teams
        .iter()
        .filter_map(|(code, _)| {
            let s = year.latest(code)?;
            Some((code.clone(), year.priorities(s)))
        })
        .collect();
    dashboard::topics(&ranked, &year.instrument.indicators)
}

/// The program dashboard at `now`, with the states `visible` says.
pub async fn dashboard(
    state: &AppState,
    slug: &str,
    now: i64,
    visible: impl Fn(&str) -> bool,
) -> Result<Dashboard, Refusal> {
    let year = year(state, slug, now, false).await?;
    Ok(dashboard_of(&year, &visible))
}

/// The cohort's most common priorities: (elements, strategies).
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct Priorities {
    /// Elements most often among the states' top three priorities, most common first.
    pub topics: Vec<Topic>,
    /// Strategies most often among the states' three largest gaps.
    pub strategy_topics: Vec<Topic>,
}

pub async fn priorities(state: &AppState, slug: &str) -> Result<Priorities, Refusal> {
    let year = year(state, slug, crate::time::now_ms(), false).await?;
    let (topics, strategy_topics) = topics_of(&year);
    Ok(Priorities {
        topics,
        strategy_topics,
    })
}

// ----- reports -----

#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct TeamLine {
    pub name: String,
    /// Lead or Member.
    pub role: String,
    pub sector: String,
    pub agency: String,
    /// State or Local.
    pub level: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct CoachLine {
    pub name: String,
    pub email: String,
}

/// An element's score at the baseline and in the latest snapshot.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct ElementResult {
    pub number: i64,
    pub name: String,
    /// The framework's short name for the element, as the chart shows it.
    pub short_name: String,
    /// Its score in each snapshot taken, oldest first.
    pub scores: Vec<SnapshotScore>,
    pub baseline: Option<f64>,
    pub latest: Option<f64>,
    /// Latest minus baseline, when both are known and the latest is not the baseline.
    pub change: Option<f64>,
}

/// An element's score in one snapshot.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct SnapshotScore {
    pub kind: SnapshotKind,
    /// 0 to 100; none when not rated.
    pub score: Option<f64>,
}

#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct PriorityLine {
    pub rank: usize,
    pub element_name: String,
    /// The weighted gap, 0 to 3.
    pub weight: f64,
    /// The element's strategies with the largest gaps (up to three).
    pub strategies: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct StepLine {
    pub text: String,
    pub owner: String,
    /// YYYY-MM-DD.
    pub due_on: String,
    pub status: String,
    pub overdue: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct GoalLine {
    pub title: String,
    pub element_name: String,
    pub strategy: Option<String>,
    pub progress: PlanProgress,
    pub progress_text: String,
    /// "1 of 3 milestones reached".
    pub milestones_text: String,
    /// The latest progress update: "2017-03-02: text".
    pub latest_update: Option<String>,
    pub steps: Vec<StepLine>,
}

#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct ActivityLine {
    pub id: i64,
    /// The day on the program's clock, "Oct 12, 2016".
    pub date: String,
    pub kind_label: String,
    pub title: String,
    pub place: String,
    /// "Attended", "Did not attend" or "Not recorded".
    pub attendance: String,
}

/// A state's progress report.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct StateReport {
    pub program_slug: String,
    pub program_name: String,
    pub state_code: String,
    pub state_name: String,
    /// The day it was made, on the program's clock.
    pub generated_on: String,
    /// The year's last day in words, once the year has ended.
    pub year_ended: Option<String>,
    pub team: Vec<TeamLine>,
    pub coaches: Vec<CoachLine>,
    pub stage_label: String,
    /// The snapshots taken, in words ("Baseline, Oct 20, 2016").
    pub snapshots: Vec<String>,
    /// The kinds of the snapshots taken, oldest first.
    pub snapshot_kinds: Vec<SnapshotKind>,
    /// "baseline to mid-year", or what the scores are from.
    pub comparison: String,
    pub elements: Vec<ElementResult>,
    pub priorities: Vec<PriorityLine>,
    pub plan: PlanProgress,
    pub plan_text: String,
    pub goals: Vec<GoalLine>,
    /// The program's TA months, "Oct 2016".
    pub month_labels: Vec<String>,
    pub commitments: Vec<Tracked>,
    pub participation: Option<StateParticipation>,
    /// Activities held with the state, oldest first.
    pub activities: Vec<ActivityLine>,
    /// Why the state needs attention, if it does.
    pub reasons: Vec<String>,
}

impl StateReport {
    /// The chart of each element's score across the snapshots taken, with
    /// its description and table; none before the first snapshot.
    pub fn trend(&self) -> Option<Trend> {
        if self.snapshot_kinds.is_empty() || self.elements.is_empty() {
            return None;
        }
        let elements: Vec<ElementTrend> = self
            .elements
            .iter()
            .map(|e| ElementTrend {
                number: e.number,
                name: e.name.clone(),
                short_name: e.short_name.clone(),
                values: self
                    .snapshot_kinds
                    .iter()
                    .map(|k| e.scores.iter().find(|s| s.kind == *k).and_then(|s| s.score))
                    .collect(),
            })
            .collect();
        Some(chart::trend(&self.snapshot_kinds, &elements))
    }

    /// The label of a commitment key.
    pub fn commitment_label(&self, key: &str) -> String {
        let (_, many) = participation::nouns(key);
        let mut c = many.chars();
        match c.next() {
            Some(f) => f.to_uppercase().chain(c).collect(),
            None => String::new(),
        }
    }
}

/// The program report: the dashboard, then every state's report.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct ProgramReport {
    pub program_slug: String,
    pub program_name: String,
    pub generated_on: String,
    /// The year's last day in words, once the year has ended.
    pub year_ended: Option<String>,
    pub dashboard: Dashboard,
    pub states: Vec<StateReport>,
}

/// The plan parts read once for the program: state -> goals.
struct Plans {
    goals: Vec<store::GoalRow>,
    steps: Vec<store::StepRow>,
    milestones: Vec<(i64, String, String, Option<String>)>,
    updates: Vec<(i64, String, String)>,
}

async fn plans(state: &AppState, program_id: i64) -> Result<Plans, Refusal> {
    let pool = &state.db.pool;
    Ok(Plans {
        goals: store::goals(pool, program_id).await?,
        steps: store::steps(pool, program_id).await?,
        milestones: store::milestones(pool, program_id).await?,
        updates: store::updates(pool, program_id).await?,
    })
}

fn state_report_of(
    year: &Year,
    row: &DashboardRow,
    members: &[store::MemberRow],
    coaches: &[(String, String, String)],
    plans: &Plans,
) -> StateReport {
    let program = &year.detail.program;
    let code = &row.state_code;
    let tz = zone(&program.time_zone);
    let today = year.today.to_string();
    let team = members
        .iter()
        .filter(|m| &m.0 == code)
        .map(|(_, name, role, sector, agency, level)| TeamLine {
            name: name.clone(),
            role: crate::team::TeamRole::parse(role)
                .map(|r| r.label().to_owned())
                .unwrap_or_else(|| role.clone()),
            sector: crate::team::Sector::parse(sector)
                .map(|s| s.label().to_owned())
                .unwrap_or_else(|| "Other".to_owned()),
            agency: agency.clone(),
            level: if level == "local" { "Local" } else { "State" }.to_owned(),
        })
        .collect();
    let coaches = coaches
        .iter()
        .filter(|c| &c.0 == code)
        .map(|(_, name, email)| CoachLine {
            name: name.clone(),
            email: email.clone(),
        })
        .collect();
    let own = year.own_snapshots(code);
    let snapshots = own
        .iter()
        .map(|s| {
            format!(
                "{}, {}",
                s.kind.label(),
                day_label(participation::local_date(s.taken_at, &tz))
            )
        })
        .collect();
    let latest = year.latest(code);
    let baseline = own
        .iter()
        .find(|s| s.kind == SnapshotKind::Baseline)
        .copied();
    let history: Vec<(SnapshotKind, Vec<ElementScore>)> =
        own.iter().map(|s| (s.kind, year.scores(s))).collect();
    let latest_scores = latest.map(|s| year.scores(s)).unwrap_or_default();
    let baseline_scores = match (baseline, latest) {
        (Some(b), Some(l)) if b.id != l.id => Some(year.scores(b)),
        _ => None,
    };
    let elements = latest_scores
        .iter()
        .map(|e| {
            let before = baseline_scores
                .as_ref()
                .and_then(|b| b.iter().find(|x| x.key == e.key))
                .and_then(|x| x.score);
            ElementResult {
                number: e.number,
                name: e.name.clone(),
                short_name: year
                    .short_names
                    .get(&e.key)
                    .cloned()
                    .unwrap_or_else(|| e.name.clone()),
                scores: history
                    .iter()
                    .map(|(kind, scores)| SnapshotScore {
                        kind: *kind,
                        score: scores.iter().find(|x| x.key == e.key).and_then(|x| x.score),
                    })
                    .collect(),
                baseline: before,
                latest: e.score,
                change: before.zip(e.score).map(|(b, a)| a - b),
            }
        })
        .collect();
    let comparison = match (baseline, latest) {
        (_, None) => "No snapshot yet.".to_owned(),
        (Some(b), Some(l)) if b.id != l.id => format!(
            "Scores from the {} snapshot, with the change since the baseline.",
            l.kind.label().to_lowercase()
        ),
        (_, Some(l)) => format!(
            "Scores from the {} snapshot; no later snapshot to compare yet.",
            l.kind.label().to_lowercase()
        ),
    };
    let text_of = |id: i64| {
        year.instrument
            .indicators
            .iter()
            .find(|i| i.id == id)
            .map(|i| i.text.clone())
            .unwrap_or_default()
    };
    let priorities = latest
        .map(|s| year.priorities(s))
        .unwrap_or_default()
        .into_iter()
        .map(|p| PriorityLine {
            rank: p.rank,
            element_name: p.element_name.clone(),
            weight: (p.weight * 100.0).round() / 100.0,
            strategies: p
                .indicators
                .iter()
                .take(3)
                .map(|(id, _)| text_of(*id))
                .collect(),
        })
        .collect();
    let element_name = |key: &str| {
        year.instrument
            .indicators
            .iter()
            .find(|i| i.element_key == key)
            .map(|i| i.element_name.clone())
            .unwrap_or_else(|| key.to_owned())
    };
    let goals = plans
        .goals
        .iter()
        .filter(|g| &g.state_code == code)
        .map(|g| {
            let steps: Vec<StepLine> = plans
                .steps
                .iter()
                .filter(|s| s.goal_id == g.id)
                .map(|s| StepLine {
                    text: s.text.clone(),
                    owner: s.owner.clone().unwrap_or_else(|| "No owner".into()),
                    due_on: s.due_on.clone(),
                    status: step_status_label(&s.status).to_owned(),
                    overdue: s.status != "done" && s.due_on < today,
                })
                .collect();
            let progress = PlanProgress {
                steps: steps.len() as u32,
                done: steps.iter().filter(|s| s.status == "Done").count() as u32,
                overdue: steps.iter().filter(|s| s.overdue).count() as u32,
            };
            let ms: Vec<_> = plans.milestones.iter().filter(|m| m.0 == g.id).collect();
            let reached = ms.iter().filter(|m| m.3.is_some()).count();
            GoalLine {
                title: g.title.clone(),
                element_name: element_name(&g.element_key),
                strategy: g.strategy_key.as_ref().and_then(|k| {
                    year.instrument
                        .indicators
                        .iter()
                        .find(|i| &i.strategy_key == k)
                        .map(|i| i.text.clone())
                }),
                progress_text: progress.text(),
                progress,
                milestones_text: format!("{reached} of {} milestones reached", ms.len()),
                latest_update: plans
                    .updates
                    .iter()
                    .rfind(|u| u.0 == g.id)
                    .map(|u| format!("{}: {}", u.1, u.2)),
                steps,
            }
        })
        .collect();
    let activities = year
        .activities
        .iter()
        .filter(|a| &a.state_code == code && a.status == "held")
        .filter(|a| participation::local_date(a.starts_at, &tz) <= year.today)
        .map(|a| ActivityLine {
            id: a.id,
            date: day_label(participation::local_date(a.starts_at, &tz)),
            kind_label: kind_label(&a.kind).to_owned(),
            title: a.title.clone(),
            place: a.place.clone(),
            attendance: match a.attended {
                Some(0) => "Did not attend",
                Some(_) => "Attended",
                None => "Not recorded",
            }
            .to_owned(),
        })
        .collect();
    StateReport {
        program_slug: program.slug.clone(),
        program_name: program.name.clone(),
        state_code: code.clone(),
        state_name: row.state_name.clone(),
        generated_on: today,
        year_ended: year.participation.year_ended.clone(),
        team,
        coaches,
        stage_label: row.stage_label.clone(),
        snapshots,
        snapshot_kinds: own.iter().map(|s| s.kind).collect(),
        comparison,
        elements,
        priorities,
        plan: row.plan,
        plan_text: row.plan_text.clone(),
        goals,
        month_labels: year.participation.month_labels.clone(),
        commitments: year.tracked.clone(),
        participation: year.participation_of(code).cloned(),
        activities,
        reasons: row.reasons.clone(),
    }
}

/// One state's progress report at `now`; not found when the state has no team.
pub async fn state_report_at(
    state: &AppState,
    slug: &str,
    code: &str,
    now: i64,
) -> Result<StateReport, Refusal> {
    let year = year(state, slug, now, true).await?;
    let dash = dashboard_of(&year, &|c: &str| c == code);
    let Some(row) = dash.rows.first() else {
        return Err(Refusal::NotFound);
    };
    let pool = &state.db.pool;
    let program_id = year.detail.program.id;
    let members = store::team_members(pool, program_id).await?;
    let coaches = store::coaches(pool, program_id).await?;
    let plans = plans(state, program_id).await?;
    Ok(state_report_of(&year, row, &members, &coaches, &plans))
}

pub async fn state_report(
    state: &AppState,
    slug: &str,
    code: &str,
) -> Result<StateReport, Refusal> {
    state_report_at(state, slug, code, crate::time::now_ms()).await
}

/// The program report at `now`, with the states `visible` says (by name).
pub async fn program_report_at(
    state: &AppState,
    slug: &str,
    now: i64,
    visible: impl Fn(&str) -> bool,
) -> Result<ProgramReport, Refusal> {
    let year = year(state, slug, now, true).await?;
    let dashboard = dashboard_of(&year, &visible);
    let pool = &state.db.pool;
    let program_id = year.detail.program.id;
    let members = store::team_members(pool, program_id).await?;
    let coaches = store::coaches(pool, program_id).await?;
    let plans = plans(state, program_id).await?;
    let mut states: Vec<StateReport> = dashboard
        .rows
        .iter()
        .map(|row| state_report_of(&year, row, &members, &coaches, &plans))
        .collect();
    states.sort_by(|a, b| a.state_name.cmp(&b.state_name));
    Ok(ProgramReport {
        program_slug: year.detail.program.slug.clone(),
        program_name: year.detail.program.name.clone(),
        generated_on: year.today.to_string(),
        year_ended: year.participation.year_ended.clone(),
        dashboard,
        states,
    })
}

/// The whole program's report, every state, as of now (the benchmark's entry point).
pub async fn program_report(state: &AppState, slug: &str) -> Result<ProgramReport, Refusal> {
    program_report_at(state, slug, crate::time::now_ms(), |_| true).await
}

// ----- the operations the pages and the API call -----

/// The program, if the actor may do `action` there.
async fn open(
    state: &AppState,
    actor: &Actor,
    slug: &str,
    action: impl FnOnce(i64) -> Action,
) -> Result<Program, Refusal> {
    let program = crate::program::load(state, slug).await?;
    actor.may(state, action(program.id)).await?;
    Ok(program)
}

/// Every state's participation month by month (the admin, the federal
/// officer, the program's coaches).
pub async fn view_participation(
    state: &AppState,
    actor: &Actor,
    slug: &str,
) -> Result<(Program, Participation), Refusal> {
    let program = open(state, actor, slug, |program_id| Action::ViewParticipation {
        program_id,
    })
    .await?;
    let (_, p) = participation(state, slug, crate::time::now_ms(), |_| true).await?;
    Ok((program, p))
}

/// The program dashboard with the states the actor sees.
pub async fn view_dashboard(
    state: &AppState,
    actor: &Actor,
    slug: &str,
) -> Result<(Program, Dashboard), Refusal> {
    let program = open(state, actor, slug, may_view_dashboard).await?;
    let now = crate::time::now_ms();
    let d = dashboard(state, slug, now, sees(&actor.user, program.id)).await?;
    Ok((program, d))
}

/// The cohort's most common priorities (those who see the dashboard).
pub async fn view_priorities(
    state: &AppState,
    actor: &Actor,
    slug: &str,
) -> Result<Priorities, Refusal> {
    open(state, actor, slug, may_view_dashboard).await?;
    priorities(state, slug).await
}

/// The program report with the states the actor sees.
pub async fn view_program_report(
    state: &AppState,
    actor: &Actor,
    slug: &str,
) -> Result<(Program, ProgramReport), Refusal> {
    let program = open(state, actor, slug, may_view_dashboard).await?;
    let now = crate::time::now_ms();
    let r = program_report_at(state, slug, now, sees(&actor.user, program.id)).await?;
    Ok((program, r))
}

/// A state's progress report (its team, its coach, the admin, the federal
/// officer).
pub async fn view_state_report(
    state: &AppState,
    actor: &Actor,
    (slug, code): (&str, &str),
) -> Result<StateReport, Refusal> {
    let code = code.to_uppercase();
    open(state, actor, slug, |program_id| Action::ViewStateReport {
        program_id,
        state_code: code.clone(),
    })
    .await?;
    state_report(state, slug, &code).await
}

fn may_view_dashboard(program_id: i64) -> Action {
    Action::ViewDashboard { program_id }
}

/// The states a person sees on the dashboard and in the program report:
/// those whose report they may see (a coach, their own states).
pub fn sees(user: &crate::auth::CurrentUser, program_id: i64) -> impl Fn(&str) -> bool + '_ {
    move |code: &str| {
        crate::auth::policy::allows(
            user,
            &crate::auth::policy::Action::ViewStateReport {
                program_id,
                state_code: code.to_owned(),
            },
        )
    }
}

#[cfg(test)]
mod tests {
    use super::NextActivity;

    #[test]
    fn the_next_activity_names_its_kind_once() {
        let next = |title: &str| NextActivity {
            id: 1,
            kind: "webinar".into(),
            kind_label: "Webinar".into(),
            title: title.into(),
            starts_at: 0,
            when: String::new(),
        };
        assert_eq!(
            next("Webinar: Engaging employers").label(),
            "Webinar: Engaging employers"
        );
        assert_eq!(
            next("Engaging employers").label(),
            "Webinar: Engaging employers"
        );
    }
}

//! The facts a person's work is made from. A home page is asked for often,
//! so its facts come in two round trips (one for the state teams the person
//! is on, one for everything else about them) rather than one per kind of
//! work: each branch of a query's UNION ALL is one kind of fact, tagged in
//! its first column and read back into typed rows here.

use sqlx::{Any, Executor, FromRow};

use crate::assessment::SnapshotKind;
use crate::team::{Account, AccountFacts, Sector};

/// One row of a facts query: the kind of fact and its values, in columns
/// each branch fills as its comment says.
#[derive(Debug, FromRow)]
struct FactRow {
    fact: String,
    program_id: i64,
    state_code: Option<String>,
    id: Option<i64>,
    a: Option<String>,
    b: Option<String>,
    c: Option<String>,
    d: Option<String>,
    n1: Option<i64>,
    n2: Option<i64>,
    n3: Option<i64>,
    n4: Option<i64>,
    n5: Option<i64>,
}

/// What the work queue needs of one state team the person is on.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct TeamFacts {
    pub program_id: i64,
    pub state_code: String,
    /// The assessment round open now, if any.
    pub round: Option<i64>,
    /// Whether anyone has answered an indicator in the open round.
    pub round_started: bool,
    /// Answered ratings in the open round per (person, element).
    pub rated: Vec<(i64, String, i64)>,
    /// Indicators with an answered consensus in the open round, per element.
    pub agreed: Vec<(String, i64)>,
    /// The roster; whether each has joined is known only for invited
    /// members (the only ones the queue asks about).
    pub members: Vec<MemberFacts>,
    /// The snapshots frozen so far, oldest first.
    pub snapshots: Vec<SnapshotKind>,
}

/// A roster line as the work queue sees it.
#[derive(Debug, Clone, PartialEq)]
pub struct MemberFacts {
    pub user_id: Option<i64>,
    pub name: String,
    pub sector: Sector,
    pub invited: bool,
    pub account: Account,
}

/// One element of a program's instrument.
#[derive(Debug, Clone, PartialEq)]
pub struct ElementSize {
    pub program_id: i64,
    pub key: String,
    pub name: String,
    pub indicators: i64,
}

/// The person's state teams (in the cohort: a team exists).
pub async fn team_facts<'c, E: Executor<'c, Database = Any>>(
    e: E,
    user_id: i64,
) -> sqlx::Result<Vec<TeamFacts>> {
    let rows: Vec<FactRow> = sqlx::query_as(
        "WITH mine AS (
             SELECT DISTINCT g.program_id, g.state_code FROM role_grants g
             JOIN state_teams t ON t.program_id = g.program_id AND t.state_code = g.state_code
             WHERE g.user_id = $1 AND g.role IN ('state_lead', 'state_member')),
         open_rounds AS (
             SELECT r.id, r.program_id, r.state_code FROM assessment_rounds r
             JOIN mine ON mine.program_id = r.program_id AND mine.state_code = r.state_code
             WHERE r.closed_at IS NULL AND NOT EXISTS (
                 SELECT 1 FROM assessment_rounds later
                 WHERE later.program_id = r.program_id AND later.state_code = r.state_code
                   AND later.closed_at IS NULL AND later.round > r.round))
         -- each team: id = the open round's, n1 = 1 once anyone has answered in it
         SELECT 'team' AS fact, mine.program_id, mine.state_code, CAST(o.id AS BIGINT) AS id,
                CAST(NULL AS TEXT) AS a, CAST(NULL AS TEXT) AS b, CAST(NULL AS TEXT) AS c,
                CAST(NULL AS TEXT) AS d,
                CAST(CASE WHEN EXISTS (SELECT 1 FROM member_ratings r WHERE r.round_id = o.id
                                         AND (r.level IS NOT NULL OR r.not_sure = 1))
                          THEN 1 ELSE 0 END AS BIGINT) AS n1,
                CAST(NULL AS BIGINT) AS n2,
                CAST(NULL AS BIGINT) AS n3, CAST(NULL AS BIGINT) AS n4, CAST(NULL AS BIGINT) AS n5
         FROM mine LEFT JOIN open_rounds o
           ON o.program_id = mine.program_id AND o.state_code = mine.state_code
         UNION ALL
         -- answered ratings per person and element: id = the person,
         -- a = element, n1 = how many
         SELECT 'rated', o.program_id, o.state_code, r.user_id, i.element_key, NULL, NULL, NULL,
                COUNT(*), NULL, NULL, NULL, NULL
         FROM open_rounds o
         JOIN member_ratings r ON r.round_id = o.id
         JOIN indicators i ON i.id = r.indicator_id
         WHERE r.level IS NOT NULL OR r.not_sure = 1
         GROUP BY o.program_id, o.state_code, r.user_id, i.element_key
         UNION ALL
         -- a = element, n1 = indicators with an answered consensus
         SELECT 'agreed', o.program_id, o.state_code, NULL, i.element_key, NULL, NULL, NULL,
                COUNT(*), NULL, NULL, NULL, NULL
         FROM open_rounds o
         JOIN consensus_ratings c ON c.round_id = o.id
         JOIN indicators i ON i.id = c.indicator_id
         WHERE c.level IS NOT NULL OR c.not_sure = 1
         GROUP BY o.program_id, o.state_code, i.element_key
         UNION ALL
         -- id = account, a = name, b = sector, c = email, n1 = invited at,
         -- n2..n5 = has a password, account on, has signed in, has rated
         -- (whether one has signed in is looked up only where it can
         -- matter: an invited member who has set no password)
         SELECT 'member', m.program_id, m.state_code, m.user_id, m.name, m.sector, m.email, NULL,
                m.invited_at,
                CASE WHEN u.password_hash IS NULL THEN 0 ELSE 1 END,
                CASE WHEN u.active = 1 THEN 1 ELSE 0 END,
                CASE WHEN m.invited_at IS NULL OR u.password_hash IS NOT NULL THEN 0
                     WHEN EXISTS (SELECT 1 FROM sessions s WHERE s.user_id = m.user_id)
                       OR EXISTS (SELECT 1 FROM audit_log l WHERE l.actor_user_id = m.user_id
                                  AND l.action = 'sign_in' AND l.outcome = 'ok')
                       OR EXISTS (SELECT 1 FROM api_tokens k WHERE k.user_id = m.user_id
                                  AND k.last_used_at IS NOT NULL)
                     THEN 1 ELSE 0 END,
                CASE WHEN EXISTS (SELECT 1 FROM member_ratings r WHERE r.user_id = m.user_id)
                     THEN 1 ELSE 0 END
         FROM team_members m
         JOIN mine ON mine.program_id = m.program_id AND mine.state_code = m.state_code
         LEFT JOIN users u ON u.id = m.user_id
         UNION ALL
         -- a = kind, n1 = when taken
         SELECT 'snapshot', s.program_id, s.state_code, s.id, s.kind, NULL, NULL, NULL,
                s.taken_at, NULL, NULL, NULL, NULL
         FROM snapshots s
         JOIN mine ON mine.program_id = s.program_id AND mine.state_code = s.state_code",
    )
    .bind(user_id)
    .fetch_all(e)
    .await?;
    Ok(read_team_facts(rows))
}

fn read_team_facts(mut rows: Vec<FactRow>) -> Vec<TeamFacts> {
    // Snapshots as taken (the query does not sort).
    rows.sort_by_key(|r| (r.program_id, r.id));
    let mut teams: Vec<TeamFacts> = Vec::new();
    for r in rows.iter().filter(|r| r.fact == "team") {
        teams.push(TeamFacts {
            program_id: r.program_id,
            state_code: r.state_code.clone().unwrap_or_default(),
            round: r.id,
            round_started: r.n1 == Some(1),
            ..TeamFacts::default()
        });
    }
    for r in rows {
        let text = |v: Option<String>| v.unwrap_or_default();
        let Some(team) = teams
            .iter_mut()
            .find(|t| t.program_id == r.program_id && Some(&t.state_code) == r.state_code.as_ref())
        else {
            continue;
        };
        match r.fact.as_str() {
            "rated" => team
                .rated
                .push((r.id.unwrap_or(0), text(r.a), r.n1.unwrap_or(0))),
            "agreed" => team.agreed.push((text(r.a), r.n1.unwrap_or(0))),
            "member" => {
                let flag = |n: Option<i64>| n == Some(1);
                let email = text(r.c);
                team.members.push(MemberFacts {
                    user_id: r.id,
                    name: text(r.a),
                    sector: Sector::parse(&text(r.b)).unwrap_or(Sector::Other),
                    invited: r.n1.is_some(),
                    account: crate::team::account_status(&AccountFacts {
                        has_email: !email.is_empty(),
                        has_password: flag(r.n2),
                        user_active: flag(r.n3),
                        signed_in: flag(r.n4),
                        rated: flag(r.n5),
                    }),
                });
            }
            "snapshot" => team.snapshots.extend(SnapshotKind::parse(&text(r.a))),
            _ => {}
        }
    }
    teams
}

/// Each program's elements with their number of indicators, read once per
/// process: an instrument never changes once built (nothing updates or
/// deletes its indicators), so nothing here needs invalidating, however
/// many instances run.
#[derive(Default)]
pub struct ElementSizes {
    kept: std::sync::RwLock<std::collections::HashMap<i64, std::sync::Arc<Vec<ElementSize>>>>,
}

impl ElementSizes {
    /// The program's elements in element order; empty before its
    /// instrument is built (and then not kept).
    pub async fn of(
        &self,
        pool: &sqlx::AnyPool,
        program_id: i64,
    ) -> sqlx::Result<std::sync::Arc<Vec<ElementSize>>> {
        if let Some(sizes) = self
            .kept
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .get(&program_id)
        {
            return Ok(sizes.clone());
        }
        let rows: Vec<(String, String, i64)> = sqlx::query_as(
            "SELECT i.element_key, i.element_name, COUNT(*)
             FROM indicators i JOIN instruments n ON n.id = i.instrument_id
             WHERE n.program_id = $1
             GROUP BY i.element_number, i.element_key, i.element_name
             ORDER BY i.element_number",
        )
        .bind(program_id)
        .fetch_all(pool)
        .await?;
        let sizes = std::sync::Arc::new(
            rows.into_iter()
                .map(|(key, name, indicators)| ElementSize {
                    program_id,
                    key,
                    name,
                    indicators,
                })
                .collect::<Vec<_>>(),
        );
        if !sizes.is_empty() {
            self.kept
                .write()
                .unwrap_or_else(|e| e.into_inner())
                .insert(program_id, sizes.clone());
        }
        Ok(sizes)
    }
}

/// Plan steps the person owns that are not done:
/// (program, state, state name, words, due on).
pub type StepRow = (i64, String, String, String, String);

/// Open action items the person owns or follows up as the coach of their
/// state: (program, activity, activity title, state name, words, due on, own).
pub type ActionItemRow = (i64, i64, String, Option<String>, String, String, bool);

/// Activities: (program, id, kind, title, starts, ends, status, unrecorded,
/// organizer).
pub type ActivityRow = (i64, i64, String, String, i64, i64, String, bool, bool);

/// Everything else waiting for one person, in the order each list is shown.
#[derive(Debug, Default)]
pub struct PersonFacts {
    pub steps: Vec<StepRow>,
    pub action_items: Vec<ActionItemRow>,
    /// Over with no notes (organized by the person), then coming ones.
    pub activities: Vec<ActivityRow>,
    /// Applications assigned to the person and not scored, in programs that
    /// have not decided on them: (program, state, state name).
    pub reviews: Vec<(i64, String, String)>,
    /// The person's Exchange submissions waiting or turned down, newest
    /// first: (id, kind, title, status).
    pub submissions: Vec<(i64, String, String, String)>,
    /// Forum posts mentioning the person and threads they watch with new
    /// replies, since they last looked.
    pub forum: Vec<ForumNews>,
}

/// Something new in the forum for the person.
#[derive(Debug, Clone, PartialEq)]
pub struct ForumNews {
    pub program_id: i64,
    /// The state whose team alone reads the thread's category.
    pub private_to: Option<String>,
    pub thread_id: i64,
    pub thread_title: String,
    /// The post that mentions the person, or the first new reply.
    pub post_id: i64,
    /// Who mentioned the person; none for replies.
    pub mentioned_by: Option<String>,
    pub new_replies: usize,
}

/// How many of a partner's submissions are listed.
const SUBMISSIONS_SHOWN: usize = 20;

/// The person's plan steps, action items, activities in `now..until` and
/// those over with no notes, reviews and Exchange submissions.
pub async fn person_facts<'c, E: Executor<'c, Database = Any>>(
    e: E,
    user_id: i64,
    now: i64,
    until: i64,
) -> sqlx::Result<PersonFacts> {
    let rows: Vec<FactRow> = sqlx::query_as(
        // No branch sorts or groups (each would build a temporary b-tree on
        // every home page); the lists are ordered and counted in Rust.
        "-- a = state name, b = words, c = due on
         SELECT 'step' AS fact, p.program_id, p.state_code, CAST(s.id AS BIGINT) AS id,
                j.name AS a, s.text AS b, s.due_on AS c, CAST(NULL AS TEXT) AS d,
                CAST(NULL AS BIGINT) AS n1, CAST(NULL AS BIGINT) AS n2, CAST(NULL AS BIGINT) AS n3,
                CAST(NULL AS BIGINT) AS n4, CAST(NULL AS BIGINT) AS n5
         FROM plan_steps s
         JOIN plan_goals g ON g.id = s.goal_id
         JOIN plans p ON p.id = g.plan_id
         JOIN jurisdictions j ON j.code = p.state_code
         WHERE s.owner_id = $1 AND s.status <> 'done'
         UNION ALL
         -- id = activity, a = its title, b = state name, c = words, d = due on,
         -- n1 = 1 when the person owns it (0: they coach its state), n2 = item
         SELECT 'action', a.program_id, ai.state_code, a.id, a.title, j.name, ai.text, ai.due_on,
                1, ai.id, NULL, NULL, NULL
         FROM action_items ai
         JOIN activities a ON a.id = ai.activity_id
         LEFT JOIN jurisdictions j ON j.code = ai.state_code
         WHERE ai.owner_id = $1 AND ai.done_at IS NULL AND a.status <> 'cancelled'
         UNION ALL
         SELECT 'action', a.program_id, ai.state_code, a.id, a.title, j.name, ai.text, ai.due_on,
                0, ai.id, NULL, NULL, NULL
         FROM role_grants g
         JOIN activity_states s ON s.program_id = g.program_id AND s.state_code = g.state_code
         JOIN activities a ON a.id = s.activity_id
         JOIN action_items ai ON ai.activity_id = a.id AND ai.state_code = g.state_code
         LEFT JOIN jurisdictions j ON j.code = ai.state_code
         WHERE g.user_id = $1 AND g.role = 'coach' AND ai.done_at IS NULL
           AND a.status <> 'cancelled' AND (ai.owner_id IS NULL OR ai.owner_id <> $1)
         UNION ALL
         -- over with nothing in the notes, organized by the person:
         -- a = kind, b = title, c = status, n1 = starts, n2 = ends, n3 = 1
         SELECT 'unrecorded', a.program_id, NULL, a.id, a.kind, a.title, a.status, NULL,
                a.starts_at, a.ends_at, 1, NULL, NULL
         FROM activity_people o JOIN activities a ON a.id = o.activity_id
         WHERE o.user_id = $1 AND o.role = 'organizer'
           AND a.status <> 'cancelled' AND a.ends_at < $2 AND a.notes = ''
         UNION ALL
         -- coming, invited: the same columns, n3 = 0, n4 = 1 when the person
         -- organizes it
         SELECT 'coming', a.program_id, NULL, a.id, a.kind, a.title, a.status, NULL,
                a.starts_at, a.ends_at, 0, CASE WHEN o.role = 'organizer' THEN 1 ELSE 0 END, NULL
         FROM activity_people o JOIN activities a ON a.id = o.activity_id
         WHERE o.user_id = $1 AND a.status = 'scheduled' AND a.starts_at >= $2 AND a.starts_at < $3
         UNION ALL
         -- coming, of a state whose team the person is on or coaches (only a
         -- state with a team has any); one invited as well comes twice
         SELECT 'coming', a.program_id, NULL, a.id, a.kind, a.title, a.status, NULL,
                a.starts_at, a.ends_at, 0, 0, NULL
         FROM role_grants g
         JOIN activity_states s ON s.program_id = g.program_id AND s.state_code = g.state_code
         JOIN activities a ON a.id = s.activity_id
         WHERE g.user_id = $1 AND g.role IN ('state_lead', 'state_member', 'coach')
           AND a.status = 'scheduled' AND a.starts_at >= $2 AND a.starts_at < $3
         UNION ALL
         -- a = state name
         SELECT 'review', ap.program_id, ap.state_code, ap.id, j.name, NULL, NULL, NULL,
                NULL, NULL, NULL, NULL, NULL
         FROM review_assignments ra
         JOIN applications ap ON ap.id = ra.application_id
         JOIN jurisdictions j ON j.code = ap.state_code
         WHERE ra.reviewer_id = $1 AND ra.submitted_at IS NULL
           AND ap.status = 'submitted' AND ap.decision IS NULL
         UNION ALL
         -- a forum post that mentions the person, since they last read its
         -- thread: state_code = the category's state (if private to one),
         -- id = post, a = thread title, b = author, n1 = thread
         SELECT 'mention', t.program_id, c.private_to, p.id, t.title, u.name, NULL, NULL,
                t.id, NULL, NULL, NULL, NULL
         FROM forum_mentions m
         JOIN forum_posts p ON p.id = m.post_id
         JOIN forum_threads t ON t.id = p.thread_id
         JOIN forum_categories c ON c.id = t.category_id
         LEFT JOIN users u ON u.id = p.author_id
         LEFT JOIN forum_reads r ON r.user_id = m.user_id AND r.thread_id = t.id
         WHERE m.user_id = $1 AND p.hidden = 0 AND t.hidden = 0
           AND m.created_at > COALESCE(r.read_at, 0)
         UNION ALL
         -- each thread the person watches, with others' posts since they last
         -- read it (or since they began to watch): id = thread, a = title,
         -- n1 = how many, n2 = the first of them
         SELECT 'replies', t.program_id, c.private_to, t.id, t.title, NULL, NULL, NULL,
                (SELECT COUNT(*) FROM forum_posts p
                 WHERE p.thread_id = t.id AND p.hidden = 0
                   AND (p.author_id IS NULL OR p.author_id <> $1)
                   AND p.id > COALESCE(r.last_post_id, 0) AND p.created_at >= w.created_at),
                (SELECT MIN(p.id) FROM forum_posts p
                 WHERE p.thread_id = t.id AND p.hidden = 0
                   AND (p.author_id IS NULL OR p.author_id <> $1)
                   AND p.id > COALESCE(r.last_post_id, 0) AND p.created_at >= w.created_at),
                NULL, NULL, NULL
         FROM forum_watches w
         JOIN forum_threads t ON t.id = w.target_id
         JOIN forum_categories c ON c.id = t.category_id
         LEFT JOIN forum_reads r ON r.user_id = w.user_id AND r.thread_id = t.id
         WHERE w.user_id = $1 AND w.target = 'thread' AND t.hidden = 0
         UNION ALL
         -- a = kind, b = title, c = status, n1 = last changed
         SELECT 'submission', 0, NULL, id, kind, title, status, NULL,
                updated_at, NULL, NULL, NULL, NULL
         FROM exchange_items
         WHERE submitted_by = $1 AND status IN ('pending', 'rejected')",
    )
    .bind(user_id)
    .bind(now)
    .bind(until)
    .fetch_all(e)
    .await?;
    Ok(read_person_facts(rows))
}

fn read_person_facts(rows: Vec<FactRow>) -> PersonFacts {
    let mut f = PersonFacts::default();
    // Sort keys kept beside each list until it is ordered.
    let mut steps = Vec::new();
    let mut actions = Vec::new();
    let mut unrecorded = Vec::new();
    let mut coming = Vec::new();
    let mut submissions = Vec::new();
    for r in rows {
        let text = |v: Option<String>| v.unwrap_or_default();
        let id = r.id.unwrap_or(0);
        match r.fact.as_str() {
            "step" => steps.push((
                id,
                (
                    r.program_id,
                    text(r.state_code),
                    text(r.a),
                    text(r.b),
                    text(r.c),
                ),
            )),
            "action" => actions.push((
                r.n2.unwrap_or(0),
                (
                    r.program_id,
                    id,
                    text(r.a),
                    r.b,
                    text(r.c),
                    text(r.d),
                    r.n1 == Some(1),
                ),
            )),
            "unrecorded" | "coming" => {
                let row = (
                    r.program_id,
                    id,
                    text(r.a),
                    text(r.b),
                    r.n1.unwrap_or(0),
                    r.n2.unwrap_or(0),
                    text(r.c),
                    r.n3 == Some(1),
                    r.fact == "unrecorded" || r.n4 == Some(1),
                );
                if r.fact == "unrecorded" {
                    unrecorded.push(row);
                } else {
                    coming.push(row);
                }
            }
            "review" => f
                .reviews
                .push((r.program_id, text(r.state_code), text(r.a))),
            "mention" => f.forum.push(ForumNews {
                program_id: r.program_id,
                private_to: r.state_code,
                thread_id: r.n1.unwrap_or(0),
                thread_title: text(r.a),
                post_id: id,
                mentioned_by: Some(r.b.unwrap_or_else(|| "Someone".to_owned())),
                new_replies: 0,
            }),
            "replies" if r.n1.unwrap_or(0) > 0 => f.forum.push(ForumNews {
                program_id: r.program_id,
                private_to: r.state_code,
                thread_id: id,
                thread_title: text(r.a),
                post_id: r.n2.unwrap_or(0),
                mentioned_by: None,
                new_replies: r.n1.unwrap_or(0) as usize,
            }),
            "submission" => {
                submissions.push((r.n1.unwrap_or(0), (id, text(r.a), text(r.b), text(r.c))))
            }
            _ => {}
        }
    }
    steps.sort_by(|(ia, a), (ib, b)| a.4.cmp(&b.4).then(ia.cmp(ib)));
    f.steps = steps.into_iter().map(|(_, s)| s).collect();
    actions.sort_by(|(ia, a), (ib, b)| a.5.cmp(&b.5).then(ia.cmp(ib)));
    f.action_items = actions.into_iter().map(|(_, a)| a).collect();
    let by_start = |a: &ActivityRow, b: &ActivityRow| a.4.cmp(&b.4).then(a.1.cmp(&b.1));
    unrecorded.sort_by(by_start);
    // An activity both invited to and of the person's state: kept once,
    // as the organizer if they organize it.
    coming.sort_by(|a, b| by_start(a, b).then(b.8.cmp(&a.8)));
    coming.dedup_by_key(|a| a.1);
    f.activities = unrecorded;
    f.activities.extend(coming);
    f.reviews.sort_by(|a, b| a.2.cmp(&b.2));
    submissions.sort_by(|(ta, a), (tb, b)| tb.cmp(ta).then(b.0.cmp(&a.0)));
    f.submissions = submissions
        .into_iter()
        .map(|(_, s)| s)
        .take(SUBMISSIONS_SHOWN)
        .collect();
    f
}

/// Applications assigned to the reviewer and not yet scored, in programs
/// that have not decided on them: (program, state, state name).
pub async fn reviews_to_score<'c, E: Executor<'c, Database = Any>>(
    e: E,
    user_id: i64,
) -> sqlx::Result<Vec<(i64, String, String)>> {
    sqlx::query_as(
        "SELECT ap.program_id, ap.state_code, j.name
         FROM review_assignments ra
         JOIN applications ap ON ap.id = ra.application_id
         JOIN jurisdictions j ON j.code = ap.state_code
         WHERE ra.reviewer_id = $1 AND ra.submitted_at IS NULL
           AND ap.status = 'submitted' AND ap.decision IS NULL
         ORDER BY j.name",
    )
    .bind(user_id)
    .fetch_all(e)
    .await
}

/// The start of every webinar not cancelled: (program, starts).
pub async fn webinars<'c, E: Executor<'c, Database = Any>>(e: E) -> sqlx::Result<Vec<(i64, i64)>> {
    sqlx::query_as(
        "SELECT program_id, starts_at FROM activities
         WHERE kind = 'webinar' AND status <> 'cancelled'",
    )
    .fetch_all(e)
    .await
}

/// Submitted applications with no decision, per program.
pub async fn undecided_applications<'c, E: Executor<'c, Database = Any>>(
    e: E,
) -> sqlx::Result<Vec<(i64, i64)>> {
    sqlx::query_as(
        "SELECT program_id, COUNT(*) FROM applications
         WHERE status = 'submitted' AND decision IS NULL GROUP BY program_id",
    )
    .fetch_all(e)
    .await
}

/// Exchange items and partner organizations waiting for moderation.
pub async fn exchange_waiting<'c, E: Executor<'c, Database = Any>>(
    e: E,
) -> sqlx::Result<(i64, i64)> {
    sqlx::query_as(
        "SELECT (SELECT COUNT(*) FROM exchange_items WHERE status = 'pending'),
                (SELECT COUNT(*) FROM exchange_partners WHERE status = 'pending')",
    )
    .fetch_one(e)
    .await
}

/// Per program: states in the cohort, and those with a baseline frozen.
pub async fn cohort_summary<'c, E: Executor<'c, Database = Any>>(
    e: E,
) -> sqlx::Result<Vec<(i64, i64, i64)>> {
    sqlx::query_as(
        "SELECT t.program_id, COUNT(*),
                SUM(CASE WHEN EXISTS (SELECT 1 FROM snapshots s
                                      WHERE s.program_id = t.program_id AND s.state_code = t.state_code)
                         THEN 1 ELSE 0 END)
         FROM state_teams t GROUP BY t.program_id",
    )
    .fetch_all(e)
    .await
}

/// A state's application in a program: (status, decision).
pub async fn application_state<'c, E: Executor<'c, Database = Any>>(
    e: E,
    program_id: i64,
    state: &str,
) -> sqlx::Result<Option<(String, Option<String>)>> {
    sqlx::query_as(
        "SELECT status, decision FROM applications WHERE program_id = $1 AND state_code = $2",
    )
    .bind(program_id)
    .bind(state)
    .fetch_optional(e)
    .await
}

//! The demo's Exchange: a few hundred published resources and events
//! written from the frameworks' own words (element and component names,
//! definitions, strategies), from the kinds of sources the Exchange
//! gathers (all links under https://www.example.org/, so nothing pretends
//! to be a real page); the demo partner, approved, with two published
//! items and one waiting for moderation; and one interest form waiting.

use crate::exchange::rules::Valid;
use crate::exchange::store;
use crate::seed::mix;
use crate::state::AppState;

/// Where the Exchange's resources come from in the demo.
const SOURCES: &[&str] = &[
    "U.S. Department of Education, OCTAE",
    "U.S. Department of Labor, ETA",
    "Advance CTE",
    "National Governors Association (NGA)",
    "Jobs for the Future (JFF)",
    "Center for Law and Social Policy (CLASP)",
    "National Skills Coalition (NSC)",
    "Community College Research Center",
];

/// Title patterns for resources: {} is the topic's name or a strategy.
const FORMS: &[&str] = &[
    "A state guide to {}",
    "Toolkit: {}",
    "Lessons from five states: {}",
    "Policy brief: {}",
    "Case study: {}",
    "Webinar recording: {}",
    "Checklist for state teams: {}",
    "Measuring progress on {}",
    "Planning worksheet: {}",
    "Funding options for {}",
];

const EVENT_FORMS: &[&str] = &[
    "Webinar: {}",
    "Peer learning call: {}",
    "Regional convening on {}",
];

const ZONES: &[&str] = &[
    "America/New_York",
    "America/Chicago",
    "America/Denver",
    "America/Los_Angeles",
];

fn lower_first(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_lowercase().collect::<String>() + c.as_str(),
        None => String::new(),
    }
}

fn slug(s: &str) -> String {
    let mut out = String::new();
    for c in s.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.ends_with('-') {
            out.push('-');
        }
    }
    out.trim_matches('-').chars().take(60).collect()
}

/// What one topic offers to write from: its name and sentences about it.
struct Seed {
    key: String,
    name: String,
    lines: Vec<String>,
}

fn seeds(state: &AppState) -> Vec<Seed> {
    let mut out = Vec::new();
    for slug in crate::exchange::topics::TOPIC_FRAMEWORKS {
        let Some(f) = state.frameworks.get(slug) else {
            continue;
        };
        for e in &f.elements {
            let mut lines: Vec<String> = e.strategies.iter().map(|s| s.text.clone()).collect();
            if !e.definition.is_empty() {
                lines.insert(0, e.definition.clone());
            }
            out.push(Seed {
                key: crate::exchange::topics::key_of(slug, &e.key),
                name: e.name.clone(),
                lines,
            });
        }
        for c in &f.components {
            let mut lines = vec![];
            if !c.description.is_empty() {
                lines.push(c.description.clone());
            }
            out.push(Seed {
                key: crate::exchange::topics::key_of(slug, &c.key),
                name: c.name.clone(),
                lines,
            });
        }
    }
    out
}

fn shorten_words(s: &str, words: usize) -> String {
    let w: Vec<&str> = s.split_whitespace().collect();
    if w.len() <= words {
        s.trim_end_matches('.').to_owned()
    } else {
        format!(
            "{}…",
            w[..words].join(" ").trim_end_matches([',', ';', '.'])
        )
    }
}

/// Adds the Exchange's demo data (called once, when the demo is made).
pub async fn fill(state: &AppState) -> anyhow::Result<()> {
    let seeds = seeds(state);
    anyhow::ensure!(
        !seeds.is_empty(),
        "no Exchange topics: the frameworks are missing"
    );
    let all_topics: Vec<String> = seeds.iter().map(|s| s.key.clone()).collect();
    let now = crate::time::now_ms();
    let day = 86_400_000i64;
    let mut tx = state.db.begin().await?;
    let admin = crate::auth::store::find_user_by_email(&mut *tx, "admin@demo.waymark.test")
        .await?
        .ok_or_else(|| anyhow::anyhow!("the demo administrator is missing"))?;
    let mut n: u64 = 0;
    for (t, seed) in seeds.iter().enumerate() {
        // Ten resources and two events per topic.
        for k in 0..12u64 {
            n += 1;
            let h = mix(&[n, 0xe8c4]);
            let event = k >= 10;
            let subject = if seed.lines.is_empty() || k % 2 == 0 {
                lower_first(&seed.name)
            } else {
                lower_first(&shorten_words(
                    &seed.lines[(k as usize / 2) % seed.lines.len()],
                    12,
                ))
            };
            let form = if event {
                EVENT_FORMS[(h % EVENT_FORMS.len() as u64) as usize]
            } else {
                FORMS[((k + t as u64) % FORMS.len() as u64) as usize]
            };
            let title = form.replace("{}", &subject);
            let line = seed
                .lines
                .get((h % seed.lines.len().max(1) as u64) as usize)
                .cloned()
                .unwrap_or_default();
            let summary = format!(
                "For state and local teams working on \u{201c}{}\u{201d}. {} It draws on what states in the Advancing Career and Technical Education in State and Local Career Pathways System initiative learned, with examples and templates to adapt.",
                seed.name,
                if line.is_empty() {
                    String::new()
                } else {
                    format!("It covers: {}", line.trim_end_matches('.')) + "."
                }
            );
            // A second topic now and then, from another framework.
            let mut topics = vec![seed.key.clone()];
            if h.is_multiple_of(3) {
                let other = &all_topics[(h as usize / 7) % all_topics.len()];
                if other != &seed.key {
                    topics.push(other.clone());
                }
            }
            topics.sort();
            let audience = [
                crate::exchange::AUDIENCES[(h % 6) as usize].0,
                crate::exchange::AUDIENCES[((h >> 9) % 6) as usize].0,
            ];
            let mut audience: Vec<&str> = crate::exchange::AUDIENCES
                .iter()
                .map(|(k, _)| *k)
                .filter(|k| audience.contains(k))
                .collect();
            audience.dedup();
            let published = now - ((n * 37) % 720) as i64 * day - 3_600_000;
            let (event, issued_on) = if event {
                // Some past, most in the coming months, on the hour.
                let zone = ZONES[(h % ZONES.len() as u64) as usize];
                let offset = ((h >> 5) % 150) as i64 - 30;
                let date = jiff::Timestamp::from_millisecond(now + offset * day)?
                    .to_zoned(jiff::tz::TimeZone::get(zone)?)
                    .date();
                let start = jiff::civil::time(11 + ((h >> 3) % 5) as i8, 0, 0, 0);
                let starts = crate::activity::to_utc_ms(date, start, zone)
                    .map_err(|e| anyhow::anyhow!(e))?;
                let place = if h.is_multiple_of(4) {
                    "Hyatt Regency, Washington, DC".to_owned()
                } else {
                    "Online".to_owned()
                };
                (
                    Some((starts, starts + 90 * 60_000, zone.to_owned(), place)),
                    date.to_string(),
                )
            } else {
                let issued = jiff::Timestamp::from_millisecond(published - 14 * day)?
                    .to_zoned(jiff::tz::TimeZone::UTC)
                    .date()
                    .to_string();
                (None, issued)
            };
            let valid = Valid {
                kind: if event.is_some() { "event" } else { "resource" },
                url: format!("https://www.example.org/exchange/{}-{n}", slug(&title)),
                title,
                summary,
                source_org: SOURCES[(h % SOURCES.len() as u64) as usize].to_owned(),
                issued_on,
                audience: audience.join(","),
                topics,
                event,
            };
            let uid = valid
                .event
                .is_some()
                .then(|| format!("exchange-demo-{n}@waymark"));
            let id = store::insert(
                &mut tx,
                &valid,
                None,
                "published",
                None,
                Some(admin.id),
                uid.as_deref(),
                published,
            )
            .await?;
            // Published in the past, not now.
            sqlx::query("UPDATE exchange_items SET published_at = $2, created_at = $2, updated_at = $2, moderated_at = $2 WHERE id = $1")
                .bind(id)
                .bind(published)
                .execute(&mut *tx)
                .await?;
        }
    }
    partner(state, &mut tx, admin.id, now).await?;
    tx.commit().await?;
    Ok(())
}

/// The demo partner organization, its items, and a waiting interest form.
async fn partner(
    state: &AppState,
    tx: &mut crate::db::Tx<'_>,
    admin: i64,
    now: i64,
) -> anyhow::Result<()> {
    let day = 86_400_000i64;
    let Some(user) =
        crate::auth::store::find_user_by_email(&mut **tx, "partner@demo.waymark.test").await?
    else {
        return Ok(());
    };
    let org = crate::exchange::rules::Interest {
        organization: "Great Plains Pathways Collaborative".into(),
        website: "https://www.example.org/great-plains".into(),
        contact_name: user.name.clone(),
        contact_email: user.email.clone(),
        about: "Guides and webinars on bridge programs and employer partnerships in rural regions."
            .into(),
    };
    let partner_id = store::insert_partner(&mut **tx, &org, now - 60 * day).await?;
    store::decide_partner(
        tx,
        partner_id,
        "approved",
        Some(user.id),
        "Welcome to the Exchange.",
        admin,
        now - 58 * day,
    )
    .await?;
    let items = [
        (
            "published",
            "Bridge programs for rural adult learners: a field guide",
            "How four rural community colleges built bridge programs that move adult learners from basic skills into credit-bearing career pathway courses, with schedules, staffing and costs.",
            "six-key-elements/programs",
        ),
        (
            "published",
            "Engaging small employers in sector partnerships",
            "Practical steps for bringing small and mid-sized employers into sector partnerships when there are few large employers in the region.",
            "six-key-elements/employers",
        ),
        (
            "pending",
            "Braiding WIOA and Perkins funds for career navigators",
            "A worksheet that shows, line by line, how a region paid for career navigators from two funding streams without double counting.",
            "six-key-elements/funding",
        ),
    ];
    for (i, (status, title, summary, topic)) in items.iter().enumerate() {
        let valid = Valid {
            kind: "resource",
            title: (*title).into(),
            summary: (*summary).into(),
            url: format!("https://www.example.org/great-plains/{}", slug(title)),
            source_org: org.organization.clone(),
            issued_on: jiff::Timestamp::from_millisecond(now - (20 - i as i64 * 5) * day)?
                .to_zoned(jiff::tz::TimeZone::UTC)
                .date()
                .to_string(),
            audience: "local_leaders,educators".into(),
            topics: vec![(*topic).into()],
            event: None,
        };
        let at = now - (18 - i as i64 * 5) * day;
        let id = store::insert(
            tx,
            &valid,
            None,
            "pending",
            Some(partner_id),
            Some(user.id),
            None,
            at,
        )
        .await?;
        if *status == "published" {
            store::moderate(tx, id, "published", "", admin, at + day).await?;
        }
    }
    let waiting = crate::exchange::rules::Interest {
        organization: "Rocky Mountain Skills Alliance".into(),
        website: "https://www.example.org/rmsa".into(),
        contact_name: "Dana Whitfield".into(),
        contact_email: "dana@rmsa.example.org".into(),
        about: "Employer-led apprenticeship guides and monthly webinars for workforce boards."
            .into(),
    };
    store::insert_partner(&mut **tx, &waiting, now - 2 * day).await?;
    let _ = state;
    Ok(())
}

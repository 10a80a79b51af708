//! Large synthetic Exchange data for benchmarks (`waymark seed synthetic
//! --resources M`): published resources and events with varied, realistic
//! wording (so full-text search has real work to do), each tagged with one
//! to three topics. The same every time for the same count.

use indicatif::{ProgressBar, ProgressStyle};

use crate::db::Backend;
use crate::seed::mix;
use crate::state::AppState;

/// Rows per INSERT: few enough for SQLite's and PostgreSQL's limits on
/// bound values, many enough to be quick.
const CHUNK: usize = 500;

const SUBJECTS: &[&str] = &[
    "sector partnerships",
    "employer engagement",
    "adult education transitions",
    "stackable credentials",
    "integrated education and training",
    "bridge programs",
    "dual enrollment",
    "work-based learning",
    "apprenticeship",
    "labor market information",
    "policy alignment",
    "braided funding",
    "student support services",
    "career navigation",
    "program evaluation",
    "data sharing agreements",
    "credit transfer",
    "professional development for instructors",
    "competency-based assessment",
    "industry-recognized credentials",
    "rural career pathways",
    "English language learners",
    "justice-involved adults",
    "health care pathways",
    "advanced manufacturing",
    "information technology careers",
];

const FORMS: &[&str] = &[
    "A guide to",
    "Lessons from states on",
    "A toolkit for",
    "Measuring progress in",
    "Scaling",
    "Funding",
    "Case study:",
    "Webinar recording:",
    "Policy brief on",
    "Checklist for",
];

const SOURCES: &[&str] = &[
    "U.S. Department of Education, OCTAE",
    "U.S. Department of Labor, Employment and Training Administration",
    "U.S. Department of Health and Human Services",
    "National Governors Association",
    "Advance CTE",
    "Jobs for the Future",
    "National Skills Coalition",
    "Center for Law and Social Policy",
    "Community College Research Center",
    "A state workforce board",
];

const SENTENCES: &[&str] = &[
    "It describes how state agencies worked together to align policies and share data.",
    "Employers helped design the curriculum and committed to interview graduates.",
    "The resource includes templates, sample agreements and a short self-assessment.",
    "Adult learners moved from basic skills instruction into credit-bearing courses faster.",
    "Advisors used labor market information to guide students toward in-demand occupations.",
    "The authors compare funding streams and explain how to braid them legally.",
    "Instructors were trained to contextualize basic skills within technical courses.",
    "Outcomes were tracked across education and workforce systems for three years.",
    "Local partners adapted the model for rural regions with few large employers.",
    "Credentials were stacked so that each step leads to work and to further study.",
];

const SETTINGS: &[&str] = &[
    "community colleges",
    "adult education programs",
    "high schools",
    "workforce boards",
    "correctional education",
    "regional partnerships",
    "technical colleges",
    "one-stop career centers",
    "tribal colleges",
    "libraries",
    "refugee services",
    "youth programs",
];

const PLACES: &[&str] = &[
    "Alabama",
    "Alaska",
    "Arizona",
    "Arkansas",
    "California",
    "Colorado",
    "Connecticut",
    "Delaware",
    "Florida",
    "Georgia",
    "Hawaii",
    "Idaho",
    "Illinois",
    "Indiana",
    "Iowa",
    "Kansas",
    "Kentucky",
    "Louisiana",
    "Maine",
    "Maryland",
    "Massachusetts",
    "Michigan",
    "Minnesota",
    "Mississippi",
    "Missouri",
    "Montana",
    "Nebraska",
    "Nevada",
    "New Hampshire",
    "New Jersey",
    "New Mexico",
    "New York",
    "North Carolina",
    "North Dakota",
    "Ohio",
    "Oklahoma",
    "Oregon",
    "Pennsylvania",
    "Rhode Island",
    "South Carolina",
    "South Dakota",
    "Tennessee",
    "Texas",
    "Utah",
    "Vermont",
    "Virginia",
    "Washington",
    "West Virginia",
    "Wisconsin",
    "Wyoming",
];

/// Makes `count` published items (about one in ten an event), reporting
/// progress on a bar; returns how many were made.
pub async fn resources(state: &AppState, count: usize) -> anyhow::Result<usize> {
    let topics = crate::exchange::topics::all(&state.frameworks);
    // The frameworks' own strategies and component descriptions give the
    // summaries a real vocabulary, next to a few sentences of our own.
    let sentences: Vec<String> = state
        .frameworks
        .frameworks
        .iter()
        .flat_map(|f| {
            f.elements
                .iter()
                .flat_map(|e| e.strategies.iter().map(|s| s.text.clone()))
                .chain(f.components.iter().map(|c| c.description.clone()))
        })
        .filter(|t| !t.is_empty())
        .chain(SENTENCES.iter().map(|s| (*s).to_owned()))
        .collect();
    anyhow::ensure!(!topics.is_empty(), "no topics: the frameworks are missing");
    let bar = ProgressBar::new(count as u64);
    bar.set_style(
        ProgressStyle::with_template("{msg} [{bar:40}] {pos}/{len} items ({eta} left)")
            .expect("a valid template"),
    );
    bar.set_message("Exchange resources and events");
    let db = &state.db;
    let mut tx = db.begin().await?;
    let first: i64 =
        sqlx::query_scalar("SELECT CAST(COALESCE(MAX(id), 0) AS BIGINT) FROM exchange_items")
            .fetch_one(&mut *tx)
            .await?;
    let now = crate::time::now_ms();
    let day = 86_400_000i64;
    let mut made = 0usize;
    while made < count {
        let n = CHUNK.min(count - made);
        let mut items = String::from(
            "INSERT INTO exchange_items (id, kind, title, summary, url, source_org, issued_on, audience,
             starts_at, ends_at, time_zone, uid, status, published_at, created_at, updated_at) VALUES ",
        );
        let mut tags = String::from("INSERT INTO exchange_item_topics (item_id, topic) VALUES ");
        let mut item_rows = Vec::with_capacity(n);
        let mut tag_rows: Vec<(i64, &str)> = Vec::new();
        for i in 0..n {
            let id = first + (made + i) as i64 + 1;
            let h = mix(&[id as u64, 0x5eed]);
            let pick =
                |list: &[&'static str], salt: u64| list[(mix(&[h, salt]) as usize) % list.len()];
            let event = h.is_multiple_of(10);
            let subject = pick(SUBJECTS, 1);
            let place = pick(PLACES, 6);
            let title = format!(
                "{} {subject} for {} in {place} ({id})",
                pick(FORMS, 2),
                pick(SETTINGS, 7)
            );
            let sentence = |salt: u64| &sentences[(mix(&[h, salt]) as usize) % sentences.len()];
            let summary = format!(
                "{} {} This item is about {subject} in {place}.",
                sentence(3),
                sentence(4)
            );
            // Spread over the last three years, newest last.
            let published = now - ((count - made - i) as i64 % 1095) * day;
            let issued = jiff::Timestamp::from_millisecond(published)?
                .to_zoned(jiff::tz::TimeZone::UTC)
                .date()
                .to_string();
            let audience = [
                crate::exchange::AUDIENCES[(h % 6) as usize].0,
                crate::exchange::AUDIENCES[((h >> 8) % 6) as usize].0,
            ];
            let audience = if audience[0] == audience[1] {
                audience[0].to_owned()
            } else {
                audience.join(",")
            };
            let (starts, ends, zone, uid) = if event {
                let starts = published + 30 * day;
                (
                    Some(starts),
                    Some(starts + 3_600_000),
                    Some("America/New_York"),
                    Some(format!("synthetic-{id}@exchange.waymark")),
                )
            } else {
                (None, None, None, None)
            };
            item_rows.push((
                id,
                if event { "event" } else { "resource" },
                title,
                summary,
                format!("https://www.example.org/resources/{id}"),
                pick(SOURCES, 5),
                issued,
                audience,
                starts,
                ends,
                zone,
                uid,
                published,
            ));
            let mut chosen: Vec<&str> = (0..1 + (h >> 16) % 3)
                .map(|k| {
                    topics[(mix(&[h, 10 + k]) as usize) % topics.len()]
                        .key
                        .as_str()
                })
                .collect();
            chosen.sort_unstable();
            chosen.dedup();
            tag_rows.extend(chosen.into_iter().map(|t| (id, t)));
        }
        for k in 0..item_rows.len() {
            let b = k * 15;
            if k > 0 {
                items.push(',');
            }
            items.push_str(&format!(
                "(${},${},${},${},${},${},${},${},${},${},${},${},'published',${},${},${})",
                b + 1,
                b + 2,
                b + 3,
                b + 4,
                b + 5,
                b + 6,
                b + 7,
                b + 8,
                b + 9,
                b + 10,
                b + 11,
                b + 12,
                b + 13,
                b + 14,
                b + 15
            ));
        }
        let mut q = sqlx::query(sqlx::AssertSqlSafe(items));
        for (
            id,
            kind,
            title,
            summary,
            url,
            source,
            issued,
            audience,
            starts,
            ends,
            zone,
            uid,
            published,
        ) in item_rows
        {
            q = q
                .bind(id)
                .bind(kind)
                .bind(title)
                .bind(summary)
                .bind(url)
                .bind(source)
                .bind(issued)
                .bind(audience)
                .bind(starts)
                .bind(ends)
                .bind(zone)
                .bind(uid)
                .bind(published)
                .bind(published)
                .bind(published);
        }
        q.execute(&mut *tx).await?;
        for (k, _) in tag_rows.iter().enumerate() {
            if k > 0 {
                tags.push(',');
            }
            tags.push_str(&format!("(${},${})", 2 * k + 1, 2 * k + 2));
        }
        let mut q = sqlx::query(sqlx::AssertSqlSafe(tags));
        for (id, topic) in tag_rows {
            q = q.bind(id).bind(topic);
        }
        q.execute(&mut *tx).await?;
        made += n;
        bar.set_position(made as u64);
    }
    if db.backend == Backend::Postgres {
        // The ids were given explicitly: move the sequence past them.
        sqlx::query("SELECT setval(pg_get_serial_sequence('exchange_items', 'id'), (SELECT MAX(id) FROM exchange_items))")
            .execute(&mut *tx)
            .await?;
    }
    tx.commit().await?;
    bar.finish_with_message("Exchange resources and events made");
    Ok(made)
}

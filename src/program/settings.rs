//! Changing a program after it is created: its names, clock, deadline,
//! timeline dates, framework, key questions, required sectors and rubric.
//! `check` holds the rules; `save` does the change in one transaction.

use jiff::civil::Date;
use serde::{Deserialize, Deserializer, Serialize};

use super::create::{FieldErrors, check_deadline};
use crate::team::Sector;

pub const MAX_QUESTIONS: usize = 20;
pub const MAX_CRITERIA: usize = 12;

/// One milestone's dates, as typed.
#[derive(Debug, Clone, Default, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct MilestoneDates {
    /// The milestone's key, as in the program's timeline.
    pub key: String,
    /// YYYY-MM-DD.
    pub starts: String,
    /// YYYY-MM-DD, or empty for a single date.
    #[serde(deserialize_with = "text_or_null")]
    pub ends: String,
}

/// One key question, as typed: an existing one keeps its id.
#[derive(Debug, Clone, Default, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct QuestionText {
    /// The question's id; leave it out for a new question.
    pub id: Option<i64>,
    pub question: String,
}

/// One rubric criterion, as typed: an existing one keeps its id.
#[derive(Debug, Clone, Default, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct CriterionWeight {
    /// The criterion's id; leave it out for a new criterion.
    pub id: Option<i64>,
    pub criterion: String,
    /// Whole percent; the weights add up to 100.
    #[serde(
        deserialize_with = "text_or_number",
        serialize_with = "number_if_whole"
    )]
    #[schema(value_type = i64)]
    pub weight: String,
}

/// The whole of a program's settings (the API's PUT and the settings page).
/// Questions and criteria are in the order given; a question or criterion
/// left out is removed.
#[derive(Debug, Clone, Default, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct ProgramSettings {
    pub name: String,
    pub sponsor: String,
    pub provider: String,
    /// IANA time zone, e.g. America/New_York.
    pub time_zone: String,
    /// The application deadline's date, YYYY-MM-DD.
    pub deadline_date: String,
    /// The deadline's time on the program's clock, HH:MM (24-hour).
    pub deadline_time: String,
    /// six-key-elements or programs-of-study.
    pub framework: String,
    pub milestones: Vec<MilestoneDates>,
    pub key_questions: Vec<QuestionText>,
    /// Sector codes, e.g. secondary_cte; at least one.
    pub required_sectors: Vec<String>,
    pub rubric: Vec<CriterionWeight>,
}

fn text_or_null<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    Ok(Option::<String>::deserialize(d)?.unwrap_or_default())
}

/// A weight goes out as a number (as typed if it is not one).
fn number_if_whole<S: serde::Serializer>(w: &str, s: S) -> Result<S::Ok, S::Error> {
    match w.trim().parse::<i64>() {
        Ok(n) => s.serialize_i64(n),
        Err(_) => s.serialize_str(w),
    }
}

/// A weight sent as 40 or as "40".
fn text_or_number<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum W {
        N(serde_json::Number),
        S(String),
    }
    Ok(match Option::<W>::deserialize(d)? {
        Some(W::N(n)) => n.to_string(),
        Some(W::S(s)) => s,
        None => String::new(),
    })
}

/// What the program has now that the rules depend on.
#[derive(Debug, Clone, Default)]
pub struct Current {
    /// (key, label) of each milestone, in order.
    pub milestones: Vec<(String, String)>,
    /// (id, question, number of applications that answered it).
    pub questions: Vec<(i64, String, i64)>,
    pub criteria: Vec<i64>,
    /// Whether any reviewer has scored an application of the program.
    pub scored: bool,
    /// The slugs of the frameworks a program can follow (from the registry).
    pub frameworks: Vec<String>,
    /// Keys of the milestones shown as a month ("July 2016"), not a day.
    pub monthly: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValidSettings {
    pub name: String,
    pub sponsor: String,
    pub provider: String,
    pub time_zone: String,
    pub due_at_ms: i64,
    pub framework: String,
    /// (key, starts, ends)
    pub milestones: Vec<(String, Date, Option<Date>)>,
    /// (existing id or None, text), in order.
    pub questions: Vec<(Option<i64>, String)>,
    /// Existing questions to remove (none has answers).
    pub removed_questions: Vec<i64>,
    pub sectors: Vec<Sector>,
    /// (existing id or None, criterion, weight), in order.
    pub criteria: Vec<(Option<i64>, String, i64)>,
    pub removed_criteria: Vec<i64>,
}

pub fn check(req: &ProgramSettings, current: &Current) -> Result<ValidSettings, FieldErrors> {
    let mut errors = FieldErrors::new();
    let name = req.name.trim().to_owned();
    if name.is_empty() || name.chars().count() > 120 {
        errors.push((
            "name",
            "Enter the program's name (up to 120 characters).".into(),
        ));
    }
    let sponsor = req.sponsor.trim().to_owned();
    if sponsor.is_empty() || sponsor.chars().count() > 200 {
        errors.push((
            "sponsor",
            "Enter the sponsor, like U.S. Department of Education, OCTAE.".into(),
        ));
    }
    let provider = req.provider.trim().to_owned();
    if provider.is_empty() || provider.chars().count() > 200 {
        errors.push((
            "provider",
            "Enter the technical assistance provider.".into(),
        ));
    }
    crate::web::text::check_one_line(
        &mut errors,
        &[
            ("name", &name),
            ("sponsor", &sponsor),
            ("provider", &provider),
        ],
    );
    let time_zone = req.time_zone.trim().to_owned();
    let due = check_deadline(
        &req.deadline_date,
        &req.deadline_time,
        &time_zone,
        &mut errors,
    );
    let framework = req.framework.trim().to_owned();
    if !current.frameworks.contains(&framework) {
        errors.push(("framework", "Choose a framework.".into()));
    }

    // Milestones: every one of the program's, each with a start date and
    // an end that is not before it.
    let mut milestones = Vec::new();
    let mut milestone_problems = Vec::new();
    for m in &req.milestones {
        if !current.milestones.iter().any(|(k, _)| *k == m.key) {
            milestone_problems.push(format!(
                "'{}' is not one of this program's milestones.",
                m.key
            ));
        }
    }
    for (key, label) in &current.milestones {
        let given: Vec<_> = req.milestones.iter().filter(|m| m.key == *key).collect();
        let Some(m) = given.first() else {
            milestone_problems.push(format!("Give the dates of '{label}'."));
            continue;
        };
        if given.len() > 1 {
            milestone_problems.push(format!("'{label}' is given twice."));
            continue;
        }
        let Ok(starts) = m.starts.trim().parse::<Date>() else {
            milestone_problems.push(format!(
                "Enter the start of '{label}' as YYYY-MM-DD, like 2016-10-01."
            ));
            continue;
        };
        let ends = if m.ends.trim().is_empty() {
            None
        } else {
            match m.ends.trim().parse::<Date>() {
                Ok(d) if d < starts => {
                    milestone_problems.push(format!(
                        "The end of '{label}' is before its start; choose an end on or after the start."
                    ));
                    continue;
                }
                Ok(d) => Some(d),
                Err(_) => {
                    milestone_problems.push(format!(
                        "Enter the end of '{label}' as YYYY-MM-DD, or leave it empty."
                    ));
                    continue;
                }
            }
        };
        milestones.push((key.clone(), starts, ends));
    }
    if !milestone_problems.is_empty() {
        errors.push(("milestones", milestone_problems.join(" ")));
    }

    // Key questions: kept ones keep their ids; one with answers stays.
    let mut questions = Vec::new();
    let mut question_problems = Vec::new();
    for (i, q) in req.key_questions.iter().enumerate() {
        let text = q.question.trim().to_owned();
        if let Some(id) = q.id {
            if !current.questions.iter().any(|(qid, _, _)| *qid == id) {
                question_problems.push(format!(
                    "Question {} is not one of this program's questions.",
                    i + 1
                ));
                continue;
            }
            if req.key_questions[..i].iter().any(|x| x.id == Some(id)) {
                question_problems.push(format!("Question {} is given twice.", i + 1));
                continue;
            }
        }
        if text.is_empty() || text.chars().count() > 1000 {
            question_problems.push(format!(
                "Write question {} (up to 1,000 characters), or remove it.",
                i + 1
            ));
            continue;
        }
        if !crate::web::text::is_one_line(&text) {
            question_problems.push(format!(
                "Write question {} on one line, with no line breaks or tabs.",
                i + 1
            ));
            continue;
        }
        questions.push((q.id, text));
    }
    if req.key_questions.is_empty() {
        question_problems.push("Keep at least one key question.".into());
    }
    if req.key_questions.len() > MAX_QUESTIONS {
        question_problems.push(format!("Keep to at most {MAX_QUESTIONS} key questions."));
    }
    let mut removed_questions = Vec::new();
    for (id, text, answers) in &current.questions {
        if req.key_questions.iter().any(|q| q.id == Some(*id)) {
            continue;
        }
        if *answers > 0 {
            question_problems.push(format!(
                "The question \"{text}\" cannot be removed: {answers} {} already answered it. You can change its wording instead.",
                if *answers == 1 { "application has" } else { "applications have" }
            ));
        } else {
            removed_questions.push(*id);
        }
    }
    if !question_problems.is_empty() {
        errors.push(("key_questions", question_problems.join(" ")));
    }

    let mut sectors = Vec::new();
    for s in &req.required_sectors {
        match Sector::parse(s) {
            Some(sector) if !sectors.contains(&sector) => sectors.push(sector),
            Some(_) => {}
            None => {
                errors.push((
                    "required_sectors",
                    format!("'{s}' is not a sector we know."),
                ));
                break;
            }
        }
    }
    sectors.sort();
    if req.required_sectors.is_empty() {
        errors.push((
            "required_sectors",
            "Choose at least one sector every state team must include.".into(),
        ));
    }

    // Rubric: whole-percent weights adding up to 100; once scored, the
    // same criteria (weights may still change).
    let mut criteria = Vec::new();
    let mut rubric_problems = Vec::new();
    for (i, c) in req.rubric.iter().enumerate() {
        let criterion = c.criterion.trim().to_owned();
        if let Some(id) = c.id
            && (!current.criteria.contains(&id) || req.rubric[..i].iter().any(|x| x.id == Some(id)))
        {
            rubric_problems.push(format!(
                "Criterion {} is not one of this program's criteria.",
                i + 1
            ));
            continue;
        }
        if criterion.is_empty() || criterion.chars().count() > 200 {
            rubric_problems.push(format!(
                "Name criterion {} (up to 200 characters), or remove it.",
                i + 1
            ));
            continue;
        }
        if !crate::web::text::is_one_line(&criterion) {
            rubric_problems.push(format!(
                "Name criterion {} on one line, with no line breaks or tabs.",
                i + 1
            ));
            continue;
        }
        match c.weight.trim().parse::<i64>() {
            Ok(w) if (0..=100).contains(&w) => criteria.push((c.id, criterion, w)),
            _ => rubric_problems.push(format!(
                "Give the weight of \"{criterion}\" as a whole percent from 0 to 100."
            )),
        }
    }
    if req.rubric.is_empty() {
        rubric_problems.push("Keep at least one rubric criterion.".into());
    }
    if req.rubric.len() > MAX_CRITERIA {
        rubric_problems.push(format!("Keep to at most {MAX_CRITERIA} criteria."));
    }
    if rubric_problems.is_empty() {
        let total: i64 = criteria.iter().map(|(_, _, w)| w).sum();
        if total != 100 {
            rubric_problems.push(format!(
                "The weights add up to {total}%; make them add up to 100%."
            ));
        }
    }
    let removed_criteria: Vec<i64> = current
        .criteria
        .iter()
        .copied()
        .filter(|id| !req.rubric.iter().any(|c| c.id == Some(*id)))
        .collect();
    let added = req.rubric.iter().any(|c| c.id.is_none());
    if current.scored && (added || !removed_criteria.is_empty()) {
        rubric_problems.push(
            "Reviewers have already scored applications against this rubric, so criteria cannot be added or removed. You can still change their names and weights."
                .into(),
        );
    }
    if !rubric_problems.is_empty() {
        errors.push(("rubric", rubric_problems.join(" ")));
    }

    match (errors.is_empty(), due) {
        (true, Some(due)) => Ok(ValidSettings {
            name,
            sponsor,
            provider,
            time_zone,
            due_at_ms: due.as_millisecond(),
            framework,
            milestones,
            questions,
            removed_questions,
            sectors,
            criteria,
            removed_criteria,
        }),
        _ => Err(errors),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn current() -> Current {
        Current {
            milestones: vec![
                ("application_due".into(), "Application due".into()),
                ("coaching_calls".into(), "Monthly coaching calls".into()),
            ],
            questions: vec![(10, "Why now?".into(), 0), (11, "Who leads?".into(), 2)],
            criteria: vec![20, 21],
            scored: false,
            monthly: vec!["coaching_calls".into()],
            frameworks: crate::framework::load::builtin()
                .choosable()
                .iter()
                .map(|f| f.slug.clone())
                .collect(),
        }
    }

    fn req() -> ProgramSettings {
        ProgramSettings {
            name: "Advancing Career Pathways 2016".into(),
            sponsor: "OCTAE".into(),
            provider: "MSG".into(),
            time_zone: "America/New_York".into(),
            deadline_date: "2016-06-01".into(),
            deadline_time: "15:00".into(),
            framework: "programs-of-study".into(),
            milestones: vec![
                MilestoneDates {
                    key: "application_due".into(),
                    starts: "2016-06-01".into(),
                    ends: "".into(),
                },
                MilestoneDates {
                    key: "coaching_calls".into(),
                    starts: "2016-10-01".into(),
                    ends: "2017-08-01".into(),
                },
            ],
            key_questions: vec![
                QuestionText {
                    id: Some(11),
                    question: "Who leads the work?".into(),
                },
                QuestionText {
                    id: Some(10),
                    question: "Why now?".into(),
                },
            ],
            required_sectors: vec!["justice".into(), "secondary_cte".into()],
            rubric: vec![
                CriterionWeight {
                    id: Some(20),
                    criterion: "Answers".into(),
                    weight: "60".into(),
                },
                CriterionWeight {
                    id: Some(21),
                    criterion: "Team".into(),
                    weight: "40".into(),
                },
            ],
        }
    }

    fn fields(r: ProgramSettings, c: &Current) -> Vec<&'static str> {
        check(&r, c)
            .unwrap_err()
            .into_iter()
            .map(|(f, _)| f)
            .collect()
    }

    fn message(r: ProgramSettings, c: &Current, field: &str) -> String {
        check(&r, c)
            .unwrap_err()
            .into_iter()
            .find(|(f, _)| *f == field)
            .map(|(_, m)| m)
            .unwrap_or_default()
    }

    #[test]
    fn names_questions_and_criteria_are_one_line() {
        let mut r = req();
        r.sponsor = "OCTAE\r\nBcc: x@y.gov".into();
        r.key_questions[0].question = "Who\tleads?".into();
        r.rubric[0].criterion = "Need\nand fit".into();
        assert_eq!(
            fields(r.clone(), &current()),
            ["sponsor", "key_questions", "rubric"]
        );
        assert_eq!(
            message(r.clone(), &current(), "sponsor"),
            crate::web::text::ONE_LINE
        );
        assert!(message(r, &current(), "key_questions").contains("one line"));
    }

    #[test]
    fn good_settings_keep_ids_and_order() {
        let v = check(&req(), &current()).unwrap();
        assert_eq!(v.due_at_ms, 1_464_807_600_000);
        assert_eq!(v.framework, "programs-of-study");
        assert_eq!(
            v.questions,
            vec![
                (Some(11), "Who leads the work?".to_owned()),
                (Some(10), "Why now?".to_owned())
            ]
        );
        assert!(v.removed_questions.is_empty());
        assert_eq!(v.sectors, vec![Sector::SecondaryCte, Sector::Justice]);
        assert_eq!(v.milestones[1].2, Some(Date::new(2017, 8, 1).unwrap()));
        assert_eq!(
            crate::framework::load::builtin().name_of("six-key-elements"),
            "Career Pathways Six Key Elements"
        );
    }

    #[test]
    fn a_question_without_answers_can_go_one_with_answers_cannot() {
        let mut r = req();
        r.key_questions.retain(|q| q.id != Some(10));
        r.key_questions.push(QuestionText {
            id: None,
            question: "A new question?".into(),
        });
        let v = check(&r, &current()).unwrap();
        assert_eq!(v.removed_questions, vec![10]);
        assert_eq!(v.questions[1], (None, "A new question?".to_owned()));

        let mut r = req();
        r.key_questions.retain(|q| q.id != Some(11));
        let m = message(r, &current(), "key_questions");
        assert!(
            m.contains("\"Who leads?\" cannot be removed: 2 applications have already answered it"),
            "{m}"
        );
    }

    #[test]
    fn weights_are_whole_percents_adding_up_to_100() {
        let mut r = req();
        r.rubric[1].weight = "30".into();
        assert_eq!(
            message(r, &current(), "rubric"),
            "The weights add up to 90%; make them add up to 100%."
        );
        let mut r = req();
        r.rubric[1].weight = "39.5".into();
        assert!(message(r, &current(), "rubric").contains("whole percent"));
        let mut r = req();
        r.rubric[0].weight = "-10".into();
        r.rubric[1].weight = "110".into();
        assert_eq!(fields(r, &current()), ["rubric"]);
    }

    #[test]
    fn once_scored_criteria_stay_but_weights_move() {
        let scored = Current {
            scored: true,
            ..current()
        };
        let mut r = req();
        r.rubric[0].weight = "50".into();
        r.rubric[1].weight = "50".into();
        assert!(check(&r, &scored).is_ok(), "weights may change");
        let mut r = req();
        r.rubric.push(CriterionWeight {
            id: None,
            criterion: "Commitment".into(),
            weight: "0".into(),
        });
        assert!(message(r, &scored, "rubric").contains("cannot be added or removed"));
        let mut r = req();
        r.rubric.remove(1);
        r.rubric[0].weight = "100".into();
        assert!(message(r.clone(), &scored, "rubric").contains("cannot be added or removed"));
        assert!(check(&r, &current()).is_ok(), "before scoring, it may go");
    }

    #[test]
    fn milestone_ends_are_not_before_starts() {
        let mut r = req();
        r.milestones[1].ends = "2016-09-30".into();
        assert!(
            message(r, &current(), "milestones")
                .contains("The end of 'Monthly coaching calls' is before its start")
        );
        let mut r = req();
        r.milestones[1].ends = "2016-10-01".into();
        assert!(check(&r, &current()).is_ok(), "the same day is fine");
        let mut r = req();
        r.milestones.pop();
        assert!(message(r, &current(), "milestones").contains("Give the dates of"));
        let mut r = req();
        r.milestones[0].starts = "June 1".into();
        assert_eq!(fields(r, &current()), ["milestones"]);
    }

    #[test]
    fn mistakes_are_named_by_field() {
        assert_eq!(
            fields(
                ProgramSettings {
                    framework: "astrology".into(),
                    ..req()
                },
                &current()
            ),
            ["framework"]
        );
        assert_eq!(
            fields(
                ProgramSettings {
                    required_sectors: vec![],
                    ..req()
                },
                &current()
            ),
            ["required_sectors"]
        );
        assert_eq!(
            fields(
                ProgramSettings {
                    deadline_date: "2016-03-13".into(),
                    deadline_time: "02:30".into(),
                    ..req()
                },
                &current()
            ),
            ["deadline_time"]
        );
        assert_eq!(
            fields(ProgramSettings::default(), &current()),
            [
                "name",
                "sponsor",
                "provider",
                "time_zone",
                "deadline_date",
                "deadline_time",
                "framework",
                "milestones",
                "key_questions",
                "required_sectors",
                "rubric"
            ]
        );
    }

    #[test]
    fn weights_arrive_as_numbers_or_text() {
        let c: CriterionWeight =
            serde_json::from_str(r#"{"criterion": "A", "weight": 40}"#).unwrap();
        assert_eq!(c.weight, "40");
        let c: CriterionWeight =
            serde_json::from_str(r#"{"criterion": "A", "weight": "40"}"#).unwrap();
        assert_eq!(c.weight, "40");
        let m: MilestoneDates =
            serde_json::from_str(r#"{"key": "k", "starts": "2016-01-01", "ends": null}"#).unwrap();
        assert_eq!(m.ends, "");
        let out = serde_json::to_value(CriterionWeight {
            id: Some(1),
            criterion: "A".into(),
            weight: "40".into(),
        })
        .unwrap();
        assert_eq!(out["weight"], 40);
    }
}

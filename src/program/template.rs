//! Program templates. The built-in one is the intensive TA year of seed 000
//! (Advancing Career Pathways, 2016): its timeline and the commitments each
//! state makes. A second, general TA track serves states not in the
//! intensive cohort (seed 002). Dates are laid out from the year the
//! program starts; every date stays editable per program.

use jiff::civil::Date;
use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Precision {
    /// A date ("April 14, 2016").
    Day,
    /// A month ("July 2016").
    Month,
}

impl Precision {
    pub fn as_str(self) -> &'static str {
        match self {
            Precision::Day => "day",
            Precision::Month => "month",
        }
    }

    pub fn parse(s: &str) -> Option<Precision> {
        match s {
            "day" => Some(Precision::Day),
            "month" => Some(Precision::Month),
            _ => None,
        }
    }
}

/// One line of a program's timeline.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Milestone {
    pub key: String,
    pub label: String,
    #[schema(value_type = String, format = Date)]
    pub starts: Date,
    /// For a period ("October 2016 - August 2017").
    #[schema(value_type = Option<String>, format = Date)]
    pub ends: Option<Date>,
    pub precision: Precision,
}

impl Milestone {
    /// The date or period in words.
    pub fn when(&self) -> String {
        let one = |d: Date| match self.precision {
            Precision::Day => d.strftime("%B %-d, %Y").to_string(),
            Precision::Month => d.strftime("%B %Y").to_string(),
        };
        match self.ends {
            Some(end) => format!("{} to {}", one(self.starts), one(end)),
            None => one(self.starts),
        }
    }
}

/// How often a commitment recurs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case", tag = "kind", content = "times")]
pub enum Cadence {
    Once,
    Monthly,
    Quarterly,
    /// A number of times over the program year.
    Times(u8),
    /// Throughout the year, as the states arrange.
    Ongoing,
}

impl Cadence {
    pub fn describe(self) -> String {
        match self {
            Cadence::Once => "once".into(),
            Cadence::Monthly => "every month".into(),
            Cadence::Quarterly => "every quarter".into(),
            Cadence::Times(n) => format!("{n} times in the year"),
            Cadence::Ongoing => "throughout the year".into(),
        }
    }
}

/// A TA activity each state commits to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Commitment {
    pub key: String,
    pub label: String,
    pub cadence: Cadence,
}

/// A milestone before it has a year: (years after the start year, month, day).
#[derive(Debug)]
struct Step {
    key: &'static str,
    label: &'static str,
    starts: (i16, i8, Option<i8>),
    ends: Option<(i16, i8)>,
}

#[derive(Debug)]
pub struct Template {
    pub key: &'static str,
    pub name: &'static str,
    pub track: &'static str,
    steps: &'static [Step],
    commitments: &'static [(&'static str, &'static str, Cadence)],
    /// The application deadline: (month, day, hour) on the program's clock.
    pub deadline: (i8, i8, i8),
}

const INTENSIVE_STEPS: &[Step] = &[
    Step {
        key: "application_available",
        label: "TA application for participation available",
        starts: (0, 4, Some(14)),
        ends: None,
    },
    Step {
        key: "recruitment_webinar",
        label: "Recruitment webinar",
        starts: (0, 4, Some(14)),
        ends: None,
    },
    Step {
        key: "application_due",
        label: "Application for participation due",
        starts: (0, 6, Some(1)),
        ends: None,
    },
    Step {
        key: "selection",
        label: "Selection finalized and states notified",
        starts: (0, 7, None),
        ends: None,
    },
    Step {
        key: "kickoff",
        label: "Kick-off meeting for all state teams (virtual)",
        starts: (0, 8, None),
        ends: None,
    },
    Step {
        key: "readiness_assessment",
        label: "Complete readiness assessment",
        starts: (0, 9, None),
        ends: None,
    },
    Step {
        key: "first_coaching_call",
        label: "First coaching call",
        starts: (0, 9, None),
        ends: None,
    },
    Step {
        key: "coaching_calls",
        label: "Monthly coaching calls",
        starts: (0, 10, None),
        ends: Some((1, 8)),
    },
    Step {
        key: "peer_mentoring",
        label: "Participate in peer mentoring with another state",
        starts: (0, 10, None),
        ends: Some((1, 8)),
    },
    Step {
        key: "site_visits",
        label: "Two site visits (scheduled by state and coach)",
        starts: (0, 10, None),
        ends: Some((1, 7)),
    },
    Step {
        key: "webinars",
        label: "Quarterly webinars with all participating state teams",
        starts: (0, 10, None),
        ends: Some((1, 8)),
    },
];

const INTENSIVE_COMMITMENTS: &[(&str, &str, Cadence)] = &[
    (
        "readiness_assessment",
        "A state readiness assessment that will drive the customized TA",
        Cadence::Once,
    ),
    ("coaching_call", "Monthly coaching calls", Cadence::Monthly),
    (
        "site_visit",
        "Two, two-day onsite meetings with the TA coach at a site determined by the state",
        Cadence::Times(2),
    ),
    (
        "webinar",
        "Quarterly webinars with other participating states",
        Cadence::Quarterly,
    ),
    (
        "planning_time",
        "Dedicated, monthly planning time for the state team",
        Cadence::Monthly,
    ),
    (
        "peer_mentoring",
        "Peer mentoring with another state",
        Cadence::Ongoing,
    ),
    (
        "action_plan",
        "Create and execute a plan to advance the state's career pathways system",
        Cadence::Once,
    ),
];

const GENERAL_STEPS: &[Step] = &[
    Step {
        key: "application_available",
        label: "Requests for general TA open",
        starts: (0, 4, Some(14)),
        ends: None,
    },
    Step {
        key: "application_due",
        label: "Requests for general TA due",
        starts: (0, 6, Some(1)),
        ends: None,
    },
    Step {
        key: "priorities",
        label: "States choose their priority components",
        starts: (0, 9, None),
        ends: None,
    },
    Step {
        key: "virtual_mentoring",
        label: "Virtual mentoring and webinars",
        starts: (0, 10, None),
        ends: Some((1, 8)),
    },
];

const GENERAL_COMMITMENTS: &[(&str, &str, Cadence)] = &[
    (
        "priority_components",
        "Choose the components the state wants help with",
        Cadence::Once,
    ),
    (
        "virtual_mentoring",
        "Virtual mentoring sessions",
        Cadence::Ongoing,
    ),
    ("webinar", "Quarterly webinars", Cadence::Quarterly),
];

pub const TEMPLATES: &[Template] = &[
    Template {
        key: "intensive",
        name: "Intensive TA year (Advancing Career Pathways)",
        track: "intensive",
        steps: INTENSIVE_STEPS,
        commitments: INTENSIVE_COMMITMENTS,
        deadline: (6, 1, 15),
    },
    Template {
        key: "general",
        name: "General TA (virtual mentoring)",
        track: "general",
        steps: GENERAL_STEPS,
        commitments: GENERAL_COMMITMENTS,
        deadline: (6, 1, 15),
    },
];

pub fn find(key: &str) -> Option<&'static Template> {
    TEMPLATES.iter().find(|t| t.key == key)
}

impl Template {
    /// The timeline for a program that starts in `year`.
    pub fn timeline(&self, year: i16) -> Vec<Milestone> {
        self.steps
            .iter()
            .map(|s| {
                let (dy, month, day) = s.starts;
                Milestone {
                    key: s.key.into(),
                    label: s.label.into(),
                    starts: Date::new(year + dy, month, day.unwrap_or(1))
                        .expect("template dates are valid"),
                    ends: s.ends.map(|(ey, em)| {
                        Date::new(year + ey, em, 1).expect("template dates are valid")
                    }),
                    precision: if day.is_some() {
                        Precision::Day
                    } else {
                        Precision::Month
                    },
                }
            })
            .collect()
    }

    pub fn commitments(&self) -> Vec<Commitment> {
        self.commitments
            .iter()
            .map(|(key, label, cadence)| Commitment {
                key: (*key).into(),
                label: (*label).into(),
                cadence: *cadence,
            })
            .collect()
    }
}

/// Starting key questions for an application; each program edits its own.
/// (The seeds say states are selected on "responses to key questions"
/// without listing them; these ask for what the selection criteria need.)
pub const DEFAULT_KEY_QUESTIONS: &[&str] = &[
    "Why does your state want intensive technical assistance on its career pathways system now?",
    "What career pathways work is already under way in your state, and who leads it?",
    "Which of the Six Key Elements of career pathways do you most want help with, and why?",
    "How will your team set aside time each month for planning and for the TA activities?",
];

/// The review rubric: selection is based on "state responses to key
/// questions, team composition, and commitment" (seed 000). Weights in percent.
pub const DEFAULT_RUBRIC: &[(&str, i64)] = &[
    ("Responses to key questions", 40),
    ("Team composition", 30),
    ("Commitment", 30),
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_2016_timeline_matches_seed_000() {
        let t = find("intensive").unwrap().timeline(2016);
        let lines: Vec<(String, String)> = t.iter().map(|m| (m.when(), m.label.clone())).collect();
        let expect = [
            (
                "April 14, 2016",
                "TA application for participation available",
            ),
            ("April 14, 2016", "Recruitment webinar"),
            ("June 1, 2016", "Application for participation due"),
            ("July 2016", "Selection finalized and states notified"),
            (
                "August 2016",
                "Kick-off meeting for all state teams (virtual)",
            ),
            ("September 2016", "Complete readiness assessment"),
            ("September 2016", "First coaching call"),
            ("October 2016 to August 2017", "Monthly coaching calls"),
            (
                "October 2016 to August 2017",
                "Participate in peer mentoring with another state",
            ),
            (
                "October 2016 to July 2017",
                "Two site visits (scheduled by state and coach)",
            ),
            (
                "October 2016 to August 2017",
                "Quarterly webinars with all participating state teams",
            ),
        ];
        assert_eq!(lines.len(), expect.len());
        for ((when, label), (w, l)) in lines.iter().zip(expect) {
            assert_eq!((when.as_str(), label.as_str()), (w, l));
        }
    }

    #[test]
    fn the_intensive_commitments_are_those_of_seed_000() {
        let c = find("intensive").unwrap().commitments();
        let cadence = |key: &str| c.iter().find(|x| x.key == key).unwrap().cadence;
        assert_eq!(cadence("coaching_call"), Cadence::Monthly);
        assert_eq!(cadence("site_visit"), Cadence::Times(2));
        assert_eq!(cadence("webinar"), Cadence::Quarterly);
        assert_eq!(cadence("planning_time"), Cadence::Monthly);
        assert_eq!(cadence("readiness_assessment"), Cadence::Once);
        assert!(
            c.iter().any(|x| x.key == "peer_mentoring") && c.iter().any(|x| x.key == "action_plan")
        );
    }

    #[test]
    fn a_later_year_moves_every_date() {
        let t = find("intensive").unwrap().timeline(2027);
        assert_eq!(t[0].starts, Date::new(2027, 4, 14).unwrap());
        assert_eq!(t.last().unwrap().ends, Some(Date::new(2028, 8, 1).unwrap()));
        assert_eq!(find("general").unwrap().track, "general");
    }
}

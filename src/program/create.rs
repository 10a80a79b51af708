//! Creating a program from a template: the checks on what the admin typed.

use jiff::civil::{Date, Time};
use serde::Deserialize;

use super::deadline;
use super::template::{self, Template};

/// What the admin typed, as typed.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct NewProgramRequest {
    #[schema(min_length = 1)]
    pub name: String,
    /// Short name for addresses: lowercase letters, digits and dashes.
    #[schema(pattern = "^[a-z0-9][a-z0-9-]{1,38}[a-z0-9]$")]
    pub slug: String,
    /// intensive or general.
    pub template: String,
    /// IANA time zone, e.g. America/New_York.
    pub time_zone: String,
    /// The application deadline's date, YYYY-MM-DD (the timeline follows its year).
    #[schema(format = Date)]
    pub deadline_date: String,
    /// The deadline's time on the program's clock, HH:MM (24-hour).
    #[schema(pattern = "^([01][0-9]|2[0-3]):[0-5][0-9]$")]
    pub deadline_time: String,
    pub sponsor: String,
    pub provider: String,
}

#[derive(Debug, Clone)]
pub struct ValidProgram {
    pub name: String,
    pub slug: String,
    pub template: &'static Template,
    pub time_zone: String,
    pub due_at_ms: i64,
    pub start_year: i16,
    pub sponsor: String,
    pub provider: String,
}

pub use crate::web::FieldErrors;

pub fn valid_slug(slug: &str) -> bool {
    (3..=40).contains(&slug.len())
        && slug
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        && !slug.starts_with('-')
        && !slug.ends_with('-')
}

/// The deadline typed as a date and an HH:MM time on the program's clock
/// (also checks the time zone); the problems go to `errors`.
pub fn check_deadline(
    date: &str,
    time: &str,
    time_zone: &str,
    errors: &mut FieldErrors,
) -> Option<jiff::Timestamp> {
    let zone_ok = deadline::zone(time_zone).is_ok();
    if !zone_ok {
        errors.push((
            "time_zone",
            "Choose a time zone, like America/New_York.".into(),
        ));
    }
    let date: Option<Date> = date.trim().parse().ok();
    if date.is_none() {
        errors.push((
            "deadline_date",
            "Enter the date as YYYY-MM-DD, like 2016-06-01.".into(),
        ));
    }
    let time: Option<Time> = time.trim().parse().ok();
    if time.is_none() {
        errors.push((
            "deadline_time",
            "Enter the time as HH:MM on a 24-hour clock, like 15:00.".into(),
        ));
    }
    let (Some(d), Some(t), true) = (date, time, zone_ok) else {
        return None;
    };
    match deadline::local_deadline(d, t, time_zone) {
        Ok(ts) => Some(ts),
        Err(e) => {
            errors.push(("deadline_time", format!("{e}; choose another time.")));
            None
        }
    }
}

pub fn check(req: &NewProgramRequest) -> Result<ValidProgram, FieldErrors> {
    let mut errors = FieldErrors::new();
    let name = req.name.trim().to_owned();
    if name.is_empty() || name.chars().count() > 120 {
        errors.push((
            "name",
            "Enter the program's name (up to 120 characters).".into(),
        ));
    }
    let slug = req.slug.trim().to_lowercase();
    if !valid_slug(&slug) {
        errors.push((
            "slug",
            "Use 3 to 40 lowercase letters, digits and dashes, like acp-2016.".into(),
        ));
    }
    let template = template::find(req.template.trim());
    if template.is_none() {
        errors.push(("template", "Choose a template.".into()));
    }
    let time_zone = req.time_zone.trim().to_owned();
    let due = check_deadline(
        &req.deadline_date,
        &req.deadline_time,
        &time_zone,
        &mut errors,
    );
    let date: Option<Date> = req.deadline_date.trim().parse().ok();
    if req.sponsor.trim().is_empty() {
        errors.push((
            "sponsor",
            "Enter the sponsor, like U.S. Department of Education, OCTAE.".into(),
        ));
    }
    if req.provider.trim().is_empty() {
        errors.push((
            "provider",
            "Enter the technical assistance provider.".into(),
        ));
    }
    crate::web::text::check_one_line(
        &mut errors,
        &[
            ("name", &name),
            ("sponsor", &req.sponsor),
            ("provider", &req.provider),
        ],
    );
    match (errors.is_empty(), template, due, date) {
        (true, Some(template), Some(due), Some(date)) => Ok(ValidProgram {
            name,
            slug,
            template,
            time_zone,
            due_at_ms: due.as_millisecond(),
            start_year: date.year(),
            sponsor: req.sponsor.trim().to_owned(),
            provider: req.provider.trim().to_owned(),
        }),
        _ => Err(errors),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn req() -> NewProgramRequest {
        NewProgramRequest {
            name: "Advancing Career Pathways 2016".into(),
            slug: "acp-2016".into(),
            template: "intensive".into(),
            time_zone: "America/New_York".into(),
            deadline_date: "2016-06-01".into(),
            deadline_time: "15:00".into(),
            sponsor: "OCTAE".into(),
            provider: "MSG".into(),
        }
    }

    #[test]
    fn the_2016_program_is_accepted() {
        let v = check(&req()).unwrap();
        assert_eq!(v.due_at_ms, 1_464_807_600_000, "19:00 UTC");
        assert_eq!(v.start_year, 2016);
        assert_eq!(v.template.track, "intensive");
    }

    #[test]
    fn mistakes_are_named_by_field() {
        let fields = |r: NewProgramRequest| {
            check(&r)
                .unwrap_err()
                .into_iter()
                .map(|(f, _)| f)
                .collect::<Vec<_>>()
        };
        assert_eq!(
            fields(NewProgramRequest {
                slug: "ACP 2016!".into(),
                ..req()
            }),
            ["slug"]
        );
        assert_eq!(
            fields(NewProgramRequest {
                template: "x".into(),
                ..req()
            }),
            ["template"]
        );
        assert_eq!(
            fields(NewProgramRequest {
                time_zone: "Eastern".into(),
                ..req()
            }),
            ["time_zone"]
        );
        assert_eq!(
            fields(NewProgramRequest {
                deadline_date: "June 1".into(),
                ..req()
            }),
            ["deadline_date"]
        );
        assert_eq!(
            fields(NewProgramRequest {
                deadline_time: "3pm".into(),
                ..req()
            }),
            ["deadline_time"]
        );
        assert_eq!(
            fields(NewProgramRequest {
                deadline_date: "2016-03-13".into(),
                deadline_time: "02:30".into(),
                ..req()
            }),
            ["deadline_time"]
        );
        assert_eq!(
            fields(NewProgramRequest::default()),
            [
                "name",
                "slug",
                "template",
                "time_zone",
                "deadline_date",
                "deadline_time",
                "sponsor",
                "provider"
            ]
        );
    }
}

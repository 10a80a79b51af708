//! The rating scale: data, not code. The default is four phases of an
//! ongoing development process, after the Department of Labor's Six Key
//! Elements readiness tool, plus "not sure".

use serde::{Deserialize, Serialize};

/// One phase of the scale.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
#[schema(as = ScaleLevel)]
pub struct Level {
    /// 1 for the first phase, counting up.
    pub value: i64,
    pub label: String,
    /// What the phase means, in a sentence the rater can check against.
    pub descriptor: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Scale {
    pub levels: Vec<Level>,
    /// The answer for a rater who does not know.
    pub not_sure: String,
}

impl Scale {
    pub fn default_four_phases() -> Scale {
        let level = |value: i64, label: &str, descriptor: &str| Level {
            value,
            label: label.into(),
            descriptor: descriptor.into(),
        };
        Scale {
            levels: vec![
                level(
                    1,
                    "Initiation",
                    "The team has discussed this indicator but has not started planning.",
                ),
                level(
                    2,
                    "Development",
                    "The team is planning for this indicator: who does what, with what resources.",
                ),
                level(
                    3,
                    "Implementation",
                    "The plan for this indicator is being carried out.",
                ),
                level(
                    4,
                    "Sustainability",
                    "This indicator is in place and working, and the team keeps it going and improves it.",
                ),
            ],
            not_sure: "Not sure: I do not know enough to say.".into(),
        }
    }

    pub fn min(&self) -> i64 {
        self.levels.iter().map(|l| l.value).min().unwrap_or(1)
    }

    pub fn max(&self) -> i64 {
        self.levels.iter().map(|l| l.value).max().unwrap_or(1)
    }

    pub fn contains(&self, value: i64) -> bool {
        self.levels.iter().any(|l| l.value == value)
    }

    pub fn label(&self, value: i64) -> Option<&str> {
        self.levels
            .iter()
            .find(|l| l.value == value)
            .map(|l| l.label.as_str())
    }

    /// A scale is usable when its phases count 1, 2, 3 ... with words.
    pub fn check(&self) -> Result<(), String> {
        if self.levels.len() < 2 {
            return Err("A scale needs at least two phases.".into());
        }
        for (i, l) in self.levels.iter().enumerate() {
            if l.value != i as i64 + 1 {
                return Err(format!("Phase {} should be numbered {}.", l.label, i + 1));
            }
            if l.label.trim().is_empty() || l.descriptor.trim().is_empty() {
                return Err(format!("Phase {} needs a name and a description.", l.value));
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_scale_has_four_phases_starting_at_initiation() {
        let s = Scale::default_four_phases();
        assert!(s.check().is_ok());
        assert_eq!((s.min(), s.max()), (1, 4));
        assert_eq!(s.label(1), Some("Initiation"));
        assert_eq!(
            s.levels[0].descriptor,
            "The team has discussed this indicator but has not started planning."
        );
        assert!(!s.contains(5));
    }

    #[test]
    fn a_scale_with_gaps_or_blanks_is_refused() {
        let mut s = Scale::default_four_phases();
        s.levels[2].value = 7;
        assert!(s.check().is_err());
        let mut s = Scale::default_four_phases();
        s.levels[1].descriptor = " ".into();
        assert!(s.check().is_err());
        let mut s = Scale::default_four_phases();
        s.levels.truncate(1);
        assert!(s.check().is_err());
    }
}

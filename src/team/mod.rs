//! State teams: the sectors a cross-sector team draws from, and the
//! team's coverage of the sectors its program requires.

use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Sector {
    SecondaryCte,
    PostsecondaryCte,
    AdultEducation,
    WorkforceDevelopment,
    EconomicDevelopment,
    BusinessAndIndustry,
    HumanAndSocialServices,
    Justice,
    Other,
}

impl Sector {
    pub const ALL: [Sector; 9] = [
        Sector::SecondaryCte,
        Sector::PostsecondaryCte,
        Sector::AdultEducation,
        Sector::WorkforceDevelopment,
        Sector::EconomicDevelopment,
        Sector::BusinessAndIndustry,
        Sector::HumanAndSocialServices,
        Sector::Justice,
        Sector::Other,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Sector::SecondaryCte => "secondary_cte",
            Sector::PostsecondaryCte => "postsecondary_cte",
            Sector::AdultEducation => "adult_education",
            Sector::WorkforceDevelopment => "workforce_development",
            Sector::EconomicDevelopment => "economic_development",
            Sector::BusinessAndIndustry => "business_and_industry",
            Sector::HumanAndSocialServices => "human_and_social_services",
            Sector::Justice => "justice",
            Sector::Other => "other",
        }
    }

    pub fn parse(s: &str) -> Option<Sector> {
        Sector::ALL.into_iter().find(|x| x.as_str() == s.trim())
    }

    pub fn label(self) -> &'static str {
        match self {
            Sector::SecondaryCte => "Secondary career and technical education",
            Sector::PostsecondaryCte => "Postsecondary career and technical education",
            Sector::AdultEducation => "Adult education",
            Sector::WorkforceDevelopment => "Workforce development",
            Sector::EconomicDevelopment => "Economic development",
            Sector::BusinessAndIndustry => "Business and industry",
            Sector::HumanAndSocialServices => "Human and social services",
            Sector::Justice => "Justice",
            Sector::Other => "Other",
        }
    }
}

/// The sectors seed 000 asks every state team to include.
pub const DEFAULT_REQUIRED: [Sector; 6] = [
    Sector::SecondaryCte,
    Sector::PostsecondaryCte,
    Sector::WorkforceDevelopment,
    Sector::EconomicDevelopment,
    Sector::BusinessAndIndustry,
    Sector::HumanAndSocialServices,
];

/// Required sectors that no team member comes from, in the required order.
pub fn missing_sectors(required: &[Sector], members: &[Sector]) -> Vec<Sector> {
    required
        .iter()
        .copied()
        .filter(|s| !members.contains(s))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn coverage_lists_what_is_missing_in_order() {
        let members = [
            Sector::BusinessAndIndustry,
            Sector::SecondaryCte,
            Sector::Justice,
            Sector::SecondaryCte,
        ];
        assert_eq!(
            missing_sectors(&DEFAULT_REQUIRED, &members),
            vec![
                Sector::PostsecondaryCte,
                Sector::WorkforceDevelopment,
                Sector::EconomicDevelopment,
                Sector::HumanAndSocialServices
            ]
        );
        assert!(missing_sectors(&DEFAULT_REQUIRED, &DEFAULT_REQUIRED).is_empty());
        assert_eq!(missing_sectors(&[], &[]), vec![]);
    }

    #[test]
    fn sectors_round_trip() {
        for s in Sector::ALL {
            assert_eq!(Sector::parse(s.as_str()), Some(s));
        }
        assert_eq!(Sector::parse("astronomy"), None);
    }
}

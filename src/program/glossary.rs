//! Key terms that program pages carry, worded as in seed 001.

pub struct Term {
    pub term: &'static str,
    pub definition: &'static str,
    pub points: &'static [&'static str],
    pub source: &'static str,
}

pub const CAREER_PATHWAYS: Term = Term {
    term: "Career pathways",
    definition: "A combination of rigorous and high quality education, training, and other service that:",
    points: &[
        "aligns with the skill needs of industries in the economy of the state or regional economy involved;",
        "prepares an individual to be successful in any of a full range of secondary or postsecondary education options, including registered apprenticeships;",
        "includes counseling to support an individual in achieving the individual’s education and career goals;",
        "includes, as appropriate, education offered concurrently with and in the same context as workforce preparation activities and training for a specific occupation or occupational cluster;",
        "organizes education, training, and other services to meet the particular needs of an individual in a manner that accelerates the educational and career advancement of the individual to the extent practicable;",
        "enables an individual to attain a secondary school diploma or its recognized equivalent, and at least one recognized postsecondary credential; and",
        "helps an individual enter or advance within a specific occupation or occupational cluster.",
    ],
    source: "Workforce Innovation and Opportunity Act, H.R. 803, 113th U.S. Congress (2014)",
};

pub const CAREER_PATHWAYS_SYSTEM: Term = Term {
    term: "Career pathways system",
    definition: "A series of connected education and training strategies and support services that enable individuals to secure industry-relevant certification, obtain employment within an occupational area, and advance to higher levels of future education and employment. Career pathways systems connect with and align public education and training systems to each other and to industry sectors and employers. These systems require long-term partnerships to achieve system-building opportunities, often leveraging short- and medium-term relationships.",
    points: &[],
    source: "Alliance for Quality Career Pathways, Shared Vision, Strong Systems (2014)",
};

pub const KEY_TERMS: [Term; 2] = [CAREER_PATHWAYS, CAREER_PATHWAYS_SYSTEM];

#[cfg(test)]
mod tests {
    #[test]
    fn definitions_match_seed_001() {
        let seed = include_str!("../../docs/seeds/001_1d16f021ae9b359b.txt");
        for term in super::KEY_TERMS {
            for sentence in term.definition.split(". ") {
                assert!(seed.contains(sentence.trim_end_matches('.')), "{sentence}");
            }
            for p in term.points {
                assert!(seed.contains(p), "{p}");
            }
        }
    }
}

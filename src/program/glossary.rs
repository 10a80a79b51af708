//! The key terms program pages carry now live in `frameworks/glossary.toml`
//! (see `crate::framework`); this test keeps them worded as in seed 001.

#[cfg(test)]
mod tests {
    #[test]
    fn definitions_match_seed_001() {
        let seed = include_str!("../../docs/seeds/001_1d16f021ae9b359b.txt");
        let registry = crate::framework::load::builtin();
        for key in ["career-pathways", "career-pathways-system"] {
            let term = registry.term(key).expect(key);
            for sentence in term.definition.split(". ") {
                assert!(seed.contains(sentence.trim_end_matches('.')), "{sentence}");
            }
            for p in &term.points {
                assert!(seed.contains(p.as_str()), "{p}");
            }
        }
    }
}

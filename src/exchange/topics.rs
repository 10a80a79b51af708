//! The Exchange's topics: the Career Pathways Six Key Elements, the
//! Programs of Study Ten Essential Components and the Moving Pathways
//! Forward seven components, taken from the loaded frameworks. A topic's
//! key is `<framework slug>/<element or component key>`, so the same key
//! in two frameworks (both have `partnerships`) stays two topics.

use serde::Serialize;

use crate::framework::Registry;

/// The frameworks whose elements or components are Exchange topics, in
/// the order people see them.
pub const TOPIC_FRAMEWORKS: [&str; 3] = [
    crate::framework::SIX_KEY_ELEMENTS,
    "programs-of-study",
    "moving-pathways-forward",
];

#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[schema(as = ExchangeTopic)]
pub struct Topic {
    /// E.g. `six-key-elements/partnerships`.
    pub key: String,
    /// The element's or component's canonical name.
    pub name: String,
    /// The framework's slug, e.g. `six-key-elements`.
    pub framework: String,
    /// The framework's name, for grouping on pages.
    pub framework_name: String,
}

/// Every topic, grouped by framework in canonical order.
pub fn all(registry: &Registry) -> Vec<Topic> {
    let mut topics = Vec::new();
    for slug in TOPIC_FRAMEWORKS {
        let Some(framework) = registry.get(slug) else {
            continue;
        };
        let names = framework
            .elements
            .iter()
            .map(|e| (&e.key, &e.name))
            .chain(framework.components.iter().map(|c| (&c.key, &c.name)));
        for (key, name) in names {
            topics.push(Topic {
                key: key_of(slug, key),
                name: name.clone(),
                framework: slug.to_owned(),
                framework_name: framework.name.clone(),
            });
        }
    }
    topics
}

/// The topic key of an element or component.
pub fn key_of(framework_slug: &str, key: &str) -> String {
    format!("{framework_slug}/{key}")
}

/// The topic with this key, if there is one.
pub fn find(registry: &Registry, key: &str) -> Option<Topic> {
    all(registry).into_iter().find(|t| t.key == key)
}

/// Checks chosen topic keys: each must be a known topic. Returns them
/// sorted without repeats, or the first unknown key.
pub fn parse_keys<'a>(
    registry: &Registry,
    keys: impl IntoIterator<Item = &'a str>,
) -> Result<Vec<String>, String> {
    let known = all(registry);
    let mut chosen = Vec::new();
    for key in keys {
        let key = key.trim();
        if key.is_empty() {
            continue;
        }
        if !known.iter().any(|t| t.key == key) {
            return Err(key.to_owned());
        }
        chosen.push(key.to_owned());
    }
    chosen.sort();
    chosen.dedup();
    Ok(chosen)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn registry() -> Registry {
        crate::framework::load::for_instance(None).expect("built-in frameworks load")
    }

    #[test]
    fn the_topics_are_the_six_elements_ten_components_and_seven_components() {
        let topics = all(&registry());
        let count = |slug: &str| topics.iter().filter(|t| t.framework == slug).count();
        assert_eq!(count("six-key-elements"), 6);
        assert_eq!(count("programs-of-study"), 10);
        assert_eq!(count("moving-pathways-forward"), 7);
        assert_eq!(topics[0].key, "six-key-elements/partnerships");
        assert_eq!(topics[0].name, "Build Cross-Agency Partnerships");
        let mut keys: Vec<_> = topics.iter().map(|t| &t.key).collect();
        keys.sort();
        keys.dedup();
        assert_eq!(keys.len(), 23, "topic keys are unique across frameworks");
    }

    #[test]
    fn chosen_keys_are_checked_sorted_and_deduplicated() {
        let r = registry();
        assert_eq!(
            parse_keys(
                &r,
                [
                    "six-key-elements/employers",
                    " six-key-elements/partnerships ",
                    "six-key-elements/employers",
                    ""
                ]
            ),
            Ok(vec![
                "six-key-elements/employers".to_owned(),
                "six-key-elements/partnerships".to_owned()
            ])
        );
        assert_eq!(
            parse_keys(&r, ["six-key-elements/nope"]),
            Err("six-key-elements/nope".to_owned())
        );
        assert_eq!(
            find(&r, "moving-pathways-forward/vision").unwrap().name,
            "State Vision of a Career Pathways System and Communications about this Vision"
        );
    }
}

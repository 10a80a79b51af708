//! Building an instrument from a framework: one indicator per strategy,
//! grouped by element in the framework's order, each tagged with the
//! components its element maps to in the crosswalk.

use serde::Serialize;

use std::collections::BTreeMap;

use super::{Indicator, Scale};
use crate::framework::{Framework, Registry};

/// An indicator before it is stored.
#[derive(Debug, Clone, PartialEq)]
pub struct NewIndicator {
    pub element_key: String,
    pub element_number: i64,
    pub element_name: String,
    pub strategy_key: String,
    pub text: String,
    pub components: Vec<String>,
}

pub fn build(framework: &Framework) -> Vec<NewIndicator> {
    let mut elements: Vec<_> = framework.elements.iter().collect();
    elements.sort_by_key(|e| e.number);
    elements
        .into_iter()
        .flat_map(|e| {
            e.strategies.iter().map(move |s| NewIndicator {
                element_key: e.key.clone(),
                element_number: e.number as i64,
                element_name: e.name.clone(),
                strategy_key: s.key.clone(),
                text: s.text.clone(),
                components: e.components.clone(),
            })
        })
        .collect()
}

/// A program's instrument as stored.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Instrument {
    pub id: i64,
    pub program_id: i64,
    /// The framework's slug and version it was built from.
    pub framework: String,
    pub framework_version: String,
    pub scale: Scale,
    pub indicators: Vec<Indicator>,
}

/// An element of an instrument, with its indicators.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ElementGroup {
    pub key: String,
    pub number: i64,
    pub name: String,
    pub indicators: Vec<Indicator>,
}

impl Instrument {
    /// The indicators grouped by element, in element order.
    pub fn elements(&self) -> Vec<ElementGroup> {
        let mut out: Vec<ElementGroup> = Vec::new();
        for i in &self.indicators {
            match out.iter_mut().find(|g| g.key == i.element_key) {
                Some(g) => g.indicators.push(i.clone()),
                None => out.push(ElementGroup {
                    key: i.element_key.clone(),
                    number: i.element_number,
                    name: i.element_name.clone(),
                    indicators: vec![i.clone()],
                }),
            }
        }
        out.sort_by_key(|g| g.number);
        out
    }

    /// The key of the element after `key`, in element order.
    pub fn next_element(&self, key: &str) -> Option<String> {
        let mut numbers: Vec<(i64, &str)> = self
            .indicators
            .iter()
            .map(|i| (i.element_number, i.element_key.as_str()))
            .collect();
        numbers.sort();
        numbers.dedup();
        let at = numbers.iter().position(|(_, k)| *k == key)?;
        numbers.get(at + 1).map(|(_, k)| (*k).to_owned())
    }

    pub fn element(&self, key: &str) -> Option<ElementGroup> {
        self.elements().into_iter().find(|g| g.key == key)
    }

    /// Each element's short name for the charts, by element key, from the
    /// framework the instrument was built from; an element the framework
    /// no longer has keeps the name stored with its indicators.
    pub fn short_names(&self, registry: &Registry) -> BTreeMap<String, String> {
        let mut out = BTreeMap::new();
        for i in &self.indicators {
            out.entry(i.element_key.clone()).or_insert_with(|| {
                registry
                    .short_name(&self.framework, &i.element_key)
                    .map(str::to_owned)
                    .unwrap_or_else(|| i.element_name.clone())
            });
        }
        out
    }
}

/// Each indicator with the rating given it (a blank one where none was).
pub fn frozen(
    instrument: &Instrument,
    ratings: &BTreeMap<i64, super::Rating>,
) -> Vec<super::Frozen> {
    instrument
        .indicators
        .iter()
        .map(|i| super::Frozen {
            indicator: i.clone(),
            rating: ratings.get(&i.id).cloned().unwrap_or_default(),
        })
        .collect()
}

#[cfg(test)]
pub mod tests {
    use super::*;
    use crate::framework::{Element, Strategy};

    /// A small framework for tests: `elements` elements with `strategies`
    /// strategies each, element n mapped to components cn and c(n+1).
    pub fn framework(elements: usize, strategies: usize) -> Framework {
        Framework {
            slug: "test".into(),
            name: "Test".into(),
            version: "1".into(),
            source: "test".into(),
            description: String::new(),
            crosswalk_with: String::new(),
            elements: (1..=elements)
                .rev()
                .map(|n| Element {
                    number: n as u8,
                    key: format!("e{n}"),
                    name: format!("Element {n}"),
                    short_name: format!("E{n}"),
                    alternate_names: vec![],
                    definition: "d".into(),
                    definition_source: String::new(),
                    component_notes: Default::default(),
                    strategies: (1..=strategies)
                        .map(|s| Strategy {
                            key: format!("e{n}-{s}"),
                            text: format!("Strategy {n}.{s}"),
                            source: "test".into(),
                        })
                        .collect(),
                    components: vec![format!("c{n}"), format!("c{}", n + 1)],
                    common_features: vec![],
                })
                .collect(),
            components: vec![],
        }
    }

    /// The instrument built from `f`, as stored (indicators numbered from 1).
    fn built(f: &Framework) -> Instrument {
        Instrument {
            id: 1,
            program_id: 1,
            framework: f.slug.clone(),
            framework_version: f.version.clone(),
            scale: crate::assessment::Scale::default_four_phases(),
            indicators: build(f)
                .into_iter()
                .enumerate()
                .map(|(i, n)| crate::assessment::Indicator {
                    id: i as i64 + 1,
                    element_key: n.element_key,
                    element_number: n.element_number,
                    element_name: n.element_name,
                    strategy_key: n.strategy_key,
                    text: n.text,
                    components: n.components,
                })
                .collect(),
        }
    }

    #[test]
    fn the_next_element_follows_element_order() {
        let instrument = built(&framework(3, 2));
        assert_eq!(instrument.next_element("e1").as_deref(), Some("e2"));
        assert_eq!(instrument.next_element("e2").as_deref(), Some("e3"));
        assert_eq!(instrument.next_element("e3"), None);
        assert_eq!(instrument.next_element("nope"), None);
    }

    #[test]
    fn short_names_come_from_the_framework_or_else_the_stored_name() {
        let registry = crate::framework::load::builtin();
        let six = registry.get("six-key-elements").unwrap();
        let mut instrument = built(six);
        let short = instrument.short_names(&registry);
        assert_eq!(short.len(), 6);
        assert_eq!(short["partnerships"], "Partnerships");
        assert_eq!(short["employers"], "Sectors and employers");
        // A framework no longer loaded: the stored names.
        instrument.framework = "gone".into();
        let short = instrument.short_names(&registry);
        assert_eq!(short["partnerships"], "Build Cross-Agency Partnerships");
    }

    #[test]
    fn one_indicator_per_strategy_in_element_order_with_crosswalk_tags() {
        let built = build(&framework(3, 2));
        assert_eq!(built.len(), 6);
        assert_eq!(built[0].element_key, "e1");
        assert_eq!(built[0].strategy_key, "e1-1");
        assert_eq!(built[5].strategy_key, "e3-2");
        assert_eq!(built[2].components, vec!["c2", "c3"]);
    }
}

/// Programs' instruments, kept after the first read: an instrument is
/// never changed or removed once built, so every instance may keep it.
#[derive(Default)]
pub struct KeptInstruments {
    by_program: std::sync::RwLock<std::collections::HashMap<i64, std::sync::Arc<Instrument>>>,
}

impl KeptInstruments {
    pub fn get(&self, program_id: i64) -> Option<Instrument> {
        self.by_program
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .get(&program_id)
            .map(|i| Instrument::clone(i))
    }

    pub fn keep(&self, instrument: &Instrument) {
        self.by_program
            .write()
            .unwrap_or_else(|e| e.into_inner())
            .insert(
                instrument.program_id,
                std::sync::Arc::new(instrument.clone()),
            );
    }
}

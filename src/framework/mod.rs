//! Frameworks as data: the Career Pathways Six Key Elements with their
//! definitions and strategies, the Programs of Study Ten Essential
//! Components, the crosswalk between them (seed 003, Table 2), the Moving
//! Pathways Forward seven components (seed 002) and the glossary. Loaded
//! from `frameworks/*.toml` at start and checked; a bad file never
//! half-loads.

use serde::Serialize;

/// A named, versioned set of elements (with strategies) or components.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Framework {
    /// Short name for addresses, e.g. `six-key-elements`.
    pub slug: String,
    pub name: String,
    pub version: String,
    /// Where the content comes from, in words.
    pub source: String,
    pub description: String,
    /// The elements, in canonical order (empty for a components-only framework).
    pub elements: Vec<Element>,
    /// The components, in canonical order (empty for an elements framework).
    pub components: Vec<Component>,
}

/// One element of a framework, e.g. "Build Cross-Agency Partnerships".
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Element {
    /// 1-based, canonical.
    pub number: u8,
    /// Stable key, e.g. `partnerships`.
    pub key: String,
    /// The canonical name.
    pub name: String,
    /// Other names the seeds use for the same element.
    pub alternate_names: Vec<AlternateName>,
    pub definition: String,
    pub strategies: Vec<Strategy>,
    /// The crosswalk: keys of the components this element maps to.
    pub components: Vec<String>,
    /// The crosswalk's common features, as the table gives them.
    pub common_features: Vec<String>,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct AlternateName {
    pub name: String,
    /// Where this name is used (e.g. "seed 003, section III").
    pub source: String,
}

/// A strategy of an element: an assessment indicator and a plan milestone.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Strategy {
    /// Stable key, unique within the element, e.g. `partnerships-1`.
    pub key: String,
    pub text: String,
    /// Where the wording comes from.
    pub source: String,
}

/// A component, e.g. one of the Programs of Study Ten Essential Components.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Component {
    pub number: u8,
    pub key: String,
    pub name: String,
    pub description: String,
}

/// A defined term, for the glossary.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct GlossaryTerm {
    pub key: String,
    pub term: String,
    pub definition: String,
    pub source: String,
}

/// Every framework and glossary term the instance knows.
#[derive(Debug, Clone, Default)]
pub struct Registry {
    pub frameworks: Vec<Framework>,
    pub glossary: Vec<GlossaryTerm>,
}

impl Registry {
    pub fn get(&self, slug: &str) -> Option<&Framework> {
        self.frameworks.iter().find(|f| f.slug == slug)
    }

    /// The component a key names, in any framework.
    pub fn component(&self, key: &str) -> Option<&Component> {
        self.frameworks
            .iter()
            .flat_map(|f| f.components.iter())
            .find(|c| c.key == key)
    }
}

impl Element {
    pub fn strategy(&self, key: &str) -> Option<&Strategy> {
        self.strategies.iter().find(|s| s.key == key)
    }
}

//! Reading and checking framework files (`frameworks/*.toml`).
//!
//! A file is either a framework (elements with strategies, or components)
//! or a glossary (`[[terms]]`). Every problem is reported with the file and
//! the line it is on; if any file has a problem, nothing is loaded.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Path, PathBuf};

use serde::Deserialize;
use toml::Spanned;

use super::{
    AlternateName, Component, Element, Framework, GlossaryTerm, Registry, SHORT_NAME_MAX, Strategy,
};

/// The files shipped with the program, embedded in the binary.
pub const BUILTIN: &[(&str, &str)] = &[
    (
        "frameworks/six-key-elements.toml",
        include_str!("../../frameworks/six-key-elements.toml"),
    ),
    (
        "frameworks/programs-of-study.toml",
        include_str!("../../frameworks/programs-of-study.toml"),
    ),
    (
        "frameworks/moving-pathways-forward.toml",
        include_str!("../../frameworks/moving-pathways-forward.toml"),
    ),
    (
        "frameworks/glossary.toml",
        include_str!("../../frameworks/glossary.toml"),
    ),
];

/// One file's text and the name it is reported under.
#[derive(Debug, Clone)]
pub struct Source {
    pub name: String,
    pub text: String,
}

impl Source {
    pub fn new(name: impl Into<String>, text: impl Into<String>) -> Source {
        Source {
            name: name.into(),
            text: text.into(),
        }
    }

    fn file_name(&self) -> &str {
        Path::new(&self.name)
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or(&self.name)
    }
}

/// A problem in a file, printed as `file:line: reason`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub file: String,
    /// 1-based; 0 when the problem is with the file as a whole.
    pub line: usize,
    pub reason: String,
}

impl std::fmt::Display for Problem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.line == 0 {
            write!(f, "{}: {}", self.file, self.reason)
        } else {
            write!(f, "{}:{}: {}", self.file, self.line, self.reason)
        }
    }
}

/// Every problem found, one per line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problems(pub Vec<Problem>);

impl std::fmt::Display for Problems {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        for (i, p) in self.0.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            write!(f, "{p}")?;
        }
        Ok(())
    }
}

impl std::error::Error for Problems {}

// ---- The file format ------------------------------------------------------

type Text = Spanned<String>;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFramework {
    slug: Text,
    name: Text,
    version: Text,
    source: Text,
    description: Text,
    /// The slug of the components framework the elements' crosswalk names.
    crosswalk_with: Option<Text>,
    #[serde(default)]
    elements: Vec<RawElement>,
    #[serde(default)]
    components: Vec<RawComponent>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawElement {
    number: Spanned<i64>,
    key: Text,
    name: Text,
    short_name: Text,
    #[serde(default)]
    alternate_names: Vec<RawAlternate>,
    definition: Text,
    definition_source: Option<Text>,
    strategies: Vec<RawStrategy>,
    #[serde(default)]
    components: Vec<Text>,
    #[serde(default)]
    component_notes: BTreeMap<String, Text>,
    #[serde(default)]
    common_features: Vec<Text>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawAlternate {
    name: Text,
    source: Text,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawStrategy {
    key: Text,
    text: Text,
    source: Text,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawComponent {
    number: Spanned<i64>,
    key: Text,
    name: Text,
    #[serde(default)]
    alternate_names: Vec<RawAlternate>,
    description: Option<Text>,
    source: Text,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawGlossary {
    terms: Vec<RawTerm>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTerm {
    key: Text,
    term: Text,
    definition: Text,
    #[serde(default)]
    points: Vec<Text>,
    source: Text,
}

// ---- Checking one file ----------------------------------------------------

/// Problems of one file, with the means to turn a byte offset into a line.
struct Report<'a> {
    file: &'a str,
    text: &'a str,
    problems: &'a mut Vec<Problem>,
}

impl Report<'_> {
    fn line_of(&self, offset: usize) -> usize {
        let end = offset.min(self.text.len());
        self.text.as_bytes()[..end]
            .iter()
            .filter(|b| **b == b'\n')
            .count()
            + 1
    }

    fn at(&mut self, offset: usize, reason: impl Into<String>) {
        let line = self.line_of(offset);
        self.problems.push(Problem {
            file: self.file.to_owned(),
            line,
            reason: reason.into(),
        });
    }

    /// The text, trimmed; a problem if it is empty.
    fn text(&mut self, field: &str, t: &Text) -> String {
        let v = t.get_ref().trim();
        if v.is_empty() {
            self.at(t.span().start, format!("`{field}` is empty"));
        }
        v.to_owned()
    }

    /// An element's short name: not empty, and short enough to label a
    /// chart on a phone.
    fn short_name(&mut self, t: &Text) -> String {
        let v = self.text("short_name", t);
        let n = v.chars().count();
        if n > SHORT_NAME_MAX {
            self.at(
                t.span().start,
                format!(
                    "`short_name` \"{v}\" is {n} characters long; at most {SHORT_NAME_MAX} fit a chart's label"
                ),
            );
        }
        v
    }

    fn key(&mut self, field: &str, t: &Text) -> String {
        let v = self.text(field, t);
        if !v.is_empty()
            && !v
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_')
        {
            self.at(
                t.span().start,
                format!("`{field}` \"{v}\" may hold only lowercase letters, digits, '-' and '_'"),
            );
        }
        v
    }

    fn unique(&mut self, seen: &mut HashSet<String>, what: &str, key: &str, t: &Text) {
        if !key.is_empty() && !seen.insert(key.to_owned()) {
            self.at(t.span().start, format!("{what} \"{key}\" is used twice"));
        }
    }

    fn number(&mut self, what: &str, n: &Spanned<i64>, expected: usize) -> u8 {
        let got = *n.get_ref();
        if got != expected as i64 {
            self.at(
                n.span().start,
                format!(
                    "{what} number {got} is out of order: numbers go 1, 2, 3, ... without gaps, so this one should be {expected}"
                ),
            );
        }
        u8::try_from(got).unwrap_or(0)
    }

    fn alternates(&mut self, raw: &[RawAlternate]) -> Vec<AlternateName> {
        raw.iter()
            .map(|a| AlternateName {
                name: self.text("alternate_names.name", &a.name),
                source: self.text("alternate_names.source", &a.source),
            })
            .collect()
    }
}

/// What a file held, before the checks across files.
enum Parsed {
    Framework(Box<ParsedFramework>),
    Glossary(Vec<(GlossaryTerm, usize)>),
}

struct ParsedFramework {
    framework: Framework,
    slug_line: usize,
    crosswalk_line: usize,
    /// (element index, component key, line) of each crosswalk link.
    links: Vec<(usize, String, usize)>,
    /// (component key, line) of each component.
    component_lines: Vec<(String, usize)>,
}

fn toml_error(file: &str, text: &str, e: &toml::de::Error, problems: &mut Vec<Problem>) {
    let mut r = Report {
        file,
        text,
        problems,
    };
    let reason = e.message().trim().replace('\n', " ");
    match e.span() {
        Some(span) => r.at(span.start, reason),
        None => r.problems.push(Problem {
            file: file.to_owned(),
            line: 0,
            reason,
        }),
    }
}

fn parse(source: &Source, problems: &mut Vec<Problem>) -> Option<Parsed> {
    let file = source.name.as_str();
    let text = source.text.as_str();
    let table: toml::Table = match text.parse() {
        Ok(t) => t,
        Err(e) => {
            toml_error(file, text, &e, problems);
            return None;
        }
    };
    if table.contains_key("terms") && !table.contains_key("slug") {
        let raw: RawGlossary = match toml::from_str(text) {
            Ok(r) => r,
            Err(e) => {
                toml_error(file, text, &e, problems);
                return None;
            }
        };
        let mut r = Report {
            file,
            text,
            problems,
        };
        let mut seen = HashSet::new();
        let terms = raw
            .terms
            .iter()
            .map(|t| {
                let key = r.key("key", &t.key);
                r.unique(&mut seen, "term key", &key, &t.key);
                let line = r.line_of(t.key.span().start);
                (
                    GlossaryTerm {
                        key,
                        term: r.text("term", &t.term),
                        definition: r.text("definition", &t.definition),
                        points: t.points.iter().map(|p| r.text("points", p)).collect(),
                        source: r.text("source", &t.source),
                    },
                    line,
                )
            })
            .collect();
        return Some(Parsed::Glossary(terms));
    }
    let raw: RawFramework = match toml::from_str(text) {
        Ok(r) => r,
        Err(e) => {
            toml_error(file, text, &e, problems);
            return None;
        }
    };
    let mut r = Report {
        file,
        text,
        problems,
    };
    let slug = r.key("slug", &raw.slug);
    if slug.contains('_') {
        r.at(
            raw.slug.span().start,
            format!("`slug` \"{slug}\" may hold only lowercase letters, digits and '-'"),
        );
    }
    let slug_line = r.line_of(raw.slug.span().start);
    if raw.elements.is_empty() && raw.components.is_empty() {
        r.at(
            raw.slug.span().start,
            "the framework has neither `[[elements]]` nor `[[components]]`",
        );
    }
    let crosswalk_with = raw
        .crosswalk_with
        .as_ref()
        .map(|c| r.key("crosswalk_with", c))
        .unwrap_or_default();
    let crosswalk_line = raw
        .crosswalk_with
        .as_ref()
        .map(|c| r.line_of(c.span().start))
        .unwrap_or(slug_line);

    let mut element_keys = HashSet::new();
    let mut strategy_keys = HashSet::new();
    let mut links = Vec::new();
    let mut elements = Vec::new();
    for (i, e) in raw.elements.iter().enumerate() {
        let number = r.number("element", &e.number, i + 1);
        let key = r.key("key", &e.key);
        r.unique(&mut element_keys, "element key", &key, &e.key);
        if e.strategies.is_empty() {
            r.at(
                e.key.span().start,
                format!("element \"{key}\" has no strategies"),
            );
        }
        let strategies = e
            .strategies
            .iter()
            .map(|s| {
                let skey = r.key("strategies.key", &s.key);
                r.unique(&mut strategy_keys, "strategy key", &skey, &s.key);
                Strategy {
                    key: skey,
                    text: r.text("strategies.text", &s.text),
                    source: r.text("strategies.source", &s.source),
                }
            })
            .collect();
        let mut seen_links = HashSet::new();
        let components: Vec<String> = e
            .components
            .iter()
            .map(|c| {
                let k = r.key("components", c);
                r.unique(&mut seen_links, "component", &k, c);
                links.push((i, k.clone(), r.line_of(c.span().start)));
                k
            })
            .collect();
        if !components.is_empty() && raw.crosswalk_with.is_none() {
            r.at(
                e.components[0].span().start,
                "the element names components but the framework has no `crosswalk_with` naming the components framework",
            );
        }
        let mut component_notes = BTreeMap::new();
        for (k, note) in &e.component_notes {
            let note_text = r.text("component_notes", note);
            if !components.contains(k) {
                r.at(
                    note.span().start,
                    format!(
                        "`component_notes` names \"{k}\", which is not in this element's `components`"
                    ),
                );
            }
            component_notes.insert(k.clone(), note_text);
        }
        elements.push(Element {
            number,
            key,
            name: r.text("name", &e.name),
            short_name: r.short_name(&e.short_name),
            alternate_names: r.alternates(&e.alternate_names),
            definition: r.text("definition", &e.definition),
            definition_source: e
                .definition_source
                .as_ref()
                .map(|t| r.text("definition_source", t))
                .unwrap_or_default(),
            strategies,
            components,
            component_notes,
            common_features: e
                .common_features
                .iter()
                .map(|t| r.text("common_features", t))
                .collect(),
        });
    }
    let mut component_keys = HashSet::new();
    let mut component_lines = Vec::new();
    let components = raw
        .components
        .iter()
        .enumerate()
        .map(|(i, c)| {
            let number = r.number("component", &c.number, i + 1);
            let key = r.key("key", &c.key);
            r.unique(&mut component_keys, "component key", &key, &c.key);
            component_lines.push((key.clone(), r.line_of(c.key.span().start)));
            Component {
                number,
                key,
                name: r.text("name", &c.name),
                alternate_names: r.alternates(&c.alternate_names),
                description: c
                    .description
                    .as_ref()
                    .map(|t| r.text("description", t))
                    .unwrap_or_default(),
                source: r.text("source", &c.source),
            }
        })
        .collect();
    Some(Parsed::Framework(Box::new(ParsedFramework {
        framework: Framework {
            slug,
            name: r.text("name", &raw.name),
            version: r.text("version", &raw.version),
            source: r.text("source", &raw.source),
            description: r.text("description", &raw.description),
            crosswalk_with,
            elements,
            components,
        },
        slug_line,
        crosswalk_line,
        links,
        component_lines,
    })))
}

// ---- Loading a set of files -----------------------------------------------

/// Checks every file and, if all are good, builds the registry. Files are
/// taken in the order given; the built-in files come first.
pub fn load(sources: &[Source]) -> Result<Registry, Problems> {
    let mut problems = Vec::new();
    let mut parsed = Vec::new();
    for s in sources {
        if let Some(p) = parse(s, &mut problems) {
            parsed.push((s, p));
        }
    }

    let mut registry = Registry::default();
    let mut slugs: HashMap<String, String> = HashMap::new();
    let mut components: HashMap<String, String> = HashMap::new(); // key -> slug
    let mut terms: HashMap<String, String> = HashMap::new();
    let mut frameworks = Vec::new();
    for (s, p) in &parsed {
        match p {
            Parsed::Framework(f) => {
                if let Some(other) = slugs.insert(f.framework.slug.clone(), s.name.clone()) {
                    problems.push(Problem {
                        file: s.name.clone(),
                        line: f.slug_line,
                        reason: format!("slug \"{}\" is already used by {other}", f.framework.slug),
                    });
                }
                for (key, line) in &f.component_lines {
                    if let Some(other) = components.insert(key.clone(), f.framework.slug.clone())
                        && other != f.framework.slug
                    {
                        problems.push(Problem {
                            file: s.name.clone(),
                            line: *line,
                            reason: format!(
                                "component key \"{key}\" is already used by the {other} framework (component keys are unique across frameworks)"
                            ),
                        });
                    }
                }
                frameworks.push((s, f));
            }
            Parsed::Glossary(list) => {
                for (t, line) in list {
                    if let Some(other) = terms.insert(t.key.clone(), s.name.clone())
                        && other != s.name
                    {
                        problems.push(Problem {
                            file: s.name.clone(),
                            line: *line,
                            reason: format!("term key \"{}\" is already used in {other}", t.key),
                        });
                    }
                    registry.glossary.push(t.clone());
                }
            }
        }
    }
    // The crosswalk names components of a framework that exists.
    for (s, f) in &frameworks {
        if f.framework.crosswalk_with.is_empty() {
            continue;
        }
        let target = frameworks
            .iter()
            .find(|(_, g)| g.framework.slug == f.framework.crosswalk_with);
        let Some((_, target)) = target.filter(|(_, g)| !g.framework.components.is_empty()) else {
            problems.push(Problem {
                file: s.name.clone(),
                line: f.crosswalk_line,
                reason: format!(
                    "`crosswalk_with` names \"{}\", which is not a framework with components",
                    f.framework.crosswalk_with
                ),
            });
            continue;
        };
        for (i, key, line) in &f.links {
            if !target.framework.components.iter().any(|c| c.key == *key) {
                problems.push(Problem {
                    file: s.name.clone(),
                    line: *line,
                    reason: format!(
                        "element \"{}\" names component \"{key}\", which the {} framework does not have",
                        f.framework.elements[*i].key, target.framework.slug
                    ),
                });
            }
        }
    }
    if !problems.is_empty() {
        // File by file, top to bottom (a stable sort keeps files in load order).
        let order: Vec<String> = sources.iter().map(|s| s.name.clone()).collect();
        problems.sort_by_key(|p| (order.iter().position(|n| *n == p.file), p.line));
        return Err(Problems(problems));
    }
    registry.frameworks = frameworks
        .into_iter()
        .map(|(_, f)| f.framework.clone())
        .collect();
    Ok(registry)
}

/// The built-in files as sources.
pub fn builtin_sources() -> Vec<Source> {
    BUILTIN
        .iter()
        .map(|(name, text)| Source::new(*name, *text))
        .collect()
}

/// The built-in frameworks (checked by the tests, so they always load).
pub fn builtin() -> Registry {
    load(&builtin_sources()).expect("the built-in framework files are good")
}

/// Adds `extra` to the built-in files: a file with the same file name as a
/// built-in one (`six-key-elements.toml`) takes its place; any other is
/// added.
pub fn with_builtin(extra: Vec<Source>) -> Vec<Source> {
    let mut sources = builtin_sources();
    for s in extra {
        match sources.iter_mut().find(|b| b.file_name() == s.file_name()) {
            Some(b) => *b = s,
            None => sources.push(s),
        }
    }
    sources
}

fn read(path: &Path) -> Result<Source, Problem> {
    std::fs::read_to_string(path)
        .map(|text| Source::new(path.display().to_string(), text))
        .map_err(|e| Problem {
            file: path.display().to_string(),
            line: 0,
            reason: format!("cannot read the file ({e})"),
        })
}

/// The `*.toml` files of a folder, sorted by name.
pub fn read_dir(dir: &Path) -> Result<Vec<Source>, Problems> {
    let entries = std::fs::read_dir(dir).map_err(|e| {
        Problems(vec![Problem {
            file: dir.display().to_string(),
            line: 0,
            reason: format!("cannot read the frameworks folder ({e})"),
        }])
    })?;
    let mut paths: Vec<PathBuf> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.is_file() && p.extension().is_some_and(|x| x == "toml"))
        .collect();
    paths.sort();
    let mut sources = Vec::new();
    let mut problems = Vec::new();
    for p in paths {
        match read(&p) {
            Ok(s) => sources.push(s),
            Err(e) => problems.push(e),
        }
    }
    if problems.is_empty() {
        Ok(sources)
    } else {
        Err(Problems(problems))
    }
}

/// The registry for a running instance: the built-in files and, if given,
/// the `*.toml` files of `frameworks_dir`.
pub fn for_instance(frameworks_dir: Option<&Path>) -> Result<Registry, Problems> {
    let extra = match frameworks_dir {
        Some(dir) => read_dir(dir)?,
        None => Vec::new(),
    };
    load(&with_builtin(extra))
}

/// `waymark framework check FILE`: the file is checked together with the
/// built-in files (which it replaces if it has the same file name), so that
/// a crosswalk may name their components. Returns a one-line summary.
pub fn check_file(path: &Path) -> Result<String, Problems> {
    let source = read(path).map_err(|p| Problems(vec![p]))?;
    let name = source.name.clone();
    let text = source.text.clone();
    let registry = load(&with_builtin(vec![source]))?;
    // Describe what the file itself holds.
    let mut problems = Vec::new();
    let summary = match parse(&Source::new(name.clone(), text), &mut problems) {
        Some(Parsed::Framework(f)) => {
            let f = registry.get(&f.framework.slug).unwrap_or(&f.framework);
            let strategies: usize = f.elements.iter().map(|e| e.strategies.len()).sum();
            format!(
                "{name}: ok: {} ({}): {} elements, {} strategies, {} components",
                f.name,
                f.slug,
                f.elements.len(),
                strategies,
                f.components.len()
            )
        }
        Some(Parsed::Glossary(terms)) => format!("{name}: ok: glossary of {} terms", terms.len()),
        None => format!("{name}: ok"),
    };
    Ok(summary)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn problems_of(name: &str, text: &str) -> Vec<String> {
        match load(&with_builtin(vec![Source::new(name, text)])) {
            Ok(_) => vec![],
            Err(p) => p.0.iter().map(|p| p.to_string()).collect(),
        }
    }

    const GOOD: &str = r#"slug = "mine"
name = "My framework"
version = "1"
source = "us"
description = "A small framework."
crosswalk_with = "programs-of-study"

[[elements]]
number = 1
key = "one"
name = "The first"
short_name = "First"
definition = "What it is."
components = ["pos-partnerships"]
common_features = ["Both have it"]

[[elements.strategies]]
key = "one-1"
text = "Do a thing."
source = "us"
"#;

    #[test]
    fn the_built_in_files_load() {
        let r = builtin();
        let slugs: Vec<&str> = r.frameworks.iter().map(|f| f.slug.as_str()).collect();
        assert_eq!(
            slugs,
            [
                "six-key-elements",
                "programs-of-study",
                "moving-pathways-forward"
            ]
        );
        assert_eq!(r.glossary.len(), 3);
    }

    #[test]
    fn a_good_file_is_added() {
        let r = load(&with_builtin(vec![Source::new("mine.toml", GOOD)])).unwrap();
        let f = r.get("mine").unwrap();
        assert_eq!(f.elements[0].strategies[0].key, "one-1");
        assert_eq!(r.frameworks.len(), 4);
    }

    #[test]
    fn unknown_fields_are_refused_at_their_line() {
        let bad = GOOD.replace("definition = ", "colour = \"red\"\ndefinition = ");
        let p = problems_of("mine.toml", &bad);
        assert_eq!(p.len(), 1, "{p:?}");
        assert!(p[0].starts_with("mine.toml:13: "), "{p:?}");
        assert!(p[0].contains("colour"), "{p:?}");
    }

    #[test]
    fn a_missing_field_is_named() {
        let bad = GOOD.replace("version = \"1\"\n", "");
        let p = problems_of("mine.toml", &bad);
        assert_eq!(p.len(), 1, "{p:?}");
        assert!(p[0].starts_with("mine.toml:"), "{p:?}");
        assert!(p[0].contains("version"), "{p:?}");
    }

    #[test]
    fn empty_text_is_refused_at_its_line() {
        let bad = GOOD.replace("text = \"Do a thing.\"", "text = \"  \"");
        assert_eq!(
            problems_of("mine.toml", &bad),
            ["mine.toml:19: `strategies.text` is empty"]
        );
    }

    #[test]
    fn an_element_without_a_short_name_is_refused() {
        let bad = GOOD.replace("short_name = \"First\"\n", "");
        let p = problems_of("mine.toml", &bad);
        assert_eq!(p.len(), 1, "{p:?}");
        assert!(p[0].starts_with("mine.toml:"), "{p:?}");
        assert!(p[0].contains("short_name"), "{p:?}");
        assert!(load(&with_builtin(vec![Source::new("mine.toml", bad)])).is_err());
    }

    #[test]
    fn a_short_name_is_neither_empty_nor_too_long_to_fit_a_chart() {
        let empty = GOOD.replace("short_name = \"First\"", "short_name = \" \"");
        assert_eq!(
            problems_of("mine.toml", &empty),
            ["mine.toml:12: `short_name` is empty"]
        );
        let long = GOOD.replace(
            "short_name = \"First\"",
            "short_name = \"The first of the elements\"",
        );
        assert_eq!(
            problems_of("mine.toml", &long),
            [
                "mine.toml:12: `short_name` \"The first of the elements\" is 25 characters long; at most 24 fit a chart's label"
            ]
        );
        // Twenty-four characters (not bytes) fit.
        let fits = GOOD.replace(
            "short_name = \"First\"",
            "short_name = \"Éléments et partenariats\"",
        );
        assert_eq!(problems_of("mine.toml", &fits), Vec::<String>::new());
        let r = load(&with_builtin(vec![Source::new("mine.toml", fits)])).unwrap();
        assert_eq!(
            r.short_name("mine", "one"),
            Some("Éléments et partenariats")
        );
        assert_eq!(r.short_name("mine", "two"), None);
        assert_eq!(r.short_name("nothing", "one"), None);
    }

    #[test]
    fn numbers_go_in_order_without_gaps() {
        let bad = GOOD.replace("number = 1", "number = 2");
        let p = problems_of("mine.toml", &bad);
        assert_eq!(p.len(), 1, "{p:?}");
        assert!(
            p[0].starts_with("mine.toml:9: element number 2 is out of order"),
            "{p:?}"
        );
    }

    #[test]
    fn keys_are_unique() {
        let twice = format!(
            "{GOOD}\n[[elements.strategies]]\nkey = \"one-1\"\ntext = \"Again.\"\nsource = \"us\"\n"
        );
        assert_eq!(
            problems_of("mine.toml", &twice),
            ["mine.toml:23: strategy key \"one-1\" is used twice"]
        );
        let slug = GOOD.replace("slug = \"mine\"", "slug = \"programs-of-study\"");
        let p = problems_of("mine.toml", &slug);
        assert_eq!(
            p,
            [
                "mine.toml:1: slug \"programs-of-study\" is already used by frameworks/programs-of-study.toml"
            ]
        );
    }

    #[test]
    fn crosswalk_components_must_exist() {
        let bad = GOOD.replace("[\"pos-partnerships\"]", "[\n  \"pos-astrology\",\n]");
        assert_eq!(
            problems_of("mine.toml", &bad),
            [
                "mine.toml:15: element \"one\" names component \"pos-astrology\", which the programs-of-study framework does not have"
            ]
        );
        let bad = GOOD.replace(
            "crosswalk_with = \"programs-of-study\"",
            "crosswalk_with = \"nothing\"",
        );
        assert_eq!(
            problems_of("mine.toml", &bad),
            [
                "mine.toml:6: `crosswalk_with` names \"nothing\", which is not a framework with components"
            ]
        );
    }

    #[test]
    fn bad_toml_is_reported_at_its_line() {
        let bad = GOOD.replace("name = \"The first\"", "name = \"The first");
        let p = problems_of("mine.toml", &bad);
        assert_eq!(p.len(), 1, "{p:?}");
        assert!(p[0].starts_with("mine.toml:11: "), "{p:?}");
    }

    #[test]
    fn a_bad_file_never_half_loads() {
        let bad = GOOD.replace("text = \"Do a thing.\"", "text = \"\"");
        assert!(load(&with_builtin(vec![Source::new("mine.toml", bad)])).is_err());
    }

    #[test]
    fn a_file_with_a_built_in_name_replaces_it() {
        let text = BUILTIN[0].1.replace(
            "name = \"Career Pathways Six Key Elements\"",
            "name = \"Six\"",
        );
        let r = load(&with_builtin(vec![Source::new(
            "/etc/waymark/six-key-elements.toml",
            text,
        )]))
        .unwrap();
        assert_eq!(r.frameworks.len(), 3);
        assert_eq!(r.get("six-key-elements").unwrap().name, "Six");
    }

    #[test]
    fn glossary_keys_are_checked() {
        let bad = "[[terms]]\nkey = \"Career Pathways\"\nterm = \"x\"\ndefinition = \"y\"\nsource = \"z\"\n";
        assert_eq!(
            problems_of("terms.toml", bad),
            [
                "terms.toml:2: `key` \"Career Pathways\" may hold only lowercase letters, digits, '-' and '_'"
            ]
        );
    }
}

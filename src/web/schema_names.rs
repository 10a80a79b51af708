//! Every type in the API document has a name of its own. utoipa keys the
//! document's schemas by name and, when two Rust types share one, keeps
//! whichever came last, so an operation silently points at the other
//! type's shape. The names are read from the source under `src/` (a
//! `ToSchema` derive, renamed by `#[schema(as = …)]` where it is), and
//! must not repeat.

use std::collections::BTreeMap;
use std::path::Path;

fn rust_files(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap().flatten() {
        let path = entry.path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// (schema name, file) for each `ToSchema` type outside test modules.
fn schema_names() -> Vec<(String, String)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = vec![];
    rust_files(&root, &mut files);
    let mut names = vec![];
    for file in files {
        let text = std::fs::read_to_string(&file).unwrap();
        // Types made for a module's own tests are not in the document.
        let text = text.split("#[cfg(test)]\nmod tests").next().unwrap_or("");
        let lines: Vec<&str> = text.lines().collect();
        for (i, line) in lines.iter().enumerate() {
            let line = line.trim();
            if !(line.starts_with("#[derive(") && line.contains("ToSchema")) {
                continue;
            }
            let mut alias = None;
            for next in &lines[i + 1..] {
                let next = next.trim();
                if let Some(rest) = next.split("schema(as = ").nth(1) {
                    alias = rest.split(')').next().map(str::to_owned);
                }
                let decl = next
                    .trim_start_matches("pub ")
                    .trim_start_matches("pub(crate) ");
                if let Some(rest) = decl
                    .strip_prefix("struct ")
                    .or_else(|| decl.strip_prefix("enum "))
                {
                    let name: String = rest
                        .chars()
                        .take_while(|c| c.is_alphanumeric() || *c == '_')
                        .collect();
                    let shown = file.strip_prefix(&root).unwrap().display().to_string();
                    names.push((alias.unwrap_or(name), shown));
                    break;
                }
            }
        }
    }
    names
}

#[test]
fn no_two_types_share_a_name_in_the_api_document() {
    let mut by_name: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for (name, file) in schema_names() {
        by_name.entry(name).or_default().push(file);
    }
    assert!(by_name.len() > 100, "the source was read: {by_name:?}");
    let shared: Vec<_> = by_name
        .iter()
        .filter(|(_, files)| files.len() > 1)
        .collect();
    assert!(
        shared.is_empty(),
        "these names stand for more than one type (rename one with #[schema(as = …)]): {shared:?}"
    );
}

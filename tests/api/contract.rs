//! The API document is a contract: every answer the tests receive from
//! `/api/v1` is checked against the document's own description of that
//! operation and status (the status must be listed; a JSON body must fit
//! the schema), so a client generated from the document does not break.

use std::collections::HashMap;
use std::sync::{LazyLock, Mutex};

use serde_json::{Value, json};

static DOCUMENT: LazyLock<Value> =
    LazyLock::new(|| serde_json::to_value(waymark::app::openapi()).expect("the API document"));

static VALIDATORS: LazyLock<Mutex<HashMap<String, std::sync::Arc<jsonschema::Validator>>>> =
    LazyLock::new(Default::default);

/// The document's path template that `path` (no query) answers to: the
/// one with the most fixed segments, so `/items/search` beats `/items/{id}`.
fn template_of(path: &str) -> Option<String> {
    let asked: Vec<&str> = path.trim_end_matches('/').split('/').collect();
    let paths = DOCUMENT["paths"].as_object()?;
    paths
        .keys()
        .filter_map(|t| {
            let parts: Vec<&str> = t.split('/').collect();
            if parts.len() != asked.len() {
                return None;
            }
            let mut fixed = 0;
            for (p, a) in parts.iter().zip(&asked) {
                if p.starts_with('{') && p.ends_with('}') {
                    continue;
                }
                if p != a {
                    return None;
                }
                fixed += 1;
            }
            Some((fixed, t.clone()))
        })
        .max()
        .map(|(_, t)| t)
}

/// Reads an answer as JSON and checks it against the document.
pub async fn read(method: &str, path: &str, res: reqwest::Response) -> (u16, Value) {
    let status = res.status().as_u16();
    let content_type = res
        .headers()
        .get(reqwest::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_owned();
    let text = res.text().await.unwrap_or_default();
    let body = serde_json::from_str(&text).unwrap_or(Value::Null);
    check(method, path, status, &content_type, &body);
    (status, body)
}

/// Panics, naming the operation, when an answer is not what the document
/// says it may be.
pub fn check(method: &str, path_and_query: &str, status: u16, content_type: &str, body: &Value) {
    let path = path_and_query.split('?').next().unwrap_or(path_and_query);
    if !path.starts_with("/api/v1/") {
        return;
    }
    let method = method.to_ascii_lowercase();
    let Some(template) = template_of(path) else {
        // Not a route of the document: the server's 404 is the answer.
        assert_eq!(
            status, 404,
            "{method} {path} is not in the API document, yet answered {status}"
        );
        return;
    };
    let Some(operation) = DOCUMENT["paths"][&template].get(&method) else {
        assert!(
            status == 405 || status == 404,
            "{method} {template} is not in the API document, yet answered {status}"
        );
        return;
    };
    let Some(response) = operation["responses"].get(status.to_string()) else {
        panic!(
            "{method} {template} answered {status}, which the API document does not list (it lists {:?})",
            operation["responses"]
                .as_object()
                .map(|r| r.keys().collect::<Vec<_>>())
        );
    };
    let Some(content) = response.get("content").and_then(Value::as_object) else {
        return;
    };
    let media = content_type.split(';').next().unwrap_or("").trim();
    let Some(described) = content.get(media) else {
        panic!(
            "{method} {template} answered {status} as {media:?}; the API document says {:?}",
            content.keys().collect::<Vec<_>>()
        );
    };
    let Some(schema) = described.get("schema") else {
        return;
    };
    if media != "application/json" {
        return;
    }
    let key = format!("{method} {template} {status}");
    let validator = {
        let mut cache = VALIDATORS.lock().unwrap();
        cache
            .entry(key.clone())
            .or_insert_with(|| {
                let mut root = json!({
                    "$schema": "https://json-schema.org/draft/2020-12/schema",
                    "components": DOCUMENT["components"].clone(),
                });
                root["allOf"] = json!([schema.clone()]);
                std::sync::Arc::new(
                    jsonschema::validator_for(&root)
                        .unwrap_or_else(|e| panic!("the schema of {key}: {e}")),
                )
            })
            .clone()
    };
    let problems: Vec<String> = validator
        .iter_errors(body)
        .take(5)
        .map(|e| format!("at {}: {e}", e.instance_path()))
        .collect();
    assert!(
        problems.is_empty(),
        "{key}: the answer does not fit the API document:\n{}\n{}",
        problems.join("\n"),
        serde_json::to_string(body)
            .unwrap_or_default()
            .chars()
            .take(600)
            .collect::<String>()
    );
}

#[test]
fn an_answer_the_document_does_not_describe_is_caught() {
    let json = "application/json";
    check("get", "/api/v1/programs", 200, json, &json!([]));
    for (status, body) in [(200, json!({"programs": []})), (418, json!([]))] {
        let caught =
            std::panic::catch_unwind(|| check("get", "/api/v1/programs", status, json, &body));
        assert!(caught.is_err(), "{status} {body}");
    }
    let caught = std::panic::catch_unwind(|| {
        check("get", "/api/v1/programs", 200, "text/html", &json!(null))
    });
    assert!(caught.is_err(), "the wrong content type");
}

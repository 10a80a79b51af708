//! Strict JSON input: a body must have the shape its published schema
//! gives it, before serde reads it. serde on its own takes an array where
//! a struct is expected (by position) and skips fields it does not know,
//! so `[[1]]` would be a rating and `{"share": true}` an empty change.
//! Here each request type's OpenAPI schema (the one in the document) is
//! walked beside the value: an object where the schema says object, with
//! only the properties it lists; an array where it says array. Scalars,
//! enums and required fields are left to serde, which names them well.

use std::any::TypeId;
use std::collections::HashMap;
use std::sync::{Arc, LazyLock, RwLock};

use serde_json::{Map, Value};

/// A field the caller got wrong: (where, the sentence to show).
pub type Misfit = (String, String);

struct Schemas {
    root: Value,
    named: HashMap<String, Value>,
}

static COMPILED: LazyLock<RwLock<HashMap<TypeId, Arc<Schemas>>>> = LazyLock::new(Default::default);

fn schemas_of<T: utoipa::ToSchema + 'static>() -> Arc<Schemas> {
    let id = TypeId::of::<T>();
    if let Some(found) = COMPILED.read().ok().and_then(|m| m.get(&id).cloned()) {
        return found;
    }
    let mut nested = Vec::new();
    T::schemas(&mut nested);
    let to_json = |s| serde_json::to_value(s).unwrap_or(Value::Null);
    let compiled = Arc::new(Schemas {
        root: to_json(T::schema()),
        named: nested
            .into_iter()
            .map(|(name, schema)| (name, to_json(schema)))
            .collect(),
    });
    if let Ok(mut m) = COMPILED.write() {
        m.insert(id, compiled.clone());
    }
    compiled
}

/// Whether `value` has the shape of `T`'s schema; the first misfit if not.
pub fn check<T: utoipa::ToSchema + 'static>(value: &Value) -> Result<(), Misfit> {
    let schemas = schemas_of::<T>();
    Walk {
        named: &schemas.named,
    }
    .fits(&schemas.root, value, "")
}

struct Walk<'a> {
    named: &'a HashMap<String, Value>,
}

const UNKNOWN: &str =
    "This field is not one this request takes; check its name against the API document.";

fn at(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_owned()
    } else {
        format!("{path}.{key}")
    }
}

fn field_name(path: &str) -> String {
    if path.is_empty() {
        "body".to_owned()
    } else {
        path.to_owned()
    }
}

fn types(schema: &Value) -> Vec<&str> {
    match schema.get("type") {
        Some(Value::String(t)) => vec![t.as_str()],
        Some(Value::Array(ts)) => ts.iter().filter_map(Value::as_str).collect(),
        _ => vec![],
    }
}

impl<'a> Walk<'a> {
    fn resolve(&self, schema: &'a Value) -> Option<&'a Value> {
        match schema.get("$ref").and_then(Value::as_str) {
            Some(r) => self.named.get(r.rsplit('/').next().unwrap_or(r)),
            None => Some(schema),
        }
    }

    fn fits(&self, schema: &'a Value, value: &Value, path: &str) -> Result<(), Misfit> {
        // A reference the type did not bring along is not checked here.
        let Some(schema) = self.resolve(schema) else {
            return Ok(());
        };
        if let Some(Value::Array(all)) = schema.get("allOf") {
            return self.fits_all(all, value, path);
        }
        if let Some(Value::Array(choices)) = schema.get("oneOf").or_else(|| schema.get("anyOf")) {
            return self.fits_one(choices, value, path);
        }
        let types = types(schema);
        if value.is_null()
            && (types.contains(&"null") || schema.get("nullable") == Some(&Value::Bool(true)))
        {
            return Ok(());
        }
        if types.contains(&"object") || schema.get("properties").is_some() {
            let Value::Object(fields) = value else {
                return Err((field_name(path), "Send an object ({ … }) here.".to_owned()));
            };
            return self.fits_object(schema, fields, path);
        }
        if types.contains(&"array") {
            let Value::Array(items) = value else {
                return Err((field_name(path), "Send a list ([ … ]) here.".to_owned()));
            };
            if let Some(item) = schema.get("items") {
                for (i, v) in items.iter().enumerate() {
                    self.fits(item, v, &format!("{}[{i}]", field_name(path)))?;
                }
            }
        }
        Ok(())
    }

    fn fits_object(
        &self,
        schema: &'a Value,
        fields: &Map<String, Value>,
        path: &str,
    ) -> Result<(), Misfit> {
        let properties = schema.get("properties").and_then(Value::as_object);
        let extra = schema.get("additionalProperties");
        for (key, v) in fields {
            match properties.and_then(|p| p.get(key)) {
                Some(property) => self.fits(property, v, &at(path, key))?,
                None => match extra {
                    Some(Value::Bool(false)) | None => {
                        return Err((at(path, key), UNKNOWN.to_owned()));
                    }
                    Some(Value::Bool(true)) => {}
                    Some(more) => self.fits(more, v, &at(path, key))?,
                },
            }
        }
        Ok(())
    }

    /// `allOf` (a flattened struct): an object whose fields are the union
    /// of the parts' fields, each checked by the part that declares it.
    fn fits_all(&self, all: &'a [Value], value: &Value, path: &str) -> Result<(), Misfit> {
        let parts: Vec<&Value> = all.iter().filter_map(|s| self.resolve(s)).collect();
        let objects: Vec<&&Value> = parts
            .iter()
            .filter(|p| types(p).contains(&"object") || p.get("properties").is_some())
            .collect();
        if objects.is_empty() {
            for part in parts {
                self.fits(part, value, path)?;
            }
            return Ok(());
        }
        let Value::Object(fields) = value else {
            return Err((field_name(path), "Send an object ({ … }) here.".to_owned()));
        };
        for (key, v) in fields {
            let declared = objects.iter().find_map(|p| {
                p.get("properties")
                    .and_then(Value::as_object)
                    .and_then(|props| props.get(key))
            });
            match declared {
                Some(property) => self.fits(property, v, &at(path, key))?,
                None if objects.iter().any(|p| {
                    p.get("additionalProperties")
                        .is_some_and(|a| a != &Value::Bool(false))
                }) => {}
                None => return Err((at(path, key), UNKNOWN.to_owned())),
            }
        }
        Ok(())
    }

    /// `oneOf`/`anyOf`: fits if any choice does; otherwise the misfit of
    /// the choice that is not just `null`.
    fn fits_one(&self, choices: &'a [Value], value: &Value, path: &str) -> Result<(), Misfit> {
        let mut first = None;
        for choice in choices {
            match self.fits(choice, value, path) {
                Ok(()) => return Ok(()),
                Err(misfit) => {
                    let only_null = self.resolve(choice).is_some_and(|c| types(c) == ["null"]);
                    if !only_null && first.is_none() {
                        first = Some(misfit);
                    }
                }
            }
        }
        match first {
            Some(misfit) => Err(misfit),
            // Only null was allowed, and this is not null: serde says why.
            None => Ok(()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;
    use std::collections::BTreeMap;

    #[allow(dead_code)]
    #[derive(utoipa::ToSchema)]
    struct TestRating {
        indicator_id: i64,
        level: Option<i64>,
    }

    #[allow(dead_code)]
    #[derive(utoipa::ToSchema)]
    struct Ratings {
        ratings: Vec<TestRating>,
        note: Option<String>,
    }

    #[allow(dead_code)]
    #[derive(utoipa::ToSchema)]
    struct Ranking {
        ranks: BTreeMap<String, Option<i64>>,
    }

    #[allow(dead_code)]
    #[derive(utoipa::ToSchema)]
    struct Whole {
        #[serde(flatten)]
        ratings: Ratings,
        shared: bool,
    }

    #[test]
    fn the_right_shape_fits() {
        assert_eq!(
            check::<Ratings>(
                &json!({"ratings": [{"indicator_id": 1, "level": null}], "note": null})
            ),
            Ok(())
        );
        assert_eq!(
            check::<Ranking>(&json!({"ranks": {"CO": 1, "KS": null}})),
            Ok(())
        );
        assert_eq!(
            check::<Whole>(&json!({"ratings": [], "shared": true})),
            Ok(())
        );
    }

    #[test]
    fn an_array_is_not_an_object() {
        assert_eq!(check::<Ratings>(&json!([[1]])).unwrap_err().0, "body");
        assert_eq!(
            check::<Ratings>(&json!({"ratings": [[1]]})).unwrap_err().0,
            "ratings[0]"
        );
        assert_eq!(
            check::<Ranking>(&json!({"ranks": []})).unwrap_err().0,
            "ranks"
        );
    }

    #[test]
    fn an_unknown_field_is_named() {
        assert_eq!(
            check::<Ratings>(&json!({"rating": []})).unwrap_err().0,
            "rating"
        );
        assert_eq!(
            check::<Ratings>(&json!({"ratings": [{"indicator_id": 1, "lvl": 2}]}))
                .unwrap_err()
                .0,
            "ratings[0].lvl"
        );
        assert_eq!(
            check::<Whole>(&json!({"shared": true, "x": 1}))
                .unwrap_err()
                .0,
            "x"
        );
    }
}

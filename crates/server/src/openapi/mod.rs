//! The OpenAPI document, generated from the route table so it cannot drift
//! from the routes: every path, its summary, its permission, the error
//! envelope and the stable error codes; and, from [`io::IO`], the body each
//! route takes and the answers it gives, as `$ref`s to `components/schemas`
//! made by `utoipa` from the handlers' own serde types.

pub mod io;

use serde_json::{Map, Value, json};

use crate::auth::Role;
use crate::error::ERROR_CODES;
use crate::perms::{ROUTES, allowed};
use io::{Content, Schemas};

/// An object schema with a required string property added first and
/// some taken away: the schema of a type that is another's fields and a
/// key beside them (serde's `flatten` over a type that denies unknown
/// fields would make a schema that refuses the key).
pub fn keyed(
    base: utoipa::openapi::RefOr<utoipa::openapi::schema::Schema>,
    (key, about): (&str, &str),
    without: &[&str],
    description: &str,
) -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
    use utoipa::openapi::schema::{Schema, Type};
    use utoipa::openapi::{ObjectBuilder, RefOr};
    let mut s = base;
    if let RefOr::T(Schema::Object(o)) = &mut s {
        for w in without {
            o.properties.shift_remove(*w);
        }
        o.required.retain(|r| !without.contains(&r.as_str()));
        let property = ObjectBuilder::new()
            .schema_type(Type::String)
            .description(Some(about));
        o.properties
            .shift_insert(0, key.to_string(), property.into());
        o.required.insert(0, key.to_string());
        o.description = Some(description.to_string());
    }
    s
}

/// The reason phrase of a success status, for a response's description.
fn reason(status: u16) -> &'static str {
    axum::http::StatusCode::from_u16(status)
        .ok()
        .and_then(|s| s.canonical_reason())
        .unwrap_or("Success")
}

/// A body's `content` map (none for [`Content::Empty`]).
fn content(c: Content, schemas: &mut Schemas) -> Option<Value> {
    match c {
        Content::Empty => None,
        Content::Json(f) | Content::OptionalJson(f) => {
            let name = f(schemas);
            Some(
                json!({"application/json": {"schema": {"$ref": format!("#/components/schemas/{name}")}}}),
            )
        }
        Content::Media(t) => Some(json!({ t: {} })),
    }
}

/// Adds a route's `requestBody` and success `responses` to its operation.
fn add_io(op: &mut Value, method: &str, path: &str, schemas: &mut Schemas) {
    let Some(e) = io::of(method, path) else {
        return;
    };
    if let Some(c) = content(e.request, schemas) {
        let required = !matches!(e.request, Content::OptionalJson(_));
        op["requestBody"] = json!({"required": required, "content": c});
    }
    for (status, body) in e.responses {
        let r = &mut op["responses"][status.to_string()];
        r["description"] = json!(reason(*status));
        // A status answered in two types (JSON or CSV) lists both.
        if let Some(Value::Object(c)) = content(*body, schemas) {
            for (media, schema) in c {
                r["content"][media] = schema;
            }
        }
    }
}

/// `components/schemas`: the error envelope and every schema collected,
/// by name. A name given to two different schemas is a mistake in the
/// types (two `ToSchema` types of one name): the later one is ignored,
/// and a test fails on it.
fn components_schemas(schemas: Schemas) -> Map<String, Value> {
    let mut out = Map::new();
    out.insert("Error".into(), json!({"type": "object", "required": ["error"], "properties": {"error": {"type": "object", "required": ["code", "message"], "properties": {"code": {"type": "string", "enum": ERROR_CODES.iter().map(|c| c.0).collect::<Vec<_>>()}, "message": {"type": "string"}}}}}));
    for (name, schema) in schemas {
        let v = serde_json::to_value(schema).unwrap_or(Value::Null);
        out.entry(name).or_insert(v);
    }
    out
}

/// Every schema [`io::IO`] names, with a name given to two different
/// schemas, for the tests.
pub fn schema_clashes() -> Vec<String> {
    let mut all = Schemas::new();
    for e in io::IO {
        content(e.request, &mut all);
        for (_, c) in e.responses {
            content(*c, &mut all);
        }
    }
    let mut seen: std::collections::BTreeMap<String, Value> = Default::default();
    let mut clashes = Vec::new();
    for (name, schema) in all {
        let v = serde_json::to_value(schema).unwrap_or(Value::Null);
        match seen.get(&name) {
            Some(old) if *old != v => clashes.push(name),
            Some(_) => {}
            None => {
                seen.insert(name, v);
            }
        }
    }
    clashes
}

/// The OpenAPI 3.1 document of `/api/v1`.
pub fn document() -> Value {
    let mut paths = Map::new();
    let mut schemas = Schemas::new();
    for r in ROUTES {
        let params: Vec<Value> = r
            .path
            .split('/')
            .filter_map(|seg| seg.strip_prefix('{').and_then(|s| s.strip_suffix('}')))
            .map(|name| json!({"name": name, "in": "path", "required": true, "schema": {"type": "string"}}))
            .collect();
        let roles: Vec<&str> = match r.action {
            Some(a) => Role::ALL
                .iter()
                .filter(|role| allowed(**role, a))
                .map(|r| r.as_str())
                .collect(),
            None => vec![],
        };
        let mut op = json!({
            "summary": r.summary,
            "operationId": format!("{} {}", r.method, r.path),
            "parameters": params,
            "x-permission": r.action.map(|a| a.as_str()),
            "x-roles": roles,
            "responses": {
                "default": {"description": "An error", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}
            }
        });
        if r.action.is_some() {
            op["security"] = json!([{"bearer": []}, {"session": []}]);
        }
        let header = match (r.method, r.path) {
            ("POST", "/api/v1/interactions") => Some(
                json!({"name": "Idempotency-Key", "in": "header", "required": false, "schema": {"type": "string", "maxLength": 128}}),
            ),
            ("GET", "/api/v1/events") => Some(
                json!({"name": "Last-Event-ID", "in": "header", "required": false, "schema": {"type": "integer"}}),
            ),
            _ => None,
        };
        if let (Some(h), Some(list)) = (header, op["parameters"].as_array_mut()) {
            list.push(h);
        }
        add_io(&mut op, r.method, r.path, &mut schemas);
        let entry = paths.entry(r.path.to_string()).or_insert_with(|| json!({}));
        entry[r.method.to_ascii_lowercase()] = op;
    }
    json!({
        "openapi": "3.1.0",
        "info": {"title": "Centralita API", "version": env!("CARGO_PKG_VERSION"),
                 "description": "Contact-center API. Errors are {\"error\":{\"code\",\"message\"}}; codes are listed in x-error-codes."},
        "paths": paths,
        "components": {
            "securitySchemes": {
                "bearer": {"type": "http", "scheme": "bearer", "description": "API token from `centralita token create`"},
                "session": {"type": "apiKey", "in": "cookie", "name": crate::auth::SESSION_COOKIE, "description": "From POST /api/v1/sessions; unsafe methods also need X-CSRF-Token"}
            },
            "schemas": components_schemas(schemas),
        },
        "x-error-codes": ERROR_CODES.iter().map(|(c, s, m)| json!({"code": c, "status": s, "meaning": m})).collect::<Vec<_>>(),
    })
}

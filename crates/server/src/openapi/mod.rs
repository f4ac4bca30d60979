//! The OpenAPI document, generated from the route table so it cannot drift
//! from the routes: every path, its summary, its permission, the error
//! envelope and the stable error codes.

use serde_json::{Map, Value, json};

use crate::auth::Role;
use crate::error::ERROR_CODES;
use crate::perms::{ROUTES, allowed};

/// The OpenAPI 3.1 document of `/api/v1`.
pub fn document() -> Value {
    let mut paths = Map::new();
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
            "schemas": {
                "Error": {"type": "object", "required": ["error"], "properties": {"error": {"type": "object", "required": ["code", "message"], "properties": {"code": {"type": "string", "enum": ERROR_CODES.iter().map(|c| c.0).collect::<Vec<_>>()}, "message": {"type": "string"}}}}}
            }
        },
        "x-error-codes": ERROR_CODES.iter().map(|(c, s, m)| json!({"code": c, "status": s, "meaning": m})).collect::<Vec<_>>(),
    })
}

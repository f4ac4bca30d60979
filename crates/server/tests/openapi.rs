//! The OpenAPI document's request and response schemas: every `$ref`
//! resolves, the customer, integration, campaign and interaction routes
//! all say what they take and answer (a route that reads a JSON body, as
//! the server shows by refusing another type, has a JSON `requestBody`),
//! and real answers of a running server fit their schemas.

use serde_json::{Value, json};
use server::perms::ROUTES;

mod common;

use common::client::Client;

/// The routes whose bodies and answers must all be described.
const PRIORITY: &[&str] = &[
    "/api/v1/customers",
    "/api/v1/customer-queries",
    "/api/v1/imports",
    "/api/v1/dnc-lists",
    "/api/v1/webhooks",
    "/api/v1/campaigns",
    "/api/v1/interactions",
];

fn priority(path: &str) -> bool {
    PRIORITY.iter().any(|p| path.starts_with(p))
}

fn refs<'a>(v: &'a Value, out: &mut Vec<&'a str>) {
    match v {
        Value::Object(o) => {
            if let Some(Value::String(r)) = o.get("$ref") {
                out.push(r);
            }
            o.values().for_each(|x| refs(x, out));
        }
        Value::Array(a) => a.iter().for_each(|x| refs(x, out)),
        _ => {}
    }
}

#[test]
fn every_ref_names_a_schema_of_the_document() {
    let doc = server::openapi::document();
    let schemas = doc["components"]["schemas"].as_object().unwrap();
    let mut all = Vec::new();
    refs(&doc, &mut all);
    assert!(all.len() > 50, "only {} references", all.len());
    for r in all {
        let name = r
            .strip_prefix("#/components/schemas/")
            .unwrap_or_else(|| panic!("{r} is not a schema reference"));
        assert!(schemas.contains_key(name), "{r} names no schema");
    }
    assert!(
        server::openapi::schema_clashes().is_empty(),
        "two schemas of one name: {:?}",
        server::openapi::schema_clashes()
    );
}

#[test]
fn every_described_route_is_a_route() {
    for e in server::openapi::io::IO {
        assert!(
            ROUTES
                .iter()
                .any(|r| r.method == e.method && r.path == e.path),
            "{} {} is described but is no route",
            e.method,
            e.path
        );
    }
}

/// Every route of the API (not the web pages under `/ui`) is described.
#[test]
fn every_api_route_is_described() {
    for r in ROUTES.iter().filter(|r| !r.path.starts_with("/ui")) {
        assert!(
            server::openapi::io::of(r.method, r.path).is_some(),
            "{} {} is not described in openapi/io.rs",
            r.method,
            r.path
        );
    }
}

#[test]
fn customer_integration_campaign_and_interaction_routes_say_what_they_answer() {
    let doc = server::openapi::document();
    for r in ROUTES.iter().filter(|r| priority(r.path)) {
        let op = &doc["paths"][r.path][r.method.to_ascii_lowercase()];
        let ok: Vec<(&String, &Value)> = op["responses"]
            .as_object()
            .unwrap()
            .iter()
            .filter(|(k, _)| k.starts_with('2'))
            .collect();
        assert!(!ok.is_empty(), "{} {}: no success answer", r.method, r.path);
        for (status, answer) in ok {
            if status == "204" || answer.get("content").is_none() && status == "201" {
                continue;
            }
            let content = answer["content"].as_object();
            let described = content.is_some_and(|c| {
                c.iter().all(|(t, m)| {
                    if t == "application/json" {
                        m["schema"]["$ref"].is_string()
                    } else {
                        !t.is_empty()
                    }
                })
            });
            assert!(described, "{} {} {status}: {answer}", r.method, r.path);
        }
    }
}

/// Fills a path's parameters.
fn concrete(path: &str) -> String {
    path.split('/')
        .map(|seg| {
            if seg.starts_with('{') {
                if seg == "{name}" { "q1" } else { "1" }
            } else {
                seg
            }
        })
        .collect::<Vec<_>>()
        .join("/")
}

#[tokio::test]
async fn routes_that_read_json_have_a_json_request_body() {
    let (_e, c) = common::admin_client("openapi-bodies").await;
    let doc = server::openapi::document();
    let api = |p: &str| p.starts_with("/api/") || p.starts_with("/chat/");
    for r in ROUTES
        .iter()
        .filter(|r| api(r.path) && matches!(r.method, "POST" | "PUT" | "PATCH"))
    {
        let mut c: Client = c.clone();
        let plain = [("content-type", "text/plain")];
        let reply = c
            .raw(r.method, &concrete(r.path), &plain, "not json")
            .await
            .unwrap();
        if reply.status == 403 {
            // Refused before the body is read (a provider's route).
            assert!(!priority(r.path), "{} {}", r.method, r.path);
            continue;
        }
        let reads_json = reply.status == 415;
        let op = &doc["paths"][r.path][r.method.to_ascii_lowercase()];
        let declared =
            op["requestBody"]["content"]["application/json"]["schema"]["$ref"].is_string();
        assert_eq!(
            reads_json, declared,
            "{} {}: reads JSON {reads_json} (answered {}), requestBody {}",
            r.method, r.path, reply.status, op["requestBody"]
        );
    }
}

/// What is wrong with `v` as an instance of `schema` (resolving `$ref`s in
/// `doc`): a required property missing, a value of another type.
fn misfits(v: &Value, schema: &Value, doc: &Value, at: &str, out: &mut Vec<String>) {
    if let Some(r) = schema["$ref"].as_str() {
        let name = r.trim_start_matches("#/components/schemas/");
        let target = &doc["components"]["schemas"][name];
        return misfits(v, target, doc, &format!("{at}<{name}>"), out);
    }
    for part in schema["allOf"].as_array().into_iter().flatten() {
        misfits(v, part, doc, at, out);
    }
    let alternatives = schema["oneOf"].as_array().or(schema["anyOf"].as_array());
    if let Some(alts) = alternatives {
        let fits = alts.iter().any(|a| {
            let mut o = Vec::new();
            misfits(v, a, doc, at, &mut o);
            o.is_empty()
        });
        if !fits {
            out.push(format!(
                "{at}: {v} is none of {}",
                Value::from(alts.clone())
            ));
        }
    }
    let types: Vec<&str> = match &schema["type"] {
        Value::String(t) => vec![t.as_str()],
        Value::Array(a) => a.iter().filter_map(Value::as_str).collect(),
        _ => return,
    };
    let fits = types.iter().any(|t| match *t {
        "null" => v.is_null(),
        "object" => v.is_object(),
        "array" => v.is_array(),
        "string" => v.is_string(),
        "integer" => v.is_i64() || v.is_u64(),
        "number" => v.is_number(),
        "boolean" => v.is_boolean(),
        _ => true,
    });
    if !fits {
        out.push(format!("{at}: {v} is not of type {}", schema["type"]));
        return;
    }
    if let Some(o) = v.as_object() {
        object_misfits(o, schema, doc, at, out);
    }
    if let Some(a) = v.as_array() {
        for (i, x) in a.iter().enumerate() {
            misfits(x, &schema["items"], doc, &format!("{at}[{i}]"), out);
        }
    }
}

/// What is wrong with an object's properties: a required one missing, an
/// unknown one where the schema allows none, one that does not fit.
fn object_misfits(
    o: &serde_json::Map<String, Value>,
    schema: &Value,
    doc: &Value,
    at: &str,
    out: &mut Vec<String>,
) {
    for name in schema["required"].as_array().into_iter().flatten() {
        let name = name.as_str().unwrap_or_default();
        if !o.contains_key(name) {
            out.push(format!("{at}: no {name:?} in {}", Value::Object(o.clone())));
        }
    }
    for (k, x) in o {
        let p = &schema["properties"][k];
        if p.is_null() && schema["additionalProperties"] == false {
            out.push(format!("{at}: {k:?} is not allowed"));
        }
        let p = if p.is_null() {
            &schema["additionalProperties"]
        } else {
            p
        };
        if p.is_object() {
            misfits(x, p, doc, &format!("{at}.{k}"), out);
        }
    }
}

/// Checks an answer against the document: its status is one the route
/// declares, and its body fits that status's schema.
fn fits(doc: &Value, method: &str, path: &str, status: u16, body: &Value) {
    let op = &doc["paths"][path][method.to_ascii_lowercase()];
    let answer = &op["responses"][status.to_string()];
    assert!(
        answer.is_object(),
        "{method} {path}: {status} is not declared: {body}"
    );
    let schema = &answer["content"]["application/json"]["schema"];
    assert!(
        schema.is_object(),
        "{method} {path} {status}: no JSON schema"
    );
    let mut out = Vec::new();
    misfits(body, schema, doc, path, &mut out);
    assert!(out.is_empty(), "{method} {path} {status}: {out:#?}");
    // The check itself must catch a missing property.
    if let Some((k, _)) = body.as_object().and_then(|o| o.iter().next()) {
        let required = doc_required(doc, schema);
        if required.contains(k) {
            let mut less = body.clone();
            less.as_object_mut().unwrap().remove(k);
            let mut out = Vec::new();
            misfits(&less, schema, doc, path, &mut out);
            assert!(
                !out.is_empty(),
                "{method} {path}: {k} left out goes unnoticed"
            );
        }
    }
}

/// The properties a (referenced) object schema marks required.
fn doc_required(doc: &Value, schema: &Value) -> Vec<String> {
    let s = match schema["$ref"].as_str() {
        Some(r) => &doc["components"]["schemas"][r.trim_start_matches("#/components/schemas/")],
        None => schema,
    };
    let mut out: Vec<String> = s["required"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|n| n.as_str().map(str::to_string))
        .collect();
    for part in s["allOf"].as_array().into_iter().flatten() {
        out.extend(doc_required(doc, part));
    }
    out
}

/// A client that checks a request's body against the document, sends it,
/// checks the answer and hands back its status and body.
struct Checked {
    c: Client,
    doc: Value,
}

impl Checked {
    async fn call(
        &mut self,
        method: &str,
        route: &str,
        path: &str,
        body: Option<Value>,
    ) -> (u16, Value) {
        if let Some(b) = &body {
            let op = &self.doc["paths"][route][method.to_ascii_lowercase()];
            let schema = &op["requestBody"]["content"]["application/json"]["schema"];
            let mut out = Vec::new();
            misfits(b, schema, &self.doc, "request", &mut out);
            assert!(out.is_empty(), "{method} {route}: {out:#?}");
        }
        let r = self
            .c
            .request(method, path, &[], body.as_ref())
            .await
            .unwrap();
        assert!(
            (200..300).contains(&r.status),
            "{method} {path}: {} {:?}",
            r.status,
            r.json()
        );
        if r.status != 204 && !r.body.is_empty() {
            fits(&self.doc, method, route, r.status, &r.json());
        }
        (r.status, r.json())
    }

    /// GET `path` (the route itself when empty), checked.
    async fn get(&mut self, route: &str, path: &str) -> Value {
        let path = if path.is_empty() { route } else { path };
        self.call("GET", route, path, None).await.1
    }

    /// A request with a JSON body to `path` (the route itself when empty), checked.
    async fn send(&mut self, method: &str, route: &str, path: &str, body: Value) -> (u16, Value) {
        let path = if path.is_empty() { route } else { path };
        self.call(method, route, path, Some(body)).await
    }
}

/// A client of a fresh tenant with a routing plan, checking answers.
async fn checked(suite: &str) -> Checked {
    let (_e, c) = common::admin_client(suite).await;
    let mut k = Checked {
        c,
        doc: server::openapi::document(),
    };
    let plan = json!({"document": "default_queue = \"support\"\n[[queue]]\nname = \"support\"\n"});
    k.send("POST", "/api/v1/routing/plan/validate", "", plan.clone())
        .await;
    let (status, _) = k.send("PUT", "/api/v1/routing/plan", "", plan).await;
    assert_eq!(status, 204);
    k
}

/// Makes a record and reads it every way: its id.
async fn record_answers(k: &mut Checked) -> i64 {
    let new = json!({"name": "Núria Puig", "phone": "+34612345678", "email": "nuria@example.org"});
    let id = k.send("POST", "/api/v1/customers", "", new).await.1["id"]
        .as_i64()
        .unwrap();
    let one = format!("/api/v1/customers/{id}");
    k.get("/api/v1/customers/{id}", &one).await;
    let patch = json!({"tags": ["vip"], "addresses": [{"city": "Girona", "country": "ES"}]});
    k.send("PATCH", "/api/v1/customers/{id}", &one, patch).await;
    k.get("/api/v1/customers", "/api/v1/customers?q=nuria")
        .await;
    k.get(
        "/api/v1/customers",
        "/api/v1/customers?phone=%2B34612345678",
    )
    .await;
    k.get(
        "/api/v1/customers/{id}/timeline",
        &format!("{one}/timeline"),
    )
    .await;
    k.get("/api/v1/customers/{id}/history", &format!("{one}/history"))
        .await;
    let consent =
        json!({"purpose": "marketing", "channel": "voice", "granted": true, "source": "web_form"});
    let route = "/api/v1/customers/{id}/consents";
    k.send("POST", route, &format!("{one}/consents"), consent)
        .await;
    k.get(route, &format!("{one}/consents")).await;
    id
}

/// Keeps records in step by external id, merges one and undoes it.
async fn sync_and_merge_answers(k: &mut Checked, id: i64) {
    let route = "/api/v1/customers/by-external-id/{external_id}";
    let path = "/api/v1/customers/by-external-id/crm-7";
    let (s, _) = k
        .send("PUT", route, path, json!({"name": "Pau Vidal"}))
        .await;
    assert_eq!(s, 201);
    let (s, _) = k.send("PUT", route, path, json!({"tags": ["x"]})).await;
    assert_eq!(s, 200);
    let bulk = json!({"records": [
        {"external_id": "crm-8", "name": "Marta Soler"},
        {"external_id": "crm-7", "tags": []},
        {"external_id": "crm-8", "name": "Marta Soler again"},
    ]});
    let (_, b) = k.send("POST", "/api/v1/customers/bulk", "", bulk).await;
    let counts = (
        b["created"].as_i64(),
        b["updated"].as_i64(),
        b["errors"].as_i64(),
    );
    assert_eq!(counts, (Some(1), Some(1), Some(1)), "{b}");
    let other = k
        .send(
            "POST",
            "/api/v1/customers",
            "",
            json!({"name": "Núria Puig"}),
        )
        .await
        .1["id"]
        .as_i64()
        .unwrap();
    let one = format!("/api/v1/customers/{id}");
    let body = json!({"other": other});
    k.send(
        "POST",
        "/api/v1/customers/{id}/merge",
        &format!("{one}/merge"),
        body.clone(),
    )
    .await;
    k.send(
        "POST",
        "/api/v1/customers/{id}/unmerge",
        &format!("{one}/unmerge"),
        body,
    )
    .await;
    k.get("/api/v1/customers/duplicates", "").await;
    let erase = format!("/api/v1/customers/{other}/erase");
    k.call("POST", "/api/v1/customers/{id}/erase", &erase, None)
        .await;
}

/// Saved queries, webhooks, imports, do-not-call lists, campaigns.
async fn integration_answers(k: &mut Checked) {
    let route = "/api/v1/customer-queries/{name}";
    let path = "/api/v1/customer-queries/vips";
    k.send("PUT", route, path, json!({"tags_all": ["vip"]}))
        .await;
    k.get(route, path).await;
    k.get("/api/v1/customer-queries", "").await;
    k.get(
        "/api/v1/customer-queries/{name}/customers",
        &format!("{path}/customers"),
    )
    .await;
    let hook = json!({"url": "http://127.0.0.1:9/hook", "kinds": [], "secret": "0123456789abcdef"});
    let (_, w) = k.send("POST", "/api/v1/webhooks", "", hook).await;
    k.get("/api/v1/webhooks", "").await;
    let deliveries = format!("/api/v1/webhooks/{}/deliveries", w["id"]);
    k.get("/api/v1/webhooks/{id}/deliveries", &deliveries).await;
    let mailbox = json!({"address": "support@acme.test", "queue": "support",
        "imap": {"host": "127.0.0.1", "port": 9, "security": "none", "user": "u", "password": "p"},
        "smtp": {"host": "127.0.0.1", "port": 9, "security": "starttls"}});
    let route = "/api/v1/mailboxes/{name}";
    k.send("PUT", route, "/api/v1/mailboxes/support", mailbox)
        .await;
    k.get("/api/v1/mailboxes", "").await;
    k.get("/api/v1/imports", "").await;
    k.get("/api/v1/dnc-lists", "").await;
    k.get("/api/v1/campaigns", "").await;
}

/// An interaction about customer `id`, read every way.
async fn interaction_answers(k: &mut Checked, id: i64) {
    let call = json!({"channel": "voice", "attributes": {"caller_number": "+34612345678"}, "customer_id": id});
    let (_, it) = k.send("POST", "/api/v1/interactions", "", call).await;
    k.get("/api/v1/interactions", "").await;
    let one = format!("/api/v1/interactions/{}", it["id"]);
    k.get("/api/v1/interactions/{id}", &one).await;
    k.get("/api/v1/interactions/{id}/notes", &format!("{one}/notes"))
        .await;
    k.get("/api/v1/reports/summary", "").await;
}

#[tokio::test]
async fn real_answers_fit_their_schemas() {
    let mut k = checked("openapi-answers").await;
    let id = record_answers(&mut k).await;
    sync_and_merge_answers(&mut k, id).await;
    integration_answers(&mut k).await;
    interaction_answers(&mut k, id).await;
}

#[tokio::test]
async fn answers_of_the_other_routes_fit_their_schemas() {
    let mut k = checked("openapi-others").await;
    k.get("/api/v1/routing/plan", "").await;
    k.get("/api/v1/queues", "").await;
    let agent = json!({"name": "ana", "skills": [{"name": "spanish", "level": 3}]});
    let (_, a) = k.send("POST", "/api/v1/agents", "", agent).await;
    k.get("/api/v1/agents", "").await;
    k.get(
        "/api/v1/agents/{id}",
        &format!("/api/v1/agents/{}", a["id"]),
    )
    .await;
    k.get("/api/v1/me", "").await;
    k.get("/healthz", "").await;
    let token = json!({"name": "crm", "role": "agent"});
    k.send("POST", "/api/v1/tokens", "", token).await;
    k.get("/api/v1/tokens", "").await;
    k.get("/api/v1/audit", "").await;
    k.get("/api/v1/settings/tenant", "").await;
    k.get("/api/v1/settings/customer-fields", "").await;
    let start = json!({"name": "Pau"});
    let (_, chat) = k
        .send("POST", "/chat/{tenant}/start", "/chat/acme/start", start)
        .await;
    let secret = chat["secret"].as_str().unwrap();
    let messages = format!(
        "/chat/acme/{}/messages?secret={secret}",
        chat["interaction_id"]
    );
    k.get("/chat/{tenant}/{id}/messages", &messages).await;
}

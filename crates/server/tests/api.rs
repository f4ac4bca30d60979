//! The API in process: the router over a fresh SQLite file, sent requests
//! without a socket by the tests' client (`common::client`); one test talks
//! to a real server on port 0.

use std::time::Duration;

use serde_json::{Value, json};
use server::auth::{self, Role};
use server::perms::{ROUTES, allowed};
use store::Tenant;

mod common;

use common::Env;
use common::client::Client;

const PLAN: &str = r#"
default_queue = "support"
[[queue]]
name = "support"
ring_timeout_s = 60
[[queue]]
name = "sales"
wrap_up_s = 30
[[rule]]
name = "sales-line"
when = { dialled_number = ["900100200"] }
then = { queue = "sales" }
"#;

async fn env() -> Env {
    common::env("api").await
}

impl Env {
    async fn tenant(&self, name: &str) -> Tenant {
        self.store.create_tenant(name, 1).await.unwrap()
    }
    async fn token(&self, t: &Tenant, role: Role) -> Client {
        let token = auth::new_token();
        self.store
            .create_token(t, "test", role.as_str(), &auth::secret_hash(&token), 1)
            .await
            .unwrap();
        Client::new(&self.app).bearer(&token)
    }
    /// A tenant with a plan, agent 0 "ana" (support and sales) linked to user "ana".
    async fn ready_tenant(&self, name: &str) -> (Tenant, Client) {
        let t = self.tenant(name).await;
        let mut admin = self.token(&t, Role::Admin).await;
        let r = admin
            .put("/api/v1/routing/plan", &json!({"document": PLAN}))
            .await
            .unwrap();
        assert_eq!(r.status, 204, "{:?}", r.json());
        self.store
            .create_user(
                &t,
                "ana",
                &auth::hash_password("ana's long password").unwrap(),
                "agent",
                1,
            )
            .await
            .unwrap();
        let r = admin
            .post("/api/v1/agents", &json!({"name": "ana", "username": "ana", "skills": [{"name": "support", "level": 5}, {"name": "sales", "level": 5}]}))
            .await
            .unwrap();
        assert_eq!(r.status, 201, "{:?}", r.json());
        (t, admin)
    }
}

async fn sign_in(
    app: &axum::Router,
    tenant: Option<&str>,
    user: &str,
    password: &str,
) -> (Client, u16, Value) {
    let mut c = Client::new(app);
    let r = c
        .post(
            "/api/v1/sessions",
            &json!({"tenant": tenant, "username": user, "password": password}),
        )
        .await
        .unwrap();
    if let Some(cookie) = r.headers.get("set-cookie") {
        let cookie = cookie.to_str().unwrap();
        assert!(
            cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict"),
            "{cookie}"
        );
        let kv = cookie.split(';').next().unwrap().to_string();
        c.headers.push(("cookie".into(), kv));
    }
    let body = r.json();
    (c, r.status, body)
}

#[tokio::test]
async fn healthz_and_the_openapi_document_list_every_route() {
    let e = env().await;
    let mut c = Client::new(&e.app);
    assert_eq!(c.get("/healthz").await.unwrap().status, 200);
    let doc = c.get("/api/v1/openapi.json").await.unwrap().json();
    for r in ROUTES {
        assert!(
            doc["paths"][r.path][r.method.to_ascii_lowercase()].is_object(),
            "{} {}",
            r.method,
            r.path
        );
    }
    assert!(doc["x-error-codes"].as_array().unwrap().len() >= 10);
}

/// The one test over a socket (the others call the router in process): the
/// server binds a real port and answers HTTP/1.1 on a kept-alive connection.
#[tokio::test]
async fn the_server_answers_http_on_a_real_port() {
    use http_body_util::{BodyExt, Empty};
    let dir = common::scratch("api-port");
    let running = server::start(&store::sqlite_url(&dir), "127.0.0.1:0")
        .await
        .unwrap();
    let tcp = tokio::net::TcpStream::connect(running.addr).await.unwrap();
    let (mut sender, conn) =
        hyper::client::conn::http1::handshake(hyper_util::rt::TokioIo::new(tcp))
            .await
            .unwrap();
    tokio::spawn(conn);
    for (path, status, code) in [
        ("/healthz", 200, None),
        ("/api/v1/agents", 401, Some("unauthenticated")),
    ] {
        sender.ready().await.unwrap();
        let req = hyper::Request::get(path)
            .header("host", running.addr.to_string())
            .body(Empty::<axum::body::Bytes>::new())
            .unwrap();
        let res = sender.send_request(req).await.unwrap();
        assert_eq!(res.status(), status, "{path}");
        let body = res.into_body().collect().await.unwrap().to_bytes();
        let json: Value = serde_json::from_slice(&body).unwrap_or(Value::Null);
        assert_eq!(json["error"]["code"].as_str(), code, "{path}");
    }
}

#[tokio::test]
async fn an_interaction_is_routed_accepted_completed_and_disposed_with_live_events() {
    let e = env().await;
    let (t, mut admin) = e.ready_tenant("acme").await;
    let (mut ana, status, _) = sign_in(&e.app, Some("acme"), "ana", "ana's long password").await;
    assert_eq!(status, 201);
    let mut sup = e.token(&t, Role::Supervisor).await;
    let mut events = sup.events("/api/v1/events", None).await.unwrap();
    // The agent signs in (cookie + CSRF) and is offered the new interaction.
    let (_, _, body) = sign_in(&e.app, Some("acme"), "ana", "ana's long password").await;
    let csrf = body["csrf_token"].as_str().unwrap().to_string();
    let r = ana
        .request("POST", "/api/v1/agents/0/sign-in", &[], None)
        .await
        .unwrap();
    assert_eq!(r.error_code().as_deref(), Some("csrf_failed"));
    // Each session has its own CSRF token; use this client's own session.
    let (mut ana, _, body) = sign_in(&e.app, Some("acme"), "ana", "ana's long password").await;
    let csrf2 = body["csrf_token"].as_str().unwrap().to_string();
    assert_ne!(csrf, csrf2);
    ana.headers.push(("x-csrf-token".into(), csrf2));
    assert_eq!(
        ana.post("/api/v1/agents/0/sign-in", &json!({}))
            .await
            .unwrap()
            .status,
        204
    );
    let started = server::clock::mono();
    let r = sup
        .post("/api/v1/interactions", &json!({"channel": "voice", "attributes": {"caller_number": "+34600000009", "dialled_number": "900100200"}}))
        .await
        .unwrap();
    assert_eq!(r.status, 201, "{:?}", r.json());
    let id = r.json()["id"].as_i64().unwrap();
    loop {
        let ev = tokio::time::timeout(Duration::from_secs(1), events.next())
            .await
            .expect("an event within 1 s")
            .unwrap()
            .unwrap();
        if ev.event == "routing.offered" {
            let v: Value = serde_json::from_str(&ev.data).unwrap();
            assert_eq!(v["fact"]["event"]["interaction"], id);
            break;
        }
    }
    assert!(started.elapsed() < Duration::from_secs(1));
    let r = ana
        .post(&format!("/api/v1/interactions/{id}/accept"), &json!({}))
        .await
        .unwrap();
    assert_eq!(r.status, 200, "{:?}", r.json());
    assert_eq!(r.json()["state"], "connected");
    assert_eq!(r.json()["queue_id"], 1, "the sales-line rule chose sales");
    let r = ana
        .post(&format!("/api/v1/interactions/{id}/complete"), &json!({}))
        .await
        .unwrap();
    assert_eq!(r.json()["outcome"], "handled");
    let r = ana
        .post(
            &format!("/api/v1/interactions/{id}/disposition"),
            &json!({"code": "sale"}),
        )
        .await
        .unwrap();
    assert_eq!(r.json()["disposition"], "sale");
    assert_eq!(
        ana.post(
            &format!("/api/v1/interactions/{id}/notes"),
            &json!({"body": "wants a quote"})
        )
        .await
        .unwrap()
        .status,
        201
    );
    let notes = admin
        .get(&format!("/api/v1/interactions/{id}/notes"))
        .await
        .unwrap()
        .json();
    assert_eq!(notes["notes"][0]["from"], "ana");
    let agents = admin.get("/api/v1/agents").await.unwrap().json();
    assert_eq!(agents["agents"][0]["state"], "wrap_up", "{agents}");
    // Projections equal a rebuild from the log.
    let live = e.store.projection_snapshot(&t).await.unwrap();
    e.store.rebuild(&t).await.unwrap();
    assert_eq!(e.store.projection_snapshot(&t).await.unwrap(), live);
}

#[tokio::test]
async fn the_same_idempotency_key_twice_gives_the_same_interaction_once() {
    let e = env().await;
    let (t, mut admin) = e.ready_tenant("acme").await;
    let body = json!({"channel": "email", "subject": "refund"});
    let a = admin
        .request(
            "POST",
            "/api/v1/interactions",
            &[("idempotency-key", "order-77")],
            Some(&body),
        )
        .await
        .unwrap();
    let b = admin
        .request(
            "POST",
            "/api/v1/interactions",
            &[("idempotency-key", "order-77")],
            Some(&body),
        )
        .await
        .unwrap();
    assert_eq!((a.status, b.status), (201, 200));
    assert_eq!(a.json()["id"], b.json()["id"]);
    let c = admin
        .request(
            "POST",
            "/api/v1/interactions",
            &[("idempotency-key", "order-78")],
            Some(&body),
        )
        .await
        .unwrap();
    assert_ne!(c.json()["id"], a.json()["id"]);
    let list = e.store.interactions(&t, None, 100).await.unwrap();
    assert_eq!(list.len(), 2);
    // Concurrent retries of one key land in one group commit or several: still one interaction.
    let mut tasks = Vec::new();
    for _ in 0..8 {
        let mut c = e.token(&t, Role::Admin).await;
        let body = body.clone();
        tasks.push(tokio::spawn(async move {
            c.request(
                "POST",
                "/api/v1/interactions",
                &[("idempotency-key", "burst")],
                Some(&body),
            )
            .await
            .unwrap()
            .json()["id"]
                .as_i64()
                .unwrap()
        }));
    }
    let mut ids = Vec::new();
    for t in tasks {
        ids.push(t.await.unwrap());
    }
    ids.dedup();
    assert_eq!(ids.len(), 1, "{ids:?}");
    assert_eq!(e.store.interactions(&t, None, 100).await.unwrap().len(), 3);
    // A burst mixing a committed key with new ones (a batch's keys are
    // looked up together): the committed one answers 200 with its id.
    let first = ids[0];
    let mut tasks = Vec::new();
    for i in 0..8 {
        let mut c = e.token(&t, Role::Admin).await;
        let body = body.clone();
        let key = if i % 2 == 0 {
            "burst".to_string()
        } else {
            format!("fresh-{i}")
        };
        tasks.push(tokio::spawn(async move {
            let r = c
                .request(
                    "POST",
                    "/api/v1/interactions",
                    &[("idempotency-key", &key)],
                    Some(&body),
                )
                .await
                .unwrap();
            (key, r.status, r.json()["id"].as_i64().unwrap())
        }));
    }
    for task in tasks {
        let (key, status, id) = task.await.unwrap();
        if key == "burst" {
            assert_eq!((status, id), (200, first), "{key}");
        } else {
            assert_eq!(status, 201, "{key}");
            assert_ne!(id, first);
        }
    }
    assert_eq!(e.store.interactions(&t, None, 100).await.unwrap().len(), 7);
}

#[tokio::test]
async fn client_mistakes_are_4xx_naming_the_field() {
    let e = env().await;
    let (_t, mut admin) = e.ready_tenant("acme").await;
    let cases = [
        (json!({"channel": "pigeon"}), 422, "channel"),
        (json!({"priority": 1}), 400, "channel"),
        (
            json!({"channel": "chat", "priority": "high"}),
            400,
            "priority",
        ),
        (json!({"channel": "chat", "queue": "nope"}), 422, "queue"),
        (json!({"channel": "chat", "colour": "red"}), 400, "colour"),
        (
            json!({"channel": "chat", "customer_id": 99}),
            422,
            "customer_id",
        ),
        (
            json!({"channel": "chat", "attributes": {"caller_number": "call me"}}),
            400,
            "caller_number",
        ),
    ];
    for (body, status, field) in cases {
        let r = admin.post("/api/v1/interactions", &body).await.unwrap();
        assert_eq!(r.status, status, "{body} → {:?}", r.json());
        let msg = r.json()["error"]["message"].as_str().unwrap().to_string();
        assert!(msg.contains(field), "{body}: {msg}");
    }
    let r = admin
        .request(
            "POST",
            "/api/v1/interactions",
            &[("content-type", "application/json")],
            None,
        )
        .await
        .unwrap();
    assert_eq!(r.error_code().as_deref(), Some("invalid_json"));
    let r = admin
        .put(
            "/api/v1/routing/plan",
            &json!({"document": "[[queue]]\nname = \"a\"\nstrategy = \"fastest\"\n"}),
        )
        .await
        .unwrap();
    assert_eq!(r.status, 422);
    let msg = r.json()["error"]["message"].as_str().unwrap().to_string();
    assert!(msg.contains("plan:3") && msg.contains("strategy"), "{msg}");
    let r = admin
        .put(
            "/api/v1/routing/plan",
            &json!({"document": "[[queue]]\nname = \"sales\"\n[[queue]]\nname = \"support\"\n"}),
        )
        .await
        .unwrap();
    assert_eq!(r.status, 422, "reordering queues would change their ids");
    assert_eq!(
        admin.get("/api/v1/interactions/abc").await.unwrap().status,
        404
    );
    assert_eq!(
        admin
            .get("/api/v1/nothing-here")
            .await
            .unwrap()
            .error_code()
            .as_deref(),
        Some("not_found")
    );
    assert_eq!(
        Client::new(&e.app)
            .get("/api/v1/agents")
            .await
            .unwrap()
            .error_code()
            .as_deref(),
        Some("unauthenticated")
    );
    let r = admin
        .post("/api/v1/agents/0/state", &json!({"state": "lunch"}))
        .await
        .unwrap();
    assert!(
        r.json()["error"]["message"]
            .as_str()
            .unwrap()
            .contains("state")
    );
}

#[tokio::test]
async fn failed_sign_ins_slow_down_then_lock_out() {
    let e = env().await;
    let t = e.tenant("acme").await;
    e.store
        .create_user(
            &t,
            "eva",
            &auth::hash_password("eva's long password").unwrap(),
            "admin",
            1,
        )
        .await
        .unwrap();
    let (_, s, _) = sign_in(&e.app, Some("acme"), "nobody", "whatever").await;
    assert_eq!(s, 401);
    for _ in 0..auth::FAILURES_BEFORE_LOCK {
        let (_, s, _) = sign_in(&e.app, Some("acme"), "eva", "wrong password").await;
        assert_eq!(s, 401);
    }
    let (_, s, body) = sign_in(&e.app, Some("acme"), "eva", "eva's long password").await;
    assert_eq!(
        (s, body["error"]["code"].as_str()),
        (429, Some("too_many_attempts"))
    );
    let (mut c, s, _) = sign_in(&e.app, Some("other"), "eva", "eva's long password").await;
    assert_eq!(s, 401);
    assert_eq!(c.get("/api/v1/me").await.unwrap().status, 401);
}

#[tokio::test]
async fn a_chat_reaches_the_accepting_agent_and_back() {
    let e = env().await;
    let (t, _admin) = e.ready_tenant("shop").await;
    let mut public = Client::new(&e.app);
    let page = public.get("/chat/shop").await.unwrap();
    assert!(String::from_utf8_lossy(&page.body).contains("data-tenant=\"shop\""));
    assert_eq!(public.get("/chat/nope").await.unwrap().status, 404);
    let (mut ana, _, body) = sign_in(&e.app, Some("shop"), "ana", "ana's long password").await;
    ana.headers.push((
        "x-csrf-token".into(),
        body["csrf_token"].as_str().unwrap().into(),
    ));
    let mut agent_events = ana.events("/api/v1/events", None).await.unwrap();
    assert_eq!(
        ana.post("/api/v1/agents/0/sign-in", &json!({}))
            .await
            .unwrap()
            .status,
        204
    );
    let r = public
        .post("/chat/shop/start", &json!({"name": "Eva"}))
        .await
        .unwrap();
    assert_eq!(r.status, 201);
    let id = r.json()["interaction_id"].as_i64().unwrap();
    let secret = r.json()["secret"].as_str().unwrap().to_string();
    assert_eq!(
        public
            .post(
                &format!("/chat/shop/{id}/messages"),
                &json!({"secret": "wrong", "body": "hi"})
            )
            .await
            .unwrap()
            .status,
        404
    );
    assert_eq!(
        public
            .post(
                &format!("/chat/shop/{id}/messages"),
                &json!({"secret": secret, "body": "my order is late"})
            )
            .await
            .unwrap()
            .status,
        201
    );
    // The agent's stream carries the offer and, once accepted, the customer's words.
    assert_eq!(
        ana.post(&format!("/api/v1/interactions/{id}/accept"), &json!({}))
            .await
            .unwrap()
            .status,
        200
    );
    assert_eq!(
        public
            .post(
                &format!("/chat/shop/{id}/messages"),
                &json!({"secret": secret, "body": "order 42"})
            )
            .await
            .unwrap()
            .status,
        201
    );
    let mut saw = Vec::new();
    while !saw.iter().any(|k: &String| k == "chat_message") {
        let ev = tokio::time::timeout(Duration::from_secs(1), agent_events.next())
            .await
            .unwrap()
            .unwrap()
            .unwrap();
        saw.push(ev.event);
    }
    assert!(saw.contains(&"routing.offered".to_string()), "{saw:?}");
    let msgs = ana
        .get(&format!("/api/v1/interactions/{id}/messages"))
        .await
        .unwrap()
        .json();
    assert_eq!(msgs["messages"].as_array().unwrap().len(), 2);
    assert_eq!(
        ana.post(
            &format!("/api/v1/interactions/{id}/messages"),
            &json!({"body": "On its way!"})
        )
        .await
        .unwrap()
        .status,
        201
    );
    let back = public
        .get(&format!("/chat/shop/{id}/messages?secret={secret}&after=0"))
        .await
        .unwrap()
        .json();
    let last = back["messages"].as_array().unwrap().last().unwrap().clone();
    assert_eq!(
        (last["from"].as_str(), last["body"].as_str()),
        (Some("agent"), Some("On its way!"))
    );
    assert_eq!(back["state"], "connected");
    // Persisted: the log has them and a rebuild keeps them.
    e.store.rebuild(&t).await.unwrap();
    assert_eq!(e.store.messages(&t, id, 0).await.unwrap().len(), 3);
}

#[tokio::test]
async fn live_events_resume_after_last_event_id() {
    let e = env().await;
    let (t, mut admin) = e.ready_tenant("acme").await;
    for i in 0..3 {
        admin
            .post("/api/v1/customers", &json!({"name": format!("c{i}")}))
            .await
            .unwrap();
    }
    let last = e.store.last_seq(&t).await.unwrap();
    let mut s = admin
        .events("/api/v1/events", Some(last - 2))
        .await
        .unwrap();
    let a = s.next().await.unwrap().unwrap();
    let b = s.next().await.unwrap().unwrap();
    assert_eq!((a.id, b.id), (last - 1, last));
    admin
        .post("/api/v1/customers", &json!({"name": "live"}))
        .await
        .unwrap();
    let c = tokio::time::timeout(Duration::from_secs(1), s.next())
        .await
        .unwrap()
        .unwrap()
        .unwrap();
    assert_eq!((c.id, c.event.as_str()), (last + 1, "customers_set"));
}

#[tokio::test]
async fn customers_are_found_by_phone_and_email_with_their_history() {
    let e = env().await;
    let (_t, mut admin) = e.ready_tenant("acme").await;
    let r = admin
        .post(
            "/api/v1/customers",
            &json!({"name": "Eva", "phone": "+34600000001", "email": "eva@example.com"}),
        )
        .await
        .unwrap();
    let cid = r.json()["id"].as_i64().unwrap();
    assert_eq!(
        admin
            .post(
                "/api/v1/customers",
                &json!({"name": "X", "email": "not-an-email"})
            )
            .await
            .unwrap()
            .status,
        422
    );
    let found = admin
        .get("/api/v1/customers?phone=%2B34600000001")
        .await
        .unwrap()
        .json();
    assert_eq!(found["customers"][0]["id"], cid);
    let found = admin
        .get("/api/v1/customers?email=eva@example.com")
        .await
        .unwrap()
        .json();
    assert_eq!(found["customers"][0]["name"], "Eva");
    // A call from her number is linked to her record (screen pop).
    admin
        .post(
            "/api/v1/interactions",
            &json!({"channel": "voice", "attributes": {"caller_number": "+34600000001"}}),
        )
        .await
        .unwrap();
    let h = admin
        .get(&format!("/api/v1/customers/{cid}/history"))
        .await
        .unwrap()
        .json();
    assert_eq!(h["interactions"].as_array().unwrap().len(), 1);
}

/// Every role against every endpoint: 403 exactly where the table says no.
#[tokio::test]
async fn every_role_and_endpoint_match_the_permission_table() {
    let e = env().await;
    let (t, _) = e.ready_tenant("acme").await;
    e.store
        .create_provider_user(
            "root",
            &auth::hash_password("provider long password").unwrap(),
            1,
        )
        .await
        .unwrap();
    let (mut provider, s, body) = sign_in(&e.app, None, "root", "provider long password").await;
    assert_eq!(s, 201);
    provider.headers.push((
        "x-csrf-token".into(),
        body["csrf_token"].as_str().unwrap().into(),
    ));
    for role in Role::ALL {
        let mut c = if role == Role::Provider {
            let mut c = Client::new(&e.app);
            c.headers = provider.headers.clone();
            c
        } else {
            e.token(&t, role).await
        };
        for r in ROUTES.iter().filter(|r| r.action.is_some()) {
            if (r.method == "DELETE" && r.path == "/api/v1/sessions")
                || (r.method == "POST" && r.path == "/ui/sign-out")
            {
                continue; // signing out would end the provider's session mid-test
            }
            let path = r.path.replace("{id}", "0");
            let status = if r.path == "/api/v1/events" {
                match c.events(&path, None).await {
                    Ok(_) => 200,
                    Err(e) => e.to_string()["events: HTTP ".len()..][..3].parse().unwrap(),
                }
            } else {
                let body = (r.method != "GET").then(|| json!({}));
                c.request(r.method, &path, &[], body.as_ref())
                    .await
                    .unwrap()
                    .status
            };
            let ok = allowed(role, r.action.unwrap());
            assert_eq!(
                status == 403,
                !ok,
                "{} {} {} → {status}",
                role.as_str(),
                r.method,
                r.path
            );
        }
    }
}

/// Tenant A's tokens against tenant B's ids: 404 everywhere, and none of B's data.
#[tokio::test]
async fn a_tenant_never_reaches_another_tenants_data() {
    let e = env().await;
    let (_a, _) = e.ready_tenant("alpha").await;
    let (b, mut b_admin) = e.ready_tenant("beta").await;
    // B gets ids A does not have: agents 1.., customers 1.., interactions 1.., queue 2.
    let plan = format!("{PLAN}\n[[queue]]\nname = \"secret-queue-b\"\n");
    assert_eq!(
        b_admin
            .put("/api/v1/routing/plan", &json!({"document": plan}))
            .await
            .unwrap()
            .status,
        204
    );
    b_admin
        .post("/api/v1/agents", &json!({"name": "secret-agent-b"}))
        .await
        .unwrap();
    let cid = b_admin
        .post(
            "/api/v1/customers",
            &json!({"name": "Secret Customer B", "phone": "+34699999999"}),
        )
        .await
        .unwrap()
        .json()["id"]
        .as_i64()
        .unwrap();
    let iid = b_admin
        .post(
            "/api/v1/interactions",
            &json!({"channel": "chat", "subject": "secret-subject-b", "customer_id": cid}),
        )
        .await
        .unwrap()
        .json()["id"]
        .as_i64()
        .unwrap();
    assert_eq!(iid, 1);
    // And a campaign 1 with a contact.
    let r = b_admin
        .post(
            "/api/v1/campaigns",
            &json!({"name": "secret-campaign-b", "settings": {"queue": "support", "team": "secret-team-b", "caller_id": "+34900000000"}}),
        )
        .await
        .unwrap();
    assert_eq!(r.status, 201, "{:?}", r.json());
    let r = b_admin
        .post(
            "/api/v1/campaigns/1/contacts",
            &json!({"contacts": [{"name": "secret-contact-b", "phones": ["+34699999999"]}]}),
        )
        .await
        .unwrap();
    assert_eq!(r.status, 201, "{:?}", r.json());
    // B's tokens up to id 10 (A makes five of its own below: its ids stop there).
    for i in 0..9 {
        let r = b_admin
            .post(
                "/api/v1/tokens",
                &json!({"name": format!("secret-token-b{i}"), "role": "analyst"}),
            )
            .await
            .unwrap();
        assert_eq!(r.status, 201, "{:?}", r.json());
    }
    // B's users up to id 20 (A has a few).
    for i in 0..20 {
        let _ = e
            .store
            .create_user(&b, &format!("secret-user-b{i}"), "!", "agent", 1)
            .await;
    }
    let a = e.store.tenant_by_name("alpha").await.unwrap().unwrap();
    for role in [
        Role::Admin,
        Role::Supervisor,
        Role::Agent,
        Role::Analyst,
        Role::Client,
    ] {
        // Agents act as themselves: a signed-in agent user of A.
        let mut c = if role == Role::Agent {
            let (mut c, _, body) =
                sign_in(&e.app, Some("alpha"), "ana", "ana's long password").await;
            c.headers.push((
                "x-csrf-token".into(),
                body["csrf_token"].as_str().unwrap().into(),
            ));
            c
        } else {
            e.token(&a, role).await
        };
        for r in ROUTES
            .iter()
            .filter(|r| r.path.contains("{id}") && r.path.starts_with("/api/"))
        {
            if !allowed(role, r.action.unwrap()) {
                continue;
            }
            let id = if r.path.contains("/agents/") {
                1
            } else if r.path.contains("/customers/") {
                cid
            } else if r.path.contains("/queues/") {
                2
            } else if r.path.contains("/tokens/") {
                10
            } else if r.path.contains("/users/") {
                20
            } else {
                iid
            };
            let path = r.path.replace("{id}", &id.to_string());
            let body = (r.method != "GET").then(|| json!({"body": "x", "code": "x", "queue": "support", "skills": [], "state": "ready", "agent_id": 0}));
            let res = c
                .request(r.method, &path, &[], body.as_ref())
                .await
                .unwrap();
            let text = String::from_utf8_lossy(&res.body).to_string();
            assert!(!text.contains("secret"), "{} {path}: {text}", role.as_str());
            if r.method == "GET" {
                assert_eq!(res.status, 404, "{} GET {path}: {text}", role.as_str());
            } else {
                assert!(
                    res.status == 404 || res.status == 400 || res.status == 422,
                    "{} {} {path}: {} {text}",
                    role.as_str(),
                    r.method,
                    res.status
                );
            }
        }
        if allowed(role, server::perms::Action::CustomersRead) {
            let found = c
                .get("/api/v1/customers?phone=%2B34699999999")
                .await
                .unwrap()
                .json();
            assert_eq!(found["customers"].as_array().unwrap().len(), 0);
        }
        if allowed(role, server::perms::Action::InteractionsRead) {
            let list = c.get("/api/v1/interactions").await.unwrap();
            assert!(!String::from_utf8_lossy(&list.body).contains("secret"));
        }
    }
    // B's data is intact and B sees it.
    assert_eq!(
        e.store
            .interaction(&b, iid)
            .await
            .unwrap()
            .unwrap()
            .subject
            .as_deref(),
        Some("secret-subject-b")
    );
}

#[tokio::test]
async fn a_timed_step_for_a_team_offers_to_its_members_and_teams_are_edited() {
    let e = env().await;
    let t = e.tenant("teams").await;
    let mut admin = e.token(&t, Role::Admin).await;
    let plan = "default_queue = \"support\"\n[[queue]]\nname = \"support\"\nring_timeout_s = 60\n\
                [[queue.step]]\nuntil_s = 600\nteam = \"vip\"\n";
    let r = admin
        .put("/api/v1/routing/plan", &json!({"document": plan}))
        .await
        .unwrap();
    assert_eq!(r.status, 204, "{:?}", r.json());
    // Ben (no team) and Ana (vip) have the same skill; Ben is ready first.
    let skills = json!([{"name": "support", "level": 5}]);
    let r = admin
        .post("/api/v1/agents", &json!({"name": "ben", "skills": skills}))
        .await
        .unwrap();
    assert_eq!((r.status, r.json()["id"].as_i64()), (201, Some(0)));
    let r = admin
        .post(
            "/api/v1/agents",
            &json!({"name": "ana", "skills": skills, "teams": ["vip", "billing", "vip"]}),
        )
        .await
        .unwrap();
    assert_eq!((r.status, r.json()["id"].as_i64()), (201, Some(1)));
    let a = admin.get("/api/v1/agents/1").await.unwrap().json();
    assert_eq!(a["teams"], json!(["billing", "vip"]), "{a}");
    for id in [0, 1] {
        let r = admin
            .post(&format!("/api/v1/agents/{id}/sign-in"), &json!({}))
            .await
            .unwrap();
        assert_eq!(r.status, 204, "{:?}", r.json());
    }
    let r = admin
        .post("/api/v1/interactions", &json!({"channel": "chat"}))
        .await
        .unwrap();
    assert_eq!(r.status, 201, "{:?}", r.json());
    assert_eq!(r.json()["state"], "offered", "{:?}", r.json());
    assert_eq!(r.json()["agent_id"], 1, "the team's member, not Ben");
    // Ben joins the team; his skills stay as they were.
    let r = admin
        .put("/api/v1/agents/0/teams", &json!({"teams": ["vip"]}))
        .await
        .unwrap();
    assert_eq!(r.status, 204, "{:?}", r.json());
    let b = admin.get("/api/v1/agents/0").await.unwrap().json();
    assert_eq!(b["teams"], json!(["vip"]), "{b}");
    assert_eq!(b["skills"], json!([["support", 5]]), "{b}");
    let r = admin
        .post("/api/v1/interactions", &json!({"channel": "chat"}))
        .await
        .unwrap();
    assert_eq!(
        r.json()["agent_id"],
        0,
        "now Ben is in the team: {:?}",
        r.json()
    );
    // A bad team name is refused, naming the field; nothing changes.
    let r = admin
        .put("/api/v1/agents/0/teams", &json!({"teams": ["vip", " "]}))
        .await
        .unwrap();
    assert!(r.status == 400 || r.status == 422, "{}", r.status);
    assert!(
        r.json()["error"]["message"]
            .as_str()
            .unwrap_or_default()
            .contains("teams"),
        "{:?}",
        r.json()
    );
    let b = admin.get("/api/v1/agents/0").await.unwrap().json();
    assert_eq!(b["teams"], json!(["vip"]));
    // The teams survive a rebuild of the projections from the log.
    e.store.rebuild(&t).await.unwrap();
    assert_eq!(
        e.store.agent(&t, 1).await.unwrap().unwrap().teams,
        vec!["billing".to_string(), "vip".to_string()]
    );
}

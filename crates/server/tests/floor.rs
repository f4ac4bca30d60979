//! The floor as a new user found it (issue 18's defects), each through the
//! API in process: agents who leave their desktop leave routing; transfers
//! and consults to agents who cannot take them are refused and the customer
//! stays; a recognised caller brings their value tier to routing.

use serde_json::{Value, json};
use server::auth::{self, Role};
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
name = "vip"
[[rule]]
name = "gold"
when = { value_tier = ["gold"] }
then = { queue = "vip" }
"#;

const PASSWORD: &str = "a long enough password";

async fn env() -> Env {
    common::env("floor").await
}

/// A tenant with the plan and agents 0 "ana" and 1 "bob" (both users).
async fn tenant(e: &Env) -> (Tenant, Client) {
    let t = e.store.create_tenant("acme", 1).await.unwrap();
    let token = auth::new_token();
    e.store
        .create_token(
            &t,
            "test",
            Role::Admin.as_str(),
            &auth::secret_hash(&token),
            1,
        )
        .await
        .unwrap();
    let mut admin = Client::new(&e.app).bearer(&token);
    let r = admin
        .put("/api/v1/routing/plan", &json!({"document": PLAN}))
        .await
        .unwrap();
    assert_eq!(r.status, 204, "{:?}", r.json());
    for name in ["ana", "bob"] {
        e.store
            .create_user(
                &t,
                name,
                &auth::hash_password(PASSWORD).unwrap(),
                "agent",
                1,
            )
            .await
            .unwrap();
        let r = admin
            .post(
                "/api/v1/agents",
                &json!({"name": name, "username": name, "skills": [{"name": "support", "level": 5}, {"name": "vip", "level": 5}]}),
            )
            .await
            .unwrap();
        assert_eq!(r.status, 201, "{:?}", r.json());
    }
    (t, admin)
}

/// A signed-in session (cookie and CSRF token) of a user.
async fn session(e: &Env, user: &str) -> Client {
    let mut c = Client::new(&e.app);
    let r = c
        .post(
            "/api/v1/sessions",
            &json!({"tenant": "acme", "username": user, "password": PASSWORD}),
        )
        .await
        .unwrap();
    assert_eq!(r.status, 201, "{:?}", r.json());
    let cookie = r.headers["set-cookie"].to_str().unwrap();
    let kv = cookie.split(';').next().unwrap().to_string();
    c.headers.push(("cookie".into(), kv));
    let csrf = r.json()["csrf_token"].as_str().unwrap().to_string();
    c.headers.push(("x-csrf-token".into(), csrf));
    c
}

async fn agent_state(admin: &mut Client, id: i64) -> String {
    let a = admin
        .get(&format!("/api/v1/agents/{id}"))
        .await
        .unwrap()
        .json();
    a["state"].as_str().unwrap_or_default().to_string()
}

async fn interaction(admin: &mut Client, id: i64) -> Value {
    admin
        .get(&format!("/api/v1/interactions/{id}"))
        .await
        .unwrap()
        .json()
}

async fn create(admin: &mut Client, body: Value) -> i64 {
    let r = admin.post("/api/v1/interactions", &body).await.unwrap();
    assert_eq!(r.status, 201, "{:?}", r.json());
    r.json()["id"].as_i64().unwrap()
}

async fn sign_in_agent(c: &mut Client, id: i64) {
    let r = c
        .post(&format!("/api/v1/agents/{id}/sign-in"), &json!({}))
        .await
        .unwrap();
    assert_eq!(r.status, 204, "{:?}", r.json());
}

#[tokio::test]
async fn signing_out_of_the_api_signs_the_agent_out_of_routing_and_their_offer_goes_back() {
    let e = env().await;
    let (_t, mut admin) = tenant(&e).await;
    let mut ana = session(&e, "ana").await;
    sign_in_agent(&mut ana, 0).await;
    let id = create(&mut admin, json!({"channel": "chat"})).await;
    assert_eq!(interaction(&mut admin, id).await["state"], "offered");
    let r = ana
        .request("DELETE", "/api/v1/sessions", &[], None)
        .await
        .unwrap();
    assert_eq!(r.status, 204, "{:?}", r.json());
    assert_eq!(agent_state(&mut admin, 0).await, "offline");
    let it = interaction(&mut admin, id).await;
    assert_eq!(it["state"], "waiting", "{it}");
    assert_eq!(it["agent_id"], Value::Null, "{it}");
}

#[tokio::test]
async fn an_agent_with_another_session_open_stays_in_routing_when_one_closes() {
    let e = env().await;
    let (_t, mut admin) = tenant(&e).await;
    let mut first = session(&e, "ana").await;
    let _second = session(&e, "ana").await;
    sign_in_agent(&mut first, 0).await;
    let r = first
        .request("DELETE", "/api/v1/sessions", &[], None)
        .await
        .unwrap();
    assert_eq!(r.status, 204);
    assert_eq!(agent_state(&mut admin, 0).await, "available");
}

#[tokio::test]
async fn signing_out_of_the_web_ui_signs_the_agent_out_of_routing() {
    let e = env().await;
    let (_t, mut admin) = tenant(&e).await;
    let mut ana = session(&e, "ana").await;
    sign_in_agent(&mut ana, 0).await;
    let r = ana.form("/ui/sign-out", &[], "").await.unwrap();
    assert!(r.status == 303 || r.status == 200, "{}", r.status);
    assert_eq!(agent_state(&mut admin, 0).await, "offline");
}

#[tokio::test]
async fn an_agent_whose_last_session_expires_is_signed_out_of_routing() {
    let e = env().await;
    let (_t, mut admin) = tenant(&e).await;
    let mut ana = session(&e, "ana").await;
    sign_in_agent(&mut ana, 0).await;
    let now = server::clock::now_ms();
    // Nothing has expired yet: the sweep leaves her be.
    assert_eq!(
        server::presence::sweep_once(&e.state, now).await.unwrap(),
        0
    );
    assert_eq!(agent_state(&mut admin, 0).await, "available");
    let later = now + server::auth::SESSION_TTL_MS + 1;
    assert_eq!(
        server::presence::sweep_once(&e.state, later).await.unwrap(),
        1
    );
    assert_eq!(agent_state(&mut admin, 0).await, "offline");
}

/// Ana holds a chat; bob is signed out or not ready.
async fn ana_holds_one(e: &Env, admin: &mut Client, channel: &str) -> (Client, i64) {
    let mut ana = session(e, "ana").await;
    sign_in_agent(&mut ana, 0).await;
    let id = create(admin, json!({"channel": channel})).await;
    let r = ana
        .post(&format!("/api/v1/interactions/{id}/accept"), &json!({}))
        .await
        .unwrap();
    assert_eq!(r.status, 200, "{:?}", r.json());
    (ana, id)
}

#[tokio::test]
async fn a_transfer_to_a_signed_out_agent_is_refused_and_the_customer_stays() {
    let e = env().await;
    let (_t, mut admin) = tenant(&e).await;
    let (mut ana, id) = ana_holds_one(&e, &mut admin, "chat").await;
    let r = ana
        .post(
            &format!("/api/v1/interactions/{id}/transfer"),
            &json!({"agent_id": 1}),
        )
        .await
        .unwrap();
    assert_eq!(r.status, 409, "{:?}", r.json());
    let msg = r.json()["error"]["message"].as_str().unwrap().to_string();
    assert!(msg.contains("bob") && msg.contains("signed out"), "{msg}");
    let it = interaction(&mut admin, id).await;
    assert_eq!(it["state"], "connected", "{it}");
    assert_eq!(it["agent_id"], 0, "{it}");
}

#[tokio::test]
async fn a_consult_to_a_not_ready_agent_is_refused_and_the_customer_stays() {
    let e = env().await;
    let (_t, mut admin) = tenant(&e).await;
    let (mut ana, id) = ana_holds_one(&e, &mut admin, "voice").await;
    let mut bob = session(&e, "bob").await;
    sign_in_agent(&mut bob, 1).await;
    let r = bob
        .post(
            "/api/v1/agents/1/state",
            &json!({"state": "not_ready", "reason": "lunch"}),
        )
        .await
        .unwrap();
    assert_eq!(r.status, 204, "{:?}", r.json());
    let r = ana
        .post(
            &format!("/api/v1/interactions/{id}/call/consult"),
            &json!({"agent_id": 1}),
        )
        .await
        .unwrap();
    assert_eq!(r.status, 409, "{:?}", r.json());
    let msg = r.json()["error"]["message"].as_str().unwrap().to_string();
    assert!(msg.contains("bob") && msg.contains("not ready"), "{msg}");
    let it = interaction(&mut admin, id).await;
    assert_eq!(it["state"], "connected", "{it}");
    assert_eq!(it["agent_id"], 0, "{it}");
}

#[tokio::test]
async fn a_recognised_callers_value_tier_routes_them_to_the_vip_queue() {
    let e = env().await;
    let (_t, mut admin) = tenant(&e).await;
    let r = admin
        .post(
            "/api/v1/customers",
            &json!({"name": "Carmen", "phone": "+34600111222"}),
        )
        .await
        .unwrap();
    assert_eq!(r.status, 201, "{:?}", r.json());
    let customer = r.json()["id"].as_i64().unwrap();
    let r = admin
        .post(
            &format!("/api/v1/customers/{customer}/profile"),
            &json!({"fields": {"value_tier": "gold"}}),
        )
        .await
        .unwrap();
    assert!(r.status < 300, "{:?}", r.json());
    let id = create(
        &mut admin,
        json!({"channel": "voice", "attributes": {"caller_number": "+34600111222"}}),
    )
    .await;
    let it = interaction(&mut admin, id).await;
    assert_eq!(it["customer_id"], customer, "{it}");
    assert_eq!(it["queue_id"], 1, "the gold rule chose vip: {it}");
    // A caller nobody knows stays in support.
    let other = create(
        &mut admin,
        json!({"channel": "voice", "attributes": {"caller_number": "+34600999999"}}),
    )
    .await;
    assert_eq!(interaction(&mut admin, other).await["queue_id"], 0);
}

#[tokio::test]
async fn an_agents_capacity_per_channel_is_set_through_the_api_and_routing_keeps_to_it() {
    let e = env().await;
    let (t, mut admin) = tenant(&e).await;
    let a = admin.get("/api/v1/agents/0").await.unwrap().json();
    assert_eq!(a["capacity"]["chat"], 3, "the default: {a}");
    let r = admin
        .put(
            "/api/v1/agents/0/capacity",
            &json!({"capacity": {"chat": 1}}),
        )
        .await
        .unwrap();
    assert_eq!(r.status, 204, "{:?}", r.json());
    let (_ana, first) = ana_holds_one(&e, &mut admin, "chat").await;
    let second = create(&mut admin, json!({"channel": "chat"})).await;
    let waiting = interaction(&mut admin, second).await;
    assert_eq!(waiting["state"], "waiting", "one chat at once: {waiting}");
    assert_eq!(interaction(&mut admin, first).await["state"], "connected");
    // Room for two: the waiting chat is offered to her at once.
    let r = admin
        .put(
            "/api/v1/agents/0/capacity",
            &json!({"capacity": {"chat": 2, "email": 0}}),
        )
        .await
        .unwrap();
    assert_eq!(r.status, 204, "{:?}", r.json());
    let offered = interaction(&mut admin, second).await;
    assert_eq!(
        (offered["state"].as_str(), offered["agent_id"].as_i64()),
        (Some("offered"), Some(0)),
        "{offered}"
    );
    // Over the limit, or a channel that does not exist: refused, nothing changes.
    for bad in [
        json!({"capacity": {"chat": 21}}),
        json!({"capacity": {"pigeon": 1}}),
    ] {
        let r = admin.put("/api/v1/agents/0/capacity", &bad).await.unwrap();
        assert!(r.status == 400 || r.status == 422, "{bad}: {}", r.status);
        let msg = r.json()["error"]["message"]
            .as_str()
            .unwrap_or_default()
            .to_string();
        assert!(msg.contains("capacity") || msg.contains("pigeon"), "{msg}");
    }
    // The setting is in the log: a rebuild of the projections keeps it.
    e.store.rebuild(&t).await.unwrap();
    let a = e.store.agent(&t, 0).await.unwrap().unwrap();
    let c = |ch: model::Channel| a.capacity[&ch];
    assert_eq!(
        (
            c(model::Channel::Chat),
            c(model::Channel::Email),
            c(model::Channel::Voice)
        ),
        (2, 0, 1)
    );
}

#[tokio::test]
async fn the_agent_form_sets_a_capacity_and_says_a_mistake_next_to_the_field() {
    let e = env().await;
    let (t, mut admin) = tenant(&e).await;
    let hash = auth::hash_password(PASSWORD).unwrap();
    e.store
        .create_user(&t, "boss", &hash, "admin", 1)
        .await
        .unwrap();
    let (mut page, _) = common::page_session(&e.app, ("acme", "boss", PASSWORD), "en").await;
    let body = |r: &common::client::Reply| String::from_utf8_lossy(&r.body).to_string();
    for (form, names) in [
        ("name=ana&skills=support%3Aeight", "skills"),
        ("name=ana&skills=support%3A5&capacity=pigeon%3A1", "pigeon"),
        ("name=ana&skills=support%3A5&capacity=chat%3A21", "chat:21"),
    ] {
        let r = page.form("/ui/admin/agents", &[], form).await.unwrap();
        assert_eq!(r.status, 422, "{form}: {}", body(&r));
        assert_eq!(r.headers["hx-retarget"], "#na-msg");
        assert!(body(&r).contains(names), "{form}: {}", body(&r));
        assert!(!body(&r).contains('{'), "no raw JSON: {}", body(&r));
    }
    let a = admin.get("/api/v1/agents/0").await.unwrap().json();
    assert_eq!(a["capacity"]["chat"], 3, "nothing changed: {a}");
    let form = "name=ana&skills=support%3A5&capacity=chat%3A1%2C+email%3A0";
    let r = page.form("/ui/admin/agents", &[], form).await.unwrap();
    assert_eq!(r.status, 200, "{}", body(&r));
    assert!(body(&r).contains("chat:1, email:0"), "{}", body(&r));
    let a = admin.get("/api/v1/agents/0").await.unwrap().json();
    assert_eq!(
        (
            a["capacity"]["chat"].as_u64(),
            a["capacity"]["email"].as_u64()
        ),
        (Some(1), Some(0)),
        "{a}"
    );
}

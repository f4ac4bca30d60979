//! The attacks of the security review, each as a test: parallel guessing,
//! a lock-out from elsewhere, sign-in floods, bodies that are not JSON,
//! answers without safe headers, priorities that overflow, weak passwords.

use std::sync::Arc;
use std::time::Duration;

use serde_json::json;
use server::auth::{self, FAILURES_BEFORE_LOCK};

mod common;

use common::client::{Client, Reply};

const PASSWORD: &str = common::EVA_PASSWORD;

use common::with_eva;

async fn sign_in(app: &axum::Router, from: &str, user: &str, password: &str) -> Reply {
    common::api_sign_in(app, Some(from), user, password).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn guesses_sent_at_once_are_counted_before_their_check() {
    let e = with_eva("sec-parallel").await;
    // Forty guesses at once from one address, the right password among them.
    let mut all = tokio::task::JoinSet::new();
    for i in 0..40 {
        let app = e.app.clone();
        let password = if i == 37 { PASSWORD } else { "a wrong guess" };
        all.spawn(async move { sign_in(&app, "203.0.113.9:5000", "eva", password).await });
    }
    let (mut checked, mut refused) = (0, 0);
    while let Some(r) = all.join_next().await {
        let r = r.unwrap();
        match r.status {
            401 | 201 => checked += 1,
            429 => {
                refused += 1;
                assert_eq!(r.error_code().as_deref(), Some("too_many_attempts"));
                let retry: u64 = r.headers["retry-after"].to_str().unwrap().parse().unwrap();
                assert!(retry >= 1, "{retry}");
            }
            other => panic!("unexpected {other}: {:?}", r.json()),
        }
    }
    assert!(
        checked <= FAILURES_BEFORE_LOCK,
        "{checked} guesses were checked, {refused} refused"
    );
    assert_eq!(checked + refused, 40);
    let r = sign_in(&e.app, "203.0.113.9:5001", "eva", PASSWORD).await;
    assert_eq!(r.status, 429, "locked after the guesses");
}

#[tokio::test]
async fn someone_elsewhere_cannot_lock_an_agent_out() {
    let e = with_eva("sec-elsewhere").await;
    for _ in 0..FAILURES_BEFORE_LOCK {
        let r = sign_in(&e.app, "198.51.100.7:4000", "eva", "typing her name").await;
        assert_eq!(r.status, 401);
    }
    let r = sign_in(&e.app, "198.51.100.7:4000", "eva", PASSWORD).await;
    assert_eq!(r.status, 429, "the guesser's address is locked");
    let r = sign_in(&e.app, "192.0.2.10:4000", "eva", PASSWORD).await;
    assert_eq!(
        r.status,
        201,
        "eva at her own desk signs in: {:?}",
        r.json()
    );
}

#[tokio::test]
async fn the_sign_in_page_says_the_lock_out_in_the_users_language() {
    let e = with_eva("sec-page").await;
    for _ in 0..=FAILURES_BEFORE_LOCK {
        let _ = sign_in(&e.app, "198.51.100.8:4000", "eva", "wrong guess").await;
    }
    let mut page = Client::new(&e.app).from("198.51.100.8:4001");
    let r = page
        .form(
            "/ui/sign-in",
            &[],
            "tenant=acme&username=eva&password=x&lang=es",
        )
        .await
        .unwrap();
    assert_eq!(r.status, 429);
    assert!(r.headers.contains_key("retry-after"));
    let html = String::from_utf8_lossy(&r.body);
    assert!(html.contains("Demasiados intentos fallidos"), "{html}");
}

/// Requests to `/healthz` answered while `signing_in` runs, and the
/// sign-ins' answers.
async fn answered_meanwhile(
    app: &axum::Router,
    mut signing_in: tokio::task::JoinSet<Reply>,
) -> (u32, Vec<Reply>) {
    let (mut answered, mut done) = (0, Vec::new());
    let mut probe = Client::new(app);
    while !signing_in.is_empty() {
        while let Some(r) = signing_in.try_join_next() {
            done.push(r.unwrap());
        }
        if signing_in.is_empty() {
            break;
        }
        let r = probe.get("/healthz").await.unwrap();
        assert_eq!(r.status, 200);
        answered += 1;
        tokio::time::sleep(Duration::from_millis(1)).await;
    }
    (answered, done)
}

#[tokio::test(flavor = "current_thread")]
async fn password_checks_do_not_stall_other_requests() {
    // One async thread: a password check that ran on it would hold every
    // other request until it was done.
    let e = with_eva("sec-stall").await;
    let mut signing_in = tokio::task::JoinSet::new();
    for i in 0..4 {
        let app = e.app.clone();
        let from = format!("192.0.2.{}:1000", 20 + i);
        signing_in.spawn(async move { sign_in(&app, &from, "nobody", "a made-up name").await });
    }
    tokio::task::yield_now().await;
    let (answered, done) = answered_meanwhile(&e.app, signing_in).await;
    assert!(done.iter().all(|r| r.status == 401));
    assert!(
        answered >= 20,
        "only {answered} requests were answered while four passwords were checked"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_flood_of_sign_ins_is_shed_with_503_not_queued_forever() {
    let mut e = with_eva("sec-flood").await;
    e.state.passwords = Arc::new(server::passwords::Passwords::new(1, 0));
    e.app = server::app(e.state.clone());
    let mut all = tokio::task::JoinSet::new();
    for i in 0..16 {
        let app = e.app.clone();
        let from = format!("192.0.2.{}:1000", 50 + i);
        all.spawn(async move { sign_in(&app, &from, "eva", PASSWORD).await });
    }
    let mut statuses = Vec::new();
    while let Some(r) = all.join_next().await {
        let r = r.unwrap();
        if r.status == 503 {
            assert_eq!(r.error_code().as_deref(), Some("busy"));
            assert!(r.headers.contains_key("retry-after"));
        }
        statuses.push(r.status);
    }
    assert!(statuses.contains(&201), "{statuses:?}");
    assert!(statuses.contains(&503), "{statuses:?}");
}

#[tokio::test]
async fn a_body_that_is_not_json_gets_415_and_answers_carry_safe_headers() {
    let e = with_eva("sec-types").await;
    let t = e.store.tenant_by_name("acme").await.unwrap().unwrap();
    let token = auth::new_token();
    e.store
        .create_token(&t, "t", "admin", &auth::secret_hash(&token), 1)
        .await
        .unwrap();
    let mut admin = Client::new(&e.app).bearer(&token);
    let body = r#"{"document": "default_queue = \"a\"\n[[queue]]\nname = \"a\"\n"}"#;
    for ty in [None, Some("text/plain"), Some("application/toml")] {
        let mut extra = vec![];
        if let Some(ty) = ty {
            extra.push(("content-type", ty));
        }
        let r = admin
            .raw("PUT", "/api/v1/routing/plan", &extra, body)
            .await
            .unwrap();
        assert_eq!(r.status, 415, "{ty:?}: {:?}", r.json());
        assert_eq!(r.error_code().as_deref(), Some("unsupported_media_type"));
    }
    let r = admin
        .raw(
            "PUT",
            "/api/v1/routing/plan",
            &[("content-type", "application/json; charset=utf-8")],
            body,
        )
        .await
        .unwrap();
    assert_eq!(r.status, 204, "{:?}", r.json());
    for path in [
        "/api/v1/me",
        "/api/v1/queues",
        "/healthz",
        "/api/v1/nothing",
    ] {
        let r = admin.get(path).await.unwrap();
        assert_eq!(r.headers["x-content-type-options"], "nosniff", "{path}");
        assert_eq!(r.headers["cache-control"], "no-store", "{path}");
    }
    // A priority at the edge of i32 is refused, not wrapped round.
    let r = admin
        .post(
            "/api/v1/interactions",
            &json!({"channel": "chat", "queue": "a", "priority": i32::MIN}),
        )
        .await
        .unwrap();
    assert_eq!(r.status, 422, "{:?}", r.json());
}

#[test]
fn weak_passwords_are_refused() {
    for (password, user) in [
        ("          ", "eva"),
        ("            ", "eva"),
        ("eleven char", "eva"),
        ("eva.martinez", "eva.martinez"),
        ("EVA.MARTINEZ", "eva.martinez"),
    ] {
        assert!(
            auth::check_new_password(password, user).is_err(),
            "{password:?}"
        );
    }
    assert!(auth::check_new_password("correct horse battery", "eva").is_ok());
}

const PLAN: &str = r#"
default_queue = "support"
[[queue]]
name = "support"
ring_timeout_s = 60
"#;

/// Signs a user in through the API; the client carries the session.
async fn session(app: &axum::Router, from: &str, user: &str, password: &str) -> Client {
    common::api_session(app, Some(from), user, password).await
}

#[tokio::test]
async fn agents_read_only_the_work_they_handle_or_handled() {
    let e = with_eva("sec-own-work").await;
    let t = e.store.tenant_by_name("acme").await.unwrap().unwrap();
    let mut admin = session(&e.app, "192.0.2.1:1", "eva", PASSWORD).await;
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
                &json!({"name": name, "username": name, "skills": [{"name": "support", "level": 5}]}),
            )
            .await
            .unwrap();
        assert_eq!(r.status, 201, "{:?}", r.json());
    }
    let mut ana = session(&e.app, "192.0.2.2:1", "ana", PASSWORD).await;
    let mut bob = session(&e.app, "192.0.2.3:1", "bob", PASSWORD).await;
    let customer = |name: &str, phone: &str| json!({"name": name, "phone": phone});
    let c1 = admin
        .post(
            "/api/v1/customers",
            &customer("Carme Vidal", "+34600000011"),
        )
        .await
        .unwrap()
        .json()["id"]
        .as_i64()
        .unwrap();
    let c2 = admin
        .post(
            "/api/v1/customers",
            &customer("Dana Novak", "+420600000012"),
        )
        .await
        .unwrap()
        .json()["id"]
        .as_i64()
        .unwrap();
    // Ana alone is ready: she takes the first chat; then Bob alone takes the second.
    assert_eq!(
        ana.post("/api/v1/agents/0/sign-in", &json!({}))
            .await
            .unwrap()
            .status,
        204
    );
    let create = |c: i64| json!({"channel": "chat", "queue": "support", "customer_id": c});
    let first = admin
        .post("/api/v1/interactions", &create(c1))
        .await
        .unwrap()
        .json()["id"]
        .as_i64()
        .unwrap();
    let r = ana
        .post(&format!("/api/v1/interactions/{first}/accept"), &json!({}))
        .await
        .unwrap();
    assert!(r.status < 300, "{:?}", r.json());
    let away = json!({"state": "not_ready", "reason": "lunch"});
    let r = ana.post("/api/v1/agents/0/state", &away).await.unwrap();
    assert!(r.status < 300, "{:?}", r.json());
    assert_eq!(
        bob.post("/api/v1/agents/1/sign-in", &json!({}))
            .await
            .unwrap()
            .status,
        204
    );
    let second = admin
        .post("/api/v1/interactions", &create(c2))
        .await
        .unwrap()
        .json()["id"]
        .as_i64()
        .unwrap();
    let r = bob
        .post(&format!("/api/v1/interactions/{second}/accept"), &json!({}))
        .await
        .unwrap();
    assert!(r.status < 300, "{:?}", r.json());

    // Ana sees hers, not Bob's: the interaction, its notes and messages, its customer.
    let get = |c: &mut Client, path: String| {
        let mut c = c.clone();
        async move { c.get(&path).await.unwrap().status }
    };
    assert_eq!(
        get(&mut ana, format!("/api/v1/interactions/{first}")).await,
        200
    );
    for path in [
        format!("/api/v1/interactions/{second}"),
        format!("/api/v1/interactions/{second}/notes"),
        format!("/api/v1/interactions/{second}/messages"),
        format!("/api/v1/customers/{c2}"),
        format!("/api/v1/customers/{c2}/history"),
    ] {
        assert_eq!(get(&mut ana, path.clone()).await, 404, "{path}");
        assert_eq!(get(&mut admin, path.clone()).await, 200, "{path}");
    }
    assert_eq!(get(&mut ana, format!("/api/v1/customers/{c1}")).await, 200);
    let r = ana
        .post(
            &format!("/api/v1/interactions/{second}/notes"),
            &json!({"body": "a note on Bob's work"}),
        )
        .await
        .unwrap();
    assert_eq!(r.status, 404, "{:?}", r.json());
    let listed = ana.get("/api/v1/interactions").await.unwrap().json();
    let ids: Vec<i64> = listed["interactions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["id"].as_i64().unwrap())
        .collect();
    assert_eq!(ids, vec![first]);

    // Handed over to Bob, Ana's past work stays readable to her.
    let r = ana
        .post(
            &format!("/api/v1/interactions/{first}/transfer"),
            &json!({"agent_id": 1}),
        )
        .await
        .unwrap();
    assert!(r.status < 300, "{:?}", r.json());
    assert_eq!(
        get(&mut ana, format!("/api/v1/interactions/{first}")).await,
        200
    );
    assert_eq!(
        get(&mut ana, format!("/api/v1/customers/{c1}/history")).await,
        200
    );
}

#[tokio::test]
async fn administrators_make_list_and_revoke_api_tokens() {
    let e = with_eva("sec-tokens").await;
    let mut admin = session(&e.app, "192.0.2.1:1", "eva", PASSWORD).await;
    let r = admin
        .post(
            "/api/v1/tokens",
            &json!({"name": "crm", "role": "supervisor", "expires_at": "2099-01-01T00:00:00Z"}),
        )
        .await
        .unwrap();
    assert_eq!(r.status, 201, "{:?}", r.json());
    let made = r.json();
    let secret = made["token"].as_str().unwrap().to_string();
    let id = made["id"].as_i64().unwrap();
    assert_eq!(made["role"], "supervisor");
    assert_eq!(made["expires_at"], 4_070_908_800_000_i64);
    assert!(made["created_at"].as_i64().is_some());
    let mut crm = Client::new(&e.app).bearer(&secret);
    assert_eq!(crm.get("/api/v1/queues").await.unwrap().status, 200);
    let listed = admin.get("/api/v1/tokens").await.unwrap().json();
    let one = &listed["tokens"][0];
    assert_eq!(one["id"], id);
    assert_eq!(one["name"], "crm");
    assert!(one.get("token").is_none(), "the secret is shown once only");
    assert!(one["last_used_at"].as_i64().is_some(), "{one}");
    // Bad input names the field; a supervisor may not manage tokens.
    for (body, field) in [
        (json!({"name": "x", "role": "provider"}), "role"),
        (json!({"name": "", "role": "agent"}), "name"),
        (
            json!({"name": "x", "role": "agent", "expires_at": 1}),
            "expires_at",
        ),
        (
            json!({"name": "x", "role": "agent", "expires_at": "tomorrow"}),
            "expires_at",
        ),
    ] {
        let r = admin.post("/api/v1/tokens", &body).await.unwrap();
        assert_eq!(r.status, 422, "{body}");
        assert!(
            r.json()["error"]["message"]
                .as_str()
                .unwrap()
                .starts_with(field),
            "{:?}",
            r.json()
        );
    }
    assert_eq!(crm.get("/api/v1/tokens").await.unwrap().status, 403);
    // Revoked: refused at once.
    let r = admin
        .request("DELETE", &format!("/api/v1/tokens/{id}"), &[], None)
        .await
        .unwrap();
    assert_eq!(r.status, 204);
    assert_eq!(crm.get("/api/v1/queues").await.unwrap().status, 401);
    let r = admin
        .request("DELETE", &format!("/api/v1/tokens/{id}"), &[], None)
        .await
        .unwrap();
    assert_eq!(r.status, 404);
}

#[tokio::test]
async fn an_expired_token_is_refused() {
    let e = with_eva("sec-token-expiry").await;
    let t = e.store.tenant_by_name("acme").await.unwrap().unwrap();
    let secret = auth::new_token();
    let now = server::clock::now_ms();
    e.store
        .add_token(
            &t,
            "soon",
            "admin",
            &auth::secret_hash(&secret),
            now,
            Some(now + 300),
        )
        .await
        .unwrap();
    let mut c = Client::new(&e.app).bearer(&secret);
    assert_eq!(c.get("/api/v1/queues").await.unwrap().status, 200);
    tokio::time::sleep(Duration::from_millis(400)).await;
    assert_eq!(c.get("/api/v1/queues").await.unwrap().status, 401);
}

#[tokio::test]
async fn the_administration_page_makes_lists_and_revokes_tokens() {
    let e = with_eva("sec-token-page").await;
    let mut admin = session(&e.app, "192.0.2.1:1", "eva", PASSWORD).await;
    admin.headers.push(("hx-request".into(), "true".into()));
    let page = admin.get("/ui/admin").await.unwrap();
    assert_eq!(page.status, 200);
    assert!(String::from_utf8_lossy(&page.body).contains("id=\"tokens-h\""));
    let r = admin
        .form(
            "/ui/admin/tokens",
            &[],
            "name=bi&role=analyst&expires=2099-12-31",
        )
        .await
        .unwrap();
    assert_eq!(r.status, 200);
    let html = String::from_utf8_lossy(&r.body).into_owned();
    let secret = html
        .split("<code class=\"secret\">")
        .nth(1)
        .and_then(|s| s.split('<').next())
        .expect("the secret, once")
        .to_string();
    let mut bi = Client::new(&e.app).bearer(&secret);
    assert_eq!(bi.get("/api/v1/reports/summary").await.unwrap().status, 200);
    let page = admin.get("/ui/admin").await.unwrap();
    let html = String::from_utf8_lossy(&page.body).into_owned();
    assert!(
        html.contains("2099-12-31 23:59 UTC"),
        "the expiry is listed"
    );
    assert!(!html.contains(&secret), "the secret is never shown again");
    let r = admin
        .form("/ui/admin/tokens", &[], "name=&role=analyst")
        .await
        .unwrap();
    assert_eq!(r.status, 422);
    let r = admin
        .form("/ui/admin/tokens/1/revoke", &[], "")
        .await
        .unwrap();
    assert_eq!(r.status, 200);
    assert_eq!(bi.get("/api/v1/reports/summary").await.unwrap().status, 401);
}

#[tokio::test]
async fn anonymous_chats_are_limited_per_address_and_per_tenant() {
    use server::ratelimit::{ChatLimits, Limiter, Rate};
    let mut e = with_eva("sec-chat-flood").await;
    e.state.chat_limits = Arc::new(ChatLimits {
        per_address: Limiter::new(Rate::per_minute(10.0, 5.0)),
        per_tenant: Limiter::new(Rate::per_minute(60.0, 8.0)),
    });
    e.app = server::app(e.state.clone());
    let mut admin = session(&e.app, "192.0.2.1:1", "eva", PASSWORD).await;
    let r = admin
        .put("/api/v1/routing/plan", &json!({"document": PLAN}))
        .await
        .unwrap();
    assert_eq!(r.status, 204);
    let start = |from: &str| {
        let mut c = Client::new(&e.app).from(from);
        async move {
            c.post("/chat/acme/start", &json!({"name": "Eva"}))
                .await
                .unwrap()
        }
    };
    for _ in 0..5 {
        assert_eq!(start("198.51.100.20:1").await.status, 201);
    }
    let r = start("198.51.100.20:2").await;
    assert_eq!(r.status, 429);
    assert_eq!(r.error_code().as_deref(), Some("rate_limited"));
    assert!(r.headers.contains_key("retry-after"));
    // Others still chat, until the tenant's own limit.
    for i in 0..3 {
        assert_eq!(start(&format!("198.51.100.{}:1", 30 + i)).await.status, 201);
    }
    let r = start("198.51.100.40:1").await;
    assert_eq!(r.status, 429, "the tenant's limit: {:?}", r.json());
}

#[tokio::test]
async fn a_user_lists_their_sessions_and_ends_one_left_open_elsewhere() {
    let e = with_eva("sec-sessions").await;
    let mut desk = session(&e.app, "192.0.2.1:1", "eva", PASSWORD).await;
    let mut phone = session(&e.app, "192.0.2.2:1", "eva", PASSWORD).await;
    let listed = desk.get("/api/v1/me/sessions").await.unwrap().json();
    let sessions = listed["sessions"].as_array().unwrap().clone();
    assert_eq!(sessions.len(), 2, "{listed}");
    let current: Vec<bool> = sessions
        .iter()
        .map(|s| s["current"].as_bool().unwrap())
        .collect();
    assert_eq!(current.iter().filter(|c| **c).count(), 1);
    let other = sessions.iter().find(|s| s["current"] == false).unwrap()["id"]
        .as_str()
        .unwrap()
        .to_string();
    let r = desk
        .request("DELETE", &format!("/api/v1/me/sessions/{other}"), &[], None)
        .await
        .unwrap();
    assert_eq!(r.status, 204);
    assert_eq!(phone.get("/api/v1/me").await.unwrap().status, 401);
    assert_eq!(desk.get("/api/v1/me").await.unwrap().status, 200);
    // Another user's session is not theirs to end.
    let r = desk
        .request("DELETE", "/api/v1/me/sessions/0123456789abcdef", &[], None)
        .await
        .unwrap();
    assert_eq!(r.status, 404);
}

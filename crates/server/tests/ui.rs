//! The web UI over HTTP (requests sent to the router in process), without a
//! browser: sign-in and cookies, language, CSRF on every action, tenant
//! isolation of the UI routes, escaping, the plan validator next to the
//! field, embedded assets. (The browser tests in `tests/browser` drive the
//! same pages in Chromium.)

use serde_json::json;
use server::auth;
use store::Tenant;

mod common;

use common::Env;
use common::client::{Client, EventStream, Reply, SseEvent};

const PLAN: &str =
    "default_queue = \"support\"\n[[queue]]\nname = \"support\"\nring_timeout_s = 60\n";
const PASSWORD: &str = "a long enough password";

async fn env() -> Env {
    common::env("ui").await
}

impl Env {
    /// A tenant with a plan, users admin/sup/ana, agent 0 "ana" linked to user ana.
    async fn tenant(&self, name: &str) -> (Tenant, Client) {
        let t = self.store.create_tenant(name, 1).await.unwrap();
        let token = auth::new_token();
        self.store
            .create_token(&t, "test", "admin", &auth::secret_hash(&token), 1)
            .await
            .unwrap();
        let mut admin = Client::new(&self.app).bearer(&token);
        let r = admin
            .put("/api/v1/routing/plan", &json!({"document": PLAN}))
            .await
            .unwrap();
        assert_eq!(r.status, 204);
        for (u, role) in [("admin", "admin"), ("sup", "supervisor"), ("ana", "agent")] {
            self.store
                .create_user(&t, u, &auth::hash_password(PASSWORD).unwrap(), role, 1)
                .await
                .unwrap();
        }
        let r = admin
            .post(
                "/api/v1/agents",
                &json!({"name": "ana", "username": "ana", "skills": [{"name": "support", "level": 5}]}),
            )
            .await
            .unwrap();
        assert_eq!(r.status, 201);
        (t, admin)
    }

    /// Signs in through the page's form; returns a client with the cookies and the CSRF token.
    async fn page_sign_in(&self, tenant: &str, user: &str, lang: &str) -> (Client, Reply) {
        common::page_session(&self.app, (tenant, user, PASSWORD), lang).await
    }
}

fn text(r: &Reply) -> String {
    String::from_utf8_lossy(&r.body).to_string()
}

#[tokio::test]
async fn pages_send_people_without_a_session_to_the_sign_in_page() {
    let e = env().await;
    let mut c = Client::new(&e.app);
    for path in ["/ui", "/ui/agent", "/ui/wallboard", "/ui/admin"] {
        let r = c.get(path).await.unwrap();
        assert_eq!(r.status, 303, "{path}");
        assert_eq!(r.headers["location"], "/ui/sign-in", "{path}");
    }
    let r = c.get("/ui/sign-in").await.unwrap();
    assert_eq!(r.status, 200);
    assert!(text(&r).contains("<label for=\"password\">"));
    // The address the demo prints opens the UI (and so the sign-in page).
    let r = c.get("/").await.unwrap();
    assert_eq!(
        (r.status, r.headers["location"].to_str().unwrap()),
        (303, "/ui")
    );
}

#[tokio::test]
async fn a_wrong_password_shows_the_form_again_with_a_message_in_the_chosen_language() {
    let e = env().await;
    e.tenant("acme").await;
    let mut c = Client::new(&e.app);
    let r = c
        .form(
            "/ui/sign-in",
            &[],
            "tenant=acme&username=ana&password=wrong+password+here&lang=es",
        )
        .await
        .unwrap();
    assert_eq!(r.status, 401);
    let html = text(&r);
    assert!(html.contains("role=\"alert\""), "{html}");
    assert!(html.contains("lang=\"es\""), "{html}");
    assert!(r.headers.get("set-cookie").is_none());
}

#[tokio::test]
async fn signing_in_sets_the_language_and_the_pages_speak_it() {
    let e = env().await;
    e.tenant("acme").await;
    let (mut c, r) = e.page_sign_in("acme", "ana", "cs").await;
    assert_eq!(r.headers["location"], "/ui/agent");
    let html = text(&c.get("/ui/agent").await.unwrap());
    assert!(html.contains("<html lang=\"cs\">"), "{html}");
    assert!(html.contains("Europe/Prague"), "{html}");
    let cs = i18n::Catalog::global().t(i18n::Lang::Cs, "desktop-title");
    assert!(html.contains(&cs), "{html}");
    // Switching language sets the cookie and asks the page to reload.
    let r = c.form("/ui/preferences", &[], "lang=ca").await.unwrap();
    assert_eq!(r.status, 204);
    assert_eq!(r.headers["hx-refresh"], "true");
    assert!(
        r.headers["set-cookie"]
            .to_str()
            .unwrap()
            .starts_with("centralita_lang=ca")
    );
    let r = c
        .form("/ui/preferences", &[], "tz=Mars%2FOlympus")
        .await
        .unwrap();
    assert_eq!(r.status, 422);
}

#[tokio::test]
async fn every_action_needs_the_sessions_csrf_token() {
    let e = env().await;
    e.tenant("acme").await;
    let (mut c, _) = e.page_sign_in("acme", "ana", "en").await;
    let csrf = c.headers.pop().unwrap();
    let r = c
        .form("/ui/agent/state", &[], "state=available")
        .await
        .unwrap();
    assert_eq!(r.status, 403);
    assert_eq!(r.error_code().as_deref(), Some("csrf_failed"));
    c.headers.push(csrf);
    let r = c
        .form("/ui/agent/state", &[], "state=available")
        .await
        .unwrap();
    assert_eq!(r.status, 200, "{}", text(&r));
    assert!(text(&r).contains("badge available"));
    let r = c
        .form("/ui/agent/state", &[], "state=dancing")
        .await
        .unwrap();
    assert_eq!(r.status, 422);
    let r = c.form("/ui/agent/state", &[], "").await.unwrap();
    assert_eq!(r.status, 422);
    assert_eq!(r.error_code().as_deref(), Some("invalid_field"));
    assert!(
        r.json()["error"]["message"]
            .as_str()
            .unwrap()
            .contains("state")
    );
}

#[tokio::test]
async fn the_ui_never_reaches_another_tenants_data() {
    let e = env().await;
    e.tenant("alpha").await;
    let (_, mut b_admin) = e.tenant("beta").await;
    b_admin
        .post("/api/v1/agents", &json!({"name": "secret-agent-b"}))
        .await
        .unwrap();
    let cid = b_admin
        .post("/api/v1/customers", &json!({"name": "Secret Customer B"}))
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
    let (mut sup, _) = e.page_sign_in("alpha", "sup", "en").await;
    let (mut ana, _) = e.page_sign_in("alpha", "ana", "en").await;
    for (as_sup, method, path, form) in [
        (
            true,
            "POST",
            "/ui/wallboard/agents/1/not-ready".to_string(),
            "",
        ),
        (
            true,
            "POST",
            "/ui/wallboard/agents/1/sign-out".to_string(),
            "",
        ),
        (
            true,
            "POST",
            format!("/ui/wallboard/interactions/{iid}/assign"),
            "agent_id=0",
        ),
        (
            false,
            "GET",
            format!("/ui/agent/interactions/{iid}/messages"),
            "",
        ),
        (
            false,
            "POST",
            format!("/ui/agent/interactions/{iid}/accept"),
            "",
        ),
        (
            false,
            "POST",
            format!("/ui/agent/interactions/{iid}/messages"),
            "body=x",
        ),
        (
            false,
            "POST",
            format!("/ui/agent/interactions/{iid}/notes"),
            "body=x",
        ),
        (
            false,
            "POST",
            format!("/ui/agent/interactions/{iid}/profile"),
            "contract=x",
        ),
        (
            false,
            "POST",
            format!("/ui/agent/interactions/{iid}/disposition"),
            "code=resolved",
        ),
        (
            false,
            "POST",
            format!("/ui/agent/interactions/{iid}/complete"),
            "",
        ),
    ] {
        let c = if as_sup { &mut sup } else { &mut ana };
        let r = if method == "GET" {
            c.request("GET", &path, &[("hx-request", "true")], None)
                .await
                .unwrap()
        } else {
            c.form(&path, &[("hx-request", "true")], form)
                .await
                .unwrap()
        };
        assert_eq!(r.status, 404, "{method} {path}: {}", text(&r));
        assert!(!text(&r).contains("secret"), "{path}");
    }
    for path in ["/ui/wallboard", "/ui/wallboard/board"] {
        let html = text(&sup.get(path).await.unwrap());
        assert!(!html.contains("secret"), "{path}: {html}");
    }
    // An agent of alpha reads none of alpha's interactions that are not theirs either.
    let html = text(&ana.get("/ui/agent/work").await.unwrap());
    assert!(!html.contains("secret"));
}

#[tokio::test]
async fn customer_data_is_escaped_in_the_screen_pop() {
    let e = env().await;
    let (_, mut admin) = e.tenant("acme").await;
    let cid = admin
        .post(
            "/api/v1/customers",
            &json!({"name": "<script>alert(1)</script>", "email": "x@example.com"}),
        )
        .await
        .unwrap()
        .json()["id"]
        .as_i64()
        .unwrap();
    let r = admin
        .post(
            &format!("/api/v1/customers/{cid}/profile"),
            &json!({"fields": {"value_tier": "\"><b>gold</b>"}}),
        )
        .await
        .unwrap();
    assert_eq!(r.status, 204);
    // Custom fields marked for the screen pop show there with their labels; the others do not.
    let defs = json!({"fields": [
        {"name": "contract", "label": "Contract <i>no.</i>", "screen_pop": true},
        {"name": "internal", "label": "Internal note"}
    ]});
    let r = admin
        .put("/api/v1/settings/customer-fields", &defs)
        .await
        .unwrap();
    assert_eq!(r.status, 204, "{:?}", r.json());
    let patch = json!({"fields": {"contract": "<u>CT-9</u>", "internal": "hidden-value"}});
    let r = admin
        .request(
            "PATCH",
            &format!("/api/v1/customers/{cid}"),
            &[],
            Some(&patch),
        )
        .await
        .unwrap();
    assert_eq!(r.status, 200, "{:?}", r.json());
    let (mut ana, _) = e.page_sign_in("acme", "ana", "en").await;
    ana.form("/ui/agent/state", &[], "state=available")
        .await
        .unwrap();
    let r = admin
        .post(
            "/api/v1/interactions",
            &json!({"channel": "chat", "customer_id": cid, "subject": "<img src=x onerror=alert(2)>"}),
        )
        .await
        .unwrap();
    assert_eq!(r.status, 201);
    let html = text(&ana.get("/ui/agent/work").await.unwrap());
    assert!(
        html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"),
        "{html}"
    );
    assert!(
        html.contains("&lt;img src=x onerror=alert(2)&gt;"),
        "{html}"
    );
    assert!(html.contains("&quot;&gt;&lt;b&gt;gold&lt;/b&gt;"), "{html}");
    assert!(
        html.contains("<dt>Contract &lt;i&gt;no.&lt;/i&gt;</dt><dd>&lt;u&gt;CT-9&lt;/u&gt;</dd>"),
        "{html}"
    );
    assert!(!html.contains("hidden-value"), "{html}");
    assert!(
        !html.contains("<script>") && !html.contains("<b>gold"),
        "{html}"
    );
}

#[tokio::test]
async fn customer_data_is_escaped_once_on_the_customer_pages() {
    let e = env().await;
    let (_, mut admin) = e.tenant("acme").await;
    let name = "<script>alert(1)</script> O'Brien & Co";
    let cid = admin
        .post("/api/v1/customers", &json!({"name": name}))
        .await
        .unwrap()
        .json()["id"]
        .as_i64()
        .unwrap();
    let escaped = "&lt;script&gt;alert(1)&lt;/script&gt; O";
    for path in [
        "/ui/customers?q=brien".to_string(),
        format!("/ui/customers/{cid}"),
    ] {
        let html = text(&admin.get(&path).await.unwrap());
        assert!(html.contains(escaped), "{path}: {html}");
        assert!(html.contains("Brien &amp; Co"), "{path}: {html}");
        assert!(
            !html.contains("<script>alert") && !html.contains("&amp;lt;"),
            "{path}: {html}"
        );
    }
    // A refused erasure's message (an apostrophe in English) is escaped once.
    let r = admin
        .form(&format!("/ui/customers/{cid}/erase"), &[], "confirm=0")
        .await
        .unwrap();
    assert_eq!(r.status, 422);
    let html = text(&r);
    assert!(
        html.contains("number to confirm") && !html.contains("&amp;"),
        "{html}"
    );
}

#[tokio::test]
async fn the_plan_and_settings_validators_answer_next_to_the_field() {
    let e = env().await;
    e.tenant("acme").await;
    let (mut admin, r) = e.page_sign_in("acme", "admin", "en").await;
    assert_eq!(r.headers["location"], "/ui/admin");
    let r = admin
        .form(
            "/ui/admin/plan/validate",
            &[],
            "document=%5B%5Bqueue%5D%5D%0Aname+%3D+7",
        )
        .await
        .unwrap();
    assert_eq!(r.status, 422);
    assert!(
        text(&r).starts_with("<span class=\"error\">plan:"),
        "{}",
        text(&r)
    );
    let r = admin
        .form(
            "/ui/admin/desktop/validate",
            &[],
            "document=reasons+%3D+%5B%22%22%5D",
        )
        .await
        .unwrap();
    assert_eq!(r.status, 422);
    assert!(text(&r).contains("reasons"), "{}", text(&r));
    let r = admin
        .form(
            "/ui/admin/desktop",
            &[],
            "document=reasons+%3D+%5B%22nap%22%5D",
        )
        .await
        .unwrap();
    assert_eq!(r.status, 200, "{}", text(&r));
    // The agent's state menu now offers the new reason.
    let (mut ana, _) = e.page_sign_in("acme", "ana", "en").await;
    let html = text(&ana.get("/ui/agent/state").await.unwrap());
    assert!(html.contains("not_ready:nap"), "{html}");
    // Agents may not administer.
    let r = ana.get("/ui/admin").await.unwrap();
    assert_eq!(r.status, 403);
    assert!(text(&r).contains("role=\"alert\""));
}

#[tokio::test]
async fn the_assets_are_embedded() {
    let e = env().await;
    let mut c = Client::new(&e.app);
    for (f, ty) in [
        ("htmx.min.js", "text/javascript"),
        ("app.js", "text/javascript"),
        ("app.css", "text/css"),
    ] {
        let r = c.get(&format!("/ui/assets/{f}")).await.unwrap();
        assert_eq!(r.status, 200, "{f}");
        assert!(r.headers["content-type"].to_str().unwrap().starts_with(ty));
    }
    assert_eq!(c.get("/ui/assets/nope.js").await.unwrap().status, 404);
}

#[tokio::test]
async fn a_supervisor_can_force_an_agent_not_ready_and_an_agent_cannot() {
    let e = env().await;
    e.tenant("acme").await;
    let (mut ana, _) = e.page_sign_in("acme", "ana", "en").await;
    ana.form("/ui/agent/state", &[], "state=available")
        .await
        .unwrap();
    let r = ana
        .form("/ui/wallboard/agents/0/not-ready", &[], "")
        .await
        .unwrap();
    assert_eq!(r.status, 403);
    let (mut sup, _) = e.page_sign_in("acme", "sup", "en").await;
    let r = sup
        .form("/ui/wallboard/agents/0/not-ready", &[], "")
        .await
        .unwrap();
    assert_eq!(r.status, 200, "{}", text(&r));
    let html = text(&r);
    assert!(html.contains("data-agent=\"ana\""), "{html}");
}

#[tokio::test]
async fn the_wallboard_alerts_when_service_level_falls_below_target() {
    let e = env().await;
    let (_, mut admin) = e.tenant("acme").await;
    let plan = "default_queue = \"support\"\n[[queue]]\nname = \"support\"\nsl_seconds = 0.2\n";
    let r = admin
        .put("/api/v1/routing/plan", &json!({"document": plan}))
        .await
        .unwrap();
    assert_eq!(r.status, 204, "{}", text(&r));
    let (mut sup, _) = e.page_sign_in("acme", "sup", "en").await;
    let html = text(&sup.get("/ui/wallboard/board").await.unwrap());
    assert!(!html.contains("class=\"alert\""), "{html}");
    // Answered after the 0.2 s threshold: service level 0 % against 80 %.
    let id = admin
        .post("/api/v1/interactions", &json!({"channel": "chat"}))
        .await
        .unwrap()
        .json()["id"]
        .as_i64()
        .unwrap();
    tokio::time::sleep(std::time::Duration::from_millis(400)).await;
    let (mut ana, _) = e.page_sign_in("acme", "ana", "en").await;
    let r = ana
        .form("/ui/agent/state", &[], "state=available")
        .await
        .unwrap();
    assert_eq!(r.status, 200);
    let r = ana
        .form(&format!("/ui/agent/interactions/{id}/accept"), &[], "")
        .await
        .unwrap();
    assert_eq!(r.status, 200, "{}", text(&r));
    let html = text(&sup.get("/ui/wallboard/board").await.unwrap());
    assert!(html.contains("<p class=\"alert\" role=\"alert\">support: service level 0% is below the target 80%.</p>"), "{html}");
}

#[tokio::test]
async fn the_chat_page_speaks_the_customers_language() {
    let e = env().await;
    e.tenant("shop").await;
    let mut c = Client::new(&e.app);
    let r = c.get("/chat/shop?lang=es").await.unwrap();
    assert_eq!(r.status, 200);
    let html = text(&r);
    assert!(html.contains("<html lang=\"es\""), "{html}");
    assert!(
        html.contains("<label for=\"name\">Su nombre</label>"),
        "{html}"
    );
    assert!(html.contains("data-t-connected=\"Un agente se ha unido a la conversación.\""));
    // No inline script: the page runs under the UI's content security policy.
    assert!(!html.contains("<script>"));
    assert!(
        r.headers["content-security-policy"]
            .to_str()
            .unwrap()
            .contains("script-src 'self'")
    );
    // Without ?lang= the browser's languages decide; every language can be chosen.
    let r = c
        .request(
            "GET",
            "/chat/shop",
            &[("accept-language", "cs-CZ,cs;q=0.9,en;q=0.5")],
            None,
        )
        .await
        .unwrap();
    assert!(text(&r).contains("<label for=\"name\">Vaše jméno</label>"));
    let html = text(&c.get("/chat/shop?lang=ca").await.unwrap());
    assert!(html.contains("<label for=\"msg\">Missatge</label>"));
    for code in ["en", "es", "ca", "cs", "ru", "zh"] {
        assert!(html.contains(&format!("href=\"?lang={code}\"")), "{code}");
    }
    assert_eq!(c.get("/chat/nope?lang=es").await.unwrap().status, 404);
    for asset in ["chat.js", "chat.css"] {
        assert_eq!(
            c.get(&format!("/ui/assets/{asset}")).await.unwrap().status,
            200
        );
    }
}

#[tokio::test]
async fn starting_a_chat_refuses_a_language_we_do_not_speak_naming_the_field() {
    let e = env().await;
    let (_, mut admin) = e.tenant("shop").await;
    let mut c = Client::new(&e.app);
    let r = c
        .post(
            "/chat/shop/start",
            &json!({"name": "Eva", "language": "klingon"}),
        )
        .await
        .unwrap();
    assert_eq!(r.status, 422, "{}", text(&r));
    assert_eq!(r.error_code().as_deref(), Some("invalid_field"));
    let msg = r.json()["error"]["message"].as_str().unwrap().to_string();
    assert!(msg.starts_with("language:"), "{msg}");
    // The page's language becomes the interaction's, for routing rules and the screen pop.
    let r = c
        .post(
            "/chat/shop/start",
            &json!({"name": "Eva", "language": "ca"}),
        )
        .await
        .unwrap();
    assert_eq!(r.status, 201);
    let id = r.json()["interaction_id"].as_i64().unwrap();
    let it = admin
        .get(&format!("/api/v1/interactions/{id}"))
        .await
        .unwrap()
        .json();
    assert_eq!(it["attributes"]["language"], "ca", "{it}");
}

/// The next event of a customer's chat stream, within two seconds.
async fn next_chat_event(s: &mut EventStream) -> SseEvent {
    tokio::time::timeout(std::time::Duration::from_secs(2), s.next())
        .await
        .expect("an event within 2 s")
        .unwrap()
        .expect("the stream is open")
}

/// Starts a chat on the public page's endpoint: (interaction id, secret).
async fn start_chat(app: &axum::Router, tenant: &str) -> (i64, String) {
    let r = Client::new(app)
        .post(&format!("/chat/{tenant}/start"), &json!({"name": "Eva"}))
        .await
        .unwrap();
    assert_eq!(r.status, 201, "{}", text(&r));
    let j = r.json();
    (
        j["interaction_id"].as_i64().unwrap(),
        j["secret"].as_str().unwrap().to_string(),
    )
}

/// The customer writes.
async fn say(app: &axum::Router, id: i64, secret: &str, body: &str) {
    let r = Client::new(app)
        .post(
            &format!("/chat/shop/{id}/messages"),
            &json!({"secret": secret, "body": body}),
        )
        .await
        .unwrap();
    assert_eq!(r.status, 201, "{}", text(&r));
}

#[tokio::test]
async fn a_customer_follows_only_their_chat_over_its_stream_and_resumes_after_the_last_message() {
    let e = env().await;
    let (_, mut admin) = e.tenant("shop").await;
    e.tenant("other").await;
    let mut public = Client::new(&e.app);
    let (id, secret) = start_chat(&e.app, "shop").await;
    let (other_tenants_id, _) = start_chat(&e.app, "other").await;
    let events = format!("/chat/shop/{id}/events?secret={secret}");

    // The secret is the key: without it, with a wrong one, or through another tenant, nothing.
    let r = public
        .get(&format!("/chat/shop/{id}/events"))
        .await
        .unwrap();
    assert_eq!(r.status, 422);
    assert!(
        r.json()["error"]["message"]
            .as_str()
            .unwrap()
            .starts_with("secret:")
    );
    for path in [
        format!("/chat/shop/{id}/events?secret=0{secret}"),
        format!("/chat/other/{other_tenants_id}/events?secret={secret}"),
        format!("/chat/shop/999/events?secret={secret}"),
    ] {
        let r = public.get(&path).await.unwrap();
        assert_eq!(r.status, 404, "{path}");
        assert!(!text(&r).contains("Eva"));
    }
    let r = public
        .request("GET", &events, &[("last-event-id", "x")], None)
        .await
        .unwrap();
    assert!(
        r.json()["error"]["message"]
            .as_str()
            .unwrap()
            .starts_with("Last-Event-ID:")
    );

    let mut s = public.events(&events, None).await.unwrap();
    let ev = next_chat_event(&mut s).await;
    assert_eq!(
        (ev.event.as_str(), ev.data.as_str()),
        ("state", r#"{"state":"waiting"}"#)
    );

    // The customer's own words come back on the stream, with their sequence number as id.
    say(&e.app, id, &secret, "my order is late").await;
    let first = next_chat_event(&mut s).await;
    assert_eq!(first.event, "message");
    let m: serde_json::Value = serde_json::from_str(&first.data).unwrap();
    assert_eq!(
        (m["from"].as_str(), m["body"].as_str()),
        (Some("customer"), Some("my order is late"))
    );
    assert_eq!(m["seq"].as_i64(), Some(first.id));

    // The agent is offered it (still waiting for the customer) and accepts.
    let r = admin
        .post("/api/v1/agents/0/sign-in", &json!({}))
        .await
        .unwrap();
    assert_eq!(r.status, 204);
    let (mut ana, _) = e.page_sign_in("shop", "ana", "en").await;
    let r = ana
        .post(&format!("/api/v1/interactions/{id}/accept"), &json!({}))
        .await
        .unwrap();
    assert_eq!(r.status, 200, "{}", text(&r));
    let ev = next_chat_event(&mut s).await;
    assert_eq!(
        (ev.event.as_str(), ev.data.as_str()),
        ("state", r#"{"state":"connected"}"#)
    );

    // Another customer's chat of the same tenant never shows on this stream.
    let (other_id, other_secret) = start_chat(&e.app, "shop").await;
    say(&e.app, other_id, &other_secret, "someone else's words").await;
    let r = ana
        .post(
            &format!("/api/v1/interactions/{id}/messages"),
            &json!({"body": "On its way!"}),
        )
        .await
        .unwrap();
    assert_eq!(r.status, 201, "{}", text(&r));
    let reply = next_chat_event(&mut s).await;
    assert_eq!(reply.event, "message", "{reply:?}");
    assert!(reply.id > first.id);
    let m: serde_json::Value = serde_json::from_str(&reply.data).unwrap();
    assert_eq!(
        (m["from"].as_str(), m["body"].as_str()),
        (Some("agent"), Some("On its way!"))
    );
    // Nothing of the agent but the words.
    assert_eq!(
        m.as_object().unwrap().keys().collect::<Vec<_>>(),
        ["at", "body", "from", "seq"]
    );
    drop(s);

    // Reconnecting after the first message gives the rest, then the state; from the start, everything.
    let mut s = public.events(&events, Some(first.id)).await.unwrap();
    assert_eq!(next_chat_event(&mut s).await, reply);
    assert_eq!(
        next_chat_event(&mut s).await.data,
        r#"{"state":"connected"}"#
    );
    let mut all = public.events(&events, None).await.unwrap();
    assert_eq!(next_chat_event(&mut all).await, first);
    assert_eq!(next_chat_event(&mut all).await, reply);

    // The chat ends: the customer is told, and the stream closes.
    let r = ana
        .post(&format!("/api/v1/interactions/{id}/complete"), &json!({}))
        .await
        .unwrap();
    assert_eq!(r.status, 200, "{}", text(&r));
    let ev = next_chat_event(&mut s).await;
    assert_eq!(ev.data, r#"{"state":"ended"}"#);
    let end = tokio::time::timeout(std::time::Duration::from_secs(2), s.next())
        .await
        .unwrap()
        .unwrap();
    assert!(end.is_none(), "{end:?}");
}

#[tokio::test]
async fn the_screen_pop_shows_the_customers_open_cases_and_pending_callback() {
    let e = env().await;
    let (_, mut admin) = e.tenant("acme").await;
    let (_, mut beta) = e.tenant("beta").await;
    let cid = admin
        .post("/api/v1/customers", &json!({"name": "Eva Puig"}))
        .await
        .unwrap()
        .json()["id"]
        .as_i64()
        .unwrap();
    // The same customer id in another tenant, with an open interaction of its own.
    let beta_cid = beta
        .post("/api/v1/customers", &json!({"name": "Other Eva"}))
        .await
        .unwrap()
        .json()["id"]
        .as_i64()
        .unwrap();
    assert_eq!(beta_cid, cid);
    let r = beta
        .post(
            "/api/v1/interactions",
            &json!({"channel": "chat", "customer_id": beta_cid, "subject": "beta-secret-case"}),
        )
        .await
        .unwrap();
    assert_eq!(r.status, 201);
    let at = chrono::DateTime::from_timestamp_millis(server::clock::now_ms() + 86_400_000)
        .unwrap()
        .format("%Y-%m-%dT%H:%M:00Z")
        .to_string();
    let r = admin
        .post(
            &format!("/api/v1/customers/{cid}/profile"),
            &json!({"fields": {"callback_at": at}}),
        )
        .await
        .unwrap();
    assert_eq!(r.status, 204);
    let mut ids = Vec::new();
    for subject in ["Router down", "Invoice question"] {
        let r = admin
            .post(
                "/api/v1/interactions",
                &json!({"channel": "chat", "customer_id": cid, "subject": subject}),
            )
            .await
            .unwrap();
        assert_eq!(r.status, 201);
        ids.push(r.json()["id"].as_i64().unwrap());
    }
    let (mut ana, _) = e.page_sign_in("acme", "ana", "es").await;
    ana.form("/ui/agent/state", &[], "state=available")
        .await
        .unwrap();
    let html = text(&ana.get("/ui/agent/work").await.unwrap());
    let open = html
        .split("class=\"open-cases\"")
        .nth(1)
        .and_then(|s| s.split("</div>").next())
        .unwrap_or_else(|| panic!("no open cases: {html}"));
    // The offered one is on the desktop; the other one is an open case, waiting, in Spanish.
    let offered = ids
        .iter()
        .find(|id| html.contains(&format!("id=\"accept-{id}\"")))
        .copied()
        .unwrap_or_else(|| panic!("no offer: {html}"));
    let other = ids.iter().find(|id| **id != offered).unwrap();
    assert!(
        open.contains(&format!("data-interaction=\"{other}\"")),
        "{open}"
    );
    assert!(
        !open.contains(&format!("data-interaction=\"{offered}\"")),
        "{open}"
    );
    assert!(open.contains("En espera"), "{open}");
    assert!(open.contains("Rellamada programada para el"), "{open}");
    assert!(!html.contains("beta-secret-case"), "{html}");
}

/// A user's id in a tenant.
async fn user_id(e: &Env, t: &Tenant, name: &str) -> i64 {
    e.store.user(t, name).await.unwrap().unwrap().id
}

#[tokio::test]
async fn an_administrator_manages_the_users_of_their_own_tenant_only() {
    let e = env().await;
    let (alpha, mut token) = e.tenant("alpha").await;
    let (beta, _) = e.tenant("beta").await;
    for u in ["b1", "b2", "b3"] {
        e.store
            .create_user(
                &beta,
                u,
                &auth::hash_password(PASSWORD).unwrap(),
                "agent",
                1,
            )
            .await
            .unwrap();
    }
    let beta_only = user_id(&e, &beta, "b3").await;
    assert!(
        e.store
            .user_by_id(alpha.id(), beta_only)
            .await
            .unwrap()
            .is_none()
    );
    let (sup_id, ana_id, admin_id) = (
        user_id(&e, &alpha, "sup").await,
        user_id(&e, &alpha, "ana").await,
        user_id(&e, &alpha, "admin").await,
    );
    let (mut admin, page) = e.page_sign_in("alpha", "admin", "es").await;
    let page = admin
        .get(page.headers["location"].to_str().unwrap())
        .await
        .unwrap();
    let html = text(&page);
    assert!(
        html.contains(&format!("<label for=\"ur-{sup_id}\">Rol · sup</label>")),
        "{html}"
    );
    assert!(
        !html.contains(&format!("id=\"ur-{admin_id}\"")),
        "no actions on one's own user"
    );
    let (mut ana, _) = e.page_sign_in("alpha", "ana", "en").await;
    let (mut sup, _) = e.page_sign_in("alpha", "sup", "en").await;
    let hx = [("hx-request", "true")];

    // Without the session's CSRF token, nothing; a supervisor may not either.
    let csrf = admin.headers.pop().unwrap();
    let r = admin
        .form(
            &format!("/ui/admin/users/{sup_id}/role"),
            &hx,
            "role=analyst",
        )
        .await
        .unwrap();
    assert_eq!(r.error_code().as_deref(), Some("csrf_failed"));
    admin.headers.push(csrf);
    for (path, form) in [
        (format!("/ui/admin/users/{ana_id}/role"), "role=admin"),
        (
            format!("/ui/admin/users/{ana_id}/password"),
            "password=a+new+long+password",
        ),
        (format!("/ui/admin/users/{ana_id}/remove"), ""),
    ] {
        let r = sup.form(&path, &hx, form).await.unwrap();
        assert_eq!(r.status, 403, "{path}");
    }
    // Another tenant's user is not found, and stays as it was.
    for (path, form) in [
        (format!("/ui/admin/users/{beta_only}/role"), "role=admin"),
        (
            format!("/ui/admin/users/{beta_only}/password"),
            "password=a+new+long+password",
        ),
        (format!("/ui/admin/users/{beta_only}/remove"), ""),
    ] {
        let r = admin.form(&path, &hx, form).await.unwrap();
        assert_eq!(r.status, 404, "{path}: {}", text(&r));
    }
    let b3 = e.store.user(&beta, "b3").await.unwrap().unwrap();
    assert_eq!(b3.role, "agent");
    assert!(auth::verify_password(PASSWORD, &b3.password_hash));

    // A role: a wrong one is named next to the user's form; a right one shows in the table.
    let r = admin
        .form(
            &format!("/ui/admin/users/{sup_id}/role"),
            &hx,
            "role=provider",
        )
        .await
        .unwrap();
    assert_eq!(r.status, 422);
    assert_eq!(
        r.headers["hx-retarget"],
        format!("#u-msg-{sup_id}").as_str()
    );
    assert!(text(&r).contains("role:"), "{}", text(&r));
    let r = admin
        .form(
            &format!("/ui/admin/users/{sup_id}/role"),
            &hx,
            "role=analyst",
        )
        .await
        .unwrap();
    assert_eq!(r.status, 200, "{}", text(&r));
    assert!(
        text(&r).contains("<tr data-user=\"sup\"><td>sup</td><td class=\"role\">Analista</td>")
    );
    assert_eq!(
        e.store.user(&alpha, "sup").await.unwrap().unwrap().role,
        "analyst"
    );
    // The sup's session now has the analyst's rights, at once.
    let r = sup.get("/ui/wallboard").await.unwrap();
    assert_eq!(r.status, 200);
    let r = sup
        .form("/ui/wallboard/agents/0/not-ready", &hx, "")
        .await
        .unwrap();
    assert_eq!(r.status, 403);

    // One's own user, and the last administrator, stay.
    let r = admin
        .form(
            &format!("/ui/admin/users/{admin_id}/role"),
            &hx,
            "role=agent",
        )
        .await
        .unwrap();
    assert_eq!(r.status, 422);
    assert!(text(&r).contains("su propio usuario"), "{}", text(&r));
    let r = token
        .form(
            &format!("/ui/admin/users/{admin_id}/role"),
            &hx,
            "role=agent",
        )
        .await
        .unwrap();
    assert_eq!(r.status, 422, "{}", text(&r));
    assert!(text(&r).contains("last administrator"), "{}", text(&r));
    let r = token
        .form(&format!("/ui/admin/users/{admin_id}/remove"), &hx, "")
        .await
        .unwrap();
    assert_eq!(r.status, 422, "{}", text(&r));
    assert_eq!(
        e.store.user(&alpha, "admin").await.unwrap().unwrap().role,
        "admin"
    );

    // A password: too short is said in the administrator's language; a new one ends the sessions.
    let r = admin
        .form(
            &format!("/ui/admin/users/{ana_id}/password"),
            &hx,
            "password=short",
        )
        .await
        .unwrap();
    assert_eq!(r.status, 422);
    assert!(text(&r).contains("Al menos 12 caracteres"), "{}", text(&r));
    assert_eq!(ana.get("/ui/agent").await.unwrap().status, 200);
    let r = admin
        .form(
            &format!("/ui/admin/users/{ana_id}/password"),
            &hx,
            "password=a+brand+new+password",
        )
        .await
        .unwrap();
    assert_eq!(r.status, 200, "{}", text(&r));
    assert!(text(&r).contains("Contraseña cambiada"), "{}", text(&r));
    assert_eq!(ana.get("/ui/agent").await.unwrap().status, 303);
    let hash = e
        .store
        .user(&alpha, "ana")
        .await
        .unwrap()
        .unwrap()
        .password_hash;
    assert!(auth::verify_password("a brand new password", &hash));

    // Adding: a mistake is said next to the form (it no longer replaces the table).
    let r = admin
        .form(
            "/ui/admin/users",
            &hx,
            "username=eva&password=short&role=agent",
        )
        .await
        .unwrap();
    assert_eq!(r.status, 422);
    assert_eq!(r.headers["hx-retarget"], "#nu-msg");
    assert!(text(&r).contains("Al menos 12 caracteres"), "{}", text(&r));
    assert!(e.store.user(&alpha, "eva").await.unwrap().is_none());
    let r = admin
        .form(
            "/ui/admin/users",
            &hx,
            "username=ana&password=a+long+enough+one&role=agent",
        )
        .await
        .unwrap();
    assert_eq!(r.status, 422);
    assert!(
        text(&r).contains("ana: este usuario ya existe."),
        "{}",
        text(&r)
    );

    // Removing: gone from the table and the store, its sessions with it.
    let (mut sup_again, _) = e.page_sign_in("alpha", "sup", "en").await;
    let r = admin
        .form(&format!("/ui/admin/users/{sup_id}/remove"), &hx, "")
        .await
        .unwrap();
    assert_eq!(r.status, 200, "{}", text(&r));
    assert!(!text(&r).contains("data-user=\"sup\""));
    assert!(e.store.user(&alpha, "sup").await.unwrap().is_none());
    assert_eq!(sup_again.get("/ui/wallboard").await.unwrap().status, 303);
    assert_eq!(
        admin
            .form(&format!("/ui/admin/users/{sup_id}/remove"), &hx, "")
            .await
            .unwrap()
            .status,
        404
    );
}

#[tokio::test]
async fn the_plan_form_saves_through_the_validator_and_the_raw_view_shows_what_it_saved() {
    let e = env().await;
    let (alpha, _) = e.tenant("alpha").await;
    let (beta, _) = e.tenant("beta").await;
    let beta_plan = e.store.plan(&beta).await.unwrap();
    let (mut admin, page) = e.page_sign_in("alpha", "admin", "en").await;
    let html = text(
        &admin
            .get(page.headers["location"].to_str().unwrap())
            .await
            .unwrap(),
    );
    // The form shows the stored plan: the queue's steps and an empty rule to fill.
    assert!(
        html.contains("<input type=\"hidden\" name=\"q.0.name\" value=\"support\">"),
        "{html}"
    );
    assert!(
        html.contains("<label for=\"r-0-name\">Rule name</label>"),
        "{html}"
    );
    let hx = [("hx-request", "true")];
    let new_rule = "r.0.name=catalan&r.0.language=ca&r.0.queue=support&r.0.priority_add=2&r.0.skills=catalan%3A3&q.0.name=support&q.0.s.0.until_s=30&q.0.s.0.skills=support%3A5&q.0.s.1.skills=support%3A1";

    // Without the CSRF token, or as a supervisor: refused.
    let csrf = admin.headers.pop().unwrap();
    let r = admin
        .form("/ui/admin/plan/form", &hx, new_rule)
        .await
        .unwrap();
    assert_eq!(r.error_code().as_deref(), Some("csrf_failed"));
    admin.headers.push(csrf);
    let (mut sup, _) = e.page_sign_in("alpha", "sup", "en").await;
    assert_eq!(
        sup.form("/ui/admin/plan/form", &hx, new_rule)
            .await
            .unwrap()
            .status,
        403
    );

    // A queue the plan lacks: the validator's message next to that rule's queue, nothing saved.
    let before = e.store.plan(&alpha).await.unwrap();
    let r = admin
        .form(
            "/ui/admin/plan/form",
            &hx,
            &new_rule.replace("r.0.queue=support", "r.0.queue=nowhere"),
        )
        .await
        .unwrap();
    assert_eq!(r.status, 422);
    let html = text(&r);
    let err = html
        .split("id=\"r-0-queue-err\">")
        .nth(1)
        .unwrap_or_else(|| panic!("no message at the queue: {html}"));
    assert!(
        err.starts_with(
            "rule &quot;catalan&quot;.then.queue: no queue named &quot;nowhere&quot;</span>"
        ),
        "{err}"
    );
    assert!(
        html.contains("id=\"r-0-queue\" name=\"r.0.queue\" value=\"nowhere\""),
        "what was typed stays"
    );
    // A mistake the form itself sees: named next to its field.
    let r = admin
        .form(
            "/ui/admin/plan/form",
            &hx,
            &new_rule.replace("until_s=30", "until_s=soon"),
        )
        .await
        .unwrap();
    assert_eq!(r.status, 422);
    assert!(
        text(&r).contains("id=\"q-0-s-0-until_s-err\">A number of seconds.</span>"),
        "{}",
        text(&r)
    );
    assert_eq!(e.store.plan(&alpha).await.unwrap(), before);

    // Saved: the raw view (swapped out of band) is exactly the stored document.
    let r = admin
        .form("/ui/admin/plan/form", &hx, new_rule)
        .await
        .unwrap();
    assert_eq!(r.status, 200, "{}", text(&r));
    let stored = e.store.plan(&alpha).await.unwrap().unwrap();
    assert!(stored.contains("name = \"catalan\""), "{stored}");
    assert!(
        stored.contains("ring_timeout_s = 60"),
        "what the form does not show is kept: {stored}"
    );
    let html = text(&r);
    let raw = html
        .split("hx-swap-oob=\"true\">")
        .nth(1)
        .and_then(|s| s.split("</textarea>").next())
        .unwrap();
    assert_eq!(raw, maud::html! { (stored) }.into_string());
    // And the stored plan routes with it: the API reads the rule back.
    let plan: serde_json::Value = admin.get("/api/v1/routing/plan").await.unwrap().json();
    assert!(plan.to_string().contains("catalan"), "{plan}");
    // The form read back from the page shows what was saved.
    let html = text(&admin.get("/ui/admin").await.unwrap());
    assert!(
        html.contains("id=\"r-0-language\" name=\"r.0.language\" value=\"ca\""),
        "{html}"
    );
    assert!(
        html.contains("id=\"q-0-s-0-skills\" name=\"q.0.s.0.skills\" value=\"support:5\""),
        "{html}"
    );
    // Opening hours and holidays: a date the validator refuses is named next to the holidays.
    let hours = "&q.0.weekly=mon-fri+%3D+08%3A00-20%3A00&q.0.holidays=";
    let r = admin
        .form(
            "/ui/admin/plan/form",
            &hx,
            &format!("{new_rule}{hours}Christmas"),
        )
        .await
        .unwrap();
    assert_eq!(r.status, 422);
    assert!(text(&r).contains("id=\"q-0-holidays-err\">queue &quot;support&quot;.hours.holidays: expected a date YYYY-MM-DD"), "{}", text(&r));
    let r = admin
        .form(
            "/ui/admin/plan/form",
            &hx,
            &format!("{new_rule}{hours}2026-12-25"),
        )
        .await
        .unwrap();
    assert_eq!(r.status, 200, "{}", text(&r));
    let stored = e.store.plan(&alpha).await.unwrap().unwrap();
    assert!(
        stored.contains("mon-fri = \"08:00-20:00\"") && stored.contains("2026-12-25"),
        "{stored}"
    );
    // Another tenant's plan is untouched.
    assert_eq!(e.store.plan(&beta).await.unwrap(), beta_plan);
}

#[tokio::test]
async fn a_supervisor_defines_a_campaign_with_pasted_contacts_and_follows_it() {
    let e = env().await;
    e.tenant("acme").await;
    let (mut ana, _) = e.page_sign_in("acme", "ana", "en").await;
    assert_eq!(ana.get("/ui/campaigns").await.unwrap().status, 403);
    let (mut sup, _) = e.page_sign_in("acme", "sup", "es").await;
    let page = sup.get("/ui/campaigns").await.unwrap();
    assert_eq!(page.status, 200);
    let html = text(&page);
    assert!(
        html.contains("Campañas") && html.contains("Aún no hay campañas"),
        "{html}"
    );
    assert!(
        html.contains("<option value=\"support\">support</option>"),
        "{html}"
    );
    // A contact line without a number: refused naming the line, nothing kept.
    let bad = "name=renewals&mode=predictive&queue=support&team=outbound&caller_id=%2B34900100300&country_code=34&time_zone=Europe%2FMadrid&contacts=Eva%2C+%2B34600000001%0AJoan";
    let r = sup.form("/ui/campaigns", &[], bad).await.unwrap();
    assert!(r.status == 400 || r.status == 422, "{}", text(&r));
    assert!(text(&r).contains("line 2"), "{}", text(&r));
    assert!(
        e.store
            .campaigns(&e.store.tenant_by_name("acme").await.unwrap().unwrap())
            .await
            .unwrap()
            .is_empty()
    );
    let good = "name=renewals&mode=predictive&queue=support&team=outbound&caller_id=%2B34900100300&country_code=34&time_zone=Europe%2FMadrid&contacts=Eva+%3Cb%3E%2C+%2B34600000001%0A%0A%2B34600000002%3B+%2B34600000003";
    let r = sup.form("/ui/campaigns", &[], good).await.unwrap();
    assert_eq!(r.status, 200, "{}", text(&r));
    let html = text(&r);
    assert!(html.contains("data-campaign=\"renewals\""), "{html}");
    assert!(
        html.contains("Predictivo") && html.contains("Lista"),
        "{html}"
    );
    assert!(html.contains("0 / 2"), "two contacts loaded: {html}");
    // No line places calls on this server: starting says so.
    let r = sup.form("/ui/campaigns/1/start", &[], "").await.unwrap();
    assert_eq!(r.status, 409, "{}", text(&r));
    // The contacts page, escaped.
    let r = sup.get("/ui/campaigns/1").await.unwrap();
    assert_eq!(r.status, 200);
    let html = text(&r);
    assert!(
        html.contains("Eva &lt;b&gt;") && !html.contains("Eva <b>"),
        "{html}"
    );
    assert!(html.contains("+34600000002, +34600000003"), "{html}");
    assert!(html.contains("Abierto"), "{html}");
    // Another tenant's campaign is not found.
    e.tenant("beta").await;
    let (mut other, _) = e.page_sign_in("beta", "sup", "en").await;
    assert_eq!(other.get("/ui/campaigns/1").await.unwrap().status, 404);
    // Stop, then no buttons are left.
    let r = sup.form("/ui/campaigns/1/stop", &[], "").await.unwrap();
    assert_eq!(r.status, 200, "{}", text(&r));
    let html = text(&r);
    assert!(
        html.contains("Detenida") && !html.contains("/ui/campaigns/1/start"),
        "{html}"
    );
}

//! The agent desktop's call controls (`crates/server/src/ui/calls.rs`) over
//! HTTP (requests sent to the router in process): the buttons follow the
//! call's log, each press is a fact with the agent's name, and a consult
//! keeps the call on the first agent's desktop until it is completed or
//! cancelled. The audio side of the same controls is proven with real SIP
//! peers in `tests/sip.rs`.

use serde_json::json;
use server::auth::{self, Role};
use server::tenant::Op;

mod common;

use common::client::{Client, Reply};

const PLAN: &str = r#"
default_queue = "support"
[[queue]]
name = "support"
ring_timeout_s = 60
wrap_up_s = 1
"#;
const PASSWORD: &str = "a long enough password";

fn text(r: &Reply) -> String {
    String::from_utf8_lossy(&r.body).to_string()
}

/// Signs in through the form like a browser: session cookie and CSRF token.
async fn sign_in(app: &axum::Router, user: &str) -> Client {
    let who = ("acme", user, "a long enough password");
    common::page_session(app, who, "en").await.0
}

async fn kinds(store: &store::Store, t: &store::Tenant) -> Vec<(String, serde_json::Value)> {
    store
        .events_after(t, 0, 1_000)
        .await
        .unwrap()
        .into_iter()
        .filter(|r| r.fact.interaction().map(|i| i.0) == Some(1))
        .map(|r| (r.fact.kind(), serde_json::to_value(&r.fact).unwrap()))
        .collect()
}

#[tokio::test]
async fn the_desktop_holds_and_consults_a_call_and_shows_what_the_log_says() {
    let st = common::state(&common::scratch("ui-calls")).await;
    let app = server::app(st.clone());
    let t = st.store.create_tenant("acme", 1).await.unwrap();
    let h = st.hub.tenant(&t).await.unwrap();
    h.call(Op::SetPlan(PLAN.into())).await.unwrap();
    for name in ["eva", "max"] {
        st.store
            .create_user(
                &t,
                name,
                &auth::hash_password(PASSWORD).unwrap(),
                "agent",
                1,
            )
            .await
            .unwrap();
        h.call(Op::DefineAgent {
            id: None,
            name: name.into(),
            skills: vec![("support".into(), 5)],
            username: Some(name.into()),
            teams: None,
        })
        .await
        .unwrap();
    }
    h.call(Op::SignIn(0, None)).await.unwrap();
    let token = auth::new_token();
    st.store
        .create_token(
            &t,
            "test",
            Role::Supervisor.as_str(),
            &auth::secret_hash(&token),
            1,
        )
        .await
        .unwrap();
    let mut sup = Client::new(&app).bearer(&token);
    let r = sup
        .post("/api/v1/interactions", &json!({"channel": "voice"}))
        .await
        .unwrap();
    assert!(r.status < 300, "{}", text(&r));
    h.call(Op::Accept(1, 0)).await.unwrap();

    let mut eva = sign_in(&app, "eva").await;
    let work = text(&eva.get("/ui/agent/work").await.unwrap());
    for id in ["call-hold-1", "call-mute-1", "call-hangup-1", "consult-1"] {
        assert!(work.contains(id), "{id} missing in {work}");
    }
    assert!(!work.contains("call-resume-1"));

    // Hold: the button turns into resume, the log says who.
    let r = eva
        .form("/ui/agent/interactions/1/call/hold", &[], "")
        .await
        .unwrap();
    assert_eq!(r.status, 200, "{}", text(&r));
    assert!(text(&r).contains("call-resume-1"), "{}", text(&r));
    let log = kinds(&st.store, &t).await;
    let held = log
        .iter()
        .find(|(k, _)| k == "call.held")
        .expect("call.held");
    assert_eq!(held.1["call"]["by"], "eva");
    let r = eva
        .form("/ui/agent/interactions/1/call/resume", &[], "")
        .await
        .unwrap();
    assert!(text(&r).contains("call-hold-1"));

    // Nonsense is refused clearly.
    let r = eva
        .form("/ui/agent/interactions/1/call/dance", &[], "")
        .await
        .unwrap();
    assert_eq!(r.status, 404);
    let r = eva
        .form("/ui/agent/interactions/1/call/consult", &[], "")
        .await
        .unwrap();
    assert_eq!(r.status, 422, "{}", text(&r));
    let r = eva
        .form("/ui/agent/interactions/1/call/consult-cancel", &[], "")
        .await
        .unwrap();
    assert_eq!(r.status, 409, "{}", text(&r));
    // Another agent may not touch eva's call.
    let mut max = sign_in(&app, "max").await;
    let r = max
        .form("/ui/agent/interactions/1/call/hold", &[], "")
        .await
        .unwrap();
    assert_eq!(r.status, 409, "{}", text(&r));

    // Consult max: routing offers him the call; eva keeps it on her desktop.
    h.call(Op::SignIn(1, None)).await.unwrap();
    let r = eva
        .form("/ui/agent/interactions/1/call/consult", &[], "agent_id=1")
        .await
        .unwrap();
    assert_eq!(r.status, 200, "{}", text(&r));
    let work = text(&r);
    assert!(
        work.contains("consult-h-1"),
        "{work} {:?}",
        kinds(&st.store, &t)
            .await
            .into_iter()
            .map(|(k, _)| k)
            .collect::<Vec<_>>()
    );
    assert!(work.contains("call-consult-complete-1") && work.contains("call-consult-cancel-1"));
    let r = sup.get("/api/v1/interactions/1").await.unwrap();
    assert_eq!(r.json()["agent_id"], 1, "offered to max: {}", text(&r));
    // Cancel: back with eva, in routing and in the store.
    let r = eva
        .form("/ui/agent/interactions/1/call/consult-cancel", &[], "")
        .await
        .unwrap();
    assert_eq!(r.status, 200, "{}", text(&r));
    assert!(!text(&r).contains("consult-h-1"));
    assert!(text(&r).contains("call-hold-1"), "{}", text(&r));
    let r = sup.get("/api/v1/interactions/1").await.unwrap();
    assert_eq!(r.json()["state"], "connected", "{}", text(&r));
    assert_eq!(r.json()["agent_id"], 0);
    let log: Vec<String> = kinds(&st.store, &t)
        .await
        .into_iter()
        .map(|(k, _)| k)
        .collect();
    let at = |k: &str| {
        log.iter()
            .position(|x| x == k)
            .unwrap_or_else(|| panic!("{k} in {log:?}"))
    };
    let last_offer = log.iter().rposition(|x| x == "routing.offered").unwrap();
    assert!(at("call.consult_requested") < last_offer, "{log:?}");
    assert!(
        log.contains(&"routing.offer_revoked".to_string()),
        "{log:?}"
    );

    // Consult again and complete: max has it.
    eva.form("/ui/agent/interactions/1/call/consult", &[], "agent_id=1")
        .await
        .unwrap();
    let r = eva
        .form("/ui/agent/interactions/1/call/consult-complete", &[], "")
        .await
        .unwrap();
    assert_eq!(r.status, 200, "{}", text(&r));
    assert!(!text(&r).contains("consult-h-1"));
    let r = sup.get("/api/v1/interactions/1").await.unwrap();
    assert_eq!(r.json()["state"], "connected");
    assert_eq!(r.json()["agent_id"], 1);
    let work = text(&max.get("/ui/agent/work").await.unwrap());
    assert!(work.contains("call-hold-1"), "{work}");
}

#[tokio::test]
async fn the_desktop_pauses_and_resumes_a_calls_recording_and_times_the_call() {
    let st = common::state(&common::scratch("ui-calls")).await;
    let app = server::app(st.clone());
    let t = st.store.create_tenant("acme", 1).await.unwrap();
    let h = st.hub.tenant(&t).await.unwrap();
    h.call(Op::SetPlan(PLAN.into())).await.unwrap();
    let hash = auth::hash_password(PASSWORD).unwrap();
    st.store
        .create_user(&t, "eva", &hash, "agent", 1)
        .await
        .unwrap();
    let eva_agent = Op::DefineAgent {
        id: None,
        name: "eva".into(),
        skills: vec![("support".into(), 5)],
        username: Some("eva".into()),
        teams: None,
    };
    h.call(eva_agent).await.unwrap();
    h.call(Op::SignIn(0, None)).await.unwrap();
    let token = auth::new_token();
    let role = Role::Supervisor.as_str();
    st.store
        .create_token(&t, "test", role, &auth::secret_hash(&token), 1)
        .await
        .unwrap();
    let mut sup = Client::new(&app).bearer(&token);
    let r = sup
        .post("/api/v1/interactions", &json!({"channel": "voice"}))
        .await
        .unwrap();
    assert!(r.status < 300, "{}", text(&r));
    h.call(Op::Accept(1, 0)).await.unwrap();
    let mut eva = sign_in(&app, "eva").await;
    // Not recorded: the agent may start it (a queue's on-demand policy).
    let work = text(&eva.get("/ui/agent/work").await.unwrap());
    assert!(work.contains("call-recording-start-1"), "{work}");
    // The switch records: pause (a card payment), then resume; the log says who.
    let started = store::CallFact::RecordingStarted {
        path: "recordings/acme/1.wav".into(),
        by: "always".into(),
    };
    h.call(Op::CallFact(1, started)).await.unwrap();
    let work = text(&eva.get("/ui/agent/work").await.unwrap());
    assert!(
        work.contains("call-recording-pause-1") && work.contains("Recording"),
        "{work}"
    );
    let r = eva
        .form("/ui/agent/interactions/1/call/recording-pause", &[], "")
        .await
        .unwrap();
    assert_eq!(r.status, 200, "{}", text(&r));
    assert!(text(&r).contains("call-recording-resume-1") && text(&r).contains("Recording paused"));
    let paused = kinds(&st.store, &t).await;
    let p = paused
        .iter()
        .find(|(k, _)| k == "call.recording_paused")
        .expect("paused");
    assert_eq!(p.1["call"]["by"], "eva");
    let r = eva
        .form("/ui/agent/interactions/1/call/recording-resume", &[], "")
        .await
        .unwrap();
    assert!(text(&r).contains("call-recording-pause-1"), "{}", text(&r));
    assert!(
        kinds(&st.store, &t)
            .await
            .iter()
            .any(|(k, _)| k == "call.recording_resumed")
    );
}

//! The agent's manual call (`POST /api/v1/calls`), through the campaign's
//! compliance gate: a number without consent for the campaign's purpose is
//! refused with the rule named and nothing dialled; the customer who
//! consented is called by id (their number never typed), reserved for the
//! agent, and the answer is the agent's interaction; a busy agent and a user
//! without a campaign get a clear refusal.

use std::time::Duration;

use model::outbound::DialOutcome;
use serde_json::{Value, json};
use server::auth::{self, Role};
use server::outbound::{Answered, LineOrder};
use server::tenant::{Ack, Op};
use tokio::sync::mpsc;

mod common;

const PLAN: &str = r#"
default_queue = "support"
[[queue]]
name = "support"
[[queue]]
name = "outbound"
wrap_up_s = 0
"#;

const PASSWORD: &str = "ana's long password";

async fn next_dial(rx: &mut mpsc::UnboundedReceiver<LineOrder>) -> dialer::Dial {
    loop {
        let o = tokio::time::timeout(Duration::from_secs(10), rx.recv())
            .await
            .expect("no call placed")
            .expect("line open");
        if let LineOrder::Dial(d) = o {
            return d;
        }
    }
}

#[tokio::test]
async fn a_manual_call_goes_through_the_gate_and_reaches_the_agent_who_dialled() {
    let (e, mut admin) = common::admin_client("manual-dial").await;
    let r = admin
        .put("/api/v1/routing/plan", &json!({"document": PLAN}))
        .await
        .unwrap();
    assert_eq!(r.status, 204, "{:?}", r.json());
    let t = e.store.tenant_by_name("acme").await.unwrap().unwrap();
    for (user, role) in [("ana", Role::Agent), ("bo", Role::Agent)] {
        let hash = auth::hash_password(PASSWORD).unwrap();
        e.store
            .create_user(&t, user, &hash, role.as_str(), 1)
            .await
            .unwrap();
    }
    for (name, teams) in [("ana", json!(["out"])), ("bo", json!(["support"]))] {
        let body = json!({"name": name, "username": name, "skills": [{"name": "support", "level": 5}], "teams": teams});
        let r = admin.post("/api/v1/agents", &body).await.unwrap();
        assert_eq!(r.status, 201, "{:?}", r.json());
    }
    let r = admin
        .post(
            "/api/v1/customers",
            &json!({"name": "Eva Nováková", "phone": "+351910000021"}),
        )
        .await
        .unwrap();
    let eva = r.json()["id"].as_i64().unwrap();
    let consent =
        json!({"purpose": "marketing", "channel": "voice", "granted": true, "source": "web_form"});
    let r = admin
        .post(&format!("/api/v1/customers/{eva}/consents"), &consent)
        .await
        .unwrap();
    assert_eq!(r.status, 201, "{:?}", r.json());
    let settings = json!({"mode": "preview", "queue": "outbound", "team": "out", "caller_id": "+351210000000", "country_code": 351, "consent_purpose": "marketing", "windows": {"PT": "00:00-24:00"}});
    let r = admin
        .post(
            "/api/v1/campaigns",
            &json!({"name": "renewals", "settings": settings}),
        )
        .await
        .unwrap();
    assert_eq!(r.status, 201, "{:?}", r.json());
    let hub = e.state.hub.tenant(&t).await.unwrap();
    let (tx, mut rx) = mpsc::unbounded_channel();
    hub.attach_line(tx).await.unwrap();
    let r = admin
        .post("/api/v1/campaigns/1/start", &json!({}))
        .await
        .unwrap();
    assert_eq!(r.status, 200, "{:?}", r.json());
    let mut ana = common::api_session(&e.app, None, "ana", PASSWORD).await;
    let mut bo = common::api_session(&e.app, None, "bo", PASSWORD).await;
    for (c, id) in [(&mut ana, 0), (&mut bo, 1)] {
        let r = c
            .post(&format!("/api/v1/agents/{id}/sign-in"), &json!({}))
            .await
            .unwrap();
        assert!(r.status < 300, "{:?}", r.json());
    }

    // Bad input: named, nothing dialled.
    for (body, field) in [
        (json!({}), "to"),
        (json!({"to": "call me"}), "to"),
        (json!({"customer_id": 999}), "customer_id"),
        (json!({"to": "+351910000022", "extra": 1}), "extra"),
    ] {
        let r = ana.post("/api/v1/calls", &body).await.unwrap();
        assert!(r.status == 400 || r.status == 422, "{body}: {:?}", r.json());
        let msg = r.json()["error"]["message"].as_str().unwrap().to_string();
        assert!(msg.contains(field), "{body}: {msg}");
    }
    // Bo's team has no campaign: told why.
    let r = bo
        .post("/api/v1/calls", &json!({"to": "+351910000022"}))
        .await
        .unwrap();
    assert_eq!(r.status, 409, "{:?}", r.json());
    assert!(
        r.json()["error"]["message"]
            .as_str()
            .unwrap()
            .contains("campaign")
    );

    // A number nobody consented for: refused by the gate, with the rule.
    let r = ana
        .post("/api/v1/calls", &json!({"to": "910000022"}))
        .await
        .unwrap();
    assert_eq!(r.status, 409, "{:?}", r.json());
    assert_eq!(r.error_code().as_deref(), Some("call_refused"));
    let msg = r.json()["error"]["message"].as_str().unwrap().to_string();
    assert!(msg.contains("consent_missing"), "{msg}");
    assert!(rx.try_recv().is_err(), "a refused call was dialled");

    // Eva consented: called by her record, for Ana.
    let r = ana
        .post("/api/v1/calls", &json!({"customer_id": eva}))
        .await
        .unwrap();
    assert_eq!(r.status, 201, "{:?}", r.json());
    let placed: Value = r.json();
    let d = next_dial(&mut rx).await;
    assert_eq!(d.phone.as_str(), "+351910000021");
    assert_eq!(d.reserved_agent, Some(model::AgentId(0)));
    assert_eq!(placed["attempt"], d.attempt.0, "{placed}");
    // Ana is reserved for it: a second call is refused until it is over.
    let r = ana
        .post("/api/v1/calls", &json!({"customer_id": eva}))
        .await
        .unwrap();
    assert_eq!(r.status, 409, "{:?}", r.json());
    assert!(
        r.json()["error"]["message"]
            .as_str()
            .unwrap()
            .contains("ready")
    );
    let ack = hub
        .call(Op::DialResult {
            attempt: d.attempt.0,
            outcome: DialOutcome::LiveAnswer,
            ring_ms: 3_000,
        })
        .await
        .unwrap();
    let Ack::Answered(Answered {
        offered: Some((interaction, 0)),
    }) = ack
    else {
        panic!("not offered to ana: {ack:?}");
    };
    hub.call(Op::OutboundBridged(d.attempt.0)).await.unwrap();
    let it = ana
        .get(&format!("/api/v1/interactions/{interaction}"))
        .await
        .unwrap()
        .json();
    assert_eq!(it["agent_id"], 0, "{it}");
    assert_eq!(it["channel"], "outbound_voice", "{it}");
    assert!(it["subject"].as_str().unwrap().contains("Eva"), "{it}");
    // Both calls are in the campaign's record; the refused one is closed.
    let list = admin
        .get("/api/v1/campaigns/1/contacts")
        .await
        .unwrap()
        .json();
    let list = list["contacts"].as_array().unwrap();
    assert_eq!(list.len(), 2, "{list:?}");
    assert_eq!(list[0]["reason"], "consent_missing", "{list:?}");
}

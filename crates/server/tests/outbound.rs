//! The outbound dialer live in the server: a campaign defined and loaded over
//! the API, calls placed to a line this test plays (in-process, as the
//! switch does), an answered call given to the free agent at once, the
//! agent's disposition closing the contact; then a restart that rebuilds the
//! dialer from the log (no contact called again by mistake, none skipped).

use std::time::Duration;

use model::outbound::DialOutcome;
use serde_json::{Value, json};
use server::auth::{self, Role};
use server::outbound::{Answered, LineOrder};
use server::tenant::{Ack, Op, TenantHandle};
use store::{Store, Tenant};
use tokio::sync::mpsc;

mod common;

use common::client::{Client, Reply};

const PLAN: &str = r#"
default_queue = "support"
[[queue]]
name = "support"
[[queue]]
name = "outbound"
wrap_up_s = 0
"#;

/// Numbers in the Czech Republic: no legal calling window there, so the
/// campaign sets one open all day and the test holds at any hour.
fn settings(mode: &str) -> Value {
    json!({
        "mode": mode,
        "queue": "outbound",
        "team": "outbound",
        "caller_id": "+420200000000",
        "time_zone": "Europe/Prague",
        "windows": {"CZ": "00:00-24:00"}
    })
}

const PASSWORD: &str = "ana's long password";

struct World {
    app: axum::Router,
    store: Store,
    tenant: Tenant,
    hub: TenantHandle,
    admin: Client,
}

async fn world() -> World {
    let state = common::state(&common::scratch("outbound")).await;
    let app = server::app(state.clone());
    let store = state.store.clone();
    let tenant = store.create_tenant("acme", 1).await.unwrap();
    let token = auth::new_token();
    store
        .create_token(
            &tenant,
            "test",
            Role::Admin.as_str(),
            &auth::secret_hash(&token),
            1,
        )
        .await
        .unwrap();
    let mut admin = Client::new(&app).bearer(&token);
    let r = admin
        .put("/api/v1/routing/plan", &json!({"document": PLAN}))
        .await
        .unwrap();
    assert_eq!(r.status, 204, "{:?}", r.json());
    store
        .create_user(
            &tenant,
            "ana",
            &auth::hash_password(PASSWORD).unwrap(),
            "agent",
            1,
        )
        .await
        .unwrap();
    let r = admin
        .post(
            "/api/v1/agents",
            &json!({"name": "ana", "username": "ana", "skills": [{"name": "support", "level": 5}], "teams": ["outbound"]}),
        )
        .await
        .unwrap();
    assert_eq!(r.status, 201, "{:?}", r.json());
    let hub = state.hub.tenant(&tenant).await.unwrap();
    World {
        app,
        store,
        tenant,
        hub,
        admin,
    }
}

impl World {
    /// POST as the administrator.
    async fn post(&mut self, path: &str, body: &Value) -> Reply {
        self.admin.post(path, body).await.unwrap()
    }
}

async fn next_order(rx: &mut mpsc::UnboundedReceiver<LineOrder>) -> LineOrder {
    tokio::time::timeout(Duration::from_secs(10), rx.recv())
        .await
        .expect("the dialer placed no call")
        .expect("line open")
}

async fn dial(rx: &mut mpsc::UnboundedReceiver<LineOrder>) -> dialer::Dial {
    loop {
        if let LineOrder::Dial(d) = next_order(rx).await {
            return d;
        }
    }
}

#[tokio::test]
async fn a_campaign_dials_connects_the_free_agent_and_survives_a_restart() {
    let mut w = world().await;
    // Bad settings are refused with the field named, and nothing is kept.
    for (bad, field) in [
        (json!({"mode": "fast"}), "mode"),
        (json!({"windows": {"US": "00:00-24:00"}}), "windows.US"),
        (json!({"windows": {"CZ": "20:00-08:00"}}), "windows.CZ"),
        (json!({"caller_id": "call me"}), "caller_id"),
        (json!({"ring_timeout_s": 5}), "ring_timeout_s"),
    ] {
        let mut s = settings("progressive");
        for (k, v) in bad.as_object().unwrap() {
            s[k] = v.clone();
        }
        let r = w
            .post("/api/v1/campaigns", &json!({"name": "bad", "settings": s}))
            .await;
        let body = r.json();
        assert!(r.status == 400 || r.status == 422, "{bad}: {body}");
        assert!(
            body["error"]["message"].as_str().unwrap().contains(field),
            "{bad}: {body}"
        );
    }
    let r = w
        .post(
            "/api/v1/campaigns",
            &json!({"name": "renewals", "settings": settings("progressive")}),
        )
        .await;
    assert_eq!(r.status, 201, "{:?}", r.json());
    let campaign = r.json()["id"].as_i64().unwrap();
    assert_eq!(campaign, 1, "the refused ones took no id");
    let r = w
        .post(
            "/api/v1/campaigns",
            &json!({"name": "renewals", "settings": settings("power")}),
        )
        .await;
    assert_eq!(r.status, 409, "{:?}", r.json());
    // Contacts: a bad number names the contact and loads nothing.
    let r = w.post("/api/v1/campaigns/1/contacts", &json!({"contacts": [{"name": "Eva", "phones": ["+420601000001"]}, {"name": "X", "phones": ["nope"]}]})).await;
    assert!(r.status == 400 || r.status == 422, "{:?}", r.json());
    assert!(
        r.json()["error"]["message"]
            .as_str()
            .unwrap()
            .contains("contacts[1].phones")
    );
    let r = w.post("/api/v1/campaigns/1/contacts", &json!({"contacts": [{"name": "Eva", "phones": ["+420601000001"]}, {"name": "Jan", "phones": ["+420601000002"]}]})).await;
    assert_eq!(r.status, 201, "{:?}", r.json());
    assert_eq!(r.json()["added"], 2);
    // No line yet: starting says so.
    let r = w.post("/api/v1/campaigns/1/start", &json!({})).await;
    assert_eq!(r.status, 409, "{:?}", r.json());
    let (tx, mut rx) = mpsc::unbounded_channel();
    w.hub.attach_line(tx).await.unwrap();
    let r = w.post("/api/v1/campaigns/1/start", &json!({})).await;
    assert_eq!(r.status, 200, "{:?}", r.json());
    assert_eq!(r.json()["state"], "running");
    // Ana signs in: progressive places one line for her, reserved.
    let r = w.post("/api/v1/agents/0/sign-in", &json!({})).await;
    assert!(r.status < 300, "{:?}", r.json());
    let d = dial(&mut rx).await;
    assert_eq!(d.phone.as_str(), "+420601000001");
    assert_eq!(d.caller_id.as_str(), "+420200000000");
    assert_eq!(d.reserved_agent, Some(model::AgentId(0)));
    assert!(d.ring_timeout_ms >= 15_000);
    // A person answers: the call is Ana's at once.
    let ack = w
        .hub
        .call(Op::DialResult {
            attempt: d.attempt.0,
            outcome: DialOutcome::LiveAnswer,
            ring_ms: 4_000,
        })
        .await
        .unwrap();
    let Ack::Answered(Answered {
        offered: Some((interaction, 0)),
    }) = ack
    else {
        panic!("not offered to ana: {ack:?}");
    };
    // The line bridges it (Ana's phone answered).
    w.hub.call(Op::OutboundBridged(d.attempt.0)).await.unwrap();
    let it = w
        .admin
        .get(&format!("/api/v1/interactions/{interaction}"))
        .await
        .unwrap()
        .json();
    assert_eq!(it["channel"], "outbound_voice", "{it}");
    assert_eq!(it["agent_id"], 0, "{it}");
    assert!(it["subject"].as_str().unwrap().contains("Eva"), "{it}");
    // The same result twice is refused (the attempt moved on), changing nothing.
    assert!(
        w.hub
            .call(Op::DialResult {
                attempt: d.attempt.0,
                outcome: DialOutcome::Busy,
                ring_ms: 1,
            })
            .await
            .is_err()
    );
    // A disposition while still on the call is refused; completing ends the
    // call (the line is told to hang up), then the disposition closes the contact.
    let r = w
        .post(
            &format!("/api/v1/interactions/{interaction}/disposition"),
            &json!({"code": "sale"}),
        )
        .await;
    assert_eq!(r.status, 409, "{:?}", r.json());
    let r = w
        .post(
            &format!("/api/v1/interactions/{interaction}/complete"),
            &json!({}),
        )
        .await;
    assert!(r.status < 300, "{:?}", r.json());
    // Not a code of the campaign: refused, naming the codes.
    let r = w
        .post(
            &format!("/api/v1/interactions/{interaction}/disposition"),
            &json!({"code": "resolved"}),
        )
        .await;
    assert!(r.status == 400 || r.status == 422, "{:?}", r.json());
    assert!(
        r.json()["error"]["message"]
            .as_str()
            .unwrap()
            .contains("sale")
    );
    let r = w
        .post(
            &format!("/api/v1/interactions/{interaction}/disposition"),
            &json!({"code": "sale"}),
        )
        .await;
    assert_eq!(r.status, 200, "{:?}", r.json());
    // Ana is free again (no wrap-up in this queue): the next contact is dialled.
    // (The hang-up and the next dial come in one commit, in either order.)
    let (mut hung_up, mut next) = (false, None);
    while !hung_up || next.is_none() {
        match next_order(&mut rx).await {
            LineOrder::Hangup { attempt } => {
                assert_eq!(attempt, d.attempt.0);
                hung_up = true;
            }
            LineOrder::Dial(d) => next = Some(d),
        }
    }
    let d2 = next.unwrap();
    assert_eq!(d2.phone.as_str(), "+420601000002");
    w.hub
        .call(Op::DialResult {
            attempt: d2.attempt.0,
            outcome: DialOutcome::Busy,
            ring_ms: 2_000,
        })
        .await
        .unwrap();
    let c = w.admin.get("/api/v1/campaigns/1").await.unwrap().json();
    assert_eq!(
        (
            &c["dials"],
            &c["live_answers"],
            &c["connected"],
            &c["abandoned"],
            &c["closed"],
            &c["reached"],
            &c["contacts"]
        ),
        (
            &json!(2),
            &json!(1),
            &json!(1),
            &json!(0),
            &json!(1),
            &json!(1),
            &json!(2)
        ),
        "{c}"
    );
    let list = w
        .admin
        .get("/api/v1/campaigns/1/contacts")
        .await
        .unwrap()
        .json();
    let list = list["contacts"].as_array().unwrap();
    assert_eq!(list[0]["state"], "reached", "{list:?}");
    assert_eq!(list[0]["reason"], "sale", "{list:?}");
    assert_eq!(list[1]["state"], "open", "{list:?}");
    assert_eq!(list[1]["last_outcome"], "busy", "{list:?}");
    assert_eq!(list[1]["attempts"], 1, "{list:?}");

    // A restart: a new task rebuilds the dialer from the log. The campaign
    // comes back paused; started again, it calls neither Eva (reached) nor
    // Jan (busy: due again in 15 minutes), and a new contact gets the next
    // attempt id.
    let h2 = server::tenant::spawn(w.store.clone(), w.tenant.clone(), None)
        .await
        .unwrap();
    let c = w
        .store
        .campaign(&w.tenant, campaign)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(c.state, model::outbound::CampaignState::Paused, "{c:?}");
    let (tx2, mut rx2) = mpsc::unbounded_channel();
    h2.attach_line(tx2).await.unwrap();
    h2.call(Op::SignIn(0, None)).await.unwrap();
    h2.call(Op::Campaign(
        campaign,
        server::outbound::CampaignCommand::Start,
    ))
    .await
    .unwrap();
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert!(
        rx2.try_recv().is_err(),
        "a contact was called again after the restart"
    );
    let r = h2
        .call(Op::AddContacts {
            campaign,
            contacts: vec![server::outbound::ContactReq {
                name: Some("Olga".into()),
                customer_id: None,
                phones: vec!["+420601000003".into()],
            }],
        })
        .await
        .unwrap();
    assert!(matches!(r, Ack::Id(1)), "{r:?}");
    let d3 = dial(&mut rx2).await;
    assert_eq!(d3.phone.as_str(), "+420601000003");
    assert_eq!(
        d3.attempt.0,
        d2.attempt.0 + 1,
        "attempt ids go on after a restart"
    );
    let list = w
        .store
        .campaign_contacts(&w.tenant, campaign, 0, 10)
        .await
        .unwrap();
    assert_eq!(list.len(), 3);
    assert_eq!(list[2].id, 3, "contact ids go on after a restart");
    assert_eq!(list[2].attempts, 1);
    // The campaign projections rebuilt from the log equal the live ones.
    let live = w.store.projection_snapshot(&w.tenant).await.unwrap();
    assert!(live.contains("Olga") && live.contains("renewals"));
    w.store.rebuild(&w.tenant).await.unwrap();
    assert_eq!(w.store.projection_snapshot(&w.tenant).await.unwrap(), live);
}

#[tokio::test]
async fn an_answer_with_no_free_agent_is_abandoned_and_counted() {
    let mut w = world().await;
    let r = w.post("/api/v1/campaigns", &json!({"name": "power", "settings": {"mode": "power", "ratio": 3.0, "queue": "outbound", "team": "outbound", "caller_id": "+420200000000", "windows": {"CZ": "00:00-24:00"}}})).await;
    assert_eq!(r.status, 201, "{:?}", r.json());
    let contacts: Vec<Value> = (0..6)
        .map(|i| json!({"phones": [format!("+42060100010{i}")]}))
        .collect();
    let r = w
        .post(
            "/api/v1/campaigns/1/contacts",
            &json!({"contacts": contacts}),
        )
        .await;
    assert_eq!(r.status, 201, "{:?}", r.json());
    let (tx, mut rx) = mpsc::unbounded_channel();
    w.hub.attach_line(tx).await.unwrap();
    w.post("/api/v1/agents/0/sign-in", &json!({})).await;
    w.post("/api/v1/campaigns/1/start", &json!({})).await;
    // Power 3: three lines for the one free agent, none reserved.
    let a = dial(&mut rx).await;
    let b = dial(&mut rx).await;
    assert!(a.reserved_agent.is_none() && b.reserved_agent.is_none());
    let first = w
        .hub
        .call(Op::DialResult {
            attempt: a.attempt.0,
            outcome: DialOutcome::LiveAnswer,
            ring_ms: 3_000,
        })
        .await
        .unwrap();
    assert!(
        matches!(first, Ack::Answered(Answered { offered: Some(_) })),
        "{first:?}"
    );
    w.hub.call(Op::OutboundBridged(a.attempt.0)).await.unwrap();
    // Ana is on the first call: the second answer finds nobody.
    let second = w
        .hub
        .call(Op::DialResult {
            attempt: b.attempt.0,
            outcome: DialOutcome::LiveAnswer,
            ring_ms: 3_500,
        })
        .await
        .unwrap();
    assert!(
        matches!(second, Ack::Answered(Answered { offered: None })),
        "{second:?}"
    );
    let c = w.store.campaign(&w.tenant, 1).await.unwrap().unwrap();
    assert_eq!(
        (c.live_answers, c.connected, c.abandoned),
        (2, 1, 1),
        "{c:?}"
    );
    // The connected one: the customer asks to be called back at a time of
    // their choosing; the dialer schedules it then.
    let Ack::Answered(Answered {
        offered: Some((interaction, _)),
    }) = first
    else {
        unreachable!()
    };
    let r = w
        .post(
            &format!("/api/v1/interactions/{interaction}/complete"),
            &json!({}),
        )
        .await;
    assert!(r.status < 300, "{:?}", r.json());
    let r = w
        .post(
            &format!("/api/v1/interactions/{interaction}/disposition"),
            &json!({"code": "callback", "callback_at": "bad time"}),
        )
        .await;
    assert!(r.status == 400 || r.status == 422, "{:?}", r.json());
    assert!(
        r.json()["error"]["message"]
            .as_str()
            .unwrap()
            .contains("callback_at")
    );
    let when = chrono::DateTime::from_timestamp_millis(server::clock::now_ms()).unwrap()
        + chrono::Duration::hours(3);
    let r = w
        .post(
            &format!("/api/v1/interactions/{interaction}/disposition"),
            &json!({"code": "callback", "callback_at": when.to_rfc3339()}),
        )
        .await;
    assert_eq!(r.status, 200, "{:?}", r.json());
    // The log has the abandon with its reason, for the regulator.
    let facts = w.store.events_after(&w.tenant, 0, 1000).await.unwrap();
    assert!(
        facts
            .iter()
            .any(|r| r.fact.kind() == "outbound.call_abandoned"),
        "no call_abandoned fact"
    );
    assert!(
        facts.iter().any(|r| r.fact.kind() == "dialer_input"),
        "the dialer's inputs are not in the log"
    );
    let due = facts
        .iter()
        .find(|r| r.fact.kind() == "outbound.callback_scheduled")
        .map(|r| {
            serde_json::to_value(&r.fact).unwrap()["event"]["due_at"]
                .as_i64()
                .unwrap()
        })
        .expect("no callback_scheduled fact");
    assert!(
        (due - when.timestamp_millis()).abs() < 1_000,
        "{due} vs {when}"
    );
}

/// Ana's own session (cookie and CSRF token), signed in as agent 0.
async fn ana_signed_in(app: &axum::Router) -> Client {
    let mut ana = Client::new(app);
    let r = ana
        .post(
            "/api/v1/sessions",
            &json!({"tenant": "acme", "username": "ana", "password": PASSWORD}),
        )
        .await
        .unwrap();
    assert_eq!(r.status, 201);
    let csrf = r.json()["csrf_token"].as_str().unwrap().to_string();
    ana.headers.push(("cookie".into(), r.cookies()));
    ana.headers.push(("x-csrf-token".into(), csrf));
    let r = ana
        .post("/api/v1/agents/0/sign-in", &json!({}))
        .await
        .unwrap();
    assert!(r.status < 300, "{:?}", r.json());
    ana
}

/// Campaign 1 defined with these settings and contacts, a line attached
/// (this test's), and started; the line's orders come to the receiver.
async fn started(
    w: &mut World,
    name: &str,
    settings: Value,
    contacts: Value,
) -> mpsc::UnboundedReceiver<LineOrder> {
    let r = w
        .post(
            "/api/v1/campaigns",
            &json!({"name": name, "settings": settings}),
        )
        .await;
    assert_eq!(r.status, 201, "{:?}", r.json());
    let r = w
        .post(
            "/api/v1/campaigns/1/contacts",
            &json!({ "contacts": contacts }),
        )
        .await;
    assert_eq!(r.status, 201, "{:?}", r.json());
    let (tx, rx) = mpsc::unbounded_channel();
    w.hub.attach_line(tx).await.unwrap();
    let r = w.post("/api/v1/campaigns/1/start", &json!({})).await;
    assert_eq!(r.status, 200, "{:?}", r.json());
    rx
}

#[tokio::test]
async fn a_preview_campaign_shows_the_contact_on_the_desktop_to_call_or_skip() {
    let mut w = world().await;
    let mut s = settings("preview");
    s["preview_countdown_s"] = json!(600);
    let contacts = json!([{"name": "Eva <b>", "phones": ["+420601000001"]}, {"name": "Jan", "phones": ["+420601000002"]}]);
    let mut rx = started(&mut w, "visits", s, contacts).await;
    // Ana signs in on her desktop.
    let mut ana = ana_signed_in(&w.app).await;
    // The first contact is shown to her; nothing is dialled yet.
    let deadline = tokio::time::Instant::now() + Duration::from_secs(5);
    let html = loop {
        let html =
            String::from_utf8_lossy(&ana.get("/ui/agent/previews").await.unwrap().body).to_string();
        if html.contains("data-preview") || tokio::time::Instant::now() > deadline {
            break html;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    assert!(
        html.contains("Eva &lt;b&gt;") && html.contains("+420601000001"),
        "{html}"
    );
    assert!(rx.try_recv().is_err(), "dialled before the agent decided");
    let attempt: u64 = html
        .split("data-preview=\"")
        .nth(1)
        .and_then(|s| s.split('"').next())
        .unwrap()
        .parse()
        .unwrap();
    // Someone else's preview is not hers to answer.
    assert!(
        w.hub
            .call(Op::Preview {
                attempt,
                agent: 7,
                accept: true
            })
            .await
            .is_err()
    );
    // She skips Eva: Jan is shown next.
    let r = ana
        .form(&format!("/ui/agent/previews/{attempt}/skip"), &[], "")
        .await
        .unwrap();
    assert_eq!(r.status, 200, "{}", String::from_utf8_lossy(&r.body));
    let html = loop {
        let html =
            String::from_utf8_lossy(&ana.get("/ui/agent/previews").await.unwrap().body).to_string();
        if html.contains("+420601000002") || tokio::time::Instant::now() > deadline {
            break html;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    assert!(html.contains("Jan") && !html.contains("Eva"), "{html}");
    let next: u64 = html
        .split("data-preview=\"")
        .nth(1)
        .and_then(|s| s.split('"').next())
        .unwrap()
        .parse()
        .unwrap();
    // She calls Jan now: the line gets the call, reserved for her.
    let r = ana
        .form(&format!("/ui/agent/previews/{next}/accept"), &[], "")
        .await
        .unwrap();
    assert_eq!(r.status, 200);
    let d = dial(&mut rx).await;
    assert_eq!(d.attempt.0, next);
    assert_eq!(d.phone.as_str(), "+420601000002");
    assert_eq!(d.reserved_agent, Some(model::AgentId(0)));
}

/// The dialer holds an agent for a call placed for her: while it rings,
/// routing offers her no other work; when it fails she is ready again and
/// gets what waited. (The tenant core's simulation checks the same rule
/// over many random days: `crates/center/tests/simulation.rs`.)
#[tokio::test]
async fn an_agent_held_for_a_ringing_campaign_call_is_offered_no_other_work() {
    let mut w = world().await;
    let contacts = json!([{"name": "Eva", "phones": ["+420601000001"]}]);
    let mut rx = started(&mut w, "renewals", settings("progressive"), contacts).await;
    let r = w.post("/api/v1/agents/0/sign-in", &json!({})).await;
    assert!(r.status < 300, "{:?}", r.json());
    let d = dial(&mut rx).await;
    assert_eq!(d.reserved_agent, Some(model::AgentId(0)));
    let agent = w.admin.get("/api/v1/agents/0").await.unwrap().json();
    assert_eq!(agent["state"], "not_ready", "{agent}");
    assert_eq!(agent["reason"], "reserved", "{agent}");
    // An inbound chat arrives while Eva's phone rings: it waits.
    let r = w
        .post("/api/v1/interactions", &json!({"channel": "chat"}))
        .await;
    assert_eq!(r.status, 201, "{:?}", r.json());
    let chat = r.json()["id"].as_i64().unwrap();
    let path = format!("/api/v1/interactions/{chat}");
    let it = w.admin.get(&path).await.unwrap().json();
    assert_eq!(it["state"], "waiting", "{it}");
    // Eva's line is busy: Ana is let go, and the chat is hers.
    w.hub
        .call(Op::DialResult {
            attempt: d.attempt.0,
            outcome: DialOutcome::Busy,
            ring_ms: 3_000,
        })
        .await
        .unwrap();
    let it = w.admin.get(&path).await.unwrap().json();
    assert_eq!(it["state"], "offered", "{it}");
    assert_eq!(it["agent_id"], 0, "{it}");
}

/// A page's `data-kinds` (the kinds its stream listens to) and the
/// `data-live` of its element `id` (what refreshes that element).
fn live_attrs(html: &str, id: &str) -> (Vec<String>, Vec<String>) {
    let attr = |from: &str, name: &str| -> Vec<String> {
        from.split(&format!("{name}=\""))
            .nth(1)
            .and_then(|s| s.split('"').next())
            .unwrap_or_default()
            .split(' ')
            .filter(|k| !k.is_empty())
            .map(str::to_string)
            .collect()
    };
    let body = html.split("<body").nth(1).unwrap_or_default();
    let element = html
        .split(&format!("id=\"{id}\""))
        .nth(1)
        .unwrap_or_default();
    (
        attr(body.split('>').next().unwrap_or_default(), "data-kinds"),
        attr(element.split('>').next().unwrap_or_default(), "data-live"),
    )
}

/// Defect 6: a preview reaches the agent's stream as `outbound.preview_offered`;
/// the desktop must listen to that kind and refresh its previews on it, and
/// the campaign pages must listen to the dialer's facts they show.
#[tokio::test]
async fn the_desktop_and_the_campaign_pages_follow_the_outbound_facts_their_stream_carries() {
    let mut w = world().await;
    let mut s = settings("preview");
    s["preview_countdown_s"] = json!(600);
    let r = w
        .post(
            "/api/v1/campaigns",
            &json!({"name": "visits", "settings": s}),
        )
        .await;
    assert_eq!(r.status, 201, "{:?}", r.json());
    let r = w
        .post(
            "/api/v1/campaigns/1/contacts",
            &json!({"contacts": [{"name": "Eva", "phones": ["+420601000001"]}]}),
        )
        .await;
    assert_eq!(r.status, 201, "{:?}", r.json());
    let (tx, _rx) = mpsc::unbounded_channel();
    w.hub.attach_line(tx).await.unwrap();
    let mut ana = Client::new(&w.app);
    let r = ana
        .post(
            "/api/v1/sessions",
            &json!({"tenant": "acme", "username": "ana", "password": PASSWORD}),
        )
        .await
        .unwrap();
    let csrf = r.json()["csrf_token"].as_str().unwrap().to_string();
    ana.headers.push(("cookie".into(), r.cookies()));
    ana.headers.push(("x-csrf-token".into(), csrf));
    // Her desktop, as the browser gets it, and her stream from there.
    let page = String::from_utf8_lossy(&ana.get("/ui/agent").await.unwrap().body).to_string();
    let (listens, previews) = live_attrs(&page, "previews");
    let mut events = ana.events("/api/v1/events", None).await.unwrap();
    w.post("/api/v1/campaigns/1/start", &json!({})).await;
    let r = ana
        .post("/api/v1/agents/0/sign-in", &json!({}))
        .await
        .unwrap();
    assert!(r.status < 300, "{:?}", r.json());
    let kind = loop {
        let ev = tokio::time::timeout(Duration::from_secs(10), events.next())
            .await
            .expect("no preview on the agent's stream")
            .unwrap()
            .unwrap();
        if ev.event.starts_with("outbound.") {
            break ev.event;
        }
    };
    assert_eq!(kind, "outbound.preview_offered");
    assert!(
        listens.contains(&kind),
        "the desktop listens to {listens:?}"
    );
    assert!(previews.contains(&kind), "the previews follow {previews:?}");
    // The campaign pages listen to what refreshes their tables.
    for (path, id) in [
        ("/ui/campaigns", "campaigns"),
        ("/ui/campaigns/1", "contacts"),
    ] {
        let html = String::from_utf8_lossy(&w.admin.get(path).await.unwrap().body).to_string();
        let (listens, follows) = live_attrs(&html, id);
        assert!(
            follows.contains(&"outbound.dial_placed".to_string()),
            "{path}: {follows:?}"
        );
        for k in &follows {
            assert!(listens.contains(k), "{path} does not listen to {k}");
        }
    }
}

#[tokio::test]
async fn a_supervisor_changes_a_power_campaigns_ratio_while_it_runs() {
    let mut w = world().await;
    let power = json!({"mode": "power", "ratio": 3.0, "queue": "outbound", "team": "outbound", "caller_id": "+420200000000", "windows": {"CZ": "00:00-24:00"}});
    let mut progressive = power.clone();
    progressive["mode"] = json!("progressive");
    for (name, settings) in [("power", power), ("notices", progressive)] {
        let r = w
            .post(
                "/api/v1/campaigns",
                &json!({"name": name, "settings": settings}),
            )
            .await;
        assert_eq!(r.status, 201, "{:?}", r.json());
    }
    // Campaign 1 is power, 2 progressive (which has no ratio).
    for (campaign, ratio, status) in [(1, 1.5, 200), (1, 50.0, 422), (2, 2.0, 409)] {
        let r = w
            .admin
            .put(
                &format!("/api/v1/campaigns/{campaign}/ratio"),
                &json!({"ratio": ratio}),
            )
            .await
            .unwrap();
        assert_eq!(r.status, status, "{campaign} {ratio}: {:?}", r.json());
    }
    let logged = w.store.dialer_facts_after(&w.tenant, 0).await.unwrap();
    let text = format!("{logged:?}");
    assert!(text.contains("SetRatio") && text.contains("1.5"), "{text}");
}

#[tokio::test]
async fn a_campaigns_own_codes_clean_the_record_as_it_configures() {
    let mut w = world().await;
    // Bad codes are refused with the field named.
    for (bad, field) in [
        (json!([{"code": "Left Company"}]), "dispositions[0].code"),
        (
            json!([{"code": "ok", "effects": ["final"]}, {"code": "given", "record": ["add_phone"]}]),
            "dispositions[1].record",
        ),
        (
            json!([{"code": "stop", "record": ["withdraw_calls"]}]),
            "dispositions[0].effects",
        ),
        (json!([{"code": "ok"}, {"code": "ok"}]), "dispositions"),
        (json!([{"code": "ok", "record": ["vanish"]}]), "vanish"),
    ] {
        let mut s = settings("progressive");
        s["dispositions"] = bad.clone();
        let r = w
            .post("/api/v1/campaigns", &json!({"name": "bad", "settings": s}))
            .await;
        let body = r.json();
        assert!(r.status == 400 || r.status == 422, "{bad}: {body}");
        let message = body["error"]["message"].as_str().unwrap_or_default();
        assert!(message.contains(field), "{bad}: {body}");
    }
    let r = w
        .post(
            "/api/v1/customers",
            &json!({"name": "Eva Nová", "phone": "+420601000001"}),
        )
        .await;
    assert_eq!(r.status, 201, "{:?}", r.json());
    let customer = r.json()["id"].as_i64().unwrap();
    let phones = json!({"phones": [{"number": "+420601000001"}, {"number": "+420601000009"}]});
    let path = format!("/api/v1/customers/{customer}");
    let r = w
        .admin
        .request("PATCH", &path, &[], Some(&phones))
        .await
        .unwrap();
    assert_eq!(r.status, 200, "{:?}", r.json());
    let mut s = settings("progressive");
    s["dispositions"] = json!([
        {"code": "paid", "effects": ["final"]},
        {"code": "left_company", "effects": ["mark_phone_invalid"], "record": ["phone_invalid", "moved"]},
    ]);
    let contacts = json!([{"name": "Eva", "customer_id": customer, "phones": ["+420601000001"]}]);
    let mut rx = started(&mut w, "collections", s, contacts).await;
    let mut ana = ana_signed_in(&w.app).await;
    let d = dial(&mut rx).await;
    let ack = w
        .hub
        .call(Op::DialResult {
            attempt: d.attempt.0,
            outcome: DialOutcome::LiveAnswer,
            ring_ms: 2_000,
        })
        .await
        .unwrap();
    let Ack::Answered(Answered {
        offered: Some((interaction, 0)),
    }) = ack
    else {
        panic!("not offered to ana: {ack:?}");
    };
    w.hub.call(Op::OutboundBridged(d.attempt.0)).await.unwrap();
    // Her desktop offers the campaign's codes, not the queue's.
    let html = String::from_utf8_lossy(&ana.get("/ui/agent/work").await.unwrap().body).to_string();
    assert!(html.contains("value=\"left_company\""), "{html}");
    assert!(!html.contains("value=\"resolved\""), "{html}");
    // She asks for consent on the call and records the answer from the desktop.
    assert!(
        html.contains(&format!("/ui/agent/interactions/{interaction}/consent")),
        "{html}"
    );
    let r = ana
        .form(
            &format!("/ui/agent/interactions/{interaction}/consent"),
            &[],
            "purpose=marketing&granted=true",
        )
        .await
        .unwrap();
    assert_eq!(r.status, 200, "{}", String::from_utf8_lossy(&r.body));
    let ledger = w
        .admin
        .get(&format!("/api/v1/customers/{customer}/consents"))
        .await
        .unwrap()
        .json();
    let e = &ledger["consents"][0];
    assert_eq!(
        (&e["source"], &e["by"], &e["granted"]),
        (&json!("call"), &json!("ana"), &json!(true)),
        "{ledger}"
    );
    assert_eq!(
        e["evidence"],
        format!("interaction {interaction}"),
        "{ledger}"
    );
    let path = format!("/api/v1/interactions/{interaction}");
    let r = w.post(&format!("{path}/complete"), &json!({})).await;
    assert!(r.status < 300, "{:?}", r.json());
    // A default code the campaign does not have is refused, naming its own.
    let r = w
        .post(
            &format!("{path}/disposition"),
            &json!({"code": "wrong_number"}),
        )
        .await;
    assert!(r.status == 400 || r.status == 422, "{:?}", r.json());
    let message = r.json()["error"]["message"].to_string();
    assert!(message.contains("paid, left_company"), "{message}");
    let form = format!("/ui/agent/interactions/{interaction}/disposition");
    let r = ana.form(&form, &[], "code=resolved").await.unwrap();
    assert!(r.status == 400 || r.status == 422, "{:?}", r.status);
    let r = ana.form(&form, &[], "code=left_company").await.unwrap();
    assert!(r.status < 300, "{}", String::from_utf8_lossy(&r.body));
    let rec = w
        .admin
        .get(&format!("/api/v1/customers/{customer}"))
        .await
        .unwrap()
        .json();
    let phones = rec["phones"].as_array().unwrap();
    assert_eq!(phones[0]["valid"], false, "{rec}");
    assert_eq!(phones[0]["last_outcome"], "left_company", "{rec}");
    assert_eq!(phones[1]["valid"], true, "the other number stays: {rec}");
    assert_eq!(rec["tags"], json!(["moved"]), "{rec}");
}

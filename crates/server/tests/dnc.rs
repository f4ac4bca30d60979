//! Do-not-call lists loaded from files through the imports API: a national
//! list blocks its numbers in the dialer's gate, which names the list; a
//! new import replaces it; bad lines are reported; lists come back after a
//! restart (rebuilt from the log).

use std::time::Duration;

use model::outbound::DialOutcome;
use serde_json::{Value, json};
use server::outbound::LineOrder;
use server::tenant::Op;
use tokio::sync::mpsc;

mod common;

use common::client::Client;

const PLAN: &str = "[[queue]]\nname = \"outbound\"\nwrap_up_s = 0\n";

/// Posts a list and waits for its import to end: its final state.
async fn load(c: &mut Client, text: &str, parts: &[(&str, &[u8])]) -> Value {
    let mut all: Vec<(&str, Option<&str>, &[u8])> = vec![
        ("file", Some("robinson.txt"), text.as_bytes()),
        ("kind", None, b"dnc"),
    ];
    all.extend(parts.iter().map(|(k, v)| (*k, None, *v)));
    let r = c.multipart("/api/v1/imports", &[], &all).await.unwrap();
    assert_eq!(r.status, 202, "{:?}", r.json());
    let id = r.json()["id"].as_i64().unwrap();
    for _ in 0..500 {
        let v = c
            .get(&format!("/api/v1/imports/{id}"))
            .await
            .unwrap()
            .json();
        if v["state"] != "running" {
            return v;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    panic!("import {id} did not end");
}

/// The gate's decisions in the tenant's log: (phone, rule, list).
async fn decisions(e: &common::Env) -> Vec<(String, String, Option<String>)> {
    let t = e.store.tenant_by_name("acme").await.unwrap().unwrap();
    let facts = e.store.events_after(&t, 0, 10_000).await.unwrap();
    facts
        .iter()
        .filter(|r| r.fact.kind() == "outbound.gate_decided")
        .map(|r| {
            let v = serde_json::to_value(&r.fact).unwrap()["event"].clone();
            let list = v["list"].as_str().map(String::from);
            (
                v["phone"].as_str().unwrap().to_string(),
                v["rule"].as_str().unwrap().to_string(),
                list,
            )
        })
        .collect()
}

/// Agent ana on team `out`; campaign 1 with these settings and contacts, a
/// line attached (this test's), ana signed in and the campaign started.
async fn started(
    e: &common::Env,
    c: &mut Client,
    settings: Value,
    contacts: Value,
) -> (
    server::tenant::TenantHandle,
    mpsc::UnboundedReceiver<LineOrder>,
) {
    let ana =
        json!({"name": "ana", "skills": [{"name": "outbound", "level": 5}], "teams": ["out"]});
    let r = c.post("/api/v1/agents", &ana).await.unwrap();
    assert_eq!(r.status, 201, "{:?}", r.json());
    let campaign = json!({"name": "ventas", "settings": settings});
    let r = c.post("/api/v1/campaigns", &campaign).await.unwrap();
    assert_eq!(r.status, 201, "{:?}", r.json());
    let body = json!({ "contacts": contacts });
    let r = c.post("/api/v1/campaigns/1/contacts", &body).await.unwrap();
    assert_eq!(r.status, 201, "{:?}", r.json());
    let t = e.store.tenant_by_name("acme").await.unwrap().unwrap();
    let hub = e.state.hub.tenant(&t).await.unwrap();
    let (tx, rx) = mpsc::unbounded_channel();
    hub.attach_line(tx).await.unwrap();
    c.post("/api/v1/agents/0/sign-in", &json!({}))
        .await
        .unwrap();
    let r = c
        .post("/api/v1/campaigns/1/start", &json!({}))
        .await
        .unwrap();
    assert_eq!(r.status, 200, "{:?}", r.json());
    (hub, rx)
}

/// The next call the dialer places.
async fn next_dial(rx: &mut mpsc::UnboundedReceiver<LineOrder>) -> dialer::Dial {
    loop {
        let order = tokio::time::timeout(Duration::from_secs(10), rx.recv())
            .await
            .unwrap()
            .unwrap();
        if let LineOrder::Dial(d) = order {
            return d;
        }
    }
}

#[tokio::test]
async fn a_national_list_blocks_its_numbers_and_the_gate_names_it() {
    let (e, mut c) = common::admin_client("dnc").await;
    let r = c
        .put(
            "/api/v1/settings/tenant",
            &json!({"time_zone": "Europe/Lisbon"}),
        )
        .await
        .unwrap();
    assert!(r.status < 300, "{:?}", r.json());
    let r = c
        .put("/api/v1/routing/plan", &json!({"document": PLAN}))
        .await
        .unwrap();
    assert_eq!(r.status, 204, "{:?}", r.json());
    // Bad requests name the part.
    for (parts, field) in [
        (vec![], "list"),
        (vec![("list", b"Robinson List".as_slice())], "list"),
        (vec![("list", b"internal".as_slice())], "list"),
        (
            vec![
                ("list", b"es_robinson".as_slice()),
                ("country", b"XX".as_slice()),
            ],
            "country",
        ),
    ] {
        let mut all: Vec<(&str, Option<&str>, &[u8])> = vec![
            ("file", Some("l.txt"), b"910000001\n"),
            ("kind", None, b"dnc"),
        ];
        all.extend(parts.iter().map(|(k, v)| (*k, None, *v)));
        let r = c.multipart("/api/v1/imports", &[], &all).await.unwrap();
        assert_eq!(r.status, 422, "{:?}", r.json());
        assert!(r.json().to_string().contains(field), "{:?}", r.json());
    }
    // National numbers are read as Portuguese (the tenant's zone; Portugal has
    // no legal calling window, so the test holds at any hour); a bad line is reported.
    let text = "telefono\n910 000 001\n+351 910 000 003\nnot a number\n910000001\n";
    let v = load(
        &mut c,
        text,
        &[("list", b"es_robinson"), ("national", b"true")],
    )
    .await;
    assert_eq!(v["state"], "done", "{v}");
    assert_eq!(v["kind"], "dnc", "{v}");
    assert_eq!(
        (
            v["created"].as_i64(),
            v["rejected"].as_i64(),
            v["duplicates"].as_i64()
        ),
        (Some(2), Some(1), Some(1)),
        "{v}"
    );
    let report = String::from_utf8(
        c.get(&format!("/api/v1/imports/{}/rejects", v["id"]))
            .await
            .unwrap()
            .body
            .to_vec(),
    )
    .unwrap();
    assert!(
        report.contains("4,,\"\"\"not a number\"\" is not a phone number\""),
        "{report}"
    );
    let lists = c.get("/api/v1/dnc-lists").await.unwrap().json();
    assert_eq!(
        lists["lists"],
        json!([{"name": "es_robinson", "national": true, "numbers": 2}]),
        "{lists}"
    );
    // A campaign with two contacts: the listed one is not dialled, the gate says why.
    let settings = json!({"queue": "outbound", "team": "out", "caller_id": "+351210000000", "country_code": 351, "windows": {"PT": "00:00-24:00"}});
    let contacts = json!([{"name": "Listed", "phones": ["910000001"]}, {"name": "Free", "phones": ["910000002"]}]);
    let (hub, mut rx) = started(&e, &mut c, settings, contacts).await;
    let dialled = next_dial(&mut rx).await;
    assert_eq!(dialled.phone.as_str(), "+351910000002");
    let d = decisions(&e).await;
    assert!(
        d.contains(&(
            "+351910000001".into(),
            "do_not_call_national".into(),
            Some("es_robinson".into())
        )),
        "{d:?}"
    );
    hub.call(Op::DialResult {
        attempt: dialled.attempt.0,
        outcome: DialOutcome::Busy,
        ring_ms: 1_000,
    })
    .await
    .unwrap();
    // A new import replaces the list whole.
    let v = load(
        &mut c,
        "+351910000009\n",
        &[("list", b"es_robinson"), ("national", b"true")],
    )
    .await;
    assert_eq!(v["created"], 1, "{v}");
    let lists = c.get("/api/v1/dnc-lists").await.unwrap().json();
    assert_eq!(lists["lists"][0]["numbers"], 1, "{lists}");
    // A file without any number changes nothing and says so.
    let v = load(
        &mut c,
        "# nothing\n",
        &[("list", b"es_robinson"), ("national", b"true")],
    )
    .await;
    assert_eq!(v["state"], "failed", "{v}");
    assert_eq!(
        c.get("/api/v1/dnc-lists").await.unwrap().json()["lists"][0]["numbers"],
        1
    );
}

#[tokio::test]
async fn a_named_list_survives_a_restart() {
    let (e, mut c) = common::admin_client("dnc-restart").await;
    let v = load(
        &mut c,
        "+420601000001\n+420601000002\n",
        &[("list", b"complaints")],
    )
    .await;
    assert_eq!(v["state"], "done", "{v}");
    let t = e.store.tenant_by_name("acme").await.unwrap().unwrap();
    let h2 = server::tenant::spawn(e.store.clone(), t, None)
        .await
        .unwrap();
    let lists = match h2.call(Op::DoNotCallLists).await.unwrap() {
        server::tenant::Ack::Lists(l) => l,
        other => panic!("{other:?}"),
    };
    assert_eq!(lists, [("complaints".to_string(), false, 2)]);
}

#[tokio::test]
async fn the_consent_ledger_feeds_the_gate_and_a_withdrawal_stops_the_next_attempt() {
    let (e, mut c) = common::admin_client("consents").await;
    let r = c
        .put("/api/v1/routing/plan", &json!({"document": PLAN}))
        .await
        .unwrap();
    assert_eq!(r.status, 204, "{:?}", r.json());
    let mut ids = Vec::new();
    for (name, phone) in [
        ("Ana", "+351910000011"),
        ("Bea", "+351910000012"),
        ("Cris", "+351910000013"),
    ] {
        let r = c
            .post("/api/v1/customers", &json!({"name": name, "phone": phone}))
            .await
            .unwrap();
        assert_eq!(r.status, 201, "{:?}", r.json());
        ids.push(r.json()["id"].as_i64().unwrap());
    }
    let consent = |granted: bool, at: Option<&str>| {
        let mut v = json!({"purpose": "marketing", "channel": "voice", "granted": granted, "source": "web_form", "evidence": "form 7"});
        if let Some(at) = at {
            v["at"] = json!(at);
        }
        v
    };
    // Bad entries name their part.
    let r = c.post(&format!("/api/v1/customers/{}/consents", ids[0]), &json!({"purpose": "Marketing Calls", "channel": "voice", "granted": true, "source": "x"})).await.unwrap();
    assert_eq!(r.status, 422, "{:?}", r.json());
    assert!(r.json().to_string().contains("purpose"), "{:?}", r.json());
    let r = c
        .post(
            &format!("/api/v1/customers/{}/consents", ids[0]),
            &consent(true, Some("2999-01-01T00:00:00Z")),
        )
        .await
        .unwrap();
    assert_eq!(r.status, 422, "{:?}", r.json());
    let r = c
        .post("/api/v1/customers/999/consents", &consent(true, None))
        .await
        .unwrap();
    assert_eq!(r.status, 404, "{:?}", r.json());
    // Ana and Bea consent (Bea then withdraws it by e-mail: any channel); Cris never did.
    for (i, body) in [
        (0, consent(true, Some("2026-01-05T10:00:00Z"))),
        (1, consent(true, None)),
    ] {
        let r = c
            .post(&format!("/api/v1/customers/{}/consents", ids[i]), &body)
            .await
            .unwrap();
        assert_eq!(r.status, 201, "{:?}", r.json());
    }
    let withdraw =
        json!({"purpose": "marketing", "channel": "any", "granted": false, "source": "email"});
    let r = c
        .post(&format!("/api/v1/customers/{}/consents", ids[1]), &withdraw)
        .await
        .unwrap();
    assert_eq!(r.status, 201, "{:?}", r.json());
    let ledger = c
        .get(&format!("/api/v1/customers/{}/consents", ids[1]))
        .await
        .unwrap()
        .json();
    assert_eq!(ledger["consents"][0]["granted"], false, "{ledger}");
    assert_eq!(ledger["consents"][1]["evidence"], "form 7", "{ledger}");
    assert_eq!(ledger["in_force"]["marketing"]["voice"], false, "{ledger}");
    // A campaign that needs consent for marketing calls.
    let settings = json!({"queue": "outbound", "team": "out", "caller_id": "+351210000000", "country_code": 351, "consent_purpose": "marketing", "windows": {"PT": "00:00-24:00"}});
    let contacts: Vec<Value> = ids
        .iter()
        .zip(["+351910000011", "+351910000012", "+351910000013"])
        .map(|(id, p)| json!({"customer_id": id, "phones": [p]}))
        .collect();
    let (hub, mut rx) = started(&e, &mut c, settings, json!(contacts)).await;
    let t = e.store.tenant_by_name("acme").await.unwrap().unwrap();
    let first = next_dial(&mut rx).await;
    assert_eq!(
        first.phone.as_str(),
        "+351910000011",
        "only Ana may be called"
    );
    // Ana is busy: the dialer goes on to Bea and Cris, and the gate refuses both.
    hub.call(Op::DialResult {
        attempt: first.attempt.0,
        outcome: DialOutcome::Busy,
        ring_ms: 1_000,
    })
    .await
    .unwrap();
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert!(rx.try_recv().is_err(), "Bea or Cris was dialled");
    let d = decisions(&e).await;
    assert!(
        d.contains(&("+351910000012".into(), "consent_withdrawn".into(), None)),
        "{d:?}"
    );
    assert!(
        d.contains(&("+351910000013".into(), "consent_missing".into(), None)),
        "{d:?}"
    );
    // Before her retry Ana withdraws every consent by calling in: her number
    // goes on the internal list at once (the gate checks it first).
    let r = c.post(&format!("/api/v1/customers/{}/consents", ids[0]), &json!({"purpose": "all", "channel": "voice", "granted": false, "source": "inbound_call"})).await.unwrap();
    assert_eq!(r.status, 201, "{:?}", r.json());
    let facts = e.store.events_after(&t, 0, 10_000).await.unwrap();
    let opted = facts.iter().any(|r| {
        let v = serde_json::to_value(&r.fact).unwrap();
        r.fact.kind() == "outbound.do_not_call_added" && v["event"]["phone"] == "+351910000011"
    });
    assert!(opted, "Ana's number is not on the internal list");
    let ledger = c
        .get(&format!("/api/v1/customers/{}/consents", ids[0]))
        .await
        .unwrap()
        .json();
    assert_eq!(ledger["in_force"]["marketing"]["voice"], false, "{ledger}");
    assert_eq!(ledger["consents"][0]["purpose"], "all", "{ledger}");
}

#[tokio::test]
async fn an_erased_person_who_opted_out_stays_out_when_their_number_comes_back() {
    let (e, mut c) = common::admin_client("erase-dnc").await;
    let r = c
        .put("/api/v1/routing/plan", &json!({"document": PLAN}))
        .await
        .unwrap();
    assert_eq!(r.status, 204, "{:?}", r.json());
    let r = c
        .post(
            "/api/v1/customers",
            &json!({"name": "Olga Optout", "phone": "+351910000021"}),
        )
        .await
        .unwrap();
    let olga = r.json()["id"].as_i64().unwrap();
    // Olga asks not to be called (a withdrawal of everything on voice).
    let stop = json!({"purpose": "all", "channel": "voice", "granted": false, "source": "call"});
    let r = c
        .post(&format!("/api/v1/customers/{olga}/consents"), &stop)
        .await
        .unwrap();
    assert_eq!(r.status, 201, "{:?}", r.json());
    let settings = json!({"queue": "outbound", "team": "out", "caller_id": "+351210000000", "country_code": 351, "windows": {"PT": "00:00-24:00"}});
    let contacts = json!([
        {"name": "Olga Optout", "customer_id": olga, "phones": ["+351910000021"]},
        {"name": "Free", "phones": ["+351910000022"]},
    ]);
    let (hub, mut rx) = started(&e, &mut c, settings, contacts).await;
    let dialled = next_dial(&mut rx).await;
    assert_eq!(dialled.phone.as_str(), "+351910000022");
    hub.call(Op::DialResult {
        attempt: dialled.attempt.0,
        outcome: DialOutcome::Busy,
        ring_ms: 1_000,
    })
    .await
    .unwrap();
    let r = c
        .post(&format!("/api/v1/customers/{olga}/erase"), &json!({}))
        .await
        .unwrap();
    assert_eq!(r.status, 200, "{:?}", r.json());
    // The log no longer has her number: what the gate decided about it is
    // under the placeholder.
    let d = decisions(&e).await;
    assert!(d.iter().all(|(p, _, _)| p != "+351910000021"), "{d:?}");
    assert!(
        d.iter()
            .any(|(p, rule, _)| p.starts_with("+999") && rule.starts_with("do_not_call")),
        "{d:?}"
    );
    // The client company loads her number again: the gate still refuses it.
    let again = json!({"contacts": [{"name": "Someone", "phones": ["910000021"]}]});
    let r = c
        .post("/api/v1/campaigns/1/contacts", &again)
        .await
        .unwrap();
    assert_eq!(r.status, 201, "{:?}", r.json());
    for _ in 0..200 {
        if decisions(&e)
            .await
            .iter()
            .any(|(p, _, _)| p == "+351910000021")
        {
            break;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    let d = decisions(&e).await;
    assert!(
        d.contains(&(
            "+351910000021".into(),
            "do_not_call_internal".into(),
            Some("internal".into())
        )),
        "{d:?}"
    );
}

//! Collections end to end, as a client company and its collectors live
//! it: a client's debts imported from a file; the two debtors call and
//! each promises to pay on the call (disposition `promise`); the bank's
//! camt.053 statement keeps the first promise (the whole balance) and
//! misses the second (less than promised); days pass. The first case is
//! `paid`, the second `promise_broken`, with a task routed to the agent
//! (then delegated by a supervisor to another) and a payment reminder
//! produced as a PDF with the debtor's name.
//!
//! Days pass on tokio's clock: the test runs on one thread, whose server
//! clock follows tokio's (`clock::follow_tokio`); tokio's time is paused,
//! moved on twelve days and resumed, with nothing in flight, so the store's
//! pool keeps working on real time afterwards.

use std::time::Duration;

use serde_json::{Value, json};
use server::auth::{self, Role};

mod common;

use common::client::Client;
use common::{camt053, import_file, role_client};

const PLAN: &str = "default_queue = \"collections\"\n[[queue]]\nname = \"collections\"\n";

const DEBTS: &str = "case_ref,debtor_name,phone,principal,fees,currency,due_date,creditor\n\
K-100,Jan Novák,+420601000201,1000.00,50.00,CZK,2026-01-31,Telco a.s.\n\
K-200,Eva Malá,+420601000202,2000.00,0.00,CZK,2026-02-28,Telco a.s.\n";

async fn case_by_ref(c: &mut Client, reference: &str) -> Value {
    let r = c
        .get(&format!("/api/v1/cases?q={reference}"))
        .await
        .unwrap();
    let id = r.json()["cases"][0]["id"]
        .as_i64()
        .unwrap_or_else(|| panic!("{:?}", r.json()));
    c.get(&format!("/api/v1/cases/{id}")).await.unwrap().json()
}

/// The debtor calls from their phone; ana takes the call and notes the
/// promise.
async fn call_with_promise(
    admin: &mut Client,
    ana: &mut Client,
    phone: &str,
    amount: &str,
    date: &str,
) {
    let r = admin
        .post(
            "/api/v1/interactions",
            &json!({"channel": "voice", "attributes": {"caller_number": phone}}),
        )
        .await
        .unwrap();
    assert_eq!(r.status, 201, "{:?}", r.json());
    let call = r.json()["id"].as_i64().unwrap();
    for step in ["accept", "complete"] {
        let r = ana
            .post(&format!("/api/v1/interactions/{call}/{step}"), &json!({}))
            .await
            .unwrap();
        assert_eq!(r.status, 200, "{step}: {:?}", r.json());
    }
    let d = json!({"code": "promise", "promise_amount": amount, "promise_date": date});
    let r = ana
        .post(&format!("/api/v1/interactions/{call}/disposition"), &d)
        .await
        .unwrap();
    assert_eq!(r.status, 200, "{:?}", r.json());
}

/// The text of a PDF by Debian's `pdftotext` (poppler-utils; required
/// under CI).
fn text_of(pdf: &[u8]) -> Option<String> {
    let path = std::env::temp_dir().join(format!("e2e-letter-{}.pdf", std::process::id()));
    std::fs::write(&path, pdf).unwrap();
    match std::process::Command::new("pdftotext")
        .arg(&path)
        .arg("-")
        .output()
    {
        Ok(o) => Some(String::from_utf8_lossy(&o.stdout).to_string()),
        Err(e) => {
            assert!(std::env::var_os("CI").is_none(), "pdftotext is needed: {e}");
            eprintln!("NOTICE: pdftotext missing, the letter's text is not checked");
            None
        }
    }
}

#[tokio::test]
async fn debts_imported_promised_on_calls_and_a_statement_keep_one_promise_and_miss_another() {
    let started = chrono::DateTime::from_timestamp_millis(server::clock::now_ms()).unwrap();
    let _clock = server::clock::follow_tokio(started.timestamp_millis());
    let (e, mut admin) = common::admin_client("collections-e2e").await;
    let t = e.store.tenant_by_name("acme").await.unwrap().unwrap();
    let mut sup = role_client(&e, Role::Supervisor).await;
    let r = admin
        .put("/api/v1/routing/plan", &json!({"document": PLAN}))
        .await
        .unwrap();
    assert_eq!(r.status, 204, "{:?}", r.json());
    let hash = auth::hash_password("ana's long password").unwrap();
    e.store
        .create_user(&t, "ana", &hash, "agent", 1)
        .await
        .unwrap();
    let ana_def =
        json!({"name": "ana", "username": "ana", "skills": [{"name": "collections", "level": 5}]});
    let r = admin.post("/api/v1/agents", &ana_def).await.unwrap();
    assert_eq!(r.status, 201, "{:?}", r.json());
    let ana_id = r.json()["id"].as_i64().unwrap();

    // 1. The client's debts.
    let v = import_file(
        &mut sup,
        "debts.csv",
        DEBTS.as_bytes(),
        &[("kind", b"debts")],
    )
    .await;
    assert_eq!(
        (v["state"].as_str(), v["created"].as_i64()),
        (Some("done"), Some(2)),
        "{v}"
    );

    // 2. Both debtors call; each promises on the call.
    let mut ana = common::api_session(&e.app, None, "ana", "ana's long password").await;
    let r = ana
        .post(&format!("/api/v1/agents/{ana_id}/sign-in"), &json!({}))
        .await
        .unwrap();
    assert_eq!(r.status, 204, "{:?}", r.json());
    let today = started.date_naive();
    let in_a_week = (today + chrono::Days::new(7)).to_string();
    let jan = case_by_ref(&mut sup, "K-100").await;
    let owed = jan["balance"].as_str().unwrap().to_string();
    call_with_promise(&mut admin, &mut ana, "+420601000201", &owed, &in_a_week).await;
    call_with_promise(&mut admin, &mut ana, "+420601000202", "800.00", &in_a_week).await;
    for r in ["K-100", "K-200"] {
        let c = case_by_ref(&mut sup, r).await;
        assert_eq!(c["state"], "promised", "{c}");
        assert_eq!(c["promises"][0]["state"], "pending", "{c}");
    }

    // 3. The bank's statement: Jan pays it all, Eva less than she promised.
    let xml = camt053(
        "E2E-1",
        &[
            (
                &owed,
                "CZK",
                &today.to_string(),
                "K-100",
                "K-100",
                "Jan Novák",
            ),
            (
                "300.00",
                "CZK",
                &today.to_string(),
                "NOTPROVIDED",
                "splátka K-200",
                "Eva Malá",
            ),
        ],
    );
    let v = import_file(
        &mut sup,
        "camt053.xml",
        xml.as_bytes(),
        &[("kind", b"payments")],
    )
    .await;
    assert_eq!(
        (v["state"].as_str(), v["created"].as_i64()),
        (Some("done"), Some(2)),
        "{v}"
    );
    let jan = case_by_ref(&mut sup, "K-100").await;
    assert_eq!(jan["state"], "paid", "{jan}");
    assert_eq!(jan["balance"], "0.00");
    assert_eq!(jan["promises"][0]["state"], "kept", "{jan}");
    assert_eq!(case_by_ref(&mut sup, "K-200").await["state"], "promised");

    // 4. Twelve days pass: the promise's date and its grace.
    tokio::time::pause();
    tokio::time::advance(Duration::from_secs(12 * 86_400)).await;
    tokio::time::resume();
    tokio::time::sleep(Duration::from_millis(50)).await;

    let eva = case_by_ref(&mut sup, "K-200").await;
    assert_eq!(eva["state"], "promise_broken", "{eva}");
    assert_eq!(eva["promises"][0]["state"], "broken", "{eva}");
    assert_eq!(case_by_ref(&mut sup, "K-100").await["state"], "paid");
    // A task for the broken promise, routed to ana.
    let open = e.store.open_interactions(&t).await.unwrap();
    let task = open
        .iter()
        .find(|i| i.channel == model::Channel::Task)
        .unwrap_or_else(|| panic!("a task: {open:?}"));
    let facts = e.store.interaction_facts(&t, task.id).await.unwrap();
    let offered = facts.iter().any(|r| {
        matches!(&r.fact, model::fact::Fact::Routing { event } if matches!(&event.kind,
            model::event::EventKind::Offered { agent, .. } if agent.0 as i64 == ana_id))
    });
    assert!(offered, "the task was offered to ana: {facts:?}");
    // Its administrator (a supervisor: the case has no owner) delegates it
    // to ben once ana holds it; an agent may not, nor anyone through
    // another case.
    let r = admin
        .post(
            "/api/v1/agents",
            &json!({"name": "ben", "skills": [{"name": "collections", "level": 5}]}),
        )
        .await
        .unwrap();
    let ben = r.json()["id"].as_i64().unwrap();
    let hub = e.state.hub.tenant(&t).await.unwrap();
    hub.call(server::tenant::Op::SignIn(ben, None))
        .await
        .unwrap();
    hub.call(server::tenant::Op::Accept(task.id, ana_id))
        .await
        .unwrap();
    let path = format!("/api/v1/cases/{}/tasks/{}/delegate", eva["id"], task.id);
    let mut agent = role_client(&e, Role::Agent).await;
    // (an agent who never worked the debtor does not even see the case)
    assert_eq!(
        agent
            .post(&path, &json!({"agent_id": ben}))
            .await
            .unwrap()
            .status,
        404
    );
    let jan_id = case_by_ref(&mut sup, "K-100").await["id"].clone();
    let other = format!("/api/v1/cases/{jan_id}/tasks/{}/delegate", task.id);
    assert_eq!(
        sup.post(&other, &json!({"agent_id": ben}))
            .await
            .unwrap()
            .status,
        404
    );
    let r = sup.post(&path, &json!({"agent_id": ben})).await.unwrap();
    assert_eq!(r.status, 200, "{:?}", r.json());
    let facts = e.store.interaction_facts(&t, task.id).await.unwrap();
    let to_ben = facts.iter().any(|r| {
        matches!(&r.fact, model::fact::Fact::Routing { event } if matches!(&event.kind,
            model::event::EventKind::Offered { agent, .. } if agent.0 as i64 == ben))
    });
    assert!(to_ben, "the task was offered to ben: {facts:?}");
    // The payment reminder, produced as a PDF.
    let r = sup
        .get(&format!("/api/v1/cases/{}/letters", eva["id"]))
        .await
        .unwrap();
    let letters = r.json()["letters"].as_array().unwrap().clone();
    let reminder = letters
        .iter()
        .find(|l| l["template"] == "payment_reminder")
        .unwrap_or_else(|| panic!("a reminder: {letters:?}"));
    let r = sup
        .get(&format!(
            "/api/v1/cases/{}/letters/{}",
            eva["id"], reminder["seq"]
        ))
        .await
        .unwrap();
    assert_eq!(r.status, 200, "{:?}", r.json());
    assert!(r.body.starts_with(b"%PDF-"), "a PDF");
    if let Some(text) = text_of(&r.body) {
        assert!(text.contains("Eva Malá"), "{text}");
        assert!(text.contains("K-200"), "{text}");
    }
}

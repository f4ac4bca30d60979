//! Cases through the API, end to end: the shipped `collections` type seen
//! and loaded, a bad type refused naming its line and field, a case with
//! two debts created for a new debtor, found by reference, name and phone,
//! a move refused to a role the type does not allow, flags, a promise, a
//! payment of the whole balance that makes it `paid`, and its history
//! listing each change with its cause; a task rebuilt from the log holds
//! the same case. Bad bodies are refused naming the field, and change
//! nothing. Agents see only their own work's cases, and a promise taken on
//! a debtor's call moves their case.
//!
//! Time passing past a promise's date and grace is tested on a tenant task
//! whose clock follows tokio's paused one (no HTTP: the API's reads need the
//! store, whose pool has timers of its own): the task wakes for the case
//! engine's timers at their instants, and what they order comes in one batch.

use serde_json::{Value, json};
use server::auth::{self, Role};

mod common;

use common::client::Client;

const PLAN: &str = r#"
default_queue = "collections"
[[queue]]
name = "collections"
"#;

/// Today in UTC (the tenant has no settings), and a week on.
fn dates() -> (String, String) {
    let now = server::clock::now_ms();
    let d = chrono::DateTime::from_timestamp_millis(now)
        .unwrap()
        .date_naive();
    (d.to_string(), (d + chrono::Days::new(7)).to_string())
}

fn kinds(history: &Value) -> Vec<String> {
    history
        .as_array()
        .unwrap()
        .iter()
        .map(|h| {
            let c = &h["change"];
            c["kind"]
                .as_str()
                .or(c["action"]["action"].as_str())
                .unwrap_or("?")
                .to_string()
        })
        .collect()
}

#[tokio::test]
async fn a_case_goes_from_creation_to_paid_through_the_api() {
    let (e, mut admin) = common::admin_client("cases").await;
    let mut sup = common::role_client(&e, Role::Supervisor).await;
    let r = admin
        .put("/api/v1/routing/plan", &json!({"document": PLAN}))
        .await
        .unwrap();
    assert_eq!(r.status, 204, "{:?}", r.json());

    // The shipped type is there before anything is loaded.
    let r = sup.get("/api/v1/case-types").await.unwrap();
    assert_eq!(r.status, 200, "{:?}", r.json());
    assert_eq!(
        r.json()["types"],
        json!([{"name": "collections", "version": 0, "shipped": true}])
    );
    // A bad document names its line and field; a supervisor may not load types.
    let bad = "[[states]]\nname = \"a\"\ninitial = true\n[[states]]\nname = \"b\"\nfinal = true\n[[transitions]]\nfrom = [\"a\"]\nto = \"nowhere\"\nroles = [\"agent\"]\n";
    let r = admin
        .put("/api/v1/case-types/mine", &json!({"document": bad}))
        .await
        .unwrap();
    assert_eq!(r.status, 422, "{:?}", r.json());
    assert_eq!(r.error_code().as_deref(), Some("invalid_field"));
    let msg = r.json()["error"]["message"].as_str().unwrap().to_string();
    assert!(
        msg.contains("line 9") && msg.contains("transitions[0].to"),
        "{msg}"
    );
    let r = admin
        .put(
            "/api/v1/case-types/Bad-Name",
            &json!({"document": workflow::COLLECTIONS}),
        )
        .await
        .unwrap();
    assert_eq!(r.status, 422, "{:?}", r.json());
    let r = sup
        .put(
            "/api/v1/case-types/collections",
            &json!({"document": workflow::COLLECTIONS}),
        )
        .await
        .unwrap();
    assert_eq!(r.status, 403, "{:?}", r.json());
    let r = admin
        .put(
            "/api/v1/case-types/collections",
            &json!({"document": workflow::COLLECTIONS}),
        )
        .await
        .unwrap();
    assert_eq!(r.status, 200, "{:?}", r.json());
    assert_eq!(r.json()["version"], 1);

    // Bad bodies name the field and make nothing.
    let (today, next_week) = dates();
    let debt = |principal: &str, due: &str| json!({"principal": principal, "fees": "10", "currency": "EUR", "due_date": due, "creditor": "Acme Telecom"});
    let good = json!({
        "type": "collections",
        "reference": "C-100",
        "debtor": {"name": "Jana Nováková", "phone": "+420601234567"},
        "fields": {"segment": "retail"},
        "debts": [debt("100", "2026-01-10"), debt("50.50", "2026-02-10")],
    });
    for (patch, field) in [
        (
            json!({"debts": [debt("12,50", "2026-01-10")]}),
            "debts[0].principal",
        ),
        (
            json!({"debts": [debt("12.50", "10/01/2026")]}),
            "debts[0].due_date",
        ),
        (json!({"debtor": null}), "debtor"),
        (json!({"type": "nope"}), "type"),
        (json!({"fields": {"segment": "galactic"}}), "segment"),
        (
            json!({"debtor": {"name": "Jana", "phone": "call me"}}),
            "debtor.phone",
        ),
    ] {
        let mut body = good.clone();
        for (k, v) in patch.as_object().unwrap() {
            body[k] = v.clone();
        }
        let r = sup.post("/api/v1/cases", &body).await.unwrap();
        assert_eq!(r.status, 422, "{field}: {:?}", r.json());
        let msg = r.json()["error"]["message"].as_str().unwrap().to_string();
        assert!(msg.contains(field), "{field}: {msg}");
    }
    let r = sup.get("/api/v1/cases").await.unwrap();
    assert_eq!(r.json()["cases"], json!([]));

    // The case: its debtor becomes a customer, the type moves it on.
    let r = sup.post("/api/v1/cases", &good).await.unwrap();
    assert_eq!(r.status, 201, "{:?}", r.json());
    let id = r.json()["id"].as_i64().unwrap();
    let r = sup.post("/api/v1/cases", &good).await.unwrap();
    assert_eq!(r.status, 409, "the reference is taken: {:?}", r.json());
    for q in ["C-1", "nov%C3%A1kov", "%2B420601234567"] {
        let r = sup.get(&format!("/api/v1/cases?q={q}")).await.unwrap();
        assert_eq!(r.status, 200, "{q}: {:?}", r.json());
        let ids: Vec<i64> = r.json()["cases"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["id"].as_i64().unwrap())
            .collect();
        assert_eq!(ids, vec![id], "{q}");
    }
    let r = sup.get("/api/v1/cases?state=new").await.unwrap();
    assert_eq!(r.json()["cases"], json!([]));
    let r = sup.get(&format!("/api/v1/cases/{id}")).await.unwrap();
    let case = r.json();
    assert_eq!(case["state"], "contacting");
    assert_eq!(case["balance"], "170.50");
    assert_eq!(case["currency"], "EUR");
    assert_eq!(case["debts"].as_array().unwrap().len(), 2);
    assert_eq!(case["fields"]["segment"], "retail");
    assert!(case["customer_id"].as_i64().is_some());

    // A move the type does not allow the role is refused, clearly.
    let r = sup
        .post(
            &format!("/api/v1/cases/{id}/transition"),
            &json!({"to": "paid"}),
        )
        .await
        .unwrap();
    assert_eq!(r.status, 403, "{:?}", r.json());
    let msg = r.json()["error"]["message"].as_str().unwrap().to_string();
    assert!(msg.contains("for the role supervisor"), "{msg}");
    let r = sup
        .post(
            &format!("/api/v1/cases/{id}/transition"),
            &json!({"to": "limbo"}),
        )
        .await
        .unwrap();
    assert_eq!(r.status, 422, "{:?}", r.json());
    assert!(
        r.json()["error"]["message"]
            .as_str()
            .unwrap()
            .starts_with("to:")
    );
    let r = sup
        .post(
            &format!("/api/v1/cases/{id}/transition"),
            &json!({"to": "disputed", "note": "says it was paid"}),
        )
        .await
        .unwrap();
    assert_eq!(r.status, 200, "{:?}", r.json());
    assert_eq!(r.json()["state"], "disputed");
    let r = sup
        .post(
            &format!("/api/v1/cases/{id}/transition"),
            &json!({"to": "contacting"}),
        )
        .await
        .unwrap();
    assert_eq!(r.json()["state"], "contacting");

    // Flags.
    let r = sup
        .post(
            &format!("/api/v1/cases/{id}/flags"),
            &json!({"set": ["nope"]}),
        )
        .await
        .unwrap();
    assert_eq!(r.status, 422, "{:?}", r.json());
    let r = sup
        .post(
            &format!("/api/v1/cases/{id}/flags"),
            &json!({"set": ["vip", "hardship"]}),
        )
        .await
        .unwrap();
    assert_eq!(r.status, 200, "{:?}", r.json());
    assert_eq!(r.json()["flags"], json!(["vip", "hardship"]));
    let r = sup
        .post(
            &format!("/api/v1/cases/{id}/flags"),
            &json!({"clear": ["hardship"]}),
        )
        .await
        .unwrap();
    assert_eq!(r.json()["flags"], json!(["vip"]));
    let r = sup.get("/api/v1/cases?flag=vip").await.unwrap();
    assert_eq!(r.json()["cases"].as_array().unwrap().len(), 1);

    // A promise.
    let r = sup
        .post(
            &format!("/api/v1/cases/{id}/promises"),
            &json!({"amount": "50", "due_date": "2020-01-01"}),
        )
        .await
        .unwrap();
    assert_eq!(r.status, 422, "{:?}", r.json());
    let r = sup
        .post(
            &format!("/api/v1/cases/{id}/promises"),
            &json!({"amount": "50", "due_date": next_week}),
        )
        .await
        .unwrap();
    assert_eq!(r.status, 200, "{:?}", r.json());
    assert_eq!(r.json()["state"], "promised");
    assert_eq!(r.json()["promises"][0]["state"], "pending");

    // A payment of the whole balance.
    let pay = |amount: &str, currency: &str| json!({"amount": amount, "currency": currency, "date": today, "reference": "bank-1"});
    let r = sup
        .post(
            &format!("/api/v1/cases/{id}/payments"),
            &pay("170.50", "CZK"),
        )
        .await
        .unwrap();
    assert_eq!(r.status, 422, "{:?}", r.json());
    assert!(
        r.json()["error"]["message"]
            .as_str()
            .unwrap()
            .starts_with("currency:")
    );
    let r = sup
        .post(
            &format!("/api/v1/cases/{id}/payments"),
            &pay("170.50", "EUR"),
        )
        .await
        .unwrap();
    assert_eq!(r.status, 200, "{:?}", r.json());
    let case = r.json();
    assert_eq!(case["state"], "paid");
    assert_eq!(case["balance"], "0.00");
    assert_eq!(case["payments"][0]["id"], "p1");
    assert_eq!(case["promises"][0]["state"], "kept");

    // The history: each change with its cause.
    let history = &case["history"];
    let k = kinds(history);
    for kind in [
        "created",
        "debt_added",
        "state_changed",
        "action_ordered",
        "start_contact",
        "flag_set",
        "flag_cleared",
        "promise_made",
        "payment_received",
        "promise_kept",
    ] {
        assert!(k.iter().any(|x| x == kind), "{kind} not in {k:?}");
    }
    let by = |kind: &str, cause: &str| {
        history
            .as_array()
            .unwrap()
            .iter()
            .any(|h| h["change"]["kind"] == kind && h["cause"]["by"] == cause)
    };
    assert!(by("created", "user"));
    assert!(by("flag_set", "user"));
    assert!(
        by("state_changed", "trigger"),
        "moves by the type's triggers say so"
    );
    let noted = history.as_array().unwrap().iter().any(|h| {
        h["change"]["kind"] == "state_changed"
            && h["change"]["note"] == "says it was paid"
            && h["cause"]["role"] == "supervisor"
    });
    assert!(noted, "{history:#}");
    // No campaign `collections` here: the contact was refused, and says why.
    let refused = history.as_array().unwrap().iter().any(|h| {
        h["kind"] == "case_action"
            && h["change"]["outcome"]["outcome"] == "refused"
            && h["change"]["outcome"]["reason"]
                .as_str()
                .is_some_and(|r| r.contains("no campaign named \"collections\""))
    });
    assert!(refused, "{history:#}");

    // A new task rebuilt from the log holds the same case.
    let t = e.store.tenant_by_name("acme").await.unwrap().unwrap();
    let h2 = server::tenant::spawn(e.store.clone(), t.clone(), None)
        .await
        .unwrap();
    let q = center::cases::CaseQuery {
        id: Some(id as u64),
        ..Default::default()
    };
    let op = server::tenant::Op::Case(Box::new(center::cases::CaseCommand::Query(q)));
    let Ok(server::tenant::Ack::Cases(again)) = h2.call(op).await else {
        panic!("the rebuilt task answers the case")
    };
    assert_eq!(again[0].state, "paid");
    assert_eq!(again[0].flags, vec!["vip".to_string()]);
    assert_eq!(again[0].payments[0].amount, "170.50");
    assert_eq!(again[0].promises[0].state, workflow::PromiseState::Kept);

    // The history's index of the log is a projection like the others.
    let live = e.store.projection_snapshot(&t).await.unwrap();
    e.store.rebuild(&t).await.unwrap();
    assert_eq!(e.store.projection_snapshot(&t).await.unwrap(), live);

    // An agent sees only their own work's cases.
    agent_ana(&e, &t, &mut admin).await;
    let mut ana = common::api_session(&e.app, None, "ana", "ana's long password").await;
    let r = ana.get("/api/v1/cases").await.unwrap();
    assert_eq!(r.status, 200, "{:?}", r.json());
    assert_eq!(r.json()["cases"], json!([]));
    let r = ana.get(&format!("/api/v1/cases/{id}")).await.unwrap();
    assert_eq!(r.status, 404, "{:?}", r.json());
    let r = ana.get("/api/v1/case-types").await.unwrap();
    assert_eq!(r.status, 200, "{:?}", r.json());
}

/// Agent 0, "ana", a user with the collections skill.
async fn agent_ana(e: &common::Env, t: &store::Tenant, admin: &mut Client) {
    e.store
        .create_user(
            t,
            "ana",
            &auth::hash_password("ana's long password").unwrap(),
            "agent",
            1,
        )
        .await
        .unwrap();
    let r = admin
        .post(
            "/api/v1/agents",
            &json!({"name": "ana", "username": "ana", "skills": [{"name": "collections", "level": 5}]}),
        )
        .await
        .unwrap();
    assert_eq!(r.status, 201, "{:?}", r.json());
}

#[tokio::test]
async fn an_agents_call_with_a_promise_moves_the_callers_case() {
    let (e, mut admin) = common::admin_client("cases-call").await;
    let mut sup = common::role_client(&e, Role::Supervisor).await;
    let r = admin
        .put("/api/v1/routing/plan", &json!({"document": PLAN}))
        .await
        .unwrap();
    assert_eq!(r.status, 204, "{:?}", r.json());
    let t = e.store.tenant_by_name("acme").await.unwrap().unwrap();
    agent_ana(&e, &t, &mut admin).await;
    // The shipped type, loaded by the first case that needs it.
    let r = sup
        .post(
            "/api/v1/cases",
            &json!({
                "type": "collections",
                "reference": "C-7",
                "debtor": {"name": "Petr Svoboda", "phone": "+420601234568"},
                "debts": [{"principal": "80", "currency": "CZK", "due_date": "2026-01-31", "creditor": "Acme"}],
            }),
        )
        .await
        .unwrap();
    assert_eq!(r.status, 201, "{:?}", r.json());
    let case = r.json()["id"].as_i64().unwrap();
    let r = sup.get("/api/v1/case-types").await.unwrap();
    assert_eq!(
        r.json()["types"],
        json!([{"name": "collections", "version": 1, "shipped": true}])
    );

    // The debtor calls; ana takes the call.
    let mut ana = common::api_session(&e.app, None, "ana", "ana's long password").await;
    let r = ana
        .post("/api/v1/agents/0/sign-in", &json!({}))
        .await
        .unwrap();
    assert_eq!(r.status, 204, "{:?}", r.json());
    assert_eq!(
        ana.get(&format!("/api/v1/cases/{case}"))
            .await
            .unwrap()
            .status,
        404
    );
    let r = admin
        .post(
            "/api/v1/interactions",
            &json!({"channel": "voice", "attributes": {"caller_number": "+420601234568"}}),
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
    // Now the case is ana's work; a move the type does not allow agents is refused.
    let r = ana.get("/api/v1/cases").await.unwrap();
    assert_eq!(
        r.json()["cases"].as_array().unwrap().len(),
        1,
        "{:?}",
        r.json()
    );
    let r = ana
        .post(
            &format!("/api/v1/cases/{case}/transition"),
            &json!({"to": "closed"}),
        )
        .await
        .unwrap();
    assert_eq!(r.status, 403, "{:?}", r.json());
    assert!(
        r.json()["error"]["message"]
            .as_str()
            .unwrap()
            .contains("for the role agent")
    );

    // The disposition with the promise taken on the call.
    let (_, next_week) = dates();
    let disposition =
        |date: &str| json!({"code": "promise", "promise_amount": "20", "promise_date": date});
    let r = ana
        .post(
            &format!("/api/v1/interactions/{call}/disposition"),
            &disposition("2020-01-01"),
        )
        .await
        .unwrap();
    assert_eq!(r.status, 422, "{:?}", r.json());
    assert!(
        r.json()["error"]["message"]
            .as_str()
            .unwrap()
            .starts_with("promise_date:")
    );
    let r = ana
        .post(
            &format!("/api/v1/interactions/{call}/disposition"),
            &disposition(&next_week),
        )
        .await
        .unwrap();
    assert_eq!(r.status, 200, "{:?}", r.json());
    let r = ana.get(&format!("/api/v1/cases/{case}")).await.unwrap();
    assert_eq!(r.status, 200, "{:?}", r.json());
    let c = r.json();
    assert_eq!(c["state"], "promised");
    assert_eq!(c["promises"][0]["amount"], "20.00");
    assert_eq!(c["currency"], "CZK");
    let by_call = c["history"]
        .as_array()
        .unwrap()
        .iter()
        .any(|h| h["change"]["kind"] == "disposition_set" && h["cause"]["by"] == "interaction");
    assert!(by_call, "{:#}", c["history"]);
}

/// 2026-03-02 10:00 UTC, a Monday.
const START_MS: i64 = 1_772_445_600_000;

/// A tenant made in a store on a runtime of its own (the store's pool has
/// timers, which paused time would fire at once).
fn bare_tenant() -> store::Tenant {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let dir = common::scratch("cases-time");
    let tenant = rt.block_on(async {
        let st = store::Store::open(&store::sqlite_url(&dir)).await.unwrap();
        st.create_tenant("acme", START_MS).await.unwrap()
    });
    drop(rt);
    let _ = std::fs::remove_dir_all(&dir);
    tenant
}

/// The tenant task wakes for the case engine's timers: days after a
/// promise's date and grace, with nothing asked of it, the promise breaks
/// and its task (routed to the agent) and letter come in the same batch.
/// Time is tokio's, paused, and the task's clock follows it
/// (`clock::follow_tokio`); the task keeps no log (`spawn_unlogged`).
#[test]
fn the_tenant_task_wakes_for_a_broken_promise() {
    use center::cases::{CaseCommand, CaseQuery};
    use server::tenant::{Ack, Op};
    let tenant = bare_tenant();
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .start_paused(true)
        .build()
        .unwrap();
    rt.block_on(async {
        let _clock = server::clock::follow_tokio(START_MS);
        let h = server::tenant::spawn_unlogged(tenant).await.unwrap();
        let mut rx = h.events.subscribe();
        h.call(Op::SetPlan(PLAN.into())).await.unwrap();
        let agent = Op::DefineAgent {
            id: None,
            name: "ana".into(),
            skills: vec![("collections".into(), 5)],
            username: None,
            teams: None,
        };
        h.call(agent).await.unwrap();
        h.call(Op::SignIn(0, None)).await.unwrap();
        let eur = workflow::Currency::parse("EUR").unwrap();
        let new = workflow::NewCase {
            reference: "C-9".into(),
            case_type: "collections".into(),
            debtor: "Eva Dvořák".into(),
            currency: eur,
            owner: None,
            fields: Vec::new(),
            debts: vec![workflow::NewDebt {
                principal: workflow::Amount::parse("90").unwrap(),
                fees: workflow::Amount::ZERO,
                interest: workflow::Amount::ZERO,
                currency: eur,
                due_date: chrono::NaiveDate::from_ymd_opt(2026, 1, 31).unwrap(),
                creditor: "Acme".into(),
            }],
            by: workflow::Origin::User(workflow::Actor::new("eva", workflow::Role::Admin)),
        };
        let create = CaseCommand::Create {
            case: Box::new(new),
            customer: None,
            phone: Some("+420601234569".into()),
        };
        let Ok(Ack::Id(id)) = h.call(Op::Case(Box::new(create))).await else {
            panic!("the case is created")
        };
        let promise = workflow::Input::Promise {
            case: workflow::CaseId(id as u64),
            amount: workflow::Amount::parse("40").unwrap(),
            due_date: chrono::NaiveDate::from_ymd_opt(2026, 3, 4).unwrap(),
            by: workflow::Actor::new("ana", workflow::Role::Agent),
        };
        h.call(Op::Case(Box::new(CaseCommand::Input(Box::new(promise)))))
            .await
            .unwrap();
        // Six days: the promise of the 4th, with 3 days of grace, broke at
        // the start of the 8th.
        tokio::time::sleep(std::time::Duration::from_secs(6 * 86_400)).await;
        let q = CaseQuery {
            id: Some(id as u64),
            ..Default::default()
        };
        let Ok(Ack::Cases(cases)) = h.call(Op::Case(Box::new(CaseCommand::Query(q)))).await else {
            panic!("the case is there")
        };
        assert_eq!(cases[0].state, "promise_broken");
        let mut at = std::collections::BTreeMap::<String, i64>::new();
        while let Ok(p) = rx.try_recv() {
            let data = p.data().to_string();
            let key = match p.kind.as_str() {
                "case_letter_ordered" if data.contains("payment_reminder") => "letter",
                "case_letter_ordered" => "email",
                "interaction_opened" if data.contains("\"task\"") => "task",
                "routing.offered" => "offered",
                "case_fact" if data.contains("\"promise_broken\"") => "broken",
                _ => continue,
            };
            at.entry(key.into()).or_insert(p.at);
        }
        let broke = chrono::DateTime::parse_from_rfc3339("2026-03-08T00:00:00Z")
            .unwrap()
            .timestamp_millis();
        let when = at["broken"];
        assert!((broke..broke + 3_600_000).contains(&when), "{at:?}");
        for k in ["letter", "task", "offered"] {
            assert_eq!(at.get(k), Some(&when), "{k} in the same batch: {at:?}");
        }
        // The follow-up e-mail, 3 days after the promise's date, at its instant.
        let follow_up = chrono::DateTime::parse_from_rfc3339("2026-03-07T00:00:00Z")
            .unwrap()
            .timestamp_millis();
        assert_eq!(at.get("email"), Some(&follow_up), "{at:?}");
    });
}

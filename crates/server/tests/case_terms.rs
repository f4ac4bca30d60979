//! What is agreed or decided on a case through the API: a payment plan's
//! instalments become promises; a settlement and a write-off are a
//! supervisor's (an agent is refused), the first closes the case once the
//! agreed amount is paid, the second at once; a dispute stops the case and
//! its resolution takes it back to contacting; a client's recall stops all
//! work on it. Each answers the case, and its history names the causes.

use serde_json::{Value, json};
use server::auth::Role;

mod common;

use common::client::Client;

/// A day `days` from today (UTC: the tenant has no settings).
fn day(days: i64) -> String {
    let now = server::clock::now_ms();
    let d = chrono::DateTime::from_timestamp_millis(now)
        .unwrap()
        .date_naive();
    (d + chrono::Duration::days(days)).to_string()
}

async fn new_case(c: &mut Client, reference: &str) -> i64 {
    let body = json!({
        "type": "collections",
        "reference": reference,
        "debtor": {"name": format!("Debtor {reference}")},
        "debts": [{"principal": "300.00", "currency": "EUR", "due_date": "2026-01-10", "creditor": "Acme Telecom"}],
    });
    let r = c.post("/api/v1/cases", &body).await.unwrap();
    assert_eq!(r.status, 201, "{:?}", r.json());
    r.json()["id"].as_i64().unwrap()
}

async fn post(c: &mut Client, id: i64, what: &str, body: Value) -> (u16, Value) {
    let r = c
        .post(&format!("/api/v1/cases/{id}/{what}"), &body)
        .await
        .unwrap();
    (r.status, r.json())
}

fn history_kinds(case: &Value) -> Vec<String> {
    case["history"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|h| h["change"]["kind"].as_str().map(str::to_string))
        .collect()
}

#[tokio::test]
async fn plans_settlements_write_offs_disputes_and_recalls_through_the_api() {
    let (e, _admin) = common::admin_client("case_terms").await;
    let mut sup = common::role_client(&e, Role::Supervisor).await;
    let mut agent = common::role_client(&e, Role::Agent).await;

    // A plan of two instalments: two pending promises, the case in payment_plan.
    let a = new_case(&mut sup, "T-1").await;
    let (s, v) = post(&mut sup, a, "plans", json!({"instalments": []})).await;
    assert_eq!(s, 422, "{v:?}");
    let bad = json!({"instalments": [{"amount": "150,00", "due_date": day(10)}]});
    let (s, v) = post(&mut sup, a, "plans", bad).await;
    assert_eq!(s, 422, "{v:?}");
    assert!(
        v["error"]["message"]
            .as_str()
            .unwrap()
            .contains("instalments[0].amount")
    );
    let plan = json!({"instalments": [
        {"amount": "150.00", "due_date": day(10)},
        {"amount": "150.00", "due_date": day(40)},
    ]});
    let (s, v) = post(&mut sup, a, "plans", plan).await;
    assert_eq!(s, 200, "{v:?}");
    assert_eq!(v["state"], "payment_plan");
    let promises = v["promises"].as_array().unwrap();
    assert_eq!(promises.len(), 2);
    assert!(promises.iter().all(|p| p["state"] == "pending"));

    // A settlement: an agent may not; the supervisor agrees 200.00 of 300.00.
    let (s, v) = post(&mut agent, a, "settle", json!({"amount": "200.00"})).await;
    assert!(s == 403 || s == 404, "{s} {v:?}");
    let (s, v) = post(&mut sup, a, "settle", json!({"amount": "200.00"})).await;
    assert_eq!(s, 200, "{v:?}");
    assert_eq!(v["settlement"], "200.00");
    let pay = json!({"amount": "200.00", "currency": "EUR", "date": day(0), "reference": "T-1"});
    let (s, v) = post(&mut sup, a, "payments", pay).await;
    assert_eq!(s, 200, "{v:?}");
    assert_eq!(v["state"], "closed", "{v:?}");
    assert_eq!(v["balance"], "0.00");
    assert_eq!(v["written_off"], "100.00");
    assert_eq!(v["settlement"], Value::Null);

    // A dispute stops the case; resolving it takes it back to contacting.
    let b = new_case(&mut sup, "T-2").await;
    let (s, v) = post(&mut sup, b, "dispute", json!({"reason": ""})).await;
    assert_eq!(s, 422, "{v:?}");
    let (s, v) = post(
        &mut sup,
        b,
        "dispute",
        json!({"reason": "says it was paid"}),
    )
    .await;
    assert_eq!(s, 200, "{v:?}");
    assert_eq!(v["state"], "disputed");
    assert_eq!(v["disputed"], true);
    let (s, v) = post(&mut sup, b, "dispute", json!({"reason": "again"})).await;
    assert_eq!(s, 409, "already disputed: {v:?}");
    let (s, v) = post(
        &mut sup,
        b,
        "dispute/resolve",
        json!({"note": "receipt was fake"}),
    )
    .await;
    assert_eq!(s, 200, "{v:?}");
    assert_eq!(v["state"], "contacting");
    assert_eq!(v["disputed"], false);

    // A write-off closes it at once, the balance written off.
    let (s, v) = post(&mut agent, b, "write-off", json!({"reason": "x"})).await;
    assert!(s == 403 || s == 404, "{s} {v:?}");
    let (s, v) = post(
        &mut sup,
        b,
        "write-off",
        json!({"reason": "debtor deceased"}),
    )
    .await;
    assert_eq!(s, 200, "{v:?}");
    assert_eq!(v["state"], "closed");
    assert_eq!(v["written_off"], "300.00");
    assert_eq!(v["balance"], "0.00");
    let kinds = history_kinds(&v);
    for k in ["dispute_opened", "dispute_resolved", "written_off"] {
        assert!(kinds.iter().any(|x| x == k), "{k} in {kinds:?}");
    }

    // A recall: agents may not record one; after it nothing moves the case.
    let c = new_case(&mut sup, "T-3").await;
    let (s, _) = post(&mut agent, c, "recall", json!({"reason": "client"})).await;
    assert_eq!(s, 403);
    let (s, v) = post(
        &mut sup,
        c,
        "recall",
        json!({"reason": "client settled directly"}),
    )
    .await;
    assert_eq!(s, 200, "{v:?}");
    assert_eq!(v["recalled"], true);
    let (s, v) = post(
        &mut sup,
        c,
        "promises",
        json!({"amount": "10.00", "due_date": day(3)}),
    )
    .await;
    assert_eq!(s, 409, "{v:?}");
    assert!(
        v["error"]["message"].as_str().unwrap().contains("recalled"),
        "{v:?}"
    );
}

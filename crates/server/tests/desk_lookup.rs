//! The desktop's customer side: an agent searches the customers (a name, a
//! phone in any format), sees them masked with their local time, opens one's
//! timeline (both in the audit trail), promises a callback that shows in
//! "my callbacks" until the customer is reached again, and the dial pad says
//! in words why the gate refused a call.

use serde_json::{Value, json};
use server::auth::{self, Role};

mod common;

use common::client::Client;

const PLAN: &str = r#"
default_queue = "support"
[[queue]]
name = "support"
ring_timeout_s = 60
"#;

const PASSWORD: &str = "a long enough password";

fn html(r: &common::client::Reply) -> String {
    assert_eq!(r.status, 200, "{}", String::from_utf8_lossy(&r.body));
    String::from_utf8_lossy(&r.body).to_string()
}

async fn customer(admin: &mut Client, name: &str, phone: &str) -> i64 {
    let r = admin
        .post("/api/v1/customers", &json!({"name": name, "phone": phone}))
        .await
        .unwrap();
    assert_eq!(r.status, 201, "{:?}", r.json());
    r.json()["id"].as_i64().unwrap()
}

async fn audit(admin: &mut Client) -> Vec<(String, String)> {
    let a: Value = admin.get("/api/v1/audit").await.unwrap().json();
    a["entries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["action"].as_str().unwrap().to_string(),
                e["target"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect()
}

#[tokio::test]
async fn an_agent_finds_a_customer_opens_their_timeline_and_keeps_their_callbacks() {
    let (e, mut admin) = common::admin_client("desk-lookup").await;
    let r = admin
        .put("/api/v1/routing/plan", &json!({"document": PLAN}))
        .await
        .unwrap();
    assert_eq!(r.status, 204, "{:?}", r.json());
    let t = e.store.tenant_by_name("acme").await.unwrap().unwrap();
    let hash = auth::hash_password(PASSWORD).unwrap();
    e.store
        .create_user(&t, "ana", &hash, Role::Agent.as_str(), 1)
        .await
        .unwrap();
    let body =
        json!({"name": "ana", "username": "ana", "skills": [{"name": "support", "level": 5}]});
    let r = admin.post("/api/v1/agents", &body).await.unwrap();
    assert_eq!(r.status, 201, "{:?}", r.json());
    let marta = customer(&mut admin, "Marta Ruiz", "+34600111222").await;
    let pavel = customer(&mut admin, "Pavel Novák", "+420601222333").await;
    let (mut ana, _) = common::page_session(&e.app, ("acme", "ana", PASSWORD), "en").await;

    // The desktop has the search box, the dial pad and the callbacks list.
    let page = html(&ana.get("/ui/agent").await.unwrap());
    for id in ["lookup-q", "dial-to", "my-callbacks", "data-digit=\"0\""] {
        assert!(page.contains(id), "{id} missing");
    }
    // A phone in another format finds Marta: masked, with her local time.
    let found = html(&ana.get("/ui/agent/customers?q=600+11+12+22").await.unwrap());
    assert!(found.contains("Marta Ruiz"), "{found}");
    assert!(
        !found.contains("600111222"),
        "an agent sees numbers masked: {found}"
    );
    assert!(found.contains("Europe/Madrid"), "{found}");
    let none = html(&ana.get("/ui/agent/customers?q=nobody+here").await.unwrap());
    assert!(none.contains("No customer found"), "{none}");
    // Her timeline (not Ana's own work: audited).
    let one = html(
        &ana.get(&format!("/ui/agent/customers/{marta}"))
            .await
            .unwrap(),
    );
    assert!(
        one.contains("Marta Ruiz") && one.contains("Europe/Madrid"),
        "{one}"
    );
    assert!(
        one.contains("data-kind=\"change\""),
        "the record's creation: {one}"
    );
    let trail = audit(&mut admin).await;
    assert!(
        trail.contains(&("customers_searched".into(), "1 found".into())),
        "{trail:?}"
    );
    assert!(
        trail.contains(&("customer_looked_up".into(), format!("customer {marta}"))),
        "{trail:?}"
    );
    let r = ana.get("/ui/agent/customers/999").await.unwrap();
    assert_eq!(r.status, 404);

    // Ana takes Pavel's chat and promises him a callback tomorrow at 10:00 his time.
    let r = ana
        .post("/api/v1/agents/0/sign-in", &json!({}))
        .await
        .unwrap();
    assert_eq!(r.status, 204, "{:?}", r.json());
    let chat = json!({"channel": "chat", "customer_id": pavel});
    let r = admin.post("/api/v1/interactions", &chat).await.unwrap();
    let first = r.json()["id"].as_i64().unwrap();
    let r = ana
        .post(&format!("/api/v1/interactions/{first}/accept"), &json!({}))
        .await
        .unwrap();
    assert_eq!(r.status, 200, "{:?}", r.json());
    let empty = html(&ana.get("/ui/agent/callbacks").await.unwrap());
    assert!(empty.contains("No callbacks promised"), "{empty}");
    let prague: chrono_tz::Tz = "Europe/Prague".parse().unwrap();
    let tomorrow = chrono::DateTime::from_timestamp_millis(server::clock::now_ms())
        .unwrap()
        .with_timezone(&prague)
        .date_naive()
        + chrono::Days::new(1);
    let at = format!("at={}T10%3A00", tomorrow.format("%Y-%m-%d"));
    let r = ana
        .form(
            &format!("/ui/agent/interactions/{first}/callback"),
            &[],
            &at,
        )
        .await
        .unwrap();
    html(&r);
    // The list follows at once (the agent's own stream carries no record facts).
    assert_eq!(r.headers["hx-trigger"], "callbacks-changed");
    let mine = html(&ana.get("/ui/agent/callbacks").await.unwrap());
    assert!(mine.contains("Pavel Novák"), "{mine}");
    assert!(
        mine.contains(&format!("data-customer=\"{pavel}\"")),
        "{mine}"
    );
    assert!(mine.contains("Europe/Prague"), "{mine}");
    // The screen pop shows his local time beside his name.
    let work = html(&ana.get("/ui/agent/work").await.unwrap());
    assert!(work.contains("class=\"local-time\""), "{work}");
    // Pavel writes again and Ana takes it: the promise is kept.
    let r = ana
        .post(
            &format!("/api/v1/interactions/{first}/complete"),
            &json!({}),
        )
        .await
        .unwrap();
    assert!(r.status < 300, "{:?}", r.json());
    let r = admin.post("/api/v1/interactions", &chat).await.unwrap();
    let again = r.json()["id"].as_i64().unwrap();
    let r = ana
        .post(&format!("/api/v1/interactions/{again}/accept"), &json!({}))
        .await
        .unwrap();
    assert_eq!(r.status, 200, "{:?}", r.json());
    let done = html(&ana.get("/ui/agent/callbacks").await.unwrap());
    assert!(!done.contains("Pavel Novák"), "{done}");

    // The dial pad: Ana works on no campaign, and is told so in words.
    let said = html(
        &ana.form("/ui/agent/dial", &[], "to=%2B420601222333")
            .await
            .unwrap(),
    );
    assert!(
        said.contains("class=\"error\"") && said.contains("campaign"),
        "{said}"
    );
}

//! The cases pages as their users see them: a supervisor finds a case by
//! reference and by state (the shipped type's states in words), opens it,
//! records a promise through its form (a bad amount said next to the case,
//! nothing changed), sets and clears flags, agrees a plan and moves it; an
//! agent on a call with the debtor sees the case on the desktop, and may
//! open it but not another debtor's.

use serde_json::json;
use server::auth::Role;

mod common;

use common::client::{Client, Reply};

const PLAN: &str = r#"
default_queue = "collections"
[[queue]]
name = "collections"
ring_timeout_s = 60
"#;

const PASSWORD: &str = "a long enough password";

fn html(r: &Reply) -> String {
    assert_eq!(r.status, 200, "{}", String::from_utf8_lossy(&r.body));
    String::from_utf8_lossy(&r.body).to_string()
}

async fn case(admin: &mut Client, reference: &str, phone: &str) -> (i64, i64) {
    let body = json!({"type": "collections", "reference": reference,
        "debtor": {"name": format!("Debtor {reference}"), "phone": phone},
        "debts": [{"principal": "250.00", "currency": "EUR", "due_date": "2026-01-10", "creditor": "Acme Telecom"}]});
    let r = admin.post("/api/v1/cases", &body).await.unwrap();
    assert_eq!(r.status, 201, "{:?}", r.json());
    let id = r.json()["id"].as_i64().unwrap();
    let c = admin
        .get(&format!("/api/v1/cases/{id}"))
        .await
        .unwrap()
        .json();
    (id, c["customer_id"].as_i64().unwrap())
}

async fn user(e: &common::Env, name: &str, role: Role) -> Client {
    let t = e.store.tenant_by_name("acme").await.unwrap().unwrap();
    let hash = server::auth::hash_password(PASSWORD).unwrap();
    e.store
        .create_user(&t, name, &hash, role.as_str(), 1)
        .await
        .unwrap();
    common::page_session(&e.app, ("acme", name, PASSWORD), "en")
        .await
        .0
}

/// Posts a case form; a success goes back to the case's page.
async fn act(c: &mut Client, id: i64, what: &str, form: &str) -> Reply {
    c.form(
        &format!("/ui/cases/{id}/{what}"),
        &[("hx-request", "true")],
        form,
    )
    .await
    .unwrap()
}

fn ok(r: &Reply, id: i64) {
    assert_eq!(r.status, 204, "{}", String::from_utf8_lossy(&r.body));
    assert_eq!(r.headers["hx-redirect"], format!("/ui/cases/{id}").as_str());
}

#[tokio::test]
async fn a_supervisor_works_a_case_from_its_page_and_an_agent_sees_it_on_the_call() {
    let (e, mut admin) = common::admin_client("ui-cases").await;
    let r = admin
        .put("/api/v1/routing/plan", &json!({"document": PLAN}))
        .await
        .unwrap();
    assert_eq!(r.status, 204, "{:?}", r.json());
    let (id, debtor) = case(&mut admin, "K-100", "+420601000100").await;
    let (other, _) = case(&mut admin, "K-200", "+420601000200").await;
    let mut sup = user(&e, "boss", Role::Supervisor).await;

    // The list: both cases, counted by state in words; a search finds one.
    let list = html(&sup.get("/ui/cases").await.unwrap());
    assert!(list.contains("K-100") && list.contains("K-200"), "{list}");
    assert!(list.contains("contacting (2)"), "{list}");
    let one = html(&sup.get("/ui/cases?q=K-1").await.unwrap());
    assert!(
        one.contains("K-100") && !one.contains("K-200\u{3c}"),
        "{one}"
    );
    let none = html(&sup.get("/ui/cases?state=paid").await.unwrap());
    assert!(none.contains("cases-none"), "{none}");
    let cs = html(&sup.get("/ui/cases?q=K-1").await.unwrap());
    assert!(cs.contains("250.00 EUR"), "{cs}");

    // The case: its money, what may be done, its history.
    let page = html(&sup.get(&format!("/ui/cases/{id}")).await.unwrap());
    for part in [
        "case-debts",
        "case-transition",
        "case-flags",
        "case-promise",
        "case-settle",
        "case-history",
        "Acme Telecom",
    ] {
        assert!(page.contains(part), "{part} missing");
    }
    // A bad amount is said next to the case; nothing changes.
    let r = act(
        &mut sup,
        id,
        "promise",
        "amount=12%2C5x&due_date=2099-01-10",
    )
    .await;
    assert_eq!(r.status, 422, "{}", String::from_utf8_lossy(&r.body));
    assert_eq!(r.headers["hx-retarget"], "#case-msg");
    assert!(String::from_utf8_lossy(&r.body).contains("amount"));
    let c = admin
        .get(&format!("/api/v1/cases/{id}"))
        .await
        .unwrap()
        .json();
    assert_eq!(c["promises"], json!([]));
    // A promise, flags set and cleared, a plan.
    ok(
        &act(&mut sup, id, "promise", "amount=100.00&due_date=2099-01-10").await,
        id,
    );
    let all = "all=vip%2Chardship%2Clawyer_involved%2Cescalated";
    ok(
        &act(
            &mut sup,
            id,
            "flags",
            &format!("flag=vip&flag=hardship&{all}"),
        )
        .await,
        id,
    );
    let c = admin
        .get(&format!("/api/v1/cases/{id}"))
        .await
        .unwrap()
        .json();
    assert_eq!(
        (c["state"].as_str(), c["flags"].clone()),
        (Some("promised"), json!(["vip", "hardship"]))
    );
    ok(
        &act(&mut sup, id, "flags", &format!("flag=vip&{all}")).await,
        id,
    );
    let plan = "instalments=2099-02-10+75.00%0D%0A2099-03-10+75.00";
    ok(&act(&mut sup, id, "plan", plan).await, id);
    let c = admin
        .get(&format!("/api/v1/cases/{id}"))
        .await
        .unwrap()
        .json();
    assert_eq!(c["flags"], json!(["vip"]));
    assert_eq!(c["state"], "payment_plan");
    assert_eq!(c["promises"].as_array().unwrap().len(), 3);
    // A move the type allows, then the page shows it and its cause.
    ok(
        &act(
            &mut sup,
            id,
            "transition",
            "to=disputed&note=says+it+was+paid",
        )
        .await,
        id,
    );
    let page = html(&sup.get(&format!("/ui/cases/{id}")).await.unwrap());
    assert!(page.contains("data-state=\"disputed\""), "{page}");
    assert!(
        page.contains("Plan agreed") || page.contains("Payment plan agreed"),
        "{page}"
    );
    assert!(
        page.contains("boss (supervisor)"),
        "the cause names the user: {page}"
    );
    let r = act(&mut sup, id, "transition", "to=paid").await;
    assert_eq!(r.status, 422, "a move the role may not make is said");
    assert!(String::from_utf8_lossy(&r.body).contains("for the role supervisor"));

    // An agent on a chat with the debtor sees the case on the desktop.
    let mut ana = user(&e, "ana", Role::Agent).await;
    let body =
        json!({"name": "ana", "username": "ana", "skills": [{"name": "collections", "level": 5}]});
    let r = admin.post("/api/v1/agents", &body).await.unwrap();
    assert_eq!(r.status, 201, "{:?}", r.json());
    let r = ana
        .post("/api/v1/agents/0/sign-in", &json!({}))
        .await
        .unwrap();
    assert_eq!(r.status, 204, "{:?}", r.json());
    let chat = json!({"channel": "chat", "customer_id": debtor});
    let r = admin.post("/api/v1/interactions", &chat).await.unwrap();
    let it = r.json()["id"].as_i64().unwrap();
    let r = ana
        .post(&format!("/api/v1/interactions/{it}/accept"), &json!({}))
        .await
        .unwrap();
    assert_eq!(r.status, 200, "{:?}", r.json());
    let work = html(&ana.get("/ui/agent/work").await.unwrap());
    assert!(
        work.contains("desk-case") && work.contains("K-100"),
        "{work}"
    );
    assert!(!work.contains("K-200"), "{work}");
    let mine = html(&ana.get(&format!("/ui/cases/{id}")).await.unwrap());
    assert!(mine.contains("K-100"));
    assert!(
        !mine.contains("case-settle"),
        "settlements are a supervisor's"
    );
    let r = ana.get(&format!("/ui/cases/{other}")).await.unwrap();
    assert_eq!(r.status, 404, "another debtor's case is not the agent's");
}

/// A payment no case took is listed on the imports page for a supervisor,
/// who gives it to its case by the case's reference (a wrong one is said
/// next to the list), once.
#[tokio::test]
async fn a_supervisor_gives_an_unmatched_payment_to_its_case_from_the_imports_page() {
    let (e, mut admin) = common::admin_client("ui-payments").await;
    let (id, _) = case(&mut admin, "K-300", "+420601000300").await;
    let xml = common::camt053(
        "UI-1",
        &[(
            "40.00",
            "EUR",
            "2026-03-02",
            "NOTPROVIDED",
            "dar",
            "Nikdo Neznámý",
        )],
    );
    let v = common::import_file(
        &mut admin,
        "camt.xml",
        xml.as_bytes(),
        &[("kind", b"payments")],
    )
    .await;
    assert_eq!(v["rejected"], 1, "{v}");
    let pid = admin
        .get("/api/v1/payments/unmatched")
        .await
        .unwrap()
        .json()["payments"][0]["id"]
        .as_str()
        .unwrap()
        .to_string();
    let mut sup = user(&e, "sara", Role::Supervisor).await;
    let page = html(&sup.get("/ui/imports").await.unwrap());
    assert!(page.contains("Debts and payments"), "{page}");
    assert!(page.contains("Payments no case took"), "{page}");
    assert!(
        page.contains("40.00 EUR") && page.contains("Nikdo Neznámý"),
        "{page}"
    );
    let path = format!("/ui/payments/{pid}/assign");
    let r = sup
        .form(&path, &[("hx-request", "true")], "case=K-999")
        .await
        .unwrap();
    assert_eq!(r.status, 422);
    assert!(String::from_utf8_lossy(&r.body).contains("no case with the reference"));
    let r = sup
        .form(&path, &[("hx-request", "true")], "case=k-300")
        .await
        .unwrap();
    assert_eq!(r.status, 204, "{}", String::from_utf8_lossy(&r.body));
    assert_eq!(r.headers["hx-redirect"], "/ui/imports");
    let c = admin
        .get(&format!("/api/v1/cases/{id}"))
        .await
        .unwrap()
        .json();
    assert_eq!(c["payments"][0]["amount"], "40.00", "{c}");
    let r = sup
        .form(&path, &[("hx-request", "true")], "case=K-300")
        .await
        .unwrap();
    assert_eq!(r.status, 422, "given once");
    let page = html(&sup.get("/ui/imports").await.unwrap());
    assert!(
        page.contains("Every payment imported reached its case."),
        "{page}"
    );
    let mut agent = user(&e, "ana", Role::Agent).await;
    assert_eq!(agent.get("/ui/imports").await.unwrap().status, 403);
}

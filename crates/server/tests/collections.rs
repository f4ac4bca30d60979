//! Collections' files through the imports API and what follows them: a
//! client's debts in a Czech CSV (dates `DD.MM.YYYY`, decimal commas, a
//! mapping file) made into cases found by their reference, a bad line
//! reported and the file imported again changing nothing; a camt.053
//! statement's payments received by their cases, again changing nothing,
//! one that matches no case listed and given to its case by a supervisor
//! (once); a campaign fed by a saved case query.

use serde_json::{Value, json};
use server::auth::Role;

mod common;

use common::client::Client;
use common::{camt053, import_file, role_client};

const MAPPING: &str = r#"
date_format = "DD.MM.YYYY"
decimal = ","
[columns]
case_ref = "Spis"
debtor_name = "Dlužník"
phone = "Telefon"
principal = "Jistina"
fees = "Poplatky"
currency = "Měna"
due_date = "Splatnost"
creditor = "Věřitel"
"#;

/// Three cases (S-101 with two debts), a line with a date not as the mapping says.
const DEBTS: &str = "Spis;Dlužník;Telefon;Jistina;Poplatky;Měna;Splatnost;Věřitel\n\
S-101;Jan Novák;+420601000101;1.000,00;50,00;CZK;31.01.2026;Telco a.s.\n\
S-101;Jan Novák;+420601000101;250,50;0,00;CZK;28.02.2026;Telco a.s.\n\
S-102;Eva Malá;+420601000102;2.000,00;0,00;CZK;28.02.2026;Telco a.s.\n\
S-103;Petr Kos;+420601000103;300,00;0,00;CZK;15.03.2026;Energie a.s.\n\
S-109;Ota Bílý;+420601000109;90,00;0,00;CZK;2026-03-15;Energie a.s.\n";

fn counts(v: &Value) -> [i64; 4] {
    ["created", "updated", "unchanged", "rejected"].map(|k| v[k].as_i64().unwrap())
}

async fn case_by_ref(c: &mut Client, reference: &str) -> Value {
    let r = c
        .get(&format!("/api/v1/cases?q={reference}"))
        .await
        .unwrap();
    assert_eq!(r.status, 200, "{:?}", r.json());
    let list = r.json()["cases"].as_array().unwrap().clone();
    assert_eq!(list.len(), 1, "{reference}: {list:?}");
    let id = list[0]["id"].as_i64().unwrap();
    c.get(&format!("/api/v1/cases/{id}")).await.unwrap().json()
}

async fn import_debts(c: &mut Client) -> Value {
    let parts: [(&str, &[u8]); 2] = [("kind", b"debts"), ("mapping", MAPPING.as_bytes())];
    import_file(c, "dluhy.csv", DEBTS.as_bytes(), &parts).await
}

#[tokio::test]
async fn a_clients_debts_become_cases_and_a_second_import_changes_nothing() {
    let (e, mut admin) = common::admin_client("collections-debts").await;
    let mut sup = role_client(&e, Role::Supervisor).await;
    let v = import_debts(&mut sup).await;
    assert_eq!(v["state"], "done", "{v}");
    assert_eq!(v["kind"], "debts", "{v}");
    assert_eq!(counts(&v), [3, 0, 0, 1], "{v}");
    let report = sup
        .get(&format!("/api/v1/imports/{}/rejects", v["id"]))
        .await
        .unwrap();
    let report = String::from_utf8(report.body.to_vec()).unwrap();
    assert!(
        report.lines().any(|l| l.starts_with("6,Splatnost,")),
        "the ISO date where DD.MM.YYYY is said: {report}"
    );
    let c = case_by_ref(&mut sup, "S-101").await;
    assert_eq!(c["state"], "contacting", "{c}");
    assert_eq!(c["currency"], "CZK");
    assert_eq!(c["debts"].as_array().unwrap().len(), 2, "{c}");
    assert_eq!(c["debts"][0]["principal"], "1000.00");
    assert_eq!(c["debts"][0]["fees"], "50.00");
    assert_eq!(c["debts"][1]["principal"], "250.50");
    assert_eq!(c["debts"][0]["creditor"], "Telco a.s.");
    assert_eq!(c["balance"], "1300.50", "{c}");
    // The debtor is a customer record found by the phone.
    let r = admin
        .get("/api/v1/customers?q=601000101&country=CZ")
        .await
        .unwrap();
    assert_eq!(
        r.json()["customers"][0]["name"],
        "Jan Novák",
        "{:?}",
        r.json()
    );
    assert_eq!(
        case_by_ref(&mut sup, "S-103").await["debts"][0]["creditor"],
        "Energie a.s."
    );
    // The same file again: nothing new.
    let again = import_debts(&mut sup).await;
    assert_eq!(counts(&again), [0, 0, 3, 1], "{again}");
    assert_eq!(
        case_by_ref(&mut sup, "S-101").await["debts"]
            .as_array()
            .unwrap()
            .len(),
        2
    );
    // An agent may not import debts.
    let mut agent = role_client(&e, Role::Agent).await;
    let parts: Vec<(&str, Option<&str>, &[u8])> = vec![
        ("file", Some("d.csv"), DEBTS.as_bytes()),
        ("kind", None, b"debts"),
    ];
    let r = agent
        .multipart("/api/v1/imports", &[], &parts)
        .await
        .unwrap();
    assert_eq!(r.status, 403, "{:?}", r.json());
    // A mapping with a mistake is refused before anything runs, naming its line.
    let bad: [(&str, &[u8]); 2] = [("kind", b"debts"), ("mapping", b"decimal = \";\"\n")];
    let mut all: Vec<(&str, Option<&str>, &[u8])> = vec![("file", Some("d.csv"), DEBTS.as_bytes())];
    all.extend(bad.iter().map(|(k, v)| (*k, None, *v)));
    let r = sup.multipart("/api/v1/imports", &[], &all).await.unwrap();
    assert_eq!(r.status, 422, "{:?}", r.json());
    assert!(
        r.json()["error"]["message"]
            .as_str()
            .unwrap()
            .contains("line 1"),
        "{:?}",
        r.json()
    );
}

#[tokio::test]
async fn a_statements_payments_reach_their_cases_once_and_the_unmatched_wait_for_a_person() {
    let (e, _admin) = common::admin_client("collections-pay").await;
    let mut sup = role_client(&e, Role::Supervisor).await;
    import_debts(&mut sup).await;
    let s1 = case_by_ref(&mut sup, "S-101").await;
    let s2 = case_by_ref(&mut sup, "S-102").await;
    let today = chrono::DateTime::from_timestamp_millis(server::clock::now_ms())
        .unwrap()
        .date_naive()
        .to_string();
    let xml = camt053(
        "STMT-1",
        &[
            (
                s1["balance"].as_str().unwrap(),
                "CZK",
                &today,
                "S-101",
                "platba",
                "Jan Novák",
            ),
            (
                "500.00",
                "CZK",
                &today,
                "NOTPROVIDED",
                "splátka S-102",
                "Eva Malá",
            ),
            ("77.00", "CZK", &today, "NOTPROVIDED", "dárek", "Někdo Jiný"),
        ],
    );
    // The page sends its empty mapping and creditor fields too.
    let parts: [(&str, &[u8]); 3] = [("kind", b"payments"), ("mapping", b""), ("creditor", b"")];
    let v = import_file(&mut sup, "vypis.xml", xml.as_bytes(), &parts).await;
    assert_eq!(v["state"], "done", "{v}");
    assert_eq!(counts(&v), [2, 0, 0, 1], "{v}");
    let s1 = case_by_ref(&mut sup, "S-101").await;
    assert_eq!(s1["state"], "paid", "{s1}");
    assert_eq!(s1["balance"], "0.00");
    let after = case_by_ref(&mut sup, "S-102").await;
    assert_eq!(after["payments"].as_array().unwrap().len(), 1, "{after}");
    assert_ne!(after["balance"], s2["balance"]);
    // The same statement again changes nothing.
    let again = import_file(
        &mut sup,
        "vypis.xml",
        xml.as_bytes(),
        &[("kind", b"payments")],
    )
    .await;
    assert_eq!(counts(&again), [0, 0, 2, 1], "{again}");
    assert_eq!(
        case_by_ref(&mut sup, "S-102").await["payments"]
            .as_array()
            .unwrap()
            .len(),
        1
    );
    // The payment no case took is listed once, and given to a case once.
    let r = sup.get("/api/v1/payments/unmatched").await.unwrap();
    assert_eq!(r.status, 200, "{:?}", r.json());
    let list = r.json()["payments"].as_array().unwrap().clone();
    assert_eq!(list.len(), 1, "{list:?}");
    assert_eq!(list[0]["amount"], "77.00");
    assert_eq!(list[0]["payer_name"], "Někdo Jiný");
    let pid = list[0]["id"].as_str().unwrap().to_string();
    let s3 = case_by_ref(&mut sup, "S-103").await;
    let path = format!("/api/v1/payments/unmatched/{pid}/assign");
    let r = sup.post(&path, &json!({"case": s3["id"]})).await.unwrap();
    assert_eq!(r.status, 200, "{:?}", r.json());
    assert_eq!(r.json()["payments"].as_array().unwrap().len(), 1);
    let r = sup.post(&path, &json!({"case": s3["id"]})).await.unwrap();
    assert_eq!(r.status, 409, "{:?}", r.json());
    let r = sup.get("/api/v1/payments/unmatched").await.unwrap();
    assert_eq!(r.json()["payments"], json!([]));
    let r = sup
        .get("/api/v1/payments/unmatched?all=true")
        .await
        .unwrap();
    assert_eq!(
        r.json()["payments"][0]["case_id"],
        s3["id"],
        "{:?}",
        r.json()
    );
    // Agents do not see the bank's payments.
    let mut agent = role_client(&e, Role::Agent).await;
    assert_eq!(
        agent
            .get("/api/v1/payments/unmatched")
            .await
            .unwrap()
            .status,
        403
    );
}

#[tokio::test]
async fn a_campaign_follows_a_saved_case_query() {
    let (e, mut admin) = common::admin_client("collections-feed").await;
    let r = admin
        .put(
            "/api/v1/routing/plan",
            &json!({"document": "default_queue = \"out\"\n[[queue]]\nname = \"out\"\n"}),
        )
        .await
        .unwrap();
    assert_eq!(r.status, 204, "{:?}", r.json());
    let r = admin
        .post(
            "/api/v1/campaigns",
            &json!({"name": "big_debts", "settings": {"queue": "out", "team": "floor", "caller_id": "+420200000000",
                    "windows": {"CZ": "00:00-24:00"}}}),
        )
        .await
        .unwrap();
    assert_eq!(r.status, 201, "{:?}", r.json());
    let campaign = r.json()["id"].as_i64().unwrap();
    let mut sup = role_client(&e, Role::Supervisor).await;
    import_debts(&mut sup).await;
    let path = format!("/api/v1/campaigns/{campaign}/case-query");
    let r = sup.get(&path).await.unwrap();
    assert_eq!(r.json()["case_query"], Value::Null, "{:?}", r.json());
    let bad = sup
        .put(&path, &json!({"states": ["nowhere"]}))
        .await
        .unwrap();
    assert_eq!(bad.status, 422, "{:?}", bad.json());
    let said = bad.json()["error"]["message"].as_str().unwrap().to_string();
    assert!(said.starts_with("states: \"nowhere\""), "{said}");
    // Open cases over 1,000 CZK: S-101 and S-102.
    let q = json!({"states": ["contacting"], "balance_min": "1000", "currency": "CZK"});
    let r = sup.put(&path, &q).await.unwrap();
    assert_eq!(r.status, 200, "{:?}", r.json());
    assert_eq!(r.json()["matching"], 2, "{:?}", r.json());
    assert_eq!(r.json()["added"], 2, "{:?}", r.json());
    assert_eq!(sup.get(&path).await.unwrap().json()["case_query"], q);
    let contacts = |v: Value| v["contacts"].as_array().unwrap().clone();
    let list = contacts(
        admin
            .get(&format!("/api/v1/campaigns/{campaign}/contacts"))
            .await
            .unwrap()
            .json(),
    );
    assert_eq!(list.len(), 2, "{list:?}");
    // S-102 is disputed: it leaves the list.
    let s2 = case_by_ref(&mut sup, "S-102").await;
    let r = sup
        .post(
            &format!("/api/v1/cases/{}/dispute", s2["id"]),
            &json!({"reason": "not mine"}),
        )
        .await
        .unwrap();
    assert_eq!(r.status, 200, "{:?}", r.json());
    let list = contacts(
        admin
            .get(&format!("/api/v1/campaigns/{campaign}/contacts"))
            .await
            .unwrap()
            .json(),
    );
    let open: Vec<&Value> = list.iter().filter(|c| c["state"] == "open").collect();
    assert_eq!(open.len(), 1, "{list:?}");
    // An agent may not change it; removing it leaves the contacts.
    let mut agent = role_client(&e, Role::Agent).await;
    assert_eq!(agent.put(&path, &q).await.unwrap().status, 403);
    let r = sup.request("DELETE", &path, &[], None).await.unwrap();
    assert_eq!(r.status, 204);
    assert_eq!(
        sup.get(&path).await.unwrap().json()["case_query"],
        Value::Null
    );
}

/// Whether any of the database's files holds `needle`.
async fn files_hold(e: &common::Env, needle: &str) -> bool {
    let n = needle.as_bytes();
    let files = e.store.raw_bytes().await.unwrap();
    files.iter().any(|f| f.windows(n.len()).any(|w| w == n))
}

#[tokio::test]
async fn a_debtor_is_erased_only_once_their_case_is_closed_and_then_no_case_names_them() {
    let (e, mut admin) = common::admin_client("collections-erase").await;
    let body = json!({"type": "collections", "reference": "ER-2001",
        "debtor": {"name": "Xaverie Zapomenutá", "phone": "+420601000777"},
        "debts": [{"principal": "120.00", "currency": "CZK", "due_date": "2026-01-10", "creditor": "Telco a.s."}]});
    let r = admin.post("/api/v1/cases", &body).await.unwrap();
    assert_eq!(r.status, 201, "{:?}", r.json());
    let id = r.json()["id"].as_i64().unwrap();
    let c = admin
        .get(&format!("/api/v1/cases/{id}"))
        .await
        .unwrap()
        .json();
    let customer = c["customer_id"].as_i64().unwrap();
    // The debt is being collected: a legal claim, not erased.
    let erase = format!("/api/v1/customers/{customer}/erase");
    let r = admin.post(&erase, &json!({})).await.unwrap();
    assert_eq!(r.status, 409, "{:?}", r.json());
    let said = r.json()["error"]["message"].as_str().unwrap().to_string();
    assert!(
        said.contains("case ER-2001") && said.contains("open"),
        "{said}"
    );
    // Paid by a statement (the payer's name on the payment too), the case closes.
    let today = chrono::DateTime::from_timestamp_millis(server::clock::now_ms())
        .unwrap()
        .date_naive()
        .to_string();
    let bal = c["balance"].as_str().unwrap().to_string();
    let xml = camt053(
        "ER-S",
        &[(&bal, "CZK", &today, "NOTPROVIDED", "dar", "X. Zapomenutá")],
    );
    import_file(
        &mut admin,
        "er.xml",
        xml.as_bytes(),
        &[("kind", b"payments")],
    )
    .await;
    let pid = admin
        .get("/api/v1/payments/unmatched")
        .await
        .unwrap()
        .json()["payments"][0]["id"]
        .as_str()
        .unwrap()
        .to_string();
    let r = admin
        .post(
            &format!("/api/v1/payments/unmatched/{pid}/assign"),
            &json!({"case": id}),
        )
        .await
        .unwrap();
    assert_eq!(r.json()["state"], "paid", "{:?}", r.json());
    let r = admin.post(&erase, &json!({})).await.unwrap();
    assert_eq!(r.status, 200, "{:?}", r.json());
    // The case stays for the accounts, without the person's name.
    let c = admin
        .get(&format!("/api/v1/cases/{id}"))
        .await
        .unwrap()
        .json();
    assert_eq!(c["debtor"], model::erasure::ERASED, "{c}");
    assert_eq!(c["payments"][0]["amount"], format!("{bal}"));
    let history = c["history"].to_string();
    assert!(!history.contains("Zapomenut"), "{history}");
    for needle in ["Xaverie Zapomenutá", "X. Zapomenutá", "601000777"] {
        assert!(
            !files_hold(&e, needle).await,
            "{needle} is still in the database's files"
        );
    }
}

#[tokio::test]
async fn the_tasks_of_a_case_with_an_owner_are_delegated_by_the_owner_or_an_administrator() {
    let (e, mut admin) = common::admin_client("collections-owner").await;
    let body = json!({"type": "collections", "reference": "OW-1", "owner": "sara",
        "debtor": {"name": "Olga Vlastní", "phone": "+420601000888"},
        "debts": [{"principal": "50.00", "currency": "CZK", "due_date": "2026-01-10", "creditor": "Telco a.s."}]});
    let r = admin.post("/api/v1/cases", &body).await.unwrap();
    assert_eq!(r.status, 201, "{:?}", r.json());
    let id = r.json()["id"].as_i64().unwrap();
    let path = format!("/api/v1/cases/{id}/tasks/99/delegate");
    // Another supervisor than the owner may not.
    let mut sup = role_client(&e, Role::Supervisor).await;
    let r = sup.post(&path, &json!({"agent_id": 0})).await.unwrap();
    assert_eq!(r.status, 403, "{:?}", r.json());
    assert!(
        r.json()["error"]["message"]
            .as_str()
            .unwrap()
            .contains("its owner, sara")
    );
    // An administrator may: here the task does not exist.
    let r = admin.post(&path, &json!({"agent_id": 0})).await.unwrap();
    assert_eq!(r.status, 404, "{:?}", r.json());
    let r = admin
        .post(&path, &json!({"agent_id": 0, "queue": "x"}))
        .await
        .unwrap();
    assert_eq!(
        r.status,
        404,
        "the task is looked for first: {:?}",
        r.json()
    );
}

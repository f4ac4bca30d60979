//! The customer record through the API: search by name words, phone in any
//! format, e-mail and external id; edits with versions; merges and their
//! undoing; the timeline.

use serde_json::json;

mod common;

use common::client::Client;

async fn admin() -> (common::Env, Client) {
    let (e, mut c) = common::admin_client("records").await;
    let plan = "default_queue = \"support\"\n[[queue]]\nname = \"support\"\n";
    let r = c
        .put("/api/v1/routing/plan", &json!({"document": plan}))
        .await
        .unwrap();
    assert_eq!(r.status, 204, "{:?}", r.json());
    (e, c)
}

async fn create(c: &mut Client, body: serde_json::Value) -> i64 {
    let r = c.post("/api/v1/customers", &body).await.unwrap();
    assert_eq!(r.status, 201, "{:?}", r.json());
    r.json()["id"].as_i64().unwrap()
}

async fn ids(c: &mut Client, q: &str) -> Vec<i64> {
    let r = c.get(&format!("/api/v1/customers?{q}")).await.unwrap();
    assert_eq!(r.status, 200, "{:?}", r.json());
    r.json()["customers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["id"].as_i64().unwrap())
        .collect()
}

#[tokio::test]
async fn customers_are_found_by_name_words_phone_email_and_external_id() {
    let (_e, mut c) = admin().await;
    let a = create(
        &mut c,
        json!({"name": "Tomáš Dvořák", "phone": "+420712345678", "email": "tomas@example.org"}),
    )
    .await;
    let b = create(
        &mut c,
        json!({"name": "Núria Puig Ferrer", "phone": "+34612345678"}),
    )
    .await;
    assert_eq!(ids(&mut c, "q=dvorak%20TOMAS").await, [a]);
    assert_eq!(ids(&mut c, "q=ferrer%20nuria").await, [b]);
    assert_eq!(ids(&mut c, "q=612%20345%20678&country=ES").await, [b]);
    assert_eq!(ids(&mut c, "q=%2B34%20612.34.56.78").await, [b]);
    assert_eq!(ids(&mut c, "q=TOMAS@example.org").await, [a]);
    let r = c
        .request(
            "PATCH",
            &format!("/api/v1/customers/{a}"),
            &[],
            Some(&json!({"external_id": "K-1"})),
        )
        .await
        .unwrap();
    assert_eq!(r.status, 200, "{:?}", r.json());
    assert_eq!(ids(&mut c, "q=K-1").await, [a]);
    assert!(ids(&mut c, "q=nobody").await.is_empty());
}

#[tokio::test]
async fn an_edit_over_a_version_not_seen_is_refused_and_changes_are_listed() {
    let (_e, mut c) = admin().await;
    let a = create(
        &mut c,
        json!({"name": "Eva Novák", "phone": "+420712345670"}),
    )
    .await;
    let path = format!("/api/v1/customers/{a}");
    let patch = json!({"version": 1, "phones": ["+420712345670", {"number": "602 123 456", "kind": "work"}], "country": "CZ", "fields": {"contract": "X-7"}, "tags": ["vip"]});
    let r = c.request("PATCH", &path, &[], Some(&patch)).await.unwrap();
    assert_eq!(r.status, 200, "{:?}", r.json());
    let v = r.json();
    // The zone came from the number when it was created (a Czech one: Prague).
    assert_eq!(v["changed"], json!(["phones", "tags", "fields.contract"]));
    assert_eq!(v["customer"]["time_zone"], "Europe/Prague");
    assert_eq!(v["customer"]["version"], 2);
    assert_eq!(v["customer"]["phones"][1]["e164"], "+420602123456");
    assert_eq!(v["customer"]["phones"][1]["kind"], "work");
    // Written over version 1 again: someone else's change would be lost.
    let r = c
        .request(
            "PATCH",
            &path,
            &[],
            Some(&json!({"version": 1, "name": "E. Novák"})),
        )
        .await
        .unwrap();
    assert_eq!(r.status, 409, "{:?}", r.json());
    let r = c
        .request(
            "PATCH",
            &path,
            &[],
            Some(&json!({"emails": ["not an address"]})),
        )
        .await
        .unwrap();
    assert_eq!(r.status, 422, "{:?}", r.json());
    let one = c.get(&path).await.unwrap().json();
    assert_eq!(one["name"], "Eva Novák");
    assert_eq!(one["fields"]["contract"], "X-7");
    assert_eq!(one["phone"], "+420712345670");
}

#[tokio::test]
async fn a_merge_joins_two_records_keeps_both_histories_and_can_be_undone() {
    let (_e, mut c) = admin().await;
    let a = create(
        &mut c,
        json!({"name": "Jordi Puig", "phone": "+34612000001"}),
    )
    .await;
    let b = create(
        &mut c,
        json!({"name": "J. Puig", "phone": "+34612000002", "email": "jordi@example.org"}),
    )
    .await;
    // A call from b's number is b's contact.
    let r = c
        .post(
            "/api/v1/interactions",
            &json!({"channel": "voice", "attributes": {"caller_number": "+34612000002"}}),
        )
        .await
        .unwrap();
    assert_eq!(r.status, 201, "{:?}", r.json());
    let r = c
        .post(
            &format!("/api/v1/customers/{a}/merge"),
            &json!({"other": b}),
        )
        .await
        .unwrap();
    assert_eq!(r.status, 200, "{:?}", r.json());
    let kept = &r.json()["customer"];
    assert_eq!(kept["name"], "Jordi Puig");
    assert_eq!(kept["phones"].as_array().unwrap().len(), 2);
    assert_eq!(kept["emails"], json!(["jordi@example.org"]));
    // b's number and address now find a; b no longer shows on its own.
    assert_eq!(ids(&mut c, "q=%2B34612000002").await, [a]);
    assert_eq!(ids(&mut c, "q=jordi@example.org").await, [a]);
    assert_eq!(ids(&mut c, "q=puig").await, [a]);
    let tl = c
        .get(&format!("/api/v1/customers/{a}/timeline"))
        .await
        .unwrap()
        .json();
    let kinds: Vec<String> = tl["entries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| format!("{}:{}", e["kind"].as_str().unwrap(), e["customer_id"]))
        .collect();
    assert!(kinds.contains(&format!("contact:{b}")), "{kinds:?}");
    assert!(kinds.contains(&format!("change:{a}")), "{kinds:?}");
    // Merging it again, or into itself, is refused.
    assert_eq!(
        c.post(
            &format!("/api/v1/customers/{a}/merge"),
            &json!({"other": b})
        )
        .await
        .unwrap()
        .status,
        409
    );
    assert_eq!(
        c.post(
            &format!("/api/v1/customers/{a}/merge"),
            &json!({"other": a})
        )
        .await
        .unwrap()
        .status,
        422
    );
    let r = c
        .post(
            &format!("/api/v1/customers/{a}/unmerge"),
            &json!({"other": b}),
        )
        .await
        .unwrap();
    assert_eq!(r.status, 200, "{:?}", r.json());
    assert_eq!(r.json()["customer"]["phones"].as_array().unwrap().len(), 1);
    let mut both = ids(&mut c, "q=puig").await;
    both.sort();
    assert_eq!(both, [a, b]);
}

async fn call_from(c: &mut Client, number: &str) -> serde_json::Value {
    let r = c
        .post(
            "/api/v1/interactions",
            &json!({"channel": "voice", "attributes": {"caller_number": number}}),
        )
        .await
        .unwrap();
    assert_eq!(r.status, 201, "{:?}", r.json());
    r.json()
}

async fn dispose(c: &mut Client, i: i64, body: serde_json::Value) -> serde_json::Value {
    let r = c
        .post(&format!("/api/v1/interactions/{i}/disposition"), &body)
        .await
        .unwrap();
    assert_eq!(r.status, 200, "{:?}", r.json());
    r.json()
}

#[tokio::test]
async fn dispositions_clean_the_record_and_count_what_was_learned() {
    let (_e, mut c) = admin().await;
    let a = create(
        &mut c,
        json!({"name": "Pavel Novák", "phone": "+420712000001"}),
    )
    .await;
    let path = format!("/api/v1/customers/{a}");
    // A wrong number: marked invalid, with the call's outcome.
    let i = call_from(&mut c, "+420712000001").await;
    assert_eq!(i["customer_id"], a);
    let i = i["id"].as_i64().unwrap();
    let v = dispose(
        &mut c,
        i,
        json!({"code": "wrong_number", "resolved": false}),
    )
    .await;
    assert_eq!(v["facts_learned"], 1, "{v}");
    assert_eq!(v["resolved_first_contact"], false);
    let rec = c.get(&path).await.unwrap().json();
    assert_eq!(rec["phones"][0]["valid"], false);
    assert_eq!(rec["phones"][0]["last_outcome"], "wrong_number");
    assert_eq!(rec["version"], 2);
    // A new number given on the call: added first, and calls from it are his.
    let i = call_from(&mut c, "+420712000001").await["id"]
        .as_i64()
        .unwrap();
    let v = dispose(
        &mut c,
        i,
        json!({"code": "new_number", "new_phone": "+420602000002", "resolved": true}),
    )
    .await;
    assert_eq!(v["resolved_first_contact"], true);
    let rec = c.get(&path).await.unwrap().json();
    assert_eq!(rec["phones"][0]["e164"], "+420602000002");
    assert_eq!(rec["phones"][0]["source"], format!("call {i}"));
    assert_eq!(call_from(&mut c, "+420602000002").await["customer_id"], a);
    // Deceased: every number invalid, tagged, no more calls.
    let i = call_from(&mut c, "+420602000002").await["id"]
        .as_i64()
        .unwrap();
    dispose(&mut c, i, json!({"code": "deceased"})).await;
    let rec = c.get(&path).await.unwrap().json();
    assert!(
        rec["phones"]
            .as_array()
            .unwrap()
            .iter()
            .all(|p| p["valid"] == false),
        "{rec}"
    );
    assert_eq!(rec["tags"], json!(["deceased", "do_not_call"]));
    // The consent ledger says calls were withdrawn, and on what evidence.
    let ledger = c.get(&format!("{path}/consents")).await.unwrap().json();
    let last = &ledger["consents"][0];
    assert_eq!(
        (&last["purpose"], &last["granted"], &last["source"]),
        (&json!("all"), &json!(false), &json!("disposition")),
        "{ledger}"
    );
    assert_eq!(
        last["evidence"],
        format!("interaction {i}: deceased"),
        "{ledger}"
    );
    let tl = c.get(&format!("{path}/timeline")).await.unwrap().json();
    let causes: Vec<&str> = tl["entries"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["kind"] == "change")
        .map(|e| e["a"].as_str().unwrap())
        .collect();
    assert_eq!(
        causes.iter().filter(|c| c.starts_with("contact:")).count(),
        3,
        "{causes:?}"
    );
    // A code with no effect on the record changes nothing on it.
    let i = call_from(&mut c, "+420602000002").await["id"]
        .as_i64()
        .unwrap();
    let v = dispose(&mut c, i, json!({"code": "interested"})).await;
    assert_eq!(v["facts_learned"], 0, "only the number's last outcome: {v}");
}

#[tokio::test]
async fn records_are_kept_in_step_by_external_id_one_by_one_or_in_bulk() {
    let (_e, mut c) = admin().await;
    let put = |body: serde_json::Value| ("PUT", body);
    let path = "/api/v1/customers/by-external-id/K-1";
    let (m, body) = put(json!({"name": "Eva Nová", "phones": ["+420601000001"]}));
    let r = c.request(m, path, &[], Some(&body)).await.unwrap();
    assert_eq!(r.status, 201, "{:?}", r.json());
    let eva = r.json()["customer"]["id"].as_i64().unwrap();
    assert_eq!(r.json()["customer"]["external_id"], "K-1");
    let (m, body) = put(json!({"emails": ["eva@example.cz"]}));
    let r = c.request(m, path, &[], Some(&body)).await.unwrap();
    assert_eq!(r.status, 200, "{:?}", r.json());
    assert_eq!(
        (&r.json()["created"], &r.json()["changed"]),
        (&json!(false), &json!(["emails"]))
    );
    assert_eq!(r.json()["customer"]["id"], eva);
    let r = c.request(m, path, &[], Some(&body)).await.unwrap();
    assert_eq!(
        r.json()["changed"],
        json!([]),
        "the same again changes nothing"
    );
    // A new key needs a name; a version is not taken; the key is the path's.
    for (p, body, field) in [
        (
            "/api/v1/customers/by-external-id/K-2",
            json!({"emails": ["x@example.cz"]}),
            "name",
        ),
        (path, json!({"version": 1, "name": "Eva"}), "version"),
        (path, json!({"external_id": "K-9"}), "external_id"),
    ] {
        let r = c.request("PUT", p, &[], Some(&body)).await.unwrap();
        assert_eq!(r.status, 422, "{:?}", r.json());
        assert!(r.json().to_string().contains(field), "{:?}", r.json());
    }
    // In bulk: each record answered, the good ones written together.
    let records = json!({"records": [
        {"external_id": "K-1", "tags": ["gold"]},
        {"external_id": "K-3", "name": "Jan Král", "phones": ["+420601000003"]},
        {"name": "no key"},
        {"external_id": "K-3", "name": "Jan again"},
        {"external_id": "K-4"},
        {"external_id": "K-1", "emails": ["eva@example.cz"]},
    ]});
    let r = c.post("/api/v1/customers/bulk", &records).await.unwrap();
    assert_eq!(r.status, 200, "{:?}", r.json());
    let v = r.json();
    let statuses: Vec<&str> = v["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x["status"].as_str().unwrap())
        .collect();
    assert_eq!(
        statuses,
        ["updated", "created", "error", "error", "error", "error"],
        "{v}"
    );
    assert_eq!(
        (
            v["created"].as_u64(),
            v["updated"].as_u64(),
            v["errors"].as_u64()
        ),
        (Some(1), Some(1), Some(4)),
        "{v}"
    );
    assert_eq!(v["results"][0]["id"], eva, "{v}");
    let jan = v["results"][1]["id"].as_i64().unwrap();
    assert_eq!(ids(&mut c, "q=K-3").await, [jan]);
    assert!(
        v["results"][3]["error"].as_str().unwrap().contains("twice"),
        "{v}"
    );
    assert!(
        v["results"][4]["error"].as_str().unwrap().contains("name"),
        "{v}"
    );
    let rec = c
        .get(&format!("/api/v1/customers/{eva}"))
        .await
        .unwrap()
        .json();
    assert_eq!(rec["tags"], json!(["gold"]), "{rec}");
    let r = c
        .post("/api/v1/customers/bulk", &json!({"records": []}))
        .await
        .unwrap();
    assert_eq!(r.status, 422, "{:?}", r.json());
}

#[tokio::test]
async fn a_person_gets_everything_kept_about_them_as_one_zip() {
    let (_e, mut c) = admin().await;
    let a = create(
        &mut c,
        json!({"name": "Marta Soler", "phone": "+34611000111"}),
    )
    .await;
    let twin = create(
        &mut c,
        json!({"name": "Marta Soler", "phone": "+34611000222"}),
    )
    .await;
    let i = call_from(&mut c, "+34611000111").await["id"]
        .as_i64()
        .unwrap();
    let r = c
        .post(
            &format!("/api/v1/interactions/{i}/notes"),
            &json!({"body": "asked about her invoice"}),
        )
        .await
        .unwrap();
    assert!(r.status < 300, "{:?}", r.json());
    let consent =
        json!({"purpose": "marketing", "channel": "email", "granted": true, "source": "web_form"});
    let r = c
        .post(&format!("/api/v1/customers/{a}/consents"), &consent)
        .await
        .unwrap();
    assert_eq!(r.status, 201, "{:?}", r.json());
    let r = c
        .post(
            &format!("/api/v1/customers/{a}/merge"),
            &json!({"other": twin}),
        )
        .await
        .unwrap();
    assert_eq!(r.status, 200, "{:?}", r.json());
    let r = c
        .get(&format!("/api/v1/customers/{a}/export"))
        .await
        .unwrap();
    assert_eq!(r.status, 200);
    let mut z = zip::ZipArchive::new(std::io::Cursor::new(r.body.to_vec())).unwrap();
    let mut read = |name: &str| {
        let mut s = String::new();
        std::io::Read::read_to_string(&mut z.by_name(name).unwrap(), &mut s).unwrap();
        s
    };
    assert!(read("README.txt").contains("consents.json"));
    let record: serde_json::Value = serde_json::from_str(&read("record.json")).unwrap();
    assert_eq!(record["record"]["name"], "Marta Soler");
    assert_eq!(record["merged"][0]["id"], twin, "{record}");
    let consents: serde_json::Value = serde_json::from_str(&read("consents.json")).unwrap();
    assert_eq!(consents[0]["purpose"], "marketing");
    let interactions: serde_json::Value = serde_json::from_str(&read("interactions.json")).unwrap();
    assert_eq!(interactions[0]["id"], i);
    assert_eq!(
        interactions[0]["notes"][0]["body"],
        "asked about her invoice"
    );
    let timeline: serde_json::Value = serde_json::from_str(&read("timeline.json")).unwrap();
    assert!(
        timeline
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["kind"] == "note"),
        "{timeline}"
    );
    // The export is in the audit trail.
    let audit = c.get("/api/v1/audit").await.unwrap().json();
    assert!(audit.to_string().contains("customer_exported"), "{audit}");
    let r = c.get("/api/v1/customers/999/export").await.unwrap();
    assert_eq!(r.status, 404);
}

#[tokio::test]
async fn analysts_see_customers_without_their_numbers_or_addresses() {
    let (e, mut c) = admin().await;
    let a = create(
        &mut c,
        json!({"name": "Marta Soler", "phone": "+34611000111", "email": "marta@example.com"}),
    )
    .await;
    let address = json!({"addresses": [{"street": "Carrer Gran 5", "postal_code": "08001", "city": "Barcelona", "country": "ES"}]});
    let r = c
        .request(
            "PATCH",
            &format!("/api/v1/customers/{a}"),
            &[],
            Some(&address),
        )
        .await
        .unwrap();
    assert_eq!(r.status, 200, "{:?}", r.json());
    let i = call_from(&mut c, "+34611000111").await["id"]
        .as_i64()
        .unwrap();
    let r = c
        .post(
            "/api/v1/tokens",
            &json!({"name": "reports", "role": "analyst"}),
        )
        .await
        .unwrap();
    assert_eq!(r.status, 201, "{:?}", r.json());
    let mut analyst = Client::new(&e.app).bearer(r.json()["token"].as_str().unwrap());
    let rec = analyst
        .get(&format!("/api/v1/customers/{a}"))
        .await
        .unwrap()
        .json();
    assert_eq!(rec["name"], "Marta Soler", "{rec}");
    assert_eq!(rec["phones"][0]["e164"], "+34•••••••11", "{rec}");
    assert_eq!(rec["emails"][0], "m•••@example.com", "{rec}");
    assert_eq!(rec["addresses"][0]["street"], "•••", "{rec}");
    assert_eq!(rec["addresses"][0]["city"], "Barcelona", "{rec}");
    assert!(!rec.to_string().contains("611000111"), "{rec}");
    let found = analyst
        .get("/api/v1/customers?q=marta")
        .await
        .unwrap()
        .json();
    assert!(
        !found.to_string().contains("611000111") && found.to_string().contains("Marta"),
        "{found}"
    );
    let it = analyst
        .get(&format!("/api/v1/interactions/{i}"))
        .await
        .unwrap()
        .json();
    assert!(!it.to_string().contains("611000111"), "{it}");
    let list = analyst.get("/api/v1/interactions").await.unwrap().json();
    assert!(!list.to_string().contains("611000111"), "{list}");
    // The live stream too: the facts read back from the start, masked.
    let mut events = analyst.events("/api/v1/events", Some(0)).await.unwrap();
    let mut seen = String::new();
    while !seen.contains("caller_number") {
        let next = tokio::time::timeout(std::time::Duration::from_secs(5), events.next());
        let ev = next
            .await
            .expect("an event")
            .unwrap()
            .expect("the stream goes on");
        seen.push_str(&ev.event);
        seen.push_str(&ev.data);
    }
    assert!(
        seen.contains("+34•••••••11") && !seen.contains("611000111"),
        "{seen}"
    );
    // A supervisor (here the administrator) sees them whole.
    let rec = c
        .get(&format!("/api/v1/customers/{a}"))
        .await
        .unwrap()
        .json();
    assert_eq!(rec["phones"][0]["e164"], "+34611000111");
}

/// Whether any of the database's files holds `needle`.
async fn files_hold(e: &common::Env, needle: &str) -> bool {
    let n = needle.as_bytes();
    let files = e.store.raw_bytes().await.unwrap();
    files.iter().any(|f| f.windows(n.len()).any(|w| w == n))
}

#[tokio::test]
async fn an_erased_person_leaves_no_readable_byte_and_their_contacts_still_count() {
    let (e, mut c) = admin().await;
    let a = create(
        &mut c,
        json!({"name": "Quirina Vantablack", "phone": "+34611000333", "email": "quirina@example.org"}),
    )
    .await;
    create(
        &mut c,
        json!({"name": "Teodoro Keepme", "phone": "+34611000444"}),
    )
    .await;
    let i = call_from(&mut c, "+34611000333").await;
    assert_eq!(i["customer_id"], a);
    let i = i["id"].as_i64().unwrap();
    let r = c
        .post(
            &format!("/api/v1/interactions/{i}/notes"),
            &json!({"body": "Quirina gave her IBAN ES7600ZZ"}),
        )
        .await
        .unwrap();
    assert!(r.status < 300, "{:?}", r.json());
    let consent = json!({"purpose": "marketing", "channel": "voice", "granted": true,
        "source": "call", "evidence": "signed form QV-4471"});
    let r = c
        .post(&format!("/api/v1/customers/{a}/consents"), &consent)
        .await
        .unwrap();
    assert_eq!(r.status, 201, "{:?}", r.json());
    // Not while the call is on.
    let r = c
        .post(&format!("/api/v1/customers/{a}/erase"), &json!({}))
        .await
        .unwrap();
    assert_eq!(r.status, 409, "{:?}", r.json());
    // Agent ana takes the call and ends it.
    let ana = json!({"name": "ana", "skills": [{"name": "support", "level": 5}]});
    assert_eq!(c.post("/api/v1/agents", &ana).await.unwrap().status, 201);
    c.post("/api/v1/agents/0/sign-in", &json!({}))
        .await
        .unwrap();
    let t = e.store.tenant_by_name("acme").await.unwrap().unwrap();
    let hub = e.state.hub.tenant(&t).await.unwrap();
    hub.call(server::tenant::Op::Accept(i, 0)).await.unwrap();
    let wav = common::scratch("erase-recording").join(format!("{i}.wav"));
    std::fs::write(&wav, b"RIFF Quirina's voice").unwrap();
    let started = store::CallFact::RecordingStarted {
        path: wav.display().to_string(),
        by: "always".into(),
    };
    hub.call(server::tenant::Op::CallFact(i, started))
        .await
        .unwrap();
    hub.call(server::tenant::Op::Complete(i, Some(0)))
        .await
        .unwrap();
    let before = c
        .get(&format!("/api/v1/interactions/{i}"))
        .await
        .unwrap()
        .json();
    let secrets = [
        "Quirina",
        "611000333",
        "quirina@example.org",
        "ES7600ZZ",
        "QV-4471",
    ];
    for s in secrets {
        assert!(files_hold(&e, s).await, "{s} should be in the files before");
    }
    let r = c
        .post(&format!("/api/v1/customers/{a}/erase"), &json!({}))
        .await
        .unwrap();
    assert_eq!(r.status, 200, "{:?}", r.json());
    let done = r.json();
    assert_eq!(
        (done["customers"].clone(), done["interactions"].clone()),
        (json!([a]), json!(1)),
        "{done}"
    );
    assert_eq!(done["numbers"], 1, "{done}");
    assert!(done["facts_redacted"].as_i64().unwrap() >= 4, "{done}");
    assert_eq!(done["files_deleted"], 1, "{done}");
    assert!(!wav.exists(), "the recording is deleted");
    for s in secrets {
        assert!(
            !files_hold(&e, s).await,
            "{s} is still in the database files"
        );
    }
    assert!(
        files_hold(&e, "Keepme").await,
        "another person's record stays"
    );
    // The record stays, emptied; its contact still counts, as it was.
    let v = c
        .get(&format!("/api/v1/customers/{a}"))
        .await
        .unwrap()
        .json();
    assert_eq!(v["name"], "(erased)", "{v}");
    assert!(v["erased_at"].is_i64(), "{v}");
    assert!(ids(&mut c, "phone=%2B34611000333").await.is_empty());
    let after = c
        .get(&format!("/api/v1/interactions/{i}"))
        .await
        .unwrap()
        .json();
    assert_eq!(
        (after["state"].clone(), after["channel"].clone()),
        (before["state"].clone(), before["channel"].clone())
    );
    // Again: nothing left to do; no more writes to the record.
    let r = c
        .post(&format!("/api/v1/customers/{a}/erase"), &json!({}))
        .await
        .unwrap();
    assert_eq!(
        (r.status, r.json()["facts_redacted"].clone()),
        (200, json!(0)),
        "{:?}",
        r.json()
    );
    let r = c
        .post(&format!("/api/v1/customers/{a}/consents"), &consent)
        .await
        .unwrap();
    assert_eq!(r.status, 409, "{:?}", r.json());
    let audit = c.get("/api/v1/audit").await.unwrap().json();
    assert!(audit.to_string().contains("customer_erased"), "{audit}");
    assert_eq!(
        c.post("/api/v1/customers/999/erase", &json!({}))
            .await
            .unwrap()
            .status,
        404
    );
    // The log still rebuilds, to the same projections, and a core still recovers from it.
    let live = e.store.projection_snapshot(&t).await.unwrap();
    e.store.rebuild(&t).await.unwrap();
    assert_eq!(e.store.projection_snapshot(&t).await.unwrap(), live);
    let key = server::erasure::tenant_key(&e.store, &t, &e.state.secrets)
        .await
        .unwrap();
    server::tenant::spawn(e.store.clone(), t, Some(key))
        .await
        .unwrap();
}

#[tokio::test]
async fn retention_erases_customers_without_activity_for_the_tenants_days() {
    let (e, mut c) = admin().await;
    let r = c
        .put(
            "/api/v1/settings/tenant",
            &json!({"customer_retention_days": 0}),
        )
        .await
        .unwrap();
    assert_eq!(r.status, 422, "{:?}", r.json());
    assert!(r.json().to_string().contains("customer_retention_days"));
    let r = c
        .put(
            "/api/v1/settings/tenant",
            &json!({"customer_retention_days": 30}),
        )
        .await
        .unwrap();
    assert!(r.status < 300, "{:?}", r.json());
    let old = create(
        &mut c,
        json!({"name": "Rita Retired", "phone": "+34611000777"}),
    )
    .await;
    let t = e.store.tenant_by_name("acme").await.unwrap().unwrap();
    let now = server::clock::now_ms();
    let pass = |at| server::erasure::retention_pass_at(&e.state, &t, at);
    assert!(
        pass(now).await.unwrap().customers.is_empty(),
        "nothing is 30 days old"
    );
    let done = pass(now + 31 * 86_400_000).await.unwrap();
    assert_eq!(done.customers, vec![old]);
    let v = c
        .get(&format!("/api/v1/customers/{old}"))
        .await
        .unwrap()
        .json();
    assert_eq!(v["name"], "(erased)", "{v}");
    let audit = c.get("/api/v1/audit").await.unwrap().json().to_string();
    assert!(
        audit.contains("customer_erased") && audit.contains("system"),
        "{audit}"
    );
    assert!(
        pass(now + 31 * 86_400_000)
            .await
            .unwrap()
            .customers
            .is_empty(),
        "once"
    );
}

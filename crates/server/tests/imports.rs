//! Imports through the API: real-looking files (CSV with `;` in
//! Windows-1250, UTF-8 with a BOM, XLSX with phones stored as numbers),
//! matching against the records there, the report of rejected lines, dry
//! runs, a file that cannot be read, mapping files, and importing the same
//! file again.

use std::time::Duration;

use serde_json::{Value, json};

mod common;

use common::client::Client;

async fn admin() -> (common::Env, Client) {
    common::admin_client("imports").await
}

/// Posts a file of customers and waits for the import to end: its final state.
async fn import(c: &mut Client, name: &str, bytes: &[u8], extra: &[(&str, &[u8])]) -> Value {
    let mut parts: Vec<(&str, &[u8])> = vec![("kind", b"customers")];
    parts.extend_from_slice(extra);
    post_import(c, name, bytes, &parts).await
}

/// Posts a file with these parts and waits for the import to end.
async fn post_import(c: &mut Client, name: &str, bytes: &[u8], extra: &[(&str, &[u8])]) -> Value {
    let mut parts: Vec<(&str, Option<&str>, &[u8])> = vec![("file", Some(name), bytes)];
    parts.extend(extra.iter().map(|(k, v)| (*k, None, *v)));
    let r = c.multipart("/api/v1/imports", &[], &parts).await.unwrap();
    assert_eq!(r.status, 202, "{:?}", r.json());
    wait(c, r.json()["id"].as_i64().unwrap()).await
}

/// Waits for an import to end: its final state.
async fn wait(c: &mut Client, id: i64) -> Value {
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

async fn rejects(c: &mut Client, id: &Value) -> String {
    let r = c
        .get(&format!("/api/v1/imports/{id}/rejects"))
        .await
        .unwrap();
    assert_eq!(r.status, 200);
    String::from_utf8(r.body.to_vec()).unwrap()
}

async fn find(c: &mut Client, q: &str) -> Vec<Value> {
    let r = c.get(&format!("/api/v1/customers?q={q}")).await.unwrap();
    assert_eq!(r.status, 200, "{:?}", r.json());
    r.json()["customers"].as_array().unwrap().clone()
}

fn counts(v: &Value) -> [i64; 5] {
    ["created", "updated", "unchanged", "rejected", "duplicates"].map(|k| v[k].as_i64().unwrap())
}

/// Czech customers in Windows-1250 with `;` and a quoted address, as a
/// Czech spreadsheet saves them.
const CZECH: &str = "Číslo zákazníka;Jméno a příjmení;Telefon;Mobil;E-mail;Ulice;PSČ;Město;Země;Poznámka\r\n\
K-1;Tomáš Dvořák;724 123 456;;tomas@example.cz;\"Náměstí Míru 5; byt 3\";120 00;Praha;CZ;x\r\n\
K-2;Jiří Šťastný;+420 602 111 222;603 222 333;jiri@example.cz;Dlouhá 7;110 00;Praha;Česko;\r\n\
K-3;Eva Nováková;12;;eva@@example;;;Brno;CZ;\r\n\
;;;;;;;;;\r\n\
K-4;;;;;;;;;\r\n";

#[tokio::test]
async fn a_windows_1250_csv_is_imported_matched_and_reported_and_again_changes_nothing() {
    let (_e, mut c) = admin().await;
    let (bytes, _, bad) = encoding_rs::WINDOWS_1250.encode(CZECH);
    assert!(!bad);
    let v = import(&mut c, "zakaznici.csv", &bytes, &[("country", b"CZ")]).await;
    assert_eq!(v["state"], "done", "{v}");
    assert_eq!(v["rows_total"], 4, "the blank line is no row: {v}");
    assert_eq!(counts(&v), [3, 0, 0, 1, 0], "{v}");
    let report = rejects(&mut c, &v["id"]).await;
    let lines: Vec<&str> = report.lines().collect();
    assert_eq!(lines[0], "line,column,reason");
    assert!(
        lines.contains(
            &"1,Poznámka,column not recognised: not imported (a mapping file can name it)"
        ),
        "{report}"
    );
    assert!(
        lines.iter().any(|l| l.starts_with("4,Telefon,")),
        "the short number is reported: {report}"
    );
    assert!(lines.iter().any(|l| l.starts_with("4,E-mail,")), "{report}");
    assert!(
        lines.iter().any(|l| l.starts_with("6,,no name")),
        "{report}"
    );
    // Accents and word order do not matter; the numbers are E.164.
    let found = find(&mut c, "dvorak%20tomas").await;
    assert_eq!(found.len(), 1);
    let t = &found[0];
    assert_eq!(t["external_id"], "K-1");
    assert_eq!(t["phones"][0]["e164"], "+420724123456");
    assert_eq!(t["addresses"][0]["street"], "Náměstí Míru 5; byt 3");
    assert_eq!(t["addresses"][0]["country"], "CZ");
    // The time zone comes from the address's country.
    assert_eq!(t["time_zone"], "Europe/Prague");
    let j = &find(&mut c, "603222333&country=CZ").await[0];
    assert_eq!(j["name"], "Jiří Šťastný");
    assert_eq!(j["phones"][1]["kind"], "mobile");
    // The unparseable number is kept, marked invalid, never dropped.
    let eva = &find(&mut c, "nováková").await[0];
    assert_eq!(eva["phones"][0]["number"], "12");
    assert_eq!(eva["phones"][0]["valid"], false);
    // The same file again: nothing changes.
    let again = import(&mut c, "zakaznici.csv", &bytes, &[("country", b"CZ")]).await;
    assert_eq!(counts(&again), [0, 0, 3, 1, 0], "{again}");
}

#[tokio::test]
async fn rows_match_by_external_id_then_phone_then_email_and_a_dry_run_writes_nothing() {
    let (_e, mut c) = admin().await;
    let first = "\u{feff}external_id,name,phone,email,city,postal_code,country\n\
C1,María García,612 345 678,maria@example.es,Madrid,28001,ES\n\
C2,Jordi Puig,+34 699 000 111,jordi@example.es,Barcelona,08001,ES\n";
    let v = import(&mut c, "a.csv", first.as_bytes(), &[]).await;
    assert_eq!(counts(&v), [2, 0, 0, 0, 0], "{v}");
    // C1 renamed and moved; C9 has Jordi's number under another key; C8 has
    // María's address in capitals; C7 is new.
    let second = "external_id,name,phone,email,city,postal_code,country\n\
C1,María García López,612345678,maria@example.es,Sevilla,41001,ES\n\
C9,J. Puig,0034699000111,,,,ES\n\
C8,Maria G.,,MARIA@EXAMPLE.ES,,,ES\n\
C7,Núria Ferrer,600 000 007,,Girona,17001,ES\n";
    let dry = import(&mut c, "b.csv", second.as_bytes(), &[("dry_run", b"true")]).await;
    assert_eq!(counts(&dry), [1, 1, 2, 0, 2], "{dry}");
    assert_eq!(dry["dry_run"], true);
    assert!(
        find(&mut c, "ferrer").await.is_empty(),
        "a dry run writes nothing"
    );
    let v = import(&mut c, "b.csv", second.as_bytes(), &[]).await;
    assert_eq!(counts(&v), [1, 1, 2, 0, 2], "{v}");
    let m = &find(&mut c, "C1").await[0];
    assert_eq!(m["name"], "María García López");
    assert_eq!(m["addresses"][0]["city"], "Sevilla");
    assert_eq!(m["addresses"][1]["city"], "Madrid");
    let report = rejects(&mut c, &v["id"]).await;
    assert!(
        report.contains("3,,the same person as external id C2"),
        "{report}"
    );
    // Its timeline says which import changed it.
    let id = m["id"].as_i64().unwrap();
    let tl = c
        .get(&format!("/api/v1/customers/{id}/timeline"))
        .await
        .unwrap()
        .json();
    assert_eq!(tl["entries"][0]["a"], format!("import:{}", v["id"]));
    assert_eq!(tl["entries"][0]["b"], r#"["name","addresses"]"#);
}

#[tokio::test]
async fn an_xlsx_with_a_mapping_and_custom_fields_is_imported() {
    let (_e, mut c) = admin().await;
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet().set_name("Clientes").unwrap();
    for (i, h) in ["Código", "Nombre completo", "Móvil", "Contrato", "Saldo"]
        .iter()
        .enumerate()
    {
        ws.write_string(0, i as u16, *h).unwrap();
    }
    ws.write_string(1, 0, "X-1").unwrap();
    ws.write_string(1, 1, "Lucía López").unwrap();
    ws.write_number(1, 2, 612000001.0).unwrap();
    ws.write_string(1, 3, "CT-77").unwrap();
    ws.write_number(1, 4, 1250.5).unwrap();
    let bytes = wb.save_to_buffer().unwrap();
    let mapping = b"[columns]\nexternal_id = \"C\xc3\xb3digo\"\nname = \"Nombre completo\"\nphone = \"M\xc3\xb3vil\"\n[custom]\ncontract = \"Contrato\"\nbalance = \"Saldo\"\n";
    let v = import(
        &mut c,
        "clientes.xlsx",
        &bytes,
        &[
            ("mapping", mapping),
            ("country", b"ES"),
            ("sheet", b"Clientes"),
        ],
    )
    .await;
    assert_eq!(v["state"], "done", "{v}");
    assert_eq!(counts(&v), [1, 0, 0, 0, 0], "{v}");
    let l = &find(&mut c, "lucia").await[0];
    assert_eq!(l["phones"][0]["e164"], "+34612000001");
    assert_eq!(
        l["fields"],
        json!({"balance": "1250.5", "contract": "CT-77"})
    );
    // A mapping naming a header the file lacks: the import fails, writes nothing.
    let bad = b"[columns]\nname = \"Nombre\"\n";
    let v = import(&mut c, "clientes.xlsx", &bytes, &[("mapping", bad)]).await;
    assert_eq!(v["state"], "failed", "{v}");
    assert!(v["error"].as_str().unwrap().contains("Nombre"), "{v}");
    assert_eq!(counts(&v), [0, 0, 0, 0, 0]);
}

#[tokio::test]
async fn bad_imports_are_refused_with_the_field_named() {
    let (_e, mut c) = admin().await;
    let r = c
        .multipart("/api/v1/imports", &[], &[("kind", None, b"customers")])
        .await
        .unwrap();
    assert_eq!(
        (
            r.status,
            r.json()["error"]["message"]
                .as_str()
                .unwrap()
                .starts_with("file")
        ),
        (422, true),
        "{:?}",
        r.json()
    );
    let r = c
        .multipart(
            "/api/v1/imports",
            &[],
            &[
                ("file", Some("a.csv"), b"name\nA\n"),
                ("kind", None, b"invoices"),
            ],
        )
        .await
        .unwrap();
    assert_eq!(r.status, 422);
    let r = c
        .multipart(
            "/api/v1/imports",
            &[],
            &[
                ("file", Some("a.csv"), b"name\nA\n"),
                ("mapping", None, b"[columns]\nfoo = \"x\"\n"),
            ],
        )
        .await
        .unwrap();
    assert_eq!(r.status, 422, "{:?}", r.json());
    let r = c
        .multipart(
            "/api/v1/imports",
            &[],
            &[
                ("file", Some("a.csv"), b"name\nA\n"),
                ("country", None, b"XX"),
            ],
        )
        .await
        .unwrap();
    assert_eq!(r.status, 422);
    // Not a table at all: the import fails, with the reason.
    let v = import(&mut c, "x.xlsx", b"PK\x03\x04 not really a workbook", &[]).await;
    assert_eq!(v["state"], "failed", "{v}");
    assert_eq!(c.get("/api/v1/imports/999").await.unwrap().status, 404);
}

#[tokio::test]
async fn custom_fields_the_tenant_defined_are_checked_on_import_and_edit() {
    let (_e, mut c) = admin().await;
    let defs = json!({"fields": [
        {"name": "contract", "label": "Contract", "type": "choice", "options": ["Prepaid", "Postpaid"], "required": true, "screen_pop": true},
        {"name": "balance", "type": "number"},
        {"name": "born", "type": "date"}
    ]});
    let r = c
        .put("/api/v1/settings/customer-fields", &defs)
        .await
        .unwrap();
    assert_eq!(r.status, 204, "{:?}", r.json());
    let back = c
        .get("/api/v1/settings/customer-fields")
        .await
        .unwrap()
        .json();
    assert_eq!(back["fields"][0]["type"], "choice");
    assert_eq!(back["fields"][0]["screen_pop"], true);
    let bad = json!({"fields": [{"name": "x", "type": "choice"}]});
    let r = c
        .put("/api/v1/settings/customer-fields", &bad)
        .await
        .unwrap();
    assert_eq!(r.status, 422);
    assert!(
        r.json()["error"]["message"]
            .as_str()
            .unwrap()
            .starts_with("fields[0].options:"),
        "{:?}",
        r.json()
    );

    let csv = "Nombre;Teléfono;Contrato;Saldo;Nacido\n\
Ana Ruiz;+34 600 000 001;prepaid;12,5;31/12/1980\n\
Luis Gil;+34 600 000 002;Postpaid;mucho;\n\
Sara Pons;+34 600 000 003;;;\n";
    let mapping = "[columns]\nname = \"Nombre\"\nphone = \"Teléfono\"\n[custom]\ncontract = \"Contrato\"\nbalance = \"Saldo\"\nborn = \"Nacido\"\n";
    let v = import(
        &mut c,
        "campos.csv",
        csv.as_bytes(),
        &[("mapping", mapping.as_bytes())],
    )
    .await;
    assert_eq!(v["state"], "done", "{v}");
    assert_eq!(counts(&v), [1, 0, 0, 2, 0], "{v}");
    let report = rejects(&mut c, &v["id"]).await;
    assert!(
        report.contains("3,fields.balance,\"\"\"mucho\"\" is not a number\""),
        "{report}"
    );
    assert!(report.contains("4,fields.contract,required"), "{report}");
    let ana = &find(&mut c, "ana%20ruiz").await[0];
    // Values in their one form.
    assert_eq!(
        ana["fields"],
        json!({"balance": "12.5", "born": "1980-12-31", "contract": "Prepaid"})
    );
    // Mobile numbers in Spain: the peninsula or the Canaries, no zone told.
    assert_eq!(ana["time_zone"], Value::Null);
    let id = ana["id"].as_i64().unwrap();
    let r = c
        .patch(
            &format!("/api/v1/customers/{id}"),
            &json!({"fields": {"contract": "gold"}}),
        )
        .await
        .unwrap();
    assert_eq!(r.status, 422, "{:?}", r.json());
    assert!(
        r.json()["error"]["message"]
            .as_str()
            .unwrap()
            .starts_with("fields.contract:"),
        "{:?}",
        r.json()
    );
    let r = c
        .patch(
            &format!("/api/v1/customers/{id}"),
            &json!({"fields": {"contract": null}}),
        )
        .await
        .unwrap();
    assert_eq!(r.status, 422, "a required field cannot go: {:?}", r.json());
    // An address in the Canaries gives the zone (the postal code's province).
    let r = c
        .patch(
            &format!("/api/v1/customers/{id}"),
            &json!({"addresses": [{"street": "Calle Triana 1", "postal_code": "35002", "city": "Las Palmas", "country": "ES"}]}),
        )
        .await
        .unwrap();
    assert_eq!(r.status, 200, "{:?}", r.json());
    assert_eq!(r.json()["customer"]["time_zone"], "Atlantic/Canary");
}

#[tokio::test]
async fn a_contact_list_loads_through_the_same_path_and_again_adds_nothing() {
    let (_e, mut c) = admin().await;
    let plan = "[[queue]]\nname = \"sales\"\n";
    let r = c
        .put("/api/v1/routing/plan", &json!({"document": plan}))
        .await
        .unwrap();
    assert_eq!(r.status, 204, "{:?}", r.json());
    let r = c
        .post(
            "/api/v1/campaigns",
            &json!({"name": "renewals", "settings": {"queue": "sales", "team": "renewals", "caller_id": "+34900000000"}}),
        )
        .await
        .unwrap();
    assert_eq!(r.status, 201, "{:?}", r.json());
    let campaign = r.json()["id"].as_i64().unwrap().to_string();
    // Ana is already a customer; Luis twice (his second row adds a number);
    // Sara has no number that can be dialled.
    let r = c
        .post(
            "/api/v1/customers",
            &json!({"name": "Ana Ruiz", "phone": "+34600000001"}),
        )
        .await
        .unwrap();
    assert_eq!(r.status, 201, "{:?}", r.json());
    let csv = "Nombre,Teléfono,Móvil,Email\n\
Ana Ruiz,600 000 001,,\n\
Luis Gil,600 000 002,,\n\
Luis Gil,600 000 002,611 000 002,\n\
Sara Pons,12,,sara@example.com\n";
    let parts = [
        ("country", b"ES".as_slice()),
        ("campaign", campaign.as_bytes()),
    ];
    let with_kind = |kind: &'static [u8]| {
        let mut v: Vec<(&str, &[u8])> = parts.to_vec();
        v.push(("kind", kind));
        v
    };
    // Without a campaign, or with another kind: refused.
    let r = c
        .multipart(
            "/api/v1/imports",
            &[],
            &[
                ("file", Some("l.csv"), csv.as_bytes()),
                ("kind", None, b"contacts"),
            ],
        )
        .await
        .unwrap();
    assert_eq!(r.status, 422, "{:?}", r.json());
    let r = c
        .multipart(
            "/api/v1/imports",
            &[],
            &[
                ("file", Some("l.csv"), csv.as_bytes()),
                ("kind", None, b"invoices"),
            ],
        )
        .await
        .unwrap();
    assert_eq!(r.status, 422, "{:?}", r.json());
    let v = post_import(&mut c, "list.csv", csv.as_bytes(), &with_kind(b"contacts")).await;
    assert_eq!(v["state"], "done", "{v}");
    assert_eq!(v["kind"], "contacts");
    assert_eq!(counts(&v), [2, 1, 1, 0, 0], "{v}");
    assert_eq!(v["contacts_added"], 2, "{v}");
    let report = rejects(&mut c, &v["id"]).await;
    assert!(report.contains("5,,\"no valid number to dial"), "{report}");
    let list = c
        .get(&format!("/api/v1/campaigns/{campaign}/contacts"))
        .await
        .unwrap()
        .json();
    let contacts = list["contacts"].as_array().unwrap();
    assert_eq!(contacts.len(), 2, "{list}");
    let luis = contacts.iter().find(|x| x["name"] == "Luis Gil").unwrap();
    assert_eq!(
        luis["phones"],
        json!(["+34600000002", "+34611000002"]),
        "{luis}"
    );
    assert!(luis["customer_id"].as_i64().is_some(), "{luis}");
    // The same file again: no record changes, no contact is added twice.
    let again = post_import(&mut c, "list.csv", csv.as_bytes(), &with_kind(b"contacts")).await;
    assert_eq!(counts(&again), [0, 0, 4, 0, 0], "{again}");
    assert_eq!(again["contacts_added"], 0, "{again}");
}

#[tokio::test]
async fn a_campaign_is_fed_from_a_saved_customer_query() {
    let (_e, mut c) = admin().await;
    let plan = "[[queue]]\nname = \"sales\"\n";
    let r = c
        .put("/api/v1/routing/plan", &json!({"document": plan}))
        .await
        .unwrap();
    assert_eq!(r.status, 204, "{:?}", r.json());
    let r = c
        .post(
            "/api/v1/campaigns",
            &json!({"name": "gold", "settings": {"queue": "sales", "team": "gold", "caller_id": "+34900000000"}}),
        )
        .await
        .unwrap();
    assert_eq!(r.status, 201, "{:?}", r.json());
    let campaign = r.json()["id"].as_i64().unwrap().to_string();
    // Ana and Luis are gold (Luis has no number to dial), Sara silver, Pau
    // gold but asked not to be called.
    let mut ids = Vec::new();
    for (name, phone, tags) in [
        ("Ana Ruiz", "+34600000001", json!(["gold"])),
        ("Luis Gil", "12", json!(["Gold"])),
        ("Sara Pons", "+34600000003", json!(["silver"])),
        ("Pau Vila", "+34600000004", json!(["gold", "do_not_call"])),
    ] {
        let r = c
            .post("/api/v1/customers", &json!({"name": name, "phone": phone}))
            .await
            .unwrap();
        assert_eq!(r.status, 201, "{:?}", r.json());
        let id = r.json()["id"].as_i64().unwrap();
        let body = json!({"tags": tags});
        let path = format!("/api/v1/customers/{id}");
        let r = c.request("PATCH", &path, &[], Some(&body)).await.unwrap();
        assert_eq!(r.status, 200, "{:?}", r.json());
        ids.push(id);
    }
    // Bad queries and names are refused, naming the part.
    let r = c
        .put("/api/v1/customer-queries/gold", &json!({"tags_all": [" "]}))
        .await
        .unwrap();
    assert_eq!(r.status, 422, "{:?}", r.json());
    assert!(
        r.json().to_string().contains("tags_all[0]"),
        "{:?}",
        r.json()
    );
    let r = c
        .put("/api/v1/customer-queries/Gold%20List", &json!({}))
        .await
        .unwrap();
    assert_eq!(r.status, 422, "{:?}", r.json());
    let gold = json!({"description": "gold, callable", "tags_all": ["gold"], "tags_none": ["do_not_call"]});
    let r = c.put("/api/v1/customer-queries/gold", &gold).await.unwrap();
    assert_eq!(r.status, 204, "{:?}", r.json());
    let list = c.get("/api/v1/customer-queries").await.unwrap().json();
    assert_eq!(list["queries"][0]["name"], "gold", "{list}");
    assert_eq!(
        list["queries"][0]["tags_none"],
        json!(["do_not_call"]),
        "{list}"
    );
    let found = c
        .get("/api/v1/customer-queries/gold/customers?limit=10")
        .await
        .unwrap()
        .json();
    let found_ids: Vec<i64> = found["customers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x["id"].as_i64().unwrap())
        .collect();
    assert_eq!(found_ids, [ids[0], ids[1]], "{found}");
    assert_eq!(found["next_after"], Value::Null, "{found}");
    // The feed: a contacts import from the query instead of a file.
    let post = async |c: &mut Client, parts: &[(&str, Option<&str>, &[u8])]| {
        c.multipart("/api/v1/imports", &[], parts).await.unwrap()
    };
    let base: [(&str, Option<&str>, &[u8]); 2] = [
        ("kind", None, b"contacts"),
        ("campaign", None, campaign.as_bytes()),
    ];
    let with = |extra: (&'static str, Option<&'static str>, &'static [u8])| {
        let mut v = base.to_vec();
        v.push(extra);
        v
    };
    let r = post(&mut c, &with(("query", None, b"nope"))).await;
    assert_eq!(r.status, 422, "{:?}", r.json());
    let mut both = with(("query", None, b"gold"));
    both.push(("file", Some("x.csv"), b"Nombre\nX\n"));
    let r = post(&mut c, &both).await;
    assert_eq!(r.status, 422, "{:?}", r.json());
    let r = post(&mut c, &with(("query", None, b"gold"))).await;
    assert_eq!(r.status, 202, "{:?}", r.json());
    let v = wait(&mut c, r.json()["id"].as_i64().unwrap()).await;
    assert_eq!(v["state"], "done", "{v}");
    assert_eq!(v["kind"], "contacts", "{v}");
    assert_eq!(v["file_name"], "query:gold", "{v}");
    assert_eq!(
        (v["rows_read"].as_i64(), v["contacts_added"].as_i64()),
        (Some(4), Some(1)),
        "{v}"
    );
    assert_eq!(v["rejected"], 1, "{v}");
    let report = rejects(&mut c, &v["id"]).await;
    assert!(report.contains(&format!("customer {}", ids[1])), "{report}");
    let list = c
        .get(&format!("/api/v1/campaigns/{campaign}/contacts"))
        .await
        .unwrap()
        .json();
    let contacts = list["contacts"].as_array().unwrap();
    assert_eq!(contacts.len(), 1, "{list}");
    assert_eq!(contacts[0]["customer_id"], ids[0], "{list}");
    assert_eq!(contacts[0]["phones"], json!(["+34600000001"]), "{list}");
    // Fed again: nobody is added twice.
    let r = post(&mut c, &with(("query", None, b"gold"))).await;
    let again = wait(&mut c, r.json()["id"].as_i64().unwrap()).await;
    assert_eq!(again["contacts_added"], 0, "{again}");
    // Removed, the query is gone.
    let r = c
        .request("DELETE", "/api/v1/customer-queries/gold", &[], None)
        .await
        .unwrap();
    assert_eq!(r.status, 204);
    let r = c.get("/api/v1/customer-queries/gold").await.unwrap();
    assert_eq!(r.status, 404);
    let list = c.get("/api/v1/customer-queries").await.unwrap().json();
    assert_eq!(list["queries"], json!([]), "{list}");
}

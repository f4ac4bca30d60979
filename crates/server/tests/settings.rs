//! The tenant's settings (time zone and holidays) over the API and on the
//! administration page: defaults, one check at the edge with the field
//! named, the document kept in the log as `setting_set`, tenants apart.

use common::client::{Client, Reply};
use serde_json::json;
use server::auth;
use store::{Fact, Tenant};

mod common;

use common::Env;

const PASSWORD: &str = "a long enough password";

fn text(r: &Reply) -> String {
    String::from_utf8_lossy(&r.body).to_string()
}

async fn token(e: &Env, t: &Tenant, role: &str) -> Client {
    let token = auth::new_token();
    e.store
        .create_token(t, "test", role, &auth::secret_hash(&token), 1)
        .await
        .unwrap();
    Client::new(&e.app).bearer(&token)
}

#[tokio::test]
async fn a_tenant_has_utc_and_no_holidays_until_an_administrator_sets_them() {
    let e = common::env("settings").await;
    let t = e.store.create_tenant("acme", 1).await.unwrap();
    let other = e.store.create_tenant("other", 1).await.unwrap();
    let mut admin = token(&e, &t, "admin").await;
    let mut sup = token(&e, &t, "supervisor").await;
    let r = sup.get("/api/v1/settings/tenant").await.unwrap();
    assert_eq!(r.status, 200);
    assert_eq!(r.json(), json!({"time_zone": "UTC", "holidays": []}));
    // Replaced whole; holidays come back in date order, an empty name is no name.
    let doc = json!({"time_zone": "Europe/Madrid", "holidays": [
        {"date": "2026-12-25", "name": "Christmas"},
        {"date": "2026-01-06", "name": ""},
        {"date": "2026-10-12", "name": "Fiesta Nacional"}
    ]});
    let r = admin.put("/api/v1/settings/tenant", &doc).await.unwrap();
    assert_eq!(r.status, 204, "{:?}", r.json());
    let r = sup.get("/api/v1/settings/tenant").await.unwrap();
    assert_eq!(
        r.json(),
        json!({"time_zone": "Europe/Madrid", "holidays": [
            {"date": "2026-01-06"},
            {"date": "2026-10-12", "name": "Fiesta Nacional"},
            {"date": "2026-12-25", "name": "Christmas"}
        ]})
    );
    // Supervisors read it; only administrators change it.
    let r = sup.put("/api/v1/settings/tenant", &doc).await.unwrap();
    assert_eq!(r.status, 403);
    // It is a fact of the log, named `tenant`.
    let log = e.store.events_after(&t, 0, 100).await.unwrap();
    assert!(log.iter().any(|r| matches!(&r.fact,
        Fact::SettingSet { name, document } if name == "tenant" && document.contains("Europe/Madrid"))));
    // Another tenant's settings are its own.
    let mut other_admin = token(&e, &other, "admin").await;
    let r = other_admin.get("/api/v1/settings/tenant").await.unwrap();
    assert_eq!(r.json()["time_zone"], "UTC");
}

#[tokio::test]
async fn a_mistake_names_its_field_and_nothing_is_saved() {
    let e = common::env("settings").await;
    let t = e.store.create_tenant("acme", 1).await.unwrap();
    let mut admin = token(&e, &t, "admin").await;
    let long = "x".repeat(65);
    let many: Vec<_> = (0..(366 * 5 + 1))
        .map(|i| {
            let d = chrono::NaiveDate::from_ymd_opt(2020, 1, 1).unwrap() + chrono::Days::new(i);
            json!({"date": d.to_string()})
        })
        .collect();
    for (doc, code, field) in [
        (
            json!({"time_zone": "Mars/Olympus"}),
            "invalid_field",
            "time_zone: ",
        ),
        (
            json!({"holidays": [{"date": "2026-12-25"}, {"date": "25/12/2026"}]}),
            "invalid_field",
            "holidays[1].date: ",
        ),
        (
            json!({"holidays": [{"date": "2026-02-30"}]}),
            "invalid_field",
            "holidays[0].date: ",
        ),
        (
            json!({"holidays": [{"date": "2026-12-25"}, {"date": "2026-12-25"}]}),
            "invalid_field",
            "holidays[1].date: ",
        ),
        (
            json!({"holidays": [{"date": "2026-12-25", "name": long}]}),
            "invalid_field",
            "holidays[0].name: ",
        ),
        (json!({"holidays": many}), "invalid_field", "holidays: "),
        (
            json!({"zone": "UTC"}),
            "invalid_json",
            "zone: unknown field",
        ),
        (
            json!({"holidays": [{"date": 20261225}]}),
            "invalid_json",
            "holidays[0].date: ",
        ),
    ] {
        let r = admin.put("/api/v1/settings/tenant", &doc).await.unwrap();
        assert_eq!(r.error_code().as_deref(), Some(code), "{:?}", r.json());
        let msg = r.json()["error"]["message"].as_str().unwrap().to_string();
        assert!(msg.starts_with(field), "{msg}");
    }
    let r = admin.get("/api/v1/settings/tenant").await.unwrap();
    assert_eq!(r.json(), json!({"time_zone": "UTC", "holidays": []}));
}

/// Signs in through the API; a client with the session cookie and CSRF token.
async fn session(e: &Env, t: &Tenant, user: &str, role: &str) -> Client {
    e.store
        .create_user(t, user, &auth::hash_password(PASSWORD).unwrap(), role, 1)
        .await
        .unwrap();
    let mut c = Client::new(&e.app);
    let r = c
        .post(
            "/api/v1/sessions",
            &json!({"tenant": t.name(), "username": user, "password": PASSWORD}),
        )
        .await
        .unwrap();
    assert_eq!(r.status, 201);
    let csrf = r.json()["csrf_token"].as_str().unwrap().to_string();
    c.headers.push(("cookie".into(), r.cookies()));
    c.headers.push(("x-csrf-token".into(), csrf));
    c
}

#[tokio::test]
async fn the_administration_page_edits_the_zone_and_the_holidays() {
    let e = common::env("settings").await;
    let t = e.store.create_tenant("acme", 1).await.unwrap();
    let mut admin = session(&e, &t, "admin", "admin").await;
    let page = text(&admin.get("/ui/admin").await.unwrap());
    assert!(
        page.contains("id=\"tenant-tz\" name=\"time_zone\" value=\"UTC\""),
        "{page}"
    );
    // A mistake is shown next to its field with its line; what was typed stays.
    let r = admin
        .form(
            "/ui/admin/tenant",
            &[],
            "time_zone=Europe%2FMadrid&holidays=2026-12-25+Christmas%0A%0A2026-13-01+Nope",
        )
        .await
        .unwrap();
    assert_eq!(r.status, 422);
    let html = text(&r);
    assert!(html.contains("line 3: "), "{html}");
    assert!(html.contains("2026-13-01 Nope"), "{html}");
    let r = admin
        .form("/ui/admin/tenant", &[], "time_zone=Nowhere&holidays=")
        .await
        .unwrap();
    assert_eq!(r.status, 422);
    assert!(text(&r).contains("id=\"tenant-tz-msg\" class=\"field-msg\" aria-live=\"polite\"><span class=\"error\">time_zone: "));
    // Saved: the form shows the calendar as stored, in date order.
    let r = admin
        .form(
            "/ui/admin/tenant",
            &[],
            "time_zone=Europe%2FMadrid&holidays=2026-12-25+Christmas%0A2026-01-06%2C+Reyes",
        )
        .await
        .unwrap();
    assert_eq!(r.status, 200, "{}", text(&r));
    let html = text(&r);
    assert!(
        html.contains("2026-01-06 Reyes\n2026-12-25 Christmas\n"),
        "{html}"
    );
    assert!(html.contains("class=\"ok\""), "{html}");
    let r = admin.get("/api/v1/settings/tenant").await.unwrap();
    assert_eq!(
        r.json()["holidays"][0],
        json!({"date": "2026-01-06", "name": "Reyes"})
    );
    // Supervisors may not change it.
    let mut sup = session(&e, &t, "sup", "supervisor").await;
    let r = sup
        .form("/ui/admin/tenant", &[], "time_zone=UTC&holidays=")
        .await
        .unwrap();
    assert_eq!(r.status, 403);
}

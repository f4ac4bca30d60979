//! Two-factor sign-in, secrets sealed at rest, and single sign-on's
//! refusals: a user sets up a key and signs in with its codes (each code
//! once), a tenant that requires a second factor makes its admins set one
//! up on the sign-in page, wrong codes lock like wrong passwords, and no
//! secret (an OpenID client secret, a two-factor key) is in the database in
//! the clear. The whole single sign-on runs against a real OpenID provider
//! in the browser tests (`tests/browser/sso.test.mjs`).

use serde_json::json;
use server::auth::FAILURES_BEFORE_LOCK;

mod common;

use common::client::{Client, Reply};
use common::{EVA_PASSWORD, api_session, api_sign_in, with_eva};

fn now_s() -> u64 {
    (server::clock::now_ms() / 1000) as u64
}

fn code(secret: &str, ahead_steps: u64) -> String {
    server::totp::code_at(secret, now_s() + 30 * ahead_steps).unwrap()
}

async fn sign_in_with(app: &axum::Router, user: &str, password: &str, totp: &str) -> Reply {
    Client::new(app)
        .post(
            "/api/v1/sessions",
            &json!({"tenant": "acme", "username": user, "password": password, "totp": totp}),
        )
        .await
        .unwrap()
}

/// Sets up eva's second factor through the API; its key.
async fn set_up(app: &axum::Router) -> String {
    let mut eva = api_session(app, None, "eva", EVA_PASSWORD).await;
    let r = eva.post("/api/v1/me/two-factor", &json!({})).await.unwrap();
    assert_eq!(r.status, 201, "{:?}", r.json());
    let secret = r.json()["secret"].as_str().unwrap().to_string();
    assert!(
        r.json()["otpauth_uri"]
            .as_str()
            .unwrap()
            .starts_with("otpauth://totp/")
    );
    let r = eva
        .post("/api/v1/me/two-factor/confirm", &json!({"code": "000000"}))
        .await
        .unwrap();
    let wrong = if code(&secret, 0) == "000000" {
        204
    } else {
        422
    };
    assert_eq!(r.status, wrong, "a wrong code does not confirm");
    let r = eva
        .post(
            "/api/v1/me/two-factor/confirm",
            &json!({"code": code(&secret, 0)}),
        )
        .await
        .unwrap();
    assert_eq!(r.status, 204, "{:?}", r.json());
    let r = eva.get("/api/v1/me/two-factor").await.unwrap();
    assert_eq!(
        r.json(),
        json!({"enabled": true, "setting_up": false, "required": false})
    );
    secret
}

#[tokio::test]
async fn a_user_with_a_second_factor_signs_in_with_a_code_and_each_code_once() {
    let e = with_eva("2fa-api").await;
    let secret = set_up(&e.app).await;
    let r = api_sign_in(&e.app, None, "eva", EVA_PASSWORD).await;
    assert_eq!(r.status, 401);
    assert_eq!(r.error_code().as_deref(), Some("second_factor_required"));
    let r = sign_in_with(&e.app, "eva", EVA_PASSWORD, "12345").await;
    assert_eq!(r.error_code().as_deref(), Some("unauthenticated"));
    // The next step's code (one step of slack): a step after the one that confirmed.
    let next = code(&secret, 1);
    let r = sign_in_with(&e.app, "eva", EVA_PASSWORD, &next).await;
    assert_eq!(r.status, 201, "{:?}", r.json());
    let r = sign_in_with(&e.app, "eva", EVA_PASSWORD, &next).await;
    assert_eq!(r.status, 401, "a code signs in once");
    // A right code with a wrong password tells nothing.
    let r = sign_in_with(&e.app, "eva", "a wrong password!", &code(&secret, 1)).await;
    assert_eq!(r.error_code().as_deref(), Some("unauthenticated"));
    // The audit trail has it, by id.
    let t = e.store.tenant_by_name("acme").await.unwrap().unwrap();
    let trail = e.store.audit_latest(&t, 100).await.unwrap();
    assert!(
        trail
            .iter()
            .any(|a| a.action == "second_factor_set" && a.actor == "user:1")
    );
}

#[tokio::test]
async fn wrong_codes_lock_like_wrong_passwords() {
    let e = with_eva("2fa-lock").await;
    let secret = set_up(&e.app).await;
    let right = code(&secret, 1);
    let wrong = if right == "111111" {
        "222222"
    } else {
        "111111"
    };
    // The password's attempt stays counted while a code is due, so a thief
    // with the password has fewer code guesses than a guesser has passwords.
    let mut tries = 0;
    loop {
        let r = sign_in_with(&e.app, "eva", EVA_PASSWORD, wrong).await;
        tries += 1;
        if r.status == 429 {
            break;
        }
        assert_eq!(r.status, 401);
        assert!(tries <= FAILURES_BEFORE_LOCK, "still not locked");
    }
    assert!(tries >= 2, "locked after {tries} tries");
    let r = sign_in_with(&e.app, "eva", EVA_PASSWORD, &right).await;
    assert_eq!(r.status, 429, "the right code waits for the lock's end");
}

/// The value of `<code id="totp-secret">` and of the form's `challenge`.
fn setup_page_parts(html: &str) -> (String, String) {
    let between = |a: &str, b: &str| {
        let i = html.find(a).unwrap_or_else(|| panic!("{a} in {html}")) + a.len();
        html[i..i + html[i..].find(b).unwrap()].to_string()
    };
    (
        between("<code id=\"totp-secret\">", "<"),
        between("name=\"challenge\" value=\"", "\""),
    )
}

#[tokio::test]
async fn a_tenant_that_requires_it_makes_admins_set_it_up_at_sign_in() {
    let e = with_eva("2fa-required").await;
    let t = e.store.tenant_by_name("acme").await.unwrap().unwrap();
    let hash = server::auth::hash_password("ana's long password").unwrap();
    e.store
        .create_user(&t, "ana", &hash, "agent", 1)
        .await
        .unwrap();
    let mut eva = api_session(&e.app, None, "eva", EVA_PASSWORD).await;
    let r = eva
        .put(
            "/api/v1/settings/tenant",
            &json!({"time_zone": "Europe/Madrid", "two_factor": "required"}),
        )
        .await
        .unwrap();
    assert_eq!(r.status, 204, "{:?}", r.json());
    let r = eva.get("/api/v1/settings/tenant").await.unwrap();
    assert_eq!(r.json()["two_factor"], "required");
    // Through the API: told to set it up on the page.
    let r = api_sign_in(&e.app, None, "eva", EVA_PASSWORD).await;
    assert_eq!(
        r.error_code().as_deref(),
        Some("second_factor_setup_required")
    );
    // Agents are not concerned.
    let r = api_sign_in(&e.app, None, "ana", "ana's long password").await;
    assert_eq!(r.status, 201);
    // On the page: the password, then the QR code and key, then the first code.
    let mut page = Client::new(&e.app);
    let form = format!(
        "tenant=acme&username=eva&password={}&lang=en&tz=UTC",
        EVA_PASSWORD.replace(' ', "+").replace('\'', "%27")
    );
    let r = page.form("/ui/sign-in", &[], &form).await.unwrap();
    assert_eq!(r.status, 200);
    let html = String::from_utf8_lossy(&r.body).to_string();
    assert!(html.contains("<svg"), "a QR code");
    let (secret, challenge) = setup_page_parts(&html);
    let r = page
        .form(
            "/ui/sign-in/code",
            &[],
            &format!("challenge={challenge}&code=00000x"),
        )
        .await
        .unwrap();
    assert_eq!(r.status, 401, "a wrong code shows the page again");
    let r = page
        .form(
            "/ui/sign-in/code",
            &[],
            &format!("challenge={challenge}&code={}", code(&secret, 0)),
        )
        .await
        .unwrap();
    assert_eq!(r.status, 303, "{}", String::from_utf8_lossy(&r.body));
    assert_eq!(r.headers["location"], "/ui/admin");
    assert!(r.cookies().contains("centralita_session="));
    // The challenge is spent.
    let r = page
        .form(
            "/ui/sign-in/code",
            &[],
            &format!("challenge={challenge}&code={}", code(&secret, 1)),
        )
        .await
        .unwrap();
    assert_eq!(r.status, 401);
    // Now a code is asked, and it cannot be turned off while required.
    let r = sign_in_with(&e.app, "eva", EVA_PASSWORD, &code(&secret, 1)).await;
    assert_eq!(r.status, 201, "{:?}", r.json());
    let r = eva
        .post(
            "/api/v1/me/two-factor/disable",
            &json!({"code": code(&secret, 1)}),
        )
        .await
        .unwrap();
    assert_eq!(r.status, 409);
    // An administrator resets it (a lost phone): set up anew at the next sign-in.
    let r = eva
        .request("DELETE", "/api/v1/users/1/two-factor", &[], None)
        .await
        .unwrap();
    assert_eq!(r.status, 204);
    let r = api_sign_in(&e.app, None, "eva", EVA_PASSWORD).await;
    assert_eq!(
        r.error_code().as_deref(),
        Some("second_factor_setup_required")
    );
}

/// Every byte the SQLite database holds now (its file and its log).
fn database_bytes(dir: &std::path::Path) -> Vec<u8> {
    let mut all = Vec::new();
    for f in std::fs::read_dir(dir).unwrap() {
        let p = f.unwrap().path();
        if p.file_name()
            .unwrap()
            .to_string_lossy()
            .starts_with("centralita.db")
        {
            all.extend(std::fs::read(&p).unwrap());
        }
    }
    all
}

fn holds(haystack: &[u8], needle: &str) -> bool {
    haystack
        .windows(needle.len())
        .any(|w| w == needle.as_bytes())
}

#[tokio::test]
async fn secrets_are_sealed_in_the_database_and_never_shown() {
    let dir = common::scratch("2fa-sealed");
    let state = common::state(&dir).await;
    let app = server::app(state.clone());
    let t = state.store.create_tenant("acme", 1).await.unwrap();
    let hash = server::auth::hash_password(EVA_PASSWORD).unwrap();
    state
        .store
        .create_user(&t, "eva", &hash, "admin", 1)
        .await
        .unwrap();
    let mut eva = api_session(&app, None, "eva", EVA_PASSWORD).await;
    let client_secret = "the client secret of acme at its provider";
    let oidc = json!({"issuer": "https://id.example.com", "client_id": "centralita",
        "client_secret": client_secret, "role_claim": "centralita_role", "create_users": true});
    let r = eva
        .put("/api/v1/settings/tenant", &json!({"oidc": oidc}))
        .await
        .unwrap();
    assert_eq!(r.status, 204, "{:?}", r.json());
    let shown = eva.get("/api/v1/settings/tenant").await.unwrap().json();
    assert_eq!(shown["oidc"]["client_secret_set"], true);
    assert!(shown["oidc"].get("client_secret").is_none(), "{shown}");
    // Sent back as shown (no secret): the kept one stays.
    let r = eva.put("/api/v1/settings/tenant", &shown).await.unwrap();
    assert_eq!(r.status, 204, "{:?}", r.json());
    let again = eva.get("/api/v1/settings/tenant").await.unwrap().json();
    assert_eq!(again["oidc"]["client_secret_set"], true);
    let kept = server::routes::settings::tenant_settings(&state, &t)
        .await
        .unwrap();
    let sealed = kept.oidc.unwrap().client_secret.unwrap();
    assert!(server::secrets::is_sealed(&sealed));
    assert_eq!(
        state
            .secrets
            .open(&format!("oidc:{}", t.id()), &sealed)
            .unwrap(),
        client_secret
    );
    let secret = set_up(&app).await;
    // Nothing in the clear anywhere in the database.
    let db = database_bytes(&dir);
    assert!(!db.is_empty());
    assert!(
        !holds(&db, client_secret),
        "the client secret is in the database in the clear"
    );
    assert!(
        !holds(&db, &secret),
        "the two-factor key is in the database in the clear"
    );
    assert!(holds(&db, "sealed:v1:"), "sealed values are there");
}

#[tokio::test]
async fn single_sign_on_refuses_what_it_did_not_start() {
    let e = with_eva("sso-refusals").await;
    let mut page = Client::new(&e.app);
    // Not set up for this tenant: said on the sign-in page.
    let r = page
        .get("/ui/sign-in/oidc?tenant=acme&lang=en")
        .await
        .unwrap();
    assert_eq!(r.status, 401);
    assert!(String::from_utf8_lossy(&r.body).contains("Single sign-on is not set up"));
    // An answer with a state this browser did not start.
    let r = page
        .get("/ui/sign-in/oidc/callback?state=0123456789abcdef&code=stolen")
        .await
        .unwrap();
    assert_eq!(r.status, 401);
    assert!(String::from_utf8_lossy(&r.body).contains("expired or was started in another browser"));
    // A provider over plain http elsewhere is refused when set.
    let mut eva = api_session(&e.app, None, "eva", EVA_PASSWORD).await;
    let r = eva
        .put(
            "/api/v1/settings/tenant",
            &json!({"oidc": {"issuer": "http://id.example.com", "client_id": "c"}}),
        )
        .await
        .unwrap();
    assert_eq!(r.status, 422);
    assert!(
        r.json()["error"]["message"]
            .as_str()
            .unwrap()
            .starts_with("oidc.issuer")
    );
}

#[tokio::test]
async fn an_administrator_removes_a_users_second_factor_from_the_users_table() {
    let e = with_eva("2fa-admin-reset").await;
    let t = e.store.tenant_by_name("acme").await.unwrap().unwrap();
    let hash = server::auth::hash_password("ana's long password").unwrap();
    let ana = e
        .store
        .create_user(&t, "ana", &hash, "supervisor", 1)
        .await
        .unwrap();
    let mut ana_c = api_session(&e.app, None, "ana", "ana's long password").await;
    let secret = ana_c
        .post("/api/v1/me/two-factor", &json!({}))
        .await
        .unwrap()
        .json()["secret"]
        .as_str()
        .unwrap()
        .to_string();
    let r = ana_c
        .post(
            "/api/v1/me/two-factor/confirm",
            &json!({"code": code(&secret, 0)}),
        )
        .await
        .unwrap();
    assert_eq!(r.status, 204);
    let mut eva = api_session(&e.app, None, "eva", EVA_PASSWORD).await;
    let page = String::from_utf8_lossy(&eva.get("/ui/admin").await.unwrap().body).to_string();
    let row = &page[page.find("data-user=\"ana\"").unwrap()..];
    let row = &row[..row.find("</tr>").unwrap()];
    assert!(row.contains(">2FA</span>"), "{row}");
    let reset = format!("/ui/admin/users/{}/two-factor/reset", ana.id);
    assert!(row.contains(&reset), "{row}");
    let r = eva
        .form(&reset, &[("hx-request", "true")], "")
        .await
        .unwrap();
    assert_eq!(r.status, 200, "{}", String::from_utf8_lossy(&r.body));
    assert!(!String::from_utf8_lossy(&r.body).contains(">2FA</span>"));
    let r = ana_c.get("/api/v1/me/two-factor").await.unwrap();
    assert_eq!(r.json()["enabled"], false);
    let trail = e.store.audit_latest(&t, 10).await.unwrap();
    assert!(trail.iter().any(|a| a.action == "second_factor_reset"
        && a.target.as_deref() == Some(&format!("user:{}", ana.id))));
}

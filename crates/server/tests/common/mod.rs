//! What the server's test suites share: a server's state over a fresh
//! SQLite file, its router, and a client that sends requests to the router
//! in process ([`client`]: no socket; `api.rs` keeps one test on a real port).

// Each suite uses a part of what is here.
#![allow(dead_code)]

pub mod client;

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU32, Ordering};

use store::Store;

static COUNTER: AtomicU32 = AtomicU32::new(0);

/// A server's state and its router (each suite adds its own helpers).
pub struct Env {
    /// Every route over the state, called in process.
    pub app: axum::Router,
    /// Its state.
    pub state: server::AppState,
    /// Its database.
    pub store: Store,
}

/// A fresh folder in the temporary directory named after `suite`.
pub fn scratch(suite: &str) -> PathBuf {
    let n = COUNTER.fetch_add(1, Ordering::SeqCst);
    let dir = std::env::temp_dir().join(format!("centralita-{suite}-{}-{n}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// A server's state over a fresh database in `dir`: what `server::start`
/// builds before it binds a port (a fresh database has no tenant to start).
pub async fn state(dir: &Path) -> server::AppState {
    let store = Store::open(&store::sqlite_url(dir)).await.unwrap();
    let mut state = server::AppState::new(store).unwrap();
    // The tests' receivers and mail servers run on this machine.
    state.allow_local_targets = true;
    state
}

/// A server's state and router on a fresh database in a temporary folder
/// named after `suite`.
pub async fn env(suite: &str) -> Env {
    let state = state(&scratch(suite)).await;
    Env {
        app: server::app(state.clone()),
        store: state.store.clone(),
        state,
    }
}

/// A fresh server with tenant `acme` and a client holding an
/// administrator's API token.
#[allow(dead_code)]
pub async fn admin_client(suite: &str) -> (Env, client::Client) {
    admin_client_with(suite, true).await
}

/// [`admin_client`] on a server whose tenants may reach this machine or not
/// (`allow_local_targets`).
#[allow(dead_code)]
pub async fn admin_client_with(suite: &str, allow_local: bool) -> (Env, client::Client) {
    let mut state = state(&scratch(suite)).await;
    state.allow_local_targets = allow_local;
    let e = Env {
        app: server::app(state.clone()),
        store: state.store.clone(),
        state,
    };
    let t = e.store.create_tenant("acme", 1).await.unwrap();
    let token = server::auth::new_token();
    let hash = server::auth::secret_hash(&token);
    e.store
        .create_token(&t, "test", server::auth::Role::Admin.as_str(), &hash, 1)
        .await
        .unwrap();
    let c = client::Client::new(&e.app).bearer(&token);
    (e, c)
}

/// The password of [`with_eva`]'s administrator.
pub const EVA_PASSWORD: &str = "eva's long password";

/// A fresh server with tenant `acme` and its administrator `eva`.
pub async fn with_eva(suite: &str) -> Env {
    let e = env(suite).await;
    let t = e.store.create_tenant("acme", 1).await.unwrap();
    let hash = server::auth::hash_password(EVA_PASSWORD).unwrap();
    e.store
        .create_user(&t, "eva", &hash, "admin", 1)
        .await
        .unwrap();
    e
}

/// Signs in to tenant `acme` through the API, from `from` (a socket's
/// address) when given.
pub async fn api_sign_in(
    app: &axum::Router,
    from: Option<&str>,
    user: &str,
    password: &str,
) -> client::Reply {
    let mut c = client::Client::new(app);
    if let Some(from) = from {
        c = c.from(from);
    }
    c.post(
        "/api/v1/sessions",
        &serde_json::json!({"tenant": "acme", "username": user, "password": password}),
    )
    .await
    .unwrap()
}

/// A client with a signed-in session of `user` (its cookie and CSRF token).
pub async fn api_session(
    app: &axum::Router,
    from: Option<&str>,
    user: &str,
    password: &str,
) -> client::Client {
    let r = api_sign_in(app, from, user, password).await;
    assert_eq!(r.status, 201, "{user}: {:?}", r.json());
    let mut c = client::Client::new(app);
    if let Some(from) = from {
        c = c.from(from);
    }
    c.headers.push(("cookie".into(), r.cookies()));
    c.headers.push((
        "x-csrf-token".into(),
        r.json()["csrf_token"].as_str().unwrap().to_string(),
    ));
    c
}

/// Signs in through the sign-in page's form, as a browser does: a client
/// holding the session's cookie and the page's CSRF token, and the form's
/// answer.
#[allow(dead_code)]
pub async fn page_session(
    app: &axum::Router,
    (tenant, user, password): (&str, &str, &str),
    lang: &str,
) -> (client::Client, client::Reply) {
    let enc = |s: &str| url::form_urlencoded::byte_serialize(s.as_bytes()).collect::<String>();
    let form = format!(
        "tenant={}&username={}&password={}&lang={lang}&tz=Europe%2FPrague",
        enc(tenant),
        enc(user),
        enc(password)
    );
    let mut c = client::Client::new(app);
    let r = c.form("/ui/sign-in", &[], &form).await.unwrap();
    assert_eq!(r.status, 303, "{}", String::from_utf8_lossy(&r.body));
    c.headers.push(("cookie".into(), r.cookies()));
    // The CSRF token is in the page, as the browser gets it.
    let home = r.headers["location"].to_str().unwrap().to_string();
    let page = c.get(&home).await.unwrap();
    let html = String::from_utf8_lossy(&page.body).to_string();
    let csrf = html
        .split("X-CSRF-Token&quot;:&quot;")
        .nth(1)
        .and_then(|s| s.split("&quot;").next())
        .unwrap_or_default()
        .to_string();
    c.headers.push(("x-csrf-token".into(), csrf));
    (c, r)
}

/// A client holding an API token of this role in tenant `acme`.
pub async fn role_client(e: &Env, role: server::auth::Role) -> client::Client {
    let t = e.store.tenant_by_name("acme").await.unwrap().unwrap();
    let token = server::auth::new_token();
    let hash = server::auth::secret_hash(&token);
    e.store
        .create_token(&t, role.as_str(), role.as_str(), &hash, 1)
        .await
        .unwrap();
    client::Client::new(&e.app).bearer(&token)
}

/// Posts a file with these form parts to `/api/v1/imports` and waits for
/// the import to end: its final state.
pub async fn import_file(
    c: &mut client::Client,
    name: &str,
    bytes: &[u8],
    parts: &[(&str, &[u8])],
) -> serde_json::Value {
    let mut all: Vec<(&str, Option<&str>, &[u8])> = vec![("file", Some(name), bytes)];
    all.extend(parts.iter().map(|(k, v)| (*k, None, *v)));
    let r = c.multipart("/api/v1/imports", &[], &all).await.unwrap();
    assert_eq!(r.status, 202, "{:?}", r.json());
    let id = r.json()["id"].as_i64().unwrap();
    for _ in 0..500 {
        let v = c
            .get(&format!("/api/v1/imports/{id}"))
            .await
            .unwrap()
            .json();
        if v["state"] != "running" {
            return v;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    panic!("import {id} did not end");
}

/// A camt.053.001.08 statement of these credits: (amount, currency,
/// booking date, end-to-end id, remittance text, payer's name).
pub fn camt053(id: &str, credits: &[(&str, &str, &str, &str, &str, &str)]) -> String {
    let mut x = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n\
         <Document xmlns=\"urn:iso:std:iso:20022:tech:xsd:camt.053.001.08\"><BkToCstmrStmt>\
         <GrpHdr><MsgId>{id}</MsgId><CreDtTm>2026-01-01T00:00:00Z</CreDtTm></GrpHdr>\
         <Stmt><Id>{id}</Id><Acct><Id><IBAN>CZ6508000000192000145399</IBAN></Id></Acct>"
    );
    for (i, (amount, ccy, date, e2e, text, payer)) in credits.iter().enumerate() {
        x.push_str(&format!(
            "<Ntry><NtryRef>{i}</NtryRef><Amt Ccy=\"{ccy}\">{amount}</Amt><CdtDbtInd>CRDT</CdtDbtInd>\
             <Sts><Cd>BOOK</Cd></Sts><BookgDt><Dt>{date}</Dt></BookgDt><ValDt><Dt>{date}</Dt></ValDt>\
             <AcctSvcrRef>{id}-{i}</AcctSvcrRef>\
             <NtryDtls><TxDtls><Refs><EndToEndId>{e2e}</EndToEndId></Refs>\
             <RltdPties><Dbtr><Pty><Nm>{payer}</Nm></Pty></Dbtr></RltdPties>\
             <RmtInf><Ustrd>{text}</Ustrd></RmtInf></TxDtls></NtryDtls></Ntry>"
        ));
    }
    x.push_str("</Stmt></BkToCstmrStmt></Document>\n");
    x
}

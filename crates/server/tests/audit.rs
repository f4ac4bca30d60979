//! The audit trail: what administrators and users do is recorded by id in
//! a hash-chained trail, read back through the API (JSON and CSV) and the
//! administration page; and no value written to the log can forge a line.

use std::io::Write;
use std::sync::{Arc, Mutex};

use serde_json::json;

mod common;

use common::client::{Client, Reply};

const PASSWORD: &str = common::EVA_PASSWORD;

use common::with_eva;

async fn sign_in(app: &axum::Router, user: &str, password: &str) -> Reply {
    common::api_sign_in(app, None, user, password).await
}

async fn session(app: &axum::Router) -> Client {
    common::api_session(app, None, "eva", PASSWORD).await
}

#[tokio::test]
async fn what_administrators_do_is_in_the_chained_trail_by_id() {
    let e = with_eva("audit-trail").await;
    let mut admin = session(&e.app).await;
    let plan = "default_queue = \"support\"\n[[queue]]\nname = \"support\"\n";
    let r = admin
        .put("/api/v1/routing/plan", &json!({"document": plan}))
        .await
        .unwrap();
    assert_eq!(r.status, 204);
    let r = admin
        .post("/api/v1/tokens", &json!({"name": "crm", "role": "analyst"}))
        .await
        .unwrap();
    assert_eq!(r.status, 201);
    let token = r.json()["id"].as_i64().unwrap();
    let r = admin
        .request("DELETE", &format!("/api/v1/tokens/{token}"), &[], None)
        .await
        .unwrap();
    assert_eq!(r.status, 204);
    let r = admin.get("/api/v1/audit").await.unwrap();
    assert_eq!(r.status, 200, "{:?}", r.json());
    let entries = r.json()["entries"].as_array().unwrap().clone();
    let actions: Vec<&str> = entries
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    assert_eq!(
        actions,
        [
            "signed_in",
            "plan_replaced",
            "token_created",
            "token_revoked"
        ]
    );
    let eva = e
        .store
        .user(
            &e.store.tenant_by_name("acme").await.unwrap().unwrap(),
            "eva",
        )
        .await
        .unwrap()
        .unwrap();
    assert!(
        entries
            .iter()
            .all(|x| x["actor"] == format!("user:{}", eva.id))
    );
    assert_eq!(entries[2]["target"], format!("token:{token}"));
    // Chained: each names the hash of the one before.
    for w in entries.windows(2) {
        assert_eq!(w[1]["prev_hash"], w[0]["hash"]);
    }
    let text = r.json().to_string();
    assert!(!text.contains("eva"), "ids, never names: {text}");
    // The same as CSV, and a period.
    let r = admin.get("/api/v1/audit?format=csv").await.unwrap();
    assert!(
        r.headers["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/csv")
    );
    let csv = String::from_utf8_lossy(&r.body).into_owned();
    assert!(
        csv.starts_with("seq,at,actor,action,target,prev_hash,hash\n"),
        "{csv}"
    );
    assert_eq!(csv.lines().count(), 5, "{csv}");
    let r = admin.get("/api/v1/audit?to=1").await.unwrap();
    assert!(r.json()["entries"].as_array().unwrap().is_empty());
    let r = admin.get("/api/v1/audit?format=xml").await.unwrap();
    assert_eq!(r.status, 422);
    assert_eq!(
        e.store.audit_verify(eva.tenant_id).await.unwrap(),
        Ok(4),
        "reading the trail is not itself an entry"
    );
    // The page shows the latest entries.
    let page = admin.get("/ui/admin").await.unwrap();
    let html = String::from_utf8_lossy(&page.body).into_owned();
    assert!(
        html.contains("id=\"audit-h\"") && html.contains("token_revoked"),
        "{html}"
    );
}

/// A writer into a shared buffer, for the log.
#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, b: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(b);
        Ok(b.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[tokio::test(flavor = "current_thread")]
async fn a_name_with_a_newline_cannot_forge_a_log_line() {
    let e = with_eva("audit-forge").await;
    let log = Captured::default();
    let writer = log.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_writer(move || writer.clone())
        .with_ansi(false)
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);
    let forged = "mallory\nINFO audit: user eva granted admin";
    for _ in 0..6 {
        let _ = sign_in(&e.app, forged, "wrong password").await;
    }
    let mut admin = session(&e.app).await;
    let _ = admin.get("/api/v1/tokens").await.unwrap();
    let text = String::from_utf8_lossy(&log.0.lock().unwrap()).into_owned();
    assert!(text.contains("sign-in failed"), "{text}");
    assert!(
        !text.lines().any(|l| l.starts_with("INFO audit: user eva")),
        "a forged line: {text}"
    );
    assert!(
        text.contains("mallory\\nINFO"),
        "the newline is escaped: {text}"
    );
}

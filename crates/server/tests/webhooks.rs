//! Webhooks against a real HTTP receiver on loopback: facts of the kinds
//! asked for arrive signed and in order; while the receiver is down nothing
//! is lost (attempts are logged and retried with back-off); a replay sends
//! them again; a removed webhook stops.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::http::{HeaderMap, StatusCode};
use serde_json::{Value, json};
use server::webhooks::{Timing, run};

mod common;

/// What the receiver got: (signature header, body).
type Got = Arc<Mutex<Vec<(String, String)>>>;

async fn receiver(down: Arc<AtomicBool>) -> (String, Got) {
    let got: Got = Arc::default();
    let g = got.clone();
    let app = axum::Router::new().route(
        "/hook",
        axum::routing::post(move |headers: HeaderMap, body: String| {
            let (g, down) = (g.clone(), down.clone());
            async move {
                if down.load(Ordering::SeqCst) {
                    return StatusCode::SERVICE_UNAVAILABLE;
                }
                let sig = headers
                    .get("centralita-signature")
                    .and_then(|v| v.to_str().ok())
                    .unwrap_or_default()
                    .to_string();
                g.lock().unwrap().push((sig, body));
                StatusCode::NO_CONTENT
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    (format!("http://{addr}/hook"), got)
}

fn verify(secret: &str, sig: &str, body: &str) -> bool {
    let Some((t, v1)) = sig.strip_prefix("t=").and_then(|s| s.split_once(",v1=")) else {
        return false;
    };
    let key = ring::hmac::Key::new(ring::hmac::HMAC_SHA256, secret.as_bytes());
    let tag: Vec<u8> = (0..v1.len() / 2)
        .filter_map(|i| u8::from_str_radix(&v1[2 * i..2 * i + 2], 16).ok())
        .collect();
    ring::hmac::verify(&key, format!("{t}.{body}").as_bytes(), &tag).is_ok()
}

async fn until(what: &str, mut f: impl FnMut() -> bool) {
    for _ in 0..500 {
        if f() {
            return;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    panic!("timed out waiting for {what}");
}

fn names(got: &Got) -> Vec<String> {
    got.lock()
        .unwrap()
        .iter()
        .map(|(_, b)| {
            let v: Value = serde_json::from_str(b).unwrap();
            v["fact"]["records"][0]["record"]["name"]
                .as_str()
                .unwrap_or("?")
                .to_string()
        })
        .collect()
}

#[tokio::test]
async fn facts_arrive_signed_in_order_and_nothing_is_lost_while_the_receiver_is_down() {
    let (e, mut c) = common::admin_client("webhooks").await;
    let timing = Timing {
        poll: Duration::from_millis(20),
        retry_first: Duration::from_millis(30),
        retry_max: Duration::from_millis(120),
        timeout: Duration::from_secs(2),
    };
    let _dispatcher = run(e.state.clone(), timing);
    let down = Arc::new(AtomicBool::new(false));
    let (url, got) = receiver(down.clone()).await;
    const SECRET: &str = "a long shared secret";
    for (bad, field) in [
        (
            json!({"url": "ftp://example.org/x", "secret": SECRET}),
            "url",
        ),
        (json!({"url": url, "secret": "short"}), "secret"),
    ] {
        let r = c.post("/api/v1/webhooks", &bad).await.unwrap();
        assert_eq!(r.status, 422, "{:?}", r.json());
        assert!(r.json().to_string().contains(field), "{:?}", r.json());
    }
    let r = c
        .post(
            "/api/v1/webhooks",
            &json!({"url": url, "kinds": ["customers_set"], "secret": SECRET}),
        )
        .await
        .unwrap();
    assert_eq!(r.status, 201, "{:?}", r.json());
    let id = r.json()["id"].as_i64().unwrap();
    let list = c.get("/api/v1/webhooks").await.unwrap().json();
    assert_eq!(list["webhooks"][0]["url"], url.as_str());
    assert!(
        !list.to_string().contains(SECRET),
        "the secret is never shown: {list}"
    );
    // The receiver is down: three customers are made (and a plan, a kind not asked for).
    down.store(true, Ordering::SeqCst);
    for name in ["Ana", "Bea", "Cris"] {
        let r = c
            .post("/api/v1/customers", &json!({"name": name}))
            .await
            .unwrap();
        assert_eq!(r.status, 201, "{:?}", r.json());
    }
    let plan = json!({"document": "[[queue]]\nname = \"support\"\n"});
    assert_eq!(
        c.put("/api/v1/routing/plan", &plan).await.unwrap().status,
        204
    );
    let path = format!("/api/v1/webhooks/{id}/deliveries");
    for _ in 0..500 {
        let d = c.get(&path).await.unwrap().json();
        if d["deliveries"].as_array().unwrap().len() >= 3 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let d = c.get(&path).await.unwrap().json();
    let first = &d["deliveries"].as_array().unwrap()[0];
    assert_eq!(first["status"], 503, "{d}");
    assert!(first["attempt"].as_i64().unwrap() >= 3, "retried: {d}");
    assert!(got.lock().unwrap().is_empty());
    // Back up: everything arrives, in order, signed; the plan does not.
    down.store(false, Ordering::SeqCst);
    until("three deliveries", || got.lock().unwrap().len() >= 3).await;
    tokio::time::sleep(Duration::from_millis(100)).await;
    assert_eq!(names(&got), ["Ana", "Bea", "Cris"]);
    let mut seqs = Vec::new();
    for (sig, body) in got.lock().unwrap().iter() {
        assert!(verify(SECRET, sig, body), "bad signature {sig}");
        assert!(!verify("another secret xx", sig, body));
        let v: Value = serde_json::from_str(body).unwrap();
        assert_eq!(v["kind"], "customers_set");
        seqs.push(v["seq"].as_i64().unwrap());
    }
    assert!(seqs.windows(2).all(|w| w[0] < w[1]), "{seqs:?}");
    let d = c.get(&path).await.unwrap().json();
    assert_eq!(d["deliveries"][0]["status"], 204, "{d}");
    // A replay from the second sends Bea and Cris again.
    let r = c
        .post(
            &format!("/api/v1/webhooks/{id}/replay"),
            &json!({"from_seq": seqs[1]}),
        )
        .await
        .unwrap();
    assert_eq!(r.status, 204, "{:?}", r.json());
    until("the replay", || got.lock().unwrap().len() >= 5).await;
    assert_eq!(names(&got)[3..], ["Bea", "Cris"]);
    // Removed: new facts go nowhere.
    let r = c
        .request("DELETE", &format!("/api/v1/webhooks/{id}"), &[], None)
        .await
        .unwrap();
    assert_eq!(r.status, 204);
    c.post("/api/v1/customers", &json!({"name": "Dani"}))
        .await
        .unwrap();
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert_eq!(got.lock().unwrap().len(), 5);
    assert_eq!(c.get(&path).await.unwrap().status, 404);
}

#[tokio::test]
async fn a_tenant_cannot_point_the_server_at_its_own_machine() {
    let (_e, mut c) = common::admin_client_with("targets", false).await;
    for url in [
        "http://127.0.0.1:9/hook",
        "http://[::1]:9/hook",
        "http://169.254.169.254/latest",
    ] {
        let hook = json!({"url": url, "kinds": [], "secret": "0123456789abcdef"});
        let r = c.post("/api/v1/webhooks", &hook).await.unwrap();
        assert_eq!(r.status, 422, "{url}: {:?}", r.json());
        assert!(
            r.json().to_string().contains("own machine"),
            "{:?}",
            r.json()
        );
    }
    // A client company's private network is theirs to use.
    let hook =
        json!({"url": "http://10.0.0.25:8080/hook", "kinds": [], "secret": "0123456789abcdef"});
    assert_eq!(c.post("/api/v1/webhooks", &hook).await.unwrap().status, 201);
    let mailbox = |host: &str| {
        json!({"address": "support@acme.test",
            "imap": {"host": host, "port": 993, "security": "tls", "user": "u", "password": "p"},
            "smtp": {"host": "10.0.0.26", "port": 587, "security": "starttls"}})
    };
    let r = c
        .put("/api/v1/mailboxes/support", &mailbox("127.0.0.1"))
        .await
        .unwrap();
    assert_eq!(r.status, 422, "{:?}", r.json());
    assert!(r.json().to_string().contains("imap.host"), "{:?}", r.json());
    let r = c
        .put("/api/v1/mailboxes/support", &mailbox("10.0.0.25"))
        .await
        .unwrap();
    assert_eq!(r.status, 201, "{:?}", r.json());
}

//! The real binary on port 0 with a fresh database: administration
//! commands, serving, and the crash test (kill -9 while clients create 1,000
//! interactions with idempotency keys; after restart every acknowledged
//! interaction exists exactly once, retries get the original, the log and
//! the projections agree, and waiting interactions wait again in order).

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Write};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde_json::json;
use server::bench::client::Client;

const BIN: &str = env!("CARGO_BIN_EXE_centralita");

fn fresh_dir(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("centralita-bin-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

fn run(args: &[&str], stdin: Option<&str>) -> (i32, String, String) {
    let mut child = Command::new(BIN)
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    if let Some(s) = stdin {
        child.stdin.take().unwrap().write_all(s.as_bytes()).unwrap();
    }
    drop(child.stdin.take());
    let out = child.wait_with_output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into(),
        String::from_utf8_lossy(&out.stderr).into(),
    )
}

fn serve(data: &Path) -> (Child, SocketAddr) {
    let mut child = Command::new(BIN)
        .args([
            "serve",
            "--data",
            data.to_str().unwrap(),
            "--listen",
            "127.0.0.1:0",
        ])
        .env("RUST_LOG", "warn")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let addr = line
        .trim()
        .strip_prefix("listening on http://")
        .unwrap_or_else(|| panic!("unexpected first line {line:?}"))
        .parse()
        .unwrap();
    (child, addr)
}

fn admin_setup(data: &Path) -> String {
    let d = data.to_str().unwrap();
    assert_eq!(run(&["tenant", "add", "acme", "--data", d], None).0, 0);
    let (code, token, err) = run(
        &[
            "token", "create", "--tenant", "acme", "--role", "admin", "--name", "crm", "--data", d,
        ],
        None,
    );
    assert_eq!(code, 0, "{err}");
    token.trim().to_string()
}

const PLAN: &str = "default_queue = \"support\"\n[[queue]]\nname = \"support\"\n";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_binary_serves_on_port_0_with_a_fresh_database() {
    let data = fresh_dir("serve");
    let d = data.to_str().unwrap();
    let token = admin_setup(&data);
    assert!(token.starts_with("ctk_"), "{token}");
    // Administration commands: contracts and bad input (exit 2, naming the flag).
    assert_eq!(run(&["tenant", "add", "acme", "--data", d], None).0, 2);
    assert_eq!(run(&["tenant", "add", "bad name", "--data", d], None).0, 2);
    let (code, _, err) = run(
        &[
            "user",
            "add",
            "--tenant",
            "acme",
            "--username",
            "eva",
            "--role",
            "admin",
            "--data",
            d,
        ],
        Some("short\n"),
    );
    assert_eq!(code, 2);
    assert!(err.contains("password"), "{err}");
    let (code, _, err) = run(
        &[
            "user",
            "add",
            "--tenant",
            "acme",
            "--username",
            "eva",
            "--role",
            "wizard",
            "--data",
            d,
        ],
        Some("a long enough password\n"),
    );
    assert_eq!(code, 2);
    assert!(err.contains("--role"), "{err}");
    let (code, out, err) = run(
        &[
            "user",
            "add",
            "--tenant",
            "acme",
            "--username",
            "eva",
            "--role",
            "admin",
            "--data",
            d,
        ],
        Some("a long enough password\n"),
    );
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("eva"));
    let (child, addr) = serve(&data);
    let mut child = KillOnDrop(child);
    let mut c = Client::new(addr).bearer(&token);
    assert_eq!(c.get("/healthz").await.unwrap().status, 200);
    assert_eq!(
        c.put("/api/v1/routing/plan", &json!({"document": PLAN}))
            .await
            .unwrap()
            .status,
        204
    );
    let r = c
        .post("/api/v1/interactions", &json!({"channel": "web_form"}))
        .await
        .unwrap();
    assert_eq!(r.status, 201, "{:?}", r.json());
    let id = r.json()["id"].as_i64().unwrap();
    assert_eq!(
        c.get(&format!("/api/v1/interactions/{id}"))
            .await
            .unwrap()
            .json()["state"],
        "waiting"
    );
    let mut eva = Client::new(addr);
    let r = eva
        .post(
            "/api/v1/sessions",
            &json!({"tenant": "acme", "username": "eva", "password": "a long enough password"}),
        )
        .await
        .unwrap();
    assert_eq!(r.status, 201);
    child.0.kill().unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_token_revoked_from_the_command_line_stops_working_within_a_second() {
    let data = fresh_dir("revoke");
    let d = data.to_str().unwrap();
    let token = admin_setup(&data);
    let (code, second, err) = run(
        &[
            "token", "create", "--tenant", "acme", "--role", "analyst", "--name", "bi", "--data", d,
        ],
        None,
    );
    assert_eq!(code, 0, "{err}");
    let (child, addr) = serve(&data);
    let _child = KillOnDrop(child);
    let mut c = Client::new(addr).bearer(&token);
    assert_eq!(c.get("/api/v1/me").await.unwrap().status, 200);
    let (code, listed, err) = run(&["token", "list", "--tenant", "acme", "--data", d], None);
    assert_eq!(code, 0, "{err}");
    let line = listed
        .lines()
        .find(|l| l.contains("\tcrm\t"))
        .unwrap_or_else(|| panic!("{listed}"));
    let id = line.split('\t').next().unwrap();
    assert!(!listed.contains(token.as_str()), "secrets are never listed");
    assert!(listed.contains("\tbi\t"), "{listed}");
    let (code, _, err) = run(
        &["token", "revoke", "--tenant", "acme", id, "--data", d],
        None,
    );
    assert_eq!(code, 0, "{err}");
    let t0 = tokio::time::Instant::now();
    let mut status = 200;
    while t0.elapsed() < Duration::from_secs(5) {
        status = c.get("/api/v1/me").await.unwrap().status;
        if status == 401 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(status, 401, "still accepted after {:?}", t0.elapsed());
    assert!(
        t0.elapsed() < Duration::from_millis(2_500),
        "{:?}",
        t0.elapsed()
    );
    let mut other = Client::new(addr).bearer(second.trim());
    assert_eq!(other.get("/api/v1/me").await.unwrap().status, 200);
    let (code, _, err) = run(
        &["token", "revoke", "--tenant", "acme", "999", "--data", d],
        None,
    );
    assert_eq!(code, 2, "{err}");
}

#[test]
fn serve_refuses_a_tls_key_it_cannot_read_naming_the_file() {
    let data = fresh_dir("tls-bad");
    let d = data.to_str().unwrap();
    let missing = data.join("nope.pem");
    let (code, _, err) = run(
        &[
            "serve",
            "--data",
            d,
            "--listen",
            "127.0.0.1:0",
            "--tls-cert",
            missing.to_str().unwrap(),
            "--tls-key",
            missing.to_str().unwrap(),
        ],
        None,
    );
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("nope.pem"), "{err}");
}

struct KillOnDrop(Child);

impl Drop for KillOnDrop {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Interactions the crash test creates.
const CRASH_INTERACTIONS: usize = 1_000;
/// Acknowledged creations before the kill.
const KILL_AFTER_ACKS: usize = 300;
/// Concurrent clients.
const CLIENTS: usize = 16;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn after_kill_9_every_acknowledged_interaction_exists_exactly_once() {
    let data = fresh_dir("crash");
    let token = admin_setup(&data);
    let (child, addr) = serve(&data);
    let mut admin = Client::new(addr).bearer(&token);
    assert_eq!(
        admin
            .put("/api/v1/routing/plan", &json!({"document": PLAN}))
            .await
            .unwrap()
            .status,
        204
    );

    let (addr_tx, addr_rx) = tokio::sync::watch::channel(addr);
    // key → id, as first acknowledged.
    let acked: Arc<Mutex<HashMap<usize, i64>>> = Arc::default();
    let mut tasks = Vec::new();
    for w in 0..CLIENTS {
        let acked = acked.clone();
        let addr_rx = addr_rx.clone();
        let token = token.clone();
        tasks.push(tokio::spawn(async move {
            let mut c = Client::new(*addr_rx.borrow()).bearer(&token);
            let mut errors = 0u32;
            for k in (w..CRASH_INTERACTIONS).step_by(CLIENTS) {
                loop {
                    let key = format!("crash-{k}");
                    let body = json!({"channel": "email", "subject": key});
                    match c
                        .request(
                            "POST",
                            "/api/v1/interactions",
                            &[("idempotency-key", &key)],
                            Some(&body),
                        )
                        .await
                    {
                        Ok(r) if r.status == 200 || r.status == 201 => {
                            let id = r.json()["id"].as_i64().unwrap();
                            let mut map = acked.lock().unwrap();
                            if let Some(first) = map.insert(k, id) {
                                assert_eq!(first, id, "key {k} changed interaction");
                            }
                            break;
                        }
                        Ok(r) => panic!("key {k}: HTTP {} {:?}", r.status, r.json()),
                        Err(_) => {
                            // The server is down: retry the same key at its new address.
                            errors += 1;
                            assert!(errors < 2_000, "server never came back");
                            tokio::time::sleep(Duration::from_millis(20)).await;
                            c = Client::new(*addr_rx.borrow()).bearer(&token);
                        }
                    }
                }
            }
        }));
    }
    // Kill -9 once enough are acknowledged, with clients still sending.
    let mut child = KillOnDrop(child);
    loop {
        if acked.lock().unwrap().len() >= KILL_AFTER_ACKS {
            break;
        }
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    child.0.kill().unwrap(); // SIGKILL on Unix
    child.0.wait().unwrap();
    let before_restart: HashMap<usize, i64> = acked.lock().unwrap().clone();
    assert!(before_restart.len() >= KILL_AFTER_ACKS && before_restart.len() < CRASH_INTERACTIONS);
    let (child2, addr2) = serve(&data);
    let mut child2 = KillOnDrop(child2);
    addr_tx.send(addr2).unwrap();
    for t in tasks {
        t.await.unwrap();
    }
    let acked = acked.lock().unwrap().clone();
    assert_eq!(acked.len(), CRASH_INTERACTIONS);
    // Retries get the original, also for those acknowledged before the crash.
    let mut c = Client::new(addr2).bearer(&token);
    for (k, id) in &before_restart {
        let key = format!("crash-{k}");
        let r = c
            .request(
                "POST",
                "/api/v1/interactions",
                &[("idempotency-key", &key)],
                Some(&json!({"channel": "email"})),
            )
            .await
            .unwrap();
        assert_eq!(
            (r.status, r.json()["id"].as_i64()),
            (200, Some(*id)),
            "key {k}"
        );
        let v = c
            .get(&format!("/api/v1/interactions/{id}"))
            .await
            .unwrap()
            .json();
        assert_eq!(v["subject"], key.as_str());
    }
    let ids: std::collections::HashSet<i64> = acked.values().copied().collect();
    assert_eq!(ids.len(), CRASH_INTERACTIONS, "one interaction per key");
    // Waiting again, in order: the first agent to sign in is offered the oldest.
    let r = c
        .post(
            "/api/v1/agents",
            &json!({"name": "ana", "skills": [{"name": "support", "level": 5}]}),
        )
        .await
        .unwrap();
    assert_eq!(r.status, 201);
    assert_eq!(
        c.post("/api/v1/agents/0/sign-in", &json!({"reason": null}))
            .await
            .unwrap()
            .status,
        204
    );
    let offered = c
        .get("/api/v1/interactions?state=offered")
        .await
        .unwrap()
        .json();
    assert_eq!(
        offered["interactions"][0]["id"].as_i64(),
        ids.iter().min().copied()
    );
    child2.0.kill().unwrap();
    child2.0.wait().unwrap();

    // The store: exactly the acknowledged interactions, each once; rebuild equals live.
    let store = store::Store::open(&store::sqlite_url(&data)).await.unwrap();
    let t = store.tenant_by_name("acme").await.unwrap().unwrap();
    assert_eq!(
        store.max_interaction_id(&t).await.unwrap(),
        CRASH_INTERACTIONS as i64
    );
    for (k, id) in &acked {
        assert_eq!(
            store.idempotent(&t, &format!("crash-{k}")).await.unwrap(),
            Some(*id)
        );
    }
    let open = store.open_interactions(&t).await.unwrap();
    assert_eq!(open.len(), CRASH_INTERACTIONS, "none ended, none lost");
    let live = store.projection_snapshot(&t).await.unwrap();
    drop(store);
    let (code, out, err) = run(&["rebuild", "--data", data.to_str().unwrap()], None);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("acme"));
    let store = store::Store::open(&store::sqlite_url(&data)).await.unwrap();
    assert_eq!(store.projection_snapshot(&t).await.unwrap(), live);
}

#[test]
fn a_trunk_password_is_sealed_on_the_command_line_and_opened_by_serve() {
    let data = fresh_dir("seal");
    let d = data.to_str().unwrap();
    let (code, key, _) = run(&["secret", "new-key"], None);
    assert_eq!(code, 0);
    assert!(
        key.trim().len() == 64 && key.trim().bytes().all(|b| b.is_ascii_hexdigit()),
        "{key}"
    );
    // Sealed with the data folder's key, made on first use, readable by its owner only.
    let (code, sealed, err) = run(
        &["secret", "seal", "--data", d],
        Some("the trunk's password\n"),
    );
    assert_eq!(code, 0, "{err}");
    let sealed = sealed.trim();
    assert!(
        sealed.starts_with("sealed:v1:") && !sealed.contains("password"),
        "{sealed}"
    );
    let key_file = data.join("secret.key");
    use std::os::unix::fs::PermissionsExt;
    assert_eq!(
        std::fs::metadata(&key_file).unwrap().permissions().mode() & 0o777,
        0o600
    );
    let keys = server::secrets::SecretBox::from_file(&key_file).unwrap();
    assert_eq!(keys.open("config", sealed).unwrap(), "the trunk's password");
    // `serve` opens it; one sealed with another key stops it, naming the entry.
    let sip = |password: &str| {
        let path = data.join("sip.toml");
        std::fs::write(
            &path,
            format!("trunks = [\"127.0.0.1\"]\n[[trunk_credentials]]\nsource = \"127.0.0.1\"\nusername = \"carrier\"\npassword = \"{password}\"\n"),
        )
        .unwrap();
        path
    };
    let other = server::secrets::SecretBox::ephemeral().seal("config", "x");
    let config = sip(&other);
    let serve = |config: &Path| -> Vec<String> {
        let c = config.to_str().unwrap();
        [
            "serve",
            "--data",
            d,
            "--listen",
            "127.0.0.1:0",
            "--sip",
            "127.0.0.1:0",
            "--sip-config",
            c,
        ]
        .map(String::from)
        .to_vec()
    };
    let args = serve(&config);
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let (code, _, err) = run(&args, None);
    assert_ne!(code, 0);
    assert!(
        err.contains("trunk_credentials 127.0.0.1 password") && err.contains("not configured"),
        "{err}"
    );
    let config = sip(sealed);
    let mut child = KillOnDrop(
        Command::new(BIN)
            .args(serve(&config))
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap(),
    );
    let mut out = std::io::BufReader::new(child.0.stdout.take().unwrap());
    let mut seen = String::new();
    while !seen.contains("SIP on") {
        let mut line = String::new();
        assert!(
            std::io::BufRead::read_line(&mut out, &mut line).unwrap() > 0,
            "serve stopped: {seen}"
        );
        seen.push_str(&line);
    }
}

/// `bench server` opens its live streams from one address: more than the
/// per-address cap kept for strangers (256), which the benchmark lifts.
#[test]
fn the_server_benchmark_runs_with_more_streams_than_one_address_may_open() {
    let (code, out, err) = run(
        &[
            "bench",
            "server",
            "--agents",
            "150",
            "--agent-streams",
            "2",
            "--watchers",
            "2",
            "--clients",
            "2",
            "--seconds",
            "1",
        ],
        None,
    );
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.contains(", 0 errors"), "{out}");
}

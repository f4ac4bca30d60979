//! The e-mail channel against real servers: Debian's Dovecot serving IMAP
//! (a throwaway instance on a free port, its own configuration and users)
//! and a local SMTP receiver (aiosmtpd from PyPI, storing what it gets in
//! a Maildir). A customer's message becomes an `email` interaction on her
//! record with its HTML made safe and its attachment kept; the agent's
//! answer goes out over SMTP in the thread; her reply joins the same
//! interaction; a bounce is noted on the record whose address failed; a
//! second read takes nothing twice; an SMTP server that is down is an
//! error and logs nothing; erasing her takes the attachment too.
//!
//! Without `dovecot` or `aiosmtpd` this test fails when `CI` is set (CI
//! installs them) and is skipped with a loud message otherwise.

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use serde_json::json;

mod common;

const USER: &str = "support@acme.test";
const PASSWORD: &str = "mailbox password";

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn peers_present() -> bool {
    let dovecot = Path::new("/usr/sbin/dovecot").exists();
    let smtpd = Command::new("python3")
        .args(["-c", "import aiosmtpd"])
        .status()
        .is_ok_and(|s| s.success());
    if dovecot && smtpd {
        return true;
    }
    let msg = format!(
        "dovecot ({dovecot}) or aiosmtpd ({smtpd}) is missing: install Debian's dovecot-imapd \
         and `python3 -m pip install aiosmtpd` (.ci/run does)"
    );
    if std::env::var_os("CI").is_some() {
        panic!("{msg}");
    }
    eprintln!("\n!!!!!!!! SKIPPED: {msg} !!!!!!!!\n");
    false
}

/// A process killed when the test ends.
struct Peer(Child);

impl Drop for Peer {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn wait_for_port(port: u16) {
    for _ in 0..200 {
        if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
            return;
        }
        #[allow(clippy::disallowed_methods)]
        // a test waiting for a server to listen, not an engine
        std::thread::sleep(Duration::from_millis(25));
    }
    panic!("nothing listens on {port}");
}

/// Dovecot serving IMAP on a free port, user [`USER`] with [`PASSWORD`].
fn dovecot(dir: &Path) -> (Peer, u16) {
    let port = free_port();
    let mail = dir.join("mail");
    std::fs::create_dir_all(&mail).unwrap();
    // Mail is read and written as nobody.
    std::os::unix::fs::chown(&mail, Some(65534), Some(65534)).unwrap();
    std::fs::write(dir.join("passwd"), format!("{USER}:{{PLAIN}}{PASSWORD}\n")).unwrap();
    let d = dir.display();
    let conf = format!(
        "protocols = imap\nlisten = 127.0.0.1\nbase_dir = {d}/run\nstate_dir = {d}/state\n\
log_path = {d}/dovecot.log\nssl = no\ndisable_plaintext_auth = no\nauth_mechanisms = plain login\n\
mail_location = maildir:{d}/mail/%n\ndefault_login_user = dovenull\ndefault_internal_user = dovecot\n\
passdb {{\n  driver = passwd-file\n  args = scheme=PLAIN username_format=%u {d}/passwd\n}}\n\
userdb {{\n  driver = static\n  args = uid=65534 gid=65534 home={d}/mail/%n\n}}\n\
service imap-login {{\n  inet_listener imap {{\n    address = 127.0.0.1\n    port = {port}\n  }}\n\
  inet_listener imaps {{\n    port = 0\n  }}\n}}\n"
    );
    std::fs::write(dir.join("dovecot.conf"), conf).unwrap();
    let child = Command::new("/usr/sbin/dovecot")
        .args(["-F", "-c"])
        .arg(dir.join("dovecot.conf"))
        .stdout(Stdio::null())
        .spawn()
        .expect("dovecot starts");
    let peer = Peer(child);
    wait_for_port(port);
    (peer, port)
}

/// aiosmtpd on a free port, keeping what it receives in `sent/` (a Maildir).
fn smtp_receiver(dir: &Path) -> (Peer, u16, PathBuf) {
    let port = free_port();
    let sent = dir.join("sent");
    let child = Command::new("python3")
        .args(["-m", "aiosmtpd", "-n", "-l", &format!("127.0.0.1:{port}")])
        .args(["-c", "aiosmtpd.handlers.Mailbox"])
        .arg(&sent)
        .stdout(Stdio::null())
        .spawn()
        .expect("aiosmtpd starts");
    let peer = Peer(child);
    wait_for_port(port);
    (peer, port, sent)
}

/// Puts a message in the mailbox's INBOX over IMAP (as a mail server would).
async fn deliver(port: u16, raw: &str) {
    let tcp = tokio::net::TcpStream::connect(("127.0.0.1", port))
        .await
        .unwrap();
    let mut client = async_imap::Client::new(tcp);
    client.read_response().await.unwrap();
    let mut s = client.login(USER, PASSWORD).await.map_err(|e| e.0).unwrap();
    s.append("INBOX", None, None, raw.replace('\n', "\r\n"))
        .await
        .unwrap();
    let _ = s.logout().await;
}

/// The messages the SMTP receiver got, as text.
fn received(sent: &Path) -> Vec<String> {
    let mut out = Vec::new();
    for sub in ["new", "cur"] {
        for e in std::fs::read_dir(sent.join(sub))
            .into_iter()
            .flatten()
            .flatten()
        {
            out.push(std::fs::read_to_string(e.path()).unwrap());
        }
    }
    out
}

/// Agent `ana_agent` (user `agent1`), signed in on the desktop page and available.
async fn agent_desk(e: &common::Env, admin: &mut common::client::Client) -> common::client::Client {
    let t = e.store.tenant_by_name("acme").await.unwrap().unwrap();
    let hash = server::auth::hash_password("agent one's long password").unwrap();
    e.store
        .create_user(&t, "agent1", &hash, "agent", 1)
        .await
        .unwrap();
    let agent = json!({"name": "ana_agent", "username": "agent1", "skills": [{"name": "support", "level": 5}]});
    assert_eq!(
        admin.post("/api/v1/agents", &agent).await.unwrap().status,
        201
    );
    let (mut c, _) = common::page_session(
        &e.app,
        ("acme", "agent1", "agent one's long password"),
        "es",
    )
    .await;
    let r = c
        .form("/ui/agent/state", &[], "state=available")
        .await
        .unwrap();
    assert!(r.status < 300, "{}", String::from_utf8_lossy(&r.body));
    c
}

/// The e-mail facts of an interaction: (received?, email).
async fn emails(e: &common::Env, id: i64) -> Vec<(bool, model::email::Email)> {
    let t = e.store.tenant_by_name("acme").await.unwrap().unwrap();
    let facts = e.store.interaction_facts(&t, id).await.unwrap();
    facts
        .into_iter()
        .filter_map(|r| match r.fact {
            store::Fact::EmailReceived { email, .. } => Some((true, *email)),
            store::Fact::EmailSent { email, .. } => Some((false, *email)),
            _ => None,
        })
        .collect()
}

const FIRST: &str = "From: Ana Puig <ana@example.com>
To: support@acme.test
Subject: Factura de noviembre
Message-ID: <m1@example.com>
MIME-Version: 1.0
Content-Type: multipart/mixed; boundary=b

--b
Content-Type: text/html; charset=utf-8

<p onmouseover=\"steal()\">Hola, la factura <b>est\u{e1} mal</b>.<script>alert(1)</script><img src=\"http://track.example/p.gif\"></p>
--b
Content-Type: application/pdf
Content-Disposition: attachment; filename=\"factura.pdf\"

%PDF-1.4 pretend
--b--
";

#[tokio::test]
async fn mail_is_read_routed_answered_threaded_and_bounces_are_noted() {
    if !peers_present() {
        return;
    }
    let dir = common::scratch("mail");
    let (_imap, imap_port) = dovecot(&dir);
    let (_smtp, smtp_port, sent) = smtp_receiver(&dir);
    let (e, mut c) = common::admin_client("mail").await;
    let plan = "default_queue = \"support\"\n[[queue]]\nname = \"support\"\n";
    let r = c
        .put("/api/v1/routing/plan", &json!({"document": plan}))
        .await
        .unwrap();
    assert_eq!(r.status, 204);
    let ana = c
        .post(
            "/api/v1/customers",
            &json!({"name": "Ana Puig", "email": "ana@example.com"}),
        )
        .await
        .unwrap()
        .json()["id"]
        .as_i64()
        .unwrap();
    let gone = c
        .post(
            "/api/v1/customers",
            &json!({"name": "Old Address", "email": "gone@example.com"}),
        )
        .await
        .unwrap()
        .json()["id"]
        .as_i64()
        .unwrap();
    let mailbox = |smtp_port: u16| {
        json!({"address": USER, "queue": "support",
            "imap": {"host": "127.0.0.1", "port": imap_port, "security": "none", "user": USER, "password": PASSWORD},
            "smtp": {"host": "127.0.0.1", "port": smtp_port, "security": "none"}})
    };
    let bad = json!({"address": "not an address", "imap": {"host": "h", "port": 1, "security": "none"}, "smtp": {"host": "h", "port": 1, "security": "none"}});
    let r = c.put("/api/v1/mailboxes/support", &bad).await.unwrap();
    assert_eq!(r.status, 422, "{:?}", r.json());
    let r = c
        .put("/api/v1/mailboxes/support", &mailbox(smtp_port))
        .await
        .unwrap();
    assert_eq!(r.status, 201, "{:?}", r.json());
    let listed = c.get("/api/v1/mailboxes").await.unwrap().json();
    assert_eq!(
        listed["mailboxes"][0]["imap"]["password_set"], true,
        "{listed}"
    );
    assert!(
        !listed.to_string().contains(PASSWORD),
        "passwords are never shown"
    );

    // Ana writes: an e-mail interaction on her record, made safe.
    deliver(imap_port, FIRST).await;
    server::mail::read::read_all(&e.state).await;
    let list = c.get("/api/v1/interactions").await.unwrap().json();
    let it = &list["interactions"][0];
    assert_eq!(
        (it["channel"].as_str(), it["customer_id"].as_i64()),
        (Some("email"), Some(ana)),
        "{list}"
    );
    assert_eq!(it["subject"], "Factura de noviembre");
    let id = it["id"].as_i64().unwrap();
    let got = emails(&e, id).await;
    let first = &got[0].1;
    let html = first.html.as_deref().unwrap();
    for bad in ["script", "onmouseover", "track.example"] {
        assert!(!html.contains(bad), "{bad} in {html}");
    }
    assert!(html.contains("está mal"), "{html}");
    let pdf = first.attachments[0].path.clone().unwrap();
    assert_eq!(std::fs::read(&pdf).unwrap(), b"%PDF-1.4 pretend");

    // The agent answers over SMTP, in the thread.
    let r = c
        .post(
            &format!("/api/v1/interactions/{id}/email"),
            &json!({"body": "Hola Ana, ya está corregida."}),
        )
        .await
        .unwrap();
    assert_eq!(r.status, 201, "{:?}", r.json());
    let answer_id = r.json()["message_id"].as_str().unwrap().to_string();
    let out = received(&sent);
    assert_eq!(out.len(), 1, "{out:?}");
    for expected in [
        "To: ana@example.com",
        "In-Reply-To: <m1@example.com>",
        "Subject: Re: Factura de noviembre",
    ] {
        assert!(out[0].contains(expected), "{expected} in {}", out[0]);
    }

    // Her reply joins the same interaction; a bounce is noted on the other record.
    let reply = format!(
        "From: ana@example.com\nTo: {USER}\nSubject: Re: Factura\nMessage-ID: <m2@example.com>\n\
In-Reply-To: <{answer_id}>\nReferences: <m1@example.com> <{answer_id}>\n\nGracias.\n"
    );
    deliver(imap_port, &reply).await;
    let bounce = format!(
        "From: MAILER-DAEMON@acme.test\nTo: {USER}\nSubject: Undelivered\nMIME-Version: 1.0\n\
Content-Type: multipart/report; report-type=delivery-status; boundary=r\n\n--r\nContent-Type: text/plain\n\nSorry.\n\
--r\nContent-Type: message/delivery-status\n\nReporting-MTA: dns; mx.acme.test\n\n\
Final-Recipient: rfc822; gone@example.com\nAction: failed\nStatus: 5.1.1\n--r--\n"
    );
    deliver(imap_port, &bounce).await;
    server::mail::read::read_all(&e.state).await;
    server::mail::read::read_all(&e.state).await;
    let got = emails(&e, id).await;
    assert_eq!(
        got.iter().map(|(r, _)| *r).collect::<Vec<_>>(),
        [true, false, true],
        "{got:?}"
    );
    assert_eq!(
        c.get("/api/v1/interactions").await.unwrap().json()["interactions"]
            .as_array()
            .unwrap()
            .len(),
        1
    );
    let t = e.store.tenant_by_name("acme").await.unwrap().unwrap();
    let profile = format!("{:?}", e.store.customer_profile(&t, gone).await.unwrap());
    assert!(
        profile.contains("email_bounced") && profile.contains("gone@example.com: 5.1.1"),
        "{profile}"
    );

    // Her copy of everything has the e-mail and its attachment.
    let r = c
        .get(&format!("/api/v1/customers/{ana}/export"))
        .await
        .unwrap();
    assert_eq!(r.status, 200);
    let mut z = zip::ZipArchive::new(std::io::Cursor::new(r.body.to_vec())).unwrap();
    let names: Vec<String> = z.file_names().map(|n| n.unwrap().into_owned()).collect();
    assert!(
        names
            .iter()
            .any(|n| n.starts_with(&format!("attachments/{id}/")) && n.ends_with("factura.pdf")),
        "{names:?}"
    );
    let mut text = String::new();
    std::io::Read::read_to_string(&mut z.by_name("interactions.json").unwrap(), &mut text).unwrap();
    assert!(text.contains("m1@example.com"), "{text}");

    // The agent takes it on the desktop, sees the message made safe, answers there.
    let mut agent = agent_desk(&e, &mut c).await;
    let r = agent
        .form(&format!("/ui/agent/interactions/{id}/accept"), &[], "")
        .await
        .unwrap();
    assert!(r.status < 300, "{}", String::from_utf8_lossy(&r.body));
    let page = agent.get("/ui/agent/work").await.unwrap();
    let html = String::from_utf8_lossy(&page.body).to_string();
    assert!(
        html.contains("class=\"mail-html\"") && html.contains("está mal"),
        "{html}"
    );
    assert!(
        !html.contains("steal()") && !html.contains("<script>alert"),
        "{html}"
    );
    assert!(html.contains("factura.pdf"), "{html}");
    let body = "body=Gracias+por+su+paciencia";
    let r = agent
        .form(&format!("/ui/agent/interactions/{id}/email"), &[], body)
        .await
        .unwrap();
    let thread = String::from_utf8_lossy(&r.body).to_string();
    assert_eq!(r.status, 200, "{thread}");
    assert!(thread.contains("Gracias por su paciencia"), "{thread}");
    assert_eq!(received(&sent).len(), 2);

    // An SMTP server that is down: an error, nothing logged.
    let r = c
        .put("/api/v1/mailboxes/support", &mailbox(free_port()))
        .await
        .unwrap();
    assert_eq!(r.status, 200, "{:?}", r.json());
    let r = c
        .post(
            &format!("/api/v1/interactions/{id}/email"),
            &json!({"body": "lost?"}),
        )
        .await
        .unwrap();
    assert_eq!(
        (r.status, r.error_code().as_deref()),
        (502, Some("upstream_failed")),
        "{:?}",
        r.json()
    );
    assert_eq!(emails(&e, id).await.len(), 4);

    // Erasing Ana takes her messages' texts and the attachment.
    let r = agent
        .form(&format!("/ui/agent/interactions/{id}/complete"), &[], "")
        .await
        .unwrap();
    assert!(r.status < 300, "{}", String::from_utf8_lossy(&r.body));
    let r = c
        .post(&format!("/api/v1/customers/{ana}/erase"), &json!({}))
        .await
        .unwrap();
    assert_eq!(r.status, 200, "{:?}", r.json());
    assert!(!Path::new(&pdf).exists(), "the attachment is deleted");
    let got = emails(&e, id).await;
    assert!(
        got.iter()
            .all(|(_, m)| m.text == model::erasure::ERASED && m.from == model::erasure::ERASED),
        "{got:?}"
    );
}

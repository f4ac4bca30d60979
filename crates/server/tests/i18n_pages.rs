//! Every page speaks the user's language: each UI page of the permission
//! table (`server::perms::ROUTES`), fetched by two agents, a supervisor and
//! an administrator of the demo tenant (with some history: a handled chat,
//! an abandoned call, work in hand and an offer, agents on a break, a
//! stopped campaign, an evaluation, a playlist), in Spanish,
//! Catalan and Czech, must show no machine name of a state, outcome, channel,
//! rule or effect (taken from the model's enums), no message id left
//! untranslated, and no English-only word, as visible text (text, `title`,
//! `aria-label`, `placeholder`, `alt`, `hx-confirm`). What the tenant wrote
//! (the demo's plan, desktop and campaign documents; the names in this file)
//! is data, not interface, and is left out before checking.

use std::collections::{BTreeSet, HashMap};

use i18n::{Catalog, Lang};
use serde_json::json;
use server::tenant::Op;

mod common;
#[path = "i18n_pages/text.rs"]
mod text;

use common::client::Client;
use text::{Checker, visible};

/// What the pages need an id for.
#[derive(Default)]
struct Ids {
    customer: i64,
    campaign: i64,
    chat: i64,
    evaluation: Option<i64>,
    playlist: Option<i64>,
    case: i64,
}

struct World {
    e: common::Env,
    tenant: String,
    users: Vec<(String, String, String)>,
    ids: Ids,
}

fn reason(code: &str) -> model::ReasonCode {
    model::ReasonCode::parse(code).unwrap()
}

/// The quality form (the tenant's words, not the interface's).
fn forms() -> serde_json::Value {
    json!({"forms": [{"id": "xats", "name": "Xats", "sections": [
        {"title": "Tot", "questions": [{"id": "ortografia", "text": "Ortografia", "weight": 1}]}]}]})
}

/// The demo tenant with a little history.
async fn world() -> World {
    let e = common::env("i18n-pages").await;
    let info = server::demo::setup(&e.state, &common::scratch("i18n-demo"))
        .await
        .unwrap();
    let t = e.store.tenant_by_name(&info.tenant).await.unwrap().unwrap();
    let pass = |u: &str| info.users.iter().find(|x| x.0 == u).unwrap().2.clone();
    let session = async |u: &str| {
        common::page_session(&e.app, (&info.tenant, u, &pass(u)), "en")
            .await
            .0
    };
    let mut admin = session("admin").await;
    let mut sup = session("supervisor").await;
    let h = e.state.hub.tenant(&t).await.unwrap();
    let agents = e.store.agents(&t).await.unwrap();
    let agent = |n: &str| agents.iter().find(|a| a.name == n).unwrap().id;
    let (ana, ben) = (agent("ana"), agent("ben"));
    let mut ids = Ids {
        customer: 1,
        ..Ids::default()
    };
    ids.campaign = e.store.campaigns(&t).await.unwrap()[0].id;
    let mut create = async |channel: &str| {
        let body = json!({"channel": channel, "customer_id": 1,
            "attributes": {"caller_number": "+34600000001"}});
        let r = admin.post("/api/v1/interactions", &body).await.unwrap();
        assert!(r.status < 300, "{:?}", r.json());
        r.json()["id"].as_i64().unwrap()
    };
    // A chat handled by ana, with a message and a disposition.
    h.call(Op::SignIn(ana, None)).await.unwrap();
    ids.chat = create("chat").await;
    h.call(Op::Accept(ids.chat, ana)).await.unwrap();
    h.call(Op::Chat {
        interaction: ids.chat,
        sender: store::Sender::Agent,
        by_agent: Some(ana),
        secret_hash: None,
        body: "Hola".into(),
    })
    .await
    .unwrap();
    h.call(Op::Complete(ids.chat, Some(ana))).await.unwrap();
    // ben is on a break; a call hung up waiting, another waits still.
    h.call(Op::SignIn(ben, Some(reason("break"))))
        .await
        .unwrap();
    h.call(Op::NotReady(ana, reason("lunch"))).await.unwrap();
    let gone = create("voice").await;
    h.call(Op::Abandon(gone)).await.unwrap();
    let waiting = [create("voice").await, create("email").await];
    // ana takes what she is offered; ben is offered a chat.
    h.call(Op::Ready(ana)).await.unwrap();
    for id in waiting {
        let _ = h.call(Op::Accept(id, ana)).await;
    }
    create("chat").await;
    h.call(Op::Ready(ben)).await.unwrap();
    // Contacts the campaign refuses, and the campaign stopped.
    let path = format!("/api/v1/campaigns/{}/contacts", ids.campaign);
    let more = json!({"contacts": [{"name": "Dup", "phones": ["+34600000001"]}, {"name": "Zero", "phones": []}]});
    admin.post(&path, &more).await.unwrap();
    let stop = format!("/api/v1/campaigns/{}/stop", ids.campaign);
    let r = admin.post(&stop, &json!({})).await.unwrap();
    assert!(r.status < 300, "{:?}", r.json());
    let r = admin.put("/api/v1/quality/forms", &forms()).await.unwrap();
    assert!(r.status < 300, "{:?}", r.json());
    ids.evaluation = evaluate(&mut sup, ids.chat).await;
    let list = json!({"name": "Xats", "items": [{"interaction": ids.chat, "note": "Escolta"}]});
    let r = sup.post("/api/v1/playlists", &list).await.unwrap();
    ids.playlist = r.json()["id"].as_i64();
    ids.case = a_case(&mut sup).await;
    World {
        e,
        tenant: info.tenant,
        users: info.users,
        ids,
    }
}

/// A case of customer 1 with a promise, flagged (its id).
async fn a_case(sup: &mut Client) -> i64 {
    let body = json!({"type": "collections", "reference": "C-1", "customer_id": 1,
        "debts": [{"principal": "120.00", "currency": "EUR", "due_date": "2026-01-10", "creditor": "Acme"}]});
    let r = sup.post("/api/v1/cases", &body).await.unwrap();
    assert_eq!(r.status, 201, "{:?}", r.json());
    let id = r.json()["id"].as_i64().unwrap();
    let promise = json!({"amount": "50.00", "due_date": "2099-01-10"});
    let r = sup
        .post(&format!("/api/v1/cases/{id}/promises"), &promise)
        .await
        .unwrap();
    assert_eq!(r.status, 200, "{:?}", r.json());
    let r = sup
        .post(
            &format!("/api/v1/cases/{id}/flags"),
            &json!({"set": ["vip"]}),
        )
        .await
        .unwrap();
    assert_eq!(r.status, 200, "{:?}", r.json());
    id
}

/// A supervisor's evaluation of the chat (its id, when it was made).
async fn evaluate(sup: &mut Client, chat: i64) -> Option<i64> {
    let ev = json!({"interaction": chat, "form": "xats", "comments": [], "comment": "Bé",
        "answers": [{"question": "ortografia", "value": "yes"}]});
    let r = sup.post("/api/v1/evaluations", &ev).await.unwrap();
    assert_eq!(r.status, 201, "{:?}", r.json());
    r.json()["id"].as_i64()
}

/// Every UI page to look at, with its ids filled in.
fn pages(ids: &Ids) -> Vec<String> {
    const SKIP: [&str; 5] = [
        "/ui",
        "/ui/sign-in",
        "/ui/sign-in/oidc",
        "/ui/sign-in/oidc/callback",
        "/ui/assets/{file}",
    ];
    let fill = |path: &str| -> Option<String> {
        if !path.contains('{') {
            return Some(path.to_string());
        }
        let id = match path.split('/').nth(2)? {
            "customers" => Some(ids.customer),
            "cases" => Some(ids.case),
            "campaigns" => Some(ids.campaign),
            "agent" => Some(ids.chat),
            "training" => ids.playlist,
            "quality" if path.contains("evaluations") => ids.evaluation,
            "quality" => Some(ids.chat),
            _ => None,
        }?;
        Some(path.replace("{id}", &id.to_string()))
    };
    let mut out: Vec<String> = server::perms::ROUTES
        .iter()
        .filter(|r| r.method == "GET" && r.path.starts_with("/ui") && !SKIP.contains(&r.path))
        .filter_map(|r| fill(r.path))
        .collect();
    out.extend(
        [
            "/ui/wallboard?tv=1",
            "/ui/customers?q=Eva",
            "/ui/customers?q=zzzz",
            "/ui/cases?q=C-1",
            "/ui/cases?state=zzzz",
        ]
        .map(String::from),
    );
    out
}

/// The client's cookies with the language set to `lang`.
fn speak(c: &mut Client, lang: Lang) {
    for (k, v) in c.headers.iter_mut() {
        if k == "cookie" {
            let mut parts: Vec<String> = v
                .split("; ")
                .filter(|p| !p.starts_with("centralita_lang=") && !p.is_empty())
                .map(String::from)
                .collect();
            parts.push(format!("centralita_lang={lang}"));
            *v = parts.join("; ");
        }
    }
}

/// Fetches `path` and returns what is wrong with its visible text.
async fn check_page(c: &mut Client, checker: &Checker, path: &str) -> Vec<String> {
    let r = c.get(path).await.unwrap();
    if (300..400).contains(&r.status) {
        return Vec::new();
    }
    let html = String::from_utf8_lossy(&r.body).to_string();
    checker
        .faults(&visible(&html))
        .into_iter()
        .map(|f| format!("{path} ({}): {f}", r.status))
        .collect()
}

#[tokio::test]
async fn every_page_speaks_spanish_catalan_czech_russian_and_chinese() {
    let w = world().await;
    let mut data = tenant_words();
    data.extend(w.users.iter().map(|u| u.0.clone()));
    let mut faults: BTreeSet<String> = BTreeSet::new();
    let pages = pages(&w.ids);
    for user in ["ana", "ben", "supervisor", "admin"] {
        let pass = &w.users.iter().find(|u| u.0 == user).unwrap().2;
        let (mut c, _) = common::page_session(&w.e.app, (&w.tenant, user, pass), "es").await;
        for lang in [Lang::Es, Lang::Ca, Lang::Cs, Lang::Ru, Lang::Zh] {
            speak(&mut c, lang);
            let checker = Checker::new(lang, &data);
            for path in &pages {
                for f in check_page(&mut c, &checker, path).await {
                    faults.insert(format!("{lang} {user} {f}"));
                }
            }
        }
    }
    for lang in [Lang::Es, Lang::Ca, Lang::Cs, Lang::Ru, Lang::Zh] {
        let checker = Checker::new(lang, &data);
        let mut anon = Client::new(&w.e.app);
        anon.headers
            .push(("cookie".into(), format!("centralita_lang={lang}")));
        for path in ["/ui/sign-in".to_string(), format!("/chat/{}", w.tenant)] {
            for f in check_page(&mut anon, &checker, &path).await {
                faults.insert(format!("{lang} anonymous {f}"));
            }
        }
    }
    let list: Vec<String> = faults.into_iter().collect();
    assert!(
        list.is_empty(),
        "{} untranslated:\n{}",
        list.len(),
        list.join("\n")
    );
}

/// What the tenant wrote: every quoted string of the demo's documents, and
/// the names this test gives.
fn tenant_words() -> Vec<String> {
    let mut docs = vec![
        server::demo::DEMO_PLAN.to_string(),
        server::demo::DEMO_DESKTOP.to_string(),
        forms().to_string(),
    ];
    // The demo's customers, their answers, and its campaign's contacts.
    docs.push(
        r#""Eva Puig" "Joan Soler" "Petra Novak" "Lucia Garcia" "marketing: yes (web form)"
        "value_tier" "consent" "do_not_call" "gold" "silver" "yes" "Contact" "Dup" "Zero""#
            .into(),
    );
    let mut out: Vec<String> = docs
        .iter()
        .flat_map(|d| d.split('"').skip(1).step_by(2).map(String::from))
        .filter(|s| !s.trim().is_empty())
        .collect();
    out.sort_by_key(|s| std::cmp::Reverse(s.len()));
    out.dedup();
    out
}

/// Every value of the enums the pages name has its message in every
/// language (a new state, outcome or rule fails here before a page shows
/// its machine name).
#[test]
fn every_machine_name_has_its_words() {
    let families = text::families();
    let c = Catalog::global();
    let missing: Vec<String> = families
        .iter()
        .flat_map(|(prefix, list)| list.iter().map(move |n| format!("{prefix}{n}")))
        .flat_map(|id| {
            Lang::ALL
                .into_iter()
                .filter(|l| !c.has(*l, &id))
                .map(|l| format!("{l}: {id}"))
                .collect::<Vec<_>>()
        })
        .collect();
    assert!(missing.is_empty(), "{missing:?}");
}

#[test]
fn the_checker_finds_raw_names_ids_and_english() {
    let c = Checker::new(Lang::Es, &["Hello team".to_string()]);
    let html = "<p title=\"not_ready\">Estado: <b>abandoned</b> state-wrap-up</p>\
        <span data-state=\"busy\" class=\"wrap_up\">Hello team</span>\
        <script>var x = \"outbound_voice\";</script><p>Save the changes</p>";
    let got = c.faults(&visible(html));
    let words: HashMap<&str, bool> = ["not_ready", "abandoned", "state-wrap-up", "Save"]
        .into_iter()
        .map(|w| (w, got.iter().any(|f| f.contains(&format!("«{w}»")))))
        .collect();
    assert!(words.values().all(|b| *b), "{got:?}");
    assert!(
        !got.iter()
            .any(|f| f.contains("busy") || f.contains("outbound_voice") || f.contains("Hello")),
        "{got:?}"
    );
    assert!(Catalog::ids(Lang::Es).len() > 100);
}

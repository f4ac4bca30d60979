//! Quality review and the training library over the API (requests sent to
//! the router in process): forms checked field by field, evaluations scored
//! on the server (weights, n.a., critical questions), an agent who sees and
//! acknowledges only their own, calibration's spread, scores per agent and
//! team over time, playlists agents listen to, the audit trail, and a
//! rebuild of the projections from the log that keeps everything.

use serde_json::{Value, json};
use server::auth;
use server::tenant::Op;
use store::CallFact;

mod common;

use common::client::Client;

const PLAN: &str = r#"
default_queue = "support"
[[queue]]
name = "support"
ring_timeout_s = 60
wrap_up_s = 0
"#;
const PASSWORD: &str = "a long enough password";

fn forms() -> Value {
    json!({"forms": [
        {"id": "calls", "name": "Calls", "sections": [
            {"title": "Opening", "questions": [
                {"id": "greet", "text": "Greeted the customer by name", "weight": 1, "na": true},
                {"id": "verify", "text": "Verified identity", "weight": 2, "critical": true}]},
            {"title": "Manner", "questions": [
                {"id": "tone", "text": "Tone", "weight": 2, "kind": "scale", "max": 4}]}]},
        {"id": "chats", "name": "Chats", "sections": [
            {"title": "All", "questions": [
                {"id": "spelling", "text": "Spelling", "weight": 1}]}]}]})
}

struct World {
    e: common::Env,
    t: store::Tenant,
    admin: Client,
    sup1: Client,
    sup2: Client,
    ana: Client,
    bob: Client,
}

async fn user(e: &common::Env, t: &store::Tenant, name: &str, role: &str) -> Client {
    let hash = auth::hash_password(PASSWORD).unwrap();
    e.store.create_user(t, name, &hash, role, 1).await.unwrap();
    common::api_session(&e.app, None, name, PASSWORD).await
}

/// Interaction `channel` taken by `agent` (the only one signed in) and completed.
async fn handled(w: &mut World, channel: &str, agent: i64) -> i64 {
    let h = w.e.state.hub.tenant(&w.t).await.unwrap();
    h.call(Op::SignIn(agent, None)).await.unwrap();
    let r = w
        .admin
        .post("/api/v1/interactions", &json!({"channel": channel}))
        .await
        .unwrap();
    assert!(r.status < 300, "{:?}", r.json());
    let id = r.json()["id"].as_i64().unwrap();
    h.call(Op::Accept(id, agent)).await.unwrap();
    if channel == "chat" {
        h.call(Op::Chat {
            interaction: id,
            sender: store::Sender::Agent,
            by_agent: Some(agent),
            secret_hash: None,
            body: "Hola, ¿en qué puedo ayudarle?".into(),
        })
        .await
        .unwrap();
    }
    if channel == "voice" {
        // A fixture of the switch's facts: a recording, paused for 3 s after 2 s.
        let wav = common::scratch("quality-rec").join(format!("{id}.wav"));
        let mut bytes = telephony::wav::header(2, 8000, 32_000).to_vec();
        bytes.extend(std::iter::repeat_n(0u8, 32_000));
        std::fs::write(&wav, bytes).unwrap();
        let path = wav.display().to_string();
        h.call(Op::CallFact(
            id,
            CallFact::RecordingStarted {
                path,
                by: "always".into(),
            },
        ))
        .await
        .unwrap();
        h.call(Op::CallFact(
            id,
            CallFact::RecordingPaused { by: "ana".into() },
        ))
        .await
        .unwrap();
        h.call(Op::CallFact(
            id,
            CallFact::RecordingResumed { by: "ana".into() },
        ))
        .await
        .unwrap();
    }
    h.call(Op::Complete(id, Some(agent))).await.unwrap();
    h.call(Op::SignOut(agent)).await.unwrap();
    id
}

async fn world() -> World {
    let (e, admin) = common::admin_client("quality").await;
    let t = e.store.tenant_by_name("acme").await.unwrap().unwrap();
    let h = e.state.hub.tenant(&t).await.unwrap();
    h.call(Op::SetPlan(PLAN.into())).await.unwrap();
    let (sup1, sup2) = (
        user(&e, &t, "sup1", "supervisor").await,
        user(&e, &t, "sup2", "supervisor").await,
    );
    let hash = auth::hash_password(PASSWORD).unwrap();
    for (name, team) in [("ana", "north"), ("bob", "south")] {
        e.store
            .create_user(&t, name, &hash, "agent", 1)
            .await
            .unwrap();
        h.call(Op::DefineAgent {
            id: None,
            name: name.into(),
            skills: vec![("support".into(), 5)],
            username: Some(name.into()),
            teams: Some(vec![team.into()]),
        })
        .await
        .unwrap();
    }
    let ana = common::api_session(&e.app, None, "ana", PASSWORD).await;
    let bob = common::api_session(&e.app, None, "bob", PASSWORD).await;
    World {
        e,
        t,
        admin,
        sup1,
        sup2,
        ana,
        bob,
    }
}

fn call_answers(greet: &str, verify: &str, tone: u8) -> Value {
    json!([{"question": "greet", "value": greet}, {"question": "verify", "value": verify},
           {"question": "tone", "value": tone}])
}

#[tokio::test]
async fn forms_evaluations_acknowledgement_calibration_scores_playlists_and_audit() {
    let mut w = world().await;
    // Forms: a mistake names its field; supervisors cannot define them.
    let mut bad = forms();
    bad["forms"][0]["sections"][1]["questions"][0]["max"] = json!(0);
    let r = w.admin.put("/api/v1/quality/forms", &bad).await.unwrap();
    assert_eq!(r.status, 422, "{:?}", r.json());
    let msg = r.json()["error"]["message"].as_str().unwrap().to_string();
    assert!(
        msg.starts_with("forms[0].sections[1].questions[0].max"),
        "{msg}"
    );
    let mut bad = forms();
    bad["forms"][0]["sections"][1]["questions"][0]["critical"] = json!(true);
    let r = w.admin.put("/api/v1/quality/forms", &bad).await.unwrap();
    assert!(
        r.json()["error"]["message"]
            .as_str()
            .unwrap()
            .contains("critical")
    );
    assert_eq!(
        w.sup1
            .put("/api/v1/quality/forms", &forms())
            .await
            .unwrap()
            .status,
        403
    );
    assert_eq!(
        w.admin
            .put("/api/v1/quality/forms", &forms())
            .await
            .unwrap()
            .status,
        204
    );
    let got = w.sup1.get("/api/v1/quality/forms").await.unwrap().json();
    assert_eq!(got["forms"][1]["id"], "chats");

    let call = handled(&mut w, "voice", 0).await;
    let chat = handled(&mut w, "chat", 1).await;
    let messages = w
        .sup1
        .get(&format!("/api/v1/interactions/{chat}/messages"))
        .await
        .unwrap()
        .json();
    let seq = messages["messages"][0]["seq"].as_i64().expect("a message");

    // Scoring: 0·1 (no) + 1·2 (yes) + 3/4·2 = 3.5 of 5 = 70 %.
    let ev = |interaction: i64, form: &str, answers: Value, comments: Value| {
        json!({"interaction": interaction, "form": form, "answers": answers,
               "comments": comments, "comment": "Good call overall."})
    };
    let comments = json!([{"moment": {"at_ms": 12_500}, "text": "Interrupts the customer here."}]);
    let r = w
        .sup1
        .post(
            "/api/v1/evaluations",
            &ev(
                call,
                "calls",
                call_answers("no", "yes", 3),
                comments.clone(),
            ),
        )
        .await
        .unwrap();
    assert_eq!(r.status, 201, "{:?}", r.json());
    assert_eq!(
        (
            r.json()["score"].as_f64(),
            r.json()["critical_failed"].as_bool()
        ),
        (Some(70.0), Some(false))
    );
    let first = r.json()["id"].as_i64().unwrap();
    // Once per evaluator; a chat's moments are its messages; an agent cannot evaluate.
    let again = w
        .sup1
        .post(
            "/api/v1/evaluations",
            &ev(call, "calls", call_answers("yes", "yes", 4), json!([])),
        )
        .await
        .unwrap();
    assert_eq!(again.status, 409);
    let wrong = ev(
        chat,
        "chats",
        json!([{"question": "spelling", "value": "yes"}]),
        comments.clone(),
    );
    let r = w.sup1.post("/api/v1/evaluations", &wrong).await.unwrap();
    assert_eq!(r.status, 422);
    assert!(
        r.json()["error"]["message"]
            .as_str()
            .unwrap()
            .starts_with("comments[0].moment")
    );
    let at_message = json!([{"moment": {"message": seq}, "text": "Warm greeting."}]);
    let r = w
        .sup1
        .post(
            "/api/v1/evaluations",
            &ev(
                chat,
                "chats",
                json!([{"question": "spelling", "value": "yes"}]),
                at_message,
            ),
        )
        .await
        .unwrap();
    assert_eq!(r.status, 201, "{:?}", r.json());
    let bobs = r.json()["id"].as_i64().unwrap();
    let r = w
        .ana
        .post(
            "/api/v1/evaluations",
            &ev(call, "calls", call_answers("na", "yes", 4), json!([])),
        )
        .await
        .unwrap();
    assert_eq!(r.status, 403);
    // n.a. leaves its weight out; n.a. where not allowed is refused.
    let r = w
        .sup2
        .post(
            "/api/v1/evaluations",
            &ev(call, "calls", call_answers("yes", "na", 4), json!([])),
        )
        .await
        .unwrap();
    assert_eq!(r.status, 422, "verify cannot be n.a.");
    // A failed critical question: 0, whatever else.
    let r = w
        .sup2
        .post(
            "/api/v1/evaluations",
            &ev(call, "calls", call_answers("yes", "no", 4), json!([])),
        )
        .await
        .unwrap();
    assert_eq!(
        (
            r.json()["score"].as_f64(),
            r.json()["critical_failed"].as_bool()
        ),
        (Some(0.0), Some(true))
    );
    let second = r.json()["id"].as_i64().unwrap();

    // Lists by interaction and evaluator; one whole.
    let by_sup2 = w
        .sup1
        .get("/api/v1/evaluations?evaluator=sup2")
        .await
        .unwrap()
        .json();
    assert_eq!(by_sup2["evaluations"].as_array().unwrap().len(), 1);
    let of_call = w
        .sup1
        .get(&format!("/api/v1/evaluations?interaction={call}"))
        .await
        .unwrap()
        .json();
    assert_eq!(of_call["evaluations"].as_array().unwrap().len(), 2);
    let one = w
        .sup1
        .get(&format!("/api/v1/evaluations/{first}"))
        .await
        .unwrap()
        .json();
    assert_eq!(one["comments"][0]["moment"]["at_ms"], 12_500);
    assert_eq!(one["form"]["sections"][0]["title"], "Opening");
    assert_eq!(one["evaluation"]["agent"], 0);

    // The agent sees only their own, and acknowledges once.
    let mine = w.ana.get("/api/v1/evaluations").await.unwrap().json();
    let ids: Vec<i64> = mine["evaluations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["id"].as_i64().unwrap())
        .collect();
    assert_eq!(ids, vec![second, first]);
    assert_eq!(
        w.ana
            .get(&format!("/api/v1/evaluations/{bobs}"))
            .await
            .unwrap()
            .status,
        404
    );
    let path = format!("/api/v1/evaluations/{first}/acknowledge");
    assert_eq!(w.bob.post(&path, &json!({})).await.unwrap().status, 404);
    assert_eq!(w.sup1.post(&path, &json!({})).await.unwrap().status, 403);
    let r = w
        .ana
        .post(
            &path,
            &json!({"reply": "Understood, I will let customers finish."}),
        )
        .await
        .unwrap();
    assert_eq!(r.status, 204, "{:?}", r.json());
    assert_eq!(w.ana.post(&path, &json!({})).await.unwrap().status, 409);
    let acked = w
        .ana
        .get(&format!("/api/v1/evaluations/{first}"))
        .await
        .unwrap()
        .json();
    assert_eq!(acked["evaluation"]["acknowledged_by"], "ana");
    assert_eq!(
        acked["evaluation"]["reply"],
        "Understood, I will let customers finish."
    );

    // Calibration: both evaluators, the spread, the questions that differ.
    let cal = w
        .sup2
        .get(&format!("/api/v1/interactions/{call}/calibration"))
        .await
        .unwrap()
        .json();
    assert_eq!(cal["evaluations"].as_array().unwrap().len(), 2, "{cal}");
    assert_eq!(cal["spread"]["range"], 70.0);
    assert_eq!(cal["spread"]["std_dev"], 35.0);
    let differ: Vec<&str> = cal["questions"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|q| q["differ"] == true)
        .map(|q| q["question"].as_str().unwrap())
        .collect();
    assert_eq!(differ, vec!["greet", "verify", "tone"]);
    assert_eq!(
        w.ana
            .get(&format!("/api/v1/interactions/{call}/calibration"))
            .await
            .unwrap()
            .status,
        403
    );

    // Scores per agent and team; an agent gets their own line only.
    let s = w
        .sup1
        .get("/api/v1/quality/scores?bucket=day")
        .await
        .unwrap()
        .json();
    let line = |s: &Value, k: &str, name: &str| {
        s[k].as_array()
            .unwrap()
            .iter()
            .find(|x| x["name"] == name)
            .cloned()
    };
    assert_eq!(line(&s, "agents", "ana").unwrap()["mean"], 35.0, "{s}");
    assert_eq!(line(&s, "agents", "bob").unwrap()["mean"], 100.0);
    assert_eq!(line(&s, "teams", "north").unwrap()["count"], 2);
    assert_eq!(s["overall"]["count"], 3);
    assert_eq!(s["periods"].as_array().unwrap().len(), 15, "{s}");
    let own = w.ana.get("/api/v1/quality/scores").await.unwrap().json();
    assert_eq!(own["agents"].as_array().unwrap().len(), 1);
    assert!(own["teams"].as_array().unwrap().is_empty() && own["overall"].is_null());
    assert_eq!(
        w.sup1
            .get("/api/v1/quality/scores?bucket=year")
            .await
            .unwrap()
            .status,
        422
    );

    playlists_and_audit(&mut w, call).await;

    // The projections rebuilt from the log are the same.
    let before = w.e.store.projection_snapshot(&w.t).await.unwrap();
    let detail = w
        .sup1
        .get(&format!("/api/v1/evaluations/{first}"))
        .await
        .unwrap()
        .json();
    w.e.store.rebuild(&w.t).await.unwrap();
    assert_eq!(w.e.store.projection_snapshot(&w.t).await.unwrap(), before);
    assert!(before.contains("Understood, I will let"));
    assert_eq!(
        w.sup1
            .get(&format!("/api/v1/evaluations/{first}"))
            .await
            .unwrap()
            .json(),
        detail
    );
}

async fn playlists_and_audit(w: &mut World, call: i64) {
    let list = json!({"name": "Calm under pressure", "description": "For new operators",
        "items": [{"interaction": call, "note": "Listen to how the identity check is done", "start_ms": 2000}]});
    assert_eq!(
        w.ana.post("/api/v1/playlists", &list).await.unwrap().status,
        403
    );
    let bad = json!({"name": "x", "items": [{"interaction": 999}]});
    let r = w.sup1.post("/api/v1/playlists", &bad).await.unwrap();
    assert_eq!(r.status, 422);
    assert!(
        r.json()["error"]["message"]
            .as_str()
            .unwrap()
            .starts_with("items[0].interaction")
    );
    let r = w.sup1.post("/api/v1/playlists", &list).await.unwrap();
    assert_eq!(r.status, 201, "{:?}", r.json());
    let id = r.json()["id"].as_i64().unwrap();
    let gone = w
        .sup1
        .post("/api/v1/playlists", &json!({"name": "Old"}))
        .await
        .unwrap()
        .json()["id"]
        .as_i64()
        .unwrap();
    assert_eq!(
        w.sup1
            .raw("DELETE", &format!("/api/v1/playlists/{gone}"), &[], "")
            .await
            .unwrap()
            .status,
        204
    );
    let mut renamed = list.clone();
    renamed["name"] = json!("Calm under pressure (1)");
    assert_eq!(
        w.sup2
            .put(&format!("/api/v1/playlists/{id}"), &renamed)
            .await
            .unwrap()
            .status,
        204
    );
    let seen = w.ana.get("/api/v1/playlists").await.unwrap().json();
    assert_eq!(seen["playlists"].as_array().unwrap().len(), 1, "{seen}");
    assert_eq!(seen["playlists"][0]["name"], "Calm under pressure (1)");
    assert_eq!(seen["playlists"][0]["items"][0]["start_ms"], 2000);
    // An agent listens through the playlist (and only through it).
    let r = w
        .ana
        .get(&format!("/api/v1/playlists/{id}/items/0/recording"))
        .await
        .unwrap();
    assert_eq!(
        (r.status, r.headers["content-type"].to_str().unwrap()),
        (200, "audio/wav")
    );
    assert_eq!(
        w.ana
            .get(&format!("/api/v1/interactions/{call}/recording"))
            .await
            .unwrap()
            .status,
        403
    );
    assert_eq!(
        w.ana
            .get(&format!("/api/v1/playlists/{id}/items/1/recording"))
            .await
            .unwrap()
            .status,
        404
    );
    let accessed = w.e.store.interaction_facts(&w.t, call).await.unwrap().into_iter()
        .filter(|r| matches!(&r.fact, store::Fact::Call { call: CallFact::RecordingAccessed { by }, .. } if by == "ana"))
        .count();
    assert_eq!(accessed, 1);
    let audit = w.admin.get("/api/v1/audit").await.unwrap().json();
    let actions: Vec<(String, String)> = audit["entries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["action"].as_str().unwrap().to_string(),
                e["target"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect();
    for want in [
        ("settings_replaced", "settings:quality_forms".to_string()),
        ("evaluated", "evaluation:1".into()),
        ("evaluated", "evaluation:3".into()),
        ("evaluation_acknowledged", "evaluation:1".into()),
        ("playlist_saved", format!("playlist:{id}")),
        ("playlist_removed", format!("playlist:{gone}")),
        ("recording_listened", format!("interaction:{call}")),
    ] {
        assert!(
            actions.contains(&(want.0.to_string(), want.1.clone())),
            "{want:?} not in {actions:?}"
        );
    }
}

fn text(r: &common::client::Reply) -> String {
    String::from_utf8_lossy(&r.body).to_string()
}

/// The pages: a supervisor evaluates a call on its page (the player with
/// its pause, a comment at a moment), the agent acknowledges on theirs,
/// a playlist is made and opened; every page is in the user's language.
#[tokio::test]
async fn the_pages_review_acknowledge_and_train() {
    let mut w = world().await;
    assert_eq!(
        w.admin
            .put("/api/v1/quality/forms", &forms())
            .await
            .unwrap()
            .status,
        204
    );
    let call = handled(&mut w, "voice", 0).await;
    let chat = handled(&mut w, "chat", 1).await;
    let (mut sup, _) = common::page_session(&w.e.app, ("acme", "sup1", PASSWORD), "es").await;
    let page = text(
        &sup.get(&format!("/ui/quality/interactions/{call}"))
            .await
            .unwrap(),
    );
    assert!(
        page.contains(&format!(
            "data-player=\"/api/v1/interactions/{call}/recording\""
        )),
        "{page}"
    );
    assert!(page.contains("data-pauses=\""), "{page}");
    assert!(page.contains("Comentar en este momento"), "{page}");
    assert!(page.contains("/ui/assets/player.js"));
    let chat_page = text(
        &sup.get(&format!("/ui/quality/interactions/{chat}?form=chats"))
            .await
            .unwrap(),
    );
    assert!(chat_page.contains("data-comment-message"), "{chat_page}");
    // A wrong moment is shown next to the form; a right one saves and opens the evaluation.
    let hx = [("hx-request", "true")];
    let bad = "form=calls&q.greet=yes&q.verify=yes&q.tone=2&moment.0=ab&text.0=Here";
    let r = sup
        .form(&format!("/ui/quality/interactions/{call}"), &hx, bad)
        .await
        .unwrap();
    assert_eq!(r.status, 422, "{}", text(&r));
    assert!(text(&r).contains("moment.0"));
    let good = "form=calls&q.greet=yes&q.verify=yes&q.tone=2&moment.0=0%3A03&text.0=Listen+here&comment=Fine";
    let r = sup
        .form(&format!("/ui/quality/interactions/{call}"), &hx, good)
        .await
        .unwrap();
    assert_eq!(r.status, 204, "{}", text(&r));
    let to = r.headers["hx-redirect"].to_str().unwrap().to_string();
    let ev = text(&sup.get(&to).await.unwrap());
    assert!(
        ev.contains("data-seek-ms=\"3000\"") && ev.contains("Listen here"),
        "{ev}"
    );
    assert!(
        ev.contains("id=\"score\">80,0\u{a0}%"),
        "1 + 2 + 2/4·2 of 5: {ev}"
    );
    let quality = text(&sup.get("/ui/quality").await.unwrap());
    assert!(
        quality.contains("id=\"scores\"") && quality.contains("<svg"),
        "{quality}"
    );
    // The agent's pages: theirs only, and the acknowledgement.
    let (mut ana, _) = common::page_session(&w.e.app, ("acme", "ana", PASSWORD), "en").await;
    let mine = text(&ana.get("/ui/quality/mine").await.unwrap());
    assert!(mine.contains(&to), "{mine}");
    assert!(
        mine.contains("href=\"/ui/quality/mine\""),
        "the navigation has My evaluations"
    );
    let r = ana
        .form(&format!("{to}/acknowledge"), &hx, "reply=Thanks")
        .await
        .unwrap();
    assert_eq!(r.status, 200, "{}", text(&r));
    assert!(text(&r).contains("Acknowledged by ana"), "{}", text(&r));
    assert_eq!(
        ana.get(&format!("/ui/quality/interactions/{call}"))
            .await
            .unwrap()
            .status,
        403
    );
    // Training: made by the supervisor, opened by the agent.
    let r = sup
        .form(
            "/ui/training",
            &hx,
            "name=Onboarding&description=First+week",
        )
        .await
        .unwrap();
    let list = r.headers["hx-redirect"].to_str().unwrap().to_string();
    let body = format!("interaction={call}&note=The+identity+check&start=0%3A02");
    assert_eq!(
        sup.form(&format!("{list}/items"), &hx, &body)
            .await
            .unwrap()
            .status,
        204
    );
    let opened = text(&ana.get(&list).await.unwrap());
    assert!(
        opened.contains("The identity check") && opened.contains("data-start-ms=\"2000\""),
        "{opened}"
    );
    assert!(opened.contains("/items/0/recording"), "{opened}");
    assert!(
        !opened.contains("training-add"),
        "agents do not change playlists"
    );
}

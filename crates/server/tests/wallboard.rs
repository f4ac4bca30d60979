//! The wallboard over HTTP: its waiting list says how many wait and pages
//! through them, and its "today" is the tenant's day, from midnight in the
//! tenant's time zone (and follows a change of zone).

use chrono::{DateTime, TimeZone, Timelike, Utc};
use chrono_tz::Tz;
use common::client::{Client, Reply};
use model::event::{Event, EventKind, FinalOutcome, Reason};
use model::{AgentId, Channel, InteractionId, QueueId};
use serde_json::json;
use server::auth;
use store::{Fact, Recorded, Tenant};

mod common;

use common::Env;

const PLAN: &str =
    "default_queue = \"support\"\n[[queue]]\nname = \"support\"\nring_timeout_s = 60\n";
const PASSWORD: &str = "a long enough password";

fn text(r: &Reply) -> String {
    String::from_utf8_lossy(&r.body).to_string()
}

/// An admin token's client and a signed-in supervisor (cookie session).
async fn clients(e: &Env, t: &Tenant) -> (Client, Client) {
    let token = auth::new_token();
    e.store
        .create_token(t, "test", "admin", &auth::secret_hash(&token), 1)
        .await
        .unwrap();
    e.store
        .create_user(
            t,
            "sup",
            &auth::hash_password(PASSWORD).unwrap(),
            "supervisor",
            1,
        )
        .await
        .unwrap();
    let admin = Client::new(&e.app).bearer(&token);
    let mut sup = Client::new(&e.app);
    let r = sup
        .post(
            "/api/v1/sessions",
            &json!({"tenant": t.name(), "username": "sup", "password": PASSWORD}),
        )
        .await
        .unwrap();
    assert_eq!(r.status, 201);
    sup.headers.push(("cookie".into(), r.cookies()));
    (admin, sup)
}

#[tokio::test]
async fn the_waiting_list_says_how_many_wait_and_pages_through_them() {
    let e = common::env("wallboard").await;
    let t = e.store.create_tenant("acme", 1).await.unwrap();
    let (mut admin, mut sup) = clients(&e, &t).await;
    let r = admin
        .put("/api/v1/routing/plan", &json!({"document": PLAN}))
        .await
        .unwrap();
    assert_eq!(r.status, 204);
    // Nobody to take them: 60 chats wait.
    for _ in 0..60 {
        let r = admin
            .post("/api/v1/interactions", &json!({"channel": "chat"}))
            .await
            .unwrap();
        assert_eq!(r.status, 201, "{:?}", r.json());
    }
    let html = text(&sup.get("/ui/wallboard/board").await.unwrap());
    assert!(html.contains("data-total=\"60\""), "{html}");
    assert!(html.contains("60 waiting · showing 1–50"), "{html}");
    assert_eq!(html.matches("data-waiting=").count(), 50, "{html}");
    assert!(
        html.contains("href=\"/ui/wallboard?waiting_page=2\" rel=\"next\""),
        "{html}"
    );
    // The second page holds the other ten, oldest first, and leads back.
    let html = text(&sup.get("/ui/wallboard/board?waiting_page=2").await.unwrap());
    assert!(html.contains("60 waiting · showing 51–60"), "{html}");
    assert_eq!(html.matches("data-waiting=").count(), 10, "{html}");
    assert!(html.contains("rel=\"prev\""), "{html}");
    assert!(!html.contains("rel=\"next\""), "{html}");
    // The page keeps its page when the board refreshes itself live.
    let page = text(&sup.get("/ui/wallboard?waiting_page=2").await.unwrap());
    assert!(
        page.contains("data-src=\"/ui/wallboard/board?waiting_page=2\""),
        "{page}"
    );
    // A page past the end shows the last one.
    let html = text(&sup.get("/ui/wallboard/board?waiting_page=9").await.unwrap());
    assert_eq!(html.matches("data-waiting=").count(), 10, "{html}");
}

/// A fixed-offset zone whose midnight falls far from UTC's, so a contact
/// between the two midnights is today in one and yesterday in the other.
fn zone_away_from_utc(now: DateTime<Utc>) -> (String, Tz) {
    let h = now.hour() as i32;
    // Local time near noon, else near six in the morning: never UTC itself.
    let offset = (-12..=14)
        .filter(|o| *o != 0)
        .find(|o| (10..14).contains(&(h + o).rem_euclid(24)))
        .or_else(|| {
            (-12..=14)
                .filter(|o| *o != 0)
                .find(|o| (4..8).contains(&(h + o).rem_euclid(24)))
        })
        .unwrap();
    // IANA's Etc zones have the sign the other way round: Etc/GMT-3 is UTC+3.
    let name = if offset > 0 {
        format!("Etc/GMT-{offset}")
    } else {
        format!("Etc/GMT+{}", -offset)
    };
    let tz = name.parse().unwrap();
    (name, tz)
}

fn midnight_before<Z: TimeZone>(tz: &Z, now: DateTime<Utc>) -> i64 {
    let day = now.with_timezone(tz).date_naive();
    tz.from_local_datetime(&day.and_hms_opt(0, 0, 0).unwrap())
        .single()
        .unwrap()
        .timestamp_millis()
}

/// The facts of one chat queued in `support` at `at`, answered 5 s later, ended 5 s after.
fn answered_chat(id: u64, at: i64) -> Vec<(i64, Fact)> {
    let fact = |ms: i64, kind| {
        (
            ms,
            Fact::Routing {
                event: Event {
                    at: model::Instant::from_millis(ms as u64),
                    kind,
                },
            },
        )
    };
    let i = InteractionId(id);
    vec![
        fact(
            at,
            EventKind::InteractionCreated {
                interaction: i,
                channel: Channel::Chat,
                attributes: None,
            },
        ),
        fact(
            at,
            EventKind::InteractionQueued {
                interaction: i,
                queue: QueueId(0),
                priority: 0,
                reason: Reason::default(),
            },
        ),
        fact(
            at + 5_000,
            EventKind::Accepted {
                interaction: i,
                agent: AgentId(0),
            },
        ),
        fact(
            at + 10_000,
            EventKind::Ended {
                interaction: i,
                outcome: FinalOutcome::Handled,
                reason: Reason::default(),
            },
        ),
    ]
}

fn answered_today(html: &str) -> String {
    html.split("data-queue=\"support\"")
        .nth(1)
        .and_then(|r| r.split("<td class=\"num answered\">").nth(1))
        .and_then(|r| r.split('<').next())
        .unwrap_or_default()
        .to_string()
}

#[tokio::test]
async fn the_wallboards_day_starts_at_midnight_in_the_tenants_zone() {
    let e = common::env("wallboard").await;
    let t = e.store.create_tenant("acme", 1).await.unwrap();
    let now = DateTime::from_timestamp_millis(server::clock::now_ms()).unwrap();
    let (zone, tz) = zone_away_from_utc(now);
    let (utc_midnight, zone_midnight) = (midnight_before(&Utc, now), midnight_before(&tz, now));
    // One chat between the two midnights (hours apart), one just after both.
    let between = (utc_midnight + zone_midnight) / 2;
    let after = utc_midnight.max(zone_midnight) + 1_000;
    let mut facts = vec![(
        between - 600_000,
        Fact::PlanSet {
            document: PLAN.into(),
        },
    )];
    facts.extend(answered_chat(0, between));
    facts.extend(answered_chat(1, after));
    // The log as a running tenant would have written it, before its task starts.
    let recorded: Vec<Recorded> = facts
        .into_iter()
        .enumerate()
        .map(|(i, (at, fact))| Recorded {
            seq: i as i64 + 1,
            at,
            fact,
        })
        .collect();
    e.store.append(&t, &recorded).await.unwrap();
    let (mut admin, mut sup) = clients(&e, &t).await;
    // Without settings the tenant's day is UTC's.
    let utc_count = if between >= utc_midnight { "2" } else { "1" };
    let html = text(&sup.get("/ui/wallboard/board").await.unwrap());
    assert_eq!(answered_today(&html), utc_count, "{html}");
    // The tenant's zone set, its day starts at its own midnight.
    let r = admin
        .put("/api/v1/settings/tenant", &json!({"time_zone": zone}))
        .await
        .unwrap();
    assert_eq!(r.status, 204, "{:?}", r.json());
    let zone_count = if between >= zone_midnight { "2" } else { "1" };
    assert_ne!(utc_count, zone_count);
    let html = text(&sup.get("/ui/wallboard/board").await.unwrap());
    assert_eq!(
        answered_today(&html),
        zone_count,
        "{zone}: midnight at {zone_midnight}, the first chat at {between}: {html}"
    );
}

#[tokio::test]
async fn the_board_draws_the_days_charts_and_shows_a_break_over_its_limit() {
    let e = common::env("wallboard").await;
    let t = e.store.create_tenant("acme", 1).await.unwrap();
    let (mut admin, mut sup) = clients(&e, &t).await;
    let r = admin
        .put("/api/v1/routing/plan", &json!({"document": PLAN}))
        .await
        .unwrap();
    assert_eq!(r.status, 204);
    // A limit that is not a number of seconds is refused, naming it.
    let bad = "reasons = [\"break\"]\n[limits]\nbreak = 0\n";
    let r = admin
        .put("/api/v1/settings/desktop", &json!({"document": bad}))
        .await
        .unwrap();
    assert_eq!(r.status, 422, "{:?}", r.json());
    let doc = "reasons = [\"break\"]\n[limits]\nbreak = 1\n";
    let r = admin
        .put("/api/v1/settings/desktop", &json!({"document": doc}))
        .await
        .unwrap();
    assert_eq!(r.status, 204, "{:?}", r.json());
    let r = admin
        .post("/api/v1/agents", &json!({"name": "ana"}))
        .await
        .unwrap();
    assert_eq!(r.status, 201, "{:?}", r.json());
    let id = r.json()["id"].as_i64().unwrap();
    let r = admin
        .post(
            &format!("/api/v1/agents/{id}/sign-in"),
            &json!({"reason": "break"}),
        )
        .await
        .unwrap();
    assert_eq!(r.status, 204, "{:?}", r.json());
    // A chat nobody takes: offered in this interval, not decided yet.
    let r = admin
        .post("/api/v1/interactions", &json!({"channel": "chat"}))
        .await
        .unwrap();
    assert_eq!(r.status, 201);
    tokio::time::sleep(std::time::Duration::from_millis(1_300)).await;
    let html = text(&sup.get("/ui/wallboard/board").await.unwrap());
    assert!(html.contains("id=\"chart-contacts\""), "{html}");
    assert!(html.contains("id=\"chart-agents\""), "{html}");
    assert!(html.contains("<td class=\"offered\">1</td>"), "{html}");
    assert!(html.contains("class=\"bar-offered\""), "{html}");
    // The break is over its 1-second limit: the row says so, and the timeline outlines it.
    let row = html.split("data-agent=\"ana\"").nth(1).unwrap();
    let row = row.split("</tr>").next().unwrap();
    assert!(
        html.contains("<tr data-agent=\"ana\" class=\"over\">"),
        "{html}"
    );
    assert!(row.contains("over 0:01"), "{row}");
    assert!(row.contains("<td class=\"num overruns\">1</td>"), "{row}");
    let timeline = html.split("data-timeline=\"ana\"").nth(1).unwrap();
    assert!(
        timeline.contains("class=\"st-not-ready over\""),
        "{timeline}"
    );
    assert!(timeline.contains("over 0:01"), "{timeline}");
}

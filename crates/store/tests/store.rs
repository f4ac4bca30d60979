//! The store's suite, run on SQLite (a fresh file per test) and, with
//! `CENTRALITA_TEST_POSTGRES` set, on PostgreSQL (`cargo test -p store -- --ignored`;
//! CI sets the URL and runs them, and they fail when it is missing).

use model::event::{EventKind, FinalOutcome, Reason};
use model::{AgentId, Channel, Event, Instant, InteractionId, QueueId};
use store::{Fact, Recorded, Store, StoreError, Tenant};

static COUNTER: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);

fn unique() -> String {
    let n = COUNTER.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
    #[allow(clippy::disallowed_methods)] // a unique name for a test database, not engine time
    let t = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos();
    format!("{}-{}-{}", std::process::id(), t % 1_000_000_000, n)
}

async fn sqlite() -> Store {
    let dir = std::env::temp_dir().join(format!("centralita-store-{}", unique()));
    std::fs::create_dir_all(&dir).unwrap();
    Store::open(&store::sqlite_url(&dir)).await.unwrap()
}

async fn postgres() -> Store {
    let url = std::env::var("CENTRALITA_TEST_POSTGRES")
        .expect("CENTRALITA_TEST_POSTGRES must name a PostgreSQL database for these tests");
    Store::open(&url).await.unwrap()
}

async fn tenant(s: &Store) -> Tenant {
    s.create_tenant(&format!("t{}", unique().replace('-', "_")), 1)
        .await
        .unwrap()
}

fn rec(seq: i64, fact: Fact) -> Recorded {
    Recorded {
        seq,
        at: 1_000 + seq,
        fact,
    }
}

fn routing(kind: EventKind) -> Fact {
    Fact::Routing {
        event: Event {
            at: Instant::from_millis(5),
            kind,
        },
    }
}

fn opened(id: u64, key: Option<&str>) -> Fact {
    Fact::InteractionOpened {
        interaction: InteractionId(id),
        channel: Channel::Chat,
        idempotency_key: key.map(str::to_string),
        customer: None,
        subject: Some("hello".into()),
        chat_secret_hash: None,
    }
}

/// A short life: agent defined, interaction opened, queued, offered, accepted, ended, disposition, note.
fn life() -> Vec<Recorded> {
    let i = InteractionId(1);
    let a = AgentId(0);
    vec![
        rec(
            1,
            Fact::AgentDefined {
                agent: a,
                name: "ana".into(),
                skills: vec![("support".into(), 5)],
                username: None,
                teams: vec!["vip".into()],
            },
        ),
        rec(
            2,
            Fact::PlanSet {
                document: "default_queue = \"support\"".into(),
            },
        ),
        rec(3, opened(1, Some("k-1"))),
        rec(
            4,
            routing(EventKind::InteractionQueued {
                interaction: i,
                queue: QueueId(0),
                priority: 0,
                reason: Reason::default(),
            }),
        ),
        rec(
            5,
            routing(EventKind::Offered {
                interaction: i,
                agent: a,
                reason: Reason::default(),
            }),
        ),
        rec(
            6,
            routing(EventKind::Accepted {
                interaction: i,
                agent: a,
            }),
        ),
        rec(
            7,
            routing(EventKind::AgentStateChanged {
                agent: a,
                state: model::event::AgentState::Busy,
            }),
        ),
        rec(
            8,
            routing(EventKind::Ended {
                interaction: i,
                outcome: FinalOutcome::Handled,
                reason: Reason::default(),
            }),
        ),
        rec(
            9,
            Fact::DispositionSet {
                interaction: i,
                code: "sale".into(),
                by: "ana".into(),
                resolved: Some(true),
            },
        ),
        rec(
            10,
            Fact::NoteAdded {
                interaction: i,
                author: "ana".into(),
                body: "called back".into(),
            },
        ),
        rec(
            11,
            Fact::ChatMessage {
                interaction: i,
                sender: store::Sender::Customer,
                agent: Some(a),
                body: "hi".into(),
            },
        ),
        rec(
            12,
            Fact::CustomerCreated {
                customer: 1,
                name: "Eva".into(),
                phone: Some("+34600000001".into()),
                email: Some("eva@example.com".into()),
            },
        ),
    ]
}

async fn projections_follow_the_log_and_rebuild_equals_live(s: Store) {
    let t = tenant(&s).await;
    s.append(&t, &life()).await.unwrap();
    assert_eq!(s.last_seq(&t).await.unwrap(), 12);
    let v = s.interaction(&t, 1).await.unwrap().unwrap();
    assert_eq!(v.state, model::state::InteractionState::Ended);
    assert_eq!(v.outcome.as_deref(), Some("handled"));
    assert_eq!(v.disposition.as_deref(), Some("sale"));
    assert_eq!(v.agent_id, Some(0));
    assert_eq!(s.idempotent(&t, "k-1").await.unwrap(), Some(1));
    assert_eq!(
        s.agents(&t).await.unwrap()[0].state,
        model::state::AgentStatus::Busy
    );
    assert_eq!(
        s.agents(&t).await.unwrap()[0].teams,
        vec!["vip".to_string()]
    );
    assert_eq!(s.notes(&t, 1).await.unwrap().len(), 1);
    assert_eq!(s.messages(&t, 1, 0).await.unwrap()[0].body, "hi");
    let found = s
        .find_customers(&t, Some("+34600000001"), None)
        .await
        .unwrap();
    assert_eq!(found.len(), 1);
    let live = s.projection_snapshot(&t).await.unwrap();
    assert!(live.contains("sale"), "{live}");
    assert_eq!(s.rebuild(&t).await.unwrap(), 12);
    assert_eq!(s.projection_snapshot(&t).await.unwrap(), live);
    let evs = s.events_after(&t, 10, 100).await.unwrap();
    assert_eq!(evs.iter().map(|e| e.seq).collect::<Vec<_>>(), vec![11, 12]);
    assert_eq!(evs[0].fact, life()[10].fact);
}

async fn a_failed_append_writes_nothing(s: Store) {
    let t = tenant(&s).await;
    s.append(&t, &[rec(1, opened(1, Some("dup")))])
        .await
        .unwrap();
    // The second fact reuses the key: the unique constraint fails the whole batch.
    let err = s
        .append(
            &t,
            &[rec(2, opened(2, None)), rec(3, opened(3, Some("dup")))],
        )
        .await;
    assert!(err.is_err());
    assert_eq!(s.last_seq(&t).await.unwrap(), 1);
    assert!(s.interaction(&t, 2).await.unwrap().is_none());
    // A gap or a reused seq is refused too.
    assert!(s.append(&t, &[rec(1, opened(9, None))]).await.is_err());
}

async fn tenants_do_not_see_each_other(s: Store) {
    let a = tenant(&s).await;
    let b = tenant(&s).await;
    s.append(&a, &life()).await.unwrap();
    assert!(s.interaction(&b, 1).await.unwrap().is_none());
    assert!(s.idempotent(&b, "k-1").await.unwrap().is_none());
    assert!(s.events_after(&b, 0, 100).await.unwrap().is_empty());
    assert!(s.agents(&b).await.unwrap().is_empty());
    assert!(s.customer(&b, 1).await.unwrap().is_none());
    assert!(s.customer_history(&b, 1).await.unwrap().is_empty());
}

async fn tenant_names_are_checked_and_unique(s: Store) {
    let t = tenant(&s).await;
    assert!(matches!(
        s.create_tenant(t.name(), 2).await,
        Err(StoreError::Exists(_))
    ));
    match s.create_tenant("bad name!", 2).await {
        Err(StoreError::Invalid { field, .. }) => assert_eq!(field, "name"),
        other => panic!("expected invalid name, got {other:?}"),
    }
    assert_eq!(s.tenant_by_name(t.name()).await.unwrap(), Some(t.clone()));
    assert_eq!(s.tenant_by_id(t.id()).await.unwrap(), Some(t));
}

async fn users_tokens_and_sessions_round_trip(s: Store) {
    let t = tenant(&s).await;
    let u = s
        .create_user(&t, "ana", "$argon2id$fake", "agent", 1)
        .await
        .unwrap();
    assert!(matches!(
        s.create_user(&t, "ana", "x", "agent", 1).await,
        Err(StoreError::Exists(_))
    ));
    assert_eq!(s.user(&t, "ana").await.unwrap().unwrap().id, u.id);
    let other = tenant(&s).await;
    assert!(s.user(&other, "ana").await.unwrap().is_none());
    // A second factor: set up, confirmed, each step taken once, removed.
    let none = s.totp(t.id(), u.id).await.unwrap().unwrap();
    assert_eq!(none, store::two_factor::TotpRecord::default());
    assert!(
        s.set_totp_pending(t.id(), u.id, "sealed:v1:k:p")
            .await
            .unwrap()
    );
    assert!(
        !s.take_totp_step(t.id(), u.id, 5).await.unwrap(),
        "nothing confirmed yet"
    );
    assert!(
        s.enable_totp(t.id(), u.id, "sealed:v1:k:p", 10)
            .await
            .unwrap()
    );
    let on = s.totp(t.id(), u.id).await.unwrap().unwrap();
    assert_eq!(
        (on.secret.as_deref(), on.pending, on.last_step),
        (Some("sealed:v1:k:p"), None, Some(10))
    );
    assert!(
        !s.take_totp_step(t.id(), u.id, 10).await.unwrap(),
        "a step once"
    );
    assert!(s.take_totp_step(t.id(), u.id, 11).await.unwrap());
    assert!(!s.take_totp_step(t.id(), u.id, 11).await.unwrap());
    assert!(s.disable_totp(t.id(), u.id).await.unwrap());
    assert_eq!(
        s.totp(t.id(), u.id).await.unwrap().unwrap(),
        store::two_factor::TotpRecord::default()
    );
    assert!(s.totp(other.id(), u.id + 100).await.unwrap().is_none());
    let h = format!("h{}", unique());
    s.create_token(&t, "crm", "supervisor", &h, 1)
        .await
        .unwrap();
    let tok = s.token(&h).await.unwrap().unwrap();
    assert_eq!((tok.tenant_id, tok.role.as_str()), (t.id(), "supervisor"));
    assert!(s.token("nope").await.unwrap().is_none());
    // Tokens are numbered per tenant, listed without secrets, touched and revoked.
    let h2 = format!("h{}", unique());
    let second = s
        .add_token(&t, "bi", "analyst", &h2, 10, Some(1_000))
        .await
        .unwrap();
    assert_eq!((tok.id, second.id), (1, 2));
    assert!(matches!(
        s.add_token(
            &t,
            "late",
            "analyst",
            &format!("h{}", unique()),
            10,
            Some(5)
        )
        .await,
        Err(StoreError::Invalid {
            field: "expires_at",
            ..
        })
    ));
    s.touch_token(&h2, 42).await.unwrap();
    let listed = s.tokens(&t).await.unwrap();
    assert_eq!(listed.len(), 2);
    assert_eq!(
        (
            listed[1].name.as_str(),
            listed[1].expires_at,
            listed[1].last_used_at
        ),
        ("bi", Some(1_000), Some(42))
    );
    assert!(s.tokens(&tenant(&s).await).await.unwrap().is_empty());
    assert!(!s.revoke_token(&tenant(&s).await, 2).await.unwrap());
    assert!(s.revoke_token(&t, 2).await.unwrap());
    assert!(s.token(&h2).await.unwrap().is_none());
    let sess = store::auth::SessionRecord {
        tenant_id: t.id(),
        user_id: u.id,
        csrf: "c".into(),
        expires_at: 99,
    };
    let sh = format!("s{}", unique());
    s.create_session(&sh, &sess).await.unwrap();
    assert_eq!(s.session(&sh).await.unwrap(), Some(sess));
    s.delete_session(&sh).await.unwrap();
    assert!(s.session(&sh).await.unwrap().is_none());
    // Linking an agent to a user goes through the log.
    s.append(
        &t,
        &[rec(
            1,
            Fact::AgentDefined {
                agent: AgentId(0),
                name: "ana".into(),
                skills: vec![],
                username: Some("ana".into()),
                teams: vec![],
            },
        )],
    )
    .await
    .unwrap();
    assert_eq!(s.user(&t, "ana").await.unwrap().unwrap().agent_id, Some(0));
}

/// Tenants and users created at the same moment by many callers (two
/// administrators, or the tests themselves) all get distinct ids, and a
/// name taken twice at once is created once.
async fn concurrent_creations_get_distinct_ids(s: Store) {
    let tag = unique().replace('-', "_");
    let made = futures_join(
        (0..12)
            .map(|i| {
                let s = s.clone();
                let name = format!("c{tag}_{i}");
                tokio::spawn(async move { s.create_tenant(&name, 1).await })
            })
            .collect(),
    )
    .await;
    let mut ids: Vec<i64> = made.iter().map(|r| r.as_ref().unwrap().id()).collect();
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), 12, "tenant ids clashed: {made:?}");
    let t = made[0].as_ref().unwrap().clone();
    let users = futures_join(
        (0..12)
            .map(|i| {
                let (s, t) = (s.clone(), t.clone());
                // Users 0..6 and 6..12 share names: each name is made once.
                let name = format!("u{}", i % 6);
                tokio::spawn(async move { s.create_user(&t, &name, "h", "agent", 1).await })
            })
            .collect(),
    )
    .await;
    let made_users: Vec<_> = users.iter().filter_map(|r| r.as_ref().ok()).collect();
    assert_eq!(made_users.len(), 6, "{users:?}");
    assert!(
        users
            .iter()
            .filter_map(|r| r.as_ref().err())
            .all(|e| matches!(e, StoreError::Exists(_)))
    );
    let mut uids: Vec<i64> = made_users.iter().map(|u| u.id).collect();
    uids.sort_unstable();
    uids.dedup();
    assert_eq!(uids.len(), 6);
}

async fn futures_join<T: Send + 'static>(hs: Vec<tokio::task::JoinHandle<T>>) -> Vec<T> {
    let mut out = Vec::with_capacity(hs.len());
    for h in hs {
        out.push(h.await.unwrap());
    }
    out
}

/// Roles change, passwords reset, users go; the last administrator stays one.
async fn users_are_edited_and_the_last_admin_stays(s: Store) {
    let t = tenant(&s).await;
    let boss = s.create_user(&t, "boss", "h", "admin", 1).await.unwrap();
    let ana = s.create_user(&t, "ana", "h", "agent", 1).await.unwrap();
    assert!(s.set_role(&t, ana.id, "supervisor").await.unwrap());
    assert_eq!(s.user(&t, "ana").await.unwrap().unwrap().role, "supervisor");
    // The only admin can neither be demoted nor removed.
    assert!(!s.set_role(&t, boss.id, "agent").await.unwrap());
    assert!(!s.delete_user(&t, boss.id).await.unwrap());
    assert_eq!(s.user(&t, "boss").await.unwrap().unwrap().role, "admin");
    // With a second admin, the first may go.
    assert!(s.set_role(&t, ana.id, "admin").await.unwrap());
    assert!(s.set_user_password(&t, boss.id, "h2").await.unwrap());
    assert_eq!(
        s.user(&t, "boss").await.unwrap().unwrap().password_hash,
        "h2"
    );
    assert!(s.delete_user(&t, boss.id).await.unwrap());
    assert!(s.user(&t, "boss").await.unwrap().is_none());
    // Another tenant's ids are not reached.
    let other = tenant(&s).await;
    assert!(!s.set_role(&other, ana.id, "agent").await.unwrap());
    assert!(!s.delete_user(&other, ana.id).await.unwrap());
    s.end_user_sessions(&t, ana.id).await.unwrap();
}

macro_rules! suite {
    ($($name:ident),* $(,)?) => {
        mod on_sqlite {
            $( #[tokio::test] async fn $name() { super::$name(super::sqlite().await).await } )*
        }
        mod on_postgres {
            $( #[tokio::test] #[ignore = "needs CENTRALITA_TEST_POSTGRES; CI runs it"] async fn $name() { super::$name(super::postgres().await).await } )*
        }
    };
}

/// A campaign's facts: its definition and contacts, the dialer's input and
/// events; the projections count them, the dialer's facts read back in
/// order, and a rebuild gives the same projections.
async fn campaigns_are_projected_and_the_dialers_facts_read_back(s: Store) {
    use model::ids::{CampaignId, ContactId};
    use model::outbound::{AttemptId, CampaignState, ContactEnd, DialOutcome, OutboundEvent as O};
    let t = tenant(&s).await;
    let (c, k1, k2) = (CampaignId(1), ContactId(1), ContactId(2));
    let out = |e: O| Fact::Outbound {
        event: Event {
            at: Instant::from_millis(7),
            kind: EventKind::Outbound(e),
        },
    };
    let phone = model::PhoneNumber::parse("+420601000001").unwrap();
    let facts = vec![
        Fact::CampaignDefined {
            campaign: 1,
            name: "renewals".into(),
            document: "{}".into(),
        },
        out(O::CampaignStateChanged {
            campaign: c,
            state: CampaignState::Ready,
            reason: "configured".into(),
        }),
        Fact::CampaignContacts {
            campaign: 1,
            contacts: vec![
                store::CampaignContact {
                    id: 1,
                    name: Some("Eva".into()),
                    customer: None,
                    phones: vec!["+420601000001".into()],
                    manual: false,
                },
                store::CampaignContact {
                    id: 2,
                    name: None,
                    customer: Some(4),
                    phones: vec!["+420601000002".into(), "+420601000003".into()],
                    manual: false,
                },
            ],
        },
        out(O::ContactsLoaded {
            campaign: c,
            list: model::outbound::ListId(0),
            accepted: 2,
            rejected: 0,
        }),
        Fact::DialerInput {
            input: store::DialerStep::Start { campaign: 1 },
        },
        out(O::CampaignStateChanged {
            campaign: c,
            state: CampaignState::Running,
            reason: "command".into(),
        }),
        out(O::DialPlaced {
            attempt: AttemptId(1),
            campaign: c,
            contact: k1,
            phone: phone.clone(),
            reserved_agent: None,
            ring_timeout_ms: 25_000,
        }),
        out(O::DialResult {
            attempt: AttemptId(1),
            campaign: c,
            contact: k1,
            outcome: DialOutcome::LiveAnswer,
            ring_ms: 3_000,
        }),
        out(O::CallAbandoned {
            attempt: AttemptId(1),
            campaign: c,
            contact: k1,
        }),
        out(O::DialPlaced {
            attempt: AttemptId(2),
            campaign: c,
            contact: k2,
            phone,
            reserved_agent: None,
            ring_timeout_ms: 25_000,
        }),
        out(O::ContactClosed {
            campaign: c,
            contact: k2,
            end: ContactEnd::Reached,
            reason: "sale".into(),
        }),
    ];
    let recs: Vec<Recorded> = facts
        .into_iter()
        .enumerate()
        .map(|(i, f)| rec(i as i64 + 1, f))
        .collect();
    s.append(&t, &recs).await.unwrap();
    let list = s.campaigns(&t).await.unwrap();
    assert_eq!(list.len(), 1);
    let v = &list[0];
    assert_eq!(
        (
            v.state.as_str(),
            v.contacts,
            v.dials,
            v.live_answers,
            v.abandoned,
            v.closed,
            v.reached
        ),
        ("running", 2, 2, 1, 1, 1, 1),
        "{v:?}"
    );
    let contacts = s.campaign_contacts(&t, 1, 0, 10).await.unwrap();
    assert_eq!(contacts[0].last_outcome.as_deref(), Some("abandoned"));
    assert_eq!(contacts[0].attempts, 1);
    assert_eq!(contacts[1].state, "reached");
    assert_eq!(contacts[1].customer_id, Some(4));
    assert_eq!(contacts[1].phones.len(), 2);
    let kinds: Vec<String> = s
        .dialer_facts_after(&t, 0)
        .await
        .unwrap()
        .iter()
        .map(|r| r.fact.kind())
        .collect();
    assert_eq!(
        kinds,
        ["campaign_defined", "campaign_contacts", "dialer_input"],
        "only the dialer's own facts, in order"
    );
    let live = s.projection_snapshot(&t).await.unwrap();
    s.rebuild(&t).await.unwrap();
    assert_eq!(s.projection_snapshot(&t).await.unwrap(), live);
}

/// Each tenant's audit trail is its own chain; appends made at the same
/// moment all land, in one unbroken chain.
async fn audit_trails_chain_per_tenant_under_concurrent_appends(s: Store) {
    let (a, b) = (tenant(&s).await, tenant(&s).await);
    let mut hs = Vec::new();
    for i in 0..16 {
        let s = s.clone();
        let id = if i % 2 == 0 { a.id() } else { b.id() };
        hs.push(tokio::spawn(async move {
            s.audit_append(id, i, &format!("user:{i}"), "signed_in", None)
                .await
                .unwrap()
        }));
    }
    let done = futures_join(hs).await;
    assert_eq!(done.len(), 16);
    assert_eq!(s.audit_verify(a.id()).await.unwrap(), Ok(8));
    assert_eq!(s.audit_verify(b.id()).await.unwrap(), Ok(8));
    let read = s.audit(&a, None, None, 100).await.unwrap();
    assert_eq!(
        read.iter().map(|e| e.seq).collect::<Vec<_>>(),
        (1..=8).collect::<Vec<_>>()
    );
    assert_eq!(read[0].prev_hash, store::audit::GENESIS);
    assert_eq!(s.audit_latest(&a, 1).await.unwrap()[0].seq, 8);
}

fn written(
    customer: i64,
    version: u32,
    name: &str,
    phone: &str,
    email: &str,
) -> model::customer::Written {
    use model::customer::{Phone, PhoneKind, Record, Written};
    Written {
        customer,
        version,
        record: Record {
            name: name.into(),
            external_id: Some(format!("K{customer}")),
            phones: vec![Phone {
                number: phone.into(),
                e164: Some(phone.into()),
                kind: PhoneKind::Mobile,
                valid: true,
                source: "test".into(),
                last_outcome: None,
            }],
            emails: vec![email.into()],
            addresses: vec![model::customer::Address {
                city: Some("Praha".into()),
                postal_code: Some("11000".into()),
                ..Default::default()
            }],
            ..Record::default()
        },
        changed: vec!["name".into()],
    }
}

/// Customer records: a chunk written at once, found by external id, phone,
/// e-mail and name words (accents and order ignored), rewritten (old keys
/// gone), merged (timeline joined, undo data kept) and rebuilt equal.
async fn customer_records_are_found_merged_and_rebuilt(s: Store) {
    use model::customer::Cause;
    let t = tenant(&s).await;
    let set = |seq, cause, records| {
        rec(
            seq,
            Fact::CustomersSet {
                by: "ana".into(),
                cause,
                records,
            },
        )
    };
    let import = Cause::Import { import: 1 };
    s.append(
        &t,
        &[set(
            1,
            import.clone(),
            vec![
                written(1, 1, "Tomáš Dvořák", "+420712345678", "Tomas@Example.org"),
                written(2, 1, "Tomas DVORAK", "+420712345679", "t2@example.org"),
                written(3, 1, "Núria Puig", "+34612345678", "nuria@example.org"),
            ],
        )],
    )
    .await
    .unwrap();
    let find = |q: store::crm::Search| {
        let s = s.clone();
        let t = t.clone();
        async move {
            s.search_customers(&t, &q, 10)
                .await
                .unwrap()
                .into_iter()
                .map(|c| c.id)
                .collect::<Vec<_>>()
        }
    };
    let words = |w: &[&str]| store::crm::Search {
        words: w.iter().map(|x| x.to_string()).collect(),
        ..Default::default()
    };
    assert_eq!(find(words(&["dvorak", "tomas"])).await, [1, 2]);
    assert_eq!(find(words(&["puig"])).await, [3]);
    // No whole word: the words they begin (three letters or more).
    assert_eq!(find(words(&["dvo", "tom"])).await, [1, 2]);
    assert!(find(words(&["dv"])).await.is_empty());
    assert_eq!(
        find(store::crm::Search {
            phone: Some("+34612345678".into()),
            ..Default::default()
        })
        .await,
        [3]
    );
    assert_eq!(
        find(store::crm::Search {
            email: Some("TOMAS@example.org".into()),
            ..Default::default()
        })
        .await,
        [1]
    );
    assert_eq!(
        find(store::crm::Search {
            external_id: Some("K2".into()),
            ..Default::default()
        })
        .await,
        [2]
    );
    // A number written without its country finds the numbers ending so.
    assert_eq!(
        find(store::crm::Search {
            phone: Some("612345678".into()),
            ..Default::default()
        })
        .await,
        [3]
    );
    let alike = s.customers_alike(&t, 10).await.unwrap();
    assert_eq!(alike.len(), 1);
    assert_eq!(
        alike[0].customers.iter().map(|c| c.id).collect::<Vec<_>>(),
        [1, 2]
    );
    // Rewritten: the old phone no longer finds it.
    s.append(
        &t,
        &[set(
            2,
            Cause::Edit,
            vec![written(
                3,
                2,
                "Núria Puig Ferrer",
                "+34612000000",
                "nuria@example.org",
            )],
        )],
    )
    .await
    .unwrap();
    assert!(
        find(store::crm::Search {
            phone: Some("+34612345678".into()),
            ..Default::default()
        })
        .await
        .is_empty()
    );
    assert_eq!(find(words(&["ferrer"])).await, [3]);
    assert!(
        find(store::crm::Search {
            phone: Some("612345678".into()),
            ..Default::default()
        })
        .await
        .is_empty(),
        "the old number's keys went with it"
    );
    assert_eq!(
        find(store::crm::Search {
            phone: Some("0612000000".into()),
            ..Default::default()
        })
        .await,
        [3],
        "a trunk prefix aside"
    );
    let full = s.customer_full(&t, 3).await.unwrap().unwrap();
    assert_eq!(
        (full.version, full.record.name.as_str()),
        (2, "Núria Puig Ferrer")
    );
    // Merged: 2 stands under 1, the kept record as it was is kept for an undo.
    s.append(
        &t,
        &[
            rec(
                3,
                Fact::CustomerMerged {
                    kept: 1,
                    merged: 2,
                    by: "ana".into(),
                },
            ),
            set(
                4,
                Cause::Merge { other: 2 },
                vec![written(
                    1,
                    2,
                    "Tomáš Dvořák",
                    "+420712345678",
                    "tomas@example.org",
                )],
            ),
        ],
    )
    .await
    .unwrap();
    assert_eq!(find(words(&["dvorak"])).await, [1]);
    let (kept, before) = s.merge_before(&t, 2).await.unwrap().unwrap();
    assert_eq!((kept, before.emails[0].as_str()), (1, "Tomas@Example.org"));
    let tl = s.customer_timeline(&t, 1, None, 50).await.unwrap();
    let kinds: Vec<_> = tl
        .iter()
        .map(|e| (e.customer_id, e.a.clone().unwrap_or_default()))
        .collect();
    assert_eq!(
        kinds,
        [
            (1, "merge:2".to_string()),
            (2, "merged_into:1".into()),
            (1, "import:1".into()),
            (2, "import:1".into())
        ]
    );
    let paged = s
        .customer_timeline(&t, 1, Some(tl[1].seq), 50)
        .await
        .unwrap();
    assert_eq!(paged.len(), 2);
    let live = s.projection_snapshot(&t).await.unwrap();
    s.rebuild(&t).await.unwrap();
    assert_eq!(s.projection_snapshot(&t).await.unwrap(), live);
}

/// An import's row: counts saved, rejects kept in order.
async fn imports_keep_their_counts_and_rejects(s: Store) {
    let t = tenant(&s).await;
    let id = s
        .create_import(
            &t,
            &store::crm::NewImport {
                kind: store::crm::ImportKind::Customers,
                file_name: "a.csv",
                by: "ana",
                dry_run: false,
                campaign: None,
            },
            5,
        )
        .await
        .unwrap();
    assert_eq!(
        s.create_import(
            &t,
            &store::crm::NewImport {
                kind: store::crm::ImportKind::Customers,
                file_name: "b.csv",
                by: "ana",
                dry_run: true,
                campaign: None
            },
            6
        )
        .await
        .unwrap(),
        id + 1
    );
    let mut v = s.import(&t, id).await.unwrap().unwrap();
    assert_eq!(v.state, store::crm::ImportState::Running);
    v.state = store::crm::ImportState::Done;
    v.created = 7;
    s.save_import(&t, &v).await.unwrap();
    assert_eq!(s.import(&t, id).await.unwrap().unwrap().created, 7);
    // The other was left running by a process that stopped: marked failed at start-up.
    assert_eq!(s.end_interrupted_imports(9).await.unwrap(), 1);
    let left = s.import(&t, id + 1).await.unwrap().unwrap();
    assert_eq!(
        (left.state, left.ended_at),
        (store::crm::ImportState::Failed, Some(9))
    );
    assert_eq!(
        s.import(&t, id).await.unwrap().unwrap().state,
        store::crm::ImportState::Done
    );
    let r = |line, c: &str| store::crm::Reject {
        line,
        column: c.into(),
        reason: "bad".into(),
    };
    s.add_import_rejects(&t, id, 0, &[r(2, "phone"), r(5, "")])
        .await
        .unwrap();
    s.add_import_rejects(&t, id, 2, &[r(9, "email")])
        .await
        .unwrap();
    let got: Vec<_> = s
        .import_rejects(&t, id)
        .await
        .unwrap()
        .into_iter()
        .map(|x| x.line)
        .collect();
    assert_eq!(got, [2, 5, 9]);
    assert_eq!(s.imports(&t, 10).await.unwrap().len(), 2);
}

/// Saved queries are settings read by prefix (removed ones left out), and
/// the records they run over are read page by page in id order.
async fn settings_by_prefix_and_records_page_by_page(s: Store) {
    let t = tenant(&s).await;
    let setting = |seq, name: &str, document: &str| {
        rec(
            seq,
            Fact::SettingSet {
                name: name.into(),
                document: document.into(),
            },
        )
    };
    s.append(
        &t,
        &[
            setting(1, "customer_query.gold", "{}"),
            setting(2, "customer_query.old", "{}"),
            setting(3, "customer_queryXbad", "{}"),
            setting(4, "customer_query.old", ""),
            setting(5, "customer_fields", "{}"),
        ],
    )
    .await
    .unwrap();
    let got = s.settings_with_prefix(&t, "customer_query.").await.unwrap();
    assert_eq!(got, [("customer_query.gold".to_string(), "{}".to_string())]);
    let records: Vec<_> = (1..=5)
        .map(|i| written(i, 1, &format!("P{i}"), &format!("+42071234567{i}"), ""))
        .collect();
    s.append(
        &t,
        &[rec(
            6,
            Fact::CustomersSet {
                by: "ana".into(),
                cause: model::customer::Cause::Edit,
                records,
            },
        )],
    )
    .await
    .unwrap();
    assert_eq!(s.customers_count(&t).await.unwrap(), 5);
    let page: Vec<i64> = (s.customers_page(&t, 2, 2).await.unwrap().iter())
        .map(|c| c.id)
        .collect();
    assert_eq!(page, [3, 4]);
    assert!(s.customers_page(&t, 5, 2).await.unwrap().is_empty());
    let other = tenant(&s).await;
    assert_eq!(s.customers_count(&other).await.unwrap(), 0);
    assert!(
        s.settings_with_prefix(&other, "customer_query.")
            .await
            .unwrap()
            .is_empty()
    );
}

/// A customer's consent ledger is projected, read newest first, and a
/// rebuild gives the same rows.
async fn consents_are_projected_and_read_newest_first(s: Store) {
    use model::consent::{ConsentChannel, ConsentEntry};
    let t = tenant(&s).await;
    let entry = |purpose: &str, granted, at| ConsentEntry {
        purpose: purpose.into(),
        channel: ConsentChannel::Voice,
        granted,
        at,
        source: "web_form".into(),
        evidence: Some("form 7".into()),
        by: "ana".into(),
    };
    let facts: Vec<_> = [entry("marketing", true, 10), entry("all", false, 20)]
        .into_iter()
        .enumerate()
        .map(|(i, e)| {
            rec(
                i as i64 + 1,
                Fact::CustomerConsent {
                    customer: 4,
                    entry: e,
                },
            )
        })
        .collect();
    s.append(&t, &facts).await.unwrap();
    let got = s.customer_consents(&t, 4, 10).await.unwrap();
    assert_eq!(got.len(), 2);
    assert_eq!(
        (got[0].0, got[0].1.purpose.as_str(), got[0].1.granted),
        (2, "all", false)
    );
    assert_eq!(got[1].1, entry("marketing", true, 10));
    assert!(s.customer_consents(&t, 5, 10).await.unwrap().is_empty());
    let live = s.projection_snapshot(&t).await.unwrap();
    s.rebuild(&t).await.unwrap();
    assert_eq!(s.projection_snapshot(&t).await.unwrap(), live);
}

/// Webhooks keep their cursor (moved only from where it was) and the latest
/// delivery attempts; facts are read back as the log holds them.
async fn webhooks_keep_their_cursor_and_deliveries(s: Store) {
    let t = tenant(&s).await;
    let kinds = vec!["customers_set".to_string()];
    let id = s
        .create_webhook(&t, "http://127.0.0.1:9/x", &kinds, "sealed", 0, 5)
        .await
        .unwrap();
    assert_eq!(
        s.create_webhook(&t, "http://h/y", &[], "sealed", 0, 6)
            .await
            .unwrap(),
        id + 1
    );
    let w = s.webhook(&t, id).await.unwrap().unwrap();
    assert_eq!((w.kinds.clone(), w.cursor_seq), (kinds, 0));
    assert!(s.move_webhook_cursor(&t, id, 0, 3).await.unwrap());
    assert!(
        !s.move_webhook_cursor(&t, id, 0, 4).await.unwrap(),
        "moved meanwhile"
    );
    s.set_webhook_cursor(&t, id, 1).await.unwrap();
    assert_eq!(s.webhook(&t, id).await.unwrap().unwrap().cursor_seq, 1);
    for attempt in 1..=3 {
        let d = store::webhooks::Delivery {
            seq: 2,
            attempt,
            at: 7,
            status: 503,
            error: Some("down".into()),
        };
        s.add_delivery(&t, id, &d).await.unwrap();
    }
    let got = s.deliveries(&t, id, 2).await.unwrap();
    assert_eq!(got.iter().map(|d| d.attempt).collect::<Vec<_>>(), [3, 2]);
    assert_eq!(
        s.all_webhooks()
            .await
            .unwrap()
            .iter()
            .filter(|(tid, _)| *tid == t.id())
            .count(),
        2
    );
    assert!(s.delete_webhook(&t, id).await.unwrap());
    assert!(s.webhook(&t, id).await.unwrap().is_none());
    assert_eq!(s.webhooks(&t).await.unwrap().len(), 1);
    s.append(
        &t,
        &[rec(
            1,
            Fact::PlanSet {
                document: "x".into(),
            },
        )],
    )
    .await
    .unwrap();
    let raw = s.raw_facts_after(&t, 0, 10).await.unwrap();
    assert_eq!((raw[0].seq, raw[0].kind.as_str()), (1, "plan_set"));
    assert!(raw[0].body.contains("plan_set"));
}

/// Whether any of the database's files holds `needle`.
async fn files_hold(s: &Store, needle: &str) -> bool {
    let files = s.raw_bytes().await.unwrap();
    let n = needle.as_bytes();
    files.iter().any(|f| f.windows(n.len()).any(|w| w == n))
}

/// Erasing a person: the log's facts are redacted, the projections
/// emptied, and no byte of the person's name, number, address or messages
/// is left in the database files, while another person's are; the log
/// still rebuilds to the same projections.
async fn an_erased_person_leaves_no_readable_byte(s: Store) {
    use model::consent::{ConsentChannel, ConsentEntry};
    use model::erasure::Erasure;
    let t = tenant(&s).await;
    let u = unique().replace('-', "");
    // A number of this run only (the PostgreSQL database is shared by runs).
    let digits: String = u
        .chars()
        .filter(char::is_ascii_digit)
        .rev()
        .take(8)
        .collect();
    let phone = format!("+346{digits:0>8}");
    let (name, email) = (format!("Zerafina{u}"), format!("zq{u}@example.org"));
    let (secret, evidence, other) = (
        format!("ZQ{u}acct"),
        format!("recording{u}ev"),
        format!("Bartholomew{u}"),
    );
    let created = |customer: i64, name: &str, phone: &str, email: &str| Fact::CustomerCreated {
        customer,
        name: name.into(),
        phone: Some(phone.into()),
        email: Some(email.into()),
    };
    let mut opened = opened(10, None);
    if let Fact::InteractionOpened {
        customer, subject, ..
    } = &mut opened
    {
        *customer = Some(1);
        *subject = Some(format!("invoice of {name}"));
    }
    let facts = vec![
        rec(1, created(1, &name, &phone, &email)),
        rec(2, created(2, &other, "+34699888777", "b@example.org")),
        rec(3, opened),
        rec(
            4,
            Fact::ChatMessage {
                interaction: InteractionId(10),
                sender: store::Sender::Customer,
                agent: None,
                body: format!("my account is {secret}"),
            },
        ),
        rec(
            5,
            Fact::NoteAdded {
                interaction: InteractionId(10),
                author: "agent".into(),
                body: format!("{name} asked about {secret}"),
            },
        ),
        rec(
            6,
            Fact::CustomerConsent {
                customer: 1,
                entry: ConsentEntry {
                    purpose: "marketing".into(),
                    channel: ConsentChannel::Voice,
                    granted: true,
                    at: 5,
                    source: "call".into(),
                    evidence: Some(evidence.clone()),
                    by: "agent".into(),
                },
            },
        ),
    ];
    s.append(&t, &facts).await.unwrap();
    let national = &phone[3..];
    for needle in [&name, &secret, &evidence, &email, national] {
        assert!(
            files_hold(&s, needle).await,
            "{needle} should be in the files before"
        );
    }
    let erasure = Erasure {
        customers: [1].into(),
        interactions: [10].into(),
        numbers: [(phone.clone(), "+999000000000001".to_string())].into(),
        emails: [email.clone()].into(),
        cases: Default::default(),
    };
    assert_eq!(s.redact_log(&t, &erasure).await.unwrap().facts, 5);
    let erased = Fact::CustomerErased {
        customers: vec![1],
        numbers: vec![],
        by: "dpo".into(),
    };
    s.append(&t, &[rec(7, erased)]).await.unwrap();
    assert_eq!(
        s.redact_log(&t, &erasure).await.unwrap().facts,
        0,
        "again: nothing left"
    );
    s.scrub().await.unwrap();
    for needle in [&name, &secret, &evidence, &email, national] {
        assert!(
            !files_hold(&s, needle).await,
            "{needle} is still in the files"
        );
    }
    assert!(
        files_hold(&s, &other).await,
        "another person's record stays"
    );
    let full = s.customer_full(&t, 1).await.unwrap().unwrap();
    assert_eq!(
        (full.record.name.as_str(), full.erased_at),
        (model::erasure::ERASED, Some(1_007))
    );
    assert!(full.record.phones.is_empty() && full.record.emails.is_empty());
    let live = s.projection_snapshot(&t).await.unwrap();
    assert_eq!(s.rebuild(&t).await.unwrap(), 7);
    assert_eq!(s.projection_snapshot(&t).await.unwrap(), live);
}

suite!(
    webhooks_keep_their_cursor_and_deliveries,
    an_erased_person_leaves_no_readable_byte,
    consents_are_projected_and_read_newest_first,
    settings_by_prefix_and_records_page_by_page,
    customer_records_are_found_merged_and_rebuilt,
    imports_keep_their_counts_and_rejects,
    audit_trails_chain_per_tenant_under_concurrent_appends,
    campaigns_are_projected_and_the_dialers_facts_read_back,
    projections_follow_the_log_and_rebuild_equals_live,
    a_failed_append_writes_nothing,
    tenants_do_not_see_each_other,
    tenant_names_are_checked_and_unique,
    concurrent_creations_get_distinct_ids,
    users_are_edited_and_the_last_admin_stays,
    users_tokens_and_sessions_round_trip,
);

#[tokio::test]
async fn sqlite_runs_in_wal_with_full_sync() {
    let s = sqlite().await;
    assert_eq!(s.sqlite_pragma("journal_mode").await.unwrap(), "wal");
    assert_eq!(s.sqlite_pragma("synchronous").await.unwrap(), "2");
}

#[tokio::test]
async fn reopening_keeps_data_and_does_not_rerun_migrations() {
    let dir = std::env::temp_dir().join(format!("centralita-store-{}", unique()));
    std::fs::create_dir_all(&dir).unwrap();
    let url = store::sqlite_url(&dir);
    let s = Store::open(&url).await.unwrap();
    let t = s.create_tenant("acme", 1).await.unwrap();
    drop(s);
    let s = Store::open(&url).await.unwrap();
    assert_eq!(s.tenant_by_name("acme").await.unwrap(), Some(t));
}

#[tokio::test]
async fn unknown_database_urls_are_refused() {
    assert!(matches!(
        Store::open("mysql://x").await,
        Err(StoreError::Url(_))
    ));
}

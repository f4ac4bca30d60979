//! The case engine driven by the tenant core: a broken promise creates a
//! task routed to an agent, a letter and a contact, in one batch; a call's
//! `promise` disposition creates the promise; a core rebuilt from the log
//! equals the live one.

use center::cases::{CaseCommand, CaseQuery, CaseView};
use center::command::NewInteractionReq;
use center::outbound::CampaignDoc;
use center::{Command, Output, Reply, TenantCore, TenantError};
use chrono::NaiveDate;
use model::case::{ActionOutcome, LetterMedium};
use model::event::EventKind;
use model::fact::Fact;
use model::{Attributes, Channel, Instant};
use workflow::{Actor, Amount, Currency, Input, NewCase, NewDebt, Origin, Role};

/// 2026-03-02 10:00 UTC, a Monday.
const NOW: Instant = Instant::from_millis(1_772_445_600_000);
const DAY: u64 = 86_400_000;

const PLAN: &str = r#"
default_queue = "collections"
[[queue]]
name = "collections"
wrap_up_s = 0
[[queue]]
name = "outbound"
"#;

struct T {
    core: TenantCore,
    log: Vec<(i64, Fact)>,
}

impl T {
    fn new() -> T {
        let mut t = T {
            core: TenantCore::new(7),
            log: Vec::new(),
        };
        t.ok(NOW, Command::SetPlan(PLAN.into()));
        t.ok(
            NOW,
            Command::SetSetting {
                name: "tenant".into(),
                document: r#"{"time_zone":"Europe/Prague"}"#.into(),
            },
        );
        t.ok(
            NOW,
            Command::DefineAgent {
                id: None,
                name: "ana".into(),
                skills: vec![("collections".into(), 5)],
                username: None,
                teams: Some(vec!["collections".into()]),
            },
        );
        t.ok(NOW, Command::SignIn(0, None));
        let doc: CampaignDoc = serde_json::from_value(serde_json::json!({
            "queue": "outbound",
            "team": "collections",
            "caller_id": "+420200000000",
            "windows": {"CZ": "00:00-24:00"},
        }))
        .unwrap();
        t.ok(
            NOW,
            Command::DefineCampaign {
                name: "collections".into(),
                doc,
            },
        );
        let version = t.case(
            NOW,
            CaseCommand::SetType {
                name: "collections".into(),
                document: workflow::COLLECTIONS.into(),
            },
        );
        assert!(matches!(version, Ok(Reply::Id(1))), "{version:?}");
        t
    }

    fn take(&mut self) -> Vec<(i64, Fact)> {
        let mut out = Vec::new();
        while let Some(o) = self.core.poll_output() {
            if let Output::Fact { at_ms, fact } = o {
                out.push((at_ms, fact));
            }
        }
        self.log.extend(out.iter().cloned());
        out
    }

    fn ok(&mut self, now: Instant, cmd: Command) -> Reply {
        let what = format!("{cmd:?}");
        let r = self.core.handle(now, cmd);
        self.take();
        r.unwrap_or_else(|e| panic!("{what}: {e}"))
    }

    fn case(&mut self, now: Instant, cmd: CaseCommand) -> Result<Reply, TenantError> {
        let r = self.core.handle(now, Command::Case(Box::new(cmd)));
        self.take();
        r
    }

    fn view(&mut self, id: u64) -> CaseView {
        let q = CaseQuery {
            id: Some(id),
            ..Default::default()
        };
        match self.case(NOW, CaseCommand::Query(q)) {
            Ok(Reply::Cases(mut v)) => v.pop().expect("the case"),
            other => panic!("{other:?}"),
        }
    }

    /// A case of a new debtor (made from the phone) with two debts.
    fn create(&mut self) -> u64 {
        let debt = |principal: &str, due: &str| NewDebt {
            principal: Amount::parse(principal).unwrap(),
            fees: Amount::parse("10").unwrap(),
            interest: Amount::ZERO,
            currency: Currency::parse("EUR").unwrap(),
            due_date: NaiveDate::parse_from_str(due, "%Y-%m-%d").unwrap(),
            creditor: "Acme Telecom".into(),
        };
        let case = NewCase {
            reference: "C-1".into(),
            case_type: "collections".into(),
            debtor: "Jana Nováková".into(),
            currency: Currency::parse("EUR").unwrap(),
            owner: None,
            fields: vec![],
            debts: vec![debt("100", "2026-01-10"), debt("50.50", "2026-02-10")],
            by: Origin::User(Actor::new("admin", Role::Admin)),
        };
        let r = self.case(
            NOW,
            CaseCommand::Create {
                case: Box::new(case),
                customer: None,
                phone: Some("+420601000001".into()),
            },
        );
        match r {
            Ok(Reply::Id(id)) => id as u64,
            other => panic!("{other:?}"),
        }
    }

    fn rebuilt_equals_live(&self, now: Instant) {
        let mut fresh = TenantCore::new(7);
        for (at, f) in &self.log {
            fresh
                .replay(*at, f)
                .unwrap_or_else(|e| panic!("{f:?}: {e}"));
        }
        fresh.replay_until(now);
        assert_eq!(fresh.snapshot(), self.core.snapshot());
    }
}

fn date(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

#[test]
fn a_new_case_makes_its_debtor_a_customer_and_a_contact_of_the_campaign() {
    let mut t = T::new();
    let id = t.create();
    let v = t.view(id);
    assert_eq!(v.state, "contacting");
    assert_eq!(v.balance, "170.50");
    assert_eq!(v.currency, "EUR");
    assert!(v.customer_id.is_some());
    let added = t.log.iter().any(|(_, f)| {
        matches!(
            f,
            Fact::CaseAction {
                outcome: ActionOutcome::ContactAdded { campaign: 1, .. },
                ..
            }
        )
    });
    assert!(added, "start_contact added the debtor to the campaign");
    assert!(
        t.log
            .iter()
            .any(|(_, f)| matches!(f, Fact::CampaignContacts { campaign: 1, .. }))
    );
    // A move the role may not make is refused, and nothing is logged.
    let before = t.log.len();
    assert!(matches!(
        t.case(
            NOW,
            CaseCommand::Input(Box::new(Input::Transition {
                case: workflow::CaseId(id),
                to: "paid".into(),
                by: Actor::new("ana", Role::Agent),
                note: None,
            }))
        ),
        Err(TenantError::Forbidden(_))
    ));
    assert_eq!(t.log.len(), before);
    t.rebuilt_equals_live(NOW);
}

#[test]
fn a_broken_promise_creates_a_routed_task_a_letter_and_a_contact_in_one_batch() {
    let mut t = T::new();
    let id = t.create();
    let promise = Input::Promise {
        case: workflow::CaseId(id),
        amount: Amount::parse("50").unwrap(),
        due_date: date("2026-03-04"),
        by: Actor::new("ana", Role::Agent),
    };
    t.case(NOW, CaseCommand::Input(Box::new(promise))).unwrap();
    assert_eq!(t.view(id).state, "promised");
    t.rebuilt_equals_live(NOW);
    // Date + 3 days of grace pass: the promise breaks at the start of the 8th.
    let later = Instant::from_millis(NOW.as_millis() + 6 * DAY);
    assert!(t.core.poll_timeout().is_some_and(|d| d <= later));
    t.core.handle_timeout(later);
    let batch = t.take();
    let v = t.view(id);
    assert_eq!(v.state, "promise_broken");
    assert_eq!(v.promises[0].state, workflow::PromiseState::Broken);
    let task = batch.iter().find_map(|(_, f)| match f {
        Fact::CaseAction {
            outcome: ActionOutcome::TaskCreated { interaction },
            ..
        } => Some(*interaction),
        _ => None,
    });
    let task = task.expect("a task was created");
    let opened = batch.iter().any(|(_, f)| {
        matches!(f, Fact::InteractionOpened { interaction, channel: Channel::Task, subject: Some(s), .. }
            if *interaction == task && s == "call about the broken promise")
    });
    assert!(opened, "{batch:#?}");
    let offered = batch.iter().any(|(_, f)| {
        matches!(f, Fact::Routing { event } if matches!(&event.kind,
            EventKind::Offered { interaction, agent, .. } if *interaction == task && agent.0 == 0))
    });
    assert!(offered, "the task was offered to the agent");
    let letter = batch.iter().any(|(_, f)| {
        matches!(f, Fact::CaseLetterOrdered { case, template, language, medium: LetterMedium::Letter, .. }
            if *case == id && template == "payment_reminder" && language == "en")
    });
    assert!(letter, "a letter was ordered");
    // The contact is started again: the debtor is still a contact of the
    // campaign (nobody dialed), so not added twice.
    let contact = batch.iter().any(|(_, f)| {
        matches!(f, Fact::CaseAction { action, outcome: ActionOutcome::Refused { reason }, .. }
            if action["action"] == "start_contact" && reason.contains("not added twice"))
    });
    assert!(contact, "{batch:#?}");
    assert_eq!(
        t.core
            .dialer()
            .campaign(model::ids::CampaignId(1))
            .unwrap()
            .open_contacts(),
        1
    );
    // The task carries its case, for the disposition to come.
    assert_eq!(t.core.cases().of_interaction(task.0 as i64, None), Some(id));
    t.rebuilt_equals_live(later);
}

#[test]
fn a_replay_that_wakes_late_fires_the_same_timers_as_the_live_core() {
    let mut t = T::new();
    let id = t.create();
    let promise = Input::Promise {
        case: workflow::CaseId(id),
        amount: Amount::parse("50").unwrap(),
        due_date: date("2026-03-04"),
        by: Actor::new("ana", Role::Agent),
    };
    t.case(NOW, CaseCommand::Input(Box::new(promise))).unwrap();
    // The live core wakes days late, for an unrelated command.
    let later = Instant::from_millis(NOW.as_millis() + 9 * DAY);
    t.ok(later, Command::Queues);
    assert_eq!(t.view(id).state, "promise_broken");
    t.rebuilt_equals_live(later);
}

#[test]
fn a_promise_disposition_on_a_cases_call_creates_the_promise() {
    let mut t = T::new();
    let id = t.create();
    let mut attributes = Attributes::default();
    attributes.extra.push(("case_id".into(), id.to_string()));
    let call = t.ok(
        NOW,
        Command::Create(Box::new(NewInteractionReq {
            channel: Channel::Voice,
            queue: None,
            priority: 0,
            attributes,
            customer: None,
            subject: None,
            idempotency_key: None,
            chat_secret_hash: None,
        })),
    );
    let Reply::Interaction { id: call, .. } = call else {
        panic!("{call:?}")
    };
    t.ok(NOW, Command::Accept(call, 0));
    t.ok(NOW, Command::Complete(call, Some(0)));
    let disposition = |amount: Option<&str>, date: Option<&str>| Command::Disposition {
        interaction: call,
        code: "promise".into(),
        by_agent: Some(0),
        by: "ana".into(),
        new_phone: None,
        callback_at_ms: None,
        resolved: None,
        promise_amount: amount.map(str::to_string),
        promise_date: date.map(str::to_string),
    };
    // Bad promises are refused, naming the field, and change nothing.
    let before = t.log.len();
    for (a, d, field) in [
        (Some("12,5"), Some("2026-03-10"), "promise_amount"),
        (Some("20"), Some("2026-02-01"), "promise_date"),
        (Some("20"), None, "promise_date"),
    ] {
        match t.core.handle(NOW, disposition(a, d)) {
            Err(TenantError::Field { field: f, .. }) => assert_eq!(f, field),
            other => panic!("{other:?}"),
        }
    }
    t.take();
    assert_eq!(t.log.len(), before);
    t.ok(NOW, disposition(Some("70.25"), Some("2026-03-10")));
    let v = t.view(id);
    assert_eq!(v.state, "promised");
    assert_eq!(v.promises.len(), 1);
    assert_eq!(v.promises[0].amount, "70.25");
    let moved = t.log.iter().any(|(_, f)| {
        matches!(f, Fact::CaseFact { case, entry } if *case == id
            && entry["change"]["kind"] == "disposition_set"
            && entry["cause"]["by"] == "interaction")
    });
    assert!(
        moved,
        "the disposition is in the case's history with its cause"
    );
    t.rebuilt_equals_live(NOW);
}

#[test]
fn a_payment_in_full_closes_the_case_and_its_contact_in_the_campaign() {
    let mut t = T::new();
    let id = t.create();
    let payment = Input::Payment {
        case: workflow::CaseId(id),
        payment: workflow::NewPayment {
            id: String::new(),
            amount: Amount::parse("170.50").unwrap(),
            currency: Currency::parse("EUR").unwrap(),
            date: date("2026-03-02"),
            reference: "bank".into(),
        },
    };
    t.case(NOW, CaseCommand::Input(Box::new(payment))).unwrap();
    let v = t.view(id);
    assert_eq!(v.state, "paid");
    assert_eq!(v.payments[0].id, "p1");
    let closed = t.log.iter().any(|(_, f)| {
        matches!(f, Fact::CaseAction { outcome: ActionOutcome::ContactsClosed { closed }, .. }
            if closed == &vec![(1, 1)])
    });
    assert!(closed, "stop_contact closed the case's contact");
    let by_dialer = t.log.iter().any(|(_, f)| {
        matches!(f, Fact::Outbound { event } if matches!(&event.kind,
            EventKind::Outbound(model::outbound::OutboundEvent::ContactClosed { reason, .. }) if reason == "case_paid"))
    });
    assert!(by_dialer, "the dialer closed it, saying why");
    assert_eq!(
        t.core
            .dialer()
            .campaign(model::ids::CampaignId(1))
            .unwrap()
            .open_contacts(),
        0
    );
    t.rebuilt_equals_live(NOW);
}

#[test]
fn a_bad_case_type_names_its_line_and_field() {
    let mut t = T::new();
    let r = t.case(
        NOW,
        CaseCommand::SetType {
            name: "broken".into(),
            document: "[[states]]\nname = \"a\"\ninitial = true\n[[states]]\nname = \"b\"\nfinal = true\n[[transitions]]\nfrom = [\"a\"]\nto = \"nowhere\"\nroles = [\"agent\"]\n".into(),
        },
    );
    match r {
        Err(TenantError::Field { field, message }) => {
            assert_eq!(field, "document");
            assert!(message.starts_with("line 9"), "{message}");
            assert!(message.contains("transitions[0].to"), "{message}");
        }
        other => panic!("{other:?}"),
    }
    match t.case(NOW, CaseCommand::Types) {
        Ok(Reply::CaseTypes(types)) => assert_eq!(types, vec![("collections".to_string(), 1)]),
        other => panic!("{other:?}"),
    }
}

/// A second campaign, fed by a case query (id 2).
fn feed_campaign(t: &mut T) {
    let doc: CampaignDoc = serde_json::from_value(serde_json::json!({
        "queue": "outbound",
        "team": "collections",
        "caller_id": "+420200000000",
        "windows": {"CZ": "00:00-24:00"},
    }))
    .unwrap();
    t.ok(
        NOW,
        Command::DefineCampaign {
            name: "broken_promises".into(),
            doc,
        },
    );
}

fn broken_over_100() -> center::cases::CaseFeed {
    center::cases::CaseFeed {
        states: vec!["promise_broken".into()],
        balance_min: Some("100".into()),
        currency: Some("EUR".into()),
        ..Default::default()
    }
}

fn set_feed(
    t: &mut T,
    at: Instant,
    feed: Option<center::cases::CaseFeed>,
) -> center::cases::FeedReport {
    match t.case(at, CaseCommand::SetFeed { campaign: 2, feed }) {
        Ok(Reply::CaseFeed(r)) => r,
        other => panic!("{other:?}"),
    }
}

fn open_in(t: &T, campaign: u32) -> usize {
    t.core
        .dialer()
        .campaign(model::ids::CampaignId(campaign))
        .unwrap()
        .open_contacts()
}

/// A feed's contacts as the log says them: (campaign, "feed_contact" or "feed_stop").
fn feed_actions(log: &[(i64, Fact)], case: u64) -> Vec<(u32, String)> {
    log.iter()
        .filter_map(|(_, f)| match f {
            Fact::CaseAction {
                case: c, action, ..
            } if *c == case => {
                let kind = action["action"].as_str()?;
                kind.starts_with("feed_").then(|| {
                    (
                        action["campaign"].as_u64().unwrap() as u32,
                        kind.to_string(),
                    )
                })
            }
            _ => None,
        })
        .collect()
}

#[test]
fn a_case_query_feeds_a_campaign_as_cases_move_in_and_out_of_it() {
    let mut t = T::new();
    feed_campaign(&mut t);
    let id = t.create();
    let r = set_feed(&mut t, NOW, Some(broken_over_100()));
    assert_eq!(
        (r.matching, r.added),
        (0, 0),
        "the case is not in promise_broken yet"
    );
    assert_eq!(open_in(&t, 2), 0);
    let promise = Input::Promise {
        case: workflow::CaseId(id),
        amount: Amount::parse("50").unwrap(),
        due_date: date("2026-03-04"),
        by: Actor::new("ana", Role::Agent),
    };
    t.case(NOW, CaseCommand::Input(Box::new(promise))).unwrap();
    // The promise breaks: the case joins the query, its debtor the campaign.
    let later = Instant::from_millis(NOW.as_millis() + 6 * DAY);
    t.core.handle_timeout(later);
    t.take();
    assert_eq!(t.view(id).state, "promise_broken");
    assert_eq!(open_in(&t, 2), 1);
    assert_eq!(
        feed_actions(&t.log, id),
        vec![(2, "feed_contact".to_string())]
    );
    assert!(t.core.cases().feed_matches(2, id));
    t.rebuilt_equals_live(later);
    // A payment takes the balance under 100: the case leaves, its contact closes.
    let payment = Input::Payment {
        case: workflow::CaseId(id),
        payment: workflow::NewPayment {
            id: String::new(),
            amount: Amount::parse("80").unwrap(),
            currency: Currency::parse("EUR").unwrap(),
            date: date("2026-03-08"),
            reference: "bank".into(),
        },
    };
    t.case(later, CaseCommand::Input(Box::new(payment)))
        .unwrap();
    // 90.50 left, and the interest the shipped type accrues.
    let left: f64 = t.view(id).balance.parse().unwrap();
    assert!((90.5..100.0).contains(&left), "{left}");
    assert_eq!(open_in(&t, 2), 0);
    assert_eq!(
        feed_actions(&t.log, id),
        vec![
            (2, "feed_contact".to_string()),
            (2, "feed_stop".to_string())
        ]
    );
    let said = t.log.iter().any(|(_, f)| {
        matches!(f, Fact::Outbound { event } if matches!(&event.kind,
            EventKind::Outbound(model::outbound::OutboundEvent::ContactClosed { reason, .. })
                if reason == center::cases::FEED_LEFT_REASON))
    });
    assert!(said, "the dialer says why the contact closed");
    // The other campaign's contact (the type's own start_contact) is left alone.
    assert_eq!(open_in(&t, 1), 1);
    t.rebuilt_equals_live(later);
}

#[test]
fn a_feed_set_over_matching_cases_adds_them_at_once_and_bad_feeds_are_refused() {
    let mut t = T::new();
    feed_campaign(&mut t);
    let id = t.create();
    let promise = Input::Promise {
        case: workflow::CaseId(id),
        amount: Amount::parse("50").unwrap(),
        due_date: date("2026-03-04"),
        by: Actor::new("ana", Role::Agent),
    };
    t.case(NOW, CaseCommand::Input(Box::new(promise))).unwrap();
    let later = Instant::from_millis(NOW.as_millis() + 6 * DAY);
    t.core.handle_timeout(later);
    t.take();
    let before = t.log.len();
    let bad = [
        (
            center::cases::CaseFeed {
                states: vec!["nowhere".into()],
                ..Default::default()
            },
            "states",
        ),
        (
            center::cases::CaseFeed {
                balance_min: Some("100".into()),
                ..Default::default()
            },
            "currency",
        ),
        (
            center::cases::CaseFeed {
                balance_min: Some("1,5".into()),
                currency: Some("EUR".into()),
                ..Default::default()
            },
            "balance_min",
        ),
        (
            center::cases::CaseFeed {
                flags: vec!["no_such_flag".into()],
                ..Default::default()
            },
            "flags",
        ),
    ];
    for (feed, want) in bad {
        match t.case(
            later,
            CaseCommand::SetFeed {
                campaign: 2,
                feed: Some(feed),
            },
        ) {
            Err(TenantError::Field { field, .. }) => assert_eq!(field, want),
            other => panic!("{want}: {other:?}"),
        }
    }
    assert!(matches!(
        t.case(
            later,
            CaseCommand::SetFeed {
                campaign: 9,
                feed: Some(broken_over_100())
            }
        ),
        Err(TenantError::NotFound(_))
    ));
    assert_eq!(t.log.len(), before, "a refused feed logs nothing");
    let r = set_feed(&mut t, later, Some(broken_over_100()));
    assert_eq!((r.matching, r.added, r.not_added), (1, 1, 0));
    assert_eq!(open_in(&t, 2), 1);
    // Setting it again adds nobody twice.
    let r = set_feed(&mut t, later, Some(broken_over_100()));
    assert_eq!((r.matching, r.added), (1, 0));
    assert_eq!(open_in(&t, 2), 1);
    // A dispute takes the case out of every feed.
    let dispute = Input::Dispute {
        case: workflow::CaseId(id),
        reason: "not mine".into(),
        by: Origin::User(Actor::new("ana", Role::Agent)),
    };
    t.case(later, CaseCommand::Input(Box::new(dispute)))
        .unwrap();
    assert_eq!(open_in(&t, 2), 0);
    // Removed, the feed adds no one more, and the core rebuilt agrees.
    set_feed(&mut t, later, None);
    assert!(t.core.cases().feed(2).is_none());
    t.rebuilt_equals_live(later);
}

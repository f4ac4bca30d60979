//! The tenant core's rules one at a time, where the simulation's random
//! days would find them only by chance.

use center::outbound::CampaignDoc;
use center::{Command, Output, TenantCore};
use model::Instant;
use model::fact::Fact;

const NOW: Instant = Instant::from_millis(1_772_445_600_000);

fn facts(core: &mut TenantCore) -> Vec<(i64, Fact)> {
    let mut out = Vec::new();
    while let Some(o) = core.poll_output() {
        if let Output::Fact { at_ms, fact } = o {
            out.push((at_ms, fact));
        }
    }
    out
}

/// The document of the first `campaign_defined` fact of a log.
fn defined_document(log: &[(i64, Fact)]) -> String {
    log.iter()
        .find_map(|(_, f)| match f {
            Fact::CampaignDefined { document, .. } => Some(document.clone()),
            _ => None,
        })
        .expect("campaign_defined")
}

/// Defines campaign `renewals` without a zone of its own.
fn define(core: &mut TenantCore) {
    core.handle(
        NOW,
        Command::DefineCampaign {
            name: "renewals".into(),
            doc: doc(),
        },
    )
    .unwrap();
}

fn doc() -> CampaignDoc {
    serde_json::from_value(serde_json::json!({
        "queue": "outbound",
        "team": "outbound",
        "caller_id": "+420200000000",
        "windows": {"CZ": "00:00-24:00"},
    }))
    .unwrap()
}

#[test]
fn a_campaign_without_a_zone_takes_the_tenants_and_a_replay_keeps_it() {
    let mut core = TenantCore::new(1);
    core.handle(
        NOW,
        Command::SetSetting {
            name: "tenant".into(),
            document: r#"{"time_zone":"Europe/Madrid","holidays":[{"date":"2026-12-25"}]}"#.into(),
        },
    )
    .unwrap();
    assert_eq!(core.settings().time_zone.name(), "Europe/Madrid");
    define(&mut core);
    let log = facts(&mut core);
    let defined = defined_document(&log);
    assert!(defined.contains("Europe/Madrid"), "{defined}");
    let mut fresh = TenantCore::new(1);
    for (at, f) in &log {
        fresh.replay(*at, f).unwrap();
    }
    assert_eq!(fresh.snapshot(), core.snapshot());
    let date = chrono::NaiveDate::from_ymd_opt(2026, 12, 25).unwrap();
    assert!(fresh.settings().is_holiday(date));
}

#[test]
fn a_tenant_without_settings_keeps_the_campaigns_own_default_zone() {
    let mut core = TenantCore::new(1);
    assert_eq!(core.settings().time_zone.name(), "UTC");
    define(&mut core);
    let defined = defined_document(&facts(&mut core));
    assert!(!defined.contains("time_zone"), "{defined}");
}

/// The dialer inputs a log holds, in order.
fn dialer_inputs(log: &[(i64, Fact)]) -> Vec<model::fact::DialerStep> {
    log.iter()
        .filter_map(|(_, f)| match f {
            Fact::DialerInput { input } => Some(input.clone()),
            _ => None,
        })
        .collect()
}

#[test]
fn a_power_campaigns_ratio_is_set_live_logged_and_replayed() {
    let mut core = TenantCore::new(1);
    let mut power = doc();
    power.mode = "power".into();
    power.ratio = Some(1.5);
    let id = match core.handle(
        NOW,
        Command::DefineCampaign {
            name: "renewals".into(),
            doc: power,
        },
    ) {
        Ok(center::Reply::Id(id)) => id,
        other => panic!("{other:?}"),
    };
    let set = |ratio| Command::CampaignRatio {
        campaign: id,
        ratio,
    };
    core.handle(NOW, set(2.5)).unwrap();
    let err = core.handle(NOW, set(50.0)).unwrap_err();
    assert!(matches!(err, center::TenantError::Conflict(_)), "{err:?}");
    let err = core
        .handle(
            NOW,
            Command::CampaignRatio {
                campaign: id + 1,
                ratio: 2.0,
            },
        )
        .unwrap_err();
    assert!(matches!(err, center::TenantError::NotFound(_)), "{err:?}");
    let log = facts(&mut core);
    let steps = dialer_inputs(&log);
    assert!(
        steps.contains(&model::fact::DialerStep::SetRatio {
            campaign: id as u32,
            ratio: 2.5
        }),
        "{steps:?}"
    );
    // The refused ratio is not among the inputs (its wake-up is a tick).
    assert!(!steps.iter().any(|s| matches!(
        s,
        model::fact::DialerStep::SetRatio { ratio, .. } if *ratio == 50.0
    )));
    let mut fresh = TenantCore::new(1);
    for (at, f) in &log {
        fresh.replay(*at, f).unwrap();
    }
    assert_eq!(fresh.snapshot(), core.snapshot());
    let mut other = doc();
    other.mode = "progressive".into();
    let progressive = match core.handle(
        NOW,
        Command::DefineCampaign {
            name: "notices".into(),
            doc: other,
        },
    ) {
        Ok(center::Reply::Id(id)) => id,
        other => panic!("{other:?}"),
    };
    let err = core
        .handle(
            NOW,
            Command::CampaignRatio {
                campaign: progressive,
                ratio: 2.0,
            },
        )
        .unwrap_err();
    assert!(err.to_string().contains("power"), "{err}");
}

#[test]
fn only_an_empty_core_is_configured_from_compiled_settings_and_agents_come_in_order() {
    use center::{Setup, SetupAgent};
    use routing::AgentConfig;
    let agent = |id: u32| SetupAgent {
        name: format!("a{id}"),
        config: AgentConfig::new(model::AgentId(id), Vec::new()),
        teams: vec!["outbound".into()],
    };
    let mut core = TenantCore::new(1);
    let err = core
        .configure(
            NOW,
            Setup {
                agents: vec![agent(1)],
                ..Setup::default()
            },
        )
        .unwrap_err();
    assert!(err.to_string().contains("agent"), "{err}");
    let mut core = TenantCore::new(1);
    core.configure(
        NOW,
        Setup {
            agents: vec![agent(0), agent(1)],
            ..Setup::default()
        },
    )
    .unwrap();
    assert_eq!(core.agent_names(), ["a0", "a1"]);
    core.handle(NOW, Command::SignIn(1, None)).unwrap();
    assert_eq!(
        core.engine().agent_state(model::AgentId(1)),
        Some(model::event::AgentState::Available)
    );
    let again = core.configure(NOW, Setup::default()).unwrap_err();
    assert!(
        matches!(again, center::TenantError::Conflict(_)),
        "{again:?}"
    );
}

/// The numbers a log's opt-outs put on the dialer's internal list.
fn opted_out(log: &[(i64, Fact)]) -> Vec<String> {
    dialer_inputs(log)
        .into_iter()
        .filter_map(|s| match s {
            model::fact::DialerStep::OptOut { phone } => Some(phone),
            _ => None,
        })
        .collect()
}

/// A customer created with a Spanish number in national form, who then asks
/// not to be called.
fn opt_out_national(core: &mut TenantCore) -> Vec<String> {
    let customer = match core.handle(
        NOW,
        Command::CreateCustomer {
            name: "Núria".into(),
            phone: Some("612 345 678".into()),
            email: None,
        },
    ) {
        Ok(center::Reply::Id(id)) => id,
        other => panic!("{other:?}"),
    };
    core.handle(
        NOW,
        Command::Profile {
            customer,
            interaction: None,
            fields: vec![("do_not_call".into(), "yes".into())],
            by: "ana".into(),
        },
    )
    .unwrap();
    opted_out(&facts(core))
}

#[test]
fn an_opt_out_of_a_number_in_national_form_blocks_it_in_the_tenants_country() {
    let mut core = TenantCore::new(1);
    core.handle(
        NOW,
        Command::SetSetting {
            name: "tenant".into(),
            document: r#"{"time_zone":"Europe/Madrid"}"#.into(),
        },
    )
    .unwrap();
    define(&mut core);
    // Read as Spanish (the tenant's zone), not as a North American number.
    assert_eq!(opt_out_national(&mut core), ["+34612345678"]);
}

#[test]
fn without_a_tenant_country_a_national_opt_out_blocks_it_in_every_campaigns_country() {
    let mut core = TenantCore::new(1);
    let mut czech = doc();
    czech.country_code = Some(420);
    core.handle(
        NOW,
        Command::DefineCampaign {
            name: "obnova".into(),
            doc: czech,
        },
    )
    .unwrap();
    let mut spain = doc();
    spain.country_code = Some(34);
    spain.caller_id = "+34900000000".into();
    core.handle(
        NOW,
        Command::DefineCampaign {
            name: "ventas".into(),
            doc: spain,
        },
    )
    .unwrap();
    assert_eq!(
        opt_out_national(&mut core),
        ["+34612345678", "+420612345678"].map(String::from)
    );
}

/// A customer with one number, created live.
fn customer(core: &mut TenantCore, name: &str, phone: &str) -> i64 {
    match core.handle(
        NOW,
        Command::CreateCustomer {
            name: name.into(),
            phone: Some(phone.into()),
            email: Some(format!("{}@example.com", name.to_lowercase())),
        },
    ) {
        Ok(center::Reply::Id(id)) => id,
        other => panic!("{other:?}"),
    }
}

#[test]
fn an_erased_persons_log_replays_to_the_same_core_and_their_opt_out_holds() {
    use model::erasure::{Erasure, redact};
    const KEY: [u8; 16] = [9; 16];
    let mut core = TenantCore::new(1);
    core.set_erasure_key(KEY);
    define(&mut core);
    let ana = customer(&mut core, "Ana", "+420601111111");
    let bo = customer(&mut core, "Bo", "+420602222222");
    let contacts = [(ana, "+420601111111"), (bo, "+420602222222")]
        .into_iter()
        .map(|(c, p)| center::outbound::ContactReq {
            name: Some(format!("contact of {c}")),
            customer_id: Some(c),
            phones: vec![p.into()],
        })
        .collect();
    core.handle(
        NOW,
        Command::AddContacts {
            campaign: 1,
            contacts,
        },
    )
    .unwrap();
    let opt_out = Command::Profile {
        customer: ana,
        interaction: None,
        fields: vec![("do_not_call".into(), "yes".into())],
        by: "sup".into(),
    };
    core.handle(NOW, opt_out).unwrap();
    let erase = |numbers: Vec<String>| Command::EraseCustomers {
        customers: vec![ana],
        numbers,
        by: "sup".into(),
    };
    let map = match core.handle(NOW, erase(vec!["+420601111111".into()])) {
        Ok(center::Reply::Erased(map)) => map,
        other => panic!("{other:?}"),
    };
    assert_eq!(map.len(), 1);
    assert!(map[0].1.starts_with("+999"), "{map:?}");
    let refused = core.handle(
        NOW,
        Command::Profile {
            customer: ana,
            interaction: None,
            fields: vec![("segment".into(), "gold".into())],
            by: "sup".into(),
        },
    );
    assert!(refused.unwrap_err().to_string().contains("erased"));
    // The log, redacted as the shell does, names Ana nowhere.
    let erasure = Erasure {
        customers: [ana].into(),
        numbers: map.iter().cloned().collect(),
        emails: ["ana@example.com".to_string()].into(),
        ..Erasure::default()
    };
    let mut log = facts(&mut core);
    for (_, f) in log.iter_mut() {
        redact(f, &erasure);
    }
    let text = serde_json::to_string(&log.iter().map(|(_, f)| f).collect::<Vec<_>>()).unwrap();
    for gone in [
        "601111111",
        "Ana",
        "ana@example.com",
        &format!("contact of {ana}"),
    ] {
        assert!(!text.contains(gone), "{gone} is still in the log");
    }
    assert!(text.contains("602222222") && text.contains("Bo"));
    // Rebuilt from it (the placeholders read first), the core is the live one.
    let mut fresh = TenantCore::new(1);
    fresh.set_erasure_key(KEY);
    for (_, f) in &log {
        if let Fact::CustomerErased { numbers, .. } = f {
            fresh.preload_erased(numbers);
        }
    }
    for (at, f) in &log {
        fresh.replay(*at, f).unwrap();
    }
    assert_eq!(fresh.snapshot(), core.snapshot());
    // Erasing again changes nothing and answers the same placeholders.
    match core.handle(NOW, erase(vec!["+420601111111".into()])) {
        Ok(center::Reply::Erased(again)) => assert_eq!(again, map),
        other => panic!("{other:?}"),
    }
    assert!(facts(&mut core).is_empty());
}

#[test]
fn an_agents_capacity_outlives_new_skills_and_a_replay() {
    use model::Channel;
    let mut core = TenantCore::new(1);
    let define = |id: Option<i64>, skills: Vec<(String, u8)>| Command::DefineAgent {
        id,
        name: "ana".into(),
        skills,
        username: None,
        teams: None,
    };
    core.handle(NOW, define(None, Vec::new())).unwrap();
    let capacity = [(Channel::Chat, 1), (Channel::Email, 0)]
        .into_iter()
        .collect();
    core.handle(NOW, Command::SetCapacity { agent: 0, capacity })
        .unwrap();
    let refused = [(Channel::Chat, 21)].into_iter().collect();
    let err = core
        .handle(
            NOW,
            Command::SetCapacity {
                agent: 0,
                capacity: refused,
            },
        )
        .unwrap_err();
    assert!(err.to_string().contains("capacity"), "{err}");
    let err = core.handle(
        NOW,
        Command::SetCapacity {
            agent: 7,
            capacity: Default::default(),
        },
    );
    assert!(err.is_err(), "no agent 7");
    // New skills keep the capacity.
    let again = define(Some(0), vec![("billing".into(), 5)]);
    core.handle(NOW, again).unwrap();
    let cap = |core: &TenantCore| {
        core.engine()
            .agent_config(model::AgentId(0))
            .unwrap()
            .capacity
    };
    let want = Channel::ALL.map(|c| match c {
        Channel::Chat => 1,
        Channel::Email => 0,
        c => c.default_capacity(),
    });
    assert_eq!(cap(&core), want);
    let log = facts(&mut core);
    let mut fresh = TenantCore::new(1);
    for (at, f) in &log {
        fresh.replay(*at, f).unwrap();
    }
    assert_eq!(cap(&fresh), want);
    assert_eq!(fresh.snapshot(), core.snapshot());
}

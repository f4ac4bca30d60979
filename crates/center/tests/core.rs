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

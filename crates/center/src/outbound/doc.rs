//! A campaign's settings as the API takes them ([`CampaignDoc`]), with its
//! own disposition codes ([`DispositionDoc`]), checked and compiled into the
//! dialer's configuration with the field of any mistake named.

use dialer::config::CampaignConfig;
use dialer::disposition::{DispositionCode, DispositionEffect};
use model::customer::RecordEffect;
use model::ids::CampaignId;
use model::outbound::DialMode;
use serde::{Deserialize, Serialize};

use crate::error::TenantError;

fn default_mode() -> String {
    "progressive".into()
}

/// A campaign's settings as the API takes them (JSON). The rest of the
/// dialer's configuration keeps its defaults: one list, the default
/// disposition codes (`sale`, `promise`, `refusal`, `do_not_call`,
/// `wrong_number`, `new_number`, `callback`, `interested`, `annoyed`),
/// calling windows by the callee's country (US 08–21, Spain 09–21 Monday to
/// Friday, UK 08–21, others 09–20 weekdays), retries, attempt caps, and
/// abandon alert and target below the cap.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct CampaignDoc {
    /// `preview`, `progressive` (default), `power` or `predictive`.
    #[serde(default = "default_mode")]
    pub mode: String,
    /// Power mode: lines per free agent (1.0–10.0; default 1.5).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ratio: Option<f64>,
    /// The routing queue answered calls belong to (reports, wrap-up, script).
    pub queue: String,
    /// The team whose members take the campaign's calls.
    pub team: String,
    /// The number the callee sees (E.164).
    pub caller_id: String,
    /// Calling code for numbers given in national form (default 1).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub country_code: Option<u16>,
    /// The campaign's own zone (the per-day abandon rate's calendar; callbacks
    /// of contacts whose zone is unknown). Default America/New_York.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub time_zone: Option<String>,
    /// Seconds a call rings before "no answer" (15–120; default 25).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ring_timeout_s: Option<u64>,
    /// The abandon-rate cap (at most the legal 0.03, the default).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_abandon_rate: Option<f64>,
    /// Preview mode: seconds the agent has before the call is placed (default 15).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub preview_countdown_s: Option<u64>,
    /// If set, every number needs recorded consent for this purpose.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub consent_purpose: Option<String>,
    /// Calling windows for countries without a legal one (ISO code → local
    /// `HH:MM-HH:MM`, every day): `{"GB": "09:00-20:00"}`. The United
    /// States, Canada, Puerto Rico and Spain keep their legal windows.
    #[serde(default, skip_serializing_if = "std::collections::BTreeMap::is_empty")]
    pub windows: std::collections::BTreeMap<String, String>,
    /// The campaign's own disposition codes (else the default set), each
    /// with what it does to the contact and to the customer's record.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub dispositions: Vec<DispositionDoc>,
}

/// A campaign's disposition code as the API takes it:
/// `{"code": "left_company", "effects": ["mark_phone_invalid"], "record":
/// ["phone_invalid", "moved"]}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct DispositionDoc {
    /// The code agents pick (`[a-z0-9_-]`, at most 32 bytes).
    pub code: String,
    /// What it does to the contact: `final`, `opt_out`,
    /// `mark_phone_invalid`, `add_phone`, `schedule_callback`, `history`
    /// (none: closed as reached with the code as its reason).
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Vec<String>))]
    pub effects: Vec<DispositionEffect>,
    /// What it does to the customer's record: `phone_invalid`, `add_phone`,
    /// `withdraw_calls`, `deceased`, `moved`, `not_the_person`.
    #[serde(default)]
    pub record: Vec<RecordEffect>,
}

impl DispositionDoc {
    /// The dialer's code, or an error naming the field.
    fn compile(&self, i: usize) -> Result<DispositionCode, TenantError> {
        let field = |f: &str| format!("dispositions[{i}].{f}");
        let c = &self.code;
        let valid = model::name::is_slug(c, dialer::disposition::CODE_LEN_MAX);
        if !valid {
            return Err(TenantError::field(
                &field("code"),
                format!("{c:?} is not a code: 1 to 32 of a-z, 0-9, _ and -"),
            ));
        }
        let adds = self.record.contains(&RecordEffect::AddPhone);
        if adds != self.effects.contains(&DispositionEffect::AddPhone) {
            return Err(TenantError::field(
                &field("record"),
                "add_phone goes in both effects and record (the agent gives the number once)",
            ));
        }
        let stops = self.record.iter().any(|e| e.stops_calls());
        if stops && !self.effects.contains(&DispositionEffect::OptOut) {
            return Err(TenantError::field(
                &field("effects"),
                "a code that withdraws calls on the record must opt the contact out (opt_out)",
            ));
        }
        Ok(DispositionCode::new(c, &self.effects).on_record(&self.record))
    }
}

/// `HH:MM` as minutes after midnight (`24:00` allowed as an end).
fn minutes(s: &str) -> Option<u16> {
    let (h, m) = s.trim().split_once(':')?;
    let (h, m): (u16, u16) = (h.parse().ok()?, m.parse().ok()?);
    (m < 60 && (h < 24 || (h == 24 && m == 0))).then_some(h * 60 + m)
}

impl CampaignDoc {
    /// The dialer's configuration, or an error naming the field.
    pub fn compile(&self, id: u32, name: &str) -> Result<CampaignConfig, TenantError> {
        let mode: DialMode = self
            .mode
            .parse()
            .map_err(|e: model::ParseError| TenantError::field("mode", e))?;
        let cc = self.country_code.unwrap_or(1);
        let caller_id = dialer::consent::to_e164(&self.caller_id, cc).ok_or_else(|| {
            TenantError::field(
                "caller_id",
                format!("{:?} is not a phone number", self.caller_id),
            )
        })?;
        let mut cfg = CampaignConfig::new(CampaignId(id), name, mode, caller_id);
        cfg.default_country_code = cc;
        if let Some(r) = self.ratio {
            cfg.ratio = r;
        }
        if let Some(tz) = &self.time_zone {
            cfg.home_tz = tz.parse().map_err(|_| {
                TenantError::field("time_zone", format!("{tz:?} is not an IANA time zone"))
            })?;
        }
        if let Some(s) = self.ring_timeout_s {
            cfg.ring_timeout_ms = s.saturating_mul(1000);
        }
        if let Some(cap) = self.max_abandon_rate {
            // Alert and target keep their distance below a lower cap.
            cfg.abandon.max_rate = cap;
            cfg.abandon.alert_rate = cfg.abandon.alert_rate.min(cap * 5.0 / 6.0);
            cfg.abandon.target_rate = cfg.abandon.target_rate.min(cap * 2.0 / 3.0);
        }
        if let Some(s) = self.preview_countdown_s {
            cfg.preview_countdown_ms = s.saturating_mul(1000);
        }
        cfg.consent_purpose = self.consent_purpose.as_deref().map(Into::into);
        for (code, hours) in &self.windows {
            let field = format!("windows.{code}");
            let country = dialer::zone::Country::parse(code)
                .ok_or_else(|| TenantError::field(&field, "not an ISO country code"))?;
            if ["US", "CA", "PR", "ES"].contains(&country.as_str()) {
                return Err(TenantError::field(
                    &field,
                    "this country's calling window is set by law and cannot be changed",
                ));
            }
            let (start, end) = hours
                .split_once('-')
                .and_then(|(a, b)| Some((minutes(a)?, minutes(b)?)))
                .filter(|(a, b)| a < b)
                .ok_or_else(|| {
                    TenantError::field(
                        &field,
                        format!("{hours:?} is not HH:MM-HH:MM, start before end"),
                    )
                })?;
            let day = Some(dialer::window::DayHours {
                start_min: start,
                end_min: end,
            });
            let window = dialer::window::CallingWindow {
                days: [day; 7],
                closed_on_holidays: false,
            };
            cfg.windows.by_country.retain(|(c, _)| *c != country);
            cfg.windows.by_country.push((country, window));
        }
        if !self.dispositions.is_empty() {
            if self.dispositions.len() > dialer::disposition::CODES_MAX {
                return Err(TenantError::field("dispositions", "at most 64 codes"));
            }
            cfg.dispositions = (self.dispositions.iter().enumerate())
                .map(|(i, d)| d.compile(i))
                .collect::<Result<_, _>>()?;
        }
        cfg.agent_group = self.team.as_str().into();
        cfg.validate().map_err(|e| {
            let field = match &e {
                dialer::config::ConfigError::Name => "name",
                dialer::config::ConfigError::Ratio(_) => "ratio",
                dialer::config::ConfigError::RingTimeout(_) => "ring_timeout_s",
                dialer::config::ConfigError::AbandonRate { .. } => "max_abandon_rate",
                dialer::config::ConfigError::Countdown(_) => "preview_countdown_s",
                dialer::config::ConfigError::CallerId(_) => "caller_id",
                dialer::config::ConfigError::ConsentPurpose => "consent_purpose",
                dialer::config::ConfigError::Disposition(_) => "dispositions",
                _ => "campaign",
            };
            TenantError::field(field, e)
        })?;
        Ok(cfg)
    }
}

//! A tenant's own calendar: its time zone and its holidays, which routing
//! plans, campaigns and case timers refer to ("today", "a working day").
//!
//! The server keeps it as the settings document named [`NAME`] (JSON,
//! `{"time_zone": "Europe/Madrid", "holidays": [{"date": "2026-12-25",
//! "name": "Christmas"}]}`); [`TenantSettings::parse`] is the one check it
//! passes, at the API's edge, and [`TenantSettings`] is the parsed form the
//! rules use. A tenant that never set one has [`TenantSettings::default`]:
//! UTC and no holidays. Pure: the instant to place in a day is an argument.

use std::collections::BTreeMap;
use std::fmt;

use chrono::{DateTime, LocalResult, NaiveDate, NaiveDateTime, TimeZone};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};

use crate::sign_in::{Oidc, OidcDoc, TwoFactor};

/// The settings document's name.
pub const NAME: &str = "tenant";
/// Most holidays in a calendar (five years of every day).
pub const HOLIDAYS_MAX: usize = 366 * 5;
/// Longest holiday name, in bytes.
pub const HOLIDAY_NAME_MAX: usize = 64;

/// A holiday as written in the document.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct HolidayDoc {
    /// `YYYY-MM-DD`, a day in the tenant's zone.
    pub date: String,
    /// What it is called, if anything.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
}

/// The document as sent and stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct TenantSettingsDoc {
    /// An IANA zone name (`Europe/Madrid`).
    #[serde(default = "utc_name")]
    pub time_zone: String,
    /// The holidays.
    #[serde(default)]
    pub holidays: Vec<HolidayDoc>,
    /// Single sign-on with an OpenID Connect provider ([`crate::sign_in`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub oidc: Option<OidcDoc>,
    /// Whether admins and supervisors must use a second factor.
    #[serde(default, skip_serializing_if = "TwoFactor::is_optional")]
    pub two_factor: TwoFactor,
    /// Calls to one person across every campaign (default 4 a day, 7 in 7
    /// days).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub calls_per_person: Option<PersonCallsDoc>,
    /// Days a customer record may go without activity (no contact, no
    /// change) before it and its recordings are erased; none: kept.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub customer_retention_days: Option<u32>,
}

/// Longest customer retention accepted (100 years): a bigger number is a typo.
pub const CUSTOMER_RETENTION_DAYS_MAX: u32 = 36_500;

/// The caps on calls to one person across every campaign.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct PersonCallsDoc {
    /// Per calendar day in the person's zone (1–50).
    pub day: u32,
    /// Per rolling 7 days (1–100, at least `day`).
    pub week: u32,
}

fn utc_name() -> String {
    "UTC".to_string()
}

/// A mistake in the document: the field it concerns and what is wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SettingsError {
    /// The field's path (`time_zone`, `holidays[3].date`).
    pub field: String,
    /// What is wrong with it.
    pub message: String,
}

impl fmt::Display for SettingsError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.field, self.message)
    }
}

impl std::error::Error for SettingsError {}

fn err(field: impl Into<String>, message: impl Into<String>) -> SettingsError {
    SettingsError {
        field: field.into(),
        message: message.into(),
    }
}

/// A tenant's time zone and holidays, checked.
#[derive(Debug, Clone, PartialEq)]
pub struct TenantSettings {
    /// The zone its days, hours and holidays are in.
    pub time_zone: Tz,
    /// The holidays by date, each with its name if it has one.
    holidays: BTreeMap<NaiveDate, Option<String>>,
    /// Single sign-on, if set up.
    pub oidc: Option<Oidc>,
    /// Whether admins and supervisors must use a second factor.
    pub two_factor: TwoFactor,
    /// Calls to one person across every campaign (none: the dialer's
    /// default).
    pub calls_per_person: Option<PersonCallsDoc>,
    /// Days without activity before a customer is erased (none: kept).
    pub customer_retention_days: Option<u32>,
}

impl Default for TenantSettings {
    fn default() -> Self {
        TenantSettings {
            time_zone: Tz::UTC,
            holidays: BTreeMap::new(),
            oidc: None,
            two_factor: TwoFactor::Optional,
            calls_per_person: None,
            customer_retention_days: None,
        }
    }
}

fn check_person_calls(c: PersonCallsDoc) -> Result<PersonCallsDoc, SettingsError> {
    if !(1..=50).contains(&c.day) {
        return Err(err("calls_per_person.day", "1 to 50"));
    }
    if !(c.day..=100).contains(&c.week) {
        return Err(err(
            "calls_per_person.week",
            "at least the day's cap, at most 100",
        ));
    }
    Ok(c)
}

impl TenantSettings {
    /// The dialer's caps on calls to one person across campaigns.
    pub fn person_caps(&self) -> dialer::config::PersonCaps {
        self.calls_per_person
            .map(|c| dialer::config::PersonCaps {
                day: c.day,
                week: c.week,
            })
            .unwrap_or_default()
    }
}

/// Parses `YYYY-MM-DD` exactly (four-digit year, two-digit month and day).
pub fn parse_date(s: &str) -> Result<NaiveDate, String> {
    let b = s.as_bytes();
    let shape = b.len() == 10
        && b[4] == b'-'
        && b[7] == b'-'
        && b.iter()
            .enumerate()
            .all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit());
    if !shape {
        return Err(format!("{s:?} is not a date written YYYY-MM-DD"));
    }
    NaiveDate::parse_from_str(s, "%Y-%m-%d").map_err(|_| format!("{s:?} is not a day that exists"))
}

fn check_name(field: &str, name: &str) -> Result<(), SettingsError> {
    if name.len() > HOLIDAY_NAME_MAX {
        return Err(err(
            field,
            format!("at most {HOLIDAY_NAME_MAX} bytes, got {}", name.len()),
        ));
    }
    if name.chars().any(char::is_control) {
        return Err(err(field, "no control characters"));
    }
    Ok(())
}

impl TenantSettings {
    /// Parses and checks a JSON document; a mistake names its field.
    pub fn parse(json: &str) -> Result<TenantSettings, SettingsError> {
        let de = &mut serde_json::Deserializer::from_str(json);
        let doc: TenantSettingsDoc =
            serde::Deserialize::deserialize(de).map_err(|e| err("settings", e.to_string()))?;
        TenantSettings::from_doc(&doc)
    }

    /// Checks a document (the `oidc` section by [`Oidc::from_doc`]): a known zone, dates `YYYY-MM-DD` that exist, each
    /// at most once, at most [`HOLIDAYS_MAX`] of them, names of at most
    /// [`HOLIDAY_NAME_MAX`] bytes (an empty name is no name).
    pub fn from_doc(doc: &TenantSettingsDoc) -> Result<TenantSettings, SettingsError> {
        let time_zone = doc.time_zone.parse::<Tz>().map_err(|_| {
            err(
                "time_zone",
                format!("{:?} is not an IANA time zone name", doc.time_zone),
            )
        })?;
        if doc.holidays.len() > HOLIDAYS_MAX {
            return Err(err(
                "holidays",
                format!("at most {HOLIDAYS_MAX}, got {}", doc.holidays.len()),
            ));
        }
        let mut holidays = BTreeMap::new();
        for (i, h) in doc.holidays.iter().enumerate() {
            let date = parse_date(&h.date).map_err(|m| err(format!("holidays[{i}].date"), m))?;
            let name = h.name.as_deref().map(str::trim).filter(|n| !n.is_empty());
            if let Some(n) = name {
                check_name(&format!("holidays[{i}].name"), n)?;
            }
            if holidays.insert(date, name.map(str::to_string)).is_some() {
                return Err(err(
                    format!("holidays[{i}].date"),
                    format!("{date} is listed twice"),
                ));
            }
        }
        Ok(TenantSettings {
            time_zone,
            holidays,
            oidc: doc.oidc.as_ref().map(Oidc::from_doc).transpose()?,
            two_factor: doc.two_factor,
            calls_per_person: doc.calls_per_person.map(check_person_calls).transpose()?,
            customer_retention_days: match doc.customer_retention_days {
                Some(d) if d == 0 || d > CUSTOMER_RETENTION_DAYS_MAX => {
                    return Err(err(
                        "customer_retention_days",
                        format!(
                            "1 to {CUSTOMER_RETENTION_DAYS_MAX} (leave it out to keep customers)"
                        ),
                    ));
                }
                d => d,
            },
        })
    }

    /// The document that says the same, holidays in date order.
    pub fn to_doc(&self) -> TenantSettingsDoc {
        TenantSettingsDoc {
            time_zone: self.time_zone.name().to_string(),
            holidays: self
                .holidays
                .iter()
                .map(|(d, n)| HolidayDoc {
                    date: d.format("%Y-%m-%d").to_string(),
                    name: n.clone(),
                })
                .collect(),
            oidc: self.oidc.as_ref().map(Oidc::to_doc),
            two_factor: self.two_factor,
            calls_per_person: self.calls_per_person,
            customer_retention_days: self.customer_retention_days,
        }
    }

    /// The document as shown to users: no secret in it.
    pub fn to_public_doc(&self) -> TenantSettingsDoc {
        TenantSettingsDoc {
            oidc: self.oidc.as_ref().map(Oidc::to_public_doc),
            ..self.to_doc()
        }
    }

    /// The document as stored: compact JSON, holidays in date order.
    pub fn to_json(&self) -> String {
        serde_json::to_string(&self.to_doc()).unwrap_or_default()
    }

    /// The holidays in date order, with their names.
    pub fn holidays(&self) -> impl Iterator<Item = (NaiveDate, Option<&str>)> {
        self.holidays.iter().map(|(d, n)| (*d, n.as_deref()))
    }

    /// Whether a date (in the tenant's zone) is a holiday.
    pub fn is_holiday(&self, date: NaiveDate) -> bool {
        self.holidays.contains_key(&date)
    }

    /// The date in the tenant's zone at a Unix instant in milliseconds.
    pub fn date_of(&self, instant_ms: i64) -> NaiveDate {
        DateTime::from_timestamp_millis(instant_ms)
            .unwrap_or_default()
            .with_timezone(&self.time_zone)
            .date_naive()
    }

    /// The first instant (Unix milliseconds) of the tenant's day that holds
    /// `instant_ms`: midnight in its zone, or, where the clocks skip
    /// midnight, the first minute that exists; where midnight happens
    /// twice, the first.
    pub fn day_start(&self, instant_ms: i64) -> i64 {
        let midnight = self.date_of(instant_ms).and_time(chrono::NaiveTime::MIN);
        first_local(self.time_zone, midnight).unwrap_or(instant_ms - instant_ms.rem_euclid(DAY_MS))
    }
}

/// A day, in milliseconds.
const DAY_MS: i64 = 24 * 3600 * 1000;

/// The first instant at or after a local time that exists in `tz`, within a day.
fn first_local(tz: Tz, local: NaiveDateTime) -> Option<i64> {
    (0..=24 * 60).find_map(|minute| {
        match tz.from_local_datetime(&(local + chrono::Duration::minutes(minute))) {
            LocalResult::Single(t) => Some(t.timestamp_millis()),
            LocalResult::Ambiguous(first, _) => Some(first.timestamp_millis()),
            LocalResult::None => None,
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ms(s: &str) -> i64 {
        DateTime::parse_from_rfc3339(s).unwrap().timestamp_millis()
    }

    #[test]
    fn a_tenant_without_settings_is_on_utc_with_no_holidays() {
        let s = TenantSettings::parse("{}").unwrap();
        assert_eq!(s, TenantSettings::default());
        assert_eq!(
            s.day_start(ms("2026-03-10T15:20:00Z")),
            ms("2026-03-10T00:00:00Z")
        );
    }

    #[test]
    fn the_day_starts_at_midnight_in_the_tenants_zone() {
        let s = TenantSettings::parse(r#"{"time_zone": "Europe/Madrid"}"#).unwrap();
        // 00:30 in Madrid (winter, UTC+1) is still the 9th in UTC.
        assert_eq!(
            s.day_start(ms("2026-01-09T23:30:00Z")),
            ms("2026-01-09T23:00:00Z")
        );
        // Summer (UTC+2), and the day the clocks go forward (2026-03-29).
        assert_eq!(
            s.day_start(ms("2026-07-01T12:00:00Z")),
            ms("2026-06-30T22:00:00Z")
        );
        assert_eq!(
            s.day_start(ms("2026-03-29T20:00:00Z")),
            ms("2026-03-28T23:00:00Z")
        );
        let ny = TenantSettings::parse(r#"{"time_zone": "America/New_York"}"#).unwrap();
        assert_eq!(
            ny.day_start(ms("2026-01-10T03:00:00Z")),
            ms("2026-01-09T05:00:00Z")
        );
    }

    #[test]
    fn where_clocks_skip_midnight_the_day_starts_at_the_first_minute_that_exists() {
        // Santiago de Chile went from 00:00 to 01:00 on 2026-09-06.
        let s = TenantSettings::parse(r#"{"time_zone": "America/Santiago"}"#).unwrap();
        assert_eq!(
            s.day_start(ms("2026-09-06T15:00:00Z")),
            ms("2026-09-06T04:00:00Z")
        );
        assert_eq!(
            s.date_of(ms("2026-09-06T04:00:00Z")).to_string(),
            "2026-09-06"
        );
    }

    #[test]
    fn holidays_are_sorted_and_checked() {
        let s = TenantSettings::parse(
            r#"{"time_zone": "Europe/Madrid", "holidays": [{"date": "2026-12-25", "name": "Christmas"}, {"date": "2026-01-06", "name": ""}]}"#,
        )
        .unwrap();
        let d = |s: &str| parse_date(s).unwrap();
        assert!(s.is_holiday(d("2026-12-25")) && s.is_holiday(d("2026-01-06")));
        assert!(!s.is_holiday(d("2026-12-24")));
        assert_eq!(
            s.to_json(),
            r#"{"time_zone":"Europe/Madrid","holidays":[{"date":"2026-01-06"},{"date":"2026-12-25","name":"Christmas"}]}"#
        );
        assert_eq!(TenantSettings::parse(&s.to_json()).unwrap(), s);
    }

    #[test]
    fn each_mistake_names_its_field() {
        let field = |json: &str| TenantSettings::parse(json).unwrap_err().field;
        assert_eq!(field(r#"{"time_zone": "Mars/Olympus"}"#), "time_zone");
        assert_eq!(
            field(r#"{"holidays": [{"date": "2026-1-5"}]}"#),
            "holidays[0].date"
        );
        assert_eq!(
            field(r#"{"holidays": [{"date": "2026-02-30"}]}"#),
            "holidays[0].date"
        );
        let long = "x".repeat(HOLIDAY_NAME_MAX + 1);
        let doc = format!(r#"{{"holidays": [{{"date": "2026-01-01", "name": "{long}"}}]}}"#);
        assert_eq!(field(&doc), "holidays[0].name");
        let twice = r#"{"holidays": [{"date": "2026-01-01"}, {"date": "2026-01-01"}]}"#;
        assert_eq!(field(twice), "holidays[1].date");
        assert_eq!(field(r#"{"zone": "UTC"}"#), "settings");
        let many: Vec<String> = (0..=HOLIDAYS_MAX)
            .map(|i| {
                let d = parse_date("2020-01-01").unwrap() + chrono::Duration::days(i as i64);
                format!(r#"{{"date": "{d}"}}"#)
            })
            .collect();
        assert_eq!(
            field(&format!(r#"{{"holidays": [{}]}}"#, many.join(","))),
            "holidays"
        );
    }

    #[test]
    fn calls_per_person_are_checked_and_reach_the_dialer() {
        let s = TenantSettings::parse(r#"{"calls_per_person": {"day": 2, "week": 5}}"#).unwrap();
        assert_eq!(
            s.person_caps(),
            dialer::config::PersonCaps { day: 2, week: 5 }
        );
        assert_eq!(TenantSettings::parse(&s.to_json()).unwrap(), s);
        assert_eq!(TenantSettings::default().person_caps(), Default::default());
        for (doc, field) in [
            (
                r#"{"calls_per_person": {"day": 0, "week": 5}}"#,
                "calls_per_person.day",
            ),
            (
                r#"{"calls_per_person": {"day": 6, "week": 5}}"#,
                "calls_per_person.week",
            ),
        ] {
            assert_eq!(TenantSettings::parse(doc).unwrap_err().field, field);
        }
    }
}

//! Administration: the tenant's time zone and holiday calendar (the
//! `tenant` settings document, `center::settings`). The form sends the
//! zone and the holidays one a line (`2026-12-25 Christmas`; the name is
//! optional) through the same check as `PUT /api/v1/settings/tenant`; a
//! mistake is shown next to its field, naming the line, and nothing is
//! saved. Saved, the form shows the calendar as stored (in date order).
//! The form is a maud template.

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use center::settings::{HolidayDoc, SettingsError, TenantSettings, TenantSettingsDoc};
use serde::Deserialize;

use super::{Ctx, Markup, UiForm, html, markup_response};
use crate::AppState;
use crate::auth::Principal;
use crate::error::ApiResult;
use crate::routes::settings as api;

/// The form as sent.
#[derive(Debug, Deserialize)]
pub struct CalendarForm {
    /// The zone's IANA name.
    #[serde(default)]
    pub time_zone: String,
    /// `YYYY-MM-DD name`, one a line.
    #[serde(default)]
    pub holidays: String,
}

/// What the form shows: the values, and a message for one field.
struct View<'a> {
    time_zone: &'a str,
    holidays: &'a str,
    zone_error: Option<String>,
    holidays_error: Option<String>,
    saved: bool,
}

/// The holidays one a line, as the form writes them.
fn lines_of(s: &TenantSettings) -> String {
    s.holidays()
        .map(|(date, name)| match name {
            Some(n) => format!("{date} {n}\n"),
            None => format!("{date}\n"),
        })
        .collect()
}

/// Reads the textarea: each non-empty line a date, then (after a space or
/// a comma) its name. Returns the holidays and each one's line number.
fn parse_lines(text: &str) -> (Vec<HolidayDoc>, Vec<usize>) {
    let mut docs = Vec::new();
    let mut lines = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() {
            continue;
        }
        let (date, name) = line
            .split_once(|c: char| c.is_whitespace() || c == ',')
            .unwrap_or((line, ""));
        let name = name.trim().trim_start_matches(',').trim();
        docs.push(HolidayDoc {
            date: date.to_string(),
            name: (!name.is_empty()).then(|| name.to_string()),
        });
        lines.push(i + 1);
    }
    (docs, lines)
}

/// The checker's message for the form: `holidays[3].date: …` becomes `line 5: …`.
fn form_message(e: &SettingsError, lines: &[usize]) -> String {
    let index = e
        .field
        .strip_prefix("holidays[")
        .and_then(|r| r.split(']').next())
        .and_then(|i| i.parse::<usize>().ok());
    match index.and_then(|i| lines.get(i)) {
        Some(line) => format!("line {line}: {}", e.message),
        None => e.to_string(),
    }
}

/// A field's message line (empty but for a mistake).
fn error_p(id: &str, msg: &Option<String>) -> Markup {
    html! {
        p id=(id) class="field-msg" aria-live="polite" {
            @if let Some(m) = msg { span.error { (m) } }
        }
    }
}

fn calendar_form(ctx: &Ctx, v: &View<'_>) -> Markup {
    html! {
        form id="tenant-box" class="stack" hx-post="/ui/admin/tenant" hx-target="this"
            hx-swap="outerHTML" {
            label for="tenant-tz" { (ctx.t("tenant-time-zone")) }
            input id="tenant-tz" name="time_zone" value=(v.time_zone) list="tz-list"
                maxlength="64" required aria-describedby="tenant-tz-msg";
            (error_p("tenant-tz-msg", &v.zone_error))
            label for="tenant-holidays" { (ctx.t("tenant-holidays")) }
            textarea id="tenant-holidays" name="holidays" class="code" rows="8" spellcheck="false"
                placeholder=(ctx.t("placeholder-holiday"))
                aria-describedby="tenant-holidays-hint tenant-holidays-msg" { (v.holidays) }
            p.hint #tenant-holidays-hint { (ctx.t("tenant-holidays-hint")) }
            (error_p("tenant-holidays-msg", &v.holidays_error))
            p #tenant-msg aria-live="polite" {
                @if v.saved { span.ok { (ctx.t("saved")) } }
            }
            .row { button type="submit" { (ctx.t("save")) } }
        }
    }
}

/// The section of the administration page.
pub async fn section(st: &AppState, ctx: &Ctx) -> ApiResult<Markup> {
    let s = api::tenant_settings(st, ctx.p.tenant()?).await?;
    let lines = lines_of(&s);
    let view = View {
        time_zone: s.time_zone.name(),
        holidays: &lines,
        zone_error: None,
        holidays_error: None,
        saved: false,
    };
    Ok(html! {
        section.card aria-labelledby="tenant-h" {
            h2 #tenant-h { (ctx.t("tenant-settings")) }
            p.hint { (ctx.t("tenant-settings-hint")) }
            (calendar_form(ctx, &view))
        }
    })
}

/// `POST /ui/admin/tenant`.
pub async fn save(
    State(st): State<AppState>,
    p: Principal,
    headers: HeaderMap,
    UiForm(f): UiForm<CalendarForm>,
) -> ApiResult<Response> {
    let ctx = Ctx::new(&st, p, &headers).await?;
    let t = ctx.p.tenant()?.clone();
    let (holidays, lines) = parse_lines(&f.holidays);
    // The calendar form changes the calendar only: sign-in settings stay.
    let doc = TenantSettingsDoc {
        time_zone: f.time_zone.trim().to_string(),
        holidays,
        ..api::tenant_settings(&st, &t).await?.to_doc()
    };
    match TenantSettings::from_doc(&doc) {
        Ok(s) => {
            api::save(&st, &t, &s).await?;
            let on = Some("settings:tenant".to_string());
            crate::audit::record(&st, &ctx.p, crate::audit::AuditAction::SettingsReplaced, on)
                .await?;
            let stored = lines_of(&s);
            let view = View {
                time_zone: s.time_zone.name(),
                holidays: &stored,
                zone_error: None,
                holidays_error: None,
                saved: true,
            };
            Ok(markup_response(calendar_form(&ctx, &view)))
        }
        Err(e) => {
            let msg = Some(form_message(&e, &lines));
            let zone = e.field == "time_zone";
            let view = View {
                time_zone: &f.time_zone,
                holidays: &f.holidays,
                zone_error: if zone { msg.clone() } else { None },
                holidays_error: if zone { None } else { msg },
                saved: false,
            };
            let mut r = markup_response(calendar_form(&ctx, &view));
            *r.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
            Ok(r)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_are_read_with_or_without_a_name_and_mistakes_name_the_line() {
        let (docs, lines) =
            parse_lines("2026-12-25 Christmas Day\n\n2026-01-06, Epiphany\n2026-05-01\n");
        assert_eq!(docs.len(), 3);
        assert_eq!(docs[0].name.as_deref(), Some("Christmas Day"));
        assert_eq!(docs[1].name.as_deref(), Some("Epiphany"));
        assert_eq!(docs[2].name, None);
        assert_eq!(lines, vec![1, 3, 4]);
        let (docs, lines) = parse_lines("2026-12-25\n\n2026-13-01 Nope");
        let e = TenantSettings::from_doc(&TenantSettingsDoc {
            time_zone: "UTC".into(),
            holidays: docs,
            oidc: None,
            two_factor: Default::default(),
            calls_per_person: None,
            customer_retention_days: None,
        })
        .unwrap_err();
        assert!(form_message(&e, &lines).starts_with("line 3: "), "{e}");
    }
}

//! Administration: the tenant's time zone and holiday calendar (the
//! `tenant` settings document, `center::settings`). The form sends the
//! zone and the holidays one a line (`2026-12-25 Christmas`; the name is
//! optional) through the same check as `PUT /api/v1/settings/tenant`; a
//! mistake is shown next to its field, naming the line, and nothing is
//! saved. Saved, the form shows the calendar as stored (in date order).

use std::fmt::Write as _;

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use center::settings::{HolidayDoc, SettingsError, TenantSettings, TenantSettingsDoc};
use serde::Deserialize;

use super::{Ctx, UiForm, esc, html_response};
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
    let mut out = String::new();
    for (date, name) in s.holidays() {
        let _ = writeln!(
            out,
            "{date}{}",
            name.map(|n| format!(" {n}")).unwrap_or_default()
        );
    }
    out
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

fn error_p(id: &str, msg: &Option<String>) -> String {
    format!(
        "<p id=\"{id}\" class=\"field-msg\" aria-live=\"polite\">{}</p>",
        msg.as_deref()
            .map(|m| format!("<span class=\"error\">{}</span>", esc(m)))
            .unwrap_or_default()
    )
}

fn form_html(ctx: &Ctx, v: &View<'_>) -> String {
    let status = if v.saved {
        format!("<span class=\"ok\">{}</span>", ctx.te("saved"))
    } else {
        String::new()
    };
    format!(
        "<form id=\"tenant-box\" class=\"stack\" hx-post=\"/ui/admin/tenant\" hx-target=\"this\" hx-swap=\"outerHTML\">\
<label for=\"tenant-tz\">{zone_l}</label>\
<input id=\"tenant-tz\" name=\"time_zone\" value=\"{zone}\" list=\"tz-list\" maxlength=\"64\" required aria-describedby=\"tenant-tz-msg\">{zone_msg}\
<label for=\"tenant-holidays\">{hol_l}</label>\
<textarea id=\"tenant-holidays\" name=\"holidays\" class=\"code\" rows=\"8\" spellcheck=\"false\" placeholder=\"2026-12-25 Christmas\" aria-describedby=\"tenant-holidays-hint tenant-holidays-msg\">{hol}</textarea>\
<p class=\"hint\" id=\"tenant-holidays-hint\">{hol_hint}</p>{hol_msg}\
<p id=\"tenant-msg\" aria-live=\"polite\">{status}</p><div class=\"row\"><button type=\"submit\">{save}</button></div></form>",
        zone_l = ctx.te("tenant-time-zone"),
        zone = esc(v.time_zone),
        zone_msg = error_p("tenant-tz-msg", &v.zone_error),
        hol_l = ctx.te("tenant-holidays"),
        hol = esc(v.holidays),
        hol_hint = ctx.te("tenant-holidays-hint"),
        hol_msg = error_p("tenant-holidays-msg", &v.holidays_error),
        save = ctx.te("save"),
    )
}

/// The section of the administration page.
pub async fn section_html(st: &AppState, ctx: &Ctx) -> ApiResult<String> {
    let s = api::tenant_settings(st, ctx.p.tenant()?).await?;
    let lines = lines_of(&s);
    let form = form_html(
        ctx,
        &View {
            time_zone: s.time_zone.name(),
            holidays: &lines,
            zone_error: None,
            holidays_error: None,
            saved: false,
        },
    );
    Ok(format!(
        "<section class=\"card\" aria-labelledby=\"tenant-h\"><h2 id=\"tenant-h\">{}</h2>\
<p class=\"hint\">{}</p>{form}</section>",
        ctx.te("tenant-settings"),
        ctx.te("tenant-settings-hint"),
    ))
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
            Ok(html_response(form_html(&ctx, &view)))
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
            let mut r = html_response(form_html(&ctx, &view));
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

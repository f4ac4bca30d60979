//! Outbound campaigns for supervisors: every campaign with its state, mode
//! and running figures (contacts closed and reached, dials, answer and
//! abandon rates), live from the dialer's facts; start, pause and stop; a
//! form to define one with its contacts pasted as lines of
//! `name, number[, number…]`; and one campaign's contacts, each with its
//! state, attempts and last outcome.

use std::fmt::Write as _;

use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::Response;
use serde::Deserialize;
use store::Tenant;

use super::follow::{Feed, Live, Page};
use super::{Ctx, UiForm, esc, html_response, layout};
use crate::AppState;
use crate::auth::Principal;
use crate::error::{ApiError, ApiResult};
use crate::perms::{Action, allowed};
use crate::routes::path_id;
use crate::tenant::{Ack, Op};
use center::outbound::{CampaignCommand, CampaignDoc, ContactReq};

/// Most contacts shown on a campaign's page.
const CONTACTS_SHOWN: i64 = 200;

fn rate(num: i64, den: i64, lang: i18n::Lang) -> String {
    if den == 0 {
        "—".into()
    } else {
        i18n::percent(lang, num as f64 / den as f64, 1)
    }
}

/// The campaigns table.
async fn list_html(st: &AppState, ctx: &Ctx, t: &Tenant) -> ApiResult<String> {
    let campaigns = st.store.campaigns(t).await?;
    if campaigns.is_empty() {
        return Ok(format!("<p class=\"hint\">{}</p>", ctx.te("no-campaigns")));
    }
    let manage = allowed(ctx.p.role, Action::CampaignsManage);
    let mut s = format!(
        "<table><thead><tr><th scope=\"col\">{}</th><th scope=\"col\">{}</th><th scope=\"col\">{}</th>\
<th scope=\"col\">{}</th><th scope=\"col\">{}</th><th scope=\"col\">{}</th><th scope=\"col\">{}</th>\
<th scope=\"col\">{}</th><th scope=\"col\">{}</th></tr></thead><tbody>",
        ctx.te("campaign"),
        ctx.te("campaign-mode"),
        ctx.te("state"),
        ctx.te("campaign-contacts-closed"),
        ctx.te("campaign-reached"),
        ctx.te("campaign-dials"),
        ctx.te("campaign-answer-rate"),
        ctx.te("campaign-abandon-rate"),
        ctx.te("edit"),
    );
    for c in &campaigns {
        let mode = serde_json::from_str::<CampaignDoc>(&c.document)
            .map(|d| d.mode)
            .unwrap_or_default();
        let mut actions = String::new();
        if manage {
            use model::outbound::CampaignState as C;
            let buttons: &[(&str, &str)] = match c.state {
                C::Ready | C::Paused => &[("start", "campaign-start"), ("stop", "campaign-stop")],
                C::Running => &[("pause", "campaign-pause"), ("stop", "campaign-stop")],
                C::Stopped | C::Finished => &[],
            };
            for (cmd, label) in buttons {
                let confirm = if *cmd == "stop" {
                    format!(" hx-confirm=\"{}\"", ctx.te("campaign-stop-confirm"))
                } else {
                    String::new()
                };
                let _ = write!(
                    actions,
                    "<button type=\"button\" hx-post=\"/ui/campaigns/{id}/{cmd}\" hx-target=\"#campaigns\"{confirm}>{label} <span class=\"sr\">{name}</span></button> ",
                    id = c.id,
                    label = ctx.te(label),
                    name = esc(&c.name),
                );
            }
        }
        let _ = write!(
            s,
            "<tr data-campaign=\"{name}\"><td><a href=\"/ui/campaigns/{id}\">{name}</a></td><td>{mode}</td>\
<td class=\"state\" data-state=\"{state_raw}\">{state}</td><td>{closed} / {contacts}</td><td>{reached}</td><td>{dials}</td>\
<td>{answer}</td><td>{abandon}</td><td>{actions}</td></tr>",
            id = c.id,
            name = esc(&c.name),
            mode = ctx.te(&format!("campaign-mode-{}", esc(&mode))),
            state_raw = c.state.as_str(),
            state = ctx.te(&format!("campaign-state-{}", c.state.as_str())),
            closed = c.closed,
            contacts = c.contacts,
            reached = c.reached,
            dials = c.dials,
            answer = rate(c.live_answers, c.dials, ctx.lang),
            abandon = rate(c.abandoned, c.live_answers, ctx.lang),
        );
    }
    s.push_str("</tbody></table>");
    Ok(s)
}

/// The form that defines a campaign.
async fn new_form(st: &AppState, ctx: &Ctx) -> ApiResult<String> {
    let queues = match st
        .hub
        .tenant(ctx.p.tenant()?)
        .await?
        .call(Op::Queues)
        .await?
    {
        Ack::Queues(q) => q,
        _ => Vec::new(),
    };
    let mut qopts = String::new();
    for q in &queues {
        let _ = write!(
            qopts,
            "<option value=\"{n}\">{n}</option>",
            n = esc(&q.name)
        );
    }
    let mut modes = String::new();
    for m in ["progressive", "predictive", "power", "preview"] {
        let _ = write!(
            modes,
            "<option value=\"{m}\">{}</option>",
            ctx.te(&format!("campaign-mode-{m}"))
        );
    }
    Ok(format!(
        "<details><summary>{new}</summary>\
<form class=\"stack\" hx-post=\"/ui/campaigns\" hx-target=\"#campaigns\" data-reset>\
<label for=\"c-name\">{name_l}</label><input id=\"c-name\" name=\"name\" required maxlength=\"64\">\
<label for=\"c-mode\">{mode_l}</label><select id=\"c-mode\" name=\"mode\">{modes}</select>\
<label for=\"c-queue\">{queue_l}</label><select id=\"c-queue\" name=\"queue\">{qopts}</select>\
<label for=\"c-team\">{team_l}</label><input id=\"c-team\" name=\"team\" required maxlength=\"64\">\
<label for=\"c-caller\">{caller_l}</label><input id=\"c-caller\" name=\"caller_id\" required placeholder=\"+34900100300\">\
<label for=\"c-cc\">{cc_l}</label><input id=\"c-cc\" name=\"country_code\" inputmode=\"numeric\" placeholder=\"34\">\
<label for=\"c-tz\">{tz_l}</label><input id=\"c-tz\" name=\"time_zone\" list=\"tz-list\" placeholder=\"Europe/Madrid\">\
<label for=\"c-contacts\">{contacts_l}</label>\
<textarea id=\"c-contacts\" name=\"contacts\" rows=\"6\" aria-describedby=\"c-contacts-hint\"></textarea>\
<p id=\"c-contacts-hint\" class=\"hint\">{contacts_hint}</p>\
<button type=\"submit\">{create}</button></form></details>",
        new = ctx.te("campaign-new"),
        name_l = ctx.te("campaign"),
        mode_l = ctx.te("campaign-mode"),
        queue_l = ctx.te("queue"),
        team_l = ctx.te("team"),
        caller_l = ctx.te("campaign-caller-id"),
        cc_l = ctx.te("campaign-country-code"),
        tz_l = ctx.te("time-zone"),
        contacts_l = ctx.te("campaign-contacts"),
        contacts_hint = ctx.te("campaign-contacts-hint"),
        create = ctx.te("campaign-create"),
    ))
}

/// `GET /ui/campaigns`.
pub async fn page(
    State(st): State<AppState>,
    p: Principal,
    headers: HeaderMap,
) -> ApiResult<Response> {
    let ctx = Ctx::new(&st, p, &headers).await?;
    let t = ctx.p.tenant()?.clone();
    let seq = st.store.last_seq(&t).await?;
    let form = if allowed(ctx.p.role, Action::CampaignsManage) {
        new_form(&st, &ctx).await?
    } else {
        String::new()
    };
    let main = format!(
        "<div id=\"campaigns\" {live} aria-live=\"off\">{list}</div>{form}",
        live = Feed::Campaigns.attrs("/ui/campaigns/list"),
        list = list_html(&st, &ctx, &t).await?,
    );
    Ok(layout(
        &ctx,
        "campaigns-title",
        "/ui/campaigns",
        "campaigns",
        Some(Live {
            seq,
            page: Page::Campaigns,
        }),
        super::PreEscaped(main),
    ))
}

/// `GET /ui/campaigns/list`.
pub async fn list(
    State(st): State<AppState>,
    p: Principal,
    headers: HeaderMap,
) -> ApiResult<Response> {
    let ctx = Ctx::new(&st, p, &headers).await?;
    let t = ctx.p.tenant()?.clone();
    Ok(html_response(list_html(&st, &ctx, &t).await?))
}

/// The new-campaign form.
#[derive(Debug, Deserialize)]
pub struct CampaignForm {
    /// Name.
    pub name: String,
    /// Mode.
    pub mode: String,
    /// Queue.
    pub queue: String,
    /// Team.
    pub team: String,
    /// Caller id.
    pub caller_id: String,
    /// Calling code for national numbers.
    #[serde(default)]
    pub country_code: String,
    /// Home zone.
    #[serde(default)]
    pub time_zone: String,
    /// Contacts, one per line: `name, number[, number…]`.
    #[serde(default)]
    pub contacts: String,
}

/// Contacts pasted as lines of `name, number[, number…]` (a line of numbers
/// only has no name); blank lines are skipped. A line without a number is
/// an error naming the line.
pub fn parse_contacts(text: &str) -> ApiResult<Vec<ContactReq>> {
    let mut out = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let cells: Vec<&str> = line
            .split([',', ';', '\t'])
            .map(str::trim)
            .filter(|c| !c.is_empty())
            .collect();
        if cells.is_empty() {
            continue;
        }
        let is_number = |c: &str| {
            c.chars()
                .all(|ch| ch.is_ascii_digit() || " +()-.".contains(ch))
                && c.chars().any(|ch| ch.is_ascii_digit())
        };
        let (name, phones) = if is_number(cells[0]) {
            (None, &cells[..])
        } else {
            (Some(cells[0].to_string()), &cells[1..])
        };
        if phones.is_empty() || !phones.iter().all(|p| is_number(p)) {
            return Err(ApiError::field(
                &format!("contacts, line {}", i + 1),
                "write a name, then one or more numbers, separated by commas",
            ));
        }
        out.push(ContactReq {
            name,
            customer_id: None,
            phones: phones.iter().map(|p| p.to_string()).collect(),
        });
    }
    Ok(out)
}

/// `POST /ui/campaigns`.
pub async fn create(
    State(st): State<AppState>,
    p: Principal,
    headers: HeaderMap,
    UiForm(f): UiForm<CampaignForm>,
) -> ApiResult<Response> {
    let t = p.tenant()?.clone();
    let contacts = parse_contacts(&f.contacts)?;
    let country_code = match f.country_code.trim() {
        "" => None,
        s => Some(s.parse().map_err(|_| {
            ApiError::field("country_code", format!("{s:?} is not a calling code"))
        })?),
    };
    let doc = CampaignDoc {
        mode: f.mode,
        ratio: None,
        queue: f.queue,
        team: f.team.trim().to_string(),
        caller_id: f.caller_id.trim().to_string(),
        country_code,
        time_zone: Some(f.time_zone.trim().to_string()).filter(|s| !s.is_empty()),
        ring_timeout_s: None,
        max_abandon_rate: None,
        preview_countdown_s: None,
        consent_purpose: None,
        windows: Default::default(),
        dispositions: Vec::new(),
    };
    // Checked before anything is kept, so a bad contact list leaves no
    // campaign behind.
    doc.compile(1, f.name.trim())?;
    let h = st.hub.tenant(&t).await?;
    let Ack::Id(id) = h
        .call(Op::DefineCampaign {
            name: f.name.trim().to_string(),
            doc,
        })
        .await?
    else {
        return Err(ApiError::internal("unexpected ack"));
    };
    if !contacts.is_empty() {
        h.call(Op::AddContacts {
            campaign: id,
            contacts,
        })
        .await?;
    }
    let ctx = Ctx::new(&st, p, &headers).await?;
    Ok(html_response(list_html(&st, &ctx, &t).await?))
}

/// `POST /ui/campaigns/{id}/{command}` (`start`, `pause`, `stop`).
pub async fn command(
    State(st): State<AppState>,
    p: Principal,
    headers: HeaderMap,
    Path((id, command)): Path<(String, String)>,
) -> ApiResult<Response> {
    let t = p.tenant()?.clone();
    let id = path_id(&id, "campaign")?;
    let cmd = match command.as_str() {
        "start" => CampaignCommand::Start,
        "pause" => CampaignCommand::Pause,
        "stop" => CampaignCommand::Stop,
        _ => return Err(ApiError::not_found("campaign command")),
    };
    st.hub.tenant(&t).await?.call(Op::Campaign(id, cmd)).await?;
    let ctx = Ctx::new(&st, p, &headers).await?;
    Ok(html_response(list_html(&st, &ctx, &t).await?))
}

/// One campaign's contacts.
async fn contacts_html(st: &AppState, ctx: &Ctx, t: &Tenant, id: i64) -> ApiResult<String> {
    let list = st.store.campaign_contacts(t, id, 0, CONTACTS_SHOWN).await?;
    let mut s = format!(
        "<table><thead><tr><th scope=\"col\">#</th><th scope=\"col\">{}</th><th scope=\"col\">{}</th>\
<th scope=\"col\">{}</th><th scope=\"col\">{}</th><th scope=\"col\">{}</th><th scope=\"col\">{}</th></tr></thead><tbody>",
        ctx.te("campaign-contact"),
        ctx.te("campaign-phones"),
        ctx.te("state"),
        ctx.te("campaign-reason"),
        ctx.te("campaign-attempts"),
        ctx.te("campaign-last-outcome"),
    );
    for c in &list {
        let name = match (&c.name, c.customer_id) {
            (Some(n), Some(cu)) => format!(
                "{} <span class=\"hint\">({} {cu})</span>",
                esc(n),
                ctx.te("customer")
            ),
            (Some(n), None) => esc(n),
            (None, Some(cu)) => format!("{} {cu}", ctx.te("customer")),
            (None, None) => "—".into(),
        };
        let _ = write!(
            s,
            "<tr data-contact=\"{id}\"><td>{id}</td><td>{name}</td><td>{phones}</td><td data-state=\"{state_raw}\">{state}</td>\
<td>{reason}</td><td>{attempts}</td><td>{outcome}</td></tr>",
            id = c.id,
            phones = esc(&c.phones.join(", ")),
            state_raw = esc(&c.state),
            state = ctx.te(&format!("campaign-contact-{}", esc(&c.state))),
            reason = c.reason.as_deref().map_or("—".into(), esc),
            attempts = c.attempts,
            outcome = c.last_outcome.as_deref().map_or("—".into(), |o| ctx
                .te(&format!("dial-outcome-{}", esc(o)))),
        );
    }
    s.push_str("</tbody></table>");
    Ok(s)
}

/// `GET /ui/campaigns/{id}`.
pub async fn one(
    State(st): State<AppState>,
    p: Principal,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> ApiResult<Response> {
    let ctx = Ctx::new(&st, p, &headers).await?;
    let t = ctx.p.tenant()?.clone();
    let id = path_id(&id, "campaign")?;
    let c = st
        .store
        .campaign(&t, id)
        .await?
        .ok_or_else(|| ApiError::not_found("campaign"))?;
    let seq = st.store.last_seq(&t).await?;
    let main = format!(
        "<h2>{name}</h2><p><a href=\"/ui/campaigns\">{back}</a></p>\
<div id=\"contacts\" {live} aria-live=\"off\">{list}</div>",
        live = Feed::Campaigns.attrs(&format!("/ui/campaigns/{id}/contacts")),
        name = esc(&c.name),
        back = ctx.te("campaigns-title"),
        list = contacts_html(&st, &ctx, &t, id).await?,
    );
    Ok(layout(
        &ctx,
        "campaigns-title",
        "/ui/campaigns",
        "campaigns",
        Some(Live {
            seq,
            page: Page::Campaigns,
        }),
        super::PreEscaped(main),
    ))
}

/// `GET /ui/campaigns/{id}/contacts`.
pub async fn contacts(
    State(st): State<AppState>,
    p: Principal,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> ApiResult<Response> {
    let ctx = Ctx::new(&st, p, &headers).await?;
    let t = ctx.p.tenant()?.clone();
    let id = path_id(&id, "campaign")?;
    st.store
        .campaign(&t, id)
        .await?
        .ok_or_else(|| ApiError::not_found("campaign"))?;
    Ok(html_response(contacts_html(&st, &ctx, &t, id).await?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pasted_contacts_are_read_line_by_line() {
        let c = parse_contacts(
            "Eva Puig, +34600000001\n\n+34600000002; +34600000003\nJoan\t600 111 222",
        )
        .unwrap();
        assert_eq!(c.len(), 3);
        assert_eq!(c[0].name.as_deref(), Some("Eva Puig"));
        assert_eq!(c[1].name, None);
        assert_eq!(c[1].phones.len(), 2);
        assert_eq!(c[2].phones, vec!["600 111 222"]);
        let e = parse_contacts("Eva\nJoan, nope").unwrap_err();
        assert!(e.message.contains("line 1"), "{}", e.message);
    }
}

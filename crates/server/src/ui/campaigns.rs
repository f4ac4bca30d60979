//! Outbound campaigns for supervisors: every campaign with its state, mode
//! and running figures (contacts closed and reached, dials, answer and
//! abandon rates), live from the dialer's facts; start, pause and stop; a
//! form to define one with its contacts pasted as lines of
//! `name, number[, number…]`; and one campaign's contacts, each with its
//! state, attempts and last outcome.

use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::Response;
use serde::Deserialize;
use store::Tenant;

use super::follow::{Feed, Live, Page};
use super::{Ctx, Markup, UiForm, html, layout, markup_response};
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
async fn list_html(st: &AppState, ctx: &Ctx, t: &Tenant) -> ApiResult<Markup> {
    let campaigns = st.store.campaigns(t).await?;
    if campaigns.is_empty() {
        return Ok(html! { p.hint { (ctx.t("no-campaigns")) } });
    }
    let cols = [
        "campaign",
        "campaign-mode",
        "state",
        "campaign-contacts-closed",
        "campaign-reached",
        "campaign-dials",
        "campaign-answer-rate",
        "campaign-abandon-rate",
        "edit",
    ];
    Ok(html! {
        table {
            thead { tr { @for id in cols { th scope="col" { (ctx.t(id)) } } } }
            tbody { @for c in &campaigns { (campaign_row(ctx, c)) } }
        }
    })
}

/// A campaign's row: its figures, and the commands its state allows.
fn campaign_row(ctx: &Ctx, c: &store::read::CampaignView) -> Markup {
    use model::outbound::CampaignState as C;
    let mode = serde_json::from_str::<CampaignDoc>(&c.document)
        .map(|d| d.mode)
        .unwrap_or_default();
    let buttons: &[(&str, &str)] = match c.state {
        _ if !allowed(ctx.p.role, Action::CampaignsManage) => &[],
        C::Ready | C::Paused => &[("start", "campaign-start"), ("stop", "campaign-stop")],
        C::Running => &[("pause", "campaign-pause"), ("stop", "campaign-stop")],
        C::Stopped | C::Finished => &[],
    };
    let confirm = ctx.t("campaign-stop-confirm");
    html! {
        tr data-campaign=(c.name) {
            td { a href=(format!("/ui/campaigns/{}", c.id)) { (c.name) } }
            td { (ctx.t(&format!("campaign-mode-{mode}"))) }
            td.state data-state=(c.state.as_str()) {
                (ctx.t(&format!("campaign-state-{}", c.state.as_str())))
            }
            td { (c.closed) " / " (c.contacts) }
            td { (c.reached) }
            td { (c.dials) }
            td { (rate(c.live_answers, c.dials, ctx.lang)) }
            td { (rate(c.abandoned, c.live_answers, ctx.lang)) }
            td {
                @for (cmd, label) in buttons {
                    button type="button" hx-post=(format!("/ui/campaigns/{}/{cmd}", c.id))
                        hx-target="#campaigns" hx-confirm=[(*cmd == "stop").then_some(&confirm)] {
                        (ctx.t(label)) " " span.sr { (c.name) }
                    }
                    " "
                }
            }
        }
    }
}

/// The form that defines a campaign.
async fn new_form(st: &AppState, ctx: &Ctx) -> ApiResult<Markup> {
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
    let modes = ["progressive", "predictive", "power", "preview"];
    Ok(html! {
        details {
            summary { (ctx.t("campaign-new")) }
            form.stack hx-post="/ui/campaigns" hx-target="#campaigns" data-reset {
                label for="c-name" { (ctx.t("campaign")) }
                input #c-name name="name" required maxlength="64";
                label for="c-mode" { (ctx.t("campaign-mode")) }
                select #c-mode name="mode" {
                    @for m in modes { option value=(m) { (ctx.t(&format!("campaign-mode-{m}"))) } }
                }
                label for="c-queue" { (ctx.t("queue")) }
                select #c-queue name="queue" {
                    @for q in &queues { option value=(q.name) { (q.name) } }
                }
                label for="c-team" { (ctx.t("team")) }
                input #c-team name="team" required maxlength="64";
                label for="c-caller" { (ctx.t("campaign-caller-id")) }
                input #c-caller name="caller_id" required placeholder="+34900100300";
                label for="c-cc" { (ctx.t("campaign-country-code")) }
                input #c-cc name="country_code" inputmode="numeric" placeholder="34";
                label for="c-tz" { (ctx.t("time-zone")) }
                input #c-tz name="time_zone" list="tz-list" placeholder="Europe/Madrid";
                label for="c-contacts" { (ctx.t("campaign-contacts")) }
                textarea #c-contacts name="contacts" rows="6" aria-describedby="c-contacts-hint" {}
                p #c-contacts-hint .hint { (ctx.t("campaign-contacts-hint")) }
                button type="submit" { (ctx.t("campaign-create")) }
            }
        }
    })
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
        Some(new_form(&st, &ctx).await?)
    } else {
        None
    };
    let list = list_html(&st, &ctx, &t).await?;
    let main = html! {
        #campaigns data-live=(Feed::Campaigns.live()) data-src="/ui/campaigns/list"
            aria-live="off" {
            (list)
        }
        @if let Some(form) = form { (form) }
    };
    Ok(layout(
        &ctx,
        "campaigns-title",
        "/ui/campaigns",
        "campaigns",
        Some(Live {
            seq,
            page: Page::Campaigns,
        }),
        main,
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
    Ok(markup_response(list_html(&st, &ctx, &t).await?))
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
    Ok(markup_response(list_html(&st, &ctx, &t).await?))
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
    Ok(markup_response(list_html(&st, &ctx, &t).await?))
}

/// One campaign's contacts.
async fn contacts_html(st: &AppState, ctx: &Ctx, t: &Tenant, id: i64) -> ApiResult<Markup> {
    let list = st.store.campaign_contacts(t, id, 0, CONTACTS_SHOWN).await?;
    let cols = [
        "campaign-contact",
        "campaign-phones",
        "state",
        "campaign-reason",
        "campaign-attempts",
        "campaign-last-outcome",
    ];
    Ok(html! {
        table {
            thead {
                tr {
                    th scope="col" { "#" }
                    @for id in cols { th scope="col" { (ctx.t(id)) } }
                }
            }
            tbody { @for c in &list { (contact_row(ctx, c)) } }
        }
    })
}

fn contact_row(ctx: &Ctx, c: &store::read::CampaignContactView) -> Markup {
    html! {
        tr data-contact=(c.id) {
            td { (c.id) }
            td {
                @match (&c.name, c.customer_id) {
                    (Some(n), Some(cu)) => {
                        (n) " " span.hint { "(" (ctx.t("customer")) " " (cu) ")" }
                    }
                    (Some(n), None) => (n),
                    (None, Some(cu)) => { (ctx.t("customer")) " " (cu) }
                    (None, None) => "—",
                }
            }
            td { (c.phones.join(", ")) }
            td data-state=(c.state) { (ctx.t(&format!("campaign-contact-{}", c.state))) }
            td {
                @match c.reason.as_deref() {
                    Some(r) => (super::popup::known_label(ctx, "contact-reason", r)),
                    None => "—",
                }
            }
            td { (c.attempts) }
            td {
                @match c.last_outcome.as_deref() {
                    Some(o) => (super::popup::known_label(ctx, "dial-outcome", o)),
                    None => "—",
                }
            }
        }
    }
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
    let list = contacts_html(&st, &ctx, &t, id).await?;
    let main = html! {
        h2 { (c.name) }
        p { a href="/ui/campaigns" { (ctx.t("campaigns-title")) } }
        #contacts data-live=(Feed::Campaigns.live())
            data-src=(format!("/ui/campaigns/{id}/contacts")) aria-live="off" { (list) }
    };
    Ok(layout(
        &ctx,
        "campaigns-title",
        "/ui/campaigns",
        "campaigns",
        Some(Live {
            seq,
            page: Page::Campaigns,
        }),
        main,
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
    Ok(markup_response(contacts_html(&st, &ctx, &t, id).await?))
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

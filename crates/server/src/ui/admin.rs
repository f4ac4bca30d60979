//! Administration: users and roles, agents with their skills and
//! proficiency, the routing plan (queues, teams, business hours, holidays,
//! rules and timed steps live in it) as raw TOML/JSON checked by the same
//! validator as `POST /api/v1/routing/plan/validate`, the desktop
//! settings (reason codes, disposition codes, scripts), and the tenant's
//! time zone and holidays ([`super::calendar`]), the custom fields of
//! customer records ([`super::fields`]). Provider administrators
//! get the tenants page. The page is a maud template made of cards.

use std::collections::BTreeMap;

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use serde::Deserialize;
use store::Tenant;
use store::read::AgentView as Agent;

use super::settings::{self, DesktopSettings};
use super::{Ctx, Markup, UiForm, html, layout, markup_response};
use crate::AppState;
use crate::auth::{self, Principal};
use crate::clock;
use crate::error::{ApiError, ApiResult};
use crate::tenant::{Op, compile_plan};

/// A validation or save result shown next to its field (422 when wrong).
fn verdict(ok: bool, msg: &str) -> Response {
    let class = if ok { "ok" } else { "error" };
    let mut r = markup_response(html! { span class=(class) { (msg) } });
    if !ok {
        *r.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
    }
    r
}

/// The validator's message without the API's field name (the page shows it next to the field).
fn plan_message(e: &ApiError) -> &str {
    e.message.strip_prefix("document: ").unwrap_or(&e.message)
}

/// The teams, each with its members (a team exists while an agent is in it).
fn teams_table(ctx: &Ctx, agents: &[Agent]) -> Markup {
    let mut teams: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for a in agents {
        for t in &a.teams {
            teams.entry(t.as_str()).or_default().push(a.name.as_str());
        }
    }
    html! {
        @if !teams.is_empty() {
            h3 { (ctx.t("teams")) }
            table.teams {
                thead {
                    tr {
                        th scope="col" { (ctx.t("team")) }
                        th scope="col" { (ctx.t("team-members")) }
                    }
                }
                tbody {
                    @for (team, members) in &teams {
                        tr data-team=(team) { td { (team) } td { (members.join(", ")) } }
                    }
                }
            }
        }
    }
}

/// The agents with their skills, teams and state, then the teams.
async fn agents_list(st: &AppState, ctx: &Ctx, t: &Tenant) -> ApiResult<Markup> {
    let agents = st.store.agents(t).await?;
    let skills = |a: &Agent| {
        a.skills
            .iter()
            .map(|(s, l)| format!("{s}:{l}"))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let state = |a: &Agent| ctx.t(&format!("state-{}", a.state.as_str().replace('_', "-")));
    Ok(html! {
        table {
            thead {
                tr {
                    th scope="col" { (ctx.t("agent")) }
                    th scope="col" { (ctx.t("skills")) }
                    th scope="col" { (ctx.t("teams")) }
                    th scope="col" { (ctx.t("capacity")) }
                    th scope="col" { (ctx.t("state")) }
                }
            }
            tbody {
                @for a in &agents {
                    tr {
                        td { (a.name) }
                        td { (skills(a)) }
                        td { (a.teams.join(", ")) }
                        td { (capacity_text(a)) }
                        td { (state(a)) }
                    }
                }
            }
        }
        (teams_table(ctx, &agents))
    })
}

/// An agent's capacity where it differs from the channel's default
/// (`chat:2, email:0`), as the form takes it.
fn capacity_text(a: &Agent) -> String {
    a.capacity
        .iter()
        .filter(|(c, n)| **n != c.default_capacity())
        .map(|(c, n)| format!("{}:{n}", c.as_str()))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Parses `chat:2, email:0` (channel:interactions at once).
pub fn parse_capacity(s: &str) -> Result<BTreeMap<model::Channel, u8>, ApiError> {
    let max = center::command::AGENT_CAPACITY_MAX;
    pairs("capacity", s, "write channel:number (chat:2)")?
        .into_iter()
        .map(|(c, n)| {
            let channel = c
                .parse::<model::Channel>()
                .map_err(|e| ApiError::field("capacity", e.to_string()))?;
            if n > max {
                let msg = format!("\"{c}:{n}\": 0 to {max} at once");
                return Err(ApiError::field("capacity", msg));
            }
            Ok((channel, n))
        })
        .collect()
}

/// Splits `name:number, …` (a form's short list): a part that is not one
/// says `hint` on `field`.
fn pairs(field: &str, s: &str, hint: &str) -> Result<Vec<(String, u8)>, ApiError> {
    s.split(',')
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .map(|p| {
            let bad = || ApiError::field(field, format!("{p:?}: {hint}"));
            let (name, n) = p.split_once(':').ok_or_else(bad)?;
            let n = n.trim().parse::<u8>().map_err(|_| bad())?;
            Ok((name.trim().to_string(), n))
        })
        .collect()
}

/// The users card: the list and the form that adds one.
fn users_card(ctx: &Ctx, users: Markup) -> Markup {
    html! {
        section.card aria-labelledby="users-h" {
            h2 #users-h { (ctx.t("users")) }
            #users { (users) }
            form.stack hx-post="/ui/admin/users" hx-target="#users" data-reset {
                h3 { (ctx.t("add-user")) }
                label for="nu-name" { (ctx.t("username")) }
                input #nu-name name="username" required maxlength="64";
                label for="nu-pass" { (ctx.t("password")) }
                input #nu-pass name="password" type="password" required
                    minlength=(auth::PASSWORD_LEN_MIN) autocomplete="new-password"
                    aria-describedby="nu-pass-hint";
                p.hint #nu-pass-hint { (ctx.t("password-hint")) }
                label for="nu-role" { (ctx.t("role")) }
                select #nu-role name="role" { (super::users::role_options(ctx, None)) }
                p #nu-msg aria-live="polite" {}
                button type="submit" { (ctx.t("add")) }
            }
        }
    }
}

/// The agents card: the list and the form that defines one.
fn agents_card(ctx: &Ctx, agents: Markup) -> Markup {
    html! {
        section.card aria-labelledby="agents-h" {
            h2 #agents-h { (ctx.t("agents")) }
            #agents { (agents) }
            form.stack hx-post="/ui/admin/agents" hx-target="#agents" data-reset {
                h3 { (ctx.t("define-agent")) }
                label for="na-name" { (ctx.t("agent")) }
                input #na-name name="name" required maxlength="64";
                label for="na-skills" { (ctx.t("skills")) }
                input #na-skills name="skills" placeholder="support:8, sales:4"
                    aria-describedby="na-skills-hint";
                p.hint #na-skills-hint { (ctx.t("skills-hint")) }
                label for="na-teams" { (ctx.t("teams")) }
                input #na-teams name="teams" placeholder=(ctx.t("placeholder-teams"))
                    aria-describedby="na-teams-hint";
                p.hint #na-teams-hint { (ctx.t("teams-hint")) }
                label for="na-capacity" { (ctx.t("capacity")) }
                input #na-capacity name="capacity" placeholder="chat:2, email:0"
                    aria-describedby="na-capacity-hint";
                p.hint #na-capacity-hint { (ctx.t("capacity-hint")) }
                label for="na-user" { (ctx.t("agent-user")) }
                input #na-user name="username" maxlength="64";
                p #na-msg aria-live="polite" {}
                button type="submit" { (ctx.t("save")) }
            }
        }
    }
}

/// A document edited as raw text (the routing plan, the desktop settings).
struct RawDoc<'a> {
    /// The textarea's id, prefix of the card's other ids.
    id: &'a str,
    /// Where the form saves (`…/validate` checks).
    path: &'a str,
    /// Message ids: the title, the hint, the textarea's label.
    title: &'a str,
    hint: &'a str,
    label: &'a str,
    /// The document.
    text: &'a str,
}

/// A raw document's card: its text, a place for the verdict, validate and save.
fn raw_card(ctx: &Ctx, d: &RawDoc<'_>) -> Markup {
    let id = d.id;
    let (h, hint, msg) = (format!("{id}-h"), format!("{id}-hint"), format!("{id}-msg"));
    html! {
        section.card aria-labelledby=(h) {
            h2 id=(h) { (ctx.t(d.title)) }
            p.hint id=(hint) { (ctx.t(d.hint)) }
            form hx-post=(d.path) hx-target=(format!("#{msg}")) {
                label for=(id) { (ctx.t(d.label)) }
                textarea id=(id) name="document" class="code" spellcheck="false"
                    aria-describedby=(format!("{hint} {msg}")) { (d.text) }
                p id=(msg) aria-live="polite" {}
                .row {
                    button type="button" .secondary hx-post=(format!("{}/validate", d.path))
                        hx-include=(format!("#{id}")) hx-target=(format!("#{msg}")) {
                        (ctx.t("validate"))
                    }
                    button type="submit" { (ctx.t("save")) }
                }
            }
        }
    }
}

/// The cards drawn by the administration's other files, in page order.
async fn other_cards(st: &AppState, ctx: &Ctx) -> ApiResult<Markup> {
    Ok(html! {
        (super::calendar::section(st, ctx).await?)
        (super::fields::section(st, ctx).await?)
        (super::access::section_html(st, ctx).await?)
        (super::tokens::section(st, ctx).await?)
        (super::webhooks::section_html(st, ctx).await?)
        (super::mailboxes::section_html(st, ctx).await?)
        (super::audit::section(st, ctx).await?)
    })
}

/// `GET /ui/admin`.
pub async fn page(
    State(st): State<AppState>,
    p: Principal,
    headers: HeaderMap,
) -> ApiResult<Response> {
    let ctx = Ctx::new(&st, p, &headers).await?;
    let t = ctx.p.tenant()?.clone();
    let plan = st.store.plan(&t).await?.unwrap_or_default();
    let (desk, _) = DesktopSettings::of(&st, &t).await?;
    let plan_form = super::planform::form_html(&st, &ctx, &t).await?;
    let main = html! {
        .grid {
            (users_card(&ctx, super::users::users_table(&st, &ctx, &t).await?))
            (agents_card(&ctx, agents_list(&st, &ctx, &t).await?))
        }
        section.card aria-labelledby="plan-form-h" {
            h2 #plan-form-h { (ctx.t("routing-plan-form")) }
            #plan-form-box { (plan_form) }
        }
        (raw_card(&ctx, &RawDoc {
            id: "plan",
            path: "/ui/admin/plan",
            title: "routing-plans",
            hint: "plan-hint",
            label: "routing-plan-raw",
            text: &plan,
        }))
        (raw_card(&ctx, &RawDoc {
            id: "desk",
            path: "/ui/admin/desktop",
            title: "desktop-settings",
            hint: "desktop-settings-hint",
            label: "desktop-settings-raw",
            text: &desk,
        }))
        (other_cards(&st, &ctx).await?)
    };
    Ok(layout(
        &ctx,
        "admin-title",
        "/ui/admin",
        "admin",
        None,
        main,
    ))
}

/// An agent and its skills.
#[derive(Debug, Deserialize)]
pub struct AgentForm {
    /// Unique name (an existing one changes that agent's skills).
    pub name: String,
    /// `skill:level, …`.
    #[serde(default)]
    pub skills: String,
    /// The user who works as this agent.
    #[serde(default)]
    pub username: String,
    /// `team, …` (absent: the agent's teams stay as they are).
    pub teams: Option<String>,
    /// `channel:number, …` (empty: the capacity stays as it is).
    #[serde(default)]
    pub capacity: String,
}

/// Parses `support:8, sales:4` (the core checks the levels, 1 to 10).
pub fn parse_skills(s: &str) -> Result<Vec<(String, u8)>, ApiError> {
    pairs("skills", s, "write skill:level, the level 1 to 10")
}

/// `POST /ui/admin/agents`.
pub async fn define_agent(
    State(st): State<AppState>,
    p: Principal,
    headers: HeaderMap,
    UiForm(f): UiForm<AgentForm>,
) -> ApiResult<Response> {
    let t = p.tenant()?.clone();
    let ctx = Ctx::new(&st, p, &headers).await?;
    match save_agent(&st, &t, f).await {
        Ok(()) => Ok(markup_response(agents_list(&st, &ctx, &t).await?)),
        // A mistake is said next to the form, which keeps what was typed.
        Err(e) if e.status.is_client_error() => {
            Ok(super::users::said(false, "#na-msg", &e.message))
        }
        Err(e) => Err(e),
    }
}

/// Defines (or changes) an agent from the form: skills, teams, user, capacity.
async fn save_agent(st: &AppState, t: &Tenant, f: AgentForm) -> ApiResult<()> {
    let skills = parse_skills(&f.skills)?;
    let capacity = parse_capacity(&f.capacity)?;
    let name = f.name.trim().to_string();
    let existing = st
        .store
        .agents(t)
        .await?
        .into_iter()
        .find(|a| a.name == name)
        .map(|a| a.id);
    let username = Some(f.username.trim().to_string()).filter(|u| !u.is_empty());
    let teams = f.teams.as_deref().map(|t| {
        t.split(',')
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .map(str::to_string)
            .collect()
    });
    crate::routes::agents::check_username(st, t, username.as_deref()).await?;
    let h = st.hub.tenant(t).await?;
    let ack = h
        .call(Op::DefineAgent {
            id: existing,
            name,
            skills,
            username,
            teams,
        })
        .await?;
    if !capacity.is_empty() {
        let agent = match (existing, ack) {
            (Some(id), _) | (None, crate::tenant::Ack::Id(id)) => id,
            _ => return Err(ApiError::internal("unexpected ack")),
        };
        h.call(Op::SetCapacity { agent, capacity }).await?;
    }
    Ok(())
}

/// A document form (routing plan, desktop settings).
#[derive(Debug, Deserialize)]
pub struct DocumentForm {
    /// The text.
    pub document: String,
}

/// `POST /ui/admin/plan/validate`.
pub async fn validate_plan(
    State(st): State<AppState>,
    p: Principal,
    headers: HeaderMap,
    UiForm(f): UiForm<DocumentForm>,
) -> ApiResult<Response> {
    let t = p.tenant()?.clone();
    let ctx = Ctx::new(&st, p, &headers).await?;
    // The same check as the API: compiled against the current queues.
    let old = match st.store.plan(&t).await? {
        Some(doc) => compile_plan(&doc, None).ok().map(|(n, _, _)| n),
        None => None,
    };
    Ok(match compile_plan(&f.document, old.as_ref()) {
        Ok(_) => verdict(true, &i18n::Catalog::global().t(ctx.lang, "plan-valid")),
        Err(e) => verdict(false, plan_message(&e)),
    })
}

/// `POST /ui/admin/plan`.
pub async fn save_plan(
    State(st): State<AppState>,
    p: Principal,
    headers: HeaderMap,
    UiForm(f): UiForm<DocumentForm>,
) -> ApiResult<Response> {
    let t = p.tenant()?.clone();
    let ctx = Ctx::new(&st, p, &headers).await?;
    Ok(
        match st.hub.tenant(&t).await?.call(Op::SetPlan(f.document)).await {
            // The form shows the document just saved.
            Ok(_) => {
                let on = Some("plan".to_string());
                crate::audit::record(&st, &ctx.p, crate::audit::AuditAction::PlanReplaced, on)
                    .await?;
                let form = super::planform::form_html(&st, &ctx, &t).await?;
                markup_response(html! {
                    span.ok { (ctx.t("saved")) }
                    #plan-form-box hx-swap-oob="true" { (form) }
                })
            }
            Err(e) if e.status.is_client_error() => verdict(false, plan_message(&e)),
            Err(e) => return Err(e),
        },
    )
}

/// `POST /ui/admin/desktop/validate`.
pub async fn validate_desktop(
    State(st): State<AppState>,
    p: Principal,
    headers: HeaderMap,
    UiForm(f): UiForm<DocumentForm>,
) -> ApiResult<Response> {
    let ctx = Ctx::new(&st, p, &headers).await?;
    Ok(match DesktopSettings::parse(&f.document) {
        Ok(_) => verdict(true, &i18n::Catalog::global().t(ctx.lang, "settings-valid")),
        Err(e) => verdict(false, &e),
    })
}

/// `POST /ui/admin/desktop`.
pub async fn save_desktop(
    State(st): State<AppState>,
    p: Principal,
    headers: HeaderMap,
    UiForm(f): UiForm<DocumentForm>,
) -> ApiResult<Response> {
    let t = p.tenant()?.clone();
    let ctx = Ctx::new(&st, p, &headers).await?;
    if let Err(e) = DesktopSettings::parse(&f.document) {
        return Ok(verdict(false, &e));
    }
    st.hub
        .tenant(&t)
        .await?
        .call(Op::SetSetting {
            name: settings::DESKTOP.into(),
            document: f.document,
        })
        .await?;
    let on = Some("settings:desktop".to_string());
    crate::audit::record(&st, &ctx.p, crate::audit::AuditAction::SettingsReplaced, on).await?;
    Ok(verdict(true, &i18n::Catalog::global().t(ctx.lang, "saved")))
}

fn tenants_table(ctx: &Ctx, tenants: &[Tenant]) -> Markup {
    html! {
        table {
            thead { tr { th scope="col" { "#" } th scope="col" { (ctx.t("tenant")) } } }
            tbody {
                @for t in tenants { tr { td { (t.id()) } td { (t.name()) } } }
            }
        }
    }
}

/// `GET /ui/tenants` (provider administrators).
pub async fn tenants(
    State(st): State<AppState>,
    p: Principal,
    headers: HeaderMap,
) -> ApiResult<Response> {
    let ctx = Ctx::new(&st, p, &headers).await?;
    let list = st.store.tenants().await?;
    let main = html! {
        section.card {
            #tenants { (tenants_table(&ctx, &list)) }
            form.row hx-post="/ui/tenants" hx-target="#tenants" data-reset {
                label for="nt-name" { (ctx.t("tenant")) }
                input #nt-name name="name" required maxlength="64";
                button type="submit" { (ctx.t("add")) }
            }
        }
    };
    Ok(layout(
        &ctx,
        "tenants",
        "/ui/tenants",
        "tenants",
        None,
        main,
    ))
}

/// A new tenant.
#[derive(Debug, Deserialize)]
pub struct TenantForm {
    /// Its name.
    pub name: String,
}

/// `POST /ui/tenants`.
pub async fn add_tenant(
    State(st): State<AppState>,
    p: Principal,
    headers: HeaderMap,
    UiForm(f): UiForm<TenantForm>,
) -> ApiResult<Response> {
    let t = st
        .store
        .create_tenant(f.name.trim(), clock::now_ms())
        .await?;
    let on = Some(format!("tenant:{}", t.id()));
    crate::audit::record(&st, &p, crate::audit::AuditAction::TenantCreated, on).await?;
    let ctx = Ctx::new(&st, p, &headers).await?;
    let list = st.store.tenants().await?;
    Ok(markup_response(tenants_table(&ctx, &list)))
}

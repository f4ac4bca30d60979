//! Administration: users and roles, agents with their skills and
//! proficiency, the routing plan (queues, teams, business hours, holidays,
//! rules and timed steps live in it) as raw TOML/JSON checked by the same
//! validator as `POST /api/v1/routing/plan/validate`, the desktop
//! settings (reason codes, disposition codes, scripts), and the tenant's
//! time zone and holidays ([`super::calendar`]), the custom fields of
//! customer records ([`super::fields`]). Provider administrators
//! get the tenants page.

use std::fmt::Write as _;

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use serde::Deserialize;
use store::Tenant;

use super::settings::{self, DesktopSettings};
use super::{Ctx, UiForm, esc, html_response, layout};
use crate::AppState;
use crate::auth::{self, Principal, Role};
use crate::clock;
use crate::error::{ApiError, ApiResult};
use crate::tenant::{Op, compile_plan};

/// A validation or save result shown next to its field (422 when wrong).
fn verdict(ok: bool, msg: &str) -> Response {
    let cls = if ok { "ok" } else { "error" };
    let mut r = html_response(format!("<span class=\"{cls}\">{}</span>", esc(msg)));
    if !ok {
        *r.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
    }
    r
}

/// The validator's message without the API's field name (the page shows it next to the field).
fn plan_message(e: &ApiError) -> &str {
    e.message.strip_prefix("document: ").unwrap_or(&e.message)
}

async fn agents_html(st: &AppState, ctx: &Ctx, t: &Tenant) -> ApiResult<String> {
    let agents = st.store.agents(t).await?;
    let mut s = format!(
        "<table><thead><tr><th scope=\"col\">{}</th><th scope=\"col\">{}</th><th scope=\"col\">{}</th><th scope=\"col\">{}</th></tr></thead><tbody>",
        ctx.te("agent"),
        ctx.te("skills"),
        ctx.te("teams"),
        ctx.te("state")
    );
    for a in &agents {
        let skills: Vec<String> = a
            .skills
            .iter()
            .map(|(s, l)| format!("{}:{l}", esc(s)))
            .collect();
        let _ = write!(
            s,
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            esc(&a.name),
            skills.join(", "),
            esc(&a.teams.join(", ")),
            ctx.te(&format!("state-{}", a.state.as_str().replace('_', "-")))
        );
    }
    s.push_str("</tbody></table>");
    // The teams, each with its members (a team exists while an agent is in it).
    let mut teams: std::collections::BTreeMap<&str, Vec<&str>> = Default::default();
    for a in &agents {
        for t in &a.teams {
            teams.entry(t.as_str()).or_default().push(a.name.as_str());
        }
    }
    if !teams.is_empty() {
        let _ = write!(
            s,
            "<h3>{}</h3><table class=\"teams\"><thead><tr><th scope=\"col\">{}</th><th scope=\"col\">{}</th></tr></thead><tbody>",
            ctx.te("teams"),
            ctx.te("team"),
            ctx.te("team-members")
        );
        for (team, members) in teams {
            let _ = write!(
                s,
                "<tr data-team=\"{t}\"><td>{t}</td><td>{}</td></tr>",
                esc(&members.join(", ")),
                t = esc(team)
            );
        }
        s.push_str("</tbody></table>");
    }
    Ok(s)
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
    let mut roles = String::new();
    for r in [
        Role::Agent,
        Role::Supervisor,
        Role::Admin,
        Role::Analyst,
        Role::Client,
    ] {
        let _ = write!(
            roles,
            "<option value=\"{}\">{}</option>",
            r.as_str(),
            ctx.te(&format!("role-{}", r.as_str()))
        );
    }
    let main = format!(
        "<div class=\"grid\">\
<section class=\"card\" aria-labelledby=\"users-h\"><h2 id=\"users-h\">{users_l}</h2><div id=\"users\">{users}</div>\
<form class=\"stack\" hx-post=\"/ui/admin/users\" hx-target=\"#users\" data-reset>\
<h3>{add_user}</h3>\
<label for=\"nu-name\">{username_l}</label><input id=\"nu-name\" name=\"username\" required maxlength=\"64\">\
<label for=\"nu-pass\">{password_l}</label><input id=\"nu-pass\" name=\"password\" type=\"password\" required minlength=\"{pw_min}\" autocomplete=\"new-password\" aria-describedby=\"nu-pass-hint\">\
<p class=\"hint\" id=\"nu-pass-hint\">{pw_hint}</p>\
<label for=\"nu-role\">{role_l}</label><select id=\"nu-role\" name=\"role\">{roles}</select>\
<p id=\"nu-msg\" aria-live=\"polite\"></p><button type=\"submit\">{add}</button></form></section>\
<section class=\"card\" aria-labelledby=\"agents-h\"><h2 id=\"agents-h\">{agents_l}</h2><div id=\"agents\">{agents}</div>\
<form class=\"stack\" hx-post=\"/ui/admin/agents\" hx-target=\"#agents\" data-reset>\
<h3>{define_agent}</h3>\
<label for=\"na-name\">{agent_l}</label><input id=\"na-name\" name=\"name\" required maxlength=\"64\">\
<label for=\"na-skills\">{skills_l}</label><input id=\"na-skills\" name=\"skills\" placeholder=\"support:8, sales:4\" aria-describedby=\"na-skills-hint\">\
<p class=\"hint\" id=\"na-skills-hint\">{skills_hint}</p>\
<label for=\"na-teams\">{teams_l}</label><input id=\"na-teams\" name=\"teams\" placeholder=\"vip, billing\" aria-describedby=\"na-teams-hint\">\
<p class=\"hint\" id=\"na-teams-hint\">{teams_hint}</p>\
<label for=\"na-user\">{user_link}</label><input id=\"na-user\" name=\"username\" maxlength=\"64\">\
<button type=\"submit\">{save}</button></form></section></div>\
<section class=\"card\" aria-labelledby=\"plan-form-h\"><h2 id=\"plan-form-h\">{plan_form_l}</h2>\
<div id=\"plan-form-box\">{plan_form}</div></section>\
<section class=\"card\" aria-labelledby=\"plan-h\"><h2 id=\"plan-h\">{plans_l}</h2>\
<p class=\"hint\" id=\"plan-hint\">{plan_hint}</p>\
<form hx-post=\"/ui/admin/plan\" hx-target=\"#plan-msg\">\
<label for=\"plan\">{plan_raw}</label>\
<textarea id=\"plan\" name=\"document\" class=\"code\" spellcheck=\"false\" aria-describedby=\"plan-hint plan-msg\">{plan}</textarea>\
<p id=\"plan-msg\" aria-live=\"polite\"></p>\
<div class=\"row\"><button type=\"button\" class=\"secondary\" hx-post=\"/ui/admin/plan/validate\" hx-include=\"#plan\" hx-target=\"#plan-msg\">{validate}</button>\
<button type=\"submit\">{save}</button></div></form></section>\
<section class=\"card\" aria-labelledby=\"desk-h\"><h2 id=\"desk-h\">{desk_l}</h2>\
<p class=\"hint\" id=\"desk-hint\">{desk_hint}</p>\
<form hx-post=\"/ui/admin/desktop\" hx-target=\"#desk-msg\">\
<label for=\"desk\">{desk_raw}</label>\
<textarea id=\"desk\" name=\"document\" class=\"code\" spellcheck=\"false\" aria-describedby=\"desk-hint desk-msg\">{desk}</textarea>\
<p id=\"desk-msg\" aria-live=\"polite\"></p>\
<div class=\"row\"><button type=\"button\" class=\"secondary\" hx-post=\"/ui/admin/desktop/validate\" hx-include=\"#desk\" hx-target=\"#desk-msg\">{validate}</button>\
<button type=\"submit\">{save}</button></div></form></section>{calendar}{fields}{access}{tokens}{webhooks}{mailboxes}{audit}",
        calendar = super::calendar::section_html(&st, &ctx).await?,
        fields = super::fields::section_html(&st, &ctx).await?,
        access = super::access::section_html(&st, &ctx).await?,
        tokens = super::tokens::section_html(&st, &ctx).await?,
        webhooks = super::webhooks::section_html(&st, &ctx).await?,
        mailboxes = super::mailboxes::section_html(&st, &ctx).await?,
        audit = super::audit::section_html(&st, &ctx).await?,
        users_l = ctx.te("users"),
        users = super::users::users_html(&st, &ctx, &t).await?,
        add_user = ctx.te("add-user"),
        username_l = ctx.te("username"),
        password_l = ctx.te("password"),
        pw_min = auth::PASSWORD_LEN_MIN,
        pw_hint = ctx.te("password-hint"),
        role_l = ctx.te("role"),
        add = ctx.te("add"),
        agents_l = ctx.te("agents"),
        agents = agents_html(&st, &ctx, &t).await?,
        define_agent = ctx.te("define-agent"),
        agent_l = ctx.te("agent"),
        skills_l = ctx.te("skills"),
        skills_hint = ctx.te("skills-hint"),
        teams_l = ctx.te("teams"),
        teams_hint = ctx.te("teams-hint"),
        user_link = ctx.te("agent-user"),
        save = ctx.te("save"),
        plans_l = ctx.te("routing-plans"),
        plan_form_l = ctx.te("routing-plan-form"),
        plan_form = super::planform::form_html(&st, &ctx, &t).await?,
        plan_hint = ctx.te("plan-hint"),
        plan_raw = ctx.te("routing-plan-raw"),
        plan = esc(&plan),
        validate = ctx.te("validate"),
        desk_l = ctx.te("desktop-settings"),
        desk_hint = ctx.te("desktop-settings-hint"),
        desk_raw = ctx.te("desktop-settings-raw"),
        desk = esc(&desk),
    );
    Ok(layout(
        &ctx,
        "admin-title",
        "/ui/admin",
        "admin",
        None,
        super::PreEscaped(main),
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
}

/// Parses `support:8, sales:4`.
pub fn parse_skills(s: &str) -> Result<Vec<(String, u8)>, ApiError> {
    s.split(',')
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .map(|p| {
            let (name, level) = p
                .split_once(':')
                .ok_or_else(|| ApiError::field("skills", format!("{p:?}: write skill:level")))?;
            let level = level
                .trim()
                .parse::<u8>()
                .map_err(|_| ApiError::field("skills", format!("{p:?}: the level is 1 to 10")))?;
            Ok((name.trim().to_string(), level))
        })
        .collect()
}

/// `POST /ui/admin/agents`.
pub async fn define_agent(
    State(st): State<AppState>,
    p: Principal,
    headers: HeaderMap,
    UiForm(f): UiForm<AgentForm>,
) -> ApiResult<Response> {
    let t = p.tenant()?.clone();
    let skills = parse_skills(&f.skills)?;
    let name = f.name.trim().to_string();
    let existing = st
        .store
        .agents(&t)
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
    crate::routes::agents::check_username(&st, &t, username.as_deref()).await?;
    st.hub
        .tenant(&t)
        .await?
        .call(Op::DefineAgent {
            id: existing,
            name,
            skills,
            username,
            teams,
        })
        .await?;
    let ctx = Ctx::new(&st, p, &headers).await?;
    Ok(html_response(agents_html(&st, &ctx, &t).await?))
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
                html_response(format!(
                    "<span class=\"ok\">{}</span><div id=\"plan-form-box\" hx-swap-oob=\"true\">{}</div>",
                    ctx.te("saved"),
                    super::planform::form_html(&st, &ctx, &t).await?
                ))
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

fn tenants_html(ctx: &Ctx, tenants: &[Tenant]) -> String {
    let mut s = format!(
        "<table><thead><tr><th scope=\"col\">#</th><th scope=\"col\">{}</th></tr></thead><tbody>",
        ctx.te("tenant")
    );
    for t in tenants {
        let _ = write!(s, "<tr><td>{}</td><td>{}</td></tr>", t.id(), esc(t.name()));
    }
    s.push_str("</tbody></table>");
    s
}

/// `GET /ui/tenants` (provider administrators).
pub async fn tenants(
    State(st): State<AppState>,
    p: Principal,
    headers: HeaderMap,
) -> ApiResult<Response> {
    let ctx = Ctx::new(&st, p, &headers).await?;
    let list = st.store.tenants().await?;
    let main = format!(
        "<section class=\"card\"><div id=\"tenants\">{}</div>\
<form class=\"row\" hx-post=\"/ui/tenants\" hx-target=\"#tenants\" data-reset>\
<label for=\"nt-name\">{}</label><input id=\"nt-name\" name=\"name\" required maxlength=\"64\"><button type=\"submit\">{}</button></form></section>",
        tenants_html(&ctx, &list),
        ctx.te("tenant"),
        ctx.te("add")
    );
    Ok(layout(
        &ctx,
        "tenants",
        "/ui/tenants",
        "tenants",
        None,
        super::PreEscaped(main),
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
    Ok(html_response(tenants_html(&ctx, &list)))
}

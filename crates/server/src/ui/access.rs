//! Administration: how the tenant's users sign in — whether admins and
//! supervisors must use a second factor, and single sign-on with an OpenID
//! provider (issuer, client id and secret, the role claim, whether users are
//! made at their first sign-in). The same document and checks as `PUT
//! /api/v1/settings/tenant` ([`crate::routes::settings`]): the calendar in
//! it stays as it is; a blank secret keeps the one kept, which is never
//! shown.

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use center::settings::TenantSettings;
use center::sign_in::{OidcDoc, TwoFactor};
use serde::Deserialize;

use super::{Ctx, UiForm, esc, html_response};
use crate::AppState;
use crate::audit::{self, AuditAction};
use crate::auth::Principal;
use crate::error::ApiResult;
use crate::perms::Action;
use crate::routes::settings as api;

/// The form as sent.
#[derive(Debug, Deserialize)]
pub struct AccessForm {
    /// `optional` or `required`.
    #[serde(default)]
    pub two_factor: String,
    /// The issuer; empty: no single sign-on.
    #[serde(default)]
    pub issuer: String,
    /// Our client id.
    #[serde(default)]
    pub client_id: String,
    /// Our client secret; empty: keep the kept one.
    #[serde(default)]
    pub client_secret: String,
    /// The role claim.
    #[serde(default)]
    pub role_claim: String,
    /// `on` when checked.
    #[serde(default)]
    pub create_users: Option<String>,
}

fn form_html(ctx: &Ctx, s: &TenantSettings, note: &str) -> String {
    let o = s
        .oidc
        .as_ref()
        .map(|o| o.to_public_doc())
        .unwrap_or_default();
    let sel = |v: TwoFactor| if s.two_factor == v { " selected" } else { "" };
    let secret_hint = if o.client_secret_set == Some(true) {
        ctx.te("sso-secret-kept")
    } else {
        String::new()
    };
    format!(
        "<form id=\"access-form\" class=\"stack\" hx-post=\"/ui/admin/sign-in\" hx-target=\"#access-form\" hx-swap=\"outerHTML\">\
<p id=\"access-msg\" aria-live=\"polite\">{note}</p>\
<label for=\"ac-2fa\">{tf_l}</label><select id=\"ac-2fa\" name=\"two_factor\">\
<option value=\"optional\"{opt}>{opt_l}</option><option value=\"required\"{req}>{req_l}</option></select>\
<h3>{sso_h}</h3><p class=\"hint\">{sso_hint} <code>{callback}</code></p>\
<label for=\"ac-issuer\">{issuer_l}</label><input id=\"ac-issuer\" name=\"issuer\" value=\"{issuer}\" maxlength=\"512\" placeholder=\"https://id.example.com\">\
<label for=\"ac-client\">{client_l}</label><input id=\"ac-client\" name=\"client_id\" value=\"{client}\" maxlength=\"512\">\
<label for=\"ac-secret\">{secret_l}</label><input id=\"ac-secret\" name=\"client_secret\" type=\"password\" autocomplete=\"off\" maxlength=\"4096\" placeholder=\"{secret_hint}\">\
<label for=\"ac-claim\">{claim_l}</label><input id=\"ac-claim\" name=\"role_claim\" value=\"{claim}\" maxlength=\"64\">\
<label class=\"check\"><input type=\"checkbox\" name=\"create_users\"{create}> {create_l}</label>\
<button type=\"submit\">{save}</button></form>",
        tf_l = ctx.te("two-factor-rule"),
        opt = sel(TwoFactor::Optional),
        req = sel(TwoFactor::Required),
        opt_l = ctx.te("two-factor-optional"),
        req_l = ctx.te("two-factor-required-choice"),
        sso_h = ctx.te("sso-title"),
        sso_hint = ctx.te("sso-hint"),
        callback = super::sso::CALLBACK_PATH,
        issuer_l = ctx.te("sso-issuer"),
        issuer = esc(&o.issuer),
        client_l = ctx.te("sso-client-id"),
        client = esc(&o.client_id),
        secret_l = ctx.te("sso-client-secret"),
        claim_l = ctx.te("sso-role-claim"),
        claim = esc(o.role_claim.as_deref().unwrap_or("")),
        create = if o.create_users { " checked" } else { "" },
        create_l = ctx.te("sso-create-users"),
        save = ctx.te("save"),
    )
}

/// The section of the administration page (administrators only).
pub async fn section_html(st: &AppState, ctx: &Ctx) -> ApiResult<String> {
    if !crate::perms::allowed(ctx.p.role, Action::RoutingManage) {
        return Ok(String::new());
    }
    let s = api::tenant_settings(st, ctx.p.tenant()?).await?;
    Ok(format!(
        "<section class=\"card\" aria-labelledby=\"access-h\"><h2 id=\"access-h\">{}</h2>{}</section>",
        ctx.te("access-title"),
        form_html(ctx, &s, ""),
    ))
}

/// `POST /ui/admin/sign-in`.
pub async fn save(
    State(st): State<AppState>,
    p: Principal,
    headers: HeaderMap,
    UiForm(f): UiForm<AccessForm>,
) -> ApiResult<Response> {
    p.require(Action::RoutingManage)?;
    let ctx = Ctx::new(&st, p, &headers).await?;
    let t = ctx.p.tenant()?.clone();
    let kept = api::tenant_settings(&st, &t).await?;
    let mut doc = kept.to_doc();
    doc.two_factor = if f.two_factor == "required" {
        TwoFactor::Required
    } else {
        TwoFactor::Optional
    };
    doc.oidc = (!f.issuer.trim().is_empty()).then(|| OidcDoc {
        issuer: f.issuer.trim().to_string(),
        client_id: f.client_id.trim().to_string(),
        client_secret: Some(f.client_secret.clone()).filter(|s| !s.is_empty()),
        client_secret_set: None,
        role_claim: Some(f.role_claim.trim().to_string()).filter(|c| !c.is_empty()),
        create_users: f.create_users.is_some(),
    });
    let mut s = match api::check(&doc) {
        Ok(s) => s,
        Err(e) => {
            let note = format!("<span class=\"error\">{}</span>", esc(&e.message));
            let mut r = html_response(form_html(&ctx, &kept, &note));
            *r.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
            return Ok(r);
        }
    };
    api::seal_client_secret(&st, &t, &mut s, &kept);
    api::save(&st, &t, &s).await?;
    audit::record(
        &st,
        &ctx.p,
        AuditAction::SettingsReplaced,
        Some("settings:tenant".into()),
    )
    .await?;
    let note = format!("<span class=\"ok\">{}</span>", ctx.te("saved"));
    Ok(html_response(form_html(&ctx, &s, &note)))
}

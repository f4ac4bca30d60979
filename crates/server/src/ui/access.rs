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

use super::{Ctx, Markup, UiForm, html, markup_response};
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

/// The form, with `note` (the answer to the last save) at its top.
fn form_html(ctx: &Ctx, s: &TenantSettings, note: Markup) -> Markup {
    let o = s
        .oidc
        .as_ref()
        .map(|o| o.to_public_doc())
        .unwrap_or_default();
    let secret_hint = (o.client_secret_set == Some(true)).then(|| ctx.t("sso-secret-kept"));
    html! {
        form #access-form .stack hx-post="/ui/admin/sign-in" hx-target="#access-form"
            hx-swap="outerHTML" {
            p #access-msg aria-live="polite" { (note) }
            label for="ac-2fa" { (ctx.t("two-factor-rule")) }
            select #ac-2fa name="two_factor" {
                option value="optional" selected[s.two_factor == TwoFactor::Optional] {
                    (ctx.t("two-factor-optional"))
                }
                option value="required" selected[s.two_factor == TwoFactor::Required] {
                    (ctx.t("two-factor-required-choice"))
                }
            }
            (sso_fields(ctx, &o, secret_hint.as_deref().unwrap_or("")))
            button type="submit" { (ctx.t("save")) }
        }
    }
}

/// The single sign-on part of the form (the secret never shown).
fn sso_fields(ctx: &Ctx, o: &OidcDoc, secret_hint: &str) -> Markup {
    html! {
        h3 { (ctx.t("sso-title")) }
        p.hint { (ctx.t("sso-hint")) " " code { (super::sso::CALLBACK_PATH) } }
        label for="ac-issuer" { (ctx.t("sso-issuer")) }
        input #ac-issuer name="issuer" value=(o.issuer) maxlength="512"
            placeholder="https://id.example.com";
        label for="ac-client" { (ctx.t("sso-client-id")) }
        input #ac-client name="client_id" value=(o.client_id) maxlength="512";
        label for="ac-secret" { (ctx.t("sso-client-secret")) }
        input #ac-secret name="client_secret" type="password" autocomplete="off" maxlength="4096"
            placeholder=(secret_hint);
        label for="ac-claim" { (ctx.t("sso-role-claim")) }
        input #ac-claim name="role_claim" value=(o.role_claim.as_deref().unwrap_or(""))
            maxlength="64";
        label.check {
            input type="checkbox" name="create_users" checked[o.create_users];
            " " (ctx.t("sso-create-users"))
        }
    }
}

/// The section of the administration page (administrators only), as HTML
/// for the page (not yet a template) to splice.
pub async fn section_html(st: &AppState, ctx: &Ctx) -> ApiResult<Markup> {
    if !crate::perms::allowed(ctx.p.role, Action::RoutingManage) {
        return Ok(html! {});
    }
    let s = api::tenant_settings(st, ctx.p.tenant()?).await?;
    let section = html! {
        section.card aria-labelledby="access-h" {
            h2 #access-h { (ctx.t("access-title")) }
            (form_html(ctx, &s, html! {}))
        }
    };
    Ok(section)
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
            let note = html! { span.error { (e.message) } };
            let mut r = markup_response(form_html(&ctx, &kept, note));
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
    let note = html! { span.ok { (ctx.t("saved")) } };
    Ok(markup_response(form_html(&ctx, &s, note)))
}

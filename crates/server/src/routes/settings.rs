//! The tenant's settings: its time zone and holiday calendar, the settings
//! document named `tenant` (`center::settings`). `GET /api/v1/settings/tenant`
//! returns it (UTC and no holidays when never set); `PUT` replaces it whole
//! after `center::settings::TenantSettings` checked it, a mistake naming its
//! field (`holidays[3].date: …`). It is kept in the log like the routing plan
//! (fact `setting_set`), as compact JSON with the holidays in date order.
//!
//! The document also says how users sign in (`oidc`, `two_factor`:
//! `center::sign_in`). The OpenID client secret is sealed
//! ([`crate::secrets`]) before it is stored and never shown: `GET` says
//! `client_secret_set`, and a `PUT` without `client_secret` keeps the one
//! kept.
//!
//! The custom fields of customer records are the document named
//! `customer_fields` (`model::fields`): `GET` and `PUT
//! /api/v1/settings/customer-fields`.
//!
//! The agent desktop's document (reason codes, dispositions, scripts, canned
//! replies: `ui::settings`) is `GET` and `PUT /api/v1/settings/desktop`, as
//! text, checked as the administration page checks it.
//!
//! The tenant's task does not hold it yet: the pages that need the tenant's
//! day (the wallboard's "today") read it from the store at the edge.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use center::settings::{self, TenantSettings, TenantSettingsDoc};
use model::fields::{FieldDefs, FieldDefsDoc};
use store::Tenant;

use crate::AppState;
use crate::auth::Principal;
use crate::error::{ApiError, ApiResult};
use crate::perms::Action;
use crate::routes::Body;
use crate::tenant::Op;

/// The tenant's settings as stored (the default when none were set, or when
/// a stored document no longer passes the checks).
pub async fn tenant_settings(st: &AppState, t: &Tenant) -> ApiResult<TenantSettings> {
    let doc = st.store.setting(t, settings::NAME).await?;
    Ok(doc
        .and_then(|d| TenantSettings::parse(&d).ok())
        .unwrap_or_default())
}

/// Checks a document; a mistake is `invalid_field` naming the field.
pub fn check(doc: &TenantSettingsDoc) -> ApiResult<TenantSettings> {
    TenantSettings::from_doc(doc).map_err(|e| ApiError::field(&e.field, e.message))
}

/// Replaces the tenant's settings (committed before this returns).
pub async fn save(st: &AppState, t: &Tenant, s: &TenantSettings) -> ApiResult<()> {
    st.hub
        .tenant(t)
        .await?
        .call(Op::SetSetting {
            name: settings::NAME.into(),
            document: s.to_json(),
        })
        .await?;
    Ok(())
}

/// The purpose the tenant's OpenID client secret is sealed for.
pub fn oidc_purpose(t: &Tenant) -> String {
    format!("oidc:{}", t.id())
}

/// Seals a client secret sent in the clear; keeps the stored one when none
/// was sent (and the provider is the same).
pub fn seal_client_secret(
    st: &AppState,
    t: &Tenant,
    s: &mut TenantSettings,
    kept: &TenantSettings,
) {
    let Some(oidc) = s.oidc.as_mut() else { return };
    match oidc.client_secret.take() {
        Some(plain) if !crate::secrets::is_sealed(&plain) => {
            oidc.client_secret = Some(st.secrets.seal(&oidc_purpose(t), &plain));
        }
        // A sealed value is never taken from a user: only the kept one.
        _ => {
            oidc.client_secret = kept
                .oidc
                .as_ref()
                .filter(|k| k.issuer == oidc.issuer && k.client_id == oidc.client_id)
                .and_then(|k| k.client_secret.clone());
        }
    }
}

/// `GET /api/v1/settings/tenant`.
pub async fn get_tenant(State(st): State<AppState>, p: Principal) -> ApiResult<Response> {
    p.require(Action::RoutingRead)?;
    let s = tenant_settings(&st, p.tenant()?).await?;
    Ok(axum::Json(s.to_public_doc()).into_response())
}

/// `PUT /api/v1/settings/tenant`.
pub async fn put_tenant(
    State(st): State<AppState>,
    p: Principal,
    Body(doc): Body<TenantSettingsDoc>,
) -> ApiResult<Response> {
    p.require(Action::RoutingManage)?;
    let t = p.tenant()?;
    let mut s = check(&doc)?;
    let kept = tenant_settings(&st, t).await?;
    seal_client_secret(&st, t, &mut s, &kept);
    save(&st, t, &s).await?;
    let on = Some("settings:tenant".to_string());
    crate::audit::record(&st, &p, crate::audit::AuditAction::SettingsReplaced, on).await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

/// The tenant's custom field definitions (none when never set, or when a
/// stored document no longer passes the checks).
pub async fn field_defs(st: &AppState, t: &Tenant) -> ApiResult<FieldDefs> {
    let doc = st.store.setting(t, model::fields::NAME).await?;
    Ok(doc
        .and_then(|d| FieldDefs::parse(&d).ok())
        .unwrap_or_default())
}

/// `GET /api/v1/settings/customer-fields`.
pub async fn get_fields(State(st): State<AppState>, p: Principal) -> ApiResult<Response> {
    p.require(Action::CustomersRead)?;
    Ok(axum::Json(field_defs(&st, p.tenant()?).await?.to_doc()).into_response())
}

/// `PUT /api/v1/settings/customer-fields`: replaces the definitions whole;
/// records keep the values they have (a record is checked against the new
/// definitions when it is next written).
pub async fn put_fields(
    State(st): State<AppState>,
    p: Principal,
    Body(doc): Body<FieldDefsDoc>,
) -> ApiResult<Response> {
    p.require(Action::RoutingManage)?;
    let t = p.tenant()?;
    let defs = FieldDefs::from_doc(doc).map_err(|(part, why)| ApiError::field(&part, why))?;
    let document =
        serde_json::to_string(&defs.to_doc()).map_err(|e| ApiError::internal(e.to_string()))?;
    st.hub
        .tenant(t)
        .await?
        .call(Op::SetSetting {
            name: model::fields::NAME.into(),
            document,
        })
        .await?;
    let on = Some("settings:customer_fields".to_string());
    crate::audit::record(&st, &p, crate::audit::AuditAction::SettingsReplaced, on).await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

/// The agent desktop's settings document as text (TOML or JSON): reason
/// codes, disposition codes, scripts and canned replies (`ui::settings`).
#[derive(Debug, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DesktopDoc {
    /// The document, as the administration page shows it.
    pub document: String,
}

/// `GET /api/v1/settings/desktop`: the document as set (the default when none was).
pub async fn get_desktop(State(st): State<AppState>, p: Principal) -> ApiResult<Response> {
    p.require(Action::RoutingRead)?;
    let (document, _) = crate::ui::settings::DesktopSettings::of(&st, p.tenant()?).await?;
    Ok(axum::Json(DesktopDoc { document }).into_response())
}

/// `PUT /api/v1/settings/desktop`: replaces the document after the same
/// checks as the administration page (a mistake names where it is).
pub async fn put_desktop(
    State(st): State<AppState>,
    p: Principal,
    Body(doc): Body<DesktopDoc>,
) -> ApiResult<Response> {
    p.require(Action::RoutingManage)?;
    crate::ui::settings::DesktopSettings::parse(&doc.document)
        .map_err(|e| ApiError::field("document", e))?;
    st.hub
        .tenant(p.tenant()?)
        .await?
        .call(Op::SetSetting {
            name: crate::ui::settings::DESKTOP.into(),
            document: doc.document,
        })
        .await?;
    let on = Some("settings:desktop".to_string());
    crate::audit::record(&st, &p, crate::audit::AuditAction::SettingsReplaced, on).await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

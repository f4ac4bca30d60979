//! A case's letters: the list of those ordered (`case_letter_ordered`
//! facts), each printed as PDF on request (the same letter every time: it
//! is written from what the fact kept), and the tenant's templates
//! (`GET`/`PUT /api/v1/settings/letters`, TOML; see `printout::letters`).

use axum::extract::{Path, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::cases::visible;
use crate::AppState;
use crate::auth::Principal;
use crate::error::{ApiError, ApiResult};
use crate::perms::Action;
use crate::routes::{Body, path_id};
use crate::tenant::Op;

/// A letter ordered on a case.
#[derive(Debug, Serialize, ToSchema)]
pub struct LetterInfo {
    /// Its fact's number in the tenant's log (its id).
    pub seq: i64,
    /// When it was ordered (Unix ms).
    pub at: i64,
    /// The template's name.
    pub template: String,
    /// The language it is written in.
    pub language: String,
    /// `letter` or `email`.
    pub medium: String,
    /// Where its PDF is.
    pub pdf: String,
}

/// `GET /api/v1/cases/{id}/letters`.
#[derive(Debug, Serialize, ToSchema)]
pub struct Letters {
    /// Oldest first.
    pub letters: Vec<LetterInfo>,
}

/// `GET` and `PUT /api/v1/settings/letters`.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LettersDoc {
    /// The templates, TOML (`[[letter]] name, language, title, body`).
    pub document: String,
}

fn medium(m: model::case::LetterMedium) -> &'static str {
    match m {
        model::case::LetterMedium::Letter => "letter",
        model::case::LetterMedium::Email => "email",
    }
}

/// `GET /api/v1/cases/{id}/letters`.
pub async fn list(
    State(st): State<AppState>,
    p: Principal,
    Path(id): Path<String>,
) -> ApiResult<Response> {
    let id = path_id(&id, "case")?;
    visible(&st, &p, Action::CasesRead, id).await?;
    let facts = st
        .store
        .case_facts(p.tenant()?, id, super::cases::HISTORY_MAX)
        .await?;
    let letters = facts
        .into_iter()
        .filter_map(|r| match r.fact {
            store::Fact::CaseLetterOrdered {
                template,
                language,
                medium: m,
                ..
            } => Some(LetterInfo {
                seq: r.seq,
                at: r.at,
                template,
                language,
                medium: medium(m).into(),
                pdf: format!("/api/v1/cases/{id}/letters/{}", r.seq),
            }),
            _ => None,
        })
        .collect();
    Ok(axum::Json(Letters { letters }).into_response())
}

/// The debtor's postal address, one line each (none when unknown).
async fn address(
    st: &AppState,
    t: &store::Tenant,
    customer: Option<i64>,
) -> ApiResult<Vec<String>> {
    let Some(c) = customer else {
        return Ok(Vec::new());
    };
    let Some(full) = st.store.customer_full(t, c).await? else {
        return Ok(Vec::new());
    };
    let Some(a) = full.record.addresses.first() else {
        return Ok(Vec::new());
    };
    let town = [a.postal_code.as_deref(), a.city.as_deref()]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join(" ");
    Ok([a.street.clone(), Some(town), a.country.clone()]
        .into_iter()
        .flatten()
        .filter(|l| !l.trim().is_empty())
        .collect())
}

/// `GET /api/v1/cases/{id}/letters/{seq}`: the letter as PDF.
pub async fn pdf(
    State(st): State<AppState>,
    p: Principal,
    Path((id, seq)): Path<(String, String)>,
) -> ApiResult<Response> {
    let id = path_id(&id, "case")?;
    let seq = path_id(seq.trim_end_matches(".pdf"), "letter")?;
    let case = visible(&st, &p, Action::CasesRead, id).await?;
    let t = p.tenant()?;
    let fact = st.store.case_fact_at(t, id, seq).await?;
    let Some(store::Fact::CaseLetterOrdered {
        template,
        language,
        snapshot,
        ..
    }) = fact.map(|r| r.fact)
    else {
        return Err(ApiError::not_found("letter"));
    };
    let snap = snapshot.ok_or_else(|| {
        ApiError::conflict("this letter was ordered before letters kept their text")
    })?;
    let address = address(&st, t, case.customer_id).await?;
    let data = crate::letters::data_of(&snap, t.name(), address);
    let templates = crate::letters::templates(&st, t).await?;
    let bytes = crate::letters::render(templates, template.clone(), language, data).await?;
    let name = format!(
        "attachment; filename=\"{}-{template}-{seq}.pdf\"",
        case.reference.replace(['"', '\\', '/'], "_")
    );
    Ok((
        StatusCode::OK,
        [
            (header::CONTENT_TYPE, "application/pdf".to_string()),
            (header::CONTENT_DISPOSITION, name),
        ],
        bytes,
    )
        .into_response())
}

/// `GET /api/v1/settings/letters`: the tenant's templates (the shipped ones
/// when it has none of its own).
pub async fn get_templates(State(st): State<AppState>, p: Principal) -> ApiResult<Response> {
    p.require(Action::CasesRead)?;
    let doc = st
        .store
        .setting(p.tenant()?, crate::letters::SETTING)
        .await?;
    let document =
        doc.unwrap_or_else(|| printout::letters::Templates::defaults_source().to_string());
    Ok(axum::Json(LettersDoc { document }).into_response())
}

/// `PUT /api/v1/settings/letters`: the tenant's templates, over the shipped
/// ones per letter and language (a mistake names its line and field).
pub async fn put_templates(
    State(st): State<AppState>,
    p: Principal,
    Body(req): Body<LettersDoc>,
) -> ApiResult<Response> {
    p.require(Action::CasesManage)?;
    crate::letters::check(&req.document)?;
    let t = p.tenant()?;
    st.hub
        .tenant(t)
        .await?
        .call(Op::SetSetting {
            name: crate::letters::SETTING.into(),
            document: req.document,
        })
        .await?;
    let on = Some("settings:letters".to_string());
    crate::audit::record(&st, &p, crate::audit::AuditAction::SettingsReplaced, on).await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

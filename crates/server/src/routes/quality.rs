//! Quality review: the tenant's evaluation forms (the settings document
//! `quality_forms`, `model::quality::form`), evaluations of calls and chats
//! (scored here, recorded by the core as a `quality.evaluated` fact, in the
//! audit trail), and the agent's acknowledgement (`quality.acknowledged`).
//!
//! An agent sees only the evaluations of their own work; supervisors and
//! administrators evaluate and see all of their tenant's. A supervisor
//! evaluates an interaction once (calibration is several supervisors on
//! one interaction: [`super::calibration`]).

use std::collections::HashMap;

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use model::quality::{
    Answer, COMMENT_MAX, COMMENTS_MAX, Comment, Evaluation, Forms, FormsDoc, Moment,
};
use model::{AgentId, Channel, InteractionId};
use serde::{Deserialize, Serialize};
use store::Tenant;
use store::quality::{EvaluationDetail, EvaluationFilter, EvaluationView};
use store::read::InteractionView;

use crate::AppState;
use crate::audit::AuditAction;
use crate::auth::Principal;
use crate::error::{ApiError, ApiResult};
use crate::perms::{Action, own_work};
use crate::routes::{Body, path_id};
use crate::tenant::{Ack, Op};
use center::quality::QualityCommand;

/// The tenant's forms (none when never set, or when a stored document no
/// longer passes the checks).
pub async fn forms(st: &AppState, t: &Tenant) -> ApiResult<Forms> {
    let doc = st.store.setting(t, model::quality::form::NAME).await?;
    Ok(doc.and_then(|d| Forms::parse(&d).ok()).unwrap_or_default())
}

/// Checks and saves the forms document (audited).
pub async fn save_forms(st: &AppState, p: &Principal, doc: FormsDoc) -> ApiResult<()> {
    p.require(Action::QualityManage)?;
    let forms = Forms::from_doc(doc).map_err(|(part, why)| ApiError::field(&part, why))?;
    let document = serde_json::to_string(&forms.to_doc()).map_err(ApiError::internal)?;
    let name = model::quality::form::NAME;
    st.hub
        .tenant(p.tenant()?)
        .await?
        .call(Op::SetSetting {
            name: name.into(),
            document,
        })
        .await?;
    let on = Some(format!("settings:{name}"));
    crate::audit::record(st, p, AuditAction::SettingsReplaced, on).await
}

/// `GET /api/v1/quality/forms`.
pub async fn get_forms(State(st): State<AppState>, p: Principal) -> ApiResult<Response> {
    p.require(Action::QualityRead)?;
    Ok(axum::Json(forms(&st, p.tenant()?).await?.to_doc()).into_response())
}

/// `PUT /api/v1/quality/forms`: replaces the forms whole (evaluations made
/// keep the form as it was).
pub async fn put_forms(
    State(st): State<AppState>,
    p: Principal,
    Body(doc): Body<FormsDoc>,
) -> ApiResult<Response> {
    save_forms(&st, &p, doc).await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

/// An evaluation as asked for.
#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewEvaluation {
    /// The interaction (a call or a chat).
    pub interaction: i64,
    /// The form's id.
    pub form: String,
    /// One answer per question of the form.
    pub answers: Vec<Answer>,
    /// Comments at moments: `{"at_ms": …}` into a call's recording, `{"message": seq}` of a chat.
    #[serde(default)]
    pub comments: Vec<Comment>,
    /// The overall comment.
    #[serde(default)]
    pub comment: String,
}

/// An evaluation made, with its score.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Evaluated {
    /// Its id.
    pub id: i64,
    /// The score, percent.
    pub score: f64,
    /// A critical question failed (the score is 0).
    pub critical_failed: bool,
}

/// Whether an interaction's moments are times in a recording.
pub fn is_call(c: Channel) -> bool {
    matches!(
        c,
        Channel::Voice | Channel::OutboundVoice | Channel::Callback
    )
}

/// Checks the comments: their number and length, and that each points at
/// a moment of this interaction (a time for a call, one of its messages
/// otherwise).
async fn check_comments(
    st: &AppState,
    t: &Tenant,
    it: &InteractionView,
    req: &NewEvaluation,
) -> ApiResult<()> {
    if req.comments.len() > COMMENTS_MAX {
        return Err(ApiError::field(
            "comments",
            format!("at most {COMMENTS_MAX}"),
        ));
    }
    if req.comment.len() > COMMENT_MAX {
        return Err(ApiError::field(
            "comment",
            format!("at most {COMMENT_MAX} bytes"),
        ));
    }
    let seqs: Vec<i64> = if is_call(it.channel) {
        Vec::new()
    } else {
        st.store
            .interaction_facts(t, it.id)
            .await?
            .iter()
            .map(|r| r.seq)
            .collect()
    };
    for (i, c) in req.comments.iter().enumerate() {
        if c.text.trim().is_empty() || c.text.len() > COMMENT_MAX {
            return Err(ApiError::field(
                &format!("comments[{i}].text"),
                format!("1 to {COMMENT_MAX} bytes"),
            ));
        }
        let ok = match c.moment {
            Moment::At { .. } => is_call(it.channel),
            Moment::Message { message } => seqs.contains(&message),
        };
        if !ok {
            let why = if is_call(it.channel) {
                "a call's moment is {\"at_ms\": …}"
            } else {
                "not a message of this interaction"
            };
            return Err(ApiError::field(&format!("comments[{i}].moment"), why));
        }
    }
    Ok(())
}

/// Scores and records an evaluation (audited); the API and the page share it.
pub async fn evaluate(st: &AppState, p: &Principal, req: NewEvaluation) -> ApiResult<Evaluated> {
    let it = crate::scope::interaction(st, p, Action::QualityEvaluate, req.interaction).await?;
    let t = p.tenant()?;
    let all = forms(st, t).await?;
    let form = all
        .get(&req.form)
        .ok_or_else(|| {
            ApiError::field("form", format!("{} is not a form of this tenant", req.form))
        })?
        .clone();
    let scored = model::quality::score::score(&form, &req.answers)
        .map_err(|(part, why)| ApiError::field(&part, why))?;
    check_comments(st, t, &it, &req).await?;
    let mine = EvaluationFilter {
        interaction: Some(it.id),
        evaluator: Some(p.name.clone()),
        ..Default::default()
    };
    if !st.store.evaluations(t, &mine).await?.is_empty() {
        return Err(ApiError::conflict(format!(
            "you already evaluated interaction {}",
            it.id
        )));
    }
    let body = Evaluation {
        interaction: InteractionId(it.id as u64),
        channel: it.channel,
        agent: it.agent_id.map(|a| AgentId(a as u32)),
        evaluator: p.name.clone(),
        form,
        answers: req.answers,
        comments: req.comments,
        comment: req.comment,
        score: scored.score,
        critical_failed: scored.critical_failed,
    };
    let cmd = QualityCommand::Evaluate(Box::new(body));
    let id = command(st, p, cmd, AuditAction::Evaluated, "evaluation", None).await?;
    Ok(Evaluated {
        id,
        score: f64::from(scored.score) / 100.0,
        critical_failed: scored.critical_failed,
    })
}

/// `POST /api/v1/evaluations`.
pub async fn create(
    State(st): State<AppState>,
    p: Principal,
    Body(req): Body<NewEvaluation>,
) -> ApiResult<Response> {
    let made = evaluate(&st, &p, req).await?;
    Ok((StatusCode::CREATED, axum::Json(made)).into_response())
}

/// The agent a principal is limited to for an action (none: sees all).
pub fn own_agent(p: &Principal, action: Action) -> ApiResult<Option<i64>> {
    if !own_work(p.role, action) {
        return Ok(None);
    }
    p.agent
        .map(|a| Some(i64::from(a.0)))
        .ok_or_else(|| ApiError::conflict("your user is not linked to an agent"))
}

/// Evaluations.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Evaluations {
    /// Newest first.
    pub evaluations: Vec<EvaluationView>,
}

/// The filter a query asks for (an agent is limited to their own).
pub fn filter_of(p: &Principal, q: &HashMap<String, String>) -> ApiResult<EvaluationFilter> {
    let int = |k: &str| -> ApiResult<Option<i64>> {
        q.get(k)
            .map(|v| v.parse::<i64>().map_err(|_| ApiError::field(k, "a number")))
            .transpose()
    };
    let time = |k: &str| q.get(k).map(|v| super::time_field(k, v)).transpose();
    let mut f = EvaluationFilter {
        agent: int("agent")?,
        interaction: int("interaction")?,
        evaluator: q.get("evaluator").cloned(),
        from: time("from")?,
        to: time("to")?,
    };
    if let Some(me) = own_agent(p, Action::QualityRead)? {
        f.agent = Some(me);
    }
    Ok(f)
}

/// `GET /api/v1/evaluations?agent=&interaction=&evaluator=&from=&to=`.
pub async fn list(
    State(st): State<AppState>,
    p: Principal,
    Query(q): Query<HashMap<String, String>>,
) -> ApiResult<Response> {
    p.require(Action::QualityRead)?;
    let f = filter_of(&p, &q)?;
    let evaluations = st.store.evaluations(p.tenant()?, &f).await?;
    Ok(axum::Json(Evaluations { evaluations }).into_response())
}

/// One evaluation, if the principal may see it (an agent: their own).
pub async fn visible(st: &AppState, p: &Principal, id: i64) -> ApiResult<EvaluationDetail> {
    p.require(Action::QualityRead)?;
    let e = st
        .store
        .evaluation(p.tenant()?, id)
        .await?
        .ok_or_else(|| ApiError::not_found("evaluation"))?;
    match own_agent(p, Action::QualityRead)? {
        Some(me) if e.evaluation.agent != Some(me) => Err(ApiError::not_found("evaluation")),
        _ => Ok(e),
    }
}

/// `GET /api/v1/evaluations/{id}`.
pub async fn one(
    State(st): State<AppState>,
    p: Principal,
    Path(id): Path<String>,
) -> ApiResult<Response> {
    let id = path_id(&id, "evaluation")?;
    Ok(axum::Json(visible(&st, &p, id).await?).into_response())
}

/// An agent's acknowledgement.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Acknowledgement {
    /// Their reply (may be empty).
    #[serde(default)]
    pub reply: String,
}

/// The evaluated agent acknowledges an evaluation, once (audited).
pub async fn acknowledge_as(st: &AppState, p: &Principal, id: i64, reply: String) -> ApiResult<()> {
    p.require(Action::QualityAcknowledge)?;
    let e = visible(st, p, id).await?;
    let me = p.agent.map(|a| i64::from(a.0));
    if me.is_none() || e.evaluation.agent != me {
        return Err(ApiError::not_found("evaluation"));
    }
    if reply.len() > COMMENT_MAX {
        return Err(ApiError::field(
            "reply",
            format!("at most {COMMENT_MAX} bytes"),
        ));
    }
    let cmd = QualityCommand::Acknowledge {
        evaluation: id as u64,
        by: p.name.clone(),
        reply: reply.trim().to_string(),
    };
    let action = AuditAction::EvaluationAcknowledged;
    command(st, p, cmd, action, "evaluation", Some(id)).await?;
    Ok(())
}

/// Gives the tenant's core a quality command and records it in the audit
/// trail as `action` on `what:{id}` (`known`, else the id the core answered).
pub(crate) async fn command(
    st: &AppState,
    p: &Principal,
    cmd: QualityCommand,
    action: AuditAction,
    what: &str,
    known: Option<i64>,
) -> ApiResult<i64> {
    let ack = st
        .hub
        .tenant(p.tenant()?)
        .await?
        .call(Op::Quality(cmd))
        .await?;
    let id = match (known, ack) {
        (Some(id), _) | (None, Ack::Id(id)) => id,
        _ => return Err(ApiError::internal("the core answered no id")),
    };
    crate::audit::record(st, p, action, Some(format!("{what}:{id}"))).await?;
    Ok(id)
}

/// `POST /api/v1/evaluations/{id}/acknowledge`.
pub async fn acknowledge(
    State(st): State<AppState>,
    p: Principal,
    Path(id): Path<String>,
    body: Option<Body<Acknowledgement>>,
) -> ApiResult<Response> {
    let id = path_id(&id, "evaluation")?;
    let reply = body.map(|b| b.0.reply).unwrap_or_default();
    acknowledge_as(&st, &p, id, reply).await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

/// The quality review's and training library's API routes.
pub fn routes() -> axum::Router<AppState> {
    use super::{calibration, playlists};
    use axum::routing::{get, post};
    axum::Router::new()
        .route("/api/v1/quality/forms", get(get_forms).put(put_forms))
        .route("/api/v1/quality/scores", get(calibration::scores))
        .route("/api/v1/evaluations", get(list).post(create))
        .route("/api/v1/evaluations/{id}", get(one))
        .route("/api/v1/evaluations/{id}/acknowledge", post(acknowledge))
        .route(
            "/api/v1/interactions/{id}/calibration",
            get(calibration::calibration),
        )
        .route(
            "/api/v1/playlists",
            get(playlists::list).post(playlists::create),
        )
        .route(
            "/api/v1/playlists/{id}",
            get(playlists::one)
                .put(playlists::put)
                .delete(playlists::remove),
        )
        .route(
            "/api/v1/playlists/{id}/items/{n}/recording",
            get(playlists::item_recording),
        )
}

//! Quality review of one interaction (supervisors): the recording player
//! of a call (both legs drawn as two lanes, its pauses marked, "comment at
//! this moment") or the transcript of a chat ("comment on this message"),
//! the evaluation form (a form of the tenant's, answered question by
//! question, comments at moments, an overall comment; scored by the same
//! code as `POST /api/v1/evaluations`), and the calibration card: every
//! evaluator's score, the spread, and the questions where they differ.
//! Maud templates; the player is `assets/player.js`.

use axum::extract::{Path, Query, State};
use axum::http::HeaderMap;
use axum::response::Response;
use model::quality::{Answer, AnswerValue, Choice, Comment, Form, Moment, Question, QuestionKind};
use store::read::{InteractionView, MessageView};

use super::{Ctx, Markup, UiForm, html, layout};
use crate::AppState;
use crate::auth::Principal;
use crate::error::{ApiError, ApiResult};
use crate::perms::Action;
use crate::routes::calibration::{Calibration, calibration_of};
use crate::routes::path_id;
use crate::routes::quality::{NewEvaluation, evaluate, forms, is_call};
use crate::routes::recording::{RecordingInfo, recording_info};

/// Comment rows offered on the form.
const COMMENT_ROWS: usize = 4;

/// `m:ss` of a number of milliseconds.
pub fn clock(ms: u64) -> String {
    let s = ms / 1000;
    format!("{}:{:02}", s / 60, s % 60)
}

/// Milliseconds of `m:ss`, `h:mm:ss` or seconds.
fn parse_clock(s: &str) -> Option<u64> {
    s.trim()
        .split(':')
        .try_fold(0u64, |acc, part| {
            Some(acc * 60 + part.trim().parse::<u64>().ok()?)
        })
        .map(|secs| secs * 1000)
}

/// The player of a call's recording (none recorded: a line saying so).
pub fn player(ctx: &Ctx, id: i64, rec: Option<&RecordingInfo>) -> Markup {
    let Some(rec) = rec else {
        return html! { p.hint { (ctx.t("quality-no-recording")) } };
    };
    let pauses: Vec<String> = rec
        .pauses
        .iter()
        .map(|(at, len)| format!("{at}:{len}"))
        .collect();
    html! {
        div.player data-player=(format!("/api/v1/interactions/{id}/recording")) data-pauses=(pauses.join(",")) {
            audio #player-audio controls preload="none" src=(format!("/api/v1/interactions/{id}/recording"))
                aria-label=(ctx.t("quality-recording")) {}
            canvas #player-lanes width="800" height="120" tabindex="0" role="img"
                aria-label=(ctx.t("quality-lanes")) {}
            p.legend {
                span.lane-customer { (ctx.t("quality-customer")) } " · "
                span.lane-agent { (ctx.t("quality-agent")) } " · "
                span.lane-pause { (ctx.t("quality-pause")) }
            }
            @if !rec.pauses.is_empty() {
                ul.pauses {
                    @for (at, len) in &rec.pauses {
                        li {
                            a href="#player-audio" data-seek-ms=(at) {
                                (ctx.ta("quality-paused-at", &[("time", i18n::Arg::Str(clock(*at).as_str())),
                                    ("duration", i18n::Arg::Str(clock(*len).as_str()))]))
                            }
                        }
                    }
                }
            }
            button type="button" #comment-here { (ctx.t("quality-comment-here")) }
        }
    }
}

/// A chat's transcript, each message with "comment on this message".
pub fn transcript(ctx: &Ctx, messages: &[MessageView], commenting: bool) -> Markup {
    html! {
        ol.transcript {
            @for m in messages {
                li #(format!("msg-{}", m.seq)) {
                    span.who { (m.from) " · " (ctx.datetime(m.at)) } " "
                    span { (m.body) }
                    @if commenting {
                        " "
                        button type="button" .secondary data-comment-message=(m.seq) {
                            (ctx.t("quality-comment-message"))
                        }
                    }
                }
            }
        }
    }
}

/// Where a comment points, as a link that seeks the player or shows the message.
pub fn moment_link(ctx: &Ctx, c: &Comment) -> Markup {
    match c.moment {
        Moment::At { at_ms } => html! {
            a href="#player-audio" data-seek-ms=(at_ms) { (clock(at_ms)) }
        },
        Moment::Message { message } => html! {
            a href=(format!("#msg-{message}")) { (ctx.ta("quality-message", &[("id", i18n::Arg::Num(message as f64))])) }
        },
    }
}

fn question_input(ctx: &Ctx, q: &Question) -> Markup {
    let name = format!("q.{}", q.id);
    let mut options: Vec<(String, String)> = match q.kind {
        QuestionKind::YesNo => vec![
            ("yes".into(), ctx.t("quality-yes")),
            ("no".into(), ctx.t("quality-no")),
        ],
        QuestionKind::Scale => (0..=q.max.unwrap_or(1))
            .map(|v| (v.to_string(), v.to_string()))
            .collect(),
    };
    if q.na {
        options.push(("na".into(), ctx.t("quality-na")));
    }
    html! {
        fieldset.question {
            legend {
                (q.text)
                " " span.hint { (ctx.ta("quality-weight", &[("n", i18n::Arg::Num(f64::from(q.weight)))])) }
                @if q.critical { " " span.badge.flag { (ctx.t("quality-critical")) } }
            }
            @for (i, (v, label)) in options.iter().enumerate() {
                label.check {
                    input type="radio" name=(name) value=(v) required[i == 0];
                    " " (label)
                }
            }
        }
    }
}

fn comment_rows(ctx: &Ctx, call: bool, messages: &[MessageView]) -> Markup {
    html! {
        fieldset.comments {
            legend { (ctx.t("quality-comments")) }
            @for i in 0..COMMENT_ROWS {
                .row {
                    @if call {
                        label { (ctx.t("quality-moment")) " "
                            input name=(format!("moment.{i}")) data-moment size="7" placeholder="m:ss"; }
                    } @else {
                        label { (ctx.t("quality-on-message")) " "
                            select name=(format!("moment.{i}")) data-moment-message {
                                option value="" { "—" }
                                @for m in messages {
                                    option value=(m.seq) { (format!("#{} {}", m.seq, m.body.chars().take(30).collect::<String>())) }
                                }
                            }
                        }
                    }
                    label { (ctx.t("quality-comment")) " "
                        input name=(format!("text.{i}")) data-comment-text maxlength="4000" size="40"; }
                }
            }
        }
    }
}

fn eval_form(ctx: &Ctx, it: &InteractionView, form: &Form, messages: &[MessageView]) -> Markup {
    html! {
        form.stack #evaluation-form hx-post=(format!("/ui/quality/interactions/{}", it.id))
            hx-target="#evaluation-msg" hx-swap="innerHTML" {
            input type="hidden" name="form" value=(form.id);
            @for s in &form.sections {
                section aria-label=(s.title) {
                    h3 { (s.title) }
                    @for q in &s.questions { (question_input(ctx, q)) }
                }
            }
            (comment_rows(ctx, is_call(it.channel), messages))
            label { (ctx.t("quality-overall")) textarea name="comment" rows="3" maxlength="4000" {} }
            p #evaluation-msg aria-live="polite" {}
            .row { button type="submit" { (ctx.t("quality-submit")) } }
        }
    }
}

/// A refusal shown next to the form (422), or the error itself.
pub fn refused(e: ApiError) -> ApiResult<Response> {
    if !e.status.is_client_error() {
        return Err(e);
    }
    let mut r = super::markup_response(html! { span.error { (e.message) } });
    *r.status_mut() = axum::http::StatusCode::UNPROCESSABLE_ENTITY;
    Ok(r)
}

/// The calibration card: each evaluator's score, the spread, the answers that differ.
pub fn calibration_card(ctx: &Ctx, c: &Calibration) -> Markup {
    html! {
        section.card #calibration aria-labelledby="calibration-h" {
            h2 #calibration-h { (ctx.t("quality-calibration")) }
            @if c.evaluations.is_empty() {
                p { (ctx.t("quality-none")) }
            } @else {
                table {
                    thead { tr { th scope="col" { (ctx.t("quality-evaluator")) } th scope="col" { (ctx.t("quality-form")) } th scope="col" { (ctx.t("quality-score")) } } }
                    tbody {
                        @for e in &c.evaluations {
                            tr {
                                td { a href=(format!("/ui/quality/evaluations/{}", e.id)) { (e.evaluator) } }
                                td { (e.form_name) }
                                td.score { (super::quality::score_text(ctx, e.score)) @if e.critical_failed { " " span.badge.flag { (ctx.t("quality-critical-failed")) } } }
                            }
                        }
                    }
                }
                @if let Some(s) = c.spread {
                    p #spread { (ctx.ta("quality-spread", &[("value", i18n::Arg::Str(format!("{:.1}", s.range).as_str())),
                        ("target", i18n::Arg::Str(format!("{:.1}", s.std_dev).as_str())), ("count", i18n::Arg::Num(s.count as f64))])) }
                }
                @let differ: Vec<_> = c.questions.iter().filter(|q| q.differ).collect();
                @if !differ.is_empty() {
                    h3 { (ctx.t("quality-differ")) }
                    .scroll { table {
                        thead { tr { th scope="col" { (ctx.t("quality-question")) } @for e in &c.questions[0].answers { th scope="col" { (e.evaluator) } } } }
                        tbody { @for q in differ { tr { th scope="row" { (q.text) } @for a in &q.answers { td { (value_text(ctx, a.value)) } } } } }
                    } }
                }
            }
        }
    }
}

/// An answer in words.
pub fn value_text(ctx: &Ctx, v: AnswerValue) -> String {
    match v {
        AnswerValue::Choice(Choice::Yes) => ctx.t("quality-yes"),
        AnswerValue::Choice(Choice::No) => ctx.t("quality-no"),
        AnswerValue::Choice(Choice::Na) => ctx.t("quality-na"),
        AnswerValue::Points(p) => p.to_string(),
    }
}

/// `GET /ui/quality/interactions/{id}?form=`.
pub async fn page(
    State(st): State<AppState>,
    p: Principal,
    headers: HeaderMap,
    Path(id): Path<String>,
    Query(q): Query<std::collections::HashMap<String, String>>,
) -> ApiResult<Response> {
    let id = path_id(&id, "interaction")?;
    let it = crate::scope::interaction(&st, &p, Action::QualityEvaluate, id).await?;
    let ctx = Ctx::new(&st, p, &headers).await?;
    let t = ctx.p.tenant()?.clone();
    let all = forms(&st, &t).await?;
    let form = q
        .get("form")
        .and_then(|f| all.get(f))
        .or(all.forms().first());
    let messages = if is_call(it.channel) {
        Vec::new()
    } else {
        st.store.messages(&t, id, 0).await?
    };
    let media = if is_call(it.channel) {
        player(&ctx, id, recording_info(&st, &t, id).await?.as_ref())
    } else {
        transcript(&ctx, &messages, true)
    };
    let cal = calibration_of(&st, &ctx.p, id).await?;
    let main = html! {
        p { a href="/ui/quality" { (ctx.t("quality-back")) } }
        section.card aria-labelledby="media-h" {
            h2 #media-h { (ctx.ta("quality-interaction", &[("id", i18n::Arg::Num(id as f64)), ("channel", i18n::Arg::Str(&super::popup::channel_label(&ctx, it.channel.as_str())))])) }
            (media)
        }
        section.card aria-labelledby="evaluate-h" {
            h2 #evaluate-h { (ctx.t("quality-evaluate")) }
            form.row method="get" {
                label { (ctx.t("quality-form")) " "
                    select name="form" { @for f in all.forms() { option value=(f.id) selected[Some(f) == form] { (f.name) } } } }
                button type="submit" .secondary { (ctx.t("quality-use-form")) }
            }
            @match form {
                Some(f) => (eval_form(&ctx, &it, f, &messages)),
                None => p { (ctx.t("quality-no-forms")) },
            }
        }
        (calibration_card(&ctx, &cal))
        script src="/ui/assets/player.js" defer {}
    };
    Ok(layout(
        &ctx,
        "quality-review-title",
        "/ui/quality",
        "quality",
        None,
        main,
    ))
}

/// The evaluation the form sent (a call's moments are `m:ss`, a chat's
/// are message numbers).
fn evaluation_of(id: i64, call: bool, form: &[(String, String)]) -> ApiResult<NewEvaluation> {
    let get = |k: &str| {
        form.iter()
            .find(|(n, _)| n == k)
            .map(|(_, v)| v.trim().to_string())
    };
    let mut answers = Vec::new();
    for (k, v) in form {
        let Some(q) = k.strip_prefix("q.") else {
            continue;
        };
        let value = match v.as_str() {
            "yes" => AnswerValue::Choice(Choice::Yes),
            "no" => AnswerValue::Choice(Choice::No),
            "na" => AnswerValue::Choice(Choice::Na),
            n => AnswerValue::Points(n.parse().map_err(|_| ApiError::field(k, "an answer"))?),
        };
        answers.push(Answer {
            question: q.into(),
            value,
        });
    }
    let mut comments = Vec::new();
    for i in 0..COMMENT_ROWS {
        let text = get(&format!("text.{i}")).unwrap_or_default();
        if text.is_empty() {
            continue;
        }
        let m = get(&format!("moment.{i}")).unwrap_or_default();
        let moment = match call {
            true => {
                parse_clock(if m.is_empty() { "0" } else { &m }).map(|at_ms| Moment::At { at_ms })
            }
            false => m
                .parse::<i64>()
                .ok()
                .map(|message| Moment::Message { message }),
        };
        let moment = moment.ok_or_else(|| {
            ApiError::field(
                &format!("moment.{i}"),
                if call { "m:ss" } else { "a message" },
            )
        })?;
        comments.push(Comment { moment, text });
    }
    Ok(NewEvaluation {
        interaction: id,
        form: get("form").unwrap_or_default(),
        answers,
        comments,
        comment: get("comment").unwrap_or_default(),
    })
}

/// `POST /ui/quality/interactions/{id}`: evaluates, then shows the evaluation.
pub async fn submit(
    State(st): State<AppState>,
    p: Principal,
    headers: HeaderMap,
    Path(id): Path<String>,
    UiForm(form): UiForm<Vec<(String, String)>>,
) -> ApiResult<Response> {
    let id = path_id(&id, "interaction")?;
    let it = crate::scope::interaction(&st, &p, Action::QualityEvaluate, id).await?;
    let made = match evaluation_of(id, is_call(it.channel), &form) {
        Ok(req) => evaluate(&st, &p, req).await,
        Err(e) => Err(e),
    };
    match made {
        Ok(m) => Ok(super::redirect(
            &headers,
            &format!("/ui/quality/evaluations/{}", m.id),
        )),
        Err(e) => refused(e),
    }
}

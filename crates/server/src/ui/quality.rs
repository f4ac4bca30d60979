//! The quality pages. Supervisors' `/ui/quality`: open an interaction to
//! evaluate, scores per agent and team by week (a table and a small SVG
//! chart), the latest evaluations, and the evaluation forms (administrators
//! edit the document, checked like `PUT /api/v1/quality/forms`). An
//! evaluation's page (`/ui/quality/evaluations/{id}`): its answers, its
//! comments as links that seek the player, and for its agent the
//! acknowledgement with a reply. Agents' `/ui/quality/mine`: their own
//! evaluations and scores. Maud templates.

use std::collections::HashMap;

use axum::extract::{Path, Query, State};
use axum::http::HeaderMap;
use axum::response::Response;
use model::quality::FormsDoc;
use serde::Deserialize;
use store::quality::{EvaluationDetail, EvaluationFilter, EvaluationView};

use super::review::{moment_link, player, refused, transcript, value_text};
use super::{Ctx, Markup, UiForm, html, layout, markup_response};
use crate::AppState;
use crate::auth::Principal;
use crate::error::ApiResult;
use crate::perms::{Action, allowed};
use crate::routes::calibration::{Scores, Series, scores_of};
use crate::routes::path_id;
use crate::routes::quality::{acknowledge_as, forms, is_call, save_forms, visible};

/// Evaluations listed on the pages.
const SHOWN: usize = 20;
/// Lines drawn in the chart.
const LINES_MAX: usize = 6;
/// The chart's colours (dark enough on white).
const COLOURS: [&str; 7] = [
    "#0b4f8a", "#a33b00", "#2d6a1f", "#6b2d8a", "#8a6d00", "#00606b", "#111111",
];

/// A score in the user's language (`80,5 %`).
pub fn score_text(ctx: &Ctx, v: f64) -> String {
    i18n::percent(ctx.lang, v / 100.0, 1)
}

/// The evaluations' table.
fn evaluations_table(ctx: &Ctx, list: &[EvaluationView], names: &HashMap<i64, String>) -> Markup {
    html! {
        @if list.is_empty() { p { (ctx.t("quality-none")) } } @else {
            .scroll { table #evaluations {
                thead { tr {
                    th scope="col" { "#" } th scope="col" { (ctx.t("quality-when")) }
                    th scope="col" { (ctx.t("quality-agent")) } th scope="col" { (ctx.t("quality-evaluator")) }
                    th scope="col" { (ctx.t("quality-form")) } th scope="col" { (ctx.t("quality-score")) }
                    th scope="col" { (ctx.t("quality-acknowledged")) }
                } }
                tbody { @for e in list.iter().take(SHOWN) { tr {
                    td { a href=(format!("/ui/quality/evaluations/{}", e.id)) { (e.id) } }
                    td { (ctx.datetime(e.at)) }
                    td { (e.agent.and_then(|a| names.get(&a)).map(String::as_str).unwrap_or("—")) }
                    td { (e.evaluator) }
                    td { (e.form_name) }
                    td { (score_text(ctx, e.score)) @if e.critical_failed { " " span.badge.flag { (ctx.t("quality-critical-failed")) } } }
                    td { @if let Some(at) = e.acknowledged_at { (ctx.datetime(at)) } @else { (ctx.t("quality-pending")) } }
                } } }
            } }
        }
    }
}

/// The overall series' name (`all` in the API), as a heading.
fn everyone(ctx: &Ctx) -> String {
    let word = ctx.t("quality-everyone");
    let mut chars = word.chars();
    chars
        .next()
        .map_or(word.clone(), |c| c.to_uppercase().chain(chars).collect())
}

/// A small line chart of the series' means by period.
fn chart(ctx: &Ctx, s: &Scores, lines: &[&Series]) -> Markup {
    let (w, h) = (600.0, 160.0);
    let n = s.periods.len().max(2) as f64 - 1.0;
    let x = |i: usize| 30.0 + (w - 40.0) * i as f64 / n;
    let y = |v: f64| 10.0 + (h - 30.0) * (1.0 - v / 100.0);
    html! {
        svg.chart viewBox=(format!("0 0 {w} {h}")) role="img" aria-labelledby="chart-title" {
            title #chart-title { (ctx.t("quality-chart")) }
            @for v in [0.0, 50.0, 100.0] {
                line x1="30" x2=(w - 10.0) y1=(y(v)) y2=(y(v)) stroke="#bbb" {}
                text x="0" y=(y(v) + 4.0) font-size="10" { (v) }
            }
            @for (k, l) in lines.iter().enumerate() {
                @let pts: Vec<String> = l.points.iter().filter_map(|p| {
                    s.periods.iter().position(|q| *q == p.period).map(|i| format!("{:.1},{:.1}", x(i), y(p.mean)))
                }).collect();
                polyline points=(pts.join(" ")) fill="none" stroke=(COLOURS[k % COLOURS.len()]) stroke-width="2" {}
                @for pt in &pts { @let (cx, cy) = pt.split_once(',').unwrap_or(("0", "0"));
                    circle cx=(cx) cy=(cy) r="3" fill=(COLOURS[k % COLOURS.len()]) {} }
            }
        }
        p.legend { @for (k, l) in lines.iter().enumerate() {
            span style=(format!("color:{}", COLOURS[k % COLOURS.len()])) { "■ " }
            @if s.overall.iter().any(|o| std::ptr::eq(o, *l)) { (everyone(ctx)) } @else { (l.name) } " "
        } }
    }
}

/// The scores' table: one row a series, one column a period.
fn scores_table(ctx: &Ctx, s: &Scores) -> Markup {
    let rows: Vec<(&str, &Series)> = s
        .agents
        .iter()
        .map(|a| ("quality-agent", a))
        .chain(s.teams.iter().map(|t| ("quality-team", t)))
        .chain(s.overall.iter().map(|o| ("quality-everyone", o)))
        .collect();
    html! {
        .scroll { table #scores {
            thead { tr {
                th scope="col" { (ctx.t("quality-who")) }
                @for p in &s.periods { th scope="col" { (p) } }
                th scope="col" { (ctx.t("quality-mean")) }
            } }
            tbody { @for (kind, r) in rows { tr {
                th scope="row" {
                    // The overall series is named `all` in the API.
                    @if kind == "quality-everyone" { (everyone(ctx)) } @else { (r.name) " " span.hint { (ctx.t(kind)) } }
                }
                @for p in &s.periods { td {
                    @match r.points.iter().find(|x| x.period == *p) {
                        Some(x) => { (score_text(ctx, x.mean)) " " span.hint { "(" (x.count) ")" } },
                        None => "—",
                    }
                } }
                td { (score_text(ctx, r.mean)) }
            } } }
        } }
    }
}

/// The scores card (by week, the last twelve).
async fn scores_card(st: &AppState, ctx: &Ctx) -> ApiResult<Markup> {
    let s = scores_of(st, &ctx.p, &HashMap::new()).await?;
    let lines: Vec<&Series> = s
        .overall
        .iter()
        .chain(s.agents.iter())
        .take(LINES_MAX)
        .collect();
    Ok(html! {
        section.card aria-labelledby="scores-h" {
            h2 #scores-h { (ctx.t("quality-scores")) }
            p.hint { (ctx.t("quality-scores-hint")) }
            @if s.agents.is_empty() { p { (ctx.t("quality-none")) } } @else {
                (chart(ctx, &s, &lines))
                (scores_table(ctx, &s))
            }
        }
    })
}

/// The forms card: the document to edit (administrators) or the forms to read.
async fn forms_card(st: &AppState, ctx: &Ctx) -> ApiResult<Markup> {
    let all = forms(st, ctx.p.tenant()?).await?;
    let doc = serde_json::to_string_pretty(&all.to_doc()).unwrap_or_default();
    let edit = allowed(ctx.p.role, Action::QualityManage);
    Ok(html! {
        section.card aria-labelledby="forms-h" {
            h2 #forms-h { (ctx.t("quality-forms")) }
            @for f in all.forms() {
                details { summary { (f.name) " (" (f.id) ")" }
                    @for s in &f.sections { h3 { (s.title) } ul { @for q in &s.questions { li {
                        (q.text) " " span.hint { (ctx.ta("quality-weight", &[("n", i18n::Arg::Num(f64::from(q.weight)))])) }
                        @if q.critical { " " span.badge.flag { (ctx.t("quality-critical")) } }
                    } } } }
                }
            }
            @if edit {
                form.stack hx-post="/ui/quality/forms" hx-target="#forms-msg" hx-swap="innerHTML" {
                    label for="forms-doc" { (ctx.t("quality-forms-document")) }
                    p.hint { (ctx.t("quality-forms-hint")) }
                    textarea #forms-doc name="document" .code rows="14" spellcheck="false" { (doc) }
                    p #forms-msg aria-live="polite" {}
                    .row { button type="submit" { (ctx.t("save")) } }
                }
            }
        }
    })
}

async fn agent_names(st: &AppState, ctx: &Ctx) -> ApiResult<HashMap<i64, String>> {
    Ok(st
        .store
        .agents(ctx.p.tenant()?)
        .await?
        .into_iter()
        .map(|a| (a.id, a.name))
        .collect())
}

/// `GET /ui/quality` (`?interaction=N` opens its review).
pub async fn page(
    State(st): State<AppState>,
    p: Principal,
    headers: HeaderMap,
    Query(q): Query<HashMap<String, String>>,
) -> ApiResult<Response> {
    p.require(Action::QualityEvaluate)?;
    if let Some(id) = q
        .get("interaction")
        .and_then(|i| i.trim().parse::<i64>().ok())
    {
        return Ok(super::redirect(
            &headers,
            &format!("/ui/quality/interactions/{id}"),
        ));
    }
    let ctx = Ctx::new(&st, p, &headers).await?;
    let list = st
        .store
        .evaluations(ctx.p.tenant()?, &EvaluationFilter::default())
        .await?;
    let names = agent_names(&st, &ctx).await?;
    let main = html! {
        section.card aria-labelledby="open-h" {
            h2 #open-h { (ctx.t("quality-open")) }
            form.row method="get" action="/ui/quality" {
                label { (ctx.t("quality-interaction-number")) " "
                    input name="interaction" inputmode="numeric" pattern="[0-9]+" required size="8"; }
                button type="submit" { (ctx.t("quality-open-button")) }
            }
        }
        (scores_card(&st, &ctx).await?)
        section.card aria-labelledby="latest-h" {
            h2 #latest-h { (ctx.t("quality-latest")) }
            (evaluations_table(&ctx, &list, &names))
        }
        (forms_card(&st, &ctx).await?)
    };
    Ok(layout(
        &ctx,
        "quality-title",
        "/ui/quality",
        "quality",
        None,
        main,
    ))
}

/// The document sent by the forms card.
#[derive(Debug, Deserialize)]
pub struct DocumentForm {
    /// JSON.
    pub document: String,
}

/// `POST /ui/quality/forms`.
pub async fn save(
    State(st): State<AppState>,
    p: Principal,
    headers: HeaderMap,
    UiForm(f): UiForm<DocumentForm>,
) -> ApiResult<Response> {
    let ctx = Ctx::new(&st, p, &headers).await?;
    let done = match serde_json::from_str::<FormsDoc>(&f.document) {
        Ok(doc) => save_forms(&st, &ctx.p, doc).await,
        Err(e) => Err(crate::error::ApiError::field("document", e)),
    };
    match done {
        Ok(()) => Ok(markup_response(html! { span.ok { (ctx.t("saved")) } })),
        Err(e) => refused(e),
    }
}

/// The acknowledgement: when and the reply, or (for the agent) the form.
fn ack_section(ctx: &Ctx, e: &EvaluationView, mine: bool) -> Markup {
    html! {
        section.card #ack aria-labelledby="ack-h" {
            h2 #ack-h { (ctx.t("quality-acknowledgement")) }
            @if let Some(at) = e.acknowledged_at {
                p #acked { (ctx.ta("quality-acknowledged-on", &[("time", i18n::Arg::Str(ctx.datetime(at).as_str())),
                    ("agent", i18n::Arg::Str(e.acknowledged_by.as_deref().unwrap_or("")))])) }
                @if let Some(r) = &e.reply { blockquote { (r) } }
            } @else if mine {
                form.stack hx-post=(format!("/ui/quality/evaluations/{}/acknowledge", e.id)) hx-target="#ack" hx-swap="outerHTML" {
                    label for="ack-reply" { (ctx.t("quality-reply")) }
                    textarea #ack-reply name="reply" rows="3" maxlength="4000" {}
                    .row { button type="submit" { (ctx.t("quality-acknowledge")) } }
                }
            } @else {
                p { (ctx.t("quality-pending")) }
            }
        }
    }
}

fn answers_card(ctx: &Ctx, d: &EvaluationDetail) -> Markup {
    html! {
        section.card aria-labelledby="answers-h" {
            h2 #answers-h { (d.form.name) }
            @for s in &d.form.sections {
                h3 { (s.title) }
                table { tbody { @for q in &s.questions { tr {
                    th scope="row" { (q.text) @if q.critical { " " span.badge.flag { (ctx.t("quality-critical")) } } }
                    td { @if let Some(a) = d.answers.iter().find(|a| a.question == q.id) { (value_text(ctx, a.value)) } }
                } } } }
            }
            @if !d.comments.is_empty() {
                h3 { (ctx.t("quality-comments")) }
                ul #moment-comments { @for c in &d.comments { li { (moment_link(ctx, c)) " — " (c.text) } } }
            }
            @if !d.comment.is_empty() { h3 { (ctx.t("quality-overall")) } p #overall { (d.comment) } }
        }
    }
}

/// `GET /ui/quality/evaluations/{id}`.
pub async fn evaluation(
    State(st): State<AppState>,
    p: Principal,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> ApiResult<Response> {
    let d = visible(&st, &p, path_id(&id, "evaluation")?).await?;
    let ctx = Ctx::new(&st, p, &headers).await?;
    let t = ctx.p.tenant()?.clone();
    let e = &d.evaluation;
    let names = agent_names(&st, &ctx).await?;
    let mine = ctx.p.agent.map(|a| i64::from(a.0)) == e.agent
        && allowed(ctx.p.role, Action::QualityAcknowledge);
    let media = if !allowed(ctx.p.role, Action::QualityEvaluate) {
        html! {}
    } else if is_call(e.channel) {
        player(
            &ctx,
            e.interaction,
            super::super::routes::recording::recording_info(&st, &t, e.interaction)
                .await?
                .as_ref(),
        )
    } else {
        transcript(&ctx, &st.store.messages(&t, e.interaction, 0).await?, false)
    };
    let main = html! {
        section.card aria-labelledby="summary-h" {
            h2 #summary-h { (ctx.ta("quality-interaction", &[("id", i18n::Arg::Num(e.interaction as f64)), ("channel", i18n::Arg::Str(&super::popup::channel_label(&ctx, e.channel.as_str())))])) }
            p #score .score { (score_text(&ctx, e.score)) @if e.critical_failed { " " span.badge.flag { (ctx.t("quality-critical-failed")) } } }
            p { (ctx.ta("quality-by", &[("agent", i18n::Arg::Str(e.agent.and_then(|a| names.get(&a)).map(String::as_str).unwrap_or("—"))),
                ("value", i18n::Arg::Str(e.evaluator.as_str())), ("time", i18n::Arg::Str(ctx.datetime(e.at).as_str()))])) }
            @if allowed(ctx.p.role, Action::QualityEvaluate) {
                p { a href=(format!("/ui/quality/interactions/{}", e.interaction)) { (ctx.t("quality-calibration")) } }
            }
            (media)
        }
        (answers_card(&ctx, &d))
        (ack_section(&ctx, e, mine))
        script src="/ui/assets/player.js" defer {}
    };
    let current = if mine {
        "/ui/quality/mine"
    } else {
        "/ui/quality"
    };
    Ok(layout(
        &ctx,
        "quality-evaluation-title",
        current,
        "quality",
        None,
        main,
    ))
}

/// The reply sent with an acknowledgement.
#[derive(Debug, Deserialize)]
pub struct AckForm {
    /// May be empty.
    #[serde(default)]
    pub reply: String,
}

/// `POST /ui/quality/evaluations/{id}/acknowledge`: answers the section again.
pub async fn acknowledge(
    State(st): State<AppState>,
    p: Principal,
    headers: HeaderMap,
    Path(id): Path<String>,
    UiForm(f): UiForm<AckForm>,
) -> ApiResult<Response> {
    let id = path_id(&id, "evaluation")?;
    if let Err(e) = acknowledge_as(&st, &p, id, f.reply).await {
        return refused(e);
    }
    let d = visible(&st, &p, id).await?;
    let ctx = Ctx::new(&st, p, &headers).await?;
    Ok(markup_response(ack_section(&ctx, &d.evaluation, true)))
}

/// `GET /ui/quality/mine`: an agent's own evaluations and scores.
pub async fn mine(
    State(st): State<AppState>,
    p: Principal,
    headers: HeaderMap,
) -> ApiResult<Response> {
    p.require(Action::QualityRead)?;
    let ctx = Ctx::new(&st, p, &headers).await?;
    let Some(me) = ctx.p.agent.map(|a| i64::from(a.0)) else {
        let main = html! { p.card { (ctx.t("not-an-agent")) } };
        return Ok(layout(
            &ctx,
            "quality-mine-title",
            "/ui/quality/mine",
            "quality",
            None,
            main,
        ));
    };
    let f = EvaluationFilter {
        agent: Some(me),
        ..Default::default()
    };
    let list = st.store.evaluations(ctx.p.tenant()?, &f).await?;
    let names = agent_names(&st, &ctx).await?;
    let main = html! {
        section.card aria-labelledby="mine-h" {
            h2 #mine-h { (ctx.t("quality-latest")) }
            (evaluations_table(&ctx, &list, &names))
        }
        (scores_card(&st, &ctx).await?)
    };
    Ok(layout(
        &ctx,
        "quality-mine-title",
        "/ui/quality/mine",
        "quality",
        None,
        main,
    ))
}

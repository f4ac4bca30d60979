//! Calibration and scores over time.
//!
//! - `GET /api/v1/interactions/{id}/calibration`: every evaluation of one
//!   interaction (several supervisors scoring the same contact), the spread
//!   of their scores (range: highest − lowest; population standard
//!   deviation) and each question's answers, marked where they differ.
//! - `GET /api/v1/quality/scores?from=&to=&bucket=week|day`: the mean score
//!   per period (weeks start on Monday, days and weeks in the tenant's time
//!   zone) per agent and per team (the agent's teams now), and overall. An
//!   agent gets their own line only.

use std::collections::{BTreeMap, HashMap};

use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Response};
use chrono::{Datelike, TimeZone};
use model::quality::{AnswerValue, Spread};
use serde::{Deserialize, Serialize};
use store::quality::{EvaluationDetail, EvaluationFilter, EvaluationView};

use crate::AppState;
use crate::auth::Principal;
use crate::error::{ApiError, ApiResult};
use crate::perms::Action;
use crate::routes::path_id;

/// One evaluator's answer to a question.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct EvaluatorAnswer {
    /// Who.
    pub evaluator: String,
    /// Their answer.
    pub value: AnswerValue,
}

/// A question's answers across the evaluations with its form.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct QuestionAnswers {
    /// The form's id.
    pub form: String,
    /// The question's id.
    pub question: String,
    /// Its text.
    pub text: String,
    /// Each evaluator's answer.
    pub answers: Vec<EvaluatorAnswer>,
    /// The answers are not all the same.
    pub differ: bool,
}

/// Several evaluators on one interaction.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Calibration {
    /// The interaction.
    pub interaction: i64,
    /// Its evaluations, newest first.
    pub evaluations: Vec<EvaluationView>,
    /// How far apart their scores are (none without an evaluation).
    pub spread: Option<Spread>,
    /// Each question, with every evaluator's answer.
    pub questions: Vec<QuestionAnswers>,
}

/// The questions of the evaluations, each with every evaluator's answer.
fn questions(all: &[EvaluationDetail]) -> Vec<QuestionAnswers> {
    let mut out: Vec<QuestionAnswers> = Vec::new();
    for e in all {
        for q in e.form.questions() {
            let Some(a) = e.answers.iter().find(|a| a.question == q.id) else {
                continue;
            };
            let given = EvaluatorAnswer {
                evaluator: e.evaluation.evaluator.clone(),
                value: a.value,
            };
            match out
                .iter_mut()
                .find(|o| o.form == e.form.id && o.question == q.id)
            {
                Some(o) => o.answers.push(given),
                None => out.push(QuestionAnswers {
                    form: e.form.id.clone(),
                    question: q.id.clone(),
                    text: q.text.clone(),
                    answers: vec![given],
                    differ: false,
                }),
            }
        }
    }
    for o in &mut out {
        o.differ = o.answers.windows(2).any(|w| w[0].value != w[1].value);
    }
    out
}

/// The calibration of one interaction.
pub async fn calibration_of(st: &AppState, p: &Principal, id: i64) -> ApiResult<Calibration> {
    let it = crate::scope::interaction(st, p, Action::QualityEvaluate, id).await?;
    let t = p.tenant()?;
    let f = EvaluationFilter {
        interaction: Some(it.id),
        ..Default::default()
    };
    let evaluations = st.store.evaluations(t, &f).await?;
    let mut details = Vec::with_capacity(evaluations.len());
    for e in &evaluations {
        if let Some(d) = st.store.evaluation(t, e.id).await? {
            details.push(d);
        }
    }
    details.reverse();
    let scores: Vec<f64> = evaluations.iter().map(|e| e.score).collect();
    Ok(Calibration {
        interaction: it.id,
        spread: model::quality::score::spread(&scores),
        questions: questions(&details),
        evaluations,
    })
}

/// `GET /api/v1/interactions/{id}/calibration`.
pub async fn calibration(
    State(st): State<AppState>,
    p: Principal,
    Path(id): Path<String>,
) -> ApiResult<Response> {
    let id = path_id(&id, "interaction")?;
    Ok(axum::Json(calibration_of(&st, &p, id).await?).into_response())
}

/// How scores are grouped in time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Bucket {
    /// Calendar days.
    Day,
    /// Weeks from Monday.
    Week,
}

/// One period's mean.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Point {
    /// The period's first day (`YYYY-MM-DD`).
    pub period: String,
    /// The mean score, percent.
    pub mean: f64,
    /// How many evaluations.
    pub count: usize,
}

/// Scores of one agent, one team, or everyone.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Series {
    /// The agent's or team's name (`all` for everyone).
    pub name: String,
    /// The agent's id, for an agent's line.
    pub agent: Option<i64>,
    /// Periods with evaluations, in order.
    pub points: Vec<Point>,
    /// The mean over the whole range.
    pub mean: f64,
    /// How many evaluations in the range.
    pub count: usize,
}

/// Mean scores per period.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Scores {
    /// How periods are grouped.
    pub bucket: Bucket,
    /// From (Unix ms, included).
    pub from: i64,
    /// To (Unix ms, excluded).
    pub to: i64,
    /// Every period of the range, in order (`YYYY-MM-DD`).
    pub periods: Vec<String>,
    /// Per agent.
    pub agents: Vec<Series>,
    /// Per team.
    pub teams: Vec<Series>,
    /// Everyone (none for an agent).
    pub overall: Option<Series>,
}

/// Most periods in one report.
pub const PERIODS_MAX: i64 = 400;

/// The period an instant falls in, in `tz`.
fn period_of(at_ms: i64, bucket: Bucket, tz: chrono_tz::Tz) -> String {
    let Some(d) = chrono::DateTime::from_timestamp_millis(at_ms) else {
        return String::new();
    };
    let day = tz.from_utc_datetime(&d.naive_utc()).date_naive();
    let start = match bucket {
        Bucket::Day => day,
        Bucket::Week => day - chrono::Days::new(u64::from(day.weekday().num_days_from_monday())),
    };
    start.format("%Y-%m-%d").to_string()
}

/// Groups (at, score in hundredths) into a series.
fn series(
    name: String,
    agent: Option<i64>,
    rows: &[(i64, i64)],
    bucket: Bucket,
    tz: chrono_tz::Tz,
) -> Series {
    let mut by: BTreeMap<String, (i64, usize)> = BTreeMap::new();
    for (at, score) in rows {
        let e = by.entry(period_of(*at, bucket, tz)).or_default();
        e.0 += score;
        e.1 += 1;
    }
    let mean = |sum: i64, n: usize| ((sum as f64 / n.max(1) as f64).round()) / 100.0;
    let total: i64 = rows.iter().map(|r| r.1).sum();
    Series {
        name,
        agent,
        points: by
            .into_iter()
            .map(|(period, (sum, count))| Point {
                mean: mean(sum, count),
                period,
                count,
            })
            .collect(),
        mean: mean(total, rows.len()),
        count: rows.len(),
    }
}

/// The report's range and bucket from a query (twelve weeks, or two weeks
/// of days, up to now by default).
fn range_of(q: &HashMap<String, String>) -> ApiResult<(i64, i64, Bucket)> {
    let bucket = match q.get("bucket").map(String::as_str) {
        None | Some("week") => Bucket::Week,
        Some("day") => Bucket::Day,
        Some(_) => return Err(ApiError::field("bucket", "week or day")),
    };
    let len = match bucket {
        Bucket::Week => 7,
        Bucket::Day => 1,
    } * 86_400_000;
    let to = match q.get("to") {
        Some(v) => super::time_field("to", v)?,
        None => crate::clock::now_ms() + 1,
    };
    let from = match q.get("from") {
        Some(v) => super::time_field("from", v)?,
        None => to - len * if bucket == Bucket::Week { 12 } else { 14 },
    };
    if from >= to || (to - from) / len > PERIODS_MAX {
        return Err(ApiError::field(
            "from",
            format!("before to, at most {PERIODS_MAX} periods"),
        ));
    }
    Ok((from, to, bucket))
}

/// Every period from `from` to `to`.
fn periods(from: i64, to: i64, bucket: Bucket, tz: chrono_tz::Tz) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut at = from;
    while at < to {
        let p = period_of(at, bucket, tz);
        if out.last() != Some(&p) {
            out.push(p);
        }
        at += 86_400_000;
    }
    let last = period_of(to - 1, bucket, tz);
    if out.last() != Some(&last) {
        out.push(last);
    }
    out
}

/// The report of scores over time.
pub async fn scores_of(
    st: &AppState,
    p: &Principal,
    q: &HashMap<String, String>,
) -> ApiResult<Scores> {
    p.require(Action::QualityRead)?;
    let t = p.tenant()?;
    let (from, to, bucket) = range_of(q)?;
    let tz = super::settings::tenant_settings(st, t).await?.time_zone;
    let me = super::quality::own_agent(p, Action::QualityRead)?;
    let rows: Vec<(Option<i64>, i64, i64)> = st
        .store
        .evaluation_scores(t, from, to)
        .await?
        .into_iter()
        .filter(|r| me.is_none() || r.0 == me)
        .collect();
    let agents = st.store.agents(t).await?;
    let mut by_agent: Vec<Series> = Vec::new();
    let mut by_team: BTreeMap<String, Vec<(i64, i64)>> = BTreeMap::new();
    for a in &agents {
        let mine: Vec<(i64, i64)> = rows
            .iter()
            .filter(|r| r.0 == Some(a.id))
            .map(|r| (r.1, r.2))
            .collect();
        if mine.is_empty() {
            continue;
        }
        for team in &a.teams {
            by_team.entry(team.clone()).or_default().extend(&mine);
        }
        by_agent.push(series(a.name.clone(), Some(a.id), &mine, bucket, tz));
    }
    let all: Vec<(i64, i64)> = rows.iter().map(|r| (r.1, r.2)).collect();
    Ok(Scores {
        bucket,
        from,
        to,
        periods: periods(from, to, bucket, tz),
        agents: by_agent,
        teams: if me.is_some() {
            Vec::new()
        } else {
            by_team
                .into_iter()
                .map(|(n, mut r)| {
                    r.sort_unstable();
                    series(n, None, &r, bucket, tz)
                })
                .collect()
        },
        overall: me
            .is_none()
            .then(|| series("all".into(), None, &all, bucket, tz)),
    })
}

/// `GET /api/v1/quality/scores`.
pub async fn scores(
    State(st): State<AppState>,
    p: Principal,
    Query(q): Query<HashMap<String, String>>,
) -> ApiResult<Response> {
    Ok(axum::Json(scores_of(&st, &p, &q).await?).into_response())
}

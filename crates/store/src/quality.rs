//! Quality review in the store: the projection of `quality.*` facts
//! (evaluations with their acknowledgement, training playlists) and the
//! queries over it.

use serde::Serialize;
use sqlx::any::AnyRow;
use sqlx::{Any, Row, Transaction};

use model::quality::{Answer, Comment, Evaluation, Form, Playlist, PlaylistItem, QualityFact};

use crate::read::LIST_MAX;
use crate::{Store, StoreError, Tenant};

/// Most evaluations a report of scores reads.
pub const SCORES_MAX: i64 = 100_000;

/// Columns of an evaluation's summary, in [`EvaluationView`]'s order.
pub(crate) const EVALUATION_COLS: &str = "id, interaction_id, channel, agent_id, evaluator, form_id, form_name, score, critical_failed, at, acknowledged_at, acknowledged_by, reply";
/// Columns of a playlist, in [`PlaylistView`]'s order.
pub(crate) const PLAYLIST_COLS: &str = "id, name, description, items, by_user, updated_at";

/// An evaluation's summary.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct EvaluationView {
    /// Its id.
    pub id: i64,
    /// The interaction evaluated.
    pub interaction: i64,
    /// Its channel.
    pub channel: model::Channel,
    /// The agent evaluated (none: no agent took it).
    pub agent: Option<i64>,
    /// Who evaluated (user name).
    pub evaluator: String,
    /// The form's id.
    pub form: String,
    /// The form's name.
    pub form_name: String,
    /// The score, percent (0 to 100, two decimals).
    pub score: f64,
    /// A critical question failed (the score is 0).
    pub critical_failed: bool,
    /// When (Unix ms).
    pub at: i64,
    /// When the agent acknowledged it (Unix ms).
    pub acknowledged_at: Option<i64>,
    /// Who acknowledged it.
    pub acknowledged_by: Option<String>,
    /// The agent's reply.
    pub reply: Option<String>,
}

/// An evaluation whole: its summary, the form as it was, the answers and comments.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct EvaluationDetail {
    /// The summary.
    pub evaluation: EvaluationView,
    /// The form, as it was when evaluated.
    pub form: Form,
    /// One answer per question.
    pub answers: Vec<Answer>,
    /// Comments at moments.
    pub comments: Vec<Comment>,
    /// The overall comment.
    pub comment: String,
}

/// A training playlist.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PlaylistView {
    /// Its id.
    pub id: i64,
    /// Its name.
    pub name: String,
    /// What it teaches.
    pub description: String,
    /// Its recordings, in order.
    pub items: Vec<PlaylistItem>,
    /// Who saved it last.
    pub by: String,
    /// When (Unix ms).
    pub updated_at: i64,
}

/// Which evaluations to list (every filter given must match).
#[derive(Debug, Clone, Default)]
pub struct EvaluationFilter {
    /// Of this agent.
    pub agent: Option<i64>,
    /// Of this interaction.
    pub interaction: Option<i64>,
    /// By this evaluator (user name).
    pub evaluator: Option<String>,
    /// At or after (Unix ms).
    pub from: Option<i64>,
    /// Before (Unix ms).
    pub to: Option<i64>,
}

async fn evaluated(
    tx: &mut Transaction<'_, Any>,
    t: &Tenant,
    (seq, at): (i64, i64),
    id: u64,
    e: &Evaluation,
) -> Result<(), StoreError> {
    sqlx::query("INSERT INTO evaluations (tenant_id, id, interaction_id, channel, agent_id, evaluator, form_id, form_name, score, critical_failed, at, body, updated_seq) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)")
        .bind(t.id).bind(id as i64).bind(e.interaction.0 as i64).bind(e.channel.as_str())
        .bind(e.agent.map(|a| i64::from(a.0))).bind(e.evaluator.as_str()).bind(e.form.id.as_str())
        .bind(e.form.name.as_str()).bind(i64::from(e.score)).bind(i64::from(e.critical_failed))
        .bind(at).bind(serde_json::to_string(e)?).bind(seq)
        .execute(&mut **tx).await?;
    Ok(())
}

async fn playlist_set(
    tx: &mut Transaction<'_, Any>,
    t: &Tenant,
    (seq, at): (i64, i64),
    (id, body, by): (u64, &Playlist, &str),
) -> Result<(), StoreError> {
    let items = serde_json::to_string(&body.items)?;
    let updated = sqlx::query("UPDATE playlists SET name = $1, description = $2, items = $3, by_user = $4, updated_at = $5, updated_seq = $6 WHERE tenant_id = $7 AND id = $8")
        .bind(body.name.as_str()).bind(body.description.as_str()).bind(items.as_str()).bind(by)
        .bind(at).bind(seq).bind(t.id).bind(id as i64)
        .execute(&mut **tx).await?;
    if updated.rows_affected() == 0 {
        sqlx::query("INSERT INTO playlists (tenant_id, id, name, description, items, by_user, updated_at, updated_seq) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)")
            .bind(t.id).bind(id as i64).bind(body.name.as_str()).bind(body.description.as_str())
            .bind(items).bind(by).bind(at).bind(seq)
            .execute(&mut **tx).await?;
    }
    Ok(())
}

/// Applies one quality fact to the projections.
pub(crate) async fn project(
    tx: &mut Transaction<'_, Any>,
    t: &Tenant,
    (seq, at): (i64, i64),
    f: &QualityFact,
) -> Result<(), StoreError> {
    match f {
        QualityFact::Evaluated { evaluation, body } => {
            evaluated(tx, t, (seq, at), *evaluation, body).await?;
        }
        QualityFact::Acknowledged {
            evaluation,
            by,
            reply,
        } => {
            sqlx::query("UPDATE evaluations SET acknowledged_at = $1, acknowledged_by = $2, reply = $3, updated_seq = $4 WHERE tenant_id = $5 AND id = $6")
                .bind(at).bind(by.as_str()).bind((!reply.is_empty()).then(|| reply.clone()))
                .bind(seq).bind(t.id).bind(*evaluation as i64)
                .execute(&mut **tx).await?;
        }
        QualityFact::PlaylistSet { playlist, body, by } => {
            playlist_set(tx, t, (seq, at), (*playlist, body, by)).await?;
        }
        QualityFact::PlaylistRemoved { playlist, .. } => {
            sqlx::query("DELETE FROM playlists WHERE tenant_id = $1 AND id = $2")
                .bind(t.id)
                .bind(*playlist as i64)
                .execute(&mut **tx)
                .await?;
        }
    }
    Ok(())
}

fn evaluation_of(r: &AnyRow) -> Result<EvaluationView, StoreError> {
    let score: i64 = r.try_get(7)?;
    Ok(EvaluationView {
        id: r.try_get(0)?,
        interaction: r.try_get(1)?,
        channel: crate::read::kind(r.try_get(2)?)?,
        agent: r.try_get(3)?,
        evaluator: r.try_get(4)?,
        form: r.try_get(5)?,
        form_name: r.try_get(6)?,
        score: score as f64 / 100.0,
        critical_failed: r.try_get::<i64, _>(8)? != 0,
        at: r.try_get(9)?,
        acknowledged_at: r.try_get(10)?,
        acknowledged_by: r.try_get(11)?,
        reply: r.try_get(12)?,
    })
}

fn playlist_of(r: &AnyRow) -> Result<PlaylistView, StoreError> {
    let items: String = r.try_get(3)?;
    Ok(PlaylistView {
        id: r.try_get(0)?,
        name: r.try_get(1)?,
        description: r.try_get(2)?,
        items: serde_json::from_str(&items)?,
        by: r.try_get(4)?,
        updated_at: r.try_get(5)?,
    })
}

impl Store {
    /// Evaluations matching a filter, newest first (at most [`LIST_MAX`]).
    pub async fn evaluations(
        &self,
        t: &Tenant,
        f: &EvaluationFilter,
    ) -> Result<Vec<EvaluationView>, StoreError> {
        let mut sql = format!("SELECT {EVALUATION_COLS} FROM evaluations WHERE tenant_id = $1");
        let mut n = 1;
        let mut clause = |col: &str, op: &str| {
            n += 1;
            sql.push_str(&format!(" AND {col} {op} ${n}"));
        };
        let ints = [
            (f.agent, "agent_id", "="),
            (f.interaction, "interaction_id", "="),
            (f.from, "at", ">="),
            (f.to, "at", "<"),
        ];
        for (v, col, op) in ints {
            if v.is_some() {
                clause(col, op);
            }
        }
        if f.evaluator.is_some() {
            clause("evaluator", "=");
        }
        sql.push_str(&format!(" ORDER BY at DESC, id DESC LIMIT {LIST_MAX}"));
        let mut q = sqlx::query(&sql).bind(t.id);
        for v in ints.iter().filter_map(|(v, _, _)| *v) {
            q = q.bind(v);
        }
        if let Some(e) = &f.evaluator {
            q = q.bind(e.clone());
        }
        let rows = q.fetch_all(self.pool()).await?;
        rows.iter().map(evaluation_of).collect()
    }

    /// One evaluation whole.
    pub async fn evaluation(
        &self,
        t: &Tenant,
        id: i64,
    ) -> Result<Option<EvaluationDetail>, StoreError> {
        let row = sqlx::query(&format!(
            "SELECT {EVALUATION_COLS}, body FROM evaluations WHERE tenant_id = $1 AND id = $2"
        ))
        .bind(t.id)
        .bind(id)
        .fetch_optional(self.pool())
        .await?;
        let Some(r) = row else { return Ok(None) };
        let body: String = r.try_get(13)?;
        let e: Evaluation = serde_json::from_str(&body)?;
        Ok(Some(EvaluationDetail {
            evaluation: evaluation_of(&r)?,
            form: e.form,
            answers: e.answers,
            comments: e.comments,
            comment: e.comment,
        }))
    }

    /// Every evaluation's (agent, at, score in hundredths) from `from` to
    /// before `to`, oldest first (at most [`SCORES_MAX`]).
    pub async fn evaluation_scores(
        &self,
        t: &Tenant,
        from: i64,
        to: i64,
    ) -> Result<Vec<(Option<i64>, i64, i64)>, StoreError> {
        let rows = sqlx::query(&format!("SELECT agent_id, at, score FROM evaluations WHERE tenant_id = $1 AND at >= $2 AND at < $3 ORDER BY at LIMIT {SCORES_MAX}"))
            .bind(t.id)
            .bind(from)
            .bind(to)
            .fetch_all(self.pool())
            .await?;
        rows.iter()
            .map(|r| Ok((r.try_get(0)?, r.try_get(1)?, r.try_get(2)?)))
            .collect()
    }

    /// The tenant's playlists, by name.
    pub async fn playlists(&self, t: &Tenant) -> Result<Vec<PlaylistView>, StoreError> {
        let rows = sqlx::query(&format!(
            "SELECT {PLAYLIST_COLS} FROM playlists WHERE tenant_id = $1 ORDER BY name, id LIMIT {LIST_MAX}"
        ))
        .bind(t.id)
        .fetch_all(self.pool())
        .await?;
        rows.iter().map(playlist_of).collect()
    }

    /// One playlist.
    pub async fn playlist(&self, t: &Tenant, id: i64) -> Result<Option<PlaylistView>, StoreError> {
        let row = sqlx::query(&format!(
            "SELECT {PLAYLIST_COLS} FROM playlists WHERE tenant_id = $1 AND id = $2"
        ))
        .bind(t.id)
        .bind(id)
        .fetch_optional(self.pool())
        .await?;
        row.as_ref().map(playlist_of).transpose()
    }
}

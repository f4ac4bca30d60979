//! The training library: playlists of chosen recordings with notes, for
//! new operators. `/ui/training` lists them (supervisors make one there);
//! `/ui/training/{id}` plays each item (through the playlist's own
//! recording route, logged like every listen), its note and where to
//! start; supervisors add and remove items. Maud templates.

use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::Response;
use model::quality::{Playlist, PlaylistItem};
use serde::Deserialize;
use store::quality::PlaylistView;

use super::review::{clock, refused};
use super::{Ctx, Markup, UiForm, html, layout};
use crate::AppState;
use crate::auth::Principal;
use crate::error::{ApiError, ApiResult};
use crate::perms::{Action, allowed};
use crate::routes::path_id;
use crate::routes::playlists::{get, save};

/// `GET /ui/training`.
pub async fn page(
    State(st): State<AppState>,
    p: Principal,
    headers: HeaderMap,
) -> ApiResult<Response> {
    p.require(Action::TrainingRead)?;
    let ctx = Ctx::new(&st, p, &headers).await?;
    let lists = st.store.playlists(ctx.p.tenant()?).await?;
    let manage = allowed(ctx.p.role, Action::TrainingManage);
    let main = html! {
        section.card aria-labelledby="lists-h" {
            h2 #lists-h { (ctx.t("training-playlists")) }
            @if lists.is_empty() { p { (ctx.t("training-none")) } } @else {
                ul #playlists { @for l in &lists { li {
                    a href=(format!("/ui/training/{}", l.id)) { (l.name) }
                    " " span.hint { (ctx.ta("training-count", &[("count", i18n::Arg::Num(l.items.len() as f64))])) }
                    @if !l.description.is_empty() { br; (l.description) }
                } } }
            }
        }
        @if manage {
            section.card aria-labelledby="new-list-h" {
                h2 #new-list-h { (ctx.t("training-new")) }
                form.stack hx-post="/ui/training" hx-target="#new-list-msg" hx-swap="innerHTML" {
                    label { (ctx.t("training-name")) input name="name" required maxlength="200"; }
                    label { (ctx.t("training-description")) textarea name="description" rows="2" maxlength="4000" {} }
                    p #new-list-msg aria-live="polite" {}
                    .row { button type="submit" { (ctx.t("training-create")) } }
                }
            }
        }
    };
    Ok(layout(
        &ctx,
        "training-title",
        "/ui/training",
        "training",
        None,
        main,
    ))
}

/// A new playlist's name and description.
#[derive(Debug, Deserialize)]
pub struct NewForm {
    /// Its name.
    pub name: String,
    /// What it teaches.
    #[serde(default)]
    pub description: String,
}

/// `POST /ui/training`: makes a playlist and opens it.
pub async fn create(
    State(st): State<AppState>,
    p: Principal,
    headers: HeaderMap,
    UiForm(f): UiForm<NewForm>,
) -> ApiResult<Response> {
    let body = Playlist {
        name: f.name.trim().into(),
        description: f.description.trim().into(),
        items: Vec::new(),
    };
    match save(&st, &p, None, body).await {
        Ok(id) => Ok(super::redirect(&headers, &format!("/ui/training/{id}"))),
        Err(e) => refused(e),
    }
}

fn item(ctx: &Ctx, l: &PlaylistView, n: usize, it: &PlaylistItem, manage: bool) -> Markup {
    let src = format!("/api/v1/playlists/{}/items/{n}/recording", l.id);
    html! {
        li.item {
            h3 { (ctx.ta("training-item", &[("n", i18n::Arg::Num((n + 1) as f64)), ("id", i18n::Arg::Num(it.interaction as f64))])) }
            @if !it.note.is_empty() { p.note { (it.note) } }
            @if let Some(ms) = it.start_ms { p.hint { (ctx.ta("training-start", &[("time", i18n::Arg::Str(clock(ms).as_str()))])) } }
            button type="button" data-listen { (ctx.t("training-listen")) }
            audio controls preload="none" src=(src) data-src=(src) data-start-ms=[it.start_ms]
                aria-label=(ctx.ta("training-item", &[("n", i18n::Arg::Num((n + 1) as f64)), ("id", i18n::Arg::Num(it.interaction as f64))])) {}
            @if manage {
                form hx-post=(format!("/ui/training/{}/items/{n}/remove", l.id)) hx-target="#items-msg" {
                    button type="submit" .secondary { (ctx.t("training-remove")) }
                }
            }
        }
    }
}

/// `GET /ui/training/{id}`.
pub async fn one(
    State(st): State<AppState>,
    p: Principal,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> ApiResult<Response> {
    let l = get(&st, &p, path_id(&id, "playlist")?).await?;
    let ctx = Ctx::new(&st, p, &headers).await?;
    let manage = allowed(ctx.p.role, Action::TrainingManage);
    let main = html! {
        p { a href="/ui/training" { (ctx.t("training-back")) } }
        section.card aria-labelledby="list-h" {
            h2 #list-h { (l.name) }
            @if !l.description.is_empty() { p { (l.description) } }
            @if l.items.is_empty() { p { (ctx.t("training-empty")) } }
            ol #items { @for (n, it) in l.items.iter().enumerate() { (item(&ctx, &l, n, it, manage)) } }
            p #items-msg aria-live="polite" {}
        }
        @if manage {
            section.card aria-labelledby="add-h" {
                h2 #add-h { (ctx.t("training-add")) }
                form.stack hx-post=(format!("/ui/training/{}/items", l.id)) hx-target="#add-msg" hx-swap="innerHTML" {
                    label { (ctx.t("quality-interaction-number")) input name="interaction" inputmode="numeric" pattern="[0-9]+" required; }
                    label { (ctx.t("training-note")) textarea name="note" rows="2" maxlength="4000" {} }
                    label { (ctx.t("training-start-at")) input name="start" placeholder="m:ss" size="7"; }
                    p #add-msg aria-live="polite" {}
                    .row { button type="submit" { (ctx.t("training-add-button")) } }
                }
            }
        }
        script src="/ui/assets/player.js" defer {}
    };
    Ok(layout(
        &ctx,
        "training-title",
        "/ui/training",
        "training",
        None,
        main,
    ))
}

/// An item to add.
#[derive(Debug, Deserialize)]
pub struct ItemForm {
    /// The interaction.
    pub interaction: String,
    /// The note.
    #[serde(default)]
    pub note: String,
    /// Where to start (`m:ss`).
    #[serde(default)]
    pub start: String,
}

/// Saves a changed copy of a playlist, then reloads its page.
async fn change(
    st: &AppState,
    p: &Principal,
    headers: &HeaderMap,
    l: PlaylistView,
    items: Vec<PlaylistItem>,
) -> ApiResult<Response> {
    let body = Playlist {
        name: l.name,
        description: l.description,
        items,
    };
    match save(st, p, Some(l.id), body).await {
        Ok(id) => Ok(super::redirect(headers, &format!("/ui/training/{id}"))),
        Err(e) => refused(e),
    }
}

/// `POST /ui/training/{id}/items`.
pub async fn add(
    State(st): State<AppState>,
    p: Principal,
    headers: HeaderMap,
    Path(id): Path<String>,
    UiForm(f): UiForm<ItemForm>,
) -> ApiResult<Response> {
    p.require(Action::TrainingManage)?;
    let l = get(&st, &p, path_id(&id, "playlist")?).await?;
    let Ok(interaction) = f.interaction.trim().parse::<i64>() else {
        return refused(ApiError::field("interaction", "a number"));
    };
    let start = f.start.trim();
    let start_ms = if start.is_empty() {
        None
    } else {
        match start
            .split(':')
            .try_fold(0u64, |a, p| Some(a * 60 + p.trim().parse::<u64>().ok()?))
        {
            Some(s) => Some(s * 1000),
            None => return refused(ApiError::field("start", "m:ss")),
        }
    };
    let mut items = l.items.clone();
    items.push(PlaylistItem {
        interaction,
        note: f.note.trim().into(),
        start_ms,
    });
    change(&st, &p, &headers, l, items).await
}

/// `POST /ui/training/{id}/items/{n}/remove`.
pub async fn remove(
    State(st): State<AppState>,
    p: Principal,
    headers: HeaderMap,
    Path((id, n)): Path<(String, String)>,
) -> ApiResult<Response> {
    p.require(Action::TrainingManage)?;
    let l = get(&st, &p, path_id(&id, "playlist")?).await?;
    let n = n
        .parse::<usize>()
        .ok()
        .filter(|n| *n < l.items.len())
        .ok_or_else(|| ApiError::not_found("playlist item"))?;
    let mut items = l.items.clone();
    items.remove(n);
    change(&st, &p, &headers, l, items).await
}

//! What can be done on a case from its page: a move the case type allows
//! the user's role, its flags, a promise, a payment plan, a dispute or its
//! resolution; supervisors and admins also a settlement, a write-off and a
//! client's recall. Each form posts to `/ui/cases/{id}/{what}`, which gives
//! the engine the same input as the API; a mistake is said next to the
//! case's summary, what was typed kept.

use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::Response;
use center::cases::CaseView;
use workflow::{CaseId, Input, Instalment, Origin};

use super::users::said;
use super::{Ctx, Markup, UiForm, html, redirect};
use crate::AppState;
use crate::auth::{Principal, Role};
use crate::error::{ApiError, ApiResult};
use crate::perms::Action;
use crate::routes::cases::{actor, amount, apply, date, text};
use crate::routes::path_id;

/// The engine's name of a principal's role.
fn role_name(p: &Principal) -> &'static str {
    match p.role {
        Role::Admin => "admin",
        Role::Agent => "agent",
        _ => "supervisor",
    }
}

fn form(id: u64, what: &str, title: &str, body: Markup) -> Markup {
    let fid = format!("case-{what}");
    html! {
        form.case-form #(fid) hx-post={ "/ui/cases/" (id) "/" (what) } hx-target="#case-msg" {
            fieldset {
                legend { (title) }
                (body)
            }
        }
    }
}

fn move_form(ctx: &Ctx, c: &CaseView) -> Option<Markup> {
    let me = role_name(&ctx.p);
    let moves: Vec<&str> = c
        .moves
        .iter()
        .filter(|m| m.roles.iter().any(|r| r == me))
        .map(|m| m.to.as_str())
        .collect();
    if moves.is_empty() {
        return None;
    }
    Some(form(
        c.id,
        "transition",
        &ctx.t("case-move"),
        html! {
            label for="case-to" { (ctx.t("case-move-to")) }
            select #case-to name="to" { @for m in &moves { option value=(m) { (super::cases::name_text(ctx, "state", m)) } } }
            label for="case-note" { (ctx.t("case-note")) }
            input #case-note name="note" maxlength="2000";
            button type="submit" { (ctx.t("case-move")) }
        },
    ))
}

fn flags_form(ctx: &Ctx, c: &CaseView) -> Option<Markup> {
    if c.flag_names.is_empty() {
        return None;
    }
    Some(form(
        c.id,
        "flags",
        &ctx.t("case-flags"),
        html! {
            @for f in &c.flag_names {
                label.check {
                    input type="checkbox" name="flag" value=(f) checked[c.flags.contains(f)];
                    " " (super::cases::name_words(ctx, "flag", f))
                }
            }
            input type="hidden" name="all" value=(c.flag_names.join(","));
            button type="submit" { (ctx.t("save")) }
        },
    ))
}

fn promise_form(ctx: &Ctx, c: &CaseView) -> Markup {
    form(
        c.id,
        "promise",
        &ctx.t("case-promise"),
        html! {
            label for="case-p-amount" { (ctx.t("case-amount")) " (" (c.currency) ")" }
            input #case-p-amount name="amount" inputmode="decimal" required placeholder="100.00" maxlength="20";
            label for="case-p-date" { (ctx.t("case-due-date")) }
            input #case-p-date name="due_date" type="date" required;
            button type="submit" { (ctx.t("case-promise")) }
        },
    )
}

fn plan_form(ctx: &Ctx, c: &CaseView) -> Markup {
    form(
        c.id,
        "plan",
        &ctx.t("case-plan"),
        html! {
            label for="case-plan-lines" { (ctx.t("case-plan-lines")) }
            textarea #case-plan-lines name="instalments" rows="3" required placeholder="2027-01-15 100.00" {}
            button type="submit" { (ctx.t("case-plan")) }
        },
    )
}

fn dispute_form(ctx: &Ctx, c: &CaseView) -> Markup {
    let (what, title, field) = match c.disputed {
        false => ("dispute", "case-dispute", "reason"),
        true => ("resolve", "case-resolve", "note"),
    };
    form(
        c.id,
        what,
        &ctx.t(title),
        html! {
            label for={ "case-" (what) "-text" } { (ctx.t("case-reason")) }
            input id={ "case-" (what) "-text" } name=(field) required maxlength="2000";
            button type="submit" { (ctx.t(title)) }
        },
    )
}

fn supervisor_forms(ctx: &Ctx, c: &CaseView) -> Markup {
    html! {
        (form(c.id, "settle", &ctx.t("case-settle"), html! {
            label for="case-s-amount" { (ctx.t("case-amount")) " (" (c.currency) ")" }
            input #case-s-amount name="amount" inputmode="decimal" required maxlength="20";
            button type="submit" { (ctx.t("case-settle")) }
        }))
        (form(c.id, "write-off", &ctx.t("case-write-off"), html! {
            label for="case-w-reason" { (ctx.t("case-reason")) }
            input #case-w-reason name="reason" required maxlength="2000";
            button.danger type="submit" { (ctx.t("case-write-off")) }
        }))
        (form(c.id, "recall", &ctx.t("case-recall"), html! {
            label for="case-r-reason" { (ctx.t("case-reason")) }
            input #case-r-reason name="reason" required maxlength="2000";
            button.danger type="submit" { (ctx.t("case-recall")) }
        }))
    }
}

/// The forms of a case's page (none on a recalled case).
pub(super) fn forms(ctx: &Ctx, c: &CaseView) -> Markup {
    if c.recalled || !crate::perms::allowed(ctx.p.role, Action::CasesWork) {
        return html! {};
    }
    let boss = matches!(ctx.p.role, Role::Admin | Role::Supervisor);
    html! {
        section.card.case-actions aria-labelledby="case-act-h" {
            h2 #case-act-h { (ctx.t("case-actions")) }
            div.grid {
                @if let Some(m) = move_form(ctx, c) { (m) }
                @if let Some(f) = flags_form(ctx, c) { (f) }
                (promise_form(ctx, c))
                (plan_form(ctx, c))
                (dispute_form(ctx, c))
                @if boss { (supervisor_forms(ctx, c)) }
            }
        }
    }
}

/// A form's value.
fn value<'a>(f: &'a [(String, String)], key: &str) -> &'a str {
    f.iter()
        .find(|(k, _)| k == key)
        .map_or("", |(_, v)| v.trim())
}

/// `2027-01-15 100.00` lines: a plan's instalments.
fn instalments(lines: &str) -> ApiResult<Vec<Instalment>> {
    lines
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .enumerate()
        .map(|(i, l)| {
            let (d, a) = l.split_once(char::is_whitespace).ok_or_else(|| {
                ApiError::field(&format!("instalments[{i}]"), "a date and an amount")
            })?;
            Ok(Instalment {
                due_date: date(&format!("instalments[{i}].due_date"), d.trim())?,
                amount: amount(&format!("instalments[{i}].amount"), a.trim())?,
            })
        })
        .collect()
}

/// The engine's input for a form.
fn input_of(p: &Principal, id: u64, what: &str, f: &[(String, String)]) -> ApiResult<Input> {
    let case = CaseId(id);
    let by = actor(p);
    let reason = |k: &str| -> ApiResult<String> {
        text(k, value(f, k), workflow::limits::TEXT_MAX)?;
        Ok(value(f, k).to_string())
    };
    Ok(match what {
        "transition" => Input::Transition {
            case,
            to: value(f, "to").to_string(),
            note: Some(value(f, "note").to_string()).filter(|n| !n.is_empty()),
            by,
        },
        "flags" => flags_input(case, f, by),
        "promise" => Input::Promise {
            case,
            amount: amount("amount", value(f, "amount"))?,
            due_date: date("due_date", value(f, "due_date"))?,
            by,
        },
        "plan" => Input::PaymentPlan {
            case,
            instalments: instalments(value(f, "instalments"))?,
            by,
        },
        "dispute" => Input::Dispute {
            case,
            reason: reason("reason")?,
            by: Origin::User(by),
        },
        "resolve" => Input::ResolveDispute {
            case,
            note: reason("note")?,
            by,
        },
        "settle" => Input::Settle {
            case,
            amount: amount("amount", value(f, "amount"))?,
            by,
        },
        "write-off" => Input::WriteOff {
            case,
            reason: reason("reason")?,
            by,
        },
        "recall" => {
            p.require(Action::CasesRecall)?;
            Input::Recall {
                case,
                reason: reason("reason")?,
                by: Origin::User(by),
            }
        }
        _ => return Err(ApiError::not_found("form")),
    })
}

/// Flags checked are set, the others cleared (from the flags the form listed).
fn flags_input(case: CaseId, f: &[(String, String)], by: workflow::Actor) -> Input {
    let set: Vec<String> = f
        .iter()
        .filter(|(k, _)| k == "flag")
        .map(|(_, v)| v.clone())
        .collect();
    let clear = f
        .iter()
        .filter(|(k, _)| k == "all")
        .flat_map(|(_, v)| v.split(',').map(str::to_string))
        .filter(|x| !set.contains(x))
        .collect();
    Input::SetFlags {
        case,
        set,
        clear,
        by,
    }
}

/// `POST /ui/cases/{id}/{what}`.
pub async fn act(
    State(st): State<AppState>,
    p: Principal,
    headers: HeaderMap,
    Path((id, what)): Path<(String, String)>,
    UiForm(f): UiForm<Vec<(String, String)>>,
) -> ApiResult<Response> {
    p.require(Action::CasesWork)?;
    let id = path_id(&id, "case")?;
    let result = match input_of(&p, id as u64, &what, &f) {
        Ok(input) => apply(&st, &p, id, input).await,
        Err(e) => Err(e),
    };
    match result {
        Ok(()) => Ok(redirect(&headers, &format!("/ui/cases/{id}"))),
        Err(e) if e.status.is_client_error() && e.status.as_u16() != 404 => {
            Ok(said(false, "#case-msg", &e.message))
        }
        Err(e) => Err(e),
    }
}

//! Administration: the custom fields of customer records (`model::fields`),
//! one row a field — name, label, type, required, pattern, options, shown in
//! the screen pop — and an empty row to add one. The form goes through the
//! same check as `PUT /api/v1/settings/customer-fields`; a mistake names
//! the row and its column, keeps what was typed, and saves nothing. The
//! form is a maud template.

use std::collections::HashMap;

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use model::fields::{FieldDef, FieldDefs, FieldDefsDoc, FieldError, FieldKind};

use super::{Ctx, Markup, UiForm, html, markup_response};
use crate::AppState;
use crate::auth::Principal;
use crate::error::{ApiError, ApiResult};
use crate::perms::Action;
use crate::tenant::Op;

const KINDS: [(FieldKind, &str, &str); 5] = [
    (FieldKind::Text, "text", "field-type-text"),
    (FieldKind::Number, "number", "field-type-number"),
    (FieldKind::Date, "date", "field-type-date"),
    (FieldKind::Choice, "choice", "field-type-choice"),
    (FieldKind::YesNo, "yes_no", "field-type-yes-no"),
];

fn kind_of(s: &str) -> Option<FieldKind> {
    KINDS.iter().find(|(_, v, _)| *v == s).map(|k| k.0)
}

/// The columns' headings (message ids), in order.
const HEADS: [&str; 8] = [
    "field-name",
    "field-label",
    "field-type",
    "field-required",
    "field-pattern",
    "field-options",
    "field-screen-pop",
    "field-remove",
];

/// One field's row; `i` numbers its inputs (`name.0`), labelled from 1.
fn row(ctx: &Ctx, i: usize, d: &FieldDef) -> Markup {
    let n = i + 1;
    let label = |id: &str| format!("{} {n}", ctx.t(id));
    html! {
        tr data-field-row=(i) {
            td {
                input name=(format!("name.{i}")) value=(d.name) maxlength="64"
                    aria-label=(label("field-name")) pattern="[A-Za-z0-9_]*";
            }
            td {
                input name=(format!("label.{i}")) value=(d.label) maxlength="200"
                    aria-label=(label("field-label"));
            }
            td {
                select name=(format!("type.{i}")) aria-label=(label("field-type")) {
                    @for (k, v, key) in KINDS {
                        option value=(v) selected[k == d.kind] { (ctx.t(key)) }
                    }
                }
            }
            td {
                input type="checkbox" name=(format!("required.{i}")) checked[d.required]
                    aria-label=(label("field-required"));
            }
            td {
                input name=(format!("pattern.{i}")) value=(d.pattern.as_deref().unwrap_or(""))
                    maxlength="512" class="code" aria-label=(label("field-pattern"));
            }
            td {
                input name=(format!("options.{i}")) value=(d.options.join(", "))
                    aria-label=(label("field-options"));
            }
            td {
                input type="checkbox" name=(format!("screen_pop.{i}")) checked[d.screen_pop]
                    aria-label=(label("field-screen-pop"));
            }
            td {
                input type="checkbox" name=(format!("remove.{i}"))
                    aria-label=(label("field-remove"));
            }
        }
    }
}

/// The form: the rows given and an empty one, with a status line.
fn fields_form(ctx: &Ctx, defs: &[FieldDef], status: Markup) -> Markup {
    let blank = FieldDef {
        name: String::new(),
        label: String::new(),
        kind: FieldKind::Text,
        required: false,
        pattern: None,
        options: Vec::new(),
        screen_pop: false,
    };
    html! {
        form id="fields-box" class="stack" hx-post="/ui/admin/customer-fields" hx-target="this"
            hx-swap="outerHTML" {
            .scroll {
                table.fields {
                    thead { tr { @for h in HEADS { th scope="col" { (ctx.t(h)) } } } }
                    tbody {
                        @for (i, d) in defs.iter().chain([&blank]).enumerate() { (row(ctx, i, d)) }
                    }
                }
            }
            p #fields-msg aria-live="polite" { (status) }
            .row { button type="submit" { (ctx.t("save")) } }
        }
    }
}

/// The section of the administration page.
pub async fn section(st: &AppState, ctx: &Ctx) -> ApiResult<Markup> {
    let defs = crate::routes::settings::field_defs(st, ctx.p.tenant()?).await?;
    Ok(html! {
        section.card aria-labelledby="fields-h" {
            h2 #fields-h { (ctx.t("customer-fields")) }
            p.hint { (ctx.t("customer-fields-hint")) }
            (fields_form(ctx, defs.defs(), html! {}))
        }
    })
}

/// The rows as sent (a row without a name, or marked to remove, is left
/// out), with each kept row's number on the form.
fn defs_of(form: &[(String, String)]) -> (Vec<FieldDef>, Vec<usize>, Option<FieldError>) {
    let mut by_row: HashMap<usize, HashMap<&str, &str>> = HashMap::new();
    for (k, v) in form {
        if let Some((col, i)) = k.split_once('.')
            && let Ok(i) = i.parse::<usize>()
        {
            by_row.entry(i).or_default().insert(col, v);
        }
    }
    let mut rows: Vec<usize> = by_row.keys().copied().collect();
    rows.sort_unstable();
    let (mut defs, mut kept, mut bad) = (Vec::new(), Vec::new(), None);
    for i in rows {
        let r = &by_row[&i];
        let get = |c: &str| r.get(c).map_or("", |v| v.trim());
        if get("name").is_empty() || r.contains_key("remove") {
            continue;
        }
        let options = get("options")
            .split(',')
            .map(str::trim)
            .filter(|o| !o.is_empty())
            .map(str::to_string)
            .collect();
        defs.push(FieldDef {
            name: get("name").to_string(),
            label: get("label").to_string(),
            kind: kind_of(get("type")).unwrap_or_else(|| {
                let part = format!("fields[{}].type", defs.len());
                bad.get_or_insert((part, format!("{:?} is not a type", get("type"))));
                FieldKind::Text
            }),
            required: r.contains_key("required"),
            pattern: Some(get("pattern").to_string()).filter(|p| !p.is_empty()),
            options,
            screen_pop: r.contains_key("screen_pop"),
        });
        kept.push(i + 1);
    }
    (defs, kept, bad)
}

/// `fields[2].pattern: …` as the form says it: `row 3, pattern: …`.
fn form_message(ctx: &Ctx, part: &str, why: &str, rows: &[usize]) -> String {
    let at = part
        .strip_prefix("fields[")
        .and_then(|r| r.split_once(']'))
        .and_then(|(i, rest)| Some((rows.get(i.parse::<usize>().ok()?)?, rest)));
    match at {
        Some((row, rest)) => format!(
            "{} {row}{}: {why}",
            ctx.t("row"),
            rest.strip_prefix('.')
                .map(|c| format!(", {c}"))
                .unwrap_or_default()
        ),
        None => format!("{part}: {why}"),
    }
}

/// `POST /ui/admin/customer-fields`.
pub async fn save(
    State(st): State<AppState>,
    p: Principal,
    headers: HeaderMap,
    UiForm(form): UiForm<Vec<(String, String)>>,
) -> ApiResult<Response> {
    p.require(Action::RoutingManage)?;
    let ctx = Ctx::new(&st, p, &headers).await?;
    let t = ctx.p.tenant()?.clone();
    let (defs, rows, bad) = defs_of(&form);
    let checked = match bad {
        Some(e) => Err(e),
        None => FieldDefs::from_doc(FieldDefsDoc {
            fields: defs.clone(),
        }),
    };
    let defs = match checked {
        Ok(d) => d,
        Err((part, why)) => {
            let msg = form_message(&ctx, &part, &why, &rows);
            let status = html! { span.error { (msg) } };
            let mut r = markup_response(fields_form(&ctx, &defs, status));
            *r.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
            return Ok(r);
        }
    };
    let document =
        serde_json::to_string(&defs.to_doc()).map_err(|e| ApiError::internal(e.to_string()))?;
    st.hub
        .tenant(&t)
        .await?
        .call(Op::SetSetting {
            name: model::fields::NAME.into(),
            document,
        })
        .await?;
    let on = Some("settings:customer_fields".to_string());
    crate::audit::record(&st, &ctx.p, crate::audit::AuditAction::SettingsReplaced, on).await?;
    let status = html! { span.ok { (ctx.t("saved")) } };
    Ok(markup_response(fields_form(&ctx, defs.defs(), status)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pairs(v: &[(&str, &str)]) -> Vec<(String, String)> {
        v.iter()
            .map(|(a, b)| (a.to_string(), b.to_string()))
            .collect()
    }

    #[test]
    fn rows_become_definitions_blank_and_removed_ones_left_out() {
        let form = pairs(&[
            ("name.0", "contract"),
            ("type.0", "choice"),
            ("options.0", "prepaid, postpaid,"),
            ("required.0", "on"),
            ("screen_pop.0", "on"),
            ("name.1", "old"),
            ("remove.1", "on"),
            ("name.2", " birthday "),
            ("type.2", "date"),
            ("name.3", ""),
        ]);
        let (defs, rows, bad) = defs_of(&form);
        assert_eq!(bad, None);
        assert_eq!(rows, [1, 3]);
        assert_eq!(defs[0].options, ["prepaid", "postpaid"]);
        assert!(defs[0].required && defs[0].screen_pop);
        assert_eq!(defs[1].name, "birthday");
        assert_eq!(defs[1].kind, FieldKind::Date);
        assert!(!defs[1].required);
    }

    #[test]
    fn a_type_that_is_none_of_them_is_refused_naming_its_row() {
        let (_, rows, bad) = defs_of(&pairs(&[("name.0", "x"), ("type.0", "colour")]));
        assert_eq!(rows, [1]);
        assert_eq!(bad.unwrap().0, "fields[0].type");
    }
}

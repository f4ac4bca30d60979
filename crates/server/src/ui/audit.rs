//! Administration: the latest entries of the tenant's audit trail (who did
//! what, by id; the action in words, its name in `data-action`), with the
//! whole trail to download as CSV for a period (`/api/v1/audit`, the same
//! rows with their hashes). A maud template.

use store::audit::AuditEntry;

use super::{Ctx, Markup, html};
use crate::AppState;
use crate::error::ApiResult;
use crate::perms::Action;

/// Entries shown on the page.
const SHOWN: i64 = 20;

/// When an entry was written, in UTC.
fn at(e: &AuditEntry) -> String {
    chrono::DateTime::from_timestamp_millis(e.at)
        .map(|t| t.format("%Y-%m-%d %H:%M:%S UTC").to_string())
        .unwrap_or_default()
}

/// The entries' table, or a line saying there are none.
fn table(ctx: &Ctx, entries: &[AuditEntry]) -> Markup {
    html! {
        @if entries.is_empty() {
            p { (ctx.t("audit-none")) }
        } @else {
            table {
                thead {
                    tr {
                        th { "#" }
                        th { (ctx.t("audit-when")) }
                        th { (ctx.t("audit-actor")) }
                        th { (ctx.t("audit-action")) }
                        th { (ctx.t("audit-target")) }
                    }
                }
                tbody {
                    @for e in entries {
                        tr {
                            td { (e.seq) }
                            td { (at(e)) }
                            td { code { (e.actor) } }
                            td data-action=(e.action) { (super::popup::known_label(ctx, "audit-do", &e.action)) }
                            td { code { (e.target.as_deref().unwrap_or("")) } }
                        }
                    }
                }
            }
        }
    }
}

/// The section of the administration page (administrators only).
pub async fn section(st: &AppState, ctx: &Ctx) -> ApiResult<Markup> {
    if !crate::perms::allowed(ctx.p.role, Action::AuditRead) {
        return Ok(html! {});
    }
    let entries = st.store.audit_latest(ctx.p.tenant()?, SHOWN).await?;
    Ok(html! {
        section.card aria-labelledby="audit-h" {
            h2 #audit-h { (ctx.t("audit-title")) }
            p.hint { (ctx.t("audit-hint")) }
            (table(ctx, &entries))
            p {
                a href="/api/v1/audit?format=csv&limit=100000" download {
                    (ctx.t("audit-download"))
                }
            }
        }
    })
}

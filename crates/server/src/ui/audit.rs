//! Administration: the latest entries of the tenant's audit trail (who did
//! what, by id), with the whole trail to download as CSV for a period
//! (`/api/v1/audit`, the same rows with their hashes).

use std::fmt::Write as _;

use super::{Ctx, esc};
use crate::AppState;
use crate::error::ApiResult;
use crate::perms::Action;

/// Entries shown on the page.
const SHOWN: i64 = 20;

/// The section of the administration page (administrators only).
pub async fn section_html(st: &AppState, ctx: &Ctx) -> ApiResult<String> {
    if !crate::perms::allowed(ctx.p.role, Action::AuditRead) {
        return Ok(String::new());
    }
    let entries = st.store.audit_latest(ctx.p.tenant()?, SHOWN).await?;
    let mut rows = String::new();
    for e in &entries {
        let at = chrono::DateTime::from_timestamp_millis(e.at)
            .map(|t| t.format("%Y-%m-%d %H:%M:%S UTC").to_string())
            .unwrap_or_default();
        let _ = write!(
            rows,
            "<tr><td>{}</td><td>{at}</td><td><code>{}</code></td><td><code>{}</code></td><td><code>{}</code></td></tr>",
            e.seq,
            esc(&e.actor),
            esc(&e.action),
            esc(e.target.as_deref().unwrap_or("")),
        );
    }
    let table = if entries.is_empty() {
        format!("<p>{}</p>", ctx.te("audit-none"))
    } else {
        format!(
            "<table><thead><tr><th>#</th><th>{when}</th><th>{who}</th><th>{what}</th><th>{on}</th></tr></thead><tbody>{rows}</tbody></table>",
            when = ctx.te("audit-when"),
            who = ctx.te("audit-actor"),
            what = ctx.te("audit-action"),
            on = ctx.te("audit-target"),
        )
    };
    Ok(format!(
        "<section class=\"card\" aria-labelledby=\"audit-h\"><h2 id=\"audit-h\">{title}</h2>\
<p class=\"hint\">{hint}</p>{table}\
<p><a href=\"/api/v1/audit?format=csv&amp;limit=100000\" download>{csv}</a></p></section>",
        title = ctx.te("audit-title"),
        hint = ctx.te("audit-hint"),
        csv = ctx.te("audit-download"),
    ))
}

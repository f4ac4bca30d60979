//! The public chat page `/chat/{tenant}`, where a customer writes to the
//! contact center. Rendered on the server in the customer's language (`?lang=`,
//! else the `centralita_lang` cookie, else `Accept-Language`), with links to
//! the other languages; `assets/chat.js` starts the chat, sends messages and
//! follows the conversation over the chat's own event stream
//! ([`crate::routes::chat::events`]). No polling.
//!
//! The chat (its id and secret) is kept in the tab's `sessionStorage`, so a
//! reload or a change of language picks the conversation up again from the
//! stream.

use std::collections::HashMap;
use std::fmt::Write as _;

use axum::extract::{Path, Query, State};
use axum::http::HeaderMap;
use axum::response::Response;
use i18n::Lang;

use crate::AppState;
use crate::error::ApiResult;
use crate::routes::chat::tenant;
use crate::ui::{esc, html_response, lang_of, tre};

/// The messages the script shows, by the name it knows them by.
const SCRIPT_MESSAGES: &[(&str, &str)] = &[
    ("waiting", "chat-waiting"),
    ("connected", "chat-connected"),
    ("transferring", "chat-transferring"),
    ("ended", "chat-ended"),
    ("you", "chat-you"),
    ("agent", "chat-agent"),
    ("reconnecting", "chat-reconnecting"),
    ("failed", "chat-failed"),
];

/// `GET /chat/{tenant}` (`?lang=en|es|ca|cs`).
pub async fn page(
    State(st): State<AppState>,
    Path(name): Path<String>,
    headers: HeaderMap,
    Query(q): Query<HashMap<String, String>>,
) -> ApiResult<Response> {
    let t = tenant(&st, &name).await?;
    let lang = q
        .get("lang")
        .and_then(|c| Lang::from_code(c))
        .unwrap_or_else(|| lang_of(&headers));
    Ok(html_response(render(t.name(), lang)))
}

fn render(tenant: &str, lang: Lang) -> String {
    let t = |id: &str| tre(lang, id);
    let mut langs = String::new();
    for l in Lang::ALL {
        let cur = if l == lang {
            " aria-current=\"true\""
        } else {
            ""
        };
        let _ = write!(
            langs,
            "<a href=\"?lang={code}\" hreflang=\"{code}\" lang=\"{code}\"{cur}>{name}</a>",
            code = l.code(),
            name = esc(l.name()),
        );
    }
    let mut said = String::new();
    for (key, id) in SCRIPT_MESSAGES {
        let _ = write!(said, " data-t-{key}=\"{}\"", t(id));
    }
    format!(
        "<!doctype html><html lang=\"{code}\"><head><meta charset=\"utf-8\">\
<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
<title>{title}</title><link rel=\"stylesheet\" href=\"/ui/assets/chat.css\">\
<script src=\"/ui/assets/chat.js\" defer></script></head>\
<body class=\"chat-page\" data-tenant=\"{tenant}\" data-lang=\"{code}\"{said}>\
<header><nav aria-label=\"{language}\">{langs}</nav></header>\
<main id=\"main\"><h1>{title}</h1><p>{welcome}</p>\
<p id=\"chat-error\" class=\"error\" role=\"alert\"></p>\
<form id=\"start\">\
<p><label for=\"name\">{your_name}</label> <input id=\"name\" name=\"name\" maxlength=\"64\" autocomplete=\"name\"></p>\
<p><label for=\"email\">{email}</label> <input id=\"email\" name=\"email\" type=\"email\" maxlength=\"254\" autocomplete=\"email\"></p>\
<p><label for=\"subject\">{subject}</label> <input id=\"subject\" name=\"subject\" maxlength=\"256\"></p>\
<p><button type=\"submit\">{start}</button></p></form>\
<section id=\"chat\" aria-labelledby=\"conversation\" hidden>\
<h2 id=\"conversation\">{conversation}</h2>\
<p id=\"chat-state\" class=\"state\" role=\"status\"></p>\
<div id=\"log\" role=\"log\" aria-live=\"polite\" tabindex=\"0\"></div>\
<form id=\"send\"><label for=\"msg\">{message}</label> \
<input id=\"msg\" autocomplete=\"off\" maxlength=\"8000\" placeholder=\"{placeholder}\" required> \
<button type=\"submit\">{send}</button></form>\
<p><button type=\"button\" id=\"new-chat\" hidden>{new_chat}</button></p>\
</section></main></body></html>",
        code = lang.code(),
        tenant = esc(tenant),
        title = t("chat-title"),
        language = t("language"),
        welcome = t("chat-welcome"),
        your_name = t("chat-your-name"),
        email = t("chat-email"),
        subject = t("chat-subject"),
        start = t("chat-start"),
        conversation = t("chat-conversation"),
        message = t("chat-message"),
        placeholder = t("chat-message-placeholder"),
        send = t("send"),
        new_chat = t("chat-new"),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use i18n::Catalog;

    #[test]
    fn every_language_has_every_message_of_the_page() {
        let page = [
            "chat-title",
            "language",
            "chat-welcome",
            "chat-your-name",
            "chat-email",
            "chat-subject",
            "chat-start",
            "chat-conversation",
            "chat-message",
            "chat-message-placeholder",
            "send",
            "chat-new",
        ];
        for l in Lang::ALL {
            for id in page.iter().chain(SCRIPT_MESSAGES.iter().map(|(_, id)| id)) {
                assert!(Catalog::global().has(l, id), "{l:?} lacks {id}");
            }
            let html = render("acme", l);
            assert!(html.contains(&format!("<html lang=\"{}\"", l.code())));
        }
    }

    #[test]
    fn the_tenant_name_is_escaped() {
        assert!(render("a\"<b", Lang::En).contains("data-tenant=\"a&quot;&lt;b\""));
    }
}

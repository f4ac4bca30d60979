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
//!
//! A page of its own (not [`super::layout`]'s), drawn with a maud template.

use std::collections::HashMap;

use axum::extract::{Path, Query, State};
use axum::http::HeaderMap;
use axum::response::Response;
use i18n::Lang;

use crate::AppState;
use crate::error::ApiResult;
use crate::routes::chat::tenant;
use crate::ui::{Markup, html, lang_of, markup_response, tr};

/// `GET /chat/{tenant}` (`?lang=en|es|ca|cs|ru|zh`).
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
    Ok(markup_response(render(t.name(), lang)))
}

fn render(tenant: &str, lang: Lang) -> Markup {
    let t = |id: &str| tr(lang, id);
    let code = lang.code();
    html! {
        (maud::DOCTYPE)
        html lang=(code) {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (t("chat-title")) }
                link rel="stylesheet" href="/ui/assets/chat.css";
                script src="/ui/assets/chat.js" defer {}
            }
            // The script's words, by the name it knows them by (`data-t-KEY`).
            body.chat-page data-tenant=(tenant) data-lang=(code)
                data-t-waiting=(t("chat-waiting")) data-t-connected=(t("chat-connected"))
                data-t-transferring=(t("chat-transferring")) data-t-ended=(t("chat-ended"))
                data-t-you=(t("chat-you")) data-t-agent=(t("chat-agent"))
                data-t-reconnecting=(t("chat-reconnecting")) data-t-failed=(t("chat-failed")) {
                header { nav aria-label=(t("language")) { (languages(lang)) } }
                main #main {
                    h1 { (t("chat-title")) }
                    p { (t("chat-welcome")) }
                    p #chat-error .error role="alert" {}
                    (start_form(lang))
                    (conversation(lang))
                }
            }
        }
    }
}

/// Links to the page in the other languages.
fn languages(lang: Lang) -> Markup {
    html! {
        @for l in Lang::ALL {
            a href=(format!("?lang={}", l.code())) hreflang=(l.code()) lang=(l.code())
                aria-current=[(l == lang).then_some("true")] { (l.name()) }
        }
    }
}

/// Who is writing and about what, to start the chat.
fn start_form(lang: Lang) -> Markup {
    let t = |id: &str| tr(lang, id);
    html! {
        form #start {
            p {
                label for="name" { (t("chat-your-name")) } " "
                input #name name="name" maxlength="64" autocomplete="name";
            }
            p {
                label for="email" { (t("chat-email")) } " "
                input #email name="email" type="email" maxlength="254" autocomplete="email";
            }
            p {
                label for="subject" { (t("chat-subject")) } " "
                input #subject name="subject" maxlength="256";
            }
            p { button type="submit" { (t("chat-start")) } }
        }
    }
}

/// The conversation, hidden until the chat starts, and the form to write.
fn conversation(lang: Lang) -> Markup {
    let t = |id: &str| tr(lang, id);
    html! {
        section #chat aria-labelledby="conversation" hidden {
            h2 #conversation { (t("chat-conversation")) }
            p #chat-state .state role="status" {}
            div #log role="log" aria-live="polite" tabindex="0" {}
            form #send {
                label for="msg" { (t("chat-message")) } " "
                input #msg autocomplete="off" maxlength="8000"
                    placeholder=(t("chat-message-placeholder")) required;
                " "
                button type="submit" { (t("send")) }
            }
            p { button type="button" #new-chat hidden { (t("chat-new")) } }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use i18n::Catalog;

    /// The messages the script shows, by the name it knows them by: the page
    /// carries each as a `data-t-KEY` attribute (written out in [`render`]).
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
            let html = render("acme", l).into_string();
            assert!(html.contains(&format!("<html lang=\"{}\"", l.code())));
            for (key, id) in SCRIPT_MESSAGES {
                let said = format!(
                    "data-t-{key}=\"{}\"",
                    maud::html! { (tr(l, id)) }.into_string()
                );
                assert!(html.contains(&said), "{l:?} lacks {said}");
            }
        }
    }

    #[test]
    fn the_tenant_name_is_escaped() {
        assert!(
            render("a\"<b", Lang::En)
                .into_string()
                .contains("data-tenant=\"a&quot;&lt;b\"")
        );
    }
}

//! A refusal in the user's language: the API's errors carry a stable code
//! and an English message; a page (the short error page of a refused GET)
//! and `assets/app.js`'s flash (a refused htmx action, from the messages
//! the page's `<body data-errors>` holds) show the code's sentence in the
//! user's language instead (a conflict's sentence keeps the API's detail,
//! the core's reason, which has no translation). English keeps the API's
//! own message; a failed sign-in's message is written for people already.

use axum::http::StatusCode;
use i18n::{Arg, Catalog, Lang};

/// The API's fixed messages that have their own sentence.
const NO_AGENT: &str = "your user is not linked to an agent";

/// The message of an error code, or `None` for the generic sentence.
fn key(code: &str, message: &str) -> Option<&'static str> {
    Some(match code {
        "forbidden" => "not-allowed",
        "not_found" => "not-found",
        "conflict" if message == NO_AGENT => "error-no-agent",
        "conflict" => "error-conflict",
        "csrf_failed" => "error-csrf",
        "rate_limited" | "too_many_attempts" | "overloaded" | "busy" => "error-busy",
        "payload_too_large" => "error-too-large",
        "upstream_failed" => "error-upstream",
        _ => return None,
    })
}

/// What a refused page says: the API's `message` in English, its code's
/// sentence in another language.
pub fn page_message(lang: Lang, status: StatusCode, code: &str, message: &str) -> String {
    let c = Catalog::global();
    match (lang, key(code, message)) {
        (Lang::En, _) if !message.is_empty() => message.to_string(),
        // Said for people already (in their language where we could).
        _ if code == "sign_in_failed" => message.to_string(),
        (_, Some(k)) => c.t_args(lang, k, &[("message", Arg::Str(message))]),
        (_, None) => c.t_args(
            lang,
            "error-status",
            &[("id", Arg::Num(f64::from(status.as_u16())))],
        ),
    }
}

/// The sentences of the codes, as JSON for `<body data-errors>` (`*` for
/// any other code; `%s` stands for the API's message; `=` and a fixed
/// message for that message's own sentence); `None` in English,
/// where the flash shows the API's message.
pub fn flash_messages(lang: Lang) -> Option<String> {
    if lang == Lang::En {
        return None;
    }
    let c = Catalog::global();
    let mut map = serde_json::Map::new();
    for code in [
        "forbidden",
        "not_found",
        "conflict",
        "csrf_failed",
        "rate_limited",
        "too_many_attempts",
        "overloaded",
        "busy",
        "payload_too_large",
        "upstream_failed",
    ] {
        if let Some(k) = key(code, "") {
            let text = c.t_args(lang, k, &[("message", Arg::Str("%s"))]);
            map.insert(code.into(), text.into());
        }
    }
    map.insert("*".into(), c.t(lang, "error-failed").into());
    map.insert(format!("={NO_AGENT}"), c.t(lang, "error-no-agent").into());
    Some(serde_json::Value::Object(map).to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refusals_in_the_users_language() {
        let forbidden = StatusCode::FORBIDDEN;
        let msg = "your role may not read campaigns";
        assert_eq!(page_message(Lang::En, forbidden, "forbidden", msg), msg);
        let es = page_message(Lang::Es, forbidden, "forbidden", msg);
        assert_eq!(es, Catalog::global().t(Lang::Es, "not-allowed"));
        let teapot = StatusCode::IM_A_TEAPOT;
        assert!(page_message(Lang::Cs, teapot, "odd", "x").contains("418"));
        assert!(flash_messages(Lang::En).is_none());
        let ca: serde_json::Value =
            serde_json::from_str(&flash_messages(Lang::Ca).unwrap()).unwrap();
        assert_eq!(ca["*"], Catalog::global().t(Lang::Ca, "error-failed"));
        let no_agent = Catalog::global().t(Lang::Ca, "error-no-agent");
        assert_eq!(ca[format!("={NO_AGENT}")], no_agent);
        let conflict = StatusCode::CONFLICT;
        assert_eq!(
            page_message(Lang::Ca, conflict, "conflict", NO_AGENT),
            no_agent
        );
        assert!(ca["conflict"].as_str().unwrap().contains("%s"));
    }
}

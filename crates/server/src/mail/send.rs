//! An agent's reply, sent over SMTP (`lettre`) from the mailbox the thread
//! came to: to the last message's sender, `Re:` its subject, in its thread
//! (In-Reply-To and References), as plain text. Logged (`email_sent`) only
//! once the server took it; a refusal is the caller's error and nothing is
//! logged.

use std::time::Duration;

use lettre::message::header::ContentType;
use lettre::transport::smtp::authentication::Credentials;
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use model::email::{BODY_LEN_MAX, Email};
use store::Tenant;
use store::mail::Security;

use crate::AppState;
use crate::error::{ApiError, ApiResult};
use crate::tenant::Op;

/// Longest wait for the SMTP server.
const TIMEOUT: Duration = Duration::from_secs(30);

/// The last message received on an interaction, and its mailbox.
async fn last_received(st: &AppState, t: &Tenant, interaction: i64) -> ApiResult<(String, Email)> {
    let facts = st.store.interaction_facts(t, interaction).await?;
    facts
        .into_iter()
        .rev()
        .find_map(|r| match r.fact {
            store::Fact::EmailReceived { mailbox, email, .. } => Some((mailbox, *email)),
            _ => None,
        })
        .ok_or_else(|| {
            ApiError::conflict(format!("interaction {interaction} has no e-mail to answer"))
        })
}

/// Sends `text` as the answer on `interaction`, by user `by`; the message sent.
pub async fn reply(
    st: &AppState,
    t: &Tenant,
    interaction: i64,
    text: &str,
    by: &str,
) -> ApiResult<Email> {
    if text.trim().is_empty() || text.len() > BODY_LEN_MAX {
        return Err(ApiError::field(
            "body",
            format!("1 to {BODY_LEN_MAX} bytes"),
        ));
    }
    let (mailbox, last) = last_received(st, t, interaction).await?;
    let m = (st.store.mailbox(t, &mailbox).await?)
        .ok_or_else(|| ApiError::conflict(format!("mailbox {mailbox} is gone")))?;
    let domain = m.address.rsplit('@').next().unwrap_or("centralita.invalid");
    let subject = match last.subject.to_lowercase().starts_with("re:") {
        true => last.subject.clone(),
        false => format!("Re: {}", last.subject),
    };
    let mut references = last.references.clone();
    references.push(last.message_id.clone());
    let email = Email {
        message_id: format!("{}@{domain}", crate::auth::random_hex(16)),
        in_reply_to: Some(last.message_id.clone()),
        references,
        from: m.address.clone(),
        to: vec![last.from.clone()],
        subject,
        text: text.to_string(),
        html: None,
        attachments: Vec::new(),
    };
    let wire = message(&email).map_err(|e| ApiError::field("to", e))?;
    if let Err(e @ crate::targets::TargetError::Local { .. }) =
        crate::targets::resolve(&m.smtp.host, m.smtp.port, st.allow_local_targets).await
    {
        return Err(ApiError::upstream(e.to_string()));
    }
    let password = super::open_password(st, t, &m, super::Side::Smtp)
        .map_err(|e| ApiError::internal(e.to_string()))?;
    let transport =
        transport(&m.smtp, password).map_err(|e| ApiError::field("smtp", e.to_string()))?;
    transport.send(wire).await.map_err(|e| {
        ApiError::upstream(format!("the SMTP server did not take the message: {e}"))
    })?;
    st.hub
        .tenant(t)
        .await?
        .call(Op::Email {
            interaction,
            mailbox: m.name.clone(),
            email: Box::new(email.clone()),
            sent_by: Some(by.to_string()),
        })
        .await?;
    Ok(email)
}

fn angle(id: &str) -> String {
    format!("<{id}>")
}

/// The message as it goes on the wire.
fn message(e: &Email) -> Result<Message, String> {
    let from = e.from.parse().map_err(|err| format!("{}: {err}", e.from))?;
    let to = e.to[0]
        .parse()
        .map_err(|err| format!("{}: {err}", e.to[0]))?;
    let mut b = Message::builder()
        .from(from)
        .to(to)
        .subject(e.subject.clone())
        .message_id(Some(angle(&e.message_id)));
    if let Some(r) = &e.in_reply_to {
        b = b.in_reply_to(angle(r));
    }
    let refs: Vec<String> = e.references.iter().map(|r| angle(r)).collect();
    if !refs.is_empty() {
        b = b.references(refs.join(" "));
    }
    b.header(ContentType::TEXT_PLAIN)
        .body(e.text.clone())
        .map_err(|err| err.to_string())
}

fn transport(
    ep: &store::mail::Endpoint,
    password: String,
) -> Result<AsyncSmtpTransport<Tokio1Executor>, lettre::transport::smtp::Error> {
    let builder = match ep.security {
        Security::Tls => AsyncSmtpTransport::<Tokio1Executor>::relay(&ep.host)?,
        Security::Starttls => AsyncSmtpTransport::<Tokio1Executor>::starttls_relay(&ep.host)?,
        Security::None => AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(&ep.host),
    };
    let mut builder = builder.port(ep.port).timeout(Some(TIMEOUT));
    if !ep.user.is_empty() {
        builder = builder.credentials(Credentials::new(ep.user.clone(), password));
    }
    Ok(builder.build())
}

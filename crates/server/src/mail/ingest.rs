//! A message read from a mailbox, taken in: a bounce is noted on the
//! customer whose address failed (`email_bounced` on their profile); a
//! message already taken (its Message-ID known) is skipped; an answer in a
//! thread whose interaction is still open joins it; anything else opens a
//! new `email` interaction (the sender's customer record found by address),
//! routed like any other, in the mailbox's queue.

use model::{Attributes, Channel};
use store::Tenant;
use store::mail::MailboxRow;

use super::parse::{Limits, Parsed, parse};
use crate::AppState;
use crate::error::ApiError;
use crate::tenant::{Ack, NewInteractionReq, Op};

/// Takes in one raw message.
pub async fn ingest(st: &AppState, t: &Tenant, m: &MailboxRow, raw: &[u8]) -> Result<(), ApiError> {
    let dir = super::mail_dir(st)
        .await
        .join(t.id().to_string())
        .join(message_dir(raw));
    let parsed = tokio::task::spawn_blocking({
        let raw = raw.to_vec();
        move || parse(&raw, &dir, Limits::from_env())
    })
    .await
    .map_err(|e| ApiError::internal(e.to_string()))?;
    match parsed {
        None => {
            tracing::warn!(
                tenant = t.name(),
                mailbox = m.name,
                "a message that does not parse was skipped"
            );
            Ok(())
        }
        Some(Parsed::Bounce { address, reason }) => bounced(st, t, &address, &reason).await,
        Some(Parsed::Message(email)) => message(st, t, m, email).await,
    }
}

/// A folder per message, named by its bytes' hash (the same message read
/// twice lands in the same place).
fn message_dir(raw: &[u8]) -> String {
    use blake2::{Blake2b512, Digest};
    Blake2b512::digest(raw)
        .iter()
        .take(12)
        .map(|b| format!("{b:02x}"))
        .collect()
}

async fn bounced(st: &AppState, t: &Tenant, address: &str, reason: &str) -> Result<(), ApiError> {
    let found = st.store.find_customers(t, None, Some(address)).await?;
    let hub = st.hub.tenant(t).await?;
    for c in found {
        let note = model::email::cut(&format!("{address}: {reason}"), 512);
        hub.call(Op::Profile {
            customer: c.id,
            interaction: None,
            fields: vec![("email_bounced".into(), note)],
            by: "mail".into(),
        })
        .await?;
    }
    Ok(())
}

async fn message(
    st: &AppState,
    t: &Tenant,
    m: &MailboxRow,
    email: Box<model::email::Email>,
) -> Result<(), ApiError> {
    if st
        .store
        .email_thread(t, std::slice::from_ref(&email.message_id))
        .await?
        .is_some()
    {
        return Ok(());
    }
    let hub = st.hub.tenant(t).await?;
    let interaction = match open_thread(st, t, &email).await? {
        Some(i) => i,
        None => {
            let customer = st.store.find_customers(t, None, Some(&email.from)).await?;
            let req = NewInteractionReq {
                channel: Channel::Email,
                queue: m.queue.clone(),
                priority: 0,
                attributes: Attributes::default(),
                customer: customer.first().map(|c| c.id),
                subject: Some(email.subject.clone()).filter(|s| !s.is_empty()),
                idempotency_key: Some(model::email::cut(
                    &format!("email:{}", email.message_id),
                    128,
                )),
                chat_secret_hash: None,
            };
            match hub.call(Op::Create(Box::new(req))).await? {
                Ack::Interaction { id, .. } => id,
                _ => return Err(ApiError::internal("no interaction for an e-mail")),
            }
        }
    };
    hub.call(Op::Email {
        interaction,
        mailbox: m.name.clone(),
        email,
        sent_by: None,
    })
    .await?;
    Ok(())
}

/// The open interaction of the thread the message answers, if any.
async fn open_thread(
    st: &AppState,
    t: &Tenant,
    email: &model::email::Email,
) -> Result<Option<i64>, ApiError> {
    let mut ids: Vec<String> = email.in_reply_to.iter().cloned().collect();
    ids.extend(email.references.iter().rev().cloned());
    let Some(id) = st.store.email_thread(t, &ids).await? else {
        return Ok(None);
    };
    let open = st
        .store
        .interaction(t, id)
        .await?
        .is_some_and(|it| it.ended_at.is_none());
    Ok(open.then_some(id))
}

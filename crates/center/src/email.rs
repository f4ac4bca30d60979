//! E-mail on `email` interactions: a message received or sent is logged on
//! its interaction (the shell reads mailboxes and sends replies; the core
//! checks the interaction and keeps the order).

use model::email::Email;
use model::fact::Fact;
use model::{Channel, InteractionId};

use crate::command::Reply;
use crate::core::TenantCore;
use crate::error::TenantError;

impl TenantCore {
    pub(crate) fn email(
        &mut self,
        interaction: i64,
        mailbox: String,
        email: Box<Email>,
        sent_by: Option<String>,
    ) -> Result<Reply, TenantError> {
        let it = self.known(interaction)?;
        if it.channel != Channel::Email {
            return Err(TenantError::conflict(format!(
                "interaction {interaction} is not an e-mail"
            )));
        }
        if email.message_id.is_empty() || email.message_id.len() > 998 {
            return Err(TenantError::field("message_id", "1 to 998 bytes"));
        }
        let interaction = InteractionId(interaction as u64);
        self.push(match sent_by {
            Some(by) => Fact::EmailSent {
                interaction,
                mailbox,
                email,
                by,
            },
            None => Fact::EmailReceived {
                interaction,
                mailbox,
                email,
            },
        });
        Ok(Reply::Done)
    }
}

//! [`Signalling`] on top of the `rsipstack` crate (UDP). This file is the
//! only one that knows rsipstack; replacing the stack means replacing it.
//!
//! One task owns the stack's endpoint, its dialog layer and the map from
//! our [`CallRef`]s to its dialogs; the switch talks to it over two channels.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::Arc;

use rsipstack::dialog::DialogId;
use rsipstack::dialog::dialog::{Dialog, DialogState, DialogStateReceiver, TerminatedReason};
use rsipstack::dialog::dialog_layer::DialogLayer;
use rsipstack::dialog::invite_dialog::InviteDialog;
use rsipstack::platform::CancellationToken;
use rsipstack::sip::prelude::HeadersExt;
use rsipstack::sip::{Header, Method, SipMessage, StatusCode};
use rsipstack::transaction::endpoint::MessageInspector;
use rsipstack::transaction::{Transaction, TransactionReceiver};
use rsipstack::transport::{SipAddr, TransportLayer, udp::UdpConnection};
use tokio::sync::mpsc;
use tracing::{debug, warn};

use super::signalling::{CallRef, SignalCommand, SignalEvent, Signalling};

/// The header our inspector writes with the address a request really came
/// from (any copy the sender put in is removed first, so it cannot be forged).
const SOURCE_HEADER: &str = "X-Centralita-Source";
/// Events buffered towards the switch before the stack waits for it.
const EVENTS_BUFFER: usize = 1_024;
/// Longest number (user part) we pass on; longer ones are cut.
const NUMBER_CHARS_MAX: usize = 64;

/// Why the stack could not start.
#[derive(Debug, thiserror::Error)]
pub enum SignallingError {
    /// Binding or setting up the transport failed.
    #[error("cannot listen for SIP on {addr}: {cause}")]
    Listen {
        /// The address asked for.
        addr: SocketAddr,
        /// What the stack said.
        cause: String,
    },
}

/// rsipstack behind our trait.
pub struct RsipSignalling {
    local: SocketAddr,
    events: mpsc::Receiver<SignalEvent>,
    commands: mpsc::UnboundedSender<SignalCommand>,
    cancel: CancellationToken,
}

struct StampSource;

impl MessageInspector for StampSource {
    fn before_send(&self, msg: SipMessage, _dest: Option<&SipAddr>) -> SipMessage {
        msg
    }

    fn after_received(&self, msg: SipMessage, from: Option<&SipAddr>) -> SipMessage {
        match msg {
            SipMessage::Request(mut req) => {
                req.headers
                    .retain(|h| !h.name().eq_ignore_ascii_case(SOURCE_HEADER));
                if let Some(from) = from.and_then(|f| f.get_socketaddr().ok()) {
                    req.headers
                        .push(Header::Other(SOURCE_HEADER.into(), from.to_string()));
                }
                SipMessage::Request(req)
            }
            other => other,
        }
    }
}

impl RsipSignalling {
    /// Listens for SIP over UDP on `addr` (port 0 picks a free port).
    pub async fn bind(addr: SocketAddr) -> Result<RsipSignalling, SignallingError> {
        let err = |cause: String| SignallingError::Listen { addr, cause };
        let cancel = CancellationToken::new();
        let transport = TransportLayer::new(cancel.clone());
        let udp = UdpConnection::create_connection(addr, None, Some(cancel.child_token()))
            .await
            .map_err(|e| err(e.to_string()))?;
        let local = udp
            .get_addr()
            .get_socketaddr()
            .map_err(|e| err(e.to_string()))?;
        transport.add_transport(udp.into());
        let endpoint = rsipstack::EndpointBuilder::new()
            .with_cancel_token(cancel.clone())
            .with_transport_layer(transport)
            .with_user_agent("centralita")
            .with_inspector(Box::new(StampSource))
            .build();
        let incoming = endpoint
            .incoming_transactions()
            .map_err(|e| err(e.to_string()))?;
        let dialogs = Arc::new(DialogLayer::new(endpoint.inner.clone()));
        let (state_tx, state_rx) = dialogs.new_dialog_state_channel();
        let (events_tx, events) = mpsc::channel(EVENTS_BUFFER);
        let (commands, commands_rx) = mpsc::unbounded_channel();
        let contact = rsipstack::sip::Uri::try_from(format!("sip:centralita@{local}").as_str())
            .map_err(|e| err(e.to_string()))?;
        let stack = Stack {
            dialogs,
            state_tx,
            contact,
            events: events_tx,
            calls: HashMap::new(),
            by_dialog: HashMap::new(),
            next_call: 1,
        };
        let token = cancel.clone();
        tokio::spawn(async move {
            tokio::select! {
                _ = endpoint.serve() => debug!("SIP endpoint stopped"),
                _ = stack.run(incoming, state_rx, commands_rx) => debug!("SIP stack loop stopped"),
                _ = token.cancelled() => {}
            }
        });
        Ok(RsipSignalling {
            local,
            events,
            commands,
            cancel,
        })
    }
}

impl Signalling for RsipSignalling {
    fn local_addr(&self) -> SocketAddr {
        self.local
    }

    async fn next_event(&mut self) -> Option<SignalEvent> {
        self.events.recv().await
    }

    fn send(&mut self, command: SignalCommand) {
        // The stack task only goes away on shutdown; a command after that has nothing to do.
        let _ = self.commands.send(command);
    }

    fn shutdown(&mut self) {
        self.cancel.cancel();
    }
}

impl Drop for RsipSignalling {
    fn drop(&mut self) {
        self.cancel.cancel();
    }
}

/// The task's state.
struct Stack {
    dialogs: Arc<DialogLayer>,
    state_tx: rsipstack::dialog::dialog::DialogStateSender,
    contact: rsipstack::sip::Uri,
    events: mpsc::Sender<SignalEvent>,
    calls: HashMap<CallRef, InviteDialog>,
    by_dialog: HashMap<String, CallRef>,
    next_call: CallRef,
}

fn user_part(uri: Option<rsipstack::sip::Uri>) -> String {
    uri.and_then(|u| u.user().map(|s| s.chars().take(NUMBER_CHARS_MAX).collect()))
        .unwrap_or_default()
}

impl Stack {
    async fn run(
        mut self,
        mut incoming: TransactionReceiver,
        mut states: DialogStateReceiver,
        mut commands: mpsc::UnboundedReceiver<SignalCommand>,
    ) {
        loop {
            tokio::select! {
                tx = incoming.recv() => match tx {
                    Some(tx) => self.on_transaction(tx).await,
                    None => return,
                },
                state = states.recv() => match state {
                    Some(state) => self.on_state(state).await,
                    None => return,
                },
                cmd = commands.recv() => match cmd {
                    Some(cmd) => self.on_command(cmd),
                    None => return,
                },
            }
        }
    }

    async fn emit(&self, event: SignalEvent) {
        // The switch dropped its receiver: it is shutting down.
        let _ = self.events.send(event).await;
    }

    async fn on_transaction(&mut self, mut tx: Transaction) {
        let method = tx.original.method;
        let has_to_tag = tx
            .original
            .to_header()
            .ok()
            .and_then(|t| t.tag().ok().flatten())
            .is_some();
        if method == Method::Invite && !has_to_tag {
            return self.on_invite(tx).await;
        }
        if let Some(Dialog::Invite(mut dialog)) = self.dialogs.match_dialog(&tx) {
            tokio::spawn(async move {
                if let Err(e) = dialog.handle(&mut tx).await {
                    debug!(error = %e, "in-dialog request failed");
                }
            });
            return;
        }
        let status = match method {
            Method::Ack => return,
            Method::Options => StatusCode::OK,
            Method::Bye | Method::Info | Method::Cancel | Method::Update | Method::PRack => {
                StatusCode::CallTransactionDoesNotExist
            }
            _ => StatusCode::MethodNotAllowed,
        };
        tokio::spawn(async move {
            tx.reply(status).await.ok();
        });
    }

    async fn on_invite(&mut self, mut tx: Transaction) {
        let req = &tx.original;
        let source = req
            .header_value(SOURCE_HEADER)
            .and_then(|s| s.parse::<SocketAddr>().ok());
        let call_id = req
            .call_id_header()
            .map(|c| c.value().chars().take(256).collect::<String>())
            .unwrap_or_default();
        let caller = user_part(req.from_header().ok().and_then(|f| f.uri().ok()));
        let dialled = match req.uri.user() {
            Some(u) => u.chars().take(NUMBER_CHARS_MAX).collect(),
            None => user_part(req.to_header().ok().and_then(|t| t.uri().ok())),
        };
        let sdp = req.body.clone();
        let dialog = match self.dialogs.get_or_create_server_invite(
            &tx,
            self.state_tx.clone(),
            None,
            Some(self.contact.clone()),
        ) {
            Ok(d) => d,
            Err(e) => {
                warn!(error = %e, "INVITE refused by the stack");
                tokio::spawn(async move {
                    tx.reply(StatusCode::BadRequest).await.ok();
                });
                return;
            }
        };
        let call = self.next_call;
        self.next_call += 1;
        self.by_dialog.insert(dialog.id().to_string(), call);
        self.calls.insert(call, dialog.clone());
        let mut handler = dialog;
        tokio::spawn(async move {
            if let Err(e) = handler.handle(&mut tx).await {
                debug!(error = %e, "INVITE transaction failed");
            }
        });
        self.emit(SignalEvent::Invite {
            call,
            call_id,
            caller,
            dialled,
            source,
            sdp,
        })
        .await;
    }

    fn call_of(&self, id: &DialogId) -> Option<CallRef> {
        self.by_dialog.get(&id.to_string()).copied()
    }

    async fn on_state(&mut self, state: DialogState) {
        match state {
            DialogState::Info(id, req, handle) => {
                tokio::spawn(async move {
                    handle.reply(StatusCode::OK).await.ok();
                });
                if let Some(call) = self.call_of(&id) {
                    let content_type = req.header_value("Content-Type").unwrap_or_default();
                    self.emit(SignalEvent::Info {
                        call,
                        content_type,
                        body: req.body,
                    })
                    .await;
                }
            }
            DialogState::Options(_, _, handle) => {
                tokio::spawn(async move {
                    handle.reply(StatusCode::OK).await.ok();
                });
            }
            DialogState::Terminated(id, reason) => {
                self.dialogs.remove_dialog(&id);
                let Some(call) = self.by_dialog.remove(&id.to_string()) else {
                    return;
                };
                self.calls.remove(&call);
                let by_remote = matches!(
                    reason,
                    TerminatedReason::UacBye | TerminatedReason::UacCancel
                );
                self.emit(SignalEvent::Ended { call, by_remote }).await;
            }
            other => debug!(state = %other, "dialog state"),
        }
    }

    fn on_command(&mut self, cmd: SignalCommand) {
        let call = match &cmd {
            SignalCommand::Ringing { call }
            | SignalCommand::Accept { call, .. }
            | SignalCommand::Reject { call, .. }
            | SignalCommand::Hangup { call } => *call,
        };
        let Some(dialog) = self.calls.get(&call).cloned() else {
            return;
        };
        let result = match cmd {
            SignalCommand::Ringing { .. } => dialog.ringing(None, None),
            SignalCommand::Accept { sdp, .. } => {
                let ct = Header::ContentType(rsipstack::sip::headers::ContentType::new(
                    "application/sdp",
                ));
                dialog.accept(Some(vec![ct]), Some(sdp))
            }
            SignalCommand::Reject { status, reason, .. } => {
                dialog.reject(Some(StatusCode::from(status)), Some(reason))
            }
            SignalCommand::Hangup { .. } => {
                tokio::spawn(async move {
                    if let Err(e) = dialog.bye().await {
                        debug!(error = %e, "BYE failed");
                    }
                });
                Ok(())
            }
        };
        if let Err(e) = result {
            warn!(call, error = %e, "SIP command failed");
        }
    }
}

//! [`Signalling`] on top of the `rsipstack` crate (UDP, and TCP on the same port). This file is the
//! only one that knows rsipstack; replacing the stack means replacing it.
//!
//! One task owns the stack's endpoint, its dialog layer and the map from
//! our [`CallRef`]s to its dialogs; the switch talks to it over two channels.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use rsipstack::dialog::DialogId;
use rsipstack::dialog::dialog::{Dialog, DialogState, DialogStateReceiver, TerminatedReason};
use rsipstack::dialog::dialog_layer::DialogLayer;
use rsipstack::dialog::invite_dialog::InviteDialog;
use rsipstack::platform::CancellationToken;
use rsipstack::sip::prelude::HeadersExt;
use rsipstack::sip::{Header, Method, SipMessage, StatusCode};
use rsipstack::transaction::endpoint::MessageInspector;
use rsipstack::transaction::{Transaction, TransactionReceiver};
use rsipstack::transport::{SipAddr, TcpListenerConnection, TransportLayer, udp::UdpConnection};
use tokio::sync::mpsc;
use tracing::{debug, warn};

use super::signalling::{CallRef, Originate, SignalCommand, SignalEvent, Signalling};

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
    next_call: Arc<AtomicU64>,
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
    /// Listens for SIP over UDP on `addr` (port 0 picks a free port), and over TCP on the same port.
    pub async fn bind(addr: SocketAddr) -> Result<RsipSignalling, SignallingError> {
        RsipSignalling::bind_with(addr, None).await
    }

    /// Like [`RsipSignalling::bind`]; INVITEs from the trunks `guard` knows
    /// are challenged (401) until they prove their password.
    pub async fn bind_with(
        addr: SocketAddr,
        guard: Option<super::digest::DigestGuard>,
    ) -> Result<RsipSignalling, SignallingError> {
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
        // TCP on the same port (the stack binds it when it starts serving).
        let tcp = TcpListenerConnection::new(local, None)
            .await
            .map_err(|e| err(e.to_string()))?;
        transport.add_transport(tcp.into());
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
        let next_call = Arc::new(AtomicU64::new(1));
        let (done_tx, done_rx) = mpsc::unbounded_channel();
        let stack = Stack {
            dialogs,
            state_tx,
            contact,
            local,
            events: events_tx,
            calls: HashMap::new(),
            by_call_id: HashMap::new(),
            next_call: next_call.clone(),
            unanswered: Default::default(),
            done_tx,
            guard,
            reinvites: HashMap::new(),
        };
        let token = cancel.clone();
        tokio::spawn(async move {
            tokio::select! {
                _ = endpoint.serve() => debug!("SIP endpoint stopped"),
                _ = stack.run(incoming, state_rx, commands_rx, done_rx) => debug!("SIP stack loop stopped"),
                _ = token.cancelled() => {}
            }
        });
        Ok(RsipSignalling {
            local,
            events,
            commands,
            cancel,
            next_call,
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

    fn new_call_ref(&mut self) -> CallRef {
        self.next_call.fetch_add(1, Ordering::Relaxed)
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
    local: SocketAddr,
    events: mpsc::Sender<SignalEvent>,
    calls: HashMap<CallRef, InviteDialog>,
    /// Calls by SIP Call-ID (ours are unique; a caller reusing one is refused by the stack).
    by_call_id: HashMap<String, CallRef>,
    next_call: Arc<AtomicU64>,
    /// Calls we placed that have no final response yet: their outcome comes
    /// from the INVITE's result, not from the dialog ending.
    unanswered: std::collections::HashSet<CallRef>,
    /// Where the tasks running our INVITEs report their final response.
    done_tx: mpsc::UnboundedSender<(CallRef, Option<u16>, Vec<u8>)>,
    /// Trunks that must answer a digest challenge.
    guard: Option<super::digest::DigestGuard>,
    /// Re-INVITEs (and UPDATEs) waiting for the switch's answer.
    reinvites: HashMap<CallRef, rsipstack::dialog::dialog::TransactionHandle>,
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
        mut done: mpsc::UnboundedReceiver<(CallRef, Option<u16>, Vec<u8>)>,
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
                    Some(cmd) => self.on_command(cmd).await,
                    None => return,
                },
                // The stack holds a sender: never None.
                Some((call, status, sdp)) = done.recv() => {
                    self.unanswered.remove(&call);
                    let ev = match status {
                        Some(200..=299) => SignalEvent::Answered { call, sdp },
                        status => {
                            self.forget(call);
                            SignalEvent::Failed { call, status }
                        }
                    };
                    self.emit(ev).await;
                }
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
        if let (Some(guard), Some(src)) = (&self.guard, source)
            && guard.required(src.ip())
        {
            let now = unix_ms();
            let auth = req.header_value("Authorization");
            if !guard.verify(src.ip(), "INVITE", auth.as_deref(), now) {
                debug!(?source, "INVITE challenged");
                let challenge = Header::Other("WWW-Authenticate".into(), guard.challenge(now));
                tokio::spawn(async move {
                    tx.reply_with(StatusCode::Unauthorized, vec![challenge], None)
                        .await
                        .ok();
                });
                return;
            }
        }
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
        if self.by_call_id.contains_key(&call_id) {
            tokio::spawn(async move {
                tx.reply(StatusCode::LoopDetected).await.ok();
            });
            return;
        }
        let call = self.next_call.fetch_add(1, Ordering::Relaxed);
        self.by_call_id.insert(call_id.clone(), call);
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
        self.by_call_id.get(&id.call_id).copied()
    }

    fn forget(&mut self, call: CallRef) {
        if let Some(d) = self.calls.remove(&call) {
            self.by_call_id.remove(&d.id().call_id);
        }
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
            DialogState::Updated(id, req, handle) => {
                let offer = matches!(req.method, Method::Invite | Method::Update);
                match self.call_of(&id) {
                    Some(call) if offer => {
                        // A second offer before the first is answered: RFC 3261 §14.2 says 500.
                        if let Some(old) = self.reinvites.insert(call, handle) {
                            tokio::spawn(async move {
                                old.reply(StatusCode::ServerInternalError).await.ok();
                            });
                        }
                        self.emit(SignalEvent::Reinvite {
                            call,
                            sdp: req.body,
                        })
                        .await;
                    }
                    found => {
                        let status = if found.is_some() {
                            StatusCode::OK
                        } else {
                            StatusCode::CallTransactionDoesNotExist
                        };
                        tokio::spawn(async move {
                            handle.reply(status).await.ok();
                        });
                    }
                }
            }
            DialogState::Options(_, _, handle) => {
                tokio::spawn(async move {
                    handle.reply(StatusCode::OK).await.ok();
                });
            }
            DialogState::Trying(id) => {
                if let Some(call) = self.call_of(&id) {
                    self.emit(SignalEvent::Progress { call, status: 100 }).await;
                }
            }
            DialogState::Early(id, resp) => {
                if let Some(call) = self.call_of(&id) {
                    let status = u16::from(resp.status_code);
                    self.emit(SignalEvent::Progress { call, status }).await;
                }
            }
            DialogState::Terminated(id, reason) => {
                self.dialogs.remove_dialog(&id);
                let Some(call) = self.by_call_id.remove(&id.call_id) else {
                    return;
                };
                self.calls.remove(&call);
                self.reinvites.remove(&call);
                if self.unanswered.contains(&call) {
                    return;
                }
                let by_remote = matches!(
                    reason,
                    TerminatedReason::UacBye | TerminatedReason::UacCancel
                );
                self.emit(SignalEvent::Ended { call, by_remote }).await;
            }
            other => debug!(state = %other, "dialog state"),
        }
    }

    /// Sends an INVITE; its final response comes back through `done_tx`.
    fn originate(&mut self, call: CallRef, req: Originate) {
        let fail = |done: &mpsc::UnboundedSender<_>| {
            let _ = done.send((call, None, Vec::new()));
        };
        let caller =
            rsipstack::sip::Uri::try_from(format!("sip:{}@{}", req.caller, self.local).as_str());
        let callee =
            rsipstack::sip::Uri::try_from(format!("sip:{}@{}", req.callee, req.target).as_str());
        let (Ok(caller), Ok(callee)) = (caller, callee) else {
            warn!(call, "caller id or number not usable in a SIP URI");
            return fail(&self.done_tx);
        };
        let opt = rsipstack::dialog::invitation::InviteOption {
            caller,
            callee,
            destination: Some(SipAddr::new(
                rsipstack::sip::Transport::Udp,
                req.target.into(),
            )),
            content_type: Some("application/sdp".into()),
            offer: Some(req.sdp),
            contact: self.contact.clone(),
            call_id: Some(req.call_id.clone()),
            headers: req.auto_answer.then(|| {
                vec![Header::Other(
                    "Call-Info".into(),
                    format!("<sip:{}>;answer-after=0", self.local),
                )]
            }),
            ..Default::default()
        };
        match self.dialogs.do_invite_async(opt, self.state_tx.clone()) {
            Ok((dialog, handle)) => {
                self.by_call_id.insert(req.call_id, call);
                self.calls.insert(call, dialog);
                self.unanswered.insert(call);
                let done = self.done_tx.clone();
                tokio::spawn(async move {
                    let (status, sdp) = match handle.await {
                        Ok(Ok((_, Some(resp)))) => (Some(u16::from(resp.status_code)), resp.body),
                        Ok(Ok((_, None))) | Ok(Err(_)) | Err(_) => (None, Vec::new()),
                    };
                    let _ = done.send((call, status, sdp));
                });
            }
            Err(e) => {
                warn!(call, error = %e, "INVITE not sent");
                fail(&self.done_tx);
            }
        }
    }

    async fn on_command(&mut self, cmd: SignalCommand) {
        let call = match &cmd {
            SignalCommand::Ringing { call }
            | SignalCommand::Accept { call, .. }
            | SignalCommand::Reject { call, .. }
            | SignalCommand::Hangup { call }
            | SignalCommand::Cancel { call } => *call,
            SignalCommand::Originate { call, request } => {
                return self.originate(*call, request.clone());
            }
            SignalCommand::AnswerReinvite { call, status, sdp } => {
                let Some(handle) = self.reinvites.remove(call) else {
                    return;
                };
                let (status, sdp) = (StatusCode::from(*status), sdp.clone());
                let headers = sdp.as_ref().map(|_| {
                    vec![
                        Header::ContentType(rsipstack::sip::headers::ContentType::new(
                            "application/sdp",
                        )),
                        Header::Contact(rsipstack::sip::headers::Contact::new(format!(
                            "<{}>",
                            self.contact
                        ))),
                    ]
                });
                tokio::spawn(async move {
                    handle.respond(status, headers, sdp).await.ok();
                });
                return;
            }
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
            SignalCommand::Cancel { .. } => {
                tokio::spawn(async move {
                    if let Err(e) = dialog.cancel().await {
                        debug!(error = %e, "CANCEL failed");
                    }
                });
                Ok(())
            }
            SignalCommand::Originate { .. } | SignalCommand::AnswerReinvite { .. } => Ok(()),
        };
        if let Err(e) = result {
            warn!(call, error = %e, "SIP command failed");
        }
    }
}

/// Unix time in ms, for digest nonces.
#[allow(clippy::disallowed_methods)] // the IO shell reads the clock; the guard does not
fn unix_ms() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as u64)
}

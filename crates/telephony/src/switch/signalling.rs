//! The seam between the switch and a SIP stack: a small trait of our own, so
//! the stack (today `rsipstack`, in [`crate::switch::rsip`]) can be replaced
//! without touching the switch. Everything crosses it as plain data.

use std::future::Future;
use std::net::SocketAddr;

/// A call as the signalling side knows it (numbers are never reused within a run).
pub type CallRef = u64;

/// Something the network did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SignalEvent {
    /// A new INVITE (100 Trying is already sent). Answer it with
    /// [`SignalCommand::Accept`] or [`SignalCommand::Reject`].
    Invite {
        /// Our handle for the call.
        call: CallRef,
        /// The SIP Call-ID.
        call_id: String,
        /// The user part of From: the caller's number (ANI).
        caller: String,
        /// The user part of the request URI (or To): the dialled number (DNIS).
        dialled: String,
        /// Where the INVITE came from (the socket address it arrived from).
        source: Option<SocketAddr>,
        /// The SDP offer.
        sdp: Vec<u8>,
    },
    /// A new offer inside an answered call (re-INVITE or UPDATE): hold,
    /// a new media address, a session refresh. Answer it with
    /// [`SignalCommand::AnswerReinvite`].
    Reinvite {
        /// The call.
        call: CallRef,
        /// The new SDP offer (may be empty: the other side wants ours).
        sdp: Vec<u8>,
    },
    /// An in-dialog INFO (already answered with 200).
    Info {
        /// The call.
        call: CallRef,
        /// Its Content-Type.
        content_type: String,
        /// Its body.
        body: Vec<u8>,
    },
    /// A provisional response to an INVITE we sent.
    Progress {
        /// The call.
        call: CallRef,
        /// 100–199.
        status: u16,
    },
    /// A 2xx to an INVITE we sent (ACKed by the stack).
    Answered {
        /// The call.
        call: CallRef,
        /// The SDP answer.
        sdp: Vec<u8>,
    },
    /// An INVITE we sent got a final non-2xx response, or none at all.
    Failed {
        /// The call.
        call: CallRef,
        /// The final status, if one came.
        status: Option<u16>,
    },
    /// The call is over on the signalling side: the caller's BYE or CANCEL,
    /// our own BYE completing, or a failure.
    Ended {
        /// The call.
        call: CallRef,
        /// Whether the other side ended it (BYE, CANCEL) rather than us or a failure.
        by_remote: bool,
    },
}

/// An outbound INVITE.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Originate {
    /// The caller id (From user part).
    pub caller: String,
    /// The number called (request-URI user part).
    pub callee: String,
    /// Where to send the INVITE (a trunk, a phone).
    pub target: SocketAddr,
    /// The SIP Call-ID to use.
    pub call_id: String,
    /// Our SDP offer.
    pub sdp: Vec<u8>,
    /// Ask the callee (an agent's phone) to answer by itself
    /// (`Call-Info: <…>;answer-after=0`).
    pub auto_answer: bool,
}

/// Something the switch wants the network to do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SignalCommand {
    /// Send 180 Ringing.
    Ringing {
        /// The call.
        call: CallRef,
    },
    /// Send 200 OK with this SDP answer.
    Accept {
        /// The call.
        call: CallRef,
        /// The SDP answer.
        sdp: Vec<u8>,
    },
    /// Refuse the INVITE.
    Reject {
        /// The call.
        call: CallRef,
        /// A 4xx–6xx status.
        status: u16,
        /// The reason phrase.
        reason: String,
    },
    /// Send BYE.
    Hangup {
        /// The call.
        call: CallRef,
    },
    /// Send an INVITE (the ref comes from [`Signalling::new_call_ref`]).
    Originate {
        /// The call.
        call: CallRef,
        /// What to send.
        request: Originate,
    },
    /// Answer a [`SignalEvent::Reinvite`]: 200 with our SDP, or an error status.
    AnswerReinvite {
        /// The call.
        call: CallRef,
        /// 200, 488, …
        status: u16,
        /// Our SDP (with a 200).
        sdp: Option<Vec<u8>>,
    },
    /// CANCEL an INVITE we sent.
    Cancel {
        /// The call.
        call: CallRef,
    },
}

/// A SIP stack as the switch sees it.
pub trait Signalling: Send + Sync + 'static {
    /// The address SIP listens on.
    fn local_addr(&self) -> SocketAddr;
    /// The next thing the network did; `None` once the stack has stopped.
    fn next_event(&mut self) -> impl Future<Output = Option<SignalEvent>> + Send;
    /// A fresh reference for a call we originate.
    fn new_call_ref(&mut self) -> CallRef;
    /// Asks the stack to act; failures come back as [`SignalEvent::Ended`].
    fn send(&mut self, command: SignalCommand);
    /// Stops the stack.
    fn shutdown(&mut self);
}

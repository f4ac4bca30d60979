//! The SIP switch: answers calls, runs a call flow on each, records them.
//!
//! - [`sdp`]: offer/answer for G.711 and telephone-events (sans-IO).
//! - [`admission`]: the trunk allow-list, the call cap, the SDP check (sans-IO).
//! - [`call`]: one call's media and built-in flow, prompt → digits → music (sans-IO).
//! - [`destinations`]: where a tenant may call: countries, premium numbers (sans-IO).
//! - [`digest`]: digest authentication of trunks (sans-IO).
//! - [`dial`]: an outbound attempt's outcome: answered, busy, no answer, failed (sans-IO).
//! - [`signalling`]: the trait a SIP stack implements for the switch.
//! - [`rsip`]: that trait over the `rsipstack` crate.
//! - [`runtime`]: the tokio shell, [`Switch`] (with `call_task`, one call's task, and
//!   `outbound`, its side of a dial).

pub mod admission;
pub mod call;
mod call_task;
pub mod destinations;
pub mod dial;
pub mod digest;
mod outbound;
pub mod rsip;
pub mod runtime;
pub mod sdp;
pub mod signalling;

pub use admission::{Admission, AdmissionPolicy, Refusal};
pub use call::{CallControl, CallEvent, EndReason, FlowConfig, Party};
pub use destinations::{DestinationPolicy, DestinationRefusal};
pub use dial::{DialOutcome, DialTimers};
pub use digest::{DigestGuard, TrunkCredential};
pub use runtime::{
    CallCommand, CallSummary, DialRequest, Switch, SwitchConfig, SwitchControl, SwitchError,
    SwitchEvent,
};
pub use signalling::{CallRef, Originate, SignalCommand, SignalEvent, Signalling};

//! Quality review and the training library: evaluation forms ([`form`]),
//! scoring and calibration ([`score`]), and the facts the log keeps of them
//! ([`QualityFact`], kind `quality.<type>`): an interaction evaluated (with
//! the form as it was then, so a later change of the form does not change
//! it), an evaluation acknowledged by its agent, a training playlist saved
//! or removed.

pub mod form;
pub mod score;

use serde::{Deserialize, Serialize};

use crate::{AgentId, Channel, InteractionId};
pub use form::{Form, Forms, FormsDoc, Question, QuestionKind, Section};
pub use score::{Answer, AnswerValue, Choice, Scored, Spread};

/// Longest comment, note or reply, in bytes.
pub const COMMENT_MAX: usize = 4_000;
/// Most comments at moments per evaluation.
pub const COMMENTS_MAX: usize = 100;
/// Most items per playlist.
pub const ITEMS_MAX: usize = 200;

/// Where in an interaction a comment points.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(untagged)]
pub enum Moment {
    /// A call: milliseconds into the recording.
    At {
        /// Milliseconds from the recording's start.
        at_ms: u64,
    },
    /// A chat: one of its messages.
    Message {
        /// The message's log sequence number.
        message: i64,
    },
}

/// A comment at a moment of the interaction.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Comment {
    /// Where.
    pub moment: Moment,
    /// What.
    pub text: String,
}

/// An evaluation as the log keeps it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Evaluation {
    /// The interaction evaluated.
    pub interaction: InteractionId,
    /// Its channel.
    pub channel: Channel,
    /// The agent who handled it (none: no agent took it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub agent: Option<AgentId>,
    /// Who evaluated (user name).
    pub evaluator: String,
    /// The form, as it was when evaluated.
    pub form: Form,
    /// The answers, one per question.
    pub answers: Vec<Answer>,
    /// Comments at moments.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub comments: Vec<Comment>,
    /// The overall comment.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub comment: String,
    /// The score, percent in hundredths (0 to 10 000).
    pub score: u32,
    /// A critical question failed.
    #[serde(default)]
    pub critical_failed: bool,
}

/// One recording of a training playlist.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct PlaylistItem {
    /// The call (or chat) to learn from.
    pub interaction: i64,
    /// What to listen for.
    #[serde(default)]
    pub note: String,
    /// Where to start listening, in milliseconds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start_ms: Option<u64>,
}

/// A training playlist.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Playlist {
    /// Its name.
    pub name: String,
    /// What it teaches.
    #[serde(default)]
    pub description: String,
    /// Its recordings, in order.
    #[serde(default)]
    pub items: Vec<PlaylistItem>,
}

/// A fact of quality review (kind `quality.<type>`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "type")]
pub enum QualityFact {
    /// An interaction was evaluated.
    Evaluated {
        /// The evaluation's id (dense per tenant, from 1).
        evaluation: u64,
        /// The evaluation.
        body: Box<Evaluation>,
    },
    /// The agent read an evaluation of theirs and acknowledged it.
    Acknowledged {
        /// Which evaluation.
        evaluation: u64,
        /// Who (user name).
        by: String,
        /// Their reply, if any.
        #[serde(default, skip_serializing_if = "String::is_empty")]
        reply: String,
    },
    /// A training playlist was made or changed (written whole).
    PlaylistSet {
        /// Its id (dense per tenant, from 1).
        playlist: u64,
        /// The playlist.
        body: Playlist,
        /// Who (user name).
        by: String,
    },
    /// A training playlist was removed.
    PlaylistRemoved {
        /// Which.
        playlist: u64,
        /// Who (user name).
        by: String,
    },
}

impl QualityFact {
    /// Its type name (the part after `quality.` in the kind).
    pub fn type_name(&self) -> &'static str {
        match self {
            QualityFact::Evaluated { .. } => "evaluated",
            QualityFact::Acknowledged { .. } => "acknowledged",
            QualityFact::PlaylistSet { .. } => "playlist_set",
            QualityFact::PlaylistRemoved { .. } => "playlist_removed",
        }
    }
}

//! Quality review and training in the core: it numbers evaluations and
//! playlists (dense per tenant, from 1, as the log says), checks that what
//! they name exists, that an evaluation is acknowledged once, and records
//! the facts. The server checks the rest (the form, the score, who may).

use std::collections::BTreeSet;

use model::fact::Fact;
use model::quality::{Evaluation, Playlist, QualityFact};

use crate::command::Reply;
use crate::core::TenantCore;
use crate::error::TenantError;

/// What is asked of quality review and training.
#[derive(Debug)]
pub enum QualityCommand {
    /// Record an evaluation (scored by the server); answered with its id.
    Evaluate(Box<Evaluation>),
    /// The agent acknowledges an evaluation, once.
    Acknowledge {
        /// Which.
        evaluation: u64,
        /// Who (user name).
        by: String,
        /// Their reply.
        reply: String,
    },
    /// Make (none) or replace a playlist; answered with its id.
    SetPlaylist {
        /// Which, when it exists.
        playlist: Option<u64>,
        /// The playlist.
        body: Playlist,
        /// Who (user name).
        by: String,
    },
    /// Remove a playlist.
    RemovePlaylist {
        /// Which.
        playlist: u64,
        /// Who (user name).
        by: String,
    },
}

/// What the core keeps of quality facts.
#[derive(Debug, Default)]
pub struct QualityState {
    last_evaluation: u64,
    acknowledged: BTreeSet<u64>,
    last_playlist: u64,
    playlists: BTreeSet<u64>,
}

impl QualityState {
    /// Learns from a fact (live and on replay alike).
    pub(crate) fn observe(&mut self, f: &QualityFact) {
        match f {
            QualityFact::Evaluated { evaluation, .. } => {
                self.last_evaluation = self.last_evaluation.max(*evaluation);
            }
            QualityFact::Acknowledged { evaluation, .. } => {
                self.acknowledged.insert(*evaluation);
            }
            QualityFact::PlaylistSet { playlist, .. } => {
                self.last_playlist = self.last_playlist.max(*playlist);
                self.playlists.insert(*playlist);
            }
            QualityFact::PlaylistRemoved { playlist, .. } => {
                self.playlists.remove(playlist);
            }
        }
    }
}

impl TenantCore {
    pub(crate) fn quality(&mut self, cmd: QualityCommand) -> Result<Reply, TenantError> {
        let fact = match cmd {
            QualityCommand::Evaluate(body) => {
                self.known(body.interaction.0 as i64)?;
                let evaluation = self.quality.last_evaluation + 1;
                QualityFact::Evaluated { evaluation, body }
            }
            QualityCommand::Acknowledge {
                evaluation,
                by,
                reply,
            } => {
                if evaluation == 0 || evaluation > self.quality.last_evaluation {
                    return Err(TenantError::not_found("evaluation"));
                }
                if self.quality.acknowledged.contains(&evaluation) {
                    return Err(TenantError::conflict(format!(
                        "evaluation {evaluation} is already acknowledged"
                    )));
                }
                QualityFact::Acknowledged {
                    evaluation,
                    by,
                    reply,
                }
            }
            QualityCommand::SetPlaylist { playlist, body, by } => {
                for (i, item) in body.items.iter().enumerate() {
                    self.known(item.interaction).map_err(|_| {
                        TenantError::field(
                            &format!("items[{i}].interaction"),
                            "no such interaction",
                        )
                    })?;
                }
                let playlist = match playlist {
                    Some(p) if self.quality.playlists.contains(&p) => p,
                    Some(_) => return Err(TenantError::not_found("playlist")),
                    None => self.quality.last_playlist + 1,
                };
                QualityFact::PlaylistSet { playlist, body, by }
            }
            QualityCommand::RemovePlaylist { playlist, by } => {
                if !self.quality.playlists.contains(&playlist) {
                    return Err(TenantError::not_found("playlist"));
                }
                QualityFact::PlaylistRemoved { playlist, by }
            }
        };
        // What was made is answered by its id; the rest is done.
        let reply = match &fact {
            QualityFact::Evaluated { evaluation, .. } => Reply::Id(*evaluation as i64),
            QualityFact::PlaylistSet { playlist, .. } => Reply::Id(*playlist as i64),
            _ => Reply::Done,
        };
        self.push(Fact::Quality { quality: fact });
        Ok(reply)
    }
}

//! Compact identifiers.
//!
//! Engines index their tables with these; names (queue "support", skill
//! "billing") are mapped to ids at the edge, by the scenario loader or the
//! server's configuration.

use serde::{Deserialize, Serialize};

macro_rules! id {
    ($(#[$doc:meta])* $name:ident($inner:ty)) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(pub $inner);

        impl $name {
            /// The id as an index into a dense table.
            pub const fn index(self) -> usize {
                self.0 as usize
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                write!(f, "{}", self.0)
            }
        }
    };
}

id!(
    /// A client company whose data is kept apart from the others'.
    TenantId(u32)
);
id!(
    /// An agent (a person who handles contacts), dense per engine.
    AgentId(u32)
);
id!(
    /// A queue, dense per engine.
    QueueId(u32)
);
id!(
    /// A skill, dense per engine (at most 65,536 skills).
    SkillId(u16)
);
id!(
    /// A team of agents, dense per engine.
    TeamId(u16)
);
id!(
    /// One customer contact on one channel, unique per tenant.
    InteractionId(u64)
);
id!(
    /// An outbound campaign.
    CampaignId(u32)
);
id!(
    /// A person or company the center contacts (a row of a contact list).
    ContactId(u64)
);

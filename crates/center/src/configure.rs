//! Configuration from compiled engine settings, for a shell that keeps no
//! log: the simulator compiles its scenario's queues, plan and agent groups
//! itself and hands them over here. The server configures a tenant with
//! logged commands instead (`SetPlan`, `DefineAgent`), so that a replay
//! rebuilds it. Either way the rules that run afterwards are the same.

use model::{AgentId, Instant};
use routing::spec::Names;
use routing::{AgentConfig, Input, QueueConfig, RoutingPlan};

use crate::core::TenantCore;
use crate::error::TenantError;

/// A tenant's routing set up in one go.
#[derive(Debug, Clone, Default)]
pub struct Setup {
    /// The names of queues, skills and teams, with their ids.
    pub names: Names,
    /// The queues, compiled.
    pub queues: Vec<QueueConfig>,
    /// The routing plan, compiled.
    pub plan: RoutingPlan,
    /// The agents, numbered from 0 in order.
    pub agents: Vec<SetupAgent>,
}

/// One agent of a [`Setup`].
#[derive(Debug, Clone)]
pub struct SetupAgent {
    /// Unique name.
    pub name: String,
    /// Routing's settings (skills, teams, capacity).
    pub config: AgentConfig,
    /// The teams by name, as campaigns refer to them.
    pub teams: Vec<String>,
}

impl TenantCore {
    /// Sets up an empty core's routing (not logged: for a shell without a
    /// log). Agents must come numbered from 0, in order.
    pub fn configure(&mut self, now: Instant, setup: Setup) -> Result<(), TenantError> {
        if !self.agent_names.is_empty() || !self.engine.queues().is_empty() {
            return Err(TenantError::conflict(
                "only an empty tenant can be configured this way",
            ));
        }
        self.now_ms = now.as_millis() as i64;
        self.names = setup.names;
        for q in setup.queues {
            self.engine.handle(now, Input::UpsertQueue(Box::new(q)))?;
        }
        self.engine
            .handle(now, Input::SetPlan(Box::new(setup.plan)))?;
        for a in setup.agents {
            let id = AgentId(self.agent_names.len() as u32);
            if a.config.id != id {
                return Err(TenantError::field(
                    "agents",
                    format!("agent {} comes where agent {} belongs", a.config.id, id),
                ));
            }
            self.engine.handle(now, Input::UpsertAgent(a.config))?;
            self.note_agent(id, &a.name, &a.teams);
        }
        self.settle();
        Ok(())
    }
}

//! Agents, the routing plan and the tenant's settings documents.

use std::collections::BTreeMap;

use model::fact::Fact;
use model::{AgentId, Channel, Instant, Proficiency};
use routing::spec::{self, Names, PlanSpec, Source};
use routing::{AgentConfig, Input};

use crate::command::{
    AGENT_CAPACITY_MAX, AGENT_SKILLS_MAX, AGENT_TEAMS_MAX, NAME_LEN_MAX, PLAN_LEN_MAX, QueueInfo,
    Reply, TEXT_LEN_MAX,
};
use crate::core::TenantCore;
use crate::error::TenantError;

/// Checks a name: 1 to [`NAME_LEN_MAX`] printable characters.
pub fn check_name(field: &str, s: &str) -> Result<(), TenantError> {
    if s.trim().is_empty() || s.len() > NAME_LEN_MAX || s.chars().any(char::is_control) {
        return Err(TenantError::field(
            field,
            format!("1 to {NAME_LEN_MAX} printable characters"),
        ));
    }
    Ok(())
}

/// Checks a text: 1 to [`TEXT_LEN_MAX`] bytes.
pub fn check_text(field: &str, s: &str) -> Result<(), TenantError> {
    if s.trim().is_empty() || s.len() > TEXT_LEN_MAX {
        return Err(TenantError::field(
            field,
            format!("1 to {TEXT_LEN_MAX} bytes"),
        ));
    }
    Ok(())
}

/// Sets the channels an agent's capacity names (the others keep theirs).
fn apply_capacity(cfg: &mut AgentConfig, capacity: &BTreeMap<Channel, u8>) {
    for (c, n) in capacity {
        cfg.capacity[c.index()] = *n;
    }
}

/// A compiled plan: names, queues and rules.
pub type CompiledPlan = (Names, Vec<routing::QueueConfig>, routing::RoutingPlan);

/// Compiles a plan document; existing queues must keep their place (queue ids
/// are stable: interactions and reports refer to them), skills keep their ids.
pub fn compile_plan(document: &str, old: Option<&Names>) -> Result<CompiledPlan, TenantError> {
    if document.len() > PLAN_LEN_MAX {
        return Err(TenantError::TooLarge(PLAN_LEN_MAX));
    }
    let src = Source {
        file: "plan",
        text: document,
    };
    let mut names = Names::default();
    if let Some(old) = old {
        for s in &old.skills {
            names.skill(s);
        }
        for t in &old.teams {
            names.team(t);
        }
    }
    let parsed: PlanSpec = spec::parse(src).map_err(|e| TenantError::field("document", e))?;
    let (queues, plan) =
        spec::compile(src, &parsed, &mut names).map_err(|e| TenantError::field("document", e))?;
    if let Some(old) = old {
        for (i, q) in old.queues.iter().enumerate() {
            if names.queues.get(i) != Some(q) {
                return Err(TenantError::field(
                    "document",
                    format!(
                        "plan: queue.name: queue {q:?} must stay, as queue number {} (queues keep their ids; add new queues at the end)",
                        i + 1
                    ),
                ));
            }
        }
    }
    Ok((names, queues, plan))
}

/// Validates skills and teams of an agent definition, sorted and deduplicated.
fn checked_skills(mut skills: Vec<(String, u8)>) -> Result<Vec<(String, u8)>, TenantError> {
    if skills.len() > AGENT_SKILLS_MAX {
        return Err(TenantError::field(
            "skills",
            format!("at most {AGENT_SKILLS_MAX}"),
        ));
    }
    for (s, l) in &skills {
        check_name("skills", s)?;
        Proficiency::new(*l).map_err(|e| TenantError::field("skills", e))?;
    }
    skills.sort();
    skills.dedup_by(|a, b| a.0 == b.0);
    Ok(skills)
}

fn checked_teams(teams: Vec<String>) -> Result<Vec<String>, TenantError> {
    let mut teams: Vec<String> = teams.iter().map(|t| t.trim().to_string()).collect();
    if teams.len() > AGENT_TEAMS_MAX {
        return Err(TenantError::field(
            "teams",
            format!("at most {AGENT_TEAMS_MAX}"),
        ));
    }
    for t in &teams {
        check_name("teams", t)?;
    }
    teams.sort();
    teams.dedup();
    Ok(teams)
}

impl TenantCore {
    /// Routing's configuration of an agent (a team the plan does not name
    /// yet gets its id now and keeps it).
    pub(crate) fn agent_config(
        &mut self,
        id: AgentId,
        skills: &[(String, u8)],
        teams: &[String],
    ) -> Result<AgentConfig, TenantError> {
        let mut list = Vec::with_capacity(skills.len());
        for (s, l) in skills {
            let p = Proficiency::new(*l).map_err(|e| TenantError::field("skills", e))?;
            list.push((self.names.skill(s), p));
        }
        let mut cfg = AgentConfig::new(id, list);
        cfg.teams = teams.iter().map(|t| self.names.team(t)).collect();
        if let Some(c) = self.agent_capacity.get(&id.0) {
            apply_capacity(&mut cfg, c);
        }
        Ok(cfg)
    }

    /// Sets an agent's capacity per channel (the rest of its configuration
    /// stays as routing holds it).
    pub(crate) fn set_capacity(
        &mut self,
        now: Instant,
        agent: i64,
        capacity: BTreeMap<Channel, u8>,
    ) -> Result<Reply, TenantError> {
        let id = self.agent(agent)?;
        if let Some((c, n)) = capacity.iter().find(|(_, n)| **n > AGENT_CAPACITY_MAX) {
            return Err(TenantError::field(
                "capacity",
                format!("{}: {n} is over {AGENT_CAPACITY_MAX}", c.as_str()),
            ));
        }
        self.install_capacity(now, id, &capacity)?;
        self.push(Fact::AgentCapacity {
            agent: id,
            capacity,
        });
        Ok(Reply::Done)
    }

    /// Gives routing an agent's capacity and remembers it (live and replay).
    pub(crate) fn install_capacity(
        &mut self,
        now: Instant,
        id: AgentId,
        capacity: &BTreeMap<Channel, u8>,
    ) -> Result<(), TenantError> {
        let mut cfg = self
            .engine
            .agent_config(id)
            .ok_or_else(|| TenantError::not_found("agent"))?;
        cfg.capacity = Channel::ALL.map(|c| c.default_capacity());
        apply_capacity(&mut cfg, capacity);
        self.engine.handle(now, Input::UpsertAgent(cfg))?;
        if capacity.is_empty() {
            self.agent_capacity.remove(&id.0);
        } else {
            self.agent_capacity.insert(id.0, capacity.clone());
        }
        Ok(())
    }

    /// Creates an agent, or replaces an existing one's skills (and teams).
    pub(crate) fn define_agent(
        &mut self,
        now: Instant,
        id: Option<i64>,
        name: String,
        skills: Vec<(String, u8)>,
        username: Option<String>,
        teams: Option<Vec<String>>,
    ) -> Result<Reply, TenantError> {
        let skills = checked_skills(skills)?;
        let (id, name) = match id {
            Some(id) => {
                let a = self.agent(id)?;
                (a, self.agent_names[a.index()].clone())
            }
            None => {
                check_name("name", &name)?;
                if self.agent_names.contains(&name) {
                    return Err(TenantError::conflict(format!(
                        "agent {name:?} already exists"
                    )));
                }
                (AgentId(self.agent_names.len() as u32), name)
            }
        };
        let teams = match teams {
            Some(teams) => checked_teams(teams)?,
            None => self
                .agent_teams
                .get(id.index())
                .cloned()
                .unwrap_or_default(),
        };
        let cfg = self.agent_config(id, &skills, &teams)?;
        self.engine.handle(now, Input::UpsertAgent(cfg))?;
        self.note_agent(id, &name, &teams);
        self.push(Fact::AgentDefined {
            agent: id,
            name,
            skills,
            username,
            teams,
        });
        Ok(Reply::Id(i64::from(id.0)))
    }

    /// Remembers an agent's name and teams.
    pub(crate) fn note_agent(&mut self, id: AgentId, name: &str, teams: &[String]) {
        if id.index() == self.agent_names.len() {
            self.agent_names.push(name.to_string());
            self.agent_teams.push(teams.to_vec());
            self.agent_states.push(model::event::AgentState::Offline);
        } else if let Some(t) = self.agent_teams.get_mut(id.index()) {
            *t = teams.to_vec();
        }
    }

    /// Replaces the routing plan.
    pub(crate) fn set_plan(
        &mut self,
        now: Instant,
        document: String,
    ) -> Result<Reply, TenantError> {
        self.install_plan(now, &document)?;
        self.push(Fact::PlanSet { document });
        Ok(Reply::Done)
    }

    /// Compiles a plan and gives it to routing (agents' skills keep their
    /// ids: they were registered before).
    pub(crate) fn install_plan(&mut self, now: Instant, document: &str) -> Result<(), TenantError> {
        let (names, queues, plan) = compile_plan(document, Some(&self.names))?;
        self.names = names;
        for q in queues {
            self.engine.handle(now, Input::UpsertQueue(Box::new(q)))?;
        }
        self.engine.handle(now, Input::SetPlan(Box::new(plan)))?;
        Ok(())
    }

    /// Replaces a named settings document (validated by the caller).
    pub(crate) fn set_setting(
        &mut self,
        name: String,
        document: String,
    ) -> Result<Reply, TenantError> {
        check_name("name", &name)?;
        if document.len() > PLAN_LEN_MAX {
            return Err(TenantError::TooLarge(PLAN_LEN_MAX));
        }
        self.push(Fact::SettingSet { name, document });
        Ok(Reply::Done)
    }

    /// The queues with their live counts.
    pub(crate) fn queue_infos(&self) -> Vec<QueueInfo> {
        self.engine
            .queues()
            .iter()
            .map(|q| QueueInfo {
                id: q.id.0,
                name: q.name.to_string(),
                strategy: q.strategy.as_str(),
                waiting: self.engine.waiting_in(q.id),
                steps: q.steps.len(),
                has_hours: q.hours.is_some(),
                wrap_up_s: q.wrap_up.as_secs(),
                ring_timeout_s: q.ring_timeout.as_secs(),
                sl_threshold_s: q.sl_threshold.as_secs(),
                sl_target: q.sl_target,
                skills: q
                    .steps
                    .first()
                    .map(|st| {
                        st.target
                            .skills
                            .iter()
                            .filter_map(|r| {
                                let name = self.names.skills.get(usize::from(r.skill.0))?;
                                Some((name.to_string(), r.min.get()))
                            })
                            .collect()
                    })
                    .unwrap_or_default(),
            })
            .collect()
    }
}

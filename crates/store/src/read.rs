//! Queries over the projections, for the API and for recovery.

use serde::Serialize;
use sqlx::Row;
use sqlx::any::AnyRow;

use crate::{Store, StoreError, Tenant};

/// Most rows a list query returns.
pub const LIST_MAX: i64 = 500;

/// An interaction as the projection holds it.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct InteractionView {
    /// Its id.
    pub id: i64,
    /// Its channel.
    pub channel: model::Channel,
    /// Where it stands.
    pub state: model::state::InteractionState,
    /// Its queue id, once queued.
    pub queue_id: Option<i64>,
    /// The agent offered or connected.
    pub agent_id: Option<i64>,
    /// The customer record.
    pub customer_id: Option<i64>,
    /// Final outcome, once ended.
    pub outcome: Option<String>,
    /// Disposition code, once set.
    pub disposition: Option<String>,
    /// Subject line.
    pub subject: Option<String>,
    /// Routing attributes (JSON), when any.
    #[cfg_attr(feature = "openapi", schema(value_type = Option<model::Attributes>))]
    pub attributes: Option<serde_json::Value>,
    /// Unix milliseconds.
    pub created_at: i64,
    /// Unix milliseconds, once ended.
    pub ended_at: Option<i64>,
    /// Log sequence number of its creation.
    pub created_seq: i64,
    /// Log sequence number of its last change.
    pub updated_seq: i64,
    /// Hash of the public chat page's secret (never serialized).
    #[serde(skip)]
    pub chat_secret_hash: Option<String>,
    /// Facts added to or corrected on the customer's record during it.
    pub facts_learned: i64,
    /// Whether the customer's need was resolved in this contact (as the
    /// disposition said), when it said.
    pub resolved_first_contact: Option<bool>,
}

/// A customer record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CustomerView {
    /// Its id.
    pub id: i64,
    /// Name.
    pub name: String,
    /// Phone.
    pub phone: Option<String>,
    /// E-mail.
    pub email: Option<String>,
    /// Unix milliseconds.
    pub created_at: i64,
}

/// An agent with its current routing state.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AgentView {
    /// Its id.
    pub id: i64,
    /// Unique name.
    pub name: String,
    /// Skills by name with proficiency.
    pub skills: Vec<(String, u8)>,
    /// Teams by name.
    pub teams: Vec<String>,
    /// What the agent is doing.
    pub state: model::state::AgentStatus,
    /// Reason code when not ready.
    pub reason: Option<String>,
    /// Interactions it takes at once, by channel (defaults where not set).
    pub capacity: std::collections::BTreeMap<model::Channel, u8>,
}

/// A chat message or note.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MessageView {
    /// Log sequence number (also a cursor for polling).
    pub seq: i64,
    /// Unix milliseconds.
    pub at: i64,
    /// `customer` or `agent` for chat; the author for notes.
    pub from: String,
    /// Text.
    pub body: String,
}

/// An outbound campaign with its state and running counts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CampaignView {
    /// Its id.
    pub id: i64,
    /// Unique name.
    pub name: String,
    /// Its settings (JSON) as defined.
    pub document: String,
    /// Its life's stage.
    pub state: model::outbound::CampaignState,
    /// Contacts loaded.
    pub contacts: i64,
    /// Contacts in a final state.
    pub closed: i64,
    /// Of those, reached (a closing disposition).
    pub reached: i64,
    /// Calls placed.
    pub dials: i64,
    /// Calls a person answered.
    pub live_answers: i64,
    /// Answered calls that reached an agent.
    pub connected: i64,
    /// Answered calls that reached no agent in time (the recorded message).
    pub abandoned: i64,
}

/// A contact of a campaign and how it stands.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CampaignContactView {
    /// Its id in the campaign.
    pub id: i64,
    /// The person's name, if given.
    pub name: Option<String>,
    /// The customer record, if known.
    pub customer_id: Option<i64>,
    /// Its numbers (E.164).
    pub phones: Vec<String>,
    /// `open`, `reached`, `exhausted` or `rejected`.
    pub state: String,
    /// Why it closed (the disposition code or the rule).
    pub reason: Option<String>,
    /// Calls placed to it.
    pub attempts: i64,
    /// The last call's outcome (`live_answer`, `busy`, `no_answer`, `machine`, `failed`, `abandoned`).
    pub last_outcome: Option<String>,
}

const CAMPAIGN_COLS: &str = "id, name, document, state, contacts, closed, reached, dials, live_answers, connected, abandoned";

fn campaign_of(r: AnyRow) -> Result<CampaignView, StoreError> {
    Ok(CampaignView {
        id: r.try_get(0)?,
        name: r.try_get(1)?,
        document: r.try_get(2)?,
        state: kind(r.try_get(3)?)?,
        contacts: r.try_get(4)?,
        closed: r.try_get(5)?,
        reached: r.try_get(6)?,
        dials: r.try_get(7)?,
        live_answers: r.try_get(8)?,
        connected: r.try_get(9)?,
        abandoned: r.try_get(10)?,
    })
}

/// A kind stored by its name, parsed at the store's edge (an unknown name
/// is a corrupt row, reported as such).
pub(crate) fn kind<T: serde::de::DeserializeOwned>(name: String) -> Result<T, StoreError> {
    Ok(serde_json::from_value(serde_json::Value::String(name))?)
}

pub(crate) const INTERACTION_COLS: &str = "id, channel, state, queue_id, agent_id, customer_id, outcome, disposition, subject, attributes, created_at, ended_at, created_seq, updated_seq, chat_secret_hash, facts_learned, resolved";

pub(crate) fn interaction_of(r: AnyRow) -> Result<InteractionView, StoreError> {
    let attrs: Option<String> = r.try_get(9)?;
    Ok(InteractionView {
        id: r.try_get(0)?,
        channel: kind(r.try_get(1)?)?,
        state: kind(r.try_get(2)?)?,
        queue_id: r.try_get(3)?,
        agent_id: r.try_get(4)?,
        customer_id: r.try_get(5)?,
        outcome: r.try_get(6)?,
        disposition: r.try_get(7)?,
        subject: r.try_get(8)?,
        attributes: attrs.map(|a| serde_json::from_str(&a)).transpose()?,
        created_at: r.try_get(10)?,
        ended_at: r.try_get(11)?,
        created_seq: r.try_get(12)?,
        updated_seq: r.try_get(13)?,
        chat_secret_hash: r.try_get(14)?,
        facts_learned: r.try_get(15)?,
        resolved_first_contact: r.try_get::<Option<i64>, _>(16)?.map(|v| v != 0),
    })
}

/// A log row (`seq, at, body`) as a recorded fact.
pub(crate) fn recorded_of(r: AnyRow) -> Result<crate::Recorded, StoreError> {
    let body: String = r.try_get(2)?;
    Ok(crate::Recorded {
        seq: r.try_get(0)?,
        at: r.try_get(1)?,
        fact: serde_json::from_str(&body)?,
    })
}

fn customer_of(r: AnyRow) -> Result<CustomerView, StoreError> {
    Ok(CustomerView {
        id: r.try_get(0)?,
        name: r.try_get(1)?,
        phone: r.try_get(2)?,
        email: r.try_get(3)?,
        created_at: r.try_get(4)?,
    })
}

fn agent_of(r: AnyRow) -> Result<AgentView, StoreError> {
    let skills: String = r.try_get(2)?;
    let teams: Option<String> = r.try_get(5)?;
    Ok(AgentView {
        id: r.try_get(0)?,
        name: r.try_get(1)?,
        skills: serde_json::from_str(&skills)?,
        teams: teams
            .map(|t| serde_json::from_str(&t))
            .transpose()?
            .unwrap_or_default(),
        state: kind(r.try_get(3)?)?,
        reason: r.try_get(4)?,
        capacity: capacity_of(r.try_get(6)?)?,
    })
}

/// An agent's capacity: its settings over every channel's default.
fn capacity_of(
    set: Option<String>,
) -> Result<std::collections::BTreeMap<model::Channel, u8>, StoreError> {
    let mut all: std::collections::BTreeMap<model::Channel, u8> = model::Channel::ALL
        .iter()
        .map(|c| (*c, c.default_capacity()))
        .collect();
    if let Some(s) = set {
        let set: std::collections::BTreeMap<model::Channel, u8> = serde_json::from_str(&s)?;
        all.extend(set);
    }
    Ok(all)
}

/// Columns of a projection table, for snapshots.
pub(crate) fn columns(table: &str) -> Vec<&'static str> {
    match table {
        "interactions" => INTERACTION_COLS.split(", ").collect(),
        "idempotency_keys" => vec!["idem_key", "interaction_id"],
        "interaction_notes" => vec!["seq", "interaction_id", "at", "author", "body"],
        "chat_messages" => vec!["seq", "interaction_id", "at", "sender", "agent_id", "body"],
        "customers" => vec![
            "id",
            "name",
            "phone",
            "email",
            "created_at",
            "external_id",
            "record",
            "version",
            "merged_into",
            "updated_seq",
            "name_key",
            "place_key",
            "erased_at",
        ],
        "customer_keys" => vec!["k", "customer_id"],
        "customer_changes" => vec!["customer_id", "seq", "cause", "fields"],
        "customer_merges" => vec!["merged", "kept", "seq", "before_kept"],
        "customer_consents" => vec![
            "customer_id",
            "seq",
            "purpose",
            "channel",
            "granted",
            "at",
            "source",
            "evidence",
            "by_user",
        ],
        "agents" => vec![
            "id",
            "name",
            "skills",
            "teams",
            "state",
            "reason",
            "updated_seq",
            "capacity",
        ],
        "routing_plans" => vec!["document", "updated_seq"],
        "customer_profile" => vec!["customer_id", "field", "value", "updated_seq"],
        "tenant_settings" => vec!["name", "document", "updated_seq"],
        "campaigns" => CAMPAIGN_COLS
            .split(", ")
            .chain(std::iter::once("updated_seq"))
            .collect(),
        "campaign_contacts" => vec![
            "campaign_id",
            "id",
            "name",
            "customer_id",
            "phones",
            "state",
            "reason",
            "attempts",
            "last_outcome",
            "updated_seq",
        ],
        "email_threads" => vec!["message_id", "interaction_id"],
        "evaluations" => crate::quality::EVALUATION_COLS
            .split(", ")
            .chain(["body", "updated_seq"])
            .collect(),
        "playlists" => crate::quality::PLAYLIST_COLS
            .split(", ")
            .chain(["updated_seq"])
            .collect(),
        "case_log" => vec!["case_id", "seq"],
        _ => vec![],
    }
}

/// Key columns of a projection table, for a stable snapshot order.
pub(crate) fn key_columns(table: &str) -> &'static str {
    match table {
        "idempotency_keys" => "idem_key",
        "interaction_notes" | "chat_messages" => "seq",
        "routing_plans" => "updated_seq",
        "customer_profile" => "customer_id, field",
        "customer_keys" => "k, customer_id",
        "customer_changes" | "customer_consents" => "customer_id, seq",
        "customer_merges" => "merged",
        "tenant_settings" => "name",
        "campaign_contacts" => "campaign_id, id",
        "email_threads" => "message_id",
        "case_log" => "case_id, seq",
        _ => "id",
    }
}

impl Store {
    /// One interaction.
    pub async fn interaction(
        &self,
        t: &Tenant,
        id: i64,
    ) -> Result<Option<InteractionView>, StoreError> {
        let row = sqlx::query(&format!(
            "SELECT {INTERACTION_COLS} FROM interactions WHERE tenant_id = $1 AND id = $2"
        ))
        .bind(t.id)
        .bind(id)
        .fetch_optional(self.pool())
        .await?;
        row.map(interaction_of).transpose()
    }

    /// Every fact about one interaction, in log order.
    pub async fn interaction_facts(
        &self,
        t: &Tenant,
        id: i64,
    ) -> Result<Vec<crate::Recorded>, StoreError> {
        let rows = sqlx::query(
            "SELECT seq, at, body FROM events WHERE tenant_id = $1 AND interaction_id = $2 ORDER BY seq",
        )
        .bind(t.id)
        .bind(id)
        .fetch_all(self.pool())
        .await?;
        rows.into_iter().map(recorded_of).collect()
    }

    /// One fact of a case's history, by its number in the log.
    pub async fn case_fact_at(
        &self,
        t: &Tenant,
        case: i64,
        seq: i64,
    ) -> Result<Option<crate::Recorded>, StoreError> {
        let row = sqlx::query(
            "SELECT e.seq, e.at, e.body FROM case_log c JOIN events e ON e.tenant_id = c.tenant_id AND e.seq = c.seq \
             WHERE c.tenant_id = $1 AND c.case_id = $2 AND c.seq = $3",
        )
        .bind(t.id)
        .bind(case)
        .bind(seq)
        .fetch_optional(self.pool())
        .await?;
        row.map(recorded_of).transpose()
    }

    /// The facts of one case (`case_fact`, `case_action`,
    /// `case_letter_ordered`), in log order, the latest `limit` (at most
    /// [`crate::EVENTS_PAGE_MAX`]).
    pub async fn case_facts(
        &self,
        t: &Tenant,
        case: i64,
        limit: i64,
    ) -> Result<Vec<crate::Recorded>, StoreError> {
        let rows = sqlx::query(
            "SELECT e.seq, e.at, e.body FROM case_log c JOIN events e ON e.tenant_id = c.tenant_id AND e.seq = c.seq \
             WHERE c.tenant_id = $1 AND c.case_id = $2 ORDER BY c.seq DESC LIMIT $3",
        )
        .bind(t.id)
        .bind(case)
        .bind(limit.clamp(1, crate::EVENTS_PAGE_MAX))
        .fetch_all(self.pool())
        .await?;
        let mut out: Vec<crate::Recorded> = rows
            .into_iter()
            .map(recorded_of)
            .collect::<Result<_, _>>()?;
        out.reverse();
        Ok(out)
    }

    /// Interactions not ended, in the order they were created (for recovery).
    pub async fn open_interactions(&self, t: &Tenant) -> Result<Vec<InteractionView>, StoreError> {
        let rows = sqlx::query(&format!("SELECT {INTERACTION_COLS} FROM interactions WHERE tenant_id = $1 AND state <> 'ended' ORDER BY created_seq"))
            .bind(t.id)
            .fetch_all(self.pool()).await?;
        rows.into_iter().map(interaction_of).collect()
    }

    /// Recent interactions an agent holds or last held, newest first,
    /// optionally in one state.
    pub async fn interactions_of_agent(
        &self,
        t: &Tenant,
        agent: i64,
        state: Option<&str>,
        limit: i64,
    ) -> Result<Vec<InteractionView>, StoreError> {
        let rows = sqlx::query(&format!("SELECT {INTERACTION_COLS} FROM interactions WHERE tenant_id = $1 AND agent_id = $2 AND ($3 = '' OR state = $3) ORDER BY id DESC LIMIT $4"))
            .bind(t.id).bind(agent).bind(state.unwrap_or("")).bind(limit.clamp(1, LIST_MAX))
            .fetch_all(self.pool()).await?;
        rows.into_iter().map(interaction_of).collect()
    }

    /// Recent interactions, newest first, optionally in one state.
    pub async fn interactions(
        &self,
        t: &Tenant,
        state: Option<&str>,
        limit: i64,
    ) -> Result<Vec<InteractionView>, StoreError> {
        let rows = sqlx::query(&format!("SELECT {INTERACTION_COLS} FROM interactions WHERE tenant_id = $1 AND ($2 = '' OR state = $2) ORDER BY id DESC LIMIT $3"))
            .bind(t.id).bind(state.unwrap_or("")).bind(limit.clamp(1, LIST_MAX))
            .fetch_all(self.pool()).await?;
        rows.into_iter().map(interaction_of).collect()
    }

    /// The interaction an idempotency key created, if any.
    pub async fn idempotent(&self, t: &Tenant, key: &str) -> Result<Option<i64>, StoreError> {
        let row = sqlx::query(
            "SELECT interaction_id FROM idempotency_keys WHERE tenant_id = $1 AND idem_key = $2",
        )
        .bind(t.id)
        .bind(key)
        .fetch_optional(self.pool())
        .await?;
        Ok(row.map(|r| r.try_get(0)).transpose()?)
    }

    /// Which of these idempotency keys are taken, and by which interaction:
    /// one query for a whole batch of creations.
    pub async fn idempotent_many(
        &self,
        t: &Tenant,
        keys: &[&str],
    ) -> Result<std::collections::HashMap<String, i64>, StoreError> {
        let mut found = std::collections::HashMap::new();
        for chunk in keys.chunks(500) {
            let list = (0..chunk.len())
                .map(|i| format!("${}", i + 2))
                .collect::<Vec<_>>()
                .join(", ");
            let sql = format!(
                "SELECT idem_key, interaction_id FROM idempotency_keys WHERE tenant_id = $1 AND idem_key IN ({list})"
            );
            let mut q = sqlx::query(&sql).bind(t.id);
            for k in chunk {
                q = q.bind(*k);
            }
            for r in q.fetch_all(self.pool()).await? {
                found.insert(r.try_get(0)?, r.try_get(1)?);
            }
        }
        Ok(found)
    }

    /// Highest interaction id so far (0 when none).
    pub async fn max_interaction_id(&self, t: &Tenant) -> Result<i64, StoreError> {
        let row = sqlx::query("SELECT COALESCE(MAX(id), 0) FROM interactions WHERE tenant_id = $1")
            .bind(t.id)
            .fetch_one(self.pool())
            .await?;
        Ok(row.try_get(0)?)
    }

    /// Highest customer id so far (0 when none).
    pub async fn max_customer_id(&self, t: &Tenant) -> Result<i64, StoreError> {
        let row = sqlx::query("SELECT COALESCE(MAX(id), 0) FROM customers WHERE tenant_id = $1")
            .bind(t.id)
            .fetch_one(self.pool())
            .await?;
        Ok(row.try_get(0)?)
    }

    /// Notes on an interaction, oldest first.
    pub async fn notes(
        &self,
        t: &Tenant,
        interaction: i64,
    ) -> Result<Vec<MessageView>, StoreError> {
        let rows = sqlx::query("SELECT seq, at, author, body FROM interaction_notes WHERE tenant_id = $1 AND interaction_id = $2 ORDER BY seq LIMIT 1000")
            .bind(t.id).bind(interaction)
            .fetch_all(self.pool()).await?;
        rows.into_iter()
            .map(|r| {
                Ok(MessageView {
                    seq: r.try_get(0)?,
                    at: r.try_get(1)?,
                    from: r.try_get(2)?,
                    body: r.try_get(3)?,
                })
            })
            .collect()
    }

    /// Chat messages of an interaction after a cursor, oldest first.
    pub async fn messages(
        &self,
        t: &Tenant,
        interaction: i64,
        after_seq: i64,
    ) -> Result<Vec<MessageView>, StoreError> {
        let rows = sqlx::query("SELECT seq, at, sender, body FROM chat_messages WHERE tenant_id = $1 AND interaction_id = $2 AND seq > $3 ORDER BY seq LIMIT 1000")
            .bind(t.id).bind(interaction).bind(after_seq)
            .fetch_all(self.pool()).await?;
        rows.into_iter()
            .map(|r| {
                Ok(MessageView {
                    seq: r.try_get(0)?,
                    at: r.try_get(1)?,
                    from: r.try_get(2)?,
                    body: r.try_get(3)?,
                })
            })
            .collect()
    }

    /// One customer.
    pub async fn customer(&self, t: &Tenant, id: i64) -> Result<Option<CustomerView>, StoreError> {
        let row = sqlx::query("SELECT id, name, phone, email, created_at FROM customers WHERE tenant_id = $1 AND id = $2")
            .bind(t.id).bind(id)
            .fetch_optional(self.pool()).await?;
        row.map(customer_of).transpose()
    }

    /// Customers with this phone or e-mail (exact match).
    pub async fn find_customers(
        &self,
        t: &Tenant,
        phone: Option<&str>,
        email: Option<&str>,
    ) -> Result<Vec<CustomerView>, StoreError> {
        // Through the keys: the phone's E.164 digits, the address in lower case.
        let p = phone
            .filter(|p| !p.is_empty())
            .map(|p| format!("p:{}", crate::customers::phone_tail(p)));
        let e = email
            .filter(|e| !e.is_empty())
            .map(|e| format!("e:{}", e.trim().to_lowercase()));
        let rows = sqlx::query("SELECT id, name, phone, email, created_at FROM customers WHERE tenant_id = $1 AND id IN (SELECT customer_id FROM customer_keys WHERE tenant_id = $1 AND k IN ($2, $3)) ORDER BY id LIMIT 100")
            .bind(t.id).bind(p.unwrap_or_default()).bind(e.unwrap_or_default())
            .fetch_all(self.pool()).await?;
        rows.into_iter().map(customer_of).collect()
    }

    /// A customer's interactions, newest first.
    pub async fn customer_history(
        &self,
        t: &Tenant,
        customer: i64,
    ) -> Result<Vec<InteractionView>, StoreError> {
        let rows = sqlx::query(&format!("SELECT {INTERACTION_COLS} FROM interactions WHERE tenant_id = $1 AND customer_id = $2 ORDER BY id DESC LIMIT {LIST_MAX}"))
            .bind(t.id).bind(customer)
            .fetch_all(self.pool()).await?;
        rows.into_iter().map(interaction_of).collect()
    }

    /// Every agent, by id.
    pub async fn agents(&self, t: &Tenant) -> Result<Vec<AgentView>, StoreError> {
        let rows = sqlx::query(
            "SELECT id, name, skills, state, reason, teams, capacity FROM agents WHERE tenant_id = $1 ORDER BY id",
        )
        .bind(t.id)
        .fetch_all(self.pool())
        .await?;
        rows.into_iter().map(agent_of).collect()
    }

    /// One agent.
    pub async fn agent(&self, t: &Tenant, id: i64) -> Result<Option<AgentView>, StoreError> {
        let row = sqlx::query(
            "SELECT id, name, skills, state, reason, teams, capacity FROM agents WHERE tenant_id = $1 AND id = $2",
        )
        .bind(t.id)
        .bind(id)
        .fetch_optional(self.pool())
        .await?;
        row.map(agent_of).transpose()
    }

    /// The routing plan document, if one was set.
    pub async fn plan(&self, t: &Tenant) -> Result<Option<String>, StoreError> {
        let row = sqlx::query("SELECT document FROM routing_plans WHERE tenant_id = $1")
            .bind(t.id)
            .fetch_optional(self.pool())
            .await?;
        Ok(row.map(|r| r.try_get(0)).transpose()?)
    }

    /// Interactions per (state, outcome) — the figures of the summary report.
    pub async fn interaction_counts(
        &self,
        t: &Tenant,
    ) -> Result<Vec<(String, Option<String>, i64)>, StoreError> {
        let rows = sqlx::query("SELECT state, outcome, COUNT(*) FROM interactions WHERE tenant_id = $1 GROUP BY state, outcome ORDER BY state, outcome")
            .bind(t.id)
            .fetch_all(self.pool()).await?;
        rows.into_iter()
            .map(|r| Ok((r.try_get(0)?, r.try_get(1)?, r.try_get(2)?)))
            .collect()
    }

    /// A customer's profile fields, by field name.
    pub async fn customer_profile(
        &self,
        t: &Tenant,
        customer: i64,
    ) -> Result<Vec<(String, String)>, StoreError> {
        let rows = sqlx::query("SELECT field, value FROM customer_profile WHERE tenant_id = $1 AND customer_id = $2 ORDER BY field LIMIT 1000")
            .bind(t.id).bind(customer)
            .fetch_all(self.pool()).await?;
        rows.into_iter()
            .map(|r| Ok((r.try_get(0)?, r.try_get(1)?)))
            .collect()
    }

    /// A named settings document of the tenant, if one was set.
    pub async fn setting(&self, t: &Tenant, name: &str) -> Result<Option<String>, StoreError> {
        let row =
            sqlx::query("SELECT document FROM tenant_settings WHERE tenant_id = $1 AND name = $2")
                .bind(t.id)
                .bind(name)
                .fetch_optional(self.pool())
                .await?;
        Ok(row.map(|r| r.try_get(0)).transpose()?)
    }

    /// An agent's work: interactions offered to or held by it, and those it
    /// handled that still lack a disposition (newest first, at most `limit`).
    pub async fn agent_work(
        &self,
        t: &Tenant,
        agent: i64,
        limit: i64,
    ) -> Result<Vec<InteractionView>, StoreError> {
        let rows = sqlx::query(&format!("SELECT {INTERACTION_COLS} FROM interactions WHERE tenant_id = $1 AND agent_id = $2 AND (state <> 'ended' OR (disposition IS NULL AND outcome = 'handled')) ORDER BY id DESC LIMIT $3"))
            .bind(t.id).bind(agent).bind(limit.clamp(1, LIST_MAX))
            .fetch_all(self.pool()).await?;
        rows.into_iter().map(interaction_of).collect()
    }

    /// Every campaign, by id.
    pub async fn campaigns(&self, t: &Tenant) -> Result<Vec<CampaignView>, StoreError> {
        let rows = sqlx::query(&format!(
            "SELECT {CAMPAIGN_COLS} FROM campaigns WHERE tenant_id = $1 ORDER BY id LIMIT {LIST_MAX}"
        ))
        .bind(t.id)
        .fetch_all(self.pool())
        .await?;
        rows.into_iter().map(campaign_of).collect()
    }

    /// One campaign.
    pub async fn campaign(&self, t: &Tenant, id: i64) -> Result<Option<CampaignView>, StoreError> {
        let row = sqlx::query(&format!(
            "SELECT {CAMPAIGN_COLS} FROM campaigns WHERE tenant_id = $1 AND id = $2"
        ))
        .bind(t.id)
        .bind(id)
        .fetch_optional(self.pool())
        .await?;
        row.map(campaign_of).transpose()
    }

    /// A campaign's contacts after `after` (by id), at most `limit`.
    pub async fn campaign_contacts(
        &self,
        t: &Tenant,
        campaign: i64,
        after: i64,
        limit: i64,
    ) -> Result<Vec<CampaignContactView>, StoreError> {
        let rows = sqlx::query("SELECT id, name, customer_id, phones, state, reason, attempts, last_outcome FROM campaign_contacts WHERE tenant_id = $1 AND campaign_id = $2 AND id > $3 ORDER BY id LIMIT $4")
            .bind(t.id).bind(campaign).bind(after).bind(limit.clamp(1, LIST_MAX))
            .fetch_all(self.pool()).await?;
        rows.into_iter()
            .map(|r| {
                let phones: String = r.try_get(3)?;
                Ok(CampaignContactView {
                    id: r.try_get(0)?,
                    name: r.try_get(1)?,
                    customer_id: r.try_get(2)?,
                    phones: serde_json::from_str(&phones)?,
                    state: r.try_get(4)?,
                    reason: r.try_get(5)?,
                    attempts: r.try_get(6)?,
                    last_outcome: r.try_get(7)?,
                })
            })
            .collect()
    }

    /// The facts that rebuild the dialer (`campaign_defined`,
    /// `campaign_contacts`, `dialer_input`) after `seq`, in log order, at most
    /// [`crate::EVENTS_PAGE_MAX`].
    pub async fn dialer_facts_after(
        &self,
        t: &Tenant,
        seq: i64,
    ) -> Result<Vec<crate::Recorded>, StoreError> {
        let rows = sqlx::query("SELECT seq, at, body FROM events WHERE tenant_id = $1 AND kind IN ('campaign_defined', 'campaign_contacts', 'dialer_input') AND seq > $2 ORDER BY seq LIMIT $3")
            .bind(t.id).bind(seq).bind(crate::EVENTS_PAGE_MAX)
            .fetch_all(self.pool()).await?;
        rows.into_iter().map(recorded_of).collect()
    }
}

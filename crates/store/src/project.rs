//! Projections: current state computed from the log.
//!
//! [`apply`] is the only code that writes projection tables. It runs inside
//! the transaction that appends the facts (live) and over the whole log
//! (rebuild), so a rebuilt projection equals the live one by construction.

use model::event::{AgentState, EventKind};
use model::outbound::OutboundEvent;
use sqlx::{Any, Transaction};

use crate::fact::{Fact, Recorded};
use crate::{StoreError, Tenant};

/// Tables that [`apply`] writes; a rebuild empties them first.
pub(crate) const PROJECTION_TABLES: &[&str] = &[
    "interactions",
    "idempotency_keys",
    "interaction_notes",
    "chat_messages",
    "customers",
    "customer_keys",
    "customer_changes",
    "customer_merges",
    "customer_consents",
    "agents",
    "routing_plans",
    "customer_profile",
    "tenant_settings",
    "campaigns",
    "campaign_contacts",
    "email_threads",
    "evaluations",
    "playlists",
    "case_log",
];

fn id(v: u64) -> i64 {
    // Ids are dense counters far below 2^63; a larger one is a bug upstream.
    i64::try_from(v).expect("id fits in i64")
}

async fn set_state(
    tx: &mut Transaction<'_, Any>,
    t: &Tenant,
    seq: i64,
    interaction: u64,
    state: &str,
    agent: Option<Option<i64>>,
) -> Result<(), StoreError> {
    match agent {
        Some(a) => {
            sqlx::query("UPDATE interactions SET state = $1, agent_id = $2, updated_seq = $3 WHERE tenant_id = $4 AND id = $5")
                .bind(state).bind(a).bind(seq).bind(t.id).bind(id(interaction))
                .execute(&mut **tx).await?;
        }
        None => {
            sqlx::query("UPDATE interactions SET state = $1, updated_seq = $2 WHERE tenant_id = $3 AND id = $4")
                .bind(state).bind(seq).bind(t.id).bind(id(interaction))
                .execute(&mut **tx).await?;
        }
    }
    Ok(())
}

fn agent_state_parts(s: &AgentState) -> (&'static str, Option<String>) {
    match s {
        AgentState::Offline => ("offline", None),
        AgentState::Available => ("available", None),
        AgentState::NotReady(r) => ("not_ready", Some(r.as_str().to_string())),
        AgentState::Reserved => ("reserved", None),
        AgentState::Busy => ("busy", None),
        AgentState::WrapUp => ("wrap_up", None),
    }
}

/// Adds to one of a campaign's counters (`col` is a literal of [`outbound`], never input).
async fn bump(
    tx: &mut Transaction<'_, Any>,
    t: &Tenant,
    seq: i64,
    col: &'static str,
    campaign: u32,
    by: i64,
) -> Result<(), StoreError> {
    let sql = format!(
        "UPDATE campaigns SET {col} = {col} + $1, updated_seq = $2 WHERE tenant_id = $3 AND id = $4"
    );
    sqlx::query(&sql)
        .bind(by)
        .bind(seq)
        .bind(t.id)
        .bind(i64::from(campaign))
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// Counts and states of campaigns and their contacts from the dialer's facts.
async fn outbound(
    tx: &mut Transaction<'_, Any>,
    t: &Tenant,
    seq: i64,
    e: &OutboundEvent,
) -> Result<(), StoreError> {
    use OutboundEvent as O;
    match e {
        O::CampaignStateChanged {
            campaign, state, ..
        } => {
            let state = serde_json::to_value(state)?;
            sqlx::query("UPDATE campaigns SET state = $1, updated_seq = $2 WHERE tenant_id = $3 AND id = $4")
                .bind(state.as_str().unwrap_or("unknown").to_string()).bind(seq).bind(t.id).bind(i64::from(campaign.0))
                .execute(&mut **tx).await?;
        }
        O::ContactsLoaded {
            campaign, accepted, ..
        } => {
            bump(tx, t, seq, "contacts", campaign.0, i64::from(*accepted)).await?;
        }
        O::ContactRejected {
            campaign,
            contact,
            reason,
        } => {
            sqlx::query("UPDATE campaign_contacts SET state = 'rejected', reason = $1, updated_seq = $2 WHERE tenant_id = $3 AND campaign_id = $4 AND id = $5")
                .bind(reason.to_string()).bind(seq).bind(t.id).bind(i64::from(campaign.0)).bind(id(contact.0))
                .execute(&mut **tx).await?;
        }
        O::DialPlaced {
            campaign, contact, ..
        } => {
            bump(tx, t, seq, "dials", campaign.0, 1).await?;
            sqlx::query("UPDATE campaign_contacts SET attempts = attempts + 1, updated_seq = $1 WHERE tenant_id = $2 AND campaign_id = $3 AND id = $4")
                .bind(seq).bind(t.id).bind(i64::from(campaign.0)).bind(id(contact.0))
                .execute(&mut **tx).await?;
        }
        O::DialResult {
            campaign,
            contact,
            outcome,
            ..
        } => {
            if *outcome == model::outbound::DialOutcome::LiveAnswer {
                bump(tx, t, seq, "live_answers", campaign.0, 1).await?;
            }
            let outcome = serde_json::to_value(outcome)?;
            sqlx::query("UPDATE campaign_contacts SET last_outcome = $1, updated_seq = $2 WHERE tenant_id = $3 AND campaign_id = $4 AND id = $5")
                .bind(outcome.as_str().unwrap_or("unknown").to_string()).bind(seq).bind(t.id).bind(i64::from(campaign.0)).bind(id(contact.0))
                .execute(&mut **tx).await?;
        }
        O::CallConnected { campaign, .. } => {
            bump(tx, t, seq, "connected", campaign.0, 1).await?;
        }
        O::CallAbandoned {
            campaign, contact, ..
        } => {
            bump(tx, t, seq, "abandoned", campaign.0, 1).await?;
            sqlx::query("UPDATE campaign_contacts SET last_outcome = 'abandoned', updated_seq = $1 WHERE tenant_id = $2 AND campaign_id = $3 AND id = $4")
                .bind(seq).bind(t.id).bind(i64::from(campaign.0)).bind(id(contact.0))
                .execute(&mut **tx).await?;
        }
        O::ContactClosed {
            campaign,
            contact,
            end,
            reason,
        } => {
            bump(tx, t, seq, "closed", campaign.0, 1).await?;
            if *end == model::outbound::ContactEnd::Reached {
                bump(tx, t, seq, "reached", campaign.0, 1).await?;
            }
            let end = serde_json::to_value(end)?;
            sqlx::query("UPDATE campaign_contacts SET state = $1, reason = $2, updated_seq = $3 WHERE tenant_id = $4 AND campaign_id = $5 AND id = $6")
                .bind(end.as_str().unwrap_or("closed").to_string()).bind(reason.to_string()).bind(seq).bind(t.id).bind(i64::from(campaign.0)).bind(id(contact.0))
                .execute(&mut **tx).await?;
        }
        _ => {}
    }
    Ok(())
}

/// Applies one recorded fact to the projections of its tenant.
pub(crate) async fn apply(
    tx: &mut Transaction<'_, Any>,
    t: &Tenant,
    r: &Recorded,
) -> Result<(), StoreError> {
    let seq = r.seq;
    match &r.fact {
        Fact::InteractionOpened {
            interaction,
            channel,
            idempotency_key,
            customer,
            subject,
            chat_secret_hash,
        } => {
            sqlx::query(
                "INSERT INTO interactions (tenant_id, id, channel, state, customer_id, subject, chat_secret_hash, created_at, created_seq, updated_seq) \
                 VALUES ($1, $2, $3, 'created', $4, $5, $6, $7, $8, $8)",
            )
            .bind(t.id).bind(id(interaction.0)).bind(channel.as_str()).bind(*customer)
            .bind(subject.clone()).bind(chat_secret_hash.clone()).bind(r.at).bind(seq)
            .execute(&mut **tx).await?;
            if let Some(k) = idempotency_key {
                sqlx::query("INSERT INTO idempotency_keys (tenant_id, idem_key, interaction_id) VALUES ($1, $2, $3)")
                    .bind(t.id).bind(k.as_str()).bind(id(interaction.0))
                    .execute(&mut **tx).await?;
            }
        }
        Fact::Routing { event } => match &event.kind {
            EventKind::InteractionCreated {
                interaction,
                attributes,
                ..
            } => {
                let attrs = attributes.as_ref().map(serde_json::to_string).transpose()?;
                sqlx::query("UPDATE interactions SET attributes = $1, updated_seq = $2 WHERE tenant_id = $3 AND id = $4")
                    .bind(attrs).bind(seq).bind(t.id).bind(id(interaction.0))
                    .execute(&mut **tx).await?;
            }
            EventKind::InteractionQueued {
                interaction, queue, ..
            } => {
                sqlx::query("UPDATE interactions SET state = 'waiting', queue_id = $1, agent_id = NULL, updated_seq = $2 WHERE tenant_id = $3 AND id = $4")
                    .bind(i64::from(queue.0)).bind(seq).bind(t.id).bind(id(interaction.0))
                    .execute(&mut **tx).await?;
            }
            EventKind::Overflowed {
                interaction, to, ..
            } => {
                sqlx::query("UPDATE interactions SET queue_id = $1, updated_seq = $2 WHERE tenant_id = $3 AND id = $4")
                    .bind(i64::from(to.0)).bind(seq).bind(t.id).bind(id(interaction.0))
                    .execute(&mut **tx).await?;
            }
            EventKind::Offered {
                interaction, agent, ..
            } => {
                set_state(
                    tx,
                    t,
                    seq,
                    interaction.0,
                    "offered",
                    Some(Some(i64::from(agent.0))),
                )
                .await?;
            }
            EventKind::Accepted { interaction, agent } => {
                set_state(
                    tx,
                    t,
                    seq,
                    interaction.0,
                    "connected",
                    Some(Some(i64::from(agent.0))),
                )
                .await?;
            }
            EventKind::Rejected { interaction, .. }
            | EventKind::OfferTimedOut { interaction, .. }
            | EventKind::OfferRevoked { interaction, .. } => {
                set_state(tx, t, seq, interaction.0, "waiting", Some(None)).await?;
            }
            EventKind::Transferred { interaction, .. } => {
                set_state(tx, t, seq, interaction.0, "transferring", None).await?;
            }
            EventKind::Ended {
                interaction,
                outcome,
                ..
            } => {
                let o = serde_json::to_value(outcome)?;
                sqlx::query("UPDATE interactions SET state = 'ended', outcome = $1, ended_at = $2, updated_seq = $3 WHERE tenant_id = $4 AND id = $5")
                    .bind(o.as_str().unwrap_or("unknown").to_string()).bind(r.at).bind(seq).bind(t.id).bind(id(interaction.0))
                    .execute(&mut **tx).await?;
            }
            EventKind::AgentStateChanged { agent, state } => {
                let (s, reason) = agent_state_parts(state);
                sqlx::query("UPDATE agents SET state = $1, reason = $2, updated_seq = $3 WHERE tenant_id = $4 AND id = $5")
                    .bind(s).bind(reason).bind(seq).bind(t.id).bind(i64::from(agent.0))
                    .execute(&mut **tx).await?;
            }
            EventKind::StepReached { .. } | EventKind::Outbound(_) => {}
        },
        // Routing puts a cancelled consult back with the first agent without a
        // routing fact of its own; the call's fact says with whom.
        Fact::Call {
            interaction,
            call: crate::CallFact::ConsultCancelled { agent, .. },
        } => {
            set_state(
                tx,
                t,
                seq,
                interaction.0,
                "connected",
                Some(Some(i64::from(agent.0))),
            )
            .await?;
        }
        Fact::Requeued { interaction } => {
            set_state(tx, t, seq, interaction.0, "waiting", Some(None)).await?;
        }
        Fact::DispositionSet {
            interaction,
            code,
            resolved,
            ..
        } => {
            sqlx::query("UPDATE interactions SET disposition = $1, resolved = COALESCE($2, resolved), updated_seq = $3 WHERE tenant_id = $4 AND id = $5")
                .bind(code.as_str()).bind(resolved.map(i64::from)).bind(seq).bind(t.id).bind(id(interaction.0))
                .execute(&mut **tx).await?;
        }
        Fact::NoteAdded {
            interaction,
            author,
            body,
        } => {
            sqlx::query("INSERT INTO interaction_notes (tenant_id, seq, interaction_id, at, author, body) VALUES ($1, $2, $3, $4, $5, $6)")
                .bind(t.id).bind(seq).bind(id(interaction.0)).bind(r.at).bind(author.as_str()).bind(body.as_str())
                .execute(&mut **tx).await?;
        }
        Fact::ChatMessage {
            interaction,
            sender,
            agent,
            body,
        } => {
            sqlx::query("INSERT INTO chat_messages (tenant_id, seq, interaction_id, at, sender, agent_id, body) VALUES ($1, $2, $3, $4, $5, $6, $7)")
                .bind(t.id).bind(seq).bind(id(interaction.0)).bind(r.at).bind(sender.as_str())
                .bind(agent.map(|a| i64::from(a.0))).bind(body.as_str())
                .execute(&mut **tx).await?;
        }
        Fact::EmailReceived {
            interaction, email, ..
        } => crate::mail::project(tx, t, (seq, r.at), interaction.0, email, None).await?,
        Fact::EmailSent {
            interaction,
            email,
            by,
            ..
        } => crate::mail::project(tx, t, (seq, r.at), interaction.0, email, Some(by)).await?,
        Fact::CustomerCreated {
            customer,
            name,
            phone,
            email,
        } => {
            let record = crate::customers::legacy_record(name, phone.as_deref(), email.as_deref());
            let w = model::customer::Written {
                customer: *customer,
                version: 1,
                record,
                changed: Vec::new(),
            };
            let cause = model::customer::Cause::Edit;
            crate::customers::set(tx, t, seq, r.at, &cause, std::slice::from_ref(&w)).await?;
        }
        Fact::CustomersSet { cause, records, .. } => {
            crate::customers::set(tx, t, seq, r.at, cause, records).await?;
            if let model::customer::Cause::Contact { interaction } = cause {
                let n: usize = records.iter().map(|w| w.changed.len()).sum();
                crate::customers::learned(tx, t, *interaction, n as i64).await?;
            }
        }
        Fact::CustomerCleaned {
            customer,
            version,
            interaction,
            cleanings,
            ..
        } => {
            let i = interaction.0 as i64;
            crate::customers::cleaned(tx, t, (seq, r.at), (*customer, *version), i, cleanings)
                .await?;
        }
        Fact::CustomerMerged { kept, merged, .. } => {
            crate::customers::merged(tx, t, seq, *kept, *merged).await?;
        }
        Fact::CustomerUnmerged { kept, merged, .. } => {
            crate::customers::unmerged(tx, t, seq, *kept, *merged).await?;
        }
        Fact::CustomerErased { customers, .. } => {
            crate::erase::project(tx, t, (seq, r.at), customers).await?;
        }
        Fact::AgentDefined {
            agent,
            name,
            skills,
            username,
            teams,
        } => {
            let skills = serde_json::to_string(skills)?;
            let teams = (!teams.is_empty())
                .then(|| serde_json::to_string(teams))
                .transpose()?;
            let updated = sqlx::query("UPDATE agents SET name = $1, skills = $2, teams = $3, updated_seq = $4 WHERE tenant_id = $5 AND id = $6")
                .bind(name.as_str()).bind(skills.as_str()).bind(teams.clone()).bind(seq).bind(t.id).bind(i64::from(agent.0))
                .execute(&mut **tx).await?;
            if updated.rows_affected() == 0 {
                sqlx::query("INSERT INTO agents (tenant_id, id, name, skills, teams, state, updated_seq) VALUES ($1, $2, $3, $4, $5, 'offline', $6)")
                    .bind(t.id).bind(i64::from(agent.0)).bind(name.as_str()).bind(skills.as_str()).bind(teams).bind(seq)
                    .execute(&mut **tx).await?;
            }
            if let Some(u) = username {
                sqlx::query(
                    "UPDATE users SET agent_id = $1 WHERE tenant_id = $2 AND username = $3",
                )
                .bind(i64::from(agent.0))
                .bind(t.id)
                .bind(u.as_str())
                .execute(&mut **tx)
                .await?;
            }
        }
        Fact::AgentCapacity { agent, capacity } => {
            let set = (!capacity.is_empty())
                .then(|| serde_json::to_string(capacity))
                .transpose()?;
            sqlx::query("UPDATE agents SET capacity = $1, updated_seq = $2 WHERE tenant_id = $3 AND id = $4")
                .bind(set).bind(seq).bind(t.id).bind(i64::from(agent.0))
                .execute(&mut **tx).await?;
        }
        Fact::CustomerProfiled {
            customer,
            fields,
            interaction,
            ..
        } => {
            if let Some(i) = interaction {
                crate::customers::learned(tx, t, i.0 as i64, fields.len() as i64).await?;
            }
            for (field, value) in fields {
                let updated = sqlx::query("UPDATE customer_profile SET value = $1, updated_seq = $2 WHERE tenant_id = $3 AND customer_id = $4 AND field = $5")
                    .bind(value.as_str()).bind(seq).bind(t.id).bind(*customer).bind(field.as_str())
                    .execute(&mut **tx).await?;
                if updated.rows_affected() == 0 {
                    sqlx::query("INSERT INTO customer_profile (tenant_id, customer_id, field, value, updated_seq) VALUES ($1, $2, $3, $4, $5)")
                        .bind(t.id).bind(*customer).bind(field.as_str()).bind(value.as_str()).bind(seq)
                        .execute(&mut **tx).await?;
                }
            }
        }
        Fact::CustomerConsent { customer, entry } => {
            sqlx::query("INSERT INTO customer_consents (tenant_id, customer_id, seq, purpose, channel, granted, at, source, evidence, by_user) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)")
                .bind(t.id).bind(*customer).bind(seq).bind(entry.purpose.as_str()).bind(entry.channel.as_str())
                .bind(i64::from(entry.granted)).bind(entry.at).bind(entry.source.as_str()).bind(entry.evidence.as_deref()).bind(entry.by.as_str())
                .execute(&mut **tx).await?;
        }
        Fact::SettingSet { name, document } => {
            let updated = sqlx::query("UPDATE tenant_settings SET document = $1, updated_seq = $2 WHERE tenant_id = $3 AND name = $4")
                .bind(document.as_str()).bind(seq).bind(t.id).bind(name.as_str())
                .execute(&mut **tx).await?;
            if updated.rows_affected() == 0 {
                sqlx::query("INSERT INTO tenant_settings (tenant_id, name, document, updated_seq) VALUES ($1, $2, $3, $4)")
                    .bind(t.id).bind(name.as_str()).bind(document.as_str()).bind(seq)
                    .execute(&mut **tx).await?;
            }
        }
        Fact::Quality { quality } => crate::quality::project(tx, t, (seq, r.at), quality).await?,
        Fact::CaseFact { case, .. }
        | Fact::CaseAction { case, .. }
        | Fact::CaseLetterOrdered { case, .. } => {
            sqlx::query("INSERT INTO case_log (tenant_id, case_id, seq) VALUES ($1, $2, $3)")
                .bind(t.id)
                .bind(id(*case))
                .bind(seq)
                .execute(&mut **tx)
                .await?;
        }
        // Read back with the whole log when the core starts.
        Fact::CaseInput { .. } | Fact::CaseTypeSet { .. } | Fact::CaseFeedSet { .. } => {}
        // The log is the record of calls; no projection yet.
        Fact::Call { .. } => {}
        // Read back by kind when the dialer starts.
        Fact::DialerInput { .. } => {}
        Fact::CampaignDefined {
            campaign,
            name,
            document,
        } => {
            let updated = sqlx::query("UPDATE campaigns SET name = $1, document = $2, updated_seq = $3 WHERE tenant_id = $4 AND id = $5")
                .bind(name.as_str()).bind(document.as_str()).bind(seq).bind(t.id).bind(i64::from(*campaign))
                .execute(&mut **tx).await?;
            if updated.rows_affected() == 0 {
                sqlx::query("INSERT INTO campaigns (tenant_id, id, name, document, state, contacts, closed, reached, dials, live_answers, connected, abandoned, updated_seq) VALUES ($1, $2, $3, $4, 'ready', 0, 0, 0, 0, 0, 0, 0, $5)")
                    .bind(t.id).bind(i64::from(*campaign)).bind(name.as_str()).bind(document.as_str()).bind(seq)
                    .execute(&mut **tx).await?;
            }
        }
        Fact::CampaignContacts { campaign, contacts } => {
            for c in contacts {
                let phones = serde_json::to_string(&c.phones)?;
                sqlx::query("INSERT INTO campaign_contacts (tenant_id, campaign_id, id, name, customer_id, phones, state, attempts, updated_seq) VALUES ($1, $2, $3, $4, $5, $6, 'open', 0, $7)")
                    .bind(t.id).bind(i64::from(*campaign)).bind(id(c.id)).bind(c.name.clone()).bind(c.customer).bind(phones).bind(seq)
                    .execute(&mut **tx).await?;
            }
        }
        Fact::Outbound { event } => {
            if let EventKind::Outbound(e) = &event.kind {
                outbound(tx, t, seq, e).await?;
            }
        }
        Fact::PlanSet { document } => {
            let updated = sqlx::query(
                "UPDATE routing_plans SET document = $1, updated_seq = $2 WHERE tenant_id = $3",
            )
            .bind(document.as_str())
            .bind(seq)
            .bind(t.id)
            .execute(&mut **tx)
            .await?;
            if updated.rows_affected() == 0 {
                sqlx::query("INSERT INTO routing_plans (tenant_id, document, updated_seq) VALUES ($1, $2, $3)")
                    .bind(t.id).bind(document.as_str()).bind(seq)
                    .execute(&mut **tx).await?;
            }
        }
    }
    Ok(())
}

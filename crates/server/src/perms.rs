//! The permission table and the route table, as data.
//!
//! [`PERMISSIONS`] says which roles may do each [`Action`]; handlers call
//! `principal.require(action)`. [`ROUTES`] lists every endpoint with its
//! action: the OpenAPI document, docs/server.md's table and the
//! role-by-endpoint test are all generated from these two tables (what
//! each route takes and answers is beside them, in
//! [`crate::openapi::io::IO`], keyed by the same method and path).

use crate::auth::Role;

/// Something a role may be allowed to do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Action {
    /// Create and list tenants (provider level).
    TenantsManage,
    /// Read one's own identity.
    Me,
    /// Read agents and their states.
    AgentsRead,
    /// Create agents and change their skills.
    AgentsManage,
    /// Sign an agent in or out of routing and change its state (agents: only themselves).
    AgentsState,
    /// Read queues and the routing plan.
    RoutingRead,
    /// Validate a routing plan without applying it.
    RoutingValidate,
    /// Replace the routing plan.
    RoutingManage,
    /// Create interactions (integrations, agents' outbound tasks).
    InteractionsCreate,
    /// Read interactions, notes and messages.
    InteractionsRead,
    /// Accept or reject an offer (agents: their own).
    InteractionsOffer,
    /// Complete, transfer, set disposition, add notes, send chat messages.
    InteractionsWork,
    /// Read customers and their history (screen pop).
    CustomersRead,
    /// Create customers.
    CustomersWrite,
    /// Merge customer records, review likely duplicates, import files.
    CustomersManage,
    /// Subscribe to live events (agents: their own).
    EventsStream,
    /// Read reports.
    ReportsRead,
    /// Run the floor: force agents not ready or signed out, offer a waiting
    /// interaction to a chosen agent.
    FloorManage,
    /// Listen to call recordings (each access is logged).
    RecordingsRead,
    /// Read outbound campaigns, their counts and contacts.
    CampaignsRead,
    /// Define campaigns, load contacts, start, pause and stop them.
    CampaignsManage,
    /// Make, list and revoke the tenant's API tokens.
    TokensManage,
    /// Make, list, replay and remove the tenant's webhooks.
    WebhooksManage,
    /// Erase a customer (the right to erasure; cannot be undone).
    CustomersErase,
    /// Set up the tenant's mailboxes (the e-mail channel).
    MailboxesManage,
    /// Read the tenant's audit trail.
    AuditRead,
    /// Read evaluation forms, evaluations and scores (agents: their own).
    QualityRead,
    /// Evaluate interactions and compare evaluators (calibration).
    QualityEvaluate,
    /// Define the tenant's evaluation forms.
    QualityManage,
    /// Acknowledge one's own evaluations (agents).
    QualityAcknowledge,
    /// Open the training library's playlists and listen to them.
    TrainingRead,
    /// Make and change training playlists.
    TrainingManage,
    /// Read case types and cases, with their history (agents: cases of
    /// customers of their own work).
    CasesRead,
    /// Create cases, move them, set flags, record promises and payments
    /// (agents: on their own work's cases, moves as the case type allows).
    CasesWork,
    /// Load case types.
    CasesManage,
    /// Record a client company's recall of a case.
    CasesRecall,
    /// See payments no case took, and give them to cases.
    PaymentsManage,
}

use Role::{Admin, Agent, Analyst, Client, Provider, Supervisor};

/// Who may do what. Anything not listed is denied.
pub const PERMISSIONS: &[(Action, &[Role])] = &[
    (Action::TenantsManage, &[Provider]),
    (
        Action::Me,
        &[Provider, Admin, Supervisor, Agent, Analyst, Client],
    ),
    (Action::AgentsRead, &[Admin, Supervisor, Agent, Analyst]),
    (Action::AgentsManage, &[Admin]),
    (Action::AgentsState, &[Admin, Supervisor, Agent]),
    (Action::RoutingRead, &[Admin, Supervisor, Analyst]),
    (Action::RoutingValidate, &[Admin, Supervisor]),
    (Action::RoutingManage, &[Admin]),
    (Action::InteractionsCreate, &[Admin, Supervisor, Agent]),
    (
        Action::InteractionsRead,
        &[Admin, Supervisor, Agent, Analyst],
    ),
    (Action::InteractionsOffer, &[Admin, Supervisor, Agent]),
    (Action::InteractionsWork, &[Admin, Supervisor, Agent]),
    (Action::CustomersRead, &[Admin, Supervisor, Agent, Analyst]),
    (Action::CustomersWrite, &[Admin, Supervisor, Agent]),
    (Action::CustomersManage, &[Admin, Supervisor]),
    (Action::EventsStream, &[Admin, Supervisor, Agent, Analyst]),
    (Action::ReportsRead, &[Admin, Supervisor, Analyst, Client]),
    (Action::FloorManage, &[Admin, Supervisor]),
    (Action::RecordingsRead, &[Admin, Supervisor]),
    (Action::CampaignsRead, &[Admin, Supervisor, Analyst]),
    (Action::CampaignsManage, &[Admin, Supervisor]),
    (Action::TokensManage, &[Admin]),
    (Action::WebhooksManage, &[Admin]),
    (Action::CustomersErase, &[Admin]),
    (Action::MailboxesManage, &[Admin]),
    (Action::AuditRead, &[Admin]),
    (Action::QualityRead, &[Admin, Supervisor, Agent, Analyst]),
    (Action::QualityEvaluate, &[Admin, Supervisor]),
    (Action::QualityManage, &[Admin]),
    (Action::QualityAcknowledge, &[Agent]),
    (Action::TrainingRead, &[Admin, Supervisor, Agent]),
    (Action::TrainingManage, &[Admin, Supervisor]),
    (Action::CasesRead, &[Admin, Supervisor, Agent]),
    (Action::CasesWork, &[Admin, Supervisor, Agent]),
    (Action::CasesManage, &[Admin]),
    (Action::CasesRecall, &[Admin, Supervisor]),
    (Action::PaymentsManage, &[Admin, Supervisor]),
];

impl Action {
    /// Its name in the tables.
    pub fn as_str(self) -> &'static str {
        match self {
            Action::TenantsManage => "tenants.manage",
            Action::Me => "me",
            Action::AgentsRead => "agents.read",
            Action::AgentsManage => "agents.manage",
            Action::AgentsState => "agents.state",
            Action::RoutingRead => "routing.read",
            Action::RoutingValidate => "routing.validate",
            Action::RoutingManage => "routing.manage",
            Action::InteractionsCreate => "interactions.create",
            Action::InteractionsRead => "interactions.read",
            Action::InteractionsOffer => "interactions.offer",
            Action::InteractionsWork => "interactions.work",
            Action::CustomersRead => "customers.read",
            Action::CustomersWrite => "customers.write",
            Action::CustomersManage => "customers.manage",
            Action::EventsStream => "events.stream",
            Action::ReportsRead => "reports.read",
            Action::FloorManage => "floor.manage",
            Action::RecordingsRead => "recordings.read",
            Action::CampaignsRead => "campaigns.read",
            Action::CampaignsManage => "campaigns.manage",
            Action::TokensManage => "tokens.manage",
            Action::WebhooksManage => "webhooks.manage",
            Action::CustomersErase => "customers.erase",
            Action::MailboxesManage => "mailboxes.manage",
            Action::AuditRead => "audit.read",
            Action::QualityRead => "quality.read",
            Action::QualityEvaluate => "quality.evaluate",
            Action::QualityManage => "quality.manage",
            Action::QualityAcknowledge => "quality.acknowledge",
            Action::TrainingRead => "training.read",
            Action::TrainingManage => "training.manage",
            Action::CasesRead => "cases.read",
            Action::CasesWork => "cases.work",
            Action::CasesManage => "cases.manage",
            Action::CasesRecall => "cases.recall",
            Action::PaymentsManage => "payments.manage",
        }
    }

    /// What the action lets one do, for error messages.
    pub fn describe(self) -> &'static str {
        match self {
            Action::TenantsManage => "manage tenants",
            Action::Me => "read who they are",
            Action::AgentsRead => "read agents",
            Action::AgentsManage => "manage agents",
            Action::AgentsState => "change agents' routing state",
            Action::RoutingRead => "read queues and routing plans",
            Action::RoutingValidate => "validate routing plans",
            Action::RoutingManage => "change routing plans",
            Action::InteractionsCreate => "create interactions",
            Action::InteractionsRead => "read interactions",
            Action::InteractionsOffer => "answer offers",
            Action::InteractionsWork => "work on interactions",
            Action::CustomersRead => "read customers",
            Action::CustomersWrite => "create and edit customers",
            Action::CustomersManage => "merge customers, review duplicates, import files",
            Action::EventsStream => "subscribe to live events",
            Action::ReportsRead => "read reports",
            Action::FloorManage => "force agents' states and reassign interactions",
            Action::RecordingsRead => "listen to call recordings",
            Action::CampaignsRead => "read campaigns",
            Action::CampaignsManage => "manage campaigns",
            Action::TokensManage => "manage API tokens",
            Action::WebhooksManage => "manage webhooks",
            Action::CustomersErase => "erase customers",
            Action::MailboxesManage => "set up mailboxes",
            Action::AuditRead => "read the audit trail",
            Action::QualityRead => "read evaluations",
            Action::QualityEvaluate => "evaluate interactions",
            Action::QualityManage => "define evaluation forms",
            Action::QualityAcknowledge => "acknowledge evaluations",
            Action::TrainingRead => "open training playlists",
            Action::TrainingManage => "manage training playlists",
            Action::CasesRead => "read cases",
            Action::CasesWork => "work on cases",
            Action::CasesManage => "load case types",
            Action::CasesRecall => "record a client's recall of a case",
            Action::PaymentsManage => "assign payments to cases",
        }
    }
}

/// Actions a role may do only on its own work: an agent on the
/// interactions they handle or handled, and their customers (see
/// [`crate::scope`]). Shown as "own" in the table.
pub const OWN_WORK: &[(Action, Role)] = &[
    (Action::InteractionsRead, Agent),
    (Action::InteractionsWork, Agent),
    (Action::CustomersRead, Agent),
    (Action::QualityRead, Agent),
    (Action::CasesRead, Agent),
    (Action::CasesWork, Agent),
];

/// Whether a role may do an action only on its own work.
pub fn own_work(role: Role, action: Action) -> bool {
    OWN_WORK.contains(&(action, role))
}

/// Whether a role may do an action.
pub fn allowed(role: Role, action: Action) -> bool {
    PERMISSIONS
        .iter()
        .any(|(a, roles)| *a == action && roles.contains(&role))
}

/// One endpoint.
#[derive(Debug, Clone, Copy)]
pub struct Route {
    /// HTTP method.
    pub method: &'static str,
    /// Path with `{param}` placeholders.
    pub path: &'static str,
    /// The action it needs (`None`: public).
    pub action: Option<Action>,
    /// One line on what it does.
    pub summary: &'static str,
}

const fn r(
    method: &'static str,
    path: &'static str,
    action: Option<Action>,
    summary: &'static str,
) -> Route {
    Route {
        method,
        path,
        action,
        summary,
    }
}

/// Every endpoint of the server.
pub const ROUTES: &[Route] = &[
    r("GET", "/healthz", None, "Liveness and database check"),
    r(
        "GET",
        "/api/v1/openapi.json",
        None,
        "This API's OpenAPI document",
    ),
    r(
        "POST",
        "/api/v1/sessions",
        None,
        "Sign in (sets the session cookie; returns the CSRF token)",
    ),
    r("DELETE", "/api/v1/sessions", Some(Action::Me), "Sign out"),
    r("GET", "/api/v1/me", Some(Action::Me), "Who am I"),
    r(
        "GET",
        "/api/v1/me/sessions",
        Some(Action::Me),
        "One's own sessions (the one asking marked current)",
    ),
    r(
        "DELETE",
        "/api/v1/me/sessions/{id}",
        Some(Action::Me),
        "End one of one's own sessions",
    ),
    r(
        "GET",
        "/api/v1/me/two-factor",
        Some(Action::Me),
        "One's second factor: enabled, being set up, required",
    ),
    r(
        "POST",
        "/api/v1/me/two-factor",
        Some(Action::Me),
        "A new second-factor key to set up (secret and otpauth address)",
    ),
    r(
        "POST",
        "/api/v1/me/two-factor/confirm",
        Some(Action::Me),
        "Confirm the key being set up with its first code",
    ),
    r(
        "POST",
        "/api/v1/me/two-factor/disable",
        Some(Action::Me),
        "Remove one's second factor, with a current code",
    ),
    r(
        "DELETE",
        "/api/v1/users/{id}/two-factor",
        Some(Action::AgentsManage),
        "Remove a user's second factor (a lost phone)",
    ),
    r(
        "GET",
        "/api/v1/tenants",
        Some(Action::TenantsManage),
        "List tenants",
    ),
    r(
        "POST",
        "/api/v1/tenants",
        Some(Action::TenantsManage),
        "Create a tenant",
    ),
    r(
        "GET",
        "/api/v1/agents",
        Some(Action::AgentsRead),
        "List agents with their states",
    ),
    r(
        "POST",
        "/api/v1/agents",
        Some(Action::AgentsManage),
        "Create an agent",
    ),
    r(
        "GET",
        "/api/v1/agents/{id}",
        Some(Action::AgentsRead),
        "One agent",
    ),
    r(
        "PUT",
        "/api/v1/agents/{id}/skills",
        Some(Action::AgentsManage),
        "Replace an agent's skills",
    ),
    r(
        "PUT",
        "/api/v1/agents/{id}/teams",
        Some(Action::AgentsManage),
        "Replace an agent's teams",
    ),
    r(
        "PUT",
        "/api/v1/agents/{id}/capacity",
        Some(Action::AgentsManage),
        "Set an agent's capacity per channel",
    ),
    r(
        "POST",
        "/api/v1/agents/{id}/sign-in",
        Some(Action::AgentsState),
        "Sign in to routing (ready, or not ready with a reason)",
    ),
    r(
        "POST",
        "/api/v1/agents/{id}/sign-out",
        Some(Action::AgentsState),
        "Sign out of routing",
    ),
    r(
        "POST",
        "/api/v1/agents/{id}/state",
        Some(Action::AgentsState),
        "Ready, or not ready with a reason code",
    ),
    r(
        "GET",
        "/api/v1/queues",
        Some(Action::RoutingRead),
        "Queues with live waiting counts",
    ),
    r(
        "GET",
        "/api/v1/queues/{id}",
        Some(Action::RoutingRead),
        "One queue",
    ),
    r(
        "GET",
        "/api/v1/routing/plan",
        Some(Action::RoutingRead),
        "The routing plan document (queues, hours, rules)",
    ),
    r(
        "PUT",
        "/api/v1/routing/plan",
        Some(Action::RoutingManage),
        "Replace the routing plan",
    ),
    r(
        "POST",
        "/api/v1/routing/plan/validate",
        Some(Action::RoutingValidate),
        "Validate a routing plan without applying it",
    ),
    r(
        "GET",
        "/api/v1/audit",
        Some(Action::AuditRead),
        "The audit trail (?from=&to= Unix ms or RFC 3339, &format=json|csv, &limit=), hash-chained",
    ),
    r(
        "GET",
        "/api/v1/tokens",
        Some(Action::TokensManage),
        "The tenant's API tokens (never their secrets), with their last use",
    ),
    r(
        "POST",
        "/api/v1/tokens",
        Some(Action::TokensManage),
        "Make an API token: {name, role, expires_at?}; its secret is shown this once",
    ),
    r(
        "DELETE",
        "/api/v1/tokens/{id}",
        Some(Action::TokensManage),
        "Revoke an API token at once",
    ),
    r(
        "GET",
        "/api/v1/settings/tenant",
        Some(Action::RoutingRead),
        "The tenant's time zone and holiday calendar",
    ),
    r(
        "PUT",
        "/api/v1/settings/tenant",
        Some(Action::RoutingManage),
        "Replace the tenant's time zone and holiday calendar",
    ),
    r(
        "GET",
        "/api/v1/settings/desktop",
        Some(Action::RoutingRead),
        "The agent desktop's settings document (reason codes, dispositions, scripts, canned replies)",
    ),
    r(
        "PUT",
        "/api/v1/settings/desktop",
        Some(Action::RoutingManage),
        "Replace the agent desktop's settings document (checked as the administration page checks it)",
    ),
    r(
        "GET",
        "/api/v1/settings/customer-fields",
        Some(Action::CustomersRead),
        "The custom fields the tenant defined on customer records",
    ),
    r(
        "PUT",
        "/api/v1/settings/customer-fields",
        Some(Action::RoutingManage),
        "Replace the custom field definitions (name, type, required, pattern, screen pop)",
    ),
    r(
        "GET",
        "/api/v1/customers/{id}/export",
        Some(Action::CustomersManage),
        "Everything about a person as one ZIP (record, consents, contacts, notes, messages, timeline, recordings); audited",
    ),
    r(
        "GET",
        "/api/v1/mailboxes",
        Some(Action::MailboxesManage),
        "The tenant's mailboxes (no passwords) and how their last read went",
    ),
    r(
        "PUT",
        "/api/v1/mailboxes/{name}",
        Some(Action::MailboxesManage),
        "Create or replace a mailbox: its address, queue, IMAP and SMTP servers (passwords sealed; one left out is kept)",
    ),
    r(
        "DELETE",
        "/api/v1/mailboxes/{name}",
        Some(Action::MailboxesManage),
        "Remove a mailbox (its interactions stay)",
    ),
    r(
        "GET",
        "/api/v1/quality/forms",
        Some(Action::QualityRead),
        "The tenant's evaluation forms (sections, questions, weights, critical questions)",
    ),
    r(
        "PUT",
        "/api/v1/quality/forms",
        Some(Action::QualityManage),
        "Replace the evaluation forms (a mistake names its field); audited",
    ),
    r(
        "GET",
        "/api/v1/quality/scores",
        Some(Action::QualityRead),
        "Mean scores per week or day (?from=&to=&bucket=week|day) per agent and team",
    ),
    r(
        "GET",
        "/api/v1/evaluations",
        Some(Action::QualityRead),
        "Evaluations (?agent=&interaction=&evaluator=&from=&to=), newest first",
    ),
    r(
        "POST",
        "/api/v1/evaluations",
        Some(Action::QualityEvaluate),
        "Evaluate a call or chat with a form: answers, comments at moments; scored here; audited",
    ),
    r(
        "GET",
        "/api/v1/evaluations/{id}",
        Some(Action::QualityRead),
        "One evaluation: the form as it was, answers, comments, acknowledgement",
    ),
    r(
        "POST",
        "/api/v1/evaluations/{id}/acknowledge",
        Some(Action::QualityAcknowledge),
        "The evaluated agent acknowledges it, with an optional reply; audited",
    ),
    r(
        "GET",
        "/api/v1/interactions/{id}/calibration",
        Some(Action::QualityEvaluate),
        "Every evaluation of one interaction, the spread of their scores and where answers differ",
    ),
    r(
        "GET",
        "/api/v1/playlists",
        Some(Action::TrainingRead),
        "The training library's playlists",
    ),
    r(
        "POST",
        "/api/v1/playlists",
        Some(Action::TrainingManage),
        "Make a playlist: name, description, items (interaction, note, start); audited",
    ),
    r(
        "GET",
        "/api/v1/playlists/{id}",
        Some(Action::TrainingRead),
        "One playlist",
    ),
    r(
        "PUT",
        "/api/v1/playlists/{id}",
        Some(Action::TrainingManage),
        "Replace a playlist whole; audited",
    ),
    r(
        "DELETE",
        "/api/v1/playlists/{id}",
        Some(Action::TrainingManage),
        "Remove a playlist; audited",
    ),
    r(
        "GET",
        "/api/v1/playlists/{id}/items/{n}/recording",
        Some(Action::TrainingRead),
        "The recording of a playlist's item (from 0); the access is logged and audited",
    ),
    r(
        "POST",
        "/api/v1/interactions/{id}/email",
        Some(Action::InteractionsWork),
        "Answer an e-mail interaction over SMTP, in its thread; logged once the server took it",
    ),
    r(
        "POST",
        "/api/v1/customers/{id}/erase",
        Some(Action::CustomersErase),
        "Erase a person (the record and those merged into it): their data leaves the log, the projections, the database files and the recordings; counts stay; audited",
    ),
    r(
        "PUT",
        "/api/v1/customers/by-external-id/{external_id}",
        Some(Action::CustomersWrite),
        "Create the record with the client's key, or replace the parts given (the latest write wins)",
    ),
    r(
        "POST",
        "/api/v1/customers/bulk",
        Some(Action::CustomersWrite),
        "Create or update up to 10,000 records by external id, answered per record",
    ),
    r(
        "GET",
        "/api/v1/customers/{id}/consents",
        Some(Action::CustomersRead),
        "A customer's consent ledger, newest first, and what is in force per purpose and channel",
    ),
    r(
        "POST",
        "/api/v1/customers/{id}/consents",
        Some(Action::CustomersWrite),
        "Record consent given or withdrawn {purpose, channel, granted, at?, source, evidence?}",
    ),
    r(
        "GET",
        "/api/v1/case-types",
        Some(Action::CasesRead),
        "Case types: name, latest version (the shipped `collections` is there for every tenant)",
    ),
    r(
        "PUT",
        "/api/v1/case-types/{name}",
        Some(Action::CasesManage),
        "Load a case type {document: TOML} as its next version (a mistake names its line and field)",
    ),
    r(
        "GET",
        "/api/v1/cases",
        Some(Action::CasesRead),
        "Cases (?state=&flag=&q= reference, debtor's name, phone or external id; &limit=)",
    ),
    r(
        "POST",
        "/api/v1/cases",
        Some(Action::CasesWork),
        "Create a case {type, reference, customer_id or debtor {name, phone}, owner, fields, debts}",
    ),
    r(
        "GET",
        "/api/v1/cases/{id}",
        Some(Action::CasesRead),
        "A case: state, flags, fields, money, debts, payments, promises, and its history with causes",
    ),
    r(
        "POST",
        "/api/v1/cases/{id}/tasks/{task}/delegate",
        Some(Action::CasesWork),
        "Give a case's task to an agent ({agent_id}) or a team's queue ({queue}): the case's owner, else a supervisor; administrators always",
    ),
    r(
        "POST",
        "/api/v1/cases/{id}/transition",
        Some(Action::CasesWork),
        "Move a case {to, note} (as the case type allows the role)",
    ),
    r(
        "POST",
        "/api/v1/cases/{id}/flags",
        Some(Action::CasesWork),
        "Set and clear a case's flags {set, clear}",
    ),
    r(
        "POST",
        "/api/v1/cases/{id}/promises",
        Some(Action::CasesWork),
        "Record a promise to pay {amount, due_date}",
    ),
    r(
        "POST",
        "/api/v1/cases/{id}/payments",
        Some(Action::CasesWork),
        "Record a payment {amount, currency, date, reference, id?} (bank files: `centralita import payments`)",
    ),
    r(
        "GET",
        "/api/v1/payments/unmatched",
        Some(Action::PaymentsManage),
        "Payments from bank files no case took, to assign (?all=true: those assigned too)",
    ),
    r(
        "POST",
        "/api/v1/payments/unmatched/{id}/assign",
        Some(Action::PaymentsManage),
        "Give a payment no case took to a case {case}",
    ),
    r(
        "GET",
        "/api/v1/cases/{id}/letters",
        Some(Action::CasesRead),
        "A case's letters ordered: template, language, medium, and where each one's PDF is",
    ),
    r(
        "GET",
        "/api/v1/cases/{id}/letters/{seq}",
        Some(Action::CasesRead),
        "A letter as PDF, written from what the case said when it was ordered",
    ),
    r(
        "GET",
        "/api/v1/settings/letters",
        Some(Action::CasesRead),
        "The tenant's letter templates, TOML (the shipped six-language ones when it has none)",
    ),
    r(
        "PUT",
        "/api/v1/settings/letters",
        Some(Action::CasesManage),
        "Replace the tenant's letter templates {document}, over the shipped ones per letter and language",
    ),
    r(
        "POST",
        "/api/v1/cases/{id}/plans",
        Some(Action::CasesWork),
        "Agree a payment plan {instalments: [{amount, due_date}]}: each instalment a promise",
    ),
    r(
        "POST",
        "/api/v1/cases/{id}/settle",
        Some(Action::CasesWork),
        "Agree a settlement {amount} (supervisors and admins): once paid, the rest is written off",
    ),
    r(
        "POST",
        "/api/v1/cases/{id}/write-off",
        Some(Action::CasesWork),
        "Write the balance off {reason} (supervisors and admins); the case closes",
    ),
    r(
        "POST",
        "/api/v1/cases/{id}/dispute",
        Some(Action::CasesWork),
        "The debtor disputes the case {reason}: no calls, letters or e-mails from triggers until resolved",
    ),
    r(
        "POST",
        "/api/v1/cases/{id}/dispute/resolve",
        Some(Action::CasesWork),
        "Resolve the dispute {note}",
    ),
    r(
        "POST",
        "/api/v1/cases/{id}/recall",
        Some(Action::CasesRecall),
        "The client company recalls the case {reason}: all activity stops",
    ),
    r(
        "GET",
        "/api/v1/webhooks",
        Some(Action::WebhooksManage),
        "The tenant's webhooks (URL, fact kinds, how far each delivered)",
    ),
    r(
        "POST",
        "/api/v1/webhooks",
        Some(Action::WebhooksManage),
        "Post the tenant's facts to a URL {url, kinds, secret, from_seq?}, signed, in order, at least once",
    ),
    r(
        "DELETE",
        "/api/v1/webhooks/{id}",
        Some(Action::WebhooksManage),
        "Remove a webhook",
    ),
    r(
        "GET",
        "/api/v1/webhooks/{id}/deliveries",
        Some(Action::WebhooksManage),
        "A webhook's latest delivery attempts, newest first",
    ),
    r(
        "POST",
        "/api/v1/webhooks/{id}/replay",
        Some(Action::WebhooksManage),
        "Deliver again from a sequence number {from_seq}",
    ),
    r(
        "GET",
        "/api/v1/dnc-lists",
        Some(Action::CampaignsRead),
        "The do-not-call lists loaded from files: name, national or not, numbers",
    ),
    r(
        "GET",
        "/api/v1/customer-queries",
        Some(Action::CustomersRead),
        "The saved customer queries (a campaign is fed from one)",
    ),
    r(
        "GET",
        "/api/v1/customer-queries/{name}",
        Some(Action::CustomersRead),
        "One saved customer query",
    ),
    r(
        "PUT",
        "/api/v1/customer-queries/{name}",
        Some(Action::CustomersManage),
        "Save a customer query: tags, countries, languages, time zones, fields, valid phone",
    ),
    r(
        "DELETE",
        "/api/v1/customer-queries/{name}",
        Some(Action::CustomersManage),
        "Remove a saved customer query",
    ),
    r(
        "GET",
        "/api/v1/customer-queries/{name}/customers",
        Some(Action::CustomersRead),
        "The records a saved query finds, in id order (?after=ID&limit=N)",
    ),
    r(
        "POST",
        "/api/v1/interactions",
        Some(Action::InteractionsCreate),
        "Create an interaction (any channel); honours Idempotency-Key",
    ),
    r(
        "GET",
        "/api/v1/interactions",
        Some(Action::InteractionsRead),
        "Recent interactions",
    ),
    r(
        "GET",
        "/api/v1/interactions/{id}",
        Some(Action::InteractionsRead),
        "One interaction",
    ),
    r(
        "POST",
        "/api/v1/interactions/{id}/accept",
        Some(Action::InteractionsOffer),
        "Accept the offer",
    ),
    r(
        "POST",
        "/api/v1/interactions/{id}/reject",
        Some(Action::InteractionsOffer),
        "Reject the offer",
    ),
    r(
        "POST",
        "/api/v1/interactions/{id}/complete",
        Some(Action::InteractionsWork),
        "End a connected interaction as handled",
    ),
    r(
        "POST",
        "/api/v1/interactions/{id}/transfer",
        Some(Action::InteractionsWork),
        "Transfer to a queue or an agent",
    ),
    r(
        "POST",
        "/api/v1/interactions/{id}/disposition",
        Some(Action::InteractionsWork),
        "Set the disposition code",
    ),
    r(
        "GET",
        "/api/v1/interactions/{id}/notes",
        Some(Action::InteractionsRead),
        "Notes",
    ),
    r(
        "POST",
        "/api/v1/interactions/{id}/notes",
        Some(Action::InteractionsWork),
        "Add a note",
    ),
    r(
        "GET",
        "/api/v1/interactions/{id}/messages",
        Some(Action::InteractionsRead),
        "Chat messages",
    ),
    r(
        "POST",
        "/api/v1/interactions/{id}/messages",
        Some(Action::InteractionsWork),
        "Send a chat message to the customer",
    ),
    r(
        "POST",
        "/api/v1/interactions/{id}/recording/pause",
        Some(Action::InteractionsWork),
        "Pause the call's recording (nothing is kept until resumed)",
    ),
    r(
        "POST",
        "/api/v1/interactions/{id}/recording/resume",
        Some(Action::InteractionsWork),
        "Resume the call's recording",
    ),
    r(
        "POST",
        "/api/v1/interactions/{id}/recording/start",
        Some(Action::InteractionsWork),
        "Start recording the call (queues with the on_demand policy)",
    ),
    r(
        "POST",
        "/api/v1/interactions/{id}/call/hold",
        Some(Action::InteractionsWork),
        "Put the customer on hold (music; nothing of the agent reaches them)",
    ),
    r(
        "POST",
        "/api/v1/interactions/{id}/call/resume",
        Some(Action::InteractionsWork),
        "Take the customer off hold",
    ),
    r(
        "POST",
        "/api/v1/interactions/{id}/call/mute",
        Some(Action::InteractionsWork),
        "Mute the agent (the customer hears nothing of them; they still hear)",
    ),
    r(
        "POST",
        "/api/v1/interactions/{id}/call/unmute",
        Some(Action::InteractionsWork),
        "Unmute the agent",
    ),
    r(
        "POST",
        "/api/v1/interactions/{id}/call/hangup",
        Some(Action::InteractionsWork),
        "Hang up the call (both legs)",
    ),
    r(
        "POST",
        "/api/v1/interactions/{id}/call/consult",
        Some(Action::InteractionsWork),
        "Consult transfer: hold the customer and ring another agent (`{\"agent_id\": N}`)",
    ),
    r(
        "POST",
        "/api/v1/interactions/{id}/call/consult/complete",
        Some(Action::InteractionsWork),
        "Complete the consult transfer: the customer goes to the consulted agent",
    ),
    r(
        "POST",
        "/api/v1/interactions/{id}/call/consult/cancel",
        Some(Action::InteractionsWork),
        "Cancel the consult transfer: back to the customer",
    ),
    r(
        "GET",
        "/api/v1/interactions/{id}/recording",
        Some(Action::RecordingsRead),
        "The call's recording (stereo WAV, customer left, agent right); the access is logged",
    ),
    r(
        "GET",
        "/api/v1/customers",
        Some(Action::CustomersRead),
        "Find customers: q (name words in any order, accents and case ignored; a phone in any format; an e-mail address; an external id), or phone / email",
    ),
    r(
        "POST",
        "/api/v1/customers",
        Some(Action::CustomersWrite),
        "Create a customer",
    ),
    r(
        "GET",
        "/api/v1/customers/{id}",
        Some(Action::CustomersRead),
        "One customer",
    ),
    r(
        "PATCH",
        "/api/v1/customers/{id}",
        Some(Action::CustomersWrite),
        "Edit a record (the parts given replace the record's; version: the one read)",
    ),
    r(
        "GET",
        "/api/v1/customers/duplicates",
        Some(Action::CustomersManage),
        "Likely duplicates: records alike by name and place, for a person to decide",
    ),
    r(
        "POST",
        "/api/v1/customers/{id}/merge",
        Some(Action::CustomersManage),
        "Merge another record into this one ({\"other\": ID}; history kept, undoable)",
    ),
    r(
        "POST",
        "/api/v1/customers/{id}/unmerge",
        Some(Action::CustomersManage),
        "Undo a merge ({\"other\": ID}): both records stand again, this one as it was",
    ),
    r(
        "GET",
        "/api/v1/customers/{id}/timeline",
        Some(Action::CustomersRead),
        "Every contact, note, profile answer, dial attempt and change of the record, newest first (before, limit)",
    ),
    r(
        "POST",
        "/api/v1/imports",
        Some(Action::CustomersManage),
        "Start an import (multipart: file, kind=customers, mapping, country, dry_run, encoding, sheet): {\"id\"}",
    ),
    r(
        "GET",
        "/api/v1/imports",
        Some(Action::CustomersManage),
        "The latest imports",
    ),
    r(
        "GET",
        "/api/v1/imports/{id}",
        Some(Action::CustomersManage),
        "An import's state and counts",
    ),
    r(
        "GET",
        "/api/v1/imports/{id}/rejects",
        Some(Action::CustomersManage),
        "An import's report (CSV: line,column,reason)",
    ),
    r(
        "GET",
        "/api/v1/customers/{id}/history",
        Some(Action::CustomersRead),
        "A customer's interactions (screen pop)",
    ),
    r(
        "POST",
        "/api/v1/customers/{id}/profile",
        Some(Action::CustomersWrite),
        "Save profile fields (value tier, consent, do-not-call, profiling answers)",
    ),
    r(
        "GET",
        "/api/v1/events",
        Some(Action::EventsStream),
        "Live events (SSE), resumable with Last-Event-ID",
    ),
    r(
        "POST",
        "/api/v1/calls",
        Some(Action::InteractionsWork),
        "Place a manual call for the signed-in agent through a campaign's compliance gate (`to` and/or `customer_id`, `campaign`)",
    ),
    r(
        "GET",
        "/api/v1/campaigns",
        Some(Action::CampaignsRead),
        "Outbound campaigns with their state and counts",
    ),
    r(
        "POST",
        "/api/v1/campaigns",
        Some(Action::CampaignsManage),
        "Define an outbound campaign (ready, not started)",
    ),
    r(
        "GET",
        "/api/v1/campaigns/{id}",
        Some(Action::CampaignsRead),
        "One campaign",
    ),
    r(
        "GET",
        "/api/v1/campaigns/{id}/contacts",
        Some(Action::CampaignsRead),
        "A campaign's contacts and how each stands (after=, limit=)",
    ),
    r(
        "POST",
        "/api/v1/campaigns/{id}/contacts",
        Some(Action::CampaignsManage),
        "Add contacts to a campaign",
    ),
    r(
        "POST",
        "/api/v1/campaigns/{id}/start",
        Some(Action::CampaignsManage),
        "Start (or resume) dialling",
    ),
    r(
        "POST",
        "/api/v1/campaigns/{id}/pause",
        Some(Action::CampaignsManage),
        "Stop placing calls (calls in progress go on)",
    ),
    r(
        "POST",
        "/api/v1/campaigns/{id}/stop",
        Some(Action::CampaignsManage),
        "Stop for good (open contacts are closed)",
    ),
    r(
        "PUT",
        "/api/v1/campaigns/{id}/ratio",
        Some(Action::CampaignsManage),
        "Change a power campaign's lines per free agent while it runs: {ratio}",
    ),
    r(
        "GET",
        "/api/v1/campaigns/{id}/case-query",
        Some(Action::CampaignsRead),
        "The saved case query that feeds a campaign's list (null: none)",
    ),
    r(
        "PUT",
        "/api/v1/campaigns/{id}/case-query",
        Some(Action::CampaignsManage),
        "Feed a campaign's list from a saved case query (states, flags, balance_min, balance_max, currency, case_type), kept current as cases move",
    ),
    r(
        "DELETE",
        "/api/v1/campaigns/{id}/case-query",
        Some(Action::CampaignsManage),
        "Stop feeding a campaign from a case query (its contacts stay)",
    ),
    r(
        "POST",
        "/api/v1/previews/{id}/accept",
        Some(Action::InteractionsOffer),
        "Dial a previewed contact now (id: the attempt)",
    ),
    r(
        "POST",
        "/api/v1/previews/{id}/skip",
        Some(Action::InteractionsOffer),
        "Skip a previewed contact",
    ),
    r(
        "GET",
        "/api/v1/reports/summary",
        Some(Action::ReportsRead),
        "Interactions by state and outcome",
    ),
    r(
        "GET",
        "/chat/{tenant}",
        None,
        "The public chat page (`?lang=` en, es, ca, cs, ru or zh)",
    ),
    r(
        "POST",
        "/chat/{tenant}/start",
        None,
        "Start a chat (public)",
    ),
    r(
        "GET",
        "/chat/{tenant}/{id}/messages",
        None,
        "Chat messages for the customer (needs the chat secret)",
    ),
    r(
        "POST",
        "/chat/{tenant}/{id}/messages",
        None,
        "Send a chat message as the customer (needs the chat secret)",
    ),
    r(
        "GET",
        "/chat/{tenant}/{id}/events",
        None,
        "The chat's messages and state as server-sent events, resumable (needs the chat secret)",
    ),
    r(
        "GET",
        "/ui",
        None,
        "The web UI: the sign-in page or the user's first page",
    ),
    r("GET", "/ui/sign-in", None, "Sign-in page"),
    r(
        "POST",
        "/ui/sign-in",
        None,
        "Sign in from the page (sets the session and preference cookies)",
    ),
    r(
        "POST",
        "/ui/sign-in/code",
        None,
        "The sign-in's second step: the authenticator app's code (or setting one up)",
    ),
    r(
        "GET",
        "/ui/sign-in/oidc",
        None,
        "Single sign-on: to the tenant's OpenID provider (?tenant=…)",
    ),
    r(
        "POST",
        "/ui/sign-in/oidc",
        None,
        "Single sign-on from the sign-in page's button",
    ),
    r(
        "GET",
        "/ui/sign-in/oidc/callback",
        None,
        "Single sign-on: the provider's answer",
    ),
    r(
        "POST",
        "/ui/sign-out",
        Some(Action::Me),
        "Sign out from the page",
    ),
    r(
        "GET",
        "/ui/account",
        Some(Action::Me),
        "One's account: second factor and sessions",
    ),
    r(
        "POST",
        "/ui/account/two-factor",
        Some(Action::Me),
        "Start setting up a second factor",
    ),
    r(
        "POST",
        "/ui/account/two-factor/confirm",
        Some(Action::Me),
        "Confirm the second factor with its first code",
    ),
    r(
        "POST",
        "/ui/account/two-factor/disable",
        Some(Action::Me),
        "Turn the second factor off, with a current code",
    ),
    r(
        "POST",
        "/ui/account/sessions/{id}/end",
        Some(Action::Me),
        "End one of one's sessions",
    ),
    r(
        "POST",
        "/ui/preferences",
        Some(Action::Me),
        "Language and time zone (cookies)",
    ),
    r(
        "GET",
        "/ui/assets/{file}",
        None,
        "Embedded script, style and htmx",
    ),
    r(
        "GET",
        "/ui/agent",
        Some(Action::AgentsState),
        "Agent desktop",
    ),
    r(
        "GET",
        "/ui/agent/state",
        Some(Action::AgentsState),
        "Agent desktop: state fragment",
    ),
    r(
        "POST",
        "/ui/agent/state",
        Some(Action::AgentsState),
        "Agent desktop: available, not ready with a reason, or signed out",
    ),
    r(
        "GET",
        "/ui/agent/work",
        Some(Action::AgentsState),
        "Agent desktop: offers and interactions fragment",
    ),
    r(
        "GET",
        "/ui/agent/customers",
        Some(Action::CustomersRead),
        "Agent desktop: customers found by a name, a phone or an e-mail (masked; audited)",
    ),
    r(
        "GET",
        "/ui/agent/customers/{id}",
        Some(Action::CustomersRead),
        "Agent desktop: a found customer's local time and timeline (audited outside own work)",
    ),
    r(
        "POST",
        "/ui/agent/dial",
        Some(Action::InteractionsWork),
        "Agent desktop: the dial pad (a manual call through the campaign's compliance gate)",
    ),
    r(
        "GET",
        "/ui/agent/callbacks",
        Some(Action::AgentsState),
        "Agent desktop: the callbacks this agent promised",
    ),
    r(
        "GET",
        "/ui/agent/previews",
        Some(Action::InteractionsOffer),
        "Agent desktop: contacts to preview before the dialer calls them",
    ),
    r(
        "POST",
        "/ui/agent/previews/{id}/{answer}",
        Some(Action::InteractionsOffer),
        "Agent desktop: call a previewed contact now, or skip it",
    ),
    r(
        "POST",
        "/ui/agent/interactions/{id}/accept",
        Some(Action::InteractionsOffer),
        "Agent desktop: accept an offer",
    ),
    r(
        "POST",
        "/ui/agent/interactions/{id}/reject",
        Some(Action::InteractionsOffer),
        "Agent desktop: reject an offer",
    ),
    r(
        "GET",
        "/ui/agent/interactions/{id}/messages",
        Some(Action::InteractionsRead),
        "Agent desktop: conversation fragment",
    ),
    r(
        "POST",
        "/ui/agent/interactions/{id}/messages",
        Some(Action::InteractionsWork),
        "Agent desktop: send a chat message",
    ),
    r(
        "POST",
        "/ui/agent/interactions/{id}/notes",
        Some(Action::InteractionsWork),
        "Agent desktop: add a note",
    ),
    r(
        "POST",
        "/ui/agent/interactions/{id}/profile",
        Some(Action::CustomersWrite),
        "Agent desktop: save profiling answers on the customer",
    ),
    r(
        "POST",
        "/ui/agent/interactions/{id}/disposition",
        Some(Action::InteractionsWork),
        "Agent desktop: set the disposition",
    ),
    r(
        "POST",
        "/ui/agent/interactions/{id}/callback",
        Some(Action::InteractionsWork),
        "Agent desktop: schedule a callback",
    ),
    r(
        "POST",
        "/ui/agent/interactions/{id}/transfer",
        Some(Action::InteractionsWork),
        "Agent desktop: transfer to a queue or an agent",
    ),
    r(
        "POST",
        "/ui/agent/interactions/{id}/complete",
        Some(Action::InteractionsWork),
        "Agent desktop: complete",
    ),
    r(
        "POST",
        "/ui/agent/interactions/{id}/call/{action}",
        Some(Action::InteractionsWork),
        "Agent desktop: call controls (hold, resume, mute, unmute, hangup, consult, consult-complete, consult-cancel)",
    ),
    r(
        "GET",
        "/ui/campaigns",
        Some(Action::CampaignsRead),
        "Campaigns page",
    ),
    r(
        "POST",
        "/ui/campaigns",
        Some(Action::CampaignsManage),
        "Define a campaign with pasted contacts",
    ),
    r(
        "GET",
        "/ui/campaigns/list",
        Some(Action::CampaignsRead),
        "Campaigns table fragment",
    ),
    r(
        "GET",
        "/ui/campaigns/{id}",
        Some(Action::CampaignsRead),
        "One campaign's contacts page",
    ),
    r(
        "GET",
        "/ui/campaigns/{id}/contacts",
        Some(Action::CampaignsRead),
        "One campaign's contacts fragment",
    ),
    r(
        "POST",
        "/ui/campaigns/{id}/{command}",
        Some(Action::CampaignsManage),
        "Start, pause or stop a campaign",
    ),
    r(
        "GET",
        "/ui/wallboard",
        Some(Action::RoutingRead),
        "Supervisor wallboard",
    ),
    r(
        "GET",
        "/ui/wallboard/board",
        Some(Action::RoutingRead),
        "Wallboard figures fragment",
    ),
    r(
        "GET",
        "/ui/cases",
        Some(Action::CasesRead),
        "Cases page: search, counts by state and flag (agents: their own work's cases)",
    ),
    r(
        "GET",
        "/ui/cases/{id}",
        Some(Action::CasesRead),
        "A case: state, flags, money, promises, what may be done, its history with causes",
    ),
    r(
        "POST",
        "/ui/cases/{id}/{what}",
        Some(Action::CasesWork),
        "Act on a case: transition, flags, promise, plan, dispute, resolve, settle, write-off, recall",
    ),
    r(
        "GET",
        "/ui/customers",
        Some(Action::CustomersManage),
        "Customers page: search, likely duplicates",
    ),
    r(
        "GET",
        "/ui/customers/{id}",
        Some(Action::CustomersManage),
        "A customer's record, edit form, merges and timeline",
    ),
    r(
        "POST",
        "/ui/customers/{id}",
        Some(Action::CustomersManage),
        "Save a customer's record",
    ),
    r(
        "POST",
        "/ui/customers/{id}/merge",
        Some(Action::CustomersManage),
        "Merge another record into this one",
    ),
    r(
        "POST",
        "/ui/agent/interactions/{id}/consent",
        Some(Action::InteractionsWork),
        "The agent records the customer's consent for calls given or withdrawn on this contact",
    ),
    r(
        "POST",
        "/ui/customers/{id}/consents",
        Some(Action::CustomersManage),
        "Record consent given or withdrawn on the record page",
    ),
    r(
        "POST",
        "/ui/customers/{id}/unmerge",
        Some(Action::CustomersManage),
        "Undo a merge",
    ),
    r(
        "GET",
        "/ui/imports",
        Some(Action::CustomersManage),
        "Imports page: send a file, the latest imports with their progress",
    ),
    r(
        "POST",
        "/ui/imports",
        Some(Action::CustomersManage),
        "Start an import from the page (multipart)",
    ),
    r(
        "GET",
        "/ui/imports/list",
        Some(Action::CustomersManage),
        "The latest imports (fragment)",
    ),
    r(
        "POST",
        "/ui/payments/{id}/assign",
        Some(Action::PaymentsManage),
        "Give a payment no case took to a case, named by its reference or id",
    ),
    r(
        "POST",
        "/ui/wallboard/agents/{id}/not-ready",
        Some(Action::FloorManage),
        "Force an agent not ready",
    ),
    r(
        "POST",
        "/ui/wallboard/agents/{id}/sign-out",
        Some(Action::FloorManage),
        "Sign an agent out",
    ),
    r(
        "POST",
        "/ui/wallboard/interactions/{id}/assign",
        Some(Action::FloorManage),
        "Offer a waiting interaction to an agent",
    ),
    r(
        "GET",
        "/ui/admin",
        Some(Action::AgentsManage),
        "Administration",
    ),
    r(
        "POST",
        "/ui/admin/users",
        Some(Action::AgentsManage),
        "Administration: add a user",
    ),
    r(
        "POST",
        "/ui/admin/users/{id}/role",
        Some(Action::AgentsManage),
        "Administration: change a user's role (never one's own; the last administrator stays)",
    ),
    r(
        "POST",
        "/ui/admin/users/{id}/password",
        Some(Action::AgentsManage),
        "Administration: reset a user's password (ends their sessions)",
    ),
    r(
        "POST",
        "/ui/admin/users/{id}/remove",
        Some(Action::AgentsManage),
        "Administration: remove a user (ends their sessions; never one's own or the last administrator)",
    ),
    r(
        "POST",
        "/ui/admin/users/{id}/two-factor/reset",
        Some(Action::AgentsManage),
        "Remove a user's second factor (a lost phone)",
    ),
    r(
        "POST",
        "/ui/admin/agents",
        Some(Action::AgentsManage),
        "Administration: add an agent or change its skills",
    ),
    r(
        "POST",
        "/ui/admin/plan",
        Some(Action::RoutingManage),
        "Administration: replace the routing plan",
    ),
    r(
        "POST",
        "/ui/admin/plan/validate",
        Some(Action::RoutingValidate),
        "Administration: validate a routing plan",
    ),
    r(
        "POST",
        "/ui/admin/plan/form",
        Some(Action::RoutingManage),
        "Administration: save the routing plan's rules and timed steps from the form (same validator)",
    ),
    r(
        "POST",
        "/ui/admin/desktop",
        Some(Action::RoutingManage),
        "Administration: replace reason codes, dispositions and scripts",
    ),
    r(
        "POST",
        "/ui/admin/desktop/validate",
        Some(Action::RoutingValidate),
        "Administration: validate the desktop settings",
    ),
    r(
        "POST",
        "/ui/admin/tenant",
        Some(Action::RoutingManage),
        "Administration: replace the tenant's time zone and holidays",
    ),
    r(
        "POST",
        "/ui/admin/customer-fields",
        Some(Action::RoutingManage),
        "Administration: replace the custom fields of customer records",
    ),
    r(
        "POST",
        "/ui/admin/sign-in",
        Some(Action::RoutingManage),
        "How users sign in: second factor rule, single sign-on",
    ),
    r(
        "POST",
        "/ui/admin/tokens",
        Some(Action::TokensManage),
        "Administration: make an API token (its secret shown once)",
    ),
    r(
        "POST",
        "/ui/admin/tokens/{id}/revoke",
        Some(Action::TokensManage),
        "Administration: revoke an API token",
    ),
    r(
        "GET",
        "/ui/quality",
        Some(Action::QualityEvaluate),
        "Quality review: scores per agent and team, latest evaluations, forms",
    ),
    r(
        "GET",
        "/ui/quality/mine",
        Some(Action::QualityRead),
        "An agent's own evaluations and scores",
    ),
    r(
        "POST",
        "/ui/quality/forms",
        Some(Action::QualityManage),
        "Save the evaluation forms (checked like the API)",
    ),
    r(
        "GET",
        "/ui/quality/interactions/{id}",
        Some(Action::QualityEvaluate),
        "Review an interaction: player or transcript, evaluation form, calibration",
    ),
    r(
        "POST",
        "/ui/quality/interactions/{id}",
        Some(Action::QualityEvaluate),
        "Evaluate the interaction",
    ),
    r(
        "GET",
        "/ui/quality/evaluations/{id}",
        Some(Action::QualityRead),
        "One evaluation (agents: their own)",
    ),
    r(
        "POST",
        "/ui/quality/evaluations/{id}/acknowledge",
        Some(Action::QualityAcknowledge),
        "Acknowledge one's evaluation, with a reply",
    ),
    r(
        "GET",
        "/ui/training",
        Some(Action::TrainingRead),
        "The training library's playlists",
    ),
    r(
        "POST",
        "/ui/training",
        Some(Action::TrainingManage),
        "Make a playlist",
    ),
    r(
        "GET",
        "/ui/training/{id}",
        Some(Action::TrainingRead),
        "A playlist: its recordings with notes",
    ),
    r(
        "POST",
        "/ui/training/{id}/items",
        Some(Action::TrainingManage),
        "Add a recording to a playlist",
    ),
    r(
        "POST",
        "/ui/training/{id}/items/{n}/remove",
        Some(Action::TrainingManage),
        "Remove a recording from a playlist",
    ),
    r(
        "GET",
        "/ui/tenants",
        Some(Action::TenantsManage),
        "Provider: tenants",
    ),
    r(
        "POST",
        "/ui/tenants",
        Some(Action::TenantsManage),
        "Provider: add a tenant",
    ),
];

/// The permission table as Markdown (for docs/server.md).
pub fn permission_table_markdown() -> String {
    let roles = Role::ALL;
    let mut s = String::from("| method | path | action |");
    for r in roles {
        s.push_str(&format!(" {} |", r.as_str()));
    }
    s.push_str("\n| --- | --- | --- |");
    for _ in roles {
        s.push_str(" --- |");
    }
    s.push('\n');
    for route in ROUTES {
        s.push_str(&format!(
            "| {} | `{}` | {} |",
            route.method,
            route.path,
            route.action.map_or("public", |a| a.as_str())
        ));
        for role in roles {
            let ok = route.action.is_none_or(|a| allowed(role, a));
            let own = route.action.is_some_and(|a| own_work(role, a));
            s.push_str(match (ok, own) {
                (true, true) => " own |",
                (true, false) => " ✓ |",
                _ => " · |",
            });
        }
        s.push('\n');
    }
    s
}

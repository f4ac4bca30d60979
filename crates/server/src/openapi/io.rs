//! What each route takes and answers: [`IO`], keyed by method and path
//! like [`crate::perms::ROUTES`].
//!
//! A parallel table rather than more columns in `ROUTES`: the route table
//! is the permission table's (perms.rs knows actions and roles, not the
//! handlers' types), and the bodies named here are the handlers' own
//! serde types, so the schemas come from the very types the handlers
//! deserialize and serialize. The tests in [`super`] check that every
//! entry names a route of `ROUTES` and that the customer, integration,
//! campaign and interaction routes all have one.

use utoipa::ToSchema;
use utoipa::openapi::RefOr;
use utoipa::openapi::schema::Schema;

use crate::routes::{
    agents, audit, calibration, calls, campaigns, case_feeds, case_tasks, case_terms, cases, chat,
    consents, customers, dial, imports, interactions, letters, mailboxes, payments, playlists,
    quality, queries, records, routing, sessions, sync, tokens, two_factor, webhooks,
};

/// Schemas by name, as collected for `components/schemas`.
pub type Schemas = Vec<(String, RefOr<Schema>)>;

/// Adds a type's schema (and those it refers to) and answers its name.
pub type SchemaFn = fn(&mut Schemas) -> String;

/// [`SchemaFn`] of a type.
fn schema<T: ToSchema>(out: &mut Schemas) -> String {
    let name = T::name().into_owned();
    out.push((name.clone(), T::schema()));
    T::schemas(out);
    name
}

/// A request's or an answer's body.
#[derive(Debug, Clone, Copy)]
pub enum Content {
    /// No body.
    Empty,
    /// JSON of a schema.
    Json(SchemaFn),
    /// JSON of a schema, which may be left out (`Option<Body<T>>`).
    OptionalJson(SchemaFn),
    /// Another type (ZIP, CSV, WAV, HTML, an event stream, a form), or JSON
    /// without a fixed shape: the media type only.
    Media(&'static str),
}

/// One route's request body and success answers.
#[derive(Debug, Clone, Copy)]
pub struct Io {
    /// HTTP method, as in `ROUTES`.
    pub method: &'static str,
    /// Path, as in `ROUTES`.
    pub path: &'static str,
    /// The body it takes.
    pub request: Content,
    /// Its success answers: status and body.
    pub responses: &'static [(u16, Content)],
}

const fn io(
    method: &'static str,
    path: &'static str,
    request: Content,
    responses: &'static [(u16, Content)],
) -> Io {
    Io {
        method,
        path,
        request,
        responses,
    }
}

use Content::{Empty, Json, Media, OptionalJson};

/// `204 No Content`.
const DONE: &[(u16, Content)] = &[(204, Empty)];
/// `201 Created`, no body.
const MADE: &[(u16, Content)] = &[(201, Empty)];
/// An interaction as it stands.
const INTERACTION: &[(u16, Content)] = &[(200, Json(schema::<store::read::InteractionView>))];
/// A campaign as it stands.
const CAMPAIGN: &[(u16, Content)] = &[(200, Json(schema::<store::read::CampaignView>))];
/// A record's id, made.
const CREATED_ID: &[(u16, Content)] = &[(201, Json(schema::<customers::Created>))];

/// The evaluation forms document.
const FORMS: &[(u16, Content)] = &[(200, Json(schema::<model::quality::FormsDoc>))];
/// An evaluation made, with its score.
const EVALUATED: &[(u16, Content)] = &[(201, Json(schema::<quality::Evaluated>))];
/// One evaluation whole.
const EVALUATION: &[(u16, Content)] = &[(200, Json(schema::<store::quality::EvaluationDetail>))];
/// The evaluations of one interaction and their spread.
const CALIBRATION: &[(u16, Content)] = &[(200, Json(schema::<calibration::Calibration>))];
/// A playlist made.
const PLAYLIST_MADE: &[(u16, Content)] = &[(201, Json(schema::<playlists::PlaylistMade>))];
/// One playlist.
const PLAYLIST: &[(u16, Content)] = &[(200, Json(schema::<store::quality::PlaylistView>))];

/// A case with its history.
const CASE: &[(u16, Content)] = &[(200, Json(schema::<cases::CaseDetail>))];

/// What each route takes and answers (routes not listed: not described yet).
pub const IO: &[Io] = &[
    // Customer records.
    io(
        "GET",
        "/api/v1/customers",
        Empty,
        &[(200, Json(schema::<customers::CustomersFound>))],
    ),
    io(
        "POST",
        "/api/v1/customers",
        Json(schema::<customers::NewCustomer>),
        CREATED_ID,
    ),
    io(
        "GET",
        "/api/v1/customers/{id}",
        Empty,
        &[(200, Json(schema::<customers::CustomerDetail>))],
    ),
    io(
        "PATCH",
        "/api/v1/customers/{id}",
        Json(schema::<records::Patch>),
        &[(200, Json(schema::<records::Patched>))],
    ),
    io(
        "GET",
        "/api/v1/customers/duplicates",
        Empty,
        &[(200, Json(schema::<records::Duplicates>))],
    ),
    io(
        "POST",
        "/api/v1/customers/{id}/merge",
        Json(schema::<records::Other>),
        &[(200, Json(schema::<records::Merged>))],
    ),
    io(
        "POST",
        "/api/v1/customers/{id}/unmerge",
        Json(schema::<records::Other>),
        &[(200, Json(schema::<records::Unmerged>))],
    ),
    io(
        "GET",
        "/api/v1/customers/{id}/timeline",
        Empty,
        &[(200, Json(schema::<records::Timeline>))],
    ),
    io(
        "GET",
        "/api/v1/customers/{id}/history",
        Empty,
        &[(200, Json(schema::<customers::History>))],
    ),
    io(
        "POST",
        "/api/v1/customers/{id}/profile",
        Json(schema::<customers::ProfileReq>),
        DONE,
    ),
    io(
        "GET",
        "/api/v1/customers/{id}/export",
        Empty,
        &[(200, Media("application/zip"))],
    ),
    io(
        "GET",
        "/api/v1/mailboxes",
        Empty,
        &[(200, Json(schema::<mailboxes::Mailboxes>))],
    ),
    io(
        "PUT",
        "/api/v1/mailboxes/{name}",
        Json(schema::<mailboxes::MailboxReq>),
        &[
            (200, Json(schema::<mailboxes::MailboxView>)),
            (201, Json(schema::<mailboxes::MailboxView>)),
        ],
    ),
    io("DELETE", "/api/v1/mailboxes/{name}", Empty, &[(204, Empty)]),
    io(
        "POST",
        "/api/v1/interactions/{id}/email",
        Json(schema::<mailboxes::ReplyReq>),
        &[(201, Json(schema::<model::email::Email>))],
    ),
    io(
        "POST",
        "/api/v1/customers/{id}/erase",
        Empty,
        &[(200, Json(schema::<crate::erasure::Erased>))],
    ),
    io(
        "PUT",
        "/api/v1/customers/by-external-id/{external_id}",
        Json(schema::<records::Patch>),
        &[
            (200, Json(schema::<sync::Synced>)),
            (201, Json(schema::<sync::Synced>)),
        ],
    ),
    io(
        "POST",
        "/api/v1/customers/bulk",
        Json(schema::<sync::Bulk>),
        &[(200, Json(schema::<sync::BulkAnswer>))],
    ),
    io(
        "GET",
        "/api/v1/customers/{id}/consents",
        Empty,
        &[(200, Json(schema::<consents::Ledger>))],
    ),
    io(
        "POST",
        "/api/v1/customers/{id}/consents",
        Json(schema::<consents::ConsentReq>),
        &[(201, Json(schema::<model::consent::ConsentEntry>))],
    ),
    // Saved queries.
    io(
        "GET",
        "/api/v1/customer-queries",
        Empty,
        &[(200, Json(schema::<queries::SavedQueries>))],
    ),
    io(
        "GET",
        "/api/v1/customer-queries/{name}",
        Empty,
        &[(200, Json(schema::<model::query::CustomerQuery>))],
    ),
    io(
        "PUT",
        "/api/v1/customer-queries/{name}",
        Json(schema::<model::query::CustomerQuery>),
        DONE,
    ),
    io("DELETE", "/api/v1/customer-queries/{name}", Empty, DONE),
    io(
        "GET",
        "/api/v1/customer-queries/{name}/customers",
        Empty,
        &[(200, Json(schema::<queries::QueryPage>))],
    ),
    // Imports.
    io(
        "POST",
        "/api/v1/imports",
        Media("multipart/form-data"),
        &[(202, Json(schema::<customers::Created>))],
    ),
    io(
        "GET",
        "/api/v1/imports",
        Empty,
        &[(200, Json(schema::<imports::Imports>))],
    ),
    io(
        "GET",
        "/api/v1/imports/{id}",
        Empty,
        &[(200, Json(schema::<store::crm::ImportView>))],
    ),
    io(
        "GET",
        "/api/v1/imports/{id}/rejects",
        Empty,
        &[(200, Media("text/csv"))],
    ),
    // Do-not-call lists and webhooks.
    io(
        "GET",
        "/api/v1/dnc-lists",
        Empty,
        &[(200, Json(schema::<campaigns::DncLists>))],
    ),
    io(
        "GET",
        "/api/v1/webhooks",
        Empty,
        &[(200, Json(schema::<webhooks::Webhooks>))],
    ),
    io(
        "POST",
        "/api/v1/webhooks",
        Json(schema::<webhooks::NewWebhook>),
        &[(201, Json(schema::<webhooks::WebhookMade>))],
    ),
    io("DELETE", "/api/v1/webhooks/{id}", Empty, DONE),
    io(
        "GET",
        "/api/v1/webhooks/{id}/deliveries",
        Empty,
        &[(200, Json(schema::<webhooks::Deliveries>))],
    ),
    io(
        "POST",
        "/api/v1/webhooks/{id}/replay",
        Json(schema::<webhooks::Replay>),
        DONE,
    ),
    // Campaigns.
    io(
        "GET",
        "/api/v1/campaigns",
        Empty,
        &[(200, Json(schema::<campaigns::Campaigns>))],
    ),
    io(
        "POST",
        "/api/v1/campaigns",
        Json(schema::<campaigns::NewCampaign>),
        CREATED_ID,
    ),
    io("GET", "/api/v1/campaigns/{id}", Empty, CAMPAIGN),
    io(
        "GET",
        "/api/v1/campaigns/{id}/contacts",
        Empty,
        &[(200, Json(schema::<campaigns::Contacts>))],
    ),
    io(
        "POST",
        "/api/v1/campaigns/{id}/contacts",
        Json(schema::<campaigns::NewContacts>),
        &[(201, Json(schema::<campaigns::ContactsAdded>))],
    ),
    io("POST", "/api/v1/campaigns/{id}/start", Empty, CAMPAIGN),
    io("POST", "/api/v1/campaigns/{id}/pause", Empty, CAMPAIGN),
    io("POST", "/api/v1/campaigns/{id}/stop", Empty, CAMPAIGN),
    io(
        "PUT",
        "/api/v1/campaigns/{id}/ratio",
        Json(schema::<campaigns::RatioBody>),
        CAMPAIGN,
    ),
    io(
        "GET",
        "/api/v1/campaigns/{id}/case-query",
        Empty,
        &[(200, Json(schema::<case_feeds::CaseQueryView>))],
    ),
    io(
        "PUT",
        "/api/v1/campaigns/{id}/case-query",
        Json(schema::<model::case::CaseFeed>),
        &[(200, Json(schema::<case_feeds::CaseQueryView>))],
    ),
    io(
        "DELETE",
        "/api/v1/campaigns/{id}/case-query",
        Empty,
        &[(204, Empty)],
    ),
    io(
        "POST",
        "/api/v1/previews/{id}/accept",
        Json(schema::<campaigns::PreviewAnswer>),
        DONE,
    ),
    io(
        "POST",
        "/api/v1/previews/{id}/skip",
        Json(schema::<campaigns::PreviewAnswer>),
        DONE,
    ),
    // Interactions.
    io(
        "POST",
        "/api/v1/interactions",
        Json(schema::<interactions::NewInteraction>),
        &[
            (201, Json(schema::<store::read::InteractionView>)),
            (200, Json(schema::<store::read::InteractionView>)),
        ],
    ),
    io(
        "GET",
        "/api/v1/interactions",
        Empty,
        &[(200, Json(schema::<interactions::Interactions>))],
    ),
    io("GET", "/api/v1/interactions/{id}", Empty, INTERACTION),
    io(
        "POST",
        "/api/v1/interactions/{id}/accept",
        OptionalJson(schema::<interactions::AgentBody>),
        INTERACTION,
    ),
    io(
        "POST",
        "/api/v1/interactions/{id}/reject",
        OptionalJson(schema::<interactions::AgentBody>),
        DONE,
    ),
    io(
        "POST",
        "/api/v1/interactions/{id}/complete",
        Empty,
        INTERACTION,
    ),
    io(
        "POST",
        "/api/v1/interactions/{id}/transfer",
        Json(schema::<interactions::TransferBody>),
        INTERACTION,
    ),
    io(
        "POST",
        "/api/v1/interactions/{id}/disposition",
        Json(schema::<interactions::DispositionBody>),
        INTERACTION,
    ),
    io(
        "GET",
        "/api/v1/interactions/{id}/notes",
        Empty,
        &[(200, Json(schema::<interactions::Notes>))],
    ),
    io(
        "POST",
        "/api/v1/interactions/{id}/notes",
        Json(schema::<interactions::TextBody>),
        MADE,
    ),
    io(
        "GET",
        "/api/v1/interactions/{id}/messages",
        Empty,
        &[(200, Json(schema::<interactions::Messages>))],
    ),
    io(
        "POST",
        "/api/v1/interactions/{id}/messages",
        Json(schema::<interactions::TextBody>),
        MADE,
    ),
    io(
        "GET",
        "/api/v1/interactions/{id}/recording",
        Empty,
        &[(200, Media("audio/wav"))],
    ),
    io(
        "POST",
        "/api/v1/interactions/{id}/recording/pause",
        Empty,
        DONE,
    ),
    io(
        "POST",
        "/api/v1/interactions/{id}/recording/resume",
        Empty,
        DONE,
    ),
    io(
        "POST",
        "/api/v1/interactions/{id}/recording/start",
        Empty,
        DONE,
    ),
    io("POST", "/api/v1/interactions/{id}/call/hold", Empty, DONE),
    io("POST", "/api/v1/interactions/{id}/call/resume", Empty, DONE),
    io("POST", "/api/v1/interactions/{id}/call/mute", Empty, DONE),
    io("POST", "/api/v1/interactions/{id}/call/unmute", Empty, DONE),
    io("POST", "/api/v1/interactions/{id}/call/hangup", Empty, DONE),
    io(
        "POST",
        "/api/v1/interactions/{id}/call/consult",
        Json(schema::<calls::ConsultBody>),
        DONE,
    ),
    io(
        "POST",
        "/api/v1/interactions/{id}/call/consult/complete",
        Empty,
        DONE,
    ),
    io(
        "POST",
        "/api/v1/interactions/{id}/call/consult/cancel",
        Empty,
        DONE,
    ),
    // Reports.
    io(
        "GET",
        "/api/v1/reports/summary",
        Empty,
        &[(200, Json(schema::<customers::Summary>))],
    ),
    // Sign-in, one's own account, tenants.
    io(
        "GET",
        "/healthz",
        Empty,
        &[(200, Json(schema::<crate::routes::Health>))],
    ),
    io(
        "GET",
        "/api/v1/openapi.json",
        Empty,
        &[(200, Media("application/json"))],
    ),
    io(
        "POST",
        "/api/v1/sessions",
        Json(schema::<sessions::SignIn>),
        &[(201, Json(schema::<sessions::SignedIn>))],
    ),
    io("DELETE", "/api/v1/sessions", Empty, DONE),
    io(
        "GET",
        "/api/v1/me",
        Empty,
        &[(200, Json(schema::<crate::routes::Me>))],
    ),
    io(
        "GET",
        "/api/v1/me/sessions",
        Empty,
        &[(200, Json(schema::<sessions::MySessions>))],
    ),
    io("DELETE", "/api/v1/me/sessions/{id}", Empty, DONE),
    io(
        "GET",
        "/api/v1/me/two-factor",
        Empty,
        &[(200, Json(schema::<two_factor::TwoFactorStatus>))],
    ),
    io(
        "POST",
        "/api/v1/me/two-factor",
        Empty,
        &[(201, Json(schema::<crate::signin::Setup>))],
    ),
    io(
        "POST",
        "/api/v1/me/two-factor/confirm",
        Json(schema::<two_factor::Code>),
        DONE,
    ),
    io(
        "POST",
        "/api/v1/me/two-factor/disable",
        Json(schema::<two_factor::Code>),
        DONE,
    ),
    io("DELETE", "/api/v1/users/{id}/two-factor", Empty, DONE),
    io(
        "GET",
        "/api/v1/tenants",
        Empty,
        &[(200, Json(schema::<sessions::Tenants>))],
    ),
    io(
        "POST",
        "/api/v1/tenants",
        Json(schema::<sessions::NewTenant>),
        &[(201, Json(schema::<sessions::TenantRef>))],
    ),
    // Agents, queues, the routing plan.
    io(
        "GET",
        "/api/v1/agents",
        Empty,
        &[(200, Json(schema::<agents::Agents>))],
    ),
    io(
        "POST",
        "/api/v1/agents",
        Json(schema::<agents::NewAgent>),
        CREATED_ID,
    ),
    io(
        "GET",
        "/api/v1/agents/{id}",
        Empty,
        &[(200, Json(schema::<store::read::AgentView>))],
    ),
    io(
        "PUT",
        "/api/v1/agents/{id}/skills",
        Json(schema::<agents::Skills>),
        DONE,
    ),
    io(
        "PUT",
        "/api/v1/agents/{id}/teams",
        Json(schema::<agents::Teams>),
        DONE,
    ),
    io(
        "POST",
        "/api/v1/calls",
        Json(schema::<dial::DialReq>),
        &[(201, Json(schema::<dial::Dialled>))],
    ),
    io(
        "PUT",
        "/api/v1/agents/{id}/capacity",
        Json(schema::<agents::Capacity>),
        DONE,
    ),
    io(
        "POST",
        "/api/v1/agents/{id}/sign-in",
        OptionalJson(schema::<agents::SignInBody>),
        DONE,
    ),
    io("POST", "/api/v1/agents/{id}/sign-out", Empty, DONE),
    io(
        "POST",
        "/api/v1/agents/{id}/state",
        Json(schema::<agents::StateBody>),
        DONE,
    ),
    io(
        "GET",
        "/api/v1/queues",
        Empty,
        &[(200, Json(schema::<routing::Queues>))],
    ),
    io(
        "GET",
        "/api/v1/queues/{id}",
        Empty,
        &[(200, Json(schema::<crate::tenant::QueueInfo>))],
    ),
    io(
        "GET",
        "/api/v1/routing/plan",
        Empty,
        &[(200, Json(schema::<routing::PlanBody>))],
    ),
    io(
        "PUT",
        "/api/v1/routing/plan",
        Json(schema::<routing::PlanBody>),
        DONE,
    ),
    io(
        "POST",
        "/api/v1/routing/plan/validate",
        Json(schema::<routing::PlanBody>),
        &[(200, Json(schema::<routing::PlanCheck>))],
    ),
    // Audit, tokens, settings.
    io(
        "GET",
        "/api/v1/audit",
        Empty,
        &[
            (200, Json(schema::<audit::AuditEntries>)),
            (200, Media("text/csv")),
        ],
    ),
    io(
        "GET",
        "/api/v1/tokens",
        Empty,
        &[(200, Json(schema::<tokens::Tokens>))],
    ),
    io(
        "POST",
        "/api/v1/tokens",
        Json(schema::<tokens::NewToken>),
        &[(201, Json(schema::<tokens::TokenMade>))],
    ),
    io("DELETE", "/api/v1/tokens/{id}", Empty, DONE),
    io(
        "GET",
        "/api/v1/settings/tenant",
        Empty,
        &[(200, Json(schema::<center::settings::TenantSettingsDoc>))],
    ),
    io(
        "PUT",
        "/api/v1/settings/tenant",
        Json(schema::<center::settings::TenantSettingsDoc>),
        DONE,
    ),
    io(
        "GET",
        "/api/v1/settings/desktop",
        Empty,
        &[(200, Json(schema::<crate::routes::settings::DesktopDoc>))],
    ),
    io(
        "PUT",
        "/api/v1/settings/desktop",
        Json(schema::<crate::routes::settings::DesktopDoc>),
        DONE,
    ),
    io(
        "GET",
        "/api/v1/settings/customer-fields",
        Empty,
        &[(200, Json(schema::<model::fields::FieldDefsDoc>))],
    ),
    io(
        "PUT",
        "/api/v1/settings/customer-fields",
        Json(schema::<model::fields::FieldDefsDoc>),
        DONE,
    ),
    // Live events and the public chat.
    io(
        "GET",
        "/api/v1/events",
        Empty,
        &[(200, Media("text/event-stream"))],
    ),
    io("GET", "/chat/{tenant}", Empty, &[(200, Media("text/html"))]),
    io(
        "POST",
        "/chat/{tenant}/start",
        OptionalJson(schema::<chat::Start>),
        &[(201, Json(schema::<chat::ChatStarted>))],
    ),
    io(
        "GET",
        "/chat/{tenant}/{id}/messages",
        Empty,
        &[(200, Json(schema::<chat::ChatMessages>))],
    ),
    io(
        "POST",
        "/chat/{tenant}/{id}/messages",
        Json(schema::<chat::Send>),
        MADE,
    ),
    io(
        "GET",
        "/chat/{tenant}/{id}/events",
        Empty,
        &[(200, Media("text/event-stream"))],
    ),
    // Quality review and training.
    io("GET", "/api/v1/quality/forms", Empty, FORMS),
    io(
        "PUT",
        "/api/v1/quality/forms",
        Json(schema::<model::quality::FormsDoc>),
        DONE,
    ),
    io(
        "GET",
        "/api/v1/quality/scores",
        Empty,
        &[(200, Json(schema::<calibration::Scores>))],
    ),
    io(
        "GET",
        "/api/v1/evaluations",
        Empty,
        &[(200, Json(schema::<quality::Evaluations>))],
    ),
    io(
        "POST",
        "/api/v1/evaluations",
        Json(schema::<quality::NewEvaluation>),
        EVALUATED,
    ),
    io("GET", "/api/v1/evaluations/{id}", Empty, EVALUATION),
    io(
        "POST",
        "/api/v1/evaluations/{id}/acknowledge",
        OptionalJson(schema::<quality::Acknowledgement>),
        DONE,
    ),
    io(
        "GET",
        "/api/v1/interactions/{id}/calibration",
        Empty,
        CALIBRATION,
    ),
    io(
        "GET",
        "/api/v1/playlists",
        Empty,
        &[(200, Json(schema::<playlists::Playlists>))],
    ),
    io(
        "POST",
        "/api/v1/playlists",
        Json(schema::<model::quality::Playlist>),
        PLAYLIST_MADE,
    ),
    io("GET", "/api/v1/playlists/{id}", Empty, PLAYLIST),
    io(
        "PUT",
        "/api/v1/playlists/{id}",
        Json(schema::<model::quality::Playlist>),
        DONE,
    ),
    io("DELETE", "/api/v1/playlists/{id}", Empty, DONE),
    io(
        "GET",
        "/api/v1/playlists/{id}/items/{n}/recording",
        Empty,
        &[(200, Media("audio/wav"))],
    ),
    // Cases.
    io(
        "GET",
        "/api/v1/case-types",
        Empty,
        &[(200, Json(schema::<cases::Types>))],
    ),
    io(
        "PUT",
        "/api/v1/case-types/{name}",
        Json(schema::<cases::TypeBody>),
        &[(200, Json(schema::<cases::TypeInfo>))],
    ),
    io(
        "GET",
        "/api/v1/cases",
        Empty,
        &[(200, Json(schema::<cases::Cases>))],
    ),
    io(
        "POST",
        "/api/v1/cases",
        Json(schema::<cases::NewCaseBody>),
        CREATED_ID,
    ),
    io("GET", "/api/v1/cases/{id}", Empty, CASE),
    io(
        "POST",
        "/api/v1/cases/{id}/tasks/{task}/delegate",
        Json(schema::<case_tasks::DelegateBody>),
        INTERACTION,
    ),
    io(
        "POST",
        "/api/v1/cases/{id}/transition",
        Json(schema::<cases::TransitionBody>),
        CASE,
    ),
    io(
        "POST",
        "/api/v1/cases/{id}/flags",
        Json(schema::<cases::FlagsBody>),
        CASE,
    ),
    io(
        "POST",
        "/api/v1/cases/{id}/promises",
        Json(schema::<cases::PromiseBody>),
        CASE,
    ),
    io(
        "POST",
        "/api/v1/cases/{id}/payments",
        Json(schema::<cases::PaymentBody>),
        CASE,
    ),
    io(
        "GET",
        "/api/v1/payments/unmatched",
        Empty,
        &[(200, Json(schema::<payments::Unmatched>))],
    ),
    io(
        "POST",
        "/api/v1/payments/unmatched/{id}/assign",
        Json(schema::<payments::AssignBody>),
        &[(200, Json(schema::<center::cases::CaseView>))],
    ),
    io(
        "GET",
        "/api/v1/cases/{id}/letters",
        Empty,
        &[(200, Json(schema::<letters::Letters>))],
    ),
    io(
        "GET",
        "/api/v1/cases/{id}/letters/{seq}",
        Empty,
        &[(200, Media("application/pdf"))],
    ),
    io(
        "GET",
        "/api/v1/settings/letters",
        Empty,
        &[(200, Json(schema::<letters::LettersDoc>))],
    ),
    io(
        "PUT",
        "/api/v1/settings/letters",
        Json(schema::<letters::LettersDoc>),
        DONE,
    ),
    io(
        "POST",
        "/api/v1/cases/{id}/plans",
        Json(schema::<case_terms::CasePlanBody>),
        CASE,
    ),
    io(
        "POST",
        "/api/v1/cases/{id}/settle",
        Json(schema::<case_terms::SettleBody>),
        CASE,
    ),
    io(
        "POST",
        "/api/v1/cases/{id}/write-off",
        Json(schema::<case_terms::ReasonBody>),
        CASE,
    ),
    io(
        "POST",
        "/api/v1/cases/{id}/dispute",
        Json(schema::<case_terms::ReasonBody>),
        CASE,
    ),
    io(
        "POST",
        "/api/v1/cases/{id}/dispute/resolve",
        Json(schema::<case_terms::ResolveBody>),
        CASE,
    ),
    io(
        "POST",
        "/api/v1/cases/{id}/recall",
        Json(schema::<case_terms::ReasonBody>),
        CASE,
    ),
];

/// The entry of a route, if it has one.
pub fn of(method: &str, path: &str) -> Option<&'static Io> {
    IO.iter().find(|e| e.method == method && e.path == path)
}

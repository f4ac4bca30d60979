//! The customer record through the API: search (`q`), edit (`PATCH`),
//! merge and its undoing, the timeline, likely duplicates.

use std::collections::{BTreeMap, HashMap};

use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Response};
use center::records::{SetEntry, merge_records};
use model::customer::{Address, Cause, Phone, PhoneKind, Record};
use model::fields::FieldDefs;
use serde::{Deserialize, Serialize};
use store::crm::{Alike, Search, TimelineEntry};
use store::customers::CustomerFull;
use utoipa::ToSchema;

use crate::AppState;
use crate::auth::Principal;
use crate::error::{ApiError, ApiResult};
use crate::perms::Action;
use crate::routes::{Body, path_id};
use crate::tenant::Op;

/// A search's country for numbers written without one (`country=ES`).
fn country(q: &HashMap<String, String>) -> ApiResult<Option<import::phone::Country>> {
    q.get("country")
        .map(|c| {
            import::phone::Country::parse(c)
                .ok_or_else(|| ApiError::field("country", "not an ISO 3166 country code"))
        })
        .transpose()
}

/// What a search text is: an e-mail address, a phone (mostly digits), an
/// external id, name words (all tried that fit).
pub fn search_of(q: &str, country: Option<import::phone::Country>) -> Search {
    let q = q.trim();
    let mut s = Search {
        external_id: Some(q.to_string()),
        ..Search::default()
    };
    if q.contains('@') {
        s.email = Some(q.to_string());
        return s;
    }
    let digits = q.chars().filter(char::is_ascii_digit).count();
    let phoneish = q
        .chars()
        .all(|c| c.is_ascii_digit() || " +-().".contains(c));
    if phoneish && digits >= 6 {
        // Without a country a national number is looked for by its digits:
        // every number that ends in them.
        let p = import::phone::normalise(q, country);
        s.phone = Some(p.e164.unwrap_or_else(|| {
            let digits: String = q.chars().filter(char::is_ascii_digit).collect();
            if q.trim_start().starts_with('+') {
                format!("+{digits}")
            } else {
                digits
            }
        }));
        return s;
    }
    s.words = model::customer::search_words(q);
    s
}

/// `GET /api/v1/customers?q=…` (and the first form, `?phone=` / `?email=`).
pub async fn search(
    st: &AppState,
    p: &Principal,
    q: &HashMap<String, String>,
    text: &str,
) -> ApiResult<Response> {
    let found = search_records(st, p, q, text).await?;
    Ok(axum::Json(CustomerRecords { customers: found }).into_response())
}

/// The records a search finds, as the principal may see them.
pub async fn search_records(
    st: &AppState,
    p: &Principal,
    q: &HashMap<String, String>,
    text: &str,
) -> ApiResult<Vec<CustomerFull>> {
    p.require(Action::CustomersRead)?;
    // An agent finds the customer they serve: at most a screenful, contact
    // details masked, and each search in the audit trail.
    let agent = crate::perms::own_work(p.role, Action::CustomersRead);
    let mut limit = q.get("limit").and_then(|l| l.parse().ok()).unwrap_or(20);
    if agent {
        limit = limit.clamp(1, AGENT_SEARCH_MAX);
    }
    let s = search_of(text, country(q)?);
    let mut found = st.store.search_customers(p.tenant()?, &s, limit).await?;
    if agent {
        let on = Some(format!("{} found", found.len()));
        crate::audit::record(st, p, crate::audit::AuditAction::CustomersSearched, on).await?;
    }
    if agent || crate::mask::masks(p.role) {
        found
            .iter_mut()
            .for_each(|c| crate::mask::record(&mut c.record));
    }
    Ok(found)
}

/// Most records an agent's search answers.
pub const AGENT_SEARCH_MAX: i64 = 10;

/// The records a search (`GET /api/v1/customers?q=`) finds.
#[derive(Debug, Serialize, ToSchema)]
pub struct CustomerRecords {
    /// The records, whole.
    pub customers: Vec<CustomerFull>,
}

/// A phone as the API takes it: a number, or an object.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(untagged)]
pub enum PhoneIn {
    /// Just the number.
    Number(String),
    /// With its kind (and validity, to mark it wrong).
    Full {
        /// The number as given.
        number: String,
        /// mobile, landline, work, other.
        #[serde(default)]
        kind: Option<PhoneKind>,
        /// False marks it not to be dialled.
        #[serde(default)]
        valid: Option<bool>,
    },
}

/// A change to a record: the parts given replace the record's; a custom
/// field set to null is removed. `version`: the version read (the change
/// is refused if the record changed since).
#[derive(Debug, Deserialize, Default, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Patch {
    /// The version read.
    pub version: Option<u32>,
    /// External id (null removes it).
    pub external_id: Option<Option<String>>,
    /// Name.
    pub name: Option<String>,
    /// Phones, the preferred first.
    pub phones: Option<Vec<PhoneIn>>,
    /// E-mail addresses.
    pub emails: Option<Vec<String>>,
    /// Postal addresses, the current first.
    pub addresses: Option<Vec<Address>>,
    /// Language (null removes it).
    pub language: Option<Option<String>>,
    /// Time zone (null removes it).
    pub time_zone: Option<Option<String>>,
    /// Tags.
    pub tags: Option<Vec<String>>,
    /// Custom fields to set (null removes one).
    pub fields: Option<BTreeMap<String, Option<String>>>,
    /// The country of the numbers given (else the record's address country).
    pub country: Option<String>,
}

fn phones_of(
    list: Vec<PhoneIn>,
    old: &[Phone],
    country: Option<import::phone::Country>,
) -> Vec<Phone> {
    list.into_iter()
        .map(|p| {
            let (number, kind, valid) = match p {
                PhoneIn::Number(n) => (n, None, None),
                PhoneIn::Full {
                    number,
                    kind,
                    valid,
                } => (number, kind, valid),
            };
            let n = import::phone::normalise(&number, country);
            let known = old
                .iter()
                .find(|o| o.number == number || (n.e164.is_some() && o.e164 == n.e164));
            let derived = match n.kind {
                import::phone::PhoneKind::Mobile => PhoneKind::Mobile,
                import::phone::PhoneKind::Landline => PhoneKind::Landline,
                _ => PhoneKind::Other,
            };
            Phone {
                kind: kind.or(known.map(|k| k.kind)).unwrap_or(derived),
                valid: valid.unwrap_or_else(|| known.map(|k| k.valid).unwrap_or(n.valid)),
                source: known
                    .map(|k| k.source.clone())
                    .unwrap_or_else(|| "api".into()),
                last_outcome: known.and_then(|k| k.last_outcome.clone()),
                // The same text as before keeps what it was read as.
                e164: n.e164.or_else(|| {
                    known
                        .filter(|k| k.number == number)
                        .and_then(|k| k.e164.clone())
                }),
                number,
            }
        })
        .collect()
}

/// The time zone a record's address or number tells without doubt
/// ([`dialer::zone::home_zone`]); `phone_country` is the first valid
/// number's country when the caller knows it (else it is read from the
/// number).
pub fn home_zone_of(r: &Record, phone_country: Option<import::phone::Country>) -> Option<String> {
    use dialer::zone::Country;
    let address = r.addresses.first();
    let country = address
        .and_then(|a| a.country.as_deref())
        .and_then(Country::parse);
    let postal = address.and_then(|a| a.postal_code.as_deref());
    let e164 = r
        .phones
        .iter()
        .filter(|p| p.valid)
        .find_map(|p| p.e164.as_deref());
    let phone_country = phone_country
        .or_else(|| import::phone::normalise(e164?, None).country)
        .and_then(|c| Country::parse(c.as_str()));
    // An address written without its country is in the number's.
    let country = country.or(phone_country.filter(|_| postal.is_some()));
    dialer::zone::home_zone(country, postal, e164, phone_country).map(|tz| tz.name().to_string())
}

/// A record with a change applied and checked.
pub(crate) fn patched(mut r: Record, p: Patch, defs: &FieldDefs) -> ApiResult<Record> {
    let country = p
        .country
        .as_deref()
        .map(|c| {
            import::phone::Country::parse(c)
                .ok_or_else(|| ApiError::field("country", "not an ISO 3166 country code"))
        })
        .transpose()?;
    if let Some(v) = p.external_id {
        r.external_id = v;
    }
    if let Some(v) = p.name {
        r.name = v;
    }
    if let Some(v) = p.phones {
        r.phones = phones_of(v, &r.phones, country);
    }
    if let Some(v) = p.emails {
        r.emails = v.into_iter().map(|e| e.trim().to_string()).collect();
    }
    if let Some(v) = p.addresses {
        r.addresses = v;
    }
    if let Some(v) = p.language {
        r.language = v;
    }
    // A zone that came from the address or number follows them.
    let derived = r.time_zone.is_none() || r.time_zone == home_zone_of(&r, None);
    if let Some(v) = p.time_zone {
        if let Some(z) = &v {
            z.parse::<chrono_tz::Tz>()
                .map_err(|_| ApiError::field("time_zone", "not an IANA time zone"))?;
        }
        r.time_zone = v;
    } else if derived {
        r.time_zone = home_zone_of(&r, None);
    }
    if let Some(v) = p.tags {
        r.tags = v;
    }
    for (k, v) in p.fields.unwrap_or_default() {
        match v {
            Some(v) => r.fields.insert(k, v),
            None => r.fields.remove(&k),
        };
    }
    defs.check(&mut r.fields, true)
        .map_err(|(part, why)| ApiError::field(&part, why))?;
    r.check()
        .map_err(|(part, why)| ApiError::field(&part, why))?;
    Ok(r)
}

/// Edits a record over the version read: the record after, and the
/// parts that changed.
pub async fn edit(
    st: &AppState,
    p: &Principal,
    id: i64,
    req: Patch,
) -> ApiResult<(Option<CustomerFull>, Vec<String>)> {
    crate::scope::customer(st, p, Action::CustomersWrite, id).await?;
    let t = p.tenant()?;
    let c = st
        .store
        .customer_full(t, id)
        .await?
        .ok_or_else(|| ApiError::not_found("customer"))?;
    if let Some(m) = c.merged_into {
        return Err(ApiError::conflict(format!(
            "customer {id} was merged into {m}"
        )));
    }
    let version = req.version.unwrap_or(c.version);
    let defs = crate::routes::settings::field_defs(st, t).await?;
    let after = patched(c.record.clone(), req, &defs)?;
    let changed = after.changed_from(&c.record);
    if !changed.is_empty() {
        let entries = vec![SetEntry {
            customer: Some(id),
            version,
            record: after,
            changed: changed.clone(),
        }];
        st.hub
            .tenant(t)
            .await?
            .call(Op::SetCustomers {
                by: p.name.clone(),
                cause: Cause::Edit,
                entries,
            })
            .await?;
    }
    Ok((st.store.customer_full(t, id).await?, changed))
}

/// `PATCH /api/v1/customers/{id}`.
pub async fn patch(
    State(st): State<AppState>,
    p: Principal,
    Path(id): Path<String>,
    Body(req): Body<Patch>,
) -> ApiResult<Response> {
    let id = path_id(&id, "customer")?;
    let (now, changed) = edit(&st, &p, id, req).await?;
    Ok(axum::Json(Patched {
        customer: now,
        changed,
    })
    .into_response())
}

/// `PATCH /api/v1/customers/{id}`: the record after, and the parts changed.
#[derive(Debug, Serialize, ToSchema)]
pub struct Patched {
    /// The record after the change.
    pub customer: Option<CustomerFull>,
    /// The parts that changed (custom fields one by one, as `fields.NAME`).
    pub changed: Vec<String>,
}

/// The other record of a merge.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Other {
    /// Its id.
    pub other: i64,
}

/// Merges `other` into `id`.
pub async fn merge_into(
    st: &AppState,
    p: &Principal,
    id: i64,
    other: i64,
) -> ApiResult<Option<CustomerFull>> {
    p.require(Action::CustomersManage)?;
    let t = p.tenant()?;
    let kept = st
        .store
        .customer_full(t, id)
        .await?
        .ok_or_else(|| ApiError::not_found("customer"))?;
    let o = st
        .store
        .customer_full(t, other)
        .await?
        .ok_or_else(|| ApiError::field("other", "no such customer"))?;
    let record = merge_records(&kept.record, &o.record);
    let changed = record.changed_from(&kept.record);
    let op = Op::MergeCustomers {
        kept: (id, kept.version),
        merged: (o.id, o.version),
        record,
        changed,
        by: p.name.clone(),
    };
    st.hub.tenant(t).await?.call(op).await?;
    Ok(st.store.customer_full(t, id).await?)
}

/// `POST /api/v1/customers/{id}/merge`: `other` is merged into `id`.
pub async fn merge(
    State(st): State<AppState>,
    p: Principal,
    Path(id): Path<String>,
    Body(req): Body<Other>,
) -> ApiResult<Response> {
    let id = path_id(&id, "customer")?;
    let now = merge_into(&st, &p, id, req.other).await?;
    Ok(axum::Json(Merged {
        customer: now,
        merged: req.other,
    })
    .into_response())
}

/// `POST /api/v1/customers/{id}/merge`: the record kept, after.
#[derive(Debug, Serialize, ToSchema)]
pub struct Merged {
    /// The record kept, after the merge.
    pub customer: Option<CustomerFull>,
    /// The record merged into it.
    pub merged: i64,
}

/// Undoes the merge of `other` into `id`.
pub async fn unmerge_from(
    st: &AppState,
    p: &Principal,
    id: i64,
    other: i64,
) -> ApiResult<Option<CustomerFull>> {
    p.require(Action::CustomersManage)?;
    let t = p.tenant()?;
    let Some((kept, before)) = st.store.merge_before(t, other).await? else {
        return Err(ApiError::conflict(format!(
            "customer {other} is not merged"
        )));
    };
    if kept != id {
        return Err(ApiError::conflict(format!(
            "customer {other} is merged into {kept}, not {id}"
        )));
    }
    let c = st
        .store
        .customer_full(t, id)
        .await?
        .ok_or_else(|| ApiError::not_found("customer"))?;
    let op = Op::UnmergeCustomers {
        kept: (id, c.version),
        merged: other,
        record: before,
        by: p.name.clone(),
    };
    st.hub.tenant(t).await?.call(op).await?;
    Ok(st.store.customer_full(t, id).await?)
}

/// `POST /api/v1/customers/{id}/unmerge`: `other` stands on its own again
/// and `id` gets back the record it had before the merge.
pub async fn unmerge(
    State(st): State<AppState>,
    p: Principal,
    Path(id): Path<String>,
    Body(req): Body<Other>,
) -> ApiResult<Response> {
    let id = path_id(&id, "customer")?;
    let now = unmerge_from(&st, &p, id, req.other).await?;
    Ok(axum::Json(Unmerged {
        customer: now,
        unmerged: req.other,
    })
    .into_response())
}

/// `POST /api/v1/customers/{id}/unmerge`: the record kept, as before the merge.
#[derive(Debug, Serialize, ToSchema)]
pub struct Unmerged {
    /// The record kept, as it was before the merge.
    pub customer: Option<CustomerFull>,
    /// The record that stands on its own again.
    pub unmerged: i64,
}

/// `GET /api/v1/customers/{id}/timeline?before=SEQ&limit=N`.
pub async fn timeline(
    State(st): State<AppState>,
    p: Principal,
    Path(id): Path<String>,
    Query(q): Query<HashMap<String, String>>,
) -> ApiResult<Response> {
    let id = path_id(&id, "customer")?;
    crate::scope::looked_up(&st, &p, id).await?;
    let before = q
        .get("before")
        .map(|b| {
            b.parse::<i64>()
                .map_err(|_| ApiError::field("before", "a sequence number"))
        })
        .transpose()?;
    let limit = q.get("limit").and_then(|l| l.parse().ok()).unwrap_or(50);
    let t = p.tenant()?;
    st.store
        .customer_full(t, id)
        .await?
        .ok_or_else(|| ApiError::not_found("customer"))?;
    let entries = st.store.customer_timeline(t, id, before, limit).await?;
    let next = (entries.len() as i64 >= limit)
        .then(|| entries.last().map(|e| e.seq))
        .flatten();
    Ok(axum::Json(Timeline { entries, next }).into_response())
}

/// `GET /api/v1/customers/{id}/timeline`: a page, newest first.
#[derive(Debug, Serialize, ToSchema)]
pub struct Timeline {
    /// The entries.
    pub entries: Vec<TimelineEntry>,
    /// `before` for the next page (none: the last page).
    pub next: Option<i64>,
}

/// `GET /api/v1/customers/duplicates`: records alike by name and place.
pub async fn duplicates(State(st): State<AppState>, p: Principal) -> ApiResult<Response> {
    p.require(Action::CustomersManage)?;
    let groups = st.store.customers_alike(p.tenant()?, 50).await?;
    Ok(axum::Json(Duplicates { groups }).into_response())
}

/// `GET /api/v1/customers/duplicates`.
#[derive(Debug, Serialize, ToSchema)]
pub struct Duplicates {
    /// Groups of records that look like one person.
    pub groups: Vec<Alike>,
}

//! A campaign fed by a saved customer query: the tenant's records read page
//! by page, those the query matches (and not yet in the campaign's list)
//! added as contacts with their valid numbers, as an import of kind
//! `contacts` (same row, progress, counts and report). A record the query
//! matches without a number to dial is reported, not added.
//!
//! Saved queries are tenant settings named `customer_query.NAME`
//! ([`model::query`]); [`saved`] reads one.

use std::collections::HashSet;

use center::outbound::{CONTACTS_PER_LOAD_MAX, ContactReq, PHONES_PER_CONTACT_MAX};
use model::query::{CustomerQuery, PREFIX};
use store::crm::{ImportView, Reject};
use store::customers::CustomerFull;
use store::{Store, Tenant};

use crate::import::Job;
use crate::tenant::{Op, TenantHandle};

/// Records read per page.
pub const PAGE: i64 = 2_000;
/// Longest name of a saved query, in bytes.
pub const NAME_LEN_MAX: usize = 64;

/// Whether a saved query's name is 1 to 64 of `a-z`, `0-9`, `_` and `-`.
pub fn name_ok(name: &str) -> bool {
    model::name::is_slug(name, NAME_LEN_MAX)
}

/// A saved query, if the tenant has one by that name.
pub async fn saved(store: &Store, t: &Tenant, name: &str) -> Result<Option<CustomerQuery>, String> {
    let doc = store
        .setting(t, &format!("{PREFIX}{name}"))
        .await
        .map_err(|e| e.to_string())?;
    doc.filter(|d| !d.is_empty())
        .map(|d| serde_json::from_str(&d).map_err(|e| format!("query {name}: {e}")))
        .transpose()
}

/// The contacts a page gives the campaign, and the records left out for
/// having no number to dial.
fn contacts_of(
    page: &[CustomerFull],
    query: &CustomerQuery,
    in_campaign: &mut HashSet<i64>,
) -> (Vec<ContactReq>, Vec<Reject>) {
    let (mut contacts, mut lines) = (Vec::new(), Vec::new());
    for c in page.iter().filter(|c| query.matches(&c.record)) {
        if in_campaign.contains(&c.id) {
            continue;
        }
        let phones: Vec<String> = (c.record.phones.iter())
            .filter(|p| p.valid)
            .filter_map(|p| p.e164.clone())
            .take(PHONES_PER_CONTACT_MAX)
            .collect();
        if phones.is_empty() {
            lines.push(Reject {
                line: 0,
                column: format!("customer {}", c.id),
                reason: "no valid number to dial: not added to the campaign".into(),
            });
            continue;
        }
        in_campaign.insert(c.id);
        contacts.push(ContactReq {
            name: Some(c.record.name.clone()).filter(|n| !n.is_empty()),
            customer_id: Some(c.id),
            phones,
        });
    }
    (contacts, lines)
}

/// Runs a feed to its end, keeping the import's row up to date.
pub async fn run(
    store: &Store,
    handle: &TenantHandle,
    t: &Tenant,
    job: Job,
    query: CustomerQuery,
) -> ImportView {
    let mut view = crate::import::begun(store, t, job.id).await;
    let result = feed(store, handle, t, &job, &query, &mut view).await;
    crate::import::ended(store, t, &mut view, result).await;
    view
}

async fn feed(
    store: &Store,
    handle: &TenantHandle,
    t: &Tenant,
    job: &Job,
    query: &CustomerQuery,
    view: &mut ImportView,
) -> Result<(), String> {
    let campaign = job.campaign.ok_or("a feed needs a campaign")?;
    let e = |e: store::StoreError| e.to_string();
    view.rows_total = store.customers_count(t).await.map_err(e)?;
    let mut in_campaign: HashSet<i64> = (store.campaign_customers(t, campaign).await)
        .map_err(e)?
        .into_iter()
        .collect();
    let (mut after, mut reported) = (0i64, 0i64);
    loop {
        let page = store.customers_page(t, after, PAGE).await.map_err(e)?;
        let Some(last) = page.last() else {
            return Ok(());
        };
        after = last.id;
        view.rows_read += page.len() as i64;
        let (mut contacts, lines) = contacts_of(&page, query, &mut in_campaign);
        view.contacts_added += contacts.len() as i64;
        view.rejected += lines.len() as i64;
        if !lines.is_empty() {
            store
                .add_import_rejects(t, job.id, reported, &lines)
                .await
                .map_err(e)?;
            reported += lines.len() as i64;
        }
        while !job.dry_run && !contacts.is_empty() {
            let rest = contacts.split_off(contacts.len().min(CONTACTS_PER_LOAD_MAX));
            let batch = std::mem::replace(&mut contacts, rest);
            handle
                .call(Op::AddContacts {
                    campaign,
                    contacts: batch,
                })
                .await
                .map_err(|e| e.message)?;
        }
        store.save_import(t, view).await.map_err(e)?;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_short_and_plain() {
        assert!(name_ok("gold-ca_2026"));
        for bad in ["", "Gold", "a b", "a.b", &"x".repeat(65)] {
            assert!(!name_ok(bad), "{bad:?}");
        }
    }
}

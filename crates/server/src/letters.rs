//! Letters to debtors as PDF (crate `printout`): the templates a tenant
//! uses (Centralita's six-language defaults, replaced per letter and
//! language by the tenant's `letters` settings document), and a letter
//! rendered from what its `case_letter_ordered` fact kept of the case when
//! it was ordered, so printing it again gives the same letter. The address
//! is the debtor's record's as it is when printed.
//!
//! Fonts are Debian's (`fonts-dejavu-core`, `fonts-noto-cjk` for Chinese),
//! or a directory named by `CENTRALITA_FONTS`; they are read once, on the
//! first letter printed.

use std::sync::{Arc, OnceLock};

use chrono::NaiveDate;
use model::case::LetterSnapshot;
use printout::letters::{self, Instalment, LetterData, Templates};
use printout::{Document, Fonts};

use crate::AppState;
use crate::error::{ApiError, ApiResult};

/// The settings document holding a tenant's own templates (TOML).
pub const SETTING: &str = "letters";
/// Largest templates document, in bytes.
pub const DOCUMENT_MAX: usize = 256 * 1024;
/// Days a reminder gives to pay, from the letter's date (`{pay_by}`).
pub const PAY_WITHIN_DAYS: u64 = 14;

static FONTS: OnceLock<Result<Arc<Fonts>, String>> = OnceLock::new();

/// The fonts, loaded once (from `CENTRALITA_FONTS`, else Debian's paths).
fn fonts() -> Result<Arc<Fonts>, String> {
    FONTS
        .get_or_init(|| {
            let loaded = match std::env::var_os("CENTRALITA_FONTS") {
                Some(dir) => Fonts::from_dir(std::path::Path::new(&dir)),
                None => Fonts::system(),
            };
            loaded.map(Arc::new).map_err(|e| e.to_string())
        })
        .clone()
}

/// The tenant's templates: the defaults with its own document over them.
pub async fn templates(st: &AppState, t: &store::Tenant) -> ApiResult<Templates> {
    let doc = st.store.setting(t, SETTING).await?;
    match doc {
        None => Ok(Templates::defaults()),
        Some(d) => Templates::defaults()
            .with_overrides(&d)
            .map_err(|e| ApiError::internal(format!("the stored letters document: {e}"))),
    }
}

/// Checks a tenant's document; a mistake names its line and field.
pub fn check(document: &str) -> ApiResult<()> {
    if document.len() > DOCUMENT_MAX {
        return Err(ApiError::field(
            "document",
            format!("at most {DOCUMENT_MAX} bytes"),
        ));
    }
    Templates::defaults()
        .with_overrides(document)
        .map(|_| ())
        .map_err(|e| ApiError::field("document", e))
}

fn day(s: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").ok()
}

/// What a letter says, from its snapshot, the tenant and the address.
pub fn data_of(snap: &LetterSnapshot, tenant: &str, address: Vec<String>) -> LetterData {
    let today = day(&snap.date).unwrap_or_default();
    LetterData {
        debtor_name: snap.debtor.clone(),
        address,
        case_ref: snap.reference.clone(),
        creditor: snap.creditor.clone(),
        tenant: tenant.to_string(),
        today,
        balance: snap.balance.clone(),
        currency: snap.currency.clone(),
        due_date: day(&snap.due_date),
        promise_amount: snap.promise.as_ref().map(|p| p.0.clone()),
        promise_date: snap.promise.as_ref().and_then(|p| day(&p.1)),
        pay_by: today.checked_add_days(chrono::Days::new(PAY_WITHIN_DAYS)),
        payment_reference: letters::creditor_reference(&snap.reference)
            .unwrap_or_else(|| snap.reference.clone()),
        instalments: snap
            .instalments
            .iter()
            .filter_map(|(d, a)| {
                Some(Instalment {
                    due: day(d)?,
                    amount: a.clone(),
                })
            })
            .collect(),
    }
}

/// A letter as PDF bytes (rendered on a blocking thread).
pub async fn render(
    templates: Templates,
    template: String,
    language: String,
    data: LetterData,
) -> ApiResult<Vec<u8>> {
    tokio::task::spawn_blocking(move || -> ApiResult<Vec<u8>> {
        let doc: Document = letters::letter(&templates, &template, &language, &data)
            .map_err(|e| ApiError::conflict(format!("the letter cannot be written: {e}")))?;
        let fonts = fonts().map_err(|e| ApiError::unavailable(format!("fonts: {e}")))?;
        printout::render(&doc, &fonts).map_err(|e| ApiError::internal(e.to_string()))
    })
    .await
    .map_err(|e| ApiError::internal(e.to_string()))?
}

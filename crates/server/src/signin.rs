//! Sign-ins half done, and the second factor.
//!
//! A sign-in that needs more than a password waits here under a random id
//! for at most [`PENDING_TTL`] (`CENTRALITA_SIGNIN_PENDING_S`): the code of
//! a user's authenticator app ([`Half::Code`]), or the answer of the
//! tenant's OpenID provider ([`Half::Oidc`]). At most [`PENDING_MAX`] wait
//! at once; past that, new ones are refused (`busy`), the oldest are never
//! pushed out by strangers.
//!
//! The second factor (TOTP, [`crate::totp`]) is asked of every user who set
//! one up, and admins and supervisors must set one up when their tenant's
//! settings say `two_factor: required`. Keys are sealed
//! ([`crate::secrets`]) for their user; a code is accepted once, and wrong
//! codes count toward the same lock-out as wrong passwords.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use center::sign_in::TwoFactor;
use store::auth::UserRecord;

use crate::AppState;
use crate::auth::Role;
use crate::clock;
use crate::error::{ApiError, ApiResult};

/// Most sign-ins waiting at once.
pub const PENDING_MAX: usize = 10_000;
/// How long a half-done sign-in waits, by default.
pub const PENDING_TTL: Duration = Duration::from_secs(300);
/// Wrong codes one half-done sign-in may send before it is dropped.
pub const CODE_TRIES: u32 = 5;

/// A password sign-in waiting for its second factor.
#[derive(Debug, Clone)]
pub struct CodeWait {
    /// The user's tenant name (none: provider level).
    pub tenant: Option<String>,
    /// The user.
    pub user: UserRecord,
    /// Whether they must set the factor up first (a key is being set up).
    pub setup: bool,
    /// Wrong codes so far.
    pub tries: u32,
    /// The sign-in page's language and time zone, to carry on with.
    pub lang: i18n::Lang,
    /// The browser's time zone.
    pub tz: String,
}

/// A single sign-on waiting for the provider's answer.
#[derive(Debug, Clone)]
pub struct OidcWait {
    /// The tenant.
    pub tenant: store::Tenant,
    /// The nonce the ID token must carry.
    pub nonce: String,
    /// The PKCE verifier.
    pub verifier: String,
    /// The sign-in page's language.
    pub lang: i18n::Lang,
    /// The browser's time zone.
    pub tz: String,
    /// The redirect address sent to the provider.
    pub redirect_uri: String,
}

/// What waits.
#[derive(Debug, Clone)]
pub enum Half {
    /// A code.
    Code(CodeWait),
    /// The OpenID provider.
    Oidc(OidcWait),
}

/// The sign-ins waiting, by id.
#[derive(Debug)]
pub struct Pending {
    entries: Mutex<HashMap<String, (Instant, Half)>>,
    ttl: Duration,
    max: usize,
}

impl Pending {
    /// With these limits.
    pub fn new(ttl: Duration, max: usize) -> Pending {
        Pending {
            entries: Mutex::default(),
            ttl,
            max,
        }
    }

    /// With `CENTRALITA_SIGNIN_PENDING_S` as the wait, if set.
    pub fn from_env() -> Pending {
        let ttl = std::env::var("CENTRALITA_SIGNIN_PENDING_S")
            .ok()
            .and_then(|v| v.parse::<f64>().ok())
            .filter(|s| *s > 0.0 && *s < 86_400.0)
            .map_or(PENDING_TTL, Duration::from_secs_f64);
        Pending::new(ttl, PENDING_MAX)
    }

    /// Keeps a half-done sign-in; its id, or none when too many wait.
    pub fn put(&self, half: Half) -> Option<String> {
        let id = crate::auth::random_hex(24);
        self.put_as(id.clone(), half).then_some(id)
    }

    fn put_as(&self, id: String, half: Half) -> bool {
        let now = clock::mono();
        let mut map = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        if map.len() >= self.max {
            map.retain(|_, (until, _)| *until > now);
            if map.len() >= self.max {
                return false;
            }
        }
        map.insert(id, (now + self.ttl, half));
        true
    }

    /// Takes a half-done sign-in (gone from here), unless it expired.
    pub fn take(&self, id: &str) -> Option<Half> {
        let mut map = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        let (until, half) = map.remove(id)?;
        (until > clock::mono()).then_some(half)
    }

    /// Puts a code wait back under its id after a wrong code, unless it had
    /// its last try.
    pub fn retry(&self, id: &str, mut wait: CodeWait) -> bool {
        wait.tries += 1;
        wait.tries < CODE_TRIES && self.put_as(id.to_string(), Half::Code(wait))
    }
}

/// What a user must still show after their password.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Need {
    /// Nothing: sign in.
    Nothing,
    /// Their code.
    Code,
    /// They must set up a second factor, then show its first code.
    Setup,
}

/// A user as the audit trail names them.
pub fn actor_of(user: &UserRecord) -> crate::auth::Actor {
    if user.tenant_id == store::auth::PROVIDER_TENANT_ID {
        crate::auth::Actor::Provider(user.id)
    } else {
        crate::auth::Actor::User(user.id)
    }
}

fn purpose(tenant_id: i64, user_id: i64) -> String {
    format!("totp:{tenant_id}:{user_id}")
}

/// The tenant's rule for a user's role: whether they must have a second factor.
pub async fn required(st: &AppState, user: &UserRecord) -> ApiResult<bool> {
    let role = Role::parse(&user.role);
    if !matches!(role, Some(Role::Admin | Role::Supervisor)) {
        return Ok(false);
    }
    let Some(t) = st.store.tenant_by_id(user.tenant_id).await? else {
        return Ok(false);
    };
    let s = crate::routes::settings::tenant_settings(st, &t).await?;
    Ok(s.two_factor == TwoFactor::Required)
}

/// What a user who gave the right password must still show.
pub async fn need(st: &AppState, user: &UserRecord) -> ApiResult<Need> {
    let rec = st
        .store
        .totp(user.tenant_id, user.id)
        .await?
        .unwrap_or_default();
    if rec.secret.is_some() {
        Ok(Need::Code)
    } else if required(st, user).await? {
        Ok(Need::Setup)
    } else {
        Ok(Need::Nothing)
    }
}

/// Which of a user's keys.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Slot {
    /// The confirmed one.
    Confirmed,
    /// The one being set up.
    Pending,
}

/// A user's key in `slot`: (as stored, opened), if they have one.
async fn key(st: &AppState, user: &UserRecord, slot: Slot) -> ApiResult<Option<(String, String)>> {
    let rec = st
        .store
        .totp(user.tenant_id, user.id)
        .await?
        .unwrap_or_default();
    let sealed = match slot {
        Slot::Confirmed => rec.secret,
        Slot::Pending => rec.pending,
    };
    let Some(sealed) = sealed else {
        return Ok(None);
    };
    let plain = st
        .secrets
        .open(&purpose(user.tenant_id, user.id), &sealed)
        .map_err(|e| ApiError::internal(anyhow::anyhow!("a two-factor key: {e}")))?;
    Ok(Some((sealed, plain)))
}

/// The time step a code is right for now, with a key.
fn step_now(key: &str, code: &str) -> Option<i64> {
    crate::totp::check(key, code, (clock::now_ms() / 1000) as u64)
}

/// Checks a sign-in code against the user's key; a right code is taken
/// (it will not pass again).
pub async fn check_code(st: &AppState, user: &UserRecord, code: &str) -> ApiResult<bool> {
    let Some((_, key)) = key(st, user, Slot::Confirmed).await? else {
        return Ok(false);
    };
    match step_now(&key, code) {
        Some(step) => Ok(st
            .store
            .take_totp_step(user.tenant_id, user.id, step)
            .await?),
        None => Ok(false),
    }
}

/// A key being set up: base32, its address and QR code.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct Setup {
    /// The key, base32 (to type in).
    pub secret: String,
    /// The `otpauth://` address.
    pub otpauth_uri: String,
    /// The address as a QR code (SVG).
    #[serde(skip)]
    pub qr_svg: String,
}

/// Makes a new key for the user to set up (replacing one being set up).
pub async fn begin_setup(
    st: &AppState,
    user: &UserRecord,
    tenant: Option<&str>,
) -> ApiResult<Setup> {
    let secret = crate::totp::new_secret();
    let sealed = st.secrets.seal(&purpose(user.tenant_id, user.id), &secret);
    st.store
        .set_totp_pending(user.tenant_id, user.id, &sealed)
        .await?;
    shown(&secret, user, tenant)
}

/// The key being set up, again (the sign-in page shown anew).
pub async fn pending_setup(
    st: &AppState,
    user: &UserRecord,
    tenant: Option<&str>,
) -> ApiResult<Option<Setup>> {
    match key(st, user, Slot::Pending).await? {
        Some((_, secret)) => shown(&secret, user, tenant).map(Some),
        None => Ok(None),
    }
}

fn shown(secret: &str, user: &UserRecord, tenant: Option<&str>) -> ApiResult<Setup> {
    let account = match tenant {
        Some(t) => format!("{}@{t}", user.username),
        None => user.username.clone(),
    };
    let uri = crate::totp::uri(secret, "Centralita", &account)
        .ok_or_else(|| ApiError::internal(anyhow::anyhow!("an otpauth address")))?;
    let qr_svg = crate::totp::qr_svg(&uri).unwrap_or_default();
    Ok(Setup {
        secret: secret.to_string(),
        otpauth_uri: uri,
        qr_svg,
    })
}

/// Confirms the key being set up with its first code: true when the code
/// is right and the key is now the user's second factor.
pub async fn confirm_setup(st: &AppState, user: &UserRecord, code: &str) -> ApiResult<bool> {
    let Some((sealed, key)) = key(st, user, Slot::Pending).await? else {
        return Ok(false);
    };
    let Some(step) = step_now(&key, code) else {
        return Ok(false);
    };
    Ok(st
        .store
        .enable_totp(user.tenant_id, user.id, &sealed, step)
        .await?)
}

/// Confirms the key being set up for the signed-in principal, recorded in
/// the audit trail: true when the code was right.
pub async fn set_up(
    st: &AppState,
    p: &crate::auth::Principal,
    user: &UserRecord,
    code: &str,
) -> ApiResult<bool> {
    if !confirm_setup(st, user, code).await? {
        return Ok(false);
    }
    crate::audit::record(st, p, crate::audit::AuditAction::SecondFactorSet, None).await?;
    Ok(true)
}

/// How turning a second factor off went.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TurnOff {
    /// It is off (and in the audit trail).
    Done,
    /// The tenant requires one of the user's role.
    Required,
    /// Not a current code of their key.
    WrongCode,
}

/// Turns a user's second factor off, on a current code, unless their role must have one.
pub async fn turn_off(
    st: &AppState,
    p: &crate::auth::Principal,
    user: &UserRecord,
    code: &str,
) -> ApiResult<TurnOff> {
    if required(st, user).await? {
        return Ok(TurnOff::Required);
    }
    if !check_code(st, user, code).await? {
        return Ok(TurnOff::WrongCode);
    }
    st.store.disable_totp(user.tenant_id, user.id).await?;
    crate::audit::record(st, p, crate::audit::AuditAction::SecondFactorRemoved, None).await?;
    Ok(TurnOff::Done)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn wait() -> CodeWait {
        CodeWait {
            tenant: None,
            user: UserRecord {
                tenant_id: 1,
                id: 1,
                username: "u".into(),
                password_hash: String::new(),
                role: "admin".into(),
                agent_id: None,
            },
            setup: false,
            tries: 0,
            lang: i18n::Lang::En,
            tz: "UTC".into(),
        }
    }

    #[test]
    fn a_wait_is_taken_once_and_expires() {
        let p = Pending::new(Duration::from_secs(60), 10);
        let id = p.put(Half::Code(wait())).unwrap();
        assert!(p.take(&id).is_some());
        assert!(p.take(&id).is_none());
        let p = Pending::new(Duration::ZERO, 10);
        let id = p.put(Half::Code(wait())).unwrap();
        assert!(p.take(&id).is_none(), "expired");
    }

    #[test]
    fn too_many_waits_are_refused_and_tries_run_out() {
        let p = Pending::new(Duration::from_secs(60), 3);
        for _ in 0..3 {
            assert!(p.put(Half::Code(wait())).is_some());
        }
        assert!(p.put(Half::Code(wait())).is_none());
        let p = Pending::new(Duration::from_secs(60), 3);
        let id = p.put(Half::Code(wait())).unwrap();
        let mut w = wait();
        for _ in 1..CODE_TRIES {
            let Some(Half::Code(got)) = p.take(&id) else {
                panic!("waits")
            };
            assert!(p.retry(&id, got.clone()));
            w = got;
        }
        let Some(Half::Code(last)) = p.take(&id) else {
            panic!("waits")
        };
        assert_eq!(last.tries, w.tries + 1);
        assert!(!p.retry(&id, last));
    }
}

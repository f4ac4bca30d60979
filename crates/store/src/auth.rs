//! Users, API tokens and sessions. Secrets never reach the store: passwords
//! arrive as argon2id hashes, tokens and session ids as hashes of themselves.
//!
//! Provider-level administrators (who manage tenants) are users of the
//! reserved tenant id 0, which no [`Tenant`] can have.

use sqlx::Row;

use crate::{Store, StoreError, Tenant};

/// Tenant id of provider-level users.
pub const PROVIDER_TENANT_ID: i64 = 0;
/// Longest user name, in bytes.
pub const USERNAME_LEN_MAX: usize = 64;

/// A stored user.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UserRecord {
    /// Tenant id (0: provider level).
    pub tenant_id: i64,
    /// Id within the tenant.
    pub id: i64,
    /// Name used to sign in.
    pub username: String,
    /// The argon2id PHC string.
    pub password_hash: String,
    /// Role name.
    pub role: String,
    /// The agent this user works as, for agents.
    pub agent_id: Option<i64>,
}

/// A stored API token (its hash only).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TokenRecord {
    /// Tenant id.
    pub tenant_id: i64,
    /// Its id in the tenant.
    pub id: i64,
    /// Label.
    pub name: String,
    /// Role name.
    pub role: String,
    /// When it stops working (Unix ms), if ever.
    pub expires_at: Option<i64>,
    /// When it was last used (Unix ms, to the minute), if ever.
    pub last_used_at: Option<i64>,
}

/// An API token as its tenant's administrators see it (never its secret).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TokenInfo {
    /// Its id in the tenant.
    pub id: i64,
    /// Label.
    pub name: String,
    /// Role name.
    pub role: String,
    /// When it was made (Unix ms).
    pub created_at: i64,
    /// When it stops working (Unix ms), if ever.
    pub expires_at: Option<i64>,
    /// When it was last used (Unix ms, to the minute), if ever.
    pub last_used_at: Option<i64>,
}

/// Whether a database error is a unique index refusing a row.
fn is_unique_violation(e: &sqlx::Error) -> bool {
    matches!(e, sqlx::Error::Database(d) if d.is_unique_violation())
}

/// Most tokens a tenant may have.
pub const TOKENS_PER_TENANT_MAX: i64 = 1_000;

/// A stored session.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionRecord {
    /// Tenant id.
    pub tenant_id: i64,
    /// The user.
    pub user_id: i64,
    /// The CSRF token forms and unsafe requests must echo.
    pub csrf: String,
    /// Expiry, Unix milliseconds.
    pub expires_at: i64,
}

fn check_username(u: &str) -> Result<(), StoreError> {
    if u.is_empty()
        || u.len() > USERNAME_LEN_MAX
        || !u
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_.@".contains(c))
    {
        return Err(StoreError::Invalid {
            field: "username",
            message: format!("1 to {USERNAME_LEN_MAX} letters, digits, '-', '_', '.' or '@'"),
        });
    }
    Ok(())
}

impl Store {
    async fn insert_user(
        &self,
        tenant_id: i64,
        username: &str,
        password_hash: &str,
        role: &str,
        now_ms: i64,
    ) -> Result<UserRecord, StoreError> {
        check_username(username)?;
        if self.user_in(tenant_id, username).await?.is_some() {
            return Err(StoreError::Exists(format!("user {username:?}")));
        }
        // The next free id, taken in the insert; a clash on the id with a
        // concurrent insert is retried, a clash on the name is reported.
        let mut attempt = 0;
        let id: i64 = loop {
            let r = sqlx::query(
                "INSERT INTO users (tenant_id, id, username, password_hash, role, created_at) \
                 SELECT $1, COALESCE(MAX(id), 0) + 1, $2, $3, $4, $5 FROM users WHERE tenant_id = $1 \
                 RETURNING id",
            )
            .bind(tenant_id)
            .bind(username)
            .bind(password_hash)
            .bind(role)
            .bind(now_ms)
            .fetch_one(self.pool())
            .await;
            match r {
                Ok(row) => break row.try_get(0)?,
                Err(e) if crate::is_unique_violation(&e) => {
                    if self.user_in(tenant_id, username).await?.is_some() {
                        return Err(StoreError::Exists(format!("user {username:?}")));
                    }
                    attempt += 1;
                    if attempt >= crate::ID_RETRIES {
                        return Err(e.into());
                    }
                }
                Err(e) => return Err(e.into()),
            }
        };
        Ok(UserRecord {
            tenant_id,
            id,
            username: username.into(),
            password_hash: password_hash.into(),
            role: role.into(),
            agent_id: None,
        })
    }

    /// Adds a user to a tenant.
    pub async fn create_user(
        &self,
        t: &Tenant,
        username: &str,
        password_hash: &str,
        role: &str,
        now_ms: i64,
    ) -> Result<UserRecord, StoreError> {
        self.insert_user(t.id, username, password_hash, role, now_ms)
            .await
    }

    /// Adds a provider-level administrator.
    pub async fn create_provider_user(
        &self,
        username: &str,
        password_hash: &str,
        now_ms: i64,
    ) -> Result<UserRecord, StoreError> {
        self.insert_user(
            PROVIDER_TENANT_ID,
            username,
            password_hash,
            "provider",
            now_ms,
        )
        .await
    }

    /// Replaces a user's password hash.
    pub async fn set_password(
        &self,
        tenant_id: i64,
        username: &str,
        password_hash: &str,
    ) -> Result<bool, StoreError> {
        let r = sqlx::query(
            "UPDATE users SET password_hash = $1 WHERE tenant_id = $2 AND username = $3",
        )
        .bind(password_hash)
        .bind(tenant_id)
        .bind(username)
        .execute(self.pool())
        .await?;
        Ok(r.rows_affected() == 1)
    }

    /// Changes a user's role. Taking the administrator role from the
    /// tenant's last administrator is refused (`Ok(false)`), in the same
    /// statement, so two administrators demoting each other cannot both win.
    pub async fn set_role(&self, t: &Tenant, id: i64, role: &str) -> Result<bool, StoreError> {
        let r = sqlx::query(
            "UPDATE users SET role = $1 WHERE tenant_id = $2 AND id = $3 \
             AND ($1 = 'admin' OR role <> 'admin' \
                  OR (SELECT COUNT(*) FROM users WHERE tenant_id = $2 AND role = 'admin') > 1)",
        )
        .bind(role)
        .bind(t.id)
        .bind(id)
        .execute(self.pool())
        .await?;
        Ok(r.rows_affected() == 1)
    }

    /// Replaces a tenant user's password hash, by user id.
    pub async fn set_user_password(
        &self,
        t: &Tenant,
        id: i64,
        password_hash: &str,
    ) -> Result<bool, StoreError> {
        let r = sqlx::query("UPDATE users SET password_hash = $1 WHERE tenant_id = $2 AND id = $3")
            .bind(password_hash)
            .bind(t.id)
            .bind(id)
            .execute(self.pool())
            .await?;
        Ok(r.rows_affected() == 1)
    }

    /// Removes a tenant's user and their sessions. The last administrator is
    /// not removed (`Ok(false)`), in the same statement.
    pub async fn delete_user(&self, t: &Tenant, id: i64) -> Result<bool, StoreError> {
        let r = sqlx::query(
            "DELETE FROM users WHERE tenant_id = $1 AND id = $2 \
             AND (role <> 'admin' \
                  OR (SELECT COUNT(*) FROM users WHERE tenant_id = $1 AND role = 'admin') > 1)",
        )
        .bind(t.id)
        .bind(id)
        .execute(self.pool())
        .await?;
        if r.rows_affected() != 1 {
            return Ok(false);
        }
        // Sessions name the user by id, and ids may be given again: none may outlive the user.
        self.end_user_sessions(t, id).await?;
        Ok(true)
    }

    /// Ends every session of a tenant's user (after a password reset or removal).
    pub async fn end_user_sessions(&self, t: &Tenant, id: i64) -> Result<(), StoreError> {
        sqlx::query("DELETE FROM sessions WHERE tenant_id = $1 AND user_id = $2")
            .bind(t.id)
            .bind(id)
            .execute(self.pool())
            .await?;
        Ok(())
    }

    /// Whether a tenant's user has a session that has not expired by `now_ms`.
    pub async fn has_live_session(
        &self,
        t: &Tenant,
        user_id: i64,
        now_ms: i64,
    ) -> Result<bool, StoreError> {
        let row = sqlx::query(
            "SELECT COUNT(*) FROM sessions WHERE tenant_id = $1 AND user_id = $2 AND expires_at > $3",
        )
        .bind(t.id)
        .bind(user_id)
        .bind(now_ms)
        .fetch_one(self.pool())
        .await?;
        let n: i64 = row.try_get(0)?;
        Ok(n > 0)
    }

    /// Deletes the sessions expired by `now_ms` (at most `limit` at a time);
    /// returns, for each user left without a live session, their tenant id,
    /// user id and agent (if they work as one).
    pub async fn sweep_sessions(
        &self,
        now_ms: i64,
        limit: i64,
    ) -> Result<Vec<(i64, i64, Option<i64>)>, StoreError> {
        let rows = sqlx::query(
            "SELECT token_hash, tenant_id, user_id FROM sessions WHERE expires_at <= $1 ORDER BY expires_at LIMIT $2",
        )
        .bind(now_ms)
        .bind(limit)
        .fetch_all(self.pool())
        .await?;
        let mut users: Vec<(i64, i64)> = Vec::new();
        for r in &rows {
            let hash: String = r.try_get(0)?;
            let (tenant, user): (i64, i64) = (r.try_get(1)?, r.try_get(2)?);
            sqlx::query("DELETE FROM sessions WHERE token_hash = $1")
                .bind(hash)
                .execute(self.pool())
                .await?;
            if !users.contains(&(tenant, user)) {
                users.push((tenant, user));
            }
        }
        let mut left = Vec::new();
        for (tenant, user) in users {
            let live = sqlx::query(
                "SELECT COUNT(*) FROM sessions WHERE tenant_id = $1 AND user_id = $2 AND expires_at > $3",
            )
            .bind(tenant)
            .bind(user)
            .bind(now_ms)
            .fetch_one(self.pool())
            .await?;
            let n: i64 = live.try_get(0)?;
            if n > 0 {
                continue;
            }
            let agent = sqlx::query("SELECT agent_id FROM users WHERE tenant_id = $1 AND id = $2")
                .bind(tenant)
                .bind(user)
                .fetch_optional(self.pool())
                .await?
                .map(|r| r.try_get::<Option<i64>, _>(0))
                .transpose()?
                .flatten();
            left.push((tenant, user, agent));
        }
        Ok(left)
    }

    async fn user_in(
        &self,
        tenant_id: i64,
        username: &str,
    ) -> Result<Option<UserRecord>, StoreError> {
        let row = sqlx::query("SELECT tenant_id, id, username, password_hash, role, agent_id FROM users WHERE tenant_id = $1 AND username = $2")
            .bind(tenant_id).bind(username)
            .fetch_optional(self.pool()).await?;
        row.map(user_of).transpose()
    }

    /// A tenant's user by name.
    pub async fn user(&self, t: &Tenant, username: &str) -> Result<Option<UserRecord>, StoreError> {
        self.user_in(t.id, username).await
    }

    /// A tenant's users, by id (at most 1,000).
    pub async fn users(&self, t: &Tenant) -> Result<Vec<UserRecord>, StoreError> {
        let rows = sqlx::query("SELECT tenant_id, id, username, password_hash, role, agent_id FROM users WHERE tenant_id = $1 ORDER BY id LIMIT 1000")
            .bind(t.id)
            .fetch_all(self.pool()).await?;
        rows.into_iter().map(user_of).collect()
    }

    /// A provider-level user by name.
    pub async fn provider_user(&self, username: &str) -> Result<Option<UserRecord>, StoreError> {
        self.user_in(PROVIDER_TENANT_ID, username).await
    }

    /// A user by tenant id and user id (for sessions).
    pub async fn user_by_id(
        &self,
        tenant_id: i64,
        id: i64,
    ) -> Result<Option<UserRecord>, StoreError> {
        let row = sqlx::query("SELECT tenant_id, id, username, password_hash, role, agent_id FROM users WHERE tenant_id = $1 AND id = $2")
            .bind(tenant_id).bind(id)
            .fetch_optional(self.pool()).await?;
        row.map(user_of).transpose()
    }

    /// Stores an API token's hash.
    pub async fn create_token(
        &self,
        t: &Tenant,
        name: &str,
        role: &str,
        token_hash: &str,
        now_ms: i64,
    ) -> Result<(), StoreError> {
        self.add_token(t, name, role, token_hash, now_ms, None)
            .await
            .map(|_| ())
    }

    /// Stores an API token's hash with an optional expiry; its id and record.
    pub async fn add_token(
        &self,
        t: &Tenant,
        name: &str,
        role: &str,
        token_hash: &str,
        now_ms: i64,
        expires_at: Option<i64>,
    ) -> Result<TokenInfo, StoreError> {
        if name.is_empty() || name.len() > 128 {
            return Err(StoreError::Invalid {
                field: "name",
                message: "1 to 128 characters".into(),
            });
        }
        if expires_at.is_some_and(|e| e <= now_ms) {
            return Err(StoreError::Invalid {
                field: "expires_at",
                message: "must be in the future".into(),
            });
        }
        let row = sqlx::query("SELECT COUNT(*) FROM api_tokens WHERE tenant_id = $1")
            .bind(t.id)
            .fetch_one(self.pool())
            .await?;
        if row.try_get::<i64, _>(0)? >= TOKENS_PER_TENANT_MAX {
            return Err(StoreError::Invalid {
                field: "name",
                message: format!(
                    "a tenant has at most {TOKENS_PER_TENANT_MAX} tokens: revoke some first"
                ),
            });
        }
        // The next id in one statement; two made at the same moment on
        // PostgreSQL may both pick it, and the unique index refuses one, which
        // tries again.
        let mut tries = 0;
        let id = loop {
            let r = sqlx::query("INSERT INTO api_tokens (token_hash, tenant_id, id, name, role, created_at, expires_at) SELECT $1, $2, COALESCE(MAX(id), 0) + 1, $3, $4, $5, $6 FROM api_tokens WHERE tenant_id = $2 RETURNING id")
                .bind(token_hash).bind(t.id).bind(name).bind(role).bind(now_ms).bind(expires_at)
                .fetch_one(self.pool()).await;
            match r {
                Ok(row) => break row.try_get::<i64, _>(0)?,
                Err(e) if tries < 3 && is_unique_violation(&e) => tries += 1,
                Err(e) => return Err(e.into()),
            }
        };
        Ok(TokenInfo {
            id,
            name: name.into(),
            role: role.into(),
            created_at: now_ms,
            expires_at,
            last_used_at: None,
        })
    }

    /// A token by its hash.
    pub async fn token(&self, token_hash: &str) -> Result<Option<TokenRecord>, StoreError> {
        let row = sqlx::query("SELECT tenant_id, id, name, role, expires_at, last_used_at FROM api_tokens WHERE token_hash = $1")
            .bind(token_hash)
            .fetch_optional(self.pool())
            .await?;
        row.map(|r| {
            Ok(TokenRecord {
                tenant_id: r.try_get(0)?,
                id: r.try_get::<Option<i64>, _>(1)?.unwrap_or(0),
                name: r.try_get(2)?,
                role: r.try_get(3)?,
                expires_at: r.try_get(4)?,
                last_used_at: r.try_get(5)?,
            })
        })
        .transpose()
    }

    /// A tenant's tokens, by id.
    pub async fn tokens(&self, t: &Tenant) -> Result<Vec<TokenInfo>, StoreError> {
        let rows = sqlx::query("SELECT id, name, role, created_at, expires_at, last_used_at FROM api_tokens WHERE tenant_id = $1 ORDER BY id")
            .bind(t.id)
            .fetch_all(self.pool())
            .await?;
        rows.into_iter()
            .map(|r| {
                Ok(TokenInfo {
                    id: r.try_get::<Option<i64>, _>(0)?.unwrap_or(0),
                    name: r.try_get(1)?,
                    role: r.try_get(2)?,
                    created_at: r.try_get(3)?,
                    expires_at: r.try_get(4)?,
                    last_used_at: r.try_get(5)?,
                })
            })
            .collect()
    }

    /// Revokes (deletes) a token; whether there was one.
    pub async fn revoke_token(&self, t: &Tenant, id: i64) -> Result<bool, StoreError> {
        let r = sqlx::query("DELETE FROM api_tokens WHERE tenant_id = $1 AND id = $2")
            .bind(t.id)
            .bind(id)
            .execute(self.pool())
            .await?;
        Ok(r.rows_affected() > 0)
    }

    /// Notes that a token was used at `now_ms`.
    pub async fn touch_token(&self, token_hash: &str, now_ms: i64) -> Result<(), StoreError> {
        sqlx::query("UPDATE api_tokens SET last_used_at = $1 WHERE token_hash = $2")
            .bind(now_ms)
            .bind(token_hash)
            .execute(self.pool())
            .await?;
        Ok(())
    }

    /// A user's sessions that have not expired: (the first 16 hex digits of
    /// each one's hash, as its id; its expiry), soonest to expire first.
    pub async fn user_sessions(
        &self,
        tenant_id: i64,
        user_id: i64,
        now_ms: i64,
    ) -> Result<Vec<(String, i64)>, StoreError> {
        let rows = sqlx::query("SELECT token_hash, expires_at FROM sessions WHERE tenant_id = $1 AND user_id = $2 AND expires_at > $3 ORDER BY expires_at")
            .bind(tenant_id).bind(user_id).bind(now_ms)
            .fetch_all(self.pool()).await?;
        rows.into_iter()
            .map(|r| {
                let h: String = r.try_get(0)?;
                Ok((h.chars().take(16).collect(), r.try_get(1)?))
            })
            .collect()
    }

    /// Ends a user's session by its id (see [`Store::user_sessions`]);
    /// the full hash of the session ended, if there was one.
    pub async fn end_user_session(
        &self,
        tenant_id: i64,
        user_id: i64,
        id: &str,
    ) -> Result<Option<String>, StoreError> {
        if id.len() != 16 || !id.chars().all(|c| c.is_ascii_hexdigit()) {
            return Ok(None);
        }
        let row = sqlx::query("SELECT token_hash FROM sessions WHERE tenant_id = $1 AND user_id = $2 AND token_hash LIKE $3")
            .bind(tenant_id).bind(user_id).bind(format!("{id}%"))
            .fetch_optional(self.pool()).await?;
        let Some(row) = row else {
            return Ok(None);
        };
        let hash: String = row.try_get(0)?;
        self.delete_session(&hash).await?;
        Ok(Some(hash))
    }

    /// Stores a session.
    pub async fn create_session(
        &self,
        token_hash: &str,
        s: &SessionRecord,
    ) -> Result<(), StoreError> {
        sqlx::query("INSERT INTO sessions (token_hash, tenant_id, user_id, csrf, expires_at) VALUES ($1, $2, $3, $4, $5)")
            .bind(token_hash).bind(s.tenant_id).bind(s.user_id).bind(s.csrf.as_str()).bind(s.expires_at)
            .execute(self.pool()).await?;
        Ok(())
    }

    /// A session by its hash.
    pub async fn session(&self, token_hash: &str) -> Result<Option<SessionRecord>, StoreError> {
        let row = sqlx::query(
            "SELECT tenant_id, user_id, csrf, expires_at FROM sessions WHERE token_hash = $1",
        )
        .bind(token_hash)
        .fetch_optional(self.pool())
        .await?;
        row.map(|r| {
            Ok(SessionRecord {
                tenant_id: r.try_get(0)?,
                user_id: r.try_get(1)?,
                csrf: r.try_get(2)?,
                expires_at: r.try_get(3)?,
            })
        })
        .transpose()
    }

    /// Removes a session (sign-out).
    pub async fn delete_session(&self, token_hash: &str) -> Result<(), StoreError> {
        sqlx::query("DELETE FROM sessions WHERE token_hash = $1")
            .bind(token_hash)
            .execute(self.pool())
            .await?;
        Ok(())
    }
}

fn user_of(r: sqlx::any::AnyRow) -> Result<UserRecord, StoreError> {
    Ok(UserRecord {
        tenant_id: r.try_get(0)?,
        id: r.try_get(1)?,
        username: r.try_get(2)?,
        password_hash: r.try_get(3)?,
        role: r.try_get(4)?,
        agent_id: r.try_get(5)?,
    })
}

//! How a tenant's users sign in, part of the tenant's settings document
//! ([`crate::settings`]): single sign-on with an OpenID Connect provider
//! (`oidc`) beside passwords, and whether admins and supervisors must use a
//! second factor (`two_factor`: `optional` or `required`).
//!
//! ```json
//! {"oidc": {"issuer": "https://id.example.com", "client_id": "centralita",
//!           "client_secret": "…", "role_claim": "centralita_role",
//!           "create_users": true},
//!  "two_factor": "required"}
//! ```
//!
//! The client secret is opaque text here: the server seals it before the
//! document is stored and never shows it again (`client_secret_set` says
//! whether one is kept).

use serde::{Deserialize, Serialize};

use crate::settings::SettingsError;

/// Longest issuer address, client id or claim name, in bytes.
pub const FIELD_MAX: usize = 512;
/// Longest client secret, in bytes (sealed: some more).
pub const SECRET_MAX: usize = 4096;

/// Whether admins and supervisors must sign in with a second factor.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum TwoFactor {
    /// Users who set one up are asked for it; nobody must.
    #[default]
    Optional,
    /// Admins and supervisors must set one up and use it (others as optional).
    Required,
}

impl TwoFactor {
    /// Whether `optional` (the default, not written in the document).
    pub fn is_optional(&self) -> bool {
        *self == TwoFactor::Optional
    }
}

/// The OpenID Connect provider, as written in the document.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct OidcDoc {
    /// The provider's issuer address (its discovery document is at
    /// `ISSUER/.well-known/openid-configuration`): https, or http on loopback.
    pub issuer: String,
    /// Our client id at the provider.
    pub client_id: String,
    /// Our client secret (absent when sent: the kept one stays; never shown).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client_secret: Option<String>,
    /// Whether a client secret is kept (shown, ignored when sent).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client_secret_set: Option<bool>,
    /// The claim whose value names the user's role (`admin`, `supervisor`,
    /// `agent`, `analyst`, `client`); none: roles are kept here.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub role_claim: Option<String>,
    /// Create the user at their first sign-in (their role from the claim).
    #[serde(default)]
    pub create_users: bool,
}

/// The OpenID Connect provider, checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Oidc {
    /// The issuer, without a trailing slash.
    pub issuer: String,
    /// Our client id.
    pub client_id: String,
    /// Our client secret as stored (sealed by the server), if any.
    pub client_secret: Option<String>,
    /// The role claim, if any.
    pub role_claim: Option<String>,
    /// Create users at their first sign-in.
    pub create_users: bool,
}

fn err(field: &str, message: impl Into<String>) -> SettingsError {
    SettingsError {
        field: field.into(),
        message: message.into(),
    }
}

fn check_text(field: &str, value: &str, max: usize) -> Result<(), SettingsError> {
    if value.trim().is_empty() {
        return Err(err(field, "must not be empty"));
    }
    if value.len() > max {
        return Err(err(field, format!("at most {max} bytes")));
    }
    if value.chars().any(char::is_control) {
        return Err(err(field, "no control characters"));
    }
    Ok(())
}

/// Whether an issuer address is acceptable: `https://HOST…`, or
/// `http://` to a loopback host (a provider on the same machine), with no
/// query or fragment.
fn check_issuer(issuer: &str) -> Result<(), SettingsError> {
    check_text("oidc.issuer", issuer, FIELD_MAX)?;
    let rest = if let Some(r) = issuer.strip_prefix("https://") {
        r
    } else if let Some(r) = issuer.strip_prefix("http://") {
        let host = r.split(['/', ':']).next().unwrap_or("");
        if !matches!(host, "localhost" | "127.0.0.1" | "[") && !r.starts_with("[::1]") {
            return Err(err(
                "oidc.issuer",
                "https:// (http:// only for a provider on this machine)",
            ));
        }
        r
    } else {
        return Err(err("oidc.issuer", "an address starting with https://"));
    };
    if rest.is_empty() || rest.starts_with('/') || rest.contains(['?', '#', ' ']) {
        return Err(err("oidc.issuer", "a host, then a path at most; no query"));
    }
    Ok(())
}

impl Oidc {
    /// Checks the document's `oidc` section.
    pub fn from_doc(doc: &OidcDoc) -> Result<Oidc, SettingsError> {
        check_issuer(&doc.issuer)?;
        check_text("oidc.client_id", &doc.client_id, FIELD_MAX)?;
        if let Some(s) = &doc.client_secret {
            check_text("oidc.client_secret", s, SECRET_MAX)?;
        }
        let role_claim = doc
            .role_claim
            .as_deref()
            .map(str::trim)
            .filter(|c| !c.is_empty());
        if let Some(c) = role_claim {
            check_text("oidc.role_claim", c, 64)?;
        }
        Ok(Oidc {
            issuer: doc.issuer.trim_end_matches('/').to_string(),
            client_id: doc.client_id.clone(),
            client_secret: doc.client_secret.clone(),
            role_claim: role_claim.map(str::to_string),
            create_users: doc.create_users,
        })
    }

    /// The document that says the same, the secret included (as stored).
    pub fn to_doc(&self) -> OidcDoc {
        OidcDoc {
            issuer: self.issuer.clone(),
            client_id: self.client_id.clone(),
            client_secret: self.client_secret.clone(),
            client_secret_set: None,
            role_claim: self.role_claim.clone(),
            create_users: self.create_users,
        }
    }

    /// The document as shown: the secret left out, `client_secret_set` said.
    pub fn to_public_doc(&self) -> OidcDoc {
        OidcDoc {
            client_secret: None,
            client_secret_set: Some(self.client_secret.is_some()),
            ..self.to_doc()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc(issuer: &str) -> OidcDoc {
        OidcDoc {
            issuer: issuer.into(),
            client_id: "centralita".into(),
            ..OidcDoc::default()
        }
    }

    #[test]
    fn issuers_are_https_or_loopback_http() {
        for ok in [
            "https://id.example.com",
            "https://id.example.com/realms/acme/",
            "http://127.0.0.1:9000",
            "http://localhost:9000/oidc",
        ] {
            assert!(Oidc::from_doc(&doc(ok)).is_ok(), "{ok}");
        }
        for bad in [
            "http://id.example.com",
            "ftp://x",
            "https://",
            "https://x?y=1",
            "",
        ] {
            let e = Oidc::from_doc(&doc(bad)).unwrap_err();
            assert_eq!(e.field, "oidc.issuer", "{bad}");
        }
        let o = Oidc::from_doc(&doc("https://id.example.com/realms/acme/")).unwrap();
        assert_eq!(o.issuer, "https://id.example.com/realms/acme");
    }

    #[test]
    fn the_shown_document_never_holds_the_secret() {
        let mut d = doc("https://id.example.com");
        d.client_secret = Some("s3cret".into());
        let o = Oidc::from_doc(&d).unwrap();
        let shown = serde_json::to_string(&o.to_public_doc()).unwrap();
        assert!(!shown.contains("s3cret"), "{shown}");
        assert!(shown.contains("\"client_secret_set\":true"), "{shown}");
    }
}

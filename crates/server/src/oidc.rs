//! OpenID Connect, the relying party's side: the provider's discovery
//! document and keys (kept [`CACHE_TTL`]), the authorization request with
//! PKCE (S256), the code exchanged at the token endpoint, the ID token
//! checked (signature by the provider's published key, `iss`, `aud`, `exp`,
//! `nonce`), and the claims completed from the userinfo endpoint.
//!
//! Calls to the provider go over HTTPS with the system's certificate
//! authorities (http only to a provider on this machine, see
//! `center::sign_in`), each within [`CALL_TIMEOUT`] and [`BODY_MAX`]. The
//! signature check is `jsonwebtoken`'s; only asymmetric algorithms are
//! taken (RS*, PS*, ES*, EdDSA), so a token cannot be signed with a key
//! anyone knows.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use base64::Engine;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use http_body_util::{BodyExt, Full, Limited};
use hyper::body::Bytes;
use hyper_util::client::legacy::Client as HyperClient;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::TokioExecutor;
use jsonwebtoken::jwk::JwkSet;
use jsonwebtoken::{Algorithm, DecodingKey, Validation};
use serde::Deserialize;
use serde_json::{Map, Value};

/// How long a provider's discovery document and keys are kept.
pub const CACHE_TTL: Duration = Duration::from_secs(600);
/// The longest a call to the provider may take.
pub const CALL_TIMEOUT: Duration = Duration::from_secs(10);
/// The largest answer read from the provider.
pub const BODY_MAX: usize = 1 << 20;
/// Most providers kept at once (one a tenant at most).
pub const CACHE_MAX: usize = 1_000;

/// Why single sign-on failed.
#[derive(Debug, thiserror::Error)]
pub enum OidcError {
    /// The provider could not be reached or answered badly.
    #[error("the identity provider: {0}")]
    Provider(String),
    /// The ID token does not pass.
    #[error("the identity provider's ID token does not pass: {0}")]
    Token(String),
}

fn provider(e: impl std::fmt::Display) -> OidcError {
    OidcError::Provider(e.to_string())
}

/// The parts of a provider's discovery document we use.
#[derive(Debug, Clone, Deserialize)]
pub struct Discovery {
    /// Its issuer (must be the configured one).
    pub issuer: String,
    /// Where the browser is sent.
    pub authorization_endpoint: String,
    /// Where the code is exchanged.
    pub token_endpoint: String,
    /// Where more claims are read, if anywhere.
    #[serde(default)]
    pub userinfo_endpoint: Option<String>,
    /// Its public keys.
    pub jwks_uri: String,
}

/// What the token endpoint answers.
#[derive(Debug, Deserialize)]
struct Tokens {
    id_token: String,
    #[serde(default)]
    access_token: Option<String>,
}

type Https = hyper_rustls::HttpsConnector<HttpConnector>;

/// A provider's documents, and when they were fetched.
type Known = (Instant, Arc<Discovery>, Arc<JwkSet>);

/// Talks to providers; keeps their documents and keys for a while. The
/// HTTPS client (and the system's certificates it reads) is made at the
/// first single sign-on, not when the server starts.
#[derive(Default)]
pub struct OidcClient {
    http: std::sync::OnceLock<HyperClient<Https, Full<Bytes>>>,
    cache: Mutex<HashMap<String, Known>>,
}

impl std::fmt::Debug for OidcClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("OidcClient")
    }
}

impl OidcClient {
    /// The HTTPS client, trusting the system's certificate authorities
    /// (none when the system has none: then only a provider on this
    /// machine, over http, can be reached).
    fn http(&self) -> &HyperClient<Https, Full<Bytes>> {
        self.http
            .get_or_init(|| HyperClient::builder(TokioExecutor::new()).build(Self::connector()))
    }

    /// An HTTPS (or HTTP) connector trusting the system's authorities.
    pub(crate) fn connector() -> Https {
        #[allow(deprecated)] // the server's TLS uses ring's default provider too (serve.rs)
        let ring = Arc::new(rustls::crypto::ring::default_provider());
        let builder = match hyper_rustls::HttpsConnectorBuilder::new()
            .with_provider_and_native_roots(ring.clone())
        {
            Ok(b) => b,
            Err(e) => {
                tracing::warn!(
                    "no certificate authorities on this system ({e}): OpenID providers over https cannot be reached"
                );
                let config = rustls::ClientConfig::builder_with_provider(ring)
                    .with_safe_default_protocol_versions()
                    .expect("ring supports the default protocol versions")
                    .with_root_certificates(rustls::RootCertStore::empty())
                    .with_no_client_auth();
                hyper_rustls::HttpsConnectorBuilder::new().with_tls_config(config)
            }
        };
        builder.https_or_http().enable_http1().build()
    }

    async fn call(&self, req: hyper::Request<Full<Bytes>>) -> Result<Value, OidcError> {
        let uri = req.uri().clone();
        let res = tokio::time::timeout(CALL_TIMEOUT, self.http().request(req))
            .await
            .map_err(|_| provider(format!("{uri}: no answer within {CALL_TIMEOUT:?}")))?
            .map_err(|e| provider(format!("{uri}: {e}")))?;
        let status = res.status();
        let body = tokio::time::timeout(
            CALL_TIMEOUT,
            Limited::new(res.into_body(), BODY_MAX).collect(),
        )
        .await
        .map_err(|_| provider(format!("{uri}: the answer took too long")))?
        .map_err(|e| provider(format!("{uri}: {e}")))?
        .to_bytes();
        let json: Value = serde_json::from_slice(&body)
            .map_err(|e| provider(format!("{uri}: {status}, not JSON: {e}")))?;
        if !status.is_success() {
            let why = json.get("error_description").or_else(|| json.get("error"));
            return Err(provider(format!(
                "{uri}: {status} {}",
                why.unwrap_or(&Value::Null)
            )));
        }
        Ok(json)
    }

    async fn get(&self, url: &str, bearer: Option<&str>) -> Result<Value, OidcError> {
        let mut b = hyper::Request::get(url).header("accept", "application/json");
        if let Some(t) = bearer {
            b = b.header("authorization", format!("Bearer {t}"));
        }
        self.call(b.body(Full::default()).map_err(provider)?).await
    }

    /// The provider's discovery document and keys (from the cache when
    /// fresh; `refresh` fetches them anew, for a key not seen before).
    pub async fn provider(
        &self,
        issuer: &str,
        refresh: bool,
    ) -> Result<(Arc<Discovery>, Arc<JwkSet>), OidcError> {
        if !refresh {
            let cache = self.cache.lock().unwrap_or_else(|e| e.into_inner());
            if let Some((_, d, k)) = cache
                .get(issuer)
                .filter(|(at, ..)| at.elapsed() < CACHE_TTL)
            {
                return Ok((d.clone(), k.clone()));
            }
        }
        let url = format!("{issuer}/.well-known/openid-configuration");
        let d: Discovery = serde_json::from_value(self.get(&url, None).await?)
            .map_err(|e| provider(format!("{url}: {e}")))?;
        if d.issuer.trim_end_matches('/') != issuer {
            return Err(provider(format!(
                "{url} names the issuer {:?}, not {issuer:?}",
                d.issuer
            )));
        }
        let keys: JwkSet = serde_json::from_value(self.get(&d.jwks_uri, None).await?)
            .map_err(|e| provider(format!("{}: {e}", d.jwks_uri)))?;
        let (d, keys) = (Arc::new(d), Arc::new(keys));
        let mut cache = self.cache.lock().unwrap_or_else(|e| e.into_inner());
        if cache.len() >= CACHE_MAX {
            cache.retain(|_, (at, ..)| at.elapsed() < CACHE_TTL);
            if cache.len() >= CACHE_MAX {
                cache.clear();
            }
        }
        cache.insert(
            issuer.to_string(),
            (crate::clock::mono(), d.clone(), keys.clone()),
        );
        Ok((d, keys))
    }

    /// Exchanges the code; the ID token and the access token.
    async fn exchange(&self, d: &Discovery, r: &Redeem<'_>) -> Result<Tokens, OidcError> {
        let mut req = hyper::Request::post(&d.token_endpoint)
            .header("content-type", "application/x-www-form-urlencoded")
            .header("accept", "application/json");
        if let Some(secret) = r.client_secret {
            // client_secret_basic: both parts form-encoded, then base64 (RFC 6749 §2.3.1).
            let enc =
                |s: &str| url::form_urlencoded::byte_serialize(s.as_bytes()).collect::<String>();
            let basic = STANDARD.encode(format!("{}:{}", enc(r.client_id), enc(secret)));
            req = req.header("authorization", format!("Basic {basic}"));
        }
        let body = Full::new(Bytes::from(token_form(r)));
        let json = self.call(req.body(body).map_err(provider)?).await?;
        serde_json::from_value(json).map_err(|e| provider(format!("the token endpoint: {e}")))
    }

    /// Completes a sign-in: exchanges the code, checks the ID token, and
    /// returns its claims completed by the userinfo endpoint's.
    pub async fn redeem(&self, r: &Redeem<'_>) -> Result<Map<String, Value>, OidcError> {
        let (d, _) = self.provider(r.issuer, false).await?;
        let tokens = self.exchange(&d, r).await?;
        let mut claims = self.check_id_token(r, &tokens.id_token).await?;
        if let (Some(url), Some(at)) = (&d.userinfo_endpoint, &tokens.access_token) {
            let info = self.get(url, Some(at)).await?;
            // The userinfo answer must be about the same person (OpenID Connect Core §5.3.2).
            if info.get("sub") != claims.get("sub") {
                return Err(OidcError::Token("userinfo is about another subject".into()));
            }
            if let Value::Object(more) = info {
                for (k, v) in more {
                    claims.entry(k).or_insert(v);
                }
            }
        }
        Ok(claims)
    }

    async fn check_id_token(
        &self,
        r: &Redeem<'_>,
        token: &str,
    ) -> Result<Map<String, Value>, OidcError> {
        let tok = |e: jsonwebtoken::errors::Error| OidcError::Token(e.to_string());
        let header = jsonwebtoken::decode_header(token).map_err(tok)?;
        if !ASYMMETRIC.contains(&header.alg) {
            return Err(OidcError::Token(format!(
                "{:?} is not a signature we accept",
                header.alg
            )));
        }
        let (_, mut keys) = self.provider(r.issuer, false).await?;
        if key_for(&keys, header.kid.as_deref()).is_none() {
            keys = self.provider(r.issuer, true).await?.1;
        }
        let jwk = key_for(&keys, header.kid.as_deref()).ok_or_else(|| {
            OidcError::Token("signed with a key the provider does not publish".into())
        })?;
        verify(jwk, header.alg, token, r)
    }
}

/// Checks an ID token's signature with the provider's key `jwk` (for the
/// header's algorithm `alg`, one of [`ASYMMETRIC`]), and its `iss`, `aud`,
/// `exp` (a minute of slack) and `nonce`; its claims.
pub fn verify(
    jwk: &jsonwebtoken::jwk::Jwk,
    alg: Algorithm,
    token: &str,
    r: &Redeem<'_>,
) -> Result<Map<String, Value>, OidcError> {
    let tok = |e: jsonwebtoken::errors::Error| OidcError::Token(e.to_string());
    let key = DecodingKey::from_jwk(jwk).map_err(tok)?;
    let mut v = Validation::new(alg);
    v.set_audience(&[r.client_id]);
    v.set_issuer(&[r.issuer, &format!("{}/", r.issuer)]);
    v.set_required_spec_claims(&["exp", "iss", "aud", "sub"]);
    v.leeway = 60;
    let claims = jsonwebtoken::decode::<Map<String, Value>>(token, &key, &v)
        .map_err(tok)?
        .claims;
    if claims.get("nonce").and_then(Value::as_str) != Some(r.nonce) {
        return Err(OidcError::Token(
            "the nonce is not ours (a replayed sign-in?)".into(),
        ));
    }
    Ok(claims)
}

/// The token request's form (the client id in it when there is no secret).
fn token_form(r: &Redeem<'_>) -> String {
    let mut form = url::form_urlencoded::Serializer::new(String::new());
    form.append_pair("grant_type", "authorization_code")
        .append_pair("code", r.code)
        .append_pair("redirect_uri", r.redirect_uri)
        .append_pair("code_verifier", r.verifier);
    if r.client_secret.is_none() {
        form.append_pair("client_id", r.client_id);
    }
    form.finish()
}

/// The signatures an ID token may have.
pub const ASYMMETRIC: &[Algorithm] = &[
    Algorithm::RS256,
    Algorithm::RS384,
    Algorithm::RS512,
    Algorithm::PS256,
    Algorithm::PS384,
    Algorithm::PS512,
    Algorithm::ES256,
    Algorithm::ES384,
    Algorithm::EdDSA,
];

fn key_for<'a>(keys: &'a JwkSet, kid: Option<&str>) -> Option<&'a jsonwebtoken::jwk::Jwk> {
    match kid {
        Some(kid) => keys.find(kid),
        // No kid: only when the provider has exactly one key.
        None if keys.keys.len() == 1 => keys.keys.first(),
        None => None,
    }
}

/// What redeeming a code needs.
#[derive(Debug)]
pub struct Redeem<'a> {
    /// The provider.
    pub issuer: &'a str,
    /// Our client id.
    pub client_id: &'a str,
    /// Our client secret (opened), if any.
    pub client_secret: Option<&'a str>,
    /// The code the browser brought back.
    pub code: &'a str,
    /// The PKCE verifier.
    pub verifier: &'a str,
    /// The nonce sent.
    pub nonce: &'a str,
    /// The redirect address sent.
    pub redirect_uri: &'a str,
}

/// A new PKCE verifier (43 characters) and its S256 challenge.
pub fn pkce() -> (String, String) {
    let mut b = [0u8; 32];
    getrandom::fill(&mut b).expect("the OS random source works");
    let verifier = URL_SAFE_NO_PAD.encode(b);
    let challenge = URL_SAFE_NO_PAD.encode(ring::digest::digest(
        &ring::digest::SHA256,
        verifier.as_bytes(),
    ));
    (verifier, challenge)
}

/// The address the browser is sent to.
pub fn authorize_url(
    d: &Discovery,
    client_id: &str,
    redirect_uri: &str,
    state: &str,
    nonce: &str,
    challenge: &str,
) -> Result<String, OidcError> {
    let mut u = url::Url::parse(&d.authorization_endpoint).map_err(provider)?;
    u.query_pairs_mut()
        .append_pair("response_type", "code")
        .append_pair("client_id", client_id)
        .append_pair("redirect_uri", redirect_uri)
        .append_pair("scope", "openid profile email")
        .append_pair("state", state)
        .append_pair("nonce", nonce)
        .append_pair("code_challenge", challenge)
        .append_pair("code_challenge_method", "S256");
    Ok(u.into())
}

/// The user name a provider's claims give: `preferred_username`, else `email`.
pub fn username_of(claims: &Map<String, Value>) -> Option<String> {
    ["preferred_username", "email"]
        .iter()
        .filter_map(|k| claims.get(*k).and_then(Value::as_str))
        .map(str::trim)
        .find(|s| !s.is_empty())
        .map(str::to_string)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_challenge_is_the_verifiers_sha256() {
        let (v, c) = pkce();
        assert_eq!(v.len(), 43);
        // RFC 7636 appendix B.
        let rfc = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
        let want = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM";
        let got =
            URL_SAFE_NO_PAD.encode(ring::digest::digest(&ring::digest::SHA256, rfc.as_bytes()));
        assert_eq!(got, want);
        assert_ne!(v, c);
    }

    /// An Ed25519 key of a provider made up here: its JWK and a signer.
    fn provider_key() -> (jsonwebtoken::jwk::Jwk, jsonwebtoken::EncodingKey) {
        use ring::signature::KeyPair;
        let rng = ring::rand::SystemRandom::new();
        let pkcs8 = ring::signature::Ed25519KeyPair::generate_pkcs8(&rng).unwrap();
        let pair = ring::signature::Ed25519KeyPair::from_pkcs8(pkcs8.as_ref()).unwrap();
        let x = URL_SAFE_NO_PAD.encode(pair.public_key().as_ref());
        let jwk = serde_json::from_value(serde_json::json!(
            {"kty": "OKP", "crv": "Ed25519", "x": x, "kid": "k1", "alg": "EdDSA"}
        ))
        .unwrap();
        (jwk, jsonwebtoken::EncodingKey::from_ed_der(pkcs8.as_ref()))
    }

    fn token(key: &jsonwebtoken::EncodingKey, claims: Value) -> String {
        let header = jsonwebtoken::Header::new(Algorithm::EdDSA);
        jsonwebtoken::encode(&header, &claims, key).unwrap()
    }

    fn redeem<'a>(nonce: &'a str) -> Redeem<'a> {
        Redeem {
            issuer: "https://id.example.com",
            client_id: "centralita",
            client_secret: None,
            code: "c",
            verifier: "v",
            nonce,
            redirect_uri: "https://cc.example.com/ui/sign-in/oidc/callback",
        }
    }

    #[test]
    fn an_id_token_passes_only_for_us_now_and_with_our_nonce() {
        let (jwk, signer) = provider_key();
        let exp = (crate::clock::now_ms() / 1000) + 300;
        let good = serde_json::json!({"iss": "https://id.example.com", "aud": "centralita",
            "sub": "42", "exp": exp, "nonce": "n1", "preferred_username": "sara"});
        let claims = verify(
            &jwk,
            Algorithm::EdDSA,
            &token(&signer, good.clone()),
            &redeem("n1"),
        )
        .unwrap();
        assert_eq!(claims["preferred_username"], "sara");
        let bad = |k: &str, v: Value, nonce: &str| {
            let mut c = good.clone();
            c[k] = v;
            verify(&jwk, Algorithm::EdDSA, &token(&signer, c), &redeem(nonce))
                .unwrap_err()
                .to_string()
        };
        assert!(bad("aud", "another-client".into(), "n1").contains("Audience"));
        assert!(bad("iss", "https://evil.example.com".into(), "n1").contains("Issuer"));
        assert!(bad("exp", (exp - 3600).into(), "n1").contains("Expired"));
        assert!(bad("nonce", "n2".into(), "n1").contains("nonce"));
        // Signed by another key: refused.
        let (_, other) = provider_key();
        let e = verify(&jwk, Algorithm::EdDSA, &token(&other, good), &redeem("n1")).unwrap_err();
        assert!(e.to_string().contains("Signature"), "{e}");
        // A shared-secret algorithm is never taken.
        assert!(!ASYMMETRIC.contains(&Algorithm::HS256));
    }

    #[test]
    fn the_user_name_is_preferred_username_else_email() {
        let m = |v: Value| v.as_object().unwrap().clone();
        assert_eq!(
            username_of(&m(
                serde_json::json!({"preferred_username": "ana", "email": "a@x"})
            ))
            .as_deref(),
            Some("ana")
        );
        assert_eq!(
            username_of(&m(
                serde_json::json!({"preferred_username": " ", "email": "a@x"})
            ))
            .as_deref(),
            Some("a@x")
        );
        assert_eq!(username_of(&m(serde_json::json!({"sub": "1"}))), None);
    }
}

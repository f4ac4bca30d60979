//! Digest authentication of trunks (RFC 2617 / 3261 §22, MD5, `qop=auth`
//! or none), sans-IO: a trunk whose address has credentials must answer our
//! 401 challenge before its INVITE is looked at. Nonces carry their time
//! and a keyed hash, so they need no state and expire.

use std::net::IpAddr;

use md5::{Digest, Md5};
use serde::Deserialize;

/// How long a nonce stays good (ms).
pub const NONCE_LIFETIME_MS: u64 = 300_000;
/// Longest Authorization header looked at.
const HEADER_LEN_MAX: usize = 2_048;

/// One trunk's credentials.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TrunkCredential {
    /// The trunk's address (it must also be on the allow-list).
    pub source: IpAddr,
    /// User name.
    pub username: String,
    /// Password.
    pub password: String,
}

/// Checks digest answers from trunks.
#[derive(Debug, Clone)]
pub struct DigestGuard {
    realm: String,
    secret: String,
    credentials: Vec<TrunkCredential>,
}

fn md5_hex(s: &str) -> String {
    let mut h = Md5::new();
    h.update(s.as_bytes());
    h.finalize().iter().map(|b| format!("{b:02x}")).collect()
}

/// The parameters of a `Digest …` header value.
fn params(value: &str) -> Option<Vec<(String, String)>> {
    let rest = value.trim().strip_prefix("Digest")?.trim_start();
    let mut out = Vec::new();
    let mut chars = rest.char_indices().peekable();
    let bytes = rest;
    loop {
        // Skip separators.
        while let Some(&(_, c)) = chars.peek() {
            if c == ',' || c.is_whitespace() {
                chars.next();
            } else {
                break;
            }
        }
        let Some(&(start, _)) = chars.peek() else {
            break;
        };
        let mut eq = None;
        for (i, c) in chars.by_ref() {
            if c == '=' {
                eq = Some(i);
                break;
            }
        }
        let eq = eq?;
        let name = bytes[start..eq].trim().to_ascii_lowercase();
        let value = if chars.peek().map(|&(_, c)| c) == Some('"') {
            chars.next();
            let mut v = String::new();
            let mut closed = false;
            while let Some((_, c)) = chars.next() {
                match c {
                    '\\' => v.extend(chars.next().map(|(_, c)| c)),
                    '"' => {
                        closed = true;
                        break;
                    }
                    c => v.push(c),
                }
            }
            if !closed {
                return None;
            }
            v
        } else {
            let mut v = String::new();
            while let Some(&(_, c)) = chars.peek() {
                if c == ',' {
                    break;
                }
                v.push(c);
                chars.next();
            }
            v.trim().to_owned()
        };
        out.push((name, value));
    }
    Some(out)
}

impl DigestGuard {
    /// A guard for these trunks; `secret` keys the nonces (random per run).
    pub fn new(realm: &str, secret: &str, credentials: Vec<TrunkCredential>) -> DigestGuard {
        DigestGuard {
            realm: realm.to_owned(),
            secret: secret.to_owned(),
            credentials,
        }
    }

    /// Whether calls from this address must authenticate.
    pub fn required(&self, source: IpAddr) -> bool {
        let ip = source.to_canonical();
        self.credentials
            .iter()
            .any(|c| c.source.to_canonical() == ip)
    }

    fn nonce(&self, now_ms: u64) -> String {
        let t = format!("{now_ms:x}");
        format!("{t}.{}", md5_hex(&format!("{}:{t}", self.secret)))
    }

    fn nonce_ok(&self, nonce: &str, now_ms: u64) -> bool {
        let Some((t, _)) = nonce.split_once('.') else {
            return false;
        };
        let Ok(at) = u64::from_str_radix(t, 16) else {
            return false;
        };
        at <= now_ms && now_ms - at <= NONCE_LIFETIME_MS && self.nonce(at) == nonce
    }

    /// The `WWW-Authenticate` value of a 401 challenge.
    pub fn challenge(&self, now_ms: u64) -> String {
        format!(
            "Digest realm=\"{}\", nonce=\"{}\", algorithm=MD5, qop=\"auth\"",
            self.realm,
            self.nonce(now_ms)
        )
    }

    /// Whether `authorization` (the header's value) proves the trunk at
    /// `source` knows its password, for a request with this method.
    pub fn verify(
        &self,
        source: IpAddr,
        method: &str,
        authorization: Option<&str>,
        now_ms: u64,
    ) -> bool {
        let Some(value) = authorization.filter(|v| v.len() <= HEADER_LEN_MAX) else {
            return false;
        };
        let Some(p) = params(value) else {
            return false;
        };
        let get = |k: &str| p.iter().find(|(n, _)| n == k).map(|(_, v)| v.as_str());
        let (Some(user), Some(realm), Some(nonce), Some(uri), Some(response)) = (
            get("username"),
            get("realm"),
            get("nonce"),
            get("uri"),
            get("response"),
        ) else {
            return false;
        };
        if realm != self.realm || !self.nonce_ok(nonce, now_ms) {
            return false;
        }
        if get("algorithm").is_some_and(|a| !a.eq_ignore_ascii_case("md5")) {
            return false;
        }
        let ip = source.to_canonical();
        let Some(cred) = self
            .credentials
            .iter()
            .find(|c| c.source.to_canonical() == ip && c.username == user)
        else {
            return false;
        };
        let ha1 = md5_hex(&format!("{user}:{realm}:{}", cred.password));
        let ha2 = md5_hex(&format!("{method}:{uri}"));
        let expected = match get("qop") {
            Some("auth") => {
                let (Some(nc), Some(cnonce)) = (get("nc"), get("cnonce")) else {
                    return false;
                };
                md5_hex(&format!("{ha1}:{nonce}:{nc}:{cnonce}:auth:{ha2}"))
            }
            None => md5_hex(&format!("{ha1}:{nonce}:{ha2}")),
            Some(_) => return false,
        };
        expected.eq_ignore_ascii_case(response)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn guard() -> DigestGuard {
        DigestGuard::new(
            "centralita",
            "s3cret",
            vec![TrunkCredential {
                source: "127.0.0.1".parse().unwrap(),
                username: "carrier".into(),
                password: "pw".into(),
            }],
        )
    }

    fn answer(g: &DigestGuard, now: u64, password: &str, qop: bool) -> String {
        let c = g.challenge(now);
        let nonce = c
            .split("nonce=\"")
            .nth(1)
            .unwrap()
            .split('"')
            .next()
            .unwrap();
        let ha1 = md5_hex(&format!("carrier:centralita:{password}"));
        let ha2 = md5_hex("INVITE:sip:4001@127.0.0.1");
        if qop {
            let r = md5_hex(&format!("{ha1}:{nonce}:00000001:abc:auth:{ha2}"));
            format!(
                "Digest username=\"carrier\", realm=\"centralita\", nonce=\"{nonce}\", uri=\"sip:4001@127.0.0.1\", response=\"{r}\", algorithm=MD5, qop=auth, nc=00000001, cnonce=\"abc\""
            )
        } else {
            let r = md5_hex(&format!("{ha1}:{nonce}:{ha2}"));
            format!(
                "Digest username=\"carrier\",realm=\"centralita\",nonce=\"{nonce}\",uri=\"sip:4001@127.0.0.1\",response=\"{r}\""
            )
        }
    }

    #[test]
    fn md5_is_md5() {
        assert_eq!(md5_hex(""), "d41d8cd98f00b204e9800998ecf8427e");
    }

    #[test]
    fn the_right_password_passes_with_or_without_qop() {
        let g = guard();
        let src = "127.0.0.1".parse().unwrap();
        assert!(g.required(src));
        assert!(!g.required("127.0.0.2".parse().unwrap()));
        for qop in [true, false] {
            assert!(g.verify(src, "INVITE", Some(&answer(&g, 1_000, "pw", qop)), 2_000));
        }
    }

    #[test]
    fn wrong_passwords_stale_nonces_other_sources_and_garbage_fail() {
        let g = guard();
        let src = "127.0.0.1".parse().unwrap();
        assert!(!g.verify(src, "INVITE", Some(&answer(&g, 1_000, "nope", true)), 2_000));
        let good = answer(&g, 1_000, "pw", true);
        assert!(!g.verify(src, "INVITE", Some(&good), 1_000 + NONCE_LIFETIME_MS + 1));
        assert!(!g.verify("10.0.0.1".parse().unwrap(), "INVITE", Some(&good), 2_000));
        assert!(!g.verify(src, "BYE", Some(&good), 2_000));
        let forged = good.replace("nonce=\"3e8.", "nonce=\"3e9.");
        assert!(!g.verify(src, "INVITE", Some(&forged), 2_000));
        for junk in [
            "",
            "Digest",
            "Basic abc",
            "Digest username=\"x",
            "Digest =,=,=",
            "Digest a=\"\\",
            "Digest username=carrier, realm=centralita",
        ] {
            assert!(!g.verify(src, "INVITE", Some(junk), 2_000), "{junk:?}");
        }
        assert!(!g.verify(src, "INVITE", None, 2_000));
    }

    proptest::proptest! {
        #[test]
        fn any_header_is_refused_or_checked_never_a_panic(v in ".{0,300}", tail in "[ -~]{0,200}") {
            let g = guard();
            let src = "127.0.0.1".parse().unwrap();
            assert!(!g.verify(src, "INVITE", Some(&v), 2_000));
            assert!(!g.verify(src, "INVITE", Some(&format!("Digest {tail}")), 2_000));
        }
    }
}

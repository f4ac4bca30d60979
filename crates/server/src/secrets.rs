//! Secrets at rest: the passwords of trunks and mailboxes, OpenID clients'
//! secrets and users' two-factor keys are stored sealed (AES-256-GCM) with a
//! key kept outside the database.
//!
//! The key is 32 random bytes written as 64 hex digits. It comes from
//! `CENTRALITA_SECRET_KEY`, else from the file `CENTRALITA_SECRET_KEY_FILE`
//! names, else (for `serve` and `demo`) from `DATA/secret.key`, made at the
//! first start (mode 0600). A key file may hold several keys, one a line: the
//! first seals, every one opens (to change keys, put the new one first and
//! seal again). `centralita secret new-key` prints a key, `centralita secret
//! seal` seals a value for a settings file.
//!
//! A sealed value reads `sealed:v1:KID:DATA`: `KID` names the key (the first
//! eight hex digits of its BLAKE2b hash), `DATA` is the nonce and the
//! ciphertext in URL-safe base64. Each value is sealed for a purpose (the
//! associated data: `config`, `oidc:TENANT`, `totp:TENANT:USER`), so a
//! value copied to another place in the database does not open there.

use std::path::{Path, PathBuf};

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use blake2::{Blake2b512, Digest};
use ring::aead::{AES_256_GCM, Aad, LessSafeKey, NONCE_LEN, Nonce, UnboundKey};

/// What a sealed value starts with.
pub const PREFIX: &str = "sealed:v1:";
/// Most keys a key file may hold.
pub const KEYS_MAX: usize = 16;

/// Why a secret cannot be opened or a key read.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum SecretError {
    /// Not a sealed value.
    #[error("not a sealed value (sealed:v1:…)")]
    NotSealed,
    /// Sealed with a key that is not configured.
    #[error("sealed with key {0}, which is not configured")]
    UnknownKey(String),
    /// Altered, or sealed for another purpose.
    #[error("the sealed value does not open: altered, or sealed for another place")]
    Tampered,
    /// A key that is not 64 hex digits.
    #[error("a secret key is 64 hex digits (32 bytes): {0}")]
    BadKey(String),
}

/// One key and its name.
struct Key {
    id: String,
    aead: LessSafeKey,
}

impl std::fmt::Debug for Key {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Key({})", self.id)
    }
}

/// The keys: the first seals, all open.
#[derive(Debug)]
pub struct SecretBox {
    keys: Vec<Key>,
}

fn key_of(hex: &str) -> Result<Key, SecretError> {
    let hex = hex.trim();
    let bad = || SecretError::BadKey(format!("{} characters", hex.len()));
    if hex.len() != 64 || !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(bad());
    }
    let bytes: Vec<u8> = (0..32)
        .map(|i| u8::from_str_radix(&hex[2 * i..2 * i + 2], 16))
        .collect::<Result<_, _>>()
        .map_err(|_| bad())?;
    let digest = Blake2b512::digest(&bytes);
    let id = digest[..4].iter().map(|b| format!("{b:02x}")).collect();
    let unbound = UnboundKey::new(&AES_256_GCM, &bytes).map_err(|_| bad())?;
    Ok(Key {
        id,
        aead: LessSafeKey::new(unbound),
    })
}

impl SecretBox {
    /// Keys from text: one key (64 hex digits) a line; blank lines and
    /// lines starting with `#` are skipped.
    pub fn parse(text: &str) -> Result<SecretBox, SecretError> {
        let keys = text
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty() && !l.starts_with('#'))
            .take(KEYS_MAX)
            .map(key_of)
            .collect::<Result<Vec<_>, _>>()?;
        if keys.is_empty() {
            return Err(SecretError::BadKey("no key".into()));
        }
        Ok(SecretBox { keys })
    }

    /// A box with a fresh random key that lives as long as the process
    /// (tests; what it seals cannot be opened after a restart).
    pub fn ephemeral() -> SecretBox {
        SecretBox::parse(&new_key()).expect("a fresh key is well formed")
    }

    /// The key from the environment (`CENTRALITA_SECRET_KEY`, else the file
    /// `CENTRALITA_SECRET_KEY_FILE`), if one is set there.
    pub fn from_env() -> anyhow::Result<Option<SecretBox>> {
        if let Ok(hex) = std::env::var("CENTRALITA_SECRET_KEY") {
            return Ok(Some(
                SecretBox::parse(&hex)
                    .map_err(|e| anyhow::anyhow!("CENTRALITA_SECRET_KEY: {e}"))?,
            ));
        }
        match std::env::var_os("CENTRALITA_SECRET_KEY_FILE") {
            Some(path) => SecretBox::from_file(Path::new(&path)).map(Some),
            None => Ok(None),
        }
    }

    /// The keys in a file.
    pub fn from_file(path: &Path) -> anyhow::Result<SecretBox> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| anyhow::anyhow!("cannot read the secret key {}: {e}", path.display()))?;
        SecretBox::parse(&text).map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))
    }

    /// The key from the environment, else from `DATA/secret.key`, which is
    /// made (readable by its owner only) when missing.
    pub fn load(data: &Path) -> anyhow::Result<SecretBox> {
        if let Some(b) = SecretBox::from_env()? {
            return Ok(b);
        }
        let path = default_file(data);
        if !path.exists() {
            write_new_key(&path)?;
            tracing::warn!(path = %path.display(), "made a new secret key: keep a copy, and keep it apart from the database's backups");
        }
        SecretBox::from_file(&path)
    }

    /// The sealing key's name.
    pub fn key_id(&self) -> &str {
        &self.keys[0].id
    }

    /// Seals `plain` for `purpose`.
    pub fn seal(&self, purpose: &str, plain: &str) -> String {
        let key = &self.keys[0];
        let mut nonce = [0u8; NONCE_LEN];
        getrandom::fill(&mut nonce).expect("the OS random source works");
        let mut data = plain.as_bytes().to_vec();
        key.aead
            .seal_in_place_append_tag(
                Nonce::assume_unique_for_key(nonce),
                Aad::from(purpose.as_bytes()),
                &mut data,
            )
            .expect("AES-GCM seals any value under 64 GiB");
        let mut out = nonce.to_vec();
        out.extend_from_slice(&data);
        format!("{PREFIX}{}:{}", key.id, URL_SAFE_NO_PAD.encode(out))
    }

    /// Opens a value sealed for `purpose`.
    pub fn open(&self, purpose: &str, sealed: &str) -> Result<String, SecretError> {
        let rest = sealed.strip_prefix(PREFIX).ok_or(SecretError::NotSealed)?;
        let (kid, data) = rest.split_once(':').ok_or(SecretError::NotSealed)?;
        let key = self
            .keys
            .iter()
            .find(|k| k.id == kid)
            .ok_or_else(|| SecretError::UnknownKey(kid.to_string()))?;
        let mut bytes = URL_SAFE_NO_PAD
            .decode(data)
            .map_err(|_| SecretError::Tampered)?;
        if bytes.len() < NONCE_LEN {
            return Err(SecretError::Tampered);
        }
        let mut ct = bytes.split_off(NONCE_LEN);
        let nonce = Nonce::try_assume_unique_for_key(&bytes).map_err(|_| SecretError::Tampered)?;
        let plain = key
            .aead
            .open_in_place(nonce, Aad::from(purpose.as_bytes()), &mut ct)
            .map_err(|_| SecretError::Tampered)?;
        String::from_utf8(plain.to_vec()).map_err(|_| SecretError::Tampered)
    }

    /// A value from a settings file: opened when sealed (for `config`),
    /// taken as it is otherwise, with a warning naming `what`.
    pub fn open_config(&self, what: &str, value: &str) -> Result<String, SecretError> {
        if is_sealed(value) {
            return self.open(PURPOSE_CONFIG, value);
        }
        tracing::warn!(
            what,
            "a secret is stored in the clear: seal it with `centralita secret seal`"
        );
        Ok(value.to_string())
    }
}

/// The purpose of values sealed for settings files.
pub const PURPOSE_CONFIG: &str = "config";

/// Whether a value is sealed.
pub fn is_sealed(value: &str) -> bool {
    value.starts_with(PREFIX)
}

/// A new random key, 64 hex digits.
pub fn new_key() -> String {
    crate::auth::random_hex(32)
}

/// Where `serve` and `demo` keep the key when the environment names none.
pub fn default_file(data: &Path) -> PathBuf {
    data.join("secret.key")
}

fn write_new_key(path: &Path) -> anyhow::Result<()> {
    use std::io::Write;
    let mut opts = std::fs::OpenOptions::new();
    opts.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut opts, 0o600);
    let mut f = opts
        .open(path)
        .map_err(|e| anyhow::anyhow!("cannot make the secret key {}: {e}", path.display()))?;
    writeln!(f, "{}", new_key())?;
    f.sync_all()?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_sealed_value_opens_for_its_purpose_only() {
        let b = SecretBox::ephemeral();
        let s = b.seal("oidc:acme", "client secret");
        assert!(is_sealed(&s) && !s.contains("client"));
        assert_eq!(b.open("oidc:acme", &s).unwrap(), "client secret");
        assert_eq!(b.open("oidc:rival", &s), Err(SecretError::Tampered));
        // Two seals of one value differ (random nonces).
        assert_ne!(s, b.seal("oidc:acme", "client secret"));
    }

    #[test]
    fn an_altered_value_or_another_key_does_not_open() {
        let b = SecretBox::ephemeral();
        let s = b.seal("config", "pw");
        let mut altered = s.clone().into_bytes();
        let last = altered.len() - 1;
        altered[last] = if altered[last] == b'A' { b'B' } else { b'A' };
        let altered = String::from_utf8(altered).unwrap();
        assert_eq!(b.open("config", &altered), Err(SecretError::Tampered));
        let other = SecretBox::ephemeral();
        assert!(matches!(
            other.open("config", &s),
            Err(SecretError::UnknownKey(_))
        ));
        assert_eq!(b.open("config", "pw"), Err(SecretError::NotSealed));
    }

    #[test]
    fn an_old_key_still_opens_after_a_new_one_comes_first() {
        let old = new_key();
        let sealed = SecretBox::parse(&old).unwrap().seal("config", "pw");
        let both = SecretBox::parse(&format!("# new first\n{}\n{old}\n", new_key())).unwrap();
        assert_eq!(both.open("config", &sealed).unwrap(), "pw");
        assert_ne!(both.key_id(), SecretBox::parse(&old).unwrap().key_id());
        assert!(matches!(
            SecretBox::parse("abc"),
            Err(SecretError::BadKey(_))
        ));
        assert!(matches!(SecretBox::parse(""), Err(SecretError::BadKey(_))));
    }
}

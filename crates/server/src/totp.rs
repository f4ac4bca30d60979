//! Time-based one-time passwords (RFC 6238, by `totp-rs`): six digits, a
//! thirty-second step, one step of slack either way, SHA-1 (what every
//! authenticator app reads). A key is 160 random bits, shown in base32 and
//! as an `otpauth://` address and its QR code.

use totp_rs::{Algorithm, Builder, Secret, Totp};

/// Seconds a code lasts.
pub const STEP_S: u64 = 30;

/// A new key, in base32.
pub fn new_secret() -> String {
    let mut b = [0u8; 20];
    getrandom::fill(&mut b).expect("the OS random source works");
    Secret::new_stack(b).to_base32()
}

fn totp(secret_b32: &str, issuer: &str, account: &str) -> Option<Totp> {
    let secret = Secret::try_from_base32(secret_b32).ok()?;
    Builder::new()
        .with_algorithm(Algorithm::SHA1)
        .with_digits(6)
        .with_skew(1)
        .with_step_duration(STEP_S)
        .with_secret(secret)
        .with_issuer(Some(issuer.replace(':', " ")))
        .with_account_name(account.replace(':', " "))
        .build()
        .ok()
}

/// The time step a code is right for at `now_s` (one step either way), if any.
pub fn check(secret_b32: &str, code: &str, now_s: u64) -> Option<i64> {
    let code: String = code.chars().filter(|c| !c.is_whitespace()).collect();
    if code.len() != 6 || !code.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let t = totp(secret_b32, "Centralita", "user")?;
    t.check(&code, now_s)
        .and_then(|step| i64::try_from(step).ok())
}

/// The code at `now_s` (tests, and the command line's `totp` helper).
pub fn code_at(secret_b32: &str, now_s: u64) -> Option<String> {
    Some(
        totp(secret_b32, "Centralita", "user")?
            .generate(now_s)
            .to_string(),
    )
}

/// The `otpauth://totp/…` address an authenticator app adds the key from.
pub fn uri(secret_b32: &str, issuer: &str, account: &str) -> Option<String> {
    totp(secret_b32, issuer, account)?.to_url().ok()
}

/// The address as a QR code, an SVG image.
pub fn qr_svg(uri: &str) -> Option<String> {
    let code = qrcode::QrCode::new(uri.as_bytes()).ok()?;
    Some(
        code.render::<qrcode::render::svg::Color<'_>>()
            .min_dimensions(200, 200)
            .quiet_zone(true)
            .build(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    /// RFC 6238, appendix B (SHA-1, the 20-byte key "12345678901234567890"),
    /// the last six of its eight digits.
    #[test]
    fn codes_match_the_rfc_vectors() {
        let key = Secret::new(b"12345678901234567890".to_vec().into_boxed_slice()).to_base32();
        for (t, eight) in [
            (59, "94287082"),
            (1111111109, "07081804"),
            (2000000000, "69279037"),
        ] {
            assert_eq!(code_at(&key, t).unwrap(), eight[2..], "t = {t}");
        }
    }

    #[test]
    fn a_code_passes_one_step_either_way_and_no_further() {
        let key = new_secret();
        let now = 1_800_000_000;
        let code = code_at(&key, now).unwrap();
        assert_eq!(check(&key, &code, now), Some((now / STEP_S) as i64));
        assert!(check(&key, &code, now + STEP_S).is_some());
        assert!(check(&key, &code, now + 3 * STEP_S).is_none());
        assert!(check(&key, "12345", now).is_none());
        assert!(check(&key, "abcdef", now).is_none());
        let spaced = format!("{} {}", &code[..3], &code[3..]);
        assert!(check(&key, &spaced, now).is_some());
    }

    #[test]
    fn the_address_and_its_qr_code_name_the_key() {
        let key = new_secret();
        let u = uri(&key, "Centralita (acme)", "sup:ervisor").unwrap();
        assert!(u.starts_with("otpauth://totp/") && u.contains(&key), "{u}");
        let svg = qr_svg(&u).unwrap();
        assert!(svg.contains("<svg"), "{svg}");
    }
}

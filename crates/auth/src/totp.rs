//! The optional second factor: RFC 6238 time-based one-time codes (SHA-1, 6 digits,
//! 30-second steps, one step of clock skew either way), as authenticator apps show them.

use std::time::{SystemTime, UNIX_EPOCH};

use rand::TryRng;
use totp_rs::{Algorithm, Secret, TOTP};

fn totp(secret_base32: &str) -> Option<TOTP> {
    let bytes = Secret::Encoded(secret_base32.to_string()).to_bytes().ok()?;
    Some(TOTP::new_unchecked(Algorithm::SHA1, 6, 1, 30, bytes))
}

/// Whether `code` is valid for the secret at `now`.
pub fn verify(secret_base32: &str, code: &str, now: SystemTime) -> bool {
    let Some(totp) = totp(secret_base32) else {
        return false;
    };
    let seconds = now.duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs());
    code.len() == 6 && totp.check(code, seconds)
}

/// The code an authenticator shows at `now` (for tests and enrolment checks).
pub fn code_at(secret_base32: &str, now: SystemTime) -> Option<String> {
    let seconds = now.duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs());
    Some(totp(secret_base32)?.generate(seconds))
}

/// A new random 160-bit secret, base32 encoded.
pub fn new_secret() -> Result<String, rand::rngs::SysError> {
    let mut bytes = [0u8; 20];
    rand::rngs::SysRng.try_fill_bytes(&mut bytes)?;
    Ok(Secret::Raw(bytes.to_vec()).to_encoded().to_string())
}

/// The `otpauth://` URI authenticator apps import (usually as a QR code).
pub fn provisioning_uri(secret_base32: &str, email: &str) -> String {
    let label: String = email
        .bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b'_' | b'@') {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect();
    format!("otpauth://totp/Draxis:{label}?secret={secret_base32}&issuer=Draxis&digits=6&period=30")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_verify_within_one_step_of_skew() {
        let secret = new_secret().unwrap();
        let now = SystemTime::now();
        let code = code_at(&secret, now).unwrap();
        assert!(verify(&secret, &code, now));
        assert!(verify(
            &secret,
            &code,
            now + std::time::Duration::from_secs(25)
        ));
        assert!(!verify(
            &secret,
            &code,
            now + std::time::Duration::from_secs(120)
        ));
        assert!(!verify(&secret, "000000x", now));
    }
}

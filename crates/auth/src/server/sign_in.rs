//! People at the console: sign-in (argon2id password on the CPU pool, TOTP when
//! enrolled, throttled per address and per e-mail as `throttle` says), sessions, CSRF
//! tokens bound to them, and what a role may mint.

use std::net::IpAddr;
use std::time::SystemTime;

use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

use super::{AuthorizationServer, OAuthError, Session, ms, now_ms, randomness, throttle};
use crate::oauth::OpaqueSecret;
use crate::pat::{MintedToken, TokenHash};
use crate::people::{Membership, Role, User};
use crate::scope::{Scope, Scopes};
use crate::storage::StorageError;

/// Why signing in failed. Messages never say whether the email exists.
#[derive(Debug, thiserror::Error)]
pub enum SignInError {
    #[error("wrong email or password")]
    BadCredentials,
    #[error("enter the 6-digit code from your authenticator app")]
    SecondFactorRequired,
    #[error("that authenticator code is not valid; check your device's clock and try again")]
    BadSecondFactor,
    /// Throttled (see [`super::throttle`]): the seconds until the next attempt.
    #[error(
        "too many failed sign-ins for this account: try again in {}, or ask an admin",
        wait_text(*.0)
    )]
    TooManyAttempts(u64),
    #[error("sign-in is unavailable right now, try again shortly")]
    Unavailable(#[source] StorageError),
}

/// "N seconds" below two minutes, else "N minutes" (rounded up).
fn wait_text(secs: u64) -> String {
    match secs {
        0..=1 => "1 second".to_string(),
        2..=119 => format!("{secs} seconds"),
        _ => format!("{} minutes", secs.div_ceil(60)),
    }
}

impl AuthorizationServer {
    /// Checks an email and password (and the second factor when enrolled), from the
    /// client `address` (as the transport saw it; `None` when it could not tell), under
    /// the throttle of [`super::throttle`].
    pub async fn sign_in(
        &self,
        email: &str,
        password: &str,
        totp_code: Option<&str>,
        address: Option<IpAddr>,
    ) -> Result<User, SignInError> {
        let email = crate::people::normalize_email(email).unwrap_or_default();
        let client = throttle::client_key(address);
        self.check_not_throttled(&email, &client).await?;
        let outcome = self.check_credentials(&email, password, totp_code).await;
        let now = now_ms();
        let recorded = match &outcome {
            Ok(_) => {
                self.store
                    .record_sign_in_success(&email, &client, now)
                    .await
            }
            Err(SignInError::BadCredentials | SignInError::BadSecondFactor) => {
                self.store
                    .record_sign_in_failure(
                        &email,
                        &client,
                        now,
                        now - ms(throttle::FAILURE_WINDOW),
                        now - ms(throttle::KNOWN_ADDRESS_FOR),
                    )
                    .await
            }
            Err(_) => Ok(()),
        };
        if let Err(error) = recorded {
            tracing::error!(%error, "could not record a sign-in attempt");
        }
        outcome
    }

    /// Refuses a sign-in that must wait (shared by every replica through storage).
    async fn check_not_throttled(&self, email: &str, client: &str) -> Result<(), SignInError> {
        let (from_address, every_address) = self
            .store
            .sign_in_records(email, client)
            .await
            .map_err(SignInError::Unavailable)?;
        match throttle::wait_before_sign_in(&from_address, &every_address, now_ms()) {
            Some(wait) => Err(SignInError::TooManyAttempts(
                wait.as_millis().div_ceil(1000).max(1) as u64,
            )),
            None => Ok(()),
        }
    }

    async fn check_credentials(
        &self,
        email: &str,
        password: &str,
        totp_code: Option<&str>,
    ) -> Result<User, SignInError> {
        let user = self
            .store
            .user_by_email(email)
            .await
            .map_err(SignInError::Unavailable)?;
        let stored = user
            .as_ref()
            .filter(|u| !u.disabled)
            .map(|u| u.password_hash.clone());
        let presented = password.to_string();
        // argon2 on the CPU pool; an unknown email spends the same time.
        let matches = crate::cpu::run_on(self.cpu.as_ref(), move || match stored {
            Some(hash) => crate::password::verify_password(&hash, &presented),
            None => {
                crate::password::verify_against_nothing(&presented);
                false
            }
        })
        .await
        .unwrap_or(false);
        let Some(user) = user.filter(|u| matches && !u.disabled) else {
            return Err(SignInError::BadCredentials);
        };
        if let Some(secret) = &user.totp_secret {
            let code = totp_code
                .map(str::trim)
                .filter(|c| !c.is_empty())
                .ok_or(SignInError::SecondFactorRequired)?;
            if !crate::totp::verify(secret, code, SystemTime::now()) {
                return Err(SignInError::BadSecondFactor);
            }
        }
        Ok(user)
    }

    /// Starts a console session; returns the cookie value (shown only to the browser).
    pub async fn start_session(&self, user: &User) -> Result<String, OAuthError> {
        let session = OpaqueSecret::mint("drx_session_").map_err(randomness)?;
        self.store
            .create_session(
                &session.hash,
                user.id,
                now_ms() + ms(self.config.session_ttl),
            )
            .await
            .map_err(OAuthError::unavailable)?;
        Ok(session.plaintext)
    }

    /// The session behind a cookie value, if it is live.
    pub async fn session(&self, cookie: &str) -> Result<Option<Session>, StorageError> {
        if !cookie.starts_with("drx_session_") || cookie.len() > 100 {
            return Ok(None);
        }
        self.store.session(&TokenHash::of(cookie), now_ms()).await
    }

    pub async fn end_session(&self, cookie: &str) -> Result<(), StorageError> {
        self.store.delete_session(&TokenHash::of(cookie)).await
    }
}

/// The CSRF token of a session: derived from the (HttpOnly) session secret, so only a
/// page served to that browser can know it.
pub fn csrf_token(session_cookie: &str) -> String {
    let mut hasher = Sha256::new();
    hasher.update(b"draxis/csrf/v1\0");
    hasher.update(session_cookie.as_bytes());
    hex::encode(hasher.finalize())
}

/// Constant-time comparison of a submitted CSRF token.
pub fn csrf_matches(session_cookie: &str, submitted: &str) -> bool {
    bool::from(
        csrf_token(session_cookie)
            .as_bytes()
            .ct_eq(submitted.as_bytes()),
    )
}

/// Mints a PAT for a console user: never more scope than their role allows.
pub fn mint_pat_for(membership: &Membership, scopes: Scopes) -> Result<MintedToken, OAuthError> {
    if scopes.allows(Scope::Write) && !membership.role.max_scopes().allows(Scope::Write) {
        return Err(OAuthError::new(
            "access_denied",
            format!(
                "your role in {} is {}: you may create read tokens only",
                membership.tenant_name, membership.role
            ),
        ));
    }
    MintedToken::generate(&membership.tenant_slug).map_err(randomness)
}

/// Whether a role may do what `scopes` allow.
pub fn role_allows(role: Role, scopes: Scopes) -> bool {
    !scopes.allows(Scope::Write) || role.max_scopes().allows(Scope::Write)
}

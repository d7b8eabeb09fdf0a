//! People at the console: sign-in (argon2id password, TOTP when enrolled, a lock after
//! repeated failures), sessions, CSRF tokens bound to them, and what a role may mint.

use std::time::{Duration, SystemTime};

use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

use super::{AuthorizationServer, OAuthError, Session, ms, now_ms, randomness};
use crate::oauth::OpaqueSecret;
use crate::pat::{MintedToken, TokenHash};
use crate::people::{Membership, Role, User};
use crate::scope::{Scope, Scopes};
use crate::storage::StorageError;

/// Failed sign-ins allowed per email within `SIGN_IN_WINDOW` before it is locked.
const MAX_FAILED_SIGN_INS: u32 = 5;
const SIGN_IN_WINDOW: Duration = Duration::from_secs(15 * 60);

/// Why signing in failed. Messages never say whether the email exists.
#[derive(Debug, thiserror::Error)]
pub enum SignInError {
    #[error("wrong email or password")]
    BadCredentials,
    #[error("enter the 6-digit code from your authenticator app")]
    SecondFactorRequired,
    #[error("that authenticator code is not valid; check your device's clock and try again")]
    BadSecondFactor,
    #[error(
        "too many failed sign-ins for this account: wait {0} minute(s) and try again, or ask an admin"
    )]
    TooManyAttempts(u64),
    #[error("sign-in is unavailable right now, try again shortly")]
    Unavailable(#[source] StorageError),
}

impl AuthorizationServer {
    /// Checks an email and password (and the second factor when enrolled).
    pub async fn sign_in(
        &self,
        email: &str,
        password: &str,
        totp_code: Option<&str>,
    ) -> Result<User, SignInError> {
        let email = crate::people::normalize_email(email).unwrap_or_default();
        self.check_not_locked(&email)?;
        let outcome = self.check_credentials(&email, password, totp_code).await;
        let mut failures = self
            .failed_sign_ins
            .lock()
            .unwrap_or_else(|e| e.into_inner());
        match &outcome {
            Ok(_) => {
                failures.remove(&email);
            }
            Err(SignInError::BadCredentials | SignInError::BadSecondFactor) => {
                if failures.len() >= 100_000 {
                    failures.clear();
                }
                let entry = failures
                    .entry(email)
                    .or_insert((0, std::time::Instant::now()));
                if entry.1.elapsed() >= SIGN_IN_WINDOW {
                    *entry = (0, std::time::Instant::now());
                }
                entry.0 += 1;
            }
            Err(_) => {}
        }
        outcome
    }

    /// Refuses an email with too many recent failures (this process's count; each
    /// replica keeps its own).
    fn check_not_locked(&self, email: &str) -> Result<(), SignInError> {
        let failures = self
            .failed_sign_ins
            .lock()
            .unwrap_or_else(|e| e.into_inner());
        match failures.get(email) {
            Some((count, since))
                if *count >= MAX_FAILED_SIGN_INS && since.elapsed() < SIGN_IN_WINDOW =>
            {
                let left = SIGN_IN_WINDOW.saturating_sub(since.elapsed()).as_secs();
                Err(SignInError::TooManyAttempts(left.div_ceil(60).max(1)))
            }
            _ => Ok(()),
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
        let Some(user) = user.filter(|u| !u.disabled) else {
            crate::password::verify_against_nothing(password);
            return Err(SignInError::BadCredentials);
        };
        if !crate::password::verify_password(&user.password_hash, password) {
            return Err(SignInError::BadCredentials);
        }
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

//! The authorization code flow: checking an authorization request, the person's
//! approval, the token endpoint (code + PKCE, rotating refresh tokens with a grace
//! period for parallel sessions, replay revoking the grant) and revocation (RFC 7009).

use super::{
    AuthorizationServer, Client, NewCode, NewTokenPair, OAuthError, ms, now_ms, randomness,
};
use crate::oauth::{
    self, ACCESS_TOKEN_PREFIX, CODE_PREFIX, OpaqueSecret, REFRESH_TOKEN_PREFIX, RequestedScopes,
};
use crate::pat::TokenHash;
use crate::people::{Membership, User};
use crate::scope::{Scope, Scopes};

/// The query of an authorization request.
#[derive(Debug, Clone, Default)]
pub struct AuthorizationRequest {
    pub response_type: Option<String>,
    pub client_id: Option<String>,
    pub redirect_uri: Option<String>,
    pub code_challenge: Option<String>,
    pub code_challenge_method: Option<String>,
    pub state: Option<String>,
    pub scope: Option<String>,
    pub resource: Option<String>,
}

/// An authorization request that passed every check.
#[derive(Debug, Clone)]
pub struct ValidAuthorization {
    pub client: Client,
    pub redirect_uri: String,
    pub code_challenge: String,
    pub state: Option<String>,
    pub requested: RequestedScopes,
    pub resource: String,
}

/// Why an authorization request was refused.
#[derive(Debug, Clone)]
pub enum AuthorizationFailure {
    /// The client or redirect URI cannot be trusted: show an error page, never redirect.
    Page(String),
    /// Tell the client through its (verified) redirect URI.
    Redirect {
        redirect_uri: String,
        state: Option<String>,
        error: OAuthError,
    },
}

/// The body of a token request.
#[derive(Debug, Clone, Default)]
pub struct TokenRequest {
    pub grant_type: Option<String>,
    pub code: Option<String>,
    pub redirect_uri: Option<String>,
    pub client_id: Option<String>,
    pub code_verifier: Option<String>,
    pub refresh_token: Option<String>,
    pub scope: Option<String>,
    pub resource: Option<String>,
}

/// A successful token response.
pub struct TokenResponse {
    pub access_token: String,
    pub refresh_token: String,
    pub expires_in: u64,
    pub scope: &'static str,
}

impl std::fmt::Debug for TokenResponse {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TokenResponse")
            .field("scope", &self.scope)
            .finish_non_exhaustive()
    }
}

impl AuthorizationServer {
    fn same_resource(&self, presented: &str) -> bool {
        presented.trim_end_matches('/') == self.config.resource
    }

    /// Checks an authorization request before anyone signs in or approves it.
    pub async fn validate_authorization(
        &self,
        request: &AuthorizationRequest,
    ) -> Result<ValidAuthorization, AuthorizationFailure> {
        let page = |text: &str| AuthorizationFailure::Page(text.to_string());
        let client_id = request
            .client_id
            .as_deref()
            .filter(|c| !c.is_empty())
            .ok_or_else(|| {
                page(
                    "The request names no client_id. Start the sign-in again from your MCP client.",
                )
            })?;
        let client = self
            .client(client_id)
            .await
            .map_err(|why| {
                AuthorizationFailure::Page(format!(
                    "The client {} cannot be trusted: {why}.",
                    client_id.chars().take(200).collect::<String>()
                ))
            })?
            .ok_or_else(|| {
                page("This client is not registered with Draxis. Remove the server from your MCP client and add it again so it registers anew.")
            })?;
        let redirect_uri = match request.redirect_uri.as_deref() {
            Some(uri) => {
                if !client
                    .redirect_uris
                    .iter()
                    .any(|registered| oauth::redirect_uri_matches(registered, uri))
                {
                    return Err(page(
                        "The redirect address in this request is not one the client registered, so Draxis will not send you there.",
                    ));
                }
                uri.to_string()
            }
            // Registered before redirect URIs were parsed strictly, it may not be valid.
            None if client.redirect_uris.len() == 1
                && oauth::check_redirect_uri(&client.redirect_uris[0]).is_ok() =>
            {
                client.redirect_uris[0].clone()
            }
            None if client.redirect_uris.len() == 1 => {
                return Err(page(
                    "The redirect address this client registered is not a valid URL, so Draxis will not send you there. Remove the server from your MCP client and add it again so it registers anew.",
                ));
            }
            None => {
                return Err(page(
                    "The request names no redirect_uri and the client registered several. Start the sign-in again from your MCP client.",
                ));
            }
        };
        let redirect = |code: &'static str, text: String| AuthorizationFailure::Redirect {
            redirect_uri: redirect_uri.clone(),
            state: request.state.clone(),
            error: OAuthError::new(code, text),
        };
        if request.response_type.as_deref() != Some("code") {
            return Err(redirect(
                "unsupported_response_type",
                "response_type must be `code`".into(),
            ));
        }
        let challenge = request.code_challenge.as_deref().unwrap_or("");
        if challenge.is_empty() {
            return Err(redirect(
                "invalid_request",
                "PKCE is required: send code_challenge with code_challenge_method=S256".into(),
            ));
        }
        if request.code_challenge_method.as_deref() != Some("S256") {
            return Err(redirect(
                "invalid_request",
                "code_challenge_method must be S256 (plain is not accepted)".into(),
            ));
        }
        if !oauth::is_valid_code_challenge(challenge) {
            return Err(redirect(
                "invalid_request",
                "code_challenge must be the 43-character base64url SHA-256 of the verifier".into(),
            ));
        }
        let requested = oauth::parse_oauth_scope(request.scope.as_deref())
            .map_err(|why| redirect("invalid_scope", why))?;
        let resource = match request.resource.as_deref() {
            None | Some("") => {
                return Err(redirect(
                    "invalid_target",
                    format!(
                        "the resource parameter is required (RFC 8707): send resource={}",
                        self.config.resource
                    ),
                ));
            }
            Some(r) if self.same_resource(r) => self.config.resource.clone(),
            Some(r) => {
                return Err(redirect(
                    "invalid_target",
                    format!(
                        "resource `{}` is not served here: this server issues tokens only for {}",
                        r.chars().take(200).collect::<String>(),
                        self.config.resource
                    ),
                ));
            }
        };
        if request.state.as_deref().is_some_and(|s| s.len() > 1000) {
            return Err(page(
                "The state parameter is too long (over 1000 characters).",
            ));
        }
        Ok(ValidAuthorization {
            client,
            redirect_uri,
            code_challenge: challenge.to_string(),
            state: request.state.clone(),
            requested,
            resource,
        })
    }

    /// The user approved: issues a code for the chosen tenant and returns the URL to
    /// send the browser to. Refuses `mcp:write` beyond the user's role.
    pub async fn approve(
        &self,
        user: &User,
        membership: &Membership,
        request: &ValidAuthorization,
        grant_write: bool,
    ) -> Result<String, OAuthError> {
        if grant_write && !request.requested.wants_write {
            return Err(OAuthError::new(
                "invalid_scope",
                "the client did not ask for mcp:write",
            ));
        }
        if grant_write && !membership.role.max_scopes().allows(Scope::Write) {
            return Err(OAuthError::new(
                "access_denied",
                format!(
                    "your role in {} is {}, which may grant only mcp:read; ask an admin for the analyst role to grant mcp:write",
                    membership.tenant_name, membership.role
                ),
            ));
        }
        let code = OpaqueSecret::mint(CODE_PREFIX).map_err(randomness)?;
        let now = now_ms();
        self.store
            .insert_code(&NewCode {
                hash: code.hash.clone(),
                tenant_id: membership.tenant_id,
                user_id: user.id,
                client_id: request.client.client_id.clone(),
                redirect_uri: request.redirect_uri.clone(),
                code_challenge: request.code_challenge.clone(),
                scopes: if grant_write {
                    Scopes::READ_WRITE
                } else {
                    Scopes::READ
                },
                resource: request.resource.clone(),
                expires_at: now + ms(self.config.code_ttl),
            })
            .await
            .map_err(OAuthError::unavailable)?;
        let mut params = vec![("code", code.plaintext.as_str())];
        if let Some(state) = &request.state {
            params.push(("state", state));
        }
        params.push(("iss", &self.config.issuer));
        Ok(with_query(&request.redirect_uri, &params))
    }

    /// The user declined: the URL that tells the client so.
    pub fn deny(&self, request: &ValidAuthorization) -> String {
        error_redirect(
            &request.redirect_uri,
            request.state.as_deref(),
            &self.config.issuer,
            &OAuthError::new("access_denied", "the user declined the request"),
        )
    }

    /// The token endpoint.
    pub async fn token(&self, request: &TokenRequest) -> Result<TokenResponse, OAuthError> {
        match request.grant_type.as_deref() {
            Some("authorization_code") => self.exchange_code(request).await,
            Some("refresh_token") => self.refresh(request).await,
            Some(other) => Err(OAuthError::new(
                "unsupported_grant_type",
                format!(
                    "grant_type `{}` is not supported: use authorization_code or refresh_token",
                    other.chars().take(64).collect::<String>()
                ),
            )),
            None => Err(OAuthError::new(
                "invalid_request",
                "grant_type is required: authorization_code or refresh_token",
            )),
        }
    }

    fn mint_pair(
        &self,
        scopes: Scopes,
        now: i64,
    ) -> Result<(OpaqueSecret, OpaqueSecret, NewTokenPair), OAuthError> {
        let access = OpaqueSecret::mint(ACCESS_TOKEN_PREFIX).map_err(randomness)?;
        let refresh = OpaqueSecret::mint(REFRESH_TOKEN_PREFIX).map_err(randomness)?;
        let pair = NewTokenPair {
            access_hash: access.hash.clone(),
            refresh_hash: refresh.hash.clone(),
            scopes,
            access_expires_at: now + ms(self.config.access_token_ttl),
            refresh_expires_at: now + ms(self.config.refresh_token_ttl),
        };
        Ok((access, refresh, pair))
    }

    async fn exchange_code(&self, request: &TokenRequest) -> Result<TokenResponse, OAuthError> {
        let invalid_grant = |text: &str| OAuthError::new("invalid_grant", text);
        let client_id = request.client_id.as_deref().ok_or_else(|| {
            OAuthError::new(
                "invalid_request",
                "client_id is required for public clients",
            )
        })?;
        let client = self
            .client(client_id)
            .await
            .map_err(|why| OAuthError::new("invalid_client", why))?
            .ok_or_else(|| {
                OAuthError::new("invalid_client", "unknown client_id: register again")
            })?;
        let code_text = request
            .code
            .as_deref()
            .ok_or_else(|| OAuthError::new("invalid_request", "code is required"))?;
        let code = self
            .store
            .code_by_hash(&TokenHash::of(code_text))
            .await
            .map_err(OAuthError::unavailable)?
            .ok_or_else(|| invalid_grant("unknown authorization code: start the sign-in again"))?;
        if code.client_id != client.client_id {
            return Err(invalid_grant(
                "authorization code was issued to another client",
            ));
        }
        if request.redirect_uri.as_deref() != Some(code.redirect_uri.as_str()) {
            return Err(invalid_grant(
                "redirect_uri must be exactly the one sent in the authorization request",
            ));
        }
        let verifier = request.code_verifier.as_deref().ok_or_else(|| {
            OAuthError::new("invalid_request", "code_verifier is required (PKCE)")
        })?;
        if !oauth::pkce_s256_matches(&code.code_challenge, verifier) {
            return Err(invalid_grant(
                "code_verifier does not match the code_challenge of the authorization request",
            ));
        }
        // Only the presenter who holds the code's client, redirect URI and PKCE verifier
        // can be the one the code was issued to: a replay by anyone else revokes nothing.
        if let Some(grant) = code.used {
            if let Some(grant_id) = grant {
                self.store
                    .revoke_grant(grant_id, now_ms())
                    .await
                    .map_err(OAuthError::unavailable)?;
            }
            return Err(invalid_grant(
                "authorization code was already used; the tokens issued for it are revoked. Start the sign-in again",
            ));
        }
        let now = now_ms();
        if code.expires_at <= now {
            return Err(invalid_grant(
                "authorization code has expired (codes live 60 seconds): start the sign-in again",
            ));
        }
        if let Some(resource) = request.resource.as_deref()
            && resource.trim_end_matches('/') != code.resource
        {
            return Err(OAuthError::new(
                "invalid_target",
                format!("the code was granted for {}, not {resource}", code.resource),
            ));
        }
        let (access, refresh, pair) = self.mint_pair(code.scopes, now)?;
        let exchanged = self
            .store
            .exchange_code(&code, &client.client_name, &pair, now)
            .await
            .map_err(OAuthError::unavailable)?;
        if exchanged.is_none() {
            return Err(invalid_grant(
                "authorization code was already used: start the sign-in again",
            ));
        }
        Ok(TokenResponse {
            access_token: access.plaintext,
            refresh_token: refresh.plaintext,
            expires_in: self.config.access_token_ttl.as_secs(),
            scope: oauth::oauth_scope_string(code.scopes),
        })
    }

    async fn refresh(&self, request: &TokenRequest) -> Result<TokenResponse, OAuthError> {
        let invalid_grant = |text: &str| OAuthError::new("invalid_grant", text);
        let presented = request
            .refresh_token
            .as_deref()
            .ok_or_else(|| OAuthError::new("invalid_request", "refresh_token is required"))?;
        let hash = TokenHash::of(presented);
        let mut stored = self
            .store
            .refresh_token(&hash)
            .await
            .map_err(OAuthError::unavailable)?
            .ok_or_else(|| invalid_grant("unknown refresh token: sign in again"))?;
        if let Some(client_id) = request.client_id.as_deref()
            && client_id != stored.client_id
        {
            return Err(invalid_grant("refresh token was issued to another client"));
        }
        if stored.grant_revoked {
            return Err(invalid_grant(
                "this grant was revoked (Connected apps, or a reused refresh token): sign in again",
            ));
        }
        if !stored.user_active {
            return Err(invalid_grant(
                "the user was disabled or removed from the tenant: sign in again",
            ));
        }
        let now = now_ms();
        if stored.expires_at <= now {
            return Err(invalid_grant("refresh token has expired: sign in again"));
        }
        let scopes = match request.scope.as_deref() {
            None | Some("") => stored.scopes,
            Some(text) => {
                let asked = oauth::parse_oauth_scope(Some(text))
                    .map_err(|why| OAuthError::new("invalid_scope", why))?;
                if asked.scopes.allows(Scope::Write) && !stored.scopes.allows(Scope::Write) {
                    return Err(OAuthError::new(
                        "invalid_scope",
                        "a refresh cannot add mcp:write: sign in again and approve it",
                    ));
                }
                asked.scopes
            }
        };
        if stored.rotated_at.is_none() {
            let (access, refresh, pair) = self.mint_pair(scopes, now)?;
            let sealed = oauth::seal_successor(presented, &access.plaintext, &refresh.plaintext)
                .map_err(|e| OAuthError::new("server_error", e))?;
            if self
                .store
                .rotate_refresh_token(&stored, &sealed, &pair, now)
                .await
                .map_err(OAuthError::unavailable)?
            {
                return Ok(TokenResponse {
                    access_token: access.plaintext,
                    refresh_token: refresh.plaintext,
                    expires_in: self.config.access_token_ttl.as_secs(),
                    scope: oauth::oauth_scope_string(scopes),
                });
            }
            // A parallel request rotated it a moment ago: answer as it did.
            stored = self
                .store
                .refresh_token(&hash)
                .await
                .map_err(OAuthError::unavailable)?
                .ok_or_else(|| invalid_grant("unknown refresh token: sign in again"))?;
        }
        let rotated_at = stored.rotated_at.unwrap_or(now);
        let within_grace = now - rotated_at <= ms(self.config.refresh_grace);
        if within_grace
            && let Some((access, refresh)) = stored
                .successor
                .as_deref()
                .and_then(|sealed| oauth::open_successor(presented, sealed))
        {
            let left = (rotated_at + ms(self.config.access_token_ttl) - now).max(0) / 1000;
            return Ok(TokenResponse {
                access_token: access,
                refresh_token: refresh,
                expires_in: left as u64,
                scope: oauth::oauth_scope_string(stored.scopes),
            });
        }
        self.store
            .revoke_grant(stored.grant_id, now)
            .await
            .map_err(OAuthError::unavailable)?;
        Err(invalid_grant(
            "refresh token was already used; for safety the whole grant is now revoked. Sign in again",
        ))
    }

    /// RFC 7009: revokes the grant behind an access or refresh token, answering its id
    /// (for the audit trail). Unknown tokens are not an error (the answer must not reveal
    /// which tokens exist).
    pub async fn revoke(&self, token: &str) -> Result<Option<i64>, OAuthError> {
        let grant = self
            .store
            .grant_of_token(&TokenHash::of(token))
            .await
            .map_err(OAuthError::unavailable)?;
        if let Some(grant_id) = grant {
            self.store
                .revoke_grant(grant_id, now_ms())
                .await
                .map_err(OAuthError::unavailable)?;
        }
        Ok(grant)
    }
}

/// Appends query parameters, form-encoded, to a URL that may already have a query.
pub fn with_query(base: &str, params: &[(&str, &str)]) -> String {
    // Pairs of strings always encode.
    let query = serde_urlencoded::to_string(params).unwrap_or_default();
    let separator = if base.contains('?') { '&' } else { '?' };
    format!("{base}{separator}{query}")
}

/// The redirect that reports an error to the client (RFC 6749 §4.1.2.1, RFC 9207 `iss`).
pub fn error_redirect(
    redirect_uri: &str,
    state: Option<&str>,
    issuer: &str,
    error: &OAuthError,
) -> String {
    let mut params = vec![
        ("error", error.code),
        ("error_description", error.description.as_str()),
    ];
    if let Some(state) = state {
        params.push(("state", state));
    }
    params.push(("iss", issuer));
    with_query(redirect_uri, &params)
}

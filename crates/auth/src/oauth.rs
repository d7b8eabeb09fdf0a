//! The pure parts of our OAuth 2.1 authorization server: scopes as OAuth spells them,
//! PKCE (S256 only), redirect-URI rules (re-exported from `redirect_uri`), opaque token
//! minting, and sealing a rotated refresh token's successor so that a parallel session
//! presenting the old one within the grace period receives the same new pair.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chacha20poly1305::aead::{Aead, KeyInit};
use chacha20poly1305::{ChaCha20Poly1305, Key, Nonce};
use rand::TryRng;
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

use crate::pat::TokenHash;
use crate::scope::Scopes;

pub use crate::redirect_uri::{check_redirect_uri, redirect_origin, redirect_uri_matches};

/// OAuth scope for the read tools.
pub const SCOPE_READ: &str = "mcp:read";
/// OAuth scope for the write tools.
pub const SCOPE_WRITE: &str = "mcp:write";
/// OAuth scope asking for a refresh token.
pub const SCOPE_OFFLINE: &str = "offline_access";
/// Every scope we understand, as advertised in metadata.
pub const SCOPES_SUPPORTED: [&str; 3] = [SCOPE_READ, SCOPE_WRITE, SCOPE_OFFLINE];

/// Prefix of OAuth access tokens.
pub const ACCESS_TOKEN_PREFIX: &str = "drx_at_";
/// Prefix of OAuth refresh tokens.
pub const REFRESH_TOKEN_PREFIX: &str = "drx_rt_";
/// Prefix of authorization codes.
pub const CODE_PREFIX: &str = "drx_ac_";

/// A requested OAuth scope set.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RequestedScopes {
    pub scopes: Scopes,
    /// Whether `mcp:write` was asked for (so the consent page can say it is not granted).
    pub wants_write: bool,
    pub offline: bool,
}

/// Parses a space-separated OAuth `scope`. Absent or empty means `mcp:read`.
pub fn parse_oauth_scope(text: Option<&str>) -> Result<RequestedScopes, String> {
    let mut wants_write = false;
    let mut offline = false;
    for word in text.unwrap_or("").split(' ').filter(|w| !w.is_empty()) {
        match word {
            SCOPE_READ => {}
            SCOPE_WRITE => wants_write = true,
            SCOPE_OFFLINE => offline = true,
            other => {
                return Err(format!(
                    "unknown scope `{}`: this server grants mcp:read, mcp:write and offline_access",
                    other.chars().take(64).collect::<String>()
                ));
            }
        }
    }
    Ok(RequestedScopes {
        scopes: if wants_write {
            Scopes::READ_WRITE
        } else {
            Scopes::READ
        },
        wants_write,
        offline,
    })
}

/// `mcp:read` or `mcp:read mcp:write`.
pub fn oauth_scope_string(scopes: Scopes) -> &'static str {
    if scopes == Scopes::READ_WRITE {
        "mcp:read mcp:write"
    } else {
        "mcp:read"
    }
}

/// Parses our stored form (`mcp:read mcp:write`) back.
pub fn scopes_from_oauth_string(text: &str) -> Scopes {
    if text.split(' ').any(|w| w == SCOPE_WRITE) {
        Scopes::READ_WRITE
    } else {
        Scopes::READ
    }
}

/// RFC 7636: the verifier is 43-128 unreserved characters.
pub fn is_valid_code_verifier(verifier: &str) -> bool {
    (43..=128).contains(&verifier.len())
        && verifier
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~'))
}

/// A S256 challenge is the unpadded base64url of a SHA-256: 43 characters.
pub fn is_valid_code_challenge(challenge: &str) -> bool {
    challenge.len() == 43
        && challenge
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_'))
}

/// Whether `verifier` hashes to `challenge` under S256 (constant time).
pub fn pkce_s256_matches(challenge: &str, verifier: &str) -> bool {
    if !is_valid_code_verifier(verifier) {
        return false;
    }
    let computed = URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()));
    bool::from(computed.as_bytes().ct_eq(challenge.as_bytes()))
}

/// A freshly minted opaque secret (access token, refresh token, code or session).
pub struct OpaqueSecret {
    pub plaintext: String,
    pub hash: TokenHash,
}

impl std::fmt::Debug for OpaqueSecret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("OpaqueSecret(…)")
    }
}

impl OpaqueSecret {
    /// `prefix` followed by 64 hex digits from the operating system's randomness.
    pub fn mint(prefix: &str) -> Result<Self, rand::rngs::SysError> {
        let mut secret = [0u8; 32];
        rand::rngs::SysRng.try_fill_bytes(&mut secret)?;
        let plaintext = format!("{prefix}{}", hex::encode(secret));
        let hash = TokenHash::of(&plaintext);
        Ok(Self { plaintext, hash })
    }
}

fn successor_key(old_refresh_plaintext: &str) -> Key {
    let mut hasher = Sha256::new();
    hasher.update(b"draxis/refresh-successor/v1\0");
    hasher.update(old_refresh_plaintext.as_bytes());
    let digest: [u8; 32] = hasher.finalize().into();
    Key::from(digest)
}

/// Encrypts the pair issued on rotation under a key only the holder of the old refresh
/// token can derive (storage keeps the old token's hash, never the token).
pub fn seal_successor(
    old_refresh_plaintext: &str,
    access: &str,
    refresh: &str,
) -> Result<String, String> {
    let cipher = ChaCha20Poly1305::new(&successor_key(old_refresh_plaintext));
    let mut nonce = [0u8; 12];
    rand::rngs::SysRng
        .try_fill_bytes(&mut nonce)
        .map_err(|e| e.to_string())?;
    let sealed = cipher
        .encrypt(
            &Nonce::from(nonce),
            format!("{access} {refresh}").as_bytes(),
        )
        .map_err(|_| "cannot seal refresh successor".to_string())?;
    let mut out = nonce.to_vec();
    out.extend_from_slice(&sealed);
    Ok(hex::encode(out))
}

/// Decrypts a sealed successor with the presented old refresh token: `(access, refresh)`.
pub fn open_successor(old_refresh_plaintext: &str, sealed: &str) -> Option<(String, String)> {
    let bytes = hex::decode(sealed).ok()?;
    if bytes.len() < 12 {
        return None;
    }
    let (nonce, body) = bytes.split_at(12);
    let nonce: [u8; 12] = nonce.try_into().ok()?;
    let cipher = ChaCha20Poly1305::new(&successor_key(old_refresh_plaintext));
    let plain = cipher.decrypt(&Nonce::from(nonce), body).ok()?;
    let text = String::from_utf8(plain).ok()?;
    let (access, refresh) = text.split_once(' ')?;
    Some((access.to_string(), refresh.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pkce_s256_follows_rfc_7636_appendix_b() {
        let verifier = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
        let challenge = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM";
        assert!(pkce_s256_matches(challenge, verifier));
        assert!(!pkce_s256_matches(challenge, &verifier.replace('d', "e")));
        assert!(!pkce_s256_matches(challenge, "short"));
        assert!(is_valid_code_challenge(challenge));
    }

    #[test]
    fn scopes_parse_and_refuse_unknown_words() {
        let both = parse_oauth_scope(Some("mcp:read mcp:write offline_access")).unwrap();
        assert_eq!(both.scopes, Scopes::READ_WRITE);
        assert!(both.offline);
        assert_eq!(parse_oauth_scope(None).unwrap().scopes, Scopes::READ);
        assert!(parse_oauth_scope(Some("admin")).is_err());
        assert_eq!(oauth_scope_string(Scopes::READ_WRITE), "mcp:read mcp:write");
    }

    #[test]
    fn successors_open_only_with_the_old_token() {
        let sealed = seal_successor("drx_rt_old", "drx_at_new", "drx_rt_new").unwrap();
        assert_eq!(
            open_successor("drx_rt_old", &sealed),
            Some(("drx_at_new".into(), "drx_rt_new".into()))
        );
        assert_eq!(open_successor("drx_rt_other", &sealed), None);
    }
}

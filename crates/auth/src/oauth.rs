//! The pure parts of our OAuth 2.1 authorization server: scopes as OAuth spells them,
//! PKCE (S256 only), redirect-URI matching, opaque token minting, and sealing a rotated
//! refresh token's successor so that a parallel session presenting the old one within
//! the grace period receives the same new pair.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chacha20poly1305::aead::{Aead, KeyInit};
use chacha20poly1305::{ChaCha20Poly1305, Key, Nonce};
use rand::TryRng;
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

use crate::pat::TokenHash;
use crate::scope::Scopes;

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

/// Why a redirect URI cannot be registered or followed. A URI is accepted only when a
/// real URL parser represents it exactly (its serialization equals the text, up to the
/// `/` of an empty path), so nothing the parser would drop, decode or re-encode — TAB,
/// CR/LF, spaces, backslashes, non-ASCII, an out-of-range port — gets through; the host
/// is a plain DNS name or IP address (nothing a header or a CSP would read as syntax);
/// the scheme is https, or http on a loopback host (RFC 8252 §7.3).
pub fn check_redirect_uri(uri: &str) -> Result<(), String> {
    RedirectUri::parse(uri).map(|_| ())
}

/// The origin (`scheme://host[:port]`) of a redirect URI that [`check_redirect_uri`]
/// accepts, for a consent page's `form-action`; `None` for any other text.
pub fn redirect_origin(uri: &str) -> Option<String> {
    RedirectUri::parse(uri)
        .ok()
        .map(|parsed| parsed.url.origin().ascii_serialization())
}

/// Whether a presented redirect URI matches a registered one: exactly, except that a
/// loopback registration (`http://localhost`, `http://127.0.0.1`, `http://[::1]`)
/// matches any port (RFC 8252 §7.3). Both must be valid redirect URIs.
pub fn redirect_uri_matches(registered: &str, presented: &str) -> bool {
    let (Ok(r), Ok(p)) = (
        RedirectUri::parse(registered),
        RedirectUri::parse(presented),
    ) else {
        return false;
    };
    if registered == presented {
        return true;
    }
    r.loopback
        && p.loopback
        && r.url.host() == p.url.host()
        && r.url.path() == p.url.path()
        && r.url.query() == p.url.query()
}

/// A redirect URI as the URL parser understands it.
struct RedirectUri {
    url: url::Url,
    loopback: bool,
}

impl RedirectUri {
    fn parse(uri: &str) -> Result<Self, String> {
        let shown = quoted(uri);
        let not_url = || format!("redirect URI `{shown}` is not an absolute http(s) URL");
        let url = url::Url::parse(uri).map_err(|why| format!("{}: {why}", not_url()))?;
        if !matches!(url.scheme(), "http" | "https") {
            return Err(not_url());
        }
        let serialized = url.as_str();
        if !Self::spellings(&url).iter().any(|s| s == uri) {
            return Err(format!(
                "redirect URI `{shown}` is not written as a URL parser reads it (it would become `{}`): remove spaces, control characters, backslashes and non-ASCII text, and percent-encode the path",
                quoted(serialized)
            ));
        }
        if url.fragment().is_some() {
            return Err(format!(
                "redirect URI `{shown}` must not contain a fragment"
            ));
        }
        if !url.username().is_empty() || url.password().is_some() {
            return Err(format!(
                "redirect URI `{shown}` must not contain a user name or password"
            ));
        }
        let loopback = match url.host() {
            Some(url::Host::Domain(name)) => {
                if !name
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b'_'))
                {
                    return Err(format!(
                        "redirect URI `{shown}` has a host that is not a DNS name"
                    ));
                }
                name == "localhost"
            }
            Some(url::Host::Ipv4(ip)) => ip == std::net::Ipv4Addr::LOCALHOST,
            Some(url::Host::Ipv6(ip)) => ip == std::net::Ipv6Addr::LOCALHOST,
            None => return Err(not_url()),
        };
        if url.scheme() == "http" && !loopback {
            return Err(format!(
                "redirect URI `{shown}` must use https, or http on localhost, 127.0.0.1 or [::1] for native apps"
            ));
        }
        Ok(Self { url, loopback })
    }

    /// The texts that say exactly `url`: its serialization, with the default port
    /// written out or not, and without the `/` of an empty path.
    fn spellings(url: &url::Url) -> Vec<String> {
        let mut spellings = vec![url.as_str().to_string()];
        if let (None, Some(port), Some(host)) =
            (url.port(), url.port_or_known_default(), url.host_str())
        {
            let rest = &url[url::Position::BeforePath..];
            spellings.push(format!("{}://{host}:{port}{rest}", url.scheme()));
        }
        if url.path() == "/" && url.query().is_none() && url.fragment().is_none() {
            let bare: Vec<String> = spellings
                .iter()
                .filter_map(|s| s.strip_suffix('/').map(str::to_string))
                .collect();
            spellings.extend(bare);
        }
        spellings
    }
}

/// A URI as an error message may quote it: control characters escaped, at most 200
/// characters.
fn quoted(uri: &str) -> String {
    uri.chars().take(200).flat_map(char::escape_debug).collect()
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
    fn loopback_redirects_match_on_any_port_and_nothing_else_does() {
        let reg = "http://localhost:1234/callback";
        assert!(redirect_uri_matches(reg, "http://localhost:59999/callback"));
        assert!(redirect_uri_matches(reg, "http://localhost/callback"));
        assert!(!redirect_uri_matches(reg, "http://localhost:5/other"));
        assert!(!redirect_uri_matches(reg, "http://127.0.0.1:5/callback"));
        assert!(!redirect_uri_matches(
            reg,
            "http://localhost.evil.com:5/callback"
        ));
        assert!(!redirect_uri_matches(
            reg,
            "http://evil@localhost:5/callback"
        ));
        let ip = "http://127.0.0.1:80/cb";
        assert!(redirect_uri_matches(ip, "http://127.0.0.1:4444/cb"));
        let web = "https://app.example.com/cb";
        assert!(redirect_uri_matches(web, web));
        assert!(!redirect_uri_matches(web, "https://app.example.com:444/cb"));
        assert!(!redirect_uri_matches(web, "https://app.example.com/cb?x=1"));
        assert!(check_redirect_uri("http://example.com/cb").is_err());
        assert!(check_redirect_uri("myapp://cb").is_err());
        assert!(check_redirect_uri("http://127.0.0.1:3/cb").is_ok());
    }

    #[test]
    fn redirect_uris_are_what_a_url_parser_reads_and_nothing_else() {
        for good in [
            "https://app.example.com/cb",
            "https://app.example.com",
            "https://app.example.com:8443/oauth/cb?x=1",
            "http://localhost:33418/",
            "http://127.0.0.1/cb",
            "http://[::1]/cb",
            "http://[::1]:8123/cb",
        ] {
            assert_eq!(check_redirect_uri(good), Ok(()), "{good}");
        }
        for bad in [
            "https://app.example.com/c\tb",
            "https://app.example.com/\tcb",
            "https://app.example.com\\evil.com/cb",
            "https://app.example.com;frame-ancestors *;/cb",
            "https://app.example.com/cb; frame-ancestors *",
            "https://app.example.com/cb\r\nSet-Cookie: a=b",
            "https://app.ex ample.com/cb",
            "https://bücher.example/cb",
            "https://app.example.com/caf\u{e9}",
            "https://app.example.com:99999999999/cb",
            "https://app.example.com:65536/cb",
            "https://user:pw@app.example.com/cb",
            "https://app.example.com/cb#frag",
            "http://127.1/cb",
            "http://[::2]/cb",
            "http://localhost.evil.com/cb",
            "myapp://cb",
            "https:app.example.com/cb",
        ] {
            assert!(check_redirect_uri(bad).is_err(), "{bad:?} was accepted");
            assert_eq!(redirect_origin(bad), None);
        }
        assert_eq!(
            redirect_origin("https://app.example.com:8443/cb?x=1").as_deref(),
            Some("https://app.example.com:8443")
        );
        assert!(redirect_uri_matches(
            "http://[::1]:1/cb",
            "http://[::1]:5555/cb"
        ));
        assert!(!redirect_uri_matches(
            "https://app.example.com/c\tb",
            "https://app.example.com/c\tb"
        ));
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

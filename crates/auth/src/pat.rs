//! The personal access token format: `drx_pat_<tenant-slug>.<64 hex>`.

use rand::TryRng;
use sha2::{Digest, Sha256};

/// Every PAT starts with this.
pub const PAT_PREFIX: &str = "drx_pat_";
/// Hex digits in the secret half (32 random bytes).
pub const SECRET_HEX_LEN: usize = 64;
/// Hex digits of the secret kept for display (`drx_pat_acme.1a2b3c4d…`).
const DISPLAY_SECRET_CHARS: usize = 8;

/// SHA-256 of the whole plaintext token: the only form in which we keep a token.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct TokenHash(pub [u8; 32]);

impl TokenHash {
    pub fn of(plaintext: &str) -> Self {
        Self(Sha256::digest(plaintext.as_bytes()).into())
    }
    pub fn to_hex(&self) -> String {
        hex::encode(self.0)
    }
}

impl std::fmt::Debug for TokenHash {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "TokenHash({}…)", &self.to_hex()[..12])
    }
}

/// What is wrong with a presented token's shape. Each message tells the user what to fix.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PatFormatError {
    #[error(
        "token is not a Draxis personal access token: it must start with `drx_pat_` (format drx_pat_<tenant-slug>.<64 hex digits>)"
    )]
    NotAPat,
    #[error(
        "token has no tenant half: expected drx_pat_<tenant-slug>.<64 hex digits>, with the tenant slug before the dot"
    )]
    MissingTenant,
    #[error(
        "token has no secret half: expected drx_pat_<tenant-slug>.<64 hex digits>, with the secret after the dot"
    )]
    MissingSecret,
    #[error(
        "token tenant half `{0}` is not a tenant slug: use lowercase letters, digits and dashes"
    )]
    BadTenant(String),
    #[error("token secret half must be exactly 64 hex digits (0-9, a-f); it has {0} characters{1}")]
    BadSecret(usize, &'static str),
}

/// A token as presented by a client, with a valid shape.
#[derive(Clone, PartialEq, Eq)]
pub struct PresentedPat<'a> {
    pub tenant_slug: &'a str,
    pub hash: TokenHash,
}

impl std::fmt::Debug for PresentedPat<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PresentedPat")
            .field("tenant_slug", &self.tenant_slug)
            .finish_non_exhaustive()
    }
}

/// Tenant slugs: 1-63 of `a-z`, `0-9`, `-`, starting with a letter or digit.
pub fn is_valid_tenant_slug(slug: &str) -> bool {
    !slug.is_empty()
        && slug.len() <= 63
        && !slug.starts_with('-')
        && slug
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

impl<'a> PresentedPat<'a> {
    /// Checks the shape of `token` and hashes it; says exactly what is wrong otherwise.
    pub fn parse(token: &'a str) -> Result<Self, PatFormatError> {
        let rest = token
            .strip_prefix(PAT_PREFIX)
            .ok_or(PatFormatError::NotAPat)?;
        let (tenant, secret) = match rest.split_once('.') {
            Some(halves) => halves,
            None if is_hex_secret(rest) => ("", rest),
            None => (rest, ""),
        };
        if tenant.is_empty() {
            return Err(PatFormatError::MissingTenant);
        }
        if secret.is_empty() {
            return Err(PatFormatError::MissingSecret);
        }
        if !is_valid_tenant_slug(tenant) {
            return Err(PatFormatError::BadTenant(tenant.chars().take(64).collect()));
        }
        if !is_hex_secret(secret) {
            let hint = if secret.len() == SECRET_HEX_LEN {
                " but not all are lowercase hex digits"
            } else {
                ""
            };
            return Err(PatFormatError::BadSecret(secret.chars().count(), hint));
        }
        Ok(Self {
            tenant_slug: tenant,
            hash: TokenHash::of(token),
        })
    }
}

fn is_hex_secret(text: &str) -> bool {
    text.len() == SECRET_HEX_LEN
        && text
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

/// A freshly generated token: the plaintext is shown once and then dropped.
pub struct MintedToken {
    pub plaintext: String,
    pub hash: TokenHash,
    /// Safe to display and store: `drx_pat_acme.1a2b3c4d`.
    pub display_prefix: String,
}

impl std::fmt::Debug for MintedToken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MintedToken")
            .field("display_prefix", &self.display_prefix)
            .finish_non_exhaustive()
    }
}

impl MintedToken {
    /// Generates a token for `tenant_slug` from the operating system's randomness.
    pub fn generate(tenant_slug: &str) -> Result<Self, rand::rngs::SysError> {
        let mut secret = [0u8; 32];
        rand::rngs::SysRng.try_fill_bytes(&mut secret)?;
        let plaintext = format!("{PAT_PREFIX}{tenant_slug}.{}", hex::encode(secret));
        let hash = TokenHash::of(&plaintext);
        let display_prefix = plaintext
            [..PAT_PREFIX.len() + tenant_slug.len() + 1 + DISPLAY_SECRET_CHARS]
            .to_string();
        Ok(Self {
            plaintext,
            hash,
            display_prefix,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(token: &str, expected: Result<&str, PatFormatError>) {
        let got = PresentedPat::parse(token).map(|p| p.tenant_slug);
        assert_eq!(got, expected, "{token}");
    }

    #[test]
    fn generated_tokens_parse_back() {
        let minted = MintedToken::generate("acme").unwrap();
        let parsed = PresentedPat::parse(&minted.plaintext).unwrap();
        assert_eq!(parsed.tenant_slug, "acme");
        assert_eq!(parsed.hash, minted.hash);
        assert!(minted.plaintext.starts_with(&minted.display_prefix));
        assert_eq!(minted.display_prefix.len(), "drx_pat_acme.".len() + 8);
        assert_ne!(
            MintedToken::generate("acme").unwrap().plaintext,
            minted.plaintext
        );
    }

    #[test]
    fn every_malformation_has_its_own_error() {
        let hex = "a".repeat(64);
        check("ghp_abc", Err(PatFormatError::NotAPat));
        check(
            &format!("drx_pat_.{hex}"),
            Err(PatFormatError::MissingTenant),
        );
        check(
            &format!("drx_pat_{hex}"),
            Err(PatFormatError::MissingTenant),
        );
        check("drx_pat_acme.", Err(PatFormatError::MissingSecret));
        check("drx_pat_acme", Err(PatFormatError::MissingSecret));
        check("drx_pat_acme.abc", Err(PatFormatError::BadSecret(3, "")));
        check(
            &format!("drx_pat_acme.{}", "g".repeat(64)),
            Err(PatFormatError::BadSecret(
                64,
                " but not all are lowercase hex digits",
            )),
        );
        check(
            &format!("drx_pat_Ac me.{hex}"),
            Err(PatFormatError::BadTenant("Ac me".into())),
        );
        check(&format!("drx_pat_acme.{hex}"), Ok("acme"));
    }
}

//! Who is calling: personal access tokens (format, generation, hashing), scopes,
//! principals, and verification of a presented bearer token against a [`TokenStore`].
//!
//! Plaintext tokens exist only in the caller's hands: we keep their SHA-256 hash.

pub mod pat;
pub mod scope;
pub mod verify;

pub use pat::{MintedToken, PatFormatError, PresentedPat, TokenHash};
pub use scope::{Scope, Scopes};
pub use verify::{AuthError, Principal, StoredToken, TenantId, TokenStore, TokenVerifier};

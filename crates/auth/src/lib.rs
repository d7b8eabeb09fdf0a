//! Who is calling: personal access tokens (format, generation, hashing), scopes,
//! principals, verification of a presented bearer token against a [`TokenStore`], the
//! people who sign in (users, roles, argon2id passwords), and the OAuth 2.1
//! authorization server's rules ([`server::AuthorizationServer`] over [`AccountStore`]).
//!
//! Plaintext secrets exist only in the caller's hands: we keep their SHA-256 hash.

pub mod audit;
pub mod cpu;
pub mod oauth;
pub mod password;
pub mod pat;
pub mod people;
pub mod redirect_uri;
pub mod scope;
pub mod server;
pub mod storage;
pub mod totp;
pub mod verify;

pub use audit::{AuditEvent, AuditLog, AuditQuery, AuditRecord, Outcome};
pub use cpu::{CpuJob, CpuPool};
pub use people::{Membership, Role, User};
pub use server::{AccountStore, AuthorizationServer};

pub use pat::{MintedToken, PatFormatError, PresentedPat, TokenHash};
pub use scope::{Scope, Scopes};
pub use storage::{StorageError, StorageResult};
pub use verify::{
    AuthError, Credential, Principal, StoredAccessToken, StoredToken, TenantId, TokenStore,
    TokenVerifier, ToolCalls,
};

//! People who sign in to the console and approve OAuth clients: users, their roles in
//! tenants, and what each role may do.

use crate::scope::Scopes;
use crate::verify::TenantId;

/// A user's role in one tenant.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Role {
    /// Reads the register; may grant only `mcp:read`.
    Viewer,
    /// Also submits evidence, runs integrations and reviews proposals.
    Analyst,
    /// Also manages the tenant: autonomy band, everyone's tokens and connected apps.
    Admin,
}

impl Role {
    pub fn parse(text: &str) -> Result<Self, String> {
        match text {
            "viewer" => Ok(Role::Viewer),
            "analyst" => Ok(Role::Analyst),
            "admin" => Ok(Role::Admin),
            other => Err(format!(
                "unknown role `{other}`: use viewer, analyst or admin"
            )),
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Viewer => "viewer",
            Role::Analyst => "analyst",
            Role::Admin => "admin",
        }
    }

    /// The most a credential minted by someone in this role may carry.
    pub fn max_scopes(self) -> Scopes {
        match self {
            Role::Viewer => Scopes::READ,
            Role::Analyst | Role::Admin => Scopes::READ_WRITE,
        }
    }

    /// Whether this role may accept, correct or reject Drop Zone proposals.
    pub fn may_review(self) -> bool {
        self >= Role::Analyst
    }

    /// Whether this role manages the tenant (band, everyone's credentials).
    pub fn is_admin(self) -> bool {
        self == Role::Admin
    }
}

impl std::fmt::Display for Role {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A console user as storage keeps it (the password only as an argon2id hash).
#[derive(Clone)]
pub struct User {
    pub id: i64,
    pub email: String,
    pub display_name: String,
    pub password_hash: String,
    /// Base32 TOTP secret when the user enrolled a second factor.
    pub totp_secret: Option<String>,
    pub disabled: bool,
}

impl std::fmt::Debug for User {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("User")
            .field("id", &self.id)
            .field("email", &self.email)
            .finish_non_exhaustive()
    }
}

/// One tenant a user belongs to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Membership {
    pub tenant_id: TenantId,
    pub tenant_slug: String,
    pub tenant_name: String,
    pub role: Role,
}

/// Lowercases and trims an email; refuses what cannot be one.
pub fn normalize_email(text: &str) -> Result<String, String> {
    let email = text.trim().to_ascii_lowercase();
    let valid = email.len() <= 254
        && email
            .split_once('@')
            .is_some_and(|(local, domain)| !local.is_empty() && domain.contains('.'))
        && !email.chars().any(|c| c.is_whitespace() || c.is_control());
    if valid {
        Ok(email)
    } else {
        Err(format!("`{}` is not an email address", text.trim()))
    }
}

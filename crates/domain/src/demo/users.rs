//! The console users the demo seed creates, one per role.

/// A console user the demo seed creates (demo mode only; the passwords are public).
#[derive(Debug, Clone, Copy)]
pub struct DemoUser {
    pub email: &'static str,
    pub name: &'static str,
    pub password: &'static str,
    /// `(tenant slug, role)` memberships.
    pub memberships: &'static [(&'static str, draxis_auth::Role)],
}

/// One demo user per role, documented in README.md. The admin also belongs to globex,
/// so the consent page has a tenant to pick.
pub const DEMO_USERS: [DemoUser; 3] = [
    DemoUser {
        email: "admin@acme.example",
        name: "Avery Admin",
        password: "draxis-demo-admin",
        memberships: &[
            ("acme", draxis_auth::Role::Admin),
            ("globex", draxis_auth::Role::Admin),
        ],
    },
    DemoUser {
        email: "analyst@acme.example",
        name: "Sam Analyst",
        password: "draxis-demo-analyst",
        memberships: &[("acme", draxis_auth::Role::Analyst)],
    },
    DemoUser {
        email: "viewer@acme.example",
        name: "Vic Viewer",
        password: "draxis-demo-viewer",
        memberships: &[("acme", draxis_auth::Role::Viewer)],
    },
];

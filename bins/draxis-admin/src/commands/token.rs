//! `draxis-admin token`: mint, list and revoke personal access tokens.

use clap::Subcommand;
use draxis_app::App;
use draxis_auth::Scopes;

use draxis_auth::audit::action;
use serde_json::json;

use super::support::{record, when};

#[derive(Debug, Subcommand)]
pub enum TokenCommand {
    /// Mint a token and print it (plaintext, shown once) on stdout.
    Create {
        /// Tenant slug the token belongs to.
        #[arg(long)]
        tenant: String,
        /// What the token is for, such as "Claude Code".
        #[arg(long)]
        name: String,
        /// `read` for queries only, `read,write` to also submit evidence and run integrations.
        #[arg(long, default_value = "read")]
        scope: String,
        /// Days until the token stops working (1-3650); no expiry when omitted.
        #[arg(long)]
        expires_in: Option<u32>,
        /// Who asked for the token (recorded with it).
        #[arg(long, env = "USER", default_value = "operator")]
        created_by: String,
    },
    /// List a tenant's tokens (never their secrets).
    List {
        #[arg(long)]
        tenant: String,
    },
    /// Revoke a token: the next request presenting it is refused.
    Revoke {
        #[arg(long)]
        tenant: String,
        /// Token id, as shown by `token list`.
        id: i64,
        /// Who revoked it (recorded in the audit trail).
        #[arg(long, env = "USER", default_value = "operator")]
        by: String,
    },
}

pub async fn run(app: &App, command: TokenCommand) -> anyhow::Result<()> {
    let store = &app.store;
    match command {
        TokenCommand::Create {
            tenant,
            name,
            scope,
            expires_in,
            created_by,
        } => {
            let scopes = Scopes::parse(&scope).map_err(anyhow::Error::msg)?;
            let tenant = store.require_tenant(&tenant).await?;
            let created = store
                .create_token(&tenant, &name, scopes, &created_by, expires_in)
                .await?;
            eprintln!(
                "created token {} \"{}\" for tenant {} with scope `{}`{}; it is shown only now:",
                created.id,
                name.trim(),
                tenant.slug,
                scopes,
                created
                    .expires_at
                    .map(|t| format!(", expires {}", when(Some(t))))
                    .unwrap_or_default()
            );
            let details = json!({"name": name.trim(), "scopes": scopes.as_str()});
            let subject = format!("token:{}", created.id);
            record(
                store,
                &tenant,
                &created_by,
                action::TOKEN_CREATE,
                subject,
                details,
            )
            .await;
            println!("{}", created.minted.plaintext);
        }
        TokenCommand::List { tenant } => {
            let tenant = store.require_tenant(&tenant).await?;
            println!(
                "{:<6} {:<24} {:<24} {:<11} {:<17} {:<17} {:>10} {:<17} STATE",
                "ID", "NAME", "PREFIX", "SCOPE", "CREATED", "LAST USED", "TOOL CALLS", "EXPIRES"
            );
            let now = chrono::Utc::now();
            for t in store.list_tokens(&tenant).await? {
                let state = if t.revoked_at.is_some() {
                    "revoked"
                } else if t.expires_at.is_some_and(|e| e <= now) {
                    "expired"
                } else {
                    "active"
                };
                println!(
                    "{:<6} {:<24} {:<24} {:<11} {:<17} {:<17} {:>10} {:<17} {state}",
                    t.id,
                    t.name,
                    format!("{}…", t.display_prefix),
                    t.scopes.as_str(),
                    when(Some(t.created_at)),
                    when(t.last_used_at),
                    t.tool_calls,
                    when(t.expires_at)
                );
            }
        }
        TokenCommand::Revoke { tenant, id, by } => {
            let tenant = store.require_tenant(&tenant).await?;
            store.revoke_token(&tenant, id).await?;
            let subject = format!("token:{id}");
            record(
                store,
                &tenant,
                &by,
                action::TOKEN_REVOKE,
                subject,
                json!({}),
            )
            .await;
            eprintln!("revoked token {id} of tenant {}", tenant.slug);
        }
    }
    Ok(())
}

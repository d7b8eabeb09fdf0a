//! `draxis-admin user`: console users — create, list, disable, enrol a second factor.

use anyhow::Context;
use clap::Subcommand;
use draxis_app::App;

#[derive(Debug, Subcommand)]
pub enum UserCommand {
    /// Create a console user (then add them to a tenant with `member add`). The password
    /// (12 characters or more) is read from stdin with --password-stdin, or from the
    /// DRAXIS_USER_PASSWORD environment variable; never from the command line.
    Create {
        #[arg(long)]
        email: String,
        /// Display name (defaults to the email).
        #[arg(long)]
        name: Option<String>,
        /// Read the password from the first line of stdin.
        #[arg(long)]
        password_stdin: bool,
    },
    /// List users with their tenants and roles.
    List,
    /// Disable a user: sign-in, console sessions and their OAuth tokens stop at once.
    Disable {
        #[arg(long)]
        email: String,
    },
    /// Enrol (or replace) a TOTP second factor; prints the otpauth:// URI for an
    /// authenticator app. Sign-in then asks for the 6-digit code.
    EnrollTotp {
        #[arg(long)]
        email: String,
    },
}

pub async fn run(app: &App, command: UserCommand) -> anyhow::Result<()> {
    let store = &app.store;
    match command {
        UserCommand::Create {
            email,
            name,
            password_stdin,
        } => {
            let password = if password_stdin {
                let mut line = String::new();
                std::io::stdin()
                    .read_line(&mut line)
                    .context("reading the password from stdin")?;
                line.trim_end_matches(['\r', '\n']).to_string()
            } else {
                std::env::var("DRAXIS_USER_PASSWORD").ok().context(
                    "no password given: pipe it with --password-stdin, or set DRAXIS_USER_PASSWORD",
                )?
            };
            let user = store
                .create_user(&email, name.as_deref().unwrap_or(""), &password)
                .await?;
            eprintln!(
                "created user {} (id {}); add them to a tenant with `draxis-admin member add --tenant SLUG --email {} --role viewer|analyst|admin`",
                user.email, user.id, user.email
            );
        }
        UserCommand::List => {
            println!(
                "{:<6} {:<32} {:<24} {:<9} TENANTS",
                "ID", "EMAIL", "NAME", "STATUS"
            );
            for listing in store.list_users().await? {
                let u = &listing.user;
                let tenants: Vec<String> = listing
                    .memberships
                    .iter()
                    .map(|m| format!("{}:{}", m.tenant_slug, m.role))
                    .collect();
                let status = match (u.disabled, u.totp_secret.is_some()) {
                    (true, _) => "disabled",
                    (false, true) => "active+2fa",
                    (false, false) => "active",
                };
                println!(
                    "{:<6} {:<32} {:<24} {:<9} {}",
                    u.id,
                    u.email,
                    u.display_name,
                    status,
                    if tenants.is_empty() {
                        "-".into()
                    } else {
                        tenants.join(", ")
                    }
                );
            }
        }
        UserCommand::Disable { email } => {
            store.disable_user(&email).await?;
            eprintln!("disabled {email}: their sessions and OAuth tokens no longer work");
        }
        UserCommand::EnrollTotp { email } => {
            let secret = store.enroll_totp(&email).await?;
            println!("{}", draxis_auth::totp::provisioning_uri(&secret, &email));
            eprintln!(
                "add this URI to an authenticator app; sign-in now asks {email} for its 6-digit code"
            );
        }
    }
    Ok(())
}

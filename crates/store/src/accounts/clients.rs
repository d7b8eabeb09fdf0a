//! Registered OAuth clients.

use crate::rows::Failure;
use chrono::Utc;
use draxis_auth::server::Client;
use sqlx::Row;

use crate::Store;
use crate::rows::ms;

/// Registers a client (dynamic client registration).
pub(super) async fn insert_client(store: &Store, client: &Client) -> Result<(), Failure> {
    sqlx::query(
        "INSERT INTO oauth_clients (client_id, client_name, redirect_uris, created_at) VALUES ($1, $2, $3, $4)",
    )
    .bind(&client.client_id)
    .bind(&client.client_name)
    .bind(serde_json::to_string(&client.redirect_uris)?)
    .bind(ms(Utc::now()))
    .execute(&store.pool)
    .await?;
    Ok(())
}

/// A registered client by id.
pub(super) async fn client(store: &Store, client_id: &str) -> Result<Option<Client>, Failure> {
    let row = sqlx::query(
        "SELECT client_id, client_name, redirect_uris FROM oauth_clients WHERE client_id = $1",
    )
    .bind(client_id)
    .fetch_optional(&store.pool)
    .await?;
    let Some(row) = row else { return Ok(None) };
    let uris: String = row.try_get(2)?;
    Ok(Some(Client {
        client_id: row.try_get(0)?,
        client_name: row.try_get(1)?,
        redirect_uris: serde_json::from_str(&uris)?,
    }))
}

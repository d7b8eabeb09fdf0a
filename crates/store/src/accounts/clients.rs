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

/// How many registered clients were never used: no code issued, no grant.
pub(super) async fn unused_clients(store: &Store) -> Result<u64, Failure> {
    let count: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM oauth_clients \
         WHERE NOT EXISTS (SELECT 1 FROM oauth_grants g WHERE g.client_id = oauth_clients.client_id) \
           AND NOT EXISTS (SELECT 1 FROM oauth_codes c WHERE c.client_id = oauth_clients.client_id)",
    )
    .fetch_one(&store.pool)
    .await?;
    Ok(u64::try_from(count).unwrap_or(0))
}

/// Deletes never-used clients registered before `registered_before` (Unix ms).
pub(super) async fn delete_unused_clients(
    store: &Store,
    registered_before: i64,
) -> Result<u64, Failure> {
    let _turn = store.write_turn().await;
    let done = sqlx::query(
        "DELETE FROM oauth_clients WHERE created_at < $1 \
           AND NOT EXISTS (SELECT 1 FROM oauth_grants g WHERE g.client_id = oauth_clients.client_id) \
           AND NOT EXISTS (SELECT 1 FROM oauth_codes c WHERE c.client_id = oauth_clients.client_id)",
    )
    .bind(registered_before)
    .execute(&store.pool)
    .await?;
    Ok(done.rows_affected())
}

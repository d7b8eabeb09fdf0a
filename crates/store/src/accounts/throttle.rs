//! Sign-in throttle records (`sign_in_throttle`): failures per (e-mail, client address)
//! and per e-mail, counted in one statement each so replicas never lose a count.

use draxis_auth::server::throttle::{EVERY_ADDRESS, SignInRecord};
use sqlx::Row;

use crate::Store;
use crate::rows::Failure;

/// The records of `email` from `client` and from every address (zero when missing).
pub(super) async fn sign_in_records(
    store: &Store,
    email: &str,
    client: &str,
) -> Result<(SignInRecord, SignInRecord), Failure> {
    let rows = sqlx::query(
        "SELECT client, failures, last_failure_at, last_success_at FROM sign_in_throttle \
         WHERE email = $1 AND (client = $2 OR client = $3)",
    )
    .bind(email)
    .bind(client)
    .bind(EVERY_ADDRESS)
    .fetch_all(&store.pool)
    .await?;
    let (mut from_client, mut every) = (SignInRecord::default(), SignInRecord::default());
    for row in rows {
        let record = SignInRecord {
            failures: u32::try_from(row.try_get::<i64, _>(1)?.max(0)).unwrap_or(u32::MAX),
            last_failure_at: row.try_get(2)?,
            last_success_at: row.try_get(3)?,
        };
        if row.try_get::<String, _>(0)? == EVERY_ADDRESS {
            every = record;
        } else {
            from_client = record;
        }
    }
    Ok((from_client, every))
}

/// Counts a failure on the client's and the e-mail's record; forgets stale records.
pub(super) async fn record_failure(
    store: &Store,
    email: &str,
    client: &str,
    now: i64,
    window_start: i64,
    forget_before: i64,
) -> Result<(), Failure> {
    let _turn = store.write_turn().await;
    for key in [client, EVERY_ADDRESS] {
        sqlx::query(
            "INSERT INTO sign_in_throttle (email, client, failures, last_failure_at, last_success_at) \
             VALUES ($1, $2, 1, $3, 0) \
             ON CONFLICT (email, client) DO UPDATE SET \
             failures = CASE WHEN sign_in_throttle.last_failure_at < $4 THEN 1 \
                        ELSE sign_in_throttle.failures + 1 END, \
             last_failure_at = $3",
        )
        .bind(email)
        .bind(key)
        .bind(now)
        .bind(window_start)
        .execute(&store.pool)
        .await?;
    }
    sqlx::query(
        "DELETE FROM sign_in_throttle WHERE last_failure_at < $1 \
         AND (last_success_at = 0 OR last_success_at < $2)",
    )
    .bind(window_start)
    .bind(forget_before)
    .execute(&store.pool)
    .await?;
    Ok(())
}

/// Clears the client's failures and remembers its success.
pub(super) async fn record_success(
    store: &Store,
    email: &str,
    client: &str,
    now: i64,
) -> Result<(), Failure> {
    let _turn = store.write_turn().await;
    sqlx::query(
        "INSERT INTO sign_in_throttle (email, client, failures, last_failure_at, last_success_at) \
         VALUES ($1, $2, 0, 0, $3) \
         ON CONFLICT (email, client) DO UPDATE SET failures = 0, last_success_at = $3",
    )
    .bind(email)
    .bind(client)
    .bind(now)
    .execute(&store.pool)
    .await?;
    Ok(())
}

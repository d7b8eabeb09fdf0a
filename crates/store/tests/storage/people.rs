//! Console users: wrong passwords, disabled accounts, TOTP second factors, sessions, lockout.

use crate::common::{Fixture, authorization_server};

/// Users: wrong passwords, disabled accounts, TOTP second factors and sessions.
async fn people_sign_in_with_roles_and_second_factors(fixture: &Fixture) {
    use draxis_auth::server::SignInError;
    let Fixture { store, .. } = fixture;
    let server = authorization_server(store);
    assert!(matches!(
        server
            .sign_in("admin@acme.example", "not the password", None)
            .await,
        Err(SignInError::BadCredentials)
    ));
    assert!(matches!(
        server
            .sign_in("nobody@acme.example", "whatever at all", None)
            .await,
        Err(SignInError::BadCredentials)
    ));
    store
        .create_user("totp@acme.example", "Tia Totp", "a long enough password")
        .await
        .unwrap();
    let secret = store.enroll_totp("totp@acme.example").await.unwrap();
    assert!(matches!(
        server
            .sign_in("totp@acme.example", "a long enough password", None)
            .await,
        Err(SignInError::SecondFactorRequired)
    ));
    let code = draxis_auth::totp::code_at(&secret, std::time::SystemTime::now()).unwrap();
    let wrong = format!(
        "{:06}",
        (code.parse::<u32>().unwrap() + 500_000) % 1_000_000
    );
    assert!(matches!(
        server
            .sign_in("totp@acme.example", "a long enough password", Some(&wrong))
            .await,
        Err(SignInError::BadSecondFactor)
    ));
    let user = server
        .sign_in("totp@acme.example", "a long enough password", Some(&code))
        .await
        .unwrap();
    let cookie = server.start_session(&user).await.unwrap();
    assert_eq!(
        server.session(&cookie).await.unwrap().unwrap().user.email,
        "totp@acme.example"
    );
    store.disable_user("totp@acme.example").await.unwrap();
    assert!(server.session(&cookie).await.unwrap().is_none());
    assert!(
        server
            .sign_in("totp@acme.example", "a long enough password", Some(&code))
            .await
            .is_err()
    );
    assert!(
        store
            .create_user("short@acme.example", "", "short")
            .await
            .is_err()
    );

    // Five wrong passwords lock the account for a while, even for the right one.
    store
        .create_user("guessed@acme.example", "", "the right password")
        .await
        .unwrap();
    for _ in 0..5 {
        assert!(matches!(
            server
                .sign_in("guessed@acme.example", "a wrong guess!", None)
                .await,
            Err(SignInError::BadCredentials)
        ));
    }
    assert!(matches!(
        server
            .sign_in("guessed@acme.example", "the right password", None)
            .await,
        Err(SignInError::TooManyAttempts(15))
    ));
}

scenario!(people_sign_in_with_roles_and_second_factors);

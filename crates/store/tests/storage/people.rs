//! Console users: wrong passwords, disabled accounts, TOTP second factors, sessions,
//! sign-in throttling per address and per e-mail.

use crate::common::{Fixture, authorization_server};

/// Users: wrong passwords, disabled accounts, TOTP second factors and sessions.
async fn people_sign_in_with_roles_and_second_factors(fixture: &Fixture) {
    use draxis_auth::server::SignInError;
    let Fixture { store, .. } = fixture;
    let server = authorization_server(store);
    assert!(matches!(
        server
            .sign_in("admin@acme.example", "not the password", None, None)
            .await,
        Err(SignInError::BadCredentials)
    ));
    assert!(matches!(
        server
            .sign_in("nobody@acme.example", "whatever at all", None, None)
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
            .sign_in("totp@acme.example", "a long enough password", None, None)
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
            .sign_in(
                "totp@acme.example",
                "a long enough password",
                Some(&wrong),
                None
            )
            .await,
        Err(SignInError::BadSecondFactor)
    ));
    let user = server
        .sign_in(
            "totp@acme.example",
            "a long enough password",
            Some(&code),
            None,
        )
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
            .sign_in(
                "totp@acme.example",
                "a long enough password",
                Some(&code),
                None
            )
            .await
            .is_err()
    );
    assert!(
        store
            .create_user("short@acme.example", "", "short")
            .await
            .is_err()
    );

    // Five wrong passwords (any case, trailing space) slow down the address they came
    // from, in every replica; the owner at another address still signs in.
    store
        .create_user("guessed@acme.example", "", "the right password")
        .await
        .unwrap();
    let attacker: std::net::IpAddr = "203.0.113.7".parse().unwrap();
    let owner: std::net::IpAddr = "198.51.100.20".parse().unwrap();
    for email in [
        "guessed@acme.example",
        "GUESSED@acme.example",
        "guessed@acme.example ",
        "Guessed@Acme.Example",
        "guessed@acme.example",
    ] {
        assert!(matches!(
            server
                .sign_in(email, "a wrong guess!", None, Some(attacker))
                .await,
            Err(SignInError::BadCredentials)
        ));
    }
    let replica = authorization_server(store);
    assert!(matches!(
        replica
            .sign_in(
                "guessed@acme.example",
                "the right password",
                None,
                Some(attacker)
            )
            .await,
        Err(SignInError::TooManyAttempts(50..=60))
    ));
    server
        .sign_in(
            "guessed@acme.example",
            "the right password",
            None,
            Some(owner),
        )
        .await
        .expect("the owner at another address is not locked out");

    // A spray from many addresses: past 20 failures an address that failed waits (4 s
    // after 22), a fresh one with the right password does not.
    store
        .create_user("sprayed@acme.example", "", "the right password")
        .await
        .unwrap();
    for n in 1..=22u8 {
        let address = std::net::IpAddr::from([192, 0, 2, n]);
        assert!(matches!(
            server
                .sign_in(
                    "sprayed@acme.example",
                    "a wrong guess!",
                    None,
                    Some(address)
                )
                .await,
            Err(SignInError::BadCredentials)
        ));
    }
    assert!(matches!(
        server
            .sign_in(
                "sprayed@acme.example",
                "the right password",
                None,
                Some([192, 0, 2, 1].into())
            )
            .await,
        Err(SignInError::TooManyAttempts(1..=4))
    ));
    server
        .sign_in(
            "sprayed@acme.example",
            "the right password",
            None,
            Some(owner),
        )
        .await
        .expect("a fresh address is not kept out by a spray");
}

scenario!(people_sign_in_with_roles_and_second_factors);

-- Sign-in throttling, shared by every replica: failed sign-ins per (e-mail, client
-- address) and per e-mail (client '*'), and when an address last signed in to the
-- account. Records whose failures have aged out and that hold no recent success are
-- deleted as new failures arrive.

CREATE TABLE sign_in_throttle (
    email TEXT NOT NULL,
    client TEXT NOT NULL,
    failures BIGINT NOT NULL DEFAULT 0,
    last_failure_at BIGINT NOT NULL DEFAULT 0,
    last_success_at BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (email, client)
);
CREATE INDEX sign_in_throttle_last_failure ON sign_in_throttle (last_failure_at);

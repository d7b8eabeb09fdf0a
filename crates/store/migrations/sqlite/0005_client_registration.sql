-- Registration quota and expiry look for clients never used (no code, no grant):
-- index the client of each so that check stays an index probe per client.
CREATE INDEX oauth_grants_client ON oauth_grants (client_id);
CREATE INDEX oauth_codes_client ON oauth_codes (client_id);

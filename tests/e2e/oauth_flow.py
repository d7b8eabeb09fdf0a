"""End-to-end: OAuth 2.1 against a running draxis-server, with the official MCP Python SDK.

Run by `cargo xtask test`, which starts the server with demo data, short access tokens
(--access-token-ttl-secs) and a short refresh-reuse grace (--refresh-reuse-grace-secs):

    python tests/e2e/oauth_flow.py --url http://127.0.0.1:PORT/api/mcp --access-ttl 4 --grace 2

1. The SDK's OAuthClientProvider discovers the server from the 401 challenge, registers
   (RFC 7591), sends the person to the consent page (scripted by consent_browser.py),
   exchanges the code with PKCE, calls tools, and refreshes by itself after expiry.
2. Every hostile case gets a clear refusal and changes nothing: wrong PKCE verifier,
   reused code, foreign redirect URI, missing or foreign resource, a viewer asking for
   mcp:write, cross-site and token-less form posts, refresh reuse after the grace
   period, a token of a revoked grant, and a read-only token calling a write tool (403
   step-up).
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import hashlib
import json
import os
import secrets
import sys
import time
import urllib.parse

import httpx2
from mcp import Client
from mcp.client.auth import OAuthClientProvider, TokenStorage
from mcp.client.streamable_http import streamable_http_client
from mcp.shared.auth import AuthorizationCodeResult, OAuthClientInformationFull, OAuthClientMetadata, OAuthToken

from consent_browser import ConsentRefused, complete_consent

ANALYST = ("analyst@acme.example", "draxis-demo-analyst")
VIEWER = ("viewer@acme.example", "draxis-demo-viewer")
failures: list[str] = []


def check(condition: bool, message: str) -> None:
    if condition:
        print(f"  ok   {message}", flush=True)
    else:
        failures.append(message)
        print(f"  FAIL {message}", flush=True)


class MemoryStorage(TokenStorage):
    def __init__(self):
        self.tokens: OAuthToken | None = None
        self.client: OAuthClientInformationFull | None = None
        self.history: list[OAuthToken] = []

    async def get_tokens(self):
        return self.tokens

    async def set_tokens(self, tokens):
        self.tokens = tokens
        self.history.append(tokens)

    async def get_client_info(self):
        return self.client

    async def set_client_info(self, client_info):
        self.client = client_info


async def sdk_flow(url: str, access_ttl: float) -> None:
    print("- MCP Python SDK OAuthClientProvider: discover, register, consent, tools, refresh", flush=True)
    storage = MemoryStorage()
    redirect: dict[str, str] = {}

    async def redirect_handler(authorization_url: str) -> None:
        check("code_challenge_method=S256" in authorization_url and "resource=" in authorization_url,
              "the SDK asks for S256 PKCE and names the resource")
        location = await asyncio.to_thread(complete_consent, authorization_url, *ANALYST, "acme")
        redirect.update({k: v[0] for k, v in urllib.parse.parse_qs(urllib.parse.urlsplit(location).query).items()})

    async def callback_handler() -> AuthorizationCodeResult:
        return AuthorizationCodeResult(code=redirect["code"], state=redirect.get("state"), iss=redirect.get("iss"))

    provider = OAuthClientProvider(
        server_url=url,
        client_metadata=OAuthClientMetadata(
            client_name="Draxis e2e (Python SDK)",
            redirect_uris=["http://localhost:33418/callback"],
            grant_types=["authorization_code", "refresh_token"],
            response_types=["code"],
            token_endpoint_auth_method="none",
        ),
        storage=storage,
        redirect_handler=redirect_handler,
        callback_handler=callback_handler,
    )
    http = httpx2.AsyncClient(auth=provider, timeout=30)
    async with Client(streamable_http_client(url, http_client=http), mode="auto") as client:
        tools = await client.list_tools()
        check(len(tools.tools) == 11, f"tools/list over OAuth lists 11 tools ({len(tools.tools)})")
        check(storage.tokens is not None and storage.tokens.access_token.startswith("drx_at_"),
              "an opaque drx_at_ access token was issued")
        check(storage.tokens is not None and storage.tokens.refresh_token is not None
              and storage.tokens.refresh_token.startswith("drx_rt_"), "a refresh token was issued")
        check(storage.tokens is not None and "mcp:write" in (storage.tokens.scope or ""),
              "an analyst granted mcp:write")
        check(redirect.get("iss", "").rstrip("/") == url.rsplit("/api/mcp", 1)[0], "the redirect carries iss (RFC 9207)")
        risks = await client.call_tool("list_risks", {"limit": 3})
        check(not risks.is_error and len(risks.structured_content["items"]) == 3, "list_risks answers over OAuth")
        zones = await client.call_tool("list_integrations", {"isDropZone": True})
        # Our own drop zone (xtask creates it), so the Drop Zone suite's counts stay exact.
        items = zones.structured_content["items"]
        zone_id = next((z["id"] for z in items if z["name"] == "Client tests"), items[0]["id"])
        submitted = await client.call_tool("submit_dropzone_artifact", {
            "integrationId": zone_id, "content": f"patch compliance: 93.{secrets.randbelow(9)}%\nrun {secrets.token_hex(4)}",
        })
        check(not submitted.is_error, "a write tool works with mcp:write")
        first_access = storage.tokens.access_token
        await asyncio.sleep(access_ttl + 1.5)
        again = await client.call_tool("list_kris", {"limit": 1})
        check(not again.is_error, "a tool call after the access token expired still works")
        check(storage.tokens.access_token != first_access and len(storage.history) >= 2,
              "the SDK refreshed the access token by itself (rotation gave a new pair)")


def pkce() -> tuple[str, str]:
    verifier = secrets.token_urlsafe(48)
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
    return verifier, challenge


class Raw:
    """The OAuth endpoints spoken to directly, as a hostile or careless client would."""

    def __init__(self, url: str):
        self.mcp = url
        self.base = url.rsplit("/api/mcp", 1)[0]
        self.http = httpx2.Client(timeout=30, follow_redirects=False)

    def register(self, redirect: str = "http://127.0.0.1:9/callback") -> str:
        r = self.http.post(f"{self.base}/oauth/register", json={"client_name": "hostile test", "redirect_uris": [redirect]})
        assert r.status_code == 201, r.text
        return r.json()["client_id"]

    def authorize_url(self, client_id: str, challenge: str, scope="mcp:read mcp:write offline_access",
                      resource: str | None = "default", redirect="http://127.0.0.1:9/callback") -> str:
        params = {"response_type": "code", "client_id": client_id, "redirect_uri": redirect,
                  "code_challenge": challenge, "code_challenge_method": "S256", "state": "st-" + secrets.token_hex(4),
                  "scope": scope}
        if resource == "default":
            params["resource"] = self.mcp
        elif resource is not None:
            params["resource"] = resource
        return f"{self.base}/oauth/authorize?" + urllib.parse.urlencode(params)

    def code_for(self, client_id: str, challenge: str, who=ANALYST, **kw) -> str:
        location = complete_consent(self.authorize_url(client_id, challenge), *who, "acme", **kw)
        query = urllib.parse.parse_qs(urllib.parse.urlsplit(location).query)
        assert "code" in query, location
        return query["code"][0]

    def token(self, **form) -> httpx2.Response:
        return self.http.post(f"{self.base}/oauth/token", data=form)

    def exchange(self, client_id: str, code: str, verifier: str) -> httpx2.Response:
        return self.token(grant_type="authorization_code", client_id=client_id, code=code, code_verifier=verifier,
                          redirect_uri="http://127.0.0.1:9/callback", resource=self.mcp)

    def mcp_call(self, access: str, tool: str | None = None, args: dict | None = None) -> httpx2.Response:
        body = {"jsonrpc": "2.0", "id": 1, "method": "tools/call", "params": {"name": tool, "arguments": args or {}}} \
            if tool else {"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {
                "protocolVersion": "2025-11-25", "capabilities": {}, "clientInfo": {"name": "raw", "version": "1"}}}
        return self.http.post(self.mcp, json=body, headers={
            "Authorization": f"Bearer {access}", "Accept": "application/json, text/event-stream",
            "MCP-Protocol-Version": "2025-11-25"})


def hostile(url: str, grace: float) -> None:
    print("- hostile cases: each refused clearly, nothing changed", flush=True)
    raw = Raw(url)
    client_id = raw.register()

    # Wrong PKCE verifier: refused, and the code still works with the right one.
    verifier, challenge = pkce()
    code = raw.code_for(client_id, challenge)
    wrong = raw.exchange(client_id, code, pkce()[0])
    check(wrong.status_code == 400 and wrong.json()["error"] == "invalid_grant"
          and "code_verifier" in wrong.json()["error_description"], "wrong PKCE verifier: invalid_grant naming code_verifier")
    good = raw.exchange(client_id, code, verifier)
    check(good.status_code == 200 and good.headers.get("cache-control") == "no-store",
          "the right verifier still redeems the code (no-store)")
    pair = good.json()
    check(raw.mcp_call(pair["access_token"]).status_code == 200, "the access token opens /api/mcp")

    # Reused code: refused, and what it issued is revoked (RFC 6749 §4.1.2).
    reused = raw.exchange(client_id, code, verifier)
    check(reused.status_code == 400 and reused.json()["error"] == "invalid_grant"
          and "already used" in reused.json()["error_description"], "reused code: invalid_grant, already used")
    check(raw.mcp_call(pair["access_token"]).status_code == 401, "tokens from a replayed code are revoked")

    # Foreign redirect URI: an error page, never a redirect.
    foreign = raw.http.get(raw.authorize_url(client_id, challenge, redirect="https://evil.example/cb"))
    check(foreign.status_code == 400 and "location" not in foreign.headers
          and "redirect" in foreign.text.lower(), "foreign redirect URI: error page, no redirect")
    # Loopback on another port is the same registration (RFC 8252).
    other_port = raw.http.get(raw.authorize_url(client_id, challenge, redirect="http://127.0.0.1:45678/callback"))
    check(other_port.status_code in (200, 303) and "evil" not in other_port.headers.get("location", ""),
          "a loopback redirect on another port is accepted")

    # Missing or foreign resource: invalid_target back to the client, no code.
    for resource, label in ((None, "missing"), ("https://other.example/api/mcp", "foreign")):
        r = raw.http.get(raw.authorize_url(client_id, challenge, resource=resource))
        location = r.headers.get("location", "")
        check(r.status_code in (302, 303) and "error=invalid_target" in location and "code=" not in location,
              f"{label} resource: invalid_target, no code")
    # ... and at the token endpoint.
    v2, c2 = pkce()
    code2 = raw.code_for(client_id, c2)
    r = raw.token(grant_type="authorization_code", client_id=client_id, code=code2, code_verifier=v2,
                  redirect_uri="http://127.0.0.1:9/callback", resource="https://other.example/api/mcp")
    check(r.status_code == 400 and r.json()["error"] == "invalid_target", "foreign resource at the token endpoint")

    # A viewer asking for mcp:write: refused on the consent page, no code.
    try:
        complete_consent(raw.authorize_url(client_id, challenge), *VIEWER, "acme", grant_write=True)
        check(False, "a viewer granting mcp:write must be refused")
    except ConsentRefused as refused:
        check(refused.status == 403 and "viewer" in refused.body, "viewer asking for mcp:write: 403 naming the role")
    viewer_code_location = complete_consent(raw.authorize_url(client_id, challenge), *VIEWER, "acme", grant_write=False)
    check("code=" in viewer_code_location, "the viewer may grant mcp:read")

    # A scripted browser posting only the form's hidden fields approves as the page would
    # (first tenant, mcp:write where the role allows it).
    v6, c6 = pkce()
    bare = complete_consent(raw.authorize_url(client_id, c6), *ANALYST, fields_only=True)
    bare_code = urllib.parse.parse_qs(urllib.parse.urlsplit(bare).query).get("code", [""])[0]
    bare_pair = raw.exchange(client_id, bare_code, v6)
    check(bare_pair.status_code == 200 and bare_pair.json()["scope"] == "mcp:read mcp:write",
          "a consent posted without button, tenant or scope choice approves the page's defaults")

    # Cross-site and token-less form posts: refused, no code.
    for overrides, headers, label in (({}, {"Origin": "https://evil.example"}, "cross-site Origin"),
                                      ({}, {"Sec-Fetch-Site": "cross-site"}, "Sec-Fetch-Site cross-site"),
                                      ({"csrf": "0" * 64}, {}, "wrong CSRF token")):
        try:
            complete_consent(raw.authorize_url(client_id, challenge), *ANALYST, "acme",
                             form_overrides=overrides, headers=headers)
            check(False, f"{label} must be refused")
        except ConsentRefused as refused:
            check(refused.status == 403 and "Nothing was changed" in refused.body, f"{label}: 403, nothing changed")

    # Refresh rotation: the same new pair within the grace period, the grant revoked after.
    v3, c3 = pkce()
    first = raw.exchange(client_id, raw.code_for(client_id, c3), v3).json()
    r1 = raw.token(grant_type="refresh_token", client_id=client_id, refresh_token=first["refresh_token"])
    check(r1.status_code == 200 and r1.json()["scope"] == "mcp:read mcp:write",
          "refresh without scope keeps the granted scopes")
    r2 = raw.token(grant_type="refresh_token", client_id=client_id, refresh_token=first["refresh_token"])
    check(r2.status_code == 200 and r2.json()["access_token"] == r1.json()["access_token"]
          and r2.json()["refresh_token"] == r1.json()["refresh_token"],
          "the just-rotated refresh token, presented again in the grace period, returns the same pair")
    time.sleep(grace + 1.0)
    r3 = raw.token(grant_type="refresh_token", client_id=client_id, refresh_token=first["refresh_token"])
    check(r3.status_code == 400 and r3.json()["error"] == "invalid_grant" and "revoked" in r3.json()["error_description"],
          "refresh reuse after the grace period: invalid_grant, grant revoked")
    refused = raw.mcp_call(r1.json()["access_token"])
    check(refused.status_code == 401 and "revoked" in refused.headers.get("www-authenticate", ""),
          "the newest access token of that grant is refused too")
    r4 = raw.token(grant_type="refresh_token", client_id=client_id, refresh_token=r1.json()["refresh_token"])
    check(r4.status_code == 400, "and so is its newest refresh token")

    # Token of a revoked grant (RFC 7009 revocation).
    v4, c4 = pkce()
    live = raw.exchange(client_id, raw.code_for(client_id, c4), v4).json()
    check(raw.mcp_call(live["access_token"]).status_code == 200, "a fresh grant works")
    rv = raw.http.post(f"{raw.base}/oauth/revoke", data={"token": live["refresh_token"]})
    check(rv.status_code == 200, "revocation endpoint answers 200")
    after = raw.mcp_call(live["access_token"])
    check(after.status_code == 401 and "revoked grant" in after.headers.get("www-authenticate", ""),
          "token of a revoked grant: 401 saying the grant was revoked")

    # Step-up: an OAuth token without mcp:write calling a write tool gets 403.
    v5, c5 = pkce()
    read_only = raw.exchange(client_id, raw.code_for(client_id, c5, who=VIEWER, grant_write=False), v5).json()
    check(read_only["scope"] == "mcp:read", "the viewer's token carries mcp:read only")
    denied = raw.mcp_call(read_only["access_token"], "run_integration", {"integrationId": "int_1"})
    challenge_header = denied.headers.get("www-authenticate", "")
    check(denied.status_code == 403 and 'error="insufficient_scope"' in challenge_header
          and 'scope="mcp:read mcp:write"' in challenge_header and "resource_metadata=" in challenge_header,
          "read-only OAuth token calling a write tool: 403 insufficient_scope step-up challenge")
    allowed = raw.mcp_call(read_only["access_token"], "list_kris", {"limit": 1})
    check(allowed.status_code == 200, "the same token still reads")

    # The 401 challenge points at the metadata; the metadata is what clients need.
    bare = raw.http.post(url, json={})
    check(bare.status_code == 401 and "resource_metadata=" in bare.headers.get("www-authenticate", ""),
          "401 challenge names resource_metadata")
    prm = raw.http.get(f"{raw.base}/.well-known/oauth-protected-resource/api/mcp").json()
    check(prm["resource"] == url and prm["authorization_servers"] == [raw.base], "protected resource metadata")
    asm = raw.http.get(f"{raw.base}/.well-known/oauth-authorization-server").json()
    check(asm["code_challenge_methods_supported"] == ["S256"] and "offline_access" in asm["scopes_supported"]
          and asm["authorization_response_iss_parameter_supported"] is True and "registration_endpoint" in asm,
          "authorization server metadata")


async def tools_with_token(url: str, token: str) -> None:
    print("- tools with the OAuth access token another client obtained", flush=True)
    http = httpx2.AsyncClient(headers={"Authorization": f"Bearer {token}"}, timeout=30)
    async with Client(streamable_http_client(url, http_client=http), mode="auto") as client:
        tools = await client.list_tools()
        check(len(tools.tools) == 11, f"tools/list lists 11 tools ({len(tools.tools)})")
        risks = await client.call_tool("list_risks", {"limit": 3})
        check(not risks.is_error and len(risks.structured_content["items"]) == 3, "list_risks answers")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--url", required=True, help="the MCP endpoint, http://HOST:PORT/api/mcp")
    parser.add_argument("--access-ttl", type=float, help="the server's --access-token-ttl-secs")
    parser.add_argument("--grace", type=float, help="the server's --refresh-reuse-grace-secs")
    parser.add_argument("--token-from-env", action="store_true",
                        help="only check that DRAXIS_E2E_OAUTH_TOKEN (say, Claude Code's) works for tools")
    args = parser.parse_args()
    if args.token_from_env:
        asyncio.run(tools_with_token(args.url, os.environ["DRAXIS_E2E_OAUTH_TOKEN"]))
    else:
        if args.access_ttl is None or args.grace is None:
            parser.error("--access-ttl and --grace are required for the full flow")
        asyncio.run(sdk_flow(args.url, args.access_ttl))
        hostile(args.url, args.grace)
    if failures:
        print(f"{len(failures)} OAuth check(s) failed", file=sys.stderr)
        return 1
    print("OAuth end-to-end: all checks passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())

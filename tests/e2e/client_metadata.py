"""End-to-end: Client ID Metadata Documents with the official MCP Python SDK.

Starts its own draxis-server with --client-metadata-documents, trusting a throwaway CA
(trustme) that also signs the https server this script runs for the documents:

    python tests/e2e/client_metadata.py --server target/debug/draxis-server --database sqlite:///tmp/cimd.db

The SDK's OAuthClientProvider, given a client_metadata_url, uses that URL as its
client_id instead of registering; the server fetches and checks the document, the
person approves, tools work. A document that names another URL, or carries a secret,
is refused with an error page and no redirect.
"""

from __future__ import annotations

import argparse
import asyncio
import http.server
import json
import ssl
import subprocess
import sys
import tempfile
import threading
import urllib.parse

import httpx2
import trustme
from mcp import Client
from mcp.client.auth import OAuthClientProvider
from mcp.client.streamable_http import streamable_http_client
from mcp.shared.auth import AuthorizationCodeResult, OAuthClientMetadata

from consent_browser import complete_consent
from oauth_flow import ANALYST, MemoryStorage, check, failures

REDIRECT = "http://localhost:33419/callback"


def serve_documents(ca: trustme.CA) -> tuple[http.server.ThreadingHTTPServer, int]:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), None)
    port = server.server_address[1]
    base = f"https://localhost:{port}"
    documents = {
        "/client.json": {"client_id": f"{base}/client.json", "client_name": "Metadata-document client",
                         "redirect_uris": [REDIRECT], "grant_types": ["authorization_code", "refresh_token"],
                         "response_types": ["code"], "token_endpoint_auth_method": "none"},
        "/forged.json": {"client_id": f"{base}/client.json", "redirect_uris": [REDIRECT]},
        "/secret.json": {"client_id": f"{base}/secret.json", "client_secret": "s3cret", "redirect_uris": [REDIRECT]},
    }

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            document = documents.get(self.path)
            body = json.dumps(document).encode() if document else b"{}"
            self.send_response(200 if document else 404)
            self.send_header("Content-Type", "application/json")
            self.send_header("Cache-Control", "max-age=60")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server.RequestHandlerClass = Handler
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert("localhost").configure_cert(context)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, port


def start_server(binary: str, database: str, ca_file: str) -> tuple[subprocess.Popen, str]:
    process = subprocess.Popen(
        [binary, "--demo", "--listen", "127.0.0.1:0", "--database", database, "--client-metadata-documents",
         "--client-metadata-ca", ca_file, "--client-metadata-allow-private-addresses"],
        stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True, env={"RUST_LOG": "warn", "PATH": ""},
    )
    for line in process.stderr:
        if line.startswith("draxis-server listening on "):
            url = line.split()[3]
            threading.Thread(target=lambda: [None for _ in process.stderr], daemon=True).start()
            return process, url
        print(f"  [server] {line.rstrip()}", flush=True)
    raise SystemExit(f"draxis-server exited during start-up ({process.wait()})")


async def sdk_with_metadata_url(mcp_url: str, document_url: str) -> None:
    storage = MemoryStorage()
    redirect: dict[str, str] = {}

    async def redirect_handler(authorization_url: str) -> None:
        query = urllib.parse.parse_qs(urllib.parse.urlsplit(authorization_url).query)
        check(query["client_id"] == [document_url], "the SDK uses the document URL as its client_id")
        location = await asyncio.to_thread(complete_consent, authorization_url, *ANALYST, "acme")
        redirect.update({k: v[0] for k, v in urllib.parse.parse_qs(urllib.parse.urlsplit(location).query).items()})

    async def callback_handler() -> AuthorizationCodeResult:
        return AuthorizationCodeResult(code=redirect["code"], state=redirect.get("state"), iss=redirect.get("iss"))

    provider = OAuthClientProvider(
        server_url=mcp_url,
        client_metadata=OAuthClientMetadata(client_name="Metadata-document client", redirect_uris=[REDIRECT],
                                            token_endpoint_auth_method="none"),
        storage=storage, redirect_handler=redirect_handler, callback_handler=callback_handler,
        client_metadata_url=document_url,
    )
    http = httpx2.AsyncClient(auth=provider, timeout=30)
    async with Client(streamable_http_client(mcp_url, http_client=http), mode="auto") as client:
        tools = await client.list_tools()
        check(len(tools.tools) == 11, "tools/list works for a metadata-document client")
        risks = await client.call_tool("list_risks", {"limit": 2})
        check(not risks.is_error, "list_risks works for a metadata-document client")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--server", required=True, help="path to the draxis-server binary")
    parser.add_argument("--database", required=True, help="a fresh database URL for this check")
    args = parser.parse_args()
    print("- Client ID Metadata Documents (https, a throwaway CA)", flush=True)
    ca = trustme.CA()
    documents, port = serve_documents(ca)
    with tempfile.NamedTemporaryFile("wb", suffix=".pem", delete=False) as ca_file:
        ca_file.write(ca.cert_pem.bytes())
    server, base = start_server(args.server, args.database, ca_file.name)
    try:
        mcp_url = f"{base}/api/mcp"
        metadata = httpx2.get(f"{base}/.well-known/oauth-authorization-server").json()
        check(metadata["client_id_metadata_document_supported"] is True, "metadata advertises the documents")
        asyncio.run(sdk_with_metadata_url(mcp_url, f"https://localhost:{port}/client.json"))
        for path, needle in (("/forged.json", "own URL"), ("/secret.json", "client_secret")):
            query = urllib.parse.urlencode({
                "response_type": "code", "client_id": f"https://localhost:{port}{path}", "redirect_uri": REDIRECT,
                "code_challenge": "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM", "code_challenge_method": "S256",
                "resource": mcp_url})
            refused = httpx2.get(f"{base}/oauth/authorize?{query}", follow_redirects=False)
            check(refused.status_code == 400 and "location" not in refused.headers and needle in refused.text,
                  f"a document at {path} is refused with an error page ({needle})")
    finally:
        server.terminate()
        server.wait(timeout=30)
        documents.shutdown()
    if failures:
        print(f"{len(failures)} metadata-document check(s) failed", file=sys.stderr)
        return 1
    print("Client ID Metadata Documents: all checks passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())

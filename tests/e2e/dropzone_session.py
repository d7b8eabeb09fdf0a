"""End-to-end: the AI Drop Zone with the official MCP Python SDK against a running server.

Run by `cargo xtask test`, which starts the server with demo data, mints the tokens and
creates two connectors (a folder and an HTTP endpoint this script serves):

    DRAXIS_E2E_WRITE_TOKEN=... DRAXIS_E2E_ACME_TOKEN=... python tests/e2e/dropzone_session.py \
        session --url URL --corpus DIR --folder DIR --metrics-port PORT

Subcommands:
  session  the seed's scheduled-pull pattern (list_integrations, submit_dropzone_artifact,
           run_integration) moves KRIs; repeating it changes nothing; 64 concurrent
           identical submissions leave one artifact; scopes, errors and connectors.
  stream   submits distinct artifacts until the server goes away, appending each
           acknowledged one to --acks (used around a SIGKILL).
  verify   after a restart, every acknowledged artifact is still there, whole.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import hashlib
import http.server
import json
import os
import sys
import threading
from pathlib import Path

import httpx2
import jsonschema
from mcp import Client
from mcp.client.streamable_http import streamable_http_client

failures: list[str] = []

SESSION = [
    ("01-weekly-vuln-summary.md", "text/markdown"),
    ("02-edr-export.json", "application/json"),
    ("06-soc-prose.md", "text/markdown"),
    ("09-vendor-review.md", "text/markdown"),
]
FREQUENCY_DAYS = {"daily": 1, "weekly": 7, "monthly": 30, "quarterly": 91}


def check(condition: bool, message: str) -> None:
    if not condition:
        failures.append(message)
        print(f"  FAIL {message}", flush=True)


def client_for(url: str, token: str, mode: str = "legacy") -> Client:
    http = httpx2.AsyncClient(headers={"Authorization": f"Bearer {token}"}, timeout=60)
    return Client(streamable_http_client(url, http_client=http), mode=mode)


def text_of(result) -> str:
    return " ".join(getattr(c, "text", "") for c in result.content)


class Session:
    """One connected client with the tools' output schemas."""

    def __init__(self, client: Client, schemas: dict):
        self.client = client
        self.schemas = schemas

    @classmethod
    async def open(cls, client: Client) -> "Session":
        listed = await client.list_tools()
        return cls(client, {t.name: t.output_schema for t in listed.tools})

    async def ok(self, name: str, args: dict) -> dict:
        result = await self.client.call_tool(name, args)
        check(not result.is_error, f"{name} failed: {text_of(result)[:300]}")
        data = result.structured_content or {}
        try:
            jsonschema.validate(data, self.schemas[name])
        except jsonschema.ValidationError as error:
            check(False, f"{name} structuredContent violates its outputSchema: {error.message}")
        return data

    async def error(self, name: str, args: dict, needle: str) -> None:
        result = await self.client.call_tool(name, args)
        text = text_of(result)
        check(bool(result.is_error), f"{name} should fail with {needle!r}, got: {text[:200]}")
        check(needle.lower() in text.lower(), f"{name} error should mention {needle!r}: {text[:300]}")


def expected_status(kri: dict) -> str:
    observed = dt.datetime.fromisoformat(kri["lastObservedAt"].replace("Z", "+00:00"))
    age = dt.datetime.now(dt.timezone.utc) - observed
    if age > dt.timedelta(days=2 * FREQUENCY_DAYS[kri["frequency"]]):
        return "unknown"
    value, warn, critical = kri["currentValue"], kri["warn"], kri["critical"]
    if kri["direction"] == "higher_is_worse":
        return "red" if value >= critical else "amber" if value >= warn else "green"
    return "red" if value <= critical else "amber" if value <= warn else "green"


async def drop_zone_id(s: Session, name: str) -> str:
    zones = await s.ok("list_integrations", {"limit": 200})
    return next(i["id"] for i in zones["items"] if i["name"] == name)


async def scheduled_pull(url: str, token: str, corpus: Path, mode: str, first: bool) -> dict:
    """The seed's four steps. On the first pass KRIs move; on the second nothing changes."""
    print(f"- scheduled pull into the AI Drop Zone over {mode} ({'first' if first else 'repeat'} pass)", flush=True)
    async with client_for(url, token, mode) as client:
        s = await Session.open(client)
        integrations = await s.ok("list_integrations", {})
        zones = [i for i in integrations["items"] if i["isDropZone"]]
        check(len(zones) >= 1, "a drop zone is listed")
        zone = next(i for i in zones if i["name"] == "AI Drop Zone")["id"]
        accepted: dict[str, tuple[float, str]] = {}
        for filename, mime in SESSION:
            content = (corpus / filename).read_text()
            answer = await s.ok("submit_dropzone_artifact", {
                "integrationId": zone, "content": content, "filename": filename, "mimeType": mime})
            check(answer.get("duplicate") is (not first), f"{filename}: duplicate={answer.get('duplicate')}")
            check(answer.get("sha256") == hashlib.sha256(content.encode()).hexdigest(), f"{filename}: sha256")
            check(answer.get("sizeBytes") == len(content.encode()), f"{filename}: sizeBytes")
            extraction = answer.get("extraction", {})
            counts = extraction.get("counts", {})
            proposals = extraction.get("proposals", [])
            check(counts.get("proposals") == len(proposals) and len(proposals) > 0, f"{filename}: proposals")
            check(counts.get("autoAccepted", 0) + counts.get("pendingReview", 0) == len(proposals),
                  f"{filename}: counts add up")
            for p in proposals:
                check(p["evidence"]["excerpt"] in content, f"{filename}: evidence not verbatim: {p['evidence']}")
                check(0 <= p["confidence"] <= 1, f"{filename}: confidence range")
                if p["state"] == "auto_accepted":
                    accepted[p["kriSlug"]] = (p["value"], answer["artifactId"])
        run = await s.ok("run_integration", {"integrationId": zone})
        if first:
            check(run.get("rowsWritten") == len(accepted),
                  f"run wrote {run.get('rowsWritten')} rows, {len(accepted)} auto-accepted")
        else:
            check(run.get("rowsWritten") == 0, f"repeat run wrote {run.get('rowsWritten')}")
        for slug, (value, artifact) in accepted.items():
            kri = await s.ok("get_kri", {"id": slug, "historyLimit": 200})
            check(kri.get("currentValue") == value, f"{slug}: current {kri.get('currentValue')} != {value}")
            check(kri.get("status") == expected_status(kri), f"{slug}: status {kri.get('status')}")
            sources = [h for h in kri.get("history", []) if h.get("artifactId") == artifact]
            check(len(sources) == 1 and sources[0]["value"] == value and sources[0]["source"] == "AI Drop Zone",
                  f"{slug}: history shows the value once, from {artifact}: {sources}")
        return {slug: v for slug, (v, _) in accepted.items()}


async def concurrency_and_scopes(url: str, token: str, read_token: str) -> None:
    print("- 64 concurrent identical submissions, a second drop zone, scopes and errors", flush=True)
    async with client_for(url, token) as client:
        s = await Session.open(client)
        zone = await drop_zone_id(s, "AI Drop Zone")
        edr = await drop_zone_id(s, "EDR drops")
        connector = await drop_zone_id(s, "Vulnerability scanner API")
        content = f"EDR coverage: 95.1%\nStale sensors: 17\nnonce: {os.getpid()}-{dt.datetime.now().timestamp()}\n"
        answers = await asyncio.gather(*[
            client.call_tool("submit_dropzone_artifact", {"integrationId": zone, "content": content})
            for _ in range(64)])
        ids = {a.structured_content["artifactId"] for a in answers if not a.is_error}
        fresh = [a for a in answers if not a.is_error and not a.structured_content["duplicate"]]
        check(all(not a.is_error for a in answers), "every concurrent submission answered")
        check(len(ids) == 1, f"64 identical submissions made {len(ids)} artifacts")
        check(len(fresh) == 1, f"{len(fresh)} submissions claim to be first")
        other = await s.ok("submit_dropzone_artifact", {"integrationId": edr, "content": content})
        check(other.get("duplicate") is False and other.get("artifactId") not in ids,
              "the same bytes to another drop zone are a new artifact")

        await s.error("submit_dropzone_artifact", {"integrationId": "int_999", "content": "x: 1"}, "list_integrations")
        await s.error("submit_dropzone_artifact", {"integrationId": connector, "content": "x: 1"}, "not a drop zone")
        await s.error("submit_dropzone_artifact", {"integrationId": zone, "content": " \n "}, "empty")
        await s.error("submit_dropzone_artifact", {"integrationId": zone, "content": "\x00\x01PNG\x00\x02"}, "not text")
        await s.error("submit_dropzone_artifact", {"integrationId": zone, "content": "a" * (10 * 1024 * 1024 + 1)},
                      "limit")
        await s.error("run_integration", {"integrationId": connector}, "could not connect")

        ambiguous = "Identity snapshot from the contractor tenant:\n\n- MFA coverage (contractors): 70%\n" \
                    f"- Phishing-resistant MFA coverage: 35%\n<!-- {os.getpid()} -->\n"
        answer = await s.ok("submit_dropzone_artifact", {"integrationId": zone, "content": ambiguous})
        check(answer["extraction"]["counts"]["autoAccepted"] == 0, "contractor figures never auto-accept")
        listed = await s.ok("list_integrations", {})
        pending = next(i for i in listed["items"] if i["id"] == zone)["pendingReviewCount"]
        check(pending >= answer["extraction"]["counts"]["pendingReview"] > 0, f"pendingReviewCount {pending}")

    async with client_for(url, read_token) as client:
        s = await Session.open(client)
        unique = f"Patch compliance: 90.5%\nnonce {os.getpid()} read-only\n"
        await s.error("submit_dropzone_artifact", {"integrationId": zone, "content": unique}, "write scope")
        await s.error("run_integration", {"integrationId": zone}, "write scope")
    async with client_for(url, token) as client:
        s = await Session.open(client)
        after = await s.ok("submit_dropzone_artifact", {"integrationId": zone, "content": unique})
        check(after.get("duplicate") is False, "the refused read-only submission stored nothing")


def serve_metrics(port: int, body: bytes) -> http.server.ThreadingHTTPServer:
    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 (stdlib name)
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *_):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", port), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


async def connectors(url: str, token: str, corpus: Path, folder: Path, port: int) -> None:
    print("- directory and http_json connectors feed the same intake", flush=True)
    metrics = serve_metrics(port, (corpus / "03-identity-flat.json").read_bytes())
    try:
        async with client_for(url, token, "auto") as client:
            s = await Session.open(client)
            for name in ["05-backup-keyvalue.txt", "04-awareness.csv"]:
                (folder / name).write_text((corpus / name).read_text())
            first = await s.ok("run_integration", {"integrationId": "Reports folder"})
            check(first.get("artifactsIngested") == 2 and first.get("rowsWritten", 0) >= 5,
                  f"folder run: {first.get('summary')}")
            again = await s.ok("run_integration", {"integrationId": "Reports folder"})
            check(again.get("artifactsIngested") == 0 and again.get("artifactsDuplicate") == 2
                  and again.get("rowsWritten") == 0, f"folder rerun: {again.get('summary')}")
            kri = await s.ok("get_kri", {"id": "restore_test_age_days"})
            check(kri.get("currentValue") == 134, f"restore test age from the folder: {kri.get('currentValue')}")

            fetched = await s.ok("run_integration", {"integrationId": "Metrics endpoint"})
            check(fetched.get("artifactsIngested") == 1 and fetched.get("rowsWritten") == 4,
                  f"http_json run: {fetched.get('summary')}")
            refetched = await s.ok("run_integration", {"integrationId": "Metrics endpoint"})
            check(refetched.get("artifactsDuplicate") == 1 and refetched.get("rowsWritten") == 0,
                  f"http_json rerun: {refetched.get('summary')}")
            kri = await s.ok("get_kri", {"id": "stale_accounts_count"})
            check(kri.get("currentValue") == 41, f"stale accounts from the endpoint: {kri.get('currentValue')}")
    finally:
        metrics.shutdown()


async def stream(url: str, token: str, acks: Path) -> None:
    """Distinct artifacts, one after another, until the server dies; every acknowledged
    one is appended (and flushed) to `acks` before the next is sent."""
    written = 0
    with acks.open("a") as out:
        try:
            async with client_for(url, token) as client:
                zone = await drop_zone_id(await Session.open(client), "AI Drop Zone")
                for n in range(100000):
                    content = (f"# crash test {os.getpid()} #{n}\n\n| Metric | Value |\n|---|---|\n"
                               f"| Patch compliance | {50 + (n % 500) / 10}% |\n"
                               f"| Known-exploited vulnerabilities open | {n % 40} |\n")
                    result = await client.call_tool("submit_dropzone_artifact",
                                                    {"integrationId": zone, "content": content})
                    if result.is_error:
                        continue
                    data = result.structured_content
                    out.write(json.dumps({"content": content, "artifactId": data["artifactId"],
                                          "proposals": data["extraction"]["counts"]["proposals"]}) + "\n")
                    out.flush()
                    written += 1
        except BaseException as error:  # the server was killed: that is the point
            print(f"  stream stopped after {written} acknowledged artifacts ({type(error).__name__})", flush=True)


async def verify(url: str, token: str, acks: Path) -> None:
    lines = [json.loads(line) for line in acks.read_text().splitlines() if line.strip()]
    print(f"- after SIGKILL: {len(lines)} acknowledged artifacts must all be there, whole", flush=True)
    check(len(lines) > 0, "the stream acknowledged nothing before the kill")
    async with client_for(url, token) as client:
        zone = await drop_zone_id(await Session.open(client), "AI Drop Zone")
        for ack in lines:
            result = await client.call_tool("submit_dropzone_artifact", {"integrationId": zone, "content": ack["content"]})
            data = result.structured_content or {}
            check(data.get("duplicate") is True and data.get("artifactId") == ack["artifactId"],
                  f"acknowledged {ack['artifactId']} lost: {text_of(result)[:200]}")
            check(data.get("extraction", {}).get("counts", {}).get("proposals") == ack["proposals"],
                  f"{ack['artifactId']}: extraction not whole after the crash")


async def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("command", choices=["session", "stream", "verify"])
    parser.add_argument("--url", required=True)
    parser.add_argument("--corpus", type=Path, default=Path("crates/dropzone/tests/corpus/dev"))
    parser.add_argument("--folder", type=Path)
    parser.add_argument("--metrics-port", type=int)
    parser.add_argument("--acks", type=Path)
    args = parser.parse_args()
    token = os.environ.get("DRAXIS_E2E_WRITE_TOKEN")
    read_token = os.environ.get("DRAXIS_E2E_ACME_TOKEN")
    if not token:
        parser.error("set DRAXIS_E2E_WRITE_TOKEN to an acme read,write token")
    if args.command == "session":
        if not (read_token and args.folder and args.metrics_port):
            parser.error("session needs DRAXIS_E2E_ACME_TOKEN, --folder and --metrics-port")
        before = await scheduled_pull(args.url, token, args.corpus, "legacy", first=True)
        after = await scheduled_pull(args.url, token, args.corpus, "auto", first=False)
        check(before == after, "repeating the session changed KRI values")
        await concurrency_and_scopes(args.url, token, read_token)
        await connectors(args.url, token, args.corpus, args.folder, args.metrics_port)
    elif args.command == "stream":
        await stream(args.url, token, args.acks)
    else:
        await verify(args.url, token, args.acks)
    if failures:
        print(f"{len(failures)} Drop Zone check(s) failed", flush=True)
        return 1
    print(f"Drop Zone {args.command}: all checks passed", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))

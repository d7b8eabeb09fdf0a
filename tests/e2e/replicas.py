"""Three draxis-server replicas on one PostgreSQL database, driven round-robin with the
official MCP Python SDK: every read answers as a single server would (within the
documented staleness: the read cache's lifetime), and a write made through one replica is
visible through the others within that bound.

    python tests/e2e/replicas.py --url URL1 --url URL2 --url URL3 --token READ \
        --writer READ_WRITE [--staleness-ms 1000]
"""
from __future__ import annotations

import argparse
import asyncio
import contextlib
import datetime as dt
import itertools
import os
import sys
import time

import httpx2
from mcp import Client
from mcp.client.streamable_http import streamable_http_client

FAILURES: list[str] = []


def check(condition: bool, message: str) -> None:
    print(f"  {'ok  ' if condition else 'FAIL'} {message}", flush=True)
    if not condition:
        FAILURES.append(message)


def client_for(url: str, token: str) -> Client:
    http = httpx2.AsyncClient(headers={"Authorization": f"Bearer {token}"}, timeout=30)
    return Client(streamable_http_client(url, http_client=http), mode="legacy")


async def structured(client: Client, name: str, args: dict) -> dict:
    result = await client.call_tool(name, args)
    text = " ".join(getattr(c, "text", "") for c in result.content)
    if result.is_error:
        raise AssertionError(f"{name}({args}) failed: {text}")
    return result.structured_content or {}


def without_moving_parts(answer: dict) -> dict:
    """An answer with what legitimately differs between two calls taken out: a status
    sentence may name how long ago a value was observed."""
    def clean(value):
        if isinstance(value, dict):
            return {k: clean(v) for k, v in value.items() if k != "statusReason"}
        if isinstance(value, list):
            return [clean(v) for v in value]
        return value
    return clean(answer)


async def consistent_reads(clients: list[Client]) -> None:
    print("- every replica answers every read alike", flush=True)
    calls = [
        ("list_kris", {"limit": 200}),
        ("list_risks", {"limit": 50, "sort": "simulatedLoss"}),
        ("list_controls", {"framework": "PR", "limit": 100}),
        ("list_outcomes", {}),
        ("list_vendors", {"sort": "assessmentDue"}),
        ("get_asset_inventory", {"missing": "edr", "limit": 50}),
        ("list_simulations", {"limit": 20}),
        ("list_integrations", {}),
        ("get_kri", {"id": "mfa_coverage_pct", "historyLimit": 60}),
    ]
    for name, args in calls:
        answers = [without_moving_parts(await structured(c, name, args)) for c in clients]
        check(all(a == answers[0] for a in answers[1:]), f"{name} {args}: the same on all replicas")
    # A cursor from one replica continues on another.
    first = await structured(clients[0], "get_asset_inventory", {"limit": 100})
    second = await structured(clients[1], "get_asset_inventory", {"limit": 100, "cursor": first["nextCursor"]})
    again = await structured(clients[2], "get_asset_inventory", {"limit": 100, "cursor": first["nextCursor"]})
    check(second == again and second["items"][0]["id"] not in {a["id"] for a in first["items"]},
          "a cursor taken from one replica pages on the others")


async def writes_travel(urls: list[str], writer: str, reader: str, staleness_ms: int) -> None:
    print("- a write through one replica is visible through the others", flush=True)
    async with client_for(urls[0], writer) as write, \
            client_for(urls[1], reader) as second, client_for(urls[2], reader) as third:
        zones = await structured(write, "list_integrations", {"isDropZone": True})
        zone = next(z["id"] for z in zones["items"] if z["name"] == "AI Drop Zone")
        value = round(70 + (os.getpid() % 200) / 10, 1)
        observed = dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
        content = f'{{"mfa_coverage_pct": {value}, "observed_at": "{observed}"}}\n'
        submitted = await structured(write, "submit_dropzone_artifact", {
            "integrationId": zone, "content": content, "filename": f"replicas-{os.getpid()}.json"})
        states = [p["state"] for p in submitted["extraction"]["proposals"] if p["kriSlug"] == "mfa_coverage_pct"]
        check(states == ["auto_accepted"], f"the value auto-accepts ({states})")
        ran = await structured(write, "run_integration", {"integrationId": zone})
        check(any(u["kriSlug"] == "mfa_coverage_pct" and u["value"] == value for u in ran["updates"]),
              "run_integration writes it through replica 1")
        written_at = time.monotonic()
        for name, client in (("replica 2", second), ("replica 3", third)):
            seen = None
            while time.monotonic() - written_at < staleness_ms / 1000 + 2.0:
                kri = await structured(client, "get_kri", {"id": "mfa_coverage_pct", "historyLimit": 5})
                if kri["currentValue"] == value:
                    seen = time.monotonic() - written_at
                    break
                await asyncio.sleep(0.05)
            check(seen is not None and seen * 1000 <= staleness_ms + 500,
                  f"{name} shows the new value after {seen if seen is None else round(seen * 1000)} ms "
                  f"(read cache {staleness_ms} ms)")


async def round_robin_load(urls: list[str], token: str) -> None:
    print("- round-robin calls across the replicas all succeed", flush=True)
    async with contextlib.AsyncExitStack() as stack:
        entered = [await stack.enter_async_context(client_for(u, token)) for u in urls]
        ring = itertools.cycle(entered)
        names = itertools.cycle(["list_kris", "list_risks", "list_outcomes", "list_integrations"])
        calls = [structured(next(ring), next(names), {"limit": 10}) for _ in range(60)]
        results = await asyncio.gather(*calls, return_exceptions=True)
        failed = [r for r in results if isinstance(r, BaseException)]
        check(not failed, f"60 calls over 3 replicas: {len(failed)} failed {failed[:1]}")


async def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--url", action="append", required=True)
    parser.add_argument("--token", required=True, help="a read token")
    parser.add_argument("--writer", required=True, help="a read,write token")
    parser.add_argument("--staleness-ms", type=int, default=1000)
    args = parser.parse_args()
    if len(args.url) < 2:
        parser.error("give at least two --url")
    async with contextlib.AsyncExitStack() as stack:
        entered = [await stack.enter_async_context(client_for(u, args.token)) for u in args.url]
        await consistent_reads(entered)
    await writes_travel(args.url, args.writer, args.token, args.staleness_ms)
    await round_robin_load(args.url, args.token)
    if FAILURES:
        print(f"{len(FAILURES)} replica check(s) failed", flush=True)
        return 1
    print("replicas: all checks passed", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))

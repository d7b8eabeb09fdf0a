"""End-to-end: the official MCP Python SDK against a running draxis-server.

Run by `cargo xtask test` (which starts the server with demo data and mints the tokens):

    DRAXIS_E2E_ACME_TOKEN=drx_pat_acme.... DRAXIS_E2E_GLOBEX_TOKEN=drx_pat_globex.... \
        python tests/e2e/mcp_read_tools.py --url http://127.0.0.1:PORT/api/mcp

Both protocol generations are exercised with the same SDK: the 2025-11-25 initialize
handshake (mode="legacy") and stateless 2026-07-28 (mode="auto" discovers it).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys

import httpx2
import jsonschema
from mcp import Client
from mcp.client.streamable_http import streamable_http_client

READ_TOOLS = {
    "list_kris", "get_kri", "list_controls", "list_risks", "list_outcomes",
    "list_vendors", "get_asset_inventory", "list_simulations", "list_integrations",
}
WRITE_TOOLS = {"submit_dropzone_artifact", "run_integration"}

failures: list[str] = []


def check(condition: bool, message: str) -> None:
    if not condition:
        failures.append(message)
        print(f"  FAIL {message}", flush=True)


def client_for(url: str, token: str, mode: str) -> Client:
    http = httpx2.AsyncClient(headers={"Authorization": f"Bearer {token}"}, timeout=30)
    return Client(streamable_http_client(url, http_client=http), mode=mode)


async def call(client: Client, schemas: dict, name: str, args: dict) -> dict:
    """Calls a tool that must succeed; validates structuredContent against outputSchema."""
    result = await client.call_tool(name, args)
    text = " ".join(getattr(c, "text", "") for c in result.content)
    check(not result.is_error, f"{name}({args}) failed: {text}")
    data = result.structured_content
    check(data is not None, f"{name} returned no structuredContent")
    if data is not None:
        try:
            jsonschema.validate(data, schemas[name])
        except jsonschema.ValidationError as error:
            check(False, f"{name} structuredContent violates its outputSchema: {error.message}")
        check(json.loads(text) == data, f"{name} text content differs from structuredContent")
    return data or {}


async def expect_tool_error(client: Client, name: str, args: dict, needle: str) -> None:
    result = await client.call_tool(name, args)
    text = " ".join(getattr(c, "text", "") for c in result.content)
    check(bool(result.is_error), f"{name}({args}) should be an isError result, got: {text[:200]}")
    check(needle.lower() in text.lower(), f"{name}({args}) error should mention {needle!r}: {text}")


async def read_tools(url: str, token: str, mode: str, expected_version: str) -> None:
    print(f"- read tools over {mode} (expect {expected_version})", flush=True)
    async with client_for(url, token, mode) as client:
        version = client.session.protocol_version
        check(version == expected_version, f"negotiated {version}, expected {expected_version}")
        listed = await client.list_tools()
        tools = {t.name: t for t in listed.tools}
        check(set(tools) == READ_TOOLS | WRITE_TOOLS, f"tools/list gave {sorted(tools)}")
        schemas = {}
        for tool in listed.tools:
            check(tool.output_schema is not None, f"{tool.name} has no outputSchema")
            read_only = tool.name in READ_TOOLS
            check(tool.annotations is not None and tool.annotations.read_only_hint is read_only,
                  f"{tool.name}: readOnlyHint should be {read_only}")
            schemas[tool.name] = tool.output_schema

        top = await call(client, schemas, "list_risks", {"limit": 5})
        scores = [r["currentScore"] for r in top.get("items", [])]
        check(len(scores) == 5 and scores == sorted(scores, reverse=True), f"top 5 risks by score: {scores}")
        check(top.get("total", 0) >= 25, "at least 25 risks")

        red = await call(client, schemas, "list_kris", {"status": "red"})
        check(red["total"] > 0 and all(k["status"] == "red" for k in red["items"]), "red KRIs filter")
        everything = await call(client, schemas, "list_kris", {"limit": 200})
        check(everything["total"] == 40 and len(everything["items"]) == 40, "40 acme KRIs")
        first = await call(client, schemas, "list_kris", {"limit": 15, "sort": "name"})
        second = await call(client, schemas, "list_kris", {"limit": 15, "sort": "name", "cursor": first["nextCursor"]})
        names = [k["name"] for k in first["items"] + second["items"]]
        check(names == sorted(names, key=str.lower) and len(set(names)) == 30, "name-sorted pages continue")

        fed = await call(client, schemas, "list_kris", {"source": "AI Drop Zone", "limit": 200})
        check(fed["total"] > 0 and all(k["sourceIntegrationName"] == "AI Drop Zone" for k in fed["items"]),
              "KRIs filtered by source integration name carry it")
        kri = await call(client, schemas, "get_kri", {"id": "patch_compliance_pct", "historyLimit": 90})
        check(len(kri["history"]) == 90, f"90 days of patch history, got {len(kri['history'])}")
        check(kri["history"][0]["value"] == kri["currentValue"], "history starts at the current value")
        by_id = await call(client, schemas, "get_kri", {"id": kri["id"]})
        check(by_id["slug"] == "patch_compliance_pct", "get_kri by id")

        controls = await call(client, schemas, "list_controls", {"framework": "PR.AA", "limit": 100})
        check(controls["total"] > 0 and all(any(i.startswith("PR.AA") for i in c["nistCsf"]) for c in controls["items"]),
              "controls filtered by CSF category")
        phishing = await call(client, schemas, "list_controls", {"technique": "T1566"})
        check(phishing["total"] > 0, "controls mitigating T1566")
        outcomes = await call(client, schemas, "list_outcomes", {})
        check(outcomes["total"] >= 6, "at least 6 outcomes")
        vendors = await call(client, schemas, "list_vendors", {"criticality": "critical"})
        check(all(v["criticality"] == "critical" for v in vendors["items"]), "vendor criticality filter")
        assets = await call(client, schemas, "get_asset_inventory", {"kind": "server", "missing": "edr", "limit": 10})
        check(assets["summary"]["total"] == assets["total"] and all(not a["edr"] for a in assets["items"]),
              "servers missing EDR")
        inventory = await call(client, schemas, "get_asset_inventory", {})
        check(inventory["total"] >= 2000, "at least 2,000 assets")
        sims = await call(client, schemas, "list_simulations", {"limit": 200})
        check(sims["total"] >= 33, f"a run per demo risk and outcome, got {sims['total']}")
        completed = [r for r in sims["items"] if r["status"] == "completed"]
        check(len(completed) >= 33 and all(r["results"] for r in completed), "completed runs carry results")
        check(all("exceedanceCurve" not in r["results"] for r in completed), "lists leave curves out unless asked")
        for name, largest in [("list_kris", {"limit": 200}), ("list_controls", {"limit": 200}),
                              ("list_risks", {"limit": 200}), ("list_vendors", {"limit": 200}),
                              ("get_asset_inventory", {"limit": 200}),
                              ("list_simulations", {"limit": 200, "includeCurve": True}),
                              ("get_kri", {"id": "patch_compliance_pct", "historyLimit": 365})]:
            answer = await call(client, schemas, name, largest)
            size = len(json.dumps(answer, separators=(",", ":"), ensure_ascii=False))
            check(size < 40000, f"{name} {largest} is {size} characters, over what a model is handed")
        default_sims = await call(client, schemas, "list_simulations", {})
        size = len(json.dumps(default_sims, separators=(",", ":"), ensure_ascii=False))
        check(size < 15000, f"list_simulations at its default limit is {size} characters")
        for run in completed[:5]:
            one = await call(client, schemas, "list_simulations",
                             {"risk": run["riskRef"], "limit": 1, "includeCurve": True} if run.get("riskRef")
                             else {"outcome": run["outcomeRef"], "limit": 1, "includeCurve": True})
            curve = one["items"][0]["results"]["exceedanceCurve"]
            check(len(curve) > 10 and all(a["probability"] >= b["probability"] for a, b in zip(curve, curve[1:])),
                  "monotone curve, on request")
        by_loss = await call(client, schemas, "list_risks", {"sort": "simulatedLoss", "limit": 200})
        losses = [r["latestSimulatedAnnualLoss"] for r in by_loss["items"]]
        check(all(x is not None for x in losses) and losses == sorted(losses, reverse=True),
              "risks sorted by latest simulated annual loss")
        outcomes_loss = await call(client, schemas, "list_outcomes", {})
        check(all(o["aggregateAnnualLoss"] for o in outcomes_loss["items"]), "outcomes carry aggregate loss")
        zones = await call(client, schemas, "list_integrations", {"isDropZone": True})
        check(sorted(i["name"] for i in zones["items"]) == ["AI Drop Zone", "EDR drops"], "two drop zones")

        await expect_tool_error(client, "get_kri", {"id": "no_such_kri"}, "list_kris")
        await expect_tool_error(client, "list_kris", {"status": "purple"}, "unknown variant")
        await expect_tool_error(client, "list_kris", {"limit": 500}, "between 1 and 200")
        await expect_tool_error(client, "list_kris", {"cursor": "garbage"}, "cursor")
        await expect_tool_error(client, "list_risks", {"outcome": "O-99"}, "list_outcomes")
        await expect_tool_error(client, "list_controls", {"technique": "phishing"}, "T1566")
        await expect_tool_error(client, "list_kris", {"colour": "red"}, "unknown field")


async def queued_run_completes(url: str, acme: str) -> None:
    """`draxis-admin simulate --queue` left a run for R-001; the server's worker computes it."""
    print("- a queued simulation is computed by the server in the background", flush=True)
    async with client_for(url, acme, "legacy") as client:
        for _ in range(60):
            runs = (await client.call_tool("list_simulations", {"risk": "R-001"})).structured_content["items"]
            if len(runs) >= 2 and all(r["status"] == "completed" for r in runs):
                return
            await asyncio.sleep(0.5)
        check(False, f"queued run for R-001 did not complete: {[r['status'] for r in runs]}")


async def tenant_isolation(url: str, acme: str, globex: str) -> None:
    print("- a globex token never sees an acme row", flush=True)
    async with client_for(url, acme, "legacy") as client:
        acme_kris = (await client.call_tool("list_kris", {"limit": 200})).structured_content["items"]
        acme_risks = (await client.call_tool("list_risks", {"limit": 200})).structured_content["items"]
        acme_assets = (await client.call_tool("get_asset_inventory", {"limit": 5})).structured_content
        acme_ids = {k["id"] for k in acme_kris} | {r["id"] for r in acme_risks}
    async with client_for(url, globex, "2026-07-28") as client:
        kris = (await client.call_tool("list_kris", {"limit": 200})).structured_content["items"]
        check(0 < len(kris) < 40, f"globex has its own smaller KRI set, got {len(kris)}")
        check(not ({k["id"] for k in kris} & acme_ids), "globex KRI ids overlap acme's")
        for kri in acme_kris[:10]:
            result = await client.call_tool("get_kri", {"id": kri["id"]})
            check(bool(result.is_error), f"globex read acme KRI {kri['id']}")
        for risk in acme_risks[:5]:
            result = await client.call_tool("list_kris", {"risk": risk["id"]})
            check(bool(result.is_error), f"globex filtered by acme risk {risk['id']}")
        replay = await client.call_tool("get_asset_inventory", {"cursor": acme_assets["nextCursor"], "limit": 200})
        names = [a["name"] for a in (replay.structured_content or {}).get("items", [])]
        check(not any("ACME" in n for n in names), "acme cursor replayed by globex leaked acme assets")


async def malformed_tokens(url: str, acme: str) -> None:
    print("- every malformed credential gets its own 401", flush=True)
    hexs = "ab" * 32
    cases = {
        "no header": None,
        "basic scheme": "Basic dXNlcjpwYXNz",
        "empty bearer": "Bearer",
        "not a drx_pat": "Bearer ghp_abcdef",
        "tenant half missing": f"Bearer drx_pat_.{hexs}",
        "secret half missing": "Bearer drx_pat_acme.",
        "secret not 64 hex": "Bearer drx_pat_acme.abc123",
        "unknown tenant": f"Bearer drx_pat_nosuchtenant.{hexs}",
        "unknown token": f"Bearer drx_pat_acme.{hexs}",
    }
    body = {"jsonrpc": "2.0", "id": 1, "method": "tools/list", "params": {}}
    descriptions = {}
    async with httpx2.AsyncClient(timeout=10) as http:
        for case, header in cases.items():
            headers = {"Accept": "application/json, text/event-stream", "Content-Type": "application/json"}
            if header is not None:
                headers["Authorization"] = header
            response = await http.post(url, json=body, headers=headers)
            challenge = response.headers.get("www-authenticate", "")
            check(response.status_code == 401, f"{case}: status {response.status_code}")
            check(challenge.startswith("Bearer ") and 'error="invalid_token"' in challenge,
                  f"{case}: challenge {challenge!r}")
            descriptions[case] = challenge.split('error_description="', 1)[-1]
        check(len(set(descriptions.values())) == len(cases), f"messages are not all distinct: {descriptions}")
        # The older 2025-06-18 clients negotiate on the same endpoint.
        response = await http.post(url, headers={
            "Authorization": f"Bearer {acme}", "Accept": "application/json, text/event-stream",
            "Content-Type": "application/json"},
            json={"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {
                "protocolVersion": "2025-06-18", "capabilities": {},
                "clientInfo": {"name": "e2e-2025-06-18", "version": "1"}}})
        check(response.status_code == 200, f"2025-06-18 initialize: {response.status_code}")
        if response.status_code == 200:
            negotiated = response.json().get("result", {}).get("protocolVersion")
            check(negotiated == "2025-06-18", f"2025-06-18 client negotiated {negotiated}")
        # Garbage after authentication is a client error, never a 5xx.
        auth = {"Authorization": f"Bearer {acme}", "Accept": "application/json, text/event-stream",
                "Content-Type": "application/json", "MCP-Protocol-Version": "2025-11-25"}
        for junk in [b"{", b"[]", b'{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"nope"}}',
                     b'{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"list_kris","arguments":[1]}}']:
            response = await http.post(url, content=junk, headers=auth)
            check(response.status_code < 500, f"junk {junk!r} got {response.status_code}")


async def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--url", required=True)
    parser.add_argument("--acme-token", default=os.environ.get("DRAXIS_E2E_ACME_TOKEN"))
    parser.add_argument("--globex-token", default=os.environ.get("DRAXIS_E2E_GLOBEX_TOKEN"))
    args = parser.parse_args()
    if not args.acme_token or not args.globex_token:
        parser.error("give an acme and a globex token (DRAXIS_E2E_ACME_TOKEN, DRAXIS_E2E_GLOBEX_TOKEN)")
    await read_tools(args.url, args.acme_token, "legacy", "2025-11-25")
    await read_tools(args.url, args.acme_token, "auto", "2026-07-28")
    await queued_run_completes(args.url, args.acme_token)
    await tenant_isolation(args.url, args.acme_token, args.globex_token)
    await malformed_tokens(args.url, args.acme_token)
    if failures:
        print(f"{len(failures)} end-to-end check(s) failed", flush=True)
        return 1
    print("all end-to-end checks passed", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))

"""End-to-end: a customer's own register, imported with `draxis-admin register import`, as
the MCP Python SDK sees it.

Run by `cargo xtask test` after it creates a tenant, imports a register file written from
docs/register.md, creates a drop zone and mints a token:

    DRAXIS_E2E_REGISTER_TOKEN=drx_pat_initech.... python tests/e2e/register_tenant.py \
        --url http://127.0.0.1:PORT/api/mcp --register docs/examples/initech.register.yaml

Every read tool must answer with the register's rows; list_risks sorts by the imported
scores; an artifact naming an imported alias yields a proposal for the imported KRI.
Pass --simulated after `draxis-admin simulate --all` to check runs on the imported FAIR
parameters.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys

import httpx2
import yaml
from mcp import Client
from mcp.client.streamable_http import streamable_http_client

failures: list[str] = []


def check(condition: bool, message: str) -> None:
    print(f"  {'ok  ' if condition else 'FAIL'} {message}", flush=True)
    if not condition:
        failures.append(message)


async def every_item(client: Client, tool: str, args: dict) -> tuple[list[dict], int]:
    """Pages through a list tool; returns its items and the total it reported."""
    items: list[dict] = []
    cursor = None
    total = 0
    while True:
        page_args = dict(args, limit=200)
        if cursor:
            page_args["cursor"] = cursor
        result = await client.call_tool(tool, page_args)
        if result.is_error:
            check(False, f"{tool} answered an error: {result.content}")
            return items, total
        page = result.structured_content
        items.extend(page["items"])
        total = page["total"]
        cursor = page.get("nextCursor")
        if not cursor:
            return items, total


async def run(url: str, token: str, register: dict, simulated: bool) -> None:
    http = httpx2.AsyncClient(headers={"Authorization": f"Bearer {token}"}, timeout=60)
    async with Client(streamable_http_client(url, http_client=http), mode="auto") as client:
        kris = register.get("kris") or []
        risks = register.get("risks") or []
        controls = register.get("controls") or []
        outcomes = register.get("outcomes") or []
        vendors = register.get("vendors") or []
        assets = register.get("assets") or []

        listed, total = await every_item(client, "list_kris", {})
        check(total == len(kris) and {k["slug"] for k in listed} == {k["slug"] for k in kris},
              f"list_kris holds the register's {len(kris)} KRIs (got {total})")
        for kri in kris:
            got = await client.call_tool("get_kri", {"id": kri["slug"]})
            data = got.structured_content or {}
            check(not got.is_error and data.get("warn") == kri["warn"] and data.get("critical") == kri["critical"]
                  and sorted(data.get("aliases") or []) == sorted(kri.get("aliases") or [])
                  and sorted(data.get("riskRefs") or []) == sorted(kri.get("risks") or []),
                  f"get_kri {kri['slug']}: thresholds, aliases and risk links as imported")

        listed, total = await every_item(client, "list_risks", {})
        check(total == len(risks) and {r["ref"] for r in listed} == {r["ref"] for r in risks},
              f"list_risks holds the register's {len(risks)} risks (got {total})")
        by_ref = {r["ref"]: r for r in risks}
        for item in listed:
            mine = by_ref.get(item["ref"], {})
            current = mine.get("current", {})
            check(item["current"]["likelihood"] == current.get("likelihood")
                  and item["current"]["impact"] == current.get("impact"),
                  f"list_risks {item['ref']}: current likelihood/impact as imported")
        scores = [item["currentScore"] for item in listed]
        check(scores == sorted(scores, reverse=True), f"list_risks sorts by score, highest first: {scores}")

        for tool, key, rows, field in (("list_controls", "ref", controls, "ref"),
                                       ("list_outcomes", "ref", outcomes, "ref"),
                                       ("list_vendors", "name", vendors, "name"),
                                       ("get_asset_inventory", "name", assets, "name")):
            listed, total = await every_item(client, tool, {})
            check(total == len(rows) and sorted(i[key] for i in listed) == sorted(r[field] for r in rows),
                  f"{tool} holds the register's {len(rows)} rows (got {total})")

        zones, _ = await every_item(client, "list_integrations", {"isDropZone": True})
        check(len(zones) >= 1, "the tenant has a drop zone")
        named = next((k for k in kris if k.get("aliases")), None)
        if named and zones:
            alias = named["aliases"][0]
            value = (named["warn"] + named["critical"]) / 2
            unit = named.get("unit", "")
            shown = f"{value:g}{unit}" if unit == "%" else f"{value:g}"
            submitted = await client.call_tool("submit_dropzone_artifact", {
                "integrationId": zones[0]["id"],
                "content": f"Monthly security report\n{alias}: {shown}\n",
            })
            proposals = ((submitted.structured_content or {}).get("extraction") or {}).get("proposals") or []
            check(not submitted.is_error and any(p.get("kriSlug") == named["slug"] for p in proposals),
                  f"an artifact naming the alias {alias!r} yields a proposal for {named['slug']}: {proposals}")

        if simulated:
            runs, total = await every_item(client, "list_simulations", {})
            simulated_refs = {r.get("riskRef") for r in runs if r.get("status") == "completed"}
            check({r["ref"] for r in risks} <= simulated_refs,
                  f"every imported risk has a completed simulation ({len(simulated_refs)} refs)")
            for r in runs:
                fair = by_ref.get(r.get("riskRef") or "", {}).get("fair")
                if fair and fair["event_frequency"] > 0 and r.get("status") == "completed":
                    check(r["results"]["meanAnnualLoss"] > 0, f"{r['riskRef']} simulated a positive mean loss")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--url", required=True)
    parser.add_argument("--register", required=True, help="the register file that was imported (YAML or JSON)")
    parser.add_argument("--simulated", action="store_true", help="also check the simulations of every risk")
    args = parser.parse_args()
    token = os.environ.get("DRAXIS_E2E_REGISTER_TOKEN")
    if not token:
        parser.error("set DRAXIS_E2E_REGISTER_TOKEN")
    with open(args.register, encoding="utf-8") as f:
        register = yaml.safe_load(f)
    print(f"- a customer register ({args.register}) through the MCP Python SDK", flush=True)
    asyncio.run(run(args.url, token, register, args.simulated))
    if failures:
        print(f"{len(failures)} check(s) failed", flush=True)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())

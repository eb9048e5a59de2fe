"""Hostile ids against the emulator, over a real socket (``emulator serve``) and in-process
(``--local``): each one is refused, or reaches the emulator as typed and finds nothing. No other
object is touched: the customers and the tax id made first are all still there, unchanged."""

from __future__ import annotations

import json
from urllib.parse import unquote

import httpx
import pytest

from tests.emulator.helpers import KEY

HOSTILE = ["..", ".", "...", "", "a/b", "%2e%2e", "%2E%2E", "..%2F", "é", "日本", "a b", "../..", "a/../b"]
DOTS_OR_EMPTY = {"..", ".", "...", ""}


def _attacks(customer: str, tax_id: str, ident: str) -> list[list[str]]:
    return [
        ["customers", "delete", ident, "--yes"],
        ["customers", "update", ident, "--name", "overwritten"],
        ["billing", "customer-tax-ids", "delete", customer, ident],
        ["billing", "customer-tax-ids", "delete", ident, tax_id],
        ["request", "DELETE", "/v1/customers/" + ident],
    ]


@pytest.fixture(params=["served", "local"])
def target(request, monkeypatch, tmp_path):
    """(an httpx client on the emulator, the CLI flags that reach the same emulator)."""
    if request.param == "served":
        client = request.getfixturevalue("http")
        monkeypatch.setenv("STRIPE_API_KEY", KEY)
        monkeypatch.setenv("STRIPE_API_BASE", str(client.base_url).rstrip("/"))
        yield client, []
    else:
        from stripecli.emulator.transport import local_transport

        # --local uses the emulator in STRIPECLI_DATA_DIR: the same database as this client
        import os

        with httpx.Client(transport=local_transport(os.environ["STRIPECLI_DATA_DIR"]), base_url="http://emulator.local",
                          headers={"Authorization": "Bearer " + KEY}) as client:
            yield client, ["--local"]


def _snapshot(client: httpx.Client, customer_ids: list[str]) -> list[dict]:
    out = []
    for cid in customer_ids:
        customer = client.get(f"/v1/customers/{cid}")
        tax_ids = client.get(f"/v1/customers/{cid}/tax_ids")
        out.append({"status": customer.status_code, "customer": customer.json(), "tax_ids": tax_ids.json()})
    return out


@pytest.mark.parametrize("ident", HOSTILE, ids=repr)
def test_a_hostile_id_reaches_no_other_object(cli, target, ident):
    client, flags = target
    a = client.post("/v1/customers", data={"email": "a@example.com", "name": "A"}).json()
    b = client.post("/v1/customers", data={"email": "b@example.com", "name": "B"}).json()
    tax = client.post(f"/v1/customers/{a['id']}/tax_ids", data={"type": "eu_vat", "value": "DE123456789"})
    assert tax.status_code == 200, tax.text
    before = _snapshot(client, [a["id"], b["id"]])
    listed_before = client.get("/v1/customers").json()["data"]

    for argv in _attacks(a["id"], tax.json()["id"], ident):
        result = cli(*argv, *flags)
        assert "Traceback" not in result.stderr and "unexpected" not in result.stderr
        assert len(result.stderr.splitlines()) == 1, result.stderr
        if argv[0] == "request":
            # a typed path is the operator's own, sent as typed unless a segment is (or decodes
            # to) dots; the emulator then finds no such route or no such customer
            refused = any(s and s.strip(".") == "" for s in map(unquote, argv[2].split("/")))
            assert result.exit_code == (2 if refused else 4), (argv, result.stderr)
            continue
        if ident in DOTS_OR_EMPTY:
            assert result.exit_code == 2, (argv, result.stderr)
            assert "invalid value for" in result.stderr
            continue
        # sent as typed: the emulator decodes the segment back to the id and finds nothing
        assert result.exit_code == 4, (argv, result.stderr)
        assert result.stdout == ""
        assert f"'{ident}'" in result.stderr, result.stderr

    assert _snapshot(client, [a["id"], b["id"]]) == before
    assert client.get("/v1/customers").json()["data"] == listed_before


def test_the_dry_run_of_an_unusual_id_is_what_the_emulator_receives(cli, target):
    client, flags = target
    for ident in ("a/b", "%2e%2e", "日本"):
        shown = cli("customers", "get", ident, "--dry-run", *flags)
        assert shown.exit_code == 0, shown.stderr
        assert "/v1/customers/" + {"a/b": "a%2Fb", "%2e%2e": "%252e%252e", "日本": "%E6%97%A5%E6%9C%AC"}[ident] + " " in shown.stdout
        result = cli("customers", "get", ident, "-o", "json", *flags)
        assert result.exit_code == 4
        assert result.stderr.strip().endswith(f"No such customer: '{ident}'") or f"No such customer: '{ident}'" in result.stderr
    assert json.loads(cli("customers", "list", "-o", "json", *flags).stdout)["data"] == []

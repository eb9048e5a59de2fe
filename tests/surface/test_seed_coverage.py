"""The checklist: every resource of ../shared/seed/seed-resources.json has a command group with its operations."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from stripecli import model

SEED = Path(__file__).resolve().parents[3] / "shared" / "seed" / "seed-resources.json"
if not SEED.exists():  # a checkout with shared/ beside it, or the CI clone layout
    SEED = Path(__file__).resolve().parents[2] / ".." / "shared" / "seed" / "seed-resources.json"

GROUPS = {
    "Billing": "billing", "Capital": "capital", "Connect": "connect", "Fraud": "radar",
    "Issuing": "issuing", "Terminal": "terminal", "Treasury": "treasury", "Entitlements": "entitlements",
    "Sigma": "sigma", "Reporting": "reporting", "Financial Connections": "financial-connections",
    "Tax": "tax", "Identity": "identity", "Crypto": "crypto", "Climate": "climate",
    "Forwarding": "forwarding", "Webhooks": "webhooks",
}
# Where stripecli files a seed resource in another group than the reference excerpt does.
MOVED = {"test_helpers.test_clock": "test-clocks", "apps.secret": "apps"}


def seed_resources() -> list[dict]:
    if not SEED.exists():
        pytest.skip(f"the seed checklist is not beside this checkout ({SEED})")
    return json.loads(SEED.read_text())


def norm(path: str) -> str:
    return re.sub(r"\{[^}]*\}", "{}", path)


def group_operations(group: str) -> set[tuple[str, str]]:
    return {(op["method"], norm(op["path"])) for res in model.group(group).values() for op in res["operations"].values()}


def test_the_checklist_has_89_resources():
    assert len(seed_resources()) == 89


@pytest.mark.parametrize("entry", json.loads(SEED.read_text()) if SEED.exists() else [],
                         ids=lambda e: f"{e['group']}:{e['resource']}")
def test_seed_resource_has_a_command_group_with_its_operations(entry, cli, monkeypatch):
    group = MOVED.get(entry["object"], GROUPS[entry["group"]])
    assert group in model.groups()
    ops = group_operations(group)
    for op in entry["operations"]:
        assert (op["method"], norm(op["path"])) in ops, (group, op["method"], op["path"])
    if not entry["operations"]:  # declared in the overlay: find it by its object type
        objects = {info.get("object") for info in model.groups()[group]["resources"].values()}
        assert entry["object"] in objects, (group, entry["object"])
    # and the group's command line reaches each of them
    monkeypatch.setenv("STRIPE_API_KEY", "sk_test_fake123abcd")
    assert cli(group, "--help").exit_code == 0

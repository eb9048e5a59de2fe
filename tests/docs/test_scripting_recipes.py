"""Every shell recipe in docs/scripting.md, run as written with bash against the local emulator
(``STRIPE_PROFILE=local``), on objects made for it; each must do what the page says."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PAGE = ROOT / "docs" / "scripting.md"
BIN = Path(sys.executable).parent

pytestmark = pytest.mark.skipif(shutil.which("jq") is None, reason="jq is not installed (a recipe pipes into it)")


def recipes() -> list[str]:
    return re.findall(r"```sh\n(.*?)```", PAGE.read_text(encoding="utf-8"), flags=re.S)


def find(fragment: str) -> str:
    found = [r for r in recipes() if fragment in r]
    assert len(found) == 1, f"one recipe holds {fragment!r}"
    return found[0]


@pytest.fixture
def world(cli, tmp_path):
    """Objects for the recipes on the emulator: a customer with a credit grant and a
    subscription, and two plans to delete."""

    def run(*args: str) -> str:
        result = cli("--local", *args)
        assert result.exit_code == 0, (args, result.stderr)
        return result.stdout.strip()

    customer = run("-o", "id", "customers", "create", "--email", "ada@example.com")
    run("billing", "credit-grants", "create", "--customer", customer, "--category", "paid", "--amount.type",
        "monetary", "--amount.monetary.currency", "usd", "--amount.monetary.value", "5000",
        "--applicability-config.scope.price-type", "metered")
    price = json.loads(run("-o", "json", "prices", "create", "--currency", "usd", "--unit-amount", "900",
                           "--recurring.interval", "month", "--product-data.name", "Pro"))["id"]
    sub = run("-o", "id", "subscriptions", "create", "--customer", customer, "-d", f"items[0][price]={price}",
              "-d", "default_payment_method=pm_card_visa")
    plans = [run("-o", "id", "billing", "plans", "create", "--amount", str(a), "--currency", "usd",
                 "--interval", "month", "-d", f"product[name]=Plan {a}") for a in (100, 200)]
    return {"customer": customer, "sub": sub, "price": price, "plans": plans, "cwd": tmp_path}


def bash(script: str, cwd: Path, **variables: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}", "STRIPE_PROFILE": "local",
           **variables}
    return subprocess.run(["bash", "-e", "-o", "pipefail", "-c", script], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=120)


def test_the_page_has_the_recipes_this_test_knows():
    assert len(recipes()) == 5


def test_ids_of_last_weeks_customers(world):
    done = bash(find("--created.gte -7d"), world["cwd"])
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == [world["customer"]]


def test_delete_a_batch(world, cli):
    done = bash(find("xargs -n1 -P4"), world["cwd"])
    assert done.returncode == 0, done.stderr
    assert sorted(done.stdout.split()) == sorted(world["plans"])
    assert cli("--local", "-o", "id", "billing", "plans", "list").stdout == ""


def test_sum_the_credits(world):
    done = bash(find("jq -s"), world["cwd"], customer=world["customer"])
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "5000"


def test_a_spreadsheet_of_subscriptions(world):
    done = bash(find("subscriptions.csv"), world["cwd"])
    assert done.returncode == 0, done.stderr
    rows = (world["cwd"] / "subscriptions.csv").read_text().splitlines()
    assert rows == ["id,customer,status,items.data.0.price.id",
                    f"{world['sub']},{world['customer']},active,{world['price']}"]


def test_branch_on_the_exit_code(world):
    recipe = find("case $status in")
    assert bash(recipe, world["cwd"], id=world["customer"]).stdout == "found\n"
    assert bash(recipe, world["cwd"], id="cus_nope").stdout == "no such customer\n"
    no_key = {k: v for k, v in os.environ.items() if not k.startswith("STRIPE_")}
    done = subprocess.run(["bash", "-e", "-o", "pipefail", "-c", recipe], cwd=world["cwd"], capture_output=True,
                          text=True, timeout=120,
                          env={**no_key, "PATH": f"{BIN}{os.pathsep}{no_key.get('PATH', '')}", "id": "cus_1"})
    assert done.returncode == 0 and done.stdout == "check the key\n"

"""The operator's side: commands with --local (no server, no key), and ``stripecli emulator``."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from tests.emulator.helpers import ROOT


def test_a_credit_grant_walkthrough_runs_against_local(cli):
    customer = cli("customers", "create", "--email", "ops@example.com", "--local", "-o", "json")
    assert customer.exit_code == 0, customer.stderr
    customer_id = json.loads(customer.stdout)["id"]
    grant = cli("billing", "credit-grants", "create", "--local", "-o", "json",
                "--customer", customer_id, "--amount.type", "monetary", "--amount.monetary.currency", "usd",
                "--amount.monetary.value", "2500", "--applicability-config.scope.price-type", "metered",
                "--category", "paid")
    assert grant.exit_code == 0, grant.stderr
    grant_id = json.loads(grant.stdout)["id"]
    assert grant_id.startswith("credgr_")
    txns = cli("billing", "credit-transactions", "list", "--customer", customer_id, "--local", "-o", "json")
    assert txns.exit_code == 0, txns.stderr
    assert [t["credit_grant"] for t in json.loads(txns.stdout)["data"]] == [grant_id]
    summary = cli("billing", "credit-balance-summary", "get", "--local", "-o", "json", "--customer", customer_id,
                  "--filter.type", "applicability_scope", "--filter.applicability-scope.price-type", "metered")
    assert summary.exit_code == 0, summary.stderr
    assert json.loads(summary.stdout)["balances"][0]["available_balance"]["monetary"]["value"] == 2500


def test_customers_list_local_prints_stripes_list_as_json(cli):
    for email in ("a@example.com", "b@example.com"):
        assert cli("customers", "create", "--email", email, "--local", "-o", "json").exit_code == 0
    result = cli("customers", "list", "--local", "-o", "json")
    assert result.exit_code == 0, result.stderr
    page = json.loads(result.stdout)
    assert page["object"] == "list"
    assert [c["email"] for c in page["data"]] == ["b@example.com", "a@example.com"]
    assert result.stderr == ""


def test_a_profile_named_local_uses_the_emulator(cli, monkeypatch):
    monkeypatch.setenv("STRIPE_PROFILE", "local")
    created = cli("customers", "create", "--email", "p@example.com", "-o", "json")
    assert created.exit_code == 0, created.stderr
    monkeypatch.delenv("STRIPE_PROFILE")
    listed = cli("customers", "list", "--local", "-o", "id")
    assert listed.stdout.split() == [json.loads(created.stdout)["id"]]


def test_api_errors_from_local_exit_with_the_documented_code(cli):
    result = cli("customers", "get", "cus_nope", "--local")
    assert result.exit_code != 0
    assert "No such customer: 'cus_nope'" in result.stderr
    assert result.stdout == ""


def test_emulator_reset_empties_the_data_dir_and_says_what(cli, tmp_path):
    data_dir = tmp_path / "emu"
    nothing = cli("emulator", "reset", "--data-dir", str(data_dir))
    assert nothing.exit_code == 0 and "nothing to reset" in nothing.stderr
    assert cli("customers", "create", "--local", "-o", "json").exit_code == 0  # STRIPECLI_DATA_DIR, not data_dir
    from stripecli.emulator.store import Store

    store = Store(str(data_dir))
    with store.write():
        store.insert({"id": "cus_x", "object": "customer", "created": 1})
    store.close()
    status = cli("emulator", "status", "--data-dir", str(data_dir))
    assert json.loads(status.stdout)["objects"] == {"customer": 1}
    reset = cli("emulator", "reset", "--data-dir", str(data_dir))
    assert reset.exit_code == 0, reset.stderr
    assert "emptied" in reset.stderr and "1 customer" in reset.stderr
    assert reset.stdout == ""
    assert json.loads(cli("emulator", "status", "--data-dir", str(data_dir)).stdout)["objects"] == {}
    default = cli("emulator", "reset")
    assert "1 customer" in default.stderr
    assert json.loads(cli("customers", "list", "--local", "-o", "json").stdout)["data"] == []


def test_the_emulator_group_has_serve_reset_and_status(cli):
    result = cli("emulator", "--help")
    assert result.exit_code == 0
    for word in ("serve", "reset", "status"):
        assert word in result.stdout
    serve_help = cli("emulator", "serve", "--help").stdout
    assert "--host" in serve_help and "--port" in serve_help and "--data-dir" in serve_help


def test_the_emulator_never_imports_the_command_line():
    # httpx's own command line (httpx[cli]) pulls click and rich in: count only what comes after
    code = (
        "import sys, httpx, uvicorn, httptools\n"
        "before = set(sys.modules)\n"
        "import stripecli.emulator.handler, stripecli.emulator.transport, stripecli.emulator.server\n"
        "from stripecli.emulator import behaviours, operations, store, routes\n"
        "routes.table()\n"
        "bad = [m for m in set(sys.modules) - before if m.split('.')[0] in ('typer', 'click', 'rich')\n"
        "       or m.startswith(('stripecli.cli', 'stripecli.surface', 'stripecli.commands'))]\n"
        "bad += [m for m in sys.modules if m.split('.')[0] == 'typer']\n"
        "print(bad)\n"
    )
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, cwd=str(ROOT))
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "[]"


def test_the_readmes_main_job_command_runs_against_local(cli):
    """The set-up step of README.md: a real command against the emulator, no account, no key."""
    import re
    import shlex

    readme = ROOT / "README.md"
    if not readme.exists():
        import pytest

        pytest.skip("no README.md in this tree")
    commands = [m.group(1) for m in re.finditer(r"stripecli ((?:\S+ )*?\S*--local\b[^\n`&|;]*)", readme.read_text())]
    assert commands, "README.md shows no stripecli command with --local"
    args = shlex.split(commands[0])
    result = cli(*args)
    assert result.exit_code == 0, (args, result.stderr)
    assert result.stdout.strip()
    assert "Traceback" not in result.stderr

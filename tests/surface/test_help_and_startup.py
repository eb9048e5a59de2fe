"""Help text and the laziness that keeps start-up cheap."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from stripecli import model


def test_root_help_fits_one_screen(cli):
    result = cli("--help")
    assert result.exit_code == 0
    lines = result.stdout.rstrip().splitlines()
    assert len(lines) <= 50
    for group in model.groups():
        assert group in result.stdout


def test_every_group_help_lists_its_resources_with_marks(cli):
    for group, info in model.groups().items():
        result = cli(group, "--help")
        assert result.exit_code == 0, group
        if info.get("flatten"):
            continue
        for name, res in info["resources"].items():
            assert name in result.stdout, (group, name)
    billing = cli("billing", "--help").stdout
    assert "[legacy]" in billing and "[preview]" in billing
    assert "[preview]" in cli("terminal", "--help").stdout


def test_command_help_shows_summary_method_path_and_typed_flags(cli):
    out = cli("billing", "credit-grants", "create", "--help").stdout
    assert "Creates a credit grant." in out
    assert "POST /v1/billing/credit_grants" in out
    assert "--amount.monetary.currency" in out
    assert "--category" in out and "paid|promotional" in out
    assert "--effective-at" in out and "TIME" in out
    assert "--priority" in out and "INTEGER" in out
    assert "--metadata" in out and "KEY=VALUE" in out


def test_test_helpers_sit_under_their_resource_marked_test_mode_only(cli):
    out = cli("issuing", "cards", "--help").stdout
    assert "deliver " in out and "deliver-card" not in out and "test mode only" in out
    out = cli("issuing", "cards", "deliver", "--help").stdout
    assert "Test mode only." in out
    out = cli("issuing", "cards", "deliver-card", "--help").stdout  # the long name still runs
    assert "Test mode only." in out
    assert "/v1/test_helpers/issuing/cards/{card}/shipping/deliver" in out


def test_short_names_keep_the_long_name_as_alias(cli, monkeypatch):
    monkeypatch.setenv("STRIPE_API_KEY", "sk_test_fake123abcd")
    short = cli("billing", "credit-transactions", "list", "--dry-run")
    long = cli("billing", "credit-balance-transactions", "list", "--dry-run")
    assert short.exit_code == long.exit_code == 0
    assert "/v1/billing/credit_balance_transactions" in long.stdout


def test_core_resources_work_with_and_without_core(cli, monkeypatch):
    monkeypatch.setenv("STRIPE_API_KEY", "sk_test_fake123abcd")
    a = cli("core", "customers", "get", "cus_1", "--dry-run")
    b = cli("customers", "get", "cus_1", "--dry-run")
    assert a.exit_code == b.exit_code == 0
    assert "/v1/customers/cus_1" in b.stdout


def test_test_clocks_group_and_its_billing_link(cli, monkeypatch):
    monkeypatch.setenv("STRIPE_API_KEY", "sk_test_fake123abcd")
    a = cli("test-clocks", "list", "--dry-run")
    b = cli("billing", "test-clocks", "list", "--dry-run")
    assert a.exit_code == b.exit_code == 0
    assert "/v1/test_helpers/test_clocks" in a.stdout and "/v1/test_helpers/test_clocks" in b.stdout


def _run_python(code: str) -> dict:
    env = dict(os.environ)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


PROBE = """
import io, json, sys, contextlib
import stripecli.model as m
read = []
orig = m._read
def spy(*parts):
    read.append("/".join(parts))
    return orig(*parts)
m._read = spy
from stripecli.cli import main
buf = io.StringIO()
with contextlib.redirect_stdout(buf):
    code = main(ARGV)
heavy = sorted(x for x in ("httpx", "pydantic", "keyring", "stripecli.api.client", "stripecli.emulator") if x in sys.modules)
print(json.dumps({"code": code, "read": read, "heavy": heavy}))
"""


def test_help_reads_only_the_invoked_group_and_imports_nothing_heavy():
    probe = _run_python(PROBE.replace("ARGV", repr(["billing", "credit-transactions", "list", "--help"])))
    assert probe["code"] == 0
    assert probe["read"] == ["index.json", "billing/credit-transactions.json"]
    assert probe["heavy"] == []


def test_a_core_leaf_reads_only_its_own_resource():
    probe = _run_python(PROBE.replace("ARGV", repr(["customers", "list", "--help"])))
    assert probe["code"] == 0
    assert probe["read"] == ["index.json", "core/customers.json"]
    assert probe["heavy"] == []


def test_version_reads_only_the_index():
    probe = _run_python(PROBE.replace("ARGV", repr(["--version"])))
    assert probe["code"] == 0
    assert probe["read"] == ["index.json"]
    assert probe["heavy"] == []


def test_python_dash_m_works():
    out = subprocess.run([sys.executable, "-m", "stripecli", "--version"], capture_output=True, text=True)
    assert out.returncode == 0
    assert out.stdout.startswith("stripecli ")

"""The packaged trigger fixtures: every name Stripe's CLI can trigger, each a valid fixture whose
operations and params the API model knows, and the trigger command's flags."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from stripecli.fixtures import catalog

ROOT = Path(__file__).resolve().parents[2]
# ../shared beside the checkout (or beside the directory of worktrees)
CHECKLIST = next((p for p in (ROOT.parent / "shared" / "checklists" / "trigger-events.txt",
                              ROOT.parent.parent / "shared" / "checklists" / "trigger-events.txt") if p.exists()),
                 ROOT.parent / "shared" / "checklists" / "trigger-events.txt")

# Paths the API model has no operation for: Checkout's own confirm call, made by the Checkout page.
OUTSIDE_MODEL = {("POST", "/v1/payment_pages/{id}/confirm")}


def _model_operations() -> list[tuple[str, re.Pattern, dict]]:
    ops = []
    from stripecli import model

    for _, _, _, op in model.iter_operations():
        rx = re.compile("^" + re.sub(r"\\\{\w+\\\}", "[^/]+", re.escape(op["path"])) + "$")
        ops.append((op["method"], rx, op))
    return ops


def test_every_trigger_of_the_checklist_is_packaged():
    if CHECKLIST.exists():
        names = [line.strip() for line in CHECKLIST.read_text().splitlines() if line.strip() and not line.startswith("#")]
        assert sorted(names) == list(catalog.names())
    assert len(catalog.names()) == 121


@pytest.mark.parametrize("name", catalog.names())
def test_fixture_is_valid_and_uses_known_operations(name):
    fixture = catalog.load(name)
    assert catalog.describe(fixture)
    emits = catalog.emits(fixture)
    assert emits and all(re.match(r"^[a-z0-9_.]+$", e) for e in emits)
    if not name.startswith("subscription."):
        assert name.removesuffix(".eu").removesuffix(".gb") in emits
    ops = _model_operations()
    for step in fixture.steps:
        concrete = re.sub(r"\$\{[^}]*\}", "x", step.path)
        found = [op for method, rx, op in ops if method == step.method and rx.match(concrete)]
        if not found:
            assert (step.method, re.sub(r"\$\{[^}]*\}", "{id}", step.path)) in OUTSIDE_MODEL, (name, step.name)
            continue
        known = {p["name"] for p in found[0]["params"]}
        assert set(step.params) <= known, (name, step.name, set(step.params) - known)


def test_list_prints_every_trigger(cli):
    result = cli("trigger", "--list")
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert [line.split()[0] for line in lines] == list(catalog.names())
    assert any(line.startswith("payment_intent.succeeded ") and "pm_card_visa" in line for line in lines)


def test_unknown_event_suggests(cli):
    result = cli("trigger", "payment_intent.succeded", "--local")
    assert result.exit_code == 2
    assert result.stderr.startswith("error: invalid value for EVENT: no trigger for 'payment_intent.succeded'. "
                                    "Did you mean payment_intent.succeeded")


def test_missing_event(cli):
    result = cli("trigger", "--local")
    assert result.exit_code == 2
    assert "missing argument EVENT" in result.stderr


@pytest.mark.parametrize("args, message", [
    (["--override", "customer:nope=1"], "step 'customer' has no param 'nope' to override (use --add to add one)"),
    (["--override", "customer=1"], "invalid value for --override: 'customer=1' is not STEP:PARAM=VALUE"),
    (["--add", "nobody:email=a@b.c"], "no step named 'nobody' (steps: customer, customer_updated)"),
    (["--remove", "customer:metadata"], "invalid value for --remove: step 'customer' has no param 'metadata'"),
    (["--skip", "customer"], "(--skip customer removes a step it needs)"),
])
def test_bad_edits_exit_2_before_sending(cli, args, message):
    result = cli("trigger", "customer.updated", "--local", *args)
    assert result.exit_code == 2
    assert message in result.stderr, result.stderr
    listed = cli("customers", "list", "--local", "-o", "json")
    assert json.loads(listed.stdout)["data"] == []


def test_edits_change_what_is_sent(cli):
    cli("trigger", "customer.updated", "--local", "--override", "customer_updated:description=changed",
        "--add", "customer:metadata[plan]=gold", "--add", "customer:email=ops@example.com",
        "--remove", "customer:description")
    listed = json.loads(cli("customers", "list", "--local", "-o", "json").stdout)["data"]
    assert len(listed) == 1
    customer = listed[0]
    assert customer["description"] == "changed"
    assert customer["metadata"] == {"plan": "gold"}
    assert customer["email"] == "ops@example.com"


def test_skip_drops_a_step(cli):
    cli("trigger", "customer.updated", "--local", "--skip", "customer_updated")
    listed = json.loads(cli("customers", "list", "--local", "-o", "json").stdout)["data"]
    assert len(listed) == 1 and listed[0]["description"] == "(created by stripecli trigger)"


def test_a_skipped_step_that_makes_the_event_is_named_not_blamed_on_the_emulator(cli):
    result = cli("trigger", "checkout.session.completed", "--local", "--skip", "checkout_session_paid")
    assert result.exit_code == 1
    assert result.stderr.splitlines()[-1] == (
        "error: trigger checkout.session.completed: the fixture ran with --skip checkout_session_paid, but no "
        "checkout.session.completed event was recorded; without those changes the fixture makes it")
    assert "cannot model" not in result.stderr
    assert cli("trigger", "checkout.session.completed", "--local").exit_code == 0


def test_trigger_refuses_a_live_key(cli, monkeypatch):
    monkeypatch.setenv("STRIPE_API_KEY", "sk_live_fake123")
    result = cli("trigger", "customer.created", "--api-base", "http://127.0.0.1:9")
    assert result.exit_code == 2
    assert "test mode only" in result.stderr

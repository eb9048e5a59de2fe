"""Behaviours compose: every hook for an (event, type) runs, defaults first; families add to a
clock's advance; every write goes through the request context, which sees each change once."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from stripecli.emulator import behaviours, schema
from stripecli.emulator.behaviours import clocks, registry
from tests.emulator.helpers import wait_for

ROOT = Path(__file__).resolve().parents[2]
EMULATOR = ROOT / "stripecli" / "emulator"
T0 = 1_700_000_000


def ok(response):
    assert response.status_code == 200, response.text
    return response.json()


def _add_hook(monkeypatch, event, object_type, fn, order=registry.FAMILY):
    current = list(registry._hooks.get((event, object_type), []))
    monkeypatch.setitem(registry._hooks, (event, object_type), current + [(order, 10**9, fn)])


def test_a_new_familys_hook_on_a_type_runs_after_the_clock_binding_and_disables_nothing(local, monkeypatch):
    seen = []
    _add_hook(monkeypatch, "before_create", "customer",
              lambda ctx, obj, params: seen.append((obj.get("test_clock"), obj["created"])))
    clock = ok(local.post("/v1/test_helpers/test_clocks", data={"frozen_time": T0}))
    customer = ok(local.post("/v1/customers", data={"test_clock": clock["id"], "email": "a@example.com"}))
    assert customer["test_clock"] == clock["id"] and customer["created"] == T0  # the binding still ran
    assert seen == [(clock["id"], T0)]  # ... and before the new hook, which saw its result
    ok(local.post("/v1/customers", data={"email": "b@example.com"}))
    assert len(seen) == 2


def test_hooks_run_in_the_stated_order(monkeypatch):
    calls = []
    _add_hook(monkeypatch, "after_create", "customer", lambda *a: calls.append("last"), order=registry.LAST)
    _add_hook(monkeypatch, "after_create", "customer", lambda *a: calls.append("family"))
    _add_hook(monkeypatch, "after_create", registry.ANY, lambda *a: calls.append("default"), order=registry.DEFAULT)
    for fn in registry.hooks("after_create", "customer"):
        fn(None, {}, {})
    assert calls == ["default", "family", "last"]


def test_every_type_on_a_clock_is_bound_by_the_one_binding():
    for object_type in schema.types_with_field("test_clock"):
        assert clocks.bind_to_clock in registry.hooks("before_create", object_type)
    setters = [p.name for p in (EMULATOR / "behaviours").glob("*.py")
               if re.search(r"\[\"test_clock\"\]\s*=", p.read_text())]
    assert setters == ["clocks.py"]


def test_a_second_implementation_of_an_action_is_an_error_not_a_replacement():
    with pytest.raises(registry.RegistryError):
        registry.action("advance", clocks.CLOCK)(lambda ctx, obj, params: obj)
    with pytest.raises(registry.RegistryError):  # a status-table row and a function for one action
        registry.action("release", "subscription_schedule")(lambda ctx, obj, params: obj)
    with pytest.raises(registry.RegistryError):
        registry.initial_values({"customer": {"balance": 1}})
    assert registry.action_for("advance", clocks.CLOCK) is clocks._clock_advance


def test_families_register_what_a_clock_advance_does(local, monkeypatch):
    seen = []
    monkeypatch.setattr(registry, "_clock_hooks", registry._clock_hooks + [
        (registry.FAMILY, 10**9, lambda ctx, clock, target: seen.append((clock["id"], clock["status"], target)))])
    clock = ok(local.post("/v1/test_helpers/test_clocks", data={"frozen_time": T0}))
    ok(local.post("/v1/test_helpers/test_clocks/%s/advance" % clock["id"], data={"frozen_time": T0 + 86400}))
    wait_for(lambda: ok(local.get("/v1/test_helpers/test_clocks/" + clock["id"]))["status"] == "ready")
    assert seen == [(clock["id"], "advancing", T0 + 86400)]
    names = {fn.__module__.rsplit(".", 1)[-1] for fn in registry.clock_hooks()}
    assert {"subscriptions", "credits"} <= names


def test_deleting_a_customer_runs_the_subscriptions_familys_hook(local):
    product = ok(local.post("/v1/products", data={"name": "p"}))
    price = ok(local.post("/v1/prices", data={"product": product["id"], "currency": "usd", "unit_amount": 100,
                                              "recurring[interval]": "month"}))
    customer = ok(local.post("/v1/customers", data={}))
    sub = ok(local.post("/v1/subscriptions", data={"customer": customer["id"], "default_payment_method": "pm_card_visa",
                                                   "items[0][price]": price["id"]}))
    ok(local.delete("/v1/customers/" + customer["id"]))
    assert ok(local.get("/v1/subscriptions/" + sub["id"]))["status"] == "canceled"


def test_writes_go_through_the_context_only():
    direct = re.compile(r"\bstore\.(insert|put|delete)\(")
    offenders = [str(p.relative_to(ROOT)) for p in EMULATOR.rglob("*.py")
                 if p.name not in ("context.py", "store.py") and direct.search(p.read_text())]
    assert offenders == []


def test_no_emulator_module_is_over_400_lines():
    long = {str(p.relative_to(ROOT)): n for p in EMULATOR.rglob("*.py")
            if (n := len(p.read_text().splitlines())) > 400}
    assert long == {}


def test_the_families_are_the_stated_ones():
    assert not (EMULATOR / "behaviours.py").exists()
    modules = {p.stem for p in (EMULATOR / "behaviours").glob("*.py")} - {"__init__", "registry", "common"}
    assert modules == set(behaviours.FAMILIES)


# -- the context's journal ---------------------------------------------------------------------


@pytest.fixture
def ctx(tmp_path):
    from stripecli.emulator.context import Context
    from stripecli.emulator.store import Store

    store = Store(str(tmp_path))
    context = Context(store, None, {}, {})
    yield context
    store.close()


def _kinds(ctx):
    return [(c.kind, c.object_id) if hasattr(c, "kind") else ("emit", c.type) for c in ctx.changes()]


def test_each_object_is_one_change_with_its_first_before_and_last_after(ctx):
    with ctx.store.write():
        kept = ctx.create("customer", {"email": "a@example.com"})
        gone = ctx.create("customer", {"email": "gone@example.com"})
        kept["email"] = "b@example.com"
        ctx.save(kept)
        ctx.emit("customer.custom", kept)
        ctx.delete(gone["id"])
        assert _kinds(ctx) == [("created", kept["id"]), ("emit", "customer.custom")]
        created = ctx.changes()[0]
        assert created.before is None and created.after["email"] == "b@example.com"
    ctx.discard_changes()
    with ctx.store.write():
        stored = ctx.find(kept["id"])
        stored["email"] = "c@example.com"
        ctx.save(stored)
        stored["name"] = "Ada"
        ctx.save(stored)
        unchanged = ctx.find(kept["id"])
        change, = ctx.changes()
        assert change.kind == "updated"
        assert change.before["email"] == "b@example.com" and change.before["name"] is None
        assert change.after["email"] == "c@example.com" and change.after["name"] == "Ada"
        assert unchanged["name"] == "Ada"  # written at once: later reads see it
    ctx.discard_changes()
    with ctx.store.write():
        same = ctx.find(kept["id"])
        ctx.save(same)  # saved without a change: no change
        assert ctx.changes() == []
        ctx.delete_tree([kept["id"]])
        change, = ctx.changes()
        assert change.kind == "deleted" and change.after is None and change.before["name"] == "Ada"


def test_a_transaction_hands_its_changes_to_the_commit_listeners_then_forgets_them(ctx, monkeypatch):
    from stripecli.emulator import context as context_module

    got = []
    monkeypatch.setattr(context_module, "ON_COMMIT", [lambda c, changes: got.append([x.kind for x in changes])])
    with ctx.transaction():
        ctx.create("customer")
    with pytest.raises(RuntimeError):
        with ctx.transaction():
            ctx.create("customer")
            raise RuntimeError("rolled back")
    assert got == [["created"]]
    assert ctx.changes() == []
    assert ctx.store.count() == {"customer": 1}

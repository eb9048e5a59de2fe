"""Every behaviour beyond plain storage, in one place.

The generic operations (``operations``) store, update, list and delete objects of any type; the
hooks here add what Stripe does on top, per object type:

- initial values on create (``INITIAL``): ``status`` of intents, invoices, quotes ...,
  ``active: true`` on products and prices, client secrets, webhook secrets;
- statuses set by actions (``ACTIONS``): cancel, finalize, void, pay, accept, expire, ... with the
  states each action is allowed from;
- test clocks: ``advance`` validates the target and sets ``advancing``; the clock becomes
  ``ready`` at the new ``frozen_time`` once ``STRIPECLI_EMULATOR_ADVANCE_SECONDS`` (default 1 s)
  have passed, computed when the next request arrives (``settle``), so it needs no background
  thread and works across processes; deleting a clock deletes its customers and their objects;
- customers on a test clock, and what they own, live at the clock's time;
- subscriptions: items, periods, trials, a first invoice, and on each clock advance a new period
  and a paid (or open) invoice per period crossed; cancel, cancel at period end, pause, resume;
- invoices: totals from lines, numbering, finalize/pay/void/mark uncollectible;
- credit grants: a credit balance transaction per grant, void and expiry as debits, and the
  credit balance summary computed from those transactions;
- payment and setup intents: confirm, capture and cancel through their statuses.
"""

from __future__ import annotations

import calendar
import datetime as _dt
from typing import Any, Callable

from stripecli.emulator import schema
from stripecli.emulator.context import Context, merge_into
from stripecli.emulator.errors import EmulatorError, invalid, missing_param, no_such

Hook = Callable[..., Any]
_HOOKS: dict[tuple[str, str], Hook] = {}


def hook(event: str, *object_types: str) -> Callable[[Hook], Hook]:
    def register(fn: Hook) -> Hook:
        for t in object_types:
            _HOOKS[(event, t)] = fn
        return fn

    return register


def _call(event: str, object_type: str, *args: Any) -> Any:
    fn = _HOOKS.get((event, object_type))
    return fn(*args) if fn is not None else None


# =========================================================================== initial values

INITIAL: dict[str, dict[str, Any]] = {
    "customer": {"balance": 0, "delinquent": False, "preferred_locales": [], "tax_exempt": "none",
                 "next_invoice_sequence": 1},
    "product": {"active": True, "type": "service", "images": [], "marketing_features": []},
    "price": {"active": True, "billing_scheme": "per_unit", "tax_behavior": "unspecified", "type": "one_time"},
    "plan": {"active": True, "interval_count": 1, "billing_scheme": "per_unit", "usage_type": "licensed"},
    "coupon": {"valid": True, "times_redeemed": 0, "duration": "once"},
    "promotion_code": {"active": True, "times_redeemed": 0},
    "tax_rate": {"active": True},
    "shipping_rate": {"active": True},
    "payment_link": {"active": True},
    "billing_portal.configuration": {"active": True},
    "invoice": {"status": "draft", "collection_method": "charge_automatically", "amount_due": 0, "amount_paid": 0,
                "amount_remaining": 0, "subtotal": 0, "total": 0, "subtotal_excluding_tax": 0,
                "total_excluding_tax": 0, "attempt_count": 0, "attempted": False, "auto_advance": False,
                "starting_balance": 0, "ending_balance": None},
    "invoiceitem": {"quantity": 1, "proration": False, "discountable": True},
    "quote": {"status": "draft", "collection_method": "charge_automatically"},
    "subscription": {"collection_method": "charge_automatically", "cancel_at_period_end": False},
    "subscription_item": {"quantity": 1},
    "subscription_schedule": {"status": "not_started", "end_behavior": "release"},
    "payment_intent": {"status": "requires_payment_method", "capture_method": "automatic", "amount_received": 0,
                       "amount_capturable": 0, "confirmation_method": "automatic", "payment_method_types": ["card"]},
    "setup_intent": {"status": "requires_payment_method", "usage": "off_session", "payment_method_types": ["card"]},
    "refund": {"status": "succeeded"},
    "payout": {"status": "pending", "method": "standard", "type": "bank_account"},
    "topup": {"status": "pending"},
    "transfer": {"reversed": False, "amount_reversed": 0},
    "webhook_endpoint": {"status": "enabled"},
    "entitlements.feature": {"active": True},
    "billing.meter": {"status": "active"},
    "billing.alert": {"status": "active"},
    "billing.credit_grant": {"category": "paid"},
    "climate.order": {"status": "open"},
    "treasury.financial_account": {"status": "open"},
    "treasury.outbound_payment": {"status": "processing", "cancelable": True},
    "treasury.outbound_transfer": {"status": "processing", "cancelable": True},
    "treasury.inbound_transfer": {"status": "processing", "cancelable": True, "returned": False},
    "treasury.received_credit": {"status": "succeeded"},
    "treasury.received_debit": {"status": "succeeded"},
    "treasury.credit_reversal": {"status": "processing"},
    "treasury.debit_reversal": {"status": "processing"},
    "identity.verification_session": {"status": "requires_input"},
    "issuing.cardholder": {"status": "active"},
    "issuing.card": {"status": "inactive"},
    "issuing.dispute": {"status": "unsubmitted"},
    "issuing.personalization_design": {"status": "review"},
    "issuing.authorization": {"status": "pending", "approved": True},
    "terminal.hardware_order": {"status": "pending"},
    "checkout.session": {"status": "open"},
    "reporting.report_run": {"status": "pending"},
    "tax.registration": {"status": "active"},
    "credit_note": {"status": "issued"},
    "invoice_rendering_template": {"status": "active"},
    "privacy.redaction_job": {"status": "validating"},
    "radar.value_list": {"item_type": "string"},
    "crypto.onramp_session": {"status": "initialized"},
    "account": {"charges_enabled": False, "payouts_enabled": False, "details_submitted": False},
    "tax.settings": {"status": "pending"},
}

_SECRETS = {
    "payment_intent": "client_secret",
    "setup_intent": "client_secret",
    "checkout.session": "client_secret",
    "customer_session": "client_secret",
    "account_session": "client_secret",
    "financial_connections.session": "client_secret",
    "identity.verification_session": "client_secret",
}


def initial(ctx: Context, obj: dict[str, Any]) -> None:
    """Values a new object starts with (only the fields its schema has)."""
    object_type = obj["object"]
    fields = schema.fields(object_type)
    for name, value in INITIAL.get(object_type, {}).items():
        if name in fields:
            obj[name] = value if not isinstance(value, (list, dict)) else type(value)(value)
    if "updated" in fields:
        obj["updated"] = obj.get("created", ctx.now)
    secret = _SECRETS.get(object_type)
    if secret and secret in fields:
        obj[secret] = "%s_secret_%s" % (obj["id"], schema.random_token(24))
    if object_type == "webhook_endpoint":
        obj["secret"] = "whsec_" + schema.random_token(32)
    if object_type == "customer":
        obj["invoice_prefix"] = schema.random_token(8).upper()
    if object_type == "terminal.connection_token":
        obj["secret"] = "pst_test_" + schema.random_token(32)
    if object_type == "ephemeral_key":
        obj["secret"] = "ek_test_" + schema.random_token(32)


# =========================================================================== hook points


def before_create(ctx: Context, obj: dict[str, Any], params: dict[str, Any], parent_id: str | None) -> str | None:
    """Runs before the insert; answers the parent id to store the object under."""
    fn = _HOOKS.get(("before_create", obj["object"]))
    if fn is not None:
        result = fn(ctx, obj, params)
        if isinstance(result, str):
            return result
    elif obj.get("test_clock") is None and "test_clock" in schema.fields(obj["object"]):
        clock = ctx.clock_of(obj)
        if clock is not None:
            obj["test_clock"] = clock["id"]
            obj["created"] = int(clock["frozen_time"])
    return parent_id


def after_create(ctx: Context, obj: dict[str, Any], params: dict[str, Any]) -> None:
    _call("after_create", obj["object"], ctx, obj, params)


def before_update(ctx: Context, obj: dict[str, Any], params: dict[str, Any]) -> set[str]:
    """Runs before params are merged; answers the param names it took care of itself."""
    return _call("before_update", obj["object"], ctx, obj, params) or set()


def before_delete(ctx: Context, obj: dict[str, Any]) -> None:
    _call("before_delete", obj["object"], ctx, obj)


def action(ctx: Context, obj: dict[str, Any], params: dict[str, Any]) -> dict[str, Any] | None:
    """A resource-specific action, or ``None`` to let the generic one (``apply_status``) run."""
    fn = _HOOKS.get(("action:" + ctx.route.verb, obj["object"]))
    return fn(ctx, obj, params) if fn is not None else None


def render(ctx: Context, obj: dict[str, Any]) -> dict[str, Any]:
    """The object as answered: list fields filled in, the emulator's own ``_`` fields left out."""
    fn = _HOOKS.get(("render", obj.get("object", "")))
    out = fn(ctx, obj) if fn is not None else obj
    if any(k.startswith("_") for k in out):
        out = {k: v for k, v in out.items() if not k.startswith("_")}
    return out


def singleton(ctx: Context) -> dict[str, Any] | None:
    return _call("singleton", ctx.route.object, ctx, ctx.params)


def preview(ctx: Context, obj: dict[str, Any]) -> dict[str, Any]:
    return _call("preview", obj["object"], ctx, obj) or obj


def list_filters(ctx: Context, object_type: str, params: dict[str, Any], where: list) -> set[str]:
    """Adds resource-specific list filters to ``where``; answers the params it consumed."""
    return _call("list", object_type, ctx, params, where) or set()


# =========================================================================== actions

# (type, verb) -> (fields to set, states allowed from or None, fields stamped with the time)
ACTIONS: dict[tuple[str, str], tuple[dict[str, Any], tuple[str, ...] | None, tuple[str, ...]]] = {
    ("billing.alert", "activate"): ({"status": "active"}, None, ()),
    ("billing.alert", "archive"): ({"status": "archived"}, None, ()),
    ("billing.alert", "deactivate"): ({"status": "inactive"}, None, ()),
    ("billing.meter", "deactivate"): ({"status": "inactive"}, ("active",), ("status_transitions.deactivated_at",)),
    ("billing.meter", "reactivate"): ({"status": "active"}, ("inactive",), ()),
    ("quote", "finalize"): ({"status": "open"}, ("draft",), ("status_transitions.finalized_at",)),
    ("quote", "accept"): ({"status": "accepted"}, ("open",), ("status_transitions.accepted_at",)),
    ("quote", "cancel"): ({"status": "canceled"}, ("draft", "open"), ("status_transitions.canceled_at",)),
    ("quote", "mark-draft"): ({"status": "draft"}, ("open", "stale"), ()),
    ("quote", "mark-stale"): ({"status": "stale"}, ("open",), ()),
    ("subscription_schedule", "cancel"): ({"status": "canceled"}, ("not_started", "active"), ("canceled_at",)),
    ("subscription_schedule", "release"): ({"status": "released"}, ("not_started", "active"), ("released_at",)),
    ("subscription", "pause"): ({"status": "paused"}, ("active", "trialing", "past_due"), ()),
    ("subscription", "resume"): ({"status": "active"}, ("paused",), ()),
    ("topup", "cancel"): ({"status": "canceled"}, ("pending",), ()),
    ("capital.financing_offer", "mark-delivered"): ({"status": "delivered"}, None, ()),
    ("review", "approve"): ({"open": False, "closed_reason": "approved"}, None, ()),
    ("issuing.authorization", "approve"): ({"approved": True}, ("pending",), ()),
    ("issuing.authorization", "decline"): ({"approved": False, "status": "closed"}, ("pending",), ()),
    ("issuing.authorization", "capture"): ({"status": "closed"}, ("pending",), ()),
    ("issuing.authorization", "expire"): ({"status": "closed"}, ("pending",), ()),
    ("issuing.authorization", "reverse"): ({"status": "reversed"}, ("pending",), ()),
    ("issuing.card", "deliver-card"): ({"shipping.status": "delivered"}, None, ()),
    ("issuing.card", "fail-card"): ({"shipping.status": "failure"}, None, ()),
    ("issuing.card", "return-card"): ({"shipping.status": "returned"}, None, ()),
    ("issuing.card", "ship-card"): ({"shipping.status": "shipped"}, None, ()),
    ("issuing.card", "submit-card"): ({"shipping.status": "submitted"}, None, ()),
    ("issuing.dispute", "submit"): ({"status": "submitted"}, ("unsubmitted",), ()),
    ("issuing.personalization_design", "activate"): ({"status": "active"}, None, ()),
    ("issuing.personalization_design", "deactivate"): ({"status": "inactive"}, None, ()),
    ("issuing.personalization_design", "reject"): ({"status": "rejected"}, None, ()),
    ("terminal.hardware_order", "cancel"): ({"status": "canceled"}, ("pending",), ()),
    ("terminal.hardware_order", "deliver"): ({"status": "delivered"}, None, ()),
    ("terminal.hardware_order", "mark-ready-to-ship"): ({"status": "ready_to_ship"}, None, ()),
    ("terminal.hardware_order", "mark-undeliverable"): ({"status": "undeliverable"}, None, ()),
    ("terminal.hardware_order", "ship"): ({"status": "shipped"}, None, ()),
    ("treasury.financial_account", "close"): ({"status": "closed"}, ("open",), ()),
    ("treasury.inbound_transfer", "cancel"): ({"status": "canceled", "cancelable": False}, ("processing",), ("status_transitions.canceled_at",)),
    ("treasury.inbound_transfer", "fail"): ({"status": "failed", "cancelable": False}, ("processing",), ("status_transitions.failed_at",)),
    ("treasury.inbound_transfer", "succeed"): ({"status": "succeeded", "cancelable": False}, ("processing",), ("status_transitions.succeeded_at",)),
    ("treasury.inbound_transfer", "return-inbound-transfer"): ({"returned": True}, ("succeeded",), ()),
    ("treasury.outbound_payment", "cancel"): ({"status": "canceled", "cancelable": False}, ("processing",), ("status_transitions.canceled_at",)),
    ("treasury.outbound_payment", "fail"): ({"status": "failed", "cancelable": False}, ("processing",), ("status_transitions.failed_at",)),
    ("treasury.outbound_payment", "post"): ({"status": "posted", "cancelable": False}, ("processing",), ("status_transitions.posted_at",)),
    ("treasury.outbound_payment", "return-outbound-payment"): ({"status": "returned"}, ("processing", "posted"), ("status_transitions.returned_at",)),
    ("treasury.outbound_transfer", "cancel"): ({"status": "canceled", "cancelable": False}, ("processing",), ("status_transitions.canceled_at",)),
    ("treasury.outbound_transfer", "fail"): ({"status": "failed", "cancelable": False}, ("processing",), ("status_transitions.failed_at",)),
    ("treasury.outbound_transfer", "post"): ({"status": "posted", "cancelable": False}, ("processing",), ("status_transitions.posted_at",)),
    ("treasury.outbound_transfer", "return-outbound-transfer"): ({"status": "returned"}, ("processing", "posted"), ("status_transitions.returned_at",)),
    ("financial_connections.account", "disconnect"): ({"status": "disconnected"}, None, ()),
    ("identity.verification_session", "cancel"): ({"status": "canceled"}, ("requires_input", "processing"), ()),
    ("identity.verification_session", "redact"): ({"redaction.status": "processing"}, None, ()),
    ("climate.order", "cancel"): ({"status": "canceled"}, ("open", "awaiting_funds"), ("canceled_at",)),
    ("charge", "capture"): ({"captured": True}, None, ()),
    ("checkout.session", "expire"): ({"status": "expired"}, ("open",), ()),
    ("credit_note", "void-credit-note"): ({"status": "void"}, ("issued",), ("voided_at",)),
    ("dispute", "close"): ({"status": "lost"}, None, ()),
    ("invoice_rendering_template", "archive"): ({"status": "archived"}, None, ()),
    ("invoice_rendering_template", "unarchive"): ({"status": "active"}, None, ()),
    ("payment_method", "detach"): ({"customer": None}, None, ()),
    ("payout", "cancel"): ({"status": "canceled"}, ("pending",), ()),
    ("privacy.redaction_job", "cancel"): ({"status": "canceled"}, None, ()),
    ("privacy.redaction_job", "run"): ({"status": "running"}, None, ()),
    ("privacy.redaction_job", "validate"): ({"status": "validating"}, None, ()),
    ("refund", "cancel"): ({"status": "canceled"}, ("pending", "requires_action", "succeeded"), ()),
    ("refund", "expire"): ({"status": "canceled"}, None, ()),
    ("setup_intent", "cancel"): ({"status": "canceled"}, ("requires_payment_method", "requires_confirmation", "requires_action", "processing"), ()),
    ("setup_intent", "verify-microdeposits"): ({"status": "succeeded"}, ("requires_action",), ()),
    ("three_d_secure.authentication", "cancel"): ({"status": "canceled"}, None, ()),
    ("apps.install", "uninstall"): ({"status": "uninstalled"}, None, ()),
}

_STATE_CODES = {"payment_intent": "payment_intent_unexpected_state", "setup_intent": "setup_intent_unexpected_state"}


def _set_path(obj: dict[str, Any], dotted: str, value: Any) -> None:
    parts = dotted.split(".")
    node = obj
    for part in parts[:-1]:
        if not isinstance(node.get(part), dict):
            node[part] = {}
        node = node[part]
    node[parts[-1]] = value


def _require_state(obj: dict[str, Any], allowed: tuple[str, ...], verb: str) -> None:
    status = obj.get("status")
    if status not in allowed:
        name = schema.display_name(obj["object"]).replace("_", " ")
        raise EmulatorError(
            400,
            "You cannot %s this %s because it has a status of %s. Only a %s with a status of %s can be %s."
            % (verb.replace("-", " "), name, status, name, " or ".join(allowed), verb.replace("-", " ")),
            code=_STATE_CODES.get(obj["object"]),
        )


def apply_status(ctx: Context, obj: dict[str, Any], verb: str) -> None:
    entry = ACTIONS.get((obj["object"], verb))
    if entry is None:
        return
    changes, allowed, stamps = entry
    if allowed is not None:
        _require_state(obj, allowed, verb)
    now = ctx.time_for(obj)
    fields = schema.fields(obj["object"])
    for dotted, value in changes.items():
        if dotted.split(".")[0] in fields:
            _set_path(obj, dotted, value)
    for dotted in stamps:
        if dotted.split(".")[0] in fields:
            _set_path(obj, dotted, now)


# =========================================================================== time


def _add_months(ts: int, months: int) -> int:
    d = _dt.datetime.fromtimestamp(ts, _dt.timezone.utc)
    month0 = d.month - 1 + months
    year = d.year + month0 // 12
    month = month0 % 12 + 1
    day = min(d.day, calendar.monthrange(year, month)[1])
    return int(d.replace(year=year, month=month, day=day).timestamp())


def add_interval(ts: int, interval: str, count: int = 1, times: int = 1) -> int:
    n = max(1, int(count or 1)) * times
    if interval == "day":
        return ts + 86400 * n
    if interval == "week":
        return ts + 7 * 86400 * n
    if interval == "year":
        return _add_months(ts, 12 * n)
    return _add_months(ts, n)


def next_period_end(anchor: int, interval: str, count: int, after: int) -> int:
    """The first period boundary counted from ``anchor`` that is after ``after`` (months are
    counted from the anchor, so a period anchored on the 31st ends on the 28th, then the 31st)."""
    k = 1
    while True:
        end = add_interval(anchor, interval, count, k)
        if end > after:
            return end
        k += 1
        if k > 100000:  # pragma: no cover - a guard, intervals are at least a day
            raise RuntimeError("period computation did not converge")


def _timestamp_param(ctx: Context, value: Any, now: int) -> int | None:
    if value is None or value == "":
        return None
    if value == "now":
        return now
    return int(value) if isinstance(value, int) or str(value).lstrip("-").isdigit() else None


# =========================================================================== customers


@hook("before_create", "customer")
def _customer_create(ctx: Context, obj: dict[str, Any], params: dict[str, Any]) -> None:
    clock = ctx.clock_of(obj)
    if clock is not None:
        obj["created"] = int(clock["frozen_time"])


@hook("before_delete", "customer")
def _customer_delete(ctx: Context, obj: dict[str, Any]) -> None:
    now = ctx.time_for(obj)
    for sub in ctx.scan("subscription", where={"customer": obj["id"]}):
        if sub.get("status") not in ("canceled", "incomplete_expired"):
            sub.update(status="canceled", canceled_at=now, ended_at=now)
            ctx.save(sub)


# =========================================================================== test clocks

TWO_YEARS_MONTHS = 24
CLOCK_LIFETIME = 30 * 86400


@hook("before_create", "test_helpers.test_clock")
def _clock_create(ctx: Context, obj: dict[str, Any], params: dict[str, Any]) -> None:
    obj["frozen_time"] = int(params["frozen_time"])
    obj["status"] = "ready"
    obj["status_details"] = {"advancing": None}
    obj["deletes_after"] = obj["created"] + CLOCK_LIFETIME


@hook("action:advance", "test_helpers.test_clock")
def _clock_advance(ctx: Context, clock: dict[str, Any], params: dict[str, Any]) -> dict[str, Any]:
    if clock.get("status") == "advancing":
        raise invalid("The test clock %s is already advancing; wait until its status is ready." % clock["id"],
                      param="frozen_time")
    current = int(clock["frozen_time"])
    target = int(params["frozen_time"])
    if target <= current:
        raise invalid("The test clock's frozen_time can only move forward: %d is not after its current frozen_time %d."
                      % (target, current), param="frozen_time")
    limit = _add_months(current, TWO_YEARS_MONTHS)
    if target > limit:
        raise invalid("A test clock cannot advance more than two years at a time: %d is after %d, two years from its "
                      "current frozen_time %d." % (target, limit, current), param="frozen_time")
    clock["status"] = "advancing"
    clock["status_details"] = {"advancing": {"target_frozen_time": target}}
    ctx.save(clock)
    import time as _time

    ctx.store.schedule_advance(clock["id"], target, _time.time() + max(0.0, ctx.advance_seconds))
    return clock


def settle(ctx: Context) -> None:
    """Finish every test-clock advance whose delay has passed (called before each request)."""
    import time as _time

    if not ctx.store.has_advances():
        return
    if not ctx.store.due_advances(_time.time()):
        return
    with ctx.store.write():
        for clock_id, target in ctx.store.due_advances(_time.time()):
            clock = ctx.find(clock_id, ("test_helpers.test_clock",))
            ctx.store.finish_advance(clock_id)
            if clock is None:
                continue
            advance_clock_objects(ctx, clock, int(target))
            clock["frozen_time"] = int(target)
            clock["status"] = "ready"
            clock["status_details"] = {"advancing": None}
            ctx.save(clock)


def advance_clock_objects(ctx: Context, clock: dict[str, Any], target: int) -> None:
    """What happens to a clock's objects between its frozen time and ``target``."""
    for sub in ctx.scan("subscription", where={"test_clock": clock["id"]}):
        roll_subscription(ctx, sub, target)
    for grant in ctx.scan("billing.credit_grant", where={"test_clock": clock["id"]}):
        expires = grant.get("expires_at")
        if expires and expires <= target and not grant.get("voided_at") and not grant.get("_expired"):
            _debit_remaining(ctx, grant, "credits_expired", int(expires))
            grant["_expired"] = True
            ctx.save(grant)


@hook("before_delete", "test_helpers.test_clock")
def _clock_delete(ctx: Context, clock: dict[str, Any]) -> None:
    ids: list[str] = []
    for object_type in ("customer", "subscription", "invoice", "billing.credit_grant",
                        "billing.credit_balance_transaction", "subscription_schedule", "quote", "invoiceitem"):
        if "test_clock" in schema.fields(object_type):
            ids += [o["id"] for o in ctx.scan(object_type, where={"test_clock": clock["id"]})]
    ctx.store.finish_advance(clock["id"])
    ctx.delete_tree(dict.fromkeys(ids))


@hook("render", "billing.credit_grant")
def _render_grant(ctx: Context, grant: dict[str, Any]) -> dict[str, Any]:
    if "_expired" in grant:
        grant = dict(grant)
        grant.pop("_expired")
    return grant


# =========================================================================== credit grants


def _amount_value(amount: Any) -> tuple[str | None, int]:
    if not isinstance(amount, dict):
        return None, 0
    monetary = amount.get("monetary") or {}
    return monetary.get("currency"), int(monetary.get("value") or 0)


@hook("before_create", "billing.credit_grant")
def _grant_create(ctx: Context, grant: dict[str, Any], params: dict[str, Any]) -> None:
    if not params.get("customer") and not params.get("customer_account"):
        raise missing_param("customer")
    amount = params.get("amount") or {}
    if amount.get("type") == "monetary" and not amount.get("monetary"):
        raise missing_param("amount[monetary]")
    clock = ctx.clock_of(grant)
    if clock is not None:
        grant["test_clock"] = clock["id"]
        grant["created"] = int(clock["frozen_time"])
    grant["updated"] = grant["created"]


@hook("after_create", "billing.credit_grant")
def _grant_created(ctx: Context, grant: dict[str, Any], params: dict[str, Any]) -> None:
    effective = grant.get("effective_at") or grant["created"]
    ctx.create(
        "billing.credit_balance_transaction",
        {
            "credit": {"amount": grant["amount"], "type": "credits_granted", "credits_application_invoice_voided": None},
            "credit_grant": grant["id"],
            "debit": None,
            "effective_at": effective,
            "test_clock": grant.get("test_clock"),
            "type": "credit",
        },
        parent=grant.get("customer") or grant.get("customer_account"),
        created=grant["created"],
    )


def _grant_remaining(ctx: Context, grant: dict[str, Any]) -> int:
    total = 0
    for txn in ctx.scan("billing.credit_balance_transaction", where={"credit_grant": grant["id"]}):
        if txn.get("type") == "credit":
            total += _amount_value((txn.get("credit") or {}).get("amount"))[1]
        elif txn.get("type") == "debit":
            total -= _amount_value((txn.get("debit") or {}).get("amount"))[1]
    return total


def _debit_remaining(ctx: Context, grant: dict[str, Any], kind: str, at: int) -> None:
    remaining = _grant_remaining(ctx, grant)
    currency, _ = _amount_value(grant.get("amount"))
    if remaining <= 0:
        return
    ctx.create(
        "billing.credit_balance_transaction",
        {
            "credit": None,
            "credit_grant": grant["id"],
            "debit": {"amount": {"monetary": {"currency": currency, "value": remaining}, "type": "monetary"},
                      "type": kind, "credits_applied": None},
            "effective_at": at,
            "test_clock": grant.get("test_clock"),
            "type": "debit",
        },
        parent=grant.get("customer") or grant.get("customer_account"),
        created=at,
    )


@hook("action:void", "billing.credit_grant")
def _grant_void(ctx: Context, grant: dict[str, Any], params: dict[str, Any]) -> dict[str, Any]:
    if grant.get("voided_at"):
        raise invalid("The credit grant %s has already been voided." % grant["id"])
    now = ctx.time_for(grant)
    _debit_remaining(ctx, grant, "credits_voided", now)
    grant["voided_at"] = now
    grant["updated"] = now
    ctx.save(grant)
    return grant


@hook("action:expire", "billing.credit_grant")
def _grant_expire(ctx: Context, grant: dict[str, Any], params: dict[str, Any]) -> dict[str, Any]:
    if grant.get("voided_at"):
        raise invalid("The credit grant %s has been voided and cannot expire." % grant["id"])
    if grant.get("_expired"):
        raise invalid("The credit grant %s has already expired." % grant["id"])
    now = ctx.time_for(grant)
    _debit_remaining(ctx, grant, "credits_expired", now)
    grant["expires_at"] = now
    grant["updated"] = now
    grant["_expired"] = True
    ctx.save(grant)
    return grant


@hook("list", "billing.credit_balance_transaction")
def _cbtxn_list(ctx: Context, params: dict[str, Any], where: list) -> set[str]:
    owner = params.get("customer") or params.get("customer_account")
    if owner:
        where.append(("parent = ?", (owner,)))
    return {"customer", "customer_account"}


@hook("singleton", "billing.credit_balance_summary")
def _credit_balance_summary(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    owner = params.get("customer") or params.get("customer_account")
    if not owner:
        raise missing_param("customer")
    customer = ctx.find(owner)
    if customer is None:
        raise no_such("customer", owner, param="customer" if params.get("customer") else "customer_account")
    filt = params.get("filter") or {}
    only_grant = filt.get("credit_grant") if filt.get("type") == "credit_grant" else None
    now = ctx.time_for(customer)
    ledger: dict[str, int] = {}
    available: dict[str, int] = {}
    for txn in ctx.scan("billing.credit_balance_transaction", parent=owner):
        if only_grant and txn.get("credit_grant") != only_grant:
            continue
        if txn.get("type") == "credit":
            currency, value = _amount_value((txn.get("credit") or {}).get("amount"))
        else:
            currency, value = _amount_value((txn.get("debit") or {}).get("amount"))
            value = -value
        if currency is None:
            continue
        ledger[currency] = ledger.get(currency, 0) + value
        if (txn.get("effective_at") or 0) <= now:
            available[currency] = available.get(currency, 0) + value
        else:
            available.setdefault(currency, 0)
    balances = [
        {
            "available_balance": {"monetary": {"currency": c, "value": available.get(c, 0)}, "type": "monetary"},
            "ledger_balance": {"monetary": {"currency": c, "value": ledger[c]}, "type": "monetary"},
        }
        for c in sorted(ledger)
    ]
    return {
        "object": "billing.credit_balance_summary",
        "balances": balances,
        "customer": owner if params.get("customer") else None,
        "customer_account": params.get("customer_account"),
        "livemode": False,
    }


# =========================================================================== catalogue


@hook("before_create", "price")
def _price_create(ctx: Context, price: dict[str, Any], params: dict[str, Any]) -> None:
    if params.get("product_data"):
        product = ctx.build("product")
        initial(ctx, product)
        merge_into(product, {k: v for k, v in params["product_data"].items() if schema.has_field("product", k)})
        ctx.store.insert(product)
        price["product"] = product["id"]
    elif not params.get("product"):
        raise missing_param("product")
    _fill_price(price)


def _fill_price(price: dict[str, Any]) -> None:
    if price.get("recurring"):
        recurring = {"interval": "month", "interval_count": 1, "meter": None, "trial_period_days": None,
                     "usage_type": "licensed"}
        recurring.update(price["recurring"])
        price["recurring"] = recurring
        price["type"] = "recurring"
    else:
        price["type"] = "one_time"
    if price.get("unit_amount") is not None and price.get("unit_amount_decimal") is None:
        price["unit_amount_decimal"] = str(price["unit_amount"])
    elif price.get("unit_amount_decimal") is not None and price.get("unit_amount") is None:
        try:
            price["unit_amount"] = int(float(price["unit_amount_decimal"]))
        except (TypeError, ValueError):
            pass
        price["unit_amount_decimal"] = str(price["unit_amount_decimal"])


@hook("before_create", "plan")
def _plan_create(ctx: Context, plan: dict[str, Any], params: dict[str, Any]) -> None:
    product = params.get("product")
    if isinstance(product, dict):
        made = ctx.build("product", object_id=product.get("id") or None)
        initial(ctx, made)
        merge_into(made, {k: v for k, v in product.items() if schema.has_field("product", k) and k != "id"})
        ctx.store.insert(made)
        plan["product"] = made["id"]
    elif isinstance(product, str) and product:
        ctx.load(product, ("product",), param="product")
    else:
        raise missing_param("product")
    if plan.get("amount") is not None and plan.get("amount_decimal") is None:
        plan["amount_decimal"] = str(plan["amount"])


@hook("before_delete", "product")
def _product_delete(ctx: Context, product: dict[str, Any]) -> None:
    if ctx.scan("price", where={"product": product["id"]}):
        raise invalid("This product cannot be deleted because it has one or more user-created prices.", param="id")


@hook("render", "radar.value_list")
def _render_value_list(ctx: Context, value_list: dict[str, Any]) -> dict[str, Any]:
    items = [row.data for row in reversed(ctx.store.children(value_list["id"], ["radar.value_list_item"]))]
    out = dict(value_list)
    out["list_items"] = {"object": "list", "data": items, "has_more": False, "total_count": len(items),
                         "url": "/v1/radar/value_list_items?value_list=%s" % value_list["id"]}
    return out


@hook("before_create", "radar.value_list_item")
def _value_list_item_create(ctx: Context, item: dict[str, Any], params: dict[str, Any]) -> str:
    ctx.load(params["value_list"], ("radar.value_list",), param="value_list")
    return params["value_list"]


# =========================================================================== subscriptions


def _p(path: str, name: str) -> str:
    """``items[0][price]`` for a param inside ``items[0]``, ``price`` at the top level."""
    if not path:
        return name
    head, _, rest = name.partition("[")
    return "%s[%s]%s" % (path, head, "[" + rest if rest else "")


def _price_of_item(ctx: Context, item: dict[str, Any], path: str, customer: dict[str, Any] | None) -> dict[str, Any]:
    if item.get("price"):
        price = ctx.load(item["price"], ("price",), param=_p(path, "price"))
    elif item.get("plan"):
        plan = ctx.load(item["plan"], ("plan",), param=_p(path, "plan"))
        price = _price_from_plan(plan)
    elif item.get("price_data"):
        data = dict(item["price_data"])
        price = ctx.build("price")
        initial(ctx, price)
        merge_into(price, {k: v for k, v in data.items() if schema.has_field("price", k)})
        ctx.load(price.get("product") or "", ("product",), param=_p(path, "price_data[product]"))
        _fill_price(price)
        if price["type"] != "recurring":
            raise missing_param(_p(path, "price_data[recurring]"))
        ctx.store.insert(price)
    else:
        raise missing_param(_p(path, "price"))
    if price.get("type") != "recurring":
        raise invalid("The price specified is set to `type=one_time` but this field only accepts prices with "
                      "`type=recurring`.", param=_p(path, "price"))
    return price


def _price_from_plan(plan: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": plan["id"], "object": "price", "active": plan.get("active", True), "billing_scheme": "per_unit",
        "created": plan.get("created"), "currency": plan.get("currency"), "livemode": False,
        "lookup_key": None, "metadata": plan.get("metadata") or {}, "nickname": plan.get("nickname"),
        "product": plan.get("product"),
        "recurring": {"interval": plan.get("interval"), "interval_count": plan.get("interval_count") or 1,
                      "meter": plan.get("meter"), "trial_period_days": plan.get("trial_period_days"),
                      "usage_type": plan.get("usage_type") or "licensed"},
        "tax_behavior": "unspecified", "tiers_mode": None, "transform_quantity": None, "type": "recurring",
        "unit_amount": plan.get("amount"), "unit_amount_decimal": plan.get("amount_decimal"),
    }


def _interval(price: dict[str, Any]) -> tuple[str, int]:
    recurring = price.get("recurring") or {}
    return recurring.get("interval") or "month", int(recurring.get("interval_count") or 1)


def _items_of(ctx: Context, sub_id: str) -> list[dict[str, Any]]:
    return [row.data for row in reversed(ctx.store.children(sub_id, ["subscription_item"]))]


def _set_period(ctx: Context, sub: dict[str, Any], start: int, end: int, items: list[dict[str, Any]] | None = None) -> None:
    sub["_period"] = [start, end]
    if "current_period_start" in schema.fields("subscription"):
        sub["current_period_start"] = start
        sub["current_period_end"] = end
    for item in items if items is not None else _items_of(ctx, sub["id"]):
        item["current_period_start"] = start
        item["current_period_end"] = end
        ctx.save(item)


def _new_item(ctx: Context, sub: dict[str, Any], spec: dict[str, Any], price: dict[str, Any], created: int) -> dict[str, Any]:
    fields: dict[str, Any] = {
        "price": price,
        "quantity": int(spec.get("quantity") or 1),
        "subscription": sub["id"],
        "metadata": spec.get("metadata") or {},
    }
    if spec.get("tax_rates"):
        fields["tax_rates"] = spec["tax_rates"]
    period = sub.get("_period") or [created, created]
    fields["current_period_start"], fields["current_period_end"] = period
    return ctx.create("subscription_item", fields, parent=sub["id"], created=created)


@hook("before_create", "subscription")
def _subscription_create(ctx: Context, sub: dict[str, Any], params: dict[str, Any]) -> None:
    if not params.get("customer"):
        raise missing_param("customer")
    customer = ctx.load(params["customer"], ("customer",), param="customer")
    clock = ctx.clock_of(customer)
    now = int(clock["frozen_time"]) if clock else ctx.now
    items = params.get("items") or []
    if not items:
        raise missing_param("items")
    prices = [_price_of_item(ctx, item, "items[%d]" % i, customer) for i, item in enumerate(items)]
    interval, count = _interval(prices[0])
    sub.update(created=now, start_date=now, test_clock=clock["id"] if clock else None,
               currency=prices[0].get("currency"), status="active", items=None)
    trial_end = _timestamp_param(ctx, params.get("trial_end"), now)
    if trial_end is None and params.get("trial_period_days"):
        trial_end = now + int(params["trial_period_days"]) * 86400
    if trial_end is not None and trial_end > now:
        sub.update(status="trialing", trial_start=now, trial_end=trial_end)
        start, end = now, trial_end
    else:
        start, end = now, add_interval(now, interval, count)
    anchor = params.get("billing_cycle_anchor")
    sub["billing_cycle_anchor"] = int(anchor) if isinstance(anchor, int) else (trial_end if sub["status"] == "trialing" else now)
    if sub["billing_cycle_anchor"] > start and sub["status"] != "trialing":
        end = sub["billing_cycle_anchor"]
    if sub.get("collection_method") == "send_invoice" and sub.get("days_until_due") is None:
        sub["days_until_due"] = 30
    cancel_at = _timestamp_param(ctx, params.get("cancel_at"), now)
    if cancel_at is not None:
        sub["cancel_at"] = cancel_at
    sub["_period"] = [start, end]
    sub["_pending_items"] = [(item, price) for item, price in zip(items, prices)]


@hook("after_create", "subscription")
def _subscription_created(ctx: Context, sub: dict[str, Any], params: dict[str, Any]) -> None:
    pending = sub.pop("_pending_items", [])
    items = [_new_item(ctx, sub, spec, price, sub["created"]) for spec, price in pending]
    start, end = sub["_period"]
    _set_period(ctx, sub, start, end, items)
    invoice = create_subscription_invoice(ctx, sub, items, "subscription_create", start, end, at=sub["created"],
                                          zero=sub["status"] == "trialing")
    sub["latest_invoice"] = invoice["id"]
    ctx.save(sub)


@hook("before_create", "subscription_item")
def _subscription_item_create(ctx: Context, item: dict[str, Any], params: dict[str, Any]) -> str:
    sub = ctx.load(params["subscription"], ("subscription",), param="subscription")
    if sub.get("status") in ("canceled", "incomplete_expired"):
        raise invalid("The subscription %s is canceled; items cannot be added to it." % sub["id"], param="subscription")
    customer = ctx.find(sub.get("customer"), ("customer",))
    item["price"] = _price_of_item(ctx, params, "", customer) if not params.get("price") else \
        _price_of_item(ctx, {"price": params["price"]}, "", customer)
    item["plan"] = None
    item["quantity"] = int(params.get("quantity") or 1)
    item["created"] = ctx.time_for(sub)
    start, end = sub.get("_period") or [item["created"], item["created"]]
    item["current_period_start"], item["current_period_end"] = start, end
    return sub["id"]


@hook("before_update", "subscription_item")
def _subscription_item_update(ctx: Context, item: dict[str, Any], params: dict[str, Any]) -> set[str]:
    if params.get("price") or params.get("plan") or params.get("price_data"):
        item["price"] = _price_of_item(ctx, params, "", None)
        return {"price", "plan"}
    return set()


@hook("render", "subscription")
def _render_subscription(ctx: Context, sub: dict[str, Any]) -> dict[str, Any]:
    out = {k: v for k, v in sub.items() if not k.startswith("_")}
    items = _items_of(ctx, sub["id"])
    out["items"] = {"object": "list", "data": items, "has_more": False, "total_count": len(items),
                    "url": "/v1/subscription_items?subscription=%s" % sub["id"]}
    return out


@hook("before_update", "subscription")
def _subscription_update(ctx: Context, sub: dict[str, Any], params: dict[str, Any]) -> set[str]:
    if sub.get("status") in ("canceled", "incomplete_expired"):
        raise invalid("A canceled subscription can only update its cancellation_details and metadata.")
    now = ctx.time_for(sub)
    customer = ctx.find(sub.get("customer"), ("customer",))
    for i, spec in enumerate(params.get("items") or []):
        path = "items[%d]" % i
        if spec.get("id"):
            item = ctx.load(spec["id"], ("subscription_item",), param="%s[id]" % path)
            if item.get("subscription") != sub["id"]:
                raise no_such("subscription_item", spec["id"], param="%s[id]" % path)
            if spec.get("deleted") is True:
                ctx.delete_tree([item["id"]])
                continue
            if spec.get("price") or spec.get("plan") or spec.get("price_data"):
                item["price"] = _price_of_item(ctx, spec, path, customer)
            if spec.get("quantity") is not None:
                item["quantity"] = int(spec["quantity"])
            if "metadata" in spec:
                merge_into(item, {"metadata": spec["metadata"]})
            ctx.save(item)
        else:
            price = _price_of_item(ctx, spec, path, customer)
            _new_item(ctx, sub, spec, price, now)
    if "trial_end" in params:
        trial_end = _timestamp_param(ctx, params["trial_end"], now)
        if trial_end is not None and trial_end <= now and sub.get("status") == "trialing":
            items = _items_of(ctx, sub["id"])
            interval, count = _interval(items[0]["price"]) if items else ("month", 1)
            sub.update(status="active", trial_end=now, billing_cycle_anchor=now)
            end = add_interval(now, interval, count)
            _set_period(ctx, sub, now, end, items)
            invoice = create_subscription_invoice(ctx, sub, items, "subscription_update", now, end, at=now)
            sub["latest_invoice"] = invoice["id"]
        elif trial_end is not None:
            sub["trial_end"] = trial_end
            if sub.get("status") == "trialing":
                _set_period(ctx, sub, sub["_period"][0], trial_end)
    if "cancel_at" in params:
        value = params["cancel_at"]
        if value in ("max_period_end", "min_period_end", "max_billed_until"):
            sub["cancel_at"] = (sub.get("_period") or [now, now])[1]
        else:
            sub["cancel_at"] = _timestamp_param(ctx, value, now)
    return {"items", "trial_end", "cancel_at"}


@hook("action:cancel", "subscription")
def _subscription_cancel(ctx: Context, sub: dict[str, Any], params: dict[str, Any]) -> dict[str, Any]:
    if sub.get("status") in ("canceled", "incomplete_expired"):
        raise invalid("The subscription %s has already been canceled." % sub["id"])
    now = ctx.time_for(sub)
    sub.update(status="canceled", canceled_at=now, ended_at=now)
    details = {"comment": None, "feedback": None, "reason": "cancellation_requested"}
    details.update(params.get("cancellation_details") or {})
    if "cancellation_details" in schema.fields("subscription"):
        sub["cancellation_details"] = details
    ctx.save(sub)
    return sub


@hook("list", "subscription")
def _subscription_list(ctx: Context, params: dict[str, Any], where: list) -> set[str]:
    status = params.get("status")
    if status == "all":
        return {"status"}
    if status == "ended":
        where.append(("json_extract(data, '$.status') IN ('canceled', 'incomplete_expired')", ()))
        return {"status"}
    if not status:
        where.append(("json_extract(data, '$.status') != 'canceled'", ()))
    return set()


def roll_subscription(ctx: Context, sub: dict[str, Any], target: int) -> None:
    """Move a subscription on a test clock forward to ``target``: trials end, periods renew with
    an invoice each, cancellations at a date or at period end take effect."""
    if sub.get("status") not in ("active", "trialing", "past_due"):
        return
    items = _items_of(ctx, sub["id"])
    if not items:
        return
    interval, count = _interval(items[0]["price"])
    start, end = sub.get("_period") or [items[0]["current_period_start"], items[0]["current_period_end"]]
    changed = False
    for _ in range(10000):
        cancel_at = sub.get("cancel_at")
        if cancel_at and cancel_at <= target and cancel_at <= end:
            sub.update(status="canceled", canceled_at=cancel_at, ended_at=cancel_at)
            changed = True
            break
        if end > target:
            break
        if sub.get("cancel_at_period_end"):
            sub.update(status="canceled", canceled_at=end, ended_at=end)
            changed = True
            break
        if sub["status"] == "trialing":
            sub["status"] = "active"
            sub["billing_cycle_anchor"] = end
            reason = "subscription_cycle"
        else:
            reason = "subscription_cycle"
        new_start = end
        new_end = next_period_end(sub["billing_cycle_anchor"], interval, count, new_start)
        invoice = create_subscription_invoice(ctx, sub, items, reason, new_start, new_end, at=new_start,
                                              invoice_period=(start, new_start))
        sub["latest_invoice"] = invoice["id"]
        start, end = new_start, new_end
        changed = True
    if changed:
        _set_period(ctx, sub, start, end, items)
        ctx.save(sub)


# =========================================================================== invoices


def create_subscription_invoice(ctx: Context, sub: dict[str, Any], items: list[dict[str, Any]], reason: str,
                                start: int, end: int, *, at: int, zero: bool = False,
                                invoice_period: tuple[int, int] | None = None) -> dict[str, Any]:
    customer = ctx.find(sub.get("customer"), ("customer",)) or {}
    period_start, period_end = invoice_period or (start, start)
    invoice = ctx.build("invoice", created=at)
    initial(ctx, invoice)
    invoice.update(
        customer=sub.get("customer"), currency=sub.get("currency"), billing_reason=reason,
        collection_method=sub.get("collection_method") or "charge_automatically",
        period_start=period_start, period_end=period_end, test_clock=sub.get("test_clock"),
        customer_email=customer.get("email"), customer_name=customer.get("name"),
        effective_at=at, auto_advance=False,
    )
    if "parent" in invoice:
        invoice["parent"] = {"quote_details": None, "type": "subscription_details",
                             "subscription_details": {"metadata": sub.get("metadata") or {}, "subscription": sub["id"],
                                                      "subscription_proration_date": None}}
    if invoice["collection_method"] == "send_invoice":
        invoice["due_date"] = at + int(sub.get("days_until_due") or 30) * 86400
    ctx.store.insert(invoice)
    for item in items:
        price = item["price"] or {}
        quantity = int(item.get("quantity") or 1)
        amount = 0 if zero else int(price.get("unit_amount") or 0) * quantity
        product = ctx.find(price.get("product"), ("product",)) or {}
        description = "%s%d × %s" % ("Trial period for " if zero else "", quantity, product.get("name") or price.get("id"))
        ctx.create("line_item", {
            "amount": amount, "currency": price.get("currency"), "description": description,
            "invoice": invoice["id"], "period": {"start": start, "end": end}, "quantity": quantity,
            "subscription": sub["id"], "subtotal": amount, "discountable": True,
            "parent": {"type": "subscription_item_details", "invoice_item_details": None,
                       "subscription_item_details": {"invoice_item": None, "proration": False,
                                                     "proration_details": {"credited_items": None},
                                                     "subscription": sub["id"], "subscription_item": item["id"]}},
            "pricing": {"type": "price_details", "price_details": {"price": price.get("id"), "product": price.get("product")},
                        "unit_amount_decimal": price.get("unit_amount_decimal")},
        }, parent=invoice["id"], created=at)
    _total(ctx, invoice)
    _finalize(ctx, invoice, at)
    if invoice["collection_method"] == "charge_automatically" or invoice["amount_due"] == 0:
        _pay(ctx, invoice, at)
    ctx.save(invoice)
    return invoice


def _total(ctx: Context, invoice: dict[str, Any]) -> None:
    total = sum(int(line.get("amount") or 0) for line in ctx.scan("line_item", parent=invoice["id"]))
    paid = int(invoice.get("amount_paid") or 0)
    invoice.update(subtotal=total, subtotal_excluding_tax=total, total=total, total_excluding_tax=total,
                   amount_due=total, amount_remaining=max(0, total - paid))


def _finalize(ctx: Context, invoice: dict[str, Any], at: int) -> None:
    invoice["status"] = "open"
    _set_path(invoice, "status_transitions.finalized_at", at)
    customer = ctx.find(invoice.get("customer"), ("customer",))
    if customer is not None and not invoice.get("number"):
        sequence = int(customer.get("next_invoice_sequence") or 1)
        invoice["number"] = "%s-%04d" % (customer.get("invoice_prefix") or "EMU", sequence)
        customer["next_invoice_sequence"] = sequence + 1
        ctx.save(customer)
    invoice["hosted_invoice_url"] = None
    if invoice.get("amount_due") == 0 and invoice.get("collection_method") == "charge_automatically":
        _pay(ctx, invoice, at)


def _pay(ctx: Context, invoice: dict[str, Any], at: int) -> None:
    invoice.update(status="paid", amount_paid=invoice.get("amount_due") or 0, amount_remaining=0, attempted=True,
                   attempt_count=int(invoice.get("attempt_count") or 0) + (1 if invoice.get("amount_due") else 0))
    _set_path(invoice, "status_transitions.paid_at", at)


@hook("before_create", "invoice")
def _invoice_create(ctx: Context, invoice: dict[str, Any], params: dict[str, Any]) -> None:
    customer = ctx.find(params.get("customer"), ("customer",))
    clock = ctx.clock_of(customer)
    if clock is not None:
        invoice["test_clock"] = clock["id"]
        invoice["created"] = int(clock["frozen_time"])
    invoice.update(period_start=invoice["created"], period_end=invoice["created"], billing_reason="manual",
                   currency=invoice.get("currency") or (customer or {}).get("currency") or "usd",
                   customer_email=(customer or {}).get("email"), customer_name=(customer or {}).get("name"))
    if params.get("auto_advance") is None:
        invoice["auto_advance"] = False
    if invoice.get("collection_method") == "send_invoice" and not invoice.get("due_date"):
        invoice["due_date"] = invoice["created"] + int(params.get("days_until_due") or 30) * 86400


@hook("after_create", "invoice")
def _invoice_created(ctx: Context, invoice: dict[str, Any], params: dict[str, Any]) -> None:
    if params.get("pending_invoice_items_behavior") == "include" and invoice.get("customer"):
        for item in ctx.scan("invoiceitem", where={"customer": invoice["customer"]}):
            if not item.get("invoice"):
                _attach_invoice_item(ctx, invoice, item)
        _total(ctx, invoice)
        ctx.save(invoice)


@hook("render", "invoice")
def _render_invoice(ctx: Context, invoice: dict[str, Any]) -> dict[str, Any]:
    lines = [row.data for row in reversed(ctx.store.children(invoice["id"], ["line_item"]))]
    out = dict(invoice)
    out["lines"] = {"object": "list", "data": lines, "has_more": False, "total_count": len(lines),
                    "url": "/v1/invoices/%s/lines" % invoice["id"]}
    return out


@hook("preview", "invoice")
def _preview_invoice(ctx: Context, invoice: dict[str, Any]) -> dict[str, Any]:
    invoice["lines"] = {"object": "list", "data": [], "has_more": False, "total_count": 0, "url": "/v1/invoices/upcoming/lines"}
    return invoice


def _invoice_state(invoice: dict[str, Any], allowed: tuple[str, ...], verb: str) -> None:
    if invoice.get("status") not in allowed:
        raise invalid("You can only %s an invoice with a status of %s; %s is %s."
                      % (verb, " or ".join(allowed), invoice["id"], invoice.get("status")))


@hook("action:finalize-invoice", "invoice")
def _invoice_finalize(ctx: Context, invoice: dict[str, Any], params: dict[str, Any]) -> dict[str, Any]:
    _invoice_state(invoice, ("draft",), "finalize")
    if params.get("auto_advance") is not None:
        invoice["auto_advance"] = params["auto_advance"]
    _total(ctx, invoice)
    _finalize(ctx, invoice, ctx.time_for(invoice))
    ctx.save(invoice)
    return invoice


@hook("action:pay", "invoice")
def _invoice_pay(ctx: Context, invoice: dict[str, Any], params: dict[str, Any]) -> dict[str, Any]:
    _invoice_state(invoice, ("draft", "open", "uncollectible"), "pay")
    now = ctx.time_for(invoice)
    if invoice["status"] == "draft":
        _total(ctx, invoice)
        _finalize(ctx, invoice, now)
    if invoice["status"] != "paid":
        _pay(ctx, invoice, now)
    ctx.save(invoice)
    return invoice


@hook("action:void-invoice", "invoice")
def _invoice_void(ctx: Context, invoice: dict[str, Any], params: dict[str, Any]) -> dict[str, Any]:
    _invoice_state(invoice, ("open", "uncollectible"), "void")
    invoice["status"] = "void"
    _set_path(invoice, "status_transitions.voided_at", ctx.time_for(invoice))
    ctx.save(invoice)
    return invoice


@hook("action:mark-uncollectible", "invoice")
def _invoice_uncollectible(ctx: Context, invoice: dict[str, Any], params: dict[str, Any]) -> dict[str, Any]:
    _invoice_state(invoice, ("open",), "mark uncollectible")
    invoice["status"] = "uncollectible"
    _set_path(invoice, "status_transitions.marked_uncollectible_at", ctx.time_for(invoice))
    ctx.save(invoice)
    return invoice


@hook("action:send-invoice", "invoice")
def _invoice_send(ctx: Context, invoice: dict[str, Any], params: dict[str, Any]) -> dict[str, Any]:
    _invoice_state(invoice, ("open",), "send")
    return invoice


@hook("before_delete", "invoice")
def _invoice_delete(ctx: Context, invoice: dict[str, Any]) -> None:
    if invoice.get("status") != "draft":
        raise invalid("You can only delete draft invoices; %s is %s." % (invoice["id"], invoice.get("status")))


@hook("list", "invoice")
def _invoice_list(ctx: Context, params: dict[str, Any], where: list) -> set[str]:
    if params.get("subscription"):
        where.append(("json_extract(data, '$.parent.subscription_details.subscription') = ?", (params["subscription"],)))
    return {"subscription"}


def _attach_invoice_item(ctx: Context, invoice: dict[str, Any], item: dict[str, Any]) -> None:
    if invoice.get("status") != "draft":
        raise invalid("Invoice %s is not a draft; items can only be added to draft invoices." % invoice["id"],
                      param="invoice")
    item["invoice"] = invoice["id"]
    ctx.save(item)
    ctx.create("line_item", {
        "amount": item.get("amount"), "currency": item.get("currency"), "description": item.get("description"),
        "invoice": invoice["id"], "period": item.get("period") or {"start": item["created"], "end": item["created"]},
        "quantity": item.get("quantity"), "subtotal": item.get("amount"), "discountable": True,
        "parent": {"type": "invoice_item_details", "subscription_item_details": None,
                   "invoice_item_details": {"invoice_item": item["id"], "proration": False,
                                            "proration_details": {"credited_items": None}, "subscription": None}},
    }, parent=invoice["id"], created=item["created"])


@hook("before_create", "invoiceitem")
def _invoice_item_create(ctx: Context, item: dict[str, Any], params: dict[str, Any]) -> None:
    customer = ctx.find(params.get("customer"), ("customer",))
    clock = ctx.clock_of(customer)
    if clock is not None:
        item["test_clock"] = clock["id"]
    price = None
    pricing = params.get("pricing") or {}
    price_id = params.get("price") or pricing.get("price")
    if price_id:
        price = ctx.load(price_id, ("price",), param="price" if params.get("price") else "pricing[price]")
    quantity = int(params.get("quantity") or 1)
    if params.get("amount") is None:
        unit = params.get("unit_amount")
        if unit is None and price is not None:
            unit = price.get("unit_amount")
        item["amount"] = int(unit or 0) * quantity
    if not item.get("currency"):
        item["currency"] = (price or {}).get("currency") or (customer or {}).get("currency") or "usd"
    item["quantity"] = quantity
    item["date"] = item.get("date") or item["created"]
    item["period"] = params.get("period") or {"start": item["created"], "end": item["created"]}
    item["invoice"] = None


@hook("after_create", "invoiceitem")
def _invoice_item_created(ctx: Context, item: dict[str, Any], params: dict[str, Any]) -> None:
    if params.get("invoice"):
        invoice = ctx.load(params["invoice"], ("invoice",), param="invoice")
        _attach_invoice_item(ctx, invoice, item)
        _total(ctx, invoice)
        ctx.save(invoice)


# =========================================================================== payment and setup intents


@hook("before_create", "payment_intent")
def _payment_intent_create(ctx: Context, intent: dict[str, Any], params: dict[str, Any]) -> None:
    if params.get("payment_method"):
        intent["status"] = "requires_confirmation"
    if params.get("confirm") is True:
        _confirm_intent(ctx, intent, params)


def _confirm_intent(ctx: Context, intent: dict[str, Any], params: dict[str, Any]) -> None:
    allowed = ("requires_payment_method", "requires_confirmation", "requires_action")
    _require_state(intent, allowed, "confirm")
    if params.get("payment_method"):
        intent["payment_method"] = params["payment_method"]
    if not intent.get("payment_method"):
        kind = "PaymentIntent" if intent["object"] == "payment_intent" else "SetupIntent"
        raise EmulatorError(400, "You cannot confirm this %s because it's missing a payment method. Pass "
                                 "payment_method." % kind,
                            code=_STATE_CODES.get(intent["object"]), param="payment_method")
    if intent["object"] == "setup_intent":
        intent["status"] = "succeeded"
        return
    if intent.get("capture_method") == "manual":
        intent["status"] = "requires_capture"
        intent["amount_capturable"] = intent.get("amount") or 0
    else:
        intent["status"] = "succeeded"
        intent["amount_received"] = intent.get("amount") or 0


@hook("action:confirm", "payment_intent", "setup_intent")
def _intent_confirm(ctx: Context, intent: dict[str, Any], params: dict[str, Any]) -> dict[str, Any]:
    _confirm_intent(ctx, intent, params)
    ctx.save(intent)
    return intent


@hook("before_create", "setup_intent")
def _setup_intent_create(ctx: Context, intent: dict[str, Any], params: dict[str, Any]) -> None:
    if params.get("payment_method"):
        intent["status"] = "requires_confirmation"
    if params.get("confirm") is True:
        _confirm_intent(ctx, intent, params)


@hook("action:capture", "payment_intent")
def _payment_intent_capture(ctx: Context, intent: dict[str, Any], params: dict[str, Any]) -> dict[str, Any]:
    _require_state(intent, ("requires_capture",), "capture")
    amount = params.get("amount_to_capture") or intent.get("amount_capturable") or intent.get("amount") or 0
    intent.update(status="succeeded", amount_received=amount, amount_capturable=0)
    ctx.save(intent)
    return intent


@hook("action:cancel", "payment_intent")
def _payment_intent_cancel(ctx: Context, intent: dict[str, Any], params: dict[str, Any]) -> dict[str, Any]:
    _require_state(intent, ("requires_payment_method", "requires_capture", "requires_confirmation",
                            "requires_action", "processing"), "cancel")
    intent.update(status="canceled", canceled_at=ctx.now,
                  cancellation_reason=params.get("cancellation_reason") or "requested_by_customer",
                  amount_capturable=0)
    ctx.save(intent)
    return intent


# =========================================================================== other small ones


@hook("singleton", "balance")
def _balance(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    zero = [{"amount": 0, "currency": "usd", "source_types": {"card": 0}}]
    return {"object": "balance", "available": zero, "pending": [dict(z) for z in zero],
            "connect_reserved": [], "livemode": False}


@hook("singleton", "apps.secret")
def _find_secret(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    scope = params.get("scope") or {}
    for secret in ctx.scan("apps.secret", where={"name": params.get("name")}):
        if (secret.get("scope") or {}).get("type") == scope.get("type") and \
                (secret.get("scope") or {}).get("user") == scope.get("user"):
            return secret
    raise no_such("secret", params.get("name") or "", param="name")


@hook("before_create", "apps.secret")
def _secret_create(ctx: Context, secret: dict[str, Any], params: dict[str, Any]) -> None:
    scope = params.get("scope") or {}
    for old in ctx.scan("apps.secret", where={"name": params.get("name")}):
        if (old.get("scope") or {}).get("type") == scope.get("type") and (old.get("scope") or {}).get("user") == scope.get("user"):
            ctx.delete_tree([old["id"]])
    secret["payload"] = None  # Stripe only returns a secret's payload when asked to expand it
    secret["_payload"] = params.get("payload")
    secret["deleted"] = False


def _list_object(data: list[dict[str, Any]], url: str) -> dict[str, Any]:
    return {"object": "list", "data": data, "has_more": False, "total_count": len(data), "url": url}


# Fields Stripe leaves out (null here) unless asked for with expand: (type, field) -> value
INCLUDABLE: dict[tuple[str, str], Callable[[Context, dict[str, Any]], Any]] = {
    ("apps.secret", "payload"): lambda ctx, secret: (ctx.find(secret["id"]) or {}).get("_payload"),
    ("customer", "subscriptions"): lambda ctx, customer: _list_object(
        [render(ctx, s) for s in ctx.scan("subscription", where={"customer": customer["id"]})
         if s.get("status") != "canceled"], "/v1/customers/%s/subscriptions" % customer["id"]),
    ("customer", "tax_ids"): lambda ctx, customer: _list_object(
        [row.data for row in ctx.store.children(customer["id"], ["tax_id"])], "/v1/customers/%s/tax_ids" % customer["id"]),
    ("customer", "sources"): lambda ctx, customer: _list_object(
        [row.data for row in ctx.store.children(customer["id"], ["account", "bank_account", "card", "source"])],
        "/v1/customers/%s/sources" % customer["id"]),
}


@hook("before_create", "tax_id")
def _tax_id_create(ctx: Context, tax_id: dict[str, Any], params: dict[str, Any]) -> None:
    if tax_id.get("customer"):
        tax_id["owner"] = {"type": "customer", "customer": tax_id["customer"], "account": None, "application": None}
    elif params.get("owner"):
        tax_id["owner"] = dict(params["owner"])
    else:
        tax_id["owner"] = {"type": "self", "customer": None, "account": None, "application": None}
    kind = str(params.get("type") or "")
    tax_id["country"] = kind.split("_", 1)[0].upper() if "_" in kind else None
    tax_id["verification"] = {"status": "pending", "verified_address": None, "verified_name": None}

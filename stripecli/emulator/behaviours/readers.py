"""Terminal reader actions: each request to a reader sets its ``action`` (``type``, ``status:
in_progress`` and the request's details) as Stripe does; the test helpers finish it:
``present_payment_method`` completes a payment or setup (the intent is confirmed with a test card
through the charging path), ``succeed_input_collection`` / ``timeout_input_collection`` end an
input collection, ``cancel_action`` cancels what is in progress."""

from __future__ import annotations

from typing import Any

from stripecli.emulator.behaviours import registry
from stripecli.emulator.context import Context
from stripecli.emulator.errors import invalid

# the reader action verb -> (the action's type, the params its details hold)
STARTS = {
    "process-payment-intent": ("process_payment_intent", ("payment_intent", "process_config")),
    "process-setup-intent": ("process_setup_intent", ("setup_intent", "allow_redisplay", "process_config")),
    "collect-payment-method": ("collect_payment_method", ("payment_intent", "collect_config")),
    "confirm-payment-intent": ("confirm_payment_intent", ("payment_intent", "confirm_config")),
    "refund-payment": ("refund_payment", ("payment_intent", "charge", "amount", "reason", "metadata")),
    "set-reader-display": ("set_reader_display", ("type", "cart")),
    "collect-inputs": ("collect_inputs", ("inputs", "metadata")),
}


def _start(verb: str):
    kind, keys = STARTS[verb]

    def start(ctx: Context, reader: dict[str, Any], params: dict[str, Any]) -> dict[str, Any]:
        current = reader.get("action") or {}
        if current.get("status") == "in_progress" and kind not in ("set_reader_display",):
            raise invalid("Reader %s is busy with %s; cancel it first." % (reader["id"], current.get("type")),
                          code="terminal_reader_busy")
        for ref, types in (("payment_intent", ("payment_intent",)), ("setup_intent", ("setup_intent",))):
            if params.get(ref):
                ctx.load(params[ref], types, param=ref)
        status = "succeeded" if kind == "set_reader_display" else "in_progress"
        reader["action"] = {"type": kind, "status": status, "failure_code": None, "failure_message": None,
                            kind: {k: params[k] for k in keys if params.get(k) is not None}}
        ctx.save(reader)
        return reader

    return start


for _verb in STARTS:
    registry.action(_verb, "terminal.reader")(_start(_verb))


def _finish(ctx: Context, reader: dict[str, Any], status: str, code: str | None = None,
            message: str | None = None) -> dict[str, Any]:
    action = reader.get("action") or {}
    if action.get("status") != "in_progress":
        raise invalid("Reader %s has no action in progress." % reader["id"], code="terminal_reader_action_unexpected")
    reader["action"] = dict(action, status=status, failure_code=code, failure_message=message)
    ctx.save(reader)
    return reader


@registry.action("present-payment-method", "terminal.reader")
def _present(ctx: Context, reader: dict[str, Any], params: dict[str, Any]) -> dict[str, Any]:
    from stripecli.emulator.behaviours import payments

    action = reader.get("action") or {}
    details = action.get(action.get("type") or "") or {}
    for ref, kind in (("payment_intent", "payment_intent"), ("setup_intent", "setup_intent")):
        intent = ctx.find(details.get(ref), (kind,)) if action.get("type", "").startswith(("process", "confirm")) else None
        if intent is not None and intent.get("status") in payments.CONFIRMABLE:
            payments.confirm(ctx, intent, {"payment_method": "pm_card_visa"})
            ctx.save(intent)
    return _finish(ctx, reader, "succeeded")


@registry.action("succeed-input-collection", "terminal.reader")
def _inputs_done(ctx: Context, reader: dict[str, Any], params: dict[str, Any]) -> dict[str, Any]:
    return _finish(ctx, reader, "succeeded")


@registry.action("timeout-input-collection", "terminal.reader")
def _inputs_timeout(ctx: Context, reader: dict[str, Any], params: dict[str, Any]) -> dict[str, Any]:
    return _finish(ctx, reader, "failed", "customer_timeout", "The customer did not complete the input in time.")


@registry.action("cancel-action", "terminal.reader")
def _cancel(ctx: Context, reader: dict[str, Any], params: dict[str, Any]) -> dict[str, Any]:
    return _finish(ctx, reader, "failed", "canceled", "The action was canceled.")

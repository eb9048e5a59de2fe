"""Small helpers the families share: dotted-path assignment, state checks, timestamp params,
making an object as the API would, a line item's price, the due-work row."""

from __future__ import annotations

from typing import Any

from stripecli.emulator import schema
from stripecli.emulator.behaviours import registry
from stripecli.emulator.context import merge_into
from stripecli.emulator.errors import EmulatorError, missing_param
from stripecli.emulator.ledger import DUE_TYPE  # rows listing asynchronous work an ``on_due`` hook finishes

# the error code Stripe gives when an action is not allowed from an object's status
STATE_CODES = {"payment_intent": "payment_intent_unexpected_state", "setup_intent": "setup_intent_unexpected_state"}


def set_path(obj: dict[str, Any], dotted: str, value: Any) -> None:
    """``obj["a"]["b"] = value`` for ``"a.b"``, making the intermediate hashes."""
    parts = dotted.split(".")
    node = obj
    for part in parts[:-1]:
        if not isinstance(node.get(part), dict):
            node[part] = {}
        node = node[part]
    node[parts[-1]] = value


def require_state(obj: dict[str, Any], allowed: tuple[str, ...], verb: str) -> None:
    """400 unless the object's ``status`` is one of ``allowed``."""
    status = obj.get("status")
    if status not in allowed:
        name = schema.display_name(obj["object"]).replace("_", " ")
        raise EmulatorError(
            400,
            "You cannot %s this %s because it has a status of %s. Only a %s with a status of %s can be %s."
            % (verb.replace("-", " "), name, status, name, " or ".join(allowed), verb.replace("-", " ")),
            code=STATE_CODES.get(obj["object"]),
        )


def timestamp_param(value: Any, now: int) -> int | None:
    """A timestamp param's value: ``now`` (the object's clock time), an integer, or ``None``."""
    if value is None or value == "":
        return None
    if value == "now":
        return now
    return int(value) if isinstance(value, int) or str(value).lstrip("-").isdigit() else None


def list_object(data: list[dict[str, Any]], url: str) -> dict[str, Any]:
    return {"object": "list", "data": data, "has_more": False, "total_count": len(data), "url": url}


def initial(ctx: Any, obj: dict[str, Any]) -> None:
    """Values a new object starts with (only the fields its schema has), and its secrets."""
    object_type = obj["object"]
    fields = schema.fields(object_type)
    for name, value in registry.INITIAL.get(object_type, {}).items():
        if name in fields:
            obj[name] = value if not isinstance(value, (list, dict)) else type(value)(value)
    if "updated" in fields:
        obj["updated"] = obj.get("created", ctx.now)
    secret = registry.SECRETS.get(object_type)
    if secret is not None:
        field, make = secret
        if field in fields:
            obj[field] = make(obj)


def make_object(ctx: Any, object_type: str, params: dict[str, Any]) -> dict[str, Any]:
    """An object made as the API would make it from ``params`` (every family's hooks run): how a
    family makes what another family owns (a quote's subscription, a Checkout Session's payment)."""
    from stripecli.emulator import behaviours
    from stripecli.emulator.operations import given_fields

    obj = ctx.build(object_type)
    behaviours.initial(ctx, obj)
    merge_into(obj, given_fields(object_type, params))
    parent = behaviours.before_create(ctx, obj, params, None)
    ctx.insert(obj, parent=parent)
    behaviours.after_create(ctx, obj, params)
    return obj


def line_item_price(ctx: Any, spec: dict[str, Any], path: str, currency: str | None) -> dict[str, Any]:
    """The price of one line item given as ``path[price]`` (an existing price) or
    ``path[price_data]`` (a new price of an existing product, in ``currency`` unless it names one)."""
    if spec.get("price"):
        return ctx.load(spec["price"], ("price",), param="%s[price]" % path)
    data = spec.get("price_data")
    if not data:
        raise missing_param("%s[price]" % path)
    price = ctx.build("price")
    initial(ctx, price)
    merge_into(price, {k: v for k, v in data.items() if schema.has_field("price", k)})
    ctx.load(price.get("product") or "", ("product",), param="%s[price_data][product]" % path)
    price["type"] = "recurring" if price.get("recurring") else "one_time"
    price["currency"] = price.get("currency") or currency or "usd"
    ctx.insert(price)
    return price


def append_due(ctx: Any, row_id: str, field: str, item: Any) -> None:
    """Add ``item`` to the list ``field`` of the due-work row ``row_id`` (made on first use): the
    one row a family's ``on_due`` hook reads before each request, so nothing due costs one read."""
    row = ctx.find(row_id, (DUE_TYPE,))
    if row is None:
        ctx.insert({"id": row_id, "object": DUE_TYPE, "created": ctx.now, field: [item]})
        return
    row[field] = list(row.get(field) or []) + [item]
    ctx.save(row)


def finish_due(ctx: Any, row_id: str, field: str, done: Any) -> None:
    """Call ``done(item)`` for each item of the due-work row's list, in one write transaction of
    the emulator's own (its events carry no request); the items it answers false for stay listed,
    and the row goes once none is left."""
    automatic, ctx.automatic = ctx.automatic, True
    try:
        with ctx.transaction():
            stored = ctx.find(row_id, (DUE_TYPE,))
            if stored is None:
                return
            waiting = [item for item in stored.get(field) or [] if not done(item)]
            if waiting:
                stored[field] = waiting
                ctx.save(stored)
            else:
                ctx.delete(row_id)
    finally:
        ctx.automatic = automatic

"""Customers and what hangs off them directly: tax ids, sources, the fields Stripe only includes
when expanded (``tax_ids``, ``sources``; ``subscriptions`` belongs to the subscriptions family).

A card source is added with ``POST /v1/customers/{customer}/sources`` (``source=tok_visa`` or a
card token), updated and removed under the same path; each change is a ``customer.source.*``
event, and ``default_source`` follows (the first source, the next one when it is removed).

A customer on a test clock is bound to it by the clocks family; what a customer's deletion does
to its subscriptions is the subscriptions family's ``before_delete`` hook on ``customer``.
"""

from __future__ import annotations

from typing import Any

from stripecli.emulator import schema
from stripecli.emulator.behaviours import registry
from stripecli.emulator.behaviours.common import list_object
from stripecli.emulator.context import Context

registry.initial_values({
    "customer": {"balance": 0, "delinquent": False, "preferred_locales": [], "tax_exempt": "none",
                 "next_invoice_sequence": 1},
})

registry.kept_when_deleted("customer")

registry.secrets({
    # the prefix of the customer's invoice numbers (PREFIX-0001)
    "customer": ("invoice_prefix", lambda obj: schema.random_token(8).upper()),
})


@registry.includable("customer", "tax_ids")
def _tax_ids(ctx: Context, customer: dict[str, Any]) -> dict[str, Any]:
    return list_object([row.data for row in ctx.store.children(customer["id"], ["tax_id"])],
                       "/v1/customers/%s/tax_ids" % customer["id"])


@registry.includable("customer", "sources")
def _sources(ctx: Context, customer: dict[str, Any]) -> dict[str, Any]:
    return list_object([row.data for row in ctx.store.children(customer["id"], ["account", "bank_account", "card", "source"])],
                       "/v1/customers/%s/sources" % customer["id"])


@registry.hook("before_create", "tax_id")
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


@registry.hook("before_create", "account", order=registry.LAST)  # replaces what the account hooks made
def _customer_source(ctx: Context, obj: dict[str, Any], params: dict[str, Any]) -> None:
    """``POST /v1/customers/{customer}/sources`` with ``source=tok_visa`` (a test alias or a stored
    card token) adds a card to the customer (``card_``, ``customer.source.created``), the
    customer's ``default_source`` when it has none, as on Stripe. Bank account tokens and the
    Sources API are not modelled: they are refused in one line."""
    customer_id = ctx.values.get("customer")
    if not customer_id or ctx.route is None or not ctx.route.path.startswith("/v1/customers/"):
        return
    from stripecli.emulator import cards
    from stripecli.emulator.behaviours.methods import check_attachable, legacy_card, use_token
    from stripecli.emulator.errors import invalid, missing_param

    customer = ctx.load(customer_id, ("customer",), param="customer")
    ref = params.get("source")
    if not ref:
        raise missing_param("source")
    card = cards.by_alias(ref) if isinstance(ref, str) else None
    if card is None:
        stored = ctx.find(ref, ("token",)) if isinstance(ref, str) else None
        if stored is None or not stored.get("_card"):
            raise invalid("The emulator adds card sources from a card token (tok_visa, tok_... of POST /v1/tokens); "
                          "%r is not one." % (ref,), param="source")
        use_token(ctx, stored, "source")
        card = cards.by_number(stored["_card"])
    check_attachable(card)
    legacy = legacy_card(ctx, card, customer=customer_id)
    legacy.update(_card=card.number, metadata=dict(params.get("metadata") or {}))
    obj.clear()
    obj.update(ctx.build("card", legacy, created=ctx.time_for(customer)))
    if not customer.get("default_source"):
        customer["default_source"] = legacy["id"]
        ctx.save(customer)


@registry.hook("before_delete", "card", "bank_account")
def _source_removed(ctx: Context, source: dict[str, Any]) -> None:
    """A customer's default source that is removed gives way to its next source, or to none."""
    customer = ctx.find(source.get("customer"), ("customer",))
    if customer is None or customer.get("default_source") != source["id"]:
        return
    rest = [row.id for row in ctx.store.children(customer["id"], ["bank_account", "card", "source"]) if row.id != source["id"]]
    customer["default_source"] = rest[0] if rest else None
    ctx.save(customer)

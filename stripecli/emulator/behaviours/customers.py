"""Customers and what hangs off them directly: tax ids, sources, the fields Stripe only includes
when expanded (``tax_ids``, ``sources``; ``subscriptions`` belongs to the subscriptions family).

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

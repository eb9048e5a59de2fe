"""Tax calculations and transactions: their line items.

A calculation's ``line_items[n]`` (``amount``, ``reference``, ``quantity``, ``tax_behavior``,
``tax_code``) become its line items (listed by ``/v1/tax/calculations/{id}/line_items``), and
``amount_total`` their sum. The emulator computes no tax: ``amount_tax`` is 0 and
``tax_breakdown`` empty (see docs/emulator.md). ``create_from_calculation`` records a transaction
with the calculation's line items; ``create_reversal`` (``mode=full``, or ``partial`` with
``line_items``) records the negated items of the original, pointing at it.
"""

from __future__ import annotations

from typing import Any

from stripecli.emulator.behaviours import registry
from stripecli.emulator.context import Context
from stripecli.emulator.errors import invalid, missing_param


def _items(ctx: Context, parent: str, types: str) -> list[dict[str, Any]]:
    return list(reversed([row.data for row in ctx.store.children(parent, [types])]))


@registry.hook("before_create", "tax.calculation")
def _calculation(ctx: Context, calc: dict[str, Any], params: dict[str, Any]) -> None:
    calc["_items"] = params.get("line_items") or []
    calc["line_items"] = None
    calc.update(tax_amount_exclusive=0, tax_amount_inclusive=0, tax_breakdown=[],
                currency=str(params.get("currency") or "usd").lower(), expires_at=calc["created"] + 90 * 86400,
                tax_date=calc["created"])


@registry.hook("after_create", "tax.calculation")
def _calculation_items(ctx: Context, calc: dict[str, Any], params: dict[str, Any]) -> None:
    total = 0
    for i, spec in enumerate(calc.pop("_items")):
        amount = int(spec.get("amount") or 0)
        total += amount
        ctx.create("tax.calculation_line_item", {
            "amount": amount, "amount_tax": 0, "quantity": int(spec.get("quantity") or 1),
            "reference": spec.get("reference"), "product": spec.get("product"), "metadata": spec.get("metadata") or {},
            "tax_behavior": spec.get("tax_behavior") or "exclusive", "tax_code": spec.get("tax_code") or "txcd_99999999",
            "tax_breakdown": [],
        }, parent=calc["id"], created=calc["created"] + i)
    calc["amount_total"] = total
    ctx.save(calc)


@registry.hook("before_create", "tax.transaction")
def _transaction(ctx: Context, txn: dict[str, Any], params: dict[str, Any]) -> None:
    if not params.get("reference"):
        raise missing_param("reference")
    for other in ctx.scan("tax.transaction", where={"reference": params["reference"]}):
        raise invalid("A tax transaction with the reference %s already exists (%s)." % (params["reference"], other["id"]),
                      param="reference")
    verb = ctx.route.verb if ctx.route is not None else ""
    if verb == "create-from-calculation":
        calc = ctx.load(params.get("calculation") or "", ("tax.calculation",), param="calculation")
        source = [(i["amount"], i.get("amount_tax") or 0, i.get("quantity"), i.get("reference"), i.get("product"),
                   i.get("tax_behavior"), i.get("tax_code")) for i in _items(ctx, calc["id"], "tax.calculation_line_item")]
        txn.update(type="transaction", currency=calc["currency"], customer=calc.get("customer"),
                   customer_details=calc.get("customer_details"), reversal=None)
    else:
        original = ctx.load(params.get("original_transaction") or "", ("tax.transaction",),
                            param="original_transaction")
        items = _items(ctx, original["id"], "tax.transaction_line_item")
        if params.get("mode") == "partial":
            wanted = {spec.get("original_line_item"): spec for spec in params.get("line_items") or []}
            items = [i for i in items if i["id"] in wanted]
            if not items:
                raise missing_param("line_items")
        source = [(-int(i["amount"]), -int(i.get("amount_tax") or 0), i.get("quantity"), i.get("reference"),
                   i.get("product"), i.get("tax_behavior"), i.get("tax_code")) for i in items]
        txn.update(type="reversal", currency=original["currency"], customer=original.get("customer"),
                   customer_details=original.get("customer_details"),
                   reversal={"original_transaction": original["id"]})
    txn["posted_at"] = txn["created"]
    txn["tax_date"] = txn["created"]
    txn["line_items"] = None
    txn["_source"] = source


@registry.hook("after_create", "tax.transaction")
def _transaction_items(ctx: Context, txn: dict[str, Any], params: dict[str, Any]) -> None:
    for i, (amount, tax, quantity, reference, product, behavior, code) in enumerate(txn.pop("_source")):
        ctx.create("tax.transaction_line_item", {
            "amount": amount, "amount_tax": tax, "quantity": quantity, "reference": reference, "product": product,
            "tax_behavior": behavior, "tax_code": code, "type": txn["type"], "metadata": {},
            "reversal": {"original_line_item": None} if txn["type"] == "reversal" else None,
        }, parent=txn["id"], created=txn["created"] + i)
    ctx.save(txn)

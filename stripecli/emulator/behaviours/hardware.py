"""Terminal hardware Stripe sells: products, each country's SKUs and shipping methods, answered from
``terminal_hardware.json`` (lists filter on ``country``, ``product``, ``name``, ``status``), and
hardware orders priced from them.

A shipping method's ``estimated_delivery_window`` is counted from the account's current time (the
data gives the minimum and maximum days). An order (``POST /v1/terminal/hardware_orders``) names
SKUs of one country and a shipping method of that country; its items carry their SKU, ``amount``
is the SKUs' amounts times their quantities (no tax is computed: ``tax`` 0), ``currency`` the
SKUs'. Quantities above a SKU's ``orderable`` are refused, as Stripe does. The order preview prices
the same params without storing anything.
"""

from __future__ import annotations

import datetime as _dt
import json
import os
from functools import lru_cache
from typing import Any

from stripecli.emulator import schema
from stripecli.emulator.behaviours import registry
from stripecli.emulator.context import Context
from stripecli.emulator.errors import invalid, no_such

DAY = 86400


@lru_cache(maxsize=1)
def _data() -> dict[str, Any]:
    with open(os.path.join(os.path.dirname(__file__), os.pardir, "terminal_hardware.json"), "rb") as fh:
        return json.loads(fh.read())


@registry.catalogue("terminal.hardware_product", "terminal.hardware_sku")
def _plain(ctx: Context) -> list[dict[str, Any]]:
    return [dict(entry) for entry in _data()[ctx.route.object]]


def _date(ts: int) -> str:
    return _dt.datetime.fromtimestamp(ts, _dt.timezone.utc).date().isoformat()


def _shipping_methods(ctx: Context) -> list[dict[str, Any]]:
    out = []
    for entry in _data()["terminal.hardware_shipping_method"]:
        method = {k: v for k, v in entry.items() if k != "delivery_days"}
        low, high = entry["delivery_days"]
        method["estimated_delivery_window"] = {"minimum_date": _date(ctx.now + low * DAY),
                                               "maximum_date": _date(ctx.now + high * DAY)}
        out.append(method)
    return out


registry.catalogue("terminal.hardware_shipping_method")(_shipping_methods)


def _find(kind: str, object_id: Any, param: str) -> dict[str, Any]:
    for entry in _data()[kind]:
        if entry["id"] == object_id:
            return entry
    raise no_such(kind.split(".")[-1].replace("_", " ").replace("hardware ", "terminal hardware "),
                  str(object_id or ""), param=param)


@registry.hook("before_create", "terminal.hardware_order")
def _order(ctx: Context, order: dict[str, Any], params: dict[str, Any]) -> None:
    items = params.get("hardware_order_items") or []
    if isinstance(items, dict):  # items[0][...] form-encoded as a mapping of index to item
        items = [items[k] for k in sorted(items, key=lambda k: int(k) if str(k).isdigit() else 0)]
    method = _find("terminal.hardware_shipping_method", params.get("shipping_method"), "shipping_method")
    country = ((params.get("shipping") or {}).get("address") or {}).get("country") or method["country"]
    if method["country"] != country:
        raise invalid("The shipping method %s does not ship to %s." % (method["id"], country), param="shipping_method")
    lines, total, currency = [], 0, None
    for i, item in enumerate(items):
        sku = _find("terminal.hardware_sku", (item or {}).get("terminal_hardware_sku"),
                    "hardware_order_items[%d][terminal_hardware_sku]" % i)
        quantity = int((item or {}).get("quantity") or 1)
        if sku["country"] != country:
            raise invalid("The SKU %s is not sold in %s." % (sku["id"], country),
                          param="hardware_order_items[%d][terminal_hardware_sku]" % i)
        if quantity < 1 or quantity > sku["orderable"]:
            raise invalid("Quantity must be between 1 and %d for SKU %s." % (sku["orderable"], sku["id"]),
                          param="hardware_order_items[%d][quantity]" % i)
        lines.append({"amount": sku["amount"] * quantity, "currency": sku["currency"], "quantity": quantity,
                      "terminal_hardware_sku": dict(sku)})
        total += sku["amount"] * quantity
        currency = sku["currency"]
    if not lines:
        raise invalid("An order needs at least one item.", param="hardware_order_items")
    order.update({"hardware_order_items": lines, "amount": total, "currency": currency, "tax": 0,
                  "total_tax_amounts": [], "shipping_method": method["id"],
                  "shipment_tracking": [], "updated": ctx.now, "status": "pending"})


@registry.singleton("terminal.hardware_order")
def _preview(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    """``GET /v1/terminal/hardware_orders/preview``: the order those params would make, priced the
    same way, never stored (its id is ``upcoming_...``)."""
    order = ctx.build("terminal.hardware_order", object_id="upcoming_" + schema.new_id("terminal.hardware_order"))
    order.update({k: params[k] for k in ("metadata", "payment_type", "po_number", "shipping") if k in params})
    _order(ctx, order, params)
    return order

"""The catalogue: products, prices, plans, coupons, promotion codes, tax and shipping rates,
entitlement features.

- a price made with ``product_data`` (and a plan with ``product[...]``) creates its product;
- a price's ``type`` follows ``recurring``, ``unit_amount`` and ``unit_amount_decimal`` fill each
  other in;
- a product with prices cannot be deleted.
"""

from __future__ import annotations

from typing import Any

from stripecli.emulator import schema
from stripecli.emulator.behaviours import registry
from stripecli.emulator.behaviours.common import initial
from stripecli.emulator.context import Context, merge_into
from stripecli.emulator.errors import invalid, missing_param

registry.initial_values({
    "product": {"active": True, "type": "service", "images": [], "marketing_features": []},
    "price": {"active": True, "billing_scheme": "per_unit", "tax_behavior": "unspecified", "type": "one_time"},
    "plan": {"active": True, "interval_count": 1, "billing_scheme": "per_unit", "usage_type": "licensed"},
    "coupon": {"valid": True, "times_redeemed": 0, "duration": "once"},
    "promotion_code": {"active": True, "times_redeemed": 0},
    "tax_rate": {"active": True},
    "shipping_rate": {"active": True},
    "entitlements.feature": {"active": True},
})


def new_product(ctx: Context, fields: dict[str, Any], object_id: str | None = None) -> dict[str, Any]:
    """A product made inline (``product_data``, ``product[name]``), stored as created."""
    product = ctx.build("product", object_id=object_id)
    initial(ctx, product)
    merge_into(product, {k: v for k, v in fields.items() if schema.has_field("product", k) and k != "id"})
    ctx.insert(product)
    return product


@registry.hook("before_create", "price")
def _price_create(ctx: Context, price: dict[str, Any], params: dict[str, Any]) -> None:
    if params.get("product_data"):
        price["product"] = new_product(ctx, params["product_data"])["id"]
    elif not params.get("product"):
        raise missing_param("product")
    fill_price(price)


def fill_price(price: dict[str, Any]) -> None:
    """``type`` from ``recurring`` (with its defaults), and ``unit_amount``/``_decimal`` both set."""
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


@registry.hook("before_create", "plan")
def _plan_create(ctx: Context, plan: dict[str, Any], params: dict[str, Any]) -> None:
    product = params.get("product")
    if isinstance(product, dict):
        plan["product"] = new_product(ctx, product, object_id=product.get("id") or None)["id"]
    elif isinstance(product, str) and product:
        ctx.load(product, ("product",), param="product")
    else:
        raise missing_param("product")
    if plan.get("amount") is not None and plan.get("amount_decimal") is None:
        plan["amount_decimal"] = str(plan["amount"])


@registry.hook("before_delete", "product")
def _product_delete(ctx: Context, product: dict[str, Any]) -> None:
    if ctx.scan("price", where={"product": product["id"]}):
        raise invalid("This product cannot be deleted because it has one or more user-created prices.", param="id")

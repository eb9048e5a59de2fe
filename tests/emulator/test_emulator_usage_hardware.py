"""Resources the CLI knows from the model overlay (legacy usage records and their summaries, Terminal
hardware), answered by the emulator from behaviour and data, in-process and over ``emulator serve``."""

from __future__ import annotations

from tests.emulator.helpers import bad, ok, wait_for

T0 = 1_700_000_000  # 2023-11-14T22:13:20Z
DAY = 86400


def _metered_item(api) -> tuple[dict, dict]:
    clock = ok(api.post("/v1/test_helpers/test_clocks", data={"frozen_time": T0}))
    customer = ok(api.post("/v1/customers", data={"test_clock": clock["id"], "payment_method": "pm_card_visa",
                                                  "invoice_settings[default_payment_method]": "pm_card_visa"}))
    product = ok(api.post("/v1/products", data={"name": "API calls"}))
    price = ok(api.post("/v1/prices", data={"product": product["id"], "currency": "usd", "unit_amount": 2,
                                            "recurring[interval]": "month", "recurring[usage_type]": "metered"}))
    sub = ok(api.post("/v1/subscriptions", data={"customer": customer["id"], "default_payment_method": "pm_card_visa",
                                                 "items[0][price]": price["id"]}))
    return clock, sub["items"]["data"][0]


def test_usage_record_summaries_add_up_the_usage_of_each_period(api):
    clock, item = _metered_item(api)
    base = "/v1/subscription_items/%s/" % item["id"]
    first = ok(api.post(base + "usage_records", data={"quantity": 5}))
    assert (first["object"], first["timestamp"], first["subscription_item"]) == ("usage_record", T0, item["id"])
    ok(api.post(base + "usage_records", data={"quantity": 3, "timestamp": "now"}))
    ok(api.post(base + "usage_records", data={"quantity": 4, "timestamp": T0 + DAY}))
    ok(api.post(base + "usage_records", data={"quantity": 10, "timestamp": T0 + DAY, "action": "set"}))  # replaces 4
    page = ok(api.get(base + "usage_record_summaries"))
    assert [(s["object"], s["total_usage"], s["period"]["start"], s["invoice"]) for s in page["data"]] == [
        ("usage_record_summary", 18, item["current_period_start"], None)]
    assert page["data"][0]["period"]["end"] == item["current_period_end"] > T0 + 28 * DAY
    # the clock moves into the next period: usage there is summarised apart, the billed period names its invoice
    ok(api.post("/v1/test_helpers/test_clocks/%s/advance" % clock["id"], data={"frozen_time": T0 + 35 * DAY}))
    wait_for(lambda: ok(api.get("/v1/test_helpers/test_clocks/" + clock["id"]))["status"] == "ready")
    ok(api.post(base + "usage_records", data={"quantity": 7}))
    summaries = ok(api.get(base + "usage_record_summaries"))["data"]
    assert [s["total_usage"] for s in summaries] == [7, 18]
    assert summaries[0]["period"]["start"] == summaries[1]["period"]["end"] <= T0 + 35 * DAY
    assert summaries[0]["id"] != summaries[1]["id"]
    one = ok(api.get(base + "usage_record_summaries", params={"limit": 1}))
    assert (len(one["data"]), one["has_more"]) == (1, True)
    assert bad(api.get("/v1/subscription_items/si_nope/usage_record_summaries"), 404)["code"] == "resource_missing"
    assert bad(api.post("/v1/subscription_items/si_nope/usage_records", data={"quantity": 1}), 404)["code"] == \
        "resource_missing"


def test_terminal_hardware_products_skus_and_shipping_methods_are_listed_by_country(api):
    products = ok(api.get("/v1/terminal/hardware_products"))["data"]
    assert products and {p["object"] for p in products} == {"terminal.hardware_product"}
    assert "bbpos_wisepos_e" in {p["type"] for p in products}
    skus = ok(api.get("/v1/terminal/hardware_skus", params={"country": "GB"}))["data"]
    assert skus and {(s["country"], s["currency"]) for s in skus} == {("GB", "gbp")}
    assert {s["product"] for s in skus} <= {p["id"] for p in products}
    wisepos = next(p["id"] for p in products if p["type"] == "bbpos_wisepos_e")
    only = ok(api.get("/v1/terminal/hardware_skus", params={"country": "US", "product": wisepos}))["data"]
    assert [(s["product"], s["currency"]) for s in only] == [(wisepos, "usd")]
    assert ok(api.get("/v1/terminal/hardware_skus/" + only[0]["id"]))["amount"] == only[0]["amount"]
    assert bad(api.get("/v1/terminal/hardware_skus"))["param"] == "country"
    methods = ok(api.get("/v1/terminal/hardware_shipping_methods", params={"country": "US"}))["data"]
    assert {m["name"] for m in methods} == {"standard", "express", "priority"}
    window = next(m for m in methods if m["name"] == "standard")["estimated_delivery_window"]
    assert window["minimum_date"] < window["maximum_date"]
    express = ok(api.get("/v1/terminal/hardware_shipping_methods", params={"country": "US", "name": "express"}))
    assert [m["name"] for m in express["data"]] == ["express"]
    assert bad(api.get("/v1/terminal/hardware_products/thpr_nope"), 404)["code"] == "resource_missing"


def test_a_hardware_order_is_priced_from_its_skus(api):
    sku = ok(api.get("/v1/terminal/hardware_skus", params={"country": "US"}))["data"][0]
    method = ok(api.get("/v1/terminal/hardware_shipping_methods", params={"country": "US", "name": "standard"}))["data"][0]
    shipping = {"shipping[name]": "Ops", "shipping[email]": "ops@example.com", "shipping[phone]": "+15125550100",
                "shipping[address][line1]": "1 Main St",
                "shipping[address][city]": "Austin", "shipping[address][state]": "TX",
                "shipping[address][postal_code]": "78701", "shipping[address][country]": "US"}
    order = ok(api.post("/v1/terminal/hardware_orders", data={
        "hardware_order_items[0][terminal_hardware_sku]": sku["id"], "hardware_order_items[0][quantity]": 3,
        "payment_type": "monthly_invoice", "shipping_method": method["id"], **shipping}))
    assert (order["status"], order["amount"], order["currency"], order["shipping_method"]) == (
        "pending", 3 * sku["amount"], "usd", method["id"])
    assert [(i["quantity"], i["terminal_hardware_sku"]["id"]) for i in order["hardware_order_items"]] == [(3, sku["id"])]
    gb_sku = ok(api.get("/v1/terminal/hardware_skus", params={"country": "GB"}))["data"][0]
    wrong = bad(api.post("/v1/terminal/hardware_orders", data={
        "hardware_order_items[0][terminal_hardware_sku]": gb_sku["id"], "hardware_order_items[0][quantity]": 1,
        "payment_type": "monthly_invoice",
        "shipping_method": method["id"], **shipping}))
    assert wrong["param"] == "hardware_order_items[0][terminal_hardware_sku]"
    too_many = bad(api.post("/v1/terminal/hardware_orders", data={
        "hardware_order_items[0][terminal_hardware_sku]": sku["id"], "hardware_order_items[0][quantity]": 999,
        "payment_type": "monthly_invoice", "shipping_method": method["id"], **shipping}))
    assert too_many["param"] == "hardware_order_items[0][quantity]"
    assert ok(api.post("/v1/terminal/hardware_orders/%s/cancel" % order["id"]))["status"] == "canceled"


def test_every_operation_of_the_model_overlay_has_an_emulator_route():
    import json
    from pathlib import Path

    import stripecli.model
    from stripecli.emulator import routes

    overlay = Path(stripecli.model.__file__).parent / "overlay" / "extra_resources.json"
    ops = [op for res in json.loads(overlay.read_text())["resources"] for op in res["operations"]]
    assert ops
    for op in ops:
        path = op["path"].replace("{", "x_").replace("}", "")
        found = routes.match(op["method"], path)
        assert found is not None and found[0].path == op["path"], (op["method"], op["path"])


def test_a_hardware_order_preview_is_priced_and_not_stored(api):
    sku = ok(api.get("/v1/terminal/hardware_skus", params={"country": "US"}))["data"][0]
    method = ok(api.get("/v1/terminal/hardware_shipping_methods", params={"country": "US", "name": "express"}))["data"][0]
    params = {"hardware_order_items[0][terminal_hardware_sku]": sku["id"], "hardware_order_items[0][quantity]": 2,
              "payment_type": "monthly_invoice", "shipping_method": method["id"], "shipping[name]": "Ops",
              "shipping[email]": "ops@example.com", "shipping[phone]": "+15125550100",
              "shipping[address][line1]": "1 Main St", "shipping[address][city]": "Austin",
              "shipping[address][state]": "TX", "shipping[address][postal_code]": "78701",
              "shipping[address][country]": "US"}
    preview = ok(api.get("/v1/terminal/hardware_orders/preview", params=params))
    assert (preview["object"], preview["amount"], preview["status"]) == ("terminal.hardware_order", 2 * sku["amount"], "pending")
    assert preview["id"].startswith("upcoming_")
    assert ok(api.get("/v1/terminal/hardware_orders"))["data"] == []

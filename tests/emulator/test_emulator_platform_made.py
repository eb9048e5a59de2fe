"""Objects the seed walk used to leave unanswered: a quote's preview invoice and its lines, and
Capital financing offers made by the test helpers."""

from __future__ import annotations

from tests.emulator.helpers import bad, ok


def test_a_quote_previews_the_invoice_accepting_it_would_make(api):
    customer = ok(api.post("/v1/customers", data={"email": "q@example.com"}))
    product = ok(api.post("/v1/products", data={"name": "Seats"}))
    monthly = ok(api.post("/v1/prices", data={"product": product["id"], "currency": "usd", "unit_amount": 1500,
                                              "recurring[interval]": "month"}))
    setup = ok(api.post("/v1/prices", data={"product": product["id"], "currency": "usd", "unit_amount": 5000}))
    quote = ok(api.post("/v1/quotes", data={"customer": customer["id"],
                                            "line_items[0][price]": monthly["id"], "line_items[0][quantity]": 2,
                                            "line_items[1][price]": setup["id"]}))
    previews = ok(api.get("/v1/quotes/%s/preview_invoices" % quote["id"]))["data"]
    assert len(previews) == 1
    preview = previews[0]
    assert (preview["object"], preview["amount_due"], preview["total"], preview["currency"]) == (
        "quote_preview_invoice", 8000, 8000, "usd")
    assert preview["billing_reason"] == "quote_accept" and preview["status"] == "draft"
    lines = ok(api.get("/v1/quotes/%s/preview_invoices/%s/lines" % (quote["id"], preview["id"])))
    assert [(line["object"], line["amount"], line["quantity"]) for line in lines["data"]] == [
        ("line_item", 3000, 2), ("line_item", 5000, 1)]
    first = lines["data"][0]
    assert first["period"]["end"] > first["period"]["start"] + 27 * 86400  # a month of the recurring price
    assert lines["data"][1]["period"]["end"] == lines["data"][1]["period"]["start"]
    assert [line["id"] for line in preview["lines"]["data"]] == [line["id"] for line in lines["data"]]
    # the same quote gives the same preview; changing its items changes it
    assert ok(api.get("/v1/quotes/%s/preview_invoices" % quote["id"]))["data"][0]["id"] == preview["id"]
    ok(api.post("/v1/quotes/" + quote["id"], data={"line_items[0][price]": setup["id"], "line_items[0][quantity]": 3}))
    again = ok(api.get("/v1/quotes/%s/preview_invoices" % quote["id"]))["data"][0]
    assert again["amount_due"] == 15000
    missing = bad(api.get("/v1/quotes/%s/preview_invoices/upcoming_in_nope/lines" % quote["id"]), 404)
    assert missing["code"] == "resource_missing"
    assert bad(api.get("/v1/quotes/qt_nope/preview_invoices"), 404)["code"] == "resource_missing"


def test_financing_offers_are_made_by_the_test_helper_and_refilled(api):
    assert ok(api.get("/v1/capital/financing_offers"))["data"] == []
    offer = ok(api.post("/v1/test_helpers/capital/financing_offers", data={
        "advance_amount": 500000, "fee_amount": 40000, "withhold_rate": "0.15", "financing_type": "flex_loan"}))
    assert (offer["object"], offer["status"], offer["product_type"], offer["financing_type"]) == (
        "capital.financing_offer", "undelivered", "standard", "flex_loan")
    terms = offer["offered_terms"]
    assert (terms["advance_amount"], terms["fee_amount"], terms["withhold_rate"], terms["currency"]) == (
        500000, 40000, 0.15, "usd")
    assert offer["account"] == ok(api.get("/v1/account"))["id"]
    assert offer["expires_after"] == offer["created"] + 30 * 86400
    plain = ok(api.post("/v1/test_helpers/capital/financing_offers"))
    assert (plain["offered_terms"]["advance_amount"], plain["offered_terms"]["fee_amount"]) == (1000000, 100000)
    assert {o["id"] for o in ok(api.get("/v1/capital/financing_offers"))["data"]} == {offer["id"], plain["id"]}
    delivered = ok(api.post("/v1/capital/financing_offers/%s/mark_delivered" % offer["id"]))
    assert delivered["status"] == "delivered"
    refill = ok(api.post("/v1/test_helpers/capital/financing_offers/%s/refill" % offer["id"],
                         data={"advance_amount": 200000}))
    assert (refill["product_type"], refill["replacement_for"], refill["offered_terms"]["advance_amount"]) == (
        "refill", offer["id"], 200000)
    old = ok(api.get("/v1/capital/financing_offers/" + offer["id"]))
    assert (old["status"], old["replacement"]) == ("replaced", refill["id"])
    again = bad(api.post("/v1/test_helpers/capital/financing_offers/%s/refill" % offer["id"]))
    assert refill["id"] in again["message"]
    assert bad(api.post("/v1/test_helpers/capital/financing_offers", data={"withhold_rate": "2"}))["param"] == \
        "withhold_rate"

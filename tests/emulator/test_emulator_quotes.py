"""Quotes: line items and computed amounts, acceptance into a subscription or an invoice, the PDF."""

from __future__ import annotations

from tests.emulator.helpers import bad, ok


def _catalog(api):
    product = ok(api.post("/v1/products", data={"name": "Seats"}))
    monthly = ok(api.post("/v1/prices", data={"product": product["id"], "currency": "usd", "unit_amount": 1200,
                                              "recurring[interval]": "month"}))
    setup = ok(api.post("/v1/prices", data={"product": product["id"], "currency": "usd", "unit_amount": 5000}))
    customer = ok(api.post("/v1/customers", data={"email": "q@example.com", "name": "Quinn",
                                                  "payment_method": "pm_card_visa",
                                                  "invoice_settings[default_payment_method]": "pm_card_visa"}))
    return customer, monthly, setup


def test_a_quote_lists_its_line_items_and_computes_its_amounts(api):
    customer, monthly, setup = _catalog(api)
    quote = ok(api.post("/v1/quotes", data={"customer": customer["id"], "line_items[0][price]": monthly["id"],
                                            "line_items[0][quantity]": 3, "line_items[1][price]": setup["id"]}))
    assert (quote["amount_subtotal"], quote["amount_total"]) == (3 * 1200 + 5000, 3 * 1200 + 5000)
    assert quote["computed"]["recurring"]["amount_total"] == 3600
    assert quote["computed"]["recurring"]["interval"] == "month"
    assert quote["computed"]["upfront"]["amount_total"] == 8600
    items = ok(api.get("/v1/quotes/%s/line_items" % quote["id"]))["data"]
    assert [(i["price"]["id"], i["quantity"], i["amount_total"]) for i in items] == [
        (monthly["id"], 3, 3600), (setup["id"], 1, 5000)]
    upfront = ok(api.get("/v1/quotes/%s/computed_upfront_line_items" % quote["id"]))["data"]
    assert sum(i["amount_total"] for i in upfront) == 8600
    changed = ok(api.post("/v1/quotes/" + quote["id"], data={"line_items[0][price]": setup["id"],
                                                             "line_items[0][quantity]": 2}))
    assert changed["amount_total"] == 10000 and changed["computed"]["recurring"] is None


def test_accepting_a_recurring_quote_creates_and_charges_its_subscription(api):
    customer, monthly, _ = _catalog(api)
    quote = ok(api.post("/v1/quotes", data={"customer": customer["id"], "line_items[0][price]": monthly["id"],
                                            "line_items[0][quantity]": 2}))
    err = bad(api.post("/v1/quotes/%s/accept" % quote["id"]))
    assert "status of draft" in err["message"]
    final = ok(api.post("/v1/quotes/%s/finalize" % quote["id"]))
    assert final["status"] == "open" and final["number"].startswith("QT-")
    accepted = ok(api.post("/v1/quotes/%s/accept" % quote["id"]))
    assert accepted["status"] == "accepted" and accepted["status_transitions"]["accepted_at"]
    sub = ok(api.get("/v1/subscriptions/" + accepted["subscription"]))
    assert sub["customer"] == customer["id"] and sub["status"] == "active"
    assert [(i["price"]["id"], i["quantity"]) for i in sub["items"]["data"]] == [(monthly["id"], 2)]
    invoice = ok(api.get("/v1/invoices/" + sub["latest_invoice"]))
    assert (invoice["status"], invoice["amount_paid"]) == ("paid", 2400)


def test_accepting_a_one_time_quote_creates_its_invoice(api):
    customer, _, setup = _catalog(api)
    quote = ok(api.post("/v1/quotes", data={"customer": customer["id"], "line_items[0][price]": setup["id"]}))
    ok(api.post("/v1/quotes/%s/finalize" % quote["id"]))
    accepted = ok(api.post("/v1/quotes/%s/accept" % quote["id"]))
    assert accepted["subscription"] is None
    invoice = ok(api.get("/v1/invoices/" + accepted["invoice"]))
    assert (invoice["status"], invoice["total"], invoice["amount_paid"]) == ("paid", 5000, 5000)


def test_the_quote_pdf_is_a_pdf_naming_the_quote_and_its_total(api):
    customer, monthly, _ = _catalog(api)
    quote = ok(api.post("/v1/quotes", data={"customer": customer["id"], "line_items[0][price]": monthly["id"]}))
    assert bad(api.get("/v1/quotes/%s/pdf" % quote["id"]))["type"] == "invalid_request_error"
    number = ok(api.post("/v1/quotes/%s/finalize" % quote["id"]))["number"]
    response = api.get("/v1/quotes/%s/pdf" % quote["id"])
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/pdf"
    body = response.content
    assert body.startswith(b"%PDF-1.4") and body.rstrip().endswith(b"%%EOF")
    assert ("(Quote %s)" % number).encode() in body and b"USD 12.00" in body and b"Quinn" in body
    # the cross-reference table points at each object
    start = int(body[body.rindex(b"startxref") + 10:].split()[0])
    assert body[start:start + 4] == b"xref"
    offsets = [int(line[:10]) for line in body[start:].split(b"\n")[3:9]]
    assert all(body[o:].split(b" ", 2)[1] == b"0" and body[o:].split(b"\n", 1)[0].endswith(b"obj") for o in offsets)

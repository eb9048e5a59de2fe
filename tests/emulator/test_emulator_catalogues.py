"""What Stripe provides rather than the account creates: country specs, report types, Climate
products and suppliers, physical bundles, the platform account, connected accounts' capabilities."""

from __future__ import annotations

from tests.emulator.helpers import bad, ok


def test_country_specs_answer_for_the_countries_stripe_lists(api):
    page = ok(api.get("/v1/country_specs", params={"limit": 100}))
    ids = [spec["id"] for spec in page["data"]]
    assert {"US", "GB", "DE", "FR", "JP", "AU", "CA"} <= set(ids) and page["has_more"] is False
    us = ok(api.get("/v1/country_specs/US"))
    assert us["default_currency"] == "usd" and "usd" in us["supported_payment_currencies"]
    assert "individual.ssn_last_4" in us["verification_fields"]["individual"]["minimum"]
    de = ok(api.get("/v1/country_specs/DE"))
    assert de["default_currency"] == "eur" and "FR" in de["supported_transfer_countries"]
    assert bad(api.get("/v1/country_specs/XX"), 404)["code"] == "resource_missing"
    first = ok(api.get("/v1/country_specs", params={"limit": 2}))
    after = ok(api.get("/v1/country_specs", params={"limit": 2, "starting_after": first["data"][-1]["id"]}))
    assert first["has_more"] is True and after["data"][0]["id"] == ids[2]


def test_report_types_climate_and_physical_bundles_are_listed(api):
    types = ok(api.get("/v1/reporting/report_types"))["data"]
    assert "balance.summary.1" in [t["id"] for t in types]
    summary = ok(api.get("/v1/reporting/report_types/balance.summary.1"))
    assert summary["data_available_start"] < summary["data_available_end"]
    product = ok(api.get("/v1/climate/products"))["data"][0]
    assert product["object"] == "climate.product" and product["suppliers"]
    supplier = product["suppliers"][0]["id"]
    assert ok(api.get("/v1/climate/suppliers/" + supplier))["removal_pathway"]
    bundles = ok(api.get("/v1/issuing/physical_bundles", params={"status": "active"}))["data"]
    assert bundles and all(b["status"] == "active" for b in bundles)


def test_the_platform_account_has_a_stable_id(api):
    first = ok(api.get("/v1/account"))
    assert first["id"].startswith("acct_") and first["country"] == "US" and first["charges_enabled"] is True
    assert ok(api.get("/v1/account"))["id"] == first["id"]


def test_capabilities_requested_at_creation_exist_and_update(api):
    account = ok(api.post("/v1/accounts", data={"type": "custom", "country": "US",
                                                "capabilities[card_payments][requested]": "true",
                                                "capabilities[transfers][requested]": "true"}))
    assert account["capabilities"] == {"card_payments": "inactive", "transfers": "inactive"}
    assert account["default_currency"] == "usd"
    listed = ok(api.get("/v1/accounts/%s/capabilities" % account["id"]))["data"]
    assert [(c["id"], c["requested"], c["status"]) for c in listed] == [
        ("card_payments", True, "inactive"), ("transfers", True, "inactive")]
    assert "individual.first_name" in listed[0]["requirements"]["currently_due"]
    updated = ok(api.post("/v1/accounts/%s/capabilities/transfers" % account["id"], data={"requested": "false"}))
    assert (updated["id"], updated["requested"]) == ("transfers", False)
    assert ok(api.get("/v1/accounts/%s/capabilities/transfers" % account["id"]))["requested"] is False
    missing = bad(api.get("/v1/accounts/%s/capabilities/nope" % account["id"]), 404)
    assert missing["code"] == "resource_missing"


def test_a_deleted_customer_is_retrievable_with_deleted_true_and_nothing_else_sees_it(api):
    customer = ok(api.post("/v1/customers", data={"email": "gone@example.com"}))
    assert ok(api.delete("/v1/customers/" + customer["id"])) == {"id": customer["id"], "object": "customer",
                                                                  "deleted": True}
    assert ok(api.get("/v1/customers/" + customer["id"])) == {"id": customer["id"], "object": "customer",
                                                               "deleted": True}
    assert ok(api.get("/v1/customers"))["data"] == []
    assert bad(api.delete("/v1/customers/" + customer["id"]), 404)["code"] == "resource_missing"
    assert bad(api.post("/v1/customers/" + customer["id"], data={"name": "x"}), 404)["code"] == "resource_missing"
    assert bad(api.post("/v1/invoices", data={"customer": customer["id"]}), 404)["param"] == "customer"
    assert bad(api.get("/v1/products/" + customer["id"]), 404)["code"] == "resource_missing"


def test_an_issuing_authorization_partially_reversed_stays_pending_and_its_capture_makes_a_transaction(api):
    holder = ok(api.post("/v1/issuing/cardholders", data={
        "name": "Jo Doe", "type": "individual", "billing[address][line1]": "1 Market St",
        "billing[address][city]": "San Francisco", "billing[address][state]": "CA",
        "billing[address][postal_code]": "94105", "billing[address][country]": "US"}))
    card = ok(api.post("/v1/issuing/cards", data={"cardholder": holder["id"], "currency": "usd", "type": "virtual",
                                                  "status": "active"}))
    auth = ok(api.post("/v1/test_helpers/issuing/authorizations", data={"card": card["id"], "amount": 3000}))
    assert (auth["status"], auth["amount"], auth["cardholder"]) == ("pending", 3000, holder["id"])
    auth = ok(api.post("/v1/test_helpers/issuing/authorizations/%s/increment" % auth["id"],
                       data={"increment_amount": 500}))
    assert auth["amount"] == 3500
    auth = ok(api.post("/v1/test_helpers/issuing/authorizations/%s/reverse" % auth["id"],
                       data={"reverse_amount": 1000}))
    assert (auth["status"], auth["amount"]) == ("pending", 2500)
    auth = ok(api.post("/v1/test_helpers/issuing/authorizations/%s/capture" % auth["id"]))
    assert auth["status"] == "closed"
    txns = ok(api.get("/v1/issuing/transactions", params={"card": card["id"]}))["data"]
    assert [(t["type"], t["amount"], t["authorization"]) for t in txns] == [("capture", -2500, auth["id"])]
    assert [t["id"] for t in auth["transactions"]] == [txns[0]["id"]]
    other = ok(api.post("/v1/test_helpers/issuing/authorizations", data={"card": card["id"], "amount": 700}))
    gone = ok(api.post("/v1/test_helpers/issuing/authorizations/%s/reverse" % other["id"]))
    assert (gone["status"], gone["amount"]) == ("reversed", 0)
    ok(api.post("/v1/test_helpers/issuing/transactions/%s/refund" % txns[0]["id"], data={"refund_amount": 500}))
    kinds = sorted((t["type"], t["amount"]) for t in ok(api.get("/v1/issuing/transactions"))["data"])
    assert kinds == [("capture", -2500), ("refund", 500)]


def test_treasury_money_movement_makes_transactions_entries_and_the_balance(api):
    fa = ok(api.post("/v1/treasury/financial_accounts", data={"supported_currencies[0]": "usd"}))["id"]
    credit = ok(api.post("/v1/test_helpers/treasury/received_credits", data={
        "financial_account": fa, "amount": 50_000, "currency": "usd", "network": "ach"}))
    debit = ok(api.post("/v1/test_helpers/treasury/received_debits", data={
        "financial_account": fa, "amount": 2_000, "currency": "usd", "network": "ach"}))
    bank = ok(api.post("/v1/payment_methods", data={
        "type": "us_bank_account", "us_bank_account[account_holder_type]": "individual",
        "us_bank_account[account_number]": "000123456789", "us_bank_account[routing_number]": "110000000",
        "billing_details[name]": "Jo Doe"}))["id"]
    ok(api.post("/v1/treasury/outbound_payments", data={"financial_account": fa, "amount": 700, "currency": "usd",
                                                        "destination_payment_method": bank}))
    reversal = ok(api.post("/v1/treasury/credit_reversals", data={"received_credit": credit["id"]}))
    assert (reversal["financial_account"], reversal["amount"], reversal["network"]) == (fa, 50_000, "ach")
    assert bad(api.post("/v1/treasury/credit_reversals", data={"received_credit": credit["id"]}))["param"] \
        == "received_credit"
    debit_reversal = ok(api.post("/v1/treasury/debit_reversals", data={"received_debit": debit["id"]}))
    assert debit_reversal["financial_account"] == fa
    assert [r["id"] for r in ok(api.get("/v1/treasury/credit_reversals", params={"financial_account": fa}))["data"]] \
        == [reversal["id"]]
    assert len(ok(api.get("/v1/treasury/debit_reversals", params={"financial_account": fa}))["data"]) == 1
    txns = ok(api.get("/v1/treasury/transactions", params={"financial_account": fa}))["data"]
    assert sorted((t["flow_type"], t["balance_impact"]["cash"]) for t in txns) == [
        ("credit_reversal", -50_000), ("debit_reversal", 2_000), ("outbound_payment", -700),
        ("received_credit", 50_000), ("received_debit", -2_000)]
    entries = ok(api.get("/v1/treasury/transaction_entries", params={"financial_account": fa}))["data"]
    assert {e["transaction"] for e in entries} == {t["id"] for t in txns}
    balance = ok(api.get("/v1/treasury/financial_accounts/" + fa))["balance"]
    assert balance["cash"]["usd"] == 50_000 - 2_000 - 700 - 50_000 + 2_000


def test_a_subscription_to_a_product_with_features_entitles_its_customer(api):
    feature = ok(api.post("/v1/entitlements/features", data={"name": "Seats", "lookup_key": "seats"}))
    product = ok(api.post("/v1/products", data={"name": "Team"}))
    ok(api.post("/v1/products/%s/features" % product["id"], data={"entitlement_feature": feature["id"]}))
    price = ok(api.post("/v1/prices", data={"product": product["id"], "currency": "usd", "unit_amount": 900,
                                            "recurring[interval]": "month"}))
    customer = ok(api.post("/v1/customers", data={"email": "team@example.com"}))
    assert ok(api.get("/v1/entitlements/active_entitlements", params={"customer": customer["id"]}))["data"] == []
    sub = ok(api.post("/v1/subscriptions", data={"customer": customer["id"], "default_payment_method": "pm_card_visa",
                                                 "items[0][price]": price["id"]}))
    active = ok(api.get("/v1/entitlements/active_entitlements", params={"customer": customer["id"]}))["data"]
    assert [(e["feature"], e["lookup_key"]) for e in active] == [(feature["id"], "seats")]
    assert ok(api.get("/v1/entitlements/active_entitlements/" + active[0]["id"]))["feature"] == feature["id"]
    ok(api.delete("/v1/subscriptions/" + sub["id"]))
    assert ok(api.get("/v1/entitlements/active_entitlements", params={"customer": customer["id"]}))["data"] == []


def test_external_accounts_from_card_tokens_are_cards_and_from_bank_tokens_bank_accounts(api):
    account = ok(api.post("/v1/accounts", data={"type": "custom", "country": "US"}))["id"]
    card = ok(api.post("/v1/accounts/%s/external_accounts" % account, data={"external_account": "tok_visa_debit"}))
    assert (card["object"], card["brand"], card["last4"], card["funding"]) == ("card", "Visa", "5556", "debit")
    assert card["id"].startswith("card_") and card["account"] == account
    bank = ok(api.post("/v1/accounts/%s/external_accounts" % account, data={"external_account": "btok_us"}))
    assert (bank["object"], bank["last4"], bank["routing_number"]) == ("bank_account", "6789", "110000000")
    listed = ok(api.get("/v1/accounts/%s/external_accounts" % account))["data"]
    assert sorted(x["object"] for x in listed) == ["bank_account", "card"]
    assert ok(api.get("/v1/accounts/%s/external_accounts/%s" % (account, card["id"])))["object"] == "card"


def test_terminal_reader_actions_set_action_and_presenting_a_card_pays_the_intent(api):
    reader = ok(api.post("/v1/terminal/readers", data={"registration_code": "simulated-wpe"}))
    intent = ok(api.post("/v1/payment_intents", data={"amount": 1200, "currency": "usd"}))
    started = ok(api.post("/v1/terminal/readers/%s/process_payment_intent" % reader["id"],
                          data={"payment_intent": intent["id"]}))
    assert started["action"]["type"] == "process_payment_intent" and started["action"]["status"] == "in_progress"
    assert started["action"]["process_payment_intent"]["payment_intent"] == intent["id"]
    busy = bad(api.post("/v1/terminal/readers/%s/collect_inputs" % reader["id"],
                        data={"inputs[0][type]": "email", "inputs[0][custom_text][title]": "Email"}))
    assert busy["code"] == "terminal_reader_busy"
    done = ok(api.post("/v1/test_helpers/terminal/readers/%s/present_payment_method" % reader["id"]))
    assert done["action"]["status"] == "succeeded"
    paid = ok(api.get("/v1/payment_intents/" + intent["id"]))
    assert paid["status"] == "succeeded" and paid["latest_charge"].startswith("ch_")
    assert bad(api.post("/v1/terminal/readers/%s/cancel_action" % reader["id"]))["message"]


def test_tax_calculations_and_transactions_list_their_line_items(api):
    calc = ok(api.post("/v1/tax/calculations", data={
        "currency": "usd", "line_items[0][amount]": 1000, "line_items[0][reference]": "tea",
        "line_items[1][amount]": 250, "line_items[1][reference]": "cake", "line_items[1][quantity]": 2,
        "customer_details[address][country]": "US", "customer_details[address][postal_code]": "94105",
        "customer_details[address_source]": "shipping"}))
    assert calc["amount_total"] == 1250 and calc["tax_amount_exclusive"] == 0
    items = ok(api.get("/v1/tax/calculations/%s/line_items" % calc["id"]))["data"]
    assert sorted((i["reference"], i["amount"], i["quantity"]) for i in items) == [("cake", 250, 2), ("tea", 1000, 1)]
    txn = ok(api.post("/v1/tax/transactions/create_from_calculation", data={"calculation": calc["id"],
                                                                           "reference": "order-1"}))
    assert txn["type"] == "transaction"
    lines = ok(api.get("/v1/tax/transactions/%s/line_items" % txn["id"]))["data"]
    assert sorted(i["amount"] for i in lines) == [250, 1000]
    assert bad(api.post("/v1/tax/transactions/create_from_calculation", data={
        "calculation": calc["id"], "reference": "order-1"}))["param"] == "reference"
    reversal = ok(api.post("/v1/tax/transactions/create_reversal", data={
        "original_transaction": txn["id"], "reference": "order-1-refund", "mode": "full"}))
    assert reversal["type"] == "reversal" and reversal["reversal"]["original_transaction"] == txn["id"]
    back = ok(api.get("/v1/tax/transactions/%s/line_items" % reversal["id"]))["data"]
    assert sorted(i["amount"] for i in back) == [-1000, -250]


def test_a_coupon_on_a_subscription_is_a_discount_that_can_be_deleted(api):
    price = ok(api.post("/v1/prices", data={"currency": "usd", "unit_amount": 900, "product_data[name]": "P",
                                            "recurring[interval]": "month"}))
    customer = ok(api.post("/v1/customers", data={}))
    coupon = ok(api.post("/v1/coupons", data={"percent_off": 25, "duration": "repeating", "duration_in_months": 3}))
    sub = ok(api.post("/v1/subscriptions", data={"customer": customer["id"], "default_payment_method": "pm_card_visa",
                                                 "items[0][price]": price["id"],
                                                 "discounts[0][coupon]": coupon["id"]}))
    assert len(sub["discounts"]) == 1 and sub["discounts"][0].startswith("di_")
    deleted = ok(api.delete("/v1/subscriptions/%s/discount" % sub["id"]))
    assert deleted == {"id": sub["discounts"][0], "object": "discount", "deleted": True}
    assert ok(api.get("/v1/subscriptions/" + sub["id"]))["discounts"] == []
    assert bad(api.delete("/v1/subscriptions/%s/discount" % sub["id"]))["message"]
    missing = bad(api.post("/v1/subscriptions/" + sub["id"], data={"discounts[0][coupon]": "nope"}), 404)
    assert missing["param"] == "discounts[0][coupon]"


def test_a_financial_connections_session_links_a_test_bank_account(api):
    customer = ok(api.post("/v1/customers", data={"name": "Jo Doe", "email": "jo@example.com"}))
    session = ok(api.post("/v1/financial_connections/sessions", data={
        "account_holder[type]": "customer", "account_holder[customer]": customer["id"],
        "permissions[0]": "balances", "permissions[1]": "transactions"}))
    account = session["accounts"]["data"][0]
    assert (account["institution_name"], account["last4"], account["status"]) == ("StripeBank", "6789", "active")
    assert account["account_holder"]["customer"] == customer["id"]
    owners = ok(api.get("/v1/financial_connections/accounts/%s/owners" % account["id"],
                        params={"ownership": account["ownership"]}))["data"]
    assert [o["name"] for o in owners] == ["Jo Doe"]
    ok(api.post("/v1/financial_connections/accounts/%s/subscribe" % account["id"], data={"features[0]": "transactions"}))
    txns = ok(api.get("/v1/financial_connections/transactions", params={"account": account["id"]}))["data"]
    assert len(txns) == 4
    refreshed = ok(api.post("/v1/financial_connections/accounts/%s/refresh" % account["id"],
                            data={"features[0]": "balance"}))
    assert refreshed["balance"]["current"]["usd"] == sum(t["amount"] for t in txns)
    gone = ok(api.post("/v1/financial_connections/accounts/%s/disconnect" % account["id"]))
    assert gone["status"] == "disconnected"

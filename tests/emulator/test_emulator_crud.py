"""Create, retrieve, update, delete, list, search and expand, in-process and over HTTP."""

from __future__ import annotations

import time

import pytest

from stripecli import model


def ok(response):
    assert response.status_code == 200, response.text
    assert response.headers["request-id"].startswith("req_")
    return response.json()


def test_create_gives_prefix_object_created_livemode_and_every_schema_field(api):
    before = int(time.time())
    customer = ok(api.post("/v1/customers", data={"email": "jenny@example.com", "metadata[plan]": "gold"}))
    assert customer["id"].startswith("cus_")
    assert customer["object"] == "customer"
    assert before <= customer["created"] <= int(time.time()) + 1
    assert customer["livemode"] is False
    assert customer["email"] == "jenny@example.com"
    assert customer["metadata"] == {"plan": "gold"}
    schema_fields = {f["name"] for f in model.objects()["customer"]["fields"]} - {"deleted"}
    assert schema_fields <= set(customer)
    assert customer["name"] is None and customer["phone"] is None


@pytest.mark.parametrize("path,data,prefix", [
    ("/v1/billing/credit_grants", None, "credgr_"),
    ("/v1/test_helpers/test_clocks", {"frozen_time": "1700000000"}, "clock_"),
    ("/v1/products", {"name": "Gold"}, "prod_"),
    ("/v1/webhook_endpoints", {"url": "https://example.com/hook", "enabled_events[0]": "*"}, "we_"),
    ("/v1/payment_intents", {"amount": "1000", "currency": "usd"}, "pi_"),
])
def test_ids_carry_the_stripe_prefix_of_their_type(api, path, data, prefix):
    if data is None:
        customer = ok(api.post("/v1/customers", data={}))
        data = {"customer": customer["id"], "amount[type]": "monetary", "amount[monetary][currency]": "usd",
                "amount[monetary][value]": "500", "applicability_config[scope][price_type]": "metered"}
    assert ok(api.post(path, data=data))["id"].startswith(prefix)


def test_a_plan_accepts_a_given_id(api):
    product = ok(api.post("/v1/products", data={"name": "Gold"}))
    plan = ok(api.post("/v1/plans", data={"id": "gold-monthly", "amount": "500", "currency": "usd",
                                          "interval": "month", "product": product["id"]}))
    assert plan["id"] == "gold-monthly"
    again = api.post("/v1/plans", data={"id": "gold-monthly", "amount": "500", "currency": "usd",
                                        "interval": "month", "product": product["id"]})
    assert again.status_code == 400
    assert again.json()["error"]["code"] == "resource_already_exists"


def test_retrieve_answers_what_create_stored(api):
    created = ok(api.post("/v1/customers", data={"name": "Jenny"}))
    assert ok(api.get("/v1/customers/" + created["id"])) == created


def test_update_merges_and_an_empty_metadata_value_removes_the_key(api):
    customer = ok(api.post("/v1/customers", data={"name": "Jenny", "metadata[a]": "1", "metadata[b]": "2"}))
    updated = ok(api.post("/v1/customers/" + customer["id"], data={"metadata[a]": "", "metadata[c]": "3",
                                                                    "description": "vip"}))
    assert updated["metadata"] == {"b": "2", "c": "3"}
    assert updated["name"] == "Jenny"
    assert updated["description"] == "vip"
    assert ok(api.get("/v1/customers/" + customer["id"]))["metadata"] == {"b": "2", "c": "3"}
    emptied = ok(api.post("/v1/customers/" + customer["id"], data={"metadata": "", "description": ""}))
    assert emptied["metadata"] == {} and emptied["description"] is None


def test_nested_hashes_merge_on_update(api):
    customer = ok(api.post("/v1/customers", data={"address[city]": "Paris", "address[country]": "FR"}))
    updated = ok(api.post("/v1/customers/" + customer["id"], data={"address[line1]": "1 rue de Rivoli"}))
    assert updated["address"]["city"] == "Paris"
    assert updated["address"]["line1"] == "1 rue de Rivoli"


def test_delete_answers_deleted_and_the_object_is_gone(api):
    coupon = ok(api.post("/v1/coupons", data={"percent_off": 10, "duration": "once"}))
    assert ok(api.delete("/v1/coupons/" + coupon["id"])) == {"id": coupon["id"], "object": "coupon", "deleted": True}
    gone = api.get("/v1/coupons/" + coupon["id"])
    assert gone.status_code == 404
    assert gone.json()["error"]["message"] == "No such coupon: '%s'" % coupon["id"]
    assert [c["id"] for c in ok(api.get("/v1/coupons"))["data"]] == []
    # a customer stays retrievable once deleted, as on Stripe (test_emulator_catalogues.py)


def test_lists_are_newest_first_and_page_with_cursors(api):
    ids = [ok(api.post("/v1/customers", data={"name": "c%d" % i}))["id"] for i in range(7)]
    newest_first = list(reversed(ids))
    page = ok(api.get("/v1/customers", params={"limit": 3}))
    assert page["object"] == "list" and page["url"] == "/v1/customers"
    assert [c["id"] for c in page["data"]] == newest_first[:3]
    assert page["has_more"] is True
    page2 = ok(api.get("/v1/customers", params={"limit": 3, "starting_after": newest_first[2]}))
    assert [c["id"] for c in page2["data"]] == newest_first[3:6] and page2["has_more"] is True
    page3 = ok(api.get("/v1/customers", params={"limit": 3, "starting_after": newest_first[5]}))
    assert [c["id"] for c in page3["data"]] == newest_first[6:] and page3["has_more"] is False
    before = ok(api.get("/v1/customers", params={"limit": 2, "ending_before": newest_first[4]}))
    assert [c["id"] for c in before["data"]] == newest_first[2:4] and before["has_more"] is True
    default = ok(api.get("/v1/customers"))
    assert len(default["data"]) == 7 and default["has_more"] is False


@pytest.mark.parametrize("limit", ["0", "101", "abc"])
def test_limit_must_be_between_1_and_100(api, limit):
    response = api.get("/v1/customers", params={"limit": limit})
    assert response.status_code == 400
    assert response.json()["error"]["param"] == "limit"


def test_an_unknown_cursor_is_a_404(api):
    response = api.get("/v1/customers", params={"starting_after": "cus_nope"})
    assert response.status_code == 404
    assert response.json()["error"]["param"] == "starting_after"


def test_lists_filter_on_object_fields_and_created_ranges(api):
    a = ok(api.post("/v1/customers", data={}))
    b = ok(api.post("/v1/customers", data={}))
    for customer, n in ((a, 2), (b, 1)):
        for _ in range(n):
            ok(api.post("/v1/payment_intents", data={"amount": "100", "currency": "usd", "customer": customer["id"]}))
    assert len(ok(api.get("/v1/payment_intents", params={"customer": a["id"]}))["data"]) == 2
    assert len(ok(api.get("/v1/payment_intents", params={"customer": b["id"]}))["data"]) == 1
    product = ok(api.post("/v1/products", data={"name": "Gold"}))
    ok(api.post("/v1/prices", data={"product": product["id"], "currency": "usd", "unit_amount": "100"}))
    ok(api.post("/v1/prices", data={"product": product["id"], "currency": "usd", "unit_amount": "900",
                                    "recurring[interval]": "month"}))
    recurring = ok(api.get("/v1/prices", params={"type": "recurring"}))["data"]
    assert [p["unit_amount"] for p in recurring] == [900]
    monthly = ok(api.get("/v1/prices", params={"recurring[interval]": "month"}))["data"]
    assert [p["unit_amount"] for p in monthly] == [900]
    assert ok(api.get("/v1/prices", params={"active": "true"}))["data"][0]["active"] is True
    assert ok(api.get("/v1/prices", params={"active": "false"}))["data"] == []
    created = a["created"]
    assert len(ok(api.get("/v1/customers", params={"created[gte]": created}))["data"]) == 2
    assert ok(api.get("/v1/customers", params={"created[gt]": created + 3600}))["data"] == []
    assert ok(api.get("/v1/customers", params={"created[lt]": created - 3600}))["data"] == []


def test_nested_lists_are_scoped_to_their_parent(api):
    a = ok(api.post("/v1/customers", data={}))
    b = ok(api.post("/v1/customers", data={}))
    tax_id = ok(api.post("/v1/customers/%s/tax_ids" % a["id"], data={"type": "eu_vat", "value": "DE123456789"}))
    assert tax_id["id"].startswith("txi_") and tax_id["customer"] == a["id"]
    listed = ok(api.get("/v1/customers/%s/tax_ids" % a["id"]))
    assert [t["id"] for t in listed["data"]] == [tax_id["id"]]
    assert listed["url"] == "/v1/customers/%s/tax_ids" % a["id"]
    assert ok(api.get("/v1/customers/%s/tax_ids" % b["id"]))["data"] == []
    assert api.get("/v1/customers/%s/tax_ids/%s" % (b["id"], tax_id["id"])).status_code == 404
    assert api.get("/v1/customers/cus_nope/tax_ids").status_code == 404


def test_expand_replaces_an_id_with_the_object_one_level_deep(api):
    customer = ok(api.post("/v1/customers", data={"email": "x@example.com"}))
    intent = ok(api.post("/v1/payment_intents", data={"amount": "100", "currency": "usd", "customer": customer["id"]}))
    assert intent["customer"] == customer["id"]
    expanded = ok(api.get("/v1/payment_intents/" + intent["id"], params={"expand[]": "customer"}))
    assert expanded["customer"]["email"] == "x@example.com"
    listed = ok(api.get("/v1/payment_intents", params={"expand[0]": "data.customer"}))
    assert listed["data"][0]["customer"]["id"] == customer["id"]
    bad = api.get("/v1/payment_intents/" + intent["id"], params={"expand[]": "amount"})
    assert bad.status_code == 400 and bad.json()["error"]["param"] == "expand"


def test_search_filters_with_the_query_language_and_pages(api):
    for i in range(5):
        ok(api.post("/v1/customers", data={"email": "user%d@example.com" % i, "metadata[tier]": "gold" if i % 2 else "free"}))
    found = ok(api.get("/v1/customers/search", params={"query": "email:'user3@example.com'"}))
    assert found["object"] == "search_result"
    assert [c["email"] for c in found["data"]] == ["user3@example.com"]
    gold = ok(api.get("/v1/customers/search", params={"query": "metadata['tier']:'gold'", "limit": 1}))
    assert len(gold["data"]) == 1 and gold["has_more"] is True and gold["next_page"]
    rest = ok(api.get("/v1/customers/search", params={"query": "metadata['tier']:'gold'", "limit": 1,
                                                      "page": gold["next_page"]}))
    assert rest["has_more"] is False and rest["data"][0]["id"] != gold["data"][0]["id"]
    both = ok(api.get("/v1/customers/search", params={"query": "email~'user1' OR email~'user2'"}))
    assert len(both["data"]) == 2
    bad = api.get("/v1/customers/search", params={"query": "email:'a' AND name:'b' OR x:'c'"})
    assert bad.status_code == 400 and bad.json()["error"]["param"] == "query"


def test_a_literal_path_segment_wins_over_an_id(api):
    assert ok(api.get("/v1/customers/search", params={"query": "email:'none'"}))["object"] == "search_result"


def test_the_prefix_table_matches_stripe_and_every_model_type_gets_one():
    from stripecli.emulator.schema import new_id, prefix

    expected = {
        "customer": "cus_", "price": "price_", "product": "prod_", "invoice": "in_", "subscription": "sub_",
        "subscription_item": "si_", "plan": "plan_", "test_helpers.test_clock": "clock_",
        "billing.credit_grant": "credgr_", "billing.credit_balance_transaction": "cbtxn_", "payment_intent": "pi_",
        "charge": "ch_", "refund": "re_", "event": "evt_", "quote": "qt_", "subscription_schedule": "sub_sched_",
        "tax_id": "txi_", "webhook_endpoint": "we_", "account": "acct_", "person": "person_",
    }
    for object_type, want in expected.items():
        assert prefix(object_type) == want, object_type
    for object_type in model.objects():
        made = new_id(object_type)
        assert made.startswith(prefix(object_type)) and len(made) > len(prefix(object_type)) + 20
        assert made.replace("_", "").isalnum()

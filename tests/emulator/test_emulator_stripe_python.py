"""stripe-python (the official SDK) against ``stripecli emulator serve``: create, list with
``auto_paging_iter`` and delete objects of the seed resources, and walk a test clock to ready."""

from __future__ import annotations

from typing import Any, Callable

import pytest

stripe = pytest.importorskip("stripe")

from tests.emulator.helpers import KEY, wait_for  # noqa: E402


@pytest.fixture
def sdk(http, served):
    """A StripeClient whose every base address is the served emulator."""
    bases = {name: served.base for name in ("api", "files", "connect", "meter_events")}
    return stripe.StripeClient(KEY, base_addresses=bases, max_network_retries=0)


def _roundtrip(service: Any, make: Callable[[int], Any], *, list_params: dict | None = None,
               parent: str | None = None, n: int = 3) -> list[str]:
    """Create ``n`` objects, list them two per page with auto_paging_iter, delete them, list again."""
    made = [make(i) for i in range(n)]
    ids = [obj.id for obj in made]
    params = {"limit": 2, **(list_params or {})}
    args = (parent,) if parent else ()
    listed = [obj.id for obj in service.list(*args, params=params).auto_paging_iter()]
    assert listed == list(reversed(ids)), (listed, ids)
    for object_id in ids:
        deleted = service.delete(*args, object_id)
        assert deleted.deleted is True and deleted.id == object_id
    assert [obj.id for obj in service.list(*args, params=params).auto_paging_iter()] == []
    return ids


def test_stripe_python_creates_lists_and_deletes_objects_of_the_seed_resources(sdk):
    v1 = sdk.v1
    covered = []

    product = v1.products.create(params={"name": "Gold"})
    covered.append(_roundtrip(v1.plans, lambda i: v1.plans.create(params={
        "amount": 500 + i, "currency": "usd", "interval": "month", "product": product.id})))

    customer = v1.customers.create(params={"email": "sdk@example.com"})
    price = v1.prices.create(params={"product": product.id, "unit_amount": 700, "currency": "usd",
                                     "recurring": {"interval": "month"}})
    subscription = v1.subscriptions.create(params={"customer": customer.id, "items": [{"price": price.id}],
                                                   "default_payment_method": "pm_card_visa"})
    first_item = subscription["items"].data[0].id
    extra = [v1.subscription_items.create(params={"subscription": subscription.id, "price": price.id,
                                                  "quantity": i + 1}).id for i in range(2)]
    listed = [i.id for i in v1.subscription_items.list(params={"subscription": subscription.id,
                                                               "limit": 1}).auto_paging_iter()]
    assert listed == list(reversed(extra)) + [first_item]
    for item_id in extra:
        assert v1.subscription_items.delete(item_id).deleted is True
    assert [i.id for i in v1.subscription_items.list(params={"subscription": subscription.id}).auto_paging_iter()] \
        == [first_item]
    covered.append(extra)

    covered.append(_roundtrip(v1.customers.tax_ids, lambda i: v1.customers.tax_ids.create(
        customer.id, params={"type": "eu_vat", "value": "DE12345678%d" % i}), parent=customer.id))
    covered.append(_roundtrip(v1.tax_ids, lambda i: v1.tax_ids.create(params={
        "type": "us_ein", "value": "12-345678%d" % i})))
    covered.append(_roundtrip(v1.test_helpers.test_clocks, lambda i: v1.test_helpers.test_clocks.create(params={
        "frozen_time": 1_700_000_000 + i, "name": "clock %d" % i})))
    covered.append(_roundtrip(v1.radar.value_lists, lambda i: v1.radar.value_lists.create(params={
        "alias": "list_%d" % i, "name": "List %d" % i})))
    value_list = v1.radar.value_lists.create(params={"alias": "blocked_ips", "name": "Blocked", "item_type": "ip_address"})
    covered.append(_roundtrip(v1.radar.value_list_items, lambda i: v1.radar.value_list_items.create(params={
        "value_list": value_list.id, "value": "10.0.0.%d" % i}), list_params={"value_list": value_list.id}))
    address = {"line1": "1 Market St", "city": "San Francisco", "state": "CA", "postal_code": "94105", "country": "US"}
    covered.append(_roundtrip(v1.terminal.locations, lambda i: v1.terminal.locations.create(params={
        "display_name": "Store %d" % i, "address": address})))
    covered.append(_roundtrip(v1.terminal.configurations, lambda i: v1.terminal.configurations.create(params={
        "name": "config %d" % i})))
    covered.append(_roundtrip(v1.webhook_endpoints, lambda i: v1.webhook_endpoints.create(params={
        "url": "https://example.com/hooks/%d" % i, "enabled_events": ["customer.created"]})))
    feature = v1.entitlements.features.create(params={"name": "Seats", "lookup_key": "seats"})
    assert [f.id for f in v1.entitlements.features.list().auto_paging_iter()] == [feature.id]
    covered.append(_roundtrip(v1.products.features, lambda i: v1.products.features.create(
        product.id, params={"entitlement_feature": feature.id}), parent=product.id))
    covered.append(_roundtrip(v1.accounts, lambda i: v1.accounts.create(params={"type": "custom", "country": "US"})))
    account = v1.accounts.create(params={"type": "custom", "country": "US", "email": "acct@example.com"})
    covered.append(_roundtrip(v1.accounts.persons, lambda i: v1.accounts.persons.create(
        account.id, params={"first_name": "P%d" % i, "last_name": "Doe"}), parent=account.id))

    assert len(covered) >= 10
    assert all(covered)
    # the grants of billing credit have no delete; they are created, listed and voided
    grants = [v1.billing.credit_grants.create(params={
        "customer": customer.id, "category": "paid",
        "amount": {"type": "monetary", "monetary": {"currency": "usd", "value": 100 * (i + 1)}},
        "applicability_config": {"scope": {"price_type": "metered"}}}) for i in range(3)]
    listed = [g.id for g in v1.billing.credit_grants.list(params={"customer": customer.id, "limit": 2}).auto_paging_iter()]
    assert listed == [g.id for g in reversed(grants)]
    txns = list(v1.billing.credit_balance_transactions.list(params={"customer": customer.id, "limit": 2}).auto_paging_iter())
    assert {t.credit_grant for t in txns} == {g.id for g in grants}
    assert v1.billing.credit_grants.void_grant(grants[0].id).voided_at is not None


def test_stripe_python_advances_a_test_clock_to_ready(sdk):
    v1 = sdk.v1
    clock = v1.test_helpers.test_clocks.create(params={"frozen_time": 1_700_000_000})
    customer = v1.customers.create(params={"test_clock": clock.id})
    product = v1.products.create(params={"name": "Plan"})
    price = v1.prices.create(params={"product": product.id, "unit_amount": 1200, "currency": "usd",
                                     "recurring": {"interval": "month"}})
    subscription = v1.subscriptions.create(params={"customer": customer.id, "items": [{"price": price.id}],
                                                   "default_payment_method": "pm_card_visa"})
    advancing = v1.test_helpers.test_clocks.advance(clock.id, params={"frozen_time": 1_700_000_000 + 40 * 86400})
    assert advancing.status == "advancing"
    assert advancing.status_details.advancing.target_frozen_time == 1_700_000_000 + 40 * 86400
    done = wait_for(lambda: (c := v1.test_helpers.test_clocks.retrieve(clock.id)).status == "ready" and c)
    assert done.frozen_time == 1_700_000_000 + 40 * 86400
    invoices = list(v1.invoices.list(params={"customer": customer.id}).auto_paging_iter())
    assert [i.billing_reason for i in invoices] == ["subscription_cycle", "subscription_create"]
    assert v1.subscriptions.retrieve(subscription.id).latest_invoice == invoices[0].id


def test_stripe_python_sees_stripes_errors_and_request_ids(sdk):
    with pytest.raises(stripe.InvalidRequestError) as caught:
        sdk.v1.customers.retrieve("cus_missing")
    assert caught.value.http_status == 404
    assert caught.value.code == "resource_missing"
    assert caught.value.request_id.startswith("req_")
    with pytest.raises(stripe.InvalidRequestError) as unknown:
        sdk.v1.customers.create(params={"not_a_param": "x"})
    assert unknown.value.code == "parameter_unknown" and unknown.value.param == "not_a_param"
    first = sdk.v1.customers.create(params={"email": "i@example.com"}, options={"idempotency_key": "sdk-1"})
    again = sdk.v1.customers.create(params={"email": "i@example.com"}, options={"idempotency_key": "sdk-1"})
    assert again.id == first.id
    with pytest.raises(stripe.IdempotencyError):
        sdk.v1.customers.create(params={"email": "j@example.com"}, options={"idempotency_key": "sdk-1"})
    live = stripe.StripeClient("sk_live_abcdefghijklmnop", base_addresses={"api": sdk._requestor.base_addresses["api"]},
                               max_network_retries=0)
    with pytest.raises(stripe.AuthenticationError) as refused:
        live.v1.customers.list()
    assert "test mode only" in str(refused.value)

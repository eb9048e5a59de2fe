"""Following pages over real HTTP: has_more, ending_before, search next_page, max_items, cursor."""

from __future__ import annotations

import pytest

from stripecli.api.errors import ApiError
from stripecli.api.request import ApiRequest
from tests.fakeserver import Reply, list_page, search_page, stripe_error

LIST = ApiRequest("GET", "/v1/customers/cus_1/balance_transactions", {"limit": 3})


def objs(*ids):
    return [{"id": i, "object": "customer_balance_transaction"} for i in ids]


def ids(pages):
    return [[o["id"] for o in page] for page in pages]


def three_pages(server):
    server.push(
        Reply(200, json=list_page(objs("cbtxn_1", "cbtxn_2", "cbtxn_3"), has_more=True)),
        Reply(200, json=list_page(objs("cbtxn_4", "cbtxn_5", "cbtxn_6"), has_more=True)),
        Reply(200, json=list_page(objs("cbtxn_7"), has_more=False)),
    )


def test_follows_has_more_with_starting_after(make_client, server):
    three_pages(server)
    client = make_client()
    pages = client.paginate(LIST)
    assert pages.cursor is None
    assert ids(pages) == [["cbtxn_1", "cbtxn_2", "cbtxn_3"], ["cbtxn_4", "cbtxn_5", "cbtxn_6"], ["cbtxn_7"]]
    assert [r.query_pairs for r in server.requests] == [
        [("limit", "3")],
        [("limit", "3"), ("starting_after", "cbtxn_3")],
        [("limit", "3"), ("starting_after", "cbtxn_6")],
    ]
    assert pages.done and pages.pages == 3 and pages.items == 7
    assert pages.cursor == ("starting_after", "cbtxn_7")
    assert client.cursor == pages.cursor


def test_max_items_trims_the_last_page_and_stops(make_client, server):
    three_pages(server)
    pages = make_client().paginate(LIST, max_items=5)
    assert ids(pages) == [["cbtxn_1", "cbtxn_2", "cbtxn_3"], ["cbtxn_4", "cbtxn_5"]]
    assert len(server.requests) == 2
    assert pages.items == 5 and pages.done
    assert pages.cursor == ("starting_after", "cbtxn_5")  # resume right after the last object shown


def test_max_items_on_a_page_boundary_fetches_no_more(make_client, server):
    three_pages(server)
    pages = make_client().paginate(LIST, max_items=3)
    assert ids(pages) == [["cbtxn_1", "cbtxn_2", "cbtxn_3"]]
    assert len(server.requests) == 1


def test_ending_before_walks_towards_newer_objects(make_client, server):
    # Stripe lists newest first; with ending_before=X it returns the objects just newer than X.
    server.push(
        Reply(200, json=list_page(objs("cbtxn_6", "cbtxn_5", "cbtxn_4"), has_more=True)),
        Reply(200, json=list_page(objs("cbtxn_9", "cbtxn_8", "cbtxn_7"), has_more=True)),
        Reply(200, json=list_page(objs("cbtxn_10"), has_more=False)),
    )
    req = ApiRequest("GET", "/v1/customers/cus_1/balance_transactions", {"limit": 3, "ending_before": "cbtxn_3"})
    pages = make_client().paginate(req)
    assert pages.cursor == ("ending_before", "cbtxn_3")
    # yielded oldest first, like stripe-python's auto_paging_iter
    assert ids(pages) == [["cbtxn_4", "cbtxn_5", "cbtxn_6"], ["cbtxn_7", "cbtxn_8", "cbtxn_9"], ["cbtxn_10"]]
    assert [dict(r.query_pairs)["ending_before"] for r in server.requests] == ["cbtxn_3", "cbtxn_6", "cbtxn_9"]
    assert all("starting_after" not in r.query for r in server.requests)
    assert pages.cursor == ("ending_before", "cbtxn_10")


def test_ending_before_with_max_items_keeps_the_objects_nearest_the_cursor(make_client, server):
    server.push(Reply(200, json=list_page(objs("cbtxn_6", "cbtxn_5", "cbtxn_4"), has_more=True)))
    req = ApiRequest("GET", "/v1/x", {"ending_before": "cbtxn_3"})
    pages = make_client().paginate(req, max_items=2)
    assert ids(pages) == [["cbtxn_4", "cbtxn_5"]]
    assert pages.cursor == ("ending_before", "cbtxn_5")


def test_search_follows_next_page(make_client, server):
    server.push(
        Reply(200, json=search_page(objs("cus_1", "cus_2"), next_page="tok_2")),
        Reply(200, json=search_page(objs("cus_3", "cus_4"), next_page="tok_3")),
        Reply(200, json=search_page(objs("cus_5"), next_page=None)),
    )
    req = ApiRequest("GET", "/v1/customers/search", {"query": "email~'example.com'", "limit": 2})
    pages = make_client().paginate(req)
    assert ids(pages) == [["cus_1", "cus_2"], ["cus_3", "cus_4"], ["cus_5"]]
    assert [r.query.get("page") for r in server.requests] == [None, ["tok_2"], ["tok_3"]]
    assert all(r.query["query"] == ["email~'example.com'"] for r in server.requests)
    assert all("starting_after" not in r.query for r in server.requests)
    assert pages.cursor == ("page", "tok_3") and pages.done


def test_search_with_max_items(make_client, server):
    server.push(
        Reply(200, json=search_page(objs("cus_1", "cus_2"), next_page="tok_2")),
        Reply(200, json=search_page(objs("cus_3", "cus_4"), next_page="tok_3")),
    )
    pages = make_client().paginate(ApiRequest("GET", "/v1/customers/search", {"query": "x"}), max_items=3)
    assert ids(pages) == [["cus_1", "cus_2"], ["cus_3"]]
    assert len(server.requests) == 2
    # a search page cannot be resumed midway: the cursor stays on the page that was cut
    assert pages.cursor == ("page", "tok_2")


def test_empty_list_yields_one_empty_page(make_client, server):
    server.push(Reply(200, json=list_page([], has_more=False)))
    pages = make_client().paginate(LIST)
    assert list(pages) == [[]]
    assert pages.done and pages.cursor is None


def test_failure_midway_leaves_the_cursor_after_the_last_full_page(make_client, server, sleeps):
    server.push(
        Reply(200, json=list_page(objs("cbtxn_1", "cbtxn_2", "cbtxn_3"), has_more=True)),
        Reply(200, json=list_page(objs("cbtxn_4", "cbtxn_5", "cbtxn_6"), has_more=True)),
    )
    server.handler = lambda req: Reply(500, json=stripe_error("api_error", "down"), headers={"Request-Id": "req_down"})
    client = make_client()
    pages = client.paginate(LIST)
    seen = []
    with pytest.raises(ApiError) as info:
        for page in pages:
            seen.extend(o["id"] for o in page)
    assert seen == ["cbtxn_1", "cbtxn_2", "cbtxn_3", "cbtxn_4", "cbtxn_5", "cbtxn_6"]
    assert info.value.request_id == "req_down"
    assert len(server.requests) == 2 + 3  # page 3 was tried three times
    assert len(sleeps) == 2
    assert pages.cursor == ("starting_after", "cbtxn_6")
    assert client.cursor == ("starting_after", "cbtxn_6")
    assert not pages.done


def test_interrupted_consumer_resumes_from_the_last_consumed_page(make_client, server):
    three_pages(server)
    pages = make_client().paginate(LIST)
    first = next(pages)
    second = next(pages)  # the consumer is still working on this page when interrupted
    assert ids([first, second]) == [["cbtxn_1", "cbtxn_2", "cbtxn_3"], ["cbtxn_4", "cbtxn_5", "cbtxn_6"]]
    assert pages.cursor == ("starting_after", "cbtxn_3")


def test_resume_cursor_from_the_request(make_client, server):
    server.push(Reply(500, json=stripe_error("api_error", "down"), headers={"Stripe-Should-Retry": "false"}))
    pages = make_client().paginate(ApiRequest("GET", "/v1/charges", {"starting_after": "ch_9"}))
    with pytest.raises(ApiError):
        list(pages)
    assert pages.cursor == ("starting_after", "ch_9")


def test_max_items_zero_sends_nothing(make_client, server):
    assert list(make_client().paginate(LIST, max_items=0)) == []
    assert server.requests == []

"""Idempotency keys: a repeated POST replays; the same key with other params is an error."""

from __future__ import annotations


def test_a_repeated_post_with_the_same_key_and_params_replays_the_stored_response(api):
    headers = {"Idempotency-Key": "order-42"}
    first = api.post("/v1/customers", data={"email": "a@example.com"}, headers=headers)
    assert first.status_code == 200
    assert "idempotent-replayed" not in first.headers
    second = api.post("/v1/customers", data={"email": "a@example.com"}, headers=headers)
    assert second.status_code == 200
    assert second.headers["idempotent-replayed"] == "true"
    assert second.json() == first.json()
    assert second.headers["request-id"] != first.headers["request-id"]
    assert len(api.get("/v1/customers").json()["data"]) == 1


def test_the_same_key_with_other_params_is_an_idempotency_error(api):
    headers = {"Idempotency-Key": "order-43"}
    assert api.post("/v1/customers", data={"email": "a@example.com"}, headers=headers).status_code == 200
    other = api.post("/v1/customers", data={"email": "b@example.com"}, headers=headers)
    assert other.status_code == 400
    error = other.json()["error"]
    assert error["type"] == "idempotency_error"
    assert "order-43" in error["message"]
    other_path = api.post("/v1/products", data={"name": "x"}, headers=headers)
    assert other_path.status_code == 400
    assert len(api.get("/v1/customers").json()["data"]) == 1


def test_param_order_does_not_matter_and_a_failed_request_is_not_stored(api):
    headers = {"Idempotency-Key": "order-44"}
    failed = api.post("/v1/customers", data={"bogus": "1"}, headers=headers)
    assert failed.status_code == 400
    first = api.post("/v1/customers", content=b"email=a%40example.com&name=A", headers=headers | {
        "Content-Type": "application/x-www-form-urlencoded"})
    assert first.status_code == 200
    again = api.post("/v1/customers", content=b"name=A&email=a%40example.com", headers=headers | {
        "Content-Type": "application/x-www-form-urlencoded"})
    assert again.headers["idempotent-replayed"] == "true"
    assert again.json()["id"] == first.json()["id"]


def test_keys_are_independent(api):
    a = api.post("/v1/customers", data={"email": "a@example.com"}, headers={"Idempotency-Key": "k-a"}).json()
    b = api.post("/v1/customers", data={"email": "a@example.com"}, headers={"Idempotency-Key": "k-b"}).json()
    assert a["id"] != b["id"]

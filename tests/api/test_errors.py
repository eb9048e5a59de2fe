"""Each HTTP error becomes a typed StripeError with the documented exit code, from real responses."""

from __future__ import annotations

import pytest

from stripecli.api import errors
from stripecli.api.errors import (
    ApiError,
    AuthenticationError,
    CardError,
    IdempotencyError,
    InvalidRequestError,
    NotFoundError,
    PermissionDeniedError,
    RateLimitError,
    StripeError,
    UsageError,
    from_response,
)
from stripecli.api.request import ApiRequest
from stripecli.errors import CliError, WaitTimeout
from stripecli.exit_codes import EXIT_CODES
from tests.fakeserver import Reply, stripe_error


def test_exit_code_table_is_the_documented_one():
    assert sorted(EXIT_CODES) == [0, 1, 2, 3, 4, 5, 6, 7, 8, 130, 143]
    assert StripeError("x").exit_code == 1
    assert UsageError("x").exit_code == 2
    assert WaitTimeout("x").exit_code == 8
    assert isinstance(StripeError("x"), CliError)  # one base class for every failure


@pytest.mark.parametrize(
    "status, body, cls, exit_code",
    [
        (400, stripe_error("invalid_request_error", "Missing required param: amount.", param="amount",
                           code="parameter_missing"), InvalidRequestError, 1),
        (400, stripe_error("idempotency_error", "Keys for idempotent requests can only be used with the same parameters"),
         IdempotencyError, 1),
        (402, stripe_error("card_error", "Your card has insufficient funds.", code="card_declined",
                           decline_code="insufficient_funds"), CardError, 1),
        (401, stripe_error("invalid_request_error", "Invalid API Key provided: sk_test_****WXYZ"), AuthenticationError, 3),
        (403, stripe_error("invalid_request_error", "The provided key does not have the required permissions"),
         PermissionDeniedError, 3),
        (404, stripe_error("invalid_request_error", "No such customer: 'cus_x'", code="resource_missing", param="id"),
         NotFoundError, 4),
        (429, stripe_error("invalid_request_error", "Too many requests", code="rate_limit"), RateLimitError, 5),
        (409, stripe_error("invalid_request_error", "lock timeout", code="lock_timeout"), InvalidRequestError, 1),
        (500, stripe_error("api_error", "Something went wrong on Stripe's end."), ApiError, 1),
    ],
)
def test_error_classes_from_real_http(make_client, server, status, body, cls, exit_code):
    server.push(Reply(status, json=body, headers={"Request-Id": "req_123", "Stripe-Should-Retry": "false"}))
    with pytest.raises(cls) as info:
        make_client().send(ApiRequest("GET", "/v1/customers/cus_x"))
    err = info.value
    assert type(err) is cls
    assert err.exit_code == exit_code
    assert err.http_status == status
    assert err.request_id == "req_123"
    assert err.json_body == body["error"]
    assert err.message == body["error"]["message"]
    assert err.type == body["error"]["type"]
    assert len(server.requests) == 1


def test_not_found_reads_as_one_line(make_client, server):
    server.push(Reply(404, json=stripe_error("invalid_request_error", "No such customer: 'cus_x'",
                                             code="resource_missing", param="id",
                                             doc_url="https://stripe.com/docs/error-codes/resource-missing",
                                             request_log_url="https://dashboard.stripe.com/logs/req_123"),
                      headers={"Request-Id": "req_123"}))
    with pytest.raises(NotFoundError) as info:
        make_client().send(ApiRequest("GET", "/v1/customers/cus_x"))
    err = info.value
    assert err.one_line() == "No such customer: 'cus_x' (resource_missing, param id) [req_123]"
    assert str(err) == err.one_line()
    assert err.code == "resource_missing" and err.param == "id"
    assert err.doc_url == "https://stripe.com/docs/error-codes/resource-missing"
    assert err.request_log_url == "https://dashboard.stripe.com/logs/req_123"
    assert isinstance(err, InvalidRequestError)  # catching invalid requests catches 404s too


def test_one_line_leaves_missing_parts_out():
    assert StripeError("Bad thing", request_id="req_1").one_line() == "Bad thing [req_1]"
    assert StripeError("Bad thing").one_line() == "Bad thing"
    assert StripeError("Bad", param="amount").one_line() == "Bad (param amount)"
    assert (
        CardError("Declined.", code="card_declined", decline_code="insufficient_funds", request_id="req_9").one_line()
        == "Declined. (card_declined, decline insufficient_funds) [req_9]"
    )


def test_non_json_error_body_still_gives_a_clear_message(make_client, server):
    server.push(Reply(502, body="<html><body>Bad Gateway</body></html>", headers={"Content-Type": "text/html"}))
    client = make_client(max_retries=0)
    with pytest.raises(ApiError) as info:
        client.send(ApiRequest("GET", "/v1/balance"))
    assert info.value.one_line() == "HTTP 502 Bad Gateway from %s/v1/balance" % server.url
    assert info.value.json_body is None
    assert info.value.exit_code == 1


def test_from_response_without_http():
    err = from_response(503, {"request-id": "req_5"}, b"upstream overloaded", "https://api.stripe.com/v1/x")
    assert type(err) is ApiError
    assert err.one_line() == "HTTP 503 Service Unavailable from https://api.stripe.com/v1/x: upstream overloaded [req_5]"
    assert type(from_response(401, {}, b"")) is AuthenticationError
    assert type(from_response(404, {}, b"not json")) is NotFoundError
    # rate limits used to come as 400 with code rate_limit
    assert type(from_response(400, {}, b'{"error": {"type": "invalid_request_error", "code": "rate_limit"}}')) is RateLimitError
    # OAuth errors from connect.stripe.com
    oauth = from_response(400, {}, b'{"error": "invalid_grant", "error_description": "Authorization code expired"}')
    assert type(oauth) is InvalidRequestError and oauth.one_line() == "Authorization code expired (invalid_grant)"
    # unexpected field types do not crash
    odd = from_response(400, {}, b'{"error": {"message": "m", "param": 5, "extra": {"x": 1}}}')
    assert odd.message == "m" and odd.json_body["extra"] == {"x": 1}


def test_error_envelope_model_keeps_extra_fields():
    envelope = errors.ErrorEnvelope.model_validate(
        {"error": {"type": "card_error", "message": "m", "payment_intent": {"id": "pi_1"}}}
    )
    assert envelope.error.type == "card_error"
    assert envelope.error.model_extra == {"payment_intent": {"id": "pi_1"}}


def test_missing_key_is_an_authentication_error_and_sends_nothing(make_client, server):
    with pytest.raises(AuthenticationError) as info:
        make_client(api_key=None).send(ApiRequest("GET", "/v1/balance"))
    assert info.value.exit_code == 3
    assert "API key" in info.value.message
    assert server.requests == []

"""Validation, errors and authentication as Stripe does them, in-process and over HTTP."""

from __future__ import annotations

import base64

import httpx
import pytest


def error(response, status):
    assert response.status_code == status, response.text
    assert response.headers["request-id"].startswith("req_")
    body = response.json()
    assert set(body) == {"error"}
    return body["error"]


def grant_params(customer_id: str) -> dict[str, str]:
    return {"customer": customer_id, "amount[type]": "monetary", "amount[monetary][currency]": "usd",
            "amount[monetary][value]": "500", "applicability_config[scope][price_type]": "metered"}


def test_an_unknown_param_is_parameter_unknown_with_its_name(api):
    err = error(api.post("/v1/customers", data={"emial": "x@example.com"}), 400)
    assert err["type"] == "invalid_request_error"
    assert err["code"] == "parameter_unknown"
    assert err["param"] == "emial"
    assert "emial" in err["message"]


def test_an_unknown_nested_param_names_its_full_path(api):
    customer = api.post("/v1/customers", data={}).json()
    params = grant_params(customer["id"])
    params["amount[monetary][colour]"] = "red"
    err = error(api.post("/v1/billing/credit_grants", data=params), 400)
    assert err["code"] == "parameter_unknown"
    assert err["param"] == "amount[monetary][colour]"


def test_a_missing_required_param_is_parameter_missing(api):
    err = error(api.post("/v1/billing/credit_grants", data={"applicability_config[scope][price_type]": "metered"}), 400)
    assert err["code"] == "parameter_missing"
    assert err["param"] == "amount"
    nested = error(api.post("/v1/billing/credit_grants", data={"amount[type]": "monetary",
                                                              "amount[monetary][currency]": "usd",
                                                              "applicability_config[scope][price_type]": "metered"}), 400)
    assert nested["code"] == "parameter_missing"
    assert nested["param"] == "amount[monetary][value]"


@pytest.mark.parametrize("field,value,code", [
    ("amount[monetary][value]", "ten", "parameter_invalid_integer"),
    ("category", "free", "parameter_invalid_enum"),
    ("effective_at", "tomorrow", "parameter_invalid_timestamp"),
    ("amount[type]", "gold", "parameter_invalid_enum"),
])
def test_a_wrong_type_or_enum_value_is_parameter_invalid(api, field, value, code):
    customer = api.post("/v1/customers", data={}).json()
    params = grant_params(customer["id"])
    params[field] = value
    err = error(api.post("/v1/billing/credit_grants", data=params), 400)
    assert err["code"] == code
    assert err["param"] == field


def test_a_wrong_boolean_is_parameter_invalid_boolean(api):
    err = error(api.get("/v1/prices", params={"active": "yes"}), 400)
    assert err["code"] == "parameter_invalid_boolean" and err["param"] == "active"


def test_an_unknown_id_is_resource_missing_with_stripes_message(api):
    err = error(api.get("/v1/customers/cus_doesnotexist"), 404)
    assert err["code"] == "resource_missing"
    assert err["message"] == "No such customer: 'cus_doesnotexist'"
    assert err["type"] == "invalid_request_error"
    clock = error(api.post("/v1/test_helpers/test_clocks/clock_nope/advance", data={"frozen_time": "1700000000"}), 404)
    assert clock["message"] == "No such test_clock: 'clock_nope'"


def test_an_unknown_id_given_as_a_param_is_resource_missing_on_that_param(api):
    err = error(api.post("/v1/billing/credit_grants", data=grant_params("cus_ghost")), 404)
    assert err["code"] == "resource_missing"
    assert err["param"] == "customer"
    assert err["message"] == "No such customer: 'cus_ghost'"


def test_an_unrecognized_url_is_a_404_in_the_envelope(api):
    err = error(api.get("/v1/no_such_things"), 404)
    assert "Unrecognized request URL" in err["message"]


@pytest.mark.parametrize("headers,fragment", [
    ({}, "did not provide an API key"),
    ({"Authorization": "Bearer"}, "did not provide an API key"),
    ({"Authorization": "Bearer pk_test_abcdef123"}, "Invalid API Key"),
    ({"Authorization": "Bearer sk_test_"}, "Invalid API Key"),
    ({"Authorization": "Token sk_test_abc"}, "Invalid API Key"),
])
def test_a_missing_or_malformed_key_is_a_401(api, headers, fragment):
    response = api.get("/v1/customers", headers=headers or {"Authorization": ""})
    err = error(response, 401)
    assert fragment in err["message"]
    assert "sk_test_abc" not in err["message"]


@pytest.mark.parametrize("key", ["sk_live_abcdefghijklmnop", "rk_live_abcdefghijklmnop"])
def test_a_live_key_is_a_401_saying_test_mode_only(api, key):
    err = error(api.get("/v1/customers", headers={"Authorization": "Bearer " + key}), 401)
    assert "test mode only" in err["message"]
    assert key not in err["message"]


def test_basic_auth_with_the_key_as_user_name_works_like_curl_u(api):
    token = base64.b64encode(b"sk_test_fake123:").decode()
    response = api.get("/v1/customers", headers={"Authorization": "Basic " + token})
    assert response.status_code == 200
    restricted = api.get("/v1/customers", headers={"Authorization": "Bearer rk_test_fake123"})
    assert restricted.status_code == 200


def test_every_response_has_a_request_id_and_echoes_stripe_version(api):
    ok = api.get("/v1/customers", headers={"Stripe-Version": "2026-10-28.endive"})
    assert ok.headers["request-id"].startswith("req_")
    assert ok.headers["stripe-version"] == "2026-10-28.endive"
    ids = {api.get("/v1/customers").headers["request-id"] for _ in range(3)}
    assert len(ids) == 3
    for response in (api.get("/v1/customers/cus_nope"), api.get("/v1/customers", headers={"Authorization": ""}),
                     api.post("/v1/customers", data={"x": "1"})):
        assert response.headers["request-id"].startswith("req_")


def test_errors_come_back_as_typed_exceptions_through_the_cli_client(local):
    """The CLI's own client (``--local``'s path) turns the envelope into its typed errors."""
    from stripecli.api.client import ClientConfig, StripeClient
    from stripecli.api.errors import StripeError
    from stripecli.api.request import ApiRequest

    client = StripeClient(ClientConfig(api_key="sk_test_fake123", transport=local._transport, max_retries=0))
    with pytest.raises(StripeError) as caught:
        client.send(ApiRequest("GET", "/v1/customers/cus_nope"))
    assert "No such customer" in str(caught.value)
    assert client.last_request_id.startswith("req_")


def test_the_served_emulator_refuses_a_request_without_key(http, served):
    response = httpx.get(served.base + "/v1/customers")
    assert response.status_code == 401

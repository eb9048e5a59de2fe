"""Sending over real HTTP: headers, retries with backoff, idempotency, verbose log, network errors."""

from __future__ import annotations

import socket
import sys

import httpx
import pytest

from stripecli.api.client import ClientConfig, StripeClient
from stripecli.api.errors import ApiError, InvalidRequestError, NetworkError, RateLimitError
from stripecli.api.request import ApiRequest
from tests.api.conftest import FAKE_KEY
from tests.fakeserver import Reply, stripe_error

OK = Reply(200, json={"id": "cus_1", "object": "customer"}, headers={"Request-Id": "req_ok"})
CREATE = ApiRequest("POST", "/v1/customers", {"name": "Jenny", "metadata": {"plan": "pro"}})


def boom(status=500, **headers):
    return Reply(status, json=stripe_error("api_error", "boom"), headers={"Request-Id": "req_%d" % status, **headers})


def idempotency_keys(server):
    return [r.header("Idempotency-Key") for r in server.requests]


# -- headers ---------------------------------------------------------------------------------


def test_headers_on_the_wire(make_client, server):
    server.push(OK, OK)
    client = make_client(stripe_account="acct_123")
    assert client.send(ApiRequest("GET", "/v1/customers/cus_1")) == {"id": "cus_1", "object": "customer"}
    client.send(ApiRequest("GET", "/v1/customers/cus_1", stripe_version="2024-06-20", headers={"X-Test": "yes"}))
    first, second = server.requests
    assert first.header("Authorization") == "Bearer " + FAKE_KEY
    assert first.header("Stripe-Version") == "2025-01-27.acacia"
    assert second.header("Stripe-Version") == "2024-06-20"
    assert first.header("Stripe-Account") == "acct_123"
    assert first.header("User-Agent") == "stripecli/0.1.0 python-httpx/%s" % httpx.__version__
    assert second.header("X-Test") == "yes"
    assert first.header("Idempotency-Key") is None and first.header("Content-Type") is None
    assert client.last_request_id == "req_ok"


def test_post_sends_the_form_body(make_client, server):
    server.push(OK)
    make_client().send(CREATE)
    (req,) = server.requests
    assert req.method == "POST" and req.path == "/v1/customers"
    assert req.header("Content-Type") == "application/x-www-form-urlencoded"
    assert req.form == [("name", "Jenny"), ("metadata[plan]", "pro")]
    assert req.header("Idempotency-Key")
    assert req.header("Stripe-Account") is None


def test_get_sends_the_query_string(make_client, server):
    server.push(OK)
    make_client().send(ApiRequest("GET", "/v1/customers", {"limit": 2, "email": "a+b@x.io", "expand": ["data.x"]}))
    (req,) = server.requests
    assert req.query_pairs == [("limit", "2"), ("email", "a+b@x.io"), ("expand[0]", "data.x")]
    assert req.body == b""


def test_each_logical_post_gets_its_own_idempotency_key(make_client, server):
    server.push(OK, OK)
    client = make_client()
    client.send(CREATE)
    client.send(CREATE)
    first, second = idempotency_keys(server)
    assert first and second and first != second


def test_configured_idempotency_key_is_used(make_client, server):
    server.push(OK)
    make_client(idempotency_key="ik_fixed").send(CREATE)
    assert idempotency_keys(server) == ["ik_fixed"]


# -- retries ---------------------------------------------------------------------------------


def test_retries_500_with_the_same_idempotency_key(make_client, server, sleeps):
    server.push(boom(500), boom(503), OK)
    assert make_client().send(CREATE)["id"] == "cus_1"
    keys = idempotency_keys(server)
    assert len(keys) == 3 and len(set(keys)) == 1 and keys[0]
    assert len(sleeps) == 2
    assert sleeps[0] == 0.5  # first retry: 0.5 s (jitter never goes below the initial delay)
    assert 0.5 <= sleeps[1] <= 1.0


def test_retries_429_honouring_retry_after(make_client, server, sleeps):
    server.push(Reply(429, json=stripe_error("invalid_request_error", "slow down", code="rate_limit"),
                      headers={"Retry-After": "3"}), OK)
    make_client().send(CREATE)
    assert len(server.requests) == 2
    assert sleeps == [3.0]
    assert len(set(idempotency_keys(server))) == 1


def test_retry_after_is_capped_at_60_seconds(make_client, server, sleeps):
    server.push(Reply(429, json=stripe_error(), headers={"Retry-After": "3600"}), OK)
    make_client().send(ApiRequest("GET", "/v1/balance"))
    assert sleeps == [60.0]


def test_429_after_retries_is_a_rate_limit_error(make_client, server, sleeps):
    limited = Reply(429, json=stripe_error("invalid_request_error", "Too many requests", code="rate_limit"),
                    headers={"Request-Id": "req_429"})
    server.push(limited, limited, limited)
    with pytest.raises(RateLimitError) as info:
        make_client().send(ApiRequest("GET", "/v1/balance"))
    assert info.value.exit_code == 5
    assert info.value.request_id == "req_429"
    assert len(server.requests) == 3 and len(sleeps) == 2


def test_retries_a_dropped_connection_with_the_same_idempotency_key(make_client, server, sleeps):
    server.push(Reply(drop=True), OK)
    assert make_client().send(CREATE)["id"] == "cus_1"
    keys = idempotency_keys(server)
    assert len(keys) == 2 and keys[0] == keys[1]
    assert sleeps == [0.5]


def test_dropped_connections_after_retries_are_a_network_error(make_client, server, sleeps, log_lines):
    server.push(Reply(drop=True), Reply(drop=True), Reply(drop=True))
    with pytest.raises(NetworkError) as info:
        make_client().send(CREATE)
    assert info.value.exit_code == 6
    assert "after 3 attempts" in info.value.message
    assert len(server.requests) == 3 and len(sleeps) == 2
    assert len(set(idempotency_keys(server))) == 1


def test_connection_refused_is_a_network_error(sleeps):
    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    client = StripeClient(ClientConfig(api_key=FAKE_KEY, api_base="http://127.0.0.1:%d" % port, sleep=sleeps.append))
    with client, pytest.raises(NetworkError) as info:
        client.send(ApiRequest("GET", "/v1/balance"))
    assert "ConnectError" in info.value.message
    assert FAKE_KEY not in info.value.message
    assert len(sleeps) == 2


def test_read_timeout_is_retried_then_a_network_error(make_client, server, sleeps):
    slow = Reply(200, json={}, delay=0.3)
    server.push(slow, slow)
    with pytest.raises(NetworkError) as info:
        make_client(timeout=0.05, max_retries=1).send(ApiRequest("GET", "/v1/balance"))
    assert "ReadTimeout" in info.value.message
    assert len(server.requests) == 2 and len(sleeps) == 1


def test_no_retry_on_400(make_client, server, sleeps):
    server.push(Reply(400, json=stripe_error(message="Missing required param: amount.", param="amount")), OK)
    with pytest.raises(InvalidRequestError):
        make_client().send(CREATE)
    assert len(server.requests) == 1 and sleeps == []


def test_stripe_should_retry_false_is_honoured_even_on_500(make_client, server, sleeps):
    server.push(boom(500, **{"Stripe-Should-Retry": "false"}), OK)
    with pytest.raises(ApiError) as info:
        make_client().send(CREATE)
    assert info.value.http_status == 500 and info.value.request_id == "req_500"
    assert len(server.requests) == 1 and sleeps == []


def test_stripe_should_retry_true_is_honoured_even_on_400(make_client, server, sleeps):
    server.push(Reply(400, json=stripe_error(message="lock timeout"), headers={"Stripe-Should-Retry": "true"}), OK)
    assert make_client().send(CREATE)["id"] == "cus_1"
    assert len(server.requests) == 2 and len(sleeps) == 1


def test_409_is_retried(make_client, server):
    server.push(Reply(409, json=stripe_error(message="conflict")), OK)
    make_client().send(CREATE)
    assert len(server.requests) == 2


@pytest.mark.parametrize("max_retries, attempts", [(0, 1), (1, 2), (2, 3), (4, 5)])
def test_max_retries_is_respected(make_client, server, sleeps, max_retries, attempts):
    server.on("GET", "/v1/balance", boom(500), repeat=True)
    with pytest.raises(ApiError):
        make_client(max_retries=max_retries).send(ApiRequest("GET", "/v1/balance"))
    assert len(server.requests) == attempts
    assert len(sleeps) == attempts - 1


def test_backoff_doubles_with_jitter_and_is_capped(make_client, server, sleeps):
    server.on("GET", "/v1/balance", boom(500), repeat=True)
    with pytest.raises(ApiError):
        make_client(max_retries=7).send(ApiRequest("GET", "/v1/balance"))
    assert len(sleeps) == 7
    for retry, delay in enumerate(sleeps, start=1):
        base = min(0.5 * 2 ** (retry - 1), 8.0)
        assert max(0.5, base * 0.5) <= delay <= base
    assert max(sleeps) <= 8.0


# -- verbose log -----------------------------------------------------------------------------


def test_verbose_log_has_requests_responses_and_retries_but_never_the_key(make_client, server, log_lines):
    server.push(boom(500), OK)
    make_client().send(CREATE)
    url = server.url + "/v1/customers"
    assert log_lines[0] == "> POST " + url
    assert log_lines[1].startswith("< 500 req_500 (") and log_lines[1].endswith("s)")
    assert log_lines[2].startswith("retrying in 0.5s (attempt 2 of 3): HTTP 500")
    assert log_lines[3] == "> POST " + url
    assert log_lines[4].startswith("< 200 req_ok (")
    assert len(log_lines) == 5
    assert not any(FAKE_KEY in line for line in log_lines)


def test_log_lines_are_redacted(server, sleeps):
    key = "sk_test_" + "Z" * 24
    lines: list[str] = []
    server.push(OK)
    with StripeClient(ClientConfig(api_key=key, api_base=server.url + "/" + key, log=lines.append,
                                   sleep=sleeps.append)) as client:
        client.send(ApiRequest("GET", "/v1/balance"))  # the key is in the URL here, on purpose
    assert server.requests[0].path == "/%s/v1/balance" % key
    assert lines and not any(key in line for line in lines)


# -- lifecycle and configuration -------------------------------------------------------------


def test_one_http_client_per_stripe_client_created_lazily(make_client, server):
    server.push(OK, OK)
    client = make_client()
    assert client._http is None
    client.send(ApiRequest("GET", "/v1/balance"))
    first = client._http
    client.send(ApiRequest("GET", "/v1/balance"))
    assert client._http is first
    client.close()
    assert client._http is None


def test_httpx_client_verifies_tls_and_trusts_the_environment(monkeypatch):
    monkeypatch.delenv("REQUESTS_CA_BUNDLE", raising=False)
    monkeypatch.delenv("CURL_CA_BUNDLE", raising=False)
    client = StripeClient(ClientConfig(api_key=FAKE_KEY))
    http = client._client()
    try:
        assert http.trust_env is True
        assert http.timeout.connect == 10.0 and http.timeout.read == 80.0
    finally:
        client.close()
    client = StripeClient(ClientConfig(api_key=FAKE_KEY, timeout=5))
    try:
        assert client._client().timeout.read == 5.0 and client._client().timeout.connect == 5.0
    finally:
        client.close()


def test_requests_ca_bundle_is_honoured_with_verification_on(monkeypatch):
    import ssl

    import certifi

    monkeypatch.delenv("SSL_CERT_FILE", raising=False)
    monkeypatch.delenv("SSL_CERT_DIR", raising=False)
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", certifi.where())
    from stripecli.api.tls import ca_bundle_from_env

    ctx = ca_bundle_from_env()
    assert isinstance(ctx, ssl.SSLContext) and ctx.verify_mode == ssl.CERT_REQUIRED
    StripeClient(ClientConfig(api_key=FAKE_KEY))._client().close()


def test_in_process_transport(sleeps):
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, json={"path": request.url.path}, headers={"Request-Id": "req_mock"})

    with StripeClient(ClientConfig(api_key=FAKE_KEY, transport=httpx.MockTransport(handler))) as client:
        assert client.send(ApiRequest("GET", "/v1/balance")) == {"path": "/v1/balance"}
        assert client.last_request_id == "req_mock"


def test_non_json_success_body_is_an_api_error(make_client, server):
    server.push(Reply(200, body="not json"))
    with pytest.raises(ApiError) as info:
        make_client().send(ApiRequest("GET", "/v1/balance"))
    assert "was not JSON" in info.value.message


def test_importing_the_api_layer_stays_light():
    import subprocess

    code = (
        "import sys, stripecli.api.client, stripecli.api.errors, stripecli.api.request, stripecli.api.encode, "
        "stripecli.redact; heavy = [m for m in ('httpx', 'pydantic', 'typer', 'click', 'rich') if m in sys.modules]; "
        "print(','.join(heavy))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         cwd=str(__import__("pathlib").Path(__file__).resolve().parents[2]))
    assert out.stdout.strip() == ""


def test_a_bad_api_base_is_a_usage_error_not_a_traceback(sleeps):
    from stripecli.api.errors import UsageError

    for base in ("localhost:12111", "ftp://example.com"):
        with StripeClient(ClientConfig(api_key=FAKE_KEY, api_base=base, sleep=sleeps.append)) as client:
            with pytest.raises(UsageError):
                client.send(ApiRequest("GET", "/v1/balance"))
    assert sleeps == []

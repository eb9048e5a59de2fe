"""The light HTTP client bulk workers use (``api/wire.py``): the same requests, answers, retries and
error types as over httpx, against a real server on loopback."""

from __future__ import annotations

import socket
import threading

import httpx
import pytest

from stripecli.api import wire
from stripecli.api.client import ClientConfig, StripeClient
from stripecli.api.errors import NetworkError
from stripecli.api.request import ApiRequest
from tests.fakeserver import FakeServer, Reply


def _client(server: FakeServer, **config) -> StripeClient:
    return StripeClient(ClientConfig(api_key="sk_test_fake123", api_base=server.url, light=True,
                                     sleep=lambda s: None, **config))


def test_a_request_goes_out_as_over_httpx_and_its_answer_comes_back(monkeypatch):
    for name in wire.PROXY_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    with FakeServer() as server:
        server.push(Reply(200, json={"id": "cus_1", "object": "customer"}, headers={"Request-Id": "req_1"}),
                    Reply(200, json={"id": "cus_2"}))
        client = _client(server)
        got = client.send(ApiRequest("POST", "/v1/customers", params={"email": "a@example.com",
                                                                      "metadata": {"k": "v w"}}))
        assert got == {"id": "cus_1", "object": "customer"} and client.last_request_id == "req_1"
        assert isinstance(client._http, wire.Wire)
        client.send(ApiRequest("POST", "/v1/customers", params={"email": "b@example.com"}))
        first, second = server.requests
        assert first.form == [("email", "a@example.com"), ("metadata[k]", "v w")]
        assert first.header("Authorization") == "Bearer sk_test_fake123"
        assert first.header("Content-Type") == "application/x-www-form-urlencoded"
        assert first.header("Idempotency-Key") and first.header("Idempotency-Key") != second.header("Idempotency-Key")
        assert first.header("Host") == server.url.split("//")[1]
        client.close()


def test_errors_retries_and_headers_behave_as_over_httpx(monkeypatch):
    for name in wire.PROXY_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    with FakeServer() as server:
        server.push(Reply(drop=True),  # the connection cut: retried with the same key
                    Reply(429, json={"error": {"type": "rate_limit_error", "message": "slow"}},
                          headers={"Retry-After": "0"}),
                    Reply(200, json={"id": "cus_1"}, headers={"Idempotent-Replayed": "true"}))
        seen = []

        class Pacer:
            def wait(self) -> None:
                pass

            def observe(self, status, headers) -> None:
                seen.append((status, headers.get("idempotent-replayed") if headers else None))

        client = _client(server, pacer=Pacer())
        assert client.send(ApiRequest("POST", "/v1/customers", params={"email": "a@example.com"})) == {"id": "cus_1"}
        keys = {r.header("Idempotency-Key") for r in server.requests}
        assert len(server.requests) == 3 and len(keys) == 1
        assert seen == [(None, None), (429, None), (200, "true")]
        client.close()


def test_a_refused_connection_is_httpx_connect_error_and_ends_as_a_network_error(monkeypatch):
    for name in wire.PROXY_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]  # nothing listens here once closed
    w = wire.Wire(connect=2, read=2, ssl_context=None)
    with pytest.raises(httpx.ConnectError):
        w.request("GET", "http://127.0.0.1:%d/v1/customers" % port, headers={})
    client = StripeClient(ClientConfig(api_key="sk_test_fake123", api_base="http://127.0.0.1:%d" % port,
                                       light=True, max_retries=1, sleep=lambda s: None))
    with pytest.raises(NetworkError, match="ConnectError"):
        client.send(ApiRequest("GET", "/v1/customers"))
    with pytest.raises(httpx.UnsupportedProtocol):
        w.request("GET", "ftp://127.0.0.1/x", headers={})


def test_a_silent_server_times_out_as_httpx_read_timeout():
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(1)
    accepted = []
    thread = threading.Thread(target=lambda: accepted.append(listener.accept()), daemon=True)
    thread.start()
    w = wire.Wire(connect=2, read=0.2, ssl_context=None)
    with pytest.raises(httpx.ReadTimeout):
        w.request("GET", "http://127.0.0.1:%d/v1/customers" % listener.getsockname()[1], headers={})
    thread.join(2)
    for conn, _ in accepted:
        conn.close()
    listener.close()


def test_a_kept_alive_connection_the_server_closed_is_replaced_before_reuse():
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(4)
    port = listener.getsockname()[1]
    answer = b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}"

    def serve_one_request_per_connection() -> None:
        for _ in range(2):
            conn, _ = listener.accept()
            data = b""
            while b"\r\n\r\n" not in data:
                data += conn.recv(65536)
            conn.sendall(answer)  # keep-alive by HTTP/1.1 rules, then closed by the server
            conn.close()

    thread = threading.Thread(target=serve_one_request_per_connection, daemon=True)
    thread.start()
    w = wire.Wire(connect=2, read=2, ssl_context=None)
    url = "http://127.0.0.1:%d/v1/customers" % port
    first = w.request("GET", url, headers={})
    assert first.status_code == 200 and first.content == b"{}" and first.headers.get("Content-Type") == "application/json"
    import time

    time.sleep(0.1)  # the server has closed its side by now
    assert w.request("GET", url, headers={}).status_code == 200  # a new connection, not an error
    thread.join(2)
    listener.close()
    w.close()


def test_with_a_proxy_configured_the_client_keeps_httpx(monkeypatch):
    monkeypatch.setenv("HTTPS_PROXY", "http://127.0.0.1:9")
    client = StripeClient(ClientConfig(api_key="sk_test_fake123", light=True))
    assert isinstance(client._client(), httpx.Client)
    client.close()


def test_a_url_http_client_refuses_is_httpx_invalid_url_not_a_network_error():
    w = wire.Wire(connect=2, read=2, ssl_context=None)
    with FakeServer() as server:
        with pytest.raises(httpx.InvalidURL):
            w.request("GET", server.url + "/v1/customers/a\x01b", headers={})
        assert server.requests == []
    w.close()


def test_a_request_with_a_body_goes_out_in_one_write():
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(1)
    received: list[bytes] = []

    def serve() -> None:
        conn, _ = listener.accept()
        conn.settimeout(2)
        data = b""
        while b"email=a" not in data:
            chunk = conn.recv(65536)
            received.append(chunk)
            data += chunk
        conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n{}")
        conn.close()

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    w = wire.Wire(connect=2, read=2, ssl_context=None)
    answer = w.request("POST", "http://127.0.0.1:%d/v1/customers" % listener.getsockname()[1],
                       headers={"Content-Type": "application/x-www-form-urlencoded"}, content=b"email=a")
    thread.join(2)
    listener.close()
    assert answer.status_code == 200
    assert len(received) == 1 and received[0].startswith(b"POST /v1/customers HTTP/1.1\r\n")
    assert received[0].endswith(b"\r\n\r\nemail=a") and b"Content-Length: 7\r\n" in received[0]

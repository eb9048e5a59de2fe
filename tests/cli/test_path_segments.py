"""An id goes out exactly as typed, or not at all: never as a path that reaches another object.

Each hostile id is run twice against a recording server on loopback: with ``--dry-run`` (which
prints the request as curl) and for real. Either the request line the server received is the one
the dry run printed, with the id arriving as typed once the server decodes it, or the id is
refused with exit 2 and nothing is sent.
"""

from __future__ import annotations

import shlex
from urllib.parse import unquote, urlsplit

import pytest

from tests.fakeserver import FakeServer, Reply

KEY = "sk_test_fake123abcd"
REFUSED = ["..", ".", "...", ""]
SENT = ["a/b", "%2e%2e", "%2E%2E", "..%2f", "é", "日本", "a b", "a+b", "x?y#z", "a\\b", "..a", "cus_.", "%00", "~"]


@pytest.fixture
def server(monkeypatch):
    with FakeServer() as fake:
        fake.handler = lambda recorded: Reply(200, json={"id": "cus_x", "object": "customer", "deleted": True})
        monkeypatch.setenv("STRIPE_API_KEY", KEY)
        monkeypatch.setenv("STRIPE_API_BASE", fake.url)
        yield fake


def dry_run_line(cli, argv: list[str]) -> tuple[str, str]:
    """The (method, path?query) that ``--dry-run`` prints for ``argv``."""
    result = cli(*argv, "--dry-run")
    assert result.exit_code == 0, result.stderr
    words = shlex.split(result.stdout)
    method = words[words.index("-X") + 1] if "-X" in words else "GET"
    url = next(w for w in words if w.startswith("http://"))
    parts = urlsplit(url)
    return method, parts.path + ("?" + parts.query if parts.query else "")


def sent_line(server) -> tuple[str, str]:
    assert len(server.requests) == 1, [r.path for r in server.requests]
    recorded = server.requests[0]
    return recorded.method, recorded.path + ("?" + recorded.query_string if recorded.query_string else "")


COMMANDS = [
    (["customers", "delete", "{id}"], "/v1/customers/{}", "CUSTOMER"),
    (["billing", "customer-tax-ids", "delete", "cus_X", "{id}"], "/v1/customers/cus_X/tax_ids/{}", "TAX_ID"),
    (["customers", "update", "{id}", "--name", "n"], "/v1/customers/{}", "CUSTOMER"),
    (["customers", "get", "{id}"], "/v1/customers/{}", "CUSTOMER"),
]


@pytest.mark.parametrize("argv,template,metavar", COMMANDS, ids=lambda v: " ".join(v) if isinstance(v, list) else None)
@pytest.mark.parametrize("ident", SENT)
def test_an_unusual_id_goes_out_exactly_as_the_dry_run_shows(cli, server, argv, template, metavar, ident):
    command = [ident if word == "{id}" else word for word in argv]
    shown = dry_run_line(cli, command)
    assert server.requests == []
    result = cli(*command, "-o", "json")
    assert result.exit_code == 0, result.stderr
    method, line = sent_line(server)
    assert (method, line) == shown
    path = line.split("?", 1)[0]
    prefix, suffix = template.split("{}")
    assert path.startswith(prefix) and path.endswith(suffix)
    segment = path[len(prefix):len(path) - len(suffix)]
    assert "/" not in segment and segment not in (".", "..")
    assert unquote(segment) == ident  # the server decodes the segment back to what was typed


@pytest.mark.parametrize("argv,template,metavar", COMMANDS, ids=lambda v: " ".join(v) if isinstance(v, list) else None)
@pytest.mark.parametrize("ident", REFUSED, ids=repr)
@pytest.mark.parametrize("dry_run", [False, True], ids=["sent", "dry-run"])
def test_an_empty_or_dots_only_id_is_refused_before_anything_is_sent(cli, server, argv, template, metavar, ident, dry_run):
    command = [ident if word == "{id}" else word for word in argv] + (["--dry-run"] if dry_run else [])
    result = cli(*command)
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr.startswith(f"error: invalid value for {metavar}: ")
    assert len(result.stderr.splitlines()) == 1
    assert "unexpected" not in result.stderr and "Traceback" not in result.stderr
    assert server.requests == []


def test_the_reported_data_loss_case_deletes_nothing(cli, server):
    """``customer-tax-ids delete cus_X ..`` used to become DELETE /v1/customers/cus_X."""
    result = cli("billing", "customer-tax-ids", "delete", "cus_X", "..", "--yes")
    assert result.exit_code == 2
    assert "'..' cannot be an id" in result.stderr
    assert server.requests == []


@pytest.mark.parametrize("path", ["/v1/customers/..", "/v1/customers/.", "/v1/customers/%2e%2e", "/v1/customers/%2E.",
                                  "/v1/customers/../balance", "/v1/./customers"])
def test_request_refuses_a_typed_path_with_a_dot_segment(cli, server, path):
    for extra in ([], ["--dry-run"]):
        result = cli("request", "DELETE", path, *extra)
        assert result.exit_code == 2
        assert result.stderr.startswith("error: invalid value for PATH: ")
        assert "which HTTP resolves to another path" in result.stderr
    assert server.requests == []


@pytest.mark.parametrize("path,wire", [
    ("/v1/customers/a%2Fb", "/v1/customers/a%2Fb"),
    ("/v1/customers/é x", "/v1/customers/%C3%A9%20x"),
    ("/v1/customers/%252e%252e", "/v1/customers/%252e%252e"),
    ("/v1/customers/..a", "/v1/customers/..a"),
])
def test_request_sends_a_typed_path_as_the_dry_run_shows(cli, server, path, wire):
    shown = dry_run_line(cli, ["request", "GET", path])
    assert shown == ("GET", wire)
    result = cli("request", "GET", path, "-o", "json")
    assert result.exit_code == 0, result.stderr
    assert sent_line(server) == shown


def test_a_test_clock_id_of_dots_is_refused_before_the_clock_is_read(cli, server):
    for argv in (["test-clocks", "advance", "..", "--by", "1d"], ["test-clocks", "show", "."],
                 ["billing", "test-clocks", "advance", "..", "--to", "2030-01-01"]):
        result = cli(*argv)
        if result.exit_code == 2 and "No such command" in result.stderr:
            continue
        assert result.exit_code == 2, result.stderr
        assert "invalid value for CLOCK" in result.stderr
    assert server.requests == []


def test_an_api_base_that_the_client_would_rewrite_is_refused(cli, server):
    """The last net: whatever httpx would send differently from the printed URL is not sent."""
    for extra in ([], ["--dry-run"]):
        result = cli("customers", "get", "cus_1", "--api-base", server.url + "/prefix/..", *extra)
        assert result.exit_code == 2
        assert "would be sent as /v1/customers/cus_1" in result.stderr
    assert server.requests == []

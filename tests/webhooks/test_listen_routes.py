"""Routing of ``listen``: PATTERN=URL, first match wins, config-file routes, filters and headers."""

from __future__ import annotations

import pytest

from stripecli.errors import UsageError
from stripecli.listen.routes import parse_events, parse_headers, parse_route, route_for, wanted
from stripecli.signing import SignatureError, sign_header, verify_header


def test_url_alone_takes_every_event_and_gets_a_scheme():
    route = parse_route("localhost:4242/webhook")
    assert (route.pattern, route.url) == ("*", "http://localhost:4242/webhook")
    assert parse_route("http://127.0.0.1:8000/hook?a=b").url == "http://127.0.0.1:8000/hook?a=b"


def test_pattern_route():
    route = parse_route("invoice.*=http://localhost:8000/billing")
    assert route.pattern == "invoice.*" and route.url == "http://localhost:8000/billing"
    assert route.matches("invoice.paid") and route.matches("invoice.payment_action_required")
    assert not route.matches("customer.created")


def test_first_matching_route_wins():
    routes = [parse_route("invoice.paid=http://a.test/paid"), parse_route("invoice.*=http://a.test/billing"),
              parse_route("http://a.test/all")]
    assert route_for({"type": "invoice.paid"}, routes, []).url == "http://a.test/paid"
    assert route_for({"type": "invoice.created"}, routes, []).url == "http://a.test/billing"
    assert route_for({"type": "customer.created"}, routes, []).url == "http://a.test/all"
    assert route_for({"type": "customer.created"}, routes[:2], []) is None


def test_connect_events_use_connect_routes_when_given():
    routes = [parse_route("http://a.test/platform")]
    connect = [parse_route("http://a.test/connect")]
    assert route_for({"type": "account.updated", "account": "acct_1"}, routes, connect).url == "http://a.test/connect"
    assert route_for({"type": "account.updated", "account": "acct_1"}, routes, []).url == "http://a.test/platform"
    assert route_for({"type": "account.updated"}, routes, connect).url == "http://a.test/platform"


@pytest.mark.parametrize("text, message", [
    ("", "empty"),
    ("ftp://host/x", "is not an http(s) URL"),
    ("Invoice Paid=http://a.test/x", "is not an event type or pattern"),
])
def test_bad_routes(text, message):
    with pytest.raises(UsageError) as info:
        parse_route(text)
    assert message in info.value.message and "--forward-to" in info.value.message


def test_events_filter():
    patterns = parse_events(["customer.created,invoice.*", " payment_intent.succeeded "])
    assert patterns == ["customer.created", "invoice.*", "payment_intent.succeeded"]
    assert wanted("invoice.paid", patterns) and not wanted("customer.updated", patterns)
    assert parse_events(["*"]) == [] and wanted("anything", [])
    with pytest.raises(UsageError):
        parse_events(["Customer Created"])


def test_thin_events_are_forwarded_only_when_the_events_filter_names_them():
    assert not wanted("v1.billing.meter.no_meter_found", [])
    assert not wanted("v1.billing.meter.no_meter_found", parse_events(["*"]))
    assert not wanted("v1.billing.meter.no_meter_found", ["billing.meter.*"])
    assert wanted("v1.billing.meter.no_meter_found", ["v1.billing.meter.*"])
    assert wanted("v1.billing.meter.error_report_triggered", parse_events(["invoice.*,v1.billing.meter.*"]))
    assert wanted("billing.meter.created", [])  # a snapshot event named like one is not thin


def test_headers():
    assert parse_headers(["X-Env: dev, X-Team: billing", "Authorization: Bearer abc"]) == [
        ("X-Env", "dev"), ("X-Team", "billing"), ("Authorization", "Bearer abc")]
    for bad in ("no colon", "Stripe-Signature: forged"):
        with pytest.raises(UsageError) as info:
            parse_headers([bad])
        assert "--headers" in info.value.message


def test_signing_matches_stripe_python():
    import stripe

    payload = b'{"id": "evt_1", "object": "event", "type": "customer.created"}'
    secret = "whsec_fake123"
    header = sign_header(payload, secret, 1_700_000_000)
    assert header.startswith("t=1700000000,v1=")
    stripe.WebhookSignature.verify_header(payload.decode(), header, secret, tolerance=None)
    assert verify_header(payload, header, secret, tolerance=None) == 1_700_000_000
    with pytest.raises(SignatureError):
        verify_header(payload + b" ", header, secret, tolerance=None)
    with pytest.raises(SignatureError):
        verify_header(payload, header, secret, tolerance=300, now=1_700_000_000 + 301)
    with pytest.raises(stripe.SignatureVerificationError):
        stripe.WebhookSignature.verify_header(payload.decode(), header, "whsec_other", tolerance=None)


def test_config_file_routes_come_after_flags(cli, monkeypatch, tmp_path):
    import tomli_w

    from stripecli import config

    config.config_dir().mkdir(parents=True, exist_ok=True)
    config.profiles_path().write_bytes(tomli_w.dumps({"profiles": {"local": {"listen": {
        "forward_to": ["invoice.*=http://localhost:8000/billing", "http://localhost:4242/all"],
        "events": ["invoice.*", "customer.*"], "headers": ["X-Env: dev"]}}}}).encode())
    from stripecli.commands.listen import build_plan
    from stripecli.surface.options import GlobalOptions

    plan, headers = build_plan(GlobalOptions(local=True), True, ("invoice.paid=http://localhost:9000/paid",), (), (), ())
    assert [str(r) for r in plan.routes] == ["invoice.paid=http://localhost:9000/paid",
                                             "invoice.*=http://localhost:8000/billing", "http://localhost:4242/all"]
    assert plan.events == ["invoice.*", "customer.*"] and headers == [("X-Env", "dev")]
    plan, _ = build_plan(GlobalOptions(local=True), True, (), (), ("charge.*",), ())
    assert plan.events == ["charge.*"]  # --events replaces the file's filter


def test_bad_config_file_value_is_exit_2(cli, monkeypatch):
    import tomli_w

    from stripecli import config

    config.config_dir().mkdir(parents=True, exist_ok=True)
    config.profiles_path().write_bytes(tomli_w.dumps({"profiles": {"local": {"listen": {"forward_to": 5}}}}).encode())
    result = cli("listen", "--local", "--print-secret")
    assert result.exit_code == 2
    assert "invalid value for forward_to in" in result.stderr and "[profiles.local.listen]" in result.stderr


def test_bad_flags_are_exit_2(cli):
    for args, flag in ((["--forward-to", "ftp://x"], "--forward-to"), (["--events", "Not An Event"], "--events"),
                       (["--headers", "nocolon"], "--headers")):
        result = cli("listen", "--local", *args)
        assert result.exit_code == 2, result.stderr
        assert result.stderr.startswith(f"error: invalid value for {flag}")


def test_print_secret_is_stable_per_data_dir_and_profile(cli, monkeypatch, tmp_path):
    first = cli("listen", "--local", "--print-secret")
    assert first.exit_code == 0 and first.stdout.startswith("whsec_") and first.stderr == ""
    assert cli("listen", "--local", "--print-secret").stdout == first.stdout
    monkeypatch.setenv("STRIPECLI_DATA_DIR", str(tmp_path / "other"))
    other = cli("listen", "--local", "--print-secret").stdout
    assert other.startswith("whsec_") and other != first.stdout
    monkeypatch.setenv("STRIPE_API_KEY", "sk_test_fake123")
    account = cli("listen", "--print-secret").stdout
    assert account.startswith("whsec_") and account not in (first.stdout, other)
    assert cli("listen", "--print-secret").stdout == account
    other_profile = cli("listen", "--print-secret", "--profile", "ci").stdout
    assert other_profile.startswith("whsec_") and other_profile != account  # one secret per profile

"""Which key a call uses: --api-key, then STRIPE_API_KEY, then the selected profile's keyring
entry (--profile, then STRIPE_PROFILE, then the default); --live picks the live key."""

from __future__ import annotations

import pytest

from tests.fakeserver import Reply

from .conftest import LIVE_KEY, TEST_KEY

FLAG_KEY = "sk_test_flag111aaaa"
ENV_KEY = "sk_test_env222bbbb"
WORK_KEY = "sk_test_work333cccc"
CI_KEY = "sk_test_ci444dddd"
EMPTY_LIST = {"object": "list", "data": [], "has_more": False, "url": "/v1/customers"}


@pytest.fixture
def profiles(logged_in, api, run_cli):
    """default (test + live), work and ci profiles, all against the fake API."""
    logged_in(TEST_KEY)
    logged_in(LIVE_KEY)
    logged_in(WORK_KEY, "work")
    logged_in(CI_KEY, "ci")
    api.on("GET", "/v1/customers", Reply(200, json=EMPTY_LIST), repeat=True)
    api.on("GET", "/v1/balance", Reply(200, json={"object": "balance"}), repeat=True)
    return api


def key_used(api) -> str:
    auth = api.requests[-1].header("Authorization")
    assert auth and auth.startswith("Bearer ")
    return auth[len("Bearer "):]


def test_flag_beats_environment_beats_profile(profiles, run_cli, monkeypatch):
    monkeypatch.setenv("STRIPE_API_KEY", ENV_KEY)
    monkeypatch.setenv("STRIPE_PROFILE", "work")
    result = run_cli("customers", "list", "--api-key", FLAG_KEY, "--profile", "ci", "--api-base", profiles.url)
    assert result.exit_code == 0, result.stderr
    assert key_used(profiles) == FLAG_KEY
    assert "warning: --api-key is visible to other users of this machine" in result.stderr

    result = run_cli("customers", "list", "--profile", "ci", "--api-base", profiles.url)
    assert result.exit_code == 0, result.stderr
    assert key_used(profiles) == ENV_KEY
    assert "warning" not in result.stderr

    monkeypatch.delenv("STRIPE_API_KEY")
    assert run_cli("customers", "list", "--profile", "ci").exit_code == 0
    assert key_used(profiles) == CI_KEY


def test_profile_flag_beats_stripe_profile_beats_the_default(profiles, run_cli, monkeypatch):
    assert run_cli("customers", "list").exit_code == 0
    assert key_used(profiles) == TEST_KEY
    monkeypatch.setenv("STRIPE_PROFILE", "work")
    assert run_cli("customers", "list").exit_code == 0
    assert key_used(profiles) == WORK_KEY
    assert run_cli("customers", "list", "--profile", "ci").exit_code == 0
    assert key_used(profiles) == CI_KEY


def test_the_live_key_is_used_only_with_live(profiles, run_cli):
    assert run_cli("customers", "list").exit_code == 0
    assert key_used(profiles) == TEST_KEY
    assert run_cli("customers", "list", "--live").exit_code == 0
    assert key_used(profiles) == LIVE_KEY


def test_live_without_a_live_key_in_the_profile_exits_3(profiles, run_cli):
    before = len(profiles.requests)
    result = run_cli("customers", "list", "--live", "--profile", "work")
    assert result.exit_code == 3
    assert "profile 'work' has no live key" in result.stderr
    assert len(profiles.requests) == before


def test_live_with_a_test_key_from_the_environment_is_refused(profiles, run_cli, monkeypatch):
    monkeypatch.setenv("STRIPE_API_KEY", ENV_KEY)
    result = run_cli("customers", "list", "--live")
    assert result.exit_code == 2
    assert "--live" in result.stderr and "STRIPE_API_KEY" in result.stderr


def test_only_a_live_key_needs_live(run_cli, api, logged_in):
    logged_in(LIVE_KEY, "prod")
    result = run_cli("customers", "list", "--profile", "prod")
    assert result.exit_code == 3
    assert "only a live key" in result.stderr and "--live" in result.stderr


def test_unknown_profile_names_the_known_ones(profiles, run_cli, monkeypatch):
    result = run_cli("customers", "list", "--profile", "nope")
    assert result.exit_code == 3
    assert "no profile named 'nope'" in result.stderr and "ci, default, work" in result.stderr
    monkeypatch.setenv("STRIPE_PROFILE", "nada")
    result = run_cli("customers", "list")
    assert result.exit_code == 3
    assert "STRIPE_PROFILE" in result.stderr


def test_no_key_anywhere_names_the_choices(run_cli, api):
    result = run_cli("customers", "list", "--api-base", api.url)
    assert result.exit_code == 3
    assert "STRIPE_API_KEY" in result.stderr and "--api-key" in result.stderr and "stripecli auth login" in result.stderr
    assert api.requests == []


def test_dry_run_needs_no_key(run_cli):
    result = run_cli("customers", "list", "--dry-run")
    assert result.exit_code == 0, result.stderr
    assert result.stdout.startswith("curl ") and "Authorization" not in result.stdout


def test_the_profiles_base_url_applies_unless_overridden(profiles, run_cli, monkeypatch):
    from tests.fakeserver import FakeServer

    assert run_cli("customers", "list").exit_code == 0  # the profile's saved base (the fake API)
    with FakeServer() as other:
        other.on("GET", "/v1/customers", Reply(200, json=EMPTY_LIST))
        monkeypatch.setenv("STRIPE_API_BASE", other.url)
        assert run_cli("customers", "list").exit_code == 0
        assert len(other.requests) == 1


def test_an_environment_key_does_not_take_the_profiles_base_url(profiles, run_cli, monkeypatch):
    monkeypatch.setenv("STRIPE_API_KEY", ENV_KEY)
    result = run_cli("customers", "list", "--dry-run")
    assert "https://api.stripe.com/v1/customers" in result.stdout


def test_the_keyring_is_not_asked_when_a_key_is_given(profiles, run_cli, monkeypatch, memory_keyring):
    memory_keyring.calls.clear()
    monkeypatch.setenv("STRIPE_API_KEY", ENV_KEY)
    assert run_cli("customers", "list", "--api-base", profiles.url).exit_code == 0
    assert memory_keyring.calls == []


def test_keyring_items_are_named_per_profile_and_mode(profiles, memory_keyring):
    assert set(memory_keyring.items) == {
        ("stripecli", "default:test"), ("stripecli", "default:live"),
        ("stripecli", "work:test"), ("stripecli", "ci:test"),
    }

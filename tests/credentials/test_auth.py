"""An operator's `stripecli auth` session: log in by prompt or by stdin, check, list, switch and
log out. Keys go to the (in-memory) keyring; profiles.toml holds nothing secret."""

from __future__ import annotations

import json
import os
import stat
import sys

import pytest

from stripecli import config
from tests.fakeserver import Reply, stripe_error

from .conftest import LIVE_KEY, TEST_KEY, account_reply

SERVICE = "stripecli"


def profiles_text(config_dir) -> str:
    return (config_dir / "profiles.toml").read_text()


# -- login -------------------------------------------------------------------------------


def test_login_by_hidden_prompt_verifies_and_stores_the_key_in_the_keyring(run_cli, api, memory_keyring, config_dir, monkeypatch):
    from stripecli.commands import auth_keys

    prompts = []
    monkeypatch.setattr(auth_keys, "prompt_secret", lambda prompt: prompts.append(prompt) or TEST_KEY)
    api.on("GET", "/v1/account", account_reply())

    result = run_cli("auth", "login", "--api-base", api.url, tty=True)

    assert result.exit_code == 0, result.stderr
    assert prompts and "sk_test_" in prompts[0]
    assert memory_keyring.items == {(SERVICE, "default:test"): TEST_KEY}
    [request] = api.requests
    assert (request.method, request.path) == ("GET", "/v1/account")
    assert request.header("Authorization") == f"Bearer {TEST_KEY}"
    assert result.stdout == ""
    assert "Logged in: profile 'default', test mode for acct_1Fake (Acme Test), key sk_test_...abcd" in result.stderr
    assert TEST_KEY not in result.output

    data = config.load_profiles()
    assert data["default_profile"] == "default"
    entry = data["profiles"]["default"]["test"]
    assert entry["key"] == "sk_test_...abcd"
    assert entry["storage"] == "keyring"
    assert entry["account_id"] == "acct_1Fake"
    assert entry["account_name"] == "Acme Test"
    assert entry["verified"] is True
    assert entry["saved_at"].endswith("Z")
    assert data["profiles"]["default"]["api_base"] == api.url
    assert TEST_KEY not in profiles_text(config_dir)


def test_profiles_file_is_0600_in_a_0700_dir(logged_in, config_dir):
    logged_in()
    assert stat.S_IMODE(os.stat(config_dir).st_mode) == 0o700
    assert stat.S_IMODE(os.stat(config_dir / "profiles.toml").st_mode) == 0o600
    assert not (config_dir / "credentials.toml").exists()


def test_login_by_stdin(run_cli, api, memory_keyring):
    api.on("GET", "/v1/account", account_reply())
    result = run_cli("auth", "login", "--api-key-stdin", "--api-base", api.url, "--profile", "work",
                     stdin=TEST_KEY + "\n")
    assert result.exit_code == 0, result.stderr
    assert memory_keyring.items == {(SERVICE, "work:test"): TEST_KEY}
    assert config.load_profiles()["profiles"]["work"]["test"]["account_id"] == "acct_1Fake"


def test_login_uses_business_name_when_the_dashboard_has_none(run_cli, api):
    api.on("GET", "/v1/account", account_reply({"id": "acct_2", "business_profile": {"name": "Beta Ltd"}}))
    assert run_cli("auth", "login", "--api-key-stdin", "--api-base", api.url, stdin=TEST_KEY).exit_code == 0
    assert config.load_profiles()["profiles"]["default"]["test"]["account_name"] == "Beta Ltd"


def test_login_without_a_terminal_asks_for_api_key_stdin(run_cli, memory_keyring, config_dir):
    result = run_cli("auth", "login", stdin=TEST_KEY + "\n", tty=False)
    assert result.exit_code == 2
    assert "--api-key-stdin" in result.stderr
    assert memory_keyring.items == {}
    assert not (config_dir / "profiles.toml").exists()


def test_login_with_empty_stdin_is_a_usage_error(run_cli, memory_keyring):
    result = run_cli("auth", "login", "--api-key-stdin", stdin="")
    assert result.exit_code == 2
    assert "stdin was empty" in result.stderr
    assert memory_keyring.items == {}


def test_rejected_key_is_not_stored_and_exits_3(run_cli, api, memory_keyring, config_dir):
    api.on("GET", "/v1/account", Reply(401, json=stripe_error("invalid_request_error",
                                                              "Invalid API Key provided: sk_test_***********abcd")))
    result = run_cli("auth", "login", "--api-key-stdin", "--api-base", api.url, stdin=TEST_KEY)
    assert result.exit_code == 3
    assert "rejected the key sk_test_...abcd" in result.stderr
    assert "nothing was stored" in result.stderr
    assert memory_keyring.items == {}
    assert not (config_dir / "profiles.toml").exists()
    assert TEST_KEY not in result.output


def test_verification_server_error_stores_nothing_and_suggests_no_verify(run_cli, api, memory_keyring):
    api.on("GET", "/v1/account", Reply(500, json=stripe_error("api_error", "boom"), headers={"Stripe-Should-Retry": "false"}))
    result = run_cli("auth", "login", "--api-key-stdin", "--api-base", api.url, stdin=TEST_KEY)
    assert result.exit_code == 1
    assert "--no-verify" in result.stderr
    assert memory_keyring.items == {}


def test_restricted_key_that_may_not_read_the_account_is_stored_with_a_warning(run_cli, api, memory_keyring):
    key = "rk_test_fake789rstu"
    api.on("GET", "/v1/account", Reply(403, json=stripe_error("invalid_request_error", "not allowed")))
    result = run_cli("auth", "login", "--api-key-stdin", "--api-base", api.url, stdin=key)
    assert result.exit_code == 0, result.stderr
    assert "warning:" in result.stderr and "403" in result.stderr
    assert memory_keyring.items == {(SERVICE, "default:test"): key}


def test_no_verify_sends_nothing(run_cli, api, memory_keyring):
    result = run_cli("auth", "login", "--api-key-stdin", "--no-verify", "--api-base", api.url, stdin=TEST_KEY)
    assert result.exit_code == 0, result.stderr
    assert api.requests == []
    assert memory_keyring.items == {(SERVICE, "default:test"): TEST_KEY}
    assert config.load_profiles()["profiles"]["default"]["test"]["verified"] is False


def test_login_honours_stripe_api_base_for_the_check(run_cli, api, monkeypatch):
    monkeypatch.setenv("STRIPE_API_BASE", api.url)
    api.on("GET", "/v1/account", account_reply())
    assert run_cli("auth", "login", "--api-key-stdin", stdin=TEST_KEY).exit_code == 0
    assert len(api.requests) == 1
    # only an explicit --api-base is saved with the profile
    assert "api_base" not in config.load_profiles()["profiles"]["default"]


@pytest.mark.parametrize("key,secret", [("pk_test_fake123abcd", "sk_test_..."), ("pk_live_fake123abcd", "sk_live_...")])
def test_publishable_keys_are_refused_with_the_key_to_use(run_cli, api, memory_keyring, key, secret):
    result = run_cli("auth", "login", "--api-key-stdin", "--api-base", api.url, stdin=key)
    assert result.exit_code == 2
    assert "publishable key" in result.stderr
    assert f"secret key ({secret})" in result.stderr
    assert api.requests == []
    assert memory_keyring.items == {}


def test_publishable_key_in_the_environment_is_refused_before_sending(run_cli, api, monkeypatch):
    monkeypatch.setenv("STRIPE_API_KEY", "pk_test_fake123abcd")
    monkeypatch.setenv("STRIPE_API_BASE", api.url)
    result = run_cli("customers", "list")
    assert result.exit_code == 2
    assert "STRIPE_API_KEY is a publishable key" in result.stderr
    assert api.requests == []


@pytest.mark.parametrize("key", ["hello-world-123456", "sk_prod_fake123abcd", "sk_test_has space", "whsec_fake123abcd"])
def test_other_strings_are_not_secret_keys(run_cli, memory_keyring, key):
    result = run_cli("auth", "login", "--api-key-stdin", "--no-verify", stdin=key)
    assert result.exit_code == 2
    assert "not a Stripe secret key" in result.stderr
    assert key not in result.output
    assert memory_keyring.items == {}


def test_live_key_becomes_the_profiles_live_key_next_to_its_test_key(logged_in, memory_keyring):
    logged_in(TEST_KEY)
    result = logged_in(LIVE_KEY)
    assert "live mode" in result.stderr and "--live" in result.stderr
    assert memory_keyring.items == {(SERVICE, "default:test"): TEST_KEY, (SERVICE, "default:live"): LIVE_KEY}
    profile = config.load_profiles()["profiles"]["default"]
    assert profile["test"]["key"] == "sk_test_...abcd"
    assert profile["live"]["key"] == "sk_live_...wxyz"


def test_login_to_a_second_profile_keeps_the_default(logged_in):
    logged_in(TEST_KEY)
    result = logged_in("sk_test_other999zzzz", "work")
    assert "'default' is still the default profile" in result.stderr
    assert config.load_profiles()["default_profile"] == "default"


def test_invalid_profile_names_are_refused(run_cli, memory_keyring):
    for name in ("../etc", "a b", "local"):
        result = run_cli("auth", "login", "--api-key-stdin", "--no-verify", "--profile", name, stdin=TEST_KEY)
        assert result.exit_code == 2, name
        assert "--profile" in result.stderr
    assert memory_keyring.items == {}


def test_insecure_storage_writes_a_0600_file_and_warns(run_cli, memory_keyring, config_dir, monkeypatch):
    result = run_cli("auth", "login", "--api-key-stdin", "--no-verify", "--insecure-storage", stdin=TEST_KEY)
    assert result.exit_code == 0, result.stderr
    assert "warning:" in result.stderr and "unencrypted" in result.stderr
    assert memory_keyring.items == {}
    creds_file = config_dir / "credentials.toml"
    assert stat.S_IMODE(os.stat(creds_file).st_mode) == 0o600
    assert TEST_KEY in creds_file.read_text()
    assert TEST_KEY not in profiles_text(config_dir)
    status = run_cli("auth", "status", "--no-verify")
    assert status.exit_code == 0, status.stderr
    assert "source: file" in status.stdout
    assert memory_keyring.calls == []


def test_logging_in_again_to_the_keyring_removes_the_insecure_copy(run_cli, memory_keyring, config_dir):
    run_cli("auth", "login", "--api-key-stdin", "--no-verify", "--insecure-storage", stdin=TEST_KEY)
    result = run_cli("auth", "login", "--api-key-stdin", "--no-verify", stdin=TEST_KEY)
    assert result.exit_code == 0, result.stderr
    assert not (config_dir / "credentials.toml").exists()
    assert memory_keyring.items == {(SERVICE, "default:test"): TEST_KEY}


# -- status ------------------------------------------------------------------------------


def test_status_shows_profile_mode_account_masked_key_and_source(logged_in, run_cli, api):
    logged_in()
    api.on("GET", "/v1/account", account_reply())
    result = run_cli("auth", "status")
    assert result.exit_code == 0, result.stderr
    assert result.stdout.splitlines() == [
        "profile: default",
        "mode: test",
        "account: acct_1Fake (Acme Test)",
        "key: sk_test_...abcd",
        "source: keyring",
        "valid: yes",
    ]
    # the profile's saved base URL was used for the check
    assert api.requests[-1].path == "/v1/account"


def test_status_json(logged_in, run_cli, api):
    logged_in()
    api.on("GET", "/v1/account", account_reply())
    result = run_cli("auth", "status", "-o", "json")
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout) == {
        "profile": "default", "mode": "test", "account": {"id": "acct_1Fake", "name": "Acme Test"},
        "key": "sk_test_...abcd", "source": "keyring", "valid": True,
    }


def test_status_without_verify_sends_nothing(logged_in, run_cli, api):
    logged_in()
    before = len(api.requests)
    result = run_cli("auth", "status", "--no-verify")
    assert result.exit_code == 0
    assert "account: acct_1Fake (Acme Test)" in result.stdout
    assert len(api.requests) == before


def test_status_of_a_key_from_the_environment(run_cli, api, monkeypatch):
    monkeypatch.setenv("STRIPE_API_KEY", TEST_KEY)
    monkeypatch.setenv("STRIPE_API_BASE", api.url)
    api.on("GET", "/v1/account", account_reply())
    result = run_cli("auth", "status")
    assert result.exit_code == 0, result.stderr
    assert "source: environment" in result.stdout
    assert "profile: -" in result.stdout
    assert "account: acct_1Fake (Acme Test)" in result.stdout


def test_status_of_a_key_from_the_flag_warns(run_cli, api):
    api.on("GET", "/v1/account", account_reply())
    result = run_cli("auth", "status", "--api-key", TEST_KEY, "--api-base", api.url)
    assert result.exit_code == 0, result.stderr
    assert "source: flag" in result.stdout
    assert "warning: --api-key is visible to other users of this machine" in result.stderr


def test_status_with_an_invalid_key_says_so_and_exits_3(logged_in, run_cli, api):
    logged_in()
    api.on("GET", "/v1/account", Reply(401, json=stripe_error("invalid_request_error", "Invalid API Key provided")))
    result = run_cli("auth", "status")
    assert result.exit_code == 3
    assert "key: sk_test_...abcd" in result.stdout
    assert "valid: no" in result.stdout
    assert "error: the key sk_test_...abcd is invalid" in result.stderr


def test_status_when_not_logged_in_names_the_ways_to_log_in(run_cli):
    result = run_cli("auth", "status")
    assert result.exit_code == 3
    assert "STRIPE_API_KEY" in result.stderr and "stripecli auth login" in result.stderr
    assert result.stdout == ""


# -- list, switch, logout ----------------------------------------------------------------


def test_list_shows_profiles_with_masked_keys(logged_in, run_cli):
    logged_in(TEST_KEY)
    logged_in(LIVE_KEY)
    logged_in("sk_test_other999zzzz", "work")
    result = run_cli("auth", "list")
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert lines[0].split() == ["PROFILE", "ACCOUNT", "TEST", "KEY", "LIVE", "KEY", "STORAGE"]
    assert lines[1].split() == ["*", "default", "acct_1Fake", "(Acme", "Test)", "sk_test_...abcd", "sk_live_...wxyz", "keyring"]
    assert lines[2].split() == ["work", "acct_1Fake", "(Acme", "Test)", "sk_test_...zzzz", "-", "keyring"]
    for key in (TEST_KEY, LIVE_KEY, "sk_test_other999zzzz"):
        assert key not in result.output


def test_list_json(logged_in, run_cli):
    logged_in()
    rows = json.loads(run_cli("auth", "list", "-o", "json").stdout)
    assert rows[0]["name"] == "default" and rows[0]["default"] is True
    assert rows[0]["test_key"] == "sk_test_...abcd" and rows[0]["live_key"] is None


def test_list_with_no_profiles(run_cli):
    result = run_cli("auth", "list")
    assert result.exit_code == 0
    assert result.stdout == ""
    assert "stripecli auth login" in result.stderr


def test_switch_changes_the_default_profile(logged_in, run_cli, api):
    logged_in(TEST_KEY)
    logged_in("sk_test_other999zzzz", "work")
    result = run_cli("auth", "switch", "work")
    assert result.exit_code == 0
    assert config.load_profiles()["default_profile"] == "work"
    api.on("GET", "/v1/customers", Reply(200, json={"object": "list", "data": [], "has_more": False}))
    assert run_cli("customers", "list").exit_code == 0
    assert api.requests[-1].header("Authorization") == "Bearer sk_test_other999zzzz"
    assert "* " in [l for l in run_cli("auth", "list").stdout.splitlines() if "work" in l][0]


def test_switch_to_an_unknown_profile_is_refused(logged_in, run_cli):
    logged_in()
    result = run_cli("auth", "switch", "nope")
    assert result.exit_code == 2
    assert "no profile named 'nope'" in result.stderr and "default" in result.stderr
    assert config.load_profiles()["default_profile"] == "default"


def test_logout_deletes_both_keys_and_the_profile(logged_in, run_cli, memory_keyring):
    logged_in(TEST_KEY)
    logged_in(LIVE_KEY)
    logged_in("sk_test_other999zzzz", "work")
    result = run_cli("auth", "logout")
    assert result.exit_code == 0, result.stderr
    assert memory_keyring.items == {(SERVICE, "work:test"): "sk_test_other999zzzz"}
    data = config.load_profiles()
    assert list(data["profiles"]) == ["work"]
    assert "default_profile" not in data
    assert "auth switch" in result.stderr


def test_logout_all(logged_in, run_cli, memory_keyring, config_dir):
    logged_in(TEST_KEY)
    logged_in("sk_test_other999zzzz", "work")
    run_cli("auth", "login", "--api-key-stdin", "--no-verify", "--insecure-storage", "--profile", "ci", stdin=TEST_KEY)
    result = run_cli("auth", "logout", "--all")
    assert result.exit_code == 0, result.stderr
    assert memory_keyring.items == {}
    assert config.load_profiles().get("profiles") == {}
    assert not (config_dir / "credentials.toml").exists()


def test_logout_of_an_unknown_profile(run_cli):
    result = run_cli("auth", "logout", "--profile", "ghost")
    assert result.exit_code == 1
    assert "not logged in to profile 'ghost'" in result.stderr


def test_after_logout_commands_have_no_key(logged_in, run_cli):
    logged_in()
    run_cli("auth", "logout")
    result = run_cli("customers", "list")
    assert result.exit_code == 3
    assert "STRIPE_API_KEY" in result.stderr


# -- config dir ----------------------------------------------------------------------------


def test_config_dir_defaults_to_the_platform_dir(monkeypatch):
    import platformdirs

    monkeypatch.delenv("STRIPECLI_CONFIG_DIR")
    assert str(config.config_dir()) == platformdirs.user_config_dir("stripecli", appauthor=False)


def test_import_of_credentials_does_not_load_keyring():
    import subprocess

    code = ("import sys; import stripecli.cli, stripecli.credentials, stripecli.config, stripecli.runner; "
            "print('keyring' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "False"

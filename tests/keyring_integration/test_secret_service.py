"""Against a real Secret Service (gnome-keyring on a private D-Bus session): `auth login` stores a
real item, commands read it, `auth logout` deletes it. Skipped unless such a keyring is up; see
docs/profiles.md, "Testing against a real Secret Service", for how CI starts one.

With ``STRIPECLI_REQUIRE_SECRET_SERVICE=1`` (set it in CI) a missing keyring fails the tests
instead of skipping them.

Every stripecli run here is a separate process, so it detects the keyring backend exactly as an
operator's shell would. The profile name is unique per run, and the items are deleted at the end.
"""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from pathlib import Path
from typing import Iterator

import pytest

pytestmark = pytest.mark.keyring_integration

ROOT = Path(__file__).resolve().parents[2]
KEY = "sk_test_fakeIntegration0123abcd"
LIVE_KEY = "sk_live_fakeIntegr0123"

_PROBE = r"""
import sys, uuid
import keyring
backend = keyring.get_keyring()
name = type(backend).__module__ + "." + type(backend).__name__
if name != "keyring.backends.SecretService.Keyring":
    print("the keyring backend is " + name + ", not SecretService"); sys.exit(1)
user = "probe-" + uuid.uuid4().hex
try:
    backend.set_password("stripecli-probe", user, "x")
    ok = backend.get_password("stripecli-probe", user) == "x"
    backend.delete_password("stripecli-probe", user)
except Exception as exc:
    print("a probe write/read/delete failed: %s: %s" % (type(exc).__name__, exc)); sys.exit(1)
print("ok" if ok else "the probe item did not read back")
sys.exit(0 if ok else 1)
"""


def _env(config_dir: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("STRIPE_", "STRIPECLI_", "PYTHON_KEYRING"))}
    env["STRIPECLI_CONFIG_DIR"] = str(config_dir)
    env["PYTHONPATH"] = str(ROOT)
    return env


def _unavailable(reason: str) -> None:
    """Skip; or fail when STRIPECLI_REQUIRE_SECRET_SERVICE=1 (CI), so a broken setup is not hidden."""
    if os.environ.get("STRIPECLI_REQUIRE_SECRET_SERVICE") == "1":
        pytest.fail(f"STRIPECLI_REQUIRE_SECRET_SERVICE=1 but {reason}", pytrace=False)
    pytest.skip(reason)


@pytest.fixture(scope="module")
def secret_service() -> None:
    if not os.environ.get("DBUS_SESSION_BUS_ADDRESS"):
        _unavailable("no D-Bus session (DBUS_SESSION_BUS_ADDRESS is unset): run under dbus-run-session "
                    "with gnome-keyring-daemon --components=secrets, see docs/profiles.md")
    try:
        probe = subprocess.run([sys.executable, "-c", _PROBE], capture_output=True, text=True, timeout=30)
    except subprocess.TimeoutExpired:
        _unavailable("the Secret Service did not answer a probe within 30 s")
    if probe.returncode != 0:
        lines = (probe.stdout + probe.stderr).strip().splitlines()
        _unavailable(f"no usable Secret Service: {lines[-1] if lines else 'the probe failed'}")


def _stripecli(args: list[str], env: dict[str, str], stdin: str = "") -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "stripecli", *args], input=stdin, capture_output=True, text=True,
                          env=env, timeout=60, cwd=str(ROOT))


def _read_item(user: str) -> str | None:
    code = "import sys, keyring; print(keyring.get_password('stripecli', sys.argv[1]) or '')"
    out = subprocess.run([sys.executable, "-c", code, user], capture_output=True, text=True, timeout=30, check=True)
    return out.stdout.strip() or None


def _delete_item(user: str) -> None:
    code = ("import sys, keyring\n"
            "try:\n    keyring.delete_password('stripecli', sys.argv[1])\nexcept keyring.errors.PasswordDeleteError:\n    pass")
    subprocess.run([sys.executable, "-c", code, user], capture_output=True, timeout=30)


@pytest.fixture
def profile(secret_service: None) -> Iterator[str]:
    name = "it-" + uuid.uuid4().hex[:12]
    yield name
    for mode in ("test", "live"):
        _delete_item(f"{name}:{mode}")


def test_login_stores_a_real_item_and_logout_deletes_it(profile, tmp_path):
    env = _env(tmp_path / "config")
    login = _stripecli(["auth", "login", "--api-key-stdin", "--no-verify", "--profile", profile], env, stdin=KEY + "\n")
    assert login.returncode == 0, login.stderr
    assert "stored in the OS keyring" in login.stderr
    assert _read_item(f"{profile}:test") == KEY
    assert KEY not in (tmp_path / "config" / "profiles.toml").read_text()
    assert not (tmp_path / "config" / "credentials.toml").exists()

    status = _stripecli(["auth", "status", "--no-verify", "--profile", profile], env)
    assert status.returncode == 0, status.stderr
    assert "source: keyring" in status.stdout
    assert "key: sk_test_...abcd" in status.stdout

    dry = _stripecli(["customers", "list", "--profile", profile, "--dry-run"], env)
    assert dry.returncode == 0, dry.stderr
    assert "Bearer sk_test_...abcd" in dry.stdout

    logout = _stripecli(["auth", "logout", "--profile", profile], env)
    assert logout.returncode == 0, logout.stderr
    assert _read_item(f"{profile}:test") is None
    for run in (login, status, dry, logout):
        assert KEY not in run.stdout + run.stderr


def test_a_live_key_is_its_own_item(profile, tmp_path):
    env = _env(tmp_path / "config")
    for key in (KEY, LIVE_KEY):
        result = _stripecli(["auth", "login", "--api-key-stdin", "--no-verify", "--profile", profile], env, stdin=key)
        assert result.returncode == 0, result.stderr
    assert _read_item(f"{profile}:test") == KEY
    assert _read_item(f"{profile}:live") == LIVE_KEY
    status = _stripecli(["auth", "status", "--no-verify", "--live", "--profile", profile], env)
    assert "key: sk_live_...0123" in status.stdout
    assert _stripecli(["auth", "logout", "--all"], env).returncode == 0
    assert _read_item(f"{profile}:test") is None
    assert _read_item(f"{profile}:live") is None

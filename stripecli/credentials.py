"""Where the secret key of a call comes from, the OS keyring, and the live-mode guard.

Precedence: ``--api-key`` (with a warning: flags are visible to other users of the machine), then
``STRIPE_API_KEY``, then the selected profile's key (``--profile``, then ``STRIPE_PROFILE``, then
the default profile): its test key, or with ``--live`` its live key. Profile keys live in the OS
keyring (service ``stripecli``, user ``<profile>:test`` / ``<profile>:live``), or, after
``auth login --insecure-storage``, in a 0600 file; ``profiles.toml`` says which.

``keyring`` is imported on first use (it is slow to import and probes D-Bus), inside a worker
thread: every keyring call gives up after 3 s (``STRIPECLI_KEYRING_TIMEOUT``) instead of hanging
on a locked or absent Secret Service.

A ``Credentials`` never shows its key in ``repr()``; messages show ``mask_key(key)`` only.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from typing import Any, Callable

from stripecli.errors import AuthError, CliError, UsageError

LOCAL_KEY = "sk_test_local"
SERVICE = "stripecli"
KEYRING_TIMEOUT = 3.0

SECRET_PREFIXES = ("sk_test_", "sk_live_", "rk_test_", "rk_live_")
_KEY_SHAPE = re.compile(r"(?:sk|rk)_(?:test|live)_[A-Za-z0-9]+")

NO_KEYRING_CHOICES = (
    "set STRIPE_API_KEY for this shell, or run 'stripecli auth login --insecure-storage' "
    "to keep the key in a file readable only by you"
)


@dataclass
class Credentials:
    key: str | None = field(repr=False)
    source: str                 # flag | environment | keyring | file | local | none
    profile: str | None = None
    api_base: str | None = None
    account: str | None = None
    account_name: str | None = None

    @property
    def live(self) -> bool:
        return bool(self.key) and self.key.startswith(("sk_live_", "rk_live_"))

    @property
    def mode(self) -> str:
        return "live" if self.live else "test"

    @property
    def masked_key(self) -> str:
        from stripecli.redact import mask_key

        return mask_key(self.key)

    def account_label(self) -> str:
        if not self.account:
            return "unknown"
        return f"{self.account} ({self.account_name})" if self.account_name else self.account

    def __repr__(self) -> str:
        return (f"Credentials(key={self.masked_key!r}, source={self.source!r}, profile={self.profile!r}, "
                f"account={self.account!r})")


# -- keys ----------------------------------------------------------------------------------


def key_mode(key: str) -> str:
    return "live" if key.startswith(("sk_live_", "rk_live_")) else "test"


def refuse_publishable(key: str, origin: str) -> None:
    """A ``pk_`` key cannot call the API: say which key to use instead."""
    if key.startswith("pk_"):
        kind = "live" if key.startswith("pk_live_") else "test"
        raise UsageError(
            f"{origin} is a publishable key (pk_{kind}_...), which can only be used in browsers and apps: "
            f"use a secret key (sk_{kind}_...) or a restricted key (rk_{kind}_...) from "
            "Dashboard > Developers > API keys"
        )


def check_secret_key(key: str, origin: str = "the key") -> str:
    """The mode (``test``/``live``) of a secret or restricted key; a usage error for anything
    else. Never quotes the key."""
    refuse_publishable(key, origin)
    if not key.startswith(SECRET_PREFIXES):
        raise UsageError(f"{origin} is not a Stripe secret key: expected one starting with "
                         "sk_test_, sk_live_, rk_test_ or rk_live_")
    if not _KEY_SHAPE.fullmatch(key):
        raise UsageError(f"{origin} is not a Stripe secret key: after the prefix it may hold only letters and digits")
    return key_mode(key)


def keyring_username(profile: str, mode: str) -> str:
    return f"{profile}:{mode}"


# -- the keyring, with a timeout -----------------------------------------------------------


class KeyringUnavailable(AuthError):
    """No usable keyring backend, a keyring error, or a keyring that did not answer in time."""


def keyring_timeout() -> float:
    text = os.environ.get("STRIPECLI_KEYRING_TIMEOUT")
    if text:
        try:
            value = float(text)
            if value > 0:
                return value
        except ValueError:
            pass
    return KEYRING_TIMEOUT


def _unusable(backend: Any) -> bool:
    """The fail and null backends store nothing; a chainer with nothing to chain neither."""
    module = type(backend).__module__
    if module in ("keyring.backends.fail", "keyring.backends.null"):
        return True
    if module == "keyring.backends.chainer":
        return not getattr(backend, "backends", None)
    return False


def _call_keyring(what: str, fn: Callable[[Any], Any], secret: str | None = None) -> Any:
    """Run ``fn(backend)`` in a daemon thread and wait at most ``keyring_timeout()`` seconds.

    Backend detection (``keyring.get_keyring()``, which may talk to D-Bus) happens in the
    thread too, so a hanging Secret Service cannot hang the CLI."""
    import threading

    outcome: dict[str, Any] = {}

    def work() -> None:
        try:
            import keyring

            backend = keyring.get_keyring()
            if _unusable(backend):
                outcome["unavailable"] = True
                return
            outcome["value"] = fn(backend)
        except BaseException as exc:  # noqa: BLE001 - handed to the calling thread
            outcome["error"] = exc

    thread = threading.Thread(target=work, name="stripecli-keyring", daemon=True)
    thread.start()
    timeout = keyring_timeout()
    thread.join(timeout)
    if thread.is_alive():
        raise KeyringUnavailable(
            f"the OS keyring did not answer within {timeout:g} s while {what} (is it locked, or waiting "
            f"for a password prompt?): {NO_KEYRING_CHOICES}"
        )
    if outcome.get("unavailable"):
        raise _no_backend()
    error = outcome.get("error")
    if error is not None:
        from keyring.errors import NoKeyringError

        if isinstance(error, NoKeyringError):
            raise _no_backend()
        from stripecli.redact import redact

        detail = redact(" ".join(str(error).split()), secret) or "no details"
        raise KeyringUnavailable(
            f"the OS keyring failed while {what} ({type(error).__name__}: {detail}): {NO_KEYRING_CHOICES}"
        )
    return outcome.get("value")


def _no_backend() -> KeyringUnavailable:
    return KeyringUnavailable(
        "no OS keyring is available (on Linux: no Secret Service such as gnome-keyring on the session "
        f"D-Bus): {NO_KEYRING_CHOICES}"
    )


def keyring_get(profile: str, mode: str) -> str | None:
    user = keyring_username(profile, mode)
    return _call_keyring(f"reading {SERVICE}/{user}", lambda kr: kr.get_password(SERVICE, user))


def keyring_set(profile: str, mode: str, key: str) -> None:
    user = keyring_username(profile, mode)
    _call_keyring(f"storing {SERVICE}/{user}", lambda kr: kr.set_password(SERVICE, user, key), secret=key)


def keyring_delete(profile: str, mode: str) -> bool:
    """Delete one item; False when there was none."""
    user = keyring_username(profile, mode)

    def delete(kr: Any) -> bool:
        from keyring.errors import PasswordDeleteError

        try:
            kr.delete_password(SERVICE, user)
        except PasswordDeleteError:
            return False
        return True

    return bool(_call_keyring(f"deleting {SERVICE}/{user}", delete))


# -- resolution ----------------------------------------------------------------------------


def login_command(profile: str) -> str:
    """The command that stores a key for ``profile``."""
    return "stripecli auth login" + ("" if profile == "default" else f" --profile {profile}")


#: How to run without any key: the emulator (docs/emulator.md).
LOCAL_HINT = "or try it on the local emulator with no key: --local (or STRIPE_PROFILE=local)"


def _no_key(profile: str, mode: str, have_other: bool) -> AuthError:
    login = login_command(profile)
    if mode == "live":
        return AuthError(
            f"profile '{profile}' has no live key: run '{login}' with a live key (sk_live_... or rk_live_...) "
            "to add one")
    if have_other:
        return AuthError(f"profile '{profile}' has only a live key: add --live to use it, or run '{login}' with a "
                         "test key")
    return AuthError(f"no API key: set STRIPE_API_KEY, pass --api-key, or run '{login}'; {LOCAL_HINT}")


def resolve_credentials(opts: Any, env: Any, *, local: bool = False, required: bool = True) -> Credentials:
    """The key for this call and where it came from.

    With ``required`` (and no ``--dry-run``), having no key at all is an error that names the
    ways to give one; otherwise ``Credentials(None, "none")`` comes back.
    """
    environ = env.environ
    flag_key = (getattr(opts, "api_key", None) or "").strip()
    live_flag = bool(getattr(opts, "live", False))
    if flag_key:
        env.stderr.write("warning: --api-key is visible to other users of this machine (process list, shell "
                         "history); prefer STRIPE_API_KEY or 'stripecli auth login'\n")
        env.stderr.flush()
        refuse_publishable(flag_key, "--api-key")
        _check_live_flag(flag_key, live_flag, "--api-key")
        return Credentials(flag_key, "flag", None)
    env_key = environ.get("STRIPE_API_KEY", "").strip()
    if env_key:
        refuse_publishable(env_key, "STRIPE_API_KEY")
        _check_live_flag(env_key, live_flag, "STRIPE_API_KEY")
        return Credentials(env_key, "environment", None)
    if local:
        return Credentials(LOCAL_KEY, "local", "local")

    from stripecli import config

    data = config.load_profiles()
    name = config.selected_profile_name(getattr(opts, "profile", None), data, environ)
    explicit = bool(getattr(opts, "profile", None) or environ.get("STRIPE_PROFILE"))
    required = required and not getattr(opts, "dry_run", False)
    profile = config.get_profile(name, data)
    mode = "live" if live_flag else "test"
    if profile is None:
        if explicit:
            known = ", ".join(sorted((data.get("profiles") or {}).keys())) or "none yet"
            flag = "--profile" if getattr(opts, "profile", None) else "STRIPE_PROFILE"
            raise AuthError(f"no profile named '{name}' ({flag}; profiles: {known}): run 'stripecli auth login "
                            f"--profile {name}' to create it, or use STRIPE_PROFILE=local for the local emulator")
        if required:
            raise _no_key(name, mode, False)
        return Credentials(None, "none", name)
    entry = profile.get(mode)
    if not isinstance(entry, dict):
        if required:
            other = "test" if mode == "live" else "live"
            raise _no_key(name, mode, isinstance(profile.get(other), dict))
        return Credentials(None, "none", name, api_base=profile.get("api_base"))
    storage = entry.get("storage", "keyring")
    if storage == "file":
        key = config.read_file_key(name, mode)
        source = "file"
    else:
        key = keyring_get(name, mode)
        source = "keyring"
    if not key:
        where = "the OS keyring" if source == "keyring" else str(config.credentials_path())
        raise AuthError(f"profile '{name}' lists a {mode} key but {where} has none (was it removed?): "
                        f"run '{login_command(name)}' again")
    return Credentials(
        key,
        source,
        name,
        api_base=profile.get("api_base"),
        account=entry.get("account_id"),
        account_name=entry.get("account_name"),
    )


def _check_live_flag(key: str, live_flag: bool, origin: str) -> None:
    if live_flag and key_mode(key) != "live":
        raise UsageError(f"--live was given but the key from {origin} is a test key: unset it to use the "
                         "profile's live key, or leave out --live")


# -- live mode -----------------------------------------------------------------------------

MUTATING = ("POST", "DELETE")
_MAX_PARAMS_SHOWN = 12
_MAX_VALUE_WIDTH = 60


def describe_request(req: Any, stripe_account: str | None = None) -> list[str]:
    """``POST /v1/refunds`` and its params, one ``key=value`` per line (long values cut)."""
    from stripecli.api.encode import encode_params

    lines = [f"{req.method.upper()} {req.path}"]
    if stripe_account:
        lines[0] += f" (as {stripe_account})"
    pairs = encode_params(req.params or {})
    for key, value in pairs[:_MAX_PARAMS_SHOWN]:
        value = " ".join(str(value).split())
        if len(value) > _MAX_VALUE_WIDTH:
            value = value[: _MAX_VALUE_WIDTH - 3] + "..."
        lines.append(f"  {key}={value}")
    if len(pairs) > _MAX_PARAMS_SHOWN:
        lines.append(f"  ... and {len(pairs) - _MAX_PARAMS_SHOWN} more")
    return lines


def confirm_live(creds: Credentials, req: Any, opts: Any, env: Any) -> None:
    """Ask before a live-mode create, update, delete or action (POST, DELETE).

    ``--yes`` skips the question; without a terminal on stdin and without ``--yes`` the command
    is refused (exit 2); any answer but yes aborts (exit 1). Test mode never asks."""
    if not creds.live or getattr(opts, "yes", False) or req.method.upper() not in MUTATING:
        return
    from stripecli.redact import redact

    request_lines = [redact(line, creds.key) for line in describe_request(req, getattr(opts, "stripe_account", None))]
    if not env.stdin_isatty:
        raise UsageError(f"refusing to send live-mode {request_lines[0]} without confirmation: stdin is not a "
                         "terminal; add --yes to send it")
    profile = f"profile {creds.profile}" if creds.profile else f"key from {creds.source}"
    env.stderr.write(f"LIVE MODE: account {creds.account_label()}, {profile}, key {creds.masked_key}\n")
    for line in request_lines:
        env.stderr.write(f"  {line}\n")
    env.stderr.write("Send this live-mode request? [y/N] ")
    env.stderr.flush()
    raw = env.stdin.readline()
    if not raw:  # end of input: finish the prompt's line
        env.stderr.write("\n")
    if raw.strip().lower() not in ("y", "yes"):
        raise CliError("aborted: nothing was sent")

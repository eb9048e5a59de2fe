"""Where stripecli keeps its settings: ``profiles.toml`` (no secrets) and, only with
``auth login --insecure-storage``, ``credentials.toml`` (secret keys in a 0600 file).

The directory is ``STRIPECLI_CONFIG_DIR`` when set, else the platform's config dir
(``platformdirs.user_config_dir("stripecli")``: ``~/.config/stripecli`` on Linux). It is created
0700 and both files are written 0600, atomically (a temporary file renamed over the old one).

``default_data_dir()`` is where stripecli keeps data (``STRIPECLI_DATA_DIR``, else the platform's
user data dir): the emulator's database and the ``--from`` journals. Neutral: the emulator and the
command side both read it, so this module imports neither.

``profiles.toml`` looks like this::

    default_profile = "default"

    [profiles.default]
    api_base = "http://127.0.0.1:12111"   # only when given with --api-base at login

    [profiles.default.test]
    key = "sk_test_...abcd"                # the masked key: prefix and last four characters
    storage = "keyring"                    # or "file" (--insecure-storage)
    account_id = "acct_123"
    account_name = "Acme"
    saved_at = "2025-01-01T12:00:00Z"

    [profiles.default.live]                # optional; used only with --live
    ...

Nothing here imports ``keyring``: the keyring lives in ``stripecli.credentials``.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any, Mapping

PROFILES_FILE = "profiles.toml"
CREDENTIALS_FILE = "credentials.toml"
DEFAULT_PROFILE = "default"
MODES = ("test", "live")


def config_dir() -> Path:
    """``STRIPECLI_CONFIG_DIR``, else the platform's per-user config directory."""
    override = os.environ.get("STRIPECLI_CONFIG_DIR")
    if override:
        return Path(override).expanduser()
    import platformdirs

    return Path(platformdirs.user_config_dir("stripecli", appauthor=False))


def default_data_dir() -> str:
    """``STRIPECLI_DATA_DIR``, else the platform's user data directory for stripecli: the
    emulator's database and the ``--from`` journals live there."""
    env = os.environ.get("STRIPECLI_DATA_DIR")
    if env:
        return env
    import platformdirs

    return platformdirs.user_data_dir("stripecli")


def profiles_path() -> Path:
    return config_dir() / PROFILES_FILE


def credentials_path() -> Path:
    return config_dir() / CREDENTIALS_FILE


# -- reading and writing TOML --------------------------------------------------------------


def _load_toml(path: Path) -> dict[str, Any]:
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover
        import tomli as tomllib
    from stripecli.errors import CliError

    try:
        with path.open("rb") as fh:
            return tomllib.load(fh)
    except FileNotFoundError:
        return {}
    except (OSError, ValueError) as exc:
        # ValueError covers tomllib.TOMLDecodeError; its message quotes no values, only positions
        raise CliError(f"cannot read {path}: {exc}") from None


def _write_toml(path: Path, data: dict[str, Any]) -> None:
    """Write ``data`` to ``path`` with mode 0600 (created so, never widened), atomically."""
    import tomli_w

    from stripecli.errors import CliError

    directory = path.parent
    try:
        directory.mkdir(mode=0o700, parents=True, exist_ok=True)
        tmp = directory / f".{path.name}.{os.getpid()}.tmp"
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        try:
            with os.fdopen(fd, "wb") as fh:
                tomli_w.dump(data, fh)
            os.chmod(tmp, 0o600)
            os.replace(tmp, path)
        except BaseException:
            try:
                os.unlink(tmp)
            except OSError:
                pass
            raise
    except OSError as exc:
        raise CliError(f"cannot write {path}: {exc.strerror or exc}") from None


# -- profiles.toml -------------------------------------------------------------------------


def load_profiles() -> dict[str, Any]:
    """The whole ``profiles.toml`` (``{}`` when there is none)."""
    return _load_toml(profiles_path())


def save_profiles(data: dict[str, Any]) -> None:
    _write_toml(profiles_path(), data)


def default_profile_name(data: dict[str, Any] | None = None) -> str:
    data = load_profiles() if data is None else data
    name = data.get("default_profile")
    return name if isinstance(name, str) and name else DEFAULT_PROFILE


def selected_profile_name(flag: str | None, data: dict[str, Any] | None = None,
                          environ: Mapping[str, str] | None = None) -> str:
    """``--profile``, then ``STRIPE_PROFILE``, then the default profile."""
    environ = os.environ if environ is None else environ
    return flag or environ.get("STRIPE_PROFILE") or default_profile_name(data)


def get_profile(name: str, data: dict[str, Any] | None = None) -> dict[str, Any] | None:
    data = load_profiles() if data is None else data
    profile = (data.get("profiles") or {}).get(name)
    return profile if isinstance(profile, dict) else None


def validate_profile_name(name: str) -> str:
    """Profile names are short words: letters, digits, ``-``, ``_`` and ``.``."""
    import re

    from stripecli.errors import UsageError

    if not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,63}", name or ""):
        raise UsageError(f"invalid value for --profile: '{name}' (use letters, digits, '-', '_' or '.')")
    if name == "local":
        raise UsageError("invalid value for --profile: 'local' is reserved for the emulator (--local)")
    return name


# -- credentials.toml (insecure storage) ---------------------------------------------------


def read_file_key(profile: str, mode: str) -> str | None:
    data = _load_toml(credentials_path())
    entry = (data.get("profiles") or {}).get(profile) or {}
    key = entry.get(mode) if isinstance(entry, dict) else None
    return key if isinstance(key, str) and key else None


def write_file_key(profile: str, mode: str, key: str) -> Path:
    path = credentials_path()
    data = _load_toml(path)
    data.setdefault("profiles", {}).setdefault(profile, {})[mode] = key
    _write_toml(path, data)
    return path


def delete_file_key(profile: str, mode: str | None = None) -> bool:
    """Remove one mode (or, with ``mode=None``, every mode) of ``profile``; True if removed."""
    path = credentials_path()
    data = _load_toml(path)
    profiles = data.get("profiles") or {}
    entry = profiles.get(profile)
    if not isinstance(entry, dict):
        return False
    removed = False
    for m in (MODES if mode is None else (mode,)):
        if entry.pop(m, None) is not None:
            removed = True
    if not entry:
        profiles.pop(profile, None)
    if not profiles:
        try:
            path.unlink()
        except FileNotFoundError:
            pass
        return removed
    _write_toml(path, data)
    return removed

"""The keys of ``stripecli auth``: reading one to log in (a hidden prompt or stdin), naming the
account it belongs to, storing it (OS keyring or the 0600 file), deleting a profile's keys on logout.

Nothing here prints: the commands in ``commands/auth.py`` say what happened.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from stripecli.errors import CliError, UsageError


def prompt_secret(prompt: str) -> str:
    """Read a secret from the terminal without echoing it (tests replace this function)."""
    import getpass
    import sys

    return getpass.getpass(prompt, stream=sys.stderr)


def account_name(account: dict[str, Any]) -> str | None:
    """The account's display name (Dashboard settings, else the business profile), if it has one."""
    settings = account.get("settings") or {}
    dashboard = settings.get("dashboard") or {} if isinstance(settings, dict) else {}
    profile = account.get("business_profile") or {}
    name = (dashboard.get("display_name") if isinstance(dashboard, dict) else None) or (
        profile.get("name") if isinstance(profile, dict) else None)
    return name if isinstance(name, str) and name else None


def read_key(env: Any, from_stdin: bool) -> str:
    """The secret key ``auth login`` stores: the first line of stdin with ``--api-key-stdin``, else
    typed at a hidden prompt on a terminal; refused (exit 2) when empty or when there is no terminal."""
    if from_stdin:
        line = env.stdin.readline()
        key = line.strip()
        if not key:
            raise UsageError("--api-key-stdin: stdin was empty; pipe the secret key, e.g. "
                             "'stripecli auth login --api-key-stdin < key.txt'")
        return key
    if not env.stdin_isatty:
        raise UsageError("stdin is not a terminal, so the key cannot be asked for: pipe it in with "
                         "--api-key-stdin (e.g. 'printenv KEY | stripecli auth login --api-key-stdin')")
    try:
        key = prompt_secret("Secret key (sk_test_..., sk_live_..., rk_test_... or rk_live_...): ").strip()
    except EOFError:
        key = ""
    if not key:
        raise UsageError("no key was entered; nothing was stored")
    return key


def store_key(name: str, mode: str, key: str, *, insecure: bool, previous_storage: str | None) -> tuple[str, Path | None]:
    """Store ``key`` for profile ``name`` in the OS keyring, or with ``insecure`` in the 0600
    credentials file, and remove the copy a previous login left in the other place. Returns the
    storage (``keyring`` or ``file``) and the file's path (``None`` for the keyring)."""
    from stripecli import config, credentials

    if not insecure:
        credentials.keyring_set(name, mode, key)
        if previous_storage == "file":
            config.delete_file_key(name, mode)
        return "keyring", None
    path = config.write_file_key(name, mode, key)
    if previous_storage == "keyring":
        try:
            credentials.keyring_delete(name, mode)
        except CliError:
            pass
    return "file", path


def delete_keys(name: str, record: dict) -> str | None:
    """Delete ``name``'s keys (keyring items, then the file kept by --insecure-storage); what went
    wrong, or None when nothing of the profile's is left."""
    from stripecli import config, credentials

    for mode in config.MODES:
        entry = record.get(mode)
        if not isinstance(entry, dict) or entry.get("storage", "keyring") != "keyring":
            continue
        try:
            credentials.keyring_delete(name, mode)
        except CliError as err:
            reason = err.message.removesuffix(": " + credentials.NO_KEYRING_CHOICES)
            return f"{credentials.SERVICE}/{credentials.keyring_username(name, mode)}: {reason}"
    try:
        config.delete_file_key(name)
    except OSError as exc:
        return f"{config.credentials_path()}: {exc.strerror or exc}"
    return None

"""The signing secret ``listen`` signs with, and where ``listen --local`` resumes from.

The secret is made once and kept, so a handler's configured ``whsec_`` keeps working across runs:
one per emulator data directory (``listen-signing-secret`` in it) and one per profile for a real
account (``listen/<profile>.secret`` in the config directory). Both files are 0600 and created
atomically; two ``listen`` started at once agree on the same secret.

The resume point of ``listen --local`` (the sequence number of the last event it forwarded) is kept
per data directory and per set of routes in ``listen-cursors.json`` next to the database: the same
``listen`` command line resumes where it stopped, a different one starts from now.
"""

from __future__ import annotations

import hashlib
import json
import os
import secrets as _secrets
from pathlib import Path
from typing import Iterable

LOCAL_SECRET_FILE = "listen-signing-secret"
CURSORS_FILE = "listen-cursors.json"


def new_secret() -> str:
    return "whsec_" + _secrets.token_hex(32)


def _read(path: Path) -> str | None:
    try:
        value = path.read_text(encoding="utf-8").strip()
    except FileNotFoundError:
        return None
    return value if value.startswith("whsec_") else None


def stable_secret(path: Path) -> str:
    """The secret kept in ``path``, made (0600, exclusively) on first use."""
    existing = _read(path)
    if existing:
        return existing
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    value = new_secret()
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(value + "\n")
    try:
        os.link(tmp, path)  # fails if another listen made it first: then use theirs
    except FileExistsError:
        pass
    finally:
        os.unlink(tmp)
    return _read(path) or value


def local_secret(data_dir: str) -> str:
    return stable_secret(Path(data_dir) / LOCAL_SECRET_FILE)


def profile_secret(profile: str) -> str:
    from stripecli.config import config_dir

    return stable_secret(config_dir() / "listen" / f"{profile}.secret")


def cursor_key(parts: Iterable[str]) -> str:
    return hashlib.sha256("\n".join(sorted(parts)).encode()).hexdigest()[:16]


class Cursors:
    """Resume points by key, in one small JSON file written atomically after each event."""

    def __init__(self, data_dir: str, key: str) -> None:
        self.path = Path(data_dir) / CURSORS_FILE
        self.key = key

    def _all(self) -> dict[str, int]:
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except (FileNotFoundError, ValueError):
            return {}
        return {k: int(v) for k, v in data.items() if isinstance(v, int)} if isinstance(data, dict) else {}

    def get(self) -> int | None:
        return self._all().get(self.key)

    def set(self, seq: int) -> None:
        data = self._all()
        data[self.key] = int(seq)
        tmp = self.path.with_name(f".{self.path.name}.{os.getpid()}.tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(data, fh)
        os.replace(tmp, self.path)

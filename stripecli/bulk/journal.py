"""The journal of a bulk run: what was sent for each line and how it ended, in the data dir.

One journal per input and command, at ``<data dir>/bulk/<input>.<command>.<digest>.jsonl``
(``STRIPECLI_DATA_DIR``, else the user data directory). The digest covers the input's absolute
path, the command, the params given on the command line and the target (API base or emulator,
connected account, test or live): the same command on the same file resumes, anything else is a
new run. Standard input has no path, so its journal is named after its content: feeding the same
lines again resumes, different lines start a new run.

It is JSON lines, appended and flushed record by record (a record survives the process being
killed, even with SIGKILL; see below for power loss):

- ``run``: first record: the run id, the command, the input, when it started;
- ``attempt``: each invocation (1 for the first, 2 for the first resumption, ...), with how many
  lines an earlier attempt already did (``already_done``: not sent again) and ``in_flight``, the
  lines an earlier attempt sent without an outcome on record (their fate unknown: they are sent
  again with the same Idempotency-Key, so Stripe answers with the first result instead of acting
  twice);
- ``sent``: a line is about to be sent (its digest and Idempotency-Key);
- ``done`` / ``failed`` / ``skipped``: its outcome (the object id, or the error);
- ``end``: the attempt's counts, or ``interrupted``.

Idempotency-Keys are ``<run id>-<line>-<digest>``: the same line of the same run always gets the
same key, across retries, attempts and crashes, so a write is never repeated within Stripe's
24 hours of key retention, even when the journal's last records were lost (an operating-system
crash): the run id is written and synced before anything is sent. A line edited after it was done
is refused on resumption; edit only lines that did not succeed, or start over with ``--restart``.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

JOURNAL_VERSION = 1
KEY_RETENTION_SECONDS = 24 * 3600  # Stripe keeps idempotency keys at least 24 hours


class JournalError(Exception):
    """The journal cannot be used (locked by another run, unreadable, a done line edited)."""


@dataclass
class LineState:
    """What earlier attempts recorded about one line."""

    digest: str | None = None
    status: str | None = None    # done | failed | skipped; None: sent, no outcome (in flight)
    object_id: str | None = None
    sent: bool = False
    attempt: int = 0


@dataclass
class History:
    run_id: str
    started: float
    attempts: int = 0
    lines: dict[int, LineState] = field(default_factory=dict)


def journal_dir() -> Path:
    from stripecli.config import default_data_dir

    return Path(default_data_dir()) / "bulk"


def journal_path(source: str, command: str, identity: dict[str, Any], content: str | None = None) -> Path:
    """Where the journal of ``command`` over ``source`` lives (see the module docstring).
    ``command`` names the file; ``identity`` (operation, params, target) is in its digest."""
    if source == "-":
        origin = "stdin:" + hashlib.sha256((content or "").encode("utf-8")).hexdigest()
        stem = "stdin"
    else:
        origin = os.path.abspath(source)
        stem = os.path.basename(source) or "input"
    material = json.dumps([origin, command, identity], sort_keys=True, default=str)
    digest = hashlib.sha256(material.encode("utf-8")).hexdigest()[:12]
    safe = lambda text: re.sub(r"[^A-Za-z0-9._-]+", "-", text).strip("-.") or "x"  # noqa: E731
    return journal_dir() / f"{safe(stem)[:60]}.{safe(command.replace(' ', '-'))[:60]}.{digest}.jsonl"


def read_history(path: Path) -> History | None:
    """What the journal at ``path`` says, or ``None`` when there is none yet."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise JournalError(f"cannot read the journal {path}: {exc.strerror or exc}") from None
    history: History | None = None
    for raw in text.splitlines():
        try:
            record = json.loads(raw)
        except json.JSONDecodeError:
            continue  # a record cut short by a crash: the line's fate is unknown, as if unsent
        kind = record.get("type")
        if kind == "run":
            history = History(run_id=str(record["run"]), started=float(record.get("started", 0)))
            continue
        if history is None:
            raise JournalError(f"{path} is not a bulk journal (no run record first)")
        if kind == "attempt":
            history.attempts = max(history.attempts, int(record.get("attempt", 0)))
        elif kind in ("sent", "done", "failed", "skipped"):
            state = history.lines.setdefault(int(record["line"]), LineState())
            state.attempt = int(record.get("attempt", 0))
            if kind == "sent":
                state.sent = True
                state.status = None  # in flight until an outcome follows
                state.digest = record.get("digest")
            else:
                state.status = kind
                state.digest = record.get("digest", state.digest)
                state.object_id = record.get("id")
    if history is None and text.strip():
        raise JournalError(f"{path} is not a bulk journal (no run record first)")
    return history


class Journal:
    """An open journal: appends records, one writer thread at a time."""

    def __init__(self, path: Path, history: History, attempt: int) -> None:
        self.path = path
        self.history = history
        self.attempt = attempt
        self._lock = threading.Lock()
        self._fh: Any = None

    @property
    def run_id(self) -> str:
        return self.history.run_id

    def idempotency_key(self, line: int, digest: str) -> str:
        return f"{self.run_id}-{line}-{digest}"

    @classmethod
    def open(cls, path: Path, *, restart: bool, header: dict[str, Any]) -> "Journal":
        """Open (or start) the journal at ``path`` for a new attempt; takes its lock."""
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        if restart and path.exists():
            stamp = time.strftime("%Y%m%dT%H%M%SZ", time.gmtime())
            path.rename(path.with_name(path.name[: -len(".jsonl")] + f".replaced-{stamp}.jsonl"))
        # the lines' params are the operator's data: the journal is private like the data directory
        fh = os.fdopen(os.open(path, os.O_RDWR | os.O_CREAT | os.O_APPEND, 0o600), "a+", encoding="utf-8")
        _lock_file(fh, path)
        try:
            history = read_history(path)
            fresh = history is None
            if history is None:
                history = History(run_id=new_run_id(), started=time.time())
            journal = cls(path, history, history.attempts + 1)
            journal._fh = fh
            if fresh:
                journal._append({"type": "run", "version": JOURNAL_VERSION, "run": history.run_id,
                                 "started": history.started, **header}, sync=True)
            return journal
        except BaseException:
            fh.close()
            raise

    def close(self) -> None:
        if self._fh is not None:
            self._fh.close()
            self._fh = None

    def __enter__(self) -> "Journal":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- records ---------------------------------------------------------------------------

    def begin(self, **counts: Any) -> None:
        self._append({"type": "attempt", "attempt": self.attempt, "pid": os.getpid(), "at": time.time(), **counts},
                     sync=True)

    def sent(self, line: int, digest: str, key: str | None) -> None:
        record: dict[str, Any] = {"type": "sent", "line": line, "attempt": self.attempt, "digest": digest}
        if key:
            record["idempotency_key"] = key
        self._append(record)

    def outcome(self, line: int, status: str, digest: str | None, **details: Any) -> None:
        record = {"type": status, "line": line, "attempt": self.attempt, "digest": digest, "at": round(time.time(), 3)}
        record.update({k: v for k, v in details.items() if v is not None})
        self._append(record)

    def end(self, **counts: Any) -> None:
        self._append({"type": "end", "attempt": self.attempt, "at": time.time(), **counts}, sync=True)

    def _append(self, record: dict[str, Any], sync: bool = False) -> None:
        text = json.dumps(record, separators=(",", ":"), ensure_ascii=False, default=str) + "\n"
        with self._lock:
            self._fh.write(text)
            self._fh.flush()  # in the kernel now: survives the process being killed
            if sync:
                os.fsync(self._fh.fileno())


def new_run_id() -> str:
    import secrets

    return "bulk_" + secrets.token_hex(12)


def _lock_file(fh: Any, path: Path) -> None:
    """One run per journal at a time (advisory lock; released when the process ends)."""
    try:
        import fcntl
    except ImportError:  # pragma: no cover - Windows: no advisory lock
        return
    try:
        fcntl.flock(fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        fh.close()
        raise JournalError(f"another run is using the journal {path}: wait for it to finish") from None

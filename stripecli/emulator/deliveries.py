"""Webhook deliveries: an outbox in the emulator's database, drained by signed HTTP POSTs.

When an event is recorded (``events.record``), one delivery per matching webhook endpoint is
written in the same transaction: endpoints with ``status: enabled`` whose ``enabled_events``
holds the event's type or ``*``. A delivery is therefore never lost: it is in the database as soon
as the change that caused it is, and it stays ``pending`` until an attempt succeeds or the retry
schedule is spent (then ``failed``). The event's ``pending_webhooks`` counts its pending ones.

An attempt is ``POST <url>`` with the event as JSON and ``Stripe-Signature: t=...,v1=...``
(``stripecli.signing``, with the endpoint's ``whsec_`` secret as it is at the attempt). A 2xx
answer is a success; any other status, a timeout or a refused connection is a failure, retried
after the next delay of the schedule. Every attempt is recorded: when, how long, the status or the
error, and the start of the answer.

The retry schedule is Stripe's (exponential backoff over three days) compressed to seconds:
``STRIPECLI_EMULATOR_WEBHOOK_SCHEDULE``, the delays before each retry, default ``1,2,4,8,16,32``:
seven attempts over about a minute. ``STRIPECLI_EMULATOR_WEBHOOK_TIMEOUT`` (default 10 s) bounds one
attempt.

Who delivers: ``emulator serve`` runs ``delivery_job`` in a background thread; with ``--local`` the command drains what
is due before it exits, for at most ``STRIPECLI_EMULATOR_LOCAL_DELIVERY_SECONDS`` (default 2 s) in
all, and leaves the rest pending for the next ``--local`` command or a running server. Several
processes may deliver from one database: a process claims due deliveries in a write transaction
before sending them, and a claim is taken over when its process is gone (killed) or after the
attempt timeout plus a margin.
"""

from __future__ import annotations

import json
import os
import socket
import threading
import time
from typing import Any, Iterable

from stripecli.emulator.context import Context
from stripecli.emulator.store import Store

DEFAULT_SCHEDULE = (1.0, 2.0, 4.0, 8.0, 16.0, 32.0)
DEFAULT_TIMEOUT = 10.0
DEFAULT_LOCAL_BUDGET = 2.0
CLAIM_MARGIN = 5.0
RESPONSE_KEPT = 1000  # characters of an answer kept with its attempt
USER_AGENT = "Stripe/1.0 (+https://stripe.com/docs/webhooks)"

_OWNER = "%d@%s" % (os.getpid(), socket.gethostname())


def _floats(raw: str | None, default: tuple[float, ...]) -> tuple[float, ...]:
    if raw is None or not raw.strip():
        return default
    try:
        values = tuple(max(0.0, float(x)) for x in raw.split(",") if x.strip())
    except ValueError:
        return default
    return values


def retry_schedule() -> tuple[float, ...]:
    """Seconds to wait before each retry (``STRIPECLI_EMULATOR_WEBHOOK_SCHEDULE``; empty: none)."""
    raw = os.environ.get("STRIPECLI_EMULATOR_WEBHOOK_SCHEDULE")
    if raw is not None and raw.strip() in ("0", "none"):
        return ()
    return _floats(raw, DEFAULT_SCHEDULE)


def attempt_timeout() -> float:
    values = _floats(os.environ.get("STRIPECLI_EMULATOR_WEBHOOK_TIMEOUT"), (DEFAULT_TIMEOUT,))
    return values[0] if values and values[0] > 0 else DEFAULT_TIMEOUT


def local_budget() -> float:
    values = _floats(os.environ.get("STRIPECLI_EMULATOR_LOCAL_DELIVERY_SECONDS"), (DEFAULT_LOCAL_BUDGET,))
    return values[0] if values else DEFAULT_LOCAL_BUDGET


# -- the outbox --------------------------------------------------------------------------------


def endpoints(ctx: Context) -> list[dict[str, Any]]:
    """The enabled webhook endpoints."""
    return [e for e in ctx.scan("webhook_endpoint") if e.get("status", "enabled") == "enabled"]


def matches(endpoint: dict[str, Any], event_type: str) -> bool:
    enabled = endpoint.get("enabled_events") or []
    return "*" in enabled or event_type in enabled


def enqueue(store: Store, event: dict[str, Any], targets: Iterable[dict[str, Any]]) -> int:
    """One pending delivery of ``event`` per matching endpoint (inside the caller's transaction);
    answers how many."""
    now = time.time()
    n = 0
    for endpoint in targets:
        if matches(endpoint, event["type"]):
            store.conn.execute(
                "INSERT INTO deliveries (event, endpoint, url, status, attempts, next_at, created) "
                "VALUES (?, ?, ?, 'pending', 0, ?, ?)", (event["id"], endpoint["id"], endpoint.get("url") or "", now, now))
            n += 1
    if n:
        _OWED.add(store.path)
    return n


def pending_counts(store: Store, event_ids: list[str]) -> dict[str, int]:
    if not event_ids:
        return {}
    marks = ",".join("?" * len(event_ids))
    return {e: n for e, n in store.conn.execute(
        "SELECT event, COUNT(*) FROM deliveries WHERE status = 'pending' AND event IN (%s) GROUP BY event" % marks,
        event_ids)}


def _alive(owner: str | None) -> bool:
    if not owner:
        return False
    pid, _, host = owner.partition("@")
    if host != socket.gethostname():
        return True  # another machine's process: only the claim's age can free it
    try:
        os.kill(int(pid), 0)
    except (ProcessLookupError, ValueError):
        return False
    except PermissionError:
        return True
    return True


def claim_due(store: Store, limit: int = 10, now: float | None = None) -> list[tuple[int, str, str, str, int]]:
    """Claim up to ``limit`` due deliveries for this process: (seq, event id, endpoint id, url,
    attempts made)."""
    now = time.time() if now is None else now
    stale = now - attempt_timeout() - CLAIM_MARGIN
    with store.write() as conn:
        rows = conn.execute(
            "SELECT seq, event, endpoint, url, attempts, claimed_by, claimed_at FROM deliveries "
            "WHERE status = 'pending' AND next_at <= ? ORDER BY next_at, seq LIMIT ?", (now, limit * 4)).fetchall()
        claimed = []
        for seq, event, endpoint, url, attempts, owner, at in rows:
            if owner and owner != _OWNER and at is not None and at > stale and _alive(owner):
                continue  # another live process is sending it
            if owner == _OWNER and at is not None and at > stale:
                continue  # this process is sending it (another thread)
            conn.execute("UPDATE deliveries SET claimed_by = ?, claimed_at = ? WHERE seq = ?", (_OWNER, now, seq))
            claimed.append((seq, event, endpoint, url, attempts))
            if len(claimed) >= limit:
                break
    return claimed


def _finish(store: Store, seq: int, attempts: int, started: float, duration: float, status: int | None,
            error: str | None, response: str | None) -> None:
    ok = status is not None and 200 <= status < 300
    schedule = retry_schedule()
    n = attempts + 1
    with store.write() as conn:
        conn.execute("INSERT OR REPLACE INTO delivery_attempts (delivery, n, at, duration_ms, status, error, response) "
                     "VALUES (?, ?, ?, ?, ?, ?, ?)",
                     (seq, n, started, int(round(duration * 1000)), status, error, response))
        if ok:
            conn.execute("UPDATE deliveries SET status = 'succeeded', attempts = ?, next_at = NULL, claimed_by = NULL, "
                         "claimed_at = NULL WHERE seq = ?", (n, seq))
        elif n - 1 < len(schedule):
            conn.execute("UPDATE deliveries SET attempts = ?, next_at = ?, claimed_by = NULL, claimed_at = NULL "
                         "WHERE seq = ?", (n, time.time() + schedule[n - 1], seq))
        else:
            conn.execute("UPDATE deliveries SET status = 'failed', attempts = ?, next_at = NULL, claimed_by = NULL, "
                         "claimed_at = NULL WHERE seq = ?", (n, seq))


def _give_up(store: Store, seq: int, attempts: int, reason: str) -> None:
    with store.write() as conn:
        conn.execute("INSERT OR REPLACE INTO delivery_attempts (delivery, n, at, duration_ms, status, error, response) "
                     "VALUES (?, ?, ?, 0, NULL, ?, NULL)", (seq, attempts + 1, time.time(), reason))
        conn.execute("UPDATE deliveries SET status = 'failed', attempts = ?, next_at = NULL, claimed_by = NULL, "
                     "claimed_at = NULL WHERE seq = ?", (attempts + 1, seq))


def payload_of(store: Store, event_id: str) -> bytes | None:
    """The event as it is sent: JSON with ``pending_webhooks`` as it is now."""
    from stripecli.emulator.events import get_event

    with store.read():
        event = get_event(store, event_id)
    if event is None:
        return None
    return (json.dumps(event, indent=2, ensure_ascii=False) + "\n").encode("utf-8")


def attempt(store: Store, client: Any, delivery: tuple[int, str, str, str, int], timeout: float) -> bool:
    """One signed POST of a claimed delivery, recorded; answers whether it succeeded."""
    import httpx

    from stripecli.signing import sign_header

    seq, event_id, endpoint_id, url, attempts = delivery
    row = store.get(endpoint_id)
    if row is None or row.type != "webhook_endpoint":
        _give_up(store, seq, attempts, "the webhook endpoint %s was deleted" % endpoint_id)
        return False
    endpoint = row.data
    if endpoint.get("status", "enabled") != "enabled":
        _give_up(store, seq, attempts, "the webhook endpoint %s is disabled" % endpoint_id)
        return False
    payload = payload_of(store, event_id)
    if payload is None:
        _give_up(store, seq, attempts, "the event %s is gone (emulator reset)" % event_id)
        return False
    url = endpoint.get("url") or url
    started = time.time()
    headers = {"Content-Type": "application/json; charset=utf-8", "User-Agent": USER_AGENT,
               "Stripe-Signature": sign_header(payload, endpoint.get("secret") or "", int(started))}
    t0 = time.monotonic()
    status = error = text = None
    try:
        response = client.post(url, content=payload, headers=headers, timeout=timeout)
        status = response.status_code
        text = response.text[:RESPONSE_KEPT]
    except httpx.TimeoutException:
        error = "timed out after %.1fs" % timeout
    except httpx.HTTPError as exc:
        error = "%s: %s" % (type(exc).__name__, exc) if str(exc) else type(exc).__name__
    _finish(store, seq, attempts, started, time.monotonic() - t0, status, error, text)
    return status is not None and 200 <= status < 300


def deliver_due(store: Store, client: Any, *, deadline: float | None = None, limit: int = 10) -> int:
    """Attempt every delivery due now (claimed in batches of ``limit``), until none is due or the
    ``deadline`` (a ``time.monotonic()`` value) passes; answers the number of attempts."""
    made = 0
    while True:
        if deadline is not None and deadline - time.monotonic() < 0.05:
            return made
        batch = claim_due(store, limit)
        if not batch:
            return made
        for i, delivery in enumerate(batch):
            remaining = None if deadline is None else deadline - time.monotonic()
            if remaining is not None and remaining < 0.05:
                _release(store, [d[0] for d in batch[i:]])
                return made
            timeout = attempt_timeout() if remaining is None else min(attempt_timeout(), remaining)
            attempt(store, client, delivery, timeout)
            made += 1


def _release(store: Store, seqs: list[int]) -> None:
    with store.write() as conn:
        conn.executemany("UPDATE deliveries SET claimed_by = NULL, claimed_at = NULL WHERE seq = ? AND claimed_by = ?",
                         [(s, _OWNER) for s in seqs])


def has_due(store: Store) -> bool:
    return store.conn.execute("SELECT 1 FROM deliveries WHERE status = 'pending' AND next_at <= ? LIMIT 1",
                              (time.time(),)).fetchone() is not None


# -- who delivers ------------------------------------------------------------------------------

_OWED: set[str] = set()  # databases this process wrote deliveries to or read through --local


def _client() -> Any:
    import httpx

    return httpx.Client(follow_redirects=False, trust_env=False)


def drain(store: Store, budget: float | None = None) -> int:
    """Deliver what is due, for at most ``budget`` seconds (``--local``: 2 s); the rest stays pending."""
    budget = local_budget() if budget is None else budget
    if budget <= 0 or not has_due(store):
        return 0
    with _client() as client:
        return deliver_due(store, client, deadline=time.monotonic() + budget)


def note_local_use(store: Store) -> None:
    """A ``--local`` command used this database: drain it when the process exits."""
    _OWED.add(store.path)


def _due_in(path: str) -> bool:
    """Whether the database at ``path`` has a delivery due (a cheap read-only look)."""
    import sqlite3
    from urllib.parse import quote

    try:
        conn = sqlite3.connect("file:%s?mode=ro" % quote(path), uri=True, timeout=1.0)
    except sqlite3.Error:
        return False
    try:
        return conn.execute("SELECT 1 FROM deliveries WHERE status = 'pending' AND next_at <= ? LIMIT 1",
                            (time.time(),)).fetchone() is not None
    except sqlite3.Error:
        return False
    finally:
        conn.close()


def drain_at_exit() -> None:
    """The ``--local`` rule: before the process exits, deliver what is due in every database it
    used, within one budget for all of them."""
    deadline = time.monotonic() + local_budget()
    for path in sorted(_OWED):
        remaining = deadline - time.monotonic()
        if remaining < 0.05:
            return
        if not os.path.exists(path) or not _due_in(path):
            continue
        store = Store(os.path.dirname(path))
        try:
            drain(store, remaining)
        except Exception:  # noqa: BLE001 - delivering is best effort at exit; the rest stays pending
            pass
        finally:
            store.close()


def run_worker(data_dir: str, stopping: threading.Event, *, poll: float = 0.2) -> None:
    """Deliver from ``data_dir``'s outbox until ``stopping`` is set (``emulator serve``): every due
    delivery at once, then a look every ``poll`` seconds."""
    import sys
    import traceback

    store = Store(data_dir)
    try:
        with _client() as client:
            while not stopping.is_set():
                try:
                    made = deliver_due(store, client)
                except Exception:  # noqa: BLE001 - one bad round must not end deliveries
                    traceback.print_exc(file=sys.stderr)
                    made = 0
                if not made:
                    stopping.wait(poll)
    finally:
        store.close()


def delivery_job(data_dir: str) -> Any:
    """The background job ``emulator serve`` runs next to its server (``server.serve(background=)``)."""

    def webhooks(stopping: threading.Event) -> None:
        run_worker(data_dir, stopping)

    return webhooks


# -- what was delivered ------------------------------------------------------------------------


def list_deliveries(store: Store, event_id: str | None = None, *, status: str | None = None,
                    limit: int = 50) -> list[dict[str, Any]]:
    """Deliveries newest first (of one event, or all), each with its attempts, oldest first."""
    clauses, args = [], []
    if event_id:
        clauses.append("d.event = ?")
        args.append(event_id)
    if status:
        clauses.append("d.status = ?")
        args.append(status)
    where = " WHERE " + " AND ".join(clauses) if clauses else ""
    rows = store.conn.execute(
        "SELECT d.seq, d.event, e.type, d.endpoint, d.url, d.status, d.attempts, d.next_at, d.created "
        "FROM deliveries d LEFT JOIN events e ON e.id = d.event%s ORDER BY d.seq DESC LIMIT ?" % where,
        args + [int(limit)]).fetchall()
    out = []
    for seq, event, event_type, endpoint, url, state, attempts, next_at, created in rows:
        tries = [{"attempt": n, "at": at, "status": code, "duration_ms": ms, "error": error, "response": response}
                 for n, at, ms, code, error, response in store.conn.execute(
                     "SELECT n, at, duration_ms, status, error, response FROM delivery_attempts WHERE delivery = ? "
                     "ORDER BY n", (seq,))]
        out.append({"id": seq, "event": event, "type": event_type, "endpoint": endpoint, "url": url,
                    "status": state, "attempts": attempts, "next_attempt_at": next_at if state == "pending" else None,
                    "created": created, "last_attempt": tries[-1] if tries else None, "attempt_log": tries})
    return out

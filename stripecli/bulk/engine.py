"""Sending the planned lines: N workers, one shared pacer, each outcome journalled as it lands.

Each worker has its own ``StripeClient`` (its own connection, over ``api/wire.py``: the client's
CPU per request is what limits a run) built from the run's ``ClientConfig``, so the client's retries (connection errors, 409, 429, 5xx, ``Retry-After``,
``Stripe-Should-Retry``) and its one-Idempotency-Key-per-request rule apply to every line as they
do to a single command. On top of that, a line whose retries ran out on something worth retrying
goes back to the end of the queue with the same Idempotency-Key: a 429 up to
``RATE_LIMITED_ROUNDS`` times (the pacer has slowed the run meanwhile), a network error, 409 or
5xx up to ``RETRY_ROUNDS`` times. An authentication or permission error (401, 403) stops the run:
every other line would fail the same way.

A ``DELETE`` carries no Idempotency-Key (Stripe ignores it there). When a delete that may already
have reached Stripe (a retry, or a line in flight when an earlier attempt stopped) comes back
404, the object is gone because of this run: the line is done, noted "already deleted".

Workers write the journal; the outcomes are yielded on the consuming thread, in completion
order. Ctrl-C stops taking new lines, lets the ones in flight finish and be recorded
(a second Ctrl-C abandons them: their outcome stays unknown and a re-run sends them again with
their key), then raises ``KeyboardInterrupt``.
"""

from __future__ import annotations

import queue
import threading
from dataclasses import dataclass, replace
from typing import Any, Iterable, Iterator

from stripecli.bulk.plan import Planned

RETRY_ROUNDS = 3
RATE_LIMITED_ROUNDS = 20


@dataclass
class Outcome:
    """How one line ended. ``status``: done, failed, skipped (invalid), resumed (done before)."""

    line: int
    status: str
    object: dict | None = None
    object_id: str | None = None
    error: Any = None
    replayed: bool = False
    note: str | None = None


@dataclass
class EngineResult:
    fatal: Any = None          # the StripeError that stopped the run (401, 403), if any
    interrupted: bool = False


class _Tracker:
    """A worker's view of the shared pacer: counts its attempts and keeps the last answer's
    headers (``Idempotent-Replayed``)."""

    def __init__(self, pacer: Any) -> None:
        self.pacer = pacer
        self.attempts = 0
        self.headers: Any = {}

    def wait(self) -> None:
        self.attempts += 1
        if self.pacer is not None:
            self.pacer.wait()

    def observe(self, status: int | None, headers: Any) -> None:
        self.headers = headers
        if self.pacer is not None:
            self.pacer.observe(status, headers)


def send_all(
    tasks: Iterable[Planned],
    *,
    config: Any,
    journal: Any,
    concurrency: int,
    result: EngineResult,
    pacer: Any = None,
    sent_before: frozenset[int] = frozenset(),
) -> Iterator[Outcome]:
    """Send ``tasks``; yields each ``Outcome`` as it lands (completion order). ``result`` says
    afterwards whether an authentication error stopped the run or Ctrl-C did (then
    ``KeyboardInterrupt`` is raised once the lines in flight are yielded)."""
    work: list[tuple[Planned, int]] = [(task, 0) for task in tasks]
    work.reverse()  # pop() from the end takes them in input order
    lock = threading.Lock()
    results: queue.Queue = queue.Queue()
    stop = threading.Event()

    def take() -> tuple[Planned, int] | None:
        with lock:
            return work.pop() if work and not stop.is_set() else None

    def requeue(task: Planned, rounds: int) -> None:
        with lock:
            work.insert(0, (task, rounds))

    def worker() -> None:
        from stripecli.api.client import StripeClient

        tracker = _Tracker(pacer)
        client = StripeClient(replace(config, pacer=tracker, light=True))  # see api/wire.py
        try:
            while True:
                item = take()
                if item is None:
                    return
                task, rounds = item
                outcome = _send_one(client, tracker, journal, task, rounds, sent_before)
                if isinstance(outcome, int):
                    requeue(task, outcome)
                    continue
                results.put(outcome)
                if outcome.status == "failed" and _is_fatal(outcome.error):
                    with lock:
                        if result.fatal is None:
                            result.fatal = outcome.error
                    stop.set()
        except BaseException as exc:  # noqa: BLE001 - re-raised on the consuming thread
            results.put(exc)
        finally:
            client.close()
            results.put(None)

    threads = [threading.Thread(target=worker, name=f"bulk-{i}", daemon=True) for i in range(max(1, concurrency))]
    for thread in threads:
        thread.start()
    inbox = _Inbox(results, len(threads))
    try:
        for item in inbox:
            if isinstance(item, BaseException):
                raise item
            yield item
    except KeyboardInterrupt:
        stop.set()
        result.interrupted = True
        try:  # the lines in flight finish and are recorded; a second Ctrl-C abandons them
            for item in inbox:
                if isinstance(item, Outcome):
                    yield item
        except KeyboardInterrupt:
            pass
        raise
    finally:
        stop.set()


class _Inbox:
    """What the workers report, until each has said it is finished (``None``)."""

    def __init__(self, results: queue.Queue, running: int) -> None:
        self.results = results
        self.running = running

    def __iter__(self) -> Iterator[Any]:
        while self.running:
            item = _get(self.results)
            if item is None:
                self.running -= 1
            else:
                yield item


def _get(results: queue.Queue) -> Any:
    while True:  # a timeout keeps the calling thread responsive to Ctrl-C
        try:
            return results.get(timeout=0.2)
        except queue.Empty:
            continue


def _send_one(client: Any, tracker: _Tracker, journal: Any, task: Planned, rounds: int,
              sent_before: frozenset[int]) -> Outcome | int:
    """The line's outcome, or the round number to requeue it with."""
    from stripecli.api.errors import NotFoundError, RateLimitError, StripeError

    key = journal.idempotency_key(task.line, task.digest) if task.request.method == "POST" else None
    prepared = client.prepare(task.request, idempotency_key=key)
    tracker.attempts = 0
    tracker.headers = {}
    journal.sent(task.line, task.digest, key)
    try:
        body = client.send_prepared(prepared)
    except StripeError as err:
        if isinstance(err, RateLimitError) and rounds < RATE_LIMITED_ROUNDS:
            return rounds + 1
        if _retryable(err) and rounds < RETRY_ROUNDS:
            return rounds + 1
        if (isinstance(err, NotFoundError) and task.request.method == "DELETE"
                and (rounds or tracker.attempts > 1 or task.line in sent_before)):
            journal.outcome(task.line, "done", task.digest, id=task.target_id, note="already deleted")
            return Outcome(task.line, "done", object_id=task.target_id, note="already deleted")
        journal.outcome(task.line, "failed", task.digest, http_status=err.http_status, error=error_body(err))
        return Outcome(task.line, "failed", object_id=task.target_id, error=err)
    obj = body if isinstance(body, dict) else None
    object_id = obj.get("id") if obj else None
    replayed = str(tracker.headers.get("idempotent-replayed", "")).lower() == "true" if tracker.headers else False
    journal.outcome(task.line, "done", task.digest, id=object_id or task.target_id, replayed=replayed or None)
    return Outcome(task.line, "done", object=obj, object_id=object_id or task.target_id, replayed=replayed)


def _retryable(err: Any) -> bool:
    from stripecli.api.errors import NetworkError

    status = getattr(err, "http_status", None)
    return isinstance(err, NetworkError) or status == 409 or (status is not None and status >= 500)


def _is_fatal(err: Any) -> bool:
    from stripecli.api.errors import AuthenticationError, PermissionDeniedError, UsageError

    return isinstance(err, (AuthenticationError, PermissionDeniedError, UsageError))


def error_body(err: Any) -> dict:
    """The error as Stripe's ``error`` object (type, code, param, message, request id)."""
    from stripecli.output.errors import error_body as envelope

    return envelope(err)["error"]

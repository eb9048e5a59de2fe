"""What a bulk run says: one result record per input line on stdout, progress and a summary on
stderr.

A result record is ``{"line": N, "status": S, ...}`` with, by status:

- ``done``: ``id`` and ``object`` (Stripe's response), ``replayed: true`` when Stripe answered
  from an earlier attempt's Idempotency-Key, ``note`` (``already deleted``);
- ``resumed``: ``id``: done by an earlier run of the same command, not sent again;
- ``failed``: ``error``, Stripe's error object (``type``, ``code``, ``param``, ``message``, ...);
- ``skipped``: ``error`` with the ``message`` saying why the line is invalid (``--skip-invalid``).

They are written with the usual output formats: ``jsonl`` one record per line, ``json`` one array,
``csv`` and ``table`` the columns ``line,status,id,error.message`` (``--fields`` picks others,
e.g. ``line,status,object.email``), ``id`` the ids of the lines that are done or resumed.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any, Iterable, Iterator

from stripecli.bulk.engine import Outcome

DEFAULT_COLUMNS = ["line", "status", "id", "error.message"]
PROGRESS_INTERVAL = 0.1


@dataclass
class Counts:
    lines: int = 0
    done: int = 0
    failed: int = 0
    skipped: int = 0
    resumed: int = 0
    replayed: int = 0

    def add(self, outcome: Outcome) -> None:
        setattr(self, outcome.status, getattr(self, outcome.status) + 1)
        if outcome.replayed:
            self.replayed += 1

    @property
    def finished(self) -> int:
        return self.done + self.failed + self.skipped + self.resumed

    def as_dict(self) -> dict[str, int]:
        return {"lines": self.lines, "done": self.done, "failed": self.failed, "skipped": self.skipped,
                "resumed": self.resumed, "replayed": self.replayed}


def record(outcome: Outcome) -> dict[str, Any]:
    """The result record of one line (see the module docstring)."""
    out: dict[str, Any] = {"line": outcome.line, "status": outcome.status}
    if outcome.status in ("done", "resumed") and outcome.object_id:
        out["id"] = outcome.object_id
    if outcome.replayed:
        out["replayed"] = True
    if outcome.note:
        out["note"] = outcome.note
    if outcome.object is not None:
        out["object"] = outcome.object
    if outcome.error is not None:
        if isinstance(outcome.error, str):
            out["error"] = {"message": outcome.error}
        else:
            from stripecli.bulk.engine import error_body

            out["error"] = error_body(outcome.error)
    return out


def in_input_order(outcomes: Iterable[Outcome], order: list[int]) -> Iterator[Outcome]:
    """``outcomes`` (any order) re-emitted in the order of ``order`` (line numbers), each as soon
    as every line before it has one; whatever is left is flushed at the end (a stopped run)."""
    position = {line: i for i, line in enumerate(order)}
    held: dict[int, Outcome] = {}
    next_index = 0
    try:
        for outcome in outcomes:
            held[position[outcome.line]] = outcome
            while next_index in held:
                yield held.pop(next_index)
                next_index += 1
    finally:
        for index in sorted(held):
            yield held.pop(index)


class Progress:
    """``412/1000 lines  405 done  7 failed  118/s  ETA 5s`` on stderr, redrawn in place; only
    when stderr is a terminal."""

    def __init__(self, env: Any, counts: Counts, to_send: int) -> None:
        from stripecli.output.progress import StatusLine

        self.status = StatusLine(env)
        self.counts = counts
        self.to_send = to_send
        self.started = time.monotonic()
        self.sent_done = 0
        self._shown_at = 0.0

    def update(self, outcome: Outcome) -> None:
        if outcome.status in ("done", "failed"):
            self.sent_done += 1
        if not self.status.active:
            return
        now = time.monotonic()
        if now - self._shown_at < PROGRESS_INTERVAL and self.counts.finished < self.counts.lines:
            return
        self._shown_at = now
        elapsed = max(now - self.started, 1e-6)
        rate = self.sent_done / elapsed
        c = self.counts
        text = f"{c.finished}/{c.lines} lines  {c.done} done"
        if c.failed:
            text += f"  {c.failed} failed"
        if c.skipped:
            text += f"  {c.skipped} skipped"
        if c.resumed:
            text += f"  {c.resumed} resumed"
        text += f"  {rate:.0f}/s"
        left = self.to_send - self.sent_done
        if rate > 0 and left > 0:
            text += f"  ETA {format_duration(left / rate)}"
        self.status.show(text)

    def clear(self) -> None:
        self.status.clear()


def format_duration(seconds: float) -> str:
    seconds = int(round(seconds))
    if seconds < 60:
        return f"{seconds}s"
    if seconds < 3600:
        return f"{seconds // 60}m{seconds % 60:02d}s"
    return f"{seconds // 3600}h{seconds % 3600 // 60:02d}m"


def summary(command: str, counts: Counts, elapsed: float, *, sent: int, pacer: Any = None,
            interrupted: bool = False) -> list[str]:
    """The lines written on stderr at the end of a run."""
    parts = [f"{counts.done} done", f"{counts.failed} failed", f"{counts.skipped} skipped", f"{counts.resumed} resumed"]
    head = f"{command}: {counts.lines} line{'s' if counts.lines != 1 else ''}: {', '.join(parts)}"
    rate = f" ({sent / elapsed:.0f} lines/s)" if sent and elapsed > 0 else ""
    lines = [f"{head} in {elapsed:.1f}s{rate}"]
    if counts.replayed:
        lines.append(f"{counts.replayed} line{'s were' if counts.replayed != 1 else ' was'} answered from an "
                     "earlier attempt's Idempotency-Key (sent before the stop, not repeated)")
    if pacer is not None and pacer.throttled:
        lowest = f"; slowed to {pacer.lowest:.1f} requests/s at the slowest" if pacer.lowest else ""
        lines.append(f"rate limited {pacer.throttled} time{'s' if pacer.throttled != 1 else ''} (429){lowest}")
    left = counts.lines - counts.finished
    if interrupted and left:
        lines.append(f"stopped early: {left} line{'s' if left != 1 else ''} not sent; run the same command again "
                     "to resume")
    elif counts.failed:
        lines.append(f"run the same command again to retry the {counts.failed} failed "
                     f"line{'s' if counts.failed != 1 else ''} (lines done are not sent again)")
    return lines

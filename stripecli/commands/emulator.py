"""``stripecli emulator serve|reset|status``: the local Stripe emulator (see docs/emulator.md).

Every other command reaches the emulator in-process with ``--local``; ``serve`` is for curl,
stripe-python and other programs. The emulator modules are imported inside the commands.
"""

from __future__ import annotations

import json
import os
from typing import Optional

import typer

from stripecli import exit_codes, session
from stripecli.errors import CliError, UsageError
from stripecli.surface.options import Integer

app = typer.Typer(
    help="Run, serve or reset the local Stripe emulator.\n\n"
         "Any command runs against it with --local (no server needed), e.g. "
         "stripecli customers list --local. State lives in SQLite under --data-dir, "
         "else STRIPECLI_DATA_DIR, else the user data directory.",
    no_args_is_help=True,
    add_completion=False,
)

DATA_DIR_HELP = "Directory of the emulator's database (default: STRIPECLI_DATA_DIR, else the user data directory)."


def _data_dir(value: Optional[str]) -> str:
    from stripecli.config import default_data_dir

    return os.path.abspath(os.path.expanduser(value)) if value else default_data_dir()


@app.command("serve")
def serve(
    host: str = typer.Option("127.0.0.1", "--host", help="Address to listen on."),
    port: int = typer.Option(12111, "--port", click_type=Integer(0, 65535), help="Port to listen on (0 picks a free one)."),
    data_dir: Optional[str] = typer.Option(None, "--data-dir", help=DATA_DIR_HELP),
    allow_remote: bool = typer.Option(
        False, "--allow-remote",
        help="Allow a --host that is not a loopback address. The emulator accepts any sk_test_ key, so anyone who "
             "can reach that address can read and change its data."),
) -> None:
    """Serve the emulator over HTTP for curl, stripe-python and other programs, and deliver its
    webhooks (signed POSTs to the webhook endpoints, retried on failure) in the background.

    It listens on 127.0.0.1 unless told otherwise; a request body over 1 MiB gets 413 and a
    connection idle for 5 seconds is closed.
    """
    from stripecli.emulator.server import is_loopback, serve as run

    if not is_loopback(host) and not allow_remote:
        raise UsageError("--host %s is not a loopback address; the emulator accepts any sk_test_ key, so "
                         "pass --allow-remote to listen on it anyway" % host)
    try:
        directory = _data_dir(data_dir)
        run(directory, host, port, allow_remote=allow_remote, background=[_webhook_deliveries(directory)])
    except OSError as exc:
        raise CliError("cannot listen on %s:%d: %s" % (host, port, exc.strerror or exc), exit_codes.API_ERROR) from None


def _webhook_deliveries(directory: str):
    from stripecli.emulator.deliveries import delivery_job

    return delivery_job(directory)


@app.command("reset")
def reset(data_dir: Optional[str] = typer.Option(None, "--data-dir", help=DATA_DIR_HELP)) -> None:
    """Empty the emulator's database (local test data only; no confirmation asked)."""
    from stripecli.emulator.store import DB_NAME, Store

    directory = _data_dir(data_dir)
    path = os.path.join(directory, DB_NAME)
    if not os.path.exists(path):
        session.current().say("nothing to reset: no emulator database at %s" % path)
        return
    store = Store(directory)
    try:
        counts = store.reset()
    finally:
        store.close()
    total = sum(counts.values())
    detail = ", ".join("%d %s" % (n, t) for t, n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))
    session.current().say("emptied %s: %d object%s%s" % (path, total, "" if total == 1 else "s",
                                                          " (%s)" % detail if detail else ""))


@app.command("status")
def status(data_dir: Optional[str] = typer.Option(None, "--data-dir", help=DATA_DIR_HELP)) -> None:
    """Print the database path, how many objects of each type it holds and its size on disk
    (database and WAL bytes, bytes per object), as JSON."""
    from stripecli.emulator.store import DB_NAME, Store

    directory = _data_dir(data_dir)
    path = os.path.join(directory, DB_NAME)
    counts: dict[str, int] = {}
    sizes: dict[str, int] = {}
    if os.path.exists(path):
        store = Store(directory)
        try:
            with store.read():
                counts = store.count()
                sizes = store.sizes()
        finally:
            store.close()
    sizes.pop("objects", None)
    report = {"data_dir": directory, "database": path, "exists": os.path.exists(path), "objects": counts, **sizes}
    session.current().env.stdout.write(json.dumps(report, indent=2) + "\n")


DELIVERY_STATUSES = ("pending", "succeeded", "failed")


@app.command("deliveries")
def deliveries(
    event_id: Optional[str] = typer.Argument(None, metavar="[EVENT_ID]", help="Only the deliveries of this event (evt_...)."),
    status: Optional[str] = typer.Option(None, "--status", metavar="STATUS",
                                         help="Only pending, succeeded or failed deliveries."),
    limit: int = typer.Option(50, "--limit", click_type=Integer(1, 10000), help="At most this many, newest first (default 50)."),
    fmt: str = typer.Option("text", "--format", metavar="FORMAT",
                            help="text (a line per delivery and per attempt) or json (an array)."),
    data_dir: Optional[str] = typer.Option(None, "--data-dir", help=DATA_DIR_HELP),
) -> None:
    """Show webhook deliveries: endpoint, status, attempts and the endpoint's last answer."""
    if status is not None and status not in DELIVERY_STATUSES:
        raise UsageError("invalid value for --status: '%s' is not one of: %s" % (status, ", ".join(DELIVERY_STATUSES)))
    if fmt not in ("text", "json"):
        raise UsageError("invalid value for --format: '%s' is not one of: text, json" % fmt)
    if event_id is not None and not event_id.startswith("evt_"):
        raise UsageError("invalid value for EVENT_ID: '%s' is not an event id (evt_...)" % event_id)
    from stripecli.emulator.deliveries import list_deliveries
    from stripecli.emulator.store import DB_NAME, Store

    directory = _data_dir(data_dir)
    rows: list = []
    if os.path.exists(os.path.join(directory, DB_NAME)):
        store = Store(directory)
        try:
            with store.read():
                rows = list_deliveries(store, event_id, status=status, limit=limit)
        finally:
            store.close()
    current = session.current()
    out = current.env.stdout
    if fmt == "json":
        out.write(json.dumps(rows, indent=2) + "\n")
        return
    if not rows:
        current.say("no webhook deliveries%s" % (" for %s" % event_id if event_id else ""))
        return
    for row in rows:
        out.write(_delivery_line(row) + "\n")
        if event_id:
            for attempt in row["attempt_log"]:
                out.write("  " + _attempt_line(attempt) + "\n")


def _when(ts: float) -> str:
    import time

    return time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(ts))


def _answer(attempt: dict) -> str:
    if attempt["status"] is not None:
        return "HTTP %d in %d ms" % (attempt["status"], attempt["duration_ms"])
    return "%s after %d ms" % (attempt["error"], attempt["duration_ms"])


def _delivery_line(row: dict) -> str:
    line = "%s  %s  %s  %s  %s  attempts %d" % (_when(row["created"]), row["event"], row["type"] or "-", row["url"],
                                               row["status"], row["attempts"])
    if row["last_attempt"]:
        line += "  last: " + _answer(row["last_attempt"])
    if row["next_attempt_at"] is not None:
        line += "  next: " + _when(row["next_attempt_at"])
    return line


def _attempt_line(attempt: dict) -> str:
    return "attempt %d  %s  %s" % (attempt["attempt"], _when(attempt["at"]), _answer(attempt))

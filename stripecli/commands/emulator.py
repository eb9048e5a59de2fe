"""``stripecli emulator serve|reset|status``: the local Stripe emulator (see docs/emulator.md).

Every other command reaches the emulator in-process with ``--local``; ``serve`` is for curl,
stripe-python and other programs. The emulator modules are imported inside the commands.
"""

from __future__ import annotations

import json
import os
import sys
from typing import Optional

import typer

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
    from stripecli.emulator.store import default_data_dir

    return os.path.abspath(os.path.expanduser(value)) if value else default_data_dir()


@app.command("serve")
def serve(
    host: str = typer.Option("127.0.0.1", "--host", help="Address to listen on."),
    port: int = typer.Option(12111, "--port", min=0, max=65535, help="Port to listen on (0 picks a free one)."),
    data_dir: Optional[str] = typer.Option(None, "--data-dir", help=DATA_DIR_HELP),
    allow_remote: bool = typer.Option(
        False, "--allow-remote",
        help="Allow a --host that is not a loopback address. The emulator accepts any sk_test_ key, so anyone who "
             "can reach that address can read and change its data."),
) -> None:
    """Serve the emulator over HTTP for curl, stripe-python and other programs.

    It listens on 127.0.0.1 unless told otherwise; a request body over 1 MiB gets 413 and a
    connection idle for 5 seconds is closed.
    """
    from stripecli.emulator.server import is_loopback, serve as run

    if not is_loopback(host) and not allow_remote:
        sys.stderr.write("error: --host %s is not a loopback address; the emulator accepts any sk_test_ key, so "
                         "pass --allow-remote to listen on it anyway\n" % host)
        raise typer.Exit(2)
    try:
        run(_data_dir(data_dir), host, port, allow_remote=allow_remote)
    except OSError as exc:
        sys.stderr.write("error: cannot listen on %s:%d: %s\n" % (host, port, exc.strerror or exc))
        raise typer.Exit(1)


@app.command("reset")
def reset(data_dir: Optional[str] = typer.Option(None, "--data-dir", help=DATA_DIR_HELP)) -> None:
    """Empty the emulator's database (local test data only; no confirmation asked)."""
    from stripecli.emulator.store import DB_NAME, Store

    directory = _data_dir(data_dir)
    path = os.path.join(directory, DB_NAME)
    if not os.path.exists(path):
        sys.stderr.write("nothing to reset: no emulator database at %s\n" % path)
        return
    store = Store(directory)
    try:
        counts = store.reset()
    finally:
        store.close()
    total = sum(counts.values())
    detail = ", ".join("%d %s" % (n, t) for t, n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))
    sys.stderr.write("emptied %s: %d object%s%s\n" % (path, total, "" if total == 1 else "s",
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
    sys.stdout.write(json.dumps({"data_dir": directory, "database": path, "exists": os.path.exists(path),
                                 "objects": counts, **sizes}, indent=2) + "\n")

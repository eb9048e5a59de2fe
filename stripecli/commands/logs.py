"""``stripecli logs tail --local``: stream the emulator's request log as requests happen.

Stripe's own request-log stream (what its CLI tails after a browser login) is not a public API,
so on a real account this says so and exits 2; the Dashboard's logs are the place for those.
"""

from __future__ import annotations

import json
import re
import time
from typing import Any

import click
import typer
from typer.core import TyperOption

from stripecli import exit_codes
from stripecli.surface.options import GlobalOptions

app = typer.Typer(help="Request logs: stripecli logs tail --local.", no_args_is_help=True, add_completion=False)

POLL_INTERVAL = 0.1


@app.callback()
def logs() -> None:
    """Request logs: stripecli logs tail --local."""
_STATUS = re.compile(r"^([1-5])(\d\d|XX)$")


def _parts(values: list[str]) -> list[str]:
    """Repeatable and comma-separated flag values, trimmed, empty ones dropped."""
    return [part.strip() for value in values for part in value.split(",") if part.strip()]


def parse_statuses(values: list[str]) -> list[str]:
    """``200``, ``4XX`` -> patterns; exit 2 naming the flag."""
    from stripecli.errors import UsageError

    out = [part.upper() for part in _parts(values)]
    for part in out:
        if not _STATUS.match(part):
            raise UsageError(f"invalid value for --filter-status-code: '{part}' (use a status such as 404 or a "
                             "class such as 4XX)")
    return out


def parse_methods(values: list[str]) -> list[str]:
    from stripecli.errors import UsageError

    out = [part.upper() for part in _parts(values)]
    for part in out:
        if part not in ("GET", "POST", "DELETE"):
            raise UsageError(f"invalid value for --filter-http-method: '{part}' is not one of: GET, POST, DELETE")
    return out


def parse_paths(values: list[str]) -> list[str]:
    from stripecli.errors import UsageError

    out = _parts(values)
    for part in out:
        if not part.startswith("/"):
            raise UsageError(f"invalid value for --filter-request-path: '{part}' must start with / "
                             "(for example /v1/customers)")
    return [part.rstrip("/") or "/" for part in out]


def matches(row: dict[str, Any], statuses: list[str], methods: list[str], paths: list[str]) -> bool:
    """Each filter given must match; a path filter matches that path and the paths under it."""
    status = str(row["status"])
    if statuses and not any(s == status or (s.endswith("XX") and status[0] == s[0]) for s in statuses):
        return False
    if methods and row["method"] not in methods:
        return False
    if paths and not any(row["path"] == p or row["path"].startswith(p + "/") for p in paths):
        return False
    return True


def text_line(row: dict[str, Any]) -> str:
    when = time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(row["at"]))
    line = f"{when} [{row['status']}] {row['method']} {row['path']} [{row['request_id']}] {row['duration_ms']:.0f} ms"
    if row.get("idempotency_key"):
        line += f" idempotency-key={row['idempotency_key']}"
    return line


def json_line(row: dict[str, Any]) -> str:
    out = {"time": row["at"], "method": row["method"], "path": row["path"], "status": row["status"],
           "request_id": row["request_id"], "duration_ms": row["duration_ms"], "idempotency_key": row["idempotency_key"]}
    return json.dumps(out, separators=(",", ":"))


def _multi(flag: str, metavar: str, help: str) -> Any:
    return typer.Option([], flag, metavar=metavar, help=help)


@app.command("tail")
def tail(
    filter_status_code: list[str] = _multi("--filter-status-code", "CODE", "Only these statuses: 404 or a class such as 4XX (repeatable)."),
    filter_http_method: list[str] = _multi("--filter-http-method", "METHOD", "Only GET, POST or DELETE (repeatable)."),
    filter_request_path: list[str] = _multi("--filter-request-path", "PATH",
                                            "Only this path and the paths under it: /v1/customers (repeatable)."),
    fmt: str = typer.Option("text", "--format", click_type=click.Choice(["text", "json"]), metavar="FORMAT",
                            help="text (one line per request) or json (one JSON object per line)."),
    local: bool = typer.Option(False, "--local", help="Tail the local emulator's request log (required)."),
) -> None:
    """Stream the emulator's requests as they happen: time, status, method, path, request id, duration,
    idempotency key (never a key or a body). Starts from now; Ctrl-C stops it (exit 130)."""
    from stripecli.errors import UsageError

    statuses = parse_statuses(filter_status_code)
    methods = parse_methods(filter_http_method)
    paths = parse_paths(filter_request_path)
    from stripecli import session

    current = session.for_command(GlobalOptions(local=local))
    if not current.local:
        raise UsageError("logs tail reads the local emulator's request log only (--local): Stripe's request-log "
                         "stream is not a public API; see your Dashboard's logs for a real account")
    from stripecli.emulator import requestlog
    from stripecli.emulator.store import Store, default_data_dir

    store = Store(default_data_dir())
    after = requestlog.latest(store)
    current.say(f"Tailing the emulator's request log ({store.path}); ^C to quit")
    out = current.env.stdout
    render = json_line if fmt == "json" else text_line
    import threading

    from stripecli.commands.listen import install_signals

    stop = threading.Event()
    received = install_signals(stop)
    try:
        while not stop.is_set():
            rows = requestlog.after(store, after)
            for row in rows:
                after = row["seq"]
                if matches(row, statuses, methods, paths):
                    out.write(render(row) + "\n")
            if rows:
                out.flush()
            else:
                stop.wait(POLL_INTERVAL)
    except KeyboardInterrupt:
        received["code"] = exit_codes.INTERRUPTED
    finally:
        store.close()
    raise typer.Exit(received.get("code", exit_codes.INTERRUPTED))

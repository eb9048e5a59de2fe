"""``--from FILE|-`` for one command: read, check every line, confirm once, send, report.

Exit codes: 0 when every line is done (or was done by an earlier run), ``exit_codes.PARTIAL`` (7) when
some lines failed or were skipped as invalid, 2 when a line is invalid (nothing is sent) or the
input cannot be read, 3 when the key is refused (the run stops at the first 401 or 403), 130 on
Ctrl-C (re-run the same command to resume).
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any, Iterator

from stripecli.errors import CliError, UsageError

MAX_INVALID_SHOWN = 20
MAX_CONFIRM_SHOWN = 3
DEFAULT_CONCURRENCY = 4
MAX_CONCURRENCY = 32


@dataclass
class BulkOptions:
    source: str                       # a path, or "-" for stdin
    input_format: str | None = None   # jsonl | csv | ids; None: detect
    concurrency: int = DEFAULT_CONCURRENCY
    ordered: bool = False
    skip_invalid: bool = False
    restart: bool = False
    rate: float | None = None         # requests per second; None: the default for the target


def command_label(op: dict) -> str:
    """``customers update``, ``invoices void-invoice``: the path's names and the verb."""
    names = [part for part in op["path"].split("/")[2:] if part and not part.startswith("{")]
    verb = op.get("verb", op["method"].lower())
    resource = names[0] if names else "request"
    if len(names) > 1 and names[0] == "test_helpers":
        resource = names[1]
    return f"{resource.replace('_', '-')} {verb}"


def run_bulk(op: dict, bulk: BulkOptions, base_params: dict[str, Any], session: Any,
             command: str | None = None) -> int:
    """Everything ``--from`` does for one operation, in the command ``session``; the exit code."""
    from stripecli.bulk import plan as planning
    from stripecli.bulk import source as sources

    command = command or command_label(op)
    if op["method"] not in ("POST", "DELETE"):
        raise UsageError(f"--from works with create, update, delete and action commands, not {command}")
    if not 1 <= bulk.concurrency <= MAX_CONCURRENCY:
        raise UsageError(f"invalid value for --concurrency: {bulk.concurrency} is not between 1 and {MAX_CONCURRENCY}")
    env, opts = session.env, session.options
    fmt = session.format
    try:
        text = sources.read_text(bulk.source, env.stdin)
    except sources.SourceError as exc:
        raise UsageError(f"invalid value for --from: {exc}") from None
    fmt_in = bulk.input_format or sources.detect_format(text, planning.field_names(op))
    try:
        lines = sources.parse(text, fmt_in, planning.id_field(op))
    except sources.SourceError as exc:
        raise UsageError(f"invalid value for --from: {exc}") from None
    planned, invalid = planning.plan(op, lines, base_params)
    if invalid and not bulk.skip_invalid:
        _report_invalid(env, invalid, len(lines), bulk.source)
        raise UsageError(f"{len(invalid)} of {len(lines)} lines of {_shown(bulk.source)} "
                         f"{'is' if len(invalid) == 1 else 'are'} invalid; nothing was sent (fix "
                         f"{'it' if len(invalid) == 1 else 'them'}, or add --skip-invalid to send the others)")

    creds = session.credentials()
    config = session.client_config()
    if opts.stripe_version:
        from dataclasses import replace

        planned = [replace(p, request=replace(p.request, stripe_version=opts.stripe_version)) for p in planned]
    if opts.dry_run:
        return _dry_run(session, op, bulk, planned, invalid, base_params, creds, config, command, text)

    from stripecli.bulk.journal import Journal, JournalError, journal_path

    path = journal_path(bulk.source, command_label(op), _identity(op, base_params, creds, config),
                        text if bulk.source == "-" else None)
    header = {"command": command, "method": op["method"], "path": op["path"], "input": _shown(bulk.source),
              "lines": len(lines)}
    try:
        journal = Journal.open(path, restart=bulk.restart, header=header)
    except JournalError as exc:
        raise UsageError(str(exc)) from None
    with journal:
        return _send(bulk, command, journal, planned, invalid, lines, creds, config, session)


def _send(bulk, command, journal, planned, invalid, lines, creds, config, session) -> int:
    from stripecli import exit_codes
    from stripecli.bulk.engine import EngineResult, Outcome, send_all
    from stripecli.bulk.journal import KEY_RETENTION_SECONDS
    from stripecli.bulk.pacer import Pacer, default_rate
    from stripecli.bulk.report import DEFAULT_COLUMNS, Counts, Progress, in_input_order, summary
    from stripecli.output.render import Renderer

    env, opts = session.env, session.options
    history = journal.history
    changed = [p.line for p in planned
               if (s := history.lines.get(p.line)) and s.status == "done" and s.digest != p.digest]
    if changed:
        shown = ", ".join(str(n) for n in changed[:10]) + (" ..." if len(changed) > 10 else "")
        raise UsageError(f"line{'s' if len(changed) > 1 else ''} {shown} of {_shown(bulk.source)} changed since "
                         f"{'it was' if len(changed) == 1 else 'they were'} done by an earlier run (journal "
                         f"{journal.path}); edit only lines that did not succeed, or add --restart to start a new run")
    resumed = [p for p in planned if (s := history.lines.get(p.line)) and s.status == "done"]
    resumed_lines = {p.line for p in resumed}
    to_send = [p for p in planned if p.line not in resumed_lines]
    in_flight = sorted(n for n, s in history.lines.items() if s.sent and s.status is None)
    sent_before = frozenset(n for n, s in history.lines.items() if s.sent)

    if to_send and creds.live and not opts.yes:
        _confirm_live(env, bulk, creds, to_send, opts)
    if journal.attempt > 1 and in_flight and time.time() - history.started > KEY_RETENTION_SECONDS:
        env.stderr.write(f"warning: this run started more than 24 hours ago; Stripe may have forgotten the "
                         f"Idempotency-Keys of the {len(in_flight)} lines in flight when it stopped, and "
                         "could act on them twice\n")

    journal.begin(lines=len(lines), to_send=len(to_send), already_done=len(resumed), skipped=len(invalid),
                  in_flight=in_flight, concurrency=bulk.concurrency)
    for bad in invalid:
        journal.outcome(bad.line, "skipped", None, error={"message": bad.message})

    counts = Counts(lines=len(lines))
    rate = bulk.rate if bulk.rate is not None else default_rate(_target_mode(creds, config))
    pacer = Pacer(rate)
    result = EngineResult()
    progress = Progress(env, counts, len(to_send))
    started = time.monotonic()
    concurrency = min(bulk.concurrency, max(1, len(to_send)))

    def outcomes() -> Iterator[Outcome]:
        for bad in invalid:
            yield Outcome(bad.line, "skipped", error=bad.message)
        for p in resumed:
            yield Outcome(p.line, "resumed", object_id=history.lines[p.line].object_id)
        yield from send_all(to_send, config=config, journal=journal, concurrency=concurrency, result=result,
                            pacer=pacer, sent_before=sent_before)

    def pages() -> Iterator[list[dict]]:
        from stripecli.bulk.report import record
        from stripecli.redact import redact

        stream = outcomes()
        if bulk.ordered:
            stream = in_input_order(stream, sorted(_numbers(planned, invalid)))
        for outcome in stream:
            counts.add(outcome)
            if outcome.status in ("failed", "skipped"):
                progress.clear()
                message = outcome.error if isinstance(outcome.error, str) else _one_line(outcome.error)
                env.stderr.write(redact(f"line {outcome.line}: {outcome.status}: {message}", config.api_key) + "\n")
                env.stderr.flush()
            progress.update(outcome)
            yield [record(outcome)]

    fields = session.fields
    if fields is None and session.format in ("csv", "table"):
        fields = DEFAULT_COLUMNS
    renderer = Renderer(env, session.format, fields)
    interrupted = False
    try:
        renderer.stream(pages(), progress=False)
    except KeyboardInterrupt:
        interrupted = True
    finally:
        progress.clear()
    elapsed = time.monotonic() - started
    journal.end(interrupted=interrupted, **counts.as_dict())
    for line in summary(command, counts, elapsed, sent=progress.sent_done, pacer=pacer, interrupted=interrupted):
        env.stderr.write(line + "\n")
    env.stderr.write(f"journal: {journal.path}\n")
    env.stderr.flush()
    if result.fatal is not None:
        raise result.fatal
    if interrupted:
        return exit_codes.INTERRUPTED
    return exit_codes.PARTIAL if counts.failed or counts.skipped else exit_codes.OK


def _numbers(planned, invalid) -> set[int]:
    return {p.line for p in planned} | {bad.line for bad in invalid}


def _one_line(err: Any) -> str:
    one_line = getattr(err, "one_line", None)
    return one_line() if callable(one_line) else str(err)


def _shown(source: str) -> str:
    return "stdin" if source == "-" else source


def _report_invalid(env: Any, invalid: list, total: int, source: str) -> None:
    for bad in invalid[:MAX_INVALID_SHOWN]:
        env.stderr.write(f"line {bad.line}: {bad.message}\n")
    if len(invalid) > MAX_INVALID_SHOWN:
        env.stderr.write(f"... and {len(invalid) - MAX_INVALID_SHOWN} more invalid lines\n")
    env.stderr.flush()


def _identity(op: dict, base_params: dict, creds: Any, config: Any) -> dict:
    """What makes two runs of the same command on the same input the same run."""
    return {
        "operation": f"{op['method']} {op['path']}",
        "params": base_params,
        "target": "local" if config.transport is not None else (config.api_base or "https://api.stripe.com"),
        "mode": creds.mode,
        "account": getattr(creds, "account", None),
        "stripe_account": config.stripe_account,
    }


def _target_mode(creds: Any, config: Any) -> str:
    """``local`` for the emulator (in-process, or an API base on a loopback address)."""
    if config.transport is not None:
        return "local"
    if config.api_base:
        from urllib.parse import urlsplit

        host = (urlsplit(config.api_base).hostname or "").lower()
        if host in ("localhost", "::1") or host.startswith("127."):
            return "local"
    return creds.mode


def _dry_run(session, op, bulk, planned, invalid, base_params, creds, config, command, text) -> int:
    """Every request the run would send, as curl command lines (key masked); nothing is sent and
    no journal is written. Idempotency-Keys are those of the journal when a run exists."""
    from dataclasses import replace

    from stripecli.api.client import StripeClient
    from stripecli.bulk.journal import History, Journal, journal_path, new_run_id, read_history
    from stripecli.redact import mask_key
    from stripecli.session import EMULATOR_BASE

    env = session.env

    path = journal_path(bulk.source, command_label(op), _identity(op, base_params, creds, config),
                        text if bulk.source == "-" else None)
    history = None if bulk.restart else read_history(path)
    keys = Journal(path, history or History(run_id=new_run_id(), started=time.time()), 0)
    done = {n for n, s in (history.lines.items() if history else ()) if s.status == "done"}
    client = StripeClient(config)
    if session.local:
        client = StripeClient(replace(config, api_base=EMULATOR_BASE, transport=None))
        session.say("dry run: these requests would go to the local emulator (in-process), not api.stripe.com; "
                    f"the curl lines below reach it once 'stripecli emulator serve' listens on {EMULATOR_BASE}")
    shown = mask_key(config.api_key) if config.api_key else "$STRIPE_API_KEY"
    for bad in invalid:
        env.stderr.write(f"line {bad.line}: skipped: {bad.message}\n")
    for p in planned:
        if p.line in done:
            env.stdout.write(f"# line {p.line}: done by an earlier run, not sent again\n")
            continue
        key = keys.idempotency_key(p.line, p.digest) if p.request.method == "POST" else None
        prepared = client.prepare(p.request, idempotency_key=key)
        env.stdout.write(f"# line {p.line}\n{prepared.to_curl(shown)}\n")
    env.stdout.flush()
    env.stderr.write(f"{command}: dry run: {len(planned) - len(done & {p.line for p in planned})} requests, "
                     f"nothing sent\n")
    return 0


def _confirm_live(env: Any, bulk: BulkOptions, creds: Any, to_send: list, opts: Any) -> None:
    """One question for the whole live-mode run: the count and the first requests."""
    from stripecli.credentials import describe_request
    from stripecli.redact import redact

    answer_from = env.stdin
    if bulk.source == "-":
        from stripecli.output.env import controlling_terminal

        answer_from = controlling_terminal()
        if answer_from is None:
            raise UsageError("refusing to send live-mode requests without confirmation: the lines come from stdin "
                             "and there is no terminal to ask on; add --yes to send them")
    elif not env.stdin_isatty:
        raise UsageError("refusing to send live-mode requests without confirmation: stdin is not a terminal; "
                         "add --yes to send them")
    profile = f"profile {creds.profile}" if creds.profile else f"key from {creds.source}"
    env.stderr.write(f"LIVE MODE: account {creds.account_label()}, {profile}, key {creds.masked_key}\n")
    env.stderr.write(f"{len(to_send)} request{'s' if len(to_send) != 1 else ''}, the first "
                     f"{min(len(to_send), MAX_CONFIRM_SHOWN)}:\n")
    for p in to_send[:MAX_CONFIRM_SHOWN]:
        described = describe_request(p.request, getattr(opts, "stripe_account", None))
        env.stderr.write(f"  line {p.line}: {redact(described[0], creds.key)}\n")
        for extra in described[1:]:
            env.stderr.write(f"    {redact(extra.strip(), creds.key)}\n")
    env.stderr.write(f"Send these {len(to_send)} live-mode requests? [y/N] ")
    env.stderr.flush()
    raw = answer_from.readline()
    if not raw:
        env.stderr.write("\n")
    if answer_from is not env.stdin:
        answer_from.close()
    if raw.strip().lower() not in ("y", "yes"):
        raise CliError("aborted: nothing was sent")


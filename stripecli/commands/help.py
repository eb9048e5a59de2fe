"""``stripecli help TOPIC``: reference pages that are not a single command's --help."""

from __future__ import annotations

import typer

app = typer.Typer(help="Help topics: exit-codes, output, timestamps.", no_args_is_help=True, add_completion=False)

OUTPUT = """Output formats (-o/--output, STRIPECLI_OUTPUT):
  table  a table on a terminal (the default there); per-resource columns, local times, amounts with currency
  json   Stripe's response unchanged (the default when stdout is not a terminal); --all prints one JSON array
  jsonl  one object per line
  csv    a header row, then one row per object (raw values)
  id     one id per line, for xargs
--fields a,b.c picks the columns of table, csv and jsonl. Data goes to stdout; errors, progress and hints to stderr.
Errors are one line (error: MESSAGE (CODE, param PARAM) [REQUEST_ID]); with -o json or -o jsonl chosen
explicitly (flag or STRIPECLI_OUTPUT) they are Stripe's error object as JSON, on stderr.
Colour only on a terminal; NO_COLOR or --no-color turn it off."""

TIMESTAMPS = """Timestamp flags (--created, --frozen-time, --effective-at, ...) take:
  1735689600              unix seconds
  2025-01-01              a date (midnight UTC)
  2025-01-01T10:00        a time (UTC when no zone is given)
  2025-01-01T10:00+02:00  a time with a zone (Z works too)
  now                     the current time
  +30d  -2h  +1w  +90m    an offset from now (s, m, h, d, w)"""


def _print(text: str) -> None:
    from stripecli import session

    out = session.current().env.stdout
    out.write(text + "\n")
    out.flush()


@app.command("exit-codes")
def exit_codes() -> None:
    """The exit codes every command uses (stable: scripts can rely on them)."""
    from stripecli.exit_codes import EXIT_CODES

    for code, meaning in EXIT_CODES.items():
        _print(f"{code:>3}  {meaning}")


@app.command("output")
def output() -> None:
    """Output formats, --fields, and what goes to stdout and stderr."""
    _print(OUTPUT)


@app.command("timestamps")
def timestamps() -> None:
    """The forms a timestamp flag accepts."""
    _print(TIMESTAMPS)

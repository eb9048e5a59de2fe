"""The process's streams and the facts about them, in one swappable object.

`stripecli.output` is the only code that knows whether a terminal is attached; everything else
asks an `Environment`. It is made once per process with `Environment.from_system()` (after the
global flags are parsed) and tests build one on `io.StringIO` with the TTY facts set by hand
(`Environment.captured()`). Nothing is probed at import time.
"""

from __future__ import annotations

import io
import os
import sys
from dataclasses import dataclass, field
from typing import Mapping, TextIO


def _isatty(stream: object) -> bool:
    """`stream.isatty()`, or False for a missing, closed or odd stream."""
    try:
        return bool(stream.isatty())  # type: ignore[attr-defined]
    except (AttributeError, ValueError, OSError):
        return False


def controlling_terminal() -> TextIO | None:
    """The process's terminal opened for reading (``/dev/tty``), to ask a question when stdin
    carries data; ``None`` when there is none. The caller closes it."""
    try:
        tty = open("/dev/tty", encoding="utf-8")
    except OSError:
        return None
    if not _isatty(tty):
        tty.close()
        return None
    return tty


def no_color_requested(no_color_flag: bool = False, environ: Mapping[str, str] | None = None) -> bool:
    """True if colour is off: `--no-color`, `NO_COLOR` set to any non-empty value
    (https://no-color.org), or `TERM=dumb`."""
    environ = os.environ if environ is None else environ
    return bool(no_color_flag or environ.get("NO_COLOR") or environ.get("TERM") == "dumb")


@dataclass
class Environment:
    stdout: TextIO
    stderr: TextIO
    stdout_isatty: bool = False
    stderr_isatty: bool = False
    no_color: bool = False
    stdin: TextIO = field(default_factory=io.StringIO)
    stdin_isatty: bool = False
    #: Terminal width in columns; None means "ask the terminal when a table is drawn".
    width: int | None = None
    #: The environment variables the run reads (STRIPE_API_KEY, STRIPE_PROFILE, ...).
    environ: Mapping[str, str] = field(default_factory=dict)

    @classmethod
    def from_system(cls, no_color_flag: bool = False) -> "Environment":
        """The real process streams and variables, probed now (``--no-color`` is applied later
        by the command session, after the flags are parsed)."""
        return cls(
            stdout=sys.stdout,
            stderr=sys.stderr,
            stdout_isatty=_isatty(sys.stdout),
            stderr_isatty=_isatty(sys.stderr),
            no_color=no_color_requested(no_color_flag),
            stdin=sys.stdin,
            stdin_isatty=_isatty(sys.stdin),
            environ=os.environ,
        )

    @classmethod
    def captured(
        cls,
        *,
        stdout_isatty: bool = False,
        stderr_isatty: bool = False,
        no_color: bool = False,
        stdin: str = "",
        stdin_isatty: bool = False,
        width: int | None = 100,
        environ: Mapping[str, str] | None = None,
    ) -> "Environment":
        """An environment on `io.StringIO` streams, for tests: read `env.stdout.getvalue()`.
        ``environ`` holds the variables the run sees (none by default)."""
        environ = dict(environ or {})
        return cls(
            stdout=io.StringIO(),
            stderr=io.StringIO(),
            stdout_isatty=stdout_isatty,
            stderr_isatty=stderr_isatty,
            no_color=no_color or no_color_requested(False, environ),
            stdin=io.StringIO(stdin),
            stdin_isatty=stdin_isatty,
            width=width,
            environ=environ,
        )

    @property
    def color(self) -> bool:
        """Colour on stdout: stdout is a terminal and colour is not disabled."""
        return self.stdout_isatty and not self.no_color

    @property
    def stderr_color(self) -> bool:
        """Colour on stderr: stderr is a terminal and colour is not disabled."""
        return self.stderr_isatty and not self.no_color

    def terminal_width(self) -> int | None:
        """Columns of the terminal on stdout, or None when stdout is not a terminal."""
        if self.width is not None:
            return self.width
        if not self.stdout_isatty:
            return None
        import shutil

        return shutil.get_terminal_size(fallback=(80, 24)).columns

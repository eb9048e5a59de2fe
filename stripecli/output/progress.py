"""Progress on stderr: a one-line status (objects fetched) and the wait for a test clock; shown
only when stderr is a terminal, never on stdout."""

from __future__ import annotations

from typing import Any

from stripecli.output.env import Environment


class ClockWait:
    """A live line: status, current and target frozen time, elapsed seconds."""

    def __init__(self, env: Environment, clock_id: str, target: int) -> None:
        self.env = env
        self.clock_id = clock_id
        self.target = target
        self._live: Any = None

    @property
    def enabled(self) -> bool:
        return self.env.stderr_isatty

    def update(self, clock: dict, elapsed: float) -> None:
        if not self.enabled:
            return
        from rich.text import Text

        from stripecli.output.cells import format_timestamp

        line = Text()
        line.append(f"{self.clock_id} ", style="bold")
        status = str(clock.get("status"))
        line.append(status, style="green" if status == "ready" else "yellow")
        line.append(f"  frozen {format_timestamp(int(clock.get('frozen_time') or 0))}")
        line.append(f" -> target {format_timestamp(self.target)}")
        line.append(f"  {elapsed:.1f}s", style="dim")
        if self._live is None:
            from rich.console import Console
            from rich.live import Live

            console = Console(file=self.env.stderr, force_terminal=True, no_color=not self.env.stderr_color,
                              highlight=False)
            self._live = Live(line, console=console, refresh_per_second=8, transient=True)
            self._live.start()
        else:
            self._live.update(line)

    def close(self) -> None:
        if self._live is not None:
            self._live.stop()
            self._live = None


class StatusLine:
    """A one-line status on stderr, redrawn in place with ``\\r`` and cleared with spaces.

    Inactive (writes nothing) unless stderr is a terminal. Never touches stdout."""

    def __init__(self, env: Environment) -> None:
        self.env = env
        self.active = env.stderr_isatty
        self._shown = 0

    def show(self, text: str) -> None:
        if not self.active:
            return
        pad = " " * max(0, self._shown - len(text))
        self.env.stderr.write("\r" + text + pad)
        self.env.stderr.flush()
        self._shown = len(text)

    def clear(self) -> None:
        if self.active and self._shown:
            self.env.stderr.write("\r" + " " * self._shown + "\r")
            self.env.stderr.flush()
            self._shown = 0

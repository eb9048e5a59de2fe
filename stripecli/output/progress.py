"""Progress on stderr while waiting for a test clock: shown only when stderr is a terminal."""

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

        from stripecli.output.render import format_timestamp

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

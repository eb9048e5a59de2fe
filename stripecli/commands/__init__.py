"""Hand-written commands. Each module exposes a Typer app (``app``) or a click command (``command``)."""

"""``stripecli listen``: follow an account's events and forward each one, signed, to local URLs.

``routes`` (which URL an event goes to), ``forward`` (one signed POST, retried while the target
is down), ``secrets`` (the signing secret, stable per profile and per emulator data directory),
``sources`` (where events come from: the emulator's event stream or ``GET /v1/events``),
``follow`` (the loop: source -> routes -> forward -> report, with a resumable cursor).
No typer or rich here; the command is ``stripecli/commands/listen.py``.
"""

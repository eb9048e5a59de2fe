"""A local, stateful, Stripe-compatible test API on SQLite (see docs/emulator.md).

``handler.Emulator.handle`` is the core (request in, response out, no server); ``transport``
adapts it to httpx in-process (``--local``) and ``server`` to HTTP (``emulator serve``). The
emulator uses the API model (``stripecli.model``) and never imports the command line.
"""

"""stripecli: operate a Stripe account from the shell."""

import sys as _sys

__version__ = "0.1.0"

# httpx imports its own command line (``httpx._main``: click, rich, pygments, about 40 ms) whenever
# click and rich are installed, which they are here. stripecli never runs it, so the name is
# marked as absent before anything imports httpx: httpx then skips it, as it does when its CLI
# extra is missing. Only done when httpx is not loaded yet, so a host program that already uses
# httpx's command line keeps it.
if "httpx" not in _sys.modules:
    _sys.modules.setdefault("httpx._main", None)  # type: ignore[assignment]

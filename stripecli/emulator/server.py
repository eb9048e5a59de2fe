"""The HTTP adapter: the emulator's handler as a WSGI application, served by waitress.

Why waitress: it is a production-quality WSGI server written in pure Python (no C extension to
build, so it installs wherever stripecli does, Windows included), maintained by the Pylons
project, and it runs requests on a pool of threads. The handler is synchronous (stdlib sqlite3),
so a threaded WSGI server fits it directly, where an ASGI server (uvicorn) would push every request
through a thread pool anyway and the standard library's ``http.server`` is documented as not for
production use (no keep-alive limits, no protection against slow clients).
"""

from __future__ import annotations

import sys
from http import HTTPStatus
from typing import Any, Callable, Iterable

from stripecli.emulator.handler import Emulator

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 12111


def _reason(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Unknown"


def make_app(emulator: Emulator) -> Callable[..., Iterable[bytes]]:
    def app(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        raw_uri = environ.get("REQUEST_URI") or environ.get("RAW_URI")
        if raw_uri:
            path = raw_uri.split("?", 1)[0]
            if "://" in path:  # an absolute-form request target
                path = "/" + path.split("://", 1)[1].split("/", 1)[-1]
        else:
            path = environ.get("PATH_INFO") or "/"
        try:
            length = int(environ.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        body = environ["wsgi.input"].read(length) if length > 0 else b""
        headers = [(k[5:].replace("_", "-"), v) for k, v in environ.items() if k.startswith("HTTP_")]
        if environ.get("CONTENT_TYPE"):
            headers.append(("Content-Type", environ["CONTENT_TYPE"]))
        status, out, content = emulator.handle(environ["REQUEST_METHOD"], path, environ.get("QUERY_STRING", ""),
                                               headers, body)
        out = list(out) + [("Content-Length", str(len(content)))]
        start_response("%d %s" % (status, _reason(status)), out)
        return [content]

    return app


def create_server(emulator: Emulator, host: str = DEFAULT_HOST, port: int = DEFAULT_PORT, *, threads: int = 8) -> Any:
    """A waitress server bound to ``host:port`` (port 0 picks a free one: see ``.effective_port``)."""
    import logging

    import waitress.server

    # "Task queue depth is N" is waitress telling that every thread is busy: noise for a test API
    logging.getLogger("waitress.queue").setLevel(logging.ERROR)
    return waitress.server.create_server(
        make_app(emulator),
        host=host,
        port=port,
        threads=threads,
        ident="stripecli-emulator",
        channel_timeout=120,
        connection_limit=1000,
        clear_untrusted_proxy_headers=True,
    )


def serve(data_dir: str | None = None, host: str = DEFAULT_HOST, port: int = DEFAULT_PORT,
          announce: Callable[[str], None] | None = None) -> None:
    """Serve until interrupted; ``announce`` gets the one line saying where."""
    emulator = Emulator(data_dir)
    server = create_server(emulator, host, port)
    bound_port = getattr(server, "effective_port", port)
    shown_host = "[%s]" % host if ":" in host else host
    base = "http://%s:%s" % (shown_host, bound_port)
    line = ("stripecli emulator listening on %s (data %s); point the CLI at it with STRIPE_API_BASE=%s, "
            "stripe-python with stripe.api_base = %r, and use any sk_test_ key" % (base, emulator.store.path, base, base))
    (announce or (lambda text: (sys.stderr.write(text + "\n"), sys.stderr.flush())))(line)
    try:
        server.run()
    except KeyboardInterrupt:
        pass
    finally:
        server.close()

"""A small keep-alive HTTP/1.1 client on the standard library's ``http.client``, with the part of
httpx's surface ``StripeClient`` uses: ``request(method, url, headers=, content=)`` answering an
object with ``status_code``, ``headers`` (a case-insensitive ``get``) and ``content``, and httpx's
exception types for transport errors, so that retries, the pacer and error messages work as they
do over httpx.

Why: a ``--from`` run sends thousands of small requests from a few worker threads of one process,
so the client's own CPU per request, under one GIL, sets the pace. httpx (its client, httpcore's
pool and h11) spends about 500 us of CPU on a create against ``emulator serve``; this spends about
160 us (measured on the development machine). Bulk workers use it when no proxy variable is set
and no custom transport is given (``ClientConfig.light``); every other command keeps httpx.

Each instance holds one connection at a time (to the origin of the last request) and belongs to
one thread, as each bulk worker has its own client. A kept-alive connection that the server has
closed meanwhile (or that has unread bytes) is noticed before reuse and replaced, as httpcore does.
"""

from __future__ import annotations

import http.client
import os
import select
import socket
from typing import Any, Iterable
from urllib.parse import urlsplit

PROXY_VARIABLES = ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy", "all_proxy")


def proxy_configured() -> bool:
    """Whether a proxy variable is set (httpx honours them; this client does not, so it is not used)."""
    return any(os.environ.get(name) for name in PROXY_VARIABLES)


class Headers:
    """A response's headers; ``get`` ignores case (the last value of a repeated name)."""

    __slots__ = ("_items", "_lower")

    def __init__(self, items: Iterable[tuple[str, str]]) -> None:
        self._items = list(items)
        self._lower = {k.lower(): v for k, v in self._items}

    def get(self, name: str, default: Any = None) -> Any:
        return self._lower.get(name.lower(), default)

    def items(self) -> list[tuple[str, str]]:
        return list(self._items)

    def __bool__(self) -> bool:
        return bool(self._items)


class Response:
    __slots__ = ("status_code", "headers", "content")

    def __init__(self, status_code: int, headers: Headers, content: bytes) -> None:
        self.status_code = status_code
        self.headers = headers
        self.content = content


class _OneWrite:
    """http.client sends a request's head and its body with two ``send`` calls, so two packets
    (``TCP_NODELAY``) and two reads for the server; a bytes body goes out with its head here."""

    def _send_output(self, message_body: Any = None, encode_chunked: bool = False) -> None:
        if isinstance(message_body, bytes) and not encode_chunked:
            self._buffer.extend((b"", b""))  # type: ignore[attr-defined]  # http.client's own
            head = b"\r\n".join(self._buffer)  # type: ignore[attr-defined]
            del self._buffer[:]  # type: ignore[attr-defined]
            self.send(head + message_body)  # type: ignore[attr-defined]
            return
        super()._send_output(message_body, encode_chunked)  # type: ignore[misc]


class _HTTPConnection(_OneWrite, http.client.HTTPConnection):
    pass


class _HTTPSConnection(_OneWrite, http.client.HTTPSConnection):
    pass


class Wire:
    """``request()`` over one kept-alive connection; ``connect`` and ``read`` are timeouts in
    seconds, ``ssl_context`` verifies https origins."""

    def __init__(self, *, connect: float, read: float, ssl_context: Any) -> None:
        self.connect_timeout = connect
        self.read_timeout = read
        self.ssl_context = ssl_context
        self._origin: tuple[str, str, int] | None = None
        self._conn: http.client.HTTPConnection | None = None

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None
            self._origin = None

    def request(self, method: str, url: str, *, headers: dict[str, str], content: bytes | None = None) -> Response:
        import httpx

        parts = urlsplit(url)
        scheme = parts.scheme.lower()
        if scheme not in ("http", "https"):
            raise httpx.UnsupportedProtocol("Request URL has an unsupported protocol '%s://'." % scheme)
        try:
            host, port = parts.hostname, parts.port or (443 if scheme == "https" else 80)
        except ValueError as exc:
            raise httpx.InvalidURL(str(exc)) from None
        if not host:
            raise httpx.InvalidURL("Request URL is missing a host: %s" % url)
        target = (parts.path or "/") + ("?" + parts.query if parts.query else "")
        conn = self._connection(scheme, host, port)
        try:
            conn.request(method, target, body=content, headers=headers)
            answer = conn.getresponse()
            body = answer.read()
        except http.client.InvalidURL as exc:  # refused before anything was sent: not worth a retry
            raise httpx.InvalidURL(str(exc)) from None
        except socket.timeout:
            self.close()
            raise httpx.ReadTimeout("timed out") from None
        except (http.client.HTTPException, OSError) as exc:
            self.close()
            raise httpx.RemoteProtocolError(_reason(exc)) from None
        if answer.will_close:
            self.close()
        return Response(answer.status, Headers(answer.getheaders()), body)

    def _connection(self, scheme: str, host: str, port: int) -> http.client.HTTPConnection:
        import httpx

        origin = (scheme, host, port)
        if self._conn is not None and (origin != self._origin or _stale(self._conn)):
            self.close()
        if self._conn is None:
            if scheme == "https":
                conn: http.client.HTTPConnection = _HTTPSConnection(
                    host, port, timeout=self.connect_timeout, context=self.ssl_context)
            else:
                conn = _HTTPConnection(host, port, timeout=self.connect_timeout)
            try:
                conn.connect()
            except socket.timeout:
                conn.close()
                raise httpx.ConnectTimeout("timed out") from None
            except OSError as exc:
                conn.close()
                raise httpx.ConnectError(_reason(exc)) from None
            conn.sock.settimeout(self.read_timeout)
            conn.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            self._conn, self._origin = conn, origin
        return self._conn


def _stale(conn: http.client.HTTPConnection) -> bool:
    """Whether an idle kept-alive connection was closed by the server (or has bytes it never
    asked for): readable while idle means either."""
    sock = conn.sock
    if sock is None:
        return True
    try:
        readable, _, _ = select.select([sock], [], [], 0)
    except (OSError, ValueError):
        return True
    return bool(readable)


def _reason(exc: BaseException) -> str:
    if isinstance(exc, http.client.RemoteDisconnected):
        return "Server disconnected without sending a response."
    text = str(exc).strip()
    return text or type(exc).__name__

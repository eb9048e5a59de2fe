"""The HTTP adapter: the emulator's handler as an ASGI application, served by uvicorn (httptools).

Why uvicorn with httptools (measured by ``bench/bench_emulator.py``, see docs/emulator.md): the
handler is fast (tens of microseconds per retrieve) and CPU-bound under one GIL, so what limits
the server is the cost of HTTP itself and of threads fighting for the GIL. waitress with 8
threads spent most of its time on that contention; uvicorn parses HTTP in httptools' C parser and
runs the handler on its one event-loop thread, with no thread switch per request. granian (Rust)
was as fast or faster, but its WSGI and RSGI interfaces give the application a percent-decoded
path, so ``/v1/customers/a%2Fb`` would reach another route; ASGI's ``raw_path`` keeps the path as
sent, which is how ids typed by an operator stay one path segment.

The handler runs inline on the event loop: one request at a time, which is how SQLite takes
writers anyway. Requests that are ready together share one commit (``GroupCommit``), and each is
answered only once its commit is done. Limits an operator can rely on (each is tested over a real socket):

- a request body over ``MAX_BODY_BYTES`` gets 413 in Stripe's error shape, without being read;
- a connection idle for ``IDLE_TIMEOUT`` seconds is closed, whether it sent a request or not;
  idle connections cost no thread, so 1,000 of them never hold up another client;
- listening on anything but a loopback address needs ``allow_remote`` (the CLI's
  ``--allow-remote``), and says on stderr that any ``sk_test_`` key is accepted.
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
import sqlite3
import sys
import threading
from typing import Any, Awaitable, Callable, Iterable

from stripecli.emulator.errors import EmulatorError
from stripecli.emulator.handler import Emulator

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 12111
# Stripe documents no size limit for a form-encoded request; its largest real bodies (a few
# hundred line items, 50 metadata keys of 500 characters) stay well under 1 MiB.
MAX_BODY_BYTES = 1024 * 1024
IDLE_TIMEOUT = 5.0
# at most this many requests share one commit
MAX_GROUP = 32

ASGIApp = Callable[[dict, Callable[[], Awaitable[dict]], Callable[[dict], Awaitable[None]]], Awaitable[None]]
# A background job of ``serve``: runs in its own thread until the event is set at shutdown.
Background = Callable[[threading.Event], None]


def is_loopback(host: str) -> bool:
    """Whether ``host`` names only this machine (``localhost``, 127.0.0.0/8, ``::1``)."""
    if host.lower() in ("localhost", "localhost."):
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def remote_warning(host: str) -> str:
    return ("warning: the emulator is listening on %s, which is not a loopback address: anyone who can reach it "
            "can read and change its data with any sk_test_ key (it has no real authentication)" % host)


def too_large(emulator: Emulator, length: int | None) -> tuple[int, list[tuple[str, str]], bytes]:
    size = "%d bytes" % length if length is not None else "more than that"
    return emulator.error_response(EmulatorError(
        413, "Request body too large: the emulator accepts at most %d bytes (this one is %s)." % (MAX_BODY_BYTES, size),
        headers={"Connection": "close"}))


class GroupCommit:
    """Requests that are ready together share one commit (see ``Store.begin_group``).

    The first request of a group opens the transaction and schedules the commit with
    ``call_soon``: it runs once the event loop has run every request that was ready in the same
    turn, each in a savepoint of its own. Each request then waits for the commit before it is
    answered; if the commit fails, each answers 500 instead of what it did. Under no load a group
    is one request, as before; under load (8 clients), a few.
    """

    def __init__(self, emulator: Emulator) -> None:
        self.store = emulator.store
        self.emulator = emulator
        self.waiting: list[asyncio.Future] | None = None
        self.counted = 0

    def join(self) -> asyncio.Future | None:
        """The future of the commit this request's writes will be part of (None: no group could be
        opened, the database is busy elsewhere, so the request commits on its own as usual)."""
        if self.waiting is None:
            try:
                self.store.begin_group()
            except sqlite3.OperationalError:
                return None
            self.waiting = []
            self.counted = 0
            asyncio.get_running_loop().call_soon(self._commit)
        future = asyncio.get_running_loop().create_future()
        self.waiting.append(future)
        return future

    def _commit(self) -> None:
        waiting = self.waiting or []
        if self.counted < len(waiting) < MAX_GROUP:
            # requests joined during the last turn of the loop: give the requests that arrived
            # meanwhile one more turn to join too
            self.counted = len(waiting)
            asyncio.get_running_loop().call_soon(self._commit)
            return
        self.waiting = None
        failure: BaseException | None = None
        try:
            self.store.commit_group()
        except Exception as exc:  # noqa: BLE001 - every request of the group answers the failure
            failure = exc
        for future in waiting:
            if not future.done():
                future.set_result(failure)

    def failed(self, failure: BaseException) -> tuple[int, list[tuple[str, str]], bytes]:
        return self.emulator.error_response(EmulatorError(
            500, "The emulator could not save this request: %s: %s" % (type(failure).__name__, failure),
            type="api_error", headers={"Stripe-Should-Retry": "true"}))


def make_app(emulator: Emulator, *, max_body: int = MAX_BODY_BYTES) -> ASGIApp:
    group = GroupCommit(emulator)

    async def app(scope: dict, receive: Callable[[], Awaitable[dict]], send: Callable[[dict], Awaitable[None]]) -> None:
        if scope["type"] != "http":
            return
        headers = [(k.decode("latin-1"), v.decode("latin-1")) for k, v in scope["headers"]]
        declared = next((v for k, v in headers if k == "content-length"), None)
        length = int(declared) if declared is not None and declared.strip().isdigit() else None
        answer = None
        if length is not None and length > max_body:
            answer = too_large(emulator, length)
        else:
            chunks = []
            size = 0
            more = True
            while more:
                message = await receive()
                if message["type"] == "http.disconnect":
                    return
                chunk = message.get("body", b"")
                size += len(chunk)
                if size > max_body:  # a chunked body that does not say its length
                    answer = too_large(emulator, None)
                    break
                chunks.append(chunk)
                more = message.get("more_body", False)
        if answer is None:
            raw = scope.get("raw_path") or scope["path"].encode("utf-8")
            path = raw.decode("latin-1").split("?", 1)[0]
            committed = group.join()
            answer = emulator.handle(scope["method"], path, scope["query_string"].decode("latin-1"), headers,
                                     b"".join(chunks))
            if committed is not None:
                failure = await committed
                if failure is not None:
                    answer = group.failed(failure)
        status, out, content = answer
        response = [(k.lower().encode("latin-1"), v.encode("latin-1")) for k, v in out]
        response.append((b"content-length", b"%d" % len(content)))
        await send({"type": "http.response.start", "status": status, "headers": response})
        await send({"type": "http.response.body", "body": content})

    return app


class CoalescingTransport:
    """A connection's transport whose writes of one turn of the event loop go out as one.

    uvicorn writes a response's status line and headers, then its body, each with its own
    ``write``: two ``send`` calls and, with ``TCP_NODELAY``, two packets per response. This joins
    what was written during one turn of the loop and sends it at the start of the next (or before
    the connection is closed). Everything else is the transport's own.
    """

    __slots__ = ("_transport", "_loop", "_pending")

    def __init__(self, transport: Any, loop: asyncio.AbstractEventLoop) -> None:
        self._transport = transport
        self._loop = loop
        self._pending: list[bytes] = []

    def write(self, data: bytes) -> None:
        if not self._pending:
            self._loop.call_soon(self.flush)
        self._pending.append(data)

    def flush(self) -> None:
        if self._pending:
            data = b"".join(self._pending)
            self._pending.clear()
            self._transport.write(data)

    def close(self) -> None:
        self.flush()
        self._transport.close()

    def __getattr__(self, name: str) -> Any:
        return getattr(self._transport, name)


def _protocol_class() -> type:
    """httptools' protocol, with the idle timer armed from the moment a connection opens, and
    each response sent in one write (``CoalescingTransport``).

    uvicorn closes a keep-alive connection ``timeout_keep_alive`` seconds after its last
    response, but a connection that never sends a byte is kept forever; the emulator closes both.
    """
    from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

    class IdleClosingProtocol(HttpToolsProtocol):
        def connection_made(self, transport: Any) -> None:  # type: ignore[override]
            super().connection_made(transport)
            self.transport = CoalescingTransport(transport, self.loop)  # type: ignore[assignment]
            self.timeout_keep_alive_task = self.loop.call_later(self.timeout_keep_alive,
                                                                self.timeout_keep_alive_handler)

    return IdleClosingProtocol


def bind(host: str, port: int) -> socket.socket:
    """A listening socket on ``host:port`` (port 0 picks a free one)."""
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
    family, kind, proto, _, address = infos[0]
    sock = socket.socket(family, kind, proto)
    try:
        if sys.platform != "win32":  # on Windows SO_REUSEADDR would let two servers share the port
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(address)
        sock.listen(2048)
        sock.set_inheritable(True)
    except OSError:
        sock.close()
        raise
    return sock


class Server:
    """uvicorn serving ``make_app(emulator)`` on an already bound socket (see ``bind``)."""

    def __init__(self, emulator: Emulator, sock: socket.socket, *, idle_timeout: float = IDLE_TIMEOUT) -> None:
        import uvicorn

        self.emulator = emulator
        self.socket = sock
        self.port = sock.getsockname()[1]
        config = uvicorn.Config(
            make_app(emulator),
            http=_protocol_class(),
            loop="asyncio",
            lifespan="off",
            interface="asgi3",
            log_level="warning",
            access_log=False,
            proxy_headers=False,
            server_header=False,
            timeout_keep_alive=idle_timeout,  # type: ignore[arg-type]  # seconds, a float works
            timeout_graceful_shutdown=5,
        )
        self.uvicorn = uvicorn.Server(config)

    def run(self) -> None:
        """Serve until ``stop()`` or SIGINT/SIGTERM."""
        self.uvicorn.run(sockets=[self.socket])

    def stop(self) -> None:
        self.uvicorn.should_exit = True


def create_server(emulator: Emulator, host: str = DEFAULT_HOST, port: int = DEFAULT_PORT, *,
                  idle_timeout: float = IDLE_TIMEOUT) -> Server:
    return Server(emulator, bind(host, port), idle_timeout=idle_timeout)


def serve(data_dir: str | None = None, host: str = DEFAULT_HOST, port: int = DEFAULT_PORT,
          announce: Callable[[str], None] | None = None, *, allow_remote: bool = False,
          background: Iterable[Background] = ()) -> None:
    """Serve until interrupted; ``announce`` gets the lines saying where (and any warning).

    Each ``background`` job runs in a daemon thread next to the server and is asked to stop (its
    event is set) when the server shuts down.
    """
    say = announce or (lambda text: (sys.stderr.write(text + "\n"), sys.stderr.flush()))
    if not is_loopback(host) and not allow_remote:
        raise PermissionError("%s is not a loopback address; pass allow_remote to listen on it" % host)
    sock = bind(host, port)
    emulator = Emulator(data_dir)
    from stripecli.emulator import routes

    routes.table()  # a server builds every method's routes before it says it is listening
    server = Server(emulator, sock)
    shown_host = "[%s]" % host if ":" in host else host
    base = "http://%s:%s" % (shown_host, server.port)
    if not is_loopback(host):
        say(remote_warning(host))
    say("stripecli emulator listening on %s (data %s); point the CLI at it with STRIPE_API_BASE=%s, "
        "stripe-python with stripe.api_base = %r, and use any sk_test_ key" % (base, emulator.store.path, base, base))
    stopping = threading.Event()
    threads = [threading.Thread(target=job, args=(stopping,), name="emulator-%s" % getattr(job, "__name__", "job"),
                                daemon=True) for job in background]
    for thread in threads:
        thread.start()
    try:
        server.run()
    except KeyboardInterrupt:
        pass
    finally:
        stopping.set()
        for thread in threads:
            thread.join(timeout=5)
        sock.close()

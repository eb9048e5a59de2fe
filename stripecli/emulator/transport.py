"""The in-process adapter: an ``httpx.BaseTransport`` that answers from the emulator directly.

``stripecli --local`` gives it to the API client, so commands run against the emulator with no
server process and no network: same requests, same responses, same ``Request-Id`` headers.

Webhooks with ``--local``: there is no server to deliver them, so the process that used the
emulator delivers what is due when it exits, for at most 2 s in all
(``STRIPECLI_EMULATOR_LOCAL_DELIVERY_SECONDS``); what is left stays pending in the database for the
next ``--local`` command or a running ``emulator serve`` (see ``deliveries``).
"""

from __future__ import annotations

import atexit
import threading

import httpx

from stripecli.emulator.handler import Emulator, emulator_for


class LocalTransport(httpx.BaseTransport):
    def __init__(self, emulator: Emulator) -> None:
        self.emulator = emulator

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        body = request.read()
        path, _, query = request.url.raw_path.decode("ascii").partition("?")
        status, headers, content = self.emulator.handle(request.method, path, query, request.headers.items(), body)
        return httpx.Response(status, headers=headers, content=content, request=request)


_AT_EXIT = threading.Lock()
_registered: list[bool] = []


def local_transport(data_dir: str | None = None) -> httpx.BaseTransport:
    """A transport to the emulator on ``data_dir`` (default: ``STRIPECLI_DATA_DIR``, else the
    user data directory); webhooks due in it are delivered when the process exits."""
    from stripecli.emulator import deliveries

    emulator = emulator_for(data_dir)
    deliveries.note_local_use(emulator.store)
    with _AT_EXIT:
        if not _registered:
            atexit.register(deliveries.drain_at_exit)
            _registered.append(True)
    return LocalTransport(emulator)

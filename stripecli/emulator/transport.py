"""The in-process adapter: an ``httpx.BaseTransport`` that answers from the emulator directly.

``stripecli --local`` gives it to the API client, so commands run against the emulator with no
server process and no network: same requests, same responses, same ``Request-Id`` headers.
"""

from __future__ import annotations

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


def local_transport(data_dir: str | None = None) -> httpx.BaseTransport:
    """A transport to the emulator on ``data_dir`` (default: ``STRIPECLI_DATA_DIR``, else the
    user data directory)."""
    return LocalTransport(emulator_for(data_dir))

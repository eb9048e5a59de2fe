"""Fixtures: ``api`` is an httpx client on the emulator, in-process (``local_transport``) or over
HTTP (``emulator serve`` in a subprocess); tests that take it run both ways."""

from __future__ import annotations

from pathlib import Path
from typing import Iterator

import httpx
import pytest

from tests.emulator.helpers import AUTH, Served, serve

ADVANCE_SECONDS = 0.2


@pytest.fixture(scope="session")
def served(tmp_path_factory) -> Iterator[Served]:
    """One server for the session; each test using it starts from an emptied database."""
    base = tmp_path_factory.mktemp("served-emulator")
    server = serve(base / "data", base / "serve.log", advance_seconds=ADVANCE_SECONDS)
    yield server
    server.stop()


def _local_client(data_dir: Path, monkeypatch) -> httpx.Client:
    monkeypatch.setenv("STRIPECLI_EMULATOR_ADVANCE_SECONDS", str(ADVANCE_SECONDS))
    from stripecli.emulator.transport import local_transport

    return httpx.Client(transport=local_transport(str(data_dir)), base_url="http://emulator.local", headers=AUTH)


@pytest.fixture
def local(tmp_path, monkeypatch) -> Iterator[httpx.Client]:
    with _local_client(tmp_path / "emulator", monkeypatch) as client:
        yield client


@pytest.fixture
def http(served) -> Iterator[httpx.Client]:
    from stripecli.emulator.store import Store

    store = Store(served.data_dir)  # another process writing the same database: it must be safe
    store.reset()
    store.close()
    with httpx.Client(base_url=served.base, headers=AUTH, timeout=30) as client:
        yield client


@pytest.fixture(params=["local", "http"])
def api(request) -> httpx.Client:
    return request.getfixturevalue(request.param)

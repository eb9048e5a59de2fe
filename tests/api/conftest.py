from __future__ import annotations

import sys
from pathlib import Path
from typing import Any, Callable, Iterator

import pytest

_ROOT = Path(__file__).resolve().parents[2]
if str(_ROOT) not in sys.path:  # so that `pytest` (not only `python -m pytest`) finds the packages
    sys.path.insert(0, str(_ROOT))

from stripecli.api.client import ClientConfig, StripeClient  # noqa: E402
from tests.fakeserver import FakeServer  # noqa: E402

FAKE_KEY = "sk_test_fake123abcdWXYZ"


@pytest.fixture
def server() -> Iterator[FakeServer]:
    with FakeServer() as fake:
        yield fake


@pytest.fixture
def sleeps() -> list[float]:
    """Delays the client asked to sleep; nothing really waits."""
    return []


@pytest.fixture
def log_lines() -> list[str]:
    return []


@pytest.fixture
def make_client(server: FakeServer, sleeps: list[float], log_lines: list[str]) -> Iterator[Callable[..., StripeClient]]:
    clients: list[StripeClient] = []

    def make(**overrides: Any) -> StripeClient:
        options: dict[str, Any] = {
            "api_key": FAKE_KEY,
            "api_base": server.url,
            "stripe_version": "2025-01-27.acacia",
            "sleep": sleeps.append,
            "log": log_lines.append,
            "user_agent_version": "0.1.0",
        }
        options.update(overrides)
        client = StripeClient(ClientConfig(**options))
        clients.append(client)
        return client

    yield make
    for client in clients:
        client.close()
